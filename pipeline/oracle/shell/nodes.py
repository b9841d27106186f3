"""The syntax tree of a shell script: small immutable dataclasses, built by `parser.py`.

A `Word` keeps its quoting (`Lit` vs `Quoted` vs `DoubleQuoted`) because expansion needs it:
only unquoted results are split into fields and matched as globs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lit:
    """Unquoted literal text (may hold glob characters and a leading `~`)."""

    text: str


@dataclass(frozen=True)
class Quoted:
    """Literal text from single quotes or a backslash escape: never split, never a glob."""

    text: str


@dataclass(frozen=True)
class DoubleQuoted:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Param:
    """`$name`, `${name}` or `${name<op>arg}`; op is one of - = + ? % %% # ## or `len`."""

    name: str
    op: str = ""
    colon: bool = False  # `${x:-y}` tests for empty as well as unset
    arg: Word | None = None


@dataclass(frozen=True)
class CommandSub:
    body: Node


@dataclass(frozen=True)
class Arith:
    expr: Word  # expanded first, then evaluated


Part = Lit | Quoted | DoubleQuoted | Param | CommandSub | Arith


@dataclass(frozen=True)
class Word:
    parts: tuple[Part, ...]

    def literal(self) -> str | None:
        """The text if the word is one unquoted literal (how reserved words are recognised)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit):
            return self.parts[0].text
        return None


@dataclass
class Redirect:
    """Mutable only so a here-document's body, read after the line ends, can be filled in."""

    fd: int  # the descriptor redirected: 0 for `<`, 1 for `>`, 2 for `2>`
    op: str  # < > >> >| <> >& <& << <<-
    target: Word  # file name, descriptor number, or the here-document body


@dataclass(frozen=True)
class Assign:
    name: str
    value: Word


@dataclass(frozen=True)
class Command:
    """A simple command: assignments, words and redirections, in any order."""

    assigns: tuple[Assign, ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...]
    line: int


@dataclass(frozen=True)
class Pipeline:
    commands: tuple[Node, ...]
    negated: bool = False


@dataclass(frozen=True)
class AndOr:
    """`a && b || c`: `rest` holds (operator, pipeline) pairs, evaluated left to right."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class If:
    branches: tuple[tuple[Node, Node], ...]  # (condition, body) for `if` and each `elif`
    otherwise: Node | None = None


@dataclass(frozen=True)
class Loop:
    """`while` (until=False) or `until` (until=True)."""

    condition: Node
    body: Node
    until: bool = False


@dataclass(frozen=True)
class For:
    name: str
    items: tuple[Word, ...] | None  # None: `for x; do` iterates over "$@"
    body: Node
    line: int


@dataclass(frozen=True)
class CaseItem:
    patterns: tuple[Word, ...]
    body: Node | None


@dataclass(frozen=True)
class Case:
    subject: Word
    items: tuple[CaseItem, ...]


@dataclass(frozen=True)
class Group:
    """`{ ...; }` (subshell=False) or `( ... )` (subshell=True)."""

    body: Node
    subshell: bool = False


@dataclass(frozen=True)
class FunctionDef:
    name: str
    body: Node


@dataclass(frozen=True)
class Redirected:
    """A compound command with redirections: `while ...; done < file`, `{ ...; } > out`."""

    body: Node
    redirects: tuple[Redirect, ...] = field(default_factory=tuple)


Node = (
    Command
    | Pipeline
    | AndOr
    | Sequence
    | If
    | Loop
    | For
    | Case
    | Group
    | FunctionDef
    | Redirected
)
