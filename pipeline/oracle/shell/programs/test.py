"""`test` / `[`: dash's grammar (bltin/test.c), including its error messages.

A unary operator is an operand when nothing or a binary operator follows it (`[ -f ]` is true);
leftover arguments are reported against the last one consumed (`[ a b ]`: `a: unexpected
operator`); a missing operand of a binary operator is `=: argument expected`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.oracle.fsapi import FsError, Stat
from pipeline.oracle.paths import join

if TYPE_CHECKING:
    from pipeline.oracle.fsapi import FileSystem

UNARY = frozenset(
    [
        "-b",
        "-c",
        "-d",
        "-e",
        "-f",
        "-g",
        "-h",
        "-k",
        "-L",
        "-n",
        "-p",
        "-r",
        "-s",
        "-S",
        "-t",
        "-u",
        "-w",
        "-x",
        "-z",
    ]
)
BINARY = frozenset(
    ["=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", "<", ">"]
)
INTEGER = re.compile(r"\s*[-+]?[0-9]+\s*")


class TestError(Exception):
    """Printed as `[: MESSAGE` (status 2)."""


class _Test:
    def __init__(self, args: list[str], fs: FileSystem, cwd: str, uid: int) -> None:
        self.args = args
        self.pos = 0
        self.fs = fs
        self.cwd = cwd
        self.uid = uid

    def kind(self, index: int) -> str:
        """dash's t_lex: eoi, operand, or the operator's own text."""
        if index >= len(self.args):
            return "eoi"
        arg = self.args[index]
        nxt = self.args[index + 1] if index + 1 < len(self.args) else None
        if arg in UNARY:
            return "operand" if nxt is None or nxt in BINARY else "unary"
        if arg == "(":
            return "operand" if nxt is None else "("
        if arg in BINARY or arg in ("!", ")", "-a", "-o"):
            return arg
        return "operand"

    def run(self) -> bool:
        if not self.args:
            return False
        result = self.oexpr()
        if self.pos < len(self.args):
            raise TestError(f"{self.args[max(self.pos - 1, 0)]}: unexpected operator")
        return result

    def oexpr(self) -> bool:
        result = self.aexpr()
        if self.kind(self.pos) == "-o":
            self.pos += 1
            return self.oexpr() or result
        return result

    def aexpr(self) -> bool:
        result = self.nexpr()
        if self.kind(self.pos) == "-a":
            self.pos += 1
            return self.aexpr() and result
        return result

    def nexpr(self) -> bool:
        if self.kind(self.pos) == "!":
            self.pos += 1
            return not self.nexpr()
        return self.primary()

    def primary(self) -> bool:
        kind = self.kind(self.pos)
        if kind == "eoi":
            return False
        if kind == "(":
            self.pos += 1
            if self.kind(self.pos) == ")":
                self.pos += 1
                return False
            result = self.oexpr()
            if self.kind(self.pos) != ")":
                raise TestError("closing paren expected")
            self.pos += 1
            return result
        if kind == "unary":
            op = self.args[self.pos]
            self.pos += 1
            operand = self.args[self.pos]
            self.pos += 1
            return self.unary(op, operand)
        left = self.args[self.pos]
        self.pos += 1
        op_kind = self.kind(self.pos)
        if op_kind in BINARY:
            op = self.args[self.pos]
            self.pos += 1
            if self.pos >= len(self.args):
                raise TestError(f"{op}: argument expected")
            right = self.args[self.pos]
            self.pos += 1
            return self.binary(left, op, right)
        return left != ""

    # -- operators ----------------------------------------------------------------------------

    def _stat(self, name: str, follow: bool = True) -> Stat | None:
        if not name:
            return None
        try:
            return self.fs.stat(join(self.cwd, name), follow_symlinks=follow)
        except FsError:
            return None

    def unary(self, op: str, operand: str) -> bool:
        if op == "-n":
            return operand != ""
        if op == "-z":
            return operand == ""
        if op == "-t":
            return False  # no terminal in a scenario
        if op in ("-h", "-L"):
            stat = self._stat(operand, follow=False)
            return stat is not None and stat.kind == "symlink"
        stat = self._stat(operand)
        if stat is None:
            return False
        if op == "-e":
            return True
        if op == "-f":
            return stat.kind == "file"
        if op == "-d":
            return stat.kind == "dir"
        if op == "-s":
            return stat.size > 0 or stat.kind == "dir"
        if op in ("-r", "-w", "-x"):
            return self._access(stat, "rwx".index(op[1]))
        if op == "-u":
            return bool(stat.mode & 0o4000)
        if op == "-g":
            return bool(stat.mode & 0o2000)
        if op == "-k":
            return bool(stat.mode & 0o1000)
        return False  # -b -c -p -S: no devices, pipes or sockets in the simulation

    def _access(self, stat: Stat, which: int) -> bool:
        bit = 4 >> which  # r=4, w=2, x=1
        if self.uid == 0:
            return which != 2 or bool(stat.mode & 0o111) or stat.kind == "dir"
        if stat.uid == self.uid:
            return bool(stat.mode >> 6 & bit)
        return bool(stat.mode & bit)

    def binary(self, left: str, op: str, right: str) -> bool:
        if op == "=":
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left.encode() < right.encode()
        if op == ">":
            return left.encode() > right.encode()
        if op in ("-nt", "-ot"):
            a, b = self._stat(left), self._stat(right)
            if op == "-ot":
                a, b = b, a
            return a is not None and (b is None or a.mtime > b.mtime)
        if op == "-ef":
            return self._same_file(left, right)
        a, b = _integer(left), _integer(right)
        return {
            "-eq": a == b,
            "-ne": a != b,
            "-lt": a < b,
            "-le": a <= b,
            "-gt": a > b,
            "-ge": a >= b,
        }[op]

    def _same_file(self, left: str, right: str) -> bool:
        resolve = getattr(self.fs, "resolve", None)
        if resolve is None or self._stat(left) is None or self._stat(right) is None:
            return False
        try:
            return resolve(join(self.cwd, left)) == resolve(join(self.cwd, right))
        except FsError:
            return False


def _integer(text: str) -> int:
    if not INTEGER.fullmatch(text):
        raise TestError(f"Illegal number: {text}")
    return int(text.strip())


def evaluate(argv: list[str], fs: FileSystem, cwd: str, uid: int) -> bool:
    """The truth of `test ARGS` or `[ ARGS ]` (argv includes the command name)."""
    args = argv[1:]
    if argv[0].endswith("["):
        if not args or args[-1] != "]":
            raise TestError("missing ]")
        args = args[:-1]
    return _Test(args, fs, cwd, uid).run()
