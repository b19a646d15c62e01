#!/usr/bin/env python3
"""Benchmark of the engines of `kg build`: one process, worker processes, a local Dask cluster.

Builds one corpus (the 300k-character corpus of scripts/bench_build.py, made again unless
--corpus names one) with no analysis cache, each build in a fresh process:

  one process         --workers 1 (the single-process build every other run is compared with)
  processes, N        --workers N (forked worker processes, kg/parallel.py)
  dask, N             --engine dask --workers N (a local Dask cluster started by the build)

and prints, for each: wall time end to end, the extract stage (which includes loading the
pipeline: in this process for one process, before forking for processes; for dask, the time the
build waited for the first worker after ingest, "start cluster": the engine is started before the
build, as `kg build --engine dask` does, so the cluster comes up while the build ingests), the
extract stage without that wait (steady-state extraction: an archive pays the load once per
worker), the characters/s of each, the rest of the build (ingest and every stage after
extraction: the same single-process work in every engine), and the speed-ups over one process.
--rounds R repeats the set R times, alternating the engines, and reports each figure's median.
"CPU s" is the CPU time spent extracting (pipeline loads excluded; this process's share plus the
worker processes'), chars/CPU-s the engine's efficiency, and "all CPU s" the CPU of the build's
process and every worker process over their whole lives (loads, imports, Dask's own threads): on
a machine busy with other work the wall-clock speed-up says more about the other work than about
the engine, the CPU figures less so. For dask it also prints when the first worker was ready,
the tasks (count, size, seconds each), the size of the results, and the workers' CPU split into
starting, tasks and the rest.

Two measurements that pick settings of kg/engine.py instead of timing a build:
  --sweep 2500,10000,40000   CPU per character when the corpus is extracted in tasks of these
                             sizes, in one process (kg.engine.CHUNK_CHARS)
  --overhead                 CPU of the same pure-Python tasks on a local Dask worker with its
                             statistical profiler on and off (kg.engine.LOCAL_WORKER_CONFIG)

Figures, not a test. On a shared machine (this one: 2 cores, several users) they are noisy: the
load average before and after each run is printed with it.

    .venv/bin/python scripts/bench_engine.py [--corpus DIR | --chars 300000] [--workers 2] [--rounds 1]
        [--no-post]   (skip SHACL validation and the page: compare the stages an engine changes)
        [--engines one,processes,dask] [--chunk-chars N]
    .venv/bin/python scripts/bench_engine.py --chars 100000 --sweep 2500,5000,10000,20000,40000
    .venv/bin/python scripts/bench_engine.py --overhead
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_build import CORPORA, DATE, PAPER, make_corpus  # noqa: E402


def _child(args) -> None:
    """One build in this (fresh) process; prints one JSON line."""
    import hashlib
    import resource

    from kg.build import build_graph
    from kg.ingest import MetaOverrides, read_articles
    from kg.profile import Profiler

    def children_cpu():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    overrides = MetaOverrides(paper=PAPER, date=DATE)
    prof = Profiler()
    load = os.getloadavg()[0]
    cc, own = children_cpu(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="dask-bench-out-") as out_dir:
        t = time.perf_counter()
        engine = None
        if args.engine == "dask":  # as `kg build --engine dask` does: started before the build
            from kg.engine import CHUNK_CHARS, DaskEngine

            engine = DaskEngine(workers=args.workers, chunk_chars=args.chunk_chars or CHUNK_CHARS).start()
        try:
            summary = build_graph(
                [args.corpus],
                Path(out_dir),
                overrides=overrides,
                workers=args.workers,
                cache=None,
                profiler=prof,
                engine=engine,
                validate=not args.no_post,
                html=not args.no_post,
            )
        finally:
            if engine is not None:
                engine.close()
        seconds = time.perf_counter() - t
        own = time.process_time() - own
        cc = children_cpu() - cc  # every worker process's whole life (pipeline loads included), once reaped
        digest = (Path(out_dir) / "graph.nt").read_bytes()

    def stage(name):
        return sum(s.seconds for s in prof.stages if s.name == name)

    def cpu(name):
        return sum(s.cpu for s in prof.stages if s.name == name)

    # CPU spent extracting, pipeline loads excluded: this process's share of the extract stage,
    # plus the forked workers' or the Dask workers' CPU (measured in each task)
    steady_cpu = cpu("extract") - cpu("load pipeline") - cpu("start cluster")
    run = engine.last_run if engine is not None else None
    steady_cpu += run.worker_cpu if run is not None else cc

    chars = sum(len(a.text) for a in read_articles([args.corpus], overrides).articles)
    out = {
        "chars": chars,
        "seconds": seconds,
        "extract": stage("extract"),
        "load": stage("load pipeline") + stage("start cluster"),
        "steady_cpu": steady_cpu,
        "total_cpu": own + cc,
        "client_cpu": own,
        "triples": summary.triples,
        "nt_md5": hashlib.md5(digest).hexdigest(),
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "profile": prof.table(),
    }
    if run is not None:
        out["dask"] = {
            "start_seconds": run.start_seconds,
            "waited_seconds": run.waited_seconds,
            "tasks": run.tasks,
            "task_seconds": list(run.task_seconds),
            "result_bytes": run.result_bytes,
            "worker_peak_rss": run.worker_peak_rss,
            "worker_setup_cpu": run.worker_setup_cpu,
            "worker_total_cpu": run.worker_total_cpu,
            "worker_task_cpu": run.worker_cpu,
        }
    print(json.dumps(out))


def _sweep(args) -> None:
    """Task size: in this one process, extraction of the corpus cut into tasks of each size (as
    kg.engine.chunk_ranges cuts it), each size twice, interleaved; CPU seconds per task and per
    character. CPU time, not wall time: the figure that other users of the machine disturb least."""
    from kg.engine import _extract_chunk, chunk_ranges
    from kg.extraction import load_pipeline
    from kg.ingest import MetaOverrides, read_articles

    articles = read_articles([args.corpus], MetaOverrides(paper=PAPER, date=DATE)).articles
    chars = sum(len(a.text) for a in articles)
    sizes = [int(x) for x in args.sweep.split(",")]
    load_pipeline()
    _extract_chunk(articles[:5])  # warm up
    cpu: dict[int, list[float]] = {size: [] for size in sizes}
    tasks: dict[int, int] = {}
    for _ in range(2):
        for size in sizes:
            ranges = chunk_ranges([len(a.text) for a in articles], 1, size)
            tasks[size] = len(ranges)
            c = time.process_time()
            for start, end in ranges:
                _extract_chunk(articles[start:end])
            cpu[size].append(time.process_time() - c)
    print(f"task size sweep, {len(articles)} articles, {chars:,} chars, one process, CPU s (best of 2):")
    for size in sizes:
        best = min(cpu[size])
        print(
            f"  {size:>7,} chars/task: {tasks[size]:>4} tasks, {best / tasks[size]:.3f} CPU s per task, "
            f"{chars / best:,.0f} chars/CPU-s  (runs: {', '.join(f'{c:.1f}' for c in cpu[size])})"
        )


def _busy(n: int) -> float:
    """A pure-Python task (dict and str work): its CPU seconds."""
    c = time.process_time()
    d: dict[int, str] = {}
    acc = 0
    for i in range(n):
        d[i % 1000] = str(i)
        acc += len(d[i % 1000])
    return time.process_time() - c


def _overhead(rounds: int) -> None:
    """What Dask's worker profiler costs: the same tasks on a one-worker local cluster with the
    profiler on (Dask's default) and off (kg.engine.LOCAL_WORKER_CONFIG), alternating; CPU time
    of the tasks (the sampling thread runs in the worker process, so process_time counts it)."""
    import dask
    from distributed import Client, LocalCluster

    got: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for enabled in (True, False):
            with (
                dask.config.set({"distributed.worker.profile.enabled": enabled}),
                LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
                Client(cluster) as client,
            ):
                client.submit(_busy, 10, pure=False).result()
                got[enabled].append(sum(client.gather([client.submit(_busy, 3_000_000, pure=False) for _ in range(8)])))
    on, off = statistics.median(got[True]), statistics.median(got[False])
    print(
        f"the same 8 pure-Python tasks, CPU s (median of {rounds}): worker profiler on {on:.2f}, off {off:.2f} "
        f"({on / off - 1:+.1%}); runs on: {', '.join(f'{x:.2f}' for x in got[True])}; "
        f"off: {', '.join(f'{x:.2f}' for x in got[False])}"
    )


def _run(label: str, corpus: Path, engine: str, workers: int, no_post: bool, chunk_chars: int | None) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, "--corpus", str(corpus), "--workers", str(workers)]
    if no_post:
        cmd.append("--no-post")
    if chunk_chars:
        cmd += ["--chunk-chars", str(chunk_chars)]
    print(f"... {label}", file=sys.stderr, flush=True)
    run = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if run.returncode != 0:
        sys.exit(f"{label} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="a folder of articles (default: make one of --chars characters)")
    ap.add_argument("--chars", type=int, default=300_000, help="size of the corpus made (default 300000)")
    ap.add_argument("--workers", type=int, default=2, help="workers of the parallel engines (default 2)")
    ap.add_argument("--rounds", type=int, default=1, help="repeat the set this often; medians (default 1)")
    ap.add_argument("--no-post", action="store_true", help="no SHACL validation, no page")
    ap.add_argument("--engines", default="one,processes,dask", help="which runs (default one,processes,dask)")
    ap.add_argument("--chunk-chars", type=int, help="characters per Dask task (default kg.engine.CHUNK_CHARS)")
    ap.add_argument(
        "--sweep", metavar="SIZES", help="instead: CPU per task for these task sizes, e.g. 2500,10000,40000"
    )
    ap.add_argument("--overhead", action="store_true", help="instead: CPU cost of Dask's worker profiler")
    ap.add_argument("--child", choices=("processes", "dask"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.engine = args.child
        _child(args)
        return

    if args.overhead:
        _overhead(max(3, args.rounds))
        return
    tmp = None
    corpus = args.corpus
    if corpus is None:
        tmp = tempfile.TemporaryDirectory(prefix="dask-bench-corpus-")
        corpus = Path(tmp.name)
        make_corpus(corpus, args.chars, corpora=CORPORA)
    if args.sweep:
        args.corpus = corpus
        _sweep(args)
        return
    w = args.workers
    plan = {
        "one": ("one process", "processes", 1),
        "processes": (f"processes, {w} workers", "processes", w),
        "dask": (f"dask, {w} local workers", "dask", w),
    }
    wanted = [k for k in args.engines.split(",") if k]
    runs: dict[str, list[dict]] = {k: [] for k in wanted}
    for _ in range(args.rounds):
        for key in wanted:
            label, engine, workers = plan[key]
            runs[key].append(_run(label, corpus, engine, workers, args.no_post, args.chunk_chars))
    if tmp is not None:
        tmp.cleanup()

    def med(key, f):
        return statistics.median(f(r) for r in runs[key])

    first = next(iter(runs.values()))[0]
    chars = first["chars"]
    print(
        f"corpus {corpus}: {chars:,} characters; {args.rounds} round(s); "
        f"{'no SHACL, no page' if args.no_post else 'all formats, SHACL, page'}; no analysis cache"
    )
    head = ("run", "wall s", "chars/s", "extract s", "load s", "steady s", "chars/s", "CPU s", "chars/CPU-s")
    print(
        f"{head[0]:<24} {head[1]:>7} {head[2]:>8} {head[3]:>9} {head[4]:>7} {head[5]:>8} {head[6]:>8} "
        f"{head[7]:>7} {head[8]:>11} {'rest s':>7} {'all CPU s':>9}  load avg"
    )
    for key in wanted:
        wall, ext, load = (
            med(key, lambda r: r["seconds"]),
            med(key, lambda r: r["extract"]),
            med(key, lambda r: r["load"]),
        )
        steady = ext - load
        steady_cpu = med(key, lambda r: r["steady_cpu"])
        rest = med(key, lambda r: r["seconds"] - r["extract"])
        all_cpu = med(key, lambda r: r["total_cpu"])
        loads = ", ".join(f"{r['load_before']:.1f}->{r['load_after']:.1f}" for r in runs[key])
        print(
            f"{plan[key][0]:<24} {wall:7.1f} {chars / wall:8,.0f} {ext:9.1f} {load:7.1f} {steady:8.1f} "
            f"{chars / steady:8,.0f} {steady_cpu:7.1f} {chars / steady_cpu:11,.0f} {rest:7.1f} {all_cpu:9.1f}  {loads}"
        )
    print(
        "(load s: pipeline load, or the wait for the first Dask worker; steady = extract - load; CPU s: "
        "extraction CPU, loads excluded; rest s: ingest and every stage after extraction; all CPU s: the "
        "build's process and all its worker processes, whole life, loads included)"
    )
    if "one" in runs:
        base = runs["one"]
        for key in wanted:
            if key == "one":
                continue
            ratios = [
                med("one", f) / med(key, f)
                for f in (
                    lambda r: r["seconds"],
                    lambda r: r["extract"],
                    lambda r: r["extract"] - r["load"],
                )
            ]
            print(
                f"speed-up {plan[key][0]:<22} end to end {ratios[0]:.2f}  extract stage {ratios[1]:.2f}  "
                f"steady-state extraction {ratios[2]:.2f}"
            )
        same = {r["nt_md5"] for rs in runs.values() for r in rs}
        print(
            f"graph.nt identical across all runs: {'yes' if len(same) == 1 else 'NO'} "
            f"({', '.join(sorted(same))}); {base[0]['triples']:,} triples"
        )
    print("each round (wall s / extract s / load s / CPU s / all CPU s):")
    for key in wanted:
        rounds = "; ".join(
            f"{r['seconds']:.1f} / {r['extract']:.1f} / {r['load']:.1f} / {r['steady_cpu']:.1f} / {r['total_cpu']:.1f}"
            for r in runs[key]
        )
        print(f"  {plan[key][0]:<22} {rounds}")
    for key in wanted:
        for r in runs[key]:
            d = r.get("dask")
            if not d:
                continue
            ts = sorted(d["task_seconds"])
            print(
                f"  {plan[key][0]}: first worker ready {d['start_seconds']:.1f} s after the engine started, "
                f"{d['waited_seconds']:.1f} s of it waited for after ingest; {d['tasks']} tasks of "
                f"{chars / d['tasks']:,.0f} chars, {statistics.median(ts):.2f} s each (median; "
                f"{ts[0]:.2f}-{ts[-1]:.2f}); results {d['result_bytes'] / 2**20:.1f} MB pickled "
                f"({d['result_bytes'] / chars:.1f} bytes/char); largest worker peak RSS "
                f"{(d['worker_peak_rss'] or 0) / 2**20:,.0f} MB; workers' CPU s: "
                f"{d['worker_setup_cpu'] or 0:.1f} starting and loading, {d['worker_task_cpu']:.1f} in tasks, "
                f"{d['worker_total_cpu'] - (d['worker_setup_cpu'] or 0) - d['worker_task_cpu']:.1f} else; "
                f"the client {r['client_cpu']:.1f}"
            )
    for key in wanted:
        print(f"profile, {plan[key][0]} (last round):")
        print(runs[key][-1]["profile"])


if __name__ == "__main__":
    main()
