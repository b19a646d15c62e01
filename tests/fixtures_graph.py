"""Shared fixtures for the query and serve tests: the seeds graph and its SPARQL store.

Import them explicitly in a test module (`from fixtures_graph import seeds_graph_fixture`); pytest
then offers them to that module's tests under their fixture names (`seeds_graph`, `seeds_store`).
They reuse conftest's session build of the seeds (the full extraction pipeline, ≈10 s, paid once
per run), so tests that use them are marked slow.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import GraphStore, open_store


@pytest.fixture(scope="session", name="seeds_graph")
def seeds_graph_fixture(seed_build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seeds' graph.nt in its own session temp dir (its store goes beside it)."""
    out, summary = seed_build
    assert not summary.failures, summary.failures
    graph = tmp_path_factory.mktemp("sparql") / "graph.nt"
    shutil.copyfile(out / "graph.nt", graph)
    return graph


@pytest.fixture(scope="session", name="seeds_store")
def seeds_store_fixture(seeds_graph: Path) -> Iterator[GraphStore]:
    """The seeds graph loaded into its store (store/ beside graph.nt), open read-only."""
    gs = open_store(seeds_graph)
    yield gs
    gs.close()
