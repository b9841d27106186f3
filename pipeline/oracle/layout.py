"""Images as files: the OCI image layout, `docker save` archives and `docker load`.

An `ImageArchive` is a set of files (`oci-layout`, `index.json`, `blobs/sha256/<hex>`, and for
`docker save` the legacy `manifest.json` and `repositories`), each held as a lazy `Content`, so a
layer with a 1 GiB zero file is a zero run, never a gigabyte of bytes. It becomes a real,
reproducible tar (Go archive/tar blocking, entries sorted parents first, fixed times, readable by
Python's `tarfile`), a directory in an engine `FileSystem`, or a directory on disk (for skopeo
and umoci in the differential tests).

- `oci_layout(images)`: image-spec image-layout.md, gzip layers, the engine's own OCI manifest
  (so its digest is the image's repo digest for catalogue images), `org.opencontainers.image.
  ref.name` annotations.
- `save(store, names)`: what Docker >= 25 `docker save` writes with the classic store (moby
  daemon/internal/image/tarexport/save.go): uncompressed layers named by DiffID, Go `json.Marshal`
  manifests, index annotations `io.containerd.image.name` + `org.opencontainers.image.ref.name`
  (the tag), `manifest.json` (Config, RepoTags, Layers, Parent, LayerSources) and `repositories`.
  ORACLE CHOICE: images in the order first named (Go iterates a map); the legacy v1 `json`
  blobs that save.go also writes for each layer are left out.
- `load(store, source)`: tarexport/load.go: `manifest.json` first; an OCI layout without it is
  read through `index.json` (what the containerd store does; tags from `io.containerd.image.
  name`). Layers already present by ChainID are reused, others are read back from their tar.
  The report holds the lines a non-TTY `docker load` prints.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.oracle import reference as refs
from pipeline.oracle.content import CHUNK, Content, Segment
from pipeline.oracle.digest import chain_ids, hex_part, short_id
from pipeline.oracle.fsapi import FileSystem
from pipeline.oracle.image import (
    OCI_CONFIG,
    OCI_LAYER_GZIP,
    OCI_MANIFEST,
    Image,
    ImageConfig,
    ImageConfigError,
)
from pipeline.oracle.layer import (
    OPAQUE_MARKER,
    WHITEOUT_PREFIX,
    ChangeSet,
    Entry,
    Layer,
    parent_of,
    tar_pieces,
)
from pipeline.oracle.paths import normalise
from pipeline.oracle.store import ImageStore, StoreError

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
LAYER_MEDIA_TYPES = (OCI_LAYER_TAR, OCI_LAYER_GZIP, DOCKER_LAYER_TAR, DOCKER_LAYER_GZIP)
MANIFEST_MEDIA_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
CONFIG_MEDIA_TYPES = (OCI_CONFIG, DOCKER_CONFIG)

REF_NAME = "org.opencontainers.image.ref.name"
IMAGE_NAME = "io.containerd.image.name"
# save.go writes the layout file with a space after the colon.
OCI_LAYOUT_FILE = b'{"imageLayoutVersion": "1.0.0"}'
BLOCK = 512
GZIP_MAGIC = b"\x1f\x8b"


class LayoutError(Exception):
    """A save/load failure; str() is the daemon's message (after `Error response from
    daemon: `)."""


def go_json(value: Any) -> bytes:
    """Go's json.Marshal: compact, UTF-8, `<`, `>`, `&`, U+2028 and U+2029 escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text.encode()


def _epoch(created: str) -> int:
    if not created:
        return 0
    try:
        return int(datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def _blob_path(digest: str) -> str:
    algorithm, encoded = digest.split(":", 1)
    return f"blobs/{algorithm}/{encoded}"


# --- the archive ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchiveFile:
    content: Content
    mtime: int = 0
    mode: int = 0o644


@dataclass
class ImageArchive:
    """Files by relative path (`blobs/sha256/<hex>`); directories are implied by the paths."""

    files: dict[str, ArchiveFile] = field(default_factory=dict)
    dir_mtimes: dict[str, int] = field(default_factory=dict)

    def put(self, path: str, data: bytes | Content, mtime: int = 0) -> None:
        content = data if isinstance(data, Content) else Content.of(data)
        self.files[path] = ArchiveFile(content, mtime)

    def put_blob(self, data: bytes | Content, digest: str, mtime: int = 0) -> None:
        """A blob under its digest; the first writer of a digest keeps its time (save.go)."""
        path = _blob_path(digest)
        if path not in self.files:
            self.put(path, data, mtime)

    def content(self, path: str) -> Content:
        found = self.files.get(path.removeprefix("./"))
        if found is None:
            raise LayoutError(f"open {path}: no such file or directory")
        return found.content

    def read(self, path: str) -> bytes:
        return self.content(path).read()

    def blob(self, digest: str) -> Content:
        return self.content(_blob_path(digest))

    def directories(self) -> list[str]:
        dirs: set[str] = set()
        for path in self.files:
            parts = path.split("/")[:-1]
            dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return sorted(dirs)

    # --- as a tar ---------------------------------------------------------------------------------
    def tar_content(self) -> Content:
        """The archive as one tar, a rope: layer zero runs stay zero runs."""
        entries = {
            f"/{d}": Entry.dir(0o755, mtime=self.dir_mtimes.get(d, 0)) for d in self.directories()
        }
        for path, item in self.files.items():
            entries[f"/{path}"] = Entry.file(item.content, item.mode, mtime=item.mtime)
        return Content(tar_pieces(entries))

    def tar_stream(self, chunk_size: int = CHUNK) -> Iterator[bytes]:
        return self.tar_content().chunks(chunk_size)

    def tar_bytes(self) -> bytes:
        """The whole tar in memory: for small archives and tests only."""
        return b"".join(self.tar_stream())

    @classmethod
    def from_tar(cls, source: Content | bytes | BinaryIO) -> ImageArchive:
        """Regular files of a tar (plain or gzip), as `docker load` untars its input."""
        archive = cls()
        for member in read_tar(_decompressed(_as_content(source))):
            name = normalise(member.name).lstrip("/")
            if member.kind == "file" and name:
                archive.files[name] = ArchiveFile(member.content, member.mtime, member.mode)
            elif member.kind == "dir" and name:
                archive.dir_mtimes[name] = member.mtime
        return archive

    # --- as a directory ---------------------------------------------------------------------------
    def write_to(self, fs: FileSystem, root: str) -> None:
        """Write the tree under `root` in an engine file system (e.g. the host context)."""
        fs.mkdir(root, 0o755, parents=True)
        base = root.rstrip("/")
        for directory in self.directories():
            if not fs.exists(f"{base}/{directory}"):
                fs.mkdir(f"{base}/{directory}", 0o755)
        for path, item in sorted(self.files.items()):
            fs.write_content(f"{base}/{path}", item.content, item.mode)

    @classmethod
    def from_fs(cls, fs: FileSystem, root: str) -> ImageArchive:
        archive = cls()
        base = root.rstrip("/")
        for path, info in fs.walk(root):
            if info.kind == "file":
                archive.files[path[len(base) + 1 :]] = ArchiveFile(fs.content(path), info.mtime)
        return archive

    def write_dir(self, directory: Path) -> None:
        """Write the tree on the real disk (for external tools: skopeo, umoci)."""
        for path, item in sorted(self.files.items()):
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                for chunk in item.content.chunks():
                    handle.write(chunk)

    @classmethod
    def from_dir(cls, directory: Path) -> ImageArchive:
        archive = cls()
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.is_symlink():
                with path.open("rb") as handle:
                    content = Content.from_chunks(iter(lambda h=handle: h.read(CHUNK), b""))
                archive.files[path.relative_to(directory).as_posix()] = ArchiveFile(content)
        return archive


def _as_content(source: Content | bytes | BinaryIO) -> Content:
    if isinstance(source, Content):
        return source
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return Content.from_chunks(data[i : i + CHUNK] for i in range(0, len(data), CHUNK))
    return Content.from_chunks(iter(lambda: source.read(CHUNK), b""))


# --- reading tars on a Content --------------------------------------------------------------------
@dataclass(frozen=True)
class TarMember:
    name: str
    kind: str  # "file", "dir", "symlink", "hardlink", "other"
    mode: int
    uid: int
    gid: int
    mtime: int
    linkname: str
    content: Content


class _Cursor:
    """Sequential reads over a Content's segments: linear in the archive, and slices of zero
    runs stay zero runs."""

    def __init__(self, content: Content) -> None:
        self._segments = list(content.pieces())
        self._index = 0
        self._offset = 0

    def take(self, n: int) -> list[Segment]:
        out: list[Segment] = []
        while n > 0 and self._index < len(self._segments):
            segment = self._segments[self._index]
            length = segment if isinstance(segment, int) else len(segment)
            k = min(n, length - self._offset)
            if isinstance(segment, int):
                out.append(k)
            else:
                out.append(segment[self._offset : self._offset + k])
            n -= k
            self._offset += k
            if self._offset == length:
                self._index += 1
                self._offset = 0
        return out

    def read(self, n: int) -> bytes:
        return b"".join(bytes(s) if isinstance(s, int) else s for s in self.take(n))


def _number(field_bytes: bytes) -> int:
    """A numeric header field: octal text, or GNU base-256 when the high bit is set."""
    if field_bytes and field_bytes[0] & 0x80:
        value = int.from_bytes(bytes([field_bytes[0] & 0x7F]) + field_bytes[1:], "big")
        return value
    text = field_bytes.replace(b"\0", b" ").strip()
    return int(text, 8) if text else 0


def _text(field_bytes: bytes) -> str:
    return field_bytes.split(b"\0", 1)[0].decode("utf-8", "replace")


def _pax_records(data: bytes) -> dict[str, str]:
    records: dict[str, str] = {}
    while data:
        length_text, _, rest = data.partition(b" ")
        length = int(length_text)
        record = data[len(length_text) + 1 : length]
        key, _, value = record.rstrip(b"\n").partition(b"=")
        records[key.decode()] = value.decode("utf-8", "replace")
        data = data[length:]
    return records


_KINDS = {b"0": "file", b"\0": "file", b"7": "file", b"5": "dir", b"2": "symlink", b"1": "hardlink"}


def read_tar(data: Content) -> Iterator[TarMember]:
    """The members of a tar (USTAR, PAX and GNU long names), their contents as Content slices."""
    cursor = _Cursor(data)
    pax: dict[str, str] = {}
    global_pax: dict[str, str] = {}
    long_name = long_link = None
    while True:
        header = cursor.read(BLOCK)
        if len(header) < BLOCK or header == bytes(BLOCK):
            return
        unsigned = sum(header[:148]) + 8 * 32 + sum(header[156:])
        if _number(header[148:156]) != unsigned:
            raise LayoutError("archive/tar: invalid tar header")
        typeflag = header[156:157]
        overrides = {**global_pax, **pax}
        size = int(overrides["size"]) if "size" in overrides else _number(header[124:136])
        body = Content(cursor.take(size))
        cursor.take(-size % BLOCK)
        if typeflag in (b"x", b"g"):
            (pax if typeflag == b"x" else global_pax).update(_pax_records(body.read()))
            continue
        if typeflag in (b"L", b"K"):
            value = body.read().split(b"\0", 1)[0].decode("utf-8", "replace")
            long_name, long_link = (value, long_link) if typeflag == b"L" else (long_name, value)
            continue
        name = _text(header[0:100])
        if header[257:263] == b"ustar\0" and header[345] != 0:
            name = f"{_text(header[345:500])}/{name}"
        linkname = long_link or overrides.get("linkpath") or _text(header[157:257])
        name = long_name or overrides.get("path") or name
        kind = _KINDS.get(typeflag, "other")
        if kind == "file" and name.endswith("/"):
            kind = "dir"
        numbers = {}
        for key, window in (("uid", (108, 116)), ("gid", (116, 124)), ("mtime", (136, 148))):
            raw = overrides.get(key)
            numbers[key] = int(float(raw)) if raw else _number(header[window[0] : window[1]])
        mode = _number(header[100:108]) & 0o7777
        yield TarMember(name, kind, mode, numbers["uid"], numbers["gid"], numbers["mtime"],
                        linkname, body)  # fmt: skip
        pax, long_name, long_link = {}, None, None


def _rechunk(chunks: Iterable[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """Fixed-size chunks aligned to the stream start, so runs of zeros are found again."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


def _gunzip(data: Content) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(31)
    for chunk in data.chunks():
        while chunk:
            out = decompressor.decompress(chunk, CHUNK)
            if out:
                yield out
            chunk = decompressor.unconsumed_tail
            if decompressor.eof:  # a further gzip member
                chunk = decompressor.unused_data + chunk
                decompressor = zlib.decompressobj(31)
    yield decompressor.flush()


def _decompressed(data: Content) -> Content:
    """compression.DecompressStream for what the oracle writes: gzip or plain."""
    if data.read(0, 2) == GZIP_MAGIC:
        return Content.from_chunks(_rechunk(_gunzip(data)))
    return data


def layer_from_tar(data: Content) -> Layer:
    """A layer read back from its tar (plain or gzip), as the daemon applies one (whiteouts and
    opaque markers, hard links as copies, devices ignored), without expanding zero runs."""
    changes = ChangeSet()
    for member in read_tar(_decompressed(data)):
        path = normalise(member.name)
        if path == "/":
            continue
        parent, base = parent_of(path), path.rsplit("/", 1)[1]
        if base == OPAQUE_MARKER:
            changes.opaque.add(parent)
            continue
        if base.startswith(WHITEOUT_PREFIX):
            if base == WHITEOUT_PREFIX:
                raise LayoutError(f"invalid whiteout entry {member.name!r}")
            changes.whiteouts.add(normalise(f"{parent}/{base[len(WHITEOUT_PREFIX) :]}"))
            continue
        meta = {"mode": member.mode, "uid": member.uid, "gid": member.gid, "mtime": member.mtime}
        if member.kind == "dir":
            changes.entries[path] = Entry.dir(**meta)
        elif member.kind == "symlink":
            changes.entries[path] = Entry.symlink(
                member.linkname, member.uid, member.gid, member.mtime
            )
        elif member.kind == "hardlink":
            source = changes.entries.get(normalise(member.linkname))
            if source is not None and source.kind == "file":
                changes.entries[path] = Entry.file(source.content or Content.empty(), **meta)
        elif member.kind == "file":
            changes.entries[path] = Entry.file(member.content, **meta)
    return Layer(changes)


# --- OCI image layout -----------------------------------------------------------------------------
def _descriptor(media_type: str, digest: str, size: int, **extra: Any) -> dict[str, Any]:
    """An OCI descriptor in Go's field order (mediaType, digest, size, annotations)."""
    return {"mediaType": media_type, "digest": digest, "size": size, **extra}


def oci_layout(
    images: Sequence[tuple[Image, Sequence[str]]], compressed: bool = True
) -> ImageArchive:
    """An OCI image layout of `images`, each with its `org.opencontainers.image.ref.name`
    values (none: listed without annotation). Gzip layers and the engine's OCI manifest by
    default; `compressed=False` writes plain tar layers named by DiffID."""
    archive = ImageArchive()
    manifests: list[dict[str, Any]] = []
    for image, names in images:
        for layer in image.layers:
            if compressed:
                archive.put_blob(Content(list(layer.blob())), layer.digest)
            else:
                archive.put_blob(Content(layer.tar_pieces()), layer.diff_id)
        archive.put_blob(image.config_bytes, image.id)
        data = image.manifest_bytes("oci") if compressed else _plain_manifest(image)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        archive.put_blob(data, digest)
        plain = _descriptor(OCI_MANIFEST, digest, len(data))
        for name in names:
            manifests.append({**plain, "annotations": {REF_NAME: name}})
        if not names:
            manifests.append(plain)
    archive.put("oci-layout", OCI_LAYOUT_FILE)
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
    archive.put("index.json", go_json(index))
    return archive


def _plain_manifest(image: Image) -> bytes:
    """save.go's manifest: json.Marshal(ocispec.Manifest) with uncompressed layers."""
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": _descriptor(OCI_CONFIG, image.id, len(image.config_bytes)),
        "layers": [
            _descriptor(OCI_LAYER_TAR, layer.diff_id, _tar_size(layer)) for layer in image.layers
        ],
    }
    return go_json(document)


def _tar_size(layer: Layer) -> int:
    return sum(p if isinstance(p, int) else len(p) for p in layer.tar_pieces())


# --- docker save ----------------------------------------------------------------------------------
@dataclass
class _Saved:
    image: Image
    refs: list[refs.Reference] = field(default_factory=list)


def save(store: ImageStore, names: Sequence[str]) -> ImageArchive:
    """`docker save NAME...`: the archive Docker >= 25 writes (tarexport/save.go)."""
    chosen = _save_selection(store, names)
    archive = ImageArchive()
    manifest: list[dict[str, Any]] = []
    repositories: dict[str, dict[str, str]] = {}
    descriptors: list[dict[str, Any]] = []
    for image_id, saved in chosen.items():
        image = saved.image
        if not image.layers:
            raise LayoutError("empty export - not implemented")
        created = _epoch(image.created)
        sources: dict[str, dict[str, Any]] = {}
        for layer in image.layers:
            content = Content(layer.tar_pieces())
            archive.put_blob(content, layer.diff_id, created)
            sources[layer.diff_id] = {
                "mediaType": OCI_LAYER_TAR,
                "size": content.size,
                "digest": layer.diff_id,
            }
        archive.put_blob(image.config_bytes, image_id, created)
        archive.dir_mtimes["blobs"] = created
        data = _plain_manifest(image)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        archive.put_blob(data, digest)
        untagged = _descriptor(OCI_MANIFEST, digest, len(data))
        repo_tags = []
        top = hex_part(image.layers[-1].diff_id)
        for ref in saved.refs:
            repositories.setdefault(refs.familiar_name(ref), {})[ref.tag] = top
            repo_tags.append(refs.familiar_string(ref))
            annotations = {IMAGE_NAME: str(ref), REF_NAME: ref.tag}
            descriptors.append({**untagged, "annotations": annotations})
        if not descriptors:  # save.go checks the list of all images so far, not this image's
            descriptors.append(untagged)
        item: dict[str, Any] = {
            "Config": _blob_path(image_id),
            "RepoTags": repo_tags or None,
            "Layers": [_blob_path(layer.diff_id) for layer in image.layers],
        }
        parent = store.parent(image_id)
        if parent and parent in chosen:
            item["Parent"] = parent
        item["LayerSources"] = dict(sorted(sources.items()))
        manifest.append(item)
    if repositories:
        archive.put("repositories", go_json(_sorted(repositories)) + b"\n")
    archive.put("manifest.json", go_json(manifest) + b"\n")
    archive.put("oci-layout", OCI_LAYOUT_FILE)
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descriptors}
    archive.put("index.json", go_json(index))
    return archive


def _sorted(value: Any) -> Any:
    """Go marshals map keys sorted."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    return value


def _save_selection(store: ImageStore, names: Sequence[str]) -> dict[str, _Saved]:
    """save.go parseNames: images in the order first named, with their tags."""
    chosen: dict[str, _Saved] = {}

    def add(image_id: str, ref: refs.Reference | None) -> None:
        saved = chosen.setdefault(image_id, _Saved(store.images[image_id]))
        if ref is None or ref.digest:
            return
        tagged = refs.tag_name_only(ref)
        if all(str(t) != str(tagged) for t in saved.refs):
            saved.refs.append(tagged)

    for name in names:
        try:
            ref = refs.parse_any_reference(name)
        except refs.ReferenceError as exc:
            raise LayoutError(str(exc)) from exc
        if not ref.is_named or refs.familiar_name(ref) == "sha256":
            add(_search(store, name), None)
        elif ref.is_name_only:
            found = _references_by_name(store, ref.name)
            for key, image_id in found:
                add(image_id, refs.parse_normalized_named(key))
            if not found:
                add(_search(store, name), None)
        else:
            key = f"{ref.name}@{ref.digest}" if ref.digest else str(ref)
            image_id = (store.digests if ref.digest else store.tags).get(key)
            if image_id is None:
                raise LayoutError("reference does not exist")
            add(image_id, ref)
    return chosen


def _search(store: ImageStore, name: str) -> str:
    try:
        return store.get(name).id
    except StoreError as exc:
        raise LayoutError(f"No such image: {name}") from exc


def _references_by_name(store: ImageStore, name: str) -> list[tuple[str, str]]:
    """refstore ReferencesByName: tags and digests of one repository, sorted by reference."""
    found = [(k, v) for k, v in store.tags.items() if refs.parse_normalized_named(k).name == name]
    found += [(k, v) for k, v in store.digests.items() if k.split("@", 1)[0] == name]
    return sorted(found)


# --- docker load ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedImage:
    id: str
    tags: tuple[str, ...]  # familiar: demo:1.0


@dataclass(frozen=True)
class LoadReport:
    images: tuple[LoadedImage, ...]
    lines: tuple[str, ...]  # what a non-TTY `docker load` prints (the CLI implies --quiet)
    layers: tuple[str, ...]  # short DiffIDs of the layers read in ("Loading layer" on a TTY)


@dataclass(frozen=True)
class _Item:
    """One image to load: its config, layer paths, tags and parent."""

    config: str  # path of the config in the archive
    layers: tuple[str, ...]
    tags: tuple[str, ...]
    parent: str = ""


def load(store: ImageStore, source: ImageArchive | Content | bytes | BinaryIO) -> LoadReport:
    """`docker load`: every image of a `docker save` archive (or an OCI layout) into the
    store, with the same IDs; tags are restored (moved from another image if needed)."""
    archive = source if isinstance(source, ImageArchive) else ImageArchive.from_tar(source)
    items = _load_items(archive)
    lines: list[str] = []
    id_lines: list[str] = []
    loaded: list[LoadedImage] = []
    new_layers: list[str] = []
    parents: list[tuple[str, str]] = []
    tagged = 0
    for item in items:
        image = _load_image(store, archive, item, new_layers)
        store.add(image, record_tag_time=False)
        id_lines.append(f"Loaded image ID: {image.id}")
        tagged = 0
        for repo_tag in item.tags:
            familiar = _load_tag(store, image, repo_tag, lines)
            lines.append(f"Loaded image: {familiar}")
            tagged += 1
        loaded.append(LoadedImage(image.id, tuple(refs.familiar_string(
            refs.parse_normalized_named(t)) for t in item.tags)))  # fmt: skip
        parents.append((image.id, item.parent))
    _link_parents(store, parents)
    if tagged == 0:  # load.go resets the count per image: only the last one decides
        lines += id_lines
    return LoadReport(tuple(loaded), tuple(lines), tuple(new_layers))


def _load_items(archive: ImageArchive) -> list[_Item]:
    if "manifest.json" in archive.files:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except ValueError as exc:
            raise LayoutError(f"invalid archive: failed to decode manifest.json: {exc}") from exc
        if manifest is None:
            raise LayoutError("invalid manifest, manifest cannot be null (but can be [])")
        return [
            _Item(
                str(m["Config"]),
                tuple(str(p) for p in m.get("Layers") or []),
                tuple(m.get("RepoTags") or []),
                str(m.get("Parent") or ""),
            )
            for m in manifest
        ]
    if "index.json" in archive.files:
        return _index_items(archive)
    raise LayoutError("invalid archive: does not contain a manifest.json")


def _index_items(archive: ImageArchive) -> list[_Item]:
    """An OCI layout without manifest.json: one item per manifest, tags from the full image
    name annotation (a bare ref.name is not a repository)."""
    items: dict[str, _Item] = {}
    for descriptor in _manifest_descriptors(archive, json.loads(archive.read("index.json"))):
        manifest = json.loads(archive.read(_blob_path(descriptor["digest"])))
        name = (descriptor.get("annotations") or {}).get(IMAGE_NAME)
        item = items.get(descriptor["digest"]) or _Item(
            _blob_path(manifest["config"]["digest"]),
            tuple(_blob_path(layer["digest"]) for layer in manifest.get("layers") or []),
            (),
        )
        if name:
            item = _Item(item.config, item.layers, (*item.tags, name))
        items[descriptor["digest"]] = item
    return list(items.values())


def _manifest_descriptors(archive: ImageArchive, index: Mapping[str, Any]) -> list[dict]:
    found: list[dict] = []
    for descriptor in index.get("manifests") or []:
        if descriptor.get("mediaType") in (OCI_INDEX, DOCKER_MANIFEST_LIST):
            nested = json.loads(archive.read(_blob_path(descriptor["digest"])))
            found += _manifest_descriptors(archive, nested)
        else:
            found.append(descriptor)
    return found


def _load_image(
    store: ImageStore, archive: ImageArchive, item: _Item, new_layers: list[str]
) -> Image:
    data = archive.read(item.config)
    try:
        config, diff_ids = ImageConfig.from_json(data)
    except ImageConfigError as exc:
        raise LayoutError(str(exc)) from exc
    if len(item.layers) != len(diff_ids):
        raise LayoutError(
            f"invalid manifest, layers length mismatch: expected {len(item.layers)}, "
            f"got {len(diff_ids)}"
        )
    layers: list[Layer] = []
    for i, (path, diff_id) in enumerate(zip(item.layers, diff_ids, strict=True)):
        chain = chain_ids([*(layer.diff_id for layer in layers), diff_id])[-1]
        layer = store.layers.get(chain)
        if layer is None:
            layer = layer_from_tar(archive.content(path))
            new_layers.append(short_id(diff_id))
        if layer.diff_id != diff_id:
            raise LayoutError(
                f'invalid diffID for layer {i}: expected "{diff_id}", got "{layer.diff_id}"'
            )
        layers.append(layer)
    image = Image(config, layers)
    if image.config_bytes != data:
        # The engine keeps configs in canonical JSON: a foreign config would get another ID.
        raise LayoutError(f"cannot keep the image config {item.config} byte for byte")
    return image


def _load_tag(store: ImageStore, image: Image, repo_tag: str, lines: list[str]) -> str:
    """load.go setLoadedTag: a tag already on another image moves, with a notice."""
    try:
        named = refs.parse_normalized_named(repo_tag)
    except refs.ReferenceError as exc:
        raise LayoutError(str(exc)) from exc
    if not named.tag or named.digest:
        raise LayoutError(f'invalid tag "{repo_tag}"')
    familiar = refs.familiar_string(named)
    previous = store.tags.get(str(named))
    if previous is not None and previous != image.id:
        lines.append(
            f"The image {familiar} already exists, renaming the old one with ID {previous} "
            "to empty string"
        )
    store.tag(image, str(named), record_time=False)
    return familiar


def _link_parents(store: ImageStore, links: list[tuple[str, str]]) -> None:
    """validatedParentLinks + checkValidParent: a parent saved alongside, one history entry
    shorter with the same history."""
    loaded = {image_id for image_id, _ in links}
    for image_id, parent_id in links:
        if not parent_id or parent_id == image_id or parent_id not in loaded:
            continue
        child, parent = store.images[image_id].config.history, store.images[parent_id].config
        if len(child) - len(parent.history) == 1 and child[:-1] == parent.history:
            store.parents[image_id] = parent_id


# --- validation -----------------------------------------------------------------------------------
def validate(archive: ImageArchive) -> list[str]:
    """Problems of an OCI image layout against image-spec image-layout.md, descriptor.md and
    manifest.md: blob names, sizes and media types, configs and layers matching."""
    problems: list[str] = []
    if "oci-layout" not in archive.files:
        return ["no oci-layout file"]
    if json.loads(archive.read("oci-layout")).get("imageLayoutVersion") != "1.0.0":
        problems.append("oci-layout: imageLayoutVersion is not 1.0.0")
    for path, item in archive.files.items():
        if path.startswith("blobs/"):
            _, algorithm, encoded = path.split("/", 2)
            if (
                algorithm != "sha256"
                or f"{algorithm}:{item.content.sha256()}" != f"sha256:{encoded}"
            ):
                problems.append(f"{path}: content does not hash to its name")
    index = json.loads(archive.read("index.json"))
    if index.get("schemaVersion") != 2:
        problems.append("index.json: schemaVersion is not 2")
    for descriptor in _manifest_descriptors(archive, index):
        found = _check_descriptor(archive, descriptor, MANIFEST_MEDIA_TYPES)
        if not found:
            found = _check_manifest(archive, json.loads(archive.blob(descriptor["digest"]).read()))
        problems += found
    return problems


def _check_descriptor(
    archive: ImageArchive, descriptor: Mapping[str, Any], media_types: Sequence[str]
) -> list[str]:
    digest = str(descriptor.get("digest", ""))
    if descriptor.get("mediaType") not in media_types:
        return [f"{digest}: unexpected media type {descriptor.get('mediaType')}"]
    if _blob_path(digest) not in archive.files:
        return [f"{digest}: no blob"]
    if archive.blob(digest).size != descriptor.get("size"):
        return [f"{digest}: size {descriptor.get('size')} is not the blob's"]
    return []


def _check_manifest(archive: ImageArchive, manifest: Mapping[str, Any]) -> list[str]:
    problems = _check_descriptor(archive, manifest["config"], CONFIG_MEDIA_TYPES)
    for layer in manifest.get("layers") or []:
        problems += _check_descriptor(archive, layer, LAYER_MEDIA_TYPES)
    if problems:
        return problems
    config = json.loads(archive.blob(manifest["config"]["digest"]).read())
    diff_ids = config.get("rootfs", {}).get("diff_ids", [])
    layers = manifest.get("layers") or []
    if len(diff_ids) != len(layers):
        return [f"{len(layers)} layers for {len(diff_ids)} diff_ids"]
    for layer, diff_id in zip(layers, diff_ids, strict=True):
        plain = _decompressed(archive.blob(layer["digest"]))
        if f"sha256:{plain.sha256()}" != diff_id:
            problems.append(f"{layer['digest']}: uncompressed content is not {diff_id}")
    return problems
