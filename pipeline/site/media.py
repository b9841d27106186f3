"""Images on the site: local ones copied in once, remote ones turned into links.

A page must work from disk with no network, so an image inside the course folder is copied to
`media/` under a name made from its content (two `diagram.png` from different folders stay two
files, the same picture twice is one), and an image elsewhere becomes a link the learner can
follow when online. The sanitiser has already run: `<img>` tags have quoted, escaped attributes.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import escape

MEDIA = "media"
_IMAGE = re.compile(r"<img\b(?P<attributes>[^>]*)>")
_ATTRIBUTE = re.compile(r'(?P<name>[a-z-]+)="(?P<value>[^"]*)"')


class Media:
    """The images of one site: where each lesson image ends up."""

    def __init__(self, course: Path, site: Path) -> None:
        self.course = course.resolve()
        self.folder = site / MEDIA
        self.copied: dict[Path, str] = {}  # source file → name in media/

    def rewrite(self, fragment: str, lesson: Path, root: str) -> str:
        """`fragment` with its images in media/; `root` leads from the page to the site."""
        return _IMAGE.sub(lambda m: self._image(m, lesson, root), fragment)

    def _image(self, match: re.Match[str], lesson: Path, root: str) -> str:
        attributes = {
            a["name"]: html.unescape(a["value"]) for a in _ATTRIBUTE.finditer(match["attributes"])
        }
        src, alt = attributes.get("src", ""), attributes.get("alt", "")
        local = self.local_file(src, lesson)
        if local is not None:
            return (
                f'<img src="{escape(root + MEDIA + "/" + self.copy(local))}" alt="{escape(alt)}">'
            )
        name = escape(alt or "image")
        if urlsplit(src).scheme in ("http", "https"):
            return (
                f'<a class="remote-image" href="{escape(src)}" rel="noopener noreferrer">'
                f"Image: {name} (online)</a>"
            )
        return f'<span class="missing-image">Image: {name}</span>'

    def local_file(self, src: str, lesson: Path) -> Path | None:
        """The file `src` names, if it is a relative path to a file inside the course."""
        parts = urlsplit(src)
        if not src or parts.scheme or parts.netloc or src.startswith("/"):
            return None
        path = (lesson.parent / unquote(parts.path)).resolve()
        if not path.is_file() or not path.is_relative_to(self.course):
            return None
        return path

    def copy(self, path: Path) -> str:
        if path not in self.copied:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            name = digest + re.sub(r"[^a-z0-9.]", "", path.suffix.lower())
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / name
            if not target.exists():
                shutil.copyfile(path, target)
            self.copied[path] = name
        return self.copied[path]
