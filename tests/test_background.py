"""kg.background: a piece of the build in a forked process, its result or error brought back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.background import Job, can_fork
from kg.errors import KGError
from kg.fileio import write_atomic

needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork here")


def _pid_and_text(path: Path) -> tuple[int, str]:
    return os.getpid(), path.read_text(encoding="utf-8")


@needs_fork
def test_the_piece_runs_in_another_process_and_returns_its_value(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("省政府党组召开会议", encoding="utf-8")
    job = Job("page", _pid_and_text, page)
    assert job.forked
    pid, text = job.result()
    assert pid != os.getpid() and text == "省政府党组召开会议"


@needs_fork
def test_what_the_piece_writes_is_there_when_it_is_done(tmp_path):
    job = Job("write", write_atomic, tmp_path / "graph.ttl", b"@prefix kg: <http://kg.example.org/ontology#> .\n")
    job.result()
    assert (tmp_path / "graph.ttl").read_bytes().startswith(b"@prefix kg:")


@pytest.mark.parametrize("fork", [True, False])
def test_its_error_is_raised_here_with_the_file_named(tmp_path, fork):
    missing = tmp_path / "missing" / "graph.nt"
    job = Job("write", Path.read_text, missing, fork=fork)
    with pytest.raises(FileNotFoundError) as raised:
        job.result()
    assert raised.value.filename == str(missing)


@needs_fork
def test_a_child_that_dies_is_a_clear_error():
    job = Job("page", os._exit, 7)
    with pytest.raises(KGError, match="the page process ended with exit code 7"):
        job.result()
