"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the embedded store (kg.store).

    GET  /sparql?query=...                                   (also at /)
    POST /sparql   Content-Type: application/sparql-query    (the query is the body)
    POST /sparql   Content-Type: application/x-www-form-urlencoded   (query=...)
    GET  /query/<name>?<param>=<value>...                    a named query (ontology/queries/<name>.rq)
    GET  /query                                              the named queries and their parameters

`default-graph-uri` and `named-graph-uri` (SPARQL 1.1 Protocol) set the dataset: the store's
default graph, which holds the built graph, is named DEFAULT_GRAPH_IRI; any other value must name a
named graph of the store (400 otherwise). A named query's parameters are bound as values
(kg.query.parse_binding: `name=刘宁` is the literal "刘宁"@zh, `<...>` an IRI), never pasted into its
text; a `query` parameter there is ignored (SPARQL clients such as SPARQLWrapper always send one).

Answers: 200 with the results, content-negotiated from the Accept header (SELECT and ASK:
application/sparql-results+json by default, text/csv, text/tab-separated-values,
application/sparql-results+xml; CONSTRUCT and DESCRIBE: text/turtle by default,
application/n-triples, application/ld+json, application/rdf+xml); 400 with the parser's message for
a malformed query, a query nested too deep, or SERVICE (refused unless --allow-service: it would
make the server fetch any URL, see kg.query); 403 for any update (an `update=` field,
application/sparql-update, or an update in `query`); 406 when no offered type is acceptable; 503
when a query exceeds the time limit or its worker's memory cap.

HTTP is served by waitress (a maintained pure-Python WSGI server): a listen backlog of 1024, a
thread pool, connections closed after --read-timeout seconds without progress (a client that sends
half a request holds no thread), strict request parsing (a request with both Transfer-Encoding and
Content-Length is refused with 400: the request-smuggling pattern), bodies above MAX_BODY refused.

How the time limit is enforced: queries run in a pool of worker processes (--workers), each with
the store open read-only and its address space capped (--memory-limit, RLIMIT_AS). The HTTP
thread waits at most --timeout seconds for the worker's answer (evaluation and serialisation of
the results); if none has come, the client gets 503 and that worker process is killed (SIGKILL)
and replaced, so the runaway query stops at once instead of running on in the background. A query
that outgrows the memory cap ends its worker the same way (503). A request also waits at most
--timeout seconds for a free worker (503 if all are busy). Sending the answer is not counted.

Successful answers are kept (--cache-mb, least recently used dropped first) and a repeated request
is answered from them without a worker: sound, because the store a server opens never changes.
The server serves the graph as it was when it started; restart it after `kg build`.
It has no authentication: it binds to 127.0.0.1 unless --host says otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import resource
import signal
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

import click
import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.ns import PREFIXES
from kg.store import DEFAULT_GRAPH_IRI, graph_option

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 2
DEFAULT_MEMORY_MB = 1024
DEFAULT_READ_TIMEOUT = 30
DEFAULT_CACHE_MB = 64
MAX_BODY = 1 << 20
SPARQL_PATHS = ("/sparql", "/")
NAMED_PREFIX = "/query/"
IGNORED_PARAMETERS = frozenset({"format", "output", "results"})
"""Result-format parameters some clients (SPARQLWrapper) add beside the Accept header; Accept decides."""

SOLUTION_TYPES: tuple[tuple[str, ox.QueryResultsFormat], ...] = (
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("application/xml", ox.QueryResultsFormat.XML),
)
"""Media types offered for SELECT and ASK results, the default first."""
GRAPH_TYPES: tuple[tuple[str, ox.RdfFormat], ...] = (
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
)
"""Media types offered for CONSTRUCT and DESCRIBE results, the default first."""

UPDATE_REFUSED = (
    "this SPARQL endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ...) are refused"
)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer to one request."""

    status: int
    """HTTP status code."""
    content_type: str
    """Value of the Content-Type header."""
    body: bytes
    """The response body."""


@dataclass(frozen=True)
class Job:
    """One query for a worker process (plain values: it crosses a process boundary)."""

    text: str
    """The SPARQL query."""
    accept: str | None
    """The client's Accept header."""
    bindings: tuple[str, ...] = ()
    """`VAR=VALUE` bindings (kg.query.parse_binding syntax)."""
    default_graph: tuple[str, ...] | None = None
    """default-graph-uri values (DEFAULT_GRAPH_IRI: the store's default graph), or None: not given."""
    named_graphs: tuple[str, ...] | None = None
    """named-graph-uri values, or None: not given."""
    allow_service: bool = False
    """Let SERVICE through (kg serve --allow-service)."""
    label: str = field(default="", compare=False, hash=False)
    """What the access log shows for it."""


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


# -- content negotiation -----------------------------------------------------------------


def _accept_ranges(accept: str | None) -> list[tuple[str, float]]:
    ranges = []
    for part in (accept or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return ranges or [("*/*", 1.0)]


def negotiate(accept: str | None, offered: tuple[tuple[str, object], ...]) -> tuple[str, object] | None:
    """The offered (media type, format) the Accept header likes best; ties go to the first offered.

    The most specific matching range decides a type's quality (type/subtype over type/* over */*).
    None if nothing offered is acceptable.
    """
    ranges = _accept_ranges(accept)
    best, best_q = None, 0.0
    for media_type, fmt in offered:
        major = media_type.split("/")[0]
        matches = [
            (specificity, q)
            for media_range, q in ranges
            for specificity, pattern in ((2, media_type), (1, f"{major}/*"), (0, "*/*"))
            if media_range == pattern
        ]
        if not matches:
            continue
        q = max(matches)[1]
        if q > best_q:
            best, best_q = (media_type, fmt), q
    return best


def _content_type(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return f"{media_type}; charset=utf-8" if textual else media_type


def _graph(iri: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if iri == DEFAULT_GRAPH_IRI else ox.NamedNode(iri)


def answer(store: ox.Store, job: Job) -> Answer:
    """Run one query against `store` and build the HTTP answer (runs inside a worker)."""
    from kg.query import execute, is_update, parse_bindings

    if is_update(job.text):
        return _text(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
    try:
        results = execute(
            store,
            job.text,
            parse_bindings(job.bindings),
            allow_service=job.allow_service,
            default_graph=None if job.default_graph is None else [_graph(i) for i in job.default_graph],
            named_graphs=None if job.named_graphs is None else [ox.NamedNode(i) for i in job.named_graphs],
        )
    except QueryError as exc:
        return _text(HTTPStatus.BAD_REQUEST, str(exc))
    if isinstance(results, ox.QueryTriples):
        offered: tuple[tuple[str, object], ...] = GRAPH_TYPES
    else:
        offered = SOLUTION_TYPES
    chosen = negotiate(job.accept, offered)
    if chosen is None:
        allowed = ", ".join(media_type for media_type, _ in offered)
        return _text(
            HTTPStatus.NOT_ACCEPTABLE, f"cannot answer with {job.accept!r}; this result is offered as: {allowed}"
        )
    media_type, fmt = chosen
    try:
        if isinstance(results, ox.QueryTriples):
            prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
            body = ox.serialize(results, format=fmt, prefixes=prefixes) or b""
        else:
            body = results.serialize(format=fmt) or b""
    except OSError as exc:
        return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"the store could not be read: {exc}")
    except RuntimeError as exc:  # an evaluation error met while iterating
        return _text(HTTPStatus.BAD_REQUEST, f"the query failed: {exc}")
    return Answer(HTTPStatus.OK, _content_type(media_type), body)


# -- worker processes --------------------------------------------------------------------


def _worker_main(directory: str, memory_bytes: int | None, conn) -> None:
    """A worker process: cap its memory, open the store read-only, then answer Jobs until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    from kg.store import open_directory

    try:
        store = open_directory(Path(directory))
    except KGError as exc:
        conn.send(("error", str(exc)))
        return
    if memory_bytes:  # after opening: the cap is for queries (an allocation past it aborts the worker)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = answer(store, job)
        except MemoryError:
            result = _text(HTTPStatus.SERVICE_UNAVAILABLE, "the query exceeded the worker's memory limit")
        except Exception as exc:  # reported to the client as a 500; the worker keeps running
            log.exception("query failed")
            result = _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {exc}")
        conn.send((result.status, result.content_type, result.body))


class _Worker:
    def __init__(self, ctx, directory: Path, memory_bytes: int | None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(str(directory), memory_bytes, child), daemon=True)
        self.process.start()
        child.close()
        self._killed = threading.Lock()  # kill() may race: a restart thread and close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise QueryError(f"a query worker did not start within {timeout:.0f} s")
        try:
            kind, detail = self.conn.recv()
        except EOFError as exc:
            raise QueryError("a query worker exited while opening the store") from exc
        if kind != "ready":
            raise QueryError(f"a query worker could not open the store: {detail}")

    def kill(self) -> None:
        """Stop the process and close its pipe; safe to call again or from another thread."""
        if not self._killed.acquire(blocking=False):
            return
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerPool:
    """Worker processes with the store open; runs each query in one, under a time limit."""

    START_TIMEOUT = 60.0

    def __init__(self, directory: Path, size: int = DEFAULT_WORKERS, memory_mb: int | None = DEFAULT_MEMORY_MB):
        if size < 1:
            raise QueryError(f"--workers must be at least 1, got {size}")
        self.directory = directory
        self.size = size
        self.memory_mb = memory_mb
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._start() for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready(self.START_TIMEOUT)
        except BaseException:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self._ctx, self.directory, self.memory_mb << 20 if self.memory_mb else None)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` and start another in the background."""
        self._retire(worker)

        def restart() -> None:
            if self._closed:
                return
            fresh = self._start()
            try:
                fresh.wait_ready(self.START_TIMEOUT)
            except QueryError as exc:
                if not self._closed:  # while stopping, close() kills it: nothing to report
                    log.error("%s; serving with one worker less", exc)
                self._retire(fresh)
                return
            if self._closed:
                self._retire(fresh)
                return
            self._idle.put(fresh)

        threading.Thread(target=restart, name="kg-serve-restart", daemon=True).start()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for benchmarks and tests)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def run(self, job: Job, timeout: float, *, retry: bool = True) -> Answer:
        """Answer one query, or 503 if it (or the wait for a free worker) exceeds `timeout` seconds.
        A worker that dies for another reason than the memory cap is replaced and the query, which
        only reads, is tried once more on another worker (`retry`) before a 500."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return _text(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"all {self.size} query workers stayed busy for {timeout:g} s; try again later",
            )
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                log.warning("query exceeded %g s; killing worker %s", timeout, worker.process.pid)
                self._replace(worker)
                return _text(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query exceeded the time limit of {timeout:g} s (kg serve --timeout) and was stopped",
                )
            status, content_type, body = worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker.process.join(1)
            code = worker.process.exitcode
            log.error("query worker %s died (exit code %s): %s", worker.process.pid, code, exc)
            self._replace(worker)
            if code == -signal.SIGABRT and self.memory_mb:  # Rust aborts when an allocation fails
                return _text(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query exceeded the memory limit of {self.memory_mb} MB (kg serve --memory-limit) "
                    "and was stopped",
                )
            if retry:
                return self.run(job, timeout, retry=False)
            return _text(HTTPStatus.INTERNAL_SERVER_ERROR, "the query worker died while answering; try again")
        self._idle.put(worker)
        return Answer(status, content_type, body)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


class AnswerCache:
    """Successful answers by Job, least recently used dropped first, at most `limit` bytes of bodies.

    Sound because the store a server opens never changes (kg.store publishes a new store for a new
    graph; the server keeps serving the one it started with).
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0
        self._answers: OrderedDict[Job, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, job: Job) -> Answer | None:
        with self._lock:
            found = self._answers.get(job)
            if found is None:
                self.misses += 1
                return None
            self._answers.move_to_end(job)
            self.hits += 1
            return found

    def put(self, job: Job, result: Answer) -> None:
        if result.status != HTTPStatus.OK or len(result.body) > self.limit // 16:
            return
        with self._lock:
            if job in self._answers:
                return
            self._answers[job] = result
            self.size += len(result.body)
            while self.size > self.limit:
                _, dropped = self._answers.popitem(last=False)
                self.size -= len(dropped.body)


# -- HTTP ----------------------------------------------------------------------------------

HELP = """kg SPARQL endpoint (read-only, SPARQL 1.1 Protocol)

  GET  /sparql?query=<url-encoded query>
  POST /sparql  with Content-Type application/sparql-query (query in the body)
                or application/x-www-form-urlencoded (query=...)
  GET  /query/<name>?<param>=<value>   a named query, values bound (list: GET /query)

Prefixes predeclared: {prefixes}
Dataset: default-graph-uri / named-graph-uri; the built graph is the default graph, named <{graph}>.
Results: application/sparql-results+json (default), text/csv, text/tab-separated-values,
application/sparql-results+xml; CONSTRUCT: text/turtle (default), application/n-triples,
application/ld+json, application/rdf+xml. Updates are refused; SERVICE is {service}.
Time limit: {timeout:g} s.
"""


def _params(query_string: str) -> dict[str, list[str]]:
    return parse_qs(query_string, keep_blank_values=True)


class Endpoint:
    """The WSGI application: turns requests into Jobs for the worker pool."""

    def __init__(
        self,
        pool: WorkerPool,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        allow_service: bool = False,
        named_graphs: frozenset[str] = frozenset(),
        cache_mb: int = DEFAULT_CACHE_MB,
    ):
        from kg.query import named_queries

        self.pool = pool
        self.timeout = timeout
        self.allow_service = allow_service
        self.graphs = frozenset({DEFAULT_GRAPH_IRI}) | named_graphs
        self.named = named_queries()
        self.cache = AnswerCache(cache_mb << 20) if cache_mb else None

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        extra: dict[str, str] = {}
        label = ""
        try:
            if method not in ("GET", "HEAD", "POST"):
                result: Answer | Job = _text(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed; use GET or POST")
                extra["Allow"] = "GET, HEAD, POST"
            else:
                result = self._route(environ, method, path)
            if isinstance(result, Job):
                label = result.label
                result = self._run(result)
        except Exception:  # the server must answer and keep running
            log.exception("request failed")
            result = _text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error; see the server log")
        headers = [
            ("Content-Type", result.content_type),
            ("Content-Length", str(len(result.body))),
            ("Cache-Control", "no-store"),
            *extra.items(),
        ]
        if result.status == HTTPStatus.SERVICE_UNAVAILABLE:
            headers.append(("Retry-After", "5"))
        start_response(f"{result.status} {HTTPStatus(result.status).phrase}", headers)
        summary = " ".join(label.split())
        if len(summary) > 80:
            summary = summary[:79] + "…"
        log.info(
            '%s "%s %s" %d %s %d B %.3f s%s',
            environ.get("REMOTE_ADDR", "-"),
            method,
            path,
            result.status,
            result.content_type.split(";")[0],
            len(result.body),
            time.perf_counter() - started,
            f" {summary}" if summary else "",
        )
        return [] if method == "HEAD" else [result.body]

    def _run(self, job: Job) -> Answer:
        cached = self.cache.get(job) if self.cache else None
        if cached is not None:
            return cached
        result = self.pool.run(job, self.timeout)
        if self.cache:
            self.cache.put(job, result)
        return result

    # -- requests --

    def _route(self, environ, method: str, path: str) -> Answer | Job:
        params = _params(environ.get("QUERY_STRING", ""))
        if method == "POST":  # the body is read whole by waitress first, so a kept-alive connection stays in step
            refused = self._read_body(environ, params)
            if refused:
                return refused
        if "update" in params:
            return _text(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
        if path in SPARQL_PATHS:
            return self._sparql(params, environ, method, path)
        if path.rstrip("/") == NAMED_PREFIX.rstrip("/"):
            return self._list()
        if path.startswith(NAMED_PREFIX):
            return self._named(path[len(NAMED_PREFIX) :], params, environ)
        return _text(HTTPStatus.NOT_FOUND, f"no such resource {path!r}; the endpoint is /sparql, named queries /query")

    def _read_body(self, environ, params: dict[str, list[str]]) -> Answer | None:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return _text(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _text(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8")
        if ctype == "application/sparql-query":
            params.setdefault("query", []).append(text)
        elif ctype == "application/x-www-form-urlencoded":
            for key, values in _params(text).items():
                params.setdefault(key, []).extend(values)
        else:
            return _text(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"Content-Type {ctype or '(none)'!r} is not supported; use application/sparql-query "
                "or application/x-www-form-urlencoded",
            )
        return None

    def _dataset(self, params: dict[str, list[str]]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None, str]:
        """(default graphs, named graphs, error message or '') from the protocol's dataset parameters."""
        for name in ("using-graph-uri", "using-named-graph-uri"):
            if name in params:
                return None, None, f"the {name} parameter belongs to SPARQL updates, which this endpoint refuses"
        dataset = []
        for name in ("default-graph-uri", "named-graph-uri"):
            values = params.pop(name, None)
            unknown = [v for v in values or () if v not in self.graphs]
            if unknown:
                allowed = ", ".join(f"<{g}>" for g in sorted(self.graphs))
                return None, None, f"{name} {unknown[0]!r} names no graph of this store; its graphs: {allowed}"
            dataset.append(tuple(values) if values is not None else None)
        default, named = dataset
        if named is not None and DEFAULT_GRAPH_IRI in named:
            return None, None, f"named-graph-uri <{DEFAULT_GRAPH_IRI}> is the default graph, not a named graph"
        return default, named, ""

    def _sparql(self, params, environ, method: str, path: str) -> Answer | Job:
        default, named, problem = self._dataset(params)
        if problem:
            return _text(HTTPStatus.BAD_REQUEST, problem)
        queries = params.get("query", [])
        if not queries:
            if path == "/" and method in ("GET", "HEAD"):
                service = "allowed (--allow-service)" if self.allow_service else "refused"
                prefixes = " ".join(PREFIXES)
                return _text(
                    HTTPStatus.OK,
                    HELP.format(prefixes=prefixes, graph=DEFAULT_GRAPH_IRI, service=service, timeout=self.timeout),
                )
            return _text(HTTPStatus.BAD_REQUEST, "no query: pass query=... (SPARQL 1.1 Protocol)")
        if len(queries) > 1:
            return _text(HTTPStatus.BAD_REQUEST, f"expected one query parameter, got {len(queries)}")
        return self._job(queries[0], environ, default=default, named=named, label=queries[0])

    def _list(self) -> Answer:
        from kg.query import list_table

        usage = 'GET /query/<name>?<param>=<value>...  (values: 刘宁 is "刘宁"@zh, <...> an IRI)\n\n'
        return _text(HTTPStatus.OK, usage + list_table(self.named))

    def _named(self, name: str, params: dict[str, list[str]], environ) -> Answer | Job:
        nq = self.named.get(name)
        if nq is None:
            return _text(HTTPStatus.NOT_FOUND, f"unknown named query {name!r}; allowed: {', '.join(self.named)}")
        default, named, problem = self._dataset(params)
        if problem:
            return _text(HTTPStatus.BAD_REQUEST, problem)
        wanted = [p.name for p in nq.parameters]
        given = {k: v for k, v in params.items() if k not in IGNORED_PARAMETERS and k != "query"}
        extra = sorted(set(given) - set(wanted))
        missing = [p for p in nq.parameters if p.name not in given]
        twice = sorted(k for k, v in given.items() if len(v) > 1)
        if extra or missing or twice:
            need = "; ".join(f"{p.name} ({p.description})" for p in nq.parameters) or "none"
            wrong = (
                f"unknown parameter {extra[0]!r}"
                if extra
                else f"missing parameter {missing[0].name!r}"
                if missing
                else f"parameter {twice[0]!r} given twice"
            )
            return _text(HTTPStatus.BAD_REQUEST, f"named query {name!r}: {wrong}; its parameters: {need}")
        from kg.query import parse_binding

        bindings = tuple(f"{p}={given[p][0]}" for p in wanted)
        try:
            for spec in bindings:
                parse_binding(spec)
        except QueryError as exc:
            return _text(HTTPStatus.BAD_REQUEST, str(exc).replace("--bind ", "", 1))
        label = f"{name} " + " ".join(bindings)
        return self._job(nq.text, environ, bindings=bindings, default=default, named=named, label=label)

    def _job(self, text: str, environ, *, bindings=(), default=None, named=None, label: str) -> Answer | Job:
        from kg.query import check_query, is_update

        if is_update(text):
            return _text(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
        try:  # here, not only in the worker: a query that would crash the parser never reaches a worker
            check_query(text, allow_service=self.allow_service)
        except QueryError as exc:
            return _text(HTTPStatus.BAD_REQUEST, str(exc))
        return Job(
            text=text,
            accept=environ.get("HTTP_ACCEPT"),
            bindings=bindings,
            default_graph=default,
            named_graphs=named,
            allow_service=self.allow_service,
            label=label,
        )


def _strict_channel():
    """waitress's HTTP channel with a parser that refuses Transfer-Encoding together with Content-Length.

    waitress follows RFC 9112 (Transfer-Encoding wins, Content-Length is ignored); a proxy in front
    may do the opposite, which is how requests are smuggled, so such a request gets 400 here.
    """
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser, ParsingError

    class StrictParser(HTTPRequestParser):
        def parse_header(self, header_plus: bytes) -> None:
            names = {line.split(b":", 1)[0].strip().lower() for line in header_plus.split(b"\r\n")[1:]}
            if b"transfer-encoding" in names and b"content-length" in names:
                raise ParsingError("a request may not carry both Transfer-Encoding and Content-Length")
            super().parse_header(header_plus)

    class StrictChannel(HTTPChannel):
        parser_class = StrictParser

    return StrictChannel


def make_server(
    app: Endpoint,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    threads: int | None = None,
    read_timeout: int = DEFAULT_READ_TIMEOUT,
):
    """A waitress server answering with `app` (not yet serving; `.run()` serves)."""
    from waitress.server import create_server

    try:
        server = create_server(
            app,
            host=host,
            port=port,
            threads=threads or max(4, 2 * app.pool.size),
            backlog=1024,
            connection_limit=1000,
            asyncore_use_poll=True,  # select() stops at 1024 descriptors
            channel_timeout=read_timeout,
            cleanup_interval=max(1, min(read_timeout, 30) // 2),
            max_request_body_size=MAX_BODY,
            ident="kg-sparql",
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=True,
        )
    except OSError as exc:
        raise QueryError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    server.channel_class = _strict_channel()
    return server


def _stop(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not break the clean-up
    raise KeyboardInterrupt


def serve(
    graph: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = DEFAULT_WORKERS,
    *,
    allow_service: bool = False,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    read_timeout: int = DEFAULT_READ_TIMEOUT,
    cache_mb: int = DEFAULT_CACHE_MB,
) -> None:
    """Serve `graph` until interrupted (Ctrl-C or SIGTERM)."""
    from kg.store import open_store

    if timeout <= 0:
        raise QueryError(f"--timeout must be positive, got {timeout:g}")
    previous = signal.signal(signal.SIGTERM, _stop)  # before anything: a stop request is always clean
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is normal under load
    try:
        with open_store(graph) as gs:  # keeps this graph's store from being removed while serving
            named_graphs = frozenset(g.value for g in gs.store.named_graphs() if isinstance(g, ox.NamedNode))
            pool = WorkerPool(gs.info.directory, workers, memory_mb)
            try:
                app = Endpoint(pool, timeout, allow_service=allow_service, named_graphs=named_graphs, cache_mb=cache_mb)
                server = make_server(app, host, port, read_timeout=read_timeout)
                bound_host, bound_port = server.effective_host, server.effective_port
                if host not in ("127.0.0.1", "localhost", "::1"):
                    log.warning("listening on %s: the endpoint has no authentication", host)
                if allow_service:
                    log.warning("SERVICE allowed: queries can make this machine send requests to any URL")
                shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
                click.echo(
                    f"serving {gs.info.graph} ({gs.info.triples} triples) at http://{shown}:{bound_port}/sparql "
                    f"(time limit {timeout:g} s, {workers} worker{'s' if workers != 1 else ''}, "
                    f"worker pids {' '.join(map(str, pool.pids()))}); Ctrl-C stops"
                )
                sys.stdout.flush()
                try:
                    server.run()  # returns on KeyboardInterrupt (Ctrl-C, or SIGTERM through _stop)
                finally:
                    log.info("stopping")
                    server.task_dispatcher.shutdown(timeout=2)
                    server.close()
            finally:
                pool.close()
    except KeyboardInterrupt:
        log.info("stopped before serving")
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command("serve")
@graph_option
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on (the endpoint has no authentication: keep it local).",
)
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 picks a free one; the address is printed).",
)
@click.option(
    "--timeout",
    default=DEFAULT_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a query may run; its worker process is then killed and the client gets 503.",
)
@click.option(
    "--workers",
    default=DEFAULT_WORKERS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes, i.e. queries answered at the same time.",
)
@click.option(
    "--memory-limit",
    "memory_mb",
    default=DEFAULT_MEMORY_MB,
    show_default=True,
    type=click.IntRange(min=0),
    help=(
        "Address-space cap of each worker process in MB, the store's own ~400 MB of mappings included "
        "(0: none); a query past it gets 503."
    ),
)
@click.option(
    "--read-timeout",
    default=DEFAULT_READ_TIMEOUT,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds a connection may stay silent (mid-request or idle between requests) before it is closed.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE clauses: the server then sends queries to any URL a client names (refused by default).",
)
@click.option(
    "--cache-mb",
    default=DEFAULT_CACHE_MB,
    show_default=True,
    type=click.IntRange(min=0),
    help="MB of successful answers kept for repeated queries (0: none); the served store never changes.",
)
def serve_command(graph, host, port, timeout, workers, memory_mb, read_timeout, allow_service, cache_mb) -> None:
    """Serve the graph as a read-only SPARQL 1.1 Protocol endpoint at /sparql.

    Answers GET ?query=... and POST (application/sparql-query, or a form with query=...);
    results as SPARQL JSON (default), CSV, TSV or XML, CONSTRUCT results as Turtle (default),
    N-Triples, JSON-LD or RDF/XML, chosen by the Accept header. Named queries run at
    /query/<name>?<param>=<value>. Updates get 403; malformed queries and SERVICE 400; queries
    over the time or memory limit 503.

    \b
    Example:
      kg serve --graph output/graph.nt --port 7878 --timeout 10
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?l WHERE { ?p a kg:Person ; rdfs:label ?l }' \\
           http://127.0.0.1:7878/sparql
      curl -H 'Accept: text/csv' 'http://127.0.0.1:7878/query/posts-of-person?name=刘宁'
    """
    serve(
        graph,
        host=host,
        port=port,
        timeout=timeout,
        workers=workers,
        allow_service=allow_service,
        memory_mb=memory_mb or None,
        read_timeout=read_timeout,
        cache_mb=cache_mb,
    )


def main() -> None:
    """`python -m kg.serve`: the serve command on its own (same as `kg serve`)."""
    from kg.cli import cli

    cli.add_command(serve_command)
    cli(["serve", *sys.argv[1:]], prog_name="kg")


if __name__ == "__main__":
    from kg.serve import main as _main  # the importable module, so worker processes can find _worker_main

    _main()
