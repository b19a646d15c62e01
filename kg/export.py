"""Export: entities and relations -> RDF files (Turtle, N-Triples, JSON-LD).

`write_stream` (what `kg build` uses) streams the triples through an external sort into the
files, never holding the whole graph; `to_graph` builds an rdflib Graph (tests, small graphs,
`page_graph` for the page, a bounded part of a big build). Both emit the same triples (`_emit`),
and the streamed files are byte-identical to `write(to_graph(...))`.

Data model (terms in kg.ns, documented in ontology/kg.ttl and README.md):
  * entities: `a kg:Person|Organization|Place|Meeting|Policy`, `rdfs:label` (canonical, @zh),
    `skos:altLabel` (every other surface form seen);
  * articles: `a kg:Article` with `kg:sourceFile`, `schema:headline`, `schema:author`,
    `schema:datePublished`, `schema:mentions`. An article joined from parts on several pages has
    one `kg:ArticlePart` per page (`schema:hasPart`), each with its own `kg:sourceFile` and
    mentions; 导读 teasers are `kg:Teaser`, not articles;
  * posts: `person org:holds post`, `post a org:Post; org:postIn org; kg:title; rdfs:label`;
  * provenance: every extracted edge is also an `rdf:Statement` (RDF reification) with
    `prov:wasDerivedFrom` the `kg:Sentence`s (text, file, character offsets) or the dataset
    (gazetteer) that state it, and `kg:rule` naming the rule.
Files are written atomically and deterministically (sorted, no blank nodes).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.careers import Careers
from kg.errors import KGError
from kg.export_careers import write_careers
from kg.fileio import atomic_path, write_atomic
from kg.ingest import source_stem
from kg.iri import digest, mint
from kg.knowledge import Level
from kg.link import article_key
from kg.ns import KG, ORG, PREFIXES, PROV, RDF, RDFS, SDO, SKOS, XSD
from kg.rdfstream import (
    CHUNK_CHARS,
    NT_ESCAPE,
    TTL_ESCAPE,
    ExternalSorter,
    JsonLdWriter,
    TurtleWriter,
    nt_line,
    split_line,
    subjects,
    uchar,
)
from kg.records import (
    Analysis,
    Article,
    ArticleKind,
    DatePrecision,
    Entity,
    Evidence,
    Relation,
    RelationKind,
    Resolution,
)

ZH = "zh"
PREDICATES: dict[RelationKind, URIRef] = {
    RelationKind.HOLDS_POST: ORG.holds,
    RelationKind.CHAIR: KG.chair,
    RelationKind.ATTENDEE: SDO.attendee,
    RelationKind.START_DATE: SDO.startDate,
    RelationKind.LOCATION: SDO.location,
    RelationKind.ORGANIZER: SDO.organizer,
    RelationKind.ABOUT: SDO.about,
    RelationKind.ISSUED_BY: KG.issuedBy,
    RelationKind.CONTAINED_IN_PLACE: SDO.containedInPlace,
    RelationKind.SUB_ORGANIZATION_OF: ORG.subOrganizationOf,
    RelationKind.AUTHOR: SDO.author,
    RelationKind.MENTIONS: SDO.mentions,
}
DATASETS = {
    "gazetteer": ("dataset/gazetteer", "行政区划 gazetteer (jionlp 1.5.31 china_location, Apache-2.0)"),
    "papers": ("dataset/papers", "newspapers, their regions and publishers (kg/data/lexicon/papers.tsv)"),
}


def _date_literal(issue_date: dt.date, precision: DatePrecision) -> Literal:
    if precision is DatePrecision.MONTH:
        return Literal(issue_date.strftime("%Y-%m"), datatype=XSD.gYearMonth)
    return Literal(issue_date.isoformat(), datatype=XSD.date)


class _LineSink:
    """Where the writer's triples go in a streaming export: N-Triples lines into a sorter."""

    def __init__(self, sorter: ExternalSorter):
        self.sorter = sorter

    def add(self, triple: tuple) -> None:
        self.sorter.add(nt_line(triple))


class _Writer:
    def __init__(self, analyses: Sequence[Analysis], sink: Graph | _LineSink | None = None):
        if sink is None:
            sink = Graph()
            for prefix, ns in PREFIXES.items():
                sink.bind(prefix, ns)
        self.g = sink
        """An rdflib Graph, or a _LineSink (anything with add(triple))."""
        self.articles: dict[str, Analysis] = {a.article.id: a for a in analyses}
        self.sentences: set[tuple[str, int]] = set()
        """Sentences written so far."""

    # -- articles and sentences ----------------------------------------------------------

    def sentence_file(self, article: Article, index: int) -> tuple[str, int, int] | None:
        s = self.articles[article.id].sentences[index]
        return article.source_span(s.start, s.end)

    def node_for(self, article_id: str, index: int | None) -> URIRef:
        """The article node an edge of this sentence belongs to (its part, for joined articles)."""
        article = self.articles[article_id].article
        if len(article.sources) == 1 or index is None:
            return mint(article_key(article_id))
        span = self.sentence_file(article, index)
        source = span[0] if span else article.sources[0]
        return mint(f"{article_key(article_id)}/part/{source_stem(source)}")

    def article(self, an: Analysis) -> None:
        a = an.article
        g = self.g
        node = mint(article_key(a.id))
        g.add((node, RDF.type, KG.Teaser if a.kind is ArticleKind.TEASER else KG.Article))
        nodes = [node]
        if len(a.sources) > 1:
            for source in a.sources:
                part = mint(f"{article_key(a.id)}/part/{source_stem(source)}")
                g.add((node, SDO.hasPart, part))
                g.add((part, RDF.type, KG.ArticlePart))
                g.add((part, SDO.isPartOf, node))
                g.add((part, KG.sourceFile, Literal(source)))
                nodes.append(part)
        else:
            g.add((node, KG.sourceFile, Literal(a.sources[0])))
        for n in nodes:
            if a.headline:
                g.add((n, SDO.headline, Literal(a.headline, lang=ZH)))
        if a.deck:
            g.add((node, SDO.alternativeHeadline, Literal(a.deck, lang=ZH)))
        if a.kicker:
            g.add((node, KG.kicker, Literal(a.kicker, lang=ZH)))
        if a.issue.date:
            g.add((node, SDO.datePublished, _date_literal(a.issue.date, a.issue.date_precision)))
        if a.issue.paper:
            g.add((node, KG.paper, Literal(a.issue.paper, lang=ZH)))
        if a.dateline_place:
            g.add((node, KG.datelinePlace, Literal(a.dateline_place, lang=ZH)))

    def sentence(self, article_id: str, index: int) -> URIRef:
        an = self.articles[article_id]
        node = mint(f"sentence/{article_id}/{index}")
        if (article_id, index) in self.sentences:
            return node
        self.sentences.add((article_id, index))
        s = an.sentences[index]
        g = self.g
        g.add((node, RDF.type, KG.Sentence))
        g.add((node, SDO.text, Literal(s.text, lang=ZH)))
        g.add((node, KG.sentenceIndex, Literal(index)))
        g.add((node, SDO.isPartOf, self.node_for(article_id, index)))
        pieces = an.article.source_pieces(s.start, s.end)
        if pieces and len({p[0] for p in pieces}) == 1:
            g.add((node, KG.sourceFile, Literal(pieces[0][0])))
        if len(pieces) == 1:
            g.add((node, KG.charStart, Literal(pieces[0][1])))
            g.add((node, KG.charEnd, Literal(pieces[0][2])))
        else:  # printed in pieces with a headline between them: one kg:TextSpan per piece
            for k, (source, start, end, text_start, text_end) in enumerate(pieces):
                span = mint(f"sentence/{article_id}/{index}/span/{k}")
                g.add((node, KG.span, span))
                g.add((span, RDF.type, KG.TextSpan))
                g.add((span, KG.sourceFile, Literal(source)))
                g.add((span, KG.charStart, Literal(start)))
                g.add((span, KG.charEnd, Literal(end)))
                g.add((span, KG.spanIndex, Literal(k)))
                g.add((span, SDO.text, Literal(an.article.text[text_start:text_end], lang=ZH)))
        return node

    def provenance(self, triple: tuple, evidence: Sequence[Evidence]) -> None:
        s, p, o = triple
        g = self.g
        stmt = mint(f"statement/{digest(str(s), str(p), str(o))}")
        g.add((stmt, RDF.type, RDF.Statement))
        g.add((stmt, RDF.subject, s))
        g.add((stmt, RDF.predicate, p))
        g.add((stmt, RDF.object, o))
        for ev in evidence:
            if ev.article is not None and ev.sentence is not None:
                g.add((stmt, PROV.wasDerivedFrom, self.sentence(ev.article, ev.sentence)))
            elif ev.note in DATASETS:
                key, label = DATASETS[ev.note]
                ds = mint(key)
                g.add((ds, RDF.type, KG.Dataset))
                g.add((ds, RDFS.label, Literal(label, lang="en")))
                g.add((stmt, PROV.wasDerivedFrom, ds))
            if ev.note:
                g.add((stmt, KG.rule, Literal(ev.note)))

    # -- entities and relations ----------------------------------------------------------

    def entity(self, e: Entity) -> None:
        g = self.g
        node = mint(e.key)
        g.add((node, RDF.type, KG[e.type.value]))
        g.add((node, RDFS.label, Literal(e.name, lang=ZH)))
        for alias in e.aliases:
            g.add((node, SKOS.altLabel, Literal(alias, lang=ZH)))
        if e.code and e.code.isdigit():
            g.add((node, KG.divisionCode, Literal(e.code)))
        if e.code:
            level = _level(e.code)
            if level:
                g.add((node, KG.adminLevel, Literal(level)))
        for note in e.merge_notes:
            g.add((node, KG.mergeNote, Literal(note, lang="en")))

    def relation(self, r: Relation, names: dict[str, str], dates: dict[str, dt.date]) -> None:
        g = self.g
        if r.kind is RelationKind.HOLDS_POST:
            self.post(r, names, dates)
            return
        if r.kind is RelationKind.START_DATE:
            triple = (mint(r.subject), SDO.startDate, Literal(r.object, datatype=XSD.date))
            g.add(triple)
            self.provenance(triple, r.evidence)
            return
        pred = PREDICATES[r.kind]
        if r.kind in (RelationKind.MENTIONS, RelationKind.AUTHOR):
            by_node: dict[URIRef, list[Evidence]] = defaultdict(list)
            for ev in r.evidence:
                by_node[self.node_for(ev.article, ev.sentence)].append(ev)
            whole = mint(r.subject)
            for node, evs in sorted(by_node.items()):
                triple = (node, pred, mint(r.object))
                g.add(triple)
                self.provenance(triple, evs)
            if whole not in by_node:  # a joined article also mentions what its parts mention
                triple = (whole, pred, mint(r.object))
                g.add(triple)
                self.provenance(triple, r.evidence)
            return
        triple = (mint(r.subject), pred, mint(r.object))
        g.add(triple)
        self.provenance(triple, r.evidence)

    def post_node(self, person: str, org: str, title: str, names: dict[str, str]) -> URIRef:
        """The org:Post node of `person`'s post `title` in `org` (one per holder)."""
        g = self.g
        post = mint(f"post/{names[org]}/{title}/{person.removeprefix('person/')}")
        g.add((post, RDF.type, ORG.Post))
        g.add((post, RDFS.label, Literal(f"{names[org]}{title}", lang=ZH)))
        g.add((post, KG.title, Literal(title, lang=ZH)))
        g.add((post, ORG.postIn, mint(org)))
        if title.startswith("代理"):
            g.add((post, KG.acting, Literal(True)))
        return post

    def post(self, r: Relation, names: dict[str, str], dates: dict[str, dt.date]) -> None:
        g = self.g
        post = self.post_node(r.subject, r.object, r.title, names)
        held = (mint(r.subject), ORG.holds, post)
        within = (post, ORG.postIn, mint(r.object))
        g.add(held)
        self.provenance(held, r.evidence)
        self.provenance(within, r.evidence)
        for ev in r.evidence:
            if ev.article and ev.article in dates:
                g.add((post, KG.observedOn, Literal(dates[ev.article].isoformat(), datatype=XSD.date)))


def _level(code: str) -> str | None:
    if code.startswith("country-"):
        return Level.COUNTRY.value
    if "-" in code:
        return Level.TOWN.value
    if code.endswith("0000"):
        return Level.PROVINCE.value
    if code.endswith("00"):
        return Level.CITY.value
    return Level.COUNTY.value


def to_graph(
    analyses: Sequence[Analysis],
    resolution: Resolution,
    relations: Sequence[Relation],
    careers: Careers | None = None,
) -> Graph:
    """The RDF graph of a build (with post changes and tenures when `careers` is given; its
    relations, which add the posts appointments give, then replace `relations`)."""
    w = _Writer(analyses)
    _emit(w, analyses, resolution, relations, careers)
    return w.g


def _emit(
    w: _Writer,
    analyses: Sequence[Analysis],
    resolution: Resolution,
    relations: Sequence[Relation],
    careers: Careers | None,
) -> None:
    """Every triple of the build, into the writer's sink (in no particular order)."""
    if careers is not None:
        relations = careers.relations
    for an in sorted(analyses, key=lambda a: a.article.id):
        w.article(an)
    for e in resolution.entities:
        w.entity(e)
    names = {e.key: e.name for e in resolution.entities}
    dates = {
        an.article.id: an.article.issue.date
        for an in analyses
        if an.article.issue.date and an.article.issue.date_precision is DatePrecision.DAY
    }
    for r in relations:
        w.relation(r, names, dates)
    if careers is not None:
        write_careers(w, careers, names)


FORMATS = {"ttl": ("graph.ttl", "turtle"), "nt": ("graph.nt", "nt"), "jsonld": ("graph.jsonld", "json-ld")}


def _nt_lines(graph: Graph) -> list[str]:
    """The graph's N-Triples, one triple a line, sorted and without duplicates."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = {NT_ESCAPE.sub(uchar, line) for line in text.split("\n")}
    return sorted(line for line in lines if line.strip())


def serialize(graph: Graph, fmt: str) -> bytes:
    """Deterministic bytes of the graph in one format (ttl, nt, jsonld)."""
    if fmt not in FORMATS:
        raise KGError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if fmt == "nt":
        return ("\n".join(_nt_lines(graph)) + "\n").encode("utf-8")
    if fmt == "jsonld":
        context = {prefix: ns for prefix, ns in PREFIXES.items()}
        data = json.loads(graph.serialize(format="json-ld", context=context, encoding="utf-8"))
        nodes = data.get("@graph", [])
        for node in nodes:
            for key, value in node.items():
                if isinstance(value, list):
                    node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        data["@graph"] = sorted(nodes, key=lambda n: n.get("@id", ""))
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    return TTL_ESCAPE.sub(uchar, graph.serialize(format="turtle", encoding="utf-8").decode("utf-8")).encode("utf-8")


def write(graph: Graph, out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write the graph in each format into `out_dir`, atomically; returns the paths."""
    paths = []
    for fmt in formats:
        name, _ = FORMATS[fmt]
        path = out_dir / name
        write_atomic(path, serialize(graph, fmt))
        paths.append(path)
    return paths


@dataclass(frozen=True)
class Exported:
    """What a streaming export wrote."""

    files: tuple[Path, ...]
    """The files written, in the order of the formats asked for."""
    triples: int
    """Distinct triples in the graph."""
    ntriples: Path | None
    """The graph as sorted N-Triples (graph.nt), or None when nt was not asked for (the
    temporary file the export sorted into is then gone)."""


def write_stream(
    analyses: Sequence[Analysis],
    resolution: Resolution,
    relations: Sequence[Relation],
    careers: Careers | None,
    out_dir: Path,
    formats: Sequence[str] = ("ttl", "nt", "jsonld"),
    *,
    profiler=None,
    after_nt=None,
    background: bool = False,
) -> Exported:
    """Write the graph of the records in each format into `out_dir` as a stream, in bounded
    memory: no rdflib Graph of everything. The files are byte-identical to `write(to_graph(...))`.

    1. every triple, as its N-Triples line, goes into an external sort (sorted chunk files in a
       temporary folder in `out_dir`), merged and deduplicated into graph.nt (counting how often
       each IRI is an object: rdflib's Turtle writer orders subjects by that);
    2. graph.nt, read back grouped by subject, gives each subject's Turtle block and JSON-LD node
       (kg.rdfstream renders them with rdflib's own term code), each sorted externally into
       rdflib's order (Turtle: references then IRI; JSON-LD: @id) and written.
    `after_nt(path)` is called with the sorted N-Triples file before Turtle and JSON-LD are
    written (the build validates it there); with `background`, Turtle and JSON-LD are written
    meanwhile in a forked process (kg.background), so that validation and writing use two
    cores. Profiled stages: `export` (records -> graph.nt), `write` (graph.ttl, graph.jsonld;
    in the background: the time waited for it after validation). Memory: the sorter's chunk
    bound plus one count per IRI used as an object.
    """
    for fmt in formats:
        if fmt not in FORMATS:
            raise KGError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    stage = profiler.stage if profiler is not None else (lambda name: nullcontext())
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix=".kg-export-", dir=out_dir) as tmp:
        work = Path(tmp)
        nt_path = out_dir / "graph.nt" if "nt" in formats else work / "graph.nt"
        references: dict[str, int] = {}
        with stage("export"), atomic_path(nt_path) as part, part.open("w", encoding="utf-8", newline="\n") as fh:
            sorter = ExternalSorter(work, "nt")
            _emit(_Writer(analyses, _LineSink(sorter)), analyses, resolution, relations, careers)
            for line in sorter.merged():
                fh.write(line)
                fh.write("\n")
                obj = split_line(line)[2]
                if obj[0] == "<":
                    references[obj[1:-1]] = references.get(obj[1:-1], 0) + 1
        triples = sorter.count
        writing = None
        if ("ttl" in formats or "jsonld" in formats) and background and after_nt is not None:
            from kg.background import Job

            writing = Job("write", _write_grouped, nt_path, out_dir, work, formats, references)
        try:
            if after_nt is not None:
                after_nt(nt_path)
        except BaseException:
            if writing is not None:
                writing.cancel()
            raise
        if writing is not None:
            with stage("write"):
                writing.result()
                if profiler is not None and writing.forked:
                    profiler.note("write", f"beside validation, {writing.cpu:.1f} CPU s in its own process")
        elif "ttl" in formats or "jsonld" in formats:
            with stage("write"):
                _write_grouped(nt_path, out_dir, work, formats, references)
        files = tuple(out_dir / FORMATS[fmt][0] for fmt in formats)
        return Exported(files=files, triples=triples, ntriples=nt_path if "nt" in formats else None)


def _nt_lines_of(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="\n") as fh:
        for line in fh:
            yield line[:-1]


def _write_grouped(
    nt_path: Path, out_dir: Path, work: Path, formats: Sequence[str], references: dict[str, int]
) -> None:
    """Turtle and JSON-LD from the sorted N-Triples file."""
    ttl = TurtleWriter() if "ttl" in formats else None
    jsonld = JsonLdWriter() if "jsonld" in formats else None
    ttl_blocks = ExternalSorter(work, "ttl", size=lambda r: len(r[2]), limit=CHUNK_CHARS)
    json_nodes = ExternalSorter(work, "jsonld", size=lambda r: len(r[1]), limit=CHUNK_CHARS)
    for subject, lines in subjects(_nt_lines_of(nt_path)):
        pairs = [split_line(line)[1:] for line in lines]
        if ttl is not None:
            refs, iri = TurtleWriter.key(subject, references.get(subject, 0))
            ttl_blocks.add((refs, iri, ttl.block_of(subject, pairs)))
        if jsonld is not None:
            json_nodes.add(jsonld.node_of(subject, pairs))
    if ttl is not None:
        with atomic_path(out_dir / "graph.ttl") as part, part.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(ttl.header())
            for _, _, block in ttl_blocks.merged():
                fh.write(block)
            fh.write("\n")
    if jsonld is not None:
        with atomic_path(out_dir / "graph.jsonld") as part, part.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(jsonld.head())
            n = 0
            for _, text in json_nodes.merged():
                fh.write(",\n" if n else "\n")
                fh.write(text)
                n += 1
            fh.write(JsonLdWriter.tail(n))


PAGE_ENTITIES = 1500
"""Entities drawn on the build's page (graph.html) at most: a larger build shows its most
connected entities and the edges among them (`kg viz` draws any other part from graph.nt)."""


def page_graph(
    analyses: Sequence[Analysis],
    resolution: Resolution,
    relations: Sequence[Relation],
    careers: Careers | None = None,
    *,
    limit: int = PAGE_ENTITIES,
) -> Graph:
    """The rdflib Graph the build's page is drawn from: everything when there are at most
    `limit` entities, else the `limit` entities with most edges (mentions and bylines not
    counted; ties by key) with the edges, post changes and tenures among them, their evidence
    sentences and articles. Bounded by `limit`, not by the size of the build."""
    if len(resolution.entities) <= limit:
        return to_graph(analyses, resolution, relations, careers)
    rels = careers.relations if careers is not None else tuple(relations)
    entity_keys = {e.key for e in resolution.entities}
    degree: dict[str, int] = dict.fromkeys(entity_keys, 0)
    for r in rels:
        if r.kind in (RelationKind.MENTIONS, RelationKind.AUTHOR):
            continue
        for key in (r.subject, r.object):
            if key in degree:
                degree[key] += 1
    kept = set(sorted(entity_keys, key=lambda k: (-degree[k], k))[:limit])
    entities = tuple(e for e in resolution.entities if e.key in kept)

    def inside(*keys: str | None) -> bool:
        return all(k is None or k in kept for k in keys)

    edges = tuple(
        r
        for r in rels
        if r.kind not in (RelationKind.MENTIONS, RelationKind.AUTHOR)
        and inside(r.subject, None if r.kind is RelationKind.START_DATE else r.object)
    )
    part = None
    if careers is not None:
        part = Careers(
            events=tuple(e for e in careers.events if inside(e.person, e.org, e.decided_by)),
            tenures=tuple(t for t in careers.tenures if inside(t.person, t.org)),
            relations=edges,
        )
    cited = {
        ev.article
        for item in (*edges, *(part.events if part else ()), *(part.tenures if part else ()))
        for ev in item.evidence
        if ev.article is not None
    }
    articles = [an for an in analyses if an.article.id in cited]
    return to_graph(articles, Resolution(entities=entities), edges, part)
