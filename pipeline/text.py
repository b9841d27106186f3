"""Rendered lesson HTML as the text a reader sees: what answers are compared by.

An answer's Markdown is rendered first, so code spans, emphasis and backslash escapes go exactly
as Markdown reads them (`` `my_app` `` is `my_app`, `my_app` stays `my_app`): stripping marks from
the Markdown source would make `my_app` and `myapp` the same answer.
"""

from __future__ import annotations

import re
from html import unescape

_SPACES = re.compile(r"\s+")


# Our renderer escapes `<`, `>` and `&` in text and attribute values, so every `<` opens a tag and
# a pattern finds them; an HTML parser gives the same text ten times slower, on a hot path.
_TAG = re.compile(r"<[^>]*>")


def plain(html: str) -> str:
    """The text of an HTML fragment the pipeline rendered: tags dropped, references decoded,
    white space as is."""
    return unescape(_TAG.sub("", html))


def fold(text: str) -> str:
    """Surrounding white space removed, every run of white space folded to one space."""
    return _SPACES.sub(" ", text).strip()


def answer_key(html: str) -> str:
    """An answer item as the oracle compares it (rule 3): plain text, white space folded."""
    return fold(plain(html))
