"""`python -m pipeline oracle`: a scenario file as a transcript, or an interactive prompt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def oracle(*args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "oracle", *map(str, args)],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


SCENARIO = """# a comment line is not shown
$ printf 'a\\nb\\n' > f.txt
$ cat f.txt | \\
  wc -l
$ cat <<'EOF'
hello
EOF
$ ls missing 2>&1 || echo failed
"""


def test_a_file_is_shown_as_a_terminal_transcript(tmp_path: Path) -> None:
    path = tmp_path / "scenario.txt"
    path.write_text(SCENARIO)
    result = oracle(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "$ printf 'a\\nb\\n' > f.txt\n"
        "$ cat f.txt | \\\n"
        ">   wc -l\n"
        "2\n"
        "$ cat <<'EOF'\n"
        "> hello\n"
        "> EOF\n"
        "hello\n"
        "$ ls missing 2>&1 || echo failed\n"
        "ls: cannot access 'missing': No such file or directory\n"
        "failed\n"
    )


def test_standard_input_and_a_failing_scenario() -> None:
    result = oracle("-", stdin="$ echo before\n$ cat nothing-here\n$ echo after\n")
    assert result.returncode == 1
    assert result.stdout == (
        "$ echo before\nbefore\n$ cat nothing-here\ncat: nothing-here: No such file or directory\n"
    )
    assert "line 2: `cat nothing-here` failed (exit status 1)" in result.stderr


def test_without_a_file_or_a_terminal_standard_input_is_the_scenario() -> None:
    result = oracle(stdin="$ echo piped\n")
    assert (result.returncode, result.stdout) == (0, "$ echo piped\npiped\n")


def test_a_malformed_file_and_a_missing_file_exit_2(tmp_path: Path) -> None:
    malformed = oracle("-", stdin="$ echo a\necho b\n")
    assert malformed.returncode == 2 and "line 2" in malformed.stderr
    missing = oracle(tmp_path / "nope.txt")
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert "Traceback" not in malformed.stderr + missing.stderr


def test_the_prompt_keeps_one_world_and_reads_continuations_and_here_documents() -> None:
    session = (
        "NAME=world\n"
        "printf 'hello %s\\n' \\\n"
        '  "$NAME" > greeting\n'
        "cat <<EOF\n"
        "$NAME, again!\n"
        "EOF\n"
        'echo "$(cat greeting)!"\n'
        "if [ -f greeting ]; then\n"
        "  echo kept\n"
        "fi\n"
        "\n"
        "false\n"
        "echo $?\n"
        "exit 3\n"
        "echo never\n"
    )
    result = oracle("--interactive", stdin=session)
    assert result.returncode == 3
    assert result.stdout == (
        "$ NAME=world\n"
        "$ printf 'hello %s\\n' \\\n"
        '>   "$NAME" > greeting\n'
        "$ cat <<EOF\n"
        "> $NAME, again!\n"
        "> EOF\n"
        "world, again!\n"
        '$ echo "$(cat greeting)!"\n'
        "hello world!\n"
        "$ if [ -f greeting ]; then\n"
        ">   echo kept\n"
        "> fi\n"
        "kept\n"
        "$ \n"
        "$ false\n"
        "$ echo $?\n"
        "1\n"
        "$ exit 3\n"
    )


def test_the_prompt_ends_at_end_of_input_with_the_last_status() -> None:
    result = oracle("-i", stdin="echo hi\nls /nowhere\n")
    assert result.returncode == 2
    assert result.stdout.startswith("$ echo hi\nhi\n$ ls /nowhere\nls: cannot access")
    assert result.stdout.endswith("$ \n")
