"""pipeline.oracle.gotemplate.gofmt / gojson / gostrconv: Go's fmt, encoding/json and strconv.

Expected values: golang/go src/fmt/fmt_test.go (`fmtTests`), the error forms documented in
src/fmt/doc.go, strconv's Quote behaviour, and encoding/json's documented output rules.
"""

from __future__ import annotations

import pytest

from pipeline.oracle.gotemplate import GoStruct, Iface, marshal, quote, sprint, sprintf, sprintln
from pipeline.oracle.gotemplate.gofmt import format_float
from pipeline.oracle.gotemplate.gojson import marshal_indent
from pipeline.oracle.gotemplate.values import GoNil, Uint8

# (format, argument, expected) from fmt_test.go fmtTests.
FMT_TESTS = [
    ("%d", 12345, "12345"),
    ("%v", 12345, "12345"),
    ("%t", True, "true"),
    ("%s", "abc", "abc"),
    ("%q", "abc", '"abc"'),
    ("%x", "abc", "616263"),
    ("%x", "xyz", "78797a"),
    ("%X", "xyz", "78797A"),
    ("% x", "xyz", "78 79 7a"),
    ("%#x", "xyz", "0x78797a"),
    ("%# x", "xyz", "0x78 0x79 0x7a"),
    ("%q", "", '""'),
    ("%#q", "", "``"),
    ("%q", '"', '"\\""'),
    ("%#q", '"', '`"`'),
    ("%q", "`", '"`"'),
    ("%q", "\n", '"\\n"'),
    ("%#q", "\\n", "`\\n`"),
    ("%q", "日本語", '"日本語"'),
    ("%+q", "日本語", '"\\u65e5\\u672c\\u8a9e"'),
    ("%#q", "日本語", "`日本語`"),
    ("%q", '\a\b\f\n\r\t\v"\\', '"\\a\\b\\f\\n\\r\\t\\v\\"\\\\"'),
    ("%q", "☺", '"☺"'),
    ("% q", "☺", '"☺"'),
    ("%+q", "☺", '"\\u263a"'),
    ("%10q", "⌘", '       "⌘"'),
    ("%+10q", "⌘", '  "\\u2318"'),
    ("%-10q", "⌘", '"⌘"       '),
    ("%010q", "⌘", '0000000"⌘"'),
    ("%-010q", "⌘", '"⌘"       '),
    ("%#8q", "\n", '    "\\n"'),
    ("%q", "\U0010ffff", '"\\U0010ffff"'),
    ("%c", ord("x"), "x"),
    ("%c", 0xE4, "ä"),
    ("%c", 0x672C, "本"),
    ("%.0c", ord("⌘"), "⌘"),
    ("%3c", ord("⌘"), "  ⌘"),
    ("%-3c", ord("⌘"), "⌘  "),
    ("%c", -1, "\ufffd"),
    ("%q", ord("x"), "'x'"),
    ("%q", ord("'"), "'\\''"),
    ("%+q", ord("ÿ"), "'\\u00ff'"),
    ("%q", ord("\n"), "'\\n'"),
    ("%10q", ord("⌘"), "       '⌘'"),
    ("%q", 0xE00, "'\\u0e00'"),
    ("%5s", "abc", "  abc"),
    ("%2s", "\u263a", " ☺"),
    ("%-5s", "abc", "abc  "),
    ("%05s", "abc", "00abc"),
    ("%5s", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),
    ("%.5s", "abcdefghijklmnopqrstuvwxyz", "abcde"),
    ("%.0s", "日本語日本語", ""),
    ("%.5s", "日本語日本語", "日本語日本"),
    ("%08q", "abc", '000"abc"'),
    ("%-8q", "abc", '"abc"   '),
    ("%.5q", "abcdefghijklmnopqrstuvwxyz", '"abcde"'),
    ("%.5x", "abcdefghijklmnopqrstuvwxyz", "6162636465"),
    ("%.3q", "日本語日本語", '"日本語"'),
    ("%.1x", "日本語", "e6"),
    ("%10.1q", "日本語日本語", '       "日"'),
    ("%10v", None, "     <nil>"),
    ("%-10v", None, "<nil>     "),
    ("%d", -12345, "-12345"),
    ("%.d", 0, ""),
    ("%.0d", 0, ""),
    ("%6.0d", 0, "      "),
    ("%06.0d", 0, "      "),
    ("% d", 12345, " 12345"),
    ("%+d", 12345, "+12345"),
    ("%+d", -12345, "-12345"),
    ("%b", 7, "111"),
    ("%b", -6, "-110"),
    ("%#b", 7, "0b111"),
    ("%#b", -6, "-0b110"),
    ("%o", 0o1234, "1234"),
    ("%#o", 0o1234, "01234"),
    ("%O", 0o1234, "0o1234"),
    ("%O", -0o1234, "-0o1234"),
    ("%#X", 0, "0X0"),
    ("%x", 0x12ABCDEF, "12abcdef"),
    ("%X", 0x12ABCDEF, "12ABCDEF"),
    ("%.20b", 7, "00000000000000000111"),
    ("%10d", 12345, "     12345"),
    ("%10d", -12345, "    -12345"),
    ("%+10d", 12345, "    +12345"),
    ("%010d", 12345, "0000012345"),
    ("%010d", -12345, "-000012345"),
    ("%20.8d", 1234, "            00001234"),
    ("%20.8d", -1234, "           -00001234"),
    ("%020.8d", 1234, "            00001234"),
    ("%-20.8d", 1234, "00001234            "),
    ("%-#20.8x", 0x1234ABC, "0x01234abc          "),
    ("%-#20.8X", 0x1234ABC, "0X01234ABC          "),
    ("%-#20.8o", 0o1234, "00001234            "),
    ("%U", 0, "U+0000"),
    ("%U", -1, "U+FFFFFFFFFFFFFFFF"),
    ("%U", ord("\n"), "U+000A"),
    ("%#U", ord("\n"), "U+000A"),
    ("%+U", ord("x"), "U+0078"),
    ("%# U", ord("x"), "U+0078 'x'"),
    ("%#.2U", ord("x"), "U+0078 'x'"),
    ("%U", 0x263A, "U+263A"),
    ("%#U", 0x263A, "U+263A '☺'"),
    ("%#14.6U", ord("⌘"), "  U+002318 '⌘'"),
    ("%#-14.6U", ord("⌘"), "U+002318 '⌘'  "),
    ("%+.3e", 0.0, "+0.000e+00"),
    ("%+.3e", 1.0, "+1.000e+00"),
    ("%+.3f", -1.0, "-1.000"),
    ("%+.3F", -1.0, "-1.000"),
    ("%+07.2f", 1.0, "+001.00"),
    ("%+07.2f", -1.0, "-001.00"),
    ("%-07.2f", 1.0, "1.00   "),
    ("%-07.2f", -1.0, "-1.00  "),
    ("%+-07.2f", 1.0, "+1.00  "),
    ("%+10.2f", 1.0, "     +1.00"),
    ("% .3E", -1.0, "-1.000E+00"),
    ("% .3e", 1.0, " 1.000e+00"),
    ("%+.3g", 0.0, "+0"),
    ("%+.3g", 1.0, "+1"),
    ("%+.3g", -1.0, "-1"),
    ("% .3g", -1.0, "-1"),
    ("% .3g", 1.0, " 1"),
    ("%#g", -1.0, "-1.00000"),
    ("%#g", 1.1, "1.10000"),
    ("%#g", 123456.0, "123456."),
    ("%#g", 1234567.0, "1.234567e+06"),
    ("%#g", 1230000.0, "1.23000e+06"),
    ("%#g", 1000000.0, "1.00000e+06"),
    ("%#.0f", 1.0, "1."),
    ("%#.0e", 1.0, "1.e+00"),
    ("%#.0g", 1.0, "1."),
    ("%#.0g", 1100000.0, "1.e+06"),
    ("%#.4f", 1.0, "1.0000"),
    ("%#.4e", 1.0, "1.0000e+00"),
    ("%#.4g", 1.0, "1.000"),
    ("%#.4g", 100000.0, "1.000e+05"),
    ("%#.4g", 1.234, "1.234"),
    ("%#.4g", 0.1234, "0.1234"),
    ("%#.4g", 1.23, "1.230"),
    ("%#.4g", 0.123, "0.1230"),
    ("%#.4g", 10.2, "10.20"),
    ("%#.4g", 0.0, "0.000"),
    ("%#.4g", 0.012, "0.01200"),
    ("%#.0f", 123.0, "123."),
    ("%#.0e", 123.0, "1.e+02"),
    ("%#.0g", 123.0, "1.e+02"),
    ("%#.4g", 123000.0, "1.230e+05"),
    ("%#9.4g", 1.0, "    1.000"),
    ("%f", float("inf"), "+Inf"),
    ("%.1f", float("-inf"), "-Inf"),
    ("% f", float("nan"), " NaN"),
    ("%20f", float("inf"), "                +Inf"),
    ("% 20F", float("inf"), "                 Inf"),
    ("%20e", float("nan"), "                 NaN"),
    ("% +20E", float("nan"), "                +NaN"),
    ("% -20g", float("nan"), " NaN                "),
    ("%+020e", float("inf"), "                +Inf"),
    ("%-020f", float("-inf"), "-Inf                "),
    ("%.f", 0j, "(0+0i)"),
    ("% .f", 0j, "( 0+0i)"),
    ("%+.f", 0j, "(+0+0i)"),
    ("%+.3e", 1 + 2j, "(+1.000e+00+2.000e+00i)"),
    ("%+.3f", 1 + 2j, "(+1.000+2.000i)"),
    ("%.3g", -1 - 2j, "(-1-2i)"),
    ("%#g", 1 + 2j, "(1.00000+2.00000i)"),
    ("%e", 1.0, "1.000000e+00"),
    ("%e", 1234.5678e3, "1.234568e+06"),
    ("%e", 1234.5678e-8, "1.234568e-05"),
    ("%e", -7.0, "-7.000000e+00"),
    ("%e", -1e-9, "-1.000000e-09"),
    ("%f", 1234.5678e3, "1234567.800000"),
    ("%f", 1234.5678e-8, "0.000012"),
    ("%f", -7.0, "-7.000000"),
    ("%f", -1e-9, "-0.000000"),
    ("%g", 1234.5678e3, "1.2345678e+06"),
    ("%g", 1234.5678e-8, "1.2345678e-05"),
    ("%g", -7.0, "-7"),
    ("%g", -1e-9, "-1e-09"),
    ("%E", 1234.5678e-8, "1.234568E-05"),
    ("%G", 1234.5678e3, "1.2345678E+06"),
]


@pytest.mark.parametrize(("fmt", "arg", "expected"), FMT_TESTS)
def test_fmt_tests(fmt: str, arg: object, expected: str) -> None:
    assert sprintf(fmt, arg) == expected


@pytest.mark.parametrize(
    ("fmt", "args", "expected"),
    [
        # src/fmt/doc.go "Format errors".
        ("%d", ("hi",), "%!d(string=hi)"),
        ("hi", ("guys",), "hi%!(EXTRA string=guys)"),
        ("hi%d", (), "hi%!d(MISSING)"),
        ("%*s", (4.5, "hi"), "%!(BADWIDTH)hi"),
        ("%.*s", (4.5, "hi"), "%!(BADPREC)hi"),
        ("%", (), "%!(NOVERB)"),
        ("%z", (1,), "%!z(int=1)"),
        ("%d", (None,), "%!d(<nil>)"),
        ("%d %d", (1,), "1 %!d(MISSING)"),
        ("%d", (1, "x", 2), "1%!(EXTRA string=x, int=2)"),
        ("%s", (5,), "%!s(int=5)"),
        ("%5d", ("hi",), "%!d(string=   hi)"),  # the value is printed with the flags still set
        # Width and precision from arguments.
        ("%*d", (5, 42), "   42"),
        ("%-*d|", (5, 42), "42   |"),
        ("%.*f", (2, 3.14159), "3.14"),
        ("%%", (), "%"),
    ],
)
def test_fmt_errors_and_star(fmt: str, args: tuple, expected: str) -> None:
    assert sprintf(fmt, *args) == expected


def test_v_of_containers() -> None:
    # fmt %v: maps sorted by key as map[k:v], slices as [a b], nil elements as <nil>.
    assert sprint({"b": 2, "a": [1, "x"], "c": None}) == "map[a:[1 x] b:2 c:<nil>]"
    assert sprint([]) == "[]"
    assert sprint({}) == "map[]"
    assert sprint([None, True, 1.5]) == "[<nil> true 1.5]"
    assert sprintf("%q", ["a", "b"]) == '["a" "b"]'
    assert sprintf("%d", ["a"]) == "[%!d(string=a)]"
    assert sprintf("%5v", [1, 2]) == "[    1     2]"
    assert sprintf("%v", GoNil("[]string")) == "[]"
    assert sprintf("%v", GoNil("map[string]string")) == "map[]"


def test_v_of_structs() -> None:
    # fmt: structs print their field values in order; %+v adds names; pointers get &.
    point = GoStruct("main.T", {"A": 1, "B": "x"})
    assert sprint(point) == "{1 x}"
    assert sprintf("%+v", point) == "{A:1 B:x}"
    assert sprintf("%#v", point) == 'main.T{A:1, B:"x"}'
    assert sprint(GoStruct("*main.T", {"A": 1})) == "&{1}"


def test_v_of_floats_is_shortest_g() -> None:
    # %v of a float64 is %g with the shortest precision (exponent from 1e+06 and below 1e-04).
    assert sprint(1e6) == "1e+06"
    assert sprint(123456.0) == "123456"
    assert sprint(1234567.0) == "1.234567e+06"
    assert sprint(0.0001) == "0.0001"
    assert sprint(0.00001) == "1e-05"
    assert sprint(15.1) == "15.1"
    assert sprint(-0.0) == "-0"
    assert sprint(1.0) == "1"
    assert format_float(1e21, "f") == "1000000000000000000000"
    assert format_float(5e-324, "e") == "5e-324"


def test_sprint_spacing() -> None:
    # fmt.Sprint adds spaces between operands when neither is a string; Sprintln always.
    assert sprint(1, 2, "a", 3, "b", "c") == "1 2a3b" + "c"
    assert sprint("a", 1, 2) == "a1 2"
    assert sprintln(1, "a", 2) == "1 a 2\n"
    assert sprint(Iface(None)) == "<nil>"
    assert sprint(Uint8(97)) == "97"
    assert sprintf("%T %T %T %T", 1, "s", [1], {"a": 1}) == (
        "int string []interface {} map[string]interface {}"
    )


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        # strconv.Quote: printable runes kept, \a \b \f \n \r \t \v, \xNN below 0x20 and DEL,
        # \uNNNN and \UNNNNNNNN for other unprintable runes (lower-case hex).
        ("/bin/sh", '"/bin/sh"'),
        ('echo "hi"', '"echo \\"hi\\""'),
        ("a\tb\n", '"a\\tb\\n"'),
        ("\x00\x1f\x7f", '"\\x00\\x1f\\x7f"'),
        ("\u00a0\u2028", '"\\u00a0\\u2028"'),
        ("日本", '"日本"'),
        ("\U000e0001", '"\\U000e0001"'),
    ],
)
def test_quote(text: str, quoted: str) -> None:
    assert quote(text) == quoted


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # encoding/json: compact, sorted map keys, no HTML escaping (SetEscapeHTML(false)),
        # U+2028/U+2029 escaped, control characters as \u00XX, floats without exponent below 1e21.
        ({"b": 1, "a": [True, None]}, '{"a":[true,null],"b":1}'),
        ("<a&b>", '"<a&b>"'),
        ("line\nbreak\t\u2028", '"line\\nbreak\\t\\u2028"'),
        ("\x01", '"\\u0001"'),
        (1.0, "1"),
        (0.5, "0.5"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        ([], "[]"),
        ({}, "{}"),
        (GoNil("[]string"), "null"),
        (GoStruct("T", {"Z": 1, "A": 2}), '{"Z":1,"A":2}'),
    ],
)
def test_json_marshal(value: object, text: str) -> None:
    assert marshal(value) == text


def test_json_marshal_indent() -> None:
    # json.MarshalIndent(v, "", "    "), as `docker inspect` prints without --format.
    assert marshal_indent([{"b": [], "a": {"x": 1}}], "    ") == (
        '[\n    {\n        "a": {\n            "x": 1\n        },\n        "b": []\n    }\n]'
    )
