"""The view of one article the linking rules share: its resolved mentions by sentence, its own
meetings, and the edge collector (each edge with the sentences that state it)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from kg import knowledge
from kg.records import Analysis, EntityType, Evidence, Mention, MentionKind, Relation, RelationKind, Resolution


@dataclass(frozen=True)
class Resolved:
    """A resolved mention."""

    m: Mention
    key: str


class Edges:
    def __init__(self) -> None:
        self.edges: dict[tuple[RelationKind, str, str, str | None], set[Evidence]] = defaultdict(set)
        self.named_in_titles: dict[str, set[Evidence]] = defaultdict(set)  # bodies named only in a title

    def add(self, kind: RelationKind, s: str, o: str, ev: Evidence, title: str | None = None) -> None:
        if s and o and s != o:
            self.edges[(kind, s, o, title)].add(ev)

    def relations(self) -> list[Relation]:
        out = []
        for (kind, s, o, title), evs in sorted(
            self.edges.items(), key=lambda kv: (kv[0][0].value, *map(str, kv[0][1:]))
        ):
            ordered = tuple(sorted(evs, key=lambda e: (e.article or "", e.sentence or -1, e.note)))
            out.append(Relation(kind, s, o, title, ordered))
        return out


def article_key(article_id: str) -> str:
    """Key of an article node."""
    return f"article/{article_id}"


class ArticleView:
    """One analysis with its resolved mentions, indexed by sentence."""

    def __init__(self, an: Analysis, res: Resolution, types: dict[str, EntityType]):
        self.an = an
        self.text = an.article.text
        self.key = article_key(an.article.id)
        self.resolved: list[Resolved] = [
            Resolved(m, res.assignments[m.id]) for m in an.mentions if m.id in res.assignments
        ]
        self.types = types
        # a body's place as the resolver found it in its name (org key -> place key)
        self.seat = {c: p for c, p, why in res.parents if why == "named after its place"}
        self.by_sentence: dict[int, list[Resolved]] = defaultdict(list)
        for r in self.resolved:
            self.by_sentence[r.m.sentence].append(r)
        self.primary = self._primary_meetings()

    def ev(self, sentence: int, note: str) -> Evidence:
        return Evidence(self.an.article.id, sentence, note)

    def of(self, sentence: int, *types: EntityType) -> list[Resolved]:
        return [
            r
            for r in self.by_sentence.get(sentence, ())
            if self.types.get(r.key) in types and r.m.kind is not MentionKind.TITLE
        ]

    def _primary_meetings(self) -> list[Resolved]:
        """The article's own meetings: those named in its headline lines, else the first one
        named in its first body sentences. A meeting whose spirit or arrangements are being
        studied (传达学习六中全会精神, 落实…会议部署) is not the article's event."""
        body_start = self.an.article.body_start
        head = [s.index for s in self.an.sentences if s.start < body_start]
        out: list[Resolved] = []
        for i in head:
            for r in self._own_meetings(i):
                if r.key not in {o.key for o in out}:
                    out.append(r)
        if out:
            return out
        for i in [s.index for s in self.an.sentences if s.start >= body_start][:3]:
            found = self._own_meetings(i)
            if found:
                return [min(found, key=lambda r: r.m.start)]
        return []

    def _own_meetings(self, sentence: int) -> list[Resolved]:
        return [r for r in self.of(sentence, EntityType.MEETING) if not knowledge.studied_meeting(self.text, r.m.end)]

    def paragraph_start(self, sentence: int) -> int:
        """Offset where the paragraph (line) holding the sentence starts."""
        start = self.an.sentences[sentence].start
        return self.text.rfind("\n", 0, start) + 1


def between(text: str, a: Mention, b: Mention) -> str:
    return text[a.end : b.start]


def meeting_before(art: ArticleView, offset: int) -> list[Resolved]:
    """The meeting named last before `offset` that the article holds (not one studied): what a
    later 会议 refers to when the headline and lead name none."""
    before = [r for s in art.an.sentences if s.end <= offset for r in art._own_meetings(s.index)]
    return [max(before, key=lambda r: r.m.start)] if before else []


def governing_verb(text: str, start: int, end: int, verbs: re.Pattern[str]) -> tuple[int, int] | None:
    """The last verb of `verbs` in text[start:end] whose object runs on to `end` without a
    clause break (a comma, a stop, a colon); its span, or None."""
    found = None
    for m in verbs.finditer(text, start, end):
        found = (m.start(), m.end())
    if found is None or re.search(r"[，,。；;：:]", text[found[1] : end]):
        return None
    return found


def sentence_of_paragraph(art: ArticleView, sentence: int) -> int:
    """The first sentence of the paragraph holding `sentence` (where its speaker is named)."""
    start = art.paragraph_start(sentence)
    for s in art.an.sentences:
        if s.start >= start:
            return s.index
    return sentence


def inside_any(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in spans)
