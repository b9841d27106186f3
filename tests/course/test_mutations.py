"""Mutation test of the course's answer keys: every wrong key must be caught by `check`.

For each question of `cards/`, each correct answer is swapped with each distractor, one swap at
a time, in a temporary copy of the lesson file. The copy is read and checked again, and the
verify stage must report the question (the moved distractor now sits in a correct slot, and the
moved answer is now a distractor that the oracle proves right). A swap changes the answer list
only, never the scenario, so each scenario runs once and its outcome is reused for every
mutation of its question.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline import verify
from pipeline.card import Card
from pipeline.check import check
from pipeline.lesson import Answer, Lesson, Question

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "cards"
CAUGHT_BY = {verify.MISMATCH, verify.DISTRACTOR}


@dataclass(frozen=True)
class Mutation:
    lesson: Lesson
    question: Question
    correct: Answer
    distractor: Answer

    @property
    def name(self) -> str:
        where = self.lesson.path.relative_to(COURSE).as_posix()
        swap = f"{self.correct.text!r} <-> {self.distractor.text!r}"
        return f"{where}:{self.question.section}: {swap}"


@pytest.fixture(scope="module")
def course() -> tuple[list[Lesson], list[Card]]:
    checked = check(COURSE)
    errors = [d for d in checked.diagnostics if d.severity == "error"]
    assert not errors, [str(d) for d in errors]
    return checked.curriculum.lessons, checked.cards


@pytest.fixture(scope="module")
def verifier() -> verify.Verifier:
    """No disk cache: each scenario runs once per test session, kept in the verifier's memory."""
    return verify.Verifier()


def mutations(lessons: list[Lesson]) -> Iterator[Mutation]:
    for lesson in lessons:
        for question in lesson.questions:
            distractors = [a for a in question.answers if not a.correct]
            for correct in question.correct_answers:
                for distractor in distractors:
                    yield Mutation(lesson, question, correct, distractor)


def swapped(text: str, first: Answer, second: Answer) -> str:
    """The lesson text with two one-line answer items exchanged in place."""
    lines = text.split("\n")
    a, b = first.line - 1, second.line - 1
    for answer, index in ((first, a), (second, b)):
        assert answer.text in lines[index], f"answer {answer.text!r} is not on line {answer.line}"
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def card_of(cards: list[Card], lesson: Lesson, question: Question) -> Card:
    found = [c for c in cards if c.lesson == lesson.slug and c.source.line == question.line]
    assert len(found) == 1, f"no single card for {lesson.slug}:{question.line}"
    return found[0]


def test_every_question_is_verified(course, verifier):
    """The unmutated course passes: otherwise a caught mutation would prove nothing."""
    _, cards = course
    questions = [c for c in cards if c.kind != "footnote"]
    problems = verifier.verify_all(questions)
    assert not problems, [str(p) for p in problems]
    assert all(c.verification.status == "verified" for c in questions)


def test_every_question_can_be_mutated(course):
    """A question without a distractor would escape the mutation test."""
    lessons, _ = course
    lonely = [
        f"{lesson.slug}:{q.section}"
        for lesson in lessons
        for q in lesson.questions
        if all(a.correct for a in q.answers)
    ]
    assert not lonely


def test_check_catches_every_swapped_answer_key(course, verifier, tmp_path):
    lessons, cards = course
    escaped = []
    count = 0
    for mutation in mutations(lessons):
        count += 1
        original = card_of(cards, mutation.lesson, mutation.question)
        text = mutation.lesson.path.read_text(encoding="utf-8")
        copy = tmp_path / mutation.lesson.path.name
        copy.write_text(swapped(text, mutation.correct, mutation.distractor), encoding="utf-8")
        mutated = check(copy)
        card = next(c for c in mutated.cards if c.id == original.id)
        assert card.oracle is not None and card.oracle.text == original.oracle.text
        assert [a.text for a in card.answers] != [a.text for a in original.answers]
        rules = {p.rule for p in verifier.verify(card)}
        if not rules & CAUGHT_BY or card.verification.status != "failing":
            escaped.append(mutation.name)
    assert count >= 60
    assert not escaped, escaped
