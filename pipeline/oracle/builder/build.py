"""`docker build` with BuildKit: the Dockerfile, the context and the engine in, an image out.

The orchestration of moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go
(`toDispatchState`, `dispatch`) over the simulated engine:

1. read the Dockerfile and the `.dockerignore` (both read even when they ignore themselves),
   parse (dockerfile.py), expand the global ARGs, plan the stages (stages.py);
2. resolve every image the target needs (`[internal] load metadata for ...`);
3. dispatch the needed stages in order: metadata instructions edit the config and history
   (instructions.py), RUN/COPY/ADD/WORKDIR make layers through the cache (steps.py);
4. export the target stage: only its history and layers end up in the image, which is stored
   and tagged in `engine.images` (a moved tag leaves the old image dangling).

The result carries the image and the progress vertices `--progress=plain` prints (§3.3; vertices
are listed in dispatch order, where BuildKit may interleave parallel stages). Failures raise
`BuildError` with Docker's text, the Dockerfile lines and the progress so far.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.oracle import reference as refs
from pipeline.oracle.builder import instructions as ins
from pipeline.oracle.builder import stages
from pipeline.oracle.builder.cache import BuildCache, cache_key
from pipeline.oracle.builder.context import BuildContext
from pipeline.oracle.builder.dockerfile import Instruction, parse, parse_instruction
from pipeline.oracle.builder.dockerignore import (
    DockerignoreError,
    PatternMatcher,
    read_dockerignore,
)
from pipeline.oracle.builder.errors import BuildError, solve_error
from pipeline.oracle.builder.expansion import Lexer
from pipeline.oracle.builder.progress import Vertex, step_label
from pipeline.oracle.builder.stages import StagePlan
from pipeline.oracle.builder.steps import PROXY_ARGS, LayerSteps, size_text
from pipeline.oracle.digest import chain_ids
from pipeline.oracle.distribution import PullError
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.image import Image, ImageConfig

# The automatic platform ARGs of the global scope (convert.go `defaultArgs`), for linux/amd64.
PLATFORM_ARGS = {
    "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": "",
    "TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
}  # fmt: skip
# Real BuildKit features the oracle does not model: refused with a clear error.
UNSUPPORTED_FLAGS = {
    "RUN": ("mount", "network", "security", "device"),
    "COPY": ("parents", "exclude"),
    "ADD": ("checksum", "keep-git-dir", "exclude", "unpack"),
}
LAYER_STEPS = ("RUN", "COPY", "ADD", "WORKDIR")


@dataclass
class BuildResult:
    image: Image
    tags: list[str]  # canonical references, e.g. docker.io/library/demo:latest
    vertices: list[Vertex]
    # BuildKit does not warn about these (moby/buildkit#2128); the classic builder did.
    unconsumed_build_args: list[str] = field(default_factory=list)

    @property
    def image_id(self) -> str:
        return self.image.id


def build(
    engine: Any,
    context: FileSystem,
    dockerfile: str = "Dockerfile",
    tags: Sequence[str] = (),
    build_args: Mapping[str, str] | None = None,
    no_cache: bool = False,
    target: str | None = None,
    dockerfile_text: str | None = None,
) -> BuildResult:
    """Build `dockerfile` (a path in `context`) like `docker build` with BuildKit.

    `engine` provides `images` (the ImageStore), `build_cache` (a dict the cache lives in),
    `runner` (runs RUN) and `clock`. `dockerfile_text` is a Dockerfile that does not come from the
    context (`docker build -f- .`); it is then named `dockerfile`.
    """
    session = _Build(engine, context, dockerfile, dict(build_args or {}), no_cache)
    session.dockerfile_text = dockerfile_text
    try:
        return session.run(list(tags), target)
    except BuildError as error:
        error.dockerfile = session.dockerfile_name
        error.vertices = session.vertices
        error.source = session.source
        raise


class _Build(LayerSteps):
    """One build: its engine, context, cache view, progress and the stages being dispatched."""

    def __init__(
        self,
        engine: Any,
        context: FileSystem,
        dockerfile: str,
        build_args: dict[str, str],
        no_cache: bool,
    ) -> None:
        self.engine = engine
        self.raw_context = context
        self.dockerfile_path = "/" + dockerfile.lstrip("/")
        self.dockerfile_name = posixpath.basename(dockerfile)
        self.dockerfile_text: str | None = None
        self.source: str | None = None  # the Dockerfile as read
        self.build_args = build_args
        self.cache = BuildCache(engine.build_cache, disabled=no_cache)
        self.vertices: list[Vertex] = []
        self.consumed: set[str] = set()
        self.context_loaded = False
        self.images: dict[str, tuple[Image, str]] = {}  # canonical name -> (image, FROM ref)
        self.image_vertices: set[str] = set()
        # FROM refs pulled from a registry by this build -> their download progress lines.
        self.pulled: dict[str, list[str]] = {}

    # --- top level ------------------------------------------------------------------------------
    def run(self, tags: list[str], target: str | None) -> BuildResult:
        canonical_tags = [_canonical_tag(tag) for tag in tags]  # refused before any work
        df = parse(self._load_definition(), self.dockerfile_name)
        self.df = df
        self.lexer = Lexer(escape=df.escape)
        self.context = BuildContext(self.raw_context, self._ignore_matcher())
        meta = ins.meta_args(df.meta_args, self.lexer, self.build_args)
        self.global_args = {**PLATFORM_ARGS, **meta}
        self.consumed |= {raw.partition("=")[0] for a in df.meta_args for raw in a.args}
        self.plans = stages.plan(df, self.lexer, self.global_args)
        final = stages.target_index(df, target)
        needed = stages.reachable(self.plans, final)
        stages.label_stages(df, self.plans, self.lexer)
        self._load_metadata(needed)
        ignore = f"transferring context: {self._ignore_size()} done"
        self._add(Vertex("[internal] load .dockerignore", "internal", details=[ignore]))
        for index in sorted(needed):
            self._dispatch_stage(self.plans[index])
        state = self.plans[final].state
        assert state is not None
        return self._export(state, canonical_tags)

    def _add(self, vertex: Vertex) -> Vertex:
        self.vertices.append(vertex)
        return vertex

    def _load_definition(self) -> str:
        name = self.dockerfile_name
        vertex = self._add(Vertex(f"[internal] load build definition from {name}", "internal"))
        try:
            if self.dockerfile_text is not None:
                data = self.dockerfile_text.encode()
            else:
                data = self.raw_context.read(self.dockerfile_path)
        except FsError:
            vertex.details.append("transferring dockerfile: 2B done")
            vertex.error = f"failed to read dockerfile: open {name}: no such file or directory"
            raise solve_error(vertex.error) from None
        vertex.details.append(f"transferring dockerfile: {size_text(len(data))} done")
        self.source = data.decode(errors="replace")
        return self.source

    def _ignore_file(self) -> bytes | None:
        """`<Dockerfile>.dockerignore` next to the Dockerfile wins over the context's
        `.dockerignore` (BuildKit dockerui); both are read even when they ignore themselves."""
        for path in (self.dockerfile_path + ".dockerignore", "/.dockerignore"):
            try:
                return self.raw_context.read(path)
            except FsError:
                continue
        return None

    def _ignore_size(self) -> str:
        data = self._ignore_file()
        return size_text(len(data) if data else 2)

    def _ignore_matcher(self) -> Callable[[str], bool] | None:
        data = self._ignore_file()
        if not data:
            return None
        try:
            return PatternMatcher(read_dockerignore(data.decode(errors="replace"))).matches
        except DockerignoreError as error:
            raise solve_error(f"failed to parse dockerignore: {error}") from None

    # --- images ---------------------------------------------------------------------------------
    def _load_metadata(self, needed: set[int]) -> None:
        """Every image the build needs is resolved first, each with its metadata vertex."""
        for index in sorted(needed):
            plan = self.plans[index]
            if plan.base_stage is None and not plan.is_scratch:
                plan.image, plan.image_ref = self._image(plan.base_name, plan.stage.lines)
        for index in sorted(needed):
            for instruction in self.plans[index].stage.instructions:
                source = stages.copy_source(self.df, instruction, self.lexer)
                if isinstance(source, str):
                    self._image(source, instruction.lines)

    def _image(self, name: str, lines: tuple[int, int]) -> tuple[Image, str]:
        """An image reference resolved (once), with its `[internal] load metadata` vertex."""
        try:
            named = refs.tag_name_only(refs.parse_normalized_named(name))
        except refs.ReferenceError as error:
            raise solve_error(f'failed to parse stage name "{name}": {error}', lines) from None
        key = str(named)
        if key in self.images:
            return self.images[key]
        vertex = self._add(Vertex(f"[internal] load metadata for {key}", "internal"))
        if key not in self.engine.images and hasattr(self.engine, "fetch_image"):
            return self._pull(name, named, vertex, lines)
        image = _lookup_image(self.engine, key)
        if image is None:
            vertex.error = f"{name}: failed to resolve source metadata for {key}: " + _denied()
            raise solve_error(vertex.error, lines)
        resolved = key if named.digest else f"{key}@{_repo_digest(self.engine, image, named)}"
        self.images[key] = (image, resolved)
        return image, resolved

    def _pull(
        self, name: str, named: refs.Reference, vertex: Vertex, lines: tuple[int, int]
    ) -> tuple[Image, str]:
        """An image only a registry has: BuildKit resolves it there and downloads the layers
        its cache lacks (`sha256:<blob> <size> / <size> done`, then `extracting ...`; ORACLE
        CHOICE: all downloads, then all extractions, bottom layer first)."""
        key = str(named)
        known = set(self.engine.build_blobs)
        try:
            fetched = self.engine.fetch_image(key)
        except PullError as error:
            # containerd's resolver: Docker Hub answers 401 for a repository it does not have,
            # any other missing repository or tag is a plain 404.
            reason = _denied() if error.code == "DENIED" else f"{key}: not found"
            vertex.error = f"{name}: failed to resolve source metadata for {key}: {reason}"
            raise solve_error(vertex.error, lines) from None
        image = fetched.image
        resolved = key if named.digest else f"{key}@{fetched.manifest_digest}"
        local = set(self.engine.images.layers)
        chains = chain_ids([layer.diff_id for layer in image.layers])
        new = [
            (layer, size)
            for layer, size, chain in zip(image.layers, fetched.blob_sizes, chains, strict=True)
            if layer.digest not in known and chain not in local
        ]
        details = [f"resolve {resolved} done"]
        details += [f"{layer.digest} {size_text(n)} / {size_text(n)} done" for layer, n in new]
        details += [f"extracting {layer.digest} done" for layer, _ in new]
        self.pulled[resolved] = details
        self.images[key] = (image, resolved)
        return image, resolved

    def _copy_source_fs(self, plan: StagePlan, instruction: Instruction) -> tuple[FileSystem, bool]:
        """Where a COPY reads: (file system, whether it is the build context)."""
        source = stages.copy_source(self.df, instruction, self.lexer)
        if source is None:
            return self.context, True
        if isinstance(source, int):
            other = self.plans[source]
            if other.state is None or source >= plan.stage.index:
                name = other.stage.name or str(source)
                current = plan.stage.name or f"stage-{plan.stage.index}"
                raise solve_error(
                    f'cannot copy from stage "{name}", it needs to be defined before current '
                    f'stage "{current}"',
                    instruction.lines,
                )
            return UnionFileSystem(other.state.layers, read_only=True), False
        image, resolved = self._image(source, instruction.lines)
        if resolved not in self.image_vertices:  # an unnumbered state: its vertex has no [i/n]
            self.image_vertices.add(resolved)
            self._add(self._from_vertex(f"FROM {resolved}", resolved))
        return image.rootfs(), False

    def _from_vertex(self, name: str, resolved: str) -> Vertex:
        """A local base is CACHED; a pulled one shows its resolution, and its download unless
        BuildKit's cache already had every layer (then it is CACHED too)."""
        details = self.pulled.pop(resolved, None)
        if details is None:
            return Vertex(name, cached=True)
        return Vertex(name, cached=len(details) == 1, details=details)

    # --- stages ---------------------------------------------------------------------------------
    def _dispatch_stage(self, plan: StagePlan) -> None:
        state, triggers, counts_from = self._stage_start(plan)
        onbuild = [parse_instruction(t, plan.stage.lines, self.dockerfile_name) for t in triggers]
        commands = plan.stage.instructions
        total = counts_from + sum(1 for i in onbuild + commands if i.keyword in LAYER_STEPS)
        self.step = _Counter(plan.label, total)
        if plan.image is not None:
            label = self.step.label(f"FROM {plan.image_ref}")
            self._add(self._from_vertex(label, plan.image_ref))
            state.cache_key = cache_key("", "source", image=plan.image.id)
        elif plan.is_scratch:
            state.cache_key = cache_key("", "scratch")
        plan.state = state
        for instruction in onbuild:
            self._dispatch(plan, instruction, onbuild=True)
        for instruction in commands:
            self._dispatch(plan, instruction)

    def _stage_start(self, plan: StagePlan) -> tuple[ins.StageState, list[str], int]:
        """The state a stage starts from, the ONBUILD triggers it inherits (convert.go
        initOnBuildTriggers) and whether its FROM counts as a step."""
        if plan.base_stage is not None:
            base = self.plans[plan.base_stage]
            assert base.state is not None
            triggers = [i.trigger for i in base.stage.instructions if i.keyword == "ONBUILD"]
            return base.state.copy(), triggers, 0
        if plan.image is not None:
            state = ins.StageState.from_image(plan.image.config, list(plan.image.layers))
            return state, list(plan.image.config.config.get("OnBuild") or []), 1
        return ins.StageState.from_image(ImageConfig.scratch(), []), [], 0

    def _dispatch(self, plan: StagePlan, instruction: Instruction, onbuild: bool = False) -> None:
        state = plan.state
        assert state is not None
        keyword = instruction.keyword
        for flag in UNSUPPORTED_FLAGS.get(keyword, ()):
            if flag in instruction.flags:
                message = f"{keyword} --{flag} is not modelled by the oracle"
                raise solve_error(message, instruction.lines)
        if keyword == "RUN":
            self._run(state, instruction, onbuild)
        elif keyword in ("COPY", "ADD"):
            self._copy(plan, instruction, onbuild)
        elif keyword == "WORKDIR":
            self._workdir(state, instruction, onbuild)
        elif keyword == "ARG":
            names = ins.dispatch_arg(
                state, instruction, self.lexer, self.build_args, self.global_args
            )
            self.consumed.update(names)
        elif keyword in _WITH_LEXER:
            _WITH_LEXER[keyword](state, instruction, self.lexer)
        else:
            _PLAIN[keyword](state, instruction)

    # --- export ---------------------------------------------------------------------------------
    def _export(self, state: ins.StageState, canonical_tags: list[str]) -> BuildResult:
        image = self.engine.images.add(Image(state.image_config(), state.layers))
        for tag in canonical_tags:
            self.engine.images.tag(image.id, tag)
        vertex = self._add(Vertex("exporting to image", "export"))
        vertex.details.append("exporting layers done")
        vertex.details.append(f"writing image {image.id} done")
        vertex.details.extend(f"naming to {name} done" for name in canonical_tags)
        unconsumed = sorted(set(self.build_args) - self.consumed - PROXY_ARGS)
        return BuildResult(image, canonical_tags, self.vertices, unconsumed)


# Metadata instructions: config and history only (instructions.py).
_WITH_LEXER = {
    "ENV": ins.dispatch_env,
    "LABEL": ins.dispatch_label,
    "USER": ins.dispatch_user,
    "VOLUME": ins.dispatch_volume,
    "STOPSIGNAL": ins.dispatch_stopsignal,
    "EXPOSE": ins.dispatch_expose,
}
_PLAIN = {
    "CMD": ins.dispatch_cmd,
    "ENTRYPOINT": ins.dispatch_entrypoint,
    "SHELL": ins.dispatch_shell,
    "HEALTHCHECK": ins.dispatch_healthcheck,
    "ONBUILD": ins.dispatch_onbuild,
    "MAINTAINER": ins.dispatch_maintainer,
}


class _Counter:
    """The `[i/n]` numbering of one stage's file-system steps (no prefix when n is 0)."""

    def __init__(self, stage: str, total: int) -> None:
        self.stage = stage
        self.total = total
        self.index = 0

    def label(self, text: str, onbuild: bool = False) -> str:
        if self.total == 0:
            return text
        self.index += 1
        return step_label(self.stage, self.index, self.total, text, onbuild)


def _canonical_tag(tag: str) -> str:
    """A `-t` value as the reference it names; a bad one is refused before building."""
    try:
        named = refs.parse_normalized_named(tag)
    except refs.ReferenceError as error:
        raise BuildError(f'invalid tag "{tag}": {error}') from None
    if named.digest:
        raise BuildError(f'invalid tag "{tag}": refusing to create a tag with a digest reference')
    return str(refs.tag_name_only(named))


def _lookup_image(engine: Any, reference: str) -> Image | None:
    """The image from the engine: its own resolver (which may pull) if it has one, else the
    local store."""
    resolver = getattr(engine, "resolve_image", None)
    if resolver is not None:
        return resolver(reference)
    try:
        return engine.images.get(reference)
    except Exception:  # noqa: BLE001 - the store's not-found error, whatever its class
        return None


def _denied() -> str:
    """containerd's resolver on Docker Hub's 401 (what it answers for a missing repository)."""
    return (
        "pull access denied, repository does not exist or may require authorization: "
        "server message: insufficient_scope: authorization failed"
    )


def _repo_digest(engine: Any, image: Image, named: refs.Reference) -> str:
    """The digest the FROM label shows: the image's repo digest in that repository, else its
    manifest digest."""
    for found in engine.images.repo_digests(image.id):
        ref = refs.parse_normalized_named(found)
        if ref.name == named.name and ref.digest:
            return ref.digest
    return image.manifest_digest()
