"""The bounds every scenario runs within, so a runaway script ends fast with a clear error.

One `Budget` is shared by everything a scenario runs (the host shell, `sh -c`, `$(...)`, and the
shells the engine starts for `RUN`/`docker run`), so a loop cannot escape its limit by nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ShellAbort(Exception):
    """Ends the whole scenario: the oracle cannot give a faithful answer past this point."""


class LimitExceeded(ShellAbort):
    """A limit of `Limits` was reached; `limit` is the field's name."""

    def __init__(self, limit: str, value: int, what: str = "") -> None:
        detail = f" ({what})" if what else ""
        super().__init__(f"oracle limit exceeded: {limit} = {value}{detail}")
        self.limit = limit
        self.value = value


class NotSimulated(ShellAbort):
    """A program, option or construct the oracle does not model (e.g. `python`, `ls -Z`)."""


@dataclass(frozen=True)
class Limits:
    max_steps: int = 20_000  # commands executed (simple commands, builtins, programs)
    max_loop_iterations: int = 10_000  # iterations of all while/until/for loops together
    max_output_bytes: int = 1 << 20  # what one scenario command may print (stdout or stderr)
    max_pipe_bytes: int = 16 << 20  # materialised bytes one pipe, buffer or read may hold
    max_variable_bytes: int = 1 << 20  # a variable's value, a `$(...)` result, an argument
    max_depth: int = 40  # nesting of parsing, `$(...)`, `sh -c`, functions, `eval`
    max_script_bytes: int = 256 << 10  # the text of one script
    max_arguments: int = 10_000  # fields one command line may expand to (globs, "$@")
    max_work_bytes: int = 512 << 20  # bytes programs read and scan, over the whole scenario
    # Commands of the world's host (`docker`): each costs milliseconds where a builtin costs
    # microseconds, so the step and loop limits alone let `while docker images; do :; done` run
    # for minutes. Real scenarios run fewer than ten.
    max_host_commands: int = 200


@dataclass
class Budget:
    """What has been spent so far against one `Limits`."""

    limits: Limits = field(default_factory=Limits)
    steps: int = 0
    iterations: int = 0
    work: int = 0
    host_commands: int = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise LimitExceeded("max_steps", self.limits.max_steps, "commands executed")

    def iterate(self) -> None:
        self.iterations += 1
        if self.iterations > self.limits.max_loop_iterations:
            raise LimitExceeded(
                "max_loop_iterations", self.limits.max_loop_iterations, "loop iterations"
            )

    def host_command(self) -> None:
        self.host_commands += 1
        if self.host_commands > self.limits.max_host_commands:
            raise LimitExceeded(
                "max_host_commands", self.limits.max_host_commands, "docker commands run"
            )

    def charge(self, size: int) -> None:
        """Bytes a program reads or scans: bounds the time text tools can take."""
        self.work += size
        if self.work > self.limits.max_work_bytes:
            raise LimitExceeded(
                "max_work_bytes", self.limits.max_work_bytes, "bytes read by programs"
            )

    def check_depth(self, depth: int) -> None:
        if depth > self.limits.max_depth:
            raise LimitExceeded("max_depth", self.limits.max_depth, "nesting depth")

    def check_bytes(self, size: int, limit: str, what: str = "") -> None:
        value = getattr(self.limits, limit)
        if size > value:
            raise LimitExceeded(limit, value, what)
