"""POSIX basic and extended regular expressions (with GNU's extensions) as Python regexes.

Text tools work on bytes decoded as latin-1 (one character per byte, the C locale), so a
pattern's UTF-8 bytes match the file's. Known difference: POSIX alternation is leftmost-longest,
Python's leftmost-first (`a|ab` on `abc` matches `ab` in sed, `a` here).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.oracle.shell.pattern import CLASSES  # POSIX classes, as character ranges


class RegexError(Exception):
    """GNU's message, e.g. `Unmatched ( or \\(`."""


def latin1(text: str) -> str:
    """An argument (str, UTF-8 on the wire) as the bytes-as-characters the tools match."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """A bracket expression starting at pattern[i] == '[': the Python class and the end."""
    j = i + 1
    negate = j < len(pattern) and pattern[j] == "^"
    if negate:
        j += 1
    items: list[str] = []
    first = True
    while j < len(pattern):
        c = pattern[j]
        if c == "]" and not first:
            return ("[^" if negate else "[") + "".join(items) + "]", j + 1
        first = False
        if c == "[" and j + 1 < len(pattern) and pattern[j + 1] in ":=.":
            kind = pattern[j + 1]
            end = pattern.find(kind + "]", j + 2)
            if end < 0:
                raise RegexError("Unmatched [, [^, [:, [., or [=")
            name = pattern[j + 2 : end]
            if kind == ":":
                if name not in CLASSES:
                    raise RegexError("Invalid character class name")
                items.append(CLASSES[name])
            else:
                items.append(re.escape(name))
            j = end + 2
            continue
        if c == "-":
            edge = not items or (j + 1 < len(pattern) and pattern[j + 1] == "]")
            items.append("\\-" if edge else "-")
        elif c in "\\[]^":
            items.append("\\" + c)
        else:
            items.append(c)
        j += 1
    raise RegexError("Unmatched [, [^, [:, [., or [=")


def translate(pattern: str, extended: bool) -> str:
    """A BRE (`extended=False`) or ERE as a Python regex string."""
    out: list[str] = []
    i = 0
    depth = 0
    n = len(pattern)
    at_start = True  # where `*` is literal and `^` is an anchor (BRE)
    while i < n:
        c = pattern[i]
        start_here = at_start
        at_start = False
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            i += 2
            if not extended and nxt in "(){}|+?":
                if nxt == "(":
                    depth += 1
                    out.append("(")
                    at_start = True
                elif nxt == ")":
                    if depth == 0:
                        raise RegexError("Unmatched ) or \\)")
                    depth -= 1
                    out.append(")")
                elif nxt == "|":
                    out.append("|")
                    at_start = True
                elif nxt == "{":
                    end = pattern.find("\\}", i)
                    if end < 0:
                        raise RegexError("Unmatched \\{")
                    out.append("{" + _interval(pattern[i:end]) + "}")
                    i = end + 2
                else:
                    out.append(nxt)
                continue
            out.append(_escape(nxt))
            continue
        if c == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        i += 1
        if c == ".":
            out.append(".")
        elif c == "*":
            out.append("\\*" if start_here else "*")
        elif c == "^":
            out.append("^" if start_here or extended else "\\^")
            at_start = start_here or extended
        elif c == "$":
            anchor = (
                extended or i == n or pattern.startswith("\\)", i) or pattern.startswith("\\|", i)
            )
            out.append("\\Z" if anchor else "\\$")
        elif extended and c in "()|+?{":
            if c == "(":
                depth += 1
                at_start = True
                out.append("(")
            elif c == ")":
                if depth == 0:
                    raise RegexError("Unmatched ) or \\)")
                depth -= 1
                out.append(")")
            elif c == "|":
                at_start = True
                out.append("|")
            elif c == "{":
                end = pattern.find("}", i)
                if end < 0 or not re.fullmatch(r"\d*(,\d*)?", pattern[i:end]):
                    out.append("\\{")
                else:
                    out.append("{" + _interval(pattern[i:end]) + "}")
                    i = end + 1
            else:
                if start_here:
                    out.append(re.escape(c))
                else:
                    out.append(c)
        else:
            out.append(re.escape(c))
    if depth:
        raise RegexError("Unmatched ( or \\(")
    return "".join(out)


def _interval(body: str) -> str:
    if not re.fullmatch(r"\d+(,\d*)?|,\d+", body):
        raise RegexError("Invalid content of \\{\\}")
    return body if not body.startswith(",") else "0" + body


_GNU_ESCAPES = {"<": r"\b(?=\w)", ">": r"\b(?<=\w)", "b": r"\b", "B": r"\B", "w": r"\w"}
_GNU_ESCAPES |= {"W": r"\W", "s": r"\s", "S": r"\S", "`": r"\A", "'": r"\Z", "n": "\n", "t": "\t"}


def _escape(c: str) -> str:
    if c in _GNU_ESCAPES:
        return _GNU_ESCAPES[c]
    if c.isdigit() and c != "0":
        return "\\" + c
    return re.escape(c)


def compile_regex(pattern: str, extended: bool, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)  # GNU's `.` matches a newline
    try:
        return re.compile(translate(pattern, extended), flags)
    except re.error as exc:
        raise RegexError(str(exc)) from exc


_EMPTY_RISK = ("\\b", "\\B", "(?<", "(?=", "(?!", "\\Z", "$")


def never_empty(regex: re.Pattern[str]) -> bool:
    """True when the regex cannot match an empty string anywhere: then Python's re.sub and
    POSIX agree, and the fast C path is safe."""
    return regex.fullmatch("") is None and not any(t in regex.pattern for t in _EMPTY_RISK)


def substitute(
    regex: re.Pattern[str],
    replace: Callable[[re.Match[str]], str] | str,
    text: str,
    nth: int,
    every: bool,
) -> tuple[str, bool]:
    """sed's s///: replace the nth match, or every match from the nth on; an empty match right
    after a previous match is not a match (so `s/a*/X/g` turns `aaa` into `X`, as in GNU).
    `replace` is a function of the match, or a re.sub template."""
    if nth == 1 and never_empty(regex):
        new, count = regex.subn(replace, text, count=0 if every else 1)
        return new, count > 0
    if isinstance(replace, str):
        template = replace
        replace = lambda m: m.expand(template)  # noqa: E731
    out: list[str] = []
    pos = 0
    count = 0
    last_end = -1
    done = False
    while pos <= len(text):
        match = regex.search(text, pos)
        if match is None:
            break
        start, end = match.span()
        if start == end and start == last_end:
            if start >= len(text):
                break
            out.append(text[pos : start + 1])
            pos = start + 1
            continue
        count += 1
        if count >= nth:
            out.append(text[pos:start])
            out.append(replace(match))
            done = True
        else:
            out.append(text[pos:end])
        last_end = end
        if start == end:
            if end < len(text):
                out.append(text[end])
            pos = end + 1
        else:
            pos = end
        if done and not every:
            break
    out.append(text[pos:])
    return "".join(out), done
