"""Go's fmt for template output: Sprint, Sprintln, Sprintf and the `%v` forms of values.

What a template prints for a value is `fmt.Fprint(value)`: maps as `map[k:v]` with sorted keys,
slices as `[a b]`, nil as `<nil>`, floats in Go's shortest `%g` (`1e+06`, not Python's
`1000000.0`). Sprintf covers the flags `+ - # 0 space`, width and precision (also `*`) and the
verbs v s q d x X o O b c U e E f F g G t T %, with Go's error forms (`%!d(string=hi)`,
`%!s(MISSING)`, `%!(EXTRA int=1)`). Not covered: explicit argument indexes (`%[1]d`), `%p`, and
`%x`/`%b` on floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .gostrconv import can_backquote, is_print, quote, quote_rune
from .values import MISSING, GoNil, GoStruct, Iface, Uint8, go_type, is_string_list


# --- floats ---------------------------------------------------------------------------------------
def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest decimal digits that round-trip (as Go's and Python's repr agree) and the
    position of the decimal point: value = 0.DIGITS x 10**dp."""
    if value == 0:
        return "", 0
    sign, digits, exponent = Decimal(repr(abs(value))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    trailing = len(digits) - len(text)
    return text, len(text) + exponent + trailing  # type: ignore[operator]


def _fmt_e(neg: bool, digits: str, dp: int, prec: int, e: str) -> str:
    digits = digits or "0"
    first = digits[0]
    frac = digits[1 : prec + 1].ljust(prec, "0") if prec > 0 else ""
    exp = dp - 1 if digits != "0" else 0
    exp_sign = "-" if exp < 0 else "+"
    exp_text = str(abs(exp)).rjust(2, "0")
    mantissa = first + ("." + frac if prec > 0 else "")
    return ("-" if neg else "") + mantissa + e + exp_sign + exp_text


def _fmt_f(neg: bool, digits: str, dp: int, prec: int) -> str:
    integer = digits[:dp].ljust(dp, "0") if dp > 0 else "0"
    frac = ""
    for i in range(prec):
        j = dp + i
        frac += digits[j] if 0 <= j < len(digits) else "0"
    return ("-" if neg else "") + integer + ("." + frac if prec > 0 else "")


def format_float(value: float, fmt: str = "g", prec: int = -1) -> str:
    """strconv.FormatFloat(value, fmt, prec, 64) for fmt in e E f g G (prec -1 = shortest)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    neg = value < 0 or (value == 0 and str(value).startswith("-"))
    if prec >= 0:
        # Fixed precision: C printf (and so Python) rounds like Go.
        text = format(abs(value), f".{prec}{fmt}")
        return ("-" if neg else "") + text
    digits, dp = _shortest_digits(value)
    lower = fmt.lower()
    e = "E" if fmt.isupper() else "e"
    if lower == "e":
        return _fmt_e(neg, digits, dp, len(digits) - 1, e)
    if lower == "f":
        return _fmt_f(neg, digits, dp, max(len(digits) - dp, 0))
    # 'g' shortest: %e when the exponent is < -4 or >= 6 (strconv ftoa.go, eprec = 6)
    exp = dp - 1 if digits else 0
    if exp < -4 or exp >= 6:
        return _fmt_e(neg, digits, dp, len(digits) - 1, e)
    return _fmt_f(neg, digits, dp, max(len(digits) - dp, 0))


# --- the printer ----------------------------------------------------------------------------------
@dataclass
class _Flags:
    plus: bool = False
    minus: bool = False
    sharp: bool = False
    space: bool = False
    zero: bool = False
    plus_v: bool = False
    sharp_v: bool = False
    wid: int | None = None
    prec: int | None = None


class _Printer:
    def __init__(self) -> None:
        self.buf: list[str] = []
        self.f = _Flags()

    # padding
    def pad(self, text: str) -> None:
        f = self.f
        if f.wid is None or f.wid <= len(text):
            self.buf.append(text)
            return
        fill = (f.wid - len(text)) * ("0" if f.zero and not f.minus else " ")
        self.buf.append(text + fill if f.minus else fill + text)

    def bad_verb(self, verb: str, arg: Any) -> None:
        self.buf.append("%!" + verb + "(")
        if arg is None or isinstance(arg, Iface) and arg.value is None:
            self.buf.append("<nil>")
        else:
            self.buf.append(go_type(arg) + "=")
            self.print_arg(arg, "v", 0)
        self.buf.append(")")

    # dispatch
    def print_arg(self, arg: Any, verb: str, depth: int = 0) -> None:
        if isinstance(arg, Iface):
            if arg.value is None:
                if depth > 0:
                    self.buf.append("<nil>" if not self.f.sharp_v else "interface {}(nil)")
                    return
                arg = None
            else:
                arg = arg.value
        if arg is MISSING:
            self.buf.append("<invalid reflect.Value>")
            return
        if verb == "T":
            self.pad(go_type(arg) if arg is not None else "<nil>")
            return
        if arg is None:
            if verb == "v":
                self.pad("<nil>")
            else:
                self.bad_verb(verb, None)
            return
        if isinstance(arg, bool):
            self.fmt_bool(arg, verb)
        elif isinstance(arg, int):
            self.fmt_integer(arg, verb, signed=not isinstance(arg, Uint8))
        elif isinstance(arg, float):
            self.fmt_float(arg, verb)
        elif isinstance(arg, complex):
            self.fmt_complex(arg, verb)
        elif isinstance(arg, str):
            self.fmt_string(arg, verb)
        elif isinstance(arg, GoNil):
            self.print_nil(arg, verb)
        elif isinstance(arg, GoStruct):
            self.print_struct(arg, verb, depth)
        elif isinstance(arg, dict):
            self.print_map(arg, verb, depth)
        elif isinstance(arg, list | tuple):
            self.print_list(arg, verb, depth)
        else:
            self.pad(str(arg))

    def fmt_bool(self, value: bool, verb: str) -> None:
        if verb in "tv":
            self.pad("true" if value else "false")
        else:
            self.bad_verb(verb, value)

    def fmt_integer(self, value: int, verb: str, signed: bool) -> None:
        f = self.f
        if verb == "v" and f.sharp_v and not signed:
            self._integer(value, 16, "x", force_sharp=True)
        elif verb in "vd":
            self._integer(value, 10, verb)
        elif verb == "b":
            self._integer(value, 2, verb)
        elif verb in "oO":
            self._integer(value, 8, verb)
        elif verb in "xX":
            self._integer(value, 16, verb)
        elif verb == "c":
            self.pad(chr(value) if 0 <= value <= 0x10FFFF else "\ufffd")
        elif verb == "q":
            if 0 <= value <= 0x10FFFF:
                self.pad(quote_rune(value, ascii_only=f.plus))
            else:
                self.bad_verb(verb, Uint8(value) if not signed else value)
        elif verb == "U":
            code = value & 0xFFFFFFFFFFFFFFFF
            text = "U+" + f"{code:X}".rjust(max(f.prec or 0, 4), "0")
            if f.sharp and 0 <= value <= 0x10FFFF and is_print(chr(value)):
                text += " '" + chr(value) + "'"
            saved, f.zero = f.zero, False
            self.pad(text)
            f.zero = saved
        else:
            self.bad_verb(verb, Uint8(value) if not signed else value)

    def _integer(self, value: int, base: int, verb: str, force_sharp: bool = False) -> None:
        f = self.f
        negative = value < 0
        u = -value if negative else value
        prec = 0
        if f.prec is not None:
            prec = f.prec
            if prec == 0 and u == 0:
                self.buf.append(" " * (f.wid or 0))
                return
        elif f.zero and not f.minus and f.wid is not None:
            prec = f.wid - (1 if negative or f.plus or f.space else 0)
        digits = {10: str(u), 2: format(u, "b"), 8: format(u, "o"), 16: format(u, "x")}[base]
        if verb == "X":
            digits = digits.upper()
        digits = digits.rjust(prec, "0")
        if f.sharp or force_sharp:
            if base == 2:
                digits = "0b" + digits
            elif base == 8 and digits[0] != "0":
                digits = "0" + digits
            elif base == 16:
                digits = ("0X" if verb == "X" else "0x") + digits
        if verb == "O":
            digits = "0o" + digits
        sign = "-" if negative else "+" if f.plus else " " if f.space else ""
        saved, f.zero = f.zero, False
        self.pad(sign + digits)
        f.zero = saved

    def fmt_float(self, value: float, verb: str) -> None:
        if verb == "v":
            self._float(value, "g", -1)
        elif verb in "gG":
            self._float(value, verb, -1)
        elif verb in "eEfF":
            self._float(value, verb.replace("F", "f"), 6)
        else:
            self.bad_verb(verb, value)

    def fmt_complex(self, value: complex, verb: str) -> None:
        if verb not in "vgGfFeE":
            self.bad_verb(verb, value)
            return
        saved = self.f.plus
        self.buf.append("(")
        self.fmt_float(value.real, verb)
        self.f.plus = True  # the imaginary part always has a sign
        self.fmt_float(value.imag, verb)
        self.buf.append("i)")
        self.f.plus = saved

    def _float(self, value: float, fmt: str, prec: int) -> None:
        """fmt.(*fmt).fmtFloat: sign handling, Inf/NaN, the # flag, zero padding."""
        f = self.f
        if f.prec is not None:
            prec = f.prec
        num = format_float(value, fmt, prec)
        num = num if num[0] in "+-" else "+" + num
        if f.space and num[0] == "+" and not f.plus:
            num = " " + num[1:]
        if num[1] in "IN":  # Inf and NaN are never zero padded; NaN shows no sign
            if num[1] == "N" and not f.space and not f.plus:
                num = num[1:]
            saved, f.zero = f.zero, False
            self.pad(num)
            f.zero = saved
            return
        if f.sharp:
            num = _sharp_float(num, fmt, prec)
        if f.plus or num[0] != "+":
            if f.zero and not f.minus and f.wid is not None and f.wid > len(num):
                self.buf.append(num[0] + "0" * (f.wid - len(num)) + num[1:])
                return
            self.pad(num)
            return
        self.pad(num[1:])

    def fmt_string(self, value: str, verb: str) -> None:
        f = self.f
        if verb == "v":
            if f.sharp_v:
                self.pad(quote(value))
            else:
                self.pad(self._truncate(value))
        elif verb == "s":
            self.pad(self._truncate(value))
        elif verb in "xX":
            self.pad(self._hex(value, verb))
        elif verb == "q":
            text = self._truncate(value)
            if f.sharp and can_backquote(text):
                self.pad("`" + text + "`")
            else:
                self.pad(quote(text, ascii_only=f.plus))
        else:
            self.bad_verb(verb, value)

    def _truncate(self, value: str) -> str:
        prec = self.f.prec
        return value[:prec] if prec is not None else value

    def _hex(self, value: str, verb: str) -> str:
        data = value.encode("utf-8", "surrogateescape")
        if self.f.prec is not None:
            data = data[: self.f.prec]
        digits = "0123456789abcdef" if verb == "x" else "0123456789ABCDEF"
        prefix = ("0x" if verb == "x" else "0X") if self.f.sharp else ""
        parts = [digits[b >> 4] + digits[b & 0xF] for b in data]
        if self.f.space:
            return " ".join(prefix + p for p in parts)
        return (prefix if parts else "") + "".join(parts)

    def print_nil(self, value: GoNil, verb: str) -> None:
        if self.f.sharp_v:
            self.buf.append(value.type_name + "(nil)")
        elif value.is_slice:
            self.buf.append("[]")
        elif value.is_map:
            self.buf.append("map[]")
        else:
            self.pad("<nil>")

    def print_list(self, value: list | tuple, verb: str, depth: int) -> None:
        if self.f.sharp_v:
            kind = "[]string" if value and is_string_list(value) else "[]interface {}"
            self.buf.append(kind + "{")
            for i, item in enumerate(value):
                if i:
                    self.buf.append(", ")
                self.print_arg(item, verb, depth + 1)
            self.buf.append("}")
            return
        self.buf.append("[")
        for i, item in enumerate(value):
            if i:
                self.buf.append(" ")
            self.print_arg(_as_element(item), verb, depth + 1)
        self.buf.append("]")

    def print_map(self, value: dict, verb: str, depth: int) -> None:
        keys = sorted(value, key=_sort_key)
        if self.f.sharp_v:
            self.buf.append("map[string]interface {}{")
            sep = ", "
        else:
            self.buf.append("map[")
            sep = " "
        for i, key in enumerate(keys):
            if i:
                self.buf.append(sep)
            self.print_arg(key, verb, depth + 1)
            self.buf.append(":")
            self.print_arg(_as_element(value[key]), verb, depth + 1)
        self.buf.append("}" if self.f.sharp_v else "]")

    def print_struct(self, value: GoStruct, verb: str, depth: int) -> None:
        name = value.type_name
        if name.startswith("*"):
            self.buf.append("&")
            name = name[1:]
        if self.f.sharp_v:
            self.buf.append(name)
        self.buf.append("{")
        for i, (field, item) in enumerate(value.items()):
            if i:
                self.buf.append(", " if self.f.sharp_v else " ")
            if self.f.plus_v or self.f.sharp_v:
                self.buf.append(field + ":")
            self.print_arg(item, verb, depth + 1)
        self.buf.append("}")


def _as_element(item: Any) -> Any:
    # Elements of []interface {} and map values are interfaces: a nil one prints <nil>.
    return item if isinstance(item, Iface) else Iface(item)


def _sharp_float(num: str, fmt: str, prec: int) -> str:
    """The # flag: always a decimal point; %g keeps trailing zeros up to its precision."""
    digits = (6 if prec == -1 else prec) if fmt in "gG" else 0
    tail = ""
    has_point = False
    saw_nonzero = False
    body = num
    for i in range(1, len(num)):
        ch = num[i]
        if ch == ".":
            has_point = True
        elif ch in "eE":
            body, tail = num[:i], num[i:]
            break
        else:
            saw_nonzero = saw_nonzero or ch != "0"
            if saw_nonzero:
                digits -= 1
    if not has_point:
        if len(body) == 2 and body[1] == "0":
            digits -= 1  # a leading 0 counts once
        body += "."
    return body + "0" * max(digits, 0) + tail


def _sort_key(key: Any) -> tuple:
    # internal/fmtsort: ints numerically, strings by bytes (= code points), bools false first.
    key = key.value if isinstance(key, Iface) else key
    if isinstance(key, bool):
        return (0, int(key), "")
    if isinstance(key, int | float):
        return (1, key, "")
    return (2, 0, str(key))


def sprint(*args: Any) -> str:
    """fmt.Sprint: a space between operands when neither side is a string."""
    p = _Printer()
    prev_string = False
    for i, arg in enumerate(args):
        is_string = isinstance(arg.value if isinstance(arg, Iface) else arg, str)
        if i > 0 and not is_string and not prev_string:
            p.buf.append(" ")
        p.print_arg(arg, "v")
        prev_string = is_string
    return "".join(p.buf)


def sprintln(*args: Any) -> str:
    """fmt.Sprintln: operands always separated by spaces, newline appended."""
    p = _Printer()
    for i, arg in enumerate(args):
        if i > 0:
            p.buf.append(" ")
        p.print_arg(arg, "v")
    p.buf.append("\n")
    return "".join(p.buf)


def sprintf(format: str, *args: Any) -> str:
    """fmt.Sprintf."""
    p = _Printer()
    end = len(format)
    arg_num = 0
    i = 0
    while i < end:
        lasti = i
        while i < end and format[i] != "%":
            i += 1
        if i > lasti:
            p.buf.append(format[lasti:i])
        if i >= end:
            break
        i += 1  # skip %
        f = p.f = _Flags()
        while i < end and format[i] in "#0+- ":
            c = format[i]
            if c == "#":
                f.sharp = True
            elif c == "0":
                f.zero = not f.minus
            elif c == "+":
                f.plus = True
            elif c == "-":
                f.minus, f.zero = True, False
            else:
                f.space = True
            i += 1
        # width
        if i < end and format[i] == "*":
            i += 1
            width, arg_num = _int_from_arg(args, arg_num)
            if width is None:
                p.buf.append("%!(BADWIDTH)")
            elif width < 0:
                f.minus, f.zero, f.wid = True, False, -width
            else:
                f.wid = width
        else:
            f.wid, i = _parse_num(format, i)
        # precision
        if i < end and format[i] == ".":
            i += 1
            if i < end and format[i] == "*":
                i += 1
                prec, arg_num = _int_from_arg(args, arg_num)
                if prec is None:
                    p.buf.append("%!(BADPREC)")
                f.prec = prec if prec is not None and prec >= 0 else None
            else:
                prec, i = _parse_num(format, i)
                f.prec = prec if prec is not None else 0
        if i >= end:
            p.buf.append("%!(NOVERB)")
            break
        verb = format[i]
        i += 1
        if verb == "%":
            p.buf.append("%")
            continue
        if arg_num >= len(args):
            p.buf.append("%!" + verb + "(MISSING)")
            continue
        if verb == "v":
            f.sharp_v, f.sharp = f.sharp, False
            f.plus_v, f.plus = f.plus, False
        p.print_arg(args[arg_num], verb)
        arg_num += 1
    if arg_num < len(args):
        p.f = _Flags()
        p.buf.append("%!(EXTRA ")
        for j, arg in enumerate(args[arg_num:]):
            if j:
                p.buf.append(", ")
            if arg is None or (isinstance(arg, Iface) and arg.value is None):
                p.buf.append("<nil>")
            else:
                p.buf.append(go_type(arg.value if isinstance(arg, Iface) else arg) + "=")
                p.print_arg(arg, "v")
        p.buf.append(")")
    return "".join(p.buf)


def _parse_num(format: str, i: int) -> tuple[int | None, int]:
    start = i
    while i < len(format) and format[i].isdigit() and format[i].isascii():
        i += 1
    if i == start:
        return None, i
    return int(format[start:i]), i


def _int_from_arg(args: tuple, arg_num: int) -> tuple[int | None, int]:
    if arg_num >= len(args):
        return None, arg_num
    value = args[arg_num]
    value = value.value if isinstance(value, Iface) else value
    if isinstance(value, int) and not isinstance(value, bool):
        return value, arg_num + 1
    return None, arg_num + 1
