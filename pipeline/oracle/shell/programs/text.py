"""Text filters: wc, head, tail, sort, uniq, cut, tr, rev (GNU coreutils 9.1, C locale)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import (
    Invocation,
    UsageError,
    getopt,
    program,
    quote,
    quote_if_needed,
)
from pipeline.oracle.shell.streams import Source


def _inputs(inv: Invocation, operands: list[str]) -> list[tuple[str, Source | FsError]]:
    out: list[tuple[str, Source | FsError]] = []
    for name in operands or ["-"]:
        try:
            out.append((name, inv.open_input(name)))
        except FsError as exc:
            out.append((name, exc))
    return out


def _lines(data: bytes) -> list[bytes]:
    """Lines without their newline; a missing final newline still ends a line."""
    if not data:
        return []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def _join(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


# -- wc ---------------------------------------------------------------------------------------


@program("wc")
def wc(inv: Invocation) -> int:
    long = {"lines": "l", "words": "w", "bytes": "c", "chars": "m", "max-line-length": "L"}
    opts, operands = getopt(inv, inv.argv[1:], "lwcmL", long)
    chosen = {k for k, _ in opts} or {"l", "w", "c"}
    order = [k for k in "lwmcL" if k in chosen]
    inputs = _inputs(inv, operands)
    width = _wc_width(inputs, len(order))
    rows: list[tuple[list[int], str]] = []
    totals = [0] * len(order)
    status = 0
    for name, source in inputs:
        if isinstance(source, FsError):
            status = inv.open_error(source, name)
            continue
        counts = _wc_counts(source, order)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append((counts, "" if name == "-" and not operands else name))
    for counts, name in rows:
        _wc_line(inv, counts, name, width)
    if len(inputs) > 1:
        _wc_line(inv, totals, "total", width)
    return status


def _wc_width(inputs: list[tuple[str, Source | FsError]], counts: int) -> int:
    """coreutils compute_number_width: one count of one input needs no padding; else the
    digits of the regular files' total size, at least 7 when an input is not a regular file."""
    if (len(inputs) == 1 and counts == 1) or isinstance(inputs[0][1], FsError):
        return 1
    minimum, total = 1, 0
    for _, source in inputs:
        if isinstance(source, FsError):
            continue
        if source.regular:
            total += source.size or 0
        else:
            minimum = 7
    return max(len(str(total)), minimum)


_SPACE = b" \t\n\v\f\r"
# C-locale bytes that neither start nor end a word and take no column: controls and >= 0x80
_OTHER = bytes(b for b in range(256) if b not in _SPACE and not 0x21 <= b <= 0x7E and b != 0x20)
_WORD = re.compile(rb"[^ \t\n\v\f\r]+")


class _WcState:
    """coreutils 9.1 wc: a word starts at a printable byte; white space ends it; other bytes
    (controls, NULs, bytes >= 0x80) do neither and have no width."""

    def __init__(self) -> None:
        self.lines = self.words = self.size = self.longest = self.column = 0
        self.in_word = False

    def feed(self, chunk: bytes, widths: bool) -> None:
        self.size += len(chunk)
        self.lines += chunk.count(b"\n")
        visible = chunk.translate(None, _OTHER)
        if visible:
            found = len(_WORD.findall(visible))
            if self.in_word and visible[:1] not in (b" ", b"\t", b"\n", b"\v", b"\f", b"\r"):
                found -= 1
            self.words += max(found, 0)
            self.in_word = visible[-1:] not in (b" ", b"\t", b"\n", b"\v", b"\f", b"\r")
        if widths:
            for byte in visible:
                if byte == 10:
                    self.longest = max(self.longest, self.column)
                    self.column = 0
                elif byte == 9:
                    self.column += 8 - self.column % 8
                elif byte not in (11, 12, 13):
                    self.column += 1

    def skip(self, size: int) -> None:
        """A run of NUL bytes: it only adds to the size."""
        self.size += size


def _wc_counts(source: Source, order: list[str]) -> list[int]:
    if order == ["c"] and not source.endless:
        return [source.size or 0]  # a size, never the bytes: `wc -c big` costs nothing
    state = _WcState()
    widths = "L" in order
    if not source.endless:
        # Walk the lazy content: zero runs (a 1 GiB `truncate`) are counted, never read.
        for piece in source.as_content().pieces():
            if isinstance(piece, int):
                state.skip(piece)
            else:
                source.budget.charge(len(piece))
                state.feed(piece, widths)
    else:
        for chunk in source.chunks():
            state.feed(chunk, widths)
    state.longest = max(state.longest, state.column)
    values = {"l": state.lines, "w": state.words, "c": state.size, "m": state.size}
    values["L"] = state.longest
    return [values[k] for k in order]


def _wc_line(inv: Invocation, counts: list[int], name: str, width: int) -> None:
    text = " ".join(f"{c:>{width}}" for c in counts)
    inv.out(f"{text} {name}\n" if name else f"{text}\n")


# -- head, tail -------------------------------------------------------------------------------


class _BadCount(Exception):
    """`head: invalid number of lines: 'x'` (no `Try --help` line, unlike other usage errors)."""


def _count_argument(inv: Invocation, text: str, what: str) -> tuple[str, int]:
    """`-n` values: `5`, `-5` (all but the last), `+5` (tail: from line 5), with suffixes."""
    from pipeline.oracle.shell.programs.base import parse_size

    sign = text[0] if text[:1] in "+-" else ""
    value = parse_size(text[len(sign) :], "bkKmMGTPEZY0")
    if value is None:
        raise _BadCount(f"invalid number of {what}: {quote(text)}")
    return sign, value


def _numeric_shortcut(args: list[str], signs: str) -> list[str]:
    """The obsolete `head -5` / `tail -5` / `tail +5`, as `-n 5` / `-n +5`, where an option
    may stand (not as the value of `-n`)."""
    out: list[str] = []
    for index, arg in enumerate(args):
        after_option = index > 0 and args[index - 1] in ("-n", "-c", "--lines", "--bytes")
        if not after_option and re.fullmatch(f"[{signs}][0-9]+", arg):
            arg = "-n" + (arg if arg[0] == "+" else arg[1:])
        out.append(arg)
    return out


@dataclass
class _Slice:
    """What `head` and `tail` were asked for: lines or bytes (`mode`), how many, from which
    end (`sign`), whether each file gets a `==> name <==` header, and `tail -f`."""

    mode: str = "n"
    sign: str = ""
    count: int = 10
    headers: bool = False
    follow: bool = False


def _slice_options(inv: Invocation, opts: list[tuple[str, str]], files: int) -> _Slice | None:
    """The parsed options; None (after the error message) for a bad count."""
    wanted = _Slice(headers=files > 1)
    for key, value in opts:
        if key in ("n", "c"):
            wanted.mode = key
            try:
                what = "lines" if key == "n" else "bytes"
                wanted.sign, wanted.count = _count_argument(inv, value, what)
            except _BadCount as exc:
                inv.err(str(exc))
                return None
        elif key in ("q", "v"):
            wanted.headers = key == "v"
        elif key in ("f", "F"):
            wanted.follow = True
    return wanted


def _each_source(inv: Invocation, operands: list[str], headers: bool) -> Iterator[Source | int]:
    """Each operand opened in turn, after its header when there are headers; one that cannot be
    opened is reported and stands as its exit status instead."""
    first = True
    for name in operands or ["-"]:
        try:
            source = inv.open_input(name)
        except FsError as exc:
            yield _open_for_reading_failed(inv, name, exc)
            continue
        if headers:
            shown = "standard input" if name == "-" else name
            inv.out(("" if first else "\n") + f"==> {shown} <==\n")
        first = False
        yield source


@program("head")
def head(inv: Invocation) -> int:
    long = {"lines=": "n", "bytes=": "c", "quiet": "q", "silent": "q", "verbose": "v"}
    return _slice_each(inv, "n:c:qv", long, "-", _head_of)


@program("tail")
def tail(inv: Invocation) -> int:
    long = {"lines=": "n", "bytes=": "c", "quiet": "q", "verbose": "v", "follow": "f"}
    return _slice_each(inv, "n:c:qvfF", long, "-+", _tail_of)


def _slice_each(
    inv: Invocation,
    short: str,
    long: dict[str, str],
    signs: str,
    emit: Callable[[Invocation, Source, _Slice], None],
) -> int:
    """head and tail: parse the options, then `emit` the wanted part of each input."""
    opts, operands = getopt(inv, _numeric_shortcut(inv.argv[1:], signs), short, long)
    wanted = _slice_options(inv, opts, len(operands))
    if wanted is None:
        return 1
    status = 0
    for source in _each_source(inv, operands, wanted.headers):
        if isinstance(source, int):
            status = source
        else:
            emit(inv, source, wanted)
    if wanted.follow:
        inv.shell.shared.long_running = True  # `tail -f` never ends: a detached container stays up
    return status


def _head_of(inv: Invocation, source: Source, wanted: _Slice) -> None:
    count = wanted.count
    if wanted.mode == "c":
        if wanted.sign == "-":
            data = source.as_content()
            inv.stdout.write_content(data.slice(0, max(0, data.size - count)))
        else:
            inv.stdout.write(source.read(count))
    elif wanted.sign == "-":
        lines = source.read_all().split(b"\n")
        body = lines[:-1] if lines[-1] == b"" else lines
        kept = body[: max(0, len(body) - count)]
        inv.stdout.write(b"".join(line + b"\n" for line in kept))
    else:
        inv.stdout.write(_first_lines(source, count))


def _first_lines(source: Source, count: int) -> bytes:
    out = bytearray()
    for _ in range(count):
        line, complete = source.readline()
        out += line
        if not complete:
            break
    return bytes(out)


def _tail_of(inv: Invocation, source: Source, wanted: _Slice) -> None:
    if source.endless:
        if wanted.follow:
            return
        source.read_all()
    data = source.as_content()
    if wanted.mode == "c":
        start = wanted.count - 1 if wanted.sign == "+" else data.size - wanted.count
        inv.stdout.write_content(data.slice(max(0, start)))
    else:
        inv.stdout.write(_tail_lines(data, wanted.sign, wanted.count))


def _tail_lines(data, sign: str, count: int) -> bytes:  # noqa: ANN001 - a Content
    if sign == "+":
        text = data.read() if data.size <= 1 << 24 else None
        if text is None:
            raise NotSimulated("tail +N of a file this big is not simulated")
        parts = text.split(b"\n")
        skipped = b"\n".join(parts[max(0, count - 1) :])
        return skipped
    # Read backwards only as far as the last `count` lines need.
    size = data.size
    if count == 0:
        return b""
    window = 4096
    while True:
        start = max(0, size - window)
        chunk = data.read(start, size - start)
        body = chunk[:-1] if chunk.endswith(b"\n") else chunk
        if body.count(b"\n") >= count or start == 0:
            lines = body.split(b"\n")
            if start > 0:
                lines = lines[1:]
            kept = lines[-count:]
            return b"\n".join(kept) + (b"\n" if chunk.endswith(b"\n") else b"")
        window *= 4


# -- sort, uniq -------------------------------------------------------------------------------


@program("sort")
def sort(inv: Invocation) -> int:
    long = {
        "reverse": "r",
        "numeric-sort": "n",
        "unique": "u",
        "key=": "k",
        "field-separator=": "t",
        "ignore-case": "f",
        "human-numeric-sort": "h",
        "ignore-leading-blanks": "b",
        "stable": "s",
        "version-sort": "V",
        "output=": "o",
    }
    opts, operands = getopt(inv, inv.argv[1:], "rnuk:t:fhbsVo:", long)
    flags = {k for k, v in opts if k not in ("k", "t", "o")}
    keys = [v for k, v in opts if k == "k"]
    separator = next((v for k, v in opts if k == "t"), None)
    output = next((v for k, v in opts if k == "o"), None)
    if separator is not None and len(separator) != 1:
        inv.err("multi-character tab " + quote(separator))
        return 2
    lines: list[bytes] = []
    for name in operands or ["-"]:
        try:
            lines.extend(_lines(inv.open_input(name).read_all()))
        except FsError as exc:
            inv.err(f"cannot read: {name}: {exc.strerror}")
            return 2
    compare_key = _sort_key(flags, keys, separator)
    lines = _sorted(lines, compare_key, flags)
    data = _join(lines)
    if output:
        try:
            inv.fs.write(inv.path(output), data)
        except FsError as exc:
            inv.err(f"open failed: {output}: {exc.strerror}")
            return 2
    else:
        inv.stdout.write(data)
    return 0


def _field_span(line: bytes, field: int, separator: bytes | None) -> tuple[int, int]:
    """Start and end offsets of field `field` (1-based). Without -t a field starts with the
    blanks before it, as GNU sort counts them."""
    if separator is not None:
        starts = [0]
        for match in re.finditer(re.escape(separator), line):
            starts.append(match.end())
        if field > len(starts):
            return len(line), len(line)
        start = starts[field - 1]
        end = starts[field] - 1 if field < len(starts) else len(line)
        return start, end
    spans = [(m.start(), m.end()) for m in re.finditer(rb"[ \t]*[^ \t]+", line)]
    if field > len(spans):
        return len(line), len(line)
    return spans[field - 1]


def _parse_keydef(text: str) -> tuple[int, int, int | None, int, str]:
    match = re.fullmatch(
        r"(\d+)(?:\.(\d+))?([bdfghinrMV]*)(?:,(\d+)(?:\.(\d+))?([bdfghinrMV]*))?", text
    )
    if not match:
        raise UsageError(f"invalid number at field start: invalid count at start of {quote(text)}")
    f1, c1, o1, f2, c2, o2 = match.groups()
    return int(f1), int(c1 or 1), int(f2) if f2 else None, int(c2 or 0), (o1 or "") + (o2 or "")


def _sort_key(
    flags: set[str], keydefs: list[str], separator: str | None
) -> Callable[[bytes], list]:
    sep = separator.encode() if separator is not None else None
    parsed = [_parse_keydef(k) for k in keydefs]

    def extract(line: bytes) -> list:
        if not parsed:
            return [_convert(line, flags)]
        out = []
        for f1, c1, f2, c2, local in parsed:
            start = _field_span(line, f1, sep)[0] + c1 - 1
            if f2 is None:
                end = len(line)
            else:
                span = _field_span(line, f2, sep)
                end = span[1] if c2 == 0 else span[0] + c2
            piece = line[min(start, len(line)) : max(start, end)]
            out.append(_convert(piece, set(local) | flags if local else flags))
        return out

    return extract


_NUMBER = re.compile(rb"\s*(-?)(\d*)(?:\.(\d*))?")
_HUMAN = b"KMGTPEZY"


def _convert(piece: bytes, flags: set[str]) -> tuple:
    if "b" in flags:
        piece = piece.lstrip(b" \t")
    if "n" in flags or "h" in flags:
        match = _NUMBER.match(piece)
        sign, whole, frac = match.groups() if match else (b"", b"", b"")
        value = float(b"%s.%s" % (whole or b"0", frac or b"0"))
        if sign and value:
            value = -value
        rank = 0
        if "h" in flags and match:
            rest = piece[match.end() : match.end() + 1].upper()
            rank = _HUMAN.index(rest) + 1 if rest and rest in _HUMAN else 0
            rank = -rank if value < 0 else rank
        return (rank, value)
    if "V" in flags:
        parts = re.findall(rb"\d+|\D+", piece)
        return tuple((0, int(p), b"") if p.isdigit() else (1, 0, p) for p in parts)
    if "f" in flags:
        return (piece.upper(),)
    return (piece,)


def _sorted(lines: list[bytes], key: Callable[[bytes], list], flags: set[str]) -> list[bytes]:
    reverse = "r" in flags
    if "u" in flags:
        seen: dict = {}
        for line in sorted(lines, key=lambda ln: (key(ln), ln)):
            seen.setdefault(repr(key(line)), line)
        unique = sorted(seen.values(), key=lambda ln: key(ln), reverse=reverse)
        return unique
    if "s" in flags:
        return sorted(lines, key=key, reverse=reverse)
    # GNU's last-resort comparison: equal keys fall back to the whole line, bytewise.
    return sorted(lines, key=lambda ln: (key(ln), ln), reverse=reverse)


@program("uniq")
def uniq(inv: Invocation) -> int:
    long = {"count": "c", "repeated": "d", "unique": "u", "ignore-case": "i"}
    opts, operands = getopt(inv, inv.argv[1:], "cdui", long)
    flags = {k for k, _ in opts}
    if len(operands) > 2:
        raise UsageError(f"extra operand {quote(operands[2])}")
    try:
        source = inv.open_input(operands[0]) if operands else inv.stdin
    except FsError as exc:
        inv.err(f"{quote_if_needed(operands[0])}: {exc.strerror}")
        return 1
    groups: list[tuple[bytes, int]] = []
    for line in _lines(source.read_all()):
        compare = line.lower() if "i" in flags else line
        if groups and (groups[-1][0].lower() if "i" in flags else groups[-1][0]) == compare:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((line, 1))
    out = bytearray()
    for line, count in groups:
        if ("d" in flags and count < 2) or ("u" in flags and count > 1):
            continue
        out += (b"%7d " % count if "c" in flags else b"") + line + b"\n"
    if len(operands) == 2:
        inv.fs.write(inv.path(operands[1]), bytes(out))
    else:
        inv.stdout.write(bytes(out))
    return 0


# -- cut --------------------------------------------------------------------------------------


def _ranges(text: str, what: str) -> list[tuple[int, int]]:
    ranges = []
    for item in text.split(","):
        match = re.fullmatch(r"(\d*)(-?)(\d*)", item)
        if not match or item in ("", "-"):
            raise UsageError(
                f"invalid {what} list" if item else "invalid range with no endpoint: -"
            )
        lo, dash, hi = match.groups()
        if lo == "0" or hi == "0":
            raise UsageError(f"{what}s are numbered from 1")
        start = int(lo) if lo else 1
        end = (int(hi) if hi else 1 << 30) if dash else start
        if end < start:
            raise UsageError("invalid decreasing range")
        ranges.append((start, end))
    return ranges


def _selected(index: int, ranges: list[tuple[int, int]], complement: bool) -> bool:
    inside = any(lo <= index <= hi for lo, hi in ranges)
    return inside != complement


@program("cut")
def cut(inv: Invocation) -> int:
    long = {
        "delimiter=": "d",
        "fields=": "f",
        "characters=": "c",
        "bytes=": "b",
        "only-delimited": "s",
        "complement": "complement",
        "output-delimiter=": "output",
    }
    opts, operands = getopt(inv, inv.argv[1:], "d:f:c:b:sn", long)
    keys = dict(opts)
    lists = [k for k in ("f", "c", "b") if k in keys]
    if not lists:
        raise UsageError("you must specify a list of bytes, characters, or fields")
    if len(lists) > 1:
        raise UsageError("only one list may be specified")
    mode = lists[0]
    delimiter = keys.get("d", "\t")
    if len(delimiter.encode()) != 1:
        raise UsageError("the delimiter must be a single character")
    if mode != "f" and ("d" in keys or "s" in keys):
        raise UsageError(
            "an input delimiter may be specified only when operating on fields"
            if "d" in keys
            else "suppressing non-delimited lines makes sense\n\tonly when operating on fields"
        )
    ranges = _ranges(keys[mode], "field" if mode == "f" else "byte/character")
    complement = "complement" in keys
    delim = delimiter.encode()
    output = keys.get("output", delimiter).encode()
    status = 0
    out = bytearray()
    for name, source in _inputs(inv, operands):
        if isinstance(source, FsError):
            status = inv.fs_error(source, quote_if_needed(name))
            continue
        for line in _lines(source.read_all()):
            if mode == "f":
                if delim not in line:
                    if "s" not in keys:
                        out += line + b"\n"
                    continue
                fields = line.split(delim)
                kept = [f for i, f in enumerate(fields, 1) if _selected(i, ranges, complement)]
                out += output.join(kept) + b"\n"
            else:
                kept_bytes = bytes(
                    b for i, b in enumerate(line, 1) if _selected(i, ranges, complement)
                )
                out += kept_bytes + b"\n"
    inv.stdout.write(bytes(out))
    return status


# -- tr ---------------------------------------------------------------------------------------

_TR_CLASSES = {
    "alpha": bytes(range(65, 91)) + bytes(range(97, 123)),
    "digit": bytes(range(48, 58)),
    "alnum": bytes(range(48, 58)) + bytes(range(65, 91)) + bytes(range(97, 123)),
    "upper": bytes(range(65, 91)),
    "lower": bytes(range(97, 123)),
    "space": b" \t\n\v\f\r",
    "blank": b" \t",
    "punct": bytes(c for c in range(33, 127) if not chr(c).isalnum()),
    "xdigit": b"0123456789ABCDEFabcdef",
    "cntrl": bytes(range(0, 32)) + b"\x7f",
    "print": bytes(range(32, 127)),
    "graph": bytes(range(33, 127)),
}
_TR_ESCAPES = {"n": 10, "t": 9, "r": 13, "\\": 92, "a": 7, "b": 8, "f": 12, "v": 11}


def _tr_set(text: str) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    chars: list[int] = []
    i = 0
    while i < len(data):
        if data[i : i + 2] == b"[:":
            end = data.find(b":]", i + 2)
            name = data[i + 2 : end].decode() if end > 0 else ""
            if name in _TR_CLASSES:
                chars.extend(_TR_CLASSES[name])
                i = end + 2
                continue
        c, i = _tr_char(data, i)
        if i + 1 < len(data) and data[i] == ord("-"):
            hi, after = _tr_char(data, i + 1)
            if hi < c:
                endpoints = f"'{chr(c)}-{chr(hi)}'"
                raise UsageError(
                    f"range-endpoints of {endpoints} are in reverse collating sequence order"
                )
            chars.extend(range(c, hi + 1))
            i = after
            continue
        chars.append(c)
    return bytes(chars)


def _tr_char(data: bytes, i: int) -> tuple[int, int]:
    if data[i] == 92 and i + 1 < len(data):
        nxt = chr(data[i + 1])
        if nxt in _TR_ESCAPES:
            return _TR_ESCAPES[nxt], i + 2
        match = re.match(rb"[0-7]{1,3}", data[i + 1 :])
        if match:
            return int(match.group(), 8) & 0xFF, i + 1 + match.end()
        return data[i + 1], i + 2
    return data[i], i + 1


@program("tr")
def tr(inv: Invocation) -> int:
    opts, operands = getopt(
        inv, inv.argv[1:], "dscCt", {"delete": "d", "squeeze-repeats": "s", "complement": "c"}
    )
    flags = {("c" if k == "C" else k) for k, _ in opts}
    if not operands:
        raise UsageError("missing operand")
    delete, squeeze = "d" in flags, "s" in flags
    if not delete and not squeeze and len(operands) < 2:
        raise UsageError(
            f"missing operand after {quote(operands[0])}\n"
            "Two strings must be given when translating."
        )
    if len(operands) > 2 or (delete and not squeeze and len(operands) > 1):
        raise UsageError(f"extra operand {quote(operands[-1])}")
    set1 = _tr_set(operands[0])
    if "c" in flags:
        set1 = bytes(b for b in range(256) if b not in set1)
    set2 = _tr_set(operands[1]) if len(operands) > 1 else b""
    data = inv.stdin.read_all()
    if delete:
        data = data.translate(None, set1)
        squeeze_set = set2
    elif len(operands) > 1:
        if not set2:
            raise UsageError("when not truncating set1, string2 must be non-empty")
        padded = (set2 + set2[-1:] * len(set1))[: len(set1)]
        table = bytearray(range(256))
        for a, b in zip(set1, padded, strict=True):
            table[a] = b
        data = data.translate(bytes(table))
        squeeze_set = set2
    else:
        squeeze_set = set1
    if squeeze and squeeze_set:
        pattern = re.compile(b"([" + re.escape(squeeze_set) + b"])\\1+")
        data = pattern.sub(rb"\1", data)
    inv.stdout.write(data)
    return 0


@program("rev")
def rev(inv: Invocation) -> int:
    out = bytearray()
    for name, source in _inputs(inv, inv.argv[1:]):
        if isinstance(source, FsError):
            inv.fs_error(source, quote_if_needed(name))
            return 1
        for line in _lines(source.read_all()):
            out += line[::-1] + b"\n"
    inv.stdout.write(bytes(out))
    return 0


def _open_for_reading_failed(inv: Invocation, name: str, exc: FsError) -> int:
    """head/tail: GNU `cannot open 'x' for reading: ...`; BusyBox open_or_warn."""
    if inv.busybox:
        return inv.open_error(exc, name)
    return inv.fail(f"cannot open {quote(name)} for reading: {exc.strerror}", "")
