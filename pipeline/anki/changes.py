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

Asking git once per lesson costs a process per lesson (most of an export's time on a large
course), so `prepare` asks once per repository instead: `git ls-files`, `git status` and one
`git log --name-status` over the whole history. A clean file that one commit added, with no
rename or deletion in that commit and no merge changing it since, has every line from that
commit, which is what `git blame` would say; only the other files (edited since, renamed,
uncommitted) are blamed, a few at a time. Files outside any repository never start git.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

_UNCOMMITTED = "0" * 40
# Blank lines and section rules are layout: adding a section after a question adds some just
# before the next heading, inside the question's range, without touching the question.
_STRUCTURE = re.compile(r"^\s*$|^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_IGNORED = -1
_STATUS = re.compile(r"[ACDMRTUXB]+[0-9]*")  # one letter per parent, a score
_GIT_TIMEOUT = 60
_LOG_TIMEOUT = 600  # the whole history of a large repository
_RECORD = "\x01"  # starts each commit in the log; -z keeps paths apart with NUL

Blamed = list[int | None] | None  # each line's time (None: not committed, -1: layout)


class ChangeTimes:
    """Change times of files and lines, each file asked of git at most once."""

    def __init__(self, epoch: int | None = None) -> None:
        self.epoch = epoch
        self._lines: dict[Path, Blamed] = {}
        self._files: dict[Path, int | None] = {}
        self._repositories: dict[Path, Repository | None] = {}
        self._tops: dict[Path, Path | None] = {}

    def fallback(self, path: Path) -> int:
        """SOURCE_DATE_EPOCH, else the file's modification time (whole seconds)."""
        if self.epoch is not None:
            return self.epoch
        return int(path.stat().st_mtime)

    def prepare(self, paths: Iterable[Path]) -> None:
        """Find the line times of every file in `paths` with as few git processes as possible."""
        todo = [p for p in dict.fromkeys(paths) if p not in self._lines]
        blame: list[Path] = []
        for path in todo:
            repository = self._repository(path.parent)
            if repository is None:  # outside git: `git blame` would fail
                self._lines[path] = None
                continue
            known = repository.lines_without_blame(path)
            if known is _UNKNOWN:
                blame.append(path)
            else:
                self._lines[path] = known
        workers = min(len(blame), os.cpu_count() or 1, 8)
        if workers > 1:
            with ThreadPoolExecutor(workers) as pool:  # the work is in git, not in Python
                self._lines.update(zip(blame, pool.map(_blame, blame), strict=True))
        else:
            self._lines.update((path, _blame(path)) for path in blame)

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

    def knows_lines(self, path: Path) -> bool:
        """Does git know when each line changed (else every line has the fallback time)?"""
        return self._blame(path) is not None

    def of_file(self, path: Path) -> int:
        """The file's last commit time if git has it unchanged, else the fallback."""
        if path not in self._files:
            in_git = self._repository(path.parent) is not None
            self._files[path] = _last_commit(path) if in_git else None
        found = self._files[path]
        return self.fallback(path) if found is None else found

    def _blame(self, path: Path) -> Blamed:
        if path not in self._lines:
            self.prepare([path])
        return self._lines[path]

    def _repository(self, folder: Path) -> Repository | None:
        """The repository `folder` is in (None outside git), each asked of git once."""
        if folder not in self._tops:  # lessons share folders: look up each once
            self._tops[folder] = _git_folder(folder)
        top = self._tops[folder]
        if top is None:
            return None
        if top not in self._repositories:
            self._repositories[top] = Repository.read(top)
        return self._repositories[top]


_UNKNOWN: Blamed = [_IGNORED]  # a marker, never a result: "ask git blame"


@dataclass
class Repository:
    """What one pass over a repository tells about its files, enough to skip most blames."""

    top: Path
    tracked: set[str] = field(default_factory=set)  # paths from the top, as git writes them
    changed: set[str] = field(default_factory=set)  # uncommitted changes (staged or not)
    mentions: dict[str, list[str]] = field(default_factory=dict)  # path → statuses in history
    added_by: dict[str, int] = field(default_factory=dict)  # path → time of its adding commit
    usable: bool = True  # False: history unreadable or blame configured to skip commits

    @classmethod
    def read(cls, folder: Path) -> Repository | None:
        top = _run(folder, "rev-parse", "--show-toplevel")
        if top is None:
            return None
        repository = cls(Path(top.rstrip("\n")))
        repository._read_files()
        ignore_revs = _run(repository.top, "config", "--get-all", "blame.ignoreRevsFile")
        if not repository.usable or ignore_revs is not None:
            repository.usable = False
            return repository
        log = _run(
            repository.top,
            *("-c", "log.showRoot=true", "log", "--no-color", "--no-ext-diff", "--no-textconv"),
            *("-z", "-M", "-c", "--name-status", f"--format={_RECORD}%ct %P"),
            timeout=_LOG_TIMEOUT,
        )
        if log is None:  # no commit yet, or git failed: blame decides
            repository.usable = False
        else:
            repository._read_log(log)
        return repository

    def _read_files(self) -> None:
        tracked = _run(self.top, "ls-files", "-z", "--full-name")
        status = _run(self.top, "status", "--porcelain", "-z", "--untracked-files=no")
        if tracked is None or status is None:
            self.usable = False
            return
        self.tracked = set(tracked.split("\0")) - {""}
        entries = iter(status.split("\0"))
        for entry in entries:
            if len(entry) > 3:
                self.changed.add(entry[3:])
                if entry[0] in "RC":  # a rename's old path follows
                    self.changed.add(next(entries, ""))

    def _read_log(self, log: str) -> None:
        """Read `--name-status -z` records in order: paths are counted, never searched, so any
        byte in a file name is safe."""
        tokens = log.split("\0")
        index = 0
        while index < len(tokens):
            header = tokens[index].lstrip("\n")
            index += 1
            if not header.startswith(_RECORD):
                continue  # the empty token a commit without changes ends with
            when, *parents = header[1:].split(" ")
            merge = len(parents) > 1
            changes: list[tuple[str, str]] = []
            if index < len(tokens) and tokens[index] == "":  # a merge's list starts after one
                index += 1
            while index < len(tokens) and _STATUS.fullmatch(tokens[index].lstrip("\n")):
                status = tokens[index].lstrip("\n")
                paths = 2 if status[0] in "RC" and not merge else 1  # a move: old, new
                changes += [(status, path) for path in tokens[index + 1 : index + 1 + paths]]
                index += 1 + paths
            self._add_commit(int(when), merge, changes)

    def _add_commit(self, when: int, merge: bool, changes: list[tuple[str, str]]) -> None:
        # blame follows a file renamed from one this commit deletes: such an add needs blame
        plain = not merge and all(s == "A" or s[0] == "M" for s, _ in changes)
        for status, path in changes:
            kind = "merge" if merge else status if plain or status != "A" else "A*"
            self.mentions.setdefault(path, []).append(kind)
            if kind == "A":
                self.added_by[path] = when

    def lines_without_blame(self, path: Path) -> Blamed:
        """What `git blame` would give for `path`, when one pass tells; else `_UNKNOWN`."""
        if not self.usable or path.is_symlink():
            return _UNKNOWN
        try:
            name = path.resolve().relative_to(self.top.resolve()).as_posix()
        except ValueError:
            return _UNKNOWN
        if name not in self.tracked:
            return None  # untracked or ignored: blame has nothing either
        if name in self.changed or self.mentions.get(name) != ["A"]:
            return _UNKNOWN
        try:
            data = path.read_bytes()
        except OSError:
            return _UNKNOWN
        when = self.added_by[name]
        return [_IGNORED if _is_layout(line) else when for line in _split_lines(data)]


def _split_lines(data: bytes) -> list[bytes]:
    """Lines as git counts them: split at newlines, no empty line after a final one."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def _is_layout(line: bytes | str) -> bool:
    text = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
    first = text.splitlines()[0] if text else ""  # a carriage return is not the line's text
    return _STRUCTURE.match(first) is not None


def _git_folder(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` with a `.git` (where git would look first)."""
    try:
        current = folder.resolve()
    except OSError:
        return None
    for candidate in (current, *current.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _run(folder: Path, *args: str, timeout: int = _GIT_TIMEOUT) -> str | None:
    """Run git in `folder`; None when git is missing or fails."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=folder,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="surrogateescape")


def _git(path: Path, *args: str) -> str | None:
    """Run git in the file's folder; None when git is missing or the file is not tracked."""
    return _run(path.parent, *args)


def _blame(path: Path) -> Blamed:
    """Each line's committer time; None for a line not committed yet, -1 for layout."""
    out = _git(path, "blame", "--line-porcelain", "--", path.name)
    if out is None:
        return None
    times: list[int | None] = []
    committed, when = True, None
    for line in out.split("\n"):  # git ends lines with \n only; text may hold \r or \f
        if line.startswith("\t"):  # the line's text ends its record
            times.append(_IGNORED if _is_layout(line[1:]) else when if committed else None)
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
