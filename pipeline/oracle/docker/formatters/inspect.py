"""`docker inspect` / `docker image inspect`: the daemon's JSON, indented, or a Go template run
on the typed Go struct first and on the raw JSON second (cli/command/inspect/inspector.go).

The engine hands over plain dicts in the daemon's JSON shape. A schema per API type turns one
into (a) the typed Go value templates see (Go field names, typed nil slices and maps, so
`{{.Config.Entrypoint}}` prints `[]` and `{{.Config.ExposedPorts}}` prints `map[80/tcp:{}]`)
and (b) the ordered JSON document (struct fields in declaration order, map keys sorted, `<>&`
escaped as Go's encoder does) that `docker inspect` prints without `--format`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.oracle.gotemplate import GoNil, GoStruct
from pipeline.oracle.gotemplate import docker as gt
from pipeline.oracle.gotemplate.errors import ExecError, ParseError
from pipeline.oracle.gotemplate.gojson import marshal_indent

from .common import go_time

# A field: (Go name, JSON name, kind, omitempty). A kind is a Go type name string for scalars,
# slices and maps, or a Struct for nested structs.
Field = tuple[str, str, Any, bool]


@dataclass(frozen=True)
class Struct:
    type_name: str  # e.g. "*container.Config"; a leading "*" marks a pointer (nil is null)
    fields: tuple[Field, ...]


EMPTY_STRUCT = GoStruct("struct {}", {})
_SCALAR_ZERO = {"string": "", "int": 0, "bool": False, "float": 0.0}

HEALTH = Struct(
    "*container.HealthConfig",
    (
        ("Test", "Test", "[]string", True),
        ("Interval", "Interval", "int", True),
        ("Timeout", "Timeout", "int", True),
        ("StartPeriod", "StartPeriod", "int", True),
        ("StartInterval", "StartInterval", "int", True),
        ("Retries", "Retries", "int", True),
    ),
)
CONFIG = Struct(
    "*container.Config",
    (
        ("Hostname", "Hostname", "string", False),
        ("Domainname", "Domainname", "string", False),
        ("User", "User", "string", False),
        ("AttachStdin", "AttachStdin", "bool", False),
        ("AttachStdout", "AttachStdout", "bool", False),
        ("AttachStderr", "AttachStderr", "bool", False),
        ("ExposedPorts", "ExposedPorts", "map[nat.Port]struct {}", True),
        ("Tty", "Tty", "bool", False),
        ("OpenStdin", "OpenStdin", "bool", False),
        ("StdinOnce", "StdinOnce", "bool", False),
        ("Env", "Env", "[]string", False),
        ("Cmd", "Cmd", "[]string", False),
        ("Healthcheck", "Healthcheck", HEALTH, True),
        ("ArgsEscaped", "ArgsEscaped", "bool", True),
        ("Image", "Image", "string", False),
        ("Volumes", "Volumes", "map[string]struct {}", False),
        ("WorkingDir", "WorkingDir", "string", False),
        ("Entrypoint", "Entrypoint", "[]string", False),
        ("NetworkDisabled", "NetworkDisabled", "bool", True),
        ("OnBuild", "OnBuild", "[]string", False),
        ("Labels", "Labels", "map[string]string", False),
        ("StopSignal", "StopSignal", "string", True),
        ("StopTimeout", "StopTimeout", "*int", True),
        ("Shell", "Shell", "[]string", True),
    ),
)
GRAPH_DRIVER = Struct(
    "types.GraphDriverData",
    (("Data", "Data", "map[string]string", False), ("Name", "Name", "string", False)),
)
ROOTFS = Struct(
    "types.RootFS",
    (("Type", "Type", "string", False), ("Layers", "Layers", "[]string", True)),
)
METADATA = Struct("image.Metadata", (("LastTagTime", "LastTagTime", "time.Time", False),))
IMAGE = Struct(
    "types.ImageInspect",
    (
        ("ID", "Id", "string", False),
        ("RepoTags", "RepoTags", "[]string", False),
        ("RepoDigests", "RepoDigests", "[]string", False),
        ("Parent", "Parent", "string", False),
        ("Comment", "Comment", "string", False),
        ("Created", "Created", "string", False),
        ("DockerVersion", "DockerVersion", "string", False),
        ("Author", "Author", "string", False),
        ("Config", "Config", CONFIG, False),
        ("Architecture", "Architecture", "string", False),
        ("Variant", "Variant", "string", True),
        ("Os", "Os", "string", False),
        ("OsVersion", "OsVersion", "string", True),
        ("Size", "Size", "int", False),
        ("GraphDriver", "GraphDriver", GRAPH_DRIVER, False),
        ("RootFS", "RootFS", ROOTFS, False),
        ("Metadata", "Metadata", METADATA, False),
    ),
)
VOLUME = Struct(
    "*volume.Volume",
    (
        ("CreatedAt", "CreatedAt", "string", True),
        ("Driver", "Driver", "string", False),
        ("Labels", "Labels", "map[string]string", False),
        ("Mountpoint", "Mountpoint", "string", False),
        ("Name", "Name", "string", False),
        ("Options", "Options", "map[string]string", False),
        ("Scope", "Scope", "string", False),
    ),
)


class TaggedStruct(GoStruct):
    """A Go struct with `json` tags: templates read its Go field names, while `items()` (what
    the `json` function marshals) gives the JSON names and drops empty `omitempty` fields."""

    def __init__(
        self,
        type_name: str,
        fields: dict[str, Any],
        tags: dict[str, tuple[str, bool]],
        json_values: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(type_name, fields)
        self.tags = tags
        self.json_values = json_values or {}  # fields whose JSON form differs (times)

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        out = []
        for name in self:
            value = self[name]
            json_name, omitempty = self.tags.get(name, (name, False))
            if omitempty and _empty(value):
                continue
            out.append((json_name, self.json_values.get(name, value)))
        return out


def _empty(value: Any) -> bool:
    return value is None or isinstance(value, GoNil) or value in ("", 0, False, [], {})


def _is_set(kind: Any) -> bool:
    return kind in ("map[nat.Port]struct {}", "map[string]struct {}")


def typed(value: Any, kind: Any) -> Any:
    """The Go value templates see."""
    if isinstance(kind, tuple):  # ("list", Struct): a slice of structs
        if value is None:
            return GoNil("[]" + kind[1].type_name)
        return [typed(v, kind[1]) for v in value]
    if isinstance(kind, Struct):
        if value is None:
            return None  # a nil pointer prints <nil>
        return TaggedStruct(
            kind.type_name,
            {go: typed(value.get(js), k) for go, js, k, _ in kind.fields},
            {go: (js, omit) for go, js, _, omit in kind.fields},
            {go: value.get(js) for go, js, k, _ in kind.fields if k == "time.Time"},
        )
    if kind in _SCALAR_ZERO:
        return _SCALAR_ZERO[kind] if value is None else value
    if kind == "*int":
        return value
    if kind == "time.Time":  # Go prints a time.Time with its String method
        return go_time(value or "")
    if kind.startswith("[]") or kind == "[]string":
        return GoNil(kind) if value is None else list(value)
    if _is_set(kind):
        if value is None:
            return GoNil(kind)
        return {key: EMPTY_STRUCT for key in value}
    if kind.startswith("map["):
        return GoNil(kind) if value is None else dict(value)
    return value


def as_json(value: Any, kind: Any) -> Any:
    """The JSON document in the daemon's field order (maps stay dicts: sorted when printed)."""
    if isinstance(kind, tuple):
        return None if value is None else [as_json(v, kind[1]) for v in value]
    if isinstance(kind, Struct):
        if value is None:
            return None
        out: dict[str, Any] = {}
        for _go, js, k, omitempty in kind.fields:
            if js not in value:
                if omitempty:
                    continue
                out[js] = None
                continue
            if omitempty and value[js] in (None, "", 0, False, [], {}):
                continue
            out[js] = as_json(value[js], k)
        return GoStruct(kind.type_name, out)
    if _is_set(kind) and value is not None:
        return {key: GoStruct("struct {}", {}) for key in value}
    return value


def escape_html(text: str) -> str:
    """Go's json.Marshal escapes <, > and & (the daemon's JSON; docker indents it as is)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass
class Element:
    """One inspected object: its typed Go value and its JSON document."""

    typed: Any
    raw: Any

    @classmethod
    def of(cls, doc: Mapping[str, Any], kind: Struct) -> Element:
        return cls(typed(doc, kind), as_json(doc, kind))


@dataclass
class InspectOutput:
    stdout: str = ""
    errors: list[str] = field(default_factory=list)
    status: int = 0


def _raw_value(value: Any) -> Any:
    """The raw JSON as docker decodes it for the fallback: structs become maps."""
    if isinstance(value, GoStruct | dict):
        return {k: _raw_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_raw_value(v) for v in value]
    return value


def inspect(format: str, elements: Sequence[Element], errors: Sequence[str] = ()) -> InspectOutput:
    """inspector.go: an indented JSON array without a format (`[]` when nothing was found),
    else the template once per element; errors (not-found objects) are listed after."""
    out = InspectOutput(errors=list(errors))
    if not format:
        if not elements:
            out.stdout = "[]\n"
        else:
            doc = marshal_indent([e.raw for e in elements], "    ")
            out.stdout = escape_html(doc) + "\n"
    elif format == "json":
        out.stdout = escape_html(gt.marshal([e.raw for e in elements])) + "\n"
    else:
        try:
            tmpl = gt.parse(format)
        except ParseError as err:
            return InspectOutput(errors=[f"template parsing error: {err}"], status=64)
        lines = []
        for element in elements:
            try:
                lines.append(tmpl.execute(element.typed) + "\n")
                continue
            except ExecError:
                pass
            try:
                lines.append(tmpl.option("error").execute(_raw_value(element.raw)) + "\n")
            except ExecError as err:
                out.errors.append(f"template parsing error: {err}")
        out.stdout = "".join(lines)
    if out.errors:
        out.status = 1
    return out
