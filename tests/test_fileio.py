"""The output set is swapped in whole (issue 15, item 4): the old set or the new one, never a mix.

Disk-full and read-only cases mount a small tmpfs; they need root (CI runs as root) and skip
where mounting is impossible.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.errors import OutputError
from kg.fileio import output_set

OLD = {"graph.ttl": b"# old ttl\n", "graph.nt": b"# old nt\n", "graph.html": b"<p>old</p>\n"}


def _previous_build(out: Path) -> None:
    out.mkdir(parents=True)
    for name, data in OLD.items():
        (out / name).write_bytes(data)


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_the_new_set_replaces_the_old_one_whole(tmp_path):
    out = tmp_path / "out"
    _previous_build(out)
    (out / "store").mkdir()
    (out / "store" / "stamp.json").write_text("{}")
    (out / "notes.txt").write_text("mine")
    with output_set(out) as staging:
        assert staging.parent == tmp_path and staging.name.startswith(".out.kg-build-")
        assert _contents(out) == {**OLD, "notes.txt": b"mine"}  # untouched while the build runs
        (staging / "graph.ttl").write_bytes(b"# new ttl\n")
    # graph.nt and graph.html of the old build are gone: they do not belong to the new one
    assert _contents(out) == {"graph.ttl": b"# new ttl\n", "notes.txt": b"mine"}
    assert (out / "store" / "stamp.json").read_text() == "{}"  # kg query's store is carried over
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it


def test_a_first_build_creates_the_folder(tmp_path):
    out = tmp_path / "new" / "out"
    with output_set(out) as staging:
        (staging / "graph.nt").write_bytes(b"x\n")
    assert _contents(out) == {"graph.nt": b"x\n"}
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_build_leaves_the_previous_set_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    _previous_build(out)
    with pytest.raises(RuntimeError), output_set(out) as staging:
        (staging / "graph.ttl").write_bytes(b"half")
        raise RuntimeError("killed")
    assert _contents(out) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_error_that_is_not_about_the_output_is_not_called_one(tmp_path):
    """A missing input of the build (a model file, say) is not 'cannot write the output set'."""
    out = tmp_path / "out"
    _previous_build(out)
    with pytest.raises(FileNotFoundError), output_set(out):
        open(tmp_path / "models" / "missing.bin", "rb")  # noqa: SIM115
    with pytest.raises(OutputError), output_set(out) as staging:
        open(staging / "nowhere" / "graph.ttl", "wb")  # noqa: SIM115
    assert _contents(out) == OLD


def test_folders_of_killed_builds_are_removed(tmp_path):
    out = tmp_path / "out"
    _previous_build(out)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".out.kg-build-{dead.pid}-abc"
    stale.mkdir()
    (stale / "graph.ttl").write_bytes(b"half")
    alive = tmp_path / f".out.kg-build-{os.getppid()}-xyz"  # a running process: left alone
    alive.mkdir()
    with output_set(out) as staging:
        (staging / "graph.ttl").write_bytes(b"new")
    assert not stale.exists() and alive.exists()


def test_out_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "graph.ttl"
    out.write_text("x")
    with pytest.raises(OutputError, match="is not a folder"), output_set(out):
        pass


@contextlib.contextmanager
def _tmpfs(where: Path, size: str):
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    where.mkdir()
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if run.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_disk_full_keeps_the_previous_set(tmp_path):
    with _tmpfs(tmp_path / "disk", "64k") as disk:
        out = disk / "out"
        _previous_build(out)
        with pytest.raises(OutputError) as info, output_set(out) as staging:
            (staging / "graph.ttl").write_bytes(b"x" * 200_000)
        message = str(info.value)
        assert str(out) in message and "No space left on device" in message and "\n" not in message
        assert _contents(out) == OLD
        assert sorted(p.name for p in disk.iterdir()) == ["out"]


def test_read_only_is_refused_before_any_work(tmp_path):
    with _tmpfs(tmp_path / "disk", "1m") as disk:
        out = disk / "out"
        _previous_build(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        worked = []
        with pytest.raises(OutputError) as info, output_set(out):
            worked.append(True)
        assert not worked
        assert str(out) in str(info.value) and "Read-only file system" in str(info.value)
        assert _contents(out) == OLD


def test_kg_build_to_a_read_only_folder_exits_2_before_extracting(tmp_path, monkeypatch, seeds_dir):
    import kg.extraction
    from kg.cli import cli

    def no_extraction():
        raise AssertionError("the pipeline was loaded before --out was checked")

    monkeypatch.setattr(kg.extraction, "load_pipeline", no_extraction)
    with _tmpfs(tmp_path / "disk", "1m") as disk:
        out = disk / "out"
        _previous_build(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(out)])
        assert result.exit_code == 2, result.output
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and str(out) in errors[0] and "Read-only file system" in errors[0]
        assert _contents(out) == OLD


def test_out_given_as_a_link_keeps_the_link(tmp_path):
    real = tmp_path / "builds" / "current"
    _previous_build(real)
    link = tmp_path / "out"
    link.symlink_to(real)
    with output_set(link) as staging:
        (staging / "graph.ttl").write_bytes(b"new")
    assert link.is_symlink() and _contents(link) == {"graph.ttl": b"new"}
    assert sorted(p.name for p in real.parent.iterdir()) == ["current"]


def test_a_build_killed_inside_the_two_rename_swap_gets_the_previous_set_back(tmp_path):
    """Without RENAME_EXCHANGE the swap is out -> <staging>-old, staging -> out, <staging>-old ->
    staging. Killed after the first rename, --out is absent and the previous build sits in the
    -old folder: the next build must put it back, not delete it as litter."""
    out = tmp_path / "out"
    dead = subprocess.Popen(["true"])
    dead.wait()
    old = tmp_path / f".out.kg-build-{dead.pid}-abc-old"
    _previous_build(old)
    (old / "notes.txt").write_text("mine")
    new = tmp_path / f".out.kg-build-{dead.pid}-abc"  # the killed build's own, complete set
    new.mkdir()
    (new / "graph.ttl").write_bytes(b"# killed build\n")
    with pytest.raises(RuntimeError), output_set(out):
        raise RuntimeError("this build fails too")
    assert _contents(out) == {**OLD, "notes.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
