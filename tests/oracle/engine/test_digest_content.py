"""Digests, ChainIDs and lazy content (docker-image-semantics.md §1.1-§1.3)."""

from __future__ import annotations

import hashlib
import tracemalloc

from pipeline.oracle.content import Content
from pipeline.oracle.digest import (
    EMPTY_JSON_DIGEST,
    EMPTY_TAR_DIFF_ID,
    chain_id,
    chain_ids,
    sha256_digest,
    sha256_stream,
    short_id,
)

GIB = 1 << 30


def test_empty_tar_and_empty_json_constants():
    # §1.2: the empty tar is 1024 NUL bytes (moby layer/empty.go); §1.2 the empty JSON `{}`.
    assert sha256_digest(bytes(1024)) == EMPTY_TAR_DIFF_ID
    assert EMPTY_TAR_DIFF_ID.startswith("sha256:5f70bf18a086")
    assert sha256_digest(b"{}") == EMPTY_JSON_DIGEST


def test_chain_id_vector_from_image_spec():
    # §1.3, image-spec identity/chainid_test.go
    assert chain_ids(["sha256:a", "sha256:b", "sha256:c"]) == [
        "sha256:a",
        "sha256:970a948bffa8de94d6e22d747ba8c95030e6e546909f98f54e99a13005e173a8",
        "sha256:dee159b33409cefa3f6eda71539f006014283e9d9130c18a1dea7bd8a33c9b1b",
    ]
    assert chain_id([]) == ""
    assert chain_id(["sha256:a"]) == "sha256:a"


def test_short_id_is_truncate_id():
    # §4.2 TruncateID: drop up to ':' and keep 12 characters
    assert short_id("sha256:0123456789abcdef0123") == "0123456789ab"
    assert short_id("0123456789abcdef") == "0123456789ab"


def test_streamed_digest_equals_whole_digest():
    parts = [b"ab", b"", b"cdef" * 1000]
    assert sha256_stream(parts) == sha256_digest(b"".join(parts))


def test_content_edits_match_bytes():
    base = Content.of(b"hello world")
    assert base.append(b"!").read() == b"hello world!"
    assert base.resized(5).read() == b"hello"
    assert base.resized(13).read() == b"hello world\0\0"
    assert base.replaced(6, b"WORLD").read() == b"hello WORLD"
    assert base.replaced(13, b"x").read() == b"hello world\0\0x"
    assert base.read(3, 4) == b"lo w"
    assert base.slice(2, 4).read() == b"ll"
    assert base.sha256() == hashlib.sha256(b"hello world").hexdigest()


def test_content_equality_ignores_segmentation():
    assert Content.zeros(3).append(b"a") == Content.of(b"\0\0\0a")
    assert Content.of(b"a") != Content.of(b"b")


def test_chunks_cover_content_in_order():
    content = Content.of(b"x").append(Content.zeros(5)).append(b"yz")
    assert b"".join(content.chunks(chunk_size=2)) == b"x\0\0\0\0\0yz"


def test_from_chunks_keeps_zero_chunks_as_runs():
    content = Content.from_chunks([bytes(1 << 20), b"abc"])
    assert content.size == (1 << 20) + 3
    assert content.segments == (1 << 20, b"abc")


def test_gigabyte_of_zeros_and_one_appended_byte_cost_no_memory():
    # The brief: `truncate -s 1G` then appending one byte must not allocate 1 GiB.
    tracemalloc.start()
    big = Content.zeros(GIB).append(b"!")
    digest = big.sha256()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert big.size == GIB + 1
    assert peak < 50 * 1024 * 1024
    expected = hashlib.sha256()
    zero = bytes(1 << 20)
    for _ in range(1024):
        expected.update(zero)
    expected.update(b"!")
    assert digest == expected.hexdigest()
