"""The shipped course (`cards/`): its shape, as the issue asks for it, and its own words.

Whether each answer is right is the oracle's business (test_mutations.py); this file checks
what a reviewer would otherwise count by hand: enough lessons, every lesson with Content, a
Practice and a Revision question, every question with a scenario, every lesson listed by a
workout manifest, links of a known nature, and no sentence copied from the source material.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.check import check
from pipeline.lesson import CONTENT
from pipeline.rules import LINK_NATURES

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "cards"
COPYCHECK = ROOT.parent / "shared" / "tools" / "copycheck.py"


@pytest.fixture(scope="module")
def checked():
    return check(COURSE)


def test_the_course_reads_without_a_problem(checked):
    assert not checked.diagnostics, [str(d) for d in checked.diagnostics]


def test_one_topic_one_course_in_workouts(checked):
    curriculum = checked.curriculum
    assert [t.slug for t in curriculum.topics] == ["docker"]
    (course,) = curriculum.topics[0].courses
    assert course.manifest is not None
    assert len(course.workouts) >= 5
    assert all(w.manifest is not None and len(w.lessons) >= 3 for w in course.workouts)
    assert not curriculum.unlisted


def test_at_least_twenty_lessons_with_content_practice_and_revision(checked):
    lessons = checked.curriculum.lessons
    assert len(lessons) >= 20
    for lesson in lessons:
        names = {s.name for s in lesson.sections}
        assert {CONTENT, "Practice", "Revision"} <= names, lesson.path


def test_at_least_sixty_questions_each_with_a_scenario(checked):
    questions = [c for c in checked.cards if c.kind != "footnote"]
    assert len(questions) >= 60
    assert [c.id for c in questions if c.oracle is None] == []


def test_every_lesson_links_to_a_source_of_a_known_nature(checked):
    for lesson in checked.curriculum.lessons:
        assert lesson.links, lesson.path
        for link in lesson.links:
            assert link.well_formed and link.nature in LINK_NATURES, (lesson.path, link.raw)
            assert link.url.startswith("https://"), (lesson.path, link.raw)


def test_the_seeds_corrections_are_taught(checked):
    """The three wrong facts of the seeds each have a question that the oracle proves right."""
    scenarios = "\n".join(c.oracle.text for c in checked.cards if c.oracle)
    assert "GraphDriver" in scenarios  # where layers are stored today (not aufs/diff)
    assert "len .RootFS.Layers" in scenarios  # only some instructions add layers
    assert "--digests" in scenarios  # the ID exists before any registry sees the image


def test_no_sentence_is_copied_from_the_source_material():
    if not COPYCHECK.exists():
        pytest.skip(f"{COPYCHECK} is not available")
    done = subprocess.run(
        [sys.executable, str(COPYCHECK), str(COURSE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
