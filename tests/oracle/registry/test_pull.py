"""`docker pull` (pipeline/oracle/distribution.py) against the in-memory registries.

Expected texts and rules, with their sources:
- moby daemon/internal/distribution/pull_v2.go pullTag: `<tag, or the full digest reference>:
  Pulling from <repository path>`, `Digest: <manifest digest>`, `Status: Downloaded newer
  image for <familiar ref>` / `Status: Image is up to date for <familiar ref>`; an image already
  present is not downloaded (pullSchema2Layers); pulling by tag records `name@digest`
  (addDigestReference), pulling by digest records that digest reference. Progress IDs are
  `TruncateID(blob digest)` (layerDescriptor.ID).
- xfer/download.go Download: `Already exists` bottom-up while the ChainID prefix exists locally and
  the daemon knows the blob's DiffID (layerDescriptor.DiffID reads the V2 metadata on Linux);
  after the first missing layer everything is downloaded (`Pulling fs layer`, `Waiting` beyond
  dockerd's default 3 concurrent downloads, `Verifying Checksum`, `Download complete`, `Pull
  complete`; `Downloading`/`Extracting` carry a progress bar and are not printed without a TTY,
  docker/cli jsonmessage). docker-image-semantics.md §4.7 and §7 item 26.
- errors.go notFoundError: `manifest for <FamiliarString> not found: manifest unknown: manifest
  unknown`; `pull access denied for <FamiliarName>, repository does not exist or may require
  'docker login': denied: requested access to the resource is denied` (Docker Hub's answer for a
  repository it does not have). The same `manifest for java:latest not found: manifest unknown:
  manifest unknown` text is what Docker prints for a retired official image.
"""

from __future__ import annotations

import pytest

from pipeline.oracle.digest import chain_id, short_id
from pipeline.oracle.distribution import PullError, pull, push
from pipeline.oracle.engine import Engine
from pipeline.oracle.layer import Layer
from pipeline.oracle.registry import Registries

REPO = "localhost:5000/app"


def _publish(engine: Engine, image, ref: str = f"{REPO}:1") -> str:
    """Push `image` as `ref`, then forget it locally; returns the manifest digest."""
    engine.images.add(image, tags=[ref])
    digest = push(engine, ref).tags[0].digest
    engine.images.remove(image.id, force=True)
    return digest


def _statuses(report) -> list[str]:
    return [p.status for image in report.images for p in image.layers]


def test_pull_of_a_pushed_image_gives_back_the_same_image(engine, factory) -> None:
    image = factory.image([factory.layer("/a"), factory.layer("/b")])
    digest = _publish(engine, image)
    assert image.id not in engine.images.images
    report = pull(engine, f"{REPO}:1")
    (pulled,) = report.images
    assert pulled.image_id == image.id and engine.images.get(f"{REPO}:1").id == image.id
    assert engine.images.repo_digests(image.id) == [f"{REPO}@{digest}"]
    ids = [short_id(layer.digest) for layer in image.layers]
    assert report.lines() == [
        "1: Pulling from app",
        f"{ids[0]}: Pulling fs layer",
        f"{ids[1]}: Pulling fs layer",
        f"{ids[0]}: Verifying Checksum",
        f"{ids[0]}: Download complete",
        f"{ids[0]}: Pull complete",
        f"{ids[1]}: Verifying Checksum",
        f"{ids[1]}: Download complete",
        f"{ids[1]}: Pull complete",
        f"Digest: {digest}",
        f"Status: Downloaded newer image for {REPO}:1",
        f"{REPO}:1",
    ]
    assert engine.images.inspect(f"{REPO}:1")["Metadata"]["LastTagTime"] == "0001-01-01T00:00:00Z"


def test_pull_skips_the_layers_whose_chain_prefix_is_local(engine, factory) -> None:
    alpine = engine.images.get("alpine")
    image = factory.image([factory.layer("/a"), factory.layer("/b")], base=alpine)
    _publish(engine, image)
    assert engine.images.get("alpine").id == alpine.id  # the base stayed
    report = pull(engine, f"{REPO}:1")
    assert _statuses(report) == ["Already exists", "Pull complete", "Pull complete"]
    assert report.images[0].layers[0].id == short_id(alpine.layers[0].digest)


def test_an_identical_layer_on_another_base_is_downloaded_again(engine, factory) -> None:
    """§7 item 26: the same DiffID under another parent is another ChainID."""
    shared = factory.layer("/app/main.py")
    alpine, busybox = engine.images.get("alpine"), engine.images.get("busybox")
    remote = factory.image([shared], base=alpine)
    local = factory.image([shared], base=busybox)
    _publish(engine, remote)
    engine.images.add(local, tags=["local"])
    assert chain_id(local.diff_ids) in engine.images.layers
    assert chain_id(remote.diff_ids) not in engine.images.layers
    report = pull(engine, f"{REPO}:1")
    assert _statuses(report) == ["Already exists", "Pull complete"]
    assert report.images[0].layers[1].diff_id == local.layers[-1].diff_id


def test_after_the_first_missing_layer_everything_is_downloaded(engine, factory) -> None:
    a, b, c = factory.layer("/a"), factory.layer("/b"), factory.layer("/c")
    remote = factory.image([a, b, c])
    _publish(engine, remote)
    engine.images.add(factory.image([a]), tags=["has-a"])
    engine.images.add(factory.image([a, factory.layer("/x"), c]), tags=["has-a-x-c"])
    report = pull(engine, f"{REPO}:1")
    assert _statuses(report) == ["Already exists", "Pull complete", "Pull complete"]


def test_a_local_layer_the_daemon_never_exchanged_is_downloaded(factory) -> None:
    """The DiffID of a blob comes from the daemon's metadata (pushes and pulls), not from the
    image config: a layer built locally and never pushed is fetched again."""
    world = Registries()
    publisher, other = Engine.with_catalogue(registries=world), Engine(registries=world)
    base = factory.layer("/base")
    image = factory.image([base, factory.layer("/top")])
    _publish(publisher, image)
    other.images.add(factory.image([base]), tags=["built-here"])
    assert chain_id([base.diff_id]) in other.images.layers
    assert _statuses(pull(other, f"{REPO}:1")) == ["Pull complete", "Pull complete"]


def test_an_image_already_present_is_not_downloaded(engine, factory) -> None:
    image = factory.image([factory.layer("/a")])
    engine.images.add(image, tags=[f"{REPO}:1"])
    digest = push(engine, f"{REPO}:1").tags[0].digest
    report = pull(engine, f"{REPO}:1")
    assert report.images[0].layers == ()
    assert report.lines() == [
        "1: Pulling from app",
        f"Digest: {digest}",
        f"Status: Image is up to date for {REPO}:1",
        f"{REPO}:1",
    ]
    # Present under another name only: nothing downloaded, but a tag moved.
    engine.images.untag(f"{REPO}:1")
    engine.images.tag(image, "elsewhere")
    again = pull(engine, f"{REPO}:1")
    assert again.images[0].layers == () and again.downloaded
    assert again.status == f"Status: Downloaded newer image for {REPO}:1"


def test_catalogue_images_are_up_to_date_and_their_relatives_share_layers(engine) -> None:
    report = pull(engine, "alpine")
    assert report.default_tag
    assert report.lines() == [
        "Using default tag: latest",
        "latest: Pulling from library/alpine",
        f"Digest: {report.images[0].digest}",
        "Status: Image is up to date for alpine:latest",
        "docker.io/library/alpine:latest",
    ]
    assert f"alpine@{report.images[0].digest}" in engine.images.repo_digests(report.image_id)
    # buildpack-deps is not installed, but python (installed) is built on it.
    assert "buildpack-deps:bookworm" not in engine.images
    relative = pull(engine, "buildpack-deps:bookworm")
    assert relative.downloaded and set(_statuses(relative)) == {"Already exists"}


def test_a_tag_moved_in_the_registry_while_the_old_digest_still_pulls(engine, factory) -> None:
    old = factory.image([factory.layer("/v1")])
    new = factory.image([factory.layer("/v2")])
    old_digest = _publish(engine, old, f"{REPO}:latest")
    new_digest = _publish(engine, new, f"{REPO}:latest")
    assert pull(engine, REPO).image_id == new.id
    by_digest = pull(engine, f"{REPO}@{old_digest}")
    assert by_digest.image_id == old.id
    assert engine.images.get(f"{REPO}@{old_digest}").id == old.id
    assert engine.images.get(f"{REPO}:latest").id == new.id  # the tag did not move locally
    assert engine.images.repo_digests(old.id) == [f"{REPO}@{old_digest}"]
    assert by_digest.lines()[0] == f"{REPO}@{old_digest}: Pulling from app"
    assert by_digest.status == f"Status: Downloaded newer image for {REPO}@{old_digest}"
    assert by_digest.lines()[-1] == f"{REPO}@{old_digest}"
    assert old_digest != new_digest
    again = pull(engine, f"{REPO}@{old_digest}")
    assert again.status == f"Status: Image is up to date for {REPO}@{old_digest}"


def test_more_than_three_downloads_wait(engine, factory) -> None:
    _publish(engine, factory.image([factory.layer(f"/l{i}") for i in range(5)]))
    report = pull(engine, f"{REPO}:1")
    waiting = ["Waiting" in p.events for p in report.images[0].layers]
    assert waiting == [False, False, False, True, True]


def test_a_layer_repeated_in_one_image_is_downloaded_once(engine, factory) -> None:
    _publish(engine, factory.image([factory.layer("/a"), Layer.empty(), Layer.empty()]))
    layers = pull(engine, f"{REPO}:1").images[0].layers
    assert [(p.status, p.duplicate) for p in layers] == [
        ("Pull complete", False),
        ("Pull complete", False),
        ("", True),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "nosuchimage",
            "pull access denied for nosuchimage, repository does not exist or may require "
            "'docker login': denied: requested access to the resource is denied",
        ),
        (
            "alpine:nosuch",
            "manifest for alpine:nosuch not found: manifest unknown: manifest unknown",
        ),
        (
            "localhost:5000/nothing",
            "manifest for localhost:5000/nothing:latest not found: "
            "manifest unknown: manifest unknown",
        ),
        (
            "alpine@sha256:" + "0" * 64,
            f"manifest for alpine@sha256:{'0' * 64} not found: manifest unknown: manifest unknown",
        ),
    ],
)
def test_pull_errors(engine, name: str, message: str) -> None:
    with pytest.raises(PullError) as caught:
        pull(engine, name)
    assert str(caught.value) == message
    assert caught.value.daemon_error  # before any progress: `Error response from daemon: `


def test_pull_all_tags(engine, factory) -> None:
    one, two = factory.image([factory.layer("/1")]), factory.image([factory.layer("/2")])
    _publish(engine, one, f"{REPO}:1")
    _publish(engine, two, f"{REPO}:2")
    report = pull(engine, REPO, all_tags=True)
    assert [i.tag_or_digest for i in report.images] == ["1", "2"]
    assert report.status == f"Status: Downloaded newer image for {REPO}"
    assert report.lines()[-1] == REPO
    with pytest.raises(PullError):
        pull(engine, f"{REPO}:1", all_tags=True)


def test_pull_is_deterministic(factory) -> None:
    def run() -> list[str]:
        engine, fresh = Engine.with_catalogue(), type(factory)()
        image = fresh.image([fresh.layer("/a")], base=engine.images.get("debian"))
        _publish(engine, image)
        return pull(engine, f"{REPO}:1").lines() + pull(engine, "node:22").lines()

    assert run() == run()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "localhost:5000/nothing",
            "repository localhost:5000/nothing not found: "
            "name unknown: repository name not known to registry",
        ),
        (
            "nosuchimage",
            "pull access denied for nosuchimage, repository does not exist or may require "
            "'docker login': denied: requested access to the resource is denied",
        ),
    ],
)
def test_pull_all_tags_of_a_missing_repository(engine, name: str, message: str) -> None:
    """Listing the tags fails before anything is pulled (pull_v2.go pullRepository, then
    errors.go translatePullError): a daemon error, never a crash."""
    with pytest.raises(PullError) as caught:
        pull(engine, name, all_tags=True)
    assert str(caught.value) == message
    assert caught.value.daemon_error and caught.value.lines == ()


def test_resolve_image_reads_the_registry_without_storing(engine, factory) -> None:
    """Engine.resolve_image (what a build's FROM uses): the store first, else the registry
    (BuildKit's pull keeps the image out of `docker images`), else None."""
    assert engine.resolve_image("alpine") is engine.images.get("alpine")
    image = factory.image([factory.layer("/a")], base=engine.images.get("alpine"))
    digest = _publish(engine, image)
    resolved = engine.resolve_image(f"{REPO}:1")
    assert resolved is not None and resolved.id == image.id
    assert f"{REPO}:1" not in engine.images and image.id not in engine.images.images
    assert engine.fetch_image(f"{REPO}@{digest}").manifest_digest == digest
    assert {layer.digest for layer in image.layers} <= engine.build_blobs
    assert engine.resolve_image(f"{REPO}:2") is None
    assert engine.resolve_image("localhost:5000/none") is None
    with pytest.raises(PullError) as caught:
        engine.fetch_image("nosuchimage")
    assert caught.value.code == "DENIED"
