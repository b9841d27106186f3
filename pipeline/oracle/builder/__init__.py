"""The Dockerfile builder of the oracle: `docker build` with BuildKit over the simulated engine.

    from pipeline.oracle.builder import build, BuildError
    result = build(engine, context_fs, "Dockerfile", tags=["demo"], build_args={"V": "1"})
    result.image, result.tags, result.vertices  # vertices: what --progress=plain prints

Modules: dockerfile (parsing), expansion (variables), dockerignore, stages (the stage graph),
instructions (config and history), steps (RUN/COPY/ADD/WORKDIR layers), context (COPY sources),
cache (keys and records), progress (vertices), build (the orchestration), errors.
"""

from pipeline.oracle.builder.build import BuildResult, build
from pipeline.oracle.builder.errors import BuildError
from pipeline.oracle.builder.progress import Vertex

__all__ = ["BuildError", "BuildResult", "Vertex", "build"]
