"""The lexicon component: every gazetteer, title, body and policy name found in the text.

One Aho-Corasick automaton over all shipped lexicons (kg.knowledge) proposes candidates in a
single pass; the entity rules decide which of them stand.
"""

from __future__ import annotations

from functools import cache

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from kg import knowledge
from kg.extraction.layers import Candidate
from kg.extraction.sentences import doc_text
from kg.knowledge import Level
from kg.records import MentionKind
from kg.resources import read_tsv

# (kind, source, priority) per lexicon; a surface in several lexicons yields each.
_PLACE = MentionKind.PLACE
_ORG = MentionKind.ORGANIZATION
_SETTLEMENT_SUFFIXES = ("镇", "乡", "街道", "苏木", "民族乡", "办事处")


def _town_ok(name: str) -> bool:
    return name.endswith(_SETTLEMENT_SUFFIXES) and len(name) >= 3


def _division_ok(name: str) -> bool:
    # 城区, 郊区, 矿区 are common words as well as district names
    return len(name) >= 3 or not name.endswith("区")


@cache
def automaton() -> ahocorasick.Automaton:
    """Surface form -> tuple of (kind, source, priority) for every lexicon entry.

    Built from the lexicons once and kept in the load cache (kg.cache.load_artifact) under the
    pipeline version, which covers this code and every data file; loading it takes a third of
    the time of building it, and spares reading the gazetteer when nothing else needs it."""
    from kg.cache import load_artifact, pipeline_version

    return load_artifact("lexicon-automaton", pipeline_version(), _build_automaton)


def _build_automaton() -> ahocorasick.Automaton:
    entries: dict[str, set[tuple[MentionKind | None, str, int]]] = {}

    def add(surface: str, kind: MentionKind | None, source: str, priority: int) -> None:
        if surface and len(surface) >= 2:
            entries.setdefault(surface, set()).add((kind, source, priority))

    gaz = knowledge.gazetteer()
    for d in gaz.by_code.values():
        if d.level is Level.TOWN:
            if _town_ok(d.name):
                add(d.name, _PLACE, "gaz:town", 3)
        elif d.level is Level.COUNTRY:
            add(d.name, _PLACE, "gaz:country", 4)
            add(d.short, _PLACE, "gaz:country", 4)
        else:
            if _division_ok(d.name):
                add(d.name, _PLACE, "gaz:full", 4)
            if d.level in (Level.PROVINCE, Level.CITY):
                add(d.short, _PLACE, "gaz:short", 2)
    for alias in knowledge.country_aliases():
        add(alias, _PLACE, "gaz:country", 4)
    for row in read_tsv("lexicon/deixis.tsv", ("word", "level")):
        add(row["word"], _PLACE, "deixis", 5)
    for surface in knowledge.national_orgs():
        add(surface, _ORG, "lex:org", 5)
    for surface in knowledge.abbreviations():
        add(surface, _ORG, "lex:abbrev", 5)
    for surface in knowledge.papers():
        add(surface, _ORG, "lex:paper", 5)
    add("本报", _ORG, "lex:paper", 5)
    for surface in knowledge.titles():
        add(surface, MentionKind.TITLE, "lex:title", 5)
    # formulations (四个意识, 雷锋精神) are slogans, not policies: recognised by no rule here
    for surface in knowledge.policy_terms(exclude_kinds=("formulation",)):
        add(surface, MentionKind.POLICY, "lex:policy", 5)
    for phrase in knowledge.generic_phrases():
        add(phrase, None, "generic", 9)
    auto = ahocorasick.Automaton()
    for surface, values in entries.items():
        auto.add_word(surface, (surface, tuple(sorted(values, key=lambda v: (v[1], v[2])))))
    auto.make_automaton()
    return auto


@Language.factory("kg_lexicon", assigns=["doc._.kg_candidates"])
def make_lexicon(nlp: Language, name: str) -> LexiconMatcher:
    """Candidates for every lexicon entry in the text."""
    return LexiconMatcher()


class LexiconMatcher:
    """Finds all (overlapping) lexicon entries in a document."""

    def __init__(self) -> None:
        self.automaton = automaton()

    def __call__(self, doc: Doc) -> Doc:
        found = list(doc._.kg_candidates or [])
        for end, (surface, values) in self.automaton.iter(doc_text(doc)):
            start = end + 1 - len(surface)
            for kind, source, priority in values:
                found.append(Candidate(start, end + 1, kind, source, priority))
        doc._.kg_candidates = found
        return doc
