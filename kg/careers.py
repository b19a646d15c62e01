"""Linking of post changes and tenures: who took or left which post, when, decided by whom.

`link_careers` turns the `PostChange`s extraction found (任命甲为…, 免去乙的…职务, 丙当选为…)
into `ChangeEvent`s over entities and builds, for every person–post pair, a `Tenure`:
  * post: the body printed with the title (or the previous title of the same list), else the
    body the title implies (副省长 -> 省政府, assigned by resolution), the bare title for a fused
    one (省委书记 -> 书记 of 中共X省委), 代理 kept for an acting post (代理省长);
  * date (the day of the decision): a date written in the sentence, else the date of the meeting
    that decided it, else the date written in the article's lead, the dateline's, the issue's;
  * decided by: a meeting named in the sentence, the article's own meeting when the sentence
    speaks for it (会议决定…, 会议经审议…), or a body written before the decision verb
    (市人大常委会决定任命…);
  * an appointment also holds the post (a HOLDS_POST relation with the appointment's evidence);
    a nomination (决定提名甲为…候选人) does not, and gives no tenure;
  * tenure: start/end stated by appointments/departures, first/last observed from the dates of
    the articles whose title chains show the post held (kept apart), former when every such
    chain is marked 原/前任/曾任.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kg import knowledge
from kg.dates import find_dates
from kg.posts import _place_body, split_fused
from kg.records import (
    Analysis,
    ChangeEvent,
    ChangeKind,
    DatePrecision,
    EntityType,
    Evidence,
    Mention,
    PostChange,
    Relation,
    RelationKind,
    Resolution,
    Tenure,
)
from kg.resources import read_patterns

_ACTING = "代理"
_SPEAKS_FOR_MEETING = re.compile(r"^\s*(?:会议|大会|全会|会上|常委会|本次会议)")
_DECIDING_VERB = re.compile(r"^(?:会议)?(?:经?(?:审议|研究|表决)?)?(?:决定|通过|任命|免去|选举|批准|提名)")


@dataclass(frozen=True)
class Careers:
    """Post changes, tenures and the relations including the posts appointments give."""

    events: tuple[ChangeEvent, ...]
    """One per (kind, person, post, date), sorted."""
    tenures: tuple[Tenure, ...]
    """One per person–post pair held, taken or left, sorted."""
    relations: tuple[Relation, ...]
    """The input relations plus HOLDS_POST for every appointment, sorted as `link` sorts."""


_TERM_LEVEL = dict(read_patterns("lexicon/change_grammar.tsv"))["term_level"]


def implied_bodies(an: Analysis) -> Iterator[tuple[Mention, str]]:
    """(title mention, body abbreviation) for each changed post printed without a body:
    副区长 -> 区政府, 省委书记 -> 省委, 吉林省|副省长 -> 吉林省政府 (resolution assigns the title
    mention that body)."""
    titles = knowledge.titles()
    for change in an.changes:
        for post in change.posts:
            if post.body is not None and post.body.kind.value == "Organization":
                continue
            text = post.title_mention.text
            fused, _ = split_fused(text)
            if not fused and post.body is None:  # 县十六届|人大常委会主任: the level before the term
                at = post.title_mention.start
                level = _TERM_LEVEL.search(an.article.text, max(0, at - 8), at)
                fused = split_fused(level.group(1) + text)[0] if level else None
            implied = fused or (titles[text].implies if text in titles else "")
            if implied and post.body is not None:  # 吉林省|副省长: the place's 省政府, not the paper's
                yield post.title_mention, _place_body(post.body.text, implied)
            elif implied:
                yield post.title_mention, implied


def _bare(title: str, acting: bool) -> str:
    bare = title.removeprefix(_ACTING)
    fused, rest = split_fused(bare)
    bare = rest if fused else bare
    return _ACTING + bare if acting else bare


def _decision_date(
    art, change: PostChange, decided_by: str | None, dates: dict[str, dt.date]
) -> tuple[dt.date | None, str]:
    an: Analysis = art.an
    issue = an.article.issue
    sentence = an.sentences[change.sentence]
    found = find_dates(sentence.text, issue.date)
    cue_at = max(change.start, sentence.start) - sentence.start
    before = [d for d in found if d.start <= cue_at]
    if before or found:
        return (before[-1] if before else found[0]).date, "sentence"
    if decided_by and decided_by in dates:
        return dates[decided_by], "meeting"
    for mt in art.primary:
        if mt.key in dates:
            return dates[mt.key], "meeting"
    lead = [s for s in an.sentences if s.start >= an.article.body_start][:1]
    for s in lead:
        found = find_dates(s.text[:40], issue.date)
        if found:
            return found[0].date, "lead"
    if an.article.dateline_date:
        return an.article.dateline_date, "dateline"
    if issue.date and issue.date_precision is DatePrecision.DAY:
        return issue.date, "issue"
    return None, "unknown"


def _decided_by(art, change: PostChange) -> str | None:
    """The meeting or body that decided the change, where the sentence says so."""
    sentence = art.an.sentences[change.sentence]
    text = art.text
    cue_at = max(change.start, sentence.start)
    meetings = [r for r in art.of(change.sentence, EntityType.MEETING) if r.m.end <= cue_at]
    if meetings:
        return meetings[-1].key
    paragraph = text[art.paragraph_start(change.sentence) : sentence.end]
    if (_SPEAKS_FOR_MEETING.match(sentence.text) or _SPEAKS_FOR_MEETING.match(paragraph)) and art.primary:
        return art.primary[0].key
    for r in reversed(art.of(change.sentence, EntityType.ORGANIZATION)):
        if r.m.end <= cue_at and _DECIDING_VERB.match(text[r.m.end : cue_at + 2].lstrip("，, ")):
            return r.key
    return None


def _post_org(art, res: Resolution, types: dict[str, EntityType], post) -> str | None:
    if post.body is not None:
        key = res.assignments.get(post.body.id)
        if key and types.get(key) is EntityType.ORGANIZATION:
            return key
    key = res.assignments.get(post.title_mention.id)
    return key if key and types.get(key) is EntityType.ORGANIZATION else None


def _observations(
    art, res: Resolution, types: dict[str, EntityType]
) -> Iterator[tuple[tuple[str, str, str], bool, Evidence]]:
    """((person, org, title), former, evidence) for every post a title chain of the article shows
    (former: the chain is marked 原, 前任, 曾任, 已故; kg.posts)."""
    from kg.posts import posts_of

    for r in art.resolved:
        if types.get(r.key) is not EntityType.PERSON:
            continue
        for cue in posts_of(art.an, r.m, with_former=True):
            body = res.assignments.get(cue.body.id) if cue.body is not None else None
            body = body or res.assignments.get(cue.title_mention.id)
            if not body or types.get(body) is not EntityType.ORGANIZATION:
                continue
            yield (r.key, body, cue.title), cue.former, art.ev(r.m.sentence, "title chain (former)")


def link_careers(analyses: Sequence[Analysis], res: Resolution, relations: Sequence[Relation]) -> Careers:
    """Change events and tenures of a build, and `relations` with the appointments' posts."""
    from kg.link import ArticleView

    types = {e.key: e.type for e in res.entities}
    dates = {e.key: e.date for e in res.entities if e.date}
    events: dict[tuple, dict] = {}
    for an in sorted(analyses, key=lambda a: a.article.id):
        if not an.changes:
            continue
        art = ArticleView(an, res, types)
        for change in an.changes:
            person = res.assignments.get(change.person.id)
            if not person or types.get(person) is not EntityType.PERSON:
                continue
            decided_by = _decided_by(art, change)
            date, basis = _decision_date(art, change, decided_by, dates)
            ev = Evidence(an.article.id, change.sentence, f"{change.kind.value} ({change.cue})")
            for post in change.posts:
                org = _post_org(art, res, types, post)
                if org is None:
                    continue
                title = _bare(post.title, post.acting)
                key = (change.kind, person, org, title, date)
                slot = events.setdefault(key, {"basis": basis, "decided": decided_by, "evidence": set()})
                slot["decided"] = slot["decided"] or decided_by
                slot["evidence"].add(ev)
    out_events = tuple(
        ChangeEvent(
            kind, person, org, title, title.startswith(_ACTING), date, v["basis"], v["decided"], _sorted(v["evidence"])
        )
        for (kind, person, org, title, date), v in sorted(events.items(), key=lambda kv: _event_sort(kv[0]))
    )
    merged = _merge_holds(relations, out_events)
    tenures = _tenures(analyses, res, types, merged, out_events)
    return Careers(out_events, tenures, merged)


def _event_sort(key: tuple) -> tuple:
    kind, person, org, title, date = key
    return (person, date.isoformat() if date else "", org, title, kind.value)


def _sorted(evidence) -> tuple[Evidence, ...]:
    return tuple(sorted(evidence, key=Evidence.order))


def _merge_holds(relations: Sequence[Relation], events: Sequence[ChangeEvent]) -> tuple[Relation, ...]:
    holds: dict[tuple[str, str, str], set[Evidence]] = defaultdict(set)
    for e in events:
        if e.kind.holds_post:
            holds[(e.person, e.org, e.title)].update(e.evidence)
    out = []
    for r in relations:
        key = (r.subject, r.object, r.title or "")
        if r.kind is RelationKind.HOLDS_POST and key in holds:
            r = Relation(r.kind, r.subject, r.object, r.title, _sorted({*r.evidence, *holds.pop(key)}))
        out.append(r)
    for (person, org, title), evs in holds.items():
        out.append(Relation(RelationKind.HOLDS_POST, person, org, title, _sorted(evs)))
    out.sort(key=lambda r: (r.kind.value, r.subject, r.object, str(r.title)))
    return tuple(out)


def _tenures(
    analyses: Sequence[Analysis],
    res: Resolution,
    types: dict[str, EntityType],
    relations: Sequence[Relation],
    events: Sequence[ChangeEvent],
) -> tuple[Tenure, ...]:
    from kg.link import ArticleView

    issue_dates = {
        an.article.id: an.article.issue.date
        for an in analyses
        if an.article.issue.date and an.article.issue.date_precision is DatePrecision.DAY
    }
    pairs: dict[tuple[str, str, str], dict] = {}

    def slot(key: tuple[str, str, str]) -> dict:
        return pairs.setdefault(key, {"start": None, "end": None, "seen": set(), "evidence": set()})

    current: set[tuple[str, str, str]] = set()
    former: set[tuple[str, str, str]] = set()
    seen_current: dict[tuple[str, str, str], set[dt.date]] = defaultdict(set)
    former_evidence: dict[tuple[str, str, str], set[Evidence]] = defaultdict(set)
    for an in analyses:
        art = ArticleView(an, res, types)
        for key, was, ev in _observations(art, res, types):
            (former if was else current).add(key)
            if was:
                former_evidence[key].add(ev)
            elif an.article.id in issue_dates:
                seen_current[key].add(issue_dates[an.article.id])
    for key in sorted(former - current):  # printed only as former: a tenure, but no org:holds
        slot(key)["evidence"].update(former_evidence[key])
    for r in relations:
        if r.kind is not RelationKind.HOLDS_POST or r.title is None:
            continue
        key = (r.subject, r.object, r.title)
        s = slot(key)
        s["seen"].update(seen_current.get(key, ()))
        for ev in r.evidence:
            s["evidence"].add(ev)
            if ev.note == "byline" and ev.article in issue_dates:  # a reporter's credit
                s["seen"].add(issue_dates[ev.article])
    for e in events:
        if e.kind.takes_post and not e.kind.holds_post:
            continue  # a nomination: the post is not held (yet), no tenure
        s = slot((e.person, e.org, e.title))
        s["evidence"].update(e.evidence)
        if e.date is None:
            continue
        if e.kind.holds_post:
            s["start"] = e.date if s["start"] is None else min(s["start"], e.date)
        else:
            s["end"] = e.date if s["end"] is None else max(s["end"], e.date)
    out = []
    for (person, org, title), s in sorted(pairs.items()):
        seen = sorted(s["seen"])
        key = (person, org, title)
        out.append(
            Tenure(
                person,
                org,
                title,
                title.startswith(_ACTING),
                s["start"],
                s["end"],
                seen[0] if seen else None,
                seen[-1] if seen else None,
                key in former and key not in current and s["start"] is None,
                _sorted(s["evidence"]),
            )
        )
    return tuple(out)


__all__ = ["ChangeKind", "Careers", "implied_bodies", "link_careers"]
