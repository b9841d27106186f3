"""Manifests: the `README.md` files of plain YAML that name and order the course tree.

As in the Enki curriculum, a topic folder holds course folders, a course folder holds workout
folders, and a workout folder holds lesson files. A workout manifest lists its lessons
(`insights`), a course manifest its workouts by section (`sections: {'0': [...]}`); a topic
manifest only names the topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import schema
from pipeline.diagnostics import Diagnostic, error
from pipeline.front_matter import Positions, json_safe, load_yaml
from pipeline.input_limits import TooLarge, read_bounded

MANIFEST = "README.md"
TOPIC, COURSE, WORKOUT = "topic", "course", "workout"


@dataclass
class Entry:
    """One slug a manifest lists, with the line it is listed on."""

    slug: str
    line: int
    section: str | None = None  # a course's section key ('0', '1', ...)


@dataclass
class Manifest:
    path: Path
    data: dict[str, Any]
    positions: Positions = field(default_factory=dict)
    level: str = TOPIC

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def name(self) -> str | None:
        return _text(self.data.get("name"))

    @property
    def description(self) -> str | None:
        return _text(self.data.get("description"))

    @property
    def declared_level(self) -> str | None:
        """The level the keys say, if they say one."""
        if "insights" in self.data:
            return WORKOUT
        if "sections" in self.data:
            return COURSE
        return None

    def entries(self) -> list[Entry]:
        """The lessons (workout) or workouts (course) listed, in order."""
        if self.level == WORKOUT:
            return self._list(("insights",), self.data.get("insights"), None)
        if self.level == COURSE and isinstance(self.data.get("sections"), dict):
            sections = self.data["sections"]
            found = []
            for key in sorted(sections, key=_section_order):
                found.extend(self._list(("sections", str(key)), sections[key], str(key)))
            return found
        return []

    def _list(self, where: tuple[str, ...], items: Any, section: str | None) -> list[Entry]:
        if not isinstance(items, list):
            return []
        return [
            Entry(item, self.positions.get((*where, index), (1, 1))[0], section)
            for index, item in enumerate(items)
            if isinstance(item, str)
        ]


def read_manifest(path: Path) -> tuple[Manifest | None, list[Diagnostic]]:
    """Load a manifest's YAML; its level is decided later, from the folder layout."""
    try:
        data = read_bounded(path)
    except TooLarge as exc:
        return None, [error(path, 1, str(exc), "read-error")]
    except OSError as exc:
        return None, [error(path, 1, f"cannot read the manifest: {exc.strerror}", "read-error")]
    return parse_manifest(path, data)


def parse_manifest(path: Path, data: bytes) -> tuple[Manifest | None, list[Diagnostic]]:
    """A manifest from its bytes (as `read_manifest` read them): the unit the cache keeps."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [error(path, 1, "cannot read the manifest: not valid UTF-8", "read-error")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    document, problems = load_yaml(text, path)
    if problems:
        return None, problems
    if not isinstance(document.data, dict):
        message = "a manifest is a YAML mapping (name, description, insights or sections)"
        return None, [error(path, 1, message, "manifest-schema")]
    data = {str(k): v for k, v in document.data.items()}
    if isinstance(data.get("sections"), dict):
        data["sections"] = {str(k): v for k, v in data["sections"].items()}
    return Manifest(path, data, document.positions), []


def validate(manifest: Manifest) -> list[Diagnostic]:
    return schema.diagnose(
        json_safe(manifest.data),
        "manifest",
        manifest.path,
        manifest.positions,
        "manifest-schema",
        definition=manifest.level,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _section_order(key: Any) -> tuple[int, str]:
    text = str(key)
    return (int(text), text) if text.isdigit() else (1 << 30, text)
