"""Front matter: the YAML block at the top of a lesson, and YAML with line positions in general.

Enki reads front matter with js-yaml 3 (`safeLoad`), so we read it the way js-yaml does, not the
way PyYAML does by default: YAML 1.2 booleans (`yes`/`on` stay strings), exponent floats without
a dot (`1e3`), tabs as separators inside a line, a leading BOM, and duplicate keys rejected.
Every key and list item keeps the file line it sits on, so that a schema error can point at it.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader, ReaderError

from pipeline.diagnostics import Diagnostic, error
from pipeline.input_limits import MAX_YAML_VALUES

JsonPath = tuple[str | int, ...]
Positions = dict[JsonPath, tuple[int, int]]

# python-frontmatter's own boundary for YAML front matter (`---` alone on a line).
BOUNDARY: re.Pattern[str] = frontmatter.YAMLHandler.FM_BOUNDARY  # type: ignore[assignment]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_LINE_BREAKS = "\0\r\n\x85\u2028\u2029"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, tuned to accept what js-yaml 3 accepts."""

    def _in_indentation(self) -> bool:
        # True while only white space precedes the reader on this line: a tab there would be
        # indentation, which js-yaml rejects too.
        line_start = self.pointer - self.column
        return not self.buffer[line_start : self.pointer].strip(" \t")

    def scan_to_next_token(self) -> None:
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        found = False
        while not found:
            while self.peek() == " " or (
                self.peek() == "\t" and (self.flow_level or not self._in_indentation())
            ):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in _LINE_BREAKS:
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                found = True

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[str] | None:
        # PyYAML forbids tabs inside plain scalars (`a: b<TAB>c`); js-yaml keeps them.
        length = 0
        while self.peek(length) in " \t":
            length += 1
        blanks = self.prefix(length)
        if "\t" in blanks and self.peek(length) not in _LINE_BREAKS + "#":
            self.forward(length)
            return [blanks]
        return super().scan_plain_spaces(indent, start_mark)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# js-yaml 3's float pattern (YAML 1.2 core plus sexagesimal).
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"""^(?:[-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)
# The int resolver is tried first for the shared first characters, so "12" stays an int.
for _first, _resolvers in _Loader.yaml_implicit_resolvers.items():
    _resolvers.sort(key=lambda pair: pair[0] == _FLOAT_TAG)


@dataclass
class YamlDocument:
    data: Any = None
    positions: Positions = field(default_factory=dict)


@dataclass
class FrontMatter:
    """The lesson's metadata and where the Markdown body starts."""

    data: Any = None
    positions: Positions = field(default_factory=dict)
    line: int | None = None  # line of the opening `---`; None when the lesson has none
    body: str = ""
    body_offset: int = 0  # number of file lines before the body's first line


class _FastLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's scanner and composer (nine times faster) with our resolvers and constructors."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


_FAST = bool(yaml.__with_libyaml__)
_FAST_MAX_INDICATORS = 2_000  # nesting no deeper than this is safe for libyaml (10,000 is)


def load_yaml(
    text: str, path: str | Path, first_line: int = 1
) -> tuple[YamlDocument, list[Diagnostic]]:
    """Safe-load one YAML document; `first_line` is the file line of the text's first line."""
    composed = _fast_node(text)
    if composed is None:
        try:
            loader: Any = _Loader(text)
        except ReaderError as exc:  # a control character: js-yaml rejects it too
            line = first_line + text.count("\n", 0, exc.position)
            col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
            message = f"invalid YAML: character {exc.character!r} is not allowed"
            return YamlDocument(), [error(path, line, message, "yaml-syntax", col)]
    else:
        loader = composed[0]
    try:
        node = loader.get_single_node() if composed is None else composed[1]
        if node is None:
            return YamlDocument(), []
        problems = _expansion(node, path, first_line) or _duplicate_keys(node, path, first_line)
        if problems:
            return YamlDocument(), problems
        data = loader.construct_document(node)
        return YamlDocument(data, _positions(node, first_line)), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        line = first_line + (mark.line if mark else 0)
        col = mark.column + 1 if mark else 1
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        return YamlDocument(), [error(path, line, f"invalid YAML: {message}", "yaml-syntax", col)]
    except RecursionError:  # PyYAML composes and constructs recursively
        message = "invalid YAML: lists or mappings nested too deeply"
        return YamlDocument(), [error(path, first_line, message, "yaml-syntax")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # Constructor failures on odd values (e.g. a timestamp out of range) and absurd nesting.
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return YamlDocument(), [error(path, first_line, f"invalid YAML: {message}", "yaml-syntax")]
    finally:
        loader.dispose()


def _fast_node(text: str) -> tuple[Any, Node | None] | None:
    """libyaml's loader and node, for text our tuned scanner reads the same way: no tab, no
    BOM (the two things `_Loader` reads as js-yaml does), only characters PyYAML's reader
    allows, and scalar keys only (a complex key is named after its mark, which libyaml prints
    otherwise). None means the Python loader reads it, and says what is wrong if anything is:
    libyaml's messages differ, so its errors are never shown.

    libyaml composes recursively in C, without Python's recursion limit: 100,000 nested
    brackets crash the process. Every level of nesting needs an indicator (`[`, `{`, `-`, `:`
    or `?`), so text with few of them is shallow; deeper text goes to the Python loader."""
    if not _FAST or "\t" in text or "\ufeff" in text or Reader.NON_PRINTABLE.search(text):
        return None
    if sum(text.count(indicator) for indicator in "[{-:?") > _FAST_MAX_INDICATORS:
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        simple = node is None or _scalar_keys(node)
    except Exception:  # not valid: the Python loader decides and explains
        simple = False
    if not simple:
        loader.dispose()
        return None
    return loader, node


def _scalar_keys(root: Node) -> bool:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: its node is checked once (alias bombs stay cheap)
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode) and any(
            not isinstance(key, ScalarNode) for key, _ in node.value
        ):
            return False
        stack.extend(_children(node))
    return True


def read_front_matter(text: str, path: str | Path) -> tuple[FrontMatter, list[Diagnostic]]:
    """Split `text` (BOM removed, `\\n` line ends) into front matter and body, and load the YAML."""
    if not frontmatter.YAMLHandler().detect(text):
        return FrontMatter(body=text), []
    opening = BOUNDARY.match(text)
    assert opening is not None  # detect() matched it
    yaml_start = _line_end(text, opening.start())
    closing = BOUNDARY.search(text, yaml_start)
    if closing is None:
        problem = error(
            path, 1, "front matter opened with `---` is never closed", "unclosed-front-matter"
        )
        return FrontMatter(
            line=1, body=text[yaml_start:], body_offset=text.count("\n", 0, yaml_start)
        ), [problem]
    body_start = _line_end(text, closing.start())
    yaml_text = text[yaml_start : closing.start()]
    document, problems = load_yaml(yaml_text, path, first_line=2)
    front = FrontMatter(
        data=document.data,
        positions=document.positions,
        line=1,
        body=text[body_start:],
        body_offset=text.count("\n", 0, body_start),
    )
    return front, problems


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end + 1


def _positions(root: Node, first_line: int) -> Positions:
    """JSON path → (line, col) of every mapping key and sequence item. Iterative: depth is free."""
    positions: Positions = {(): (first_line + root.start_mark.line, root.start_mark.column + 1)}
    stack: list[tuple[JsonPath, Node]] = [((), root)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, ScalarNode) else str(key.start_mark)
                child = (*here, str(name))
                positions[child] = (first_line + key.start_mark.line, key.start_mark.column + 1)
                stack.append((child, value))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                child = (*here, index)
                positions[child] = (first_line + item.start_mark.line, item.start_mark.column + 1)
                stack.append((child, item))
    return positions


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _expansion(root: Node, path: str | Path, first_line: int) -> list[Diagnostic]:
    """An alias that contains itself, or aliases that multiply the document past
    MAX_YAML_VALUES (a "billion laughs"): either would hang whatever walks the data.

    Aliases share nodes, so sizes are counted once per node (depth first, iteratively) and
    capped: the count costs time in the number of distinct nodes however much they expand.
    The diagnostic points at the first value found to expand past the limit: the innermost
    one, where the author sees the aliases that multiply.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()  # the nodes being counted: meeting one again is a cycle
    stack: list[tuple[Node, bool]] = [(root, False)]
    too_big: Node | None = None
    while stack:
        node, children_done = stack.pop()
        if children_done:
            on_path.discard(id(node))
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            sizes[id(node)] = min(total, MAX_YAML_VALUES + 1)
            if total > MAX_YAML_VALUES and too_big is None:
                too_big = node
            continue
        if id(node) in sizes:
            continue
        on_path.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                line = first_line + child.start_mark.line
                message = "invalid YAML: an alias refers to a value that contains it"
                return [error(path, line, message, "yaml-syntax", child.start_mark.column + 1)]
            stack.append((child, False))
    if too_big is not None:
        message = f"invalid YAML: more than {MAX_YAML_VALUES:,} values once aliases are expanded"
        line = first_line + too_big.start_mark.line
        return [error(path, line, message, "yaml-syntax", too_big.start_mark.column + 1)]
    return []


def _duplicate_keys(root: Node, path: str | Path, first_line: int) -> list[Diagnostic]:
    """js-yaml rejects a key given twice in one mapping; PyYAML silently keeps the last."""
    problems = []
    stack = [root]
    seen_nodes: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:  # aliases may share nodes
            continue
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value != "<<":
                    if key.value in seen:
                        problems.append(
                            error(
                                path,
                                first_line + key.start_mark.line,
                                f"duplicate key `{key.value}`",
                                "duplicate-key",
                                key.start_mark.column + 1,
                            )
                        )
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return problems


def position(positions: Positions, where: JsonPath, default: int = 1) -> tuple[int, int]:
    """The position of `where`, or of its nearest ancestor that has one."""
    here = tuple(where)
    while here:
        if here in positions:
            return positions[here]
        here = here[:-1]
    return positions.get((), (default, 1))


def json_safe(value: Any) -> Any:
    """YAML data as JSON data, the way js-yaml's values print with JSON.stringify.

    Dates become `2020-01-01T00:00:00.000Z`, keys become strings, NaN and infinities null.
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, set):
        return sorted((json_safe(v) for v in value), key=str)
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%dT00:00:00.000Z")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)
