"""Markdown: the gap and footnote-reference plugins, positions, and safe HTML."""

from __future__ import annotations

from pipeline import markdown


def html_of(source: str) -> str:
    tokens = markdown.parse_blocks(source)
    markdown.parse_inline(tokens)
    markdown.number_gaps(tokens)
    return markdown.render(tokens)


def test_gaps_in_prose_and_code_are_numbered_in_order() -> None:
    tokens = markdown.parse_blocks("Run ??? then:\n\n```bash\ndocker ??? ???\n```\n")
    markdown.parse_inline(tokens)
    assert markdown.count_gaps(tokens) == 3
    markdown.number_gaps(tokens)
    html = markdown.render(tokens)
    assert '<p>Run <span class="gap" data-gap="1">???</span> then:</p>' in html
    assert (
        'docker <span class="gap" data-gap="2">???</span> <span class="gap" data-gap="3">???</span>'
        in html
    )


def test_what_is_not_a_gap() -> None:
    tokens = markdown.parse_blocks("`???` and \\??? and ????\n")
    markdown.parse_inline(tokens)
    # inline code and an escaped `?` are text; `????` is one gap and a `?`, as in Enki
    assert markdown.count_gaps(tokens) == 1


def test_footnote_references_are_not_links_or_labels() -> None:
    html = html_of("A layer[1] and [2](https://x.test/) and `code[3]`.\n")
    assert '<sup class="footnote-ref" data-footnote="1"><a href="#footnote-1">1</a></sup>' in html
    assert '<a href="https://x.test/">2</a>' in html
    assert "<code>code[3]</code>" in html
    tokens = markdown.parse_blocks("[1: Title]\n")
    markdown.parse_inline(tokens)
    assert not [t for t in markdown.walk(tokens) if t["type"] == "footnote_ref"]


def test_raw_html_from_a_lesson_is_escaped() -> None:
    html = html_of('<script>alert(1)</script>\n\nText <img src=x onerror="alert(2)"> here.\n')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


def test_dangerous_links_are_neutralised() -> None:
    html = html_of("[click](javascript:alert(1)) ![x](javascript:alert(2))\n")
    assert "javascript:" not in html
    assert 'href="#harmful-link"' in html


def test_id_comments_are_invisible() -> None:
    assert html_of("<!-- id: my-card -->\n\nQuestion?\n") == "<p>Question?</p>\n"
    assert html_of("Question? <!-- id: my-card -->\n") == "<p>Question? </p>\n"


def test_top_level_blocks_know_where_they_start_and_end() -> None:
    source = "# T\n\n---\n\n## Practice\n\nText ???\n\n- a\n- b\n\n---\n## Footnotes\n"
    tokens = [t for t in markdown.parse_blocks(source) if t["type"] != "blank_line"]
    starts = [(t["type"], source.count("\n", 0, t["_start"]) + 1) for t in tokens]
    assert starts == [
        ("heading", 1),
        ("thematic_break", 3),
        ("heading", 5),
        ("paragraph", 7),
        ("list", 9),
        ("thematic_break", 12),
        ("heading", 13),
    ]
    answer_list = tokens[4]
    assert source[answer_list["_start"] : answer_list["_end"]].strip() == "- a\n- b"


def test_oracle_blocks_are_recognised_by_their_info_string() -> None:
    tokens = markdown.parse_blocks("```oracle\n$ true\n```\n\n```bash\n$ true\n```\n")
    assert [markdown.is_oracle(t) for t in tokens if t["type"] == "block_code"] == [True, False]
