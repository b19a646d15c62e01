#!/usr/bin/env python3
"""Benchmark of `kg build` end to end: workers, the analysis cache, and where the time goes.

Makes a corpus of about --chars characters of real news text (sentences of the People's Daily
NER corpus, then CLUENER, from ../shared/corpora, in file order), grouped into articles of about
1,500 characters, one article a file (a headline line, then paragraphs) in a temporary folder.
Each figure comes from a fresh process:

  extraction only     the extraction stage on one core (pinned), after loading the pipeline
  build, 1 worker     `kg build` (all formats, SHACL, page) pinned to one core
  build, 2 workers    the same on two cores (with an empty analysis cache, which it fills)
  rebuild +1 %        1 % more articles (new files), with that cache: only they are extracted
  clean build +1 %    the same input with --no-cache

and prints characters/s, the ratios the issue sets bars for, peak memory, and the per-stage
profile of the one-worker build. Figures, not a test; on a shared machine they are noisy.

    .venv/bin/python scripts/bench_build.py [--chars 300000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/corpora from the main checkout (/work/main), ../../shared/corpora from a worktree
CORPORA = next(
    (p for p in (ROOT.parent / "shared" / "corpora", ROOT.parent.parent / "shared" / "corpora") if p.is_dir()),
    ROOT.parent / "shared" / "corpora",
)
ARTICLE_CHARS = 1_500
PAPER, DATE = "人民日报", "1998-01-05"


def _sentences(corpora: Path):
    """Sentences of the People's Daily NER files (one character a line), then CLUENER's."""
    for name in ("example.dev", "example.test"):
        chars: list[str] = []
        with (corpora / "peoples-daily" / name).open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    chars.append(line.split()[0])
                elif chars:
                    yield "".join(chars)
                    chars = []
        if chars:
            yield "".join(chars)
    with (corpora / "cluener" / "train.json").open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]


def _article(sentences: list[str]) -> str:
    headline = sentences[0].split("，")[0].rstrip("。！？")[:24]
    paragraphs = ["".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return headline + "\n\n" + "\n".join(paragraphs) + "\n"


def make_corpus(folder: Path, chars: int, *, skip: int = 0, prefix: str = "a", corpora: Path = CORPORA) -> int:
    """Write articles of about `chars` characters in all into `folder`, after skipping `skip`
    characters of sentences (so that a second call adds new text); returns characters written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = seen = n = 0
    current: list[str] = []
    for sentence in _sentences(corpora):
        seen += len(sentence)
        if seen <= skip:
            continue
        current.append(sentence)
        if sum(map(len, current)) >= ARTICLE_CHARS:
            text = _article(current)
            (folder / f"{prefix}{n:05d}.txt").write_text(text, encoding="utf-8")
            written += len(text)
            n, current = n + 1, []
            if written >= chars:
                break
    return written


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child(args) -> None:
    """One measurement in this (fresh) process; prints one JSON line."""
    if args.pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from kg.ingest import MetaOverrides, read_articles

    overrides = MetaOverrides(paper=PAPER, date=DATE)
    if args.child == "extract":
        from kg.extraction import extract, load_pipeline

        nlp = load_pipeline()
        articles = read_articles([args.corpus], overrides).articles
        list(extract(articles[:5], nlp))  # warm-up
        t, c = time.perf_counter(), time.process_time()
        list(extract(articles, nlp))
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        out = {"chars": sum(len(a.text) for a in articles), "seconds": seconds, "cpu": cpu}
    else:
        from kg.build import build_graph
        from kg.profile import Profiler

        prof = Profiler()
        with tempfile.TemporaryDirectory(prefix="kg-bench-out-") as out_dir:
            t, c, cc = time.perf_counter(), time.process_time(), _children_cpu()
            summary = build_graph(
                [args.corpus],
                Path(out_dir),
                overrides=overrides,
                workers=args.workers,
                cache=Path(args.cache) if args.cache else None,
                profiler=prof,
            )
            seconds, cpu = time.perf_counter() - t, time.process_time() - c + _children_cpu() - cc
        chars = sum(len(a.text) for a in read_articles([args.corpus], overrides).articles)
        load = sum(s.seconds for s in prof.stages if s.name == "load pipeline")
        out = {
            "chars": chars,
            "seconds": seconds,
            "cpu": cpu,
            "load": load,
            "extract": sum(s.seconds for s in prof.stages if s.name == "extract"),
            "articles": summary.articles,
            "cached": summary.cached,
            "triples": summary.triples,
            "profile": prof.table(),
        }
    out["peak_mb"], out["children_peak_mb"] = _peak_mb()
    print(json.dumps(out))


def _run(label: str, mode: str, corpus: Path, *, workers: int = 1, cache: Path | None = None, pin: bool = False):
    cmd = [sys.executable, __file__, "--child", mode, "--corpus", str(corpus), "--workers", str(workers)]
    if cache:
        cmd += ["--cache", str(cache)]
    if pin:
        cmd.append("--pin")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"... {label}", file=sys.stderr, flush=True)
    run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if run.returncode != 0:
        sys.exit(f"{label} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=300_000, help="corpus size in characters (default 300000)")
    ap.add_argument("--keep", type=Path, help="make the corpus and cache in this folder and keep them")
    ap.add_argument("--corpora", type=Path, default=CORPORA, help=f"the shared corpora (default {CORPORA})")
    ap.add_argument("--child", choices=("extract", "build"), help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    ap.add_argument("--pin", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    try:
        corpus, cache = work / "corpus", work / "cache"
        shutil.rmtree(corpus, ignore_errors=True)
        for old in (cache, work / "cache-1"):
            shutil.rmtree(old, ignore_errors=True)
        if not args.corpora.is_dir():
            sys.exit(f"no corpora folder {args.corpora}: give --corpora")
        chars = make_corpus(corpus, args.chars, corpora=args.corpora)
        files = len(list(corpus.glob("*.txt")))
        print(f"corpus              {files} articles, {chars:,} characters in {corpus}")
        ex = _run("extraction only, 1 core", "extract", corpus, pin=True)
        one = _run("build, 1 worker, 1 core", "build", corpus, workers=1, cache=work / "cache-1", pin=True)
        two = _run("build, 2 workers", "build", corpus, workers=2, cache=cache)
        make_corpus(corpus, max(1, chars // 100), skip=chars + 10_000, prefix="new", corpora=args.corpora)
        new_files = len(list(corpus.glob("new*.txt")))
        rebuild = _run("rebuild after +1 %, 2 workers, cache", "build", corpus, workers=2, cache=cache)
        clean = _run("clean build after +1 %, 2 workers, no cache", "build", corpus, workers=2)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    def rate(r, without_load=False):
        seconds = r["seconds"] - (r.get("load", 0) if without_load else 0)
        return r["chars"] / seconds

    def cpu_rate(r):
        return r["chars"] / r["cpu"]

    print(
        f"extraction only     {ex['seconds']:.1f} s -> {rate(ex):,.0f} chars/s on 1 core "
        f"(CPU {ex['cpu']:.1f} s -> {cpu_rate(ex):,.0f} chars per CPU-second)"
    )
    for label, r in (("build, 1 worker", one), ("build, 2 workers", two)):
        print(
            f"{label:<19} {r['seconds']:.1f} s -> {rate(r):,.0f} chars/s end to end "
            f"({rate(r, True):,.0f} without the {r['load']:.1f} s pipeline load); "
            f"extract stage {r['extract']:.1f} s; CPU {r['cpu']:.1f} s (workers included) -> "
            f"{cpu_rate(r):,.0f} chars per CPU-second; peak RSS {r['peak_mb']:,.0f} MB, "
            f"largest worker {r['children_peak_mb']:,.0f} MB"
        )
    print(
        f"ratio end to end / extraction only (1 core)   {rate(one) / rate(ex):.2f} "
        f"(without pipeline load {rate(one, True) / rate(ex):.2f}; by CPU time {cpu_rate(one) / cpu_rate(ex):.2f}; "
        "bar >= 0.8)"
    )
    print(
        f"speed-up 2 workers / 1 worker                 {one['seconds'] / two['seconds']:.2f} "
        f"(extract stage {one['extract'] / two['extract']:.2f}; bar >= 1.7)"
    )
    print(
        f"rebuild +1 % ({new_files} new articles, {rebuild['cached']} of {rebuild['articles']} from the cache)   "
        f"{rebuild['seconds']:.1f} s vs clean {clean['seconds']:.1f} s = {rebuild['seconds'] / clean['seconds']:.0%} "
        f"(by CPU time {rebuild['cpu'] / clean['cpu']:.0%}; extract stage {rebuild['extract']:.1f} s vs "
        f"{clean['extract']:.1f} s; bar <= 10 %)"
    )
    print(f"triples             {one['triples']:,} (1 worker), {two['triples']:,} (2 workers)")
    print("profile of the 1-worker build:")
    print(one["profile"])
    print("profile of the rebuild after +1 %:")
    print(rebuild["profile"])


if __name__ == "__main__":
    main()
