"""Benchmark: latency of each named SPARQL query on the seeds graph and on a graph 100× larger.

The larger graph replicates the seeds graph with renamed instance IRIs (copy i > 0 has every IRI
under kg.ns.ID rewritten from `id/…` to `id/c{i}/…`; vocabulary IRIs and literals are kept), so it
has the same shape with 100× the nodes, and every label occurs 100 times. Both graphs are loaded
into the same kind of store `kg query` uses (kg.store). Bindings are the examples of
ontology/queries/README.md. Prints figures; it is not a test.

    .venv/bin/python scripts/bench_query.py [--graph output/graph.nt] [--copies 100] [--runs 15]

Without --graph, output/graph.nt is used if present, else the seeds are built into a temp dir.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.ns import ID  # noqa: E402
from kg.query import QUERIES, execute, named_queries, parse_bindings  # noqa: E402
from kg.store import open_store  # noqa: E402


def example_bindings() -> dict[str, list[str]]:
    """`--bind` specs of each named query, from the README's command column."""
    text = (QUERIES / "README.md").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for command in re.findall(r"`(kg query --name [a-z-]+[^`]*)`", text):
        args = shlex.split(command)[2:]
        name = args[args.index("--name") + 1]
        out.setdefault(name, [args[i + 1] for i, a in enumerate(args) if a == "--bind"])
    return out


def seeds_graph(tmp: Path) -> Path:
    default = ROOT / "output" / "graph.nt"
    if default.is_file():
        return default
    from kg.build import build_graph

    print("building the seeds graph (no output/graph.nt yet) ...", flush=True)
    build_graph([ROOT / "seeds"], tmp / "seeds", formats=("nt",), validate=False, html=False)
    return tmp / "seeds" / "graph.nt"


def replicate(graph: Path, copies: int, out: Path) -> Path:
    """`copies` copies of an N-Triples graph, instance IRIs renamed per copy (copy 0 unchanged)."""
    text = graph.read_text(encoding="utf-8")
    base = f"<{ID}"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(text)
        for i in range(1, copies):
            fh.write(text.replace(base, f"{base}c{i}/"))
    return out


# Latency budgets (seconds) on the seeds graph and on the 100x graph (issue 16).
BUDGETS = {
    "holders-of-post": (0.05, 1.0),
    "career-of-person": (0.05, 1.0),
    "post-changes": (0.05, 1.0),
}


def time_query(store: ox.Store, text: str, bindings, runs: int) -> tuple[int, float]:
    """(rows, median seconds) of running the query and consuming every result `runs` times."""
    rows = len(list(execute(store, text, bindings)))  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        list(execute(store, text, bindings))
        times.append(time.perf_counter() - started)
    return rows, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="N-Triples graph to start from (default: output/graph.nt)")
    parser.add_argument("--copies", type=int, default=100, help="size of the large graph, in copies (default 100)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per query (median reported; default 15)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-query-") as tmpdir:
        tmp = Path(tmpdir)
        base = args.graph or seeds_graph(tmp)
        small = tmp / "1x" / "graph.nt"
        small.parent.mkdir()
        small.write_bytes(base.read_bytes())
        started = time.perf_counter()
        large = replicate(base, args.copies, tmp / f"{args.copies}x" / "graph.nt")
        synth = time.perf_counter() - started

        print(
            f"python {platform.python_version()}, pyoxigraph {ox.__version__}, {os.cpu_count()} CPUs, "
            f"{args.runs} timed runs per query (median)"
        )
        print(f"graph: {base}")
        print(f"synthesised {args.copies}x graph in {synth:.2f} s ({large.stat().st_size / 1e6:.1f} MB)\n")

        stores = {}
        for label, graph in (("1x", small), (f"{args.copies}x", large)):
            gs = open_store(graph)
            started = time.perf_counter()
            open_store(graph).close()  # a second open reuses the loaded store
            reopen = time.perf_counter() - started
            print(
                f"{label:>5}: {gs.info.triples:>9,} triples, bulk load {gs.info.load_seconds:6.2f} s "
                f"({graph.stat().st_size / 1e6:.1f} MB N-Triples), reopen {reopen * 1000:.0f} ms"
            )
            stores[label] = gs

        binds = example_bindings()
        header = f"\n{'query':<24}" + "".join(f"{label + ' rows':>12}{label + ' median':>14}" for label in stores)
        print(header)
        print("-" * (len(header) - 1))
        for name, nq in named_queries().items():
            bindings = parse_bindings(binds.get(name, []))
            cells = []
            verdict = ""
            for i, gs in enumerate(stores.values()):
                rows, median = time_query(gs.store, nq.text, bindings, args.runs)
                cells.append(f"{rows:>12,}{median * 1000:>11.1f} ms")
                if name in BUDGETS:
                    budget = BUDGETS[name][min(i, 1)]
                    verdict += f"  {'ok' if median < budget else 'OVER'} (<{budget * 1000:.0f} ms)"
            print(f"{name:<24}" + "".join(cells) + verdict)
        for gs in stores.values():
            gs.close()


if __name__ == "__main__":
    main()
