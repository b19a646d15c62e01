"""Meetings: who chaired and attended them, where and when they were held, and who convened them.

* chair: X主持(召开)Y, Y由X主持; attendee: X出席/参加/列席/讲话/致辞…Y, X向Y发表书面致辞, 在Y上…X,
  X在Y上的讲话, X向大会报告, X所作的…报告, 出席Y的还有X; the verb after a list of names, titles,
  bodies and role words (以及, 负责同志) applies to every name; …并主持Y / …并在Y上讲话 for the
  clause's subject; a bare 会议 means the article's own meeting (the one in its headline or lead);
* a meeting mentioned without such a verb (落实…会议部署) gets no attendee;
* date: the date the resolver gave the meeting, cited where the mention is dated;
* place: Y在Z召开/举行, 在Z召开的Y (a body's premises: the place its name gives), each of the
  places joined before the verb (在A和B两地举行); organiser: the body in the meeting's name (not
  the parent of a standing committee meeting, nor the object of a ceremony, nor for a numbered
  session named in passing), the one that convenes it, or those that host it (Y由X(、W)主办/承办,
  由X主办的Y, 这次会议由X和W联合承办).
"""

from __future__ import annotations

import re
from functools import cache

from kg import knowledge
from kg.link.article import ArticleView, Edges, Resolved, between
from kg.posts import CUT_NAME, UNNAMED_IN_LIST, strip_title_prefix
from kg.records import EntityType, Mention, MentionKind, RelationKind
from kg.resolve import meeting_date, meeting_organizer
from kg.resolve.meetings import held_in_abbreviated_city

K = RelationKind


def _subject_list_end(art: ArticleView, person: Resolved, sentence: int) -> int:
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
                or cues["list_missed_names"].fullmatch(text[end:start])
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
        unnamed = cues["unnamed_name"].match(rest)
        # (not 总书记|的重要|讲话: a speech, the noun)
        if unnamed and "的" not in unnamed.group() and _verb_at(text, end + unnamed.end(), sentence_end):
            return end + unnamed.end()
    if last_kind == MentionKind.PERSON.value:  # 吉炳轩、艾力更·依明巴海、万鄂湘…出席: names it cut or missed
        loose = cues["list_loose"]
        clause = re.search(r"[，,。；;：:]|$", rest).start()
        for verb in cues["loose_verb"].finditer(rest[:clause]):
            if loose.fullmatch(rest, 0, verb.start()) and _verb_at(text, end + verb.start(), sentence_end):
                return end + verb.start()
    return last_person_end


@cache
def _presence_verbs() -> dict[str, re.Pattern[str]]:
    """The chair, attend and speech verbs, each after what may stand between a list and its verb
    (relation_cues.tsv `pre_verb`: 等, 也, 今天上午, 在京); the verb is the group `verb`. A speech
    (`speech_verb`: …等围绕主题作了发言) is an attendance."""
    cues = knowledge.relation_cues()
    pre = cues["pre_verb"].pattern
    return {
        kind: re.compile(f"(?:{pre})(?P<verb>{cues[kind].pattern.removeprefix('^')})")
        for kind in ("chair", "attend_verb", "speech_verb")
    }


def _verb_at(text: str, pos: int, end: int) -> tuple[str, re.Match[str]] | None:
    """The chair or attend verb (kind, match) that follows a list ending at `pos`, if any."""
    for kind, pattern in _presence_verbs().items():
        found = pattern.match(text, pos, end)
        if found:
            return kind, found
    return None


def _bare_meeting(art: ArticleView, pos: int) -> bool:
    """Whether a verb ending at `pos` takes the article's own meeting by a bare word:
    出席了会议, 主持了今天的座谈会 (in an article about a 座谈会), not 主持的项目, 出席了会见."""
    if not art.primary:
        return False
    return _bare_word(art, art.text[pos : pos + 16])


def _bare_word(art: ArticleView, words: str) -> bool:
    """Whether `words` open with a bare word for the article's meeting (会议, 了今天的座谈会)."""
    if not art.primary:
        return False
    lead = knowledge.relation_cues()["bare_meeting"].match(words)
    rest = words[lead.end() if lead else 0 :]
    if knowledge.relation_cues()["bare_meeting_word"].match(rest):
        return True
    kinds = [k for k in knowledge.meeting_kinds() if len(k) >= 2 and any(r.m.text.endswith(k) for r in art.primary)]
    if any(rest.startswith(k) for k in kinds):
        return True
    # 出席现场会 in an article about a 现场推进会议: a meeting word whose characters the name holds in order
    return any(
        rest.startswith(k) and _in_order(k, r.m.text)
        for k in knowledge.meeting_kinds()
        if len(k) >= 3
        for r in art.primary
    )


def _in_order(short: str, name: str) -> bool:
    rest = iter(name)
    return all(ch in rest for ch in short)


_LIST_ITEMS = {k.value for k in (MentionKind.PERSON, MentionKind.TITLE, MentionKind.ORGANIZATION, MentionKind.PLACE)}


def _is_subject(art: ArticleView, person: Resolved, sentence: int) -> bool:
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


def _shape(art: ArticleView, sentence: int, start: int, end: int) -> tuple[str, list[Mention]]:
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


def _meeting_of_shape(art: ArticleView, kept: list[Mention], meetings: list[Resolved]) -> list[Resolved]:
    named = [m for m in kept if m.kind is MentionKind.MEETING]
    if named:
        return [r for r in meetings if r.m.start == named[0].start and r.m.end == named[0].end]
    return art.primary


def _chaired_by(art: ArticleView, person: Resolved, sentence: int, meetings: list[Resolved]) -> list[Resolved]:
    """The meeting a passive 由…主持 names before `person` (会议由全国妇联副主席、书记处第一书记黄菊
    主持): the meeting mention opening the clause, or the article's meeting for a bare 会议."""
    text = art.text
    start = art.an.sentences[sentence].start
    cut = max(text.rfind(c, start, person.m.start) for c in "，,。；;：:")
    shape, kept = _shape(art, sentence, max(start, cut + 1), person.m.start)
    glue = knowledge.relation_cues()["list_glue"].pattern
    cues = knowledge.relation_cues()
    if not re.fullmatch(f"(?:{cues['chaired_by_lead'].pattern})(?:\x00X|{glue})*", shape):
        return []
    return _meeting_of_shape(art, kept, meetings)


def _listed_as_present(art: ArticleView, person: Resolved, sentence: int, meetings: list[Resolved]) -> list[Resolved]:
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
        verb = cues["present_verb"].match(shape, lead.start())
        obj = shape[verb.end() : lead.end()] if verb else ""
        if not re.match(r"^(?:\x00X)?(?:的|上)", obj) and not _bare_word(art, obj):
            return []
    return _meeting_of_shape(art, in_lead, meetings)


def _under(
    art: ArticleView, person: Resolved, sentence: int, list_end: int, meetings: list[Resolved]
) -> list[tuple[RelationKind, Resolved]]:
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
    targets = named or (art.primary if cues["speaks_of_meeting"].search(sentence_text) else [])
    return [(kind, r) for r in targets]


def _coordinated(art: ArticleView, first: Resolved, meetings: list[Resolved]) -> list[Resolved]:
    """`first` and the meetings joined to it by 和/、/及 (召开A和B)."""
    coordinator = knowledge.relation_cues()["coordinator"]
    out = [first]
    for r in sorted(meetings, key=lambda r: r.m.start):
        if r.m.start > out[-1].m.end and coordinator.fullmatch(art.text, out[-1].m.end, r.m.start):
            out.append(r)
    return out


def add_meetings(art: ArticleView, edges: Edges) -> None:
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
            attend = found[1] if found and found[0] != "chair" else None
            verb_end = (chair or attend).end() if (chair or attend) else None
            targets: list[Resolved] = []
            also: list[tuple[RelationKind, Resolved]] = []  # …并主持Y, …并在Y上讲话: a second verb
            if verb_end is not None:
                nxt = [
                    r
                    for r in meetings
                    if r.m.start >= verb_end
                    and (
                        r.m.start - verb_end <= 4
                        and not cues["verb_object_break"].search(text, verb_end, r.m.start)
                        or cues["verb_object_lead"].fullmatch(text, verb_end, r.m.start)  # 出席在蓉开幕的Y
                    )
                ]
                verb = (chair or attend).group("verb")
                if nxt:
                    targets = _coordinated(art, min(nxt, key=lambda r: r.m.start), meetings)
                elif (
                    _bare_meeting(art, verb_end)
                    or (
                        not meetings
                        and (  # 出席。 but not 参加甘肃代表团审议 or 主持的项目: a verb with another object
                            (not chair and not cues["verb_with_object"].search(verb))
                            or cues["verb_ends_clause"].match(text[verb_end : verb_end + 1])
                        )
                    )
                ):
                    targets = art.primary  # 主持会议并讲话, 出席了会议, …出席。: the article's meeting
                elif not chair and cues["verb_ends_clause"].match(text[verb_end : verb_end + 1]):
                    # Y在Z举行开馆式，甲、乙等出席。: the meeting the sentence reports before the list
                    # (not one a speaker stands for: 乙代表主席会议向常委会会议报告工作，丙、丁出席。 is
                    # the article's meeting, relation_cues.tsv `on_behalf_of`)
                    held = [
                        r for r in meetings if r.m.end <= p.m.start and not knowledge.studied_meeting(text, r.m.end)
                    ]
                    stood_for = [r for r in held if cues["on_behalf_of"].search(text, max(0, r.m.start - 2), r.m.start)]
                    held = [r for r in held if r not in stood_for]
                    # the article's own meeting when the sentence names it, else the last one named
                    own = [r for r in held if r.key in {o.key for o in art.primary}]
                    targets = own[:1] or held[-1:] or (art.primary if stood_for else [])
            if chair and not targets and chair.group("verb").endswith("会议"):
                # …召开Y，主任X主持会议并讲话: the bare 会议 is the meeting the sentence reports
                own = [r for r in meetings if r.m.end <= p.m.start and not knowledge.studied_meeting(text, r.m.end)]
                # (中共上海市委书记陈吉宁主持会议并指出…四中全会精神: none before it, the article's)
                targets = [r for r in own if r.key in {o.key for o in art.primary}] or own[-1:] or art.primary
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
                if cues["second_chair"].search(lead):
                    also.append((K.CHAIR, mt))
                elif cues["second_attend"].search(lead) or (
                    cues["second_at"].search(lead) and cues["speech_at"].match(text[mt.m.end : mt.m.end + 8])
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
                gap = between(text, p.m, mt.m)
                if mt.m.start > p.m.end and cues["attend_to"].match(gap) and cues["address_verb"].match(text, mt.m.end):
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
            if cues["says"].search(text, p.m.end, p.m.end + 3):
                for mt in meetings:
                    if mt.m.start > p.m.end and cues["self_at"].fullmatch(text[mt.m.start - 2 : mt.m.start]):
                        targets.append(mt)
            # X代表说 in the report of a session: a deputy at it
            if cues["deputy_says"].match(text, p.m.end):
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
        runs = _meeting_runs(art, meetings)
        abbreviated = held_in_abbreviated_city(text, sentence.start, sentence.end) if meetings else []
        for mt in meetings:
            org, rest = meeting_organizer(mt.m, an)
            if org is not None and cues["whole_body"].fullmatch(org.text) and cues["regional_term"].match(rest):
                org = None  # 中国共产党|福建省第十一届委员会…: the province's committee holds it, not the party
            named_inside = org is not None and org.start >= mt.m.start
            # a numbered session named in passing (…二次会议以来, …三次会议日程) is not an event
            # of the article: its body is not stated to hold it
            primary = {r.key for r in art.primary}
            passing = named_inside and cues["numbered_session"].search(rest) and mt.key not in primary
            if org is not None and not passing and not (named_inside and cues["not_organizer"].search(rest)):
                org_key = next((r.key for r in art.resolved if r.m.id == org.id), None)
                if org_key and art.types.get(org_key) is EntityType.ORGANIZATION:
                    edges.add(K.ORGANIZER, mt.key, org_key, art.ev(i, "organiser named with the meeting"))
            places = art.of(i, EntityType.PLACE, EntityType.ORGANIZATION)
            for pl in places:
                # Y在Z召开, and 在Z召开的Y: Z a place or a venue (毕节市七星关区人民医院, 驻京办事处),
                # also a room or hall of it (在区人大常委会会议室举行, 在市政协机关召开); Y于…在Z和W两地举行:
                # each of the places joined before the verb
                chain, chain_end = _place_chain(art, pl, places)
                # A、B相继在Z开幕: the places of a list of meetings are the last one's; 在浙江杭州举行:
                # the province printed before the city is part of where
                joined_end = next((run[-1].m.end for run in runs if any(r is mt for r in run)), mt.m.end)
                lead = _place_lead(pl, places)
                after = lead.m.start >= joined_end and _held_when(text[joined_end : lead.m.start])
                held = cues["held"].match(text[chain_end : chain_end + 6])
                before = (
                    pl.m.end <= mt.m.start
                    and text[pl.m.start - 1 : pl.m.start] == "在"
                    and re.fullmatch(
                        "(?:" + cues["held"].pattern.removeprefix("^") + ")的", text[chain_end : mt.m.start]
                    )
                )
                # 在Z举行Y (十三届全国人大常委会4日上午在北京人民大会堂举行第一百三十六次委员长会议)
                # and 俞正声在北京主持召开Y (relation_cues.tsv `held_chaired`)
                direct = (
                    pl.m.end <= mt.m.start
                    and text[pl.m.start - 1 : pl.m.start] == "在"
                    and (
                        re.fullmatch(cues["held"].pattern.removeprefix("^"), text[chain_end : mt.m.start])
                        or cues["held_chaired"].fullmatch(text[chain_end : mt.m.start])
                    )
                )
                if not ((after and held) or before or direct):
                    continue
                convened.add(mt.key)
                for member in chain:
                    _held_at(art, mt, member, edges, i)
            # 在京召开的Y, Y今天在京举行, 在蓉主持召开Y: a city by its one-character name
            joined_end = next((run[-1].m.end for run in runs if any(r is mt for r in run)), mt.m.end)
            for at, end, key in abbreviated:
                after = at >= joined_end and _held_when(text[joined_end : at + 1])
                before = end <= mt.m.start and re.fullmatch(
                    "(?:" + cues["held"].pattern.removeprefix("^") + ")的", text[end : mt.m.start]
                )
                direct = end <= mt.m.start and (
                    re.fullmatch(cues["held"].pattern.removeprefix("^"), text[end : mt.m.start])
                    or cues["held_chaired"].fullmatch(text[end : mt.m.start])
                )
                if (after or before or direct) and art.types.get(key) is EntityType.PLACE:
                    convened.add(mt.key)
                    edges.add(K.LOCATION, mt.key, key, art.ev(i, "held at (the city's one-character name)"))
        _hosts(art, i, meetings, edges)
    _meeting_places_from_lead(art, edges, convened)


def _meeting_runs(art: ArticleView, meetings: list[Resolved]) -> list[list[Resolved]]:
    """The meetings of a sentence in runs joined by 、/和/及/与 (A、B相继在昆明开幕)."""
    joiner = knowledge.relation_cues()["coordinated"]
    runs: list[list[Resolved]] = []
    for r in sorted((r for r in meetings if not r.m.nested), key=lambda r: (r.m.start, -r.m.end)):
        if runs and r.m.start >= runs[-1][-1].m.end and joiner.fullmatch(art.text, runs[-1][-1].m.end, r.m.start):
            runs[-1].append(r)
        else:
            runs.append([r])
    return runs


def _held_when(gap: str) -> bool:
    """What may stand between a meeting and 在 where it is held: relation_cues.tsv `held_when`,
    once the words of `held_when_more` are set aside (相继, 一九九九年三月三日, 本月五日)."""
    cues = knowledge.relation_cues()
    return bool(cues["held_when"].fullmatch(gap) or cues["held_when"].fullmatch(cues["held_when_more"].sub("", gap)))


def _place_lead(pl: Resolved, places: list[Resolved]) -> Resolved:
    """The first of the places printed right before `pl` without a break (浙江|杭州)."""
    lead = pl
    while True:
        prev = [p for p in places if p.m.end == lead.m.start and not p.m.nested]
        if not prev:
            return lead
        lead = prev[0]


def _place_chain(art: ArticleView, first: Resolved, places: list[Resolved]) -> tuple[list[Resolved], int]:
    """The places joined to `first` by 和/、/及/与 (在柳州市城中区和北海市海城区两地举行), each with
    a room or hall of it; and where the chain ends (after 两地, 三地, 等地)."""
    cues = knowledge.relation_cues()
    text = art.text
    chain = [first]
    room = cues["venue_room"].match(text, first.m.end)
    end = room.end() if room else first.m.end
    while True:
        nxt = [p for p in places if p.m.start > end and text[end : p.m.start] in ("和", "、", "及", "与")]
        if not nxt:
            break
        member = min(nxt, key=lambda p: (p.m.start, -p.m.end))
        chain.append(member)
        room = cues["venue_room"].match(text, member.m.end)
        end = room.end() if room else member.m.end
    tail = cues["places_tail"].match(text, end) if len(chain) > 1 else None
    return chain, tail.end() if tail else end


def _held_at(art: ArticleView, mt: Resolved, pl: Resolved, edges: Edges, sentence: int) -> None:
    """A meeting held at `pl`: a place, or a body's premises in the place its name gives."""
    if art.types.get(pl.key) is EntityType.PLACE:
        edges.add(K.LOCATION, mt.key, pl.key, art.ev(sentence, "held at"))
        if "~" in pl.key:  # 在昆明海埂会堂开幕: a venue the gazetteer lacks, in the place its name opens with
            inner = [
                r
                for r in art.resolved
                if r.m.nested
                and r.m.kind is MentionKind.PLACE
                and r.m.start == pl.m.start
                and r.m.end < pl.m.end
                and "~" not in r.key
            ]
            if inner:
                finest = max(inner, key=lambda r: r.m.end)
                edges.add(K.LOCATION, mt.key, finest.key, art.ev(sentence, "held at (the venue's place)"))
    elif pl.key in art.seat and not any(
        r.m.nested and pl.m.start <= r.m.start and r.m.end <= pl.m.end for r in art.resolved
    ):  # 在区人大常委会会议室: the body's premises, in the place its (full) name gives
        edges.add(K.LOCATION, mt.key, art.seat[pl.key], art.ev(sentence, "held at (the venue's place)"))
    else:  # a body's premises: meetings are held at places, the one its name gives
        inner = [
            r
            for r in art.resolved
            if r.m.nested and r.m.kind is MentionKind.PLACE and pl.m.start <= r.m.start and r.m.end <= pl.m.end
        ]
        if inner:
            finest = max(inner, key=lambda r: (r.m.end - pl.m.start, r.m.end - r.m.start))
            edges.add(K.LOCATION, mt.key, finest.key, art.ev(sentence, "held at (the venue's place)"))


def _hosts(art: ArticleView, sentence: int, meetings: list[Resolved], edges: Edges) -> None:
    """Y由X(、W)(共同)主办/承办, 由X主办的Y, 这次会议由X和W联合承办: each body hosts the meeting
    (relation_cues.tsv `host_verb`, `host_subject`); a bare subject (会议, 本届论坛) is the
    article's meeting."""
    cues = knowledge.relation_cues()
    text = art.text
    s = art.an.sentences[sentence]
    orgs = sorted(art.of(sentence, EntityType.ORGANIZATION), key=lambda r: (r.m.start, -r.m.end))
    for by in re.finditer("由", text[s.start : s.end]):
        at = s.start + by.start()
        hosts: list[Resolved] = []
        end = at + 1
        while True:
            nxt = [o for o in orgs if o.m.start == end and not o.m.nested]
            if not nxt:
                break
            hosts.append(nxt[0])
            glue = re.match(r"、|和|与|及|以及", text[nxt[0].m.end : nxt[0].m.end + 2])
            end = nxt[0].m.end + (glue.end() if glue else 0)
            if not glue:
                break
        verb = cues["host_verb"].match(text, end) if hosts else None
        if verb is None:
            continue
        targets = [r for r in meetings if r.m.start == verb.end() and text[verb.end() - 1] == "的"]
        if not targets:  # Y由X主办: the meeting before 由, or a bare word for the article's
            clause = max(text.rfind(c, s.start, at) for c in "，,；;：:")
            lead = text[max(s.start, clause + 1) : at]
            near = [r for r in meetings if r.m.end <= at and max(s.start, clause + 1) <= r.m.start]
            if near:
                last = max(near, key=lambda r: r.m.end)
                if cues["host_subject"].fullmatch(text, last.m.end, at):
                    targets = [last]
            elif lead.strip() and cues["host_subject"].fullmatch(lead):
                targets = art.primary
        for mt in targets:
            for org in hosts:
                edges.add(K.ORGANIZER, mt.key, org.key, art.ev(sentence, "hosted by"))


def _meeting_places_from_lead(art: ArticleView, edges: Edges, done: set[str]) -> None:
    """本报讯 3月4日,…项目在金普新区开工建设: the lead's place is where the article's meeting was."""
    body = [s for s in art.an.sentences if s.start >= art.an.article.body_start][:1]
    cues = knowledge.relation_cues()
    for s in body:
        for pl in art.of(s.index, EntityType.PLACE):
            if art.text[pl.m.start - 1 : pl.m.start] == "在" and cues["held"].match(art.text[pl.m.end : pl.m.end + 4]):
                for mt in art.primary:
                    if mt.key not in done:
                        edges.add(K.LOCATION, mt.key, pl.key, art.ev(s.index, "held at (lead)"))


def add_dates(art: ArticleView, resolution_dates: dict[str, str], edges: Edges) -> None:
    """A meeting's date, cited where a mention of it is dated (the sentence; its dateline)."""
    for r in art.resolved:
        date = resolution_dates.get(r.key)
        if not date or r.m.kind is not MentionKind.MEETING:
            continue
        found = meeting_date(r.m, art.an)
        if found is not None and found.isoformat() == date:
            edges.add(K.START_DATE, r.key, date, art.ev(r.m.sentence, "date in the sentence"))
