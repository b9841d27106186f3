"""The pflag parser: forms of flags and pflag's error texts.

Sources: spf13/pflag flag.go (`parseLongArg`, `parseSingleShortArg`: `unknown flag: --%s`,
`unknown shorthand flag: %q in -%s`, `flag needs an argument: %s`, `invalid argument %q for %q
flag: %v`, `bad flag syntax: %s`) and Go strconv (`strconv.ParseBool: parsing "x": invalid
syntax`)."""

from __future__ import annotations

import pytest

from pipeline.oracle.docker.errors import FlagError
from pipeline.oracle.docker.flags import BOOL, INT, LIST, STRING, Flag, FlagSet, HelpRequested

FLAGS = FlagSet(
    [
        Flag("all", "a"),
        Flag("quiet", "q"),
        Flag("tag", "t", LIST),
        Flag("file", "f", STRING),
        Flag("time", "", INT),
        Flag("human", "H", BOOL, default=True),
    ]
)


def error(argv: list[str], flags: FlagSet = FLAGS) -> str:
    with pytest.raises(FlagError) as caught:
        flags.parse(argv)
    assert caught.value.status == 125
    return caught.value.message


def test_long_and_short_forms_and_values():
    parsed = FLAGS.parse(["--file=D1", "-f", "D2", "--file", "D3", "."])
    assert parsed["file"] == "D3" and parsed.args == ["."]
    assert FLAGS.parse(["-fDockerfile.dev"])["file"] == "Dockerfile.dev"
    assert FLAGS.parse(["-f=x"])["file"] == "x"


def test_combined_bool_shorthands_and_a_value_at_the_end():
    parsed = FLAGS.parse(["-aq", "-aqtdemo"])
    assert parsed["all"] and parsed["quiet"] and parsed["tag"] == ["demo"]


def test_repeatable_flags_keep_every_value_in_order():
    assert FLAGS.parse(["-t", "a", "--tag=b", "-tc"])["tag"] == ["a", "b", "c"]


def test_flags_after_arguments_and_the_double_dash():
    parsed = FLAGS.parse(["img", "-q", "--", "-a", "--file"])
    assert parsed["quiet"] and not parsed["all"]
    assert parsed.args == ["img", "-a", "--file"]


def test_non_interspersed_parsing_stops_at_the_first_argument():
    run = FlagSet([Flag("detach", "d")], interspersed=False)
    parsed = run.parse(["-d", "alpine", "ls", "-d"])
    assert parsed["detach"] and parsed.args == ["alpine", "ls", "-d"]


def test_booleans_take_explicit_values_only_with_equals():
    assert FLAGS.parse(["-H=false"])["human"] is False
    assert FLAGS.parse(["--human=0"])["human"] is False
    parsed = FLAGS.parse(["--all", "false"])
    assert parsed["all"] is True and parsed.args == ["false"]


def test_a_single_dash_is_an_argument():
    assert FLAGS.parse(["-"]).args == ["-"]


def test_pflag_error_texts():
    assert error(["--nope"]) == "unknown flag: --nope"
    assert error(["-z"]) == "unknown shorthand flag: 'z' in -z"
    assert error(["-az"]) == "unknown shorthand flag: 'z' in -z"
    assert error(["--tag"]) == "flag needs an argument: --tag"
    assert error(["-t"]) == "flag needs an argument: 't' in -t"
    assert error(["---x"]) == "bad flag syntax: ---x"
    assert error(["--all=yes"]) == (
        'invalid argument "yes" for "-a, --all" flag: strconv.ParseBool: parsing "yes": '
        "invalid syntax"
    )
    assert error(["--time=ten"]) == (
        'invalid argument "ten" for "--time" flag: strconv.ParseInt: parsing "ten": invalid syntax'
    )


def test_int_flags_read_go_prefixes():
    assert FLAGS.parse(["--time=0x10"])["time"] == 16
    assert FLAGS.parse(["--time", "010"])["time"] == 8
    assert FLAGS.parse(["--time=-3"])["time"] == -3


def test_help_is_not_simulated():
    with pytest.raises(HelpRequested):
        FLAGS.parse(["--help"])
