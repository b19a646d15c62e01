"""Interactive HTML view of the graph: RDF -> networkx analysis graph -> view -> pyvis page.

    rdflib Graph --analysis_graph--> nx.MultiDiGraph (entities, typed edges, evidence)
                 --select(ViewSpec)--> view (ego network, entity types, minimum degree, size cap)
                 --render--> one self-contained HTML page (vis-network inline; no request leaves it)

The analysis graph:
  * nodes are the entities (kg:Person, Organization, Place, Meeting, Policy; articles only with
    `articles=True`), keyed by IRI, with `label`, `aliases`, `type`, `dates` (a meeting's
    schema:startDate), `posts` (a person's org:Post) and `sources` (the evidence of every
    statement whose subject or object the entity is, mentions included);
  * edges are the typed relations between entities, keyed by relation (by relation and title for
    posts), drawn actor -> thing as their Chinese label reads (the `direction` column of
    kg/data/viz/relations.tsv: 刘宁 -主持-> 会议 where the RDF says meeting kg:chair person), with
    the `evidence` and `rules` of the edge's rdf:Statement; person org:holds post org:postIn org
    is one edge person -(title)-> organisation;
  * graph attributes `sentences`, `articles` and `datasets` describe the evidence IRIs.

The page (template, script and style in kg/data/viz/) is data-driven: the vis-network nodes and
edges come from pyvis, everything else (details, sentences) from one JSON object; the script
builds every piece of text with textContent, never markup, and the JSON is escaped for <script>.
A Content-Security-Policy with hashes of the two inline scripts forbids any network request and
any other script (an injected `onerror=` attribute would not run even if it reached the DOM).
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import click
from markupsafe import Markup
from rdflib import Graph, URIRef
from rdflib.util import guess_format

from kg import viz_careers
from kg.errors import DataFileError, VizError
from kg.fileio import write_atomic
from kg.ns import KG, ORG, PROV, RDF, RDFS, SDO, SKOS
from kg.records import EntityType, RelationKind
from kg.resources import data_path, read_tsv

if TYPE_CHECKING:  # networkx is imported where it is used: `kg --help` stays fast
    import networkx as nx

log = logging.getLogger(__name__)

ARTICLE = "Article"
"""Type key of article nodes (kg:Article and kg:Teaser), drawn only on request."""
HOLDS = RelationKind.HOLDS_POST.value
ARTICLE_RELATIONS = frozenset({RelationKind.MENTIONS.value, RelationKind.AUTHOR.value})
SHAPES = frozenset({"dot", "square", "triangle", "diamond", "hexagon", "star", "triangleDown"})
"""vis-network shapes that draw the label below the node (allowed in types.tsv)."""
DEFAULT_MAX_NODES = 5000
"""Size cap of graph.html: more nodes than this make a page no one can read or scroll."""
EDGE_LABEL_LIMIT = 1500
"""Above this many edges, edge labels are not drawn (they dominate drawing time and overlap)."""
BIG_GRAPH = 1000
"""From this many nodes on, the page uses the fast layout settings (see `_options`)."""
LAYOUT_BUDGET = 300_000
"""Node-iterations of force layout a page may spend before it stops (see `_iterations`)."""
LABEL_CHARS = 16
"""Node labels longer than this are shortened on the canvas (the panel shows the full name)."""
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


# -- styles (kg/data/viz/*.tsv) --------------------------------------------------------------


@dataclass(frozen=True)
class TypeStyle:
    """How nodes of one entity type look and are named."""

    key: str
    """RDF class local name (Person, Organization, Place, Meeting, Policy, Article)."""
    label: str
    """Chinese name in the legend, filter and panel (人物)."""
    color: str
    """Node colour, #rrggbb."""
    shape: str
    """vis-network node shape."""
    classes: tuple[URIRef, ...]
    """RDF classes drawn as this type (kg:Article and kg:Teaser for Article)."""


@dataclass(frozen=True)
class RelationStyle:
    """How edges of one relation look and are named."""

    key: str
    """RelationKind value (chair, holds ...)."""
    label: str
    """Chinese relation name (主持), the edge label (a post's edge shows its title instead)."""
    color: str
    """Edge colour, #rrggbb."""
    reverse: bool
    """Drawn object -> subject, so the edge reads actor -verb-> thing."""
    predicate: URIRef
    """RDF predicate of the relation."""


def _check_colour(value: str, where: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise DataFileError(f"{where}: colour {value!r} is not #rrggbb")
    return value


@cache
def type_styles() -> tuple[TypeStyle, ...]:
    """Node styles from kg/data/viz/types.tsv, in legend order."""
    relative = "viz/types.tsv"
    where = str(data_path(relative))
    allowed = [t.value for t in EntityType] + [ARTICLE]
    out = []
    for row in read_tsv(relative, ("type", "label", "color", "shape")):
        key = row["type"]
        if key not in allowed:
            raise DataFileError(f"{where}: unknown type {key!r}; allowed: {', '.join(allowed)}")
        if row["shape"] not in SHAPES:
            raise DataFileError(f"{where}: shape {row['shape']!r} of {key}; allowed: {', '.join(sorted(SHAPES))}")
        classes = (KG.Article, KG.Teaser) if key == ARTICLE else (KG[key],)
        out.append(TypeStyle(key, row["label"], _check_colour(row["color"], where), row["shape"], classes))
    missing = [k for k in allowed if k not in {s.key for s in out}]
    if missing:
        raise DataFileError(f"{where}: no style for type(s) {', '.join(missing)}")
    return tuple(out)


@cache
def relation_styles() -> tuple[RelationStyle, ...]:
    """Edge styles from kg/data/viz/relations.tsv, in legend order."""
    from kg.export import PREDICATES

    relative = "viz/relations.tsv"
    where = str(data_path(relative))
    allowed = [k.value for k in RelationKind if k is not RelationKind.START_DATE]
    out = []
    for row in read_tsv(relative, ("relation", "label", "color", "direction")):
        key = row["relation"]
        if key not in allowed:
            raise DataFileError(f"{where}: unknown relation {key!r}; allowed: {', '.join(allowed)}")
        if row["direction"] not in ("forward", "reverse"):
            raise DataFileError(f"{where}: direction {row['direction']!r} of {key}; allowed: forward, reverse")
        out.append(
            RelationStyle(
                key,
                row["label"],
                _check_colour(row["color"], where),
                row["direction"] == "reverse",
                PREDICATES[RelationKind(key)],
            )
        )
    missing = [k for k in allowed if k not in {s.key for s in out}]
    if missing:
        raise DataFileError(f"{where}: no style for relation(s) {', '.join(missing)}")
    return tuple(out)


def type_keys(names: Iterable[str]) -> tuple[str, ...]:
    """Type keys for user-given names: a key in any case (person) or its Chinese label (人物)."""
    by_name = {}
    for style in type_styles():
        by_name[style.key.lower()] = style.key
        by_name[style.label] = style.key
    keys = []
    for name in names:
        key = by_name.get(name.strip().lower())
        if key is None:
            allowed = ", ".join(f"{s.key} ({s.label})" for s in type_styles())
            raise VizError(f"unknown entity type {name!r}; allowed: {allowed}")
        keys.append(key)
    return tuple(dict.fromkeys(keys))


# -- the analysis graph -----------------------------------------------------------------------


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
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(stmt, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            continue
        s = part_of.get(s, s)
        derived = set(graph.objects(stmt, PROV.wasDerivedFrom))
        evidence[(s, p, o)] |= derived
        rules[(s, p, o)] |= {str(r) for r in graph.objects(stmt, KG.rule)}
        touching[s] |= derived
        touching[o] |= derived

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

    g.graph["sentences"] = _sentences(graph, part_of)
    g.graph["articles"] = _articles(graph, part_of)
    g.graph["datasets"] = {
        str(d): _text(graph, d, RDFS.label) or str(d) for d in sorted(graph.subjects(RDF.type, KG.Dataset))
    }
    g.graph["focus"] = None
    log.debug("analysis graph: %d nodes, %d edges", g.number_of_nodes(), g.number_of_edges())
    return g


def _sentences(graph: Graph, part_of: dict) -> dict[str, SentenceInfo]:
    out = {}
    for node in sorted(graph.subjects(RDF.type, KG.Sentence)):
        container = graph.value(node, SDO.isPartOf)
        article = part_of.get(container, container)
        out[str(node)] = SentenceInfo(
            text=_text(graph, node, SDO.text),
            file=_text(graph, node, KG.sourceFile) or (_text(graph, container, KG.sourceFile) if container else ""),
            start=_int(graph, node, KG.charStart),
            end=_int(graph, node, KG.charEnd),
            article=str(article) if article is not None else "",
        )
    return out


def _articles(graph: Graph, part_of: dict) -> dict[str, ArticleInfo]:
    parts: dict[URIRef, list[URIRef]] = defaultdict(list)
    for part, whole in part_of.items():
        parts[whole].append(part)
    out = {}
    for cls in (KG.Article, KG.Teaser):
        for node in sorted(graph.subjects(RDF.type, cls)):
            file = _text(graph, node, KG.sourceFile) or min(
                (_text(graph, p, KG.sourceFile) for p in parts.get(node, ())), default=""
            )
            out[str(node)] = ArticleInfo(_text(graph, node, SDO.headline), _text(graph, node, SDO.datePublished), file)
    return out


# -- views -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewSpec:
    """Which part of the graph a page shows. Steps apply in this order."""

    focus: str | None = None
    """Name (label or alias) or IRI of the entity to centre on; None = the whole graph."""
    depth: int = 1
    """Radius of the ego network around `focus`, following edges in both directions."""
    types: tuple[str, ...] = ()
    """Entity type keys to keep (empty = all); the focus is always kept."""
    min_degree: int = 0
    """Drop nodes with fewer edges than this within the view (one pass; the focus is kept)."""
    max_nodes: int | None = DEFAULT_MAX_NODES
    """Keep at most this many nodes, the best connected first (None = no cap)."""
    articles: bool = False
    """Draw articles as nodes, with 提及 (mentions) and 作者 (author) edges."""


def _names(g: nx.MultiDiGraph, node: str) -> tuple[str, ...]:
    data = g.nodes[node]
    return (data["label"], *data["aliases"])


def find_node(g: nx.MultiDiGraph, name: str) -> str:
    """The node called `name` (canonical name first, then aliases; or its IRI).

    Several entities of one name: the best connected wins and the others are logged.
    """
    name = name.strip()
    if name in g:
        return name
    for field in ("label", "aliases"):
        hits = [n for n, d in g.nodes(data=True) if (d[field] == name if field == "label" else name in d[field])]
        if hits:
            hits.sort(key=lambda n: (-g.degree(n), n))
            if len(hits) > 1:
                log.warning(
                    "%d entities are named %s; using %s (others: %s)", len(hits), name, hits[0], ", ".join(hits[1:])
                )
            return hits[0]
    names = sorted({nm for n in g for nm in _names(g, n)})
    partial = sorted(
        (nm for nm in names if name and (name in nm or nm in name)), key=lambda nm: (abs(len(nm) - len(name)), nm)
    )
    close = list(dict.fromkeys(partial[:5] + difflib.get_close_matches(name, names, n=8, cutoff=0.5)))[:8]
    hint = f"close matches: {', '.join(close)}" if close else f"no close match among {len(names)} names"
    raise VizError(f"no entity named {name!r} in the graph; {hint}")


def select(g: nx.MultiDiGraph, spec: ViewSpec) -> nx.MultiDiGraph:
    """The view of `g` that `spec` asks for (a copy; graph attributes shared)."""
    keep = set(g)
    focus = None
    if spec.focus is not None:
        if spec.depth < 0:
            raise VizError(f"depth {spec.depth} is negative; allowed: 0 or more")
        focus = find_node(g, spec.focus)
        import networkx as nx

        keep = set(nx.ego_graph(g, focus, radius=spec.depth, undirected=True))
    if spec.types:
        wanted = set(type_keys(spec.types))
        keep = {n for n in keep if g.nodes[n]["type"] in wanted or n == focus}
    if spec.min_degree > 0:
        sub = g.subgraph(keep)
        keep = {n for n in keep if sub.degree(n) >= spec.min_degree or n == focus}
    if spec.max_nodes is not None and len(keep) > spec.max_nodes:
        sub = g.subgraph(keep)
        ranked = sorted(keep, key=lambda n: (n != focus, -sub.degree(n), n))
        log.warning(
            "view has %d nodes; keeping the %d best connected (raise --max-nodes to see more)",
            len(keep),
            spec.max_nodes,
        )
        keep = set(ranked[: spec.max_nodes])
    view = g.subgraph(keep).copy()
    view.graph["focus"] = focus
    return view


# -- the page ----------------------------------------------------------------------------------


def script_json(value: object) -> str:
    """JSON safe inside an HTML <script> element: `<`, `>`, `&`, U+2028/2029 are escaped."""
    if isinstance(value, str):  # already JSON
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(ch, escaped)
    return text


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def initial_positions(view: nx.MultiDiGraph, spacing: float = 40.0) -> dict[str, tuple[float, float]]:
    """Deterministic start positions for the physics: connected entities on a sunflower spiral.

    Components largest first, each walked breadth-first from its best connected node, fill a
    Vogel spiral outwards, so hubs start in the middle and neighbours start near each other: the
    force layout then needs far fewer iterations than from vis-network's own start (all nodes on
    one big circle). Isolated nodes get no position (the page puts them in a grid).
    """
    import networkx as nx

    undirected = view.to_undirected(as_view=True)
    degree = dict(undirected.degree())
    rank = {n: (-degree[n], n) for n in undirected}
    components = [c for c in nx.connected_components(undirected) if len(c) > 1]
    components.sort(key=lambda c: (-len(c), min(c)))
    order: list[str] = []
    for component in components:
        start = min(component, key=rank.__getitem__)
        seen = {start}
        queue = [start]
        for node in queue:  # breadth first; the queue grows while it is walked
            order.append(node)
            for other in sorted(set(undirected[node]) - seen, key=rank.__getitem__):
                seen.add(other)
                queue.append(other)
    golden = math.pi * (3 - math.sqrt(5))
    positions = {}
    for i, node in enumerate(order):
        radius = spacing * math.sqrt(i)
        positions[node] = (round(radius * math.cos(i * golden), 1), round(radius * math.sin(i * golden), 1))
    return positions


def _iterations(nodes: int) -> int:
    """Stabilisation iterations: 300 for small graphs, then a constant budget of node-iterations.

    A fixed count (not a time limit) keeps the layout the same on every machine; the budget keeps
    a 5,000-node page settling in a few seconds on two cores (scripts/bench_viz.py).
    """
    return max(60, min(300, LAYOUT_BUDGET // max(nodes, 1)))


def _options(nodes: int, edges: int) -> dict:
    """vis-network options: a seeded layout that settles within a bounded number of iterations."""
    big = nodes >= BIG_GRAPH or edges >= 2 * BIG_GRAPH
    font = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
    return {
        "autoResize": True,
        "layout": {"randomSeed": 20210806, "improvedLayout": False},
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": font, "strokeWidth": 3, "strokeColor": "#ffffff"},
            # the page scales by log(degree); labels smaller than drawThreshold pixels are not drawn
            "scaling": {"min": 8, "max": 30, "label": {"enabled": True, "min": 12, "max": 30, "drawThreshold": 8}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"inherit": False, "opacity": 0.8},
            "font": {"size": 10, "face": font, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
            "width": 1,
        },
        "interaction": {
            "hover": not big,
            "tooltipDelay": 300,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -40 if big else -60,
                "centralGravity": 0.012 if big else 0.02,
                "springLength": 60 if big else 90,
                "springConstant": 0.08,
                "damping": 0.6,
                "avoidOverlap": 0 if big else 0.3,
                "theta": 1.2 if big else 0.5,  # coarser Barnes-Hut: a third of the cost of an iteration
            },
            "minVelocity": 1.0,
            "maxVelocity": 80,
            "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": _iterations(nodes), "updateInterval": 20, "fit": True},
        },
    }


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside pyvis (no CDN)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise VizError(f"vis-network is missing from pyvis at {lib}: {exc}; reinstall pyvis==0.3.2") from exc
    js = re.sub(r"^//# sourceMappingURL=\S*\s*$", "", js, flags=re.M)  # no map fetched by dev tools either
    return js, css


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _payload(view: nx.MultiDiGraph, edge_ids: dict[tuple, str]) -> dict:
    """Everything the page shows besides the drawing: legend, details, evidence."""
    sentences: dict[str, SentenceInfo] = view.graph.get("sentences", {})
    articles: dict[str, ArticleInfo] = view.graph.get("articles", {})
    datasets: dict[str, str] = view.graph.get("datasets", {})
    sentence_ids: dict[str, str] = {}
    article_ids: dict[str, str] = {}

    def order(iri: str) -> tuple:
        s = sentences[iri]
        a = articles.get(s.article)
        return (a.date if a else "", s.file, s.start if s.start is not None else -1, iri)

    def evidence(iris: Iterable[str]) -> dict:
        found = sorted((i for i in iris if i in sentences), key=order)
        for iri in found:
            sentence_ids.setdefault(iri, "")
        return {"sentences": found, "datasets": sorted({datasets[i] for i in iris if i in datasets})}

    def with_ids(item: dict) -> dict:  # sentence IRIs of a career step or change -> the table
        item["sentences"] = evidence(item["sentences"])["sentences"]
        for c in item.get("changes", ()):
            with_ids(c)
        return item

    details = {}
    for node in sorted(view):
        d = view.nodes[node]
        details[node] = {
            "career": [with_ids(viz_careers.step_json(s)) for s in d.get("career", ())],
            "changes": [with_ids(viz_careers.change_json(c)) for c in d.get("changes", ())],
            "name": d["label"],
            "aliases": list(d["aliases"]),
            "type": d["type"],
            "dates": list(d["dates"]),
            "posts": [
                {"title": p.title, "org": p.org, "orgName": p.org_name, "observed": list(p.observed)}
                for p in d["posts"]
            ],
            **evidence(d["sources"]),
        }
    edges = {}
    for (u, v, key), eid in edge_ids.items():
        d = view.edges[u, v, key]
        edges[eid] = {
            "relation": d["relation"],
            "title": d["title"],
            "observed": list(d["observed"]),
            "rules": list(d["rules"]),
            **evidence(d["evidence"]),
        }

    # short ids, numbered in sorted IRI order (deterministic, and much smaller than the IRIs)
    for n, iri in enumerate(sorted(sentence_ids)):
        sentence_ids[iri] = f"s{n}"
    used_articles = sorted({sentences[i].article for i in sentence_ids if sentences[i].article in articles})
    article_ids = {iri: f"a{n}" for n, iri in enumerate(used_articles)}
    for item in (*details.values(), *edges.values()):
        item["sentences"] = [sentence_ids[i] for i in item["sentences"]]
    for d in details.values():
        for step in (*d["career"], *d["changes"]):
            step["sentences"] = [sentence_ids[i] for i in step["sentences"]]
            for c in step.get("changes", ()):
                c["sentences"] = [sentence_ids[i] for i in c["sentences"]]
    table = {}
    for iri, sid in sentence_ids.items():
        s = sentences[iri]
        table[sid] = {
            "text": s.text,
            "file": s.file,
            "start": s.start,
            "end": s.end,
            "article": article_ids.get(s.article),
        }
    return {
        "types": [{"key": s.key, "label": s.label, "color": s.color, "shape": s.shape} for s in type_styles()],
        "relations": [{"key": r.key, "label": r.label, "color": r.color} for r in relation_styles()],
        "details": details,
        "edges": edges,
        "sentences": table,
        "articles": {
            aid: {"headline": articles[iri].headline, "date": articles[iri].date, "file": articles[iri].file}
            for iri, aid in article_ids.items()
        },
        "focus": view.graph.get("focus"),
    }


def render(view: nx.MultiDiGraph, *, heading: str = "kg 知识图谱") -> str:
    """The HTML page of a view: deterministic for the same view, self-contained, offline."""
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    types = {s.key: s for s in type_styles()}
    relations = {r.key: r for r in relation_styles()}
    net = Network(height="100%", width="100%", directed=True, heading=heading, cdn_resources="in_line")
    degree = dict(view.degree())
    start = initial_positions(view)
    for node in sorted(view):
        d = view.nodes[node]
        style = types[d["type"]]
        # isolated entities (mentioned, but in no relation) stay out of the physics: the page lines
        # them up in a grid under the connected part once that has settled
        extra = {"x": start[node][0], "y": start[node][1]} if node in start else {"physics": False}
        net.add_node(
            node,
            label=_short(d["label"]),
            shape=style.shape,
            color=style.color,
            value=degree[node],
            kgType=d["type"],
            **extra,
        )
    edge_keys = sorted(view.edges(keys=True))
    edge_ids = {k: f"e{n}" for n, k in enumerate(edge_keys)}
    labels = len(edge_keys) <= EDGE_LABEL_LIMIT
    ids = set(view)
    for u, v, key in edge_keys:
        d = view.edges[u, v, key]
        rel = relations[d["relation"]]
        extra = {"label": d["title"] or rel.label} if labels else {}
        # pyvis' add_edge checks both ends against a list (quadratic); both ends are nodes of the view
        net.edges.append({"id": edge_ids[u, v, key], "from": u, "to": v, "color": rel.color, "kgRel": rel.key, **extra})
    net.options = _options(len(ids), len(edge_keys))

    vis_js, vis_css = _vis_assets()
    folder = data_path("viz/graph.html.j2").parent
    viz_js = (folder / "viz.js").read_text(encoding="utf-8")
    viz_css = (folder / "viz.css").read_text(encoding="utf-8")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(viz_js)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
    )
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True, keep_trailing_newline=True)
    env.filters["script_json"] = lambda value: Markup(script_json(value))
    env.globals.update(
        kg_data=_payload(view, edge_ids),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        viz_js=Markup(viz_js),
        viz_css=Markup(viz_css),
        csp=csp,
    )
    net.templateEnv = env
    net.path = "graph.html.j2"
    return net.generate_html()


def write_view(graph: Graph, path: Path, spec: ViewSpec = ViewSpec(), *, heading: str | None = None) -> nx.MultiDiGraph:
    """Write the page of one view of `graph` to `path` atomically; returns the view."""
    view = select(analysis_graph(graph, articles=spec.articles), spec)
    if heading is None:
        heading = "kg 知识图谱"
        if view.graph["focus"]:
            name = view.nodes[view.graph["focus"]]["label"]
            heading += f"：{name}（{spec.depth} 层）"
    write_atomic(path, render(view, heading=heading))
    log.debug("wrote %s: %d nodes, %d edges", path, view.number_of_nodes(), view.number_of_edges())
    return view


def write_html(graph: Graph, path: Path) -> Path:
    """Write graph.html: the whole graph (up to DEFAULT_MAX_NODES entities), atomically."""
    write_view(graph, path)
    return path


def load_graph(path: Path) -> Graph:
    """Read a graph file written by `kg build` (Turtle, N-Triples or JSON-LD, by suffix)."""
    if not path.is_file():
        raise VizError(f"graph file {path} not found; build one first: kg build seeds --out {path.parent}")
    fmt = guess_format(str(path)) or "turtle"
    try:
        return Graph().parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for malformed input
        raise VizError(f"cannot read {path} as {fmt}: {exc}") from exc


# -- command line ------------------------------------------------------------------------------


@click.command("viz")
@click.option(
    "--graph",
    "graph_path",
    default="output/graph.ttl",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Graph file written by kg build (.ttl, .nt, .jsonld).",
)
@click.option(
    "--out",
    "out",
    default="output/view.html",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="HTML page to write (atomically).",
)
@click.option("--focus", metavar="NAME", help="Centre on this entity: canonical name, alias or IRI.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    metavar="N",
    help="Hops around --focus, following edges either way (default 1).",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    help="Keep only entities of this type (repeatable): Person Organization Place Meeting Policy, "
    "or 人物 机构 地点 会议 政策.",
)
@click.option(
    "--min-degree",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="K",
    help="Drop entities with fewer edges than this within the view.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_NODES,
    show_default=True,
    metavar="N",
    help="Keep at most this many entities, the best connected first.",
)
@click.option("--articles", is_flag=True, help="Also draw articles, with 提及 (mentions) and 作者 (author) edges.")
def viz_command(graph_path: Path, out: Path, focus, depth, types, min_degree, max_nodes, articles) -> None:
    """Write an interactive HTML view of the graph (offline, one file).

    Click a node or an edge for its names, posts, date and source sentences;
    search by any name; filter by type and relation.

    \b
    Example:
      kg viz
      kg viz --focus 刘宁 --depth 2 --out output/liuning.html
      kg viz --type Person --type Organization --min-degree 2
      kg viz --graph output/graph.nt --type Meeting --type 地点
    """
    if depth is not None and focus is None:
        raise VizError("--depth needs --focus NAME (the depth is counted from the focused entity)")
    keys = type_keys(types)
    spec = ViewSpec(
        focus=focus,
        depth=1 if depth is None else depth,
        types=keys,
        min_degree=min_degree,
        max_nodes=max_nodes,
        articles=articles or ARTICLE in keys,
    )
    view = write_view(load_graph(graph_path), out, spec)
    click.echo(f"wrote {out}: {view.number_of_nodes()} nodes, {view.number_of_edges()} edges")
