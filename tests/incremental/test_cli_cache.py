"""`pipeline check` and `build` use the lesson cache from the command line, and say the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.cli import lesson_cache_dir
from pipeline.lesson_cache import LESSONS_PACK
from pipeline.pack import Pack

ROOT = Path(__file__).resolve().parents[2]


def run(*args: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipeline", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_check_twice_reads_from_the_cache_and_says_the_same(course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run("check", course, "--cache-dir", cache, "--jobs", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    lesson_files = [p for p in course.rglob("*.md") if p.name != "README.md"]
    assert len(stored(cache, course)) == len(lesson_files)
    second = run("check", course, "--cache-dir", cache)
    uncached = run("check", course, "--cache-dir", cache, "--no-cache", "--jobs", "1")
    assert first.stdout == second.stdout == uncached.stdout
    assert "checked 80 lessons" in first.stdout


def stored(cache: Path, source: Path) -> list[str]:
    """The keys in the lesson pack the command line uses for `source`."""
    return Pack(lesson_cache_dir(source, cache) / LESSONS_PACK).stored_keys()


def test_checking_one_lesson_keeps_what_the_course_stored(course: Path, tmp_path: Path) -> None:
    """Each source has its own packs: one lesson checked does not prune the course's."""
    cache = tmp_path / "cache"
    assert run("check", course, "--cache-dir", cache).returncode == 0
    before = stored(cache, course)
    one = next(p for p in course.rglob("*.md") if p.name != "README.md")
    assert run("check", one, "--cache-dir", cache).returncode == 0
    assert stored(cache, course) == before and stored(cache, one)


def test_build_twice_says_up_to_date(course: Path, tmp_path: Path) -> None:
    command = ("build", course, "-o", tmp_path / "out", "--cache-dir", tmp_path / "cache")
    first, second = run(*command), run(*command)
    assert first.returncode == second.returncode == 0, first.stdout + second.stdout

    def summary(out: str) -> list[str]:
        return [line for line in out.splitlines() if line.startswith("checked ")]

    assert summary(first.stdout) and summary(first.stdout) == summary(second.stdout)
    assert f"wrote {tmp_path / 'out' / 'cards.json'}" in first.stdout
    assert f"up to date {tmp_path / 'out' / 'cards.json'}" in second.stdout
