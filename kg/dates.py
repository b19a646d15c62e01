"""Dates in Chinese news text, resolved against the issue date.

A daily reports yesterday's events: 8月5日 in a 2021-08-06 paper is 2021-08-05; 昨日(27日) in a
2021-01-28 paper is 2021-01-27; 12月28日 in a January paper is last December. `find_dates`
returns every date expression in a text with its offsets; `resolve_date` resolves one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NUM = r"[0-9０-９〇一二三四五六七八九十]{1,4}"
_DATE = re.compile(
    rf"(?:(?P<y>(?:19|20)\d\d|[〇一二三四五六七八九零]{{4}})年)?"
    rf"(?:(?P<m>{_NUM})月)"
    rf"(?:(?P<d>{_NUM})[日号])"
    r"|(?P<rel>前天|昨天|昨日|今天|今日|明天|明日)(?:[（(](?P<pd>\d{1,2})日[)）])?"
)
_RELATIVE = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "明日": 1}
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
# An event more than this far after the issue date is taken to be in the previous year.
_FUTURE_SLACK = dt.timedelta(days=62)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text."""

    start: int
    """Offset of the expression."""
    end: int
    """End offset of the expression."""
    text: str
    """The expression as written."""
    date: dt.date
    """The resolved calendar date."""


def _number(text: str) -> int:
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):  # 二〇二一
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    # 十, 十二, 二十, 二十七, 三十一
    tens, _, units = text.partition("十")
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _resolve_match(m: re.Match[str], issue_date: dt.date | None) -> dt.date | None:
    if m.group("rel"):
        if issue_date is None:
            return None
        if m.group("pd"):  # 昨日(27日): the explicit day wins, in the month before if needed
            day = int(m.group("pd"))
            base = issue_date + dt.timedelta(days=_RELATIVE[m.group("rel")])
            return _safe_date(base.year, base.month, day) or base
        return issue_date + dt.timedelta(days=_RELATIVE[m.group("rel")])
    month, day = _number(m.group("m")), _number(m.group("d"))
    if m.group("y"):
        return _safe_date(_number(m.group("y")), month, day)
    if issue_date is None:
        return None
    candidate = _safe_date(issue_date.year, month, day)
    if candidate and candidate - issue_date > _FUTURE_SLACK:
        candidate = _safe_date(issue_date.year - 1, month, day)
    return candidate


def find_dates(text: str, issue_date: dt.date | None) -> list[DateMention]:
    """Every resolvable date expression in `text`, in order."""
    found = []
    for m in _DATE.finditer(text):
        date = _resolve_match(m, issue_date)
        if date is not None:
            found.append(DateMention(m.start(), m.end(), m.group(0), date))
    return found


def resolve_date(expression: str, issue_date: dt.date | None) -> dt.date | None:
    """The date an expression (2021年1月27日, 8月5日, 昨日(27日)) denotes, or None."""
    m = _DATE.search(expression)
    return _resolve_match(m, issue_date) if m else None


def parse_iso(value: str) -> tuple[dt.date, bool]:
    """Parse `YYYY-MM-DD` or `YYYY-MM`; returns (date, exact_to_day). Raises ValueError."""
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = map(int, value.split("-"))
        return dt.date(year, month, 1), False
    return dt.date.fromisoformat(value), True
