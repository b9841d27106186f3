"""A build with nothing changed keeps the outputs and reports what the last one did; any change
to the inputs, the options, the pipeline or the outputs themselves means a full build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import lesson_cache
from pipeline.build import BuildResult, build
from pipeline.build_stamp import stamp_path

EPOCH = 1_700_000_000


def run(course: Path, tmp_path: Path, **options) -> BuildResult:
    result = build(
        course,
        tmp_path / "out",
        epoch=options.pop("epoch", EPOCH),
        cache_dir=tmp_path / "oracle",
        lesson_cache=tmp_path / "lessons",
        **options,
    )
    assert result.ok, result.diagnostics
    return result


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_unchanged_build_is_skipped_and_reports_the_same(course: Path, tmp_path: Path) -> None:
    first = run(course, tmp_path)
    before = snapshot(tmp_path / "out")
    second = run(course, tmp_path)
    assert not first.skipped and second.skipped
    assert second.diagnostics == first.diagnostics and second.summary == first.summary
    assert second.written == first.written
    assert snapshot(tmp_path / "out") == before  # not even rewritten


def test_edited_lesson_builds_again(course: Path, tmp_path: Path) -> None:
    run(course, tmp_path)
    lesson = sorted(course.rglob("lesson-*.md"))[3]
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("## Content\n\n", "## Content\n\nQuite new words.\n\n", 1))
    again = run(course, tmp_path)
    assert not again.skipped
    assert "Quite new words." in (tmp_path / "out" / "cards.json").read_text(encoding="utf-8")


def test_new_file_beside_the_lessons_builds_again(course: Path, tmp_path: Path) -> None:
    run(course, tmp_path)
    (course / "diagram.png").write_bytes(b"\x89PNG")
    assert not run(course, tmp_path).skipped


@pytest.mark.parametrize("damage", ["touch", "remove", "edit"])
def test_changed_output_builds_again(course: Path, tmp_path: Path, damage: str) -> None:
    run(course, tmp_path)
    target = tmp_path / "out" / "cards.json"
    expected = target.read_bytes()
    if damage == "touch":
        os.utime(target, ns=(0, 0))
    elif damage == "remove":
        target.unlink()
    else:
        target.write_bytes(expected.replace(b'"', b"'", 1))
    assert not run(course, tmp_path).skipped
    assert target.read_bytes() == expected


def test_other_options_build_again(course: Path, tmp_path: Path) -> None:
    run(course, tmp_path)
    assert not run(course, tmp_path, epoch=EPOCH + 1).skipped
    assert not run(course, tmp_path, strict=False, epoch=EPOCH).skipped  # back: differs again


def test_changed_pipeline_builds_again(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(course, tmp_path)
    monkeypatch.setattr(lesson_cache, "PIPELINE_VERSION", "0.0.0-other")
    lesson_cache.pipeline_fingerprint.cache_clear()
    try:
        assert not run(course, tmp_path).skipped
    finally:
        lesson_cache.pipeline_fingerprint.cache_clear()


def test_corrupt_stamp_builds_again(course: Path, tmp_path: Path) -> None:
    run(course, tmp_path)
    stamp_path(tmp_path / "lessons", tmp_path / "out").write_bytes(b"\x80garbage")
    assert not run(course, tmp_path).skipped
    assert run(course, tmp_path).skipped  # and the new stamp is good


def test_no_lesson_cache_never_skips(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain"
    assert build(course, out, epoch=EPOCH).ok
    assert not build(course, out, epoch=EPOCH).skipped
