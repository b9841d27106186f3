"""Markdown: mistune 3 block and inline parsing with the insight syntax, and HTML from the same AST.

The insight format adds two inline rules, each a small mistune plugin: `???` gaps and `word[1]`
footnote references. Block tokens carry their source offsets (`_start`, `_end`) so that the
reader can give every question, answer and footnote its line. Nothing here parses Markdown twice:
the reader splits the block tokens into sections, then inline-parses and renders those tokens.

Lesson text is untrusted: raw HTML is escaped, and unsafe link protocols are neutralised.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator
from typing import Any

import mistune
from mistune.core import BlockState, InlineState
from mistune.util import escape as escape_text

from pipeline import highlight

Token = dict[str, Any]

GAP = "???"
GAP_PATTERN = re.compile(r"\?{3}")
ID_COMMENT = re.compile(r"<!--\s*id:\s*(?P<id>.*?)\s*-->")
ORACLE_INFO = "oracle"

_INLINE_GAP = r"\?{3}"
# `[1]` but not a link `[1](url)`, a reference `[1][x]` or a footnote label `[1: Title]`.
_INLINE_FOOTNOTE_REF = r"\[(?P<footnote_number>[0-9]{1,6})\](?![(\[:])"
_HAS_START_CHARS = "start_chars" in inspect.signature(mistune.InlineParser.register).parameters


def _register_inline(md: mistune.Markdown, name: str, pattern: str, func: Any, start: str) -> None:
    if _HAS_START_CHARS:
        md.inline.register(name, pattern, func, before="link", start_chars=start)
    else:  # mistune before 3.1 has no fast path hint
        md.inline.register(name, pattern, func, before="link")


def _parse_gap(inline: mistune.InlineParser, m: re.Match[str], state: InlineState) -> int:
    state.append_token({"type": "gap", "raw": GAP, "attrs": {"index": 0}})
    return m.end()


def _parse_footnote_ref(inline: mistune.InlineParser, m: re.Match[str], state: InlineState) -> int:
    number = int(m.group("footnote_number"))
    state.append_token({"type": "footnote_ref", "raw": m.group(0), "attrs": {"number": number}})
    return m.end()


def gaps(md: mistune.Markdown) -> None:
    """Plugin: `???` is a gap, the place where an answer goes."""
    _register_inline(md, "gap", _INLINE_GAP, _parse_gap, "?")


def footnote_refs(md: mistune.Markdown) -> None:
    """Plugin: `word[1]` refers to footnote 1 of the lesson's Footnotes section."""
    _register_inline(md, "footnote_ref", _INLINE_FOOTNOTE_REF, _parse_footnote_ref, "[")


class LessonRenderer(mistune.HTMLRenderer):
    """HTML for lessons and cards: raw HTML escaped, gaps and footnote references marked up."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def gap(self, text: str, index: int = 0) -> str:
        return f'<span class="gap" data-gap="{index}">{GAP}</span>'

    def footnote_ref(self, text: str, number: int = 0) -> str:
        return (
            f'<sup class="footnote-ref" data-footnote="{number}">'
            f'<a href="#footnote-{number}">{number}</a></sup>'
        )

    def block_code(self, code: str, info: str | None = None, gap_start: int = 0) -> str:
        source = code.replace(GAP, "\0")
        html = highlight.code_block(source, info) or super().block_code(source, info)
        if GAP not in code:
            return html
        parts = html.split("\0")
        marked = [parts[0]]
        for offset, part in enumerate(parts[1:]):
            marked.append(self.gap(GAP, gap_start + offset))
            marked.append(part)
        return "".join(marked)

    def inline_html(self, html: str) -> str:
        return "" if ID_COMMENT.fullmatch(html.strip()) else super().inline_html(html)

    def block_html(self, html: str) -> str:
        return "" if ID_COMMENT.fullmatch(html.strip()) else super().block_html(html)


class _PositionedParser(mistune.BlockParser):
    """Block parser that records where each top-level token starts in the source."""

    def parse_method(self, m: re.Match[str], state: BlockState) -> int | None:
        if state.parent is not None:
            return super().parse_method(m, state)
        # New tokens land at the end, or just before the last one (mistune's prepend_token), so
        # only that tail is looked at: visiting every token made a lesson quadratic in blocks.
        tail = max(len(state.tokens) - 1, 0)
        end = super().parse_method(m, state)
        for token in state.tokens[tail:]:
            # Nested calls (a list ended by a thematic break) already placed their tokens.
            token.setdefault("_start", m.start())
        return end

    def _parse_indent_code_fast(self, state: BlockState) -> int | None:
        start, count = state.cursor, len(state.tokens)
        end = super()._parse_indent_code_fast(state)
        if state.parent is None:
            for token in state.tokens[count:]:
                token.setdefault("_start", start)
        return end


class _PositionedState(BlockState):
    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        super().add_paragraph(text)
        if self.parent is None and self.last_token() is not last:
            self.tokens[-1]["_start"] = self.cursor


_PositionedParser.state_cls = _PositionedState

_MARKDOWN = mistune.Markdown(
    renderer=LessonRenderer(),
    block=_PositionedParser(),
    plugins=[gaps, footnote_refs],
)


def parse_blocks(source: str) -> list[Token]:
    """Block tokens of `source` (`\\n` line ends); top-level ones carry `_start` and `_end`."""
    state = _PositionedState()
    if not source.endswith("\n"):
        source += "\n"
    state.process(source)
    _MARKDOWN.block.parse(state)
    tokens = state.tokens
    # A body of reference definitions only has no token: `[None]` would be one too many.
    for token, following in zip(tokens, [*tokens[1:], None][: len(tokens)], strict=True):
        token.setdefault("_start", 0)
        token["_end"] = following.get("_start", len(source)) if following else len(source)
    return tokens


def parse_inline(tokens: Iterable[Token]) -> None:
    """Turn every `text` of the given block tokens into inline `children`, in place."""
    env: dict[str, Any] = {"ref_links": {}}
    stack = list(tokens)
    while stack:
        token = stack.pop()
        if "children" in token:
            stack.extend(token["children"])
        elif "text" in token:
            text = token.pop("text")
            token["children"] = _MARKDOWN.inline(text.strip(" \r\n\t\f"), env)


def walk(tokens: Iterable[Token]) -> Iterator[Token]:
    """Every token, depth first, in document order."""
    stack = list(tokens)[::-1]
    pop, push = stack.pop, stack.extend
    while stack:
        token = pop()
        yield token
        children = token.get("children")
        if children:
            push(children[::-1])


def is_oracle(token: Token) -> bool:
    info = (token.get("attrs") or {}).get("info") or ""
    return token["type"] == "block_code" and info.split(None, 1)[:1] == [ORACLE_INFO]


def code_gaps(token: Token) -> int:
    return len(GAP_PATTERN.findall(token.get("raw", ""))) if token["type"] == "block_code" else 0


def count_gaps(tokens: Iterable[Token]) -> int:
    """Gaps in prose (inline tokens) and in code blocks, like Enki's questionGap nodes."""
    count = 0
    for token in walk(tokens):
        kind = token["type"]
        if kind == "gap":
            count += 1
        elif kind == "block_code":
            count += code_gaps(token)
    return count


def number_gaps(tokens: Iterable[Token], first: int = 1) -> int:
    """Give each gap its ordinal (in document order) for rendering; returns the next ordinal."""
    ordinal = first
    for token in walk(tokens):
        if token["type"] == "gap":
            token["attrs"]["index"] = ordinal
            ordinal += 1
        elif token["type"] == "block_code" and GAP in token.get("raw", ""):
            token.setdefault("attrs", {})["gap_start"] = ordinal
            ordinal += code_gaps(token)
    return ordinal


def render(tokens: Iterable[Token]) -> str:
    """HTML of inline-parsed block tokens."""
    renderer = _MARKDOWN.renderer
    assert renderer is not None
    return renderer(list(tokens), BlockState())  # type: ignore[return-value]


def render_inline(text: str) -> str:
    """HTML of one line of inline Markdown (a title, a term)."""
    paragraph: Token = {"type": "paragraph", "text": text}
    parse_inline([paragraph])
    html = render([paragraph])
    return html.removeprefix("<p>").removesuffix("</p>\n")


def escape(text: str) -> str:
    return escape_text(text)
