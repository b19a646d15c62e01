"""Sentence boundaries for Chinese news: after 。！？!? (and any closing quotes or brackets that
follow them) and at every line break, which ingestion has made paragraph or headline ends."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_ENDS = frozenset("。！？!?")
_CLOSERS = frozenset("”’」』）)】》\"'")


@Language.factory("kg_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    """Mark sentence starts."""
    return SentenceSplitter()


class SentenceSplitter:
    """Sets `is_sent_start` on every token."""

    def __call__(self, doc: Doc) -> Doc:
        start = True
        pending = False  # a sentence-final mark was seen; closers may still follow
        for token in doc:
            text = token.text
            if pending and not (text and set(text) <= _CLOSERS):
                start, pending = True, False
            token.is_sent_start = start
            start = False
            if "\n" in text:
                start, pending = True, False
            elif text and text[-1] in _ENDS:
                pending = True
        return doc
