"""`docker push` (pipeline/oracle/distribution.py) against the in-memory registries.

Expected texts and rules, with their sources:
- moby daemon/internal/distribution/push.go: `The push refers to repository [<Name()>]`, then
  `An image does not exist locally with the tag: <FamiliarName>` when no reference of that name
  exists; push_v2.go: `tag does not exist: <FamiliarString>`, `cannot push a digest reference`,
  `no tags to push for <FamiliarName>`, the statuses `Layer already exists`, `Mounted from
  <path without host>`, `Pushed`, the progress ID `TruncateID(DiffID)`, and the last line
  `<tag>: digest: <manifest digest> size: <manifest length>`.
- xfer/upload.go: `Preparing` for every layer (top first), `Waiting` beyond the concurrency
  limit (dockerd's default max-concurrent-uploads is 5), one upload per DiffID.
- docker/cli cli/command/image/push.go: `Using default tag: latest` for a bare name.
- distribution manifest/schema2/manifest.go FromStruct: json.MarshalIndent with three spaces;
  distribution.Descriptor field order mediaType, size, digest (the example in distribution's
  docs/spec/manifest-v2-2.md has that exact shape).
- docker-image-semantics.md §1.5, §4.7, §7 item 5 (repo digest = manifest digest != image ID).
"""

from __future__ import annotations

import json

import pytest

from pipeline.oracle.digest import short_id
from pipeline.oracle.distribution import PushError, push, schema2_manifest
from pipeline.oracle.engine import Engine
from pipeline.oracle.image import DOCKER_MANIFEST
from pipeline.oracle.layer import Layer


def _statuses(pushed) -> list[tuple[str, str]]:
    return [(p.id, p.status) for p in pushed.layers]


def test_push_uploads_every_layer_then_reports_the_manifest(engine, factory) -> None:
    alpine = engine.images.get("alpine")
    image = factory.image([factory.layer("/app/a.py")], base=alpine)
    engine.images.add(image, tags=["localhost:5000/app:1"])
    report = push(engine, "localhost:5000/app:1")
    (pushed,) = report.tags
    top, base = image.layers[1], image.layers[0]
    assert _statuses(pushed) == [
        (short_id(top.diff_id), "Pushed"),
        (short_id(base.diff_id), "Pushed"),
    ]
    manifest = engine.registries["localhost:5000"].get_manifest("app", "1")
    assert (pushed.digest, pushed.size) == (manifest.digest, len(manifest.data))
    assert report.lines() == [
        "The push refers to repository [localhost:5000/app]",
        f"{short_id(top.diff_id)}: Preparing",
        f"{short_id(base.diff_id)}: Preparing",
        f"{short_id(top.diff_id)}: Pushed",
        f"{short_id(base.diff_id)}: Pushed",
        f"1: digest: {manifest.digest} size: {len(manifest.data)}",
    ]


def test_a_second_push_with_a_shared_base_finds_the_shared_layers(engine, factory) -> None:
    alpine = engine.images.get("alpine")
    first = factory.image([factory.layer("/one")], base=alpine)
    second = factory.image([factory.layer("/two")], base=alpine)
    engine.images.add(first, tags=["localhost:5000/app:1"])
    engine.images.add(second, tags=["localhost:5000/app:2"])
    push(engine, "localhost:5000/app:1")
    (pushed,) = push(engine, "localhost:5000/app:2").tags
    assert [p.status for p in pushed.layers] == ["Pushed", "Layer already exists"]
    # The same tag again: nothing is uploaded, the digest is the same.
    again = push(engine, "localhost:5000/app:2").tags[0]
    assert [p.status for p in again.layers] == ["Layer already exists"] * 2
    assert again.digest == pushed.digest


def test_another_repository_of_the_same_registry_mounts_the_blobs(engine, factory) -> None:
    image = factory.image([factory.layer("/one")], base=engine.images.get("alpine"))
    engine.images.add(image, tags=["localhost:5000/team/app:1", "localhost:5000/other:1"])
    push(engine, "localhost:5000/team/app:1")
    (pushed,) = push(engine, "localhost:5000/other:1").tags
    assert [p.status for p in pushed.layers] == ["Mounted from team/app"] * 2
    registry = engine.registries["localhost:5000"]
    assert all(registry.has_blob("other", layer.digest) for layer in image.layers)


def test_docker_hub_mounts_catalogue_layers_from_their_official_repository(engine, factory):
    image = factory.image([factory.layer("/one")], base=engine.images.get("alpine"))
    engine.images.add(image, tags=["me/app"])
    report = push(engine, "me/app")
    assert report.default_tag and report.repository == "docker.io/me/app"
    assert [p.status for p in report.tags[0].layers] == ["Pushed", "Mounted from library/alpine"]
    assert report.lines()[:2] == [
        "Using default tag: latest",
        "The push refers to repository [docker.io/me/app]",
    ]


def test_another_registry_gets_every_layer_uploaded(engine, factory) -> None:
    image = factory.image([factory.layer("/one")], base=engine.images.get("alpine"))
    engine.images.add(image, tags=["localhost:5000/app", "registry.example.com:443/app"])
    push(engine, "localhost:5000/app")
    (pushed,) = push(engine, "registry.example.com:443/app").tags
    assert [p.status for p in pushed.layers] == ["Pushed", "Pushed"]


def test_the_repo_digest_is_the_manifest_digest_not_the_image_id(engine, factory) -> None:
    image = factory.image([factory.layer("/one")], base=engine.images.get("alpine"))
    engine.images.add(image, tags=["localhost:5000/app:1"])
    assert engine.images.repo_digests(image.id) == []
    (pushed,) = push(engine, "localhost:5000/app:1").tags
    assert engine.images.get("localhost:5000/app:1").id == image.id  # push changes no image
    assert engine.images.repo_digests(image.id) == [f"localhost:5000/app@{pushed.digest}"]
    assert pushed.digest != image.id
    document = json.loads(engine.registries["localhost:5000"].get_manifest("app", "1").data)
    assert document["config"]["digest"] == image.id
    assert document["mediaType"] == DOCKER_MANIFEST
    assert [d["digest"] for d in document["layers"]] == [layer.digest for layer in image.layers]


def test_the_manifest_is_written_as_distribution_marshals_schema2(factory) -> None:
    layer = factory.layer(("/blob", factory.noise(1_100_000, "big")))
    image = factory.image([layer], labels={"pad": "x" * 900})
    config_size = len(image.config_bytes)
    assert (len(str(config_size)), len(str(layer.blob_size))) == (4, 7)
    expected = (
        "{\n"
        '   "schemaVersion": 2,\n'
        '   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",\n'
        '   "config": {\n'
        '      "mediaType": "application/vnd.docker.container.image.v1+json",\n'
        f'      "size": {config_size},\n'
        f'      "digest": "{image.id}"\n'
        "   },\n"
        '   "layers": [\n'
        "      {\n"
        '         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",\n'
        f'         "size": {layer.blob_size},\n'
        f'         "digest": "{layer.digest}"\n'
        "      }\n"
        "   ]\n"
        "}"
    )
    assert schema2_manifest(image).decode() == expected
    # One layer, a 4-digit config size and a 7-digit layer size: the 528 bytes `docker push`
    # prints for single-layer images such as alpine.
    assert len(expected) == 528


def test_more_than_five_uploads_wait(engine, factory) -> None:
    layers = [factory.layer(f"/l{i}") for i in range(7)]
    engine.images.add(factory.image(layers), tags=["localhost:5000/many"])
    (pushed,) = push(engine, "localhost:5000/many").tags
    assert [p.events for p in pushed.layers] == [("Preparing", "Pushed")] * 5 + [
        ("Preparing", "Waiting", "Pushed")
    ] * 2
    lines = pushed.lines()
    assert lines.index(f"{pushed.layers[5].id}: Waiting") > lines.index(
        f"{pushed.layers[-1].id}: Preparing"
    )


def test_a_layer_repeated_in_one_image_is_uploaded_once(engine, factory) -> None:
    image = factory.image([factory.layer("/a"), Layer.empty(), Layer.empty()])
    engine.images.add(image, tags=["localhost:5000/twice"])
    (pushed,) = push(engine, "localhost:5000/twice").tags
    empty = short_id(Layer.empty().diff_id)
    assert [(p.id, p.events, p.duplicate) for p in pushed.layers[:2]] == [
        (empty, ("Preparing", "Pushed"), False),
        (empty, ("Preparing",), True),
    ]
    assert pushed.lines().count(f"{empty}: Preparing") == 2
    assert pushed.lines().count(f"{empty}: Pushed") == 1


def test_push_all_tags_pushes_each_tag_in_order(engine, factory) -> None:
    one = factory.image([factory.layer("/one")])
    two = factory.image([factory.layer("/two")])
    engine.images.add(one, tags=["localhost:5000/app:b"])
    engine.images.add(two, tags=["localhost:5000/app:a", "localhost:5000/app:c"])
    report = push(engine, "localhost:5000/app", all_tags=True)
    assert not report.default_tag
    assert [(t.tag, t.image_id) for t in report.tags] == [
        ("a", two.id),
        ("b", one.id),
        ("c", two.id),
    ]
    # The third tag's layer is already known to be remote from the first (pushState).
    assert [p.status for p in report.tags[2].layers] == ["Layer already exists"]
    assert engine.registries["localhost:5000"].tags("app") == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("name", "lines", "message"),
    [
        (
            "nosuch",
            [
                "Using default tag: latest",
                "The push refers to repository [docker.io/library/nosuch]",
            ],
            "An image does not exist locally with the tag: nosuch",
        ),
        (
            "localhost:5000/app:2",
            ["The push refers to repository [localhost:5000/app]"],
            "tag does not exist: localhost:5000/app:2",
        ),
        (
            "localhost:5000/app@sha256:" + "a" * 64,
            ["The push refers to repository [localhost:5000/app]"],
            "cannot push a digest reference",
        ),
    ],
)
def test_push_errors(engine, factory, name: str, lines: list[str], message: str) -> None:
    engine.images.add(factory.image([factory.layer("/a")]), tags=["localhost:5000/app:1"])
    with pytest.raises(PushError) as caught:
        push(engine, name)
    assert (list(caught.value.lines), str(caught.value)) == (lines, message)
    assert caught.value.daemon_error is False  # printed inside the progress stream


def test_push_is_deterministic(factory) -> None:
    def run() -> list[str]:
        engine, fresh = Engine.with_catalogue(), type(factory)()
        image = fresh.image([fresh.layer("/one")], base=engine.images.get("busybox"))
        engine.images.add(image, tags=["localhost:5000/app:1", "localhost:5000/copy:1"])
        return (
            push(engine, "localhost:5000/app:1").lines()
            + push(engine, "localhost:5000/copy:1").lines()
        )

    assert run() == run()
