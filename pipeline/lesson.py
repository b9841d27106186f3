"""The lesson model: what an insight file says, with the line each part comes from.

The reader fills these from a file; the rules judge them; the cards and exporters read them.
A Lesson records facts, including awkward ones (a second title, text after an answer list) so
that the rules can report them; it never decides what is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.front_matter import JsonPath, Positions, position

# Section names of the Enki insight format (curriculum-helpers/lib/section-names.js).
CONTENT = "Content"
PRACTICE = "Practice"
REVISION = "Revision"
QUIZ = "Quiz"
FOOTNOTES = "Footnotes"
GAME_CONTENT = "Game Content"
EXERCISE = "Exercise"
SECTION_NAMES = (CONTENT, PRACTICE, REVISION, QUIZ, FOOTNOTES, GAME_CONTENT, EXERCISE)
QUESTION_SECTIONS = (PRACTICE, REVISION, QUIZ)


@dataclass
class Link:
    """A front matter link: `[name](url){nature}`; `well_formed` is False for Enki's fallbacks."""

    name: str
    url: str
    nature: str
    line: int
    raw: str
    well_formed: bool = True


@dataclass
class Target:
    """Where a link or an image in the lesson's Markdown points (the URL as the renderer has it)."""

    kind: str  # "link" or "image"
    url: str
    line: int
    col: int = 1


@dataclass
class Gap:
    """A `???` in a question, numbered from 1 in document order."""

    index: int
    line: int
    col: int
    in_code: bool = False


@dataclass
class Answer:
    text: str  # Markdown of the list item, without its bullet
    html: str
    correct: bool
    line: int
    gaps: int = 0  # `???` inside the answer itself (a mistake)


@dataclass
class Oracle:
    """The `oracle` scenario after a question's answer list; `line` is its first text line."""

    text: str
    line: int


@dataclass
class Block:
    """A block that matters only by kind and place (stray text, a misplaced oracle, ...)."""

    kind: str
    line: int
    col: int = 1


@dataclass
class Question:
    section: str  # Practice, Revision or Quiz
    line: int  # the section's `## Name` line
    text: str  # the question's Markdown: prose and code with `???`, no headline or answers
    html: str
    gaps: list[Gap] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    headline: str | None = None
    headline_html: str | None = None
    headline_line: int | None = None
    answer_list: str = "bullet"  # "bullet", "ordered" (not an answer list) or "none"
    answer_list_line: int | None = None
    oracle: Oracle | None = None
    trailing: list[Block] = field(default_factory=list)  # blocks after the list, oracle aside
    ids: list[tuple[str, int]] = field(default_factory=list)  # `<!-- id: x -->` and its line

    @property
    def kind(self) -> str:
        return self.section.lower()

    @property
    def id(self) -> str | None:
        return self.ids[0][0] if self.ids else None

    @property
    def correct_answers(self) -> list[Answer]:
        return [a for a in self.answers if a.correct]


@dataclass
class Footnote:
    number: int
    title: str
    text: str  # Markdown of the definition
    html: str
    line: int  # the `[N: Title]` label's line
    ids: list[tuple[str, int]] = field(default_factory=list)
    title_html: str = ""

    @property
    def id(self) -> str | None:
        return self.ids[0][0] if self.ids else None


@dataclass
class FootnoteRef:
    """A `word[N]` reference outside the Footnotes section."""

    number: int
    line: int
    col: int


@dataclass
class Section:
    name: str
    line: int  # the `## Name` line
    text: str  # Markdown of the body
    html: str
    gaps: list[Gap] = field(default_factory=list)  # `???` found in the body
    col: int = 1


@dataclass
class Heading:
    text: str
    line: int
    in_section: str | None = None  # the section it sits in, None before the first section


@dataclass
class Lesson:
    path: Path
    slug: str
    metadata: dict[str, Any] = field(default_factory=dict)
    positions: Positions = field(default_factory=dict)
    front_matter_line: int | None = None  # None: the file has no front matter
    titles: list[Heading] = field(default_factory=list)  # every `# ...` in the file
    title_html: str = ""
    sections: list[Section] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    footnote_refs: list[FootnoteRef] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # links and images in the Markdown
    stray: list[Block] = field(default_factory=list)  # content outside any section
    misplaced_oracles: list[Block] = field(default_factory=list)
    footnote_preamble: list[Block] = field(default_factory=list)  # text before the first label
    front_matter_data: Any = None  # the YAML as loaded, before any check (may not be a mapping)
    metadata_ok: bool = True  # False when the front matter YAML could not be loaded
    readable: bool = True  # False when the file could not be read or decoded
    # The lesson cache's key for the file (its path, bytes and the pipeline's fingerprint), of
    # which this lesson is a function: output caches key on it instead of the whole lesson.
    digest: str | None = field(default=None, compare=False, repr=False)

    @property
    def title(self) -> str | None:
        return self.titles[0].text if self.titles else None

    @property
    def title_line(self) -> int:
        return self.titles[0].line if self.titles else 1

    @property
    def type(self) -> str | None:
        value = self.metadata.get("type")
        return value if isinstance(value, str) else None

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def line_of(self, where: JsonPath) -> tuple[int, int]:
        """File position of a front matter key (or its nearest ancestor)."""
        return position(self.positions, where, self.front_matter_line or 1)
