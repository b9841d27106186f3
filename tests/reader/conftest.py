"""Paths to the shared Enki fixtures and seed lesson, for the reader's tests.

The files live in `../shared` next to the repository (see tests/conftest.py): when they are
missing a test fails in CI and skips on a developer's machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def _require(path: Path) -> Path:
    if not path.exists():
        message = f"{path} is required for this test (the shared fixtures next to the repository)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def enki_docker() -> Path:
    """The Docker topic of the public Enki curriculum, with its manifests."""
    return _require(SHARED / "fixtures" / "enki-docker")


@pytest.fixture(scope="session")
def fundamentals(enki_docker: Path) -> Path:
    return enki_docker / "docker-fundamentals"


@pytest.fixture(scope="session")
def seed_lesson() -> Path:
    seeds = sorted((SHARED / "seeds").glob("000_*.txt"))
    return _require(seeds[0] if seeds else SHARED / "seeds" / "000_*.txt")
