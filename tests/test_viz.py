"""kg.viz without a browser: styles, the networkx analysis graph, views, the page's data and safety,
the command. (GraphMaker and `rdf` are shared with the other test_viz* modules.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import unescape
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg import ns
from kg.errors import KGError, VizError
from kg.iri import digest, mint
from kg.ns import KG, ORG, PREFIXES, PROV, RDF, RDFS, SKOS
from kg.records import EntityType, RelationKind
from kg.viz import ViewSpec, viz_command, write_html
from kg.viz.analysis import analysis_graph
from kg.viz.page import _script_json as script_json
from kg.viz.page import render
from kg.viz.styles import relation_styles, type_keys, type_styles
from kg.viz.view import select

NASTY = "<script>window.__xss=1</script>"
NASTY_IMG = '<img src=x onerror="window.__xss=2">'


class GraphMaker:
    """A small graph in kg build's data model (entities, posts, statements with sentences).

    (schema: and xsd: terms are used as `ns.SDO`, `ns.XSD`: imported bare, pytest's collection
    probes them for mock attributes and rdflib warns about each probe.)
    """

    def __init__(self) -> None:
        self.g = Graph()
        for prefix, namespace in PREFIXES.items():
            self.g.bind(prefix, namespace)
        self.article = mint("article/test_0001/00")
        self.g.add((self.article, RDF.type, KG.Article))
        self.g.add((self.article, KG.sourceFile, Literal("test_0001.txt")))
        self.g.add((self.article, ns.SDO.headline, Literal("刘宁主持召开省政府常务会议", lang="zh")))
        self.g.add((self.article, ns.SDO.datePublished, Literal("2021-08-06", datatype=ns.XSD.date)))
        self.sentences = 0

    def entity(self, key: str, kind: URIRef, name: str, *aliases: str) -> URIRef:
        node = mint(key)
        self.g.add((node, RDF.type, kind))
        self.g.add((node, RDFS.label, Literal(name, lang="zh")))
        for alias in aliases:
            self.g.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
        return node

    def sentence(self, text: str) -> URIRef:
        node = mint(f"sentence/test_0001/00/{self.sentences}")
        start = 100 * self.sentences
        self.sentences += 1
        self.g.add((node, RDF.type, KG.Sentence))
        self.g.add((node, ns.SDO.text, Literal(text, lang="zh")))
        self.g.add((node, ns.SDO.isPartOf, self.article))
        self.g.add((node, KG.sourceFile, Literal("test_0001.txt")))
        self.g.add((node, KG.charStart, Literal(start)))
        self.g.add((node, KG.charEnd, Literal(start + len(text))))
        return node

    def edge(self, s: URIRef, p: URIRef, o: URIRef, text: str, rule: str = "test rule") -> None:
        self.g.add((s, p, o))
        stmt = mint(f"statement/{digest(str(s), str(p), str(o))}")
        self.g.add((stmt, RDF.type, RDF.Statement))
        self.g.add((stmt, RDF.subject, s))
        self.g.add((stmt, RDF.predicate, p))
        self.g.add((stmt, RDF.object, o))
        self.g.add((stmt, PROV.wasDerivedFrom, self.sentence(text)))
        self.g.add((stmt, KG.rule, Literal(rule)))

    def post(self, person: URIRef, org: URIRef, org_name: str, title: str, text: str) -> URIRef:
        post = mint(f"post/{org_name}/{title}/{person.rsplit('/', 1)[-1]}")
        self.g.add((post, RDF.type, ORG.Post))
        self.g.add((post, RDFS.label, Literal(org_name + title, lang="zh")))
        self.g.add((post, KG.title, Literal(title, lang="zh")))
        self.g.add((post, KG.observedOn, Literal("2021-08-06", datatype=ns.XSD.date)))
        self.edge(person, ORG.holds, post, text, "title chain")
        self.edge(post, ORG.postIn, org, text, "title chain")
        return post

    def mention(self, node: URIRef, text: str) -> None:
        self.edge(self.article, ns.SDO.mentions, node, text, "mention")


@pytest.fixture(scope="module")
def rdf() -> Graph:
    m = GraphMaker()
    liu = m.entity("person/辽宁省/刘宁", KG.Person, "刘宁", "刘宁省长")
    gov = m.entity("org/辽宁省人民政府", KG.Organization, "辽宁省人民政府", "省政府")
    cpc = m.entity("org/中共辽宁省委", KG.Organization, "中共辽宁省委", "省委")
    office = m.entity("org/辽宁省人民政府办公厅", KG.Organization, "辽宁省人民政府办公厅")
    meeting = m.entity(
        "meeting/辽宁省人民政府常务会议/2021-08-05", KG.Meeting, "辽宁省人民政府常务会议", "省政府常务会议"
    )
    policy = m.entity("policy/关于加强安全生产的意见", KG.Policy, "《关于加强安全生产的意见》")
    lonely = m.entity("policy/乡村振兴战略", KG.Policy, "乡村振兴战略")
    shenyang = m.entity("place/辽宁省沈阳市", KG.Place, "沈阳市", "沈阳")
    liaoning = m.entity("place/辽宁省", KG.Place, "辽宁省")
    zhou = m.entity("person/辽宁省/周波", KG.Person, "周波")
    for title in ("省长", "党组书记"):
        m.post(liu, gov, "辽宁省人民政府", title, "省委副书记、省长刘宁主持会议。")
    m.post(liu, cpc, "中共辽宁省委", "副书记", "省委副书记、省长刘宁主持会议。")
    m.edge(meeting, KG.chair, liu, "8月5日，省委副书记、省长刘宁主持召开省政府常务会议。", "chair cue")
    m.edge(meeting, ns.SDO.attendee, zhou, "副省长周波出席会议。", "attendee cue")
    m.edge(meeting, ns.SDO.location, shenyang, "会议在沈阳召开。", "held at")
    m.edge(meeting, ns.SDO.organizer, gov, "8月5日，省委副书记、省长刘宁主持召开省政府常务会议。", "organiser")
    m.edge(meeting, ns.SDO.about, policy, "会议审议了《关于加强安全生产的意见》。", "discussed")
    m.edge(policy, KG.issuedBy, office, "省政府办公厅印发《关于加强安全生产的意见》。", "issued")
    m.edge(office, ORG.subOrganizationOf, gov, "省政府办公厅印发《关于加强安全生产的意见》。", "parent")
    m.edge(shenyang, ns.SDO.containedInPlace, liaoning, "会议在沈阳召开。", "gazetteer")
    m.g.add((meeting, ns.SDO.startDate, Literal("2021-08-05", datatype=ns.XSD.date)))
    for node in (liu, gov, meeting, lonely):
        m.mention(node, "会议强调，要全面推进乡村振兴战略。" if node == lonely else "刘宁主持召开省政府常务会议。")
    return m.g


@pytest.fixture(scope="module")
def nxg(rdf) -> nx.MultiDiGraph:
    return analysis_graph(rdf)


def _sparql_count(rdf: Graph, query: str) -> int:
    return int(next(iter(rdf.query(query, initNs=PREFIXES)))[0])


# -- analysis graph ---------------------------------------------------------------------------


def test_nodes_are_the_entities(rdf, nxg):
    entities = _sparql_count(
        rdf,
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {"
        " VALUES ?t { kg:Person kg:Organization kg:Place kg:Meeting kg:Policy } ?e a ?t }",
    )
    assert nxg.number_of_nodes() == entities == 10
    assert not any(d["type"] == "Article" for _, d in nxg.nodes(data=True))
    assert nxg.nodes[str(mint("person/辽宁省/刘宁"))]["aliases"] == ("刘宁省长",)


def test_edges_are_the_relations_with_posts_collapsed(rdf, nxg):
    direct = _sparql_count(
        rdf,
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?p { kg:chair schema:attendee schema:location schema:organizer"
        " schema:about kg:issuedBy schema:containedInPlace org:subOrganizationOf } ?s ?p ?o }",
    )
    posts = _sparql_count(rdf, "SELECT (COUNT(*) AS ?n) WHERE { ?person org:holds ?post . ?post org:postIn ?org }")
    assert nxg.number_of_edges() == direct + posts == 8 + 3
    liu, gov = str(mint("person/辽宁省/刘宁")), str(mint("org/辽宁省人民政府"))
    titles = sorted(d["title"] for d in nxg.get_edge_data(liu, gov).values())
    assert titles == ["党组书记", "省长"]
    assert all(d["relation"] == "holds" and d["evidence"] for d in nxg.get_edge_data(liu, gov).values())


def test_edges_read_actor_to_thing(nxg):
    liu = str(mint("person/辽宁省/刘宁"))
    meeting = str(mint("meeting/辽宁省人民政府常务会议/2021-08-05"))
    assert nxg.has_edge(liu, meeting, "chair")  # RDF: meeting kg:chair person
    assert not nxg.has_edge(meeting, liu)
    data = nxg.edges[liu, meeting, "chair"]
    assert data["rules"] == ("chair cue",)
    assert len(data["evidence"]) == 1


def test_node_details(nxg):
    liu = nxg.nodes[str(mint("person/辽宁省/刘宁"))]
    assert [(p.org_name, p.title) for p in liu["posts"]] == [
        ("中共辽宁省委", "副书记"),
        ("辽宁省人民政府", "党组书记"),
        ("辽宁省人民政府", "省长"),
    ]
    assert liu["posts"][0].observed == ("2021-08-06",)
    meeting = nxg.nodes[str(mint("meeting/辽宁省人民政府常务会议/2021-08-05"))]
    assert meeting["dates"] == ("2021-08-05",)
    lonely = nxg.nodes[str(mint("policy/乡村振兴战略"))]
    assert nxg.degree(str(mint("policy/乡村振兴战略"))) == 0
    evidence = nxg.graph["evidence"]
    assert [evidence.sentence(s).text for s in lonely["sources"]] == ["会议强调，要全面推进乡村振兴战略。"]
    first = evidence.sentence(lonely["sources"][0])
    assert first.file == "test_0001.txt" and first.start is not None
    assert evidence.article(first.article).headline == "刘宁主持召开省政府常务会议"
    assert evidence.sentence(str(mint("person/辽宁省/刘宁"))) is None  # not a sentence


def test_articles_as_nodes_on_request(rdf):
    g = analysis_graph(rdf, articles=True)
    article = str(mint("article/test_0001/00"))
    assert g.nodes[article]["type"] == "Article"
    assert g.nodes[article]["label"] == "刘宁主持召开省政府常务会议"
    assert g.out_degree(article) == 4 and {d["relation"] for _, _, d in g.out_edges(article, data=True)} == {"mentions"}


# -- views ------------------------------------------------------------------------------------


def _labels(g) -> set[str]:
    return {d["label"] for _, d in g.nodes(data=True)}


def test_ego_network_of_liu_ning(nxg):
    view = select(nxg, ViewSpec(focus="刘宁", depth=1))
    assert _labels(view.graph) == {"刘宁", "辽宁省人民政府", "中共辽宁省委", "辽宁省人民政府常务会议"}
    assert view.focus == str(mint("person/辽宁省/刘宁")) and view.listed == ()
    deeper = select(nxg, ViewSpec(focus="刘宁", depth=2))
    assert {"周波", "沈阳市", "辽宁省人民政府办公厅"} <= _labels(deeper.graph)
    assert set(select(nxg, ViewSpec(focus="刘宁", depth=0)).graph) == {str(mint("person/辽宁省/刘宁"))}


def test_focus_by_alias_or_iri(nxg):
    assert select(nxg, ViewSpec(focus="省政府", depth=0)).focus == str(mint("org/辽宁省人民政府"))
    assert select(nxg, ViewSpec(focus=str(mint("place/辽宁省")), depth=0)).focus == str(mint("place/辽宁省"))


def test_unknown_focus_lists_close_matches(nxg):
    with pytest.raises(VizError, match="no entity named '刘宇'.*close matches: .*刘宁"):
        select(nxg, ViewSpec(focus="刘宇"))
    with pytest.raises(VizError, match="no close match"):
        select(nxg, ViewSpec(focus="完全无关的名字"))


def test_type_filter(nxg):
    view = select(nxg, ViewSpec(types=("Person",)))
    assert view.graph.number_of_nodes() == 0  # persons have no relations among themselves ...
    assert {nxg.nodes[n]["label"] for n in view.listed} == {"刘宁", "周波"}  # ... so they are listed
    both = select(nxg, ViewSpec(types=type_keys(["人物", "organization"])))
    assert {d["type"] for _, d in both.graph.nodes(data=True)} == {"Person", "Organization"}
    assert both.graph.number_of_edges() == 4  # 3 posts + office subOrganizationOf government
    assert [nxg.nodes[n]["label"] for n in both.listed] == ["周波"]
    focused = select(nxg, ViewSpec(focus="刘宁", depth=2, types=("Place",)))
    assert _labels(focused.graph) == {"刘宁"}  # the focus stays, drawn
    assert [nxg.nodes[n]["label"] for n in focused.listed] == ["沈阳市"]


def test_unknown_type_lists_allowed():
    with pytest.raises(VizError, match=r"unknown entity type 'Persons'; allowed: Person \(人物\), Organization"):
        type_keys(["Persons"])


def test_min_degree_and_max_nodes(nxg):
    view = select(nxg, ViewSpec(min_degree=3))
    assert all(nxg.degree(n) >= 3 for n in view.graph)
    assert _labels(view.graph) == {"刘宁", "辽宁省人民政府", "辽宁省人民政府常务会议"}
    capped = select(nxg, ViewSpec(max_nodes=3))  # degrees 5, 4, 4 (ties by IRI), 3 ...
    assert _labels(capped.graph) == {"辽宁省人民政府常务会议", "刘宁", "辽宁省人民政府"}
    assert str(mint("place/辽宁省")) in select(nxg, ViewSpec(focus="辽宁省", max_nodes=1)).graph


def test_cap_keeps_a_connected_most_connected_part(nxg):
    """Grown best-first from the best connected entity: each drawn entity has a drawn relation."""
    import networkx as nx

    for cap in range(2, 10):
        view = select(nxg, ViewSpec(max_nodes=cap))
        assert view.graph.number_of_nodes() == cap
        assert nx.is_weakly_connected(view.graph)  # this graph's related entities form one component
        left = view.left_out
        assert left.capped == left.linked - cap and left.linked == 9
        assert left.edges == nxg.number_of_edges() - view.graph.number_of_edges()
        assert left.entities == 9 - cap  # the lonely policy is listed, not left out
        if cap < 9:
            assert left.hubs and all(h.node not in view.graph for h in left.hubs)
            assert left.hubs[0].degree == max(nxg.degree(n) for n in nxg if n not in view.graph and nxg.degree(n))
        else:
            assert left.hubs == ()


def test_entities_without_relations_are_listed_not_drawn(nxg):
    view = select(nxg, ViewSpec())
    lonely = str(mint("policy/乡村振兴战略"))
    assert lonely not in view.graph and view.listed == (lonely,)
    assert all(view.graph.degree(n) > 0 for n in view.graph)
    assert view.left_out.entities == 0 and view.left_out.edges == 0 and view.left_out.capped == 0


def test_styles_cover_the_model():
    assert {s.key for s in type_styles()} == {t.value for t in EntityType} | {"Article"}
    assert {s.key for s in relation_styles()} == {k.value for k in RelationKind} - {"startDate"}
    labels = {s.label for s in relation_styles()}
    assert labels >= {"任职", "主持", "出席", "地点", "主办", "议题", "发布", "隶属", "位于"}


# -- the page ---------------------------------------------------------------------------------


def _script(html: str, element_id: str) -> str:
    return re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S).group(1)


def test_page_data(nxg):
    html = render(select(nxg, ViewSpec()))
    nodes = json.loads(_script(html, "kg-nodes"))
    edges = json.loads(_script(html, "kg-edges"))
    data = json.loads(_script(html, "kg-data"))
    assert len(nodes) == nxg.number_of_nodes() - 1 and len(edges) == nxg.number_of_edges()  # lonely: listed
    lonely = str(mint("policy/乡村振兴战略"))
    assert data["listed"] == [lonely] and data["details"][lonely]["listed"] is True
    assert data["leftOut"]["entities"] == 0 and data["leftOut"]["commands"] == []
    liu = str(mint("person/辽宁省/刘宁"))
    assert [n["label"] for n in nodes if n["id"] == liu] == ["刘宁"]
    assert sorted(e["label"] for e in edges if e["from"] == liu) == ["主持", "党组书记", "副书记", "省长"]
    details = data["details"][liu]
    assert details["type"] == "Person" and details["aliases"] == ["刘宁省长"]
    assert [p["title"] for p in details["posts"]] == ["副书记", "党组书记", "省长"]
    texts = [data["sentences"][s]["text"] for s in details["sentences"]]
    assert "8月5日，省委副书记、省长刘宁主持召开省政府常务会议。" in texts
    article = data["articles"][data["sentences"][details["sentences"][0]]["article"]]
    assert article == {"headline": "刘宁主持召开省政府常务会议", "date": "2021-08-06", "file": "test_0001.txt"}
    chair = next(e for e in edges if e["kgRel"] == "chair")
    assert data["edges"][chair["id"]]["rules"] == ["chair cue"]
    assert not any("title" in n for n in nodes) and not any("title" in e for e in edges)  # tooltips: text, in JS


def test_page_is_self_contained(nxg):
    html = render(select(nxg, ViewSpec()))
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", html, re.I)
    assert "sourceMappingURL" not in html
    assert "cdnjs" not in html and "jsdelivr" not in html and "bootstrap" not in html
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2  # vis-network and the page script; each allowed by its hash
    for script in scripts:
        digest_ = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest_}'" in csp
    assert "vis.Network" in scripts[1]


def test_page_is_deterministic(rdf):
    assert render(select(analysis_graph(rdf), ViewSpec())) == render(select(analysis_graph(rdf), ViewSpec()))


def test_embedded_json_is_escaped():
    m = GraphMaker()
    evil = m.entity("person/evil", KG.Person, NASTY + "\u2028&", NASTY_IMG, "</SCRIPT><!--")
    org = m.entity("org/evil", KG.Organization, "\"'机构'\"")
    m.post(evil, org, "evil", "</script>", f"{NASTY}出席{NASTY_IMG}。")
    html = render(select(analysis_graph(m.g), ViewSpec()))
    for raw in (NASTY, NASTY_IMG, "</SCRIPT>", "<!--", "\u2028", "</script>出席"):
        assert raw not in html
    assert "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e" in html
    assert html.lower().count("</script") == 6  # 4 data elements + 2 scripts: nothing closes one early
    data = json.loads(_script(html, "kg-data"))
    details = data["details"][str(evil)]
    assert details["name"] == NASTY + "\u2028&"
    assert details["aliases"] == sorted([NASTY_IMG, "</SCRIPT><!--"])
    assert data["sentences"][details["sentences"][0]]["text"] == f"{NASTY}出席{NASTY_IMG}。"
    edges = json.loads(_script(html, "kg-edges"))
    assert edges[0]["label"] == "</script>"
    assert script_json({"a": "<>&\u2028\u2029"}) == '{"a":"\\u003c\\u003e\\u0026\\u2028\\u2029"}'


def test_write_html(rdf, tmp_path):
    path = tmp_path / "out" / "graph.html"
    assert write_html(rdf, path) == path
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and len(json.loads(_script(html, "kg-nodes"))) == 9
    assert [p.name for p in path.parent.iterdir()] == ["graph.html"]  # no temporary file left


def test_empty_view(nxg):
    view = select(nxg, ViewSpec(types=("Meeting",), min_degree=1))
    assert view.graph.number_of_nodes() == 0 and view.listed == ()
    html = render(view)
    assert json.loads(_script(html, "kg-nodes")) == [] and json.loads(_script(html, "kg-data"))["details"] == {}


def test_initial_layout_is_seeded(nxg):
    html = render(select(nxg, ViewSpec()))
    nodes = {n["id"]: n for n in json.loads(_script(html, "kg-nodes"))}
    assert str(mint("policy/乡村振兴战略")) not in nodes  # no relation: listed, not drawn
    assert len(nodes) == 9 and all("x" in n and "y" in n for n in nodes.values())
    options = json.loads(_script(html, "kg-options"))
    assert options["physics"]["stabilization"]["iterations"] > 0 and options["layout"]["randomSeed"]


# -- command line -----------------------------------------------------------------------------


@pytest.fixture
def ttl(rdf, tmp_path) -> Path:
    path = tmp_path / "graph.ttl"
    rdf.serialize(path, format="turtle")
    return path


def test_cli_focus(ttl, tmp_path):
    out = tmp_path / "view.html"
    args = ["--graph", str(ttl), "--out", str(out), "--focus", "刘宁", "--depth", "2"]
    result = CliRunner().invoke(viz_command, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: 8 nodes, 10 edges")
    html = out.read_text(encoding="utf-8")
    assert "kg 知识图谱：刘宁（2 层）" in html
    assert json.loads(_script(html, "kg-data"))["focus"] == str(mint("person/辽宁省/刘宁"))


def test_cli_types_and_degree(ttl, tmp_path):
    out = tmp_path / "view.html"
    args = ["--graph", str(ttl), "--out", str(out), "--type", "Person", "--type", "机构", "--min-degree", "1"]
    result = CliRunner().invoke(viz_command, args)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and " 4 nodes, 4 edges" in result.output  # 周波 only attends


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "刘宇"], "no entity named '刘宇' in the graph; close matches: 刘宁"),
        (["--type", "Pepole"], "unknown entity type 'Pepole'; allowed: Person (人物)"),
        (["--depth", "2"], "--depth needs --focus"),
    ],
)
def test_cli_errors(ttl, tmp_path, args, message):
    result = CliRunner().invoke(viz_command, ["--graph", str(ttl), "--out", str(tmp_path / "v.html"), *args])
    assert isinstance(result.exception, VizError) and isinstance(result.exception, KGError)
    assert message in str(result.exception)
    assert not (tmp_path / "v.html").exists()


def test_cli_missing_graph(tmp_path):
    result = CliRunner().invoke(viz_command, ["--graph", str(tmp_path / "nope.ttl")])
    assert isinstance(result.exception, VizError)
    assert "nope.ttl not found; build one first: kg build seeds" in str(result.exception)


def test_cli_help_has_example():
    result = CliRunner().invoke(viz_command, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "  kg viz --focus 刘宁 --depth 2" in result.output
    assert "--type TYPE" in result.output and "--focus NAME" in result.output


# -- bounded pages ----------------------------------------------------------------------------


def test_capped_page_says_what_it_leaves_out_and_how_to_see_it(rdf, ttl, tmp_path):
    out = tmp_path / "capped.html"
    result = CliRunner().invoke(viz_command, ["--graph", str(ttl), "--out", str(out), "--max-nodes", "4"])
    assert result.exit_code == 0, result.output
    assert "4 nodes" in result.output and "1 listed without relations" in result.output
    left = json.loads(_script(out.read_text(encoding="utf-8"), "kg-data"))["leftOut"]
    assert left["capped"] == 5 and left["linked"] == 9 and left["maxNodes"] == 4 and left["entities"] == 5
    assert sum(n for _, n in left["byType"]) == 5
    commands = [c["command"] for c in left["commands"]]
    assert commands[0] == f"kg viz --graph {ttl} --out view.html --max-nodes 9"
    hub = left["hubs"][0]["name"]
    assert f"kg viz --graph {ttl} --out view.html --focus {hub} --depth 1" in commands
    # the commands work and show what was left out
    whole = tmp_path / "view.html"
    args = commands[0].split()[2:]
    args[args.index("--out") + 1] = str(whole)
    result = CliRunner().invoke(viz_command, args)
    assert result.exit_code == 0, result.output
    assert json.loads(_script(whole.read_text(encoding="utf-8"), "kg-data"))["leftOut"]["entities"] == 0


def test_page_names_the_graph_file_beside_it(rdf, tmp_path):
    (tmp_path / "graph.nt").write_text("", encoding="utf-8")
    spec = ViewSpec(max_nodes=3)
    from kg.viz import write_view

    write_view(rdf, tmp_path / "graph.html", spec)
    left = json.loads(_script((tmp_path / "graph.html").read_text(encoding="utf-8"), "kg-data"))["leftOut"]
    assert left["commands"][0]["command"] == "kg viz --graph graph.nt --out view.html --max-nodes 9"
    assert left["where"] == "在 graph.html 所在的文件夹中运行"


def test_sources_are_cut_short_with_their_count():
    from kg.viz.page import SOURCES_MAX

    m = GraphMaker()
    busy = m.entity("org/辽宁省人民政府", KG.Organization, "辽宁省人民政府")
    other = m.entity("place/辽宁省", KG.Place, "辽宁省")
    m.edge(busy, ns.SDO.location, other, "省政府在辽宁省。")
    for n in range(SOURCES_MAX + 5):
        m.mention(busy, f"辽宁省人民政府第{n}次发文。")
    data = json.loads(_script(render(select(analysis_graph(m.g), ViewSpec())), "kg-data"))
    details = data["details"][str(busy)]
    assert details["sentenceCount"] == SOURCES_MAX + 6 and len(details["sentences"]) == SOURCES_MAX
    assert len(data["sentences"]) <= SOURCES_MAX + 1


# -- kg viz reads the graph file through an in-memory Oxigraph store -------------------------------


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld"])
def test_cli_page_through_the_store_equals_the_page_of_the_parsed_graph(rdf, tmp_path, suffix):
    from kg.viz import write_view

    fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[suffix]
    graph = tmp_path / f"graph{suffix}"
    rdf.serialize(graph, format=fmt)
    spec = ViewSpec(focus="刘宁", depth=2)
    write_view(Graph().parse(graph, format=fmt), tmp_path / "parsed.html", spec, graph_file=str(graph))
    args = ["--graph", str(graph), "--out", str(tmp_path / "stored.html"), "--focus", "刘宁", "--depth", "2"]
    result = CliRunner().invoke(viz_command, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "stored.html").read_bytes() == (tmp_path / "parsed.html").read_bytes()
    assert not (tmp_path / "store").exists()  # nothing written beside the graph


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("graph.ttl", "<http://a> <http://b> .\n", "cannot read"),
        ("graph.txt", "<http://a> <http://b> <http://c> .\n", "unknown suffix '.txt'; allowed:"),
    ],
)
def test_cli_bad_graph_file_names_it(tmp_path, name, text, message):
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(viz_command, ["--graph", str(bad), "--out", str(tmp_path / "v.html")])
    assert isinstance(result.exception, VizError)
    assert str(bad) in str(result.exception) and message in str(result.exception)
    assert not (tmp_path / "v.html").exists()
