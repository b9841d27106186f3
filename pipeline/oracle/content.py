"""Immutable, lazily held file content (implements `fsapi.Content`).

A `Content` is a rope: a tuple of segments, each either real bytes or the length of a run of zero
bytes. `truncate -s 1G` is one zero run (no memory), appending one byte to it adds one small
segment (O(1) memory), and hashing streams the runs from one shared zero buffer, so a scenario
with gigabyte files stays small and deterministic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

CHUNK = 1 << 20
# One shared, immutable buffer of zeros that every zero run is read from.
ZERO_CHUNK = bytes(CHUNK)
# Adjacent byte segments are merged while small, so many `>>` appends do not make long ropes.
_MERGE_LIMIT = 1 << 16
# Hashes of big contents, by structure: the same 1 GiB zero file is hashed once per process.
_SHA_MEMO: dict[tuple, str] = {}
_SHA_MEMO_MIN = 1 << 24
_SHA_MEMO_MAX = 4096

Segment = bytes | int  # bytes, or the length of a run of zeros


def _normalise(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for seg in segments:
        if isinstance(seg, int):
            if seg < 0:
                raise ValueError("negative zero run")
            if seg == 0:
                continue
            if out and isinstance(out[-1], int):
                out[-1] += seg
            else:
                out.append(seg)
        else:
            seg = bytes(seg)
            if not seg:
                continue
            last = out[-1] if out else None
            if isinstance(last, bytes) and len(last) + len(seg) <= _MERGE_LIMIT:
                out[-1] = last + seg
            else:
                out.append(seg)
    return tuple(out)


def zero_chunks(length: int, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """`length` zero bytes as chunks of at most `chunk_size`, reusing one buffer when possible."""
    full = ZERO_CHUNK if chunk_size == CHUNK else bytes(chunk_size)
    while length >= chunk_size:
        yield full
        length -= chunk_size
    if length:
        yield bytes(length)


class Content:
    """Immutable file content; every "change" returns a new Content sharing the old segments."""

    __slots__ = ("_segments", "_size", "_sha256")

    def __init__(self, segments: Iterable[Segment] = ()) -> None:
        self._segments = _normalise(segments)
        self._size = sum(s if isinstance(s, int) else len(s) for s in self._segments)
        self._sha256: str | None = None

    # --- constructors ---------------------------------------------------------------------------
    @classmethod
    def of(cls, data: bytes | str) -> Content:
        if isinstance(data, str):
            data = data.encode()
        return cls((data,))

    @classmethod
    def zeros(cls, size: int) -> Content:
        return cls((size,))

    @classmethod
    def empty(cls) -> Content:
        return _EMPTY

    @classmethod
    def from_chunks(cls, chunks: Iterable[bytes]) -> Content:
        """Content read from a stream; all-zero chunks become zero runs (a 1 GiB zero file read
        back from a tar costs no memory)."""
        segments: list[Segment] = []
        for chunk in chunks:
            if chunk.count(0) == len(chunk):
                segments.append(len(chunk))
            else:
                segments.append(bytes(chunk))
        return cls(segments)

    # --- fsapi.Content --------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return self._size

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self._segments

    def read(self, offset: int = 0, length: int | None = None) -> bytes:
        end = self._size if length is None else min(self._size, offset + max(0, length))
        out = bytearray()
        for seg in self._slice_segments(max(0, offset), end):
            out += bytes(seg) if isinstance(seg, int) else seg
        return bytes(out)

    def chunks(self, chunk_size: int = CHUNK) -> Iterator[bytes]:
        for seg in self._segments:
            if isinstance(seg, int):
                yield from zero_chunks(seg, chunk_size)
            else:
                for start in range(0, len(seg), chunk_size):
                    yield seg[start : start + chunk_size]

    def pieces(self) -> Iterator[Segment]:
        """The raw segments: bytes, or an int for a run of that many zeros."""
        return iter(self._segments)

    def sha256(self) -> str:
        if self._sha256 is None:
            key = self.structure_key() if self._size >= _SHA_MEMO_MIN else None
            cached = _SHA_MEMO.get(key) if key is not None else None
            if cached is None:
                hasher = hashlib.sha256()
                for chunk in self.chunks():
                    hasher.update(chunk)
                cached = hasher.hexdigest()
                if key is not None and len(_SHA_MEMO) < _SHA_MEMO_MAX:
                    _SHA_MEMO[key] = cached
            self._sha256 = cached
        return self._sha256

    # --- derived contents -----------------------------------------------------------------------
    def append(self, data: bytes | Content) -> Content:
        extra = data.segments if isinstance(data, Content) else (data,)
        return Content(self._segments + tuple(extra))

    def resized(self, size: int) -> Content:
        """`truncate -s size`: cut, or extend with zeros (a sparse extension costs nothing)."""
        if size < 0:
            raise ValueError("negative size")
        if size <= self._size:
            return self.slice(0, size)
        return Content(self._segments + (size - self._size,))

    def replaced(self, offset: int, data: bytes) -> Content:
        """Write `data` at `offset` (like pwrite), extending with zeros when past the end."""
        head = self.resized(offset) if offset > self._size else self.slice(0, offset)
        tail_start = offset + len(data)
        tail = self._slice_segments(tail_start, self._size) if tail_start < self._size else []
        return Content(head.segments + (data,) + tuple(tail))

    def slice(self, start: int, end: int | None = None) -> Content:
        end = self._size if end is None else min(end, self._size)
        if start <= 0 and end >= self._size:
            return self
        return Content(self._slice_segments(max(0, start), end))

    def structure_key(self) -> tuple:
        """A small key that determines the bytes exactly (bytes segments by their hash)."""
        return tuple(
            seg if isinstance(seg, int) else hashlib.sha256(seg).digest() for seg in self._segments
        )

    def _slice_segments(self, start: int, end: int) -> list[Segment]:
        out: list[Segment] = []
        pos = 0
        for seg in self._segments:
            n = seg if isinstance(seg, int) else len(seg)
            lo, hi = max(start, pos), min(end, pos + n)
            if lo < hi:
                out.append(hi - lo if isinstance(seg, int) else seg[lo - pos : hi - pos])
            pos += n
            if pos >= end:
                break
        return out

    # --- value semantics ------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Content):
            return NotImplemented
        if self._size != other._size:
            return False
        return self._segments == other._segments or self.sha256() == other.sha256()

    def __hash__(self) -> int:
        return hash((self._size, self.sha256()))

    def __repr__(self) -> str:
        return f"Content(size={self._size}, segments={len(self._segments)})"


_EMPTY = Content()
