"""The parser: the tree it builds, the here-documents a scenario line opens, dash's wording for
syntax errors (recorded from dash 0.5.12 with `dash -c`), and its nesting limit."""

from __future__ import annotations

import pytest

from pipeline.oracle.shell.lexer import ShellSyntaxError
from pipeline.oracle.shell.limits import LimitExceeded
from pipeline.oracle.shell.nodes import (
    AndOr,
    Arith,
    Assign,
    Case,
    Command,
    CommandSub,
    DoubleQuoted,
    For,
    FunctionDef,
    Group,
    If,
    Lit,
    Loop,
    Param,
    Pipeline,
    Quoted,
    Redirected,
    Sequence,
    Word,
)
from pipeline.oracle.shell.parser import heredoc_delimiters, parse


def words(node: Command) -> list[str | None]:
    return [w.literal() for w in node.words]


def test_simple_command_with_assignments_and_redirections() -> None:
    node = parse("A=1 B=x cmd arg >out 2>&1 <in")
    assert isinstance(node, Command)
    assert node.assigns == (Assign("A", Word((Lit("1"),))), Assign("B", Word((Lit("x"),))))
    assert words(node) == ["cmd", "arg"]
    assert [(r.fd, r.op, r.target.literal()) for r in node.redirects] == [
        (1, ">", "out"),
        (2, ">&", "1"),
        (0, "<", "in"),
    ]


def test_an_assignment_after_the_command_name_is_an_argument() -> None:
    node = parse("echo A=1")
    assert isinstance(node, Command)
    assert node.assigns == ()
    assert words(node) == ["echo", "A=1"]


def test_quoting_is_kept_in_word_parts() -> None:
    node = parse("""echo 'a b' "c $X ${Y:-d}" e\\ f""")
    assert isinstance(node, Command)
    single, double, escaped = node.words[1:]
    assert single.parts == (Quoted("a b"),)
    assert double.parts == (
        DoubleQuoted(
            (
                Lit("c "),
                Param("X"),
                Lit(" "),
                Param("Y", "-", True, Word((DoubleQuoted((Lit("d"),)),))),
            )
        ),
    )
    assert escaped.parts == (Lit("e"), Quoted(" "), Lit("f"))


def test_command_substitution_nests_and_arithmetic_is_its_own_part() -> None:
    node = parse('echo "$(echo $(echo deep))" $((1 + $n))')
    assert isinstance(node, Command)
    outer = node.words[1].parts[0]
    assert isinstance(outer, DoubleQuoted)
    sub = outer.parts[0]
    assert isinstance(sub, CommandSub)
    inner = sub.body
    assert isinstance(inner, Command)
    assert isinstance(inner.words[1].parts[0], CommandSub)
    arith = node.words[2].parts[0]
    assert arith == Arith(Word((Lit("1 + "), Param("n"))))


def test_lists_pipelines_and_and_or() -> None:
    node = parse("a | b && ! c || d; e")
    assert isinstance(node, Sequence)
    first, second = node.items
    assert isinstance(first, AndOr)
    assert isinstance(first.first, Pipeline) and len(first.first.commands) == 2
    assert [op for op, _ in first.rest] == ["&&", "||"]
    negated = first.rest[0][1]
    assert isinstance(negated, Pipeline) and negated.negated
    assert isinstance(second, Command)


def test_compound_commands() -> None:
    assert isinstance(parse("if a; then b; elif c; then d; else e; fi"), If)
    assert isinstance(parse("while a; do b; done"), Loop)
    until = parse("until a; do b; done")
    assert isinstance(until, Loop) and until.until
    loop = parse("for x in 1 2; do echo $x; done")
    assert isinstance(loop, For) and loop.name == "x" and len(loop.items or ()) == 2
    assert isinstance(parse("case $x in a|b) echo;; *) :;; esac"), Case)
    assert isinstance(parse("{ a; b; }"), Group)
    sub = parse("( a )")
    assert isinstance(sub, Group) and sub.subshell
    assert isinstance(parse("f() { echo; }"), FunctionDef)
    assert isinstance(parse("while read l; do :; done < file"), Redirected)


def test_here_document_bodies_are_attached_to_their_redirection() -> None:
    node = parse("cat <<EOF; cat <<'RAW'\nhi $x\nEOF\nno $x\nRAW\necho after")
    assert isinstance(node, Sequence)
    first, second, third = node.items
    assert isinstance(first, Command) and isinstance(second, Command)
    expanded = first.redirects[0].target.parts[0]
    assert expanded == DoubleQuoted((Lit("hi "), Param("x"), Lit("\n")))
    assert second.redirects[0].target.parts == (Quoted("no $x\n"),)
    assert isinstance(third, Command) and words(third) == ["echo", "after"]


def test_heredoc_delimiters_lists_what_a_line_opens() -> None:
    assert heredoc_delimiters("cat > f <<'EOF'") == [("EOF", False)]
    assert heredoc_delimiters("cat <<-END | tr a b; cat <<X") == [("END", True), ("X", False)]
    assert heredoc_delimiters("echo '<<EOF'") == []
    assert heredoc_delimiters("echo 'unterminated") == []


@pytest.mark.parametrize(
    ("script", "message", "line"),
    [
        ("if true; then", 'Syntax error: end of file unexpected (expecting "fi")', 1),
        ("echo 'abc", "Syntax error: Unterminated quoted string", 1),
        ("; ;", 'Syntax error: ";" unexpected', 1),
        ("echo $(", 'Syntax error: end of file unexpected (expecting ")")', 1),
        ("echo a |", "Syntax error: end of file unexpected", 1),
        ("for x y", 'Syntax error: word unexpected (expecting "do")', 1),
        ("case a in b) echo", 'Syntax error: end of file unexpected (expecting ";;")', 1),
        ("echo ${x!}", "Bad substitution", 1),
        ("echo ${x", "Syntax error: Missing '}'", 1),
        ("echo $((1", "Syntax error: Missing '))'", 1),
        ("echo `x", "Syntax error: EOF in backquote substitution", 1),
        ("echo >\n", "Syntax error: newline unexpected", 2),
        ("echo a\n\nfi", 'Syntax error: "fi" unexpected', 3),
    ],
)
def test_syntax_errors_read_like_dash(script: str, message: str, line: int) -> None:
    with pytest.raises(ShellSyntaxError) as caught:
        parse(script)
    assert str(caught.value) == message
    assert caught.value.line == line


def test_deep_nesting_stops_at_the_depth_limit_quickly() -> None:
    script = "(" * 5000 + "true" + ")" * 5000
    with pytest.raises(LimitExceeded) as caught:
        parse(script, max_depth=40)
    assert caught.value.limit == "max_depth"
    nested = "$(" * 200 + "true" + ")" * 200
    with pytest.raises(LimitExceeded):
        parse(f"echo {nested}", max_depth=40)
