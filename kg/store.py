"""The embedded SPARQL store: a built graph file loaded into pyoxigraph (RocksDB) under `<out>/store/`.

Layout. A loaded store is never modified after it is published, and it is named by what it holds:

    <out>/store/.lock                    flock: shared while opening, exclusive while loading or cleaning up
    <out>/store/<sha16>-ox<version>/     the graph whose sha256 starts with <sha16>, loaded by pyoxigraph <version>
        db/                              the pyoxigraph (RocksDB) store
        stamp.json                       graph path, full sha256, format, triple count, load time
        reader.lock                      flock: shared by every process that has this store open

`open_store(graph)` hashes the graph file. If the store for that hash exists it is opened read-only;
otherwise the graph is bulk-loaded into a temporary directory beside it (`.tmp-*`), which is then
renamed into place: a reader sees a complete store or none, never half of one. So the store is
reloaded exactly when the graph file's content changed. Stores of older graphs are deleted once no
process holds their reader lock (a running `kg serve` keeps serving the graph it started with).
Locking uses POSIX `flock`; where that is unavailable, loads are not protected against each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pyoxigraph as ox

from kg.errors import QueryError
from kg.iri import mint

try:
    import fcntl
except ImportError:  # pragma: no cover - non-POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

graph_option = click.option(
    "--graph",
    default="output/graph.nt",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Built graph file; loaded into a store beside it (store/) when it changed.",
)
"""The `--graph` option of the commands that query the store (kg query, kg serve)."""

FORMATS: dict[str, ox.RdfFormat] = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
"""Graph file suffixes the store can load, and their format."""

DEFAULT_GRAPH_IRI = str(mint("graph"))
"""The name under which the SPARQL endpoint offers the store's default graph, which holds the built
graph (SPARQL 1.1 Protocol `default-graph-uri`; e.g. SPARQLWrapper's addDefaultGraph)."""

STAMP = "stamp.json"
READER_LOCK = "reader.lock"
DB = "db"
VERSION = ox.__version__


@dataclass(frozen=True)
class StoreInfo:
    """What a store holds and where it came from."""

    graph: Path
    """The graph file loaded (absolute)."""
    directory: Path
    """The store's own directory (`<root>/<sha16>-ox<version>`)."""
    sha256: str
    """SHA-256 of the graph file's bytes when it was loaded."""
    triples: int
    """Triples in the store."""
    load_seconds: float
    """Seconds the bulk load took."""
    loaded: bool
    """True if this call loaded the graph, False if an existing store was reused."""


class GraphStore:
    """An open, read-only store. Holds a shared lock on its directory until `close()`, so no
    other process deletes it while it is in use. Usable as a context manager."""

    def __init__(self, store: ox.Store, info: StoreInfo, lock_fd: int | None):
        self.store = store
        """The pyoxigraph store (opened read-only)."""
        self.info = info
        """What it holds."""
        self._lock_fd = lock_fd

    def close(self) -> None:
        """Release the store and its lock."""
        self.store = None  # type: ignore[assignment]
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def default_root(graph: Path) -> Path:
    """Where the store of `graph` lives: `store/` beside the graph file."""
    return graph.parent / "store"


def graph_format(graph: Path) -> ox.RdfFormat:
    """The RDF format of a graph file, from its suffix."""
    fmt = FORMATS.get(graph.suffix.lower())
    if fmt is None:
        raise QueryError(
            f"cannot load graph file {graph}: unknown suffix {graph.suffix!r}; allowed: {', '.join(FORMATS)}"
        )
    return fmt


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def open_store(graph: Path, root: Path | None = None) -> GraphStore:
    """Open the store of `graph` read-only, loading the graph first if its content is new.

    `root` defaults to `store/` beside the graph. Raises QueryError if the graph file is missing
    or cannot be parsed.
    """
    graph = Path(graph).absolute()
    root = Path(root).absolute() if root is not None else default_root(graph)
    locks: list[int] = []
    info = ensure_store(graph, root, reader_locks=locks)
    lock_fd = locks[0] if locks else None
    try:
        store = open_directory(info.directory)
    except BaseException:
        if lock_fd is not None:
            os.close(lock_fd)
        raise
    return GraphStore(store, info, lock_fd)


def ensure_store(graph: Path, root: Path | None = None, *, reader_locks: list[int] | None = None) -> StoreInfo:
    """Make sure the store of `graph`'s current content exists (loading it if not); returns its info.

    If `reader_locks` is a list, a shared reader lock on the store is taken and its descriptor
    appended: the caller must `os.close` it when done with the store.
    """
    graph = Path(graph).absolute()
    root = Path(root).absolute() if root is not None else default_root(graph)
    if not graph.is_file():
        what = "is not a file" if graph.exists() else "does not exist"
        raise QueryError(
            f"graph file {graph} {what}: run `kg build` first (it writes output/graph.nt), or pass --graph PATH"
        )
    fmt = graph_format(graph)
    sha = file_sha256(graph)
    directory = root / f"{sha[:16]}-ox{VERSION}"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QueryError(f"cannot create the store directory {root}: {exc}") from exc
    with _flock(root / ".lock", shared=True):
        info = _read_stamp(directory, graph, sha)
        if info is not None:
            _take_reader_lock(directory, reader_locks)
            others = any(entry.is_dir() and entry != directory for entry in root.iterdir())
    if info is not None:
        if others:  # stores of earlier graphs, left while they were in use
            with _flock(root / ".lock", shared=False):
                _remove_unused(root, keep=directory)
        return info
    with _flock(root / ".lock", shared=False):
        info = _read_stamp(directory, graph, sha)  # another process may have loaded it meanwhile
        loaded = info is None
        if info is None:
            info = _load(graph, fmt, sha, root, directory)
        _take_reader_lock(directory, reader_locks)
        _remove_unused(root, keep=directory)
    return StoreInfo(info.graph, info.directory, info.sha256, info.triples, info.load_seconds, loaded)


def open_directory(directory: Path) -> ox.Store:
    """Open a published store directory read-only (the caller keeps it from being deleted)."""
    try:
        return ox.Store.read_only(str(directory / DB))
    except OSError as exc:
        raise QueryError(
            f"cannot open the store in {directory}: {exc}; delete {directory.parent} to rebuild it"
        ) from exc


def _read_stamp(directory: Path, graph: Path, sha: str) -> StoreInfo | None:
    try:
        data = json.loads((directory / STAMP).read_text(encoding="utf-8"))
        if data["sha256"] != sha:
            log.warning("store %s holds a different graph (sha256 %s); reloading", directory, data["sha256"])
            return None
        return StoreInfo(
            graph=graph,
            directory=directory,
            sha256=str(data["sha256"]),
            triples=int(data["triples"]),
            load_seconds=float(data["load_seconds"]),
            loaded=False,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the unreadable store stamp %s (%s); reloading", directory / STAMP, exc)
        return None


def _load(graph: Path, fmt: ox.RdfFormat, sha: str, root: Path, directory: Path) -> StoreInfo:
    log.info("loading %s into the SPARQL store %s", graph, directory)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        started = time.perf_counter()
        store = ox.Store(str(tmp / DB))
        try:
            store.bulk_load(path=str(graph), format=fmt)
        except SyntaxError as exc:
            raise QueryError(f"graph file {graph} is not valid {fmt.name}: {exc}; rebuild it with `kg build`") from exc
        store.flush()
        triples = len(store)
        del store  # closes the database before it is moved
        seconds = time.perf_counter() - started
        if file_sha256(graph) != sha:
            raise QueryError(f"graph file {graph} changed while it was being loaded; run the command again")
        stamp = {
            "graph": str(graph),
            "sha256": sha,
            "format": fmt.name,
            "triples": triples,
            "load_seconds": round(seconds, 3),
            "pyoxigraph": VERSION,
        }
        (tmp / STAMP).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        (tmp / READER_LOCK).touch()
        if directory.exists():  # a damaged store (no readable stamp): move it aside, removed below
            directory.rename(root / f".old-{directory.name}-{os.getpid()}")
        tmp.rename(directory)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.info("loaded %d triples in %.2f s", triples, seconds)
    return StoreInfo(graph, directory, sha, triples, seconds, loaded=True)


def _take_reader_lock(directory: Path, out: list[int] | None) -> None:
    if out is None or fcntl is None:
        return
    fd = os.open(directory / READER_LOCK, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    out.append(fd)


def _remove_unused(root: Path, keep: Path) -> None:
    """Delete the other stores in `root` that no process has open (called under the exclusive lock)."""
    for entry in sorted(root.iterdir()):
        if entry == keep or not entry.is_dir():
            continue
        if not entry.name.startswith((".tmp-", ".old-")) and not (entry / STAMP).exists():
            continue  # not ours
        if fcntl is not None and (entry / READER_LOCK).exists():
            fd = os.open(entry / READER_LOCK, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.debug("keeping %s: still open in another process", entry)
                continue
            finally:
                os.close(fd)
        log.info("removing the unused store %s", entry)
        shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def _flock(path: Path, *, shared: bool) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:  # a store someone else loaded, in a folder we cannot write: read-only lock
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise QueryError(f"cannot lock the store: {path}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
