"""Containers: an image's layers, Docker's init layer and one writable layer on top.

The writable layer is what `docker diff` lists, what `docker ps -s` counts (SizeRw; "virtual" adds
the image, docker-image-semantics.md §4.5) and what `docker commit` turns into one new layer, or
into an `empty_layer` history entry when nothing changed (§4.8). The image itself never changes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.oracle.digest import short_id
from pipeline.oracle.filesystem import Tree, UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.image import DEFAULT_PATH, HistoryEntry, Image
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.process import ExecNotFound, Process
from pipeline.oracle.volume import Mount, MountedFileSystem

CREATED, RUNNING, EXITED = "created", "running", "exited"


def init_layer(container_id: str) -> Layer:
    """Docker's `<id>-init` layer (daemon/initlayer): the files the runtime bind-mounts over and
    `/.dockerenv`. It sits between the image and the writable layer, so it is in the container's
    view but never in its diff, its size or a commit."""
    hostname = short_id(container_id)
    changes = ChangeSet()
    for path in ("/dev", "/dev/pts", "/dev/shm", "/etc", "/proc", "/sys"):
        changes.add(path, Entry.dir())
    changes.add("/.dockerenv", Entry.file(b""))
    changes.add("/etc/hostname", Entry.file(f"{hostname}\n"))
    changes.add(
        "/etc/hosts",
        Entry.file(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            f"172.17.0.2\t{hostname}\n"
        ),
    )
    changes.add("/etc/resolv.conf", Entry.file("nameserver 8.8.8.8\n"))
    changes.add("/etc/mtab", Entry.symlink("/proc/mounts"))
    return Layer(changes)


def env_dict(env: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in env:
        key, _, value = item.partition("=")
        out[key] = value
    return out


def merge_env(base: Sequence[str], extra: Sequence[str]) -> list[str]:
    """`-e K=V` replaces K in place or appends (as Docker merges run env over image env)."""
    merged = list(base)
    for item in extra:
        key = item.split("=", 1)[0]
        for i, old in enumerate(merged):
            if old.split("=", 1)[0] == key:
                merged[i] = item
                break
        else:
            merged.append(item)
    return merged


def find_executable(fs: FileSystem, program: str, env: Mapping[str, str], cwd: str = "/") -> str:
    """Where runc would find argv[0]; raises ExecNotFound with runc's wording."""
    if "/" in program:
        path = program if program.startswith("/") else cwd.rstrip("/") + "/" + program
        try:
            stat = fs.stat(path)
        except FsError as exc:
            message = f'exec: "{program}": stat {program}: {exc.strerror.lower()}'
            raise ExecNotFound(program, message) from exc
        if stat.kind == "dir" or not stat.mode & 0o111:
            raise ExecNotFound(program, f'exec: "{program}": permission denied')
        return path
    for directory in env.get("PATH", DEFAULT_PATH.split("=", 1)[1]).split(":"):
        candidate = (directory or ".").rstrip("/") + "/" + program
        try:
            stat = fs.stat(candidate)
        except FsError:
            continue
        if stat.kind == "file" and stat.mode & 0o111:
            return candidate
    raise ExecNotFound(program, f'exec: "{program}": executable file not found in $PATH')


@dataclass
class Container:
    id: str
    name: str
    image: Image
    image_ref: str  # as the user typed it (the IMAGE column of `docker ps`)
    config: dict[str, Any]  # Docker's container Config keys: Env, Cmd, Entrypoint, ...
    created: str
    clock: Callable[[], int] = field(default=lambda: 0, repr=False)  # epoch seconds (mtimes)
    now: Callable[[], str] = field(default=lambda: "", repr=False)  # RFC 3339 (history)
    read_only: bool = False
    mounts: list[Mount] = field(default_factory=list)
    auto_remove: bool = False
    state: str = CREATED
    exit_code: int = 0
    started_at: str = ""
    finished_at: str = ""
    upper: Tree = field(default_factory=Tree, repr=False)
    with_init_layer: bool = True

    def __post_init__(self) -> None:
        lowers = list(self.image.layers)
        if self.with_init_layer:
            lowers.append(init_layer(self.id))
        self.rootfs = UnionFileSystem(lowers, self.upper, clock=self.clock)
        self.fs: FileSystem = self.rootfs

    def attach_volumes(self, volumes: Mapping[str, FileSystem]) -> None:
        """Mount the volumes (name -> file system) listed in `self.mounts`; the mount points
        are created in the writable layer first, as Docker does."""
        for mount in self.mounts:
            if not self.rootfs.exists(mount.destination):
                self.rootfs.mkdir(mount.destination, parents=True)
        if self.mounts:
            table = {m.destination: (volumes[m.volume], m.read_only) for m in self.mounts}
            self.fs = MountedFileSystem(self.rootfs, table)
        self.rootfs.read_only = self.read_only

    # --- identity and state -----------------------------------------------------------------------
    @property
    def image_id(self) -> str:
        return self.image.id

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def argv(self) -> list[str]:
        return list(self.config.get("Entrypoint") or []) + list(self.config.get("Cmd") or [])

    @property
    def command(self) -> str:
        """`docker ps` COMMAND before quoting: path and args joined with spaces."""
        return " ".join(self.argv)

    def process(
        self,
        argv: Sequence[str] | None = None,
        env: Sequence[str] = (),
        workdir: str | None = None,
        user: str | None = None,
        stdin: bytes = b"",
    ) -> Process:
        """The Process to run: image/container env plus HOSTNAME and HOME as Docker adds them."""
        merged = env_dict(merge_env(self.config.get("Env") or [], env))
        merged.setdefault("PATH", DEFAULT_PATH.split("=", 1)[1])
        merged.setdefault("HOSTNAME", self.short_id)
        merged.setdefault("HOME", "/root")
        return Process(
            argv=list(self.argv if argv is None else argv),
            env=merged,
            cwd=workdir or self.config.get("WorkingDir") or "/",
            user=user or self.config.get("User") or "root",
            stdin=stdin,
        )

    # --- sizes and changes ------------------------------------------------------------------------
    @property
    def size_rw(self) -> int:
        return self.rootfs.upper_size()

    @property
    def size_root_fs(self) -> int:
        return self.image.size + self.size_rw

    def changes(self) -> list[tuple[str, str]]:
        return self.rootfs.changes()

    def commit(
        self,
        message: str = "",
        author: str = "",
        changes: Mapping[str, Any] | None = None,
        created: str | None = None,
    ) -> Image:
        """A new image: the container's image plus one layer made from the writable layer (or an
        empty_layer history entry if nothing changed), with the container's config and
        `changes` (already parsed `--change` values by config key) applied. `created` defaults
        to the container's clock."""
        created = created or self.now()
        diff = self.rootfs.diff()
        empty = diff.is_empty()
        config = copy.deepcopy(self.config)
        for key, value in (changes or {}).items():
            config[key] = copy.deepcopy(value)
        entry = HistoryEntry(
            created=created,
            created_by=" ".join(self.config.get("Cmd") or []),
            comment=message,
            empty_layer=empty,
            author=author,
        )
        image_config = self.image.config.with_(
            config=config,
            history=(*self.image.config.history, entry),
            created=created,
            author=author,
            comment=message,
        )
        layers = list(self.image.layers) + ([] if empty else [Layer(diff)])
        return Image(image_config, layers)
