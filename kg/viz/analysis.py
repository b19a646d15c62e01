"""RDF -> networkx: the entities and relations of a graph as a MultiDiGraph to select views from.

Public entry: `analysis_graph(graph, articles=False)`.

  * nodes are the entities (kg:Person, Organization, Place, Meeting, Policy; articles only with
    `articles=True`), keyed by IRI, with `label`, `aliases`, `type`, `dates` (a meeting's
    schema:startDate), `posts` (a person's org:Post), `career`, `changes` and `sources` (the
    evidence of every statement whose subject or object the entity is, mentions included);
  * edges are the typed relations between entities, keyed by relation (by relation and title for
    posts), drawn actor -> thing as their Chinese label reads (the `direction` column of
    kg/data/viz/relations.tsv: 刘宁 -主持-> 会议 where the RDF says meeting kg:chair person), with
    the `evidence` and `rules` of the edge's rdf:Statement; person org:holds post org:postIn org
    is one edge person -(title)-> organisation;
  * the graph attribute `evidence` (an `Evidence`) looks sentences and articles up on demand in
    the RDF graph, so a page of a few hundred entities reads only their sentences, however big
    the archive.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef

from kg.ns import KG, ORG, PROV, RDF, RDFS, SDO, SKOS
from kg.viz import careers as viz_careers
from kg.viz.styles import ARTICLE, ARTICLE_RELATIONS, HOLDS, relation_styles, type_styles

if TYPE_CHECKING:  # networkx is imported where it is used: `kg --help` stays fast
    import networkx as nx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Post:
    """A post a person holds, as shown in the person's details."""

    title: str
    """Title as printed (省长)."""
    org: str
    """IRI of the organisation the post is in."""
    org_name: str
    """Canonical name of that organisation."""
    observed: tuple[str, ...]
    """Dates of the articles showing the post held (ISO)."""


@dataclass(frozen=True)
class SentenceInfo:
    """A sentence some edge is derived from."""

    text: str
    """The sentence as printed."""
    file: str
    """Source file the sentence is in."""
    start: int | None
    """Character offset of the sentence in the decoded file."""
    end: int | None
    """End offset (exclusive)."""
    article: str
    """IRI of the article (not the part) the sentence belongs to."""


@dataclass(frozen=True)
class ArticleInfo:
    """An article sentences come from."""

    headline: str
    """Headline (empty if none was printed)."""
    date: str
    """Date published (ISO date or year-month; empty if unknown)."""
    file: str
    """Source file (the first part's, for articles joined from several pages)."""


def _text(graph: Graph, node: URIRef, prop: URIRef) -> str:
    """The smallest string value of `prop` (deterministic when there are several)."""
    values = sorted(str(v) for v in graph.objects(node, prop))
    return values[0] if values else ""


def _int(graph: Graph, node: URIRef, prop: URIRef) -> int | None:
    value = graph.value(node, prop)
    return int(value) if value is not None else None


@dataclass
class Evidence:
    """Sentences, articles and datasets of an RDF graph, read when first asked for (and kept)."""

    graph: Graph
    """The RDF graph the analysis graph was made from."""
    part_of: dict[URIRef, URIRef]
    """kg:ArticlePart -> the article it is part of."""
    _sentences: dict[str, SentenceInfo | None] = field(default_factory=dict)
    _articles: dict[str, ArticleInfo | None] = field(default_factory=dict)
    _datasets: dict[str, str] | None = None
    _parts: dict[URIRef, list[URIRef]] | None = None

    def sentence(self, iri: str) -> SentenceInfo | None:
        """The kg:Sentence `iri`, or None if `iri` is not a sentence."""
        if iri not in self._sentences:
            node = URIRef(iri)
            found = None
            if (node, RDF.type, KG.Sentence) in self.graph:
                g = self.graph
                container = g.value(node, SDO.isPartOf)
                article = self.part_of.get(container, container)
                found = SentenceInfo(
                    text=_text(g, node, SDO.text),
                    file=_text(g, node, KG.sourceFile) or (_text(g, container, KG.sourceFile) if container else ""),
                    start=_int(g, node, KG.charStart),
                    end=_int(g, node, KG.charEnd),
                    article=str(article) if article is not None else "",
                )
            self._sentences[iri] = found
        return self._sentences[iri]

    def article(self, iri: str) -> ArticleInfo | None:
        """The kg:Article or kg:Teaser `iri` (headline, date, first file), or None."""
        if iri not in self._articles:
            node = URIRef(iri)
            g = self.graph
            found = None
            if (node, RDF.type, KG.Article) in g or (node, RDF.type, KG.Teaser) in g:
                if self._parts is None:
                    self._parts = defaultdict(list)
                    for part, whole in self.part_of.items():
                        self._parts[whole].append(part)
                parts = self._parts.get(node, ())
                file = _text(g, node, KG.sourceFile) or min((_text(g, p, KG.sourceFile) for p in parts), default="")
                found = ArticleInfo(_text(g, node, SDO.headline), _text(g, node, SDO.datePublished), file)
            self._articles[iri] = found
        return self._articles[iri]

    def dataset(self, iri: str) -> str | None:
        """The label of the kg:Dataset `iri` (or its IRI when unlabelled), or None."""
        if self._datasets is None:
            self._datasets = {
                str(d): _text(self.graph, d, RDFS.label) or str(d)
                for d in sorted(self.graph.subjects(RDF.type, KG.Dataset))
            }
        return self._datasets.get(iri)


def analysis_graph(graph: Graph, *, articles: bool = False) -> nx.MultiDiGraph:
    """The entities and relations of an RDF graph as a networkx MultiDiGraph (see module doc)."""
    types = [s for s in type_styles() if articles or s.key != ARTICLE]
    relations = [r for r in relation_styles() if articles or r.key not in ARTICLE_RELATIONS]

    # reified statements: (s, p, o) -> evidence, rules; entity -> evidence of what touches it
    evidence: dict[tuple, set[URIRef]] = defaultdict(set)
    rules: dict[tuple, set[str]] = defaultdict(set)
    touching: dict[URIRef, set[URIRef]] = defaultdict(set)
    part_of = {
        part: whole for part, whole in graph.subject_objects(SDO.isPartOf) if (part, RDF.type, KG.ArticlePart) in graph
    }
    # one scan per property rather than five look-ups per statement (an archive has millions)
    subjects, predicates, objects = (dict(graph.subject_objects(x)) for x in (RDF.subject, RDF.predicate, RDF.object))
    derived_from: dict[URIRef, set[URIRef]] = defaultdict(set)
    for stmt, source in graph.subject_objects(PROV.wasDerivedFrom):
        derived_from[stmt].add(source)
    rule_of: dict[URIRef, set[str]] = defaultdict(set)
    for stmt, rule in graph.subject_objects(KG.rule):
        rule_of[stmt].add(str(rule))
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = subjects.get(stmt), predicates.get(stmt), objects.get(stmt)
        if s is None or p is None or o is None:
            continue
        s = part_of.get(s, s)
        derived = derived_from.get(stmt, set())
        evidence[(s, p, o)] |= derived
        rules[(s, p, o)] |= rule_of.get(stmt, set())
        touching[s] |= derived
        touching[o] |= derived
    del subjects, predicates, objects, derived_from, rule_of

    import networkx as nx

    g = nx.MultiDiGraph()
    for style in types:
        for cls in style.classes:
            for node in sorted(graph.subjects(RDF.type, cls)):
                key = str(node)
                if key in g:
                    continue
                if style.key == ARTICLE:
                    label = _text(graph, node, SDO.headline) or _text(graph, node, KG.sourceFile) or key
                    aliases: tuple[str, ...] = ()
                    dates = tuple(sorted({str(d) for d in graph.objects(node, SDO.datePublished)}))
                else:
                    label = _text(graph, node, RDFS.label) or key.rsplit("/", 1)[-1]
                    aliases = tuple(sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} - {label}))
                    dates = tuple(sorted({str(d) for d in graph.objects(node, SDO.startDate)}))
                g.add_node(
                    key,
                    label=label,
                    aliases=aliases,
                    type=style.key,
                    dates=dates,
                    posts=(),
                    career=(),
                    changes=(),
                    sources=tuple(sorted(str(e) for e in touching.get(node, ()))),
                )

    def add(
        u: URIRef,
        v: URIRef,
        relation: str,
        ev: set[URIRef],
        why: set[str],
        title: str = "",
        observed: tuple[str, ...] = (),
    ) -> None:
        key = f"{relation}/{title}" if title else relation
        if g.has_edge(str(u), str(v), key):  # parts of one article mentioning the same entity
            data = g.edges[str(u), str(v), key]
            ev = ev | set(map(URIRef, data["evidence"]))
            why = why | set(data["rules"])
        g.add_edge(
            str(u),
            str(v),
            key=key,
            relation=relation,
            title=title,
            observed=observed,
            evidence=tuple(sorted(map(str, ev))),
            rules=tuple(sorted(why)),
        )

    for rel in relations:
        if rel.key == HOLDS:
            continue
        for s, o in sorted(graph.subject_objects(rel.predicate)):
            s = part_of.get(s, s)
            if str(s) not in g or str(o) not in g or s == o:
                continue
            u, v = (o, s) if rel.reverse else (s, o)
            add(u, v, rel.key, evidence.get((s, rel.predicate, o), set()), rules.get((s, rel.predicate, o), set()))

    if any(r.key == HOLDS for r in relations):
        posts: dict[str, list[Post]] = defaultdict(list)
        for person, post in sorted(graph.subject_objects(ORG.holds)):
            if str(person) not in g:
                continue
            title = _text(graph, post, KG.title) or _text(graph, post, RDFS.label)
            observed = tuple(sorted({str(d) for d in graph.objects(post, KG.observedOn)}))
            for org in sorted(graph.objects(post, ORG.postIn)):
                if str(org) not in g:
                    continue
                ev = evidence.get((person, ORG.holds, post), set()) | evidence.get((post, ORG.postIn, org), set())
                why = rules.get((person, ORG.holds, post), set()) | rules.get((post, ORG.postIn, org), set())
                add(person, org, HOLDS, ev, why, title=title, observed=observed)
                posts[str(person)].append(Post(title, str(org), g.nodes[str(org)]["label"], observed))
        for person, held in posts.items():
            g.nodes[person]["posts"] = tuple(sorted(set(held), key=lambda p: (p.org_name, p.title, p.org)))

    # careers (a person's posts in date order) and the changes a meeting or body decided
    for person, steps in viz_careers.careers(graph, evidence).items():
        if person in g:
            g.nodes[person]["career"] = steps
    for who, changes in viz_careers.decided(graph, evidence).items():
        if who in g:
            g.nodes[who]["changes"] = changes

    g.graph["evidence"] = Evidence(graph, part_of)
    log.debug("analysis graph: %d nodes, %d edges", g.number_of_nodes(), g.number_of_edges())
    return g
