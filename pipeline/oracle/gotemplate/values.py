"""How Go values are represented while a template runs.

Data handed to a template is JSON-like Python data: dict (a Go `map[string]interface {}`), list
(`[]interface {}`), str, int, float, bool and None, or a `GoStruct` for Go structs such as the
docker/cli formatter contexts. These markers carry the Go distinctions that change output or
error text:

- `MISSING` is Go's invalid `reflect.Value`: a missing map key, printed as `<no value>`;
- `Iface(x)` is a value read out of an interface container (a map value, a list element): its
  static type is `interface {}`, and a nil one prints `<no value>` but breaks field access with
  `nil pointer evaluating interface {}.X`;
- None as a GoStruct field is a typed nil pointer, printed `<nil>` (None inside a dict or list
  is a nil interface, i.e. `Iface(None)`);
- `GoNil("[]string")` is a typed nil slice or map (Go's typed structs hold many: a nil
  `Config.Entrypoint` prints `[]`, a nil `Labels` map prints `map[]`, both marshal as `null`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


class _Missing:
    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True, slots=True)
class Iface:
    """A value whose static Go type is `interface {}` (read from a map or a slice)."""

    value: Any


@dataclass(frozen=True, slots=True)
class GoNil:
    """A nil slice or map of a Go struct field; `type_name` is its Go type (`[]string`,
    `map[string]string`). Prints `[]` / `map[]`, marshals to `null`, has length 0."""

    type_name: str

    @property
    def is_slice(self) -> bool:
        return self.type_name.startswith("[]")

    @property
    def is_map(self) -> bool:
        return self.type_name.startswith("map[")


class Uint8(int):
    """A Go byte, as `index` returns for a string."""


class GoStruct(Mapping[str, Any]):
    """A Go struct: fields in declaration order (that order is how `%v` and `json` print it).

    `type_name` is the Go type as error messages show it, e.g. `*formatter.imageContext`; a
    leading `*` makes `%v` print `&{...}`. A missing field is an error
    (`can't evaluate field X in type T`), unlike a missing map key."""

    def __init__(self, type_name: str, fields: Mapping[str, Any]) -> None:
        self.type_name = type_name
        self._fields = dict(fields)

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"GoStruct({self.type_name!r}, {self._fields!r})"


def unwrap(value: Any) -> Any:
    """Drop the Iface marker (Go's implicit conversion out of an interface)."""
    return value.value if isinstance(value, Iface) else value


def is_string_list(value: Any) -> bool:
    """A list usable where Go wants `[]string` (docker's typed structs have `[]string` fields
    such as RepoTags; the JSON-like data here cannot say so, so the elements decide)."""
    if isinstance(value, GoNil):
        return value.type_name == "[]string"
    return isinstance(value, list | tuple) and all(isinstance(unwrap(v), str) for v in value)


def zero_value(container: dict | GoNil) -> Any:
    """The zero value of a map's element type, inferred from its values (Go knows the type;
    JSON-like data does not): 0 for int maps, "" for string maps (and empty maps, which in
    docker's structs are mostly Labels), otherwise a nil interface."""
    if isinstance(container, GoNil):
        return "" if container.type_name == "map[string]string" else Iface(None)
    kinds = {type(unwrap(v)) for v in container.values()}
    if not kinds or kinds == {str}:
        return ""
    if kinds == {bool}:
        return False
    if kinds == {int}:
        return 0
    if kinds == {float}:
        return 0.0
    return Iface(None)


def go_type(value: Any) -> str:
    """The Go type name of a (concrete) value, as fmt's `%T` and error messages print it."""
    if isinstance(value, Iface):
        return "interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Uint8):
        return "uint8"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, complex):
        return "complex128"
    if isinstance(value, str):
        return "string"
    if isinstance(value, GoStruct | GoNil):
        return value.type_name
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list | tuple):
        return "[]string" if value and is_string_list(value) else "[]interface {}"
    if value is None:
        return "interface {}"
    return type(value).__name__
