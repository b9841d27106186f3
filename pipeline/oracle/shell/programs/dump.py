"""Byte dumps: od (GNU coreutils 9.1) and hexdump -C, to show what a file really holds."""

from __future__ import annotations

import re

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import Invocation, UsageError, getopt, program, quote

_NAMED = {0: "\\0", 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}
# digits of the widest value of each (kind, size): an item takes that width plus one space
_WIDTH = {
    ("x", 1): 2, ("x", 2): 4, ("x", 4): 8, ("x", 8): 16,
    ("o", 1): 3, ("o", 2): 6, ("o", 4): 11, ("o", 8): 22,
    ("u", 1): 3, ("u", 2): 5, ("u", 4): 10, ("u", 8): 20,
    ("d", 1): 4, ("d", 2): 6, ("d", 4): 11, ("d", 8): 20,
    ("c", 1): 3,
}  # fmt: skip


def _read_inputs(inv: Invocation, operands: list[str], skip: int, limit: int | None) -> bytes:
    data = bytearray()
    for name in operands or ["-"]:
        source = inv.open_input(name)
        wanted = None if limit is None else skip + limit - len(data)
        data += source.read(wanted) if wanted is not None else source.read_all()
    data = data[skip:]
    return bytes(data if limit is None else data[:limit])


def _od_item(kind: str, size: int, chunk: bytes) -> str:
    width = _WIDTH[(kind, size)]
    if kind == "c":
        byte = chunk[0]
        text = _NAMED.get(byte) or (chr(byte) if 32 <= byte < 127 else f"{byte:03o}")
        return f"{text:>{width + 1}}"
    value = int.from_bytes(chunk.ljust(size, b"\0"), "little", signed=kind == "d")
    digits = {"x": f"{value:0{width}x}", "o": f"{value:0{width}o}"}.get(kind, str(value))
    return f"{digits:>{width + 1}}" if kind in "du" else f" {digits}"


def _od_type(spec: str) -> tuple[str, int]:
    match = re.fullmatch(r"([xoudc])([1248]|[CSIL])?", spec)
    if not match:
        raise NotSimulated(f"od -t {spec} is not simulated by the oracle")
    kind, size = match.groups()
    sizes = {"C": 1, "S": 2, "I": 4, "L": 8}
    return kind, 1 if kind == "c" else int(sizes.get(size or "", size or 4))


@program("od")
def od(inv: Invocation) -> int:
    long = {"address-radix=": "A", "format=": "t", "read-bytes=": "N", "skip-bytes=": "j"}
    opts, operands = getopt(inv, inv.argv[1:], "A:t:N:j:cbxdov", long | {"output-duplicates": "v"})
    radix, types, limit, skip, verbose = "o", [], None, 0, False
    shortcuts = {"c": "c", "b": "o1", "x": "x2", "d": "u2", "o": "o2"}
    for key, value in opts:
        if key == "A":
            if value not in ("o", "d", "x", "n"):
                raise UsageError(
                    f"invalid output address radix '{value}'; it must be one character from [doxn]"
                )
            radix = value
        elif key == "t":
            types.append(_od_type(value))
        elif key in shortcuts:
            types.append(_od_type(shortcuts[key]))
        elif key == "N":
            limit = int(value, 0)
        elif key == "j":
            skip = int(value, 0)
        elif key == "v":
            verbose = True
    if len(types) > 1:
        raise NotSimulated("od with several output types is not simulated by the oracle")
    kind, size = types[0] if types else ("o", 2)
    try:
        data = _read_inputs(inv, operands, skip, limit)
    except FsError as exc:
        inv.err(f"{quote(operands[0]) if operands else '-'}: {exc.strerror}")
        return 1
    lines: list[str] = []
    previous = None
    starred = False
    for offset in range(0, len(data), 16):
        row = data[offset : offset + 16]
        if row == previous and not verbose and len(row) == 16:
            if not starred:
                lines.append("*")
                starred = True
            continue
        previous, starred = row, False
        items = "".join(_od_item(kind, size, row[i : i + size]) for i in range(0, len(row), size))
        lines.append(_address(radix, skip + offset) + items)
    if radix != "n":
        lines.append(_address(radix, skip + len(data)).rstrip())
    inv.out("".join(line + "\n" for line in lines))
    return 0


def _address(radix: str, offset: int) -> str:
    return {"o": f"{offset:07o}", "d": f"{offset:07d}", "x": f"{offset:06x}", "n": ""}[radix]


@program("hexdump", "hd")
def hexdump(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "Cvn:s:", {})
    keys = dict(opts)
    if "C" not in keys and inv.name.rsplit("/", 1)[-1] != "hd":
        raise NotSimulated("hexdump without -C is not simulated by the oracle")
    try:
        data = _read_inputs(
            inv, operands, int(keys.get("s", "0"), 0), int(keys["n"], 0) if "n" in keys else None
        )
    except FsError as exc:
        inv.err(f"{operands[0] if operands else '-'}: {exc.strerror}")
        return 1
    lines: list[str] = []
    previous = None
    starred = False
    for offset in range(0, len(data), 16):
        row = data[offset : offset + 16]
        if row == previous and "v" not in keys and len(row) == 16:
            if not starred:
                lines.append("*")
                starred = True
            continue
        previous, starred = row, False
        left = " ".join(f"{b:02x}" for b in row[:8])
        right = " ".join(f"{b:02x}" for b in row[8:])
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        lines.append(f"{offset:08x}  {left:<23}  {right:<23}  |{text}|")
    if data:
        lines.append(f"{len(data):08x}")
    inv.out("".join(line + "\n" for line in lines))
    return 0
