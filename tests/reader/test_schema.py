"""The JSON Schemas load, are valid 2020-12 schemas, and are found where an install puts them."""

from __future__ import annotations

from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from pipeline import schema


@pytest.mark.parametrize("name", schema.NAMES)
def test_each_schema_is_a_valid_2020_12_schema(name: str) -> None:
    loaded = schema.load(name)
    Draft202012Validator.check_schema(loaded)
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert loaded["$id"].endswith(f"/{name}.schema.json")


def test_schemas_are_found_as_package_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed wheel has no `schemas/` next to the package, only `pipeline/_schemas`."""
    shipped = resources.files("pipeline") / "_schemas"
    monkeypatch.setattr(schema, "_candidates", lambda: iter([shipped]))
    schema.load.cache_clear()
    try:
        for name in schema.NAMES:
            assert schema.load(name)["$id"].endswith(f"{name}.schema.json")
    finally:
        schema.load.cache_clear()


def test_lesson_schema_errors_point_at_their_key() -> None:
    positions = {(): (2, 1), ("category",): (4, 1), ("links",): (5, 1), ("links", 1): (7, 5)}
    data = {"category": "trick", "links": ["[a](b){website}", 3]}
    found = schema.diagnose(data, "lesson", "x.md", positions, "lesson-schema")
    assert [(d.line, d.col) for d in found] == [(4, 1), (7, 5)]


def test_exercises_need_no_category() -> None:
    assert schema.errors({"type": "exercise", "link": "https://x.test"}, "lesson") == []
    assert [e.validator for e in schema.errors({"type": "normal"}, "lesson")] == ["required"]


@pytest.mark.parametrize(
    ("level", "data", "valid"),
    [
        ("topic", {"name": "Docker", "color": "A6DEFF", "availableAspects": ["deep"]}, True),
        ("course", {"name": "Fundamentals", "core": True, "sections": {"0": ["overview"]}}, True),
        ("course", {"name": "Fundamentals", "sections": {"first": ["overview"]}}, False),
        ("workout", {"name": "Overview", "insights": ["what-is-docker"]}, True),
        ("workout", {"name": "Overview", "insights": ["../escape"]}, False),
        ("workout", {"insights": []}, False),
    ],
)
def test_manifest_levels(level: str, data: dict, valid: bool) -> None:
    assert (schema.errors(data, "manifest", level) == []) is valid
