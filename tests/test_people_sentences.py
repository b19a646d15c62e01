"""The people side (posts, chair, attendance) on real People's Daily sentences, through every
stage (ingest, the language pipeline, resolution, linking): tests/data/people_sentences.tsv."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "scripts"))


def _split(cell: str) -> list[str]:
    return [e.strip() for e in cell.split(" ; ") if e.strip()]


def _rows() -> list[tuple[str, str, list[str], list[str]]]:
    rows = []
    for line in (HERE / "data" / "people_sentences.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("headline\t"):
            continue
        headline, sentence, expected, absent = (line.split("\t") + ["", ""])[:4]
        rows.append((headline, sentence, _split(expected), _split(absent)))
    return rows


ROWS = _rows()


def _edge(rel: str, s: str, o: str, title: str) -> str:
    return f"{rel}:{o}" if rel in ("attended", "chaired") else f"{rel}:{s}:{o}:{title}"


@pytest.fixture(scope="module")
def read(nlp):
    from people_sentences import people_edges

    def run(headline: str, sentence: str) -> set[str]:
        (got,) = people_edges([sentence], None, nlp, headline)
        return {_edge(*e) for e in got}

    return run


@pytest.mark.slow
@pytest.mark.parametrize(("headline", "sentence", "expected", "absent"), ROWS, ids=[r[1][:12] for r in ROWS])
def test_people_edges_of_a_real_sentence(read, headline, sentence, expected, absent):
    got = read(headline, sentence)
    assert not [e for e in expected if e not in got], f"missing from {sorted(got)}"
    assert not [e for e in absent if e in got]


def test_the_table_is_well_formed():
    assert len(ROWS) >= 12
    for _, sentence, expected, absent in ROWS:
        assert sentence and (expected or absent)
        for edge in expected + absent:
            rel = edge.split(":", 1)[0]
            assert rel in ("holds_post", "attended", "chaired"), edge
            assert edge.count(":") == (3 if rel == "holds_post" else 1), edge
