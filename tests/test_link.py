"""Linking on real excerpts (hand-made mention records, no spaCy)."""

from __future__ import annotations

import datetime as dt

from records_helper import L, M, O, P, T, Y, analysis

from kg import knowledge
from kg.link import link
from kg.records import RelationKind as K
from kg.resolve import resolve


def edges(*analyses):
    res = resolve(list(analyses))
    rels = link(list(analyses), res)
    return {(r.kind, r.subject, r.object, r.title) for r in rels}, rels


def test_several_people_and_posts_in_one_sentence():
    an = analysis(
        "3月4日，省委常委、副省长陈向群，省委常委、大连市委书记谭作钧出席开工奠基仪式。",
        [
            ("省委", O),
            ("常委", T),
            ("副省长", T),
            ("陈向群", P),
            ("省委", O),
            ("常委", T),
            ("大连市委", O),
            ("大连市", L, True),
            ("书记", T),
            ("谭作钧", P),
            ("开工奠基仪式", M),
        ],
        date=dt.date(2020, 3, 5),
    )
    got, _ = edges(an)
    chen, tan = "person/辽宁省/陈向群", "person/辽宁省/谭作钧"
    assert (K.HOLDS_POST, chen, "org/中共辽宁省委", "常委") in got
    assert (K.HOLDS_POST, chen, "org/辽宁省人民政府", "副省长") in got
    assert (K.HOLDS_POST, tan, "org/中共辽宁省委", "常委") in got
    assert (K.HOLDS_POST, tan, "org/中共大连市委", "书记") in got
    assert (K.HOLDS_POST, chen, "org/中共大连市委", "书记") not in got
    meeting = "meeting/开工奠基仪式/2020-03-04"
    assert (K.ATTENDEE, meeting, chen, None) in got and (K.ATTENDEE, meeting, tan, None) in got
    assert (K.START_DATE, meeting, "2020-03-04", None) in got


def test_a_meeting_mentioned_is_not_a_meeting_attended():
    an = analysis(
        "8月5日，刘宁主持召开省政府党组会议和常务会议。各地各部门要认真落实全国疫情防控工作电视电话会议部署，刘宁强调要坚决守住防控成果。",
        [
            ("刘宁", P),
            ("省政府", O, True),
            ("省政府党组会议", M),
            ("常务会议", M),
            ("全国疫情防控工作电视电话会议", M),
            ("刘宁", P),
        ],
    )
    got, _ = edges(an)
    person = "person/辽宁省/刘宁"
    chaired = {o for k, o, p, _ in got if k is K.CHAIR and p == person}
    assert chaired == {"meeting/辽宁省人民政府党组会议/2021-08-05", "meeting/辽宁省人民政府常务会议/2021-08-05"}
    assert not any(k in (K.ATTENDEE, K.CHAIR) and s.startswith("meeting/全国疫情") for k, s, _, _ in got)
    assert (K.ORGANIZER, "meeting/辽宁省人民政府常务会议/2021-08-05", "org/辽宁省人民政府", None) in got


def test_written_address_place_and_speech():
    an = analysis(
        "8月5日，国家主席习近平向新冠疫苗合作国际论坛首次会议发表书面致辞。全省农村人居环境整治会议在沈阳召开。",
        [
            ("国家主席", T),
            ("习近平", P),
            ("新冠疫苗合作国际论坛首次会议", M),
            ("全省", L, True),
            ("全省农村人居环境整治会议", M),
            ("沈阳", L),
        ],
    )
    got, _ = edges(an)
    assert (K.ATTENDEE, "meeting/新冠疫苗合作国际论坛首次会议/2021-08-05", "person/全国/习近平", None) in got
    assert (K.LOCATION, "meeting/全省农村人居环境整治会议/undated", "place/辽宁省沈阳市", None) in got


def test_meeting_about_policies_and_issued_by():
    an = analysis(
        "省政协举行党组会议暨主席会议\n8月5日，省政协举行十二届七十七次党组会议暨十二届三十六次主席会议。会议传达学习《中国共产党统一战线工作条例》。省财政厅与省商务厅联合下发通知，出台六项措施。",
        [
            ("省政协", O),
            ("党组会议暨主席会议", M),
            ("省政协", O),
            ("十二届七十七次党组会议暨十二届三十六次主席会议", M),
            ("中国共产党统一战线工作条例", Y),
            ("省财政厅", O),
            ("省商务厅", O),
            ("六项措施", Y),
        ],
        headline_lines=1,
    )
    got, _ = edges(an)
    meeting = next(s for k, s, _, _ in got if k is K.ORGANIZER)
    assert (K.ABOUT, meeting, "policy/中国共产党统一战线工作条例", None) in got
    assert (K.ISSUED_BY, "policy/六项措施", "org/辽宁省财政厅", None) in got
    assert (K.ISSUED_BY, "policy/六项措施", "org/辽宁省商务厅", None) in got


def test_bylines_give_authors_and_reporter_posts_with_evidence():
    an = analysis(
        "本报讯 记者王笑梅报道 日前，省委组织部通报典型问题。",
        [("本报", O), ("记者", T), ("王笑梅", P), ("省委组织部", O)],
        bylines=(("王笑梅", "记者"),),
    )
    got, rels = edges(an)
    assert (K.AUTHOR, "article/page/00", "person/辽宁省/王笑梅", None) in got
    assert (K.HOLDS_POST, "person/辽宁省/王笑梅", "org/辽宁日报", "记者") in got
    (author,) = [r for r in rels if r.kind is K.AUTHOR]
    (ev,) = author.evidence
    assert (ev.article, ev.sentence) == ("page/00", 0)


def test_containment_edges_cite_sentences_or_the_gazetteer():
    an = analysis(
        "葫芦岛市南票区龙腾街道党工委副书记魏东雷。",
        [
            ("葫芦岛市南票区龙腾街道党工委", O),
            ("葫芦岛市", L, True),
            ("南票区", L, True),
            ("龙腾街道", L, True),
            ("副书记", T),
            ("魏东雷", P),
        ],
    )
    _, rels = edges(an)
    contained = {(r.subject, r.object): r for r in rels if r.kind is K.CONTAINED_IN_PLACE}
    town = next(s for s, _ in contained if s.endswith("龙腾街道"))
    assert (town, "place/辽宁省葫芦岛市南票区") in contained
    assert any(
        e.note == "gazetteer" for e in contained[("place/辽宁省葫芦岛市南票区", "place/辽宁省葫芦岛市")].evidence
    )
    located = {(r.subject, r.object) for r in rels if r.kind is K.LOCATION}
    assert ("org/葫芦岛市南票区龙腾街道党工委", town) in located


def test_a_studied_meeting_in_the_headline_is_not_the_one_attended():
    # composed in the formula of 辽宁日报's meeting reports (office holders of November 2021)
    an = analysis(
        "省委常委会召开会议\n传达学习党的十九届六中全会精神\n"
        "11月9日，省委书记张国清主持召开省委常委会会议，传达学习党的十九届六中全会精神。省委副书记胡玉亭出席会议。",
        [
            ("省委常委会", O),
            ("党的十九届六中全会", M),
            ("省委", O),
            ("书记", T),
            ("张国清", P),
            ("省委常委会", O),
            ("省委常委会会议", M, True),
            ("党的十九届六中全会", M),
            ("省委", O),
            ("副书记", T),
            ("胡玉亭", P),
        ],
        headline_lines=2,
        date=dt.date(2021, 11, 10),
    )
    got, _ = edges(an)
    own = "meeting/中共辽宁省委常务委员会会议/2021-11-09"
    assert (K.CHAIR, own, "person/辽宁省/张国清", None) in got
    assert (K.ATTENDEE, own, "person/辽宁省/胡玉亭", None) in got
    assert not any(k is K.ATTENDEE and "六中全会" in s for k, s, _, _ in got)


# The tests below use sentences composed in the formula of 吉林日报 and Xinhua copy (office
# holders of June 2021); the seeds have no such list or short name.


def test_names_listed_after_a_title_share_it():
    an = analysis(
        "副省长蔡东、安立佳、朱天舒，省政府秘书长刘金波参加会议。",
        [("副省长", T), ("蔡东", P), ("安立佳", P), ("朱天舒", P), ("省政府", O), ("秘书长", T), ("刘金波", P)],
        paper="吉林日报",
        region="吉林省",
    )
    got, _ = edges(an)
    for name in ("蔡东", "安立佳", "朱天舒"):
        assert (K.HOLDS_POST, f"person/吉林省/{name}", "org/吉林省人民政府", "副省长") in got
    assert (K.HOLDS_POST, "person/吉林省/刘金波", "org/吉林省人民政府", "秘书长") in got
    assert (K.HOLDS_POST, "person/吉林省/刘金波", "org/吉林省人民政府", "副省长") not in got


def test_the_wire_agency_in_the_dateline_issues_nothing():
    an = analysis(
        "新华社北京6月17日电 国务院办公厅日前印发《关于加强医疗保障基金使用常态化监管的实施意见》（以下简称《意见》）。《意见》要求，各地要建立健全部门联动机制。",
        [
            ("新华社", O),
            ("北京", L),
            ("国务院办公厅", O),
            ("国务院", O, True),
            ("关于加强医疗保障基金使用常态化监管的实施意见", Y),
            ("意见", Y),
            ("意见", Y),
        ],
        agency="新华社",
    )
    got, _ = edges(an)
    issued = {(s, o) for k, s, o, _ in got if k is K.ISSUED_BY}
    assert issued == {("policy/关于加强医疗保障基金使用常态化监管的实施意见", "org/国务院办公厅")}


def test_those_who_hold_a_summit_attend_it_and_a_head_title_shares_the_body():
    # composed in the formula of Xinhua's summit reports (April 2021)
    an = analysis(
        "新华社北京4月16日电 国家主席习近平4月16日下午在北京以视频方式同法国总统马克龙、德国总理默克尔举行中法德领导人视频峰会。"
        "中共中央政治局委员、中央外事工作委员会办公室主任杨洁篪，国务委员兼外交部长王毅参加。",
        [
            ("新华社", O),
            ("北京", L),
            ("国家主席", T),
            ("习近平", P),
            ("北京", L),
            ("法国", L),
            ("总统", T),
            ("马克龙", P),
            ("德国", L),
            ("总理", T),
            ("默克尔", P),
            ("中法德领导人视频峰会", M),
            ("中共中央政治局", O),
            ("委员", T),
            ("中央外事工作委员会办公室", O),
            ("主任", T),
            ("杨洁篪", P),
            ("国务委员", T),
            ("外交部", O),
            ("部长", T, "shares"),
            ("王毅", P),
        ],
        agency="新华社",
        date=dt.date(2021, 4, 17),
    )
    got, _ = edges(an)
    summit = "meeting/中法德领导人视频峰会/2021-04-16"
    attendees = {p for k, s, p, _ in got if k is K.ATTENDEE and s == summit}
    assert {"person/全国/习近平", "person/全国/杨洁篪", "person/全国/王毅"} <= attendees
    assert any(p.endswith("/马克龙") for p in attendees) and any(p.endswith("/默克尔") for p in attendees)
    assert (K.HOLDS_POST, "person/全国/王毅", "org/中华人民共和国外交部", "部长") in got


def test_the_body_a_title_implies_is_mentioned_by_the_article():
    an = analysis(
        "深入贯彻习近平总书记来陕考察重要讲话。国家主席习近平致贺信。",
        [("习近平", P), ("总书记", T), ("国家主席", T), ("习近平", P)],
        paper="",
        region="陕西省",
    )
    got, _ = edges(an)
    assert (K.MENTIONS, "article/page/00", "org/中国共产党中央委员会", None) in got
    assert not any(k is K.MENTIONS and o == "org/中华人民共和国" for k, _, o, _ in got)


def test_no_organiser_where_another_body_meets_or_the_body_is_the_venue_or_object():
    # 河南省政协 chairmen's meeting (2019); 天津 河东区 report (2016); 毕节 ceremony (2022)
    an = analysis(
        "7月11日,河南省政协十二届二十二次主席会议在郑州召开。"
        "按照市长黄兴国在天津市政府驻北京办事处召开的推进京津冀协同发展工作座谈会的讲话精神。"
        "12月27日,贵州医科大学附属医院七星关分院揭牌仪式举行。",
        [
            ("河南省政协", O),
            ("河南省政协十二届二十二次主席会议", M, True),
            ("郑州", L),
            ("市长", T),
            ("黄兴国", P),
            ("天津市政府驻北京办事处", O),
            ("推进京津冀协同发展工作座谈会", M),
            ("贵州医科大学附属医院", O),
            ("贵州医科大学附属医院七星关分院揭牌仪式", M, True),
        ],
        paper="",
        region="河南省",
    )
    got, _ = edges(an)
    assert not [e for e in got if e[0] is K.ORGANIZER]


def test_a_list_of_attendees_with_role_words_and_a_missed_name():
    # 陕西 人大常委会 session report (2022)
    an = analysis(
        "十三届人大常委会第三十一次会议在西安召开\n"
        "省人大常委会副主任姜锋、郭青和秘书长文引学出席会议。"
        "副省长郭永红,省高级人民法院院长李智,省监察委员会负责同志,省人大常委会机关厅级干部和省政府副秘书长列席会议。"
        "会议听取了省委组织部部长程福波作的有关人事事项的说明。",
        [
            ("十三届人大常委会第三十一次会议", M),
            ("西安", L),
            ("省人大常委会", O),
            ("副主任", T),
            ("姜锋", P),
            ("郭青", P),
            ("秘书长", T),
            ("副省长", T),
            ("郭永红", P),
            ("省高级人民法院", O),
            ("院长", T),
            ("李智", P),
            ("省监察委员会", O),
            ("省人大常委会", O),
            ("省政府", O),
            ("副秘书长", T),
            ("省委组织部", O),
            ("部长", T),
            ("程福波", P),
        ],
        paper="",
        region="陕西省",
        headline_lines=1,
    )
    got, _ = edges(an)
    meeting = next(s for k, s, _, _ in got if k is K.LOCATION and s.startswith("meeting/"))
    attended = {o for k, s, o, _ in got if k is K.ATTENDEE and s == meeting}
    assert attended == {f"person/陕西省/{n}" for n in ("姜锋", "郭青", "郭永红", "李智", "程福波")}


def test_a_second_verb_and_a_presence_verb_with_another_object():
    # 甘肃日报 (2019): the chair of the conference speaks at its closing session, which another chairs
    an = analysis(
        "全省现场推进会举行\n"
        "省长唐仁健出席会议并讲话。常务副省长宋亮主持大会并在总结会议上讲话。"
        "省委组织部部长李元平宣读林铎同志批示并主持总结会议。"
        "深入学习贯彻习近平总书记参加甘肃代表团审议时的重要讲话精神。",
        [
            ("全省现场推进会", M),
            ("省长", T),
            ("唐仁健", P),
            ("常务副省长", T),
            ("宋亮", P),
            ("总结会议", M),
            ("省委组织部", O),
            ("部长", T),
            ("李元平", P),
            ("林铎", P),
            ("总结会议", M),
            ("习近平", P),
            ("总书记", T),
        ],
        paper="甘肃日报",
        region="甘肃省",
        headline_lines=1,
    )
    got, _ = edges(an)
    by = {(k, s.split("/")[1], o.split("/")[-1]) for k, s, o, _ in got if k in (K.CHAIR, K.ATTENDEE)}
    assert (K.CHAIR, "全省现场推进会", "宋亮") in by and (K.ATTENDEE, "全省现场推进会", "唐仁健") in by
    assert (K.ATTENDEE, "总结会议", "宋亮") in by and (K.CHAIR, "总结会议", "李元平") in by
    assert not any(o in ("林铎", "习近平") for _, _, o in by)


def test_what_a_meeting_reviewed_not_every_document_it_names():
    # 南宁 city government executive meeting (2009) and 深圳 (2014)
    an = analysis(
        "市政府第63次常务会议召开\n"
        "会议审议通过了《关于处理五象新区土地的若干意见》,内容包括各部门职责、土地收回办法、土地处置办法。"
        "会议审议并原则通过了《指导意见》以及《行动计划》,与市人大常委会出台的《关于加强标准建设若干问题的决定》形成体系。"
        "会议指出,要推动我国由制造大国向制造强国转变。",
        [
            ("市政府第63次常务会议", M),
            ("关于处理五象新区土地的若干意见", Y),
            ("土地收回办法", Y),
            ("土地处置办法", Y),
            ("指导意见", Y),
            ("行动计划", Y),
            ("市人大常委会", O),
            ("关于加强标准建设若干问题的决定", Y),
            ("制造强国", Y),
        ],
        paper="",
        region="广西壮族自治区南宁市",
        headline_lines=1,
    )
    got, _ = edges(an)
    about = {o.removeprefix("policy/") for k, _, o, _ in got if k is K.ABOUT}
    assert {"关于处理五象新区土地的若干意见", "指导意见", "行动计划"} <= about
    assert not about & {"土地收回办法", "土地处置办法", "关于加强标准建设若干问题的决定"}


def test_a_studied_meeting_discusses_nothing_of_the_sentence():
    # 虹口区 government work report (2021)
    an = analysis(
        "全面贯彻落实党的十九大和十九届五中全会精神,扎实做好“六稳”工作,实现了“十三五”圆满收官。",
        [("十九届五中全会", M), ("六稳", Y), ("十三五", Y)],
        paper="",
        region="上海市虹口区",
    )
    got, _ = edges(an)
    assert not [e for e in got if e[0] is K.ABOUT]


def test_posts_shared_by_a_list_inherited_in_a_chain_and_by_anaphora():
    # 北京日报 (2022), 河南 CPPCC (2019), 天津 河东区 (2016), 毕节 (2022)
    beijing = analysis(
        "会上,市委常委、组织部部长孙梅君作说明。市委代理书记、市长黄兴国出席。",
        [
            ("市委", O),
            ("常委", T),
            ("组织部部长", T),
            ("孙梅君", P),
            ("市委", O),
            ("书记", T),
            ("市长", T),
            ("黄兴国", P),
        ],
        paper="北京日报",
        region="北京市",
    )
    henan = analysis(
        "河南省政协副主席钱国玉、李英杰和秘书长王树山出席会议。贵州医科大学附属医院党委书记李海洋、院长左石出席。",
        [
            ("河南省政协", O),
            ("副主席", T),
            ("钱国玉", P),
            ("李英杰", P),
            ("秘书长", T),
            ("王树山", P),
            ("贵州医科大学附属医院", O),
            ("党委书记", T),
            ("李海洋", P),
            ("院长", T),
            ("左石", P),
        ],
        paper="",
        region="河南省",
        article_id="hn/00",
        source="hn.txt",
    )
    tianjin = analysis(
        "中共河东区委副书记、区长王亚明陪同。首先来到中国水利电力物资集团有限公司,听取了该集团谢卫江总经理的介绍。"
        "治平副主席在亚明区长的陪同下调研。",
        [
            ("中共河东区委", O),
            ("副书记", T),
            ("区长", T),
            ("王亚明", P),
            ("中国水利电力物资集团有限公司", O),
            ("谢卫江", P),
            ("总经理", T),
            ("治平", P),
            ("副主席", T),
            ("亚明", P),
            ("区长", T),
        ],
        paper="",
        region="天津市",
        article_id="tj/00",
        source="tj.txt",
    )
    got, _ = edges(beijing, henan, tianjin)
    posts = {(s.split("/")[-1], o.removeprefix("org/"), t) for k, s, o, t in got if k is K.HOLDS_POST}
    assert ("孙梅君", "中共北京市委组织部", "部长") in posts and ("孙梅君", "中共北京市委", "常委") in posts
    assert ("黄兴国", "中共北京市委", "代理书记") in posts
    assert ("王树山", "中国人民政治协商会议河南省委员会", "秘书长") in posts
    assert ("左石", "贵州医科大学附属医院", "院长") in posts
    assert ("王亚明", "天津市河东区人民政府", "区长") in posts
    assert ("谢卫江", "中国水利电力物资集团有限公司", "总经理") in posts
    people = {s for k, s, o, t in got if k is K.HOLDS_POST and "天津市" in s}
    assert "person/天津市/亚明" not in people and "person/天津市/王亚明" in people


def test_issuers_of_documents_named_after_them_or_after_a_verb():
    # 陕西 (2022), 虹口区 (2021), 南宁 (2009), 深圳 (2014)
    an = analysis(
        "根据全国人大常委会关于实行宪法宣誓制度的决定,王晓向宪法宣誓。"
        "根据《中共上海市虹口区委关于制定虹口区十四五规划的建议》,区政府制定了《上海市虹口区十四五规划纲要(草案)》。"
        "会议审议通过《中共南宁市委 南宁市人民政府关于加快建设南宁生物国家高技术产业基地的决定》。"
        "会议审议通过了《关于打造深圳标准的指导意见》。会议指出,出台实施相关指导意见是重大举措。",
        [
            ("全国人大常委会", O),
            ("关于实行宪法宣誓制度的决定", Y),
            ("王晓", P),
            ("宪法", Y),
            ("中共上海市虹口区委关于制定虹口区十四五规划的建议", Y),
            ("中共上海市虹口区委", O, True),
            ("区政府", O),
            ("上海市虹口区十四五规划纲要(草案)", Y),
            ("中共南宁市委 南宁市人民政府关于加快建设南宁生物国家高技术产业基地的决定", Y),
            ("中共南宁市委", O, True),
            ("南宁市人民政府", O, True),
            ("关于打造深圳标准的指导意见", Y),
            ("指导意见", Y),
        ],
        paper="",
        region="上海市虹口区",
    )
    got, rels = edges(an)
    issued = {(s.removeprefix("policy/"), o.removeprefix("org/")) for k, s, o, _ in got if k is K.ISSUED_BY}
    oath = "全国人民代表大会常务委员会关于实行宪法宣誓制度的决定"
    assert (oath, "全国人民代表大会常务委员会") in issued
    assert ("上海市虹口区十四五规划纲要", "上海市虹口区人民政府") in issued
    assert ("上海市虹口区十四五规划纲要", "中共上海市虹口区委") not in issued
    nanning = "中共南宁市委南宁市人民政府关于加快建设南宁生物国家高技术产业基地的决定"
    assert {(nanning, "中共南宁市委"), (nanning, "南宁市人民政府")} <= issued
    guidance = {o for k, _, o, _ in got if k is K.MENTIONS and "指导意见" in o}
    assert guidance == {"policy/关于打造深圳标准的指导意见"}


def test_a_meeting_held_at_a_venue_is_at_the_venue_and_its_place():
    # 毕节 (2022) and 天津 (2016)
    an = analysis(
        "12月27日,贵州医科大学附属医院七星关分院揭牌仪式在毕节市七星关区人民医院举行。"
        "按照市长黄兴国在天津市政府驻北京办事处召开的推进京津冀协同发展工作座谈会的讲话精神。",
        [
            ("贵州医科大学附属医院七星关分院揭牌仪式", M),
            ("毕节市七星关区人民医院", O),
            ("毕节市", L, True),
            ("七星关区", L, True),
            ("市长", T),
            ("黄兴国", P),
            ("天津市政府驻北京办事处", O),
            ("推进京津冀协同发展工作座谈会", M),
        ],
        paper="",
        region="贵州省毕节市七星关区",
    )
    got, _ = edges(an)
    located = {(s.split("/")[1], o) for k, s, o, _ in got if k is K.LOCATION and s.startswith("meeting/")}
    assert ("贵州医科大学附属医院七星关分院揭牌仪式", "place/贵州省毕节市七星关区") in located
    assert not [o for _, o in located if o.startswith("org/")]  # the ontology: held at places


def test_occasions_of_speeches_and_a_report_delivered_to_the_session():
    # 九龙坡区 (2021) and 海口 (2023)
    jiulongpo = analysis(
        "学习贯彻了习近平总书记在参观国家“十三五”科技创新成就展时的重要讲话精神、"
        "在第四届中国国际进口博览会开幕式上的主旨演讲精神。",
        [("习近平", P), ("总书记", T), ("国家“十三五”科技创新成就展", M), ("第四届中国国际进口博览会开幕式", M)],
        paper="",
        region="重庆市九龙坡区",
    )
    haikou = analysis(
        "2月10日下午,海口市第十七届人民代表大会第三次会议胜利闭幕。海口市中级人民法院院长张柏桢所作的法院工作报告获高票通过。",
        [
            ("海口市第十七届人民代表大会第三次会议", M),
            ("海口市中级人民法院", O),
            ("院长", T),
            ("张柏桢", P),
            ("法院工作报告", Y),
        ],
        paper="",
        region="海南省海口市",
        article_id="hk/00",
        source="hk.txt",
    )
    got, _ = edges(jiulongpo, haikou)
    attended = {(s.split("/")[1], o.split("/")[-1]) for k, s, o, _ in got if k is K.ATTENDEE}
    assert ("国家“十三五”科技创新成就展", "习近平") in attended
    assert ("第四届中国国际进口博览会开幕式", "习近平") in attended
    assert ("海口市第十七届人民代表大会第三次会议", "张柏桢") in attended
    about = {(s.split("/")[1], o) for k, s, o, _ in got if k is K.ABOUT}
    assert ("海口市第十七届人民代表大会第三次会议", "policy/法院工作报告") in about


def test_a_policy_inside_a_meetings_name_is_not_discussed_by_another():
    # 九龙坡区 (2021)
    an = analysis(
        "区长李顺主持召开区政府常务会议,学习贯彻了习近平总书记在参观国家“十三五”科技创新成就展时的重要讲话精神。",
        [
            ("区长", T),
            ("李顺", P),
            ("区政府常务会议", M),
            ("习近平", P),
            ("十三五", Y),
            ("国家“十三五”科技创新成就展", M, True),  # (the helper's flag; the extraction's is False)
        ],
        paper="",
        region="重庆市九龙坡区",
    )
    got, _ = edges(an)
    assert not [e for e in got if e[0] is K.ABOUT]


def test_joint_issuers_consulted_or_listed():
    # the formulas of joint documents: 甲商乙联合下发, 甲、乙联合印发
    an = analysis(
        "省财政厅商省人力资源社会保障厅联合下发《关于做好就业补助资金管理工作的通知》。"
        "省委办公厅、省政府办公厅联合印发《关于加强基层治理的实施意见》。",
        [
            ("省财政厅", O),
            ("省人力资源社会保障厅", O),
            ("关于做好就业补助资金管理工作的通知", Y),
            ("省委办公厅", O),
            ("省政府办公厅", O),
            ("关于加强基层治理的实施意见", Y),
        ],
    )
    got, _ = edges(an)
    issued = {(s.removeprefix("policy/"), o.removeprefix("org/")) for k, s, o, _ in got if k is K.ISSUED_BY}
    assert {
        ("关于做好就业补助资金管理工作的通知", "辽宁省财政厅"),
        ("关于做好就业补助资金管理工作的通知", "辽宁省人力资源和社会保障厅"),
        ("关于加强基层治理的实施意见", "中共辽宁省委办公厅"),
        ("关于加强基层治理的实施意见", "辽宁省人民政府办公厅"),
    } <= issued


def test_a_meeting_chaired_in_the_passive():
    # People's Daily (1998): 会议由全国妇联副主席、书记处第一书记黄菊主持
    an = analysis(
        "全国妇联七届三次执委会议今天在京召开，会议由全国妇联副主席、书记处第一书记黄菊主持。"
        "全国妇联七届三次执委会议由全国妇联副主席黄菊主持。",
        [
            ("全国妇联七届三次执委会议", M),
            ("全国妇联", O),
            ("副主席", T),
            ("书记处第一书记", T),
            ("黄菊", P),
            ("全国妇联七届三次执委会议", M),
            ("全国妇联", O),
            ("副主席", T),
            ("黄菊", P),
        ],
        paper="人民日报",
        region="中华人民共和国",
    )
    got, rels = edges(an)
    chairs = [r for r in rels if r.kind is K.CHAIR]
    assert len(chairs) == 1 and chairs[0].object.endswith("/黄菊")
    assert {e.sentence for e in chairs[0].evidence} == {0, 1}


def test_those_listed_as_present_attend():
    # People's Daily (1998): 今天上午在大会上发言的还有联想集团副总裁李勤、中科院副院长严义埙
    an = analysis(
        "全国科技大会今天在京开幕\n今天上午在大会上发言的还有联想集团副总裁李勤、中科院副院长严义埙等。"
        "出席全国科技大会的还有国务委员宋健。",
        [
            ("全国科技大会", M),
            ("联想集团", O),
            ("副总裁", T),
            ("李勤", P),
            ("中科院", O),
            ("副院长", T),
            ("严义埙", P),
            ("全国科技大会", M),
            ("国务委员", T),
            ("宋健", P),
        ],
        paper="人民日报",
        region="中华人民共和国",
        headline_lines=1,
    )
    got, _ = edges(an)
    attended = {o.split("/")[-1] for k, s, o, _ in got if k is K.ATTENDEE}
    assert attended == {"李勤", "严义埙", "宋健"}


def test_a_body_named_with_its_term_in_a_title_issues_it():
    # 江西 CPPCC standing committee (2020)
    an = analysis(
        "会议审议并原则通过《政协江西省第十二届委员会常务委员会工作报告(审议稿)》。省政协主席姚增科出席。",
        [("政协江西省第十二届委员会常务委员会工作报告(审议稿)", Y), ("省政协", O), ("主席", T), ("姚增科", P)],
        paper="",
        region="江西省",
    )
    got, rels = edges(an)
    body = "org/中国人民政治协商会议江西省委员会常务委员会"
    assert (K.ISSUED_BY, "policy/政协江西省第十二届委员会常务委员会工作报告", body, None) in got
    assert (K.MENTIONS, "article/page/00", body, None) in got
    sub = next(r for r in rels if r.kind is K.SUB_ORGANIZATION_OF and r.subject == body)
    assert sub.object == "org/中国人民政治协商会议江西省委员会" and sub.evidence[0].sentence == 0


def test_every_body_of_a_joint_document_and_only_the_verbs_object():
    # People's Daily 1998 (NER corpus), three articles: 联合颁发 by four ministries; the verb's
    # object ends at the clause (not 科教兴国战略); a name inside a document's title is not issued
    texts = [
        (
            "近日，国家教委、国家计委、农业部、财政部联合颁发了《农村教育集资管理办法》。",
            [("国家教委", O), ("国家计委", O), ("农业部", O), ("财政部", O), ("农村教育集资管理办法", Y)],
        ),
        (
            "楼继伟：财政部出台这一《通知》，是贯彻“科教兴国”战略的重要措施之一。",
            [("楼继伟", P), ("财政部", O), ("通知", Y), ("“科教兴国”战略", Y)],
        ),
        (
            "中宣部、国家科委、文化部、卫生部等十部委前不久联合下发了《关于开展文化科技卫生“三下乡”活动的通知》，"
            "对在全国农村开展“三下乡”活动作了部署。",
            [
                ("中宣部", O),
                ("国家科委", O),
                ("文化部", O),
                ("卫生部", O),
                ("关于开展文化科技卫生“三下乡”活动的通知", Y),
                ("“三下乡”活动", Y, True),
                ("“三下乡”活动", Y),
            ],
        ),
        (  # a headline run into its lead: the bodies of the lead's verb issue the document too
            "国家教委等四部委制定《农村教育集资管理办法》本报讯记者毕全忠报道：为加强农村教育集资的管理，"
            "近日，国家教委、国家计委、农业部、财政部联合颁发了《农村教育集资管理办法》，并向各地发出通知。",
            [
                ("国家教委", O),
                ("农村教育集资管理办法", Y),
                ("毕全忠", P),
                ("国家教委", O),
                ("国家计委", O),
                ("农业部", O),
                ("财政部", O),
                ("农村教育集资管理办法", Y),
            ],
        ),
    ]
    ans = [
        analysis(t, m, article_id=f"page/{i:02d}", paper="人民日报", region="", date=dt.date(1998, 1, 15))
        for i, (t, m) in enumerate(texts)
    ]
    got, rels = edges(*ans)
    issued: dict[str, set[str]] = {}
    for k, s, o, _ in got:
        if k is K.ISSUED_BY:
            issued.setdefault(s.removeprefix("policy/"), set()).add(o.removeprefix("org/"))
    assert len(issued["农村教育集资管理办法"]) == 4
    in_fourth = {r.object for r in rels if r.kind is K.ISSUED_BY and any(e.article == "page/03" for e in r.evidence)}
    assert len(in_fourth) == 4
    assert issued["通知"] == {"中华人民共和国财政部"}
    assert not [p for p in issued if "科教兴国" in p]
    assert len(issued["关于开展文化科技卫生三下乡活动的通知"]) == 4
    assert not [p for p in issued if p.startswith("三下乡")]


def test_a_passive_issuance_names_each_body_after_the_document():
    # the formula of issue 14 (由甲、乙制定), with the bodies of a 1998 People's Daily sentence
    an = analysis(
        "《农村教育集资管理办法》由国家教委、国家计委、农业部、财政部联合制定。",
        [("农村教育集资管理办法", Y), ("国家教委", O), ("国家计委", O), ("农业部", O), ("财政部", O)],
        paper="人民日报",
        region="",
        date=dt.date(1998, 1, 15),
    )
    got, _ = edges(an)
    assert len({o for k, s, o, _ in got if k is K.ISSUED_BY and s == "policy/农村教育集资管理办法"}) == 4


def test_a_session_discusses_what_its_verb_governs_not_what_a_later_clause_cites():
    # People's Daily 1998: 审议并原则通过了《A》和《B》 (the headline's session); 正在审议…《C》;
    # a session that adopted a document, then 根据《基本法》 after a colon: not reviewed there
    session = analysis(
        "九三学社十届中常会二次会议举行\n"
        "会议认真贯彻中共十五大和九三学社七大精神，进一步研究了在新形势下九三学社工作的指导思想和基本思路；"
        "审议并原则通过了《九三学社中央常委会工作规则》和《九三学社中央专门委员会组织通则》；部署了1998年下半年的工作。",
        [
            ("九三学社十届中常会二次会议", M),
            ("九三学社", O, True),
            ("中共十五大", M),
            ("九三学社七大", M),
            ("九三学社中央常委会工作规则", Y),
            ("九三学社中央专门委员会组织通则", Y),
        ],
        paper="人民日报",
        region="",
        date=dt.date(1998, 6, 20),
        headline_lines=1,
    )
    got, _ = edges(session)
    about = {(s.split("/")[1], o.removeprefix("policy/")) for k, s, o, _ in got if k is K.ABOUT}
    assert about == {
        ("九三学社十届中常会二次会议", "九三学社中央常委会工作规则"),
        ("九三学社十届中常会二次会议", "九三学社中央专门委员会组织通则"),
    }
    hk = analysis(
        "（一九九七年二月一日全国人民代表大会香港特别行政区筹备委员会第八次全体会议通过）全国人民代表大会常务委员会："
        "全国人民代表大会香港特别行政区筹备委员会根据《中华人民共和国香港特别行政区基本法》第八条的规定，"
        "对香港原有法律中存在的与《基本法》相抵触的各种问题进行了研究。"
        "最近几天，第九届全国人大常委会第三次会议正在审议国务院提交的《村委会组织法》（修订草案）。",
        [
            ("全国人民代表大会香港特别行政区筹备委员会第八次全体会议", M),
            ("全国人民代表大会常务委员会", O),
            ("全国人民代表大会香港特别行政区筹备委员会", O),
            ("中华人民共和国香港特别行政区基本法", Y),
            ("基本法", Y),
            ("第九届全国人大常委会第三次会议", M),
            ("国务院", O),
            ("村委会组织法", Y),
        ],
        paper="人民日报",
        region="",
        date=dt.date(1998, 1, 15),
    )
    got, _ = edges(hk)
    about = {(s.split("/")[1], o.removeprefix("policy/")) for k, s, o, _ in got if k is K.ABOUT}
    assert not [a for a in about if "基本法" in a[1]]
    assert [a for a in about if a[1] == "村委会组织法" and "第三次会议" in a[0]]


def test_a_meeting_held_in_a_bodys_hall_or_on_a_day_in_a_city():
    # People's Daily 1998: Y于1月20日在北京召开; 吕正操's farewell 在八宝山革命公墓大礼堂举行 (a hall)
    an = analysis(
        "开国上将吕正操的遗体告别仪式将于20日上午9时30分在八宝山革命公墓大礼堂举行。"
        "中国法学会第四次会员代表大会于１月２０日在北京召开。",
        [
            ("吕正操", P),
            ("遗体告别仪式", M),
            ("八宝山革命公墓", L),
            ("中国法学会第四次会员代表大会", M),
            ("中国法学会", O, True),
            ("北京", L),
        ],
        paper="人民日报",
        region="",
        date=dt.date(1998, 1, 21),
    )
    got, _ = edges(an)
    located = {(s.split("/")[1], o) for k, s, o, _ in got if k is K.LOCATION and s.startswith("meeting/")}
    assert ("中国法学会第四次会员代表大会", "place/北京市") in located
    assert [o for m, o in located if m == "遗体告别仪式" and "八宝山革命公墓" in o]


def test_a_session_adopts_a_report_in_the_passive():
    # 海口 (2023): the report 获高票通过 at the session the lead names
    an = analysis(
        "2月10日下午,海口市第十七届人民代表大会第三次会议胜利闭幕。"
        "海口市中级人民法院院长张柏桢所作的法院工作报告获高票通过,赞成率99.28%。\n"
        "报告指出,2022年,全市法院在市委正确领导、市人大及其常委会有力监督下,忠实履行职责。",
        [
            ("海口市第十七届人民代表大会第三次会议", M),
            ("海口市", L, True),
            ("海口市中级人民法院", O),
            ("院长", T),
            ("张柏桢", P),
            ("法院工作报告", Y),
            ("市委", O),
            ("市人大", O),
        ],
        paper="",
        region="海南省海口市",
        date=dt.date(2023, 2, 13),
    )
    got, _ = edges(an)
    session = "meeting/海口市第十七届人民代表大会第三次会议"
    assert [o for k, s, o, _ in got if k is K.ABOUT and s == session and "工作报告" in o]


def test_a_draft_in_the_report_to_the_session_is_before_it():
    # 虹口区 (2021): the district head reports to the congress; the outline (草案) his government
    # drew up is before the session, the party committee's proposal it follows is not
    an = analysis(
        "1月13日,上海市虹口区第十六届人民代表大会第八次会议在区工人文化宫隆重开幕。\n"
        "区长胡广杰代表虹口区人民政府,向大会报告政府工作。\n"
        "胡广杰指出,根据《中共上海市虹口区委关于制定虹口区十四五规划的建议》,"
        "区政府制定了《上海市虹口区十四五规划纲要(草案)》。",
        [
            ("上海市虹口区第十六届人民代表大会第八次会议", M),
            ("区工人文化宫", L),
            ("区长", T),
            ("胡广杰", P),
            ("虹口区人民政府", O),
            ("胡广杰", P),
            ("中共上海市虹口区委关于制定虹口区十四五规划的建议", Y),
            ("中共上海市虹口区委", O, True),
            ("区政府", O),
            ("上海市虹口区十四五规划纲要(草案)", Y),
        ],
        paper="",
        region="上海市虹口区",
        date=dt.date(2021, 1, 13),
    )
    got, _ = edges(an)
    about = {o.removeprefix("policy/") for k, s, o, _ in got if k is K.ABOUT}
    assert about == {"上海市虹口区十四五规划纲要"}


def test_a_review_of_past_work_in_the_meetings_words_discusses_nothing():
    # 河南省政协 (2019): the meeting's words recall what was done since the 18th congress
    an = analysis(
        "7月11日,河南省政协十二届二十二次主席会议在郑州召开。\n"
        "会议指出,党的十八大以来,以习近平同志为核心的党中央将做强实体经济、继续抓好制造业作为国家的重大战略选择,"
        "着力推动我国由制造大国向制造强国转变。\n"
        "会议审议了《政协河南省委员会协商议政质量评价工作办法》。",
        [
            ("河南省政协十二届二十二次主席会议", M),
            ("河南省政协", O, True),
            ("郑州", L),
            ("党的十八大", M),
            ("习近平", P),
            ("制造强国", Y),
            ("政协河南省委员会协商议政质量评价工作办法", Y),
            ("政协河南省委员会", O, True),
        ],
        paper="中国政协网",
        region="河南省",
        date=dt.date(2019, 7, 15),
    )
    got, _ = edges(an)
    about = {o.removeprefix("policy/") for k, s, o, _ in got if k is K.ABOUT}
    assert about == {"政协河南省委员会协商议政质量评价工作办法"}


# People's Daily (1998) sentences, from /work/shared/corpora/peoples-daily (example.dev/test):
# lists of officials sharing titles, and the verbs of presence after them. The corpus's
# sentences are shuffled, so each is read under a headline naming the article's meeting.


def test_a_list_sharing_titles_each_holds_the_post_and_attends():
    an = analysis(
        "全国工作会议在京召开\n民革中央常务副主席周铁农，名誉副主席贾亦斌、彭清源，副主席李赣骝、童傅、厉无畏、钮小明，秘书长刘民复及中常委参加了会议。",
        [
            ("全国工作会议", M),
            ("民革中央", O),
            ("副主席", T),
            ("周铁农", P),
            ("副主席", T),
            ("贾亦斌", P),
            ("彭清源", P),
            ("副主席", T),
            ("李赣骝", P),
            ("童傅", P),
            ("钮小明", P),  # 厉无畏: a name the extraction missed
            ("秘书长", T),
            ("刘民复", P),
            ("常委", T),
        ],
        headline_lines=1,
        region="",
        paper="",
    )
    got, _ = edges(an)
    body = "org/中国国民党革命委员会中央委员会"
    posts = {(p.rsplit("/", 1)[1], t) for k, p, o, t in got if k is K.HOLDS_POST and o == body}
    assert posts == {
        ("周铁农", "常务副主席"),
        ("贾亦斌", "名誉副主席"),
        ("彭清源", "名誉副主席"),
        ("李赣骝", "副主席"),
        ("童傅", "副主席"),
        ("钮小明", "副主席"),
        ("刘民复", "秘书长"),
    }
    attended = {p.rsplit("/", 1)[1] for k, m, p, _ in got if k is K.ATTENDEE and m.startswith("meeting/全国工作会议")}
    assert attended == {"周铁农", "贾亦斌", "彭清源", "李赣骝", "童傅", "钮小明", "刘民复"}


def test_a_post_of_a_named_place_and_of_the_region_a_list_names():
    an = analysis(
        "全国工作会议在京召开\n中共中央政治局委员、北京市市长贾庆林出席了会议。"
        "钱其琛在中共福建省委书记陈明义、省长贺国强的陪同下，出席了会议。",
        [
            ("全国工作会议", M),
            ("中共中央政治局", O),
            ("委员", T),
            ("北京市", L),
            ("市长", T),
            ("贾庆林", P),
            ("钱其琛", P),
            ("中共福建省委", O),
            ("书记", T),
            ("陈明义", P),
            ("省长", T),
            ("贺国强", P),
        ],
        headline_lines=1,
    )  # in a paper of another province (辽宁日报): 省长 is still Fujian's
    got, _ = edges(an)
    posts = {(p.rsplit("/", 1)[1], o, t) for k, p, o, t in got if k is K.HOLDS_POST}
    assert ("贾庆林", "org/北京市人民政府", "市长") in posts
    assert ("陈明义", "org/中共福建省委", "书记") in posts
    assert ("贺国强", "org/福建省人民政府", "省长") in posts
    assert not any(o == "org/辽宁省人民政府" for _, o, _ in posts)
    attended = {p.rsplit("/", 1)[1] for k, m, p, _ in got if k is K.ATTENDEE}
    assert attended == {"贾庆林", "陈明义", "贺国强", "钱其琛"}


def test_verbs_after_a_list_with_deng_adverbs_and_a_bare_meeting_word():
    an = analysis(
        "全国检察工作座谈会在京召开\n最高人民检察院副检察长梁国庆、胡克惠、张穹等今天上午参加了座谈会。"
        "全国人大环资委主任委员曲格平主持了会议。该书是姚桓教授主持的研究项目的成果。"
        "王兆国及刘名启参加了今天的会见。",
        [
            ("全国检察工作座谈会", M),
            ("最高人民检察院", O),
            ("副检察长", T),
            ("梁国庆", P),
            ("胡克惠", P),
            ("张穹", P),
            ("全国人大环资委", O),
            ("主任委员", T),
            ("曲格平", P),
            ("姚桓", P),
            ("王兆国", P),
            ("刘名启", P),
        ],
        headline_lines=1,
        region="",
        paper="",
    )
    got, _ = edges(an)
    meeting = next(m for k, m, _, _ in got if k is K.ATTENDEE)
    assert meeting.startswith("meeting/全国检察工作座谈会")
    attended = {p.rsplit("/", 1)[1] for k, _, p, _ in got if k is K.ATTENDEE}
    assert attended == {"梁国庆", "胡克惠", "张穹"}  # not those at a 会见
    chaired = {p.rsplit("/", 1)[1] for k, _, p, _ in got if k is K.CHAIR}
    assert chaired == {"曲格平"}  # not 姚桓, who led a project (主持的项目)


def test_those_listed_as_present_and_not_at_another_occasion():
    an = analysis(
        "全国工作会议在京召开\n出席会议的有：越共中央总书记黎可漂，政府总理潘文凯，越共中央顾问杜梅、黎德英以及其他领导人。"
        "参加会见的有王光英、孙孚凌以及新当选的全国工商联领导人。",
        [
            ("全国工作会议", M),
            ("越共中央", O),
            ("总书记", T),
            ("黎可漂", P),
            ("总理", T),
            ("潘文凯", P),
            ("越共中央", O),
            ("顾问", T),
            ("杜梅", P),
            ("黎德英", P),
            ("王光英", P),
            ("孙孚凌", P),
        ],
        headline_lines=1,
        region="",
        paper="",
    )
    got, _ = edges(an)
    attended = {p.rsplit("/", 1)[1] for k, _, p, _ in got if k is K.ATTENDEE}
    assert attended == {"黎可漂", "潘文凯", "杜梅", "黎德英"}


def test_a_city_named_like_its_province_sets_the_city_not_the_province():
    # the formula of a visit report in another province's paper (the office holders of 2021);
    # 吉林 is both a province and its city: 吉林市委 names the city, and 市长 is the city's
    an = analysis(
        "吉林市委书记王庭凯、市长刘非一行来我市考察。",
        [("吉林市委", O), ("书记", T), ("王庭凯", P), ("市长", T), ("刘非", P)],
    )
    got, _ = edges(an)
    posts = {(p.rsplit("/", 1)[1], o, t) for k, p, o, t in got if k is K.HOLDS_POST}
    assert ("王庭凯", "org/中共吉林市委", "书记") in posts
    assert ("刘非", "org/吉林市人民政府", "市长") in posts


def test_bodies_before_a_quoted_title_and_the_issuer_past_an_approval():
    # the formulas of issue 14 (甲、乙《关于…》; 《X》已经甲同意，由乙印发) with real documents and bodies
    an = analysis(
        "根据党中央、国务院《关于新时代推动中部地区高质量发展的意见》，制定本方案。"
        "《农村教育集资管理办法》已经国务院同意，由国家教委印发。",
        [
            ("党中央", O),
            ("国务院", O),
            ("关于新时代推动中部地区高质量发展的意见", Y),
            ("农村教育集资管理办法", Y),
            ("国务院", O),
            ("国家教委", O),
        ],
        paper="人民日报",
        region="",
    )
    got, _ = edges(an)
    issued = {(s.removeprefix("policy/"), o.removeprefix("org/")) for k, s, o, _ in got if k is K.ISSUED_BY}
    assert {o for s, o in issued if s == "关于新时代推动中部地区高质量发展的意见"} == {
        "中国共产党中央委员会",
        "中华人民共和国国务院",
    }
    assert {o for s, o in issued if s == "农村教育集资管理办法"} == {"国家教委"}  # not the approver


def test_a_document_adopted_by_a_named_meeting_in_the_passive_and_one_published():
    # CLUENER (corpora/cluener): 《办法》已经获得市委常委会审议原则通过; …工作小组昨天公布的《细则》
    an = analysis(
        "市住建委相关负责人昨天表示，《北京市公共租赁房管理办法》已经获得市委常委会审议原则通过，"
        "市质监局等七部门组成的上海市家电以旧换新工作小组昨天公布的《上海市家电以旧换新实施细则》，",
        [
            ("市住建委", O),
            ("北京市公共租赁房管理办法", Y),
            ("市委常委会", M),
            ("市质监局", O),
            ("上海市家电以旧换新工作小组", O),
            ("上海市家电以旧换新实施细则", Y),
        ],
        paper="北京日报",
        region="北京市",
    )
    got, _ = edges(an)
    assert any(k is K.ABOUT and o == "policy/北京市公共租赁房管理办法" for k, _, o, _ in got)
    issued = {(s.removeprefix("policy/"), o) for k, s, o, _ in got if k is K.ISSUED_BY}
    assert any(s == "上海市家电以旧换新实施细则" and "工作小组" in o for s, o in issued)
    assert not any(s == "北京市公共租赁房管理办法" for s, _ in issued)


def test_a_body_after_a_title_does_not_issue_it_and_an_issuer_prefixed_title_keeps_its_bare_name():
    # dev texts g15 (深圳) and g07 (陕西)
    an = analysis(
        "会议审议并原则通过了《关于打造深圳标准构建质量发展新优势的指导意见》以及《行动计划》,"
        "与市人大常委会出台的《关于加强深圳经济特区标准建设若干问题的决定》一道。",
        [
            ("关于打造深圳标准构建质量发展新优势的指导意见", Y),
            ("行动计划", Y),
            ("市人大常委会", O),
            ("关于加强深圳经济特区标准建设若干问题的决定", Y),
        ],
        paper="深圳特区报",
        region="广东省深圳市",
    )
    got, _ = edges(an)
    issuers = {s.removeprefix("policy/") for k, s, _, _ in got if k is K.ISSUED_BY}
    assert "关于打造深圳标准构建质量发展新优势的指导意见" not in issuers
    assert "关于加强深圳经济特区标准建设若干问题的决定" in issuers
    an = analysis(
        "会议经审议和无记名投票方式表决,通过了省人大常委会关于王晓任陕西省人民政府副省长的决定。",
        [("省人大常委会关于王晓任陕西省人民政府副省长的决定", Y)],
        paper="陕西日报",
        region="陕西省",
    )
    res = resolve([an])
    (policy,) = [e for e in res.entities if e.type.value == "Policy"]
    assert "关于王晓任陕西省人民政府副省长的决定" in policy.aliases


def test_each_item_of_a_list_of_studied_meetings_is_studied():
    # People's Daily; dev half A (g11): 传达学习/贯彻落实 A和B精神 — A is studied as well as B
    for text, name in (
        ("认真贯彻落实党的十四届五中全会和六中全会精神", "党的十四届五中全会"),
        ("是我省政协贯彻落实中共十九届四中全会和中央政协工作会议精神", "中共十九届四中全会"),
    ):
        assert knowledge.studied_meeting(text, text.index(name) + len(name))
    # a meeting held, followed by another item that is not studied: 召开A和B
    text = "省委常委会召开会议和座谈会，研究部署工作。"
    assert not knowledge.studied_meeting(text, text.index("会议") + 2)


def test_lists_of_those_present_with_units_cut_names_and_a_bare_meeting_word():
    # The genre's formulas (市政协召开…主席会议；…主持会议并讲话；…党组成员、办公室主任X出席会议;
    # a list with a name the extraction cut short): written for this test, since the public corpora
    # hold no such county report.
    an = analysis(
        "3月5日，省政协召开十二届二十次主席会议，省政协主席周波主持会议并讲话，"
        "副主席李明、王强、赵刚，省政协党组成员、办公室主任孙立出席会议。\n"
        "省人大常委会副主任张华、刘东、吉木·阿力、陈平出席会议。",
        [
            ("省政协", O),
            ("十二届二十次主席会议", M),
            ("省政协", O),
            ("主席", T),
            ("周波", P),
            ("副主席", T),
            ("李明", P),
            ("王强", P),
            ("赵刚", P),
            ("省政协", O),
            ("党组成员", T),
            ("主任", T),
            ("孙立", P),
            ("省人大常委会", O),
            ("副主任", T),
            ("张华", P),
            ("刘东", P),
            ("吉木", P),  # 吉木·阿力 cut short by the name extraction
            ("陈平", P),
        ],
        date=dt.date(2021, 3, 6),
    )
    got, _ = edges(an)
    chaired = {p.rsplit("/", 1)[1] for k, m, p, _ in got if k is K.CHAIR and "主席会议" in m}
    attended = {p.rsplit("/", 1)[1] for k, m, p, _ in got if k is K.ATTENDEE and "主席会议" in m}
    assert chaired == {"周波"}  # 主持会议: the meeting the sentence reports
    assert {"李明", "王强", "赵刚", "孙立"} <= attended  # 办公室|主任孙立: the list goes on
    assert {"张华", "刘东", "陈平"} <= attended  # past the cut name 吉木|·阿力


def test_a_body_named_in_two_titles_is_cited_at_both():
    # 江西 CPPCC standing committee (2020): the sub-organisation edge of a body named only in
    # document titles cites every title's sentence (a big build crashed ordering them)
    an = analysis(
        "会议审议并原则通过《政协江西省第十二届委员会常务委员会工作报告(审议稿)》。"
        "会议还审议了《政协江西省第十二届委员会常务委员会关于提案工作情况的报告》。省政协主席姚增科出席。",
        [
            ("政协江西省第十二届委员会常务委员会工作报告(审议稿)", Y),
            ("政协江西省第十二届委员会常务委员会关于提案工作情况的报告", Y),
            ("省政协", O),
        ],
        paper="",
        region="江西省",
    )
    _, rels = edges(an)
    body = "org/中国人民政治协商会议江西省委员会常务委员会"
    sub = next(r for r in rels if r.kind is K.SUB_ORGANIZATION_OF and r.subject == body)
    assert [e.sentence for e in sub.evidence] == [0, 1]


def test_the_bodies_that_host_a_meeting_organise_it():
    # People's Daily 1998: Y由X主办，Z承办 and 由X和W共同主办的Y
    an = analysis(
        "这次大学体育发展研讨会由北京市大学生体育协会主办，北京步瑞门体育咨询有限责任公司承办。"
        "由北京市政府和科技部共同主办的国际周活动为期5天。",
        [
            ("大学体育发展研讨会", M),
            ("北京市大学生体育协会", O),
            ("北京步瑞门体育咨询有限责任公司", O),
            ("北京市政府", O),
            ("科技部", O),
            ("国际周活动", M),
        ],
        paper="人民日报",
        region="北京市",
    )
    got, _ = edges(an)
    hosts = {(s.split("/")[1], o) for k, s, o, _ in got if k is K.ORGANIZER}
    assert {m for m, _ in hosts} == {"大学体育发展研讨会", "国际周活动"}
    assert len([o for m, o in hosts if m == "国际周活动"]) == 2  # each of the joint hosts
    assert len([o for m, o in hosts if m == "大学体育发展研讨会"]) == 1  # 承办 without 由: not this rule


def test_a_bare_title_takes_the_body_of_the_same_office_before_it():
    # Written in the genre's form (a standing committee's sitting as city papers report it; no
    # public corpus sentence has it): 主任甲主持会议，副主任乙、丙，秘书长丁出席; and the
    # chair's deputy presiding on the chair's behalf (受…主任委托，副主任甲主持会议).
    an = analysis(
        "市人大常委会主任林志远主持会议，副主任陈晓东、吴国平，秘书长周敏出席会议。"
        "受市人大常委会主任委托，副主任郑海峰主持会议。",
        [
            ("市人大常委会", O),
            ("主任", T),
            ("林志远", P),
            ("副主任", T),
            ("陈晓东", P),
            ("吴国平", P),
            ("秘书长", T),
            ("周敏", P),
            ("市人大常委会", O),
            ("主任", T),
            ("副主任", T),
            ("郑海峰", P),
        ],
        paper="",
        region="福建省泉州市",
    )
    got, _ = edges(an)
    held = {(s.split("/")[-1], o, t) for k, s, o, t in got if k is K.HOLDS_POST}
    body = "org/泉州市人民代表大会常务委员会"
    assert ("林志远", body, "主任") in held
    for name in ("陈晓东", "吴国平", "郑海峰"):
        assert (name, body, "副主任") in held
    assert ("周敏", body, "秘书长") in held


def test_a_bare_title_of_another_office_takes_no_body_from_before():
    # Written in the genre's form: 副主任 later in the sentence than a 书记 is not the 书记's body's
    an = analysis(
        "县委书记王立新出席会议并讲话，副主任李红主持。",
        [("县委", O), ("书记", T), ("王立新", P), ("副主任", T), ("李红", P)],
        paper="",
        region="湖北省十堰市房县",
    )
    got, _ = edges(an)
    assert not [e for e in got if e[0] is K.HOLDS_POST and e[1].endswith("/李红")]


def test_a_department_fused_with_its_head_and_a_title_before_a_comma_after_wei():
    # Written in the genre's form: 县委常委、组织部长甲 (部长 of the 县委's 组织部); in an
    # appointment list 任命甲为X局局长，乙为Y局局长 the title before the comma is not 乙's
    an = analysis(
        "县委常委、组织部长王海林宣读了名单。会议任命张立为市民政局局长，李强为市财政局局长。",
        [
            ("县委", O),
            ("常委", T),
            ("组织部长", T),
            ("王海林", P),
            ("张立", P),
            ("市民政局", O),
            ("局长", T),
            ("李强", P),
            ("市财政局", O),
            ("局长", T),
        ],
        paper="",
        region="河南省商丘市睢县",
    )
    got, _ = edges(an)
    held = {(s.split("/")[-1], o, t) for k, s, o, t in got if k is K.HOLDS_POST}
    assert [o for p, o, t in held if p == "王海林" and t == "部长"] == ["org/中共睢县委组织部"]
    assert not [x for x in held if x[0] == "李强" and "民政局" in x[1]]


def test_posts_printed_in_brackets_after_a_name():
    # Written in the genre's form (a forum's speakers with their posts in brackets; no public
    # corpus sentence has it): 甲（市发改委主任）、乙（区委副书记）先后发言
    an = analysis(
        "座谈会上，王明（市发改委主任）、李华（区委副书记）先后发言，张强（右）列席。",
        [("王明", P), ("市发改委", O), ("主任", T), ("李华", P), ("区委", O), ("副书记", T), ("张强", P)],
        paper="",
        region="福建省泉州市丰泽区",
    )
    got, _ = edges(an)
    held = {(s.split("/")[-1], o, t) for k, s, o, t in got if k is K.HOLDS_POST}
    assert ("王明", "org/泉州市发展和改革委员会", "主任") in held
    assert ("李华", "org/中共泉州市丰泽区委", "副书记") in held
    assert not [x for x in held if x[0] == "张强"]
