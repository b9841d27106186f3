"""The oracle engine's side of the differential tests: build a generated Case with
`pipeline.oracle.builder`, reduce the image to the harness's normalised shape, and write it as an
OCI layout for skopeo/umoci.

RUN needs a Runner. The scenario shell (pipeline/oracle/shell) has no Runner yet, so
`GeneratedCommands` interprets exactly the commands generator.py writes (mkdir, echo > file, rm,
chmod, touch, ln -s, true, `$(id -u)`, `$VAR`) through the FileSystem API, the way busybox does
them (files 0644, directories 0755 under umask 022, new paths owned by the RUN's uid and gid 0).
It refuses anything else, so a generator change cannot silently run through a wrong stand-in.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from differential.generator import Case
from differential.harness import (
    Context,
    Entry,
    File,
    HistoryEntry,
    OciImage,
    Symlink,
    Tree,
    normalise_config,
)
from pipeline.oracle.builder import build
from pipeline.oracle.engine import Engine
from pipeline.oracle.filesystem import Tree as LayerTree
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.image import Image
from pipeline.oracle.layout import oci_layout
from pipeline.oracle.process import Completed, Process

TAG = "t"
# BuildKit counts these in `[i/n]` (FROM scratch is not counted; FROM <image> is).
VERTEX_INSTRUCTIONS = ("RUN", "COPY", "ADD", "WORKDIR")
_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


class UnsupportedCommand(Exception):
    pass


class GeneratedCommands:
    """A Runner for `/bin/sh -c <script>` where the script is `cmd && cmd ...` of generator.py."""

    def run(self, fs: FileSystem, process: Process) -> Completed:
        if process.argv[:2] != ["/bin/sh", "-c"] or len(process.argv) != 3:
            raise UnsupportedCommand(f"not a shell-form RUN: {process.argv}")
        uid = int(process.user.split(":")[0]) if process.user not in ("", "root") else 0
        script = process.argv[2].replace("$(id -u)", str(uid))
        for part in script.split("&&"):
            try:
                _command(fs, _words(part, process.env), process.cwd, uid)
            except FsError as error:
                return Completed(1, b"", f"sh: {error}\n".encode())
        return Completed(0)


def _words(text: str, env: dict[str, str]) -> list[str]:
    expanded = _VAR.sub(lambda m: env.get(m[1] or m[2], ""), text)
    return shlex.split(expanded)


def _command(fs: FileSystem, words: list[str], cwd: str, uid: int) -> None:
    def path(p: str) -> str:
        return p if p.startswith("/") else f"{cwd.rstrip('/')}/{p}"

    def created(p: str) -> None:  # a RUN's new paths belong to its user (no passwd: gid 0)
        if uid != 0:
            fs.chown(p, uid, 0)

    name, args = words[0], words[1:]
    if name == "true" and not args:
        return
    if name == "echo" and len(args) >= 2 and args[-2] == ">":
        target = path(args[-1])
        new = not fs.exists(target)
        fs.write(target, (" ".join(args[:-2]) + "\n").encode())
        if new:
            created(target)
    elif name == "mkdir" and args[:1] == ["-p"]:
        for p in args[1:]:
            fs.mkdir(path(p), 0o755, parents=True)
    elif name == "mkdir" and args[:1] == ["-m"] and len(args) == 3:
        fs.mkdir(path(args[2]), 0o755)
        fs.chmod(path(args[2]), int(args[1], 8))  # -m is applied without the umask
    elif name == "rm":
        recursive = args[:1] == ["-rf"]
        for p in args[1:] if recursive else args:
            fs.remove(path(p), recursive=recursive)
    elif name == "chmod" and len(args) == 2:
        fs.chmod(path(args[1]), int(args[0], 8))
    elif name == "touch" and len(args) == 1:
        fs.touch(path(args[0]))
    elif name == "ln" and args[:1] == ["-s"] and len(args) == 3:
        fs.symlink(args[1], path(args[2]))
    else:
        raise UnsupportedCommand(f"generator.py does not write {words!r}")


# --- building ------------------------------------------------------------------------------------


def engine_context(context: Context) -> UnionFileSystem:
    """The build context as the engine's host-side file system."""
    fs = UnionFileSystem(upper=LayerTree())
    for name, entry in sorted(context.items()):
        path = "/" + name
        parent = path.rsplit("/", 1)[0]
        if parent and not fs.exists(parent):
            fs.mkdir(parent, 0o755, parents=True)
        if isinstance(entry, Symlink):
            fs.symlink(entry.target, path)
            continue
        file = entry if isinstance(entry, File) else File(entry)
        fs.write(path, file.data)
        fs.chmod(path, file.mode)
    return fs


@dataclass(frozen=True)
class EngineBuild:
    image: Image
    normalised: OciImage
    cached_steps: tuple[int, ...]  # Dockerfile step numbers (FROM = 1) of CACHED vertices


def engine_rebuild(case: Case) -> tuple[EngineBuild, EngineBuild]:
    """Build the case, then rebuild it after its source change on the same engine (same cache)."""
    engine = Engine(runner=GeneratedCommands())
    first = _build(engine, case, case.full_context())
    return first, _build(engine, case, case.changed_context())


def _build(engine: Engine, case: Case, context: Context) -> EngineBuild:
    result = build(engine, engine_context(context), dockerfile_text=case.dockerfile, tags=[TAG])
    steps = vertex_steps(case.instructions)
    cached = tuple(
        steps[int(m[1]) - 1]
        for vertex in result.vertices
        if vertex.kind == "step" and vertex.cached and (m := re.match(r"\[ *(\d+)/", vertex.name))
    )
    return EngineBuild(result.image, normalise_image(result.image), cached)


def vertex_steps(instructions: list[str]) -> list[int]:
    """Dockerfile step numbers of BuildKit's `[i/n]` vertices, in order (index i - 1)."""
    return [
        number
        for number, line in enumerate(instructions, start=1)
        if line.split()[0].upper() in VERTEX_INSTRUCTIONS
        or (line.split()[0].upper() == "FROM" and line.split()[1] != "scratch")
    ]


def normalise_image(image: Image) -> OciImage:
    """The engine's image in the harness's shape (nothing stripped: it adds nothing)."""
    document = json.loads(image.config_bytes)
    history = tuple(
        HistoryEntry(h.get("created_by", ""), bool(h.get("empty_layer", False)))
        for h in document.get("history", [])
    )
    return OciImage(
        image_id=image.id,
        diff_ids=tuple(image.diff_ids),
        history=history,
        config=normalise_config(document, strip_buildah_additions=False),
        tree=union_tree(image.rootfs()),
    )


def union_tree(fs: FileSystem) -> Tree:
    tree: Tree = {}
    for path, info in fs.walk("/"):
        if path == "/":
            continue
        if info.kind == "file":
            content: str | None = fs.content(path).sha256()
        else:
            content = info.target
        tree[path] = Entry(info.kind, info.mode, info.uid, info.gid, info.size, content)
    return tree


# --- OCI layout export ---------------------------------------------------------------------------


def write_oci_layout(image: Image, layout: Path, tag: str = TAG) -> None:
    """The engine's image as an OCI image layout, written by the engine's own exporter
    (`pipeline.oracle.layout.oci_layout`)."""
    oci_layout([(image, [tag])]).write_dir(layout)
