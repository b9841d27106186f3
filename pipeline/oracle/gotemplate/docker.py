"""docker/cli's use of Go templates: the template functions (templates/templates.go), the
table/format handling of `formatter.Context` (cli/command/formatter/formatter.go), and the
`--format` path of `docker inspect` (cli/command/inspect/inspector.go).

Error texts are docker's: a template that fails prints `template parsing error: <Go error>`,
also for errors found while executing (docker wraps both the same way).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..tabwriter import TabWriter
from .errors import ExecError, ParseError
from .funcs import ANY, GoFunc
from .gojson import marshal, marshal_indent
from .template import Template
from .values import GoNil, GoStruct, Iface, unwrap

TABLE_FORMAT_KEY = "table"
RAW_FORMAT_KEY = "raw"
PRETTY_FORMAT_KEY = "pretty"
JSON_FORMAT_KEY = "json"
DEFAULT_QUIET_FORMAT = "{{.ID}}"
JSON_FORMAT = "{{json .}}"


class FormatError(Exception):
    """A --format template that does not parse or execute: str() is what docker prints,
    `template parsing error: template: :1:2: ...`."""


# --- templates/templates.go -----------------------------------------------------------------------
def _json(value: Any) -> str:
    # json.Encoder with SetEscapeHTML(false), then strings.TrimSpace.
    return marshal(value).strip()


def _title(text: str) -> str:
    """strings.Title: upper-case the first letter of every word (words split at separators)."""
    out = []
    prev = " "
    for ch in text:
        out.append(_to_title(ch) if _is_separator(prev) else ch)
        prev = ch
    return "".join(out)


def _is_separator(ch: str) -> bool:
    if ord(ch) <= 0x7F:
        return not (ch.isascii() and (ch.isalnum() or ch == "_"))
    if ch.isalpha() or ch.isdigit():
        return False
    return ch.isspace()


def _to_title(ch: str) -> str:
    title = ch.title()
    return title if len(title) == 1 else ch


def _map_runes(text: str, upper: bool) -> str:
    # strings.ToUpper/ToLower map rune by rune (no "ß" -> "SS" expansion as in Python).
    out = []
    for ch in text:
        mapped = ch.upper() if upper else ch.lower()
        out.append(mapped if len(mapped) == 1 else ch)
    return "".join(out)


def _pad(source: str, prefix: int, suffix: int) -> str:
    """padWithSpace: spaces around a non-empty string."""
    if source == "":
        return source
    return " " * max(prefix, 0) + source + " " * max(suffix, 0)


def _truncate(source: str, length: int) -> str:
    """truncateWithLength: the first `length` bytes."""
    data = source.encode("utf-8")
    if len(data) < length:
        return source
    return data[:length].decode("utf-8", errors="replace")


def _split(text: str, sep: str) -> list[str]:
    """strings.Split: an empty separator splits into characters."""
    if sep == "":
        return list(text)
    return text.split(sep)


def _join(elems: list[str], sep: str) -> str:
    return sep.join(elems)


BASIC_FUNCTIONS: dict[str, GoFunc] = {
    "json": GoFunc(_json, (ANY,)),
    "split": GoFunc(_split, ("string", "string")),
    "join": GoFunc(_join, ("[]string", "string")),
    "title": GoFunc(_title, ("string",)),
    "lower": GoFunc(lambda s: _map_runes(s, upper=False), ("string",)),
    "upper": GoFunc(lambda s: _map_runes(s, upper=True), ("string",)),
    "pad": GoFunc(_pad, ("string", "int", "int")),
    "truncate": GoFunc(_truncate, ("string", "int")),
}

# templates.HeaderFunctions: the header row keeps the column names as they are (but `pad` is
# not overridden, to keep the header aligned with padded columns).
HEADER_FUNCTIONS: dict[str, GoFunc] = {
    "json": GoFunc(lambda v: v, ("string",)),
    "split": GoFunc(lambda v, _: v, ("string", "string")),
    "join": GoFunc(lambda v, _: v, ("string", "string")),
    "title": GoFunc(lambda v: v, ("string",)),
    "lower": GoFunc(lambda v: v, ("string",)),
    "upper": GoFunc(lambda v: v, ("string",)),
    "truncate": GoFunc(lambda v, _: v, ("string", "int")),
}


def parse(format: str) -> Template:
    """templates.Parse: an anonymous template ("") with docker's functions. Raises
    ParseError (Go's text; docker prefixes it with "template parsing error: ")."""
    return Template("").funcs(BASIC_FUNCTIONS).parse(format)


# --- cli/command/formatter/formatter.go -----------------------------------------------------------
def is_table(format: str) -> bool:
    return format.startswith(TABLE_FORMAT_KEY)


def pre_format(format: str) -> str:
    """Context.preFormat: drop a leading "table", expand "json", trim spaces, and turn the
    two-character escapes `\\t` and `\\n` into a real tab and newline."""
    final = format
    if is_table(format):
        final = final[len(TABLE_FORMAT_KEY) :]
    elif format == JSON_FORMAT_KEY:
        final = JSON_FORMAT
    final = final.strip(" ")
    return final.replace("\\t", "\t").replace("\\n", "\n")


def format_rows(
    format: str, rows: Iterable[Any], header: Mapping[str, str] | GoStruct | None = None
) -> str:
    """formatter.Context.Write: run `format` over each row, one line per row; a `table ...`
    format adds a header row (the same template run over `header`, which maps each field name
    to its column title, e.g. {"ID": "IMAGE ID"}) and aligns everything with the tab writer.

    Rows are what docker's sub-contexts expose: a GoStruct (missing fields are errors, as on
    docker's structs) or a dict. Raises FormatError with docker's text."""
    try:
        tmpl = parse(pre_format(format))
    except ParseError as err:
        raise FormatError(f"template parsing error: {err}") from None
    lines = []
    for row in rows:
        try:
            lines.append(tmpl.execute(row) + "\n")
        except ExecError as err:
            raise FormatError(f"template parsing error: {err}") from None
    body = "".join(lines)
    if not is_table(format):
        return body
    header_tmpl = tmpl.funcs(HEADER_FUNCTIONS)
    try:
        header_line = header_tmpl.execute(header if header is not None else {})
    except ExecError as err:
        header_line = err.output  # docker ignores header errors and keeps what was written
    writer = TabWriter()
    writer.write(header_line)
    writer.write("\n")
    writer.write(body)
    writer.flush()
    return writer.getvalue()


# --- cli/command/inspect/inspector.go ------------------------------------------------------------
@dataclass
class InspectResult:
    """What `docker inspect` prints: stdout, the error lines for stderr, and the exit code
    (1 when any element failed, 64 when the format does not parse)."""

    stdout: str = ""
    errors: list[str] = field(default_factory=list)
    exit_code: int = 0


def to_raw(value: Any) -> Any:
    """The JSON view of a value (what docker decodes from the raw API response for its
    fallback): structs become plain maps, typed nils become null."""
    value = unwrap(value)
    if isinstance(value, GoStruct | dict):
        return {key: to_raw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_raw(item) for item in value]
    if isinstance(value, GoNil | Iface):
        return None
    return value


def inspect(format: str, elements: Sequence[Any], strict_maps: bool = True) -> InspectResult:
    """`docker inspect [--format F]` over already-fetched elements.

    Docker runs the template on its typed struct first and, if that fails, on the raw JSON with
    missingkey=error. Elements given as GoStructs follow that exactly. Plain dicts cannot tell
    struct fields from map keys; with `strict_maps` (the default) they are treated like structs,
    so an unknown field is an error (`map has no entry for key "Foo"`) as on real Docker.
    Without a format the elements are printed as an indented JSON array."""
    if format == "":
        return InspectResult(stdout=marshal_indent([to_raw(e) for e in elements], "    ") + "\n")
    if format == JSON_FORMAT_KEY:
        return InspectResult(stdout=marshal([to_raw(e) for e in elements]) + "\n")
    try:
        tmpl = parse(format)
    except ParseError as err:
        return InspectResult(errors=[f"template parsing error: {err}"], exit_code=64)
    result = InspectResult()
    out: list[str] = []
    typed = tmpl.option("error") if strict_maps else tmpl
    for element in elements:
        try:
            out.append(typed.execute(element) + "\n")
            continue
        except ExecError:
            pass
        try:
            out.append(tmpl.option("error").execute(to_raw(element)) + "\n")
        except ExecError as err:
            result.errors.append(f"template parsing error: {err}")
    result.stdout = "".join(out) or "\n"
    result.exit_code = 1 if result.errors else 0
    return result
