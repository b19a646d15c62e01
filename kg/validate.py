"""SHACL validation of a built graph against ontology/shapes.ttl (rudof, through pyrudof).

The engine is rudof's native SHACL validator (Rust; `pyrudof`), which reads N-Triples
directly: the shapes go in as N-Triples made once from ontology/shapes.ttl (so that their
blank nodes keep the labels rdflib gave them, and each result's source shape can be looked up
for its sh:message), the data as N-Triples text or the graph.nt file itself. pySHACL, the
former engine, is the reference of the differential test (tests/test_validate.py: real output
broken one constraint kind at a time; both engines must report the same results).

`check(graph)` validates an rdflib Graph at once. `check_file(path)` validates a sorted
N-Triples file (graph.nt as kg.export writes it) in bounded batches, so that memory stays
bounded however large the graph: a batch is a run of whole subjects (every triple of each,
about `BATCH_TRIPLES` in all) plus what the shapes look at beyond them, namely

* the rdf:type triples of every node their triples point to (sh:class on values), and
* for every subject, the triples that point *to* it with a predicate a shape follows backwards
  (sh:inversePath: a post is held by someone or changed in a post change),

and each batch gets the shapes with their targets resolved to its own nodes (sh:targetNode):
its own subjects, and the objects they point to for shapes that target the objects of a
predicate (sh:targetObjectsOf). This equals whole-graph validation for shapes that look no
further than a node's own triples, the types of its values and the inverse paths: true of
ontology/shapes.ttl, and tested (tests/test_validate.py) on broken real output.

Incremental: with a `known` file (kept in the analysis cache), the digest of every subject that
conformed (its triples, the types of their values, its incoming inverse-path triples) is kept;
a rebuild validates only the subjects whose digest is new.

Both raise ValidationError with a readable report (how many violations, then each: focus
node, path, value, message) when the graph does not conform.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pyrudof
from rdflib import BNode, Graph, URIRef

from kg.errors import DataFileError, ValidationError
from kg.fileio import write_atomic
from kg.ns import RDF, SH
from kg.rdfstream import split_line, subjects

log = logging.getLogger(__name__)

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
MAX_LISTED = 20
BATCH_TRIPLES = 5_000
"""Triples of a batch's own subjects (whole subjects: a batch may run a little over)."""
DIGEST = 16
"""Bytes of a subject digest in the `known` file."""

_TYPE = f"<{RDF.type}>"
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result of severity Violation."""

    focus: str
    """The focus node (IRI, or _:label of a blank node)."""
    path: str
    """The result path, or '-'."""
    value: str
    """The offending value (an IRI, or a literal as N-Triples writes it), or '-'."""
    message: str
    """The shape's sh:message, else the engine's description of the constraint."""
    component: str
    """The constraint component (IRI, e.g. sh:MinCountConstraintComponent)."""


@cache
def shapes() -> Graph:
    """The SHACL shapes (parsed once)."""
    path = ONTOLOGY_DIR / "shapes.ttl"
    if not path.is_file():
        raise DataFileError(f"SHACL shapes {path} are missing: run kg from its source tree (pip install -e .)")
    return Graph().parse(path, format="turtle")


def _nt(triples: Iterable[tuple]) -> str:
    g = Graph()
    for triple in triples:
        g.add(triple)
    return "\n".join(sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())) + "\n"


def _name(term) -> str:
    """A term as rudof names a node in its results."""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


@cache
def _shapes_nt() -> str:
    """The shapes as N-Triples (their blank nodes labelled as in `shapes()`)."""
    return _nt(shapes())


@cache
def _untargeted() -> tuple[str, tuple[tuple[str, URIRef, str], ...]]:
    """The shapes without their targets (N-Triples), and the targets: (shape as N-Triples
    writes it, kind, class or predicate IRI as N-Triples writes it)."""
    targets = []
    rest = []
    for triple in shapes():
        if triple[1] in _TARGETS:
            targets.append((triple[0].n3(), triple[1], triple[2].n3()))
        else:
            rest.append(triple)
    return _nt(rest), tuple(sorted(targets))


@cache
def _messages() -> dict[str, str]:
    """Shape (as rudof names it) -> its sh:message."""
    return {_name(s): str(m) for s, m in shapes().subject_objects(SH.message)}


@cache
def _inverse_predicates() -> frozenset[str]:
    """Predicates some shape follows backwards (sh:inversePath)."""
    return frozenset(str(p) for p in shapes().objects(None, SH.inversePath))


_LITERAL = re.compile(r'^"((?:[^"\\]|\\.)*)"')


def _message(entry) -> str:
    """The result's message: its shape's sh:message, else (rudof writes its messages as
    literals, several joined by commas) the lexical form of rudof's first one."""
    own = _messages().get(entry.source_shape or "")
    if own:
        return own
    text = entry.message or ""
    m = _LITERAL.match(text)
    return m.group(1) if m else text or entry.constraint_component


def _results(data: str | Path, shapes_nt: str | None = None) -> list[Violation]:
    """Every Violation result of rudof on N-Triples `data` (text, or a file) with these shapes
    (N-Triples; default the shapes)."""
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_shacl(shapes_nt or _shapes_nt(), format=pyrudof.ShaclFormat.NTriples)
    try:
        rudof.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
    except pyrudof.RudofError as exc:
        where = data if isinstance(data, Path) else "the graph"
        raise ValidationError(f"cannot validate {where}: not valid N-Triples ({exc})") from exc
    report = rudof.validate_shacl()
    if report.conforms:
        return []
    return [
        Violation(
            focus=e.focus_node,
            path=e.path or "-",
            value=e.value or "-",
            message=_message(e),
            component=e.constraint_component,
        )
        for e in report
        if e.severity == "Violation"
    ]


def violations(graph: Graph) -> list[Violation]:
    """Every violation of the shapes in `graph`, sorted."""
    if not len(graph):
        return []
    return sorted(set(_results(graph.serialize(format="nt"))))


def _short(term: str) -> str:
    return term if len(term) <= 90 else term[:87] + "..."


def _raise(found: Iterable[Violation]) -> None:
    results = sorted({(_short(v.focus), _short(v.path), _short(v.value), v.message) for v in found})
    if not results:
        return
    by_message = Counter(msg for *_, msg in results)
    lines = [f"the graph does not conform to ontology/shapes.ttl: {len(results)} violation(s)"]
    lines += [f"  {n} x {msg}" for msg, n in by_message.most_common()]
    lines += [f"  - {focus} {path} = {value}: {msg}" for focus, path, value, msg in results[:MAX_LISTED]]
    if len(results) > MAX_LISTED:
        lines.append(f"  ... and {len(results) - MAX_LISTED} more")
    raise ValidationError("\n".join(lines))


def check(graph: Graph) -> None:
    """Raise ValidationError unless `graph` conforms to the shapes."""
    _raise(violations(graph))


# -- in batches, from a sorted N-Triples file ---------------------------------------------------


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="\n") as fh:
        for line in fh:
            if line.strip():
                yield line.rstrip("\n")


@dataclass(frozen=True)
class _Index:
    types: dict[str, tuple[str, ...]]
    """Node IRI -> its types, as written in N-Triples (`<...>`; interned: few distinct)."""
    incoming: dict[str, tuple[str, ...]]
    """Node IRI -> the lines that point to it with an inverse-path predicate (one per predicate)."""
    triples: int
    """Triples in the file."""

    def type_lines(self, node: str) -> list[str]:
        """The rdf:type lines of a node."""
        return [f"<{node}> {_TYPE} {t} ." for t in self.types.get(node, ())]


def _index(path: Path) -> _Index:
    inverse = _inverse_predicates()
    types: dict[str, list[str]] = {}
    incoming: dict[str, dict[str, str]] = {}
    triples = 0
    for line in _lines(path):
        triples += 1
        s, p, o = split_line(line)
        if line.startswith(_TYPE, len(s) + 3):
            types.setdefault(s, []).append(sys.intern(o))
        elif p in inverse and o[0] == "<":
            incoming.setdefault(o[1:-1], {}).setdefault(p, line)
    return _Index(
        {k: tuple(v) for k, v in types.items()},
        {k: tuple(sorted(v.values())) for k, v in incoming.items()},
        triples,
    )


def _context(group: list[str], subject: str, index: _Index) -> list[str]:
    """The lines beyond a subject's own that its validation looks at."""
    extra: list[str] = []
    for line in group:
        o = split_line(line)[2]
        if o[0] == "<":
            extra.extend(index.type_lines(o[1:-1]))
    for line in index.incoming.get(subject, ()):
        extra.append(line)
        extra.extend(index.type_lines(split_line(line)[0]))
    return extra


def _digest(group: list[str], extra: list[str]) -> bytes:
    h = hashlib.blake2b(digest_size=DIGEST)
    for line in group:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    h.update(b"\x00")
    for line in sorted(set(extra)):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.digest()


def _batch_shapes(own: list[str]) -> str:
    """The shapes (N-Triples) with their targets resolved to the nodes of the batch's own lines
    (sh:targetNode): a class's instances and a predicate's subjects among the batch's subjects,
    a predicate's objects from them. The context (types of values, incoming triples) is then
    only looked at, never validated itself."""
    base, targets = _untargeted()
    nodes: dict[tuple[URIRef, str], set[str]] = {(kind, what): set() for _, kind, what in targets}
    focus = set()
    for line in own:
        s, p, o = split_line(line)
        subject, predicate = f"<{s}>", f"<{p}>"
        focus.add(subject)
        if predicate == _TYPE and (SH.targetClass, o) in nodes:
            nodes[SH.targetClass, o].add(subject)
        if (SH.targetSubjectsOf, predicate) in nodes:
            nodes[SH.targetSubjectsOf, predicate].add(subject)
        if o[0] == "<" and (SH.targetObjectsOf, predicate) in nodes:
            nodes[SH.targetObjectsOf, predicate].add(o)
    out = [base]
    for shape, kind, what in targets:
        found = nodes[kind, what] if kind != SH.targetNode else ({what} & focus)
        out.extend(f"{shape} <{SH.targetNode}> {node} .\n" for node in sorted(found))
    return "".join(out)


def _validate_batch(own: list[str], context: list[str]) -> list[Violation]:
    """The violations about the batch's own subjects (or a shape's targeted objects)."""
    data = "\n".join(dict.fromkeys([*own, *context])) + "\n"
    return _results(data, _batch_shapes(own))


def _batches(path: Path, index: _Index, known: set[bytes], seen: dict[str, bytes], size: int):
    """(own lines, context lines, subjects) of each batch of subjects whose digest is not known."""
    own: list[str] = []
    context: list[str] = []
    count = 0
    for subject, group in subjects(_lines(path)):
        extra = _context(group, subject, index)
        digest = _digest(group, extra)
        seen[subject] = digest
        if digest in known:
            continue
        own.extend(group)
        context.extend(extra)
        count += 1
        if len(own) >= size:
            yield own, context, count
            own, context, count = [], [], 0
    if own:
        yield own, context, count


def known_file(folder: Path) -> Path:
    """Where the digests of conforming subjects are kept in a cache folder: named by the shapes,
    this module and the engine's version (any change to them starts afresh)."""
    h = hashlib.sha256()
    h.update((ONTOLOGY_DIR / "shapes.ttl").read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update(f"pyrudof {version('pyrudof')}".encode())
    return Path(folder) / f"shacl-{h.hexdigest()[:16]}.digests"


def _read_known(path: Path | None) -> set[bytes]:
    if path is None:
        return set()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set()
    except OSError as exc:
        log.warning("cannot read the validation cache %s (%s); validating everything", path, exc)
        return set()
    if len(data) % DIGEST:
        log.warning("ignoring the damaged validation cache %s", path)
        return set()
    return {data[i : i + DIGEST] for i in range(0, len(data), DIGEST)}


def check_file(path: Path, *, batch_triples: int = BATCH_TRIPLES, known: Path | None = None) -> int:
    """Raise ValidationError unless the sorted N-Triples file `path` conforms to the shapes
    (see file_violations); returns the number of subjects validated (not skipped)."""
    found, validated = file_violations(path, batch_triples=batch_triples, known=known)
    _raise(found)
    return validated


def file_violations(
    path: Path, *, batch_triples: int = BATCH_TRIPLES, known: Path | None = None
) -> tuple[list[Violation], int]:
    """(violations, subjects validated) of the sorted N-Triples file `path`, validated in
    batches; subjects whose digest is in the `known` file are skipped, and when the graph
    conforms the file is rewritten with every subject's digest."""
    path = Path(path)
    index = _index(path)
    previous = _read_known(known)
    seen: dict[str, bytes] = {}
    found: set[Violation] = set()
    validated = 0
    for own, context, count in _batches(path, index, previous, seen, batch_triples):
        validated += count
        found.update(_validate_batch(own, context))
    if known is not None and not found:  # after a failure the file stays as it was
        try:
            write_atomic(known, b"".join(sorted(seen.values())))
        except OSError as exc:
            log.warning("cannot write the validation cache %s (%s)", known, exc)
    log.info("validated %d of %d subjects", validated, len(seen))
    return sorted(found), validated
