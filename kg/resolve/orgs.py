"""Organisations: full names from what an article writes (region-relative abbreviations at
every level, national bodies, the paper), short references to bodies named in full, the
bodies titles imply, official short forms, and parents and places by name."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from functools import cache

from kg import knowledge
from kg.careers import implied_bodies
from kg.knowledge import Division, Level
from kg.posts import list_separator, posts_of
from kg.records import Analysis, Article, EntityType, Mention, MentionKind
from kg.resolve.context import Context, chain_context, city_of, level_of, province_of
from kg.resolve.places import place_key
from kg.resolve.registry import Registry


@cache
def _provinces() -> tuple[Division, ...]:
    return tuple(d for ds in knowledge.gazetteer().by_name.values() for d in ds if d.level is Level.PROVINCE)


def expand_abbrev(abbrev: str, ctx: Context) -> str | None:
    a = knowledge.abbreviations().get(abbrev)
    if a is None:
        return None
    region = {Level.PROVINCE: ctx.province, Level.CITY: ctx.city, Level.COUNTY: ctx.county, Level.TOWN: ctx.town}.get(
        a.level
    )
    if a.level is Level.TOWN and region is not None and not abbrev.startswith(_town_word(region)):
        return None  # 镇党委 in an article about a 乡 or a 街道: which town is not said
    if abbrev[0] == "省" and region is not None and knowledge.is_municipality(region):
        return None  # 省人大常委会 in a municipality's news is some province's, not the city's
    if a.level is Level.CITY and abbrev[0] == "市" and _county_city(ctx) is not None:
        region = _county_city(ctx)  # 市委 in a county-level city's paper: that city's own committee
    return a.expand(region) if region is not None else None


def _county_city(ctx: Context) -> Division | None:
    """The county-level city (香格里拉市, 义乌市) an article's region is or lies in: its 市委 and
    市政府 are that city's, not the prefecture's (a prefecture's are 州委, 盟委 or its city's own)."""
    county = ctx.county
    if county is None or not county.name.endswith("市") or ctx.region is None:
        return None
    return county if ctx.region == county or county in knowledge.gazetteer().ancestors(ctx.region) else None


def _town_word(town: Division) -> str:
    """The level word a town's bodies are abbreviated with: 镇 (镇党委), 乡 (乡政府), 街道 (街道党工委)."""
    return "街道" if town.name.endswith("街道") else town.name[-1]


_LEVEL_WORDS = "省市县区镇乡旗"


def _collapse_level(s: str) -> str:
    """A place's level character written twice where its body's abbreviation follows
    (刘猴镇|镇党委, 老城区|区委): the body of that place (刘猴镇党委, 老城区委)."""
    abbrevs, gaz = knowledge.abbreviations(), knowledge.gazetteer()
    for i in range(2, len(s) - 1):
        if s[i - 1] != s[i] or s[i] not in _LEVEL_WORDS:
            continue
        if any(s[i:j] in abbrevs for j in range(i + 2, len(s) + 1)) and any(
            gaz.candidates(s[k:i]) for k in range(max(0, i - 10), i - 1)
        ):
            return s[:i] + s[i + 1 :]
    return s


def _within_parent(s: str, ctx: Context) -> str | None:
    """A body named after a place and its parent (洛阳市老城区委, 宜城市刘猴镇党委, 江西省上饶市委):
    the body of the inner place, read in the parent's context so that its name is unique there."""
    gaz = knowledge.gazetteer()
    for n in range(min(len(s) - 3, 10), 1, -1):
        for parent in gaz.by_name.get(s[:n], ()):
            if parent.level is Level.COUNTRY:
                continue
            rest = s[n:]
            if not any(
                c.parent == parent.code for k in range(2, min(len(rest), 10) + 1) for c in gaz.by_name.get(rest[:k], ())
            ):
                continue
            inner = dataclasses.replace(
                ctx,
                region=parent,
                province=province_of(parent) or ctx.province,
                city=city_of(parent),
                county=level_of(parent, Level.COUNTY),
            )
            full = org_name(rest, inner)
            return full if full and full != rest else None
    return None


_TERM_IN_NAME = re.compile(r"第[一二三四五六七八九十]{1,3}届")


def body_without_term(body: str) -> str:
    """A body's name without the term it is in (政协江西省第十二届委员会常务委员会 ->
    政协江西省委员会常务委员会): the term is not part of the body's identity."""
    return _TERM_IN_NAME.sub("", body)


def org_name(surface: str, ctx: Context) -> str | None:
    """The full name of a body as written in an article, or None if it cannot be told; a body
    named in its term is the body (政协甘谷县第十四届委员会 -> 中国人民政治协商会议甘谷县委员会)."""
    s = knowledge.org_grammar()["term_written"].sub("", body_without_term(re.sub(r"\s+", "", surface)))
    s = re.sub(r"^(香港|澳门)特区(?=政府)", r"\1特别行政区", s)  # 香港特区政府: the region's short form
    gaz = knowledge.gazetteer()
    papers = knowledge.papers()
    if s == "本报":
        return ctx.article.issue.paper
    if s in papers:
        return papers[s].name
    national = knowledge.national_orgs()
    if s in national:
        return national[s]
    abbrevs = knowledge.abbreviations()
    if s in abbrevs:
        return expand_abbrev(s, ctx)
    if s.startswith("中共") and len(s) > 4:  # 中共河东区委 -> 中共天津市河东区委
        inner = org_name(s[2:], ctx)
        if inner and (inner.startswith("中共") or inner.endswith("党组")):
            return inner  # (中共…财政局党组: the party group, named as when written without 中共)
    s = _collapse_level(s)
    within = _within_parent(s, ctx)
    if within is not None:
        return within
    # place + abbreviation: 葫芦岛市委, 辽宁省委网信办, 大连市委, 北京市委 (a municipality's
    # bodies are named like a city's), 河东区政府 (the 河东区 of the paper's province)
    for cut in range(len(s) - 1, 1, -1):
        head, rest = s[:cut], s[cut:]
        cands = [d for d in gaz.candidates(head) if d.level is not Level.COUNTRY]
        if ctx.province is not None:
            cands.sort(key=lambda d: (province_of(d) != ctx.province, d.code))
        towns = [d for d in cands if d.level is Level.TOWN]
        if towns:  # 薛埠镇党委: only a town the paper's region makes unique
            near = [d for d in towns if ctx.region is not None and ctx.region in gaz.ancestors(d)]
            towns = near or [d for d in towns if province_of(d) == ctx.province]
            cands = [d for d in cands if d.level is not Level.TOWN] + (towns if len(towns) == 1 else [])
        for d in cands:
            level_char = d.name[-1]
            level = Level.CITY if knowledge.is_municipality(d) else d.level
            city_like = d.level is Level.COUNTY and level_char == "市"
            for ab in (rest, level_char + rest, head[-1] + rest if head.endswith(level_char) else None):
                a = abbrevs.get(ab) if ab else None
                if a is not None and _abbrev_fits(a, level, city_like):
                    return a.expand(d)
            # the abbreviation and a part of the body (湖北省|政协党组, 辽宁省|政府办公厅)
            whole = level_char + rest
            for k in range(len(whole) - 2, 2, -1):
                a = abbrevs.get(whole[:k])
                fits = a is not None and _abbrev_fits(a, level, city_like)
                if fits and not whole[k:].startswith("员"):  # (市委|员会)
                    return a.expand(d) + whole[k:]
    # a leading abbreviation: 省政协机关党组, 省政协办公厅
    for cut in range(len(s) - 1, 1, -1):
        if s[:cut] in abbrevs:
            full = expand_abbrev(s[:cut], ctx)
            if full:
                return full + s[cut:]
            break
    # the province's or city's own body: 省新冠肺炎疫情防控总指挥部
    if s[0] == "省" and ctx.province is not None and len(s) > 3:
        return ctx.province.name + s[1:]
    if s[0] == "市" and (_county_city(ctx) or ctx.city) is not None and len(s) > 3:
        return (_county_city(ctx) or ctx.city).name + s[1:]  # (市人民法院 in a county-level city's paper)
    county = ctx.county
    if s[0] in "县区旗" and county is not None and county.name.endswith(s[0]) and len(s) > 3:
        return knowledge.body_region_name(county) + s[1:]  # 县人民医院, 区消防救援局: the county's own
    # the official long form of a CPPCC committee: 政协河南省委员会 -> 中国人民政治协商会议河南省委员会
    cppcc = re.fullmatch(r"政协(.+?)委员会(.*)", s)  # … and its parts: 政协江西省委员会常务委员会
    if cppcc and gaz.find_region(cppcc.group(1)) is not None:
        return "中国人民政治协商会议" + s[2:]
    # a province before one of its cities adds nothing: 江西省上饶市… -> 上饶市…
    for province in _provinces():
        if s.startswith(province.name):
            rest = s[len(province.name) :]
            if any(
                rest.startswith(c.name) and c.parent == province.code and c.level is Level.CITY
                for n in range(2, 7)
                for c in gaz.by_name.get(rest[:n], ())
            ):
                return rest
            break
    # a district's body is named with its city: 九龙坡区人民政府 -> 重庆市九龙坡区人民政府
    for n in range(min(len(s) - 2, 8), 1, -1):
        districts = [d for d in gaz.by_name.get(s[:n], ()) if d.level is Level.COUNTY and d.name.endswith("区")]
        if ctx.province is not None:
            districts = [d for d in districts if province_of(d) == ctx.province]
        if len(districts) == 1:
            return knowledge.body_region_name(districts[0]) + s[n:]
    return s


def _abbrev_fits(a: knowledge.Abbrev, level: Level, city_like: bool) -> bool:
    """Whether an abbreviation is one of a place's bodies: of its level, or, for a county-level
    city (张家港市|政府, 义乌市|委), a city's 市 abbreviation (but no intermediate court: 市中院)."""
    city = city_like and a.level is Level.CITY and a.abbrev[0] == "市"
    return a.level is level or (city and "中级" not in a.template)


def _place_prefix(body: str) -> str | None:
    """The town or township a body's name opens with (安石镇 in 安石镇党委), if any."""
    gaz = knowledge.gazetteer()
    for n in range(len(body) - 1, 1, -1):
        if body[n - 1] in "镇乡" and any(d.level is Level.TOWN for d in gaz.candidates(body[:n])):
            return body[:n]
    return None


REPORTER_ROLES = frozenset({"记者", "特约记者", "通讯员", "实习记者", "见习记者"})


def press_key(article: Article) -> str | None:
    """Key of the body a reporter of this article works for: the agency, else the paper."""
    if article.agency and article.agency != "本报":
        full = knowledge.national_orgs().get(article.agency, article.agency)
        return f"org/{full}"
    return f"org/{article.issue.paper}" if article.issue.paper else None


def titles_and_press(an: Analysis, ctx: Context, reg: Registry) -> None:
    """Assign each title mention the body it is a title in (省长 -> 辽宁省人民政府; 代表 -> the
    delegation named in the article), and create the paper or agency reporters work for."""
    delegations = [m for m in an.mentions if m.kind is MentionKind.ORGANIZATION and m.text.endswith("代表团")]
    text = an.article.text
    carried, carried_place, previous = ctx, None, None
    for m in an.mentions:
        if m.kind is not MentionKind.PERSON:
            continue
        cues = posts_of(an, m, with_former=True)
        start = min([m.start, *(c.title_mention.start for c in cues), *(c.body.start for c in cues if c.body)])
        # 福建省委书记陈明义、省长贺国强: a list goes on in the region its previous item named
        in_list = (
            previous is not None and previous.sentence == m.sentence and list_separator(text[previous.end : start])
        )
        local = carried if in_list else ctx
        place_before = carried_place if in_list else None
        for cue in cues:
            if cue.body is not None:
                place_before = _place_prefix(cue.body.text) or place_before
                key = reg.assign.get(cue.body.id)
                if key is None and cue.body.text in knowledge.abbreviations():
                    # 东昌府区委书记甲，区人大常委会主任乙: a body the article's region cannot tell
                    # is the one of the place the chain goes on in
                    full = org_name(cue.body.text, local)
                    key = reg.add(f"org/{full}", EntityType.ORGANIZATION, full, cue.body) if full else None
                local = chain_context(cue.body.text, ctx) or local
            elif cue.body_abbrev:
                # 河东区委副书记、区长: the level word is the district just named
                full = org_name(cue.body_abbrev, local) or org_name(cue.body_abbrev, ctx)
                # 安石镇党委书记甲、镇长乙: the town named before
                if full is None and place_before and place_before[-1] == cue.body_abbrev[0]:
                    full = org_name(place_before + cue.body_abbrev[1:], ctx)
                key = reg.add(f"org/{full}", EntityType.ORGANIZATION, full, None) if full else None
            elif cue.title in ("代表", "委员") and delegations:
                key = reg.assign.get(delegations[0].id)
            else:
                key = None
            if key:
                reg.assign.setdefault(cue.title_mention.id, key)
        carried, carried_place, previous = local, place_before, m
    for m, abbrev in implied_bodies(an):  # 任命甲为副区长: the body a changed post's title implies
        full = org_name(abbrev, ctx)
        if full:
            reg.assign.setdefault(m.id, reg.add(f"org/{full}", EntityType.ORGANIZATION, full, None))
    if any(b.role in REPORTER_ROLES or not b.role for b in an.article.bylines):
        key = press_key(an.article)
        if key:
            reg.add(key, EntityType.ORGANIZATION, key.removeprefix("org/"), None)


def paired_context(m: Mention, previous: Mention | None, an: Analysis, ctx: Context) -> Context:
    """The context a body's abbreviation is read in: right after a body that names its place
    (嘉鱼县委|县政府, 辽宁省委|省政府) or across a title of that body's chain (四川省委书记、|省人大常委
    会主任), the abbreviation's level word is that place's; else the article's."""
    if previous is None or previous.sentence != m.sentence or m.text not in knowledge.abbreviations():
        return ctx
    between = an.article.text[previous.end : m.start]
    if between and not (between.endswith("、") and between[:-1] in knowledge.titles()):
        return ctx
    return chain_context(previous.text, ctx) or ctx


def longer_org(m: Mention, an: Analysis) -> Mention | None:
    """A short reference to a body named in full in the same article: 水南画眉站 for
    …新时代文明实践中心水南画眉站, 街道党工委 for 学院路街道党工委, 辽阳石化 for
    中国石油辽阳石化分公司. Only names the lexicon does not know (省委 is not a reference)."""
    surface = m.text
    abbrev = knowledge.abbreviations().get(surface)
    if (
        len(surface) < 4
        or (abbrev is not None and abbrev.level is not Level.TOWN)
        or surface in knowledge.national_orgs()
    ):
        return None  # (a town's 街道党工委 refers back to the one named: 学院路街道党工委)
    found = {
        o.text: o
        for o in an.mentions
        if o.kind is MentionKind.ORGANIZATION
        and not o.nested
        and len(o.text) > len(surface)
        and surface in o.text
        and (o.text.endswith(surface) or _is_org_word(o.text[o.text.index(surface) + len(surface) :]))
    }
    return found[sorted(found)[0]] if len(found) == 1 else None


def chain_department(m: Mention, an: Analysis) -> str:
    """The surface a body is resolved from: a department named bare after its committee's
    title in a chain (省委常委、统战部部长, 区委常委、组织部长) is that committee's
    (省委统战部); any other body as written."""
    before = an.article.text[max(0, m.start - 8) : m.start]
    member = knowledge.org_grammar()["committee_member"].search(before)
    if member is None or member.group(1) + "委" + m.text not in knowledge.abbreviations():
        return m.text
    committee_end = m.start - len(member.group(0)) + 2  # 洛阳市老城区区委|常委、统战部长: that committee's
    committee = next(
        (o for o in an.mentions if o.kind is MentionKind.ORGANIZATION and o.end == committee_end and not o.nested),
        None,
    )
    return (committee.text if committee is not None else member.group(1) + "委") + m.text


def _is_org_word(tail: str) -> bool:
    """A branch word after a short name (辽阳石化 + 分公司), or what a company's registered name
    adds to the name it is called by (中建三局 + 集团有限公司: entity_words.tsv company_forms)."""
    return tail in ("分公司", "分行", "分局", "分院", "分厂", "分会", "分所") or tail in _company_forms()


@cache
def _company_forms() -> frozenset[str]:
    return frozenset(knowledge.entity_words()["company_forms"])


def org_parents(reg: Registry) -> None:
    """A body whose name extends another body's name is part of it (中共辽宁省委组织部 ⊂
    中共辽宁省委, 中共中央政治局 ⊂ 中共中央 (an alias), 中国科学院广州地球化学研究所 ⊂ 中国科学院)."""
    national = knowledge.national_orgs()
    names: list[tuple[str, str]] = []  # (a name of the body, key)
    for key, acc in reg.acc.items():
        if acc.type is not EntityType.ORGANIZATION:
            continue
        forms = {acc.name} | {s for s in acc.surfaces if len(s) >= 3}
        forms |= {alias for alias, full in national.items() if full == acc.name and len(alias) >= 3}
        names.extend((form, key) for form in forms)
    names.sort(key=lambda t: (len(t[0]), t[0]))
    own = defaultdict(set)
    holders: dict[str, list[str]] = {}  # a name -> the bodies that have it, in the order of `names`
    for form, key in names:
        own[key].add(form)
        holders.setdefault(form, []).append(key)
    for key in sorted(own):
        best: tuple[int, str] | None = None
        for form in own[key]:
            for n in range(len(form) - 1, 0, -1):  # the longest other body's name it starts with
                okey = next((k for k in holders.get(form[:n], ()) if k != key), None)
                if okey is not None:
                    if best is None or n > best[0]:
                        best = (n, okey)
                    break
        if best:
            reg.parent(key, best[1], "its name extends the parent's name")


_PARTY_PREFIXES = ("中国共产党", "中共", "中国人民政治协商会议", "共青团")


_STATIONED = re.compile(r"驻(.{2,8}?)(?:办事处|代表处|联络处|办公室|工作组|代表团)")


def org_places(reg: Registry) -> None:
    """A body named after a division is located in it: 中共辽源市委 -> 辽源市, 辽宁省人民政府 ->
    辽宁省 (the longest division name at the start, after 中共/政协/共青团); an office stationed
    elsewhere (驻北京办事处) is located where it is stationed."""
    gaz = knowledge.gazetteer()
    for key, acc in sorted(reg.acc.items()):
        if acc.type is not EntityType.ORGANIZATION:
            continue
        name = acc.name
        for prefix in _PARTY_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        found = None
        for n in range(min(len(name) - 1, 12), 1, -1):
            cands = [d for d in gaz.by_name.get(name[:n], ()) if d.level in (Level.PROVINCE, Level.CITY, Level.COUNTY)]
            if len(cands) == 1:
                found = cands[0]
                break
        stationed = _STATIONED.search(name)  # 天津市人民政府驻北京办事处: in 北京市, not 天津市
        if stationed:
            cands = [
                d
                for d in gaz.candidates(stationed.group(1))
                if d.level in (Level.COUNTRY, Level.PROVINCE, Level.CITY, Level.COUNTY)
            ]
            found = cands[0] if len(cands) == 1 else None
        if found is None:
            continue
        pkey = place_key(found)
        reg.add(pkey, EntityType.PLACE, found.name, None, code=found.code)
        reg.parent(key, pkey, "named after its place")


_OFFICIAL_PREFIXES = (("中国人民政治协商会议", "政协"), ("中国共产党", "中共"))


def official_forms(name: str) -> set[str]:
    """Other official names of a body: the aliases national_orgs.tsv lists for it (中共中央 for
    中国共产党中央委员会) and the conventional short prefixes (政协江西省委员会 for
    中国人民政治协商会议江西省委员会, 中共中央政治局 for 中国共产党中央委员会政治局)."""
    out = {alias for alias, full in knowledge.national_orgs().items() if full == name and len(alias) >= 3}
    for long, short in _OFFICIAL_PREFIXES:
        if name.startswith(long) and len(name) > len(long) + 1:
            out.add(short + name[len(long) :])
    return out
