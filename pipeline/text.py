"""Rendered lesson HTML as the text a reader sees: what answers are compared by.

An answer's Markdown is rendered first, so code spans, emphasis and backslash escapes go exactly
as Markdown reads them (`` `my_app` `` is `my_app`, `my_app` stays `my_app`): stripping marks from
the Markdown source would make `my_app` and `myapp` the same answer.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SPACES = re.compile(r"\s+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(html: str) -> str:
    """The text of an HTML fragment, tags dropped and entities decoded, white space as is."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def fold(text: str) -> str:
    """Surrounding white space removed, every run of white space folded to one space."""
    return _SPACES.sub(" ", text).strip()


def answer_key(html: str) -> str:
    """An answer item as the oracle compares it (rule 3): plain text, white space folded."""
    return fold(plain(html))
