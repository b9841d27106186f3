"""Users and groups as the file system's /etc/passwd and /etc/group define them."""

from __future__ import annotations

from pipeline.oracle.fsapi import FileSystem, FsError


def _table(fs: FileSystem, path: str) -> list[list[str]]:
    try:
        text = fs.read(path, 0, 1 << 20).decode("utf-8", "replace")
    except FsError:
        return []
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def passwd(fs: FileSystem) -> list[list[str]]:
    return [row for row in _table(fs, "/etc/passwd") if len(row) >= 4]


def groups(fs: FileSystem) -> list[list[str]]:
    return [row for row in _table(fs, "/etc/group") if len(row) >= 3]


def find_user(fs: FileSystem, name: str) -> tuple[int, int] | None:
    """(uid, primary gid) of a user name or numeric id."""
    for row in passwd(fs):
        matches = row[0] == name or (name.isdigit() and row[2] == name)
        if matches and row[2].isdigit() and row[3].isdigit():
            return int(row[2]), int(row[3])
    return (int(name), int(name)) if name.isdigit() else None


def find_group(fs: FileSystem, name: str) -> int | None:
    for row in groups(fs):
        if row[0] == name and row[2].isdigit():
            return int(row[2])
    return int(name) if name.isdigit() else None


def resolve_user(fs: FileSystem, spec: str) -> tuple[int, int]:
    """`USER`/`-u` values: `name`, `uid`, `name:group`, `uid:gid` (unknown names act as root:
    the engine reports those before anything runs)."""
    name, _, group = (spec or "root").partition(":")
    found = find_user(fs, name) or (0, 0)
    if group:
        gid = find_group(fs, group)
        return found[0], gid if gid is not None else found[1]
    return found


def user_name(fs: FileSystem, uid: int) -> str:
    for row in passwd(fs):
        if row[2] == str(uid):
            return row[0]
    return "root" if uid == 0 else str(uid)


def group_name(fs: FileSystem, gid: int) -> str:
    for row in groups(fs):
        if row[2] == str(gid):
            return row[0]
    return "root" if gid == 0 else str(gid)
