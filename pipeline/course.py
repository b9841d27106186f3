"""The course tree: topic → course → workout → lesson, read from a folder and its manifests.

A folder with manifests gives the tree they describe; a level without a manifest (a folder of
workouts with no course README) gets a plain node named after its folder. A single lesson file,
or a folder with no manifest at all (the seeds), is a set of lessons outside any workout.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline import manifest as manifests
from pipeline.diagnostics import Diagnostic, error, internal_error, warning
from pipeline.lesson import Lesson
from pipeline.manifest import COURSE, MANIFEST, TOPIC, WORKOUT, Manifest
from pipeline.reader import read_lesson

LESSON_SUFFIX = ".md"


@dataclass
class Workout:
    slug: str
    folder: Path
    manifest: Manifest | None = None
    lessons: list[Lesson] = field(default_factory=list)
    section: str | None = None  # the course section that lists it


@dataclass
class Course:
    slug: str
    folder: Path
    manifest: Manifest | None = None
    workouts: list[Workout] = field(default_factory=list)


@dataclass
class Topic:
    slug: str
    folder: Path
    manifest: Manifest | None = None
    courses: list[Course] = field(default_factory=list)


@dataclass
class Curriculum:
    """Everything read from one PATH: the tree, and the lessons no workout lists."""

    root: Path
    topics: list[Topic] = field(default_factory=list)
    unlisted: list[Lesson] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)

    @property
    def lessons(self) -> list[Lesson]:
        """Every lesson once: in course order, then the unlisted ones."""
        listed = [
            lesson
            for topic in self.topics
            for course in topic.courses
            for workout in course.workouts
            for lesson in workout.lessons
        ]
        return listed + self.unlisted

    def relative(self, path: Path) -> str:
        """`path` relative to the folder read (POSIX), as written into the exports."""
        return _relative(self.root, path)


@lru_cache(maxsize=1 << 16)  # asked for each lesson by the cards, cards.json, the decks, the site
def _relative(root: Path, path: Path) -> str:
    # a lesson file read on its own is the root: it is relative to its folder (no stat)
    base = root.parent if path == root else root
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


# Reads lesson files, in order, each into its lesson and problems (check.py's caches and pools).
LessonLoader = Callable[[list[Path]], Iterable[tuple[Lesson, list[Diagnostic]]]]


def read_lessons(paths: list[Path]) -> Iterator[tuple[Lesson, list[Diagnostic]]]:
    return map(read_lesson, paths)


Read = tuple[Manifest | None, list[Diagnostic]]
# Reads manifest files, in order (check.py's cache), each into its manifest and problems.
ManifestReader = Callable[[list[Path]], Iterable[Read]]
ManifestValidator = Callable[[Manifest], list[Diagnostic]]  # once its level is known


def read_manifests(paths: list[Path]) -> Iterator[Read]:
    return map(read_manifest_safely, paths)


def read_manifest_safely(path: Path) -> Read:
    try:
        return manifests.read_manifest(path)
    except Exception as exc:  # a bug must not hide the other files' problems
        return None, [internal_error(path, exc)]


def read_curriculum(
    root: Path,
    on_lesson: object = None,
    load: LessonLoader = read_lessons,
    load_manifests: ManifestReader = read_manifests,
    validate_manifest: ManifestValidator = manifests.validate,
) -> tuple[Curriculum, list[Diagnostic]]:
    """Read every lesson and manifest under `root` (a folder or one lesson file)."""
    if not root.exists():
        return Curriculum(root), [error(root, 1, "no such file or folder", "read-error")]
    if root.is_file():
        [(lesson, problems)] = load([root])
        return Curriculum(root, unlisted=[lesson]), problems
    return _TreeReader(root, on_lesson, load, load_manifests, validate_manifest).read()


class _TreeReader:
    def __init__(
        self,
        root: Path,
        on_lesson: object = None,
        load: LessonLoader = read_lessons,
        load_manifests: ManifestReader = read_manifests,
        validate_manifest: ManifestValidator = manifests.validate,
    ):
        self.root = root
        self.load_manifests = load_manifests
        self.validate_manifest = validate_manifest
        self.on_lesson = on_lesson if callable(on_lesson) else None
        self.load = load
        self.problems: list[Diagnostic] = []
        self.lessons: dict[Path, Lesson] = {}
        self.manifests: dict[Path, Manifest] = {}  # folder → manifest

    def read(self) -> tuple[Curriculum, list[Diagnostic]]:
        lesson_files, manifest_files = _discover(self.root)
        for path, (lesson, problems) in zip(lesson_files, self.load(lesson_files), strict=True):
            self.lessons[path] = lesson
            self.problems.extend(problems)
            if self.on_lesson:
                self.on_lesson(path)
        loaded = self.load_manifests(manifest_files)
        for path, (manifest, problems) in zip(manifest_files, loaded, strict=True):
            self.problems.extend(problems)
            if manifest is not None:
                self.manifests[path.parent] = manifest
        self.decide_levels()
        for manifest in self.manifests.values():
            self.problems.extend(self.validate_manifest(manifest))

        curriculum = Curriculum(self.root, manifests=list(self.manifests.values()))
        placed = self.build_tree(curriculum)
        listed = sorted(self.lessons.items())
        curriculum.unlisted = [lesson for _, lesson in listed if id(lesson) not in placed]
        if self.manifests:
            for lesson in curriculum.unlisted:
                message = f"lesson `{lesson.slug}` is not listed in any workout manifest"
                self.problems.append(warning(lesson.path, 1, message, "unlisted-lesson"))
        self.check_slugs(curriculum)
        return curriculum, self.problems

    def decide_levels(self) -> None:
        """Keys decide when they can; otherwise the layout: lessons make a workout folder,
        workout folders make a course folder, anything above is a topic."""
        deepest_first = sorted(self.manifests, key=lambda f: len(f.parts), reverse=True)
        for folder in deepest_first:
            manifest = self.manifests[folder]
            declared = manifest.declared_level
            if declared is not None:
                manifest.level = declared
            elif any(path.parent == folder for path in self.lessons):
                manifest.level = WORKOUT
            elif any(m.level == WORKOUT for f, m in self.manifests.items() if f.parent == folder):
                manifest.level = COURSE
            else:
                manifest.level = TOPIC

    def nearest(self, folder: Path, level: str) -> Manifest | None:
        for candidate in (folder, *folder.parents):
            found = self.manifests.get(candidate)
            if found is not None and found.level == level:
                return found
            if candidate == self.root:
                break
        return None

    def build_tree(self, curriculum: Curriculum) -> set[int]:
        """Fill topics, courses and workouts; returns the ids of the lessons placed."""
        placed: set[int] = set()
        workouts = [self.workout(m, placed) for m in self.ordered(WORKOUT)]
        courses: dict[Path, Course] = {}
        for workout in workouts:
            course_manifest = self.nearest(workout.folder.parent, COURSE)
            folder = course_manifest.folder if course_manifest else self.up(workout.folder)
            course = courses.setdefault(folder, Course(folder.name, folder, course_manifest))
            course.workouts.append(workout)
        for manifest in self.ordered(COURSE):  # courses whose workouts are all missing
            courses.setdefault(
                manifest.folder, Course(manifest.folder.name, manifest.folder, manifest)
            )
        for course in courses.values():
            self.order_workouts(course)

        topics: dict[Path, Topic] = {}
        for folder in sorted(courses):
            course = courses[folder]
            topic_manifest = self.nearest(folder.parent, TOPIC)
            base = topic_manifest.folder if topic_manifest else self.up(folder)
            topics.setdefault(base, Topic(base.name, base, topic_manifest)).courses.append(course)
        for manifest in self.ordered(TOPIC):
            topics.setdefault(
                manifest.folder, Topic(manifest.folder.name, manifest.folder, manifest)
            )
        curriculum.topics = [topics[f] for f in sorted(topics)]
        return placed

    def up(self, folder: Path) -> Path:
        """The parent folder, but never above the folder being read."""
        return folder if folder == self.root else folder.parent

    def ordered(self, level: str) -> list[Manifest]:
        return [
            self.manifests[f] for f in sorted(self.manifests) if self.manifests[f].level == level
        ]

    def workout(self, manifest: Manifest, placed: set[int]) -> Workout:
        workout = Workout(manifest.folder.name, manifest.folder, manifest)
        seen: set[str] = set()
        for entry in manifest.entries():
            if entry.slug in seen:
                message = f"lesson `{entry.slug}` is listed twice"
                self.problems.append(warning(manifest.path, entry.line, message, "duplicate-entry"))
                continue
            seen.add(entry.slug)
            lesson = self.lessons.get(manifest.folder / f"{entry.slug}{LESSON_SUFFIX}")
            if lesson is None:
                file = f"{entry.slug}{LESSON_SUFFIX}"
                message = f"lesson `{entry.slug}` is listed but `{file}` does not exist"
                self.problems.append(error(manifest.path, entry.line, message, "missing-lesson"))
                continue
            workout.lessons.append(lesson)
            placed.add(id(lesson))
        return workout

    def order_workouts(self, course: Course) -> None:
        """Listed workouts in section order, then those the course manifest does not list."""
        if course.manifest is None:
            course.workouts.sort(key=lambda w: w.slug)
            return
        by_slug = {w.slug: w for w in course.workouts if w.folder.parent == course.folder}
        ordered: list[Workout] = []
        for entry in course.manifest.entries():
            workout = by_slug.pop(entry.slug, None)
            if workout is None:
                if not any(w.slug == entry.slug for w in ordered):
                    message = f"workout `{entry.slug}` is listed but has no folder with a manifest"
                    self.problems.append(
                        error(course.manifest.path, entry.line, message, "missing-workout")
                    )
                continue
            workout.section = entry.section
            ordered.append(workout)
        rest = [w for w in course.workouts if w not in ordered]
        for workout in rest:
            message = f"workout `{workout.slug}` is not listed in the course manifest"
            where = workout.manifest.path if workout.manifest else workout.folder
            self.problems.append(warning(where, 1, message, "unlisted-workout"))
        course.workouts = ordered + sorted(rest, key=lambda w: w.slug)

    def check_slugs(self, curriculum: Curriculum) -> None:
        """Card ids start with the lesson slug, so two lessons may not share one."""
        first: dict[str, Lesson] = {}
        for lesson in sorted(self.lessons.values(), key=lambda lesson: lesson.path):
            other = first.setdefault(lesson.slug, lesson)
            if other is not lesson:
                message = f"lesson slug `{lesson.slug}` is already used by {other.path}"
                self.problems.append(error(lesson.path, 1, message, "duplicate-slug"))


def _discover(root: Path) -> tuple[list[Path], list[Path]]:
    """Lesson files and manifests under `root`, skipping hidden folders and node_modules."""
    lessons, found = [], []
    for folder, dirs, files in os.walk(root):  # as rglob: links to folders are not followed
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        for name in files:
            path = os.path.join(folder, name)
            if name.startswith(".") or not os.path.isfile(path):  # a broken link: no file
                continue
            if name == MANIFEST:
                found.append(Path(path))
            elif name.endswith(LESSON_SUFFIX):
                lessons.append(Path(path))
    return sorted(lessons), sorted(found)
