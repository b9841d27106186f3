"""Sanitising: everything a lesson says goes through here before it reaches a page.

The Markdown renderer already escapes raw HTML and neutralises `javascript:` links; this is the
second wall. nh3 keeps only the tags and attributes the renderer produces (and the classes the
highlighter adds), so even a renderer bug cannot put a script or an event handler on the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit

import nh3

from pipeline.text import fold, plain

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_TAGS = {
    *("p", "br", "hr", "em", "strong", "del", "code", "pre", "kbd", "samp", "blockquote"),
    *("ul", "ol", "li", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "sub", "span"),
    *("div", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd"),
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "span": {"data-gap"},
    "sup": {"data-footnote"},
    "*": {"class"},
}
# What the renderer and the highlighter produce; a lesson cannot add tags, so this is a backstop.
_DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript"}


def clean(fragment: str) -> str:
    """`fragment` (HTML from the Markdown renderer) with anything active removed."""
    if _INERT.match(fragment):  # two fifths of the fragments (titles, answers) are plain text
        return fragment
    return _cleaner()(fragment)


# Text the sanitiser gives back as it is: no markup or entity (`<`, `>`, `&`), nothing the HTML
# parser rewrites (carriage returns, NUL and other controls, U+00A0 which it writes `&nbsp;`,
# a byte order mark, which it drops at the start, noncharacters, lone surrogates). A property
# test checks it against nh3.
_INERT = re.compile(
    r"[\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x7e\u00a1-\ud7ff\ue000-\ufdcf\ufdf0-\ufefe\uff00-\ufffd]*\Z"
)


@cache
def _cleaner() -> Callable[[str], str]:
    options: dict[str, Any] = {
        "tags": _TAGS,
        "clean_content_tags": _DROP_WITH_CONTENT,
        "attributes": _ATTRIBUTES,
        "url_schemes": set(SAFE_SCHEMES),
        "link_rel": "noopener noreferrer",
        "strip_comments": True,
    }
    if hasattr(nh3, "Cleaner"):  # nh3 0.3: the options are converted once, not on every call
        return nh3.Cleaner(**options).clean  # (eight times faster on a title)
    return partial(nh3.clean, **options)


def safe_url(url: str) -> str | None:
    """`url` if a learner may follow it (http, https, mailto), else None."""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def plain_text(fragment: str) -> str:
    """The text a reader sees in an HTML fragment, whitespace folded."""
    return fold(plain(fragment))
