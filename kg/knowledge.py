"""Domain knowledge from the shipped data files: administrative divisions, titles, bodies,
policies. Loaded once and shared by extraction (what to look for) and resolution (what it is).

Sources are stated in each file's header (kg/data/gazetteer/SOURCE.md for the gazetteer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache

from kg.errors import DataFileError
from kg.resources import read_lines, read_patterns, read_tsv, split_aliases


class Level(Enum):
    """Administrative level of a division."""

    COUNTRY = "country"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"


@dataclass(frozen=True)
class Division:
    """An administrative division (or a country) from the gazetteer."""

    code: str
    """GB/T 2260 code; towns: `<county code>-<name>`; countries: `country-<name>`."""
    name: str
    """Official name (沈阳市, 南票区, 龙腾街道, 日本国)."""
    short: str
    """Common short form (沈阳, 南票) or empty."""
    level: Level
    """Administrative level."""
    parent: str | None
    """Code of the containing division, None for provinces and countries."""


CHINA = Division("country-中华人民共和国", "中华人民共和国", "中国", Level.COUNTRY, None)


class Gazetteer:
    """Lookup of divisions by code, full name and short form, with the containment tree."""

    def __init__(self, divisions: list[Division]):
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        self.by_short: dict[str, list[Division]] = {}
        for d in divisions:
            if d.code in self.by_code:
                raise DataFileError(f"gazetteer: duplicate code {d.code} ({d.name})")
            self.by_code[d.code] = d
            self.by_name.setdefault(d.name, []).append(d)
            if d.short and d.short != d.name:
                self.by_short.setdefault(d.short, []).append(d)

    def get(self, code: str) -> Division:
        """The division with this code."""
        return self.by_code[code]

    def parent(self, d: Division) -> Division | None:
        """The containing division (China for provinces, None for countries)."""
        if d.parent:
            return self.by_code[d.parent]
        return CHINA if d.level is Level.PROVINCE else None

    def ancestors(self, d: Division) -> list[Division]:
        """Containing divisions, nearest first (up to China)."""
        out = []
        p = self.parent(d)
        while p is not None:
            out.append(p)
            p = self.parent(p)
        return out

    def candidates(self, surface: str) -> list[Division]:
        """Divisions a surface form may denote: by full name, else by short form."""
        return list(self.by_name.get(surface, ())) or list(self.by_short.get(surface, ()))

    def full_path(self, d: Division) -> str:
        """Names from the province down, e.g. 辽宁省葫芦岛市南票区 (for readable IRIs)."""
        chain = [d, *self.ancestors(d)]
        return "".join(x.name for x in reversed(chain) if x.level is not Level.COUNTRY)

    def find_region(self, text: str) -> Division | None:
        """The division named by a region string: 辽宁省, 辽源市, 吉林省辽源市, 辽宁."""
        if text in ("中华人民共和国", "中国", "全国"):
            return CHINA
        for d in self.candidates(text):
            if d.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
                return d
        # a path: the longest known suffix whose ancestors are named before it
        for cut in range(1, len(text)):
            head, tail = text[:cut], text[cut:]
            for d in self.candidates(tail):
                if any(a.name == head or self.full_path(a) == head for a in self.ancestors(d)):
                    return d
        return None


@cache
def gazetteer() -> Gazetteer:
    """All divisions: provinces, cities, counties (coded), towns, and countries."""
    rows = read_tsv("gazetteer/divisions.tsv", ("code", "name", "short", "level", "parent_code"))
    divisions = [Division(r["code"], r["name"], r["short"], Level(r["level"]), r["parent_code"] or None) for r in rows]
    for r in read_tsv("gazetteer/towns.tsv", ("name", "parent_code")):
        divisions.append(Division(f"{r['parent_code']}-{r['name']}", r["name"], "", Level.TOWN, r["parent_code"]))
    divisions.append(CHINA)
    for r in read_tsv("gazetteer/countries.tsv", ("name", "full_name", "aliases")):
        full = r["full_name"] or r["name"]
        if full == CHINA.name:
            continue
        divisions.append(Division(f"country-{full}", full, r["name"] if r["name"] != full else "", Level.COUNTRY, None))
    return Gazetteer(divisions)


@cache
def country_aliases() -> dict[str, str]:
    """Extra surface forms of countries -> formal name (aliases column of countries.tsv)."""
    out = {}
    for r in read_tsv("gazetteer/countries.tsv", ("name", "full_name", "aliases")):
        for alias in split_aliases(r["aliases"]):
            out[alias] = r["full_name"] or r["name"]
    return out


@dataclass(frozen=True)
class Title:
    """An official title from titles.tsv."""

    title: str
    """Surface form (副书记, 省委副书记)."""
    kind: str
    """System it belongs to (party, government, congress, media...)."""
    implies: str
    """Abbreviation of the body the bare title implies (省长 -> 省政府), or empty."""


@cache
def titles() -> dict[str, Title]:
    """Titles by surface form."""
    return {
        r["title"]: Title(r["title"], r["kind"], r["implies"])
        for r in read_tsv("lexicon/titles.tsv", ("title", "kind", "implies"))
    }


@dataclass(frozen=True)
class Abbrev:
    """A region-relative body abbreviation (省委 -> 中共{name}委)."""

    abbrev: str
    """Surface form (省委, 团省委, 市政府)."""
    level: Level
    """Level of the region the template is filled with."""
    template: str
    """Full-name template with {name} / {short}."""

    def expand(self, region: Division) -> str:
        """The full name for a region (中共辽宁省委); a district is named with its city, as
        district names repeat from city to city (中共毕节市七星关区委, 上海市虹口区人民政府)."""
        return self.template.format(name=body_region_name(region), short=region.short or region.name)


def body_region_name(region: Division) -> str:
    """The region's name as its bodies carry it: a district with its city (上海市虹口区,
    毕节市七星关区), a town with its county (常州市金坛区薛埠镇), as their names repeat; other
    divisions as named."""
    name = region.name
    if region.level is Level.COUNTY and name.endswith("区") and region.parent:
        parent = gazetteer().get(region.parent)
        if parent.level in (Level.CITY, Level.PROVINCE):
            name = parent.name + name
    if region.level is Level.TOWN and region.parent:  # towns repeat from county to county
        name = body_region_name(gazetteer().get(region.parent)) + name
    return name


def is_municipality(d: Division) -> bool:
    """Whether a division is a municipality under the central government (北京市, 重庆市):
    a province-level city, whose bodies are named like a city's (市委, 市政府)."""
    return d.level is Level.PROVINCE and d.name.endswith("市")


@cache
def abbreviations() -> dict[str, Abbrev]:
    """Region-relative abbreviations by surface form."""
    return {
        r["abbrev"]: Abbrev(r["abbrev"], Level(r["level"]), r["full_template"])
        for r in read_tsv("lexicon/org_abbrev.tsv", ("abbrev", "level", "full_template"))
    }


@cache
def national_orgs() -> dict[str, str]:
    """Surface form -> full name of national and international bodies."""
    out: dict[str, str] = {}
    for r in read_tsv("lexicon/national_orgs.tsv", ("name", "aliases")):
        out[r["name"]] = r["name"]
        for alias in split_aliases(r["aliases"]):
            out.setdefault(alias, r["name"])
    return out


@dataclass(frozen=True)
class OrgSuffix:
    """A word that ends organisation names (委员会, 海关, 有限公司)."""

    suffix: str
    """The word."""
    kind: str
    """Kind of body (party, government, enterprise...)."""
    needs_proper_prefix: bool
    """True when only a place or proper name before it makes an organisation (部, 局)."""


@cache
def org_suffixes() -> dict[str, OrgSuffix]:
    """Organisation-final words by surface form."""
    return {
        r["suffix"]: OrgSuffix(r["suffix"], r["kind"], r["needs_proper_prefix"] == "1")
        for r in read_tsv("lexicon/org_suffixes.tsv", ("suffix", "kind", "needs_proper_prefix"))
    }


@cache
def meeting_kinds() -> dict[str, str]:
    """Meeting-final words (会议, 座谈会, 仪式) -> kind."""
    return {r["suffix"]: r["kind"] for r in read_tsv("lexicon/meeting_kinds.tsv", ("suffix", "kind"))}


@cache
def org_grammar() -> dict[str, re.Pattern[str]]:
    """Grammar patterns of organisation names, by name (term, termed_head): org_grammar.tsv."""
    return dict(read_patterns("lexicon/org_grammar.tsv"))


@cache
def relation_cues() -> dict[str, re.Pattern[str]]:
    """Cue patterns of the relation rules, by name (chair, attend_verb, held, studied, ...)."""
    return dict(read_patterns("lexicon/relation_cues.tsv"))


def studied_meeting(text: str, end: int) -> bool:
    """Whether the meeting name ending at `end` is the object of study, not an event of the
    article: 传达学习六中全会|精神, 落实…会议|部署; also an item of a list of what is studied
    (传达学习省委全会、市委常委会会议精神: relation_cues.tsv `studied_list`)."""
    cues = relation_cues()
    return bool(cues["studied"].match(text, end) or cues["studied_list"].match(text, end))


@cache
def policy_terms(exclude_kinds: tuple[str, ...] = ()) -> dict[str, str]:
    """Surface form -> canonical name of known named policies (and formulations, unless excluded)."""
    out: dict[str, str] = {}
    for r in read_tsv("lexicon/policy_terms.tsv", ("name", "kind", "aliases")):
        if r["kind"] in exclude_kinds:
            continue
        out[r["name"]] = r["name"]
        for alias in split_aliases(r["aliases"]):
            out.setdefault(alias, r["name"])
    return out


@cache
def generic_phrases() -> frozenset[str]:
    """Phrases that look like entities but denote none (有关部门, 各级党组织)."""
    return frozenset(read_lines("lexicon/generic_phrases.txt"))


@dataclass(frozen=True)
class Paper:
    """A newspaper and the region it serves."""

    name: str
    """Name (辽宁日报)."""
    aliases: tuple[str, ...]
    """Other names, e.g. the pinyin masthead."""
    region: str
    """Full name of the region it serves."""
    publisher: str
    """Owning body (中共辽宁省委), or empty."""


@cache
def papers() -> dict[str, Paper]:
    """Papers by name and alias."""
    out: dict[str, Paper] = {}
    for r in read_tsv("lexicon/papers.tsv", ("name", "aliases", "region", "publisher")):
        paper = Paper(r["name"], split_aliases(r["aliases"]), r["region"], r["publisher"])
        for key in (paper.name, *paper.aliases):
            out.setdefault(key, paper)
    return out


@cache
def entity_words() -> dict[str, tuple[str, ...]]:
    """The closed word lists of the entity rules, by set (stop_chars, role_words, place_endings...):
    entity_words.tsv; a set of single characters is a tuple of characters."""
    out: dict[str, tuple[str, ...]] = {}
    for r in read_tsv("lexicon/entity_words.tsv", ("set", "chars", "items")):
        if r["chars"] not in ("yes", "no"):
            raise DataFileError(f"entity_words.tsv: set {r['set']!r} has chars={r['chars']!r}; allowed: yes, no")
        out[r["set"]] = tuple(r["items"]) if r["chars"] == "yes" else tuple(r["items"].split())
    return out
