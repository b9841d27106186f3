"""The index's revision quizzes of unchanged lessons come from the cache; the bytes stay."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipeline.site.pages as pages
from pipeline.build import build

EPOCH = 1_700_000_000


def test_only_the_edited_lessons_quizzes_are_made(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios, cache = tmp_path / "oracle", tmp_path / "cache"
    first = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    assert first.ok, first.diagnostics
    lessons = sorted(p for p in course.rglob("*.md") if p.name != "README.md")
    with_revision = [p for p in lessons if "## Revision" in p.read_text(encoding="utf-8")]
    assert with_revision
    edited = with_revision[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("## Content\n\n", "## Content\n\nEdited.\n\n", 1), "utf-8")

    made: list[str] = []
    real = pages.quiz

    def counting(card, lesson, *rest):  # type: ignore[no-untyped-def]
        made.append(lesson.slug)
        return real(card, lesson, *rest)

    monkeypatch.setattr(pages, "quiz", counting)
    warm = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    assert warm.ok and not warm.skipped, warm.diagnostics
    assert set(made) == {edited.stem}  # its page and its index quizzes; no other's

    monkeypatch.undo()
    cold = build(course, tmp_path / "cold", epoch=EPOCH, cache_dir=scenarios)
    assert cold.ok
    site_warm = tmp_path / "warm" / "site" / "index.html"
    assert site_warm.read_bytes() == (tmp_path / "cold" / "site" / "index.html").read_bytes()


def test_a_retitled_lesson_shows_in_its_workouts_cached_list(course: Path, tmp_path: Path) -> None:
    scenarios, cache = tmp_path / "oracle", tmp_path / "cache"
    first = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    assert first.ok, first.diagnostics
    edited = sorted(p for p in course.rglob("*.md") if p.name != "README.md")[3]
    lines = edited.read_text(encoding="utf-8").split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[title] = "# A title never seen before"
    edited.write_text("\n".join(lines), encoding="utf-8")

    warm = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    cold = build(course, tmp_path / "cold", epoch=EPOCH, cache_dir=scenarios)
    assert warm.ok and cold.ok and not warm.skipped
    index = (tmp_path / "warm" / "site" / "index.html").read_bytes()
    assert index == (tmp_path / "cold" / "site" / "index.html").read_bytes()
    assert b'class="lesson-link"' in index and b"A title never seen before</a>" in index
