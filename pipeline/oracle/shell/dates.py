"""Dates given to programs (`touch -d`, `touch -t`), parsed without the machine's clock or time
zone: "now" is the scenario's clock and the zone is UTC, as in a container without TZ.

- `parse_date(text, now, busybox)`: the forms lessons use. GNU (parse-datetime.y): `@EPOCH`,
  `YYYY-MM-DD`, `YYYY-MM-DD[ T]HH:MM[:SS[.frac]]` with an optional zone (`Z`, `UTC`, `GMT`,
  `+HH:MM`, `-HHMM`), `HH:MM[:SS]` (today), `now`, `today`, `yesterday`, `tomorrow`, and
  relative items (`2 days ago`, `-3 hours`, `+1 week`) after any of them. BusyBox
  (libbb/time.c parse_datestr): `@EPOCH`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`,
  `HH:MM[:SS]`. Anything else raises `NotSimulated` rather than guess whether it is valid.
  BusyBox refuses words without `:` or `-` (`invalid date`); GNU-only forms it may accept.
- `parse_stamp(text, now)`: POSIX `touch -t [[CC]YY]MMDDhhmm[.SS]` (a two-digit year is
  1969-1999 from 69, else 20YY); None when malformed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pipeline.oracle.shell.limits import NotSimulated

_ABSOLUTE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?P<sep>[ T])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?"
)
_TIME = re.compile(r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?")
_ZONE = re.compile(r"\s*(?:(?P<utc>Z|UTC|GMT)|(?P<sign>[+-])(?P<zh>\d{2}):?(?P<zm>\d{2})?)")
_RELATIVE = re.compile(
    r"\s*(?:(?P<n>[+-]?\d+)|(?P<ordinal>last|this|next)\s)?\s*(?P<unit>[a-z]+?)s?"
    r"(?P<ago>\s+ago)?(?=\s|$)"
)
_ORDINALS = {"last": -1, "this": 0, "next": 1}
_UNITS = {
    "sec": 1,
    "second": 1,
    "min": 60,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "fortnight": 1209600,
    "month": -1,
    "year": -12,
}  # fmt: skip  (months and years are calendar steps, not seconds)
_DAYS = {"now": 0, "today": 0, "yesterday": -1, "tomorrow": 1}
_STAMP = re.compile(r"(?P<digits>\d{8}|\d{10}|\d{12})(?:\.(?P<s>\d{2}))?")


class InvalidDate(ValueError):
    """A date the program itself rejects (the message's wording is the program's)."""


def _unsupported(text: str) -> NotSimulated:
    return NotSimulated(f"the date {text!r} is not simulated by the oracle")


def _moment(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=UTC)
    except ValueError:
        raise InvalidDate from None


def parse_date(text: str, now: int, busybox: bool = False) -> int:
    """Seconds since the epoch; `InvalidDate` for a date the program refuses."""
    stripped = text.strip()
    if stripped.startswith("@") and re.fullmatch(r"@-?\d+(\.\d+)?", stripped):
        return int(float(stripped[1:]) // 1)
    base = datetime.fromtimestamp(now, tz=UTC)
    moment, rest = _absolute(stripped, base, busybox)
    if busybox:
        if rest and not re.search(r"[:-]", stripped):
            raise InvalidDate  # neither a time, a date nor digits: "invalid date"
        if rest:
            raise _unsupported(text)
        return int(moment.timestamp())
    return int(_relative(rest, moment, text).timestamp())


def _absolute(text: str, base: datetime, busybox: bool) -> tuple[datetime, str]:
    """The absolute part at the start of `text` (now when there is none) and what follows."""
    found = _ABSOLUTE.match(text)
    if found and not (busybox and found["sep"] == "T"):
        g = found.groupdict()
        moment = _moment(int(g["y"]), int(g["mo"]), int(g["d"]), int(g["h"] or 0),
                         int(g["mi"] or 0), int(g["s"] or 0))  # fmt: skip
        rest = text[found.end() :]
        if g["h"] is not None and not busybox:
            moment, rest = _zone(moment, rest)
        return moment, rest.strip()
    found = _TIME.match(text)
    if found and (found.end() == len(text) or text[found.end()] == " "):
        hour, minute, second = int(found["h"]), int(found["mi"]), int(found["s"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise InvalidDate
        day = base.replace(hour=hour, minute=minute, second=second)
        return day, text[found.end() :].strip()
    return base, text


def _zone(moment: datetime, rest: str) -> tuple[datetime, str]:
    found = _ZONE.match(rest)
    if not found or (found.end() < len(rest) and rest[found.end()] != " "):
        return moment, rest
    if found["sign"]:
        offset = timedelta(hours=int(found["zh"]), minutes=int(found["zm"] or 0))
        moment -= offset if found["sign"] == "+" else -offset
    return moment, rest[found.end() :]


def _relative(rest: str, moment: datetime, text: str) -> datetime:
    """GNU's relative items, each added in turn (`ago` negates)."""
    rest = rest.lower()
    while rest:
        found = _RELATIVE.match(rest)
        if not found:
            raise _unsupported(text)
        word = found["unit"]
        count = int(found["n"]) if found["n"] else _ORDINALS.get(found["ordinal"] or "", 1)
        if found["n"] is None and not found["ordinal"] and word in _DAYS and not found["ago"]:
            moment += timedelta(days=_DAYS[word])
        elif word in _UNITS:
            step = _UNITS[word]
            count = -count if found["ago"] else count
            if step < 0:
                moment = _months(moment, count * -step)
            else:
                moment += timedelta(seconds=count * step)
        else:
            raise _unsupported(text)
        rest = rest[found.end() :].strip()
    return moment


def _months(moment: datetime, months: int) -> datetime:
    """Calendar months, normalised as mktime does (Jan 31 + 1 month = Mar 3 or 2)."""
    index = moment.year * 12 + moment.month - 1 + months
    first = moment.replace(year=index // 12, month=index % 12 + 1, day=1)
    return first + timedelta(days=moment.day - 1)


def parse_stamp(text: str, now: int) -> int | None:
    """`touch -t`: [[CC]YY]MMDDhhmm[.SS] in UTC; None when it is not one."""
    found = _STAMP.fullmatch(text)
    if not found:
        return None
    digits = found["digits"]
    if len(digits) == 12:
        year, digits = int(digits[:4]), digits[4:]
    elif len(digits) == 10:
        short = int(digits[:2])
        year, digits = (1900 + short if short >= 69 else 2000 + short), digits[2:]
    else:
        year = datetime.fromtimestamp(now, tz=UTC).year
    month, day, hour, minute = (int(digits[i : i + 2]) for i in range(0, 8, 2))
    try:
        return int(_moment(year, month, day, hour, minute, int(found["s"] or 0)).timestamp())
    except InvalidDate:
        return None
