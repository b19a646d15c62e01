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
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XMLNS
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.plugins.serializers.turtle import OBJECT, SUBJECT, VERB, TurtleSerializer
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import _is_valid_uri

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
    # a line is its subject's while it starts with "<subject> " (an IRI holds no space or ">"):
    # one startswith per line instead of slicing out each line's subject
    subject, prefix, group = "", "", []
    for line in lines:
        if group and line.startswith(prefix):
            group.append(line)
            continue
        if group:
            yield subject, group
        end = line.index("> ")
        subject, prefix, group = line[1:end], line[: end + 2], [line]
    if group:
        yield subject, group


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


def _bound_folders(ser: TurtleSerializer) -> frozenset[str]:
    """The folders (up to the last "/") of every namespace bound in the serializer's graph
    (rdflib's defaults included)."""
    return frozenset(ns[: ns.rfind("/") + 1] for _, ns in ser.store.namespace_manager.namespaces())


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
        self._verbs: dict[str, str] = {}
        self._folders = _bound_folders(self._ser)

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
            if position != VERB or node not in self._ser.keywords:  # as rdflib's preprocessing does
                self._ser.get_pname(node, gen_prefix=position == VERB)
            label = self._ser.label(node, position)
            if len(self._labels) > 500_000:  # bounded: subjects and objects are not reused much
                self._labels.clear()
            self._labels[key] = label
        return label

    def _iri(self, iri: str, position: int) -> str:
        """The Turtle of an IRI as subject or object: `<iri>` when rdflib's get_pname finds no
        prefixed name for it, else rdflib's label. rdflib splits an IRI after its last character
        that cannot be in a local name (at or after its last "/") and uses a prefix only for a
        bound namespace that long or longer; such a namespace has the IRI's folder (up to the
        last "/") as its own, so an IRI whose folder no bound namespace has is written as is."""
        if iri[: iri.rfind("/") + 1] not in self._folders and not iri.startswith(_XMLNS) and _is_valid_uri(iri):
            return f"<{iri}>"
        return self._label(URIRef(iri), position)

    def _verb(self, p: str) -> str:
        label = self._verbs.get(p)
        if label is None:
            label = self._verbs[p] = self._label(URIRef(p), VERB)
            self._folders = _bound_folders(self._ser)  # a verb may have bound a new prefix
        return label

    def block(self, subject: str, lines: list[str]) -> str:
        """'\\n' + the subject's statement + ' .\\n', as rdflib writes it."""
        return self.block_of(subject, [split_line(line)[1:] for line in lines])

    def block_of(self, subject: str, pairs: list[tuple[str, str]]) -> str:
        """`block` from the subject's (predicate IRI, object as written) pairs, in N-Triples order."""
        properties: dict[str, list[str]] = {}
        for p, o in pairs:
            objects = properties.get(p)
            if objects is None:
                properties[p] = [o]
            else:
                objects.append(o)
        if _RDF_FIRST in properties:
            raise KGError(f"cannot stream {subject}: RDF lists (rdf:first) are not supported by kg.rdfstream")
        if _RDFS_CLASS in properties.get(_RDF_TYPE, ()):
            raise KGError(f"cannot stream {subject}: an rdfs:Class is listed first by rdflib's Turtle writer")
        order = [p for p in (_RDF_TYPE, _RDFS_LABEL) if p in properties]
        order += sorted(p for p in properties if p != _RDF_TYPE and p != _RDFS_LABEL)
        out = ["\n", self._iri(subject, SUBJECT)]
        for i, p in enumerate(order):
            out.append(" ;\n    " if i else " ")
            out.append(self._verb(p))
            objects = properties[p]
            if len(objects) > 1:  # in rdflib's order of terms: IRIs by IRI, literals by value
                if all(o[0] == "<" for o in objects):
                    objects.sort(key=lambda o: o[1:-1])
                else:
                    objects.sort(key=parse_object)
            out.append(" ")
            labels = [self._iri(o[1:-1], OBJECT) if o[0] == "<" else self._object(o) for o in objects]
            out.append(",\n        ".join(labels))
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
        lexical = text[1:end]
        if "\\" in lexical:
            lexical = _UNESCAPE.sub(_unescape, lexical)
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
        return self.node_of(subject, [split_line(line)[1:] for line in lines])

    def node_of(self, subject: str, pairs: list[tuple[str, str]]) -> tuple[str, str]:
        """`node` from the subject's (predicate IRI, object as written) pairs, in N-Triples order."""
        node: dict = {"@id": self._id(subject)}
        for p, o in pairs:
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
                node[key] = sorted(value, key=_sort_key)
        return node["@id"], "  " + pretty_json(node, "\n  ")

    def head(self) -> str:
        """The file up to the first node."""
        context = json.dumps(self.context_data, ensure_ascii=False, indent=1, sort_keys=True)
        return '{\n "@context": ' + context.replace("\n", "\n ") + ',\n "@graph": ['

    @staticmethod
    def tail(nodes: int) -> str:
        """The file after the last node."""
        return "\n ]\n}\n" if nodes else "]\n}\n"


_encode_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for strings


def _sort_key(value) -> str:
    """How kg orders a JSON-LD list: by the value's compact JSON, keys sorted."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def pretty_json(value, newline: str = "\n") -> str:
    """`value` as json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) writes it, each
    line break followed by `newline` (a line end and the enclosing indentation). json.dumps
    with an indent runs its pure-Python encoder; this walks dicts and lists itself and leaves
    strings and other scalars to json's C encoder."""
    if isinstance(value, str):
        return _encode_str(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = newline + " "
        items = [_encode_str(key) + ": " + pretty_json(value[key], inner) for key in sorted(value)]
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = newline + " "
        return "[" + inner + ("," + inner).join(pretty_json(item, inner) for item in value) + newline + "]"
    return json.dumps(value)


_XMLNS = str(XMLNS)
_RDF_FIRST = str(RDF.first)
_RDF_TYPE = str(RDF.type)
_RDFS_LABEL = str(RDFS.label)
_RDFS_CLASS = f"<{RDFS.Class}>"
_NATIVE = frozenset(str(t) for t in PLAIN_LITERAL_TYPES)
