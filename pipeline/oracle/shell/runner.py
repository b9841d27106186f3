"""`ShellRunner`: the `process.Runner` the engine uses for RUN, `docker run` and `docker exec`.

A program runs only if its file is in the container's file system (see `resolve.py`); a missing
one raises `ExecNotFound` with runc's wording, which is how `RUN` fails on `FROM scratch`. The
runner shares the scenario's `Budget`, so a loop inside a container counts against the same
limits as the host shell. `LimitExceeded` and `NotSimulated` are not caught: they end the
scenario, however deep they happen.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.oracle.fsapi import FileSystem
from pipeline.oracle.process import Completed, Process
from pipeline.oracle.shell.interpreter import DEFAULT_PATH, IO, Shared, Shell
from pipeline.oracle.shell.limits import Budget
from pipeline.oracle.shell.resolve import exec_process
from pipeline.oracle.shell.streams import Interleaving, RecordedBuffer, Source


class ShellRunner:
    def __init__(self, budget: Budget | None = None, clock: Callable[[], int] | None = None):
        self.budget = budget or Budget()
        self.clock = clock

    def run(self, fs: FileSystem, process: Process) -> Completed:
        shared = Shared(self.budget, clock=self.clock)
        env = dict(process.env)
        env.setdefault("PATH", DEFAULT_PATH)  # what Docker gives a container without one
        shell = Shell(
            fs,
            env=env,
            cwd=process.cwd or "/",
            host=False,
            user=process.user or "root",
            shared=shared,
            name=process.argv[0] if process.argv else "sh",
        )
        order = Interleaving()
        out = RecordedBuffer(self.budget, 1, order, "the container's standard output")
        err = RecordedBuffer(self.budget, 2, order, "the container's standard error")
        io = IO({0: Source.of(process.stdin, self.budget), 1: out, 2: err})
        status = exec_process(shell, list(process.argv), io)
        completed = Completed(status, out.getvalue(), err.getvalue(), output=order.output())
        if shared.long_running:
            completed.running = True  # type: ignore[attr-defined] - read by Engine.start
        return completed
