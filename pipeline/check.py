"""Checking: read a folder (or a file), apply every rule, make the cards.

`check` is the first half of every command: `pipeline check` prints its diagnostics, and
`pipeline build` exports its cards only when it found no error.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import collector, pool, targets
from pipeline import diagnostics as diags
from pipeline.card import Card, make_cards
from pipeline.course import Curriculum, Read, read_curriculum, read_manifest_safely
from pipeline.diagnostics import Diagnostic, internal_error
from pipeline.input_limits import read_bounded
from pipeline.lesson import Lesson
from pipeline.lesson_cache import (
    LessonCache,
    Loaded,
    entry_bytes,
    lesson_key,
    manifest_key,
)
from pipeline.manifest import Manifest, parse_manifest
from pipeline.manifest import validate as validate_manifest
from pipeline.pack import Pack, file_in
from pipeline.reader import read_lesson
from pipeline.rules import check_ids, check_lesson


@dataclass
class Checked:
    curriculum: Curriculum
    cards: list[Card] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        errors, warnings = diags.count(self.diagnostics)
        statuses = Counter(
            card.verification.status for card in self.cards if card.kind != "footnote"
        )
        return {
            "lessons": len(self.curriculum.lessons),
            "cards": len(self.cards),
            "questions": sum(statuses.values()),
            "verified": statuses["verified"],
            "unverified": statuses["unverified"],
            "failing": statuses["failing"],
            "errors": errors,
            "warnings": warnings,
        }


def check(
    path: Path,
    on_lesson: Callable[[Path], None] | None = None,
    *,
    cache_dir: Path | None = None,
    jobs: int = 1,
    after_reading: Callable[[list[Lesson]], None] | None = None,
) -> Checked:
    """Read everything under `path` and check it; diagnostics come back sorted.

    With `cache_dir`, unchanged lessons come from the lesson cache; with `jobs` > 1 the others
    are read and checked in that many processes. Either way the result is the same.
    `after_reading` gets the lessons as soon as they are read, before the course is checked.
    """
    load = LessonLoading(LessonCache(cache_dir) if cache_dir else None, jobs, after_reading)
    manifests = ManifestLoading(Pack(file_in(cache_dir, MANIFESTS)))
    curriculum, problems = read_curriculum(path, on_lesson, load, manifests, manifests.validate)
    manifests.pack.save()
    problems.extend(targets.check_curriculum(curriculum))
    cards = make_cards(curriculum)
    problems.extend(check_ids(cards))
    return Checked(curriculum, cards, diags.ordered(problems))


def read_and_check(path: Path) -> Loaded:
    """One lesson read and put through every lesson rule: the unit that is cached and pooled."""
    lesson, problems = read_lesson(path)
    try:
        problems = [*problems, *check_lesson(lesson)]
    except Exception as exc:  # a bug in a rule must not hide the other lessons
        problems = [*problems, internal_error(lesson.path, exc)]
    return lesson, problems


def _read_and_check_entry(path: Path, key: str) -> bytes:
    """In a worker: the cache entry's bytes, which are also how the result travels back."""
    return entry_bytes(key, read_and_check(path))


_POOL_MINIMUM = 32  # fewer lessons than this are read faster than a pool starts


@dataclass
class LessonLoading:
    """The lesson loader `read_curriculum` calls: cache first, then a pool (or this process)."""

    cache: LessonCache | None = None
    jobs: int = 1
    after_reading: Callable[[list[Lesson]], None] | None = None

    def __call__(self, paths: list[Path]) -> list[Loaded]:
        results: dict[int, Loaded] = {}
        keys: dict[int, str] = {}
        if self.cache is not None:
            with collector.paused():
                for index, path in enumerate(paths):
                    try:
                        keys[index] = lesson_key(path, path.read_bytes())
                    except OSError:  # the reader reports it; nothing to cache
                        continue
                    found = self.cache.load(keys[index])
                    if found is not None:
                        results[index] = found
        missing = [i for i in range(len(paths)) if i not in results]
        for index, entry in zip(missing, self._entries(paths, keys, missing), strict=True):
            key, results[index] = pickle.loads(entry)
            if self.cache is not None and index in keys:
                self.cache.put(key, entry)
        if self.cache is not None:
            self.cache.save()
        for index, key in keys.items():
            results[index][0].digest = key
        loaded = [results[i] for i in range(len(paths))]
        if self.after_reading is not None:
            self.after_reading([lesson for lesson, _ in loaded])
        return loaded

    def _entries(self, paths: list[Path], keys: dict[int, str], todo: list[int]) -> Iterator[bytes]:
        """Each lesson's result as a cache entry (the key is "" when there is none)."""
        args = [paths[i] for i in todo], [keys.get(i, "") for i in todo]
        processes = pool.size(self.jobs, len(todo), _POOL_MINIMUM)
        return pool.ordered_map(_read_and_check_entry, *args, processes=processes, pieces=len(todo))


MANIFESTS = "manifests.pack"  # in the lesson cache: every manifest's parse, in one file


@dataclass
class ManifestLoading:
    """The manifest reader and validator `read_curriculum` calls: parsed manifests by their
    path and bytes, and their schema diagnostics by those and their level, from one pack
    file (parsing and validating 550 manifests costs more than reading them). The caller
    saves the pack."""

    pack: Pack
    keys: dict[int, str] = field(default_factory=dict)  # a manifest's (by id) key in the pack

    def __call__(self, paths: list[Path]) -> list[Read]:
        return [self._one(path) for path in paths]

    def validate(self, manifest: Manifest) -> list[Diagnostic]:
        key = self.keys.get(id(manifest))
        if key is None:
            return validate_manifest(manifest)
        key = hashlib.sha256(f"{key}\0valid\0{manifest.level}".encode()).hexdigest()
        return self.pack.remember(
            key, lambda: validate_manifest(manifest), lambda found: isinstance(found, list)
        )

    def _one(self, path: Path) -> Read:
        if self.pack.file is None:
            return read_manifest_safely(path)
        try:
            data = read_bounded(path)
        except Exception:  # too large or unreadable: the reader says so; nothing to cache
            return read_manifest_safely(path)
        key = manifest_key(path, data)
        try:  # a fresh object from the pack: levels are set later
            read = self.pack.remember(key, lambda: parse_manifest(path, data), _is_read)
        except Exception as exc:  # a bug must not hide the other files' problems
            return None, [internal_error(path, exc)]
        return self._known(read, key)

    def _known(self, read: Read, key: str) -> Read:
        if read[0] is not None:
            self.keys[id(read[0])] = key
        return read


def _is_read(found: object) -> bool:
    return isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], Manifest | None)
