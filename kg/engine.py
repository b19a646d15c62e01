"""Extraction on a Dask cluster: `kg build --engine dask [--scheduler ADDRESS]`.

The engine runs the map of a build - extraction, the stage that costs CPU in proportion to the
text (one core extracts ~20-30k characters/s) - on the workers of a Dask distributed cluster:
an existing one (`--scheduler tcp://HOST:8786`) or, without an address, a local cluster of
`--workers` processes (one thread each) that this build starts and stops. Everything else is the
single-process build of kg/build.py, unchanged, so the output is the same file, byte for byte
(tests/test_engine.py builds the seeds both ways on 2 local workers).

What is partitioned, and what is not (honestly):

  ingest     in the client. Reading text is cheap (hundreds of MB/s), but it is not a per-file
             map: an article continued on another page is joined across files, and an input's
             name is the shortest path that tells it apart from the other inputs.
  extract    MAP on the workers, in tasks of ~CHUNK_CHARS characters (consecutive articles), in input
             order. `start()` brings the cluster up in a background thread (`kg build` calls it
             before ingest), so that it starts while the client reads the input and the cache.
             A local cluster starts its workers without waiting for them; each loads the
             pipeline as it starts (`_PipelinePlugin`, a WorkerPlugin: `load_pipeline` is a
             per-process cached loader), the worker processes side by side, and the tasks go
             to the first worker ready. On a running cluster the plugin loads it in every worker
             there and in every worker that joins later. The client never loads it. Workers
             must run the same kg: every task compares its worker's `kg.cache.pipeline_version()`
             (code of kg/extraction, kg/data, model files, library versions) with the client's
             and fails, naming the worker, if they differ - a worker that joins while the build
             runs is checked like the first ones (on a running cluster the workers there are also
             checked at connect time, before any work). The analysis cache stays on the client
             (hits never leave it; misses are sent out, their results stored as they arrive).
             A task returns its findings pickled (a few bytes per character of text) with the
             CPU time it took.
  resolve    NOT partitioned: one global reduce in the client. A shuffle by resolution key
             (name + region) would not give the same graph with today's resolver: an article's
             place context grows with the places resolved in the articles before it
             (kg.resolve.resolve_places, in article id order), a person's scope depends on
             whether the name holds a national post in ANY article (kg.resolve.people.person_scopes),
             and spelling variants, parent bodies and parent places are merged over the whole
             registry. It is cheap next to extraction (~1-2 s per 300k characters).
  link       NOT partitioned: in the client. kg.link.link is per article except for the
             containment and paper edges, which read every article (`_containment`, `_papers`);
             a per-article map would need that split inside kg/link/. Also ~1-2 s per 300k chars.
  export     in the client, as the single-process build writes it (kg/export.py, kg/store.py).
             The build closes the engine after linking, and `close()` ends the last thread
             distributed leaves in the client (its offload executor's), so the page, the
             Turtle/JSON-LD writers and the validation batches run in forked processes beside
             the client's export, as in the process build (kg.background), not one after another.

So the engine distributes the heavy stage; the client's stages bound how far it scales (see
docs/scale.md for the arithmetic, and where the memory of one client runs out).

Why Dask rather than Ray: the tasks are coarse (one ~10k-character task, ~0.6 s of CPU, ~30 kB in
and ~60 kB out), so either scheduler's per-task overhead (~1 ms) is noise; what matters is
loading a 1.2 GB pipeline once per worker, shipping pickled frozen dataclasses, and installing
next to spaCy. Dask's WorkerPlugin is the first; both do the second; distributed and its
dependencies are pure Python but for msgpack and PyYAML (38 MB installed, dask included), while
Ray runs compiled daemons (raylet, GCS server) and a shared-memory object store beside the
workers. That is reasoning, not a measurement: Ray was not installed or measured here.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import pickle
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kg.errors import ClusterError
from kg.profile import Profiler
from kg.records import Analysis, Article

log = logging.getLogger(__name__)

ENGINES = ("processes", "dask")
"""`kg build --engine`: worker processes of this machine (kg/parallel.py), or a Dask cluster."""

CONNECT_TIMEOUT = 30.0
"""Seconds to wait for the scheduler to answer."""

WORKER_TIMEOUT = 300.0
"""Seconds to wait for the first worker: on a running cluster, for one to be there; on a local
cluster, for one to start and load the pipeline (6-60 s on a busy machine)."""

CHUNK_CHARS = 10_000
"""Characters of text in one task: ~0.6 s of CPU, ~60 kB of results. Measured on 100k characters
(scripts/bench_engine.py --sweep, one process, busy machine): CPU per character the same within
the noise (+-10 %) for tasks of 2.5k to 40k characters, so no per-task cost to amortise beyond
Dask's ~1 ms; small tasks keep both workers busy to the end and let the first worker ready start
while the second loads."""

WORKER_POLL = 2.0
"""Seconds between looks at a local cluster's worker processes while waiting for the first."""

PLUGIN_NAME = "kg-pipeline"

LOCAL_WORKER_CONFIG = {
    "distributed": {
        # the statistical profiler samples every running task's stack every 10 ms, for the dashboard:
        # measured here, ~10 % more CPU for the same pure-Python task (scripts/bench_engine.py --overhead)
        "worker": {"profile": {"enabled": False}, "memory": {"monitor-interval": "1s"}},
        "admin": {"system-monitor": {"interval": "2s"}},
    }
}
"""Dask settings of the workers of a local cluster (a running cluster keeps its own)."""


def _local_worker_config() -> dict:
    """Dask's whole configuration with LOCAL_WORKER_CONFIG over it: a Nanny replaces each top-level
    section it is given (a shallow merge), so a section of a few keys would lose the rest."""
    import dask.config

    return dask.config.merge(dask.config.config, LOCAL_WORKER_CONFIG)


class PipelineMismatch(Exception):
    """Raised by a task on a worker whose pipeline version is not the client's."""

    def __init__(self, address: str, version: str):
        super().__init__(address, version)
        self.address, self.version = address, version

    def __str__(self) -> str:
        return f"worker {self.address} runs pipeline version {self.version[:12]}"


class PipelineLoadError(Exception):
    """Raised by a task on a worker that cannot load the extraction pipeline."""

    def __init__(self, address: str, cause: str):
        super().__init__(address, cause)
        self.address, self.cause = address, cause

    def __str__(self) -> str:
        return f"worker {self.address}: {self.cause}"


def _load_pipeline():
    from kg.extraction import load_pipeline

    return load_pipeline()


@functools.cache
def _own_version() -> str:
    from kg.cache import pipeline_version

    return pipeline_version()


def _worker_version() -> str:
    """This process's pipeline version (kg.cache.pipeline_version: code of kg/extraction, kg/data,
    model files, library versions), computed once."""
    return _own_version()


_SETUP_CPU: list[float] = []  # this worker's CPU seconds when its pipeline was loaded


def _preload() -> None:
    """Worker plugin body: the pipeline and the version, before the first task. A failure is
    logged, not raised: the worker's tasks raise it, and the client names the worker."""
    try:
        _load_pipeline()
        _worker_version()
    except Exception:
        log.exception("kg: this worker cannot load the extraction pipeline")
    _SETUP_CPU.append(time.process_time())


def _worker_cpu() -> tuple[float | None, float]:
    """CPU seconds of this worker process: when its plugin had loaded the pipeline, and now."""
    return (_SETUP_CPU[-1] if _SETUP_CPU else None), time.process_time()


def _plugin_class():
    from distributed import WorkerPlugin

    class _PipelinePlugin(WorkerPlugin):
        """Loads the extraction pipeline once in each worker process: on a local cluster as the
        worker starts, before it joins; on a running cluster in the workers there when it is
        registered, and in every worker that joins later."""

        name = PLUGIN_NAME
        idempotent = True  # registered again by the next build: workers that have it keep their pipeline

        def setup(self, worker) -> None:
            _preload()

    _PipelinePlugin.__module__ = __name__
    _PipelinePlugin.__qualname__ = "_PipelinePlugin"
    return _PipelinePlugin


def _plugin():
    """A new plugin. Its class subclasses distributed's WorkerPlugin, so it is made on first use:
    importing this module does not import distributed (1-3 s), which `start()` does in the background."""
    cls = globals().get("_PipelinePlugin")
    if cls is None:
        cls = globals()["_PipelinePlugin"] = _plugin_class()
    return cls()


def __getattr__(name: str):
    if name == "_PipelinePlugin":  # unpickling the plugin in a worker; tests
        return type(_plugin())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except ValueError:  # pragma: no cover - not in a worker
        return "?"


def _worker_peak_rss() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _extract_chunk(articles: Sequence[Article]) -> list[tuple]:
    """The findings of each article (`Analysis.findings`: the client has the articles)."""
    from kg.extraction import extract

    return [a.findings() for a in extract(articles, _load_pipeline())]


def _task(articles: Sequence[Article], expected: str) -> tuple[bytes, float, float]:
    """One task: checks this worker's pipeline version against the client's (`expected`) - every
    task, so a worker that joined after the build started is checked like the first ones - then
    (the findings of each article, pickled; CPU seconds; wall seconds) of the extraction."""
    version = _worker_version()
    if version != expected:
        raise PipelineMismatch(_worker_address(), version)
    try:
        _load_pipeline()
    except Exception as exc:
        raise PipelineLoadError(_worker_address(), f"{type(exc).__name__}: {exc}") from None
    cpu, wall = time.process_time(), time.perf_counter()
    findings = pickle.dumps(_extract_chunk(articles), protocol=pickle.HIGHEST_PROTOCOL)
    return findings, time.process_time() - cpu, time.perf_counter() - wall


def chunk_ranges(sizes: Sequence[int], workers: int, target: int | None = None) -> list[tuple[int, int]]:
    """Consecutive [start, end) ranges of articles of about `target` (CHUNK_CHARS) characters each,
    smaller for small inputs so that every worker gets four or more."""
    target = CHUNK_CHARS if target is None else target
    target = max(1, min(target, sum(sizes) // (4 * max(1, workers))))
    ranges, start, acc = [], 0, 0
    for i, size in enumerate(sizes):
        acc += size
        if acc >= target:
            ranges.append((start, i + 1))
            start, acc = i + 1, 0
    if start < len(sizes):
        ranges.append((start, len(sizes)))
    return ranges


def check_address(address: str, timeout: float = CONNECT_TIMEOUT) -> str:
    """`address` as Dask writes it (tcp://HOST:PORT), once it parses and, for tcp, a connection to
    it opens; else a ClusterError naming it and why."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import get_address_host_port, normalize_address

    help_ = "give the address of a running `dask scheduler`, e.g. tcp://10.0.0.5:8786, or no --scheduler"
    try:
        scheme, _ = parse_address(address)
        host, port = get_address_host_port(address)
        address = normalize_address(address)
    except (ValueError, TypeError) as exc:
        raise ClusterError(f"--scheduler {address!r} is not a Dask scheduler address ({exc}); {help_}") from exc
    if not 0 < int(port) < 65536:
        raise ClusterError(f"--scheduler {address!r}: port {port} is not between 1 and 65535; {help_}")
    if scheme == "tcp":  # a plain socket first: a refused or unknown host fails now, not after the timeout
        try:
            socket.create_connection((host, int(port)), timeout=timeout).close()
        except OSError as exc:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}; is it running, "
                f"and is port {port} open from here? ({help_})"
            ) from exc
    return address


@dataclass(frozen=True)
class EngineRun:
    """What the last `DaskEngine.extract` did, for the profile and the benchmark."""

    workers: int
    """Workers that had joined the cluster when the last result came."""
    tasks: int
    """Tasks (chunks of articles) sent."""
    start_seconds: float
    """From `start()` to the first worker ready (scheduler up, worker started, pipeline loaded)."""
    waited_seconds: float
    """Of that, the time `extract` waited (the rest overlapped the client's ingest and cache)."""
    worker_cpu: float
    """CPU seconds the workers spent extracting (pipeline loads excluded)."""
    task_seconds: tuple[float, ...]
    """Wall time of each task in its worker, in input order."""
    result_bytes: int
    """Size of the results sent back (pickled findings)."""
    worker_peak_rss: int | None
    """Largest peak resident memory of a worker, bytes."""
    worker_setup_cpu: float | None
    """CPU seconds the workers spent up to a loaded pipeline (start, imports, load), all together."""
    worker_total_cpu: float
    """CPU seconds of the worker processes' whole life up to the last result, all together."""


def _all_failed(cluster) -> bool:
    """Every worker (nanny) a local cluster was asked for has started and closed again."""
    from distributed.core import Status

    nannies = list(cluster.workers.values())
    return len(nannies) >= len(cluster.worker_spec) > 0 and all(
        n.status in (Status.closing, Status.closed, Status.failed) for n in nannies
    )


class _Background:
    """`work()` in a daemon thread; `result()` waits for it and returns or raises what it did."""

    def __init__(self, name: str, work: Callable[[], object]):
        self.started = time.perf_counter()
        self._outcome: object = None
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _run(self, work) -> None:
        try:
            self._outcome = work()
        except BaseException as exc:  # raised again by `result`, in the thread that needs it
            self._outcome = exc

    def outcome(self) -> object:
        """What `work()` returned or raised, once it has."""
        self._thread.join()
        return self._outcome

    def result(self):
        outcome = self.outcome()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _stop_offload_thread() -> None:
    """Once no client or cluster runs in this process, end the one thread distributed keeps after
    them: its offload executor's ('Dask-Offload_0', a module global of distributed.utils that
    `Client.close` leaves running). With it gone the client process has one thread again, so
    `kg build` forks the page, the writers and the validation workers after a Dask extraction as
    after its own (kg.background.can_fork; measured on the 300k corpus, 2026-12-03: the stages
    after extraction 19 s inline against ~10 s forked). The executor is replaced by a new one,
    whose thread starts only when something is offloaded again (a later Client, another build)."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    utils = sys.modules.get("distributed.utils")
    executor = getattr(utils, "_offload_executor", None)
    if not isinstance(executor, ThreadPoolExecutor):
        return
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if not others or any(not t.name.startswith("Dask-Offload") for t in others):
        return  # nothing to stop, or a client (its IO loop) still runs here: it needs the executor
    utils._offload_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="Dask-Offload")
    executor.shutdown(wait=True)


class DaskEngine:
    """Extraction on a Dask cluster: `scheduler` (an address) or, if None, a local cluster of
    `workers` processes started for the build and closed after it.

    `start()` connects (or starts the local cluster) in a background thread and returns at once,
    so that the cluster comes up while the client reads the input and the cache; `extract` waits
    for it only as long as it must; `close()` stops what `start()` started (also a context manager).
    """

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        worker_timeout: float = WORKER_TIMEOUT,
        chunk_chars: int = CHUNK_CHARS,
    ):
        if scheduler is not None and workers is not None:
            raise ClusterError(
                f"--workers {workers} sets the size of a local cluster; the cluster at {scheduler} has its own "
                "workers (start more with `dask worker`): give one or the other"
            )
        if workers is not None and workers < 1:
            raise ClusterError(f"--workers must be at least 1, not {workers}")
        if scheduler is not None:  # now, before a long ingest
            scheduler = check_address(scheduler, connect_timeout)
        self.scheduler = scheduler
        self.workers = workers
        self.connect_timeout = connect_timeout
        self.worker_timeout = worker_timeout
        self.chunk_chars = chunk_chars
        self.last_run: EngineRun | None = None
        """What the last `extract` did."""
        self._starting: _Background | None = None  # -> (client, cluster or None, version, workers expected)
        self._closing: list[_Background] = []

    @property
    def last_worker_cpu(self) -> float | None:
        """CPU seconds the workers spent in the last `extract`, their pipeline load excluded."""
        return self.last_run.worker_cpu if self.last_run else None

    def where(self) -> str:
        return f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a local Dask cluster"

    def start(self) -> DaskEngine:
        """Start connecting (or starting a local cluster) in the background; returns self."""
        if self._starting is None:
            self._starting = _Background("kg-dask-start", self._connect)
        return self

    def __enter__(self) -> DaskEngine:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _ready(self) -> tuple:
        """(client, cluster or None, the client's pipeline version, workers expected)."""
        return self.start()._starting.result()

    def close(self, wait: bool = True) -> None:
        """Close the client and stop a local cluster (after a start in progress); a later
        `extract` starts again. `wait=False` does it in a background thread (stopping the workers
        of a local cluster takes a second or more) that the next `close()` waits for."""
        starting, self._starting = self._starting, None
        if starting is not None:

            def stop() -> None:
                outcome = starting.outcome()
                if isinstance(outcome, tuple):
                    client, cluster = outcome[:2]
                    client.close()
                    if cluster is not None:
                        cluster.close()

            self._closing.append(_Background("kg-dask-close", stop))
        if wait:
            while self._closing:
                self._closing.pop().result()
            _stop_offload_thread()

    def _connect(self) -> tuple:
        from distributed import Client, LocalCluster

        from kg.cache import pipeline_version

        version = pipeline_version()
        if self.scheduler is None:
            from kg.parallel import default_workers

            n = self.workers or default_workers()
            if not logging.getLogger("distributed").level:  # its INFO lines would bury the build's own
                logging.getLogger("distributed").setLevel(logging.WARNING)
            log.info("starting a local Dask cluster of %d worker processes", n)
            try:
                # no workers yet: `scale` starts them without waiting, each loads the pipeline (the
                # plugin, before it joins) and takes tasks as soon as it has
                cluster = LocalCluster(
                    n_workers=0,
                    threads_per_worker=1,  # the pipeline runs one document at a time per process
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                    plugins=(_plugin(),),
                    config=_local_worker_config(),
                )
                cluster.scale(n)
            except Exception as exc:
                raise ClusterError(f"cannot start a local Dask cluster of {n} workers: {exc}") from exc
            return Client(cluster, set_as_default=False), cluster, version, n
        log.info("connecting to the Dask scheduler at %s", self.scheduler)
        try:
            client = Client(self.scheduler, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot connect to the Dask scheduler at {self.scheduler}: {exc}") from exc
        try:
            self._wait_for_a_worker(client, None)
            # loads the pipeline in every worker there now (in parallel), and in those that join later
            try:
                client.register_plugin(_plugin(), name=PLUGIN_NAME)
            except Exception as exc:  # e.g. a worker without kg installed cannot unpickle the plugin
                raise ClusterError(
                    f"the workers of {self.where()} cannot load kg's extraction pipeline: {type(exc).__name__}: {exc}"
                ) from exc
            # the workers there now, at once; every task checks its worker again (late joiners)
            self._check_versions(client, version)
        except BaseException:
            client.close()
            raise
        return client, None, version, len(client.scheduler_info(n_workers=-1)["workers"])

    def _wait_for_a_worker(self, client, cluster) -> None:
        """Until one worker has joined; a ClusterError after `worker_timeout`, or at once when every
        worker process of a local cluster has failed to start."""
        deadline = time.monotonic() + self.worker_timeout
        while True:
            try:
                client.wait_for_workers(1, timeout=max(0.1, min(WORKER_POLL, deadline - time.monotonic())))
                return
            except TimeoutError as exc:
                if cluster is not None and _all_failed(cluster):
                    raise ClusterError(
                        "the worker processes of a local Dask cluster failed to start (their error is in the "
                        "log above); is kg installed for this Python, and is there memory for them?"
                    ) from exc
                if time.monotonic() < deadline:
                    continue
                if cluster is not None:
                    raise ClusterError(
                        f"no worker of a local Dask cluster started and loaded the pipeline in "
                        f"{self.worker_timeout:.0f} s; out of memory? try fewer --workers"
                    ) from exc
                raise ClusterError(
                    f"{self.where()} has no worker after {self.worker_timeout:.0f} s; start some with "
                    f"`dask worker {self.scheduler}`"
                ) from exc

    def _check_versions(self, client, ours: str) -> None:
        theirs = client.run(_worker_version)
        other = {addr: v for addr, v in theirs.items() if v != ours}
        if other:
            addr, version = sorted(other.items())[0]
            raise ClusterError(self._mismatch(f"{len(other)} of {len(theirs)} workers", addr, version, ours))

    def _mismatch(self, who: str, addr: str, version: str, ours: str) -> str:
        return (
            f"{who} of {self.where()} run another kg pipeline than this client (e.g. {addr}: version "
            f"{version[:12]}, here {ours[:12]}): their findings could differ; install the same kg, data "
            "and pinned libraries on every worker"
        )

    def extract(
        self,
        articles: Sequence[Article],
        *,
        progress: bool = False,
        profiler: Profiler | None = None,
        keep: Callable[[Analysis], None] = lambda analysis: None,
    ) -> tuple[list[Analysis], int, int | None]:
        """One Analysis per article in input order, `keep` called on each as it arrives; also the
        number of workers and the largest worker's peak resident memory (bytes, None if unknown).
        Closes the engine at the end (stops a local cluster in the background: `close()` waits)."""
        from distributed import KilledWorker, as_completed
        from distributed.client import FutureCancelledError

        from kg.parallel import _bar

        try:
            waited = time.perf_counter()
            with profiler.stage("start cluster") if profiler is not None else contextlib.nullcontext():
                starting = self.start()._starting
                client, cluster, version, expected = starting.result()
                ranges = chunk_ranges([len(a.text) for a in articles], expected, self.chunk_chars)
                futures = {
                    client.submit(_task, list(articles[start:end]), version, pure=False): (start, end)
                    for start, end in ranges
                }
                self._wait_for_a_worker(client, cluster)
                now = time.perf_counter()
                start_seconds, waited = now - starting.started, now - waited
                if profiler is not None:
                    profiler.note(
                        "start cluster",
                        f"first worker ready {start_seconds:.1f} s after the engine started; {len(ranges)} tasks",
                    )
            log.info("%s ready after %.1f s (%.1f s of it waited for)", self.where(), start_seconds, waited)
            found: dict[int, Analysis] = {}
            cpu, seconds, size = 0.0, {}, 0
            with _bar(len(articles), progress) as bar:
                try:
                    for future, (payload, task_cpu, task_wall) in as_completed(
                        futures, with_results=True, loop=client.loop
                    ):
                        start, end = futures[future]
                        cpu, seconds[start], size = cpu + task_cpu, task_wall, size + len(payload)
                        for i, findings in enumerate(pickle.loads(payload), start=start):
                            found[i] = Analysis.of(articles[i], findings)
                            keep(found[i])
                        bar.update(end - start)
                except PipelineMismatch as exc:
                    raise ClusterError(self._mismatch("a worker", exc.address, exc.version, version)) from None
                except PipelineLoadError as exc:
                    raise ClusterError(
                        f"a worker of {self.where()} cannot load kg's extraction pipeline ({exc})"
                    ) from None
                except (OSError, FutureCancelledError) as exc:
                    raise ClusterError(f"{self.where()} failed during extraction: {exc}") from exc
                except KilledWorker as exc:
                    raise ClusterError(
                        f"a worker of {self.where()} died extracting articles ({exc}); out of memory? "
                        "Each worker needs ~1.2 GB for the pipeline"
                    ) from exc
            n_workers = len(client.scheduler_info(n_workers=-1)["workers"])
            peaks = [p for p in client.run(_worker_peak_rss).values() if p]
            cpus = list(client.run(_worker_cpu).values())
        except BaseException:
            self.close()
            raise
        self.close(wait=False)  # the client goes on (resolves) while the workers stop
        peak = max(peaks) if peaks else None
        setup = [c[0] for c in cpus if c[0] is not None]
        self.last_run = EngineRun(
            n_workers,
            len(ranges),
            start_seconds,
            waited,
            cpu,
            tuple(seconds[s] for s, _ in ranges),
            size,
            peak,
            sum(setup) if len(setup) == len(cpus) else None,
            sum(c[1] for c in cpus),
        )
        return [found[i] for i in range(len(articles))], n_workers, peak
