"""Footnotes linked both ways: each reference gets an id, each footnote links back to them.

The renderer marks a reference as `<sup class="footnote-ref" data-footnote="N"><a
href="#footnote-N">N</a></sup>`; here, on sanitised HTML, each such link gets a unique id and a
label naming the footnote, and the page remembers the ids so the footnote can point back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

_REFERENCE = re.compile(r'<a href="#footnote-(?P<number>\d+)"')


@dataclass
class FootnoteLinker:
    """Numbers the references of one page, in the order its fragments are linked."""

    titles: dict[int, str]  # footnote number → its title, for screen readers
    target: str = ""  # prefix of the footnote anchors: "" on the lesson page itself
    anchors: bool = True  # give references ids (only the lesson page is linked back to)
    references: dict[int, list[str]] = field(default_factory=dict)

    def link(self, fragment: str) -> Markup:
        return Markup(_REFERENCE.sub(self._reference, fragment))

    def _reference(self, match: re.Match[str]) -> str:
        number = int(match.group("number"))
        title = self.titles.get(number)
        label = f"Footnote {number}" + (f": {title}" if title else "")
        attributes = f'href="{escape(self.target)}#footnote-{number}" aria-label="{escape(label)}"'
        if self.anchors and title is not None:
            ids = self.references.setdefault(number, [])
            ids.append(f"footnote-ref-{number}-{len(ids) + 1}")
            attributes += f' id="{ids[-1]}"'
        return f"<a {attributes}"
