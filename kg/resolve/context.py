"""The context an article is read in: its region at every level (province, city, county),
and the context a title chain sets by naming a body after a place."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from kg import knowledge
from kg.knowledge import Division, Level
from kg.records import Analysis, Article

NATIONAL = "全国"


@dataclass
class Context:
    article: Article
    region: Division | None
    province: Division | None
    city: Division | None
    county: Division | None
    scope: str
    town: Division | None = None
    """The town, township or street the article's region is or the one town the article names
    (镇党委 and 乡政府 are its bodies)."""


def province_of(d: Division | None) -> Division | None:
    if d is None or d.level is Level.COUNTRY:
        return None
    if d.level is Level.PROVINCE:
        return d
    return next((a for a in knowledge.gazetteer().ancestors(d) if a.level is Level.PROVINCE), None)


def level_of(d: Division | None, level: Level) -> Division | None:
    if d is None:
        return None
    if d.level is level:
        return d
    return next((a for a in knowledge.gazetteer().ancestors(d) if a.level is level), None)


def city_of(d: Division | None) -> Division | None:
    """The prefecture-level city of a division; a municipality (北京市, 上海市虹口区 -> 上海市)
    is its own city: its 市委 and 市政府 are the municipality's."""
    city = level_of(d, Level.CITY)
    if city is None:
        province = province_of(d)
        if province is not None and knowledge.is_municipality(province):
            return province
    return city


def article_context(analysis: Analysis, places: dict[str, Division]) -> Context:
    article = analysis.article
    gaz = knowledge.gazetteer()
    region = gaz.find_region(article.issue.region) if article.issue.region else None
    province = province_of(region)
    city = city_of(region)
    county = level_of(region, Level.COUNTY)
    if city is None:  # a provincial paper: the city the article is about, if one stands out
        counts = Counter()
        for m in analysis.mentions:
            d = places.get(m.id)
            c = level_of(d, Level.CITY) if d is not None else None
            if c is not None and (province is None or province_of(c) == province):
                counts[c.code] += 1
        if counts:
            top = counts.most_common()
            if len(top) == 1 or top[0][1] > top[1][1]:
                city = gaz.get(top[0][0])
    scope = NATIONAL if article.agency in ("新华社", "中新社") else (province.name if province else NATIONAL)
    town = level_of(region, Level.TOWN)
    if town is None:  # a county's or city's paper on one town: 镇党委书记 is that town's
        towns = {
            d.code
            for m in analysis.mentions
            if (d := places.get(m.id)) is not None
            and d.level is Level.TOWN
            and (region is None or region in gaz.ancestors(d))
        }
        town = gaz.get(towns.pop()) if len(towns) == 1 else None
    return Context(article, region, province, city, county, scope, town)


_BELOW_PROVINCE = frozenset("市县区州盟旗")
"""First characters of a level word below a province (市委, 县政府, 区长, 州委...)."""


def chain_context(body: str, ctx: Context) -> Context | None:
    """The context a title chain sets by naming a body after a place (河东区委, 毕节市委): later
    level words of the chain (区长, 市长) refer to that place."""
    gaz = knowledge.gazetteer()
    body = body.removeprefix("中共")
    for n in range(min(len(body) - 1, 10), 1, -1):  # 河南省委书记、省长: the province named
        provinces = [d for d in gaz.candidates(body[:n]) if d.level is Level.PROVINCE]
        if len(provinces) == 1 and body[n:] in knowledge.abbreviations() and n >= 2:
            d = provinces[0]
            if body[n] in _BELOW_PROVINCE and not knowledge.is_municipality(d):
                continue  # 吉林市委: the city of the province's name, not the province
            if d == ctx.province:
                return None
            city = d if knowledge.is_municipality(d) else None
            return dataclasses.replace(ctx, region=d, province=d, city=city, county=None)
    for n in range(min(len(body) - 1, 10), 1, -1):
        cands = [d for d in gaz.candidates(body[:n]) if d.level in (Level.CITY, Level.COUNTY)]
        if ctx.province is not None:
            cands = [d for d in cands if province_of(d) == ctx.province] or cands
        if len(cands) == 1:
            d = cands[0]
            province = province_of(d) or ctx.province  # 长春市委 in a 辽宁 paper: 吉林省's city
            if d.level is Level.CITY:
                return dataclasses.replace(ctx, region=d, province=province, city=d, county=None)
            return dataclasses.replace(ctx, region=d, province=province, city=city_of(d), county=d)
    return None
