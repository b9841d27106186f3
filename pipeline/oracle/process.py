"""How the engine runs a program inside a container: the interface the scenario shell implements.

The engine never runs anything itself. For `RUN`, `docker run` and `docker exec` it hands a
`Process` and the container's file system to a `Runner`; the shell interprets the program on that
file system and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pipeline.oracle.fsapi import FileSystem


@dataclass
class Process:
    argv: list[str]  # e.g. ["/bin/sh", "-c", "echo hi"] for a shell-form RUN
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "/"
    user: str = "root"
    stdin: bytes = b""


STDOUT, STDERR = 1, 2


@dataclass
class Completed:
    exit_code: int
    stdout: bytes = b""
    stderr: bytes = b""
    # A program that has not ended (a detached server): its container stays "running".
    running: bool = False
    # Both streams as written, in order: (1 or 2, bytes). A terminal, `2>&1` and `docker logs`
    # show this interleaving, which `stdout` and `stderr` alone lose. Empty when the runner did
    # not record it (then `chunks()` gives stdout, then stderr).
    output: tuple[tuple[int, bytes], ...] = ()

    def chunks(self) -> tuple[tuple[int, bytes], ...]:
        if self.output:
            return self.output
        return tuple(
            (fd, data) for fd, data in ((STDOUT, self.stdout), (STDERR, self.stderr)) if data
        )


class ExecNotFound(Exception):
    """argv[0] is not in the container (e.g. `/bin/sh` on `FROM scratch`): it cannot start.

    Docker reports this from runc as `exec: "/bin/sh": stat /bin/sh: no such file or directory`
    (or `executable file not found in $PATH` for a bare name); the engine words the rest.
    """

    def __init__(self, program: str, message: str) -> None:
        super().__init__(message)
        self.program = program


class Runner(Protocol):
    def run(self, fs: FileSystem, process: Process) -> Completed: ...
