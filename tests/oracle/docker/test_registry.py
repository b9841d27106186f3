"""push, pull, save and load as the CLI prints them (the engine's reports: distribution.py and
layout.py, tested on their own in tests/oracle/engine).

Expected lines: docker-image-semantics.md §4.7 (moby push_v2.go / pull_v2.go, docs
image_push.md: `Using default tag: latest`, `The push refers to repository [...]`, `<id>:
Preparing`, `Pushed`, `Layer already exists`, `<tag>: digest: sha256:... size: N`; `Pulling
from`, `Already exists`, `Pull complete`, `Digest:`, `Status: Downloaded newer image for ...`,
the full reference last), cli image/push.go (`An image does not exist locally with the tag:`),
cli image/load.go (`Loaded image: demo:latest`)."""

from __future__ import annotations

import re

BUILD = "printf 'FROM alpine\\nRUN echo hi > /hi\\n' > Dockerfile && docker build -q -t {} ."


def test_push_then_push_again(ok):
    ok(BUILD.format("localhost:5000/demo"))
    first = ok("docker push localhost:5000/demo").splitlines()
    assert first[:2] == ["Using default tag: latest",
                         "The push refers to repository [localhost:5000/demo]"]  # fmt: skip
    assert [line.split(": ")[1] for line in first[2:6]] == ["Preparing", "Preparing", "Pushed",
                                                            "Pushed"]  # fmt: skip
    assert re.fullmatch(r"latest: digest: sha256:[0-9a-f]{64} size: \d+", first[-1])
    again = ok("docker push localhost:5000/demo").splitlines()
    assert again.count("Pushed") == 0
    assert sum(line.endswith(": Layer already exists") for line in again) == 2
    assert again[-1] == first[-1]
    digest = first[-1].split()[2]
    assert ok("docker images --digests --format '{{.Digest}}' localhost:5000/demo") == digest + "\n"


def test_push_quiet_and_errors(ok, sh):
    ok(BUILD.format("localhost:5000/demo:1"))
    assert ok("docker push -q localhost:5000/demo:1") == "localhost:5000/demo:1\n"
    ran = sh("docker push localhost:5000/nope")
    assert (
        ran.out
        == "Using default tag: latest\nThe push refers to repository [localhost:5000/nope]\n"
    )
    assert ran.err == "An image does not exist locally with the tag: localhost:5000/nope\n"
    assert sh("docker push Bad").err == (
        "invalid reference format: repository name (library/Bad) must be lowercase\n"
    )


def test_pull_after_rmi_and_up_to_date(ok):
    ok(BUILD.format("localhost:5000/demo"))
    ok("docker push localhost:5000/demo")
    ok("docker rmi localhost:5000/demo")
    out = ok("docker pull localhost:5000/demo").splitlines()
    assert out[:2] == ["Using default tag: latest", "latest: Pulling from demo"]
    assert out[-2:] == ["Status: Downloaded newer image for localhost:5000/demo:latest",
                        "localhost:5000/demo:latest"]  # fmt: skip
    again = ok("docker pull localhost:5000/demo").splitlines()
    assert again[-2] == "Status: Image is up to date for localhost:5000/demo:latest"
    assert ok("docker pull -q localhost:5000/demo") == "localhost:5000/demo:latest\n"


def test_pull_by_digest_and_missing_images(ok, sh):
    digest = ok("docker image inspect -f '{{index .RepoDigests 0}}' busybox").strip()
    assert ok(f"docker pull {digest}").splitlines()[-1] == "docker.io/library/" + digest
    ran = sh("docker pull nope")
    assert ran.out == "Using default tag: latest\n"
    assert ran.err == (
        "Error response from daemon: pull access denied for nope, repository does not exist or "
        "may require 'docker login': denied: requested access to the resource is denied\n"
    )


def test_pull_all_tags_of_a_missing_repository(sh):
    ran = sh("docker pull -a localhost:5000/nothing")
    assert (ran.status, ran.out) == (1, "")
    assert ran.err == (
        "Error response from daemon: repository localhost:5000/nothing not found: "
        "name unknown: repository name not known to registry\n"
    )


def test_run_pulls_a_missing_image(ok, sh):
    ok(BUILD.format("localhost:5000/greeter"))
    ok("docker push localhost:5000/greeter")
    ok("docker rmi localhost:5000/greeter")
    ran = sh("docker run --rm localhost:5000/greeter cat /hi")
    assert (ran.status, ran.out) == (0, "hi\n")
    assert ran.err.startswith(
        "Unable to find image 'localhost:5000/greeter:latest' locally\n"
        "latest: Pulling from greeter\n"
    )
    assert ran.err.endswith("Status: Downloaded newer image for localhost:5000/greeter:latest\n")


def test_save_and_load(ok, sh):
    image_id = ok(BUILD.format("demo")).strip()
    assert ok("docker save -o demo.tar demo") == ""
    assert "manifest.json" in ok("tar -tf demo.tar")
    ok("docker rmi demo")
    assert ok("docker load -i demo.tar") == "Loaded image: demo:latest\n"
    assert ok("docker images -q --no-trunc demo") == image_id + "\n"
    assert ok("docker load < demo.tar") == "Loaded image: demo:latest\n"
    assert (
        sh("docker save -o x.tar nope").err == "Error response from daemon: No such image: nope\n"
    )
    assert sh("docker load -i missing.tar").err == "open missing.tar: no such file or directory\n"


def test_create_pulls_a_missing_image_too(ok, sh):
    ok(BUILD.format("localhost:5000/greeter"))
    ok("docker push localhost:5000/greeter")
    ok("docker rmi localhost:5000/greeter")
    ran = sh("docker create --name g localhost:5000/greeter cat /hi")
    assert ran.status == 0 and re.fullmatch(r"[0-9a-f]{64}\n", ran.out)
    assert ran.err.startswith("Unable to find image 'localhost:5000/greeter:latest' locally\n")
    assert ok("docker start -a g") == "hi\n"
    missing = sh("docker create localhost:5000/none")
    assert (missing.status, missing.out) == (125, "")
    assert missing.err == (
        "Unable to find image 'localhost:5000/none:latest' locally\n"
        "docker: Error response from daemon: manifest for localhost:5000/none:latest not found: "
        "manifest unknown: manifest unknown.\nSee 'docker create --help'.\n"
    )
