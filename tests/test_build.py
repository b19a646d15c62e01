"""`kg build` end to end on the seeds (slow)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli

pytestmark = pytest.mark.slow


def test_build_writes_every_format(seed_build):
    out, summary = seed_build
    assert summary.articles == 44 and summary.entities > 300 and not summary.failures
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        assert (out / name).stat().st_size > 100_000
    assert len(Graph().parse(out / "graph.nt")) == summary.triples


def test_outputs_parse_with_an_independent_parser(seed_build):
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.fail("rapper (Debian raptor2-utils) is missing: `make test` installs it")
    out, summary = seed_build
    for name, syntax in (("graph.ttl", "turtle"), ("graph.nt", "ntriples")):
        run = subprocess.run([rapper, "-i", syntax, "-c", str(out / name)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert f"returned {summary.triples} triples" in run.stderr


def test_same_input_in_reverse_order_gives_identical_bytes(seed_build, seeds_dir, tmp_path):
    out, _ = seed_build
    files = sorted(seeds_dir.glob("*.txt"), reverse=True)
    result = CliRunner().invoke(
        cli,
        [
            "-q",
            "build",
            *map(str, files),
            "--meta",
            str(seeds_dir / "issues.tsv"),
            "--out",
            str(tmp_path),
            "--no-validate",
            "--no-html",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_a_bad_file_is_reported_and_the_rest_still_builds(seed_copy, tmp_path):
    (seed_copy / "broken.txt").write_bytes(b"\x00\x01binary junk")
    for extra in ("001_c465d2171fe16071.txt", "002_5f81a1e48743b7fd.txt", "003_0624703ab3c854fd.txt"):
        (seed_copy / extra).unlink()
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(seed_copy), "--out", str(out), "--no-html", "--format", "ttl"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "broken.txt" in run.stderr and "NUL bytes" in run.stderr
    g = Graph().parse(out / "graph.ttl")
    files = {str(o) for o in g.objects(None, None) if str(o).endswith(".txt")}
    assert files == {"000_cf7e9373e432becc.txt", "004_1ed890315a895296.txt"}


def test_a_failed_build_keeps_the_previous_output(tmp_path, monkeypatch, seeds_dir):
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "graph.ttl"
    previous.write_text("# the previous graph\n", encoding="utf-8")
    import kg.validate
    from kg.errors import ValidationError

    def refuse(graph):
        raise ValidationError("the graph does not conform (simulated)")

    monkeypatch.setattr(kg.validate, "check", refuse)
    result = CliRunner().invoke(
        cli, ["build", str(seeds_dir / "004_1ed890315a895296.txt"), "--out", str(out), "--no-html"]
    )
    assert result.exit_code == 3 and "does not conform" in result.output
    assert previous.read_text(encoding="utf-8") == "# the previous graph\n"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]  # no temporary files left


def test_no_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "nothing to build" in result.output
