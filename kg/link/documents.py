"""Documents: what a meeting discussed, and who issued a document.

* discussed: a document a meeting reviewed, heard or deploys: the object of a discussion verb
  whose subject is the meeting (Y传达学习Z, 会议审议通过了《A》《B》) or in a speaker's words at it;
* issued by: X印发/出台/联合下发/主办…Z (甲商乙联合下发: both), X关于…, 《X关于…》, <body>工作报告,
  a notice signed by X.
"""

from __future__ import annotations

import re
from functools import partial

from kg import knowledge
from kg.link.article import (
    ArticleView,
    Edges,
    Resolved,
    governing_verb,
    inside_any,
    meeting_before,
    sentence_of_paragraph,
)
from kg.records import EntityType, RelationKind
from kg.resolve import policy_key_name

K = RelationKind


def add_discussed(art: ArticleView, edges: Edges) -> None:
    cues = knowledge.relation_cues()
    text = art.text
    attendees: set[str] = set()
    for sentence in art.an.sentences:
        persons = art.of(sentence.index, EntityType.PERSON)
        meetings = art.of(sentence.index, EntityType.MEETING)
        policies = art.of(sentence.index, EntityType.POLICY)
        # the meeting's own words: a paragraph opening 会议指出/会议强调 (or a speaker at it)
        paragraph = text[art.paragraph_start(sentence.index) : sentence.end]
        meeting_speaks = (
            cues["meeting_subject"].match(paragraph)
            or cues["meeting_subject"].match(sentence.text)
            or cues["agenda_opening"].match(sentence.text)  # 会前学习了《A》，讨论了《B》
        )
        speaker = any(
            r.key in attendees and cues["speaker_says"].match(text, r.m.end)
            for r in art.of(sentence_of_paragraph(art, sentence.index), EntityType.PERSON)
        )
        attendees.update(r.key for r in persons)
        if not policies:
            continue
        own = art.primary or meeting_before(art, sentence.start)  # 会议: the article's meeting
        # a clause opened by the meeting (…主持会议，会议审议了《A》): where it starts
        clause_subject = [m.end() for m in cues["meeting_clause"].finditer(sentence.text)]
        named_in = [(mt.m.start, mt.m.end) for mt in meetings]
        for p in policies:
            # 《政府工作报告》征求意见会: a meeting held on the document named in its name
            # (the meeting's span may open after the title: 《建议》征求|意见座谈会)
            for mt in meetings:
                if (mt.m.start <= p.m.start or p.m.end <= mt.m.start) and cues["named_after_document"].match(
                    text[p.m.end : mt.m.end]
                ):
                    edges.add(K.ABOUT, mt.key, p.key, art.ev(sentence.index, "meeting on the document"))
            if p.m.nested or inside_any(named_in, p.m.start, p.m.end):  # 国家“十三五”科技创新成就展
                continue
            # 《A》《B》已经省政府常务会议通过，提请本次会议审议: submitted to the article's meeting
            if own and cues["submitted_to_own"].match(text[p.m.end : sentence.end]):
                for mt in own:
                    edges.add(K.ABOUT, mt.key, p.key, art.ev(sentence.index, "submitted to the meeting"))
            speaks = meeting_speaks or any(sentence.start + c <= p.m.start for c in clause_subject)
            targets: list[Resolved] = []
            if (speaks or speaker) and own:
                targets = own
            else:  # 出席Y的代表团继续审议Z, Y传达学习Z; not 贯彻落实Y精神,…做好Z (Y is studied)
                verb = governing_verb(text, sentence.start, p.m.start, cues["discuss"])
                for mt in meetings:
                    if knowledge.studied_meeting(text, mt.m.end) or verb is None or verb[0] < mt.m.end:
                        continue
                    if cues["future_review"].search(text, sentence.start, mt.m.start):
                        continue  # 即将提请市五届人大二次会议审议的《报告》: not reviewed yet
                    targets.append(mt)
            # 区政府制定了《纲要(草案)》 in the words of one reporting to the session: a draft put
            # before the meeting is what it reviews
            if (speaks or speaker) and own and _is_draft(text, p, cues["draft"]):
                for mt in own:
                    edges.add(K.ABOUT, mt.key, p.key, art.ev(sentence.index, "draft before it"))
                continue
            # 与市人大常委会出台的《C》, 区政府制定了《纲要》: another body's document, not discussed
            issued = governing_verb(text, sentence.start, p.m.start, cues["issue"])
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
                and governing_verb(text, sentence.start, p.m.start, cues["speech_about"]) is None
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


def _meetings_adopting(text: str, p: Resolved, meetings: list[Resolved], cues) -> list[Resolved]:
    """Named meetings of the sentence that adopted or reviewed the document, printed around it:
    《条例》已由|省十一届人大常委会第十次会议|于7月22日通过 (the passive), 会议于12月1日对|《条例(草案)》
    进行了初次审议 (the review after the document)."""
    out = []
    for mt in meetings:
        if mt.m.start >= p.m.end:
            lead = cues["adopted_by_lead"].fullmatch(_without_titles(text, p.m.end, mt.m.start))
            if lead and cues["adopted_by_tail"].match(text, mt.m.end):
                out.append(mt)
        elif mt.m.end <= p.m.start:
            between = text[mt.m.end : p.m.start]
            reviewed = cues["reviewed_after"].match(text, p.m.end)
            if reviewed and "对" in between and not re.search(r"[，,。；;：:]", between):
                out.append(mt)
    return out


def _without_titles(text: str, start: int, end: int) -> str:
    """text[start:end] without the 《titles》 of a list it opens with (》《B》、《C》已经…): the
    rest of a list of documents that share what follows."""
    between = text[start:end]
    joined = knowledge.relation_cues()["coordinator"].pattern
    rest = re.sub(f"^》?(?:(?:{joined})?《[^《》]{{1,80}}》(?:[（(][^（）()]{{1,12}}[)）])?)+", "》", between)
    return rest


def _is_draft(text: str, p: Resolved, draft: re.Pattern[str]) -> bool:
    """Whether the document is named as a draft: 《…纲要(草案)》, …办法（征求意见稿）."""
    marker = re.search(r"[（(][^（()）]{2,6}[)）]$", p.m.text)
    if marker:
        return bool(draft.fullmatch(marker.group(0)))
    return bool(draft.match(text, p.m.end + (text[p.m.end : p.m.end + 1] == "》")))


def add_issuers(art: ArticleView, names: dict[str, str], org_forms: dict[str, str], types, edges: Edges) -> None:
    cues = knowledge.relation_cues()
    text = art.text
    for sentence in art.an.sentences:
        orgs = art.of(sentence.index, EntityType.ORGANIZATION)
        policies = art.of(sentence.index, EntityType.POLICY)
        titled = [(q.m.start, q.m.end) for q in policies]  # 《中共…区委关于制定…的建议》: words of a title
        in_title = partial(inside_any, titled)
        for p in policies:
            if _in_other_title(text, sentence.start, p, titled):
                continue  # 《决战决胜——某县脱贫攻坚工作掠影》大型图片展: a name inside a work's title
            # 全国人大常委会关于实行宪法宣誓制度的决定: the body printed before its 关于-document
            # 党中央、国务院《关于…的意见》, 省委、省政府《关于…》: the bodies printed before the title;
            # 市发展改革委、市综合行政执法局《…实施方案》: before any title in brackets (not a paper's article)
            lead = next(
                (
                    o
                    for o in orgs
                    if o.m.end <= p.m.start
                    and (
                        (text[o.m.end : p.m.start] in ("", "《") and p.m.text.startswith("关于"))
                        or (text[o.m.end : p.m.start] == "《" and not cues["press_body"].search(o.m.text))
                    )
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
            # 《关于开展…“三下乡”活动的通知》: a name inside a document's title is not what was issued,
            # unless the title is a notice printing it (《X印发〈Y〉的通知》: X issued Y)
            outer = [q for q in policies if q is not p and q.m.start <= p.m.start and p.m.end <= q.m.end]
            if outer:
                for q in outer:
                    for okey in _printers(q.m.text, p.m.text, org_forms):
                        edges.add(K.ISSUED_BY, p.key, okey, art.ev(sentence.index, "issued (X印发〈Y〉的通知)"))
                continue
            # 《办法》由市发改委、市财政局制定: the issuers after the document
            for o, verb in _issuers_after(art, orgs, p, cues):
                edges.add(K.ISSUED_BY, p.key, o.key, art.ev(sentence.index, f"issued (由…{verb})"))
            # not a paper's or gazette's title (北京市政府第10期《政府公报》发布了《…》) nor the agency of a
            # dateline (中新社七月十六日电 台湾“金管会”十五日发布…): they print what another issued
            subject = [
                o
                for o in orgs
                if o.m.end <= p.m.start
                and not in_title(o.m.start, o.m.end)
                and not (text[o.m.start - 1 : o.m.start] == "《" and text[o.m.end : o.m.end + 1] == "》")
                and not cues["dateline_after"].match(text, o.m.end)
            ]
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
            if clause_at >= 0 and cues["phrase_preposition"].search(text, clause_at + 1, last[-1].start()):
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
    printed_names = _printed_names(art, names, types)
    for r in art.resolved:
        if types.get(r.key) is not EntityType.POLICY:
            continue
        name = names[r.key]
        head = name.split("关于", 1)[0] if "关于" in name else ""
        # 长沙市人民政府办公厅关于印发长沙市…实施方案的通知 … 《长沙市…实施方案》: the notice's
        # author issues the document it prints, named in the article on its own
        printed = _printed_by_notice(name, printed_names) if head else None
        for okey in _orgs_named_in(head or name, org_forms, prefix_only=not head):
            if printed is not None and printed != r.key:
                edges.add(K.ISSUED_BY, printed, okey, art.ev(r.m.sentence, "issued (X关于印发Y的通知)"))
            if names[okey] in knowledge.gazetteer().by_name:
                continue  # 中华人民共和国预算法: a state's law is named after the state, not its author
            if not head and cues["law_name"].search(name) and not cues["lawmaker"].search(names[okey]):
                continue  # 上海市公共图书馆条例: a regulation on the body, made by another
            if not head and not cues["authored_kind"].search(name):
                continue  # 中国共产党党内法规体系: a system the body leads, not a document it wrote
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
            if cues["signed_date"].fullmatch(text, o.m.end, last.end)
        ]
        for o in signers:
            for p in headline_policies:
                edges.add(K.ISSUED_BY, p.key, o.key, art.ev(last.index, "signed"))


def _in_other_title(text: str, start: int, p: Resolved, titled: list[tuple[int, int]]) -> bool:
    """Whether the document's name is printed inside a 《title》 that is not a document's (a
    work's, a paper's): what is issued there is the work, not the document it names."""
    opening = text.rfind("《", start, p.m.start + 1)
    if opening < 0 or "》" in text[opening : p.m.start]:
        return False
    closing = text.find("》", p.m.end - 1)
    if closing < 0 or "《" in text[p.m.end : closing] or "\n" in text[opening:closing]:
        return False
    if (opening + 1, closing) == (p.m.start, p.m.end) or (opening, closing + 1) == (p.m.start, p.m.end):
        return False  # the document's own title
    return not any(s <= opening + 1 and closing <= e for s, e in titled if (s, e) != (p.m.start, p.m.end))


def _issuers_after(art: ArticleView, orgs: list[Resolved], p: Resolved, cues) -> list[tuple[Resolved, str]]:
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


def _printed_names(art: ArticleView, names: dict[str, str], types) -> dict[str, str]:
    """The article's documents by their names without brackets, quotes or draft markers."""
    return {policy_key_name(names[r.key]): r.key for r in art.resolved if types.get(r.key) is EntityType.POLICY}


def _printed_by_notice(notice: str, printed_names: dict[str, str]) -> str | None:
    """The key of the article's document that the notice titled `notice` prints (X关于印发Y的通知,
    X关于转发〈Y〉的通知 -> Y), if the article names it too."""
    verbs = knowledge.relation_cues()["printing_verb"].pattern
    m = re.search(f"关于(?:{verbs})[〈《<]?(.{{2,80}}?)[〉》>]?的通知$", notice)
    return printed_names.get(policy_key_name(m.group(1))) if m else None


def _printers(notice: str, printed: str, org_forms: dict[str, str]) -> list[str]:
    """The bodies that print `printed` in the notice titled `notice`
    (中共中央办公厅、国务院办公厅印发〈关于…的意见〉的通知 -> 中共中央办公厅, 国务院办公厅)."""
    verbs = knowledge.relation_cues()["printing_verb"].pattern
    m = re.match(f"^(.*?)(?:关于)?(?:{verbs})[〈《<]?{re.escape(printed)}[〉》>]?的通知$", notice)
    return _orgs_named_in(m.group(1), org_forms, prefix_only=False) if m else []


def _orgs_named_in(text: str, org_forms: dict[str, str], prefix_only: bool) -> list[str]:
    """Keys of the bodies whose names (or aliases) spell out the start of `text`, one after
    another: 中共中央国务院 -> 中共中央, 国务院; with `prefix_only`, only the first."""
    found: list[str] = []
    pos = 0
    text = re.sub(r"\s+", "", text)  # 中共南宁市委 南宁市人民政府关于…: bodies printed apart
    split = knowledge.relation_cues()["co_issuer_title"]
    while pos < len(text):
        best = next((text[pos:end] for end in range(len(text), pos + 1, -1) if text[pos:end] in org_forms), None)
        if best is None:
            break
        found.append(org_forms[best])
        pos += len(best)
        if prefix_only:
            break
        if (sep := split.match(text, pos)) is not None:  # 中共武城县委、武城县人民政府关于…
            pos = sep.end()
    return found
