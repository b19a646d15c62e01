"""Relative dates resolved against the issue date."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.dates import find_dates, parse_iso, resolve_date


@pytest.mark.parametrize(
    ("expression", "issue", "expected"),
    [
        ("8月5日", dt.date(2021, 8, 6), dt.date(2021, 8, 5)),
        ("2021年1月27日", None, dt.date(2021, 1, 27)),
        ("昨日(27日)", dt.date(2021, 1, 28), dt.date(2021, 1, 27)),
        ("昨天", dt.date(2020, 3, 5), dt.date(2020, 3, 4)),
        ("12月28日", dt.date(2021, 1, 27), dt.date(2020, 12, 28)),  # last December
        ("6月30日", dt.date(2021, 6, 1), dt.date(2021, 6, 30)),  # a plan a month ahead
        ("二〇二一年一月十二日", None, dt.date(2021, 1, 12)),
        ("日前", dt.date(2021, 8, 6), None),
    ],
)
def test_resolve_date(expression, issue, expected):
    assert resolve_date(expression, issue) == expected


def test_find_dates_gives_offsets():
    text = "本报讯(记者 王茵)1月26日下午,出席省十三届人大四次会议的辽源代表团继续审议报告。"
    (found,) = find_dates(text, dt.date(2021, 1, 27))
    assert text[found.start : found.end] == "1月26日" and found.date == dt.date(2021, 1, 26)


def test_parse_iso():
    assert parse_iso("2021-06") == (dt.date(2021, 6, 1), False)
    assert parse_iso("2021-06-03") == (dt.date(2021, 6, 3), True)
    with pytest.raises(ValueError):
        parse_iso("2021/06/03")
