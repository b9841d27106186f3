"""Fixtures for the site's tests: built sites, Chromium through Playwright, the npm tools.

Chromium is Debian's (`/usr/bin/chromium`, installed by tests/run.sh), never a browser that
Playwright downloads. axe-core and html-validate come from `npm ci` in this folder. A missing
tool fails the test in CI (`CI=true`) and skips it elsewhere, as tests/conftest.py says.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from external import missing

from pipeline.check import Checked, check
from pipeline.site import write_site

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
COURSE = HERE / "course"  # a small course of our own: gaps, type-in, oracle, footnotes
HOSTILE = HERE / "hostile"  # a lesson made of script and event-handler payloads
ARTIFACTS = ROOT / "tests" / "artifacts" / "site"
NODE_MODULES = HERE / "node_modules"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def checked_and_verified(source: Path) -> Checked:
    """Check a course and run its oracle scenarios, as `build` does before the exporters."""
    from pipeline.verify import Verifier

    checked = check(source)
    Verifier().verify_all(checked.cards)
    return checked


def _build_site(source: Path, output: Path) -> tuple[Checked, Path]:
    checked = checked_and_verified(source)
    return checked, write_site(checked.curriculum, checked.cards, output / "site")


@pytest.fixture(scope="session")
def build_site() -> Any:
    """`build_site(source, output) -> (checked, site folder)`: check, verify, write the site."""
    return _build_site


@pytest.fixture(scope="session")
def course_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Checked, Path]:
    return _build_site(COURSE, tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Checked, Path]:
    return _build_site(HOSTILE, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Checked, Path]:
    """The project's own course (cards/), as a learner gets it."""
    return _build_site(ROOT / "cards", tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        missing("Debian's Chromium (/usr/bin/chromium)", "apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package `playwright`", "pip install playwright")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context_factory(browser: Any) -> Iterator[Any]:
    """New browser contexts (own storage), closed after the test; offline, as from disk."""
    contexts = []

    def make(color_scheme: str = "light", **options: Any) -> Any:
        options.setdefault("viewport", {"width": 1000, "height": 900})
        context = browser.new_context(color_scheme=color_scheme, offline=True, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = NODE_MODULES / "axe-core" / "axe.min.js"
    if not path.exists():
        missing("the npm package axe-core", "npm ci in tests/site")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def html_validate() -> list[str]:
    """The command that validates HTML files (html-validate, pinned in package-lock.json)."""
    node = shutil.which("node")
    if node is None:
        missing("the `node` executable", "apt-get install nodejs")
    script = NODE_MODULES / "html-validate" / "bin" / "html-validate.mjs"
    if not script.exists():
        missing("the npm package html-validate", "npm ci in tests/site")
    return [node, str(script), "--config", str(HERE / "htmlvalidate.json")]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
