"""Scenario transcripts (oracle-scenarios.md rules 1, 2, 5 and 6): parsing, running, answers,
failures, and the World a docker command plugs into."""

from __future__ import annotations

import statistics
import time

import pytest

from pipeline.oracle.scenario import (
    CONTEXT_DIR,
    Command,
    ScenarioSyntaxError,
    World,
    parse_scenario,
    run_scenario,
)
from pipeline.oracle.shell import CommandContext

SPEC_EXAMPLE = """\
$ printf 'print("hi")\\n' > app.py
$ cat > Dockerfile <<'EOF'
FROM scratch
COPY app.py /app/
COPY app.py /app/copy.py
ENV MODE=prod
CMD ["python", "/app/app.py"]
EOF
$ grep -c '^COPY' Dockerfile
"""


def test_commands_here_documents_and_their_lines() -> None:
    commands = parse_scenario(SPEC_EXAMPLE)
    assert commands == [
        Command("printf 'print(\"hi\")\\n' > app.py", 1),
        Command(
            "cat > Dockerfile <<'EOF'\nFROM scratch\nCOPY app.py /app/\nCOPY app.py /app/copy.py"
            '\nENV MODE=prod\nCMD ["python", "/app/app.py"]\nEOF',
            2,
        ),
        Command("grep -c '^COPY' Dockerfile", 9),
    ]


def test_continuations_comments_blank_lines_and_tab_stripped_here_documents() -> None:
    text = "# set up\n\n$ echo a \\\n  b\n$ cat <<-END\n\tbody\n\tEND\n# done\n"
    assert parse_scenario(text, first_line=10) == [
        Command("echo a \\\n  b", 12),
        Command("cat <<-END\n\tbody\n\tEND", 14),
    ]


def test_two_here_documents_on_one_line() -> None:
    commands = parse_scenario("$ cat <<A; cat <<B\n1\nA\n2\nB\n$ echo next\n")
    assert [c.line for c in commands] == [1, 6]
    assert run_scenario("$ cat <<A; cat <<B\n1\nA\n2\nB\n").answer == "1\n2"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("$ echo a\nstray output\n", 2, "expected a command"),
        ("$ cat <<EOF\nno end\n", 1, "here-document without its closing 'EOF' line"),
        ("$ echo a \\", 1, "ends with `\\`"),
        ("$ \n", 1, "empty command"),
        ("  $ echo indented\n", 1, "expected a command"),
    ],
)
def test_malformed_transcripts_name_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ScenarioSyntaxError) as caught:
        parse_scenario(text)
    assert caught.value.line == line
    assert message in str(caught.value)


def test_the_answer_is_the_last_output_stripped() -> None:
    result = run_scenario(SPEC_EXAMPLE)
    assert result.ok
    assert result.answer == "2"
    assert [r.exit_code for r in result.results] == [0, 0, 0]
    multi = run_scenario("$ printf '\\n  first\\nsecond  \\n\\n'")
    assert multi.answer == "first\nsecond"
    assert multi.lines(1) == ["first"]


def test_state_carries_from_command_to_command() -> None:
    result = run_scenario("$ mkdir sub && cd sub\n$ NAME=demo\n$ echo $NAME > f\n$ pwd; cat f\n")
    assert result.answer == f"{CONTEXT_DIR}/sub\ndemo"


def test_a_failing_command_stops_the_scenario() -> None:
    result = run_scenario("$ echo one\n$ cat missing.txt\n$ echo never\n")
    assert not result.ok
    failure = result.failure
    assert failure is not None
    assert (failure.command.line, failure.reason) == (2, "exit status 1")
    assert failure.stderr == "cat: missing.txt: No such file or directory\n"
    assert str(failure) == (
        "line 2: `cat missing.txt` failed (exit status 1)\n"
        "cat: missing.txt: No such file or directory"
    )
    assert len(result.results) == 2


def test_an_error_message_can_be_the_answer() -> None:
    """Rule 5: `2>&1` lets a question ask about an error message: the last command may exit
    non-zero when its error went to standard output."""
    result = run_scenario("$ touch present.txt\n$ cat missing.txt 2>&1\n")
    assert result.ok
    assert result.answer == "cat: missing.txt: No such file or directory"
    assert result.results[-1].exit_code == 1
    assert run_scenario("$ echo a > f\n$ grep -c b f").answer == "0"
    still_failing = run_scenario("$ echo ok\n$ cat missing.txt\n")
    assert still_failing.failure is not None
    earlier = run_scenario("$ cat missing.txt 2>&1\n$ echo after\n")
    assert earlier.failure is not None and earlier.failure.command.line == 1


def test_syntax_errors_and_unsimulated_commands_fail_the_scenario() -> None:
    syntax = run_scenario("$ if true; then echo\n")
    assert syntax.failure is not None
    assert syntax.failure.reason == "exit status 2"
    assert syntax.failure.stderr == 'sh: 1: Syntax error: end of file unexpected (expecting "fi")\n'
    unknown = run_scenario("$ echo ok\n$ python3 app.py\n")
    assert unknown.failure is not None
    assert unknown.failure.command.line == 2
    assert "not simulated" in unknown.failure.reason


def test_each_world_is_fresh() -> None:
    run_scenario("$ echo leftover > f\n")
    assert run_scenario("$ ls | wc -l").answer == "0"


def test_host_commands_plug_into_the_world() -> None:
    seen: list[tuple[list[str], bytes, str, str]] = []

    def docker(argv: list[str], stdin: bytes, context: CommandContext) -> tuple[int, bytes, bytes]:
        seen.append((argv, stdin, context.cwd, context.env.get("TAG", "")))
        if argv[1:] == ["fail"]:
            return 1, b"", b"Error response from daemon: no\n"
        dockerfile = context.fs.read(context.cwd + "/Dockerfile")
        return 0, b"sha256:%d\n" % len(dockerfile), b""

    world = World.fresh()
    world.commands["docker"] = docker
    text = "$ echo 'FROM scratch' > Dockerfile\n$ export TAG=v1\n$ echo in | docker build -q .\n"
    result = run_scenario(text, world)
    assert result.answer == "sha256:13"
    assert seen == [(["docker", "build", "-q", "."], b"in\n", CONTEXT_DIR, "v1")]
    failed = run_scenario("$ docker fail\n", world)
    assert failed.failure is not None
    assert failed.failure.stderr == "Error response from daemon: no\n"
    assert run_scenario("$ ID=$(docker build .)\n$ echo ${ID#sha256:}", world).answer == "13"


def test_a_host_command_writing_to_the_shell_io_keeps_the_order_of_its_streams() -> None:
    def tool(argv: list[str], stdin: bytes, context: CommandContext) -> tuple[int, bytes, bytes]:
        assert context.io is not None
        context.io.stderr.write(b"first\n")
        context.io.stdout.write(b"second\n")
        return 0, b"", b"last\n"  # what is returned comes after what was written

    world = World.fresh()
    world.commands["tool"] = tool
    assert run_scenario("$ tool 2>&1", world).answer == "first\nsecond\nlast"
    text = "$ tool > out 2>&1\n$ cat out\n"
    assert run_scenario(text, world).answer == "first\nsecond\nlast"
    separate = run_scenario("$ tool", world).results[-1]
    assert (separate.stdout, separate.stderr) == (b"second\n", b"first\nlast\n")


def test_the_world_hands_the_engine_a_runner_on_the_same_budget() -> None:
    world = World.fresh()
    assert world.runner().budget is world.budget


def test_a_typical_scenario_runs_in_a_few_milliseconds() -> None:
    text = """\
$ printf 'print("hi")\\n' > app.py
$ mkdir -p src/lib && touch src/lib/a.py src/b.py
$ cat > Dockerfile <<'EOF'
FROM scratch
COPY app.py /app/
ENV MODE=prod
EOF
$ grep -c COPY Dockerfile
$ wc -l Dockerfile
$ truncate -s 1G big.bin
$ ls -lh big.bin | cut -d' ' -f5
$ sha256sum app.py | cut -c1-12
$ find . -name '*.py' | sort
$ for f in *.py; do echo "$f"; done
$ x=$(wc -c < app.py); echo $((x * 2))
$ sed -n '2p' Dockerfile
$ echo "MODE=prod" | cut -d= -f2
$ stat -c %s big.bin
$ du -sb src
$ ls -la | head -3 | wc -l
$ cat Dockerfile | tr a-z A-Z | head -1
$ test -f app.py && echo yes
$ printf '%s\\n' b a c | sort -r | head -n 1
$ echo done
"""
    assert run_scenario(text).ok
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        result = run_scenario(text)
        timings.append(time.perf_counter() - start)
    assert len(result.results) == 20
    assert statistics.median(timings) < 0.05


def test_a_not_simulated_message_is_a_line_of_its_own() -> None:
    world = World.fresh()
    result = run_scenario("$ printf 'partial' >&2; python3 -V\n", world)
    assert result.failure is not None
    last = result.results[-1]
    assert last.stderr == b"partial\npython3: the command is not simulated by the oracle\n"
    assert result.failure.reason == "python3: the command is not simulated by the oracle"
