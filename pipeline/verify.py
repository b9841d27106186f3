"""Verification: every question's oracle scenario is run, and its output must be the answer key.

oracle-scenarios.md, rules 2 to 5 and 7. A scenario runs in a fresh world; its answer is the
last command's standard output, stripped, and a question with N gaps takes its first N lines.
Each correct answer must equal its gap's line and no distractor may equal any of them, compared
as text once Markdown is taken away (inline code, emphasis, escapes) and white space is folded.
A question without a scenario stays "unverified", an error only under `--strict`.

The outcome of each card lands in `card.verification`; problems come back as diagnostics at the
scenario's line (a wrong key or a right distractor) or at the failing command's line.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import diagnostics as diags
from pipeline import pool
from pipeline import text as text_of
from pipeline.card import FOOTNOTE, Card, CardAnswer, Scenario, Verification
from pipeline.diagnostics import Diagnostic
from pipeline.scenario_cache import FailedCommand, Outcome, ScenarioCache, default_cache_dir

if TYPE_CHECKING:
    from pipeline.build import BuildContext
    from pipeline.lesson import Lesson
    from pipeline.oracle.scenario import World

MISMATCH = "oracle-mismatch"
DISTRACTOR = "oracle-distractor"
SCENARIO = "oracle-scenario"
UNVERIFIED = "oracle-unverified"
_SHOWN = 300  # characters of standard error a one-line diagnostic quotes


def _new_world() -> World:
    """A fresh world whose host shell has `docker` (rule 6: nothing is shared between runs)."""
    from pipeline.oracle.world import new_world  # loaded when a scenario runs, not at start

    return new_world()


# -- running scenarios ---------------------------------------------------------------------------


def run(text: str) -> Outcome:
    """Run one scenario in a fresh world; line numbers count from its first line."""
    from pipeline.oracle.scenario import ScenarioSyntaxError, run_scenario

    try:
        result = run_scenario(text, _new_world(), first_line=1)
    except ScenarioSyntaxError as exc:
        message = str(exc).split(": ", 1)[-1]
        return Outcome("", FailedCommand(exc.line, "", "not a scenario line", message))
    failed = result.failure
    if failed is None:
        return Outcome(result.answer)
    command = failed.command
    return Outcome(
        result.answer, FailedCommand(command.line, command.text, failed.reason, failed.stderr)
    )


@dataclass
class Verifier:
    """Runs scenarios (through the cache when there is one) and judges cards."""

    cache: ScenarioCache | None = None
    runs: int = 0  # scenarios actually run, not served by the cache
    _seen: dict[str, Outcome] = field(default_factory=dict)  # the same text twice runs once
    _pool: pool.Warm | None = None  # started by `warm_up`, used and closed by `prefetch`

    def outcome(self, text: str) -> Outcome:
        known = self._known(text)
        if known is None:
            self._ran(text, run(text))
        return self._seen[text]

    def _known(self, text: str) -> Outcome | None:
        """The outcome seen before or cached (then remembered); None if it must run."""
        if text not in self._seen and self.cache:
            cached = self.cache.load(text)
            if cached is not None:
                self._seen[text] = cached
        return self._seen.get(text)

    def verify(self, card: Card) -> list[Diagnostic]:
        """Judge one question card; fills in `card.verification`."""
        if card.kind == FOOTNOTE or card.oracle is None:
            card.verification = Verification("unverified")
            return []
        try:
            outcome = self.outcome(card.oracle.text)
        except Exception as exc:  # a bug in the oracle: this card only, and said so
            card.verification = Verification("failing", None, f"internal error: {exc}")
            problem = diags.internal_error(card.path, exc)
            return [_at(problem, card.oracle.line)]
        problems = judge(card, card.oracle, outcome)
        status = "failing" if problems else "verified"
        message = "\n".join(p.message for p in problems) or None
        if outcome.failure is not None:  # the whole standard error, not the diagnostic's excerpt
            message = f"{failure_summary(outcome.failure)}\n{outcome.failure.stderr}".rstrip()
        card.verification = Verification(status, outcome.answer, message)
        return problems

    def verify_all(self, cards: Iterable[Card], jobs: int = 1) -> list[Diagnostic]:
        """Judge every card; with `jobs` > 1 the scenarios no cache holds run in a pool first."""
        cards = list(cards)
        self.prefetch([card.oracle.text for card in cards if card.oracle is not None], jobs)
        problems = diags.ordered(p for card in cards for p in self.verify(card))
        if self.cache:
            self.cache.save()
        return problems

    def prefetch(self, texts: list[str], jobs: int) -> None:
        """Run the scenarios that are neither seen nor cached in `jobs` processes (each runs in a
        fresh world, rule 6, so they are independent). One that raised is left for `outcome`
        to run again in this process, so the error reaches its card."""
        todo = self._unknown(texts)
        try:
            results = self._pooled(todo, jobs)
            if results is None:
                return  # `outcome` runs them one by one
            for text, outcome in zip(todo, results, strict=True):
                if outcome is not None:
                    self._ran(text, outcome)
        finally:
            self.close()

    def _pooled(self, todo: list[str], jobs: int) -> Iterator[Outcome | None] | None:
        """The outcomes from the warm pool or a new one; None when a pool is not worth it."""
        if self._pool is not None:
            return self._pool.map(_run_or_none, todo)
        processes = pool.size(jobs, len(todo), _POOL_MINIMUM)
        if processes <= 1:
            return None
        return pool.ordered_map(_run_or_none, todo, processes=processes, pieces=len(todo))

    def warm_up(self, texts: list[str], jobs: int) -> None:
        """Start the pool for the scenarios `texts` will need to run, now: its workers load
        the oracle (a second's work each) while this process does something else."""
        processes = pool.size(jobs, len(self._unknown(texts)), _POOL_MINIMUM)
        if processes > 1 and self._pool is None:
            self._pool = pool.Warm(processes, _warm_worker)

    def close(self) -> None:
        """Stop the warm pool, if one was started and not used."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _unknown(self, texts: list[str]) -> list[str]:
        return [text for text in dict.fromkeys(texts) if self._known(text) is None]

    def _ran(self, text: str, outcome: Outcome) -> None:
        """A scenario that really ran: counted, cached and remembered."""
        self.runs += 1
        if self.cache:
            self.cache.store(text, outcome)
        self._seen[text] = outcome


_POOL_MINIMUM = 16  # fewer scenarios than this run faster than a pool starts


def _warm_worker() -> None:
    """A warm pool's worker loads the oracle by making one world. Only an optimisation: an
    oracle that fails here fails again in `run`, where the error reaches its card (a pool
    whose initializer raises would be broken for every scenario)."""
    with contextlib.suppress(Exception):
        _new_world()


def _run_or_none(text: str) -> Outcome | None:
    """In a worker: the outcome, or None when the oracle raised (a bug, reported per card)."""
    try:
        return run(text)
    except Exception:
        return None


def _at(problem: Diagnostic, line: int) -> Diagnostic:
    return Diagnostic(problem.path, line, 1, problem.severity, problem.message, problem.rule)


# -- judging ------------------------------------------------------------------------------------


def judge(card: Card, scenario: Scenario, outcome: Outcome) -> list[Diagnostic]:
    """The diagnostics a question gets from its scenario's outcome (none: verified)."""
    if outcome.failure is not None:
        return [_scenario_failed(card, scenario, outcome.failure)]
    correct = [a for a in card.answers if a.correct]
    gaps = card.gaps or len(correct)
    outputs = outcome.lines(gaps) + [""] * (gaps - len(outcome.lines(gaps)))
    expected = [normalise(line) for line in outputs]
    problems = []
    for index, (answer, output) in enumerate(zip(correct, expected, strict=False), 1):
        if answer_text(answer) != output:
            where = f"gap {index} of {gaps}: " if gaps > 1 else ""
            message = (
                f"{where}the oracle's output is {_quote(output)} but the answer key says "
                f"{_quote(answer_text(answer))}"
            )
            problems.append(diags.error(card.path, scenario.line, message, MISMATCH))
    for answer in card.answers:
        if answer.correct or answer_text(answer) not in expected:
            continue
        index = expected.index(answer_text(answer)) + 1
        where = f" for gap {index}" if gaps > 1 else ""
        message = (
            f"the distractor {_quote(answer_text(answer))} is what the oracle outputs{where}: "
            "a wrong answer must not be right"
        )
        problems.append(diags.error(card.path, scenario.line, message, DISTRACTOR))
    return problems


def _scenario_failed(card: Card, scenario: Scenario, failure: FailedCommand) -> Diagnostic:
    """At the failing command's line, with its standard error on the same line (shortened)."""
    stderr = " | ".join(s for s in (x.strip() for x in failure.stderr.splitlines()) if s)
    if len(stderr) > _SHOWN:
        stderr = stderr[: _SHOWN - 1] + "…"
    if not failure.command:  # the transcript itself is malformed: the reason is all there is
        message = f"{failure_summary(failure)}: {stderr}"
    else:
        message = failure_summary(failure) + (f"; stderr: {stderr}" if stderr else "")
    return diags.error(card.path, scenario.line + failure.line - 1, message, SCENARIO)


def failure_summary(failure: FailedCommand) -> str:
    if not failure.command:
        return "the oracle scenario cannot be read"
    command = failure.command.split("\n", 1)[0]
    return f"the oracle scenario failed at `{command}` ({failure.reason})"


def unverified(cards: Iterable[Card]) -> list[Diagnostic]:
    """`--strict`: a question no scenario proves is an error, at the question's line."""
    return [
        diags.error(card.path, card.source.line, "this question has no oracle scenario", UNVERIFIED)
        for card in cards
        if card.kind != FOOTNOTE and card.verification.status == "unverified"
    ]


# -- comparing (rule 3) ---------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Surrounding white space removed, every run of white space folded to one space."""
    return text_of.fold(text)


def answer_text(answer: CardAnswer) -> str:
    """An answer item as plain text, as Markdown reads it (see pipeline.text)."""
    return text_of.answer_key(answer.html)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# -- the build stage ----------------------------------------------------------------------------


def verify_stage(ctx: BuildContext) -> None:
    """Run every question's scenario (through the cache); any failing question stops the build."""
    from pipeline.build import BuildFailed

    assert ctx.checked is not None
    problems = verifier_of(ctx).verify_all(ctx.checked.cards, ctx.jobs)
    if ctx.strict:
        problems += unverified(ctx.checked.cards)
    ctx.diagnostics = diags.ordered([*ctx.diagnostics, *problems])
    if diags.has_errors(problems):
        raise BuildFailed


def verifier_of(ctx: BuildContext) -> Verifier:
    if ctx.verifier is None:
        ctx.verifier = Verifier(ScenarioCache(cache_dir(ctx.source, ctx.cache_dir)))
    return ctx.verifier


def start_pool_early(ctx: BuildContext, lessons: list[Lesson]) -> None:
    """Called by the check stage once the lessons are read, before the rules that span the
    course: the scenario pool starts on the core the reading freed (see Verifier.warm_up)."""
    texts = [q.oracle.text for lesson in lessons for q in lesson.questions if q.oracle]
    verifier_of(ctx).warm_up(texts, ctx.jobs)


def cache_dir(source: Path, given: Path | None = None) -> Path:
    """`--cache-dir` if given, else `.cache/oracle` in the project root of `source`."""
    return given if given is not None else default_cache_dir(source)
