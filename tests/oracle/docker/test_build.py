"""`docker build` as buildx prints it (Docker 23+ with BuildKit, the docker driver).

Expected output: the plain progress structure of buildkit util/progress/progressui/printer.go
(`#N name`, `#N CACHED`, `#N DONE 0.0s`, `#N ERROR: ...`) with the exporter lines of moby's
builder-next (docker-image-semantics.md §3.3, whose sample comes from moby/moby#53432); the
error block of progressui display.go `printErrorLogs` and the Dockerfile excerpt of buildkit
solver/errdefs/source.go `Print`, as in the transcript of WASdev/ci.docker#633; `-q` printing
only the image ID (docker/cli image/build.go `--quiet`: "Suppress the build output and print
image ID on success")."""

from __future__ import annotations

import re

import pytest

DOCKERFILE = """$ printf 'print("hi")\\n' > app.py
$ cat > Dockerfile <<'EOF'
FROM alpine
COPY app.py /app/
RUN echo built > /built
CMD ["python", "/app/app.py"]
EOF"""


def test_quiet_prints_only_the_image_id_on_stdout(sh, ok):
    sh(DOCKERFILE)
    ran = sh("docker build -q -t demo .")
    assert ran.status == 0 and ran.err == ""
    assert re.fullmatch(r"sha256:[0-9a-f]{64}\n", ran.out)
    assert ok("docker image inspect -f '{{.Id}}' demo") == ran.out


def test_progress_goes_to_stderr_in_buildkit_plain_format(sh):
    sh(DOCKERFILE)
    ran = sh("docker build -t demo .")
    assert ran.status == 0 and ran.out == ""
    image_id = sh("docker image inspect -f '{{.Id}}' demo").out.strip()
    digest = sh("docker image inspect -f '{{index .RepoDigests 0}}' alpine").out.split("@")[1]
    assert ran.err == (
        '#0 building with "default" instance using docker driver\n'
        "\n#1 [internal] load build definition from Dockerfile\n"
        "#1 transferring dockerfile: 84B done\n#1 DONE 0.0s\n"
        "\n#2 [internal] load metadata for docker.io/library/alpine:latest\n#2 DONE 0.0s\n"
        "\n#3 [internal] load .dockerignore\n#3 transferring context: 2B done\n#3 DONE 0.0s\n"
        f"\n#4 [1/3] FROM docker.io/library/alpine:latest@{digest.strip()}\n#4 CACHED\n"
        "\n#5 [internal] load build context\n#5 transferring context: 96B done\n#5 DONE 0.0s\n"
        "\n#6 [2/3] COPY app.py /app/\n#6 DONE 0.0s\n"
        "\n#7 [3/3] RUN echo built > /built\n#7 DONE 0.0s\n"
        "\n#8 exporting to image\n#8 exporting layers done\n"
        f"#8 writing image {image_id} done\n"
        "#8 naming to docker.io/library/demo:latest done\n#8 DONE 0.0s\n"
    )


def test_progress_plain_is_the_default_and_rebuilds_print_cached(sh, ok):
    sh(DOCKERFILE)
    first = sh("docker build --progress=plain -t demo .")
    assert "CACHED" in first.err.split("#5")[0]  # only the FROM vertex
    assert ok("docker build --progress=plain -t demo . 2>&1 | grep -c CACHED").strip() == "3"
    assert ok("docker build -t demo . | grep -c CACHED; true").strip() == "0"  # stderr only


def test_no_cache_reruns_every_step_and_changes_the_id(sh, ok):
    sh(DOCKERFILE)
    first = ok("docker build -q .")
    assert ok("docker build -q .") == first
    rebuilt = sh("docker build --no-cache .")
    assert rebuilt.err.count("CACHED") == 1  # FROM only (docker/buildx#2991)
    assert ok("docker build -q --no-cache .") != first


def test_output_lines_of_run_steps(sh):
    sh("printf 'FROM alpine\\nRUN echo one && echo two >&2\\n' > Dockerfile")
    err = sh("docker build .").err
    assert (
        "#5 [2/2] RUN echo one && echo two >&2\n#5 0.100 one\n#5 0.100 two\n#5 DONE 0.0s\n" in err
    )


def test_repeatable_tags_build_args_and_target(sh, ok):
    sh("""cat > Dockerfile <<'EOF'
FROM alpine AS base
ARG GREETING=hello
RUN echo "$GREETING" > /greeting
FROM base AS final
RUN cat /greeting
EOF""")
    ran = sh("docker build -t a:1 -t b:2 --build-arg GREETING=bonjour --target base .")
    assert "naming to docker.io/library/a:1 done\n" in ran.err
    assert "naming to docker.io/library/b:2 done\n" in ran.err
    assert "[base 2/2] RUN echo" in ran.err and "final" not in ran.err
    assert ok("docker run --rm a:1 cat /greeting") == "bonjour\n"
    assert ok("docker images -q a:1") == ok("docker images -q b:2")
    assert "ARG GREETING=bonjour" in ok("docker history --no-trunc --format '{{.CreatedBy}}' a:1")


def test_build_arg_without_value_comes_from_the_environment(sh, ok):
    sh("printf 'FROM alpine\\nARG V\\nRUN echo \"$V\" > /v\\n' > Dockerfile")
    ok("export V=from-env; docker build -q -t v --build-arg V .")
    assert ok("docker run --rm v cat /v") == "from-env\n"


def test_dockerfile_flag_and_stdin(sh, ok):
    sh("mkdir -p ctx sub && printf 'FROM alpine\\nLABEL which=file\\n' > sub/Other")
    ok("docker build -q -t other -f sub/Other ctx")
    assert ok("docker image inspect -f '{{.Config.Labels.which}}' other") == "file\n"
    ok("printf 'FROM alpine\\nLABEL which=stdin\\n' | docker build -q -t piped -f - ctx")
    assert ok("docker image inspect -f '{{.Config.Labels.which}}' piped") == "stdin\n"
    ok("printf 'FROM alpine\\nLABEL which=dash\\n' | docker build -q -t dash -")
    assert ok("docker image inspect -f '{{.Config.Labels.which}}' dash") == "dash\n"
    ran = sh(
        "printf 'FROM alpine\\n' > ctx/Dockerfile.dev && docker build -f ctx/Dockerfile.dev ctx"
    )
    assert "load build definition from Dockerfile.dev" in ran.err


def test_iidfile_holds_the_id(sh, ok):
    sh(DOCKERFILE)
    image_id = ok("docker build -q --iidfile id.txt .")
    assert ok("cat id.txt") == image_id.strip()


def test_a_failing_run_prints_its_logs_the_excerpt_and_the_error(sh):
    sh("printf 'FROM alpine\\nRUN echo hi && exit 3\\n' > Dockerfile")
    ran = sh("docker build .")
    assert ran.status == 1 and ran.out == ""
    assert ran.err.endswith(
        "\n#5 [2/2] RUN echo hi && exit 3\n"
        "#5 0.100 hi\n"
        '#5 ERROR: process "/bin/sh -c echo hi && exit 3" did not complete successfully: '
        "exit code: 3\n"
        "------\n"
        " > [2/2] RUN echo hi && exit 3:\n"
        "0.100 hi\n"
        "------\n"
        "Dockerfile:2\n"
        "--------------------\n"
        "   1 |     FROM alpine\n"
        "   2 | >>> RUN echo hi && exit 3\n"
        "   3 |     \n"
        "--------------------\n"
        'ERROR: failed to solve: process "/bin/sh -c echo hi && exit 3" did not complete '
        "successfully: exit code: 3\n"
    )
    quiet = sh("docker build -q .")
    assert quiet.err.startswith("Dockerfile:2\n--------------------\n")
    assert quiet.status == 1 and quiet.out == ""


def test_errors_before_any_step(sh):
    assert (
        sh("docker build nope").err == 'ERROR: unable to prepare context: path "nope" not found\n'
    )
    ran = sh("docker build .")
    assert ran.err.endswith(
        "#1 [internal] load build definition from Dockerfile\n"
        "#1 transferring dockerfile: 2B done\n#1 DONE 0.0s\n"
        "ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or "
        "directory\n"
    )
    sh("printf 'FROM alpine\\n' > Dockerfile")
    assert sh("docker build -t Demo .").err == (
        'ERROR: invalid tag "Demo": invalid reference format: repository name (library/Demo) '
        "must be lowercase\n"
    )


def test_a_missing_base_image(sh):
    sh("printf 'FROM nope\\n' > Dockerfile")
    ran = sh("docker build .")
    assert ran.status == 1
    assert "#2 [internal] load metadata for docker.io/library/nope:latest\n#2 ERROR: " in ran.err
    assert ran.err.endswith(
        "--------------------\n   1 | >>> FROM nope\n   2 |     \n--------------------\n"
        "ERROR: failed to solve: nope: failed to resolve source metadata for "
        "docker.io/library/nope:latest: pull access denied, repository does not exist or may "
        "require authorization: server message: insufficient_scope: authorization failed\n"
    )


@pytest.mark.parametrize(
    ("base", "reason"),
    [
        ("alpine:nosuch", "docker.io/library/alpine:nosuch: not found"),
        ("localhost:5000/nope", "localhost:5000/nope:latest: not found"),
    ],
)
def test_a_base_image_missing_in_its_registry(sh, base, reason):
    """containerd's resolver: a 404 (unknown tag, or a repository a plain registry lacks) is
    `<ref>: not found`; only Docker Hub's 401 reads `pull access denied`."""
    sh(f"printf 'FROM {base}\\n' > Dockerfile")
    ran = sh("docker build -q .")
    key = reason.removesuffix(": not found")
    assert ran.err.endswith(
        f"ERROR: failed to solve: {base}: failed to resolve source metadata for {key}: {reason}\n"
    )


def test_from_pulls_a_base_image_only_a_registry_has(ok):
    """BuildKit resolves a base image the store lacks in its registry and downloads the layers
    it does not have; the base stays out of `docker images` (moby/moby#39229); a second build
    finds everything in its cache."""
    ok("printf 'FROM alpine\\nRUN echo hi > /hi\\n' > Dockerfile")
    ok("docker build -q -t localhost:5000/base . && docker push -q localhost:5000/base")
    digest = ok("docker image inspect -f '{{index .RepoDigests 0}}' localhost:5000/base").strip()
    ok("docker rmi localhost:5000/base")
    ok("printf 'FROM localhost:5000/base\\nRUN cat /hi\\n' > Dockerfile")
    out = ok("docker build --progress=plain -t app . 2>&1")
    resolved = "localhost:5000/base:latest@" + digest.split("@")[1]
    step = out.split(f"[1/2] FROM {resolved}\n")[1].split("\n\n")[0].splitlines()
    number = step[0].split()[0]
    assert step[0] == f"{number} resolve {resolved} done"
    assert len(step) == 4 and step[-1] == f"{number} DONE 0.0s"  # alpine's layer is local
    assert re.fullmatch(rf"{number} sha256:[0-9a-f]{{64}} 92B / 92B done", step[1])
    assert step[2] == f"{number} extracting {step[1].split()[1]} done"
    assert "0.100 hi\n" in out
    assert ok("docker images -q localhost:5000/base") == ""
    again = ok("docker build --progress=plain -t app2 . 2>&1")
    assert f"FROM {resolved}\n{number} resolve {resolved} done\n{number} CACHED\n" in again
    assert ok("docker run --rm app2 cat /hi") == "hi\n"


def test_a_new_mtime_alone_keeps_the_copy_cache(ok):
    """COPY's cache key is the files' content and metadata without mtime
    (docker-image-semantics.md §3.2): `touch -d` changes what `ls -l` shows, not the build."""
    ok("echo hello > app.txt && printf 'FROM alpine\\nCOPY app.txt /app.txt\\n' > Dockerfile")
    first = ok("docker build -q -t one .")
    ok("touch -d '2020-01-01 12:00' app.txt")
    assert ok("ls -l app.txt") == "-rw-r--r-- 1 root root 6 Jan  1  2020 app.txt\n"
    out = ok("docker build --progress=plain -t two . 2>&1")
    assert "[2/2] COPY app.txt /app.txt\n#6 CACHED\n" in out
    assert ok("docker images -q --no-trunc two") == first
    ok("echo changed > app.txt")
    assert ok("docker build -q -t three .") != first


def test_image_build_and_builder_build_are_the_same_command(sh, ok):
    sh(DOCKERFILE)
    assert ok("docker image build -q .") == ok("docker builder build -q .")
