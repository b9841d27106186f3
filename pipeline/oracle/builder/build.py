"""`docker build` with BuildKit: the Dockerfile, the context and the engine in, an image out.

The orchestration of moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go
(`toDispatchState`, `dispatch`) over the simulated engine, stage by stage and instruction by
instruction, with the build cache (cache.py) deciding which file-system steps run:

- RUN runs `engine.runner` in a container file system over the step's layers and its writable
  layer's diff becomes the step's layer (copy-up included: `RUN chmod +x big` duplicates the
  file, `RUN rm f` is a 0-byte whiteout); a RUN always adds a layer, even an empty one;
- COPY/ADD copy into such a file system too, WORKDIR (path other than `/`) makes a mkdir layer;
- every other instruction only edits the config and adds an `empty_layer` history entry;
- only the target stage (the last one by default) and the stages it needs are built, and only
  its history and layers end up in the image.

The result carries the image (stored and tagged in `engine.images`; a moved tag leaves the old
image dangling) and the progress vertices `--progress=plain` prints (§3.3). Failures raise
`BuildError` with Docker's text.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.oracle import reference as refs
from pipeline.oracle.builder import instructions as ins
from pipeline.oracle.builder.cache import BuildCache, CacheRecord, cache_key
from pipeline.oracle.builder.context import (
    BuildContext,
    CopyOptions,
    SourceNotFound,
    checksum,
    copy,
    destination,
    resolve,
)
from pipeline.oracle.builder.dockerfile import (
    Dockerfile,
    Instruction,
    Stage,
    parse,
    parse_instruction,
)
from pipeline.oracle.builder.dockerignore import (
    DockerignoreError,
    PatternMatcher,
    read_dockerignore,
)
from pipeline.oracle.builder.errors import BuildError, solve_error, with_suggestion
from pipeline.oracle.builder.expansion import ExpansionError, Lexer
from pipeline.oracle.builder.progress import (
    Vertex,
    step_label,
    summarize_heredoc,
    uppercase_command,
)
from pipeline.oracle.builder.users import UnknownUser, resolve_owner
from pipeline.oracle.container import find_executable
from pipeline.oracle.filesystem import Tree, UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.image import Image, ImageConfig
from pipeline.oracle.layer import Layer
from pipeline.oracle.process import ExecNotFound, Process
from pipeline.oracle.units import human_size_with_precision

SCRATCH = "scratch"
_HEREDOC_ONLY = re.compile(r"<<-?\s*([\"']?)[A-Za-z0-9_.-]+\1")
# Predefined ARGs usable without a declaration and kept out of history (Dockerfile reference).
PROXY_ARGS = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
              "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}  # fmt: skip
# The automatic platform ARGs of the global scope (convert.go `defaultArgs`), for linux/amd64.
PLATFORM_ARGS = {
    "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": "",
    "TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
}  # fmt: skip
UNSUPPORTED_FLAGS = {
    "RUN": ("mount", "network", "security", "device"),
    "COPY": ("parents", "exclude"),
    "ADD": ("checksum", "keep-git-dir", "exclude", "unpack"),
}


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

    `dockerfile_text` is a Dockerfile that does not come from the context (`docker build -f- .`,
    `docker build - < Dockerfile`); it is then named `dockerfile` (default "Dockerfile").
    """
    builder = _Build(engine, context, dockerfile, list(tags), dict(build_args or {}), no_cache)
    builder.dockerfile_text = dockerfile_text
    try:
        return builder.run(target)
    except BuildError as error:
        error.dockerfile = posixpath.basename(dockerfile)
        error.vertices = builder.vertices
        raise


# --- the stages as BuildKit sees them -------------------------------------------------------------
@dataclass
class _StageInfo:
    stage: Stage
    base_name: str  # the expanded FROM argument
    base_stage: int | None = None  # index of an earlier stage it builds on
    image: Image | None = None  # the external base image
    image_ref: str = ""  # its canonical reference with digest, for the FROM label
    label: str = ""  # the progress name: "" for a single state, else the name or stage-K
    state: ins.StageState | None = None
    deps: set[int] = field(default_factory=set)


class _Build:
    def __init__(
        self,
        engine: Any,
        context: FileSystem,
        dockerfile: str,
        tags: list[str],
        build_args: dict[str, str],
        no_cache: bool,
    ) -> None:
        self.engine = engine
        self.raw_context = context
        self.dockerfile_path = "/" + dockerfile.lstrip("/")
        self.dockerfile_name = posixpath.basename(dockerfile)
        self.tags = tags
        self.build_args = build_args
        self.cache = BuildCache(engine.build_cache, disabled=no_cache)
        self.vertices: list[Vertex] = []
        self.consumed: set[str] = set()
        self.context_loaded = False
        self.dockerfile_text: str | None = None
        self.images: dict[str, tuple[Image, str]] = {}  # by canonical name
        self.image_vertices: set[str] = set()

    # --- top level ------------------------------------------------------------------------------
    def run(self, target: str | None) -> BuildResult:
        self.canonical_tags = [_canonical_tag(tag) for tag in self.tags]
        text = self._load_definition()
        df = parse(text, self.dockerfile_name)
        self.lexer = Lexer(escape=df.escape)
        self.context = BuildContext(self.raw_context, self._ignore_matcher())
        meta = ins.meta_args(df.meta_args, self.lexer, self.build_args)
        self.global_args = {**PLATFORM_ARGS, **meta}
        self.consumed |= {raw.partition("=")[0] for a in df.meta_args for raw in a.args}
        infos = self._stage_infos(df)
        final = self._target(df, infos, target)
        reachable = self._reachable(infos, final)
        self._label_stages(df, infos)
        self._load_metadata(df, infos, reachable)
        ignore = f"transferring context: {self._ignore_size()} done"
        self._add(Vertex("[internal] load .dockerignore", "internal", details=[ignore]))
        for index in sorted(reachable):
            self._dispatch_stage(df, infos, index)
        state = infos[final].state
        assert state is not None
        return self._export(state)

    def _add(self, vertex: Vertex) -> Vertex:
        self.vertices.append(vertex)
        return vertex

    def _load_definition(self) -> str:
        vertex = self._add(Vertex(f"[internal] load build definition from {self.dockerfile_name}",
                                  "internal"))  # fmt: skip
        try:
            if self.dockerfile_text is not None:
                data = self.dockerfile_text.encode()
            else:
                data = self.raw_context.read(self.dockerfile_path)
        except FsError:
            vertex.details.append("transferring dockerfile: 2B done")
            name = self.dockerfile_name
            reason = f"failed to read dockerfile: open {name}: no such file or directory"
            vertex.error = reason
            raise solve_error(reason) from None
        vertex.details.append(f"transferring dockerfile: {_size(len(data))} done")
        return data.decode(errors="replace")

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
        return _size(len(data) if data else 2)

    def _ignore_matcher(self):
        data = self._ignore_file()
        if not data:
            return None
        try:
            return PatternMatcher(read_dockerignore(data.decode(errors="replace"))).matches
        except DockerignoreError as error:
            raise solve_error(f"failed to parse dockerignore: {error}") from None

    # --- stages ---------------------------------------------------------------------------------
    def _stage_infos(self, df: Dockerfile) -> list[_StageInfo]:
        infos: list[_StageInfo] = []
        names: dict[str, int] = {}
        for stage in df.stages:
            try:
                result = self.lexer.process(stage.base, dict(self.global_args))
            except ExpansionError as error:
                raise solve_error(str(error), stage.lines) from None
            if not result.result:
                raise solve_error(f"base name ({stage.base}) should not be blank", stage.lines)
            info = _StageInfo(stage, result.result)
            if result.result in names:
                info.base_stage = names[result.result]
                info.deps.add(info.base_stage)
            infos.append(info)
            if stage.name:
                names[stage.name] = stage.index
        for info in infos:
            for instruction in info.stage.instructions:
                source = self._copy_source(df, info, instruction)
                if isinstance(source, int):
                    info.deps.add(source)
        return infos

    def _copy_source(self, df: Dockerfile, info: _StageInfo, instruction: Instruction):
        """A COPY --from: a stage index, an image reference, or None."""
        if instruction.keyword != "COPY" or "from" not in instruction.flags:
            return None
        source = instruction.flag("from")
        if self.lexer.word(source, {}) != source:
            raise solve_error(
                "variable expansion is not supported for --from, define a new stage with FROM "
                "using ARG from global scope as a workaround",
                instruction.lines,
            )
        if source.isdigit():
            index = int(source)
            if index >= len(df.stages):
                raise solve_error(f"invalid stage index {index}", instruction.lines)
            return index
        named = df.stage_named(source)
        return named.index if named is not None else source

    def _target(self, df: Dockerfile, infos: list[_StageInfo], target: str | None) -> int:
        if not target:
            return len(infos) - 1
        stage = df.stage_named(target)
        if stage is None:
            names = [s.name for s in df.stages if s.name]
            message = f'target stage "{target}" could not be found'
            raise solve_error(with_suggestion(message, target, names, case_sensitive=True))
        return stage.index

    def _reachable(self, infos: list[_StageInfo], final: int) -> set[int]:
        seen: set[int] = set()
        todo = [final]
        while todo:
            index = todo.pop()
            if index not in seen:
                seen.add(index)
                todo.extend(infos[index].deps)
        return seen

    def _label_stages(self, df: Dockerfile, infos: list[_StageInfo]) -> None:
        """A stage is named in the progress unless the build has a single LLB state; every
        `COPY --from=<image>` counts as one more (convert.go buildStageDependencyGraph)."""
        states = len(infos) + sum(
            1
            for info in infos
            for instruction in info.stage.instructions
            if isinstance(self._copy_source(df, info, instruction), str)
        )
        for info in infos:
            info.label = "" if states == 1 else info.stage.name or f"stage-{info.stage.index}"

    def _load_metadata(self, df: Dockerfile, infos: list[_StageInfo], reachable: set[int]):
        """Every image the build needs is resolved first, each with its metadata vertex."""
        for index in sorted(reachable):
            info = infos[index]
            if info.base_stage is None and info.base_name != SCRATCH:
                info.image, info.image_ref = self._image(info.base_name, info.stage.lines)
        for index in sorted(reachable):
            for instruction in infos[index].stage.instructions:
                source = self._copy_source(df, infos[index], instruction)
                if isinstance(source, str):
                    self._image(source, instruction.lines)

    def _image(self, name: str, lines: tuple[int, int]) -> tuple[Image, str]:
        """Resolve an image reference, with its `[internal] load metadata` vertex (once)."""
        try:
            named = refs.tag_name_only(refs.parse_normalized_named(name))
        except refs.ReferenceError as error:
            raise solve_error(f'failed to parse stage name "{name}": {error}', lines) from None
        key = str(named)
        if key in self.images:
            return self.images[key]
        vertex = self._add(Vertex(f"[internal] load metadata for {key}", "internal"))
        image = _lookup_image(self.engine, key)
        if image is None:
            reason = (
                f"{name}: failed to resolve source metadata for {key}: pull access denied, "
                "repository does not exist or may require authorization: server message: "
                "insufficient_scope: authorization failed"
            )
            vertex.error = reason
            raise solve_error(reason, lines)
        digest = named.digest or _repo_digest(self.engine, image, named.name)
        resolved = key if named.digest else f"{key}@{digest}"
        self.images[key] = (image, resolved)
        return image, resolved

    # --- one stage ------------------------------------------------------------------------------
    def _dispatch_stage(self, df: Dockerfile, infos: list[_StageInfo], index: int) -> None:
        info = infos[index]
        commands = list(info.stage.instructions)
        triggers: list[str] = []
        if info.base_stage is not None:
            base = infos[info.base_stage].state
            assert base is not None
            state = base.copy()
            triggers = [i.trigger for i in infos[info.base_stage].stage.instructions
                        if i.keyword == "ONBUILD"]  # fmt: skip
            counted_from = 0
        elif info.image is not None:
            state = ins.StageState.from_image(info.image.config, list(info.image.layers))
            triggers = list(info.image.config.config.get("OnBuild") or [])
            counted_from = 1
        else:
            state = ins.StageState.from_image(ImageConfig.scratch(), [])
            counted_from = 0
        onbuild = [parse_instruction(t, info.stage.lines, self.dockerfile_name) for t in triggers]
        total = counted_from + sum(
            1 for i in onbuild + commands if i.keyword in ("RUN", "COPY", "ADD", "WORKDIR")
        )
        self.step = _Counter(info.label, total)
        if info.image is not None:
            label = self.step.label(f"FROM {info.image_ref}")
            self._add(Vertex(label, cached=True))  # a local base image: always CACHED
            state.cache_key = cache_key("", "source", image=info.image.id)
        elif info.base_stage is None:
            state.cache_key = cache_key("", "scratch")
        info.state = state
        for instruction in onbuild:
            self._dispatch(df, infos, info, instruction, onbuild=True)
        for instruction in commands:
            self._dispatch(df, infos, info, instruction)

    def _dispatch(
        self,
        df: Dockerfile,
        infos: list[_StageInfo],
        info: _StageInfo,
        instruction: Instruction,
        onbuild: bool = False,
    ) -> None:
        state = info.state
        assert state is not None
        for flag in UNSUPPORTED_FLAGS.get(instruction.keyword, ()):
            if flag in instruction.flags:
                raise solve_error(
                    f"{instruction.keyword} --{flag} is not modelled by the oracle",
                    instruction.lines,
                )
        keyword = instruction.keyword
        lexer = self.lexer
        if keyword == "RUN":
            self._run(state, instruction, onbuild)
        elif keyword in ("COPY", "ADD"):
            self._copy(df, infos, info, instruction, onbuild)
        elif keyword == "WORKDIR":
            self._workdir(state, instruction, onbuild)
        elif keyword == "ENV":
            ins.dispatch_env(state, instruction, lexer)
        elif keyword == "LABEL":
            ins.dispatch_label(state, instruction, lexer)
        elif keyword == "ARG":
            names = ins.dispatch_arg(state, instruction, lexer, self.build_args, self.global_args)
            self.consumed.update(names)
        elif keyword == "USER":
            ins.dispatch_user(state, instruction, lexer)
        elif keyword == "VOLUME":
            ins.dispatch_volume(state, instruction, lexer)
        elif keyword == "STOPSIGNAL":
            ins.dispatch_stopsignal(state, instruction, lexer)
        elif keyword == "EXPOSE":
            ins.dispatch_expose(state, instruction, lexer)
        elif keyword == "CMD":
            ins.dispatch_cmd(state, instruction)
        elif keyword == "ENTRYPOINT":
            ins.dispatch_entrypoint(state, instruction)
        elif keyword == "SHELL":
            ins.dispatch_shell(state, instruction)
        elif keyword == "HEALTHCHECK":
            ins.dispatch_healthcheck(state, instruction)
        elif keyword == "ONBUILD":
            ins.dispatch_onbuild(state, instruction)
        elif keyword == "MAINTAINER":
            ins.dispatch_maintainer(state, instruction)

    # --- steps that make layers -----------------------------------------------------------------
    def _step(
        self,
        state: ins.StageState,
        key: str,
        label: str,
        execute,
        instruction: Instruction,
    ) -> tuple[CacheRecord, Vertex]:
        """Look the step up in the cache, else run `execute(vertex) -> Layer` and record it."""
        vertex = self._add(Vertex(label))
        record = self.cache.get(key)
        if record is not None:
            vertex.cached = True
        else:
            try:
                layer = execute(vertex)
            except BuildError as error:
                vertex.error = error.message.removeprefix("failed to solve: ")
                error.vertex = label
                error.lines = error.lines or instruction.lines
                raise
            record = CacheRecord(layer, _now(self.engine))
            self.cache.put(key, record)
        state.cache_key = key
        state.layers.append(record.layer)
        return record, vertex

    def _container(self, state: ins.StageState) -> UnionFileSystem:
        return UnionFileSystem(state.layers, Tree(), clock=lambda: _epoch(self.engine))

    def _run(self, state: ins.StageState, instruction: Instruction, onbuild: bool) -> None:
        args, summary = self._run_args(state, instruction)
        env = dict(state.env)
        proxy = {k: v for k, v in self.build_args.items() if k in PROXY_ARGS}
        self.consumed |= proxy.keys()
        key = cache_key(state.cache_key, "exec", args=args, env=state.env_list(),
                        cwd=state.workdir, user=state.user)  # fmt: skip
        label_lexer = Lexer(escape=self.lexer.escape, raw_quotes=True, skip_unset=True)
        text = _process_cmd_env(label_lexer, _first_line(instruction.source), state.env)
        label = self.step.label(uppercase_command(text) + summary, onbuild)

        def execute(vertex: Vertex) -> Layer:
            fs = self._container(state)
            process = Process(argv=args, env={**env, **proxy}, cwd=state.workdir,
                              user=state.user or "root")  # fmt: skip
            self._execute(fs, process, vertex)
            return Layer(fs.diff())

        record, _ = self._step(state, key, label, execute, instruction)
        entry = state.commit(ins.run_created_by(state, args), with_layer=True, state=True)
        entry.created = record.created

    def _run_args(self, state: ins.StageState, instruction: Instruction) -> tuple[list[str], str]:
        """The argv of a RUN (convert.go dispatchRun), and the heredoc summary of its label."""
        args = instruction.command_line()
        summary = ""
        if instruction.heredocs and instruction.shell_form:
            first = args[0] if args else ""
            doc = instruction.heredocs[0]
            if _HEREDOC_ONLY.fullmatch(first.strip()):
                args = [doc.data]  # a plain heredoc: its text is the script
                summary = f" ({summarize_heredoc(doc.content)})"
            else:  # a heredoc inside a command: the shell gets the whole thing back
                args = [first + "".join("\n" + d.content + d.name for d in instruction.heredocs)]
        if instruction.shell_form:
            return state.shell + [" ".join(args)], summary
        return args, summary

    def _execute(self, fs: UnionFileSystem, process: Process, vertex: Vertex) -> None:
        command = " ".join(process.argv)
        if self.engine.runner is None:
            raise solve_error("the engine has no runner: it cannot run RUN instructions")
        if not fs.exists(process.cwd):
            fs.mkdir(process.cwd, parents=True)  # the runtime creates a missing working dir
        user = process.user.split(":", 1)[0]
        if user and user != "root" and not user.isdigit():
            try:
                resolve_owner(fs, user)
            except UnknownUser as error:  # the runtime resolves USER in the container's passwd
                raise solve_error(str(error)) from None
        try:
            find_executable(fs, process.argv[0], process.env, process.cwd)
            completed = self.engine.runner.run(fs, process)
        except ExecNotFound as error:
            reason = f"runc run failed: unable to start container process: {error}"
            vertex.output.append(reason)
            message = f'process "{command}" did not complete successfully: {reason}'
            raise solve_error(message) from None
        for stream in (completed.stdout, completed.stderr):
            vertex.output.extend(stream.decode(errors="replace").splitlines())
        if completed.exit_code != 0:
            raise solve_error(
                f'process "{command}" did not complete successfully: '
                f"exit code: {completed.exit_code}"
            )

    def _workdir(self, state: ins.StageState, instruction: Instruction, onbuild: bool) -> None:
        path = ins.expand(self.lexer, instruction.args[0], dict(state.env), instruction)
        workdir = ins.normalize_workdir(state.workdir, path)
        state.config["WorkingDir"] = workdir
        if workdir == "/":
            state.commit("WORKDIR /", with_layer=False)  # counted in n, but no vertex
            return
        text = _process_cmd_env(self.lexer, _first_line(instruction.source), state.env)
        label = self.step.label(uppercase_command(text), onbuild)
        user = state.user
        key = cache_key(state.cache_key, "mkdir", path=workdir, user=user)

        def execute(_vertex: Vertex) -> Layer:
            fs = self._container(state)
            owner = self._owner(fs, user, instruction) if user else None
            existing = set()
            current = workdir
            while current != "/":
                if fs.exists(current):
                    existing.add(current)
                current = posixpath.dirname(current)
            fs.mkdir(workdir, 0o755, parents=True)
            if owner is not None:  # llb.Mkdir WithUser: new directories belong to the user
                current = workdir
                while current != "/" and current not in existing:
                    fs.chown(current, owner.uid, owner.gid)
                    current = posixpath.dirname(current)
            return Layer(fs.diff())

        record, _ = self._step(state, key, label, execute, instruction)
        entry = state.commit(f"WORKDIR {workdir}", with_layer=True)
        entry.created = record.created

    def _owner(self, fs: FileSystem, spec: str, instruction: Instruction):
        try:
            return resolve_owner(fs, spec)
        except UnknownUser as error:
            raise solve_error(str(error), instruction.lines) from None

    def _copy(
        self,
        df: Dockerfile,
        infos: list[_StageInfo],
        info: _StageInfo,
        instruction: Instruction,
        onbuild: bool,
    ) -> None:
        state = info.state
        assert state is not None
        keyword = instruction.keyword
        env = dict(state.env)
        words = [ins.expand(self.lexer, a, env, instruction) for a in instruction.args]
        heredoc_names = {d.name for d in instruction.heredocs}
        sources = [w for w, raw in zip(words[:-1], instruction.args[:-1], strict=True)
                   if not _is_heredoc_word(raw, heredoc_names)]  # fmt: skip
        dest_word = words[-1]
        chown = ins.expand(self.lexer, instruction.flag("chown"), env, instruction)
        chmod = ins.expand(self.lexer, instruction.flag("chmod"), env, instruction)
        mode = _parse_chmod(chmod, instruction) if chmod else None
        for source in sources:
            if source.startswith(("http://", "https://")):
                if keyword == "COPY":
                    raise solve_error("source can't be a URL for COPY", instruction.lines)
                raise solve_error(
                    f"the oracle cannot fetch remote URLs (ADD {source}): it has no network",
                    instruction.lines,
                )
        src_fs, from_context = self._copy_source_fs(df, infos, info, instruction)
        text = _process_cmd_env(self.lexer, _first_line(instruction.source), state.env)
        if from_context and not self.context_loaded and sources:
            self.context_loaded = True
            loaded = f"transferring context: {self._context_size()} done"
            self._add(Vertex("[internal] load build context", "internal", details=[loaded]))
        label = self.step.label(uppercase_command(text), onbuild)
        dest = destination(state.workdir, dest_word)
        paths: list[str] = []
        try:
            for source in sources:
                paths.extend(resolve(src_fs, source))
        except SourceNotFound as missing:
            self._add(Vertex(label, error=_not_found_text(missing.path, self.vertices)))
            raise solve_error(
                "failed to compute cache key: " + _not_found_text(missing.path, self.vertices),
                instruction.lines,
                vertex=label,
            ) from None
        raw_lexer = Lexer(skip_process_quotes=True)  # convert.go ExpandRaw for heredoc bodies
        docs = [
            (d.name, ins.expand(raw_lexer, d.data, env, instruction) if d.expand else d.data)
            for d in instruction.heredocs
        ]
        key = cache_key(
            state.cache_key, keyword.lower(), dest=dest, chown=chown, chmod=chmod,
            sources=[posixpath.basename(s) for s in sources], docs=docs,
            checksum=checksum(src_fs, paths),
        )  # fmt: skip

        def execute(_vertex: Vertex) -> Layer:
            fs = self._container(state)
            owner = self._owner(fs, chown, instruction) if chown else None
            options = CopyOptions(owner=owner, mode=mode, unpack=keyword == "ADD")
            copy(src_fs, paths, fs, dest, options)
            if docs:
                inline = UnionFileSystem(clock=lambda: _epoch(self.engine))
                for name, data in docs:
                    inline.write("/" + name, data.encode())
                copy(inline, ["/" + n for n, _ in docs], fs, dest, CopyOptions(owner, mode))
            return Layer(fs.diff())

        record, _ = self._step(state, key, label, execute, instruction)
        parts = [keyword]
        if chown:
            parts.append(f"--chown={chown}")
        if chmod:
            parts.append(f"--chmod={chmod}")
        parts += sources + [f"<<{name}" for name, _ in docs] + [dest_word]
        entry = state.commit(" ".join(parts), with_layer=True, state=True)
        entry.created = record.created

    def _copy_source_fs(
        self, df: Dockerfile, infos: list[_StageInfo], info: _StageInfo, instruction: Instruction
    ) -> tuple[FileSystem, bool]:
        source = self._copy_source(df, info, instruction)
        if source is None:
            return self.context, True
        if isinstance(source, int):
            other = infos[source]
            if other.state is None or source >= info.stage.index:
                name = other.stage.name or str(source)
                current = info.label or info.stage.name or f"stage-{info.stage.index}"
                raise solve_error(
                    f'cannot copy from stage "{name}", it needs to be defined before current '
                    f'stage "{current}"',
                    instruction.lines,
                )
            return UnionFileSystem(other.state.layers, read_only=True), False
        image, resolved = self._image(source, instruction.lines)
        if resolved not in self.image_vertices:  # an unnumbered state: its vertex has no [i/n]
            self.image_vertices.add(resolved)
            self._add(Vertex(f"FROM {resolved}", cached=True))
        return image.rootfs(), False

    def _context_size(self) -> str:
        total = 0
        for _path, stat in self.context.walk("/"):
            total += stat.size
        return _size(total)

    # --- export ---------------------------------------------------------------------------------
    def _export(self, state: ins.StageState) -> BuildResult:
        image = Image(state.image_config(), state.layers)
        store = self.engine.images
        canonical = self.canonical_tags
        stored = store.add(image, tags=self.tags)
        vertex = self._add(Vertex("exporting to image", "export"))
        vertex.details.append("exporting layers done")
        vertex.details.append(f"writing image {stored.id} done")
        vertex.details.extend(f"naming to {name} done" for name in canonical)
        unconsumed = sorted(set(self.build_args) - self.consumed - PROXY_ARGS)
        return BuildResult(stored, canonical, self.vertices, unconsumed)


class _Counter:
    """The `[i/n]` numbering of one stage's file-system steps."""

    def __init__(self, stage: str, total: int) -> None:
        self.stage = stage
        self.total = total
        self.index = 0

    def label(self, text: str, onbuild: bool = False) -> str:
        if self.total == 0:
            return text
        self.index += 1
        return step_label(self.stage, self.index, self.total, text, onbuild)


# --- helpers --------------------------------------------------------------------------------------
def _canonical_tag(tag: str) -> str:
    """A `-t` value as the reference it names; buildx refuses a bad one before building."""
    try:
        named = refs.parse_normalized_named(tag)
    except refs.ReferenceError as error:
        raise BuildError(f'invalid tag "{tag}": {error}') from None
    if named.digest:
        raise BuildError(f'invalid tag "{tag}": refusing to create a tag with a digest reference')
    return str(refs.tag_name_only(named))


def _size(n: int) -> str:
    return human_size_with_precision(n, 4)


def _first_line(source: str) -> str:
    return source.split("\n", 1)[0]


def _process_cmd_env(lexer: Lexer, text: str, env: Mapping[str, str]) -> str:
    """convert.go `processCmdEnv`: the label with variables expanded, the text as is on error."""
    try:
        return lexer.word(text, dict(env))
    except ExpansionError:
        return text


def _is_heredoc_word(word: str, names: set[str]) -> bool:
    stripped = word.lstrip("<").lstrip("-").strip("'\"")
    return word.startswith("<<") and stripped in names


def _parse_chmod(chmod: str, instruction: Instruction) -> int:
    try:
        mode = int(chmod, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o7777:
        raise solve_error(
            f"invalid chmod parameter: '{chmod}'. "
            "it should be octal string and between 0 and 07777",
            instruction.lines,
        )
    return mode


def _not_found_text(path: str, vertices: list[Vertex]) -> str:
    """BuildKit names the context snapshot by two random 25-character ids; the oracle derives
    them from the build so far, to stay deterministic."""
    seed = hashlib.sha256(f"{path}:{len(vertices)}".encode()).digest()
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    number = int.from_bytes(seed, "big")
    chars = []
    for _ in range(50):
        number, rest = divmod(number, 36)
        chars.append(alphabet[rest])
    ref = "".join(chars[:25]) + "::" + "".join(chars[25:])
    return f'failed to calculate checksum of ref {ref}: "{path}": not found'


def _lookup_image(engine: Any, reference: str) -> Image | None:
    """The base image from the engine: its own resolver (which may pull) if it has one, else the
    local store."""
    resolver = getattr(engine, "resolve_image", None)
    if resolver is not None:
        return resolver(reference)
    try:
        return engine.images.get(reference)
    except Exception:  # noqa: BLE001 - the store's not-found error, whatever its class
        return None


def _repo_digest(engine: Any, image: Image, name: str) -> str:
    """The digest the FROM label shows: the repo digest of that repository, else the manifest's."""
    for found in engine.images.repo_digests(image.id):
        ref = refs.parse_normalized_named(found)
        if ref.name == name and ref.digest:
            return ref.digest
    return image.manifest_digest()


def _now(engine: Any) -> str:
    """A new layer's creation time: the engine's clock moves one second per new layer, so a
    --no-cache rebuild gets new times (and a new image ID) while a cached one keeps the old."""
    return engine.clock.tick()


def _epoch(engine: Any) -> int:
    return engine.clock.epoch()
