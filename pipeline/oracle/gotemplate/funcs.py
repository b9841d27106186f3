"""text/template's built-in functions (funcs.go) with their Go signatures and error texts.

A function is a `GoFunc`: the Python callable plus the Go parameter types the executor checks
arguments against (`any` = interface{}, `value` = reflect.Value, or a concrete type such as
`string`, `int`, `[]string`). A callable signals a Go error by raising `GoFuncError`; the
executor reports it as `error calling NAME: ...`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from .errors import GoFuncError
from .gofmt import sprint, sprintf, sprintln
from .values import MISSING, GoNil, GoStruct, Iface, Uint8, go_type, unwrap, zero_value

ANY = "any"  # interface {}
VALUE = "value"  # reflect.Value


@dataclass(frozen=True)
class GoFunc:
    fn: Callable[..., Any]
    params: tuple[str, ...] = ()
    variadic: str | None = None  # element type of a final ...param

    @property
    def num_in(self) -> int:
        return len(self.params) + (1 if self.variadic else 0)


def indirect_interface(value: Any) -> Any:
    """exec.go indirectInterface: the concrete value inside an interface; nil becomes invalid."""
    if isinstance(value, Iface):
        return MISSING if value.value is None else value.value
    return value


def is_true(value: Any) -> tuple[bool, bool]:
    """exec.go isTrue: (truth, ok). Empty strings, lists, maps, zero numbers and nil are false."""
    value = indirect_interface(value)
    if value is MISSING or value is None:
        return False, True
    if isinstance(value, bool):
        return value, True
    if isinstance(value, int | float | complex):
        return value != 0, True
    if isinstance(value, GoStruct):
        return True, True
    if isinstance(value, GoNil):
        return False, True
    if isinstance(value, str | list | tuple | dict):
        return len(value) > 0, True
    return False, False


def truth(value: Any) -> bool:
    return is_true(value)[0]


# --- len, index, slice ----------------------------------------------------------------------------
def _length(item: Any) -> int:
    if item is MISSING:
        raise GoFuncError("reflect: call of reflect.Value.Type on zero Value")
    if item is None or (isinstance(item, Iface) and item.value is None):
        raise GoFuncError("len of nil pointer")
    item = unwrap(item)
    if isinstance(item, GoNil):
        return 0
    if isinstance(item, str):
        return len(item.encode("utf-8"))
    if isinstance(item, list | tuple | dict) and not isinstance(item, GoStruct):
        return len(item)
    raise GoFuncError(f"len of type {go_type(item)}")


def _index_arg(index: Any, cap: int) -> int:
    if index is MISSING:
        raise GoFuncError("cannot index slice/array with nil")
    if not isinstance(index, int) or isinstance(index, bool):
        raise GoFuncError(f"cannot index slice/array with type {go_type(index)}")
    if index < 0 or index > cap:
        raise GoFuncError(f"index out of range: {index}")
    return index


def _map_key(index: Any) -> str:
    if index is MISSING:
        raise GoFuncError("value is nil; should be of type string")
    if not isinstance(index, str):
        raise GoFuncError(f"value has type {go_type(index)}; should be string")
    return index


def _index_nil(item: GoNil, index: Any) -> Any:
    if item.is_slice:
        _index_arg(index, 0)
        raise GoFuncError("reflect: slice index out of range")
    if not item.is_map:
        raise GoFuncError(f"can't index item of type {item.type_name}")
    _map_key(index)
    return zero_value(item)  # a nil map reads as zero values


def _index(item: Any, *indexes: Any) -> Any:
    item = indirect_interface(item)
    if item is MISSING:
        raise GoFuncError("index of untyped nil")
    for index in indexes:
        index = indirect_interface(index)
        item = unwrap(item)
        if item is None:
            raise GoFuncError("index of nil pointer")
        if isinstance(item, GoNil):
            item = _index_nil(item, index)
            continue
        if isinstance(item, str):
            data = item.encode("utf-8")
            x = _index_arg(index, len(data))
            if x == len(data):
                raise GoFuncError("reflect: string index out of range")
            item = Uint8(data[x])
        elif isinstance(item, list | tuple):
            x = _index_arg(index, len(item))
            if x == len(item):
                raise GoFuncError("reflect: slice index out of range")
            item = Iface(item[x])
        elif isinstance(item, dict) and not isinstance(item, GoStruct):
            index = _map_key(index)
            item = Iface(item[index]) if index in item else zero_value(item)
        else:
            raise GoFuncError(f"can't index item of type {go_type(item)}")
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    item = indirect_interface(item)
    if item is MISSING:
        raise GoFuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise GoFuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, GoNil) and item.is_slice:
        item = []
    if isinstance(item, str):
        if len(indexes) == 3:
            raise GoFuncError("cannot 3-index slice a string")
        data = item.encode("utf-8")
        cap = length = len(data)
    elif isinstance(item, list | tuple):
        cap = length = len(item)
    else:
        raise GoFuncError(f"can't slice item of type {go_type(item)}")
    idx = [0, length, 0]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(indirect_interface(index), cap)
    if idx[0] > idx[1]:
        raise GoFuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise GoFuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    if isinstance(item, str):
        return item.encode("utf-8")[idx[0] : idx[1]].decode("utf-8", errors="replace")
    return list(item[idx[0] : idx[1]])


# --- comparison -----------------------------------------------------------------------------------
_BOOL, _COMPLEX, _INT, _FLOAT, _STRING, _UINT = "bool", "complex", "int", "float", "string", "uint"


def _basic_kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, Uint8):
        return _UINT
    if isinstance(value, int):
        return _INT
    if isinstance(value, float):
        return _FLOAT
    if isinstance(value, complex):
        return _COMPLEX
    if isinstance(value, str):
        return _STRING
    return None


def _is_nil(value: Any) -> bool:
    return value is MISSING or value is None or isinstance(value, GoNil)


def _reflect_kind(value: Any) -> str:
    if value is MISSING:
        return "invalid"
    if isinstance(value, GoNil):
        return "slice" if value.is_slice else "map"
    if isinstance(value, GoStruct):
        return "struct"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list | tuple):
        return "slice"
    return "ptr" if value is None else type(value).__name__


def _eq(arg1: Any, *arg2: Any) -> bool:
    arg1 = indirect_interface(arg1)
    if not arg2:
        raise GoFuncError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in arg2:
        arg = indirect_interface(arg)
        k2 = _basic_kind(arg)
        result = False
        if k1 != k2:
            if {k1, k2} == {_INT, _UINT}:
                result = arg1 >= 0 and arg >= 0 and int(arg1) == int(arg)
            elif arg1 is not MISSING and arg is not MISSING:
                raise GoFuncError(
                    f"incompatible types for comparison: {go_type(arg1)} and {go_type(arg)}"
                )
        elif k1 is not None:
            result = arg1 == arg
        else:
            kind1, kind2 = _reflect_kind(arg1), _reflect_kind(arg)
            if kind1 != kind2 and "invalid" not in (kind1, kind2):
                raise GoFuncError(
                    f"non-comparable types {sprint(arg1)}: {go_type(arg1)}, "
                    f"{go_type(arg)}: {sprint(arg)}"
                )
            if _is_nil(arg1) or _is_nil(arg):
                result = _is_nil(arg) == _is_nil(arg1)
            elif isinstance(arg, GoStruct):
                result = dict(arg1) == dict(arg)
            else:
                raise GoFuncError(f"non-comparable type {sprint(arg)}: {go_type(arg)}")
        if result:
            return True
    return False


def _ne(arg1: Any, arg2: Any) -> bool:
    return not _eq(arg1, arg2)


def _lt(arg1: Any, arg2: Any) -> bool:
    arg1 = indirect_interface(arg1)
    k1 = _basic_kind(arg1)
    if k1 is None:
        raise GoFuncError("invalid type for comparison")
    arg2 = indirect_interface(arg2)
    k2 = _basic_kind(arg2)
    if k2 is None:
        raise GoFuncError("invalid type for comparison")
    if k1 != k2:
        if {k1, k2} == {_INT, _UINT}:
            return int(arg1) < int(arg2)
        raise GoFuncError(f"incompatible types for comparison: {go_type(arg1)} and {go_type(arg2)}")
    if k1 in (_BOOL, _COMPLEX):
        raise GoFuncError("invalid type for comparison")
    return arg1 < arg2


def _le(arg1: Any, arg2: Any) -> bool:
    return _lt(arg1, arg2) or _eq(arg1, arg2)


def _gt(arg1: Any, arg2: Any) -> bool:
    return not _le(arg1, arg2)


def _ge(arg1: Any, arg2: Any) -> bool:
    return not _lt(arg1, arg2)


def _not(arg: Any) -> bool:
    return not truth(arg)


# --- escapers -------------------------------------------------------------------------------------
def _eval_args(args: tuple) -> str:
    """funcs.go evalArgs: Sprint, but a nil interface argument prints as <no value>."""
    if len(args) == 1 and isinstance(unwrap(args[0]), str):
        return unwrap(args[0])
    printable = ["<no value>" if _is_untyped_nil(a) else a for a in args]
    return sprint(*printable)


def _is_untyped_nil(value: Any) -> bool:
    return value is MISSING or (isinstance(value, Iface) and value.value is None)


def _html(*args: Any) -> str:
    text = _eval_args(args)
    table = {"\0": "\ufffd", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
    return "".join(table.get(ch, ch) for ch in text)


def _js(*args: Any) -> str:
    text = _eval_args(args)
    table = {
        "\\": "\\\\",
        "'": "\\'",
        '"': '\\"',
        "<": "\\u003C",
        ">": "\\u003E",
        "&": "\\u0026",
        "=": "\\u003D",
    }
    out = []
    for ch in text:
        if ch in table:
            out.append(table[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u00{ord(ch):02X}")
        elif ord(ch) >= 0x80 and not ch.isprintable():
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _urlquery(*args: Any) -> str:
    return quote_plus(_eval_args(args), safe="-_.~")


def _and_or(*_: Any) -> Any:
    raise AssertionError("and/or are evaluated by the executor (short-circuit)")


def call(callee_name: str, fn: Any, *_: Any) -> Any:
    """funcs.go call: template data here never holds Go functions, so only its errors remain."""
    fn = indirect_interface(fn)
    if fn is MISSING:
        raise GoFuncError("call of nil")
    raise GoFuncError(f"non-function {callee_name} of type {go_type(fn)}")


BUILTINS: dict[str, GoFunc] = {
    "and": GoFunc(_and_or, (VALUE,), VALUE),
    "call": GoFunc(call, (VALUE,), VALUE),
    "or": GoFunc(_and_or, (VALUE,), VALUE),
    "not": GoFunc(_not, (VALUE,)),
    "len": GoFunc(_length, (VALUE,)),
    "index": GoFunc(_index, (VALUE,), VALUE),
    "slice": GoFunc(_slice, (VALUE,), VALUE),
    "print": GoFunc(sprint, (), ANY),
    "printf": GoFunc(sprintf, ("string",), ANY),
    "println": GoFunc(sprintln, (), ANY),
    "html": GoFunc(_html, (), ANY),
    "js": GoFunc(_js, (), ANY),
    "urlquery": GoFunc(_urlquery, (), ANY),
    "eq": GoFunc(_eq, (VALUE,), VALUE),
    "ne": GoFunc(_ne, (VALUE, VALUE)),
    "lt": GoFunc(_lt, (VALUE, VALUE)),
    "le": GoFunc(_le, (VALUE, VALUE)),
    "gt": GoFunc(_gt, (VALUE, VALUE)),
    "ge": GoFunc(_ge, (VALUE, VALUE)),
}
