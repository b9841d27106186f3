"""JSON text exactly as `json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)` writes
it, made faster.

With an indent, the standard library encodes in pure Python, one generator step per token:
three quarters of rendering a cold build's cards.json. This builds the same text from nested
joins and the C string escaper. Anything but plain JSON values with string keys (a subclass, a
tuple, NaN, a cycle) is left to `json.dumps`, so the text is always the standard one
(tests/properties/test_json_text.py compares the two on random values).
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring  # the C escaper where there is one
from typing import Any


class _Unusual(Exception):
    """A value this module leaves to `json.dumps`."""


def dumps(value: Any, newline: str = "\n") -> str:
    """`value` indented by two spaces a level; each line break is `newline` (a longer one
    indents the whole text, as an item of an indented array)."""
    try:
        return _encode(value, newline)
    except (_Unusual, RecursionError):
        text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
        return text.replace("\n", newline)


def _encode(value: Any, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    inner = newline + "  "
    if kind is dict:
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            items.append(f"{encode_basestring(key)}: {_encode(item, inner)}")
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if kind is list:
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_encode(v, inner) for v in value) + newline + "]"
    raise _Unusual
