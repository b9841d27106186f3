"""Script payloads wherever a lesson's text goes: legal input, so the build succeeds, and no
output lets one run.

`payloads/` is a course whose manifests (names, descriptions) and lesson (front matter author,
tag and link name, title, prose, raw HTML, image alt text, code block, question, answers,
headline, footnote title and body, and an oracle scenario that prints a payload as the answer)
carry `<script>`, event handlers and `javascript:` URLs where Markdown only allows text. It is
built with `python -m pipeline build` in a bounded child; then every output is opened:
cards.json (valid JSON, its HTML fields inert, the payloads kept as text), each Anki note field
and deck description (from the package's SQLite collection), and every page of the site
(parsed: no script but our own assets, no `on*` attribute, no `javascript:` or `data:` URL), on
which the payloads are visible as text, escaped rather than dropped.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile.support import OUR_SCRIPTS, Course, Run, active_parts, run_pipeline, visible_text

HERE = Path(__file__).resolve().parent
PAYLOADS = HERE / "payloads" / "docker"
# Payloads on cards, which each output must show as text (not drop, not run).
ON_CARDS = [
    "\"><img src=x onerror=alert('xss-title')>",
    "<script>alert('xss-question')</script>",
    "<script>alert('xss-answer')</script>",
    "<script>alert('xss-headline')</script>",
    "<img src=x onerror=alert('xss-footnote')>",
]
# And on the lesson's page, the prose too.
ON_PAGE = [
    *ON_CARDS,
    "<script>alert('xss-prose')</script>",
    "<img src=x onerror=\"alert('xss-img')\">",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Run, Run]:
    work = tmp_path_factory.mktemp("payloads")
    shutil.copytree(PAYLOADS, work / "course")
    course = Course(work, "payloads.md")
    return course, run_pipeline("check", course), run_pipeline("build", course)


def test_payloads_are_legal_input_and_the_build_succeeds(built: tuple[Course, Run, Run]) -> None:
    course, check, build = built
    for run in (check, build):
        assert run.code == 0, run.stdout + run.stderr
        assert run.diagnostics == [], run.stdout
        assert "Traceback" not in run.stdout + run.stderr
        assert run.unparsed() == []
    assert "(1 verified, " in check.stdout  # the scenario printing a payload ran and matched
    names = {path.name for path in course.output.iterdir()}
    assert {"cards.json", "images.apkg", "site"} <= names


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def test_cards_json_holds_the_payloads_as_inert_text(built: tuple[Course, Run, Run]) -> None:
    course, _, _ = built
    document = json.loads((course.output / "cards.json").read_text(encoding="utf-8"))
    strings = list(_strings(document))
    for key, value in strings:
        if key.endswith("html"):  # what a consumer puts on a page as is
            assert active_parts(value) == [], (key, value)
    texts = {value for key, value in strings if not key.endswith("html")}
    everything = "\n".join(texts)
    # Kept as the author wrote them, in plain-text fields, for a consumer to escape.
    assert "Payloads \"><img src=x onerror=alert('xss-title')>" in texts
    assert "<script>alert('xss-tag')</script>" in texts
    for payload in ON_CARDS[1:]:
        assert payload in everything, payload
    # And escaped in the HTML fields, the prose included.
    shown = "\n".join(visible_text(value) for key, value in strings if key.endswith("html"))
    for payload in ON_PAGE:
        if "xss-title" not in payload and "xss-headline" not in payload:  # plain-text fields
            assert payload in shown, payload


def _collection(package: Path, into: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        name = next(n for n in ("collection.anki21", "collection.anki2") if n in names)
        (into / name).write_bytes(archive.read(name))
    return sqlite3.connect(into / name)


def test_anki_notes_hold_nothing_active(built: tuple[Course, Run, Run], tmp_path: Path) -> None:
    course, _, _ = built
    (package,) = course.output.glob("*.apkg")
    connection = _collection(package, tmp_path)
    try:
        fields = [
            field
            for (flds,) in connection.execute("SELECT flds FROM notes")
            for field in flds.split("\x1f")
        ]
        decks = json.loads(connection.execute("SELECT decks FROM col").fetchone()[0])
    finally:
        connection.close()
    assert fields
    for field in fields:
        assert active_parts(field) == [], field
    for deck in decks.values():
        assert active_parts(deck.get("desc", "")) == [], deck
    shown = "\n".join(visible_text(field) for field in fields)
    for payload in [*ON_CARDS, "<img src=x onerror=alert('xss-oracle')>"]:
        assert payload in shown, payload


def test_site_pages_run_only_our_own_scripts(built: tuple[Course, Run, Run]) -> None:
    course, _, _ = built
    pages = sorted((course.output / "site").rglob("*.html"))
    assert len(pages) >= 2
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert active_parts(html, OUR_SCRIPTS) == [], page
    lesson = next(page for page in pages if page.name == "payloads.html")
    shown = visible_text(lesson.read_text(encoding="utf-8"))
    for payload in ON_PAGE:
        assert payload in shown, payload
    index = visible_text((course.output / "site" / "index.html").read_text(encoding="utf-8"))
    assert "Docker <script>alert('xss-topic')</script>" in index


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<script src='assets/evil.js'></script>",
        "<img src=x onerror=alert(1)>",
        "<a href=' JaVaScRiPt:alert(1)'>x</a>",
        "<a href='data:text/html,x'>x</a>",
        "<iframe src='https://example.org'></iframe>",
        "<svg><circle/></svg>",
        "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
        "<p style='background:url(javascript:alert(1))'>x</p>",
    ],
)
def test_the_checker_finds_active_html(html: str) -> None:
    """The checker above is only as good as this: each of these must be caught."""
    assert active_parts(html, OUR_SCRIPTS) != []
    assert active_parts("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", OUR_SCRIPTS) == []
