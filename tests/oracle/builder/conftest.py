"""Fixtures for the builder tests: an engine with two small base images and a stand-in Runner.

The stand-in interprets a handful of commands (echo/printf with `>`/`>>`, touch, rm, mkdir, chmod,
truncate, cat, true/false/exit, `&&`, `;`) through the FileSystem API only, so the builder can be
tested before and independently of the real scenario shell (pipeline/oracle/shell/).
"""

from __future__ import annotations

import itertools
import re
import shlex

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.engine import Engine
from pipeline.oracle.filesystem import Tree, UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.image import HistoryEntry, Image, ImageConfig
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.process import Completed, Process

BASE_CREATED = "2024-01-01T00:00:00Z"


class StubRunner:
    """Runs `/bin/sh -c <script>` (and exec-form commands) on a FileSystem."""

    def __init__(self) -> None:
        self.calls: list[Process] = []

    def run(self, fs: FileSystem, process: Process) -> Completed:
        self.calls.append(process)
        argv = process.argv
        if argv[:2] == ["/bin/sh", "-c"]:
            return self.script(fs, argv[2], process)
        return self.command(fs, list(argv), process)

    def script(self, fs: FileSystem, text: str, process: Process) -> Completed:
        out, err = b"", b""
        for sequence in text.replace("\n", ";").split(";"):
            for part in sequence.split("&&"):
                words = [_expand(w, process.env) for w in shlex.split(part)]
                if not words:
                    continue
                result = self.command(fs, words, process)
                out, err = out + result.stdout, err + result.stderr
                if result.exit_code:
                    return Completed(result.exit_code, out, err)
        return Completed(0, out, err)

    def command(self, fs: FileSystem, words: list[str], process: Process) -> Completed:
        target, append = None, False
        if len(words) >= 2 and words[-2] in (">", ">>"):
            target, append, words = words[-1], words[-2] == ">>", words[:-2]
        name, args = words[0].rsplit("/", 1)[-1], words[1:]
        path = lambda p: p if p.startswith("/") else process.cwd.rstrip("/") + "/" + p  # noqa: E731
        output = b""
        try:
            if name == "echo":
                output = (" ".join(args) + "\n").encode()
            elif name == "printf":
                output = args[0].encode().decode("unicode_escape").encode()
            elif name == "cat":
                output = b"".join(fs.read(path(a)) for a in args)
            elif name == "touch":
                for a in args:
                    fs.touch(path(a))
            elif name == "rm":
                for a in [a for a in args if not a.startswith("-")]:
                    fs.remove(path(a), recursive="-rf" in args or "-r" in args)
            elif name == "mkdir":
                for a in [a for a in args if not a.startswith("-")]:
                    fs.mkdir(path(a), parents="-p" in args)
            elif name == "chmod":
                mode = args[0]
                for a in args[1:]:
                    current = fs.stat(path(a)).mode
                    fs.chmod(path(a), current | 0o111 if mode == "+x" else int(mode, 8))
            elif name == "truncate":
                size = int(args[1].rstrip("M")) * (1 << 20 if args[1].endswith("M") else 1)
                fs.truncate(path(args[2]), size)
            elif name in ("true", "ls"):
                pass
            elif name == "false":
                return Completed(1)
            elif name == "exit":
                return Completed(int(args[0]) if args else 0)
            elif name == "env":
                output = "".join(f"{k}={v}\n" for k, v in process.env.items()).encode()
            else:
                return Completed(127, b"", f"sh: {name}: not found\n".encode())
        except FsError as error:
            return Completed(1, b"", f"{name}: {error}\n".encode())
        if target is not None:
            fs.write(path(target), output, append=append)
            output = b""
        return Completed(0, output)


def _expand(word: str, env: dict[str, str]) -> str:
    """`$NAME` and `${NAME}`, unset names as "" (enough shell for these tests)."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m[1] or m[2], ""), word)


def base_image(name: str, extra: dict[str, bytes] | None = None, cmd: str = "sh") -> Image:
    """A small busybox-like image: one layer (a shell, passwd, group), ADD + CMD history."""
    changes = ChangeSet()
    for directory in ("/bin", "/etc", "/tmp", "/root"):
        changes.add(directory, Entry.dir(mtime=1))
    for program in ("sh", "ls"):
        binary = Content.of(b"\x7fELF" + f"{name} {program}".encode())
        changes.add(f"/bin/{program}", Entry.file(binary, 0o755, mtime=1))
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
def runner() -> StubRunner:
    return StubRunner()


@pytest.fixture
def engine(runner: StubRunner) -> Engine:
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
