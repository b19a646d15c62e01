#!/usr/bin/env python3
"""Benchmark of SHACL validation (kg/validate.py) on graph.nt files: seconds and peak memory.

Each figure comes from a fresh process (so peak RSS is that run's own; the language pipeline
is not loaded) that validates one N-Triples file in one of these ways:

  rudof whole        rudof on the whole file at once (what the batches must equal)
  rudof batches      kg.validate.file_violations: batches of BATCH_TRIPLES (what `kg build` does;
                     --workers N: in N forked processes, as `kg build --workers N`)
  rudof known        file_violations again with the digests of the first run: nothing validated
  pyshacl whole      rdflib Graph + pySHACL on all of it (the former engine; needs the test extra)
  old batches        file_violations of another kg/validate.py (--old: e.g. the pySHACL one from
                     git: `git show 243d741:kg/validate.py > /tmp/validate-pyshacl.py`)

It prints wall and CPU seconds (user + system, the process and its children) and peak RSS.
On a shared machine wall-clock figures are noisy; CPU seconds are the comparable ones.

    .venv/bin/python scripts/bench_validate.py output/graph.nt big/graph.nt \\
        [--modes "rudof whole" "rudof batches"] [--old /tmp/validate-pyshacl.py]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ("rudof whole", "rudof batches", "rudof known", "pyshacl whole", "old batches")


def _module(path: Path):
    spec = importlib.util.spec_from_file_location("kg_validate_old", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.ONTOLOGY_DIR = ROOT / "ontology"  # it finds the shapes from its own place
    return module


def _child(args) -> None:
    from kg import validate

    path = args.nt
    found: list = []
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        known = Path(tmp) / "known.digests"
        if args.mode == "rudof known":
            validate.file_violations(path, batch_triples=args.batch, known=known)  # not timed: writes the digests
        started, cpu = time.perf_counter(), time.process_time()
        if args.mode == "rudof whole":
            found = validate._results(path)
        elif args.mode == "rudof batches":
            found = validate.file_violations(path, batch_triples=args.batch, workers=args.workers)[0]
        elif args.mode == "rudof known":
            found, validated = validate.file_violations(path, batch_triples=args.batch, known=known)
            assert validated == 0, validated
        elif args.mode == "pyshacl whole":
            from pyshacl import validate as pyshacl_validate
            from rdflib import Graph

            graph = Graph().parse(path, format="nt")
            conforms, _, _ = pyshacl_validate(
                graph, shacl_graph=validate.shapes(), inference="none", advanced=True, allow_warnings=True, inplace=True
            )
            found = [] if conforms else ["?"]
        elif args.mode == "old batches":
            found = _module(args.old).file_violations(path, workers=args.workers)[0]
        wall = time.perf_counter() - started
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": time.process_time() - cpu + kids.ru_utime + kids.ru_stime,
                "peak_mb": own.ru_maxrss / 1024,
                "children_peak_mb": kids.ru_maxrss / 1024,
                "violations": len(found),
            }
        )
    )


def _triples(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("nt", type=Path, nargs="+", help="sorted N-Triples files (graph.nt of kg build)")
    ap.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES[:4]), help="ways to validate")
    ap.add_argument("--old", type=Path, help="another kg/validate.py for the mode 'old batches'")
    ap.add_argument("--workers", type=int, default=1, help="processes of 'rudof batches' and 'old batches' (default 1)")
    ap.add_argument("--batch", type=int, nargs="+", help="triples a batch (default kg.validate.BATCH_TRIPLES)")
    ap.add_argument("--child", dest="mode", choices=MODES, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        from kg.validate import BATCH_TRIPLES

        args.batch = args.batch[0] if args.batch else BATCH_TRIPLES
        args.nt = args.nt[0]
        _child(args)
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"{'file':<28} {'triples':>9}  {'mode':<18} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'workers MB':>10}")
    for nt in args.nt:
        triples = _triples(nt)
        for mode, batch in [(m, b) for m in args.modes for b in (args.batch or [None] if "rudof b" in m else [None])]:
            if mode == "old batches" and not args.old:
                continue
            cmd = [sys.executable, __file__, str(nt), "--child", mode, "--workers", str(args.workers)]
            if args.old:
                cmd += ["--old", str(args.old)]
            if batch or args.batch:
                cmd += ["--batch", str(batch or args.batch[0])]
            done = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if done.returncode:
                print(f"{mode} failed on {nt}:\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            if batch:
                mode = f"{mode} {batch // 1000}k"
            name = str(nt) if len(str(nt)) <= 28 else "..." + str(nt)[-25:]
            print(
                f"{name:<28} {triples:>9,}  {mode:<18} {r['wall']:>7.2f} {r['cpu']:>7.2f} "
                f"{r['peak_mb']:>8.0f} {r['children_peak_mb']:>10.0f}"
                + (f"  ({r['violations']} violations)" if r["violations"] else ""),
                flush=True,
            )


if __name__ == "__main__":
    main()
