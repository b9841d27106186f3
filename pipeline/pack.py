"""A pack: many keyed entries in one file, appended to by each build, read an entry at a time.

Caches of 5,000 lessons, pages or notes as one file each cost a cold build more than making
their contents (creating a file costs about a millisecond here), and a rebuild 5,000 opens.
A pack is a run of records instead: a head (the key's and the value's lengths, the value's
CRC-32 and a CRC-32 of the head and key), the key (ASCII) and the value. Opening a pack reads
the heads and keys only; a value is read, and its CRC checked, when it is asked for.

A head that does not check ends the pack there (the lengths after it cannot be trusted); a
value that does not check loses that entry only. Either way a cache only costs time. A build
appends what it added under an exclusive lock, so two builds sharing a cache never interleave
records; under the same lock, and from the file as it is then, it decides to rewrite it
instead, with only the entries it used or kept (and any another build added since it read the
file), when it is damaged or at least half of it is entries no build uses any more, so it does
not grow with every edit. `prune=False` keeps every sound entry (a cache several sources
share, where "unused by this build" says nothing); only records a later one replaced count
as garbage then.
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pipeline.atomic_file import temporaries, writing

try:
    import fcntl
except ImportError:  # not POSIX: appends are not locked
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

_HEAD = struct.Struct("<HIII")  # key length, value length, value CRC-32, head CRC-32
_FLUSH_BYTES = 16 << 20  # pending values written out beyond this, to bound memory


def file_in(folder: Path | None, name: str) -> Path | None:
    """The pack `name` in a cache `folder`; None (nothing stored) when there is no folder."""
    return folder / name if folder is not None else None


class Pack:
    def __init__(self, file: Path | None, *, prune: bool = True) -> None:
        self.file = file  # None: nothing is stored (`--no-cache`)
        self.prune = prune
        self.hits = 0
        self.misses = 0
        self.write_errors = 0
        self._index: dict[str, tuple[int, int, int]] | None = None  # key: offset, size, CRC
        self._reader: int | None = None  # a descriptor of the indexed file
        self._inode: tuple[int, int] | None = None
        self._size = 0  # the indexed file's bytes, a damaged tail included
        self._whole = 0  # the bytes of its sound records
        self._damaged = False
        self._stale = 0  # bytes of records a later one replaced
        self._used: set[str] = set()
        self._first_seen: set[str] | None = None  # the keys in the file when first read
        self._pending: dict[str, bytes] = {}
        self._pending_bytes = 0

    # -- reading ------------------------------------------------------------------------------

    def stored_keys(self) -> list[str]:
        """The keys of the entries in the file, in the order they were written."""
        return list(self._entries())

    def get(self, key: str) -> bytes | None:
        """The value under `key` (one this build put, or one in the file that checks)."""
        value = self._pending.get(key)
        if value is None:
            value = self._read(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used.add(key)
        return value

    def decoded(self, key: str, decode: Callable[[bytes], T | None]) -> T | None:
        """The value under `key` as `decode` makes it; one it cannot make (None) is a miss."""
        data = self.get(key)
        value = decode(data) if data is not None else None
        if data is not None and value is None:
            self.hits, self.misses = self.hits - 1, self.misses + 1
        return value

    def _read(self, key: str) -> bytes | None:
        place = self._entries().get(key)
        if place is None or self._reader is None:
            return None
        offset, size, check = place
        try:
            value = os.pread(self._reader, size, offset)
        except OSError:
            value = b""
        if len(value) == size and zlib.crc32(value) == check:
            return value
        del self._entries()[key]  # damaged: made again, and the file mended on saving
        self._damaged = True
        return None

    def _entries(self) -> dict[str, tuple[int, int, int]]:
        if self._index is None:
            self._index = {}
            if self.file is not None:
                self._open()
        return self._index

    def _open(self) -> None:
        assert self.file is not None and self._index is not None
        try:
            self._reader = os.open(self.file, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:  # missing or unreadable: every entry is made again
            return
        status = os.fstat(self._reader)
        self._inode, self._size = (status.st_dev, status.st_ino), status.st_size
        self._whole = self._scan(0)
        self._damaged = self._whole != self._size
        if self._first_seen is None:
            self._first_seen = set(self._index)

    def _scan(self, offset: int) -> int:
        """Index the records from `offset`; returns where the sound ones end."""
        assert self._reader is not None and self._index is not None
        while offset + _HEAD.size <= self._size:
            found = self._head(offset)
            if found is None:
                break
            key, start, size, check = found
            if start + size > self._size:  # cut off
                break
            self._forget(key)
            self._index[key] = (start, size, check)
            offset = start + size
        return offset

    def _head(self, offset: int) -> tuple[str, int, int, int] | None:
        assert self._reader is not None
        try:
            data = os.pread(self._reader, _HEAD.size + 255, offset)
        except OSError:
            return None
        if len(data) < _HEAD.size:
            return None
        key_size, size, check, head_check = _HEAD.unpack_from(data)
        key = data[_HEAD.size : _HEAD.size + key_size]
        if len(key) != key_size or _head_check(key_size, size, check, key) != head_check:
            return None
        return key.decode("ascii", "replace"), offset + _HEAD.size + key_size, size, check

    # -- writing ------------------------------------------------------------------------------

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (an ASCII key of at most 255 characters)."""
        if self.file is None:
            return
        if len(key) > 255 or not key.isascii():
            raise ValueError(f"a pack key is ASCII, at most 255 characters: {key!r}")
        self._used.add(key)
        if self._pending.get(key) == data:
            return
        self._forget(key)
        self._pending[key] = data
        self._pending_bytes += len(data)
        if self._pending_bytes > _FLUSH_BYTES:
            try:
                self._append()
            except OSError:  # a cache that cannot be written only costs time
                self.write_errors += 1

    def _forget(self, key: str) -> None:
        """The record stored under `key` is replaced: its bytes are garbage from now on."""
        place = self._entries().pop(key, None)
        if place is not None:
            self._stale += _HEAD.size + len(key) + place[1]

    def keep(self, key: str | None) -> None:
        """Count the entry as used without reading it (its output was reused another way)."""
        if key is not None:
            self._used.add(key)

    def remember(
        self, key: str | None, make: Callable[[], T], valid: Callable[[object], bool]
    ) -> T:
        """The value kept (pickled) under `key` if there is one and it is `valid`; else
        `make()`, kept for the next build. No key (inputs that cannot be keyed): `make()`."""
        if key is None:
            return make()
        entry = self.get(key)
        if entry is not None:
            try:
                found = pickle.loads(entry)
            except Exception:  # the record's checksum passed, so another pipeline wrote it
                found = None
            if found is not None and valid(found):
                return found
        made = make()
        self.put(key, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
        return made

    def save(self) -> None:
        """Write out what this build added: appended, or the whole file made again.

        Whether the file is damaged or mostly garbage is decided under its lock, from the file
        as it is then: another build may have appended (a record seen half-written while it
        wrote is no damage) or replaced it since this one read it."""
        if self.file is None:
            return
        if self._pending or self._damaged or self._garbage_heavy():
            try:
                with self._locked() as writer:
                    self._remove_orphans()
                    self._refresh(writer)
                    if self._damaged or self._garbage_heavy():
                        self._rewrite()
                    elif self._pending:
                        self._write_pending(writer)
            except OSError:  # a cache that cannot be written only costs time
                self.write_errors += 1
        self.close()

    def close(self) -> None:
        if self._reader is not None:
            os.close(self._reader)
        self._reader, self._index = None, None
        self._pending, self._pending_bytes = {}, 0

    def _garbage_heavy(self) -> bool:
        """At least half of the file is records no build needs (replaced, or unused here)."""
        unused = self._stale + sum(
            _HEAD.size + len(k) + size
            for k, (_, size, _) in self._entries().items()
            if not self._kept(k)
        )
        return bool(unused) and unused * 2 >= self._whole

    def _kept(self, key: str) -> bool:
        """Is the entry worth keeping? Used by this build, or pruning is off, or another
        build wrote it after this one first read the file (that build may need it)."""
        return not self.prune or key in self._used or key not in (self._first_seen or ())

    def _append(self) -> None:
        """The pending records at the end of the file (a flush before saving)."""
        assert self.file is not None
        with self._locked() as writer:
            self._refresh(writer)
            self._write_pending(writer)

    @contextmanager
    def _locked(self) -> Iterator[int]:
        """A descriptor for appending to the file, holding its exclusive lock. A build that
        replaced the file while this one waited leaves the lock on a file no one reads any
        more: then the new file is locked instead."""
        assert self.file is not None
        self.file.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        while True:
            writer = os.open(self.file, flags, 0o644)
            try:
                if fcntl is not None:
                    fcntl.flock(writer, fcntl.LOCK_EX)
                locked, named = os.fstat(writer), os.stat(self.file)
            except FileNotFoundError:  # replaced and not yet there: try again
                os.close(writer)
                continue
            except BaseException:
                os.close(writer)
                raise
            if (locked.st_dev, locked.st_ino) == (named.st_dev, named.st_ino):
                break
            os.close(writer)
        try:
            yield writer
        finally:
            os.close(writer)  # and with it the lock

    def _refresh(self, writer: int) -> None:
        """Index the file again if it is not the one (or not the size) this build read."""
        self._entries()
        status = os.fstat(writer)
        if (status.st_dev, status.st_ino) != self._inode or status.st_size != self._size:
            if self._reader is not None:
                os.close(self._reader)
            self._reader, self._inode, self._size, self._index = None, None, 0, {}
            self._stale, self._damaged = 0, False
            self._open()
            for key in self._pending:  # this build's values replace the file's
                self._forget(key)

    def _write_pending(self, writer: int) -> None:
        """Append the pending records through the locked descriptor; they join the index."""
        pending, self._pending, self._pending_bytes = self._pending, {}, 0
        offset, entries = os.fstat(writer).st_size, self._entries()
        with os.fdopen(os.dup(writer), "ab") as stream:
            for key, value in pending.items():
                stream.write(_record(key, value))
                start = offset + _HEAD.size + len(key)
                entries[key] = (start, len(value), zlib.crc32(value))
                offset = start + len(value)
        if self._reader is None:  # the file was made just now: read it from here on
            self._reader = os.open(self.file, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            status = os.fstat(self._reader)
            self._inode = (status.st_dev, status.st_ino)
        self._size = offset
        if not self._damaged:
            self._whole = offset

    def _remove_orphans(self) -> None:
        """Delete the temporary files of rewrites that never finished (a killed build). Only
        the lock's holder rewrites, and it holds the lock until its file is in place, so
        under the lock every such file is an orphan."""
        assert self.file is not None
        for orphan in temporaries(self.file):
            orphan.unlink(missing_ok=True)

    def _rewrite(self) -> None:
        """A new file with the used entries (in file order) and the pending ones."""
        assert self.file is not None
        kept = [k for k in self._entries() if self._kept(k) and k not in self._pending]
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with writing(self.file) as stream:
            for key in kept:
                value = self._read(key)
                if value is not None:
                    stream.write(_record(key, value))
            for key, value in self._pending.items():
                stream.write(_record(key, value))


def _head_check(key_size: int, size: int, check: int, key: bytes) -> int:
    return zlib.crc32(struct.pack("<HII", key_size, size, check) + key)


def _record(key: str, value: bytes) -> bytes:
    raw = key.encode("ascii")
    check = zlib.crc32(value)
    head = _HEAD.pack(len(raw), len(value), check, _head_check(len(raw), len(value), check, raw))
    return head + raw + value


def records(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """The bytes of a pack holding `entries` (for tests and tools)."""
    return b"".join(_record(key, value) for key, value in entries)
