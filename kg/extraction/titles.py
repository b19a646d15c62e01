"""《》 titles that name a work (a book, film, programme, article, song or game), not a document.

Official news puts the titles of documents and of works in the same brackets: 学习《中国共产党
宣传工作条例》 is a policy, 观看警示教育片《镜鉴》, 《锦绣澴川》新书首发式 and 人民日报的文章《…》
are not. The cues around a run of titles and the form of a title (…县志, …年鉴) are data
(kg/data/lexicon/policy_titles.tsv).
"""

from __future__ import annotations

import re
from functools import cache

from kg.resources import read_patterns

_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_JOINERS = ("", "、", "和", "及", "与", "，")


@cache
def _cues() -> dict[str, re.Pattern[str]]:
    return dict(read_patterns("lexicon/policy_titles.tsv"))


def title_cue(name: str) -> re.Pattern[str]:
    """A named cue pattern of policy_titles.tsv."""
    return _cues()[name]


def work_titles(text: str) -> frozenset[int]:
    """Start offsets (of the 《) of the titles in `text` that name works, not documents."""
    cues = _cues()
    titles = list(_TITLE.finditer(text))
    works: set[int] = set()
    i = 0
    while i < len(titles):
        run = [titles[i]]  # titles printed together share the cue of the run
        while i + len(run) < len(titles) and text[run[-1].end() : titles[i + len(run)].start()] in _JOINERS:
            run.append(titles[i + len(run)])
        before = text[max(0, run[0].start() - 12) : run[0].start()]
        after = text[run[-1].end() : run[-1].end() + 12]
        shared = bool(cues["work_before"].search(before) or cues["work_after"].match(after))
        for m in run:
            if shared or cues["work_title"].search(m.group(1)):
                works.add(m.start())
        i += len(run)
    # a work is a work wherever the text names it again (《锦绣澴川》新书首发式…《锦绣澴川》由…汇编而成)
    named = {m.group(1) for m in titles if m.start() in works}
    return frozenset(m.start() for m in titles if m.group(1) in named)
