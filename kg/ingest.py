"""Ingestion: newspaper text files -> Articles.

The input is text as extracted from printed pages: mastheads and page furniture, headlines
with kickers and decks, bylines, datelines, continuation markers, 导读 teasers, and sentences
broken across lines. `read_articles` turns a set of files into clean `Article` records that
keep character offsets back into their source files.

One bad file (binary, undecodable, empty) is reported in `IngestResult.failures` and the
other files are still read.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

import charset_normalizer

from kg.dates import parse_iso, resolve_date
from kg.errors import InputError, MetadataError
from kg.knowledge import papers
from kg.knowledge import titles as known_titles
from kg.records import Article, ArticleKind, Byline, DatePrecision, Issue, Segment
from kg.resources import read_lines, read_patterns

log = logging.getLogger(__name__)

SIDECAR_NAME = "issues.tsv"
"""A metadata file of this name in an input folder is read automatically."""

_TERMINAL = tuple("。！？!?；;…")
_CLOSERS = "”’」』）)】》\"'"
_CLAUSE_END = tuple("，,、：:；;")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_SENTENCE_PUNCT = re.compile(r"[，,、：:；;。！？]")
_INNER_SPACE = re.compile(r"[\u4e00-\u9fff“”\"]\s+[\u4e00-\u9fff“”\"]")
_HEADING_MAX = 50  # a headline line is at most this long
_SHORT_SUBHEAD = 12  # a lone heading line shorter than this inside an article is a subheading
_MASTHEAD_SCAN = 25  # lines at the top of a file that may hold a masthead


@dataclass(frozen=True)
class MetaOverrides:
    """Issue metadata given on the command line; wins over sidecar and masthead."""

    paper: str | None = None
    """Newspaper name for every input file."""
    date: str | None = None
    """Issue date, YYYY-MM-DD or YYYY-MM."""
    region: str | None = None
    """Region the paper serves, full administrative name (辽宁省, 吉林省辽源市)."""


@dataclass(frozen=True)
class IngestResult:
    """Articles read from the inputs, and the files that could not be read."""

    articles: tuple[Article, ...]
    """Articles and teasers of all files, joined across pages, in file then page order."""
    issues: tuple[Issue, ...]
    """One Issue per file read."""
    failures: tuple[InputError, ...]
    """One error per file that could not be read, naming the file and the problem."""


# --------------------------------------------------------------------------------------------
# files and encodings


def _broken_link(path: Path) -> InputError | None:
    """An error for a symbolic link that leads nowhere (dangling, or a loop), else None."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return InputError(f"{path}: symbolic link loop; skipped")
        if path.is_symlink():
            return InputError(f"{path}: symbolic link to a missing file ({os.readlink(path)}); skipped")
    return None


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[InputError]]:
    """The files to read (folders give their *.txt files), and the entries that cannot be.

    Every skipped entry is logged with the reason: links that lead nowhere are failures, other
    files and subfolders of an input folder are noted (`-v`), a file named twice is read once.
    """
    files: dict[str, Path] = {}
    failures: list[InputError] = []

    def add(path: Path) -> None:
        key = os.path.realpath(path)
        if key in files:
            log.info("%s: the same file as %s; read once", path, files[key])
            return
        files[key] = path

    for path in paths:
        try:
            is_dir = path.is_dir()
            broken = _broken_link(path) if not is_dir and path.is_symlink() else None
        except OSError as exc:  # e.g. a file inside a folder the user may not enter
            failures.append(InputError(f"{path}: cannot be read ({exc.strerror})"))
            continue
        if not is_dir:
            if broken:
                failures.append(broken)
            else:
                add(path)  # a missing or unreadable file is reported when it is read
            continue
        try:
            entries = sorted(path.iterdir())
        except OSError as exc:
            failures.append(InputError(f"{path}: folder cannot be listed ({exc.strerror})"))
            continue
        for entry in entries:
            broken = _broken_link(entry) if entry.is_symlink() else None
            if broken:
                failures.append(broken)
            elif entry.suffix.lower() != ".txt":
                if entry.name != SIDECAR_NAME:
                    log.info("%s: skipped (%s)", entry, "a folder" if entry.is_dir() else "not a .txt file")
            elif not entry.is_file():
                log.info("%s: skipped (not a regular file)", entry)
            else:
                add(entry)
    return list(files.values()), failures


def source_names(files: Sequence[Path]) -> dict[Path, str]:
    """The name each input file goes by (`kg:sourceFile`, article ids): its file name, unless
    several inputs share it; then the fewest trailing folders that tell them apart
    (A/page.txt, B/page.txt). A build of one folder keeps plain file names."""
    parts = {f: Path(os.path.abspath(f)).parts for f in files}
    by_name: dict[str, list[Path]] = {}
    for f in files:
        by_name.setdefault(f.name, []).append(f)
    out = {}
    for same in by_name.values():
        for depth in range(1, max(len(parts[f]) for f in same) + 1):
            names = {f: "/".join(parts[f][-depth:]) for f in same}
            if len(set(names.values())) == len(same):
                out.update(names)
                break
    return out


def decode(path: Path) -> str:
    """The text of a file in UTF-8 (with or without BOM) or GB18030/GBK, else InputError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a text file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: file is empty; expected the text of a newspaper page")
    if b"\x00" in data:
        raise InputError(f"{path}: contains NUL bytes, so it is binary (or UTF-16); expected UTF-8 or GB18030/GBK text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        match = charset_normalizer.from_bytes(data, cp_isolation=["gb18030"]).best()
        if match is None:
            raise InputError(
                f"{path}: cannot be decoded as UTF-8 or GB18030/GBK text (convert it with e.g. `iconv -t UTF-8`)"
            ) from None
        text = str(match)
    if not _CJK.search(text):
        raise InputError(f"{path}: decoded text has no Chinese characters; expected a Chinese newspaper page")
    return text


# --------------------------------------------------------------------------------------------
# metadata


def paper_region(paper: str) -> str | None:
    """The region a known paper serves (辽源日报 -> 吉林省辽源市), else None."""
    known = papers().get(paper)
    return known.region if known else None


def read_sidecar(path: Path) -> dict[str, dict[str, str]]:
    """A metadata file: TSV with header `file paper date region` (# comments allowed).

    Returns {file name: {paper, date, region}} with empty values left out.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{path}: cannot read metadata file ({exc})") from None
    out: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            if "file" not in header:
                raise MetadataError(f"{path}:{number}: header must name a 'file' column, got {cells}")
            unknown = set(header) - {"file", "paper", "date", "region"}
            if unknown:
                raise MetadataError(
                    f"{path}:{number}: unknown column(s) {sorted(unknown)}; allowed: file, paper, date, region"
                )
            continue
        if len(cells) > len(header):
            raise MetadataError(
                f"{path}:{number}: {len(cells)} tab-separated cells but the header has {len(header)} "
                f"({', '.join(header)}); a row may have at most one cell per column"
            )
        row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        if "date" in row and row["date"]:
            _check_date(row["date"], f"{path}:{number}")
        out[row["file"]] = {k: v for k, v in row.items() if k != "file" and v}
    return out


def _check_date(value: str, where: str) -> tuple[dt.date, DatePrecision]:
    try:
        date, exact = parse_iso(value)
    except ValueError:
        raise MetadataError(f"{where}: date {value!r} is not YYYY-MM-DD or YYYY-MM") from None
    return date, DatePrecision.DAY if exact else DatePrecision.MONTH


def _detect_masthead(lines: list[_Line]) -> dict[str, str]:
    """Paper name and date printed in the masthead at the top of the page, if any."""
    found: dict[str, str] = {}
    for line in lines[:_MASTHEAD_SCAN]:
        text = line.text
        if len(text) > _FURNITURE_MAX:  # a masthead line is short (and a 5 MB line is not scanned per paper)
            continue
        if "date" not in found:
            m = re.search(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日", text)
            if m and (len(text) < 40):
                found["date"] = f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
        if "paper" not in found:
            paper = _masthead_paper(text)
            if paper is not None:
                found["paper"] = paper
    return found


@cache
def _masthead_names() -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]]]:
    """The names of `papers()` as the masthead scan looks them up: the Chinese ones, and the
    pinyin ones by their upper-case form without spaces; each with its rank in `papers()` (the
    first one listed wins) and the paper's name."""
    chinese: dict[str, tuple[int, str]] = {}
    pinyin: dict[str, tuple[int, str]] = {}
    for rank, (name, paper) in enumerate(papers().items()):
        if _CJK.search(name):
            chinese.setdefault(name, (rank, paper.name))
        else:
            pinyin.setdefault(re.sub(r"\s+", "", name).upper(), (rank, paper.name))
    return chinese, pinyin


def _masthead_paper(line: str) -> str | None:
    """The paper whose name the masthead line `line` prints: a pinyin name (LIAO YUAN RI BAO) as
    the whole line; a Chinese one at the start of a short line (辽源日报 as a line of its own) or
    followed by 社 in it (辽源日报社出版), not a mention inside running text. The first in
    `papers()` of the names that match (looked up by the line's prefixes and the stretches before
    each 社, not by trying every name on every line)."""
    chinese, pinyin = _masthead_names()
    hits = []
    spelled = pinyin.get(re.sub(r"\s+", "", line).upper())
    if spelled is not None:
        hits.append(spelled)
    if len(line) <= 30:
        hits += [chinese[line[:k]] for k in range(1, len(line) + 1) if line[:k] in chinese]
        for end in [i for i, ch in enumerate(line) if ch == "社"]:
            hits += [chinese[line[i:end]] for i in range(end) if line[i:end] in chinese]
    return min(hits)[1] if hits else None


def _issue_for(source: str, lines: list[_Line], sidecar: dict[str, str], overrides: MetaOverrides) -> Issue:
    meta = _detect_masthead(lines)
    meta.update(sidecar)
    for key in ("paper", "date", "region"):
        value = getattr(overrides, key)
        if value:
            meta[key] = value
    date, precision = (None, DatePrecision.DAY)
    if meta.get("date"):
        date, precision = _check_date(meta["date"], f"{source}: issue")
    paper = meta.get("paper")
    region = meta.get("region") or (paper_region(paper) if paper else None)
    return Issue(source=source, paper=paper, date=date, date_precision=precision, region=region)


# --------------------------------------------------------------------------------------------
# lines


@dataclass
class _Piece:
    source_start: int
    text: str
    after_gap: bool = False  # a displaced headline lies between this piece and the one before


@dataclass
class _Line:
    """A non-blank line (or several joined), with where each piece came from."""

    pieces: list[_Piece]
    md_level: int = 0  # 1-6 for '#' headings
    displaced: bool = False  # a headline printed inside a broken sentence

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)

    def strip_prefix(self, n: int) -> None:
        while n > 0 and self.pieces:
            first = self.pieces[0]
            if len(first.text) <= n:
                n -= len(first.text)
                self.pieces.pop(0)
            else:
                self.pieces[0] = _Piece(first.source_start + n, first.text[n:], first.after_gap)
                n = 0
        self._trim()

    def strip_suffix(self, n: int) -> None:
        while n > 0 and self.pieces:
            last = self.pieces[-1]
            if len(last.text) <= n:
                n -= len(last.text)
                self.pieces.pop()
            else:
                self.pieces[-1] = _Piece(last.source_start, last.text[: len(last.text) - n], last.after_gap)
                n = 0
        self._trim()

    def _trim(self) -> None:
        text = self.text
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        if lead:
            self.strip_prefix(lead)
        if trail:
            self.strip_suffix(trail)


def _split_lines(text: str) -> list[_Line]:
    lines = []
    for m in re.finditer(r"[^\r\n]+", text):
        raw = m.group(0)
        stripped = raw.strip().replace("\u3000", " ").strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip(" \t\u3000\ufeff"))
        line = _Line([_Piece(m.start() + lead, raw[lead:])])
        line._trim()
        md = _MD_HEADING.match(line.text)
        if md:
            line.strip_prefix(len(md.group(1)))
            line.md_level = len(md.group(1))
        if line.pieces:
            lines.append(line)
    return lines


# --------------------------------------------------------------------------------------------
# line classification


@cache
def _furniture() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return read_patterns("ingest/furniture.tsv")


@cache
def _bylines() -> dict[str, re.Pattern[str]]:
    return dict(read_patterns("ingest/bylines.tsv"))


@cache
def _title_byline() -> re.Pattern[str]:
    """`<title> <name>` lines such as 辽阳市委书记 霍步刚 or 市长 孙弘 (titles from the lexicon)."""
    titles = sorted(known_titles(), key=len, reverse=True)
    alt = "|".join(re.escape(t) for t in titles)
    return re.compile(rf"^(?P<role>[\u4e00-\u9fff]{{0,12}}(?:{alt}))\s+(?P<names>[\u4e00-\u9fff]{{2,4}})$")


_FURNITURE_MAX = 80
"""Page furniture (mastheads, page labels, hotlines, e-mail lines) is printed in short lines;
a longer line is running text even if it holds 今日8版 or an e-mail address."""
_LONG_LINE = 10_000
"""A line longer than this is not a printed page's line: the file is reported as one text
without line breaks (it is still read, as running text)."""


def _is_furniture(text: str) -> bool:
    return len(text) <= _FURNITURE_MAX and any(p.search(text) for _, p in _furniture())


def _ends_sentence(text: str) -> bool:
    if _bylines()["continued_on"].search(text[-12:]):
        return True  # …(下转第二版): the page's part of the article ends here
    return text.rstrip(_CLOSERS).endswith(_TERMINAL) or text.endswith("——")


def _byline_line(text: str) -> re.Match[str] | None:
    b = _bylines()
    for name in (
        "reporter_place_line",
        "reporter_line",
        "photo_credit_line",
        "dateline_line",
        "credit_line",
        "credit_after_line",
        "caption_credit_line",
        "web_credit_line",
        "source_author_line",
    ):
        m = b[name].match(text)
        if m:
            return m
    if len(text) <= 24:
        return _title_byline().match(text)
    return None


def _is_credit_end(text: str) -> bool:
    """A line that closes an article: a trailing dateline or a photo credit."""
    b = _bylines()
    return bool(
        b["dateline_line"].match(text)
        or b["photo_credit_line"].match(text)
        or b["photo_credit_tail"].search(text)
        or b["credit_tail"].search(text)
    )


def _opens_article(text: str) -> bool:
    """A body line that starts with a dateline (本报讯, 新华社北京8月5日电) or 上接 marker."""
    b = _bylines()
    return bool(
        b["benbao"].match(text)
        or b["benbao_place"].match(text)
        or b["agency_dateline"].match(text)
        or b["continued_from"].match(text)
    )


def _heading_like(line: _Line) -> bool:
    text = line.text
    b = _bylines()
    if b["teaser_pointer"].match(text) or b["continued_on"].search(text) or b["continued_from"].match(text):
        return False
    if line.md_level:
        return True
    if _ends_sentence(text) or len(text) > _HEADING_MAX or text.endswith(_CLAUSE_END):
        return False
    if re.search(r"[。！？!?]", text.rstrip(_CLOSERS)):  # a sentence ends inside: running text
        return False
    if text[:1] in "（(" and _name_tail(text) is not None:
        return False  # （张三 李四） on its own line under the story: its credit, not a headline
    return not _opens_article(text) and not _byline_line(text)


def _is_deck(text: str) -> bool:
    return text.startswith(("——", "--", "―"))


def _body_like(line: _Line) -> bool:
    """Running text (as opposed to a headline): long, or ending a sentence."""
    text = line.text
    if line.md_level or _byline_line(text) or _is_furniture(text):
        return False
    return _ends_sentence(text) or len(text) >= 30 or text.endswith(_CLAUSE_END)


def _broken(line: _Line, nxt: _Line | None) -> bool:
    """Whether `line` is a sentence cut by a line break and continues in `nxt`."""
    text = line.text
    if nxt is None or line.md_level or _ends_sentence(text) or _byline_line(text):
        return False
    if _bylines()["teaser_pointer"].match(nxt.text) or _opens_article(nxt.text):
        return False
    if not _body_like(nxt) or _INNER_SPACE.search(text) and not _opens_article(text):
        return False
    return len(text) >= 30 or bool(_SENTENCE_PUNCT.search(text))


# --------------------------------------------------------------------------------------------
# page -> raw articles


@dataclass
class _Raw:
    """An article being assembled from one page."""

    source: str
    index: int
    heads: list[_Line] = field(default_factory=list)  # kicker/headline/deck lines in order
    headline_at: int | None = None  # index into heads
    body: list[_Line] = field(default_factory=list)
    continued_on: bool = False
    continued_from: bool = False
    teaser: bool = False
    closed: bool = False  # ended by a trailing credit

    @property
    def headline(self) -> str | None:
        return self.heads[self.headline_at].text if self.headline_at is not None else None


def _choose_headline(heads: list[_Line]) -> int | None:
    candidates = [i for i, h in enumerate(heads) if not _is_deck(h.text)]
    if not candidates:
        return None
    md = [i for i in candidates if heads[i].md_level]
    if md:
        top = min(heads[i].md_level for i in md)
        return [i for i in md if heads[i].md_level == top][-1]
    return candidates[-1]


def _repair(lines: list[_Line]) -> list[_Line]:
    """Join sentences broken across lines, also across a headline printed inside them."""
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while True:
            displaced = _displaced_heading(lines, i, line)
            if displaced:
                # headline lines printed inside a broken sentence: keep them before the sentence
                for moved in lines[i + 1 : i + 1 + displaced]:
                    moved.displaced = True
                    out.append(moved)
                rest = lines[i + 1 + displaced].pieces
                if rest:
                    rest[0].after_gap = True
                line = _Line(line.pieces + rest)
                i += 1 + displaced
                continue
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if _broken(line, nxt):
                line = _Line(line.pieces + nxt.pieces)
                i += 1
                continue
            break
        out.append(line)
        i += 1
    return out


def _displaced_heading(lines: list[_Line], i: int, line: _Line) -> int:
    """Number of heading lines between a broken `line` and its continuation, or 0."""
    text = line.text
    if line.md_level or _ends_sentence(text) or len(text) < 30 or _byline_line(text):
        return 0
    for k in range(1, 4):
        if i + 1 + k >= len(lines):
            return 0
        between = lines[i + 1 : i + 1 + k]
        after = lines[i + 1 + k]
        if any(not _heading_like(b) or b.md_level for b in between):
            return 0  # a marked-up heading (##) is where it belongs
        if (
            _body_like(after)
            and not _opens_article(after.text)
            and not _heading_like(after)
            and any(_heading_like(b) and _INNER_SPACE.search(b.text) for b in between)
        ):
            return k
    return 0


def _page_articles(source: str, lines: list[_Line]) -> list[_Raw]:
    """Split one page's lines into raw articles and teasers."""
    b = _bylines()
    # masthead: everything up to the last furniture line near the top, if no body precedes it
    top = 0
    for j, line in enumerate(lines[:_MASTHEAD_SCAN]):
        if _body_like(line) and not _is_furniture(line.text):
            break
        if _is_furniture(line.text):
            top = j + 1
    lines = [ln for ln in lines[top:] if not (_is_furniture(ln.text) and not b["teaser_pointer"].match(ln.text))]
    md_mode = any(ln.md_level in (1, 2) for ln in lines)
    lines = _repair(lines)

    raws: list[_Raw] = []
    cur: _Raw | None = None

    def start(heads: list[_Line]) -> _Raw:
        raw = _Raw(source, len(raws), heads=heads, headline_at=_choose_headline(heads))
        raws.append(raw)
        return raw

    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if b["teaser_pointer"].match(text):
            if cur is not None:
                cur.teaser = True
                cur.closed = True
            i += 1
            continue
        # a group of heading lines
        if _heading_like(line) and not (md_mode and line.md_level >= 3):
            j = i
            while j < len(lines) and _heading_like(lines[j]) and not (md_mode and lines[j].md_level >= 3):
                j += 1
            group = lines[i:j]
            nxt = lines[j] if j < len(lines) else None
            if cur is not None and all(g.displaced for g in group):
                # the headline of the current article, printed inside its first column
                if cur.headline_at is None:
                    cur.heads, cur.headline_at = group, _choose_headline(group)
                else:
                    cur.body.extend(group)
            elif _new_article(group, nxt, cur, lines[j:], md_mode):
                cur = start(group)
            else:  # subheadings inside the current article
                if cur is None:
                    cur = start([])
                cur.body.extend(group)
            i = j
            continue
        # body, byline, credit
        if cur is not None and not cur.closed and b["dateline_line"].match(text):
            cur.body.append(line)  # a trailing dateline: the wire story ends here
            cur.closed = True
            i += 1
            continue
        opens = _opens_article(text)
        if cur is None or cur.closed or (opens and cur.body and _has_body_text(cur)):
            cur = start([])
        if b["continued_from"].match(text):
            cur.continued_from = True
            line.strip_prefix(b["continued_from"].match(text).end())
            if not line.pieces:
                i += 1
                continue
        m_on = b["continued_on"].search(line.text)
        if m_on:
            cur.continued_on = True
            line.strip_suffix(len(line.text) - m_on.start())
            if line.pieces:
                cur.body.append(line)
            cur.closed = True
            i += 1
            continue
        cur.body.append(line)
        # a credit closes a caption or story; a caption line with its credit printed under the
        # headline (会议现场  记者尚洪涛 摄), before any body text, opens the story instead
        if _is_credit_end(line.text) and not opens and not (_byline_line(line.text) and not _has_body_text(cur)):
            cur.closed = True
        i += 1
    return [r for r in raws if r.body or r.heads]


def _has_body_text(raw: _Raw) -> bool:
    return any(_body_like(ln) and not _byline_line(ln.text) for ln in raw.body)


def _new_article(group: list[_Line], nxt: _Line | None, cur: _Raw | None, rest: list[_Line], md_mode: bool) -> bool:
    """Whether a group of heading lines starts a new article (vs. subheadings inside one)."""
    if cur is None or cur.closed:
        return True
    titles = [g for g in group if not _is_deck(g.text)]
    if md_mode:
        return any(g.md_level in (1, 2) for g in group) or (
            nxt is not None and _bylines()["teaser_pointer"].match(nxt.text) is not None
        )
    if nxt is None:
        return True
    if _opens_article(nxt.text) or _byline_line(nxt.text) or _bylines()["teaser_pointer"].match(nxt.text):
        return True
    if len(titles) >= 2:
        return True
    title = titles[0].text if titles else ""
    if len(title) <= 2:  # 加 / 减 / 乘 / 除: numbered sections of a feature
        return False
    # a photo with caption: the lines up to the next heading end with a credit
    for line in rest:
        if _heading_like(line):
            break
        if _is_credit_end(line.text):
            return True
    return len(title) >= _SHORT_SUBHEAD or bool(_INNER_SPACE.search(title))


# --------------------------------------------------------------------------------------------
# raw article -> Article


def _names(cell: str | None, role: str) -> list[tuple[str, str]]:
    """(name, role) pairs of a byline cell; a role word inside it switches the role of the
    names after it (记者 李艳红 通讯员 张三)."""
    out = []
    b = _bylines()
    cell = b["glued_role"].sub(r" \1", cell or "")  # 记者姚克勤通讯员李鸿光: a role glued to the name before it
    for token in re.split(r"[\s、]+", cell.strip()):
        if b["credit_word"].match(token):
            continue  # 记者 张三 摄影报道: the kind of the report
        while (head := b["role_in_cell"].match(token)) is not None and head.end() > 0:
            role, token = head.group(1), token[head.end() :]
        if b["not_name_end"].search(token) or b["paper_word_end"].search(token) or b["unit_word"].match(token):
            continue  # 文/本刊记者冯娜娜, 作者：西洋镇 黄强: the paper's word or the unit, not a name
        if len(token) in (5, 6) and (parts := _two_names(token)) is not None:
            out += [(parts[0], role), (parts[1], role)]  # 蔡早勤汤华明, 李蕾张羽飞: two names without a space
        elif 2 <= len(token) <= 8:
            out.append((token, role))
    return out


def _two_names(token: str) -> tuple[str, str] | None:
    """Two names printed without a space (蔡早勤汤华明, 李蕾张羽飞, 丁奇志张斌): the one way to cut
    the token into names of two or three characters that each open with a surname, if only one."""
    surnames = _surnames()
    cuts = [
        (token[:i], token[i:])
        for i in (2, 3)
        if 2 <= len(token) - i <= 3 and token[0] in surnames and token[i] in surnames
    ]
    return cuts[0] if len(cuts) == 1 else None


@cache
def _surnames() -> frozenset[str]:
    return frozenset(read_lines("lexicon/surnames.txt"))


def _name_tail(text: str) -> re.Match[str] | None:
    """The bare names closing an article's last line, in brackets (…工作。（张三 李四））or after
    a solid mark (…事项。■张三): the credit of papers that print no role; each must open with a
    surname, so that （完）, （新华社） or an explanation in brackets is not read as one."""
    b = _bylines()
    m = b["mark_tail"].search(text)
    if m is None:
        m = b["name_tail"].search(text)
        if m is None or not re.search(r"(?:^|[。！？!?”])\s*$", text[: m.start()]):
            return None  # the brackets must follow a finished sentence or stand on their own line
    return m if _surname_names(m.group("names")) else None


def _surname_names(cell: str) -> bool:
    """Whether every name of a byline cell printed without a role opens with a surname and does
    not end as a body's or a role's word does."""
    surnames = _surnames()
    names = re.split(r"[\s、]+", cell.strip())
    return all((n[:1] in surnames or n[:2] in surnames) and not _bylines()["not_name_end"].search(n) for n in names)


"""Last characters of bracketed words that are bodies or notes, not names (（新华社）, （待续）)."""


@dataclass
class _Builder:
    """Accumulates article text line by line with its source segments."""

    text: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    length: int = 0

    def add(self, line: _Line, source: str) -> int:
        if self.text:
            self.text.append("\n")
            self.length += 1
        at = self.length
        for piece in line.pieces:
            self.segments.append(
                Segment(self.length, source, piece.source_start, len(piece.text), piece.after_gap and self.length > at)
            )
            self.text.append(piece.text)
            self.length += len(piece.text)
        return at


def _build(parts: list[_Raw], issue: Issue) -> Article:
    b = _bylines()
    first = parts[0]
    builder = _Builder()
    bylines: list[Byline] = []
    agency = place = None
    date: dt.date | None = None
    head = first.heads
    hl = first.headline_at
    for line in head:
        builder.add(line, first.source)
    body_start = builder.length + (1 if builder.text else 0)
    for part in parts:
        if part is not first:
            for line in part.heads:  # the continuation repeats the headline: keep it as text
                builder.add(line, part.source)
        for line in part.body:
            at = builder.add(line, part.source)
            text = line.text
            m = _byline_line(text)
            if m is None:
                for name in (
                    "benbao_paren",
                    "benbao_report",
                    "benbao_place_report",
                    "benbao_place",
                    "agency_dateline",
                    "benbao_spaced",
                    "benbao_bare",
                    "benbao",
                ):
                    m = b[name].match(text)
                    if m and name == "benbao_bare" and not _surname_names(m.group("names")):
                        m = b["benbao"].match(text)  # 本报讯 近年 …: the dateline without a name
                    if m:
                        break
            if m is None:
                m = b["photo_credit_tail"].search(text) or b["credit_tail"].search(text)
            if m is None and part is parts[-1] and line is part.body[-1]:
                m = _name_tail(text)
            if m is None:
                continue
            groups = m.groupdict()
            if groups.get("agency") and agency is None:
                own = issue.paper and groups["agency"].endswith(issue.paper)  # 河北日报讯, 新甘肃·甘肃日报记者
                agency = "本报" if own else groups["agency"]
            if groups.get("place") and place is None:
                place = groups["place"]
            if groups.get("date") and date is None:
                date = resolve_date(groups["date"], issue.date)
            names_at = m.start("names") if groups.get("names") else -1
            first_role = (groups.get("role") or "").replace("本报", "") or ("记者" if agency else "")
            for name, role in _names(groups.get("names"), first_role):
                offset = text.find(name, names_at)
                if offset < 0:
                    continue
                if not any(bl.name == name for bl in bylines):
                    bylines.append(Byline(name, role, at + offset, at + offset + len(name)))
    kicker = deck = None
    if hl is not None:
        kicker = " ".join(h.text for h in head[:hl] if not _is_deck(h.text)) or None
        decks = [h.text.lstrip("—-― ") for h in head[hl + 1 :]]
        deck = " ".join(decks) or None
    stem = source_stem(first.source)
    return Article(
        id=f"{stem}/{first.index:02d}",
        issue=issue,
        kind=ArticleKind.TEASER if first.teaser else ArticleKind.ARTICLE,
        headline=first.headline,
        kicker=kicker,
        deck=deck,
        bylines=tuple(bylines),
        dateline_place=place,
        dateline_date=date,
        agency=agency,
        text="".join(builder.text),
        body_start=min(body_start, builder.length),
        segments=tuple(builder.segments),
        sources=tuple(dict.fromkeys(p.source for p in parts)),
    )


def source_stem(source: str) -> str:
    """A source name without its suffix (page.txt -> page, A/page.txt -> A/page): the article ids' stem."""
    return str(PurePosixPath(source).with_suffix(""))


def _norm_headline(text: str | None) -> str:
    return re.sub(r"[\s“”\"《》:：,，]", "", text or "")


def _continues(tail: _Raw, part: _Raw) -> bool:
    """Whether `part` continues `tail`: it carries the same headline again, or it opens with
    (上接…) under the same headline or a shortened one."""
    a, b = _norm_headline(tail.headline), _norm_headline(part.headline)
    if not a or not b:
        return False
    return a == b or (part.continued_from and (a in b or b in a))


def _join(pages: list[tuple[Issue, list[_Raw]]]) -> list[list[_Raw]]:
    """Group raw articles into articles: a part ending (下转第N版) joins the part of the same
    issue that carries its headline again or opens with (上接...)."""
    groups: list[list[_Raw]] = []
    taken: set[tuple[str, int]] = set()
    same_issue: dict[str, tuple] = {
        issue.source: (issue.paper, issue.date) if issue.paper and issue.date else (issue.source,) for issue, _ in pages
    }
    all_raws = [(issue, r) for issue, raws in pages for r in raws]
    for issue, raw in all_raws:
        if (raw.source, raw.index) in taken:
            continue
        group = [raw]
        taken.add((raw.source, raw.index))
        tail = raw
        while tail.continued_on and tail.headline:
            follow = next(
                (
                    r
                    for iss, r in all_raws
                    if (r.source, r.index) not in taken
                    and same_issue[iss.source] == same_issue[issue.source]
                    and r.source != tail.source
                    and _continues(tail, r)
                ),
                None,
            )
            if follow is None:
                break
            group.append(follow)
            taken.add((follow.source, follow.index))
            tail = follow
        groups.append(group)
    return groups


def _quietly(test) -> bool:
    """A path test that is False where the path cannot be examined (reported when read)."""
    try:
        return test()
    except OSError:
        return False


def _metadata(paths: Sequence[Path], files: Sequence[Path], sidecar: Path | None):
    """A function giving each file's sidecar metadata. `sidecar` (--meta) names files by file
    name (or a path ending); without it, the `issues.tsv` of the folder a file is in (an
    input folder, or the folder of files named one by one: `kg build seeds/*.txt` reads
    seeds/issues.tsv as `kg build seeds` does) names the files of that folder."""
    if sidecar is not None:
        rows = read_sidecar(sidecar)

        def given(path: Path) -> dict[str, str]:
            posix = Path(os.path.abspath(path)).as_posix()
            for name, row in rows.items():
                if name == path.name or posix.endswith("/" + name.lstrip("./")):
                    return row
            return {}

        return given
    folders = {os.path.realpath(p): p for p in paths if _quietly(p.is_dir)}
    for f in files:
        folders.setdefault(os.path.realpath(f.parent), f.parent)
    by_file: dict[str, dict[str, str]] = {}
    for real, folder in sorted(folders.items()):
        table = folder / SIDECAR_NAME
        if _quietly(table.is_file):
            for name, row in read_sidecar(table).items():
                by_file[os.path.join(real, name)] = row
    return lambda path: by_file.get(os.path.join(os.path.realpath(path.parent), path.name), {})


def read_articles(
    paths: Iterable[Path | str],
    overrides: MetaOverrides | None = None,
    sidecar: Path | None = None,
) -> IngestResult:
    """Read newspaper text files (or folders of `*.txt`) into Articles.

    Metadata per file comes from the masthead, then the sidecar (`issues.tsv` in an input
    folder, or `sidecar`), then `overrides`, the later winning.
    """
    overrides = overrides or MetaOverrides()
    if overrides.date:
        _check_date(overrides.date, "--date")
    paths = [Path(p) for p in paths]
    files, failures = _expand(paths)
    for exc in failures:
        log.error("%s", exc)
    meta_for = _metadata(paths, files, sidecar)
    names = source_names(files)
    pages: list[tuple[Issue, list[_Raw]]] = []
    # Sorted: the output must not depend on the order inputs are named in.
    for path in sorted(files, key=lambda f: (names[f], str(f))):
        try:
            text = decode(path)
        except InputError as exc:
            log.error("%s", exc)
            failures.append(exc)
            continue
        lines = _split_lines(text)
        longest = max((len(line.text) for line in lines), default=0)
        if longest > _LONG_LINE:
            log.warning(
                "%s: holds a line of %d characters, not the short lines of a printed page; read as running text",
                path,
                longest,
            )
        issue = _issue_for(names[path], lines, meta_for(path), overrides)
        raws = _page_articles(names[path], lines)
        if not raws:
            exc = InputError(
                f"{path}: no article text found: its {len(lines)} line(s) are all page furniture "
                "(mastheads, page labels, hotlines, QR-code notes)"
            )
            log.error("%s", exc)
            failures.append(exc)
            continue
        pages.append((issue, raws))
    issues = {issue.source: issue for issue, _ in pages}
    articles = [_build(group, issues[group[0].source]) for group in _join(pages)]
    return IngestResult(tuple(articles), tuple(issues.values()), tuple(failures))
