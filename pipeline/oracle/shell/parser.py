"""A recursive-descent parser for the POSIX shell grammar, with dash's syntax-error wording.

`parse(text)` returns one `Node` for the whole script (or None when it holds no command).
Errors read like dash's: `Syntax error: "fi" unexpected (expecting "done")`.
"""

from __future__ import annotations

import contextlib

from pipeline.oracle.shell.lexer import NAME, Lexer, ShellSyntaxError, Token
from pipeline.oracle.shell.limits import LimitExceeded
from pipeline.oracle.shell.nodes import (
    AndOr,
    Assign,
    Case,
    CaseItem,
    Command,
    For,
    FunctionDef,
    Group,
    If,
    Lit,
    Loop,
    Node,
    Pipeline,
    Redirect,
    Redirected,
    Sequence,
    Word,
)

# Reserved words that end a compound list; they can never start a command.
LIST_ENDS = frozenset({"then", "else", "elif", "fi", "do", "done", "esac", "}"})
RESERVED = LIST_ENDS | {"if", "while", "until", "for", "case", "{", "!", "in"}
DEFAULT_MAX_DEPTH = 40


class Parser:
    def __init__(self, text: str, line: int = 1, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.lexer = Lexer(text, line)
        self.lexer.parse_subcommand = self._subcommand
        self.lexer.parse_text = self._text
        self.lexer.make_child = self._child_lexer
        self.max_depth = max_depth
        self.depth = 0
        self.peeked: Token | None = None

    # -- token access -------------------------------------------------------------------------

    def peek(self) -> Token:
        if self.peeked is None:
            self.peeked = self.lexer.next_token()
        return self.peeked

    def take(self) -> Token:
        token = self.peek()
        self.peeked = None
        return token

    def keyword(self, token: Token | None = None) -> str | None:
        token = token or self.peek()
        if token.kind != "word":
            return None
        text = token.word.literal()  # type: ignore[union-attr]
        return text if text in RESERVED else None

    def skip_newlines(self) -> None:
        while self.peek().kind == "newline":
            self.take()

    def unexpected(self, token: Token, expecting: str | None = None) -> ShellSyntaxError:
        if token.kind == "eof":
            what = "end of file"
        elif token.kind == "newline":
            what = "newline"
        elif token.kind == "word":
            kw = self.keyword(token)
            what = f'"{kw}"' if kw else "word"
        else:
            what = f'"{token.value}"'
        tail = f' (expecting "{expecting}")' if expecting else ""
        return ShellSyntaxError(f"{what} unexpected{tail}", self.lexer.line)

    def expect_keyword(self, word: str) -> Token:
        token = self.peek()
        if self.keyword(token) != word:
            raise self.unexpected(token, word)
        return self.take()

    def expect_op(self, op: str) -> Token:
        token = self.peek()
        if token.kind != "op" or token.value != op:
            raise self.unexpected(token, op)
        return self.take()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise LimitExceeded("max_depth", self.max_depth, "nesting depth of the script")

    # -- grammar ------------------------------------------------------------------------------

    def parse_script(self) -> Node | None:
        node = self.parse_list()
        token = self.peek()
        if token.kind != "eof":
            raise self.unexpected(token)
        return node

    def parse_complete_command(self) -> Node | None:
        """The next command line: and-or lists up to a newline (None at the end of the text).
        Running a script line by line, as dash does, lets earlier lines run before a later
        syntax error is found."""
        self.skip_newlines()
        if self.peek().kind == "eof":
            return None
        items: list[Node] = []
        while True:
            items.append(self.parse_and_or())
            token = self.peek()
            if token.kind == "op" and token.value in (";", "&"):
                self.take()
                if self.peek().kind in ("newline", "eof"):
                    break
                continue
            if token.kind in ("newline", "eof"):
                break
            raise self.unexpected(token)
        if self.peek().kind == "newline":
            self.take()
        return items[0] if len(items) == 1 else Sequence(tuple(items))

    def parse_list(self) -> Node | None:
        """A compound list: and-or lists separated by `;`, `&` or newlines."""
        items: list[Node] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token.kind == "eof":
                break
            if self.keyword(token) in LIST_ENDS or (
                token.kind == "op" and token.value in (")", ";;")
            ):
                if not items:
                    raise self.unexpected(token)
                break
            items.append(self.parse_and_or())
            token = self.peek()
            if token.kind == "op" and token.value in (";", "&"):
                self.take()  # `&` runs in the foreground: the simulation has no job control
            elif token.kind != "newline":
                break
        if not items:
            return None
        return items[0] if len(items) == 1 else Sequence(tuple(items))

    def parse_and_or(self) -> Node:
        first = self.parse_pipeline()
        rest: list[tuple[str, Node]] = []
        while self.peek().kind == "op" and self.peek().value in ("&&", "||"):
            op = self.take().value
            self.skip_newlines()
            rest.append((op, self.parse_pipeline()))
        return AndOr(first, tuple(rest)) if rest else first

    def parse_pipeline(self) -> Node:
        negated = False
        if self.keyword() == "!":
            self.take()
            negated = True
        commands = [self.parse_command()]
        while self.peek().kind == "op" and self.peek().value == "|":
            self.take()
            self.skip_newlines()
            commands.append(self.parse_command())
        if len(commands) == 1 and not negated:
            return commands[0]
        return Pipeline(tuple(commands), negated)

    def parse_command(self) -> Node:
        token = self.peek()
        kw = self.keyword(token)
        compound = {
            "if": self.parse_if,
            "while": self.parse_loop,
            "until": self.parse_loop,
            "for": self.parse_for,
            "case": self.parse_case,
            "{": self.parse_brace_group,
        }.get(kw or "")
        if compound is None and token.kind == "op" and token.value == "(":
            compound = self.parse_subshell
        if compound is not None:
            self.enter()
            node = compound()
            self.depth -= 1
            return self.finish_compound(node)
        if kw is not None or token.kind not in ("word", "redir"):
            raise self.unexpected(token)
        return self.parse_simple_command()

    def finish_compound(self, node: Node) -> Node:
        redirects = []
        while self.peek().kind == "redir":
            redirects.append(self.parse_redirect(self.take()))
        token = self.peek()
        if token.kind == "word":
            raise self.unexpected(token)
        return Redirected(node, tuple(redirects)) if redirects else node

    def parse_simple_command(self) -> Node:
        line = self.peek().line
        assigns: list[Assign] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            token = self.peek()
            if token.kind == "redir":
                redirects.append(self.parse_redirect(self.take()))
            elif token.kind == "word":
                self.take()
                assign = None if words else _assignment(token.word)  # type: ignore[arg-type]
                if assign is not None:
                    assigns.append(assign)
                else:
                    words.append(token.word)  # type: ignore[arg-type]
                    if len(words) == 1 and not assigns and not redirects and self._at_paren():
                        return self.parse_function(token)
            else:
                break
        return Command(tuple(assigns), tuple(words), tuple(redirects), line)

    def _at_paren(self) -> bool:
        token = self.peek()
        return token.kind == "op" and token.value == "("

    def parse_function(self, name_token: Token) -> Node:
        name = name_token.word.literal()  # type: ignore[union-attr]
        if name is None or not NAME.fullmatch(name):
            raise ShellSyntaxError("Bad function name", self.lexer.line)
        self.take()
        self.expect_op(")")
        self.skip_newlines()
        return FunctionDef(name, self.parse_command())

    def parse_redirect(self, token: Token) -> Redirect:
        op = token.value
        fd = token.fd if token.fd is not None else (0 if op[0] == "<" else 1)
        target = self.take()
        if target.kind != "word":
            raise self.unexpected(target)
        redirect = Redirect(fd, op, target.word)  # type: ignore[arg-type]
        if op in ("<<", "<<-"):
            self.lexer.add_heredoc(redirect, target.word)  # type: ignore[arg-type]
        return redirect

    # -- compound commands --------------------------------------------------------------------

    def parse_if(self) -> Node:
        self.take()
        branches: list[tuple[Node, Node]] = []
        otherwise = None
        while True:
            condition = self.parse_list()
            self.expect_keyword("then")
            body = self.parse_list()
            branches.append((_or_true(condition), _or_true(body)))
            token = self.peek()
            kw = self.keyword(token)
            if kw == "elif":
                self.take()
                continue
            if kw == "else":
                self.take()
                otherwise = _or_true(self.parse_list())
            self.expect_keyword("fi")
            return If(tuple(branches), otherwise)

    def parse_loop(self) -> Node:
        until = self.take().word.literal() == "until"  # type: ignore[union-attr]
        condition = self.parse_list()
        body = self.parse_do_group()
        return Loop(_or_true(condition), body, until)

    def parse_do_group(self) -> Node:
        self.expect_keyword("do")
        body = self.parse_list()
        self.expect_keyword("done")
        return _or_true(body)

    def parse_for(self) -> Node:
        line = self.take().line
        token = self.take()
        name = token.word.literal() if token.kind == "word" else None  # type: ignore[union-attr]
        if name is None or not NAME.fullmatch(name):
            raise ShellSyntaxError("Bad for loop variable", self.lexer.line)
        self.skip_newlines()
        items: list[Word] | None = None
        if self.keyword() == "in":
            self.take()
            items = []
            while self.peek().kind == "word":
                items.append(self.take().word)  # type: ignore[arg-type]
            token = self.peek()
            if token.kind == "op" and token.value == ";":
                self.take()
            elif token.kind != "newline":
                raise self.unexpected(token)
            self.skip_newlines()
        elif self.peek().kind == "op" and self.peek().value == ";":
            self.take()
            self.skip_newlines()
        body = self.parse_do_group()
        return For(name, tuple(items) if items is not None else None, body, line)

    def parse_case(self) -> Node:
        self.take()
        token = self.take()
        if token.kind != "word":
            raise self.unexpected(token)
        subject: Word = token.word  # type: ignore[assignment]
        self.skip_newlines()
        self.expect_keyword("in")
        items: list[CaseItem] = []
        while True:
            self.skip_newlines()
            if self.keyword() == "esac":
                self.take()
                return Case(subject, tuple(items))
            if self.peek().kind == "op" and self.peek().value == "(":
                self.take()
            patterns = [self._case_pattern()]
            while self.peek().kind == "op" and self.peek().value == "|":
                self.take()
                patterns.append(self._case_pattern())
            self.expect_op(")")
            body = self._case_body()
            items.append(CaseItem(tuple(patterns), body))
            token = self.peek()
            if token.kind == "op" and token.value == ";;":
                self.take()
            elif self.keyword(token) != "esac":
                raise self.unexpected(token, ";;")

    def _case_pattern(self) -> Word:
        token = self.peek()
        if token.kind != "word":
            raise self.unexpected(token, ")")
        return self.take().word  # type: ignore[return-value]

    def _case_body(self) -> Node | None:
        self.skip_newlines()
        token = self.peek()
        if (token.kind == "op" and token.value == ";;") or self.keyword(token) == "esac":
            return None
        return self.parse_list()

    def parse_brace_group(self) -> Node:
        self.take()
        body = self.parse_list()
        self.expect_keyword("}")
        return Group(_or_true(body))

    def parse_subshell(self) -> Node:
        self.take()
        body = self.parse_list()
        self.expect_op(")")
        return Group(_or_true(body), subshell=True)

    # -- nested scripts -----------------------------------------------------------------------

    def _subcommand(self) -> Node:
        """The body of `$(...)`, read from the same text up to its closing parenthesis."""
        saved, self.peeked = self.peeked, None
        self.enter()
        body = self.parse_list()
        self.expect_op(")")
        self.depth -= 1
        self.peeked = saved
        return _or_true(body)

    def _child_lexer(self, text: str, line: int) -> Lexer:
        inner = Parser(text, line, self.max_depth)
        inner.depth = self.depth
        return inner.lexer

    def _text(self, text: str, line: int) -> Node:
        """A backquoted command or an expansion inside a here-document, parsed on its own."""
        self.enter()
        inner = Parser(text, line, self.max_depth)
        inner.depth = self.depth
        node = inner.parse_script()
        self.depth -= 1
        return _or_true(node)


def _or_true(node: Node | None) -> Node:
    """An empty list (`$()`, an empty `then`) behaves as a command that succeeds."""
    return node if node is not None else Command((), (), (), 0)


def _assignment(word: Word) -> Assign | None:
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Lit) or "=" not in first.text:
        return None
    name, _, rest = first.text.partition("=")
    if not NAME.fullmatch(name):
        return None
    parts = ((Lit(rest),) if rest else ()) + word.parts[1:]
    return Assign(name, Word(parts))


def parse(text: str, line: int = 1, max_depth: int = DEFAULT_MAX_DEPTH) -> Node | None:
    return Parser(text, line, max_depth).parse_script()


def heredoc_delimiters(text: str) -> list[tuple[str, bool]]:
    """The here-documents a command line opens, as (delimiter, strip_tabs), in order.

    The scenario reader uses it to know which following lines belong to the command. A line that
    does not parse yields what was seen before the error: running it reports the error.
    """
    parser = Parser(text)
    with contextlib.suppress(ShellSyntaxError, LimitExceeded):
        parser.parse_script()
    return [(doc.delimiter, doc.strip_tabs) for doc in parser.lexer.heredocs]
