"""SPARQL over the embedded store: the store's reload and locking, `kg query`, and what every
named query returns on the seeds (facts a reader of the seed articles expects)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures_graph import seeds_graph_fixture, seeds_store_fixture  # noqa: F401  (fixtures)
from listener import SECRET, Listener
from rdflib import Graph, Literal

from kg.cli import _KGGroup
from kg.errors import QueryError
from kg.ingest import decode
from kg.iri import mint
from kg.ns import KG, ORG, RDF, RDFS
from kg.query import (
    QUERIES,
    check_query,
    execute,
    named_queries,
    named_query,
    parse_binding,
    parse_bindings,
    query_command,
    render,
    service_position,
    table,
)
from kg.store import STAMP, open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def kg(*args: str):
    """Run `kg query ...` through a group with kg's error handling (as registered in kg.cli)."""
    group = _KGGroup("kg", commands=[query_command])
    return CliRunner().invoke(group, ["query", *args], catch_exceptions=False)


# -- a tiny graph --------------------------------------------------------------------------


def tiny_graph(path: Path, extra: str = "") -> Path:
    """Two people with a post each; 乙's labels carry no language tag."""
    g = Graph()
    for person, name, org, org_name, title, lang in (
        ("person/测试/甲", "甲", "org/某厅", "某厅", "厅长", "zh"),
        ("person/测试/乙", "乙", "org/某局", "某局", "局长", None),
    ):
        post = mint(f"post/{org_name}/{title}/{name}")
        g.add((mint(person), RDF.type, KG.Person))
        g.add((mint(person), RDFS.label, Literal(name, lang=lang)))
        g.add((mint(person), ORG.holds, post))
        g.add((post, RDF.type, ORG.Post))
        g.add((post, RDFS.label, Literal(org_name + title, lang=lang)))
        g.add((post, KG.title, Literal(title, lang=lang)))
        g.add((post, ORG.postIn, mint(org)))
        g.add((mint(org), RDFS.label, Literal(org_name, lang=lang)))
    path.write_text(g.serialize(format="nt") + extra, encoding="utf-8")
    return path


def solutions(results) -> list[dict[str, str]]:
    variables = [v.value for v in results.variables]
    return [{v: s[v].value for v in variables if s[v] is not None} for s in results]


def store_dirs(graph: Path) -> list[str]:
    return sorted(p.name for p in (graph.parent / "store").iterdir() if p.is_dir())


# -- the store -------------------------------------------------------------------------------


def test_missing_graph_names_the_path_and_kg_build(tmp_path):
    with pytest.raises(QueryError, match=r"graph\.nt does not exist: run `kg build`"):
        open_store(tmp_path / "output" / "graph.nt")
    result = kg("--graph", str(tmp_path / "graph.nt"), "ASK {}")
    assert result.exit_code == 2
    assert "error: graph file" in result.output and "run `kg build`" in result.output


def test_store_reloads_only_when_the_graph_changes(tmp_path):
    graph = tiny_graph(tmp_path / "graph.nt")
    with open_store(graph) as gs:
        assert gs.info.loaded and gs.info.triples == len(Graph().parse(graph))
        first = gs.info.directory
    with open_store(graph) as gs:
        assert not gs.info.loaded and gs.info.directory == first
    graph.write_bytes(graph.read_bytes())  # touched, same content: no reload
    with open_store(graph) as gs:
        assert not gs.info.loaded
    tiny_graph(graph, extra=f'<{mint("x")}> <{RDFS.label}> "新" .\n')
    with open_store(graph) as gs:
        assert gs.info.loaded and gs.info.directory != first
        assert bool(gs.store.query('ASK { ?x rdfs:label "新" }', prefixes={"rdfs": str(RDFS)}))
        stamp = json.loads((gs.info.directory / STAMP).read_text())
        assert stamp["sha256"] == gs.info.sha256 and stamp["triples"] == gs.info.triples
    # the old store was removed once nobody had it open, and no temporary directory is left
    assert store_dirs(graph) == [gs.info.directory.name]


def test_a_store_in_use_is_not_removed_under_its_reader(tmp_path):
    graph = tiny_graph(tmp_path / "graph.nt")
    old = open_store(graph)
    tiny_graph(graph, extra=f'<{mint("x")}> <{RDFS.label}> "新" .\n')
    with open_store(graph) as new:
        assert new.info.loaded
        assert set(store_dirs(graph)) == {old.info.directory.name, new.info.directory.name}
        assert len(list(old.store.query("SELECT * { ?s ?p ?o }"))) == old.info.triples  # still readable
    old.close()
    with open_store(graph) as again:
        assert not again.info.loaded
    assert store_dirs(graph) == [again.info.directory.name]


def test_processes_opening_a_new_graph_at_once_load_it_once(tmp_path):
    graph = tiny_graph(tmp_path / "graph.nt")
    code = (
        "import sys; from pathlib import Path; from kg.store import open_store\n"
        "with open_store(Path(sys.argv[1])) as gs:\n"
        "    print(gs.info.loaded, gs.info.triples, len(list(gs.store.query('SELECT * { ?s ?p ?o }'))))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(graph)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(o[0] for o in outputs) == ["False", "False", "False", "True"]
    assert {(o[1], o[2]) for o in outputs} == {(str(len(Graph().parse(graph))),) * 2}
    assert len(store_dirs(graph)) == 1


def test_a_graph_that_does_not_parse_is_named(tmp_path):
    graph = tmp_path / "graph.nt"
    graph.write_text("<http://a> <http://b> .\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"graph file .*graph\.nt is not valid N-Triples: .*line 1"):
        open_store(graph)
    assert not [p for p in (tmp_path / "store").iterdir() if p.is_dir()]  # nothing half-built left
    other = tmp_path / "graph.xml"
    other.write_text("<rdf/>", encoding="utf-8")
    with pytest.raises(QueryError, match=r"unknown suffix '\.xml'; allowed: \.nt, \.ttl"):
        open_store(other)


# -- running queries ------------------------------------------------------------------------


@pytest.fixture
def tiny(tmp_path):
    with open_store(tiny_graph(tmp_path / "graph.nt")) as gs:
        yield gs


def test_prefixes_are_predeclared_and_a_query_may_redeclare_them(tiny):
    q = "SELECT ?l WHERE { ?p a kg:Person ; rdfs:label ?l } ORDER BY ?l"
    assert [r["l"] for r in solutions(execute(tiny.store, q))] == ["乙", "甲"]
    own = "PREFIX kg: <http://example.org/other#>\n" + q
    assert solutions(execute(tiny.store, own)) == []


def test_a_bound_name_is_a_zh_literal_and_named_queries_match_untagged_labels(tiny):
    exact = "SELECT ?name ?p WHERE { ?p rdfs:label ?name }"
    found = solutions(execute(tiny.store, exact, parse_bindings(["name=甲"])))
    assert [r["p"] for r in found] == [str(mint("person/测试/甲"))]
    assert solutions(execute(tiny.store, exact, parse_bindings(["name=乙"]))) == []  # "乙" has no tag
    posts = named_query("posts-of-person").text
    for name, title in (("甲", "厅长"), ("乙", "局长")):
        rows = solutions(execute(tiny.store, posts, parse_bindings([f"name={name}"])))
        assert [(r["name"], r["title"]) for r in rows] == [(name, title)]


def test_binding_values():
    assert parse_binding("name=刘宁") == ("name", ox.Literal("刘宁", language="zh"))
    assert parse_binding("?x=<http://kg.example.org/id/org/a>") == ("x", ox.NamedNode("http://kg.example.org/id/org/a"))
    assert parse_binding('d="2021-08-05"^^xsd:date') == (
        "d",
        ox.Literal("2021-08-05", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    )
    assert parse_binding('t="Liu Ning"@en')[1] == ox.Literal("Liu Ning", language="en")
    assert parse_binding("q=a=b") == ("q", ox.Literal("a=b", language="zh"))
    for bad, message in (
        ("刘宁", "expected VAR=VALUE"),
        ("1x=a", "expected VAR=VALUE"),
        ('d="unterminated', "is not a literal in Turtle syntax"),
        ('d="a" . <urn:x> <urn:y> "b"', "is not a literal in Turtle syntax"),
    ):
        with pytest.raises(QueryError, match=message):
            parse_binding(bad)
    with pytest.raises(QueryError, match=r"\?n is already bound"):
        parse_bindings(["n=a", "n=b"])


def test_a_malformed_query_reports_the_parser_message_and_the_line(tiny):
    q = "SELECT ?p\nWHERE {\n  ?p a kg:Person ;\n     rdfs:label }\n"
    with pytest.raises(QueryError) as info:
        execute(tiny.store, q)
    message = str(info.value)
    assert message.startswith("malformed SPARQL query at line 4, column")
    assert "expected" in message
    assert "  4 |      rdfs:label }" in message and message.rstrip().endswith("^")
    result = kg("--graph", str(tiny.info.graph), q)
    assert result.exit_code == 2 and "error: malformed SPARQL query at line 4" in result.output


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX ex: <http://a#>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP DEFAULT",
        "CREATE GRAPH <http://g>",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "insert data { <http://a> <http://b> }",  # malformed, but still an update
    ],
)
def test_updates_are_refused(tiny, update):
    with pytest.raises(QueryError, match="updates .* are refused"):
        execute(tiny.store, update)
    assert len(list(tiny.store.query("SELECT * { ?s ?p ?o }"))) == tiny.info.triples


def test_a_binding_needs_a_projected_variable(tiny):
    with pytest.raises(QueryError, match=r"cannot bind \?name: .*SELECT clause lists"):
        execute(tiny.store, "SELECT ?p WHERE { ?p rdfs:label ?name }", parse_bindings(["name=甲"]))


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_the_table_aligns_chinese_by_display_width():
    rows = [(ox.Literal("辽宁省人民政府"), ox.Literal("x")), (ox.Literal("ab"), ox.Literal("刘宁"))]
    lines = table(("organisation", "who"), rows).splitlines()
    assert lines[-1] == "(2 rows)"
    # the second column starts at the same display column on every line
    starts = {_display_width(line[: line.index(cell)]) for line, cell in zip(lines[2:4], ("x", "刘宁"), strict=True)}
    assert starts == {_display_width("辽宁省人民政府  ")} == {_display_width(lines[0][: lines[0].index("who")])}
    assert lines[2].startswith("辽宁省人民政府  x") and lines[3].startswith("ab              刘宁")
    iri = table(("p",), [(ox.NamedNode("http://kg.example.org/id/person/辽宁省/刘宁"),)])
    assert "id:person/辽宁省/刘宁" in iri


def test_output_formats(tiny):
    q = "SELECT ?name ?title WHERE { ?p rdfs:label ?name ; org:holds/kg:title ?title } ORDER BY ?name"

    def out(fmt: str) -> str:
        return render(execute(tiny.store, q), fmt).decode("utf-8")

    assert list(csv.reader(io.StringIO(out("csv")))) == [["name", "title"], ["乙", "局长"], ["甲", "厅长"]]
    assert out("tsv").splitlines() == ["?name\t?title", '"乙"\t"局长"', '"甲"@zh\t"厅长"@zh']
    data = json.loads(out("json"))
    assert data["head"]["vars"] == ["name", "title"]
    assert data["results"]["bindings"][1]["name"] == {"type": "literal", "value": "甲", "xml:lang": "zh"}
    assert out("table").splitlines()[2:] == ["乙    局长", "甲    厅长", "(2 rows)"]
    with pytest.raises(QueryError, match="--format ttl is for CONSTRUCT"):
        out("ttl")


def test_ask_and_construct(tiny):
    assert render(execute(tiny.store, 'ASK { ?p rdfs:label "甲"@zh }'), "table") == b"true\n"
    assert json.loads(render(execute(tiny.store, "ASK { ?p kg:chair ?x }"), "json")) == {"head": {}, "boolean": False}
    construct = "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a kg:Person ; rdfs:label ?l }"
    nt = render(execute(tiny.store, construct), "nt").decode("utf-8")
    assert len(Graph().parse(data=nt, format="nt")) == 2
    ttl = render(execute(tiny.store, construct), "ttl").decode("utf-8")
    assert "@prefix rdfs:" in ttl and len(Graph().parse(data=ttl, format="turtle")) == 2
    assert "(2 rows)" in render(execute(tiny.store, construct), "table").decode("utf-8")
    with pytest.raises(QueryError, match="gives triples: use one of table, ttl, nt"):
        render(execute(tiny.store, construct), "csv")


# -- named queries: files and command line ------------------------------------------------

NAMES = (
    "attendees-of-meeting",
    "career-of-person",
    "co-attendance",
    "edge-provenance",
    "holders-of-post",
    "meetings-chaired-by",
    "organisations-in-city",
    "policies-issued-by",
    "post-changes",
    "posts-of-person",
)


def test_every_named_query_describes_itself_and_its_parameters():
    queries = named_queries()
    assert tuple(queries) == NAMES
    for q in queries.values():
        assert q.text.startswith("# ") and q.description
        for p in q.parameters:
            assert re.search(rf"\?{p.name}\b", q.text.split("WHERE")[0]), f"{q.name} does not project ?{p.name}"
            assert "e.g." in p.description
    assert [p.name for p in queries["edge-provenance"].parameters] == ["subject", "predicate", "object"]
    assert queries["co-attendance"].parameters == ()


def readme_commands() -> list[list[str]]:
    text = (QUERIES / "README.md").read_text(encoding="utf-8")
    return [shlex.split(cmd)[2:] for cmd in re.findall(r"`(kg query --name [a-z-]+[^`]*)`", text)]


def test_the_readme_gives_a_command_for_every_named_query():
    names = [args[1] for args in readme_commands()]
    assert sorted(names) == sorted(NAMES)


def test_named_query_errors_name_what_is_allowed(tiny):
    graph = str(tiny.info.graph)
    result = kg("--graph", graph, "--name", "posts-of-persons")
    assert result.exit_code == 2
    assert "unknown named query 'posts-of-persons'; allowed: attendees-of-meeting" in result.output
    result = kg("--graph", graph, "--name", "posts-of-person")
    assert result.exit_code == 2 and "needs --bind name=VALUE (the person's name" in result.output
    result = kg("--graph", graph, "--name", "posts-of-person", "--bind", "name=甲", "--bind", "city=x")
    assert result.exit_code == 2 and "has no parameter city; its parameters: name" in result.output
    result = kg("--graph", graph, "--name", "co-attendance", "ASK {}")
    assert result.exit_code == 2 and "give exactly one of QUERY, --file or --name (got QUERY, --name)" in result.output
    result = kg("--graph", graph, "--file", str(tiny.info.graph.parent / "nope.rq"))
    assert result.exit_code == 2 and "cannot read the query file" in result.output


def test_list_and_file_queries(tiny, tmp_path):
    listing = kg("--list")
    assert listing.exit_code == 0
    for name in NAMES:
        assert name in listing.output
    assert "subject=… predicate=… object=…" in listing.output
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT ?name ?post WHERE { ?p rdfs:label ?name ; org:holds/rdfs:label ?post }", encoding="utf-8")
    result = kg("--graph", str(tiny.info.graph), "--file", str(rq), "--bind", "name=甲", "--format", "csv")
    assert result.exit_code == 0 and result.output.splitlines() == ["name,post", "甲,某厅厅长"]


# -- guards: SERVICE, nesting, time limit, Ctrl-C -------------------------------------------


@pytest.fixture
def listener():
    target = Listener()
    yield target
    target.close()


def service_queries(url: str) -> list[str]:
    """Ways to write a SERVICE clause (each valid SPARQL, each would contact `url`)."""
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE<{url}>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{url.rsplit('/', 1)[0]}/>\nSELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
    ]


def test_service_is_refused_and_nothing_is_sent(tiny, listener):
    graph = str(tiny.info.graph)
    for q in service_queries(listener.url):
        with pytest.raises(QueryError, match=r"SERVICE is refused .*--allow-service"):
            execute(tiny.store, q)
        result = kg("--graph", graph, q)
        assert result.exit_code == 2 and "error: SERVICE is refused" in result.output, (q, result.output)
    assert listener.settle() == []


def test_with_allow_service_the_listener_is_reached(tiny, listener):
    # the guard is what stops it: with the flag, the same query reaches the listener
    q = f"SELECT ?secret WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    result = kg("--graph", str(tiny.info.graph), q, "--allow-service", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["secret", SECRET]
    assert listener.settle()[0].startswith(b"POST /sparql")


def test_a_failing_service_is_one_clear_error(tmp_path):
    graph = tiny_graph(tmp_path / "graph.nt")
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"  # oxigraph refuses port 9 itself
    proc = run_kg("-q", "query", "--graph", str(graph), "--allow-service", q)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: the query failed: The port 9 is not allowed for HTTP(S) because it is dedicated to an other use"
    ]


def test_dataset_clauses_and_describe_fetch_nothing(tiny, listener):
    url = listener.url
    for q in (
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{url}>",
        f'SELECT * WHERE {{ BIND(IRI("{url}") AS ?x) ?x ?p ?o }}',
    ):
        assert list(execute(tiny.store, q)) == [], q  # named graphs of the store: there are none
    with pytest.raises(QueryError, match="updates .* are refused"):
        execute(tiny.store, f"LOAD <{url}>")
    assert listener.settle() == []


def test_the_word_service_is_allowed_in_iris_and_variable_names(tiny):
    q = "SELECT ?service WHERE { ?service <http://example.org/service> ?o }"
    assert list(execute(tiny.store, q)) == []
    assert service_position(q) is None
    assert service_position('SELECT * { ?s ?p "customer service" }') is not None  # coarse on purpose


def chains(n: int) -> dict[str, str]:
    """Queries whose parse or evaluation recurses about `n` deep."""
    return {
        "braces": "SELECT * WHERE " + "{" * n + "}" * n,
        "parentheses": "SELECT * WHERE { FILTER(" + "(" * n + "true" + ")" * n + ") }",
        "plus": "SELECT (" + "+".join(["1"] * n) + " AS ?x) WHERE {}",
        "not": "ASK { FILTER(" + "!" * n + "true) }",
        "union": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
        "triples": "SELECT * WHERE { " + " . ".join(f"?s ?p ?o{i}" for i in range(n)) + " }",
    }


@pytest.mark.parametrize("kind", list(chains(1)))
def test_queries_nested_or_chained_too_far_are_refused_before_parsing(tiny, kind):
    with pytest.raises(QueryError, match=r"more than (100 deep|2000 operators)"):
        execute(tiny.store, chains(10_000)[kind])


RUNNABLE = ("braces", "parentheses", "plus", "not", "union")
"""Kinds whose largest accepted query runs in a moment (pyoxigraph plans a block of 2,000 triple
patterns for hours: slow, not deep, so the time limit is what stops it)."""


def largest_accepted(kind: str) -> str:
    """The largest query of `kind` (see chains) that check_query lets through."""
    lo, hi = 1, 10_000  # lo passes, hi is refused
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            check_query(chains(mid)[kind])
            lo = mid
        except QueryError:
            hi = mid
    return chains(lo)[kind]


def test_the_largest_queries_the_guard_accepts_run(tmp_path):
    # in a child process: if the limits were too loose, this would crash (SIGSEGV), not fail politely
    graph = tiny_graph(tmp_path / "graph.nt")
    code = (
        "import sys\nfrom pathlib import Path\nfrom kg.store import open_store\nfrom kg.query import execute, render\n"
        "from test_query import RUNNABLE, largest_accepted\n"
        "with open_store(Path(sys.argv[1])) as gs:\n"
        "    for kind in RUNNABLE:\n"
        "        render(execute(gs.store, largest_accepted(kind)), 'csv')\n"
        "        print(kind, 'ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(graph)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == [w for kind in RUNNABLE for w in (kind, "ok")]
    assert len(largest_accepted("plus")) > 3000  # the limits leave room for real queries


def test_ten_thousand_nested_braces_from_a_file_are_an_error_not_a_crash(tmp_path):
    graph = tiny_graph(tmp_path / "graph.nt")
    rq = tmp_path / "deep.rq"
    rq.write_text(chains(10_000)["braces"], encoding="utf-8")
    proc = run_kg("query", "--graph", str(graph), "--file", str(rq))
    assert proc.returncode == 2, proc.stderr
    assert "error: the query nests brackets more than 100 deep" in proc.stderr


SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(9)) + " }"
"""Counts 16^9 rows of the tiny graph: runs for hours."""


def run_kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_timeout_stops_a_long_query(tmp_path):
    graph = tiny_graph(tmp_path / "graph.nt")
    started = time.monotonic()
    proc = run_kg("query", "--graph", str(graph), "--timeout", "1", SLOW_QUERY)
    elapsed = time.monotonic() - started
    assert proc.returncode == 2 and "error: the query exceeded the time limit of 1 s" in proc.stderr
    assert elapsed < 30  # interpreter start and store load included; the query alone would run for hours


def test_ctrl_c_stops_a_long_query_at_once(tmp_path):
    graph = tiny_graph(tmp_path / "graph.nt")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "-vv", "query", "--graph", str(graph), SLOW_QUERY],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for line in proc.stderr:  # the store is open and the query about to run
            if "querying" in line:
                break
        time.sleep(0.5)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        code = proc.wait(10)
        assert time.monotonic() - sent < 3
    finally:
        proc.kill()
    assert code == 130
    assert "interrupted: the query was stopped" in proc.stderr.read()


# -- named queries on the seeds -----------------------------------------------------------


def run_named(gs, query: str, /, **binds: str) -> list[dict[str, str]]:
    bindings = parse_bindings(f"{k}={v}" for k, v in binds.items())
    return solutions(execute(gs.store, named_query(query).text, bindings))


@pytest.mark.slow
def test_posts_of_liu_ning(seeds_store):
    rows = run_named(seeds_store, "posts-of-person", name="刘宁")
    posts = {(r["title"], r["organisation"]) for r in rows}
    assert ("省长", "辽宁省人民政府") in posts
    assert ("副书记", "中共辽宁省委") in posts
    governor = next(r for r in rows if r["title"] == "省长")
    assert governor["post"] == "辽宁省人民政府省长" and governor["observed"] == "2021-08-06"


@pytest.mark.slow
def test_meetings_chaired_by_liu_ning(seeds_store):
    rows = run_named(seeds_store, "meetings-chaired-by", name="刘宁")
    dated = {(r["meeting"], r.get("date")) for r in rows}
    assert ("辽宁省人民政府党组会议", "2021-08-05") in dated
    assert ("辽宁省人民政府常务会议", "2021-08-05") in dated
    standing = next(r for r in rows if r["meeting"] == "辽宁省人民政府常务会议")
    assert standing["organiser"] == "辽宁省人民政府"


@pytest.mark.slow
def test_attendees_of_a_meeting_by_substring_or_exact_name(seeds_store):
    rows = run_named(seeds_store, "attendees-of-meeting", meeting="常务会议")
    assert {(r["label"], r["role"], r["person"]) for r in rows} >= {("辽宁省人民政府常务会议", "chair", "刘宁")}
    rows = run_named(seeds_store, "attendees-of-meeting", meeting="全省农村人居环境整治会议")
    assert {r["person"] for r in rows} >= {"周波", "郝春荣"}
    assert {r["date"] for r in rows} == {"2020-03-04"}


@pytest.mark.slow
@pytest.mark.parametrize("org", ["辽宁省商务厅", "省商务厅"])
def test_policies_issued_by_the_commerce_department(seeds_store, org):
    rows = run_named(seeds_store, "policies-issued-by", org=org)
    measures = [r for r in rows if r["policy"] == "六项措施"]
    assert len(measures) == 1
    assert measures[0]["organisation"] == "辽宁省商务厅"
    assert "辽宁省财政厅" in measures[0]["jointly_with"]  # 省财政厅与省商务厅联合下发
    assert measures[0]["reported"] == "2020-03-05"


@pytest.mark.slow
def test_organisations_in_liaoyuan_include_the_city_bodies_and_those_in_its_counties(seeds_store):
    rows = {(r["organisation"], r["location"]) for r in run_named(seeds_store, "organisations-in-city", city="辽源市")}
    assert ("中共辽源市委", "辽源市") in rows
    assert ("辽源市人民政府", "辽源市") in rows
    assert ("东丰县医院", "东丰县") in rows  # 东丰县 schema:containedInPlace 辽源市
    assert not any(org.startswith(("中共大连", "大连")) for org, _ in rows)


@pytest.mark.slow
def test_co_attendance_pairs_people_at_the_same_meeting(seeds_store):
    rows = run_named(seeds_store, "co-attendance")
    pairs = {frozenset((r["person1"], r["person2"])): r for r in rows}
    pair = pairs[frozenset(("周波", "郝春荣"))]  # both at 全省农村人居环境整治会议
    assert int(pair["meetings"]) >= 1 and "全省农村人居环境整治会议" in pair["which"]
    assert all(r["person1"] != r["person2"] for r in rows)


@pytest.mark.slow
def test_co_attendance_of_chen_xiangqun_and_tan_zuojun(seeds_store):
    # 002_5f81a1e48743b7fd.txt: 省委常委、副省长陈向群,省委常委、大连市委书记谭作钧,……出席开工奠基仪式
    rows = run_named(seeds_store, "co-attendance")
    pair = next(r for r in rows if {r["person1"], r["person2"]} == {"陈向群", "谭作钧"})
    assert "开工奠基仪式" in pair["which"]


@pytest.mark.slow
def test_edge_provenance_gives_the_sentence_file_and_offsets(seeds_store):
    rows = run_named(seeds_store, "edge-provenance", subject="辽宁省人民政府常务会议", predicate="chair", object="刘宁")
    assert rows
    main = next(r for r in rows if "刘宁主持召开省政府党组会议和常务会议" in r.get("sentence", ""))
    assert main["file"] == "000_cf7e9373e432becc.txt"
    assert main["headline"] == "省政府召开党组会议和常务会议"
    assert "chair" in main["rules"]
    for r in rows:  # every offset pair cuts the sentence out of the decoded source file
        assert decode(SEEDS / r["file"])[int(r["start"]) : int(r["end"])] == r["sentence"]
    held = run_named(seeds_store, "edge-provenance", subject="刘宁", predicate="holds", object="辽宁省人民政府省长")
    assert any("省长" in r["sentence"] and r["file"] == "000_cf7e9373e432becc.txt" for r in held)


@pytest.mark.slow
def test_edge_provenance_of_a_gazetteer_edge_names_the_dataset(seeds_store):
    rows = run_named(seeds_store, "edge-provenance", subject="东丰县", predicate="containedInPlace", object="辽源市")
    assert any("gazetteer" in r.get("dataset", "") for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("args", readme_commands(), ids=lambda a: a[1])
def test_every_readme_command_answers_on_the_seeds(seeds_graph, args):
    result = kg("--graph", str(seeds_graph), *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"]["bindings"], f"kg query {' '.join(args)} returned no rows"


@pytest.mark.slow
def test_output_is_deterministic(seeds_graph):
    args = ("--graph", str(seeds_graph), "--name", "co-attendance")
    first, second = kg(*args), kg(*args)
    assert first.exit_code == 0 and first.output == second.output
    assert first.output.rstrip().endswith("rows)")
