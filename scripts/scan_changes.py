"""Post changes on real text: every sentence of the public NER corpora (People's Daily 1998,
MSRA, CLUENER; /work/shared/corpora, read by scripts/scan_corpora.py) that holds a change word,
run through the pipeline, with the changes `kg_changes` claims (kind, person, title, body).

Prints one block per sentence with a claim (and, with --all, the sentences without one) and a
count at the end; it is a measurement to read, not a test (tests/test_changes.py holds a sample).

    PYTHONPATH=$PWD .venv/bin/python scripts/scan_changes.py [--all] [--root /work/shared/corpora]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.scan_corpora import CORPORA, sentences  # noqa: E402

# the words of the genre (issue 16), wider than the cue table so that misses show too
WORDS = re.compile(
    r"任命|任免|免去|免职|撤销.{0,15}职务|罢免|当选|选举.{0,12}为|补选|辞去|辞职|退休|逝世|调任|升任|转任|"
    r"接任|继任|兼任|不再担任|代理|提名.{0,15}为|出任|(?:决定|批准|同意|关于).{0,14}(?:任|担任|兼任)"
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=CORPORA)
    ap.add_argument("--all", action="store_true", help="also print the sentences with no claim")
    args = ap.parse_args()
    from kg.extraction import load_pipeline

    nlp = load_pipeline()
    hits = [s for s in sentences(args.root) if WORDS.search(s.text) and len(s.text) < 300]
    claimed = 0
    for s in hits:
        doc = nlp(s.text)
        text = s.text
        found = [
            (c.kind.value, text[c.person[0] : c.person[1]], p.title, text[p.body[0] : p.body[1]] if p.body else "")
            for c in doc._.kg_changes
            for p in c.posts
        ]
        if found:
            claimed += 1
        if found or args.all:
            print(f"{s.corpus}:{s.number}\t{text}")
            for kind, person, title, body in found:
                print(f"    {kind}\t{person}\t{title}\t{body}")
    print(f"{len(hits)} sentences with a change word, {claimed} with a claimed change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
