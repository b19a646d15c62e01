"""Linking: resolved mentions -> typed edges, each with the sentences that state it.

Rules over one sentence at a time (the words between two mentions decide the relation;
cue words are in kg/data/lexicon/relation_cues.tsv):
  * posts: the title chain printed with a name (kg.posts), bylines (记者 of the paper/agency);
  * chair: X主持(召开)Y, Y由X主持; attendee: X出席/参加/列席/讲话/致辞…Y, X向Y发表书面致辞, 在Y上…X,
    X在Y上的讲话, X向大会报告, X所作的…报告, 出席Y的还有X; the verb after a list of names, titles,
    bodies and role words (以及, 负责同志) applies to every name; …并主持Y / …并在Y上讲话 for the
    clause's subject; a bare 会议 means the article's own meeting (the one in its headline or lead);
  * a meeting mentioned without such a verb (落实…会议部署) gets no attendee;
  * date: the date the resolver gave the meeting, cited where the mention is dated;
  * place: Y在Z召开/举行, 在Z召开的Y (a body's premises: the place its name gives); organiser: the
    body in the meeting's name (not the parent of a standing committee meeting, nor the object of
    a ceremony, nor for a numbered session named in passing) or the one that convenes it;
  * about: a document a meeting reviewed, heard or deploys: the object of a discussion verb whose
    subject is the meeting (Y传达学习Z, 会议审议通过了《A》《B》) or in a speaker's words at it;
  * issued by: X印发/出台/联合下发/主办…Z (甲商乙联合下发: both), X关于…, 《X关于…》, <body>工作报告,
    a notice signed by X;
  * containment: places printed one after another (横峰县百家村), the gazetteer's tree, bodies
    whose full name extends another's (中共辽宁省委组织部 ⊂ 中共辽宁省委), a body named after a place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial

from kg import knowledge
from kg.posts import CUT_NAME, UNNAMED_IN_LIST, posts_of, strip_title_prefix
from kg.records import (
    Analysis,
    EntityType,
    Evidence,
    Mention,
    MentionKind,
    Relation,
    RelationKind,
    Resolution,
)
from kg.resolve import REPORTER_ROLES, meeting_date, meeting_organizer, press_key

K = RelationKind


@dataclass(frozen=True)
class _R:
    """A resolved mention."""

    m: Mention
    key: str


class _Edges:
    def __init__(self) -> None:
        self.edges: dict[tuple[RelationKind, str, str, str | None], set[Evidence]] = defaultdict(set)
        self.named_in_titles: dict[str, set[Evidence]] = defaultdict(set)  # bodies named only in a title

    def add(self, kind: RelationKind, s: str, o: str, ev: Evidence, title: str | None = None) -> None:
        if s and o and s != o:
            self.edges[(kind, s, o, title)].add(ev)

    def relations(self) -> list[Relation]:
        out = []
        for (kind, s, o, title), evs in sorted(
            self.edges.items(), key=lambda kv: (kv[0][0].value, *map(str, kv[0][1:]))
        ):
            ordered = tuple(sorted(evs, key=lambda e: (e.article or "", e.sentence or -1, e.note)))
            out.append(Relation(kind, s, o, title, ordered))
        return out


def article_key(article_id: str) -> str:
    """Key of an article node."""
    return f"article/{article_id}"


class _Article:
    """One analysis with its resolved mentions, indexed by sentence."""

    def __init__(self, an: Analysis, res: Resolution, types: dict[str, EntityType]):
        self.an = an
        self.text = an.article.text
        self.key = article_key(an.article.id)
        self.resolved: list[_R] = [_R(m, res.assignments[m.id]) for m in an.mentions if m.id in res.assignments]
        self.types = types
        # a body's place as the resolver found it in its name (org key -> place key)
        self.seat = {c: p for c, p, why in res.parents if why == "named after its place"}
        self.by_sentence: dict[int, list[_R]] = defaultdict(list)
        for r in self.resolved:
            self.by_sentence[r.m.sentence].append(r)
        self.primary = self._primary_meetings()

    def ev(self, sentence: int, note: str) -> Evidence:
        return Evidence(self.an.article.id, sentence, note)

    def of(self, sentence: int, *types: EntityType) -> list[_R]:
        return [
            r
            for r in self.by_sentence.get(sentence, ())
            if self.types.get(r.key) in types and r.m.kind is not MentionKind.TITLE
        ]

    def _primary_meetings(self) -> list[_R]:
        """The article's own meetings: those named in its headline lines, else the first one
        named in its first body sentences. A meeting whose spirit or arrangements are being
        studied (传达学习六中全会精神, 落实…会议部署) is not the article's event."""
        body_start = self.an.article.body_start
        head = [s.index for s in self.an.sentences if s.start < body_start]
        out: list[_R] = []
        for i in head:
            for r in self._own_meetings(i):
                if r.key not in {o.key for o in out}:
                    out.append(r)
        if out:
            return out
        for i in [s.index for s in self.an.sentences if s.start >= body_start][:3]:
            found = self._own_meetings(i)
            if found:
                return [min(found, key=lambda r: r.m.start)]
        return []

    def _own_meetings(self, sentence: int) -> list[_R]:
        return [r for r in self.of(sentence, EntityType.MEETING) if not knowledge.studied_meeting(self.text, r.m.end)]

    def paragraph_start(self, sentence: int) -> int:
        """Offset where the paragraph (line) holding the sentence starts."""
        start = self.an.sentences[sentence].start
        return self.text.rfind("\n", 0, start) + 1


def _between(text: str, a: Mention, b: Mention) -> str:
    return text[a.end : b.start]


def _posts(art: _Article, res: Resolution, edges: _Edges) -> None:
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


def _subject_list_end(art: _Article, person: _R, sentence: int) -> int:
    """End of the list of people `person` belongs to (省委常委、副省长陈向群,…总领事川上文博出席):
    the verb after the list applies to all of them. Items are names, titles, bodies and places
    joined by list glue (、 , 和 以及, and role words without names: 负责同志, 机关厅级干部,
    相关领导: relation_cues.tsv `list_glue`); a title followed by an unrecognised short name
    still ends in the verb (和秘书长文引学出席). When a chair/attend verb follows the whole list,
    its end is returned, else the end of the last name."""
    text = art.text
    cues = knowledge.relation_cues()
    glue = cues["list_glue"]
    pos = person.m.end
    # every mention the extraction found, resolved or not (县委 in a county the gazetteer lacks
    # still joins 县委副书记李化 to the list)
    mentions = [m for m in art.an.mentions if m.sentence == sentence and m.start >= pos and not m.nested]
    titles = [m for m in mentions if m.kind is MentionKind.TITLE]
    mentions = [m for m in mentions if m.kind is not MentionKind.TITLE]
    # a total order: kinds compare by their values (two mentions of one span never compare enums)
    items = sorted({(m.start, m.end, m.kind.value) for m in mentions + titles})
    end = pos
    last_person_start, last_person_end = person.m.start, pos
    last_kind = MentionKind.PERSON.value
    for start, stop, kind in items:
        if start < end:
            if kind == MentionKind.TITLE.value:  # 外交部|长: a head's title sharing the body's last character
                end = max(end, stop)
            continue
        gap = strip_title_prefix(text[end:start]) if kind == MentionKind.TITLE.value else text[end:start]
        if kind == MentionKind.TITLE.value and cues["unit_before_title"].fullmatch(gap):
            gap = ""  # 县政协党组成员、办公室|主任徐国民: a unit the extraction did not take as a body
        if not glue.fullmatch(gap) and not (
            last_kind == kind == MentionKind.PERSON.value
            and (
                UNNAMED_IN_LIST.fullmatch(text[end:start])
                or (end - last_person_start == 2 and CUT_NAME.fullmatch(text[end:start]))
                or cues["list_fragment"].fullmatch(text[end:start])
            )
        ):
            break
        if kind not in _LIST_ITEMS:
            break
        end = stop
        last_kind = kind
        if kind == MentionKind.PERSON.value:
            last_person_start, last_person_end = start, stop
    sentence_end = art.an.sentences[sentence].end
    rest = text[end:sentence_end]
    trailing = glue.match(rest)  # 以及…相关领导出席
    after_glue = end + (trailing.end() if trailing else 0)
    if _verb_at(text, after_glue, sentence_end):
        return after_glue
    if last_kind == MentionKind.TITLE.value:  # 秘书长文引学出席: a name the extraction missed
        unnamed = re.match(r"[\u4e00-\u9fff]{2,3}", rest)
        # (not 总书记|的重要|讲话: a speech, the noun)
        if unnamed and "的" not in unnamed.group() and _verb_at(text, end + unnamed.end(), sentence_end):
            return end + unnamed.end()
    if last_kind == MentionKind.PERSON.value:  # 吉炳轩、艾力更·依明巴海、万鄂湘…出席: names it cut or missed
        loose = cues["list_loose"]
        clause = re.search(r"[，,。；;：:]|$", rest).start()
        for verb in re.finditer(r"出席|参加|列席|主持", rest[:clause]):
            if loose.fullmatch(rest, 0, verb.start()) and _verb_at(text, end + verb.start(), sentence_end):
                return end + verb.start()
    return last_person_end


@cache
def _presence_verbs() -> dict[str, re.Pattern[str]]:
    """The chair and attend verbs, each after what may stand between a list and its verb
    (relation_cues.tsv `pre_verb`: 等, 也, 今天上午, 在京); the verb is the group `verb`."""
    cues = knowledge.relation_cues()
    pre = cues["pre_verb"].pattern
    return {
        kind: re.compile(f"(?:{pre})(?P<verb>{cues[kind].pattern.removeprefix('^')})")
        for kind in ("chair", "attend_verb")
    }


def _verb_at(text: str, pos: int, end: int) -> tuple[str, re.Match[str]] | None:
    """The chair or attend verb (kind, match) that follows a list ending at `pos`, if any."""
    for kind, pattern in _presence_verbs().items():
        found = pattern.match(text, pos, end)
        if found:
            return kind, found
    return None


def _bare_meeting(art: _Article, pos: int) -> bool:
    """Whether a verb ending at `pos` takes the article's own meeting by a bare word:
    出席了会议, 主持了今天的座谈会 (in an article about a 座谈会), not 主持的项目, 出席了会见."""
    if not art.primary:
        return False
    return _bare_word(art, art.text[pos : pos + 16])


def _bare_word(art: _Article, words: str) -> bool:
    """Whether `words` open with a bare word for the article's meeting (会议, 了今天的座谈会)."""
    if not art.primary:
        return False
    lead = knowledge.relation_cues()["bare_meeting"].match(words)
    rest = words[lead.end() if lead else 0 :]
    if re.match(r"(?:会议|大会)", rest) or re.match(r"会(?:[并，,。；;]|$)", rest):
        return True
    kinds = [k for k in knowledge.meeting_kinds() if len(k) >= 2 and any(r.m.text.endswith(k) for r in art.primary)]
    return any(rest.startswith(k) for k in kinds)


_LIST_ITEMS = {k.value for k in (MentionKind.PERSON, MentionKind.TITLE, MentionKind.ORGANIZATION, MentionKind.PLACE)}


def _is_subject(art: _Article, person: _R, sentence: int) -> bool:
    """Whether `person` opens its clause (after titles, bodies, other names and list glue):
    李元平 in 省委组织部部长李元平宣读林铎同志批示并主持总结会议, not 林铎."""
    text = art.text
    start = art.an.sentences[sentence].start
    cut = max(text.rfind(c, start, person.m.start) for c in "，,。；;：:")
    left_start = max(start, cut + 1)
    spans = sorted(
        (m.start, m.end)
        for m in art.an.mentions
        if m.sentence == sentence and not m.nested and left_start <= m.start and m.end <= person.m.start
    )
    rest, pos = [], left_start
    for a, b in spans:
        if a >= pos:
            rest.append(text[pos:a])
            pos = b
    rest.append(text[pos : person.m.start])
    return all(knowledge.relation_cues()["list_glue"].fullmatch(x) for x in rest)


def _shape(art: _Article, sentence: int, start: int, end: int) -> tuple[str, list[Mention]]:
    """text[start:end] with each mention written as one mark (\\x00M for a meeting, \\x00X for
    any other), and those mentions in order: the words around names, for list patterns."""
    text = art.text
    inside = sorted(
        (m for m in art.an.mentions if m.sentence == sentence and not m.nested and start <= m.start and m.end <= end),
        key=lambda m: m.start,
    )
    parts, pos, kept = [], start, []
    for m in inside:
        if m.start >= pos:
            parts.append(text[pos : m.start])
            parts.append("\x00M" if m.kind is MentionKind.MEETING else "\x00X")
            kept.append(m)
            pos = m.end
    parts.append(text[pos:end])
    return "".join(parts), kept


def _meeting_of_shape(art: _Article, kept: list[Mention], meetings: list[_R]) -> list[_R]:
    named = [m for m in kept if m.kind is MentionKind.MEETING]
    if named:
        return [r for r in meetings if r.m.start == named[0].start and r.m.end == named[0].end]
    return art.primary


def _chaired_by(art: _Article, person: _R, sentence: int, meetings: list[_R]) -> list[_R]:
    """The meeting a passive 由…主持 names before `person` (会议由全国妇联副主席、书记处第一书记黄菊
    主持): the meeting mention opening the clause, or the article's meeting for a bare 会议."""
    text = art.text
    start = art.an.sentences[sentence].start
    cut = max(text.rfind(c, start, person.m.start) for c in "，,。；;：:")
    shape, kept = _shape(art, sentence, max(start, cut + 1), person.m.start)
    glue = knowledge.relation_cues()["list_glue"].pattern
    if not re.fullmatch(r"(?:\x00M|会议|大会)由(?:\x00X|" + glue + ")*", shape):
        return []
    return _meeting_of_shape(art, kept, meetings)


def _listed_as_present(art: _Article, person: _R, sentence: int, meetings: list[_R]) -> list[_R]:
    """The meeting a list introduced by 出席(Y)的还有 / 在大会上发言的还有 is of (今天上午在大会上发言的
    还有联想集团副总裁李勤、中科院副院长严义埙): the meeting named in the lead, else the article's."""
    cues = knowledge.relation_cues()
    shape, kept = _shape(art, sentence, art.an.sentences[sentence].start, person.m.start)
    lead = re.search(r"(?:" + cues["present_lead"].pattern + r")[^。；;]*$", shape)  # …的还有：甲，政府总理乙
    if lead is None:
        return []
    marks = [i for i, ch in enumerate(shape) if ch == "\x00"]
    in_lead = [m for m, at in zip(kept, marks, strict=True) if at >= lead.start()]
    if not any(m.kind is MentionKind.MEETING for m in in_lead):
        # 出席的还有, 出席会议的有; not 参加会见的有, 出席今天午宴的有 (another occasion)
        verb = re.match(r"出席|参加|列席|在", shape[lead.start() :])
        obj = shape[lead.start() + verb.end() : lead.end()] if verb else ""
        if not re.match(r"^(?:\x00X)?(?:的|上)", obj) and not _bare_word(art, obj):
            return []
    return _meeting_of_shape(art, in_lead, meetings)


def _under(
    art: _Article, person: _R, sentence: int, list_end: int, meetings: list[_R]
) -> list[tuple[RelationKind, _R]]:
    """在X主持下 (chair), 在X的陪同下 (attendee): of the meetings the sentence names, else of
    the article's meeting when the sentence speaks of one (会议, 大会, 会上)."""
    cues = knowledge.relation_cues()
    under = cues["under"].match(art.text[list_end : list_end + 6])
    if under is None:
        return []
    start = art.an.sentences[sentence].start
    cut = max(art.text.rfind(c, start, person.m.start) for c in "。；;：:")
    shape, _ = _shape(art, sentence, max(start, cut + 1), person.m.start)
    if not re.search(r"在(?:\x00X|" + cues["list_glue"].pattern + ")*$", shape):
        return []
    kind = K.CHAIR if under.group(1) == "主持" else K.ATTENDEE
    named = [r for r in meetings if not knowledge.studied_meeting(art.text, r.m.end)]
    sentence_text = art.an.sentences[sentence].text
    targets = named or (art.primary if re.search(r"会议|大会|会上|开幕|召开|举行", sentence_text) else [])
    return [(kind, r) for r in targets]


def _coordinated(art: _Article, first: _R, meetings: list[_R]) -> list[_R]:
    """`first` and the meetings joined to it by 和/、/及 (召开A和B)."""
    out = [first]
    for r in sorted(meetings, key=lambda r: r.m.start):
        if r.m.start > out[-1].m.end and art.text[out[-1].m.end : r.m.start] in ("和", "、", "及", "与"):
            out.append(r)
    return out


def _meetings(art: _Article, edges: _Edges) -> None:
    cues = knowledge.relation_cues()
    text = art.text
    an = art.an
    convened: set[str] = set()
    for sentence in an.sentences:
        i = sentence.index
        people = art.of(i, EntityType.PERSON)
        meetings = art.of(i, EntityType.MEETING)
        for p in people:
            list_end = _subject_list_end(art, p, i)
            found = _verb_at(text, list_end, sentence.end)
            chair = found[1] if found and found[0] == "chair" else None
            attend = found[1] if found and found[0] == "attend_verb" else None
            verb_end = (chair or attend).end() if (chair or attend) else None
            targets: list[_R] = []
            also: list[tuple[RelationKind, _R]] = []  # …并主持Y, …并在Y上讲话: a second verb
            if verb_end is not None:
                nxt = [
                    r
                    for r in meetings
                    if r.m.start >= verb_end
                    and r.m.start - verb_end <= 4
                    and not re.search(r"[会并，,。在]", text[verb_end : r.m.start])
                ]
                verb = (chair or attend).group("verb")
                if nxt:
                    targets = _coordinated(art, min(nxt, key=lambda r: r.m.start), meetings)
                elif (
                    _bare_meeting(art, verb_end)
                    or (
                        not meetings
                        and (  # 出席。 but not 参加甘肃代表团审议 or 主持的项目: a verb with another object
                            (not chair and not re.search(r"(?:出席|参加|列席|陪同)$", verb))
                            or re.match(r"^(?:[，,。；;并]|$)", text[verb_end : verb_end + 1])
                        )
                    )
                ):
                    targets = art.primary  # 主持会议并讲话, 出席了会议, …出席。: the article's meeting
            if chair and not targets and chair.group("verb").endswith("会议"):
                # …召开Y，主任X主持会议并讲话: the bare 会议 is the meeting the sentence reports
                own = [r for r in meetings if r.m.end <= p.m.start and not knowledge.studied_meeting(text, r.m.end)]
                targets = [r for r in own if r.key in {o.key for o in art.primary}] or own[-1:]
            if chair and not targets:  # 会议由X主持
                targets = _chaired_by(art, p, i, meetings)
            also.extend((K.ATTENDEE, r) for r in _listed_as_present(art, p, i, meetings))  # 出席…的还有X
            also.extend(_under(art, p, i, list_end, meetings))  # 在X主持下, 在X的陪同下
            clause_end = re.search(r"[。；;]|$", text[p.m.end : sentence.end]).start() + p.m.end
            subject = _is_subject(art, p, i)
            for mt in meetings:
                if not subject or not p.m.end < mt.m.start < clause_end:
                    continue
                lead = text[p.m.end : mt.m.start]
                if re.search(r"并(?:主持|主持召开)$", lead):
                    also.append((K.CHAIR, mt))
                elif re.search(r"并(?:出席|参加)$", lead) or (
                    re.search(r"并在$", lead) and cues["speech_at"].match(text[mt.m.end : mt.m.end + 8])
                ):
                    also.append((K.ATTENDEE, mt))
            report = cues["report_to"].match(text[p.m.end : sentence.end])
            if report and art.primary:
                also.extend((K.ATTENDEE, r) for r in art.primary)  # 向大会报告, 所作的…报告
                for doc in art.of(i, EntityType.POLICY):  # 张柏桢所作的法院工作报告: what it heard
                    if p.m.end <= doc.m.start and doc.m.end <= p.m.end + report.end() + 4:
                        for r in art.primary:
                            edges.add(K.ABOUT, r.key, doc.key, art.ev(i, "report delivered to it"))
            # 黄兴国在天津市政府驻北京办事处召开的…座谈会: the subject convened it (chair, present)
            for mt in meetings:
                if mt.m.start > p.m.end and cues["convened_by"].fullmatch(text[p.m.end : mt.m.start]):
                    also.extend([(K.CHAIR, mt), (K.ATTENDEE, mt)])
            # X向Y发表书面致辞
            for mt in meetings:
                gap = _between(text, p.m, mt.m)
                if (
                    mt.m.start > p.m.end
                    and cues["attend_to"].match(gap)
                    and re.match(r"^(?:发表|致|作)", text[mt.m.end : mt.m.end + 2])
                ):
                    targets.append(mt)
            # 在Y上…X (a speaker at it) and X在Y上的讲话
            for mt in meetings:
                if (
                    mt.m.end <= p.m.start
                    and text[mt.m.start - 1 : mt.m.start] == "在"
                    and text[mt.m.end : mt.m.end + 1] == "上"
                    and p.m.start - mt.m.end <= 4
                ):
                    targets.append(mt)
                # 习近平总书记在参观Y时的重要讲话精神、在Z开幕式上的主旨演讲精神: each speech's occasion
                if mt.m.start >= p.m.end and cues["speech_lead"].fullmatch(text[p.m.end : mt.m.start]):
                    joined = _coordinated(art, mt, meetings)
                    if cues["speech_at"].match(text[joined[-1].m.end : joined[-1].m.end + 8]):
                        targets.extend(joined)
            # 习近平指出…我在Y上: the speaker is the 我
            if re.search(r"(?:指出|强调|表示|说)", text[p.m.end : p.m.end + 3]):
                for mt in meetings:
                    if mt.m.start > p.m.end and text[mt.m.start - 2 : mt.m.start] == "我在":
                        targets.append(mt)
            # X代表说 in the report of a session: a deputy at it
            if re.match(r"^代表(?:说|认为|表示|指出|建议|发言)", text[p.m.end : p.m.end + 4]):
                targets.extend(art.primary)
            kind = K.CHAIR if chair else K.ATTENDEE
            for mt in targets:
                edges.add(kind, mt.key, p.key, art.ev(i, f"{kind.value} cue"))
            for kind2, mt in also:
                edges.add(kind2, mt.key, p.key, art.ev(i, f"{kind2.value} cue (second verb)"))
        # X同Y、Z举行W (会谈, 会晤, 峰会): those who hold it take part in it
        for mt in meetings:
            verb = cues["hold_verb"].search(text, sentence.start, mt.m.start)
            if verb is None:
                continue
            verb_at = verb.start()
            for p in people:
                if p.m.end <= verb_at and not re.search(r"[，,。；;：:]", text[p.m.end : verb_at]):
                    edges.add(K.ATTENDEE, mt.key, p.key, art.ev(i, "held it"))
        # the deck of a report: ——…在Y上 / 市长 X: the author spoke at Y
        for mt in meetings:
            at_meeting = text[mt.m.start - 1 : mt.m.start] == "在" and text[mt.m.end : mt.m.end + 1] == "上"
            if at_meeting and sentence.start < an.article.body_start:
                for b in an.article.bylines:
                    person = next((r for r in art.resolved if r.m.start == b.start), None)
                    if person is not None:
                        edges.add(K.ATTENDEE, mt.key, person.key, art.ev(i, "report delivered at"))
        # organiser, place
        for mt in meetings:
            org, rest = meeting_organizer(mt.m, an)
            named_inside = org is not None and org.start >= mt.m.start
            # a numbered session named in passing (…二次会议以来, …三次会议日程) is not an event
            # of the article: its body is not stated to hold it
            primary = {r.key for r in art.primary}
            passing = named_inside and re.search(r"届.{0,4}(?:次|中全会)", rest) and mt.key not in primary
            if org is not None and not passing and not (named_inside and cues["not_organizer"].search(rest)):
                org_key = next((r.key for r in art.resolved if r.m.id == org.id), None)
                if org_key and art.types.get(org_key) is EntityType.ORGANIZATION:
                    edges.add(K.ORGANIZER, mt.key, org_key, art.ev(i, "organiser named with the meeting"))
            for pl in art.of(i, EntityType.PLACE, EntityType.ORGANIZATION):
                # Y在Z召开, and 在Z召开的Y: Z a place or a venue (毕节市七星关区人民医院, 驻京办事处),
                # also a room or hall of it (在区人大常委会会议室举行, 在市政协机关召开)
                room = cues["venue_room"].match(text, pl.m.end)
                room_end = room.end() if room else pl.m.end
                after = pl.m.start >= mt.m.end and cues["held_when"].fullmatch(text[mt.m.end : pl.m.start])
                held = cues["held"].match(text[room_end : room_end + 6])
                before = (
                    pl.m.end <= mt.m.start
                    and text[pl.m.start - 1 : pl.m.start] == "在"
                    and re.fullmatch(
                        "(?:" + cues["held"].pattern.removeprefix("^") + ")的", text[room_end : mt.m.start]
                    )
                )
                # 在Z举行Y (十三届全国人大常委会4日上午在北京人民大会堂举行第一百三十六次委员长会议)
                direct = (
                    pl.m.end <= mt.m.start
                    and text[pl.m.start - 1 : pl.m.start] == "在"
                    and re.fullmatch(cues["held"].pattern.removeprefix("^"), text[room_end : mt.m.start])
                )
                if not ((after and held) or before or direct):
                    continue
                convened.add(mt.key)
                if art.types.get(pl.key) is EntityType.PLACE:
                    edges.add(K.LOCATION, mt.key, pl.key, art.ev(i, "held at"))
                elif pl.key in art.seat and not any(
                    r.m.nested and pl.m.start <= r.m.start and r.m.end <= pl.m.end for r in art.resolved
                ):  # 在区人大常委会会议室: the body's premises, in the place its (full) name gives
                    edges.add(K.LOCATION, mt.key, art.seat[pl.key], art.ev(i, "held at (the venue's place)"))
                else:  # a body's premises: meetings are held at places, the one its name gives
                    inner = [
                        r
                        for r in art.resolved
                        if r.m.nested
                        and r.m.kind is MentionKind.PLACE
                        and pl.m.start <= r.m.start
                        and r.m.end <= pl.m.end
                    ]
                    if inner:
                        finest = max(inner, key=lambda r: (r.m.end - pl.m.start, r.m.end - r.m.start))
                        edges.add(K.LOCATION, mt.key, finest.key, art.ev(i, "held at (the venue's place)"))
    _meeting_places_from_lead(art, edges, convened)


def _meeting_places_from_lead(art: _Article, edges: _Edges, done: set[str]) -> None:
    """本报讯 3月4日,…项目在金普新区开工建设: the lead's place is where the article's meeting was."""
    body = [s for s in art.an.sentences if s.start >= art.an.article.body_start][:1]
    cues = knowledge.relation_cues()
    for s in body:
        for pl in art.of(s.index, EntityType.PLACE):
            if art.text[pl.m.start - 1 : pl.m.start] == "在" and cues["held"].match(art.text[pl.m.end : pl.m.end + 4]):
                for mt in art.primary:
                    if mt.key not in done:
                        edges.add(K.LOCATION, mt.key, pl.key, art.ev(s.index, "held at (lead)"))


def _dates(art: _Article, resolution_dates: dict[str, str], edges: _Edges) -> None:
    """A meeting's date, cited where a mention of it is dated (the sentence; its dateline)."""
    for r in art.resolved:
        date = resolution_dates.get(r.key)
        if not date or r.m.kind is not MentionKind.MEETING:
            continue
        found = meeting_date(r.m, art.an)
        if found is not None and found.isoformat() == date:
            edges.add(K.START_DATE, r.key, date, art.ev(r.m.sentence, "date in the sentence"))


def _about(art: _Article, edges: _Edges) -> None:
    cues = knowledge.relation_cues()
    text = art.text
    attendees: set[str] = set()
    for sentence in art.an.sentences:
        persons = art.of(sentence.index, EntityType.PERSON)
        meetings = art.of(sentence.index, EntityType.MEETING)
        policies = art.of(sentence.index, EntityType.POLICY)
        # the meeting's own words: a paragraph opening 会议指出/会议强调 (or a speaker at it)
        paragraph = text[art.paragraph_start(sentence.index) : sentence.end]
        meeting_speaks = cues["meeting_subject"].match(paragraph) or cues["meeting_subject"].match(sentence.text)
        speaker = any(
            r.key in attendees and re.match(r"^(?:指出|强调|要求|表示)", text[r.m.end : r.m.end + 2])
            for r in art.of(art_sentence_of_paragraph(art, sentence.index), EntityType.PERSON)
        )
        attendees.update(r.key for r in persons)
        if not policies:
            continue
        own = art.primary or _meeting_before(art, sentence.start)  # 会议: the article's meeting
        # a clause opened by the meeting (…主持会议，会议审议了《A》): where it starts
        clause_subject = [m.end() for m in cues["meeting_clause"].finditer(sentence.text)]
        named_in = [(mt.m.start, mt.m.end) for mt in meetings]
        for p in policies:
            if p.m.nested or _inside_any(named_in, p.m.start, p.m.end):  # 国家“十三五”科技创新成就展
                continue
            speaks = meeting_speaks or any(sentence.start + c <= p.m.start for c in clause_subject)
            targets: list[_R] = []
            if (speaks or speaker) and own:
                targets = own
            else:  # 出席Y的代表团继续审议Z, Y传达学习Z; not 贯彻落实Y精神,…做好Z (Y is studied)
                verb = _governing_verb(text, sentence.start, p.m.start, cues["discuss"])
                for mt in meetings:
                    if knowledge.studied_meeting(text, mt.m.end) or verb is None or verb[0] < mt.m.end:
                        continue
                    targets.append(mt)
            # 区政府制定了《纲要(草案)》 in the words of one reporting to the session: a draft put
            # before the meeting is what it reviews
            if (speaks or speaker) and own and _is_draft(text, p, cues["draft"]):
                for mt in own:
                    edges.add(K.ABOUT, mt.key, p.key, art.ev(sentence.index, "draft before it"))
                continue
            # 与市人大常委会出台的《C》, 区政府制定了《纲要》: another body's document, not discussed
            issued = _governing_verb(text, sentence.start, p.m.start, cues["issue"])
            if issued is not None and any(
                0 <= issued[0] - o.m.end <= 1 for o in art.of(sentence.index, EntityType.ORGANIZATION)
            ):
                continue
            # the meeting's or a speaker's words: only what it reviewed or tells to carry out
            # (会议审议通过了《A》《B》, 实施乡村振兴战略), not every document named (根据《建议》,
            # 以…思想为指导, 《A》,内容包括…办法)
            if (
                (speaks or speaker)
                and targets == own
                and _governing_verb(text, sentence.start, p.m.start, cues["speech_about"]) is None
            ):
                continue
            # …, not a review of past work (过去的一年,…省政协…扎实开展“不忘初心、牢记使命”主题教育;
            # 党的十八大以来,…推动…向制造强国转变): what was done, not what the meeting takes up
            if (speaks or speaker) and targets == own and cues["retrospective"].search(text, sentence.start, p.m.start):
                continue
            for mt in targets:
                edges.add(K.ABOUT, mt.key, p.key, art.ev(sentence.index, "discussed"))
            # 法院工作报告获高票通过: adopted by the article's meeting, in the passive
            if not targets and own and cues["adopted"].match(text, p.m.end):
                for mt in own:
                    edges.add(K.ABOUT, mt.key, p.key, art.ev(sentence.index, "adopted (passive)"))
            # 《条例》由M1通过，业经M2批准: each named meeting that adopted or reviewed it
            for mt in _meetings_adopting(text, p, meetings, cues):
                edges.add(K.ABOUT, mt.key, p.key, art.ev(sentence.index, "adopted by a named meeting"))
    # a report delivered at a meeting (the deck of its article)
    head = [s for s in art.an.sentences if s.start < art.an.article.body_start]
    for s in head:
        for mt in art.of(s.index, EntityType.MEETING):
            if text[mt.m.start - 1 : mt.m.start] != "在":
                continue
            for h in head:
                for p in art.of(h.index, EntityType.POLICY):
                    edges.add(K.ABOUT, mt.key, p.key, art.ev(s.index, "report delivered at"))


def _meetings_adopting(text: str, p: _R, meetings: list[_R], cues) -> list[_R]:
    """Named meetings of the sentence that adopted or reviewed the document, printed around it:
    《条例》已由|省十一届人大常委会第十次会议|于7月22日通过 (the passive), 会议于12月1日对|《条例(草案)》
    进行了初次审议 (the review after the document)."""
    out = []
    for mt in meetings:
        if mt.m.start >= p.m.end:
            lead = cues["adopted_by_lead"].fullmatch(text, p.m.end, mt.m.start)
            if lead and cues["adopted_by_tail"].match(text, mt.m.end):
                out.append(mt)
        elif mt.m.end <= p.m.start:
            between = text[mt.m.end : p.m.start]
            reviewed = cues["reviewed_after"].match(text, p.m.end)
            if reviewed and "对" in between and not re.search(r"[，,。；;：:]", between):
                out.append(mt)
    return out


def _is_draft(text: str, p: _R, draft: re.Pattern[str]) -> bool:
    """Whether the document is named as a draft: 《…纲要(草案)》, …办法（征求意见稿）."""
    marker = re.search(r"[（(][^（()）]{2,6}[)）]$", p.m.text)
    if marker:
        return bool(draft.fullmatch(marker.group(0)))
    return bool(draft.match(text, p.m.end + (text[p.m.end : p.m.end + 1] == "》")))


def _meeting_before(art: _Article, offset: int) -> list[_R]:
    """The meeting named last before `offset` that the article holds (not one studied): what a
    later 会议 refers to when the headline and lead name none."""
    before = [r for s in art.an.sentences if s.end <= offset for r in art._own_meetings(s.index)]
    return [max(before, key=lambda r: r.m.start)] if before else []


def _governing_verb(text: str, start: int, end: int, verbs: re.Pattern[str]) -> tuple[int, int] | None:
    """The last verb of `verbs` in text[start:end] whose object runs on to `end` without a
    clause break (a comma, a stop, a colon); its span, or None."""
    found = None
    for m in verbs.finditer(text, start, end):
        found = (m.start(), m.end())
    if found is None or re.search(r"[，,。；;：:]", text[found[1] : end]):
        return None
    return found


def art_sentence_of_paragraph(art: _Article, sentence: int) -> int:
    """The first sentence of the paragraph holding `sentence` (where its speaker is named)."""
    start = art.paragraph_start(sentence)
    for s in art.an.sentences:
        if s.start >= start:
            return s.index
    return sentence


def _issued(art: _Article, names: dict[str, str], org_forms: dict[str, str], types, edges: _Edges) -> None:
    cues = knowledge.relation_cues()
    text = art.text
    for sentence in art.an.sentences:
        orgs = art.of(sentence.index, EntityType.ORGANIZATION)
        policies = art.of(sentence.index, EntityType.POLICY)
        titled = [(q.m.start, q.m.end) for q in policies]  # 《中共…区委关于制定…的建议》: words of a title
        in_title = partial(_inside_any, titled)
        for p in policies:
            # 全国人大常委会关于实行宪法宣誓制度的决定: the body printed before its 关于-document
            # 党中央、国务院《关于…的意见》, 省委、省政府《关于…》: the bodies printed before the title
            lead = next(
                (
                    o
                    for o in orgs
                    if o.m.end <= p.m.start
                    and text[o.m.end : p.m.start] in ("", "《")
                    and p.m.text.startswith("关于")
                    and not in_title(o.m.start, o.m.end)
                ),
                None,
            )
            chain = [lead] if lead is not None else []
            for o in sorted((o for o in orgs if lead is not None and o.m.end <= lead.m.start), key=lambda o: -o.m.end):
                if not cues["co_issuer"].match(text[o.m.end : chain[-1].m.start]) or in_title(o.m.start, o.m.end):
                    break
                chain.append(o)
            for o in chain:
                edges.add(K.ISSUED_BY, p.key, o.key, art.ev(sentence.index, "issued (X关于…)"))
            # 《关于开展…“三下乡”活动的通知》: a name inside a document's title is not what was issued
            if any(q is not p and q.m.start <= p.m.start and p.m.end <= q.m.end for q in policies):
                continue
            # 《办法》由市发改委、市财政局制定: the issuers after the document
            for o, verb in _issuers_after(art, orgs, p, cues):
                edges.add(K.ISSUED_BY, p.key, o.key, art.ev(sentence.index, f"issued (由…{verb})"))
            subject = [o for o in orgs if o.m.end <= p.m.start and not in_title(o.m.start, o.m.end)]
            if not subject:
                continue
            verb = next(
                (
                    v
                    for v in cues["issue"].finditer(text, subject[0].m.end, p.m.start)
                    if not in_title(v.start(), v.end())
                ),
                None,
            )
            if verb is None:
                continue
            # the last such verb governs the document in its clause (甲与乙联合下发通知，出台六项措施);
            # not 财政部出台这一《通知》，是贯彻…战略
            last = [
                v for v in cues["issue"].finditer(text, verb.start(), p.m.start) if not in_title(v.start(), v.end())
            ]
            if re.search(r"[，,。；;：:]", text[last[-1].end() : p.m.start]):
                continue
            # a later clause's verb shares the subject only when it opens its clause (，出台六项措施),
            # not inside a phrase of it (，对在全国农村开展“三下乡”活动作了部署)
            clause_at = max(text.rfind(c, verb.end(), last[-1].start()) for c in "，,；;")
            if clause_at >= 0 and re.search(r"[对在把将为向从给]", text[clause_at + 1 : last[-1].start()]):
                continue
            # the bodies before the verb: 省财政厅与省商务厅联合下发, 团省委、省青年志愿者协会决定开展;
            # not a body further back (新华社北京6月17日电 国务院办公厅日前印发); the last verb's
            # own subject first (国家教委等四部委制定《办法》 本报讯…国家教委、国家计委…联合颁发了《办法》)
            near = []
            for v in (last[-1], verb):
                near = [
                    o
                    for o in subject
                    if o.m.end <= v.start() and not re.search(r"[，,。；;]", text[o.m.end : v.start()])
                ]
                if near:
                    break
            near = [o for o in near if not any(x.m.start <= o.m.start and o.m.end <= x.m.end and x != o for x in near)]
            issuers = near[-1:]
            for o in reversed(near[:-1]):
                if not cues["co_issuer"].match(text[o.m.end : issuers[-1].m.start]):
                    break
                issuers.append(o)
            for o in issuers:
                edges.add(K.ISSUED_BY, p.key, o.key, art.ev(sentence.index, f"issued ({verb.group(0)})"))
    # a document named after its author: 《中共中央国务院关于…》, 吉林省人民政府工作报告
    for r in art.resolved:
        if types.get(r.key) is not EntityType.POLICY:
            continue
        name = names[r.key]
        head = name.split("关于", 1)[0] if "关于" in name else ""
        for okey in _orgs_named_in(head or name, org_forms, prefix_only=not head):
            if names[okey] in knowledge.gazetteer().by_name:
                continue  # 中华人民共和国预算法: a state's law is named after the state, not its author
            edges.add(K.ISSUED_BY, r.key, okey, art.ev(r.m.sentence, "named after its author"))
            named_only_here = not any(x.key == okey for x in art.resolved)
            if named_only_here and names[okey] not in knowledge.gazetteer().by_name:  # (not a state)
                edges.add(K.MENTIONS, art.key, okey, art.ev(r.m.sentence, "named in a document's title"))
                edges.named_in_titles[okey].add(art.ev(r.m.sentence, "named in a document's title"))
    # a notice signed at its end: …领导小组办公室 2021年1月26日
    headline_policies = [
        r for r in art.resolved if types.get(r.key) is EntityType.POLICY and r.m.start < art.an.article.body_start
    ]
    if headline_policies and art.an.sentences:
        last = art.an.sentences[-1]
        signers = [
            o
            for o in art.of(last.index, EntityType.ORGANIZATION)
            if re.match(r"^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$", text[o.m.end : last.end])
        ]
        for o in signers:
            for p in headline_policies:
                edges.add(K.ISSUED_BY, p.key, o.key, art.ev(last.index, "signed"))


def _issuers_after(art: _Article, orgs: list[_R], p: _R, cues) -> list[tuple[_R, str]]:
    """The bodies of a passive issuance after the document (《办法》由甲、乙联合制定): each
    with the verb, or none when the construction is not there."""
    text = art.text
    after = sorted((o for o in orgs if o.m.start >= p.m.end), key=lambda o: o.m.start)
    # the first body the lead reaches (《要点》已经市政府同意，日前由|市政府办公厅: past the approver)
    first = next((i for i, o in enumerate(after) if cues["issued_by_lead"].fullmatch(text[p.m.end : o.m.start])), None)
    if first is None:
        return []
    after = after[first:]
    chain = [after[0]]
    for o in after[1:]:
        if not cues["co_issuer"].match(text[chain[-1].m.end : o.m.start]):
            break
        chain.append(o)
    verb = cues["issued_by_verb"].match(text, chain[-1].m.end)
    return [(o, verb.group("verb")) for o in chain] if verb else []


def _inside_any(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in spans)


def _orgs_named_in(text: str, org_forms: dict[str, str], prefix_only: bool) -> list[str]:
    """Keys of the bodies whose names (or aliases) spell out the start of `text`, one after
    another: 中共中央国务院 -> 中共中央, 国务院; with `prefix_only`, only the first."""
    found: list[str] = []
    pos = 0
    text = re.sub(r"\s+", "", text)  # 中共南宁市委 南宁市人民政府关于…: bodies printed apart
    while pos < len(text):
        best = next((text[pos:end] for end in range(len(text), pos + 1, -1) if text[pos:end] in org_forms), None)
        if best is None:
            break
        found.append(org_forms[best])
        pos += len(best)
        if prefix_only:
            break
    return found


def _containment(analyses: Sequence[_Article], res: Resolution, types: dict[str, EntityType], edges: _Edges) -> None:
    """Parents from resolution, with the sentences showing them (or the gazetteer)."""
    index: dict[str, list[tuple[_Article, _R]]] = defaultdict(list)
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


def _papers(analyses: Sequence[_Article], types: dict[str, EntityType], edges: _Edges) -> None:
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


def link(analyses: Sequence[Analysis], res: Resolution) -> list[Relation]:
    """All edges of the graph, each with its evidence, sorted."""
    types = {e.key: e.type for e in res.entities}
    names = {e.key: e.name for e in res.entities}
    org_forms = {f: e.key for e in res.entities if e.type is EntityType.ORGANIZATION for f in (e.name, *e.aliases)}
    for alias, full in knowledge.national_orgs().items():
        if f"org/{full}" in types:
            org_forms.setdefault(alias, f"org/{full}")
    dates = {e.key: e.date.isoformat() for e in res.entities if e.date}
    edges = _Edges()
    gaz = knowledge.gazetteer()
    arts = [_Article(an, res, types) for an in sorted(analyses, key=lambda a: a.article.id)]
    for art in arts:
        for r in art.resolved:
            if r.m.kind is not MentionKind.TITLE and r.key in types:
                edges.add(K.MENTIONS, art.key, r.key, art.ev(r.m.sentence, "mention"))
            elif r.key in types and names[r.key] not in gaz.by_name:
                # a title names the body it implies (总书记 -> 中共中央), not a state (国家主席)
                edges.add(K.MENTIONS, art.key, r.key, art.ev(r.m.sentence, "body of a title"))
        _posts(art, res, edges)
        _meetings(art, edges)
        _dates(art, dates, edges)
        _about(art, edges)
        _issued(art, names, org_forms, types, edges)
    _containment(arts, res, types, edges)
    _papers(arts, types, edges)
    return edges.relations()
