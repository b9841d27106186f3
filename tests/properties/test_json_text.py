"""`json_text.dumps` writes exactly what `json.dumps(indent=2, ensure_ascii=False)` writes."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import export_json, json_text
from pipeline.check import check

VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(), max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


@settings(max_examples=600, deadline=None)
@given(value=VALUES)
def test_random_values_are_written_as_json_dumps_writes_them(value: Any) -> None:
    assert json_text.dumps(value) == standard(value)
    assert json_text.dumps(value, "\n    ") == standard(value).replace("\n", "\n    ")


@pytest.mark.parametrize(
    "value",
    [
        (1, "tuple"),  # a tuple is written as a list
        {1: "a", None: "b", False: "c", 2.5: "d"},  # keys json.dumps converts
        [True, 1, 1.0, -0.0, 1e300, "\u2028", "\ud800", "\x00", '"\\'],
        {"nested": {"empty": {}, "list": [], "deep": [[[[{}]]]]}},
    ],
)
def test_unusual_values_are_written_as_json_dumps_writes_them(value: Any) -> None:
    assert json_text.dumps(value) == standard(value)


@pytest.mark.parametrize("value", [math.nan, [math.inf], {"x": -math.inf}])
def test_what_json_dumps_refuses_is_refused(value: Any) -> None:
    with pytest.raises(ValueError):
        json_text.dumps(value)


def test_a_cycle_is_refused_as_json_dumps_refuses_it() -> None:
    value: list[Any] = []
    value.append(value)
    with pytest.raises(ValueError, match="Circular"):
        json_text.dumps(value)


def test_the_shipped_courses_cards_json_is_the_standard_text() -> None:
    checked = check(Path(__file__).resolve().parents[2] / "cards")
    document = export_json.document(checked.curriculum, checked.cards, 1_700_000_000)
    assert export_json.dumps(document) == standard(document) + "\n"
