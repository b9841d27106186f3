"""The JSON export: `dist/cards.json`, valid against `schemas/export.schema.json`.

It reads the checked course (tree, lessons, cards) and nothing else. The same sources give the
same bytes: keys in a fixed order, no clock unless SOURCE_DATE_EPOCH asks for one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline import json_text, schema
from pipeline.atomic_file import write_atomically
from pipeline.card import Card
from pipeline.course import Course, Curriculum, Topic, Workout
from pipeline.front_matter import json_safe
from pipeline.lesson import QUESTION_SECTIONS, Lesson
from pipeline.lesson_cache import inputs_key
from pipeline.manifest import Manifest
from pipeline.pack import Pack

FILE_NAME = "cards.json"
FORMAT = "enki-pipeline.cards"
VERSION = 1
# The document's big arrays: validated item by item, and an item that passed before (the same
# JSON, the same schemas) is not validated again.
ITEMS = ("lessons", "cards")
_PLAIN_ARRAY = {"type", "items", "description"}  # nothing about the array as a whole


class ExportError(Exception):
    """The export does not match its own schema: a bug in the pipeline, never in a lesson."""


def document(curriculum: Curriculum, cards: list[Card], epoch: int | None = None) -> dict[str, Any]:
    """The whole cards.json document as JSON data."""
    by_lesson = _card_ids(cards)
    data = envelope(curriculum, cards, epoch)
    data["lessons"] = [
        _lesson(curriculum, lesson, by_lesson.get(lesson.slug, []))
        for lesson in curriculum.lessons
        if lesson.readable
    ]
    data["cards"] = [card.to_dict() for card in cards]
    return data


def _card_ids(cards: list[Card]) -> dict[str, list[str]]:
    """Each lesson's card ids, by its slug."""
    by_lesson: dict[str, list[str]] = {}
    for card in cards:
        by_lesson.setdefault(card.lesson, []).append(card.id)
    return by_lesson


def envelope(curriculum: Curriculum, cards: list[Card], epoch: int | None) -> dict[str, Any]:
    """The document with its big arrays (ITEMS) empty."""
    questions = [c for c in cards if c.kind != "footnote"]
    statuses = [c.verification.status for c in questions]
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timestamp(epoch),
        "summary": {
            "lessons": len(curriculum.lessons),
            "cards": len(cards),
            "verified": statuses.count("verified"),
            "unverified": statuses.count("unverified"),
            "failing": statuses.count("failing"),
        },
        "tree": {
            "topics": [_topic(curriculum, t) for t in curriculum.topics],
            "unlisted": [lesson.slug for lesson in curriculum.unlisted],
        },
        "lessons": [],
        "cards": [],
    }


@dataclass
class _Part:
    """Consecutive items of one array (a lesson, or one lesson's cards) as cards.json text."""

    array: str
    first: int  # the index of its first item in the array
    key: str | None
    text: str
    items: list[Any] | None = None  # made this build: validated before their text is cached


class Rendered:
    """cards.json's text, with what is left to validate: the envelope and the items whose text
    did not come from the cache (only validated items are ever cached)."""

    def __init__(self, text: str, empty: dict[str, Any], made: list[_Part], store: Pack):
        self.text, self.envelope, self.made, self.store = text, empty, made, store

    def require_valid(self) -> None:
        """ExportError unless the document matches the schema; then the new parts are put in
        the store (whose owner saves it)."""
        found = [
            (_pointer(e.absolute_path), e.message) for e in schema.errors(self.envelope, "export")
        ]
        for part in self.made:
            validator = _item_validator(part.array)
            for offset, item in enumerate(part.items or []):
                for error in validator.iter_errors(item):
                    where = [part.array, part.first + offset, *error.absolute_path]
                    found.append((_pointer(where), error.message))
        if found:
            where, message = min(found)
            raise ExportError(f"cards.json does not match its schema at /{where}: {message}")
        for part in self.made:
            if part.key:
                self.store.put(part.key, part.text.encode("utf-8", "surrogatepass"))


def render(
    curriculum: Curriculum, cards: list[Card], epoch: int | None, store: Pack
) -> Rendered | None:
    """cards.json as `dumps(document(...))` writes it, each lesson's entry and each lesson's
    cards taken from `store` when their inputs are those of an earlier build (None when the
    schema's arrays cannot be validated apart: then use `document`)."""
    if not _splittable():
        return None
    empty = envelope(curriculum, cards, epoch)
    tail = '\n  "lessons": [],\n  "cards": []\n}\n'
    head = dumps(empty)
    if not head.endswith(tail) or list(empty)[-2:] != list(ITEMS):
        return None
    by_lesson = _card_ids(cards)
    lessons = [lesson for lesson in curriculum.lessons if lesson.readable]
    parts = [
        _part(
            store,
            "lessons",
            index,
            (lesson, by_lesson.get(lesson.slug, []), curriculum.relative(lesson.path)),
            lambda lesson=lesson: [_lesson(curriculum, lesson, by_lesson.get(lesson.slug, []))],
        )
        for index, lesson in enumerate(lessons)
    ]
    first = 0
    for run in _runs(cards):
        parts.append(
            _part(store, "cards", first, tuple(run), lambda run=run: [c.to_dict() for c in run])
        )
        first += len(run)
    arrays = {name: [p.text for p in parts if p.array == name] for name in ITEMS}
    body = ",\n".join(f'  "{name}": ' + _array(arrays[name]) for name in ITEMS)
    text = head[: -len(tail)] + "\n" + body + "\n}\n"
    return Rendered(text, empty, [p for p in parts if p.items is not None], store)


def _runs(cards: list[Card]) -> list[list[Card]]:
    """The cards split where the lesson changes (they come lesson by lesson)."""
    runs: list[list[Card]] = []
    for card in cards:
        if runs and runs[-1][0].lesson == card.lesson:
            runs[-1].append(card)
        else:
            runs.append([card])
    return runs


def _part(store: Pack, array: str, first: int, inputs: Any, make: Any) -> _Part:
    key = inputs_key("cards.json", FORMAT, VERSION, array, inputs)
    cached = store.get(key) if key else None
    if cached is not None:
        try:
            return _Part(array, first, key, cached.decode("utf-8", "surrogatepass"))
        except UnicodeDecodeError:
            pass
    items = make()
    return _Part(array, first, key, ",\n".join(_item_text(item) for item in items), items)


def _item_text(item: Any) -> str:
    """An item as `dumps` writes it inside a top-level array: indented two levels."""
    return "    " + json_text.dumps(item, "\n    ")


def _array(texts: list[str]) -> str:
    texts = [t for t in texts if t]
    return "[\n" + ",\n".join(texts) + "\n  ]" if texts else "[]"


def timestamp(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(data: dict[str, Any]) -> str:
    return json_text.dumps(data) + "\n"


def write(data: dict[str, Any], folder: Path, memo: Path | None = None) -> Path:
    """Validate `data` against the export schema, then write it to `folder/cards.json`.

    `memo` (a file in the cache) remembers the items that passed, so a rebuild validates only
    the lessons and cards that changed; it is only ever an optimisation.
    """
    require_valid(data, memo)
    return write_unchecked(data, folder)


def write_unchecked(data: dict[str, Any], folder: Path) -> Path:
    """Write `data` to `folder/cards.json`; the caller validates it before publishing it."""
    return write_text(dumps(data), folder)


def write_text(text: str, folder: Path) -> Path:
    """Write cards.json's text (`dumps` or `render`) to `folder/cards.json`."""
    target = folder / FILE_NAME
    target.write_text(text, encoding="utf-8", newline="\n")
    return target


def require_valid(data: dict[str, Any], memo: Path | None = None) -> None:
    """ExportError unless `data` matches the export schema."""
    problems = validate(data, memo)
    if problems:
        where, message = problems[0]
        raise ExportError(f"cards.json does not match its schema at /{where}: {message}")


def validate(data: dict[str, Any], memo: Path | None = None) -> list[tuple[str, str]]:
    """Every schema error of the document as (JSON pointer, message), in a stable order.

    The same verdict as validating the whole document at once: the envelope is validated with
    the big arrays emptied (an empty array passes any item schema), and each item against the
    schema of its array's items, unless that exact item passed before.
    """
    if not _splittable() or not all(isinstance(data.get(name), list) for name in ITEMS):
        return [(_pointer(e.absolute_path), e.message) for e in schema.errors(data, "export")]
    envelope = {key: [] if key in ITEMS else value for key, value in data.items()}
    found = [(_pointer(e.absolute_path), e.message) for e in schema.errors(envelope, "export")]
    passed, known = set(), _load_memo(memo)
    for name in ITEMS:
        validator = _item_validator(name)
        for index, item in enumerate(data[name]):
            digest = _item_digest(name, item)
            errors = [] if digest in known else list(validator.iter_errors(item))
            if not errors:
                passed.add(digest)
            for error in errors:
                found.append((_pointer([name, index, *error.absolute_path]), error.message))
    if memo is not None and passed != known:
        _save_memo(memo, passed)
    return sorted(found)


def _pointer(path: Any) -> str:
    return "/".join(str(part) for part in path)


@cache
def _splittable() -> bool:
    """Whether items can be validated apart: plain arrays, no keyword looking at siblings."""
    root = schema.load("export")
    properties = root.get("properties", {})
    if any(key.startswith("unevaluated") for key in root):
        return False
    return all(
        isinstance(properties.get(name), dict)
        and set(properties[name]) <= _PLAIN_ARRAY
        and properties[name].get("type") == "array"
        and isinstance(properties[name].get("items"), dict)
        for name in ITEMS
    )


def _item_validator(name: str) -> schema.Validator:
    return schema.pointer_validator("export", f"/properties/{name}/items")


@cache
def _schemas_digest() -> bytes:
    digest = hashlib.sha256(f"jsonschema={metadata.version('jsonschema')}\0".encode())
    for name in schema.NAMES:
        digest.update(json.dumps(schema.load(name), sort_keys=True).encode() + b"\0")
    return digest.digest()


def _item_digest(name: str, item: Any) -> bytes:
    text = json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    digest = hashlib.sha256(_schemas_digest() + name.encode() + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _load_memo(memo: Path | None) -> set[bytes]:
    if memo is None:
        return set()
    try:
        found = pickle.loads(memo.read_bytes())
    except Exception:  # missing or corrupt: validate everything
        return set()
    if not isinstance(found, set) or not all(isinstance(d, bytes) for d in found):
        return set()
    return found


def _save_memo(memo: Path, passed: set[bytes]) -> None:
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(memo, pickle.dumps(passed, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # the next build validates everything again


def _node(curriculum: Curriculum, slug: str, manifest: Manifest | None) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": manifest.name if manifest else None,
        "description": manifest.description if manifest else None,
        "manifest": curriculum.relative(manifest.path) if manifest else None,
    }


def _topic(curriculum: Curriculum, topic: Topic) -> dict[str, Any]:
    node = _node(curriculum, topic.slug, topic.manifest)
    node["courses"] = [_course(curriculum, c) for c in topic.courses]
    return node


def _course(curriculum: Curriculum, course: Course) -> dict[str, Any]:
    node = _node(curriculum, course.slug, course.manifest)
    node["workouts"] = [_workout(curriculum, w) for w in course.workouts]
    return node


def _workout(curriculum: Curriculum, workout: Workout) -> dict[str, Any]:
    node = _node(curriculum, workout.slug, workout.manifest)
    node["section"] = workout.section
    node["lessons"] = [lesson.slug for lesson in workout.lessons]
    return node


def _lesson(curriculum: Curriculum, lesson: Lesson, card_ids: list[str]) -> dict[str, Any]:
    metadata = json_safe(lesson.metadata)
    links = [{"name": k.name, "url": k.url, "nature": k.nature} for k in lesson.links]
    if "links" in metadata:
        metadata["links"] = links  # parsed, as Enki's compiler gives them
    return {
        "slug": lesson.slug,
        "title": lesson.title,
        "title_html": lesson.title_html,
        "path": curriculum.relative(lesson.path),
        "metadata": metadata,
        "links": links,
        "sections": [
            {"name": s.name, "line": s.line, "html": s.html}
            for s in lesson.sections
            if s.name not in QUESTION_SECTIONS
        ],
        "footnotes": [
            {"number": f.number, "title": f.title, "html": f.html, "line": f.line}
            for f in lesson.footnotes
        ],
        "cards": card_ids,
    }
