r"""`python -m pipeline oracle`: run a scenario and show it as a terminal would, or a prompt.

    python -m pipeline oracle scenario.txt      # a transcript file (`-`: standard input)
    python -m pipeline oracle                   # on a terminal: an interactive prompt

A file is read as oracle-scenarios.md says (`$ ` commands, `\` continuations, here-documents,
`#` comments). Each command is printed after `$ ` (its further lines after `> `), followed by
what it wrote to standard output and standard error. The exit status is 1 when the scenario
fails, with the failure on standard error, and 2 when the file cannot be read.

The prompt keeps one world for the whole session, so images, containers and files carry over.
A command that is not complete yet (a trailing `\`, an open here-document, an unclosed quote or
`if`) asks for more with `> `. `exit` or end of input ends the session. `--interactive` forces
the prompt when standard input is not a terminal (this is how the tests drive it).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

# The oracle is imported where a command needs it: every other command (a build) starts
# without loading it, which took a quarter of a second.
if TYPE_CHECKING:
    from pipeline.oracle.scenario import CommandResult, World

SUMMARY = "run an oracle scenario file and print its transcript, or open a prompt"
PROMPT = "$ "
MORE = "> "
_EXIT = re.compile(r"\s*exit(?:\s+(?P<code>[0-9]+))?\s*")
# What the parser says about a command cut short: read another line instead of failing.
_INCOMPLETE = ("end of file unexpected", "Unterminated quoted string")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a scenario transcript; `-` reads standard input (default: a prompt on a terminal)",
    )
    parser.add_argument(
        "-i",
        "--interactive",
        action="store_true",
        help="a prompt even when standard input is not a terminal",
    )


def run(args: argparse.Namespace) -> int:
    if args.interactive or (args.file is None and sys.stdin.isatty()):
        return interactive(sys.stdin, sys.stdout, echo=not sys.stdin.isatty())
    try:
        text = sys.stdin.read() if args.file in (None, "-") else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"pipeline oracle: error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    return transcript(text, sys.stdout)


def new_world() -> World:
    from pipeline.verify import _new_world

    return _new_world()


# -- a scenario file ----------------------------------------------------------------------------


def transcript(text: str, out: TextIO) -> int:
    """Run a whole scenario in a fresh world, printing each command and its output."""
    from pipeline.oracle.scenario import ScenarioSyntaxError, parse_scenario, run_scenario

    try:
        parse_scenario(text)
    except ScenarioSyntaxError as exc:
        print(f"pipeline oracle: error: {exc}", file=sys.stderr)
        return 2
    result = run_scenario(text, new_world())
    for completed in result.results:
        out.write(show_command(completed.command.text))
        show_output(completed, out)
    out.flush()
    if result.failure is not None:
        print(f"pipeline oracle: scenario failed: {result.failure}", file=sys.stderr)
        return 1
    return 0


def show_command(text: str) -> str:
    """`$ first line`, then `> ` before each further line, as a shell echoes what was typed."""
    first, *rest = text.split("\n")
    return "".join([f"{PROMPT}{first}\n", *(f"{MORE}{line}\n" for line in rest)])


def show_output(completed: CommandResult, out: TextIO) -> None:
    for stream in (completed.stdout, completed.stderr):
        if stream:
            text = stream.decode("utf-8", "replace")
            out.write(text if text.endswith("\n") else text + "\n")


# -- the prompt ---------------------------------------------------------------------------------


def interactive(source: TextIO, out: TextIO, echo: bool = False) -> int:
    """Read commands one at a time and run each in the same world; returns the last status.

    `echo` repeats each line read after its prompt, so a piped session reads like a terminal.
    """
    from pipeline.oracle.scenario import Command, run_command

    world = new_world()
    read = _terminal_reader() if source.isatty() and out.isatty() else _reader(source, out, echo)
    status = 0
    number = 0
    while True:
        try:
            text, count = read_command(read)
        except KeyboardInterrupt:  # Ctrl-C drops the line being typed, as a shell does
            out.write("\n")
            continue
        if text is None:
            out.write("\n")
            return status
        number += count
        exit_ = _EXIT.fullmatch(text)
        if exit_:
            return int(exit_.group("code") or status) & 0xFF
        world.budget.steps = world.budget.iterations = 0  # each command gets the whole budget
        try:
            completed = run_command(world, Command(text, number))
        except Exception as exc:  # a bug in the oracle ends this command, not the session
            out.write(f"pipeline oracle: internal error: {type(exc).__name__}: {exc}\n")
            status = 1
            continue
        show_output(completed, out)
        out.flush()
        status = completed.exit_code if completed.exit_code >= 0 else 1


Reader = Callable[[str], str | None]


def read_command(read: Reader) -> tuple[str | None, int]:
    """The next complete command (None at the end of input) and how many lines it took."""
    body: str | None = None
    count = 0
    while True:
        line = read(PROMPT if body is None else MORE)
        if line is None:
            return body, count
        count += 1
        if body is None and not line.strip():
            continue
        body = line if body is None else body + "\n" + line
        if not needs_more(body):
            return body, count


def _reader(source: TextIO, out: TextIO, echo: bool) -> Reader:
    def read(prompt: str) -> str | None:
        out.write(prompt)
        out.flush()
        line = source.readline()
        if not line:
            return None
        line = line.rstrip("\n").removesuffix("\r")
        if echo:
            out.write(line + "\n")
        return line

    return read


def _terminal_reader() -> Reader:
    """`input()`, which gives line editing and history on a terminal."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (importing it is what turns editing on)

    def read(prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            return None

    return read


def needs_more(text: str) -> bool:
    """Is `text` a command cut short: a trailing `\\`, an open here-document, an open construct?"""
    from pipeline.oracle.shell.lexer import ShellSyntaxError
    from pipeline.oracle.shell.parser import parse

    trailing = len(text) - len(text.rstrip("\\"))
    if trailing % 2 == 1:
        return True
    if _open_heredoc(text):
        return True
    try:
        parse(text)
    except ShellSyntaxError as exc:
        return any(marker in str(exc) for marker in _INCOMPLETE)
    except Exception:  # a limit, or a parser bug: running the command will report it
        return False
    return False


def _open_heredoc(text: str) -> bool:
    """Does a here-document opened in `text` still wait for its delimiter line?"""
    from pipeline.oracle.shell.parser import heredoc_delimiters

    lines = text.split("\n")
    index = 0
    while index < len(lines):
        command = lines[index]
        index += 1
        for delimiter, strip_tabs in heredoc_delimiters(command):
            while True:
                if index >= len(lines):
                    return True
                line = lines[index]
                index += 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
    return False
