"""Code highlighting with Pygments, once, for the HTML every exporter shares.

Markdown renders a fenced block with a known language as spans with short CSS classes
(`<span class="hl-k">`), inside the same `<pre><code class="language-x">` mistune writes. Two
consumers read that HTML:

- the site styles the classes with `stylesheet()`: a light palette, and a dark one under the
  system's dark setting (or `data-theme="dark"` on an ancestor);
- the Anki deck calls `inline_styles(html)`, which turns the classes into inline `style`
  attributes on a dark code panel, because a deck carries no stylesheet of ours everywhere
  it is shown (AnkiDroid, AnkiMobile, the browser's preview) and a dark panel with its own
  background stays readable in Anki's night mode as in day mode.

Every colour is nudged until it reaches WCAG AA contrast (4.5:1) against its panel, so no
Pygments theme choice can make a token unreadable.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Token, _TokenType
from pygments.util import ClassNotFound

Theme = Literal["light", "dark"]
PREFIX = "hl-"
STYLES: dict[Theme, str] = {"light": "default", "dark": "github-dark"}
MIN_CONTRAST = 4.5  # WCAG AA for normal text
# Letters only, so that every lexer keeps it inside one word and the HTML escaper leaves it be.
_MARKER = "enkigapmarkerzq"
_NUL = "\0"
_UNSTYLED = {"", "w"}  # plain text and whitespace: never worth a span


@dataclass(frozen=True)
class TokenStyle:
    color: str | None = None
    bold: bool = False
    italic: bool = False

    def css(self) -> str:
        parts = []
        if self.color:
            parts.append(f"color:{self.color}")
        if self.bold:
            parts.append("font-weight:bold")
        if self.italic:
            parts.append("font-style:italic")
        return ";".join(parts)


@dataclass(frozen=True)
class Palette:
    """One theme: the code panel's colours and a style per CSS class (without the prefix)."""

    background: str
    foreground: str
    classes: dict[str, TokenStyle]

    def panel_css(self) -> str:
        return f"background:{self.background};color:{self.foreground}"


# -- rendering (class mode) ---------------------------------------------------------------------


def lexer_for(info: str | None) -> Lexer | None:
    """The Pygments lexer named by a fence's info string (`bash`, `Dockerfile`), if any."""
    name = (info or "").strip().split(None, 1)[:1]
    return _lexer(name[0].lower()) if name else None


@cache
def _lexer(alias: str) -> Lexer | None:
    """One lexer per alias: finding it costs more than lexing a short block, and a lexer
    keeps no state between calls of `get_tokens`."""
    if alias not in _builtin_aliases():
        return None
    try:
        return get_lexer_by_name(alias, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@cache
def _builtin_aliases() -> frozenset[str]:
    """Pygments' own lexers only: a plugin (IPython registers some) would make the output
    depend on what else is installed, and loading plugins is slow."""
    return frozenset(
        alias.lower() for _, aliases, _, _ in get_all_lexers(plugins=False) for alias in aliases
    )


@lru_cache(maxsize=1024)  # a question's code is rendered for the question and its section
def code_block(code: str, info: str | None) -> str | None:
    """`<pre><code>` HTML with class-mode spans, or None when the language is unknown.

    A NUL in `code` (how the Markdown renderer marks a gap) comes back as a NUL in the HTML,
    outside any span, so the caller can put its gap markup there.
    """
    lexer = lexer_for(info)
    if lexer is None:
        return None
    marked = code.replace(_MARKER, "").replace(_NUL, _MARKER)
    body = "".join(_spans(lexer.get_tokens(marked)))
    if body.count(_MARKER) != code.count(_NUL):  # a lexer split a marker: no highlighting
        return None
    lang = htmllib.escape(info.strip().split(None, 1)[0]) if info else ""
    return f'<pre><code class="language-{lang}">{body.replace(_MARKER, _NUL)}</code></pre>\n'


def _spans(tokens: Iterable[tuple[_TokenType, str]]) -> Iterable[str]:
    for ttype, value in tokens:
        cls = css_class(ttype)
        # a gap marker stays outside any span, so the gap's markup never nests in a token's
        for index, part in enumerate(value.split(_MARKER)):
            if index:
                yield _MARKER
            if part:
                text = htmllib.escape(part, quote=False)
                yield text if cls is None else f'<span class="{PREFIX}{cls}">{text}</span>'


@cache
def css_class(ttype: _TokenType) -> str | None:
    """The short Pygments class of `ttype` (or its nearest standard parent), None if unstyled."""
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    cls = STANDARD_TYPES[ttype]
    if cls in _UNSTYLED or not any(cls in palette(t).classes for t in STYLES):
        return None
    return cls


# -- palettes -----------------------------------------------------------------------------------


@cache
def palette(theme: Theme) -> Palette:
    style = get_style_by_name(STYLES[theme])
    background = _hex(style.background_color) or ("#ffffff" if theme == "light" else "#0d1117")
    text = style.style_for_token(Token.Text).get("color")
    foreground = readable(_hex(text) or ("#1f2328" if theme == "light" else "#e6edf3"), background)
    classes = {}
    for ttype, cls in STANDARD_TYPES.items():
        token_style = _token_style(style, ttype, background)
        if cls not in _UNSTYLED and token_style is not None:
            classes[cls] = token_style
    return Palette(background, foreground, classes)


def _token_style(style: StyleMeta, ttype: _TokenType, background: str) -> TokenStyle | None:
    found = style.style_for_token(ttype)
    color = _hex(found.get("color"))
    bold, italic = bool(found.get("bold")), bool(found.get("italic"))
    if color is None and not bold and not italic:
        return None
    return TokenStyle(readable(color, background) if color else None, bold, italic)


def _hex(color: str | None) -> str | None:
    if not color:
        return None
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    return f"#{color.lower()}" if re.fullmatch(r"[0-9a-fA-F]{6}", color) else None


def _rgb(color: str) -> tuple[float, float, float]:
    value = color.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(color: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """`color`, mixed towards black or white (away from the background) until it is readable."""
    target = "#000000" if luminance(background) > 0.5 else "#ffffff"
    r, g, b = _rgb(color)
    tr, tg, tb = _rgb(target)
    for step in range(21):
        t = step / 20
        mixed = "#{:02x}{:02x}{:02x}".format(
            *(round((c + (d - c) * t) * 255) for c, d in ((r, tr), (g, tg), (b, tb)))
        )
        if contrast(mixed, background) >= minimum:
            return mixed
    return target


# -- consumers ----------------------------------------------------------------------------------


def stylesheet(scope: str = "", dark_selector: str = '[data-theme="dark"]') -> str:
    """CSS for class-mode code: the light palette, the dark one for `prefers-color-scheme: dark`
    and under `dark_selector`. `scope` prefixes every selector (e.g. `.lesson`)."""
    light, dark = palette("light"), palette("dark")
    prefix = f"{scope} " if scope else ""
    dark_rules = _rules(dark, prefix)
    return "\n".join(
        [
            "/* Code highlighting (Pygments, pipeline/highlight.py) */",
            _rules(light, prefix),
            "@media (prefers-color-scheme: dark) {",
            _indent(dark_rules),
            "}",
            _rules(dark, f"{dark_selector} {prefix}"),
            "",
        ]
    )


def _rules(theme: Palette, prefix: str) -> str:
    lines = [f"{prefix}pre {{ {theme.panel_css()}; }}"]
    for cls in sorted(theme.classes):
        lines.append(f"{prefix}.{PREFIX}{cls} {{ {_full_css(theme.classes[cls])}; }}")
    return "\n".join(lines)


def _full_css(style: TokenStyle) -> str:
    """Every property set, so the dark rules fully override the light ones."""
    return ";".join(
        [
            f"color:{style.color or 'inherit'}",
            f"font-weight:{'bold' if style.bold else 'normal'}",
            f"font-style:{'italic' if style.italic else 'normal'}",
        ]
    )


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


_SPAN = re.compile(rf'<span class="{re.escape(PREFIX)}([A-Za-z0-9-]+)">')
_PRE = re.compile(r"<pre>")


def inline_styles(html: str, theme: Theme = "dark") -> str:
    """The same HTML with the highlight classes as inline styles and every `<pre>` a panel."""
    colors = palette(theme)
    panel = f"{colors.panel_css()};padding:0.6em 0.8em;border-radius:6px;overflow-x:auto"

    def span(m: re.Match[str]) -> str:
        style = colors.classes.get(m.group(1))
        return f'<span style="{style.css()}">' if style else "<span>"

    return _PRE.sub(f'<pre style="{panel}">', _SPAN.sub(span, html))
