"""Word expansion, in POSIX order: tilde, parameters, `$(...)`, arithmetic, field splitting on
IFS (unquoted results only), pathname expansion (globs, against the shell's file system), quote
removal.

A field is built as segments of (text, quoted); quoting decides what is split and what is a glob.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.paths import join
from pipeline.oracle.shell import pattern
from pipeline.oracle.shell.arith import evaluate
from pipeline.oracle.shell.nodes import (
    Arith,
    CommandSub,
    DoubleQuoted,
    Lit,
    Param,
    Part,
    Quoted,
    Word,
)

if TYPE_CHECKING:
    from pipeline.oracle.shell.interpreter import Shell

DEFAULT_IFS = " \t\n"
Segment = tuple[str, bool]  # text, quoted


class ExpansionError(Exception):
    """A fatal expansion error (`${x:?msg}`, an unset variable under `set -u`): the shell prints
    `sh: LINE: MESSAGE` and exits with status 2, as dash does."""


class _Fields:
    """Fields under construction; `quoted` remembers that a field holds quotes (so `""` stays)."""

    def __init__(self) -> None:
        self.fields: list[list[Segment]] = [[]]
        self.quoted: list[bool] = [False]

    def add(self, text: str, quoted: bool) -> None:
        self.fields[-1].append((text, quoted))
        if quoted:
            self.quoted[-1] = True

    def mark_quoted(self) -> None:
        self.quoted[-1] = True

    def new_field(self) -> None:
        self.fields.append([])
        self.quoted.append(False)

    def result(self) -> list[list[Segment]]:
        return [
            f for f, q in zip(self.fields, self.quoted, strict=True) if q or any(t for t, _ in f)
        ]


class Expander:
    def __init__(self, shell: Shell) -> None:
        self.shell = shell

    # -- public entry points ------------------------------------------------------------------

    def words(self, words: tuple[Word, ...] | list[Word]) -> list[str]:
        """Command-line words to argv: split, globbed, quotes removed."""
        out: list[str] = []
        limit = self.shell.budget.limits.max_arguments
        for word in words:
            for field in self.fields(word, split=True):
                if not self.shell.options.noglob and _globbable(field):
                    out.extend(self.glob(field))
                else:
                    out.append("".join(t for t, _ in field))
            if len(out) > limit:
                from pipeline.oracle.shell.limits import LimitExceeded

                raise LimitExceeded("max_arguments", limit, "words on one command line")
        return out

    def string(self, word: Word) -> str:
        """One string, no splitting or globbing: assignments, redirection targets, `case`."""
        return "".join(t for f in self.fields(word, split=False) for t, _ in f)

    def pattern(self, word: Word) -> str:
        """A pattern with its quoted characters escaped (for `case` and `${x%...}`)."""
        return "".join(
            pattern.escape(t) if q else t for f in self.fields(word, split=False) for t, q in f
        )

    def fields(self, word: Word, split: bool) -> list[list[Segment]]:
        acc = _Fields()
        for part in word.parts:
            self._part(part, acc, quoted=False, split=split)
        if not split:
            merged = [seg for f in acc.fields for seg in f]
            return [merged]
        return acc.result()

    # -- parts --------------------------------------------------------------------------------

    def _part(self, part: Part, acc: _Fields, quoted: bool, split: bool) -> None:
        if isinstance(part, Lit):
            text = part.text
            if not quoted and not acc.fields[-1] and len(acc.fields) == 1 and text[:1] == "~":
                text = self._tilde(text)
            acc.add(text, quoted)
        elif isinstance(part, Quoted):
            acc.add(part.text, True)
        elif isinstance(part, DoubleQuoted):
            if not (split and _only_at(part) and not self.shell.positional):
                acc.mark_quoted()  # `"$@"` with no parameters is no field at all
            for inner in part.parts:
                self._part(inner, acc, quoted=True, split=split)
            if not part.parts:
                acc.add("", True)
        elif isinstance(part, Param):
            if part.name == "@" and not part.op and quoted and split:
                self._quoted_at(acc)
            else:
                self._value(self._param(part, quoted), acc, quoted, split)
        elif isinstance(part, CommandSub):
            self._value(self.shell.command_substitution(part.body), acc, quoted, split)
        elif isinstance(part, Arith):
            expression = self.string(part.expr)
            self._value(str(self._arith(expression)), acc, quoted, split)

    def _value(self, value: str, acc: _Fields, quoted: bool, split: bool) -> None:
        """An expansion's result: quoted, or unquoted and split on IFS."""
        if quoted or not split:
            acc.add(value, quoted)
            return
        ifs = self.shell.get_var("IFS")
        ifs = DEFAULT_IFS if ifs is None else ifs
        if not ifs:
            acc.add(value, False)
            return
        for i, (piece, delimited) in enumerate(_split(value, ifs)):
            if i:
                acc.new_field()
            if piece:
                acc.add(piece, False)
            if delimited:
                acc.mark_quoted()  # ended by a non-white IFS character: kept even when empty

    def _quoted_at(self, acc: _Fields) -> None:
        """`"$@"`: one field per positional parameter, none when there are none."""
        params = self.shell.positional
        if not params:
            return
        for i, value in enumerate(params):
            if i:
                acc.new_field()
            acc.add(value, True)

    def _tilde(self, text: str) -> str:
        head, sep, tail = text.partition("/")
        if head == "~":
            home = self.shell.get_var("HOME") or "/"
            return home + sep + tail
        return text

    def _arith(self, expression: str) -> int:
        return evaluate(expression, self.shell.get_var, self.shell.set_var)

    def _param(self, part: Param, quoted: bool) -> str:
        shell = self.shell
        name = part.name
        value = shell.get_var(name) if name not in ("@", "*") else None
        if name in ("@", "*"):
            params = shell.positional
            sep = (shell.get_var("IFS") or " ")[:1] if name == "*" and quoted else " "
            value = sep.join(params) if params else None
            if not params and not part.op:
                value = ""
        op = part.op
        if op == "len":
            return str(len(value or ""))
        is_set = value is not None and not (part.colon and value == "")
        if op in ("", "%", "%%", "#", "##") and value is None:
            if shell.options.nounset and name not in ("@", "*"):
                raise ExpansionError(f"{name}: parameter not set")
            value = ""
        if op == "-":
            return value if is_set else self._arg(part, quoted)  # type: ignore[return-value]
        if op == "+":
            return self._arg(part, quoted) if is_set else ""
        if op == "=":
            if is_set:
                return value  # type: ignore[return-value]
            new = self._arg(part, quoted)
            shell.set_var(name, new)
            return new
        if op == "?":
            if is_set:
                return value  # type: ignore[return-value]
            message = self._arg(part, quoted) if part.arg and part.arg.parts else ""
            raise ExpansionError(f"{name}: {message or 'parameter not set'}")
        if op in ("%", "%%", "#", "##"):
            pat = self.pattern(part.arg) if part.arg else ""
            return pattern.strip(value or "", pat, op)
        return value or ""

    def _arg(self, part: Param, quoted: bool) -> str:
        return self.string(part.arg) if part.arg is not None else ""

    # -- pathname expansion -------------------------------------------------------------------

    def glob(self, field: list[Segment]) -> list[str]:
        pat = "".join(pattern.escape(t) if q else t for t, q in field)
        matches = expand_glob(self.shell.fs, self.shell.cwd, pat)
        return matches or ["".join(t for t, _ in field)]


def _only_at(part: DoubleQuoted) -> bool:
    return all(isinstance(p, Param) and p.name == "@" and not p.op for p in part.parts) and bool(
        part.parts
    )


def _globbable(field: list[Segment]) -> bool:
    return any(not q and any(c in t for c in "*?[") for t, q in field) and pattern.has_magic(
        "".join(pattern.escape(t) if q else t for t, q in field)
    )


def _split(value: str, ifs: str) -> list[tuple[str, bool]]:
    """Field splitting (POSIX 2.6.5): runs of IFS white space separate fields and vanish at the
    ends; each other IFS character ends a field, which is then kept even when empty (`a::b` is
    three fields). Returns (piece, ended by a non-white delimiter)."""
    white = "".join(c for c in ifs if c in DEFAULT_IFS)
    other = "".join(c for c in ifs if c not in DEFAULT_IFS)
    w = f"[{re.escape(white)}]*" if white else ""
    alternatives = []
    if other:
        alternatives.append(f"{w}[{re.escape(other)}]{w}")
    if white:
        alternatives.append(f"[{re.escape(white)}]+")
    delimiter = re.compile("|".join(alternatives))
    pieces: list[tuple[str, bool]] = []
    start = 0
    for match in delimiter.finditer(value):
        hard = bool(other) and any(c in other for c in match.group())
        pieces.append((value[start : match.start()], hard))
        start = match.end()
    pieces.append((value[start:], False))
    return pieces


def expand_glob(fs: object, cwd: str, pat: str) -> list[str]:
    """Paths matching `pat` (escaped as in `pattern`), sorted; hidden names need a leading `.`."""
    absolute = pat.startswith("/")
    trailing = pat.endswith("/")
    components = [c for c in pat.split("/") if c]
    results: list[tuple[str, str]] = [("/" if absolute else "", "/" if absolute else cwd)]
    for index, comp in enumerate(components):
        last = index == len(components) - 1
        found: list[tuple[str, str]] = []
        for shown, real in results:
            sep = "" if shown in ("", "/") else "/"
            if not pattern.has_magic(comp):
                name = pattern.unescape(comp)
                found.append((shown + sep + name, join(real, name)))
                continue
            try:
                names = fs.listdir(real)  # type: ignore[attr-defined]
            except FsError:  # an unreadable directory simply matches nothing
                continue
            regex = pattern.compile_pattern(comp, pathname=True)
            for name in names:
                if name.startswith(".") and not pattern.unescape(comp).startswith("."):
                    continue
                if regex.fullmatch(name):
                    found.append((shown + sep + name, join(real, name)))
        results = found
        if not last:
            results = [(s, r) for s, r in results if _is_dir(fs, r)]
    out = []
    for shown, real in results:
        if trailing:
            if _is_dir(fs, real):
                out.append(shown + "/")
        elif _lexists(fs, real):
            out.append(shown)
    return sorted(out)


def _is_dir(fs: object, path: str) -> bool:
    try:
        return fs.stat(path).kind == "dir"  # type: ignore[attr-defined]
    except FsError:
        return False


def _lexists(fs: object, path: str) -> bool:
    try:
        fs.stat(path, follow_symlinks=False)  # type: ignore[attr-defined]
    except FsError:
        return False
    return True
