"""Tokens of the shell language, read character by character as dash reads them.

Words keep their quoting as parts (see `nodes.py`). `$(...)` is parsed in place by calling back
into the parser on the same text, so nesting needs no separate matching of parentheses. The
bodies of here-documents are read when the line holding their `<<` operator ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.oracle.shell.nodes import (
    Arith,
    CommandSub,
    DoubleQuoted,
    Lit,
    Node,
    Param,
    Part,
    Quoted,
    Redirect,
    Word,
)

META = frozenset(" \t\n;&|()<>")
OPERATORS = ("&&", "||", ";;", ";", "&", "|", "(", ")")
REDIRECTIONS = ("<<-", "<<", ">>", ">|", "<>", "<&", ">&", "<", ">")
SPECIAL_PARAMS = frozenset("@*#?-$!")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
IO_NUMBER = re.compile(r"[0-9]+(?=[<>])")


class ShellSyntaxError(Exception):
    """What dash reports as `sh: LINE: Syntax error: MESSAGE` (or a bare `Bad substitution`)."""

    def __init__(self, message: str, line: int, prefix: str = "Syntax error: ") -> None:
        super().__init__(f"{prefix}{message}")
        self.line = line


@dataclass
class Token:
    kind: str  # word, op, redir, newline, eof
    line: int
    value: str = ""  # the operator for op and redir
    word: Word | None = None
    fd: int | None = None  # the IO number before a redirection (`2>`)


@dataclass
class HereDoc:
    redirect: Redirect
    delimiter: str
    strip_tabs: bool
    quoted: bool


class Lexer:
    def __init__(self, text: str, line: int = 1) -> None:
        self.text = text
        self.pos = 0
        self.line = line
        self.pending: list[HereDoc] = []
        self.heredocs: list[HereDoc] = []  # every here-document seen, for the scenario reader
        # Set by the parser: parses a command list up to the `)` closing a `$(`.
        self.parse_subcommand: Callable[[], Node] = _no_parser
        self.parse_text: Callable[[str, int], Node] = _no_text_parser
        # Set by the parser: a lexer for a here-document body or an arithmetic expression, wired
        # to a parser of its own so that `$(...)` inside them parses too.
        self.make_child: Callable[[str, int], Lexer] = Lexer

    # -- tokens -------------------------------------------------------------------------------

    def next_token(self) -> Token:
        self._skip_blanks()
        text, pos = self.text, self.pos
        if pos >= len(text):
            return Token("eof", self.line)
        c = text[pos]
        if c == "\n":
            self.pos += 1
            token = Token("newline", self.line)
            self.line += 1
            self.read_heredoc_bodies()
            return token
        number = IO_NUMBER.match(text, pos)
        if number:
            self.pos = number.end()
            return self._redirection(int(number.group()))
        if c in "<>":
            return self._redirection(None)
        if c in META:
            for op in OPERATORS:
                if text.startswith(op, pos):
                    self.pos += len(op)
                    return Token("op", self.line, op)
        line = self.line
        return Token("word", line, word=self.read_word())

    def _redirection(self, fd: int | None) -> Token:
        for op in REDIRECTIONS:
            if self.text.startswith(op, self.pos):
                self.pos += len(op)
                return Token("redir", self.line, op, fd=fd)
        raise AssertionError("not a redirection")

    def _skip_blanks(self) -> None:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t":
                self.pos += 1
            elif c == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
                self.line += 1
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    # -- words --------------------------------------------------------------------------------

    def read_word(self) -> Word:
        parts: list[Part] = []
        buf: list[str] = []
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in META:
                break
            if c == "\\":
                if text.startswith("\\\n", self.pos):
                    self.pos += 2
                    self.line += 1
                    continue
                _flush(buf, parts)
                self.pos += 1
                if self.pos < len(text):
                    parts.append(Quoted(text[self.pos]))
                    self.pos += 1
                else:
                    parts.append(Lit("\\"))
            elif c == "'":
                _flush(buf, parts)
                parts.append(Quoted(self._single_quoted()))
            elif c == '"':
                _flush(buf, parts)
                self.pos += 1
                parts.append(DoubleQuoted(tuple(self._double_quoted())))
            elif c == "$":
                _flush(buf, parts)
                parts.append(self._dollar(quoted=False))
            elif c == "`":
                _flush(buf, parts)
                parts.append(self._backquoted(quoted=False))
            else:
                buf.append(c)
                self.pos += 1
        _flush(buf, parts)
        return Word(tuple(parts))

    def _single_quoted(self) -> str:
        end = self.text.find("'", self.pos + 1)
        if end < 0:
            raise ShellSyntaxError("Unterminated quoted string", self.line)
        value = self.text[self.pos + 1 : end]
        self.line += value.count("\n")
        self.pos = end + 1
        return value

    def _double_quoted(self) -> list[Part]:
        """The parts up to the closing `"` (the opening one is already consumed)."""
        parts: list[Part] = []
        buf: list[str] = []
        text = self.text
        while True:
            if self.pos >= len(text):
                raise ShellSyntaxError("Unterminated quoted string", self.line)
            c = text[self.pos]
            if c == '"':
                self.pos += 1
                break
            if c == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in '$`"\\\n':
                if text[self.pos + 1] == "\n":
                    self.line += 1
                else:
                    buf.append(text[self.pos + 1])
                self.pos += 2
            elif c == "$":
                _flush(buf, parts)
                parts.append(self._dollar(quoted=True))
            elif c == "`":
                _flush(buf, parts)
                parts.append(self._backquoted(quoted=True))
            else:
                if c == "\n":
                    self.line += 1
                buf.append(c)
                self.pos += 1
        _flush(buf, parts)
        return parts

    def _dollar(self, quoted: bool) -> Part:
        text, pos = self.text, self.pos + 1
        nxt = text[pos] if pos < len(text) else ""
        if nxt == "{":
            self.pos = pos + 1
            return self._braced(quoted)
        if text.startswith("((", pos):
            return self._arithmetic()
        if nxt == "(":
            self.pos = pos + 1
            return CommandSub(self.parse_subcommand())
        name = NAME.match(text, pos)
        if name:
            self.pos = name.end()
            return Param(name.group())
        if nxt.isdigit() or (nxt and nxt in SPECIAL_PARAMS):
            self.pos = pos + 1
            return Param(nxt)
        self.pos = pos
        return Lit("$")

    def _braced(self, quoted: bool) -> Param:
        """`${...}` after the `${`."""
        text = self.text
        if text.startswith("#", self.pos) and not text.startswith("#}", self.pos):
            self.pos += 1
            name = self._param_name()
            self._expect_brace()
            return Param(name, "len")
        name = self._param_name()
        if self.pos >= len(text):
            raise ShellSyntaxError("Missing '}'", self.line)
        c = text[self.pos]
        if c == "}":
            self.pos += 1
            return Param(name)
        colon = c == ":"
        if colon:
            self.pos += 1
            c = text[self.pos] if self.pos < len(text) else ""
            if c not in ("-", "=", "+", "?"):
                raise ShellSyntaxError("Missing '}'", self.line)
        if c in ("-", "=", "+", "?"):
            op = c
        elif c in ("%", "#"):
            op = c * 2 if text.startswith(c * 2, self.pos) else c
        else:
            raise ShellSyntaxError("Bad substitution", self.line, prefix="")
        self.pos += len(op)
        return Param(name, op, colon, self._brace_argument(quoted))

    def _param_name(self) -> str:
        text, pos = self.text, self.pos
        match = NAME.match(text, pos)
        if match:
            self.pos = match.end()
            return match.group()
        if pos < len(text) and text[pos].isdigit():
            end = pos
            while end < len(text) and text[end].isdigit():
                end += 1
            self.pos = end
            if end < len(text) and text[end] not in "}:-=+?%#":
                raise ShellSyntaxError("Bad substitution", self.line, prefix="")
            return text[pos:end]
        if pos < len(text) and text[pos] in SPECIAL_PARAMS:
            self.pos = pos + 1
            return text[pos]
        raise ShellSyntaxError("Bad substitution", self.line, prefix="")

    def _expect_brace(self) -> None:
        if not self.text.startswith("}", self.pos):
            raise ShellSyntaxError("Bad substitution", self.line, prefix="")
        self.pos += 1

    def _brace_argument(self, quoted: bool) -> Word:
        """The word after the operator in `${x:-word}`, up to the matching `}`."""
        parts: list[Part] = []
        buf: list[str] = []
        text = self.text
        depth = 0
        while True:
            if self.pos >= len(text):
                raise ShellSyntaxError("Missing '}'", self.line)
            c = text[self.pos]
            if c == "}" and depth == 0:
                self.pos += 1
                break
            if c == "\\" and self.pos + 1 < len(text):
                _flush(buf, parts)
                parts.append(Quoted(text[self.pos + 1]))
                self.pos += 2
            elif c == "'" and not quoted:
                _flush(buf, parts)
                parts.append(Quoted(self._single_quoted()))
            elif c == '"':
                _flush(buf, parts)
                self.pos += 1
                parts.append(DoubleQuoted(tuple(self._double_quoted())))
            elif c == "$":
                _flush(buf, parts)
                parts.append(self._dollar(quoted))
            elif c == "`":
                _flush(buf, parts)
                parts.append(self._backquoted(quoted))
            else:
                depth += (c == "{") - (c == "}")
                if c == "\n":
                    self.line += 1
                buf.append(c)
                self.pos += 1
        _flush(buf, parts)
        if quoted:  # inside "...", the argument is quoted too: no splitting, no globbing
            return Word((DoubleQuoted(tuple(parts)),))
        return Word(tuple(parts))

    def _arithmetic(self) -> Arith:
        """`$((expr))`: the expression is expanded like a here-document, then evaluated."""
        text = self.text
        start = self.pos + 3
        depth = 0
        pos = start
        while pos < len(text):
            c = text[pos]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    if text.startswith("))", pos):
                        break
                    raise ShellSyntaxError("Missing '))'", self.line)
                depth -= 1
            pos += 1
        else:
            raise ShellSyntaxError("Missing '))'", self.line)
        inner = self.make_child(text[start:pos], self.line)
        self.pos = pos + 2
        return Arith(Word(tuple(inner.expansion_parts())))

    def _backquoted(self, quoted: bool) -> CommandSub:
        """Old-style `...`: backslash escapes $ ` \\ (and " inside double quotes), then parse."""
        text = self.text
        pos = self.pos + 1
        out: list[str] = []
        line = self.line
        while True:
            if pos >= len(text):
                raise ShellSyntaxError("EOF in backquote substitution", self.line)
            c = text[pos]
            if c == "`":
                break
            if c == "\\" and pos + 1 < len(text):
                nxt = text[pos + 1]
                if nxt in "$`\\" or (quoted and nxt == '"'):
                    out.append(nxt)
                    pos += 2
                    continue
                if nxt == "\n":
                    pos += 2
                    self.line += 1
                    continue
            if c == "\n":
                self.line += 1
            out.append(c)
            pos += 1
        self.pos = pos + 1
        return CommandSub(self.parse_text("".join(out), line))

    def expansion_parts(self) -> list[Part]:
        """The whole text as a here-document body: `$`, backquotes and `\\$` only, all quoted."""
        parts: list[Part] = []
        buf: list[str] = []
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in "$`\\\n":
                if text[self.pos + 1] != "\n":
                    buf.append(text[self.pos + 1])
                self.pos += 2
            elif c == "$":
                _flush(buf, parts)
                parts.append(self._dollar(quoted=True))
            elif c == "`":
                _flush(buf, parts)
                parts.append(self._backquoted(quoted=True))
            else:
                buf.append(c)
                self.pos += 1
        _flush(buf, parts)
        return parts

    # -- here-documents -----------------------------------------------------------------------

    def add_heredoc(self, redirect: Redirect, delimiter_word: Word) -> None:
        quoted = any(not isinstance(p, Lit) for p in delimiter_word.parts)
        doc = HereDoc(redirect, _plain_text(delimiter_word), redirect.op == "<<-", quoted)
        self.pending.append(doc)
        self.heredocs.append(doc)

    def read_heredoc_bodies(self) -> None:
        """Called after a newline: each pending here-document takes lines up to its delimiter."""
        pending, self.pending = self.pending, []
        for doc in pending:
            lines: list[str] = []
            line_no = self.line
            while self.pos < len(self.text):
                end = self.text.find("\n", self.pos)
                end = len(self.text) if end < 0 else end
                raw = self.text[self.pos : end]
                self.pos = min(end + 1, len(self.text))
                self.line += 1
                if doc.strip_tabs:
                    raw = raw.lstrip("\t")
                if raw == doc.delimiter:
                    break
                lines.append(raw + "\n")
            body = "".join(lines)
            if doc.quoted:
                doc.redirect.target = Word((Quoted(body),))
            else:
                inner = self.make_child(body, line_no)
                doc.redirect.target = Word((DoubleQuoted(tuple(inner.expansion_parts())),))


def _flush(buf: list[str], parts: list[Part]) -> None:
    if buf:
        parts.append(Lit("".join(buf)))
        buf.clear()


def _plain_text(word: Word) -> str:
    """A here-document delimiter with its quotes removed (expansions are not performed)."""
    out: list[str] = []
    for part in word.parts:
        if isinstance(part, Lit | Quoted):
            out.append(part.text)
        elif isinstance(part, DoubleQuoted):
            out.append(_plain_text(Word(part.parts)))
        elif isinstance(part, Param):
            out.append("$" + part.name)
    return "".join(out)


def _no_parser() -> Node:
    raise AssertionError("Lexer.parse_subcommand is set by the parser")


def _no_text_parser(text: str, line: int) -> Node:
    raise AssertionError("Lexer.parse_text is set by the parser")
