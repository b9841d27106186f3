"""jsonschema-rs, the fast first pass, never accepts what jsonschema rejects.

Validation asks jsonschema for errors only when jsonschema-rs rejects the data, so a verdict
depends on jsonschema-rs in one direction only: data it accepts must be data jsonschema
accepts. Valid front matter, manifests, cards.json items and its envelope from the shipped
course are mutated at random (values replaced by other JSON, keys dropped or added, strings
with a final newline, which Python's `$` and ECMA's treat differently) and the two compared.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import export_json, schema
from pipeline.check import check
from pipeline.front_matter import json_safe

COURSE = Path(__file__).resolve().parents[2] / "cards"

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["a\n", "en\n", "#abcdef\n", "x-1\n", "1.0", "true", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def examples() -> list[tuple[schema.Validator, Any]]:
    """(validator, valid data) pairs taken from the shipped course."""
    checked = check(COURSE)
    document = export_json.document(checked.curriculum, checked.cards, 0)
    found: list[tuple[schema.Validator, Any]] = []
    for name in export_json.ITEMS:
        validator = schema.pointer_validator("export", f"/properties/{name}/items")
        found += [(validator, item) for item in document[name][:40]]
    envelope = {k: v[:2] if k in export_json.ITEMS else v for k, v in document.items()}
    found.append((schema.validator("export"), envelope))
    for lesson in checked.curriculum.lessons[:20]:
        found.append((schema.validator("lesson"), json_safe(lesson.front_matter_data)))
    for manifest in checked.curriculum.manifests[:20]:
        found.append((schema.validator("manifest", manifest.level), json_safe(manifest.data)))
    assert all(not list(v.slow.iter_errors(data)) for v, data in found)
    return found


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `data` (dict keys and list indexes)."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _places(value, (*path, index))
    return found


def _mutated(data: Any, draw: Any) -> Any:
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_places(data)))
        if not path:
            return draw(JSON)
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "drop", "add", "newline"]))
        if action == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(JSON)
        elif action == "newline" and isinstance(parent[path[-1]], str):
            parent[path[-1]] += "\n"
        else:
            parent[path[-1]] = draw(JSON)
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_pass_never_accepts_what_jsonschema_rejects(
    examples: list[tuple[schema.Validator, Any]], data: st.DataObject
) -> None:
    validator, valid = data.draw(st.sampled_from(examples))
    mutated = _mutated(valid, data.draw)
    try:
        accepted = validator.fast.is_valid(mutated)
    except Exception:  # data it cannot take: jsonschema decides
        return
    if accepted:
        assert list(validator.slow.iter_errors(mutated)) == []


def test_rejected_data_gets_jsonschemas_messages() -> None:
    validator = schema.pointer_validator("export", "/properties/cards/items")
    errors = list(validator.iter_errors({"id": 3}))
    assert errors and all(e.__class__.__module__.startswith("jsonschema") for e in errors)
    assert list(validator.iter_errors({"id": 3})) != []


def test_data_it_cannot_take_goes_to_jsonschema() -> None:
    import datetime

    found = schema.errors({"title": datetime.date(2020, 1, 1)}, "lesson")
    assert found  # a date is no string: jsonschema says so, whatever jsonschema-rs made of it
