"""Export of post changes and tenures (kg.careers) into the graph `kg.export` builds.

* a change is `kg:Appointment` or `kg:Departure` (both `kg:PostChange`) with `kg:person`,
  `kg:post` (the same org:Post node as org:holds: one per holder, title and body), `kg:date`
  (the day of the decision, `kg:dateBasis` saying where it comes from), `kg:decidedBy` (the
  meeting or body, where stated) and `kg:changeKind`; its kg:person, kg:post, kg:decidedBy and
  kg:date edges are reified like every other edge (rdf:Statement, prov:wasDerivedFrom the
  sentence);
* a tenure is an `org:Membership` (`org:member` the person, `org:organization` the body,
  `kg:post` the post) with `kg:statedStart`/`kg:statedEnd` (from appointments/departures) kept
  apart from `kg:firstObserved`/`kg:lastObserved` (dates of the articles showing it held), and
  `kg:former true` for a post printed only as former (原X).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal

from kg.iri import digest, mint
from kg.ns import KG, ORG, RDF, XSD

if TYPE_CHECKING:
    from kg.careers import Careers
    from kg.export import _Writer


def change_key(person: str, org: str, title: str, kind: str, date: str) -> str:
    """Canonical key of a change event."""
    return f"change/{digest(person, org, title, kind, date)}"


def write_careers(w: _Writer, careers: Careers, names: dict[str, str]) -> None:
    """Add the change events and tenures of `careers` to the writer's graph."""
    g = w.g
    for e in careers.events:
        node = mint(change_key(e.person, e.org, e.title, e.kind.value, e.date.isoformat() if e.date else ""))
        post = w.post_node(e.person, e.org, e.title, names)
        g.add((node, RDF.type, KG.Appointment if e.kind.takes_post else KG.Departure))
        g.add((node, KG.changeKind, Literal(e.kind.value)))
        triples = [(node, KG.person, mint(e.person)), (node, KG.post, post)]
        if e.date is not None:
            triples.append((node, KG.date, Literal(e.date.isoformat(), datatype=XSD.date)))
            g.add((node, KG.dateBasis, Literal(e.date_basis)))
        if e.decided_by is not None:
            triples.append((node, KG.decidedBy, mint(e.decided_by)))
        for triple in triples:
            g.add(triple)
            w.provenance(triple, e.evidence)
    for t in careers.tenures:
        post = w.post_node(t.person, t.org, t.title, names)
        node = mint(f"tenure/{names[t.org]}/{t.title}/{t.person.removeprefix('person/')}")
        g.add((node, RDF.type, ORG.Membership))
        member = (node, ORG.member, mint(t.person))
        g.add(member)
        g.add((node, ORG.organization, mint(t.org)))
        g.add((node, KG.post, post))
        for pred, value in (
            (KG.statedStart, t.start),
            (KG.statedEnd, t.end),
            (KG.firstObserved, t.first_observed),
            (KG.lastObserved, t.last_observed),
        ):
            if value is not None:
                g.add((node, pred, Literal(value.isoformat(), datatype=XSD.date)))
        if t.acting:
            g.add((node, KG.acting, Literal(True)))
        g.add((node, KG.former, Literal(t.former)))
        evidence = [ev for ev in t.evidence if ev.article is not None]
        if evidence:
            w.provenance(member, evidence)
