"""Go's text/tabwriter (elastic tabstops) as docker/cli uses it, plus the ID/ellipsis helpers.

docker/cli formats every table through its fork of text/tabwriter
(cli/command/formatter/tabwriter, created with minwidth=10, tabwidth=1, padding=3, padchar ' ',
flags 0). The fork differs from Go only in measuring a cell by display width (go-runewidth)
instead of by rune count. This port works on UTF-8 bytes like the original, so sizes, escapes
(byte 0xff) and trailing-cell handling behave identically; `width` chooses the measure.

Layout rules worth knowing: a column is as wide as its widest cell plus padding, at least
minwidth; the last cell of a line is not part of a column and is never padded; an empty cell
terminated by a tab still gets its column's padding (hence trailing spaces after SIZE when the
COMMENT column is empty in `docker history`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Flags (text/tabwriter).
FILTER_HTML = 1 << 0
STRIP_ESCAPE = 1 << 1
ALIGN_RIGHT = 1 << 2
DISCARD_EMPTY_COLUMNS = 1 << 3
TAB_INDENT = 1 << 4
DEBUG = 1 << 5

ESCAPE = 0xFF
_ESCAPE_BYTE = b"\xff"

# docker/cli formatter.go: tabwriter.NewWriter(output, 10, 1, 3, ' ', 0)
DOCKER_MINWIDTH, DOCKER_TABWIDTH, DOCKER_PADDING = 10, 1, 3


def char_display_width(ch: str) -> int:
    """go-runewidth `RuneWidth` (non-East-Asian locale): 0 for control and zero-width/combining
    characters, 2 for East Asian Wide and Fullwidth, 1 otherwise (ambiguous counts as 1)."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf") or ch in "\u200b\u2060\ufeff":
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def display_width(text: str) -> int:
    """go-runewidth `StringWidth`: the number of terminal columns `text` occupies."""
    return sum(char_display_width(ch) for ch in text)


def _utf8_display_width(data: bytes) -> int:
    return display_width(data.decode("utf-8", errors="replace"))


def _utf8_rune_count(data: bytes) -> int:
    # Go's utf8.RuneCount: every invalid byte counts as one rune, as "replace" decoding does.
    return len(data.decode("utf-8", errors="replace"))


WIDTH_DISPLAY = _utf8_display_width  # docker/cli's fork
WIDTH_RUNES = _utf8_rune_count  # upstream Go


@dataclass
class _Cell:
    size: int = 0  # bytes
    width: int = 0  # display columns (or runes)
    htab: bool = False  # terminated by '\t' (not '\v')


class TabWriter:
    """A port of Go's `tabwriter.Writer`: `write` text containing tab-terminated cells, then
    `flush`; `getvalue` returns everything written out so far."""

    def __init__(
        self,
        minwidth: int = DOCKER_MINWIDTH,
        tabwidth: int = DOCKER_TABWIDTH,
        padding: int = DOCKER_PADDING,
        padchar: str = " ",
        flags: int = 0,
        width: Callable[[bytes], int] = WIDTH_DISPLAY,
    ) -> None:
        if minwidth < 0 or tabwidth < 0 or padding < 0:
            raise ValueError("negative minwidth, tabwidth, or padding")
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padbyte = padchar.encode("latin-1")
        if self.padbyte == b"\t":
            flags &= ~ALIGN_RIGHT  # tab padding enforces left-alignment
        self.flags = flags
        self._width = width
        self._out = bytearray()
        self._reset()

    # --- state ----------------------------------------------------------------------------------
    def _reset(self) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._cell = _Cell()
        self._end_char = 0
        self._lines: list[list[_Cell]] = []
        self._widths: list[int] = []
        self._add_line()

    def _add_line(self) -> None:
        self._lines.append([])

    # --- output ---------------------------------------------------------------------------------
    def getvalue(self) -> str:
        return self._out.decode("utf-8", errors="surrogateescape")

    def getbytes(self) -> bytes:
        return bytes(self._out)

    def _write_padding(self, textw: int, cellw: int, use_tabs: bool) -> None:
        if self.padbyte == b"\t" or use_tabs:
            if self.tabwidth == 0:
                return  # tabs have no width - can't do any padding
            cellw = (cellw + self.tabwidth - 1) // self.tabwidth * self.tabwidth
            n = cellw - textw
            if n < 0:
                raise AssertionError("internal error")
            self._out += b"\t" * ((n + self.tabwidth - 1) // self.tabwidth)
            return
        self._out += self.padbyte * (cellw - textw)

    def _write_lines(self, pos: int, line0: int, line1: int) -> int:
        for i in range(line0, line1):
            line = self._lines[i]
            use_tabs = bool(self.flags & TAB_INDENT)
            for j, c in enumerate(line):
                if j > 0 and self.flags & DEBUG:
                    self._out += b"|"
                if c.size == 0:
                    if j < len(self._widths):
                        self._write_padding(c.width, self._widths[j], use_tabs)
                    continue
                use_tabs = False
                text = self._buf[pos : pos + c.size]
                pos += c.size
                if self.flags & ALIGN_RIGHT == 0:
                    self._out += text
                    if j < len(self._widths):
                        self._write_padding(c.width, self._widths[j], False)
                else:
                    if j < len(self._widths):
                        self._write_padding(c.width, self._widths[j], False)
                    self._out += text
            if i + 1 == len(self._lines):
                # last buffered line: no newline, just the outstanding text
                self._out += self._buf[pos : pos + self._cell.size]
                pos += self._cell.size
            else:
                self._out += b"\n"
        return pos

    def _format(self, pos: int, line0: int, line1: int) -> int:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # This line has a cell in `column`: print the lines before the block, then find
            # the block of consecutive lines sharing the column and its width.
            pos = self._write_lines(pos, line0, this)
            line0 = this
            width = self.minwidth
            discardable = True
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                c = line[column]
                width = max(width, c.width + self.padding)
                if c.width > 0 or c.htab:
                    discardable = False
                this += 1
            if discardable and self.flags & DISCARD_EMPTY_COLUMNS:
                width = 0
            self._widths.append(width)
            pos = self._format(pos, line0, this)
            self._widths.pop()
            line0 = this
        return self._write_lines(pos, line0, line1)

    # --- input ----------------------------------------------------------------------------------
    def _append(self, text: bytes) -> None:
        self._buf += text
        self._cell.size += len(text)

    def _update_width(self) -> None:
        self._cell.width += self._width(bytes(self._buf[self._pos :]))
        self._pos = len(self._buf)

    def _start_escape(self, ch: int) -> None:
        self._end_char = {ESCAPE: ESCAPE, ord("<"): ord(">"), ord("&"): ord(";")}[ch]

    def _end_escape(self) -> None:
        if self._end_char == ESCAPE:
            self._update_width()
            if self.flags & STRIP_ESCAPE == 0:
                self._cell.width -= 2  # don't count the Escape chars
        elif self._end_char == ord(";"):
            self._cell.width += 1  # entity, count as one rune
        self._pos = len(self._buf)
        self._end_char = 0

    def _terminate_cell(self, htab: bool) -> int:
        self._cell.htab = htab
        line = self._lines[-1]
        line.append(self._cell)
        self._cell = _Cell()
        return len(line)

    def flush(self) -> None:
        """Format and write out everything buffered (Go `Flush`)."""
        if self._cell.size > 0:
            if self._end_char != 0:
                self._end_escape()  # inside escape - terminate it even if incomplete
            self._terminate_cell(False)
        self._format(0, 0, len(self._lines))
        self._reset()

    def write(self, data: str | bytes) -> None:
        """Go `Write`: split the input into cells; lines with a single cell flush early."""
        buf = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        n = 0
        for i, ch in enumerate(buf):
            if self._end_char == 0:
                if ch in (0x09, 0x0B, 0x0A, 0x0C):  # \t \v \n \f end a cell
                    self._append(buf[n:i])
                    self._update_width()
                    n = i + 1
                    ncells = self._terminate_cell(ch == 0x09)
                    if ch in (0x0A, 0x0C):
                        self._add_line()
                        if ch == 0x0C or ncells == 1:
                            self.flush()
                            if ch == 0x0C and self.flags & DEBUG:
                                self._out += b"---\n"
                elif ch == ESCAPE:
                    self._append(buf[n:i])
                    self._update_width()
                    n = i + 1 if self.flags & STRIP_ESCAPE else i
                    self._start_escape(ESCAPE)
                elif ch in (0x3C, 0x26) and self.flags & FILTER_HTML:  # '<' '&'
                    self._append(buf[n:i])
                    self._update_width()
                    n = i
                    self._start_escape(ch)
            elif ch == self._end_char:
                j = i if ch == ESCAPE and self.flags & STRIP_ESCAPE else i + 1
                self._append(buf[n:j])
                n = i + 1
                self._end_escape()
        self._append(buf[n:])


def tabulate(text: str) -> str:
    """Lay out tab-separated text exactly as docker/cli prints its tables."""
    writer = TabWriter()
    writer.write(text)
    writer.flush()
    return writer.getvalue()


# --- docker/cli helpers ---------------------------------------------------------------------------
SHORT_ID_LENGTH = 12


def truncate_id(image_id: str) -> str:
    """stringid `TruncateID`: drop the `sha256:` (anything up to the first colon), keep 12."""
    _, colon, rest = image_id.partition(":")
    short = rest if colon else image_id
    return short[:SHORT_ID_LENGTH]


def _ellipsis_char_width(ch: str) -> int:
    # formatter/displayutils.go charWidth: golang.org/x/text/width Wide and Fullwidth are 2.
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def ellipsis(text: str, max_display_width: int) -> str:
    """formatter/displayutils.go `Ellipsis`: cut to `max_display_width` columns ending in `…`."""
    if max_display_width <= 0:
        return ""
    if max_display_width == 1:
        return text[:1]
    if len(text.encode("utf-8")) == len(text):
        if len(text) <= max_display_width:
            return text
        return text[: max_display_width - 1] + "…"
    display: list[int] = []
    total = 0
    for ch in text:
        total += _ellipsis_char_width(ch)
        display.append(total)
    if total <= max_display_width:
        return text
    limit = max_display_width - 1
    for i in range(len(display) - 1):
        if display[i] <= limit < display[i + 1]:
            return text[: i + 1] + "…"
    return text
