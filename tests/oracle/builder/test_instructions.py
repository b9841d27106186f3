"""Instruction details: variable scoping, quoting, heredocs, users and Go-formatted history
texts (buildkit dockerfile2llb/convert.go dispatchers; Dockerfile reference)."""

from __future__ import annotations

import pytest

from pipeline.oracle.builder.build import build
from pipeline.oracle.builder.errors import BuildError
from pipeline.oracle.builder.gofmt import duration, parse_duration, quote_list
from pipeline.oracle.builder.instructions import Pending, fill_created


def config_and_history(engine, ctx, **options):
    image = build(engine, ctx, **options).image
    return image.config.config, [h.created_by for h in image.config.history[2:]]


def test_env_sees_the_values_before_the_instruction(engine, context):
    # Dockerfile reference "Environment replacement": `ENV abc=bye def=$abc` gives def=hello
    ctx = context(
        {
            "Dockerfile": "FROM alpine\nENV abc=hello\nENV abc=bye def=$abc\n"
            'ENV ghi=$abc "quoted key"="a b" legacy\\ x=1\n'
        }
    )
    config, created_by = config_and_history(engine, ctx)
    assert config["Env"][1:] == ["abc=bye", "def=hello", "ghi=bye", "quoted key=a b", "legacy x=1"]
    assert created_by == [
        "ENV abc=hello",
        "ENV abc=bye def=hello",
        "ENV ghi=bye quoted key=a b legacy x=1",
    ]


def test_env_replaces_in_place_and_label_merges(engine, context):
    ctx = context(
        {"Dockerfile": 'FROM alpine\nENV A=1 B=2\nENV A=3\nLABEL x="1 2" y=$B\nLABEL x=3\n'}
    )
    config, created_by = config_and_history(engine, ctx)
    assert config["Env"][1:] == ["A=3", "B=2"]  # convert.go addEnv keeps the position
    assert config["Labels"] == {"x": "3", "y": "2"}
    assert created_by[2:] == ["LABEL x=1 2 y=2", "LABEL x=3"]


def test_arg_scoping_per_stage(engine, context):
    # A global ARG is only visible in FROM until a stage re-declares it; each stage starts over
    ctx = context(
        {
            "Dockerfile": "ARG V=global\nFROM alpine AS a\nRUN echo [$V]\nARG V\n"
            "RUN echo [$V]\nFROM alpine\nRUN echo [$V]\n"
        }
    )
    result = build(engine, ctx, target="a")
    outputs = [v.output for v in result.vertices if v.name.startswith("[a ") and v.output]
    assert outputs == [["[]"], ["[global]"]]


def test_shell_form_cmd_uses_shell_and_json_escapes(engine, context):
    ctx = context({"Dockerfile": 'FROM alpine\nSHELL ["/bin/bash", "-c"]\nCMD echo "hi"\n'})
    config, created_by = config_and_history(engine, ctx)
    assert config["Cmd"] == ["/bin/bash", "-c", 'echo "hi"']
    assert created_by[-1] == 'CMD ["/bin/bash" "-c" "echo \\"hi\\""]'  # Go %q


def test_run_heredoc(engine, context, runner):
    ctx = context({"Dockerfile": "FROM alpine\nRUN <<EOF\necho one > /a\necho two > /b\nEOF\n"})
    result = build(engine, ctx)
    fs = result.image.rootfs()
    assert (fs.read("/a"), fs.read("/b")) == (b"one\n", b"two\n")
    step = [v.name for v in result.vertices if v.kind == "step"][-1]
    assert step == "[2/2] RUN <<EOF (echo one > /a...)"  # convert.go summarizeHeredoc
    assert runner.calls[-1].argv == ["/bin/sh", "-c", "echo one > /a\necho two > /b\n"]


def test_copy_heredoc_expands_unless_quoted(engine, context):
    ctx = context(
        {
            "Dockerfile": "FROM alpine\nENV NAME=world\nCOPY <<EOF /hello.txt\n"
            "hello $NAME\nEOF\nCOPY <<'EOF' /raw.txt\n$NAME\nEOF\n"
        }
    )
    image = build(engine, ctx).image
    fs = image.rootfs()
    assert fs.read("/hello.txt") == b"hello world\n"
    assert fs.read("/raw.txt") == b"$NAME\n"
    assert image.config.history[-2].created_by == "COPY <<EOF /hello.txt # buildkit"


def test_run_as_unknown_user_fails(engine, context):
    ctx = context({"Dockerfile": "FROM alpine\nUSER nobody\nRUN echo hi\n"})
    with pytest.raises(BuildError) as caught:
        build(engine, ctx)
    assert caught.value.message == (
        "failed to solve: unable to find user nobody: no matching entries in passwd file"
    )
    ok = context({"Dockerfile": "FROM alpine\nUSER app\nWORKDIR /home/app\nRUN echo hi\n"})
    image = build(engine, ok).image
    assert image.rootfs().stat("/home/app").uid == 1000  # llb.Mkdir WithUser(USER)


def test_invalid_tag_is_refused_before_building(engine, context, runner):
    ctx = context({"Dockerfile": "FROM alpine\nRUN echo hi\n"})
    with pytest.raises(BuildError, match='invalid tag "Demo"'):
        build(engine, ctx, tags=["Demo"])
    assert runner.calls == []


def test_parse_errors_come_out_of_build(engine, context):
    ctx = context({"Dockerfile": "FROM alpine\nCOPY onlyone\n"})
    with pytest.raises(BuildError) as caught:
        build(engine, ctx)
    assert caught.value.line == 2
    assert "COPY requires at least two arguments" in caught.value.message


def test_unknown_base_image(engine, context):
    ctx = context({"Dockerfile": "FROM nosuchimage\n"})
    with pytest.raises(BuildError) as caught:
        build(engine, ctx)
    assert caught.value.message == (
        "failed to solve: nosuchimage: failed to resolve source metadata for "
        "docker.io/library/nosuchimage:latest: pull access denied, repository does not exist "
        "or may require authorization: server message: insufficient_scope: authorization failed"
    )


def test_history_times_follow_the_exporter_rule():
    # exporter/containerimage writer.go normalizeLayersAndHistory: a gap takes the time of the
    # first timed entry after the first gap, later gaps the latest time before them
    pending = [
        Pending("base", False, "t0"),
        Pending("ENV", True),
        Pending("COPY", False, "t1"),
        Pending("LABEL", True),
        Pending("RUN", False, "t2"),
        Pending("CMD", True),
    ]
    filled = fill_created([p.created for p in pending], pending)
    assert [h.created for h in filled] == ["t0", "t1", "t1", "t1", "t2", "t2"]


@pytest.mark.parametrize(
    ("text", "ns", "shown"),
    [
        ("5s", 5_000_000_000, "5s"),
        ("1m30s", 90_000_000_000, "1m30s"),
        ("300ms", 300_000_000, "300ms"),
        ("1h", 3_600_000_000_000, "1h0m0s"),
        ("1.5s", 1_500_000_000, "1.5s"),
    ],
)
def test_go_durations(text, ns, shown):
    assert parse_duration(text) == ns
    assert duration(ns) == shown


def test_go_quote_list():
    assert quote_list(["a b", 'q"', "t\tx"]) == '["a b" "q\\"" "t\\tx"]'


def test_dockerfile_and_dockerignore_can_ignore_themselves(engine, context):
    # Dockerfile reference ".dockerignore file": both are still sent to the builder
    ctx = context(
        {
            "app.py": "1",
            ".dockerignore": "Dockerfile\n.dockerignore\n",
            "Dockerfile": "FROM --platform=linux/arm64 alpine\nCOPY . /app/\n",
        }
    )
    image = build(engine, ctx).image
    assert image.rootfs().listdir("/app") == ["app.py"]
    assert image.config.architecture == "amd64"  # --platform is not modelled: one platform


def test_which_instructions_expand_variables(engine, context):
    # RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK keep `$X` for the shell; the others expand it
    ctx = context(
        {
            "Dockerfile": "FROM alpine\nENV X=/data U=app P=8080\nWORKDIR $X\n"
            "USER ${U}\nVOLUME $X\nEXPOSE $P\nLABEL dir=$X\n"
            "CMD echo $X\nSTOPSIGNAL ${SIG:-SIGTERM}\n"
        }
    )
    config, created_by = config_and_history(engine, ctx)
    assert config["WorkingDir"] == "/data"
    assert config["User"] == "app"
    assert config["Volumes"] == {"/data": {}}
    assert config["ExposedPorts"] == {"8080/tcp": {}}
    assert config["Labels"] == {"dir": "/data"}
    assert config["Cmd"] == ["/bin/sh", "-c", "echo $X"]
    assert config["StopSignal"] == "SIGTERM"
    assert "WORKDIR /data" in created_by


def test_unsupported_features_are_refused_clearly(engine, context):
    ctx = context({"Dockerfile": "FROM alpine\nRUN --mount=type=cache,target=/c echo hi\n"})
    with pytest.raises(BuildError, match="RUN --mount is not modelled by the oracle"):
        build(engine, ctx)
