"""Programs about processes and the environment: sh, env, printenv, xargs, sleep, id, whoami,
hostname, uname, which, test/[ as files, and the hash sums."""

from __future__ import annotations

import hashlib

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import (
    Invocation,
    UsageError,
    getopt,
    program,
    quote,
    quote_if_needed,
)
from pipeline.oracle.shell.programs.test import TestError, evaluate
from pipeline.oracle.shell.streams import Source
from pipeline.oracle.shell.users import group_name, groups, user_name

# -- the shell --------------------------------------------------------------------------------

_SHELL_FLAGS = {"e": "errexit", "u": "nounset", "x": "xtrace", "f": "noglob"}


@program("sh", "dash", "ash", "bash")
def sh(inv: Invocation) -> int:
    """`sh -c 'script' [name [args...]]`, `sh script [args...]`, or a script on stdin."""
    args = inv.argv[1:]
    command: str | None = None
    flags: dict[str, bool] = {}
    pipefail = False
    while args and args[0][:1] in "-+" and args[0] not in ("-", "--"):
        arg = args.pop(0)
        if arg in ("-o", "+o"):
            option = args.pop(0) if args else ""
            if option == "pipefail":
                pipefail = arg == "-o"
            elif option in _SHELL_FLAGS.values():
                flags[option] = arg == "-o"
            else:
                raise NotSimulated(f"{inv.name}: option -o {option} is not simulated")
            continue
        if arg in ("--login", "--norc", "--noprofile", "--posix"):
            continue
        for letter in arg[1:]:
            if letter == "c":
                command = ""
            elif letter in _SHELL_FLAGS:
                flags[_SHELL_FLAGS[letter]] = arg[0] == "-"
            elif letter in "lsi":
                continue  # login, stdin, interactive: nothing to change in a simulation
            else:
                raise NotSimulated(f"{inv.name}: option -{letter} is not simulated by the oracle")
    if args and args[0] == "--":
        args.pop(0)
    name = inv.argv[0]
    if command is not None:
        if not args:
            inv.err(
                "-c requires an argument"
                if inv.name.endswith("bash")
                else "-c: option requires an argument"
            )
            return 2
        script = args.pop(0)
        if args:
            name = args.pop(0)
    elif args and args[0] != "-":
        script_name = args.pop(0)
        try:
            data = inv.fs.read(inv.path(script_name))
        except FsError:
            inv.stderr.write_text(f"{inv.name}: 0: cannot open {script_name}: No such file\n")
            return 2
        script = data.decode("utf-8", "surrogateescape")
        name = script_name
    else:
        script = inv.stdin.read_all().decode("utf-8", "surrogateescape")
    from pipeline.oracle.shell.dialect import for_binary

    child = inv.shell.spawn(inv.env, name, for_binary(inv.binary, inv.name))
    child.positional = list(args)
    for option, value in flags.items():
        setattr(child.options, option, value)
    child.options.pipefail = pipefail
    return child.run_script(script, inv.io)


# -- environment ------------------------------------------------------------------------------


@program("env")
def env(inv: Invocation) -> int:
    args = inv.argv[1:]
    environment = dict(inv.env)
    while args:
        arg = args[0]
        if arg in ("-i", "--ignore-environment", "-"):
            environment = {}
        elif arg in ("-u", "--unset"):
            args.pop(0)
            if args:
                environment.pop(args[0], None)
        elif arg.startswith("-u"):
            environment.pop(arg[2:], None)
        elif "=" in arg and not arg.startswith("="):
            key, _, value = arg.partition("=")
            environment[key] = value
        elif arg == "--":
            args.pop(0)
            break
        elif arg.startswith("-"):
            raise NotSimulated(f"{inv.name}: option {quote(arg)} is not simulated by the oracle")
        else:
            break
        args.pop(0)
    if not args:
        inv.out("".join(f"{k}={v}\n" for k, v in environment.items()))
        return 0
    return inv.run(args, env=environment)


@program("printenv")
def printenv(inv: Invocation) -> int:
    names = inv.argv[1:]
    if not names:
        inv.out("".join(f"{k}={v}\n" for k, v in inv.env.items()))
        return 0
    status = 0
    for name in names:
        if name in inv.env:
            inv.out(inv.env[name] + "\n")
        else:
            status = 1
    return status


@program("xargs")
def xargs(inv: Invocation) -> int:
    opts, command = getopt(
        inv,
        inv.argv[1:],
        "n:I:0rtd:L:",
        {"max-args=": "n", "null": "0", "no-run-if-empty": "r"},
        permute=False,
    )
    keys = dict(opts)
    command = command or ["echo"]
    data = inv.stdin.read_all().decode("utf-8", "surrogateescape")
    if "0" in keys:
        items = [item for item in data.split("\0") if item]
    elif "d" in keys:
        items = [item for item in data.split(keys["d"]) if item]
    elif "I" in keys or "L" in keys:
        items = [line for line in data.split("\n") if line.strip()]
    else:
        items = _xargs_words(data)
    status = 0
    if "I" in keys:
        marker = keys["I"]
        for item in items:
            argv = [part.replace(marker, item) for part in command]
            status = max(status, _xargs_run(inv, argv, keys))
        return status
    size = int(keys.get("n", keys.get("L", 0)) or 0) or max(len(items), 1)
    if not items:
        return 0 if "r" in keys else _xargs_run(inv, command, keys)
    for start in range(0, len(items), size):
        status = max(status, _xargs_run(inv, [*command, *items[start : start + size]], keys))
    return status


def _xargs_words(data: str) -> list[str]:
    """Blank-separated words with xargs's quoting: '...', "..." and backslash."""
    words: list[str] = []
    current: list[str] = []
    quote_char = ""
    in_word = False
    i = 0
    while i < len(data):
        c = data[i]
        if quote_char:
            if c == quote_char:
                quote_char = ""
            else:
                current.append(c)
        elif c in "'\"":
            quote_char = c
            in_word = True
        elif c == "\\" and i + 1 < len(data):
            current.append(data[i + 1])
            in_word = True
            i += 1
        elif c in " \t\n":
            if in_word:
                words.append("".join(current))
                current = []
                in_word = False
        else:
            current.append(c)
            in_word = True
        i += 1
    if in_word:
        words.append("".join(current))
    return words


def _xargs_run(inv: Invocation, argv: list[str], keys: dict[str, str]) -> int:
    if "t" in keys:
        inv.stderr.write_text(" ".join(argv) + "\n")
    status = inv.run(argv, stdin=Source(budget=inv.budget))
    if status == 127 or status == 126:
        return status
    return 123 if status else 0


# -- processes and identity -------------------------------------------------------------------


@program("sleep")
def sleep(inv: Invocation) -> int:
    """Time does not pass in the simulation; a running sleep keeps a detached container up."""
    if len(inv.argv) < 2:
        raise UsageError("missing operand")
    for arg in inv.argv[1:]:
        if arg != "infinity" and not _duration(arg) and _duration(arg) is None:
            inv.err(f"invalid time interval {quote(arg)}")
            inv.stderr.write_text(f"Try '{inv.name} --help' for more information.\n")
            return 1
    inv.shell.shared.long_running = True
    return 0


def _duration(text: str) -> float | None:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "s")
    try:
        return float(number) * units[unit]
    except ValueError:
        return None


@program("id")
def id_(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "ugnG", {"user": "u", "group": "g", "name": "n"})
    keys = {k for k, _ in opts}
    if operands:
        from pipeline.oracle.shell.users import find_user

        found = find_user(inv.fs, operands[0])
        if found is None:
            inv.err(f"{quote(operands[0])}: no such user")
            return 1
        uid, gid = found
    else:
        uid, gid = inv.shell.ids()
    fs = inv.fs
    if "u" in keys:
        inv.out((user_name(fs, uid) if "n" in keys else str(uid)) + "\n")
        return 0
    if "g" in keys:
        inv.out((group_name(fs, gid) if "n" in keys else str(gid)) + "\n")
        return 0
    extra = _supplementary(inv, user_name(fs, uid), gid)
    if "G" in keys:
        ids = [gid, *extra]
        inv.out(" ".join(group_name(fs, g) if "n" in keys else str(g) for g in ids) + "\n")
        return 0
    listed = ",".join(f"{g}({group_name(fs, g)})" for g in [gid, *extra])
    inv.out(f"uid={uid}({user_name(fs, uid)}) gid={gid}({group_name(fs, gid)}) groups={listed}\n")
    return 0


def _supplementary(inv: Invocation, user: str, primary: int) -> list[int]:
    out = []
    for row in groups(inv.fs):
        members = row[3].split(",") if len(row) > 3 and row[3] else []
        if user in members and row[2].isdigit() and int(row[2]) != primary:
            out.append(int(row[2]))
    return sorted(set(out))


@program("whoami")
def whoami(inv: Invocation) -> int:
    inv.out(user_name(inv.fs, inv.shell.ids()[0]) + "\n")
    return 0


@program("hostname")
def hostname(inv: Invocation) -> int:
    try:
        name = inv.fs.read("/etc/hostname").decode().strip()
    except FsError:
        name = "localhost"
    inv.out(name + "\n")
    return 0


@program("uname")
def uname(inv: Invocation) -> int:
    opts, _ = getopt(inv, inv.argv[1:], "asnrmo", {})
    keys = {k for k, _ in opts} or {"s"}
    if "a" in keys:
        raise NotSimulated(f"{inv.name} -a depends on the machine; the oracle does not simulate it")
    values = {"s": "Linux", "m": "x86_64", "o": "GNU/Linux"}
    missing = keys - set(values)
    if missing:
        raise NotSimulated(f"{inv.name} -{''.join(sorted(missing))} depends on the machine")
    inv.out(" ".join(values[k] for k in "smo" if k in keys) + "\n")
    return 0


@program("which")
def which(inv: Invocation) -> int:
    from pipeline.oracle.shell.resolve import search_path

    status = 0
    for name in inv.argv[1:]:
        if "/" in name:
            found = name if inv.fs.exists(inv.path(name)) else None
        else:
            found = search_path(inv.fs, name, inv.env.get("PATH", ""), inv.cwd)
            if found is None and inv.shell.host and name in _known_programs():
                found = f"/usr/bin/{name}"
        if found is None:
            status = 1
        else:
            inv.out(found + "\n")
    return status


def _known_programs() -> set[str]:
    from pipeline.oracle.shell.programs.base import PROGRAMS

    return set(PROGRAMS)


@program("test", "[")
def test(inv: Invocation) -> int:
    try:
        return 0 if evaluate(inv.argv, inv.fs, inv.cwd, inv.shell.ids()[0]) else 1
    except TestError as exc:
        inv.err(str(exc))
        return 2


# -- hash sums --------------------------------------------------------------------------------


def _sum(inv: Invocation, algorithm: str) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "bctz", {"check": "c", "binary": "b", "text": "t"})
    if any(k == "c" for k, _ in opts):
        return _check(inv, algorithm, operands)
    status = 0
    for name in operands or ["-"]:
        try:
            source = inv.open_input(name)
        except FsError as exc:
            status = inv.fs_error(exc, quote_if_needed(name))
            continue
        inv.out(f"{_digest(source, algorithm)}  {name}\n")
    return status


def _digest(source: Source, algorithm: str) -> str:
    if algorithm == "sha256" and not source.endless:
        return source.as_content().sha256()  # streamed (and memoised for big zero runs)
    hasher = hashlib.new(algorithm)
    for chunk in source.chunks():
        hasher.update(chunk)
    return hasher.hexdigest()


def _check(inv: Invocation, algorithm: str, operands: list[str]) -> int:
    status = 0
    failures = 0
    for list_name in operands or ["-"]:
        try:
            listing = inv.open_input(list_name).read_all().decode("utf-8", "surrogateescape")
        except FsError as exc:
            status = inv.fs_error(exc, quote_if_needed(list_name))
            continue
        for line in listing.splitlines():
            digest, _, name = line.partition("  ")
            try:
                actual = _digest(inv.open_input(name), algorithm)
            except FsError as exc:
                inv.err(f"{name}: {exc.strerror}")
                inv.out(f"{name}: FAILED open or read\n")
                status = 1
                continue
            ok = actual == digest.lower()
            inv.out(f"{name}: {'OK' if ok else 'FAILED'}\n")
            if not ok:
                failures += 1
    if failures:
        plural = "s" if failures > 1 else ""
        inv.err(f"WARNING: {failures} computed checksum{plural} did NOT match")
        status = 1
    return status


@program("sha256sum")
def sha256sum(inv: Invocation) -> int:
    return _sum(inv, "sha256")


@program("sha1sum")
def sha1sum(inv: Invocation) -> int:
    return _sum(inv, "sha1")


@program("sha512sum")
def sha512sum(inv: Invocation) -> int:
    return _sum(inv, "sha512")


@program("md5sum")
def md5sum(inv: Invocation) -> int:
    return _sum(inv, "md5")


# -- time ---------------------------------------------------------------------------------------


@program("date")
def date(inv: Invocation) -> int:
    """The scenario's clock (the engine's), never the machine's: `date`, `date -u`, `+FORMAT`,
    `-I`, `+%s`. Setting or parsing dates (-d, -s) is not simulated."""
    from datetime import UTC, datetime

    clock = inv.shell.shared.clock
    if clock is None:
        raise NotSimulated(f"{inv.name}: this shell has no clock to read")
    fmt = "%a %b %e %H:%M:%S UTC %Y"
    for arg in inv.argv[1:]:
        if arg.startswith("+"):
            fmt = arg[1:]
        elif arg in ("-u", "--utc", "--universal"):
            continue
        elif arg in ("-I", "--iso-8601", "-Idate", "--iso-8601=date"):
            fmt = "%Y-%m-%d"
        elif arg in ("-Iseconds", "--iso-8601=seconds"):
            fmt = "%Y-%m-%dT%H:%M:%S+00:00"
        elif arg in ("-R", "--rfc-email"):
            fmt = "%a, %d %b %Y %H:%M:%S +0000"
        else:
            raise NotSimulated(f"{inv.name}: option {quote(arg)} is not simulated by the oracle")
    now = datetime.fromtimestamp(clock(), tz=UTC)
    fmt = fmt.replace("%N", "000000000").replace("%Z", "UTC").replace("%s", str(clock()))
    inv.out(now.strftime(fmt) + "\n")
    return 0
