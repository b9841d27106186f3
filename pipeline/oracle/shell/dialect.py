"""How each shell words its own errors. The grammar is dash's everywhere; what differs is the
diagnostics a lesson may show with `2>&1`: dash (Debian's /bin/sh, and the host), busybox ash
(Alpine's /bin/sh) and bash.

    dash: sh: 1: foo: not found          sh: 1: cannot create /x/y: Directory nonexistent
    ash:  sh: foo: not found             sh: can't create /x/y: nonexistent directory
    bash: bash: line 1: foo: command not found    bash: line 1: /x/y: No such file or directory
"""

from __future__ import annotations

from pipeline.oracle.fsapi import STRERROR

DIALECTS = ("dash", "ash", "bash")


def prefix(dialect: str, name: str, line: int) -> str:
    if dialect == "ash":
        return f"{name}: "
    if dialect == "bash":
        return f"{name}: line {line}: "
    return f"{name}: {line}: "


def not_found(dialect: str, command: str) -> str:
    return f"{command}: command not found" if dialect == "bash" else f"{command}: not found"


def cannot_create(dialect: str, path: str, errno: str) -> str:
    if dialect == "bash":
        return f"{path}: {STRERROR.get(errno, errno)}"
    if dialect == "ash":
        reason = STRERROR.get(errno, errno).lower()
        reason = "nonexistent directory" if errno == "ENOENT" else reason
        return f"can't create {path}: {reason}"
    reason = "Directory nonexistent" if errno == "ENOENT" else STRERROR.get(errno, errno)
    return f"cannot create {path}: {reason}"


def cannot_open(dialect: str, path: str, errno: str) -> str:
    if dialect == "bash":
        return f"{path}: {STRERROR.get(errno, errno)}"
    if dialect == "ash":
        reason = "no such file" if errno == "ENOENT" else STRERROR.get(errno, errno).lower()
        return f"can't open {path}: {reason}"
    reason = "No such file" if errno == "ENOENT" else STRERROR.get(errno, errno)
    return f"cannot open {path}: {reason}"


def cannot_cd(dialect: str, directory: str, errno: str) -> str:
    if dialect == "bash":
        return f"cd: {directory}: {STRERROR.get(errno, errno)}"
    if dialect == "ash":
        return f"cd: line 0: can't cd to {directory}: {STRERROR.get(errno, errno)}"
    return f"cd: can't cd to {directory}"


def redirection_status(dialect: str) -> int:
    """dash gives a command whose redirection failed status 2; ash and bash give 1."""
    return 2 if dialect == "dash" else 1


def for_binary(binary: str | None, invoked: str) -> str:
    """The dialect of a shell program: by the file it ends at (`/bin/sh` -> busybox), else by
    the name it was called by."""
    name = binary or invoked.rsplit("/", 1)[-1]
    if name == "busybox" or name == "ash":
        return "ash"
    if name == "bash":
        return "bash"
    return "dash"
