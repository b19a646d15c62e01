"""Every RDF term kg writes or queries, from one place.

The project's own terms live in `KG` (a closed rdflib DefinedNamespace: a typo is an error,
not a new term); standard vocabularies are re-exported so that no other module builds IRIs
by hand. Instance IRIs are minted in `kg.iri` from canonical keys under `ID`.
The public data model is documented in `ontology/kg.ttl` and README.md.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, XSD, DefinedNamespace
from rdflib.term import URIRef

BASE = "http://kg.example.org/"


class KG(DefinedNamespace):
    """The kg ontology (classes and properties not covered by schema.org, ORG, SKOS, PROV)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Person: URIRef
    Organization: URIRef
    Place: URIRef
    Meeting: URIRef
    Policy: URIRef
    Article: URIRef
    ArticlePart: URIRef
    Teaser: URIRef
    Sentence: URIRef
    Dataset: URIRef
    TextSpan: URIRef
    PostChange: URIRef  # a stated change of who holds a post (superclass of the two below)
    Appointment: URIRef  # someone takes a post: appointed, elected, made acting, nominated
    Departure: URIRef  # someone leaves a post: removed, resigned, retired, died in office
    # properties
    sourceFile: URIRef  # file name of the input an article (part, sentence) comes from
    chair: URIRef  # meeting -> person who chaired it (主持)
    issuedBy: URIRef  # policy -> organisation that issued it (印发, 出台, 联合下发)
    title: URIRef  # post -> title as printed (省长, 副书记)
    observedOn: URIRef  # post -> date of the article that shows the post held
    charStart: URIRef  # sentence -> start offset in the decoded source file
    charEnd: URIRef  # sentence -> end offset in the decoded source file
    sentenceIndex: URIRef  # sentence -> position in its article
    span: URIRef  # sentence -> kg:TextSpan, when a headline is printed inside the sentence
    spanIndex: URIRef  # text span -> position in its sentence
    rule: URIRef  # statement -> name of the rule that produced it
    divisionCode: URIRef  # place -> administrative division code (GB/T 2260)
    adminLevel: URIRef  # place -> province / city / county / town
    paper: URIRef  # article -> name of the newspaper
    datelinePlace: URIRef  # article -> place of the dateline as printed
    kicker: URIRef  # article -> line above the headline (引题)
    mergeNote: URIRef  # entity -> why mentions were merged into it
    # post changes and tenures (kg.careers)
    person: URIRef  # change -> the person who takes or leaves the post
    post: URIRef  # change, membership -> the org:Post taken, left or held
    date: URIRef  # change -> the day of the decision
    dateBasis: URIRef  # change -> where its date comes from (sentence, meeting, lead, dateline, issue)
    decidedBy: URIRef  # change -> the meeting or body that decided it
    changeKind: URIRef  # change -> appointed, elected, acting, nominated, removed, resigned, retired, died
    acting: URIRef  # post, membership -> true for an acting post (代理省长)
    statedStart: URIRef  # membership -> start stated by an appointment
    statedEnd: URIRef  # membership -> end stated by a departure
    firstObserved: URIRef  # membership -> earliest article date showing the post held
    lastObserved: URIRef  # membership -> latest article date showing the post held
    former: URIRef  # membership -> true when printed only as a former post (原X, 前任, 曾任)


ID = Namespace(BASE + "id/")
"""Instance IRIs (minted only by kg.iri)."""

__all__ = ["BASE", "DCTERMS", "ID", "KG", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDO", "SH", "SKOS", "XSD"]

PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "id": str(ID),
    "schema": str(SDO),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
}
"""Prefixes bound in every written file and predeclared for `kg query`."""
