"""Linking: resolved mentions -> typed edges, each with the sentences that state it.

Rules over one sentence at a time: the words between two mentions decide the relation; the cue
words are data (kg/data/lexicon/relation_cues.tsv). One module per family of edges:

  article      the view of one article the rules share, and the edge collector
  posts        posts held (the title chain printed with a name) and authors (bylines)
  meetings     chair, attendee, place, date and organiser of meetings
  documents    what a meeting discussed, who issued a document
  containment  place and body hierarchy, a body's place, a paper's region and publisher
"""

from __future__ import annotations

from collections.abc import Sequence

from kg import knowledge
from kg.link.article import ArticleView, Edges, article_key
from kg.link.containment import add_containment, add_papers
from kg.link.documents import add_discussed, add_issuers
from kg.link.meetings import add_dates, add_meetings
from kg.link.posts import add_posts
from kg.records import Analysis, EntityType, MentionKind, Relation, RelationKind, Resolution

__all__ = ["ArticleView", "article_key", "link"]

K = RelationKind


def link(analyses: Sequence[Analysis], res: Resolution) -> list[Relation]:
    """All edges of the graph, each with its evidence, sorted."""
    types = {e.key: e.type for e in res.entities}
    names = {e.key: e.name for e in res.entities}
    org_forms = {f: e.key for e in res.entities if e.type is EntityType.ORGANIZATION for f in (e.name, *e.aliases)}
    for alias, full in knowledge.national_orgs().items():
        if f"org/{full}" in types:
            org_forms.setdefault(alias, f"org/{full}")
    dates = {e.key: e.date.isoformat() for e in res.entities if e.date}
    edges = Edges()
    gaz = knowledge.gazetteer()
    arts = [ArticleView(an, res, types) for an in sorted(analyses, key=lambda a: a.article.id)]
    for art in arts:
        for r in art.resolved:
            if r.m.kind is not MentionKind.TITLE and r.key in types:
                edges.add(K.MENTIONS, art.key, r.key, art.ev(r.m.sentence, "mention"))
            elif r.key in types and names[r.key] not in gaz.by_name:
                # a title names the body it implies (总书记 -> 中共中央), not a state (国家主席)
                edges.add(K.MENTIONS, art.key, r.key, art.ev(r.m.sentence, "body of a title"))
        add_posts(art, res, edges)
        add_meetings(art, edges)
        add_dates(art, dates, edges)
        add_discussed(art, edges)
        add_issuers(art, names, org_forms, types, edges)
    add_containment(arts, res, types, edges)
    add_papers(arts, types, edges)
    return edges.relations()
