"""The pack file: appended to for a few new entries, rewritten when damaged or mostly unused,
read an entry at a time, shared safely by builds that append to it in turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import pack
from pipeline.pack import Pack


def saved(file: Path, entries: dict[str, bytes], *, read: tuple[str, ...] = ()) -> Pack:
    """A build's use of the pack: entries read from it, then entries made and saved."""
    store = Pack(file)
    for key in read:
        assert store.get(key) is not None, key
    for key, value in entries.items():
        store.put(key, value)
    store.save()
    return store


def contents(file: Path) -> dict[str, bytes]:
    store = Pack(file)
    return {key: value for key in store.stored_keys() if (value := store.get(key))}


def test_new_entries_are_appended(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    before = file.read_bytes()
    saved(file, {"c": b"3"}, read=("a", "b"))
    after = file.read_bytes()
    assert after.startswith(before) and len(after) < len(before) + 100
    assert contents(file) == {"a": b"1" * 100, "b": b"2" * 100, "c": b"3"}


def test_a_killed_rewrites_temporary_file_goes_at_the_next_save(tmp_path: Path) -> None:
    """A build killed while rewriting leaves `.s.pack.<random>`; the next build that writes
    the pack removes it (under the lock, no rewrite can be running), and nothing else."""
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1"})
    orphan = tmp_path / ".s.pack.k1ll3d"
    orphan.write_bytes(b"half a pack")
    others = [tmp_path / ".t.pack.k1ll3d", tmp_path / "s.pack.notes", tmp_path / ".s.packx"]
    for other in others:
        other.write_bytes(b"not ours to remove")
    saved(file, {}, read=("a",))
    assert orphan.exists()  # nothing to write: the file is not even locked
    saved(file, {"b": b"2"}, read=("a",))
    assert not orphan.exists() and all(other.exists() for other in others)
    assert contents(file) == {"a": b"1", "b": b"2"}


def test_nothing_new_writes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1", "b": b"2"})
    stamp = file.stat().st_mtime_ns, file.read_bytes()
    saved(file, {}, read=("a", "b"))
    assert (file.stat().st_mtime_ns, file.read_bytes()) == stamp


def test_mostly_unused_entries_are_dropped(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"old": b"x" * 1000, "kept": b"y" * 10})
    saved(file, {"new": b"z"}, read=("kept",))  # "old" is most of the file and unused
    assert contents(file) == {"kept": b"y" * 10, "new": b"z"}
    assert len(file.read_bytes()) < 200


def test_kept_entries_survive_a_rewrite_unread(tmp_path: Path) -> None:
    """An output reused another way (a page linked from the last build) keeps its entry."""
    file = tmp_path / "s.pack"
    saved(file, {"old": b"x" * 1000, "linked": b"y" * 10})
    store = Pack(file)
    store.keep("linked")
    store.put("new", b"z")
    store.save()
    assert contents(file) == {"linked": b"y" * 10, "new": b"z"}


def test_without_pruning_unused_entries_stay(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"old": b"x" * 1000})
    store = Pack(file, prune=False)
    store.put("new", b"z")
    store.save()
    assert contents(file) == {"old": b"x" * 1000, "new": b"z"}


def test_an_edited_entry_replaces_its_old_value(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    saved(file, {"a": b"new"}, read=("b",))
    assert contents(file) == {"a": b"new", "b": b"2" * 100}


def test_replaced_values_count_as_garbage(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 1000, "b": b"2"})
    saved(file, {"a": b"new"}, read=("b",))  # the old "a" is most of the file
    assert contents(file) == {"a": b"new", "b": b"2"}
    assert len(file.read_bytes()) < 200


def test_a_cut_off_record_loses_only_itself_and_the_file_is_mended(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    data = file.read_bytes()
    file.write_bytes(data[:-10])  # a build killed while appending "b"
    assert contents(file) == {"a": b"1" * 100}
    saved(file, {"b": b"2" * 100}, read=("a",))
    assert file.read_bytes() == data


def test_a_flipped_bit_in_a_value_loses_that_entry_only(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100, "c": b"3" * 100})
    data = bytearray(file.read_bytes())
    data[data.index(b"2" * 100) + 50] ^= 1
    file.write_bytes(bytes(data))
    assert contents(file) == {"a": b"1" * 100, "c": b"3" * 100}
    saved(file, {"b": b"2" * 100}, read=("a", "c"))  # made again: it replaces the damaged one
    assert contents(file) == {"a": b"1" * 100, "b": b"2" * 100, "c": b"3" * 100}


def test_a_damaged_value_found_on_reading_makes_the_file_again(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    data = bytearray(file.read_bytes())
    data[data.index(b"2" * 100) + 50] ^= 1
    file.write_bytes(bytes(data))
    store = Pack(file)
    assert store.get("a") == b"1" * 100 and store.get("b") is None
    store.save()
    assert file.read_bytes() == pack.records([("a", b"1" * 100)])


def test_a_flipped_bit_in_a_head_loses_that_record_and_the_ones_after(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100, "c": b"3" * 100})
    data = bytearray(file.read_bytes())
    data[data.index(b"2" * 100) - 5] ^= 1  # in the key or head before b's value
    file.write_bytes(bytes(data))
    assert contents(file) == {"a": b"1" * 100}


def test_garbage_or_no_file_is_empty(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    assert contents(file) == {}
    file.write_bytes(b"garbage that is no pack at all")
    assert contents(file) == {}
    saved(file, {"a": b"1"})
    assert file.read_bytes() == pack.records([("a", b"1")])


def test_two_builds_appending_in_turn_keep_both(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1"})
    first, second = Pack(file), Pack(file)
    assert first.get("a") == second.get("a") == b"1"
    first.put("b", b"2")
    second.put("c", b"3")
    first.save()
    second.save()
    assert contents(file) == {"a": b"1", "b": b"2", "c": b"3"}


def test_an_append_after_another_build_replaced_the_file_lands_in_the_new_one(
    tmp_path: Path,
) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"x" * 1000, "b": b"2"})
    late = Pack(file)
    assert late.get("a") and late.get("b")  # indexed the first file
    saved(file, {"c": b"3"}, read=("b",))  # rewrites it: "a" was most of it, unused
    late.put("d", b"4")
    late.save()  # "c" came after it read the file: not its to prune
    assert contents(file) == {"b": b"2", "c": b"3", "d": b"4"}


def test_values_beyond_the_flush_size_are_written_before_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pack, "_FLUSH_BYTES", 250)
    file = tmp_path / "s.pack"
    store = Pack(file)
    for name in "abc":
        store.put(name, name.encode() * 100)
    assert contents(file) == {"a": b"a" * 100, "b": b"b" * 100, "c": b"c" * 100}  # flushed
    assert store.get("b") == b"b" * 100  # read back from the file
    store.put("d", b"d")
    store.save()
    assert contents(file) == {"a": b"a" * 100, "b": b"b" * 100, "c": b"c" * 100, "d": b"d"}


def test_without_a_file_nothing_is_kept(tmp_path: Path) -> None:
    store = Pack(None)
    store.put("a", b"1")
    assert store.get("a") is None
    store.save()
    assert list(tmp_path.iterdir()) == []


def test_a_key_must_be_short_ascii(tmp_path: Path) -> None:
    store = Pack(tmp_path / "s.pack")
    with pytest.raises(ValueError):
        store.put("é", b"1")
    with pytest.raises(ValueError):
        store.put("k" * 256, b"1")


def test_without_pruning_a_mended_file_keeps_every_sound_entry(tmp_path: Path) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 100, "b": b"2" * 100})
    file.write_bytes(file.read_bytes()[:-10])  # "b" cut off
    store = Pack(file, prune=False)
    store.put("c", b"3")
    store.save()  # damaged: made again, with "a" although this build never read it
    assert file.read_bytes() == pack.records([("a", b"1" * 100), ("c", b"3")])


def test_without_pruning_replaced_records_are_dropped_when_they_are_most_of_it(
    tmp_path: Path,
) -> None:
    file = tmp_path / "s.pack"
    saved(file, {"a": b"1" * 1000, "b": b"2"})
    store = Pack(file, prune=False)
    store.put("a", b"new")
    store.save()
    assert file.read_bytes() == pack.records([("b", b"2"), ("a", b"new")])


def test_a_pack_that_is_a_folder_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pack, "_FLUSH_BYTES", 10)
    file = tmp_path / "s.pack"
    file.mkdir()
    store = Pack(file)
    assert store.get("a") is None
    store.put("a", b"1" * 100)  # past the flush size: the append fails, quietly
    store.put("b", b"2" * 100)
    store.save()
    assert store.write_errors >= 2 and file.is_dir()


_WRITER = """
import sys
from pathlib import Path
from pipeline.pack import Pack
file, name, prune = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "prune"
for round in range(20):
    store = Pack(file, prune=prune)
    for n in range(50):
        store.put(f"{name}-{round}-{n}", (name * 2000).encode())
    store.save()
"""


def write_at_once(file: Path, prune: bool) -> dict[str, bytes]:
    """Two processes append 1,000 entries each, at once, twenty builds each."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    mode = "prune" if prune else "keep"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(file), name, mode],
            cwd=root,
            env={"PYTHONPATH": str(root)},
        )
        for name in "xy"
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    found = contents(file)
    assert all(value == (key[0] * 2000).encode() for key, value in found.items())
    return found


def test_builds_appending_at_the_same_time_lose_nothing(tmp_path: Path) -> None:
    """A shared, unpruned pack (the scenario cache): every record of both reads back whole."""
    assert len(write_at_once(tmp_path / "s.pack", prune=False)) == 2000


def test_builds_pruning_at_the_same_time_leave_a_sound_file(tmp_path: Path) -> None:
    """Each build prunes what it did not use while the other appends: what is left is whole,
    with at least the last build's own entries."""
    found = write_at_once(tmp_path / "s.pack", prune=True)
    assert len(found) >= 50
    file = tmp_path / "s.pack"
    store = Pack(file)
    store.stored_keys()
    assert not store._damaged
