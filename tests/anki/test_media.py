"""Images: packed once each under collision-free names, found by Anki; bad references fail."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any


def png(red: int, green: int, blue: int) -> bytes:
    """A real 1x1 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, green, blue]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def image_course(helpers: Any, root: Path) -> Any:
    """Two different `diagram.png` in two folders; one of them shown twice."""
    course = helpers.small_course(root)
    (root / "course/first-steps/img").mkdir(parents=True)
    (root / "course/going-on/img").mkdir(parents=True)
    (root / "course/first-steps/img/diagram.png").write_bytes(png(255, 0, 0))
    (root / "course/going-on/img/diagram.png").write_bytes(png(0, 0, 255))
    beta = helpers.question(
        "Practice",
        "![layers](img/diagram.png)\n\nThe picture shows ??? layers.",
        ["three", "two"],
    )
    course.write(
        "course/first-steps/beta.md",
        helpers.lesson("Beta Lesson", [beta], "[1: Stack]\nAs drawn: ![stack](img/diagram.png)"),
    )
    gamma = helpers.question(
        "Practice",
        "![other](img/diagram.png) ![remote](https://example.invalid/x.png)\n\nIt is ???.",
        ["blue", "red"],
    )
    course.write("course/going-on/gamma.md", helpers.lesson("Gamma Lesson", [gamma]))
    return course


def test_images_are_packed_once_each_and_found_by_anki(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    course = image_course(helpers, tmp_path / "src")
    built = helpers.build(course.root, tmp_path / "dist")
    assert built.ok, built.process.stdout + built.process.stderr
    [package] = built.packages
    with zipfile.ZipFile(package) as archive:
        index = json.loads(archive.read("media"))
        packed = {name: archive.read(number) for number, name in index.items()}
    assert len(packed) == 2  # two files of one name, and the same file twice: two entries
    assert all(re.fullmatch(r"diagram-[0-9a-f]{12}\.png", name) for name in packed)
    red = (course.root / "course/first-steps/img/diagram.png").read_bytes()
    blue = (course.root / "course/going-on/img/diagram.png").read_bytes()
    assert sorted(packed.values()) == sorted([red, blue])

    log = learner.import_package(package)
    assert len(log.new) == len(built.cards_json["cards"])
    check = learner.col.media.check()
    assert list(check.missing) == [] and list(check.unused) == []
    media = Path(learner.col.media.dir())
    notes = learner.notes_by_id()
    shown = re.findall(r'<img src="([^"]+)"', notes["beta.practice.1"]["Question"])
    defined = re.findall(r'<img src="([^"]+)"', notes["beta.footnote.1"]["Definition"])
    other = re.findall(r'<img src="([^"]+)"', notes["gamma.practice.1"]["Question"])
    assert shown == defined and (media / shown[0]).read_bytes() == red
    assert other[0] != shown[0] and (media / other[0]).read_bytes() == blue
    assert other[1] == "https://example.invalid/x.png"  # remote images stay as written


def failing_line(built: Any, rule: str) -> tuple[str, int]:
    assert not built.ok
    found = re.findall(rf"^(.*?):(\d+):\d+: error: .* \[{rule}\]$", built.process.stdout, re.M)
    assert len(found) == 1, built.process.stdout
    return found[0][0], int(found[0][1])


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_image_outside_the_course_fails_at_its_line(tmp_path: Path, helpers: Any) -> None:
    course = image_course(helpers, tmp_path / "src")
    (tmp_path / "secret.png").write_bytes(png(0, 255, 0))
    lesson = course.root / "course/going-on/gamma.md"
    text = lesson.read_text().replace(
        "## Content\n\n", "## Content\n\n![x](../../../secret.png)\n\n"
    )
    lesson.write_text(text)
    built = helpers.build(course.root, tmp_path / "dist")
    path, line = failing_line(built, "image-outside-course")
    assert path.endswith("gamma.md") and line == line_of(lesson, "secret.png")
    assert not built.output.exists()


def test_a_link_out_of_the_course_is_outside_too(tmp_path: Path, helpers: Any) -> None:
    course = image_course(helpers, tmp_path / "src")
    (tmp_path / "secret.png").write_bytes(png(0, 255, 0))
    (course.root / "course/going-on/img/inside.png").symlink_to(tmp_path / "secret.png")
    lesson = course.root / "course/going-on/gamma.md"
    lesson.write_text(lesson.read_text().replace("img/diagram.png", "img/inside.png"))
    path, line = failing_line(helpers.build(course.root, tmp_path / "dist"), "image-outside-course")
    assert line == line_of(lesson, "img/inside.png")


def test_a_missing_image_fails_at_its_line(tmp_path: Path, helpers: Any) -> None:
    course = image_course(helpers, tmp_path / "src")
    lesson = course.root / "course/first-steps/beta.md"
    lesson.write_text(
        lesson.read_text().replace("As drawn: ![stack](img/diagram.png)", "![s](img/gone.png)")
    )
    built = helpers.build(course.root, tmp_path / "dist")
    path, line = failing_line(built, "image-missing")
    assert path.endswith("beta.md") and line == line_of(lesson, "img/gone.png")
    assert "`img/gone.png` does not exist" in built.process.stdout
