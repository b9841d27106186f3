"""cards.json's cached texts live in one pack; a damaged one means making them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import JSON_PACK, build

EPOCH = 1_700_000_000


@pytest.mark.parametrize("damage", ["none", "flip", "truncate", "garbage"])
def test_cards_json_from_the_pack_is_a_cold_builds(
    course: Path, tmp_path: Path, damage: str
) -> None:
    scenarios, cache = tmp_path / "oracle", tmp_path / "cache"
    first = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    assert first.ok, first.diagnostics
    pack = cache / JSON_PACK
    data = pack.read_bytes()
    damaged = {
        "none": data,
        "flip": data[:-1] + bytes([data[-1] ^ 1]),
        "truncate": data[: len(data) // 2],
        "garbage": b"garbage",
    }
    pack.write_bytes(damaged[damage])
    lesson = sorted(p for p in course.rglob("*.md") if p.name != "README.md")[5]
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("## Content\n\n", "## Content\n\nEdited.\n\n", 1), "utf-8")
    warm = build(course, tmp_path / "warm", epoch=EPOCH, cache_dir=scenarios, lesson_cache=cache)
    cold = build(course, tmp_path / "cold", epoch=EPOCH, cache_dir=scenarios)
    assert warm.ok and cold.ok and not warm.skipped
    name = "cards.json"
    assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()
    assert pack.read_bytes() != damaged[damage]  # the edited lesson's texts were kept
