"""The harness on its own, and what buildah does, against docker-image-semantics.md §2-§3.

Every test says whether buildah AGREES with BuildKit (the engine's model) or DIFFERS; README.md
lists the differences and how test_engine_vs_buildah.py maps them. The generated-case tests at the
end check the 32 generated Dockerfiles against rules derived from the Dockerfile text alone, and
that data/ still holds what buildah does.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from differential.conftest import require_module, require_oci_tools
from differential.generator import UNUSED_FILE, Case, generate_cases
from differential.harness import (
    BUSYBOX,
    DEFAULT_PATH_ENV,
    EMPTY_LAYER_DIFF_ID,
    BuildahError,
    BuildahImage,
    Entry,
    File,
    OciImage,
    Storage,
    Symlink,
    buildah_build,
    busybox_context,
    cached_steps,
    instruction_of,
    read_tree,
    rebuild,
    static_busybox,
    strip_mount_points,
    with_busybox,
    write_context,
)
from differential.recording import CaseResult, buildah_version, load_recordings

Build = Callable[..., BuildahImage]


@pytest.fixture
def build(buildah_storage: Storage, request: pytest.FixtureRequest) -> Build:
    """Build a Dockerfile body (after the busybox preamble) in the session's store."""
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")
    workdir = buildah_storage.directory / "focused"
    count = iter(range(100))

    def run(body: str, context: dict | None = None, *, preamble: bool = True, **kw) -> BuildahImage:
        dockerfile = with_busybox(body) if preamble else body
        files = busybox_context(context or {}) if preamble else dict(context or {})
        tag = f"{name}-{next(count)}"
        return buildah_build(files, dockerfile, workdir, tag, buildah_storage, **kw)

    return run


def flags(image: OciImage) -> list[bool]:
    return [h.empty_layer for h in image.history]


# --- the harness without the tools ---------------------------------------------------------------

BUILD_LOG = """\
STEP 1/4: FROM scratch
STEP 2/4: COPY bin /bin
--> Using cache 1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988
--> 1f2e3d4c5b6
STEP 3/4: RUN echo --> Using cache
--> Using cache 2f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988
--> 2f2e3d4c5b6
STEP 4/4: ENV A=1
COMMIT t
--> 3f2e3d4c5b6
"""


def test_cached_steps_reads_using_cache_lines_per_step() -> None:
    assert cached_steps(BUILD_LOG) == ((2, 3), 4)
    assert cached_steps("STEP 1/2: FROM scratch\nSTEP 2/2: ENV A=1\nCOMMIT t\n") == ((), 2)


def test_instruction_of_reads_classic_created_by() -> None:
    assert instruction_of("/bin/sh -c #(nop) ENV A=1") == "ENV"
    assert instruction_of("/bin/sh -c #(nop)  LABEL a=b") == "LABEL"  # classic: two spaces
    assert instruction_of("/bin/sh -c #(nop) COPY file:ab12 in /x ") == "COPY"
    assert instruction_of("/bin/sh -c echo '#(nop) ENV'") == "RUN"
    assert instruction_of("|1 A=1 /bin/sh -c echo $A") == "RUN"


def test_strip_mount_points_only_removes_what_buildah_leaves_empty() -> None:
    d = Entry("dir", 0o755, 0, 0, 0, None)
    empty = Entry("file", 0o755, 0, 0, 0, hashlib.sha256(b"").hexdigest())
    tree = {"/dev": d, "/proc": d, "/sys": d, "/run": d, "/etc": d, "/etc/hosts": empty}
    tree |= {"/etc/hostname": empty, "/etc/resolv.conf": empty, "/app": d}
    assert strip_mount_points(tree) == {"/app": d}
    written = Entry("file", 0o644, 0, 0, 4, hashlib.sha256(b"x y\n").hexdigest())
    kept = {"/run": d, "/run/app.pid": written, "/etc": d, "/etc/hosts": written}
    assert strip_mount_points(kept) == kept


def test_write_context_and_read_tree_keep_modes_and_symlinks(tmp_path: Path) -> None:
    previous = os.umask(0o077)  # the context must not depend on the caller's umask
    try:
        write_context(
            {"a/x.sh": File(b"#!/bin/sh\n", 0o755), "a/y": b"y\n", "a/l": Symlink("y")},
            tmp_path / "ctx",
        )
    finally:
        os.umask(previous)
    tree = read_tree(tmp_path / "ctx")
    uid, gid = os.getuid(), os.getgid()
    assert tree == {
        "/a": Entry("dir", 0o755, uid, gid, 0, None),
        "/a/x.sh": Entry("file", 0o755, uid, gid, 10, hashlib.sha256(b"#!/bin/sh\n").hexdigest()),
        "/a/y": Entry("file", 0o644, uid, gid, 2, hashlib.sha256(b"y\n").hexdigest()),
        "/a/l": Entry("symlink", 0o777, uid, gid, 1, "y"),
    }


def test_static_busybox_refuses_a_dynamic_executable() -> None:
    dynamic = Path(shutil.which("python3") or "/usr/bin/python3").resolve()
    with pytest.raises(BuildahError, match="dynamically linked"):
        static_busybox(dynamic)


def test_busybox_preamble_and_context() -> None:
    if not BUSYBOX.exists():
        pytest.skip("no /bin/busybox")  # the buildah tests below fail in CI instead
    context = busybox_context({"app.txt": b"x"})
    assert context["bin/sh"] == Symlink("busybox")
    assert isinstance(context["bin/busybox"], File) and context["bin/busybox"].mode == 0o755
    assert with_busybox("RUN true\n") == "FROM scratch\nCOPY bin /bin\nRUN true\n"
    with pytest.raises(ValueError, match="reserved"):
        busybox_context({"bin/sh": b"not a shell"})


def test_images_round_trip_through_json() -> None:
    image = BuildahImage(
        image_id="sha256:" + "a" * 64,
        diff_ids=(EMPTY_LAYER_DIFF_ID,),
        history=(),
        config={"Env": ["A=1"]},
        tree={
            "/x": Entry("file", 0o4755, 1000, 0, 1, "ab"),
            "/l": Entry("symlink", 0o777, 0, 0, 1, "x"),
        },
        cached_steps=(2, 3),
        step_count=4,
    )
    assert BuildahImage.from_json(image.to_json()) == image
    assert image.to_json()["tree"]["/x"]["mode"] == "4755"
    assert OciImage.from_json(image.to_json()).tree == image.tree


# --- the generator -------------------------------------------------------------------------------


def test_generator_is_seeded_and_makes_at_least_30_distinct_cases() -> None:
    cases = generate_cases()
    assert len(cases) >= 30
    assert [c.dockerfile for c in cases] == [c.dockerfile for c in generate_cases()]
    assert len({c.dockerfile for c in cases}) == len(cases)
    assert [c.dockerfile for c in generate_cases(seed=1)] != [c.dockerfile for c in cases]


def test_generated_dockerfiles_parse_with_dockers_parser() -> None:
    require_module("dockerfile", "pip install dockerfile")
    import dockerfile

    for case in generate_cases():
        commands = dockerfile.parse_string(case.dockerfile)
        assert [c.cmd.upper() for c in commands] == [
            line.split()[0] for line in case.instructions
        ], case.name


def test_generated_cases_mix_every_instruction_and_operation() -> None:
    text = "\n".join(c.dockerfile for c in generate_cases())
    for keyword in ("ENV", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "USER", "WORKDIR", "ARG"):
        assert re.search(rf"^{keyword} ", text, re.M), keyword
    for operation in ("COPY d ", "COPY --chown=", "> ", "mkdir", "RUN rm ", "rm -rf", "chmod"):
        assert operation in text, operation
    for operation in ("ln -s", "touch", "RUN true", "$(id -u)", "VOLUME"):
        assert operation in text, operation


def test_each_case_changes_one_existing_source_file() -> None:
    cases = generate_cases()
    for case in cases:
        before, after = case.full_context(b"bb"), case.changed_context(b"bb")
        changed = [p for p in before if before[p] != after[p]]
        assert changed == [case.changed_path], case.name
    assert any(c.changed_path == UNUSED_FILE for c in cases)
    assert any(c.changed_path.startswith("d/") for c in cases)


# --- what buildah does (needs buildah, skopeo, umoci, busybox-static) -----------------------------


def test_worked_example_two_copies_make_two_layers(build: Build) -> None:
    """AGREES (§2.3 example 1): COPY makes a layer, ENV and CMD are history-only."""
    image = build(
        "FROM scratch\nCOPY app.py /app/\nCOPY app.py /app/copy.py\nENV MODE=prod\n"
        'CMD ["python", "/app/app.py"]',
        {"app.py": b"print('hi')\n"},
        preamble=False,
        strip_buildah_additions=False,
    )
    assert image.layer_count == 2
    assert flags(image) == [False, False, True, True]
    assert sorted(image.tree) == ["/app", "/app/app.py", "/app/copy.py"]  # no RUN: nothing added
    assert image.config["Env"] == [DEFAULT_PATH_ENV, "MODE=prod"]
    assert image.config["Cmd"] == ["python", "/app/app.py"]


def test_a_noop_run_still_makes_an_empty_layer(build: Build) -> None:
    """AGREES with BuildKit (always a layer), DIFFERS from the classic builder (empty_layer).
    The first RUN's layer is not empty under buildah: it holds the mount points it adds."""
    image = build("RUN true\nRUN true")
    assert image.layer_count == 3
    assert image.diff_ids[1] != EMPTY_LAYER_DIFF_ID
    assert image.diff_ids[2] == EMPTY_LAYER_DIFF_ID
    assert flags(image) == [False, False, False]


def test_metadata_instructions_are_history_only(build: Build) -> None:
    """AGREES: ENV/LABEL/EXPOSE/USER/ARG/VOLUME/STOPSIGNAL/ENTRYPOINT/CMD add no layer."""
    body = (
        "ENV A=1\nLABEL k=v\nEXPOSE 80 53/udp\nUSER 1000\nARG V=2\nVOLUME /data\n"
        'STOPSIGNAL SIGTERM\nENTRYPOINT ["/bin/sh", "-c"]\nCMD echo hi'
    )
    image = build(body)
    assert image.layer_count == 1
    assert flags(image) == [False] + [True] * 9
    assert image.config == {
        "Env": ["A=1"],
        "Cmd": ["/bin/sh", "-c", "echo hi"],  # shell-form CMD, as in Docker
        "Entrypoint": ["/bin/sh", "-c"],  # CMD set in the same stage survives ENTRYPOINT
        "WorkingDir": "",
        "User": "1000",
        "Labels": {"k": "v"},
        "ExposedPorts": ["53/udp", "80/tcp"],
        "Volumes": ["/data"],
    }


def test_workdir_is_history_only_and_created_by_the_next_step(build: Build) -> None:
    """DIFFERS: BuildKit makes a mkdir layer per WORKDIR (≠ /); buildah marks WORKDIR
    empty_layer and the directory appears only when a later RUN/COPY runs in it."""
    image = build("WORKDIR /w1\nWORKDIR /w2\nRUN true")
    assert flags(image) == [False, True, True, False]
    assert image.layer_count == 2  # BuildKit: 4
    assert "/w1" not in image.tree
    assert image.tree["/w2"] == Entry("dir", 0o755, 0, 0, 0, None)
    assert image.config["WorkingDir"] == "/w2"
    # Without any WORKDIR, buildah leaves WorkingDir unset; BuildKit's scratch config says "/".
    assert build("RUN true").config["WorkingDir"] == ""


def test_volume_directory_is_created_by_the_next_run(build: Build) -> None:
    """DIFFERS: BuildKit never creates a VOLUME's directory in the image; buildah's next RUN
    does (so the generator puts VOLUME after the last RUN)."""
    image = build("VOLUME /v1\nRUN true\nVOLUME /v2")
    assert image.tree["/v1"] == Entry("dir", 0o755, 0, 0, 0, None)
    assert "/v2" not in image.tree
    assert image.config["Volumes"] == ["/v1", "/v2"]


def test_created_by_is_classic_builder_text(build: Build) -> None:
    """DIFFERS: buildah writes the classic builder's created_by (one space after #(nop), no
    `# buildkit`), ARG lists the declared names sorted, RUN prefixes `|N K=V` sorted by name."""
    image = build(
        'ARG ZED=z\nARG ALPHA=a\nRUN ["/bin/busybox", "true"]\nRUN echo $ALPHA\nENV K=V\n'
        'EXPOSE 80\nCMD ["a", "b"]\nCOPY f.txt /dest/',
        {"f.txt": b"f\n"},
    )
    digest = hashlib.sha256(b"f\n").hexdigest()
    created_by = [h.created_by for h in image.history[1:]]
    assert created_by[:7] == [
        "/bin/sh -c #(nop) ARG ZED",  # BuildKit: ARG ZED=z
        "/bin/sh -c #(nop) ARG ALPHA ZED",  # BuildKit: ARG ALPHA=a
        '|2 ALPHA=a ZED=z /bin/sh -c ["/bin/busybox", "true"]',  # BuildKit: RUN |2 ZED=z ALPHA=a
        "|2 ALPHA=a ZED=z /bin/sh -c echo $ALPHA",  # … /bin/busybox true # buildkit
        "/bin/sh -c #(nop) ENV K=V",  # BuildKit: ENV K=V
        "/bin/sh -c #(nop) EXPOSE 80",  # BuildKit: EXPOSE map[80/tcp:{}] or [80/tcp]
        '/bin/sh -c #(nop) CMD ["a", "b"]',  # BuildKit: CMD ["a" "b"]
    ]
    # BuildKit: COPY f.txt /dest/ # buildkit. The hash is not the plain sha256 of the content.
    assert re.fullmatch(r"/bin/sh -c #\(nop\) COPY file:[0-9a-f]{64} in /dest/ ", created_by[7])
    assert digest not in created_by[7]


def test_first_run_adds_mount_points_and_config_defaults(build: Build) -> None:
    """buildah-only additions the harness strips: RUN's mount points, PATH, version label."""
    raw = build("RUN true", strip_buildah_additions=False)
    stripped = build("RUN true")
    added = sorted(set(raw.tree) - set(stripped.tree))
    assert added == [
        "/dev",
        "/etc",
        "/etc/hostname",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/proc",
        "/run",
        "/sys",
    ]
    assert raw.tree["/etc/hosts"].size == 0
    assert raw.config["Env"] == [DEFAULT_PATH_ENV] and stripped.config["Env"] == []
    assert "io.buildah.version" in raw.config["Labels"] and stripped.config["Labels"] == {}


def test_whiteouts_and_recreated_directories_in_the_unpacked_tree(build: Build) -> None:
    """AGREES on the union tree (§6.2). vfs writes explicit whiteouts where overlayfs (and the
    engine) would mark a re-created directory opaque: compare trees, not layer tars."""
    image = build(
        "COPY d /d\nRUN rm /d/a.txt\nRUN rm -rf /d/sub && mkdir /d/sub && echo n > /d/sub/n.txt",
        {"d/a.txt": b"a\n", "d/b.txt": b"b\n", "d/sub/old.txt": b"old\n"},
    )
    assert sorted(p for p in image.tree if p.startswith("/d")) == [
        "/d",
        "/d/b.txt",
        "/d/sub",
        "/d/sub/n.txt",
    ]
    assert image.layer_count == 4


def test_metadata_changes_copy_the_file_up(build: Build) -> None:
    """AGREES (§6.3): chmod and touch of a lower file make a non-empty layer."""
    image = build("COPY f.txt /f.txt\nRUN chmod 4755 /f.txt\nRUN touch /f.txt", {"f.txt": b"f\n"})
    assert EMPTY_LAYER_DIFF_ID not in image.diff_ids[-2:]
    assert image.tree["/f.txt"].mode == 0o4755
    assert image.tree["/f.txt"].size == 2


def test_ownership_of_copies_and_run_files(build: Build) -> None:
    """AGREES: --chown owns what is copied; a numeric USER without passwd writes uid:0 files.
    Not compared (generator avoids it): buildah also chowns parent directories a COPY
    --chown creates (BuildKit: fsutil PR #49 `copy: chown the destination directories`)."""
    image = build(
        "RUN mkdir -m 1777 /tmp\nCOPY --chown=1000:1000 f.txt /tmp/owned.txt\n"
        "COPY --chown=7:8 f.txt /new/parent/f.txt\nUSER 1000\nRUN echo $(id -u) > /tmp/u.txt",
        {"f.txt": b"f\n"},
    )
    tree = image.tree
    assert (tree["/tmp"].mode, tree["/tmp"].uid) == (0o1777, 0)
    assert (tree["/tmp/owned.txt"].uid, tree["/tmp/owned.txt"].gid) == (1000, 1000)
    assert (tree["/tmp/u.txt"].uid, tree["/tmp/u.txt"].gid) == (1000, 0)
    assert tree["/tmp/u.txt"].content == hashlib.sha256(b"1000\n").hexdigest()
    assert [(tree[p].uid, tree[p].gid) for p in ("/new", "/new/parent")] == [(7, 8), (7, 8)]


def test_user_names_need_a_passwd_file(build: Build) -> None:
    """Why generated Dockerfiles use numeric USERs: scratch has no /etc/passwd."""
    with pytest.raises(BuildahError, match='unknown user error looking up user "root"'):
        build("USER root\nRUN true")


def test_rebuild_caches_until_the_changed_copy_then_rebuilds_everything(
    buildah_storage: Storage,
) -> None:
    """AGREES for RUN/COPY; DIFFERS for metadata steps: buildah re-runs (does not print
    `Using cache` for) every step after the first miss, BuildKit has no vertex for them."""
    body = 'COPY a.txt /a.txt\nENV A=1\nCOPY b.txt /b.txt\nLABEL l=1\nRUN echo x > /x\nCMD ["x"]'
    context = busybox_context({"a.txt": b"a\n", "b.txt": b"b\n"})
    workdir = buildah_storage.directory / "focused"
    dockerfile = with_busybox(body)
    first, same = rebuild(context, context, dockerfile, workdir, "cache-same", buildah_storage)
    assert same.cached_steps == tuple(range(2, 9)) and same.step_count == 8
    assert same.image_id == first.image_id
    changed = {**context, "b.txt": b"b changed\n"}
    _, rebuilt = rebuild(context, changed, dockerfile, workdir, "cache-b", buildah_storage)
    assert rebuilt.cached_steps == (2, 3, 4)  # COPY bin, COPY a.txt, ENV; not COPY b.txt on
    assert rebuilt.image_id != first.image_id


def test_a_metadata_change_busts_every_later_step(buildah_storage: Storage) -> None:
    """DIFFERS: in BuildKit a LABEL is in no cache key, so the RUN after it stays CACHED."""
    workdir = buildah_storage.directory / "focused"
    context = busybox_context({})
    buildah_build(context, with_busybox("LABEL v=1\nRUN echo x > /x"), workdir, "label-1",
                  buildah_storage)  # fmt: skip
    image = buildah_build(
        context, with_busybox("LABEL v=2\nRUN echo x > /x"), workdir, "label-2", buildah_storage
    )
    assert image.cached_steps == (2,)


def test_timestamp_zero_makes_image_ids_reproducible(tmp_path: Path) -> None:
    """`--timestamp 0`: the same Dockerfile in two fresh stores gives the same image ID."""
    require_oci_tools()
    context = busybox_context({"f.txt": b"f\n"})
    dockerfile = with_busybox("COPY f.txt /f\nRUN echo x > /x\nENV A=1")
    ids = {
        buildah_build(context, dockerfile, tmp_path / n, "ts", Storage(tmp_path / n)).image_id
        for n in ("one", "two")
    }
    assert len(ids) == 1


# --- the generated cases -------------------------------------------------------------------------


def fs_steps(case: Case) -> list[int]:
    return [n for n, line in enumerate(case.instructions, 1) if line.split()[0] in ("RUN", "COPY")]


def first_copy_of(case: Case, path: str) -> int | None:
    """The step number of the first COPY whose source covers the context path `path`."""
    for number, line in enumerate(case.instructions, 1):
        words = [w for w in line.split() if not w.startswith("--")]
        if words[0] == "COPY" and any(path == s or path.startswith(s + "/") for s in words[1:-1]):
            return number
    return None


def test_generated_layers_and_history_follow_the_instructions(
    buildah_results: dict[str, CaseResult],
) -> None:
    for name, result in buildah_results.items():
        case, image = result.case, result.first
        keywords = [line.split()[0] for line in case.instructions[1:]]
        assert image.layer_count == len(fs_steps(case)), name
        assert [instruction_of(h.created_by) for h in image.history] == keywords, name
        assert flags(image) == [k not in ("RUN", "COPY") for k in keywords], name


def test_generated_rebuilds_cache_exactly_the_steps_before_the_changed_copy(
    buildah_results: dict[str, CaseResult],
) -> None:
    for name, result in buildah_results.items():
        case = result.case
        last = len(case.instructions)
        first_miss = first_copy_of(case, case.changed_path) or last + 1
        assert result.rebuilt.cached_steps == tuple(range(2, first_miss)), name
        assert result.rebuilt.step_count == last, name


def test_generated_rebuilds_change_only_the_copies_of_the_changed_file(
    buildah_results: dict[str, CaseResult],
) -> None:
    for name, result in buildah_results.items():
        case = result.case
        old, new = result.first.tree, result.rebuilt.tree
        assert old.keys() == new.keys(), name
        before = case.full_context(b"")[case.changed_path]
        assert isinstance(before, bytes)
        hashes = (hashlib.sha256(before).hexdigest(), hashlib.sha256(case.changed_data).hexdigest())
        for path in old:
            if old[path] != new[path]:
                assert (old[path].content, new[path].content) == hashes, (name, path)
        if case.changed_path == UNUSED_FILE:
            assert result.rebuilt.image_id == result.first.image_id, name


def test_recordings_are_what_buildah_does_now(buildah_results: dict[str, CaseResult]) -> None:
    recorded = load_recordings()
    assert sorted(recorded) == sorted(buildah_results), "re-record: recording.py"
    version = buildah_version()
    for name, result in buildah_results.items():
        record = recorded[name]
        assert {k: v for k, v in record.items() if k != "buildah"} == result.to_json(), (
            f"{name}: data/ was recorded with {record['buildah']}, this is {version}, and it is "
            "stale: run `python tests/differential/recording.py`"
        )
