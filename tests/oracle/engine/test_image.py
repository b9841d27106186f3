"""Image config, ID, manifest and inspect (docker-image-semantics.md §1.4-§1.5, §4.6)."""

from __future__ import annotations

import hashlib
import json

import pytest

from pipeline.oracle.digest import EMPTY_TAR_DIFF_ID
from pipeline.oracle.image import (
    DEFAULT_PATH,
    HistoryEntry,
    Image,
    ImageConfig,
    ImageConfigError,
)
from pipeline.oracle.layer import ChangeSet, Entry, Layer


def app_layer(text: bytes = b'print("hi")\n') -> Layer:
    return Layer(ChangeSet().add("/app", Entry.dir()).add("/app/app.py", Entry.file(text)))


def demo_image() -> Image:
    # the spec's scenario: FROM scratch, COPY, COPY, ENV, CMD -> 2 layers, 4 history entries
    config = ImageConfig.scratch()
    for created_by, empty in [("COPY app.py /app/ # buildkit", False),
                              ("COPY app.py /app/copy.py # buildkit", False),
                              ("ENV MODE=prod", True),
                              ('CMD ["python" "/app/app.py"]', True)]:  # fmt: skip
        entry = HistoryEntry("2025-01-01T00:00:00Z", created_by, "buildkit.dockerfile.v0", empty)
        config = config.with_history(entry)
    config = config.with_config(Env=[DEFAULT_PATH, "MODE=prod"], Cmd=["python", "/app/app.py"])
    config = config.with_(created="2025-01-01T00:00:00Z")
    second = Layer(ChangeSet().add("/app", Entry.dir()).add("/app/copy.py", Entry.file(b"x")))
    return Image(config, [app_layer(), second])


def test_id_is_the_sha256_of_the_canonical_config_json():
    image = demo_image()
    raw = image.config_bytes
    assert image.id == "sha256:" + hashlib.sha256(raw).hexdigest()
    doc = json.loads(raw)
    assert raw == json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    assert doc["rootfs"] == {"type": "layers", "diff_ids": image.diff_ids}
    assert len(doc["history"]) == 4 and doc["history"][2]["empty_layer"] is True
    assert "empty_layer" not in doc["history"][0]  # Go omitempty
    assert doc["architecture"] == "amd64" and doc["os"] == "linux"
    assert doc["config"]["WorkingDir"] == "/"


def test_same_inputs_same_id_and_any_change_a_new_id():
    assert demo_image().id == demo_image().id
    changed = Image(demo_image().config.with_config(Cmd=["sh"]), demo_image().layers)
    assert changed.id != demo_image().id
    other_content = Image(demo_image().config, [app_layer(b"print(2)\n"), demo_image().layers[1]])
    assert other_content.id != demo_image().id


def test_config_is_immutable_and_derivation_copies():
    config = ImageConfig.scratch()
    derived = config.with_config(Env=["A=1"])
    assert config.config["Env"] == [DEFAULT_PATH]
    assert derived.config["Env"] == ["A=1"]
    with pytest.raises(TypeError):
        config.config["User"] = "root"  # type: ignore[index]
    assert "Env" not in derived.with_config(Env=None).config


def test_history_must_match_the_layers():
    # moby image_history.go: non-empty history entries == len(diff_ids)
    config = ImageConfig(history=(HistoryEntry(created_by="RUN x"),))
    with pytest.raises(ImageConfigError, match="too few non-empty layers"):
        Image(config, [app_layer(), app_layer()])
    with pytest.raises(ImageConfigError, match="too many non-empty layers"):
        Image(config, [])


def test_from_json_round_trip_and_validation():
    image = demo_image()
    config, diff_ids = ImageConfig.from_json(image.config_bytes)
    assert diff_ids == image.diff_ids
    assert config.to_json(diff_ids) == image.config_bytes
    doc = json.loads(image.config_bytes)
    doc["rootfs"]["type"] = "layerz"
    with pytest.raises(ImageConfigError, match="rootfs type"):
        ImageConfig.from_json(json.dumps(doc))
    del doc["architecture"]
    doc["rootfs"]["type"] = "layers"
    with pytest.raises(ImageConfigError, match="architecture"):
        ImageConfig.from_json(json.dumps(doc))


def test_size_is_the_sum_of_layer_content_bytes():
    image = demo_image()
    assert image.size == len(b'print("hi")\n') + 1


def test_manifest_lists_config_and_compressed_layers_in_stack_order():
    # §1.5: the manifest digest is not the image ID
    image = demo_image()
    manifest = json.loads(image.manifest_bytes())
    assert manifest["schemaVersion"] == 2
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["config"]["digest"] == image.id
    assert manifest["config"]["size"] == len(image.config_bytes)
    assert [entry["digest"] for entry in manifest["layers"]] == [x.digest for x in image.layers]
    assert image.manifest_digest() != image.id
    docker = json.loads(image.manifest_bytes("docker"))
    assert docker["layers"][0]["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip"


def test_inspect_has_docker_fields_and_casing():
    # §4.6
    image = demo_image()
    doc = image.inspect(repo_tags=["demo:latest"])
    assert doc["Id"] == image.id and doc["RepoTags"] == ["demo:latest"]
    assert doc["RepoDigests"] == [] and doc["Parent"] == ""
    assert doc["RootFS"] == {"Type": "layers", "Layers": image.diff_ids}
    assert len(doc["RootFS"]["Layers"]) == 2
    assert doc["Config"]["Cmd"] == ["python", "/app/app.py"]
    assert doc["Config"]["Entrypoint"] is None and doc["Config"]["Labels"] is None
    assert doc["Size"] == image.size and doc["Os"] == "linux"
    assert doc["Created"] == "2025-01-01T00:00:00Z"


def test_scratch_image_has_no_layers():
    image = Image(ImageConfig.scratch(), [])
    assert image.size == 0 and image.diff_ids == []
    assert "Layers" not in image.inspect()["RootFS"]
    assert image.rootfs().listdir("/") == []


def test_empty_layer_image_records_the_empty_tar_diff_id():
    # §2.1: a BuildKit RUN that changes nothing still adds a layer with the empty-tar DiffID
    config = ImageConfig.scratch().with_history(HistoryEntry(created_by="RUN /bin/sh -c true"))
    image = Image(config, [Layer.empty()])
    assert image.diff_ids == [EMPTY_TAR_DIFF_ID]
