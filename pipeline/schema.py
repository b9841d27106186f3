"""JSON Schemas (`schemas/*.json`, draft 2020-12) and validation through jsonschema.

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
def validator(name: str, definition: str | None = None) -> Draft202012Validator:
    """A validator for schema `name`, or for its `$defs/<definition>`."""
    schema = load(name)
    if definition is not None:
        schema = {"$ref": f"{schema['$id']}#/$defs/{definition}"}
    return Draft202012Validator(schema, registry=registry())


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
