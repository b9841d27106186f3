"""Rule 3: answers are compared as text without Markdown, white space folded, case kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.card import Card, CardAnswer, Scenario, Source
from pipeline.markdown import render_inline
from pipeline.scenario_cache import Outcome
from pipeline.verify import answer_text, judge, normalise


def answer(markdown: str, correct: bool = False) -> CardAnswer:
    return CardAnswer(markdown, render_inline(markdown), correct)


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("`COPY`", "COPY"),
        ("**2**", "2"),
        ("*2*", "2"),
        ("_2_", "2"),
        ("__2__", "2"),
        ("`my_app`", "my_app"),
        ("my_app", "my_app"),
        ("`*.txt`", "*.txt"),
        ("2\\*3", "2*3"),
        ("`<none>`", "<none>"),
        ("<none>", "<none>"),
        ("a & b", "a & b"),
        ("2>&1", "2>&1"),
        ("  `1.07GB`  ", "1.07GB"),
        ("`1.02kB (virtual   1.07GB)`", "1.02kB (virtual 1.07GB)"),
        ("`sha256:5f70bf18`", "sha256:5f70bf18"),
    ],
)
def test_an_answer_loses_its_markdown(markdown: str, text: str) -> None:
    assert answer_text(answer(markdown)) == text


def test_white_space_is_folded_and_trimmed_but_case_is_kept() -> None:
    assert normalise("  two \t  words \n") == "two words"
    assert normalise("ENV") != normalise("env")


def card(answers: list[CardAnswer], gaps: int = 1) -> Card:
    return Card(
        id="x.practice.1",
        kind="practice",
        lesson="x",
        section="Practice",
        source=Source("x.md", 3),
        text="",
        html="",
        gaps=gaps,
        answers=answers,
        oracle=Scenario("$ true", 10),
        path=Path("x.md"),
    )


def test_a_match_ignores_markdown_and_spacing_on_both_sides() -> None:
    question = card([answer("`1.02kB (virtual 1.07GB)`", True), answer("1.02kB")])
    assert judge(question, question.oracle, Outcome("1.02kB  (virtual 1.07GB)")) == []


def test_case_matters() -> None:
    question = card([answer("`env`", True), answer("`ARG`")])
    [problem] = judge(question, question.oracle, Outcome("ENV"))
    assert problem.rule == "oracle-mismatch" and problem.line == 10


def test_a_distractor_equal_to_any_gap_fails() -> None:
    question = card([answer("a", True), answer("b", True), answer("`b`"), answer("c")], gaps=2)
    problems = judge(question, question.oracle, Outcome("a\nb\nc"))  # only 2 lines are gaps
    assert [p.rule for p in problems] == ["oracle-distractor"]
    assert "for gap 2" in problems[0].message


def test_extra_output_lines_beyond_the_gaps_are_ignored() -> None:
    question = card([answer("3", True), answer("4")])
    assert judge(question, question.oracle, Outcome("3\nsecond line")) == []


def test_a_failing_scenario_keeps_its_whole_standard_error_in_the_card(kit, write_lesson) -> None:
    from pipeline.check import check
    from pipeline.verify import Verifier

    scenario = "$ echo fine\n$ sh -c 'echo one >&2; echo two >&2; exit 3'"
    question = kit.question("Practice", "It prints ???.", ["a", "b"], scenario)
    path = write_lesson(kit.lesson(question))
    cards = check(path).cards
    [problem] = Verifier().verify_all(cards)
    assert problem.message.endswith("(exit status 3); stderr: one | two")  # one line
    verification = cards[0].verification
    assert verification.status == "failing"
    assert verification.message.endswith("(exit status 3)\none\ntwo")
