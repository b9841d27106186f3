"""Fixtures for the scenario-shell tests: a fresh world (an empty build context at /context in
an in-memory host file system) and a `run` helper returning (status, stdout, stderr)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.oracle.scenario import World


@pytest.fixture
def world() -> World:
    return World.fresh()


@pytest.fixture
def run(world: World) -> Callable[..., tuple[int, str, str]]:
    def run_script(script: str, stdin: bytes = b"") -> tuple[int, str, str]:
        completed = world.shell.run(script, stdin)
        return (
            completed.exit_code,
            completed.stdout.decode("utf-8", "surrogateescape"),
            completed.stderr.decode("utf-8", "surrogateescape"),
        )

    return run_script
