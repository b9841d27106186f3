"""The same sources give a byte-identical `dist/`: every file of two builds hashes the same.

Each build runs `python -m pipeline build` in its own process, with its own (cold) caches, and
with everything that must not matter changed between the two: the output folder, the working
directory, Python's hash seed, the time zone and the locale. Only SOURCE_DATE_EPOCH is shared,
as reproducible-builds.org asks. A course outside git is also copied to two different places:
nothing of where the sources live may leak into the outputs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from box_course import lesson, write_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "cards"
EPOCH = "1700000000"
TIMEOUT = 600  # seconds for one build: generous, never asserted on


def build(source: Path, output: Path, cache: Path, cwd: Path, **env: str) -> None:
    environ = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env}
    environ.pop("PIPELINE_SITE_URL", None)
    command = [sys.executable, "-m", "pipeline", "build", str(source), "-o", str(output)]
    result = subprocess.run(
        [*command, "--cache-dir", str(cache)],
        cwd=cwd,
        env={**environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def hashes(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file; folders by their (sorted) names."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = "symlink:" + os.readlink(path)
        elif path.is_dir():
            found[name + "/"] = "folder"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    return sorted(
        name for name in first.keys() | second.keys() if first.get(name) != second.get(name)
    )


def test_two_builds_of_the_course_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "dist", tmp_path / "two" / "deeper" / "out"
    build(COURSE, first, tmp_path / "cache-one", ROOT, PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    build(
        COURSE,
        second,
        tmp_path / "cache-two",
        elsewhere,
        PYTHONHASHSEED="4242",
        TZ="Pacific/Kiritimati",
        LC_ALL="C.UTF-8",
    )
    one, two = hashes(first), hashes(second)
    assert {"cards.json", "site/index.html"} <= one.keys()
    assert any(name.endswith(".apkg") for name in one)
    assert differences(one, two) == []


def test_a_build_from_warm_caches_is_byte_identical_to_a_cold_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(COURSE, tmp_path / "cold", cache, ROOT)
    build(COURSE, tmp_path / "warm", cache, ROOT)  # lessons and scenarios served from the cache
    assert differences(hashes(tmp_path / "cold"), hashes(tmp_path / "warm")) == []


def small_course(root: Path) -> Path:
    """A course outside git, with an image, code, footnotes and a verified question."""
    links = "links:\n  - '[Boxes](https://example.org/boxes){documentation}'\n"
    content = "A box holds things[1]. ![A box](img/box.svg)\n\n```sh\necho packed\n```"
    text = lesson("Packing the first box", content, front=links)
    image = {"img/box.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n'}
    return write_course(root, {"first-box": text}, image)


def test_a_course_outside_git_builds_the_same_wherever_it_lives(tmp_path: Path) -> None:
    here = small_course(tmp_path / "here" / "course")
    there = tmp_path / "somewhere" / "else" / "course"
    shutil.copytree(here, there)  # new inode numbers, new paths; same bytes
    build(here, tmp_path / "out-here", tmp_path / "cache-here", tmp_path, PYTHONHASHSEED="7")
    build(there, tmp_path / "out-there", tmp_path / "cache-there", ROOT, PYTHONHASHSEED="8")
    one = hashes(tmp_path / "out-here")
    assert [name for name in one if name.startswith("site/media/")]  # the image was packed
    assert differences(one, hashes(tmp_path / "out-there")) == []
