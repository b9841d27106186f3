"""How each shell words its errors, and the documented choices where the real answer depends on
the machine.

The ash and bash messages were recorded from BusyBox v1.35.0 (`busybox sh -c`) and GNU bash
5.2.15 (`bash -c`), with the shell's own name in front: in a container `RUN` it is `/bin/sh`.
"""

from __future__ import annotations

import pytest

from pipeline.oracle.catalogue import load
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.process import Process
from pipeline.oracle.scenario import DEFAULT_EPOCH, World
from pipeline.oracle.shell import ShellRunner


def container(name: str) -> UnionFileSystem:
    image = next(item.image for item in load() if item.name == name)
    return UnionFileSystem(lowers=image.layers)


def run_in(fs: UnionFileSystem, argv: list[str], clock=None) -> tuple[int, str, str]:
    completed = ShellRunner(clock=clock).run(fs, Process(argv))
    return completed.exit_code, completed.stdout.decode(), completed.stderr.decode()


@pytest.mark.parametrize(
    ("script", "ash", "bash"),
    [
        (
            "foo; echo $?",
            ("127\n", "/bin/sh: foo: not found\n"),
            ("127\n", "bash: line 1: foo: command not found\n"),
        ),
        (
            "echo a > /nope/x; echo $?",
            ("1\n", "/bin/sh: can't create /nope/x: nonexistent directory\n"),
            ("1\n", "bash: line 1: /nope/x: No such file or directory\n"),
        ),
        (
            "cat < /nope; echo $?",
            ("1\n", "/bin/sh: can't open /nope: no such file\n"),
            ("1\n", "bash: line 1: /nope: No such file or directory\n"),
        ),
        (
            "cd /nope; echo $?",
            ("2\n", "/bin/sh: cd: line 0: can't cd to /nope: No such file or directory\n"),
            ("1\n", "bash: line 1: cd: /nope: No such file or directory\n"),
        ),
    ],
)
def test_ash_and_bash_word_their_errors_their_way(
    script: str, ash: tuple[str, str], bash: tuple[str, str]
) -> None:
    assert run_in(container("alpine"), ["/bin/sh", "-c", script]) == (0, *ash)
    assert run_in(container("debian"), ["bash", "-c", script]) == (0, *bash)


def test_echo_reads_escapes_in_dash_but_not_in_ash_or_bash() -> None:
    script = 'echo "a\\tb"; echo -e "c\\td"'
    assert run_in(container("debian"), ["/bin/sh", "-c", script]) == (0, "a\tb\n-e c\td\n", "")
    assert run_in(container("alpine"), ["/bin/sh", "-c", script]) == (0, "a\\tb\nc\td\n", "")
    assert run_in(container("debian"), ["bash", "-c", script]) == (0, "a\\tb\nc\td\n", "")
    # /bin/echo is GNU's in Debian: escapes only with -e
    assert run_in(container("debian"), ["/bin/echo", "a\\tb"]) == (0, "a\\tb\n", "")


def test_the_host_shell_is_the_readers_terminal(run) -> None:
    """CHOICE: top-level `echo` behaves as bash's (the reader pastes into bash); `sh -c` is
    Debian's dash, so `echo` reads escapes there as it does in a Debian RUN."""
    assert run("echo 'a\\tb'; echo -e 'a\\tb'") == (0, "a\\tb\na\tb\n", "")
    assert run("sh -c 'echo \"a\\tb\"'") == (0, "a\tb\n", "")


def test_a_host_command_the_oracle_cannot_know_is_not_simulated(run) -> None:
    """CHOICE: the host machine is unknown (`python3` may or may not be there), so an unknown
    host command stops the scenario instead of answering `not found`."""
    from pipeline.oracle.shell import NotSimulated

    with pytest.raises(NotSimulated, match="foo2: the command is not simulated"):
        run("foo2")


def test_ls_long_dates_follow_the_world_clock() -> None:
    """GNU ls shows `%b %e %H:%M` for files less than six months old and `%b %e  %Y` for older
    ones; `now` is the scenario's deterministic clock, never the machine's."""
    world = World.fresh()
    assert (
        world.shell.run("touch f; ls -l f").stdout == b"-rw-r--r-- 1 root root 0 Jan  1 00:00 f\n"
    )
    alpine = container("alpine")
    now = DEFAULT_EPOCH
    _, recent, _ = run_in(alpine, ["ls", "-ld", "/etc"], clock=lambda: now)
    assert recent.endswith(" root root 4096 Dec  5 12:49 /etc\n")
    _, old, _ = run_in(alpine, ["ls", "-ld", "/etc"], clock=lambda: now + 365 * 86400)
    assert old.endswith(" root root 4096 Dec  5  2024 /etc\n")


def test_disk_usage_assumes_whole_blocks_and_no_holes(run) -> None:
    """CHOICE: as on ext4 under overlay2 a file takes whole 4 KiB blocks and a directory one;
    the simulation does not know which zero runs are holes, so a `truncate`d file counts as
    written (a real sparse file would show 0). `du -b` and `ls -l` sizes are exact."""
    status, out, _ = run("mkdir d; echo hi > d/f; truncate -s 10000 d/g; du d; du -b d")
    assert (status, out) == (0, "20\td\n14099\td\n")  # 4+4+12 KiB; 4096+3+10000 bytes


def test_date_reads_the_world_clock(run) -> None:
    """CHOICE: `date` prints the scenario's deterministic clock (the engine starts at
    2025-01-01T00:00:00Z), in GNU date's C-locale formats."""
    assert run("date; date -u +%Y-%m-%dT%H:%M:%SZ; date +%s; date -I; date -R") == (
        0,
        "Wed Jan  1 00:00:00 UTC 2025\n2025-01-01T00:00:00Z\n1735689600\n2025-01-01\n"
        "Wed, 01 Jan 2025 00:00:00 +0000\n",
        "",
    )
