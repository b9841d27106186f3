r"""Scenario transcripts (oracle-scenarios.md, rules 1, 2 and 5): parse them, run them.

    $ printf 'print("hi")\n' > app.py
    $ cat > Dockerfile <<'EOF'
    FROM scratch
    EOF
    # a comment
    $ docker build -q -t demo . >/dev/null

Lines beginning with `$ ` are commands; a line ending in `\` continues on the next line; the
lines after a command with here-documents are their bodies, up to each delimiter; `#` lines are
comments and blank lines are ignored; any other line is an error naming its line.

Every command runs in one host shell, in a `World`: the host file system (the build context is
the working directory, `/context`), the environment, and extra host commands (the docker CLI
registers `docker` there). The answer is the standard output of the last command, stripped. A
command that exits non-zero, hits a limit, or uses something the oracle does not simulate stops
the scenario; the failure names the command, its line and its standard error. The last command
may exit non-zero if it printed no error (its error went to stdout with `2>&1`): see
`run_scenario`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.oracle.fsapi import FileSystem
from pipeline.oracle.shell.interpreter import DEFAULT_PATH, IO, HostCommand, Shared, Shell
from pipeline.oracle.shell.limits import Budget, Limits, ShellAbort
from pipeline.oracle.shell.parser import heredoc_delimiters
from pipeline.oracle.shell.runner import ShellRunner
from pipeline.oracle.shell.streams import Buffer, Source

CONTEXT_DIR = "/context"
# 2025-01-01T00:00:00Z, the engine's EPOCH_START: host files get a deterministic time.
DEFAULT_EPOCH = 1735689600


class ScenarioSyntaxError(Exception):
    """A line that is neither a command, a continuation, a here-document line nor a comment."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Command:
    text: str  # as the shell reads it: continuation lines and here-document bodies included
    line: int  # the line of its `$ `


@dataclass(frozen=True)
class CommandResult:
    command: Command
    exit_code: int
    stdout: bytes
    stderr: bytes


@dataclass(frozen=True)
class Failure:
    command: Command
    reason: str  # "exit status 1", or the limit / not-simulated message
    stderr: str

    def __str__(self) -> str:
        first = self.command.text.split("\n", 1)[0]
        detail = f"\n{self.stderr.rstrip()}" if self.stderr.strip() else ""
        return f"line {self.command.line}: `{first}` failed ({self.reason}){detail}"


@dataclass
class ScenarioResult:
    results: list[CommandResult] = field(default_factory=list)
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def answer(self) -> str:
        """The last command's standard output without surrounding white space (rule 2)."""
        if not self.results:
            return ""
        return self.results[-1].stdout.decode("utf-8", "replace").strip()

    def lines(self, count: int) -> list[str]:
        """The first `count` lines of the answer: one per gap."""
        return self.answer.split("\n")[:count]


@dataclass
class World:
    """One scenario's isolated world, as the host shell sees it."""

    fs: FileSystem
    commands: dict[str, HostCommand] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = CONTEXT_DIR
    budget: Budget = field(default_factory=Budget)
    clock: Callable[[], int] | None = None
    _shell: Shell | None = field(default=None, repr=False)

    @classmethod
    def fresh(cls, limits: Limits | None = None, clock: Callable[[], int] | None = None) -> World:
        """An empty build context in a new in-memory host file system."""
        from pipeline.oracle.filesystem import UnionFileSystem

        clock = clock or (lambda: DEFAULT_EPOCH)
        fs = UnionFileSystem(clock=clock)
        fs.mkdir(CONTEXT_DIR, parents=True)
        fs.mkdir("/root", mode=0o700, parents=True)
        fs.mkdir("/tmp", mode=0o1777, parents=True)
        env = {"HOME": "/root", "PATH": DEFAULT_PATH, "PWD": CONTEXT_DIR}
        return cls(fs=fs, env=env, budget=Budget(limits or Limits()), clock=clock)

    @property
    def shell(self) -> Shell:
        """The host shell: one for the whole scenario, so variables and `cd` carry over."""
        if self._shell is None:
            shared = Shared(self.budget, clock=self.clock)
            self._shell = Shell(
                self.fs, env=self.env, cwd=self.cwd, commands=self.commands, shared=shared
            )
        return self._shell

    def runner(self) -> ShellRunner:
        """The Runner for the engine: containers spend the same budget as the host."""
        return ShellRunner(self.budget, self.clock)


def parse_scenario(text: str, first_line: int = 1) -> list[Command]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    commands: list[Command] = []
    index = 0
    while index < len(lines):
        number = first_line + index
        line = lines[index]
        index += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not (line.startswith("$ ") or line == "$"):
            raise ScenarioSyntaxError(
                f"expected a command (`$ ...`) or a comment (`# ...`), got {line!r}", number
            )
        body = line[2:]
        while _continues(body):
            if index >= len(lines):
                raise ScenarioSyntaxError(
                    "the last line ends with `\\` but nothing follows", number
                )
            body += "\n" + lines[index]
            index += 1
        for delimiter, strip_tabs in heredoc_delimiters(body):
            while True:
                if index >= len(lines):
                    raise ScenarioSyntaxError(
                        f"here-document without its closing {delimiter!r} line", number
                    )
                doc_line = lines[index]
                index += 1
                body += "\n" + doc_line
                if (doc_line.lstrip("\t") if strip_tabs else doc_line) == delimiter:
                    break
        if not body.strip():
            raise ScenarioSyntaxError("empty command", number)
        commands.append(Command(body, number))
    return commands


def _continues(text: str) -> bool:
    """An odd number of trailing backslashes escapes the newline."""
    trailing = len(text) - len(text.rstrip("\\"))
    return trailing % 2 == 1


def run_scenario(text: str, world: World | None = None, first_line: int = 1) -> ScenarioResult:
    """Run every command in the world's host shell; stop at the first failure (rule 5).

    A command that exits non-zero fails the scenario, with one exception that rule 5 asks for
    ("`2>&1` lets a question ask about an error message itself"): the LAST command may exit
    non-zero when it wrote nothing to standard error, because its output is then the answer
    (`cat missing 2>&1`, or `grep -c x f` printing 0 with status 1).
    """
    world = world or World.fresh()
    result = ScenarioResult()
    commands = parse_scenario(text, first_line)
    for index, command in enumerate(commands):
        completed = run_command(world, command)
        result.results.append(completed)
        if isinstance(completed, _Aborted):
            result.failure = Failure(
                command, completed.reason, completed.stderr.decode("utf-8", "replace")
            )
            break
        last = index == len(commands) - 1
        if completed.exit_code != 0 and not (last and not completed.stderr):
            stderr = completed.stderr.decode("utf-8", "replace")
            result.failure = Failure(command, f"exit status {completed.exit_code}", stderr)
            break
    return result


@dataclass(frozen=True)
class _Aborted(CommandResult):
    reason: str = ""


def run_command(world: World, command: Command) -> CommandResult:
    shell = world.shell
    out = Buffer(world.budget, "max_output_bytes", "standard output")
    err = Buffer(world.budget, "max_output_bytes", "standard error")
    io = IO({0: Source(budget=world.budget), 1: out, 2: err})
    try:
        status = shell.run_script(command.text, io)
        return CommandResult(command, status, out.getvalue(), err.getvalue())
    except ShellAbort as exc:
        # The message on a line of its own, ending with a newline, whatever came before it.
        before = _partial(err)
        if before and not before.endswith(b"\n"):
            before += b"\n"
        reason = str(exc).strip("\n")
        return _Aborted(command, -1, _partial(out), before + f"{reason}\n".encode(), reason=reason)


def _partial(buffer: Buffer) -> bytes:
    """What a buffer holds, cut to its limit (it may be the one that overflowed)."""
    return buffer.content().read(0, buffer.cap)
