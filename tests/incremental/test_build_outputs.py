"""A build through the pool and the lesson cache writes the same bytes as a serial, uncached one."""

from __future__ import annotations

from pathlib import Path

from pipeline.build import build

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
