"""Helpers of the hostile-input tests: a minimal course to drop a lesson into, the CLI run in a
bounded child process, its diagnostics parsed, and a checker for active HTML.

Imported as `hostile.support` (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds for one `check` or `build` of a course of two lessons
MEMORY = 1536 << 20  # address space of the child: a hostile file must not need more

DIAGNOSTIC = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>[0-9]+):(?P<col>[0-9]+): (?P<severity>error|warning): "
    r"(?P<message>.+) \[(?P<rule>[a-z0-9-]+)\]$"
)
SUMMARY = re.compile(r"^checked [0-9]+ lessons?, [0-9]+ cards? \(.*\): [0-9]+ errors?, .*$")

# The workout the hostile lesson joins, next to a companion lesson whose own warning (an unknown
# front matter key) must still be reported: one bad file never hides the others.
COMPANION = """\
---
author: tester
type: normal
category: must-know
difficulty: hard
---

# A Quiet Companion

---

## Content

Images are made of layers[1].

---

## Practice

An image is a stack of ??? layers.

- read-only
- writable

---

## Footnotes

[1: Layer]
A set of file changes.
"""
COMPANION_WARNING = ("companion.md", 5, "unknown-key")
# A lesson with nothing wrong, for the generated cases to break in one place.
VALID = """\
---
author: tester
type: normal
category: must-know
---

# Layers of an Image

---

## Content

Every build step that changes files adds a layer[1].

---

## Practice

Which instruction adds a layer?

???

- `COPY`
- `ENV`

---

## Footnotes

[1: Layer]
A tar archive of file changes.
"""


@dataclass(frozen=True)
class Found:
    """One diagnostic line of the CLI's output."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    rule: str


@dataclass
class Course:
    """A course in `work/course`: topic, course and workout manifests and two lessons."""

    work: Path
    lesson: str  # the hostile lesson's file name

    @property
    def folder(self) -> Path:
        return self.work / "course" / "images" / "basics"

    @property
    def output(self) -> Path:
        return self.work / "dist"

    @property
    def lesson_path(self) -> str:
        return f"course/images/basics/{self.lesson}"


def make_course(work: Path, lesson: str, data: bytes, listed: bool = True) -> Course:
    """Write the course with `data` as the lesson file `lesson` (listed by the workout manifest
    unless `listed` is False)."""
    course = Course(work, lesson)
    entry = f"  - {Path(lesson).stem}\n" if listed else ""
    names = {
        "course/README.md": "name: Docker\ndescription: Containers and images.\n",
        "course/images/README.md": "name: Images\ndescription: Images.\nsections:\n  '0':\n"
        "    - basics\n",
        "course/images/basics/README.md": "name: Basics\ndescription: Layers.\ninsights:\n"
        f"  - companion\n{entry}",
    }
    for name, text in names.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    (course.folder / "companion.md").write_text(COMPANION, encoding="utf-8")
    (course.folder / lesson).write_bytes(data)
    return course


def _bounded() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def diagnostics(self) -> list[Found]:
        found = []
        for line in self.stdout.splitlines():
            if match := DIAGNOSTIC.match(line):
                fields = match.groupdict()
                found.append(
                    Found(
                        fields["path"],
                        int(fields["line"]),
                        int(fields["col"]),
                        fields["severity"],
                        fields["message"],
                        fields["rule"],
                    )
                )
        return found

    def unparsed(self) -> list[str]:
        """Output lines that are neither a diagnostic, the summary nor a `wrote` line."""
        return [
            line
            for line in self.stdout.splitlines()
            if not (DIAGNOSTIC.match(line) or SUMMARY.match(line) or line.startswith("wrote "))
        ]


def run_pipeline(command: str, course: Course) -> Run:
    """`python -m pipeline check|build` on the course, in a child with bounded memory and time."""
    args = [sys.executable, "-m", "pipeline", command, "course"]
    if command == "build":
        args += ["-o", "dist"]
    args += ["--no-cache", "--cache-dir", "cache", "-j", "1"]
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment["PYTHONPATH"] = str(ROOT)
    start = time.monotonic()
    result = subprocess.run(
        args,
        cwd=course.work,
        env=environment,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT,
        preexec_fn=_bounded,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr, time.monotonic() - start)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to tell whether a build touched it."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fresh(work: Path) -> Path:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    return work


# -- active HTML ----------------------------------------------------------------------------------

ACTIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "svg", "math", "style", "form"}
ACTIVE_TAGS |= {"base", "link", "meta", "applet", "template", "noscript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
# The site's own scripts, as shipped in pipeline/site/static: nothing else may run.
OUR_SCRIPTS = re.compile(
    r"(\.\./)?assets/(?:"
    + "|".join(re.escape(p.name) for p in sorted((ROOT / "pipeline/site/static").glob("*.js")))
    + ")"
)


class ActiveHtml(HTMLParser):
    """Collects what in an HTML document or fragment could run code or load active content."""

    def __init__(self, allowed_scripts: re.Pattern[str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = allowed_scripts
        self.found: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            src = values.get("src", "")
            if not (self.allowed_scripts and self.allowed_scripts.fullmatch(src)):
                self.found.append(f"<script src={src!r}>")
            self._in_script = True
        elif tag in ACTIVE_TAGS and not self._own(tag, values):
            self.found.append(f"<{tag} {values}>")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES or name == "style":
                plain = re.sub(r"[\x00-\x20]+", "", value).lower()
                if plain.startswith(UNSAFE_SCHEMES) or "javascript:" in plain:
                    self.found.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline script {data[:60]!r}")
        self.text.append(data)

    def _own(self, tag: str, values: dict[str, str]) -> bool:
        """The page's own head: its meta data and its stylesheets under assets/."""
        if self.allowed_scripts is None:
            return False
        if tag == "meta":  # charset, viewport, a Content-Security-Policy; never a refresh
            return values.get("http-equiv", "content-security-policy").lower() != "refresh"
        if tag == "link":
            return values.get("rel") == "stylesheet" and "assets/" in values.get("href", "")
        return False


def active_parts(html: str, allowed_scripts: re.Pattern[str] | None = None) -> list[str]:
    """What in `html` could run: `<script>` (but the allowed assets), handlers, unsafe URLs."""
    parser = ActiveHtml(allowed_scripts)
    parser.feed(html)
    parser.close()
    return parser.found


def visible_text(html: str) -> str:
    parser = ActiveHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.text)
