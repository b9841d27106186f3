"""Bounds on what the pipeline reads, so hostile input costs bounded time and memory.

Real lessons are about 10 KB and their front matter holds a few dozen values. A file hundreds of
times larger, or YAML whose aliases multiply into millions of values (a "billion laughs"), is a
mistake or an attack: it gets a diagnostic instead of minutes of parsing and gigabytes of memory.
"""

from __future__ import annotations

from pathlib import Path

# Per lesson or manifest file, 50 times the largest real lesson: mistune spends up to 20 µs a
# byte on some input (a list of 100,000 one-letter items), so this keeps any file to seconds.
MAX_FILE_BYTES = 512 << 10
MAX_YAML_VALUES = 10_000  # values in one YAML document once its aliases are expanded


class TooLarge(Exception):
    """The file is larger than `MAX_FILE_BYTES`; `size` is its size in bytes."""

    def __init__(self, size: int) -> None:
        super().__init__(too_large_message(size))
        self.size = size


def too_large_message(size: int) -> str:
    limit = MAX_FILE_BYTES >> 10
    return f"the file is {_size(size)}; a lesson or manifest may be at most {limit} KiB"


def _size(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB" if size >= 1 << 20 else f"{size / 1024:.1f} KiB"


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; TooLarge past `limit` (at most `limit + 1` bytes are read)."""
    with path.open("rb") as file:
        data = file.read(limit + 1)
        if len(data) > limit:
            file.seek(0, 2)
            raise TooLarge(file.tell())
    return data
