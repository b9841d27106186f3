"""The reader and the validator: any lesson, however mangled, gives a result and diagnostics.

Lessons are built from a grammar of the insight format (front matter, title, sections,
questions with gaps, answer lists, oracle blocks, footnotes, links and images), then MUTATED
line by line (deleted, duplicated, swapped, overwritten), with random unicode inserted and the
end cut off, and written with LF or CRLF line ends, with or without a BOM. Each is checked the
way `pipeline check` checks a file: read, every lesson rule, the link and image targets, cards
and their ids. The outcome is a Lesson and diagnostics, never an exception (an
`internal-error` diagnostic is a caught exception, so it fails too), every diagnostic points at
a line of the file, and every card's source line is one too.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st
from properties.support import Hang, property_settings, time_limit

from pipeline.check import check
from pipeline.diagnostics import Diagnostic
from pipeline.verify import Verifier

# -- the grammar --------------------------------------------------------------------------------

words = st.sampled_from(
    [
        *("layer", "image", "the", "Docker", "`COPY`", "*cache*", "**tag**", "a\\*b", "x_y"),
        *("<b>bold</b>", "<script>x()</script>", "&amp;", "word[1]", "term[2]", "[3]", "???"),
        *("[docs](https://docs.docker.com/)", "[local](other.md)", "[up](../../x.md)"),
        *("[js](javascript:alert(1))", "[data](data:text/html,x)", "![pic](img.png)"),
        *("![abs](/etc/passwd)", "<https://example.org>", "<!-- id: q1 -->", "`???`", "\\"),
    ]
)
inline = st.lists(words, min_size=1, max_size=8).map(" ".join)
names = st.sampled_from(
    ["Content", "Practice", "Revision", "Quiz", "Footnotes", "Game Content", "Exercise", "Other"]
)
yaml_values = st.sampled_from(
    [
        *("must-know", "tip", "normal", "exercise", "bogus", "'quoted'", "[a, b]", "{a: 1}"),
        *("&anchor x", "*anchor", "!!python/object:os.system x", "yes", "1e3", "2020-01-01"),
        *("|\n  block", "", "'[name](https://x.org){documentation}'", "- item", "@", "`"),
    ]
)
front_keys = st.sampled_from(
    ["author", "type", "category", "aspects", "links", "tags", "levels", "difficulty", "links"]
)
ORACLES = [
    "$ echo 2",
    "$ printf 'a\\nb\\n'",
    "$ docker image inspect alpine --format '{{len .RootFS.Layers}}'",
    "$ false",
    "not a command",
    "$ cat <<EOF",
]


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    lines = ["---"]
    for key in draw(st.lists(front_keys, max_size=6)):
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(yaml_values)}")
        else:
            lines += [
                f"{key}:",
                *(f"  - {draw(yaml_values)}" for _ in range(draw(st.integers(0, 3)))),
            ]
    lines.append("---")
    return "\n".join(lines) + "\n"


@st.composite
def question(draw: st.DrawFn, name: str) -> str:
    parts = []
    if name == "Quiz" and draw(st.booleans()):
        parts.append(f"### {draw(inline)}")
    gaps = draw(st.integers(0, 3))
    parts.append(draw(inline) + " ???" * gaps)
    if draw(st.booleans()):
        parts.append("```\ncode ???\n```")
    bullet = draw(st.sampled_from(["-", "*", "1."]))
    items = [f"{bullet} {draw(inline)}" for _ in range(draw(st.integers(0, 5)))]
    if items and draw(st.booleans()):
        items.insert(1, "  - nested")
    parts.append("\n".join(items))
    if draw(st.booleans()):
        parts.append(
            "```oracle\n"
            + "\n".join(draw(st.lists(st.sampled_from(ORACLES), max_size=3)))
            + "\n```"
        )
    return "\n\n".join(parts)


@st.composite
def footnotes(draw: st.DrawFn) -> str:
    notes = []
    for _ in range(draw(st.integers(0, 3))):
        number = draw(st.integers(0, 4))
        notes.append(f"[{number}: {draw(inline)}]\n{draw(inline)}")
    return "\n\n".join(notes)


@st.composite
def section(draw: st.DrawFn) -> str:
    name = draw(names)
    if name in ("Practice", "Revision", "Quiz"):
        body = draw(question(name))
    elif name == "Footnotes":
        body = draw(footnotes())
    else:
        paragraphs = draw(st.lists(inline, min_size=1, max_size=3))
        body = "\n\n".join(paragraphs)
    return f"---\n\n## {name}\n\n{body}\n"


@st.composite
def lessons(draw: st.DrawFn) -> str:
    text = draw(front_matter()) if draw(st.integers(0, 9)) else ""
    text += f"\n# {draw(inline)}\n\n"
    text += "\n".join(draw(st.lists(section(), max_size=6)))
    return text


# -- the mutations ------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = draw(lessons()).split("\n")
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert"]))
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "replace":
            lines[index] = draw(st.text(max_size=20))
        else:
            column = draw(st.integers(0, len(lines[index])))
            junk = draw(st.text(max_size=6))
            lines[index] = lines[index][:column] + junk + lines[index][column:]
    text = "\n".join(lines)
    if draw(st.integers(0, 4)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    return text.encode("utf-8", "surrogatepass")


# -- the property -------------------------------------------------------------------------------


def file_lines(data: bytes) -> list[str]:
    """Lines as the reader counts them: LF, CRLF and a lone CR each end one."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_file(data: bytes, folder: Path) -> list[Diagnostic]:
    path = folder / "lesson.md"
    path.write_bytes(data)
    try:
        with time_limit():
            checked = check(path)
            verified = Verifier().verify_all(checked.cards)  # as `check` runs the scenarios
    except Hang as hang:
        raise AssertionError(f"{hang}: {data!r}") from None
    lines = file_lines(data)
    for diagnostic in [*checked.diagnostics, *verified]:
        assert diagnostic.rule != "internal-error", diagnostic.format()
        assert Path(diagnostic.path) == path, diagnostic.format()
        assert 1 <= diagnostic.line <= len(lines), (diagnostic.format(), len(lines))
        # A column is at most one past the line's end (in bytes for undecodable input).
        width = len(lines[diagnostic.line - 1].encode("utf-8", "surrogatepass"))
        assert 1 <= diagnostic.col <= width + 1, (diagnostic.format(), lines[diagnostic.line - 1])
        assert diagnostic.message, diagnostic.format()
    for card in checked.cards:
        assert 1 <= card.source.line <= len(lines), (card.id, card.source)
        if card.oracle is not None:
            assert 1 <= card.oracle.line <= len(lines), (card.id, card.oracle)
    return [*checked.diagnostics, *verified]


@property_settings(300)
@given(mutated())
@example(b"---\ncategory: tip\n---\n# T\n\n---\n\n## Practice\n\nQ ???\n\n- a\n- b\n")
@example(b"\xef\xbb\xbf---\r\ncategory: [\r\n---\r\n# T\r\n")
@example(b"# T\r\r---\r\r## Content\r\rword[1]\r")
def test_any_mutated_lesson_gives_a_result_with_valid_positions(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_file(data, Path(folder))


@property_settings(150)
@given(st.binary(max_size=300))
@example(b"\r\x00")  # found by this test: a lone CR did not count as a line end here
@example(b"\xef\xbb\xbfa\rb\xff")
def test_any_bytes_give_a_result_with_valid_positions(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_file(data, Path(folder))


def test_the_grammar_reaches_a_clean_lesson() -> None:
    """A sanity check on the grammar: unmutated, its lessons can be entirely right."""
    text = (
        "---\nauthor: a\ntype: normal\ncategory: must-know\n---\n\n# Layers of images\n\n"
        "---\n\n## Content\n\nA layer word[1].\n\n---\n\n## Practice\n\nWhich ???\n\n- a\n- b\n\n"
        "---\n\n## Footnotes\n\n[1: Layer]\nA tar archive.\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        assert check_file(text.encode(), Path(folder)) == []
