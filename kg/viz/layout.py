"""Layout of a view: deterministic start positions and the physics that settles them in the page.

Public entry: `layout(view_graph) -> Layout`.

The force layout runs in the page (vis-network, a fixed number of iterations from seeded start
positions, then physics off); node labels are placed by the page once it has settled (viz.js:
each label gets the zoom from which it is drawn without overlapping a better connected one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

BIG_GRAPH = 1000
"""From this many nodes on, the page uses the fast layout settings (see `_options`)."""
MID_GRAPH = 300
"""From this many nodes on (a full default page), a coarser Barnes-Hut approximation (see `_options`)."""
LAYOUT_BUDGET = 300_000
"""Node-iterations of force layout a page may spend before it stops (see `_iterations`)."""


@dataclass(frozen=True)
class Layout:
    """Where a view's entities start and how the page moves them."""

    positions: dict[str, tuple[float, float]]
    """Start position of every drawn entity (canvas units)."""
    options: dict
    """vis-network options (physics, node and edge style)."""


def layout(view: nx.MultiDiGraph) -> Layout:
    """Start positions and options for the drawn part of a view."""
    positions = _initial_positions(view)
    for node in sorted(view):  # a lone focus (depth 0) sits in the middle
        positions.setdefault(node, (0.0, 0.0))
    return Layout(positions, _options(view.number_of_nodes(), view.number_of_edges()))


def _initial_positions(view: nx.MultiDiGraph, spacing: float = 40.0) -> dict[str, tuple[float, float]]:
    """Deterministic start positions for the physics: connected entities on a sunflower spiral.

    Components largest first, each walked breadth-first from its best connected node, fill a
    Vogel spiral outwards, so hubs start in the middle and neighbours start near each other: the
    force layout then needs far fewer iterations than from vis-network's own start (all nodes on
    one big circle).
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
    """Stabilisation iterations: 200 for small graphs, then a constant budget of node-iterations.

    A fixed count (not a time limit) keeps the layout the same on every machine; the budget keeps
    a 5,000-node page settling in a few seconds on two cores (scripts/bench_viz.py).
    """
    return max(60, min(200, LAYOUT_BUDGET // max(nodes, 1)))


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
            # the page scales sizes by log(degree) and draws the labels itself (viz.js: placeLabels)
            "scaling": {"min": 8, "max": 30},
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
                # coarser Barnes-Hut for more nodes: 0.9 costs ~60 %, 1.2 a third of 0.5's iteration
                "theta": 1.2 if big else 0.9 if nodes >= MID_GRAPH else 0.5,
            },
            "minVelocity": 1.0,
            "maxVelocity": 80,
            "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": _iterations(nodes), "updateInterval": 20, "fit": True},
        },
    }
