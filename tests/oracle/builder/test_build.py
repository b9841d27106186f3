"""Builds end to end: layers, history and config (docker-image-semantics.md §2.2-§2.3, §6.3-§6.4),
errors with Docker's wording, progress labels (§3.3)."""

from __future__ import annotations

import io
import tarfile

import pytest

from pipeline.oracle.builder.build import build
from pipeline.oracle.builder.errors import BuildError
from pipeline.oracle.digest import EMPTY_TAR_DIFF_ID
from pipeline.oracle.engine import Engine

BUSYBOX_LAYERS, BUSYBOX_HISTORY = 1, 2  # the fixture's busybox: ADD + CMD, like the real one


def history(image):
    return [(h.created_by, h.empty_layer) for h in image.config.history]


def steps(result):
    return [v.name for v in result.vertices if v.kind == "step"]


def test_spec_example_scratch_two_copies(engine, context):
    # §2.3 example 1 (oracle-scenarios.md): 2 layers, 4 history entries, 2 of them with layers
    ctx = context(
        {
            "app.py": 'print("hi")\n',
            "Dockerfile": "FROM scratch\nCOPY app.py /app/\nCOPY app.py /app/copy.py\n"
            'ENV MODE=prod\nCMD ["python", "/app/app.py"]\n',
        }
    )
    image = build(engine, ctx, tags=["demo"]).image
    assert len(image.layers) == 2
    assert history(image) == [
        ("COPY app.py /app/ # buildkit", False),
        ("COPY app.py /app/copy.py # buildkit", False),
        ("ENV MODE=prod", True),
        ('CMD ["python" "/app/app.py"]', True),
    ]
    assert all(h.comment == "buildkit.dockerfile.v0" for h in image.config.history)
    # BuildKit's emptyImage: WorkingDir "/" and the default PATH (dockerfile2llb/image.go)
    assert image.config.config["Env"][0].startswith("PATH=")
    assert image.config.config["Env"][1] == "MODE=prod"
    assert engine.images.get("demo").id == image.id


def test_buildkit_upstream_exported_history(engine, context):
    # §2.3 example 2: buildkit frontend/dockerfile/dockerfile_history_test.go testExportedHistory
    ctx = context(
        {
            "foo": "contents0",
            "Dockerfile": "FROM busybox AS base\nENV foo=bar\nCOPY foo /foo2\nFROM busybox\n"
            "LABEL lbl=val\nCOPY --from=base foo2 foo3\nWORKDIR /\n"
            'RUN echo bar > foo4\nRUN ["ls"]\nEXPOSE 2375 5000 1234/udp\n',
        }
    )
    image = build(engine, ctx).image
    assert len(image.diff_ids) == 4
    assert len(image.config.history) == 8
    assert history(image)[BUSYBOX_HISTORY:] == [
        ("LABEL lbl=val", True),
        ("COPY foo2 foo3 # buildkit", False),  # --from is not recorded
        ("WORKDIR /", True),
        ("RUN /bin/sh -c echo bar > foo4 # buildkit", False),
        ("RUN ls # buildkit", False),  # no change, still a layer
        ("EXPOSE map[1234/udp:{} 2375/tcp:{} 5000/tcp:{}]", True),  # Docker 24-28 text
    ]
    assert image.layers[-1].diff_id == EMPTY_TAR_DIFF_ID
    assert image.config.config["ExposedPorts"] == {"1234/udp": {}, "2375/tcp": {}, "5000/tcp": {}}


def test_noop_run_adds_an_empty_layer(engine, context):
    # §2.3 example 3 / §7.2: BuildKit always adds a layer for RUN; nothing changed -> 0B layer
    image = build(engine, context({"Dockerfile": "FROM alpine\nRUN echo hi\n"})).image
    base = engine.images.get("alpine")
    assert len(image.layers) == len(base.layers) + 1
    assert image.layers[-1].diff_id == EMPTY_TAR_DIFF_ID
    assert image.layers[-1].size == 0
    assert history(image)[-1] == ("RUN /bin/sh -c echo hi # buildkit", False)


def test_workdir_makes_a_layer_unless_root(engine, context):
    # §2.3 example 4; convert.go dispatchWorkdir: withLayer iff wd != "/"
    image = build(engine, context({"Dockerfile": "FROM alpine\nWORKDIR /app\nWORKDIR /\n"})).image
    assert len(image.layers) == BUSYBOX_LAYERS + 1
    assert "/app" in image.layers[-1].entries
    assert history(image)[-2:] == [("WORKDIR /app", False), ("WORKDIR /", True)]
    assert image.config.config["WorkingDir"] == "/"


def test_relative_workdir_and_copy_destination(engine, context):
    # convert.go dispatchWorkdir (system.NormalizeWorkdir) and pathRelativeToWorkingDir
    ctx = context(
        {
            "a.txt": "a",
            "Dockerfile": "FROM alpine\nWORKDIR /srv\nWORKDIR app\n"
            "COPY a.txt .\nCOPY a.txt sub/b.txt\n",
        }
    )
    image = build(engine, ctx).image
    fs = image.rootfs()
    assert image.config.config["WorkingDir"] == "/srv/app"
    assert fs.read("/srv/app/a.txt") == b"a"
    assert fs.read("/srv/app/sub/b.txt") == b"a"


def test_run_on_scratch_fails_like_runc(engine, context):
    # The error text of runc 1.1 as BuildKit wraps it (docker/buildx#2400, moby/buildkit#4339)
    ctx = context({"Dockerfile": "FROM scratch\nRUN echo hi\n"})
    with pytest.raises(BuildError) as caught:
        build(engine, ctx)
    error = caught.value
    assert error.message == (
        'failed to solve: process "/bin/sh -c echo hi" did not complete successfully: runc run '
        'failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file '
        "or directory"
    )
    assert error.line == 2
    assert error.source.splitlines()[error.line - 1] == "RUN echo hi"  # for the >>> excerpt
    assert error.vertex == "[1/1] RUN echo hi"
    assert error.vertices[-1].error.startswith('process "/bin/sh -c echo hi"')


def test_nonzero_exit_fails_the_build(engine, context):
    # moby/buildkit#4339: `process "/bin/sh -c ..." did not complete successfully: exit code: 1`
    ctx = context({"Dockerfile": "FROM alpine\nRUN echo before && exit 3\n"})
    with pytest.raises(BuildError) as caught:
        build(engine, ctx)
    assert caught.value.message == (
        'failed to solve: process "/bin/sh -c echo before && exit 3" did not complete '
        "successfully: exit code: 3"
    )
    assert caught.value.vertices[-1].output == ["before"]


def test_missing_copy_source(engine, context):
    # e.g. moby/buildkit#4128: failed to compute cache key: failed to calculate checksum of
    # ref <id>::<id>: "/docker-entrypoint.sh": not found
    ctx = context({"Dockerfile": "FROM alpine\nCOPY missing.txt /x\n"})
    with pytest.raises(BuildError) as caught:
        build(engine, ctx)
    message = caught.value.message
    assert message.startswith(
        "failed to solve: failed to compute cache key: failed to calculate checksum of ref "
    )
    assert message.endswith(': "/missing.txt": not found')
    assert caught.value.line == 2


def test_missing_dockerfile(engine, context):
    # the text as users see it, e.g. setube/stb#8 and mythrantic/ollama-docker#28
    with pytest.raises(BuildError) as caught:
        build(engine, context({}))
    assert caught.value.message == (
        "failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory"
    )


def test_entrypoint_resets_inherited_cmd(engine, context):
    # convert.go dispatchEntrypoint: `if !d.cmd.IsSet { d.image.Config.Cmd = nil }`
    image = build(engine, context({"Dockerfile": 'FROM busybox\nENTRYPOINT ["top"]\n'})).image
    assert image.config.config["Entrypoint"] == ["top"]
    assert "Cmd" not in image.config.config
    kept = build(engine, context({"Dockerfile": 'FROM busybox\nCMD ["-b"]\nENTRYPOINT top\n'}))
    assert kept.image.config.config["Cmd"] == ["-b"]
    assert kept.image.config.config["Entrypoint"] == ["/bin/sh", "-c", "top"]
    assert history(kept.image)[-1] == ('ENTRYPOINT ["/bin/sh" "-c" "top"]', True)


def test_arg_is_in_history_but_not_in_env(engine, context, runner):
    # §7.22; convert.go runCommandString: `RUN |1 TOKEN=s3cret /bin/sh -c ...`
    ctx = context({"Dockerfile": "FROM alpine\nARG TOKEN=default\nRUN echo $TOKEN\n"})
    result = build(engine, ctx, build_args={"TOKEN": "s3cret", "UNUSED": "x"})
    image = result.image
    assert history(image)[-2:] == [
        ("ARG TOKEN=s3cret", True),
        ("RUN |1 TOKEN=s3cret /bin/sh -c echo $TOKEN # buildkit", False),
    ]
    assert not any(e.startswith("TOKEN=") for e in image.config.config["Env"])
    assert runner.calls[-1].env["TOKEN"] == "s3cret"  # but the RUN sees it
    assert result.vertices[-2].output == ["s3cret"]
    assert result.unconsumed_build_args == ["UNUSED"]  # reported as data, no warning printed


def test_global_arg_in_from_and_redeclared_in_stage(engine, context):
    ctx = context(
        {"Dockerfile": "ARG BASE=alpine\nARG V=1\nFROM ${BASE}\nARG V\nRUN echo $V\nLABEL v=$V\n"}
    )
    result = build(engine, ctx, build_args={"BASE": "busybox"})
    assert steps(result)[0].startswith("[1/2] FROM docker.io/library/busybox:latest@sha256:")
    assert history(result.image)[-3:] == [
        ("ARG V=1", True),
        ("RUN |1 V=1 /bin/sh -c echo $V # buildkit", False),
        ("LABEL v=1", True),
    ]


def _tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_add_extracts_a_local_tar(engine, context):
    # Dockerfile reference "ADD": local archives are unpacked; buildkit convert_copy.go unpack
    ctx = context(
        {
            "site.tar.gz": _tar_gz({"index.html": b"<h1>hi</h1>"}),
            "Dockerfile": "FROM alpine\nADD site.tar.gz /srv/\nCOPY site.tar.gz /raw/\n",
        }
    )
    image = build(engine, ctx).image
    fs = image.rootfs()
    assert fs.read("/srv/index.html") == b"<h1>hi</h1>"
    assert fs.exists("/raw/site.tar.gz")
    assert history(image)[-2] == ("ADD site.tar.gz /srv/ # buildkit", False)


def test_add_of_a_url_fails_clearly(engine, context):
    ctx = context({"Dockerfile": "FROM alpine\nADD https://example.com/x.tgz /x\n"})
    with pytest.raises(BuildError, match="cannot fetch remote URLs"):
        build(engine, ctx)


def test_deleted_file_still_counts_in_the_image_size(engine, context):
    # §6.4: "deleting never shrinks an image"; the rm layer holds a 0-byte whiteout
    ctx = context(
        {
            "big.bin": b"x" * 5000,
            "Dockerfile": "FROM alpine\nCOPY big.bin /big.bin\nRUN rm /big.bin\n",
        }
    )
    image = build(engine, ctx).image
    base = engine.images.get("alpine")
    assert image.size == base.size + 5000
    assert image.layers[-1].size == 0
    assert image.layers[-1].whiteouts == frozenset({"/big.bin"})
    assert not image.rootfs().exists("/big.bin")


def test_chmod_in_a_later_run_duplicates_the_file(engine, context):
    # §6.3 copy-up: docs storage/drivers `RUN chmod +x /app/hello.sh` -> a 39B layer
    ctx = context(
        {
            "hello.sh": b"#!/bin/sh\necho 'Hello, world!'\nexit 0\n\n",
            "Dockerfile": "FROM alpine\nCOPY hello.sh /app/\nRUN chmod +x /app/hello.sh\n",
        }
    )
    image = build(engine, ctx).image
    assert image.layers[-1].size == 39
    assert image.rootfs().stat("/app/hello.sh").mode == 0o755


def test_copy_chown_and_chmod(engine, context):
    ctx = context(
        {
            "run.sh": "#!/bin/sh\n",
            "Dockerfile": "FROM alpine\nCOPY --chown=app:app --chmod=750 run.sh /opt/\n",
        }
    )
    image = build(engine, ctx).image
    stat = image.rootfs().stat("/opt/run.sh")
    assert (stat.uid, stat.gid, stat.mode) == (1000, 1000, 0o750)
    assert history(image)[-1] == ("COPY --chown=app:app --chmod=750 run.sh /opt/ # buildkit", False)


def test_multi_stage_history_is_scoped_to_the_final_stage(engine, context):
    # §2.2 / §7.23: buildkit dockerfile_history_test.go "history is scoped to one stage"
    ctx = context(
        {
            "Dockerfile": "FROM alpine AS build\nRUN echo built > /out\nENV X=1\n"
            "FROM busybox\nCOPY --from=build /out /out\n"
        }
    )
    result = build(engine, ctx)
    image = result.image
    assert len(image.layers) == BUSYBOX_LAYERS + 1
    assert [c for c, _ in history(image)][BUSYBOX_HISTORY:] == ["COPY /out /out # buildkit"]
    assert image.rootfs().read("/out") == b"built\n"
    assert steps(result) == [
        "[build 1/2] FROM docker.io/library/alpine:latest@" + _digest(engine, "alpine"),
        "[build 2/2] RUN echo built > /out",
        "[stage-1 1/2] FROM docker.io/library/busybox:latest@" + _digest(engine, "busybox"),
        "[stage-1 2/2] COPY --from=build /out /out",
    ]


def _digest(engine, name):
    return engine.images.repo_digests(engine.images.get(name).id)[0].split("@")[1]


def test_target_builds_only_the_needed_stages(engine, context, runner):
    # convert.go allReachableStages / resolveTarget (with util/suggest's "did you mean")
    ctx = context(
        {
            "Dockerfile": "FROM alpine AS one\nRUN echo one\nFROM alpine AS two\n"
            "RUN echo two\nFROM one AS three\nRUN echo three\n"
        }
    )
    result = build(engine, ctx, target="three")
    assert [p.argv[-1] for p in runner.calls] == ["echo one", "echo three"]
    assert [c for c, _ in history(result.image)][-2:] == [
        "RUN /bin/sh -c echo one # buildkit",
        "RUN /bin/sh -c echo three # buildkit",
    ]
    with pytest.raises(BuildError) as caught:
        build(engine, ctx, target="thre")
    assert caught.value.message == (
        'failed to solve: target stage "thre" could not be found (did you mean three?)'
    )


def test_labels_are_padded_and_expand_variables(engine, context):
    # convert.go prefixCommand (`%*d` with the width of n) and processCmdEnv (§3.3)
    lines = "".join(f"RUN echo {i}\n" for i in range(9))
    ctx = context({"Dockerfile": f"FROM alpine\nENV DIR=/app\nWORKDIR $DIR\n{lines}"})
    names = steps(build(engine, ctx))
    assert names[0].startswith("[ 1/11] FROM ")
    assert names[1] == "[ 2/11] WORKDIR /app"
    assert names[-1] == "[11/11] RUN echo 8"


def test_copy_from_an_image_names_the_stage(engine, context):
    # convert.go: COPY --from=<image> registers another state, so labels get `stage-0`
    ctx = context({"Dockerfile": "FROM alpine\nCOPY --from=busybox /bin/sh /bb\n"})
    result = build(engine, ctx)
    names = steps(result)
    assert names[0].startswith("[stage-0 1/2] FROM docker.io/library/alpine:latest@sha256:")
    # the image's own state has no steps to count, so its FROM vertex has no [i/n]
    assert names[1] == "FROM docker.io/library/busybox:latest@" + _digest(engine, "busybox")
    assert names[2] == "[stage-0 2/2] COPY --from=busybox /bin/sh /bb"
    metadata = [v.name for v in result.vertices if v.name.startswith("[internal] load metadata")]
    assert metadata == [
        "[internal] load metadata for docker.io/library/alpine:latest",
        "[internal] load metadata for docker.io/library/busybox:latest",
    ]
    assert result.image.rootfs().read("/bb") == engine.images.get("busybox").rootfs().read(
        "/bin/sh"
    )


def test_moved_tag_leaves_the_old_image_dangling(engine, context):
    # §7.8: `docker build -t x` just moves a name; the previous image becomes <none>:<none>
    ctx = context({"Dockerfile": "FROM alpine\nLABEL v=1\n"})
    first = build(engine, ctx, tags=["demo:1"]).image
    context({"Dockerfile": "FROM alpine\nLABEL v=2\n"})
    second = build(engine, ctx, tags=["demo:1"]).image
    assert first.id != second.id
    assert engine.images.get("demo:1").id == second.id
    assert engine.images.is_dangling(first.id)


def test_metadata_instructions(engine, context):
    # §2.2 BuildKit column: `USER %v`, `VOLUME %v`, `SHELL %v`, `HEALTHCHECK %+v`, ...
    ctx = context(
        {
            "Dockerfile": "FROM alpine\nUSER app\nVOLUME /data /logs\nSTOPSIGNAL SIGINT\n"
            'SHELL ["/bin/sh", "-ec"]\nMAINTAINER me\nONBUILD RUN echo child\n'
            "HEALTHCHECK --interval=5s --retries=3 CMD true\n"
        }
    )
    image = build(engine, ctx).image
    config = image.config.config
    assert history(image)[BUSYBOX_HISTORY:] == [
        ("USER app", True),
        ("VOLUME [/data /logs]", True),
        ("STOPSIGNAL SIGINT", True),
        ("SHELL [/bin/sh -ec]", True),
        ("MAINTAINER me", True),
        # ONBUILD writes no history entry (convert.go dispatchOnbuild)
        (
            "HEALTHCHECK {Test:[CMD-SHELL true] Interval:5s Timeout:0s StartPeriod:0s "
            "StartInterval:0s Retries:3}",
            True,
        ),
    ]
    assert config["User"] == "app"
    assert config["Volumes"] == {"/data": {}, "/logs": {}}
    assert config["OnBuild"] == ["RUN echo child"]
    assert config["Healthcheck"] == {
        "Test": ["CMD-SHELL", "true"],
        "Interval": 5_000_000_000,
        "Retries": 3,
    }
    assert image.config.author == "me"


def test_onbuild_triggers_run_in_the_child_build(engine, context, runner):
    # convert.go initOnBuildTriggers: triggers run first, counted in n, labelled ONBUILD; the
    # child's config drops them (dispatchState.init)
    ctx = context({"Dockerfile": "FROM alpine\nONBUILD RUN echo child > /marker\n"})
    build(engine, ctx, tags=["parent"])
    context({"Dockerfile": "FROM parent\nRUN echo own\n"})
    result = build(engine, ctx)
    assert result.image.rootfs().read("/marker") == b"child\n"
    assert "OnBuild" not in result.image.config.config
    assert steps(result)[1] == "[2/3] ONBUILD RUN echo child > /marker"


def test_dockerfile_from_stdin(engine, context):
    # `docker build -f- .`: the Dockerfile is not a context file
    result = build(engine, context({"a": "1"}), dockerfile_text="FROM alpine\nCOPY a /a\n")
    assert result.vertices[0].name == "[internal] load build definition from Dockerfile"
    assert result.image.rootfs().read("/a") == b"1"


def test_docs_storage_driver_example_on_the_catalogue(context, runner):
    # §2.3 example 5 (docs content/manuals/engine/storage/drivers/_index.md): my-base-image =
    # alpine + RUN -> 2 layers; my-final-image adds COPY, RUN chmod (a 39B copy-up), CMD ->
    # 4 layers and 6 history rows. (`apk add` becomes a plain RUN for the stand-in runner.)
    engine = Engine.with_catalogue(runner=runner)
    base = context({"Dockerfile": "FROM alpine\nRUN echo bash > /usr/bin/bash\n"})
    build(engine, base, tags=["acme/my-base-image:1.0"])
    hello = b"#!/usr/bin/env bash\necho 'Hello, world!'\n\n"[:39]
    final = context(
        {
            "hello.sh": hello,
            "Dockerfile": "FROM acme/my-base-image:1.0\nCOPY . /app\n"
            "RUN chmod +x /app/hello.sh\n"
            'CMD ["/app/hello.sh"]\n',
        }
    )
    image = build(engine, final, tags=["acme/my-final-image:1.0"]).image
    assert len(image.layers) == 4
    assert len(engine.images.history("acme/my-final-image:1.0")) == 6
    assert image.layers[-1].size == 39
    assert [row.id == "<missing>" for row in engine.images.history(image.id)][1:] == [True] * 5


def test_big_files_copy_up_and_deletion_in_the_real_shell(engine, context):
    # §6.3-§6.4 with the scenario shell: chmod copies the whole 100 MiB file up into the next
    # layer, rm only adds a whiteout, and the image keeps every byte.
    mib = 1 << 20
    ctx = context(
        {"Dockerfile": "FROM alpine\nRUN truncate -s 100M /big\nRUN chmod 600 /big\nRUN rm /big\n"}
    )
    image = build(engine, ctx).image
    assert [layer.size for layer in image.layers[-3:]] == [100 * mib, 100 * mib, 0]
    assert image.size == engine.images.get("alpine").size + 200 * mib
    assert not image.rootfs().exists("/big")
