"""Programs that describe files: ls, stat, du, find, readlink, realpath, basename, dirname.

Sizes the kernel would report that the simulation does not hold are modelled as on ext4 under
overlay2: a directory is 4096 bytes and one 4 KiB block; a file takes whole 4 KiB blocks (files
are assumed to have no holes); a symlink takes no block.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from pipeline.oracle.fsapi import FsError, Stat
from pipeline.oracle.paths import basename, dirname, join, normalise
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.pattern import compile_pattern
from pipeline.oracle.shell.programs.base import (
    Invocation,
    UsageError,
    getopt,
    human,
    program,
    quote,
    quote_if_needed,
)
from pipeline.oracle.shell.users import group_name, user_name

DIR_SIZE = 4096
BLOCK = 4096
SIX_MONTHS = 31556952 // 2  # GNU ls: half a Gregorian year


def apparent_size(stat: Stat) -> int:
    return DIR_SIZE if stat.kind == "dir" else stat.size


def disk_bytes(stat: Stat) -> int:
    if stat.kind == "symlink":
        return 0
    if stat.kind == "dir":
        return BLOCK
    return -(-stat.size // BLOCK) * BLOCK


def mode_string(stat: Stat) -> str:
    kind = {"dir": "d", "symlink": "l"}.get(stat.kind, "-")
    mode = stat.mode
    chars = []
    for shift, special, letter in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        bits = mode >> shift & 7
        chars.append("r" if bits & 4 else "-")
        chars.append("w" if bits & 2 else "-")
        if mode & special:
            chars.append(letter if bits & 1 else letter.upper())
        else:
            chars.append("x" if bits & 1 else "-")
    return kind + "".join(chars)


class _Names:
    """Owner and group names, looked up once per program run."""

    def __init__(self, inv: Invocation, numeric: bool) -> None:
        self.inv = inv
        self.numeric = numeric
        self.users: dict[int, str] = {}
        self.groups: dict[int, str] = {}

    def user(self, uid: int) -> str:
        if self.numeric:
            return str(uid)
        if uid not in self.users:
            self.users[uid] = user_name(self.inv.fs, uid)
        return self.users[uid]

    def group(self, gid: int) -> str:
        if self.numeric:
            return str(gid)
        if gid not in self.groups:
            self.groups[gid] = group_name(self.inv.fs, gid)
        return self.groups[gid]


def _links(inv: Invocation, path: str, stat: Stat) -> int:
    if stat.kind != "dir":
        return 1
    count = 2
    try:
        for name in inv.fs.listdir(path):
            child = inv.fs.stat(join(path, name), follow_symlinks=False)
            count += child.kind == "dir"
    except FsError:
        pass
    return count


def _date(inv: Invocation, mtime: int) -> str:
    when = datetime.fromtimestamp(mtime, tz=UTC)
    clock = inv.shell.shared.clock
    now = clock() if clock is not None else mtime
    if now - SIX_MONTHS <= mtime <= now + 60 * 60:
        return when.strftime("%b ") + f"{when.day:2d}" + when.strftime(" %H:%M")
    return when.strftime("%b ") + f"{when.day:2d}" + f"  {when.year}"


# -- ls ---------------------------------------------------------------------------------------

_LS_LONG = {
    "all": "a",
    "almost-all": "A",
    "directory": "d",
    "human-readable": "h",
    "recursive": "R",
    "reverse": "r",
    "numeric-uid-gid": "n",
    "classify": "F",
    "color=": "color",
    "color": "color",
}


@program("ls")
def ls(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "laA1dhRrtSnFpCU", _LS_LONG)
    keys = {k for k, _ in opts if k != "color"}
    if "C" in keys:
        raise NotSimulated(f"{inv.name}: option '-C' (columns) is not simulated by the oracle")
    if "n" in keys:
        keys.add("l")
    lister = _Lister(inv, keys)
    return lister.run(operands or ["."], explicit=bool(operands))


class _Lister:
    def __init__(self, inv: Invocation, keys: set[str]) -> None:
        self.inv = inv
        self.keys = keys
        self.long = "l" in keys
        self.names = _Names(inv, "n" in keys)
        self.status = 0
        self.first_block = True

    def run(self, operands: list[str], explicit: bool) -> int:
        files: list[tuple[str, str, Stat]] = []
        dirs: list[tuple[str, str, Stat]] = []
        for name in operands:
            path = self.inv.path(name)
            try:
                stat = self.inv.fs.stat(path, follow_symlinks=False)
                if stat.kind == "symlink" and not self.long and "d" not in self.keys:
                    with contextlib.suppress(FsError):
                        stat = self.inv.fs.stat(path)
            except FsError as exc:  # BusyBox: bb_simple_perror_msg, exit code 1
                gnu = f"cannot access {quote(name)}: {exc.strerror}"
                self.inv.fail(gnu, f"{name}: {exc.strerror}")
                self.status = 1 if self.inv.busybox else 2
                continue
            if stat.kind == "dir" and "d" not in self.keys:
                dirs.append((name, path, stat))
            else:
                files.append((name, path, stat))
        if files:
            self.emit(self.sort(files), total=False)
            self.first_block = False
        show_header = len(operands) > 1 or "R" in self.keys
        for name, path, _ in self.sort(dirs):
            self.directory(name, path, show_header)
        return self.status

    def sort(self, entries: list[tuple[str, str, Stat]]) -> list[tuple[str, str, Stat]]:
        if "U" in self.keys:
            return entries
        entries = sorted(entries, key=lambda e: e[0].encode())
        if "t" in self.keys:
            entries.sort(key=lambda e: -e[2].mtime)
        elif "S" in self.keys:
            entries.sort(key=lambda e: -apparent_size(e[2]))
        if "r" in self.keys:
            entries.reverse()
        return entries

    def directory(self, name: str, path: str, header: bool) -> None:
        if not self.first_block:
            self.inv.out("\n")
        self.first_block = False
        if header:
            self.inv.out(f"{name}:\n")
        try:
            names = self.inv.fs.listdir(path)
        except FsError as exc:
            self.inv.err(f"cannot open directory {quote(name)}: {exc.strerror}")
            self.status = 2
            return
        entries = []
        if "a" in self.keys:
            entries.append((".", path, self.inv.fs.stat(path)))
            parent = normalise(path + "/..")
            entries.append(("..", parent, self.inv.fs.stat(parent)))
        for child in names:
            if child.startswith(".") and not self.keys & {"a", "A"}:
                continue
            child_path = join(path, child)
            entries.append((child, child_path, self.inv.fs.stat(child_path, follow_symlinks=False)))
        entries = self.sort(entries)
        self.emit(entries, total=True)
        if "R" in self.keys:
            for child, child_path, stat in entries:
                if stat.kind == "dir" and child not in (".", ".."):
                    shown = f"{name.rstrip('/')}/{child}"
                    self.directory(shown, child_path, True)

    def emit(self, entries: list[tuple[str, str, Stat]], total: bool) -> None:
        if not self.long:
            self.inv.out("".join(self.label(name, stat) + "\n" for name, _, stat in entries))
            return
        rows = []
        blocks = 0
        for name, path, stat in entries:
            blocks += disk_bytes(stat)
            size = apparent_size(stat)
            rows.append(
                (
                    mode_string(stat),
                    str(_links(self.inv, path, stat)),
                    self.names.user(stat.uid),
                    self.names.group(stat.gid),
                    human(size) if "h" in self.keys else str(size),
                    _date(self.inv, stat.mtime),
                    self.label(name, stat)
                    + (f" -> {stat.target}" if stat.kind == "symlink" else ""),
                )
            )
        if total:
            shown = human(blocks) if "h" in self.keys else str(blocks // 1024)
            self.inv.out(f"total {shown}\n")
        widths = [max((len(row[i]) for row in rows), default=0) for i in range(5)]
        for mode, links, user, group, size, date, label in rows:
            self.inv.out(
                f"{mode} {links:>{widths[1]}} {user:<{widths[2]}} {group:<{widths[3]}} "
                f"{size:>{widths[4]}} {date} {label}\n"
            )

    def label(self, name: str, stat: Stat) -> str:
        if "F" in self.keys:
            if stat.kind == "dir":
                return name + "/"
            if stat.kind == "symlink":
                return name + ("@" if not self.long else "")
            if stat.mode & 0o111:
                return name + "*"
        elif "p" in self.keys and stat.kind == "dir":
            return name + "/"
        return name


# -- stat -------------------------------------------------------------------------------------


def _file_type(stat: Stat) -> str:
    if stat.kind == "dir":
        return "directory"
    if stat.kind == "symlink":
        return "symbolic link"
    return "regular empty file" if stat.size == 0 else "regular file"


def _time(mtime: int) -> str:
    when = datetime.fromtimestamp(mtime, tz=UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S.000000000 +0000")


def stat_format(inv: Invocation, names: _Names, fmt: str, name: str, stat: Stat) -> str:
    out: list[str] = []
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%" or i + 1 >= len(fmt):
            out.append(c)
            i += 1
            continue
        d = fmt[i + 1]
        i += 2
        values = {
            "a": lambda: f"{stat.mode & 0o7777:o}",
            "A": lambda: mode_string(stat),
            "b": lambda: str(disk_bytes(stat) // 512),
            "B": lambda: "512",
            "f": lambda: f"{_raw_mode(stat):x}",
            "F": lambda: _file_type(stat),
            "g": lambda: str(stat.gid),
            "G": lambda: names.group(stat.gid),
            "h": lambda: str(_links(inv, inv.path(name), stat)),
            "n": lambda: name,
            "N": lambda: quote(name) + (f" -> {quote(stat.target or '')}" if stat.target else ""),
            "o": lambda: str(BLOCK),
            "s": lambda: str(apparent_size(stat)),
            "u": lambda: str(stat.uid),
            "U": lambda: names.user(stat.uid),
            "x": lambda: _time(stat.mtime),
            "y": lambda: _time(stat.mtime),
            "z": lambda: _time(stat.mtime),
            "X": lambda: str(stat.mtime),
            "Y": lambda: str(stat.mtime),
            "Z": lambda: str(stat.mtime),
            "m": lambda: "/",
            "%": lambda: "%",
        }
        if d not in values:
            raise NotSimulated(f"{inv.name}: the format %{d} is not simulated by the oracle")
        out.append(values[d]())
    return "".join(out)


def _raw_mode(stat: Stat) -> int:
    kind = {"dir": 0o040000, "symlink": 0o120000}.get(stat.kind, 0o100000)
    return kind | stat.mode


@program("stat")
def stat_(inv: Invocation) -> int:
    long = {"format=": "c", "printf=": "printf", "dereference": "L", "terse": "t"}
    opts, operands = getopt(inv, inv.argv[1:], "c:Lt", long)
    keys = dict(opts)
    if "t" in keys:
        raise NotSimulated(f"{inv.name}: option '-t' is not simulated by the oracle")
    if "c" not in keys and "printf" not in keys:
        raise NotSimulated(f"{inv.name}: the default output needs -c FORMAT in the oracle")
    if not operands:
        raise UsageError("missing operand")
    if "printf" in keys:
        from pipeline.oracle.shell.programs.output import interpret_escapes

        fmt, newline = interpret_escapes(keys["printf"], in_b=False)[0], ""
    else:
        fmt, newline = keys["c"], "\n"
    names = _Names(inv, False)
    status = 0
    for name in operands:
        try:
            st = inv.stat(name) if "L" in keys else inv.lstat(name)
        except FsError as exc:
            gnu = f"cannot statx {quote(name)}: {exc.strerror}"
            status = inv.fail(gnu, f"can't stat '{name}': {exc.strerror}")
            continue
        inv.out(stat_format(inv, names, fmt, name, st) + newline)
    return status


# -- du ---------------------------------------------------------------------------------------


@program("du")
def du(inv: Invocation) -> int:
    long = {
        "bytes": "b",
        "summarize": "s",
        "human-readable": "h",
        "all": "a",
        "total": "c",
        "apparent-size": "apparent",
        "max-depth=": "d",
        "block-size=": "B",
    }
    opts, operands = getopt(inv, inv.argv[1:], "bshacd:kmB:x", long)
    keys = dict(opts)
    apparent = "b" in keys or "apparent" in keys
    unit = 1 if "b" in keys else 1024
    if "m" in keys:
        unit = 1 << 20
    if "B" in keys:
        from pipeline.oracle.shell.programs.base import parse_size

        parsed = parse_size(keys["B"], "EgGkKmMPtTYZ0")
        if not parsed:
            inv.err(f"invalid -B argument {quote(keys['B'])}")
            return 1
        unit = parsed
    depth = int(keys["d"]) if "d" in keys else (0 if "s" in keys else None)
    status = 0
    grand = 0

    def show(size: int, name: str) -> None:
        text = human(size) if "h" in keys else str(-(-size // unit))
        inv.out(f"{text}\t{name}\n")

    def visit(name: str, path: str, level: int) -> int:
        nonlocal status
        stat = inv.fs.stat(path, follow_symlinks=False)
        size = apparent_size(stat) if apparent else disk_bytes(stat)
        if stat.kind == "dir":
            try:
                children = inv.fs.listdir(path)
            except FsError:
                children = []
            for child in children:
                size += visit(f"{name.rstrip('/')}/{child}", join(path, child), level + 1)
            if depth is None or level <= depth:
                show(size, name)
        elif level == 0 or ("a" in keys and (depth is None or level <= depth)):
            show(size, name)
        return size

    for name in operands or ["."]:
        path = inv.path(name)
        try:
            inv.fs.stat(path, follow_symlinks=False)
        except FsError as exc:
            inv.err(f"cannot access {quote(name)}: {exc.strerror}")
            status = 1
            continue
        grand += visit(name, path, 0)
    if "c" in keys:
        show(grand, "total")
    return status


# -- find -------------------------------------------------------------------------------------


class _FindExpr:
    """A find expression as nested tuples: ("and", a, b), ("or", a, b), ("not", a), tests."""

    def __init__(self, inv: Invocation, args: list[str]) -> None:
        self.inv = inv
        self.args = args
        self.pos = 0
        self.has_action = False
        self.options: dict[str, int] = {}

    def parse(self) -> tuple:
        if not self.args:
            return ("true",)
        expr = self.or_expr()
        if self.pos < len(self.args):
            raise UsageError(f"paths must precede expression: {quote(self.args[self.pos])}")
        return expr

    def or_expr(self) -> tuple:
        left = self.and_expr()
        while self.pos < len(self.args) and self.args[self.pos] in ("-o", "-or"):
            self.pos += 1
            left = ("or", left, self.and_expr())
        return left

    def and_expr(self) -> tuple:
        left = self.not_expr()
        while self.pos < len(self.args) and self.args[self.pos] not in ("-o", "-or", ")"):
            if self.args[self.pos] in ("-a", "-and"):
                self.pos += 1
            left = ("and", left, self.not_expr())
        return left

    def not_expr(self) -> tuple:
        if self.pos < len(self.args) and self.args[self.pos] in ("!", "-not"):
            self.pos += 1
            return ("not", self.not_expr())
        return self.primary()

    def take(self, option: str) -> str:
        if self.pos >= len(self.args):
            raise UsageError(f"missing argument to `{option}'")
        self.pos += 1
        return self.args[self.pos - 1]

    def primary(self) -> tuple:
        if self.pos >= len(self.args):
            raise UsageError("expected an expression")
        arg = self.args[self.pos]
        self.pos += 1
        if arg == "(":
            inner = self.or_expr()
            if self.pos >= len(self.args) or self.args[self.pos] != ")":
                raise UsageError("invalid expression; I was expecting to find a ')' somewhere")
            self.pos += 1
            return inner
        if arg in ("-name", "-iname", "-path", "-wholename", "-type", "-size", "-user", "-perm"):
            return (arg, self.take(arg))
        if arg in ("-maxdepth", "-mindepth"):
            self.options[arg] = int(self.take(arg))
            return ("true",)
        if arg in ("-empty", "-true", "-false", "-executable", "-readable"):
            return (arg,)
        if arg in ("-print", "-delete", "-print0"):
            self.has_action = True
            return (arg,)
        if arg in ("-exec", "-execdir", "-ok"):
            command = []
            while self.pos < len(self.args) and self.args[self.pos] not in (";", "+"):
                command.append(self.args[self.pos])
                self.pos += 1
            if self.pos >= len(self.args):
                raise UsageError(f"missing argument to `{arg}'")
            terminator = self.args[self.pos]
            self.pos += 1
            self.has_action = True
            return ("-exec", command, terminator)
        if arg in ("-xdev", "-mount", "-depth", "-follow", "-L"):
            return ("true",)
        raise NotSimulated(f"{self.inv.name}: the predicate {arg} is not simulated by the oracle")


@program("find")
def find(inv: Invocation) -> int:
    args = inv.argv[1:]
    while args and args[0] in ("-L", "-H", "-P"):
        args = args[1:]
    paths = []
    while args and not args[0].startswith("-") and args[0] not in ("!", "("):
        paths.append(args.pop(0))
    try:
        parser = _FindExpr(inv, args)
        expr = parser.parse()
    except UsageError as exc:
        inv.err(str(exc))
        return 1
    if not parser.has_action:
        expr = ("and", expr, ("-print",))
    finder = _Finder(inv, parser.options)
    for start in paths or ["."]:
        finder.start(start, expr)
    finder.flush_batches()
    return finder.status


class _Finder:
    def __init__(self, inv: Invocation, options: dict[str, int]) -> None:
        self.inv = inv
        self.maxdepth = options.get("-maxdepth")
        self.mindepth = options.get("-mindepth", 0)
        self.status = 0
        self.batches: dict[tuple[str, ...], list[str]] = {}
        self.deleted: list[str] = []

    def start(self, name: str, expr: tuple) -> None:
        path = self.inv.path(name)
        try:
            stat = self.inv.fs.stat(path, follow_symlinks=False)
        except FsError as exc:
            self.inv.err(f"{quote(name)}: {exc.strerror}")
            self.status = 1
            return
        self.walk(name, path, stat, 0, expr)
        for victim in reversed(self.deleted):
            try:
                self.inv.fs.remove(victim, recursive=False)
            except FsError as exc:
                self.inv.err(f"cannot delete {quote(victim)}: {exc.strerror}")
                self.status = 1
        self.deleted.clear()

    def walk(self, name: str, path: str, stat: Stat, depth: int, expr: tuple) -> None:
        self.inv.budget.step()
        if depth >= self.mindepth:
            self.evaluate(expr, name, path, stat, depth)
        if stat.kind != "dir" or (self.maxdepth is not None and depth >= self.maxdepth):
            return
        try:
            children = self.inv.fs.listdir(path)
        except FsError:
            return
        for child in children:
            child_path = join(path, child)
            child_stat = self.inv.fs.stat(child_path, follow_symlinks=False)
            shown = f"{name.rstrip('/')}/{child}" if name != "/" else f"/{child}"
            self.walk(shown, child_path, child_stat, depth + 1, expr)

    def evaluate(self, expr: tuple, name: str, path: str, stat: Stat, depth: int) -> bool:
        kind = expr[0]
        if kind == "and":
            return self.evaluate(expr[1], name, path, stat, depth) and self.evaluate(
                expr[2], name, path, stat, depth
            )
        if kind == "or":
            return self.evaluate(expr[1], name, path, stat, depth) or self.evaluate(
                expr[2], name, path, stat, depth
            )
        if kind == "not":
            return not self.evaluate(expr[1], name, path, stat, depth)
        if kind in ("true", "-true"):
            return True
        if kind == "-false":
            return False
        if kind in ("-name", "-iname"):
            flags = expr[1].lower() if kind == "-iname" else expr[1]
            base = basename(name) if name != "/" else "/"
            return (
                compile_pattern(flags).fullmatch(base.lower() if kind == "-iname" else base)
                is not None
            )
        if kind in ("-path", "-wholename"):
            return compile_pattern(expr[1]).fullmatch(name) is not None
        if kind == "-type":
            return {"f": "file", "d": "dir", "l": "symlink"}.get(expr[1]) == stat.kind
        if kind == "-empty":
            if stat.kind == "dir":
                return not self.inv.fs.listdir(path)
            return stat.kind == "file" and stat.size == 0
        if kind == "-size":
            return _size_matches(expr[1], stat)
        if kind == "-user":
            return user_name(self.inv.fs, stat.uid) == expr[1] or str(stat.uid) == expr[1]
        if kind == "-perm":
            return _perm_matches(expr[1], stat.mode)
        if kind in ("-executable", "-readable"):
            return kind == "-readable" or bool(stat.mode & 0o111)
        if kind == "-print":
            self.inv.out(name + "\n")
            return True
        if kind == "-print0":
            self.inv.out(name + "\0")
            return True
        if kind == "-delete":
            self.deleted.append(path)
            return True
        if kind == "-exec":
            return self.execute(expr[1], expr[2], name)
        return False

    def execute(self, command: list[str], terminator: str, name: str) -> bool:
        if terminator == "+":
            self.batches.setdefault(tuple(command), []).append(name)
            return True
        argv = [name if part == "{}" else part.replace("{}", name) for part in command]
        return self.inv.run(argv) == 0

    def flush_batches(self) -> None:
        for command, names in self.batches.items():
            index = command.index("{}") if "{}" in command else len(command)
            argv = [*command[:index], *names, *command[index + 1 :]]
            if self.inv.run(argv) != 0:
                self.status = 1


def _size_matches(spec: str, stat: Stat) -> bool:
    sign = spec[0] if spec[:1] in "+-" else ""
    body = spec[len(sign) :]
    units = {"c": 1, "w": 2, "b": 512, "k": 1024, "M": 1 << 20, "G": 1 << 30}
    unit = units.get(body[-1:])
    number = int(body[:-1] if unit else body)
    unit = unit or 512
    size = -(-apparent_size(stat) // unit)  # find rounds up to whole units
    if sign == "+":
        return size > number
    if sign == "-":
        return size < number
    return size == number


def _perm_matches(spec: str, mode: int) -> bool:
    prefix = spec[0] if spec[:1] in "-/" else ""
    wanted = int(spec[len(prefix) :], 8)
    if prefix == "-":
        return mode & wanted == wanted
    if prefix == "/":
        return bool(mode & wanted) or wanted == 0
    return mode & 0o7777 == wanted


# -- names ------------------------------------------------------------------------------------


@program("basename")
def basename_(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "as:z", {"multiple": "a", "suffix=": "s"})
    keys = dict(opts)
    if not operands:
        raise UsageError("missing operand")
    multiple = "a" in keys or "s" in keys
    suffix = keys.get("s", "")
    if not multiple:
        if len(operands) > 2:
            raise UsageError(f"extra operand {quote(operands[2])}")
        suffix = operands[1] if len(operands) == 2 else ""
        operands = operands[:1]
    for name in operands:
        base = basename(name)
        if suffix and base.endswith(suffix) and base != suffix:
            base = base[: -len(suffix)]
        inv.out(base + "\n")
    return 0


@program("dirname")
def dirname_(inv: Invocation) -> int:
    operands = [a for a in inv.argv[1:] if a != "--"]
    if not operands:
        raise UsageError("missing operand")
    for name in operands:
        inv.out(dirname(name) + "\n")
    return 0


@program("readlink")
def readlink(inv: Invocation) -> int:
    long = {"canonicalize": "f", "canonicalize-existing": "e", "no-newline": "n"}
    opts, operands = getopt(inv, inv.argv[1:], "fenmqsv", long)
    keys = {k for k, _ in opts}
    if not operands:
        raise UsageError("missing operand")
    status = 0
    for name in operands:
        if keys & {"f", "e", "m"}:
            resolved = _canonical(inv, name, "e" if "e" in keys else ("m" if "m" in keys else "f"))
            if resolved is None:
                status = 1
                continue
            inv.out(resolved + ("" if "n" in keys else "\n"))
            continue
        try:
            stat = inv.lstat(name)
        except FsError:
            status = 1
            continue
        if stat.kind != "symlink":
            status = 1
            continue
        inv.out((stat.target or "") + ("" if "n" in keys else "\n"))
    return status


def _canonical(inv: Invocation, name: str, mode: str) -> str | None:
    """The path with symlinks, `.` and `..` resolved. `mode`: "e" every component must exist,
    "f" all but the last (readlink -f, realpath's default), "m" none."""
    path = normalise(inv.path(name)) if mode == "m" else inv.path(name)
    resolve = getattr(inv.fs, "resolve", None)
    try:
        resolved = resolve(path) if resolve is not None else normalise(path)
    except FsError:
        if mode != "m":
            return None
        return path
    if _lexists(inv, resolved) or mode == "m":
        return resolved
    if mode == "f" and _is_directory(inv, dirname(resolved)):
        return resolved
    return None


def _lexists(inv: Invocation, path: str) -> bool:
    try:
        inv.fs.stat(path, follow_symlinks=False)
    except FsError:
        return False
    return True


def _is_directory(inv: Invocation, path: str) -> bool:
    try:
        return inv.fs.stat(path).kind == "dir"
    except FsError:
        return False


@program("realpath")
def realpath(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "emsq", {"canonicalize-missing": "m"})
    keys = {k for k, _ in opts}
    if not operands:
        raise UsageError("missing operand")
    status = 0
    for name in operands:
        resolved = _canonical(inv, name, "e" if "e" in keys else ("m" if "m" in keys else "f"))
        if resolved is None:
            inv.err(f"{quote_if_needed(name)}: No such file or directory")
            status = 1
            continue
        inv.out(resolved + "\n")
    return status


@program("pwd")
def pwd(inv: Invocation) -> int:
    """`/bin/pwd`, as `env pwd` or a container's `pwd` run it (the shell's own `pwd` is a
    builtin that prints its logical directory). Both coreutils and BusyBox default to -P (the
    directory with symlinks resolved); -L prints $PWD when it is absolute, has no `.` or `..`
    and names the same directory."""
    opts, _ = getopt(inv, inv.argv[1:], "LP", {"logical": "L", "physical": "P"})
    physical = _canonical(inv, ".", "e") or normalise(inv.cwd)
    logical = inv.env.get("PWD", "")
    if opts and opts[-1][0] == "L" and _names_directory(inv, logical, physical):
        inv.out(logical + "\n")
        return 0
    inv.out(physical + "\n")
    return 0


def _names_directory(inv: Invocation, path: str, physical: str) -> bool:
    parts = path.split("/")
    if not path.startswith("/") or "." in parts or ".." in parts:
        return False
    return _canonical(inv, path, "e") == physical
