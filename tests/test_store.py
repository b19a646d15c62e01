"""The SPARQL store bulk-loads the streamed graph.nt (pyoxigraph bulk_load, no rdflib on the way)."""

from __future__ import annotations

import pyoxigraph as ox
from records_helper import LIU_NING_MENTIONS as MENTIONS
from records_helper import LIU_NING_TEXT as TEXT
from records_helper import analysis

from kg.export import to_graph, write_stream
from kg.link import link
from kg.resolve import resolve
from kg.store import open_store


def test_the_store_holds_every_streamed_triple_and_answers_with_provenance(tmp_path):
    an = analysis(TEXT, MENTIONS)
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
