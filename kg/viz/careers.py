"""Careers and post changes for the page: read from the RDF graph kg.export_careers
writes, shown in a person's panel (the career as a timeline) and a meeting's or body's panel
(the changes decided there). Plain records; the page builds every piece of text with
textContent, never markup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef

from kg.ns import KG, ORG, RDF, RDFS
from kg.resources import read_tsv


@cache
def kind_labels() -> dict[str, str]:
    """kg:changeKind value -> Chinese label (kg/data/viz/change_kinds.tsv)."""
    return {r["kind"]: r["label"] for r in read_tsv("viz/change_kinds.tsv", ("kind", "label"))}


@dataclass(frozen=True)
class Change:
    """One appointment or departure as the page shows it."""

    kind: str
    """kg:changeKind (appointed, removed…)."""
    label: str
    """Its Chinese label (任命, 免职…)."""
    date: str
    """Day of the decision (ISO), empty when unknown."""
    person: str
    """IRI of the person."""
    person_name: str
    """The person's name."""
    post: str
    """The post's label (陕西省人民政府副省长)."""
    evidence: tuple[str, ...]
    """IRIs of the sentences stating it."""


@dataclass(frozen=True)
class CareerStep:
    """One post of a person's career (an org:Membership)."""

    post: str
    """The post's label."""
    title: str
    """Its title (代理区长 for an acting post)."""
    org: str
    """IRI of the organisation."""
    org_name: str
    """The organisation's name."""
    acting: bool
    """An acting post."""
    former: bool
    """Printed only as a former post (原X)."""
    start: str
    """Stated start (ISO) or empty."""
    end: str
    """Stated end (ISO) or empty."""
    first_observed: str
    """First article date showing it held, or empty."""
    last_observed: str
    """Last article date showing it held, or empty."""
    changes: tuple[Change, ...]
    """Appointments and departures of this post, by date."""
    evidence: tuple[str, ...]
    """IRIs of the sentences showing, giving or ending it."""

    def sort_key(self) -> tuple:
        """Date order: stated start, else first observed, else stated end."""
        return (self.start or self.first_observed or self.end or "9999", self.org_name, self.title)


def _text(graph: Graph, node, prop) -> str:
    values = sorted(str(v) for v in graph.objects(node, prop))
    return values[0] if values else ""


def _changes(graph: Graph, evidence: Mapping[tuple, set[URIRef]]) -> list[tuple[URIRef, URIRef, Change]]:
    """(change node, post node, Change) for every kg:Appointment and kg:Departure."""
    out = []
    labels = kind_labels()
    for cls in (KG.Appointment, KG.Departure):
        for node in sorted(graph.subjects(RDF.type, cls)):
            person = graph.value(node, KG.person)
            post = graph.value(node, KG.post)
            if person is None or post is None:
                continue
            kind = _text(graph, node, KG.changeKind)
            ev = evidence.get((node, KG.person, person), set()) | evidence.get((node, KG.post, post), set())
            out.append(
                (
                    node,
                    post,
                    Change(
                        kind,
                        labels.get(kind, kind),
                        _text(graph, node, KG.date),
                        str(person),
                        _text(graph, person, RDFS.label),
                        _text(graph, post, RDFS.label),
                        tuple(sorted(map(str, ev))),
                    ),
                )
            )
    return out


def careers(graph: Graph, evidence: Mapping[tuple, set[URIRef]]) -> dict[str, tuple[CareerStep, ...]]:
    """Person IRI -> the career steps in date order."""
    by_post: dict[URIRef, list[Change]] = defaultdict(list)
    for _, post, change in _changes(graph, evidence):
        by_post[post].append(change)
    out: dict[str, list[CareerStep]] = defaultdict(list)
    for m in sorted(graph.subjects(RDF.type, ORG.Membership)):
        person = graph.value(m, ORG.member)
        post = graph.value(m, KG.post)
        org = graph.value(m, ORG.organization)
        if person is None or post is None or org is None:
            continue
        changes = tuple(sorted(by_post.get(post, ()), key=lambda c: (c.date, c.kind)))
        ev = set(evidence.get((m, ORG.member, person), set()))
        ev |= evidence.get((person, ORG.holds, post), set())
        for c in changes:
            ev |= set(map(URIRef, c.evidence))
        title = _text(graph, post, KG.title)
        out[str(person)].append(
            CareerStep(
                _text(graph, post, RDFS.label),
                title,
                str(org),
                _text(graph, org, RDFS.label),
                title.startswith("代理"),
                _text(graph, m, KG.former) == "true",
                _text(graph, m, KG.statedStart),
                _text(graph, m, KG.statedEnd),
                _text(graph, m, KG.firstObserved),
                _text(graph, m, KG.lastObserved),
                changes,
                tuple(sorted(map(str, ev))),
            )
        )
    return {p: tuple(sorted(steps, key=CareerStep.sort_key)) for p, steps in out.items()}


def decided(graph: Graph, evidence: Mapping[tuple, set[URIRef]]) -> dict[str, tuple[Change, ...]]:
    """Meeting or body IRI -> the changes it decided (kg:decidedBy), by date and person."""
    out: dict[str, list[Change]] = defaultdict(list)
    for node, _, change in _changes(graph, evidence):
        for who in graph.objects(node, KG.decidedBy):
            out[str(who)].append(change)
    return {k: tuple(sorted(v, key=lambda c: (c.date, c.person_name, c.post, c.kind))) for k, v in out.items()}


def change_json(c: Change) -> dict:
    """A change for the page's JSON (sentence IRIs are mapped to ids by the caller)."""
    return {
        "kind": c.kind,
        "label": c.label,
        "date": c.date,
        "person": c.person,
        "personName": c.person_name,
        "post": c.post,
        "sentences": list(c.evidence),
    }


def step_json(s: CareerStep) -> dict:
    """A career step for the page's JSON."""
    return {
        "post": s.post,
        "title": s.title,
        "org": s.org,
        "orgName": s.org_name,
        "acting": s.acting,
        "former": s.former,
        "start": s.start,
        "end": s.end,
        "firstObserved": s.first_observed,
        "lastObserved": s.last_observed,
        "changes": [change_json(c) for c in s.changes],
        "sentences": list(s.evidence),
    }
