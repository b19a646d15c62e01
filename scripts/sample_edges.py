#!/usr/bin/env python3
"""Draw a random sample of the typed edges of a built graph, with the sentence that states
each one, for judging precision by hand.

    .venv/bin/python scripts/sample_edges.py output/graph.ttl [--n 50] [--seed 2026]

`schema:mentions` edges are left out (they measure entity recognition, not relations);
every other edge kind is sampled uniformly.
"""

from __future__ import annotations

import argparse
import random

from rdflib import Graph

from kg.ns import PREFIXES

QUERY = """
SELECT ?st ?s ?p ?o ?sl ?ol (SAMPLE(?text) AS ?sentence) (SAMPLE(?rule) AS ?why) WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(?p NOT IN (schema:mentions))
  OPTIONAL { ?s rdfs:label ?sl0 } OPTIONAL { ?s schema:headline ?sh }
  BIND(COALESCE(?sl0, ?sh, STR(?s)) AS ?sl)
  OPTIONAL { ?o rdfs:label ?ol0 }
  BIND(COALESCE(?ol0, STR(?o)) AS ?ol)
  OPTIONAL { ?st prov:wasDerivedFrom ?sent . ?sent schema:text ?text }
  OPTIONAL { ?st kg:rule ?rule }
} GROUP BY ?st ?s ?p ?o ?sl ?ol
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    g = Graph().parse(args.graph)
    rows = sorted(g.query(QUERY, initNs=PREFIXES), key=lambda r: str(r.st))
    sample = random.Random(args.seed).sample(rows, min(args.n, len(rows)))
    print(f"{len(rows)} typed edges (mentions excluded); sample of {len(sample)} with seed {args.seed}\n")
    for i, r in enumerate(sample, 1):
        pred = str(r.p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        print(f"{i:2d}. {r.sl} --{pred}--> {r.ol}   [{r.why}]")
        if r.sentence:
            print(f"    «{str(r.sentence)[:150]}»")


if __name__ == "__main__":
    main()
