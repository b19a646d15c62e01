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


def test_build_input_errors_exit_2_with_one_line_naming_the_file(tmp_path):
    """Issue 15, item 8: every input error of `kg build` exits 2 (nothing to build included)."""
    (tmp_path / "p.txt").write_text("本报讯 8月5日，刘宁主持召开省政府党组会议。\n", encoding="utf-8")
    meta = tmp_path / "meta.tsv"
    meta.write_text("file\tpaper\tdate\np.txt\t辽宁日报\t2021-08-06\textra\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "p.txt"), "--meta", str(meta), "--out", str(out)])
    assert result.exit_code == 2
    assert f"error: {meta}:2: 4 tab-separated cells but the header has 3" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["build", str(empty), "--out", str(out)])
    assert result.exit_code == 2 and "nothing to build" in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["empty", "meta.tsv", "p.txt"]
