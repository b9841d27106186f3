"""The format's own rules: what makes a lesson right, each rule with its id.

Front matter goes through `schemas/lesson.schema.json` first; the rules below add what a schema
cannot say (one title, known sections, gaps only in questions, answers that match the gaps,
footnotes that match their references, ...). Each rule reads a Lesson and yields diagnostics.
`RULES` lists every rule id with one line on what it checks; `tests/broken/` has a lesson for each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline import schema
from pipeline.card import Card
from pipeline.diagnostics import Diagnostic, error, warning
from pipeline.front_matter import json_safe
from pipeline.lesson import (
    CONTENT,
    EXERCISE,
    QUESTION_SECTIONS,
    QUIZ,
    SECTION_NAMES,
    Lesson,
    Question,
)
from pipeline.text import answer_key

LINK_NATURES = ("website", "documentation", "video", "article", "discussion")
EXERCISE_TYPES = ("exercise", "exerciseList")
TITLE_LENGTH = (4, 120)  # Enki's insight documentation
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")

RULES: dict[str, str] = {
    "read-error": "the file can be read and is UTF-8",
    "yaml-syntax": "front matter and manifests are valid YAML",
    "duplicate-key": "no key appears twice in one YAML mapping",
    "unclosed-front-matter": "front matter opened with `---` is closed with `---`",
    "missing-front-matter": "a lesson starts with YAML front matter",
    "lesson-schema": "front matter matches schemas/lesson.schema.json",
    "missing-category": "a lesson (other than an exercise) has a category",
    "unknown-category": "the category is one Enki knows (or coding, discussion)",
    "unknown-aspect": "aspects are introduction, workout, new, deep or obscura",
    "unknown-key": "front matter keys are ones real lessons use (warning)",
    "link-format": "a link reads `[name](url){nature}` (warning)",
    "unknown-link-nature": "a link's nature is website, documentation, video, article, discussion",
    "missing-title": "a lesson has a `# Title`",
    "multiple-titles": "a lesson has exactly one `# Title`",
    "misplaced-title": "the title comes before the first section",
    "title-length": "a title is 4 to 120 characters long (warning)",
    "content-outside-section": "everything after the title sits in a section",
    "unknown-section": "sections are Content, Practice, Revision, Quiz, Footnotes, Game Content or"
    " Exercise",
    "duplicate-section": "a lesson has each section at most once",
    "missing-content": "a normal lesson has a Content section (warning)",
    "missing-exercise": "an exercise lesson has an Exercise section",
    "gap-outside-question": "`???` appears only in Practice, Revision and Quiz",
    "missing-answers": "a question section ends with a bullet list of answers",
    "ordered-answers": "the answer list is a bullet list, not a numbered one",
    "empty-question": "a question has text before its answers",
    "missing-gap": "a question has at least one `???` gap",
    "too-few-answers": "a question has at least as many answers as gaps",
    "empty-answer": "no answer is empty",
    "duplicate-answer": "no two answers of a question are the same",
    "gap-in-answer": "answers contain no `???`",
    "content-after-answers": "nothing but an oracle block follows the answer list",
    "misplaced-oracle": "an `oracle` block sits right after a question's answer list, once",
    "missing-quiz-headline": "a Quiz has a `### headline`",
    "invalid-id": "an `<!-- id: ... -->` is a single word of letters, digits, `.`, `_`, `-`, `:`",
    "duplicate-id": "card ids are unique across the course",
    "footnote-syntax": "the Footnotes section starts with a `[N: Title]` label",
    "empty-footnote": "a footnote has a definition after its label",
    "duplicate-footnote": "footnote numbers are unique in a lesson",
    "undefined-footnote": "every `word[N]` reference has a `[N: Title]` footnote",
    "unused-footnote": "every footnote is referred to (warning)",
    "duplicate-slug": "no two lessons share a file name (the slug)",
    "manifest-schema": "manifests match schemas/manifest.schema.json",
    "missing-lesson": "a lesson a workout manifest lists exists",
    "unlisted-lesson": "every lesson is listed by a workout manifest (warning)",
    "duplicate-entry": "a manifest lists a lesson once (warning)",
    "missing-workout": "a workout a course manifest lists exists",
    "unlisted-workout": "every workout is listed by its course manifest (warning)",
    "internal-error": "the pipeline itself failed on this file (a bug: please report it)",
}

_SCHEMA_RULES = {
    ("category", "enum"): "unknown-category",
    ("category", "required"): "missing-category",
    ("aspects", "enum"): "unknown-aspect",
}

Rule = Callable[[Lesson], Iterable[Diagnostic]]


def front_matter(lesson: Lesson) -> Iterator[Diagnostic]:
    if lesson.front_matter_line is None:
        yield error(
            lesson.path,
            1,
            "the lesson has no YAML front matter (`---` ... `---`)",
            "missing-front-matter",
        )
        return
    if not lesson.metadata_ok:
        return  # the YAML error is already reported
    data = {} if lesson.front_matter_data is None else lesson.front_matter_data
    yield from schema.diagnose(
        json_safe(data),
        "lesson",
        lesson.path,
        lesson.positions,
        "lesson-schema",
        rules=_SCHEMA_RULES,
    )
    known = schema.load("lesson")["properties"]
    for key in lesson.metadata:
        if str(key) not in known:
            line, col = lesson.line_of((str(key),))
            yield warning(
                lesson.path, line, f"unknown front matter key `{key}`", "unknown-key", col
            )


def links(lesson: Lesson) -> Iterator[Diagnostic]:
    for link in lesson.links:
        if not link.well_formed:
            message = (
                f"link {link.raw!r} is not `[name](url){{nature}}`; Enki reads it as a website"
            )
            yield warning(lesson.path, link.line, message, "link-format")
        elif link.nature not in LINK_NATURES:
            message = (
                f"unknown link nature `{link.nature}`; expected one of: {', '.join(LINK_NATURES)}"
            )
            yield error(lesson.path, link.line, message, "unknown-link-nature")


def titles(lesson: Lesson) -> Iterator[Diagnostic]:
    if not lesson.titles:
        yield error(lesson.path, 1, "the lesson has no `# Title`", "missing-title")
        return
    for extra in lesson.titles[1:]:
        message = f"a second title `# {extra.text}` (the title is line {lesson.title_line})"
        yield error(lesson.path, extra.line, message, "multiple-titles")
    first = lesson.titles[0]
    if first.in_section is not None:
        message = (
            f"the title is inside the {first.in_section} section; put it before the first section"
        )
        yield error(lesson.path, first.line, message, "misplaced-title")
    low, high = TITLE_LENGTH
    if not low <= len(first.text) <= high:
        message = (
            f"the title is {len(first.text)} characters long; keep it between {low} and {high}"
        )
        yield warning(lesson.path, first.line, message, "title-length")


def sections(lesson: Lesson) -> Iterator[Diagnostic]:
    for block in lesson.stray:
        message = "content outside any section: open one with `---` and a `## Name` line"
        yield error(lesson.path, block.line, message, "content-outside-section", block.col)
    seen: dict[str, int] = {}
    for section in lesson.sections:
        if section.name not in SECTION_NAMES:
            close = [n for n in SECTION_NAMES if n.lower() == section.name.lower()]
            hint = (
                f" (did you mean `{close[0]}`?)"
                if close
                else f"; expected one of: {', '.join(SECTION_NAMES)}"
            )
            yield error(
                lesson.path,
                section.line,
                f"unknown section `{section.name}`{hint}",
                "unknown-section",
            )
        elif section.name in seen:
            message = f"a second {section.name} section (the first is line {seen[section.name]})"
            yield error(lesson.path, section.line, message, "duplicate-section")
        seen.setdefault(section.name, section.line)
    kind = lesson.type
    if kind in EXERCISE_TYPES:
        if EXERCISE not in seen:
            yield error(
                lesson.path,
                lesson.title_line,
                "an exercise lesson needs an Exercise section",
                "missing-exercise",
            )
    elif CONTENT not in seen and lesson.metadata.get("stub") is not True and lesson.readable:
        yield warning(
            lesson.path, lesson.title_line, "the lesson has no Content section", "missing-content"
        )


def gaps_outside_questions(lesson: Lesson) -> Iterator[Diagnostic]:
    for section in lesson.sections:
        if section.name in QUESTION_SECTIONS:
            continue
        for gap in section.gaps:
            message = (
                f"`???` in the {section.name} section: gaps belong in Practice, Revision or Quiz"
            )
            yield error(lesson.path, gap.line, message, "gap-outside-question", gap.col)


def questions(lesson: Lesson) -> Iterator[Diagnostic]:
    for question in lesson.questions:
        yield from _question(lesson, question)
    for block in lesson.misplaced_oracles:
        message = "an `oracle` block belongs right after a question's answer list"
        yield error(lesson.path, block.line, message, "misplaced-oracle")


def _question(lesson: Lesson, q: Question) -> Iterator[Diagnostic]:
    path, name = lesson.path, q.section
    if q.section == QUIZ and q.headline is None:
        yield error(
            path,
            q.line,
            "a Quiz needs a `### headline` before its question",
            "missing-quiz-headline",
        )
    if not q.text:
        yield error(
            path, q.line, f"the {name} question has no text before its answers", "empty-question"
        )
    if q.answer_list == "none":
        message = (
            f"the {name} question has no answer list (a `-` or `*` list at the end of the section)"
        )
        yield error(path, q.line, message, "missing-answers")
        return
    if q.answer_list == "ordered":
        message = f"the {name} answers are a numbered list; use `-` or `*` bullets"
        yield error(path, q.answer_list_line or q.line, message, "ordered-answers")
        return
    if not q.gaps and q.text:  # an empty question is reported once, above
        message = f"the {name} question has no `???` gap, so no answer is marked correct"
        yield error(path, q.line, message, "missing-gap")
    elif len(q.answers) < len(q.gaps):
        message = f"the {name} question has {len(q.gaps)} gaps but only {len(q.answers)} answers"
        yield error(path, q.answer_list_line or q.line, message, "too-few-answers")
    seen: dict[str, int] = {}
    for answer in q.answers:
        key = answer_key(answer.html)
        if not key:
            yield error(
                path, answer.line, f"an empty answer in the {name} question", "empty-answer"
            )
        elif key in seen:
            message = f"answer {answer.text!r} repeats the answer on line {seen[key]}"
            yield error(path, answer.line, message, "duplicate-answer")
        seen.setdefault(key, answer.line)
        if answer.gaps:
            yield error(path, answer.line, "an answer contains `???`", "gap-in-answer")
    for block in q.trailing:
        if block.kind == "oracle":
            message = "an `oracle` block belongs right after the answer list, once per question"
            yield error(path, block.line, message, "misplaced-oracle")
        else:
            message = (
                "only an `oracle` block may follow the answer list; move this above the answers"
            )
            yield error(path, block.line, message, "content-after-answers")
    yield from _ids(lesson, q.ids)


def _ids(lesson: Lesson, ids: list[tuple[str, int]]) -> Iterator[Diagnostic]:
    for value, line in ids:
        if not ID_PATTERN.fullmatch(value):
            yield error(lesson.path, line, f"invalid card id {value!r}", "invalid-id")
    for value, line in ids[1:]:
        yield error(lesson.path, line, f"a second id {value!r}; a card has one id", "invalid-id")


def footnotes(lesson: Lesson) -> Iterator[Diagnostic]:
    for block in lesson.footnote_preamble:
        message = "text in Footnotes before the first `[N: Title]` label"
        yield error(lesson.path, block.line, message, "footnote-syntax", block.col)
    defined: dict[int, int] = {}
    for note in lesson.footnotes:
        if not note.text:
            yield error(
                lesson.path,
                note.line,
                f"footnote {note.number} has no definition",
                "empty-footnote",
            )
        if note.number in defined:
            message = (
                f"footnote {note.number} is defined twice (first on line {defined[note.number]})"
            )
            yield error(lesson.path, note.line, message, "duplicate-footnote")
        defined.setdefault(note.number, note.line)
        yield from _ids(lesson, note.ids)
    for ref in lesson.footnote_refs:
        if ref.number not in defined:
            message = f"reference [{ref.number}] has no `[{ref.number}: Title]` footnote"
            yield error(lesson.path, ref.line, message, "undefined-footnote", ref.col)
    referred = {ref.number for ref in lesson.footnote_refs}
    for number, line in defined.items():
        if number not in referred:
            yield warning(
                lesson.path, line, f"footnote {number} is never referred to", "unused-footnote"
            )


LESSON_RULES: list[Rule] = [
    front_matter,
    links,
    titles,
    sections,
    gaps_outside_questions,
    questions,
    footnotes,
]


def check_lesson(lesson: Lesson) -> list[Diagnostic]:
    """Every lesson rule on one lesson (none on a file that could not be read)."""
    if not lesson.readable:
        return []
    return [d for rule in LESSON_RULES for d in rule(lesson)]


def check_ids(cards: list[Card]) -> list[Diagnostic]:
    """Card ids are unique across everything read: each later use is an error. An id made from
    a file name that is no slug (`my lesson.md`, which no manifest can list) is one too, once
    per file: the exports would refuse it."""
    problems = []
    first: dict[str, Card] = {}
    named: set[Path] = set()
    for card in cards:
        from_name = card.id.startswith(f"{card.lesson}.") and card.path not in named
        if from_name and not ID_PATTERN.fullmatch(card.id):
            named.add(card.path)
            message = (
                f"card ids such as `{card.id}` come from the file name `{card.path.name}`, "
                "which may only hold letters, digits, `.`, `_` and `-`: rename the file"
            )
            problems.append(error(card.path, 1, message, "invalid-id"))
        other = first.setdefault(card.id, card)
        same_slug = other.lesson == card.lesson and other.path != card.path
        if other is not card and not same_slug:  # two files, one slug: duplicate-slug says it
            message = f"card id `{card.id}` is already used by {other.path}:{other.id_line}"
            problems.append(error(card.path, card.id_line, message, "duplicate-id"))
    return problems
