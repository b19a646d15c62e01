"""Posts written next to a name: 省委副书记、省长、省政府党组书记刘宁; 刘宁省长; 市长 孙弘.

`posts_of` reads, for one person mention, the chain of (body, title) pairs printed before it
(or a title right after it); names listed with 、 after a titled name share its posts
(副省长蔡东、安立佳). A title without a body takes the body it implies (省长 -> 省政府)
or, when it implies none, the body of the previous item (省政协主席、党组书记周波 -> 党组书记 of
省政协). A fused title (省委书记 not split by extraction) is split at its body abbreviation.
A chain printed as former (原巢湖市市委书记周光全, 前任…, 曾任…, 已故…) is not a post held now:
`posts_of` leaves it out unless asked for former posts too (`with_former`; careers records
those as former tenures). Bodies are returned as surface forms or mentions; resolution turns
them into entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg import knowledge
from kg.records import Analysis, Mention, MentionKind
from kg.resources import read_lines, read_patterns

_GAP = set("、，, 兼和及")  # what may separate the items of a title chain
_MAX_GAP = 2
_ACTING = "代理"  # 市委代理书记: an acting post, titled 代理书记
_LIST_SEP = ("、", "，", ",", "和", "及")  # between the people of a list sharing a body
_GRAMMAR = dict(read_patterns("lexicon/post_grammar.tsv"))  # the grammar words: data
_LIST_GAP = _GRAMMAR["names_sharing_title"]
CUT_NAME = _GRAMMAR["cut_name"]
UNNAMED_IN_LIST = _GRAMMAR["unnamed_in_list"]
# a department written fused with its head's title after its committee: 市委常委、组织部部长
_DEPARTMENT = re.compile(r"(.{1,6}?(?:部|厅|办|办公室|委员会))$")
# 该集团谢卫江总经理, 该公司总经理王欣: the body named last before, by the word that ends its name
_ANAPHOR = re.compile(r"该(公司|集团|企业|医院|学校|大学|学院|银行|单位|协会|中心)$")
FORMER = _GRAMMAR["former"]
_RANK_PREFIX = _GRAMMAR["rank_prefix"]
_STAFF_TITLE = _GRAMMAR["staff_title"]
_NAME_AFTER_COMMA = _GRAMMAR["name_after_comma"]
_CLAUSE_MARKS = "，,；;。：:"
_BRACKET_OPEN = _GRAMMAR["bracket_open"]
_BRACKET_CLOSE = _GRAMMAR["bracket_close"]
_CHAIN_KINDS = (MentionKind.TITLE, MentionKind.ORGANIZATION, MentionKind.PLACE)


@dataclass(frozen=True)
class PostCue:
    """One post printed next to a person's name."""

    title: str
    """The bare title (副书记, 省长)."""
    body: Mention | None
    """The body mention written with it (省委 in 省委副书记), if any."""
    body_abbrev: str | None
    """Otherwise a body abbreviation implied by the title (省长 -> 省政府), if any."""
    title_mention: Mention
    """The title mention (for evidence)."""
    former: bool = False
    """The chain is printed as former (原X, 前任X, 曾任X): a post held before, not now."""


@cache
def title_prefixes() -> tuple[str, ...]:
    """Words before a title that are part of the post (名誉副主席, 常务副部长), longest first."""
    return tuple(sorted(read_lines("lexicon/title_prefixes.txt"), key=lambda w: (-len(w), w)))


def _prefix_before(text: str, at: int) -> str:
    """The title prefix (常务, 名誉) or 代理 written just before offset `at`, or ''."""
    for word in (_ACTING, *title_prefixes()):
        if text[max(0, at - len(word)) : at] == word:
            return word
    return ""


def strip_title_prefix(gap: str) -> str:
    """A gap without the title prefix (or 代理) that ends it: 名誉 in ，名誉|副主席."""
    for word in (_ACTING, *title_prefixes()):
        if gap.endswith(word):
            return gap[: -len(word)]
    return gap


def list_separator(gap: str) -> bool:
    """Whether `gap` joins two people of one list (、 ， 和 及, a title prefix after it)."""
    return strip_title_prefix(gap) in _LIST_SEP


def split_fused(title: str) -> tuple[str | None, str]:
    """省委书记 -> (省委, 书记) when the title starts with a known body abbreviation."""
    abbrevs = knowledge.abbreviations()
    titles = knowledge.titles()
    for cut in range(len(title) - 1, 0, -1):
        head, tail = title[:cut], title[cut:]
        if head in abbrevs and tail in titles:
            return head, tail
    return None, title


def former_chain(text: str, start: int) -> bool:
    """Whether a title chain starting at `start` is marked former (原, 前任, 曾任, 已故)."""
    return bool(FORMER.search(text[max(0, start - 3) : start]))


_INDEXED: list = [None, {}]
"""The last analysis posts_of read and its outermost mentions by sentence (it is called for
each person of an article in turn: one pass over the mentions per article, not per person)."""


def _sentence_mentions(analysis: Analysis, sentence: int) -> list[Mention]:
    """The mentions of `sentence` that are not nested in another, in the analysis' order."""
    if _INDEXED[0] is not analysis:
        index: dict[int, list[Mention]] = {}
        for m in analysis.mentions:
            if not m.nested:
                index.setdefault(m.sentence, []).append(m)
        _INDEXED[:] = [analysis, index]
    return _INDEXED[1].get(sentence, [])


def posts_of(analysis: Analysis, person: Mention, with_former: bool = False) -> list[PostCue]:
    """The posts printed with `person`, nearest body first resolved, in reading order. Posts
    printed as former (原省长…) are left out unless `with_former` (then marked `former`)."""
    text = analysis.article.text
    same_sentence = _sentence_mentions(analysis, person.sentence)
    before = [m for m in same_sentence if m.end <= person.start]
    chain: list[Mention] = []
    pos = person.start
    for m in reversed(before):
        gap = text[m.end : pos]
        if chain and chain[-1].kind is MentionKind.TITLE:  # 中宣部|常务|副部长, 市委|代理|书记
            gap = strip_title_prefix(gap)
        if len(gap) > _MAX_GAP or set(gap) - _GAP:
            break
        if m.kind not in (MentionKind.TITLE, MentionKind.ORGANIZATION, MentionKind.PLACE):
            break
        if not chain and m.kind is MentionKind.TITLE and set(gap) & {"，", ","} and _after_wei(text, m.start):
            break  # 任命甲为…主任，乙为…: 乙 is not 主任
        chain.append(m)
        pos = m.start
    chain.reverse()
    if not chain or chain[-1].kind is not MentionKind.TITLE:
        # a title right after the name: 刘宁省长, 孙时光代表
        after = [m for m in same_sentence if m.start == person.end and m.kind is MentionKind.TITLE]
        chain = after or _bracketed_after(text, person, same_sentence)
    if (
        not chain
        and before
        and before[-1].kind is MentionKind.PERSON
        and (
            _LIST_GAP.fullmatch(text[before[-1].end : person.start])
            or (len(before[-1].text) == 2 and CUT_NAME.fullmatch(text[before[-1].end : person.start]))
        )
    ):
        # 副省长蔡东、安立佳、朱天舒: the list shares the title (also past a name the extraction
        # missed: 副主席李赣骝、童傅、厉无畏、钮小明)
        return posts_of(analysis, before[-1], with_former)
    former = bool(chain) and chain[0].start < person.start and former_chain(text, chain[0].start)
    if former and not with_former:
        return []
    anaphor = None
    if chain:
        at = (
            _ANAPHOR.search(text, max(0, chain[0].start - 4), chain[0].start) if chain[0].start < person.start else None
        )
        at = at or _ANAPHOR.search(text, max(0, person.start - 4), person.start)
        if at is not None:
            word = at.group(1)
            antecedents = [
                m
                for m in analysis.mentions
                if m.kind is MentionKind.ORGANIZATION and not m.nested and m.end <= at.start() and word in m.text
            ]
            anaphor = antecedents[-1] if antecedents else None
    village = _village_before(text, chain[0]) if chain and chain[0].kind is MentionKind.TITLE else None
    cues: list[PostCue] = []
    pending_body: Mention | None = None
    last_body: Mention | None = None
    last_abbrev: str | None = None
    titles = knowledge.titles()
    for m in chain:
        if m.kind is not MentionKind.TITLE:
            pending_body = m
            continue
        fused_body, bare = split_fused(m.text)
        implied = titles[m.text].implies if m.text in titles else ""
        local_implied = implied if implied in knowledge.abbreviations() else ""
        department = _department(m.text) if not fused_body and not implied else None
        unit = _unit_title(m.text) if pending_body is not None and pending_body.kind is MentionKind.PLACE else None
        if village is not None and m is chain[0]:  # 、新建|村党支部书记张凤珍: a village the extraction missed
            body, abbrev, bare = None, village[0], village[1]
        elif unit is not None:  # 新建村|党支部书记: 书记 of 新建村党支部
            body, abbrev = None, pending_body.text + unit[0]
            bare = unit[1]
        elif pending_body is not None and pending_body.kind is MentionKind.PLACE and (local_implied or fused_body):
            # 北京市|市长, 河东区|区委书记: the place's body the title implies (a local body:
            # not 阿尔巴尼亚|总理, whose 国务院 is China's)
            level_body = local_implied or fused_body
            body, abbrev = None, _place_body(pending_body.text, level_body)
        elif pending_body is not None:
            body, abbrev = pending_body, None
        elif fused_body:
            body, abbrev = None, fused_body
        elif department is not None and (last_body is not None or last_abbrev):
            # 市委常委、组织部部长: the department of the committee named before
            committee = last_body.text if last_body is not None else last_abbrev
            body, abbrev = None, committee + department[0]
            bare = department[1]
        elif implied:
            body, abbrev = None, implied
        elif anaphor is not None:
            body, abbrev = anaphor, None
        else:  # inherits the previous item's body: 省政协主席、党组书记
            body, abbrev = last_body, last_abbrev
        prefix = _prefix_before(text, m.start)  # 代理书记, 名誉副主席, 常务副部长
        if prefix and not bare.startswith(prefix):
            bare = prefix + bare
        cues.append(PostCue(bare, body, abbrev, m, former))
        last_body, last_abbrev = body, abbrev
        pending_body = None
    if cues and all(c.body is None and not c.body_abbrev for c in cues):
        shared = _listed_after(analysis, person, chain)
        if shared is not None:  # 副主席甲、乙和秘书长丙, 党委书记甲、院长乙: the list's body
            cues = [PostCue(c.title, shared.body, shared.body_abbrev, c.title_mention, c.former) for c in cues]
    if cues and all(c.body is None and not c.body_abbrev for c in cues):
        cues = [_office_before(analysis, person, chain, c) for c in cues]
    return cues


def _bracketed_after(text: str, person: Mention, same_sentence: list[Mention]) -> list[Mention]:
    """The posts printed in brackets right after a name: 王明（市发改委主任）, 李华(区委副书记、区长):
    the bodies and titles filling the brackets, the last a title."""
    opened = _BRACKET_OPEN.match(text, person.end)
    if opened is None:
        return []
    chain: list[Mention] = []
    pos = opened.end()
    for m in same_sentence:
        if m.start < pos:
            continue
        gap = text[pos : m.start]
        if (chain and len(gap) > _MAX_GAP) or set(gap) - _GAP or m.kind not in _CHAIN_KINDS:
            break
        chain.append(m)
        pos = m.end
    closed = _BRACKET_CLOSE.match(text, pos)
    return chain if closed and chain and chain[-1].kind is MentionKind.TITLE else []


def _after_wei(text: str, at: int) -> bool:
    """Whether the clause before offset `at` gives someone a post with 为 (任命甲为…|主任)."""
    start = max(text.rfind(c, 0, at) for c in _CLAUSE_MARKS) + 1
    return bool(_NAME_AFTER_COMMA.search(text[start:at]))


def _rank(title: str) -> str:
    """The office a title is a rank of: 常务副主任 -> 主任."""
    return _RANK_PREFIX.sub("", title)


def _office_before(analysis: Analysis, person: Mention, chain: list[Mention], cue: PostCue) -> PostCue:
    """A bare title takes the body of the same office printed before it in the sentence:
    市人大常委会主任甲主持会议，副主任乙、丙，秘书长丁 (副主任 and 秘书长 of 市人大常委会);
    受市人大常委会主任委托，副主任甲主持会议. The nearest earlier title written with its body
    whose office is the same (主任 for 副主任), or any for a staff title (秘书长)."""
    text = analysis.article.text
    start = chain[0].start if chain else person.start
    earlier = [m for m in _sentence_mentions(analysis, person.sentence) if m.end <= start]
    staff = bool(_STAFF_TITLE.match(cue.title))
    office = _rank(cue.title)
    for i in range(len(earlier) - 1, 0, -1):
        t = earlier[i]
        if t.kind is not MentionKind.TITLE or t is cue.title_mention:
            continue
        if not staff and _rank(t.text) != office:
            continue
        body = earlier[i - 1]
        gap = text[body.end : t.start]
        if body.kind is MentionKind.ORGANIZATION and len(gap) <= _MAX_GAP and not set(gap) - _GAP:
            return PostCue(cue.title, body, None, cue.title_mention, cue.former)
    return cue


@cache
def _title_units() -> tuple[str, ...]:
    return tuple(sorted(read_lines("lexicon/title_units.txt"), key=lambda w: (-len(w), w)))


def _unit_title(title: str) -> tuple[str, str] | None:
    """党支部书记 -> (党支部, 书记): a fused title that opens with a unit word (title_units.txt)."""
    titles = knowledge.titles()
    for unit in _title_units():
        if title.startswith(unit) and title[len(unit) :] in titles:
            return unit, title[len(unit) :]
    return None


# a village's name as a list item (之一、新建|村党支部书记), not a verb after a comma (经过|社区党委书记)
_VILLAGE_NAME = re.compile(r"(?:^|[、\n“])([\u4e00-\u9fff]{2,4})$")


def _village_before(text: str, title: Mention) -> tuple[str, str] | None:
    """新建 + 村党支部书记 after 、 (a list item): (新建村党支部, 书记)."""
    for level in ("村", "社区"):
        unit = _unit_title(title.text[len(level) :]) if title.text.startswith(level) else None
        name = _VILLAGE_NAME.search(text, max(0, title.start - 5), title.start) if unit else None
        if unit and name:
            return name.group(1) + level + unit[0], unit[1]
    return None


def _place_body(place: str, abbrev: str) -> str:
    """北京市 + 市政府 -> 北京市政府, 河东 + 区委 -> 河东区委: the place's body of that level
    (an abbreviation the resolver expands with the place instead of the paper's region)."""
    if abbrev[0] == place[-1]:
        return place + abbrev[1:]
    return place + abbrev


def _department(title: str) -> tuple[str, str] | None:
    """组织部部长 -> (组织部, 部长), 组织部长 -> (组织部, 部长): a department fused with its
    head's title."""
    titles = knowledge.titles()
    for cut in range(2, len(title)):
        head, tail = title[:cut], title[cut:]
        if _DEPARTMENT.fullmatch(head):
            if tail in titles and cut < len(title) - 1:
                return head, tail
            if head[-1] + tail in titles and len(tail) == 1:  # 组织部|长: the head is the 部长
                return head, head[-1] + tail
    return None


def _listed_after(analysis: Analysis, person: Mention, chain: list[Mention]) -> PostCue | None:
    """The post with a body of the person listed just before this one's titles (joined by 、 , 和),
    whose body a bare title after it shares."""
    text = analysis.article.text
    start = chain[0].start if chain and chain[0].start < person.start else person.start
    earlier = [
        m
        for m in analysis.mentions
        if m.sentence == person.sentence and m.kind is MentionKind.PERSON and m.end <= start and not m.nested
    ]
    if not earlier or strip_title_prefix(text[earlier[-1].end : start]) not in _LIST_SEP:
        return None
    with_body = [c for c in posts_of(analysis, earlier[-1]) if c.body is not None or c.body_abbrev]
    return with_body[-1] if with_body else None
