"""Pieces several command groups share: flags that real docker has but the oracle does not
model, host file access, and the daemon-error wrapper."""

from __future__ import annotations

from pipeline.oracle.docker.flags import BOOL, LIST, STRING, Flag
from pipeline.oracle.fsapi import FsError


def unsimulated(*specs: str) -> tuple[Flag, ...]:
    """Flags as `name[:short][=kind]` (kind b, s or l): known to docker, refused as
    NotSimulated when used."""
    flags = []
    for spec in specs:
        spec, _, kind = spec.partition("=")
        name, _, short = spec.partition(":")
        flags.append(Flag(name, short, {"b": BOOL, "l": LIST}.get(kind, STRING), simulated=False))
    return tuple(flags)


FORMAT = Flag("format", "", STRING)


def read_host(invocation: object, path: str) -> bytes:
    """A host file's bytes (the scenario's host file system)."""
    host = invocation.host  # type: ignore[attr-defined]
    return host.fs.read(invocation.host_path(path))  # type: ignore[attr-defined]


def host_error(error: FsError, path: str) -> str:
    """Go's os.PathError text: `open /context/x: no such file or directory`."""
    return f"{path}: {error.strerror.lower()}"
