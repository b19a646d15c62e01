"""Plain frozen records passed between stages.

    Path -> Article -> (spaCy Doc) -> Analysis(Sentences, Mentions) -> Entity -> Relation -> RDF

Only `kg.extract` ever holds a spaCy Doc; everything after it works on these records, so the
later stages are testable without loading a language model.

Offsets: `start`/`end` on Mentions, Sentences and Bylines are character offsets into
`Article.text`; `Article.source_span()` maps them back to (file, start, end) character offsets
in the decoded source file (BOM excluded, line endings as in the file).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import Enum


class EntityType(Enum):
    """The five kinds of thing the graph is about (RDF class local names)."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    PLACE = "Place"
    MEETING = "Meeting"
    POLICY = "Policy"


class MentionKind(Enum):
    """What a stretch of text was recognised as. TITLE is a cue (省长, 记者), not an entity."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    PLACE = "Place"
    MEETING = "Meeting"
    POLICY = "Policy"
    TITLE = "Title"


class ArticleKind(Enum):
    """Whether a text unit is a full article or a 导读 teaser pointing to another page."""

    ARTICLE = "article"
    TEASER = "teaser"


class DatePrecision(Enum):
    """How much of an issue date is known (a sidecar may give only 2021-06)."""

    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True)
class Issue:
    """One input file: a page or issue of a newspaper, with its metadata."""

    source: str
    """Name of the input as written to `kg:sourceFile`: its file name, or, when several inputs
    share a file name, that name with the fewest parent folders that tell them apart
    (`A/page.txt`, `B/page.txt`; see `kg.ingest.source_names`)."""
    paper: str | None = None
    """Newspaper name (辽宁日报), from the masthead, a sidecar file or --paper."""
    date: dt.date | None = None
    """Publication date; the first of the month when only the month is known."""
    date_precision: DatePrecision = DatePrecision.DAY
    """Whether `date` is exact to the day or only to the month."""
    region: str | None = None
    """Full administrative name of the region the paper serves (辽宁省, 吉林省辽源市)."""


@dataclass(frozen=True)
class Segment:
    """A run of `Article.text` copied verbatim from one stretch of a source file."""

    start: int
    """Offset of the run in `Article.text`."""
    source: str
    """Source file name."""
    source_start: int
    """Offset of the run in the decoded source file."""
    length: int
    """Number of characters in the run."""
    after_gap: bool = False
    """Other printed text (a headline set inside a broken sentence) lies in the source between
    this run and the run before it on the same line of `Article.text`."""


@dataclass(frozen=True)
class Byline:
    """A person credited for the article (reporter, photographer, signed author)."""

    name: str
    """The person's name as printed (王笑梅)."""
    role: str
    """The credit as printed (记者, 特约记者, 辽阳市委书记, 市长); empty when none is given."""
    start: int
    """Offset of the name in `Article.text`."""
    end: int
    """End offset of the name in `Article.text`."""


@dataclass(frozen=True)
class Article:
    """One news article (or 导读 teaser), possibly joined from parts on several pages."""

    id: str
    """Stable id: `<file stem>/<nn>` of its first part, e.g. `000_cf7e9373e432becc/03`."""
    issue: Issue
    """Metadata of the issue the (first part of the) article appeared in."""
    kind: ArticleKind
    """A full article or a teaser."""
    headline: str | None
    """Main headline (主题), None when the page lost it."""
    kicker: str | None
    """Line above the headline (引题), if any."""
    deck: str | None
    """Sub-headline (副题), if any, without the leading dash."""
    bylines: tuple[Byline, ...]
    """Credited people in the order printed."""
    dateline_place: str | None
    """Place of the dateline (北京 in 新华社北京8月5日电)."""
    dateline_date: dt.date | None
    """Date of the dateline, resolved against the issue date."""
    agency: str | None
    """News agency of the dateline (新华社) or 本报 for the paper's own reports."""
    text: str
    """Headline lines, then byline and body paragraphs, one per line, broken lines repaired."""
    body_start: int
    """Offset in `text` where the body (after headline lines) starts."""
    segments: tuple[Segment, ...]
    """Maps every character of `text` that came from a file back to it (joins add none)."""
    sources: tuple[str, ...]
    """Source files of its parts, in reading order (two when a continuation was joined)."""

    def source_pieces(self, start: int, end: int) -> list[tuple[str, int, int, int, int]]:
        """(file, file start, file end, text start, text end) of each stretch of a source file
        that `text[start:end]` is printed in: one, unless other printed text (a displaced
        headline) interrupts it. A stretch may hold line breaks (and the whitespace around
        them) that ingestion removed when it joined a broken line."""
        pieces: list[list] = []
        for seg in self.segments:
            lo, hi = max(start, seg.start), min(end, seg.start + seg.length)
            if lo >= hi:
                continue
            a, b = seg.source_start + (lo - seg.start), seg.source_start + (hi - seg.start)
            if pieces and pieces[-1][0] == seg.source and not seg.after_gap:
                pieces[-1][2], pieces[-1][4] = b, hi
            else:
                pieces.append([seg.source, a, b, lo, hi])
        return [tuple(p) for p in pieces]

    def source_span(self, start: int, end: int) -> tuple[str, int, int] | None:
        """(file, start, end) in the source file for `text[start:end]`, if it lies in one file.

        A span that crosses a repaired line break maps from its first to its last character.
        """
        first = last = None
        for seg in self.segments:
            if first is None and seg.start <= start < seg.start + seg.length:
                first = seg
            if seg.start < end <= seg.start + seg.length:
                last = seg
        if first is None or last is None or first.source != last.source:
            return None
        return (
            first.source,
            first.source_start + (start - first.start),
            last.source_start + (end - last.start),
        )


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article, as split by the extraction pipeline."""

    index: int
    """Position in the article, from 0."""
    start: int
    """Offset in `Article.text`."""
    end: int
    """End offset in `Article.text`."""
    text: str
    """The sentence text."""


@dataclass(frozen=True)
class Mention:
    """A stretch of article text recognised as an entity or a title cue."""

    article: str
    """Id of the article."""
    kind: MentionKind
    """What was recognised."""
    text: str
    """Surface form exactly as in `Article.text`."""
    start: int
    """Offset in `Article.text`."""
    end: int
    """End offset in `Article.text`."""
    sentence: int
    """Index of the sentence it lies in."""
    source: str
    """Component that found it (statistical, gazetteer, rule name) - for audits."""
    nested: bool = False
    """True when it lies inside a longer entity mention (南票区 in 南票区龙腾街道党工委)."""

    @property
    def id(self) -> str:
        """Unique id within a build."""
        return f"{self.article}@{self.start}-{self.end}:{self.kind.value}"


class ChangeKind(Enum):
    """How a post changes hands (post-change sentences, kg/extraction/changes.py)."""

    APPOINTED = "appointed"
    """任命, 决定任命, 聘任, 被任命为."""
    ELECTED = "elected"
    """选举…为, 当选(为)."""
    ACTING = "acting"
    """决定…为代理X, 任命…为代理X: an acting post."""
    NOMINATED = "nominated"
    """决定提名甲为X候选人/人选, 我提名甲为X人选: a nomination that is the decision reported
    (the person is put forward for the post: an appointment event, but no org:holds, no tenure start)."""
    REMOVED = "removed"
    """免去, 撤销, 罢免, 免职."""
    RESIGNED = "resigned"
    """辞去…职务, 接受…辞去…职务的请求, 辞职."""
    RETIRED = "retired"
    """退休."""
    DIED = "died"
    """逝世 in office."""

    @property
    def takes_post(self) -> bool:
        """True for an appointment (the person takes the post), False for a departure."""
        return self in (ChangeKind.APPOINTED, ChangeKind.ELECTED, ChangeKind.ACTING, ChangeKind.NOMINATED)

    @property
    def holds_post(self) -> bool:
        """True when the person holds the post from then on (not for a nomination)."""
        return self.takes_post and self is not ChangeKind.NOMINATED


@dataclass(frozen=True)
class ChangedPost:
    """One post named in a post-change sentence."""

    title: str
    """The title as the post's kg:title: 副区长, 代理区长 (an acting post keeps 代理)."""
    acting: bool
    """Printed as 代理X: an acting post of X."""
    title_mention: Mention
    """The title mention (区长 of 代理区长)."""
    body: Mention | None
    """The body printed with the title (or with the previous title of the same list), if any."""


@dataclass(frozen=True)
class PostChange:
    """A sentence's statement that one person takes or leaves posts."""

    article: str
    """Id of the article."""
    kind: ChangeKind
    """Appointed, elected, acting, nominated, removed, resigned, retired or died."""
    cue: str
    """The cue as printed (决定任命, 免去, 当选为)."""
    sentence: int
    """Index of the sentence stating it."""
    start: int
    """Offset in `Article.text` of the clause (from the cue or the person)."""
    end: int
    """End offset of the clause."""
    person: Mention
    """The person (for 该同志/其, the name it refers back to)."""
    posts: tuple[ChangedPost, ...]
    """The posts taken or left, in reading order."""


@dataclass(frozen=True)
class Analysis:
    """What extraction found in one article."""

    article: Article
    """The article analysed."""
    sentences: tuple[Sentence, ...]
    """Its sentences in order."""
    mentions: tuple[Mention, ...]
    """Entity mentions and title cues, sorted by offset."""
    changes: tuple[PostChange, ...] = ()
    """Post changes stated in it (appointments, departures), in reading order."""

    def findings(self) -> tuple:
        """Every field but the article, in declaration order: what extraction workers send back
        and the analysis cache keeps (the article is already known to both)."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "article")

    @classmethod
    def of(cls, article: Article, findings: tuple) -> Analysis:
        """The analysis of `article` from its `findings()`."""
        return cls(article, *findings)


@dataclass(frozen=True)
class Entity:
    """A canonical node: one real-world person, body, place, meeting or policy."""

    key: str
    """Canonical key the IRI is minted from (`person:刘宁@辽宁省`, `place:210000`)."""
    type: EntityType
    """What kind of thing it is."""
    name: str
    """Canonical name (rdfs:label)."""
    aliases: tuple[str, ...] = ()
    """Every other surface form seen (skos:altLabel), sorted."""
    code: str | None = None
    """Administrative division code for places from the gazetteer."""
    date: dt.date | None = None
    """The date a meeting took place, when known."""
    merge_notes: tuple[str, ...] = ()
    """Why mentions were merged into this node (for audits)."""


@dataclass(frozen=True)
class Resolution:
    """Canonical entities and which mention denotes which entity."""

    entities: tuple[Entity, ...]
    """All entities, sorted by key."""
    assignments: dict[str, str] = field(default_factory=dict)
    """Mention id -> entity key."""
    parents: tuple[tuple[str, str, str], ...] = ()
    """(child key, parent key, why) containment known from names or the gazetteer."""


class RelationKind(Enum):
    """Typed edges; values are the local names the RDF terms use."""

    HOLDS_POST = "holds"
    CHAIR = "chair"
    ATTENDEE = "attendee"
    START_DATE = "startDate"
    LOCATION = "location"
    ORGANIZER = "organizer"
    ABOUT = "about"
    ISSUED_BY = "issuedBy"
    CONTAINED_IN_PLACE = "containedInPlace"
    SUB_ORGANIZATION_OF = "subOrganizationOf"
    AUTHOR = "author"
    MENTIONS = "mentions"


@dataclass(frozen=True)
class Evidence:
    """Where an edge is stated: a sentence of an article, or a reference dataset."""

    article: str | None
    """Article id, None when the edge comes from a dataset (the gazetteer)."""
    sentence: int | None
    """Sentence index within the article."""
    note: str = ""
    """What rule produced it, or which dataset (gazetteer) it comes from."""

    def order(self) -> tuple[str, int, str]:
        """A total order for sorting evidence (article, sentence, note; datasets first)."""
        return (self.article or "", self.sentence if self.sentence is not None else -1, self.note)


@dataclass(frozen=True)
class Relation:
    """An edge between two entities (or an article and an entity, or a meeting and a date)."""

    kind: RelationKind
    """The edge type."""
    subject: str
    """Entity key or article id."""
    object: str
    """Entity key, or an ISO date for START_DATE."""
    title: str | None = None
    """For HOLDS_POST: the title of the post (副书记, 省长)."""
    evidence: tuple[Evidence, ...] = ()
    """Every place the edge is stated, sorted."""


@dataclass(frozen=True)
class ChangeEvent:
    """A post change linked to entities: one kg:Appointment or kg:Departure node."""

    kind: ChangeKind
    """What happened."""
    person: str
    """Entity key of the person."""
    org: str
    """Entity key of the body the post is in."""
    title: str
    """Title of the post (代理省长 for an acting post)."""
    acting: bool
    """An acting post."""
    date: dt.date | None
    """The day of the decision, when known."""
    date_basis: str
    """Where the date comes from: sentence, meeting, dateline or issue."""
    decided_by: str | None
    """Entity key of the meeting or body that decided it, where stated."""
    evidence: tuple[Evidence, ...]
    """The sentences stating it."""


@dataclass(frozen=True)
class Tenure:
    """What is known about one person holding one post (an org:Membership record)."""

    person: str
    """Entity key of the person."""
    org: str
    """Entity key of the body."""
    title: str
    """Title of the post."""
    acting: bool
    """An acting post."""
    start: dt.date | None
    """Start stated by an appointment."""
    end: dt.date | None
    """End stated by a departure."""
    first_observed: dt.date | None
    """Earliest date of an article showing the post held (not a stated start)."""
    last_observed: dt.date | None
    """Latest date of an article showing the post held (not a stated end)."""
    former: bool
    """Printed as a former post (原X, 曾任, 前任) and never as a current one."""
    evidence: tuple[Evidence, ...]
    """Sentences showing the post held, taken or left."""
