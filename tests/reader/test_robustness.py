"""No input makes the reader or the rules raise: every problem is a diagnostic."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.card import lesson_cards
from pipeline.reader import parse_lesson
from pipeline.rules import check_lesson

# Pieces of insight syntax, so that random lessons reach deep into the reader.
PIECES = [
    "---\n",
    "---\ncategory: tip\n---\n",
    "# Title\n",
    "## Content\n",
    "## Practice\n",
    "## Quiz\n",
    "## Footnotes\n",
    "### Headline\n",
    "???",
    " ",
    "\n",
    "\n\n",
    "- a\n",
    "* b\n",
    "1. c\n",
    "  - nested\n",
    "```oracle\n$ true\n```\n",
    "```\ncode ???\n```\n",
    "```",
    "[1]",
    "[1: Note]\n",
    "[2: ]\n",
    "<!-- id: x -->",
    "<!-- id: -->",
    "<div>",
    "`",
    "*",
    "> ",
    "\t",
    "\r\n",
    "\ufeff",
    "key: [unclosed\n",
    "a: b: c\n",
    "links:\n  - x\n",
    ":",
    "{",
    "|\n",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40))
@example(parts=["---\n", "\x1f", "---\n"])  # found by this test: a control character in YAML
def test_any_text_reads_and_checks_without_an_exception(parts: list[str]) -> None:
    text = "".join(parts)
    lesson, problems = parse_lesson(text, Path("fuzz.md"))
    assert all(p.rule != "internal-error" for p in problems), problems
    found = check_lesson(lesson)
    assert all(d.line >= 1 and d.col >= 1 for d in [*problems, *found])
    if lesson.readable:
        lesson_cards(lesson, "fuzz.md")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_read_without_an_exception(data: bytes) -> None:
    lesson, problems = parse_lesson(data, Path("fuzz.md"))
    assert all(p.rule != "internal-error" for p in problems), problems
    check_lesson(lesson)


def test_deep_nesting_is_a_diagnostic_not_a_crash() -> None:
    deep = "---\ncategory: " + "[" * 5000 + "\n---\n# T\n" + "> " * 2000 + "text\n"
    lesson, problems = parse_lesson(deep, Path("deep.md"))
    assert [p.rule for p in problems] == ["yaml-syntax"]
    check_lesson(lesson)
