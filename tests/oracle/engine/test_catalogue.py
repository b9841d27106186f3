"""The fixture catalogue: base images as data, simulations of the real images' structure."""

from __future__ import annotations

import json

from pipeline.oracle import catalogue
from pipeline.oracle.container import find_executable
from pipeline.oracle.engine import Engine
from pipeline.oracle.fsapi import FsError

EXPECTED = {  # repository: (layers, plausible size range in bytes)
    "busybox": (1, 4_000_000, 4_500_000),
    "alpine": (1, 7_500_000, 8_000_000),
    "debian": (1, 110_000_000, 120_000_000),
    "ubuntu": (1, 75_000_000, 80_000_000),
    "python": (7, 950_000_000, 1_100_000_000),
    "node": (8, 1_050_000_000, 1_150_000_000),
    "nginx": (7, 180_000_000, 200_000_000),
}


def test_every_file_is_marked_as_a_simulation():
    for name in catalogue.names():
        doc = json.loads((catalogue.DATA / f"{name}.json").read_text())
        assert "simulation" in doc["note"] and "not a copy" in doc["note"]


def test_engine_starts_with_the_base_images_tagged_and_pulled():
    engine = Engine.with_catalogue()
    for repository, (layers, low, high) in EXPECTED.items():
        image = engine.images.get(repository)
        assert len(image.layers) == layers, repository
        assert low <= image.size <= high, (repository, image.size)
        tags = engine.images.repo_tags(image.id)
        assert f"{repository}:latest" in tags and len(tags) >= 2
        (digest,) = engine.images.repo_digests(image.id)
        assert digest == f"{repository}@{image.manifest_digest()}"
        assert engine.images.get(digest) is image
        history = image.config.history
        assert sum(not h.empty_layer for h in history) == len(image.layers)
        assert image.created < engine.clock.now()
    assert engine.images.get("debian:bookworm-slim") is not engine.images.get("debian")
    assert "buildpack-deps" not in engine.images  # a base layer set, not a pulled image


def test_shells_and_applets_are_executables_in_every_image():
    engine = Engine.with_catalogue()
    for repository in EXPECTED:
        fs = engine.images.get(repository).rootfs()
        for program in ("/bin/sh", "/bin/ls", "/bin/cat"):
            stat = fs.stat(program)
            assert stat.kind == "file" and stat.mode & 0o111, (repository, program)
        for program in ("env", "sha256sum", "wc", "truncate", "grep", "sort", "stat", "du"):
            assert find_executable(fs, program, {}), (repository, program)
    busybox = engine.images.get("busybox").rootfs()
    assert busybox.stat("/bin/sh", follow_symlinks=False).target == "/bin/busybox"
    assert busybox.read("/bin/busybox", 0, 4) == b"\x7fELF"
    debian = engine.images.get("debian").rootfs()
    assert debian.stat("/bin", follow_symlinks=False).target == "usr/bin"
    assert debian.read("/etc/debian_version") == b"12.8\n"


def test_images_share_base_layers_like_the_real_ones():
    engine = Engine.with_catalogue()
    python, node, debian = (engine.images.get(n) for n in ("python", "node", "debian"))
    assert python.layers[:4] == node.layers[:4]
    assert python.chain_ids[0] == debian.chain_ids[0]
    assert (
        engine.images.get("nginx").chain_ids[0] == engine.images.get("debian:12-slim").chain_ids[0]
    )


def test_configs_carry_the_real_defaults():
    engine = Engine.with_catalogue()
    nginx = engine.images.get("nginx").config.config
    assert nginx["Entrypoint"] == ["/docker-entrypoint.sh"]
    assert nginx["Cmd"] == ["nginx", "-g", "daemon off;"]
    assert nginx["ExposedPorts"] == {"80/tcp": {}} and nginx["StopSignal"] == "SIGQUIT"
    assert engine.images.get("python").config.config["Cmd"] == ["python3"]
    assert engine.images.get("alpine").config.config["Cmd"] == ["/bin/sh"]
    assert (
        engine.images.get("node")
        .rootfs()
        .read("/etc/passwd")
        .endswith(b"node:x:1000:1000::/home/node:/bin/sh\n")
    )


def test_shipped_digests_are_the_real_hashes_of_the_layers():
    # digests.json is a cache: recompute every DiffID and blob digest from the streams
    shipped = json.loads(catalogue.DIGESTS.read_text())
    assert catalogue.compute_digests() == shipped


def test_catalogue_images_are_immutable_across_engines():
    first, second = Engine.with_catalogue(), Engine.with_catalogue()
    assert first.images.get("alpine").id == second.images.get("alpine").id
    try:
        first.images.get("alpine").rootfs().write("/x", b"")
    except FsError as error:
        assert error.errno == "EROFS"
    assert not second.images.get("alpine").rootfs().exists("/x")
