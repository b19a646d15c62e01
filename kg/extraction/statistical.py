"""The statistical NER component: LAC's analysis of every sentence, batched across docs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.extraction.lac import LacTagger, Word
from kg.extraction.layers import Candidate
from kg.extraction.sentences import doc_text
from kg.records import MentionKind

_ENTITY_TAGS = {"PER": MentionKind.PERSON, "LOC": MentionKind.PLACE, "ORG": MentionKind.ORGANIZATION}


@Language.factory(
    "kg_statistical_ner",
    assigns=["doc._.kg_words", "doc._.kg_candidates"],
    requires=["doc._.kg_sentences"],
    default_config={"model_dir": None, "batch_sentences": 16},
)
def make_statistical_ner(nlp: Language, name: str, model_dir: str | None, batch_sentences: int) -> StatisticalNER:
    """LAC words, POS tags and PER/LOC/ORG candidates for every sentence."""
    return StatisticalNER(LacTagger(Path(model_dir) if model_dir else None), batch_sentences)


class StatisticalNER:
    """Runs LAC on each sentence (batched across documents) and records its analysis."""

    def __init__(self, tagger: LacTagger, batch_sentences: int):
        self.tagger = tagger
        self.batch_sentences = batch_sentences

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._process(batch)
                batch = []
        if batch:
            yield from self._process(batch)

    def _process(self, docs: list[Doc]) -> list[Doc]:
        units: list[tuple[int, int, str]] = []  # (doc index, offset, text)
        for d, doc in enumerate(docs):
            text = doc_text(doc)
            for start, end in doc._.kg_sentences:
                units.append((d, start, text[start:end]))
        tagged = self.tagger.tag_many(
            [u[2] for u in units], max_batch=self.batch_sentences, offsets=[u[1] for u in units]
        )
        words: list[list[Word]] = [[] for _ in docs]
        for (d, _, _), sent_words in zip(units, tagged, strict=True):
            words[d].extend(sent_words)
        for doc, doc_words in zip(docs, words, strict=True):
            doc._.kg_words = doc_words
            doc._.kg_candidates = [
                Candidate(w.start, w.end, _ENTITY_TAGS[w.tag], "lac", priority=1)
                for w in doc_words
                if w.tag in _ENTITY_TAGS
            ]
        return docs
