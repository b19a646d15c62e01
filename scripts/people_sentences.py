"""What kg reads about people in real sentences: posts held, meetings chaired and attended.

Picks the sentences of the shared corpora (People's Daily NER dev+test, MSRA test, CLUENER
train+dev; /work/shared/corpora) that hold a verb of presence or chairing (出席, 主持, 列席,
陪同, 参加…会议/会见, 会见, 在座) or a list of titled officials, builds each one alone as a page
under a headline that names a meeting (the corpora's sentences are shuffled, so a bare 会议 or
座谈会 needs the article's meeting to refer to; --headline) through ingest -> extract ->
resolve -> link (with --region when given) and prints, per sentence, the
edges of the people side: holds_post (person, title, body), chair and attendee (meeting,
person). This is how the rules of kg/link/ and kg/posts.py were checked on text they were
not written from; the judged sample is tests/data/people_sentences.tsv.

    PYTHONPATH=$PWD .venv/bin/python scripts/people_sentences.py --limit 200 > /tmp/x.txt
    PYTHONPATH=$PWD .venv/bin/python scripts/people_sentences.py --text '省委书记甲主持会议。'

Options: --cue REGEX (which sentences), --limit N, --skip N, --region R, --text S (one sentence).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_corpora import CORPORA, sentences  # noqa: E402

CUE = (
    r"出席|主持|列席|陪同|会见|在座|参加了?(?:会议|会见|座谈|活动|开幕|仪式)"
    r"|(?:书记|主席|主任|省长|市长|县长|区长|部长|厅长|局长|院长)[\u4e00-\u9fff]{2,3}、[\u4e00-\u9fff]{2,3}[、，]"
)


HEADLINE = "全国工作会议在京召开"


def people_edges(
    texts: list[str], region: str | None, nlp, headline: str = HEADLINE
) -> list[list[tuple[str, str, str, str]]]:
    """For each text built alone: its (relation, subject, object, title) edges of the people side."""
    from kg.extraction import extract
    from kg.ingest import MetaOverrides, read_articles
    from kg.link import link
    from kg.records import RelationKind as K
    from kg.resolve import resolve

    wanted = {K.HOLDS_POST: "holds_post", K.CHAIR: "chaired", K.ATTENDEE: "attended"}
    out = []
    with tempfile.TemporaryDirectory(prefix="kg-people-") as tmp:
        files = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"s{i:05d}.txt"
            path.write_text(headline + "\n\n" + text + "\n", encoding="utf-8")
            files.append(path)
        overrides = MetaOverrides(paper=None, date="1998-06-01", region=region)
        for path in files:
            ingested = read_articles([path], overrides)
            analyses = list(extract(ingested.articles, nlp))
            res = resolve(analyses)
            names = {e.key: e.name for e in res.entities}
            got = []
            for r in link(analyses, res):
                if r.kind in wanted:
                    got.append(
                        (wanted[r.kind], names.get(r.subject, r.subject), names.get(r.object, r.object), r.title or "")
                    )
            out.append(sorted(got))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cue", default=CUE)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--skip", type=int, default=0)
    ap.add_argument("--region", default=None)
    ap.add_argument("--text", action="append", default=[])
    ap.add_argument("--headline", default=HEADLINE)
    ap.add_argument("--max-len", type=int, default=160)
    args = ap.parse_args()
    from kg.extraction import load_pipeline

    if args.text:
        texts = args.text
    else:
        cue = re.compile(args.cue)
        seen: set[str] = set()
        texts = []
        for s in sentences(CORPORA):
            if cue.search(s.text) and len(s.text) <= args.max_len and s.text not in seen:
                seen.add(s.text)
                texts.append(s.text)
        texts = texts[args.skip : args.skip + args.limit]
    nlp = load_pipeline()
    for text, edges in zip(texts, people_edges(texts, args.region, nlp, args.headline), strict=True):
        print(text)
        for rel, s, o, title in edges:
            print(f"  {rel}\t{s}\t{o}\t{title}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
