"""Benchmark of opening a big graph file for `kg viz`: bulk-loaded into an in-memory Oxigraph store
read through oxrdflib (what `kg viz` does), against parsing it whole into rdflib (what it did).

For each way it prints the CPU seconds to open the graph, to make the analysis graph of a focus
view and the page, and the process's peak RSS; each way runs in a fresh process.

    .venv/bin/python scripts/bench_viz_open.py GRAPH.nt [--focus NAME]

GRAPH: a graph file written by `kg build` (e.g. the 100x copy of scripts/bench_query.py or an
archive's output/graph.nt).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from rdflib import Graph
mode, graph, out, focus = sys.argv[1:5]
t0 = time.process_time()
if mode == "rdflib":
    g = Graph().parse(graph, format="nt" if graph.endswith(".nt") else None)
else:
    from kg.viz.command import _load_graph
    g = _load_graph(Path(graph))
t1 = time.process_time()
from kg.viz import ViewSpec, write_view
view = write_view(g, Path(out), ViewSpec(focus=focus or None, depth=1) if focus else ViewSpec(), graph_file=graph)
t2 = time.process_time()
print(json.dumps({"open": t1 - t0, "view": t2 - t1, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                  "nodes": view.graph.number_of_nodes()}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph", type=Path)
    ap.add_argument("--focus", default="", help="a name to focus the view on (default: the whole-graph page)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-viz-") as tmp:
        runs = [("Oxigraph in memory (kg viz)", "store"), ("rdflib parse (before)", "rdflib")]
        print(f"graph {args.graph} ({args.graph.stat().st_size / 1e6:.0f} MB); focus {args.focus or '-'}")
        print(f"{'way':32} {'open CPU s':>10} {'view CPU s':>10} {'peak RSS GB':>11} {'nodes':>6}")
        for name, mode in runs:
            out = Path(tmp) / f"{mode}.html"
            done = subprocess.run(
                [sys.executable, "-c", CHILD, mode, str(args.graph), str(out), args.focus],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{name:32} {r['open']:10.1f} {r['view']:10.1f} {r['rss']:11.2f} {r['nodes']:6d}")
        same = (Path(tmp) / "store.html").read_bytes() == (Path(tmp) / "rdflib.html").read_bytes()
        print(f"pages identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
