"""Helpers every formatter shares: ages, times, sizes and `--format` handling.

Ages. The engine's clock starts at `EPOCH_START` and only moves one second per layer or event, so
docker's "now minus created" would print artificial ages. ORACLE CHOICE: a scenario runs in no
time at the moment the clock starts; everything it makes is `Less than a second` old, and the
catalogue's base images have the fixed age between their creation date and `EPOCH_START`
(alpine of 2024-12-05 is `3 weeks ago`). Quizzes should not ask for ages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pipeline.oracle.docker.errors import CliError
from pipeline.oracle.engine import EPOCH_START
from pipeline.oracle.gotemplate import docker as gt
from pipeline.oracle.units import human_duration, human_size, human_size_with_precision

_NOW = datetime.strptime(EPOCH_START, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
ZERO = datetime(1, 1, 1, tzinfo=UTC)


def parse_time(text: str) -> datetime:
    """An RFC 3339 time from the engine (whole seconds, UTC); an empty one is Go's zero time."""
    if not text:
        return ZERO
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, _, tail = text.partition(".")
        digits = tail[: len(tail) - 6]
        text = head + "." + digits[:6].ljust(6, "0") + tail[-6:]
    return datetime.fromisoformat(text).astimezone(UTC)


def human_age(created: str) -> str:
    """`units.HumanDuration(now - created)` with the scenario's fixed now (see module doc)."""
    delta = _NOW - parse_time(created)
    if delta.total_seconds() < 0:
        delta = _NOW - _NOW
    return human_duration(delta)


def since(created: str) -> str:
    """CREATED columns: `3 weeks ago`."""
    return human_age(created) + " ago"


def go_time(created: str) -> str:
    """Go's `time.Time.String()` in UTC: `2024-12-05 12:49:04 +0000 UTC`."""
    moment = parse_time(created)
    return f"{moment.year:04d}-" + moment.strftime("%m-%d %H:%M:%S") + " +0000 UTC"


def rfc3339(created: str) -> str:
    """`time.Format(time.RFC3339)` in UTC: `2024-12-05T12:49:04Z`."""
    moment = parse_time(created)
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%SZ")


def _escape_html(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def size3(n: int) -> str:
    """The tables' sizes: go-units HumanSizeWithPrecision(n, 3)."""
    return human_size_with_precision(n, 3)


def size4(n: int) -> str:
    """go-units HumanSize (precision 4): prune and df totals."""
    return human_size(n)


def render(format: str, rows: Iterable[Any], header: Mapping[str, str]) -> str:
    """formatter.Context.Write, with docker's error text for a bad template.

    `--format json` (`{{json .}}`) marshals each row through its context's MarshalJSON, which
    uses json.Marshal and so escapes `<`, `>` and `&` (`"Tag":"\u003cnone\u003e"`), unlike the
    `json` function on other values."""
    if gt.pre_format(format) == gt.JSON_FORMAT:
        return "".join(_escape_html(gt.marshal(row)) + "\n" for row in rows)
    try:
        return gt.format_rows(format, list(rows), header)
    except gt.FormatError as error:
        raise CliError(str(error), 1) from None
