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
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from pipeline import __version__ as PIPELINE_VERSION
from pipeline.atomic_file import write_atomically
from pipeline.card import Card
from pipeline.diagnostics import Diagnostic
from pipeline.lesson import Lesson

FORMAT = 1  # the layout of an entry; part of the key
CACHE_DIR = Path(".cache") / "lessons"
_PIPELINE_SOURCES = Path(__file__).resolve().parent
_LIBRARIES = ("mistune", "pygments", "PyYAML", "python-frontmatter", "jsonschema", "nh3")

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


class LessonCache:
    """Pickled results on disk, one file per key (`<dir>/<key[:2]>/<key>.pickle`)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0
        self.write_errors = 0

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Loaded | None:
        """The stored result, or None if there is none or it cannot be trusted."""
        try:
            stored_key, loaded = pickle.loads(self.path(key).read_bytes())
            if stored_key != key or not isinstance(loaded[0], Lesson):
                raise ValueError("an entry for another key")
        except Exception:  # missing, unreadable, truncated, garbage: read the lesson again
            self.misses += 1
            return None
        self.hits += 1
        return loaded

    def put(self, key: str, entry: bytes) -> None:
        """Store an entry made by `entry_bytes`; a cache that cannot be written only costs time."""
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, entry)
        except OSError:
            self.write_errors += 1


def entry_bytes(key: str, loaded: Loaded) -> bytes:
    return pickle.dumps((key, loaded), protocol=pickle.HIGHEST_PROTOCOL)


class BlobCache:
    """Outputs by the digest of their inputs (rendered pages, note fields), one file per key.

    An entry starts with the sha256 of its key and bytes, so a damaged or foreign one is
    ignored (the output is made again); writes are atomic. With no directory (`--no-cache`)
    nothing is stored.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if self.directory is None:
            return None
        try:
            stored = self.path(key).read_bytes()
        except OSError:
            stored = b""
        check, data = stored[:32], stored[32:]
        if len(check) < 32 or hashlib.sha256(key.encode() + b"\0" + data).digest() != check:
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        if self.directory is None:
            return
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, hashlib.sha256(key.encode() + b"\0" + data).digest() + data)
        except OSError:
            pass  # a cache that cannot be written only costs time


class _KeyPickler(pickle.Pickler):
    """Pickles a lesson or card with a known origin as that origin: it is a function of it
    (a card also of its verification, which a later stage sets), and far shorter to write."""

    def persistent_id(self, obj: object) -> object:
        kind = type(obj)
        if kind is Lesson and obj.digest is not None:  # type: ignore[attr-defined]
            return ("lesson", obj.digest)  # type: ignore[attr-defined]
        if kind is Card and obj.origin is not None:  # type: ignore[attr-defined]
            return ("card", obj.origin, obj.verification)  # type: ignore[attr-defined]
        return None


def inputs_key(*parts: object) -> str | None:
    """A digest of `parts` (pickled) with the pipeline's fingerprint; None if they cannot be
    pickled. Equal pickles mean equal inputs; unequal ones only cost a cache miss."""
    buffer = io.BytesIO()
    pickler = _KeyPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
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

    The file is the sha256 of its payload, then the payload (a pickled dict of key → bytes);
    a damaged or foreign file counts as empty. `save` keeps only the entries this build used
    (so it does not grow with every edit) and writes only when they changed, atomically.
    """

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.hits = 0
        self.misses = 0
        self._stored = self._load() if file is not None else {}
        self._used: dict[str, bytes] = {}

    def _load(self) -> dict[str, bytes]:
        assert self.file is not None
        try:
            stored = self.file.read_bytes()
            check, payload = stored[:32], stored[32:]
            if hashlib.sha256(payload).digest() != check:
                return {}
            found = pickle.loads(payload)
        except Exception:  # missing, unreadable, damaged: every entry is made again
            return {}
        if not isinstance(found, dict):
            return {}
        return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, bytes)}

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

    def save(self) -> None:
        if self.file is None or self._used == self._stored:
            return
        payload = pickle.dumps(self._used, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.file, hashlib.sha256(payload).digest() + payload)
        except OSError:
            pass  # a cache that cannot be written only costs time
        self._stored = dict(self._used)
