"""Meetings and policies: spans that nest in and overlap the other entities.

A meeting is a name ending in a meeting word (会议, 座谈会, 论坛, 仪式…, kg/data/lexicon/
meeting_kinds.tsv) or matching a session pattern (省十三届人大四次会议, 党的十八大); a policy is a
《title》, a known programme (policy_terms.tsv), or a name ending in a policy word (规划, 条例,
行动…, policy_kinds.tsv) built, like a body's name, from the words before it. Names start
after the verb that introduces them (召开, 出席, 印发…, stop_verbs.txt); names joined by 暨
are one event.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from kg import knowledge
from kg.extraction.lac import Word
from kg.extraction.layers import Candidate
from kg.extraction.sentences import doc_text
from kg.extraction.titles import title_cue, work_titles
from kg.records import MentionKind
from kg.resources import read_lines, read_patterns, read_tsv

MEETING, POLICY = MentionKind.MEETING, MentionKind.POLICY
_NAME_TAGS = frozenset({"n", "nz", "nw", "vn", "an", "a", "ad", "ORG", "LOC", "PER", "m", "q", "f", "s", "TIME", "j"})
_STOP_CHARS = set("，,。；;：:、！？!?（）()\n …了和与及在是为对从把被将等各该其并或这那此每由向于以到")
_ORDINAL = re.compile(r"^(?:第?[一二三四五六七八九十百\d]+[届次期]|[一二三四五六七八九十两\d]+年|若干|首[届次期])$")
_MEDIA = re.compile(r"(报|日报|晚报|周报|时报|邮报|杂志|周刊|期刊|月刊|网)$")
_QUOTE = re.compile(r"“[^“”\n]{1,30}”|\"[^\"\n]{1,30}\"")
_DRAFT = re.compile(r"^\s*[（(](?:草案|试行|送审稿|征求意见稿|修订草案)[)）]")
# a meeting name opened by its scope may hold a verb: 全省优化营商环境工作会议, 全市推进…大会
_SCOPED_NAME = re.compile(r"(全省|全市|全县|全区|全州|全盟|全国)([\u4e00-\u9fff]{1,14})$")
# a day or a time of day before a meeting's name is when it met, not part of it (3月30日|中央政治局会议)
_LEADING_DAY = re.compile(r"^(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚上|晚)?|^(?:今天|昨天|近日|日前|上午|下午)")
_ANNIVERSARY = re.compile(r"^[\d一二三四五六七八九十百]+周年$")
# where a verb-opened name may begin: a clause boundary, 的, or the verb that introduces the name
_NAME_OPENERS = re.compile(r"(?:^|[，,。；;：:、\n“（(的]|召开|举行|举办|出席|参加|主持|在)$")
_EVENT_VERB = re.compile(r"召开|举行|举办|主持|出席|参加|传达|学习|贯彻|落实|听取|审议|部署|召集|会议|大会")
_PERIOD = re.compile(r"[”\"]?(?:时期|期间|开局|末|初|以来|前期|中期|后期)")
# a five-year period's name alone (“十三五”) and the word tags after it that make it a modifier
_PERIOD_NAME = re.compile(r"[“\"]?十[一二三四五六七八九]五[”\"]?")
_NOUN_TAGS = frozenset({"n", "nz", "vn", "an", "nw", "ORG", "LOC"})
_NUMBERED = re.compile(r"[一二三四五六七八九十两百千\d]")
_MAX_NAME = 40
# a bracketed word inside a meeting's name, before its meeting word: 党组(扩大)会议, 主席（扩大）会议
_INSERTED = re.compile(r"[（(](?:扩大|联席|视频)[)）]$")
# a title inside a title, in angle or book brackets (《…印发〈关于…的意见〉的通知》)
_INNER_TITLE = re.compile(r"[〈<《]([^〈〉<>《》]{2,60})[〉>》]")
# 关于…的决定: the title of a document (决定, 意见, 请示, 报告…) whatever its subject
_GUANYU = re.compile(r"关于[^，。；、\n《》]{2,40}?的(?:决定|意见|通知|办法|规定|决议|批复|请示|报告|方案|建议|通报)")


@cache
def _stop_verbs() -> frozenset[str]:
    return frozenset(read_lines("lexicon/stop_verbs.txt"))


@cache
def _meeting_qualifiers() -> frozenset[str]:
    """Words before a meeting word that describe a meeting, not name it (meeting_qualifiers.txt)."""
    return frozenset(read_lines("lexicon/meeting_qualifiers.txt"))


@cache
def _name_verbs(layer: str) -> frozenset[str]:
    """Verbs that may open a meeting's or policy's name (name_verbs.tsv)."""
    rows = read_tsv("lexicon/name_verbs.tsv", ("verb", "layer"))
    return frozenset(r["verb"] for r in rows if r["layer"] in (layer, "both"))


@cache
def _automaton(which: str) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    if which == "meeting":
        for suffix, kind in knowledge.meeting_kinds().items():
            auto.add_word(suffix, (suffix, kind))
    else:
        for row in read_tsv("lexicon/policy_kinds.tsv", ("suffix", "strength")):
            auto.add_word(row["suffix"], (row["suffix"], row["strength"]))
    auto.make_automaton()
    return auto


@cache
def _frames() -> dict[str, re.Pattern[str]]:
    """The rows of meeting_frames.tsv by name: the clause frames (…_held) that delimit a whole
    meeting name, {kind} filled with the meeting words, longest first; `opening` and `deictic`."""
    kinds = "|".join(re.escape(k) for k in sorted(knowledge.meeting_kinds(), key=lambda k: (-len(k), k)))
    rows = read_tsv("lexicon/meeting_frames.tsv", ("name", "pattern"))
    return {r["name"]: re.compile(r["pattern"].replace("{kind}", kinds)) for r in rows}


def _framed(text: str, entities: list[Candidate]) -> list[Candidate]:
    """Meeting names delimited by their clause (meeting_frames.tsv). A name that holds verbs
    starts as the genre's do: with its scope (全市), a year, an ordinal, or a body or place
    (not 我要热情欢迎…会议在上海召开: a speaker's clause)."""
    generic = knowledge.generic_phrases()
    bodies = {e.start for e in entities if e.kind in (MentionKind.ORGANIZATION, MentionKind.PLACE) and not e.nested}
    kinds = knowledge.meeting_kinds()
    out = []
    frames = _frames()
    for name, pattern in frames.items():
        if not name.endswith("_held"):
            continue
        for m in pattern.finditer(text):
            start, end = m.span("name")
            start = _strip_leading(text, start, end)
            surface = text[start:end]
            kind = next((surface[-n:] for n in range(min(len(surface), 8), 0, -1) if surface[-n:] in kinds), "")
            if surface in generic or len(surface) - len(kind) < 2 or frames["deictic"].match(surface):
                continue
            if start not in bodies and not frames["opening"].match(surface):
                continue
            if any(k + j in surface for k in kinds for j in "、和及与"):
                continue  # 召开A会议、B会议, 召开A会议和B会议: two meetings
            out.append(Candidate(start, end, MEETING, f"frame:{name}", 5))
    return out


def _hits(text: str, which: str, words: _Words) -> list[tuple[int, int, str, str]]:
    """(start, end, suffix, info): per end position the longest hit that does not start
    inside a word it does not end with (省政府党组|会议 -> 会议, not 党组会议)."""
    by_end: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    for end_index, (suffix, info) in _automaton(which).iter(text):
        end = end_index + 1
        by_end[end].append((end - len(suffix), end, suffix, info))
    out = []
    for end in sorted(by_end):
        for hit in sorted(by_end[end]):  # longest first
            w = words.word_at.get(hit[0])
            if w is not None and w.start < hit[0] and w.end < end:
                continue  # 发展|会: crosses a word boundary
            out.append(hit)
            break
    return out


class _Words:
    def __init__(self, text: str, words: list[Word]):
        self.text = text
        self.by_end: dict[int, Word] = {w.end: w for w in words}
        self.ends = set(self.by_end)
        self.starts = {w.start for w in words}
        self.word_at: dict[int, Word] = {}
        for w in words:
            for c in range(w.start, w.end):
                self.word_at[c] = w


def _extend_left(
    v: _Words,
    start: int,
    end: int,
    anchors: dict[int, list[Candidate]],
    *,
    allow_de: bool,
    verbs: frozenset[str],
    anchor_names: bool = True,
    meeting: bool = False,
) -> tuple[int, bool]:
    """Grow a name leftwards from `start` over name words, entity anchors and one quotation.

    Returns the new start and whether the name contains an entity, quotation or number.
    `verbs` are the verbs allowed inside the name (促进 in 促进…若干政策); `anchor_names`: whether
    a body or place in the name makes it a name (a meeting of 省政府 yes, 一汽集团供应链体系 no);
    `meeting`: a meeting's name, which may hold a bracketed word (党组(扩大)会议).
    """
    text = v.text
    named = False
    quoted = False
    anniversary = False
    w = v.word_at.get(start)
    if w is not None and w.start < start:  # the suffix ends a longer word
        prefix = text[w.start : start]
        if prefix in _stop_verbs() or w.tag in ("v", "vd") and prefix not in verbs:
            return start, False  # 主持会议, 出席会议: the verb is not part of the name
        start = w.start
    while end - start < _MAX_NAME:
        anchor = min(anchors.get(start, ()), key=lambda c: c.start, default=None)
        if anchor is not None:
            start = anchor.start
            named = named or anchor_names
            continue
        inserted = _INSERTED.search(text, max(0, start - 6), start)
        if inserted and meeting:  # 党组(扩大)会议, 区委常委会（扩大）会议: the insertion is in the name
            start = inserted.start()
            continue
        prev = text[start - 1 : start]
        if prev == "”":
            if quoted or text[start : start + 1] == "“":
                break  # “一网通办”“只提交一次材料”改革: separate items
            q = text.rfind("“", max(0, start - 32), start)
            if q < 0:
                break
            start, named, quoted = q, True, True
            continue
        if prev == "暨":  # 党组会议暨主席会议: one event
            start -= 1
            w = v.word_at.get(start - 1)
            if w is not None and w.end != start and w.tag in _NAME_TAGS:
                start = w.start
            continue
        if allow_de and prev == "的" and text[start - 2 : start - 1] == "党":  # 党的建设, 党的十八大
            start -= 1
            continue
        w = v.by_end.get(start)
        if w is None:
            break
        chunk = text[w.start : w.end]
        if set(chunk) & _STOP_CHARS or chunk in _stop_verbs():
            break
        if _ANNIVERSARY.match(chunk):  # 浦东开发开放|30周年|庆祝大会: what is celebrated is named
            start, named, anniversary = w.start, True, True
            continue
        if anniversary and chunk in _name_verbs("meeting"):
            start = w.start  # 庆祝|中国共产党成立100周年大会: the celebrating verb opens the name
            break
        placed = any(a.kind is MentionKind.PLACE and not a.nested for a in anchors.get(w.start, ()))
        if w.tag in ("v", "vd") and chunk not in verbs and not anniversary and not (placed and len(chunk) == 2):
            break  # (a verb right after a place stays: 中国|发展|高层论坛)
        if len(chunk) == 1 and w.tag in ("a", "ad") and getattr(v.by_end.get(w.start), "tag", "") in ("v", "vd"):
            break  # 撰写好|委员大会发言: 好 completes the verb
        if w.tag not in _NAME_TAGS and w.tag not in ("v", "vd"):
            break
        if w.tag == "m" and not _ORDINAL.match(chunk) and not anniversary:
            break  # counts (8项, 一系列, 3个, 多层次) are not part of a name
        if w.tag == "m" or chunk == "若干":
            named = True  # an ordinal or a duration (第七次, 三年), or 若干政策
        start = w.start
    return start, named


def _in_partial_quote(text: str, start: int, end: int) -> bool:
    """The span starts inside a quotation it does not cover (…北京革命活动 in “…主题展”)."""
    if text[start : start + 1] == "“":
        return False
    opened = text.rfind("“", 0, start)
    closed = text.rfind("”", 0, start)
    if opened <= closed:
        return False
    close_after = text.find("”", start)
    return close_after >= 0 and close_after < end or close_after > end + 1


def _strip_leading(text: str, start: int, end: int) -> int:
    while start < end and text[start] in "”、，, 《":
        start += 1
    return start


def meetings(text: str, words: list[Word], entities: list[Candidate]) -> list[Candidate]:
    """Meeting spans of a document (public for tests)."""
    v = _Words(text, words)
    anchors: dict[int, list[Candidate]] = defaultdict(list)
    for e in entities:
        if e.kind in (MentionKind.ORGANIZATION, MentionKind.PLACE) and not e.nested:
            anchors[e.end].append(e)
    out: list[Candidate] = []
    for name, pattern in read_patterns("lexicon/meeting_patterns.tsv"):
        for m in pattern.finditer(text):
            start, _ = _extend_left(v, m.start(), m.end(), anchors, allow_de=True, verbs=frozenset(), meeting=True)
            out.append(Candidate(_strip_leading(text, start, m.end()), m.end(), MEETING, f"pattern:{name}", 5))
    generic = knowledge.generic_phrases()
    for s, e, suffix, _kind in _hits(text, "meeting", v):
        if e not in v.ends and text[e : e + 1] not in ("上", "，", "。", "、", "和", "暨", "精", "部", "要", "的"):
            continue
        quote = _enclosing_quote(text, s, e)
        if quote is not None:  # “光辉伟业 红色序章——…主题展”: the quoted title is the name
            out.append(Candidate(quote[0], quote[1], MEETING, "rule:meeting-quoted", 4))
            continue
        start, named = _extend_left(v, s, e, anchors, allow_de=True, verbs=frozenset(), meeting=True)
        start, named = _verb_opened(v, start, named, anchors)
        scoped = _SCOPED_NAME.search(text, max(0, start - 20), start)
        if scoped and not _EVENT_VERB.search(scoped.group(2)) and not set(scoped.group(2)) & _STOP_CHARS:
            start, named = scoped.start(), True  # 全省|优化|营商环境工作会议: the name runs from 全省
        start = _strip_leading(text, start, e)
        day = _LEADING_DAY.match(text[start:s])
        if day:
            start = _strip_leading(text, start + day.end(), e)
        surface = text[start:e]
        if text[start:s] in knowledge.meeting_kinds():
            continue  # 论坛会议: two meeting words, no name
        if any(text[start:s].endswith(q) for q in _meeting_qualifiers()):
            continue  # 党中央国务院重要|会议, 与会人员|集体学习: a description, not a name
        if surface.endswith(("人民代表大会", "代表大会")) and not re.search(r"[次届]", surface):
            continue  # the body (人民代表大会), not one of its sessions
        bare = start == s
        convened = bare and _convened_by_body(text, s, entities)
        if surface in generic and not convened:
            continue
        coordinated = bare and text[s - 1 : s] in ("和", "、") and any(c.end == s - 1 for c in out)
        attended = bare and len(suffix) >= 4 and text[max(0, s - 2) : s] in ("出席", "参加", "举行", "召开", "举办")
        if bare and not (coordinated or attended or convened):
            continue
        if len(surface) - len(suffix) < 2 and not (coordinated or attended or named or convened):
            continue
        out.append(Candidate(start, e, MEETING, "rule:meeting", 4))
    out.extend(_framed(text, entities))
    return _outermost(out)


def _verb_opened(v: _Words, start: int, named: bool, anchors: dict[int, list[Candidate]]) -> tuple[int, bool]:
    """Take a verb that opens the name into it where the name begins after a boundary or an
    introducing verb: 召开的|推进京津冀协同发展工作座谈会; the name may go on to a place or body
    before the verb (全省|推进…会议 is left to the scope rule)."""
    w = v.by_end.get(start)
    if w is None or v.text[w.start : w.end] not in _name_verbs("meeting"):
        return start, named
    if not _NAME_OPENERS.search(v.text, max(0, w.start - 2), w.start) and not anchors.get(w.start):
        return start, named
    anchor = min(anchors.get(w.start, ()), key=lambda c: c.start, default=None)
    return (anchor.start, True) if anchor is not None else (w.start, True)


def _convened_by_body(text: str, start: int, entities: list[Candidate]) -> bool:
    """A bare 会议 that a body just named convenes (中共中央政治局常务委员会1月12日召开会议):
    resolution names it after the body."""
    convenes = knowledge.relation_cues()["convenes"]
    return any(
        e.kind is MentionKind.ORGANIZATION and not e.nested and convenes.fullmatch(text, e.end, start)
        for e in entities
        if e.end < start <= e.end + 12
    )


def _enclosing_quote(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the quotation content that ends exactly at `end`, if `start` is inside it."""
    if text[end : end + 1] != "”":
        return None
    q = text.rfind("“", max(0, start - 60), start)
    if q < 0 or "”" in text[q:start]:
        return None
    return q + 1, end


# verbs that govern a document's name (所作的: the report someone delivered, 张柏桢所作的法院工作报告)
_DOC_VERBS = frozenset(
    {
        "审议",
        "审查",
        "审定",
        "听取",
        "通过",
        "批准",
        "印发",
        "出台",
        "发布",
        "颁布",
        "制定",
        "编制",
        "下发",
        "联合下发",
        "所作的",
    }
)
_POLICY_STOP_WORDS = frozenset(
    {
        "一系列",
        "一批",
        "一些",
        "相关",
        "有关",
        "各项",
        "多项",
        "这些",
        "各类",
        "全省",
        "我省",
        "全市",
        "我市",
        "我国",
        "唯一",
        "如下",  # 明确了如下政策: the text that follows, not a name
        "以下",
        "上述",
    }
)


def _quote_before(text: str, s: int) -> int | None:
    """Start of a quotation that closes shortly before `s` with only name text in between
    (“3·5”学雷锋主题志愿服务活动, “寻找身边雷锋”百部网络视频展播活动)."""
    close = text.rfind("”", max(0, s - 16), s)
    if close < 0:
        return None
    between = text[close + 1 : s]
    if set(between) & (_STOP_CHARS - {"与"}) or "的" in between or any(v in between for v in _stop_verbs()):
        return None
    opening = text.rfind("“", max(0, close - 40), close)
    if opening < 0 or "”" in text[opening + 1 : close]:
        return None
    return opening


def _plain_word(text: str, s: int, e: int) -> bool:
    """Whether the kind word text[s:e] is the common noun of a consultation formula (征求意见)."""
    return any(m.start() <= s and m.end() >= e for m in title_cue("plain_opinion").finditer(text, max(0, s - 4), e + 4))


def _policy_span(v: _Words, s: int, e: int, strength: str, anchors) -> tuple[int, bool] | None:
    """Start of the policy name ending in the policy word text[s:e], and whether it stands."""
    text = v.text
    quoted = False
    start = s
    q = _quote_before(text, s)
    if q is not None:
        start, quoted = q, True
    start, named = _extend_left(
        v, start, e, anchors, allow_de=False, verbs=_name_verbs("policy") | {"若干"}, anchor_names=strength != "weak"
    )
    # stop words at the front (一系列政策, 全省…): cut them off
    for w in sorted(_POLICY_STOP_WORDS, key=lambda w: (-len(w), w)):
        if text.startswith(w, start):
            start += len(w)
            break
    quoted = quoted or bool(_QUOTE.search(text[start:e]))
    # a document verb governing the name (审议…报告, 出台履行…清单), verbs allowed in between
    governed = False
    clause = max(text.rfind(p, 0, start) for p in "，,。；;：:、\n")
    found = []  # the nearest document verb before the name (the latest end, then the longest)
    for verb in _DOC_VERBS:
        at = text.rfind(verb, max(clause + 1, start - 10), start)
        gap = text[at + len(verb) : start] if at >= 0 else ""
        if (
            at >= 0
            and at + len(verb) <= start
            and not set(gap) & _STOP_CHARS
            and "的" not in gap  # 制定|节能管理的基本制度: a description, not a title
            and not any(sv in gap for sv in _stop_verbs())
        ):
            found.append((at + len(verb), len(verb)))
    if found:
        governed = True
        start = max(found)[0]
        for w in sorted(_POLICY_STOP_WORDS, key=lambda w: (-len(w), w)):
            if text.startswith(w, start):  # 制定|如下政策措施: the stop word follows the verb
                start += len(w)
                break
    # an item of a list (…、全国农民合作社质量提升试点、企业上市驱动工程等)
    listed = False
    item_start = clause + 1
    if text[clause : clause + 1] == "、" or text[e : e + 1] in ("、", "等"):
        between = text[item_start:start]
        if (
            text[e : e + 1] in ("、", "等")
            and text[clause : clause + 1] == "、"
            and not set(between) & _STOP_CHARS
            and "的" not in between
            and not any(vb in between for vb in _stop_verbs())
            and e - item_start <= 16
        ):
            start, listed = item_start, True
    name = text[start:s]
    if len(name) < 2 or name in knowledge.generic_phrases():
        return None
    if text[start - 1 : start] == "的" and not (quoted or named or governed or listed):
        return None  # …项目用地的|土地收回办法: what a clause describes, not a document's title
    if strength == "weak":
        ok = quoted or named or governed or listed
    else:
        ok = quoted or named or governed or listed or len(name) >= 4
    return (start, ok) if ok else None


def policies(text: str, words: list[Word], entities: list[Candidate], lexical: list[Candidate]) -> list[Candidate]:
    """Policy spans of a document (public for tests)."""
    v = _Words(text, words)
    anchors: dict[int, list[Candidate]] = defaultdict(list)
    for e in entities:
        # bodies and full place names name a policy; 我省/全省 and short forms do not
        if e.nested or e.kind not in (MentionKind.ORGANIZATION, MentionKind.PLACE):
            continue
        if e.kind is MentionKind.PLACE and e.source not in ("gaz:full", "gaz:town"):
            continue
        anchors[e.end].append(e)
    out: list[Candidate] = []
    inside: list[Candidate] = []  # documents named inside another's title: kept beside it
    works = work_titles(text)
    for m in re.finditer(r"《([^《》\n]{2,80})》", text):
        title = m.group(1)
        after = text[m.end() : m.end() + 2]
        if _MEDIA.search(title) or after.startswith(("杂志", "报", "周刊", "记者")):
            continue  # a newspaper or magazine: an organisation
        if m.start() in works:
            continue  # a book, film, programme or article: 《锦绣澴川》新书, 警示教育片《镜鉴》
        draft = _DRAFT.match(text[m.end() :])
        out.append(Candidate(m.start(1), m.end(1), POLICY, "rule:book-title", 6))
        if draft:
            out.append(Candidate(m.start(1), m.end() + draft.end(), POLICY, "rule:book-title", 6))
        # 《中共中央办公厅国务院办公厅印发〈关于…的意见〉的通知》: the title inside is a document too
        for inner in _INNER_TITLE.finditer(title):
            if not _MEDIA.search(inner.group(1)):
                at = m.start(1) + inner.start(1)
                inside.append(Candidate(at, at + len(inner.group(1)), POLICY, "rule:title-in-title", 6))
    issuers = {e.end: e for e in entities if e.kind is MentionKind.ORGANIZATION and not e.nested}
    for m in _GUANYU.finditer(text):
        end = m.end()
        draft = _DRAFT.match(text[end:])
        start = m.start()  # 全国人大常委会|关于实行宪法宣誓制度的决定: the issuers open the title
        while (issuer := issuers.get(start) or issuers.get(start - 1)) is not None and text[issuer.end : start] in (
            "",
            " ",
            "、",
        ):
            start = issuer.start  # 中共南宁市委 南宁市人民政府|关于…的决定: joint issuers
        if (
            title_cue("printing_verb").search(text, max(0, start - 4), start)
            and m.group(0).endswith("的通知")
            and title_cue("printed_document").search(text, m.start(), end - 3)
        ):
            end -= 3  # 印发关于推动…若干政策举措(2025年版)的通知: the 举措 is the document
            draft = None
        out.append(Candidate(start, end + (draft.end() if draft else 0), POLICY, "rule:guanyu", 5))
    for name, pattern in read_patterns("lexicon/policy_patterns.tsv"):
        for m in pattern.finditer(text):
            group = "name" if "name" in pattern.groupindex else 0
            start = m.start(group)
            if name == "document_number":  # 贯彻落实|国发〔2022〕2号: the issuer's code follows the verb
                head = text[start : text.index("〔", start) if "〔" in text[start : m.end(group)] else start]
                cuts = [head.rfind(w) + len(w) for w in (*_stop_verbs(), *_DOC_VERBS, "的", "了") if w in head]
                start += max(cuts, default=0)
                if text.find("〔", start, m.end(group)) - start < 1:
                    continue
            out.append(Candidate(start, m.end(group), POLICY, f"pattern:{name}", 5))
    for c in lexical:
        if c.kind is POLICY and c.source == "lex:policy":
            nxt = text[c.end : c.end + 1]
            if nxt and nxt in "律规治人院定":  # 劳动法律, 公司法定代表人: not the law
                continue
            if _PERIOD.match(text, c.end):
                continue  # “十四五”时期: the period, not its plan
            if _period_modifier(v, c.start, c.end):
                continue  # 国家“十三五”科技创新成就展: the period names the exhibition, it is not the plan
            out.append(c)
    for s, e, _suffix, strength in _hits(text, "policy", v):
        line_end = text[e : e + 1] in ("\n", "")
        if _plain_word(text, s, e):
            continue  # 征求意见, 意见征求座谈会: views asked for, not a document
        if e not in v.ends and not _DRAFT.match(text[e:]) and text[e : e + 1] not in "”，。、和；\n":
            continue
        w = v.word_at.get(s)
        if w is not None and w.start < s and w.end > e:
            continue  # crosses a word
        if w is not None and w.tag in ("v", "vd") and w.end == e and not line_end:
            continue  # 决定, 计划, 通报, 报告 used as verbs
        if re.match(r"[\d０-９于在将要]", text[e : e + 1]):
            continue  # 一期项目计划6月末竣工: 计划 plans to
        quote = _enclosing_quote(text, s, e)
        if quote is not None:  # “新冠疫苗实施计划”: the quotation is the name
            out.append(Candidate(quote[0], quote[1], POLICY, "rule:policy-quoted", 4))
            continue
        if text[s - 1 : s] == "》" and strength == "strong":
            start = _name_over_title(text, text.rfind("《", 0, s), s)
            if start is not None:  # 印发|山西省贯彻落实《…规划》工作方案: one name over the title
                out.append(Candidate(start, e, POLICY, "rule:policy-over-title", 5))
                inside.append(Candidate(text.rfind("《", 0, s) + 1, s - 1, POLICY, "rule:title-in-title", 6))
            continue  # not a name glued across the bracket (“十三五”规划》工作方案)
        found = _policy_span(v, s, e, strength, anchors)
        if found is None:
            continue
        start = _strip_leading(text, found[0], e)
        if _in_partial_quote(text, start, e):
            continue
        draft = _DRAFT.match(text[e:])
        out.append(Candidate(start, e + (draft.end() if draft else 0), POLICY, "rule:policy", 4))
    # a quoted numbered formulation: “三保一统筹”, “六个回归”
    for m in _QUOTE.finditer(text):
        inner = m.group(0)[1:-1]
        numbered = re.match(r"^[一二三四五六七八九十两]+[个大项条张保稳供站]", inner) or re.search(
            r"[一二三四五六七八九十两][\u4e00-\u9fff]{1,3}[一二三四五六七八九十两]", inner
        )
        if numbered and not _PERIOD.match(text, m.end()) and not _period_modifier(v, m.start(), m.end()):
            out.append(Candidate(m.start() + 1, m.end() - 1, POLICY, "rule:numbered-slogan", 3))
    # 国务院联防联控机制 is a body; 全面深化改革 in 中央全面深化改革委员会 is part of a body's name
    bodies = [(e.start, e.end) for e in entities if e.kind is MentionKind.ORGANIZATION and not e.nested]
    kept = _outermost([c for c in out if not any(s <= c.start and c.end <= e for s, e in bodies)])
    spans = {(c.start, c.end) for c in kept}
    return kept + [c for c in _outermost(inside) if (c.start, c.end) not in spans]


def _name_over_title(text: str, opening: int, close: int) -> int | None:
    """Start of a document's name that holds the title text[opening:close] before its policy
    word (关于印发|山西省贯彻落实《促进…规划》工作方案的通知): the name opens after the document
    verb of its clause (印发, 制定…), with no punctuation, 的 or other verb in between; None when
    no such verb governs it (学习《条例》实施办法 is left alone)."""
    if opening < 0 or "》" in text[opening : close - 1] or "\n" in text[opening:close]:
        return None
    clause = max(text.rfind(p, 0, opening) for p in "，,。；;：:、\n")
    best = None
    for verb in _DOC_VERBS:
        at = text.rfind(verb, clause + 1, opening)
        if at >= 0 and (best is None or at + len(verb) > best):
            best = at + len(verb)
    if best is None or opening - best > 20:
        return None
    gap = text[best:opening]
    if set(gap) & (_STOP_CHARS - {"、"}) or "的" in gap or len(gap) < 2:
        return None
    return best


def _period_modifier(v: _Words, start: int, end: int) -> bool:
    """Whether text[start:end] is a five-year period's name (“十三五”) modifying the noun after
    it (“十三五”科技创新成就展, “十四五”时期 is caught by _PERIOD): the period, not its plan."""
    after = v.word_at.get(end)
    return bool(_PERIOD_NAME.fullmatch(v.text[start:end])) and after is not None and after.tag in _NOUN_TAGS


def _outermost(cands: list[Candidate]) -> list[Candidate]:
    """Drop spans inside a longer span of the same layer; dedupe."""
    uniq = {(c.start, c.end): c for c in sorted(cands, key=lambda c: c.priority)}
    spans = sorted(uniq.values(), key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Candidate] = []
    for c in spans:
        if any(o.start <= c.start and c.end <= o.end for o in out):
            continue
        out.append(c)
    return out


@Language.factory("kg_events", assigns=["doc._.kg_events"], requires=["doc._.kg_entities"])
def make_events(nlp: Language, name: str) -> EventRules:
    """Meetings and policies of a document."""
    return EventRules()


class EventRules:
    """Applies `meetings` and `policies` to each document."""

    def __call__(self, doc: Doc) -> Doc:
        words = doc._.kg_words or []
        entities = doc._.kg_entities or []
        lexical = doc._.kg_candidates or []
        text = doc_text(doc)
        doc._.kg_events = meetings(text, words, entities) + policies(text, words, entities, lexical)
        return doc
