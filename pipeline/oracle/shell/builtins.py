"""dash's built-in commands: the ones that change the shell itself (cd, export, set, exit...) and
the ones dash runs without a file (echo, printf, test, true...), so they work in any container
that has a /bin/sh. Messages follow dash: `sh: 1: cd: can't cd to x`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.paths import join, normalise
from pipeline.oracle.shell import dialect as dialects
from pipeline.oracle.shell.interpreter import (
    IO,
    NAME,
    ExitShell,
    LoopControl,
    ReturnFromFunction,
    Shell,
)
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs import PROGRAMS
from pipeline.oracle.shell.programs.test import TestError, evaluate

Builtin = Callable[[Shell, list[str], IO], int]


def _number(shell: Shell, io: IO, name: str, text: str) -> int:
    if not text.isdigit():
        shell.error(io, f"{name}: Illegal number: {text}")
        raise ExitShell(2)
    return int(text)


# -- special built-ins: their assignments persist, errors are fatal ---------------------------


def colon(shell: Shell, argv: list[str], io: IO) -> int:
    return 0


def exit_(shell: Shell, argv: list[str], io: IO) -> int:
    code = _number(shell, io, "exit", argv[1]) if len(argv) > 1 else shell.status
    raise ExitShell(code & 0xFF)


def return_(shell: Shell, argv: list[str], io: IO) -> int:
    code = _number(shell, io, "return", argv[1]) if len(argv) > 1 else shell.status
    raise ReturnFromFunction(code & 0xFF)


def _loop_control(is_break: bool) -> Builtin:
    def control(shell: Shell, argv: list[str], io: IO) -> int:
        levels = _number(shell, io, argv[0], argv[1]) if len(argv) > 1 else 1
        if levels < 1:
            shell.error(io, f"{argv[0]}: Illegal number: {argv[1]}")
            raise ExitShell(2)
        raise LoopControl(levels, is_break)

    return control


def _shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def export(shell: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if not args or args == ["-p"]:
        for name in sorted(shell.exported):
            if name in shell.vars:
                io.stdout.write_text(f"export {name}={_shell_quote(shell.vars[name])}\n")
            else:
                io.stdout.write_text(f"export {name}\n")
        return 0
    for arg in args:
        name, eq, value = arg.partition("=")
        if not NAME.fullmatch(name):
            shell.error(io, f"export: {name}: bad variable name")
            raise ExitShell(2)
        if eq:
            shell.set_var(name, value)
        shell.exported.add(name)
    return 0


def readonly(shell: Shell, argv: list[str], io: IO) -> int:
    for arg in argv[1:]:
        name, eq, value = arg.partition("=")
        if eq:
            shell.set_var(name, value)
    return 0


def unset(shell: Shell, argv: list[str], io: IO) -> int:
    functions = False
    for arg in argv[1:]:
        if arg in ("-v", "-f"):
            functions = arg == "-f"
            continue
        if functions:
            shell.functions.pop(arg, None)
        else:
            shell.vars.pop(arg, None)
            shell.exported.discard(arg)
    return 0


_SET_FLAGS = {"e": "errexit", "u": "nounset", "x": "xtrace", "f": "noglob"}


def set_(shell: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if not args:
        for name in sorted(shell.vars):
            io.stdout.write_text(f"{name}={_shell_quote(shell.vars[name])}\n")
        return 0
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            shell.positional = args[i + 1 :]
            return 0
        if arg in ("-o", "+o"):
            option = args[i + 1] if i + 1 < len(args) else ""
            if option not in ("errexit", "nounset", "xtrace", "noglob", "pipefail"):
                raise NotSimulated(f"set -o {option} is not simulated by the oracle")
            setattr(shell.options, option, arg == "-o")
            i += 2
            continue
        if arg[:1] in "-+" and len(arg) > 1:
            for letter in arg[1:]:
                if letter not in _SET_FLAGS:
                    raise NotSimulated(f"set -{letter} is not simulated by the oracle")
                setattr(shell.options, _SET_FLAGS[letter], arg[0] == "-")
            i += 1
            continue
        shell.positional = args[i:]
        return 0
    return 0


def shift(shell: Shell, argv: list[str], io: IO) -> int:
    count = _number(shell, io, "shift", argv[1]) if len(argv) > 1 else 1
    if count > len(shell.positional):
        shell.error(io, "shift: can't shift that many")
        raise ExitShell(2)
    shell.positional = shell.positional[count:]
    return 0


def eval_(shell: Shell, argv: list[str], io: IO) -> int:
    script = " ".join(argv[1:])
    shell.depth += 1
    try:
        shell.budget.check_depth(shell.depth)
        return _run_nested(shell, script, io)
    finally:
        shell.depth -= 1


def _run_nested(shell: Shell, script: str, io: IO) -> int:
    from pipeline.oracle.shell.lexer import ShellSyntaxError
    from pipeline.oracle.shell.parser import Parser

    parser = Parser(script, shell.lineno, shell.budget.limits.max_depth)
    status = 0
    while True:
        try:
            node = parser.parse_complete_command()
        except ShellSyntaxError as exc:
            shell.error(io, str(exc))
            raise ExitShell(2) from exc
        if node is None:
            return status
        status = shell.execute(node, io)


def dot(shell: Shell, argv: list[str], io: IO) -> int:
    if len(argv) < 2:
        return 0
    name = argv[1]
    path = join(shell.cwd, name) if "/" in name else _find_dot(shell, name)
    try:
        script = shell.fs.read(path).decode("utf-8", "surrogateescape")
    except FsError:
        shell.error(io, f".: cannot open {name}: No such file")
        raise ExitShell(2) from None
    saved = shell.positional
    if len(argv) > 2:
        shell.positional = argv[2:]
    shell.depth += 1
    try:
        shell.budget.check_depth(shell.depth)
        return _run_nested(shell, script, io)
    except ReturnFromFunction as ret:
        return ret.code
    finally:
        shell.depth -= 1
        shell.positional = saved


def _find_dot(shell: Shell, name: str) -> str:
    for directory in (shell.get_var("PATH") or "").split(":"):
        candidate = join(shell.cwd, directory or ".").rstrip("/") + "/" + name
        if shell.fs.exists(candidate):
            return candidate
    return join(shell.cwd, name)


def exec_(shell: Shell, argv: list[str], io: IO) -> int:
    if len(argv) < 2:
        return 0  # `exec` with only redirections is handled where they are opened
    raise ExitShell(shell.run_external(argv[1:], shell.environ(), io))


def trap(shell: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if len(args) >= 2:
        for signal in args[1:]:
            if signal in ("EXIT", "0"):
                shell.traps["EXIT"] = args[0]
            elif args[0] not in ("", "-"):
                raise NotSimulated(f"trap on {signal} is not simulated by the oracle")
    return 0


def local(shell: Shell, argv: list[str], io: IO) -> int:
    if not shell.locals:
        shell.error(io, "local: not in a function")
        return 2
    scope = shell.locals[-1]
    for arg in argv[1:]:
        name, eq, value = arg.partition("=")
        if name not in scope:
            scope[name] = shell.vars.get(name)
        if eq:
            shell.set_var(name, value)
    return 0


# -- regular built-ins ------------------------------------------------------------------------


def cd(shell: Shell, argv: list[str], io: IO) -> int:
    args = [a for a in argv[1:] if a not in ("-L", "-P")]
    target = args[0] if args else shell.get_var("HOME") or "/"
    show = False
    if target == "-":
        target = shell.get_var("OLDPWD") or shell.cwd
        show = True
    path = normalise(join(shell.cwd, target))
    try:
        errno = "" if shell.fs.stat(path).kind == "dir" else "ENOTDIR"
    except FsError as exc:
        errno = exc.errno
    if errno:
        shell.error(io, dialects.cannot_cd(shell.dialect, target, errno))
        return 2 if shell.dialect != "bash" else 1
    shell.vars["OLDPWD"] = shell.cwd
    shell.cwd = path
    shell.vars["PWD"] = path
    if show:
        io.stdout.write_text(path + "\n")
    return 0


def pwd(shell: Shell, argv: list[str], io: IO) -> int:
    """The logical directory; `-P` (the last of -L/-P wins) resolves its symlinks."""
    flags = [a for a in argv[1:] if a in ("-L", "-P")]
    path = shell.cwd
    if flags and flags[-1] == "-P":
        resolve = getattr(shell.fs, "resolve", None)
        with contextlib.suppress(FsError):
            path = resolve(path) if resolve is not None else path
    io.stdout.write_text(path + "\n")
    return 0


def test(shell: Shell, argv: list[str], io: IO) -> int:
    try:
        return 0 if evaluate(argv, shell.fs, shell.cwd, shell.ids()[0]) else 1
    except TestError as exc:
        shell.error(io, f"{argv[0]}: {exc}")
        return 2


def read(shell: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    raw = False
    while args and args[0].startswith("-"):
        if args[0] != "-r":
            raise NotSimulated(f"read {args[0]} is not simulated by the oracle")
        raw = True
        args = args[1:]
    names = args or ["REPLY"]
    line, complete = io.stdin.readline()
    if not raw:
        line = _join_continuations(line)
    text = line.decode("utf-8", "surrogateescape").rstrip("\n")
    ifs = shell.get_var("IFS")
    ifs = " \t\n" if ifs is None else ifs
    white = "".join(c for c in ifs if c in " \t\n")
    fields = text.strip(white).split(None, len(names) - 1) if ifs == " \t\n" else None
    if fields is None:
        fields = _split_read(text.strip(white), ifs, len(names))
    for index, name in enumerate(names):
        value = fields[index] if index < len(fields) else ""
        if not raw:
            value = value.replace("\\", "")
        shell.set_var(name, value.rstrip(white) if index == len(names) - 1 else value)
    return 0 if complete else 1


def _join_continuations(line: bytes) -> bytes:
    return line.replace(b"\\\n", b"")


def _split_read(text: str, ifs: str, count: int) -> list[str]:
    fields: list[str] = []
    current = ""
    for i, c in enumerate(text):
        if c in ifs and len(fields) < count - 1:
            fields.append(current)
            current = ""
            if len(fields) == count - 1:
                return [*fields, text[i + 1 :]]
        else:
            current += c
    return [*fields, current]


def command(shell: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if args and args[0] in ("-v", "-V"):
        status = 0
        for name in args[1:]:
            found = describe(shell, name)
            if found is None:
                status = 1
            elif args[0] == "-v":
                io.stdout.write_text((found if found.startswith("/") else name) + "\n")
            else:
                io.stdout.write_text(_type_line(name, found) + "\n")
        return status
    if not args:
        return 0
    builtin = BUILTINS.get(args[0]) or SPECIAL_BUILTINS.get(args[0])
    if builtin is not None:
        return builtin(shell, args, io)
    return shell.run_external(args, shell.environ(), io)


def describe(shell: Shell, name: str) -> str | None:
    """`builtin`, `function`, `keyword`, a path, or None when not found."""
    from pipeline.oracle.shell.parser import RESERVED
    from pipeline.oracle.shell.resolve import search_path

    if name in RESERVED:
        return "keyword"
    if name in shell.functions:
        return "function"
    if name in BUILTINS or name in SPECIAL_BUILTINS:
        return "special" if name in SPECIAL_BUILTINS else "builtin"
    if "/" in name:
        return name if shell.fs.exists(join(shell.cwd, name)) else None
    found = search_path(shell.fs, name, shell.get_var("PATH") or "", shell.cwd)
    if found is None and shell.host and (name in PROGRAMS or name in shell.commands):
        return "/usr/bin/" + name
    return found


def _type_line(name: str, found: str) -> str:
    return {
        "keyword": f"{name} is a shell keyword",
        "function": f"{name} is a shell function",
        "builtin": f"{name} is a shell builtin",
        "special": f"{name} is a special shell builtin",
    }.get(found, f"{name} is {found}")


def type_(shell: Shell, argv: list[str], io: IO) -> int:
    status = 0
    for name in argv[1:]:
        found = describe(shell, name)
        if found is None:
            io.stdout.write_text(f"{name}: not found\n")
            status = 127
        else:
            io.stdout.write_text(_type_line(name, found) + "\n")
    return status


def umask(shell: Shell, argv: list[str], io: IO) -> int:
    if len(argv) < 2:
        io.stdout.write_text(f"{shell.umask:04o}\n")
        return 0
    if not all(c in "01234567" for c in argv[1]):
        raise NotSimulated("symbolic umask is not simulated by the oracle")
    shell.umask = int(argv[1], 8)
    return 0


def noop(shell: Shell, argv: list[str], io: IO) -> int:
    return 0


def _program(name: str) -> Builtin:
    """A builtin that behaves as the program of the same name (echo, printf, true...)."""

    def run(shell: Shell, argv: list[str], io: IO) -> int:
        from pipeline.oracle.shell.resolve import run_program

        return run_program(shell, name, argv, shell.environ(), io, builtin=True)

    return run


SPECIAL_BUILTINS: dict[str, Builtin] = {
    ":": colon,
    ".": dot,
    "break": _loop_control(True),
    "continue": _loop_control(False),
    "eval": eval_,
    "exec": exec_,
    "exit": exit_,
    "export": export,
    "readonly": readonly,
    "return": return_,
    "set": set_,
    "shift": shift,
    "trap": trap,
    "unset": unset,
    "local": local,
}

BUILTINS: dict[str, Builtin] = {
    "cd": cd,
    "pwd": pwd,
    "test": test,
    "[": test,
    "read": read,
    "command": command,
    "type": type_,
    "umask": umask,
    "wait": noop,
    "hash": noop,
    "echo": _program("echo"),
    "printf": _program("printf"),
    "true": _program("true"),
    "false": _program("false"),
}
