"""Pieces several command groups share: flags that real docker has but the oracle does not
model, and `--format`."""

from __future__ import annotations

from pipeline.oracle.docker.flags import BOOL, LIST, STRING, Flag


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
