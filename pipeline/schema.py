"""JSON Schemas (`schemas/*.json`, draft 2020-12) and validation through jsonschema.

jsonschema-rs answers first: data it accepts has no errors; data it rejects (or cannot take,
such as a YAML date) gets jsonschema's errors, so every message is jsonschema's. It is about a
hundred times faster, which matters for the 15,000 cards of a cold build's cards.json; its
regular expressions are ECMA-262's, which are stricter than Python's (`$` before a final
newline), never looser, and tests/reader/test_schema_fast.py checks that it never accepts
what jsonschema rejects.

The schemas are found next to the package in a checkout (`schemas/`) and, in an installed
package, as package data (`pipeline/_schemas`, shipped by pyproject's package-data). A schema
error on YAML data becomes a diagnostic at the line of the offending key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from pipeline.diagnostics import Diagnostic, error
from pipeline.front_matter import Positions, position

NAMES = ("lesson", "manifest", "card", "export")
_FILE = "{}.schema.json"


def _candidates() -> Iterable[Any]:
    yield Path(__file__).resolve().parent.parent / "schemas"  # a checkout or editable install
    yield resources.files("pipeline") / "_schemas"  # an installed wheel


@cache
def load(name: str) -> dict[str, Any]:
    """The schema `name` (one of NAMES) as a dict."""
    for folder in _candidates():
        candidate = folder / _FILE.format(name)
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"schema {_FILE.format(name)} is missing from this installation")


@cache
def registry() -> Registry:
    """Every schema under its `$id`, so that `$ref: card.schema.json` resolves offline."""
    resources_ = [(load(n)["$id"], Resource.from_contents(load(n))) for n in NAMES]
    return Registry().with_resources(resources_)


@cache
def _fast_registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry([(load(n)["$id"], load(n)) for n in NAMES])


class Validator:
    """jsonschema's errors, asked for only when jsonschema-rs rejects the data."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.slow = Draft202012Validator(schema, registry=registry())
        self.fast = jsonschema_rs.Draft202012Validator(schema, registry=_fast_registry())

    def iter_errors(self, data: Any) -> Iterable[ValidationError]:
        try:
            if self.fast.is_valid(data):
                return ()
        except Exception:  # data it cannot take (a date, a huge number): jsonschema decides
            pass
        return self.slow.iter_errors(data)


@cache
def validator(name: str, definition: str | None = None) -> Validator:
    """A validator for schema `name`, or for its `$defs/<definition>`."""
    schema = load(name)
    if definition is not None:
        schema = {"$ref": f"{schema['$id']}#/$defs/{definition}"}
    return Validator(schema)


@cache
def pointer_validator(name: str, pointer: str) -> Validator:
    """A validator for the part of schema `name` at the JSON pointer `pointer`."""
    return Validator({"$ref": f"{load(name)['$id']}#{pointer}"})


def errors(data: Any, name: str, definition: str | None = None) -> list[ValidationError]:
    """Validation errors in a stable order (by path, then message)."""
    found = validator(name, definition).iter_errors(data)
    return sorted(found, key=lambda e: ([str(p) for p in e.absolute_path], e.message))


def diagnose(
    data: Any,
    name: str,
    path: str | Path,
    positions: Positions,
    rule: str,
    definition: str | None = None,
    rules: dict[tuple[str, str], str] | None = None,
) -> list[Diagnostic]:
    """Schema errors as diagnostics at the YAML line of the offending key.

    `rules` maps (top-level key, jsonschema keyword) to a more specific rule id.
    """
    problems = []
    for found in errors(data, name, definition):
        where = tuple(found.absolute_path)
        if found.validator == "required" and isinstance(found.instance, dict):
            missing = _missing_key(found)
            key = missing or (str(where[0]) if where else "")
        else:
            key = str(where[0]) if where else ""
        line, col = position(positions, where)
        specific = (rules or {}).get((key, str(found.validator)), rule)
        problems.append(error(path, line, _message(found), specific, col))
    return problems


def _missing_key(found: ValidationError) -> str | None:
    required = found.validator_value if isinstance(found.validator_value, list) else []
    return next((k for k in required if k not in found.instance), None)


def _message(found: ValidationError) -> str:
    where = ".".join(str(p) for p in found.absolute_path)
    if found.validator == "enum":
        choices = ", ".join(str(c) for c in found.validator_value)
        return f"`{where}` is {found.instance!r}; expected one of: {choices}"
    if found.validator == "required":
        missing = _missing_key(found)
        return f"missing required key `{missing}`" + (f" in `{where}`" if where else "")
    return f"`{where}`: {found.message}" if where else found.message
