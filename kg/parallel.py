"""Extraction on every core: Articles -> Analyses in worker processes, with the analysis cache.

`analyse` is the one entry point `kg build` uses. It takes what the cache (kg/cache.py) already
holds, extracts the rest - in one process for one worker, else in a pool of worker processes -
stores the new results, and returns one Analysis per article in input order, so the output never
depends on scheduling or on how many workers ran. `kg build` gives it an `Extractor`: a process
forked when the build starts, which loads the pipeline while the build reads its input and the
cache, then extracts (or forks the workers); the build's own process never loads the pipeline.

Workers are started with `fork` where the platform has it, after the process that forks them
(the Extractor's, or this one without it) has loaded the pipeline: each worker inherits it (no
second 6-20 s load) and shares its ~1.2 GB copy-on-write; `load_pipeline` froze the models out
of the garbage collector, so collections in a worker do not touch (and copy) those pages.
Forking a process with threads can deadlock a child that needs a lock another thread held; here
the only other threads at fork time are idle threads of OpenBLAS (which re-initialises itself in
the child through pthread_atfork) and onnxruntime, whose LAC session is configured with one
intra-op and one inter-op thread, so inference runs on the calling thread. Measured on the seeds
x 3 (96k characters, 2 workers, a busy 2-core machine, 2026-12-03): analyses identical to one
process's with either method; fork: 12 s, the two workers together 255 MB of private memory
beside the shared pipeline; spawn: 44 s (each worker loads the pipeline) and 2.1 GB private.
Without `fork` (macOS, Windows) `spawn` is used anyway.

What stays serial is the pipeline's load before the fork (imports, the load cache's tables, one
warm-up sentence that loads numba's compiled code so that no worker does it again: ~3 CPU s,
2026-12-03, was ~8 s), now beside ingestion and the cache's reads. Measured on 300k characters
of corpus text (2026-12-03, a busy machine, CPU seconds): 1 process 20.1 s of extraction after a
3.3 s load; 2 workers 19.9 s in the workers together and 0.14 s in the parent besides its load,
so the workers add no work of their own; what remains between the workers and 2x is the load and
the tail, which the shrinking chunks (`_chunks`) keep short.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from kg.errors import KGError
from kg.profile import Profiler
from kg.records import Analysis, Article

log = logging.getLogger(__name__)

CHUNK_CHARS = 20_000
"""Characters of text sent to a worker at once: big enough for the pipeline's batches, small
enough that the last chunks keep every worker busy."""


MIN_POOL_CHARS = 20_000
"""Less text than this is extracted in this process: starting workers would cost more than it saves
(a rebuild after adding a few articles, a single page)."""


def default_workers() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class AnalyseStats:
    """What `analyse` did."""

    articles: int
    """Articles analysed (cached or extracted)."""
    cached: int
    """Articles whose analysis came from the cache."""
    extracted: int
    """Articles run through the pipeline."""
    workers: int
    """Processes that extracted (1: this one, or the build's extraction process)."""
    worker_peak_rss: int | None = None
    """Largest peak resident memory of a process that extracted other than this one, bytes
    (None if only this one did)."""


def _chunks(n_items: int, sizes: Sequence[int], workers: int) -> list[tuple[int, int]]:
    """Consecutive [start, end) ranges, largest first: each about a third of what is left per
    worker (at most CHUNK_CHARS, at least MIN_CHUNK_CHARS), so the chunks shrink towards the
    end and the workers run out of text at about the same time."""
    remaining = sum(sizes)
    ranges, start, acc = [], 0, 0
    target = _chunk_target(remaining, workers)
    for i, size in enumerate(sizes):
        acc += size
        if acc >= target:
            ranges.append((start, i + 1))
            remaining -= acc
            start, acc = i + 1, 0
            target = _chunk_target(remaining, workers)
    if start < n_items:
        ranges.append((start, n_items))
    return ranges


MIN_CHUNK_CHARS = 2_000
"""The smallest chunk (but for the last): a worker's fixed cost per chunk stays negligible."""


def _chunk_target(remaining: int, workers: int) -> int:
    return max(1, min(CHUNK_CHARS, max(MIN_CHUNK_CHARS, remaining // (workers * 3))))


def _extract_chunk(articles: Sequence[Article]) -> list[tuple]:
    """Worker task: the findings of each article (`Analysis.findings`: the parent has the articles)."""
    from kg.extraction import extract, load_pipeline

    return [a.findings() for a in extract(articles, load_pipeline())]


def _load_in_worker() -> None:
    from kg.extraction import load_pipeline

    load_pipeline()


def _load(profiler: Profiler | None):
    """The pipeline; its first load (imports included) is a stage of its own in the profile."""
    import sys

    loaded = "kg.extraction" in sys.modules and sys.modules["kg.extraction"].load_pipeline.cache_info().currsize
    if profiler is None or loaded:
        from kg.extraction import load_pipeline

        return load_pipeline()
    with profiler.stage("load pipeline"):
        from kg.extraction import load_pipeline

        return load_pipeline()


def _start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _extract_in_pool(
    articles: Sequence[Article],
    workers: int,
    progress: bool,
    profiler: Profiler | None,
    keep: Callable[[Analysis], None],
) -> tuple[list[Analysis], int | None]:
    method = _start_method()
    if method == "fork":
        _load(profiler)  # before forking: the workers inherit it
    ctx = multiprocessing.get_context(method)
    ranges = _chunks(len(articles), [len(a.text) for a in articles], workers)
    results: list[Analysis] = []
    log.info("extracting %d articles in %d %s-started worker processes", len(articles), workers, method)
    initializer = None if method == "fork" else _load_in_worker
    try:
        # concurrent.futures, not multiprocessing.Pool: a worker killed (say by the OOM killer)
        # breaks the pool with an error instead of leaving the build waiting forever
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=initializer) as pool:
            jobs = [(pool.submit(_extract_chunk, articles[start:end]), start) for start, end in ranges]
            # the bar (and its monitor thread) only after the workers are forked
            with _bar(len(articles), progress) as bar:
                for job, start in jobs:  # in submission order, whichever worker finishes first
                    for i, findings in enumerate(job.result(), start=start):
                        results.append(Analysis.of(articles[i], findings))
                        keep(results[-1])
                        bar.update(1)
    except BrokenProcessPool as exc:
        raise KGError(
            f"an extraction worker process died ({exc}); out of memory? Each worker needs ~0.3-1.2 GB: "
            f"try fewer --workers than {workers}"
        ) from exc
    return results, _children_peak_rss()


class Extractor:
    """The pipeline in a process of its own, loading from the start of the build.

    `kg build` starts it (`Extractor.start`) before it reads its input, so loading the pipeline
    (~4 CPU s) runs on another core beside ingestion and the analysis cache's reads; `analyse`
    then hands it the articles the cache does not hold. It extracts them itself (one worker, or
    less than MIN_POOL_CHARS of text) or forks the workers from itself, after its load, as the
    build did from its own process before; each article's findings come back pickled, as the
    cache stores them. The build's process never loads the pipeline: its memory stays that of the
    records (the pipeline's ~1.2 GB go when this process ends, before resolution), and a rebuild
    whose articles are all cached stops it unused. Only where processes can be forked."""

    def __init__(self, meanwhile: Callable[[], object] | None = None) -> None:
        """`meanwhile`: work of the build's later stages to do while waiting for the load, if
        there is a wait (the build gives the resolver's gazetteer)."""
        self._meanwhile = meanwhile
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child, self._conn), name="kg-extract", daemon=False)
        self._process.start()
        child.close()
        self._started = time.perf_counter()
        self._state = "loading"  # -> idle (loaded) -> busy (a job sent) -> idle -> closed
        self.load_cpu = self.load_seconds = 0.0

    @classmethod
    def start(cls, meanwhile: Callable[[], object] | None = None) -> Extractor | None:
        """An Extractor where processes can be forked, else None (`analyse` loads it in this process)."""
        from kg.background import can_fork

        return cls(meanwhile) if _start_method() == "fork" and can_fork() else None

    def _died(self) -> KGError:
        """The error of a process that ended under the build (its pipe broke)."""
        self._process.join(5)
        return KGError(
            f"the extraction process died (exit code {self._process.exitcode}); out of memory? "
            "Loading the pipeline takes ~1.2 GB"
        )

    def _receive(self) -> tuple:
        try:
            message = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        if message[0] == "error":
            error = message[1]
            if not isinstance(error, KGError):  # (its traceback stayed in that process)
                raise KGError(f"extraction failed: {error!r}") from error
            raise error
        return message

    def _wait_loaded(self, profiler: Profiler | None) -> None:
        """Wait until the pipeline is loaded: profiled as the stage `load pipeline`, whose time
        is the wait, with a note of what the load took in its own process."""
        if self._state != "loading":
            return
        with profiler.stage("load pipeline") if profiler else contextlib.nullcontext():
            if self._meanwhile is not None and not self._conn.poll():
                self._meanwhile()
            _, self.load_cpu, self.load_seconds = self._receive()
            if profiler is not None:
                profiler.note(
                    "load pipeline",
                    f"waited for; loaded in a process started with the build: {self.load_cpu:.1f} CPU s, "
                    f"{self.load_seconds:.1f} s",
                )
        self._state = "idle"

    def extract(
        self,
        articles: Sequence[Article],
        workers: int,
        progress: bool,
        profiler: Profiler | None,
        keep: Callable[..., None],
    ) -> tuple[list[Analysis], int, int | None]:
        """The analyses of `articles` in order, extracted in that process (or `workers` forked from
        it); `keep(analysis, payload)` is called as each arrives. Returns them, the processes that
        extracted and the largest peak memory of one (bytes)."""
        self._wait_loaded(profiler)
        used = workers if workers > 1 and sum(len(a.text) for a in articles) >= MIN_POOL_CHARS else 1
        try:
            self._conn.send(("extract", list(articles), used))
        except OSError as exc:  # it died after loading (the pipe is broken)
            raise self._died() from exc
        self._state = "busy"
        results: list[Analysis | None] = [None] * len(articles)
        with _bar(len(articles), progress) as bar:
            while True:
                message = self._receive()
                if message[0] == "done":
                    break
                _, i, payload = message
                results[i] = Analysis.of(articles[i], pickle.loads(payload))
                keep(results[i], payload)
                bar.update(1)
        self._state = "idle"
        return results, used, message[1]

    def close(self) -> None:
        """Stop the process: at once if it is still loading or extracting, else when it reads this."""
        if self._state == "closed":
            return
        with contextlib.suppress(OSError):
            self._conn.send(None)
        if self._state != "idle":
            self._process.terminate()  # its SIGTERM handler exits cleanly (see _serve)
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()
        self._state = "closed"

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _terminated(signum, frame) -> None:
    raise SystemExit(0)  # unwinds: a load-cache file being written is removed, workers stopped


def _serve(conn, parent_end) -> None:
    """The Extractor's process: load the pipeline, say so, then extract the one job it is sent
    (or nothing: None) and end. Each article's findings are sent pickled as they are done."""
    import signal

    parent_end.close()  # so that the parent's end closing (even kill -9) ends recv() with EOFError
    signal.signal(signal.SIGTERM, _terminated)
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        gc.disable()  # importing the pipeline's modules too (see load_pipeline)
        from kg.extraction import extract, load_pipeline

        nlp = load_pipeline()
        gc.enable()
        conn.send(("loaded", time.process_time() - cpu, time.perf_counter() - wall))
        job = conn.recv()
        if job is None:
            return
        _, articles, workers = job
        if workers == 1:
            for i, analysis in enumerate(extract(articles, nlp)):
                conn.send(("found", i, pickle.dumps(analysis.findings(), protocol=5)))
            peak = _peak_rss()
        else:
            _serve_pool(conn, articles, workers)
            peak = _children_peak_rss()
        conn.send(("done", peak))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):  # the build is gone, or interrupted with us
        return
    except Exception as exc:  # sent to the build, which raises it
        try:
            pickle.dumps(exc)
        except Exception:
            exc = KGError(f"extraction failed: {exc!r}")
        with contextlib.suppress(Exception):
            conn.send(("error", exc))
    finally:
        conn.close()


def _serve_pool(conn, articles: Sequence[Article], workers: int) -> None:
    """Extract `articles` in `workers` processes forked from this one (the pipeline is loaded)."""
    ctx = multiprocessing.get_context("fork")
    ranges = _chunks(len(articles), [len(a.text) for a in articles], workers)
    log.info("extracting %d articles in %d fork-started worker processes", len(articles), workers)
    # the workers do not inherit this process's SIGTERM handler: a SystemExit raised in a task is
    # caught by concurrent.futures' worker loop, which would go on to the next chunk
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_default_sigterm)
    try:
        jobs = [(pool.submit(_extract_chunk_pickled, articles[start:end]), start) for start, end in ranges]
        for job, start in jobs:  # in submission order, whichever worker finishes first
            for i, payload in enumerate(job.result(), start=start):
                conn.send(("found", i, payload))
    except BrokenProcessPool as exc:
        raise KGError(
            f"an extraction worker process died ({exc}); out of memory? Each worker needs ~0.3-1.2 GB: "
            f"try fewer --workers than {workers}"
        ) from exc
    except BaseException:  # stopped (SIGTERM), or the build went away: no waiting for the workers
        for child in multiprocessing.active_children():
            child.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _default_sigterm() -> None:
    """In an extraction worker: SIGTERM ends the process (the default), whatever it inherited."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _extract_chunk_pickled(articles: Sequence[Article]) -> list[bytes]:
    """Worker task: each article's findings, pickled as the analysis cache keeps them."""
    return [pickle.dumps(findings, protocol=5) for findings in _extract_chunk(articles)]


def _peak_rss() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


PROGRESS_LOG_SECONDS = 30.0
"""Without a progress bar (not a terminal), a progress log line this often."""


class _ProgressLog:
    """Stands in for the bar when there is no terminal: an INFO line every PROGRESS_LOG_SECONDS."""

    def __init__(self, total: int, clock=time.perf_counter):
        self.total, self.n, self.clock = total, 0, clock
        self.started = self.last = clock()

    def update(self, n: int) -> None:
        self.n += n
        now = self.clock()
        if now - self.last >= PROGRESS_LOG_SECONDS and self.n < self.total:
            self.last = now
            rate = self.n / (now - self.started)
            log.info(
                "extracted %d of %d articles, %.1f articles/s, about %.0f s to go",
                self.n,
                self.total,
                rate,
                (self.total - self.n) / rate,
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _bar(total: int, progress: bool):
    """A progress bar (articles/s, ETA) on a terminal, else periodic log lines."""
    if not progress:
        return _ProgressLog(total)
    from tqdm import tqdm

    return tqdm(total=total, desc="extract", unit="article", smoothing=0.1)


def _children_peak_rss() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return None
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def analyse(
    articles: Sequence[Article],
    *,
    workers: int = 1,
    cache=None,
    progress: bool = False,
    profiler: Profiler | None = None,
    engine=None,
    extractor: Extractor | None = None,
) -> tuple[list[Analysis], AnalyseStats]:
    """One Analysis per article, in the order given, using `cache` (a kg.cache.AnalysisCache or
    None) and `workers` processes for the articles it does not hold - or `engine` (a
    kg.engine.DaskEngine: a cluster's workers) if given; `extractor` (an Extractor, loading the
    pipeline since the build started) extracts them if given, else this process does (and forks
    the workers); `progress` shows a bar (articles/s, ETA) over the articles extracted;
    `profiler` gets a note on the extract stage."""
    if workers < 1:
        raise KGError(f"--workers must be at least 1, not {workers}")
    found: dict[int, Analysis] = {}
    if cache is not None:
        for i, article in enumerate(articles):
            hit = cache.get(article)
            if hit is not None:
                found[i] = hit
    missing = [a for i, a in enumerate(articles) if i not in found]
    used = min(workers, len(missing))
    # stored as they come, so an interrupted build keeps what it extracted
    keep = cache.put if cache is not None else (lambda analysis, payload=None: None)
    peak = None
    if not missing:
        fresh: list[Analysis] = []
    elif engine is not None:  # whatever the size: the user asked for the cluster
        fresh, used, peak = engine.extract(missing, progress=progress, profiler=profiler, keep=keep)
    elif extractor is not None:
        fresh, used, peak = extractor.extract(missing, used, progress, profiler, keep)
    elif used <= 1 or sum(len(a.text) for a in missing) < MIN_POOL_CHARS:
        from kg.extraction import extract

        used = 1
        nlp = _load(profiler)
        with _bar(len(missing), progress) as bar:
            fresh = []
            for analysis in extract(missing, nlp):
                fresh.append(analysis)
                keep(analysis)
                bar.update(1)
    else:
        fresh, peak = _extract_in_pool(missing, used, progress, profiler, keep)
    it = iter(fresh)
    ordered = [found[i] if i in found else next(it) for i in range(len(articles))]
    stats = AnalyseStats(len(articles), len(found), len(missing), used, peak)
    log.info("analysed %d articles: %d from the cache, %d extracted", len(articles), len(found), len(missing))
    if profiler is not None:
        chars = sum(len(a.text) for a in missing)
        by = f"{used} Dask worker(s)" if engine is not None and missing else f"{used} process(es)"
        note = f"{len(found)} cached, {len(missing)} ({chars:,} chars) extracted by {by}"
        if peak:
            note += f"; largest worker peak RSS {peak / 2**20:,.0f} MB"
        if engine is not None and getattr(engine, "last_worker_cpu", None) is not None and missing:
            note += f"; {engine.last_worker_cpu:.1f} CPU s in the workers"
        profiler.note("extract", note)
    return ordered, stats
