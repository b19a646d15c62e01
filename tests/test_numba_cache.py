"""kg runs for a user who cannot write the installed package (issue 15, item 9).

numba's on-disk cache (cache=True) used to die with "cannot cache function '_viterbi': no
locator available" when neither the package folder nor ~/.cache could be written. The slow
tests run a real build of a copy of a seed page: from a read-only bind mount of the project
with a read-only HOME (root only: CI), and as the unprivileged user `nobody` where this
Python is executable by it. Both skip where they cannot run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kg.numba_cache import configure_numba_cache

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "seeds" / "004_1ed890315a895296.txt"


def test_cache_folder_is_private_and_writable(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = Path(configure_numba_cache())
    assert folder == tmp_path / "xdg" / "kg" / "numba" and os.environ["NUMBA_CACHE_DIR"] == str(folder)
    # a folder others may write is not used (numba's cache holds pickled code)
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    folder.chmod(0o777)
    assert configure_numba_cache() != str(folder)


def test_a_user_setting_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert configure_numba_cache() == str(tmp_path)


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.mark.slow
def test_build_from_a_read_only_install(tmp_path):
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to bind-mount the project read-only (CI runs as root)")
    pkg, home, tmp, inputs = (tmp_path / n for n in ("pkg", "home", "tmp", "in"))
    for d in (pkg, home, tmp, inputs):
        d.mkdir()
    shutil.copy(PAGE, inputs)
    try:
        _mount("--bind", str(ROOT), str(pkg))
        _mount("-o", "remount,bind,ro", str(pkg))
        _mount("-t", "tmpfs", "-o", "ro", "tmpfs", str(home))
    except subprocess.CalledProcessError as exc:
        subprocess.run(["umount", str(pkg)], capture_output=True)
        pytest.skip(f"cannot mount here: {exc.stderr.decode().strip()}")
    try:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": str(pkg)}
        run = subprocess.run(
            [sys.executable, "-m", "kg.cli", "build", str(inputs), "--out", str(tmp_path / "out"), "--no-html"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,  # not the project: kg must come from the read-only copy
        )
    finally:
        subprocess.run(["umount", str(pkg)], capture_output=True)
        subprocess.run(["umount", str(home)], capture_output=True)
    assert run.returncode == 0, run.stderr
    assert "no locator available" not in run.stderr
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 10_000
    assert any((tmp / f"kg-numba-{os.getuid()}").rglob("*.nbi"))  # numba's index went to the cache folder


@pytest.mark.slow
def test_build_as_an_unprivileged_user(request):
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run as nobody")
    as_nobody = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run(
        [*as_nobody, sys.executable, "-c", "import kg"], capture_output=True, env={"PYTHONPATH": str(ROOT)}
    )
    if probe.returncode:
        pytest.skip(f"this Python or the project cannot be run by nobody: {probe.stderr.decode().strip()[-200:]}")
    work = Path(tempfile.mkdtemp(prefix="kg-test-nobody-"))  # pytest's tmp_path is private to root
    request.addfinalizer(lambda: shutil.rmtree(work, ignore_errors=True))
    shutil.copy(PAGE, work)
    subprocess.run(["chown", "-R", "nobody", str(work)], check=True)
    run = subprocess.run(
        [*as_nobody, sys.executable, "-m", "kg.cli", "build", str(work), "--out", str(work / "out"), "--no-html"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "PYTHONPATH": str(ROOT)},
        cwd=work,
    )
    assert run.returncode == 0, run.stderr
    assert (work / "out" / "graph.ttl").is_file()
