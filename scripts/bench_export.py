#!/usr/bin/env python3
"""Benchmark of everything after extraction at scale: resolve, link, export, SHACL, page.

Extraction at 10M characters takes hours on this shared machine, so this benchmark takes the
analyses of a real corpus (`--corpus`, extracted once and kept in `--cache`; e.g. the 300k
corpus scripts/bench_build.py makes with --keep) and replicates them, each copy under new
article ids and file names, until the records hold about `--chars` characters each size. Each
size runs in a fresh process (peak RSS is the process's own), first the streaming build
(`stream`: kg.export.write_stream, kg.validate.check_file, kg.export.page_graph; what
`kg build` does), then, up to `--old-max` characters, the whole-graph path it replaced (`old`:
one rdflib Graph, pySHACL on all of it, rdflib serializers, the page from the whole graph).

Caveat: copies repeat the same text, so the entities do not grow with the size (mentions,
sentences, statements and evidence do). The language pipeline (~1.2 GB, loaded before the
workers fork) is not loaded here: add it for a build's peak. On a shared machine the figures
are noisy.

    .venv/bin/python scripts/bench_export.py --corpus /tmp/lead-bench/corpus \\
        --cache /tmp/stream-cache300k --chars 300000 1000000 3000000 10000000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAPER, DATE = "人民日报", "1998-01-05"


def _renamed(obj, prefix: str):
    """A copy of a record with every article id and file name prefixed (recursively)."""
    from kg.records import Analysis, Article, Issue, Mention, PostChange, Segment

    if isinstance(obj, tuple):
        return tuple(_renamed(x, prefix) for x in obj)
    if not dataclasses.is_dataclass(obj):
        return obj
    changes = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(obj, Article) and f.name == "id":
            value = prefix + value
        elif isinstance(obj, Article) and f.name == "sources":
            value = tuple(prefix + s for s in value)
        elif (
            isinstance(obj, (Issue, Segment))
            and f.name == "source"
            or isinstance(obj, (Mention, PostChange))
            and f.name == "article"
        ):
            value = prefix + value
        elif (
            isinstance(obj, (Analysis, Article, PostChange))
            or dataclasses.is_dataclass(value)
            or isinstance(value, tuple)
        ):
            value = _renamed(value, prefix)
        changes[f.name] = value
    return dataclasses.replace(obj, **changes)


def _load(corpus: Path, cache: Path, workers: int):
    from kg.cache import AnalysisCache
    from kg.ingest import MetaOverrides, read_articles
    from kg.parallel import analyse

    articles = read_articles([corpus], MetaOverrides(paper=PAPER, date=DATE)).articles
    analyses, _ = analyse(articles, workers=workers, cache=AnalysisCache(cache))
    return analyses


def _child(args) -> None:
    from kg import export
    from kg.careers import link_careers
    from kg.link import link
    from kg.profile import Profiler
    from kg.resolve import resolve
    from kg.viz import write_html

    base = _load(args.corpus, args.cache, 1)
    chars = sum(len(a.article.text) for a in base)
    copies = max(1, round(args.size / chars))
    analyses = [an if k == 0 else _renamed(an, f"r{k}-") for k in range(copies) for an in base]
    prof = Profiler()
    stage = prof.stage
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="stream-bench-export-") as tmp:
        out = Path(tmp)
        with stage("resolve"):
            resolution = resolve(analyses)
        with stage("link"):
            relations = link(analyses, resolution)
            careers = link_careers(analyses, resolution, relations)
        if args.mode == "stream":
            from kg.validate import check_file

            def check(nt: Path) -> None:
                with stage("validate"):
                    check_file(nt)

            exported = export.write_stream(analyses, resolution, relations, careers, out, profiler=prof, after_nt=check)
            triples = exported.triples
            with stage("page"):
                write_html(export.page_graph(analyses, resolution, relations, careers), out / "graph.html")
        else:
            from kg.validate import check

            with stage("export graph"):
                graph = export.to_graph(analyses, resolution, relations, careers)
            with stage("validate"):
                check(graph)
            with stage("write"):
                export.write(graph, out, ("ttl", "nt", "jsonld"))
            with stage("page"):
                write_html(graph, out / "graph.html")
            triples = len(graph)
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "chars": chars * copies,
                "articles": len(analyses),
                "entities": len(resolution.entities),
                "triples": triples,
                "seconds": seconds,
                "peak_mb": peak,
                "page_mb": sizes.get("graph.html", 0) / 1e6,
                "profile": prof.table(),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="folder of articles (e.g. bench_build.py's corpus)")
    ap.add_argument("--cache", type=Path, required=True, help="analysis cache folder (filled on first use)")
    ap.add_argument("--chars", type=int, nargs="+", default=[300_000, 1_000_000], help="sizes in characters")
    ap.add_argument("--old-max", type=int, default=1_000_000, help="largest size the old path is run at")
    ap.add_argument("--child", choices=("stream", "old"), dest="mode", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        _child(args)
        return
    _load(args.corpus, args.cache, 2)  # fill the cache once (extraction), outside the measurements
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for size in args.chars:
        for mode in ("stream", "old"):
            if mode == "old" and size > args.old_max:
                continue
            cmd = [sys.executable, __file__, "--corpus", str(args.corpus), "--cache", str(args.cache)]
            cmd += ["--child", mode, "--size", str(size)]
            print(f"... {mode} at {size:,} characters", file=sys.stderr, flush=True)
            run = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if run.returncode != 0:
                print(f"{mode} at {size:,} failed:\n{run.stderr[-2000:]}")
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            print(
                f"{mode:<6} {r['chars']:>11,} chars  {r['articles']:>6,} articles  {r['entities']:>6,} entities  "
                f"{r['triples']:>10,} triples  {r['seconds']:7.1f} s after extraction  "
                f"({r['chars'] / r['seconds']:,.0f} chars/s)  peak RSS {r['peak_mb']:,.0f} MB "
                f"page {r['page_mb']:.1f} MB"
            )
            print(r["profile"])
            sys.stdout.flush()


if __name__ == "__main__":
    main()
