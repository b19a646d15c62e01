"""The command line: every command documents itself with an example."""

from __future__ import annotations

from click.testing import CliRunner

from kg.cli import cli


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0 and "Example" in top.output
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"kg {name} --help shows no example"


def test_bad_option_values_name_what_is_allowed(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--format", "xml"])
    assert result.exit_code == 2 and "'xml' is not one of 'ttl', 'nt', 'jsonld'" in result.output
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--date", "2021/08/06"])
    assert result.exit_code == 2 and "'2021/08/06' is not YYYY-MM-DD or YYYY-MM" in result.output


def test_build_worker_and_cache_options_are_checked(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output and "0 is not in the range x>=1" in result.output
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--cache", str(tmp_path / "c"), "--no-cache"])
    assert result.exit_code == 2 and "--cache and --no-cache exclude each other" in result.output
