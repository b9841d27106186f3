"""Dates for `touch -d` / `touch -t` (pipeline/oracle/shell/dates.py), in UTC on the scenario's
clock. The expected seconds were recorded with GNU coreutils 9.1 `date -u -d STRING +%s` (TZ=UTC;
relative ones as offsets from the same "now"), and BusyBox's accepted forms follow libbb/time.c
parse_datestr."""

from __future__ import annotations

import pytest

from pipeline.oracle.shell.dates import InvalidDate, parse_date, parse_stamp
from pipeline.oracle.shell.limits import NotSimulated

NOW = 1735689600  # 2025-01-01T00:00:00Z, the scenarios' clock
DAY = 86400


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2024-01-31 +1 month", 1709337600),  # mktime normalisation: March 2
        ("2024-01-15", 1705276800),
        ("2024-01-15 10:30", 1705314600),
        ("2024-1-5 3:04:05", 1704423845),
        ("2024-01-15T10:30:00Z", 1705314600),
        ("2024-01-15 10:30:00 +0200", 1705307400),
        ("2024-01-15 10:30 UTC", 1705314600),
        ("2024-02-29 1 year", 1740787200),
        ("@12345", 12345),
        ("10:30", NOW + 10 * 3600 + 1800),
        ("2 days ago", NOW - 2 * DAY),
        ("-3 hours", NOW - 3 * 3600),
        ("next week", NOW + 7 * DAY),
        ("last month", NOW - 31 * DAY),
        ("yesterday", NOW - DAY),
        ("Tomorrow", NOW + DAY),
        ("now", NOW),
        ("1 hour ago", NOW - 3600),
        ("3 weeks", NOW + 21 * DAY),
    ],
)
def test_gnu_dates(text: str, seconds: int) -> None:
    assert parse_date(text, NOW) == seconds


def test_busybox_dates() -> None:
    assert parse_date("2024-01-15 10:30:15", NOW, busybox=True) == 1705314615
    assert parse_date("2024-01-15", NOW, busybox=True) == 1705276800
    assert parse_date("@7", NOW, busybox=True) == 7
    with pytest.raises(InvalidDate):
        parse_date("1 day ago", NOW, busybox=True)  # no relative dates in BusyBox


def test_invalid_and_unmodelled_dates() -> None:
    with pytest.raises(InvalidDate):
        parse_date("2024-02-30", NOW)
    with pytest.raises(InvalidDate):
        parse_date("25:00", NOW)
    with pytest.raises(NotSimulated):
        parse_date("Jan 5", NOW)  # valid for GNU, not modelled: never guessed


@pytest.mark.parametrize(
    ("stamp", "seconds"),
    [
        ("202001020304.05", 1577934245),
        ("9912312359", 946684740),  # a two-digit year from 69 is 19YY
        ("6801010000", 3092601600),  # below 69 it is 20YY
        ("01020304", 1735787040),  # 2025-01-02 03:04: the clock's year
        ("202013010000", None),
        ("99", None),
    ],
)
def test_touch_stamps(stamp: str, seconds: int | None) -> None:
    assert parse_stamp(stamp, NOW) == seconds
