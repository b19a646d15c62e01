"""Build Article/Analysis records by hand, so that resolution and linking are tested
without spaCy: mentions are given as (surface, kind) in reading order."""

from __future__ import annotations

import datetime as dt
import re

from kg.records import Analysis, Article, ArticleKind, Byline, Issue, Mention, MentionKind, Segment, Sentence

P, O, L, M, Y, T = (  # noqa: E741 (O is the organisation kind, as in the tests' tables)
    MentionKind.PERSON,
    MentionKind.ORGANIZATION,
    MentionKind.PLACE,
    MentionKind.MEETING,
    MentionKind.POLICY,
    MentionKind.TITLE,
)

LIU_NING_TEXT = "本报讯 记者明绍庚报道 8月5日，省委副书记、省长刘宁主持召开省政府党组会议。"
"""A lead of 辽宁日报 (2021-08-06), shortened: a byline, a title chain and a meeting."""
LIU_NING_MENTIONS = [
    ("本报", O),
    ("记者", T),
    ("明绍庚", P),
    ("省委", O),
    ("副书记", T),
    ("省长", T),
    ("刘宁", P),
    ("省政府", O, True),
    ("省政府党组会议", M),
]
"""Its mentions, in reading order."""


def analysis(
    text: str,
    mentions: list[tuple[str, MentionKind] | tuple[str, MentionKind, bool]],
    *,
    article_id: str = "page/00",
    source: str = "page.txt",
    paper: str = "辽宁日报",
    region: str = "辽宁省",
    date: dt.date = dt.date(2021, 8, 6),
    agency: str | None = "本报",
    headline_lines: int = 0,
    bylines: tuple[tuple[str, str], ...] = (),
) -> Analysis:
    """An Analysis of `text`; each mention is found after the previous one (nested ones may
    start inside it: give (surface, kind, True); one that shares the previous one's last
    character: (surface, kind, "shares"))."""
    issue = Issue(source, paper, date, region=region)
    body_start = 0
    for _ in range(headline_lines):
        body_start = text.index("\n", body_start) + 1
    found_bylines = []
    for name, role in bylines:
        at = text.index(name)
        found_bylines.append(Byline(name, role, at, at + len(name)))
    article = Article(
        id=article_id,
        issue=issue,
        kind=ArticleKind.ARTICLE,
        headline=text.split("\n", 1)[0] if headline_lines else None,
        kicker=None,
        deck=None,
        bylines=tuple(found_bylines),
        dateline_place=None,
        dateline_date=None,
        agency=agency,
        text=text,
        body_start=body_start,
        segments=(Segment(0, source, 0, len(text)),),
        sources=(source,),
    )
    sentences = []
    for m in re.finditer(r"[^。！？\n]+[。！？]?", text):
        if m.group(0).strip():
            sentences.append(Sentence(len(sentences), m.start(), m.end(), m.group(0)))
    starts = [s.start for s in sentences]
    out = []
    pos = 0
    for item in mentions:
        surface, kind, flag = (*item, False) if len(item) == 2 else item
        nested = flag is True
        shares = flag == "shares"  # starts on the previous mention's last character (外交部|部长)
        at = text.index(surface, pos - 1 if shares else pos if not nested else max(0, pos - 40))
        sentence = max(i for i, s in enumerate(starts) if s <= at)
        out.append(Mention(article_id, kind, surface, at, at + len(surface), sentence, "test", nested))
        if not nested:
            pos = at + len(surface)
    for name, _ in bylines:
        at = text.index(name)
        if not any(m.start == at for m in out):
            sentence = max(i for i, s in enumerate(starts) if s <= at)
            out.append(Mention(article_id, P, name, at, at + len(name), sentence, "byline"))
    return Analysis(article, tuple(sentences), tuple(sorted(out, key=lambda m: (m.start, m.end))))
