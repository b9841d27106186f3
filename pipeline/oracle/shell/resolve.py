"""Finding and starting programs, on the host and inside a container.

Inside a container a program runs only if its file is in the container's file system, found by
path or through PATH, with an execute bit. Which simulated program it is follows from its name,
busybox-style: the basename of argv[0] (`/bin/ls` -> `ls`), or of the file a symlink chain ends
at (`/bin/sh` -> `dash`); a link to `busybox` runs the applet named by argv[0]. A file starting
with `#!` runs its interpreter; a text file without one is run by the shell (dash's fallback for
ENOEXEC). Anything else (`python`) is a program the oracle does not simulate.
"""

from __future__ import annotations

from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.paths import basename, dirname, join
from pipeline.oracle.process import ExecNotFound
from pipeline.oracle.shell import dialect as dialects
from pipeline.oracle.shell.interpreter import DEFAULT_PATH, IO, CommandContext, Shell
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs import PROGRAMS
from pipeline.oracle.shell.programs.base import Invocation, UsageError

SHELLS = frozenset({"sh", "dash", "ash", "bash"})
MAX_LINKS = 40


class _Unrunnable(Exception):
    """Found but not startable; `kind` is notfound, denied or format."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def search_path(fs: FileSystem, name: str, path_var: str, cwd: str) -> str | None:
    for directory in path_var.split(":"):
        candidate = join(cwd, directory or ".").rstrip("/") + "/" + name
        try:
            stat = fs.stat(candidate)
        except FsError:
            continue
        if stat.kind == "file" and stat.mode & 0o111:
            return candidate
    return None


def final_target(fs: FileSystem, path: str) -> str:
    """The path a chain of symlinks ends at (`/bin/sh` -> `/bin/dash`)."""
    for _ in range(MAX_LINKS):
        try:
            stat = fs.stat(path, follow_symlinks=False)
        except FsError:
            return path
        if stat.kind != "symlink" or stat.target is None:
            return path
        target = stat.target
        path = target if target.startswith("/") else join(dirname(path), target)
    return path


def run_program_in_shell(shell: Shell, argv: list[str], env: dict[str, str], io: IO) -> int:
    """A command the shell did not find among its builtins and functions."""
    name = argv[0]
    if shell.host and "/" not in name:
        command = shell.commands.get(name)
        if command is not None:
            return _host_command(shell, command, argv, env, io)
        program = PROGRAMS.get(name)
        if program is not None:
            return run_program(shell, name, argv, env, io)
        raise NotSimulated(f"{name}: the command is not simulated by the oracle")
    if "/" in name:
        path = join(shell.cwd, name)
        if shell.host and not _lexists(shell.fs, path) and basename(name) in PROGRAMS:
            return run_program(shell, basename(name), argv, env, io)  # /usr/bin/env on the host
    else:
        found = search_path(shell.fs, name, env.get("PATH", DEFAULT_PATH), shell.cwd)
        if found is None:
            shell.error(io, dialects.not_found(shell.dialect, name))
            return 127
        path = found
    try:
        return run_file(shell, path, argv, env, io)
    except _Unrunnable as exc:
        if exc.kind == "denied":
            shell.error(io, f"{name}: Permission denied")
            return 126
        shell.error(io, dialects.not_found(shell.dialect, name))
        return 127


def exec_process(shell: Shell, argv: list[str], io: IO) -> int:
    """What runc does with a container's argv: find the file or raise ExecNotFound."""
    name = argv[0]
    env = shell.environ()
    if "/" in name:
        path = join(shell.cwd, name)
        try:
            shell.fs.stat(path)
        except FsError as exc:
            message = f'exec: "{name}": stat {name}: {exc.strerror.lower()}'
            raise ExecNotFound(name, message) from exc
    else:
        found = search_path(shell.fs, name, env.get("PATH", DEFAULT_PATH), shell.cwd)
        if found is None:
            raise ExecNotFound(name, f'exec: "{name}": executable file not found in $PATH')
        path = found
    try:
        return run_file(shell, path, argv, env, io, from_runtime=True)
    except _Unrunnable as exc:
        if exc.kind == "denied":
            raise ExecNotFound(name, f'exec: "{name}": permission denied') from exc
        if exc.kind == "format":
            raise ExecNotFound(name, f"exec {name}: exec format error") from exc
        message = f'exec: "{name}": stat {name}: no such file or directory'
        raise ExecNotFound(name, message) from exc


def run_file(
    shell: Shell,
    path: str,
    argv: list[str],
    env: dict[str, str],
    io: IO,
    from_runtime: bool = False,
) -> int:
    fs = shell.fs
    try:
        stat = fs.stat(path)
    except FsError as exc:
        raise _Unrunnable("notfound") from exc
    if stat.kind != "file" or not stat.mode & 0o111:
        raise _Unrunnable("denied")
    head = fs.read(path, 0, 256)
    if head.startswith(b"#!"):
        return _run_interpreter(shell, head, argv, env, io, from_runtime)
    name, argv = _applet(fs, path, argv)
    if name is not None:
        binary = basename(final_target(fs, path))
        return run_program(shell, name, argv, env, io, binary)
    if b"\0" not in head and not head.startswith(b"\x7fELF"):
        if from_runtime:
            raise _Unrunnable("format")
        return run_program(shell, "sh", ["sh", *argv], env, io)  # dash runs it as a script
    raise NotSimulated(f"{argv[0]}: the program {path} is not simulated by the oracle")


def _applet(fs: FileSystem, path: str, argv: list[str]) -> tuple[str | None, list[str]]:
    invoked = basename(argv[0])
    target = basename(final_target(fs, path))
    if target == "busybox":
        if invoked == "busybox":
            if len(argv) < 2:
                return None, argv
            argv = argv[1:]
            invoked = basename(argv[0])
        return (invoked if invoked in PROGRAMS else None), argv
    if invoked in PROGRAMS:
        return invoked, argv
    if target in PROGRAMS:
        return target, argv
    return None, argv


def _run_interpreter(
    shell: Shell, head: bytes, argv: list[str], env: dict[str, str], io: IO, from_runtime: bool
) -> int:
    """`#!/bin/sh -e` runs `/bin/sh -e SCRIPT ARGS...` (one optional argument, as Linux does)."""
    line = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    interpreter, _, argument = line.partition(" ")
    argument = argument.strip()
    new_argv = [interpreter, *([argument] if argument else []), argv[0], *argv[1:]]
    if shell.host and not _lexists(shell.fs, interpreter):
        if basename(interpreter) in PROGRAMS:
            return run_program(shell, basename(interpreter), new_argv, env, io)
        raise NotSimulated(f"{argv[0]}: the interpreter {interpreter} is not simulated")
    shell.budget.check_depth(shell.depth + 1)
    return run_file(shell, interpreter, new_argv, env, io, from_runtime)


def run_program(
    shell: Shell,
    name: str,
    argv: list[str],
    env: dict[str, str],
    io: IO,
    binary: str | None = None,
    builtin: bool = False,
) -> int:
    """A simulated program, reporting GNU-style usage errors. `binary` is the basename of the
    file it runs from (`busybox`, `dash`), None on the host."""
    invocation = Invocation(shell, argv, env, io, binary, builtin)
    try:
        return PROGRAMS[name](invocation)
    except UsageError as exc:
        invocation.err(str(exc))
        invocation.stderr.write_text(f"Try '{argv[0]} --help' for more information.\n")
        return exc.status


def _host_command(
    shell: Shell, command: object, argv: list[str], env: dict[str, str], io: IO
) -> int:
    shell.budget.host_command()
    stdin = io.stdin.read_all()
    context = CommandContext(env=env, cwd=shell.cwd, fs=shell.fs, shell=shell, io=io)
    status, out, err = command(argv, stdin, context)  # type: ignore[operator]
    io.stdout.write(out)
    io.stderr.write(err)
    return status


def _lexists(fs: FileSystem, path: str) -> bool:
    try:
        fs.stat(path, follow_symlinks=False)
    except FsError:
        return False
    return True
