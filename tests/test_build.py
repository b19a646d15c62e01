"""`kg build` end to end on the seeds (slow)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.iri import mint
from kg.ns import KG, RDF, SDO

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


@pytest.mark.parametrize("workers", ["1", "2"])  # 2: the page is drawn meanwhile in its own process
def test_a_failed_build_keeps_the_previous_output(tmp_path, monkeypatch, seeds_dir, workers):
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "graph.ttl"
    previous.write_text("# the previous graph\n", encoding="utf-8")
    import kg.validate
    from kg.errors import ValidationError

    def refuse(path, **options):
        raise ValidationError("the graph does not conform (simulated)")

    monkeypatch.setattr(kg.validate, "check_file", refuse)  # what the build calls, on graph.nt
    result = CliRunner().invoke(
        cli, ["build", str(seeds_dir / "004_1ed890315a895296.txt"), "--out", str(out), "--workers", workers]
    )
    assert result.exit_code == 3 and "does not conform" in result.output
    assert previous.read_text(encoding="utf-8") == "# the previous graph\n"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]  # no temporary files left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_two_workers_write_the_same_bytes_with_the_page_and_the_writers_in_their_own_processes(seeds_dir, tmp_path):
    from kg.build import build_graph
    from kg.profile import Profiler

    cache = tmp_path / "cache"
    build_graph([seeds_dir], tmp_path / "one", workers=1, cache=cache)
    profile = Profiler()
    build_graph([seeds_dir], tmp_path / "two", workers=2, cache=cache, profiler=profile)
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    notes = {s.name: s.note for s in profile.stages}
    assert "in its own process" in notes["write"] and "in its own process" in notes["page"]


def test_an_error_drawing_the_page_in_its_own_process_fails_the_build(tmp_path, monkeypatch, seeds_dir):
    import kg.viz
    from kg.errors import OutputError

    def cannot(graph, path):
        raise OutputError(f"{path}: cannot write (simulated)")

    monkeypatch.setattr(kg.viz, "write_html", cannot)  # raised in the forked page process
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", str(seeds_dir / "004_1ed890315a895296.txt"), "--out", str(out), "--workers", "2"]
    )
    assert result.exit_code != 0 and "graph.html: cannot write (simulated)" in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == []


def test_no_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "nothing to build" in result.output  # an input error, like the others
    assert not (tmp_path / "o").exists() and sorted(p.name for p in tmp_path.iterdir()) == []


EDGE_PREDICATES = (
    "org:holds", "org:postIn", "kg:chair", "schema:attendee", "schema:startDate", "schema:location",
    "schema:organizer", "schema:about", "kg:issuedBy", "org:subOrganizationOf", "schema:author", "schema:mentions",
)  # fmt: skip


def test_every_extracted_edge_has_its_statement(seed_build):
    """Issue 15: 23 author/mention edges of a two-part (下转/上接) article had no rdf:Statement."""
    from kg.ns import PREFIXES

    out, _ = seed_build
    g = Graph().parse(out / "graph.nt")
    missing = g.query(
        f"""SELECT ?s ?p ?o WHERE {{
          VALUES ?p {{ {" ".join(EDGE_PREDICATES)} }}
          ?s ?p ?o .
          FILTER NOT EXISTS {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?from }}
        }}""",
        initNs=PREFIXES,
    )
    assert not list(missing)
    joined = mint("article/000_cf7e9373e432becc/02")  # 下转第二版 -> 上接第一版 (seeds/000, 001)
    assert len(list(g.objects(joined, SDO.hasPart))) == 2
    whole = g.query(
        "SELECT ?st WHERE { ?st rdf:subject ?a ; rdf:predicate schema:mentions ; prov:wasDerivedFrom ?s . ?s a kg:Sentence }",
        initNs=PREFIXES,
        initBindings={"a": joined},
    )
    assert len(list(whole)) > 10


def _normalised_slice(source: str, start: int, end: int) -> str:
    """The documented normalisation (ontology/kg.ttl, kg:charStart): line breaks that ingestion
    joined, with the whitespace around them, removed."""
    return re.sub(r"\s*[\r\n]\s*", "", source[start:end])


def test_sentence_offsets_slice_the_source_to_the_sentence(seed_build, seeds_dir):
    """Issue 15: one sentence's offsets spanned a headline printed inside it."""
    from kg.ingest import decode

    out, _ = seed_build
    g = Graph().parse(out / "graph.nt")
    sources = {p.name: decode(p) for p in seeds_dir.glob("*.txt")}
    sentences = list(g.subjects(RDF.type, KG.Sentence))
    assert len(sentences) > 300
    split = 0
    for s in sentences:
        text = str(g.value(s, SDO.text))
        source = sources[str(g.value(s, KG.sourceFile))]
        spans = sorted(g.objects(s, KG.span), key=lambda sp: int(g.value(sp, KG.spanIndex)))
        if spans:
            split += 1
            pieces = [_normalised_slice(source, int(g.value(sp, KG.charStart)), int(g.value(sp, KG.charEnd)))
                      for sp in spans]  # fmt: skip
            assert [str(g.value(sp, SDO.text)) for sp in spans] == pieces
            assert "".join(pieces) == text, s
        else:
            assert _normalised_slice(source, int(g.value(s, KG.charStart)), int(g.value(s, KG.charEnd))) == text, s
    assert split >= 1  # 以金翼蛋品为依托,我|<headline>|们谋划实施了蛋谷项目 (seeds/004)


def test_warming_the_later_stages_keeps_the_build_forkable():
    """What the build does while the pipeline loads (the gazetteer, the later stages' modules, the
    parsed shapes) starts no thread and no rudof session: the page, the writers and the validation
    workers are still forked afterwards. In a fresh process, so that no other test's thread counts."""
    import subprocess
    import sys

    script = (
        "from kg.build import _warm_later_stages\n"
        "from kg import validate\n"
        "from kg.background import can_fork\n"
        "_warm_later_stages()\n"
        "print(can_fork(), validate._may_fork(), validate._plan.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "1"]
