"""pipeline.oracle.gotemplate parser and lexer against Go's own parse tests.

Cases are golang/go src/text/template/parse/parse_test.go: `parseTests` (tree printed back with
text nodes quoted, as the Go test does by setting textFormat to %q), `errorTests` (a substring of
the error) and `numberTests`.
"""

from __future__ import annotations

import pytest

from pipeline.oracle.gotemplate import ParseError, Template, nodes
from pipeline.oracle.gotemplate import parser as parser_module
from pipeline.oracle.gotemplate.gostrconv import quote
from pipeline.oracle.gotemplate.lexer import ItemType
from pipeline.oracle.gotemplate.parser import Tree, is_empty_tree

OK, ERR = True, False

PARSE_TESTS = [
    ("empty", "", OK, ""),
    ("comment", "{{/*\n\n\n*/}}", OK, ""),
    ("spaces", " \t\n", OK, '" \\t\\n"'),
    ("text", "some text", OK, '"some text"'),
    ("emptyAction", "{{}}", ERR, "{{}}"),
    ("field", "{{.X}}", OK, "{{.X}}"),
    ("simple command", "{{printf}}", OK, "{{printf}}"),
    ("$ invocation", "{{$}}", OK, "{{$}}"),
    ("variable invocation", "{{with $x := 3}}{{$x 23}}{{end}}", OK,
     "{{with $x := 3}}{{$x 23}}{{end}}"),
    ("variable with fields", "{{$.I}}", OK, "{{$.I}}"),
    ("multi-word command", "{{printf `%d` 23}}", OK, "{{printf `%d` 23}}"),
    ("pipeline", "{{.X|.Y}}", OK, "{{.X | .Y}}"),
    ("pipeline with decl", "{{$x := .X|.Y}}", OK, "{{$x := .X | .Y}}"),
    ("nested pipeline", "{{.X (.Y .Z) (.A | .B .C) (.E)}}", OK, "{{.X (.Y .Z) (.A | .B .C) (.E)}}"),
    ("field applied to parentheses", "{{(.Y .Z).Field}}", OK, "{{(.Y .Z).Field}}"),
    ("simple if", "{{if .X}}hello{{end}}", OK, '{{if .X}}"hello"{{end}}'),
    ("if with else", "{{if .X}}true{{else}}false{{end}}", OK,
     '{{if .X}}"true"{{else}}"false"{{end}}'),
    ("if with else if", "{{if .X}}true{{else if .Y}}false{{end}}", OK,
     '{{if .X}}"true"{{else}}{{if .Y}}"false"{{end}}{{end}}'),
    ("if else chain", "+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+", OK,
     '"+"{{if .X}}"X"{{else}}{{if .Y}}"Y"{{else}}{{if .Z}}"Z"{{end}}{{end}}{{end}}"+"'),
    ("simple range", "{{range .X}}hello{{end}}", OK, '{{range .X}}"hello"{{end}}'),
    ("chained field range", "{{range .X.Y.Z}}hello{{end}}", OK, '{{range .X.Y.Z}}"hello"{{end}}'),
    ("nested range", "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}", OK,
     '{{range .X}}"hello"{{range .Y}}"goodbye"{{end}}{{end}}'),
    ("range with else", "{{range .X}}true{{else}}false{{end}}", OK,
     '{{range .X}}"true"{{else}}"false"{{end}}'),
    ("range over pipeline", "{{range .X|.M}}true{{else}}false{{end}}", OK,
     '{{range .X | .M}}"true"{{else}}"false"{{end}}'),
    ("range []int", "{{range .SI}}{{.}}{{end}}", OK, "{{range .SI}}{{.}}{{end}}"),
    ("range 1 var", "{{range $x := .SI}}{{.}}{{end}}", OK, "{{range $x := .SI}}{{.}}{{end}}"),
    ("range 2 vars", "{{range $x, $y := .SI}}{{.}}{{end}}", OK,
     "{{range $x, $y := .SI}}{{.}}{{end}}"),
    ("range with break", "{{range .SI}}{{.}}{{break}}{{end}}", OK,
     "{{range .SI}}{{.}}{{break}}{{end}}"),
    ("range with continue", "{{range .SI}}{{.}}{{continue}}{{end}}", OK,
     "{{range .SI}}{{.}}{{continue}}{{end}}"),
    ("constants", "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}", OK,
     "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}"),
    ("template", "{{template `x`}}", OK, '{{template "x"}}'),
    ("template with arg", "{{template `x` .Y}}", OK, '{{template "x" .Y}}'),
    ("with", "{{with .X}}hello{{end}}", OK, '{{with .X}}"hello"{{end}}'),
    ("with with else", "{{with .X}}hello{{else}}goodbye{{end}}", OK,
     '{{with .X}}"hello"{{else}}"goodbye"{{end}}'),
    ("with with else with", "{{with .X}}hello{{else with .Y}}goodbye{{end}}", OK,
     '{{with .X}}"hello"{{else}}{{with .Y}}"goodbye"{{end}}{{end}}'),
    ("with else chain", "{{with .X}}X{{else with .Y}}Y{{else with .Z}}Z{{end}}", OK,
     '{{with .X}}"X"{{else}}{{with .Y}}"Y"{{else}}{{with .Z}}"Z"{{end}}{{end}}{{end}}'),
    ("trim left", "x \r\n\t{{- 3}}", OK, '"x"{{3}}'),
    ("trim right", "{{3 -}}\n\n\ty", OK, '{{3}}"y"'),
    ("trim left and right", "x \r\n\t{{- 3 -}}\n\n\ty", OK, '"x"{{3}}"y"'),
    ("trim with extra spaces", "x\n{{-  3   -}}\ny", OK, '"x"{{3}}"y"'),
    ("comment trim left", "x \r\n\t{{- /* hi */}}", OK, '"x"'),
    ("comment trim right", "{{/* hi */ -}}\n\n\ty", OK, '"y"'),
    ("comment trim left and right", "x \r\n\t{{- /* */ -}}\n\n\ty", OK, '"x""y"'),
    ("block definition", '{{block "foo" .}}hello{{end}}', OK, '{{template "foo" .}}'),
    ("newline in assignment", "{{ $x \n := \n 1 \n }}", OK, "{{$x := 1}}"),
    ("newline in empty action", "{{\n}}", ERR, "{{\n}}"),
    ("newline in pipeline", '{{\n"x"\n|\nprintf\n}}', OK, '{{"x" | printf}}'),
    ("newline in comment", "{{/*\nhello\n*/}}", OK, ""),
    ("newline in comment 2", "{{-\n/*\nhello\n*/\n-}}", OK, ""),
    ("spaces around continue", "{{range .SI}}{{.}}{{ continue }}{{end}}", OK,
     "{{range .SI}}{{.}}{{continue}}{{end}}"),
    ("spaces around break", "{{range .SI}}{{.}}{{ break }}{{end}}", OK,
     "{{range .SI}}{{.}}{{break}}{{end}}"),
    ("unclosed action", "hello{{range", ERR, ""),
    ("unmatched end", "{{end}}", ERR, ""),
    ("unmatched else", "{{else}}", ERR, ""),
    ("unmatched else after if", "{{if .X}}hello{{end}}{{else}}", ERR, ""),
    ("multiple else", "{{if .X}}1{{else}}2{{else}}3{{end}}", ERR, ""),
    ("missing end", "hello{{range .x}}", ERR, ""),
    ("missing end after else", "hello{{range .x}}{{else}}", ERR, ""),
    ("undefined function", "hello{{undefined}}", ERR, ""),
    ("undefined variable", "{{$x}}", ERR, ""),
    ("variable undefined after end", "{{with $x := 4}}{{end}}{{$x}}", ERR, ""),
    ("variable undefined in template", "{{template $v}}", ERR, ""),
    ("declare with field", "{{with $x.Y := 4}}{{end}}", ERR, ""),
    ("template with field ref", "{{template .X}}", ERR, ""),
    ("template with var", "{{template $v}}", ERR, ""),
    ("invalid punctuation", "{{printf 3, 4}}", ERR, ""),
    ("multidecl outside range", "{{with $v, $u := 3}}{{end}}", ERR, ""),
    ("too many decls in range", "{{range $u, $v, $w := 3}}{{end}}", ERR, ""),
    ("dot applied to parentheses", "{{printf (printf .).}}", ERR, ""),
    ("adjacent args", "{{printf 3`x`}}", ERR, ""),
    ("adjacent args with .", "{{printf `x`.}}", ERR, ""),
    ("extra end after if", "{{if .X}}a{{else if .Y}}b{{end}}{{end}}", ERR, ""),
    ("break outside range", "{{range .}}{{end}} {{break}}", ERR, ""),
    ("continue outside range", "{{range .}}{{end}} {{continue}}", ERR, ""),
    ("break in range else", "{{range .}}{{else}}{{break}}{{end}}", ERR, ""),
    ("continue in range else", "{{range .}}{{else}}{{continue}}{{end}}", ERR, ""),
    ("bug0a", "{{$x := 0}}{{$x}}", OK, "{{$x := 0}}{{$x}}"),
    ("bug0b", "{{$x += 1}}{{$x}}", ERR, ""),
    ("bug0c", "{{$x ! 2}}{{$x}}", ERR, ""),
    ("bug0d", "{{$x % 3}}{{$x}}", ERR, ""),
    ("bug0e", "{{range $x := $y := 3}}{{end}}", ERR, ""),
    ("bug1a", "{{$x:=.}}{{$x!2}}", ERR, ""),
    ("bug1b", "{{$x:=.}}{{$x+2}}", ERR, ""),
    ("bug1c", "{{$x:=.}}{{$x +2}}", OK, "{{$x := .}}{{$x +2}}"),
    ("bug2a", "{{range $x := 0}}{{$x}}{{end}}", OK, "{{range $x := 0}}{{$x}}{{end}}"),
    ("bug2b", "{{range $x = 0}}{{$x}}{{end}}", OK, "{{range $x = 0}}{{$x}}{{end}}"),
    ("dot after integer", "{{1.E}}", ERR, ""),
    ("dot after float", "{{0.1.E}}", ERR, ""),
    ("dot after boolean", "{{true.E}}", ERR, ""),
    ("dot after char", "{{'a'.any}}", ERR, ""),
    ("dot after string", '{{"hello".guys}}', ERR, ""),
    ("dot after dot", "{{..E}}", ERR, ""),
    ("dot after nil", "{{nil.E}}", ERR, ""),
    ("wrong pipeline dot", "{{12|.}}", ERR, ""),
    ("wrong pipeline number", "{{.|12|printf}}", ERR, ""),
    ("wrong pipeline string", '{{.|printf|"error"}}', ERR, ""),
    ("wrong pipeline char", "{{12|printf|'e'}}", ERR, ""),
    ("wrong pipeline boolean", "{{.|true}}", ERR, ""),
    ("wrong pipeline nil", "{{'c'|nil}}", ERR, ""),
    ("empty pipeline", '{{printf "%d" ( ) }}', ERR, ""),
    ("block definition missing pipeline", '{{block "foo"}}hello{{end}}', ERR, ""),
    ("paren nesting normal", "{{ (( 1 )) }}", OK, "{{((1))}}"),
    ("paren nesting at limit", "{{ ((( 1 ))) }}", OK, "{{(((1)))}}"),
    ("paren nesting exceeds limit", "{{ (((( 1 )))) }}", ERR,
     "template: paren nesting exceeds limit:1: max expression depth exceeded"),
    ("paren nesting in pipeline", "{{ ((( 1 ))) | printf }}", OK, "{{(((1))) | printf}}"),
    ("paren nesting with other constructs", "{{ if ((( true ))) }}YES{{ end }}", OK,
     '{{if (((true)))}}"YES"{{end}}'),
]  # fmt: skip

# parse_test.go `builtins` for these tests: printf and contains.
FUNCS = [{"printf", "contains"}]


@pytest.fixture
def quoted_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # parse_test.go sets textFormat = "%q" so text nodes print quoted.
    monkeypatch.setattr(nodes.TextNode, "__str__", lambda self: quote(self.text))
    # parse_test.go init(): maxStackDepth = 3.
    monkeypatch.setattr(parser_module, "MAX_STACK_DEPTH", 3)


@pytest.mark.usefixtures("quoted_text")
@pytest.mark.parametrize("case", PARSE_TESTS, ids=lambda c: c[0])
def test_parse(case: tuple) -> None:
    name, text, ok, result = case
    tree = Tree(name, FUNCS)
    if not ok:
        with pytest.raises(ParseError) as err:
            tree.parse(text, {})
        if result.startswith("template:"):
            assert str(err.value) == result
        return
    tree.parse(text, {})
    assert str(tree.root) == result


ERROR_TESTS = [
    ("unclosed1", "line1\n{{", "unclosed1:2: unclosed action"),
    ("unclosed2", "line1\n{{define `x`}}line2\n{{", "unclosed2:3: unclosed action"),
    ("unclosed3", 'line1\n{{"x"\n"y"\n', "unclosed3:4: unclosed action started at unclosed3:2"),
    ("unclosed4", "{{\n\n\n\n\n", "unclosed4:6: unclosed action started at unclosed4:1"),
    ("var1", "line1\n{{\nx\n}}", 'var1:3: function "x" not defined'),
    ("function", "{{foo}}", 'function "foo" not defined'),
    ("comment1", "{{/*}}", "comment1:1: unclosed comment"),
    ("comment2", "{{/*\nhello\n}}", "comment2:1: unclosed comment"),
    ("lparen", "{{.X (1 2 3}}", "unclosed left paren"),
    ("rparen", "{{.X 1 2 3 ) }}", "unexpected right paren"),
    ("rparen2", "{{(.X 1 2 3", "unclosed action"),
    ("space", "{{`x`3}}", "in operand"),
    ("idchar", "{{a#}}", "'#'"),
    ("charconst", "{{'a}}", "unterminated character constant"),
    ("stringconst", '{{"a}}', "unterminated quoted string"),
    ("rawstringconst", "{{`a}}", "unterminated raw quoted string"),
    ("number", "{{0xi}}", "number syntax"),
    ("multidefine", "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
     "multiple definition of template"),
    ("eof", "{{range .X}}", "unexpected EOF"),
    ("variable", "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", 'unexpected ":="'),
    ("multidecl", "{{$a,$b,$c := 23}}", "too many declarations"),
    ("undefvar", "{{$a}}", "undefined variable"),
    ("wrongdot", "{{true.any}}", "unexpected . after term"),
    ("wrongpipeline", "{{12|false}}", "non executable command in pipeline"),
    ("emptypipeline", "{{ ( ) }}", "missing value for parenthesized pipeline"),
    ("multilinerawstring", "{{ $v := `\n` }} {{", "multilinerawstring:2: unclosed action"),
    ("rangeundefvar", "{{range $k}}{{end}}", "undefined variable"),
    ("rangeundefvars", "{{range $k, $v}}{{end}}", "undefined variable"),
    ("rangemissingvalue1", "{{range $k,}}{{end}}", "missing value for range"),
    ("rangemissingvalue2", "{{range $k, $v := }}{{end}}", "missing value for range"),
    ("rangenotvariable1", "{{range $k, .}}{{end}}", "range can only initialize variables"),
    ("rangenotvariable2", "{{range $k, 123 := .}}{{end}}", "range can only initialize variables"),
    # exec_test.go TestUnterminatedStringError: the line of the opening quote.
    ("X", "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n",
     "X:3: unterminated raw quoted string"),
]  # fmt: skip


@pytest.mark.parametrize("case", ERROR_TESTS, ids=lambda c: c[0])
def test_errors(case: tuple) -> None:
    name, text, fragment = case
    with pytest.raises(ParseError) as err:
        Tree(name).parse(text, {})
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Whole messages as docker users see them (after "template parsing error: ").
        ("{{.Foo", "template: :1: unclosed action"),
        ("{{end}}", "template: :1: unexpected {{end}}"),
        ("{{if .X}}x", "template: :1: unexpected EOF"),
        ("{{foo .X}}", 'template: :1: function "foo" not defined'),
        ("{{.X %}}", 'template: :1: unexpected "%" in operand'),
        ("{{.X%}}", "template: :1: bad character U+0025 '%'"),
        ("{{index .X 1]}}", 'template: :1: unexpected "]" in operand'),
        ("{{range}}{{end}}", "template: :1: missing value for range"),
        ("{{.}", "template: :1: bad character U+007D '}'"),
        ("{{\x01}}", "template: :1: unrecognized character in action: U+0001"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(ParseError) as err:
        Template("").parse(text)
    assert str(err.value) == message


NUMBER_TESTS = [
    # (text, is_int, is_uint, is_float, is_complex, int64, uint64, float64, complex128)
    ("0", True, True, True, False, 0, 0, 0, 0),
    ("-0", True, True, True, False, 0, 0, 0, 0),
    ("73", True, True, True, False, 73, 73, 73, 0),
    ("7_3", True, True, True, False, 73, 73, 73, 0),
    ("0b10_010_01", True, True, True, False, 73, 73, 73, 0),
    ("0B10_010_01", True, True, True, False, 73, 73, 73, 0),
    ("073", True, True, True, False, 0o73, 0o73, 0o73, 0),
    ("0o73", True, True, True, False, 0o73, 0o73, 0o73, 0),
    ("0O73", True, True, True, False, 0o73, 0o73, 0o73, 0),
    ("0x73", True, True, True, False, 0x73, 0x73, 0x73, 0),
    ("0X73", True, True, True, False, 0x73, 0x73, 0x73, 0),
    ("0x7_3", True, True, True, False, 0x73, 0x73, 0x73, 0),
    ("-73", True, False, True, False, -73, 0, -73, 0),
    ("+73", True, False, True, False, 73, 0, 73, 0),
    ("100", True, True, True, False, 100, 100, 100, 0),
    ("1e9", True, True, True, False, 10**9, 10**9, 1e9, 0),
    ("-1e9", True, False, True, False, -(10**9), 0, -1e9, 0),
    ("-1.2", False, False, True, False, 0, 0, -1.2, 0),
    ("1e19", False, True, True, False, 0, 10**19, 1e19, 0),
    ("1e1_9", False, True, True, False, 0, 10**19, 1e19, 0),
    ("1E19", False, True, True, False, 0, 10**19, 1e19, 0),
    ("-1e19", False, False, True, False, 0, 0, -1e19, 0),
    ("0x_1p4", True, True, True, False, 16, 16, 16, 0),
    ("0X_1P4", True, True, True, False, 16, 16, 16, 0),
    ("0x_1p-4", False, False, True, False, 0, 0, 1 / 16, 0),
    ("4i", False, False, False, True, 0, 0, 0, 4j),
    ("-1.2+4.2i", False, False, False, True, 0, 0, 0, -1.2 + 4.2j),
    ("073i", False, False, False, True, 0, 0, 0, 73j),
    ("0i", True, True, True, True, 0, 0, 0, 0),
    ("-1.2+0i", False, False, True, True, 0, 0, -1.2, -1.2),
    ("-12+0i", True, False, True, True, -12, 0, -12, -12),
    ("13+0i", True, True, True, True, 13, 13, 13, 13),
    ("0123", True, True, True, False, 0o123, 0o123, 0o123, 0),
    ("-0x0", True, True, True, False, 0, 0, 0, 0),
    ("0xdeadbeef", True, True, True, False, 0xDEADBEEF, 0xDEADBEEF, 0xDEADBEEF, 0),
    ("'a'", True, True, True, False, 97, 97, 97, 0),
    ("'\\n'", True, True, True, False, 10, 10, 10, 0),
    ("'\\\\'", True, True, True, False, 92, 92, 92, 0),
    ("'\\''", True, True, True, False, 39, 39, 39, 0),
    ("'\\xFF'", True, True, True, False, 0xFF, 0xFF, 0xFF, 0),
    ("'パ'", True, True, True, False, 0x30D1, 0x30D1, 0x30D1, 0),
    ("'\\u30d1'", True, True, True, False, 0x30D1, 0x30D1, 0x30D1, 0),
    ("'\\U000030d1'", True, True, True, False, 0x30D1, 0x30D1, 0x30D1, 0),
    ("+-2", False, False, False, False, 0, 0, 0, 0),
    ("0x123.", False, False, False, False, 0, 0, 0, 0),
    ("1e.", False, False, False, False, 0, 0, 0, 0),
    ("0xi.", False, False, False, False, 0, 0, 0, 0),
    ("1+2.", False, False, False, False, 0, 0, 0, 0),
    ("'x", False, False, False, False, 0, 0, 0, 0),
    ("'xx'", False, False, False, False, 0, 0, 0, 0),
    ("'433937734937734969526500969526500'", False, False, False, False, 0, 0, 0, 0),
    ("0xef", True, True, True, False, 0xEF, 0xEF, 0xEF, 0),
]  # fmt: skip


def _number_type(text: str) -> ItemType:
    # parse_test.go TestNumberParse: a char constant, or complex when it scans as one.
    if text.startswith("'"):
        return ItemType.CHAR_CONSTANT
    core = text.lstrip("+-")
    if "i" in text and ("+" in core or "-" in core):
        return ItemType.COMPLEX
    return ItemType.NUMBER


@pytest.mark.parametrize("case", NUMBER_TESTS, ids=lambda c: c[0])
def test_numbers(case: tuple) -> None:
    text, is_int, is_uint, is_float, is_complex, i64, u64, f64, c128 = case
    tree = Tree("n")
    ok = is_int or is_uint or is_float or is_complex
    if not ok:
        with pytest.raises(ParseError):
            tree._new_number(0, text, _number_type(text))
        return
    node = tree._new_number(0, text, _number_type(text))
    assert node.is_complex == is_complex
    assert node.is_int == is_int
    assert node.is_uint == is_uint
    assert node.is_float == is_float
    if is_int:
        assert node.int64 == i64
    if is_uint:
        assert node.uint64 == u64
    if is_float:
        assert node.float64 == f64
    if is_complex:
        assert node.complex128 == c128


@pytest.mark.parametrize(
    ("text", "empty"),
    [
        # parse_test.go isEmptyTests.
        ("", True),
        ("hello", False),
        (" \t\n \t\n", True),
        ("{{/* comment */}}", True),
        ('{{define "x"}}something{{end}}', True),
        ("{{define `x`}}something{{end}}\n\n{{define `y`}}something{{end}}\n\n", True),
        ("{{define `x`}}something{{end}}\nx\n{{define `y`}}something{{end}}\ny\n", False),
        ("{{define `x`}}something{{end}}{{if 3}}foo{{end}}", False),
    ],
)
def test_is_empty(text: str, empty: bool) -> None:
    tree = Tree("root").parse(text, {})
    assert is_empty_tree(tree.root) == empty


def test_block_defines_a_template() -> None:
    # parse_test.go TestBlock.
    trees: dict[str, Tree] = {}
    tree = Tree("outer").parse('a{{block "inner" .}}bar{{.}}baz{{end}}b', trees)
    assert str(tree.root) == 'a{{template "inner" .}}b'
    assert str(trees["inner"].root) == "bar{{.}}baz"


def test_break_is_a_function_when_one_is_defined() -> None:
    # parse_test.go TestKeywordsAndFuncs.
    text = "{{range .X}}{{break 20}}{{end}}"
    Tree("", [{"break"}]).parse(text, {})
    with pytest.raises(ParseError):
        Tree("", [set()]).parse(text, {})
