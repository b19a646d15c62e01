"""SHACL validation of a built graph against ontology/shapes.ttl (pySHACL).

`check(graph)` validates an rdflib Graph at once. `check_file(path)` validates a sorted
N-Triples file (graph.nt as kg.export writes it) in bounded batches, so that validation is
linear in the graph and bounded in memory: a batch is a run of whole subjects (every triple
of each, about `BATCH_TRIPLES` in all) plus what the shapes look at beyond them, namely

* the rdf:type triples of every node their triples point to (sh:class on values), and
* for every subject, the triples that point *to* it with a predicate a shape follows backwards
  (sh:inversePath: a post is held by someone or changed in a post change),

and only the results about the batch's own subjects are kept (plus those of shapes that target
the objects of a predicate, sh:targetObjectsOf: their focus is a node the batch points to).
This equals whole-graph validation for shapes that look no further than a node's own triples,
the types of its values and the inverse paths: true of ontology/shapes.ttl, and tested
(tests/test_validate.py) on a broken graph made from real output.

Incremental: with a `known` file (kept in the analysis cache), the digest of every subject that
conformed (its triples, the types of their values, its incoming inverse-path triples) is kept;
a rebuild validates only the subjects whose digest is new.

Both raise ValidationError with a readable report (how many violations, then each: focus
node, path, value, message) when the graph does not conform.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyshacl
from pyshacl import validate
from rdflib import Graph, URIRef

from kg.errors import DataFileError, ValidationError
from kg.fileio import write_atomic
from kg.ns import RDF, SH
from kg.rdfstream import parse_line, split_line, subjects

log = logging.getLogger(__name__)

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
MAX_LISTED = 20
BATCH_TRIPLES = 20_000
"""Triples of a batch's own subjects (whole subjects: a batch may run a little over)."""
MIN_BATCH = 1_000
"""Triples of a batch at least when a graph is split to keep several workers busy."""
DIGEST = 16
"""Bytes of a subject digest in the `known` file."""

_TYPE = f"<{RDF.type}>"


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result of severity Violation."""

    focus: str
    """The focus node (IRI)."""
    path: str
    """The result path, or '-'."""
    value: str
    """The offending value, or '-'."""
    message: str
    """The shape's message, or its constraint component."""


@cache
def shapes() -> Graph:
    """The SHACL shapes (parsed once)."""
    path = ONTOLOGY_DIR / "shapes.ttl"
    if not path.is_file():
        raise DataFileError(f"SHACL shapes {path} are missing: run kg from its source tree (pip install -e .)")
    return Graph().parse(path, format="turtle")


@cache
def _inverse_predicates() -> frozenset[str]:
    """Predicates some shape follows backwards (sh:inversePath)."""
    return frozenset(str(p) for p in shapes().objects(None, SH.inversePath))


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


@cache
def _untargeted() -> tuple[Graph, tuple[tuple[URIRef, URIRef, URIRef], ...]]:
    """The shapes without their targets, and the targets: (shape, kind, class or predicate)."""
    g = Graph()
    targets = []
    for triple in shapes():
        if triple[1] in _TARGETS:
            targets.append(triple)
        else:
            g.add(triple)
    return g, tuple(sorted(targets))


def _batch_shapes(data: Graph, focus: set[str]) -> Graph:
    """The shapes with their targets resolved to the batch's own nodes (sh:targetNode): a
    class's instances and a predicate's subjects among the focus subjects, a predicate's
    objects from them. The context (types of values, incoming triples) is then only looked
    at, never validated itself."""
    base, targets = _untargeted()
    g = Graph()
    for prefix, ns in shapes().namespaces():  # messages name classes as the shapes file does
        g.bind(prefix, ns, override=True)
    g += base
    for shape, kind, what in targets:
        if kind == SH.targetClass:
            nodes = {s for s in data.subjects(RDF.type, what) if str(s) in focus}
        elif kind == SH.targetSubjectsOf:
            nodes = {s for s in data.subjects(what, None) if str(s) in focus}
        elif kind == SH.targetObjectsOf:
            nodes = {o for s, o in data.subject_objects(what) if str(s) in focus}
        else:  # sh:targetNode: validated where the node is a focus subject
            nodes = {what} if str(what) in focus else set()
        for node in nodes:
            g.add((shape, SH.targetNode, node))
    return g


def _short(term: str) -> str:
    return term if len(term) <= 90 else term[:87] + "..."


def _results(graph: Graph, shapes_graph: Graph | None = None) -> list[Violation]:
    """Every Violation result of pySHACL on `graph` (with these shapes, default the shapes)."""
    conforms, report, _ = validate(
        graph,
        shacl_graph=shapes_graph or shapes(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # no copy of the data graph: with no inference nothing is added to it
    )
    if conforms:
        return []
    out = []
    for r in report.subjects(SH.resultSeverity, SH.Violation):
        violation = Violation(
            focus=str(report.value(r, SH.focusNode)),
            path=str(report.value(r, SH.resultPath) or "-"),
            value=str(report.value(r, SH.value) or "-"),
            message=str(report.value(r, SH.resultMessage) or report.value(r, SH.sourceConstraintComponent)),
        )
        out.append(violation)
    return out


def violations(graph: Graph) -> list[Violation]:
    """Every violation of the shapes in `graph`, sorted."""
    return sorted(set(_results(graph)))


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


def _validate_batch(focus: tuple[str, ...], lines: tuple[str, ...]) -> list[Violation]:
    """The violations about the batch's own subjects (or a shape's targeted objects)."""
    g = Graph()
    for line in lines:
        g.add(parse_line(line))
    return _results(g, _batch_shapes(g, set(focus)))


def _batches(path: Path, index: _Index, known: set[bytes], seen: dict[str, bytes], size: int):
    """(focus subjects, lines) of each batch of subjects whose digest is not known."""
    focus: list[str] = []
    lines: list[str] = []
    held = 0
    for subject, group in subjects(_lines(path)):
        extra = _context(group, subject, index)
        digest = _digest(group, extra)
        seen[subject] = digest
        if digest in known:
            continue
        focus.append(subject)
        lines.extend(group)
        lines.extend(extra)
        held += len(group)
        if held >= size:
            yield tuple(focus), tuple(dict.fromkeys(lines))
            focus, lines, held = [], [], 0
    if focus:
        yield tuple(focus), tuple(dict.fromkeys(lines))


def known_file(folder: Path) -> Path:
    """Where the digests of conforming subjects are kept in a cache folder: named by the shapes,
    this module and pySHACL's version (any change to them starts afresh)."""
    h = hashlib.sha256()
    h.update((ONTOLOGY_DIR / "shapes.ttl").read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update(pyshacl.__version__.encode())
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


def check_file(path: Path, *, batch_triples: int = BATCH_TRIPLES, workers: int = 1, known: Path | None = None) -> int:
    """Raise ValidationError unless the sorted N-Triples file `path` conforms to the shapes
    (see file_violations); returns the number of subjects validated (not skipped)."""
    found, validated = file_violations(path, batch_triples=batch_triples, workers=workers, known=known)
    _raise(found)
    return validated


def file_violations(
    path: Path, *, batch_triples: int = BATCH_TRIPLES, workers: int = 1, known: Path | None = None
) -> tuple[list[Violation], int]:
    """(violations, subjects validated) of the sorted N-Triples file `path`, validated in
    batches (in `workers` processes); subjects whose digest is in the `known` file are skipped,
    and when the graph conforms the file is rewritten with every subject's digest."""
    path = Path(path)
    index = _index(path)
    previous = _read_known(known)
    seen: dict[str, bytes] = {}
    found: set[Violation] = set()
    validated = 0
    if workers > 1:  # at least two batches a worker, so that a small graph keeps them all busy
        batch_triples = min(batch_triples, max(MIN_BATCH, -(-index.triples // (2 * workers))))
    batches = _batches(path, index, previous, seen, batch_triples)
    if workers > 1 and "fork" in _start_methods():
        import multiprocessing

        # fork only a single-threaded process (after --engine dask a client thread lives on;
        # forking it could deadlock): else the fork server, which starts workers clean
        method = "fork" if threading.active_count() == 1 or "forkserver" not in _start_methods() else "forkserver"
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
            pending = []
            for focus, lines in batches:
                validated += len(focus)
                pending.append(pool.submit(_validate_batch, focus, lines))
                if len(pending) >= 2 * workers:  # bounded: at most this many batches in flight
                    found.update(pending.pop(0).result())
            for future in pending:
                found.update(future.result())
    else:
        for focus, lines in batches:
            validated += len(focus)
            found.update(_validate_batch(focus, lines))
    if known is not None and not found:  # after a failure the file stays as it was
        try:
            write_atomic(known, b"".join(sorted(seen.values())))
        except OSError as exc:
            log.warning("cannot write the validation cache %s (%s)", known, exc)
    log.info("validated %d of %d subjects", validated, len(seen))
    return sorted(found), validated


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods() if os.name == "posix" else []
