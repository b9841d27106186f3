"""Images as files (pipeline/oracle/layout.py): OCI image layout, `docker save`, `docker load`.

Sources for the expected shapes and texts:
- opencontainers/image-spec image-layout.md (`oci-layout`, `index.json`, `blobs/<alg>/<encoded>`
  whose content MUST hash to its name), descriptor.md (size is the blob's length), manifest.md
  and media-types.md; docker-image-semantics.md §1.6.
- moby daemon/internal/image/tarexport/save.go (Docker >= 25): uncompressed layers named by
  DiffID with media type `application/vnd.oci.image.layer.v1.tar`, index annotations
  `io.containerd.image.name` (full reference) and `org.opencontainers.image.ref.name` (the tag),
  `manifest.json` items {Config, RepoTags, Layers, Parent, LayerSources} (RepoTags null when
  saved by ID), `repositories` {name: {tag: top DiffID hex}}, `{"imageLayoutVersion": "1.0.0"}`,
  `empty export - not implemented`, `reference does not exist`.
- tarexport/load.go: `Loaded image: <familiar ref>`, `Loaded image ID: <id>` only when the last
  image had no tag, `The image <ref> already exists, renaming the old one with ID <id> to empty
  string`, `invalid diffID for layer <i>: expected "<d>", got "<d>"`, `invalid archive: does not
  contain a manifest.json` (Docker 29 wording).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import time
import tracemalloc

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.engine import Engine
from pipeline.oracle.filesystem import Tree, UnionFileSystem
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.layout import (
    ImageArchive,
    LayoutError,
    layer_from_tar,
    load,
    oci_layout,
    read_tar,
    save,
    validate,
)


def _demo(engine: Engine, factory):
    """busybox plus a layer with a whiteout, an opaque directory, a symlink and a file."""
    busybox = engine.images.get("busybox")
    changes = ChangeSet().delete("/etc/group").add("/srv", Entry.dir()).make_opaque("/srv")
    changes.add("/srv/app", Entry.file(b"app\n", 0o755, uid=1000, gid=50, mtime=1700000000))
    changes.add("/srv/link", Entry.symlink("app"))
    image = factory.image([Layer(changes)], base=busybox)
    engine.images.add(image, tags=["demo:1.0", "registry.example.com/team/demo:2"])
    return image


def _independent_check(archive_bytes: bytes) -> dict:
    """Check an OCI layout tar with the standard library only (not the code under test)."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(archive_bytes)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                files[member.name] = tar.extractfile(member).read()
    assert json.loads(files["oci-layout"]) == {"imageLayoutVersion": "1.0.0"}
    for name, data in files.items():
        if name.startswith("blobs/sha256/"):
            assert hashlib.sha256(data).hexdigest() == name.rsplit("/", 1)[1]
    index = json.loads(files["index.json"])
    assert index["schemaVersion"] == 2
    for descriptor in index["manifests"]:
        assert descriptor["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
        manifest_data = files["blobs/sha256/" + descriptor["digest"][7:]]
        assert len(manifest_data) == descriptor["size"]
        manifest = json.loads(manifest_data)
        config_data = files["blobs/sha256/" + manifest["config"]["digest"][7:]]
        assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
        assert len(config_data) == manifest["config"]["size"]
        diff_ids = json.loads(config_data)["rootfs"]["diff_ids"]
        assert len(diff_ids) == len(manifest["layers"])
        for layer, diff_id in zip(manifest["layers"], diff_ids, strict=True):
            blob = files["blobs/sha256/" + layer["digest"][7:]]
            assert len(blob) == layer["size"]
            if layer["mediaType"].endswith("+gzip"):
                blob = gzip.decompress(blob)
            else:
                assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar"
            assert "sha256:" + hashlib.sha256(blob).hexdigest() == diff_id
    return files


# --- docker save ----------------------------------------------------------------------------------
def test_docker_save_writes_the_oci_layout_and_the_legacy_files(engine, factory) -> None:
    image = _demo(engine, factory)
    files = _independent_check(save(engine.images, ["demo:1.0"]).tar_bytes())
    assert sorted(f for f in files if not f.startswith("blobs/")) == [
        "index.json",
        "manifest.json",
        "oci-layout",
        "repositories",
    ]
    assert files["oci-layout"] == b'{"imageLayoutVersion": "1.0.0"}'
    top = image.layers[-1].diff_id
    assert files["repositories"] == b'{"demo":{"1.0":"' + top[7:].encode() + b'"}}\n'
    (item,) = json.loads(files["manifest.json"])
    assert list(item) == ["Config", "RepoTags", "Layers", "LayerSources"]
    assert item["Config"] == f"blobs/sha256/{image.id[7:]}"
    assert item["RepoTags"] == ["demo:1.0"]
    assert item["Layers"] == [f"blobs/sha256/{d[7:]}" for d in image.diff_ids]
    assert sorted(item["LayerSources"]) == sorted(image.diff_ids)
    (descriptor,) = json.loads(files["index.json"])["manifests"]
    assert descriptor["annotations"] == {
        "io.containerd.image.name": "docker.io/library/demo:1.0",
        "org.opencontainers.image.ref.name": "1.0",
    }


def test_save_by_name_takes_every_tag_and_by_id_none(engine, factory) -> None:
    image = _demo(engine, factory)
    engine.images.tag(image, "demo:latest")
    by_name = json.loads(save(engine.images, ["demo"]).read("manifest.json"))
    assert by_name[0]["RepoTags"] == ["demo:1.0", "demo:latest"]
    by_id = save(engine.images, [image.id[7:19]])
    assert json.loads(by_id.read("manifest.json"))[0]["RepoTags"] is None
    assert "repositories" not in by_id.files
    (untagged,) = json.loads(by_id.read("index.json"))["manifests"]
    assert "annotations" not in untagged


def test_save_records_a_parent_saved_alongside(engine, factory) -> None:
    base = engine.images.get("busybox")
    child = factory.image([factory.layer("/c")], base=base)
    engine.images.add(child, tags=["child"], parent=base.id)
    items = json.loads(save(engine.images, ["child", "busybox:latest"]).read("manifest.json"))
    assert items[0]["Parent"] == base.id
    alone = json.loads(save(engine.images, ["child"]).read("manifest.json"))
    assert "Parent" not in alone[0]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["demo:9"], "reference does not exist"),
        (["nosuch"], "No such image: nosuch"),
        (["empty"], "empty export - not implemented"),
    ],
)
def test_save_errors(engine, factory, names: list[str], message: str) -> None:
    _demo(engine, factory)
    engine.images.add(factory.image([]), tags=["empty"])
    with pytest.raises(LayoutError) as caught:
        save(engine.images, names)
    assert str(caught.value) == message


def test_save_then_load_after_rmi_restores_ids_and_tags(engine, factory) -> None:
    image = _demo(engine, factory)
    data = save(engine.images, ["demo:1.0", "registry.example.com/team/demo:2"]).tar_bytes()
    engine.images.remove(image.id, force=True)
    assert image.id not in engine.images.images
    report = load(engine.images, data)
    assert [(i.id, i.tags) for i in report.images] == [
        (image.id, ("demo:1.0", "registry.example.com/team/demo:2"))
    ]
    assert report.lines == (
        "Loaded image: demo:1.0",
        "Loaded image: registry.example.com/team/demo:2",
    )
    assert report.layers == (image.layers[-1].diff_id[7:19],)  # busybox's layer was still there
    assert engine.images.repo_tags(image.id) == ["demo:1.0", "registry.example.com/team/demo:2"]
    loaded = engine.images.get("demo:1.0")
    assert loaded.diff_ids == image.diff_ids
    assert loaded.rootfs().read("/srv/app") == b"app\n"
    assert not loaded.rootfs().exists("/etc/group")
    assert engine.images.inspect("demo:1.0")["Metadata"]["LastTagTime"] == "0001-01-01T00:00:00Z"


def test_load_into_a_fresh_engine_via_the_host_file_system(factory) -> None:
    source = Engine.with_catalogue()
    image = _demo(source, factory)
    host = UnionFileSystem(upper=Tree())
    host.write_content("/demo.tar", save(source.images, ["demo:1.0"]).tar_content())
    target = Engine()
    report = load(target.images, host.content("/demo.tar"))
    assert [i.id for i in report.images] == [image.id]
    assert len(report.layers) == 2


def test_load_notices_moved_tags_and_prints_ids_of_untagged_images(engine, factory) -> None:
    _demo(engine, factory)
    other = factory.image([factory.layer("/other")])
    engine.images.add(other, tags=["other"])
    tagged = save(engine.images, ["demo:1.0"])
    engine.images.tag(other, "demo:1.0")
    report = load(engine.images, tagged)
    assert report.lines == (
        f"The image demo:1.0 already exists, renaming the old one with ID {other.id} to empty "
        "string",
        "Loaded image: demo:1.0",
    )
    by_id = load(engine.images, save(engine.images, [other.id]))
    assert by_id.lines == (f"Loaded image ID: {other.id}",)


def test_load_errors(engine, factory) -> None:
    image = _demo(engine, factory)
    with pytest.raises(LayoutError) as caught:
        load(engine.images, ImageArchive(files={}))
    assert str(caught.value) == "invalid archive: does not contain a manifest.json"
    archive = save(engine.images, ["demo:1.0"])
    top = image.layers[-1]
    archive.put(f"blobs/sha256/{top.diff_id[7:]}", Layer.empty().tar_bytes())
    engine.images.remove(image.id, force=True)
    with pytest.raises(LayoutError) as caught:
        load(engine.images, archive)
    assert str(caught.value) == (
        f'invalid diffID for layer 1: expected "{top.diff_id}", got "{Layer.empty().diff_id}"'
    )


# --- OCI layout -----------------------------------------------------------------------------------
def test_an_oci_layout_follows_the_image_spec(engine, factory) -> None:
    image = _demo(engine, factory)
    archive = oci_layout([(image, ["1.0"]), (engine.images.get("alpine"), [])])
    assert validate(archive) == []
    files = _independent_check(archive.tar_bytes())
    manifests = json.loads(files["index.json"])["manifests"]
    assert [m.get("annotations") for m in manifests] == [
        {"org.opencontainers.image.ref.name": "1.0"},
        None,
    ]
    plain = oci_layout([(image, ["1.0"])], compressed=False)
    assert validate(plain) == []
    _independent_check(plain.tar_bytes())
    # The engine's OCI manifest: for a catalogue image its digest is the local RepoDigest.
    alpine = engine.images.get("alpine")
    assert f"alpine@{manifests[1]['digest']}" in engine.images.repo_digests(alpine.id)


def test_validate_reports_what_breaks_the_spec(engine, factory) -> None:
    image = _demo(engine, factory)
    archive = oci_layout([(image, ["1.0"])])
    config_path = f"blobs/sha256/{image.id[7:]}"
    archive.put(config_path, image.config_bytes + b" ")
    problems = validate(archive)
    assert f"{config_path}: content does not hash to its name" in problems
    assert any("size" in p for p in problems)


def test_an_oci_layout_loads_back_untagged_through_index_json(factory) -> None:
    source = Engine.with_catalogue()
    image = _demo(source, factory)
    fs = UnionFileSystem(upper=Tree())
    oci_layout([(image, ["1.0"])]).write_to(fs, "/out/layout")
    assert fs.exists("/out/layout/oci-layout") and fs.stat("/out/layout/blobs/sha256").kind == "dir"
    target = Engine()
    report = load(target.images, ImageArchive.from_fs(fs, "/out/layout"))
    assert report.lines == (f"Loaded image ID: {image.id}",)
    assert target.images.get(image.id).diff_ids == image.diff_ids


# --- tars -----------------------------------------------------------------------------------------
def test_the_tar_is_sorted_timed_and_go_blocked(engine, factory) -> None:
    image = _demo(engine, factory)
    data = save(engine.images, ["demo:1.0"]).tar_bytes()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names[:2] == ["blobs", "blobs/sha256"]
    assert names[-4:] == ["index.json", "manifest.json", "oci-layout", "repositories"]
    assert names[2:-4] == sorted(names[2:-4])
    created = int(time.mktime(time.strptime(image.created, "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone
    times = {m.name.rsplit("/", 1)[-1]: m.mtime for m in members}
    assert times[image.id[7:]] == created and times["index.json"] == 0
    assert {(m.uid, m.gid, m.mode) for m in members if m.isfile()} == {(0, 0, 0o644)}
    # Go's archive/tar: the entries, then two zero blocks, no padding to a 10240-byte record.
    last = members[-1]
    end = last.offset_data + (last.size + 511) // 512 * 512
    assert len(data) == end + 1024 and data[end:] == bytes(1024)


def test_archives_are_reproducible(factory) -> None:
    def archive_bytes() -> tuple[bytes, bytes]:
        engine, fresh = Engine.with_catalogue(), type(factory)()
        image = _demo(engine, fresh)
        return save(engine.images, ["demo:1.0"]).tar_bytes(), oci_layout(
            [(image, ["x"])]
        ).tar_bytes()

    assert archive_bytes() == archive_bytes()


def test_the_tar_reader_agrees_with_pythons_tarfile() -> None:
    """Long names (PAX and GNU), a big uid, a hard link: read as tarfile reads them."""
    for tar_format in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tar_format) as tar:
            long_name = "d/" + "n" * 150
            info = tarfile.TarInfo("d")
            info.type, info.mode = tarfile.DIRTYPE, 0o750
            tar.addfile(info)
            info = tarfile.TarInfo(long_name)
            info.size, info.uid, info.mtime = 5, 3_000_000, 1_234_567_890
            tar.addfile(info, io.BytesIO(b"hello"))
            info = tarfile.TarInfo("d/hard")
            info.type, info.linkname = tarfile.LNKTYPE, long_name
            tar.addfile(info)
        members = list(read_tar(Content.of(buffer.getvalue())))
        buffer.seek(0)
        with tarfile.open(fileobj=buffer) as tar:
            expected = [(m.name, m.mode, m.uid, m.mtime, m.size) for m in tar.getmembers()]
        read = [(m.name.rstrip("/"), m.mode, m.uid, m.mtime, m.content.size) for m in members]
        assert read == expected  # tarfile drops a directory's trailing slash
        assert members[1].content.read() == b"hello"
        assert (members[2].kind, members[2].linkname) == ("hardlink", long_name)


def test_layers_read_back_from_their_tar_are_the_same_layer(engine, factory) -> None:
    image = _demo(engine, factory)
    for layer in [*image.layers, *engine.images.get("python").layers[:2]]:
        again = layer_from_tar(Content(layer.tar_pieces()))
        assert again.diff_id == layer.diff_id
        assert again.diff_id == layer.diff_id
    gzipped = layer_from_tar(Content(list(image.layers[-1].blob())))
    assert gzipped.diff_id == image.layers[-1].diff_id


# --- big files ------------------------------------------------------------------------------------
def test_a_one_gib_zero_file_is_saved_and_loaded_without_its_bytes(factory) -> None:
    engine = Engine.with_catalogue()
    big = Layer(ChangeSet().add("/big", Entry.file(Content.zeros(1 << 30))))
    image = factory.image([big], base=engine.images.get("busybox"))
    engine.images.add(image, tags=["big"])
    host = UnionFileSystem(upper=Tree())
    tracemalloc.start()
    try:
        host.write_content("/big.tar", save(engine.images, ["big"]).tar_content())
        engine.images.remove(image.id, force=True)
        report = load(engine.images, host.content("/big.tar"))
        compressed = oci_layout([(engine.images.get("big"), ["big"])])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert host.stat("/big.tar").size > 1 << 30
    assert [i.id for i in report.images] == [image.id]
    assert peak < 64 << 20, f"peak {peak} bytes"
    assert compressed.blob(big.digest).size == big.blob_size < 2 << 20
