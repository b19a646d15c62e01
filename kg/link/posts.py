"""Posts and authors: the title chain printed with a name (kg.posts), bylines (记者 of the
paper or agency)."""

from __future__ import annotations

from kg.link.article import ArticleView, Edges
from kg.posts import posts_of
from kg.records import EntityType, MentionKind, RelationKind, Resolution
from kg.resolve import REPORTER_ROLES, press_key

K = RelationKind


def add_posts(art: ArticleView, res: Resolution, edges: Edges) -> None:
    an = art.an
    for r in art.resolved:
        if art.types.get(r.key) is not EntityType.PERSON:
            continue
        for cue in posts_of(an, r.m):
            body = res.assignments.get(cue.body.id) if cue.body is not None else None
            body = body or res.assignments.get(cue.title_mention.id)
            if body and art.types.get(body) is EntityType.ORGANIZATION:
                edges.add(K.HOLDS_POST, r.key, body, art.ev(r.m.sentence, "title chain"), title=cue.title)
    press = press_key(an.article)
    for b in an.article.bylines:
        person = next((r for r in art.resolved if r.m.start == b.start and r.m.kind is MentionKind.PERSON), None)
        if person is None:
            continue
        edges.add(K.AUTHOR, art.key, person.key, art.ev(person.m.sentence, "byline"))
        if (b.role in REPORTER_ROLES or not b.role) and press and press in art.types:
            edges.add(K.HOLDS_POST, person.key, press, art.ev(person.m.sentence, "byline"), title=b.role or "记者")
