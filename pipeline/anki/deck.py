"""The deck tree: one package per course, one sub-deck per lesson.

A course's package holds `Topic::Course::Workout::Lesson` (the topic only when a manifest names
it), named for people (manifest names, lesson titles) and identified by slugs: a deck's id
comes from its slug path, so renaming a workout keeps its id. Lessons that no workout lists go
into one more package named after the folder read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.course import Course, Curriculum, Topic
from pipeline.lesson import Lesson
from pipeline.manifest import Manifest
from pipeline.text import plain

SEPARATOR = "::"
_ID_BASE = 1 << 31  # above the ids Anki gives its own first decks
_ID_SPAN = 1 << 40


@dataclass(frozen=True)
class Deck:
    """One deck: its slug path (identity) and its display path (name)."""

    slugs: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def name(self) -> str:
        return SEPARATOR.join(self.names)

    @property
    def id(self) -> int:
        return deck_id(self.slugs)


@dataclass
class Package:
    """What goes into one `.apkg`: its decks (parents first) and its lessons with their deck."""

    file_stem: str
    folder: Path  # images must live inside it
    decks: list[Deck] = field(default_factory=list)
    lessons: list[tuple[Lesson, Deck]] = field(default_factory=list)
    known: set[Deck] = field(default_factory=set, repr=False)  # `decks`, to look up at once

    def add(self, deck: Deck) -> Deck:
        if deck not in self.known:
            self.known.add(deck)
            self.decks.append(deck)
        return deck


def deck_id(slugs: tuple[str, ...]) -> int:
    digest = hashlib.sha256("/".join(slugs).encode()).digest()
    return _ID_BASE + int.from_bytes(digest[:8], "big") % _ID_SPAN


def display(name: str | None, slug: str) -> str:
    """A deck name part: no `::` inside (that would nest), never empty."""
    text = re.sub(r"\s+", " ", (name or "").replace(SEPARATOR, ":")).strip()
    return text or slug


def plain_title(lesson: Lesson) -> str:
    """The title as text (`# Run `docker`` gives `Run docker`), as the site shows it."""
    return plain(lesson.title_html or lesson.title or "")


def _named(manifest: Manifest | None, slug: str) -> str:
    return display(manifest.name if manifest else None, slug)


def packages(curriculum: Curriculum) -> list[Package]:
    """Every package to write, in course order, with unique file names."""
    found = [
        _course_package(topic, course) for topic in curriculum.topics for course in topic.courses
    ]
    if curriculum.unlisted:
        found.append(_unlisted_package(curriculum))
    _unique_names(found)
    return [p for p in found if p.lessons]


def _course_package(topic: Topic, course: Course) -> Package:
    package = Package(course.slug, course.folder)
    top: tuple[tuple[str, str], ...] = ()
    if topic.manifest is not None:
        top = ((topic.slug, _named(topic.manifest, topic.slug)),)
    levels = (*top, (course.slug, _named(course.manifest, course.slug)))
    for workout in course.workouts:
        path = (*levels, (workout.slug, _named(workout.manifest, workout.slug)))
        _add_lessons(package, path, workout.lessons)
    return package


def _unlisted_package(curriculum: Curriculum) -> Package:
    root = curriculum.root
    folder = root if root.is_dir() else root.parent
    stem = (root.name if root.is_dir() else root.stem) or "lessons"
    package = Package(stem, folder)
    _add_lessons(package, ((stem, stem),), curriculum.unlisted)
    return package


def _add_lessons(
    package: Package, path: tuple[tuple[str, str], ...], lessons: list[Lesson]
) -> None:
    """One deck per lesson under `path`; two lessons of one title get their slugs added, as
    Anki would otherwise merge their decks by name."""
    titles = [display(plain_title(lesson), lesson.slug) for lesson in lessons]
    for lesson, title in zip(lessons, titles, strict=True):
        if not lesson.readable:
            continue
        name = f"{title} ({lesson.slug})" if titles.count(title) > 1 else title
        deck = _deck((*path, (lesson.slug, name)))
        _add_with_parents(package, deck)
        package.lessons.append((lesson, deck))


def _deck(levels: tuple[tuple[str, str], ...]) -> Deck:
    return Deck(tuple(s for s, _ in levels), tuple(n for _, n in levels))


def _add_with_parents(package: Package, deck: Deck) -> None:
    for depth in range(1, len(deck.slugs) + 1):
        package.add(Deck(deck.slugs[:depth], deck.names[:depth]))


def _unique_names(found: list[Package]) -> None:
    """File names are course slugs; a clash (two topics, or the unlisted lessons) gets a suffix."""
    seen: set[str] = set()
    for package in found:
        stem, number = _file_safe(package.file_stem), 1
        while stem.lower() in seen:
            number += 1
            stem = f"{_file_safe(package.file_stem)}-{number}"
        seen.add(stem.lower())
        package.file_stem = stem


def _file_safe(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-") or "deck"
