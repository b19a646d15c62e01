"""`kg query`: SPARQL 1.1 SELECT / ASK / CONSTRUCT / DESCRIBE over the embedded store (kg.store).

A query comes from the command line, a file, or a named query (`ontology/queries/<name>.rq`).
Every prefix of `kg.ns.PREFIXES` is predeclared (a PREFIX the query declares itself wins).
Values reach the query only as bindings (pyoxigraph `substitutions`, i.e. SEP-0007 substitution),
never by editing the query text: `--bind name=刘宁` binds ?name to the literal "刘宁"@zh. pyoxigraph
substitutes only variables that the SELECT clause projects, so named queries project their
parameters (and compare labels with STR(), so the language tag does not matter).
Updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) are refused.

Guards run before a query reaches the parser (`check_query`):
- `SERVICE` (federated query: the engine would send part of the query to any URL it names, an SSRF
  hole in an endpoint) is refused unless the caller opts in (`--allow-service`). pyoxigraph reaches
  outside the store only through SERVICE: FROM / FROM NAMED / GRAPH name graphs of the store and
  fetch nothing, and LOAD is an update (checked by tests with a local listener).
- Nesting deeper than MAX_NESTING brackets, or more than MAX_OPERATORS operators and separators, is
  refused: pyoxigraph's parser and evaluator recurse over the query, and 10,000 nested braces (or
  ~7,000 chained `+`, ~8,000 triple patterns) overflow the stack and kill the process (SIGSEGV).
`kg query --timeout` stops a query after that many seconds, and Ctrl-C stops it at once: the query
runs in a thread (pyoxigraph releases the GIL while it evaluates and serialises); the main thread
waits for it and, on a timeout or Ctrl-C, ends the process without waiting for the thread.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import pyoxigraph as ox

from kg.errors import QueryError
from kg.ns import PREFIXES
from kg.store import graph_option

log = logging.getLogger(__name__)

QUERIES = Path(__file__).resolve().parent.parent / "ontology" / "queries"
"""Folder of the named queries (`<name>.rq`)."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
OUTPUT_FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)
"""`--format` values: table, csv, tsv, json (SELECT and ASK); table, ttl, nt (CONSTRUCT and DESCRIBE)."""

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE)
_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_MESSAGE = 300

MAX_NESTING = 100
"""Deepest bracket nesting ({ ( [) a query may have; 10,000 nested braces crash pyoxigraph's parser."""
MAX_OPERATORS = 2000
"""Most operators, brackets and separators (. ; , | && + ! UNION OPTIONAL ...) a query may hold: long
chains build deep expression and join trees that the engine recurses over (crashes from ~7,000 `+`)."""
QUERY_STACK = 64 << 20
"""Stack size of the thread `kg query` evaluates in (a main thread's is usually 8 MiB)."""

_TOKENS = re.compile(
    r"""
      (?P<string> \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
                | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
                | "(?:[^"\\\n\r]|\\.)*"
                | '(?:[^'\\\n\r]|\\.)*' )
    | (?P<comment> \#[^\n\r]* )
    | (?P<iri> <[^<>"{}|^`\\\x00-\x20]*> )
    | (?P<var> [?$][A-Za-z0-9_]+ )
    | (?P<word> [^\W\d][\w\-]* )
    | (?P<open> [{(\[] )
    | (?P<close> [})\]] )
    | (?P<op> \|\| | && | != | <= | >= | [.;,|=!<>+\-*/^] )
    | (?P<other> . )
    """,
    re.VERBOSE | re.DOTALL,
)
"""SPARQL's lexical tokens as far as the guards need them (strings, comments and IRIs skipped whole)."""
_CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH", "SERVICE", "IN", "EXISTS"})
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_SERVICE = re.compile(r"service", re.IGNORECASE)
_VARIABLE_BEFORE = re.compile(r"[?$][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Parameter:
    """A parameter of a named query (a variable to bind with --bind)."""

    name: str
    """Variable name without the `?`."""
    description: str
    """What to pass, with an example."""


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in ontology/queries/<name>.rq."""

    name: str
    """File name without `.rq`."""
    path: Path
    """The .rq file."""
    description: str
    """The first comment line: what the query answers."""
    parameters: tuple[Parameter, ...]
    """`# param NAME: description` lines of the leading comment block."""
    text: str
    """The SPARQL text."""


# -- named queries -----------------------------------------------------------------------


def named_queries(directory: Path = QUERIES) -> dict[str, NamedQuery]:
    """The named queries in `directory`, by name (sorted)."""
    if not directory.is_dir():
        raise QueryError(f"the named-query folder {directory} is missing: restore ontology/queries from git")
    return {q.name: q for q in (_read_named(path) for path in sorted(directory.glob("*.rq")))}


def named_query(name: str, directory: Path = QUERIES) -> NamedQuery:
    """One named query; QueryError naming the allowed names if there is none called `name`."""
    queries = named_queries(directory)
    if name not in queries:
        raise QueryError(f"unknown named query {name!r}; allowed: {', '.join(queries) or '(none)'}")
    return queries[name]


def _read_named(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#") or not lines[0].lstrip("#").strip():
        raise QueryError(f"{path}:1: a named query must start with a '# description' comment line")
    parameters = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.lower().startswith("param "):
            name, sep, description = body[len("param ") :].partition(":")
            name = name.strip().lstrip("?")
            if not sep or not _VARNAME.fullmatch(name):
                raise QueryError(f"{path}:{number}: expected '# param NAME: description', got {line!r}")
            parameters.append(Parameter(name, description.strip()))
    return NamedQuery(path.stem, path, lines[0].lstrip("#").strip(), tuple(parameters), text)


# -- bindings ----------------------------------------------------------------------------


def parse_binding(spec: str) -> tuple[str, Term]:
    """`VAR=VALUE` as (variable name, RDF term).

    VALUE is an IRI if written `<...>`, a literal in N-Triples/Turtle syntax if it starts with `"`
    (`"2021-08-05"^^xsd:date`, `"Liu"@en`; kg prefixes allowed), else the literal VALUE@zh.
    """
    name, sep, value = spec.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not _VARNAME.fullmatch(name):
        raise QueryError(f"--bind {spec!r}: expected VAR=VALUE, e.g. --bind name=刘宁")
    if value.startswith("<") and value.endswith(">"):
        try:
            return name, ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise QueryError(f"--bind {spec!r}: {value} is not a valid IRI: {exc}") from exc
    if value.startswith('"'):
        # parsed as the object of a one-triple Turtle document (the query text is never edited)
        declarations = "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in PREFIXES.items())
        doc = f"{declarations}<urn:kg:s> <urn:kg:p> {value} ."
        problem = None
        try:
            triples = list(ox.parse(doc.encode("utf-8"), format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            problem = str(exc)
        else:
            if len(triples) != 1 or not isinstance(triples[0].object, ox.Literal):
                problem = "not one literal"
        if problem:
            raise QueryError(
                f"--bind {spec!r}: {value} is not a literal in Turtle syntax ({problem}); "
                'write e.g. "2021-08-05"^^xsd:date, or drop the quotes for a Chinese (@zh) literal'
            )
        return name, triples[0].object
    return name, ox.Literal(value, language="zh")


def parse_bindings(specs: Iterable[str]) -> dict[str, Term]:
    """Several `VAR=VALUE` specs; a variable bound twice is an error."""
    out: dict[str, Term] = {}
    for spec in specs:
        name, term = parse_binding(spec)
        if name in out:
            raise QueryError(f"--bind {spec!r}: ?{name} is already bound to {out[name]}")
        out[name] = term
    return out


# -- running -----------------------------------------------------------------------------


def is_update(text: str) -> bool:
    """True if `text` is (or starts like) a SPARQL update rather than a query."""
    rest = text[_PROLOGUE.match(text).end() :]
    word = re.match(r"[A-Za-z]+", rest)
    return bool(word) and word.group(0).upper() in UPDATE_KEYWORDS


def check_query(text: str, *, allow_service: bool = False) -> None:
    """Refuse, before the parser sees it, a query nested or chained beyond what the engine survives,
    and (unless `allow_service`) one that may use SERVICE. Raises QueryError naming the limit."""
    depth = deepest = operators = 0
    for token in _TOKENS.finditer(text):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "word":
            if token.group().upper() not in _CHAIN_WORDS:
                continue
        elif kind != "op":
            continue
        operators += 1
        if deepest > MAX_NESTING:
            raise QueryError(
                f"the query nests brackets more than {MAX_NESTING} deep (at character {token.start()}); "
                f"at most {MAX_NESTING} levels of {{ ( [ are allowed"
            )
        if operators > MAX_OPERATORS:
            raise QueryError(
                f"the query holds more than {MAX_OPERATORS} operators, brackets and separators "
                f"(at character {token.start()}); split it, or use VALUES for a long list of terms"
            )
    if not allow_service:
        position = service_position(text)
        if position is not None:
            raise QueryError(
                f"SERVICE is refused (at character {position}): it would make this machine send the query "
                "to another server; pass --allow-service to allow federated queries (the word counts "
                "anywhere outside an <IRI> or a ?variable name, also in strings, comments and prefixed names)"
            )


def service_position(text: str) -> int | None:
    """Where `text` may use the SERVICE keyword, or None.

    Coarse on purpose, because a wrong "no" is a hole: every case-insensitive `service` counts
    except one inside an IRI (`<...>` cannot hold whitespace, braces or `<`, so it cannot hide a
    SERVICE clause) or at the end of a `?variable` name. A string or comment saying "service" is
    refused too.
    """
    iris = [m.span() for m in _IRIREF.finditer(text)]
    for match in _SERVICE.finditer(text):
        start = match.start()
        if any(a < start < b for a, b in iris):
            continue
        if _VARIABLE_BEFORE.search(text, max(0, start - 200), start):
            continue
        return start
    return None


def execute(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, Term] | None = None,
    *,
    allow_service: bool = False,
    default_graph: Sequence[ox.NamedNode | ox.DefaultGraph] | None = None,
    named_graphs: Sequence[ox.NamedNode] | None = None,
) -> Results:
    """Run one SPARQL query (kg prefixes predeclared, `bindings` substituted).

    Returns pyoxigraph's lazy results: evaluation happens as they are iterated or serialised.
    Raises QueryError for a malformed query (with the parser's message and the line), an update,
    SERVICE unless `allow_service`, a query beyond check_query's limits, or a binding the query
    cannot take. `default_graph` / `named_graphs` set the dataset (SPARQL 1.1 Protocol
    default-graph-uri / named-graph-uri); None: the store's default graph and all its named graphs.
    """
    if not text.strip():
        raise QueryError("the query is empty")
    if is_update(text):
        raise QueryError(
            "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ...) are refused: "
            "the store is read-only; change the graph with `kg build`"
        )
    check_query(text, allow_service=allow_service)
    substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    try:
        return store.query(
            text,
            prefixes=PREFIXES,
            substitutions=substitutions or None,
            default_graph=list(default_graph) if default_graph is not None else None,
            named_graphs=list(named_graphs) if named_graphs is not None else None,
        )
    except SyntaxError as exc:
        raise QueryError(syntax_message(text, str(exc))) from exc
    except RuntimeError as exc:
        message = str(exc)
        if "SELECT projection" in message:
            names = ", ".join(f"?{n}" for n in bindings or {})
            raise QueryError(
                f"cannot bind {names}: {message}. pyoxigraph binds only variables the SELECT clause lists "
                "(e.g. SELECT ?name ?post ...); ASK, CONSTRUCT and DESCRIBE queries take no bindings"
            ) from exc
        raise QueryError(f"the query failed: {message}") from exc
    except OSError as exc:
        raise QueryError(f"the store could not be read: {exc}") from exc


def syntax_message(text: str, message: str) -> str:
    """A parser error as 'malformed SPARQL query at line L, column C: ...' plus the line and a caret."""
    match = _SYNTAX.match(message)
    if not match:
        return f"malformed SPARQL query: {_shorten(message)}"
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    prefix = f"  {line} | "
    caret = " " * (len(prefix) + _width(source[: max(column - 1, 0)])) + "^"
    return f"malformed SPARQL query at line {line}, column {column}: {_shorten(detail)}\n{prefix}{source}\n{caret}"


def _shorten(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


# -- output ------------------------------------------------------------------------------


def render(results: Results, fmt: str) -> bytes:
    """Results in one of OUTPUT_FORMATS (evaluates the query)."""
    if fmt not in OUTPUT_FORMATS:
        raise QueryError(f"unknown format {fmt!r}; allowed: {', '.join(OUTPUT_FORMATS)}")
    try:
        return _render(results, fmt)
    except OSError as exc:  # reading the store, or with SERVICE another endpoint
        raise QueryError(f"the query failed: {exc}") from exc


def _render(results: Results, fmt: str) -> bytes:
    if isinstance(results, ox.QueryTriples):
        if fmt == "table":
            rows = [(t.subject, t.predicate, t.object) for t in results]
            return table(("subject", "predicate", "object"), rows).encode("utf-8")
        if fmt not in GRAPH_FORMATS:
            raise QueryError(
                f"--format {fmt} is for SELECT and ASK results; a CONSTRUCT or DESCRIBE query gives triples: "
                f"use one of table, {', '.join(GRAPH_FORMATS)}"
            )
        prefixes = PREFIXES if fmt == "ttl" else None
        return ox.serialize(results, format=GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
    if fmt in GRAPH_FORMATS:
        raise QueryError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE results; use one of table, {', '.join(RESULT_FORMATS)}"
        )
    if isinstance(results, ox.QueryBoolean):
        if fmt == "table":
            return b"true\n" if bool(results) else b"false\n"
        data = results.serialize(format=RESULT_FORMATS[fmt])
    elif fmt == "table":
        variables = [v.value for v in results.variables]
        rows = [tuple(solution[v] for v in variables) for solution in results]
        return table(variables, rows).encode("utf-8")
    else:
        data = results.serialize(format=RESULT_FORMATS[fmt])
    if fmt == "json":  # readable, still SPARQL 1.1 JSON results
        return (json.dumps(json.loads(data), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return data


class QueryTimeout(QueryError):
    """A query ran past its time limit."""


def run_limited(work: Callable[[], bytes], timeout: float | None) -> bytes:
    """`work()` run in a thread with a large stack; QueryTimeout once `timeout` seconds have passed.

    The caller's thread only waits, so Ctrl-C (KeyboardInterrupt) reaches it at once. On either,
    the worker thread is left running: the caller must end the process (os._exit) soon after.
    """
    outcome: dict[str, object] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the waiting thread
            chain: list[BaseException] = []
            seen: BaseException | None = exc
            while seen is not None and seen not in chain:
                chain.append(seen)
                seen = seen.__cause__ or seen.__context__
            for link in chain:  # pyoxigraph's results must be dropped in the thread that made them
                traceback.clear_frames(link.__traceback__)
            outcome["error"] = exc
        finally:
            done.set()

    previous = threading.stack_size(QUERY_STACK)
    try:
        thread = threading.Thread(target=target, name="kg-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    deadline = None if timeout is None else time.monotonic() + timeout
    while not done.wait(0.1):
        if deadline is not None and time.monotonic() >= deadline:
            raise QueryTimeout(f"the query exceeded the time limit of {timeout:g} s (--timeout) and was stopped")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def show(term: Term | None) -> str:
    """A term as a table cell: IRIs shortened with kg's prefixes, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        text = term.value
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = str(term)
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")


def compact(iri: str) -> str:
    """`prefix:local` for an IRI under one of kg's prefixes (the longest), else `<iri>`."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def _width(text: str) -> int:
    """Terminal columns of `text`: East Asian wide and full-width characters take two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> str:
    """An aligned text table (CJK-width aware) with a row count."""
    cells = [[show(t) for t in row] for row in rows]
    header = list(variables)
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines.extend("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)
    lines.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def list_table(queries: Mapping[str, NamedQuery]) -> str:
    """The named queries as a table (name, parameters, description)."""
    rows = [
        (ox.Literal(q.name), ox.Literal(" ".join(f"{p.name}=…" for p in q.parameters)), ox.Literal(q.description))
        for q in queries.values()
    ]
    return table(("name", "bind", "description"), rows)


# -- command -----------------------------------------------------------------------------


def _query_text(query: str | None, query_file: Path | None, name: str | None, binds: Sequence[str]):
    given = [what for what, value in (("QUERY", query), ("--file", query_file), ("--name", name)) if value]
    if len(given) != 1:
        raise QueryError(
            f"give exactly one of QUERY, --file or --name (got {', '.join(given) or 'none'}); "
            "see `kg query --list` for the named queries"
        )
    bindings = parse_bindings(binds)
    if name:
        nq = named_query(name)
        wanted = {p.name for p in nq.parameters}
        missing = [p for p in nq.parameters if p.name not in bindings]
        extra = sorted(set(bindings) - wanted)
        if missing:
            need = "; ".join(f"--bind {p.name}=VALUE ({p.description})" for p in missing)
            raise QueryError(f"named query {name!r} needs {need}")
        if extra:
            allowed = ", ".join(sorted(wanted)) or "none"
            raise QueryError(f"named query {name!r} has no parameter {', '.join(extra)}; its parameters: {allowed}")
        return nq.text, bindings
    if query_file:
        try:
            return query_file.read_text(encoding="utf-8"), bindings
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read the query file {query_file}: {exc}") from exc
    if query == "-":
        return sys.stdin.read(), bindings
    return query, bindings


@click.command("query")
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path), help="Read the query from a file.")
@click.option("-n", "--name", help="Run a named query from ontology/queries (see --list).")
@click.option(
    "-b",
    "--bind",
    "binds",
    multiple=True,
    metavar="VAR=VALUE",
    help='Bind ?VAR (repeatable): VALUE@zh, <iri>, or a Turtle literal such as "2021-08-05"^^xsd:date.',
)
@graph_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default="table",
    show_default=True,
    help="table, csv, tsv, json (SPARQL 1.1 results) for SELECT/ASK; table, ttl, nt for CONSTRUCT.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Stop the query after this many seconds (exit 2). Ctrl-C stops it at any time.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE clauses (federated queries that send the query to other servers); refused by default.",
)
def query_command(query, query_file, name, binds, graph, fmt, list_queries, timeout, allow_service) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the built graph.

    QUERY is the query text ('-' reads standard input). The prefixes kg, id, schema, org, skos,
    prov, rdf, rdfs, owl, xsd, dcterms and sh are predeclared. Updates are refused, and so is
    SERVICE unless --allow-service is given.

    \b
    Example:
      kg query --list
      kg query --name posts-of-person --bind name=刘宁
      kg query --name edge-provenance --bind subject=辽宁省人民政府常务会议 --bind predicate=chair --bind object=刘宁
      kg query 'SELECT ?p ?l WHERE { ?p a kg:Person ; rdfs:label ?l } ORDER BY ?l LIMIT 5' --format csv
      kg query --file my.rq --bind city=辽源市 --format json --timeout 30
    """
    from kg.store import open_store

    if list_queries:
        click.echo(list_table(named_queries()), nl=False)
        return
    text, bindings = _query_text(query, query_file, name, binds)
    check_query(text, allow_service=allow_service)  # before the store is opened
    with open_store(graph) as gs:
        log.debug("querying %s (%d triples)", gs.info.graph, gs.info.triples)
        try:
            data = run_limited(
                lambda: render(execute(gs.store, text, bindings, allow_service=allow_service), fmt), timeout
            )
        except QueryTimeout as exc:
            _abandon(f"error: {exc}", exc.exit_code)
        except KeyboardInterrupt:
            _abandon("interrupted: the query was stopped", 130)
    click.echo(data if data.endswith(b"\n") or not data else data + b"\n", nl=False)


def _abandon(message: str, code: int) -> None:
    """Print `message` and end the process now, leaving the query's thread unjoined (it may hold the
    store in native code, so a normal interpreter shutdown could wait for it or crash under it)."""
    click.echo(message, err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
