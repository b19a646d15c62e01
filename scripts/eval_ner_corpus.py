#!/usr/bin/env python3
"""Held-out check of the extraction stage on a public NER corpus the rules were never tuned on.

Reads a character-per-line BIO corpus (People's Daily or MSRA, see ../shared/corpora/README.md),
packs its sentences into pseudo-articles, runs the full extraction pipeline and compares the
people, organisations and places in `doc.ents` with the corpus's PER / ORG / LOC spans (strict
span match). Prints precision and recall per type, and a sample of the errors. Not a test.

    .venv/bin/python scripts/eval_ner_corpus.py ../shared/corpora/peoples-daily/example.test
    .venv/bin/python scripts/eval_ner_corpus.py ../shared/corpora/msra/msra_test_bio.txt --limit 1000

The corpora annotate differently from this project: LOC covers rivers, mountains, continents
and countries, ORG nests differently, and the sentences have no article around them (no
paper, no province, no byline). Read the figures as a check for over- and under-generation on
unseen text, not as a score comparable with the seeds' gold.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

TYPES = {"PER": "Person", "ORG": "Organization", "LOC": "Place"}


def read_bio(path: Path) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """Sentences of a BIO file as (text, {(start, end, type)})."""
    sentences, chars, tags = [], [], []

    def flush() -> None:
        if chars:
            text, spans, start, kind = "".join(chars), set(), None, None
            for i, tag in enumerate([*tags, "O"]):
                if start is not None and not tag.startswith("I-"):
                    spans.add((start, i, TYPES[kind]))
                    start = None
                if tag.startswith("B-") and tag[2:] in TYPES:
                    start, kind = i, tag[2:]
            sentences.append((text, spans))
        chars.clear()
        tags.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2:
            flush()
            continue
        chars.append(parts[0])
        tags.append(parts[1])
    flush()
    return sentences


def _overlap(a: int, b: int, spans: set[tuple[int, int, str]], text: str) -> str:
    """The spans of the other side overlapping [a, b), as 'type:surface' (empty: none)."""
    return " ".join(f"{t}:{text[x:y]}" for x, y, t in sorted(spans) if x < b and a < y)


def _context(text: str, a: int, b: int) -> str:
    return text[max(0, a - 12) : a].replace("\n", "/") + "[" + text[a:b] + "]" + text[b : b + 12].replace("\n", "/")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="first N sentences only (default: all)")
    ap.add_argument("--per-doc", type=int, default=20, help="sentences packed into one pseudo-article")
    ap.add_argument("--show", type=int, default=15, help="errors of each kind to print")
    ap.add_argument("--errors", type=Path, help="write every error (TSV: kind, type, span, overlap, context)")
    args = ap.parse_args()

    from kg.extraction import load_pipeline

    sentences = read_bio(args.corpus)
    if args.limit:
        sentences = sentences[: args.limit]
    nlp = load_pipeline()
    tp, fp, fn = Counter(), Counter(), Counter()
    errors: dict[str, list[str]] = {"spurious": [], "missed": []}
    rows: list[tuple[str, ...]] = []
    for at in range(0, len(sentences), args.per_doc):
        pack = sentences[at : at + args.per_doc]
        text = "\n".join(s for s, _ in pack)
        gold, offset = set(), 0
        for s, spans in pack:
            gold |= {(a + offset, b + offset, t) for a, b, t in spans}
            offset += len(s) + 1
        doc = nlp(text)
        found = {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in TYPES.values()}
        for *_, t in found & gold:
            tp[t] += 1
        for a, b, t in sorted(found - gold):
            fp[t] += 1
            errors["spurious"].append(f"{t:12} {text[a:b]}  «{text[max(0, a - 12) : b + 12]}»")
            rows.append(("spurious", t, text[a:b], _overlap(a, b, gold, text), _context(text, a, b)))
        for a, b, t in sorted(gold - found):
            fn[t] += 1
            errors["missed"].append(f"{t:12} {text[a:b]}  «{text[max(0, a - 12) : b + 12]}»")
            rows.append(("missed", t, text[a:b], _overlap(a, b, found, text), _context(text, a, b)))

    print(f"{args.corpus.name}: {len(sentences)} sentences, {sum(len(s) for s, _ in sentences):,} characters")
    print(f"{'type':14} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn")
    for t in TYPES.values():
        p = tp[t] / ((tp[t] + fp[t]) or 1)
        r = tp[t] / ((tp[t] + fn[t]) or 1)
        f = 2 * p * r / ((p + r) or 1)
        print(f"{t:14} {p:6.3f} {r:6.3f} {f:6.3f}   {tp[t]}/{fp[t]}/{fn[t]}")
    if args.errors:
        args.errors.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    rng = random.Random(0)
    for kind, rows in errors.items():
        print(f"\n{kind} (sample of {min(args.show, len(rows))} of {len(rows)}):")
        for row in sorted(rng.sample(rows, min(args.show, len(rows)))):
            print("  " + row)


if __name__ == "__main__":
    main()
