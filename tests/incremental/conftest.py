"""A generated course (benchmarks/corpus.py) big enough that reading it starts a process pool."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402

LESSONS = 80  # above the pool's minimum of 32 lessons per process, for two processes


@pytest.fixture(scope="session")
def course_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(LESSONS, tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def course(course_template: Path, tmp_path: Path) -> Path:
    """A private copy: tests edit lessons."""
    import shutil

    return Path(shutil.copytree(course_template, tmp_path / "course" / course_template.name))
