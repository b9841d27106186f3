"""Writing a file so that a reader (or a crash) sees the old bytes or the new ones, never half."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def write_atomically(target: Path, data: bytes) -> None:
    """`data` into a temporary file beside `target`, then renamed over it."""
    with writing(target) as stream:
        stream.write(data)


@contextmanager
def writing(target: Path) -> Iterator[BinaryIO]:
    """A stream into a temporary file beside `target`, renamed over it when the block ends
    without an error (and removed when it raises)."""
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def temporaries(target: Path) -> list[Path]:
    """The temporary files of writes of `target` that are under way or were killed."""
    return list(target.parent.glob(f".{glob.escape(target.name)}.*"))
