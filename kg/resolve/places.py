"""Places: gazetteer divisions settled by context, deictic words (我省, 全市), places the
gazetteer lacks hung under the place printed before them, and the containment tree."""

from __future__ import annotations

from kg import knowledge
from kg.knowledge import CHINA, Division, Level
from kg.records import Analysis, EntityType, Mention, MentionKind
from kg.resolve.context import NATIONAL, city_of, level_of
from kg.resolve.registry import Registry
from kg.resources import read_tsv


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


# how an event's name says it is national (中国质量大会); a place named so inside a meeting's name
# is part of that name (我国 and 中华人民共和国 on their own are the state, a place)
_STATE_IN_NAMES = frozenset({"中国", "中华"})


def _deixis() -> dict[str, str]:
    return {r["word"]: r["level"] for r in read_tsv("lexicon/deixis.tsv", ("word", "level"))}


def place_key(d: Division) -> str:
    """Key of a gazetteer division."""
    if d.level is Level.COUNTRY:
        return f"place/{d.name}"
    return f"place/{knowledge.gazetteer().full_path(d)}"


def _choose(
    cands: list[Division],
    prev: Division | None,
    article_text: str,
    province: Division | None,
    short: bool,
    region: Division | None = None,
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
        if region is not None and region != province and region in ancestors:
            s += 2  # 寨里镇 in a 淄博 paper: the town of 淄博's district, not 济南's
        s += sum(1 for a in ancestors if a.level is not Level.COUNTRY and a.name in article_text)
        if short:
            s += level_pref.get(d.level, 0)
        return (-s, d.code)

    return sorted(cands, key=score)[0]


def resolve_places(
    analysis: Analysis, reg: Registry, province: Division | None, region: Division | None
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
    events = [(e.start, e.end) for e in analysis.mentions if e.kind is MentionKind.MEETING]
    for m in places:
        surface = m.text.strip()
        if surface in _STATE_IN_NAMES and any(s <= m.start and m.end <= e for s, e in events):
            continue  # 中国发展高层论坛, 第四届中国国际进口博览会: the state names the event, not a place
        prev_m = by_end.get(m.start)
        prev = out.get(prev_m.id) if prev_m is not None else None
        if surface in deixis:
            level = deixis[surface]
            d = {
                "province": province,
                "country": CHINA,
                "city": city_of(region),
                "county": level_of(region, Level.COUNTY),
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
            d = _choose(cands, prev, text, province, short, region)
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


def place_parents(reg: Registry) -> None:
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
