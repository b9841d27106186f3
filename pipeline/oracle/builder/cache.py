"""The build cache: BuildKit's per-vertex cache keys and the records they find.

Only file-system vertices have keys (moby/buildkit docs/dev/solver.md; solver/llbsolver/ops
exec.go and file.go `CacheMap`): FROM (the base image's identity), RUN (args, env, cwd, user),
COPY/ADD (destination, owner, mode, patterns and a content checksum of the sources, never their
mtime) and WORKDIR's mkdir (path, user). Every key includes the key of the vertex before it, so a
miss changes every later key of the stage: the cascade. Metadata instructions (LABEL, CMD, ENV,
...) are in no key; ENV/ARG reach later RUNs only through their env. A record keeps the layer and
the time it was made, so a fully cached rebuild reproduces the same history times and therefore
the same image ID (docker-image-semantics.md §1.4, §3.2).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from pipeline.oracle.digest import sha256_digest
from pipeline.oracle.image import canonical_json
from pipeline.oracle.layer import Layer


@dataclass(frozen=True)
class CacheRecord:
    layer: Layer
    created: str  # the layer's creation time, reused by every build that hits the record


def cache_key(parent: str, op: str, **fields: Any) -> str:
    """A vertex key: the parent vertex's key plus the operation's own description."""
    return sha256_digest(canonical_json({"parent": parent, "op": op, **fields}))


class BuildCache:
    """A view over the engine's `build_cache` dict (key -> CacheRecord)."""

    def __init__(self, records: MutableMapping[str, Any], disabled: bool = False) -> None:
        self.records = records
        self.disabled = disabled  # --no-cache: look nothing up, still record the new results

    def get(self, key: str) -> CacheRecord | None:
        if self.disabled:
            return None
        record = self.records.get(key)
        return record if isinstance(record, CacheRecord) else None

    def put(self, key: str, record: CacheRecord) -> None:
        self.records[key] = record
