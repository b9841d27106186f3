"""The site in a real browser (Debian's Chromium through Playwright), opened from file://.

A learner answers by keyboard only, wrong then right, and finds the progress after a reload
and on the index; axe-core finds no violation in light or dark mode; a hostile lesson runs
nothing; screenshots land in tests/artifacts/site/ for a person to look at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.card import FOOTNOTE
from pipeline.lesson import REVISION
from pipeline.site.pages import lesson_href
from pipeline.verify import answer_text

FOCUS = """() => {
  const e = document.activeElement;
  const quiz = e && e.closest ? e.closest('.quiz') : null;
  return {
    tag: e ? e.tagName.toLowerCase() : null,
    text: e && e.dataset ? (e.dataset.text ?? null) : null,
    mode: e && e.dataset ? (e.dataset.mode ?? null) : null,
    cls: e ? String(e.className) : '',
    label: e ? (e.textContent || '').trim() : '',
    card: quiz ? quiz.dataset.card : null,
  };
}"""


def url(path: Path) -> str:
    return path.resolve().as_uri()


def questions(checked: Any, slug: str | None = None) -> list[Any]:
    return [c for c in checked.cards if c.kind != FOOTNOTE and (slug is None or c.lesson == slug)]


def correct(card: Any) -> list[str]:
    return [answer_text(a) for a in card.answers if a.correct]


def wrong(card: Any) -> list[str]:
    return [answer_text(a) for a in card.answers if not a.correct]


def tab_to(page: Any, wanted: Any, limit: int = 300) -> dict[str, Any]:
    """Press Tab (only the keyboard) until the focused element is the one `wanted` accepts."""
    for _ in range(limit):
        focus = page.evaluate(FOCUS)
        if wanted(focus):
            return focus
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the element; last focus: {page.evaluate(FOCUS)}")


def option(card: Any, text: str) -> Any:
    return lambda f: f["card"] == card.id and "option" in f["cls"] and f["text"] == text


def quiz(page: Any, card: Any) -> Any:
    return page.locator(f'.quiz[data-card="{card.id}"]')


def feedback(page: Any, card: Any) -> str:
    return quiz(page, card).locator("[data-feedback]").inner_text()


def single_gap_choice(checked: Any) -> Any:
    """A question with one gap and at least one distractor, from the built course's cards."""
    return next(c for c in questions(checked) if c.gaps == 1 and wrong(c))


def test_keyboard_only_answers_wrong_then_right_and_progress_survives(course_site, context_factory):
    checked, site = course_site
    card = single_gap_choice(checked)
    page = context_factory().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url(site / lesson_href(card.lesson)))

    tab_to(page, option(card, wrong(card)[0]))
    page.keyboard.press("Enter")
    said = feedback(page, card)
    assert said.startswith("Not quite") and correct(card)[0] in said
    assert quiz(page, card).locator("[data-key]").is_visible()
    assert "Not right yet" in quiz(page, card).locator("[data-badge]").inner_text()
    assert page.evaluate(FOCUS)["label"] == "Try again"  # focus lands on the way forward

    page.keyboard.press("Enter")  # Try again
    assert feedback(page, card) == ""
    assert not quiz(page, card).locator("[data-key]").is_visible()
    tab_to(page, option(card, correct(card)[0]))
    page.keyboard.press("Enter")
    assert feedback(page, card).startswith("Right!")
    assert "Answered right" in quiz(page, card).locator("[data-badge]").inner_text()

    page.reload()
    restored = quiz(page, card)
    assert "Answered right · 2 tries" in restored.locator("[data-badge]").inner_text()
    assert restored.locator("[data-key]").is_visible()
    assert restored.locator(".gap .gap-fill").all_inner_texts() == correct(card)
    total = len(questions(checked, card.lesson))
    progress = page.locator(".lesson-header [data-progress-text]").inner_text()
    assert progress == f"1 of {total} answered right"

    page.goto(url(site / "index.html"))
    href = lesson_href(card.lesson)
    entry = page.locator(".lesson-card", has=page.locator(f'a[href="{href}"]'))
    assert entry.locator("[data-progress-text]").inner_text() == f"1 of {total} answered right"
    assert entry.locator("progress").evaluate("p => p.value") == 1
    everything = len(questions(checked))
    overall = page.locator(".hero [data-progress-text]").inner_text()
    assert overall == f"1 of {everything} answered right"
    assert errors == []


def test_type_in_the_gap_by_keyboard(course_site, context_factory):
    checked, site = course_site
    by_slug = {lesson.slug: lesson for lesson in checked.curriculum.lessons}

    def typeable(card: Any) -> bool:
        settings = by_slug[card.lesson].metadata.get(f"{card.kind}Question") or {}
        return "type-in-the-gap" in settings.get("formats", []) and card.gaps == 1

    card = next(c for c in questions(checked) if typeable(c))
    page = context_factory().new_page()
    page.goto(url(site / lesson_href(card.lesson)))
    tab_to(page, lambda f: f["card"] == card.id and f["mode"] == "type")
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUS)["tag"] == "input"
    page.keyboard.type("not " + correct(card)[0])
    page.keyboard.press("Enter")
    assert feedback(page, card).startswith("Not quite")
    page.keyboard.press("Enter")  # Try again, still in typing mode
    assert page.evaluate(FOCUS)["tag"] == "input"
    page.keyboard.type(f"  `{correct(card)[0]}` ")  # backticks and spaces do not matter
    page.keyboard.press("Enter")
    assert feedback(page, card).startswith("Right!")


def test_gaps_fill_in_order_and_the_oracle_evidence_shows_after_answering(
    course_site, context_factory
):
    checked, site = course_site
    card = next(c for c in questions(checked) if c.gaps > 1 and c.oracle)
    assert card.verification.status == "verified"
    page = context_factory().new_page()
    page.goto(url(site / lesson_href(card.lesson)))
    evidence = quiz(page, card).locator(".evidence")
    assert not evidence.is_visible()  # not before answering

    swapped = list(reversed(correct(card)))
    for text in swapped:
        tab_to(page, option(card, text))
        page.keyboard.press("Enter")
    assert feedback(page, card).startswith("Not quite")  # the right words in the wrong gaps
    assert evidence.is_visible()
    shown = evidence.inner_text()
    assert card.oracle.text.splitlines()[0] in shown
    assert card.verification.output.strip().splitlines()[0] in shown
    assert "Checked by the oracle" in shown

    page.keyboard.press("Enter")  # Try again
    for text in correct(card):
        tab_to(page, option(card, text))
        page.keyboard.press("Enter")
    assert feedback(page, card).startswith("Right!")
    fills = quiz(page, card).locator(".quiz-question .gap .gap-fill")
    assert fills.all_inner_texts() == correct(card)


def test_test_me_draws_revision_questions_from_the_whole_course(course_site, context_factory):
    checked, site = course_site
    revision = {c.id for c in questions(checked) if c.section == REVISION}
    lessons = {c.lesson for c in questions(checked) if c.section == REVISION}
    assert len(lessons) > 1
    page = context_factory().new_page()
    page.goto(url(site / "index.html"))
    tab_to(page, lambda f: f["label"] == "Test me")
    page.keyboard.press("Enter")
    drawn = page.locator(".test-me .quiz:visible")
    ids = [q.get_attribute("data-card") for q in drawn.all()]
    assert len(ids) == min(5, len(revision)) and set(ids) <= revision
    assert page.evaluate(FOCUS)["tag"].startswith("h")  # focus on the first question drawn
    card = next(c for c in checked.cards if c.id == ids[0])
    tab_to(page, option(card, correct(card)[0]))
    for text in correct(card):
        tab_to(page, option(card, text))
        page.keyboard.press("Enter")
    assert feedback(page, card).startswith("Right!")
    # A question answered right goes to the back of the queue for the next draw.
    tab_to(page, lambda f: f["label"] == "Draw other questions")
    page.keyboard.press("Enter")
    again = [q.get_attribute("data-card") for q in drawn.all()]
    if len(revision) > 5:
        assert card.id not in again


AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 200)),
  }));
}"""


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    page.evaluate(axe_source)  # evaluated by the driver, so the page's CSP does not block it
    return page.evaluate(AXE)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(scheme, course_site, project_site, context_factory, axe_source):
    found = {}
    for checked, site in (course_site, project_site):
        card = single_gap_choice(checked)
        page = context_factory(scheme).new_page()
        for target in (site / "index.html", site / lesson_href(card.lesson)):
            page.goto(url(target))
            found[str(target)] = axe_violations(page, axe_source)
        # Answered, with feedback, the answer key and the evidence on screen.
        page.locator(f'.quiz[data-card="{card.id}"] .option[data-text="{wrong(card)[0]}"]').click()
        found[f"{target} answered"] = axe_violations(page, axe_source)
        # Test me, drawn.
        page.goto(url(site / "index.html"))
        page.locator("[data-test-me]").click()
        found[f"{site} test me"] = axe_violations(page, axe_source)
    problems = {where: v for where, v in found.items() if v}
    assert not problems, json.dumps(problems, indent=2)


def test_dark_theme_follows_the_system(course_site, context_factory):
    _, site = course_site
    colours = {}
    for scheme in ("light", "dark"):
        page = context_factory(scheme).new_page()
        page.goto(url(site / "index.html"))
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colours["light"] != colours["dark"]


def test_print_shows_questions_with_their_answers(course_site, context_factory):
    checked, site = course_site
    card = single_gap_choice(checked)
    page = context_factory().new_page()
    page.goto(url(site / lesson_href(card.lesson)))
    page.emulate_media(media="print")
    item = quiz(page, card)
    assert item.locator("[data-key]").is_visible()
    assert correct(card)[0] in item.locator("[data-key]").inner_text()
    marked = item.locator(".option[data-gap]")
    assert marked.count() == len(correct(card))
    assert marked.first.evaluate("e => getComputedStyle(e, '::before').content") == '"✓"'
    assert not item.locator("[data-retry]").is_visible()
    assert not page.locator(".site-header").is_visible()


def test_a_hostile_lesson_runs_none_of_its_payloads(hostile_site, context_factory):
    checked, site = hostile_site
    dialogs, console, errors = [], [], []
    page = context_factory().new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    (lesson,) = checked.curriculum.lessons
    for target in (site / "index.html", site / lesson_href(lesson.slug)):
        page.goto(url(target))
        # Touch everything a handler could hang on: hover and click every option and link.
        for element in page.locator("main a, main img, main b, main .option").all():
            if element.is_visible():
                element.hover()
        for card in questions(checked):
            for button in quiz(page, card).locator(".option").all():
                if button.is_visible() and button.get_attribute("aria-disabled") is None:
                    button.click()
        page.wait_for_timeout(200)
    # No dialog, and not even a blocked attempt (the CSP would log one) or an error.
    assert dialogs == [] and console == [] and errors == []
    assert page.evaluate("typeof window.xss") == "undefined"
    text = page.locator("main").inner_text()
    assert "<script>alert('xss-content')</script>" in text
    assert "<script>alert('xss-answer')</script>" in text  # answered: the key shows it as text
    assert "<script>alert('xss-title')</script>" in page.title()


def test_screenshots_for_a_person_to_look_at(project_site, course_site, context_factory, artifacts):
    saved = []
    for name, (checked, site) in (("project", project_site), ("course", course_site)):
        card = single_gap_choice(checked)
        for scheme in ("light", "dark"):
            page = context_factory(scheme).new_page()
            page.goto(url(site / "index.html"))
            saved.append(artifacts / f"{name}-index-{scheme}.png")
            page.screenshot(path=saved[-1], full_page=True)
            page.goto(url(site / lesson_href(card.lesson)))
            saved.append(artifacts / f"{name}-lesson-{scheme}.png")
            page.screenshot(path=saved[-1], full_page=True)
            # One question answered wrong: feedback, answer key and evidence on screen.
            quiz(page, card).locator(f'.option[data-text="{wrong(card)[0]}"]').click()
            saved.append(artifacts / f"{name}-answered-{scheme}.png")
            quiz(page, card).screenshot(path=saved[-1])
    for path in saved:
        assert path.stat().st_size > 5_000, path
