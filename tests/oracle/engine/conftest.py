"""Helpers for the engine tests: a tiny Runner that performs a fixed list of FileSystem calls
(the real shell is another module; these tests only need programs with known effects)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.oracle.fsapi import FileSystem
from pipeline.oracle.process import Completed, Process

Step = Callable[[FileSystem, Process], None]


class ScriptRunner:
    """Runs every process by applying `steps` to the container's file system, in order."""

    def __init__(self, *steps: Step, exit_code: int = 0, stdout: bytes = b"") -> None:
        self.steps = list(steps)
        self.exit_code = exit_code
        self.stdout = stdout
        self.seen: list[Process] = []

    def run(self, fs: FileSystem, process: Process) -> Completed:
        self.seen.append(process)
        for step in self.steps:
            step(fs, process)
        return Completed(self.exit_code, self.stdout)


@pytest.fixture
def script_runner() -> type[ScriptRunner]:
    return ScriptRunner
