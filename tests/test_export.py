"""RDF export: entities, articles, posts and provenance (hand-made records)."""

from __future__ import annotations

from rdflib import Graph, Literal
from records_helper import M, O, P, T, analysis

from kg.export import serialize, to_graph
from kg.iri import mint
from kg.link import link
from kg.ns import KG, ORG, PREFIXES, RDF, RDFS, SDO, SKOS
from kg.resolve import resolve

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
    ("省政府党组会议", M),
]


def graph() -> Graph:
    an = analysis(TEXT, MENTIONS, bylines=(("明绍庚", "记者"),))
    res = resolve([an])
    return to_graph([an], res, link([an], res))


def test_entities_articles_and_posts():
    g = graph()
    person = mint("person/辽宁省/刘宁")
    assert (person, RDF.type, KG.Person) in g
    assert (person, RDFS.label, Literal("刘宁", lang="zh")) in g
    party = mint("org/中共辽宁省委")
    assert (party, SKOS.altLabel, Literal("省委", lang="zh")) in g
    posts = {str(g.value(p, KG.title)): g.value(p, ORG.postIn) for p in g.objects(person, ORG.holds)}
    assert posts == {"副书记": party, "省长": mint("org/辽宁省人民政府")}
    article = mint("article/page/00")
    assert (article, KG.sourceFile, Literal("page.txt")) in g
    assert (article, SDO.mentions, person) in g
    assert (article, SDO.author, mint("person/辽宁省/明绍庚")) in g


def test_every_edge_traces_to_its_sentence_and_offsets():
    g = graph()
    query = """
    SELECT ?text ?file ?start ?end WHERE {
      ?st rdf:subject ?meeting ; rdf:predicate kg:chair ; rdf:object ?person ;
          prov:wasDerivedFrom ?s .
      ?s schema:text ?text ; kg:sourceFile ?file ; kg:charStart ?start ; kg:charEnd ?end .
    }"""
    rows = list(g.query(query, initNs=PREFIXES, initBindings={"person": mint("person/辽宁省/刘宁")}))
    assert len(rows) == 1
    text, file, start, end = rows[0]
    assert str(file) == "page.txt" and TEXT[int(start) : int(end)] == str(text) and "主持召开" in str(text)


def test_serialisations_are_deterministic_and_parse_back():
    g1, g2 = graph(), graph()
    for fmt in ("ttl", "nt", "jsonld"):
        data = serialize(g1, fmt)
        assert data == serialize(g2, fmt)
        back = Graph().parse(data=data.decode("utf-8"), format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
        assert len(back) == len(g1)
    lines = serialize(g1, "nt").decode("utf-8").splitlines()
    assert lines == sorted(lines)
