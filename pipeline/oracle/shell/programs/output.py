"""Programs that print their arguments: echo, printf, yes, seq, true, false."""

from __future__ import annotations

import re

from pipeline.oracle.shell.limits import LimitExceeded
from pipeline.oracle.shell.programs.base import Invocation, UsageError, program

_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_ESCAPES |= {"v": "\v", "\\": "\\"}


def _escape_sequence(text: str, i: int, in_b: bool) -> tuple[str | None, int]:
    """The character a backslash escape at text[i] (the `\\`) stands for, and where it ends.
    None stands for `\\c` (stop all output). `in_b`: echo -e / printf %b rules (`\\0NNN`)."""
    c = text[i + 1] if i + 1 < len(text) else ""
    if c in _ESCAPES:
        return _ESCAPES[c], i + 2
    if c == "c":
        return None, i + 2
    if c == "x":
        match = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2 :])
        if match:
            return chr(int(match.group(), 16)), i + 2 + match.end()
        return "\\x", i + 2
    if in_b and c == "0":
        match = re.match(r"[0-7]{0,3}", text[i + 2 :])
        digits = match.group() if match else ""
        return chr(int(digits or "0", 8) & 0xFF), i + 2 + len(digits)
    if c and c in "01234567":
        match = re.match(r"[0-7]{1,3}", text[i + 1 :])
        digits = match.group() if match else "0"
        return chr(int(digits, 8) & 0xFF), i + 1 + len(digits)
    if not in_b and c in ('"', "'", "?"):
        return c, i + 2
    if c == "u" or c == "U":
        width = 4 if c == "u" else 8
        match = re.match(f"[0-9a-fA-F]{{{width}}}", text[i + 2 :])
        if match:
            return chr(int(match.group(), 16)), i + 2 + width
    return "\\" + c, i + 2 if c else i + 1


def interpret_escapes(text: str, in_b: bool = True) -> tuple[str, bool]:
    """Backslash escapes as echo -e and %b read them; the flag says output stops (`\\c`)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        value, i = _escape_sequence(text, i, in_b)
        if value is None:
            return "".join(out), True
        out.append(value)
    return "".join(out), False


def _encode(text: str) -> bytes:
    """Escapes produce bytes 0-255 (latin-1); other text keeps its UTF-8 form."""
    return text.encode("utf-8", "surrogateescape")


def _write(inv: Invocation, text: str) -> None:
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if 0x80 <= code <= 0xFF:
            out.append(code)  # a byte from an escape such as \xff or \351
        else:
            out += _encode(ch)
    inv.stdout.write(bytes(out))


@program("echo")
def echo(inv: Invocation) -> int:
    """GNU/bash/busybox echo: -n, -e, -E (combinable); the first non-option ends the options.
    dash's builtin echo knows only -n and always reads escapes (`\\c` stops the output)."""
    args = inv.argv[1:]
    if inv.builtin and inv.shell.echo_style == "dash":
        newline = not (args and args[0] == "-n")
        text, stop = interpret_escapes(" ".join(args[1:] if not newline else args))
        _write(inv, text + ("\n" if newline and not stop else ""))
        return 0
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = interpret_escapes(text)
        if stop:
            _write(inv, text)
            return 0
    _write(inv, text + ("\n" if newline else ""))
    return 0


_SPEC = re.compile(r"%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([diouxXeEfFgGcsb%])")


class _Args:
    def __init__(self, inv: Invocation, values: list[str]) -> None:
        self.inv = inv
        self.values = values
        self.pos = 0
        self.status = 0

    def next(self) -> str | None:
        if self.pos >= len(self.values):
            return None
        self.pos += 1
        return self.values[self.pos - 1]

    def integer(self) -> int:
        text = self.next()
        if text is None or text == "":
            return 0
        if text[:1] in ("'", '"') and len(text) > 1:
            return ord(text[1])
        match = re.match(r"\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", text)
        if not match:
            self.complain(text, "expected a numeric value", "expected numeric value")
            return 0
        sign, digits = match.groups()
        if digits[:2] in ("0x", "0X"):
            value = int(digits, 16)
        elif len(digits) > 1 and digits[0] == "0":
            value = int(digits, 8)
        else:
            value = int(digits)
        if match.end() != len(text):
            self.complain(text, "value not completely converted", "not completely converted")
        return -value if sign == "-" else value

    def number(self) -> float:
        text = self.next()
        if text is None or text == "":
            return 0.0
        try:
            return float(text)
        except ValueError:
            self.complain(text, "expected a numeric value", "expected numeric value")
            return 0.0

    def complain(self, text: str, gnu: str, dash: str) -> None:
        """coreutils: `printf: 'abc': expected a numeric value`; dash's builtin:
        `sh: 1: printf: abc: expected numeric value`."""
        self.status = 1
        if self.inv.builtin and self.inv.shell.dialect == "dash":
            self.inv.builtin_error(f"{text}: {dash}")
        else:
            self.inv.err(f"'{text}': {gnu}")


def _format_one(spec: re.Match[str], args: _Args) -> tuple[str, bool]:
    """One conversion; Python's %-formatting follows C's flags, width and precision."""
    flags, width, precision, conv = spec.groups()
    if conv == "%":
        return "%", False
    if width == "*":
        width = str(args.integer())
    if precision == "*":
        precision = str(args.integer())
    head = "%" + flags + (width or "") + ("." + precision if precision is not None else "")
    stop = False
    if conv in "diouxX":
        value = args.integer()
        if conv == "o" and "#" in flags:
            text = (head.replace("#", "") + "o") % value
            return (text if text.lstrip().startswith("0") else _octal_alt(text)), False
        return (head + ("d" if conv in "iu" else conv)) % value, False
    if conv in "eEfFgG":
        return (head + conv) % args.number(), False
    arg = args.next() or ""
    if conv == "c":
        arg = arg[:1]
    elif conv == "b":
        arg, stop = interpret_escapes(arg)
    return (head + "s") % arg, stop


def _octal_alt(text: str) -> str:
    """`%#o` puts one 0 before the digits (Python would write `0o`)."""
    stripped = text.lstrip()
    pad = len(text) - len(stripped)
    return (" " * max(pad - 1, 0)) + "0" + stripped


def printf_text(inv: Invocation, fmt: str, values: list[str]) -> tuple[str, int]:
    """The output of `printf FORMAT ARGS...`, reusing the format while arguments remain."""
    args = _Args(inv, values)
    out: list[str] = []
    while True:
        consumed_before = args.pos
        i = 0
        while i < len(fmt):
            c = fmt[i]
            if c == "\\":
                value, i = _escape_sequence(fmt, i, in_b=False)
                if value is None:
                    return "".join(out), args.status
                out.append(value)
                continue
            if c == "%":
                spec = _SPEC.match(fmt, i)
                if spec is None:
                    bad = fmt[i + 1 : i + 2]
                    inv.err(f"%{bad}: invalid conversion specification")
                    return "".join(out), 1
                text, stop = _format_one(spec, args)
                out.append(text)
                if stop:
                    return "".join(out), args.status
                i = spec.end()
                continue
            out.append(c)
            i += 1
        if args.pos >= len(values) or args.pos == consumed_before:
            return "".join(out), args.status


@program("printf")
def printf(inv: Invocation) -> int:
    args = inv.argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        raise UsageError("missing operand")
    text, status = printf_text(inv, args[0], args[1:])
    _write(inv, text)
    return status


@program("true")
def true(inv: Invocation) -> int:
    return 0


@program("false")
def false(inv: Invocation) -> int:
    return 1


@program("yes")
def yes(inv: Invocation) -> int:
    """Endless by nature: a pipe's reader takes what it needs (`yes | head -n 2`); anywhere
    else it runs into the pipe limit."""
    line = (" ".join(inv.argv[1:]) or "y") + "\n"
    inv.stdout.write_endless(line.encode("utf-8", "surrogateescape"), inv.name, inv.budget)
    return 0


@program("seq")
def seq(inv: Invocation) -> int:
    args = inv.argv[1:]
    separator = "\n"
    width = False
    while args and args[0].startswith("-") and not re.fullmatch(r"-[0-9.]+", args[0]):
        flag = args.pop(0)
        if flag == "-s" and args:
            separator = args.pop(0)
        elif flag.startswith("-s"):
            separator = flag[2:]
        elif flag == "-w":
            width = True
        else:
            from pipeline.oracle.shell.limits import NotSimulated

            raise NotSimulated(f"{inv.name}: option '{flag}' is not simulated by the oracle")
    if not 1 <= len(args) <= 3:
        raise UsageError("missing operand" if not args else f"extra operand '{args[3]}'")
    try:
        numbers = [int(a) for a in args]
    except ValueError:
        bad = next(a for a in args if not re.fullmatch(r"[-+]?[0-9]+", a))
        from pipeline.oracle.shell.limits import NotSimulated

        if re.fullmatch(r"[-+]?[0-9]*\.[0-9]+", bad):
            raise NotSimulated(f"{inv.name}: fractional steps are not simulated") from None
        raise UsageError(f"invalid floating point argument: '{bad}'") from None
    first, step, last = 1, 1, numbers[-1]
    if len(numbers) >= 2:
        first = numbers[0]
    if len(numbers) == 3:
        step = numbers[1]
    if step == 0:
        raise UsageError(f"invalid Zero increment value: '{args[1]}'")
    count = max(0, (last - first) // step + 1)
    limit = inv.budget.limits.max_pipe_bytes // 2
    if count > limit:
        raise LimitExceeded("max_pipe_bytes", inv.budget.limits.max_pipe_bytes, "seq output")
    values = [str(first + i * step) for i in range(count)]
    if width and values:
        size = max(len(v.lstrip("-")) for v in values)
        values = [("-" if v.startswith("-") else "") + v.lstrip("-").zfill(size) for v in values]
    if values:
        inv.out(separator.join(values) + "\n")
    return 0
