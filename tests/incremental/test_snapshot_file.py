"""The snapshot file: appended to for a few new entries, rewritten when damaged or mostly unused."""

from __future__ import annotations

from pathlib import Path

from pipeline.lesson_cache import Snapshot


def saved(file: Path, entries: dict[str, bytes], *, read: tuple[str, ...] = ()) -> Snapshot:
    """A build's use of the snapshot: entries read from it, then entries made and saved."""
    snapshot = Snapshot(file)
    for key in read:
        assert snapshot.get(key) is not None, key
    for key, value in entries.items():
        snapshot.put(key, value)
    snapshot.save()
    return snapshot


def contents(file: Path) -> dict[str, bytes]:
    snapshot = Snapshot(file)
    return {key: value for key in snapshot.stored_keys() if (value := snapshot.get(key))}


def test_new_entries_are_appended(tmp_path: Path) -> None:
    file = tmp_path / "s.snapshot"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    before = file.read_bytes()
    saved(file, {"c": b"3"}, read=("a", "b"))
    after = file.read_bytes()
    assert after.startswith(before) and len(after) < len(before) + 100
    assert contents(file) == {"a": b"1" * 100, "b": b"2" * 100, "c": b"3"}


def test_nothing_new_writes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "s.snapshot"
    saved(file, {"a": b"1", "b": b"2"})
    stamp = file.stat().st_mtime_ns, file.read_bytes()
    saved(file, {}, read=("a", "b"))
    assert (file.stat().st_mtime_ns, file.read_bytes()) == stamp


def test_mostly_unused_entries_are_dropped(tmp_path: Path) -> None:
    file = tmp_path / "s.snapshot"
    saved(file, {"old": b"x" * 1000, "kept": b"y" * 10})
    saved(file, {"new": b"z"}, read=("kept",))  # "old" is most of the file and unused
    assert contents(file) == {"kept": b"y" * 10, "new": b"z"}
    assert len(file.read_bytes()) < 200


def test_an_edited_entry_replaces_its_old_value(tmp_path: Path) -> None:
    file = tmp_path / "s.snapshot"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    saved(file, {"a": b"new"}, read=("b",))
    assert contents(file) == {"a": b"new", "b": b"2" * 100}


def test_a_cut_off_record_loses_only_itself_and_the_file_is_mended(tmp_path: Path) -> None:
    file = tmp_path / "s.snapshot"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    data = file.read_bytes()
    file.write_bytes(data[:-10])  # a build killed while appending "b"
    assert contents(file) == {"a": b"1" * 100}
    saved(file, {"b": b"2" * 100}, read=("a",))
    assert file.read_bytes() == data


def test_a_flipped_bit_loses_that_record_and_the_ones_after(tmp_path: Path) -> None:
    file = tmp_path / "s.snapshot"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100, "c": b"3" * 100})
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1  # inside "b"
    file.write_bytes(bytes(data))
    assert contents(file) == {"a": b"1" * 100}


def test_garbage_or_no_file_is_empty(tmp_path: Path) -> None:
    file = tmp_path / "s.snapshot"
    assert contents(file) == {}
    file.write_bytes(b"garbage that is no snapshot at all")
    assert contents(file) == {}
    saved(file, {"a": b"1"})
    assert contents(file) == {"a": b"1"}
