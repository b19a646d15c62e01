"""Sentence boundaries for Chinese news: after 。！？!? (and any closing quotes or brackets that
follow them) and at every line break, which ingestion has made paragraph or headline ends.

Sets `token.is_sent_start` (through a numpy array, not token by token) and keeps the
sentences' character offsets in `doc._.kg_sentences` for the components that need them.
"""

from __future__ import annotations

import bisect
import re

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_SENTENCE = re.compile(r"[^\n。！？!?]*(?:[。！？!?]+[”’」』）)】》\"']*|\n|$)")

for _name in ("kg_sentences", "kg_text"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def doc_text(doc: Doc) -> str:
    """The document's text. `Doc.text` rebuilds it from Token objects on every access, so
    kg_sentences stores it once in `doc._.kg_text` for the later components."""
    return doc._.kg_text if doc._.kg_text is not None else doc.text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the non-blank sentences of `text`, whitespace trimmed."""
    spans = []
    for m in _SENTENCE.finditer(text):
        chunk = m.group(0)
        stripped = chunk.strip()
        if stripped:
            start = m.start() + chunk.index(stripped)
            spans.append((start, start + len(stripped)))
    return spans


@Language.factory("kg_sentences", assigns=["token.is_sent_start", "doc._.kg_sentences", "doc._.kg_text"])
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    """Mark sentence starts."""
    return SentenceSplitter()


class SentenceSplitter:
    """Sets sentence starts from the character offsets of the sentences."""

    def __call__(self, doc: Doc) -> Doc:
        if doc._.kg_text is None:  # extract() passes the article's text along with the Doc
            doc._.kg_text = doc.text
        spans = sentence_spans(doc._.kg_text)
        doc._.kg_sentences = spans
        if len(doc) == 0:
            return doc
        idx = doc.to_array([IDX]).reshape(-1)
        starts = np.full(len(doc), -1, dtype=np.int64)
        starts[0] = 1
        for start, _ in spans:
            i = bisect.bisect_right(idx, start) - 1  # the token holding the first character
            if i > 0:
                starts[i] = 1
        doc.from_array([SENT_START], starts.astype(np.uint64).reshape(-1, 1))  # -1 wraps, as spaCy expects
        return doc
