"""Resolution: mentions -> canonical entities, across mentions, articles, pages and papers.

Keys (from which `kg.iri` mints IRIs) and canonical names:
  * places: `place/<province…division>` from the gazetteer (沈阳 -> 辽宁省沈阳市, label 沈阳市);
    ambiguous names are settled by context (the place printed just before, places named in the
    article, the paper's region); 我省/全省 -> the paper's province, 我国 -> China; places the
    gazetteer lacks hang under the place printed before them (横峰县百家村).
  * organisations: `org/<full name>`: region-relative abbreviations expanded with the paper's
    region (省委 in 辽宁日报 -> 中共辽宁省委, 市委 in 辽源日报 -> 中共辽源市委), national bodies
    to their full names (党中央 -> 中共中央), 本报 -> the paper; a leading province before a city
    is dropped (江西省上饶市… -> 上饶市…).
  * people: `person/<scope>/<name>`, scope 全国 for holders of national posts (and people in
    wire copy), else the paper's province: the same name in the same province is one person,
    in different provinces two people (merge notes record why mentions were merged).
  * meetings: one node per instance: body + kind (+ date unless it is a numbered session):
    省政府党组会议 of 2021-08-05 -> `meeting/辽宁省人民政府党组会议/2021-08-05`.
  * policies: `policy/<name without 《》“” and (草案)>`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from kg import knowledge
from kg.careers import implied_bodies
from kg.dates import find_dates
from kg.knowledge import CHINA, Division, Level
from kg.posts import posts_of
from kg.records import Analysis, Article, Entity, EntityType, Mention, MentionKind, Resolution
from kg.resources import read_tsv

NATIONAL = "全国"
_DRAFT = re.compile(r"[（(](?:草案|试行|送审稿|征求意见稿|修订草案)[)）]$")
_QUOTES = re.compile(r"[《》“”\"「」『』\s]")
_ORDINALS = re.compile(r"第?[一二三四五六七八九十百零〇\d]+[届次]")


def _numbered_measures(name: str) -> str:
    """六举措, 六项措施 -> 六项措施 (a numbered package of measures, written either way)."""
    m = re.fullmatch(r"([一二三四五六七八九十两]{1,3}|\d{1,2})(?:项|条)?(?:措施|举措)", name)
    return f"{m.group(1)}项措施" if m else name


_CAMPAIGN = re.compile(r"^[^“”]{0,6}“([^“”]{2,30})”([\u4e00-\u9fff]{0,4}?)(行动|活动|计划|工程|改革|试点|战略)$")


def policy_key_name(text: str) -> str:
    """A policy's identity: its name without brackets, quotes or draft markers. A campaign
    named by a quotation is identified by it and its kind: “千村美丽、万村整治”行动 and
    “千村美丽万村整治”创建行动 are one campaign."""
    text = _DRAFT.sub("", text.replace("《", "").replace("》", "")).strip()
    m = _CAMPAIGN.match(text)
    if m and len(m.group(2)) <= 2:
        core = re.sub(r"[、，,·\s]", "", m.group(1))
        return f"{core}{m.group(3)}"
    return _QUOTES.sub("", text)


@dataclass
class _Acc:
    """An entity being accumulated."""

    type: EntityType
    name: str
    code: str | None = None
    date: dt.date | None = None
    surfaces: Counter = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    fixed_name: bool = True


class _Registry:
    def __init__(self) -> None:
        self.acc: dict[str, _Acc] = {}
        self.assign: dict[str, str] = {}
        self.parents: set[tuple[str, str, str]] = set()

    def add(
        self,
        key: str,
        type_: EntityType,
        name: str,
        mention: Mention | None,
        *,
        code: str | None = None,
        fixed_name: bool = True,
    ) -> str:
        acc = self.acc.get(key)
        if acc is None:
            acc = self.acc[key] = _Acc(type_, name, code=code, fixed_name=fixed_name)
        if mention is not None:
            acc.surfaces[mention.text.strip()] += 1
            acc.articles.add(mention.article)
            self.assign[mention.id] = key
        return key

    def parent(self, child: str, parent: str, why: str) -> None:
        if child != parent:
            self.parents.add((child, parent, why))


# --------------------------------------------------------------------------------------------
# context


@dataclass
class _Context:
    article: Article
    region: Division | None
    province: Division | None
    city: Division | None
    county: Division | None
    scope: str


def _province_of(d: Division | None) -> Division | None:
    if d is None or d.level is Level.COUNTRY:
        return None
    if d.level is Level.PROVINCE:
        return d
    return next((a for a in knowledge.gazetteer().ancestors(d) if a.level is Level.PROVINCE), None)


def _level_of(d: Division | None, level: Level) -> Division | None:
    if d is None:
        return None
    if d.level is level:
        return d
    return next((a for a in knowledge.gazetteer().ancestors(d) if a.level is level), None)


def _context(analysis: Analysis, places: dict[str, Division]) -> _Context:
    article = analysis.article
    gaz = knowledge.gazetteer()
    region = gaz.find_region(article.issue.region) if article.issue.region else None
    province = _province_of(region)
    city = _level_of(region, Level.CITY)
    county = _level_of(region, Level.COUNTY)
    if city is None:  # a provincial paper: the city the article is about, if one stands out
        counts = Counter()
        for m in analysis.mentions:
            d = places.get(m.id)
            c = _level_of(d, Level.CITY) if d is not None else None
            if c is not None and (province is None or _province_of(c) == province):
                counts[c.code] += 1
        if counts:
            top = counts.most_common()
            if len(top) == 1 or top[0][1] > top[1][1]:
                city = gaz.get(top[0][0])
    scope = NATIONAL if article.agency in ("新华社", "中新社") else (province.name if province else NATIONAL)
    return _Context(article, region, province, city, county, scope)


# --------------------------------------------------------------------------------------------
# places


def _fuller_name(short: str, names: list[str]) -> str | None:
    """The one longer name in `names` that `short` abbreviates: same first character, same
    last two characters (the kind of place), the rest a subsequence (石油大院 / 石油共生大院)."""

    def subsequence(a: str, b: str) -> bool:
        it = iter(b)
        return all(ch in it for ch in a)

    found = {
        n
        for n in names
        if len(n) > len(short) >= 3 and n[0] == short[0] and n[-2:] == short[-2:] and subsequence(short, n)
    }
    return found.pop() if len(found) == 1 else None


def _deixis() -> dict[str, str]:
    return {r["word"]: r["level"] for r in read_tsv("lexicon/deixis.tsv", ("word", "level"))}


def place_key(d: Division) -> str:
    """Key of a gazetteer division."""
    if d.level is Level.COUNTRY:
        return f"place/{d.name}"
    return f"place/{knowledge.gazetteer().full_path(d)}"


def _choose(
    cands: list[Division], prev: Division | None, article_text: str, province: Division | None, short: bool
) -> Division:
    gaz = knowledge.gazetteer()
    level_pref = {Level.CITY: 0.5, Level.PROVINCE: 0.45, Level.COUNTRY: 0.45, Level.COUNTY: 0.2, Level.TOWN: 0.1}

    def score(d: Division) -> tuple[float, str]:
        ancestors = gaz.ancestors(d)
        s = 0.0
        if prev is not None and prev in ancestors:
            s += 4
        if province is not None and (d == province or province in ancestors):
            s += 2
        s += sum(1 for a in ancestors if a.level is not Level.COUNTRY and a.name in article_text)
        if short:
            s += level_pref.get(d.level, 0)
        return (-s, d.code)

    return sorted(cands, key=score)[0]


def _resolve_places(
    analysis: Analysis, reg: _Registry, province: Division | None, region: Division | None
) -> dict[str, Division]:
    """Resolve the article's place mentions; returns mention id -> gazetteer division."""
    gaz = knowledge.gazetteer()
    deixis = _deixis()
    aliases = knowledge.country_aliases()
    text = analysis.article.text
    out: dict[str, Division] = {}
    places = [m for m in analysis.mentions if m.kind is MentionKind.PLACE]
    by_end: dict[int, Mention] = {m.end: m for m in places}
    keys: dict[str, str] = {}  # mention id -> key, for chains
    local_named: dict[str, str] = {}  # surface -> key of a non-gazetteer place in this article
    for m in places:
        surface = m.text.strip()
        prev_m = by_end.get(m.start)
        prev = out.get(prev_m.id) if prev_m is not None else None
        if surface in deixis:
            level = deixis[surface]
            d = {
                "province": province,
                "country": CHINA,
                "city": _level_of(region, Level.CITY),
                "county": _level_of(region, Level.COUNTY),
            }.get(level)
            if d is None:
                continue  # 全市 in a provincial paper: which city is not said
            out[m.id] = d
            keys[m.id] = reg.add(place_key(d), EntityType.PLACE, d.name, m, code=d.code)
            continue
        if surface in aliases:
            surface = aliases[surface]
        cands = gaz.candidates(surface)
        if cands:
            short = surface not in gaz.by_name
            if short:  # 本溪: the city, not 本溪满族自治县 inside it, unless context says otherwise
                outer = [d for d in cands if not any(a in cands for a in gaz.ancestors(d))]
                if prev is None or not any(prev in gaz.ancestors(d) for d in cands if d not in outer):
                    cands = outer
            d = _choose(cands, prev, text, province, short)
            out[m.id] = d
            keys[m.id] = reg.add(place_key(d), EntityType.PLACE, d.name, m, code=d.code)
            continue
        # not in the gazetteer: as seen before in the article, else under the place printed
        # just before it (横峰县百家村), else under the paper's province
        fuller = _fuller_name(surface, [p.text.strip() for p in places if p.id not in out])
        if fuller is not None and fuller in local_named:
            key = local_named[fuller]  # 石油大院 for 石油共生大院, named in full before
            keys[m.id] = reg.add(key, EntityType.PLACE, surface, m)
            reg.acc[key].notes.add(f"{surface} abbreviates {fuller}")
            continue
        if surface in local_named:
            key = local_named[surface]
            if prev_m is not None and prev_m.id in keys:
                reg.parent(key, keys[prev_m.id], "printed after its parent place")
        elif prev_m is not None and prev_m.id in keys:
            key = f"{keys[prev_m.id]}/{surface}"
            reg.parent(key, keys[prev_m.id], "printed after its parent place")
        else:
            key = f"place/{province.name if province else NATIONAL}/~{surface}"
        local_named.setdefault(surface, key)
        keys[m.id] = reg.add(key, EntityType.PLACE, surface, m)
    return out


# --------------------------------------------------------------------------------------------
# organisations


@cache
def _provinces() -> tuple[Division, ...]:
    return tuple(d for ds in knowledge.gazetteer().by_name.values() for d in ds if d.level is Level.PROVINCE)


def _expand_abbrev(abbrev: str, ctx: _Context) -> str | None:
    a = knowledge.abbreviations().get(abbrev)
    if a is None:
        return None
    region = {Level.PROVINCE: ctx.province, Level.CITY: ctx.city, Level.COUNTY: ctx.county}.get(a.level)
    return a.expand(region) if region is not None else None


def org_name(surface: str, ctx: _Context) -> str | None:
    """The full name of a body as written in an article, or None if it cannot be told."""
    s = re.sub(r"\s+", "", surface)
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
        return _expand_abbrev(s, ctx)
    # place + abbreviation: 葫芦岛市委, 辽宁省委网信办, 大连市委
    for cut in range(len(s) - 1, 1, -1):
        head, rest = s[:cut], s[cut:]
        for d in gaz.candidates(head):
            if d.level not in (Level.PROVINCE, Level.CITY, Level.COUNTY):
                continue
            level_char = d.name[-1]
            for ab in (rest, level_char + rest, head[-1] + rest if head.endswith(level_char) else None):
                a = abbrevs.get(ab) if ab else None
                if a is not None and a.level is d.level:
                    return a.expand(d)
    # a leading abbreviation: 省政协机关党组, 省政协办公厅
    for cut in range(len(s) - 1, 1, -1):
        if s[:cut] in abbrevs:
            full = _expand_abbrev(s[:cut], ctx)
            if full:
                return full + s[cut:]
            break
    # the province's or city's own body: 省新冠肺炎疫情防控总指挥部
    if s[0] == "省" and ctx.province is not None and len(s) > 3:
        return ctx.province.name + s[1:]
    if s[0] == "市" and ctx.city is not None and len(s) > 3:
        return ctx.city.name + s[1:]
    # a province before one of its cities adds nothing: 江西省上饶市… -> 上饶市…
    for province in _provinces():
        if s.startswith(province.name):
            rest = s[len(province.name) :]
            if any(
                rest.startswith(c.name) and c.parent == province.code
                for n in range(2, 7)
                for c in gaz.by_name.get(rest[:n], ())
            ):
                return rest
            break
    return s


# --------------------------------------------------------------------------------------------
# meetings and policies


def meeting_name(surface: str, organizer: str | None, ctx: _Context) -> str:
    """Canonical name of a meeting: numbered sessions spelled out, the organiser in full."""
    s = re.sub(r"\s+", "", surface)
    m = re.fullmatch(r"(?:党的)?([一二三四五六七八九十]{1,3})大", s)
    if m:
        return f"中国共产党第{m.group(1)}次全国代表大会"
    m = re.fullmatch(
        r"([省市县区]|全国)?([一二三四五六七八九十]{1,3})届(人大|政协)([一二三四五六七八九十]{1,3})次会议", s
    )
    if m:
        level, term, body, session = m.groups()
        region = {"省": ctx.province, "市": ctx.city, "县": ctx.county}.get(level or "")
        prefix = "全国" if level == "全国" else (region.name if region else "")
        if body == "人大":
            return f"{prefix}第{term}届人民代表大会第{session}次会议"
        return f"{prefix}政协第{term}届委员会第{session}次会议"
    if organizer and not s.startswith(organizer):
        return organizer + s
    return s


def _meeting_kind(surface: str) -> str:
    kinds = knowledge.meeting_kinds()
    for n in range(min(len(surface), 8), 1, -1):
        if surface[-n:] in kinds:
            return surface[-n:]
    return ""


def meeting_organizer(meeting: Mention, analysis: Analysis) -> tuple[Mention | None, str]:
    """The body holding a meeting and the rest of the meeting's name: the body printed just
    before the meeting word (省政府|党组会议, 中共中央政治局|会议), else the body that convenes
    it in the sentence (省政协举行…会议)."""
    kind = _meeting_kind(meeting.text)
    kind_start = meeting.end - len(kind)
    inside = [
        m
        for m in analysis.mentions
        if m.kind is MentionKind.ORGANIZATION
        and meeting.start <= m.start
        and m.end <= kind_start
        and m.end < meeting.end
    ]
    at_kind = [m for m in inside if m.end == kind_start]
    if at_kind:
        org = min(at_kind, key=lambda m: m.start)
        return org, meeting.text[org.end - meeting.start :]
    at_start = [
        m
        for m in analysis.mentions  # 省委常委会|会议: the body may share characters with the meeting word
        if m.kind is MentionKind.ORGANIZATION and m.start == meeting.start and m.end < meeting.end
    ]
    if at_start:
        org = max(at_start, key=lambda m: m.end)
        return org, meeting.text[org.end - meeting.start :]
    text = analysis.article.text
    if text[meeting.start - 1 : meeting.start] in ("和", "、", "及"):  # 召开A和B: B shares A's body
        before = [m for m in analysis.mentions if m.kind is MentionKind.MEETING and m.end == meeting.start - 1]
        if before:
            org, _ = meeting_organizer(before[0], analysis)
            if org is not None:
                return org, meeting.text
    sentence = analysis.sentences[meeting.sentence]
    convening = knowledge.relation_cues()["convenes"]
    for org in analysis.mentions:
        if org.kind is not MentionKind.ORGANIZATION or org.sentence != meeting.sentence or org.end > meeting.start:
            continue
        between = text[org.end : meeting.start]
        if convening.match(between) and len(between) <= 12 and sentence.start <= org.start:
            return org, meeting.text
    return None, meeting.text


def _meeting_date(meeting: Mention, analysis: Analysis) -> dt.date | None:
    """The date printed before the meeting in its sentence (else after it); none for a meeting
    whose spirit is being studied (11月9日…传达学习六中全会精神: the date is the study's)."""
    if knowledge.studied_meeting(analysis.article.text, meeting.end):
        return None
    sentence = analysis.sentences[meeting.sentence]
    found = find_dates(sentence.text, analysis.article.issue.date)
    before = [d for d in found if sentence.start + d.start <= meeting.start]
    pick = before[-1] if before else (found[0] if found else None)
    return pick.date if pick else None


def _numbered(name: str) -> bool:
    return bool(re.search(r"第[一二三四五六七八九十]+届|全国代表大会|中全会|届.{0,4}次会议", name))


# --------------------------------------------------------------------------------------------


def _person_scopes(analyses: Sequence[Analysis], contexts: dict[str, _Context]) -> dict[tuple[str, str], str]:
    """(article id, name) -> scope: 全国 for people holding a national post anywhere."""
    national_names: set[str] = set()
    local_posts: set[tuple[str, str]] = set()
    national_bodies = set(knowledge.national_orgs().values())
    for an in analyses:
        ctx = contexts[an.article.id]
        for m in an.mentions:
            if m.kind is not MentionKind.PERSON:
                continue
            for cue in posts_of(an, m):
                body = cue.body.text if cue.body is not None else cue.body_abbrev
                full = org_name(body, ctx) if body else None
                if full in national_bodies:
                    national_names.add(m.text)
                elif full:
                    local_posts.add((an.article.id, m.text))
    scopes = {}
    for an in analyses:
        ctx = contexts[an.article.id]
        for m in an.mentions:
            if m.kind is MentionKind.PERSON:
                national = m.text in national_names and (an.article.id, m.text) not in local_posts
                scopes[(an.article.id, m.text)] = NATIONAL if national else ctx.scope
    return scopes


def resolve(analyses: Sequence[Analysis]) -> Resolution:
    """Canonical entities for all mentions of all articles (order-independent)."""
    analyses = sorted(analyses, key=lambda a: a.article.id)
    reg = _Registry()
    gaz = knowledge.gazetteer()
    contexts: dict[str, _Context] = {}
    place_divs: dict[str, Division] = {}
    for an in analyses:
        region = gaz.find_region(an.article.issue.region) if an.article.issue.region else None
        place_divs.update(_resolve_places(an, reg, _province_of(region), region))
        contexts[an.article.id] = _context(an, place_divs)
    scopes = _person_scopes(analyses, contexts)
    meeting_groups: dict[tuple[str, str], list[tuple[Mention, dt.date | None, bool]]] = defaultdict(list)
    policy_terms = {policy_key_name(k): v for k, v in knowledge.policy_terms().items()}
    for an in analyses:
        ctx = contexts[an.article.id]
        short_forms = _policy_short_forms(an)
        article_meetings: list[_MeetingMention] = []
        for m in an.mentions:
            if m.kind is MentionKind.ORGANIZATION:
                longer = _longer_org(m, an)
                full = org_name(longer.text if longer is not None else m.text, ctx)
                if full:
                    key = reg.add(f"org/{full}", EntityType.ORGANIZATION, full, m)
                    if longer is not None:
                        reg.acc[key].notes.add(f"{m.text} refers back to {longer.text}")
            elif m.kind is MentionKind.PERSON:
                name = re.sub(r"\s+", "", m.text)
                scope = scopes[(an.article.id, m.text)]
                key = reg.add(f"person/{scope}/{name}", EntityType.PERSON, name, m)
                reg.acc[key].notes.add(f"same name {name} in {scope}")
            elif m.kind is MentionKind.POLICY:
                surface = short_forms.get(m.text, m.text)
                key_name = _numbered_measures(policy_key_name(surface))
                canonical = policy_terms.get(key_name)
                fixed = canonical is not None
                if canonical is None:
                    org_prefix = _leading_org(key_name, ctx)
                    canonical = org_prefix or _DRAFT.sub("", surface.replace("《", "").replace("》", "")).strip()
                    fixed = org_prefix is not None
                canonical = _numbered_measures(canonical)
                reg.add(f"policy/{policy_key_name(canonical)}", EntityType.POLICY, canonical, m, fixed_name=fixed)
            elif m.kind is MentionKind.MEETING:
                org, rest = meeting_organizer(m, an)
                organizer = org_name(org.text, ctx) if org is not None else None
                canonical = meeting_name(rest, organizer, ctx)
                article_meetings.append(
                    _MeetingMention(
                        m, canonical, organizer or "", rest, _meeting_date(m, an), m.start < an.article.body_start
                    )
                )
        for target, items in _article_meetings(article_meetings).items():
            meeting_groups[(an.article.id, target)].extend(items)
        _titles_and_press(an, ctx, reg)
    _finish_meetings(meeting_groups, reg)
    _merge_spelling_variants(reg)
    _org_parents(reg)
    _org_places(reg)
    _place_parents(reg)
    return _finish(reg)


REPORTER_ROLES = frozenset({"记者", "特约记者", "通讯员", "实习记者", "见习记者"})


def press_key(article: Article) -> str | None:
    """Key of the body a reporter of this article works for: the agency, else the paper."""
    if article.agency and article.agency != "本报":
        full = knowledge.national_orgs().get(article.agency, article.agency)
        return f"org/{full}"
    return f"org/{article.issue.paper}" if article.issue.paper else None


def _titles_and_press(an: Analysis, ctx: _Context, reg: _Registry) -> None:
    """Assign each title mention the body it is a title in (省长 -> 辽宁省人民政府; 代表 -> the
    delegation named in the article), and create the paper or agency reporters work for."""
    delegations = [m for m in an.mentions if m.kind is MentionKind.ORGANIZATION and m.text.endswith("代表团")]
    for m in an.mentions:
        if m.kind is not MentionKind.PERSON:
            continue
        for cue in posts_of(an, m):
            if cue.body is not None:
                key = reg.assign.get(cue.body.id)
            elif cue.body_abbrev:
                full = org_name(cue.body_abbrev, ctx)
                key = reg.add(f"org/{full}", EntityType.ORGANIZATION, full, None) if full else None
            elif cue.title in ("代表", "委员") and delegations:
                key = reg.assign.get(delegations[0].id)
            else:
                key = None
            if key:
                reg.assign.setdefault(cue.title_mention.id, key)
    for m, abbrev in implied_bodies(an):  # 任命甲为副区长: the body a changed post's title implies
        full = org_name(abbrev, ctx)
        if full:
            reg.assign.setdefault(m.id, reg.add(f"org/{full}", EntityType.ORGANIZATION, full, None))
    if any(b.role in REPORTER_ROLES or not b.role for b in an.article.bylines):
        key = press_key(an.article)
        if key:
            reg.add(key, EntityType.ORGANIZATION, key.removeprefix("org/"), None)


def _longer_org(m: Mention, an: Analysis) -> Mention | None:
    """A short reference to a body named in full in the same article: 水南画眉站 for
    …新时代文明实践中心水南画眉站, 街道党工委 for 学院路街道党工委, 辽阳石化 for
    中国石油辽阳石化分公司. Only names the lexicon does not know (省委 is not a reference)."""
    surface = m.text
    if len(surface) < 4 or surface in knowledge.abbreviations() or surface in knowledge.national_orgs():
        return None
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


def _is_org_word(tail: str) -> bool:
    """A branch word after a short name: 辽阳石化 + 分公司."""
    return tail in ("分公司", "分行", "分局", "分院", "分厂", "分会", "分所")


def _leading_org(name: str, ctx: _Context) -> str | None:
    """省政府工作报告 -> 吉林省人民政府工作报告: a policy named after a region's body."""
    abbrevs = knowledge.abbreviations()
    for cut in range(min(len(name) - 2, 8), 1, -1):
        if name[:cut] in abbrevs:
            full = _expand_abbrev(name[:cut], ctx)
            return full + name[cut:] if full else None
    return None


def _policy_short_forms(an: Analysis) -> dict[str, str]:
    """Short names an article declares for a document: 《…实施意见》（以下简称《意见》） makes every
    later 《意见》 of the article the same document."""
    text = an.article.text
    policies = [m for m in an.mentions if m.kind is MentionKind.POLICY and not m.nested]
    out: dict[str, str] = {}
    for full, short in zip(policies, policies[1:], strict=False):
        if _SHORT_FORM.fullmatch(text[full.end : short.start]) and short.text != full.text:
            out.setdefault(short.text, full.text)
    return out


_SHORT_FORM = re.compile(r"[》”]?\s*[（(]\s*(?:以下)?简称[《“]?")


@dataclass(frozen=True)
class _MeetingMention:
    mention: Mention
    canonical: str
    organizer: str
    rest: str
    date: dt.date | None
    in_heading: bool


def _article_meetings(items: list[_MeetingMention]) -> dict[str, list[tuple[Mention, dt.date | None, bool]]]:
    """Group one article's meeting mentions into instances: the same body and kind once the
    session numbers are dropped (党组会议暨主席会议 = 十二届七十七次党组会议暨…), and an undated
    mention (the headline's) with the one dated meeting of the same kind."""
    groups: dict[tuple[str, str], list[_MeetingMention]] = defaultdict(list)
    for it in sorted(items, key=lambda it: (-len(it.canonical), it.mention.start)):
        sig = (it.organizer, _ORDINALS.sub("", it.rest))
        groups[sig].append(it)
    names = {sig: max((it.canonical for it in members), key=lambda c: (len(c), c)) for sig, members in groups.items()}
    dated = {sig for sig, members in groups.items() if any(it.date for it in members)}
    merged: dict[str, list[tuple[Mention, dt.date | None, bool]]] = defaultdict(list)
    for sig, members in groups.items():
        target = names[sig]
        if sig not in dated and all(it.in_heading for it in members):
            kind = _meeting_kind(sig[1])
            same_kind = [
                d
                for d in dated
                if (_meeting_kind(d[1]) == kind or _abbreviates(names[sig], names[d]))
                and (not sig[0] or d[0] == sig[0])
            ]
            if len(same_kind) == 1:
                target = names[same_kind[0]]
        for it in members:
            merged[target].append((it.mention, it.date, _numbered(target)))
    return merged


def _abbreviates(short: str, full: str) -> bool:
    """Whether a headline's meeting name is the body's with words left out, in order
    (全省安全生产工作会议 of 全省安全生产工作电视电话会议)."""
    rest = iter(full)
    return len(short) < len(full) and all(ch in rest for ch in short)


def _finish_meetings(groups, reg: _Registry) -> None:
    """One node per meeting instance: same name and date (numbered sessions: same name)."""
    dated: dict[str, set[dt.date]] = defaultdict(set)
    for (_, canonical), items in groups.items():
        for _, date, _ in items:
            if date:
                dated[canonical].add(date)
    for (_, canonical), items in sorted(groups.items()):
        dates = sorted({d for _, d, _ in items if d})
        numbered = items[0][2]
        if numbered:
            key, date = f"meeting/{canonical}", min(dated[canonical]) if dated[canonical] else None
        else:
            date = dates[0] if dates else (min(dated[canonical]) if len(dated[canonical]) == 1 else None)
            key = f"meeting/{canonical}/{date.isoformat() if date else 'undated'}"
        for m, _, _ in items:
            reg.add(key, EntityType.MEETING, canonical, m)
        acc = reg.acc[key]
        if date and (acc.date is None or date < acc.date):
            acc.date = date


_NUMERALS = set("零〇一二三四五六七八九十百千万两0123456789")


def _merge_spelling_variants(reg: _Registry) -> None:
    """Two quoted campaign names on the same page that differ in one (non-numeral) character
    are one campaign written two ways (“城市治理年”活动 / “城市管理年”活动); 十三五/十四五 differ
    in a numeral and stay apart."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for key, acc in reg.acc.items():
        if acc.type is EntityType.POLICY and any("“" in s for s in acc.surfaces):
            for article in acc.articles:
                by_file[article.split("/")[0]].append(key)
    merged: dict[str, str] = {}
    for keys in by_file.values():
        keys = sorted(set(keys))
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                na, nb = a.removeprefix("policy/"), b.removeprefix("policy/")
                if len(na) != len(nb) or len(na) < 5:
                    continue
                diff = [(x, y) for x, y in zip(na, nb, strict=True) if x != y]
                if len(diff) == 1 and not set(diff[0]) & _NUMERALS:
                    keep, drop = sorted((a, b), key=lambda k: (-sum(reg.acc[k].surfaces.values()), k))
                    merged[drop] = keep
    for drop, keep in sorted(merged.items()):
        while keep in merged:
            keep = merged[keep]
        src, dst = reg.acc.pop(drop), reg.acc[keep]
        dst.surfaces.update(src.surfaces)
        dst.articles |= src.articles
        dst.notes.add(f"spelling variant {src.name} merged on the same page")
        for mention_id, key in reg.assign.items():
            if key == drop:
                reg.assign[mention_id] = keep


def _org_parents(reg: _Registry) -> None:
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
    for form, key in names:
        own[key].add(form)
    for key in sorted(own):
        best: tuple[int, str] | None = None
        for form in own[key]:
            for other, okey in names:
                if okey == key or len(other) >= len(form):
                    continue
                if form.startswith(other) and (best is None or len(other) > best[0]):
                    best = (len(other), okey)
        if best:
            reg.parent(key, best[1], "its name extends the parent's name")


_PARTY_PREFIXES = ("中国共产党", "中共", "中国人民政治协商会议", "共青团")


def _org_places(reg: _Registry) -> None:
    """A body named after a division is located in it: 中共辽源市委 -> 辽源市, 辽宁省人民政府 ->
    辽宁省 (the longest division name at the start, after 中共/政协/共青团)."""
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
        if found is None:
            continue
        pkey = place_key(found)
        reg.add(pkey, EntityType.PLACE, found.name, None, code=found.code)
        reg.parent(key, pkey, "named after its place")


def _place_parents(reg: _Registry) -> None:
    """Gazetteer places sit in their gazetteer parents, up to China (created if not mentioned)."""
    gaz = knowledge.gazetteer()
    todo = [acc.code for acc in reg.acc.values() if acc.type is EntityType.PLACE and acc.code]
    seen = set()
    while todo:
        code = todo.pop()
        if code in seen:
            continue
        seen.add(code)
        d = gaz.get(code)
        p = gaz.parent(d)
        if p is None:
            continue
        pkey = place_key(p)
        reg.add(pkey, EntityType.PLACE, p.name, None, code=p.code)
        reg.parent(place_key(d), pkey, "gazetteer")
        todo.append(p.code)


def _finish(reg: _Registry) -> Resolution:
    entities = []
    for key in sorted(reg.acc):
        acc = reg.acc[key]
        name = acc.name
        if not acc.fixed_name and acc.surfaces:  # the fullest surface form, deterministically
            name = sorted(acc.surfaces, key=lambda s: (-len(policy_key_name(s)), s))[0]
            name = _DRAFT.sub("", name.replace("《", "").replace("》", "")).strip()
        aliases = tuple(sorted(s for s in acc.surfaces if s != name))
        notes = ()
        if len(acc.articles) > 1:
            notes = tuple(sorted(f"{n} (articles: {', '.join(sorted(acc.articles))})" for n in acc.notes))
        entities.append(Entity(key, acc.type, name, aliases, acc.code, acc.date, notes))
    return Resolution(tuple(entities), dict(sorted(reg.assign.items())), tuple(sorted(reg.parents)))
