"""Post changes and tenures end to end: a graph built from real articles (seeds/002 and an
article of People's Daily 1998 sentences, tests/data/changes) and the three named queries
holders-of-post, career-of-person and post-changes on it (builds with the pipeline: slow)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from kg.ingest import MetaOverrides
from kg.ns import KG, ORG, RDF, RDFS, XSD
from kg.query import execute, named_query, parse_bindings
from kg.store import open_store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "changes"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from kg.build import build_graph

    src = tmp_path_factory.mktemp("changes-in")
    for name in ("rmrb-1998.txt", "cluener-former.txt"):
        shutil.copyfile(DATA / name, src / name)
    out = tmp_path_factory.mktemp("changes-out")
    build_graph([src], out / "rmrb", overrides=MetaOverrides(date="1998-03-21"), html=False, formats=("nt",))
    seed = ROOT / "seeds"
    build_graph(
        [seed / "002_5f81a1e48743b7fd.txt"], out / "seed", sidecar=seed / "issues.tsv", html=False, formats=("nt",)
    )
    return out


def run(graph: Path, query: str, **binds: str) -> list[dict[str, str]]:
    gs = open_store(graph)
    try:
        q = named_query(query)
        results = execute(gs.store, q.text, parse_bindings(f"{k}={v}" for k, v in binds.items()))
        names = [v.value for v in results.variables]
        return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in results]
    finally:
        gs.close()


def test_the_graph_has_the_events_with_their_terms(built):
    g = Graph().parse(built / "rmrb" / "graph.nt")
    appointments = set(g.subjects(RDF.type, KG.Appointment))
    departures = set(g.subjects(RDF.type, KG.Departure))
    assert len(appointments) == 1 and len(departures) == 3
    (e,) = appointments
    person = g.value(e, KG.person)
    post = g.value(e, KG.post)
    assert str(g.value(person, RDFS.label)) == "彭珮云"
    assert str(g.value(post, KG.title)) == "会长"
    assert str(g.value(g.value(post, ORG.postIn), RDFS.label)) == "中国人口学会"
    assert g.value(e, KG.date) == Literal("1998-03-20", datatype=XSD.date)  # the dateline's day
    assert (person, ORG.holds, post) in g  # an appointment also gives the post
    # the same post node carries the tenure, with the stated start kept apart from observations
    (m,) = set(g.subjects(KG.post, post)) - {e}
    assert (m, RDF.type, ORG.Membership) in g
    assert g.value(m, KG.statedStart) == Literal("1998-03-20", datatype=XSD.date)
    assert g.value(m, KG.firstObserved) is None


def test_holders_of_post_answers_every_appointment_built(built):
    graph = built / "rmrb" / "graph.nt"
    g = Graph().parse(graph)
    checked = 0
    for e in g.subjects(RDF.type, KG.Appointment):
        post = g.value(e, KG.post)
        org = g.value(post, ORG.postIn)
        rows = run(
            graph,
            "holders-of-post",
            title=str(g.value(post, KG.title)),
            org=str(g.value(org, RDFS.label)),
            date=str(g.value(e, KG.date)),
        )
        assert str(g.value(g.value(e, KG.person), RDFS.label)) in {r["holder"] for r in rows}
        checked += 1
    assert checked == 1


def test_holders_of_post_rows(built):
    graph = built / "rmrb" / "graph.nt"
    rows = run(graph, "holders-of-post", title="会长", org="中国人口学会", date="1998-05-01")
    assert [(r["holder"], r["start"], r["basis"]) for r in rows] == [("彭珮云", "1998-03-20", "stated")]
    assert "当选中国人口学会会长" in rows[0]["evidence"] and rows[0]["file"] == "rmrb-1998.txt"
    assert run(graph, "holders-of-post", title="会长", org="中国人口学会", date="1998-03-19") == []
    # removed that day: held until then, not after
    rows = run(graph, "holders-of-post", title="副部长", org="司法部", date="1998-03-20")
    assert [(r["holder"], r["end"]) for r in rows] == [("张耕", "1998-03-20")]
    assert run(graph, "holders-of-post", title="副部长", org="司法部", date="1998-03-21") == []


def test_career_of_person(built):
    rows = run(built / "rmrb" / "graph.nt", "career-of-person", name="李贵鲜")
    assert [(r["title"], r["end"], r["changes"], r["former"]) for r in rows] == [
        ("院长", "1998-03-20", "removed 1998-03-20", "false")
    ]
    assert "国家行政学院" in rows[0]["organisation"]  # national_orgs: 中共中央党校（国家行政学院）
    assert "免去李贵鲜兼任的国家行政学院院长职务" in rows[0]["source"]
    rows = run(built / "seed" / "graph.nt", "career-of-person", name="孙承川")
    assert [(r["title"], r["firstObserved"], r["end"]) for r in rows] == [
        ("党组书记", "2020-03-05", "2020-03-05"),
        ("局长", "2020-03-05", "2020-03-05"),
    ]


def test_post_changes_by_body_and_date_range(built):
    graph = built / "rmrb" / "graph.nt"
    rows = run(graph, "post-changes", body="", **{"from": "1998-03-01", "to": "1998-03-31"})
    got = sorted((r["event"], r["kind"], r["person"], r["post"]) for r in rows)
    assert [g[:3] for g in got] == [
        ("Appointment", "elected", "彭珮云"),
        ("Departure", "removed", "刘松金"),
        ("Departure", "removed", "张耕"),
        ("Departure", "removed", "李贵鲜"),
    ]
    # bodies by their full names (national_orgs.tsv): 中华人民共和国司法部, 中共中央党校（国家行政学院）
    for g, post in zip(got, ("中国人口学会会长", "交通部副部长", "司法部副部长", "院长"), strict=True):
        assert g[3].endswith(post)
    assert run(graph, "post-changes", body="", **{"from": "1998-04-01", "to": ""}) == []
    rows = run(graph, "post-changes", body="司法部", **{"from": "", "to": ""})
    assert [(r["person"], r["date"]) for r in rows] == [("张耕", "1998-03-20")]
    rows = run(built / "seed" / "graph.nt", "post-changes", body="庄河市营商环境建设局", **{"from": "", "to": ""})
    assert sorted((r["person"], r["post"], r["kind"]) for r in rows) == [
        ("孙承川", "庄河市营商环境建设局党组书记", "removed"),
        ("孙承川", "庄河市营商环境建设局局长", "removed"),
    ]
    assert all("受免职处理" in r["sentence"] for r in rows)


def test_a_former_post_is_marked_and_never_held(built):
    graph = built / "rmrb" / "graph.nt"
    rows = run(graph, "career-of-person", name="周光全")
    assert [(r["title"], r["former"], r["start"], r["firstObserved"]) for r in rows] == [("书记", "true", "", "")]
    assert "原巢湖市市委书记周光全" in rows[0]["source"]
    g = Graph().parse(graph)
    (person,) = g.subjects(RDFS.label, Literal("周光全", lang="zh"))
    assert list(g.objects(person, ORG.holds)) == []  # a former post is a tenure, not a current org:holds
    for day in ("1998-03-21", "1997-05-14"):
        assert run(graph, "holders-of-post", title="书记", org=rows[0]["organisation"], date=day) == []


def test_a_nomination_is_a_change_but_not_a_post_held(tmp_path):
    # 市委决定提名甲为…市长候选人 (the formula of the genre; the public corpora hold none): an
    # appointment event of kind nominated, with its post, but no org:holds and no tenure; and
    # 任命乙为吉林省副省长、代省长: the posts of the province printed with them, not the paper's
    from kg.build import build_graph

    src = tmp_path / "in"
    src.mkdir()
    (src / "nomination.txt").write_text(
        "本报讯 3月2日，市委决定提名李明为沈阳市人民政府市长候选人。\n"
        "4月2日，吉林省人大常委会会议决定，任命王刚为吉林省副省长、代省长。\n",
        encoding="utf-8",
    )
    overrides = MetaOverrides(date="2021-04-03", region="辽宁省沈阳市")
    build_graph([src], tmp_path / "out", overrides=overrides, html=False, formats=("nt",))
    g = Graph().parse(tmp_path / "out" / "graph.nt")

    def events(name: str) -> dict[tuple[str, str, str], object]:
        out = {}
        for e in g.subjects(RDF.type, KG.Appointment):
            person, post = g.value(e, KG.person), g.value(e, KG.post)
            if str(g.value(person, RDFS.label)) == name:
                org = str(g.value(g.value(post, ORG.postIn), RDFS.label))
                out[(str(g.value(e, KG.changeKind)), str(g.value(post, KG.title)), org)] = e
        return out

    nominated = events("李明")
    assert set(nominated) == {("nominated", "市长", "沈阳市人民政府")}
    (e,) = nominated.values()
    person, post = g.value(e, KG.person), g.value(e, KG.post)
    assert g.value(e, KG.date) == Literal("2021-03-02", datatype=XSD.date)
    assert (person, ORG.holds, post) not in g
    assert not set(g.subjects(ORG.member, person))  # no tenure
    assert set(events("王刚")) == {
        ("appointed", "副省长", "吉林省人民政府"),
        ("acting", "代理省长", "吉林省人民政府"),
    }
