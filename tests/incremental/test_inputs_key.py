"""Output-cache keys: a lesson or card with a known origin counts by that origin only."""

from __future__ import annotations

from pathlib import Path

from pipeline.card import Card, Source, Verification
from pipeline.lesson import Lesson
from pipeline.lesson_cache import inputs_key


def card(origin: str | None, text: str = "t") -> Card:
    return Card("id", "practice", "lesson", "Practice", Source("a.md", 3), text, "h", origin=origin)


def test_a_lesson_with_a_digest_is_keyed_by_it() -> None:
    one = Lesson(Path("a.md"), "a", title_html="A", digest="d1")
    same = Lesson(Path("b.md"), "b", title_html="B", digest="d1")  # the digest says it all
    other = Lesson(Path("a.md"), "a", title_html="A", digest="d2")
    assert inputs_key("k", [one]) == inputs_key("k", [same])
    assert inputs_key("k", [one]) != inputs_key("k", [other])


def test_a_lesson_without_a_digest_is_keyed_by_its_contents() -> None:
    one = Lesson(Path("a.md"), "a", title_html="A")
    assert inputs_key(one) == inputs_key(Lesson(Path("a.md"), "a", title_html="A"))
    assert inputs_key(one) != inputs_key(Lesson(Path("a.md"), "a", title_html="B"))
    assert inputs_key(one) != inputs_key(Lesson(Path("a.md"), "a", title_html="A", digest="d"))


def test_a_card_is_keyed_by_its_origin_and_its_verification() -> None:
    assert inputs_key((card("o"),)) == inputs_key((card("o", text="other"),))
    assert inputs_key(card("o")) != inputs_key(card("p"))
    verified = card("o")
    verified.verification = Verification("verified", "1")
    assert inputs_key(card("o")) != inputs_key(verified)
    assert inputs_key(card(None)) != inputs_key(card(None, text="other"))
