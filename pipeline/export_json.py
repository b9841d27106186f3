"""The JSON export: `dist/cards.json`, valid against `schemas/export.schema.json`.

It reads the checked course (tree, lessons, cards) and nothing else. The same sources give the
same bytes: keys in a fixed order, no clock unless SOURCE_DATE_EPOCH asks for one.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pipeline import schema
from pipeline.card import Card
from pipeline.course import Course, Curriculum, Topic, Workout
from pipeline.front_matter import json_safe
from pipeline.lesson import QUESTION_SECTIONS, Lesson
from pipeline.manifest import Manifest

FILE_NAME = "cards.json"
FORMAT = "enki-pipeline.cards"
VERSION = 1


class ExportError(Exception):
    """The export does not match its own schema: a bug in the pipeline, never in a lesson."""


def document(curriculum: Curriculum, cards: list[Card], epoch: int | None = None) -> dict[str, Any]:
    """The whole cards.json document as JSON data."""
    by_lesson: dict[str, list[str]] = {}
    for card in cards:
        by_lesson.setdefault(card.lesson, []).append(card.id)
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
        "lessons": [
            _lesson(curriculum, lesson, by_lesson.get(lesson.slug, []))
            for lesson in curriculum.lessons
            if lesson.readable
        ],
        "cards": [card.to_dict() for card in cards],
    }


def timestamp(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write(data: dict[str, Any], folder: Path) -> Path:
    """Validate `data` against the export schema, then write it to `folder/cards.json`."""
    problems = schema.errors(data, "export")
    if problems:
        first = problems[0]
        where = "/".join(str(p) for p in first.absolute_path)
        raise ExportError(f"cards.json does not match its schema at /{where}: {first.message}")
    target = folder / FILE_NAME
    target.write_text(dumps(data), encoding="utf-8", newline="\n")
    return target


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
