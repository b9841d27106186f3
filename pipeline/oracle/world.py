"""A fresh scenario world with Docker: what lesson checking runs every scenario in.

    world = new_world()
    result = run_scenario(text, world)

The world's host has `docker` registered, backed by an engine that holds only the catalogue's
base images (oracle-scenarios.md rule 6) and runs every program through the world's own
`ShellRunner`, so containers spend the same budget as the host shell.
"""

from __future__ import annotations

from pipeline.oracle.docker import Docker
from pipeline.oracle.engine import Engine
from pipeline.oracle.scenario import World
from pipeline.oracle.shell.limits import Limits


def new_world(limits: Limits | None = None) -> World:
    world = World.fresh(limits)
    engine = Engine.with_catalogue(runner=world.runner())
    world.commands["docker"] = Docker(engine)
    return world
