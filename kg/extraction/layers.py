"""Character-level annotation layers shared by the pipeline components, and the final
component that turns them into spaCy spans.

Chinese entity boundaries often fall inside pkuseg words (审议省|人大常委会 -> 省人大常委会),
so components work in character offsets (`Candidate`) and `kg_spans` splits tokens once,
at every boundary any layer needs, before writing `doc.ents` and `doc.spans[...]`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.records import MentionKind

SPAN_KEYS = {
    "nested": "entities inside a longer entity (南票区 in 南票区龙腾街道党工委)",
    "title": "official titles (省长, 副书记, 记者)",
    "meeting": "meetings, sessions, ceremonies",
    "policy": "policies, laws, plans, campaigns, documents",
}


@dataclass(frozen=True)
class Candidate:
    """A proposed annotation in character offsets of `doc.text`."""

    start: int
    """Offset of the first character."""
    end: int
    """Offset after the last character."""
    kind: MentionKind | None
    """What it would be; None marks a generic phrase that blocks others."""
    source: str
    """Component and rule that proposed it."""
    priority: int = 0
    """Higher wins between overlapping candidates of equal length."""
    nested: bool = False
    """Lies inside a longer entity."""


for _name, _default in (("kg_words", None), ("kg_candidates", None), ("kg_entities", None), ("kg_events", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def _split_at(doc: Doc, offsets: set[int]) -> Doc:
    """Split tokens so that every offset in `offsets` is a token boundary."""
    if len(doc) == 0:
        return doc
    starts = doc.to_array([IDX]).reshape(-1).tolist()
    token_at: dict[int, list[int]] = {}
    for o in sorted(offsets):
        i = bisect.bisect_right(starts, o) - 1
        if i >= 0 and starts[i] < o:
            token_at.setdefault(i, []).append(o - starts[i])
    cuts = []
    for i, inner in sorted(token_at.items()):
        length = len(doc[i].text)
        inner = [x for x in inner if x < length]
        if inner:
            cuts.append((i, inner))
    if not cuts:
        return doc
    with doc.retokenize() as retokenizer:
        for i, inner in cuts:
            token = doc[i]
            bounds = [0, *inner, len(token.text)]
            orths = [token.text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
    return doc


def _span(doc: Doc, start: int, end: int, label: str) -> Span:
    span = doc.char_span(start, end, label=label, alignment_mode="strict")
    if span is None:  # cannot happen after _split_at; keep the error explicit
        raise ValueError(f"span {start}-{end} {doc.text[start:end]!r} is not token-aligned")
    return span


@Language.factory(
    "kg_spans",
    assigns=["doc.ents", "doc.spans"],
    requires=["doc._.kg_entities", "doc._.kg_events"],
)
def make_span_writer(nlp: Language, name: str) -> SpanWriter:
    """Write the decided entity and event layers as spaCy spans."""
    return SpanWriter()


class SpanWriter:
    """Aligns tokens to all decided layers and writes doc.ents / doc.spans."""

    def __call__(self, doc: Doc) -> Doc:
        entities: list[Candidate] = doc._.kg_entities or []
        events: list[Candidate] = doc._.kg_events or []
        offsets = {o for c in (*entities, *events) for o in (c.start, c.end)}
        doc = _split_at(doc, offsets)
        top = [c for c in entities if c.kind is not MentionKind.TITLE and not c.nested]
        doc.ents = [_span(doc, c.start, c.end, c.kind.value) for c in sorted(top, key=lambda c: c.start)]
        groups = {key: [] for key in SPAN_KEYS}
        for c in entities:
            if c.kind is MentionKind.TITLE:
                groups["title"].append(c)
            elif c.nested:
                groups["nested"].append(c)
        for c in events:
            groups["meeting" if c.kind is MentionKind.MEETING else "policy"].append(c)
        for key, cands in groups.items():
            doc.spans[key] = [
                _span(doc, c.start, c.end, c.kind.value) for c in sorted(cands, key=lambda c: (c.start, c.end))
            ]
        return doc
