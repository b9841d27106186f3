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


def test_a_warm_pool_gives_the_serial_verdicts_and_closes(kit, write_lesson) -> None:
    """Started before the cards exist (as the build does once the lessons are read), the
    pool serves the run that follows and is gone after it."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("a pool needs two CPUs")
    path = write_lesson(many_questions(kit))
    checked = check(path)
    verifier = verify.Verifier()
    lessons = checked.curriculum.lessons
    verifier.warm_up([q.oracle.text for q in lessons[0].questions if q.oracle], jobs=2)
    assert verifier._pool is not None
    problems = verifier.verify_all(checked.cards, jobs=2)
    assert verifier._pool is None and verifier.runs == 39
    assert ([c.verification for c in checked.cards], problems) == judged(path, jobs=1)[:2]


def test_no_warm_pool_for_a_few_scenarios_or_cached_ones(kit, write_lesson, tmp_path) -> None:
    path = write_lesson(many_questions(kit))
    texts = [card.oracle.text for card in check(path).cards if card.oracle]
    verifier = verify.Verifier()
    verifier.warm_up(texts[:3], jobs=2)  # fewer than a pool is worth
    assert verifier._pool is None
    judged(path, jobs=1, cache=ScenarioCache(tmp_path / "cache"))
    cached = verify.Verifier(ScenarioCache(tmp_path / "cache"))
    cached.warm_up(texts, jobs=2)  # all of them known: nothing to run
    assert cached._pool is None


def test_an_unused_warm_pool_is_closed_with_its_workers(kit, write_lesson) -> None:
    """A build whose check fails never verifies: its warm pool must not outlive it."""
    import multiprocessing

    path = write_lesson(many_questions(kit))
    texts = [card.oracle.text for card in check(path).cards if card.oracle]
    verifier = verify.Verifier()
    verifier.warm_up(texts, jobs=2)
    if verifier._pool is None:
        pytest.skip("a pool needs two CPUs")
    workers = multiprocessing.active_children()
    assert len(workers) == 2
    verifier.close()
    assert verifier._pool is None
    assert not any(worker.is_alive() for worker in workers)


def test_a_build_whose_check_fails_leaves_no_worker(
    kit, write_lesson, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build starts the scenario pool once the lessons are read, before it knows whether
    the check passed; an error found then still ends the build with no process left."""
    import multiprocessing

    from pipeline import pool
    from pipeline.build import build

    if (os.cpu_count() or 1) < 2:
        pytest.skip("a pool needs two CPUs")
    started = []
    monkeypatch.setattr(pool.Warm, "__init__", _recorded(pool.Warm.__init__, started))
    path = write_lesson(many_questions(kit))
    write_lesson("no title, no sections\n", name="broken.md")
    result = build(path.parent, tmp_path / "dist", cache_dir=tmp_path / "oracle", jobs=2)
    assert not result.ok and any(d.path.endswith("broken.md") for d in result.diagnostics)
    assert len(started) == 1  # the pool was started, then closed unused
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "dist").exists()


def _recorded(method, calls: list):
    def record(*args, **kwargs):
        calls.append(args)
        return method(*args, **kwargs)

    return record


def test_an_oracle_that_fails_to_start_in_a_warm_pool_still_judges_every_card(
    kit, write_lesson, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warming up is only an optimisation: a world that cannot be made fails each scenario
    where its error reaches the card, as without a warm pool, instead of breaking the pool."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("a pool needs two CPUs")

    def broken_world():
        raise RuntimeError("the oracle cannot start")

    monkeypatch.setattr(verify, "_new_world", broken_world)  # the workers are forked with it
    path = write_lesson(many_questions(kit))
    checked = check(path)
    verifier = verify.Verifier()
    verifier.warm_up([c.oracle.text for c in checked.cards if c.oracle], jobs=2)
    assert verifier._pool is not None
    problems = verifier.verify_all(checked.cards, jobs=2)
    assert verifier._pool is None
    assert {c.verification.status for c in checked.cards if c.oracle} == {"failing"}
    assert all("the oracle cannot start" in (c.verification.message or "") for c in checked.cards)
    serial = judged(path, jobs=1)  # the broken world is in force here too
    assert ([c.verification for c in checked.cards], problems) == serial[:2]
