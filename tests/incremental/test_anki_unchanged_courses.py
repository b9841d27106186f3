"""An unchanged course's package comes from the cache before any of its notes is made."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from pipeline.build import build

anki_export = importlib.import_module(
    "pipeline.anki.export"
)  # the package exports a function of that name

EPOCH = 1_700_000_000


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_only_the_edited_courses_notes_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = generate(120, tmp_path / "corpus")  # two courses: 100 lessons and 20
    scenarios, cache = tmp_path / "oracle", tmp_path / "cache"
    first = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    assert first.ok, first.diagnostics
    edited = sorted(course.glob("course-001/*/*.md"))[-1]
    assert edited.name != "README.md"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("## Content\n\n", "## Content\n\nNew.\n\n", 1), "utf-8")

    made: list[str] = []  # the lessons whose notes were made (from fields or afresh)
    real = anki_export.from_fields

    def counting(source, fields, tags):  # type: ignore[no-untyped-def]
        made.append(source.lesson.path.parent.parent.name)
        return real(source, fields, tags)

    monkeypatch.setattr(anki_export, "from_fields", counting)
    monkeypatch.setattr("pipeline.anki.note.from_fields", counting)  # make_note's own call
    warm = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    assert warm.ok and not warm.skipped, warm.diagnostics
    assert made and set(made) == {"course-001"}

    monkeypatch.undo()
    cold = build(course, tmp_path / "cold", epoch=EPOCH, cache_dir=scenarios)
    assert cold.ok, cold.diagnostics
    assert files(tmp_path / "warm") == files(tmp_path / "cold")
