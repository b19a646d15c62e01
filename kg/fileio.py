"""Atomic output.

Single files (`write_atomic`): the bytes go to a temporary file beside the target, which is
then renamed onto it, so the file is either its old content or its complete new content.

The output set of a build (`output_set`): graph.ttl, graph.nt, graph.jsonld and graph.html
belong together, so they are written into a fresh folder beside `--out`
(`.<name>.kg-build-<pid>-<random>`, created before any work, which also proves the place is
writable) and swapped in at the end with one rename: Linux `renameat2(RENAME_EXCHANGE)`
exchanges the two folders atomically, so a reader of `--out` sees the old set or the new
one, never a mix, and `--out` stays a plain folder (paths into it keep working). Entries of
`--out` that a build does not write (`store/` of `kg query`, a user's own files) are moved
into the new folder before the swap. Where RENAME_EXCHANGE is unavailable (not Linux, or a
file system without it) two renames are used: for a moment `--out` is absent, still never
mixed. The old set is deleted after the swap; folders left by a killed build (their process
gone) are deleted by the next build, except the previous set of a build killed between the
two renames (`--out` absent), which is renamed back to `--out`. A failure (disk full, read-only file system) removes the
fresh folder and leaves `--out` as it was.

Why not `--out` as a symlink to versioned folders: an existing `--out` folder cannot be
replaced by a symlink atomically, and users' paths and tools would see a link instead of a
folder; the exchange keeps everything as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kg.errors import OutputError

log = logging.getLogger(__name__)

OUTPUT_NAMES = frozenset({"graph.ttl", "graph.nt", "graph.jsonld", "graph.html"})
"""The files a build writes; every other entry of --out is carried over to the new set."""

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` atomically (UTF-8 for str)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`; renamed onto `path` if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.chmod(0o666 & ~_umask())  # mkstemp makes it private; the result should be like any written file
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prefix(out: Path) -> str:
    return f".{out.name}.kg-build-"


def _remove_stale(out: Path) -> None:
    """Delete folders left beside `out` by builds that were killed (their process is gone)."""
    pattern = re.compile(re.escape(_prefix(out)) + r"(\d+)-")
    for entry in sorted(out.parent.iterdir()) if out.parent.is_dir() else ():
        m = pattern.match(entry.name)
        if not m or not entry.is_dir() or entry.is_symlink():
            continue
        pid = int(m.group(1))
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # its build is still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        if entry.name.endswith("-old") and not out.exists():
            # killed between the two renames of the fallback swap: this is the previous build
            log.warning("restoring %s from %s, left by an interrupted build", out, entry)
            os.rename(entry, out)
            continue
        log.info("removing %s, left by an interrupted build", entry)
        shutil.rmtree(entry, ignore_errors=True)


def _problem(out: Path, exc: OSError, doing: str) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"{out}: cannot {doing} ({reason}); the previous build in it is unchanged")


_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


def _writing(exc: OSError, staging: Path) -> bool:
    """Whether an error raised while a build wrote into `staging` is about the output: the disk
    or the folder (full, read-only, over quota), or a file inside `staging`."""
    if exc.errno in _OUTPUT_ERRNOS:
        return True
    names = [n for n in (exc.filename, exc.filename2) if n is not None]
    return any(Path(os.fsdecode(n)).resolve().is_relative_to(staging.resolve()) for n in names)


@contextlib.contextmanager
def output_set(out: Path) -> Iterator[Path]:
    """A fresh folder beside `out` to write a build's files into; swapped in for `out` when the
    block succeeds (see the module doc). Raises OutputError at once if `out` cannot be written."""
    out = Path(os.path.realpath(out))  # --out given as a link: the folder it points to is swapped
    try:
        if out.exists() and not out.is_dir():
            raise OutputError(f"{out}: exists and is not a folder; --out must name a folder")
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(out)
        staging = Path(tempfile.mkdtemp(prefix=f"{_prefix(out)}{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise _problem(out, exc, "create the output folder beside it") from None
    try:
        try:
            staging.chmod((out.stat().st_mode & 0o7777 | 0o700) if out.is_dir() else 0o777 & ~_umask())
            probe = staging / ".kg-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise _problem(out, exc, "write into the folder beside it") from None
        yield staging
        try:
            for entry in staging.iterdir():
                if entry.is_file():
                    _fsync(entry)
            _fsync(staging)
            _swap(out, staging)
        except OSError as exc:
            raise _problem(out, exc, "write the output set") from None
    except OSError as exc:
        if not _writing(exc, staging):  # e.g. a missing model file: not the output folder's fault
            raise
        raise _problem(out, exc, "write the output set") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap(out: Path, staging: Path) -> None:
    """Make `staging` the folder `out`; what `out` held (the old set) ends in `staging`."""
    if not out.exists():
        os.rename(staging, out)
        return
    carried = []
    for entry in sorted(out.iterdir()):
        if entry.name not in OUTPUT_NAMES and not (staging / entry.name).exists():
            os.rename(entry, staging / entry.name)
            carried.append(entry.name)
    try:
        if not _exchange(out, staging):
            old = staging.with_name(staging.name + "-old")
            os.rename(out, old)
            os.rename(staging, out)
            os.rename(old, staging)
    except OSError:
        for name in carried:  # put the user's entries back
            with contextlib.suppress(OSError):
                os.rename(staging / name, out / name)
        raise
    with contextlib.suppress(OSError):
        _fsync(out.parent)
