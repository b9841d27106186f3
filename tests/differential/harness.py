"""Build Dockerfiles with real OCI tools and reduce the result to a comparable, normalised shape.

buildah (vfs storage, chroot isolation) builds, `buildah push` writes an OCI layout, `skopeo inspect
--config` reads the image config and `umoci unpack` materialises the union file system (whiteouts
applied). Everything buildah adds on its own (default PATH, its version label, the empty mount
points of RUN steps) is removed, so what is left can be compared with the oracle engine. README.md
in this folder records what works in the sandbox and where buildah differs from BuildKit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import struct
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

# What buildah writes into every image that the Dockerfile did not ask for.
DEFAULT_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BUILDAH_VERSION_LABEL = "io.buildah.version"
MOUNT_POINT_DIRS = ("/dev", "/proc", "/sys", "/run")
MOUNT_POINT_FILES = ("/etc/hosts", "/etc/hostname", "/etc/resolv.conf")
# DiffID of an empty tar (1024 zero bytes): the layer of a step that changed nothing.
EMPTY_LAYER_DIFF_ID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
BUSYBOX = Path("/bin/busybox")
# The preamble every generated Dockerfile starts with: a static busybox and /bin/sh so RUN works.
BUSYBOX_PREAMBLE = "FROM scratch\nCOPY bin /bin\n"
PREAMBLE_STEPS = 2

_STEP = re.compile(r"^STEP (\d+)/(\d+): ")
_USING_CACHE = "--> Using cache"


class BuildahError(RuntimeError):
    """A buildah/skopeo/umoci command failed; the message carries its output."""


@dataclass(frozen=True)
class Symlink:
    target: str


@dataclass(frozen=True)
class File:
    data: bytes
    mode: int = 0o644


ContextEntry = bytes | File | Symlink
Context = Mapping[str, ContextEntry]


class Entry(NamedTuple):
    """One path of an unpacked root file system; `content` is a sha256 or a symlink target."""

    kind: str  # "file" | "dir" | "symlink" | "other"
    mode: int  # permission bits incl. setuid/setgid/sticky
    uid: int | None  # None when the unpack could not keep ownership (non-root, --rootless)
    gid: int | None
    size: int  # bytes of a file, length of a symlink target, 0 for a directory
    content: str | None

    def to_json(self) -> dict[str, Any]:
        return {**self._asdict(), "mode": f"{self.mode:04o}"}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        return cls(**{**data, "mode": int(data["mode"], 8)})


class HistoryEntry(NamedTuple):
    created_by: str
    empty_layer: bool


Tree = dict[str, Entry]


@dataclass(frozen=True)
class OciImage:
    """An image read back from an OCI layout, normalised for comparison."""

    image_id: str  # config digest
    diff_ids: tuple[str, ...]
    history: tuple[HistoryEntry, ...]
    config: dict[str, Any]
    tree: Tree

    @property
    def layer_count(self) -> int:
        return len(self.diff_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "image_id": self.image_id,
            "diff_ids": list(self.diff_ids),
            "history": [h._asdict() for h in self.history],
            "config": self.config,
            "tree": {path: entry.to_json() for path, entry in sorted(self.tree.items())},
        }

    @staticmethod
    def fields_from_json(data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "image_id": data["image_id"],
            "diff_ids": tuple(data["diff_ids"]),
            "history": tuple(HistoryEntry(**h) for h in data["history"]),
            "config": data["config"],
            "tree": {path: Entry.from_json(e) for path, e in data["tree"].items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OciImage:
        return cls(**cls.fields_from_json(data))


@dataclass(frozen=True)
class BuildahImage(OciImage):
    """An image built by buildah, with the steps its build log reported as cached."""

    cached_steps: tuple[int, ...] = ()  # 1-based `STEP i/n` numbers; FROM is step 1
    step_count: int = 0
    log: str = field(default="", compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "cached_steps": list(self.cached_steps),
            "step_count": self.step_count,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BuildahImage:
        return cls(
            **cls.fields_from_json(data),
            cached_steps=tuple(data["cached_steps"]),
            step_count=data["step_count"],
        )


# --- storage and commands ------------------------------------------------------------------------


@dataclass(frozen=True)
class Storage:
    """A private buildah store (vfs: works without overlay mounts or fuse in a container)."""

    directory: Path

    def buildah(self, *args: str | Path) -> list[str]:
        return [
            "buildah",
            "--root",
            str(self.directory / "storage"),
            "--runroot",
            str(self.directory / "run"),
            "--storage-driver",
            "vfs",
            *map(str, args),
        ]


def _run(command: list[str]) -> str:
    # chroot isolation: the default (oci) needs runc/crun, which --no-install-recommends leaves out.
    env = {**os.environ, "BUILDAH_ISOLATION": "chroot", "LC_ALL": "C"}
    done = subprocess.run(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    if done.returncode != 0:
        raise BuildahError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}")
    return done.stdout


# --- context -------------------------------------------------------------------------------------


def static_busybox(path: Path = BUSYBOX) -> bytes:
    """The busybox binary, refusing a dynamically linked one (it cannot run in a scratch image)."""
    data = path.read_bytes()
    if _has_interpreter(data):
        raise BuildahError(f"{path} is dynamically linked; install busybox-static")
    return data


def _has_interpreter(elf: bytes) -> bool:
    """True if a 64-bit little-endian ELF has a PT_INTERP program header (dynamic linking)."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise BuildahError("busybox is not a 64-bit little-endian ELF executable")
    (phoff,) = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    pt_interp = 3
    return any(
        struct.unpack_from("<I", elf, phoff + i * phentsize)[0] == pt_interp for i in range(phnum)
    )


def busybox_context(context: Context, busybox: bytes | None = None) -> dict[str, ContextEntry]:
    """`context` plus `bin/busybox` and the `bin/sh` symlink that BUSYBOX_PREAMBLE copies."""
    tools = {"bin/busybox": File(busybox or static_busybox(), 0o755), "bin/sh": Symlink("busybox")}
    clash = tools.keys() & context.keys()
    if clash:
        raise ValueError(f"context paths reserved for busybox: {sorted(clash)}")
    return {**tools, **context}


def with_busybox(body: str) -> str:
    """A Dockerfile: FROM scratch, COPY of busybox + /bin/sh (one layer), then `body`."""
    return BUSYBOX_PREAMBLE + body.strip("\n") + "\n"


def write_context(context: Context, directory: Path) -> None:
    """Materialise a build context; modes are set explicitly so the umask cannot leak in."""
    directory.mkdir(parents=True)
    for name, entry in sorted(context.items()):
        path = directory / name
        for parent in reversed(path.relative_to(directory).parents[:-1]):
            (directory / parent).mkdir(mode=0o755, exist_ok=True)
            os.chmod(directory / parent, 0o755)
        if isinstance(entry, Symlink):
            path.symlink_to(entry.target)
            continue
        file = entry if isinstance(entry, File) else File(entry)
        path.write_bytes(file.data)
        os.chmod(path, file.mode)


# --- build ---------------------------------------------------------------------------------------


def buildah_build(
    context: Context,
    dockerfile: str,
    workdir: Path,
    tag: str = "t",
    storage: Storage | None = None,
    *,
    strip_buildah_additions: bool = True,
) -> BuildahImage:
    """Build `dockerfile` over `context` (used as given: add busybox with busybox_context).

    The build runs in `storage` (default: a store under `workdir`), under `workdir/build-<tag>`,
    which is removed afterwards; the image stays in the store, tagged `tag`, for the cache."""
    storage = storage or Storage(workdir / "buildah")
    build_dir = _fresh_dir(workdir / f"build-{tag}")
    write_context(context, build_dir / "context")
    (build_dir / "Dockerfile").write_text(dockerfile)
    log = _run(
        storage.buildah(
            "bud",
            "--isolation",
            "chroot",
            "--layers",
            "--timestamp",
            "0",
            "-f",
            build_dir / "Dockerfile",
            "-t",
            tag,
            build_dir / "context",
        )
    )
    layout = build_dir / "oci"
    _run(storage.buildah("push", tag, f"oci:{layout}:{tag}"))
    image = inspect_oci_layout(layout, tag, strip_buildah_additions=strip_buildah_additions)
    shutil.rmtree(build_dir)
    cached, steps = cached_steps(log)
    return BuildahImage(**vars(image), cached_steps=cached, step_count=steps, log=log)


def rebuild(
    before: Context,
    after: Context,
    dockerfile: str,
    workdir: Path,
    tag: str = "t",
    storage: Storage | None = None,
) -> tuple[BuildahImage, BuildahImage]:
    """Build over `before`, then again over `after` in the same store: which steps stay cached?"""
    storage = storage or Storage(workdir / "buildah")
    first = buildah_build(before, dockerfile, workdir, tag, storage)
    second = buildah_build(after, dockerfile, workdir, f"{tag}-rebuilt", storage)
    return first, second


def cached_steps(log: str) -> tuple[tuple[int, ...], int]:
    """The `STEP i/n` numbers followed by `--> Using cache`, and n."""
    cached: list[int] = []
    current, total = 0, 0
    for line in log.splitlines():
        if match := _STEP.match(line):
            current, total = int(match[1]), int(match[2])
        elif line.startswith(_USING_CACHE) and current not in cached:
            cached.append(current)
    return tuple(cached), total


def _fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# --- reading an OCI layout -----------------------------------------------------------------------


def inspect_oci_layout(
    layout: Path, tag: str, *, strip_buildah_additions: bool = False
) -> OciImage:
    """Read config/history with skopeo and the union file system with umoci from an OCI layout."""
    config = json.loads(_run(["skopeo", "inspect", "--config", f"oci:{layout}:{tag}"]))
    bundle = layout.parent / f"{layout.name}-bundle"
    if bundle.exists():
        shutil.rmtree(bundle)
    # Plain unpack keeps ownership but needs root; --rootless maps every file to the caller.
    rootless = ["--rootless"] if os.geteuid() != 0 else []
    _run(["umoci", "unpack", *rootless, "--image", f"{layout}:{tag}", str(bundle)])
    tree = read_tree(bundle / "rootfs", keep_ownership=not rootless)
    shutil.rmtree(bundle)
    if strip_buildah_additions:
        tree = strip_mount_points(tree)
    return OciImage(
        image_id=config_digest(layout, tag),
        diff_ids=tuple(config.get("rootfs", {}).get("diff_ids", [])),
        history=tuple(
            HistoryEntry(h.get("created_by", ""), bool(h.get("empty_layer", False)))
            for h in config.get("history", [])
        ),
        config=normalise_config(config, strip_buildah_additions=strip_buildah_additions),
        tree=tree,
    )


def config_digest(layout: Path, tag: str) -> str:
    """The image ID: the digest of the config blob named by the manifest tagged `tag`."""
    index = json.loads((layout / "index.json").read_text())
    for descriptor in index["manifests"]:
        if descriptor.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            algorithm, digest = descriptor["digest"].split(":")
            manifest = json.loads((layout / "blobs" / algorithm / digest).read_text())
            return manifest["config"]["digest"]
    raise BuildahError(f"{layout} has no manifest tagged {tag!r}")


def normalise_config(image_config: Mapping[str, Any], *, strip_buildah_additions: bool) -> dict:
    """The runtime config fields a Dockerfile controls, in a stable JSON shape."""
    config = image_config.get("config") or {}
    env = list(config.get("Env") or [])
    labels = dict(config.get("Labels") or {})
    if strip_buildah_additions:
        env = [e for e in env if e != DEFAULT_PATH_ENV]
        labels.pop(BUILDAH_VERSION_LABEL, None)
    return {
        "Env": env,
        "Cmd": config.get("Cmd"),
        "Entrypoint": config.get("Entrypoint"),
        "WorkingDir": config.get("WorkingDir", ""),
        "User": config.get("User", ""),
        "Labels": labels,
        "ExposedPorts": sorted(config.get("ExposedPorts") or {}),
        "Volumes": sorted(config.get("Volumes") or {}),
    }


def read_tree(root: Path, *, keep_ownership: bool = True) -> Tree:
    """Every path under `root` (absolute, `/`-rooted; the root itself left out)."""
    tree: Tree = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory) / name
            tree["/" + path.relative_to(root).as_posix()] = _entry(path, keep_ownership)
    return tree


def _entry(path: Path, keep_ownership: bool) -> Entry:
    info = path.lstat()
    uid, gid = (info.st_uid, info.st_gid) if keep_ownership else (None, None)
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        return Entry("symlink", mode, uid, gid, len(os.fsencode(target)), target)
    if stat.S_ISDIR(info.st_mode):
        return Entry("dir", mode, uid, gid, 0, None)
    if stat.S_ISREG(info.st_mode):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return Entry("file", mode, uid, gid, info.st_size, digest)
    return Entry("other", mode, uid, gid, 0, None)


def strip_mount_points(tree: Tree) -> Tree:
    """Drop what a RUN under buildah leaves behind: empty mount-point dirs and /etc files."""
    result = dict(tree)
    for path in MOUNT_POINT_FILES:
        entry = result.get(path)
        if entry and entry.kind == "file" and entry.size == 0:
            del result[path]
    for path in (*MOUNT_POINT_DIRS, "/etc"):
        entry = result.get(path)
        if entry and entry.kind == "dir" and not _children(result, path):
            del result[path]
    return result


def _children(tree: Tree, directory: str) -> list[str]:
    prefix = directory.rstrip("/") + "/"
    return [p for p in tree if p.startswith(prefix)]


# --- reading buildah's history -------------------------------------------------------------------

_NOP = re.compile(r"^/bin/sh -c #\(nop\) +([A-Z]+)\b")


def instruction_of(created_by: str) -> str:
    """The Dockerfile instruction behind a buildah (classic-builder style) `created_by`."""
    if match := _NOP.match(created_by):
        return match[1]
    return "RUN"  # `/bin/sh -c <cmd>` or `|N K=V … /bin/sh -c <cmd>`


def redact(tree: Tree, digests: Mapping[str, str]) -> Tree:
    """Name known binaries instead of hashing them (busybox -> "<busybox>", size 0), so that a
    recording does not depend on the exact busybox build installed."""
    return {
        path: entry._replace(content=digests[entry.content], size=0)
        if entry.kind == "file" and entry.content in digests
        else entry
        for path, entry in tree.items()
    }
