"""Programs that create, copy, move and delete files (GNU coreutils 9.1 wording, C locale)."""

from __future__ import annotations

import re

from pipeline.oracle.content import Content
from pipeline.oracle.fsapi import FsError, Stat
from pipeline.oracle.paths import basename, normalise
from pipeline.oracle.shell import dates
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import (
    Invocation,
    UsageError,
    getopt,
    parse_size,
    program,
    quote,
    quote_if_needed,
)
from pipeline.oracle.shell.streams import as_content

# -- cat, tee ---------------------------------------------------------------------------------


@program("cat")
def cat(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "nuA", {"number": "n"})
    number = any(k == "n" for k, _ in opts)
    if any(k == "A" for k, _ in opts):
        raise NotSimulated(f"{inv.name}: option '-A' is not simulated by the oracle")
    status = 0
    line_no = 0
    for name in operands or ["-"]:
        try:
            source = inv.open_input(name)
        except FsError as exc:
            status = inv.open_error(exc, name)
            continue
        if number:
            data = source.read_all()
            lines = data.split(b"\n")
            out = bytearray()
            for i, line in enumerate(lines):
                if i == len(lines) - 1 and not line:
                    break
                line_no += 1
                out += f"{line_no:6d}\t".encode() + line + (b"\n" if i < len(lines) - 1 else b"")
            inv.stdout.write(bytes(out))
        elif source.endless:
            for chunk in source.chunks():
                inv.stdout.write(chunk)
        else:
            inv.stdout.write_content(source.as_content())
    return status


@program("tee")
def tee(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "a", {"append": "a"})
    append = bool(opts)
    data = inv.stdin.as_content()
    inv.stdout.write_content(data)
    status = 0
    for name in operands:
        path = inv.path(name)
        try:
            existed = inv.fs.exists(path)
            old = as_content(inv.fs.content(path)) if append and existed else Content.empty()
            inv.fs.write_content(path, old.append(data))
            if not existed:
                inv.own(name)
        except FsError as exc:
            status = inv.fs_error(exc, quote_if_needed(name))
    return status


# -- touch, mkdir, rmdir, rm ------------------------------------------------------------------


@program("touch")
def touch(inv: Invocation) -> int:
    """touch [-acm] [-d DATE | -t STAMP | -r FILE] FILE...: the new time comes from the
    scenario's clock or `dates.py` (UTC), never the machine. Only mtime is modelled, so `-a`
    alone changes no time shown."""
    long = {"no-create": "c", "date=": "d", "reference=": "r", "time=": "T"}
    opts, operands = getopt(inv, inv.argv[1:], "acmd:t:r:", long)
    if any(k == "T" for k, _ in opts):
        raise NotSimulated(f"{inv.name}: option '--time' is not simulated by the oracle")
    if not operands:
        raise UsageError("missing file operand")
    keys = {k for k, _ in opts}
    mtime = _touch_time(inv, opts)
    if mtime is False:
        return 1
    only_atime = "a" in keys and "m" not in keys
    status = 0
    for name in operands:
        path = inv.path(name)
        try:
            existed = inv.fs.exists(path)
            if existed and only_atime:
                continue
            if existed or "c" not in keys:
                inv.fs.touch(path, mtime)
                if not existed:
                    inv.own(name)
        except FsError as exc:
            status = inv.fail(
                f"cannot touch {quote(name)}: {exc.strerror}", f"{name}: {exc.strerror}"
            )
    return status


def _touch_time(inv: Invocation, opts: list[tuple[str, str]]) -> int | None | bool:
    """The time -d, -t or -r asks for; None for now; False after printing the error."""
    sources = [(k, v) for k, v in opts if k in "dtr"]
    if not sources:
        return None
    if len({k for k, _ in sources}) > 1:
        if inv.binary != "busybox":
            raise UsageError("cannot specify times from more than one source")
        raise NotSimulated(f"{inv.name}: several of -d, -t, -r are not simulated by the oracle")
    kind, value = sources[-1]
    busybox = inv.binary == "busybox"
    if kind == "r":
        try:
            return inv.stat(value).mtime
        except FsError as exc:
            what = (
                f"can't stat '{value}'"
                if busybox
                else f"failed to get attributes of {quote(value)}"
            )
            inv.err(f"{what}: {exc.strerror}")
            return False
    clock = inv.shell.shared.clock
    if clock is None:
        raise NotSimulated(f"{inv.name}: this shell has no clock to read")
    try:
        if kind == "t" or (busybox and re.fullmatch(r"[0-9.]+", value)):
            stamp = dates.parse_stamp(value, clock())
            if stamp is None:
                raise dates.InvalidDate
            return stamp
        return dates.parse_date(value, clock(), busybox)
    except NotSimulated as exc:
        raise NotSimulated(f"{inv.name}: {exc}") from None
    except dates.InvalidDate:
        inv.err(f"invalid date '{value}'" if busybox else f"invalid date format {quote(value)}")
        return False


@program("mkdir")
def mkdir(inv: Invocation) -> int:
    opts, operands = getopt(
        inv, inv.argv[1:], "pvm:", {"parents": "p", "verbose": "v", "mode=": "m"}
    )
    if not operands:
        raise UsageError("missing operand")
    keys = dict(opts)
    mode = 0o777 & ~inv.shell.umask
    if "m" in keys:
        parsed = _mode_argument(keys["m"], 0o777, True, inv.shell.umask)
        if parsed is None:
            inv.err(f"invalid mode {quote(keys['m'])}")
            return 1
        mode = parsed
    status = 0
    for name in operands:
        try:
            if "p" in keys:
                _mkdir_parents(inv, name, mode, "v" in keys)
            else:
                inv.fs.mkdir(inv.path(name), mode)
                inv.own(name)
                if "v" in keys:
                    inv.out(f"{inv.name}: created directory {quote(name)}\n")
        except _Failed as exc:
            status = _mkdir_failed(inv, exc.name, exc.reason)
        except FsError as exc:
            status = _mkdir_failed(inv, name, exc.strerror)
    return status


class _Failed(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name)
        self.name = name
        self.reason = reason


def _mkdir_parents(inv: Invocation, name: str, mode: int, verbose: bool) -> None:
    parts = [p for p in name.split("/") if p]
    prefix = "/" if name.startswith("/") else ""
    for index, part in enumerate(parts):
        prefix = f"{prefix}{part}" if prefix in ("", "/") else f"{prefix}/{part}"
        last = index == len(parts) - 1
        path = inv.path(prefix)
        try:
            stat = inv.fs.stat(path)
        except FsError:
            stat = None
        if stat is not None:
            if stat.kind != "dir":
                raise _Failed(prefix, "File exists" if last else "Not a directory")
            continue
        try:
            inv.fs.mkdir(path, mode if last else 0o755 & ~inv.shell.umask | 0o300)
        except FsError as exc:
            raise _Failed(prefix, exc.strerror) from exc
        inv.own(prefix)
        if verbose:
            inv.out(f"{inv.name}: created directory {quote(prefix)}\n")


@program("rmdir")
def rmdir(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "pv", {"parents": "p", "verbose": "v"})
    if not operands:
        raise UsageError("missing operand")
    status = 0
    for name in operands:
        try:
            stat = inv.lstat(name)
            if stat.kind != "dir":
                raise FsError("ENOTDIR", name)
            if inv.fs.listdir(inv.path(name)):
                raise FsError("ENOTEMPTY", name)
            inv.fs.remove(inv.path(name))
        except FsError as exc:
            status = inv.fail(
                f"failed to remove {quote(name)}: {exc.strerror}", f"'{name}': {exc.strerror}"
            )
    return status


@program("rm")
def rm(inv: Invocation) -> int:
    long = {
        "recursive": "r",
        "force": "f",
        "verbose": "v",
        "dir": "d",
        "no-preserve-root": "N",
    }
    opts, operands = getopt(inv, inv.argv[1:], "rRfvdI", long)
    keys = {("r" if k == "R" else k) for k, _ in opts}
    if "I" in keys:
        keys.discard("I")
    if not operands:
        if "f" in keys:
            return 0
        raise UsageError("missing operand")
    status = 0
    for name in operands:
        if "r" in keys and normalise(inv.path(name)) == "/" and "N" not in keys:
            inv.err(f"it is dangerous to operate recursively on {quote('/')}")
            inv.err("use --no-preserve-root to override this failsafe")
            status = 1
            continue
        if basename(name) in (".", ".."):
            inv.err(f"refusing to remove '.' or '..' directory: skipping {quote(name)}")
            status = 1
            continue
        status |= _remove(inv, name, keys)
    return status


def _remove(inv: Invocation, name: str, keys: set[str]) -> int:
    try:
        stat = inv.lstat(name)
    except FsError as exc:
        if "f" in keys and exc.errno == "ENOENT":
            return 0
        return _rm_failed(inv, name, exc)
    path = inv.path(name)
    try:
        if stat.kind == "dir":
            if "r" not in keys:
                if "d" in keys:
                    if inv.fs.listdir(path):
                        raise FsError("ENOTEMPTY", name)
                    inv.fs.remove(path)
                    _verbose_removed(inv, name, True, keys)
                    return 0
                raise FsError("EISDIR", name)
            if "v" in keys:
                status = 0
                for child in inv.fs.listdir(path):
                    status |= _remove(inv, f"{name.rstrip('/')}/{child}", keys)
                inv.fs.remove(path)
                _verbose_removed(inv, name, True, keys)
                return status
            inv.fs.remove(path, recursive=True)
            return 0
        inv.fs.remove(path)
        _verbose_removed(inv, name, False, keys)
    except FsError as exc:
        return _rm_failed(inv, name, exc)
    return 0


def _rm_failed(inv: Invocation, name: str, exc: FsError) -> int:
    """GNU `cannot remove 'x': ...`; BusyBox remove_file: `can't remove 'x': ...`, and
    `'d' is a directory` without -r."""
    if exc.errno == "EISDIR":
        return inv.fail(f"cannot remove {quote(name)}: {exc.strerror}", f"'{name}' is a directory")
    return inv.fail(
        f"cannot remove {quote(name)}: {exc.strerror}", f"can't remove '{name}': {exc.strerror}"
    )


def _mkdir_failed(inv: Invocation, name: str, reason: str) -> int:
    """GNU `cannot create directory 'x': ...`; BusyBox make_directory `can't create ...`."""
    return inv.fail(
        f"cannot create directory {quote(name)}: {reason}",
        f"can't create directory '{name}': {reason}",
    )


def _verbose_removed(inv: Invocation, name: str, directory: bool, keys: set[str]) -> None:
    if "v" in keys:
        inv.out(f"removed {'directory ' if directory else ''}{quote(name)}\n")


# -- cp, mv, ln -------------------------------------------------------------------------------


def _targets(inv: Invocation, operands: list[str], what: str) -> list[tuple[str, str]] | None:
    """(source, destination) pairs: `SRC DEST`, or `SRC... DIR`."""
    if not operands:
        raise UsageError("missing file operand")
    if len(operands) == 1:
        raise UsageError(f"missing destination file operand after {quote(operands[0])}")
    *sources, dest = operands
    dest_is_dir = _is_dir(inv, dest)
    if len(sources) > 1 and not dest_is_dir:
        try:
            inv.stat(dest)
            inv.err(f"target {quote(dest)}: Not a directory")
        except FsError as exc:
            inv.err(f"target {quote(dest)}: {exc.strerror}")
        return None
    if dest_is_dir:
        return [(src, f"{dest.rstrip('/')}/{basename(src)}") for src in sources]
    return [(sources[0], dest)]


def _is_dir(inv: Invocation, name: str) -> bool:
    try:
        return inv.stat(name).kind == "dir"
    except FsError:
        return False


def _same(inv: Invocation, a: str, b: str) -> bool:
    resolve = getattr(inv.fs, "resolve", None)
    try:
        if resolve is not None:
            return resolve(inv.path(a)) == resolve(inv.path(b))
    except FsError:
        return False
    return normalise(inv.path(a)) == normalise(inv.path(b))


@program("cp")
def cp(inv: Invocation) -> int:
    long = {
        "recursive": "r",
        "archive": "a",
        "force": "f",
        "verbose": "v",
        "no-clobber": "n",
        "preserve": "p",
        "dereference": "L",
        "no-dereference": "P",
    }
    opts, operands = getopt(inv, inv.argv[1:], "rRapfvnLPdT", long)
    keys = {("r" if k == "R" else k) for k, _ in opts}
    if "a" in keys:
        keys |= {"r", "p", "P"}
    pairs = _targets(inv, operands, "cp")
    if pairs is None:
        return 1
    status = 0
    for src, dest in pairs:
        status |= _copy(inv, src, dest, keys)
    return status


def _copy(inv: Invocation, src: str, dest: str, keys: set[str]) -> int:
    recursive = "r" in keys
    follow = "L" in keys or ("P" not in keys and not recursive)
    try:
        stat = inv.stat(src) if follow else inv.lstat(src)
    except FsError as exc:
        return inv.fail(
            f"cannot stat {quote(src)}: {exc.strerror}", f"can't stat '{src}': {exc.strerror}"
        )
    if stat.kind == "dir" and not recursive:
        inv.err(f"-r not specified; omitting directory {quote(src)}")
        return 1
    if stat.kind != "symlink" and _exists(inv, dest) and _same(inv, src, dest):
        inv.err(f"{quote(src)} and {quote(dest)} are the same file")
        return 1
    if stat.kind == "dir":
        source_path = normalise(inv.path(src))
        if (normalise(inv.path(dest)) + "/").startswith(source_path.rstrip("/") + "/"):
            inv.err(f"cannot copy a directory, {quote(src)}, into itself, {quote(dest)}")
            return 1
        return _copy_tree(inv, src, dest, keys)
    return _copy_entry(inv, src, dest, stat, keys)


def _exists(inv: Invocation, name: str) -> bool:
    try:
        inv.lstat(name)
    except FsError:
        return False
    return True


def _copy_entry(inv: Invocation, src: str, dest: str, stat: Stat, keys: set[str]) -> int:
    """One file or symlink."""
    fs = inv.fs
    try:
        existing = inv.stat(dest) if _exists(inv, dest) else None
    except FsError:
        existing = None
    if existing is not None and "n" in keys:
        return 0
    if existing is not None and existing.kind == "dir":
        inv.err(f"cannot overwrite directory {quote(dest)} with non-directory")
        return 1
    if dest.endswith("/") and existing is None:
        inv.err(f"cannot create regular file {quote(dest)}: Not a directory")
        return 1
    try:
        if stat.kind == "symlink":
            if _exists(inv, dest):
                fs.remove(inv.path(dest))
            fs.symlink(stat.target or "", inv.path(dest))
        else:
            content = as_content(fs.content(inv.path(src)))
            mode = None if existing is not None else stat.mode & ~inv.shell.umask
            if "p" in keys:
                mode = stat.mode
            fs.write_content(inv.path(dest), content, mode)
        if "p" in keys:
            if stat.kind != "symlink":
                fs.chown(inv.path(dest), stat.uid, stat.gid)
        elif existing is None:
            inv.own(dest)
    except FsError as exc:
        if dest.endswith("/"):
            inv.err(f"cannot create regular file {quote(dest)}: Not a directory")
        else:
            inv.err(f"cannot create regular file {quote(dest)}: {exc.strerror}")
        return 1
    if "v" in keys:
        inv.out(f"{quote(src)} -> {quote(dest)}\n")
    return 0


def _copy_tree(inv: Invocation, src: str, dest: str, keys: set[str]) -> int:
    fs = inv.fs
    root = inv.path(src)
    try:
        existing = inv.stat(dest)
    except FsError:
        existing = None
    if existing is not None and existing.kind != "dir":
        inv.err(f"cannot overwrite non-directory {quote(dest)} with directory {quote(src)}")
        return 1
    status = 0
    real_root = getattr(fs, "resolve", lambda p: p)(root)
    for path, stat in list(fs.walk(root)):
        rel = path[len(real_root) :].lstrip("/")
        shown_src = f"{src.rstrip('/')}/{rel}" if rel else src
        target = f"{dest.rstrip('/')}/{rel}" if rel else dest
        if stat.kind == "dir":
            try:
                if not _is_dir(inv, target):
                    fs.mkdir(inv.path(target), stat.mode if "p" in keys else stat.mode)
                    if "p" in keys:
                        fs.chown(inv.path(target), stat.uid, stat.gid)
                    else:
                        inv.own(target)
                    if "v" in keys:
                        inv.out(f"{quote(shown_src)} -> {quote(target)}\n")
            except FsError as exc:
                inv.err(f"cannot create directory {quote(target)}: {exc.strerror}")
                return 1
        else:
            status |= _copy_entry(inv, shown_src, target, stat, keys)
    return status


@program("mv")
def mv(inv: Invocation) -> int:
    long = {"force": "f", "verbose": "v", "no-clobber": "n"}
    opts, operands = getopt(inv, inv.argv[1:], "fvniT", long)
    keys = {k for k, _ in opts}
    pairs = _targets(inv, operands, "mv")
    if pairs is None:
        return 1
    status = 0
    for src, dest in pairs:
        try:
            inv.lstat(src)
        except FsError as exc:  # BusyBox finds out when rename(2) fails
            gnu = f"cannot stat {quote(src)}: {exc.strerror}"
            status = inv.fail(gnu, f"can't rename '{src}': {exc.strerror}")
            continue
        if _exists(inv, dest) and _same(inv, src, dest):
            inv.err(f"{quote(src)} and {quote(dest)} are the same file")
            status = 1
            continue
        source = normalise(inv.path(src))
        if normalise(inv.path(dest)).startswith(source.rstrip("/") + "/"):
            inv.err(f"cannot move {quote(src)} to a subdirectory of itself, {quote(dest)}")
            status = 1
            continue
        if "n" in keys and _exists(inv, dest):
            continue
        try:
            inv.fs.rename(inv.path(src), inv.path(dest))
        except FsError as exc:
            inv.err(f"cannot move {quote(src)} to {quote(dest)}: {exc.strerror}")
            status = 1
            continue
        if "v" in keys:
            inv.out(f"renamed {quote(src)} -> {quote(dest)}\n")
    return status


@program("ln")
def ln(inv: Invocation) -> int:
    long = {"symbolic": "s", "force": "f", "no-dereference": "n", "verbose": "v"}
    opts, operands = getopt(inv, inv.argv[1:], "sfnvT", long)
    keys = {k for k, _ in opts}
    if "s" not in keys:
        raise NotSimulated(f"{inv.name}: hard links are not simulated by the oracle (use ln -s)")
    if not operands:
        raise UsageError("missing file operand")
    if len(operands) == 1:
        operands = [operands[0], basename(operands[0])]
    *targets, link = operands
    into_dir = _is_dir(inv, link) and not ("n" in keys and _is_symlink(inv, link))
    if len(targets) > 1 and not into_dir:
        inv.err(f"target {quote(link)} is not a directory")
        return 1
    status = 0
    for target in targets:
        name = f"{link.rstrip('/')}/{basename(target)}" if into_dir else link
        status |= _symlink(inv, target, name, keys)
    return status


def _is_symlink(inv: Invocation, name: str) -> bool:
    try:
        return inv.lstat(name).kind == "symlink"
    except FsError:
        return False


def _symlink(inv: Invocation, target: str, name: str, keys: set[str]) -> int:
    path = inv.path(name)
    try:
        if "f" in keys and _exists(inv, name):
            if inv.lstat(name).kind == "dir":
                raise FsError("EISDIR", name)
            inv.fs.remove(path)
        inv.fs.symlink(target, path)
        inv.own(name)
    except FsError as exc:
        inv.err(f"failed to create symbolic link {quote(name)}: {exc.strerror}")
        return 1
    if "v" in keys:
        inv.out(f"{quote(name)} -> {quote(target)}\n")
    return 0


# -- chmod, chown -----------------------------------------------------------------------------

_WHO = {"u": 0o4700, "g": 0o2070, "o": 0o1007}


def _mode_argument(text: str, current: int, is_dir: bool, umask: int) -> int | None:
    """A chmod mode: octal (`755`) or symbolic (`u+x,go-w`, `a=rX`, `+t`); None if invalid."""
    if re.fullmatch(r"[0-7]{1,4}", text):
        value = int(text, 8)
        if len(text) <= 3 and is_dir:
            value |= current & 0o6000  # GNU keeps a directory's set-id bits for short modes
        return value
    mode = current
    for clause in text.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=](?:[rwxXst]*|[ugo]))+)", clause)
        if not match:
            return None
        who, actions = match.groups()
        masked = not who  # no u/g/o/a: as `a`, but the umask's bits are left alone
        mask = 0o7777 if masked or "a" in who else sum(_WHO[w] for w in set(who))
        for op, perms in re.findall(r"([-+=])([ugo]|[rwxXst]*)", actions):
            bits = _perm_bits(perms, mode, is_dir) & mask
            if masked:
                bits &= ~umask
            if op == "+":
                mode |= bits
            elif op == "-":
                mode &= ~bits
            else:
                mode = (mode & ~mask) | bits
    return mode & 0o7777


def _perm_bits(perms: str, mode: int, is_dir: bool) -> int:
    if perms in ("u", "g", "o"):
        shift = {"u": 6, "g": 3, "o": 0}[perms]
        triple = (mode >> shift) & 7
        return triple << 6 | triple << 3 | triple
    bits = 0
    for p in perms:
        if p == "r":
            bits |= 0o444
        elif p == "w":
            bits |= 0o222
        elif p == "x" or (p == "X" and (is_dir or mode & 0o111)):
            bits |= 0o111
        elif p == "s":
            bits |= 0o6000
        elif p == "t":
            bits |= 0o1000
    return bits


@program("chmod")
def chmod(inv: Invocation) -> int:
    args = inv.argv[1:]
    flags = [a for a in args if re.fullmatch(r"-[Rvcf]+", a) or a in ("--recursive",)]
    rest = [a for a in args if a not in flags]
    recursive = any("R" in f or f == "--recursive" for f in flags)
    if not rest:
        raise UsageError("missing operand")
    mode_text, names = rest[0], rest[1:]
    if not names:
        raise UsageError(f"missing operand after {quote(mode_text)}")
    if _mode_argument(mode_text, 0, False, 0) is None:
        raise UsageError(f"invalid mode: {quote(mode_text)}")
    status = 0
    for name in names:
        try:
            stat = inv.stat(name)
        except FsError as exc:
            inv.err(f"cannot access {quote(name)}: {exc.strerror}")
            status = 1
            continue
        paths = [(inv.path(name), stat)]
        if recursive and stat.kind == "dir":
            paths = [(p, s) for p, s in inv.fs.walk(inv.path(name)) if s.kind != "symlink"]
        for path, st in paths:
            new = _mode_argument(mode_text, st.mode, st.kind == "dir", inv.shell.umask)
            inv.fs.chmod(path, new if new is not None else st.mode)
    return status


def _owner_spec(inv: Invocation, spec: str, group_only: bool) -> tuple[int | None, int | None]:
    from pipeline.oracle.shell.users import find_group, find_user

    if group_only:
        user_part, group_part, has_colon = "", spec, True
    else:
        user_part, colon, group_part = spec.replace(".", ":", 1).partition(":")
        has_colon = bool(colon)
    uid = gid = None
    if user_part:
        found = find_user(inv.fs, user_part)
        if found is None:
            raise UsageError(f"invalid user: {quote(spec)}")
        uid = found[0]
        if has_colon and not group_part:
            gid = found[1]
    if group_part:
        gid = find_group(inv.fs, group_part)
        if gid is None:
            raise UsageError(f"invalid group: {quote(spec)}")
    return uid, gid


def _chown(inv: Invocation, group_only: bool) -> int:
    args = inv.argv[1:]
    flags = [a for a in args if re.fullmatch(r"-[Rvcfh]+", a) or a == "--recursive"]
    rest = [a for a in args if a not in flags]
    recursive = any("R" in f or f == "--recursive" for f in flags)
    no_deref = any("h" in f for f in flags if not f.startswith("--"))
    if not rest:
        raise UsageError("missing operand")
    if len(rest) == 1:
        raise UsageError(f"missing operand after {quote(rest[0])}")
    try:
        uid, gid = _owner_spec(inv, rest[0], group_only)
    except UsageError as exc:
        inv.err(str(exc))
        return 1
    status = 0
    for name in rest[1:]:
        try:
            stat = inv.lstat(name) if no_deref else inv.stat(name)
        except FsError as exc:
            inv.err(f"cannot access {quote(name)}: {exc.strerror}")
            status = 1
            continue
        paths = [(inv.path(name), stat)]
        if recursive and stat.kind == "dir":
            paths = list(inv.fs.walk(inv.path(name)))
        for path, st in paths:
            if st.kind == "symlink" and (recursive or no_deref):
                continue  # lchown of a link changes nothing the simulation shows
            new_uid = st.uid if uid is None else uid
            new_gid = st.gid if gid is None else gid
            inv.fs.chown(path, new_uid, new_gid)
    return status


@program("chown")
def chown(inv: Invocation) -> int:
    return _chown(inv, group_only=False)


@program("chgrp")
def chgrp(inv: Invocation) -> int:
    return _chown(inv, group_only=True)


# -- sizes: truncate, fallocate, dd -----------------------------------------------------------

TRUNCATE_SUFFIXES = "EgGkKmMPtTYZ0"  # coreutils 9.1 truncate.c


@program("truncate")
def truncate(inv: Invocation) -> int:
    long = {"size=": "s", "no-create": "c", "reference=": "r", "io-blocks": "o"}
    opts, operands = getopt(inv, inv.argv[1:], "s:cr:o", long)
    keys = dict(opts)
    if "o" in keys:
        raise NotSimulated(f"{inv.name}: option '-o' is not simulated by the oracle")
    if "s" not in keys and "r" not in keys:
        raise UsageError("you must specify either '--size' or '--reference'")
    if not operands:
        raise UsageError("missing file operand")
    relation, size = "", 0
    if "s" in keys:
        text = keys["s"]
        if text[:1] in "+-<>/%":
            relation, text = text[0], text[1:]
        parsed = parse_size(text, TRUNCATE_SUFFIXES)
        if parsed is None:
            inv.err(f"Invalid number: {quote(keys['s'])}")
            return 1
        size = parsed
        if relation in "/%" and relation and size == 0:
            inv.err("division by zero")
            return 1
    if "r" in keys:
        try:
            reference = inv.stat(keys["r"]).size
        except FsError as exc:
            inv.err(f"cannot stat {quote(keys['r'])}: {exc.strerror}")
            return 1
        if "s" not in keys:
            size, relation = reference, ""
    status = 0
    for name in operands:
        status |= _truncate_one(inv, name, relation, size, "c" in keys)
    return status


def _truncate_one(inv: Invocation, name: str, relation: str, size: int, no_create: bool) -> int:
    path = inv.path(name)
    try:
        stat = inv.stat(name)
    except FsError:
        stat = None
    if stat is None and no_create:
        return 0
    if stat is not None and stat.kind == "dir":
        inv.err(f"cannot open {quote(name)} for writing: Is a directory")
        return 1
    current = stat.size if stat is not None else 0
    new = {
        "": size,
        "+": current + size,
        "-": max(0, current - size),
        "<": min(current, size),
        ">": max(current, size),
        "/": current // size * size if size else current,
        "%": -(-current // size) * size if size else current,
    }[relation]
    try:
        inv.fs.truncate(path, new)
        if stat is None:
            inv.own(name)
    except FsError as exc:
        inv.err(f"cannot open {quote(name)} for writing: {exc.strerror}")
        return 1
    return 0


def parse_util_linux_size(text: str) -> int | None:
    """util-linux strtosize: `1.5K`, `1k`, `1KiB` = 1024-based, `1KB`/`1kb` = 1000-based."""
    match = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?([KMGTPEZYkmgtpezy])?(iB|ib|B|b)?", text)
    if not match:
        return None
    whole, frac, unit, tail = match.groups()
    if tail and not unit:
        return None
    base = 1000 if tail in ("B", "b") else 1024
    power = "KMGTPEZY".index(unit.upper()) + 1 if unit else 0
    scale = base**power
    value = int(whole) * scale
    if frac:
        value += int(frac) * scale // 10 ** len(frac)
    return value


@program("fallocate")
def fallocate(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "l:o:nvx", {"length=": "l", "offset=": "o"})
    keys = dict(opts)
    if "l" not in keys:
        inv.err("no length argument specified")
        return 1
    length = parse_util_linux_size(keys["l"])
    offset = parse_util_linux_size(keys.get("o", "0"))
    if not length or offset is None:
        inv.err("invalid length value specified")
        return 1
    if len(operands) != 1:
        inv.err("no filename specified" if not operands else "unexpected number of arguments")
        return 1
    name = operands[0]
    path = inv.path(name)
    try:
        stat = inv.stat(name)
    except FsError:
        stat = None
    if stat is not None and stat.kind == "dir":
        inv.err("fallocate failed: Bad file descriptor")
        return 1
    try:
        end = offset + length
        if stat is None:
            inv.fs.truncate(path, end if "n" not in keys else 0)
            inv.own(name)
        elif stat.size < end and "n" not in keys:
            inv.fs.truncate(path, end)
    except FsError as exc:
        inv.err(f"cannot open {name}: {exc.strerror}")
        return 1
    return 0


_DD_UNITS = {"c": 1, "w": 2, "b": 512, "kB": 1000, "K": 1024, "k": 1024, "KiB": 1024}
for _i, _letter in enumerate("MGTPEZY", start=2):
    _DD_UNITS[_letter] = _DD_UNITS[_letter + "iB"] = 1024**_i
    _DD_UNITS[_letter + "B"] = 1000**_i


def _dd_number(text: str) -> int | None:
    total = 1
    for factor in text.split("x"):
        match = re.fullmatch(r"([0-9]+)([A-Za-z]*)", factor)
        if not match or (match.group(2) and match.group(2) not in _DD_UNITS):
            return None
        total *= int(match.group(1)) * _DD_UNITS.get(match.group(2), 1)
    return total


def _dd_human(size: float, base: int, units: str) -> str:
    """dd's transfer summary sizes: round to nearest, one decimal below 10 (human.c)."""
    value = float(size)
    unit = ""
    for letter in units:
        if value < base:
            break
        value /= base
        unit = letter
    if not unit:
        return f"{int(size)} B"
    suffix = {1000: "B", 1024: "iB"}[base]
    text = f"{value:.1f}" if value < 10 else f"{round(value):.0f}"
    return f"{text} {unit}{suffix}"


@program("dd")
def dd(inv: Invocation) -> int:
    settings: dict[str, str] = {}
    for arg in inv.argv[1:]:
        key, eq, value = arg.partition("=")
        if not eq or key not in ("if", "of", "bs", "ibs", "obs", "count", "skip", "seek",
                                 "status", "conv", "iflag", "oflag"):  # fmt: skip
            inv.err(f"unrecognized operand {quote(arg)}")
            inv.stderr.write_text(f"Try '{inv.name} --help' for more information.\n")
            return 1
        settings[key] = value
    if settings.get("conv", "notrunc") not in ("notrunc", "fsync", "fdatasync", "sync"):
        raise NotSimulated(f"{inv.name}: conv={settings['conv']} is not simulated")
    numbers = {}
    for key in ("bs", "ibs", "count", "skip", "seek"):
        if key in settings:
            value = _dd_number(settings[key])
            if value is None:
                inv.err(f"invalid number: {quote(settings[key])}")
                return 1
            numbers[key] = value
    block = numbers.get("bs", numbers.get("ibs", 512))
    try:
        source = inv.open_input(settings["if"]) if "if" in settings else inv.stdin
    except FsError as exc:
        inv.err(f"failed to open {quote(settings['if'])}: {exc.strerror}")
        return 1
    skip = numbers.get("skip", 0) * block
    if skip:
        source.offset += skip  # skip= input blocks, without reading them
    wanted = numbers["count"] * block if "count" in numbers else None
    if wanted is None and source.endless:
        source.read_all()  # an endless input without count= hits the pipe limit
    data = source.as_content(wanted)
    if "of" in settings:
        status = _dd_write(inv, settings["of"], data, numbers.get("seek", 0) * block, settings)
        if status:
            return status
    else:
        inv.stdout.write_content(data)
    if settings.get("status") not in ("none", "noxfer"):
        _dd_report(inv, data.size, block)
    return 0


def _dd_write(inv: Invocation, name: str, data: Content, seek: int, settings: dict) -> int:
    path = inv.path(name)
    if normalise(path) == "/dev/null":
        return 0
    try:
        existed = inv.fs.exists(path)
        old = as_content(inv.fs.content(path)) if existed else Content.empty()
        head = old.resized(seek) if old.size < seek else old.slice(0, seek)
        new = head.append(data)
        if "notrunc" in settings.get("conv", "") and old.size > new.size:
            new = new.append(old.slice(new.size))
        inv.fs.write_content(path, new)
        if not existed:
            inv.own(name)
    except FsError as exc:
        inv.err(f"failed to open {quote(name)}: {exc.strerror}")
        return 1
    return 0


def _dd_report(inv: Invocation, size: int, block: int) -> None:
    full, partial = divmod(size, block)
    records = f"{full}+{1 if partial else 0}"
    inv.stderr.write_text(f"{records} records in\n{records} records out\n")
    si = _dd_human(size, 1000, "kMGTPEZY")
    iec = _dd_human(size, 1024, "KMGTPEZY")
    if si.endswith(" B"):
        amount = f"{size} bytes"
    elif iec.endswith(" B"):
        amount = f"{size} bytes ({si})"
    else:
        amount = f"{size} bytes ({si}, {iec})"
    # The real time depends on the machine; the simulation reports a fixed 0.01 s.
    rate = _dd_human(size * 100, 1000, "kMGTPEZY").replace(" B", " B")
    inv.stderr.write_text(f"{amount} copied, 0.01 s, {rate}/s\n")
