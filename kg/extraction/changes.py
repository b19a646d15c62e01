"""Post changes: sentences that change who holds a post (任命, 选举, 当选, 免去, 辞去, 退休, 逝世).

Runs after `kg_spans`, on the decided people (doc.ents), bodies (doc.ents) and titles
(doc.spans["title"]). Cue words are data (kg/data/lexicon/change_cues.tsv); the grammar of the
five forms is here:

  as       决定任命甲为南岗区人民政府副区长、代理区长，乙为区人民政府秘书长
  named    中共中央决定：甲同志任中共吉林省委书记; 关于乙任…副省长的决定; 决定由丙兼任…
  of       免去甲兼任的国家行政学院院长职务，乙的司法部副部长职务; 免去其中心主任职务
  resign   接受甲辞去市人民政府市长职务的请求; 接受乙、丙辞去…职务的请求，丁辞去…职务的请求
  nominate 市委决定提名甲为市长候选人; 我提名甲、乙同志为国务院副总理人选 (the decision reported)
  subject  甲当选为省政协主席; 甲被任命为…; 甲辞去…职务
  held     甲…辞职/退休/逝世/受免职处理: the posts printed with 甲 (该同志 -> the name before it)
  listed   会议选出的政协第十二届全国委员会副主席是：甲、乙、丙 (the posts, then the names)

A list of posts is read like a title chain (bodies, titles, 、 and 兼 between them); a title
without a body takes the body of the title before it in the same list (副区长、代理区长); 代理
before a title makes it an acting post. Writes `doc._.kg_changes` (`ChangeSpan`s, character
offsets) and `doc.spans["change"]` (the clauses, labelled by kind).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from kg import knowledge
from kg.extraction.sentences import doc_text
from kg.records import Article, ChangedPost, ChangeKind, Mention, MentionKind, PostChange
from kg.resources import read_patterns, read_tsv

FORMS = ("as", "named", "of", "resign", "nominate", "subject", "held", "listed")
_NAME_GAP = ("、", "和", "，", ",")  # between the names of a person list
_ACTING = "代理"
_GRAMMAR = dict(read_patterns("lexicon/change_grammar.tsv"))  # the grammar words: data
_LIST_GAP = _GRAMMAR["post_list_gap"]
_ANAPHORS = _GRAMMAR["anaphors"]
_FORMER = _GRAMMAR["former"]
_DUTY = _GRAMMAR["duty"]
_OF_JOIN = _GRAMMAR["of_join"]
_ALSO_ACTING = _GRAMMAR["also_acting"]
_NAMED_LINK = _GRAMMAR["named_link"]
_NOT_NOW = _GRAMMAR["not_now"]
_PRONOUN_SUBJECT = _GRAMMAR["pronoun_subject"]
_NOT_A_STEP = _GRAMMAR["not_a_step"]
_TAKEN_FIRST = _GRAMMAR["taken_first"]
_CLAUSE_END = re.compile(r"[，,。；;、）)]|$")
_HELD_GAP_MAX = 60  # characters between a named person and a 辞职/退休/逝世/免职 cue
_NOT_DONE = _GRAMMAR["not_done"]
_NOMINATION_ROUTE = _GRAMMAR["nomination_route"]
_NOMINATION_ABOUT = _GRAMMAR["nomination_about"]
_CHAIN_GAP = _GRAMMAR["chain_gap"]
_ACTING_SHORT = _GRAMMAR["acting_short"]
_CLAUSE_START = re.compile(r"[，,；;。：:]")
_REQUEST = _GRAMMAR["request"]
_TERM_PREFIX = _GRAMMAR["term_prefix"]
_VOTES = _GRAMMAR["votes"]
_SAME_SENTENCE_ANAPHOR = _GRAMMAR["same_sentence_anaphor"]
_LISTED_LINK = _GRAMMAR["listed_link"]
_LISTED_GAP = _GRAMMAR["listed_gap"]


@dataclass(frozen=True)
class PostSpan:
    """A post named in a change clause, in character offsets of the text."""

    title: str
    """Title as the post's kg:title (代理区长 for an acting post)."""
    acting: bool
    """Printed as 代理X."""
    title_start: int
    """Offset of the title mention."""
    title_end: int
    """End offset of the title mention."""
    body: tuple[int, int] | None
    """Offsets of the body mention printed with it (or inherited in the list), if any."""


@dataclass(frozen=True)
class ChangeSpan:
    """A post change found in the text (character offsets)."""

    kind: ChangeKind
    """What the sentence states."""
    cue: str
    """The cue as printed."""
    start: int
    """Start of the clause."""
    end: int
    """End of the clause."""
    person: tuple[int, int]
    """Offsets of the person's name (the antecedent for 该同志/其)."""
    posts: tuple[PostSpan, ...]
    """The posts taken or left."""
    cue_start: int
    """Offset of the cue (its sentence states the change)."""


@dataclass(frozen=True)
class _Cue:
    form: str
    kind: ChangeKind
    pattern: re.Pattern[str]


@cache
def cues() -> tuple[_Cue, ...]:
    """The cue table (change_cues.tsv), checked."""
    from kg.errors import DataFileError

    out = []
    for row in read_tsv("lexicon/change_cues.tsv", ("form", "kind", "cue")):
        if row["form"] not in FORMS:
            raise DataFileError(f"change_cues.tsv: form {row['form']!r} is not one of {', '.join(FORMS)}")
        try:
            kind = ChangeKind(row["kind"])
        except ValueError:
            allowed = ", ".join(k.value for k in ChangeKind)
            raise DataFileError(f"change_cues.tsv: kind {row['kind']!r} is not one of {allowed}") from None
        try:
            out.append(_Cue(row["form"], kind, re.compile(row["cue"])))
        except re.error as exc:
            raise DataFileError(f"change_cues.tsv: bad regex {row['cue']!r}: {exc}") from exc
    return tuple(out)


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    kind: str  # P person, B body (organisation or place), T title


class _Sentence:
    """The people, bodies and titles of one sentence, in order."""

    def __init__(self, text: str, start: int, end: int, items: list[_Item]):
        self.text = text
        self.start = start
        self.end = end
        self.items = items
        self.at = {i.start: i for i in items}

    def item_at(self, pos: int, kinds: str) -> _Item | None:
        # a title may share its first character with a body (外交部|长): prefer the longer item
        found = [i for i in self.items if i.start == pos and i.kind in kinds]
        return max(found, key=lambda i: i.end - i.start) if found else None

    def skip(self, pos: int, pattern: re.Pattern[str]) -> int:
        m = pattern.match(self.text, pos, self.end)
        return m.end() if m else pos

    def after_chain(self, pos: int) -> int:
        """The name's position when a title chain printed with it starts at `pos`
        (市委副书记、市长毛小兵: the position of 毛小兵), else `pos`."""
        at, seen = pos, False
        while at < self.end:
            item = self.item_at(at, "T") or self.item_at(at, "B")
            if item is not None:
                at, seen = item.end, item.kind == "T" or seen
                continue
            if seen and self.item_at(at, "P"):
                return at
            gap = _CHAIN_GAP.match(self.text, at, self.end)
            if gap is None or not seen:
                break
            at = gap.end()
        return pos

    def persons(self, pos: int, chain: bool = False) -> tuple[list[_Item], int]:
        """甲、乙和丙 starting at `pos` (after optional spaces); with `chain`, each name may be
        printed after its title chain (市委副书记、市长甲)."""
        out: list[_Item] = []
        while True:
            while pos < self.end and self.text[pos] in " \u3000":
                pos += 1
            if chain:
                pos = self.after_chain(pos)
            p = self.item_at(pos, "P")
            if p is None:
                return out, pos
            out.append(p)
            pos = p.end
            if self.text.startswith("同志", pos):
                pos += 2
            if pos < self.end and self.text[pos] in _NAME_GAP and self.item_at(pos + 1, "P"):
                pos += 1
                continue
            return out, pos

    def posts(self, pos: int) -> tuple[list[PostSpan], int]:
        """A list of posts starting at `pos`: bodies and titles joined by 、/兼; ends before the
        first other thing (a person, 职务, 的, punctuation)."""
        out: list[PostSpan] = []
        pending: _Item | None = None
        last_body: tuple[int, int] | None = None
        last_kind = ""
        acting = False
        end = pos
        titles = knowledge.titles()
        while pos < self.end:
            if self.text.startswith(_ACTING, pos):
                acting, pos = True, pos + len(_ACTING)
                continue
            item = self.item_at(pos, "T") or self.item_at(pos, "B")
            term = _TERM_PREFIX.match(self.text, pos, self.end) if item is None else None
            if term is not None and self.item_at(term.end(), "TB") is not None:
                pos = term.end()  # 当选为县十六届|人大常委会主任: the body's term, not a body
                continue
            if item is None:
                gap = _LIST_GAP.match(self.text, pos, self.end)
                if gap is None or pending is not None or acting or not out:
                    break
                nxt = gap.end()
                if not (self.item_at(nxt, "TB") or self.text.startswith(_ACTING, nxt)):
                    break
                if self.text[pos] in "，," and self.after_chain(nxt) != nxt:
                    break  # …担任省委常委，副省长乙…: the next clause's name and its posts
                pos = nxt
                continue
            if item.kind == "B":
                pending = item
                pos = item.end
                continue
            title = self.text[item.start : item.end]
            known = titles.get(title)
            if pending is not None:
                body: tuple[int, int] | None = (pending.start, pending.end)
            elif known is not None and known.implies and last_kind and known.kind != last_kind:
                body = None  # 市委副书记、市长: the 市长 of the body 市长 implies (市政府), not of 市委
            else:
                body = last_body  # 副区长、代理区长; 省政协主席、党组书记
            last_kind = known.kind if known is not None else ""
            if not acting and _ACTING_SHORT.match(title):  # 代省长: 代理省长
                acting, title = True, title[1:]
            out.append(PostSpan(_ACTING + title if acting else title, acting, item.start, item.end, body))
            last_body = body
            pending, acting = None, False
            pos = end = item.end
        return out, end

    def chain_before(self, person: _Item) -> list[PostSpan]:
        """The posts printed before a name (省委常委、副省长陈向群), unless marked former."""
        chain: list[_Item] = []
        pos = person.start
        for item in reversed([i for i in self.items if i.end <= person.start]):
            gap = self.text[item.end : pos]
            if len(gap) > 2 or _LIST_GAP.sub("", gap).strip():
                break
            if item.kind == "P":
                break
            chain.append(item)
            pos = item.start
        if not chain or _FORMER.search(self.text[max(self.start, pos - 3) : pos]):
            return []
        posts, _ = self.posts(pos)
        return posts


def _doc_items(doc: Doc) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The people and bodies (doc.ents) and the titles (doc.spans["title"]) as (start, end,
    kind) in character offsets, read once per document: `doc.ents` builds a Span per entity on
    every access, which per sentence made this component quadratic in the article's length."""
    ents = [
        (e.start_char, e.end_char, "P" if e.label_ == "Person" else "B")
        for e in doc.ents
        if e.label_ in ("Person", "Organization", "Place")
    ]
    titles = [(s.start_char, s.end_char, "T") for s in doc.spans["title"]]
    return ents, titles


def _sentence_items(
    ents: list[tuple[int, int, str]], titles: list[tuple[int, int, str]], start: int, end: int
) -> list[_Item]:
    items = [_Item(*e) for e in ents if start <= e[0] and e[1] <= end]
    items += [_Item(*t) for t in titles if start <= t[0] and t[1] <= end]
    return sorted(items, key=lambda i: (i.start, -i.end, i.kind))


def _kind(kind: ChangeKind, posts: list[PostSpan]) -> ChangeKind:
    if kind.takes_post and posts and all(p.acting for p in posts):
        return ChangeKind.ACTING
    return kind


_AS_LINK = re.compile("为")


def _as_form(
    s: _Sentence, cue: _Cue, m: re.Match[str], link: re.Pattern[str] = _AS_LINK, antecedent: _Item | None = None
) -> list[ChangeSpan]:
    """CUE 甲、乙 为 POSTS (，丙为 POSTS)…; with the `named` link: CUE 甲(同志) 任 POSTS (；乙任 POSTS).
    A pronoun right after the cue (任命他为…) is the person named in an earlier sentence."""
    out: list[ChangeSpan] = []
    pos = s.skip(m.end(), re.compile(r"[：:]?"))
    first = True
    while True:
        people, after = s.persons(pos, chain=True)
        if not people and first and antecedent is not None:
            ana = re.compile(r"他|她").match(s.text, pos, s.end)
            if ana:
                people, after = [antecedent], ana.end()
        first = False
        joined = link.match(s.text, after, s.end) if people else None
        posts, end = s.posts(joined.end()) if joined else ([], after)
        if posts and link is _NAMED_LINK and _NOT_A_STEP.match(s.text, end, s.end):
            posts = []  # 甲任X期间, 关于甲任X时…: a time of the career, not a decision
        if not posts and link is _AS_LINK and out and joined:
            # 任命甲为X主任，乙为(a body not read)局长，丙为Y局长: the next clause goes on
            nxt = re.compile(r"[^，,；;。]*[，,；;]").match(s.text, joined.end(), s.end)
            if nxt:
                pos = nxt.end()
                continue
        if not posts:
            if link is _NAMED_LINK:  # 决定：甲不再兼任X；乙任Y: every clause of the decision
                nxt = re.compile(r"[^，,；;。]*[，,；;]").match(s.text, pos, s.end)
                if nxt and nxt.end() > pos:
                    pos = nxt.end()
                    continue
            break
        for p in people:
            acting = [x for x in posts if x.acting]
            plain = [x for x in posts if not x.acting]
            if plain:
                out.append(
                    ChangeSpan(
                        _kind(cue.kind, plain), m.group(0), m.start(), end, (p.start, p.end), tuple(plain), m.start()
                    )
                )
            if acting:
                out.append(
                    ChangeSpan(
                        ChangeKind.ACTING, m.group(0), m.start(), end, (p.start, p.end), tuple(acting), m.start()
                    )
                )
        pos = end
        also = _ALSO_ACTING.match(s.text, pos, s.end)  # 任命甲为副市长，并决定为代理市长
        if also:
            more, end2 = s.posts(also.end())
            more = [
                PostSpan(
                    _ACTING + x.title.removeprefix(_ACTING),
                    True,
                    x.title_start,
                    x.title_end,
                    x.body or posts[-1].body,
                )
                for x in more
            ]
            for p in people:
                if more:
                    out.append(
                        ChangeSpan(
                            ChangeKind.ACTING, m.group(0), m.start(), end2, (p.start, p.end), tuple(more), m.start()
                        )
                    )
            pos = end2
        if pos < s.end and s.text[pos] in "，,；;":
            pos += 1
            continue
        break
    return out


def _of_form(s: _Sentence, cue: _Cue, m: re.Match[str], antecedent: _Item | None) -> list[ChangeSpan]:
    """CUE 甲(的) POSTS 职务 (，乙的 POSTS 职务)…; 免去其…职务."""
    out: list[ChangeSpan] = []
    pos = m.end()
    first = True
    while True:
        people, after = s.persons(pos)
        if not people and first:
            ana = _ANAPHORS.match(s.text, pos, s.end)
            if ana and antecedent is not None:
                people, after = [antecedent], ana.end()
        if not people:
            break
        after = s.skip(after, _OF_JOIN)
        posts, end = s.posts(after)
        duty = _DUTY.match(s.text, end, s.end)
        if not posts or duty is None:
            break
        for p in people:  # 免去甲、乙、丙的…副省长职务: each leaves the posts
            out.append(
                ChangeSpan(cue.kind, m.group(0), m.start(), duty.end(), (p.start, p.end), tuple(posts), m.start())
            )
        pos = duty.end()
        first = False
        if pos < s.end and s.text[pos] in "，,；;、":
            pos += 1
            continue
        break
    return out


def _resign_form(s: _Sentence, cue: _Cue, m: re.Match[str]) -> list[ChangeSpan]:
    """接受甲(、乙)辞去 POSTS 职务(的请求)(、丙辞去 POSTS 职务)(的请求)."""
    out: list[ChangeSpan] = []
    pos = m.end()
    while True:
        people, after = s.persons(pos)
        ana = _SAME_SENTENCE_ANAPHOR.match(s.text, pos, s.end) if not people and pos == m.end() else None
        if ana is not None:  # 任命甲为副市长，接受其辞去…职务的请求: the person named before
            named = [i for i in s.items if i.kind == "P" and i.end <= m.start()]
            people, after = named[-1:], ana.end()
        if not people or not s.text.startswith("辞去", after):
            break
        posts, end = s.posts(after + 2)
        duty = _DUTY.match(s.text, end, s.end)
        if not posts or duty is None:
            break
        for p in people:
            out.append(
                ChangeSpan(cue.kind, m.group(0), m.start(), duty.end(), (p.start, p.end), tuple(posts), m.start())
            )
        pos = s.skip(duty.end(), _REQUEST)
        if pos < s.end and s.text[pos] in "、，,；;":
            pos += 1
            continue
        break
    return out


def _listed_form(s: _Sentence, cue: _Cue, m: re.Match[str]) -> list[ChangeSpan]:
    """CUE POSTS 是：甲、乙、丙 (选出的…副主席是：…): every name of the list up to the clause's end,
    also past a name the extraction missed (a list item of 2-4 characters between two)."""
    posts, end = s.posts(m.end())
    link = _LISTED_LINK.match(s.text, end, s.end) if posts else None
    if link is None:
        return []
    out = []
    pos = link.end()
    for p in (i for i in s.items if i.kind == "P" and i.start >= pos):
        if not _LISTED_GAP.fullmatch(s.text, pos, p.start):
            break
        out.append(ChangeSpan(cue.kind, m.group(0), m.start(), p.end, (p.start, p.end), tuple(posts), m.start()))
        pos = p.end
    return out


def _nominate_form(s: _Sentence, cue: _Cue, m: re.Match[str], antecedent: _Item | None) -> list[ChangeSpan]:
    """CUE 甲(、乙) 为 POSTS (候选人|人选): a nomination that is the decision reported (市委决定提名甲
    为市长候选人; 我提名甲、乙同志为国务院副总理人选). Not the route to another decision (经/由/
    根据…提名 in the same clause), nor a document about one (关于提名…的说明, …候选人的议案)."""
    heads = [x.end() for x in _CLAUSE_START.finditer(s.text, s.start, m.start())]
    if _NOMINATION_ROUTE.search(s.text, heads[-1] if heads else s.start, m.start()):
        return []
    out = []
    for c in _as_form(s, cue, m, antecedent=antecedent):
        if _NOMINATION_ABOUT.match(s.text, c.end, s.end):
            return []
        out.append(replace(c, kind=ChangeKind.NOMINATED))
    return out


def _subject(s: _Sentence, at: int, max_gap: int, antecedent: _Item | None) -> _Item | None:
    """The person a cue at `at` is said of: the last name before it in the clause."""
    before = [i for i in s.items if i.end <= at]
    people = [i for i in before if i.kind == "P"]
    if people:
        p = people[-1]
        gap = s.text[p.end : at]
        later = [i for i in before if i.start >= p.end]
        if len(gap) <= max_gap and not re.search(r"[。；;]", gap) and not any(i.kind == "P" for i in later):
            return p
    head = s.text[s.start : at]
    pronoun = re.match(r"^\s*(?:该同志|该人|其|他|她)", head) or _PRONOUN_SUBJECT.search(head[-8:])
    if antecedent is not None and not people and pronoun:
        return antecedent
    return None


def _subject_form(s: _Sentence, cue: _Cue, m: re.Match[str], antecedent: _Item | None) -> list[ChangeSpan]:
    """甲(同志)(再次)当选为 POSTS; 甲被任命为 POSTS; 甲辞去 POSTS 职务; 甲不再担任 POSTS (职务);
    她当选为… (the person named in an earlier sentence of the paragraph)."""
    votes = _VOTES.search(s.text, max(s.start, m.start() - 14), m.start())  # 甲以190票当选为…
    p = _subject(s, votes.start() if votes else m.start(), 6, antecedent)
    taken_first = False
    if p is None:  # 甲由X副省长升任Y: the post left is printed between; 甲任X，不再担任Y: the post taken
        p = _subject(s, m.start(), 24, None)
        taken_first = (
            p is not None and not cue.kind.takes_post and bool(_TAKEN_FIRST.fullmatch(s.text, p.end, m.start()))
        )
        if p is None or not (s.text.startswith("由", p.end) or taken_first):
            return []
    said = s.text[p.end : votes.start() if votes else m.start()] if p.start >= s.start else s.text[s.start : m.start()]
    if p.start >= s.start and re.search(r"[，,、]", said) and not taken_first:
        return []
    if _NOT_NOW.search(said[-6:]):
        return []
    people = [p]  # 李四、王五当选为副省长: the names listed before the last one
    while people[0].start > s.start + 1 and s.text[people[0].start - 1] in "、和":
        before = [i for i in s.items if i.kind == "P" and i.end == people[0].start - 1]
        if not before:
            break
        people.insert(0, before[0])
    if s.text.startswith("的", m.end()):  # 新当选的…, 辞去的
        return []
    posts, end = s.posts(m.end())
    if not posts:
        return []
    if cue.kind is ChangeKind.ACTING:  # 甲(副区长)代理X职务
        posts = [
            PostSpan(_ACTING + x.title.removeprefix(_ACTING), True, x.title_start, x.title_end, x.body) for x in posts
        ]
    if cue.kind in (ChangeKind.RESIGNED, ChangeKind.REMOVED, ChangeKind.ACTING):
        duty = _DUTY.match(s.text, end, s.end)
        if duty is not None:
            end = duty.end()
        elif cue.kind is ChangeKind.ACTING or not _CLAUSE_END.match(s.text, end, s.end):
            return []  # 辞去…职务, 代理…职务; a departure without 职务 ends its clause (不再担任省长。)
    if cue.kind is ChangeKind.APPOINTED and _NOT_A_STEP.match(s.text, end, s.end):
        return []  # 甲同志任X期间, 出任X以来: a time of the career (当选X后… reports the election)
    kind = _kind(cue.kind, posts)
    out = []
    for x in people:
        start = x.start if x.start >= s.start else m.start()  # an antecedent: the clause starts at the cue
        out.append(ChangeSpan(kind, m.group(0), start, end, (x.start, x.end), tuple(posts), m.start()))
    return out


def _held_form(s: _Sentence, cue: _Cue, m: re.Match[str], antecedent: _Item | None, chains) -> list[ChangeSpan]:
    sentence_start = s.start
    """甲…辞职/退休/逝世/受免职处理: the posts printed with 甲."""
    p = _subject(s, m.start(), _HELD_GAP_MAX if cue.kind is not ChangeKind.RETIRED else 4, antecedent)
    if p is None:
        return []
    if p.start >= s.start:  # a name in this sentence: the cue must be said of it, and done
        gap = s.text[p.end : m.start()]
        if _NOT_DONE.search(gap) or (cue.kind is not ChangeKind.DIED and re.search(r"[，,]", gap)):
            return []
    posts = chains(p)
    if not posts:
        return []
    start = p.start if p.start >= sentence_start else m.start()
    return [ChangeSpan(cue.kind, m.group(0), start, m.end(), (p.start, p.end), tuple(posts), m.start())]


_HEADING = re.compile(r"[：:]\s*$")  # 任命：, 免去：, 经研究决定： ending a line of their own
_LIST_FORMS = ("as", "of", "named")  # forms whose cue may head a list of one item a line


class _At:
    """A cue printed in a heading (任命：), standing at the start of an item line below it."""

    def __init__(self, printed: str, at: int):
        self.printed = printed
        self.at = at

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.at

    def group(self, _: int = 0) -> str:
        return self.printed


def find_changes(doc: Doc) -> list[ChangeSpan]:
    """Every post change stated in the document, in reading order."""
    text = doc_text(doc)
    out: dict[tuple, ChangeSpan] = {}
    sentences: list[_Sentence] = []
    ents, titles = _doc_items(doc)
    for start, end in doc._.kg_sentences or [(0, len(text))]:
        sentences.append(_Sentence(text, start, end, _sentence_items(ents, titles, start, end)))
    chain_of: dict[tuple[int, int], list[PostSpan]] = {}

    def chains_in(sent: _Sentence):
        def chain(p: _Item) -> list[PostSpan]:
            if (p.start, p.end) not in chain_of:
                owner = next((x for x in sentences if x.start <= p.start < x.end), sent)
                found = owner.chain_before(p)
                name = text[p.start : p.end]
                for x in sentences if not found else ():  # 甲同志于…殉职: the posts printed with 甲 before
                    if x.start >= p.start:
                        break
                    for q in x.items:
                        if q.kind == "P" and q.end <= p.start and text[q.start : q.end] == name:
                            found = x.chain_before(q) or found
                chain_of[(p.start, p.end)] = found
            return chain_of[(p.start, p.end)]

        return chain

    last_person: _Item | None = None
    paragraph_start = 0
    heading: tuple[_Cue, str] | None = None  # 任命：/免去： on a line of its own, then one item a line
    for sent in sentences:
        line_start = text.rfind("\n", 0, sent.start) + 1
        if line_start != paragraph_start:  # a new paragraph: 该同志 cannot reach back further
            paragraph_start = line_start
            last_person = None
        antecedent = last_person
        found_here: list[ChangeSpan] = []
        matches = [(cue, m) for cue in cues() for m in cue.pattern.finditer(text, sent.start, sent.end)]
        if heading is not None and not any(cue.form in _LIST_FORMS for cue, _ in matches):
            cue, printed = heading  # 张三为…局长；/ 王五的…局长职务；/ 李四同志任…: the heading's cue applies
            matches = [(cue, _At(printed, sent.start)), *matches]
        for cue, m in matches:
            if m.end() == m.start() and not isinstance(m, _At):
                continue
            if cue.form == "as":
                found = _as_form(sent, cue, m, antecedent=antecedent)
            elif cue.form == "named":
                found = _as_form(sent, cue, m, _NAMED_LINK)
            elif cue.form == "of":
                people_before = [i for i in sent.items if i.kind == "P" and i.end <= m.start()]
                found = _of_form(sent, cue, m, people_before[-1] if people_before else antecedent)
            elif cue.form == "resign":
                found = _resign_form(sent, cue, m)
            elif cue.form == "nominate":
                found = _nominate_form(sent, cue, m, antecedent)
            elif cue.form == "subject":
                found = _subject_form(sent, cue, m, antecedent)
            elif cue.form == "listed":
                found = _listed_form(sent, cue, m)
            else:
                found = _held_form(sent, cue, m, antecedent, chains_in(sent))
            found_here += found
            for c in found:
                key = (c.person, tuple((p.title_start, p.title) for p in c.posts), c.kind.takes_post)
                if key not in out:  # the first (outermost) reading of a clause wins
                    out[key] = c
        colon = _HEADING.search(text, sent.start, sent.end)
        last = [
            (cue, m)
            for cue, m in matches
            if cue.form in _LIST_FORMS and not isinstance(m, _At) and colon and m.end() in (colon.start(), colon.end())
        ]
        if last:  # a line ending in its cue: 任命：, 免去：, 经市委研究决定：
            heading = (last[-1][0], last[-1][1].group(0).rstrip("：:"))
        elif not found_here:
            heading = None
        people = [i for i in sent.items if i.kind == "P"]
        if people:
            last_person = people[-1]
    return sorted(out.values(), key=lambda c: (c.start, c.person, c.kind.value))


if not Doc.has_extension("kg_changes"):
    Doc.set_extension("kg_changes", default=None)


@Language.factory(
    "kg_changes",
    assigns=["doc._.kg_changes", "doc.spans"],
    requires=["doc.ents", "doc.spans", "doc._.kg_sentences"],
)
def make_changes(nlp: Language, name: str) -> ChangeRules:
    """Post changes (appointments, elections, removals, resignations, retirements, deaths)."""
    return ChangeRules()


class ChangeRules:
    """Applies `find_changes` and writes doc.spans["change"] (the clauses, label = kind)."""

    def __call__(self, doc: Doc) -> Doc:
        changes = find_changes(doc)
        doc._.kg_changes = changes
        spans = []
        for c in changes:
            span = doc.char_span(c.start, c.end, label=c.kind.value, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["change"] = spans
        return doc


def records(
    article: Article,
    doc: Doc,
    mentions: Mapping[tuple[int, int, MentionKind], Mention],
    sentence_of: Callable[[int], int],
) -> tuple[PostChange, ...]:
    """The document's `ChangeSpan`s as `PostChange` records over the article's mentions (a
    change whose person or title is not a mention is dropped)."""
    out = []
    for c in doc._.kg_changes or ():
        person = mentions.get((*c.person, MentionKind.PERSON))
        posts = []
        for p in c.posts:
            title = mentions.get((p.title_start, p.title_end, MentionKind.TITLE))
            body = None
            if p.body is not None:
                body = mentions.get((*p.body, MentionKind.ORGANIZATION)) or mentions.get((*p.body, MentionKind.PLACE))
            if title is not None:
                posts.append(ChangedPost(p.title, p.acting, title, body))
        if person is None or not posts:
            continue
        sentence = sentence_of(c.cue_start)
        out.append(PostChange(article.id, c.kind, c.cue, sentence, c.start, c.end, person, tuple(posts)))
    return tuple(out)
