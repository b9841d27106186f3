"""A card as an Anki note: its fields (HTML from the shared renderer), tags, GUID and order.

The GUID comes from the card's stable id, never from its text, so editing a question updates
the learner's note (and keeps its history) instead of adding a new one.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import genanki

from pipeline import highlight
from pipeline.anki import notetype
from pipeline.card import FOOTNOTE, Card, CardAnswer
from pipeline.lesson import Lesson

Rewrite = Callable[[str], str]  # renames the images of an HTML fragment
GUID_NAMESPACE = "enki-pipeline"
TYPE_IN = "type-in-the-gap"
SITE_LESSONS = "lessons"  # the site's page for a lesson: lessons/<slug>.html
STATUS_TEXT = {
    "verified": "Checked: the oracle's output agrees with the answer.",
    "failing": "The oracle's output disagrees with this answer.",
    "unverified": "Not checked by the oracle yet.",
}
TAG_KEYS = ("category", "type", "aspects", "tags")
_TAG_PREFIX = {"category": "category", "type": "type", "aspects": "aspect", "tags": "tag"}
_GAP = re.compile(r'<span class="gap" data-gap="(?P<index>\d+)">\?\?\?</span>')
_FOOTNOTE_LINK = re.compile(
    r'<sup class="footnote-ref" data-footnote="(\d+)"><a href="#footnote-\d+">(\d+)</a></sup>'
)
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class NoteSource:
    """What a note is made from: the card, its lesson, and where the package puts it."""

    card: Card
    lesson: Lesson
    course_path: tuple[str, ...]  # slugs, topic to lesson
    link: str
    order: int  # position in the package: cards follow lesson order


class Note(genanki.Note):
    """A genanki note with its own modification time (genanki gives all notes one)."""

    def __init__(self, mtime: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mtime = mtime

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, timestamp, deck_id, id_gen)
        # genanki stamps every note with the package time; Anki compares each note's own.
        cursor.execute("UPDATE notes SET mod = ? WHERE guid = ?", (self.mtime, self.guid))


def guid(card_id: str) -> str:
    return genanki.guid_for(GUID_NAMESPACE, card_id)


def lesson_link(base: str | None, slug: str) -> str:
    page = f"{SITE_LESSONS}/{quote(slug, safe='')}.html"
    return f"{base.rstrip('/')}/{page}" if base else page


def make_note(source: NoteSource, rewrite: Rewrite) -> Note:
    """The note for one card."""
    card, lesson = source.card, source.lesson
    title = lesson.title_html or html.escape(lesson.slug)
    tags = note_tags(lesson, source.course_path, card.kind)
    if card.kind == FOOTNOTE:
        definition = card.definition.html if card.definition else ""
        fields = [
            rewrite(deck_html(card.html)),
            rewrite(deck_html(definition)),
            title,
            html.escape(source.link),
            html.escape(card.id),
        ]
    else:
        fields = question_fields(card, lesson, rewrite, title, html.escape(source.link))
    return from_fields(source, fields, tags)


def from_fields(source: NoteSource, fields: list[str], tags: list[str]) -> Note:
    """The note for one card whose fields and tags are known (made, or cached)."""
    card = source.card
    model = notetype.TERM_MODEL if card.kind == FOOTNOTE else notetype.QUESTION_MODEL
    return Note(  # its mtime comes from the caller, who asks when its lines changed
        model=model,
        fields=fields,
        tags=tags,
        guid=guid(card.id),
        due=source.order,
    )


def question_fields(
    card: Card, lesson: Lesson, rewrite: Rewrite, title: str, link: str
) -> list[str]:
    headline = _headline(card, lesson)
    question = rewrite(deck_html(card.html))
    return [
        headline + question,
        rewrite(options_html(card)),
        headline + fill_gaps(question, [rewrite(deck_html(a.html)) for a in _correct(card)]),
        title,
        link,
        evidence_html(card),
        typed_answer(card) if TYPE_IN in formats(lesson, card.kind) else "",
        html.escape(card.id),
    ]


def deck_html(fragment: str) -> str:
    """Shared HTML as the deck shows it: code with inline styles, footnote marks unlinked."""
    unlinked = _FOOTNOTE_LINK.sub(r'<sup class="footnote-ref">\2</sup>', fragment)
    return highlight.inline_styles(unlinked)


def _headline(card: Card, lesson: Lesson) -> str:
    question = next(
        (q for q in lesson.questions if q.section == card.section and q.line == card.source.line),
        None,
    )
    if question is None or not question.headline_html:
        return ""
    return f"<h3>{question.headline_html}</h3>"


def _correct(card: Card) -> list[CardAnswer]:
    return [a for a in card.answers if a.correct]


def shuffled(card: Card) -> list[tuple[CardAnswer, int | None]]:
    """The answers with the gap each correct one fills, in an order fixed by the card's id."""
    options: list[tuple[CardAnswer, int | None]] = []
    gap = 0
    for answer in card.answers:
        if answer.correct:
            gap += 1
        options.append((answer, gap if answer.correct else None))
    random.Random(hashlib.sha256(card.id.encode()).digest()).shuffle(options)
    return options


def options_html(card: Card) -> str:
    items = []
    for answer, gap in shuffled(card):
        marks = f' class="correct" data-gap="{gap}"' if gap is not None else ""
        items.append(f"<li{marks}>{deck_html(answer.html)}</li>")
    return '<ol class="options" type="A">' + "".join(items) + "</ol>" if items else ""


def fill_gaps(question: str, answers: list[str]) -> str:
    """Each gap replaced by the answer that fills it; a gap with no answer stays open."""

    def fill(match: re.Match[str]) -> str:
        index = int(match["index"])
        if not 0 < index <= len(answers):
            return match[0]
        return f'<span class="gap filled" data-gap="{index}">{answers[index - 1]}</span>'

    return _GAP.sub(fill, question)


def typed_answer(card: Card) -> str:
    """What a learner types: the correct answers' text, in gap order, without markup."""
    texts = [html.unescape(_TAGS.sub("", a.html)).strip() for a in _correct(card)]
    return html.escape(", ".join(t for t in texts if t))


def evidence_html(card: Card) -> str:
    """The oracle's scenario and output, folded; empty when the question has no scenario."""
    if card.oracle is None:
        return ""
    result = card.verification
    scenario = highlight.code_block(card.oracle.text, "console") or _plain_pre(card.oracle.text)
    parts = [
        '<details class="evidence"><summary>Oracle evidence</summary>',
        f'<p class="status">{html.escape(STATUS_TEXT.get(result.status, result.status))}</p>',
        highlight.inline_styles(scenario),
    ]
    if result.output is not None:
        parts.append("<p>Output:</p>")
        parts.append(highlight.inline_styles(_plain_pre(result.output)))
    if result.message:
        parts.append(f'<p class="message">{html.escape(result.message)}</p>')
    parts.append("</details>")
    return "".join(parts)


def _plain_pre(text: str) -> str:
    return f"<pre><code>{html.escape(text, quote=False)}</code></pre>"


def formats(lesson: Lesson, kind: str) -> list[str]:
    """The lesson's `<kind>Question.formats` (Enki's fill-in / type-in the gap)."""
    settings = lesson.metadata.get(f"{kind}Question")
    found = settings.get("formats") if isinstance(settings, dict) else None
    return [f for f in found if isinstance(f, str)] if isinstance(found, list) else []


def note_tags(lesson: Lesson, course_path: tuple[str, ...], kind: str) -> list[str]:
    """Front matter tags and the course path, in Anki's `::` hierarchy."""
    tags = [_tag("course", *course_path), _tag("kind", kind)]
    for key in TAG_KEYS:
        for value in _values(lesson.metadata.get(key)):
            tags.append(_tag(_TAG_PREFIX[key], value))
    return list(dict.fromkeys(t for t in tags if t))


def _values(value: object) -> Iterable[str]:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                yield str(item)


@lru_cache(maxsize=4096)  # every note of a lesson has the same few tags
def _tag(*parts: str) -> str:
    """One tag; spaces (which split tags) become `_`, an empty part drops the tag."""
    cleaned = [re.sub(r"\s+", "_", p.strip()).replace("::", ":").strip(":") for p in parts]
    return "::".join(cleaned) if all(cleaned) else ""
