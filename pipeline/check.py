"""Checking: read a folder (or a file), apply every rule, make the cards.

`check` is the first half of every command: `pipeline check` prints its diagnostics, and
`pipeline build` exports its cards only when it found no error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import diagnostics as diags
from pipeline.card import Card, make_cards
from pipeline.course import Curriculum, read_curriculum
from pipeline.diagnostics import Diagnostic, internal_error
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


def check(path: Path, on_lesson: Callable[[Path], None] | None = None) -> Checked:
    """Read everything under `path` and check it; diagnostics come back sorted."""
    curriculum, problems = read_curriculum(path, on_lesson)
    for lesson in curriculum.lessons:
        try:
            problems.extend(check_lesson(lesson))
        except Exception as exc:  # a bug in a rule must not hide the other lessons
            problems.append(internal_error(lesson.path, exc))
    cards = make_cards(curriculum)
    problems.extend(check_ids(cards))
    return Checked(curriculum, cards, diags.ordered(problems))
