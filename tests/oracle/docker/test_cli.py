"""Dispatch, usage errors and exit statuses of the `docker` command.

Expected texts: docker/cli cli/required.go as of v27 (`%q requires exactly %d %s.\\nSee '%s
--help'.\\n\\nUsage:  %s\\n\\n%s`, also quoted in moby/moby#23257 and docker/cli#436), cli/cobra.go
`FlagErrorFunc` (exit 125; e.g. `unknown shorthand flag: 'o' in -o` / `See 'docker run --help'.`
in f5devcentral/f5-automation-config-converter#103; `docker build` is buildx: `See 'docker
buildx build --help'.` in docker/docs#20509), cmd/docker/docker.go for unknown commands, and
moby's `Error response from daemon: No such image: nope:latest` (docker-image-semantics.md
§4.6)."""

from __future__ import annotations

import pytest

from pipeline.oracle.shell.limits import NotSimulated


def test_exact_argument_count_error(sh):
    ran = sh("docker tag alpine")
    assert ran.status == 1
    assert ran.err == (
        '"docker tag" requires exactly 2 arguments.\n'
        "See 'docker tag --help'.\n\n"
        "Usage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\n"
        "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n"
    )


def test_minimum_maximum_and_no_argument_errors(sh):
    assert sh("docker run").err.startswith(
        "\"docker run\" requires at least 1 argument.\nSee 'docker run --help'.\n\n"
        "Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
        "Create and run a new container from an image\n"
    )
    assert sh("docker images a b").err.startswith('"docker images" requires at most 1 argument.')
    assert sh("docker ps x").err.startswith('"docker ps" accepts no arguments.')
    assert sh("docker commit").err.startswith(
        '"docker commit" requires at least 1 and at most 2 arguments.'
    )
    assert sh("docker image ls a b").err.startswith('"docker image ls" requires at most')


def test_flag_errors_name_the_command_and_exit_125(sh):
    ran = sh("docker run -o x alpine")
    assert (ran.status, ran.err) == (
        125,
        "unknown shorthand flag: 'o' in -o\nSee 'docker run --help'.\n",
    )
    ran = sh("docker build --debug .")
    assert (ran.status, ran.err) == (
        125,
        "unknown flag: --debug\nSee 'docker buildx build --help'.\n",
    )
    assert sh("docker image build --nope .").err.startswith(
        "unknown flag: --nope\nSee 'docker buildx"
    )
    assert sh("docker images --nope").err == "unknown flag: --nope\nSee 'docker images --help'.\n"
    assert sh("docker image ls --nope").err.endswith("See 'docker image ls --help'.\n")
    assert sh("docker history -q").status == 1  # the argument check comes after the flags


def test_daemon_errors_exit_1(sh):
    ran = sh("docker history nope")
    assert (ran.status, ran.err) == (1, "Error response from daemon: No such image: nope:latest\n")
    ran = sh("docker rm nope")
    assert ran.err == "Error response from daemon: No such container: nope\n"


def test_unknown_command(sh):
    ran = sh("docker nope")
    assert (ran.status, ran.err) == (
        1,
        "docker: 'nope' is not a docker command.\nSee 'docker --help'\n",
    )


@pytest.mark.parametrize(
    "command",
    ["docker network ls", "docker images --help", "docker run -v /src:/dst alpine true",
     "docker run --network host alpine true", "docker", "docker --debug images"],
)  # fmt: skip
def test_real_docker_features_outside_the_oracle_end_the_scenario(world, command):
    from pipeline.oracle.scenario import run_scenario

    result = run_scenario(f"$ {command}\n", world)
    assert result.failure is not None and "not simulated" in result.failure.reason


def test_not_simulated_is_the_shell_abort(world):
    docker = world.commands["docker"]
    from pipeline.oracle.shell.interpreter import CommandContext

    context = CommandContext(env={}, cwd="/context", fs=world.fs, shell=world.shell)
    with pytest.raises(NotSimulated):
        docker(["docker", "compose", "up"], b"", context)


def test_aliases_reach_the_same_commands(ok):
    assert ok("docker image ls -q") == ok("docker images -q") == ok("docker image list -q")
    assert ok("docker container ls -a") == ok("docker ps -a") == ok("docker container ps -a")
