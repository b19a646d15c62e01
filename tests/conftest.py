"""Shared fixtures. Slow fixtures (the spaCy pipeline, a full build of the seeds) are
session-scoped so that each is paid once per test run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session", autouse=True)
def _private_cache_home(tmp_path_factory):
    """`kg build` keeps an analysis cache in $XDG_CACHE_HOME/kg: tests use their own, not the user's."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_ingest():
    from kg.ingest import read_articles

    return read_articles([SEEDS])


@pytest.fixture(scope="session")
def nlp():
    from kg.extraction import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """A full build of seeds/ (no HTML, no SHACL: those have their own tests)."""
    from kg.build import build_graph

    out = tmp_path_factory.mktemp("seed-build")
    summary = build_graph([SEEDS], out, validate=False, html=False)
    return out, summary


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable copy of seeds/ (with its metadata sidecar)."""
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """A headless Chromium (tests/browser.py) shared by a browser test module."""
    from browser import chrome

    browser = chrome(tmp_path_factory.mktemp("chromium-profile"), logs=True)
    yield browser
    browser.quit()
