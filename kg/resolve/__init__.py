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

The package splits the stage along its jobs: `context` (the region an article is read in),
`places`, `orgs`, `meetings`, `policies`, `people`, and `registry` (where entities accumulate);
`resolve` here runs them in order."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence

from kg import knowledge
from kg.knowledge import Division
from kg.records import Analysis, Entity, EntityType, Mention, MentionKind, Resolution
from kg.resolve.context import Context, article_context, province_of
from kg.resolve.meetings import (
    MeetingMention,
    abbreviated_venues,
    finish_meetings,
    group_article_meetings,
    meeting_date,
    meeting_forms,
    meeting_name,
    meeting_organizer,
    organizer_in_name,
    sitting_holder,
)
from kg.resolve.orgs import (
    REPORTER_ROLES,
    body_without_term,
    chain_department,
    longer_org,
    official_forms,
    org_name,
    org_parents,
    org_places,
    paired_context,
    press_key,
    titles_and_press,
)
from kg.resolve.people import find_given_names, person_scopes
from kg.resolve.places import place_key, place_parents, resolve_places
from kg.resolve.policies import (
    DRAFT,
    author_before,
    leading_org,
    merge_spelling_variants,
    numbered_measures,
    policy_key_name,
    policy_short_forms,
    title_author,
    title_without_issuers,
)
from kg.resolve.registry import Registry

__all__ = [
    "REPORTER_ROLES",
    "meeting_date",
    "meeting_name",
    "meeting_organizer",
    "official_forms",
    "org_name",
    "place_key",
    "policy_key_name",
    "press_key",
    "resolve",
]


def resolve(analyses: Sequence[Analysis]) -> Resolution:
    """Canonical entities for all mentions of all articles (order-independent)."""
    analyses = sorted(analyses, key=lambda a: a.article.id)
    reg = Registry()
    gaz = knowledge.gazetteer()
    contexts: dict[str, Context] = {}
    place_divs: dict[str, Division] = {}
    for an in analyses:
        region = gaz.find_region(an.article.issue.region) if an.article.issue.region else None
        place_divs.update(resolve_places(an, reg, province_of(region), region))
        abbreviated_venues(an, reg)  # 在京召开: the city a meeting is held in
        contexts[an.article.id] = article_context(an, place_divs)
    scopes = person_scopes(analyses, contexts)
    meeting_groups: dict[tuple[str, str], list[tuple[Mention, dt.date | None, bool]]] = defaultdict(list)
    policy_terms = {policy_key_name(k): v for k, v in knowledge.policy_terms().items()}
    for an in analyses:
        ctx = contexts[an.article.id]
        short_forms = policy_short_forms(an)
        given_names = find_given_names(an)
        article_meetings: list[MeetingMention] = []
        previous_org: Mention | None = None
        for m in an.mentions:
            if m.kind is MentionKind.ORGANIZATION:
                longer = longer_org(m, an)
                local = paired_context(m, previous_org, an, ctx)
                previous_org = m if not m.nested else previous_org
                full = org_name(longer.text if longer is not None else chain_department(m, an), local)
                if full:
                    key = reg.add(f"org/{full}", EntityType.ORGANIZATION, full, m)
                    if longer is not None:
                        reg.acc[key].notes.add(f"{m.text} refers back to {longer.text}")
            elif m.kind is MentionKind.PERSON:
                name = re.sub(r"\s+", "", m.text)
                full = given_names.get(m.id)
                if full is not None:  # 治平副主席 for 王治平: a given name with a title
                    name = re.sub(r"\s+", "", full.text)
                scope = scopes[(an.article.id, (full or m).text)]
                key = reg.add(f"person/{scope}/{name}", EntityType.PERSON, name, m)
                reg.acc[key].notes.add(f"same name {name} in {scope}")
            elif m.kind is MentionKind.POLICY:
                surface = short_forms.get(m.text, m.text)
                key_name = numbered_measures(policy_key_name(surface))
                canonical = policy_terms.get(key_name)
                fixed = canonical is not None
                author = author_before(m, an) if canonical is None else None
                if author is not None:  # 全国人大常委会|关于实行宪法宣誓制度的决定: the author's document
                    full = org_name(author.text, ctx) or author.text
                    bare = DRAFT.sub("", surface.replace("《", "").replace("》", "")).strip()
                    canonical, fixed = full + bare, True
                    reg.mention_forms[m.id] = {re.sub(r"\s+", "", author.text) + bare, bare}
                elif canonical is None:
                    org_prefix = leading_org(key_name, ctx)
                    canonical = org_prefix or DRAFT.sub("", surface.replace("《", "").replace("》", "")).strip()
                    fixed = org_prefix is not None
                bare_title = title_without_issuers(m, an, ctx)
                if bare_title:  # 省人大常委会|关于王晓任…的决定: the title without its issuers names it too
                    reg.mention_forms.setdefault(m.id, set()).add(bare_title)
                canonical = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", numbered_measures(canonical))
                reg.add(f"policy/{policy_key_name(canonical)}", EntityType.POLICY, canonical, m, fixed_name=fixed)
                written = title_author(policy_key_name(canonical))
                if written and "第" in written and "届" in written:  # a body named with its term in a title
                    full = org_name(body_without_term(written), ctx)
                    if full:
                        key = reg.add(f"org/{full}", EntityType.ORGANIZATION, full, None)
                        reg.acc[key].known.add(written)
            elif m.kind is MentionKind.MEETING:
                org, rest = meeting_organizer(m, an)
                reg.mention_forms[m.id] = meeting_forms(m, org, rest, ctx)
                organizer = org_name(org.text, ctx) if org is not None else None
                if organizer is None:  # 区第十八届人民政府|第107次常务会议: a body named by its level word
                    organizer, rest = organizer_in_name(rest, ctx) or (None, rest)
                holder = sitting_holder(m, an) if organizer is None else None
                if holder is not None:  # 县十五届人大常委会召开|第36次会议
                    organizer, rest = organizer_in_name(holder + rest, ctx) or (None, rest)
                    if organizer is not None:
                        reg.mention_forms[m.id] = reg.mention_forms.get(m.id, set()) | {holder + m.text}
                canonical = meeting_name(rest, organizer, ctx)
                article_meetings.append(
                    MeetingMention(
                        m, canonical, organizer or "", rest, meeting_date(m, an), m.start < an.article.body_start
                    )
                )
        for target, items in group_article_meetings(article_meetings).items():
            meeting_groups[(an.article.id, target)].extend(items)
        titles_and_press(an, ctx, reg)
    finish_meetings(meeting_groups, reg)
    merge_spelling_variants(reg)
    org_parents(reg)
    org_places(reg)
    place_parents(reg)
    return _finish(reg)


def _finish(reg: Registry) -> Resolution:
    entities = []
    for key in sorted(reg.acc):
        acc = reg.acc[key]
        name = acc.name
        if not acc.fixed_name and acc.surfaces:  # the fullest surface form, deterministically
            name = sorted(acc.surfaces, key=lambda s: (-len(policy_key_name(s)), s))[0]
            name = DRAFT.sub("", name.replace("《", "").replace("》", "")).strip()
        forms = set(acc.surfaces) | acc.known
        if acc.type is EntityType.ORGANIZATION:
            forms |= official_forms(name)
        aliases = tuple(sorted(s for s in forms if s != name))
        notes = ()
        if len(acc.articles) > 1:
            notes = tuple(sorted(f"{n} (articles: {', '.join(sorted(acc.articles))})" for n in acc.notes))
        entities.append(Entity(key, acc.type, name, aliases, acc.code, acc.date, notes))
    return Resolution(tuple(entities), dict(sorted(reg.assign.items())), tuple(sorted(reg.parents)))
