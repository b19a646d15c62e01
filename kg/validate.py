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
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from itertools import chain, islice
from pathlib import Path

import pyrudof
from rdflib import BNode, Graph, URIRef

from kg.errors import DataFileError, KGError, ValidationError
from kg.fileio import write_atomic
from kg.ns import RDF, SH
from kg.rdfstream import subjects

log = logging.getLogger(__name__)

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
MAX_LISTED = 20
BATCH_TRIPLES = 5_000
"""Triples of a batch's own subjects (whole subjects: a batch may run a little over)."""
DIGEST = 16
"""Bytes of a subject digest in the `known` file."""

_TYPE_IRI = str(RDF.type)
_TYPE = f"<{_TYPE_IRI}>"
_TARGET_NODE = f"<{SH.targetNode}>"
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


_RAYON_STARTED = False
"""Whether this process has validated with rudof: rudof validates the shapes in parallel on
rayon's thread pool, which a forked child inherits without its threads (a validation there
waits for them forever), so a process that has validated never forks validation workers: it
validates the batches itself (`kg build` forks them before it validates anything)."""


class _Engine:
    """One rudof session, reused from batch to batch.

    Creating a session and loading data into it the first time costs ~0.15 CPU s, whatever the
    data (rudof sets up its in-memory graph); reading more data into a loaded session costs only
    what the data costs. So a session holds one anchor triple no shape looks at, and each batch
    is read inside a staging frame that is rolled back after it is validated (rudof's
    `read_data(merge=False)` would set the graph up again). The shapes are read per batch: each
    batch has its own targets (`_batch_shapes`)."""

    _ANCHOR = '<urn:kg:validate> <urn:kg:validate> "" .\n'

    def __init__(self) -> None:
        self._rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        self._rudof.read_data(self._ANCHOR, format=pyrudof.RDFFormat.NTriples)

    def results(self, data: str, shapes_nt: str) -> list[Violation]:
        """Every Violation result of rudof on N-Triples text `data` with these shapes."""
        global _RAYON_STARTED
        _RAYON_STARTED = True
        rudof = self._rudof
        rudof.read_shacl(shapes_nt, format=pyrudof.ShaclFormat.NTriples)
        rudof.begin_staging()
        try:
            try:
                rudof.read_data(
                    data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict, merge=True
                )
            except pyrudof.RudofError as exc:
                raise ValidationError(f"cannot validate the graph: not valid N-Triples ({exc})") from exc
            return _violations(rudof.validate_shacl())
        finally:
            rudof.rollback_staging()


def _violations(report) -> list[Violation]:
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


def _results(data: str | Path, shapes_nt: str | None = None) -> list[Violation]:
    """Every Violation result of rudof on N-Triples `data` (text, or a file) with these shapes
    (N-Triples; default the shapes), in a session of its own."""
    global _RAYON_STARTED
    _RAYON_STARTED = True
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_shacl(shapes_nt or _shapes_nt(), format=pyrudof.ShaclFormat.NTriples)
    try:
        rudof.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
    except pyrudof.RudofError as exc:
        where = data if isinstance(data, Path) else "the graph"
        raise ValidationError(f"cannot validate {where}: not valid N-Triples ({exc})") from exc
    return _violations(rudof.validate_shacl())


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
        while chunk := fh.readlines(1 << 20):
            for line in chunk:
                if not line.isspace():
                    yield line[:-1] if line[-1] == "\n" else line


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
    intern = sys.intern
    for line in _lines(path):
        triples += 1
        s_end = line.index("> ")
        p_end = line.index("> ", s_end + 2)
        p = line[s_end + 3 : p_end]
        if p == _TYPE_IRI:
            types.setdefault(line[1:s_end], []).append(intern(line[p_end + 2 : -2]))
        elif p in inverse and line[p_end + 2] == "<":
            incoming.setdefault(line[p_end + 3 : -3], {}).setdefault(p, line)
    return _Index(
        {k: tuple(v) for k, v in types.items()},
        {k: tuple(sorted(v.values())) for k, v in incoming.items()},
        triples,
    )


def warm() -> None:
    """Parse the shapes and plan their targets now: pure Python, no rudof session (so no
    thread, and forking stays allowed). `kg build` calls it while it waits for the pipeline's load."""
    _plan()
    _messages()
    _inverse_predicates()


@dataclass(frozen=True)
class _Plan:
    """The shapes without their targets, and which shapes target which nodes of a batch's lines."""

    base: str
    """The shapes without their targets (N-Triples)."""
    by_class: dict[str, tuple[str, ...]]
    """Class as N-Triples writes it -> shapes (as N-Triples writes them) targeting its instances."""
    by_subject_of: dict[str, tuple[str, ...]]
    """Predicate IRI -> shapes targeting its subjects."""
    by_object_of: dict[str, tuple[str, ...]]
    """Predicate IRI -> shapes targeting its (IRI) objects."""
    by_node: dict[str, tuple[str, ...]]
    """Node as N-Triples writes it -> shapes targeting it."""


@cache
def _plan() -> _Plan:
    base, targets = _untargeted()
    kinds: dict[URIRef, dict[str, list[str]]] = {kind: {} for kind in _TARGETS}
    for shape, kind, what in targets:
        key = what[1:-1] if kind in (SH.targetSubjectsOf, SH.targetObjectsOf) else what
        kinds[kind].setdefault(key, []).append(shape)

    def frozen(kind):
        return {k: tuple(v) for k, v in kinds[kind].items()}

    return _Plan(
        base,
        frozen(SH.targetClass),
        frozen(SH.targetSubjectsOf),
        frozen(SH.targetObjectsOf),
        frozen(SH.targetNode),
    )


def _subject(group: list[str], subject: str, index: _Index, plan: _Plan, inverse: frozenset[str]):
    """(context lines, (shape, node) targets) of one subject's lines: the lines beyond its own
    that its validation looks at (the types of its IRI values, the inverse-path triples that point
    to it and their subjects' types), and the targets its lines resolve (`_batch_shapes`)."""
    extra: list[str] = []
    targets: list[tuple[str, str]] = []
    node = f"<{subject}>"
    for shape in plan.by_node.get(node, ()):
        targets.append((shape, node))
    start = len(subject) + 3  # the predicate's "<"
    types = index.types
    by_class, by_subject_of, by_object_of = plan.by_class, plan.by_subject_of, plan.by_object_of
    for line in group:
        p_end = line.index("> ", start)
        p = line[start + 1 : p_end]
        if p == _TYPE_IRI:
            for shape in by_class.get(line[p_end + 2 : -2], ()):
                targets.append((shape, node))
        for shape in by_subject_of.get(p, ()):
            targets.append((shape, node))
        if line[p_end + 2] == "<":
            obj = line[p_end + 3 : -3]
            for t in types.get(obj, ()):
                extra.append(f"<{obj}> {_TYPE} {t} .")
            for shape in by_object_of.get(p, ()):
                targets.append((shape, f"<{obj}>"))
    for line in index.incoming.get(subject, ()):
        extra.append(line)
        extra.extend(index.type_lines(line[1 : line.index("> ")]))
    return extra, targets


def _digest(group: list[str], extra: list[str]) -> bytes:
    h = hashlib.blake2b(digest_size=DIGEST)
    h.update(("\n".join(group) + "\n\x00").encode("utf-8"))
    if extra:
        h.update(("\n".join(sorted(set(extra))) + "\n").encode("utf-8"))
    return h.digest()


def _batch_shapes(targets: dict[tuple[str, str], None]) -> str:
    """The shapes (N-Triples) with their targets resolved to the nodes of the batch's own lines
    (sh:targetNode): a class's instances and a predicate's subjects among the batch's subjects,
    a predicate's objects from them. The context (types of values, incoming triples) is then
    only looked at, never validated itself."""
    return _plan().base + "".join(f"{shape} {_TARGET_NODE} {node} .\n" for shape, node in targets)


@dataclass
class _Batch:
    """What one batch validates: its own subjects' lines, their context, their targets."""

    own: list[str]
    context: dict[str, None]
    """Context lines (an ordered set)."""
    targets: dict[tuple[str, str], None]
    """(shape, node) pairs (an ordered set)."""
    subjects: int = 0

    def texts(self) -> tuple[str, str]:
        """(data, shapes) as N-Triples text."""
        own = set(self.own)
        context = [line for line in self.context if line not in own]
        return "\n".join([*self.own, *context]) + "\n", _batch_shapes(self.targets)


def _batches(path: Path, index: _Index, known: set[bytes], seen: dict[str, bytes], size: int) -> Iterator[_Batch]:
    """Each batch of subjects whose digest is not known."""
    plan, inverse = _plan(), _inverse_predicates()
    batch = _Batch([], {}, {})
    for subject, group in subjects(_lines(path)):
        extra, targets = _subject(group, subject, index, plan, inverse)
        digest = _digest(group, extra)
        seen[subject] = digest
        if digest in known:
            continue
        batch.own.extend(group)
        batch.context.update(dict.fromkeys(extra))
        batch.targets.update(dict.fromkeys(targets))
        batch.subjects += 1
        if len(batch.own) >= size:
            yield batch
            batch = _Batch([], {}, {})
    if batch.own:
        yield batch


_ENGINES: dict[int, _Engine] = {}


def _validate_texts(data: str, shapes_nt: str) -> list[Violation]:
    """Violations of one batch, in this process's rudof session (in a pool worker: its own)."""
    engine = _ENGINES.get(os.getpid())
    if engine is None:
        _ENGINES.clear()  # a session inherited through fork is the parent's
        engine = _ENGINES[os.getpid()] = _Engine()
    return engine.results(data, shapes_nt)


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


def check_file(path: Path, *, batch_triples: int = BATCH_TRIPLES, known: Path | None = None, workers: int = 1) -> int:
    """Raise ValidationError unless the sorted N-Triples file `path` conforms to the shapes
    (see file_violations); returns the number of subjects validated (not skipped)."""
    found, validated = file_violations(path, batch_triples=batch_triples, known=known, workers=workers)
    _raise(found)
    return validated


def file_violations(
    path: Path, *, batch_triples: int = BATCH_TRIPLES, known: Path | None = None, workers: int = 1
) -> tuple[list[Violation], int]:
    """(violations, subjects validated) of the sorted N-Triples file `path`, validated in
    batches; subjects whose digest is in the `known` file are skipped, and when the graph
    conforms the file is rewritten with every subject's digest. With `workers` > 1 the batches
    are validated by that many forked processes while this one makes the next ones (where
    forking is safe: kg.background.can_fork, _RAYON_STARTED; and when there are two batches or
    more), with the same result."""
    path = Path(path)
    index = _index(path)
    previous = _read_known(known)
    seen: dict[str, bytes] = {}
    batches = _batches(path, index, previous, seen, batch_triples)
    first = list(islice(batches, 2))  # one batch (a small graph, a rebuild) is validated here
    batches = chain(first, batches)
    if len(first) > 1 and workers > 1 and _may_fork():
        found, validated = _in_pool(batches, workers)
    else:
        found, validated = set(), 0
        for batch in batches:
            validated += batch.subjects
            found.update(_validate_texts(*batch.texts()))
    if known is not None and not found:  # after a failure the file stays as it was
        try:
            write_atomic(known, b"".join(sorted(seen.values())))
        except OSError as exc:
            log.warning("cannot write the validation cache %s (%s)", known, exc)
    log.info("validated %d of %d subjects", validated, len(seen))
    return sorted(found), validated


def _may_fork() -> bool:
    """Whether validation workers can be forked here (see _RAYON_STARTED)."""
    from kg.background import can_fork  # (the platform forks, one thread runs)

    return can_fork() and not _RAYON_STARTED


def _one_thread() -> None:
    """In a validation worker: rudof on one thread (the workers are the parallelism)."""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")


def _in_pool(batches: Iterator[_Batch], workers: int) -> tuple[set[Violation], int]:
    """Validate the batches in `workers` forked processes, at most two batches each in flight
    (memory stays bounded: this process makes batches only as fast as they are taken)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    found: set[Violation] = set()
    validated = 0
    pending: set = set()
    ctx = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_one_thread) as pool:
            try:
                for batch in batches:
                    validated += batch.subjects
                    pending.add(pool.submit(_validate_texts, *batch.texts()))
                    if len(pending) >= 2 * workers:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for future in done:
                            found.update(future.result())
                for future in pending:
                    found.update(future.result())
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    except BrokenProcessPool as exc:
        raise KGError(f"a SHACL validation process ended unexpectedly ({exc})") from exc
    return found, validated
