"""The per-stage time and memory summary of `kg build --profile`."""

from __future__ import annotations

import re
import time

import pytest

from kg.profile import Profiler


def test_stages_are_timed_in_order_and_nest():
    prof = Profiler()
    with prof.stage("resolve"):
        time.sleep(0.05)
    with prof.stage("write"), prof.stage("serialise ttl"):
        time.sleep(0.02)
    names = [(s.name, s.depth) for s in prof.stages]
    assert names == [("resolve", 0), ("write", 0), ("serialise ttl", 1)]
    resolve, write, ttl = prof.stages
    assert resolve.seconds >= 0.05 and write.seconds >= ttl.seconds >= 0.02
    table = prof.table()
    assert table.splitlines()[0].startswith("stage") and "  serialise ttl" in table and "total" in table


def test_a_stage_peak_is_its_own():
    prof = Profiler()
    with prof.stage("big"):
        block = bytearray(64 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
        del block
    with prof.stage("small"):
        pass
    big, small = prof.stages
    assert big.peak_rss is not None and small.peak_rss is not None
    if prof.per_stage_peak:  # Linux: the peak is reset at each stage
        assert big.peak_rss - small.peak_rss > 48 * 2**20
    else:
        assert big.peak_rss >= small.peak_rss


def test_a_note_goes_with_its_stage():
    prof = Profiler()
    with prof.stage("extract"):
        prof.note("extract", "3 cached, 41 extracted")
    assert prof.stages[0].note == "3 cached, 41 extracted"
    assert "3 cached, 41 extracted" in prof.table()


@pytest.mark.slow
def test_build_profile_lists_every_stage(seeds_dir, tmp_path):
    from click.testing import CliRunner

    from kg.cli import cli

    page = str(seeds_dir / "004_1ed890315a895296.txt")
    result = CliRunner().invoke(cli, ["-q", "build", page, "--out", str(tmp_path), "--no-cache", "--profile"])
    assert result.exit_code == 0, result.output
    table = result.output.splitlines()[2:]  # after the summary line and the header
    stages = [line.split()[0] for line in table if not line.startswith(" ")]
    # export: the records streamed into a sorted graph.nt; validate: SHACL on it; write: ttl, jsonld
    assert stages == ["ingest", "extract", "resolve", "link", "export", "validate", "write", "page", "total"]
    assert re.search(r"extract .* 0 cached, 6 \([\d,]+ chars\) extracted by [12] process", result.output)
