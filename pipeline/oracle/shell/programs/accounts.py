"""Creating users and groups, as Dockerfiles do before `USER`:

- shadow-utils 4.13 (Debian 12) `useradd` and `groupadd`, with Debian's defaults
  (/etc/login.defs: UID_MIN 1000, system ids from 999 down, USERGROUPS_ENAB yes, UMASK 022;
  /etc/default/useradd: SHELL=/bin/sh; no home directory without -m);
- BusyBox 1.36 `adduser` and `addgroup` (Alpine; loginutils/adduser.c, addgroup.c): ids from
  1000 (system: 100-999), `Linux User,,,`, a 2755 home copied from /etc/skel.

Each writes the lines the real tool appends to /etc/passwd, /etc/group, /etc/shadow and
/etc/gshadow (the last two only when they exist), with the scenario's clock for the day count.
Debian's Perl `adduser` is a different program with other options: it is not simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.oracle.fsapi import FsError
from pipeline.oracle.paths import join
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import Invocation, UsageError, getopt, program
from pipeline.oracle.shell.users import groups, passwd

DAY = 24 * 60 * 60
DEFAULT_EPOCH = 1735689600  # when the shell has no clock: 2025-01-01, the engine's start


class _Fail(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Ids:
    """The ids a table uses, callable as a predicate."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.ids = {int(row[2]) for row in rows if row[2].isdigit()}

    def __call__(self, value: int) -> bool:
        return value in self.ids


@dataclass
class _Tables:
    """The account files, read once and written back together."""

    inv: Invocation

    def __post_init__(self) -> None:
        # Lines whose id is not a number are skipped, as the C library's readers skip them.
        self.users = [row for row in passwd(self.inv.fs) if row[2].isdigit()]
        self.groups = [row for row in groups(self.inv.fs) if row[2].isdigit()]

    def user(self, name: str) -> list[str] | None:
        return next((row for row in self.users if row[0] == name), None)

    def group(self, name_or_id: str) -> list[str] | None:
        for row in self.groups:
            if row[0] == name_or_id or (name_or_id.isdigit() and row[2] == name_or_id):
                return row
        return None

    @property
    def uid_used(self) -> _Ids:
        return _Ids(self.users)

    @property
    def gid_used(self) -> _Ids:
        return _Ids(self.groups)

    def days(self) -> int:
        clock = self.inv.shell.shared.clock
        return (clock() if clock is not None else DEFAULT_EPOCH) // DAY

    def append(self, path: str, line: str) -> None:
        fs = self.inv.fs
        try:
            old = fs.read(path)
        except FsError:
            if path in ("/etc/shadow", "/etc/gshadow"):
                return  # BusyBox and shadow leave a missing shadow file alone
            old = b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        try:
            fs.write(path, old + line.encode() + b"\n")
        except FsError:  # no /etc at all (the scenario's host): the tools cannot lock the file
            raise _Fail(
                f"cannot lock {path}; try again later.", 10 if self.inv.name == "groupadd" else 1
            ) from None

    def add_member(self, group: str, user: str) -> None:
        """Append `user` to the members of `group` in /etc/group (and /etc/gshadow)."""
        for path in ("/etc/group", "/etc/gshadow"):
            try:
                text = self.inv.fs.read(path).decode()
            except FsError:
                continue
            lines = text.split("\n")
            for index, line in enumerate(lines):
                fields = line.split(":")
                if fields[0] == group and len(fields) >= 4:
                    members = [m for m in fields[-1].split(",") if m]
                    if user not in members:
                        fields[-1] = ",".join([*members, user])
                    lines[index] = ":".join(fields)
            self.inv.fs.write(path, "\n".join(lines).encode())

    def make_home(self, home: str, uid: int, gid: int, mode: int) -> None:
        fs = self.inv.fs
        path = join(self.inv.cwd, home)
        if fs.exists(path):
            return
        fs.mkdir(path, 0o755, parents=True)
        fs.chown(path, uid, gid)
        fs.chmod(path, mode)
        try:
            skeleton = list(fs.walk("/etc/skel"))[1:]
        except FsError:
            return
        for source, stat in skeleton:
            target = path.rstrip("/") + source[len("/etc/skel") :]
            if stat.kind == "dir":
                fs.mkdir(target, stat.mode)
            elif stat.kind == "symlink":
                fs.symlink(stat.target or "", target)
            else:
                fs.write_content(target, fs.content(source), stat.mode)
            if stat.kind != "symlink":
                fs.chown(target, uid, gid)


def _shadow_id(text: str, what: str) -> int:
    """shadow's get_uid/get_gid: a decimal id that fits an id_t, else "invalid ... ID" (3)."""
    if not text.isdigit() or int(text) > 0xFFFFFFFE:
        raise _Fail(f"invalid {what} ID '{text}'", 3)
    return int(text)


def _busybox_id_option(text: str) -> int:
    """BusyBox's xatou_range(text, 0, CONFIG_LAST_ID) and its two messages."""
    if not text.isdigit():
        raise _Fail(f"invalid number '{text}'", 1)
    if int(text) > 60000:
        raise _Fail(f"number {text} is not in 0..60000 range", 1)
    return int(text)


def _run(inv: Invocation, action) -> int:  # noqa: ANN001 - a callable on the invocation
    try:
        return action(inv)
    except _Fail as exc:
        inv.err(str(exc))
        return exc.status


# -- shadow-utils ------------------------------------------------------------------------------


def _next_id(used: _Ids, system: bool) -> int:
    """Debian's allocation: regular ids above the highest used one in 1000-60000, system ids
    from 999 down (shadow's find_new_uid/find_new_gid)."""
    if system:
        for candidate in range(999, 100, -1):
            if not used(candidate):
                return candidate
        raise _Fail("can't get unique system ID (no more available IDs)", 4)
    taken = [i for i in used.ids if 1000 <= i <= 60000]
    return max(taken) + 1 if taken else 1000


@program("useradd")
def useradd(inv: Invocation) -> int:
    return _run(inv, _useradd)


def _useradd(inv: Invocation) -> int:
    long = {
        "create-home": "m",
        "no-create-home": "M",
        "uid=": "u",
        "gid=": "g",
        "groups=": "G",
        "shell=": "s",
        "home-dir=": "d",
        "system": "r",
        "comment=": "c",
        "no-user-group": "N",
        "user-group": "U",
        "non-unique": "o",
        "no-log-init": "l",
    }
    opts, operands = getopt(inv, inv.argv[1:], "mMu:g:G:s:d:rc:NUol", long)
    keys = dict(opts)
    if len(operands) != 1:
        raise UsageError(
            "missing operand" if not operands else f"unexpected argument '{operands[1]}'"
        )
    name = operands[0]
    tables = _Tables(inv)
    if tables.user(name) is not None:
        raise _Fail(f"user '{name}' already exists", 9)
    system = "r" in keys
    if "u" in keys:
        uid = _shadow_id(keys["u"], "user")
        if tables.uid_used(uid) and "o" not in keys:
            raise _Fail(f"UID {uid} is not unique", 4)
    else:
        uid = _next_id(tables.uid_used, system)
    extra = [g for g in keys.get("G", "").split(",") if g]
    for group in extra:
        if tables.group(group) is None:
            raise _Fail(f"group '{group}' does not exist", 6)
    own_group = "g" not in keys and "N" not in keys
    if "g" in keys:
        row = tables.group(keys["g"])
        if row is None:
            raise _Fail(f"group '{keys['g']}' does not exist", 6)
        gid = int(row[2])
    elif own_group:
        if tables.group(name) is not None:
            raise _Fail(
                f"group {name} exists - if you want to add this user to that group, use -g.", 9
            )
        gid = uid if not tables.gid_used(uid) else _next_id(tables.gid_used, system)
    else:
        gid = 100  # Debian's GROUP=100 (users) when no user group is made
    home = keys.get("d", f"/home/{name}")
    shell = keys.get("s", "/bin/sh")
    tables.append("/etc/passwd", f"{name}:x:{uid}:{gid}:{keys.get('c', '')}:{home}:{shell}")
    aging = "::::::" if system else ":0:99999:7:::"
    tables.append("/etc/shadow", f"{name}:!:{tables.days()}{aging}")
    if own_group:
        tables.append("/etc/group", f"{name}:x:{gid}:")
        tables.append("/etc/gshadow", f"{name}:!::")
    for group in extra:
        tables.add_member(group, name)
    if "m" in keys and "M" not in keys:
        tables.make_home(home, uid, gid, 0o755)
    return 0


@program("groupadd")
def groupadd(inv: Invocation) -> int:
    return _run(inv, _groupadd)


def _groupadd(inv: Invocation) -> int:
    long = {"gid=": "g", "system": "r", "force": "f", "non-unique": "o"}
    opts, operands = getopt(inv, inv.argv[1:], "g:rfo", long)
    keys = dict(opts)
    if len(operands) != 1:
        raise UsageError(
            "missing operand" if not operands else f"unexpected argument '{operands[1]}'"
        )
    name = operands[0]
    tables = _Tables(inv)
    if tables.group(name) is not None:
        if "f" in keys:
            return 0
        raise _Fail(f"group '{name}' already exists", 9)
    if "g" in keys:
        gid = _shadow_id(keys["g"], "group")
        if tables.gid_used(gid) and "o" not in keys:
            raise _Fail(f"GID '{gid}' already exists", 4)
    else:
        gid = _next_id(tables.gid_used, "r" in keys)
    tables.append("/etc/group", f"{name}:x:{gid}:")
    tables.append("/etc/gshadow", f"{name}:!::")
    return 0


# -- BusyBox -----------------------------------------------------------------------------------


def _busybox_only(inv: Invocation) -> None:
    if inv.binary != "busybox":
        raise NotSimulated(
            f"{inv.name}: only BusyBox's adduser/addgroup are simulated (Debian's is a different "
            "program: use useradd/groupadd)"
        )


def _busybox_id(used, system: bool, what: str) -> int:  # noqa: ANN001 - a predicate on ids
    candidate, last = (100, 999) if system else (1000, 60000)
    while used(candidate):
        if candidate == last:
            raise _Fail(f"no {what}ids left", 1)
        candidate += 1
    return candidate


@program("adduser")
def adduser(inv: Invocation) -> int:
    _busybox_only(inv)
    return _run(inv, _adduser)


def _adduser(inv: Invocation) -> int:
    long = {
        "home=": "h",
        "gecos=": "g",
        "shell=": "s",
        "ingroup=": "G",
        "disabled-password": "D",
        "empty-password": "D",
        "system": "S",
        "no-create-home": "H",
        "uid=": "u",
        "skel=": "k",
    }
    opts, operands = getopt(inv, inv.argv[1:], "h:g:s:G:DSHu:k:", long)
    keys = dict(opts)
    if not 1 <= len(operands) <= 2:
        raise UsageError("missing operand" if not operands else "too many arguments")
    name = operands[0]
    tables = _Tables(inv)
    if not opts and len(operands) == 2:
        return _addgroup_member(inv, tables, name, operands[1])
    if "D" not in keys and "S" not in keys:
        raise NotSimulated(f"{inv.name} without -D asks for a password: not simulated")
    system = "S" in keys
    usegroup = keys.get("G") or ("nogroup" if system else None)
    root = tables.user("root")
    shell = keys.get("s") or ("/bin/false" if system else (root[6] if root else "/bin/sh"))
    home = keys.get("h", f"/home/{name}")
    if tables.user(name) is not None:
        raise _Fail(f"user '{name}' in use", 1)
    gid: int | None = None
    if usegroup is not None:
        row = tables.group(usegroup)
        if row is None:
            raise _Fail(f"unknown group {usegroup}", 1)
        gid = int(row[2])
    if "u" in keys:
        uid = _busybox_id_option(keys["u"])
        if tables.uid_used(uid) or (gid is None and tables.gid_used(uid)):
            raise _Fail(f"uid '{uid}' in use", 1)
    else:
        uid = _busybox_id(
            lambda i: tables.uid_used(i) or (gid is None and tables.gid_used(i)), system, "u"
        )
    if gid is None:
        gid = uid
        if tables.group(name) is not None:
            raise _Fail(f"group '{name}' in use", 1)
    gecos = keys.get("g", "Linux User,,,")
    tables.append("/etc/passwd", f"{name}:x:{uid}:{gid}:{gecos}:{home}:{shell}")
    tables.append("/etc/shadow", f"{name}:!:{tables.days()}:0:99999:7:::")
    if usegroup is not None:
        tables.add_member(usegroup, name)
    else:
        tables.append("/etc/group", f"{name}:x:{gid}:")
        tables.append("/etc/gshadow", f"{name}:!::")
    if "H" not in keys:
        tables.make_home(home, uid, gid, 0o2755)
    return 0


def _addgroup_member(inv: Invocation, tables: _Tables, user: str, group: str) -> int:
    if tables.user(user) is None:
        raise _Fail(f"unknown user {user}", 1)
    if tables.group(group) is None:
        raise _Fail(f"unknown group {group}", 1)
    tables.add_member(group, user)
    return 0


@program("addgroup")
def addgroup(inv: Invocation) -> int:
    _busybox_only(inv)
    return _run(inv, _addgroup)


def _addgroup(inv: Invocation) -> int:
    opts, operands = getopt(inv, inv.argv[1:], "g:S", {"gid=": "g", "system": "S"})
    keys = dict(opts)
    if not 1 <= len(operands) <= 2:
        raise UsageError("missing operand" if not operands else "too many arguments")
    tables = _Tables(inv)
    if len(operands) == 2:
        if "g" in keys:
            raise UsageError("-g cannot be used when adding a user to a group")
        return _addgroup_member(inv, tables, operands[0], operands[1])
    name = operands[0]
    if tables.group(name) is not None:
        raise _Fail(f"group '{name}' in use", 1)
    if "g" in keys:
        gid = _busybox_id_option(keys["g"])
        if tables.gid_used(gid):
            raise _Fail(f"gid '{gid}' in use", 1)
    else:
        gid = _busybox_id(tables.gid_used, "S" in keys, "g")
    tables.append("/etc/group", f"{name}:x:{gid}:")
    tables.append("/etc/gshadow", f"{name}:!::")
    return 0
