"""The parts of Go's strconv the template engine and docker's formatters need: Quote (docker ps
prints COMMAND with strconv.Quote), Unquote for template string literals, and Go's integer and
float literal syntax."""

from __future__ import annotations

import re
import unicodedata

_LOWERHEX = "0123456789abcdef"
_SIMPLE_ESCAPES = {
    "\a": r"\a",
    "\b": r"\b",
    "\f": r"\f",
    "\n": r"\n",
    "\r": r"\r",
    "\t": r"\t",
    "\v": r"\v",
}


class SyntaxErr(ValueError):
    """strconv.ErrSyntax: str() is "invalid syntax" like Go's."""

    def __init__(self) -> None:
        super().__init__("invalid syntax")


def is_print(ch: str) -> bool:
    """strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space."""
    if ch == " ":
        return True
    return unicodedata.category(ch)[0] in "LMNPS"


def _escape_rune(ch: str, quote: str, ascii_only: bool) -> str:
    if ch == quote or ch == "\\":
        return "\\" + ch
    code = ord(ch)
    if (code < 0x80 or not ascii_only) and is_print(ch) and not 0xD800 <= code <= 0xDFFF:
        return ch
    if ch in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[ch]
    if code < 0x20 or code == 0x7F:
        return "\\x" + _LOWERHEX[code >> 4] + _LOWERHEX[code & 0xF]
    if 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD  # not a valid rune: Go quotes the replacement character
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def quote(s: str, ascii_only: bool = False) -> str:
    """strconv.Quote (QuoteToASCII with ascii_only): a double-quoted Go string literal."""
    return '"' + "".join(_escape_rune(ch, '"', ascii_only) for ch in s) + '"'


def quote_rune(code: int, ascii_only: bool = False) -> str:
    """strconv.QuoteRune: a single-quoted Go rune literal (invalid runes become U+FFFD)."""
    if code < 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD
    return "'" + _escape_rune(chr(code), "'", ascii_only) + "'"


def can_backquote(s: str) -> bool:
    """strconv.CanBackquote: no backquote, no control characters except tab."""
    for ch in s:
        if ch == "`" or ch == "\ufeff":
            return False
        if (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
            return False
    return True


def unquote_char(s: str, quote_char: str) -> tuple[str, str]:
    """strconv.UnquoteChar: decode the first (possibly escaped) character of `s`; returns the
    character and the rest. Raises SyntaxErr."""
    if not s:
        raise SyntaxErr()
    ch = s[0]
    if ch == quote_char and quote_char in "'\"":
        raise SyntaxErr()
    if ch != "\\":
        return ch, s[1:]
    if len(s) <= 1:
        raise SyntaxErr()
    esc, rest = s[1], s[2:]
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
    if esc in simple:
        return simple[esc], rest
    if esc in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[esc]
        digits = rest[:n]
        if len(digits) < n or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise SyntaxErr()
        value = int(digits, 16)
        if esc == "x":
            # In a string, \x is one raw byte (kept as a lone surrogate until decoding);
            # in a rune literal it is the code point.
            if value >= 0x80 and quote_char != "'":
                return chr(0xDC00 + value), rest[n:]
            return chr(value), rest[n:]
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise SyntaxErr()
        return chr(value), rest[n:]
    if esc in "01234567":
        digits = s[1:4]
        if len(digits) < 3 or any(c not in "01234567" for c in digits):
            raise SyntaxErr()
        value = int(digits, 8)
        if value > 255:
            raise SyntaxErr()
        if value >= 0x80 and quote_char != "'":
            return chr(0xDC00 + value), s[4:]
        return chr(value), s[4:]
    if esc == "\\":
        return "\\", rest
    if esc in "'\"":
        if esc != quote_char:
            raise SyntaxErr()
        return esc, rest
    raise SyntaxErr()


def unquote(s: str) -> str:
    """strconv.Unquote for "..." and `...` literals (what template string literals use)."""
    if len(s) < 2 or s[0] != s[-1]:
        raise SyntaxErr()
    q, body = s[0], s[1:-1]
    if q == "`":
        if "`" in body:
            raise SyntaxErr()
        return body.replace("\r", "")
    if q not in "\"'":
        raise SyntaxErr()
    if "\n" in body:
        raise SyntaxErr()
    out: list[str] = []
    while body:
        ch, body = unquote_char(body, q)
        out.append(ch)
        if q == "'" and body:
            raise SyntaxErr()
    text = "".join(out)
    return _bytes_to_text(text)


def _bytes_to_text(text: str) -> str:
    # \x80-\xff escapes were kept as lone surrogates (raw bytes); decode UTF-8 sequences they form.
    if not any(0xDC80 <= ord(c) <= 0xDCFF for c in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", errors="replace")


# --- numbers --------------------------------------------------------------------------------------
_INT_RE = re.compile(
    r"[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*"
    r"|[1-9](?:_?[0-9])*)\Z"
)
_DEC_FLOAT_RE = re.compile(
    r"[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)"
    r"(?:[eE][+-]?[0-9](?:_?[0-9])*)?\Z"
)
_HEX_FLOAT_RE = re.compile(
    r"[+-]?0[xX](?:_?[0-9a-fA-F])*(?:\.(?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?"
    r"[pP][+-]?[0-9](?:_?[0-9])*\Z"
)


def parse_int(text: str, unsigned: bool = False) -> int | None:
    """strconv.ParseInt(text, 0, 64) / ParseUint: base prefixes, underscores, int64/uint64 range.
    Returns None where Go returns an error."""
    if not _INT_RE.match(text):
        return None
    if unsigned and text[0] in "+-":
        return None
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-").replace("_", "")
    if len(body) > 1 and body[0] == "0" and body[1] in "xXbBoO":
        value = int(body, 0)
    elif len(body) > 1 and body[0] == "0":
        value = int(body, 8)
    else:
        value = int(body)
    value *= sign
    if unsigned:
        return value if value < 2**64 else None
    return value if -(2**63) <= value < 2**63 else None


def parse_float(text: str) -> float | None:
    """strconv.ParseFloat(text, 64) for decimal and hexadecimal literals; None on error."""
    if _DEC_FLOAT_RE.match(text):
        value = float(text.replace("_", ""))
    elif _HEX_FLOAT_RE.match(text):
        value = float.fromhex(text.replace("_", ""))
    else:
        return None
    if value in (float("inf"), float("-inf")):
        return None  # ErrRange
    return value
