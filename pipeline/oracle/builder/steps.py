"""The steps that make layers: RUN, COPY/ADD and WORKDIR's mkdir (convert.go dispatchRun,
convert_copy.go dispatchCopy, dispatchWorkdir).

Each step first computes its cache key (cache.py); on a hit it reuses the recorded layer and
time (the vertex prints CACHED), on a miss it works in a container file system over the stage's
layers (`UnionFileSystem(layers, upper=Tree())`) and the upper layer's diff becomes the layer.
`LayerSteps` is mixed into the build session (build.py), whose state it uses: the engine, the
cache, the vertices, the lexer, the build context and the step counter.
"""

from __future__ import annotations

import contextlib
import hashlib
import posixpath
import re
from collections.abc import Callable, Mapping
from typing import Any

from pipeline.oracle.builder import instructions as ins
from pipeline.oracle.builder.cache import BuildCache, CacheRecord, cache_key
from pipeline.oracle.builder.context import (
    BuildContext,
    CopyOptions,
    Owner,
    SourceNotFound,
    checksum,
    copy,
    destination,
    resolve,
)
from pipeline.oracle.builder.dockerfile import Instruction
from pipeline.oracle.builder.errors import BuildError, solve_error
from pipeline.oracle.builder.expansion import ExpansionError, Lexer
from pipeline.oracle.builder.progress import Vertex, summarize_heredoc, uppercase_command
from pipeline.oracle.builder.users import UnknownUser, resolve_owner
from pipeline.oracle.container import find_executable
from pipeline.oracle.filesystem import Tree, UnionFileSystem
from pipeline.oracle.fsapi import FileSystem
from pipeline.oracle.layer import Layer
from pipeline.oracle.process import ExecNotFound, Process
from pipeline.oracle.units import human_size_with_precision

# Predefined ARGs usable without a declaration and kept out of history (Dockerfile reference).
PROXY_ARGS = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
              "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}  # fmt: skip
_HEREDOC_ONLY = re.compile(r"<<-?\s*([\"']?)[A-Za-z0-9_.-]+\1")


class LayerSteps:
    engine: Any
    cache: BuildCache
    lexer: Lexer
    context: BuildContext
    build_args: dict[str, str]
    consumed: set[str]
    context_loaded: bool
    vertices: list[Vertex]
    step: Any  # the stage's `[i/n]` counter

    def _add(self, vertex: Vertex) -> Vertex:
        raise NotImplementedError

    def _copy_source_fs(self, plan: Any, instruction: Instruction) -> tuple[FileSystem, bool]:
        raise NotImplementedError

    # --- the cached step --------------------------------------------------------------------------
    def _step(
        self,
        state: ins.StageState,
        key: str,
        label: str,
        execute: Callable[[Vertex], Layer],
        instruction: Instruction,
    ) -> CacheRecord:
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
            record = CacheRecord(layer, now(self.engine))
            self.cache.put(key, record)
        state.cache_key = key
        state.layers.append(record.layer)
        return record

    def _container(self, state: ins.StageState) -> UnionFileSystem:
        return UnionFileSystem(state.layers, Tree(), clock=self.engine.clock.epoch)

    def _label(self, instruction: Instruction, lexer: Lexer, env: Mapping[str, str]) -> str:
        """convert.go: `uppercaseCmd(processCmdEnv(shlex, cmd.String(), env))`; on an expansion
        error processCmdEnv keeps the text as written."""
        text = first_line(instruction.source)
        with contextlib.suppress(ExpansionError):
            text = lexer.word(text, dict(env))
        return uppercase_command(text)

    # --- RUN --------------------------------------------------------------------------------------
    def _run(self, state: ins.StageState, instruction: Instruction, onbuild: bool) -> None:
        args, summary = run_args(state, instruction)
        env = dict(state.env)
        proxy = {k: v for k, v in self.build_args.items() if k in PROXY_ARGS}
        self.consumed |= proxy.keys()
        key = cache_key(state.cache_key, "exec", args=args, env=state.env_list(),
                        cwd=state.workdir, user=state.user)  # fmt: skip
        label_lexer = Lexer(escape=self.lexer.escape, raw_quotes=True, skip_unset=True)
        text = self._label(instruction, label_lexer, state.env) + summary
        label = self.step.label(text, onbuild)

        def execute(vertex: Vertex) -> Layer:
            fs = self._container(state)
            process = Process(argv=args, env={**env, **proxy}, cwd=state.workdir,
                              user=state.user or "root")  # fmt: skip
            self._execute(fs, process, vertex)
            return Layer(fs.diff())

        record = self._step(state, key, label, execute, instruction)
        entry = state.commit(ins.run_created_by(state, args), with_layer=True, state=True)
        entry.created = record.created

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
        for _, data in completed.chunks():  # BuildKit logs both streams as they are written
            vertex.output.extend(data.decode(errors="replace").splitlines())
        if completed.exit_code != 0:
            raise solve_error(
                f'process "{command}" did not complete successfully: '
                f"exit code: {completed.exit_code}"
            )

    # --- WORKDIR ----------------------------------------------------------------------------------
    def _workdir(self, state: ins.StageState, instruction: Instruction, onbuild: bool) -> None:
        path = ins.expand(self.lexer, instruction.args[0], dict(state.env), instruction)
        workdir = ins.normalize_workdir(state.workdir, path)
        state.config["WorkingDir"] = workdir
        if workdir == "/":
            state.commit("WORKDIR /", with_layer=False)  # counted in n, but no vertex
            return
        label = self.step.label(self._label(instruction, self.lexer, state.env), onbuild)
        user = state.user
        key = cache_key(state.cache_key, "mkdir", path=workdir, user=user)

        def execute(_vertex: Vertex) -> Layer:
            fs = self._container(state)
            owner = self._owner(fs, user, instruction) if user else None
            created = []
            current = workdir
            while current != "/" and not fs.exists(current):
                created.append(current)
                current = posixpath.dirname(current)
            fs.mkdir(workdir, 0o755, parents=True)
            for directory in created if owner is not None else []:
                fs.chown(directory, owner.uid, owner.gid)  # llb.Mkdir WithUser(USER)
            return Layer(fs.diff())

        record = self._step(state, key, label, execute, instruction)
        entry = state.commit(f"WORKDIR {workdir}", with_layer=True)
        entry.created = record.created

    def _owner(self, fs: FileSystem, spec: str, instruction: Instruction) -> Owner:
        try:
            return resolve_owner(fs, spec)
        except UnknownUser as error:
            raise solve_error(str(error), instruction.lines) from None

    # --- COPY / ADD -------------------------------------------------------------------------------
    def _copy(self, plan: Any, instruction: Instruction, onbuild: bool) -> None:
        state: ins.StageState = plan.state
        keyword = instruction.keyword
        env = dict(state.env)
        words = [ins.expand(self.lexer, a, env, instruction) for a in instruction.args]
        names = {d.name for d in instruction.heredocs}
        sources = [w for w, raw in zip(words[:-1], instruction.args[:-1], strict=True)
                   if not is_heredoc_word(raw, names)]  # fmt: skip
        dest_word = words[-1]
        chown = ins.expand(self.lexer, instruction.flag("chown"), env, instruction)
        chmod = ins.expand(self.lexer, instruction.flag("chmod"), env, instruction)
        mode = parse_chmod(chmod, instruction) if chmod else None
        check_urls(keyword, sources, instruction)
        src_fs, from_context = self._copy_source_fs(plan, instruction)
        if from_context and sources and not self.context_loaded:
            self.context_loaded = True
            loaded = f"transferring context: {self._context_size()} done"
            self._add(Vertex("[internal] load build context", "internal", details=[loaded]))
        label = self.step.label(self._label(instruction, self.lexer, state.env), onbuild)
        dest = destination(state.workdir, dest_word)
        paths = self._resolve_sources(src_fs, sources, label, instruction)
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
            copy(src_fs, paths, fs, dest, CopyOptions(owner, mode, unpack=keyword == "ADD"))
            if docs:
                inline = UnionFileSystem(clock=self.engine.clock.epoch)
                for name, data in docs:
                    inline.write("/" + name, data.encode())
                copy(inline, ["/" + n for n, _ in docs], fs, dest, CopyOptions(owner, mode))
            return Layer(fs.diff())

        record = self._step(state, key, label, execute, instruction)
        flags = [f"--chown={chown}"] * bool(chown) + [f"--chmod={chmod}"] * bool(chmod)
        parts = [keyword, *flags, *sources, *[f"<<{n}" for n, _ in docs], dest_word]
        entry = state.commit(" ".join(parts), with_layer=True, state=True)
        entry.created = record.created

    def _resolve_sources(
        self, src_fs: FileSystem, sources: list[str], label: str, instruction: Instruction
    ) -> list[str]:
        paths: list[str] = []
        try:
            for source in sources:
                paths.extend(resolve(src_fs, source))
        except SourceNotFound as missing:
            reason = not_found_text(missing.path, len(self.vertices))
            self._add(Vertex(label, error=reason))
            raise solve_error(
                "failed to compute cache key: " + reason, instruction.lines, vertex=label
            ) from None
        return paths

    def _context_size(self) -> str:
        return size_text(sum(stat.size for _path, stat in self.context.walk("/")))


# --- helpers ------------------------------------------------------------------------------------
def run_args(state: ins.StageState, instruction: Instruction) -> tuple[list[str], str]:
    """The argv of a RUN (convert.go dispatchRun), and the heredoc summary of its label."""
    args = instruction.command_line()
    summary = ""
    if instruction.heredocs and instruction.shell_form:
        first = args[0] if args else ""
        if _HEREDOC_ONLY.fullmatch(first.strip()):
            doc = instruction.heredocs[0]
            args = [doc.data]  # a plain heredoc: its text is the script
            summary = f" ({summarize_heredoc(doc.content)})"
        else:  # a heredoc inside a command: the shell gets the whole thing back
            args = [first + "".join("\n" + d.content + d.name for d in instruction.heredocs)]
    if instruction.shell_form:
        return state.shell + [" ".join(args)], summary
    return args, summary


def check_urls(keyword: str, sources: list[str], instruction: Instruction) -> None:
    for source in sources:
        if source.startswith(("http://", "https://")):
            if keyword == "COPY":
                raise solve_error("source can't be a URL for COPY", instruction.lines)
            raise solve_error(
                f"the oracle cannot fetch remote URLs (ADD {source}): it has no network",
                instruction.lines,
            )


def first_line(source: str) -> str:
    return source.split("\n", 1)[0]


def is_heredoc_word(word: str, names: set[str]) -> bool:
    return word.startswith("<<") and word.lstrip("<").lstrip("-").strip("'\"") in names


def parse_chmod(chmod: str, instruction: Instruction) -> int:
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


def not_found_text(path: str, salt: int) -> str:
    """BuildKit names the context snapshot by two random 25-character ids; the oracle derives
    them from the path and the build so far, to stay deterministic."""
    number = int.from_bytes(hashlib.sha256(f"{path}:{salt}".encode()).digest(), "big")
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    chars = []
    for _ in range(50):
        number, rest = divmod(number, 36)
        chars.append(alphabet[rest])
    ref = "".join(chars[:25]) + "::" + "".join(chars[25:])
    return f'failed to calculate checksum of ref {ref}: "{path}": not found'


def size_text(n: int) -> str:
    """Progress sizes (`transferring context: 52B`): go-units HumanSize with 4 digits."""
    return human_size_with_precision(n, 4)


def now(engine: Any) -> str:
    """A new layer's creation time: the engine's clock moves one second per new layer, so a
    --no-cache rebuild gets new times (and a new image ID) while a cached one keeps the old."""
    return engine.clock.tick()
