"""Layers: a changeset of file-system entries, its reproducible tar stream, DiffID and blob.

A `Layer` is what `RUN`, `COPY` or `docker commit` produce (image-spec layer.md "Representing
Changes"): added or modified entries in full, deletions as whiteouts (`.wh.<name>`), and opaque
directories (`<dir>/.wh..wh..opq`) for a directory deleted and re-created. Its tar stream is
written the way Go's archive/tar writes one (512-byte USTAR headers, PAX records only when a value
does not fit, the end marker of 1024 NUL bytes and no padding to 10240), so an empty layer has
the real DiffID `sha256:5f70bf18...` (docker-image-semantics.md §1.2).

Streams never hold a big file: zero runs stay runs, the DiffID is hashed from a shared zero buffer,
and the gzip blob compresses a zero run once per MiB and repeats the result (a full flush makes the
deflate blocks independent), with the CRC of a zero run computed arithmetically (zlib's
crc32_combine). Digests are memoised per process by a cheap structural fingerprint of the stream.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from pipeline.oracle.content import CHUNK, Content, zero_chunks
from pipeline.oracle.digest import sha256_digest
from pipeline.oracle.fsapi import Kind, Stat
from pipeline.oracle.paths import normalise

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
BLOCK = 512
END_OF_ARCHIVE = 2 * BLOCK

LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"


# --- entries and changesets -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Entry:
    """One file-system object as a layer stores it."""

    kind: Kind
    mode: int
    uid: int = 0
    gid: int = 0
    mtime: int = 0
    content: Content | None = None  # files only
    target: str | None = None  # symlinks only

    @classmethod
    def file(
        cls,
        content: Content | bytes | str = b"",
        mode: int = 0o644,
        uid: int = 0,
        gid: int = 0,
        mtime: int = 0,
    ) -> Entry:
        if not isinstance(content, Content):
            content = Content.of(content)
        return cls("file", mode, uid, gid, mtime, content=content)

    @classmethod
    def dir(cls, mode: int = 0o755, uid: int = 0, gid: int = 0, mtime: int = 0) -> Entry:
        return cls("dir", mode, uid, gid, mtime)

    @classmethod
    def symlink(cls, target: str, uid: int = 0, gid: int = 0, mtime: int = 0) -> Entry:
        return cls("symlink", 0o777, uid, gid, mtime, target=target)

    @property
    def size(self) -> int:
        """st_size: content bytes for a file, the target's length for a symlink, 0 for a dir."""
        if self.kind == "file":
            return self.content.size if self.content is not None else 0
        if self.kind == "symlink":
            return len((self.target or "").encode())
        return 0

    def stat(self) -> Stat:
        return Stat(self.kind, self.mode, self.uid, self.gid, self.size, self.target, self.mtime)

    def with_(self, **changes: object) -> Entry:
        return replace(self, **changes)  # type: ignore[arg-type]


def parent_of(path: str) -> str:
    head = path.rsplit("/", 1)[0]
    return head or "/"


def ancestors(path: str) -> Iterator[str]:
    """Proper ancestors of an absolute path, nearest first, excluding `/`."""
    while True:
        path = parent_of(path)
        if path == "/":
            return
        yield path


def path_key(path: str) -> tuple[str, ...]:
    """Sort key that puts parents before children and sorts siblings by name."""
    return tuple(p for p in path.split("/") if p)


@dataclass
class ChangeSet:
    """What a layer changes: entries (added or replaced, in full), whiteouts (paths deleted from
    the layers below) and opaque directories (whose lower children are all hidden)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    whiteouts: set[str] = field(default_factory=set)
    opaque: set[str] = field(default_factory=set)

    def add(self, path: str, entry: Entry) -> ChangeSet:
        self.entries[normalise(path)] = entry
        return self

    def delete(self, path: str) -> ChangeSet:
        self.whiteouts.add(normalise(path))
        return self

    def make_opaque(self, path: str) -> ChangeSet:
        self.opaque.add(normalise(path))
        return self

    def is_empty(self) -> bool:
        return not (self.entries or self.whiteouts or self.opaque)


# --- tar writing (Go archive/tar style) -----------------------------------------------------------
TYPE_REG, TYPE_DIR, TYPE_SYMLINK, TYPE_PAX = b"0", b"5", b"2", b"x"
_OCTAL_MAX = {8: 0o7777777, 12: 0o77777777777}


def _octal(value: int, width: int) -> bytes:
    """Go formatOctal: zero-padded digits and a NUL terminator filling the field."""
    return f"{value:0{width - 1}o}".encode() + b"\0"


def _field(text: bytes, width: int) -> bytes:
    return text[:width].ljust(width, b"\0")


def _pax_record(key: str, value: str) -> bytes:
    payload = f" {key}={value}\n".encode()
    size = len(payload) + 1
    while len(str(size)) + len(payload) != size:
        size = len(str(size)) + len(payload)
    return str(size).encode() + payload


def _split_ustar(name: bytes) -> tuple[bytes, bytes] | None:
    """Go splitUSTARPath: fit a long name into prefix (155) + name (100) at a slash."""
    if len(name) <= 100:
        return b"", name
    limit = min(len(name) - 1, 156)
    i = name.rfind(b"/", 0, limit)
    if i <= 0:
        return None
    prefix, rest = name[:i], name[i + 1 :]
    if len(prefix) > 155 or not rest or len(rest) > 100:
        return None
    return prefix, rest


def _header(
    name: str,
    typeflag: bytes,
    mode: int,
    uid: int,
    gid: int,
    size: int,
    mtime: int,
    linkname: str = "",
) -> bytes:
    """One USTAR header, preceded by a PAX header when a value does not fit USTAR."""
    pax: dict[str, str] = {}
    raw_name = name.encode()
    if typeflag == TYPE_PAX:  # Go writeRawFile: the name as bytes, cut to the field
        return _ustar_block(raw_name[:100], b"", typeflag, mode, uid, gid, size, mtime, b"")
    split = _split_ustar(raw_name) if raw_name.isascii() else None
    if split is None:
        pax["path"] = name
        split = (b"", raw_name[:100])
    raw_link = linkname.encode()
    if len(raw_link) > 100 or not raw_link.isascii():
        pax["linkpath"] = linkname
    numbers = {"uid": (uid, 8), "gid": (gid, 8), "size": (size, 12), "mtime": (mtime, 12)}
    for key, (value, width) in numbers.items():
        if not 0 <= value <= _OCTAL_MAX[width]:
            pax[key] = str(value)
    prefix, short = split
    for key in ("uid", "gid", "size", "mtime"):
        if key in pax:
            numbers[key] = (0, numbers[key][1])
    uid, gid, size, mtime = (numbers[k][0] for k in ("uid", "gid", "size", "mtime"))
    raw_link = raw_link if "linkpath" not in pax else raw_link[:100]
    block = _ustar_block(short, prefix, typeflag, mode, uid, gid, size, mtime, raw_link)
    if not pax:
        return block
    data = b"".join(_pax_record(k, pax[k]) for k in sorted(pax))
    base = name.rstrip("/").rsplit("/", 1)
    pax_name = "PaxHeaders.0/" + base[-1] if len(base) == 1 else f"{base[0]}/PaxHeaders.0/{base[1]}"
    pax_header = _header(pax_name, TYPE_PAX, 0, 0, 0, len(data), 0)
    return pax_header + data + b"\0" * (-len(data) % BLOCK) + block


def _ustar_block(
    name: bytes, prefix: bytes, typeflag: bytes, mode: int, uid: int, gid: int, size: int,
    mtime: int, linkname: bytes,
) -> bytes:  # fmt: skip
    """One 512-byte USTAR header with Go's octal fields and checksum (6 digits, NUL, space)."""
    block = b"".join(
        [
            _field(name, 100),
            _octal(mode & 0o7777777, 8),
            _octal(uid, 8),
            _octal(gid, 8),
            _octal(size, 12),
            _octal(mtime, 12),
            b" " * 8,
            typeflag,
            _field(linkname, 100),
            b"ustar\x0000",
            _field(b"", 32),
            _field(b"", 32),
            _octal(0, 8),
            _octal(0, 8),
            _field(prefix, 155),
            b"\0" * 12,
        ]
    )
    checksum = sum(block)
    return block[:148] + f"{checksum:06o}".encode() + b"\0 " + block[156:]


def _tar_items(
    entries: Mapping[str, Entry], whiteouts: Iterable[str], opaque: Iterable[str]
) -> list[tuple[tuple[str, ...], str, Entry | None]]:
    """(sort key, tar name, entry or None for a whiteout marker), parents first."""
    items: list[tuple[tuple[str, ...], str, Entry | None]] = []
    for path, entry in entries.items():
        name = path.lstrip("/") + ("/" if entry.kind == "dir" else "")
        items.append((path_key(path), name, entry))
    for path in whiteouts:
        parent, base = parent_of(path), path.rsplit("/", 1)[1]
        marker = f"{parent}/{WHITEOUT_PREFIX}{base}".lstrip("/")
        items.append((path_key(marker), marker, None))
    for path in opaque:
        marker = f"{path}/{OPAQUE_MARKER}".lstrip("/")
        items.append((path_key(marker), marker, None))
    items.sort(key=lambda item: item[0])
    return items


def tar_pieces(
    entries: Mapping[str, Entry], whiteouts: Iterable[str] = (), opaque: Iterable[str] = ()
) -> Iterator[bytes | int]:
    """The tar stream as pieces: bytes, or an int for a run of that many NUL bytes."""
    for _, name, entry in _tar_items(entries, whiteouts, opaque):
        if entry is None:  # whiteout markers: empty regular files, mode 0600 (go-archive)
            yield _header(name, TYPE_REG, 0o600, 0, 0, 0, 0)
        elif entry.kind == "dir":
            yield _header(name, TYPE_DIR, entry.mode, entry.uid, entry.gid, 0, entry.mtime)
        elif entry.kind == "symlink":
            target = entry.target or ""
            yield _header(
                name, TYPE_SYMLINK, entry.mode, entry.uid, entry.gid, 0, entry.mtime, target
            )
        else:
            content = entry.content or Content.empty()
            yield _header(
                name, TYPE_REG, entry.mode, entry.uid, entry.gid, content.size, entry.mtime
            )
            yield from content.pieces()
            if content.size % BLOCK:
                yield BLOCK - content.size % BLOCK
    yield END_OF_ARCHIVE


def expand(pieces: Iterable[bytes | int], chunk_size: int = CHUNK) -> Iterator[bytes]:
    for piece in pieces:
        if isinstance(piece, int):
            yield from zero_chunks(piece, chunk_size)
        else:
            yield piece


# --- gzip with cheap zero runs --------------------------------------------------------------------
_CRC_POLY = 0xEDB88320
# gzip header as Go's compress/gzip writes it with no name and mtime 0: OS byte 255 (unknown).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_ZERO_TRICK_MIN = 1 << 16
_zero_deflate_cache: dict[int, bytes] = {}


def _multmodp(a: int, b: int) -> int:
    """Multiply two polynomials modulo the CRC-32 polynomial (zlib crc32.c multmodp)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if (a & (m - 1)) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ _CRC_POLY if b & 1 else b >> 1


_X2N = [1 << 30]  # x^1, then x^2, x^4, ... (x^(2^k) mod p)
for _ in range(31):
    _X2N.append(_multmodp(_X2N[-1], _X2N[-1]))


def _x2nmodp(n: int, k: int) -> int:
    """x^(n * 2^k) modulo the CRC-32 polynomial (zlib crc32.c x2nmodp)."""
    p = 1 << 31
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return p


def crc32_zeros(crc: int, length: int) -> int:
    """zlib.crc32(bytes(length), crc) in O(log length): feeding zeros multiplies the register
    by x^(8*length)."""
    if length == 0:
        return crc
    return _multmodp(_x2nmodp(length, 3), crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF


def _zero_deflate(length: int) -> bytes:
    """Raw deflate blocks for `length` zeros, ending byte-aligned with a full flush, so they can
    be spliced into any deflate stream that was itself full-flushed just before."""
    cached = _zero_deflate_cache.get(length)
    if cached is None:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        cached = comp.compress(bytes(length)) + comp.flush(zlib.Z_FULL_FLUSH)
        if len(_zero_deflate_cache) < 64:
            _zero_deflate_cache[length] = cached
    return cached


def gzip_pieces(pieces: Iterable[bytes | int]) -> Iterator[bytes]:
    """A deterministic gzip member (mtime 0) of the stream. A long zero run is a full flush
    followed by precompressed blocks of 1 MiB and 64 KiB zeros, so it costs O(size / 64 KiB)."""
    yield GZIP_HEADER
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    crc = total = 0
    for piece in pieces:
        if isinstance(piece, int) and piece >= _ZERO_TRICK_MIN:
            yield comp.flush(zlib.Z_FULL_FLUSH)
            rest = piece
            for block in (CHUNK, _ZERO_TRICK_MIN):
                count, rest = divmod(rest, block)
                compressed = _zero_deflate(block)
                for _ in range(count):
                    yield compressed
            crc = crc32_zeros(crc, piece - rest)
            total += piece - rest
            piece = rest
        data = bytes(piece) if isinstance(piece, int) else piece
        out = comp.compress(data)
        if out:
            yield out
        crc = zlib.crc32(data, crc)
        total += len(data)
    yield comp.flush(zlib.Z_FINISH)
    yield struct.pack("<II", crc & 0xFFFFFFFF, total & 0xFFFFFFFF)


# --- digest memo ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BlobDigest:
    digest: str  # of the gzip blob
    size: int


# fingerprint -> DiffID, and fingerprint -> compressed blob: computed once per distinct stream.
_DIFF_IDS: dict[str, str] = {}
_BLOBS: dict[str, BlobDigest] = {}
_MEMO_MAX = 65536


def seed_digests(records: Mapping[str, Mapping[str, object]]) -> None:
    """Preload digests computed earlier for these fingerprints (the catalogue ships them, and a
    test recomputes every one)."""
    for fingerprint, rec in records.items():
        _DIFF_IDS[fingerprint] = str(rec["diff_id"])
        _BLOBS[fingerprint] = BlobDigest(str(rec["digest"]), int(str(rec["blob_size"])))


def fingerprint_pieces(pieces: Iterable[bytes | int]) -> str:
    """A hash that determines the stream exactly, without expanding zero runs."""
    hasher = hashlib.sha256()
    for piece in pieces:
        if isinstance(piece, int):
            hasher.update(b"Z" + piece.to_bytes(8, "big"))
        else:
            hasher.update(b"B" + len(piece).to_bytes(8, "big"))
            hasher.update(piece)
    return hasher.hexdigest()


def hash_diff_id(layer: Layer) -> str:
    """sha256 of the expanded tar stream (no memo)."""
    hasher = hashlib.sha256()
    for chunk in layer.tar_stream():
        hasher.update(chunk)
    return "sha256:" + hasher.hexdigest()


def hash_blob(layer: Layer) -> BlobDigest:
    """sha256 and size of the gzip blob (no memo)."""
    hasher, size = hashlib.sha256(), 0
    for chunk in layer.blob():
        hasher.update(chunk)
        size += len(chunk)
    return BlobDigest("sha256:" + hasher.hexdigest(), size)


# --- the layer ------------------------------------------------------------------------------------
class Layer:
    """An immutable layer made from a ChangeSet (the ChangeSet is copied)."""

    def __init__(self, changes: ChangeSet | None = None) -> None:
        changes = changes or ChangeSet()
        entries = {normalise(p): e for p, e in changes.entries.items()}
        entries.pop("/", None)  # the root itself is never in a layer tar
        whiteouts = frozenset(normalise(p) for p in changes.whiteouts)
        opaque = frozenset(normalise(p) for p in changes.opaque)
        clash = whiteouts & entries.keys()
        if clash:
            raise ValueError(f"path both added and whited out: {sorted(clash)[0]}")
        for path in whiteouts | opaque:
            if path == "/" and path in whiteouts:
                raise ValueError("cannot white out /")
        self.entries: Mapping[str, Entry] = MappingProxyType(entries)
        self.whiteouts: frozenset[str] = whiteouts
        self.opaque: frozenset[str] = opaque
        self.size = sum(e.content.size for e in entries.values() if e.content is not None)
        self._children: dict[str, set[str]] | None = None
        self._fingerprint: str | None = None
        self._diff_id: str | None = None
        self._blob: BlobDigest | None = None

    @classmethod
    def from_changeset(cls, changes: ChangeSet) -> Layer:
        return cls(changes)

    @classmethod
    def empty(cls) -> Layer:
        return cls(ChangeSet())

    def is_empty(self) -> bool:
        return not (self.entries or self.whiteouts or self.opaque)

    def changeset(self) -> ChangeSet:
        return ChangeSet(dict(self.entries), set(self.whiteouts), set(self.opaque))

    @property
    def children(self) -> dict[str, set[str]]:
        """Directory -> names of the entries this layer has in it (for directory listings)."""
        if self._children is None:
            index: dict[str, set[str]] = {}
            for path in self.entries:
                index.setdefault(parent_of(path), set()).add(path.rsplit("/", 1)[1])
            self._children = index
        return self._children

    # --- streams ----------------------------------------------------------------------------------
    def tar_pieces(self) -> Iterator[bytes | int]:
        return tar_pieces(self.entries, self.whiteouts, self.opaque)

    def tar_stream(self, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """The uncompressed layer tar, streamed."""
        return expand(self.tar_pieces(), chunk_size)

    def tar_bytes(self) -> bytes:
        """The whole tar in memory: for small layers and tests only."""
        return b"".join(self.tar_stream())

    def blob(self) -> Iterator[bytes]:
        """The compressed blob (gzip of the tar), streamed."""
        return gzip_pieces(self.tar_pieces())

    def blob_bytes(self) -> bytes:
        return b"".join(self.blob())

    # --- digests ----------------------------------------------------------------------------------
    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint_pieces(self.tar_pieces())
        return self._fingerprint

    @property
    def diff_id(self) -> str:
        """sha256 of the uncompressed tar (config `rootfs.diff_ids`); hashed only when asked."""
        if self._diff_id is None:
            known = _DIFF_IDS.get(self.fingerprint)
            if known is None:
                known = hash_diff_id(self)
                if len(_DIFF_IDS) < _MEMO_MAX:
                    _DIFF_IDS[self.fingerprint] = known
            self._diff_id = known
        return self._diff_id

    def _blob_digest(self) -> BlobDigest:
        if self._blob is None:
            known = _BLOBS.get(self.fingerprint)
            if known is None:
                known = hash_blob(self)
                if len(_BLOBS) < _MEMO_MAX:
                    _BLOBS[self.fingerprint] = known
            self._blob = known
        return self._blob

    @property
    def digest(self) -> str:
        """sha256 of the gzip blob (manifest `layers[].digest`)."""
        return self._blob_digest().digest

    @property
    def blob_size(self) -> int:
        return self._blob_digest().size

    def descriptor(self) -> dict[str, object]:
        return {"mediaType": LAYER_MEDIA_TYPE, "digest": self.digest, "size": self.blob_size}

    def __repr__(self) -> str:
        return (
            f"Layer(entries={len(self.entries)}, whiteouts={len(self.whiteouts)}, "
            f"opaque={len(self.opaque)}, size={self.size})"
        )


def empty_layer_diff_id() -> str:
    return sha256_digest(bytes(END_OF_ARCHIVE))
