"""Build every sentence of the shared NER corpora and report any sentence that breaks a build.

The corpora (People's Daily NER, MSRA NER, CLUENER2020; /work/shared/corpora, see its README)
are real news text nobody tuned the rules on. Their sentences are grouped, in corpus order,
into pseudo-articles of --per-article sentences (one line each, as a page file), and
--batch such pages at a time run through every stage in process: ingest -> extract ->
resolve -> link -> RDF graph -> Turtle, N-Triples and JSON-LD (and, with --check, the
N-Triples are parsed back). A batch that raises is bisected down to its pages and then to
single sentences; each failure is printed with its corpus, sentence number, text and error.

    PYTHONPATH=$PWD .venv/bin/python scripts/scan_corpora.py                 # everything
    PYTHONPATH=$PWD .venv/bin/python scripts/scan_corpora.py --sample 300    # a random sample

Exit status: 0 when every sentence built, 1 when any failed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPORA = Path("/work/shared/corpora")


@dataclass(frozen=True)
class Sentence:
    corpus: str
    number: int
    text: str


def _bio(path: Path, corpus: str) -> Iterator[Sentence]:
    chars: list[str] = []
    number = 0
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            chars.append(line.split()[0] if line.split() else line[0])
            continue
        if chars:
            number += 1
            yield Sentence(corpus, number, "".join(chars))
            chars = []


def sentences(root: Path) -> list[Sentence]:
    """Every sentence of the corpora, in file order."""
    out: list[Sentence] = []
    for name in ("example.dev", "example.test"):
        out += _bio(root / "peoples-daily" / name, f"peoples-daily/{name}")
    out += _bio(root / "msra" / "msra_test_bio.txt", "msra/msra_test_bio.txt")
    for name in ("train.json", "dev.json"):
        path = root / "cluener" / name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                out.append(Sentence(f"cluener/{name}", number, json.loads(line)["text"]))
    return out


class Runner:
    def __init__(self, work: Path, check: bool):
        from kg.extraction import load_pipeline

        self.nlp = load_pipeline()
        self.work = work
        self.check = check
        self.runs = 0

    def build(self, pages: list[list[Sentence]]) -> None:
        """Run every stage over `pages` (each a list of sentences); raises what a stage raises."""
        from rdflib import Graph

        from kg import export
        from kg.extraction import extract
        from kg.ingest import read_articles
        from kg.link import link
        from kg.resolve import resolve

        self.runs += 1
        folder = self.work / f"run{self.runs:06d}"
        folder.mkdir()
        files = []
        for i, page in enumerate(pages):
            path = folder / f"page{i:04d}.txt"
            path.write_text("\n".join(s.text for s in page) + "\n", encoding="utf-8")
            files.append(path)
        ingested = read_articles(files)
        analyses = list(extract(ingested.articles, self.nlp))
        resolution = resolve(analyses)
        relations = link(analyses, resolution)
        graph = export.to_graph(analyses, resolution, relations)
        data = {fmt: export.serialize(graph, fmt) for fmt in ("ttl", "nt", "jsonld")}
        if self.check:
            back = Graph().parse(data=data["nt"].decode("utf-8"), format="nt")
            if len(back) != len(graph):
                raise AssertionError(f"graph.nt parses to {len(back)} triples, the graph has {len(graph)}")
        for path in files:
            path.unlink()
        folder.rmdir()


def _error(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} (at {Path(frame.filename).name}:{frame.lineno})"


def scan(runner: Runner, pages: list[list[Sentence]]) -> list[tuple[list[Sentence], str]]:
    """Failures as (the smallest set of sentences that still fails, error)."""
    try:
        runner.build(pages)
        return []
    except Exception as exc:  # noqa: BLE001 - the point is to catch whatever a stage raises
        error = _error(exc)
    if len(pages) > 1:
        half = len(pages) // 2
        found = scan(runner, pages[:half]) + scan(runner, pages[half:])
        return found or [([s for p in pages for s in p], f"only together: {error}")]
    page = pages[0]
    if len(page) > 1:
        single = []
        for s in page:
            try:
                runner.build([[s]])
            except Exception as exc:  # noqa: BLE001
                single.append(([s], _error(exc)))
        return single or [(page, f"only in context: {error}")]
    return [(page, error)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--per-article", type=int, default=12, help="sentences per pseudo-article (page file)")
    parser.add_argument("--batch", type=int, default=40, help="pages built together")
    parser.add_argument("--sample", type=int, help="only this many sentences, drawn at random (seed 15)")
    parser.add_argument("--check", action="store_true", help="also parse graph.nt back and compare")
    args = parser.parse_args()

    todo = sentences(args.corpora)
    total = len(todo)
    if args.sample:
        todo = sorted(random.Random(15).sample(todo, min(args.sample, total)), key=lambda s: (s.corpus, s.number))
    pages = [todo[i : i + args.per_article] for i in range(0, len(todo), args.per_article)]
    print(f"{len(todo)} of {total} sentences in {len(pages)} pseudo-articles", flush=True)
    started = time.perf_counter()
    failures = []
    with tempfile.TemporaryDirectory(prefix="kg-scan-") as tmp:
        runner = Runner(Path(tmp), args.check)
        for i in range(0, len(pages), args.batch):
            found = scan(runner, pages[i : i + args.batch])
            failures += found
            for group, error in found:
                for s in group:
                    print(f"FAIL {s.corpus}:{s.number}: {s.text}", flush=True)
                print(f"     {error}", flush=True)
            done = sum(len(p) for p in pages[: i + args.batch])
            print(
                f"  {done}/{len(todo)} sentences, {len(failures)} failure(s), {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    print(f"{len(todo)} sentences built, {len(failures)} failure(s) in {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
