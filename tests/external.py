"""External tools the tests need, and what happens when one is missing.

Chromium, buildah, the `anki` package and npm packages are real dependencies of the tests.
`tests/run.sh` installs them; when one is missing a test fails with a clear message in CI
(`CI=true`) and may only skip on a developer's machine. `tests/` is on pytest's `pythonpath`, so
every test folder imports this module as `external`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(what: str, hint: str) -> None:
    """Fail in CI, skip elsewhere: `what` is needed and `hint` says how tests/run.sh installs it."""
    message = f"{what} is required for this test ({hint}); run `bash tests/run.sh`"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_executable(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"the `{name}` executable", hint)
    return path  # type: ignore[return-value]


def require_module(name: str, hint: str) -> None:
    if importlib.util.find_spec(name) is None:
        missing(f"the Python package `{name}`", hint)


def require_path(path: Path, hint: str) -> Path:
    if not path.exists():
        missing(str(path), hint)
    return path
