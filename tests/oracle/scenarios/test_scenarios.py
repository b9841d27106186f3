"""Scenario tests: each file of data/ is a transcript whose answer comes from Docker's documented
behaviour (docs.docker.com, docker/cli and moby sources, the semantics note), cited in the file.

A file holds `title`, `source` (the citations), `script` (the transcript, as a lesson's `oracle`
block) and either `answer` (the last command's standard output, stripped) or `fails` (the line,
counted from the script's first line, of the command that must fail, and a piece of its standard
error). Each runs in a fresh world, exactly as `pipeline check` runs a lesson's scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.oracle.scenario import run_scenario
from pipeline.oracle.world import new_world

DATA = Path(__file__).resolve().parent / "data"
FILES = sorted(DATA.glob("*.yaml"))
KEYS = {"title", "source", "script"}


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_there_are_at_least_forty_cited_scenarios() -> None:
    assert len(FILES) >= 40
    for path in FILES:
        case = load(path)
        assert set(case) in ({*KEYS, "answer"}, {*KEYS, "fails"}), path.name
        assert case["title"].strip() and case["script"].startswith("$ "), path.name
        assert case["source"] and all(isinstance(s, str) and s.strip() for s in case["source"])


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path) -> None:
    case = load(path)
    result = run_scenario(case["script"], new_world())
    if "answer" in case:
        assert result.failure is None, str(result.failure)
        assert result.answer == str(case["answer"]).strip()
    else:
        expected = case["fails"]
        assert result.failure is not None, f"the scenario succeeded with {result.answer!r}"
        assert result.failure.command.line == expected["line"], str(result.failure)
        assert expected["stderr"] in result.failure.stderr, str(result.failure)
