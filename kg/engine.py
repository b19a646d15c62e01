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
  extract    MAP on the workers, in chunks of ~20k characters (kg.parallel._chunks), in input
             order. Each worker loads the spaCy pipeline once (`_PipelinePlugin`, a WorkerPlugin:
             `load_pipeline` is a per-process cached loader), before the first task; the client
             never loads it. Workers must run the same kg: the client compares every worker's
             `kg.cache.pipeline_version()` (code of kg/extraction, kg/data, model files, library
             versions) with its own and refuses a cluster that differs, since its findings could
             differ. The analysis cache stays on the client (hits never leave it; misses are
             sent out, their results stored as they arrive).
  resolve    NOT partitioned: one global reduce in the client. A shuffle by resolution key
             (name + region) would not give the same graph with today's resolver: an article's
             place context grows with the places resolved in the articles before it
             (kg.resolve.resolve_places, in article id order), a person's scope depends on
             whether the name holds a national post in ANY article (kg.resolve.people.person_scopes),
             and spelling variants, parent bodies and parent places are merged over the whole
             registry. It is cheap next to extraction (~1-2 s per 300k characters).
  link       NOT partitioned: in the client. kg.link.link is per article except for the
             containment and paper edges, which read every article (`_containment`, `_papers`);
             a per-article map would need that split inside kg/link.py. Also ~1-2 s per 300k chars.
  export     in the client, as the single-process build writes it (kg/export.py, kg/store.py).

So the engine distributes the heavy stage; the client's stages bound how far it scales (see
docs/scale.md for the arithmetic, and where the memory of one client runs out).

Why Dask rather than Ray: the tasks are coarse (one ~20k-character chunk, ~1 s of CPU, ~60 kB in
and ~120 kB out), so either scheduler's per-task overhead (~1 ms) is noise; what matters is
loading a 1.2 GB pipeline once per worker, shipping pickled frozen dataclasses, and installing
next to spaCy. Dask's WorkerPlugin is the first; both do the second; distributed and its
dependencies are pure Python but for msgpack and PyYAML (38 MB installed, dask included), while
Ray runs compiled daemons (raylet, GCS server) and a shared-memory object store beside the
workers. That is reasoning, not a measurement: Ray was not installed or measured here.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Sequence

from distributed import WorkerPlugin

from kg.errors import ClusterError
from kg.profile import Profiler
from kg.records import Analysis, Article

log = logging.getLogger(__name__)

ENGINES = ("processes", "dask")
"""`kg build --engine`: worker processes of this machine (kg/parallel.py), or a Dask cluster."""

CONNECT_TIMEOUT = 30.0
"""Seconds to wait for the scheduler to answer."""

WORKER_TIMEOUT = 120.0
"""Seconds to wait for a running cluster to have a worker, or for a local cluster's workers to start
(loading the pipeline comes after, without a limit: 6-60 s on a busy machine)."""

PLUGIN_NAME = "kg-pipeline"


class _PipelinePlugin(WorkerPlugin):
    """Loads the extraction pipeline once in each worker process: in the workers running when it is
    registered, and in every worker that joins later, before it takes a task."""

    name = PLUGIN_NAME
    idempotent = True  # registered again by the next build: workers that have it keep their pipeline

    def setup(self, worker) -> None:
        from kg.extraction import load_pipeline

        load_pipeline()


def _worker_version() -> str:
    from kg.cache import pipeline_version

    return pipeline_version()


def _worker_cpu() -> float:
    """CPU seconds (user + system) this worker process has used."""
    import time

    return time.process_time()


def _worker_peak_rss() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _extract_chunk(articles: Sequence[Article]) -> list[tuple]:
    """Task: the findings of each article (`Analysis.findings`: the client has the articles)."""
    from kg.extraction import extract, load_pipeline

    return [a.findings() for a in extract(articles, load_pipeline())]


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


class DaskEngine:
    """Extraction on a Dask cluster: `scheduler` (an address) or, if None, a local cluster of
    `workers` processes started for the build and closed after it."""

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        worker_timeout: float = WORKER_TIMEOUT,
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
        self.last_worker_cpu: float | None = None
        """CPU seconds the workers spent in the last `extract`, their pipeline load excluded."""

    def where(self) -> str:
        return f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a local Dask cluster"

    def _connect(self):
        """(client, cluster or None), with at least one worker that has loaded the pipeline."""
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            from kg.parallel import default_workers

            n = self.workers or default_workers()
            if not logging.getLogger("distributed").level:  # its INFO lines would bury the build's own
                logging.getLogger("distributed").setLevel(logging.WARNING)
            log.info("starting a local Dask cluster of %d worker processes", n)
            try:
                cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,  # the pipeline runs one document at a time per process
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                )
            except Exception as exc:
                raise ClusterError(f"cannot start a local Dask cluster of {n} workers: {exc}") from exc
            client = Client(cluster, set_as_default=False)
            expected = n
        else:
            log.info("connecting to the Dask scheduler at %s", self.scheduler)
            try:
                client = Client(self.scheduler, timeout=self.connect_timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(f"cannot connect to the Dask scheduler at {self.scheduler}: {exc}") from exc
            cluster, expected = None, 1
        try:
            try:
                client.wait_for_workers(expected, timeout=self.worker_timeout)
            except TimeoutError as exc:
                if cluster is not None:
                    raise ClusterError(
                        f"a local Dask cluster did not start its {expected} worker processes in "
                        f"{self.worker_timeout:.0f} s; out of memory? try fewer --workers"
                    ) from exc
                raise ClusterError(
                    f"{self.where()} has no worker after {self.worker_timeout:.0f} s; start some with "
                    f"`dask worker {self.scheduler}`"
                ) from exc
            # waits until every worker has loaded the pipeline; on a cluster of its own it stays loaded
            try:
                client.register_plugin(_PipelinePlugin(), name=PLUGIN_NAME)
            except Exception as exc:  # e.g. a worker without kg installed cannot unpickle the plugin
                raise ClusterError(
                    f"the workers of {self.where()} cannot load kg's extraction pipeline: {type(exc).__name__}: {exc}"
                ) from exc
            self._check_versions(client)
        except BaseException:
            client.close()
            if cluster is not None:
                cluster.close()
            raise
        return client, cluster

    def _check_versions(self, client) -> None:
        from kg.cache import pipeline_version

        ours = pipeline_version()
        theirs = client.run(_worker_version)
        other = {addr: v for addr, v in theirs.items() if v != ours}
        if other:
            addr, version = sorted(other.items())[0]
            raise ClusterError(
                f"{len(other)} of {len(theirs)} workers of {self.where()} run another kg pipeline than this "
                f"client (e.g. {addr}: version {version[:12]}, here {ours[:12]}): their findings could differ; "
                "install the same kg, data and pinned libraries on every worker"
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
        number of workers and the largest worker's peak resident memory (bytes, None if unknown)."""
        from distributed import KilledWorker, as_completed
        from distributed.client import FutureCancelledError

        from kg.parallel import _bar, _chunks

        started = time.perf_counter()
        if profiler is not None:
            with profiler.stage("start cluster"):
                client, cluster = self._connect()
        else:
            client, cluster = self._connect()
        try:
            n_workers = len(client.scheduler_info(n_workers=-1)["workers"])
            log.info("%s ready: %d workers, %.1f s", self.where(), n_workers, time.perf_counter() - started)
            ranges = _chunks(len(articles), [len(a.text) for a in articles], n_workers)
            cpu_before = client.run(_worker_cpu)
            futures = {
                client.submit(_extract_chunk, list(articles[start:end]), pure=False): (start, end)
                for start, end in ranges
            }
            found: dict[int, Analysis] = {}
            with _bar(len(articles), progress) as bar:
                try:
                    for future, chunk in as_completed(futures, with_results=True, loop=client.loop):
                        start, _ = futures[future]
                        for i, findings in enumerate(chunk, start=start):
                            found[i] = Analysis.of(articles[i], findings)
                            keep(found[i])
                        bar.update(len(chunk))
                except (OSError, FutureCancelledError) as exc:
                    raise ClusterError(f"{self.where()} failed during extraction: {exc}") from exc
                except KilledWorker as exc:
                    raise ClusterError(
                        f"a worker of {self.where()} died extracting articles ({exc}); out of memory? "
                        "Each worker needs ~1.2 GB for the pipeline"
                    ) from exc
            cpu_after = client.run(_worker_cpu)
            self.last_worker_cpu = sum(cpu - cpu_before.get(addr, 0.0) for addr, cpu in cpu_after.items())
            peaks = [p for p in client.run(_worker_peak_rss).values() if p]
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return [found[i] for i in range(len(articles))], n_workers, max(peaks) if peaks else None
