"""Helpers for the Anki tests: small courses on disk, the real build, a fresh Anki collection.

The decks are imported by Anki's own library (the `anki` package from PyPI), headlessly, into
a new collection in a temporary folder: what a learner's Anki would do with them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from external import missing, require_executable, require_module  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


# -- courses ---------------------------------------------------------------------------------


def lesson(
    title: str,
    questions: Sequence[str] = (),
    footnotes: str = "",
    front: str = "category: must-know\naspects:\n  - introduction\n",
    content: str = "Some content about the subject.",
) -> str:
    """An insight file: front matter, a title, a Content section, question sections."""
    parts = [f"---\nauthor: tests\ntype: normal\n{front}---\n\n# {title}\n"]
    parts.append(f"---\n\n## Content\n\n{content}\n")
    parts.extend(textwrap.dedent(q).strip() + "\n" for q in questions)
    if footnotes:
        parts.append("---\n\n## Footnotes\n\n" + textwrap.dedent(footnotes).strip() + "\n")
    return "\n".join(parts)


def question(section: str, text: str, answers: list[str], oracle: str = "") -> str:
    body = f"---\n\n## {section}\n\n{text}\n\n" + "".join(f"- {a}\n" for a in answers)
    if oracle:
        body += f"\n```oracle\n{oracle.strip()}\n```\n"
    return body


@dataclass
class Course:
    """A topic with one course and its workouts, written under `root`."""

    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def manifests(self, workouts: dict[str, list[str]]) -> None:
        self.write("README.md", "name: Topic One\ndescription: A topic.\n")
        listed = "".join(f"    - {w}\n" for w in workouts)
        self.write(
            "course/README.md",
            f"name: Course One\ndescription: A course.\nsections:\n  '0':\n{listed}",
        )
        for workout, lessons in workouts.items():
            insights = "".join(f"  - {slug}\n" for slug in lessons)
            name = workout.replace("-", " ").title()
            self.write(
                f"course/{workout}/README.md",
                f"name: {name}\ndescription: A workout.\ninsights:\n{insights}",
            )


ALPHA_FRONT = """\
category: must-know
aspects:
  - introduction
  - workout
tags:
  - layers
"""
BETA_FRONT = """\
category: tip
aspects:
  - deep
practiceQuestion:
  formats:
    - fill-in-the-gap
    - type-in-the-gap
"""
ALPHA_CONTENT = "A layer[1] is named by its digest[2]."
COUNT_LINES = "$ printf 'a\\nb\\n' | wc -l"


def small_course(root: Path) -> Course:
    """Two workouts, three lessons: one and two gaps, code, footnotes, an oracle, type-in."""
    course = Course(root)
    course.manifests({"first-steps": ["alpha", "beta"], "going-on": ["gamma"]})
    alpha = [
        question(
            "Practice", "Which instruction adds a layer?\n\n???", ["`COPY`", "`ENV`", "`CMD`"]
        ),
        question(
            "Revision",
            "Fill in:\n\n```Dockerfile\nFROM scratch\n??? app.py /app/\n```",
            ["COPY", "LABEL", "EXPOSE"],
        ),
    ]
    footnotes = "[1: Layer]\nA set of file-system changes.\n\n[2: Digest]\nA content hash."
    course.write(
        "course/first-steps/alpha.md",
        lesson("Alpha Lesson", alpha, footnotes, ALPHA_FRONT, ALPHA_CONTENT),
    )
    beta = [
        question(
            "Practice", "Images are ??? and containers are ???.", ["read-only", "writable", "empty"]
        )
    ]
    course.write("course/first-steps/beta.md", lesson("Beta Lesson", beta, front=BETA_FRONT))
    gamma = [
        question(
            "Practice", "`printf 'a\\nb\\n' | wc -l` prints ???.", ["2", "1", "3"], COUNT_LINES
        ),
        question("Quiz", "### Tags\n\nA tag names ???.", ["an image", "a layer", "a volume"]),
    ]
    course.write("course/going-on/gamma.md", lesson("Gamma Lesson", gamma))
    return course


# -- building --------------------------------------------------------------------------------


@dataclass
class Built:
    output: Path
    process: subprocess.CompletedProcess[str]

    @property
    def ok(self) -> bool:
        return self.process.returncode == 0

    @property
    def cards_json(self) -> dict[str, Any]:
        return json.loads((self.output / "cards.json").read_text(encoding="utf-8"))

    @property
    def packages(self) -> list[Path]:
        return sorted(self.output.glob("*.apkg"))


def build(source: Path, output: Path, env: dict[str, str] | None = None) -> Built:
    """`python -m pipeline build SOURCE -o OUTPUT`, the way a publisher runs it."""
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env or {})
    process = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", str(source), "-o", str(output)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Built(output, process)


# -- git -------------------------------------------------------------------------------------


@dataclass
class Repo:
    root: Path

    def git(self, *args: str, when: int | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.root)}
        if when is not None:
            stamp = f"@{when} +0000"
            env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def init(self) -> Repo:
        self.git("init", "-q")
        self.git("config", "user.name", "Tests")
        self.git("config", "user.email", "tests@example.invalid")
        self.git("config", "commit.gpgsign", "false")
        return self

    def commit(self, message: str, when: int) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, when=when)


# -- Anki ------------------------------------------------------------------------------------


class Learner:
    """A fresh Anki collection that imports packages the way Anki's import dialog does."""

    def __init__(self, folder: Path) -> None:
        from anki.collection import Collection

        folder.mkdir(parents=True, exist_ok=True)
        self.col = Collection(str(folder / "collection.anki2"))

    def import_package(self, path: Path) -> Any:
        from anki.import_export_pb2 import (
            ImportAnkiPackageOptions,
            ImportAnkiPackageRequest,
            ImportAnkiPackageUpdateCondition,
        )

        options = ImportAnkiPackageOptions(
            merge_notetypes=False,
            update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            with_scheduling=False,
            with_deck_configs=False,
        )
        request = ImportAnkiPackageRequest(package_path=str(path), options=options)
        return self.col.import_anki_package(request).log

    def notes_by_id(self) -> dict[str, Any]:
        """Every note, keyed by its `Id` field (the card id of cards.json)."""
        notes = {}
        for note_id in self.col.find_notes(""):
            note = self.col.get_note(note_id)
            notes[note["Id"]] = note
        return notes

    def close(self) -> None:
        self.col.close()


@pytest.fixture
def learner(tmp_path: Path) -> Iterator[Learner]:
    require_module("anki", "pip install anki")
    person = Learner(tmp_path / "anki")
    yield person
    person.close()


@pytest.fixture
def make_learner(tmp_path: Path) -> Iterator[Any]:
    require_module("anki", "pip install anki")
    made: list[Learner] = []

    def make(name: str) -> Learner:
        made.append(Learner(tmp_path / f"anki-{name}"))
        return made[-1]

    yield make
    for person in made:
        person.close()


@pytest.fixture
def helpers() -> Any:
    """The module's helpers, for test files (importlib mode cannot import a conftest)."""
    return sys.modules[__name__]
