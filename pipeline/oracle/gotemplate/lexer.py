"""A port of Go's text/template/parse/lex.go (Go 1.22): the same items, trim markers
(`{{- ` / ` -}}`), comments, and error texts (`unclosed action`, `bad character U+0025 '%'`).

Positions are character offsets into the template text; `Tree.error_context` converts them to
Go's byte offsets when an error message needs a column.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from .gostrconv import is_print, quote


class ItemType(IntEnum):
    ERROR = 0
    BOOL = 1
    CHAR = 2
    CHAR_CONSTANT = 3
    COMMENT = 4
    COMPLEX = 5
    ASSIGN = 6
    DECLARE = 7
    EOF = 8
    FIELD = 9
    IDENTIFIER = 10
    LEFT_DELIM = 11
    LEFT_PAREN = 12
    NUMBER = 13
    PIPE = 14
    RAW_STRING = 15
    RIGHT_DELIM = 16
    RIGHT_PAREN = 17
    SPACE = 18
    STRING = 19
    TEXT = 20
    VARIABLE = 21
    KEYWORD = 22  # keywords come after this
    BLOCK = 23
    BREAK = 24
    CONTINUE = 25
    DOT = 26
    DEFINE = 27
    ELSE = 28
    END = 29
    IF = 30
    NIL = 31
    RANGE = 32
    TEMPLATE = 33
    WITH = 34


KEYWORDS = {
    ".": ItemType.DOT,
    "block": ItemType.BLOCK,
    "break": ItemType.BREAK,
    "continue": ItemType.CONTINUE,
    "define": ItemType.DEFINE,
    "else": ItemType.ELSE,
    "end": ItemType.END,
    "if": ItemType.IF,
    "range": ItemType.RANGE,
    "nil": ItemType.NIL,
    "template": ItemType.TEMPLATE,
    "with": ItemType.WITH,
}

SPACE_CHARS = " \t\r\n"
TRIM_MARKER = "-"
TRIM_MARKER_LEN = 2
LEFT_COMMENT = "/*"
RIGHT_COMMENT = "*/"


@dataclass(frozen=True)
class Item:
    typ: ItemType
    pos: int
    val: str
    line: int

    def __str__(self) -> str:
        if self.typ == ItemType.EOF:
            return "EOF"
        if self.typ == ItemType.ERROR:
            return self.val
        if self.typ > ItemType.KEYWORD:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return quote(self.val[:10]) + "..."
        return quote(self.val)


def is_space(ch: str) -> bool:
    return ch != "" and ch in SPACE_CHARS


def is_alphanumeric(ch: str) -> bool:
    if ch == "":
        return False
    return ch == "_" or ch.isalpha() or unicodedata.category(ch) == "Nd"


def has_left_trim_marker(s: str) -> bool:
    return len(s) >= 2 and s[0] == TRIM_MARKER and is_space(s[1])


def has_right_trim_marker(s: str) -> bool:
    return len(s) >= 2 and is_space(s[0]) and s[1] == TRIM_MARKER


def format_rune(ch: str) -> str:
    """Go's %#U: U+0025 '%'."""
    text = f"U+{ord(ch):04X}"
    if is_print(ch):
        text += f" '{ch}'"
    return text


class Lexer:
    """Scans the whole template into items (the parser reads them in order, so eager scanning
    up to the first error item is equivalent to Go's on-demand lexer)."""

    def __init__(
        self,
        text: str,
        left_delim: str = "{{",
        right_delim: str = "}}",
        emit_comment: bool = False,
        break_ok: bool = True,
        continue_ok: bool = True,
    ) -> None:
        self.input = text
        self.left_delim = left_delim or "{{"
        self.right_delim = right_delim or "}}"
        self.emit_comment = emit_comment
        self.break_ok = break_ok
        self.continue_ok = continue_ok
        self.pos = 0
        self.start = 0
        self.paren_depth = 0
        self.items: list[Item] = []
        self._index = 0
        self._run()

    def next_item(self) -> Item:
        if self._index < len(self.items):
            item = self.items[self._index]
            self._index += 1
            return item
        return self.items[-1]  # EOF or the error, repeated

    # --- scanning helpers --------------------------------------------------------------------
    def _line_at(self, pos: int) -> int:
        return 1 + self.input.count("\n", 0, pos)

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.pos += 1  # mark the EOF read so backup() is symmetric
            return ""
        ch = self.input[self.pos]
        self.pos += 1
        return ch

    def _backup(self) -> None:
        self.pos -= 1

    def _peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def _emit(self, typ: ItemType) -> None:
        self.items.append(
            Item(typ, self.start, self.input[self.start : self.pos], self._line_at(self.start))
        )
        self.start = self.pos

    def _ignore(self) -> None:
        self.start = self.pos

    def _errorf(self, message: str) -> None:
        self.items.append(Item(ItemType.ERROR, self.start, message, self._line_at(self.start)))

    def _accept(self, valid: str) -> bool:
        ch = self._next()
        if ch != "" and ch in valid:
            return True
        self._backup()
        return False

    def _accept_run(self, valid: str) -> None:
        while True:
            ch = self._next()
            if ch == "" or ch not in valid:
                break
        self._backup()

    def _at_right_delim(self) -> tuple[bool, bool]:
        rest = self.input[self.pos :]
        if has_right_trim_marker(rest) and rest[TRIM_MARKER_LEN:].startswith(self.right_delim):
            return True, True
        if rest.startswith(self.right_delim):
            return True, False
        return False, False

    def _at_terminator(self) -> bool:
        ch = self._peek()
        if is_space(ch) or ch in ("", ".", ",", "|", ":", ")", "("):
            return True
        return self.input.startswith(self.right_delim, self.pos)

    # --- state functions ----------------------------------------------------------------------
    def _run(self) -> None:
        state = self._lex_text
        while state is not None:
            state = state()
        if not self.items or self.items[-1].typ not in (ItemType.EOF, ItemType.ERROR):
            self.items.append(Item(ItemType.EOF, self.pos, "EOF", self._line_at(self.pos)))

    def _lex_text(self):  # noqa: ANN202 - state functions return the next state
        x = self.input.find(self.left_delim, self.pos)
        if x >= 0:
            if x > self.pos:
                self.pos = x
                trim = 0
                delim_end = self.pos + len(self.left_delim)
                if has_left_trim_marker(self.input[delim_end:]):
                    text = self.input[self.start : self.pos]
                    trim = len(text) - len(text.rstrip(SPACE_CHARS))
                self.pos -= trim
                if self.pos > self.start:
                    self._emit(ItemType.TEXT)
                self.pos += trim
                self._ignore()
            return self._lex_left_delim
        self.pos = len(self.input)
        if self.pos > self.start:
            self._emit(ItemType.TEXT)
        self._emit(ItemType.EOF)
        return None

    def _lex_left_delim(self):  # noqa: ANN202
        self.pos += len(self.left_delim)
        trim_space = has_left_trim_marker(self.input[self.pos :])
        after_marker = TRIM_MARKER_LEN if trim_space else 0
        if self.input.startswith(LEFT_COMMENT, self.pos + after_marker):
            self.pos += after_marker
            self._ignore()
            return self._lex_comment
        self._emit(ItemType.LEFT_DELIM)
        self.pos += after_marker
        self._ignore()
        self.paren_depth = 0
        return self._lex_inside_action

    def _lex_comment(self):  # noqa: ANN202
        self.pos += len(LEFT_COMMENT)
        x = self.input.find(RIGHT_COMMENT, self.pos)
        if x < 0:
            self._errorf("unclosed comment")
            return None
        self.pos = x + len(RIGHT_COMMENT)
        delim, trim_space = self._at_right_delim()
        if not delim:
            self._errorf("comment ends before closing delimiter")
            return None
        comment = Item(
            ItemType.COMMENT,
            self.start,
            self.input[self.start : self.pos],
            self._line_at(self.start),
        )
        if trim_space:
            self.pos += TRIM_MARKER_LEN
        self.pos += len(self.right_delim)
        if trim_space:
            rest = self.input[self.pos :]
            self.pos += len(rest) - len(rest.lstrip(SPACE_CHARS))
        self._ignore()
        if self.emit_comment:
            self.items.append(comment)
        return self._lex_text

    def _lex_right_delim(self):  # noqa: ANN202
        _, trim_space = self._at_right_delim()
        if trim_space:
            self.pos += TRIM_MARKER_LEN
            self._ignore()
        self.pos += len(self.right_delim)
        self._emit(ItemType.RIGHT_DELIM)
        if trim_space:
            rest = self.input[self.pos :]
            self.pos += len(rest) - len(rest.lstrip(SPACE_CHARS))
            self._ignore()
        return self._lex_text

    def _lex_inside_action(self):  # noqa: ANN202, C901
        delim, _ = self._at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self._lex_right_delim
            self._errorf("unclosed left paren")
            return None
        ch = self._next()
        if ch == "":
            self._errorf("unclosed action")
            return None
        if is_space(ch):
            self._backup()  # put the space back in case we have " -}}"
            return self._lex_space
        if ch == "=":
            self._emit(ItemType.ASSIGN)
        elif ch == ":":
            if self._next() != "=":
                self._errorf("expected :=")
                return None
            self._emit(ItemType.DECLARE)
        elif ch == "|":
            self._emit(ItemType.PIPE)
        elif ch == '"':
            return self._lex_quote
        elif ch == "`":
            return self._lex_raw_quote
        elif ch == "$":
            return self._lex_variable
        elif ch == "'":
            return self._lex_char
        elif ch == "." and self.pos < len(self.input) and not "0" <= self._peek() <= "9":
            return self._lex_field  # ".field"; a "." before a digit or at the end is a number
        elif ch in ".+-" or "0" <= ch <= "9":
            self._backup()
            return self._lex_number
        elif is_alphanumeric(ch):
            self._backup()
            return self._lex_identifier
        elif ch == "(":
            self.paren_depth += 1
            self._emit(ItemType.LEFT_PAREN)
        elif ch == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                self._errorf("unexpected right paren")
                return None
            self._emit(ItemType.RIGHT_PAREN)
        elif ord(ch) < 0x80 and is_print(ch):
            self._emit(ItemType.CHAR)
        else:
            self._errorf(f"unrecognized character in action: {format_rune(ch)}")
            return None
        return self._lex_inside_action

    def _lex_space(self):  # noqa: ANN202
        num_spaces = 0
        while is_space(self._peek()):
            self._next()
            num_spaces += 1
        # A trim-marked closing delimiter has a minus after a space: leave it to lexRightDelim.
        rest = self.input[self.pos - 1 :]
        if has_right_trim_marker(rest) and rest[TRIM_MARKER_LEN:].startswith(self.right_delim):
            self._backup()  # before the space
            if num_spaces == 1:
                return self._lex_right_delim
        self._emit(ItemType.SPACE)
        return self._lex_inside_action

    def _lex_identifier(self):  # noqa: ANN202
        while True:
            ch = self._next()
            if is_alphanumeric(ch):
                continue
            self._backup()
            word = self.input[self.start : self.pos]
            if not self._at_terminator():
                self._errorf(f"bad character {format_rune(ch)}")
                return None
            keyword = KEYWORDS.get(word)
            if keyword is not None and keyword > ItemType.KEYWORD:
                if (keyword == ItemType.BREAK and not self.break_ok) or (
                    keyword == ItemType.CONTINUE and not self.continue_ok
                ):
                    self._emit(ItemType.IDENTIFIER)
                else:
                    self._emit(keyword)
            elif word[0] == ".":
                self._emit(ItemType.FIELD)
            elif word in ("true", "false"):
                self._emit(ItemType.BOOL)
            else:
                self._emit(ItemType.IDENTIFIER)
            return self._lex_inside_action

    def _lex_field(self):  # noqa: ANN202
        return self._lex_field_or_variable(ItemType.FIELD)

    def _lex_variable(self):  # noqa: ANN202
        if self._at_terminator():
            self._emit(ItemType.VARIABLE)
            return self._lex_inside_action
        return self._lex_field_or_variable(ItemType.VARIABLE)

    def _lex_field_or_variable(self, typ: ItemType):  # noqa: ANN202
        if self._at_terminator():
            self._emit(ItemType.VARIABLE if typ == ItemType.VARIABLE else ItemType.DOT)
            return self._lex_inside_action
        while True:
            ch = self._next()
            if not is_alphanumeric(ch):
                self._backup()
                break
        if not self._at_terminator():
            self._errorf(f"bad character {format_rune(ch)}")
            return None
        self._emit(typ)
        return self._lex_inside_action

    def _lex_char(self):  # noqa: ANN202
        return self._lex_quoted("'", ItemType.CHAR_CONSTANT, "unterminated character constant")

    def _lex_number(self):  # noqa: ANN202
        if not self._scan_number():
            self._errorf(f"bad number syntax: {quote(self.input[self.start : self.pos])}")
            return None
        if self._peek() in ("+", "-"):
            # Complex: 1+2i. No spaces, must end in 'i'.
            if not self._scan_number() or self.input[self.pos - 1] != "i":
                self._errorf(f"bad number syntax: {quote(self.input[self.start : self.pos])}")
                return None
            self._emit(ItemType.COMPLEX)
        else:
            self._emit(ItemType.NUMBER)
        return self._lex_inside_action

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            # Note: a leading 0 does not mean octal in floats.
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 10 + 1 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 16 + 6 + 1 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        if is_alphanumeric(self._peek()):
            self._next()
            return False
        return True

    def _lex_quote(self):  # noqa: ANN202
        return self._lex_quoted('"', ItemType.STRING, "unterminated quoted string")

    def _lex_quoted(self, closing: str, typ: ItemType, unterminated: str):  # noqa: ANN202
        """Up to the closing quote, skipping backslash escapes (lexChar and lexQuote in Go)."""
        while True:
            ch = self._next()
            if ch == "\\":
                ch = self._next()
                if ch not in ("", "\n"):
                    continue
            if ch in ("", "\n"):
                self._errorf(unterminated)
                return None
            if ch == closing:
                break
        self._emit(typ)
        return self._lex_inside_action

    def _lex_raw_quote(self):  # noqa: ANN202
        while True:
            ch = self._next()
            if ch == "":
                self._errorf("unterminated raw quoted string")
                return None
            if ch == "`":
                break
        self._emit(ItemType.RAW_STRING)
        return self._lex_inside_action
