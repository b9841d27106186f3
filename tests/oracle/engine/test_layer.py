"""Layers: Go-style tar streams, DiffIDs, gzip blobs, sizes, reading tars back
(docker-image-semantics.md §1.2, §4.3, §6.2)."""

from __future__ import annotations

import gzip
import io
import tarfile
import tracemalloc
import zlib

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.digest import EMPTY_TAR_DIFF_ID, sha256_digest
from pipeline.oracle.layer import ChangeSet, Entry, Layer, crc32_zeros
from pipeline.oracle.layout import LayoutError, layer_from_tar

GIB = 1 << 30


def sample_changes() -> ChangeSet:
    changes = ChangeSet()
    changes.add("/app", Entry.dir(mtime=100))
    changes.add("/app/app.py", Entry.file(b'print("hi")\n', mtime=100))
    changes.add("/app/run", Entry.file(b"#!/bin/sh\n", mode=0o755, uid=1000, gid=1000, mtime=100))
    changes.add("/app/link", Entry.symlink("app.py", mtime=100))
    changes.add("/etc", Entry.dir(mtime=100))
    changes.delete("/etc/motd")
    changes.add("/opt", Entry.dir(mtime=100))
    changes.make_opaque("/opt")
    return changes


def members(data: bytes) -> list[tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return archive.getmembers()


def test_empty_layer_has_the_real_empty_diff_id():
    # §1.2: moby DigestSHA256EmptyTar; a Python tarfile would give sha256:84ff9269...
    layer = Layer.empty()
    assert layer.tar_bytes() == bytes(1024)
    assert layer.diff_id == EMPTY_TAR_DIFF_ID
    assert layer.size == 0


def test_tar_is_readable_sorted_parents_first_and_not_padded():
    layer = Layer(sample_changes())
    data = layer.tar_bytes()
    assert len(data) % 512 == 0 and data.endswith(bytes(1024))
    assert len(data) != 10240  # Go blocking: no padding to tarfile's RECORDSIZE
    names = [m.name for m in members(data)]
    assert names == [
        "app",
        "app/app.py",
        "app/link",
        "app/run",
        "etc",
        "etc/.wh.motd",
        "opt",
        "opt/.wh..wh..opq",
    ]
    by_name = {m.name: m for m in members(data)}
    assert by_name["app"].isdir() and by_name["app/link"].issym()
    assert by_name["app/link"].linkname == "app.py"
    assert (by_name["app/run"].mode, by_name["app/run"].uid) == (0o755, 1000)
    # whiteouts: empty regular files, mode 0600 (go-archive overlayWhiteoutConverter)
    assert by_name["etc/.wh.motd"].isreg() and by_name["etc/.wh.motd"].mode == 0o600
    assert by_name["etc/.wh.motd"].size == 0
    assert all(m.uname == "" and m.gname == "" for m in by_name.values())
    assert layer.diff_id == sha256_digest(data)


def test_long_names_and_targets_round_trip():
    changes = ChangeSet()
    deep = "/" + "/".join(["d" * 60] * 5)
    changes.add(deep + "/" + "f" * 120, Entry.file(b"x"))
    changes.add("/l", Entry.symlink("/" + "t" * 150))
    changes.add("/caf\u00e9", Entry.file(b"unicode name"))
    layer = Layer(changes)
    names = {m.name for m in members(layer.tar_bytes())}
    assert deep.lstrip("/") + "/" + "f" * 120 in names
    assert "caf\u00e9" in names
    back = layer_from_tar(Content.of(layer.tar_bytes()))
    assert back.entries["/l"].target == "/" + "t" * 150
    assert back.diff_id == layer.diff_id


def test_from_tar_round_trip_keeps_whiteouts_and_opaque_dirs():
    layer = Layer(sample_changes())
    back = layer_from_tar(Content.of(layer.blob_bytes()))  # gzip is detected
    assert back.whiteouts == {"/etc/motd"}
    assert back.opaque == {"/opt"}
    assert back.entries["/app/run"] == layer.entries["/app/run"]
    assert back.diff_id == layer.diff_id


def test_from_tar_rejects_a_bare_whiteout():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.addfile(tarfile.TarInfo("dir/.wh."), io.BytesIO(b""))
    with pytest.raises(LayoutError):
        layer_from_tar(Content.of(buffer.getvalue()))


def test_blob_is_deterministic_gzip_of_the_tar():
    layer = Layer(sample_changes())
    blob = layer.blob_bytes()
    assert gzip.decompress(blob) == layer.tar_bytes()
    assert blob[4:8] == b"\0\0\0\0"  # mtime 0
    assert Layer(sample_changes()).digest == layer.digest == sha256_digest(blob)
    assert layer.blob_size == len(blob)


def test_zero_runs_compress_to_a_valid_stream():
    content = Content.of(b"x").append(Content.zeros(3 * (1 << 20) + 70_000)).append(b"yz")
    changes = (
        ChangeSet().add("/a", Entry.file(content)).add("/b", Entry.file(Content.zeros(70_000)))
    )
    layer = Layer(changes)
    assert gzip.decompress(layer.blob_bytes()) == layer.tar_bytes()


@pytest.mark.parametrize("length", [0, 1, 5, 1 << 20, 123_457])
def test_crc32_of_zeros_matches_zlib(length):
    assert crc32_zeros(7, length) == zlib.crc32(bytes(length), 7)


def test_size_counts_regular_file_content_only():
    # §4.3: DiffSize = sum of tar entry sizes: dirs, symlinks and whiteouts are 0
    layer = Layer(sample_changes())
    assert layer.size == len(b'print("hi")\n') + len(b"#!/bin/sh\n")


def test_same_changes_same_diff_id_different_changes_different_diff_id():
    assert Layer(sample_changes()).diff_id == Layer(sample_changes()).diff_id
    other = sample_changes().add("/app/app.py", Entry.file(b"print(2)\n", mtime=100))
    assert Layer(other).diff_id != Layer(sample_changes()).diff_id


def test_a_path_both_added_and_whited_out_is_rejected():
    with pytest.raises(ValueError):
        Layer(ChangeSet().add("/x", Entry.file(b"")).delete("/x"))


def test_gigabyte_zero_file_layer_is_hashed_and_compressed_in_little_memory():
    # The brief: building/hashing a 1 GiB zero file layer stays under 50 MB.
    tracemalloc.start()
    layer = Layer(ChangeSet().add("/big", Entry.file(Content.zeros(GIB))))
    diff_id, digest = layer.diff_id, layer.digest
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert layer.size == GIB
    assert diff_id.startswith("sha256:") and digest.startswith("sha256:")
    assert layer.blob_size < 2 * 1024 * 1024
    with gzip.open(io.BytesIO(layer.blob_bytes())) as stream:
        header = stream.read(512)
        assert header.startswith(b"big")
        stream.seek(512 + GIB)
        assert stream.read(1024) == bytes(1024) and stream.read(1) == b""


def test_from_tar_reads_foreign_tars_with_hard_links_and_padding():
    # e.g. a `docker load` archive written by another tool (Python pads to 10240 bytes)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("./usr/bin/tool")
        info.size, info.mode, info.mtime = 4, 0o755, 42
        archive.addfile(info, io.BytesIO(b"tool"))
        link = tarfile.TarInfo("./usr/bin/alias")
        link.type, link.linkname = tarfile.LNKTYPE, "./usr/bin/tool"
        archive.addfile(link)
    assert len(buffer.getvalue()) == 10240
    layer = layer_from_tar(Content.of(buffer.getvalue()))
    assert layer.entries["/usr/bin/tool"].content.read() == b"tool"
    assert layer.entries["/usr/bin/tool"].mode == 0o755
    assert layer.entries["/usr/bin/alias"].content.read() == b"tool"
    # the model has no hard links: a link becomes a copy, so its bytes count twice (Docker's
    # DiffSize would count them once)
    assert layer.size == 8
