"""The in-memory registry (pipeline/oracle/registry.py) on its own: blobs linked per repository,
manifests kept by digest, movable tags, the registry's error codes, the catalogue on Docker Hub.

Sources: distribution/distribution registry/handlers/manifests.go (GetManifest: an unknown tag or
digest is MANIFEST_UNKNOWN), registry/api/errcode (code texts, `errcode.Error.Error()` is
`<code lower-cased>: <message>`), registry/storage linkedblobstore.go (a blob is visible only in
the repositories it is linked to).
"""

from __future__ import annotations

import pytest

from pipeline.oracle import reference as refs
from pipeline.oracle.catalogue import load
from pipeline.oracle.engine import Engine
from pipeline.oracle.image import OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST
from pipeline.oracle.registry import Blob, Registries, Registry, RegistryError


def _push_image(registry: Registry, path: str, image, tag: str | None = None):
    for layer in image.layers:
        registry.put_blob(path, Blob.of_layer(layer, OCI_LAYER_GZIP))
    registry.put_blob(path, Blob.of_bytes(image.config_bytes, OCI_CONFIG))
    return registry.put_manifest(path, image.manifest_bytes(), OCI_MANIFEST, tag=tag)


def test_a_blob_is_visible_only_in_the_repositories_it_is_linked_to(factory) -> None:
    registry = Registry("localhost:5000")
    layer = factory.layer("/a")
    registry.put_blob("one", Blob.of_layer(layer, OCI_LAYER_GZIP))
    assert registry.has_blob("one", layer.digest)
    assert not registry.has_blob("two", layer.digest)
    assert len(registry.blobs) == 1
    # A cross-repository mount links it without a second copy.
    assert registry.mount_blob("two", layer.digest, "one") is not None
    assert registry.has_blob("two", layer.digest)
    assert len(registry.blobs) == 1
    # Mounting from a repository that does not have it is a plain upload session (None).
    assert registry.mount_blob("three", layer.digest, "nowhere") is None
    assert not registry.has_blob("three", layer.digest)


def test_a_layer_blob_streams_its_gzip_bytes(factory) -> None:
    layer = factory.layer("/a")
    blob = Blob.of_layer(layer, OCI_LAYER_GZIP)
    data = b"".join(blob.chunks())
    assert (len(data), blob.size, blob.digest) == (layer.blob_size, layer.blob_size, layer.digest)
    assert data[:2] == b"\x1f\x8b"


def test_a_manifest_needs_its_blobs_in_the_repository(factory) -> None:
    registry = Registry("localhost:5000")
    image = factory.image([factory.layer("/a")])
    with pytest.raises(RegistryError) as caught:
        registry.put_manifest("app", image.manifest_bytes(), OCI_MANIFEST, tag="1")
    assert caught.value.code == "MANIFEST_BLOB_UNKNOWN"
    assert str(caught.value) == "manifest blob unknown: blob unknown to registry"


def test_a_moved_tag_leaves_the_old_manifest_reachable_by_digest(factory) -> None:
    registry = Registry("localhost:5000")
    old = _push_image(registry, "app", factory.image([factory.layer("/v1")]), tag="latest")
    new = _push_image(registry, "app", factory.image([factory.layer("/v2")]), tag="latest")
    assert registry.get_manifest("app", "latest") == new
    assert registry.get_manifest("app", old.digest) == old
    assert registry.tags("app") == ["latest"]


def test_unknown_tags_digests_and_repositories(factory) -> None:
    registry = Registry("localhost:5000")
    _push_image(registry, "app", factory.image([factory.layer("/a")]), tag="1")
    for path, reference in (("app", "2"), ("app", "sha256:" + "0" * 64), ("nothing", "1")):
        with pytest.raises(RegistryError) as caught:
            registry.get_manifest(path, reference)
        assert str(caught.value) == "manifest unknown: manifest unknown"
    with pytest.raises(RegistryError) as caught:
        registry.tags("nothing")
    assert str(caught.value) == "name unknown: repository name not known to registry"


def test_docker_hub_answers_denied_for_a_repository_it_does_not_have() -> None:
    hub = Registries().get("docker.io")
    with pytest.raises(RegistryError) as caught:
        hub.get_manifest("library/nosuchimage", "latest")
    assert str(caught.value) == "denied: requested access to the resource is denied"


def test_registries_are_created_on_first_use_and_hub_holds_the_catalogue() -> None:
    registries = Registries()
    assert registries.hosts() == []
    hub = registries["docker.io"]
    assert registries.get("docker.io") is hub
    assert registries.hosts() == ["docker.io"]
    engine = Engine.with_catalogue()
    for item in load():
        path = refs.parse_normalized_named(item.repository).path
        for tag in item.tags:
            manifest = hub.get_manifest(path, tag)
            assert manifest.config_digest() == item.image.id
            # The same digest the engine's catalogue records as the local RepoDigest.
            if item.listed:
                digests = engine.images.repo_digests(item.image.id)
                assert f"{item.repository}@{manifest.digest}" in digests
    assert Registries().get("localhost:5000").catalog() == []
    assert Registries(catalogue=False).get("docker.io").catalog() == []
