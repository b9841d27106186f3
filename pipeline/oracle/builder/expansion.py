"""Variable substitution in Dockerfile words, as BuildKit's shell lexer does it.

A port of moby/buildkit `frontend/dockerfile/shell/lex.go` (the `Lex` used for FROM, COPY, ENV,
LABEL, WORKDIR, ... and for the progress labels): `$VAR`, `${VAR}`, `${VAR:-default}`,
`${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?msg}`, `${VAR#pat}`, `${VAR%pat}` (and the
greedy `##`/`%%`), `${VAR/pat/repl}` and `${VAR//pat/repl}`; single quotes keep everything,
double quotes keep everything but `$` and the escape token; the escape token (`\\` or the
`# escape=` directive's backtick) escapes the next character. Words are split on white space
outside quotes *after* substitution, like the Go code (ProcessWords).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

EOF = ""
_SPECIAL_PARAMS = set("@*#?-$!0")


class ExpansionError(Exception):
    """A malformed substitution (`${}`), an unterminated quote or a failed `${VAR:?msg}`."""


@dataclass
class Expansion:
    result: str
    words: list[str]
    matched: set[str] = field(default_factory=set)
    unmatched: set[str] = field(default_factory=set)


@dataclass
class Lexer:
    escape: str = "\\"
    raw_quotes: bool = False  # keep the quote characters in the result (progress labels)
    raw_escapes: bool = False
    skip_process_quotes: bool = False  # quotes are ordinary characters (heredoc bodies)
    skip_unset: bool = False  # leave `$UNSET` as written (progress labels)

    def process(self, word: str, env: dict[str, str]) -> Expansion:
        scan = _Scan(self, word, env)
        try:
            result, words = scan.stop_on(EOF, self.raw_escapes)
        except ExpansionError as error:
            raise ExpansionError(f"failed to process {_go_quote(word)}: {error}") from None
        return Expansion(result, words, scan.matched, scan.unmatched)

    def word(self, word: str, env: dict[str, str]) -> str:
        return self.process(word, env).result

    def words(self, word: str, env: dict[str, str]) -> list[str]:
        return self.process(word, env).words


def _go_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped.replace(chr(9), chr(92) + "t")}"'


class _Words:
    """Word splitting of the substituted text (lex.go `wordsStruct`)."""

    def __init__(self) -> None:
        self.word = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch.isspace():
            if self.in_word and self.word:
                self.words.append(self.word)
                self.word = ""
                self.in_word = False
        else:
            self.add_raw(ch)

    def add_raw(self, text: str) -> None:
        self.word += text
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def result(self) -> list[str]:
        if self.word:
            self.words.append(self.word)
            self.word = ""
            self.in_word = False
        return self.words


class _Scan:
    def __init__(self, lex: Lexer, text: str, env: dict[str, str]) -> None:
        self.lex = lex
        self.text = text
        self.pos = 0
        self.env = env
        self.raw_escapes = lex.raw_escapes
        self.matched: set[str] = set()
        self.unmatched: set[str] = set()

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else EOF

    def next(self) -> str:
        ch = self.peek()
        if ch != EOF:
            self.pos += 1
        return ch

    def stop_on(self, stop: str, raw_escapes: bool) -> tuple[str, list[str]]:
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        try:
            return self._stop_on(stop)
        finally:
            self.raw_escapes = saved

    def _stop_on(self, stop: str) -> tuple[str, list[str]]:
        result: list[str] = []
        words = _Words()
        quotes = {} if self.lex.skip_process_quotes else {"'": self.single, '"': self.double}
        while self.peek() != EOF:
            ch = self.peek()
            if stop != EOF and ch == stop:
                self.next()
                return "".join(result), words.result()
            if ch == "$":
                text = self.dollar()
                result.append(text)
                words.add_string(text)
            elif ch in quotes:
                text = quotes[ch]()
                result.append(text)
                words.add_raw(text)
            else:
                ch = self.next()
                if ch == self.lex.escape:
                    if self.raw_escapes:
                        words.add_raw(ch)
                        result.append(ch)
                    ch = self.next()
                    if ch == EOF:
                        break
                    words.add_raw(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
        if stop != EOF:
            raise ExpansionError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.result()

    def single(self) -> str:
        opening = self.next()
        out = [opening] if self.lex.raw_quotes else []
        while True:
            ch = self.next()
            if ch == EOF:
                raise ExpansionError(
                    "unexpected end of statement while looking for matching single-quote"
                )
            if ch == "'":
                if self.lex.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def double(self) -> str:
        opening = self.next()
        out = [opening] if self.lex.raw_quotes else []
        while True:
            ch = self.peek()
            if ch == EOF:
                raise ExpansionError(
                    "unexpected end of statement while looking for matching double-quote"
                )
            if ch == '"':
                self.next()
                if self.lex.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            ch = self.next()
            if ch == self.lex.escape:
                if self.raw_escapes:
                    out.append(ch)
                following = self.peek()
                if following == EOF:
                    continue  # a trailing escape is dropped
                if following in ('"', "$", self.lex.escape):
                    ch = self.next()
            out.append(ch)

    def name(self) -> str:
        name = ""
        while self.peek() != EOF:
            ch = self.peek()
            if not name and ch.isdigit():
                while self.peek() != EOF and self.peek().isdigit():
                    name += self.next()
                return name
            if not name and ch in _SPECIAL_PARAMS:
                return self.next()
            if not (ch.isalpha() or ch.isdigit() or ch == "_"):
                break
            name += self.next()
        return name

    def get(self, name: str) -> tuple[str, bool]:
        if name in self.env:
            self.matched.add(name)
            return self.env[name], True
        self.unmatched.add(name)
        return "", False

    def dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self.name()
            if not name:
                return "$"
            value, found = self.get(name)
            if not found and self.lex.skip_unset:
                return "$" + name
            return value
        self.next()
        if self.peek() == EOF:
            raise ExpansionError("syntax error: missing '}'")
        if self.peek() in "{}:":
            raise ExpansionError("syntax error: bad substitution")
        name = self.name()
        ch = self.next()
        if ch == "}":
            value, found = self.get(name)
            if not found and self.lex.skip_unset:
                return "${" + name + "}"
            return value
        if ch == "/":
            return self._replace(name)
        modifier = ch
        null_is_unset = False
        if ch == ":":
            null_is_unset = True
            ch = self.next()
            modifier += ch
        if ch not in ("+", "-", "?", "#", "%"):
            raise ExpansionError(f"unsupported modifier ({modifier}) in substitution")
        try:
            word, _ = self.stop_on("}", ch in "#%")
        except ExpansionError:
            if self.peek() == EOF:
                raise ExpansionError("syntax error: missing '}'") from None
            raise
        value, found = self.get(name)
        if self.lex.skip_unset and not found:
            return "${" + name + modifier + word + "}"
        empty = not found or (null_is_unset and value == "")
        if ch == "-":
            return word if empty else value
        if ch == "+":
            return "" if empty else word
        if ch == "?":
            if not found:
                raise ExpansionError(f"{name}: {word or 'is not allowed to be unset'}")
            if null_is_unset and value == "":
                raise ExpansionError(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        greedy = bool(word) and word[0] == ch
        if greedy:
            word = word[1:]
        if ch == "%":
            return _trim_suffix(word, value, greedy)
        return _trim_prefix(word, value, greedy)

    def _replace(self, name: str) -> str:
        replace_all = self.peek() == "/"
        if replace_all:
            self.next()
        try:
            pattern, _ = self.stop_on("/", True)
        except ExpansionError:
            if self.peek() == EOF:
                raise ExpansionError("syntax error: missing '/' in ${}") from None
            raise
        try:
            replacement, _ = self.stop_on("}", True)
        except ExpansionError:
            if self.peek() == EOF:
                raise ExpansionError("syntax error: missing '}'") from None
            raise
        value, found = self.get(name)
        if self.lex.skip_unset and not found:
            return "${" + f"{name}/{pattern}/{replacement}" + "}"
        regex = _pattern_regex(pattern, greedy=True, anchored=False)
        if replace_all:
            return regex.sub(lambda _: replacement, value)
        return regex.sub(lambda _: replacement, value, count=1)


def _pattern_regex(pattern: str, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """A shell pattern (`*`, `?`, backslash escapes; no brackets) as a regular expression."""
    out = "^" if anchored else ""
    star = ".*" if greedy else ".*?"
    i = 0
    while i < len(pattern):
        tok = pattern[i]
        i += 1
        if tok == "*":
            out += star
        elif tok == "?":
            out += "."
        elif tok == "\\":
            following = pattern[i] if i < len(pattern) else ""
            if following in ("}", "/"):
                continue  # the escape protected a ${} delimiter; it is not part of the pattern
            if following not in ("*", "?", "\\"):
                raise ExpansionError(
                    f"invalid pattern ({pattern}) in substitution: invalid escape '\\{following}'"
                )
            out += "\\" + following
            i += 1
        else:
            out += re.escape(tok)
    return re.compile(out)


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    match = _pattern_regex(pattern, greedy, anchored=True).match(value)
    return value[match.end() :] if match else value


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern, each escape staying before its character (`a\\*c` -> `c\\*a`)."""
    tokens: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i != len(pattern) - 1:
            tokens.append(pattern[i : i + 2])
            i += 2
        else:
            tokens.append(pattern[i])
            i += 1
    return "".join(reversed(tokens))


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # A regular expression cannot find the shortest rightmost match, so reverse both sides.
    return _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy)[::-1]
