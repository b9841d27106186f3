"""Shell patterns (`*.txt`, `[!a-c]?`, `${x%.*}`, `case` items) translated to Python regexes.

Quoted characters are never special: expansion hands us patterns where they are escaped with a
backslash (`escape`), so `"*".txt` matches only the file `*.txt`.
"""

from __future__ import annotations

import re
from functools import lru_cache

SPECIAL = frozenset("*?[]\\")
CLASSES = {  # POSIX `[:name:]` classes in the C locale, as ranges inside `[...]`
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "xdigit": "0-9A-Fa-f",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e",
}


def escape(text: str) -> str:
    return "".join("\\" + c if c in SPECIAL else c for c in text)


def unescape(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern, flags=re.S)


def has_magic(pattern: str) -> bool:
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?":
            return True
        if c == "[" and _bracket(pattern, i) is not None:
            return True
        i += 1
    return False


def _bracket(pattern: str, start: int) -> tuple[str, int] | None:
    """The regex class for the bracket expression at `start`, and the index after it."""
    i = start + 1
    negate = i < len(pattern) and pattern[i] in "!^"
    if negate:
        i += 1
    items: list[str] = []
    first = True
    while i < len(pattern):
        c = pattern[i]
        if c == "]" and not first:
            body = "".join(items)
            return ("[^" if negate else "[") + body + "]", i + 1
        first = False
        if c == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2 : end] if end > 0 else ""
            if name in CLASSES:
                items.append(CLASSES[name])
                i = end + 2
                continue
        if c == "\\" and i + 1 < len(pattern):
            c = pattern[i + 1]
            i += 1
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            hi = pattern[i + 2]
            step = 3
            if hi == "\\" and i + 3 < len(pattern):
                hi = pattern[i + 3]
                step = 4
            items.append(re.escape(c) + "-" + re.escape(hi))
            i += step
            continue
        items.append(re.escape(c))
        i += 1
    return None


@lru_cache(maxsize=512)
def translate(pattern: str, pathname: bool = False) -> str:
    """The regex (without anchors) for `pattern`; with `pathname`, `*` and `?` never match `/`."""
    out: list[str] = []
    i = 0
    any_char = "[^/]" if pathname else "."
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif c == "*":
            out.append(any_char + "*")
            i += 1
        elif c == "?":
            out.append(any_char)
            i += 1
        elif c == "[":
            bracket = _bracket(pattern, i)
            if bracket is None:
                out.append(re.escape(c))
                i += 1
            else:
                out.append(bracket[0])
                i = bracket[1]
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, pathname: bool = False) -> re.Pattern[str]:
    return re.compile(translate(pattern, pathname), re.S)


def matches(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(text) is not None


def strip(value: str, pattern: str, op: str) -> str:
    """`${x#p}` (shortest prefix), `${x##p}` (longest), `${x%p}`, `${x%%p}` (suffixes)."""
    regex = compile_pattern(pattern)
    n = len(value)
    if op in ("#", "##"):
        cuts = range(n, -1, -1) if op == "##" else range(0, n + 1)
        for cut in cuts:
            if regex.fullmatch(value, 0, cut):
                return value[cut:]
        return value
    starts = range(0, n + 1) if op == "%%" else range(n, -1, -1)
    for start in starts:
        if regex.fullmatch(value, start, n):
            return value[:start]
    return value
