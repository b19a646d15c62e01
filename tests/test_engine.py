"""kg build --engine dask: extraction on a Dask cluster gives the single-process build's output,
byte for byte; bad or unreachable schedulers are clear errors naming the address."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.engine import DaskEngine, check_address
from kg.errors import ClusterError

distributed = pytest.importorskip("distributed")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("nonsense", "missing port"),
        ("foo://10.0.0.5:8786", "unknown address scheme"),
        ("tcp://127.0.0.1:notaport", "not a Dask scheduler address"),
        ("tcp://127.0.0.1:99999", "not between 1 and 65535"),
        ("", "missing port"),
    ],
)
def test_a_malformed_scheduler_address_is_refused_by_name(address, why):
    with pytest.raises(ClusterError, match=why) as err:
        check_address(address)
    assert repr(address) in str(err.value)


def test_an_unreachable_scheduler_is_a_clear_error_at_once():
    address = f"tcp://127.0.0.1:{_closed_port()}"
    with pytest.raises(ClusterError, match=f"cannot reach the Dask scheduler at {address}: .*refused"):
        DaskEngine(address, connect_timeout=5)


def test_an_unknown_host_is_named():
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://no-such-host.invalid:8786"):
        DaskEngine("no-such-host.invalid:8786", connect_timeout=5)


def test_workers_and_a_scheduler_exclude_each_other():
    with pytest.raises(ClusterError, match="--workers 2 sets the size of a local cluster"):
        DaskEngine("tcp://127.0.0.1:8786", 2)


def test_cli_reports_a_bad_scheduler_without_a_traceback(tmp_path):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    result = CliRunner().invoke(
        cli, ["build", "seeds", "--out", str(tmp_path / "o"), "--engine", "dask", "--scheduler", address]
    )
    assert result.exit_code == 2
    assert f"error: cannot reach the Dask scheduler at {address}" in result.output
    assert "Traceback" not in result.output


def test_cli_scheduler_needs_the_dask_engine(tmp_path):
    result = CliRunner().invoke(
        cli, ["build", "seeds", "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:8786"]
    )
    assert result.exit_code == 2
    assert "--scheduler needs --engine dask" in result.output


@pytest.fixture
def no_pipeline(monkeypatch):
    """In-process workers (threads of this process) do not load the 1.2 GB pipeline."""
    from kg import engine

    monkeypatch.setattr(engine, "_load_pipeline", lambda: None)


def _articles():
    """Real sentences (seed 辽宁日报 copy) as five small articles, and what extraction would find."""
    from records_helper import P, T, analysis

    texts = [
        ("省委书记张国清主持会议。", [("省委书记", T), ("张国清", P)]),
        ("省长李乐成出席会议并讲话。", [("省长", T), ("李乐成", P)]),
        ("记者王笑梅报道。", [("王笑梅", P)]),
        ("副省长王健参加活动。", [("副省长", T), ("王健", P)]),
        ("省委副书记胡玉亭主持。", [("省委副书记", T), ("胡玉亭", P)]),
    ]
    return [analysis(text, mentions, article_id=f"p/{i:02d}") for i, (text, mentions) in enumerate(texts)]


def test_a_scheduler_without_workers_is_named(no_pipeline):
    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        eng = DaskEngine(cluster.scheduler_address, worker_timeout=2)
        with pytest.raises(ClusterError, match=f"the Dask scheduler at {cluster.scheduler_address} has no worker"):
            eng.extract([a.article for a in _articles()])


def test_workers_that_cannot_load_the_pipeline_are_a_clear_error(monkeypatch):
    """The plugin's failure is logged in the worker; its first task names it and the worker."""
    from kg import engine

    def missing():
        raise ModuleNotFoundError("No module named 'spacy_pkuseg'")

    monkeypatch.setattr(engine, "_load_pipeline", missing)
    with distributed.LocalCluster(n_workers=1, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        eng = DaskEngine(cluster.scheduler_address)
        with pytest.raises(
            ClusterError,
            match=r"cannot load kg's extraction pipeline \(worker tcp://.*ModuleNotFoundError.*spacy_pkuseg",
        ):
            eng.extract([a.article for a in _articles()])


def test_workers_running_another_kg_are_refused(no_pipeline, monkeypatch):
    from kg import engine

    monkeypatch.setattr(engine, "_worker_version", lambda: "0" * 64)
    with distributed.LocalCluster(n_workers=1, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        eng = DaskEngine(cluster.scheduler_address)
        with pytest.raises(ClusterError, match="1 of 1 workers .* run another kg pipeline"):
            eng.extract([a.article for a in _articles()])


def test_findings_come_back_in_input_order_and_each_is_kept(no_pipeline, monkeypatch):
    """Through a real scheduler and two workers (threads here): chunks finish in any order,
    the analyses are returned in the input's."""
    from kg import engine

    analyses = _articles()
    by_id = {a.article.id: a.findings() for a in analyses}
    monkeypatch.setattr(engine, "_extract_chunk", lambda chunk: [by_id[a.id] for a in chunk])
    kept = []
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        eng = DaskEngine(cluster.scheduler_address, chunk_chars=1)  # one task per article
        got, workers, _ = eng.extract([a.article for a in analyses], keep=kept.append)
    assert got == analyses
    assert workers == 2
    assert sorted(a.article.id for a in kept) == [a.article.id for a in analyses]
    assert eng.last_run.tasks == len(analyses) and len(eng.last_run.task_seconds) == len(analyses)
    assert eng.last_run.result_bytes > 0


def test_a_worker_that_joins_after_the_start_is_checked_too(no_pipeline, monkeypatch):
    """The check at connect time sees worker 0 only; worker 1 joins later, runs another pipeline,
    and its first task is refused with its address, like a worker there from the start."""
    import time

    from kg import cache, engine

    monkeypatch.setattr(cache, "pipeline_version", lambda: "a" * 64)  # the client's

    def name():
        try:
            return distributed.get_worker().name
        except ValueError:
            return 0

    monkeypatch.setattr(engine, "_worker_version", lambda: "a" * 64 if name() == 0 else "b" * 64)
    analyses = _articles()
    by_id = {a.article.id: a.findings() for a in analyses}

    def slow_on_worker_0(chunk):  # so that the late worker takes some of the tasks
        if name() == 0:
            time.sleep(0.5)
        return [by_id[a.id] for a in chunk]

    monkeypatch.setattr(engine, "_extract_chunk", slow_on_worker_0)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        eng = DaskEngine(cluster.scheduler_address, chunk_chars=1).start()
        eng._ready()  # connected; worker 0 checked
        cluster.scale(2)
        with distributed.Client(cluster, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=30)
            late = next(
                w["id"] and addr for addr, w in client.scheduler_info(n_workers=-1)["workers"].items() if w["name"] == 1
            )
        with pytest.raises(
            ClusterError,
            match=f"a worker of .* run another kg pipeline .*{late}: version bbbbbbbbbbbb, here aaaaaaaaaaaa",
        ):
            eng.extract([a.article for a in analyses])


def test_local_workers_get_dask_settings_with_the_profiler_off():
    """A Nanny sets the worker's configuration section by section: each section whole."""
    import dask.config

    from kg.engine import _local_worker_config

    config = _local_worker_config()
    assert config["distributed"]["worker"]["profile"]["enabled"] is False
    for key in ("distributed.admin.event-loop", "distributed.worker.memory.target", "distributed.comm.timeouts"):
        assert dask.config.get(key, config=config) == dask.config.get(key)


@pytest.mark.slow  # spawns a worker process
def test_local_workers_that_fail_to_start_are_an_error_at_once(monkeypatch):
    """Worker processes given a partial Dask configuration die as they start (KeyError
    'event-loop'): the build says so in seconds, not after the 300 s a pipeline load may take."""
    import time

    from kg import engine

    monkeypatch.setattr(engine, "_local_worker_config", lambda: engine.LOCAL_WORKER_CONFIG)
    started = time.perf_counter()
    with pytest.raises(ClusterError, match="worker processes of a local Dask cluster failed to start"):
        DaskEngine(workers=1).extract([a.article for a in _articles()])
    assert time.perf_counter() - started < engine.WORKER_TIMEOUT / 2


def test_chunks_are_consecutive_and_cover_every_article():
    from kg.engine import chunk_ranges

    sizes = [4_000, 7_000, 500, 12_000, 3_000, 3_000, 9_000]
    ranges = chunk_ranges(sizes, workers=1, target=10_000)
    assert ranges == [(0, 2), (2, 4), (4, 7)]
    assert chunk_ranges(sizes, workers=4, target=10_000)[0] == (0, 1)  # small input: 4+ tasks per worker


def test_the_analysis_cache_is_read_before_the_cluster_is_asked(no_pipeline, tmp_path):
    """Cache hits never leave the client: with everything cached the engine is not started."""
    from kg.cache import AnalysisCache
    from kg.parallel import analyse

    analyses = _articles()
    cache = AnalysisCache(tmp_path)
    for a in analyses:
        cache.put(a)

    class Unreachable:
        def extract(self, *args, **kwargs):
            raise AssertionError("the engine was asked for cached articles")

    got, stats = analyse([a.article for a in analyses], cache=cache, engine=Unreachable())
    assert got == analyses and stats.cached == len(analyses)


@pytest.mark.slow
def test_a_local_cluster_of_two_workers_builds_the_same_bytes(seed_build, seeds_dir, tmp_path):
    """The seeds (real articles) through `kg build --engine dask --workers 2`: each worker loads
    the pipeline, the client resolves, links, exports and validates; the files equal the
    one-process build's."""
    one, summary = seed_build  # one process, no cache
    out = tmp_path / "dask"
    args = ["build", str(seeds_dir), "--out", str(out), "--engine", "dask", "--workers", "2"]
    # validated, with the page: after extraction the engine is closed and those stages fork as in
    # the process build (where this process has no other thread)
    result = CliRunner().invoke(cli, [*args, "--no-cache", "--profile"])
    assert result.exit_code == 0, result.output
    assert "extracted by 2 Dask worker(s)" in result.output
    assert f"built {summary.articles} articles" in result.output
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        assert (out / name).read_bytes() == (one / name).read_bytes(), name


def test_a_closed_engine_leaves_no_thread_so_the_build_can_fork_again():
    """distributed runs large messages' (de)serialisation on its offload thread ('Dask-Offload_0'),
    which outlives every client, and a process with threads must not fork (kg.background.can_fork):
    the page, the writers and the validation of a Dask build would run one after another in the
    client. `close()` ends that thread. A real extraction on a cluster of two in-process workers,
    every message offloaded (threshold 1 byte), in a fresh process so that no other test's thread
    is about."""
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    script = textwrap.dedent(
        """
        import sys, threading
        sys.path.insert(0, sys.argv[1])
        from distributed import LocalCluster
        from kg import engine
        from kg.background import can_fork
        from test_engine import _articles

        analyses = _articles()
        by_id = {a.article.id: a.findings() for a in analyses}
        engine._load_pipeline = lambda: None
        engine._extract_chunk = lambda chunk: [by_id[a.id] for a in chunk]
        with LocalCluster(n_workers=2, processes=False, protocol="tcp", dashboard_address=None) as cluster:
            eng = engine.DaskEngine(cluster.scheduler_address, chunk_chars=1)
            got, _, _ = eng.extract([a.article for a in analyses])  # closes in the background
        assert got == analyses
        names = lambda: sorted(t.name for t in threading.enumerate())
        print("before", [n for n in names() if n != "kg-dask-close"])
        eng.close()
        print("after", names(), can_fork())
        """
    )
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__OFFLOAD": "1"}
    tests = str(Path(__file__).parent)
    done = subprocess.run([sys.executable, "-c", script, tests], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.splitlines()[-2:]
    assert before == "before ['Dask-Offload_0', 'MainThread']"  # what the engine has to stop
    assert after == "after ['MainThread'] True"
