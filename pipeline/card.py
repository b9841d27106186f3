"""Cards: one per question (practice, revision, quiz) and one per footnote (term, definition).

A card's id is stable: `<lesson-slug>.<section>.<ordinal>` (`image-layers.practice.1`,
`image-layers.footnote.2`, the footnote's own number), so editing a question's text keeps its
id and a study tool keeps its history. `<!-- id: my-id -->` in the question overrides it.
Cards are plain data: the exporters read them and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pipeline.course import Curriculum
from pipeline.lesson import FOOTNOTES, Lesson

Status = Literal["unverified", "verified", "failing"]
FOOTNOTE = "footnote"


@dataclass
class Source:
    path: str  # relative to the folder read, POSIX
    line: int


@dataclass
class CardAnswer:
    text: str
    html: str
    correct: bool


@dataclass
class Definition:
    text: str
    html: str


@dataclass
class Scenario:
    """A question's oracle block, verbatim; `line` is the file line of its first line."""

    text: str
    line: int


@dataclass
class Verification:
    """What the oracle said about the answers; a later stage fills it in."""

    status: Status = "unverified"
    output: str | None = None
    message: str | None = None


@dataclass
class Card:
    id: str
    kind: str  # practice, revision, quiz or footnote
    lesson: str  # the lesson's slug
    section: str  # Practice, Revision, Quiz or Footnotes
    source: Source
    text: str  # Markdown: the question with its gaps, or the footnote's term
    html: str
    headline: str | None = None
    gaps: int = 0
    answers: list[CardAnswer] = field(default_factory=list)
    definition: Definition | None = None
    oracle: Scenario | None = None
    verification: Verification = field(default_factory=Verification)
    path: Path = field(default=Path(), compare=False, repr=False)  # the file, for diagnostics
    id_line: int = field(default=0, compare=False, repr=False)  # where an `id` comment gives it
    # What the card was made from besides its verification (the lesson's digest, the source
    # path and the card's place), when known: output caches key on it instead of the card.
    origin: str | None = field(default=None, compare=False, repr=False)

    def shows_images(self) -> bool:
        """Does any HTML of the card (question, answers, definition) show an image?"""
        fragments = [self.html, *(a.html for a in self.answers)]
        fragments.append(self.definition.html if self.definition else "")
        return any("<img" in fragment for fragment in fragments)

    def to_dict(self) -> dict[str, Any]:
        """The card as in cards.json (schemas/card.schema.json). Its parts are flat records of
        strings, numbers and booleans, so their fields are copied as they are (`asdict` deep
        copied every value: a fifth of writing cards.json)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "lesson": self.lesson,
            "section": self.section,
            "source": _fields(self.source),
            "headline": self.headline,
            "text": self.text,
            "html": self.html,
            "gaps": self.gaps,
            "answers": [_fields(answer) for answer in self.answers],
            "definition": _fields(self.definition),
            "oracle": _fields(self.oracle),
            "verification": _fields(self.verification),
        }


def _fields(part: Source | CardAnswer | Definition | Scenario | Verification | None) -> Any:
    return None if part is None else {name: getattr(part, name) for name in _names(type(part))}


@cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def lesson_cards(lesson: Lesson, source_path: str) -> list[Card]:
    """The cards of one lesson, questions first (in section order), then footnotes."""
    cards = []
    ordinals: dict[str, int] = {}
    for question in lesson.questions:
        kind = question.kind
        ordinals[kind] = ordinals.get(kind, 0) + 1
        oracle = question.oracle
        cards.append(
            Card(
                id=question.id or f"{lesson.slug}.{kind}.{ordinals[kind]}",
                kind=kind,
                lesson=lesson.slug,
                section=question.section,
                source=Source(source_path, question.line),
                text=question.text,
                html=question.html,
                headline=question.headline,
                gaps=len(question.gaps),
                answers=[CardAnswer(a.text, a.html, a.correct) for a in question.answers],
                oracle=Scenario(oracle.text, oracle.line) if oracle else None,
                path=lesson.path,
                id_line=question.ids[0][1] if question.ids else question.line,
            )
        )
    numbers: set[int] = set()
    for note in lesson.footnotes:
        if note.number in numbers:  # a second definition of a number is an error, not a card
            continue
        numbers.add(note.number)
        cards.append(
            Card(
                id=note.id or f"{lesson.slug}.{FOOTNOTE}.{note.number}",
                kind=FOOTNOTE,
                lesson=lesson.slug,
                section=FOOTNOTES,
                source=Source(source_path, note.line),
                text=note.title,
                html=note.title_html,
                definition=Definition(note.text, note.html),
                path=lesson.path,
                id_line=note.ids[0][1] if note.ids else note.line,
            )
        )
    if lesson.digest is not None:
        for number, card in enumerate(cards):
            card.origin = f"{lesson.digest}\0{source_path}\0{number}"
    return cards


def make_cards(curriculum: Curriculum) -> list[Card]:
    """Every card, in course order."""
    return [
        card
        for lesson in curriculum.lessons
        if lesson.readable
        for card in lesson_cards(lesson, curriculum.relative(lesson.path))
    ]
