"""Show what kg makes of single sentences: the meetings and policies found in each, and the
meeting/policy edges linked from it (discussed, organiser, place, date, issued by).

A development aid for reading real sentences (e.g. those of the shared corpora that hold a
meeting or document construction) outside the dev set; it prints, it does not score.

    PYTHONPATH=$PWD .venv/bin/python scripts/probe_events.py sentences.txt [--region 北京市]

Each line of the file is built as its own one-line article; with --blocks, each run of lines
separated by a blank line is one article (its first line the headline).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

KINDS = ("about", "organizer", "location", "issuedBy", "startDate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--region", default=None)
    parser.add_argument("--date", default="1998-01-15")
    parser.add_argument("--paper", default="人民日报")
    parser.add_argument("--blocks", action="store_true", help="blank-line separated articles")
    args = parser.parse_args()

    from kg.extraction import extract, load_pipeline
    from kg.ingest import MetaOverrides, read_articles
    from kg.link import link
    from kg.resolve import resolve

    raw = args.file.read_text(encoding="utf-8")
    if args.blocks:
        lines = [b.strip() + "\n" for b in re.split(r"\n\s*\n", raw) if b.strip()]
    else:
        lines = [ln.strip() + "\n" for ln in raw.splitlines() if ln.strip()]
    nlp = load_pipeline()
    with tempfile.TemporaryDirectory(prefix="kg-probe-") as tmp:
        files = []
        for i, line in enumerate(lines):
            path = Path(tmp) / f"s{i:04d}.txt"
            path.write_text(line, encoding="utf-8")
            files.append(path)
        ingested = read_articles(files, MetaOverrides(paper=args.paper, date=args.date, region=args.region))
        analyses = list(extract(ingested.articles, nlp))
        res = resolve(analyses)
        rels = link(analyses, res)
    by_article: dict[str, list] = {}
    for r in rels:
        if r.kind.value not in KINDS:
            continue
        for ev in r.evidence:
            by_article.setdefault(ev.article, []).append((r, ev.note))
    for an in analyses:
        aid = an.article.id
        print("=" * 4, an.article.text.strip()[:300])
        for m in an.mentions:
            key = res.assignments.get(m.id)
            if key and m.kind.value in ("meeting", "policy"):
                print(f"   {m.kind.value:8} {m.text}  -> {key}")
        seen = set()
        for r, note in by_article.get(aid, []):
            row = (r.kind.value, r.subject, r.object)
            if row in seen:
                continue
            seen.add(row)
            print(f"   EDGE {r.kind.value:10} {r.subject} -> {r.object}   [{note}]")


if __name__ == "__main__":
    main()
