"""kg.viz.view on the seeds' real graph (slow: conftest's session build): what the page draws,
lists and leaves out, and that the page stops growing when the graph grows."""

from __future__ import annotations

import json
import re
from collections import Counter

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef

from kg.ns import RDFS, SKOS
from kg.viz import ViewSpec, write_html
from kg.viz import view as view_module
from kg.viz.analysis import analysis_graph
from kg.viz.page import render
from kg.viz.view import select

pytestmark = pytest.mark.slow

COPIED = ("article", "change", "meeting", "person", "policy", "post", "sentence", "statement", "tenure")


@pytest.fixture(scope="module")
def seeds(seed_build) -> Graph:
    out, _ = seed_build
    return Graph().parse(out / "graph.ttl")


def copies(graph: Graph, n: int) -> Graph:
    """`n` copies of `graph` that share places, organisations and datasets (their hubs grow)."""
    prefix = "http://kg.example.org/id/"
    copied = re.compile(rf"{re.escape(prefix)}(?:{'|'.join(COPIED)})/")
    out = Graph()
    for k in range(n):

        def rename(term, k=k):
            return URIRef(f"{term}/c{k}") if k and isinstance(term, URIRef) and copied.match(str(term)) else term

        for s, p, o in graph:
            if k and p in (RDFS.label, SKOS.altLabel) and isinstance(o, Literal) and copied.match(str(s)):
                o = Literal(f"{o}{k}", lang=o.language)
            out.add((rename(s), p, rename(o)))
    return out


def test_seeds_page_draws_the_related_and_lists_the_rest(seeds):
    g = analysis_graph(seeds)
    view = select(g, ViewSpec())
    related = {n for n in g if g.degree(n)}
    assert set(view.graph) == related and view.graph.number_of_edges() == g.number_of_edges()
    assert set(view.listed) == set(g) - related and len(view.listed) > 100  # 146 of 397 in the issue
    assert all(view.graph.degree(n) for n in view.graph)
    counts = [len(g.nodes[n]["sources"]) for n in view.listed]
    assert counts == sorted(counts, reverse=True)  # most mentioned first
    assert view.left_out.entities == 0 and view.left_out.capped == 0


def test_seeds_capped_view_is_the_most_connected_part(seeds):
    g = analysis_graph(seeds)
    view = select(g, ViewSpec(max_nodes=50))
    drawn = view.graph
    assert drawn.number_of_nodes() == 50 and all(drawn.degree(n) for n in drawn)
    hub = max(g, key=lambda n: (g.degree(n), n))
    assert hub in drawn
    # grown best-first: the drawn entities are far better connected than the related ones on average
    related = [g.degree(n) for n in g if g.degree(n)]
    assert sum(g.degree(n) for n in drawn) / 50 > 2 * sum(related) / len(related)
    assert nx.number_weakly_connected_components(drawn) <= 3
    left = view.left_out
    assert left.capped == len(related) - 50 and sum(n for _, n in left.by_type) == left.entities
    assert left.hubs[0].degree == max(g.degree(n) for n in g if n not in drawn)


def test_page_stops_growing_with_the_graph(seeds, monkeypatch):
    """Pages of 2 and 4 copies of the seeds, both past the caps, are the same size within 10 %."""
    monkeypatch.setattr(view_module, "LIST_MAX", 100)
    spec = ViewSpec(max_nodes=150)
    sizes = []
    for n in (2, 4):
        view = select(analysis_graph(copies(seeds, n)), spec)
        assert view.graph.number_of_nodes() == 150 and len(view.listed) == 100
        sizes.append(len(render(view).encode()))
    assert sizes[1] < 1.1 * sizes[0], sizes


def test_seeds_page_is_deterministic(seeds, tmp_path):
    first = write_html(seeds, tmp_path / "a" / "graph.html").read_bytes()
    again = write_html(Graph().parse(data=seeds.serialize(format="nt"), format="nt"), tmp_path / "b" / "graph.html")
    assert first == again.read_bytes()
    data = json.loads(re.search(rb'id="kg-data">(.*?)</script>', first, re.S).group(1))
    types = Counter(data["details"][n]["type"] for n in data["listed"])
    assert sum(types.values()) == len(data["listed"]) and set(types) <= {
        "Person",
        "Organization",
        "Place",
        "Meeting",
        "Policy",
    }
