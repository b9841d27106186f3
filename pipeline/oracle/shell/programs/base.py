"""What every simulated program gets (`Invocation`) and the helpers they share: GNU-style option
parsing, GNU's quoting of file names in messages, size suffixes.

A program is a function `(Invocation) -> exit status`, registered with `@program("name")`. It
reads and writes only through the invocation: the shell's FileSystem, its standard streams.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.oracle.fsapi import FileSystem, FsError, Stat
from pipeline.oracle.paths import join
from pipeline.oracle.shell.limits import Budget, NotSimulated
from pipeline.oracle.shell.streams import Sink, Source

if TYPE_CHECKING:
    from pipeline.oracle.shell.interpreter import IO, Shell

Program = Callable[["Invocation"], int]
PROGRAMS: dict[str, Program] = {}


def program(*names: str) -> Callable[[Program], Program]:
    def register(func: Program) -> Program:
        for name in names:
            PROGRAMS[name] = func
        return func

    return register


class UsageError(Exception):
    """Bad usage: the message, then GNU's `Try 'PROG --help' for more information.`"""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Invocation:
    shell: Shell
    argv: list[str]
    env: dict[str, str]
    io: IO
    binary: str | None = None  # the file it runs from, by basename (`busybox`); None on the host
    builtin: bool = False  # run as the shell's builtin (dash's echo, printf, test)

    @property
    def name(self) -> str:
        return self.argv[0]

    @property
    def fs(self) -> FileSystem:
        return self.shell.fs

    @property
    def cwd(self) -> str:
        return self.shell.cwd

    @property
    def budget(self) -> Budget:
        return self.shell.budget

    @property
    def stdin(self) -> Source:
        return self.io.stdin

    @property
    def stdout(self) -> Sink:
        return self.io.stdout

    @property
    def stderr(self) -> Sink:
        return self.io.stderr

    def path(self, name: str) -> str:
        return join(self.cwd, name)

    def out(self, text: str) -> None:
        self.io.stdout.write_text(text)

    def err(self, message: str) -> None:
        self.io.stderr.write_text(f"{self.name}: {message}\n")

    def builtin_error(self, message: str) -> None:
        """A builtin's error in the shell's format: `sh: 1: printf: abc: expected ...`."""
        self.shell.error(self.io, f"{self.name}: {message}")

    @property
    def busybox(self) -> bool:
        """Running as a BusyBox applet (Alpine, busybox): its messages differ from GNU's."""
        return self.binary == "busybox"

    def fail(self, gnu: str, busybox: str) -> int:
        """`PROG: MESSAGE` in the wording of the program that runs; status 1."""
        self.err(busybox if self.busybox else gnu)
        return 1

    def open_error(self, exc: FsError, name: str) -> int:
        """A file operand that cannot be read: GNU `cat: x: ...`; BusyBox's open_or_warn
        `can't open 'x': ...`, or `read error: Is a directory` (the open of a directory
        succeeds, its read fails)."""
        if not self.busybox:
            return self.fs_error(exc, quote_if_needed(name))
        if exc.errno == "EISDIR":
            return self.fail("", f"read error: {exc.strerror}")
        return self.fail("", f"can't open '{name}': {exc.strerror}")

    def fs_error(self, exc: FsError, what: str = "") -> int:
        """`PROG: WHAT: strerror` and status 1 (what cat, wc, grep... print)."""
        self.err(f"{what}: {exc.strerror}" if what else exc.strerror)
        return 1

    def lstat(self, name: str) -> Stat:
        return self.fs.stat(self.path(name), follow_symlinks=False)

    def stat(self, name: str) -> Stat:
        return self.fs.stat(self.path(name))

    def own(self, name: str) -> None:
        self.shell.own(self.path(name))

    def run(
        self, argv: list[str], stdin: Source | None = None, env: dict[str, str] | None = None
    ) -> int:
        """Run another program as this one's child (env, xargs, find -exec)."""
        io = self.io.with_fds(stdin=stdin) if stdin is not None else self.io
        self.budget.step()
        return self.shell.run_external(argv, env if env is not None else self.env, io)

    def open_input(self, name: str) -> Source:
        """An operand to read: `-` is standard input, `/dev/zero` endless, a file lazily."""
        if name == "-":
            return self.stdin
        from pipeline.oracle.paths import normalise
        from pipeline.oracle.shell.streams import as_content

        path = self.path(name)
        device = normalise(path)
        if device == "/dev/null":
            return Source(budget=self.budget)
        if device in ("/dev/zero", "/dev/urandom", "/dev/random"):
            kind = "zero" if device == "/dev/zero" else "random"
            return Source(endless=kind, budget=self.budget)
        if device in ("/dev/stdin", "/dev/fd/0"):
            return self.stdin
        if self.fs.stat(path).kind == "dir":
            raise FsError("EISDIR", path)
        return Source(as_content(self.fs.content(path)), regular=True, budget=self.budget)


# -- options ----------------------------------------------------------------------------------


def getopt(
    inv: Invocation,
    args: list[str],
    short: str,
    long: dict[str, str] | None = None,
    permute: bool = True,
) -> tuple[list[tuple[str, str]], list[str]]:
    """GNU getopt_long: `short` like "n:rf" (a colon takes an argument), `long` maps a long name
    (with a trailing `=` when it takes an argument) to the key returned. Options may follow
    operands unless `permute` is false; `--` ends them. An option the simulation does not know
    stops the scenario (NotSimulated) rather than guessing."""
    long = long or {}
    takes = {c for i, c in enumerate(short) if i + 1 < len(short) and short[i + 1] == ":"}
    letters = set(short.replace(":", ""))
    opts: list[tuple[str, str]] = []
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands.extend(args[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            key, needs = _long_option(inv, name, long)
            if needs and not eq:
                if i >= len(args):
                    raise UsageError(f"option '--{name}' requires an argument")
                value = args[i]
                i += 1
            elif eq and not needs:
                raise UsageError(f"option '--{name}' doesn't allow an argument")
            opts.append((key, value))
            continue
        if arg.startswith("-") and arg != "-":
            j = 1
            while j < len(arg):
                c = arg[j]
                if c not in letters:
                    raise NotSimulated(f"{inv.name}: option '-{c}' is not simulated by the oracle")
                if c in takes:
                    value = arg[j + 1 :]
                    if not value:
                        if i >= len(args):
                            raise UsageError(f"option requires an argument -- '{c}'")
                        value = args[i]
                        i += 1
                    opts.append((c, value))
                    break
                opts.append((c, ""))
                j += 1
            continue
        operands.append(arg)
        if not permute:
            operands.extend(args[i:])
            break
    return opts, operands


def _long_option(inv: Invocation, name: str, long: dict[str, str]) -> tuple[str, bool]:
    candidates = [k for k in long if k.rstrip("=") == name]
    if not candidates:
        candidates = [k for k in long if k.startswith(name)]  # GNU accepts unique prefixes
        if len({long[k] for k in candidates}) > 1:
            raise UsageError(f"option '--{name}' is ambiguous")
    if not candidates:
        raise NotSimulated(f"{inv.name}: option '--{name}' is not simulated by the oracle")
    key = candidates[0]
    return long[key], key.endswith("=")


# -- GNU quoting (quotearg's shell-escape styles, C locale) ------------------------------------

_SAFE = re.compile(r"[A-Za-z0-9_%+,\-./:=@^]+")


def quote(name: str) -> str:
    """Always quoted, as in `rm: cannot remove 'x'` (shell-escape-always)."""
    if "'" in name:
        return "'" + name.replace("'", "'\\''") + "'" if name else "''"
    return f"'{name}'"


def quote_if_needed(name: str) -> str:
    """Quoted only when the shell would need it, as in `cat: x: No such file or directory`."""
    if name and _SAFE.fullmatch(name):
        return name
    if "'" not in name:
        return f"'{name}'"
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- sizes --------------------------------------------------------------------------------------

_POWERS = {"K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6, "Z": 7, "Y": 8, "R": 9, "Q": 10}


def parse_size(text: str, suffixes: str = "EgGkKmMPQRtTYZ0") -> int | None:
    """gnulib xstrtoumax as truncate uses it: `1K`/`1KiB` = 1024, `1KB` = 1000, up to `Q`;
    None when the text is not a size."""
    match = re.fullmatch(r"([0-9]+)(.*)", text)
    if not match:
        return None
    number, suffix = int(match.group(1)), match.group(2)
    if not suffix:
        return number
    letter = suffix[0]
    if letter not in suffixes:
        return None
    rest = suffix[1:]
    base = 1024
    if "0" in suffixes and rest in ("B", "D"):
        base = 1000
    elif "0" in suffixes and rest == "iB":
        pass
    elif rest:
        return None
    if letter in "bc":
        return number * (512 if letter == "b" else 1)
    return number * base ** _POWERS[letter.upper()]


def human(size: int, base: int = 1024) -> str:
    """`ls -lh`/`du -h` sizes (GNU human_readable, rounding up): 1023, 1.0K, 1.5K, 10K, 1.0M."""
    if size < base:
        return str(size)
    for exponent, unit in enumerate("KMGTPEZY", start=1):
        scale = base**exponent
        tenths = -(-size * 10 // scale)
        if tenths < 100:
            return f"{tenths // 10}.{tenths % 10}{unit}"
        whole = -(-size // scale)
        if whole < base or unit == "Y":
            return f"{whole}{unit}"
    return str(size)
