"""`.dockerignore`: which build-context paths the builder may see.

Ports moby/patternmatcher (`patternmatcher.go`, the matcher BuildKit and the classic builder use)
and `ignorefile.ReadAll` (how the file is read): one pattern a line; a line starting with `#` is
a comment; surrounding white space is trimmed; patterns are `filepath.Clean`ed and a leading `/` is
dropped, so `/a` and `a` both mean the context's top-level `a`; `*` and `?` never cross a `/`,
`**` crosses any number of directories; `[a-z]` classes and `\\` escapes as in Go's
`filepath.Match`; a later `!pattern` re-includes what an earlier pattern excluded. A pattern that
matches a directory excludes everything below it (the parent-match rule), unless a later exception
re-includes a path inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_ESCAPED = set(".+()|{}$")


class DockerignoreError(Exception):
    """A malformed pattern: Go's `filepath.ErrBadPattern` or a lone `!`."""


def read_dockerignore(text: str) -> list[str]:
    """The patterns of a `.dockerignore` file, normalised like moby/patternmatcher/ignorefile."""
    patterns = []
    for number, raw in enumerate(text.splitlines()):
        line = raw.removeprefix("\ufeff") if number == 0 else raw
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


def go_clean(path: str) -> str:
    """Go's `path.Clean`: collapse `//`, `.` and `..` lexically; "" becomes "."."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


@dataclass
class _Pattern:
    text: str
    exclusion: bool
    kind: str = ""  # exact | prefix | suffix | regexp
    regex: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self._compile()

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix.startswith("/") and path == suffix[1:]  # `**/foo` matches `foo`
        assert self.regex is not None
        return self.regex.match(path) is not None

    def _compile(self) -> None:
        """patternmatcher.go `compile`: a regular expression unless a cheaper test suffices."""
        regex, kind = "^", "exact"
        text, i = self.text, 0
        first = True
        while i < len(text):
            ch = text[i]
            i += 1
            if ch == "*":
                if i < len(text) and text[i] == "*":
                    i += 1
                    if i < len(text) and text[i] == "/":
                        i += 1  # `**/` is `**`
                    if i >= len(text):
                        if kind == "exact":
                            kind = "prefix"
                        else:
                            regex += ".*"
                            kind = "regexp"
                    else:
                        regex += "(.*/)?"
                        kind = "regexp"
                    if first:
                        kind = "suffix"
                else:
                    regex += "[^/]*"
                    kind = "regexp"
            elif ch == "?":
                regex += "[^/]"
                kind = "regexp"
            elif ch in _ESCAPED:
                regex += "\\" + ch
            elif ch == "\\":
                if i < len(text):
                    regex += "\\" + text[i]
                    i += 1
                    kind = "regexp"
                else:
                    regex += "\\\\"
            elif ch in "[]":
                regex += ch
                kind = "regexp"
            else:
                regex += ch  # raw, as in Go: `^` must keep its meaning inside `[^a]`
            first = False
        self.kind = kind
        if kind == "regexp":
            try:
                self.regex = re.compile(regex + "$", re.DOTALL)
            except re.error as error:
                raise DockerignoreError("syntax error in pattern") from error


def _check_go_glob(pattern: str) -> None:
    """Reject what Go's `filepath.Match` rejects (`[`, `[]a]`, `[-x]`, a trailing `\\`)."""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        i += 1
        if ch == "\\":
            if i >= len(pattern):
                raise DockerignoreError("syntax error in pattern")
            i += 1
        elif ch == "[":
            i = _check_class(pattern, i)


def _check_class(pattern: str, i: int) -> int:
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    count = 0
    while True:
        if i >= len(pattern):
            raise DockerignoreError("syntax error in pattern")
        if pattern[i] == "]" and count > 0:
            return i + 1
        i = _class_char(pattern, i)
        if i < len(pattern) and pattern[i] == "-":
            i = _class_char(pattern, i + 1)
        count += 1


def _class_char(pattern: str, i: int) -> int:
    if i >= len(pattern) or pattern[i] in "-]":
        raise DockerignoreError("syntax error in pattern")
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise DockerignoreError("syntax error in pattern")
    return i + 1


class PatternMatcher:
    """moby/patternmatcher `PatternMatcher` with `MatchesOrParentMatches` semantics."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: list[_Pattern] = []
        for raw in patterns:
            pattern = raw.strip()
            if not pattern:
                continue
            pattern = go_clean(pattern)
            exclusion = pattern.startswith("!")
            if exclusion:
                if len(pattern) == 1:
                    raise DockerignoreError('illegal exclusion pattern: "!"')
                pattern = pattern[1:]
            _check_go_glob(pattern)
            self.patterns.append(_Pattern(pattern, exclusion))

    @property
    def exclusions(self) -> bool:
        return any(p.exclusion for p in self.patterns)

    def matches(self, path: str) -> bool:
        """Whether the slash-separated context-relative `path` is excluded."""
        path = go_clean(path.lstrip("/"))
        if path == ".":
            return False  # the context root itself is never excluded
        parents = path.split("/")[:-1]
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue  # only an exception can undo a match, only an inclusion can make one
            hit = pattern.match(path)
            if not hit and parents:
                hit = any(pattern.match("/".join(parents[: i + 1])) for i in range(len(parents)))
            if hit:
                matched = not pattern.exclusion
        return matched
