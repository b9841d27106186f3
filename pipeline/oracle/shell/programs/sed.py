"""sed (GNU sed 4.9): addresses (N, $, /re/, first~step, ranges, !), blocks, labels and the
commands s y p P d D n N g G h H x = a i c q Q b t T z w r l-less; options -n -e -f -E/-r -i -s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import Invocation, program
from pipeline.oracle.shell.regex import RegexError, compile_regex, latin1, substitute


class SedError(Exception):
    """`sed: -e expression #1, char 5: unterminated `s' command`; status 1, or 4 for the
    errors GNU sed reports with panic() (a missing label)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Address:
    kind: str  # line, last, regex, step, plus, tilde, zero
    value: int = 0
    step: int = 0
    regex: re.Pattern[str] | None = None
    empty_regex: bool = False  # `//`: the last regex used


@dataclass
class SedCommand:
    name: str
    addr1: Address | None = None
    addr2: Address | None = None
    negate: bool = False
    text: str = ""  # a/i/c text, label, file name, y source
    target: int = -1  # jump target for b/t/T and the end of a `{` block
    regex: re.Pattern[str] | None = None
    empty_regex: bool = False
    replacement: list[tuple[str, object]] = field(default_factory=list)
    global_: bool = False
    nth: int = 1
    print_: bool = False
    exit_code: int = 0
    table: dict[str, str] = field(default_factory=dict)
    # range state
    active: bool = False
    end_line: int = 0


class _ScriptParser:
    def __init__(self, script: str, extended: bool, expression: int, resolve: bool = True) -> None:
        self.resolve = resolve
        self.s = script
        self.i = 0
        self.extended = extended
        self.expression = expression
        self.commands: list[SedCommand] = []
        self.blocks: list[int] = []

    def fail(self, message: str, position: int | None = None) -> SedError:
        where = self.i if position is None else position
        return SedError(f"-e expression #{self.expression}, char {where}: {message}")

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def skip_space(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def parse(self) -> list[SedCommand]:
        while True:
            while self.peek() in (" ", "\t", "\n", ";"):
                self.i += 1
            if self.i >= len(self.s):
                break
            if self.peek() == "#":
                while self.peek() not in ("\n", ""):
                    self.i += 1
                continue
            self.command()
        if self.blocks:
            raise self.fail("unmatched `{'", position=0)
        if self.resolve:
            self._resolve_labels()
        return self.commands

    def command(self) -> None:
        cmd = SedCommand("")
        cmd.addr1 = self.address(first=True)
        if cmd.addr1 is not None:
            self.skip_space()
            if self.peek() == ",":
                self.i += 1
                self.skip_space()
                cmd.addr2 = self.address(first=False)
                if cmd.addr2 is None:
                    raise self.fail("unexpected `,'")
        self.skip_space()
        while self.peek() == "!":
            cmd.negate = True
            self.i += 1
            self.skip_space()
        if self.i >= len(self.s):
            raise self.fail("missing command")
        name = self.s[self.i]
        self.i += 1
        cmd.name = name
        if name == "{":
            self.blocks.append(len(self.commands))
            self.commands.append(cmd)
            return
        if name == "}":
            if not self.blocks or cmd.addr1 is not None:
                raise self.fail("unexpected `}'")
            self.commands[self.blocks.pop()].target = len(self.commands) + 1
            self.commands.append(cmd)
            self.end_of_command()
            return
        if name in "aic":
            cmd.text = self.text_argument()
        elif name == ":":
            if cmd.addr1 is not None:
                raise self.fail(": doesn't want any addresses")
            cmd.text = self.label()
            if not cmd.text:
                raise self.fail('":" lacks a label')
        elif name in "btT":
            cmd.text = self.label()
        elif name in "wr":
            cmd.text = self.filename()
        elif name in "qQl":
            self.skip_space()
            digits = ""
            while self.peek().isdigit():
                digits += self.peek()
                self.i += 1
            cmd.exit_code = int(digits or 0)  # for `l`: the line length
            self.end_of_command()
        elif name == "s":
            self.substitution(cmd)
        elif name == "y":
            self.transliteration(cmd)
        elif name in "=dDgGhHnNpPxz":
            self.end_of_command()
        elif name == "e" or name == "F" or name == "v" or name == "W" or name == "R":
            raise NotSimulated(f"sed: the {name} command is not simulated by the oracle")
        else:
            raise self.fail(f"unknown command: `{name}'")
        self.commands.append(cmd)

    def end_of_command(self) -> None:
        self.skip_space()
        c = self.peek()
        if c in ("", "\n", ";", "}", "#"):
            return
        raise self.fail("extra characters after command", position=self.i + 1)

    def address(self, first: bool) -> Address | None:
        c = self.peek()
        if c.isdigit():
            number = self.number()
            if self.peek() == "~":
                self.i += 1
                step = self.number() if self.peek().isdigit() else 0
                if first:
                    return Address("step", number, step)
                return Address("tilde", step)
            if number == 0 and first and not self.s.startswith(",", self.i):
                raise self.fail("invalid usage of line address 0")
            return Address("zero" if number == 0 else "line", number)
        if c == "$":
            self.i += 1
            return Address("last")
        if c == "+" and not first:
            self.i += 1
            return Address("plus", self.number())
        if c == "~" and not first:
            self.i += 1
            return Address("tilde", self.number())
        if c == "/" or c == "\\":
            if c == "\\":
                self.i += 1
            delimiter = self.s[self.i]
            self.i += 1
            pattern = self.delimited(delimiter, regex=True)
            flags = ""
            while self.peek() in ("I", "M"):
                flags += self.peek()
                self.i += 1
            if not pattern:
                return Address("regex", empty_regex=True)
            return Address("regex", regex=self.compile(pattern, "I" in flags))
        return None

    def number(self) -> int:
        start = self.i
        while self.peek().isdigit():
            self.i += 1
        return int(self.s[start : self.i] or 0)

    def compile(self, pattern: str, ignore_case: bool) -> re.Pattern[str]:
        try:
            return compile_regex(pattern, self.extended, ignore_case)
        except RegexError as exc:
            raise self.fail(str(exc)) from exc

    def delimited(self, delimiter: str, regex: bool) -> str:
        """Text up to an unescaped delimiter; `\\delim` becomes a literal delimiter."""
        out: list[str] = []
        while True:
            if self.i >= len(self.s):
                raise SedError("")
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                nxt = self.s[self.i + 1]
                self.i += 2
                if nxt == delimiter:
                    out.append(f"[{nxt}]" if regex and nxt not in "]^\\" else nxt)
                elif nxt == "n" and not regex:
                    out.append("\\n")
                else:
                    out.append("\\" + nxt)
                continue
            if regex and c == "[":
                end = self._bracket_end(self.i)
                out.append(self.s[self.i : end])
                self.i = end
                continue
            self.i += 1
            if c == delimiter:
                return "".join(out)
            if c == "\n" and regex:
                raise SedError("")
            out.append(c)

    def _bracket_end(self, start: int) -> int:
        j = start + 1
        if j < len(self.s) and self.s[j] == "^":
            j += 1
        if j < len(self.s) and self.s[j] == "]":
            j += 1
        while j < len(self.s):
            if (
                self.s.startswith("[:", j)
                or self.s.startswith("[=", j)
                or self.s.startswith("[.", j)
            ):
                close = self.s.find(self.s[j + 1] + "]", j + 2)
                if close > 0:
                    j = close + 2
                    continue
            if self.s[j] == "]":
                return j + 1
            if self.s[j] == "\n":
                break
            j += 1
        return start + 1  # not a bracket expression after all

    def substitution(self, cmd: SedCommand) -> None:
        if self.i >= len(self.s):
            raise self.fail("unterminated `s' command")
        delimiter = self.s[self.i]
        self.i += 1
        try:
            pattern = self.delimited(delimiter, regex=True)
            replacement = self.delimited(delimiter, regex=False)
        except SedError:
            self.i = len(self.s)
            raise self.fail("unterminated `s' command") from None
        ignore_case = False
        while True:
            c = self.peek()
            if c == "g":
                cmd.global_ = True
            elif c == "p":
                cmd.print_ = True
            elif c.isdigit():
                cmd.nth = self.number()
                if cmd.nth == 0:
                    raise self.fail("number option to `s' command may not be zero")
                continue
            elif c in ("i", "I"):
                ignore_case = True
            elif c in ("m", "M"):
                pass
            elif c == "w":
                self.i += 1
                cmd.text = self.filename()
                break
            elif c == "e":
                raise NotSimulated("sed: the s///e flag is not simulated by the oracle")
            elif c in ("", "\n", ";", "}", "#", " ", "\t"):
                break
            else:
                self.i += 1
                raise self.fail("unknown option to `s'")
            self.i += 1
        self.end_of_command()
        if pattern:
            cmd.regex = self.compile(pattern, ignore_case)
        else:
            cmd.empty_regex = True
        cmd.replacement = _parse_replacement(replacement)

    def transliteration(self, cmd: SedCommand) -> None:
        delimiter = self.s[self.i] if self.i < len(self.s) else ""
        self.i += 1
        try:
            source = _unescape(self.delimited(delimiter, regex=False))
            dest = _unescape(self.delimited(delimiter, regex=False))
        except SedError:
            raise self.fail("unterminated `y' command") from None
        if len(source) != len(dest):
            raise self.fail("strings for `y' command are different lengths")
        cmd.table = dict(zip(source, dest, strict=True))
        self.end_of_command()

    def text_argument(self) -> str:
        """GNU's one-line `a text` and POSIX's `a\\` newline `text` (backslash continues)."""
        self.skip_space()
        if self.s.startswith("\\\n", self.i):
            self.i += 2
        elif self.peek() == "\\":
            self.i += 1
            self.skip_space()
        out: list[str] = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            if c == "\n":
                break
            out.append(c)
            self.i += 1
        return "".join(out)

    def label(self) -> str:
        self.skip_space()
        start = self.i
        while self.peek() not in ("", "\n", ";", "}") and not self.peek().isspace():
            self.i += 1
        return self.s[start : self.i]

    def filename(self) -> str:
        self.skip_space()
        start = self.i
        while self.peek() not in ("", "\n"):
            self.i += 1
        return self.s[start : self.i]

    def _resolve_labels(self) -> None:
        labels = {c.text: i for i, c in enumerate(self.commands) if c.name == ":"}
        for cmd in self.commands:
            if cmd.name in "btT":
                if not cmd.text:
                    cmd.target = len(self.commands)
                elif cmd.text in labels:
                    cmd.target = labels[cmd.text]
                else:
                    raise SedError(f"can't find label for jump to `{cmd.text}'", status=4)


_L_ESCAPES = {"\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_L_ESCAPES |= {"\t": "\\t", "\v": "\\v"}


def _unambiguous(text: str, width: int) -> str:
    """The `l` command: escapes, octal for other non-printables, lines cut with `\\` so that
    each is shorter than `width`, and a final `$`."""
    pieces = [_L_ESCAPES.get(c) or (c if " " <= c <= "~" else f"\\{ord(c):03o}") for c in text]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if width > 1 and len(current) + len(piece) > width - 1:
            lines.append(current + "\\")
            current = ""
        current += piece
    lines.append(current + "$")
    return "\n".join(lines)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _parse_replacement(text: str) -> list[tuple[str, object]]:
    """Parts: ("lit", str), ("group", n), ("case", U/L/E/u/l)."""
    parts: list[tuple[str, object]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "&":
            parts.append(("group", 0))
            i += 1
        elif c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            i += 2
            if nxt.isdigit():
                parts.append(("group", int(nxt)))
            elif nxt in "ULEul":
                parts.append(("case", nxt))
            elif nxt == "n":
                parts.append(("lit", "\n"))
            elif nxt == "t":
                parts.append(("lit", "\t"))
            else:
                parts.append(("lit", nxt))
        else:
            parts.append(("lit", c))
            i += 1
    return parts


def _template(parts: list[tuple[str, object]], regex: re.Pattern[str]) -> str | None:
    """The replacement as a re.sub template (C speed), when it has no case conversion."""
    out: list[str] = []
    for kind, value in parts:
        if kind == "case":
            return None
        if kind == "group":
            if int(value) > regex.groups:  # type: ignore[arg-type]
                return None  # let the slow path report the invalid reference
            out.append(f"\\g<{value}>")
        else:
            out.append(str(value).replace("\\", "\\\\"))
    return "".join(out)


def _expand_replacement(parts: list[tuple[str, object]], match: re.Match[str]) -> str:
    out: list[str] = []
    mode = ""  # U or L until E
    once = ""  # u or l for the next character
    for kind, value in parts:
        if kind == "case":
            if value in ("U", "L"):
                mode = value  # type: ignore[assignment]
            elif value == "E":
                mode = ""
            else:
                once = value  # type: ignore[assignment]
            continue
        if kind == "group":
            index = int(value)  # type: ignore[arg-type]
            if index > (match.re.groups or 0):
                raise SedError(f"invalid reference \\{index} on `s' command's RHS")
            piece = match.group(index) or ""
        else:
            piece = str(value)
        if mode == "U":
            piece = piece.upper()
        elif mode == "L":
            piece = piece.lower()
        if once and piece:
            piece = (piece[0].upper() if once == "u" else piece[0].lower()) + piece[1:]
            once = ""
        out.append(piece)
    return "".join(out)


class _Run:
    """One run of a sed program over a list of input lines."""

    def __init__(self, inv: Invocation, commands: list[SedCommand], quiet: bool) -> None:
        self.inv = inv
        self.commands = commands
        self.quiet = quiet
        self.last_regex: re.Pattern[str] | None = None
        self.hold = ""
        self.exit_code: int | None = None
        self.files: dict[str, list[str]] = {}

    def run(self, lines: list[tuple[str, bool]], out: list[str]) -> None:
        for cmd in self.commands:
            cmd.active = False
        self.lines = lines
        self.index = 0
        while self.index < len(lines) and self.exit_code is None:
            self.space, self.newline = lines[self.index]
            self.index += 1
            while self.cycle(out) and self.exit_code is None:
                pass  # `D` left a newline in the pattern space: cycle again without reading

    def line_number(self) -> int:
        return self.index

    def is_last(self) -> bool:
        return self.index >= len(self.lines)

    def emit(self, out: list[str], text: str, newline: bool = True) -> None:
        out.append(text + ("\n" if newline else ""))

    def cycle(self, out: list[str]) -> bool:
        """One cycle over the pattern space; True when `D` asks for another one."""
        appended: list[str] = []
        self.substituted = False
        pc = 0
        autoprint = not self.quiet
        restart = False
        while pc < len(self.commands):
            self.inv.budget.step()
            cmd = self.commands[pc]
            pc += 1
            if not self.selected(cmd):
                if cmd.name == "{":
                    pc = cmd.target
                continue
            name = cmd.name
            if name in "{}:":
                continue
            if name == "=":
                self.emit(out, str(self.line_number()))
            elif name == "a":
                appended.append(cmd.text + "\n")
            elif name == "i":
                self.emit(out, cmd.text)
            elif name == "c":
                if cmd.addr2 is None or not cmd.active or cmd.negate:
                    self.emit(out, cmd.text)
                autoprint = False
                break
            elif name == "d":
                autoprint = False
                break
            elif name == "D":
                if "\n" not in self.space:
                    autoprint = False
                    break
                self.space = self.space.split("\n", 1)[1]
                autoprint = False
                restart = True
                break
            elif name == "p":
                self.emit(out, self.space)
            elif name == "l":
                self.emit(out, _unambiguous(self.space, cmd.exit_code or 70))
            elif name == "P":
                self.emit(out, self.space.split("\n", 1)[0])
            elif name == "n":
                if self.is_last():
                    break
                if not self.quiet:
                    self.emit(out, self.space, self.newline)
                out.extend(appended)
                appended.clear()
                self.space, self.newline = self.lines[self.index]
                self.index += 1
            elif name == "N":
                if self.is_last():
                    break  # GNU prints the pattern space when there is no next line
                out.extend(appended)
                appended.clear()
                nxt, self.newline = self.lines[self.index]
                self.index += 1
                self.space += "\n" + nxt
            elif name == "g":
                self.space = self.hold
            elif name == "G":
                self.space += "\n" + self.hold
            elif name == "h":
                self.hold = self.space
            elif name == "H":
                self.hold += "\n" + self.space
            elif name == "x":
                self.space, self.hold = self.hold, self.space
            elif name == "z":
                self.space = ""
            elif name == "s":
                self.substitute(cmd, out)
            elif name == "y":
                self.space = "".join(cmd.table.get(c, c) for c in self.space)
            elif name == "b":
                pc = cmd.target
            elif name == "t":
                if self.substituted:
                    self.substituted = False
                    pc = cmd.target
            elif name == "T":
                if not self.substituted:
                    pc = cmd.target
                else:
                    self.substituted = False
            elif name in "qQ":
                self.exit_code = cmd.exit_code
                if name == "Q":
                    autoprint = False
                break
            elif name == "w":
                self.write_file(cmd.text, self.space + "\n", out)
            elif name == "r":
                appended.append(self.read_file(cmd.text))
        if autoprint:
            self.emit(out, self.space, self.newline)
        out.extend(appended)
        return restart

    def substitute(self, cmd: SedCommand, out: list[str]) -> None:
        regex = self.regex_for(cmd.regex, cmd.empty_regex)
        self.inv.budget.charge(len(self.space))
        template = _template(cmd.replacement, regex)
        new, done = substitute(
            regex,
            template
            if template is not None
            else (lambda m: _expand_replacement(cmd.replacement, m)),
            self.space,
            cmd.nth,
            cmd.global_,
        )
        if done:
            self.space = new
            self.substituted = True
            if cmd.print_:
                self.emit(out, self.space)
            if cmd.text:
                self.write_file(cmd.text, self.space + "\n", out)

    def regex_for(self, regex: re.Pattern[str] | None, empty: bool) -> re.Pattern[str]:
        if empty or regex is None:
            if self.last_regex is None:
                raise SedError("no previous regular expression")
            return self.last_regex
        self.last_regex = regex
        return regex

    def matches(self, address: Address) -> bool:
        kind = address.kind
        line = self.line_number()
        if kind == "line":
            return line == address.value
        if kind == "last":
            return self.is_last()
        if kind == "step":
            if address.step <= 0:
                return line == address.value
            return line >= address.value and (line - address.value) % address.step == 0
        if kind == "regex":
            regex = self.regex_for(address.regex, address.empty_regex)
            return regex.search(self.space) is not None
        if kind == "zero":
            return False
        return False

    def selected(self, cmd: SedCommand) -> bool:
        if cmd.addr1 is None:
            return not cmd.negate
        if cmd.addr2 is None:
            return self.matches(cmd.addr1) != cmd.negate
        return self.in_range(cmd) != cmd.negate

    def in_range(self, cmd: SedCommand) -> bool:
        line = self.line_number()
        addr2 = cmd.addr2
        assert addr2 is not None
        if cmd.active:
            if addr2.kind == "line":
                if line >= addr2.value:
                    cmd.active = False
                return True
            if addr2.kind in ("plus", "tilde"):
                if line >= cmd.end_line:
                    cmd.active = False
                return True
            if addr2.kind == "last":
                return True
            if self.matches(addr2):
                cmd.active = False
            return True
        start = (cmd.addr1.kind == "zero" and line == 1) or (
            cmd.addr1.kind != "zero" and self.matches(cmd.addr1)  # type: ignore[union-attr]
        )
        if not start:
            return False
        if cmd.addr1.kind == "zero" and addr2.kind == "regex":  # type: ignore[union-attr]
            cmd.active = not self.matches(addr2)
            return True
        if addr2.kind == "line":
            cmd.active = addr2.value > line
        elif addr2.kind == "plus":
            cmd.end_line = line + addr2.value
            cmd.active = addr2.value > 0
        elif addr2.kind == "tilde":
            cmd.end_line = -(-line // addr2.value) * addr2.value if addr2.value else line
            cmd.active = cmd.end_line > line
        elif addr2.kind == "last":
            cmd.active = not self.is_last()
        else:
            cmd.active = True
        return True

    def write_file(self, name: str, text: str, out: list[str]) -> None:
        if name in ("/dev/stdout",):
            out.append(text)
            return
        if name == "/dev/stderr":
            self.inv.stderr.write(text.encode("latin-1"))
            return
        self.files.setdefault(name, []).append(text)

    def read_file(self, name: str) -> str:
        try:
            return self.inv.fs.read(self.inv.path(name)).decode("latin-1")
        except FsError:
            return ""

    def flush_files(self) -> None:
        for name, pieces in self.files.items():
            self.inv.fs.write(self.inv.path(name), "".join(pieces).encode("latin-1"))


def _split_lines(data: bytes) -> list[tuple[str, bool]]:
    text = data.decode("latin-1")
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] == "":
        return [(p, True) for p in parts[:-1]]
    return [(p, True) for p in parts[:-1]] + [(parts[-1], False)]


@program("sed")
def sed(inv: Invocation) -> int:
    args = inv.argv[1:]
    scripts: list[str] = []
    files: list[str] = []
    quiet = extended = separate = False
    in_place: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            files.extend(args[i:])
            break
        if arg in ("-e", "--expression") or arg.startswith("--expression="):
            if "=" in arg:
                scripts.append(arg.split("=", 1)[1])
            else:
                scripts.append(args[i] if i < len(args) else "")
                i += 1
        elif arg in ("-f", "--file"):
            try:
                scripts.append(inv.fs.read(inv.path(args[i])).decode("utf-8", "surrogateescape"))
            except (FsError, IndexError):
                missing = args[i] if i < len(args) else ""
                inv.err(f"couldn't open file {missing}: No such file or directory")
                return 1
            i += 1
        elif arg.startswith("--in-place"):
            in_place = arg.split("=", 1)[1] if "=" in arg else ""
        elif arg in ("--quiet", "--silent"):
            quiet = True
        elif arg in ("--regexp-extended",):
            extended = True
        elif arg in ("--separate",):
            separate = True
        elif arg.startswith("-") and arg != "-" and not arg.startswith("--"):
            j = 1
            while j < len(arg):
                flag = arg[j]
                if flag == "n":
                    quiet = True
                elif flag in "Er":
                    extended = True
                elif flag == "s":
                    separate = True
                elif flag == "i":
                    in_place = arg[j + 1 :]
                    break
                elif flag == "e":
                    rest = arg[j + 1 :]
                    scripts.append(rest if rest else (args[i] if i < len(args) else ""))
                    if not rest:
                        i += 1
                    break
                elif flag == "u":
                    pass
                else:
                    raise NotSimulated(
                        f"{inv.name}: option '-{flag}' is not simulated by the oracle"
                    )
                j += 1
        elif arg.startswith("--"):
            raise NotSimulated(f"{inv.name}: option '{arg}' is not simulated by the oracle")
        else:
            files.append(arg)
    if not scripts:
        if not files:
            usage = "[OPTION]... {script-only-if-no-other-script} [input-file]..."
            inv.stderr.write_text(f"Usage: {inv.name} {usage}\n")
            return 1
        scripts.append(files.pop(0))
    try:
        for number, script in enumerate(scripts, 1):  # each -e alone, for the error's position
            _ScriptParser(latin1(script), extended, number, resolve=False).parse()
        commands = _ScriptParser(latin1("\n".join(scripts)), extended, 1).parse()
    except SedError as exc:
        inv.err(str(exc))
        return exc.status
    runner = _Run(inv, commands, quiet)
    status = 0
    try:
        if in_place is not None:
            if not files:
                inv.err("no input files")
                return 1
            for name in files:
                status |= _edit_in_place(inv, runner, name)
                if runner.exit_code is not None:
                    break
        else:
            status = _stream(inv, runner, files, separate)
        runner.flush_files()
    except SedError as exc:
        inv.err(f"-e expression #1, char 0: {exc}")
        return 1
    if runner.exit_code is not None:
        return runner.exit_code
    return status


def _stream(inv: Invocation, runner: _Run, files: list[str], separate: bool) -> int:
    status = 0
    groups: list[list[tuple[str, bool]]] = []
    combined: list[tuple[str, bool]] = []
    for name in files or ["-"]:
        try:
            data = inv.open_input(name).read_all()
        except FsError as exc:
            inv.err(f"can't read {name}: {exc.strerror}")
            status = 2
            continue
        lines = _split_lines(data)
        if separate:
            groups.append(lines)
        else:
            if combined and not combined[-1][1]:
                combined[-1] = (combined[-1][0], True)
            combined.extend(lines)
    if not separate:
        groups = [combined]
    out: list[str] = []
    for lines in groups:
        runner.run(lines, out)
        if runner.exit_code is not None:
            break
    inv.stdout.write("".join(out).encode("latin-1"))
    return status


def _edit_in_place(inv: Invocation, runner: _Run, name: str) -> int:
    path = inv.path(name)
    try:
        stat = inv.stat(name)
        if stat.kind == "dir":
            inv.err(f"couldn't edit {name}: not a regular file")
            return 4
        data = inv.fs.read(path)
    except FsError as exc:
        inv.err(f"can't read {name}: {exc.strerror}")
        return 2
    out: list[str] = []
    runner.run(_split_lines(data), out)
    inv.fs.write(path, "".join(out).encode("latin-1"))
    return 0
