#!/usr/bin/env python3
"""Per-component CPU time over the pipeline (tokenizer + each pipe), and optional cProfile.
usage: scripts/profile_extract.py INPUT [--chars N] [--repeat R] [--cprofile FILE]"""

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path

from kg.extraction import _analysis, load_pipeline
from kg.ingest import read_articles

ap = argparse.ArgumentParser()
ap.add_argument("inputs", nargs="+")
ap.add_argument("--chars", type=int, default=0)
ap.add_argument("--repeat", type=int, default=3)
ap.add_argument("--cprofile")
a = ap.parse_args()
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
nlp = load_pipeline()
arts = read_articles([Path(p) for p in a.inputs]).articles
if a.chars:
    sel, n = [], 0
    for x in arts:
        if n >= a.chars:
            break
        sel.append(x)
        n += len(x.text)
    arts = sel
chars = sum(len(x.text) for x in arts)


def run(times):
    t = time.process_time()
    docs = []
    for x in arts:
        d = nlp.make_doc(x.text)
        d._.kg_text = x.text
        docs.append(d)
    times["tokenizer"] = times.get("tokenizer", 0) + time.process_time() - t
    for name, proc in nlp.pipeline:
        t = time.process_time()
        docs = list(proc.pipe(docs, batch_size=nlp.batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        times[name] = times.get(name, 0) + time.process_time() - t
    t = time.process_time()
    for x, d in zip(arts, docs, strict=False):
        _analysis(x, d)
    times["_analysis"] = times.get("_analysis", 0) + time.process_time() - t


run({})  # warm-up
times = {}
for _ in range(a.repeat):
    run(times)
tot = sum(times.values())
print(f"{len(arts)} articles, {chars} chars, {a.repeat} passes; CPU s per pass:")
for k, v in times.items():
    print(f"  {k:20s} {v / a.repeat:7.3f}  {100 * v / tot:5.1f}%")
print(f"  {'total':20s} {tot / a.repeat:7.3f}  -> {chars * a.repeat / tot:,.0f} chars/CPU-s")
if a.cprofile:
    pr = cProfile.Profile(time.process_time)
    pr.enable()
    run({})
    pr.disable()
    pr.dump_stats(a.cprofile)
    st = pstats.Stats(pr)
    st.sort_stats("tottime").print_stats(35)
