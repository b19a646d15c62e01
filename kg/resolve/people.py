"""People: the scope a name is one person in (a province, or the nation for holders of
national posts) and given names that refer to a full name of the article."""

from __future__ import annotations

from collections.abc import Sequence

from kg import knowledge
from kg.posts import posts_of
from kg.records import Analysis, Mention, MentionKind
from kg.resolve.context import NATIONAL, Context
from kg.resolve.orgs import org_name


def person_scopes(analyses: Sequence[Analysis], contexts: dict[str, Context]) -> dict[tuple[str, str], str]:
    """(article id, name) -> scope: 全国 for people holding a national post anywhere."""
    national_names: set[str] = set()
    local_posts: set[tuple[str, str]] = set()
    national_bodies = set(knowledge.national_orgs().values())
    for an in analyses:
        ctx = contexts[an.article.id]
        for m in an.mentions:
            if m.kind is not MentionKind.PERSON:
                continue
            for cue in posts_of(an, m, with_former=True):
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


def find_given_names(an: Analysis) -> dict[str, Mention]:
    """Two-character names followed by a title that are the given name of exactly one
    three-character name of the article (治平副主席 … 王治平; 亚明区长 … 王亚明): mention id ->
    the full name's mention."""
    people = [m for m in an.mentions if m.kind is MentionKind.PERSON]
    titles = {m.start for m in an.mentions if m.kind is MentionKind.TITLE}
    out = {}
    for m in people:
        if len(m.text) != 2 or m.end not in titles:
            continue
        fuller = {p.text: p for p in people if len(p.text) == 3 and p.text.endswith(m.text)}
        if len(fuller) == 1:
            out[m.id] = next(iter(fuller.values()))
    return out
