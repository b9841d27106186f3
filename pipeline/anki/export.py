"""The Anki export: one `.apkg` per course, read from the checked course and nothing else.

Besides the course, it asks git (or the file system) when each note's lines last changed,
and reads the images the lessons show. The link back to a lesson is the site's page
(`lessons/<slug>.html`), under PIPELINE_SITE_URL when the publisher sets it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import genanki

from pipeline import diagnostics as diags
from pipeline.anki import deck as decks
from pipeline.anki import notetype
from pipeline.anki.changes import ChangeTimes
from pipeline.anki.media import Media
from pipeline.anki.note import TAG_KEYS, Note, NoteSource, from_fields, lesson_link, make_note
from pipeline.anki.package import write_package
from pipeline.atomic_file import write_atomically
from pipeline.card import FOOTNOTE, Card
from pipeline.course import Curriculum
from pipeline.diagnostics import Diagnostic
from pipeline.lesson import FOOTNOTES, Lesson
from pipeline.lesson_cache import inputs_key
from pipeline.pack import Pack, file_in
from pipeline.reuse import Reuse

if TYPE_CHECKING:
    from pipeline.build import BuildContext

SUFFIX = ".apkg"
SITE_URL = "PIPELINE_SITE_URL"
CACHE_FORMAT = 1  # part of the keys of cached note fields and packages
NOTES = "notes.pack"  # note fields and packages, in the Anki cache


@dataclass
class Exported:
    files: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def anki_stage(ctx: BuildContext) -> None:
    """The build stage: `<course>.apkg` files into the staging folder; bad images stop it."""
    from pipeline.build import BuildFailed  # build.py imports this module

    assert ctx.checked is not None
    site = os.environ.get(SITE_URL, "").strip() or None
    cache = ctx.lesson_cache / "anki" if ctx.lesson_cache else None
    checked = ctx.checked
    result = export(
        checked.curriculum, checked.cards, ctx.staging, ctx.epoch, site, cache, ctx.reuse
    )
    found = diags.strict(result.diagnostics) if ctx.strict else result.diagnostics
    ctx.diagnostics = diags.ordered([*ctx.diagnostics, *found])
    if diags.has_errors(found):
        raise BuildFailed
    ctx.written.extend(path.name for path in result.files)


def export(
    curriculum: Curriculum,
    cards: list[Card],
    folder: Path,
    epoch: int | None = None,
    site_url: str | None = None,
    cache_dir: Path | None = None,
    reuse: Reuse | None = None,
) -> Exported:
    """Write every package into `folder`; nothing is written when an image is bad.

    With `cache_dir`, a lesson's note fields and a whole package whose inputs are those of
    an earlier build come from the cache: the same bytes, without rendering or SQLite. With
    `reuse`, such a package is linked from the previous build's output instead.
    """
    packages = decks.packages(curriculum)
    media = {id(p): Media(p.folder) for p in packages}
    for package in packages:
        for lesson, _ in package.lessons:
            media[id(package)].check_lesson(lesson, str(lesson.path))
    problems = [d for m in media.values() for d in m.problems]
    if diags.has_errors(problems):
        return Exported([], problems)

    by_lesson: dict[str, list[Card]] = {}
    for card in cards:
        by_lesson.setdefault(card.lesson, []).append(card)
    times = ChangeTimes(epoch)
    times.prepare(lesson.path for package in packages for lesson, _ in package.lessons)
    store = Pack(file_in(cache_dir, NOTES))
    files = [
        _write(package, media[id(package)], by_lesson, times, folder, site_url, store, reuse)
        for package in packages
    ]
    store.save()
    return Exported(files, problems)


def _write(
    package: decks.Package,
    media: Media,
    by_lesson: dict[str, list[Card]],
    times: ChangeTimes,
    folder: Path,
    site_url: str | None,
    store: Pack,
    reuse: Reuse | None,
) -> Path:
    target = folder / f"{package.file_stem}{SUFFIX}"
    plan = _plan(package, by_lesson, times, site_url)
    early = _early_key(package, plan, media.files)
    if reuse is not None and reuse.link(target.name, early, target):
        _keep(store, early, plan)
        return target
    data = store.get(early) if early else None
    if data is not None:  # an unchanged course: its package without making a single note
        _keep(store, early, plan)
        write_atomically(target, data)
        return target
    anki_decks = {d: genanki.Deck(d.id, d.name) for d in package.decks}
    newest = 0
    for step in plan:
        for note in _lesson_notes(step, media, times, store):
            newest = max(newest, note.mtime)
            anki_decks[step.source[2]].add_note(note)
    # the note types carry the newest time too, so a new design reaches learners
    stamp = max(newest, notetype.DESIGN_CHANGED)
    chosen = list(anki_decks.values())
    key = _package_key(chosen, media.files, stamp)
    data = store.get(key) if key else None
    if data is None:
        write_package(target, chosen, media.files, stamp)
        data = target.read_bytes()
        if key:
            store.put(key, data)
    else:
        write_atomically(target, data)
    if early:
        store.put(early, data)
    return target


def _keep(store: Pack, early: str | None, plan: list[_LessonPlan]) -> None:
    """A package reused whole keeps its entry and its lessons' note fields, unread."""
    store.keep(early)
    for step in plan:
        store.keep(step.key)


@dataclass
class _LessonPlan:
    """One lesson of a package: what its notes are made from, and their numbers and times."""

    source: tuple[Lesson, list[Card], decks.Deck, str]  # lesson, its cards, deck, link
    order: int  # the number of the notes before it in the package
    key: str | None  # of its note fields; None: made every time (it shows images)
    times: list[int]  # each card's note time, images aside


def _plan(
    package: decks.Package,
    by_lesson: dict[str, list[Card]],
    times: ChangeTimes,
    site_url: str | None,
) -> list[_LessonPlan]:
    plan, order = [], 0
    for lesson, deck in package.lessons:
        own = by_lesson.get(lesson.slug, [])
        source = (lesson, own, deck, lesson_link(site_url, lesson.slug))
        images = any(card.shows_images() for card in own)  # fields depend on files then
        key = None if images else inputs_key("anki-notes", CACHE_FORMAT, *source)
        stamps = note_times(own, lesson, times)
        plan.append(_LessonPlan(source, order, key, stamps))
        order += len(own)
    return plan


def _early_key(
    package: decks.Package, plan: list[_LessonPlan], files: dict[str, Path]
) -> str | None:
    """A package key known before any note is made: each lesson's note-field key (the fields
    are a function of it) with its numbers and times, the decks, the media and the stamp.
    None when a lesson's notes show images (their fields depend on files outside the key)."""
    if any(step.key is None for step in plan):
        return None
    images = _media_digests(files)
    if images is None:
        return None
    stamp = max([notetype.DESIGN_CHANGED, *(t for step in plan for t in step.times)])
    notes = [(step.key, step.order, step.source[2].id, step.times) for step in plan]
    deck_names = [(d.id, d.name) for d in package.decks]
    return inputs_key("apkg-early", CACHE_FORMAT, _versions(), deck_names, notes, images, stamp)


def _lesson_notes(step: _LessonPlan, media: Media, times: ChangeTimes, store: Pack) -> list[Note]:
    """The lesson's notes, numbered after its order, each with its time.

    Fields and tags come from the cache when the lesson, its cards, its deck and link are
    those of an earlier build; notes that show local images are always made again, as their
    output depends on files the key does not cover.
    """
    lesson, cards, deck, link = step.source
    key = step.key
    cached = _cached_fields(store.get(key) if key else None, len(cards))
    notes = []
    for number, card in enumerate(cards, start=1):
        origin = NoteSource(card, lesson, deck.slugs, link, step.order + number)
        images = _Images(media, lesson.path)
        if cached is None:
            note = make_note(origin, images)
        else:
            note = from_fields(origin, *cached[number - 1])
        note.mtime = max([step.times[number - 1], *map(times.of_file, images.used)])
        notes.append(note)
    if key and cached is None:
        store.put(key, pickle.dumps([(n.fields, n.tags) for n in notes], protocol=5))
    return notes


def _cached_fields(data: bytes | None, count: int) -> list[tuple[list[str], list[str]]] | None:
    if data is None:
        return None
    try:
        found = pickle.loads(data)
    except Exception:  # the checksum passed, so only another pipeline wrote this: make again
        return None
    return found if isinstance(found, list) and len(found) == count else None


def _package_key(chosen: list[genanki.Deck], files: dict[str, Path], stamp: int) -> str | None:
    """Everything an `.apkg`'s bytes depend on: decks, notes in order, media, the time."""
    notes = [
        (
            d.deck_id,
            d.name,
            [(n.model.model_id, n.fields, n.tags, n.guid, n.due, n.mtime) for n in d.notes],
        )
        for d in chosen
    ]
    images = _media_digests(files)
    if images is None:
        return None
    return inputs_key("apkg", CACHE_FORMAT, _versions(), notes, images, stamp)


def _media_digests(files: dict[str, Path]) -> list[tuple[str, str]] | None:
    try:
        return [
            (name, hashlib.sha256(path.read_bytes()).hexdigest()) for name, path in files.items()
        ]
    except OSError:
        return None


def _versions() -> tuple[str, str]:
    return metadata.version("genanki"), sqlite3.sqlite_version


@dataclass
class _Images:
    """Renames a note's images to their packed names and remembers the files it used."""

    media: Media
    lesson: Path
    used: list[Path] = field(default_factory=list)

    def __call__(self, fragment: str) -> str:
        html, files = self.media.rewrite(fragment, self.lesson)
        self.used.extend(files)
        return html


def note_times(cards: list[Card], lesson: Lesson, times: ChangeTimes) -> list[int]:
    """For each card, when the lines its note is made of last changed."""
    if not times.knows_lines(lesson.path):  # outside git: every note has the file's time
        return [times.fallback(lesson.path)] * len(cards)
    return [times.of_lines(lesson.path, note_lines(card, lesson)) for card in cards]


def note_lines(card: Card, lesson: Lesson) -> list[tuple[int, int]]:
    """Line ranges: the card's own lines, the title, the front matter entries of its tags."""
    ranges = [card_range(card, lesson)]
    if lesson.titles:
        ranges.append((lesson.title_line, lesson.title_line))
    keys = {*TAG_KEYS, f"{card.kind}Question"}
    for path, (line, _) in lesson.positions.items():
        if path and path[0] in keys:
            ranges.append((line, line))
    return sorted(set(ranges))


def card_range(card: Card, lesson: Lesson) -> tuple[int, int]:
    """First and last line of a question's section, or of a footnote's entry."""
    starts = sorted(s.line for s in lesson.sections)
    if card.kind != FOOTNOTE:
        return card.source.line, _next(starts, card.source.line) - 1
    section = next((s for s in lesson.sections if s.name == FOOTNOTES), None)
    end = _next(starts, section.line) if section else _END
    labels = sorted(n.line for n in lesson.footnotes)
    return card.source.line, min(_next(labels, card.source.line), end) - 1


_END = 1 << 30  # past any file's last line; the blame stops at the real end


def _next(lines: Iterable[int], after: int) -> int:
    return min((n for n in lines if n > after), default=_END)
