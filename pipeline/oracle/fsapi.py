"""The file-system interface shared by the engine and the scenario shell.

The engine implements it twice over one structure: the host side (the build context, a plain
in-memory tree) and a container's union view (image layers below, a writable layer on top, with
whole-file copy-up on the first write or metadata change of a lower file). The shell's programs
(`cat`, `truncate`, `rm`, ...) only ever talk to this interface, so they cannot reach the real
machine: there is no path from here to `open()` or `os`.

Paths are absolute POSIX strings; the implementation resolves `.`/`..` and symlinks itself and never
lets a path climb above `/`. Errors are `FsError` carrying an errno name, so programs can print
what GNU coreutils prints (`cat: x: No such file or directory`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

Kind = Literal["file", "dir", "symlink"]

# The messages coreutils prints for each errno (strerror on glibc).
STRERROR = {
    "ENOENT": "No such file or directory",
    "EEXIST": "File exists",
    "ENOTDIR": "Not a directory",
    "EISDIR": "Is a directory",
    "ENOTEMPTY": "Directory not empty",
    "EINVAL": "Invalid argument",
    "EACCES": "Permission denied",
    "EROFS": "Read-only file system",
    "ELOOP": "Too many levels of symbolic links",
    "EFBIG": "File too large",
    "ENOSPC": "No space left on device",
    "EXDEV": "Invalid cross-device link",
    "ENAMETOOLONG": "File name too long",
}


class FsError(Exception):
    """A failed file-system call: `errno` is a name from STRERROR, `path` the path involved."""

    def __init__(self, errno: str, path: str) -> None:
        super().__init__(f"{path}: {STRERROR.get(errno, errno)}")
        self.errno = errno
        self.path = path

    @property
    def strerror(self) -> str:
        return STRERROR.get(self.errno, self.errno)


@dataclass(frozen=True)
class Stat:
    kind: Kind
    mode: int  # permission bits only, e.g. 0o644
    uid: int
    gid: int
    size: int  # bytes of content; for a symlink the length of its target; 0 for a directory
    target: str | None = None  # symlink target
    mtime: int = 0  # seconds; a deterministic clock, never the machine's


class Content(Protocol):
    """Immutable, lazily held file content: a 1 GB run of zeros costs no memory."""

    @property
    def size(self) -> int: ...

    def read(self, offset: int = 0, length: int | None = None) -> bytes: ...

    def chunks(self, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    def sha256(self) -> str: ...  # hex digest, streamed


class FileSystem(Protocol):
    def stat(self, path: str, follow_symlinks: bool = True) -> Stat: ...  # FsError ENOENT

    def exists(self, path: str) -> bool: ...

    def listdir(self, path: str) -> list[str]: ...  # sorted names

    def read(self, path: str, offset: int = 0, length: int | None = None) -> bytes: ...

    def content(self, path: str) -> Content: ...

    def write(self, path: str, data: bytes, append: bool = False) -> None: ...

    def write_content(self, path: str, content: Content, mode: int | None = None) -> None: ...

    def truncate(self, path: str, size: int) -> None: ...  # creates the file if missing

    def mkdir(self, path: str, mode: int = 0o755, parents: bool = False) -> None: ...

    def remove(self, path: str, recursive: bool = False) -> None: ...  # file, symlink or dir

    def rename(self, src: str, dst: str) -> None: ...

    def symlink(self, target: str, path: str) -> None: ...

    def chmod(self, path: str, mode: int) -> None: ...

    def chown(self, path: str, uid: int, gid: int) -> None: ...

    # Create empty, or set the mtime (to the clock's now unless given): a metadata change.
    def touch(self, path: str, mtime: int | None = None) -> None: ...

    def walk(self, path: str = "/") -> Iterator[tuple[str, Stat]]: ...  # sorted, parents first
