"""Content digests, layer ChainIDs and the display truncation of IDs.

image-spec descriptor.md (`sha256:<64 lower-case hex>`), config.md "Layer ChainID" and moby's
`DigestSHA256EmptyTar`; vectors in docker-image-semantics.md §1.2-§1.3.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

# The DiffID of an empty layer: a tar of just its 1024-byte end marker (moby layer/empty.go).
EMPTY_TAR_DIFF_ID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
# The digest of the empty JSON object `{}` (image-spec manifest.md "empty descriptor").
EMPTY_JSON_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

SHA256_PREFIX = "sha256:"


def sha256_digest(data: bytes) -> str:
    """`sha256:<hex>` of `data` (go-digest `FromBytes`)."""
    return SHA256_PREFIX + hashlib.sha256(data).hexdigest()


def sha256_stream(chunks: Iterable[bytes]) -> str:
    """`sha256:<hex>` of the concatenation of `chunks`, never holding more than one chunk."""
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(chunk)
    return SHA256_PREFIX + hasher.hexdigest()


def chain_ids(diff_ids: Sequence[str]) -> list[str]:
    """ChainID of every prefix of a layer stack: ChainID(L0) = DiffID(L0),
    ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)) (identity/chainid.go)."""
    result: list[str] = []
    for diff_id in diff_ids:
        if not result:
            result.append(diff_id)
        else:
            result.append(sha256_digest(f"{result[-1]} {diff_id}".encode()))
    return result


def chain_id(diff_ids: Sequence[str]) -> str:
    """The ChainID of the whole stack; "" for no layers (identity.ChainID of an empty slice)."""
    ids = chain_ids(diff_ids)
    return ids[-1] if ids else ""


def short_id(identifier: str) -> str:
    """stringid.TruncateID: drop everything up to the first ':' and keep 12 characters."""
    if ":" in identifier:
        identifier = identifier.split(":", 1)[1]
    return identifier[:12]


def hex_part(identifier: str) -> str:
    """The encoded part of a digest (`sha256:abc` -> `abc`); a bare hex string is returned as is."""
    return identifier.split(":", 1)[1] if ":" in identifier else identifier
