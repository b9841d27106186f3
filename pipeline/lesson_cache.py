"""The lesson cache: each lesson's parsed and checked result, so an unchanged file is not re-read.

Reading and checking a lesson depends only on its path and its bytes (no rule looks at other
files), so an entry is keyed by the sha256 of those, the pipeline's version and a digest of the
pipeline's own code and data and of the Markdown libraries' versions: an edited reader, a new
release or another mistune all miss, which means a clean re-read, never a stale one. Entries are
pickles in one pack in the source's folder under `.cache/lessons/` (written by this pipeline
only; the cache is local, never shared); one that is damaged, cannot be unpickled or belongs to
another key is ignored.
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
from pipeline.card import Card
from pipeline.diagnostics import Diagnostic
from pipeline.lesson import Lesson
from pipeline.pack import Pack, file_in

FORMAT = 1  # the layout of an entry; part of the key
CACHE_DIR = Path(".cache") / "lessons"
_PIPELINE_SOURCES = Path(__file__).resolve().parent
_LIBRARIES = (
    "mistune",
    "pygments",
    "PyYAML",
    "python-frontmatter",
    "jsonschema",
    "jsonschema-rs",
    "nh3",
)

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


LESSONS_PACK = "lessons.pack"


class LessonCache(Pack):
    """Pickled results, one pack (`<dir>/lessons.pack`); the caller saves it."""

    def __init__(self, directory: Path | None) -> None:
        super().__init__(file_in(directory, LESSONS_PACK))

    def load(self, key: str) -> Loaded | None:
        """The stored result, or None if there is none or it cannot be trusted."""
        return self.decoded(key, lambda data: self._trusted(key, data))

    @staticmethod
    def _trusted(key: str, data: bytes) -> Loaded | None:
        try:
            stored_key, loaded = pickle.loads(data)
            if stored_key != key or not isinstance(loaded[0], Lesson):
                return None  # an entry for another key
        except Exception:  # garbage another program wrote: read the lesson again
            return None
        return loaded


def entry_bytes(key: str, loaded: Loaded) -> bytes:
    return pickle.dumps((key, loaded), protocol=pickle.HIGHEST_PROTOCOL)


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
