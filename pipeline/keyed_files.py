"""One file per key on disk: the layout the lesson, output and scenario caches share.

An entry lives at `<dir>/<key[:2]>/<key><suffix>` and is written atomically; a cache that
cannot be read or written only costs time, so neither ever raises. Each cache says what its
bytes are and when to trust them, and counts its hits and misses through `found`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pipeline.atomic_file import write_atomically

T = TypeVar("T")


class KeyedFiles:
    suffix = ""  # of every entry's file name

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory  # None: nothing is stored (`--no-cache`)
        self.hits = 0
        self.misses = 0
        self.write_errors = 0

    def path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}{self.suffix}"

    def read(self, key: str) -> bytes | None:
        """The entry's bytes; None if there is none or it cannot be read."""
        if self.directory is None:
            return None
        try:
            return self.path(key).read_bytes()
        except OSError:
            return None

    def write(self, key: str, data: bytes) -> None:
        if self.directory is None:
            return
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        except OSError:
            self.write_errors += 1

    def found(self, value: T | None) -> T | None:
        """Count `value` as a hit, or None as a miss; return it."""
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value
