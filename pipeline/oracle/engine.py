"""The Engine: the simulated Docker daemon as plain Python objects.

It owns the image store, the containers, the volumes, a build cache the builder fills, a
deterministic clock and ID generator (a scenario's result never depends on the time or the
machine, oracle-scenarios.md rule 6) and the `Runner` that runs every program (RUN, docker run,
docker exec). It prints nothing: the `docker` command formats what it returns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline.oracle.container import (
    EXITED,
    RUNNING,
    Container,
    find_executable,
    merge_env,
)
from pipeline.oracle.distribution import BlobMetadata, Fetched, PullError, fetch
from pipeline.oracle.filesystem import Tree
from pipeline.oracle.fsapi import FsError
from pipeline.oracle.image import Image
from pipeline.oracle.process import Completed, ExecNotFound, Runner
from pipeline.oracle.registry import Registries
from pipeline.oracle.store import ImageStore, StoreError
from pipeline.oracle.volume import Mount, VolumeStore

# A fixed start for every scenario's clock (after every catalogue image's creation date).
EPOCH_START = "2025-01-01T00:00:00Z"
STOP_EXIT_CODE = 137  # SIGKILL after the grace period: what `sleep` as PID 1 gets


class ContainerError(StoreError):
    """A daemon error about containers (message after `Error response from daemon: `)."""


def _parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class Clock:
    """Deterministic time: starts at EPOCH_START and moves only when told to."""

    def __init__(self, start: str = EPOCH_START) -> None:
        self._now = _parse_time(start)

    def now(self) -> str:
        """RFC 3339, UTC, whole seconds (`2025-01-01T00:00:00Z`)."""
        return self._now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def epoch(self) -> int:
        return int(self._now.timestamp())

    def tick(self, seconds: int = 1) -> str:
        self._now += timedelta(seconds=seconds)
        return self.now()


_ADJECTIVES = (
    "admiring",
    "bold",
    "brave",
    "clever",
    "eager",
    "focused",
    "gallant",
    "happy",
    "jolly",
    "keen",
    "lucid",
    "modest",
    "nifty",
    "quirky",
    "serene",
    "vibrant",
)
_SCIENTISTS = (
    "hopper",
    "lovelace",
    "turing",
    "curie",
    "noether",
    "shannon",
    "knuth",
    "ritchie",
    "thompson",
    "liskov",
    "hamilton",
    "dijkstra",
    "goldwasser",
    "kare",
    "wing",
    "allen",
)


class Ids:
    """Deterministic 64-hex IDs and Docker-style container names."""

    def __init__(self, seed: str = "oracle") -> None:
        self._seed = seed
        self._count = 0

    def next(self, kind: str) -> str:
        self._count += 1
        return hashlib.sha256(f"{self._seed}:{kind}:{self._count}".encode()).hexdigest()

    def name(self, taken: Sequence[str] = ()) -> str:
        while True:
            n = int(self.next("name")[:8], 16)
            name = f"{_ADJECTIVES[n % 16]}_{_SCIENTISTS[(n // 16) % 16]}"
            if name not in taken:
                return name


@dataclass(frozen=True)
class ImageUsage:
    id: str
    repo_tags: tuple[str, ...]
    created: str
    size: int
    shared_size: int
    containers: int


@dataclass(frozen=True)
class ContainerUsage:
    id: str
    name: str
    image: str
    command: str
    created: str
    state: str
    size_rw: int
    size_root_fs: int


@dataclass(frozen=True)
class VolumeUsage:
    name: str
    size: int
    links: int


@dataclass(frozen=True)
class SystemDf:
    """`docker system df` data: layers are counted once in `layers_size`."""

    layers_size: int
    images: tuple[ImageUsage, ...]
    containers: tuple[ContainerUsage, ...]
    volumes: tuple[VolumeUsage, ...]
    build_cache: tuple[Any, ...] = ()


@dataclass
class Engine:
    runner: Runner | None = None
    clock: Clock = field(default_factory=Clock)
    ids: Ids = field(default_factory=Ids)
    # The world's registries (push/pull); engines of one world may share them.
    registries: Registries = field(default_factory=Registries)

    def __post_init__(self) -> None:
        self.images = ImageStore(clock=self.clock.now)
        self.containers: dict[str, Container] = {}
        self.volumes = VolumeStore(self.clock.now, self.clock.epoch)
        self.build_cache: dict[Any, Any] = {}
        # What the daemon knows of layer blobs in registries (distribution.py).
        self.blob_metadata = BlobMetadata()
        # Layer blobs BuildKit pulled into its own cache for `FROM` (never into `images`).
        self.build_blobs: set[str] = set()

    @classmethod
    def with_catalogue(cls, runner: Runner | None = None, **kwargs: Any) -> Engine:
        """An engine holding the catalogue's base images, as pulled from Docker Hub."""
        from pipeline.oracle.catalogue import install

        engine = cls(runner=runner, **kwargs)
        install(engine.images)
        engine.blob_metadata.record_catalogue()
        return engine

    # --- containers: lookup -----------------------------------------------------------------------
    def container(self, name_or_id: str) -> Container:
        """By full ID, name (with or without `/`) or unique ID prefix (moby GetContainer)."""
        if name_or_id in self.containers:
            return self.containers[name_or_id]
        name = name_or_id.lstrip("/")
        for container in self.containers.values():
            if container.name == name:
                return container
        matches = [
            c for c in self.containers.values() if name_or_id and c.id.startswith(name_or_id)
        ]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ContainerError(f"multiple IDs found with provided prefix: {name_or_id}")
        raise ContainerError(f"No such container: {name_or_id}")

    def ordered_containers(self, all_containers: bool = True) -> list[Container]:
        """Newest first, as `docker ps` lists them."""
        found = list(self.containers.values())[::-1]
        return [c for c in found if all_containers or c.running]

    # --- containers: lifecycle --------------------------------------------------------------------
    def create_container(
        self,
        image_ref: str,
        *,
        name: str | None = None,
        cmd: Sequence[str] | None = None,
        entrypoint: Sequence[str] | None = None,
        env: Sequence[str] = (),
        workdir: str | None = None,
        user: str | None = None,
        read_only: bool = False,
        volumes: Sequence[tuple[str | None, str, bool]] = (),
        auto_remove: bool = False,
        labels: Mapping[str, str] | None = None,
        init_layer: bool = True,
    ) -> Container:
        """`docker create`: `volumes` are (name or None for anonymous, destination, read-only).
        An image's VOLUME paths not mounted explicitly get anonymous volumes; a new volume is
        filled with what the image has at its mount point (Docker's copy-on-mount)."""
        image = self.images.get(image_ref)
        if name is not None:
            name = name.lstrip("/")
            for other in self.containers.values():
                if other.name == name:
                    raise ContainerError(
                        f'Conflict. The container name "/{name}" is already in use by container '
                        f'"{other.id}". You have to remove (or rename) that container to be able '
                        "to reuse that name."
                    )
        container_id = self.ids.next("container")
        config = image.config.container_config()
        if entrypoint is not None:
            config["Entrypoint"] = list(entrypoint) or None
            if cmd is None:
                config["Cmd"] = None
        if cmd is not None and len(cmd) > 0:
            config["Cmd"] = list(cmd)
        config["Env"] = merge_env(config.get("Env") or [], env)
        if workdir:
            config["WorkingDir"] = workdir
        if user is not None:
            config["User"] = user
        if labels:
            config["Labels"] = {**(config.get("Labels") or {}), **labels}
        taken = [c.name for c in self.containers.values()]
        container = Container(
            id=container_id,
            name=name or self.ids.name(taken),
            image=image,
            image_ref=image_ref,
            config=config,
            created=self.clock.now(),
            clock=self.clock.epoch,
            now=self.clock.now,
            read_only=read_only,
            auto_remove=auto_remove,
            upper=Tree(),
            with_init_layer=init_layer,
        )
        self._mount_volumes(container, volumes)
        workdir_path = config.get("WorkingDir")
        if workdir_path and not container.rootfs.exists(workdir_path):
            read_only_flag, container.rootfs.read_only = container.rootfs.read_only, False
            container.rootfs.mkdir(workdir_path, parents=True)
            container.rootfs.read_only = read_only_flag
        self.containers[container_id] = container
        return container

    def _mount_volumes(
        self, container: Container, volumes: Sequence[tuple[str | None, str, bool]]
    ) -> None:
        wanted = list(volumes)
        explicit = {dest.rstrip("/") or "/" for _, dest, _ in wanted}
        for path in sorted(container.config.get("Volumes") or {}):
            if path.rstrip("/") not in explicit:
                wanted.append((None, path, False))
        table = {}
        for volume_name, destination, read_only in wanted:
            anonymous = volume_name is None
            name = volume_name or self.ids.next("volume")
            fresh = name not in self.volumes.volumes
            volume = self.volumes.create(name, anonymous=anonymous)
            if fresh:
                self._copy_image_content(container, destination, volume.fs)
            container.mounts.append(Mount(name, destination, read_only))
            table[name] = volume.fs
        container.attach_volumes(table)

    @staticmethod
    def _copy_image_content(container: Container, destination: str, target: Any) -> None:
        source = container.rootfs
        try:
            if source.stat(destination).kind != "dir":
                return
            real = source.resolve(destination)
            for path, _ in source.walk(real):
                inner = path[len(real) :] or "/"
                entry = source.lookup(path)
                if inner == "/" or entry is None:
                    continue
                target.put(inner, entry)
        except FsError:
            return

    def start(self, container: Container, stdin: bytes = b"", detach: bool = False) -> Completed:
        """Run the container's program through the runner. A program that the runner reports
        as still running (`Completed.running` set true, e.g. a daemon or `sleep`) leaves the
        container running when detached; otherwise it has exited with the program's code."""
        if container.running:
            return Completed(0)
        process = container.process(stdin=stdin)
        if not process.argv:
            raise ContainerError("no command specified")
        try:
            find_executable(container.fs, process.argv[0], process.env, process.cwd)
        except ExecNotFound:
            container.exit_code = 127
            raise
        container.started_at = self.clock.now()
        container.state = RUNNING
        completed = self._run(container, process)
        if detach and getattr(completed, "running", False):
            return completed
        self._finish(container, completed.exit_code)
        return completed

    def _run(self, container: Container, process: Any) -> Completed:
        if self.runner is None:
            raise ContainerError("no runner: this engine cannot run programs")
        return self.runner.run(container.fs, process)

    def _finish(self, container: Container, exit_code: int) -> None:
        container.state = EXITED
        container.exit_code = exit_code
        container.finished_at = self.clock.now()
        if container.auto_remove:
            self.remove_container(container, force=True, volumes=True)

    def run(
        self, image_ref: str, *, detach: bool = False, stdin: bytes = b"", **create: Any
    ) -> tuple[Container, Completed]:
        """`docker run` = create + start."""
        container = self.create_container(image_ref, **create)
        return container, self.start(container, stdin=stdin, detach=detach)

    def exec(
        self,
        container: Container,
        argv: Sequence[str],
        env: Sequence[str] = (),
        workdir: str | None = None,
        user: str | None = None,
        stdin: bytes = b"",
    ) -> Completed:
        """`docker exec`: only in a running container."""
        if not container.running:
            raise ContainerError(f"container {container.id} is not running")
        process = container.process(argv, env, workdir, user, stdin)
        find_executable(container.fs, process.argv[0], process.env, process.cwd)
        return self._run(container, process)

    def stop(self, container: Container, exit_code: int = STOP_EXIT_CODE) -> None:
        if container.running:
            self._finish(container, exit_code)

    def remove_container(
        self, container: Container, force: bool = False, volumes: bool = False
    ) -> None:
        """`docker rm` (`-f` stops first, `-v` removes its anonymous volumes)."""
        if container.running and not force:
            raise ContainerError(
                f'cannot remove container "/{container.name}": container is running: stop the '
                "container before removing or force remove"
            )
        self.containers.pop(container.id, None)
        if volumes:
            for mount in container.mounts:
                volume = self.volumes.volumes.get(mount.volume)
                if volume is not None and volume.anonymous and not self._volume_users(mount.volume):
                    del self.volumes.volumes[mount.volume]

    def _volume_users(self, name: str) -> list[str]:
        return [c.id for c in self.containers.values() if any(m.volume == name for m in c.mounts)]

    def remove_volume(self, name: str, force: bool = False) -> None:
        self.volumes.remove(name, self._volume_users(name), force)

    def prune_volumes(self, all_volumes: bool = False) -> tuple[list[str], int]:
        in_use = {m.volume for c in self.containers.values() for m in c.mounts}
        return self.volumes.prune(in_use, all_volumes)

    # --- images -----------------------------------------------------------------------------------
    def commit(
        self,
        container: Container,
        ref: str | None = None,
        message: str = "",
        author: str = "",
        changes: Mapping[str, Any] | None = None,
    ) -> Image:
        """`docker commit`: a new image whose parent is the container's image."""
        image = container.commit(message, author, changes, created=self.clock.now())
        return self.images.add(image, tags=[ref] if ref else [], parent=container.image_id)

    # --- images for builds ------------------------------------------------------------------------
    def resolve_image(self, ref: str) -> Image | None:
        """The image a build's `FROM` names: the store's, else the registry's (BuildKit pulls
        what is not local, moby builder-next containerimage ResolveImageConfig); None when
        neither has it. A pulled image stays out of `docker images`."""
        try:
            return self.images.get(ref)
        except StoreError:
            pass
        try:
            return self.fetch_image(ref).image
        except PullError:
            return None

    def fetch_image(self, ref: str) -> Fetched:
        """`ref` read from its registry into the build cache (raises `PullError`)."""
        fetched = fetch(self, ref)
        self.build_blobs.update(layer.digest for layer in fetched.image.layers)
        return fetched

    def remove_image(
        self, ref_or_id: str, force: bool = False, prune: bool = True
    ) -> list[tuple[str, str]]:
        return self.images.remove(ref_or_id, force, prune, list(self.containers.values()))

    def prune_images(self, all_images: bool = False) -> tuple[list[tuple[str, str]], int]:
        return self.images.prune(all_images, list(self.containers.values()))

    # --- disk usage -------------------------------------------------------------------------------
    def system_df(self) -> SystemDf:
        """moby system df: image sizes with the bytes of layers shared with other images."""
        store = self.images
        users = store.layer_users()
        sizes = {chain: layer.size for chain, layer in store.layers.items()}
        per_image_containers: dict[str, int] = {}
        for container in self.containers.values():
            per_image_containers[container.image_id] = (
                per_image_containers.get(container.image_id, 0) + 1
            )
        images = []
        for image_id in store.ordered_ids():
            image = store.images[image_id]
            shared = sum(sizes.get(c, 0) for c in image.chain_ids if users.get(c, 0) > 1)
            images.append(
                ImageUsage(
                    image_id,
                    tuple(store.repo_tags(image_id)),
                    image.created,
                    image.size,
                    shared,
                    per_image_containers.get(image_id, 0),
                )
            )
        containers = tuple(
            ContainerUsage(
                c.id, c.name, c.image_ref, c.command, c.created, c.state, c.size_rw, c.size_root_fs
            )
            for c in self.ordered_containers()
        )
        volumes = tuple(
            VolumeUsage(v.name, v.size, len(self._volume_users(v.name)))
            for v in self.volumes.listed()
        )
        return SystemDf(sum(sizes.values()), tuple(images), containers, volumes)
