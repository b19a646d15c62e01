#!/usr/bin/env python3
"""Held-out check of the rule that tells a work's 《》 title (book, film, game) from a document's.

CLUENER (../shared/corpora/cluener, see its README) labels the 《》 titles of its sentences as
book, movie or game (or something else: a company, or nothing, which is where its few documents
are). This prints how many of the works `kg.extraction.titles.work_titles` recognises from their
cues and form (recall on works) and lists the other titles it calls works, to be read by hand (a
document called a work is a policy lost). With texts (seeds, dev half A), it lists the titles of
those texts that it calls works. Not a test; the rule's cues were not tuned on CLUENER's titles.

    .venv/bin/python scripts/eval_titles_corpus.py ../shared/corpora/cluener/*.json
    .venv/bin/python scripts/eval_titles_corpus.py --texts seeds/*.txt
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from kg.extraction.titles import work_titles

_TITLE = re.compile(r"《[^《》\n]{1,80}》")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="*", type=Path, help="CLUENER json-lines files")
    parser.add_argument("--texts", nargs="*", type=Path, default=[], help="plain texts whose works to list")
    args = parser.parse_args()
    found, total, others = Counter(), Counter(), []
    for path in args.corpus:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = row["text"]
            labels = {
                (s, e + 1): kind for kind, names in row["label"].items() for spans in names.values() for s, e in spans
            }
            works = work_titles(text)
            for m in _TITLE.finditer(text):
                kind = labels.get((m.start(), m.end()), "none")
                kind = "work" if kind in ("book", "movie", "game") else kind
                total[kind] += 1
                if m.start() in works:
                    found[kind] += 1
                    if kind != "work":
                        others.append(f"{kind}: {m.group(0)} | {text}")
    for kind in sorted(total):
        print(f"{kind:8s} called a work {found[kind]:5d} / {total[kind]:5d}")
    for line in others:
        print("  not a work in CLUENER:", line)
    for path in args.texts:
        text = path.read_text(encoding="utf-8")
        works = work_titles(text)
        for m in _TITLE.finditer(text):
            if m.start() in works:
                print(f"{path.name}: {m.group(0)}")


if __name__ == "__main__":
    main()
