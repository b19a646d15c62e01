"""Extraction in worker processes: the same analyses, in the same order, as one process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.parallel import _chunks, analyse, default_workers


def test_chunks_cover_every_article_once_in_order():
    sizes = [5_000, 120, 30_000, 800, 800, 19_000, 1, 7_000]
    for workers in (1, 2, 3, 8):
        ranges = _chunks(len(sizes), sizes, workers)
        assert [i for start, end in ranges for i in range(start, end)] == list(range(len(sizes)))
        assert all(end > start for start, end in ranges)
    even = [1_000] * 40
    assert len(_chunks(len(even), even, 2)) >= 4  # several chunks per worker keep both busy to the end


def test_workers_default_to_the_cores_this_process_may_use():
    assert default_workers() >= 1


def test_zero_workers_is_refused():
    with pytest.raises(KGError, match="at least 1"):
        analyse([], workers=0)


@pytest.mark.slow
def test_two_workers_find_what_one_process_finds(seed_ingest, nlp):
    from kg.extraction import extract

    articles = seed_ingest.articles
    one = list(extract(articles, nlp))
    two, stats = analyse(articles, workers=2)
    assert stats.workers == 2 and stats.extracted == len(articles)
    assert two == one


@pytest.mark.slow
def test_a_build_with_two_workers_is_byte_identical_to_one(seed_build, seeds_dir, tmp_path):
    from kg.build import build_graph

    one, _ = seed_build  # one worker, no cache
    summary = build_graph([seeds_dir], tmp_path, workers=2, validate=False, html=False)
    assert summary.cached == 0
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        assert (tmp_path / name).read_bytes() == (one / name).read_bytes(), name


def _die(articles):
    os._exit(9)  # as if the OOM killer took the worker


def test_a_worker_that_dies_is_a_clear_error_not_a_hang(monkeypatch):
    from records_helper import P, analysis

    from kg import parallel
    from kg.errors import KGError

    monkeypatch.setattr(parallel, "_extract_chunk", _die)
    monkeypatch.setattr(parallel, "_load", lambda profiler: None)
    articles = [
        analysis(f"记者王笑梅报道{i}。" * 400, [("王笑梅", P)], article_id=f"p/{i:02d}").article for i in range(8)
    ]
    assert sum(len(a.text) for a in articles) > parallel.MIN_POOL_CHARS
    with pytest.raises(KGError, match="worker process died.*fewer --workers"):
        analyse(articles, workers=2)


def test_without_a_terminal_progress_is_logged(caplog):
    import logging

    from kg import parallel

    assert isinstance(parallel._bar(100, progress=False), parallel._ProgressLog)
    clock = iter([0.0, 10.0, 40.0, 45.0]).__next__
    with caplog.at_level(logging.INFO, logger="kg.parallel"), parallel._ProgressLog(100, clock) as bar:
        bar.update(10)  # t=10: too soon
        bar.update(30)  # t=40: 40 articles in 40 s
        bar.update(10)  # t=45: too soon after the last line
    assert caplog.messages == ["extracted 40 of 100 articles, 1.0 articles/s, about 60 s to go"]


def test_a_few_articles_are_extracted_without_starting_workers(monkeypatch):
    from records_helper import P, analysis

    from kg import parallel

    monkeypatch.setattr(parallel, "_extract_in_pool", lambda *a: pytest.fail("workers started for a few articles"))
    monkeypatch.setattr(parallel, "_load", lambda profiler: None)
    found = analysis("记者王笑梅报道。", [("王笑梅", P)])
    monkeypatch.setattr("kg.extraction.extract", lambda articles, nlp: iter([found]))
    analyses, stats = analyse([found.article], workers=2)
    assert analyses == [found] and stats.workers == 1


def _fake_pipeline(monkeypatch, found, load=lambda: "nlp"):
    """kg.extraction as the forked extraction process will see it: no model, canned findings."""
    by_id = {a.article.id: a for a in found}
    monkeypatch.setattr("kg.extraction.load_pipeline", load)
    monkeypatch.setattr("kg.extraction.extract", lambda articles, nlp: (by_id[a.id] for a in articles))


@pytest.mark.parametrize("workers", [1, 2])
def test_the_extraction_process_extracts_what_the_cache_lacks(tmp_path, monkeypatch, workers):
    from records_helper import P, analysis

    from kg import parallel
    from kg.cache import AnalysisCache
    from kg.profile import Profiler

    found = [analysis(f"记者王笑梅报道{i}。" * 400, [("王笑梅", P)], article_id=f"p/{i:02d}") for i in range(8)]
    assert sum(len(a.article.text) for a in found) > parallel.MIN_POOL_CHARS  # 2 workers: a pool
    _fake_pipeline(monkeypatch, found)
    cache = AnalysisCache(tmp_path)
    cache.put(found[3])
    prof = Profiler()
    with parallel.Extractor() as extractor, prof.stage("extract"):
        analyses, stats = analyse(
            [a.article for a in found], workers=workers, cache=cache, extractor=extractor, profiler=prof
        )
    assert analyses == found
    assert (stats.cached, stats.extracted, stats.workers) == (1, 7, workers)
    assert [AnalysisCache(tmp_path).get(a.article) for a in found] == found  # stored as they came
    assert any(s.name == "load pipeline" for s in prof.stages)


def _broken_lexicon():
    from kg.errors import DataFileError

    raise DataFileError("kg/data/lexicon/titles.tsv:3: 2 columns, expected 3")


def test_an_error_loading_the_pipeline_in_its_process_is_the_builds_error(monkeypatch):
    from records_helper import P, analysis

    from kg import parallel
    from kg.errors import DataFileError

    found = analysis("记者王笑梅报道。", [("王笑梅", P)])
    _fake_pipeline(monkeypatch, [found], load=_broken_lexicon)
    with parallel.Extractor() as extractor, pytest.raises(DataFileError, match="titles.tsv:3"):
        analyse([found.article], extractor=extractor)


def _slow_load():
    import time

    Path(os.environ["KG_TEST_LOADING"]).touch()  # loading: its SIGTERM handler is in place
    time.sleep(60)


def test_an_unused_extraction_process_is_stopped_while_it_loads(monkeypatch, tmp_path):
    import time

    from kg import parallel

    monkeypatch.setenv("KG_TEST_LOADING", str(tmp_path / "loading"))
    monkeypatch.setattr("kg.extraction.load_pipeline", _slow_load)
    extractor = parallel.Extractor()
    while not (tmp_path / "loading").exists():
        time.sleep(0.05)
    started = time.perf_counter()
    extractor.close()
    assert time.perf_counter() - started < 10
    assert extractor._process.exitcode == 0  # ended by its SIGTERM handler, cleanly


def _hanging_extract(articles, nlp):
    import time

    (Path(os.environ["KG_TEST_BUSY"]) / str(os.getpid())).touch()  # a worker, busy
    time.sleep(60)
    return iter(())


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended


@pytest.mark.slow
def test_stopping_a_busy_extraction_stops_its_workers(monkeypatch, tmp_path):
    """The workers forked from the extraction process do not inherit its SIGTERM handler (a
    SystemExit raised in a task is caught by concurrent.futures' worker loop, which goes on with
    the next chunk): stopping the build mid-extraction leaves no worker running."""
    import threading
    import time

    from records_helper import P, analysis

    from kg import parallel

    found = [analysis(f"记者王笑梅报道{i}。" * 400, [("王笑梅", P)], article_id=f"p/{i:02d}") for i in range(8)]
    monkeypatch.setenv("KG_TEST_BUSY", str(tmp_path))
    monkeypatch.setattr("kg.extraction.load_pipeline", lambda: "nlp")
    monkeypatch.setattr("kg.extraction.extract", _hanging_extract)
    extractor = parallel.Extractor()
    errors = []

    def run():
        try:
            analyse([a.article for a in found], workers=2, extractor=extractor)
        except Exception as exc:  # the process was stopped under it
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert len(workers) == 2
    extractor.close()
    thread.join(30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]
