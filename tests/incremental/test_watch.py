"""`build --watch`: builds, then rebuilds when a lesson changes and prints its diagnostics."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("watchfiles")


class Lines:
    """The watcher's standard output, line by line, read without blocking the test."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        threading.Thread(target=self._pump, args=(process.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def until(self, predicate, timeout: float = 60, poke=None) -> str:
        """The first line that satisfies `predicate`; `poke` (if any) runs every second until
        then, because the watcher may not be watching yet when it says so."""
        deadline = time.monotonic() + timeout
        poked = 0.0
        while time.monotonic() < deadline:
            if poke is not None and time.monotonic() - poked > 1:
                poke()
                poked = time.monotonic()
            try:
                line = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if predicate(line):
                return line
        raise AssertionError("no such line; the watcher printed:\n" + "\n".join(self.seen))


def test_watch_rebuilds_on_change_and_reports(course: Path, tmp_path: Path) -> None:
    lesson = sorted(course.rglob("lesson-*.md"))[0]
    command = [sys.executable, "-m", "pipeline", "build", str(course), "-o", str(tmp_path / "out")]
    command += ["--cache-dir", str(tmp_path / "cache"), "--watch"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    try:
        lines = Lines(process)
        lines.until(lambda line: line.startswith("watching "))
        assert any(line.startswith("checked 80 lessons") for line in lines.seen)
        # A title the rules reject: the rebuild must fail and say where.
        text = lesson.read_text(encoding="utf-8")
        broken = text.replace("\n# ", "\n", 1)
        assert broken != text

        def edit(new: str):
            return lambda: lesson.write_text(new, encoding="utf-8")

        lines.until(
            lambda line: line.startswith("changed: ") and lesson.name in line, poke=edit(broken)
        )
        problem = lines.until(lambda line: line.startswith(str(lesson)))
        assert "error:" in problem and "[missing-title]" in problem
        lines.until(lambda line: line.startswith("checked 80 lessons"))
        # Fixed again: the next rebuild succeeds.
        lines.until(lambda line: line.startswith("changed: "), poke=edit(text))
        lines.until(lambda line: line.startswith("wrote ") and line.endswith("cards.json"))
    finally:
        process.terminate()
        process.wait(timeout=30)
