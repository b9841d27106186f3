"""Parsed manifests come from one pack, keyed by each manifest's path and bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipeline.check as checking
from pipeline.check import MANIFESTS, check


def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The manifests parsed from here on (not taken from the pack)."""
    parsed: list[Path] = []
    real = checking.parse_manifest

    def parse(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return real(path, data)

    monkeypatch.setattr(checking, "parse_manifest", parse)
    return parsed


def outcome(course: Path, cache: Path | None) -> tuple[object, ...]:
    found = check(course, cache_dir=cache)
    tree = [(m.path, m.level, m.data, m.positions) for m in found.curriculum.manifests]
    return found.diagnostics, tree, found.cards


def test_unchanged_manifests_are_not_parsed_again(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    outcome(course, cache)
    parsed = counted(monkeypatch)
    assert outcome(course, cache) == outcome(course, None)  # no cache: `read_manifest`
    assert parsed == []

    workout = next(course.rglob("workout-01/README.md"))
    text = workout.read_text(encoding="utf-8")
    workout.write_text(text.replace("name: ", "name: Edited ", 1), encoding="utf-8")
    assert outcome(course, cache) == outcome(course, None)
    assert parsed == [workout]
    parsed.clear()
    outcome(course, cache)
    assert parsed == []


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_pack_means_parsing_again(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    cache = tmp_path / "cache"
    expected = outcome(course, None)
    outcome(course, cache)
    pack = cache / MANIFESTS
    data = pack.read_bytes()
    damaged = {
        "flip": data[:-1] + bytes([data[-1] ^ 1]),
        "truncate": data[: len(data) // 2],
        "garbage": b"garbage",
    }
    pack.write_bytes(damaged[damage])
    parsed = counted(monkeypatch)
    assert outcome(course, cache) == expected
    everything = set(course.rglob("README.md"))
    if damage == "garbage":
        assert set(parsed) == everything
    else:  # the records before the damage are sound: only what follows is made again
        assert set(parsed) < everything
    assert pack.read_bytes() == data  # written again, whole


def validated(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str | None]]:
    """The manifests validated against the schema from here on, with their level."""
    seen: list[tuple[Path, str | None]] = []
    real = checking.validate_manifest

    def validate(manifest):  # type: ignore[no-untyped-def]
        seen.append((manifest.path, manifest.level))
        return real(manifest)

    monkeypatch.setattr(checking, "validate_manifest", validate)
    return seen


def test_schema_diagnostics_come_from_the_pack_by_level(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    workout = next(course.rglob("workout-01/README.md"))
    text = workout.read_text(encoding="utf-8")
    workout.write_text(text.replace("name: Workout 1", 'name: ""'), encoding="utf-8")
    extra = course / "extra"  # no key decides its level: the layout does
    extra.mkdir()
    (extra / "README.md").write_text("name: Extra\n", encoding="utf-8")
    lesson = next(course.rglob("lesson-*.md"))
    (extra / "lesson-extra.md").write_bytes(lesson.read_bytes())
    expected = outcome(course, None)
    assert any(d.rule == "manifest-schema" and d.path == str(workout) for d in expected[0])
    outcome(course, cache)
    seen = validated(monkeypatch)
    assert outcome(course, cache) == expected  # the errors too, from the pack
    assert seen == []

    (extra / "lesson-extra.md").unlink()  # same bytes, another level: validated again
    assert outcome(course, cache) == outcome(course, None)
    levels = [level for path, level in seen if path == extra / "README.md"]
    assert levels and levels[0] != "workout"
