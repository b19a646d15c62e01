"""Extraction: Articles -> Analyses (sentences and mentions). The only stage that sees spaCy.

The pipeline is described by `pipeline.cfg` (pkuseg tokenizer, sentencizer, LAC statistical
NER, lexicon, entity rules, meetings/policies, span writer). `extract` runs it over articles
and returns plain records; byline names from ingestion are added as person mentions.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import io
import logging
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# importing the component modules registers their factories
from kg.extraction import changes as _changes
from kg.extraction import entities as _entities  # noqa: F401
from kg.extraction import events as _events  # noqa: F401
from kg.extraction import layers as _layers
from kg.extraction import lexicon as _lexicon  # noqa: F401
from kg.extraction import segmenter as _segmenter  # noqa: F401
from kg.extraction import statistical as _statistical  # noqa: F401
from kg.extraction.sentences import doc_text
from kg.records import Analysis, Article, Mention, MentionKind, Sentence

log = logging.getLogger(__name__)

CONFIG = Path(__file__).parent / "pipeline.cfg"
WARM_UP = "新华社北京8月5日电 国务院总理主持召开国务院常务会议，部署2021年工作。"
"""A sentence run through the pipeline when it is loaded (its result is dropped)."""


def pkuseg_model_dir() -> Path:
    """The default model shipped inside the pkuseg package."""
    import pkuseg

    return Path(pkuseg.__file__).parent / "models" / "default"


@cache
def load_pipeline() -> Language:
    """The extraction pipeline, built from `pipeline.cfg` (loaded once per process)."""
    # Loading makes millions of objects, and every so many allocations the garbage collector
    # walked all of them; none of them is garbage but a few thousand in cycles, collected once at
    # the end (measured, 2026-12-03: 6 full collections, ~1.5 of the load's ~4 CPU s).
    collecting = gc.isenabled()
    gc.disable()
    try:
        config = spacy.util.load_config(CONFIG)
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
        chatter = io.StringIO()
        # spacy-pkuseg prints a notice to stderr that pkuseg's model has features.pkl, not .msgpack
        with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
            nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_model_dir()))
        if chatter.getvalue().strip():
            log.debug("pkuseg: %s", chatter.getvalue().strip())
        # One short sentence through every component loads what the first document would:
        # numba's compiled functions (~1 s from its cache) and the rest of their imports. Done
        # here, it is done once before `kg build` forks its workers, not again in each of them.
        nlp(WARM_UP)
        # The models' dictionaries (pkuseg's 2.6M feature names, its word lists, LAC's
        # vocabulary) live as long as the process. Each full garbage collection walked them all
        # (measured: ~0.4 s, once every two or three passes over the seeds); frozen, it skips
        # them (~0.04 s).
        gc.collect()
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    return nlp


def _sentences(doc: Doc) -> tuple[Sentence, ...]:
    text = doc_text(doc)
    return tuple(Sentence(i, s, e, text[s:e]) for i, (s, e) in enumerate(doc._.kg_sentences))


def _analysis(article: Article, doc: Doc) -> Analysis:
    sentences = _sentences(doc)
    starts = [s.start for s in sentences]

    def sentence_of(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    mentions: dict[tuple[int, int, MentionKind], Mention] = {}

    def add(start: int, end: int, kind: MentionKind, source: str, nested: bool = False) -> None:
        key = (start, end, kind)
        if key not in mentions:
            mentions[key] = Mention(
                article.id, kind, article.text[start:end], start, end, sentence_of(start), source, nested
            )

    sources = {(c.start, c.end, c.kind): c.source for c in (doc._.kg_entities or []) + (doc._.kg_events or [])}
    for span in doc.ents:
        kind = MentionKind(span.label_)
        add(span.start_char, span.end_char, kind, sources.get((span.start_char, span.end_char, kind), "?"))
    for key in _layers.SPAN_KEYS:
        for span in doc.spans[key]:
            kind = MentionKind(span.label_)
            src = sources.get((span.start_char, span.end_char, kind), "?")
            add(span.start_char, span.end_char, kind, src, nested=key == "nested")
    for byline in article.bylines:  # ingestion read the byline: it wins over the model's guess
        for key in [k for k, m in mentions.items() if m.start < byline.end and byline.start < m.end]:
            if mentions[key].kind is MentionKind.PERSON:
                del mentions[key]
        add(byline.start, byline.end, MentionKind.PERSON, "byline")
    ordered = sorted(mentions.values(), key=lambda m: (m.start, m.end, m.kind.value))
    return Analysis(article, sentences, tuple(ordered), _changes.records(article, doc, mentions, sentence_of))


def extract(articles: Sequence[Article], nlp: Language | None = None) -> Iterator[Analysis]:
    """Sentences and mentions of each article, in order (a generator: wrap it for progress)."""
    nlp = nlp or load_pipeline()

    def tokenized() -> Iterator[Doc]:
        for article in articles:
            doc = nlp.make_doc(article.text)
            doc._.kg_text = article.text  # spares rebuilding it from the tokens
            yield doc

    docs: Iterable[Doc] = nlp.pipe(tokenized(), batch_size=nlp.batch_size)
    for article, doc in zip(articles, docs, strict=True):
        yield _analysis(article, doc)
