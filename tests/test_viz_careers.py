"""Careers and decided changes in the page (kg.viz.careers, kg.viz.page), on a small graph in the
data model kg.export_careers writes: a person's career timeline (acting and former marked, each
with its source) and a meeting's list of the changes decided there; article text stays text."""

from __future__ import annotations

import json

from rdflib import Literal
from test_viz import NASTY, NASTY_IMG, GraphMaker, _script

from kg import ns
from kg.iri import mint
from kg.ns import KG, ORG, RDF
from kg.viz import ViewSpec
from kg.viz.analysis import analysis_graph
from kg.viz.page import render
from kg.viz.view import select

SENTENCE = "会议决定任命王晓为陕西省人民政府副省长、代理省长。"


def _graph(sentence: str = SENTENCE, name: str = "王晓"):
    m = GraphMaker()
    person = m.entity("person/陕西省/王晓", KG.Person, name)
    gov = m.entity("org/陕西省人民政府", KG.Organization, "陕西省人民政府")
    meeting = m.entity("meeting/陕西省人大常委会第三十一次会议/2022-02-25", KG.Meeting, "省人大常委会第三十一次会议")
    old = m.entity("org/西安市人民政府", KG.Organization, "西安市人民政府")
    d = ns.XSD.date
    for title, kind, key in (("副省长", "appointed", "a"), ("代理省长", "acting", "b")):
        post = m.post(person, gov, "陕西省人民政府", title, sentence)
        e = mint(f"change/{key}")
        m.g.add((e, RDF.type, KG.Appointment))
        m.g.add((e, KG.changeKind, Literal(kind)))
        m.g.add((e, KG.date, Literal("2022-02-25", datatype=d)))
        m.edge(e, KG.person, person, sentence, f"{kind} (决定任命)")
        m.edge(e, KG.post, post, sentence, f"{kind} (决定任命)")
        m.edge(e, KG.decidedBy, meeting, sentence, f"{kind} (决定任命)")
        t = mint(f"tenure/{key}")
        m.g.add((t, RDF.type, ORG.Membership))
        m.g.add((t, ORG.organization, gov))
        m.g.add((t, KG.post, post))
        m.g.add((t, KG.statedStart, Literal("2022-02-25", datatype=d)))
        m.g.add((t, KG.former, Literal(False)))
        m.edge(t, ORG.member, person, sentence, "tenure")
    post = m.post(person, old, "西安市人民政府", "市长", "原西安市市长王晓出席。")
    t = mint("tenure/c")
    m.g.add((t, RDF.type, ORG.Membership))
    m.g.add((t, ORG.organization, old))
    m.g.add((t, KG.post, post))
    m.g.add((t, KG.firstObserved, Literal("2021-08-06", datatype=d)))
    m.g.add((t, KG.lastObserved, Literal("2021-08-06", datatype=d)))
    m.g.add((t, KG.former, Literal(True)))
    m.edge(t, ORG.member, person, "原西安市市长王晓出席。", "tenure")
    return m.g, person, meeting


def test_career_timeline_in_date_order_with_marks_and_sources():
    g, person, _ = _graph()
    steps = analysis_graph(g).nodes[str(person)]["career"]
    assert [(s.org_name, s.title, s.acting, s.former, s.start, s.first_observed) for s in steps] == [
        ("西安市人民政府", "市长", False, True, "", "2021-08-06"),
        ("陕西省人民政府", "代理省长", True, False, "2022-02-25", ""),
        ("陕西省人民政府", "副省长", False, False, "2022-02-25", ""),
    ]
    assert [c.label for c in steps[1].changes] == ["代理"] and [c.label for c in steps[2].changes] == ["任命"]
    data = json.loads(_script(render(select(analysis_graph(g), ViewSpec())), "kg-data"))
    career = data["details"][str(person)]["career"]
    assert [c["title"] for c in career] == ["市长", "代理省长", "副省长"]
    texts = {data["sentences"][sid]["text"] for step in career for sid in step["sentences"]}
    assert texts == {SENTENCE, "原西安市市长王晓出席。"}
    assert career[2]["changes"][0]["sentences"]  # each change with its sentence ids


def test_meeting_lists_the_changes_decided_there():
    g, person, meeting = _graph()
    data = json.loads(_script(render(select(analysis_graph(g), ViewSpec())), "kg-data"))
    changes = data["details"][str(meeting)]["changes"]
    assert [(c["label"], c["personName"], c["post"], c["date"]) for c in changes] == [
        ("代理", "王晓", "陕西省人民政府代理省长", "2022-02-25"),
        ("任命", "王晓", "陕西省人民政府副省长", "2022-02-25"),
    ]
    assert all(data["sentences"][sid]["text"] == SENTENCE for c in changes for sid in c["sentences"])
    assert data["details"][str(person)]["changes"] == []


def test_article_text_in_careers_stays_text():
    g, person, meeting = _graph(sentence=f"{NASTY}任命{NASTY_IMG}。", name=NASTY)
    html = render(select(analysis_graph(g), ViewSpec()))
    assert NASTY not in html and NASTY_IMG not in html
    data = json.loads(_script(html, "kg-data"))
    assert data["details"][str(meeting)]["changes"][0]["personName"] == NASTY
