"""Meeting names the clause delimits (kg/extraction/events.py, meeting_frames.tsv), on People's
Daily sentences (../shared/corpora/peoples-daily), without the language pipeline."""

from __future__ import annotations

from kg.extraction.events import meetings
from kg.extraction.layers import Candidate
from kg.records import MentionKind


def _spans(text: str, bodies: tuple[str, ...] = ()) -> set[str]:
    entities = [Candidate(text.index(b), text.index(b) + len(b), MentionKind.ORGANIZATION, "test") for b in bodies]
    return {text[c.start : c.end] for c in meetings(text, [], entities) if c.kind is MentionKind.MEETING}


def test_a_headline_names_the_whole_meeting_before_its_verb():
    # People's Daily 1998: a headline "<名>召开", the body opening the name
    assert "民革第九届中央常委会第三次会议" in _spans("民革第九届中央常委会第三次会议召开", ("民革",))


def test_a_speakers_clause_is_not_a_meeting_name():
    # People's Daily 1998: the clause opens with the speaker, not with a scope, year or body
    text = "最后，我要热情欢迎二○○一年亚太经合组织第九次领导人非正式会议在中国上海召开。"
    assert not [s for s in _spans(text) if s.startswith("我")]


def test_a_numbered_summit_held_on_a_day():
    # People's Daily 1998 (a quiz): 6月2日，<名>举行。
    text = "６月２日，非洲统一组织第三十三届首脑会议举行。"
    assert "非洲统一组织第三十三届首脑会议" in _spans(text, ("非洲统一组织",))


def test_a_session_written_body_first():
    # written in the genre's form (新华社/中新社 copy: 政协八届五次会议将于…开幕); after a level
    # word or place (MSRA: 全国政协八届五次会议政治决议) the body's own name leads, not this pattern
    assert "政协八届五次会议" in _spans("政协八届五次会议将于3月3日开幕。")
    assert "政协八届五次会议" not in _spans("全国政协八届五次会议政治决议", ("全国政协",))
