"""Highlighting: class-mode HTML from the renderer, the site's CSS, the deck's inline styles."""

from __future__ import annotations

import re

import pytest

from pipeline import highlight, markdown


def render(source: str) -> str:
    tokens = markdown.parse_blocks(source)
    markdown.parse_inline(tokens)
    markdown.number_gaps(tokens)
    return markdown.render(tokens)


def test_a_known_language_is_highlighted_with_prefixed_classes() -> None:
    html = render("```Dockerfile\nFROM scratch\nCOPY app.py /app/\n```\n")
    assert html.startswith('<pre><code class="language-Dockerfile">')
    assert '<span class="hl-k">FROM</span>' in html
    assert '<span class="hl-k">COPY</span>' in html
    # the text itself is all there, in order
    assert re.sub(r"<[^>]+>", "", html).strip() == "FROM scratch\nCOPY app.py /app/"


def test_unknown_or_missing_language_stays_plain_and_escaped() -> None:
    for fence in ("```\n", "```no-such-language\n"):
        html = render(f"{fence}a <b> & c\n```\n")
        assert "hl-" not in html
        assert "a &lt;b&gt; &amp; c" in html


def test_code_is_escaped_inside_spans() -> None:
    html = render('```bash\necho "<script>alert(1)</script>" && x\n```\n')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_gaps_in_highlighted_code_keep_their_markup_outside_tokens() -> None:
    html = render('Fill:\n\n```bash\necho "a ???" ???\nFROM ???\n```\n')
    gaps = re.findall(r'<span class="gap" data-gap="(\d+)">\?\?\?</span>', html)
    assert gaps == ["1", "2", "3"]
    # a gap is never nested inside a token span
    assert not re.search(r'<span class="hl-[^"]*">[^<]*<span class="gap"', html)
    text = re.sub(r"<[^>]+>", "", html)
    assert 'echo "a ???" ???\nFROM ???' in text


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_colour_is_readable_on_its_panel(theme: highlight.Theme) -> None:
    palette = highlight.palette(theme)
    assert highlight.contrast(palette.foreground, palette.background) >= highlight.MIN_CONTRAST
    colours = [s.color for s in palette.classes.values() if s.color]
    assert len(colours) > 10
    for colour in colours:
        assert highlight.contrast(colour, palette.background) >= highlight.MIN_CONTRAST, colour


def test_readable_moves_a_colour_away_from_the_background() -> None:
    assert highlight.contrast("#777777", "#ffffff") < 4.5
    darker = highlight.readable("#777777", "#ffffff")
    assert highlight.contrast(darker, "#ffffff") >= 4.5
    lighter = highlight.readable("#444444", "#000000")
    assert highlight.contrast(lighter, "#000000") >= 4.5
    assert highlight.readable("#000000", "#ffffff") == "#000000"  # already fine: unchanged


def test_stylesheet_has_both_themes_for_every_class() -> None:
    css = highlight.stylesheet(scope=".lesson")
    light, dark = highlight.palette("light"), highlight.palette("dark")
    assert "@media (prefers-color-scheme: dark)" in css
    assert '[data-theme="dark"] .lesson pre' in css
    for cls in light.classes.keys() | dark.classes.keys():
        assert css.count(f".lesson .hl-{cls} ") >= 2, cls
    assert f"background:{light.background}" in css
    assert f"background:{dark.background}" in css
    assert "url(" not in css and "@import" not in css  # nothing external


def test_inline_styles_replace_every_class_and_style_the_panel() -> None:
    html = render("```console\n$ docker run --rm busybox echo hi # greet\nhi\n```\n")
    inline = highlight.inline_styles(html)
    assert "hl-" not in inline
    dark = highlight.palette("dark")
    assert inline.startswith(f'<pre style="background:{dark.background};color:{dark.foreground}')
    assert re.findall(r'<span style="([^"]*)">', inline)
    assert re.sub(r"<[^>]+>", "", inline) == re.sub(r"<[^>]+>", "", html)
