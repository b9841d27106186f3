"""Extra stylesheets beside site.css: the code highlighting colours, light and dark."""

from __future__ import annotations

from pipeline import highlight

HIGHLIGHT_CSS = "highlight.css"


def stylesheets() -> list[tuple[str, str]]:
    """(file name, CSS) of each stylesheet the pages link besides site.css."""
    return [(HIGHLIGHT_CSS, highlight.stylesheet())]
