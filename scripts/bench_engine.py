#!/usr/bin/env python3
"""Benchmark of the engines of `kg build`: one process, worker processes, a local Dask cluster.

Builds one corpus (the 300k-character corpus of scripts/bench_build.py, made again unless
--corpus names one) with no analysis cache, each build in a fresh process:

  one process         --workers 1 (the single-process build every other run is compared with)
  processes, N        --workers N (forked worker processes, kg/parallel.py)
  dask, N             --engine dask --workers N (a local Dask cluster started by the build)

and prints, for each: wall time end to end, the extract stage (which includes loading the
pipeline: in this process for one process, before forking for processes, in every worker in
parallel for dask, counted under "start cluster" with the cluster's start), the extract stage
without that load (steady-state extraction: an archive pays the load once per worker), the
characters/s of each, and the speed-ups over one process. --rounds R repeats the set R times,
alternating the engines, and reports each figure's median. "CPU s" is the CPU time spent
extracting (pipeline loads excluded; this process's share plus the worker processes'), and
chars/CPU-s the engine's efficiency: on a machine busy with other work the wall-clock speed-up
says more about the other work than about the engine, the CPU figures less so.

Figures, not a test. On a shared machine (this one: 2 cores, several users) they are noisy: the
load average before and after each run is printed with it.

    .venv/bin/python scripts/bench_engine.py [--corpus DIR | --chars 300000] [--workers 2] [--rounds 1]
        [--no-post]   (skip SHACL validation and the page: compare the stages an engine changes)
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
    from kg.build import build_graph
    from kg.ingest import MetaOverrides, read_articles
    from kg.profile import Profiler

    overrides = MetaOverrides(paper=PAPER, date=DATE)
    engine = None
    if args.engine == "dask":
        from kg.engine import DaskEngine

        engine = DaskEngine(workers=args.workers)
    import resource

    def children_cpu():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    prof = Profiler()
    load = os.getloadavg()[0]
    cc = children_cpu()
    with tempfile.TemporaryDirectory(prefix="dask-bench-out-") as out_dir:
        t = time.perf_counter()
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
        seconds = time.perf_counter() - t
        cc = children_cpu() - cc  # forked extraction workers (processes engine)
        digest = (Path(out_dir) / "graph.nt").read_bytes()
    import hashlib

    def stage(name):
        return sum(s.seconds for s in prof.stages if s.name == name)

    def cpu(name):
        return sum(s.cpu for s in prof.stages if s.name == name)

    # CPU spent extracting, pipeline loads excluded: this process's share of the extract stage,
    # plus the forked workers' or the Dask workers' CPU
    steady_cpu = cpu("extract") - cpu("load pipeline") - cpu("start cluster")
    if engine is not None:  # not the reaped children's CPU: that is the Dask workers' whole life, load included
        steady_cpu += engine.last_worker_cpu or 0.0
    else:
        steady_cpu += cc

    chars = sum(len(a.text) for a in read_articles([args.corpus], overrides).articles)
    out = {
        "chars": chars,
        "seconds": seconds,
        "extract": stage("extract"),
        "load": stage("load pipeline") + stage("start cluster"),
        "steady_cpu": steady_cpu,
        "triples": summary.triples,
        "nt_md5": hashlib.md5(digest).hexdigest(),
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "profile": prof.table(),
    }
    print(json.dumps(out))


def _run(label: str, corpus: Path, engine: str, workers: int, no_post: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, "--corpus", str(corpus), "--workers", str(workers)]
    if no_post:
        cmd.append("--no-post")
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
    ap.add_argument("--child", choices=("processes", "dask"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.engine = args.child
        _child(args)
        return

    tmp = None
    corpus = args.corpus
    if corpus is None:
        tmp = tempfile.TemporaryDirectory(prefix="dask-bench-corpus-")
        corpus = Path(tmp.name)
        make_corpus(corpus, args.chars, corpora=CORPORA)
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
            runs[key].append(_run(label, corpus, engine, workers, args.no_post))
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
        f"{head[7]:>7} {head[8]:>11}  load avg"
    )
    for key in wanted:
        wall, ext, load = (
            med(key, lambda r: r["seconds"]),
            med(key, lambda r: r["extract"]),
            med(key, lambda r: r["load"]),
        )
        steady = ext - load
        steady_cpu = med(key, lambda r: r["steady_cpu"])
        loads = ", ".join(f"{r['load_before']:.1f}->{r['load_after']:.1f}" for r in runs[key])
        print(
            f"{plan[key][0]:<24} {wall:7.1f} {chars / wall:8,.0f} {ext:9.1f} {load:7.1f} {steady:8.1f} "
            f"{chars / steady:8,.0f} {steady_cpu:7.1f} {chars / steady_cpu:11,.0f}  {loads}"
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
    print("each round (wall s / extract s / load s / CPU s):")
    for key in wanted:
        rounds = "; ".join(
            f"{r['seconds']:.1f} / {r['extract']:.1f} / {r['load']:.1f} / {r['steady_cpu']:.1f}" for r in runs[key]
        )
        print(f"  {plan[key][0]:<22} {rounds}")
    for key in wanted:
        print(f"profile, {plan[key][0]} (last round):")
        print(runs[key][-1]["profile"])


if __name__ == "__main__":
    main()
