"""A build through the pool and the lesson cache writes the same bytes as a serial, uncached one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.anki.export import NOTES
from pipeline.build import build
from pipeline.pack import Pack
from pipeline.site.writer import PAGES

EPOCH = 1_700_000_000  # SOURCE_DATE_EPOCH, so the Anki packages do not carry the build's time


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_pooled_cached_builds_write_the_serial_bytes(course: Path, tmp_path: Path) -> None:
    scenarios = tmp_path / "oracle"
    serial = build(course, tmp_path / "serial", epoch=EPOCH, cache_dir=scenarios)
    assert serial.ok, serial.diagnostics
    expected = files(tmp_path / "serial")
    assert "cards.json" in expected and any(name.endswith(".apkg") for name in expected)
    lessons = tmp_path / "lessons"
    for run in ("cold", "warm"):
        result = build(
            course, tmp_path / run, epoch=EPOCH, cache_dir=scenarios, lesson_cache=lessons, jobs=2
        )
        assert result.ok, result.diagnostics
        assert files(tmp_path / run) == expected, run


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def lessons(course: Path) -> list[Path]:
    return sorted(p for p in course.rglob("*.md") if p.name != "README.md")


def test_cached_pages_notes_and_packages_give_a_cold_builds_bytes(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edit a lesson, a manifest (names in trails and decks), then the site URL between cached
    builds: each time every file equals that of a build without any cache."""
    scenarios, cache = tmp_path / "oracle", tmp_path / "cache"
    first = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    assert first.ok, first.diagnostics
    stored = {p.relative_to(cache).parts[0] for p in cache.rglob("*") if p.is_file()}
    assert {"site", "anki"} <= stored  # pages, notes and packages were cached
    some = lessons(course)
    edits = [
        lambda: edit(some[len(some) // 2], "## Content\n\n", "## Content\n\nAn edited line.\n\n"),
        lambda: edit(some[0], "\n# ", "\n# Renamed "),  # a neighbour's title: next/previous
        lambda: edit(next(course.rglob("workout-00/README.md")), "name: ", "name: New "),
        lambda: monkeypatch.setenv("PIPELINE_SITE_URL", "https://example.invalid/study"),
    ]
    for step, change in enumerate(edits):
        change()
        warm = build(
            course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache
        )
        cold = build(course, tmp_path / f"cold{step}", epoch=EPOCH, cache_dir=scenarios)
        assert warm.ok and cold.ok, (warm.diagnostics, cold.diagnostics)
        assert not warm.skipped
        assert files(tmp_path / "warm") == files(tmp_path / f"cold{step}"), step


def test_damaged_output_cache_entries_are_made_again(course: Path, tmp_path: Path) -> None:
    scenarios, cache = tmp_path / "oracle", tmp_path / "cache"
    build(course, tmp_path / "first", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    packs = [cache / "site" / PAGES, cache / "anki" / NOTES]
    for file in packs:  # a bit flipped in every value, and the last record cut off
        keys = Pack(file).stored_keys()
        assert keys, file
        data = bytearray(file.read_bytes())
        for key in keys:
            data[data.index(key.encode()) + len(key)] ^= 1
        file.write_bytes(bytes(data[:-10]))
    again = build(course, tmp_path / "again", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    reference = build(course, tmp_path / "reference", epoch=EPOCH, cache_dir=scenarios)
    assert again.ok and reference.ok
    assert files(tmp_path / "again") == files(tmp_path / "reference")


def test_a_stage_failing_in_the_second_process_publishes_nothing(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two jobs the site is made in a forked process; its bug is reported as serially."""
    import pipeline.site

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug in the site")

    monkeypatch.setattr(pipeline.site, "write_site", broken)
    output = tmp_path / "dist"
    results = [
        build(course, output, epoch=EPOCH, cache_dir=tmp_path / "oracle", jobs=jobs)
        for jobs in (1, 2)
    ]
    for result in results:
        assert not result.ok
        [problem] = [d for d in result.diagnostics if d.rule == "internal-error"]
        assert "a bug in the site" in problem.message
    assert results[0].diagnostics == results[1].diagnostics
    assert not output.exists() or not any(output.iterdir())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")] == []


def test_a_document_breaking_the_schema_is_reported_by_either_build(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two jobs cards.json is validated in a second process: still nothing is published."""
    from pipeline.card import Card

    made = Card.to_dict

    def broken(card: Card) -> dict[str, Any]:
        return {**made(card), "kind": 42}

    monkeypatch.setattr(Card, "to_dict", broken)
    results = []
    for jobs in (1, 2):
        output = tmp_path / f"dist{jobs}"
        results.append(build(course, output, epoch=EPOCH, cache_dir=tmp_path / "oracle", jobs=jobs))
        assert not output.exists() or not any(output.iterdir())
    for result in results:
        assert not result.ok
        [problem] = [d for d in result.diagnostics if d.rule == "internal-error"]
        assert "does not match its schema at /cards/0/kind" in problem.message
    assert results[0].diagnostics == results[1].diagnostics
