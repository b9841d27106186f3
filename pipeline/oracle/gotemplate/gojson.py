"""encoding/json Marshal as docker's `json` template function uses it (SetEscapeHTML(false),
trailing newline trimmed): compact, map keys sorted, struct fields in declaration order,
`<`, `>` and `&` left alone, U+2028/U+2029 escaped, floats in Go's shortest form."""

from __future__ import annotations

from typing import Any

from .gofmt import format_float
from .values import MISSING, GoNil, GoStruct, Iface

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


class UnsupportedValueError(ValueError):
    """json: unsupported value (NaN or infinity)."""


def _string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\\ufffd")  # invalid UTF-8 is written as an escaped U+FFFD
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise UnsupportedValueError(f"json: unsupported value: {format_float(value)}")
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        text = format_float(value, "e")
        # encoding/json cleans up e-09 to e-9
        mantissa, _, exp = text.partition("e")
        if exp.startswith("-0") and len(exp) == 3:
            exp = "-" + exp[2]
        return mantissa + "e" + exp
    return format_float(value, "f")


def marshal(value: Any) -> str:
    """json.Marshal of a template value."""
    if isinstance(value, Iface):
        value = value.value
    if value is None or value is MISSING or isinstance(value, GoNil):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, GoStruct):
        items = ",".join(_string(k) + ":" + marshal(v) for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, dict):
        keys = sorted(value, key=_key_bytes)
        return "{" + ",".join(_string(str(k)) + ":" + marshal(value[k]) for k in keys) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(marshal(v) for v in value) + "]"
    raise UnsupportedValueError(f"json: unsupported type: {type(value).__name__}")


def marshal_indent(value: Any, indent: str, prefix: str = "") -> str:
    """json.MarshalIndent: one element per line, `"key": value`, empty containers as [] / {}."""
    return _indent(value, prefix, indent, prefix)


def _indent(value: Any, prefix: str, indent: str, current: str) -> str:
    if isinstance(value, Iface):
        value = value.value
    inner = current + indent
    if isinstance(value, GoStruct | dict) and not isinstance(value, GoNil):
        keys = list(value) if isinstance(value, GoStruct) else sorted(value, key=_key_bytes)
        if not keys:
            return "{}"
        items = [
            inner + _string(str(k)) + ": " + _indent(value[k], prefix, indent, inner) for k in keys
        ]
        return "{\n" + ",\n".join(items) + "\n" + current + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [inner + _indent(v, prefix, indent, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + current + "]"
    return marshal(value)


def _key_bytes(key: Any) -> bytes:
    return str(key).encode("utf-8")
