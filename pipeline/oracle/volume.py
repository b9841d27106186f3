"""Named and anonymous volumes, and the file system a container sees with volumes mounted.

A volume is a plain in-memory file system that outlives the containers using it; what a process
writes under a mount point goes to the volume, so it is neither in the container's diff nor in its
size (docker-image-semantics.md §4.5 counts only the writable layer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.oracle.content import Content
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError, Stat
from pipeline.oracle.paths import normalise


class VolumeError(Exception):
    """A daemon error about volumes; str() is the message after `Error response from daemon: `."""


@dataclass
class Volume:
    name: str
    fs: UnionFileSystem
    created: str
    anonymous: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    driver: str = "local"

    @property
    def mountpoint(self) -> str:
        return f"/var/lib/docker/volumes/{self.name}/_data"

    @property
    def size(self) -> int:
        return self.fs.upper_size()

    def inspect(self) -> dict[str, object]:
        return {
            "CreatedAt": self.created,
            "Driver": self.driver,
            "Labels": dict(self.labels) or None,
            "Mountpoint": self.mountpoint,
            "Name": self.name,
            "Options": None,
            "Scope": "local",
        }


class VolumeStore:
    def __init__(self, clock: Callable[[], str], epoch: Callable[[], int] | None = None) -> None:
        self.volumes: dict[str, Volume] = {}
        self._clock = clock
        self._epoch = epoch or (lambda: 0)

    def create(
        self, name: str, anonymous: bool = False, labels: dict[str, str] | None = None
    ) -> Volume:
        """`docker volume create NAME` (creating an existing name returns it unchanged)."""
        existing = self.volumes.get(name)
        if existing is not None:
            return existing
        volume = Volume(
            name, UnionFileSystem(clock=self._epoch), self._clock(), anonymous, dict(labels or {})
        )
        self.volumes[name] = volume
        return volume

    def get(self, name: str) -> Volume:
        volume = self.volumes.get(name)
        if volume is None:
            raise VolumeError(f"get {name}: no such volume")
        return volume

    def remove(self, name: str, users: Sequence[str] = (), force: bool = False) -> None:
        """`users`: IDs of the containers that mount it (Docker refuses even with --force)."""
        if name not in self.volumes:
            if force:
                return
            raise VolumeError(f"get {name}: no such volume")
        if users:
            raise VolumeError(f"remove {name}: volume is in use - [{', '.join(users)}]")
        del self.volumes[name]

    def listed(self) -> list[Volume]:
        return [self.volumes[n] for n in sorted(self.volumes)]

    def prune(self, in_use: set[str], all_volumes: bool = False) -> tuple[list[str], int]:
        """Docker 23+: anonymous unused volumes only, unless `all_volumes`."""
        removed = [
            v.name for v in self.listed() if v.name not in in_use and (all_volumes or v.anonymous)
        ]
        reclaimed = sum(self.volumes[n].size for n in removed)
        for name in removed:
            del self.volumes[name]
        return removed, reclaimed


@dataclass(frozen=True)
class Mount:
    """A volume mounted in a container at `destination`."""

    volume: str
    destination: str
    read_only: bool = False


class MountedFileSystem:
    """A container's root file system with volumes mounted over some directories.

    Paths are routed to a mount by their lexical prefix (the longest mount point that contains
    them); a rename across a mount boundary fails with EXDEV, as it does on Linux.
    """

    def __init__(self, root: UnionFileSystem, mounts: dict[str, tuple[FileSystem, bool]]) -> None:
        self.root = root
        self.mounts = {normalise(p): m for p, m in mounts.items()}

    def _route(self, path: str, writing: bool = False) -> tuple[FileSystem, str, str]:
        """(file system, path inside it, mount point or "")."""
        norm = normalise(path)
        best = ""
        for point in self.mounts:
            if (norm == point or norm.startswith(point + "/")) and len(point) > len(best):
                best = point
        if not best:
            return self.root, path, ""
        fs, read_only = self.mounts[best]
        if writing and read_only:
            raise FsError("EROFS", path)
        return fs, norm[len(best) :] or "/", best

    def stat(self, path: str, follow_symlinks: bool = True) -> Stat:
        fs, inner, _ = self._route(path)
        return fs.stat(inner, follow_symlinks)

    def exists(self, path: str) -> bool:
        fs, inner, _ = self._route(path)
        return fs.exists(inner)

    def listdir(self, path: str) -> list[str]:
        fs, inner, _ = self._route(path)
        return fs.listdir(inner)

    def read(self, path: str, offset: int = 0, length: int | None = None) -> bytes:
        fs, inner, _ = self._route(path)
        return fs.read(inner, offset, length)

    def content(self, path: str) -> Content:
        fs, inner, _ = self._route(path)
        return fs.content(inner)  # type: ignore[return-value]

    def write(self, path: str, data: bytes, append: bool = False) -> None:
        fs, inner, _ = self._route(path, writing=True)
        fs.write(inner, data, append)

    def write_content(self, path: str, content: Content, mode: int | None = None) -> None:
        fs, inner, _ = self._route(path, writing=True)
        fs.write_content(inner, content, mode)

    def truncate(self, path: str, size: int) -> None:
        fs, inner, _ = self._route(path, writing=True)
        fs.truncate(inner, size)

    def mkdir(self, path: str, mode: int = 0o755, parents: bool = False) -> None:
        fs, inner, point = self._route(path, writing=True)
        if point and inner == "/":
            if not parents:
                raise FsError("EEXIST", path)
            return
        fs.mkdir(inner, mode, parents)

    def remove(self, path: str, recursive: bool = False) -> None:
        fs, inner, point = self._route(path, writing=True)
        if point and inner == "/":
            raise FsError("EBUSY", path)  # a mount point cannot be removed
        fs.remove(inner, recursive)

    def rename(self, src: str, dst: str) -> None:
        fs, inner_src, point_src = self._route(src, writing=True)
        _, inner_dst, point_dst = self._route(dst, writing=True)
        if point_src != point_dst:
            raise FsError("EXDEV", dst)
        fs.rename(inner_src, inner_dst)

    def symlink(self, target: str, path: str) -> None:
        fs, inner, _ = self._route(path, writing=True)
        fs.symlink(target, inner)

    def chmod(self, path: str, mode: int) -> None:
        fs, inner, _ = self._route(path, writing=True)
        fs.chmod(inner, mode)

    def chown(self, path: str, uid: int, gid: int) -> None:
        fs, inner, _ = self._route(path, writing=True)
        fs.chown(inner, uid, gid)

    def touch(self, path: str, mtime: int | None = None) -> None:
        fs, inner, _ = self._route(path, writing=True)
        fs.touch(inner, mtime)

    def walk(self, path: str = "/") -> Iterator[tuple[str, Stat]]:
        start = normalise(path)
        stat = self.stat(start)
        yield start, stat
        if stat.kind == "dir":
            yield from self._walk_below(start)

    def _walk_below(self, path: str) -> Iterator[tuple[str, Stat]]:
        prefix = path.rstrip("/") + "/"
        for name in self.listdir(path):
            child = prefix + name
            stat = self.stat(child, follow_symlinks=False)
            yield child, stat
            if stat.kind == "dir":
                yield from self._walk_below(child)
