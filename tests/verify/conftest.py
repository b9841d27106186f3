"""Lessons written on the fly for the verification tests, and the command line to check them.

Under pytest's importlib mode a test cannot import this file, so its helpers come as fixtures:
`kit` (question, lesson, line_of, pipeline) and `write_lesson`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONT = """---
author: enki-pipeline
type: normal
category: must-know
---

# Oracle Checks

---

## Content

The oracle runs each scenario in a fresh world.
"""


def question(
    section: str, text: str, answers: list[str], scenario: str | None = None, headline: str = ""
) -> str:
    """One question section: `text` with its gaps, the answer list, then the oracle block."""
    parts = [f"\n---\n\n## {section}\n\n"]
    if headline:
        parts.append(f"### {headline}\n\n")
    parts.append(f"{text}\n\n")
    parts.append("".join(f"- {answer}\n" for answer in answers))
    if scenario is not None:
        parts.append(f"\n```oracle\n{scenario.rstrip()}\n```\n")
    return "".join(parts)


def lesson(*questions: str) -> str:
    return FRONT + "".join(questions)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line that starts with `needle`."""
    found = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith(needle)]
    return found[occurrence - 1]


def pipeline(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *map(str, args)],
        cwd=cwd,
        env={**environment, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def write_lesson(tmp_path: Path) -> Callable[..., Path]:
    """Write a lesson into a project folder (with a pyproject.toml, so the cache lands there)."""
    project = tmp_path / "project"
    (project / "cards").mkdir(parents=True, exist_ok=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'course'\n")

    def write(text: str, name: str = "oracle-checks.md") -> Path:
        path = project / "cards" / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


class Kit:
    question = staticmethod(question)
    lesson = staticmethod(lesson)
    line_of = staticmethod(line_of)
    pipeline = staticmethod(pipeline)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
