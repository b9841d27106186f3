"""Sizes and durations as Docker prints and parses them, plus the size arguments of the shell.

`human_size_with_precision`, `human_size`, `bytes_size`, `custom_size` and `human_duration` port
docker/go-units v0.5.0 (size.go, duration.go), the version Docker 24-28 vendor: decimal units
with a lower-case `kB`, the `%g` quirk that prints 999500 bytes as `1e+03kB` at precision 3, and
durations truncated to whole days/weeks/months. (Later go-units print `1000kB` and round every
duration unit; Docker 24-28 do not have those changes.) `from_human_size` and `ram_in_bytes`
follow the parser vendored by docker/cli (strings.LastIndexAny on the digits).

`parse_size_arg` reads the SIZE argument of GNU `truncate -s` (and `fallocate -l`): K, M, G, ...
and KiB, MiB, ... are powers of 1024; KB, MB, GB, ... powers of 1000 (coreutils
gnulib xstrtol.c with the "0" suffix flag, as truncate.c calls it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

# go-units size.go
KB, MB, GB, TB, PB = (1000**n for n in range(1, 6))
KIB, MIB, GIB, TIB, PIB = (1024**n for n in range(1, 6))
DECIMAL_ABBRS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
BINARY_ABBRS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
_DECIMAL_MAP = {"k": KB, "m": MB, "g": GB, "t": TB, "p": PB}
_BINARY_MAP = {"k": KIB, "m": MIB, "g": GIB, "t": TIB, "p": PIB}


class UnitsError(ValueError):
    """A size string that does not parse; str() is the message the Go/C tool prints."""


def _size_and_unit(size: float, base: float, abbrs: list[str]) -> tuple[float, str]:
    i = 0
    while size >= base and i < len(abbrs) - 1:
        size /= base
        i += 1
    return size, abbrs[i]


def custom_size(fmt: str, size: float, base: float, abbrs: list[str]) -> str:
    """go-units `CustomSize`; `fmt` is a Go format with a float then a string verb (`%.4g%s`)."""
    value, unit = _size_and_unit(float(size), base, abbrs)
    # Python's %-formatting agrees with Go's fmt for %g/%f/%s (checked on the §4.1 table).
    return fmt % (value, unit)


def human_size_with_precision(size: float, precision: int) -> str:
    """go-units `HumanSizeWithPrecision`: docker history / images / ps use precision 3."""
    value, unit = _size_and_unit(float(size), 1000.0, DECIMAL_ABBRS)
    return f"{value:.{precision}g}{unit}"


def human_size(size: float) -> str:
    """go-units `HumanSize`: four significant digits."""
    return human_size_with_precision(size, 4)


def bytes_size(size: float) -> str:
    """go-units `BytesSize`: 1024-based units (`KiB`, `MiB`, ...)."""
    return custom_size("%.4g%s", size, 1024.0, BINARY_ABBRS)


def from_human_size(size: str) -> int:
    """go-units `FromHumanSize`: `44kB` -> 44000 (suffixes are powers of 1000)."""
    return _parse_size(size, _DECIMAL_MAP)


def ram_in_bytes(size: str) -> int:
    """go-units `RAMInBytes`: `44k`, `44KiB`, `44kb` -> 45056 (suffixes are powers of 1024)."""
    return _parse_size(size, _BINARY_MAP)


# strconv.ParseFloat's decimal syntax; Python's float() is laxer ("1_0", " 1", "infinity").
_GO_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")


def _parse_size(size_str: str, unit_map: dict[str, int]) -> int:
    """go-units `parseSize` (the strings.LastIndexAny version vendored by docker/cli)."""
    sep = max(size_str.rfind(ch) for ch in "0123456789. ")
    if sep == -1:
        raise UnitsError(f"invalid size: '{size_str}'")
    if size_str[sep] != " ":
        num, sfx = size_str[: sep + 1], size_str[sep + 1 :]
    else:
        num, sfx = size_str[:sep], size_str[sep + 1 :]
    if not _GO_FLOAT.match(num):
        raise UnitsError(f'strconv.ParseFloat: parsing "{num}": invalid syntax')
    value = float(num)
    if value < 0:
        raise UnitsError(f"invalid size: '{size_str}'")
    if not sfx:
        return int(value)
    lowered = sfx.lower()
    if len(sfx) > 3:
        raise UnitsError(f"invalid suffix: '{sfx}'")
    if lowered[0] == "b":
        if len(lowered) > 1:
            raise UnitsError(f"invalid suffix: '{lowered}'")
        return int(value)
    mul = unit_map.get(lowered[0])
    bad_tail = (len(lowered) == 2 and lowered[1] != "b") or (
        len(lowered) == 3 and lowered[1:] != "ib"
    )
    if mul is None or bad_tail:
        raise UnitsError(f"invalid suffix: '{lowered}'")
    return int(value * mul)


# --- go-units duration.go ------------------------------------------------------------------------
_NS_PER_SECOND = 10**9


def human_duration(d: timedelta) -> str:
    """go-units `HumanDuration` (CREATED columns append " ago"): `About a minute`, `2 hours`...

    Hours are rounded, days/weeks/months/years then truncated from the rounded hours, as in
    go-units v0.5.0 (a later go-units rounds every unit; Docker 24-28 do not have it)."""
    ns = (d.days * 86400 + d.seconds) * _NS_PER_SECOND + d.microseconds * 1000
    seconds = int(ns / _NS_PER_SECOND)
    if seconds < 1:
        return "Less than a second"
    if seconds == 1:
        return "1 second"
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = int(ns / (60 * _NS_PER_SECOND))
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    exact_hours = ns / (3600 * _NS_PER_SECOND)
    hours = int(exact_hours + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(exact_hours) // 24 // 365} years"


# --- GNU coreutils size arguments -----------------------------------------------------------------
# Powers for the suffix letters truncate.c accepts ("EgGkKmMPQRtTYZ0"); lower-case g, m, t are
# BSD-compatible spellings.
_SUFFIX_POWER = {
    "k": 1, "K": 1, "m": 2, "M": 2, "g": 3, "G": 3, "t": 4, "T": 4,
    "P": 5, "E": 6, "Z": 7, "Y": 8, "R": 9, "Q": 10,
}  # fmt: skip
_SIZE_ARG = re.compile(r"([+-]?[0-9]+)(.*)\Z", re.DOTALL)
_RELATIVE_MODES = "<>/%"
# off_t range: larger values make truncate fail with ERANGE.
_OFF_T_MAX = 2**63 - 1


@dataclass(frozen=True)
class SizeArg:
    """A parsed `truncate -s` SIZE: `mode` is "" (absolute), "+"/"-" (extend/reduce by),
    "<" (at most), ">" (at least), "/" (round down to a multiple), "%" (round up to a multiple)."""

    mode: str
    size: int

    def apply(self, current: int) -> int:
        """The new length of a file whose length is `current` (truncate.c `do_ftruncate`)."""
        if self.mode == "":
            new = self.size
        elif self.mode in "+-":
            new = current + self.size
        elif self.mode == "<":
            new = min(current, self.size)
        elif self.mode == ">":
            new = max(current, self.size)
        elif self.mode == "/":
            new = current // self.size * self.size
        else:
            new = -(-current // self.size) * self.size
        return max(new, 0)


def parse_size_arg(text: str, *, relative: bool = True) -> SizeArg:
    """Parse a coreutils SIZE (`1G`, `1GB`, `10KiB`, `+5M`, `<1M`). With relative=False (for
    `fallocate -l`) only absolute sizes are accepted. Raises UnitsError with the coreutils message
    (`Invalid number: '1X'`), to be prefixed by the program name."""
    rest = text.lstrip(" \t\n\v\f\r")
    mode = ""
    if relative and rest[:1] and rest[0] in _RELATIVE_MODES:
        mode, rest = rest[0], rest[1:].lstrip(" \t\n\v\f\r")
    if relative and rest[:1] in ("+", "-"):
        if mode:
            raise UnitsError("multiple relative modifiers specified")
        mode = rest[0]
    match = _SIZE_ARG.match(rest)
    if match is None or (not relative and match.group(1)[0] in "+-"):
        raise UnitsError(f"Invalid number: '{text}'")
    size = int(match.group(1)) * _suffix_multiplier(match.group(2), text)
    if abs(size) > _OFF_T_MAX:
        raise UnitsError(f"Invalid number: '{text}': Value too large for defined data type")
    if mode in "/%" and mode and size == 0:
        raise UnitsError("division by zero")
    return SizeArg(mode=mode, size=size)


def _suffix_multiplier(suffix: str, text: str) -> int:
    if suffix == "":
        return 1
    power = _SUFFIX_POWER.get(suffix[0])
    if power is None:
        raise UnitsError(f"Invalid number: '{text}'")
    # xstrtol: "iB" keeps base 1024, "B" (or the obsolete "D") switches to base 1000.
    base, tail = 1024, suffix[1:]
    if tail.startswith("iB"):
        tail = tail[2:]
    elif tail[:1] in ("B", "D"):
        base, tail = 1000, tail[1:]
    if tail:
        raise UnitsError(f"Invalid number: '{text}'")
    return base**power
