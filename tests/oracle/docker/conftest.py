"""Fixtures for the docker command tests: a fresh world as lesson checking makes it
(`new_world()`), and `sh` to run one command line (or a whole transcript) in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from pipeline.oracle.scenario import World, run_scenario
from pipeline.oracle.world import new_world


@dataclass
class Ran:
    status: int
    out: str
    err: str


Sh = Callable[..., Ran]


@pytest.fixture
def world() -> World:
    return new_world()


@pytest.fixture
def sh(world: World) -> Sh:
    """`sh("docker images -q")` runs one command line (here-documents allowed) in the test's
    world and returns its status, stdout and stderr; earlier calls' effects persist."""

    def run(command: str) -> Ran:
        text = command if command.startswith("$ ") else "$ " + command
        result = run_scenario(text + "\n", world)
        if not result.results:
            raise AssertionError(f"no command ran: {result.failure}")
        last = result.results[-1]
        if result.failure is not None and last.exit_code == -1:
            raise AssertionError(str(result.failure))
        return Ran(last.exit_code, last.stdout.decode(), last.stderr.decode())

    return run


@pytest.fixture
def ok(sh: Sh) -> Callable[[str], str]:
    """Run a command that must succeed; its stdout."""

    def run(command: str) -> str:
        ran = sh(command)
        assert ran.status == 0, (command, ran)
        return ran.out

    return run
