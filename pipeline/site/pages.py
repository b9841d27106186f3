"""The site's pages as plain data: what the templates show, already sanitised.

Built from the checked course (the tree, the lessons, the cards) and nothing else. Every piece of
lesson HTML passes through `sanitise.clean` here, and every piece of lesson text is left as text
for Jinja to escape, so the templates never see anything a lesson could make active.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote

from markupsafe import Markup

from pipeline.card import FOOTNOTE, Card
from pipeline.course import Curriculum
from pipeline.lesson import QUESTION_SECTIONS, REVISION, Lesson, Question
from pipeline.lesson_cache import inputs_key
from pipeline.manifest import Manifest
from pipeline.pack import Pack
from pipeline.site.footnotes import FootnoteLinker
from pipeline.site.sanitise import clean, plain_text, safe_url

LESSONS = "lessons"
_BLOCK = re.compile(r"<(?:p|pre|div|ul|ol|li|blockquote|h[1-6]|hr|table|dl|img)\b")
# Enki's question formats (front matter `practiceQuestion.formats`), as the quiz's answer modes.
FORMATS = {"fill-in-the-gap": "choose", "type-in-the-gap": "type"}
STATUS_LABELS = {
    "verified": "Checked by the oracle",
    "failing": "The oracle could not confirm this answer",
    "unverified": "Not checked yet",
}

Rewrite = Callable[[str], str]  # extra treatment of one lesson's HTML on one page (images)
Rewriter = Callable[[Lesson, str], Rewrite]  # (lesson, path from the page to the site root)


@dataclass
class Option:
    """One answer shown as a choice; `gap` is the gap it fills when it is a correct answer."""

    html: Markup
    text: str  # what a learner would type
    gap: int | None = None


@dataclass
class Evidence:
    """The oracle's scenario and what it printed, shown once the learner has answered."""

    scenario: str
    status: str
    output: str | None
    message: str | None

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class Quiz:
    """A question of the Practice, Revision or Quiz section, ready to be answered on a page."""

    id: str
    kind: str
    section: str
    lesson: str
    lesson_title: str
    lesson_href: str
    html: Markup
    gaps: int
    options: list[Option]
    modes: list[str]  # "choose", "type": the first one is where the learner starts
    headline: Markup | None = None
    evidence: Evidence | None = None

    @cached_property  # the quiz template asks for it three times
    def anchor(self) -> str:
        """An id for the page: letters, digits, `-` and `_`, unique as the card id is."""
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in self.id)
        if safe == self.id:
            return f"q-{safe}"
        return f"q-{safe}-{hashlib.sha256(self.id.encode()).hexdigest()[:8]}"

    @property
    def answers(self) -> list[Option]:
        """The correct options in gap order."""
        return sorted((o for o in self.options if o.gap is not None), key=lambda o: o.gap or 0)


@dataclass
class LinkView:
    name: str
    url: str | None  # None when the link is not one a learner may follow
    nature: str


@dataclass
class FootnoteView:
    number: int
    title: Markup
    html: Markup
    references: list[str] = field(default_factory=list)  # ids of the references on the page


@dataclass
class SectionView:
    name: str
    html: Markup


@dataclass
class LessonEntry:
    """A lesson as the index lists it."""

    slug: str
    title: str
    title_html: Markup
    href: str  # from the site's root
    category: str | None
    questions: list[str]  # the card ids whose progress the index shows


@dataclass
class LessonPage:
    entry: LessonEntry
    trail: list[str]  # topic, course, workout names above the lesson
    links: list[LinkView]
    sections: list[SectionView]
    quizzes: list[Quiz]
    footnotes: list[FootnoteView]
    previous: LessonEntry | None = None
    next: LessonEntry | None = None


@dataclass
class WorkoutNode:
    name: str
    description: str | None
    lessons: list[LessonEntry]
    lessons_html: str = ""  # the list of `lessons` as the index shows it (the writer's)


@dataclass
class CourseNode:
    name: str
    description: str | None
    workouts: list[WorkoutNode]


@dataclass
class TopicNode:
    name: str
    description: str | None
    courses: list[CourseNode]


@dataclass
class IndexPage:
    title: str
    description: str | None
    topics: list[TopicNode]
    unlisted: list[LessonEntry]
    revision: list[str]  # what "test me" draws from, from the whole course: quizzes' HTML

    @property
    def lessons(self) -> list[LessonEntry]:
        listed = [
            lesson
            for topic in self.topics
            for course in topic.courses
            for workout in course.workouts
            for lesson in workout.lessons
        ]
        return listed + self.unlisted


def lesson_href(slug: str) -> str:
    return f"{LESSONS}/{quote(slug, safe='')}.html"


def title_of(lesson: Lesson) -> str:
    return plain_text(clean(lesson.title_html)) if lesson.title_html else lesson.slug


def entry(lesson: Lesson, cards: list[Card]) -> LessonEntry:
    category = lesson.metadata.get("category")
    return LessonEntry(
        slug=lesson.slug,
        title=title_of(lesson),
        title_html=phrasing(lesson.title_html) if lesson.title_html else Markup.escape(lesson.slug),
        href=lesson_href(lesson.slug),
        category=category if isinstance(category, str) else None,
        questions=[card.id for card in cards if card.kind != FOOTNOTE],
    )


def modes(lesson: Lesson, kind: str) -> list[str]:
    """How a question may be answered, from the lesson's `<kind>Question.formats`."""
    settings = lesson.metadata.get(f"{kind}Question")
    formats = settings.get("formats") if isinstance(settings, dict) else None
    found = [FORMATS[f] for f in formats or [] if isinstance(f, str) and f in FORMATS]
    return list(dict.fromkeys(found)) or ["choose"]


def footnotes(lesson: Lesson, cards: list[Card]) -> list[FootnoteView]:
    """The lesson's footnotes, from its footnote cards (one per number, in the lesson's order)."""
    numbers = {note.line: note.number for note in lesson.footnotes}
    views = []
    for card in cards:
        number = numbers.get(card.source.line)
        if card.kind != FOOTNOTE or number is None:
            continue
        definition = card.definition.html if card.definition else ""
        views.append(FootnoteView(number, phrasing(card.html), Markup(clean(definition))))
    return views


def footnote_titles(notes: list[FootnoteView]) -> dict[int, str]:
    return {note.number: plain_text(note.title) for note in notes}


def phrasing(fragment: str) -> Markup:
    """Sanitised HTML that may sit inside a button or a span: a lone paragraph is unwrapped,
    and anything else made of blocks is reduced to its text."""
    html = clean(fragment).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    if _BLOCK.search(html):
        return Markup.escape(plain_text(html))
    return Markup(html)


def quiz(card: Card, lesson: Lesson, linker: FootnoteLinker, rewrite: Rewrite = str) -> Quiz:
    """The card as a quiz; correct answers fill the gaps in order, like Enki's `correctIndex`."""
    options, gap = [], 0
    for answer in card.answers:
        html = phrasing(answer.html)
        if answer.correct:
            gap += 1
        options.append(Option(html, plain_text(html), gap if answer.correct else None))
    # A fixed shuffle (seeded by the id) so the page itself never lists the answer first;
    # the script shuffles again at each try.
    random.Random(hashlib.sha256(card.id.encode()).digest()).shuffle(options)
    question = question_of(lesson, card)
    headline = question.headline_html if question else None
    evidence = None
    if card.oracle is not None:
        result = card.verification
        evidence = Evidence(card.oracle.text, result.status, result.output, result.message)
    return Quiz(
        id=card.id,
        kind=card.kind,
        section=card.section,
        lesson=lesson.slug,
        lesson_title=title_of(lesson),
        lesson_href=lesson_href(lesson.slug),
        html=linker.link(rewrite(clean(card.html))),
        gaps=card.gaps,
        options=options,
        modes=modes(lesson, card.kind),
        headline=phrasing(headline) if headline else None,
        evidence=evidence,
    )


def question_of(lesson: Lesson, card: Card) -> Question | None:
    """The lesson's question a card was made from (same section, same line)."""
    return next(
        (q for q in lesson.questions if q.section == card.section and q.line == card.source.line),
        None,
    )


def lesson_page(
    lesson: Lesson, cards: list[Card], trail: list[str], rewrite: Rewrite = str
) -> LessonPage:
    notes = footnotes(lesson, cards)
    linker = FootnoteLinker(footnote_titles(notes))
    sections = [
        SectionView(s.name, linker.link(rewrite(clean(s.html))))
        for s in lesson.sections
        if s.name not in QUESTION_SECTIONS and s.name != "Footnotes" and s.html.strip()
    ]
    quizzes = [quiz(card, lesson, linker, rewrite) for card in cards if card.kind != FOOTNOTE]
    for note in notes:
        note.html = linker.link(rewrite(note.html))
    for note in notes:  # after every fragment is linked, so that all references are known
        note.references = linker.references.get(note.number, [])
    links = [LinkView(link.name, safe_url(link.url), link.nature) for link in lesson.links]
    return LessonPage(entry(lesson, cards), trail, links, sections, quizzes, notes)


def _name(manifest: Manifest | None, slug: str) -> str:
    return (manifest.name if manifest else None) or slug.replace("-", " ").capitalize()


def _description(manifest: Manifest | None) -> str | None:
    return manifest.description if manifest else None


def _unchanged(lesson: Lesson, root: str) -> Rewrite:
    return str


@dataclass
class PagePlan:
    """A lesson's page before it is made: everything it shows, so a cache can key on it."""

    lesson: Lesson
    cards: list[Card]  # the lesson's own
    trail: list[str]
    entry: LessonEntry
    previous: LessonEntry | None = None
    next: LessonEntry | None = None
    shows_images: bool = False  # then made every time: files outside any key change it

    def build(self, rewriter: Rewriter = _unchanged) -> LessonPage:
        page = lesson_page(self.lesson, self.cards, self.trail, rewriter(self.lesson, "../"))
        page.previous, page.next = self.previous, self.next
        return page


@dataclass
class RevisionCache:
    """Each lesson's revision quizzes for the index, rendered, by the digest of what they
    show; without a store, every lesson's are made."""

    render: Callable[[Quiz], str]  # a quiz as the index shows it
    store: Pack = field(default_factory=lambda: Pack(None))
    salt: str = ""  # what else they depend on: the templates and their libraries

    def quizzes(self, made: PagePlan, make: Callable[[], list[Quiz]]) -> list[str]:
        def rendered() -> list[str]:
            return [str(self.render(q)) for q in make()]

        shown = (made.lesson, made.cards, made.entry.href)
        cacheable = self.store.file is not None and not made.shows_images
        key = inputs_key("site-revision", REVISION_FORMAT, self.salt, *shown) if cacheable else None
        html = self.store.remember(key, rendered, _strings)
        return [Markup(q) for q in html]  # rendered by the template: safe


def _strings(found: object) -> bool:
    return isinstance(found, list) and all(isinstance(q, str) for q in found)


REVISION_FORMAT = 2


def shows_images(lesson: Lesson, cards: list[Card]) -> bool:
    """Does the lesson's page or a quiz of it show a local image?"""
    fragments = [s.html for s in lesson.sections] + [n.html for n in lesson.footnotes]
    return any("<img" in f for f in fragments) or any(c.shows_images() for c in cards)


def plan(
    curriculum: Curriculum,
    cards: list[Card],
    revisions: RevisionCache,
    rewriter: Rewriter = _unchanged,
) -> tuple[IndexPage, list[PagePlan]]:
    """The index and a plan for each readable lesson's page, in course order."""
    by_lesson: dict[str, list[Card]] = {}
    for card in cards:
        by_lesson.setdefault(card.lesson, []).append(card)
    plans: list[PagePlan] = []
    revision: list[str] = []  # what "test me" draws from, its footnote links to the lesson

    def page(lesson: Lesson, trail: list[str]) -> LessonEntry:
        own = by_lesson.get(lesson.slug, [])
        made = PagePlan(lesson, own, trail, entry(lesson, own))
        made.shows_images = shows_images(lesson, own)
        plans.append(made)
        tests = [c for c in own if c.section == REVISION]
        if tests:

            def make() -> list[Quiz]:
                titles = footnote_titles(footnotes(lesson, own))
                linker = FootnoteLinker(titles, made.entry.href, anchors=False)
                at_index = rewriter(lesson, "")
                return [quiz(c, lesson, linker, at_index) for c in tests]

            revision.extend(revisions.quizzes(made, make))
        return made.entry

    topics = []
    for topic in curriculum.topics:
        topic_name = _name(topic.manifest, topic.slug)
        courses = []
        for course in topic.courses:
            course_name = _name(course.manifest, course.slug)
            workouts = []
            for workout in course.workouts:
                workout_name = _name(workout.manifest, workout.slug)
                trail = [topic_name, course_name, workout_name]
                entries = [page(lesson, trail) for lesson in workout.lessons if lesson.readable]
                workouts.append(WorkoutNode(workout_name, _description(workout.manifest), entries))
            courses.append(CourseNode(course_name, _description(course.manifest), workouts))
        topics.append(TopicNode(topic_name, _description(topic.manifest), courses))
    unlisted = [page(lesson, []) for lesson in curriculum.unlisted if lesson.readable]

    for before, after in zip(plans, plans[1:], strict=False):
        before.next, after.previous = after.entry, before.entry
    title = topics[0].name if len(topics) == 1 else "Study"
    description = topics[0].description if len(topics) == 1 else None
    index = IndexPage(title, description, topics, unlisted, revision)
    return index, plans
