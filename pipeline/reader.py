"""The reader: one insight file in, one Lesson (and the problems that stopped reading) out.

It follows what Enki's own parser does (`@enkidevs/curriculum-parser-markdown`, see
tests/enki_reference/FORMAT.md): a section opens with a thematic break immediately followed by a
`## Name` heading; every `# ...` heading is a title; in a question section the last bullet list
holds the answers and its first N items are correct for N gaps. Our one extension: an `oracle`
code block right after the answer list belongs to the question.

Judgement is left to `rules.py`; the reader only reports what prevents reading (undecodable
bytes, broken YAML).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pipeline import markdown
from pipeline.diagnostics import Diagnostic, error, internal_error
from pipeline.front_matter import read_front_matter
from pipeline.input_limits import MAX_FILE_BYTES, TooLarge, read_bounded, too_large_message
from pipeline.lesson import (
    FOOTNOTES,
    QUESTION_SECTIONS,
    Answer,
    Block,
    Footnote,
    FootnoteRef,
    Gap,
    Heading,
    Lesson,
    Link,
    Oracle,
    Question,
    Section,
    Target,
)
from pipeline.markdown import ID_COMMENT, Token

_FOOTNOTE_LABEL = re.compile(
    r"^ {0,3}\[(?P<number>[0-9]+):(?P<title>[^\]\n]*)\][ \t]*(?P<rest>.*)$"
)
_FOOTNOTE_REF = re.compile(r"\[(?P<number>[0-9]{1,6})\](?![(\[:])")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)
_BULLET = re.compile(r"^(?P<indent> {0,3})[-*+](?P<space>[ \t]{0,4})")

# Front matter links (curriculum-parser-markdown plugins/insight/yaml.js), tried in this order.
_LINK_STRICT = re.compile(r"\[(?P<name>[^\[\]]*)\]\s*\((?P<url>[^()]*)\)\s*\{(?P<nature>[^{}]*)\}")
_LINK_LOOSE = re.compile(r"\[(?P<name>.*)\]\((?P<url>.*)\)\{(?P<nature>.*)\}")
_LINK_PLAIN = re.compile(r"\[(?P<name>.*)\]\((?P<url>.*)\)")
_WHITESPACE = re.compile(r"\s+")


def read_lesson(path: Path) -> tuple[Lesson, list[Diagnostic]]:
    """Read the lesson file at `path` (any extension: a seed `.txt` reads like a `.md`)."""
    try:
        data = read_bounded(path)
    except TooLarge as exc:
        return Lesson(path, path.stem, readable=False), [error(path, 1, str(exc), "read-error")]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Lesson(path, path.stem, readable=False), [
            error(path, 1, f"cannot read the file: {reason}", "read-error")
        ]
    try:
        return parse_lesson(data, path)
    except Exception as exc:  # a reader bug must not stop the other files from being checked
        return Lesson(path, path.stem, readable=False), [internal_error(path, exc)]


def parse_lesson(data: bytes | str, path: Path) -> tuple[Lesson, list[Diagnostic]]:
    """Read a lesson from its bytes (or text); `path` names it in the lesson and diagnostics."""
    if len(data) > MAX_FILE_BYTES:  # characters of a text: at most its UTF-8 bytes
        message = too_large_message(len(data))
        return Lesson(path, path.stem, readable=False), [error(path, 1, message, "read-error")]
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, col = _place(data[: exc.start].decode("utf-8"))  # valid up to there
            problem = error(path, line, "the file is not valid UTF-8", "read-error", col)
            return Lesson(path, path.stem, readable=False), [problem]
    else:
        text = data
    if (nul := text.find("\0")) >= 0:  # UTF-16, or a binary file that happens to decode
        line, col = _place(text[:nul])
        message = "the file contains a NUL character: it is binary or not UTF-8 (UTF-16?)"
        return Lesson(path, path.stem, readable=False), [
            error(path, line, message, "read-error", col)
        ]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    front, problems = read_front_matter(text, path)
    lesson = Lesson(path, path.stem, front_matter_line=front.line, positions=front.positions)
    lesson.metadata = front.data if isinstance(front.data, dict) else {}
    lesson.front_matter_data = front.data
    lesson.metadata_ok = not problems
    if any(p.rule == "unclosed-front-matter" for p in problems):
        lesson.readable = False  # where the YAML ends is anyone's guess: no rule can judge the rest
        return lesson, problems
    lesson.links = _links(lesson)
    _Body(lesson, front.body, front.body_offset).read()
    return lesson, problems


def _place(before: str) -> tuple[int, int]:
    """(line, col) just after `before`, counting LF, CRLF and a lone CR as line ends (as the
    rest of the reader does) and leaving out a BOM, which no editor shows."""
    text = before.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1


def _links(lesson: Lesson) -> list[Link]:
    links = lesson.metadata.get("links")
    if not isinstance(links, list):
        return []
    return [
        parse_link(item, lesson.line_of(("links", index))[0])
        for index, item in enumerate(links)
        if isinstance(item, str)
    ]


def parse_link(raw: str, line: int) -> Link:
    """One `links` entry, read as Enki reads it (a YAML-folded link is one line by now)."""
    if m := _LINK_STRICT.search(raw):
        name = _WHITESPACE.sub(" ", m["name"]).strip()
        url = _WHITESPACE.sub("", m["url"])
        return Link(name, url, _WHITESPACE.sub("", m["nature"]), line, raw)
    if m := _LINK_LOOSE.search(raw):
        return Link(m["name"], m["url"], m["nature"], line, raw)
    if m := _LINK_PLAIN.search(raw):
        return Link(m["name"], m["url"], "website", line, raw, well_formed=False)
    url = raw.strip()
    host = url.split("://", 1)[1] if "://" in url else url
    return Link(host.split("/")[0].split(":")[0], url, "website", line, raw, well_formed=False)


@dataclass
class _SectionTokens:
    name: str
    heading: Token
    tokens: list[Token]


class _Body:
    """The Markdown after the front matter, read into the lesson."""

    def __init__(self, lesson: Lesson, source: str, offset: int) -> None:
        self.lesson = lesson
        self.source = source if source.endswith("\n") else source + "\n"
        self.offset = offset  # file lines before the body
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]

    # -- positions --------------------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.line_starts, offset) - 1
        return self.offset + index + 1, offset - self.line_starts[index] + 1

    def line(self, token: Token) -> int:
        return self.position(token.get("_start", 0))[0]

    def raw(self, token: Token) -> str:
        return self.source[token.get("_start", 0) : token.get("_end", 0)]

    def locate(self, token: Token, pattern: re.Pattern[str], count: int) -> list[tuple[int, int]]:
        """Positions of the first `count` matches in the token's source (code spans skipped)."""
        start = token.get("_start", 0)
        text = self.raw(token)
        if token["type"] != "block_code":
            text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
        found = [self.position(start + m.start()) for m in pattern.finditer(text)][:count]
        return found + [self.position(start)] * (count - len(found))

    # -- structure ---------------------------------------------------------------------------

    def read(self) -> None:
        blocks = [t for t in markdown.parse_blocks(self.source) if t["type"] != "blank_line"]
        sections = self.split_sections(blocks)
        for section in sections:
            if section.name in QUESTION_SECTIONS:
                self.read_question(section)
            elif section.name == FOOTNOTES:
                self.read_footnotes(section)
            else:
                self.read_plain(section)
        referring = [t for s in sections if s.name != FOOTNOTES for t in s.tokens]
        self.lesson.footnote_refs = self.footnote_refs(referring)
        markdown.parse_inline(blocks)  # titles and stray blocks; sections are parsed already
        self.lesson.targets = self.targets(blocks)

    def split_sections(self, blocks: list[Token]) -> list[_SectionTokens]:
        sections: list[_SectionTokens] = []
        index = 0
        while index < len(blocks):
            token = blocks[index]
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if token["type"] == "thematic_break" and _is_heading(following, 2):
                assert following is not None
                sections.append(_SectionTokens(following.get("text", "").strip(), following, []))
                index += 2
                continue
            if _is_heading(token, 1):
                self.add_title(token, sections[-1].name if sections else None)
            elif sections:
                sections[-1].tokens.append(token)
            else:
                self.lesson.stray.append(Block(token["type"], self.line(token)))
            index += 1
        return sections

    def add_title(self, token: Token, section: str | None) -> None:
        text = token.get("text", "").strip()
        self.lesson.titles.append(Heading(text, self.line(token), section))
        if len(self.lesson.titles) == 1:
            self.lesson.title_html = markdown.render_inline(text)

    def new_section(self, section: _SectionTokens, text: str, html: str) -> Section:
        line, col = self.position(section.heading.get("_start", 0))
        result = Section(section.name, line, text, html, col=col)
        self.lesson.sections.append(result)
        return result

    def join(self, tokens: list[Token]) -> str:
        return "\n\n".join(self.raw(t).strip("\n") for t in tokens).strip()

    # -- plain sections ----------------------------------------------------------------------

    def read_plain(self, section: _SectionTokens) -> None:
        text = self.join(section.tokens)
        self.note_oracles(section.tokens)
        markdown.parse_inline(section.tokens)
        gaps = self.gaps(section.tokens)
        markdown.number_gaps(section.tokens)
        self.new_section(section, text, markdown.render(section.tokens)).gaps = gaps

    def note_oracles(self, tokens: list[Token]) -> None:
        for token in tokens:
            if markdown.is_oracle(token):
                self.lesson.misplaced_oracles.append(Block("oracle", self.line(token)))

    # -- questions ---------------------------------------------------------------------------

    def read_question(self, section: _SectionTokens) -> None:
        tokens = section.tokens
        last_list = max((i for i, t in enumerate(tokens) if t["type"] == "list"), default=None)
        if last_list is None:
            body, answer_list, after = tokens, None, []
        else:
            body, answer_list, after = (
                tokens[:last_list],
                tokens[last_list],
                tokens[last_list + 1 :],
            )

        question = Question(section.name, self.position(section.heading["_start"])[0], "", "")
        body = self.take_headline(question, body)
        body = self.take_ids(question, body)
        self.note_oracles(body)
        body = [t for t in body if not markdown.is_oracle(t)]
        question.text = ID_COMMENT.sub("", self.join(body)).strip()

        answer_sources: list[tuple[str, int]] = []
        if answer_list is None:
            question.answer_list = "none"
        else:
            question.answer_list_line = self.line(answer_list)
            if answer_list["attrs"].get("ordered"):
                question.answer_list = "ordered"
            else:
                answer_sources = self.list_items(answer_list)
        self.take_after(question, after)

        markdown.parse_inline(tokens)
        question.gaps = self.gaps(body)
        markdown.number_gaps(body)
        question.html = markdown.render(body)
        if question.answer_list == "bullet" and answer_list is not None:
            question.answers = self.answers(answer_list, answer_sources, len(question.gaps))
        whole = self.join(tokens)
        self.new_section(section, whole, markdown.render(tokens))
        self.lesson.questions.append(question)

    def take_headline(self, question: Question, body: list[Token]) -> list[Token]:
        for index, token in enumerate(body):
            if _is_heading(token, 3):
                question.headline = token.get("text", "").strip()
                question.headline_html = markdown.render_inline(question.headline)
                question.headline_line = self.line(token)
                return body[:index] + body[index + 1 :]
        return body

    def take_ids(self, question: Question, body: list[Token]) -> list[Token]:
        kept = []
        for token in body:
            if token["type"] != "block_code":
                question.ids.extend(self.ids(token))
            whole_comment = token["type"] in ("block_html", "paragraph") and ID_COMMENT.fullmatch(
                self.raw(token).strip()
            )
            if not whole_comment:
                kept.append(token)
        return kept

    def ids(self, token: Token) -> list[tuple[str, int]]:
        start = token.get("_start", 0)
        return [
            (m["id"], self.position(start + m.start())[0])
            for m in ID_COMMENT.finditer(self.raw(token))
        ]

    def take_after(self, question: Question, after: list[Token]) -> None:
        for token in after:
            if markdown.is_oracle(token) and question.oracle is None and not question.trailing:
                question.oracle = Oracle(token.get("raw", ""), self.line(token) + 1)
            else:
                kind = "oracle" if markdown.is_oracle(token) else token["type"]
                question.trailing.append(Block(kind, self.line(token)))

    def list_items(self, token: Token) -> list[tuple[str, int]]:
        """Each item's Markdown (bullet removed, continuation dedented) and line."""
        lines = self.raw(token).split("\n")
        first = _BULLET.match(lines[0]) if lines else None
        if first is None:
            return [(_item_text(item), self.line(token)) for item in token["children"]]
        item = re.compile(rf"^{first['indent']}{re.escape(token['bullet'])}(?:[ \t]|$)")
        starts = [i for i, text in enumerate(lines) if item.match(text)]
        if len(starts) != len(token["children"]):  # unusual layout: the list's line for all
            return [(_item_text(item), self.line(token)) for item in token["children"]]
        base = self.line(token)
        items = []
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(lines)
            items.append((_item_markdown(lines[start:end]), base + start))
        return items

    def answers(self, token: Token, sources: list[tuple[str, int]], gaps: int) -> list[Answer]:
        answers = []
        for index, item in enumerate(token["children"]):
            text, line = sources[index]
            html = markdown.render(item["children"])
            count = markdown.count_gaps(item["children"])
            answers.append(Answer(text, html, index < gaps, line, count))
        return answers

    def gaps(self, tokens: list[Token]) -> list[Gap]:
        found: list[Gap] = []
        for token in tokens:
            in_code = token["type"] == "block_code"
            count = markdown.count_gaps([token])
            for line, col in self.locate(token, markdown.GAP_PATTERN, count):
                found.append(Gap(len(found) + 1, line, col, in_code))
        return found

    # -- footnotes ---------------------------------------------------------------------------

    def read_footnotes(self, section: _SectionTokens) -> None:
        notes: list[tuple[Footnote, list[Token], list[str]]] = []
        for token in section.tokens:
            if token["type"] != "paragraph":
                self.add_to_footnote(notes, token, self.raw(token).strip("\n"))
                continue
            start = token.get("_start", 0)
            chunk: list[str] = []
            chunk_start = start
            offset = start
            for text in self.raw(token).rstrip("\n").split("\n"):
                label = _FOOTNOTE_LABEL.match(text)
                if label:
                    self.add_chunk(notes, chunk, chunk_start)
                    line = self.position(offset)[0]
                    footnote = Footnote(int(label["number"]), label["title"].strip(), "", "", line)
                    notes.append((footnote, [], []))
                    chunk, chunk_start = ([label["rest"]] if label["rest"].strip() else []), offset
                else:
                    if not chunk:
                        chunk_start = offset
                    chunk.append(text)
                offset += len(text) + 1
            self.add_chunk(notes, chunk, chunk_start)

        all_tokens = [t for _, tokens, _ in notes for t in tokens]
        markdown.parse_inline(all_tokens)
        for footnote, tokens, pieces in notes:
            footnote.text = "\n\n".join(pieces).strip()
            footnote.html = markdown.render(tokens)
            footnote.title_html = markdown.render_inline(footnote.title)
            self.lesson.footnotes.append(footnote)
        markdown.parse_inline(section.tokens)
        result = self.new_section(section, self.join(section.tokens), self.footnotes_html(notes))
        result.gaps = self.gaps(section.tokens)

    def add_chunk(self, notes: list[Any], chunk: list[str], start: int) -> None:
        text = "\n".join(chunk).strip()
        if text:
            paragraph = {"type": "paragraph", "text": text, "_start": start}
            self.add_to_footnote(notes, paragraph, text)

    def add_to_footnote(self, notes: list[Any], token: Token, text: str) -> None:
        if not notes:
            line, col = self.position(token.get("_start", 0))
            self.lesson.footnote_preamble.append(Block(token["type"], line, col))
            return
        footnote, tokens, pieces = notes[-1]
        tokens.append(token)
        pieces.append(text)
        if token["type"] != "block_code":
            footnote.ids.extend((m["id"], footnote.line) for m in ID_COMMENT.finditer(text))

    def footnotes_html(self, notes: list[Any]) -> str:
        items = [
            f'<li id="footnote-{footnote.number}" value="{footnote.number}">'
            f'<p class="footnote-title">{footnote.title_html}</p>\n'
            f"{footnote.html}</li>\n"
            for footnote, _, _ in notes
        ]
        return '<ol class="footnotes">\n' + "".join(items) + "</ol>\n" if items else ""

    def footnote_refs(self, tokens: list[Token]) -> list[FootnoteRef]:
        refs = []
        for token in tokens:
            numbers = [
                t["attrs"]["number"] for t in markdown.walk([token]) if t["type"] == "footnote_ref"
            ]
            if not numbers:
                continue
            start = token.get("_start", 0)
            text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), self.raw(token))
            places = [(int(m["number"]), start + m.start()) for m in _FOOTNOTE_REF.finditer(text)]
            for number in numbers:
                place = next((p for p in places if p[0] == number), (number, start))
                if place in places:
                    places.remove(place)
                line, col = self.position(place[1])
                refs.append(FootnoteRef(number, line, col))
        return refs

    def targets(self, blocks: list[Token]) -> list[Target]:
        """Every link and image destination, at the place its URL is written when found."""
        found = []
        for block in blocks:
            start, raw, cursor = block.get("_start", 0), self.raw(block), 0
            targets = [t for t in markdown.walk([block]) if t["type"] in ("link", "image")]
            spelled = _Spelled.of(raw) if targets and _SPELLING.search(raw) else None
            for token in targets:
                url = token["attrs"]["url"]
                at = _find_url(raw, spelled, url, cursor)
                line, col = self.position(start + max(at, 0))
                cursor = at + 1 if at >= 0 else cursor
                found.append(Target(token["type"], url, line, col))
        return found


# How Markdown may spell one character of a URL: a character reference, a percent escape or a
# backslash escape of ASCII punctuation.
_SPELLING = re.compile(
    r"&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};|&[A-Za-z][A-Za-z0-9]{1,31};|%[0-9A-Fa-f]{2}"
    r"|\\[!-/:-@\[-`{-~]"
)


@dataclass
class _Spelled:
    """A block's source with every escape decoded, and each decoded character's source offset."""

    text: str
    offsets: list[int]

    @classmethod
    def of(cls, raw: str) -> _Spelled:
        pieces, offsets, done = [], [], 0
        for match in _SPELLING.finditer(raw):
            pieces.append(raw[done : match.start()])
            offsets.extend(range(done, match.start()))
            pieces.append(_decode(match[0]))
            offsets.extend([match.start()] * len(pieces[-1]))
            done = match.end()
        pieces.append(raw[done:])
        offsets.extend(range(done, len(raw)))
        return cls("".join(pieces), offsets)

    def find(self, text: str, cursor: int) -> int:
        """The source offset where `text` is spelled, from source offset `cursor`; -1 if not."""
        found = self.text.find(text, bisect_left(self.offsets, cursor))
        return self.offsets[found] if found >= 0 else -1


def _decode(escape: str) -> str:
    if escape[0] == "&":
        return html.unescape(escape)
    if escape[0] == "%":
        return chr(int(escape[1:], 16))
    return escape[1]


def _find_url(raw: str, spelled: _Spelled | None, url: str, cursor: int) -> int:
    """Where `url` (as the parser gives it: escapes decoded, some characters percent-encoded) is
    written in `raw` from `cursor`, or -1. The earliest spelling wins, so `&#106;avascript:` is
    found at its own place rather than at a later plain copy of the URL."""
    found = [i for written in (url, unquote(url)) if (i := raw.find(written, cursor)) >= 0]
    if spelled is not None and (i := spelled.find(unquote(url), cursor)) >= 0:
        found.append(i)
    return min(found, default=-1)


def _is_heading(token: Token | None, level: int) -> bool:
    return (
        token is not None
        and token["type"] == "heading"
        and (token.get("attrs") or {}).get("level") == level
    )


def _item_markdown(lines: list[str]) -> str:
    first = _BULLET.match(lines[0])
    assert first is not None
    width = len(first.group(0)) if first["space"] else len(first.group(0)) + 1
    body = [lines[0][len(first.group(0)) :]]
    for text in lines[1:]:
        indent = len(text) - len(text.lstrip(" "))
        body.append(text[min(indent, width) :])
    return "\n".join(body).strip()


def _item_text(item: Token) -> str:
    return "\n\n".join(child.get("text", "") for child in item.get("children", [])).strip()
