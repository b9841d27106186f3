"""The build stamp: what the last successful build read and wrote, so an unchanged one is skipped.

A build's outputs depend on the files under its source (lessons, manifests, images; their
modification times too, which the Anki export uses outside git), the git commit (note change
times), the options and environment, and the pipeline's and the oracle's code. The stamp
records a digest of all of those, plus the size and modification time of every file the build
published. When both still match, every output is already what a build would write, so the
build replays the recorded diagnostics instead. Like make and git's index, a file counts as
unchanged when its size and nanosecond modification time are; anything unreadable, a corrupt
stamp or a touched output means a full build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.atomic_file import write_atomically
from pipeline.diagnostics import Diagnostic
from pipeline.lesson_cache import pipeline_fingerprint
from pipeline.scenario_cache import oracle_fingerprint, project_root

ENVIRONMENT = ("PIPELINE_SITE_URL", "SOURCE_DATE_EPOCH")  # read by stages besides the options


@dataclass
class Stamp:
    inputs: str
    outputs: str
    names: list[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # published files' keys (see reuse)


def stamp_path(cache: Path, output: Path) -> Path:
    """One stamp per output folder, in the lesson cache (never inside the output)."""
    name = hashlib.sha256(str(output.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return cache / "builds" / f"{name[:32]}.pickle"


def inputs_digest(source: Path, options: tuple[object, ...]) -> str:
    digest = hashlib.sha256(repr(options).encode())
    digest.update(pipeline_fingerprint().encode() + oracle_fingerprint().encode())
    for name in ENVIRONMENT:
        digest.update(f"{name}={os.environ.get(name)!r}\0".encode())
    digest.update(_git_head(source).encode() + b"\0")
    digest.update(tree_digest(source, skip_hidden=True).encode())
    return digest.hexdigest()


def tree_digest(root: Path, names: list[str] | None = None, *, skip_hidden: bool = False) -> str:
    """Every file's path, size and modification time under `root` (or its entries `names`)."""
    digest = hashlib.sha256()
    tops = [root / name for name in names] if names is not None else [root]
    for top in tops:
        for path, stat in _walk(top, skip_hidden):
            entry = f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_mode}\n"
            digest.update(entry.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _walk(top: Path, skip_hidden: bool):
    try:
        stat = top.stat()
    except OSError:
        yield top, os.stat_result((0,) * 10)  # a missing entry hashes differently from a file
        return
    if not top.is_dir():
        yield top, stat
        return
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        if skip_hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        for name in sorted(files):
            path = os.path.join(folder, name)  # strings: 15,000 Path objects cost 0.2 s
            yield path, os.stat(path)


def _git_head(source: Path) -> str:
    """The commit the Anki export's change times come from ("" outside git)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=project_root(source),
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def load(path: Path) -> Stamp | None:
    try:
        stamp = pickle.loads(path.read_bytes())
    except Exception:  # missing or corrupt: build
        return None
    if not isinstance(stamp, Stamp) or not isinstance(getattr(stamp, "keys", None), dict):
        return None  # another version's stamp
    return stamp


def save(path: Path, stamp: Stamp) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, pickle.dumps(stamp, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a stamp that cannot be written only costs the next build its shortcut
