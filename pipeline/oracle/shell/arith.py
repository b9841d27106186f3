"""`$((...))`: integer arithmetic as dash evaluates it (64-bit, C semantics, dash's errors)."""

from __future__ import annotations

import re
from collections.abc import Callable

TOKEN = re.compile(
    r"\s*(?:(0[xX][0-9a-fA-F]+|[0-9]+)|([A-Za-z_][A-Za-z0-9_]*)"
    r"|(<<=|>>=|&&|\|\||<<|>>|<=|>=|==|!=|[-+*/%&^|]=|[-+*/%<>&^|!~?:=()]))"
)
BINARY = {  # precedence, higher binds tighter
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
    "<": 7, "<=": 7, ">": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}  # fmt: skip
ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="}
MASK = (1 << 64) - 1


class ArithError(Exception):
    """Printed by the shell as `sh: LINE: MESSAGE` (the shell then exits with status 2)."""


def wrap(value: int) -> int:
    """Two's-complement 64-bit, as C's intmax_t."""
    value &= MASK
    return value - (1 << 64) if value >> 63 else value


def parse_number(text: str) -> int:
    """A variable's value inside arithmetic: blank is 0, otherwise a C integer constant."""
    stripped = text.strip()
    if not stripped:
        return 0
    match = re.fullmatch(r"([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", stripped)
    if not match:
        raise ArithError(f"Illegal number: {text}")
    sign, digits = match.groups()
    value = _constant(digits)
    return -value if sign == "-" else value


def _constant(digits: str) -> int:
    if digits[:2] in ("0x", "0X"):
        return int(digits[2:], 16)
    if len(digits) > 1 and digits[0] == "0":
        return int(digits, 8)
    return int(digits)


class _Evaluator:
    def __init__(
        self, text: str, get: Callable[[str], str | None], put: Callable[[str, str], None]
    ) -> None:
        self.text = text
        self.get = get
        self.put = put
        self.tokens = self._tokenise(text)
        self.pos = 0

    def _tokenise(self, text: str) -> list[tuple[str, str]]:
        tokens = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = TOKEN.match(text, pos)
            if not match:
                raise ArithError(f'arithmetic expression: expecting primary: "{text}"')
            number, name, op = match.groups()
            if number is not None:
                if re.fullmatch(r"0[0-9]*[89][0-9]*", number):
                    raise ArithError(f'arithmetic expression: expecting EOF: "{text}"')
                tokens.append(("num", number))
            elif name is not None:
                tokens.append(("name", name))
            else:
                tokens.append(("op", op))
            pos = match.end()
        return tokens

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("eof", "")

    def fail(self, what: str) -> ArithError:
        return ArithError(f'arithmetic expression: {what}: "{self.text}"')

    def run(self) -> int:
        if not self.tokens:
            return 0
        value = self.expression(True)
        if self.peek()[0] != "eof":
            raise self.fail("expecting EOF")
        return value

    def expression(self, live: bool) -> int:
        kind, value = self.peek()
        if kind == "name" and self.pos + 1 < len(self.tokens):
            op = self.tokens[self.pos + 1]
            if op[0] == "op" and op[1] in ASSIGN:
                self.pos += 2
                right = self.expression(live)
                if op[1] != "=":
                    right = self.apply(op[1][:-1], self.variable(value), right, live)
                if live:
                    self.put(value, str(right))
                return right
        return self.conditional(live)

    def conditional(self, live: bool) -> int:
        condition = self.binary(1, live)
        if self.peek() != ("op", "?"):
            return condition
        self.pos += 1
        yes = self.expression(live and condition != 0)
        if self.peek() != ("op", ":"):
            raise self.fail("expecting ':'")
        self.pos += 1
        no = self.conditional(live and condition == 0)
        return yes if condition else no

    def binary(self, level: int, live: bool) -> int:
        left = self.unary(live)
        while True:
            kind, op = self.peek()
            prec = BINARY.get(op) if kind == "op" else None
            if prec is None or prec < level:
                return left
            self.pos += 1
            if op == "&&":
                right = self.binary(prec + 1, live and left != 0)
                left = int(left != 0 and right != 0)
            elif op == "||":
                right = self.binary(prec + 1, live and left == 0)
                left = int(left != 0 or right != 0)
            else:
                left = self.apply(op, left, self.binary(prec + 1, live), live)

    def apply(self, op: str, a: int, b: int, live: bool) -> int:
        if op in ("/", "%"):
            if b == 0:
                if not live:
                    return 0
                raise self.fail("division by zero")
            quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # C truncates
            return wrap(quotient if op == "/" else a - quotient * b)
        result = {
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
            "<<": lambda: a << (b & 63), ">>": lambda: a >> (b & 63),
            "<": lambda: int(a < b), "<=": lambda: int(a <= b), ">": lambda: int(a > b),
            ">=": lambda: int(a >= b), "==": lambda: int(a == b), "!=": lambda: int(a != b),
            "&": lambda: a & b, "^": lambda: a ^ b, "|": lambda: a | b,
        }[op]()  # fmt: skip
        return wrap(result)

    def unary(self, live: bool) -> int:
        kind, value = self.peek()
        if kind == "op" and value in ("-", "+", "!", "~"):
            self.pos += 1
            operand = self.unary(live)
            return {
                "-": lambda: wrap(-operand),
                "+": lambda: operand,
                "!": lambda: int(operand == 0),
                "~": lambda: ~operand,
            }[value]()
        return self.primary(live)

    def primary(self, live: bool) -> int:
        kind, value = self.peek()
        if kind == "num":
            self.pos += 1
            return wrap(_constant(value))
        if kind == "name":
            self.pos += 1
            return self.variable(value)
        if (kind, value) == ("op", "("):
            self.pos += 1
            result = self.expression(live)
            if self.peek() != ("op", ")"):
                raise self.fail("expecting ')'")
            self.pos += 1
            return result
        raise self.fail("expecting primary")

    def variable(self, name: str) -> int:
        return wrap(parse_number(self.get(name) or ""))


def evaluate(text: str, get: Callable[[str], str | None], put: Callable[[str, str], None]) -> int:
    return _Evaluator(text, get, put).run()
