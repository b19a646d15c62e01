#!/usr/bin/env python3
"""Benchmark of the extraction stage: characters per second on one core, and peak memory.

Runs the full spaCy pipeline (pkuseg tokenizer, LAC statistical NER, lexicon, rules, span
writer) over the articles of the inputs, pinned to one CPU core, after a warm-up pass.
Prints figures; it is not a test.

    .venv/bin/python scripts/bench_extract.py [INPUT ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", default=["seeds"], help="files or folders (default: seeds)")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes (default 5)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from kg.extraction import extract, load_pipeline
    from kg.ingest import read_articles

    t0 = time.perf_counter()
    nlp = load_pipeline()
    load_s = time.perf_counter() - t0
    articles = read_articles([Path(p) for p in args.inputs]).articles
    chars = sum(len(a.text) for a in articles)
    list(extract(articles, nlp))  # warm-up
    times, cpu = [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        list(extract(articles, nlp))
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    best, median = min(times), statistics.median(times)
    cpu_median = statistics.median(cpu)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles            {len(articles)}")
    print(f"characters          {chars}")
    print(f"pipeline load       {load_s:.1f} s")
    print(f"extraction median   {median:.2f} s  -> {chars / median:,.0f} chars/s on 1 core")
    print(f"extraction best     {best:.2f} s  -> {chars / best:,.0f} chars/s on 1 core")
    # CPU time leaves out what a virtual machine's host takes (steal), which wall time counts
    print(f"CPU time median     {cpu_median:.2f} s  -> {chars / cpu_median:,.0f} chars/s of CPU")
    print(f"peak memory (RSS)   {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
