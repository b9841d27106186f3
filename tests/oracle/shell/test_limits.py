"""Runaway and hostile scenarios end fast with an error naming the limit, and nothing in the shell
package can reach the real machine."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from pipeline.oracle.scenario import World, run_scenario
from pipeline.oracle.shell.limits import LimitExceeded, Limits, NotSimulated

PACKAGE = Path(__file__).resolve().parents[3] / "pipeline" / "oracle" / "shell"
SCENARIO = PACKAGE.parent / "scenario.py"
FORBIDDEN_MODULES = {
    "os",
    "sys",
    "io",
    "subprocess",
    "socket",
    "shutil",
    "pathlib",
    "tempfile",
    "glob",
    "posixpath",
    "ctypes",
    "multiprocessing",
    "threading",
    "asyncio",
    "urllib",
    "http",
    "importlib",
    "builtins",
    "pty",
    "signal",
    "fcntl",
    "mmap",
}
FORBIDDEN_CALLS = {"open", "exec", "eval", "compile", "__import__", "input", "breakpoint"}


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py")) + [SCENARIO]


def test_the_package_imports_nothing_that_reaches_the_machine() -> None:
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name.split(".")[0] in FORBIDDEN_MODULES:
                    offenders.append(f"{path.name}:{node.lineno} imports {name}")
    assert offenders == []


def test_the_package_calls_no_builtin_that_reaches_the_machine() -> None:
    offenders = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in FORBIDDEN_CALLS
            ):
                offenders.append(f"{path.name}:{node.lineno} calls {node.func.id}()")
    assert offenders == []


def test_the_scan_itself_sees_the_whole_package() -> None:
    names = {p.name for p in _sources()}
    assert {"interpreter.py", "files.py", "resolve.py", "scenario.py"} <= names


def test_hostile_scenarios_leave_a_real_file_untouched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("real data\n")
    before = secret.stat()
    target = str(secret)
    scenario = f"""\
$ cat {target} || true
$ echo overwritten > {target} || true
$ rm -rf {tmp_path} || true
$ rm -rf / --no-preserve-root || true
$ cat ../../../../../../{target} || true
$ ln -s {target} link && cat link || true
$ cp {target} copy || true
$ chmod 000 {target} || true
$ truncate -s 0 {target} || true
$ ls {tmp_path} 2>&1 || true
"""
    result = run_scenario(scenario)
    assert result.ok, result.failure
    outputs = b"".join(r.stdout + r.stderr for r in result.results)
    assert b"real data" not in outputs
    assert secret.read_text() == "real data\n"
    after = secret.stat()
    assert (after.st_mode, after.st_size, after.st_mtime_ns) == (
        before.st_mode,
        before.st_size,
        before.st_mtime_ns,
    )


def test_paths_never_climb_above_the_root_of_the_simulated_file_system(run) -> None:
    status, out, _ = run("cd ../../../..; pwd; echo x > ../../../escape; ls /")
    assert status == 0
    assert out.splitlines()[0] == "/"
    assert "escape" in out.splitlines()[1:]


@pytest.mark.parametrize(
    ("script", "limit"),
    [
        ("while true; do :; done", "max_loop_iterations"),
        ("until false; do echo x; done", "max_loop_iterations"),
        ("f() { f; }; f", "max_depth"),
        ("f() { f | f; }; f", "max_depth"),
        ('x=\'eval "$x"\'; eval "$x"', "max_depth"),
        ("echo 'sh s.sh' > s.sh; sh s.sh", "max_depth"),
        ("echo " + "$(" * 100 + "true" + ")" * 100, "max_depth"),
        ("(" * 100 + "true" + ")" * 100, "max_depth"),
        ("x=$(yes)", "max_pipe_bytes"),
        ("yes > /dev/null", "max_pipe_bytes"),
        ("yes | wc -l", "max_pipe_bytes"),
        ("cat /dev/zero > f", "max_pipe_bytes"),
        ("cat /dev/urandom | sha256sum", "max_pipe_bytes"),
        ("x=a; while true; do x=$x$x; done", "max_variable_bytes"),
        ("seq 1000000000 | head -n 1", "max_pipe_bytes"),
        ("seq 1 300000", "max_output_bytes"),
        ("i=0; while true; do touch f$i; i=$((i+1)); done", "max_steps"),
        ("for i in $(seq 20000); do :; done", "max_arguments"),
        ("x=" + "a" * 300_000, "max_script_bytes"),
        ("truncate -s 1G big; sort big", "max_pipe_bytes"),
        ("printf '%0900000d' 0 | sed 's/0/00/g' | sed 's/0/00/g' | sed 's/0/00/g'", "any"),
    ],
)
def test_runaway_scenarios_end_fast_naming_the_limit(script: str, limit: str) -> None:
    world = World.fresh()
    start = time.perf_counter()
    with pytest.raises(LimitExceeded) as caught:
        world.shell.run(script)
    assert time.perf_counter() - start < 5
    if limit != "any":
        assert caught.value.limit == limit
    assert "oracle limit exceeded" in str(caught.value)


def test_a_limit_stops_the_scenario_and_is_reported_with_its_command() -> None:
    result = run_scenario("$ echo before\n$ while :; do :; done\n$ echo never\n")
    assert not result.ok
    assert result.failure is not None
    assert result.failure.command.line == 2
    # each iteration runs two commands: the step limit comes first
    assert result.failure.reason == "oracle limit exceeded: max_steps = 20000 (commands executed)"
    assert result.failure.reason in result.failure.stderr
    assert [r.command.line for r in result.results] == [1, 2]


def test_the_budget_is_shared_by_all_commands_of_a_scenario() -> None:
    world = World.fresh(limits=Limits(max_loop_iterations=50))
    world.shell.run("for i in $(seq 30); do :; done")
    with pytest.raises(LimitExceeded):
        world.shell.run("for i in $(seq 30); do :; done")


def test_file_system_caps_surface_as_program_errors(run) -> None:
    status, _, err = run("truncate -s 100T f")
    assert status == 1
    assert err == "truncate: cannot open 'f' for writing: No space left on device\n"


def test_an_unknown_host_command_is_not_simulated_rather_than_guessed(run) -> None:
    with pytest.raises(NotSimulated, match="python3"):
        run("python3 app.py")


def test_an_unknown_option_is_not_simulated_rather_than_guessed(run) -> None:
    with pytest.raises(NotSimulated, match="'-Z'"):
        run("ls -Z")
