"""grep (GNU grep 3.8): -E -F -G, -i -v -w -x, -c -l -L -q -o -n -h -H -s, -r, -e."""

from __future__ import annotations

import re

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.paths import join
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import Invocation, getopt, program
from pipeline.oracle.shell.regex import RegexError, compile_regex, latin1

_LONG = {
    "extended-regexp": "E",
    "fixed-strings": "F",
    "basic-regexp": "G",
    "ignore-case": "i",
    "invert-match": "v",
    "word-regexp": "w",
    "line-regexp": "x",
    "count": "c",
    "files-with-matches": "l",
    "files-without-match": "L",
    "quiet": "q",
    "silent": "q",
    "only-matching": "o",
    "line-number": "n",
    "no-filename": "h",
    "with-filename": "H",
    "no-messages": "s",
    "recursive": "r",
    "regexp=": "e",
    "max-count=": "m",
    "after-context=": "A",
    "before-context=": "B",
    "context=": "C",
    "text": "a",
}


@program("grep", "egrep", "fgrep")
def grep(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "EFGivwxclLqonhHsrRe:m:aPA:B:C:", _LONG)
    flags = {("r" if k == "R" else k) for k, _ in opts if k not in ("e", "m", "A", "B", "C")}
    context = {"A": 0, "B": 0}
    for key, value in opts:
        if key in ("A", "B", "C"):
            if not value.isdigit():
                inv.err(f"{value}: invalid context length argument")
                return 2
            for side in ("A", "B") if key == "C" else (key,):
                context[side] = int(value)
    if "P" in flags:
        raise NotSimulated(f"{inv.name}: -P (Perl regexes) is not simulated by the oracle")
    if inv.name.endswith("egrep"):
        flags.add("E")
    if inv.name.endswith("fgrep"):
        flags.add("F")
    patterns = [v for k, v in opts if k == "e"]
    max_count = next((int(v) for k, v in opts if k == "m"), None)
    if not patterns:
        if not operands:
            inv.stderr.write_text(
                f"Usage: {inv.name} [OPTION]... PATTERNS [FILE]...\n"
                f"Try '{inv.name} --help' for more information.\n"
            )
            return 2
        patterns = [operands.pop(0)]
    try:
        matcher = _matcher(patterns, flags)
    except RegexError as exc:
        inv.err(str(exc))
        return 2
    implicit = not operands and "r" in flags  # grep -r PATTERN: names without a `./`
    files = operands or (["."] if "r" in flags else ["-"])
    show_names = ("H" in flags or len(files) > 1 or "r" in flags) and "h" not in flags
    search = _Search(inv, matcher, flags, show_names, max_count)
    search.after, search.before = context["A"], context["B"]
    for name in files:
        search.operand(name, implicit)
    if search.selected_any and "q" in flags:
        return 0
    if search.error:
        return 2
    return 0 if search.selected_any else 1


def _matcher(patterns: list[str], flags: set[str]) -> re.Pattern[str]:
    pieces = []
    for pattern in patterns:
        for line in pattern.split("\n"):
            line = latin1(line)
            if "F" in flags:
                pieces.append(re.escape(line))
            else:
                pieces.append(compile_regex(line, "E" in flags, "i" in flags).pattern)
    body = "|".join(f"(?:{p})" for p in pieces)
    if "x" in flags:
        body = f"^(?:{body})\\Z"
    elif "w" in flags:
        body = f"(?<!\\w)(?:{body})(?!\\w)"
    return re.compile(body, re.DOTALL | (re.IGNORECASE if "i" in flags else 0))


class _Search:
    def __init__(
        self,
        inv: Invocation,
        matcher: re.Pattern[str],
        flags: set[str],
        show_names: bool,
        max_count: int | None,
    ) -> None:
        self.inv = inv
        self.matcher = matcher
        self.flags = flags
        self.show_names = show_names
        self.max_count = max_count
        self.selected_any = False
        self.error = False
        self.after = self.before = 0  # -A / -B context lines
        self.groups_printed = False  # `--` separates context groups, across files too

    def operand(self, name: str, implicit: bool = False) -> None:
        if name != "-":
            try:
                stat = self.inv.stat(name)
            except FsError as exc:
                self.fail(f"{name}: {exc.strerror}")
                return
            if stat.kind == "dir":
                if "r" in self.flags:
                    self.directory(name, "" if implicit else name.rstrip("/") + "/")
                else:
                    self.fail(f"{name}: Is a directory")
                return
        try:
            source = self.inv.open_input(name)
        except FsError as exc:
            self.fail(f"{name}: {exc.strerror}")
            return
        shown = "(standard input)" if name == "-" else name
        self.search(shown, source.read_all())

    def directory(self, name: str, prefix: str) -> None:
        """Recursive search; entries in name order (a real grep follows the directory order)."""
        path = self.inv.path(name)
        for child in self.inv.fs.listdir(path):
            shown = prefix + child
            child_stat = self.inv.fs.stat(join(path, child), follow_symlinks=False)
            if child_stat.kind == "dir":
                self.directory(shown, shown + "/")
            elif child_stat.kind == "file":
                self.search(shown, self.inv.fs.read(join(path, child)))

    def fail(self, message: str) -> None:
        self.error = True
        if "s" not in self.flags:
            self.inv.err(message)

    def search(self, name: str, data: bytes) -> None:
        text = data.decode("latin-1")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        invert = "v" in self.flags
        binary = "\0" in text and "a" not in self.flags
        count = 0
        out: list[str] = []
        name = latin1(name)
        prefix = f"{name}:" if self.show_names else ""
        selected: list[int] = []
        for number, line in enumerate(lines, 1):
            found = self.matcher.search(line) is not None
            if found == invert:
                continue
            count += 1
            selected.append(number - 1)
            if self.flags & {"q", "l", "L", "c"} or binary:
                if self.max_count is not None and count >= self.max_count:
                    break
                continue
            head = prefix + (f"{number}:" if "n" in self.flags else "")
            if "o" in self.flags and not invert:
                for match in self.matcher.finditer(line):
                    if match.group():
                        out.append(head + match.group() + "\n")
            else:
                out.append(head + line + "\n")
            if self.max_count is not None and count >= self.max_count:
                break
        if count:
            self.selected_any = True
        if "q" in self.flags:
            return
        if "l" in self.flags:
            if count:
                self.inv.stdout.write((name + "\n").encode("latin-1"))
            return
        if "L" in self.flags:
            if not count:
                self.inv.stdout.write((name + "\n").encode("latin-1"))
            return
        if "c" in self.flags:
            self.inv.stdout.write(f"{prefix}{count}\n".encode("latin-1"))
            return
        if binary and count:
            self.inv.err(
                f"{name.encode('latin-1').decode('utf-8', 'replace')}: binary file matches"
            )
            return
        if (self.after or self.before) and "o" not in self.flags:
            out = self.with_context(name, lines, selected)
        self.inv.stdout.write("".join(out).encode("latin-1"))

    def with_context(self, name: str, lines: list[str], selected: list[int]) -> list[str]:
        """-A/-B/-C: selected lines marked `:`, context lines `-`, groups split by `--`."""
        shown: set[int] = set()
        for index in selected:
            shown.update(
                range(max(0, index - self.before), min(len(lines), index + self.after + 1))
            )
        chosen = set(selected)
        out: list[str] = []
        previous = None
        for index in sorted(shown):
            starts_group = previous is None or index > previous + 1
            if starts_group and self.groups_printed:
                out.append("--\n")
            self.groups_printed = True
            mark = ":" if index in chosen else "-"
            head = f"{name}{mark}" if self.show_names else ""
            head += f"{index + 1}{mark}" if "n" in self.flags else ""
            out.append(head + lines[index] + "\n")
            previous = index
        return out
