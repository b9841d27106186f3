"""Fixtures for the differential tests: real buildah/skopeo/umoci and a static busybox.

One session directory holds every store: `buildah_storage` (the focused tests) and the per-worker
stores of `buildah_results` (the generated cases, built once per session, in parallel).

`tests/` is appended to sys.path so this folder imports as the package `differential` (unique
name: plain `harness`/`generator` modules could collide with other test folders' helpers).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.append(str(TESTS))

from external import in_ci, missing, require_executable, require_module, require_path  # noqa: E402, F401

from differential.generator import Case, generate_cases  # noqa: E402
from differential.harness import BUSYBOX, Storage  # noqa: E402
from differential.recording import CaseResult, build_all  # noqa: E402

TOOLS = ("buildah", "skopeo", "umoci")
INSTALL_HINT = "apt-get install buildah skopeo umoci busybox-static"


def require_oci_tools() -> None:
    for tool in TOOLS:
        require_executable(tool, INSTALL_HINT)
    require_path(BUSYBOX, INSTALL_HINT)


@pytest.fixture(scope="session")
def buildah_storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storage]:
    require_oci_tools()
    storage = Storage(tmp_path_factory.mktemp("buildah"))
    yield storage
    # vfs keeps a full copy of the root file system per layer: do not leave it in /tmp.
    shutil.rmtree(storage.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def generated_cases() -> list[Case]:
    return generate_cases()


@pytest.fixture(scope="session")
def buildah_results(generated_cases: list[Case], buildah_storage: Storage) -> dict[str, CaseResult]:
    """Every generated case built and rebuilt by buildah, in parallel, in one shared store."""
    return build_all(generated_cases, buildah_storage.directory / "generated")
