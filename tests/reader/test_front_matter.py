"""Front matter is read the way Enki's js-yaml 3 reads it, with a line for every key.

The expected values in the js-yaml tables were produced by js-yaml 3.14 `safeLoad` (the version
Enki's parser pins) on the same input, and are the values PyYAML alone gets wrong or rejects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.front_matter import json_safe, load_yaml, read_front_matter
from pipeline.reader import parse_lesson

JS_YAML = [
    ("a: yes\nb: on\nc: Off\nd: y\n", {"a": "yes", "b": "on", "c": "Off", "d": "y"}),
    ("a: true\nb: FALSE\n", {"a": True, "b": False}),
    (
        "a: 1e3\nb: 12e03\nc: 1.5\nd: 09.5\ne: 08\n",
        {"a": 1000, "b": 12000, "c": 1.5, "d": "09.5", "e": "08"},
    ),
    ("a: 017\nb: 0x1F\nc: 1:30\nd: 1_000\n", {"a": 15, "b": 31, "c": 90, "d": 1000}),
    ("a: b\tc\n", {"a": "b\tc"}),  # a tab inside a plain scalar
    ("a: b\t# comment\n", {"a": "b"}),
    ("a:\tb\n", {"a": "b"}),
    ("a: b\t\nc: d\n", {"a": "b", "c": "d"}),
    ("a:\t\n  - x\n", {"a": ["x"]}),
    ("a: [x,\ty]\n", {"a": ["x", "y"]}),
    ("- a\n-\tb\n", ["a", "b"]),
    ("notes: |\n  line one\n  \tindented\n", {"notes": "line one\n\tindented\n"}),  # block scalar
    ("notes: |\n  one\n  \t\n  two\n", {"notes": "one\n\t\ntwo\n"}),
    ("\ufeffa: 1\n", {"a": 1}),
]


@pytest.mark.parametrize(("text", "expected"), JS_YAML)
def test_values_as_js_yaml_reads_them(text: str, expected: object) -> None:
    document, problems = load_yaml(text, "f.md")
    assert problems == []
    assert document.data == expected


def test_dates_print_as_js_yaml_prints_them() -> None:
    document, _ = load_yaml("d: 2020-01-01\nt: 2001-12-14 21:59:43.10 -5\n", "f.md")
    assert json_safe(document.data) == {
        "d": "2020-01-01T00:00:00.000Z",
        "t": "2001-12-15T02:59:43.100Z",
    }


@pytest.mark.parametrize(
    ("text", "line", "rule"),
    [
        ("a: 1\nb: 2\na: 3\n", 4, "duplicate-key"),  # js-yaml: duplicated mapping key
        ("notes: |\n\tline one\n", 3, "yaml-syntax"),  # a tab as indentation
        ("a: [1, 2\nb: 3\n", 2, "yaml-syntax"),
        ("a: b: c\n", 2, "yaml-syntax"),
        ("a: 1\nb: \x1f\n", 3, "yaml-syntax"),  # a control character
    ],
)
def test_what_js_yaml_rejects_is_an_error_at_its_line(text: str, line: int, rule: str) -> None:
    _, problems = load_yaml(text, "f.md", first_line=2)
    assert [(p.rule, p.line) for p in problems] == [(rule, line)]


def test_an_alias_bomb_is_reported_where_its_values_pass_the_limit() -> None:
    """At the innermost value that expands past MAX_YAML_VALUES: one anchor's list, or the
    mapping whose aliases add up only together."""
    ten = ", ".join(["x"] * 10)
    hundred = ", ".join(["*t"] * 10)
    thousand = ", ".join(["*h"] * 10)
    text = f"a: &t [{ten}]\nb: &h [{hundred}]\nc: &k [{thousand}]\nd: [{', '.join(['*k'] * 10)}]\n"
    _, problems = load_yaml(text, "f.md", first_line=2)
    assert [(p.rule, p.line, p.col) for p in problems] == [("yaml-syntax", 5, 4)]  # d's list
    assert "more than 10,000 values" in problems[0].message
    spread = "".join(f"k{n}: *k\n" for n in range(9)) + "k9: *k\n"
    _, problems = load_yaml(text.split("d:")[0] + spread, "f.md", first_line=2)
    assert [(p.line, p.col) for p in problems] == [(2, 1)]  # only the whole mapping is too big


def test_every_key_and_item_knows_its_line() -> None:
    text = (
        "---\nauthor: me\nlinks:\n  - '[a](b){website}'\n  - >-\n    [c](d){video}\n"
        "standards:\n  x.y: 10\n---\n# T\n"
    )
    front, problems = read_front_matter(text, "f.md")
    assert problems == []
    assert front.line == 1
    assert front.positions[("author",)] == (2, 1)
    assert front.positions[("links", 0)] == (4, 5)
    assert front.positions[("links", 1)] == (5, 5)
    assert front.positions[("standards", "x.y")] == (8, 3)
    assert front.body == "# T\n" and front.body_offset == 9


def test_no_front_matter_and_an_unclosed_one() -> None:
    front, problems = read_front_matter("# Title\n", "f.md")
    assert (front.line, front.body, problems) == (None, "# Title\n", [])
    front, problems = read_front_matter("---\na: 1\n# Title\n", "f.md")
    assert [p.rule for p in problems] == ["unclosed-front-matter"]


def test_bom_and_windows_line_ends_keep_lines_right() -> None:
    text = "\ufeff---\r\nauthor: me\r\ntype: normal\r\ncategory: tip\r\n---\r\n\r\n# Title\r\n"
    lesson, problems = parse_lesson(text.encode("utf-8"), Path("bom.md"))
    assert problems == []
    assert lesson.metadata == {"author": "me", "type": "normal", "category": "tip"}
    assert lesson.line_of(("category",)) == (4, 1)
    assert (lesson.title, lesson.title_line) == ("Title", 7)


def test_front_matter_that_is_not_a_mapping_is_kept_for_the_schema() -> None:
    lesson, problems = parse_lesson(b"---\n- a\n- b\n---\n# Title\n", Path("list.md"))
    assert problems == []
    assert lesson.metadata == {} and lesson.front_matter_data == ["a", "b"]
