"""Posts written next to a name: 省委副书记、省长、省政府党组书记刘宁; 刘宁省长; 市长 孙弘.

`posts_of` reads, for one person mention, the chain of (body, title) pairs printed before it
(or a title right after it); names listed with 、 after a titled name share its posts
(副省长蔡东、安立佳). A title without a body takes the body it implies (省长 -> 省政府)
or, when it implies none, the body of the previous item (省政协主席、党组书记周波 -> 党组书记 of
省政协). A fused title (省委书记 not split by extraction) is split at its body abbreviation.
Bodies are returned as surface forms or mentions; resolution turns them into entities.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg import knowledge
from kg.records import Analysis, Mention, MentionKind

_GAP = set("、，, 兼和及")  # what may separate the items of a title chain
_MAX_GAP = 2


@dataclass(frozen=True)
class PostCue:
    """One post printed next to a person's name."""

    title: str
    """The bare title (副书记, 省长)."""
    body: Mention | None
    """The body mention written with it (省委 in 省委副书记), if any."""
    body_abbrev: str | None
    """Otherwise a body abbreviation implied by the title (省长 -> 省政府), if any."""
    title_mention: Mention
    """The title mention (for evidence)."""


def _split_fused(title: str) -> tuple[str | None, str]:
    """省委书记 -> (省委, 书记) when the title starts with a known body abbreviation."""
    abbrevs = knowledge.abbreviations()
    titles = knowledge.titles()
    for cut in range(len(title) - 1, 0, -1):
        head, tail = title[:cut], title[cut:]
        if head in abbrevs and tail in titles:
            return head, tail
    return None, title


def posts_of(analysis: Analysis, person: Mention) -> list[PostCue]:
    """The posts printed with `person`, nearest body first resolved, in reading order."""
    text = analysis.article.text
    same_sentence = [m for m in analysis.mentions if m.sentence == person.sentence and not m.nested]
    before = [m for m in same_sentence if m.end <= person.start]
    chain: list[Mention] = []
    pos = person.start
    for m in reversed(before):
        gap = text[m.end : pos]
        if len(gap) > _MAX_GAP or set(gap) - _GAP:
            break
        if m.kind not in (MentionKind.TITLE, MentionKind.ORGANIZATION, MentionKind.PLACE):
            break
        chain.append(m)
        pos = m.start
    chain.reverse()
    if not chain or chain[-1].kind is not MentionKind.TITLE:
        # a title right after the name: 刘宁省长, 孙时光代表
        after = [m for m in same_sentence if m.start == person.end and m.kind is MentionKind.TITLE]
        chain = after
    if not chain and before and before[-1].kind is MentionKind.PERSON and text[before[-1].end : person.start] == "、":
        return posts_of(analysis, before[-1])  # 副省长蔡东、安立佳、朱天舒: the list shares the title
    cues: list[PostCue] = []
    pending_body: Mention | None = None
    last_body: Mention | None = None
    last_abbrev: str | None = None
    titles = knowledge.titles()
    for m in chain:
        if m.kind is not MentionKind.TITLE:
            pending_body = m
            continue
        fused_body, bare = _split_fused(m.text)
        implied = titles[m.text].implies if m.text in titles else ""
        if pending_body is not None:
            body, abbrev = pending_body, None
        elif fused_body:
            body, abbrev = None, fused_body
        elif implied:
            body, abbrev = None, implied
        else:  # inherits the previous item's body: 省政协主席、党组书记
            body, abbrev = last_body, last_abbrev
        cues.append(PostCue(bare, body, abbrev, m))
        last_body, last_abbrev = body, abbrev
        pending_body = None
    return cues
