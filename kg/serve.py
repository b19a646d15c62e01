"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the embedded store (kg.store).

    GET  /sparql?query=...                                   (also at /)
    POST /sparql   Content-Type: application/sparql-query    (the query is the body)
    POST /sparql   Content-Type: application/x-www-form-urlencoded   (query=...)

Answers: 200 with the results, content-negotiated from the Accept header (SELECT and ASK:
application/sparql-results+json by default, text/csv, text/tab-separated-values,
application/sparql-results+xml; CONSTRUCT and DESCRIBE: text/turtle by default,
application/n-triples, application/ld+json, application/rdf+xml); 400 with the parser's message for
a malformed query; 403 for any update (an `update=` field, application/sparql-update, or an update
in `query`); 406 when no offered type is acceptable; 503 when a query exceeds the time limit.
The prefixes of kg.ns.PREFIXES are predeclared, as in `kg query`.

How the time limit is enforced: queries run in a pool of worker processes (--workers), each with
the store open read-only. The HTTP thread waits at most --timeout seconds for the worker's answer
(evaluation and serialisation of the results); if none has come, the client gets 503 and that
worker process is killed (SIGKILL) and replaced, so the runaway query stops at once instead of
running on in the background. A request also waits at most --timeout seconds for a free worker
(503 if all are busy). Sending the answer to the client is not counted.

The server serves the graph as it was when it started; restart it after `kg build`.
It has no authentication: it binds to 127.0.0.1 unless --host says otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import signal
import socket
import socketserver
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click
import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.ns import PREFIXES
from kg.store import graph_option

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 2
MAX_BODY = 1 << 20
PATHS = ("/sparql", "/")

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


def answer(store: ox.Store, text: str, accept: str | None) -> Answer:
    """Run one query against `store` and build the HTTP answer (runs inside a worker)."""
    from kg.query import execute, is_update

    if is_update(text):
        return _text(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
    try:
        results = execute(store, text)
    except QueryError as exc:
        return _text(HTTPStatus.BAD_REQUEST, str(exc))
    if isinstance(results, ox.QueryTriples):
        offered: tuple[tuple[str, object], ...] = GRAPH_TYPES
    else:
        offered = SOLUTION_TYPES
    chosen = negotiate(accept, offered)
    if chosen is None:
        allowed = ", ".join(media_type for media_type, _ in offered)
        return _text(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer with {accept!r}; this result is offered as: {allowed}")
    media_type, fmt = chosen
    try:
        if isinstance(results, ox.QueryTriples):
            prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
            body = ox.serialize(results, format=fmt, prefixes=prefixes) or b""
        else:
            body = results.serialize(format=fmt) or b""
    except OSError as exc:
        return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"the store could not be read: {exc}")
    return Answer(HTTPStatus.OK, _content_type(media_type), body)


# -- worker processes --------------------------------------------------------------------


def _worker_main(directory: str, conn) -> None:
    """A worker process: open the store read-only, then answer (query, accept) messages until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    from kg.store import open_directory

    try:
        store = open_directory(Path(directory))
    except KGError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            text, accept = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = answer(store, text, accept)
        except Exception as exc:  # reported to the client as a 500; the worker keeps running
            log.exception("query failed")
            result = _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {exc}")
        conn.send((result.status, result.content_type, result.body))


class _Worker:
    def __init__(self, ctx, directory: Path):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(str(directory), child), daemon=True)
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

    def __init__(self, directory: Path, size: int = DEFAULT_WORKERS):
        if size < 1:
            raise QueryError(f"--workers must be at least 1, got {size}")
        self.directory = directory
        self.size = size
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
        worker = _Worker(self._ctx, self.directory)
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

    def run(self, text: str, accept: str | None, timeout: float) -> Answer:
        """Answer one query, or 503 if it (or the wait for a free worker) exceeds `timeout` seconds."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return _text(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"all {self.size} query workers stayed busy for {timeout:g} s; try again later",
            )
        try:
            worker.conn.send((text, accept))
            if not worker.conn.poll(timeout):
                log.warning("query exceeded %g s; killing worker %s", timeout, worker.process.pid)
                self._replace(worker)
                return _text(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query exceeded the time limit of {timeout:g} s (kg serve --timeout) and was stopped",
                )
            status, content_type, body = worker.conn.recv()
        except (EOFError, OSError) as exc:
            log.error("query worker %s died: %s", worker.process.pid, exc)
            self._replace(worker)
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


# -- HTTP ----------------------------------------------------------------------------------

HELP = """kg SPARQL endpoint (read-only, SPARQL 1.1 Protocol)

  GET  /sparql?query=<url-encoded query>
  POST /sparql  with Content-Type application/sparql-query (query in the body)
                or application/x-www-form-urlencoded (query=...)

Prefixes predeclared: {prefixes}
Results: application/sparql-results+json (default), text/csv, text/tab-separated-values,
application/sparql-results+xml; CONSTRUCT: text/turtle (default), application/n-triples,
application/ld+json, application/rdf+xml. Updates are refused. Time limit: {timeout:g} s.
"""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "kg-sparql/0.1"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def _refuse_method(self) -> None:
        self._send(
            _text(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not allowed; use GET or POST"),
            {"Allow": "GET, HEAD, POST"},
            started=time.perf_counter(),
            query=None,
        )

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        text = None
        try:
            text, early = self._read_query(method)
            result = (
                early
                if early is not None
                else self.server.pool.run(text, self.headers.get("Accept"), self.server.timeout_seconds)
            )
        except Exception:  # the server must answer and keep running
            log.exception("request failed")
            result = _text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error; see the server log")
        self._send(result, {}, started=started, query=text, head=method == "HEAD")

    def _read_query(self, method: str) -> tuple[str | None, Answer | None]:
        """(query text, None) for a query to run, or (text or None, the answer to give instead)."""
        url = urlsplit(self.path)
        body = b""
        if method == "POST":  # read it first, so that a kept-alive connection stays in step
            body, error = self._body()
            if error:
                return None, error
        if url.path not in PATHS:
            return None, _text(HTTPStatus.NOT_FOUND, f"no such resource {url.path!r}; the endpoint is /sparql")
        params = parse_qs(url.query, keep_blank_values=True)
        if method == "POST":
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return None, _text(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
            if ctype == "application/sparql-query":
                try:
                    params.setdefault("query", []).append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    return None, _text(HTTPStatus.BAD_REQUEST, "the query body is not UTF-8")
            elif ctype == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                except UnicodeDecodeError:
                    return None, _text(HTTPStatus.BAD_REQUEST, "the form body is not UTF-8")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            else:
                return None, _text(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    f"Content-Type {ctype or '(none)'!r} is not supported; use application/sparql-query "
                    "or application/x-www-form-urlencoded",
                )
        if "update" in params:
            return None, _text(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
        for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
            if name in params:
                return None, _text(
                    HTTPStatus.BAD_REQUEST,
                    f"the {name} parameter is not supported: the store holds one graph, queried as the default graph",
                )
        queries = params.get("query", [])
        if not queries:
            if url.path == "/" and method in ("GET", "HEAD"):
                help_text = HELP.format(prefixes=" ".join(PREFIXES), timeout=self.server.timeout_seconds)
                return None, _text(HTTPStatus.OK, help_text)
            return None, _text(HTTPStatus.BAD_REQUEST, "no query: pass query=... (SPARQL 1.1 Protocol)")
        if len(queries) > 1:
            return None, _text(HTTPStatus.BAD_REQUEST, f"expected one query parameter, got {len(queries)}")
        return queries[0], None

    def _body(self) -> tuple[bytes, Answer | None]:
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            return b"", _text(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length header")
        try:
            size = int(length)
        except ValueError:
            self.close_connection = True
            return b"", _text(HTTPStatus.BAD_REQUEST, f"bad Content-Length {length!r}")
        if size < 0 or size > MAX_BODY:
            self.close_connection = True
            return b"", _text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body may be at most {MAX_BODY} bytes")
        return self.rfile.read(size), None

    def _send(
        self, result: Answer, headers: dict[str, str], *, started: float, query: str | None, head: bool = False
    ) -> None:
        self.send_response(result.status)
        self.send_header("Content-Type", result.content_type)
        self.send_header("Content-Length", str(len(result.body)))
        self.send_header("Cache-Control", "no-store")
        if result.status == HTTPStatus.SERVICE_UNAVAILABLE:
            self.send_header("Retry-After", "5")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(result.body)
        summary = " ".join((query or "").split())
        if len(summary) > 80:
            summary = summary[:79] + "…"
        log.info(
            '%s "%s %s" %d %s %d B %.3f s%s',
            self.client_address[0],
            self.command,
            urlsplit(self.path).path,
            result.status,
            result.content_type.split(";")[0],
            len(result.body),
            time.perf_counter() - started,
            f" {summary}" if summary else "",
        )

    def log_message(self, format: str, *args) -> None:
        log.debug("%s " + format, self.client_address[0], *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: WorkerPool, timeout: float):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.pool = pool
        self.timeout_seconds = timeout
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can stall without DNS
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port


def make_server(
    pool: WorkerPool, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: float = DEFAULT_TIMEOUT
) -> ThreadingHTTPServer:
    """An HTTP server answering SPARQL queries with `pool` (not yet serving)."""
    if timeout <= 0:
        raise QueryError(f"--timeout must be positive, got {timeout:g}")
    try:
        return _Server((host, port), pool, timeout)
    except OSError as exc:
        raise QueryError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def _stop(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not break the clean-up
    raise KeyboardInterrupt


def serve(
    graph: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = DEFAULT_WORKERS,
) -> None:
    """Serve `graph` until interrupted (Ctrl-C or SIGTERM)."""
    from kg.store import open_store

    if timeout <= 0:
        raise QueryError(f"--timeout must be positive, got {timeout:g}")
    previous = signal.signal(signal.SIGTERM, _stop)  # before anything: a stop request is always clean
    try:
        with open_store(graph) as gs:  # keeps this graph's store from being removed while serving
            pool = WorkerPool(gs.info.directory, workers)
            try:
                httpd = make_server(pool, host, port, timeout)
                bound_host, bound_port = httpd.server_address[:2]
                if host not in ("127.0.0.1", "localhost", "::1"):
                    log.warning("listening on %s: the endpoint has no authentication", host)
                shown = f"[{bound_host}]" if ":" in bound_host else bound_host
                click.echo(
                    f"serving {gs.info.graph} ({gs.info.triples} triples) at http://{shown}:{bound_port}/sparql "
                    f"(time limit {timeout:g} s, {workers} worker{'s' if workers != 1 else ''}); Ctrl-C stops"
                )
                sys.stdout.flush()
                try:
                    httpd.serve_forever()
                except KeyboardInterrupt:
                    log.info("stopping")
                finally:
                    httpd.server_close()
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
def serve_command(graph, host, port, timeout, workers) -> None:
    """Serve the graph as a read-only SPARQL 1.1 Protocol endpoint at /sparql.

    Answers GET ?query=... and POST (application/sparql-query, or a form with query=...);
    results as SPARQL JSON (default), CSV, TSV or XML, CONSTRUCT results as Turtle (default),
    N-Triples, JSON-LD or RDF/XML, chosen by the Accept header. Updates get 403, malformed
    queries 400, queries over the time limit 503.

    \b
    Example:
      kg serve --graph output/graph.nt --port 7878 --timeout 10
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?l WHERE { ?p a kg:Person ; rdfs:label ?l }' \\
           http://127.0.0.1:7878/sparql
    """
    serve(graph, host=host, port=port, timeout=timeout, workers=workers)


def main() -> None:
    """`python -m kg.serve`: the serve command on its own (same as `kg serve`)."""
    from kg.cli import cli

    cli.add_command(serve_command)
    cli(["serve", *sys.argv[1:]], prog_name="kg")


if __name__ == "__main__":
    from kg.serve import main as _main  # the importable module, so worker processes can find _worker_main

    _main()
