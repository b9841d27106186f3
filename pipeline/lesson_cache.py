"""The lesson cache: each lesson's parsed and checked result, so an unchanged file is not re-read.

Reading and checking a lesson depends only on its path and its bytes (no rule looks at other
files), so an entry is keyed by the sha256 of those, the pipeline's version and a digest of the
pipeline's own code and data and of the Markdown libraries' versions: an edited reader, a new
release or another mistune all miss, which means a clean re-read, never a stale one. Entries are
pickles under `.cache/lessons/` (written by this pipeline only; the cache is local, never shared),
written atomically; one that cannot be read or unpickled or belongs to another key is ignored.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
import sys
import zlib
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from pipeline import __version__ as PIPELINE_VERSION
from pipeline.atomic_file import write_atomically
from pipeline.card import Card
from pipeline.diagnostics import Diagnostic
from pipeline.keyed_files import KeyedFiles
from pipeline.lesson import Lesson

FORMAT = 1  # the layout of an entry; part of the key
CACHE_DIR = Path(".cache") / "lessons"
_PIPELINE_SOURCES = Path(__file__).resolve().parent
_LIBRARIES = ("mistune", "pygments", "PyYAML", "python-frontmatter", "jsonschema", "nh3")

T = TypeVar("T")
Loaded = tuple[Lesson, list[Diagnostic]]  # a lesson and every diagnostic reading and rules gave


@cache
def pipeline_fingerprint() -> str:
    """A digest of everything a lesson's result depends on besides its own bytes."""
    digest = hashlib.sha256(f"{FORMAT}\0{PIPELINE_VERSION}\0{sys.version_info[:2]}\0".encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    for path in sorted(_PIPELINE_SOURCES.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file() and "oracle" not in path.parts:
            digest.update(path.relative_to(_PIPELINE_SOURCES).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def lesson_key(path: Path, data: bytes) -> str:
    """The path is part of the key: the lesson and its diagnostics name it."""
    digest = hashlib.sha256(pipeline_fingerprint().encode() + b"\0")
    digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def manifest_key(path: Path, data: bytes) -> str:
    """A manifest's entry: its path (its diagnostics name it) and bytes, with the pipeline's."""
    return lesson_key(path, b"manifest\0" + data)


class LessonCache(KeyedFiles):
    """Pickled results on disk, one file per key (`<dir>/<key[:2]>/<key>.pickle`)."""

    suffix = ".pickle"

    def get(self, key: str) -> Loaded | None:
        """The stored result, or None if there is none or it cannot be trusted."""
        return self.found(self._trusted(key, self.read(key)))

    @staticmethod
    def _trusted(key: str, data: bytes | None) -> Loaded | None:
        if data is None:
            return None
        try:
            stored_key, loaded = pickle.loads(data)
            if stored_key != key or not isinstance(loaded[0], Lesson):
                return None  # an entry for another key
        except Exception:  # truncated, garbage: read the lesson again
            return None
        return loaded

    def put(self, key: str, entry: bytes) -> None:
        """Store an entry made by `entry_bytes`."""
        self.write(key, entry)


def entry_bytes(key: str, loaded: Loaded) -> bytes:
    return pickle.dumps((key, loaded), protocol=pickle.HIGHEST_PROTOCOL)


class BlobCache(KeyedFiles):
    """Outputs by the digest of their inputs (rendered pages, note fields), one file per key.

    An entry starts with the sha256 of its key and bytes, so a damaged or foreign one is
    ignored (the output is made again). With no directory (`--no-cache`) nothing is stored.
    """

    def get(self, key: str) -> bytes | None:
        stored = self.read(key) or b""
        check, data = stored[:32], stored[32:]
        if len(check) < 32 or hashlib.sha256(key.encode() + b"\0" + data).digest() != check:
            return self.found(None)
        return self.found(data)

    def put(self, key: str, data: bytes) -> None:
        self.write(key, hashlib.sha256(key.encode() + b"\0" + data).digest() + data)


def _origin(*origin: object) -> None:
    """What a key's pickle names a lesson or card by (keys are never unpickled)."""


def _reduce_lesson(lesson: Lesson) -> object:
    if lesson.digest is None:
        return lesson.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    return _origin, ("lesson", lesson.digest)


def _reduce_card(card: Card) -> object:
    if card.origin is None:
        return card.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    return _origin, ("card", card.origin, card.verification)


# A lesson or card with a known origin is pickled as that origin: it is a function of it (a
# card also of its verification, which a later stage sets), and far shorter to write. A
# dispatch table, unlike `persistent_id`, costs nothing for the other objects of a key.
_KEY_REDUCERS = {Lesson: _reduce_lesson, Card: _reduce_card}


def inputs_key(*parts: object) -> str | None:
    """A digest of `parts` (pickled) with the pipeline's fingerprint; None if they cannot be
    pickled. Equal pickles mean equal inputs; unequal ones only cost a cache miss."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _KEY_REDUCERS
    # No memo: a memo writes an object seen twice as a reference, so equal inputs that share
    # objects differently (a lesson read by a worker or from the cache) gave different keys.
    pickler.fast = True
    try:
        pickler.dump(parts)
    except Exception:  # unpicklable, or a cycle (which needs the memo)
        return None
    data = buffer.getvalue()
    digest = hashlib.sha256(pipeline_fingerprint().encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


class Snapshot:
    """Many small entries in one file: one read per build instead of one per entry.

    The file is a run of records, each its length, the CRC-32 of its payload and the payload
    (a pickled key and bytes); reading stops at the first damaged or cut-off record, so a
    damaged file only loses entries. A build that adds a few entries appends them (rewriting
    40 MB of cards.json texts for one edited lesson cost more than making them); the file is
    rewritten with only the entries this build used when it was damaged or when at least half
    of it is entries no build uses any more, so it does not grow with every edit.
    """

    _HEAD = struct.Struct("<II")  # payload length, its CRC-32

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.hits = 0
        self.misses = 0
        self._size = 0  # the file's bytes, its damaged tail included
        self._whole = 0  # the bytes of its sound records
        self._stored = self._load() if file is not None else {}
        self._used: dict[str, bytes] = {}

    def _load(self) -> dict[str, bytes]:
        assert self.file is not None
        try:
            data = self.file.read_bytes()
        except OSError:  # missing or unreadable: every entry is made again
            return {}
        self._size = len(data)
        found: dict[str, bytes] = {}
        offset, head = 0, self._HEAD
        while offset + head.size <= len(data):
            length, check = head.unpack_from(data, offset)
            payload = data[offset + head.size : offset + head.size + length]
            if len(payload) < length or zlib.crc32(payload) != check:
                break
            try:
                key, value = pickle.loads(payload)
            except Exception:  # sound bytes that are no entry: another program's file
                break
            if not isinstance(key, str) or not isinstance(value, bytes):
                break
            found[key] = value
            offset += head.size + length
        self._whole = offset
        return found

    def stored_keys(self) -> list[str]:
        """The keys of the entries read from the file."""
        return list(self._stored)

    def get(self, key: str) -> bytes | None:
        found = self._stored.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[key] = found
        return found

    def put(self, key: str, data: bytes) -> None:
        self._used[key] = data

    def remember(self, key: str, make: Callable[[], T], valid: Callable[[object], bool]) -> T:
        """The value kept (pickled) under `key` if there is one and it is `valid`; else
        `make()`, kept for the next build."""
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
        if self.file is None:
            return
        added = {k: v for k, v in self._used.items() if self._stored.get(k) != v}
        unused = sum(len(v) for k, v in self._stored.items() if k not in self._used)
        damaged = self._whole != self._size
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            if damaged or (self._stored and unused * 2 >= self._whole):
                data = self._records(self._used)
                write_atomically(self.file, data)
                self._stored, self._size = dict(self._used), 0
            elif added:
                data = self._records(added)
                with self.file.open("ab") as stream:  # a cut-off record is ignored when read
                    stream.write(data)
                self._stored.update(added)
            else:
                return
        except OSError:
            return  # a cache that cannot be written only costs time
        self._size += len(data)
        self._whole = self._size

    def _records(self, entries: dict[str, bytes]) -> bytes:
        parts = []
        for key, value in entries.items():
            payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
            parts += [self._HEAD.pack(len(payload), zlib.crc32(payload)), payload]
        return b"".join(parts)
