"""Unchanged pages and packages are hard-linked from the previous `dist/`, never wrongly.

A file is linked only when the published output is as the last build left it and the file's
key (everything its bytes depend on) did not change; the result always equals a build with
no cache at all.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.corpus import generate
from pipeline.build import build

EPOCH = 1_700_000_000


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def edit(lesson: Path) -> None:
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("## Content\n\n", "## Content\n\nNew.\n\n", 1), "utf-8")


def cached_build(course: Path, output: Path, cache: Path):  # type: ignore[no-untyped-def]
    result = build(course, output, epoch=EPOCH, cache_dir=cache / "oracle", lesson_cache=cache)
    assert result.ok and not result.skipped, result.diagnostics
    return result


def no_cache_build(course: Path, output: Path) -> dict[str, bytes]:
    result = build(course, output, epoch=EPOCH, cache_dir=output.parent / "fresh-oracle")
    assert result.ok, result.diagnostics
    return files(output)


def test_unchanged_files_are_links_to_the_previous_ones(tmp_path: Path) -> None:
    course = generate(120, tmp_path / "corpus")  # two courses: 100 lessons and 20
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    cached_build(course, dist, cache)
    before = inodes(dist)
    edited = sorted(course.glob("course-001/*/*.md"))[-1]
    edit(edited)

    cached_build(course, dist, cache)
    after = inodes(dist)
    kept = {name for name in after if before.get(name) == after[name]}
    page = f"site/lessons/{edited.stem}.html"
    assert page in after and page not in kept  # the edited lesson's page was written again
    assert "course-000.apkg" in kept and "course-001.apkg" not in kept
    lesson_pages = {name for name in after if name.startswith("site/lessons/")}
    assert len(lesson_pages & kept) == len(lesson_pages) - 1
    assert "site/index.html" not in kept and "cards.json" not in kept  # not keyed: written
    assert files(dist) == no_cache_build(course, tmp_path / "fresh")


def test_a_touched_output_is_not_linked_from(tmp_path: Path) -> None:
    course = generate(30, tmp_path / "corpus")
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    cached_build(course, dist, cache)
    page = sorted((dist / "site" / "lessons").glob("*.html"))[0]
    with page.open("ab") as stream:  # a hand edit: the stamp no longer matches the output
        stream.write(b"<!-- edited -->")
    before = inodes(dist)
    edit(sorted(course.rglob("*.md"))[-1])

    cached_build(course, dist, cache)
    after = inodes(dist)
    assert not {name for name in after if before.get(name) == after[name]}
    assert files(dist) == no_cache_build(course, tmp_path / "fresh")


def test_a_vanished_previous_file_is_written(tmp_path: Path) -> None:
    """The stamp matches no more once a file is gone, so nothing is linked; the build is whole."""
    course = generate(30, tmp_path / "corpus")
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    cached_build(course, dist, cache)
    sorted((dist / "site" / "lessons").glob("*.html"))[0].unlink()
    edit(sorted(course.rglob("*.md"))[-1])
    cached_build(course, dist, cache)
    assert files(dist) == no_cache_build(course, tmp_path / "fresh")
