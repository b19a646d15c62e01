"""Policies: one identity per document whatever the brackets, quotes and draft markers; short
forms an article declares or implies; a body printed before its 关于-document; spelling
variants of a campaign on one page."""

from __future__ import annotations

import re
from collections import defaultdict

from kg import knowledge
from kg.records import Analysis, EntityType, Mention, MentionKind
from kg.resolve.context import Context
from kg.resolve.orgs import expand_abbrev, org_name
from kg.resolve.registry import Registry

DRAFT = re.compile(r"[（(](?:草案|试行|送审稿|征求意见稿|修订草案|审议稿|讨论稿|修改稿)[)）]$")


_QUOTES = re.compile(r"[《》“”\"「」『』\s]")


def numbered_measures(name: str) -> str:
    """六举措, 六项措施 -> 六项措施 (a numbered package of measures, written either way)."""
    m = re.fullmatch(r"([一二三四五六七八九十两]{1,3}|\d{1,2})(?:项|条)?(?:措施|举措)", name)
    return f"{m.group(1)}项措施" if m else name


_CAMPAIGN = re.compile(r"^[^“”]{0,6}“([^“”]{2,30})”([\u4e00-\u9fff]{0,4}?)(行动|活动|计划|工程|改革|试点|战略)$")


def policy_key_name(text: str) -> str:
    """A policy's identity: its name without brackets, quotes or draft markers. A campaign
    named by a quotation is identified by it and its kind: “千村美丽、万村整治”行动 and
    “千村美丽万村整治”创建行动 are one campaign."""
    text = DRAFT.sub("", text.replace("《", "").replace("》", "")).strip()
    m = _CAMPAIGN.match(text)
    if m and len(m.group(2)) <= 2:
        core = re.sub(r"[、，,·\s]", "", m.group(1))
        return f"{core}{m.group(3)}"
    return _QUOTES.sub("", text)


def author_before(policy: Mention, an: Analysis) -> Mention | None:
    """The body printed right before a 关于-document without brackets (全国人大常委会关于…的决定):
    part of its name."""
    if not policy.text.startswith("关于"):
        return None
    return next(
        (m for m in an.mentions if m.kind is MentionKind.ORGANIZATION and m.end == policy.start and not m.nested),
        None,
    )


def title_without_issuers(policy: Mention, an: Analysis, ctx: Context) -> str | None:
    """The 关于-title of a document whose span opens with its issuers (省人大常委会关于王晓任…的
    决定 -> 关于王晓任…的决定; 中共南宁市委 南宁市人民政府关于…): papers print it both ways, so the
    bare title is also its name. None when the span does not open with bodies."""
    text = DRAFT.sub("", policy.text.replace("《", "").replace("》", "")).strip()
    at = text.find("关于")
    if at <= 0:
        return None
    offset = policy.start + policy.text.find(text[:at])
    pos, end = offset, offset + at
    bodies = sorted(
        (m for m in an.mentions if m.kind is MentionKind.ORGANIZATION and offset <= m.start and m.end <= end),
        key=lambda m: m.start,
    )
    if org_name(re.sub(r"\s+", "", text[:at]), ctx):  # 省人大常委会关于…: one body, however it was tagged
        return text[at:]
    source = an.article.text
    for b in bodies:
        if b.start < pos or source[pos : b.start].strip(" 、") != "":
            continue
        pos = b.end
    return text[at:] if pos == end else None


def leading_org(name: str, ctx: Context) -> str | None:
    """省政府工作报告 -> 吉林省人民政府工作报告: a policy named after a region's body."""
    abbrevs = knowledge.abbreviations()
    for cut in range(min(len(name) - 2, 8), 1, -1):
        if name[:cut] in abbrevs:
            full = expand_abbrev(name[:cut], ctx)
            return full + name[cut:] if full else None
    return None


def policy_short_forms(an: Analysis) -> dict[str, str]:
    """Short names an article declares for a document: 《…实施意见》（以下简称《意见》） makes every
    later 《意见》 of the article the same document."""
    text = an.article.text
    policies = [m for m in an.mentions if m.kind is MentionKind.POLICY and not m.nested]
    out: dict[str, str] = {}
    for full, short in zip(policies, policies[1:], strict=False):
        if _SHORT_FORM.fullmatch(text[full.end : short.start]) and short.text != full.text:
            out.setdefault(short.text, full.text)
    # 《昆明市人民政府关于印发…的通知》(昆政发〔2016〕13号): the issuing number printed after a
    # title is the same document's, not another one (the title's, not a title inside it)
    for number in policies:
        if not _DOCUMENT_NUMBER.fullmatch(number.text) or text[number.end : number.end + 1] not in ")）":
            continue
        titled = [
            m
            for m in an.mentions
            if m.kind is MentionKind.POLICY
            and m.end < number.start
            and _NUMBER_AFTER.fullmatch(text[m.end : number.start])
        ]
        if titled:
            out.setdefault(number.text, min(titled, key=lambda m: (m.start, -m.end)).text)
    # a document referred to by the end of its name (…新优势的指导意见 … 相关指导意见; 《…质量评价工作办法》
    # read also as 评价工作办法): the one longer name of the article ending with it
    every = [m for m in an.mentions if m.kind is MentionKind.POLICY]
    for short in every:
        core = policy_key_name(short.text)
        if short.text in out or len(core) > 8 or not _POLICY_TAIL.search(core):
            continue
        longer = {policy_key_name(m.text) for m in every if len(policy_key_name(m.text)) > len(core) + 1}
        longer = {n for n in longer if n.endswith(core)}
        if len(longer) == 1:
            out[short.text] = longer.pop()
    return out


_POLICY_TAIL = re.compile(r"(?:意见|办法|计划|方案|规划|条例|规定|决定|通知|细则|纲要|报告)$")


_SHORT_FORM = re.compile(r"[》”]?\s*[（(]\s*(?:以下)?简称[《“]?")

_NUMBER_AFTER = re.compile(r"[》”]\s*[（(]\s*")
"""Between a document's title and its issuing number printed in brackets after it."""

_DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
"""An issuing number in the form of 《党政机关公文格式》 (GB/T 9704): the issuer's code, the year, the serial."""


_NUMERALS = set("零〇一二三四五六七八九十百千万两0123456789")


def merge_spelling_variants(reg: Registry) -> None:
    """Two quoted campaign names on the same page that differ in one (non-numeral) character
    are one campaign written two ways (“城市治理年”活动 / “城市管理年”活动); 十三五/十四五 differ
    in a numeral and stay apart."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for key, acc in reg.acc.items():
        if acc.type is EntityType.POLICY and any("“" in s for s in acc.surfaces):
            for article in acc.articles:
                by_file[article.split("/")[0]].append(key)
    merged: dict[str, str] = {}
    for keys in by_file.values():
        keys = sorted(set(keys))
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                na, nb = a.removeprefix("policy/"), b.removeprefix("policy/")
                if len(na) != len(nb) or len(na) < 5:
                    continue
                diff = [(x, y) for x, y in zip(na, nb, strict=True) if x != y]
                if len(diff) == 1 and not set(diff[0]) & _NUMERALS:
                    keep, drop = sorted((a, b), key=lambda k: (-sum(reg.acc[k].surfaces.values()), k))
                    merged[drop] = keep
    for drop, keep in sorted(merged.items()):
        while keep in merged:
            keep = merged[keep]
        src, dst = reg.acc.pop(drop), reg.acc[keep]
        dst.surfaces.update(src.surfaces)
        dst.articles |= src.articles
        dst.notes.add(f"spelling variant {src.name} merged on the same page")
        for mention_id, key in reg.assign.items():
            if key == drop:
                reg.assign[mention_id] = keep


_TITLE_AUTHOR = re.compile(
    r"((?:政协|中国人民政治协商会议|中共|中国共产党)?.{2,12}?(?:第[一二三四五六七八九十]{1,3}届)?"
    r"(?:委员会常务委员会|人民代表大会常务委员会|常务委员会|委员会|人民政府|人民代表大会))(?=关于|工作报告)"
)


def title_author(name: str) -> str | None:
    """The body a document's title opens with, as written (政协江西省第十二届委员会常务委员会 in
    政协江西省第十二届委员会常务委员会工作报告), when the title is its report or its 关于-document."""
    m = _TITLE_AUTHOR.match(name)
    return m.group(1) if m else None
