"""The Runner inside containers: a program runs only if its file is in the container's file
system (the catalogue's base images), found by path or PATH, busybox-style by name; what the
runtime cannot start raises ExecNotFound with runc's wording (docker-image-semantics.md, and
`find_executable` in container.py)."""

from __future__ import annotations

import pytest

from pipeline.oracle.catalogue import load
from pipeline.oracle.content import Content
from pipeline.oracle.engine import Engine
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.process import ExecNotFound, Process
from pipeline.oracle.shell import Budget, LimitExceeded, Limits, NotSimulated, ShellRunner

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)


def image_fs(name: str) -> UnionFileSystem:
    """A container's view of a catalogue image (`alpine`, `debian`, `busybox`...)."""
    image = next(item.image for item in load() if item.name == name)
    return UnionFileSystem(lowers=image.layers)


def sh(fs: UnionFileSystem, script: str, **kwargs) -> tuple[int, str, str]:
    completed = ShellRunner().run(fs, Process(["/bin/sh", "-c", script], **kwargs))
    return completed.exit_code, completed.stdout.decode(), completed.stderr.decode()


def test_run_on_debian_uses_dash() -> None:
    status, out, err = sh(image_fs("debian"), 'echo "a\\nb"; nope')
    assert (status, out, err) == (127, "a\nb\n", "/bin/sh: 1: nope: not found\n")


def test_the_runner_records_the_order_of_both_streams() -> None:
    script = "echo out; echo err >&2; echo out2; nope"
    completed = ShellRunner().run(image_fs("alpine"), Process(["/bin/sh", "-c", script]))
    assert completed.chunks() == (
        (1, b"out\n"),
        (2, b"err\n"),
        (1, b"out2\n"),
        (2, b"/bin/sh: nope: not found\n"),
    )
    assert completed.stdout == b"out\nout2\n"


def test_run_on_alpine_uses_busybox_ash() -> None:
    status, out, err = sh(image_fs("alpine"), 'echo "a\\nb"; nope')
    assert (status, out, err) == (127, "a\\nb\n", "/bin/sh: nope: not found\n")


def test_scratch_has_no_shell() -> None:
    with pytest.raises(ExecNotFound) as caught:
        ShellRunner().run(UnionFileSystem(), Process(["/bin/sh", "-c", "echo hi"]))
    assert caught.value.program == "/bin/sh"
    assert str(caught.value) == 'exec: "/bin/sh": stat /bin/sh: no such file or directory'


def test_a_bare_name_is_looked_up_in_path() -> None:
    fs = image_fs("debian")
    completed = ShellRunner().run(fs, Process(["ls", "/"], env={"PATH": "/usr/bin:/bin"}))
    assert completed.exit_code == 0
    assert "etc\n" in completed.stdout.decode()
    with pytest.raises(ExecNotFound) as caught:
        ShellRunner().run(fs, Process(["python"], env={"PATH": "/usr/bin:/bin"}))
    assert str(caught.value) == 'exec: "python": executable file not found in $PATH'


def test_a_program_missing_from_the_image_is_not_found_in_the_shell() -> None:
    status, out, err = sh(image_fs("alpine"), "bash -c 'echo hi'; echo $?")
    assert (status, out, err) == (0, "127\n", "/bin/sh: bash: not found\n")


def test_busybox_runs_the_applet_its_link_names() -> None:
    fs = image_fs("alpine")
    assert sh(fs, "ls -d /etc; busybox ls -d /etc; /bin/ls -d /etc") == (0, "/etc\n" * 3, "")


def test_every_builtin_an_image_ships_as_a_file_runs_as_a_program() -> None:
    """`pwd`, `echo`, `[`... are builtins of the shell and files of the image: run by path or
    through PATH (no shell in between), the file's program must be simulated."""
    from pipeline.oracle.shell.builtins import BUILTINS, SPECIAL_BUILTINS
    from pipeline.oracle.shell.programs import PROGRAMS
    from pipeline.oracle.shell.resolve import search_path

    names = set(BUILTINS) | set(SPECIAL_BUILTINS)
    for item in load():
        fs = UnionFileSystem(lowers=item.image.layers)
        shipped = {n for n in names if search_path(fs, n, "/usr/bin:/bin", "/")}
        assert shipped <= set(PROGRAMS), (item.name, shipped - set(PROGRAMS))
    assert {"pwd", "echo", "printf", "test", "[", "true", "false"} <= set(PROGRAMS)


@pytest.mark.parametrize("image", ["alpine", "debian", "busybox"])
def test_pwd_runs_from_the_image(image: str) -> None:
    fs = image_fs(image)
    fs.symlink("/etc", "/e")
    completed = ShellRunner().run(fs, Process(["pwd"], cwd="/usr"))
    assert (completed.exit_code, completed.stdout) == (0, b"/usr\n")
    script = "cd /e && pwd && /bin/pwd && /bin/pwd -L && pwd -P && env pwd"
    assert sh(fs, script) == (0, "/e\n/etc\n/e\n/etc\n/etc\n", "")


def test_a_file_that_is_no_simulated_program_is_not_simulated() -> None:
    fs = image_fs("debian")
    fs.write_content("/usr/local/bin/python3", Content.of(ELF), 0o755)
    with pytest.raises(NotSimulated, match="python3"):
        sh(fs, "python3 -c 'print(1)'")


def test_a_shebang_script_runs_with_its_interpreter() -> None:
    fs = image_fs("debian")
    fs.mkdir("/app")
    fs.write("/app/hello.sh", b'#!/bin/sh\necho "hello from $0 $1"\n')
    fs.chmod("/app/hello.sh", 0o755)
    completed = ShellRunner().run(fs, Process(["/app/hello.sh", "x"]))
    assert completed.stdout == b"hello from /app/hello.sh x\n"
    assert sh(fs, "cd /app && ./hello.sh y") == (0, "hello from ./hello.sh y\n", "")


def test_a_script_without_execute_permission() -> None:
    fs = image_fs("debian")
    fs.write("/run.sh", b"echo ran\n")
    with pytest.raises(ExecNotFound, match="permission denied"):
        ShellRunner().run(fs, Process(["/run.sh"]))
    assert sh(fs, "/run.sh; echo $?") == (0, "126\n", "/bin/sh: 1: /run.sh: Permission denied\n")
    assert sh(fs, "sh /run.sh") == (0, "ran\n", "")


def test_a_text_file_without_shebang_runs_in_the_shell_but_not_from_the_runtime() -> None:
    fs = image_fs("debian")
    fs.write("/run.sh", b"echo ran as a script\n")
    fs.chmod("/run.sh", 0o755)
    assert sh(fs, "/run.sh") == (0, "ran as a script\n", "")
    with pytest.raises(ExecNotFound, match="exec format error"):
        ShellRunner().run(fs, Process(["/run.sh"]))


def test_a_shebang_interpreter_missing_from_the_image() -> None:
    fs = image_fs("alpine")
    fs.write("/run.sh", b"#!/bin/bash\necho never\n")
    fs.chmod("/run.sh", 0o755)
    assert sh(fs, "/run.sh; echo $?") == (0, "127\n", "/bin/sh: /run.sh: not found\n")


def test_environment_working_directory_and_stdin_reach_the_program() -> None:
    fs = image_fs("alpine")
    status, out, _ = sh(
        fs, 'echo "$GREETING from $PWD"; cat', env={"GREETING": "hi"}, cwd="/tmp", stdin=b"piped\n"
    )
    assert (status, out) == (0, "hi from /tmp\npiped\n")


def test_files_created_by_a_user_belong_to_that_user() -> None:
    fs = image_fs("debian")
    status, out, _ = sh(fs, "touch /tmp/f; mkdir /tmp/d; whoami; id -u", user="nobody")
    assert (status, out) == (0, "nobody\n65534\n")
    assert fs.stat("/tmp/f").uid == 65534
    assert fs.stat("/tmp/d").uid == 65534
    assert sh(fs, "stat -c '%U:%G %n' /tmp/f") == (0, "nobody:nogroup /tmp/f\n", "")


def test_a_sleeping_program_is_reported_as_still_running() -> None:
    fs = image_fs("debian")
    completed = ShellRunner().run(fs, Process(["sleep", "infinity"]))
    assert completed.running
    assert not ShellRunner().run(fs, Process(["true"])).running


def test_the_runner_spends_the_scenario_budget() -> None:
    budget = Budget(Limits(max_loop_iterations=100))
    runner = ShellRunner(budget)
    runner.run(image_fs("alpine"), Process(["/bin/sh", "-c", "for i in $(seq 60); do :; done"]))
    with pytest.raises(LimitExceeded):
        runner.run(image_fs("alpine"), Process(["/bin/sh", "-c", "for i in $(seq 60); do :; done"]))


def test_the_engine_runs_containers_through_the_runner() -> None:
    engine = Engine.with_catalogue(runner=ShellRunner())
    container, completed = engine.run("alpine", cmd=["sh", "-c", "echo hi > /x; cat /x"])
    assert completed.stdout == b"hi\n"
    assert container.exit_code == 0
    assert ("A", "/x") in container.changes()
    daemon, completed = engine.run("debian", cmd=["sleep", "infinity"], detach=True)
    assert daemon.running
    assert engine.exec(daemon, ["cat", "/etc/os-release"]).stdout.startswith(b"PRETTY_NAME=")


def test_busybox_touch_dates() -> None:
    """BusyBox 1.37 touch: parse_datestr's forms, `invalid date '...'`, xstat's `can't stat`."""
    script = (
        "touch -d '2020-01-01 10:00' /a && stat -c %Y /a; touch -t 202001010000 /b && "
        "stat -c %Y /b; touch -r /a /c && stat -c %Y /c; touch -d '1 day ago' /d; echo $?; "
        "touch -r /nope /e; echo $?"
    )
    completed = ShellRunner(clock=lambda: 1735689600).run(
        image_fs("alpine"), Process(["/bin/sh", "-c", script])
    )
    assert completed.stdout == b"1577872800\n1577836800\n1577872800\n1\n1\n"
    assert completed.stderr == (
        b"touch: invalid date '1 day ago'\ntouch: can't stat '/nope': No such file or directory\n"
    )


BUSYBOX_ERRORS = (
    "cat /nope; cat /etc; touch /x/y; ls /nope; echo $?; rm /nope; mkdir /etc; rmdir /nope;"
    " cp /nope /a; mv /nope /a; head /nope; tail /nope; wc /nope; stat -c %s /nope; rm /etc"
)


def test_busybox_programs_word_their_errors_as_busybox() -> None:
    """BusyBox 1.37 wording (libbb open_or_warn `can't open`, bb_simple_perror_msg `NAME: ...`,
    remove_file, make_directory, copy_file, mv's rename, rmdir, stat); ls exits 1, not 2."""
    status, out, err = sh(image_fs("alpine"), BUSYBOX_ERRORS)
    assert out == "1\n"
    assert err == (
        "cat: can't open '/nope': No such file or directory\n"
        "cat: read error: Is a directory\n"
        "touch: /x/y: No such file or directory\n"
        "ls: /nope: No such file or directory\n"
        "rm: can't remove '/nope': No such file or directory\n"
        "mkdir: can't create directory '/etc': File exists\n"
        "rmdir: '/nope': No such file or directory\n"
        "cp: can't stat '/nope': No such file or directory\n"
        "mv: can't rename '/nope': No such file or directory\n"
        "head: can't open '/nope': No such file or directory\n"
        "tail: can't open '/nope': No such file or directory\n"
        "wc: can't open '/nope': No such file or directory\n"
        "stat: can't stat '/nope': No such file or directory\n"
        "rm: '/etc' is a directory\n"
    )


def test_gnu_programs_keep_their_wording_on_debian() -> None:
    status, out, err = sh(image_fs("debian"), BUSYBOX_ERRORS)
    assert out == "2\n"
    assert err.splitlines()[:4] == [
        "cat: /nope: No such file or directory",
        "cat: /etc: Is a directory",
        "touch: cannot touch '/x/y': No such file or directory",
        "ls: cannot access '/nope': No such file or directory",
    ]
    assert "stat: cannot statx '/nope': No such file or directory" in err
