"""Containment: places printed one after another (横峰县百家村), the gazetteer's tree, bodies
whose full name extends another's (中共辽宁省委组织部 ⊂ 中共辽宁省委), a body named after a place,
and the region and publisher of a paper."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kg import knowledge
from kg.link.article import ArticleView, Edges, Resolved
from kg.records import EntityType, Evidence, MentionKind, RelationKind, Resolution

K = RelationKind


def add_containment(
    analyses: Sequence[ArticleView], res: Resolution, types: dict[str, EntityType], edges: Edges
) -> None:
    """Parents from resolution, with the sentences showing them (or the gazetteer)."""
    index: dict[str, list[tuple[ArticleView, Resolved]]] = defaultdict(list)
    for art in analyses:
        for r in art.resolved:
            index[r.key].append((art, r))
    for child, parent, why in res.parents:
        pair = (types.get(child), types.get(parent))
        kind = {
            (EntityType.PLACE, EntityType.PLACE): K.CONTAINED_IN_PLACE,
            (EntityType.ORGANIZATION, EntityType.ORGANIZATION): K.SUB_ORGANIZATION_OF,
            (EntityType.ORGANIZATION, EntityType.PLACE): K.LOCATION,
        }.get(pair)
        if kind is None:
            continue
        evs = []
        for art, r in index.get(child, ()):
            for a2, p in index.get(parent, ()):
                if (
                    a2 is art
                    and p.m.sentence == r.m.sentence
                    and (p.m.end == r.m.start or (p.m.start >= r.m.start and p.m.end <= r.m.end))
                ):
                    evs.append(art.ev(r.m.sentence, why))
        if why == "gazetteer":
            evs.append(Evidence(None, None, "gazetteer"))
        if not evs:  # the child's own name shows its parent: cite where the child is named
            evs = [art.ev(r.m.sentence, why) for art, r in index.get(child, ())]
            titled = sorted(edges.named_in_titles.get(child, ()), key=Evidence.order)
            evs += [Evidence(e.article, e.sentence, why) for e in titled]
        for ev in evs:
            edges.add(kind, child, parent, ev)
    # a body named after a place is located there: 沈阳海关 -> 沈阳市; the paper serves its region
    for art in analyses:
        for r in art.resolved:
            if types.get(r.key) is not EntityType.ORGANIZATION or r.m.nested:
                continue
            inner = [
                p
                for p in art.resolved
                if p.m.nested
                and types.get(p.key) is EntityType.PLACE
                and r.m.start <= p.m.start
                and p.m.end <= r.m.end
                and p.m.kind is MentionKind.PLACE
            ]
            if inner:
                last = max(inner, key=lambda p: p.m.start)
                edges.add(K.LOCATION, r.key, last.key, art.ev(r.m.sentence, "named after its place"))
        # X所在的Y
        for sentence in art.an.sentences:
            for o in art.of(sentence.index, EntityType.ORGANIZATION):
                for pl in art.of(sentence.index, EntityType.PLACE):
                    if pl.m.start > o.m.end and knowledge.relation_cues()["seat"].match(art.text[o.m.end : pl.m.start]):
                        edges.add(K.LOCATION, o.key, pl.key, art.ev(sentence.index, "所在的"))


def add_papers(analyses: Sequence[ArticleView], types: dict[str, EntityType], edges: Edges) -> None:
    """A newspaper is in the region it serves and part of its publisher (papers.tsv)."""
    from kg.resolve import place_key

    gaz = knowledge.gazetteer()
    for art in analyses:
        paper = knowledge.papers().get(art.an.article.issue.paper or "")
        key = f"org/{paper.name}" if paper else None
        if key not in types:
            continue
        region = gaz.find_region(paper.region)
        if region is not None and place_key(region) in types:
            edges.add(K.LOCATION, key, place_key(region), Evidence(None, None, "papers"))
        if paper.publisher and f"org/{paper.publisher}" in types:
            edges.add(K.SUB_ORGANIZATION_OF, key, f"org/{paper.publisher}", Evidence(None, None, "papers"))
