"""The lesson cache and the pool give exactly what a serial, uncached read gives.

A changed pipeline version, an edited lesson, or an entry that is corrupt or for another key
means the lesson is read again: a clean result, never a stale one.
"""

from __future__ import annotations

import copy
import io
import pickle
from pathlib import Path

import pytest

from pipeline import lesson_cache, pack
from pipeline.check import Checked, LessonLoading, check
from pipeline.course import _discover
from pipeline.lesson_cache import LESSONS_PACK, LessonCache, lesson_key
from pipeline.pack import Pack


def snapshot(checked: Checked) -> bytes:
    """Everything check produced, as bytes: the tree, every lesson, card and diagnostic.

    Pickled without a memo, so only values count: a manifest from the snapshot shares no
    strings with anything, one parsed afresh may (both are the same manifest).
    The origins the lesson cache gives lessons and cards (`digest`, `origin`) are left out:
    only a cached read knows them.
    """
    curriculum, cards = copy.deepcopy((checked.curriculum, checked.cards))
    for lesson in curriculum.lessons:
        lesson.digest = None
    for card in cards:
        card.origin = None
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer)
    pickler.fast = True
    pickler.dump((curriculum, cards, checked.diagnostics))
    return buffer.getvalue()


def lesson_files(course: Path) -> list[Path]:
    return _discover(course)[0]


def entries(cache_dir: Path) -> list[str]:
    return Pack(cache_dir / LESSONS_PACK).stored_keys()


def test_pool_gives_what_the_serial_read_gives(course: Path) -> None:
    serial = check(course)
    pooled = check(course, jobs=2)
    assert serial.summary()["lessons"] == len(lesson_files(course))
    assert snapshot(pooled) == snapshot(serial)


def test_cached_read_gives_what_the_serial_read_gives(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "lessons"
    serial = check(course)
    cold = check(course, cache_dir=cache_dir, jobs=2)
    assert len(entries(cache_dir)) == len(lesson_files(course))
    warm = check(course, cache_dir=cache_dir, jobs=2)
    assert snapshot(cold) == snapshot(serial)
    assert snapshot(warm) == snapshot(serial)


def test_warm_cache_reads_nothing_again(course: Path, tmp_path: Path) -> None:
    paths = lesson_files(course)
    LessonLoading(LessonCache(tmp_path), jobs=2)(paths)
    cache = LessonCache(tmp_path)
    LessonLoading(cache, jobs=2)(paths)
    assert (cache.hits, cache.misses) == (len(paths), 0)


def test_edited_lesson_is_read_again(course: Path, tmp_path: Path) -> None:
    paths = lesson_files(course)
    check(course, cache_dir=tmp_path)
    edited = paths[len(paths) // 2]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("## Content\n\n", "## Content\n\nA new sentence.\n\n", 1))
    cache = LessonCache(tmp_path)
    loaded = LessonLoading(cache)(paths)
    assert (cache.hits, cache.misses) == (len(paths) - 1, 1)
    assert snapshot(check(course, cache_dir=tmp_path)) == snapshot(check(course))
    lesson = loaded[paths.index(edited)][0]
    content = next(s for s in lesson.sections if s.name == "Content")
    assert content.text.startswith("A new sentence.")


def test_changed_pipeline_version_reads_everything_again(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = lesson_files(course)
    check(course, cache_dir=tmp_path)
    monkeypatch.setattr(lesson_cache, "PIPELINE_VERSION", "0.0.0-other")
    lesson_cache.pipeline_fingerprint.cache_clear()
    try:
        cache = LessonCache(tmp_path)
        LessonLoading(cache, jobs=2)(paths)
        assert (cache.hits, cache.misses) == (0, len(paths))
        assert snapshot(check(course, cache_dir=tmp_path)) == snapshot(check(course))
    finally:
        lesson_cache.pipeline_fingerprint.cache_clear()


def _rewritten(file: Path, change) -> None:
    """The pack at `file` with its entries changed by `change(entries)`, as sound records."""
    store = Pack(file)
    entries = {key: store.get(key) for key in store.stored_keys()}
    change(entries)
    file.write_bytes(pack.records(entries.items()))


def _flip(file: Path, key: str) -> None:
    data = bytearray(file.read_bytes())
    data[data.index(key.encode()) + len(key) + 100] ^= 1  # in the entry's value
    file.write_bytes(bytes(data))


def _value(value: bytes):
    return lambda file, first, second: _rewritten(file, lambda e: e.update({first: value}))


def _swapped(file: Path, first: str, second: str) -> None:
    _rewritten(file, lambda e: e.update({first: e[second]}))  # another key's sound entry


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_value(b"not a pickle"), id="garbage"),
        pytest.param(lambda file, a, b: file.write_bytes(file.read_bytes()[:40]), id="cut"),
        pytest.param(lambda file, a, b: file.write_bytes(b""), id="empty"),
        pytest.param(lambda file, a, b: _flip(file, a), id="flipped"),
        pytest.param(_swapped, id="another-key"),
        pytest.param(_value(pickle.dumps(("x", None))), id="wrong-shape"),
    ],
)
def test_damaged_entry_is_read_again_and_rewritten(course: Path, tmp_path: Path, damage) -> None:
    paths = lesson_files(course)
    check(course, cache_dir=tmp_path)
    first, second = (lesson_key(p, p.read_bytes()) for p in paths[:2])
    damage(tmp_path / LESSONS_PACK, first, second)
    assert snapshot(check(course, cache_dir=tmp_path)) == snapshot(check(course))
    again = LessonCache(tmp_path)
    LessonLoading(again)(paths)
    assert (again.hits, again.misses) == (len(paths), 0)  # the damaged entry was rewritten


def test_same_bytes_at_another_path_is_another_entry(course: Path, tmp_path: Path) -> None:
    """A lesson and its diagnostics name their file, so a copy must not reuse the entry."""
    path = lesson_files(course)[0]
    copy = path.with_name("copy-of-lesson.md")
    copy.write_bytes(path.read_bytes())
    cache = LessonCache(tmp_path)
    [(lesson, _), (copied, _)] = LessonLoading(cache)([path, copy])
    assert (lesson.path, copied.path) == (path, copy)
    assert cache.misses == 2


def test_unwritable_cache_only_costs_time(course: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    assert snapshot(check(course, cache_dir=blocker)) == snapshot(check(course))
