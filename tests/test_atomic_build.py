"""`dist/` is replaced only by a fully successful build: a build killed at any moment (SIGKILL,
no clean-up code runs) leaves the previous `dist/` exactly as it was, or the new one complete.

The build runs in a child process that counts its own file system changes with a Python audit
hook (renames, removals, folders and files created, system calls made through ctypes) and kills
itself with SIGKILL just before the N-th one. A first run of the same build counts the changes;
then the build is killed half-way through, and before every single change of its publishing
step. Every file of `dist/` is hashed before and after. Nothing is timed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from box_course import lesson, write_course

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
TIMEOUT = 300  # seconds for one build: generous, never asserted on

# The child: `python -c CHILD PHASE KILL_AT COUNT_FILE pipeline-arguments...`. PHASE is "build"
# (count every change) or "publish" (count from the moment build() calls publish()).
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path

    phase, kill_at, count_file, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    MAIN = os.getpid()
    CHANGES = {
        "os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.link", "os.symlink",
        "os.truncate", "os.chmod", "os.utime", "shutil.rmtree", "shutil.copyfile",
        "shutil.copytree", "shutil.move", "ctypes.call_function",
    }
    state = {"on": phase == "build", "count": 0}

    def writes(args):
        mode, flags = args[1], args[2]
        if isinstance(mode, str):
            return any(c in mode for c in "wax+")
        return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND))

    def hook(event, args):
        if not state["on"] or os.getpid() != MAIN:
            return
        if event in CHANGES or (event == "open" and writes(args)):
            state["count"] += 1
            if state["count"] == kill_at:
                os.kill(MAIN, signal.SIGKILL)

    import pipeline.build
    from pipeline.cli import main

    if phase == "publish":
        original = pipeline.build.publish

        def publish(*args, **kwargs):
            state["on"] = True
            return original(*args, **kwargs)

        pipeline.build.publish = publish
    sys.addaudithook(hook)
    code = main(argv)
    state["on"] = False
    Path(count_file).write_text(str(state["count"]))
    sys.exit(code)
    """
)


def course(root: Path, sentence: str, broken: bool = False) -> Path:
    first = lesson("Packing a box", f"{sentence} Boxes hold things[1].")
    second = lesson("Unpacking a box", f"{sentence} Boxes hold things[1].")
    if broken:  # a second title: an error, so the build must fail
        second += "\n# Another title\n"
    return write_course(root, {"first-box": first, "second-box": second})


def run_build(
    source: Path, output: Path, cache: Path, phase: str = "build", kill_at: int = 0
) -> tuple[subprocess.CompletedProcess[str], int | None]:
    """The build in a child that kills itself before its `kill_at`-th change (0: never)."""
    count_file = cache.parent / f"{cache.name}.count"
    count_file.unlink(missing_ok=True)
    arguments = ["build", str(source), "-o", str(output), "--cache-dir", str(cache)]
    result = subprocess.run(
        [sys.executable, "-c", CHILD, phase, str(kill_at), str(count_file), *arguments]
        + ["--no-cache", "--jobs", "1"],
        cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    count = int(count_file.read_text()) if count_file.exists() else None
    return result, count


def hashes(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        found[name] = "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


class Builds:
    """An old `dist/` (course A, plus files the build does not make) and course B's sources."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.old_source = course(tmp / "a", "The first version.")
        self.new_source = course(tmp / "b", "The second version.")
        self.cache = tmp / "cache"
        self.output = tmp / "out" / "dist"
        self.output.mkdir(parents=True)
        (self.output / ".gitkeep").write_text("")
        (self.output / "notes.txt").write_text("not the build's: it stays\n")
        result, _ = run_build(self.old_source, self.output, self.cache)
        assert result.returncode == 0, result.stdout + result.stderr
        self.old = hashes(self.output)
        self.pristine = tmp / "pristine"
        shutil.copytree(self.output, self.pristine)
        # Unkilled runs of the new build over a copy of the old dist/ count the changes.
        result, self.changes = run_build(self.new_source, self.copy("counted"), self.cache)
        assert result.returncode == 0, result.stdout + result.stderr
        self.new = hashes(tmp / "counted" / "dist")
        published = self.copy("counted-publish")
        _, self.publish_changes = run_build(self.new_source, published, self.cache, "publish")
        assert hashes(published) == self.new

    def copy(self, name: str) -> Path:
        target = self.tmp / name / "dist"
        shutil.copytree(self.pristine, target)
        return target

    def reset(self) -> None:
        """`dist/` back to the old build, and nothing else in its parent folder."""
        shutil.rmtree(self.output.parent)
        self.output.parent.mkdir()
        shutil.copytree(self.pristine, self.output)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("atomic"))


def test_the_two_builds_differ_and_keep_files_they_do_not_make(builds: Builds) -> None:
    assert builds.old != builds.new
    assert builds.old["notes.txt"] == builds.new["notes.txt"]
    assert ".gitkeep" in builds.new and "site/index.html" in builds.new
    assert builds.changes and builds.publish_changes


def test_a_build_killed_half_way_leaves_the_previous_dist_intact(builds: Builds) -> None:
    builds.reset()
    assert builds.changes is not None
    result, count = run_build(
        builds.new_source, builds.output, builds.cache, "build", builds.changes // 2
    )
    assert result.returncode == -signal.SIGKILL and count is None
    assert hashes(builds.output) == builds.old


def test_a_build_killed_at_any_step_of_publishing_leaves_old_or_new(builds: Builds) -> None:
    assert builds.publish_changes is not None
    outcomes = []
    for step in range(1, builds.publish_changes + 1):
        builds.reset()
        result, _ = run_build(builds.new_source, builds.output, builds.cache, "publish", step)
        assert result.returncode == -signal.SIGKILL, step
        found = hashes(builds.output) if builds.output.exists() else {}
        assert found in (builds.old, builds.new), (step, sorted(set(found) ^ set(builds.old)))
        outcomes.append("old" if found == builds.old else "new")
    # Killed before the switch the old dist/ stays; after it, the new one is complete.
    assert outcomes[0] == "old" and outcomes[-1] == "new", outcomes
    assert outcomes == sorted(outcomes, key=("old", "new").index), outcomes


def test_publishing_without_an_atomic_exchange_still_gives_the_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where renameat2 is missing, each entry is replaced on its own: the result is the same."""
    from pipeline import build, swap

    output, staging = tmp_path / "dist", tmp_path / ".dist.build-1-x"
    (output / "site").mkdir(parents=True)
    (output / "site" / "old.html").write_text("old")
    (output / "cards.json").write_text("old")
    (output / ".gitkeep").write_text("")
    (staging / "site").mkdir(parents=True)
    (staging / "site" / "new.html").write_text("new")
    (staging / "cards.json").write_text("new")
    (staging / "unregistered.tmp").write_text("a stage's leftover")
    monkeypatch.setattr(swap, "exchange", lambda first, second: False)
    published = build.publish(staging, output, ["cards.json", "site"])
    assert published == [output / "cards.json", output / "site"]
    assert sorted(hashes(output)) == [".gitkeep", "cards.json", "site", "site/new.html"]
    assert (output / "cards.json").read_text() == "new"


def test_the_exchange_swaps_two_folders(tmp_path: Path) -> None:
    from pipeline import swap

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "in-a").write_text("a")
    (tmp_path / "b").mkdir()
    if not swap.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this system has no renameat2 RENAME_EXCHANGE")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["in-a"]
    assert list((tmp_path / "a").iterdir()) == []
    with pytest.raises(FileNotFoundError):
        swap.exchange(tmp_path / "a", tmp_path / "missing")


def test_the_next_build_after_a_kill_succeeds_and_clears_what_the_killed_one_left(
    builds: Builds,
) -> None:
    builds.reset()
    assert builds.changes is not None
    killed, _ = run_build(
        builds.new_source, builds.output, builds.cache, "build", builds.changes - 1
    )
    assert killed.returncode == -signal.SIGKILL
    result, _ = run_build(builds.new_source, builds.output, builds.cache)
    assert result.returncode == 0, result.stdout + result.stderr
    assert hashes(builds.output) == builds.new
    assert sorted(p.name for p in builds.output.parent.iterdir()) == ["dist"]


def test_a_failing_build_leaves_the_previous_dist_intact(builds: Builds) -> None:
    builds.reset()
    broken = course(builds.tmp / "broken", "A broken version.", broken=True)
    result, _ = run_build(broken, builds.output, builds.cache)
    assert result.returncode == 1
    assert "[multiple-titles]" in result.stdout and "left unchanged" in result.stderr
    assert hashes(builds.output) == builds.old
    assert sorted(p.name for p in builds.output.parent.iterdir()) == ["dist"]
