"""In-memory registries: what `docker push` writes to and `docker pull` reads from.

A `Registry` models one host (`docker.io`, `localhost:5000`, ...) the way the distribution
registry stores content (distribution/distribution registry/storage, registry/handlers): blobs are
content-addressed once per registry and *linked* into each repository that received them (by an
upload or a cross-repository mount), so a blob is only visible through the repositories it is
linked to; manifests are kept by digest forever and tags are movable pointers to them. A tag
moved to a new image therefore never breaks a pull by the old digest.

`Registries` holds every host of one scenario world, created on first use. The hosts that the
fixture catalogue's images come from (Docker Hub for all of them) are filled with those images on
first use, so `docker pull alpine` finds what the engine's catalogue already has.

Errors are `RegistryError`s carrying the registry's error code; `str()` is Go's
`errcode.Error.Error()`: `<code text>: <message>` (`manifest unknown: manifest unknown`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.oracle import reference as refs
from pipeline.oracle.digest import sha256_digest
from pipeline.oracle.layer import Layer

DOCKER_HUB = refs.DEFAULT_DOMAIN

# distribution registry/api/errcode: code -> default message. The code's own text (the part
# before the colon) is the code lower-cased with `_` as spaces (errcode.ErrorCode.Error).
ERROR_MESSAGES = {
    "BLOB_UNKNOWN": "blob unknown to registry",
    "MANIFEST_UNKNOWN": "manifest unknown",
    "MANIFEST_BLOB_UNKNOWN": "blob unknown to registry",
    "NAME_UNKNOWN": "repository name not known to registry",
    "DENIED": "requested access to the resource is denied",
}


class RegistryError(Exception):
    """An error response of the registry API (errcode.Error)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message if message is not None else ERROR_MESSAGES[code]
        super().__init__(f"{code.lower().replace('_', ' ')}: {self.message}")


@dataclass(frozen=True)
class Blob:
    """A content-addressed blob: a layer (streamed from its Layer, never held as bytes) or a
    small JSON document (config)."""

    digest: str
    size: int
    media_type: str
    layer: Layer | None = None
    data: bytes | None = None

    @classmethod
    def of_layer(cls, layer: Layer, media_type: str) -> Blob:
        return cls(layer.digest, layer.blob_size, media_type, layer=layer)

    @classmethod
    def of_bytes(cls, data: bytes, media_type: str) -> Blob:
        return cls(sha256_digest(data), len(data), media_type, data=data)

    def chunks(self) -> Iterator[bytes]:
        if self.layer is not None:
            return self.layer.blob()
        return iter([self.data or b""])


@dataclass(frozen=True)
class Manifest:
    """A manifest as stored: its exact bytes (the digest is over them) and media type."""

    data: bytes
    media_type: str

    @property
    def digest(self) -> str:
        return sha256_digest(self.data)

    @property
    def size(self) -> int:
        return len(self.data)

    def document(self) -> dict:
        return json.loads(self.data)

    def config_digest(self) -> str:
        return str(self.document()["config"]["digest"])

    def layer_descriptors(self) -> list[dict]:
        return list(self.document().get("layers") or [])


@dataclass
class Repository:
    """One repository of a registry: linked blobs, manifests by digest, tags."""

    path: str  # without the host: "library/alpine", "demo"
    blobs: set[str] = field(default_factory=set)
    manifests: dict[str, Manifest] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # tag -> manifest digest


class Registry:
    """One registry host. `hub` marks Docker Hub, which answers a pull of a repository it does
    not have with DENIED (it cannot tell a missing repository from a private one)."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.hub = host == DOCKER_HUB
        self.blobs: dict[str, Blob] = {}
        self.repositories: dict[str, Repository] = {}

    # --- repositories -----------------------------------------------------------------------------
    def repository(self, path: str) -> Repository | None:
        return self.repositories.get(path)

    def _repository(self, path: str) -> Repository:
        """Created on the first write, as the distribution registry does."""
        return self.repositories.setdefault(path, Repository(path))

    def catalog(self) -> list[str]:
        """GET /v2/_catalog: repository paths, sorted."""
        return sorted(self.repositories)

    def tags(self, path: str) -> list[str]:
        """GET /v2/<name>/tags/list, sorted."""
        repo = self._existing(path)
        return sorted(repo.tags)

    def _existing(self, path: str) -> Repository:
        repo = self.repositories.get(path)
        if repo is None:
            raise RegistryError("DENIED" if self.hub else "NAME_UNKNOWN")
        return repo

    # --- blobs ------------------------------------------------------------------------------------
    def stat_blob(self, path: str, digest: str) -> Blob:
        """HEAD /v2/<name>/blobs/<digest>: only blobs linked to this repository are visible."""
        repo = self.repositories.get(path)
        if repo is None or digest not in repo.blobs:
            raise RegistryError("BLOB_UNKNOWN")
        return self.blobs[digest]

    def has_blob(self, path: str, digest: str) -> bool:
        try:
            self.stat_blob(path, digest)
        except RegistryError:
            return False
        return True

    def get_blob(self, path: str, digest: str) -> Blob:
        return self.stat_blob(path, digest)

    def put_blob(self, path: str, blob: Blob) -> Blob:
        """An upload: stored once per registry, linked into the repository."""
        stored = self.blobs.setdefault(blob.digest, blob)
        self._repository(path).blobs.add(blob.digest)
        return stored

    def mount_blob(self, path: str, digest: str, source: str) -> Blob | None:
        """POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<source>: links the blob when the
        source repository has it; None (a plain upload session) otherwise."""
        if not self.has_blob(source, digest):
            return None
        self._repository(path).blobs.add(digest)
        return self.blobs[digest]

    # --- manifests --------------------------------------------------------------------------------
    def put_manifest(
        self, path: str, data: bytes, media_type: str, tag: str | None = None
    ) -> Manifest:
        """PUT /v2/<name>/manifests/<tag>: every referenced blob must be linked in the repository
        (ErrManifestBlobUnknown otherwise); the tag, if any, moves to the new manifest."""
        manifest = Manifest(data, media_type)
        repo = self._repository(path)
        document = manifest.document()
        referenced = [document["config"], *(document.get("layers") or [])]
        for descriptor in referenced:
            if descriptor["digest"] not in repo.blobs:
                raise RegistryError("MANIFEST_BLOB_UNKNOWN")
        repo.manifests[manifest.digest] = manifest
        repo.blobs.add(manifest.digest)
        if tag is not None:
            repo.tags[tag] = manifest.digest
        return manifest

    def get_manifest(self, path: str, tag_or_digest: str) -> Manifest:
        """GET /v2/<name>/manifests/<reference> (registry/handlers/manifests.go GetManifest): an
        unknown tag or digest is MANIFEST_UNKNOWN; Docker Hub answers DENIED for an unknown
        repository."""
        repo = self.repositories.get(path)
        if repo is None:
            raise RegistryError("DENIED" if self.hub else "MANIFEST_UNKNOWN")
        digest = repo.tags.get(tag_or_digest, tag_or_digest)
        manifest = repo.manifests.get(digest)
        if manifest is None:
            raise RegistryError("MANIFEST_UNKNOWN")
        return manifest

    def __repr__(self) -> str:
        return f"Registry({self.host!r}, repositories={len(self.repositories)})"


class Registries:
    """Every registry host of one scenario world, created on first use. With `catalogue` (the
    default) a host is filled with the catalogue images that name it when it is first used."""

    def __init__(self, catalogue: bool = True) -> None:
        self._hosts: dict[str, Registry] = {}
        self._catalogue = catalogue

    def get(self, host: str) -> Registry:
        registry = self._hosts.get(host)
        if registry is None:
            registry = self._hosts[host] = Registry(host)
            if self._catalogue:
                seed_catalogue(registry)
        return registry

    __getitem__ = get

    def hosts(self) -> list[str]:
        return sorted(self._hosts)

    def __contains__(self, host: object) -> bool:
        return host in self._hosts


def seed_catalogue(registry: Registry) -> None:
    """Put the catalogue images of this host into it, as their publisher pushed them: the
    manifest is the one whose digest `catalogue.install` records as the local RepoDigest."""
    from pipeline.oracle.catalogue import load
    from pipeline.oracle.image import OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST

    for item in load():
        named = refs.parse_normalized_named(item.repository)
        if named.domain != registry.host:
            continue
        image = item.image
        for layer in image.layers:
            registry.put_blob(named.path, Blob.of_layer(layer, OCI_LAYER_GZIP))
        registry.put_blob(named.path, Blob.of_bytes(image.config_bytes, OCI_CONFIG))
        data = image.manifest_bytes("oci")
        registry.put_manifest(named.path, data, OCI_MANIFEST)
        for tag in item.tags:
            registry.put_manifest(named.path, data, OCI_MANIFEST, tag=tag)
