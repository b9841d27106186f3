"""Command-line flags the way docker/cli reads them: spf13/pflag under cobra.

`--flag value`, `--flag=value`, `-f value`, `-fvalue`, `-f=value`, combined boolean shorthands
(`-aq`), repeatable flags (`-t a -t b`), `--` ending the flags and, for commands that stop at
their first argument (`docker run IMAGE CMD...`), non-interspersed parsing. Errors carry pflag's
own words (`unknown flag: --nope`, `unknown shorthand flag: 'z' in -z`, `flag needs an argument:
--tag`, `invalid argument "x" for "-a, --all" flag: strconv.ParseBool: parsing "x": invalid
syntax`); the dispatcher adds docker's `See 'docker build --help'.` line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.oracle.docker.errors import FlagError

BOOL, STRING, LIST, INT = "bool", "string", "list", "int"
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}
_INT = re.compile(r"(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)\Z")


class HelpRequested(Exception):
    """`--help`: the command's help text is not simulated."""


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    kind: str = BOOL
    default: Any = None
    # A value check: returns the value to store or raises ValueError with pflag's message.
    check: Callable[[str], Any] | None = None
    # Real docker has the flag but the oracle does not model it: using it ends the scenario.
    simulated: bool = True

    @property
    def label(self) -> str:
        """How pflag names the flag in `invalid argument` errors."""
        return f"-{self.short}, --{self.name}" if self.short else f"--{self.name}"

    def initial(self) -> Any:
        if self.kind == LIST:
            return list(self.default or [])
        if self.default is not None:
            return self.default
        return {BOOL: False, STRING: "", INT: 0}[self.kind]


def parse_bool(text: str) -> bool:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f'strconv.ParseBool: parsing "{text}": invalid syntax')


def parse_int(text: str) -> int:
    """strconv.ParseInt(s, 0, 64) as pflag's int flags use it: 0x/0o/0b prefixes, a leading 0
    for octal."""
    try:
        return _go_int(text)
    except ValueError:
        raise ValueError(f'strconv.ParseInt: parsing "{text}": invalid syntax') from None


def _go_int(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if text[:1] in "+-" else text
    if not body or not _INT.match(body):
        raise ValueError(text)
    if body[:2].lower() in ("0x", "0b", "0o"):
        return sign * int(body, 0)
    if "_" in body:
        raise ValueError(text)
    if len(body) > 1 and body.startswith("0"):
        return sign * int(body, 8)
    return sign * int(body)


@dataclass
class Parsed:
    values: dict[str, Any]
    args: list[str]
    changed: set[str] = field(default_factory=set)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


class FlagSet:
    def __init__(self, flags: Sequence[Flag], interspersed: bool = True) -> None:
        self.flags = list(flags)
        self.by_name = {f.name: f for f in self.flags}
        self.by_short = {f.short: f for f in self.flags if f.short}
        self.interspersed = interspersed

    def parse(self, argv: Sequence[str]) -> Parsed:
        parsed = Parsed({f.name: f.initial() for f in self.flags}, [])
        args = list(argv)
        while args:
            s = args.pop(0)
            if len(s) < 2 or not s.startswith("-"):
                parsed.args.append(s)
                if not self.interspersed:
                    parsed.args.extend(args)
                    break
                continue
            if s == "--":
                parsed.args.extend(args)
                break
            if s.startswith("--"):
                args = self._long(s, args, parsed)
            else:
                shorts = s[1:]
                while shorts:
                    shorts, args = self._short(shorts, args, parsed)
        return parsed

    def _long(self, s: str, args: list[str], parsed: Parsed) -> list[str]:
        name = s[2:]
        if not name or name[0] in "-=":
            raise FlagError(f"bad flag syntax: {s}")
        name, has_value, value = name.partition("=")
        flag = self.by_name.get(name)
        if flag is None:
            if name == "help":
                raise HelpRequested()
            raise FlagError(f"unknown flag: --{name}")
        if not has_value:
            if flag.kind == BOOL:
                value = "true"
            elif args:
                value = args.pop(0)
            else:
                raise FlagError(f"flag needs an argument: {s}")
        self._set(flag, value, parsed)
        return args

    def _short(self, shorts: str, args: list[str], parsed: Parsed) -> tuple[str, list[str]]:
        c = shorts[0]
        rest = shorts[1:]
        flag = self.by_short.get(c)
        if flag is None:
            raise FlagError(f"unknown shorthand flag: '{c}' in -{shorts}")
        if len(shorts) > 2 and shorts[1] == "=":
            value, rest = shorts[2:], ""
        elif flag.kind == BOOL:
            value = "true"
        elif len(shorts) > 1:
            value, rest = shorts[1:], ""
        elif args:
            value = args.pop(0)
        else:
            raise FlagError(f"flag needs an argument: '{c}' in -{shorts}")
        self._set(flag, value, parsed)
        return rest, args

    def _set(self, flag: Flag, value: str, parsed: Parsed) -> None:
        try:
            if flag.kind == BOOL:
                converted: Any = parse_bool(value)
            elif flag.kind == INT:
                converted = parse_int(value)
            else:
                converted = value
            if flag.check is not None:
                converted = flag.check(converted)
        except ValueError as error:
            raise FlagError(
                f'invalid argument "{value}" for "{flag.label}" flag: {error}'
            ) from None
        if not flag.simulated:
            from pipeline.oracle.shell.limits import NotSimulated

            raise NotSimulated(f"docker: the --{flag.name} flag is not simulated by the oracle")
        if flag.kind == LIST:
            if flag.name not in parsed.changed:
                parsed.values[flag.name] = []
            parsed.values[flag.name].append(converted)
        else:
            parsed.values[flag.name] = converted
        parsed.changed.add(flag.name)


def filter_value(text: str) -> str:
    """opts.FilterOpt: `key=value`."""
    if "=" not in text:
        raise ValueError("bad format of filter (expected name=value)")
    return text
