"""Loading the shipped data files (kg/data/**): lexicons, gazetteer, patterns.

Every file starts with `#` comment lines stating what it is and where it comes from; TSV files
then have a header row. Loaders here only parse and validate; the stages decide what the rows
mean. Errors name the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from kg.errors import DataFileError

DATA = Path(__file__).parent / "data"


def data_path(relative: str) -> Path:
    """Absolute path of a shipped data file, e.g. `lexicon/titles.tsv`."""
    path = DATA / relative
    if not path.is_file():
        raise DataFileError(f"data file {path} is missing: reinstall kg or restore it from git")
    return path


def _content_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield number, line


@cache
def read_tsv(relative: str, columns: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """Rows of a TSV data file as {column: value}, checking the header names `columns`.

    Extra trailing columns in the file are allowed (ignored); missing ones are an error.
    """
    path = data_path(relative)
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    at: list[tuple[str, int]] = []  # each column and its cell (the last of a repeated name)
    for number, line in _content_lines(path):
        cells = line.split("\t")
        if header is None:
            header = cells
            missing = [c for c in columns if c not in header]
            if missing:
                raise DataFileError(
                    f"{path}:{number}: header {header} lacks column(s) {missing}; expected {list(columns)}"
                )
            at = [(c, len(header) - 1 - header[::-1].index(c)) for c in columns]
            continue
        if len(cells) != len(header):
            if len(cells) > len(header):
                raise DataFileError(f"{path}:{number}: {len(cells)} cells but the header has {len(header)}")
            cells += [""] * (len(header) - len(cells))
        row = {c: cells[i].strip() for c, i in at}
        if not row[columns[0]]:
            raise DataFileError(f"{path}:{number}: empty {columns[0]!r}")
        rows.append(row)
    return tuple(rows)


@cache
def read_lines(relative: str) -> tuple[str, ...]:
    """Non-comment, non-blank lines of a one-item-per-line data file, stripped."""
    return tuple(line.strip() for _, line in _content_lines(data_path(relative)))


@cache
def read_patterns(relative: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(name, compiled regex) rows of a `name<TAB>regex` pattern file."""
    out = []
    path = data_path(relative)
    for number, line in _content_lines(path):
        name, sep, pattern = line.partition("\t")
        if not sep:
            raise DataFileError(f"{path}:{number}: expected 'name<TAB>regex', got {line!r}")
        try:
            out.append((name.strip(), re.compile(pattern.strip())))
        except re.error as exc:
            raise DataFileError(f"{path}:{number}: bad regex {pattern!r}: {exc}") from exc
    return tuple(out)


def split_aliases(cell: str) -> tuple[str, ...]:
    """A `|`-separated alias cell as a tuple without empties."""
    return tuple(a.strip() for a in cell.split("|") if a.strip())
