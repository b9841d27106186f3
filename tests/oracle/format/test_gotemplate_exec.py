"""pipeline.oracle.gotemplate execution against Go's own text/template tests.

Cases are golang/go src/text/template/exec_test.go (`execTests`, `cmpTests`, TestExecError,
TestMissingMapKey, TestTree, TestDelims, TestInterfaceValues, TestExecutePanicDuringCall,
TestFunctionCheckDuringCall, TestJSEscaping), keeping those whose data this port can represent
(no methods, channels or Go function values). `tVal` is rebuilt as a GoStruct with the same field
values; an expected output of None means the case must fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.oracle.gotemplate import (
    ExecError,
    GoFunc,
    GoFuncError,
    GoStruct,
    Iface,
    ParseError,
    Template,
    sprintf,
    sprintln,
)
from pipeline.oracle.gotemplate.funcs import ANY, _js
from pipeline.oracle.gotemplate.values import GoNil, Uint8

U = GoStruct("*template.U", {"V": "v"})

# exec_test.go tVal, as far as JSON-like data can hold it.
T_VAL = GoStruct(
    "*template.T",
    {
        "True": True,
        "I": 17,
        "X": "x",
        "S": "xyz",
        "FloatZero": 0.0,
        "ComplexZero": 0j,
        "U": U,
        "SI": [3, 4, 5],
        "SIEmpty": GoNil("[]int"),
        "SB": [True, False],
        "AI": [3, 4, 5],
        "MSI": {"one": 1, "two": 2, "three": 3},
        "MSIone": {"one": 1},
        "MSIEmpty": GoNil("map[string]int"),
        "MXI": {"one": Iface(1)},
        "SMSI": [{"one": 1, "two": 2}, {"eleven": 11, "twelve": 12}],
        "Empty0": Iface(None),
        "Empty1": Iface(3),
        "Empty2": Iface("empty2"),
        "Empty3": Iface([7, 8]),
        "Empty4": Iface(GoStruct("*template.U", {"V": "UinEmpty"})),
        "PI": 23,
        "PS": "a string",
        "PSI": [21, 22, 23],
        "NIL": None,
    },
)


def _die() -> Any:
    raise GoFuncError("die")


def _dict(*args: str) -> dict:
    return dict(zip(args[::2], args[1::2], strict=True))


# exec_test.go testExecute `funcs` (those that need no Go values).
FUNCS = {
    "add": GoFunc(lambda *args: sum(args), (), "int"),
    "dddArg": GoFunc(lambda a, *b: sprintln(a, list(b)), ("int",), "string"),
    "die": GoFunc(_die, ()),
    "echo": GoFunc(lambda arg: arg, (ANY,)),
    "makemap": GoFunc(_dict, (), "string"),
    "mapOfThree": GoFunc(lambda: {"three": 3}, ()),
    "oneArg": GoFunc(lambda a: "oneArg=" + a, ("string",)),
    "returnInt": GoFunc(lambda: 7, ()),
    "twoArgs": GoFunc(lambda a, b: "twoArgs=" + a + b, ("string", "string")),
    "typeOf": GoFunc(lambda arg: sprintf("%T", arg), (ANY,)),
    "valueString": GoFunc(lambda v: "value is ignored", ("string",)),
    "zeroArgs": GoFunc(lambda: "zeroArgs", ()),
}

T = T_VAL
EXEC_TESTS = [
    ("empty", "", "", None),
    ("text", "some text", "some text", None),
    ("nil action", "{{nil}}", None, None),
    ("ideal int", "{{typeOf 3}}", "int", 0),
    ("ideal float", "{{typeOf 1.0}}", "float64", 0),
    ("ideal exp float", "{{typeOf 1e1}}", "float64", 0),
    ("ideal complex", "{{typeOf 1i}}", "complex128", 0),
    ("ideal int big", "{{typeOf 0x7fffffffffffffff}}", "int", 0),
    ("ideal too big", "{{typeOf 0x8000000000000000}}", None, 0),
    ("ideal nil without type", "{{nil}}", None, 0),
    (".X", "-{{.X}}-", "-x-", T),
    (".U.V", "-{{.U.V}}-", "-v-", T),
    ("map .one", "{{.MSI.one}}", "1", T),
    ("map .two", "{{.MSI.two}}", "2", T),
    ("map .NO", "{{.MSI.NO}}", "<no value>", T),
    ("map .one interface", "{{.MXI.one}}", "1", T),
    ("map .WRONG args", "{{.MSI.one 1}}", None, T),
    ("dot int", "<{{.}}>", "<13>", 13),
    ("dot float", "<{{.}}>", "<15.1>", 15.1),
    ("dot bool", "<{{.}}>", "<true>", True),
    ("dot complex", "<{{.}}>", "<(16.2-17i)>", 16.2 - 17j),
    ("dot string", "<{{.}}>", "<hello>", "hello"),
    ("dot slice", "<{{.}}>", "<[-1 -2 -3]>", [-1, -2, -3]),
    ("dot map", "<{{.}}>", "<map[two:22]>", {"two": 22}),
    ("dot struct", "<{{.}}>", "<{7 seven}>", GoStruct("struct", {"a": 7, "b": "seven"})),
    ("$ int", "{{$}}", "123", 123),
    ("$.I", "{{$.I}}", "17", T),
    ("$.U.V", "{{$.U.V}}", "v", T),
    ("declare in action", "{{$x := $.U.V}}{{$x}}", "v", T),
    ("simple assignment", "{{$x := 2}}{{$x = 3}}{{$x}}", "3", T),
    ("nested assignment", "{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}", "3", T),
    ("nested assignment changes the last declaration",
     "{{$x := 1}}{{if true}}{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{end}}{{$x}}", "1", T),
    ("*int", "{{.PI}}", "23", T),
    ("*string", "{{.PS}}", "a string", T),
    ("*[]int", "{{.PSI}}", "[21 22 23]", T),
    ("*[]int[1]", "{{index .PSI 1}}", "22", T),
    ("NIL", "{{.NIL}}", "<nil>", T),
    ("empty nil", "{{.Empty0}}", "<no value>", T),
    ("empty with int", "{{.Empty1}}", "3", T),
    ("empty with string", "{{.Empty2}}", "empty2", T),
    ("empty with slice", "{{.Empty3}}", "[7 8]", T),
    ("empty with struct", "{{.Empty4}}", "{UinEmpty}", T),
    ("empty with struct, field", "{{.Empty4.V}}", "UinEmpty", T),
    ("field on interface", "{{.foo}}", "<no value>", None),
    ("field on parenthesized interface", "{{(.).foo}}", "<no value>", None),
    ("unparenthesized non-function", "{{1 2}}", None, None),
    ("parenthesized non-function", "{{(1) 2}}", None, None),
    ("parenthesized non-function with no args", "{{(1)}}", "1", None),
    ("parens in pipeline", "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}",
     "1 5 15", T),
    ("parens: $ in paren", "{{($).X}}", "x", T),
    ("parens: $ in paren in pipe", "{{($ | echo).X}}", "x", T),
    ("parens: spaces and args", '{{(makemap "up" "down" "left" "right").left}}', "right", T),
    ("if true", "{{if true}}TRUE{{end}}", "TRUE", T),
    ("if false", "{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE", T),
    ("if nil", "{{if nil}}TRUE{{end}}", None, T),
    ("if 1", "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", T),
    ("if 0", "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", T),
    ("if 1.5", "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", T),
    ("if 0.0", "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", T),
    ("if 1.5i", "{{if 1.5i}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", T),
    ("if 0.0i", "{{if .ComplexZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", T),
    ("if nonNilPointer", "{{if .PI}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", T),
    ("if nilPointer", "{{if .NIL}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", T),
    ("if emptystring", "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", T),
    ("if string", "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", T),
    ("if emptyslice", "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", T),
    ("if slice", "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", T),
    ("if emptymap", "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", T),
    ("if map", "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", T),
    ("if map unset", "{{if .MXI.none}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", T),
    ("if map not unset", "{{if not .MXI.none}}ZERO{{else}}NON-ZERO{{end}}", "ZERO", T),
    ("if $x with $y int", "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}",
     "true,17", T),
    ("if $x with $x int", "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}",
     "17,true", T),
    ("if else if", "{{if false}}FALSE{{else if true}}TRUE{{end}}", "TRUE", T),
    ("if else chain", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", "3", T),
    ("print", '{{print "hello, print"}}', "hello, print", T),
    ("print 123", "{{print 1 2 3}}", "1 2 3", T),
    ("print nil", "{{print nil}}", "<nil>", T),
    ("println", "{{println 1 2 3}}", "1 2 3\n", T),
    ("printf int", '{{printf "%04x" 127}}', "007f", T),
    ("printf float", '{{printf "%g" 3.5}}', "3.5", T),
    ("printf complex", '{{printf "%g" 1+7i}}', "(1+7i)", T),
    ("printf string", '{{printf "%s" "hello"}}', "hello", T),
    ("printf function", '{{printf "%#q" zeroArgs}}', "`zeroArgs`", T),
    ("printf field", '{{printf "%s" .U.V}}', "v", T),
    ("printf dot", '{{with .I}}{{printf "%d" .}}{{end}}', "17", T),
    ("printf var", '{{with $x := .I}}{{printf "%d" $x}}{{end}}', "17", T),
    ("printf lots", '{{printf "%d %s %g %s" 127 "hello" 7-3i .X}}', "127 hello (7-3i) x", T),
    ("html", '{{html "<script>alert(\\"XSS\\");</script>"}}',
     "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", None),
    ("html pipeline", '{{printf "<script>alert(\\"XSS\\");</script>" | html}}',
     "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", None),
    ("html typed", "{{html .PS}}", "a string", T),
    ("html typed nil", "{{html .NIL}}", "&lt;nil&gt;", T),
    ("html untyped nil", "{{html .Empty0}}", "&lt;no value&gt;", T),
    ("js", "{{js .}}", "It\\'d be nice.", "It'd be nice."),
    ("urlquery", '{{"http://www.example.org/"|urlquery}}',
     "http%3A%2F%2Fwww.example.org%2F", None),
    ("not", "{{not true}} {{not false}}", "false true", None),
    ("and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1", None),
    ("or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1", None),
    ("or short-circuit", "{{or 0 1 (die)}}", "1", None),
    ("and short-circuit", "{{and 1 0 (die)}}", "0", None),
    ("or short-circuit2", "{{or 0 0 (die)}}", None, None),
    ("and short-circuit2", "{{and 1 1 (die)}}", None, None),
    ("and pipe-true", "{{1 | and 1}}", "1", None),
    ("and pipe-false", "{{0 | and 1}}", "0", None),
    ("or pipe-true", "{{1 | or 0}}", "1", None),
    ("or pipe-false", "{{0 | or 0}}", "0", None),
    ("and undef", "{{and 1 .Unknown}}", "<no value>", None),
    ("or undef", "{{or 0 .Unknown}}", "<no value>", None),
    ("boolean if", "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", "TRUE", T),
    ("boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE", None),
    ("boolean if pipe", "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "FALSE", None),
    ("slice[0]", "{{index .SI 0}}", "3", T),
    ("slice[1]", "{{index .SI 1}}", "4", T),
    ("slice[HUGE]", "{{index .SI 10}}", None, T),
    ("slice[WRONG]", "{{index .SI `hello`}}", None, T),
    ("slice[nil]", "{{index .SI nil}}", None, T),
    ("map[one]", "{{index .MSI `one`}}", "1", T),
    ("map[two]", "{{index .MSI `two`}}", "2", T),
    ("map[NO]", "{{index .MSI `XXX`}}", "0", T),
    ("map[nil]", "{{index .MSI nil}}", None, T),
    ("map[``]", "{{index .MSI ``}}", "0", T),
    ("map[WRONG]", "{{index .MSI 10}}", None, T),
    ("double index", "{{index .SMSI 1 `eleven`}}", "11", T),
    ("nil[1]", "{{index nil 1}}", None, T),
    ("index of an interface field", "{{index .Empty3 0}}", "7", T),
    ("slice[:]", "{{slice .SI}}", "[3 4 5]", T),
    ("slice[1:]", "{{slice .SI 1}}", "[4 5]", T),
    ("slice[1:2]", "{{slice .SI 1 2}}", "[4]", T),
    ("slice[-1:]", "{{slice .SI -1}}", None, T),
    ("slice[1:-2]", "{{slice .SI 1 -2}}", None, T),
    ("slice[1:2:-1]", "{{slice .SI 1 2 -1}}", None, T),
    ("slice[2:1]", "{{slice .SI 2 1}}", None, T),
    ("slice[2:2:1]", "{{slice .SI 2 2 1}}", None, T),
    ("out of range", "{{slice .SI 4 5}}", None, T),
    ("out of range 3", "{{slice .SI 2 2 5}}", None, T),
    ("array[:]", "{{slice .AI}}", "[3 4 5]", T),
    ("array[1:]", "{{slice .AI 1}}", "[4 5]", T),
    ("array[1:2]", "{{slice .AI 1 2}}", "[4]", T),
    ("string[:]", "{{slice .S}}", "xyz", T),
    ("string[0:1]", "{{slice .S 0 1}}", "x", T),
    ("string[1:]", "{{slice .S 1}}", "yz", T),
    ("string[1:2]", "{{slice .S 1 2}}", "y", T),
    ("string out of range", "{{slice .S 1 5}}", None, T),
    ("3-index slice of string", "{{slice .S 1 2 2}}", None, T),
    ("slice of an interface field", "{{slice .Empty3 0 1}}", "[7]", T),
    ("len slice", "{{len .SI}}", "3", T),
    ("len map", "{{len .MSI }}", "3", T),
    ("len of int", "{{len 3}}", None, T),
    ("len of nothing", "{{len .Empty0}}", None, T),
    ("len of an interface field", "{{len .Empty3}}", "2", T),
    ("with true", "{{with true}}{{.}}{{end}}", "true", T),
    ("with false", "{{with false}}{{.}}{{else}}FALSE{{end}}", "FALSE", T),
    ("with 1", "{{with 1}}{{.}}{{else}}ZERO{{end}}", "1", T),
    ("with 0", "{{with 0}}{{.}}{{else}}ZERO{{end}}", "ZERO", T),
    ("with 1.5", "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", "1.5", T),
    ("with 0.0", "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", T),
    ("with 1.5i", "{{with 1.5i}}{{.}}{{else}}ZERO{{end}}", "(0+1.5i)", T),
    ("with 0.0i", "{{with .ComplexZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", T),
    ("with emptystring", "{{with ``}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", T),
    ("with string", "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", "notempty", T),
    ("with emptyslice", "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", T),
    ("with slice", "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", "[3 4 5]", T),
    ("with emptymap", "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", T),
    ("with map", "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", "map[one:1]", T),
    ("with empty interface, struct field", "{{with .Empty4}}{{.V}}{{end}}", "UinEmpty", T),
    ("with $x int", "{{with $x := .I}}{{$x}}{{end}}", "17", T),
    ("with $x struct.U.V", "{{with $x := $}}{{$x.U.V}}{{end}}", "v", T),
    ("with variable and action", "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}", "v", T),
    ("with else with", "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}", "true", T),
    ("with else with chain",
     "{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}",
     "notempty", T),
    ("range []int", "{{range .SI}}-{{.}}-{{end}}", "-3--4--5-", T),
    ("range empty no else", "{{range .SIEmpty}}-{{.}}-{{end}}", "", T),
    ("range []int else", "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", "-3--4--5-", T),
    ("range empty else", "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", T),
    ("range []int break else", "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}",
     "-3-", T),
    ("range []int continue else",
     "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}", "-3--4--5-", T),
    ("range []bool", "{{range .SB}}-{{.}}-{{end}}", "-true--false-", T),
    ("range map", "{{range .MSI}}-{{.}}-{{end}}", "-1--3--2-", T),
    ("range empty map no else", "{{range .MSIEmpty}}-{{.}}-{{end}}", "", T),
    ("range map else", "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", "-1--3--2-", T),
    ("range empty map else", "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", T),
    ("range empty interface", "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}", "-7--8-", T),
    ("range empty nil", "{{range .Empty0}}-{{.}}-{{end}}", "", T),
    ("range $x SI", "{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>", T),
    ("range $x $y SI", "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>", T),
    ("range $x MSIone", "{{range $x := .MSIone}}<{{$x}}>{{end}}", "<1>", T),
    ("range $x $y MSIone", "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}", "<one=1>", T),
    ("range $x PSI", "{{range $x := .PSI}}<{{$x}}>{{end}}", "<21><22><23>", T),
    ("declare in range", "{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}", "<21><22><23>", T),
    ("range 5", '{{range $v := 5}}{{printf "%T%d" $v $v}}{{end}}',
     "int0int1int2int3int4", None),
    ("or as if true", '{{or .SI "slice is empty"}}', "[3 4 5]", T),
    ("or as if false", '{{or .SIEmpty "slice is empty"}}', "slice is empty", T),
    ("decimal", "{{print 1234}}", "1234", T),
    ("decimal _", "{{print 12_34}}", "1234", T),
    ("binary", "{{print 0b101}}", "5", T),
    ("binary _", "{{print 0b_1_0_1}}", "5", T),
    ("BINARY", "{{print 0B101}}", "5", T),
    ("octal0", "{{print 0377}}", "255", T),
    ("octal", "{{print 0o377}}", "255", T),
    ("octal _", "{{print 0o_3_7_7}}", "255", T),
    ("OCTAL", "{{print 0O377}}", "255", T),
    ("hex", "{{print 0x123}}", "291", T),
    ("hex _", "{{print 0x1_23}}", "291", T),
    ("HEX", "{{print 0X123ABC}}", "1194684", T),
    ("float", "{{print 123.4}}", "123.4", T),
    ("float _", "{{print 0_0_1_2_3.4}}", "123.4", T),
    ("hex float", "{{print +0x1.ep+2}}", "7.5", T),
    ("hex float _", "{{print +0x_1.e_0p+0_2}}", "7.5", T),
    ("HEX float", "{{print +0X1.EP+2}}", "7.5", T),
    ("print multi", "{{print 1_2_3_4 7.5_00_00_00}}", "1234 7.5", T),
    ("print multi2", "{{print 1234 0x0_1.e_0p+02}}", "1234 7.5", T),
    ("bug4", "{{if .Empty0}}non-nil{{else}}nil{{end}}", "nil", T),
    ("bug7a", "{{3 2}}", None, T),
    ("bug7b", "{{$x := 1}}{{$x 2}}", None, T),
    ("bug7c", "{{$x := 1}}{{3 | $x}}", None, T),
    ("bug8a", "{{3|oneArg}}", None, T),
    ("bug8b", "{{4|dddArg 3}}", None, T),
    ("bug9", "{{.cause}}", "neglect", {"cause": "neglect"}),
    ("bug10", "{{mapOfThree.three}}-{{(mapOfThree).three}}", "3-3", 0),
    ("bug12xe", "{{printf `%T` 0xef}}", "int", T),
    ("bug12xE", "{{printf `%T` 0xEE}}", "int", T),
    ("bug12Xe", "{{printf `%T` 0Xef}}", "int", T),
    ("bug12XE", "{{printf `%T` 0XEE}}", "int", T),
    ("bug14a", "{{(nil).True}}", None, T),
    ("bug14b", "{{$x := nil}}{{$x.anything}}", None, T),
    ("bug14c", '{{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}}{{$y.true}}', None, T),
    ("bug15", "{{valueString returnInt}}", None, T),
    ("bug16a", "{{true|printf}}", None, T),
    ("bug16b", "{{1|printf}}", None, T),
    ("bug16c", "{{1.1|printf}}", None, T),
    ("bug16d", "{{'x'|printf}}", None, T),
    ("bug16e", "{{0i|printf}}", None, T),
    ("bug16f", '{{true|twoArgs "xxx"}}', None, T),
    ("bug16g", '{{"aaa" |twoArgs "bbb"}}', "twoArgs=bbbaaa", T),
    ("bug16h", "{{1|oneArg}}", None, T),
    ("bug16i", '{{"aaa"|oneArg}}', "oneArg=aaa", T),
    ("bug16j", '{{1+2i|printf "%v"}}', "(1+2i)", T),
    ("bug16k", '{{"aaa"|printf }}', "aaa", T),
    ("bug18a", "{{eq . '.'}}", "true", ord(".")),
    ("bug18b", "{{eq . 'e'}}", "true", ord("e")),
    ("bug18c", "{{eq . 'P'}}", "true", ord("P")),
    ("issue56490", "{{$i := 0}}{{$x := 0}}{{range $i = .AI}}{{end}}{{$i}}", "5", T),
    ("issue60801", "{{$k := 0}}{{$v := 0}}{{range $k, $v = .AI}}{{$k}}={{$v}} {{end}}",
     "0=3 1=4 2=5 ", T),
]  # fmt: skip


@pytest.mark.parametrize("case", EXEC_TESTS, ids=lambda c: c[0])
def test_exec(case: tuple) -> None:
    name, text, expected, data = case
    tmpl = Template(name).funcs(FUNCS).parse(text)
    if expected is None:
        with pytest.raises(ExecError):
            tmpl.execute(data)
        return
    assert tmpl.execute(data) == expected


CMP = GoStruct(
    "*struct",
    {
        "Uthree": Uint8(3),
        "Ufour": Uint8(4),
        "NegOne": -1,
        "Three": 3,
        "NonNilMap": {},
        "Map": GoNil("map[int]int"),
        "NilIface": Iface(None),
    },
)

CMP_TESTS = [
    ("eq true true", "true"), ("eq true false", "false"), ("eq 1+2i 1+2i", "true"),
    ("eq 1+2i 1+3i", "false"), ("eq 1.5 1.5", "true"), ("eq 1.5 2.5", "false"),
    ("eq 1 1", "true"), ("eq 1 2", "false"), ("eq `xy` `xy`", "true"),
    ("eq `xy` `xyz`", "false"), ("eq .Uthree .Uthree", "true"), ("eq .Uthree .Ufour", "false"),
    ("eq 3 4 5 6 3", "true"), ("eq 3 4 5 6 7", "false"), ("ne true true", "false"),
    ("ne true false", "true"), ("ne 1+2i 1+2i", "false"), ("ne 1+2i 1+3i", "true"),
    ("ne 1.5 1.5", "false"), ("ne 1.5 2.5", "true"), ("ne 1 1", "false"), ("ne 1 2", "true"),
    ("ne `xy` `xy`", "false"), ("ne `xy` `xyz`", "true"), ("ne .Uthree .Uthree", "false"),
    ("ne .Uthree .Ufour", "true"), ("lt 1.5 1.5", "false"), ("lt 1.5 2.5", "true"),
    ("lt 1 1", "false"), ("lt 1 2", "true"), ("lt `xy` `xy`", "false"),
    ("lt `xy` `xyz`", "true"), ("lt .Uthree .Uthree", "false"), ("lt .Uthree .Ufour", "true"),
    ("le 1.5 1.5", "true"), ("le 1.5 2.5", "true"), ("le 2.5 1.5", "false"), ("le 1 1", "true"),
    ("le 1 2", "true"), ("le 2 1", "false"), ("le `xy` `xy`", "true"), ("le `xy` `xyz`", "true"),
    ("le `xyz` `xy`", "false"), ("le .Uthree .Uthree", "true"), ("le .Uthree .Ufour", "true"),
    ("le .Ufour .Uthree", "false"), ("gt 1.5 1.5", "false"), ("gt 1.5 2.5", "false"),
    ("gt 1 1", "false"), ("gt 2 1", "true"), ("gt 1 2", "false"), ("gt `xy` `xy`", "false"),
    ("gt `xy` `xyz`", "false"), ("gt .Uthree .Uthree", "false"), ("gt .Uthree .Ufour", "false"),
    ("gt .Ufour .Uthree", "true"), ("ge 1.5 1.5", "true"), ("ge 1.5 2.5", "false"),
    ("ge 2.5 1.5", "true"), ("ge 1 1", "true"), ("ge 1 2", "false"), ("ge 2 1", "true"),
    ("ge `xy` `xy`", "true"), ("ge `xy` `xyz`", "false"), ("ge `xyz` `xy`", "true"),
    ("ge .Uthree .Uthree", "true"), ("ge .Uthree .Ufour", "false"), ("ge .Ufour .Uthree", "true"),
    ("eq .Uthree .Three", "true"), ("eq .Three .Uthree", "true"), ("le .Uthree .Three", "true"),
    ("le .Three .Uthree", "true"), ("ge .Uthree .Three", "true"), ("ge .Three .Uthree", "true"),
    ("lt .Uthree .Three", "false"), ("lt .Three .Uthree", "false"), ("gt .Uthree .Three", "false"),
    ("gt .Three .Uthree", "false"), ("eq .Ufour .Three", "false"), ("lt .Ufour .Three", "false"),
    ("gt .Ufour .Three", "true"), ("eq .NegOne .Uthree", "false"), ("eq .Uthree .NegOne", "false"),
    ("ne .NegOne .Uthree", "true"), ("ne .Uthree .NegOne", "true"), ("lt .NegOne .Uthree", "true"),
    ("lt .Uthree .NegOne", "false"), ("le .NegOne .Uthree", "true"),
    ("le .Uthree .NegOne", "false"), ("gt .NegOne .Uthree", "false"),
    ("gt .Uthree .NegOne", "true"), ("ge .NegOne .Uthree", "false"),
    ("ge .Uthree .NegOne", "true"), ("eq (index `x` 0) 'x'", "true"),
    ("eq (index `x` 0) 'y'", "false"), ("eq .NilIface .NilIface", "true"),
    ("eq .NilIface 0", "false"), ("eq 0 .NilIface", "false"), ("eq .Map .Map", "true"),
    ("eq .Map nil", "true"), ("eq nil .Map", "true"), ("eq .Map .NonNilMap", "false"),
    ("eq `xy` 1", None), ("eq 2 2.0", None), ("lt true true", None), ("lt 1+0i 1+0i", None),
    ("eq .NonNilMap .NonNilMap", None),
]  # fmt: skip


@pytest.mark.parametrize("case", CMP_TESTS, ids=lambda c: c[0])
def test_comparison(case: tuple) -> None:
    expr, truth = case
    tmpl = Template("empty").parse(f"{{{{if {expr}}}}}true{{{{else}}}}false{{{{end}}}}")
    if truth is None:
        with pytest.raises(ExecError):
            tmpl.execute(CMP)
        return
    assert tmpl.execute(CMP) == truth


INTERFACE_DATA = {"Slice": [0, 1, 2, 3], "One": 1, "Two": 2, "Nil": None, "Zero": 0}


@pytest.mark.parametrize(
    ("text", "out"),
    [
        # exec_test.go TestInterfaceValues.
        ("{{index .Nil 1}}", "ERROR: index of untyped nil"),
        ("{{index .Slice 2}}", "2"),
        ("{{index .Slice .Two}}", "2"),
        ("{{call .Nil 1}}", "ERROR: call of nil"),
        ("{{and (index .Slice 0) true}}", "0"),
        ("{{and .Zero true}}", "0"),
        ("{{and (index .Slice 1) false}}", "false"),
        ("{{and .One false}}", "false"),
        ("{{or (index .Slice 0) false}}", "false"),
        ("{{or .Zero false}}", "false"),
        ("{{or (index .Slice 1) true}}", "1"),
        ("{{or .One true}}", "1"),
        ("{{not (index .Slice 0)}}", "true"),
        ("{{not .Zero}}", "true"),
        ("{{not (index .Slice 1)}}", "false"),
        ("{{not .One}}", "false"),
        ("{{eq (index .Slice 0) .Zero}}", "true"),
        ("{{eq (index .Slice 1) .One}}", "true"),
        ("{{ne (index .Slice 0) .Zero}}", "false"),
        ("{{ne (index .Slice 1) .One}}", "false"),
        ("{{ge (index .Slice 0) .One}}", "false"),
        ("{{ge (index .Slice 1) .Zero}}", "true"),
        ("{{gt (index .Slice 0) .One}}", "false"),
        ("{{gt (index .Slice 1) .Zero}}", "true"),
        ("{{le (index .Slice 0) .One}}", "true"),
        ("{{le (index .Slice 1) .Zero}}", "false"),
        ("{{lt (index .Slice 0) .One}}", "true"),
        ("{{lt (index .Slice 1) .Zero}}", "false"),
    ],
)
def test_interface_values(text: str, out: str) -> None:
    tmpl = Template("tmpl").parse(text)
    if out.startswith("ERROR:"):
        with pytest.raises(ExecError) as err:
            tmpl.execute(INTERFACE_DATA)
        assert out.removeprefix("ERROR:").strip() in str(err.value)
        return
    assert tmpl.execute(INTERFACE_DATA) == out


def test_exec_error_in_nested_template() -> None:
    # exec_test.go TestExecError: location, template name and context of the innermost node.
    text = (
        'line 1\nline 2\nline 3\n{{template "one" .}}\n'
        '{{define "one"}}{{template "two" .}}{{end}}\n'
        '{{define "two"}}{{template "three" .}}{{end}}\n'
        '{{define "three"}}{{index "hi" $}}{{end}}'
    )
    with pytest.raises(ExecError) as err:
        Template("top").parse(text).execute(5)
    assert str(err.value) == (
        'template: top:7:20: executing "three" at <index "hi" $>: '
        "error calling index: index out of range: 5"
    )


def test_missing_map_key_options() -> None:
    # exec_test.go TestMissingMapKey.
    data = {"x": 99}
    assert Template("t1").parse("{{.x}} {{.y}}").execute(data) == "99 <no value>"
    assert Template("t1", "default").parse("{{.x}} {{.y}}").execute(data) == "99 <no value>"
    assert Template("t1", "zero").parse("{{.x}} {{.y}}").execute(data) == "99 0"
    with pytest.raises(ExecError, match='map has no entry for key "y"'):
        Template("t1", "error").parse("{{.x}} {{.y}}").execute(data)
    with pytest.raises(ExecError, match='nil data; no entry for key "x"'):
        Template("t1", "error").parse("{{.x}} {{.y}}").execute(None)


def test_message_for_execute_empty() -> None:
    # exec_test.go TestMessageForExecuteEmpty.
    with pytest.raises(ExecError) as err:
        Template("empty").execute(0)
    assert str(err.value) == 'template: empty: "empty" is an incomplete or empty template'


def _tree(val: int, left: Any = None, right: Any = None) -> GoStruct:
    return GoStruct("*template.Tree", {"Val": val, "Left": left, "Right": right})


def test_tree_with_delims_and_trim() -> None:
    # exec_test.go TestTree: recursive template, "(" ")" delimiters and trim markers.
    text = (
        '\n\t(- define "tree" -)\n\t[\n\t\t(- .Val -)\n\t\t(- with .Left -)\n'
        '\t\t\t(template "tree" . -)\n\t\t(- end -)\n\t\t(- with .Right -)\n'
        '\t\t\t(- template "tree" . -)\n\t\t(- end -)\n\t]\n\t(- end -)\n'
    )
    tree = _tree(
        1,
        _tree(2, _tree(3, _tree(4)), _tree(5, _tree(6))),
        _tree(7, _tree(8, _tree(9)), _tree(10, _tree(11))),
    )
    tmpl = Template("root").parse(text, "(", ")")
    assert tmpl.execute_template("tree", tree) == "[1[2[3[4]][5[6]]][7[8[9]][10[11]]]]"


@pytest.mark.parametrize(
    ("left", "right"), [("", ""), ("{{", "}}"), ("<<", ">>"), ("|", "|"), ("(日)", "(本)")]
)
def test_delims(left: str, right: str) -> None:
    # exec_test.go TestDelims.
    true_left, true_right = left or "{{", right or "}}"
    text = true_left + ".Str" + true_right + true_left + "/*comment*/" + true_right
    text += true_left + '"' + true_left + '"' + true_right
    tmpl = Template("delims").parse(text, left, right)
    assert tmpl.execute({"Str": "Hello, world"}) == "Hello, world" + true_left


def test_errors_from_functions_and_calls() -> None:
    # exec_test.go TestExecutePanicDuringCall / TestFunctionCheckDuringCall.
    def do_panic() -> str:
        raise GoFuncError("custom panic string")

    tmpl = Template("t").funcs({"doPanic": GoFunc(do_panic, ())}).parse("{{doPanic}}")
    with pytest.raises(ExecError) as err:
        tmpl.execute(None)
    assert str(err.value) == (
        'template: t:1:2: executing "t" at <doPanic>: error calling doPanic: custom panic string'
    )
    cases = {
        "{{call}}": "wrong number of args for call: want at least 1 got 0",
        "{{call .True}}": "error calling call: non-function .True of type bool",
        '{{call (len "test")}}': 'error calling call: non-function len "test" of type int',
    }
    for text, fragment in cases.items():
        with pytest.raises(ExecError) as err:
            Template("t").parse(text).execute(T_VAL)
        assert fragment in str(err.value)


def test_exec_error_is_an_exec_error() -> None:
    # exec_test.go TestExecuteGivesExecError.
    with pytest.raises(ExecError, match="field X in type int"):
        Template("X").parse("hello, {{.X.Y}}").execute(0)


def test_parse_errors_are_not_exec_errors() -> None:
    with pytest.raises(ParseError):
        Template("x").parse("{{")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        # exec_test.go TestJSEscaping.
        ("a", "a"),
        ("'foo", "\\'foo"),
        ('Go "jump" \\', 'Go \\"jump\\" \\\\'),
        ('Yukihiro says "今日は世界"', 'Yukihiro says \\"今日は世界\\"'),
        ("unprintable \ufffe", "unprintable \\uFFFE"),
        ("<html>", "\\u003Chtml\\u003E"),
        ("no = in attributes", "no \\u003D in attributes"),
        ("&#x27; does not become HTML entity", "\\u0026#x27; does not become HTML entity"),
    ],
)
def test_js_escaping(text: str, escaped: str) -> None:
    assert _js(text) == escaped
