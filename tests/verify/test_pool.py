"""Scenarios run in a pool judge every card exactly as a serial run does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import verify
from pipeline.check import check
from pipeline.scenario_cache import ScenarioCache


def many_questions(kit) -> str:
    """40 questions with distinct scenarios: right, wrong and failing ones, and one repeated."""
    questions = []
    for n in range(40):
        scenario = f"$ echo {n}"
        answers = [str(n), "none"]
        if n % 5 == 1:
            answers = ["none", str(n)]  # the answer key is wrong
        if n % 5 == 2:
            scenario = f"$ cat missing-{n}"  # the scenario fails
        if n == 39:
            scenario = "$ echo 0"  # the same text as question 0: one run serves both
            answers = ["0", "none"]
        questions.append(kit.question("Practice", f"It prints ??? ({n}).", answers, scenario))
    return kit.lesson(*questions)


def judged(path: Path, jobs: int, cache: ScenarioCache | None = None):
    checked = check(path)
    verifier = verify.Verifier(cache)
    problems = verifier.verify_all(checked.cards, jobs)
    return [c.verification for c in checked.cards], problems, verifier


def test_a_pooled_run_gives_the_serial_verdicts(kit, write_lesson, tmp_path) -> None:
    path = write_lesson(many_questions(kit))
    serial = judged(path, jobs=1)
    pooled = judged(path, jobs=2, cache=ScenarioCache(tmp_path / "cache"))
    assert pooled[:2] == serial[:2]
    statuses = [v.status for v in serial[0]]
    assert statuses.count("verified") == 24 and statuses.count("failing") == 16
    assert pooled[2].runs == 39  # every distinct text once, none twice
    again = judged(path, jobs=2, cache=ScenarioCache(tmp_path / "cache"))
    assert again[:2] == serial[:2] and again[2].runs == 0  # all from the cache


def test_an_oracle_bug_in_a_worker_still_reaches_its_card(
    kit, write_lesson, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = verify.run

    def buggy(text: str):
        if text.strip() == "$ echo 8":
            raise RuntimeError("a bug in the oracle")
        return real(text)

    monkeypatch.setattr(verify, "run", buggy)  # workers are forked, so they run it too
    path = write_lesson(many_questions(kit))
    verdicts, problems, _ = judged(path, jobs=2)
    broken = [v for v in verdicts if v.message and "a bug in the oracle" in v.message]
    assert len(broken) == 1 and broken[0].status == "failing"
    assert [p for p in problems if p.rule == "internal-error"]
    assert judged(path, jobs=1)[:2] == (verdicts, problems)


def test_the_pool_is_used(kit, write_lesson, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pooled tests above would pass without a pool: prove the runs left this process."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("a pool needs two CPUs")
    ran_here: list[str] = []
    real = verify.run

    def here(text: str):
        ran_here.append(text)
        return real(text)

    monkeypatch.setattr(verify, "run", here)  # forked workers append to their own copy
    path = write_lesson(many_questions(kit))
    judged(path, jobs=2)
    assert ran_here == []
    judged(path, jobs=1)
    assert len(ran_here) == 39
