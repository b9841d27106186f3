"""Where links and images point: only the web, or files inside the course.

A lesson is untrusted text that ends up on a study site, in Anki and in JSON. The renderer
already neutralises a `javascript:` link, but silently; here every such link is an error at its
line, so that the author hears of it. A link or image may be `http(s)` (a link also `mailto`),
a `#fragment`, or a relative path to a file inside the course folder: one that climbs out of it
(`../../etc/passwd`, an absolute path, a symlink pointing out) is an error too, as Anki's export
would refuse it later and the site would point outside itself.

These rules need the course folder (and look at the file system), so `check` runs them on the
whole curriculum rather than in `rules.check_lesson`, whose results are cached per lesson.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from pipeline.course import Curriculum
from pipeline.diagnostics import Diagnostic, error, internal_error
from pipeline.lesson import Lesson

UNSAFE_LINK = "unsafe-link"
LINK_OUTSIDE = "link-outside-course"
IMAGE_OUTSIDE = "image-outside-course"  # the rule id the Anki export uses for the same finding

RULES: dict[str, str] = {
    UNSAFE_LINK: "links are http(s), mailto, `#fragment` or a path; images are http(s) or a path",
    LINK_OUTSIDE: "a relative link stays inside the course folder",
    IMAGE_OUTSIDE: "a local image is a file inside the course folder",
}

SCHEMES = {"link": ("http", "https", "mailto"), "image": ("http", "https")}
# What browsers ignore inside a URL (tab, line feeds) and strip before it (controls, space).
_IGNORED = re.compile(r"[\t\n\r]")
_LEADING = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def lesson_folders(curriculum: Curriculum) -> Iterator[tuple[Lesson, Path]]:
    """Every lesson with the folder its links must stay in: its course's, else the one read."""
    for topic in curriculum.topics:
        for course in topic.courses:
            for workout in course.workouts:
                for lesson in workout.lessons:
                    yield lesson, course.folder
    root = curriculum.root
    base = root if root.is_dir() else root.parent
    for lesson in curriculum.unlisted:
        yield lesson, base


def check_curriculum(curriculum: Curriculum) -> list[Diagnostic]:
    """Every lesson's targets; not cached with the lesson, as it depends on the file system."""
    problems = []
    resolved: dict[Path, Path] = {}  # a course's folder, resolved once for all its lessons
    for lesson, folder in lesson_folders(curriculum):
        if folder not in resolved:
            resolved[folder] = folder.resolve()
        try:
            problems.extend(check_targets(lesson, resolved[folder]))
        except Exception as exc:  # a bug here must not hide the other lessons
            problems.append(internal_error(lesson.path, exc))
    return problems


def check_targets(lesson: Lesson, course: Path) -> list[Diagnostic]:
    """Every unsafe or escaping link and image of the lesson (front matter links included);
    `course` is the resolved folder they must stay in."""
    if not lesson.readable:
        return []
    places = [(t.kind, t.url, t.line, t.col) for t in lesson.targets]
    places += [("link", link.url, link.line, 1) for link in lesson.links]
    problems = []
    for kind, url, line, col in places:
        found = judge(kind, url, lesson.path, course)
        if found:
            problems.append(error(lesson.path, line, found[0], found[1], col))
    return problems


def judge(kind: str, url: str, lesson: Path, course: Path) -> tuple[str, str] | None:
    """(message, rule) when `url` may not be a `kind` ("link" or "image") of this lesson."""
    decoded = unquote(html.unescape(url))
    plain = _IGNORED.sub("", decoded).lstrip(_LEADING)
    shown = _shown(decoded)
    scheme = _SCHEME.match(plain)
    if scheme:
        name = scheme[1].lower()
        if name in SCHEMES[kind]:
            return None
        allowed = ", ".join(f"{s}:" for s in SCHEMES[kind])
        article = "an" if kind == "image" else "a"
        return (
            f"{kind} `{shown}` uses `{name}:`; {article} {kind} may only be {allowed} or a path",
            UNSAFE_LINK,
        )
    if plain.startswith(("//", "\\\\")):
        return f"{kind} `{shown}` names a host without a scheme; write `https://`", UNSAFE_LINK
    path = re.split(r"[?#]", plain, maxsplit=1)[0].replace("\\", "/")
    if not path:
        return None  # `#fragment` or `?query`: this very page
    try:
        if (lesson.parent / path).resolve().is_relative_to(course):
            return None
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a symlink loop: no file it names
        pass
    if kind == "image":
        return f"image `{shown}` is outside the course folder", IMAGE_OUTSIDE
    return f"link `{shown}` leads outside the course folder", LINK_OUTSIDE


def _shown(url: str, width: int = 80) -> str:
    """The URL for a message: one line, not too long, no backquote to break the quoting."""
    text = re.sub(r"[\s\x00-\x1f\x7f]+", " ", url).replace("`", "'")
    return text if len(text) <= width else text[: width - 1] + "…"
