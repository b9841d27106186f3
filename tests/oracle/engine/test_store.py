"""The image store: references, lookups, rmi, prune, history, layer sharing
(docker-image-semantics.md §4.3, §4.4, §4.8; moby daemon/images)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipeline.oracle.image import HistoryEntry, Image, ImageConfig
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.store import Conflict, ImageNotFound, ImageStore, StoreError


@dataclass
class FakeContainer:
    id: str
    image_id: str
    running: bool = False


def file_layer(name: str, data: bytes = b"x") -> Layer:
    return Layer(ChangeSet().add(f"/{name}", Entry.file(data)))


def image(*layers: Layer, created: str = "2025-01-01T00:00:00Z", tag: str = "") -> Image:
    history = tuple(HistoryEntry(created, f"COPY {i}") for i in range(len(layers)))
    config = ImageConfig(config={"Cmd": [tag or "sh"]}, history=history, created=created)
    return Image(config, layers)


BASE = file_layer("base", b"b" * 100)


def test_tags_resolve_by_name_full_id_short_id_and_digest():
    store = ImageStore()
    img = store.add(image(BASE), tags=["demo"], repo_digests=["demo@sha256:" + "a" * 64])
    hex_id = img.id.split(":")[1]
    for ref in ["demo", "demo:latest", "docker.io/library/demo:latest", img.id, hex_id,
                hex_id[:12], "sha256:" + hex_id[:5], "demo@sha256:" + "a" * 64]:  # fmt: skip
        assert store.get(ref) is img, ref
    assert store.repo_tags(img.id) == ["demo:latest"]
    assert store.repo_digests(img.id) == ["demo@sha256:" + "a" * 64]


def test_unknown_and_invalid_references_give_the_daemon_messages():
    store = ImageStore()
    with pytest.raises(ImageNotFound, match="^No such image: nope:latest$"):
        store.get("nope")
    with pytest.raises(StoreError, match="must be lowercase"):
        store.get("Demo")


def test_tag_is_a_mutable_pointer_and_the_old_image_becomes_dangling():
    # §4.4, §7 item 8
    store = ImageStore()
    first = store.add(image(BASE), tags=["app:1.0"])
    second = store.add(image(BASE, file_layer("v2")), tags=[])
    assert store.tag(second, "app:1.0") == first.id
    assert store.get("app:1.0") is second
    assert [i.id for i in store.dangling()] == [first.id]
    with pytest.raises(StoreError, match="refusing to create a tag with a digest reference"):
        store.tag(second, "app@sha256:" + "b" * 64)


def test_rmi_of_one_of_several_tags_only_untags():
    # §4.8 / §7 item 10
    store = ImageStore()
    img = store.add(image(BASE), tags=["demo:1.0", "demo:latest"])
    assert store.remove("demo:1.0") == [("Untagged", "demo:1.0")]
    assert img.id in store.images


def test_rmi_of_the_last_tag_deletes_the_image_and_its_unshared_layers():
    store = ImageStore()
    top = file_layer("top")
    shared = store.add(image(BASE), tags=["base"])
    img = store.add(image(BASE, top), tags=["demo"], repo_digests=["demo@sha256:" + "c" * 64])
    records = store.remove("demo")
    chain_top = img.chain_ids[1]
    assert records == [
        ("Untagged", "demo:latest"),
        ("Untagged", "demo@sha256:" + "c" * 64),
        ("Deleted", img.id),
        ("Deleted", chain_top),
    ]
    assert BASE.diff_id in store.layers and chain_top not in store.layers
    assert store.remove("base") == [
        ("Untagged", "base:latest"),
        ("Deleted", shared.id),
        ("Deleted", shared.chain_ids[0]),
    ]
    assert store.layers == {}


def test_rmi_refuses_when_a_container_uses_the_image():
    store = ImageStore()
    img = store.add(image(BASE), tags=["demo"])
    stopped = FakeContainer("f" * 64, img.id)
    with pytest.raises(Conflict) as error:
        store.remove("demo", containers=[stopped])
    assert str(error.value) == (
        'conflict: unable to remove repository reference "demo" (must force) - container '
        f"ffffffffffff is using its referenced image {img.short_id}"
    )
    with pytest.raises(Conflict, match="must be forced\\) - image is being used by stopped"):
        store.remove(img.id, containers=[stopped])
    running = FakeContainer("e" * 64, img.id, running=True)
    with pytest.raises(Conflict, match="cannot be forced\\) - image is being used by running"):
        store.remove(img.id, force=True, containers=[running])
    # forced over a stopped container: deleted, but the container keeps the layers
    records = store.remove("demo", force=True, containers=[stopped])
    assert records == [("Untagged", "demo:latest"), ("Deleted", img.id)]
    assert BASE.diff_id in store.layers


def test_rmi_by_id_with_tags_in_several_repositories_must_be_forced():
    store = ImageStore()
    img = store.add(image(BASE), tags=["one", "two"])
    with pytest.raises(Conflict, match="image is referenced in multiple repositories"):
        store.remove(img.short_id)
    records = store.remove(img.short_id, force=True)
    assert records[:2] == [("Untagged", "one:latest"), ("Untagged", "two:latest")]
    assert ("Deleted", img.id) in records


def test_rmi_by_id_with_a_single_tag_untags_and_deletes():
    store = ImageStore()
    img = store.add(image(BASE), tags=["solo"])
    assert store.remove(img.short_id)[:2] == [("Untagged", "solo:latest"), ("Deleted", img.id)]


def test_parent_chain_children_and_history_ids():
    # §4.3: IDs only along the parent chain, <missing> elsewhere
    store = ImageStore()
    base = store.add(image(BASE, created="2024-01-01T00:00:00Z"), tags=["base"])
    child = store.add(image(BASE, file_layer("c")), tags=["child"], parent=base.id)
    with pytest.raises(Conflict, match="image has dependent child images"):
        store.remove(base.id, force=True)
    rows = store.history("child")
    assert [r.id for r in rows] == [child.id, base.id]
    assert rows[0].tags == ("child:latest",) and rows[0].size == 1
    orphan = store.add(image(BASE, file_layer("o")), tags=["orphan"])
    assert [r.id for r in store.history("orphan")] == [orphan.id, "<missing>"]


def test_removing_a_child_prunes_untagged_parents():
    store = ImageStore()
    parent = store.add(image(BASE))
    child = store.add(image(BASE, file_layer("c")), tags=["child"], parent=parent.id)
    assert store.listed() == [child]  # the untagged parent is an intermediate image
    assert len(store.listed(all_images=True)) == 2
    records = store.remove("child")
    assert ("Deleted", child.id) in records and ("Deleted", parent.id) in records
    assert store.images == {}


def test_prune_removes_dangling_images_and_reports_reclaimed_bytes():
    store = ImageStore()
    old = store.add(image(BASE, file_layer("old", b"o" * 10)), tags=["app"])
    new = store.add(image(BASE, file_layer("new", b"n" * 20)), tags=["app"])
    keep = store.add(image(file_layer("k")), tags=["keep"])
    records, reclaimed = store.prune()
    assert records == [("Deleted", old.id), ("Deleted", old.chain_ids[1])]
    assert reclaimed == 10
    records, reclaimed = store.prune(all_images=True, containers=[FakeContainer("1", keep.id)])
    assert ("Deleted", new.id) in records and keep.id in store.images
    assert reclaimed == 20 + 100


def test_shared_layers_are_stored_once():
    store = ImageStore()
    a = store.add(image(BASE, file_layer("a")), tags=["a"])
    b = store.add(image(BASE, file_layer("b")), tags=["b"])
    assert a.chain_ids[0] == b.chain_ids[0]
    assert len(store.layers) == 3
    assert store.layer_users()[BASE.diff_id] == 2


def test_listing_is_newest_first():
    store = ImageStore()
    old = store.add(image(file_layer("1"), created="2024-01-01T00:00:00Z"), tags=["old"])
    new = store.add(image(file_layer("2"), created="2025-02-01T00:00:00Z"), tags=["new"])
    assert store.listed() == [new, old]
