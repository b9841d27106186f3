"""`docker push` and `docker pull` of the classic overlay2 store, against `engine.registries`.

The logic follows moby's daemon/internal/distribution (push.go, push_v2.go, pull.go, pull_v2.go,
xfer/upload.go, xfer/download.go, errors.go) and the daemon's V2 metadata service
(metadata/v2_metadata_service.go), which remembers for each layer DiffID the blob digest and the
repositories it was pushed to or pulled from:

- push: a layer is `Layer already exists` when the daemon knows its blob and the target
  repository has it, `Mounted from <path>` when the daemon knows it in another repository of the
  same registry and the registry can link it from there, else `Pushed`. The manifest is Docker
  schema2 as distribution's `schema2.FromStruct` writes it (`json.MarshalIndent`, three spaces),
  so `size:` is what real Docker prints for the same digits. Progress IDs are
  `TruncateID(DiffID)`.
- pull: layers are skipped bottom-up only while the whole prefix (ChainID) exists locally and the
  daemon knows the blob's DiffID; after the first missing layer every layer is downloaded
  (docker-image-semantics.md §4.7, §7 item 26). An image already present is not downloaded at
  all. Progress IDs are `TruncateID(blob digest)`.

Nothing here prints: every operation returns a report with per-layer short IDs and statuses
(the `docker` command prints them); `lines()` gives the non-TTY text as one ORACLE CHOICE of the
racy real order (all first statuses, then `Waiting`, then each layer's final statuses in order).
Errors are `DistributionError`s whose `lines` hold what was printed before the failure.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.oracle import reference as refs
from pipeline.oracle.digest import chain_ids, short_id
from pipeline.oracle.image import (
    DOCKER_CONFIG,
    DOCKER_LAYER_GZIP,
    DOCKER_MANIFEST,
    Image,
    ImageConfig,
    ImageConfigError,
)
from pipeline.oracle.layer import Layer
from pipeline.oracle.registry import Blob, Registry, RegistryError
from pipeline.oracle.store import ImageStore

if TYPE_CHECKING:
    from pipeline.oracle.engine import Engine

# dockerd defaults: --max-concurrent-uploads 5, --max-concurrent-downloads 3 (daemon/config).
PUSH_CONCURRENCY = 5
PULL_CONCURRENCY = 3
# push_v2.go getMaxMountAndExistenceCheckAttempts thresholds (uncompressed layer size).
SMALL_LAYER = 100 * (1 << 10)
MIDDLE_LAYER = 10 * (1 << 20)
# v2_metadata_service.go maxMetadata: records kept per DiffID.
METADATA_MAX = 50

PULL_ACCESS_DENIED = (
    "pull access denied for {name}, repository does not exist or may require 'docker login'"
)


class DistributionError(Exception):
    """A failed push or pull. `str()` is the message; `lines` what was printed on stdout before
    it; `daemon_error` true when the CLI prefixes it with `Error response from daemon: ` (an
    HTTP error before any progress), false for an error inside the progress stream."""

    def __init__(self, message: str, lines: Sequence[str] = (), daemon_error: bool = True) -> None:
        super().__init__(message)
        self.lines = tuple(lines)
        self.daemon_error = daemon_error
        self.code = ""  # the registry's error code when the registry refused


class PushError(DistributionError):
    pass


class PullError(DistributionError):
    pass


# --- the daemon's blob metadata -------------------------------------------------------------------
@dataclass(frozen=True)
class BlobRecord:
    """V2Metadata: a layer's blob digest and a repository (full name) known to hold it."""

    diff_id: str
    digest: str
    repository: str


class BlobMetadata:
    """The daemon's V2MetadataService: per DiffID the (digest, repository) pairs it has seen,
    oldest first; and the reverse map blob digest -> DiffID that pull uses to find local
    layers."""

    def __init__(self) -> None:
        self._records: dict[str, list[BlobRecord]] = {}
        self._diff_ids: dict[str, str] = {}

    def records(self, diff_id: str) -> list[BlobRecord]:
        return list(self._records.get(diff_id, ()))

    def diff_id(self, digest: str) -> str | None:
        return self._diff_ids.get(digest)

    def add(self, diff_id: str, digest: str, repository: str) -> None:
        """Add (or refresh to youngest) one record; at most METADATA_MAX per DiffID."""
        record = BlobRecord(diff_id, digest, repository)
        kept = [r for r in self._records.get(diff_id, ()) if r != record]
        kept.append(record)
        self._records[diff_id] = kept[-METADATA_MAX:]
        self._diff_ids[digest] = diff_id

    def remove(self, record: BlobRecord) -> None:
        kept = [r for r in self._records.get(record.diff_id, ()) if r != record]
        self._records[record.diff_id] = kept

    def record_image(self, image: Image, repository: str) -> None:
        """What a pull from `repository` leaves behind for every layer of `image`."""
        for layer in image.layers:
            self.add(layer.diff_id, layer.digest, repository)

    def record_catalogue(self) -> None:
        """The catalogue's listed images count as pulled from their repositories."""
        from pipeline.oracle.catalogue import load

        for item in load():
            if item.listed:
                name = refs.parse_normalized_named(item.repository).name
                self.record_image(item.image, name)


# --- reports --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerProgress:
    """One layer's progress: the short ID shown before the colon and the statuses it printed
    (non-TTY: statuses with a progress bar, `Pushing`/`Downloading`/`Extracting`, are never
    printed). `status` is the last one; a layer repeated in one image prints only its first
    status (`Preparing`) and shares the transfer of its first occurrence."""

    id: str
    events: tuple[str, ...]
    diff_id: str
    digest: str
    duplicate: bool = False

    @property
    def status(self) -> str:
        return self.events[-1] if self.events else ""


def _progress_lines(layers: Sequence[LayerProgress]) -> list[str]:
    """First statuses in layer order, then `Waiting`, then the rest per layer in order."""
    lines = [f"{p.id}: {p.events[0]}" for p in layers if p.events]
    lines += [f"{p.id}: Waiting" for p in layers if "Waiting" in p.events]
    for p in layers:
        lines += [f"{p.id}: {e}" for e in p.events[1:] if e != "Waiting"]
    return lines


@dataclass(frozen=True)
class PushedTag:
    """One tag's push: layers top first, then `<tag>: digest: <digest> size: <size>`."""

    tag: str
    layers: tuple[LayerProgress, ...]
    digest: str
    size: int
    image_id: str

    def lines(self) -> list[str]:
        return [
            *_progress_lines(self.layers),
            f"{self.tag}: digest: {self.digest} size: {self.size}",
        ]


@dataclass(frozen=True)
class PushReport:
    repository: str  # the full name: docker.io/library/demo
    default_tag: bool  # the CLI added `:latest` (it prints `Using default tag: latest`)
    tags: tuple[PushedTag, ...]

    def lines(self) -> list[str]:
        out = ["Using default tag: latest"] if self.default_tag else []
        out.append(f"The push refers to repository [{self.repository}]")
        for pushed in self.tags:
            out += pushed.lines()
        return out


@dataclass(frozen=True)
class PulledImage:
    """One manifest pulled: `<tag or digest ref>: Pulling from <path>`, layers bottom first
    (none when the image was already present), `Digest: ...`."""

    tag_or_digest: str
    remote_name: str
    layers: tuple[LayerProgress, ...]
    digest: str
    image_id: str
    updated: bool  # a reference now points at the image: "Downloaded newer image"

    def lines(self) -> list[str]:
        head = f"{self.tag_or_digest}: Pulling from {self.remote_name}"
        return [head, *_progress_lines(self.layers), f"Digest: {self.digest}"]


@dataclass(frozen=True)
class PullReport:
    reference: str  # the full reference the CLI prints last: docker.io/library/ubuntu:latest
    familiar: str  # the reference in the Status line: ubuntu:latest
    default_tag: bool
    images: tuple[PulledImage, ...]

    @property
    def downloaded(self) -> bool:
        return any(i.updated for i in self.images)

    @property
    def status(self) -> str:
        if self.downloaded:
            return f"Status: Downloaded newer image for {self.familiar}"
        return f"Status: Image is up to date for {self.familiar}"

    @property
    def image_id(self) -> str:
        return self.images[-1].image_id if self.images else ""

    def lines(self) -> list[str]:
        out = ["Using default tag: latest"] if self.default_tag else []
        for image in self.images:
            out += image.lines()
        return [*out, self.status, self.reference]


# --- helpers --------------------------------------------------------------------------------------
def schema2_manifest(image: Image, layer_media_type: str = DOCKER_LAYER_GZIP) -> bytes:
    """The manifest a classic-store push writes: distribution's schema2 Manifest marshalled
    with `json.MarshalIndent(m, "", "   ")`, descriptor fields in Go's order (mediaType, size,
    digest) and no trailing newline (manifest/schema2/manifest.go FromStruct)."""
    document = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {
            "mediaType": DOCKER_CONFIG,
            "size": len(image.config_bytes),
            "digest": image.id,
        },
        "layers": [
            {"mediaType": layer_media_type, "size": layer.blob_size, "digest": layer.digest}
            for layer in image.layers
        ],
    }
    return json.dumps(document, indent=3, separators=(",", ": "), ensure_ascii=False).encode()


def add_digest_reference(store: ImageStore, name: str, digest: str, image_id: str) -> None:
    """pull.go addDigestReference: record `name@digest`; an existing one is never moved."""
    key = f"{name}@{digest}"
    if key not in store.digests:
        store.add_digest(image_id, key)


def _parse(name: str, error: type[DistributionError]) -> refs.Reference:
    try:
        return refs.parse_normalized_named(name)
    except refs.ReferenceError as exc:
        raise error(str(exc)) from exc


def _metadata(engine: Engine) -> BlobMetadata:
    return engine.blob_metadata


# --- push -----------------------------------------------------------------------------------------
def push(engine: Engine, name: str, all_tags: bool = False) -> PushReport:
    """`docker push [-a] NAME[:TAG]`: a bare name means `:latest` (the CLI's default tag)
    unless `all_tags`, which pushes every local tag of the repository in sorted order."""
    named = _parse(name, PushError)
    lines: list[str] = []
    default_tag = not all_tags and named.is_name_only
    if default_tag:
        named = refs.tag_name_only(named)
        lines.append("Using default tag: latest")
    repo_name = refs.trim_named(named)
    lines.append(f"The push refers to repository [{repo_name.name}]")
    targets = _push_targets(engine.images, named, repo_name, lines)
    registry = engine.registries.get(repo_name.domain)
    session = _PushSession(engine, registry, repo_name)
    pushed = tuple(session.push_tag(tag, engine.images.images[i]) for tag, i in targets)
    return PushReport(repo_name.name, default_tag, pushed)


def _push_targets(
    store: ImageStore, named: refs.Reference, repo_name: refs.Reference, lines: list[str]
) -> list[tuple[str, str]]:
    """push.go / push_v2.go pushRepository: (tag, image ID) pairs, or the daemon's error."""
    prefix = repo_name.name
    tags = {k: v for k, v in store.tags.items() if refs.parse_normalized_named(k).name == prefix}
    digests = [k for k in store.digests if k.split("@", 1)[0] == prefix]
    if not tags and not digests:
        message = f"An image does not exist locally with the tag: {refs.familiar_name(repo_name)}"
        raise PushError(message, lines, daemon_error=False)
    if named.digest:
        raise PushError("cannot push a digest reference", lines, daemon_error=False)
    if named.tag:
        image_id = tags.get(str(named))
        if image_id is None:
            message = f"tag does not exist: {refs.familiar_string(named)}"
            raise PushError(message, lines, daemon_error=False)
        return [(named.tag, image_id)]
    found = sorted((refs.parse_normalized_named(k).tag, v) for k, v in tags.items())
    if not found:
        message = f"no tags to push for {refs.familiar_name(repo_name)}"
        raise PushError(message, lines, daemon_error=False)
    return found


@dataclass
class _PushSession:
    """One `docker push`: the pushState shared by its tags (layers known to be remote)."""

    engine: Engine
    registry: Registry
    repo_name: refs.Reference
    remote: dict[str, str] = field(default_factory=dict)  # DiffID -> digest

    @property
    def path(self) -> str:
        return self.repo_name.path

    def push_tag(self, tag: str, image: Image) -> PushedTag:
        progress: list[LayerProgress] = []
        started: set[str] = set()
        for layer in reversed(image.layers):  # upload.go: top layer first
            diff_id = layer.diff_id
            short = short_id(diff_id)
            if diff_id in started:  # same Key: Preparing is printed, the transfer is shared
                progress.append(LayerProgress(short, ("Preparing",), diff_id, layer.digest, True))
                continue
            events = ["Preparing"]
            if len(started) >= PUSH_CONCURRENCY:
                events.append("Waiting")
            started.add(diff_id)
            events.append(self._upload(layer))
            progress.append(LayerProgress(short, tuple(events), diff_id, layer.digest))
        self.registry.put_blob(self.path, Blob.of_bytes(image.config_bytes, DOCKER_CONFIG))
        data = schema2_manifest(image)
        manifest = self.registry.put_manifest(self.path, data, DOCKER_MANIFEST, tag=tag)
        add_digest_reference(self.engine.images, self.repo_name.name, manifest.digest, image.id)
        return PushedTag(tag, tuple(progress), manifest.digest, manifest.size, image.id)

    def _upload(self, layer: Layer) -> str:
        """push_v2.go pushDescriptor.Upload: the final status of one layer."""
        diff_id, digest = layer.diff_id, layer.digest
        if diff_id in self.remote:
            return "Layer already exists"
        metadata = _metadata(self.engine)
        records = metadata.records(diff_id)
        max_mounts, max_checks, check_others = _attempts(layer)
        checked: set[str] = set()
        if records and self._already_exists(records, True, 1, checked):
            return "Layer already exists"
        for candidate in self._mount_candidates(records, max_mounts):
            source = refs.parse_normalized_named(candidate.repository).path
            if self.registry.mount_blob(self.path, candidate.digest, source) is not None:
                metadata.add(diff_id, candidate.digest, self.repo_name.name)
                self.remote[diff_id] = candidate.digest
                return f"Mounted from {source}"
            metadata.remove(candidate)  # "removing association ... due to blob mount failure"
        more = max_checks - len(checked)
        if more > 0 and self._already_exists(records, check_others, more, checked):
            return "Layer already exists"
        self.registry.put_blob(self.path, Blob.of_layer(layer, DOCKER_LAYER_GZIP))
        metadata.add(diff_id, digest, self.repo_name.name)
        self.remote[diff_id] = digest
        return "Pushed"

    def _already_exists(
        self, records: list[BlobRecord], check_others: bool, attempts: int, checked: set[str]
    ) -> bool:
        """push_v2.go layerAlreadyExists: stat the best candidates' digests in the target."""
        target = self.repo_name.name
        candidates = [r for r in records if check_others or r.repository == target]
        digests: list[BlobRecord] = []
        for record in _by_likeness(candidates, target):
            if len(digests) >= attempts:
                break
            if record.digest in checked or any(d.digest == record.digest for d in digests):
                continue
            digests.append(record)
        metadata = _metadata(self.engine)
        for record in digests:
            checked.add(record.digest)
            if self.registry.has_blob(self.path, record.digest):
                if record.repository != target:
                    metadata.add(record.diff_id, record.digest, target)
                self.remote[record.diff_id] = record.digest
                return True
            if record.repository == target:
                metadata.remove(record)
        return False

    def _mount_candidates(self, records: list[BlobRecord], limit: int) -> list[BlobRecord]:
        """getRepositoryMountCandidates: same registry, another repository, best first."""
        target = self.repo_name.name
        same_registry = [
            r
            for r in records
            if r.repository != target
            and refs.parse_normalized_named(r.repository).domain == self.repo_name.domain
        ]
        return _by_likeness(same_registry, target)[:limit]


def _attempts(layer: Layer) -> tuple[int, int, bool]:
    """getMaxMountAndExistenceCheckAttempts: (mount attempts, existence checks, check other
    repositories' digests), by the layer's size."""
    if layer.size > MIDDLE_LAYER:
        return 4, 3, True
    if layer.size > SMALL_LAYER:
        return 3, 1, False
    return 1, 1, False


def _by_likeness(records: list[BlobRecord], target: str) -> list[BlobRecord]:
    """sortV2MetadataByLikenessAndAge: youngest first, then (stable) by the number of leading
    path components shared with the target repository."""
    wanted = target.split("/")

    def matching(repository: str) -> int:
        count = 0
        for mine, theirs in zip(repository.split("/"), wanted, strict=False):
            if mine != theirs:
                break
            count += 1
        return count

    return sorted(reversed(records), key=lambda r: -matching(r.repository))


# --- pull -----------------------------------------------------------------------------------------
def pull(engine: Engine, name: str, all_tags: bool = False) -> PullReport:
    """`docker pull [-a] NAME[:TAG|@DIGEST]`: a bare name means `:latest` unless `all_tags`."""
    named = _parse(name, PullError)
    if all_tags and not named.is_name_only:
        raise PullError("tag can't be used with --all-tags/-a", daemon_error=False)
    default_tag = not all_tags and named.is_name_only
    if default_tag:
        named = refs.tag_name_only(named)
    lines = ["Using default tag: latest"] if default_tag else []
    registry = engine.registries.get(named.domain)
    pulled: list[PulledImage] = []  # before the try: listing the tags (-a) can fail first
    try:
        if named.is_name_only:
            wanted = [refs.with_tag(named, t) for t in registry.tags(named.path)]
        else:
            wanted = [named]
        for ref in wanted:
            pulled.append(_Puller(engine, registry, ref).pull())
            lines += pulled[-1].lines()
    except RegistryError as exc:
        raise PullError(_translate(exc, named), lines, daemon_error=not pulled) from exc
    return PullReport(str(named), refs.familiar_string(named), default_tag, tuple(pulled))


@dataclass(frozen=True)
class Fetched:
    """An image read straight from its registry (BuildKit's image source for `FROM`)."""

    image: Image
    manifest_digest: str
    blob_sizes: tuple[int, ...]  # the layers' blob sizes, bottom first (the build's progress)


def fetch(engine: Engine, name: str) -> Fetched:
    """What BuildKit (docker driver) does for `FROM` an image the store lacks: the manifest,
    config and layer blobs straight from the registry, into its build cache only. The image
    is not added to `docker images` (moby/moby#39229), and no pull status is recorded.
    Raises `PullError` (`code` is the registry's error code)."""
    named = refs.tag_name_only(_parse(name, PullError))
    registry = engine.registries.get(named.domain)
    puller = _Puller(engine, registry, named)
    try:
        manifest = registry.get_manifest(named.path, named.digest or named.tag)
        descriptors = manifest.layer_descriptors()
        layers = [puller._layer(str(d["digest"])) for d in descriptors]
        image = puller._image(manifest.config_digest(), layers)
    except RegistryError as exc:
        error = PullError(_translate(exc, named))
        error.code = exc.code
        raise error from exc
    sizes = tuple(int(d.get("size") or 0) for d in descriptors)
    return Fetched(image, manifest.digest, sizes)


def _translate(error: RegistryError, ref: refs.Reference) -> str:
    """errors.go notFoundError / translatePullError."""
    if error.code == "DENIED":
        return f"{PULL_ACCESS_DENIED.format(name=refs.familiar_name(ref))}: {error}"
    if error.code == "MANIFEST_UNKNOWN":
        return f"manifest for {refs.familiar_string(ref)} not found: {error}"
    if error.code == "NAME_UNKNOWN":
        return f"repository {refs.familiar_name(ref)} not found: {error}"
    return str(error)


@dataclass
class _Puller:
    engine: Engine
    registry: Registry
    ref: refs.Reference

    def pull(self) -> PulledImage:
        """pull_v2.go pullTag."""
        ref, store = self.ref, self.engine.images
        manifest = self.registry.get_manifest(ref.path, ref.digest or ref.tag)
        tag_or_digest = str(ref) if ref.digest else ref.tag
        image_id = manifest.config_digest()
        progress: tuple[LayerProgress, ...] = ()
        if image_id not in store.images:  # pullSchema2Layers: present images are not pulled
            image, progress = self._download(manifest.layer_descriptors(), image_id)
            store.add(image, record_tag_time=False)
        updated = self._reference(manifest.digest, image_id)
        return PulledImage(tag_or_digest, ref.path, progress, manifest.digest, image_id, updated)

    def _download(self, descriptors: list[dict], image_id: str) -> tuple[Image, tuple]:
        """xfer/download.go Download: `Already exists` while the ChainID prefix is local."""
        store, metadata = self.engine.images, _metadata(self.engine)
        repository = refs.trim_named(self.ref).name
        layers: list[Layer] = []
        progress: list[LayerProgress] = []
        missing, transfers, downloaded = False, 0, {}
        for descriptor in descriptors:
            digest = str(descriptor["digest"])
            short = short_id(digest)
            if not missing:
                missing = True
                diff_id = metadata.diff_id(digest)
                chain = chain_ids([*(layer.diff_id for layer in layers), diff_id or ""])[-1]
                if diff_id is not None and chain in store.layers:
                    layers.append(store.layers[chain])
                    metadata.add(diff_id, digest, repository)
                    progress.append(LayerProgress(short, ("Already exists",), diff_id, digest))
                    missing = False
                    continue
            transfers += 1
            layer = self._layer(digest)
            metadata.add(layer.diff_id, digest, repository)
            layers.append(layer)
            if digest in downloaded:  # makeDownloadFuncFromDownload: no progress of its own
                progress.append(LayerProgress(short, (), layer.diff_id, digest, True))
                continue
            downloaded[digest] = layer
            events = ["Pulling fs layer"]
            if transfers > PULL_CONCURRENCY:
                events.append("Waiting")
            events += ["Verifying Checksum", "Download complete", "Pull complete"]
            progress.append(LayerProgress(short, tuple(events), layer.diff_id, digest))
        return self._image(image_id, layers), tuple(progress)

    def _layer(self, digest: str) -> Layer:
        blob = self.registry.get_blob(self.ref.path, digest)
        if blob.layer is None:
            raise PullError(f"unsupported media type {blob.media_type}")
        return blob.layer

    def _image(self, image_id: str, layers: list[Layer]) -> Image:
        """The config blob, checked as pull_v2.go does (digest, then DiffIDs)."""
        blob = self.registry.get_blob(self.ref.path, image_id)
        data = blob.data or b""
        try:
            config, diff_ids = ImageConfig.from_json(data)
        except ImageConfigError as exc:
            raise PullError(str(exc)) from exc
        if diff_ids != [layer.diff_id for layer in layers]:
            raise PullError("layers from manifest don't match image configuration")
        image = Image(config, layers)
        if image.config_bytes != data:
            # The engine writes canonical JSON, so a config it did not write cannot be kept
            # byte for byte: refuse it rather than change the image ID.
            raise PullError(f"image config verification failed for digest {image_id}")
        return image

    def _reference(self, manifest_digest: str, image_id: str) -> bool:
        """pullTag's reference update: True when a reference moved (Downloaded newer image)."""
        store, ref = self.engine.images, self.ref
        name = refs.trim_named(ref).name
        if ref.digest:
            key = f"{name}@{ref.digest}"
            if store.digests.get(key) == image_id:
                return False
            store.add_digest(image_id, key)
            return True
        add_digest_reference(store, name, manifest_digest, image_id)
        if store.tags.get(str(ref)) == image_id:
            return False
        store.tag(image_id, str(ref), record_time=False)
        return True
