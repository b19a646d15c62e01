"""RDF as a sorted stream of N-Triples lines: bounded-memory sorting, and Turtle / JSON-LD written
from the subject-grouped stream, byte for byte as rdflib writes the whole graph (kg.export).

Pieces (used by kg.export.write_stream and kg.validate.check_file):

* `nt_line(triple)`: one triple as the line rdflib's N-Triples serializer writes (with the
  control characters kg writes as \\uXXXX), `parse_line(line)`: back to rdflib terms;
* `ExternalSorter`: records added in any order, kept in memory up to a bound, then written to
  sorted chunk files; `merged()` yields them all in order (heapq.merge), without duplicates;
* `subjects(lines)`: the sorted N-Triples lines grouped by subject;
* `TurtleWriter` / `JsonLdWriter`: render one subject's block as rdflib's Turtle and JSON-LD
  serializers do (their own term-rendering code is used: prefixed names, literal short forms,
  JSON-LD compaction), so the files equal today's whole-graph output. The order of subjects
  is what rdflib uses: Turtle sorts subjects by how often they are referenced as objects, then
  by IRI (`TurtleWriter.key`), JSON-LD by @id; both are external sorts of rendered blocks.

Limits, checked: the stream holds no blank nodes and no RDF lists (rdf:first), and no subject
is an rdfs:Class (rdflib's Turtle writer lists those first): kg's export writes none.
"""

from __future__ import annotations

import heapq
import json
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.plugins.serializers.turtle import OBJECT, SUBJECT, VERB, TurtleSerializer
from rdflib.plugins.shared.jsonld.context import Context

from kg.errors import KGError
from kg.ns import PREFIXES, RDF, RDFS

CHUNK_RECORDS = 200_000
"""Records an ExternalSorter keeps in memory before it writes a sorted chunk file."""
CHUNK_CHARS = 16_000_000
"""...or characters (rendered Turtle/JSON-LD blocks are larger than N-Triples lines)."""

NT_ESCAPE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters N-Triples output writes as \\uXXXX: every C0 and C1 control and DEL (rdflib leaves
TAB, VT, FF, U+001C-U+001F, U+0085 raw) and the line/paragraph separators, so that a triple is
one line for any reader that splits lines on more than LF (str.splitlines(), editors). rdflib
already writes \\n, \\r, \\" and \\\\ as escapes, so LF alone ends a triple."""

TTL_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
"""The same in Turtle (whose strings and IRIs may hold \\uXXXX wherever rdflib writes these
characters raw; TAB stays, rdflib indents with spaces): C parsers such as rapper stop a string
at a raw NUL."""

_UNESCAPE = re.compile(r'\\(u[0-9A-F]{4}|[\\n"r])')
_UNESCAPED = {"\\": "\\", "n": "\n", '"': '"', "r": "\r"}


def uchar(match: re.Match[str]) -> str:
    """A matched character as \\uXXXX."""
    return f"\\u{ord(match.group(0)):04X}"


def nt_line(triple: tuple) -> str:
    """The N-Triples line of an rdflib triple (no line end)."""
    return NT_ESCAPE.sub(uchar, _nt_row(triple)[:-1])


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if code[0] == "u" else _UNESCAPED[code]


def split_line(line: str) -> tuple[str, str, str]:
    """(subject IRI, predicate IRI, object as written) of an N-Triples line kg wrote."""
    s_end = line.index("> ")
    p_end = line.index("> ", s_end + 2)
    return line[1:s_end], line[s_end + 3 : p_end], line[p_end + 2 : -2]


def parse_object(text: str) -> URIRef | Literal:
    """An object as written in an N-Triples line kg wrote -> rdflib term."""
    if text[0] == "<":
        return URIRef(text[1:-1])
    end = text.rindex('"')
    lexical = _UNESCAPE.sub(_unescape, text[1:end])
    rest = text[end + 1 :]
    if not rest:
        return Literal(lexical)
    if rest[0] == "@":
        return Literal(lexical, lang=rest[1:])
    return Literal(lexical, datatype=URIRef(rest[3:-1]))


def parse_line(line: str) -> tuple[URIRef, URIRef, URIRef | Literal]:
    """An N-Triples line kg wrote -> rdflib triple."""
    s, p, o = split_line(line)
    return URIRef(s), URIRef(p), parse_object(o)


def subjects(lines: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """Sorted N-Triples lines -> (subject IRI, its lines), one group per subject."""
    for subject, group in groupby(lines, key=lambda line: line[1 : line.index("> ")]):
        yield subject, list(group)


class ExternalSorter:
    """Sort records (picklable, comparable) in bounded memory: sorted chunk files in `folder`,
    merged with heapq.merge. Equal records are yielded once."""

    def __init__(self, folder: Path, name: str, size: Callable[[Any], int] = lambda r: 1, limit: int = CHUNK_RECORDS):
        self.folder = Path(folder)
        self.name = name
        self.size = size
        self.limit = limit
        self.buffer: list = []
        self.held = 0
        self.chunks: list[Path] = []
        self.count = 0

    def add(self, record) -> None:
        """Add one record."""
        self.buffer.append(record)
        self.held += self.size(record)
        if self.held >= self.limit or len(self.buffer) >= CHUNK_RECORDS:
            self._spill()

    def _spill(self) -> None:
        if not self.buffer:
            return
        self.buffer.sort()
        fd, name = tempfile.mkstemp(prefix=f"{self.name}-", suffix=".chunk", dir=self.folder)
        with open(fd, "wb") as fh:
            pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
            previous = object()
            for record in self.buffer:
                if record != previous:
                    pickler.dump(record)
                    pickler.clear_memo()
                    previous = record
        self.chunks.append(Path(name))
        self.buffer, self.held = [], 0

    @staticmethod
    def _read(path: Path) -> Iterator:
        with path.open("rb") as fh:
            unpickler = pickle.Unpickler(fh)
            while True:
                try:
                    yield unpickler.load()
                except EOFError:
                    return

    def merged(self) -> Iterator:
        """Every record added, in order, each distinct record once; deletes the chunk files."""
        if not self.chunks:  # everything fits in memory
            self.buffer.sort()
            sources: list[Iterable] = [self.buffer]
        else:
            self._spill()
            sources = [self._read(p) for p in self.chunks]
        previous = object()
        try:
            for record in heapq.merge(*sources):
                if record != previous:
                    self.count += 1
                    yield record
                    previous = record
        finally:
            for path in self.chunks:
                path.unlink(missing_ok=True)
            self.chunks, self.buffer = [], []


def _check_term(subject: str, p: URIRef) -> None:
    if p == RDF.first:
        raise KGError(f"cannot stream {subject}: RDF lists (rdf:first) are not supported by kg.rdfstream")


class TurtleWriter:
    """Renders subject blocks as rdflib's Turtle serializer does (kg.export binds PREFIXES)."""

    def __init__(self) -> None:
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        self._ser = TurtleSerializer(graph)
        self._ser.reset()
        self._labels: dict[tuple[str, int], str] = {}
        self._datatypes: set[URIRef] = set()
        self._literals: dict[str, str] = {}

    def _object(self, text: str) -> str:
        """The Turtle of an object as written in N-Triples."""
        if text[0] == '"' and text[-1] != ">":  # a plain or language-tagged string
            end = text.rindex('"')
            body = text[1:end]
            if "\\" not in body:  # nothing escaped: rdflib writes it as N-Triples does
                return text
        label = self._literals.get(text)
        if label is None:
            label = self._label(parse_object(text), OBJECT)
            if len(self._literals) > 200_000:
                self._literals.clear()
            self._literals[text] = label
        return label

    def _label(self, node, position: int) -> str:
        if isinstance(node, Literal):
            if node.datatype is not None and node.datatype not in self._datatypes:
                self._ser.get_pname(node.datatype, gen_prefix=False)  # as rdflib's preprocessing does
                self._datatypes.add(node.datatype)
            return self._ser.label(node, position)
        key = (str(node), position)
        label = self._labels.get(key)
        if label is None:
            if position == VERB and node not in self._ser.keywords:
                self._ser.get_pname(node, gen_prefix=True)
            label = self._ser.label(node, position)
            if len(self._labels) > 500_000:  # bounded: subjects and objects are not reused much
                self._labels.clear()
            self._labels[key] = label
        return label

    def _term(self, pair) -> str:
        obj, text = pair
        return self._label(obj, OBJECT) if isinstance(obj, URIRef) else self._object(text)

    def block(self, subject: str, lines: list[str]) -> str:
        """'\\n' + the subject's statement + ' .\\n', as rdflib writes it."""
        s = URIRef(subject)
        properties: dict[URIRef, list] = {}
        for line in lines:
            _, p, o = split_line(line)
            pred = URIRef(p)
            _check_term(subject, pred)
            obj = parse_object(o)
            if pred == RDF.type and obj == RDFS.Class:
                raise KGError(f"cannot stream {subject}: an rdfs:Class is listed first by rdflib's Turtle writer")
            properties.setdefault(pred, []).append((obj, o))
        for objects in properties.values():
            objects.sort(key=lambda pair: pair[0])
        order = [p for p in (RDF.type, RDFS.label) if p in properties]
        order += sorted(p for p in properties if p not in (RDF.type, RDFS.label))
        out = ["\n", self._label(s, SUBJECT)]
        for i, pred in enumerate(order):
            if i:
                out.append(" ;\n    ")
                out.append(self._label(pred, VERB))
            else:
                out.append(" " + self._label(pred, VERB))
            objects = properties[pred]
            out.append(" " + self._term(objects[0]))
            for obj in objects[1:]:
                out.append(",\n        ")
                out.append(self._term(obj))
        out.append(" .\n")
        return TTL_ESCAPE.sub(uchar, "".join(out))

    def header(self) -> str:
        """The @prefix lines of every prefix the rendered blocks used."""
        return "".join(f"@prefix {prefix}: <{uri}> .\n" for prefix, uri in sorted(self._ser.namespaces.items()))

    @staticmethod
    def key(subject: str, references: int) -> tuple[int, str]:
        """Where a subject's block goes: rdflib orders subjects by references, then IRI."""
        return (references, subject)


class JsonLdWriter:
    """Renders subject nodes as rdflib's JSON-LD serializer does with kg's context (its prefixes,
    no terms; native booleans and integers), then sorted as kg.export sorts them (list values by
    their JSON, nodes by @id). The context's own shrink_iri/to_symbol compact the IRIs."""

    def __init__(self) -> None:
        self.context_data = dict(PREFIXES)
        self._context = Context(self.context_data)
        self._symbols: dict[str, str] = {}
        self._ids: dict[str, str] = {}

    def _symbol(self, iri: str) -> str:
        symbol = self._symbols.get(iri)
        if symbol is None:
            symbol = self._symbols[iri] = self._context.to_symbol(iri)
        return symbol

    def _id(self, iri: str) -> str:
        shrunk = self._ids.get(iri)
        if shrunk is None:
            if len(self._ids) > 500_000:
                self._ids.clear()
            shrunk = self._ids[iri] = self._context.shrink_iri(iri)
        return shrunk

    def _value(self, text: str):
        """rdflib's Converter.to_raw_value for an object as written in N-Triples."""
        if text[0] == "<":
            return {"@id": self._id(text[1:-1])}
        end = text.rindex('"')
        lexical = _UNESCAPE.sub(_unescape, text[1:end])
        rest = text[end + 1 :]
        if not rest:
            return lexical
        if rest[0] == "@":
            return {"@language": rest[1:], "@value": lexical}
        datatype = rest[3:-1]
        if datatype in _NATIVE:
            return Literal(lexical, datatype=URIRef(datatype)).toPython()
        return {"@type": self._symbol(datatype), "@value": lexical}

    def node(self, subject: str, lines: list[str]) -> tuple[str, str]:
        """(@id, the node as JSON text at the indentation of kg's graph.jsonld)."""
        node: dict = {"@id": self._id(subject)}
        for line in lines:
            _, p, o = split_line(line)
            if p == _RDF_FIRST:
                raise KGError(f"cannot stream {subject}: RDF lists (rdf:first) are not supported by kg.rdfstream")
            if p == _RDF_TYPE and o[0] == "<":
                key, value = "@type", self._symbol(o[1:-1])
            else:
                key, value = self._symbol(p), self._value(o)
            old = node.get(key)
            if old:  # as rdflib: a falsy value (false, 0, "") is replaced, not appended to
                if not isinstance(old, list):
                    node[key] = old = [old]
                old.append(value)
            else:
                node[key] = value
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        text = json.dumps(node, ensure_ascii=False, indent=1, sort_keys=True)
        return node["@id"], "  " + text.replace("\n", "\n  ")

    def head(self) -> str:
        """The file up to the first node."""
        context = json.dumps(self.context_data, ensure_ascii=False, indent=1, sort_keys=True)
        return '{\n "@context": ' + context.replace("\n", "\n ") + ',\n "@graph": ['

    @staticmethod
    def tail(nodes: int) -> str:
        """The file after the last node."""
        return "\n ]\n}\n" if nodes else "]\n}\n"


_RDF_FIRST = str(RDF.first)
_RDF_TYPE = str(RDF.type)
_NATIVE = frozenset(str(t) for t in PLAIN_LITERAL_TYPES)
