"""What every `docker` sub-command is made of: its cobra definition (path, usage, flags,
argument rule) and the invocation it runs with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.oracle.docker.errors import args_error
from pipeline.oracle.docker.flags import Flag, FlagSet, Parsed
from pipeline.oracle.shell.interpreter import CommandContext

if TYPE_CHECKING:
    from pipeline.oracle.docker.cli import Docker


@dataclass(frozen=True)
class Args:
    """A cobra positional-argument rule (cli/required.go)."""

    kind: str = "any"  # any | exact | min | max | range | none
    counts: tuple[int, ...] = ()

    def check(self, command: Command, args: Sequence[str]) -> None:
        n = len(args)
        ok = {
            "any": True,
            "exact": self.counts and n == self.counts[0],
            "min": self.counts and n >= self.counts[0],
            "max": self.counts and n <= self.counts[0],
            "range": self.counts and self.counts[0] <= n <= self.counts[-1],
            "none": n == 0,
        }[self.kind]
        if not ok:
            raise args_error(self.kind, command.path, command.use_line, command.short, *self.counts)


def exactly(n: int) -> Args:
    return Args("exact", (n,))


def at_least(n: int) -> Args:
    return Args("min", (n,))


def at_most(n: int) -> Args:
    return Args("max", (n,))


def between(low: int, high: int) -> Args:
    return Args("range", (low, high))


NO_ARGS = Args("none")


@dataclass(frozen=True)
class Command:
    path: str  # as cobra's CommandPath: "docker image ls", "docker buildx build"
    usage: str  # the rest of the Use line: "[OPTIONS] [REPOSITORY[:TAG]]"
    short: str
    run: Callable[[Invocation], int]
    flags: tuple[Flag, ...] = ()
    args: Args = Args()
    interspersed: bool = True

    @property
    def use_line(self) -> str:
        return f"{self.path} {self.usage}".rstrip()

    def parse(self, argv: Sequence[str]) -> Parsed:
        parsed = FlagSet(self.flags, self.interspersed).parse(argv)
        self.args.check(self, parsed.args)
        return parsed


@dataclass
class Invocation:
    """One run of a command: parsed flags and arguments, stdin, the host shell's view (cwd,
    env, file system), the docker state, and the output it collects."""

    docker: Docker
    command: Command
    opts: Parsed
    stdin: bytes
    host: CommandContext
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)

    @property
    def engine(self) -> Any:
        return self.docker.engine

    @property
    def args(self) -> list[str]:
        return self.opts.args

    def out(self, text: str | bytes) -> None:
        self._write(1, text.encode() if isinstance(text, str) else text)

    def err(self, text: str | bytes) -> None:
        self._write(2, text.encode() if isinstance(text, str) else text)

    def write(self, chunks: Iterable[tuple[int, bytes]]) -> None:
        """A program's output as it wrote it (`Completed.chunks()`), both streams in order."""
        for fd, data in chunks:
            self._write(fd, data)

    def _write(self, fd: int, data: bytes) -> None:
        """Straight to the shell's descriptors when there is a shell, so that `2>&1` keeps the
        real order of the two streams; else collected and returned at the end."""
        io = self.host.io if self.host is not None else None
        if io is not None:
            (io.stdout if fd == 1 else io.stderr).write(bytes(data))
        else:
            (self.stdout if fd == 1 else self.stderr).extend(data)

    def host_path(self, path: str) -> str:
        """A host path as the shell resolves it (relative to the working directory)."""
        import posixpath

        if not path.startswith("/"):
            path = posixpath.join(self.host.cwd, path)
        return posixpath.normpath(path) if path != "/" else "/"
