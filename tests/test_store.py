"""The SPARQL store bulk-loads the streamed graph.nt (pyoxigraph bulk_load, no rdflib on the way)."""

from __future__ import annotations

import pyoxigraph as ox
from records_helper import M, O, P, T, analysis

from kg.export import to_graph, write_stream
from kg.link import link
from kg.resolve import resolve
from kg.store import open_store

TEXT = "本报讯 记者明绍庚报道 8月5日，省委副书记、省长刘宁主持召开省政府党组会议。"
MENTIONS = [
    ("本报", O),
    ("记者", T),
    ("明绍庚", P),
    ("省委", O),
    ("副书记", T),
    ("省长", T),
    ("刘宁", P),
    ("省政府", O, True),
]


def test_the_store_holds_every_streamed_triple_and_answers_with_provenance(tmp_path):
    an = analysis(TEXT, [*MENTIONS, ("省政府党组会议", M)])
    res = resolve([an])
    rels = link([an], res)
    exported = write_stream([an], res, rels, None, tmp_path, formats=("nt",))
    with open_store(exported.ntriples) as gs:
        assert gs.info.loaded and gs.info.triples == exported.triples == len(to_graph([an], res, rels))
        rows = list(
            gs.store.query(
                """PREFIX kg: <http://kg.example.org/ontology#> PREFIX schema: <https://schema.org/>
                PREFIX prov: <http://www.w3.org/ns/prov#>
                PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
                PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                SELECT ?name ?text WHERE {
                  ?st rdf:predicate kg:chair ; rdf:object ?p ; prov:wasDerivedFrom ?s .
                  ?p rdfs:label ?name . ?s schema:text ?text }""",
            )
        )
    assert [(r["name"], r["text"]) for r in rows] == [
        (ox.Literal("刘宁", language="zh"), ox.Literal(TEXT, language="zh"))
    ]
