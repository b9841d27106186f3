"""The `docker` command of the oracle: docker/cli (v27 wording, BuildKit via buildx, the classic
overlay2 store) over the simulated engine, as a scenario host command.

    from pipeline.oracle.docker import Docker
    world.commands["docker"] = Docker(engine)   # pipeline.oracle.world.new_world() does this

Modules: `cli` (dispatch), `command` (cobra-like definitions), `flags` (pflag parsing),
`errors` (docker's error shapes and exit statuses), `commands/` (one module per group: build,
image, container, volume, system, registry), `formatters/` (the text users see: tables, inspect
JSON and templates, build progress, push/pull lines).
"""

from pipeline.oracle.docker.cli import Docker

__all__ = ["Docker"]
