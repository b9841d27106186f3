"""Images: each local picture a lesson shows is packed once, under a name no other file can take.

A local image must be a file inside the course folder: a reference that leaves it (`../x.png`,
an absolute path, a symlink pointing out) or a file that does not exist is an error at the
line that names it. The packed name keeps the file's stem and adds a digest of its bytes
(`diagram-3fa9c2d1e0b4.png`): two `diagram.png` from different folders stay two files, the same
picture used twice is one, and a learner's media folder, shared by all their decks, never
mixes two pictures under one name. Remote images (`https://...`) and data URLs stay as written.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.diagnostics import Diagnostic, error
from pipeline.lesson import Lesson

IMAGE_MISSING = "image-missing"
IMAGE_OUTSIDE = "image-outside-course"
_IMAGE = re.compile(r'<img\b[^>]*?\ssrc="(?P<src>[^"]*)"')


@dataclass
class Media:
    """The images of one package: source file → packed name."""

    folder: Path  # the course folder
    names: dict[Path, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder = self.folder.resolve()

    @property
    def files(self) -> dict[str, Path]:
        """Packed name → source file, sorted by name."""
        return {name: path for path, name in sorted(self.names.items(), key=lambda i: i[1])}

    def check_lesson(self, lesson: Lesson, shown_as: str) -> None:
        """Report every bad local image of the lesson (any section), at its line."""
        fragments = [s.html for s in lesson.sections] + [n.html for n in lesson.footnotes]
        seen: set[str] = set()
        for fragment in fragments:
            for match in _IMAGE.finditer(fragment):
                src = html.unescape(match["src"])
                if src in seen:
                    continue
                seen.add(src)
                problem = self._problem(src, lesson.path)
                if problem:
                    line = _line_of(lesson.path, src)
                    self.problems.append(error(shown_as, line, problem[0], problem[1]))

    def rewrite(self, fragment: str, lesson: Path) -> tuple[str, list[Path]]:
        """`fragment` with local images renamed to their packed names, and the files it uses."""
        used: list[Path] = []

        def rename(match: re.Match[str]) -> str:
            path = self.local(html.unescape(match["src"]), lesson)
            if path is None or not path.is_file() or not path.is_relative_to(self.folder):
                return match[0]
            used.append(path)
            before = match[0][: match.start("src") - match.start()]
            return f'{before}{html.escape(self.name(path))}"'

        return _IMAGE.sub(rename, fragment), used

    def name(self, path: Path) -> str:
        if path not in self.names:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-_") or "image"
            suffix = re.sub(r"[^a-z0-9.]", "", path.suffix.lower())
            self.names[path] = f"{stem}-{digest}{suffix}"
        return self.names[path]

    @staticmethod
    def local(src: str, lesson: Path) -> Path | None:
        """The file a local reference names (resolved), None for remote, data or `#` ones."""
        parts = urlsplit(src)
        if not parts.path or parts.scheme or parts.netloc:
            return None
        return (lesson.parent / unquote(parts.path)).resolve()

    def _problem(self, src: str, lesson: Path) -> tuple[str, str] | None:
        path = self.local(src, lesson)
        if path is None:
            return None
        if not path.is_relative_to(self.folder):
            return f"image `{src}` is outside the course folder", IMAGE_OUTSIDE
        if not path.is_file():
            return f"image `{src}` does not exist", IMAGE_MISSING
        return None


def _line_of(path: Path, src: str) -> int:
    """The first line of the lesson that names `src` (as written, or URL-encoded), else 1."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 1
    spellings = [src, unquote(src), html.escape(src, quote=False)]
    for number, text in enumerate(lines, start=1):
        names_image = "](" in text or "<img" in text or "]:" in text
        if names_image and any(s and s in text for s in spellings):
            return number
    return 1
