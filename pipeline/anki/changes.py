"""When a note's content last changed: the modification time Anki compares on re-import.

Anki updates a note it already has only when the incoming note is newer, and counts it as
updated even when nothing differs. So a note's time must move only when its own lines move:

- in a git checkout, each line's last commit time (`git blame`), the newest of the note's lines;
- a line not committed yet, or a file outside git: SOURCE_DATE_EPOCH when the build has one,
  otherwise the file's modification time.

Outside git every note of an edited file gets the file's new time; inside git only the notes
whose lines changed do. An image counts with its file's last commit time (or the fallback).
A shallow clone blames every older line on its oldest commit, so a deck meant for learners
should be built from a full clone (`fetch-depth: 0` in CI).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

_UNCOMMITTED = "0" * 40
# Blank lines and section rules are layout: adding a section after a question adds some just
# before the next heading, inside the question's range, without touching the question.
_STRUCTURE = re.compile(r"^\s*$|^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_IGNORED = -1
_GIT_TIMEOUT = 60


class ChangeTimes:
    """Change times of files and lines, each file asked of git at most once."""

    def __init__(self, epoch: int | None = None) -> None:
        self.epoch = epoch
        self._lines: dict[Path, list[int | None] | None] = {}
        self._files: dict[Path, int | None] = {}

    def fallback(self, path: Path) -> int:
        """SOURCE_DATE_EPOCH, else the file's modification time (whole seconds)."""
        if self.epoch is not None:
            return self.epoch
        return int(path.stat().st_mtime)

    def of_lines(self, path: Path, ranges: Iterable[tuple[int, int]]) -> int:
        """The newest change among the line ranges (1-based, inclusive; cut at the file's end)."""
        blamed = self._blame(path)
        if blamed is None:
            return self.fallback(path)
        found = [t for first, last in ranges for t in blamed[max(first, 1) - 1 : last]]
        times = [t for t in found if t != _IGNORED]
        committed = [t for t in times if t is not None]
        if not committed or len(committed) < len(times):  # an uncommitted line
            committed.append(self.fallback(path))
        return max(committed)

    def of_file(self, path: Path) -> int:
        """The file's last commit time if git has it unchanged, else the fallback."""
        if path not in self._files:
            self._files[path] = _last_commit(path)
        found = self._files[path]
        return self.fallback(path) if found is None else found

    def _blame(self, path: Path) -> list[int | None] | None:
        if path not in self._lines:
            self._lines[path] = _blame(path)
        return self._lines[path]


def _git(path: Path, *args: str) -> str | None:
    """Run git in the file's folder; None when git is missing or the file is not tracked."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _blame(path: Path) -> list[int | None] | None:
    """Each line's committer time; None for a line not committed yet, -1 for layout."""
    out = _git(path, "blame", "--line-porcelain", "--", path.name)
    if out is None:
        return None
    times: list[int | None] = []
    committed, when = True, None
    for line in out.splitlines():
        if line.startswith("\t"):  # the line's text ends its record
            times.append(_IGNORED if _STRUCTURE.match(line[1:]) else when if committed else None)
            committed, when = True, None
        elif line.startswith("committer-time "):
            when = int(line.split()[1])
        elif len(line) > 40 and line[40] == " " and line[:40].strip("0123456789abcdef") == "":
            committed = line[:40] != _UNCOMMITTED
    return times


def _last_commit(path: Path) -> int | None:
    """The last commit time of a file git tracks and that has no uncommitted change."""
    status = _git(path, "status", "--porcelain", "--", path.name)
    if status is None or status.strip():
        return None
    out = _git(path, "log", "-1", "--format=%ct", "--", path.name)
    return int(out) if out and out.strip().isdigit() else None
