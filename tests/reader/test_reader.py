"""The reader on small lessons written for one behaviour each."""

from __future__ import annotations

from pathlib import Path

from pipeline.reader import parse_lesson, parse_link
from pipeline.rules import check_lesson

HEAD = (
    "---\nauthor: me\ntype: normal\ncategory: tip\n---\n\n# Layers and Tags\n\n"
    "---\n\n## Content\n\nText.\n"
)
HEAD_LINES = HEAD.count("\n")  # the next section's `---` is on line HEAD_LINES + 2


def read(body: str):
    lesson, problems = parse_lesson(HEAD + body, Path("lesson.md"))
    assert problems == []
    return lesson


def test_oracle_block_after_the_answers_is_kept_verbatim() -> None:
    lesson = read(
        "\n---\n\n## Practice\n\nHow many layers?\n\n???\n\n- 2\n- 3\n\n"
        "```oracle\n$ printf 'x' > f\n$ docker build -q .  # comment\n```\n"
    )
    (question,) = lesson.questions
    assert question.oracle is not None
    assert question.oracle.text == "$ printf 'x' > f\n$ docker build -q .  # comment\n"
    assert question.oracle.line == HEAD_LINES + 14  # the first line after ```oracle
    assert question.trailing == []
    assert [(a.text, a.correct) for a in question.answers] == [("2", True), ("3", False)]
    assert check_lesson(lesson) == []


def test_what_follows_the_answers_is_recorded_for_the_rules() -> None:
    lesson = read(
        "\n---\n\n## Practice\n\nQ ???\n\n- a\n- b\n\n```oracle\n$ true\n```\n\n"
        "```oracle\n$ false\n```\n\nA paragraph.\n"
    )
    question = lesson.questions[0]
    assert question.oracle is not None and question.oracle.text == "$ true\n"
    assert [(b.kind, b.line) for b in question.trailing] == [
        ("oracle", HEAD_LINES + 15),
        ("paragraph", HEAD_LINES + 19),
    ]


def test_only_the_last_list_holds_the_answers() -> None:
    lesson = read("\n---\n\n## Revision\n\nPick ???:\n\n* one\n* two\n\n\n- right\n- wrong\n")
    question = lesson.questions[0]
    assert question.text == "Pick ???:\n\n* one\n* two"
    assert [(a.text, a.correct) for a in question.answers] == [("right", True), ("wrong", False)]


def test_answers_keep_their_markdown_and_lines() -> None:
    lesson = read(
        "\n---\n\n## Practice\n\nUse ??? and ???\n\n* `docker run`\n* **bold** answer\n"
        "* an answer on\n  two lines\n* plain\n"
    )
    question = lesson.questions[0]
    assert [a.text for a in question.answers] == [
        "`docker run`",
        "**bold** answer",
        "an answer on\ntwo lines",
        "plain",
    ]
    first = HEAD_LINES + 8
    assert [a.line for a in question.answers] == [first, first + 1, first + 2, first + 4]
    assert question.answers[0].html == "<code>docker run</code>"
    assert [a.correct for a in question.answers] == [True, True, False, False]


def test_quiz_headline_and_id_comment() -> None:
    lesson = read(
        "\n---\n\n## Quiz\n\n### Tags move\n\n<!-- id: tags-move -->\n\nA tag points at ???\n\n"
        "- one image\n- many images\n"
    )
    quiz = lesson.questions[0]
    assert (quiz.headline, quiz.headline_line) == ("Tags move", HEAD_LINES + 6)
    assert quiz.ids == [("tags-move", HEAD_LINES + 8)] and quiz.id == "tags-move"
    assert quiz.text == "A tag points at ???"
    assert "id:" not in quiz.html
    assert quiz.kind == "quiz"


def test_footnote_labels_in_any_layout() -> None:
    lesson = read(
        "\n---\n\n## Footnotes\n\n[1: Layer] A tar archive.\n[2: Tag]\nA movable name.\n\n"
        "More about tags.\n\n[3: Digest: sha256]\n\n```\nsha256:abc\n```\n"
    )
    notes = [(f.number, f.title, f.text, f.line) for f in lesson.footnotes]
    start = HEAD_LINES + 6
    assert notes == [
        (1, "Layer", "A tar archive.", start),
        (2, "Tag", "A movable name.\n\nMore about tags.", start + 1),
        (3, "Digest: sha256", "```\nsha256:abc\n```", start + 6),
    ]


def test_sections_titles_and_stray_content_are_recorded() -> None:
    text = (
        "---\ncategory: tip\n---\n# One\n\nstray\n\n---\n## Content\n\n# Two\n\n---\n## content\n"
    )
    lesson, _ = parse_lesson(text, Path("x.md"))
    assert [(h.text, h.line, h.in_section) for h in lesson.titles] == [
        ("One", 4, None),
        ("Two", 11, "Content"),
    ]
    assert [(b.kind, b.line) for b in lesson.stray] == [("paragraph", 6)]
    assert [(s.name, s.line) for s in lesson.sections] == [("Content", 9), ("content", 14)]
    rules = [d.rule for d in check_lesson(lesson)]
    assert "content-outside-section" in rules and "multiple-titles" in rules
    assert "unknown-section" in rules


def test_a_thematic_break_without_a_heading_stays_content() -> None:
    lesson = read("\n---\n\nMore text.\n\n## Not a section\n")
    assert [s.name for s in lesson.sections] == ["Content"]
    assert "More text." in lesson.sections[0].text


def test_links_as_enki_reads_them() -> None:
    link = parse_link("[Docker\n  docs](https://docs.docker.com/\n  engine/){ documentation }", 3)
    assert (link.name, link.url, link.nature, link.well_formed) == (
        "Docker docs",
        "https://docs.docker.com/engine/",
        "documentation",
        True,
    )
    link = parse_link("[Docker](https://docker.com)", 4)
    assert (link.nature, link.well_formed) == ("website", False)
    link = parse_link("https://docs.docker.com:443/path", 5)
    assert (link.name, link.url, link.nature) == (
        "docs.docker.com",
        "https://docs.docker.com:443/path",
        "website",
    )


def test_undecodable_bytes_are_a_diagnostic() -> None:
    lesson, problems = parse_lesson(b"---\ncategory: tip\n---\n# T\xc3(\n", Path("bad.md"))
    assert not lesson.readable
    assert [(p.rule, p.line, p.col) for p in problems] == [("read-error", 4, 4)]


def test_answers_are_duplicates_when_they_read_the_same() -> None:
    def duplicates(*answers: str) -> list[int]:
        items = "".join(f"- {answer}\n" for answer in answers)
        lesson = read(f"\n---\n\n## Practice\n\nName ???\n\n{items}")
        return [d.line for d in check_lesson(lesson) if d.rule == "duplicate-answer"]

    first = HEAD_LINES + 8  # the line of the first answer
    # markup that Markdown removes does not make an answer different ...
    assert duplicates("`my_app`", "my_app") == [first + 1]
    assert duplicates("**layer**", "layer", "*layer*") == [first + 1, first + 2]
    assert duplicates("a  b", "a b") == [first + 1]
    # ... but characters that stay in the rendered text do
    assert duplicates("my_app", "myapp") == []
    assert duplicates("`a*b`", "ab") == []
    assert duplicates(r"\*x", "x") == []
