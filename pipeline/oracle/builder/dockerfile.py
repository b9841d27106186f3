"""Parsing a Dockerfile into stages and instructions.

The grammar is Docker's own: the `dockerfile` package is a Python binding of moby/buildkit's Go
parser (`frontend/dockerfile/parser`), so line continuations, the `# escape=` directive, comments
inside continued lines, JSON (exec) form versus shell form and here-documents (`RUN <<EOF`) are
split exactly as `docker build` splits them. It was preferred to `dockerfile-parse` (the
pure-Python parser from containerbuildsystem), which re-implements that grammar with regular
expressions and does not know here-documents or the exact JSON fallback rules.

On top of the raw parse this module does what BuildKit's `instructions` package does
(frontend/dockerfile/instructions/parse.go): it groups instructions into stages (`FROM x [AS
name]`; ARGs before the first FROM are the global "meta" args), parses `--flags`, checks argument
counts and reports errors with BuildKit's wording (`dockerfile parse error on line 2: unknown
instruction: RUNN (did you mean RUN?)`). Variable expansion happens later, at dispatch time,
because it depends on the state of the stage (see `expansion.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import dockerfile as goparser

from pipeline.oracle.builder.errors import BuildError, solve_error, with_suggestion

KEYWORDS = [
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]  # fmt: skip

# The flags each instruction accepts (instructions/parse.go `req.flags.Add...`).
FLAGS: dict[str, dict[str, str]] = {
    "FROM": {"platform": "string"},
    "COPY": {"chown": "string", "from": "string", "chmod": "string", "link": "bool",
             "parents": "bool", "exclude": "strings"},
    "ADD": {"chown": "string", "chmod": "string", "link": "bool", "keep-git-dir": "bool",
            "checksum": "string", "exclude": "strings", "unpack": "bool"},
    "RUN": {"mount": "strings", "network": "string", "security": "string", "device": "strings"},
    "HEALTHCHECK": {"interval": "string", "timeout": "string", "start-period": "string",
                    "start-interval": "string", "retries": "string"},
}  # fmt: skip

_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z0-9_.-]+)\2")
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9-_.]*$")


@dataclass(frozen=True)
class Heredoc:
    name: str
    content: str
    expand: bool  # an unquoted delimiter (`<<EOF`) expands variables; `<<'EOF'` does not
    chomp: bool  # `<<-EOF` strips leading tabs

    @property
    def data(self) -> str:
        if not self.chomp:
            return self.content
        return "".join(line.lstrip("\t") for line in self.content.splitlines(keepends=True))


@dataclass
class Instruction:
    keyword: str  # upper-case: RUN, COPY, ...
    args: list[str]  # the arguments after the flags, as the parser split them
    flags: dict[str, str | list[str]]
    json: bool  # exec form (`RUN ["a", "b"]`)
    source: str  # the instruction as written (continuations joined): BuildKit's `String()`
    lines: tuple[int, int]
    heredocs: list[Heredoc] = field(default_factory=list)
    trigger: str = ""  # ONBUILD: the instruction to run later, as text

    def flag(self, name: str, default: str = "") -> str:
        value = self.flags.get(name, default)
        return value if isinstance(value, str) else default

    @property
    def shell_form(self) -> bool:
        return not self.json

    def command_line(self) -> list[str]:
        """RUN/CMD/ENTRYPOINT/SHELL arguments: exec form as is, shell form as one string."""
        if self.json:
            return list(self.args)
        return [" ".join(self.args)] if self.args else []


@dataclass
class Stage:
    index: int
    base: str  # as written, variables not yet expanded (`alpine:${V}`)
    name: str  # the `AS` name, lower-cased, or ""
    platform: str
    source: str
    lines: tuple[int, int]
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    escape: str
    meta_args: list[Instruction]
    stages: list[Stage]

    def stage_named(self, name: str) -> Stage | None:
        for stage in self.stages:
            if stage.name and stage.name == name.lower():
                return stage
        return None


def escape_token(text: str) -> str:
    """The `# escape=` parser directive (only in the leading comment lines)."""
    for line in text.splitlines():
        match = _DIRECTIVE.match(line.strip())
        if not match:
            break
        if match.group(1).lower() == "escape":
            return match.group(2)
    return "\\"


def parse(text: str, filename: str = "Dockerfile") -> Dockerfile:
    if not text:
        raise BuildError("failed to solve: the Dockerfile cannot be empty", dockerfile=filename)
    commands = _go_parse(text, filename)
    meta_args: list[Instruction] = []
    stages: list[Stage] = []
    for command in commands:
        instruction = _instruction(command, filename)
        if instruction.keyword == "FROM":
            stages.append(_stage(instruction, len(stages), filename))
        elif not stages and instruction.keyword == "ARG":
            meta_args.append(instruction)
        elif not stages:
            raise solve_error("no build stage in current context", instruction.lines)
        else:
            stages[-1].instructions.append(instruction)
    if not stages:
        raise solve_error("dockerfile contains no stages to build")
    return Dockerfile(escape_token(text), meta_args, stages)


def parse_instruction(text: str, lines: tuple[int, int], filename: str = "Dockerfile"):
    """One instruction from text (an ONBUILD trigger), located at `lines` of the Dockerfile."""
    commands = _go_parse(text, filename)
    if len(commands) != 1:
        raise solve_error("onbuild trigger should be a single expression", lines)
    instruction = _instruction(commands[0], filename)
    instruction.lines = lines
    return instruction


def _go_parse(text: str, filename: str) -> list:
    try:
        return list(goparser.parse_string(text))
    except goparser.GoParseError as error:
        message = str(error)
        line = _error_line(text, message)
        if line is None:
            raise BuildError(f"failed to solve: {message}", dockerfile=filename) from None
        raise parse_error(line, message, filename) from None


def parse_error(line: int, message: str, filename: str = "Dockerfile") -> BuildError:
    return BuildError(
        f"failed to solve: dockerfile parse error on line {line}: {message}",
        (line, line),
        dockerfile=filename,
    )


def _error_line(text: str, message: str) -> int | None:
    """The Go binding reports no line: find the first prefix of the file that fails the same way."""
    lines = text.splitlines(keepends=True)
    for end in range(1, len(lines) + 1):
        try:
            goparser.parse_string("".join(lines[:end]))
        except goparser.GoParseError as error:
            if str(error) == message:
                return end
    return None


def _instruction(command, filename: str) -> Instruction:
    keyword = command.cmd.upper()
    lines = (command.start_line, command.end_line)
    if keyword not in KEYWORDS:
        message = f"unknown instruction: {command.cmd}"
        message = with_suggestion(message, command.cmd, KEYWORDS, case_sensitive=False)
        raise parse_error(command.start_line, message, filename)
    source = command.original.strip()
    instruction = Instruction(
        keyword=keyword,
        args=list(command.value),
        flags={},
        json=bool(command.json),
        source=source,
        lines=lines,
        heredocs=_heredocs(command),
    )
    try:
        instruction.flags = _flags(keyword, command.flags)
        _validate(instruction, command)
    except ValueError as error:
        raise parse_error(command.start_line, str(error), filename) from None
    return instruction


def _heredocs(command) -> list[Heredoc]:
    words = " ".join(command.value)
    marks = {m.group(3): (m.group(2) == "", m.group(1) == "-") for m in _HEREDOC.finditer(words)}
    found = []
    for doc in command.heredocs:
        expand, chomp = marks.get(doc.name, (True, False))
        found.append(Heredoc(doc.name, doc.content, expand, chomp))
    return found


def _flags(keyword: str, raw: tuple[str, ...]) -> dict[str, str | list[str]]:
    """BuildKit's BFlags: `--name=value`, a bare `--name` for booleans."""
    known = FLAGS.get(keyword, {})
    parsed: dict[str, str | list[str]] = {}
    for arg in raw:
        if not arg.startswith("--"):
            raise ValueError(f"arg should start with -- : {arg}")
        name, eq, value = arg[2:].partition("=")
        kind = known.get(name)
        if kind is None:
            raise ValueError(with_suggestion(f"unknown flag: {name}", name, list(known), True))
        if kind == "strings":
            existing = parsed.setdefault(name, [])
            assert isinstance(existing, list)
            existing.append(value)
            continue
        if name in parsed:
            raise ValueError(f"duplicate flag specified: {name}")
        if kind == "bool":
            if eq and value.lower() not in ("true", "false"):
                raise ValueError(f"expecting boolean value for flag {name}, not: {value}")
            parsed[name] = (value or "true").lower()
        elif not eq:
            raise ValueError(f"missing a value on flag: {name}")
        else:
            parsed[name] = value
    return parsed


def _validate(instruction: Instruction, command) -> None:
    """Argument checks of instructions/parse.go, with its messages."""
    k, args = instruction.keyword, instruction.args
    if k in ("ENV", "LABEL") and not args:
        raise ValueError(f"{k} requires at least one argument")
    if k in ("ENV", "LABEL") and any(not key for key in args[::2]):
        raise ValueError(f"{k} names can not be blank")
    if k in ("COPY", "ADD") and len(args) < 2:
        raise ValueError(
            f"{k} requires at least two arguments, but only one was provided. "
            "Destination could not be determined"
        )
    if k in ("COPY", "ADD") and _HEREDOC.fullmatch(args[-1]):
        raise ValueError(f"{k} cannot accept a heredoc as a destination")
    if k in ("MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL") and len(args) != 1:
        raise ValueError(f"{k} requires exactly one argument")
    if k in ("ARG", "EXPOSE", "VOLUME", "HEALTHCHECK", "ONBUILD") and not args:
        raise ValueError(f"{k} requires at least one argument")
    if k == "ARG" and any(arg.startswith("=") for arg in args):
        raise ValueError("ARG names can not be blank")
    if k == "VOLUME" and any(not arg.strip() for arg in args):
        raise ValueError("VOLUME specified can not be an empty string")
    if k == "SHELL":
        if not args:
            raise ValueError("SHELL requires at least one argument")
        if not instruction.json:
            raise ValueError("SHELL requires the arguments to be in JSON form")
    if k == "ONBUILD":
        _validate_trigger(instruction, command)
    if k == "HEALTHCHECK":
        _validate_healthcheck(instruction)


def _validate_trigger(instruction: Instruction, command) -> None:
    trigger = (command.sub_cmd or "").upper()
    if trigger == "ONBUILD":
        raise ValueError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
    if trigger in ("MAINTAINER", "FROM"):
        raise ValueError(f"{trigger} isn't allowed as an ONBUILD trigger")
    first_line = command.original.split("\n", 1)[0] if command.heredocs else command.original
    expression = re.sub(r"(?i)^\s*ONBUILD\s*", "", first_line)
    for doc in command.heredocs:
        expression += "\n" + doc.content + doc.name
    instruction.trigger = expression


def _validate_healthcheck(instruction: Instruction) -> None:
    kind = instruction.args[0].upper()
    if kind == "NONE":
        if len(instruction.args) != 1:
            raise ValueError("HEALTHCHECK NONE takes no arguments")
        return
    if kind != "CMD":
        raise ValueError(f'Unknown type "{kind}" in HEALTHCHECK (try CMD)')
    if len(instruction.args) < 2:
        raise ValueError("Missing command after HEALTHCHECK CMD")


def _stage(instruction: Instruction, index: int, filename: str) -> Stage:
    args = instruction.args
    name = ""
    if len(args) == 3 and args[1].lower() == "as":
        name = args[2].lower()
        if not _STAGE_NAME.match(name):
            raise parse_error(
                instruction.lines[0],
                f'invalid name for build stage: "{args[2]}", '
                "name can't start with a number or contain symbols",
                filename,
            )
    elif len(args) != 1:
        raise parse_error(
            instruction.lines[0], "FROM requires either one or three arguments", filename
        )
    return Stage(
        index=index,
        base=args[0],
        name=name,
        platform=instruction.flag("platform"),
        source=instruction.source,
        lines=instruction.lines,
    )
