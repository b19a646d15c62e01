"""Where compiled code is cached: a folder the user can write, never the installed package.

numba (`cache=True` in kg/extraction/lac.py and segmenter.py) caches compiled functions
beside their source by default, or in ~/.cache/numba; for a user who can write neither (a
system-wide install run by another user, HOME unset or read-only) it fails with "cannot cache
function '_viterbi': no locator available". `configure_numba_cache` (called when the `kg`
package is imported, before numba is) sets NUMBA_CACHE_DIR, unless the user set it, to the
first usable folder of $XDG_CACHE_HOME/kg/numba, ~/.cache/kg/numba and
<tmp>/kg-numba-<uid>. A folder is usable only if this user owns it and no one else may write
it: numba's cache holds pickled code, which must not come from another user.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path


def _usable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.stat()
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return False
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
        probe = folder / f".kg-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def cache_folders() -> list[Path]:
    """Candidate folders for numba's cache, best first."""
    out = []
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        out.append(Path(xdg) / "kg" / "numba")
    home = os.path.expanduser("~")
    if home and home != "~":
        out.append(Path(home) / ".cache" / "kg" / "numba")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    out.append(Path(tempfile.gettempdir()) / f"kg-numba-{uid}")
    return out


def configure_numba_cache() -> str | None:
    """Point NUMBA_CACHE_DIR at a writable folder (see the module doc); returns it."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return os.environ["NUMBA_CACHE_DIR"]
    folder = next((f for f in cache_folders() if _usable(f)), None)
    if folder is None:
        return None  # numba then tries its own places and reports why it cannot cache
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    if "numba" in sys.modules:  # imported before kg: make numba read the variable again
        from numba.core import config

        config.reload_config()
    return str(folder)
