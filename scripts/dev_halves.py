"""Split the shared dev set into two halves by file, for development without overfitting.

    python scripts/dev_halves.py ../shared/eval/dev /tmp/kg-dev

writes /tmp/kg-dev/A and /tmp/kg-dev/B, each a set that `../shared/eval/build-each.sh` scores
(texts/, meta.tsv, gold.jsonl). Half A holds the odd-numbered files (g01, g03, ...) and is the one
developed on; half B (g02, g04, ...) is looked at only to measure. Odd/even interleaves the files,
which the set orders by province, so both halves span the country and every level of paper.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path


def half_of(name: str) -> str:
    """'A' for odd-numbered files (g01.txt), 'B' for even ones."""
    digits = "".join(ch for ch in Path(name).stem if ch.isdigit())
    if not digits:
        raise SystemExit(f"dev file without a number: {name!r}")
    return "A" if int(digits) % 2 else "B"


def main(src: Path, dst: Path) -> None:
    meta = (src / "meta.tsv").read_text(encoding="utf-8").splitlines()
    header, rows = meta[0], meta[1:]
    gold = [json.loads(line) for line in (src / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    for half in "AB":
        out = dst / half
        if out.exists():
            shutil.rmtree(out)
        (out / "texts").mkdir(parents=True)
        keep = [r for r in rows if r and half_of(r.split("\t")[0]) == half]
        (out / "meta.tsv").write_text("\n".join([header, *keep]) + "\n", encoding="utf-8")
        for r in keep:
            name = r.split("\t")[0]
            shutil.copy(src / "texts" / name, out / "texts" / name)
        lines = [json.dumps(g, ensure_ascii=False) for g in gold if half_of(g["doc"]) == half]
        (out / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{half}: {len(keep)} files -> {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
