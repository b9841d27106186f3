"""Registry commands: push, pull (and the pull `docker run` does for a missing image)."""

from __future__ import annotations

from pipeline.oracle import reference as refs
from pipeline.oracle.docker.command import Invocation
from pipeline.oracle.docker.errors import daemon_error


def pull_for_run(inv: Invocation, image_ref: str) -> None:
    named = refs.parse_normalized_named(image_ref)
    raise daemon_error(
        f"pull access denied for {refs.familiar_name(named)}, repository does not exist or may "
        "require 'docker login': denied: requested access to the resource is denied"
    )


COMMANDS: dict = {}
