"""`kg serve`: the SPARQL 1.1 Protocol endpoint, run as a real server process on the seeds graph
and queried over HTTP (SPARQLWrapper and urllib)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_graph import seeds_graph_fixture  # noqa: F401  (fixture)
from listener import SECRET, Listener
from rdflib import Graph
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from test_query import chains, readme_commands, service_queries

from kg.cli import _KGGroup
from kg.query import query_command
from kg.serve import (
    DEFAULT_HOST,
    GRAPH_TYPES,
    SOLUTION_TYPES,
    Answer,
    AnswerCache,
    Job,
    negotiate,
    serve_command,
)
from kg.store import DEFAULT_GRAPH_IRI

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 1.0
READ_TIMEOUT = 2
LIU_NING_POSTS = """SELECT ?post WHERE {
  ?p a kg:Person ; rdfs:label ?name ; org:holds/rdfs:label ?post .
  FILTER(STR(?name) = "刘宁")
} ORDER BY ?post"""
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"


# -- content negotiation (no server) ------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "offered", "chosen"),
    [
        (None, SOLUTION_TYPES, "application/sparql-results+json"),
        ("*/*", SOLUTION_TYPES, "application/sparql-results+json"),
        ("text/csv", SOLUTION_TYPES, "text/csv"),
        ("text/*;q=0.5, application/sparql-results+json;q=0.4", SOLUTION_TYPES, "text/csv"),
        ("text/tab-separated-values, text/csv;q=0.9", SOLUTION_TYPES, "text/tab-separated-values"),
        ("application/json", SOLUTION_TYPES, "application/json"),
        ("text/*, text/csv;q=0", SOLUTION_TYPES, "text/tab-separated-values"),
        ("image/png", SOLUTION_TYPES, None),
        (None, GRAPH_TYPES, "text/turtle"),
        ("application/n-triples", GRAPH_TYPES, "application/n-triples"),
        ("application/sparql-results+json", GRAPH_TYPES, None),
    ],
)
def test_content_negotiation(accept, offered, chosen):
    result = negotiate(accept, offered)
    assert (result[0] if result else None) == chosen


def test_the_answer_cache_keeps_successes_only_and_drops_the_least_recently_used():
    cache = AnswerCache(limit=16 * 100)
    jobs = [Job(f"ASK {{ ?s ?p {i} }}", None) for i in range(20)]
    assert Job("ASK {}", None, label="a") == Job("ASK {}", None, label="b")  # the log label is not part of the key
    cache.put(jobs[0], Answer(503, "text/plain", b"x"))
    assert cache.get(jobs[0]) is None
    for job in jobs:
        cache.put(job, Answer(200, "text/csv", b"y" * 100))
        cache.get(jobs[0])  # kept in use
    assert cache.size <= cache.limit
    assert cache.get(jobs[0]) is not None and cache.get(jobs[-1]) is not None
    assert cache.get(jobs[1]) is None  # the least recently used went first
    cache.put(jobs[1], Answer(200, "text/csv", b"z" * 101))  # bigger than a sixteenth of the cache: not kept
    assert cache.get(jobs[1]) is None


def test_the_default_address_is_loopback():
    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == DEFAULT_HOST == "127.0.0.1"


# -- a running server -------------------------------------------------------------------------


class Server:
    def __init__(self, proc: subprocess.Popen, url: str, log: Path):
        self.proc, self.url, self.log = proc, url, log

    def request(
        self,
        data: bytes | None = None,
        *,
        query: str | None = None,
        headers: dict | None = None,
        path: str = "/sparql",
        method: str | None = None,
    ) -> tuple[int, str, bytes]:
        url = self.url.replace("/sparql", path)
        if query is not None:
            url += "?" + urllib.parse.urlencode({"query": query})
        req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Content-Type", ""), err.read()

    def form(self, **fields: str) -> tuple[int, str, bytes]:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        return self.request(body, headers={"Content-Type": "application/x-www-form-urlencoded"})


def start_server(graph: Path, log: Path, *extra: str) -> Server:
    cmd = [sys.executable, "-m", "kg.serve", "--graph", str(graph), "--port", "0", *extra]
    with log.open("w") as err:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
    return Server(proc, _wait_for_url(proc, 120), log)


def stop_server(server: Server) -> int:
    server.proc.terminate()
    try:
        return server.proc.wait(20)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        raise


def _wait_for_url(proc: subprocess.Popen, timeout: float) -> str:
    """The URL kg serve prints once it listens (read in a thread, so a silent hang cannot block)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        match = re.search(r"at (http://\S+/sparql)", line)
        if match:
            return match.group(1)
    proc.kill()
    raise AssertionError(f"kg serve did not start within {timeout:g} s: exit code {proc.poll()}")


@pytest.fixture(scope="module")
def server(seeds_graph, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    running = start_server(
        seeds_graph, log, "--timeout", str(TIMEOUT), "--workers", "2", "--read-timeout", str(READ_TIMEOUT)
    )
    try:
        yield running
    finally:
        code = stop_server(running)
    assert code == 0, log.read_text()
    assert "Traceback" not in log.read_text(), log.read_text()


@pytest.mark.slow
def test_json_results_with_sparqlwrapper_get_and_post(server):
    for method in ("GET", POST):
        client = SPARQLWrapper(server.url)
        client.setQuery(LIU_NING_POSTS)
        client.setReturnFormat(JSON)
        if method == POST:
            client.setMethod(POST)
        data = client.queryAndConvert()
        assert data["head"]["vars"] == ["post"]
        posts = [b["post"]["value"] for b in data["results"]["bindings"]]
        assert "辽宁省人民政府省长" in posts and "中共辽宁省委副书记" in posts


@pytest.mark.slow
def test_csv_tsv_and_the_default_json(server):
    status, ctype, body = server.request(query=LIU_NING_POSTS, headers={"Accept": "text/csv"})
    assert status == 200 and ctype.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["post"] and ["辽宁省人民政府省长"] in rows
    status, ctype, body = server.request(query=LIU_NING_POSTS, headers={"Accept": "text/tab-separated-values"})
    assert status == 200 and ctype.startswith("text/tab-separated-values")
    assert '"辽宁省人民政府省长"@zh' in body.decode("utf-8").splitlines()
    status, ctype, body = server.request(
        LIU_NING_POSTS.encode("utf-8"), headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    assert any(b["post"]["value"] == "辽宁省人民政府省长" for b in json.loads(body)["results"]["bindings"])


@pytest.mark.slow
def test_ask_and_construct(server):
    status, _, body = server.request(query='ASK { ?m rdfs:label "辽宁省人民政府常务会议"@zh ; kg:chair ?p }')
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    construct = "CONSTRUCT { ?m kg:chair ?p } WHERE { ?m kg:chair ?p }"
    status, ctype, body = server.request(query=construct)
    assert status == 200 and ctype.startswith("text/turtle")
    turtle = Graph().parse(data=body.decode("utf-8"), format="turtle")
    status, ctype, body = server.request(query=construct, headers={"Accept": "application/n-triples"})
    assert status == 200 and ctype.startswith("application/n-triples")
    assert len(Graph().parse(data=body.decode("utf-8"), format="nt")) == len(turtle) > 0


@pytest.mark.slow
def test_a_malformed_query_is_400_with_the_parser_message(server):
    status, ctype, body = server.request(query="SELECT ?s WHERE { ?s ?p }")
    text = body.decode("utf-8")
    assert status == 400 and ctype.startswith("text/plain")
    assert text.startswith("malformed SPARQL query at line 1, column") and "expected" in text


@pytest.mark.slow
def test_updates_are_refused_and_change_nothing(server):
    insert = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    for status, _, body in (
        server.form(update=insert),
        server.form(query=insert),
        server.request(insert.encode(), headers={"Content-Type": "application/sparql-update"}),
        server.request(query="DROP DEFAULT"),
    ):
        assert status == 403 and b"read-only" in body
    status, _, body = server.request(query="ASK { <http://example.org/a> ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is False


@pytest.mark.slow
def test_a_query_over_the_time_limit_is_503_and_the_server_goes_on(server):
    started = time.monotonic()
    status, _, body = server.request(query=CROSS_JOIN)
    elapsed = time.monotonic() - started
    assert status == 503 and b"time limit of 1 s" in body
    assert elapsed < TIMEOUT + 3
    for _ in range(3):  # both workers (one of them restarted) keep answering
        status, _, body = server.request(query="ASK { ?s a kg:Person }")
        assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.slow
def test_other_requests_get_clear_errors(server):
    status, _, body = server.request(query="SELECT * { ?s ?p ?o } LIMIT 1", headers={"Accept": "image/png"})
    assert status == 406 and b"text/csv" in body
    status, _, body = server.request(path="/elsewhere")
    assert status == 404 and b"/sparql" in body
    status, _, _ = server.request(b"query=x", headers={"Content-Type": "text/plain"})
    assert status == 415
    status, _, _ = server.request(method="DELETE")
    assert status == 405
    status, _, body = server.request()
    assert status == 400 and b"no query" in body
    status, ctype, body = server.request(path="/")
    assert status == 200 and b"read-only" in body


@pytest.mark.slow
def test_it_listens_on_loopback_only_by_default(server):
    host, port = urllib.parse.urlsplit(server.url).hostname, urllib.parse.urlsplit(server.url).port
    assert host == "127.0.0.1"
    with socket.create_connection((host, port), timeout=5):
        pass
    other = _non_loopback_address()
    if other is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError), socket.create_connection((other, port), timeout=5):
        pass


@pytest.mark.slow
def test_every_request_is_logged(server):
    server.request(query="ASK { ?s ?p ?o }", headers={"Accept": "text/csv"})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if re.search(r'127\.0\.0\.1 "GET /sparql" 200 text/csv \d+ B [\d.]+ s ASK', server.log.read_text()):
            return
        time.sleep(0.1)
    raise AssertionError(server.log.read_text())


def _non_loopback_address() -> str | None:
    candidates = set()
    with contextlib.suppress(OSError):
        candidates.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent; picks the outgoing interface
        candidates.add(s.getsockname()[0])
    return next((a for a in sorted(candidates) if not a.startswith("127.") and a != "0.0.0.0"), None)


# -- issue 15: SSRF, nesting, strict HTTP, dataset parameters, named queries --------------------


@pytest.fixture
def listener():
    target = Listener()
    yield target
    target.close()


@pytest.mark.slow
def test_service_is_refused_and_the_listener_receives_nothing(server, listener):
    for q in service_queries(listener.url):
        for status, _, body in (
            server.request(query=q),
            server.form(query=q),
            server.request(q.encode("utf-8"), headers={"Content-Type": "application/sparql-query"}),
        ):
            assert status == 400 and b"SERVICE is refused" in body, (q, body)
    assert listener.settle() == []


@pytest.mark.slow
def test_with_allow_service_the_server_reaches_the_listener(seeds_graph, tmp_path, listener):
    # the refusal above is the guard's doing: the same server with the flag forwards the query
    running = start_server(seeds_graph, tmp_path / "serve.log", "--allow-service", "--workers", "1")
    try:
        q = f"SELECT ?secret WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        status, _, body = running.request(query=q, headers={"Accept": "text/csv"})
    finally:
        assert stop_server(running) == 0
    assert status == 200 and SECRET in body.decode("utf-8")
    assert listener.settle()[0].startswith(b"POST /sparql")


@pytest.mark.slow
def test_a_query_past_the_memory_cap_is_503_and_the_server_goes_on(seeds_graph, tmp_path):
    log = tmp_path / "serve.log"
    running = start_server(seeds_graph, log, "--memory-limit", "600", "--timeout", "60", "--workers", "1")
    try:
        hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?f ?i"  # sorts the graph cubed
        started = time.monotonic()
        status, _, body = running.request(query=hungry)
        assert status == 503 and b"exceeded the memory limit of 600 MB" in body, body
        assert time.monotonic() - started < 30  # the cap, not the time limit, stopped it
        deadline = time.monotonic() + 60
        while (status := running.request(query="ASK { ?s a kg:Person }")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)  # the worker is being replaced
        assert status == 200
    finally:
        assert stop_server(running) == 0
    assert "Traceback" not in log.read_text()


def test_a_query_sent_to_a_worker_that_died_is_answered_by_another(seeds_graph, tmp_path):
    """A worker killed from outside (here SIGKILL while idle) costs the client nothing: the query,
    which only reads, is tried once more on another worker, and the dead one is replaced."""
    log = tmp_path / "serve.log"
    running = start_server(seeds_graph, log, "--workers", "2", "--cache-mb", "0")
    try:
        found = subprocess.run(
            ["pgrep", "-P", str(running.proc.pid), "-f", "spawn_main"], capture_output=True, text=True
        )
        workers = [int(pid) for pid in found.stdout.split()]
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        time.sleep(0.5)
        statuses = [running.request(query=f"ASK {{ ?s a kg:Person }} # {i}")[0] for i in range(4)]
        assert statuses == [200] * 4
        assert "died" in log.read_text()  # the death is logged, not hidden
    finally:
        assert stop_server(running) == 0


@pytest.mark.slow
def test_deep_nesting_is_400_before_any_worker_sees_it(server):
    for q in (chains(10_000)["braces"], chains(10_000)["plus"]):
        status, _, body = server.request(q.encode("utf-8"), headers={"Content-Type": "application/sparql-query"})
        assert status == 400 and (b"nests brackets more than 100 deep" in body or b"more than 2000 operators" in body)
    status, _, body = server.request(query="ASK { ?s a kg:Person }")
    assert status == 200 and json.loads(body)["boolean"] is True
    assert "died" not in server.log.read_text()


def raw(server: Server, data: bytes, *, wait: float = 5) -> bytes:
    """Send `data` on a fresh connection; everything the server sends back until it closes."""
    parts = urllib.parse.urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        with contextlib.suppress(TimeoutError):
            while chunk := sock.recv(65536):
                received += chunk
    return received


@pytest.mark.slow
def test_transfer_encoding_with_content_length_is_refused(server):
    body = b"ASK { ?s ?p ?o }"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nConnection: close\r\n"
    both = raw(server, head + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
    assert re.match(rb"HTTP/1\.[01] 400 ", both) and b"Transfer-Encoding and Content-Length" in both
    only_chunked = raw(server, head + b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    assert only_chunked.startswith(b"HTTP/1.1 200") and b'"boolean":true' in only_chunked


@pytest.mark.slow
def test_a_half_sent_request_is_closed_after_the_read_timeout_and_holds_no_thread(server):
    parts = urllib.parse.urlsplit(server.url)
    socks = []
    try:
        for _ in range(8):  # more than the server's threads
            sock = socket.create_connection((parts.hostname, parts.port), timeout=READ_TIMEOUT * 6)
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n")
            sock.sendall(b"Content-Length: 100\r\n\r\nASK {")
            socks.append(sock)
        started = time.monotonic()
        status, _, _ = server.request(query="ASK { ?s ?p ?o }")
        assert status == 200 and time.monotonic() - started < 2  # the stalled clients hold no thread
        for sock in socks:
            assert sock.recv(100) == b""  # closed by the server, no answer
        assert time.monotonic() - started < READ_TIMEOUT * 5
    finally:
        for sock in socks:
            sock.close()


@pytest.mark.slow
def test_a_client_that_disconnects_leaves_no_traceback(server):
    parts = urllib.parse.urlsplit(server.url)
    slow = urllib.parse.urlencode({"query": CROSS_JOIN})
    for request in (
        f"GET /sparql?{slow} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # leaves while the query runs
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nquery=",  # leaves mid-body
        b"GET /spa",  # leaves mid-line
    ):
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            sock.sendall(request)
            time.sleep(0.2)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
    time.sleep(TIMEOUT + 1)
    status, _, _ = server.request(query="ASK { ?s ?p ?o }")
    assert status == 200
    assert "Traceback" not in server.log.read_text()


@pytest.mark.slow
def test_dataset_parameters(server):
    client = SPARQLWrapper(server.url)
    client.setQuery(LIU_NING_POSTS)
    client.setReturnFormat(JSON)
    client.addDefaultGraph(DEFAULT_GRAPH_IRI)
    posts = [b["post"]["value"] for b in client.queryAndConvert()["results"]["bindings"]]
    assert "辽宁省人民政府省长" in posts
    url = "http://example.org/elsewhere"
    for name in ("default-graph-uri", "named-graph-uri"):
        status, _, body = server.form(query=LIU_NING_POSTS, **{name: url})
        assert status == 400 and f"{name} '{url}' names no graph of this store".encode() in body
        assert DEFAULT_GRAPH_IRI.encode() in body
    status, _, body = server.form(query="ASK { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": DEFAULT_GRAPH_IRI})
    assert status == 200 and json.loads(body)["boolean"] is False


def named_url(query: str, /, **params: str) -> str:
    return f"/query/{query}?" + urllib.parse.urlencode(params) if params else f"/query/{query}"


@pytest.mark.slow
@pytest.mark.parametrize("args", readme_commands(), ids=lambda a: a[1])
def test_every_named_query_answers_over_http_as_kg_query_does(server, seeds_graph, args):
    name, binds = args[1], [args[i + 1] for i, a in enumerate(args) if a == "--bind"]
    params = dict(b.split("=", 1) for b in binds)
    status, ctype, body = server.request(path=named_url(name, **params), headers={"Accept": "text/csv"})
    assert status == 200 and ctype.startswith("text/csv"), body
    group = _KGGroup("kg", commands=[query_command])
    local = CliRunner().invoke(group, ["query", "--graph", str(seeds_graph), *args, "--format", "csv"])
    assert local.exit_code == 0, local.output
    assert body.decode("utf-8").splitlines() == local.output.splitlines()
    assert len(body.decode("utf-8").splitlines()) > 1, f"{name} returned no rows"


@pytest.mark.slow
def test_named_query_values_are_bound_not_pasted(server):
    hostile = '刘宁") } UNION { ?person ?p ?o . BIND("x" AS ?name) } #'
    status, _, body = server.request(path=named_url("posts-of-person", name=hostile))
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, body = server.request(path=named_url("posts-of-person", name="<http://kg.example.org/id/x>"))
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


@pytest.mark.slow
def test_named_query_errors_name_what_is_allowed(server):
    status, _, body = server.request(path=named_url("posts-of-persons", name="刘宁"))
    assert status == 404 and b"allowed: attendees-of-meeting" in body
    status, _, body = server.request(path=named_url("posts-of-person"))
    assert status == 400 and b"missing parameter 'name'; its parameters: name (the person's name" in body
    status, _, body = server.request(path=named_url("posts-of-person", name="刘宁", city="x"))
    assert status == 400 and b"unknown parameter 'city'" in body
    status, _, body = server.request(path=named_url("posts-of-person", name='"unterminated'))
    assert status == 400 and b"is not a literal in Turtle syntax" in body
    status, _, body = server.request(path="/query")
    assert status == 200 and b"posts-of-person" in body and b"name=" in body


def readme_python() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Querying") : text.index("### Exploring")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]


@pytest.mark.slow
def test_the_readme_sparqlwrapper_examples_run_against_kg_serve(server):
    code = readme_python()
    assert "addDefaultGraph" in code and "/query/" in code
    base = server.url.removesuffix("/sparql")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code.replace("http://127.0.0.1:7878", base), "README.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert "辽宁省人民政府常务会议 刘宁" in lines  # the SELECT over the default graph
    assert "辽宁省人民政府省长" in lines  # the named query
