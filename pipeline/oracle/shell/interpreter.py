"""The shell: executes the syntax tree over a FileSystem, an environment and a working directory.

One `Shell` is one shell process. Subshells (`( )`, pipeline stages, `$(...)`) are forks that copy
the variables; `sh -c` and scripts are new processes that only inherit exported variables. All of
them share one `Budget`, so no nesting escapes the limits. Programs are looked up the way the
place they run in allows: on the HOST every built-in program exists (plus the commands the caller
registers, such as `docker`); inside a CONTAINER a program runs only if its file exists in the
container's file system (see `resolve.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pipeline.oracle.content import Content
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.paths import join, normalise
from pipeline.oracle.process import Completed
from pipeline.oracle.shell import dialect as dialects
from pipeline.oracle.shell.arith import ArithError
from pipeline.oracle.shell.expand import Expander, ExpansionError
from pipeline.oracle.shell.lexer import NAME, ShellSyntaxError
from pipeline.oracle.shell.limits import Budget, NotSimulated
from pipeline.oracle.shell.nodes import (
    AndOr,
    Case,
    Command,
    For,
    FunctionDef,
    Group,
    If,
    Loop,
    Node,
    Pipeline,
    Redirect,
    Redirected,
    Sequence,
)
from pipeline.oracle.shell.parser import Parser
from pipeline.oracle.shell.streams import (
    Buffer,
    FileSink,
    FileWriter,
    NullSink,
    Sink,
    Source,
    as_content,
)

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass
class CommandContext:
    """What a host command registered by the caller (e.g. `docker`) sees of the shell. `io` is
    the command's redirected descriptors: writing to `io.stdout` / `io.stderr` as it goes keeps
    the order of the two streams (`2>&1`, `> f 2>&1`); None outside a shell."""

    env: dict[str, str]
    cwd: str
    fs: FileSystem
    shell: Shell
    io: IO | None = None


# A host command: (argv, stdin bytes, context) -> (exit status, stdout bytes, stderr bytes). What
# it returns is written after what it wrote to `context.io` (so returning everything also works,
# at the price of the interleaving).
HostCommand = Callable[[list[str], bytes, CommandContext], tuple[int, bytes, bytes]]


class ExitShell(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class LoopControl(Exception):
    def __init__(self, levels: int, is_break: bool) -> None:
        super().__init__(levels)
        self.levels = levels
        self.is_break = is_break


class ReturnFromFunction(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class RedirectionFailed(Exception):
    """A redirection could not be opened: the shell prints the message in its dialect and the
    command does not run (status 2 in dash, 1 in ash and bash)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass
class Options:
    errexit: bool = False
    nounset: bool = False
    xtrace: bool = False
    noglob: bool = False
    pipefail: bool = False

    def flags(self) -> str:
        pairs = (("e", self.errexit), ("u", self.nounset), ("x", self.xtrace), ("f", self.noglob))
        return "".join(letter for letter, on in pairs if on)


@dataclass
class Shared:
    """State every process of one run shares: the limits spent and what the engine asks."""

    budget: Budget
    long_running: bool = False  # a `sleep`/`tail -f` ran: a detached container stays up
    clock: Callable[[], int] | None = None  # "now" for `ls -l` dates (the engine's clock)


@dataclass
class IO:
    fds: dict[int, Source | Sink] = field(default_factory=dict)

    @property
    def stdin(self) -> Source:
        src = self.fds.get(0)
        return src if isinstance(src, Source) else Source()

    @property
    def stdout(self) -> Sink:
        sink = self.fds.get(1)
        return sink if isinstance(sink, Sink) else NullSink()

    @property
    def stderr(self) -> Sink:
        sink = self.fds.get(2)
        return sink if isinstance(sink, Sink) else NullSink()

    def with_fds(self, **changes: Source | Sink | None) -> IO:
        fds = dict(self.fds)
        for key, value in changes.items():
            fds[{"stdin": 0, "stdout": 1, "stderr": 2}[key]] = value
        return IO(fds)


class Shell(FileWriter):
    def __init__(
        self,
        fs: FileSystem,
        *,
        env: dict[str, str] | None = None,
        cwd: str = "/",
        commands: dict[str, HostCommand] | None = None,
        budget: Budget | None = None,
        name: str = "sh",
        host: bool = True,
        user: str = "root",
        depth: int = 0,
        shared: Shared | None = None,
        dialect: str = "dash",
    ) -> None:
        self.fs = fs
        self.dialect = dialect  # how errors are worded: dash, ash or bash (dialect.py)
        # dash's echo always reads backslash escapes; bash's and busybox's only with -e. The host
        # shell is the reader's terminal: bash.
        top_host = host and depth == 0
        self.echo_style = "dash" if dialect == "dash" and not top_host else "bash"
        self.vars: dict[str, str] = {}
        self.exported: set[str] = set()
        for key, value in (env or {}).items():
            self.vars[key] = value
            self.exported.add(key)
        self.cwd = cwd
        if "PWD" not in self.vars or normalise(self.vars["PWD"]) != normalise(cwd):
            self.vars["PWD"] = cwd
            self.exported.add("PWD")
        self.commands = commands if commands is not None else {}
        self.shared = shared or Shared(budget or Budget())
        self.budget = self.shared.budget
        self.name = name
        self.host = host
        self.user = user
        self.depth = depth
        self.budget.check_depth(depth)
        self.positional: list[str] = []
        self.functions: dict[str, Node] = {}
        self.status = 0
        self.options = Options()
        self.lineno = 1
        self.suppress_errexit = 0
        self.sub_status: int | None = None
        self.io = IO()
        self.locals: list[dict[str, str | None]] = []
        self.traps: dict[str, str] = {}
        self.umask = 0o022
        self.exec_sinks: list[Sink] = []  # files opened by `exec >file`, closed at the end
        self.expander = Expander(self)
        self._ids: tuple[int, int] | None = None

    # -- processes ----------------------------------------------------------------------------

    def fork(self) -> Shell:
        """A subshell: a copy of everything, one level deeper."""
        child = Shell.__new__(Shell)
        child.__dict__.update(self.__dict__)
        child.vars = dict(self.vars)
        child.exported = set(self.exported)
        child.positional = list(self.positional)
        child.functions = dict(self.functions)
        child.options = replace(self.options)
        child.locals = [dict(scope) for scope in self.locals]
        child.traps = {}
        child.exec_sinks = []
        child.depth = self.depth + 1
        self.budget.check_depth(child.depth)
        child.expander = Expander(child)
        return child

    def spawn(self, env: dict[str, str], name: str, dialect: str = "dash") -> Shell:
        """A new shell process (`sh -c`, a script): it inherits only the environment."""
        return Shell(
            self.fs,
            env=env,
            cwd=self.cwd,
            commands=self.commands,
            name=name,
            host=self.host,
            user=self.user,
            depth=self.depth + 1,
            shared=self.shared,
            dialect=dialect,
        )

    def environ(self, extra: list[tuple[str, str]] | None = None) -> dict[str, str]:
        env = {k: v for k, v in self.vars.items() if k in self.exported}
        for key, value in extra or ():
            env[key] = value
        return env

    # -- variables ----------------------------------------------------------------------------

    def get_var(self, name: str) -> str | None:
        if len(name) == 1 and not name.isalpha() and name != "_":
            if name == "?":
                return str(self.status)
            if name == "#":
                return str(len(self.positional))
            if name == "$":
                return "1" if not self.host else "4242"
            if name == "!":
                return ""
            if name == "-":
                return self.options.flags()
            if name == "0":
                return self.name
            if name.isdigit():
                index = int(name)
                return self.positional[index - 1] if index <= len(self.positional) else None
        if name.isdigit():
            index = int(name)
            return self.positional[index - 1] if index <= len(self.positional) else None
        return self.vars.get(name)

    def set_var(self, name: str, value: str) -> None:
        self.budget.check_bytes(len(value), "max_variable_bytes", f"the variable {name}")
        self.vars[name] = value

    # -- entry points -------------------------------------------------------------------------

    def run(self, script: str, stdin: bytes = b"", line: int = 1) -> Completed:
        """Run `script` with captured output (each capped by max_output_bytes)."""
        out = Buffer(self.budget, "max_output_bytes", "standard output")
        err = Buffer(self.budget, "max_output_bytes", "standard error")
        io = IO({0: Source.of(stdin, self.budget), 1: out, 2: err})
        status = self.run_script(script, io, line)
        return Completed(status, out.getvalue(), err.getvalue())

    def run_script(self, script: str, io: IO, line: int = 1) -> int:
        """Parse and run one complete command at a time, as dash does: a syntax error on a later
        line does not undo what earlier lines did. `exit` ends the script."""
        self.budget.check_bytes(len(script), "max_script_bytes", "script length")
        parser = Parser(script, line, self.budget.limits.max_depth)
        try:
            while True:
                try:
                    node = parser.parse_complete_command()
                except ShellSyntaxError as exc:
                    self.lineno = exc.line
                    self.error(io, str(exc))
                    self.status = 2
                    break
                if node is None:
                    break
                self.status = self.execute(node, io)
        except ExitShell as exc:
            self.status = exc.code
        except (LoopControl, ReturnFromFunction):
            pass
        self._run_exit_trap(io)
        sinks, self.exec_sinks = self.exec_sinks, []
        self.close(sinks, io)
        return self.status

    def _run_exit_trap(self, io: IO) -> None:
        action = self.traps.pop("EXIT", None) or self.traps.pop("0", None)
        if action:
            status = self.status
            try:
                self.run_script(action, io, self.lineno)
            finally:
                self.status = status

    def error(self, io: IO, message: str) -> None:
        """A shell diagnostic: `sh: LINE: message` (dash), `sh: message` (ash)..."""
        io.stderr.write_text(dialects.prefix(self.dialect, self.name, self.lineno) + message + "\n")

    # -- execution ----------------------------------------------------------------------------

    def execute(self, node: Node, io: IO) -> int:
        handler = _HANDLERS[type(node)]
        status = handler(self, node, io)
        self.status = status
        return status

    def _check_errexit(self, status: int) -> None:
        if status and self.options.errexit and not self.suppress_errexit:
            raise ExitShell(status)

    def _sequence(self, node: Sequence, io: IO) -> int:
        status = 0
        for item in node.items:
            status = self.execute(item, io)
        return status

    def _and_or(self, node: AndOr, io: IO) -> int:
        self.suppress_errexit += 1
        try:
            status = self.execute(node.first, io)
        finally:
            self.suppress_errexit -= 1
        for index, (op, pipeline) in enumerate(node.rest):
            if (op == "&&") != (status == 0):
                continue
            last = index == len(node.rest) - 1
            if not last:
                self.suppress_errexit += 1
            try:
                status = self.execute(pipeline, io)
            finally:
                if not last:
                    self.suppress_errexit -= 1
        return status

    def _pipeline(self, node: Pipeline, io: IO) -> int:
        if node.negated:
            self.suppress_errexit += 1
        try:
            if len(node.commands) == 1:
                status = self.execute(node.commands[0], io)
            else:
                status = self._run_stages(node, io)
        finally:
            if node.negated:
                self.suppress_errexit -= 1
        if node.negated:
            return int(status == 0)
        self._check_errexit(status)
        return status

    def _run_stages(self, node: Pipeline, io: IO) -> int:
        """Stages run one after another, each in a subshell, each reading the previous one's
        output (the simulation has no concurrency; an endless producer hits the pipe limit)."""
        source = io.stdin
        statuses = []
        for index, command in enumerate(node.commands):
            last = index == len(node.commands) - 1
            out: Sink = io.stdout if last else Buffer(self.budget, "max_pipe_bytes", "pipe")
            status = self.fork().run_subshell(command, io.with_fds(stdin=source, stdout=out))
            statuses.append(status)
            if isinstance(out, Buffer):
                source = out.source()
        if self.options.pipefail:
            return next((s for s in reversed(statuses) if s), 0)
        return statuses[-1]

    def _group(self, node: Group, io: IO) -> int:
        if not node.subshell:
            return self.execute(node.body, io)
        status = self.fork().run_subshell(node.body, IO(dict(io.fds)))
        self._check_errexit(status)
        return status

    def run_subshell(self, node: Node, io: IO) -> int:
        """Run `node` as this (forked) shell's whole life: `exit` ends it, its EXIT trap runs,
        files it opened with `exec >file` are written."""
        try:
            status = self.execute(node, io)
        except ExitShell as exc:
            status = exc.code
        except (LoopControl, ReturnFromFunction):
            status = self.status
        self.status = status
        self._run_exit_trap(io)
        sinks, self.exec_sinks = self.exec_sinks, []
        self.close(sinks, io)
        return status

    def _redirected(self, node: Redirected, io: IO) -> int:
        try:
            inner, opened = self.open_redirects(node.redirects, io)
        except RedirectionFailed as exc:
            self.error(io, str(exc))
            return dialects.redirection_status(self.dialect)
        try:
            return self.execute(node.body, inner)
        finally:
            self.close(opened, io)

    def _if(self, node: If, io: IO) -> int:
        for condition, body in node.branches:
            if self._condition(condition, io) == 0:
                return self.execute(body, io)
        if node.otherwise is not None:
            return self.execute(node.otherwise, io)
        return 0

    def _condition(self, node: Node, io: IO) -> int:
        self.suppress_errexit += 1
        try:
            return self.execute(node, io)
        finally:
            self.suppress_errexit -= 1

    def _loop(self, node: Loop, io: IO) -> int:
        status = 0
        while True:
            self.budget.iterate()
            result = self._condition(node.condition, io)
            if (result == 0) == node.until:
                return status
            try:
                status = self.execute(node.body, io)
            except LoopControl as ctl:
                if ctl.levels > 1:
                    ctl.levels -= 1
                    raise
                status = 0
                if ctl.is_break:
                    return status

    def _for(self, node: For, io: IO) -> int:
        self.lineno = node.line or self.lineno
        self.io = io
        try:
            items = self.expander.words(node.items) if node.items is not None else self.positional
        except (ExpansionError, ArithError) as exc:
            self.error(io, str(exc))
            raise ExitShell(2) from exc
        status = 0
        for item in list(items):
            self.budget.iterate()
            self.set_var(node.name, item)
            try:
                status = self.execute(node.body, io)
            except LoopControl as ctl:
                if ctl.levels > 1:
                    ctl.levels -= 1
                    raise
                status = 0
                if ctl.is_break:
                    break
        return status

    def _case(self, node: Case, io: IO) -> int:
        from pipeline.oracle.shell.pattern import matches

        self.io = io
        try:
            subject = self.expander.string(node.subject)
            for item in node.items:
                for pat in item.patterns:
                    if matches(self.expander.pattern(pat), subject):
                        return self.execute(item.body, io) if item.body is not None else 0
        except (ExpansionError, ArithError) as exc:
            self.error(io, str(exc))
            raise ExitShell(2) from exc
        return 0

    def _function_def(self, node: FunctionDef, io: IO) -> int:
        self.functions[node.name] = node.body
        return 0

    # -- simple commands ----------------------------------------------------------------------

    def _command(self, node: Command, io: IO) -> int:
        if not node.words and not node.assigns and not node.redirects:
            return 0
        self.budget.step()
        if node.line:
            self.lineno = node.line
        self.io = io
        self.sub_status = None
        try:
            argv = self.expander.words(node.words)
            assigns = [(a.name, self.expander.string(a.value)) for a in node.assigns]
        except (ExpansionError, ArithError) as exc:
            self.error(io, str(exc))
            raise ExitShell(2) from exc
        if self.options.xtrace:
            shown = [f"{k}={v}" for k, v in assigns] + argv
            io.stderr.write_text("+ " + " ".join(shown) + "\n")
        if not argv:
            for key, value in assigns:
                self.set_var(key, value)
            status = self.sub_status or 0
            if node.redirects:
                try:
                    _, opened = self.open_redirects(node.redirects, io)
                except RedirectionFailed as exc:
                    self.error(io, str(exc))
                    return dialects.redirection_status(self.dialect)
                self.close(opened, io)
            self._check_errexit(status)
            return status
        try:
            inner, opened = self.open_redirects(node.redirects, io)
        except RedirectionFailed as exc:
            self.error(io, str(exc))
            status = dialects.redirection_status(self.dialect)
            self._check_errexit(status)
            return status
        if argv == ["exec"]:
            # `exec >log 2>&1`: the redirections stay for the rest of the script.
            io.fds.clear()
            io.fds.update(inner.fds)
            self.exec_sinks.extend(opened)
            return 0
        try:
            status = self.dispatch(argv, assigns, inner)
        finally:
            self.close(opened, io)
        self._check_errexit(status)
        return status

    def dispatch(self, argv: list[str], assigns: list[tuple[str, str]], io: IO) -> int:
        from pipeline.oracle.shell.builtins import BUILTINS, SPECIAL_BUILTINS

        name = argv[0]
        special = SPECIAL_BUILTINS.get(name)
        if special is not None:
            for key, value in assigns:
                self.set_var(key, value)
            return special(self, argv, io)
        if name in self.functions:
            return self.call_function(name, argv, assigns, io)
        builtin = BUILTINS.get(name)
        if builtin is not None:
            return self._with_temporary(assigns, lambda: builtin(self, argv, io))
        return self.run_external(argv, self.environ(assigns), io)

    def _with_temporary(self, assigns: list[tuple[str, str]], action: Callable[[], int]) -> int:
        saved = {key: self.vars.get(key) for key, _ in assigns}
        for key, value in assigns:
            self.set_var(key, value)
        try:
            return action()
        finally:
            for key, old in saved.items():
                if old is None:
                    self.vars.pop(key, None)
                else:
                    self.vars[key] = old

    def call_function(
        self, name: str, argv: list[str], assigns: list[tuple[str, str]], io: IO
    ) -> int:
        self.depth += 1
        try:
            self.budget.check_depth(self.depth)
            saved = self.positional
            self.positional = argv[1:]
            self.locals.append({})
            try:
                return self._with_temporary(assigns, lambda: self.execute(self.functions[name], io))
            except ReturnFromFunction as ret:
                return ret.code
            finally:
                self.positional = saved
                for key, old in self.locals.pop().items():
                    if old is None:
                        self.vars.pop(key, None)
                    else:
                        self.vars[key] = old
        finally:
            self.depth -= 1

    def run_external(self, argv: list[str], env: dict[str, str], io: IO) -> int:
        """A program: a registered host command, a built-in program, or a file (script)."""
        from pipeline.oracle.shell.resolve import run_program_in_shell

        return run_program_in_shell(self, argv, env, io)

    def command_substitution(self, body: Node) -> str:
        out = Buffer(self.budget, "max_variable_bytes", "command substitution output")
        status = self.fork().run_subshell(body, self.io.with_fds(stdout=out))
        self.sub_status = status
        self.status = status
        text = out.getvalue().decode("utf-8", "surrogateescape")
        return text.rstrip("\n")

    # -- redirections -------------------------------------------------------------------------

    def open_redirects(self, redirects: tuple[Redirect, ...], io: IO) -> tuple[IO, list[Sink]]:
        if not redirects:
            return io, []
        fds = dict(io.fds)
        opened: list[Sink] = []
        try:
            for redirect in redirects:
                self._open_one(redirect, fds, opened)
        except RedirectionFailed:
            self.close(opened, io)
            raise
        except (ExpansionError, ArithError) as exc:
            self.close(opened, io)
            self.error(io, str(exc))
            raise ExitShell(2) from exc
        return IO(fds), opened

    def _open_one(self, redirect: Redirect, fds: dict[int, Source | Sink], opened: list) -> None:
        op = redirect.op
        if op in ("<<", "<<-"):
            body = self.expander.string(redirect.target)
            fds[redirect.fd] = Source.of(body.encode("utf-8", "surrogateescape"), self.budget)
            return
        target = self.expander.string(redirect.target)
        if op in (">&", "<&"):
            if target == "-":
                fds.pop(redirect.fd, None)
                return
            if not target.isdigit():
                raise RedirectionFailed(f"Syntax error: Bad fd number: {target}")
            source = fds.get(int(target))
            if source is None:
                raise RedirectionFailed(f"{target}: Bad file descriptor")
            fds[redirect.fd] = source
            return
        path = join(self.cwd, target)
        device = self._device(normalise(path), op, fds)
        if device is not None:
            fds[redirect.fd] = device
            return
        if op == "<":
            fds[redirect.fd] = self._open_input(path, target)
        elif op in (">", ">|", ">>"):
            sink = self._open_output(path, target, append=op == ">>")
            opened.append(sink)
            fds[redirect.fd] = sink
        else:
            raise NotSimulated(f"the redirection {op} is not simulated by the oracle")

    def _device(self, path: str, op: str, fds: dict[int, Source | Sink]) -> Source | Sink | None:
        reading = op == "<"
        if path == "/dev/null":
            return Source(budget=self.budget) if reading else NullSink()
        if path in ("/dev/zero", "/dev/urandom", "/dev/random"):
            kind = "zero" if path == "/dev/zero" else "random"
            return Source(endless=kind, budget=self.budget) if reading else NullSink()
        numbers = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
        if path in numbers:
            return fds.get(numbers[path]) or NullSink()
        if path.startswith("/dev/fd/") and path[8:].isdigit():
            return fds.get(int(path[8:])) or NullSink()
        return None

    def _open_input(self, path: str, shown: str) -> Source:
        try:
            if self.fs.stat(path).kind == "dir":
                raise FsError("EISDIR", path)
            content = as_content(self.fs.content(path))
        except FsError as exc:
            message = dialects.cannot_open(self.dialect, shown, exc.errno)
            raise RedirectionFailed(message) from exc
        return Source(content, regular=True, budget=self.budget)

    def _open_output(self, path: str, shown: str, append: bool) -> FileSink:
        try:
            existed = self.fs.exists(path)
            if existed and self.fs.stat(path).kind == "dir":
                raise FsError("EISDIR", path)
            if not append or not existed:
                self.fs.truncate(path, 0)
            if not existed:
                self.own(path)
        except FsError as exc:
            message = dialects.cannot_create(self.dialect, shown, exc.errno)
            raise RedirectionFailed(message) from exc
        return FileSink(self, path, self.budget, append)

    def flush(self, path: str, content: Content, append: bool) -> None:
        if append:
            content = as_content(self.fs.content(path)).append(content)
        self.fs.write_content(path, content)

    def close(self, opened: list[Sink], io: IO) -> None:
        for sink in opened:
            try:
                sink.close()
            except FsError as exc:
                self.error(io, f"write error: {exc.strerror}")

    # -- users --------------------------------------------------------------------------------

    def ids(self) -> tuple[int, int]:
        """The uid and gid of this process's user, read from /etc/passwd and /etc/group."""
        if self._ids is None:
            from pipeline.oracle.shell.users import resolve_user

            self._ids = resolve_user(self.fs, self.user)
        return self._ids

    def own(self, path: str) -> None:
        """A file this process created belongs to its user (root's files need no change)."""
        uid, gid = self.ids()
        if uid or gid:
            self.fs.chown(path, uid, gid)


_HANDLERS: dict[type, Callable[[Shell, Node, IO], int]] = {
    Command: Shell._command,  # type: ignore[dict-item]
    Pipeline: Shell._pipeline,  # type: ignore[dict-item]
    AndOr: Shell._and_or,  # type: ignore[dict-item]
    Sequence: Shell._sequence,  # type: ignore[dict-item]
    If: Shell._if,  # type: ignore[dict-item]
    Loop: Shell._loop,  # type: ignore[dict-item]
    For: Shell._for,  # type: ignore[dict-item]
    Case: Shell._case,  # type: ignore[dict-item]
    Group: Shell._group,  # type: ignore[dict-item]
    FunctionDef: Shell._function_def,  # type: ignore[dict-item]
    Redirected: Shell._redirected,  # type: ignore[dict-item]
}

__all__ = ["IO", "NAME", "CommandContext", "ExitShell", "HostCommand", "Shell"]
