"""SHACL validation of built graphs."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from kg.errors import ValidationError
from kg.iri import mint
from kg.ns import KG, ORG, RDF, RDFS, SDO
from kg.validate import check


def test_a_broken_graph_is_reported_readably():
    g = Graph()
    meeting, body, post = mint("meeting/x"), mint("org/y"), mint("post/z")
    g.add((meeting, RDF.type, KG.Meeting))  # no label
    g.add((meeting, SDO.startDate, Literal("8月5日")))  # not an xsd:date
    g.add((body, RDF.type, KG.Organization))
    g.add((body, RDFS.label, Literal("某机构", lang="zh")))
    g.add((body, ORG.holds, post))  # a body holding a post
    with pytest.raises(ValidationError) as err:
        check(g)
    message = str(err.value)
    assert "does not conform" in message
    assert "an entity has exactly one canonical name" in message
    assert "a meeting has at most one start date, an xsd:date" in message
    assert "only people hold posts" in message
    assert str(meeting) in message


@pytest.mark.slow
def test_the_seeds_graph_conforms(seed_build):
    out, _ = seed_build
    check(Graph().parse(out / "graph.ttl"))
