"""Hostile lessons through the command line: a clear diagnostic, in bounded time and memory.

Each case is one lesson in a minimal valid course (`support.make_course`), next to a companion
lesson with a warning of its own. `pipeline check` and `pipeline build` run in a child process
limited to 1.5 GB of address space and 60 s. For a hostile case both exit 1 with exactly the
case's rule for the lesson, in the `path:line:col: error: message [rule]` format, at the line it
is about; the companion's warning is still reported; nothing prints a traceback; and the
previous `dist/` is left as it was. The committed cases are listed in `expected.yaml`; the big
and binary ones are generated here. Legal oddities (a BOM with CRLF line ends, 10,000 nested
Markdown lists) must build, with outputs that hold nothing active.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hostile.support import (
    COMPANION,
    COMPANION_WARNING,
    OUR_SCRIPTS,
    VALID,
    Course,
    Run,
    active_parts,
    make_course,
    run_pipeline,
    snapshot,
)

HERE = Path(__file__).resolve().parent
EXPECTED: dict[str, dict] = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Case:
    name: str
    data: Callable[[], bytes]
    rule: str | None  # None: legal input, which must build
    line: int = 1
    col: int | None = None
    setup: Callable[[Path], None] | None = None  # e.g. a symlink next to the lesson
    listed: bool = True  # by the workout manifest
    also: frozenset[str] = frozenset()  # warnings the case brings as well


def _line_of(text: str, piece: str) -> int:
    return text[: text.index(piece)].count("\n") + 1


def _alias_bomb() -> bytes:
    """A "billion laughs": nine levels of nine aliases, 9**9 values once expanded."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        levels.append(f"a{level}: &a{level} [{refs}]")
    front = "notes:\n" + "".join(f"  {line}\n" for line in levels)
    return VALID.replace("category: must-know\n", "category: must-know\n" + front).encode()


def _fifty_megabytes() -> bytes:
    return VALID.replace(
        "adds a layer[1].", "adds a layer[1]. " + "lorem ipsum " * 4_400_000
    ).encode()


def _nested_yaml() -> bytes:
    return VALID.replace(
        "category: must-know\n", "category: must-know\ntags:\n  " + "- " * 10_000 + "x\n"
    ).encode()


def _nested_markdown() -> bytes:
    deep = "- " * 10_000 + "deepest\n\n" + "> " * 10_000 + "quoted\n\n" + "1. " * 5_000 + "numbered"
    return VALID.replace("adds a layer[1].", "adds a layer[1].\n\n" + deep).encode()


def _gaps() -> bytes:
    return VALID.replace(
        "Which instruction adds a layer?\n\n???", "Which of them? " + "??? " * 100_000
    ).encode()


def _invalid_utf8() -> bytes:
    return VALID.encode().replace(b"- `ENV`", "- `\xc9NV`".encode("latin-1"))


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40


def _bom_crlf() -> bytes:
    return b"\xef\xbb\xbf" + COMPANION.replace("\n", "\r\n").encode()


def _image_symlink(folder: Path) -> None:
    (folder / "diagram.png").symlink_to("/etc/passwd")


GENERATED = [
    # At the first level past 10,000 values (a4: 1 + 9 × 7,381), not the front matter's top.
    Case("alias-bomb.md", _alias_bomb, "yaml-syntax", _line_of(_alias_bomb().decode(), "a4:"), 7),
    Case("fifty-megabytes.md", _fifty_megabytes, "read-error", 1, 1),
    Case("nested-yaml-lists.md", _nested_yaml, "yaml-syntax", 2),
    # At the answer list: the question's three lines became one.
    Case("hundred-thousand-gaps.md", _gaps, "too-few-answers", _line_of(VALID, "- `COPY`") - 2),
    Case("invalid-utf8.md", _invalid_utf8, "read-error", _line_of(VALID, "- `ENV`"), 4),
    Case("binary.md", _png, "read-error", 1, 1),
    Case("utf-16.md", lambda: VALID.encode("utf-16-le"), "read-error", 1, 2),
    Case(
        "image-symlink.md",
        lambda: VALID.replace("adds a layer[1].", "adds a layer[1].\n\n![d](diagram.png)").encode(),
        "image-outside-course",
        _line_of(VALID, "adds a layer[1].") + 2,
        6,
        _image_symlink,
    ),
    # A file name no manifest can list, which would make card ids and page names.
    Case(
        'x"onmouseover="alert(1)<script>.md',
        lambda: VALID.encode(),
        "invalid-id",
        listed=False,
        also=frozenset({"unlisted-lesson"}),
    ),
    # Legal, if odd: these must build.
    Case("bom-crlf.md", _bom_crlf, "unknown-key", COMPANION_WARNING[1], 1),
    Case("nested-markdown-lists.md", _nested_markdown, None),
]
COMMITTED = [
    Case(
        Path(name).name,
        (lambda name=name: (HERE / name).read_bytes()),
        want["rule"],
        want["line"],
        want.get("col"),
    )
    for name, want in sorted(EXPECTED.items())
]


def _assert_well_formed(run: Run, course: Course) -> None:
    assert "Traceback" not in run.stdout + run.stderr, run.stderr[-2000:]
    assert run.unparsed() == [], run.unparsed()[:5]
    assert "internal-error" not in {d.rule for d in run.diagnostics}, run.stdout[-2000:]
    file, line, rule = COMPANION_WARNING
    companion = [d for d in run.diagnostics if d.path == f"course/images/basics/{file}"]
    assert [(d.line, d.rule, d.severity) for d in companion] == [(line, rule, "warning")]


def _assert_reported(run: Run, course: Course, case: Case) -> None:
    mine = [d for d in run.diagnostics if d.path == course.lesson_path]
    assert {d.rule for d in mine} == {case.rule, *case.also}, run.stdout[-2000:]
    first = next(d for d in mine if d.rule == case.rule)
    assert first.line == case.line, first
    if case.col is not None:
        assert first.col == case.col, first
    assert first.message


@pytest.mark.parametrize("case", GENERATED + COMMITTED, ids=lambda case: case.name)
def test_a_hostile_lesson_gets_a_clear_diagnostic_in_bounded_time(
    case: Case, tmp_path: Path
) -> None:
    course = make_course(tmp_path, case.name, case.data(), case.listed)
    if case.setup is not None:
        case.setup(course.folder)
    course.output.mkdir()
    (course.output / "cards.json").write_text('{"previous": "build"}\n', encoding="utf-8")
    before = snapshot(course.output)
    check, build = run_pipeline("check", course), run_pipeline("build", course)
    for run in (check, build):
        _assert_well_formed(run, course)
    lesson = [d for d in check.diagnostics if d.path == course.lesson_path]
    assert lesson == [d for d in build.diagnostics if d.path == course.lesson_path]
    legal = not any(d.severity == "error" for d in lesson)
    if case.rule is not None:
        _assert_reported(check, course, case)
    if not legal:
        assert all(d.severity == "error" for d in lesson if d.rule == case.rule)
        assert (check.code, build.code) == (1, 1), build.stdout[-2000:]
        assert "build failed" in build.stderr
        assert snapshot(course.output) == before  # dist/ as it was
        return
    assert (check.code, build.code) == (0, 0), build.stdout[-2000:] + build.stderr[-2000:]
    _assert_outputs_inert(course.output)


def _assert_outputs_inert(output: Path) -> None:
    pages = sorted((output / "site").rglob("*.html"))
    assert pages
    for page in pages:
        found = active_parts(page.read_text(encoding="utf-8"), OUR_SCRIPTS)
        assert found == [], (page, found[:5])


def test_bom_and_crlf_give_the_lines_of_the_lf_file(tmp_path: Path) -> None:
    """The companion written with a BOM and CRLF line ends: its warning at the same place."""
    course = make_course(tmp_path, "twin.md", _bom_crlf())
    run = run_pipeline("check", course)
    twin = [(d.line, d.col, d.rule) for d in run.diagnostics if d.path == course.lesson_path]
    companion = [
        (d.line, d.col, d.rule) for d in run.diagnostics if d.path.endswith("/companion.md")
    ]
    assert twin == companion == [(COMPANION_WARNING[1], 1, COMPANION_WARNING[2])]


def test_a_yaml_tag_runs_nothing(tmp_path: Path) -> None:
    course = make_course(tmp_path, "python.md", (HERE / "lessons/python-object.md").read_bytes())
    run_pipeline("build", course)
    assert not (course.work / "pwned").exists()
    assert not (Path(os.getcwd()) / "pwned").exists()


def test_the_corpus_lessons_differ_from_the_valid_one_in_one_place() -> None:
    """Each committed case is `support.VALID` with one change, so only that can be reported."""
    valid = VALID.splitlines()
    for name in EXPECTED:
        lines = (HERE / name).read_text(encoding="utf-8").splitlines()
        changed = [line for line in lines if line not in valid]
        assert 1 <= len(changed) <= 3, (name, changed)
