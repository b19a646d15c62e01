#!/usr/bin/env python3
"""Benchmark of a big `kg build`: peak memory of the whole process tree, and time.

Makes a corpus of about --chars characters (the articles of scripts/bench_build.py, made from the
sentences of ../shared/corpora; they hold about 0.73M characters, so a bigger corpus repeats them,
each copy as new files r<copy>-*.txt: articles, sentences and provenance grow with the input,
while repeated names resolve to the same entities), then runs `kg build` on it as a user would
(all formats, SHACL, the page) with --workers N, and samples the resident memory of the build
process and all its children every --every seconds (psutil). Prints the peak of their summed PSS
(what the machine must hold at once: forked workers share pages), of their summed RSS, and of the
largest process, wall time and characters/s.

Figures, not a test; on a shared machine the time is noisy (memory much less so).

    .venv/bin/python scripts/bench_memory.py [--chars 10000000] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import CORPORA, DATE, PAPER, ROOT, make_corpus  # noqa: E402


def make_big_corpus(folder: Path, chars: int, corpora: Path) -> int:
    """Write about `chars` characters of articles into `folder`, repeating the corpora's text in
    copies with new file names when it runs out; returns the characters written."""
    written, copy = 0, 0
    while written < chars:
        got = make_corpus(folder, chars - written, prefix=f"r{copy:02d}-", corpora=corpora)
        if got == 0:
            sys.exit(f"no sentences found in {corpora}")
        written += got
        copy += 1
    return written


def _tree_memory(proc: psutil.Process) -> tuple[int, int, int]:
    """(sum of RSS, largest RSS, sum of PSS) bytes of `proc` and its descendants, skipping those
    that ended. Forked workers share pages with their parent: the sum of RSS counts them once
    per process, the sum of PSS (proportional set size, Linux) once in all - what the machine
    holds. Where PSS cannot be read, RSS stands in for it."""
    rss, pss = [], []
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss.append(info.rss)
        pss.append(getattr(info, "pss", info.rss))
    return sum(rss), max(rss, default=0), sum(pss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=10_000_000, help="corpus size in characters (default 10M)")
    ap.add_argument("--workers", type=int, default=2, help="kg build --workers (default 2)")
    ap.add_argument("--every", type=float, default=0.5, help="sampling interval in seconds (default 0.5)")
    ap.add_argument("--keep", type=Path, help="make the corpus and output in this folder and keep them")
    ap.add_argument("--corpora", type=Path, default=CORPORA, help=f"the shared corpora (default {CORPORA})")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-memory-"))
    corpus, out = work / "corpus", work / "out"
    try:
        if not corpus.is_dir() or not any(corpus.glob("*.txt")):
            chars = make_big_corpus(corpus, args.chars, args.corpora)
        else:
            chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
        files = len(list(corpus.glob("*.txt")))
        print(f"corpus      {files:,} files, {chars:,} characters in {corpus}", flush=True)
        cmd = [
            str(ROOT / ".venv" / "bin" / "kg"), "build", str(corpus), "--out", str(out),
            "--paper", PAPER, "--date", DATE, "--workers", str(args.workers), "--no-cache",
        ]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        watched = psutil.Process(proc.pid)
        peak_sum = peak_one = peak_pss = 0
        while proc.poll() is None:
            total, largest, shared = _tree_memory(watched)
            peak_sum, peak_one, peak_pss = max(peak_sum, total), max(peak_one, largest), max(peak_pss, shared)
            time.sleep(args.every)
        seconds = time.perf_counter() - started
        log = proc.stdout.read() if proc.stdout else ""
        if proc.returncode != 0:
            sys.exit(f"kg build failed ({proc.returncode}):\n{log[-3000:]}")
        last = [line for line in log.splitlines() if line.startswith("built ")]
        print(f"build       {' '.join(cmd[1:])}")
        print(f"            {last[-1] if last else log.strip().splitlines()[-1]}")
        print(f"time        {seconds:.1f} s -> {chars / seconds:,.0f} chars/s end to end")
        print(
            f"peak memory {peak_pss / 2**30:.2f} GiB PSS, all processes together (shared pages once); "
            f"{peak_sum / 2**30:.2f} GiB summing their RSS; largest process {peak_one / 2**30:.2f} GiB RSS"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
