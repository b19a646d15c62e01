"""Views: which part of the analysis graph a page draws, which entities it lists, what it leaves out.

Public entry: `select(graph, spec) -> View`.

A page stays the same size however big the archive: it draws at most `spec.max_nodes` entities
(`PAGE_NODES` by default), the most connected part of the selection, grown best-first from the
best connected entity (or the focus) so that every drawn entity has a drawn relation; entities
without any relation in the view are not drawn but listed in the panel (at most `LIST_MAX`, the
most mentioned first); `View.left_out` says what is not shown, for the page to say so and offer
the `kg viz` commands that show it.
"""

from __future__ import annotations

import difflib
import heapq
import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import VizError
from kg.viz.styles import type_keys

if TYPE_CHECKING:
    import networkx as nx

log = logging.getLogger(__name__)

PAGE_NODES = 400
"""Most entities a page draws unless asked for more (`kg viz --max-nodes`): a screenful to read."""
LIST_MAX = 500
"""Most entities without relations a page lists in its panel (the most mentioned first)."""
HUBS_LEFT_OUT = 5
"""How many of the best connected entities left out the page names, each with its `kg viz --focus`."""


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
    max_nodes: int | None = PAGE_NODES
    """Draw at most this many entities, the most connected part first (None = no cap)."""
    articles: bool = False
    """Draw articles as nodes, with 提及 (mentions) and 作者 (author) edges."""


@dataclass(frozen=True)
class Hub:
    """A well connected entity the view leaves out."""

    node: str
    """Its IRI."""
    name: str
    """What `kg viz --focus` takes for it: its name, or its IRI when several entities share the name."""
    label: str
    """Its canonical name."""
    type: str
    """Its type key."""
    degree: int
    """Its number of relations in the whole graph."""


@dataclass(frozen=True)
class LeftOut:
    """What a view does not show of the graph it was selected from."""

    entities: int
    """Entities of the graph neither drawn nor listed."""
    by_type: tuple[tuple[str, int], ...]
    """Those entities counted by type key (largest first, then by key)."""
    edges: int
    """Relations of the graph not drawn."""
    capped: int
    """Entities with relations in the selection that the node cap left out."""
    linked: int
    """Entities with relations in the selection: `--max-nodes` this many draws them all."""
    unlisted: int
    """Entities without relations in the selection beyond LIST_MAX."""
    hubs: tuple[Hub, ...]
    """The best connected entities not drawn (at most HUBS_LEFT_OUT)."""


@dataclass(frozen=True)
class View:
    """A page's share of the analysis graph."""

    graph: nx.MultiDiGraph
    """The drawn part: entities with a relation in the view and those relations (a copy)."""
    listed: tuple[str, ...]
    """Entities of the view without any relation in it, listed in the panel (most mentioned first)."""
    source: nx.MultiDiGraph
    """The analysis graph the view was selected from (details of listed entities, evidence)."""
    spec: ViewSpec
    """What was asked for."""
    focus: str | None
    """IRI of the focused entity, if any."""
    left_out: LeftOut
    """What is not shown."""


def _names(g: nx.MultiDiGraph, node: str) -> tuple[str, ...]:
    data = g.nodes[node]
    return (data["label"], *data["aliases"])


def _find_node(g: nx.MultiDiGraph, name: str) -> str:
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


def _most_connected(sub: nx.MultiDiGraph, linked: set[str], limit: int, focus: str | None) -> set[str]:
    """`limit` entities of `linked` grown best-first (most relations first) from the focus or the
    best connected entity, then from the best connected one left when a component is used up."""
    import networkx as nx

    degree = {n: sub.degree(n) for n in linked}
    seeds = iter(([focus] if focus else []) + sorted(linked, key=lambda n: (-degree[n], n)))
    chosen: set[str] = set()
    frontier: list[tuple[int, str]] = []
    while len(chosen) < limit:
        if not frontier:
            if chosen and limit - len(chosen) < 2:  # a new component needs room for an edge
                break
            seed = next((s for s in seeds if s not in chosen), None)
            if seed is None:
                break
            frontier.append((-degree[seed], seed))
        _, node = heapq.heappop(frontier)
        if node in chosen:
            continue
        chosen.add(node)
        for other in set(nx.all_neighbors(sub, node)):
            if other not in chosen and other in linked:
                heapq.heappush(frontier, (-degree[other], other))
    return chosen


def select(g: nx.MultiDiGraph, spec: ViewSpec) -> View:
    """The view of `g` that `spec` asks for."""
    keep = set(g)
    focus = None
    if spec.focus is not None:
        if spec.depth < 0:
            raise VizError(f"depth {spec.depth} is negative; allowed: 0 or more")
        focus = _find_node(g, spec.focus)
        import networkx as nx

        # the ego network's nodes, on an undirected view (nx.ego_graph deep-copies the graph's
        # attributes, among them the RDF graph the evidence is read from)
        keep = set(nx.single_source_shortest_path_length(g.to_undirected(as_view=True), focus, cutoff=spec.depth))
    if spec.types:
        wanted = set(type_keys(spec.types))
        keep = {n for n in keep if g.nodes[n]["type"] in wanted or n == focus}
    if spec.min_degree > 0:
        sub = g.subgraph(keep)
        keep = {n for n in keep if sub.degree(n) >= spec.min_degree or n == focus}
    sub = g.subgraph(keep)
    linked = {n for n in keep if sub.degree(n) > 0 or n == focus}
    drawn = linked
    if spec.max_nodes is not None and len(linked) > spec.max_nodes:
        drawn = _most_connected(sub, linked, spec.max_nodes, focus)
        log.info(
            "view has %d related entities; drawing the %d most connected (raise --max-nodes to see more)",
            len(linked),
            len(drawn),
        )
    unlinked = sorted(keep - linked, key=lambda n: (-len(g.nodes[n]["sources"]), g.nodes[n]["label"], n))
    listed = tuple(unlinked[:LIST_MAX])
    view = g.subgraph(drawn).copy()
    return View(view, listed, g, spec, focus, _left_out(g, view, listed, len(linked), len(unlinked)))


def _left_out(
    g: nx.MultiDiGraph, view: nx.MultiDiGraph, listed: tuple[str, ...], linked: int, unlinked: int
) -> LeftOut:
    shown = set(view) | set(listed)
    missing = Counter(d["type"] for n, d in g.nodes(data=True) if n not in shown)
    hubs = heapq.nsmallest(
        HUBS_LEFT_OUT, (n for n in g if n not in view and g.degree(n) > 0), key=lambda n: (-g.degree(n), n)
    )
    named = Counter(d["label"] for _, d in g.nodes(data=True)) if hubs else Counter()
    return LeftOut(
        entities=sum(missing.values()),
        by_type=tuple(sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))),
        edges=g.number_of_edges() - view.number_of_edges(),
        capped=linked - view.number_of_nodes(),
        linked=linked,
        unlisted=unlinked - len(listed),
        hubs=tuple(
            Hub(
                n,
                g.nodes[n]["label"] if named[g.nodes[n]["label"]] == 1 else n,
                g.nodes[n]["label"],
                g.nodes[n]["type"],
                g.degree(n),
            )
            for n in hubs
        ),
    )
