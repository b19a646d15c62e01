"""The entity rules: decide the people, organisations, places and titles of a document from
the statistical model's analysis (LAC words and tags) and the lexicon candidates.

Rules that use the structure of official news:
  * title + name: 省委副书记、省长、省政府党组书记刘宁 / 副省长卢柯 / 孙时光代表说;
  * lists of names: 省领导张雷、张福海参加调研;
  * place chains: 江西省上饶市信州区 / 横峰县百家村 / 朝阳镇下沟村;
  * organisation patterns: place or body + name + organisation word
    (沈阳海关, 庄河市营商环境建设局, 葫芦岛市南票区龙腾街道党工委, 渤海大学化学工程学院);
  * party committees: a 党委/党工委/党支部 of a town, street, village or community is a body of
    its own (昌图县朝阳镇党委书记 -> body 昌图县朝阳镇党委, title 书记), that of an institution is
    a post in the institution (渤海大学化学工程学院党委书记 -> body 学院, title 党委书记);
  * a name recognised once is recognised wherever it recurs in the article;
  * generic phrases (有关部门, 各级党组织) are never entities.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from kg import knowledge
from kg.extraction.lac import Word
from kg.extraction.layers import Candidate
from kg.extraction.sentences import doc_text
from kg.records import MentionKind
from kg.resources import read_lines, read_tsv

PERSON, ORG, PLACE, TITLE = MentionKind.PERSON, MentionKind.ORGANIZATION, MentionKind.PLACE, MentionKind.TITLE
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# a transliterated name of five to eight characters (奥尔布赖特, 斯库拉托夫), accepted after a title
_FOREIGN_NAME = re.compile(r"^[\u4e00-\u9fff]{5,8}$")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,6}(?:·[\u4e00-\u9fff]{1,8}){1,3}$")
# LAC tags that may be part of a proper name of a body or place
_NAME_TAGS = frozenset({"n", "nz", "nw", "vn", "an", "a", "ORG", "LOC", "PER", "m", "f", "s", "TIME", "q"})
_WORDS = knowledge.entity_words()  # the closed word lists: kg/data/lexicon/entity_words.tsv
_STOP_CHARS = frozenset(_WORDS["stop_chars"])
# words after a name that show the name has ended (title + name rule)
_AFTER_NAME = re.compile(
    r"^(?:[、，,。；;：:（(“\s]|$|主持|出席|参加|讲话|说|表示|指出|强调|介绍|一同|陪同|调研|在|等|和|与|及|同志|"
    r"代表|会见|看望|察看|检查|听取|要求|提出|参观|考察|宣布|致辞|发表|出任|任|兼|为|对|向|到|赴|率|带领|"
    r"先生|女士|夫妇|夫人|作|所作|列席|就|同志)"
)
_ROLE_WORDS = frozenset(_WORDS["role_words"])
_INDUSTRY_WORDS = frozenset(_WORDS["industry_words"])
_LIST_DELIMITERS = frozenset("、，,。；;等和与及\n")
_TERRITORIAL = _WORDS["territorial"]
_PARTY_BODIES = _WORDS["party_bodies"]
_PLACE_SUFFIXES = _WORDS["place_suffixes"]
_PLACE_DETERMINERS = frozenset(_WORDS["place_determiners"])
_BAD_PLACE_PREFIX = _PLACE_DETERMINERS | frozenset(_WORDS["bad_place_prefix"])


@cache
def _surnames() -> frozenset[str]:
    return frozenset(read_lines("lexicon/surnames.txt"))


@cache
def _suffix_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for suffix, info in knowledge.org_suffixes().items():
        auto.add_word(suffix, (suffix, info.needs_proper_prefix, info.kind == "team"))
    auto.make_automaton()
    return auto


@cache
def _known_names() -> frozenset[str]:
    """Strings that are titles, bodies or places, hence never a person's name."""
    gaz = knowledge.gazetteer()
    return frozenset(
        {*knowledge.titles(), *knowledge.national_orgs(), *knowledge.abbreviations(), *gaz.by_name, *gaz.by_short}
        | knowledge.generic_phrases()
    )


def _has_surname(name: str) -> bool:
    s = _surnames()
    return name[:1] in s or name[:2] in s


@dataclass
class _DocView:
    """Fast lookups over one document's LAC analysis."""

    text: str
    words: list[Word]

    def __post_init__(self) -> None:
        self.word_at = [-1] * (len(self.text) + 1)
        self.starts = set()
        self.ends = set()
        for i, w in enumerate(self.words):
            for c in range(w.start, w.end):
                self.word_at[c] = i
            self.starts.add(w.start)
            self.ends.add(w.end)

    def word(self, char: int) -> Word | None:
        i = self.word_at[char] if 0 <= char < len(self.text) else -1
        return self.words[i] if i >= 0 else None

    def aligned(self, start: int, end: int) -> bool:
        return start in self.starts and end in self.ends


def _valid_person(text: str) -> bool:
    return (
        bool(_NAME.match(text))
        and text not in _known_names()
        and not text.endswith(("省", "市", "县", "区"))
        and not any(verb in text for verb in ("召开", "举行", "出席"))
        and not (len(text) == 2 and text[0] in _MOTION and text[1] in _place_initials())  # 来陕, 访华
    )


# LAC tags of words that do not occur inside a name of two or more characters (强调, 曾多次, 和有关)
_NOT_IN_NAME = frozenset({"v", "vd", "d", "ad", "p", "c", "u", "r", "f", "s", "m", "q", "w", "xc", "TIME"})


def _name_shaped(v: _DocView, start: int, end: int, title_start: int | None = None) -> bool:
    """Whether text[start:end], guessed as a name by a rule, fits the model's words: it starts a
    word, no word of two or more characters inside it is a verb, adverb, conjunction, time…, and
    it neither starts with a preposition or conjunction nor ends in a particle or locative
    (刘蓓|等, 招待会|上). Other single characters are let through: surnames are often tagged
    as something else (何, 应, 涂). After a title (`title_start`), the model may have glued the
    title to the surname (秘书长文|引学): then the name need only end where a word ends."""
    if start not in v.starts:
        w = v.word(start)
        glued = (
            title_start is not None
            and w is not None
            and (w.start, w.end) == (title_start, start + 1)
            and v.text[w.start : w.end] not in knowledge.titles()  # 秘书|长: the word is a longer title
            and end - start < 4
        )
        return glued and end in v.ends  # else 委员|会会议上: the title ended inside a word
    inside, i = [], v.word_at[start]
    while i < len(v.words) and v.words[i].start < end:
        inside.append(v.words[i])
        i += 1
    if inside and inside[0].tag in ("p", "c", "u"):
        return False  # 厅长|和|有关, 委员|由|武术
    if inside and inside[-1].end == end and inside[-1].tag in ("u", "f", "p", "c") and len(inside) > 1:
        # 副校长周叶中、武汉大学…: after a title, a last character read as a locative (中, 上) is
        # part of the name where a list goes on right after it
        listed = title_start is not None and inside[-1].tag == "f" and v.text[end : end + 1] in "、，,"
        if not (listed and inside[-1].end - inside[-1].start == 1):
            return False
    return not any(w.end - w.start >= 2 and w.tag in _NOT_IN_NAME for w in inside)


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is exactly the content of a quotation (“卢碧”, “老马哥”)."""
    return text[start - 1 : start] in '“"「' and text[end : end + 1] in '”"」' and start > 0


# --------------------------------------------------------------------------------------------
# rules producing candidates


def _person_rules(v: _DocView, cands: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    text = v.text
    titles = knowledge.titles()
    title_ends = {c.end for c in cands if c.kind is TITLE}
    title_starts = {c.start for c in cands if c.kind is TITLE}
    for c in cands:
        if c.kind is PERSON and c.source == "lac":
            start, end = c.start, c.end
            if end - start == 3 and text[end - 1] in "说称讲":  # 苏硕说
                end -= 1
            elif end - start == 3 and text[end - 1] in "任为" and _post_follows(v, end, title_starts):
                end -= 1  # 决定王晓任|陕西省人民政府副省长: the name, then the post
            if start in title_ends and _FOREIGN_NAME.match(text[start:end]):
                out.append(Candidate(start, end, PERSON, "lac", 3))  # 国务卿奥尔布赖特: a title names a person
                continue
            if not _valid_person(text[start:end]) or _quoted(text, start, end):
                continue
            nxt = v.word(end)
            after = text[end : end + 2]
            if start in title_ends:
                out.append(Candidate(start, end, PERSON, "lac", 3))  # 组织委员姜军杰: a title names a person
                continue
            word_goes_on = nxt is not None and nxt.start == end and nxt.tag in ("n", "nz", "vn", "an")
            if word_goes_on and text[nxt.start : nxt.end] not in titles and not _AFTER_NAME.match(after):
                continue  # 林田|湖草, 沈辽|一体化: a word goes on, not a name
            if end - start == 4 and not (_has_surname(text[start : start + 2]) or _AFTER_NAME.match(after)):
                continue  # 史学力行: four characters are a name only with a clear ending
            out.append(Candidate(start, end, PERSON, "lac", 3))
    # title + name (where the model did not already find the name)
    lac_ok = {p.start for p in out if _AFTER_NAME.match(text[p.end : p.end + 2])}
    for c in cands:
        if c.kind is not TITLE or c.end in lac_ok:
            continue
        for n in (4, 3, 2):
            name = text[c.end : c.end + n]
            if n == 4 and not re.match(r"^(?:出席|会见|表示|说|指出|致辞)", text[c.end + 4 : c.end + 6]):
                continue  # four characters (川上文博) only with a clear verb after them
            plausible = len(name) == n and _CJK.match(name) and (_has_surname(name) or n == 4)
            after = text[c.end + n : c.end + n + 2]
            if (
                plausible
                and _valid_person(name)
                and _AFTER_NAME.match(after)
                and _name_shaped(v, c.end, c.end + n, c.start)
            ):
                out = [p for p in out if not (p.start == c.end and p.end != c.end + n)]
                out.append(Candidate(c.end, c.end + n, PERSON, "rule:title+name", 4))
                break
    out.extend(_dotted_names(v, title_ends, out))
    # X代表说 (a congress deputy speaking)
    for m in re.finditer(r"([\u4e00-\u9fff]{2,3})代表(?:说|认为|表示|建议|指出|发言)", text):
        name = m.group(1)
        if _has_surname(name) and _valid_person(name):
            out.append(Candidate(m.start(1), m.end(1), PERSON, "rule:deputy", 3))
    # a list whose first name the model missed: 市领导游钧、杨艺文参加 (the name before 、 starts
    # after a title or a leader word)
    for p in list(out):
        if text[p.start - 1 : p.start] != "、":
            continue
        for n in (3, 2):
            s = p.start - 1 - n
            name = text[s : p.start - 1]
            if s < 1 or not _CJK.match(name) or not _has_surname(name) or not _valid_person(name):
                continue
            if (s in title_ends or text[s - 2 : s] == "领导") and s in v.starts and s + n in v.ends:
                out.append(Candidate(s, s + n, PERSON, "rule:name-list", 3))
                break
    # lists of names: A、B、C参加
    known = {(p.start, p.end) for p in out}
    changed = True
    while changed:
        changed = False
        for p in list(out):
            for n in (3, 2):
                s = p.end + 1
                name = text[s : s + n]
                if text[p.end : p.end + 1] == "、" and _CJK.match(name or "-") and len(name) == n:
                    after = text[s + n : s + n + 2]
                    if (
                        _has_surname(name)
                        and _valid_person(name)
                        and _AFTER_NAME.match(after)
                        and _name_shaped(v, s, s + n)
                    ):
                        if (s, s + n) not in known:
                            out.append(Candidate(s, s + n, PERSON, "rule:name-list", 3))
                            known.add((s, s + n))
                            changed = True
                        break
    return out


_BEFORE_NAME = frozenset("、，,：:（(“ \n")


def _dotted_names(v: _DocView, title_ends: set[int], found: list[Candidate]) -> list[Candidate]:
    """Transliterated names in parts joined by · (拉惹·努西尔万, 马赫布·乌兹·扎曼) that the model
    missed or cut: the name starts where a title ends or a list goes on (驻华大使|拉惹·…, 、|乔治·…)
    and ends where a word ends before a word that ends a name. Anchored on ·, which is rare."""
    text, out = v.text, []
    covered = [(p.start, p.end) for p in found if p.kind is PERSON]
    i = text.find("·")
    while i >= 0:
        last = i  # the last dot of this name: parts of 1-8 characters joined by ·
        while True:
            j = last + 1
            while j < len(text) and j - last <= 8 and "\u4e00" <= text[j] <= "\u9fff":
                j += 1
            if j < len(text) and text[j] == "·" and j > last + 1:
                last = j
                continue
            break
        nxt = text.find("·", last + 1)
        cover = next(((s, e) for s, e in covered if s <= i and last < e), None)  # 马格坦|戈尔·圭尼贡多
        start = next(
            (
                s
                for s in range(i - 1, max(-1, i - 7), -1)
                if _CJK.match(text[s:i]) and (s in title_ends or text[s - 1 : s] in _BEFORE_NAME)
            ),
            None,
        )
        end = (
            cover[1]
            if cover is not None
            else next(
                (
                    e
                    for e in range(last + 2, min(len(text), last + 10) + 1)
                    if e in v.ends and _AFTER_NAME.match(text[e : e + 2]) and _CJK.match(text[last + 1 : e])
                ),
                None,
            )
        )
        named = start is not None and end is not None and (start, end) != cover
        if named and _NAME.match(text[start:end]) and not _media_credit(text[start:end]):
            out.append(Candidate(start, end, PERSON, "rule:dotted-name", 4))
        i = nxt
    return out


def _media_credit(name: str) -> bool:
    """Whether a dotted span is a credit line's outlets, not a name (周口日报·新周口客户端记者,
    大众网·海报新闻记者): a part is a paper or ends like an outlet, or the last ends in a title."""
    parts = name.split("·")
    titles = knowledge.titles()
    return any(p in knowledge.papers() or p.endswith(_OUTLET_ENDS) for p in parts) or any(
        parts[-1].endswith(t) for t in titles if len(t) >= 2
    )


_OUTLET_ENDS = ("报", "网", "社", "台", "端", "新闻")


def _complement(v: _DocView, w: Word) -> bool:
    """Whether the one-character adjective `w` completes the verb before it (逼|平, 讲|好, 抓|实):
    a result of the action, never the first character of a name."""
    if w.end - w.start != 1 or w.tag not in ("a", "ad"):
        return False
    before = v.word(w.start - 1)
    return before is not None and before.end == w.start and before.tag in ("v", "vd")


def _post_follows(v: _DocView, end: int, title_starts: set[int]) -> bool:
    """Whether a body, place or title starts at `end` (王晓任|陕西省人民政府副省长)."""
    w = v.word(end)
    return end in title_starts or (w is not None and w.start == end and w.tag in ("ORG", "LOC"))


# LAC tags of a common word: a place's short form (来宾 for 来宾市) read as one is no place
_COMMON_TAGS = frozenset({"n", "v", "vn", "a", "ad", "an", "d"})


def _place_rules(v: _DocView, cands: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    text = v.text
    for c in cands:
        if c.kind is not PLACE:
            continue
        if c.source == "gaz:short":
            if _road_after(text, c.end):
                continue  # 龙江|路, 长春|街: a road named after a place, not the place
            w = v.word(c.start)
            # a short form (沈阳, 朝阳) only where it is a word of its own or starts a place word,
            # and not where the model reads that word as a common one (会见了|来宾, 向|来宾)
            common = w is not None and (w.start, w.end) == (c.start, c.end) and w.tag in _COMMON_TAGS
            if not common and (v.aligned(c.start, c.end) or (w and w.start == c.start and w.tag in ("LOC", "ORG"))):
                out.append(c)
        elif c.source == "lac":
            ok = _lac_place_ok(v, c, cands)
            if ok:  # a name without a place word (伦敦) is marked: it names no place inside a body
                out.append(replace(c, priority=1, source="lac" if ok is True else "lac:bare"))
        elif c.source.startswith("gaz:") and _inside_other_place(v, c):
            continue  # 广|东山区 in 广东山区: the name starts inside another place's name
        else:
            out.append(c)
    # chains: a village/community/street named right after a complete place name
    chain_re = re.compile(r"([\u4e00-\u9fff]{1,5}?)(" + "|".join(_PLACE_SUFFIXES) + ")")
    heads = [c for c in out if c.source in ("gaz:full", "gaz:town")]
    while heads:
        nxt = []
        for c in heads:
            m = chain_re.match(text, c.end)
            if not m or m.end() - c.end > 8:
                continue
            name = m.group(1)
            if (
                set(name) & (_STOP_CHARS | set("省市县区"))
                or name in _BAD_PLACE_PREFIX
                or name[:1] in _PLACE_DETERMINERS
                or _not_a_settlement(v, c.end, m.start(2))
            ):
                continue
            link = Candidate(c.end, m.end(), PLACE, "rule:place-chain", 3)
            out.append(link)
            nxt.append(replace(link, source="gaz:town"))
        heads = nxt
    # community / street words: a proper name ending in 社区/自然村/街道
    gaz_names = knowledge.gazetteer().by_name
    words = _place_words()
    for m in _place_word_re().finditer(text):
        end = m.end()
        start = m.start()
        proper = False
        w = v.word(start)
        if w is not None and w.start < start and w.end == end and w.tag in ("LOC", "ORG", "nz", "n"):
            start, proper = w.start, w.tag != "n"  # 工人|文化宫, 人民|大会堂 inside one word of the model
        w = v.word(start - 1)
        while w is not None and w.end == start and w.tag in ("LOC", "ORG", "nz", "PER", "n") and start - w.start <= 6:
            if set(text[w.start : w.end]) & _STOP_CHARS or text[w.start : w.end] in gaz_names:
                break  # 海淀区|石油共生大院: the district is a place of its own
            proper = proper or w.tag != "n"
            start = w.start
            w = v.word(start - 1)
        name = text[start : m.start()]
        # a settlement (金山社区) may have a common-noun name; a park or zone needs a proper one
        # (中南数字产业园, not 农业产业园)
        settlement = words[m.group(0)] == "any"  # compounds name like communities
        named = (settlement or proper) and 2 <= len(name) <= 12 and name not in _BAD_PLACE_PREFIX
        named = named and not name.startswith("国家")  # 国家高新技术产业开发区: a kind of zone
        if named and name[:1] not in _PLACE_DETERMINERS:
            out.append(Candidate(start, end, PLACE, "rule:place-word", 2))
    # street addresses: 广安门北街20号院, 江汉北路社区42号小区
    for m in _ADDRESS.finditer(text):
        start = m.start()
        head = m.group(0)
        cut = max(head.rfind("街道", 0, len(head) - 6), head.rfind("区", 0, len(head) - 6))
        if cut > 0:  # 广内街道|广安门北街20号院, 西马街道|江汉北路社区42号小区
            start += cut + (2 if head.startswith("街道", cut) else 1)
        out.append(Candidate(start, m.end(), PLACE, "rule:address", 3))
    return out


def _not_a_settlement(v: _DocView, start: int, suffix_at: int) -> bool:
    """Whether the words after a place read as a clause, not a settlement's name: the name opens
    with a verb (满硐镇|开展|农村, 许湾乡|撤|乡|设办) or the place word ends a common word that
    starts inside the name (督导|农村: 农村 is no 督导农 village)."""
    first = v.word(start)
    if first is not None and first.start == start and first.tag in ("v", "vd"):
        return True
    w = v.word(suffix_at)
    return w is not None and start < w.start < suffix_at and w.tag not in ("LOC", "ORG", "nz")


def _road_after(text: str, end: int) -> bool:
    """Whether a road word follows (路, 大道, 大街, 街, 巷; not 街道, a subdistrict)."""
    nxt = text[end : end + 2]
    return nxt[:1] in ("路", "巷") or nxt in ("大道", "大街") or (nxt[:1] == "街" and nxt != "街道")


@cache
def _place_words() -> dict[str, str]:
    """Place-final words (社区, 产业园, 文化宫) -> whether any name or only a proper one names them."""
    return {r["word"]: r["name"] for r in read_tsv("lexicon/place_words.tsv", ("word", "name"))}


@cache
def _place_word_re() -> re.Pattern[str]:
    return re.compile("|".join(sorted(_place_words(), key=lambda w: (-len(w), w))))


def _inside_other_place(v: _DocView, c: Candidate) -> bool:
    """Whether a gazetteer name starts inside a word that is itself a place name and ends
    inside the match (广东|山区 holds no 东山区), or inside the model's longer place name
    (大兴县 holds no 兴县); a word the model merely cut badly (朝阳北|票市) does not count."""
    last = v.word(c.end - 1)
    if last is not None and last.start == c.end - 1 < last.end - 1 and last.tag not in ("LOC", "ORG", "nz"):
        return True  # 促进|乡村: the level character starts a common word (促进乡 is a town too)
    w = v.word(c.start)
    if w is None or not w.start < c.start < w.end:
        return False
    if v.text[c.start] in _STOP_CHARS and w.tag not in ("LOC", "ORG", "nz"):
        return True  # 各乡镇和县公安局: 和 joins a list, 和县 is no place here
    gaz = knowledge.gazetteer()
    if w.end >= c.end:  # 大|兴县 inside the model's place 大兴县: a longer name, not 兴县
        head = v.text[w.start : c.start]
        return w.tag == "LOC" and head not in gaz.by_name and head not in gaz.by_short and head[-1] not in "省市县区"
    word = v.text[w.start : w.end]
    return word in gaz.by_name or word in gaz.by_short


_NATURAL = _WORDS["natural"]
_PLACE_ENDINGS = _WORDS["place_endings"]
_ADDRESS = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:街|路|巷|胡同|社区)\d{1,4}号(?:院|楼|小区)")


@cache
def _place_initials() -> frozenset[str]:
    return frozenset(read_lines("lexicon/place_initials.txt"))


_CHINA = frozenset(_WORDS["china"])
_MOTION = frozenset(_WORDS["motion"])  # before a one-character place (来陕, 访华, 赴京)
_WEATHER = _WORDS["weather"]
_DIRECTION_ENDS = _WORDS["direction_ends"]


def _bare_place_name(v: _DocView, c: Candidate) -> bool:
    """The statistical model's place without a place word (伦敦, 东南亚, 科索沃, 京津冀): taken
    unless it is a pair of one-character abbreviations (中美, 京沪), a city glued to the weather
    (悉尼晴), a disease (非洲猪瘟) or a direction (西部, 中西部)."""
    text = v.text
    surface = text[c.start : c.end]
    nxt = v.word(c.end)
    if nxt is not None and nxt.start == c.end and nxt.tag in ("vn", "an", "ORG", "PER", "nw"):
        return False  # 济南|污水处理, 日本|雅马哈
    if text[c.end : c.end + 1] in ("村", "镇", "乡", "屯") or _road_after(text, c.end):
        return False  # 新建|村: a settlement's name; 龙江|路: a road's
    before = v.word(c.start - 1)
    if before is not None and before.end == c.start and before.tag in ("m", "q"):
        return False  # 20件|惠民实事: a count before a modifier, not a place
    if len(surface) > 8 or surface.endswith(_WEATHER) or surface.endswith(_DIRECTION_ENDS):
        return False
    suffixes = knowledge.org_suffixes()
    if any(surface[k:] in suffixes for k in range(1, len(surface) - 1)):
        return False  # 沪总领事馆: a body's word ends it, not a place
    initials = _place_initials()
    if len(surface) == 2 and surface[0] in initials and surface[1] in initials:
        return False
    titles = knowledge.titles()
    if text[c.start - 1 : c.start] in ("省", "市", "县", "区") or any(
        text[c.end : c.end + k] in titles for k in (2, 3)
    ):
        return False  # 市|美协, 亚明|区长: a body's abbreviation, a given name before a title
    gaz = knowledge.gazetteer()
    return not any(surface[:k] in gaz.by_name or surface[:k] in gaz.by_short for k in range(2, len(surface) - 1))


def _lac_place_ok(v: _DocView, c: Candidate, cands: list[Candidate]) -> bool | str:
    """The statistical model's place: a place-like word, not figurative, not a known chain."""
    text = v.text
    surface = text[c.start : c.end]
    if len(surface) < 2 or not _CJK.match(surface) or "之" in surface or surface in knowledge.titles():
        return False
    if _quoted(text, c.start, c.end) or surface in knowledge.generic_phrases() or _road_after(text, c.end):
        return False  # (龙江|路段: a road named after a river or place)
    ending = next((e for e in _PLACE_ENDINGS if surface.endswith(e)), None)
    if ending is None:
        return "bare" if _bare_place_name(v, c) else False
    if len(surface) - len(ending) < (1 if ending in _NATURAL else 2):
        return surface.endswith("洲") and len(surface) == 2  # 亚洲, 非洲; not 万村, 自然村 (辽河 is fine)
    if surface.startswith("国家") or re.search(
        r"[一这那每][座个条片][\u4e00-\u9fff]{0,4}$", text[max(0, c.start - 6) : c.start]
    ):
        return False  # 国家高新技术产业开发区, 一座月牙形环形山: a kind of place, not a place
    if surface.endswith(("市", "省", "县")) and surface not in knowledge.gazetteer().by_name:
        return text[c.start - 1 : c.start] == "原"  # every real one is in the gazetteer, but for 原邕宁县
    # a chain the gazetteer knows piece by piece (北京市西城区广内街道): keep the pieces
    return not any(
        g.kind is PLACE and g.source in ("gaz:full", "gaz:town") and g.start == c.start and g.end < c.end for g in cands
    )


def _org_rules(v: _DocView, cands: list[Candidate], places: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    text = v.text
    lexical = [c for c in cands if c.kind is ORG and c.source.startswith("lex:")]
    for c in lexical:
        w = v.word(c.start)
        # an abbreviation must start a word (not 区委 in 社区委员会); 各|团市委 is fine
        if c.source == "lex:abbrev" and w is not None and w.start != c.start and text[c.start - 1] not in "各该本全每":
            continue
        last = v.word(c.end - 1)
        if w is not None and last is not None and w.start < c.start and w.end < c.end and last.end > c.end:
            continue  # 德国|网球: the name straddles two of the model's words (国网)
        out.append(c)
    # a newspaper or magazine in book-title marks: 《棕榈滩邮报》, 《名利场》杂志
    for m in re.finditer(r"《([^《》\n]{2,20})》", text):
        if re.search(r"(报|杂志|周刊|期刊|月刊)$", m.group(1)) or text[m.end() : m.end() + 2] in ("杂志", "周刊"):
            out.append(Candidate(m.start(1), m.end(1), ORG, "rule:media-title", 5))
    # place + region abbreviation sharing its level character: 葫芦岛市 + 市委 -> 葫芦岛市委
    abbrevs = knowledge.abbreviations()
    by_start = defaultdict(list)
    for c in lexical:
        if c.source == "lex:abbrev":
            by_start[c.start].append(c)
    for p in places:
        if p.source.startswith("gaz") or p.source.startswith("rule"):
            for a in by_start.get(p.end - 1, []):
                if text[a.start : a.end] in abbrevs and text[p.end - 1] in "省市县区":
                    out.append(Candidate(p.start, a.end, ORG, "rule:place+abbrev", 4))
            for a in by_start.get(p.end, []):
                out.append(Candidate(p.start, a.end, ORG, "rule:place+abbrev", 4))
    # a foreign state's national body: 美国|国务院, 日本|外交部 (China's own are named without it)
    countries = {c.end: c for c in places if c.source == "gaz:country" and text[c.start : c.end] not in _CHINA}
    for c in lexical:
        country = countries.get(c.start)
        if c.source == "lex:org" and country is not None:
            out.append(Candidate(country.start, c.end, ORG, "rule:foreign-body", 4))
    # place/body + name + organisation word
    by_end: dict[int, list[Candidate]] = defaultdict(list)
    for c in (*places, *out):
        by_end[c.end].append(c)
    generic = knowledge.generic_phrases()
    stop_verbs = _stop_verbs()
    left_edges = _org_left_edges()
    abbrev_spans = {(c.start, c.end) for c in lexical if c.source == "lex:abbrev"}
    grammar = knowledge.org_grammar()
    for end_index, (suffix, needs_proper, team) in _suffix_automaton().iter(text):
        end = end_index + 1
        s = end - len(suffix)
        inside = v.word(end - 1)
        inside_named = (
            len(suffix) >= 2 and inside is not None and inside.tag in ("ORG", "LOC", "nz") and inside.end > end
        )
        if _central(text, suffix, end):
            continue  # 省政府中心任务: the central task, not a centre
        if suffix in _INDUSTRY_WORDS and text[end : end + 1] not in _LIST_DELIMITERS:
            continue  # 化工 names a company only as an item: 鸿翼化工、博仕科技等
        if _title_takes_last(text, end):
            continue  # 上海外国语大学|校长: not 大学校 + 长
        glued = _head_title(text, end)
        if end not in v.ends and not _title_or_suffix_at(text, end) and not inside_named and not glued:
            continue
        w = v.word(s)
        if w is not None and w.start < s and w.tag not in ("ORG", "LOC", "nz", "nw") and s - w.start < 2:
            continue  # 干部, 全部, 内部, 部署: an ordinary word that ends like a body
        if w is not None and w.tag in ("v", "vd", "vn") and w.start == s and w.end == end and len(suffix) == 1:
            continue
        start = w.start if w is not None else s
        if w is not None and w.tag not in ("ORG", "LOC", "nz", "nw"):
            joined = max(text.rfind(c, start, s) for c in "和与及、")
            start = joined + 1 if joined >= 0 else start  # 各乡镇和|县公安局: a list, then the body
        # 南部新城开工建设|中心医院: a verb inside the model's word ends the name
        cuts = [text.rfind(verb, start, s) + len(verb) for verb in stop_verbs if text.rfind(verb, start, s) >= 0]
        cuts += [text.rfind(edge, start, s) + len(edge) for edge in left_edges if text.rfind(edge, start, s) >= 0]
        start = max([start, *cuts])
        proper = bool(w and w.tag in ("LOC", "ORG", "nz", "PER") and w.start == start)
        tail_start = start  # start of the part after the last named anchor
        termed = False  # a term inside the name (政协|第五届|全国委员会)
        while True:
            anchor = min(by_end.get(start, ()), key=lambda c: c.start, default=None)
            if anchor is not None and anchor.kind is ORG and (start, end) in abbrev_spans:
                break  # 省委|省政府: two bodies side by side, the second complete in itself
            if anchor is not None and anchor.source != "deixis":
                start = anchor.start
                proper = True
                continue
            if text[start - 1 : start] == "驻" and by_end.get(start - 1):  # 日本驻沈阳总领事馆
                start -= 1
                continue
            if text[start - 1 : start] == "”":  # “拉话话”志愿服务队
                q = text.rfind("“", max(0, start - 12), start - 1)
                if q >= 0 and "”" not in text[q : start - 1]:
                    start, proper = q, True
                    continue
            paren = re.search(r"[（(]([\u4e00-\u9fff]{2,6})[)）]$", text[max(0, start - 8) : start])
            gaz = knowledge.gazetteer()
            if paren and (paren.group(1) in gaz.by_short or paren.group(1) in gaz.by_name):
                start -= len(paren.group(0))  # 日本电产(大连)有限公司
                continue
            term = grammar["term"].search(text, max(0, start - 6), start)
            if term and grammar["termed_head"].match(text[start:end]):
                anchor = min(by_end.get(term.start(), ()), key=lambda c: c.start, default=None)
                lead = grammar["term_lead"].search(text, max(0, term.start() - 10), term.start())
                if anchor is not None and anchor.source != "deixis" or lead:
                    # 政协甘谷县|第十四届|委员会, 政协|第十届|山西省委员会: the term inside the name
                    start, proper, termed = (lead.start() if lead else anchor.start), True, True
                    continue
            w = v.word(start - 1)
            if w is None or w.end != start or w.tag not in _NAME_TAGS or start - w.start > 10:
                break
            chunk = text[w.start : w.end]
            if chunk.strip() == "电" or w.tag == "TIME" or chunk != chunk.strip() or chunk in _ROLE_WORDS:
                break  # 新华社北京5月24日电|外交部, 1991年|任县政府: a date or a space ends the name
            if w.tag == "PER" and proper or _complement(v, w):
                break  # 王晓任|陕西省人民政府, 逼平|比利时队, 讲好|新时代人民政协: not part of the name
            if set(chunk) & _STOP_CHARS or chunk in generic or chunk in stop_verbs or chunk in left_edges:
                break
            if chunk in _LEVEL_CHARS and text[w.start - 1 : w.start] in _DEICTIC_HEADS:
                break  # 我|区|新乡立白实业有限公司: 我区 points at the paper's district, not a name
            edge = next((e for e in left_edges if chunk.startswith(e) and len(chunk) > len(e)), None)
            if edge is not None:  # 巡察市财政局|党组 as one word of the model: the name starts after 巡察
                start, proper = w.start + len(edge), proper or w.tag in ("LOC", "ORG", "nz")
                break
            if (
                w.tag == "m"
                and not chunk.startswith("第")
                or re.search(r"[届次期个项家座批名]$", chunk)
                and w.tag == "m"
            ):
                break  # counts (3个, 首个) are not part of a name
            start = w.start
            tail_start = start if not proper else tail_start
            proper = proper or w.tag in ("LOC", "ORG", "nz", "PER")
            if end - start > 24:
                break
        if text[start - 1 : start] == "驻":
            continue  # (多国)驻|沪总领事馆: a stationed body whose sender is not named
        if any(text[end - n : end] in knowledge.titles() and (start, end - n) in abbrev_spans for n in (2, 3, 4)):
            continue  # 县政协|常委: a body's abbreviation and a title, not a body
        name = text[start:end]
        first = v.word(start)
        if name[:1] in "省市县区" and first is not None and first.end == start + 1:
            proper = True  # 按照|省|新冠肺炎疫情防控总指挥部: the province's own body
        if suffix == "部" and text[end - 2 : end - 1] in "东西南北中":
            continue  # 平山县北部, 委内瑞拉西部: a part of a region, not a department
        if len(name) <= len(suffix) or (needs_proper and not proper):
            continue
        if team and not _team_name(v, s, by_end):
            continue  # a team is a place or a sponsor + 队 (中国队, 四川全兴队), not 湖北医疗队, “种子队”
        if any(g in name for g in ("有关", "相关", "各级", "各地", "所属", "全省", "全市", "全国")) and not termed:
            continue
        if name in generic or text[tail_start:end] in generic or _generic_tail(name, generic):
            continue
        out.append(Candidate(start, end, ORG, "rule:org-pattern", 4))
    suffixes = knowledge.org_suffixes()
    named = [*places, *lexical]
    for c in cands:  # the statistical model's bodies that end like bodies
        if c.kind is not ORG or c.source != "lac":
            continue
        surface = text[c.start : c.end]
        ending = next((surface[i:] for i in range(len(surface)) if surface[i:] in suffixes), None)
        if not _CJK.match(surface) or len(surface) < 3 or ending is None or _tiled(c, lexical):
            continue
        if _central(text, ending, c.end):
            continue
        if _generic_tail(surface, generic) or any(verb in surface for verb in stop_verbs):
            continue
        if any(surface[-n:] in knowledge.titles() and surface[:-n] in abbrevs for n in (2, 3, 4)):
            continue  # 县政协|常委: a body's abbreviation and a title
        if suffixes[ending].needs_proper_prefix and not any(
            c.start <= n.start and n.end <= c.end - len(ending) for n in named
        ):
            continue  # 文化协会: a common noun before a word that needs a name
        if suffixes[ending].kind == "team" and not _team_name(v, c.end - len(ending), by_end):
            continue  # 湖北医疗队, “种子队”: a team's name is a place + 队 (中国队)
        out.append(replace(c, priority=1))
    return out


def _central(text: str, suffix: str, end: int) -> bool:
    """Whether 中心 ending at `end` is 'central' (中心任务, 中心城区), not a centre's name."""
    return suffix == "中心" and text[end : end + 2] in ("工作", "任务", "城区", "城市", "环节", "位置", "地位")


def _team_name(v: _DocView, s: int, by_end: dict[int, list[Candidate]]) -> bool:
    """Whether the 队 at `s` follows a team's name: a place or body ending right there (中国|队,
    巴西|足球队) or the model's own proper word (全兴|队); not 湖北医疗|队 or “种子|队”."""
    if any(c.source != "deixis" and c.kind in (PLACE, ORG) for c in by_end.get(s, ())):
        return True
    whole = v.word(s)  # the model's own two-character team name (松日队, 泰山队), not 医疗队 (generic)
    if whole is not None and whole.tag == "ORG" and s - whole.start == 2 and whole.end == s + 1:
        surface = v.text[whole.start : whole.end]
        return surface not in knowledge.generic_phrases() and not _quoted(v.text, whole.start, whole.end)
    w = v.word(s - 1)
    return w is not None and w.end == s and w.tag in ("nz", "PER") and not _quoted(v.text, w.start, s)


def _generic_tail(name: str, generic: frozenset[str]) -> bool:
    """The name is a place followed by a generic body (葫芦岛市定点医院): not one body."""
    gaz = knowledge.gazetteer()
    for cut in range(2, len(name) - 2):
        if name[cut:] in generic and (name[:cut] in gaz.by_name or name[:cut] in gaz.by_short):
            return True
    return False


def _tiled(c: Candidate, pieces: list[Candidate]) -> bool:
    """Whether lexicon candidates cover `c` exactly with two or more pieces (中共中央+国务院)."""
    inner = sorted((p for p in pieces if c.start <= p.start and p.end <= c.end), key=lambda p: (p.start, -p.end))
    pos, count = c.start, 0
    for p in inner:
        if p.start == pos:
            pos, count = p.end, count + 1
    return pos == c.end and count >= 2


@cache
def _stop_verbs() -> frozenset[str]:
    return frozenset(read_lines("lexicon/stop_verbs.txt"))


@cache
def _org_left_edges() -> frozenset[str]:
    """Words a body's name starts after (巡察|市财政局党组, 全体|区人大代表): org_left_edges.txt."""
    return frozenset(read_lines("lexicon/org_left_edges.txt"))


_LEVEL_CHARS = frozenset(_WORDS["level_chars"])
_DEICTIC_HEADS = frozenset(_WORDS["deictic_heads"])


def _head_title(text: str, end: int) -> bool:
    """Whether the body ending at `end` and a following 长 read as its head's title (美国财政部长:
    财政部 + 部长 sharing 部). Not when the body ends twice over (公安厅厅长: 公安厅 + 厅长)."""
    return (
        text[end : end + 1] == "长"
        and end > 1
        and text[end - 1] + "长" in knowledge.titles()
        and text[end - 2] != text[end - 1]
    )


def _title_takes_last(text: str, end: int) -> bool:
    """Whether a title starts on the last character of a body word ending at `end` while the
    text before that character already ends in a body word (上海外国语大学|校长 matched as
    学校: the body is 上海外国语大学, the title 校长)."""
    titles, suffixes = knowledge.titles(), knowledge.org_suffixes()
    if not any(text[end - 1 : end - 1 + n] in titles for n in (2, 3)):
        return False
    return any(text[k : end - 1] in suffixes for k in range(max(0, end - 8), end - 2))


def _title_or_suffix_at(text: str, pos: int) -> bool:
    """Whether a title follows the body ending at `pos` (沈阳海关|党委书记)."""
    nxt = text[pos : pos + 4]
    return any(nxt.startswith(t) for t in ("党", "书记", "局长", "主任", "院长", "校长", "部长", "厅长", "副"))


# --------------------------------------------------------------------------------------------
# decisions


def _party_committee(text: str, org: Candidate, titles: list[Candidate]) -> Candidate | None:
    """Split X党委 + 书记: keep X党委 for territorial units, else X (title 党委书记)."""
    surface = text[org.start : org.end]
    for body in _PARTY_BODIES:
        if surface.endswith(body) and len(surface) > len(body):
            head = surface[: -len(body)]
            title_follows = any(t.start == org.end - len(body) and t.end > org.end for t in titles)
            if title_follows and not head.endswith(_TERRITORIAL):
                return Candidate(org.start, org.end - len(body), ORG, org.source, org.priority)
    return None


_PAIR_ENDS = frozenset("委会府厅室央")  # the last characters of org_grammar.tsv's paired_first


def _paired_bodies(text: str, orgs: list[Candidate], places: list[Candidate]) -> list[Candidate]:
    """Bodies printed side by side without 、 (中共中央办公厅国务院办公厅, 中共岳阳市委办公室岳阳市
    人民政府办公室, 嘉鱼县委县政府): each is a body of its own, so a candidate spanning them is cut
    where the second opens (org_grammar.tsv paired_first/paired_second; its region must be a
    place named right there, or only the level character of the first's region)."""
    grammar = knowledge.org_grammar()
    first, second = grammar["paired_first"], grammar["paired_second"]
    place_spans = {(p.start, p.end) for p in places}
    out: list[Candidate] = []
    for c in orgs:
        cuts = [c.start]
        for k in range(c.start + 2, c.end - 2):
            if text[k - 1] not in _PAIR_ENDS:
                continue
            m = second.match(text[k : c.end])
            if m is None or not first.search(text[cuts[-1] : k]):
                continue
            region = m.group("region") or ""
            if region and (k, k + len(region) + 1) not in place_spans:
                continue  # (办公室|岳阳市…: the region is a place named there, not any characters)
            cuts.append(k)
            break  # the second body is the candidate's whole rest
        if len(cuts) == 1:
            out.append(c)
            continue
        out.append(Candidate(c.start, cuts[1], ORG, "rule:paired-body", c.priority))
        out.append(Candidate(cuts[1], c.end, ORG, "rule:paired-body", c.priority))
    return out


def _select(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping choice: longer first, then higher priority, then earlier."""
    chosen: list[Candidate] = []
    taken = bytearray(max((c.end for c in cands), default=0))  # 1: a chosen span covers it
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.priority, c.start, c.kind.value, c.source)):
        if c.end > c.start:
            if 1 in taken[c.start : c.end]:
                continue  # overlaps a chosen span
        elif any(x.start < c.start < x.end for x in chosen):
            continue  # an empty span inside a chosen one
        chosen.append(c)
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    return sorted(chosen, key=lambda c: c.start)


def decide(text: str, words: list[Word], cands: list[Candidate]) -> list[Candidate]:
    """The entity and title layer of a document (public for tests)."""
    v = _DocView(text, words)
    # reach[i]: the furthest end of a generic phrase starting at or before the i-th start
    generic = sorted((c.start, c.end) for c in cands if c.kind is None)
    starts = [s for s, _ in generic]
    reach = list(itertools.accumulate((e for _, e in generic), max))

    def blocked(c: Candidate) -> bool:
        """Inside a generic phrase (有关部门, 全省 …)."""
        i = bisect.bisect_right(starts, c.start)
        return i > 0 and reach[i - 1] >= c.end

    cands = [c for c in cands if c.kind is None or not blocked(c)]
    titles = [c for c in cands if c.kind is TITLE]
    places = _place_rules(v, cands)
    orgs = _org_rules(v, cands, places)
    fixed_orgs = []
    for o in orgs:
        split = _party_committee(text, o, titles)
        fixed_orgs.append(split or o)
    fixed_orgs = _paired_bodies(text, fixed_orgs, places)
    persons = _person_rules(v, cands)
    ents = [c for c in (*persons, *places, *fixed_orgs) if not blocked(c) and text[c.start : c.end].strip()]
    ents = [c for c in ents if text[c.start : c.end] not in knowledge.generic_phrases()]
    chosen = _select(ents)
    chosen = _propagate(v, chosen)
    # a place inside a fixed programme's name is part of the name (习近平新时代中国特色社会主义思想)
    terms = [c for c in cands if c.kind is MentionKind.POLICY and c.source == "lex:policy"]
    chosen = [c for c in chosen if c.kind is not PLACE or not any(t.start <= c.start and c.end <= t.end for t in terms)]
    nested = _nested(chosen, places, fixed_orgs, text)
    title_layer = _titles(text, titles, chosen)
    return sorted([*chosen, *nested, *title_layer], key=lambda c: (c.start, c.end, c.kind.value))


def _occurrences(surface: str, text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of `surface` in `text`, left to right, not overlapping
    (as re.finditer of it escaped, without compiling a pattern per surface)."""
    at = text.find(surface)
    while at >= 0:
        yield at, at + len(surface)
        at = text.find(surface, at + len(surface))


def _propagate(v: _DocView, chosen: list[Candidate]) -> list[Candidate]:
    """A person, place or body recognised once is recognised where it recurs."""
    text = v.text
    taken = [(c.start, c.end) for c in chosen]
    extra: list[Candidate] = []
    seen: set[str] = set()
    places = {(c.start, c.end) for c in chosen if c.kind is PLACE}
    dropped: set[tuple[int, int]] = set()
    for c in chosen:
        surface = text[c.start : c.end]
        if surface in seen or len(surface) < 2 or c.source.startswith("lac") and c.kind is not PERSON:
            continue
        seen.add(surface)
        for s, e in _occurrences(surface, text):
            if c.kind is not PERSON and not (s in v.starts and e in v.ends):
                continue
            if c.kind is PERSON and not _AFTER_NAME.match(text[e : e + 2]) and e not in v.ends:
                continue
            over = [(ts, te) for ts, te in taken if s < te and ts < e]
            if over:
                # a person named elsewhere by a title or in full (成长春, 都业洲) is that person where
                # the model read the name, or a part of it, as a place (成|长春|向来宾介绍)
                person = c.kind is PERSON and (len(surface) >= 3 or not c.source.startswith("lac"))
                if not (person and all(o in places and s <= o[0] and o[1] <= e for o in over)):
                    continue
                dropped.update(over)
                taken = [t for t in taken if t not in over]
            extra.append(Candidate(s, e, c.kind, "propagated", c.priority))
            taken.append((s, e))
    kept = [c for c in chosen if (c.start, c.end) not in dropped or c.kind is not PLACE]
    return sorted([*kept, *extra], key=lambda c: c.start)


def _nested(chosen: list[Candidate], places: list[Candidate], orgs: list[Candidate], text: str) -> list[Candidate]:
    """Places and bodies named inside a chosen body or place (南票区 in ...龙腾街道党工委)."""
    china = {"中国", "中华人民共和国", "我国"}
    containers = [c for c in chosen if c.kind is ORG]  # a place mention is never split further
    inner = [
        c
        for c in (*places, *orgs)
        if (c.source != "lac" or c.kind is PLACE)
        and c.source != "lac:bare"
        and text[c.start : c.end] not in china
        and c.source != "deixis"
        and (c.kind is PLACE or c.end - c.start >= 3)
    ]
    out: list[Candidate] = []
    for box in containers:
        if box.source.startswith("lex:"):
            # a lexicon entry holds at most its parent's abbreviation: 省人大|环资委, 省委|组织部
            parents = [
                c
                for c in inner
                if c.kind is ORG
                and c.source == "lex:abbrev"
                and c.start == box.start
                and c.end < box.end
                and not _own_organ(text[c.start : c.end], text[c.end : box.end])
            ]
            if parents:
                out.append(replace(max(parents, key=lambda c: c.end), nested=True))
            continue
        inside = [
            c
            for c in inner
            if box.start <= c.start
            and c.end <= box.end
            and (c.start, c.end) != (box.start, box.end)
            and not (c.kind is ORG and c.end == box.end)  # 中央政治局 in 中共中央政治局: the same body
            and not (c.kind is ORG and _ends_in_suffix(text, c.end, box.end))  # 邯郸市中心|医院
            # 辽阳庆阳特种化工: 庆阳 is no place; 中国科学院|广州|地球化学研究所: 广州 is
            and not (
                c.source == "gaz:short"
                and c.start != box.start
                and not any(o.kind is ORG and o.end == c.start for o in inner)
            )
        ]
        for kind in (ORG, PLACE):  # 江西省|上饶市|信州区 inside 上饶市信州区新时代文明实践中心 inside …站
            for c in _select([c for c in inside if c.kind is kind]):
                out.append(replace(c, nested=True))
    return out


# the standing committee of a people's congress (区人大常委会) is its permanent body, not a mention
# of the congress: a congress is named only where the text names it (区人大代表, 区十七届人大一次会议)
_OWN_ORGANS = (("人大", "常委会"), ("人大", "常务委员会"))


def _own_organ(parent: str, rest: str) -> bool:
    return any(parent.endswith(p) and rest == r for p, r in _OWN_ORGANS)


def _ends_in_suffix(text: str, inner_end: int, box_end: int) -> bool:
    """Whether a body ending at `inner_end` ends inside the organisation word that ends the body
    holding it (邯郸市中心 in 邯郸市中心医院: 中心医院 is the word, not 中心 + 医院; 集团 in
    集团有限公司). An office stays apart from the committee or group it serves (…委员会|办公室)."""
    suffixes = knowledge.org_suffixes()
    return any(
        text[s:box_end] in suffixes and not text[s:box_end].endswith("办公室")
        for s in range(max(0, box_end - 10), inner_end)
    )


def _titles(text: str, titles: list[Candidate], chosen: list[Candidate]) -> list[Candidate]:
    """Titles outside names; a fused title (省委副书记) keeps the part after its body."""
    known = knowledge.titles()
    bodies = [c for c in chosen if c.kind in (ORG, PLACE, PERSON)]
    fixed: list[Candidate] = []
    for t in titles:
        start = t.start
        shared = False  # 外交部长: the head's title 部长 shares 部 with the body
        for b in bodies:
            if b.start <= t.start < b.end < t.end:
                start = b.end
                shared = b.kind is ORG and b.end == t.start + 1 and _head_title(text, b.end)
        if shared:
            start = t.start
        elif start != t.start and text[start : t.end] not in known:
            continue
        if any(b.start <= start and t.end <= b.end for b in bodies):
            continue
        fixed.append(Candidate(start, t.end, TITLE, t.source, t.priority))
    return _select(fixed)


@Language.factory("kg_entities", assigns=["doc._.kg_entities"], requires=["doc._.kg_words", "doc._.kg_candidates"])
def make_entity_rules(nlp: Language, name: str) -> EntityRules:
    """People, organisations, places and titles decided from the candidates."""
    return EntityRules()


class EntityRules:
    """Applies `decide` to each document."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_entities = decide(doc_text(doc), doc._.kg_words or [], doc._.kg_candidates or [])
        return doc
