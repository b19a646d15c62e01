"""Meetings' places, dates and attendees (kg/link/meetings.py, kg/resolve/meetings.py) on short
excerpts with hand-made mention records (no spaCy). Sentences marked "People's Daily" are from the
People's Daily NER corpus in ../shared/corpora (1998); no allowed real sentence of the others was
found there, so they are written in the genre's form (and say so)."""

from __future__ import annotations

import datetime as dt

from records_helper import L, M, O, P, T, analysis

from kg.link import link
from kg.records import RelationKind as K
from kg.resolve import resolve
from kg.resolve.meetings import held_in_abbreviated_city


def edges(*analyses):
    res = resolve(list(analyses))
    rels = link(list(analyses), res)
    return {(r.kind, r.subject, r.object) for r in rels}, res


def _key(res, name):
    return next(e.key for e in res.entities if e.name == name)


def test_a_city_by_its_one_character_name_is_where_the_meeting_is_held():
    # People's Daily: a headline and a lead of 1998
    an = analysis(
        "亚洲开发与产业银行协会年会在京召开\n本报讯 会议讨论了亚洲金融形势。",
        [("亚洲开发与产业银行协会年会", M)],
        paper="人民日报",
        region="",
        date=dt.date(1998, 5, 20),
        headline_lines=1,
    )
    got, res = edges(an)
    meeting = _key(res, "亚洲开发与产业银行协会年会")
    assert (K.LOCATION, meeting, "place/北京市") in got
    assert any(e.key == "place/北京市" and e.name == "北京市" for e in res.entities)


def test_one_character_city_names_only_before_a_verb_of_holding():
    text = "国家新闻出版署今天在京召开图书出版工作会议，代表们在京期间参观了展览，大会在蓉主持召开分组会议。"
    found = held_in_abbreviated_city(text)
    assert [(text[a:b], key) for a, b, key in found] == [("在京", "place/北京市"), ("在蓉", "place/四川省成都市")]


def test_a_span_of_days_dates_the_meeting_by_its_first_day():
    # People's Daily: 第五次巴尔干国家外长会议8日至9日在伊斯坦布尔举行。
    an = analysis(
        "第五次巴尔干国家外长会议8日至9日在伊斯坦布尔举行。",
        [("第五次巴尔干国家外长会议", M), ("伊斯坦布尔", L)],
        paper="人民日报",
        region="",
        date=dt.date(1998, 5, 10),
    )
    got, res = edges(an)
    meeting = _key(res, "第五次巴尔干国家外长会议")
    assert (K.START_DATE, meeting, "1998-05-08") in got
    assert (K.START_DATE, meeting, "1998-05-09") not in got


def test_a_span_of_dates_and_a_place_after_a_country():
    # People's Daily: 本报巴西利亚5月6日电…第十六届国际行动理事会于5月3日至5日在巴西里约热内卢举行。
    an = analysis(
        "第十六届国际行动理事会于5月3日至5日在巴西里约热内卢举行。",
        [("第十六届国际行动理事会", M), ("巴西", L), ("里约热内卢", L)],
        paper="人民日报",
        region="",
        date=dt.date(1998, 5, 7),
    )
    got, res = edges(an)
    meeting = _key(res, "第十六届国际行动理事会")
    assert (K.START_DATE, meeting, "1998-05-03") in got
    rio = _key(res, "里约热内卢")
    assert (K.LOCATION, meeting, rio) in got


def test_meetings_and_dates_joined_one_to_one_respectively():
    # written in the genre's form (两会 reports: 甲、乙先后在某地开幕, each on its own day)
    an = analysis(
        "2月10日、2月11日，北海市政协八届二次会议、北海市第十五届人民代表大会第二次会议先后在北海市开幕。",
        [
            ("北海市政协八届二次会议", M),
            ("北海市", L, True),
            ("北海市第十五届人民代表大会第二次会议", M),
            ("北海市", L, True),
            ("北海市", L),
        ],
        paper="北海日报",
        region="广西壮族自治区北海市",
        date=dt.date(2023, 2, 12),
    )
    got, res = edges(an)
    dates = {s: o for k, s, o in got if k is K.START_DATE}
    places = {(s, o) for k, s, o in got if k is K.LOCATION and s.startswith("meeting/")}
    cppcc = next(s for s in dates if "政治协商会议" in s or "政协" in s)
    congress = next(s for s in dates if "人民代表大会第二次会议" in s)
    assert dates[cppcc] == "2023-02-10" and dates[congress] == "2023-02-11"
    assert {s for s, _ in places} == {cppcc, congress}


def test_a_chair_holds_the_meeting_where_he_convenes_it():
    # written in the genre's form (X在Z主持召开Y)
    an = analysis(
        "5月8日，市长王明在宁波主持召开市政府第30次常务会议。",
        [("市长", T), ("王明", P), ("宁波", L), ("市政府", O, True), ("市政府第30次常务会议", M)],
        paper="宁波日报",
        region="浙江省宁波市",
        date=dt.date(2020, 5, 9),
    )
    got, res = edges(an)
    meeting = next(s for k, s, _ in got if k is K.CHAIR)
    assert (K.LOCATION, meeting, "place/浙江省宁波市") in got


def test_speakers_listed_before_a_speech_verb_attend_the_meeting():
    # written in the genre's form (座谈会上，甲、乙、丙等围绕主题作了发言)
    an = analysis(
        "市政协召开民营经济发展座谈会\n6月3日，市政协召开民营经济发展座谈会。座谈会上，李华、张伟、赵刚等围绕主题作了发言。",
        [
            ("市政协", O),
            ("民营经济发展座谈会", M),
            ("市政协", O),
            ("民营经济发展座谈会", M),
            ("李华", P),
            ("张伟", P),
            ("赵刚", P),
        ],
        paper="北海日报",
        region="广西壮族自治区北海市",
        date=dt.date(2023, 6, 4),
        headline_lines=1,
    )
    got, _ = edges(an)
    attendees = {o for k, _, o in got if k is K.ATTENDEE}
    assert {p.rsplit("/", 1)[-1] for p in attendees} == {"李华", "张伟", "赵刚"}


def test_a_list_goes_on_over_names_the_extraction_missed():
    # written in the genre's form (市领导甲、乙、丙…参加座谈会), two names not found as people
    an = analysis(
        "市政协召开民营经济发展座谈会\n6月3日，市政协召开民营经济发展座谈会。市领导王军、李明、陈刚、周平、刘洋参加座谈会。",
        [
            ("市政协", O),
            ("民营经济发展座谈会", M),
            ("市政协", O),
            ("民营经济发展座谈会", M),
            ("王军", P),
            ("李明", P),
            ("刘洋", P),
        ],
        paper="北海日报",
        region="广西壮族自治区北海市",
        date=dt.date(2023, 6, 4),
        headline_lines=1,
    )
    got, _ = edges(an)
    attendees = {o.rsplit("/", 1)[-1] for k, _, o in got if k is K.ATTENDEE}
    assert attendees == {"王军", "李明", "刘洋"}


def test_a_meeting_a_speaker_stands_for_is_not_the_one_the_list_attends():
    # written in the genre's form (常委会会议 reports: 副主席甲代表主席会议向常委会会议报告工作，副主席乙、丙出席。)
    an = analysis(
        "市政协召开十届常委会第五次会议\n3月2日，市政协十届常委会第五次会议召开。市政协副主席李华代表市政协主席会议向常委会会议报告工作，副主席张伟、赵刚出席。",
        [
            ("市政协", O),
            ("十届常委会第五次会议", M),
            ("市政协十届常委会第五次会议", M),
            ("市政协", O, True),
            ("市政协", O),
            ("副主席", T),
            ("李华", P),
            ("市政协主席会议", M),
            ("副主席", T),
            ("张伟", P),
            ("赵刚", P),
        ],
        paper="北海日报",
        region="广西壮族自治区北海市",
        date=dt.date(2023, 3, 3),
        headline_lines=1,
    )
    got, _ = edges(an)
    attended = {(s, o.rsplit("/", 1)[-1]) for k, s, o in got if k is K.ATTENDEE}
    assert {p for s, p in attended if "主席会议" in s} == set()
    assert {p for s, p in attended if "常委会第五次会议" in s or "常务委员会第五次会议" in s} >= {"张伟", "赵刚"}


def test_a_day_of_this_month_in_chinese_numerals():
    # written in the genre's form (…政协八届一次会议于本月五日在莆田市举行)
    an = analysis(
        "莆田市政协八届一次会议于本月五日在莆田市举行。",
        [("莆田市政协八届一次会议", M), ("莆田市", L, True), ("莆田市", L)],
        paper="湄洲日报",
        region="福建省莆田市",
        date=dt.date(2022, 1, 9),
    )
    got, _ = edges(an)
    assert {o for k, _, o in got if k is K.START_DATE} == {"2022-01-05"}
    assert {o for k, s, o in got if k is K.LOCATION and s.startswith("meeting/")} == {"place/福建省莆田市"}


def test_the_chair_of_a_bare_meeting_word_with_only_a_studied_meeting_before_it():
    # written in the genre's form (市委书记甲主持会议并指出，要深入学习贯彻…全会精神)
    an = analysis(
        "市委召开专题协商座谈会\n3月8日，市委召开专题协商座谈会。市委书记王明主持会议并指出，要深入学习贯彻二十届三中全会精神。",
        [
            ("市委", O),
            ("专题协商座谈会", M),
            ("市委", O),
            ("专题协商座谈会", M),
            ("市委", O),
            ("书记", T),
            ("王明", P),
            ("二十届三中全会", M),
        ],
        paper="北海日报",
        region="广西壮族自治区北海市",
        date=dt.date(2024, 3, 9),
        headline_lines=1,
    )
    got, _ = edges(an)
    chaired = {s for k, s, o in got if k is K.CHAIR and o.endswith("/王明")}
    assert len(chaired) == 1 and "专题协商座谈会" in next(iter(chaired))


def test_a_sitting_named_by_its_number_after_the_body_that_holds_it():
    # written in the genre's form (county people's congress pages: 3月25日，县十五届人大常委会召开第36次会议。)
    an = analysis(
        "3月25日，县十五届人大常委会召开第36次会议。",
        [("常委", T), ("第36次会议", M)],
        paper="",
        region="安徽省马鞍山市和县",
        date=dt.date(2016, 3, 28),
    )
    got, res = edges(an)
    meeting = next(e for e in res.entities if e.type.value == "Meeting")
    assert meeting.name == "和县人民代表大会常务委员会第36次会议"
    assert "县十五届人大常委会第36次会议" in meeting.aliases
    assert (K.START_DATE, meeting.key, "2016-03-25") in got


def test_a_plenary_named_after_the_whole_party_is_not_organised_by_the_party():
    # written in the genre's form (provincial plenaries: 6月2日，中国共产党X省第十一届委员会第二次全体会议在Y召开。)
    an = analysis(
        "6月2日，中国共产党福建省第十一届委员会第二次全体会议在福州召开。",
        [("中国共产党福建省第十一届委员会第二次全体会议", M), ("中国共产党", O, True), ("福州", L)],
        paper="福建日报",
        region="福建省",
        date=dt.date(2022, 6, 3),
    )
    got, res = edges(an)
    meeting = next(e for e in res.entities if e.type.value == "Meeting")
    organisers = {o for k, s, o in got if k is K.ORGANIZER and s == meeting.key}
    assert not any(o.endswith("/中国共产党") or o.endswith("/中共") for o in organisers)
    assert (K.START_DATE, meeting.key, "2022-06-02") in got


def test_a_session_named_after_the_whole_cppcc_and_a_province_is_not_the_national_bodys():
    # written in the genre's form (中国人民政治协商会议云南省第十三届委员会第四次会议在昆明开幕)
    an = analysis(
        "1月27日，中国人民政治协商会议广西壮族自治区第十三届委员会第二次会议在南宁开幕。",
        [
            ("中国人民政治协商会议广西壮族自治区第十三届委员会第二次会议", M),
            ("中国人民政治协商会议", O, True),
            ("南宁", L),
        ],
        paper="广西日报",
        region="广西壮族自治区",
        date=dt.date(2024, 1, 28),
    )
    got, _ = edges(an)
    assert not any(k is K.ORGANIZER and o == "org/中国人民政治协商会议" for k, _, o in got)
