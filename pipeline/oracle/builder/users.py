"""User and group names to numeric ids, read from a file system's /etc/passwd and /etc/group.

Used for `COPY --chown`, `WORKDIR` under a `USER` (BuildKit's mkdir runs as that user) and the
user a RUN runs as. Docs (Dockerfile reference, COPY --chown): "Providing a username without
groupname or a UID without GID will use the same numeric UID as the GID".
"""

from __future__ import annotations

from pipeline.oracle.builder.context import Owner
from pipeline.oracle.fsapi import FileSystem, FsError


class UnknownUser(Exception):
    pass


def _table(fs: FileSystem, path: str) -> dict[str, list[str]]:
    try:
        text = fs.read(path).decode(errors="replace")
    except FsError:
        return {}
    rows = {}
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] and not line.startswith("#"):
            rows.setdefault(fields[0], fields)
    return rows


def resolve_owner(fs: FileSystem, spec: str) -> Owner:
    """`user[:group]` (names or numbers) as ids; an unknown name raises UnknownUser."""
    user, _, group = spec.partition(":")
    if user.isdigit():
        uid = int(user)
    else:
        row = _table(fs, "/etc/passwd").get(user)
        if row is None or not row[2].isdigit():
            raise UnknownUser(f"unable to find user {user}: no matching entries in passwd file")
        uid = int(row[2])
    if not group:
        return Owner(uid, uid)
    if group.isdigit():
        return Owner(uid, int(group))
    grow = _table(fs, "/etc/group").get(group)
    if grow is None or not grow[2].isdigit():
        raise UnknownUser(f"unable to find group {group}: no matching entries in group file")
    return Owner(uid, int(grow[2]))
