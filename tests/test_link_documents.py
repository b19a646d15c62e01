"""kg.link.documents: who issued a document and what a meeting discussed, on formulas of the
genre the public corpora and dev half A do not print (composed for these tests, in the forms of
county and city government and people's congress reports; hand-made mention records)."""

from __future__ import annotations

import datetime as dt

from records_helper import M, O, T, Y, analysis

from kg.link import link
from kg.records import RelationKind as K
from kg.resolve import resolve


def edges(*analyses):
    res = resolve(list(analyses))
    return {(r.kind, r.subject.split("/", 1)[1], r.object.split("/", 1)[-1]) for r in link(list(analyses), res)}


def issued(got):
    return {(s, o) for k, s, o in got if k is K.ISSUED_BY}


def test_bodies_printed_before_a_title_issue_it_but_not_a_paper():
    an = analysis(
        "市发展改革委、市住房城乡建设局《生活垃圾分类制度实施方案》已经市政府同意，现转发给你们。"
        "人民日报《坚定推进改革开放》一文指出，改革只有进行时。",
        [
            ("市发展改革委", O),
            ("市住房城乡建设局", O),
            ("生活垃圾分类制度实施方案", Y),
            ("市政府", O),
            ("人民日报", O),
            ("坚定推进改革开放", Y),
        ],
        paper="",
        region="贵州省贵阳市",
    )
    got = issued(edges(an))
    plan = {o for s, o in got if s == "生活垃圾分类制度实施方案"}
    assert len(plan) == 2 and any("发展" in o for o in plan) and any("住房" in o for o in plan)
    assert not {o for s, o in got if s == "坚定推进改革开放"}


def test_bodies_listed_in_a_titles_head_and_the_printers_of_a_notice():
    an = analysis(
        "副县长宣读了《中共平原县委、平原县人民政府关于表彰2011年度先进集体的决定》。"
        "根据《中共中央办公厅、国务院办公厅印发〈关于全面推进政务公开工作的意见〉的通知》要求，制定本方案。",
        [
            ("副县长", T),
            ("中共平原县委、平原县人民政府关于表彰2011年度先进集体的决定", Y),
            ("中共平原县委", O, True),
            ("平原县人民政府", O, True),
            ("中共中央办公厅、国务院办公厅印发〈关于全面推进政务公开工作的意见〉的通知", Y),
            ("中共中央办公厅", O, True),
            ("国务院办公厅", O, True),
            ("关于全面推进政务公开工作的意见", Y, True),
        ],
        paper="",
        region="山东省德州市平原县",
    )
    got = issued(edges(an))
    decision = next(s for s, _ in got if "表彰" in s)
    assert {o for s, o in got if s == decision} == {"中共平原县委", "平原县人民政府"}
    assert {o for s, o in got if s == "关于全面推进政务公开工作的意见"} == {"中共中央办公厅", "国务院办公厅"}


def test_the_author_of_a_notice_issues_the_document_it_prints():
    # composed in the form of a city government office's notice: its title, unbracketed, in the
    # headline, the printed document in brackets in the body
    an = analysis(
        "贵阳市人民政府办公厅关于印发贵阳市稳定经济运行实施方案的通知\n"
        "《贵阳市稳定经济运行实施方案》已经市人民政府同意，现印发给你们，请认真组织实施。",
        [
            ("贵阳市人民政府办公厅关于印发贵阳市稳定经济运行实施方案的通知", Y),
            ("贵阳市人民政府办公厅", O, True),
            ("贵阳市稳定经济运行实施方案", Y),
            ("市人民政府", O),
        ],
        paper="",
        region="贵州省贵阳市",
        headline_lines=1,
    )
    got = issued(edges(an))
    assert ("贵阳市稳定经济运行实施方案", "贵阳市人民政府办公厅") in got
    assert ("贵阳市人民政府办公厅关于印发贵阳市稳定经济运行实施方案的通知", "贵阳市人民政府办公厅") in got
    assert ("贵阳市稳定经济运行实施方案", "贵阳市人民政府") not in got  # it approved, it did not issue


def test_a_name_inside_a_works_title_is_not_issued_by_its_organiser():
    # composed in the form of county news on an exhibition (the title a work's, the campaign named in it)
    an = analysis(
        "由县总工会主办的《决战决胜——某县脱贫攻坚工作掠影》大型图片展在县委门前广场展出。",
        [("县总工会", O), ("脱贫攻坚", Y), ("县委", O)],
        paper="",
        region="河南省周口市郸城县",
    )
    assert not issued(edges(an))


def test_a_name_opening_with_a_body_is_its_document_only_if_it_names_a_document():
    # composed in the form of a provincial party paper's report (the seeds' 001 prints the system)
    an = analysis(
        "会议听取了《吉林省人民政府工作报告》，强调要完善中国共产党党内法规体系。",
        [
            ("吉林省人民政府工作报告", Y),
            ("吉林省人民政府", O, True),
            ("中国共产党党内法规体系", Y),
            ("中国共产党", O, True),
        ],
        paper="",
        region="吉林省",
    )
    got = issued(edges(an))
    assert ("吉林省人民政府工作报告", "吉林省人民政府") in got
    assert not [o for s, o in got if s == "中国共产党党内法规体系"]


def test_a_dateline_agency_or_a_gazette_prints_a_document_it_does_not_issue():
    # CLUENER (real sentences, shortened): an agency's dateline before the issuer it reports, and a
    # city government's gazette printing a notice
    an = analysis(
        "中新社七月十六日电台北消息：台湾“金管会”十五日发布修正两岸金融业务往来许可办法。"
        "今年6月1日，北京市政府第10期《政府公报》发布了《关于已购经适房上市交易的有关通知》。",
        [
            ("中新社", O),
            ("修正两岸金融业务往来许可办法", Y),
            ("北京市政府", O),
            ("政府公报", O),
            ("关于已购经适房上市交易的有关通知", Y),
        ],
        paper="",
        region="",
    )
    got = issued(edges(an))
    assert not [o for s, o in got if "新闻社" in o or "中新社" in o]
    assert not [o for s, o in got if "公报" in o]


def test_a_regulation_named_after_a_body_is_that_bodys_only_if_it_makes_rules():
    an = analysis(
        "会议审议了《上海市公共图书馆条例(草案)》和《深圳市人民代表大会常务委员会听证条例》。",
        [
            ("上海市公共图书馆条例(草案)", Y),
            ("上海市公共图书馆", O, True),
            ("深圳市人民代表大会常务委员会听证条例", Y),
            ("深圳市人民代表大会常务委员会", O, True),
        ],
        paper="",
        region="上海市",
    )
    got = issued(edges(an))
    assert not [o for s, o in got if "图书馆" in s]
    assert ("深圳市人民代表大会常务委员会听证条例", "深圳市人民代表大会常务委员会") in got


def test_what_a_session_discusses_submitted_agenda_and_not_yet():
    an = analysis(
        "省十三届人大常委会第二十九次会议开幕\n"
        "《安徽省铁路安全管理条例(草案)》《安徽省生活垃圾分类管理条例(草案)》已经省政府常务会议通过，提请本次会议审议。",
        [
            ("省十三届人大常委会第二十九次会议", M),
            ("安徽省铁路安全管理条例(草案)", Y),
            ("安徽省生活垃圾分类管理条例(草案)", Y),
            ("省政府常务会议", M),
        ],
        paper="",
        region="安徽省",
        headline_lines=1,
        date=dt.date(2021, 9, 27),
    )
    got = {(s, o) for k, s, o in edges(an) if k is K.ABOUT}
    for law in ("安徽省铁路安全管理条例", "安徽省生活垃圾分类管理条例"):
        assert {m for m, p in got if p == law} == {
            next(m for m, _ in got if "常务委员会" in m or "人大" in m),
            next(m for m, _ in got if "常务会议" in m),
        }
    an = analysis(
        "2月4日，县长主持召开县政府第52次常务会议。会前学习了《中华人民共和国环境保护法》，讨论了《政府工作报告(草案)》。"
        "会议组织讨论即将提请县十六届人大五次会议审议的《县长办公会议事规则(讨论稿)》。",
        [
            ("县长", T),
            ("县政府第52次常务会议", M),
            ("中华人民共和国环境保护法", Y),
            ("政府工作报告(草案)", Y),
            ("县十六届人大五次会议", M),
            ("县长办公会议事规则(讨论稿)", Y),
        ],
        paper="",
        region="甘肃省天水市清水县",
        date=dt.date(2015, 2, 5),
    )
    got = {(s, o) for k, s, o in edges(an) if k is K.ABOUT}
    standing = {m for m, _ in got if "常务会议" in m}
    assert len(standing) == 1
    assert any("政府工作报告" in p for m, p in got if m in standing)
    assert not [m for m, p in got if "议事规则" in p and "人民代表大会" in m]


def test_a_meeting_held_on_the_document_its_name_holds():
    an = analysis(
        "日前，我县召开《政府工作报告》征求意见会，广泛征求意见。",
        [("《政府工作报告》征求意见会", M), ("政府工作报告", Y, True)],
        paper="",
        region="福建省福州市连江县",
    )
    got = {(s, o) for k, s, o in edges(an) if k is K.ABOUT}
    assert [p for _, p in got if "政府工作报告" in p]


def test_a_meeting_named_after_a_document_whose_span_opens_after_the_title():
    # composed in the form of a county paper's report: the meeting read without the title before it
    an = analysis(
        "县委召开《中共某县委关于制定某县国民经济和社会发展第十四个五年规划的建议》征求意见座谈会。",
        [
            ("县委", O),
            ("中共某县委关于制定某县国民经济和社会发展第十四个五年规划的建议", Y),
            ("意见座谈会", M),
        ],
        paper="",
        region="山东省德州市平原县",
    )
    got = {(s, o) for k, s, o in edges(an) if k is K.ABOUT}
    assert [p for _, p in got if "第十四个五年规划的建议" in p]
