"""Fixtures for the builder tests: an engine with two small busybox-style base images whose
RUN steps run in the real scenario shell (pipeline/oracle/shell/), and a build context."""

from __future__ import annotations

import itertools

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.engine import Engine
from pipeline.oracle.filesystem import Tree, UnionFileSystem
from pipeline.oracle.fsapi import FileSystem
from pipeline.oracle.image import HistoryEntry, Image, ImageConfig
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.process import Completed, Process
from pipeline.oracle.shell import ShellRunner

BASE_CREATED = "2024-01-01T00:00:00Z"


class RecordingRunner:
    """The real scenario shell (`ShellRunner`), remembering every process it was given."""

    def __init__(self) -> None:
        self.shell = ShellRunner()
        self.calls: list[Process] = []

    def run(self, fs: FileSystem, process: Process) -> Completed:
        self.calls.append(process)
        return self.shell.run(fs, process)


APPLETS = ("sh", "ls", "echo", "printf", "cat", "touch", "rm", "mkdir", "chmod", "truncate",
           "env", "true", "false", "id")  # fmt: skip


def base_image(name: str, extra: dict[str, bytes] | None = None, cmd: str = "sh") -> Image:
    """A small busybox-like image: one layer (a shell, passwd, group), ADD + CMD history."""
    changes = ChangeSet()
    for directory in ("/bin", "/etc", "/tmp", "/root"):
        changes.add(directory, Entry.dir(mtime=1))
    binary = Content.of(b"\x7fELF" + name.encode())
    changes.add("/bin/busybox", Entry.file(binary, 0o755, mtime=1))
    for applet in APPLETS:  # busybox-style: every program is a link to one binary
        changes.add(f"/bin/{applet}", Entry.symlink("busybox", mtime=1))
    changes.add("/etc/passwd", Entry.file(b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/:\n"))
    changes.add("/etc/group", Entry.file(b"root:x:0:\napp:x:1000:\n"))
    for path, data in (extra or {}).items():
        changes.add(path, Entry.file(data, mtime=1))
    history = (
        HistoryEntry(BASE_CREATED, f"/bin/sh -c #(nop) ADD file:{name} in / "),
        HistoryEntry(BASE_CREATED, f'/bin/sh -c #(nop)  CMD ["{cmd}"]', empty_layer=True),
    )
    config = ImageConfig(
        config={"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "Cmd": [cmd]},
        history=history,
        created=BASE_CREATED,
    )  # fmt: skip
    return Image(config, [Layer(changes)])


@pytest.fixture
def runner() -> RecordingRunner:
    return RecordingRunner()


@pytest.fixture
def engine(runner: RecordingRunner) -> Engine:
    engine = Engine(runner=runner)
    for name in ("busybox", "alpine"):
        image = base_image(name)
        engine.images.add(image, tags=[f"{name}:latest"],
                          repo_digests=[f"{name}@{image.manifest_digest()}"])  # fmt: skip
    return engine


def write(fs: FileSystem, files: dict[str, str | bytes]) -> FileSystem:
    for path, data in files.items():
        full = "/" + path.lstrip("/")
        parent = full.rsplit("/", 1)[0]
        if parent and not fs.exists(parent):
            fs.mkdir(parent, parents=True)
        fs.write(full, data.encode() if isinstance(data, str) else data)
    return fs


@pytest.fixture
def context():
    """A build context (the scenario's host directory) from {path: content}; call it again on
    the same context to change files."""
    fs = UnionFileSystem(upper=Tree(), clock=itertools.count(1_700_000_000).__next__)
    return lambda files=None: write(fs, files or {})
