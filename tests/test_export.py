"""RDF export: entities, articles, posts and provenance (hand-made records)."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from records_helper import LIU_NING_MENTIONS as MENTIONS
from records_helper import LIU_NING_TEXT as TEXT
from records_helper import L, M, O, P, T, analysis

from kg import export, rdfstream
from kg.errors import KGError
from kg.export import FORMATS, page_graph, serialize, to_graph, write_stream
from kg.iri import mint
from kg.link import link
from kg.ns import KG, ORG, PREFIXES, RDF, RDFS, SDO, SKOS
from kg.records import RelationKind
from kg.resolve import resolve


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


# -- the streaming export `kg build` uses ---------------------------------------------------------

TEXT2 = "新华社北京8月6日电 国务院总理李克强主持召开国务院常务会议，部署做好防汛救灾工作。"
MENTIONS2 = [("新华社", O), ("北京", L), ("国务院", O), ("总理", T), ("李克强", P), ("国务院常务会议", M)]


def records():
    ans = [
        analysis(TEXT, MENTIONS, bylines=(("明绍庚", "记者"),)),
        analysis(TEXT2, MENTIONS2, article_id="xinhua/00", source="xinhua.txt"),
    ]
    res = resolve(ans)
    return ans, res, link(ans, res)


def test_the_stream_writes_the_bytes_of_the_whole_graph_serializers(tmp_path):
    ans, res, rels = records()
    whole = to_graph(ans, res, rels)
    exported = write_stream(ans, res, rels, None, tmp_path)
    assert exported.triples == len(whole)
    assert [p.name for p in exported.files] == ["graph.ttl", "graph.nt", "graph.jsonld"]
    for fmt, (name, _) in FORMATS.items():
        assert (tmp_path / name).read_bytes() == serialize(whole, fmt), fmt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.jsonld", "graph.nt", "graph.ttl"]  # no chunks left


def test_sorting_in_small_chunks_gives_the_same_files(tmp_path, monkeypatch):
    ans, res, rels = records()
    big, small = tmp_path / "big", tmp_path / "small"
    big.mkdir(), small.mkdir()
    write_stream(ans, res, rels, None, big)
    monkeypatch.setattr(rdfstream, "CHUNK_RECORDS", 7)  # N-Triples lines: dozens of chunk files
    monkeypatch.setattr(export, "CHUNK_CHARS", 500)  # Turtle blocks and JSON-LD nodes too
    spilled = []
    real_spill = rdfstream.ExternalSorter._spill
    monkeypatch.setattr(rdfstream.ExternalSorter, "_spill", lambda self: spilled.append(1) or real_spill(self))
    write_stream(ans, res, rels, None, small, formats=("nt", "ttl", "jsonld"))
    assert len(spilled) > 20
    for name in ("graph.nt", "graph.ttl", "graph.jsonld"):
        assert (small / name).read_bytes() == (big / name).read_bytes(), name


def test_only_the_formats_asked_for(tmp_path):
    ans, res, rels = records()
    seen = []
    exported = write_stream(
        ans, res, rels, None, tmp_path, formats=("ttl",), after_nt=lambda p: seen.append(p.read_text())
    )
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]
    assert exported.files == (tmp_path / "graph.ttl",)
    assert seen and seen[0].count("\n") == exported.triples  # validation sees the N-Triples all the same
    with pytest.raises(KGError, match="unknown format 'xml'"):
        write_stream(ans, res, rels, None, tmp_path, formats=("xml",))


def test_the_page_graph_is_everything_when_small_and_the_most_connected_part_when_big():
    ans, res, rels = records()
    assert set(page_graph(ans, res, rels)) == set(to_graph(ans, res, rels))
    part = page_graph(ans, res, rels, limit=3)
    kinds = (KG.Person, KG.Organization, KG.Place, KG.Meeting, KG.Policy)
    drawn = {s for k in kinds for s in part.subjects(RDF.type, k)}
    degree = Counter(
        key
        for r in rels
        if r.kind not in (RelationKind.MENTIONS, RelationKind.AUTHOR)
        for key in (r.subject, r.object)
        if key in {e.key for e in res.entities}
    )
    top = sorted((e.key for e in res.entities), key=lambda k: (-degree[k], k))[:3]
    assert drawn == {mint(k) for k in top} and degree[top[-1]] >= 2
    edges = [(s, o) for s, p, o in part if p in (KG.chair, SDO.location, SDO.organizer, SDO.containedInPlace)]
    assert edges and all(s in drawn and o in drawn for s, o in edges)
    assert not list(part.triples((None, SDO.mentions, None)))  # mentions are not drawn in a big build
    assert len(part) < len(to_graph(ans, res, rels))


@pytest.mark.parametrize(
    "subject",
    [
        mint("person/辽宁省/刘宁"),  # under a folder of the id namespace: written in full
        mint("刘宁"),  # right in the bound id namespace: id:刘宁
        SDO.Person,  # a bound namespace: schema:Person
        URIRef("http://www.w3.org/XML/1998/namespace/lang/zh"),  # xml: takes what follows
        URIRef("http://example.org/a(b)/c(d)"),  # unbound: written in full
    ],
)
def test_the_streamed_turtle_names_iris_as_rdflib_does(subject):
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    objects = [mint("org/中共辽宁省委"), mint("辽宁"), SDO.Organization, RDF.nil, subject]
    for obj in objects:
        g.add((subject, SDO.about, obj))
    g.add((subject, RDF.type, KG.Person))
    g.add((subject, SKOS.altLabel, Literal("刘 宁", lang="zh")))
    g.add((subject, SKOS.altLabel, Literal('"刘宁"\n', lang="zh")))
    g.add((subject, SKOS.altLabel, mint("刘")))
    lines = serialize(g, "nt").decode("utf-8").splitlines()
    writer = rdfstream.TurtleWriter()
    block = writer.block(str(subject), lines)
    assert writer.header() + block + "\n" == serialize(g, "ttl").decode("utf-8")
    g.remove((subject, SDO.about, RDF.nil))  # an RDF list in JSON-LD: not streamed
    g.add((mint("event/other"), RDF.type, KG.Meeting))  # two nodes: rdflib writes an @graph
    lines = [line for line in serialize(g, "nt").decode("utf-8").splitlines() if line.startswith(f"<{subject}>")]
    _, node = rdfstream.JsonLdWriter().node(str(subject), lines)
    assert f"\n{node}" in serialize(g, "jsonld").decode("utf-8")
