"""Variable substitution: vectors from moby/buildkit frontend/dockerfile/shell/lex_test.go
(`TestProcessWithMatches`, `TestShellParserMandatoryEnvVars`, `TestReversePattern`)."""

from __future__ import annotations

import pytest

from pipeline.oracle.builder.expansion import ExpansionError, Lexer, _reverse_pattern

# (input, env, expected, matched, unmatched) — lex_test.go TestProcessWithMatches
VECTORS = [
    ("x", {"DUMMY": "dummy"}, "x", set(), set()),
    ("x ${UNUSED}", {"DUMMY": "dummy"}, "x ", set(), {"UNUSED"}),
    ("x ${FOO}", {"FOO": "y"}, "x y", {"FOO"}, set()),
    (
        "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
        {"FOO": "xxx", "BAR": ""},
        "xxx  ccc",
        {"FOO", "BAR"},
        {"BAZ"},
    ),
    (
        "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
        {"FOO": "xxx", "BAR": ""},
        "xxx bbb ccc",
        {"FOO", "BAR"},
        {"BAZ"},
    ),
    ("${FOO:-}", {"FOO": "xxx", "BAR": ""}, "xxx", {"FOO"}, set()),
    ("${FOO:-}", {}, "", set(), {"FOO"}),
    (
        "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
        {"FOO": "xxx", "BAR": ""},
        "aaa bbb ",
        {"FOO", "BAR"},
        {"BAZ"},
    ),
    (
        "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
        {"FOO": "xxx", "BAR": ""},
        "aaa  ",
        {"FOO", "BAR"},
        {"BAZ"},
    ),
    ("${FOO?aaa}", {"FOO": "xxx", "BAR": ""}, "xxx", {"FOO"}, set()),
    ("${BAR?bbb}", {"FOO": "xxx", "BAR": ""}, "", {"BAR"}, set()),
    ("${FOO:?aaa}", {"FOO": "xxx", "BAR": ""}, "xxx", {"FOO"}, set()),
    ("${FOO#()[]{\\}^$.\\*\\?|\\\\}", {"FOO": "()[]{}^$.*?|\\x"}, "x", {"FOO"}, set()),
    ("${FOO%%\\**}", {"FOO": "xx**"}, "xx", {"FOO"}, set()),
    ("${FOO#*x*y}", {"FOO": "xxyy"}, "y", {"FOO"}, set()),
    ("${FOO#*}", {"FOO": "xxyy"}, "xxyy", {"FOO"}, set()),
    ("${FOO#$BAR}", {"FOO": "xxyy", "BAR": "x"}, "xyy", {"FOO", "BAR"}, set()),
    ("${FOO##*x}", {"FOO": "xxyy"}, "yy", {"FOO"}, set()),
    ("${FOO#?\\?}", {"FOO": "???y"}, "?y", {"FOO"}, set()),
    ("${ABC:-.}${FOO%x}${ABC:-.}", {"FOO": "xxyy"}, ".xxyy.", {"FOO"}, {"ABC"}),
    ("${FOO%%\\**\\*}", {"FOO": "a***yy*"}, "a", {"FOO"}, set()),
    (
        "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
        {"FOO": "/foo*/*/*.txt", "NEEDLE": "\\*/"},
        "/foo.*/*.txt - /foo..*.txt",
        {"FOO", "NEEDLE"},
        set(),
    ),
    (
        "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
        {"FOO": "/tmp/tmp/bar.txt", "NEEDLE": "/tmp"},
        "/tmp/bar.txt - /bar.txt",
        {"FOO", "NEEDLE"},
        set(),
    ),
    (
        "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
        {"FOO": "/a/foo/b/c.txt", "NEEDLE": "/?/", "REPLACEMENT": "/"},
        "/foo/b/c.txt - /foo/c.txt",
        {"FOO", "NEEDLE", "REPLACEMENT"},
        set(),
    ),
    ("${FOO//\\//\\/}", {"FOO": "/tmp/foo.txt"}, "\\/tmp\\/foo.txt", {"FOO"}, set()),
    ("${FOO/$BAR/ww}", {"FOO": "xxyy", "BAR": ""}, "wwxxyy", {"FOO", "BAR"}, set()),
]

ERRORS = [
    ("${BAZ?ccc}", {"FOO": "xxx", "BAR": ""}),
    ("${BAR:?bbb}", {"FOO": "xxx", "BAR": ""}),
    ("${BAZ:?}", {"FOO": "xxx"}),
    ("${FOO=aaa}", {"FOO": "xxx"}),
    ("${FOO=}", {}),
    ("${FOO//ww}", {"FOO": "xxyy"}),
    ("${}", {}),
    ("'unterminated", {}),
]


@pytest.mark.parametrize(("word", "env", "expected", "matched", "unmatched"), VECTORS)
def test_buildkit_vectors(word, env, expected, matched, unmatched):
    result = Lexer().process(word, env)
    assert result.result == expected
    assert result.matched == matched
    assert result.unmatched == unmatched


@pytest.mark.parametrize(("word", "env"), ERRORS)
def test_buildkit_error_vectors(word, env):
    with pytest.raises(ExpansionError):
        Lexer().process(word, env)


def test_mandatory_message_includes_expanded_text():
    # lex_test.go TestShellParserMandatoryEnvVars: the message is expanded too.
    with pytest.raises(ExpansionError, match="message herex"):
        Lexer().process("${VAR:?message here$ARG}", {"VAR": "", "ARG": "x"})


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("a\\*c", "c\\*a"), ("\\\\\\ab", "b\\a\\\\"), ("ab\\", "\\ba"), ("\\\\b", "b\\\\")],
)
def test_reverse_pattern(pattern, expected):
    assert _reverse_pattern(pattern) == expected


def test_quotes_are_removed_and_split_after_substitution():
    # ENV B="a b" keeps the space inside the value; $X with spaces splits into words.
    lexer = Lexer()
    assert lexer.word('"a b"', {}) == "a b"
    assert lexer.word("'$X'", {"X": "1"}) == "$X"
    assert lexer.word('"$X"', {"X": "1"}) == "1"
    assert lexer.word("x\\ y", {}) == "x y"
    assert lexer.word("\\$X", {"X": "1"}) == "$X"
    assert lexer.words("$X c", {"X": "a b"}) == ["a", "b", "c"]
    assert lexer.words('"$X" c', {"X": "a b"}) == ["a b", "c"]


def test_label_mode_keeps_quotes_and_unset_variables():
    # convert.go dispatchRun: the RUN progress label uses RawQuotes + SkipUnsetEnv.
    lexer = Lexer(raw_quotes=True, skip_unset=True)
    assert lexer.word('echo "$A" $B ${C}', {"A": "1"}) == 'echo "1" $B ${C}'


def test_backtick_escape_directive():
    assert Lexer(escape="`").word("a`$b", {"b": "x"}) == "a$b"
    assert Lexer(escape="`").word("C:\\dir", {}) == "C:\\dir"
