"""What each instruction does to the image config and history (BuildKit's dispatchers).

A port of the metadata side of moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go
(`dispatchEnv`, `dispatchLabel`, `dispatchArg`, `dispatchCmd`, ...) and convert_expose.go, as
Docker 24-28 vendor it (BuildKit v0.11-v0.20). Every instruction appends one history entry through
`commit` (`commitToHistory`): `comment` is `buildkit.dockerfile.v0`, `empty_layer` is true for all
but RUN/COPY/ADD and WORKDIR with a path other than `/`, and ` # buildkit` ends the text of the
entries that carry a file-system state (RUN/COPY/ADD). ONBUILD writes no history entry. The
file-system side (RUN, COPY/ADD, WORKDIR's mkdir) lives in build.py.
"""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass, field

from pipeline.oracle.builder.dockerfile import Instruction
from pipeline.oracle.builder.errors import BuildError, solve_error
from pipeline.oracle.builder.expansion import ExpansionError, Lexer
from pipeline.oracle.builder.gofmt import duration, list_v, parse_duration, quote_list
from pipeline.oracle.image import DEFAULT_PATH, HistoryEntry, ImageConfig
from pipeline.oracle.layer import Layer

HISTORY_COMMENT = "buildkit.dockerfile.v0"
DEFAULT_SHELL = ["/bin/sh", "-c"]
MINIMUM_DURATION = 1_000_000  # container.MinimumDuration: 1ms


@dataclass
class Pending:
    """A history entry whose `created` time is known only at export (None until then)."""

    created_by: str
    empty_layer: bool
    created: str | None = None
    comment: str = HISTORY_COMMENT


@dataclass
class StageState:
    """One stage while it is dispatched: the image config it builds, its layers and the LLB-side
    state (env incl. ARG values, build args) that later instructions read."""

    config: dict
    base: ImageConfig
    layers: list[Layer]
    history: list[Pending]
    author: str = ""
    env: dict[str, str] = field(default_factory=dict)  # the LLB state env: Env + ARG values
    build_args: list[tuple[str, str | None]] = field(default_factory=list)
    cmd_set: bool = False
    cache_key: str = ""

    @classmethod
    def from_image(cls, base: ImageConfig, layers: list[Layer]) -> StageState:
        config = base.container_config()
        env = list(config.get("Env") or [])
        if not any(e.split("=", 1)[0] == "PATH" for e in env):
            env.append(DEFAULT_PATH)  # convert.go: "make sure that PATH is always set"
            config["Env"] = env
        history = [Pending(h.created_by, h.empty_layer, h.created, h.comment) for h in base.history]
        state = cls(config, base, list(layers), history, author=base.author)
        state.config.pop("OnBuild", None)  # triggers do not carry over (dispatchState.init)
        for item in env:
            key, _, value = item.partition("=")
            state.set_env(key, value)
        return state

    def copy(self) -> StageState:
        """A stage based on this one (`FROM previous-stage`)."""
        twin = StageState(
            config=copy.deepcopy(self.config),
            base=self.base,
            layers=list(self.layers),  # layers are immutable: share them
            history=[copy.copy(p) for p in self.history],
            author=self.author,
            env=dict(self.env),
            build_args=list(self.build_args),
            cache_key=self.cache_key,
        )
        twin.config.pop("OnBuild", None)
        return twin

    # --- the LLB state --------------------------------------------------------------------------
    def set_env(self, key: str, value: str) -> None:
        self.env.pop(key, None)  # llb EnvList.AddOrReplace appends
        self.env[key] = value

    @property
    def workdir(self) -> str:
        return self.config.get("WorkingDir") or "/"

    @property
    def user(self) -> str:
        return self.config.get("User") or ""

    @property
    def shell(self) -> list[str]:
        return list(self.config.get("Shell") or DEFAULT_SHELL)

    def env_list(self) -> list[str]:
        return [f"{k}={v}" for k, v in self.env.items()]

    def commit(self, message: str, with_layer: bool, state: bool = False) -> Pending:
        entry = Pending(message + (" # buildkit" if state else ""), empty_layer=not with_layer)
        self.history.append(entry)
        return entry

    # --- export ---------------------------------------------------------------------------------
    def image_config(self) -> ImageConfig:
        history = fill_created([p.created for p in self.history], self.history)
        created = next((h.created for h in reversed(history) if h.created), "")
        return ImageConfig(
            config=self.config,
            history=tuple(history),
            created=created,
            author=self.author,
            architecture=self.base.architecture,
            os=self.base.os,
            variant=self.base.variant,
        )


def fill_created(times: list[str | None], pending: list[Pending]) -> list[HistoryEntry]:
    """BuildKit exporter `normalizeLayersAndHistory`: an entry without a time takes the time of
    the first timed entry after the first gap, then of the latest timed entry before it."""
    created: str | None = None
    missing = False
    for value in times:
        if value:
            created = value
            if missing:
                break
        else:
            missing = True
    out, missing = [], False
    for value, entry in zip(times, pending, strict=True):
        if value:
            if missing:
                created = value
        else:
            missing = True
            value = created
        out.append(HistoryEntry(value or "", entry.created_by, entry.comment, entry.empty_layer))
    return out


# --- expansion ------------------------------------------------------------------------------------
def expand(lexer: Lexer, word: str, env: dict[str, str], instruction: Instruction) -> str:
    try:
        return lexer.word(word, env)
    except ExpansionError as error:
        raise solve_error(str(error), instruction.lines) from None


def _pairs(instruction: Instruction, lexer: Lexer, env: dict[str, str]) -> list[tuple[str, str]]:
    """ENV/LABEL key-value pairs, both sides expanded against the state before the instruction."""
    args = instruction.args
    return [
        (expand(lexer, args[i], env, instruction), expand(lexer, args[i + 1], env, instruction))
        for i in range(0, len(args) - 1, 2)
    ]


# --- the dispatchers ------------------------------------------------------------------------------
def dispatch_env(state: StageState, instruction: Instruction, lexer: Lexer) -> None:
    pairs = _pairs(instruction, lexer, dict(state.env))
    env = list(state.config.get("Env") or [])
    for key, value in pairs:
        state.set_env(key, value)
        for i, item in enumerate(env):  # replace in place, else append (convert.go addEnv)
            if item.split("=", 1)[0] == key:
                env[i] = f"{key}={value}"
                break
        else:
            env.append(f"{key}={value}")
    state.config["Env"] = env
    state.commit("ENV " + " ".join(f"{k}={v}" for k, v in pairs), with_layer=False)


def dispatch_label(state: StageState, instruction: Instruction, lexer: Lexer) -> None:
    pairs = _pairs(instruction, lexer, dict(state.env))
    labels = dict(state.config.get("Labels") or {})
    labels.update(pairs)
    state.config["Labels"] = labels
    state.commit("LABEL " + " ".join(f"{k}={v}" for k, v in pairs), with_layer=False)


def dispatch_maintainer(state: StageState, instruction: Instruction) -> None:
    state.author = instruction.args[0]
    state.commit(f"MAINTAINER {instruction.args[0]}", with_layer=False)


def dispatch_user(state: StageState, instruction: Instruction, lexer: Lexer) -> None:
    user = expand(lexer, instruction.args[0], dict(state.env), instruction)
    state.config["User"] = user
    state.commit(f"USER {user}", with_layer=False)


def dispatch_volume(state: StageState, instruction: Instruction, lexer: Lexer) -> None:
    volumes = [expand(lexer, v, dict(state.env), instruction) for v in instruction.args]
    if any(v == "" for v in volumes):
        raise solve_error("VOLUME specified can not be an empty string", instruction.lines)
    current = dict(state.config.get("Volumes") or {})
    current.update({v: {} for v in volumes})
    state.config["Volumes"] = current
    state.commit(f"VOLUME {list_v(volumes)}", with_layer=False)


_SIGNALS = ["ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO",
            "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP",
            "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM",
            "WINCH", "XCPU", "XFSZ"]  # fmt: skip


def _valid_signal(signal: str) -> bool:
    """moby/sys/signal ParseSignal: a number, or a name with or without SIG (and RTMIN+n)."""
    if signal.isdigit():
        return int(signal) > 0
    name = signal.upper().removeprefix("SIG")
    return name in _SIGNALS or bool(re.fullmatch(r"RT(MIN|MAX)([+-]\d+)?", name))


def dispatch_stopsignal(state: StageState, instruction: Instruction, lexer: Lexer) -> None:
    signal = expand(lexer, instruction.args[0], dict(state.env), instruction)
    if not _valid_signal(signal):
        raise solve_error(f"Invalid signal: {signal}", instruction.lines)
    state.config["StopSignal"] = signal
    state.commit(f"STOPSIGNAL {signal}", with_layer=False)


def with_shell(state: StageState, instruction: Instruction) -> list[str]:
    """Shell form runs through SHELL (default `/bin/sh -c`) with the line as one argument."""
    args = instruction.command_line()
    if instruction.json:
        return args
    return state.shell + [" ".join(args)]


def dispatch_cmd(state: StageState, instruction: Instruction) -> None:
    args = with_shell(state, instruction)
    state.config["Cmd"] = args
    state.config["ArgsEscaped"] = True
    state.cmd_set = True
    state.commit(f"CMD {quote_list(args)}", with_layer=False)


def dispatch_entrypoint(state: StageState, instruction: Instruction) -> None:
    args = with_shell(state, instruction)
    state.config["Entrypoint"] = args or None
    if not state.cmd_set:
        state.config.pop("Cmd", None)  # an inherited CMD is reset (dispatchEntrypoint)
    state.commit(f"ENTRYPOINT {quote_list(args)}", with_layer=False)


def dispatch_shell(state: StageState, instruction: Instruction) -> None:
    state.config["Shell"] = list(instruction.args)
    state.commit(f"SHELL {list_v(list(instruction.args))}", with_layer=False)


def dispatch_onbuild(state: StageState, instruction: Instruction) -> None:
    triggers = list(state.config.get("OnBuild") or [])
    triggers.append(instruction.trigger)
    state.config["OnBuild"] = triggers  # no history entry at all (dispatchOnbuild)


_HEALTH_FLAGS = [
    ("Interval", "interval"),
    ("Timeout", "timeout"),
    ("StartPeriod", "start-period"),
    ("StartInterval", "start-interval"),
]


def dispatch_healthcheck(state: StageState, instruction: Instruction) -> None:
    args = instruction.args
    if args[0].upper() == "NONE":
        test = ["NONE"]
        times = {"Interval": 0, "Timeout": 0, "StartPeriod": 0, "StartInterval": 0}
        retries = 0
    else:
        command = list(args[1:]) if instruction.json else [" ".join(args[1:])]
        test = (["CMD"] if instruction.json else ["CMD-SHELL"]) + command
        times = {key: _interval(instruction, flag) for key, flag in _HEALTH_FLAGS}
        retries = _retries(instruction)
    health: dict = {"Test": test}
    health.update({k: v for k, v in times.items() if v})
    if retries:
        health["Retries"] = retries
    state.config["Healthcheck"] = health
    shown = " ".join(f"{k}:{duration(v)}" for k, v in times.items())
    state.commit(f"HEALTHCHECK {{Test:{list_v(test)} {shown} Retries:{retries}}}", False)


def _interval(instruction: Instruction, flag: str) -> int:
    value = instruction.flag(flag)
    if not value:
        return 0
    try:
        ns = parse_duration(value)
    except ValueError as error:
        raise _parse_error(instruction, str(error)) from None
    if 0 < ns < MINIMUM_DURATION:
        raise _parse_error(instruction, f'Interval "{flag}" cannot be less than 1ms')
    return ns


def _retries(instruction: Instruction) -> int:
    value = instruction.flag("retries")
    if not value:
        return 0
    try:
        retries = int(value)
    except ValueError:
        raise _parse_error(
            instruction, f'strconv.ParseInt: parsing "{value}": invalid syntax'
        ) from None
    if retries < 0:
        raise _parse_error(instruction, f"--retries cannot be negative ({retries})")
    return retries


def _parse_error(instruction: Instruction, message: str) -> BuildError:
    line = instruction.lines[0]
    return solve_error(f"dockerfile parse error on line {line}: {message}", instruction.lines)


def dispatch_expose(state: StageState, instruction: Instruction, lexer: Lexer) -> None:
    ports: list[str] = []
    for raw in instruction.args:
        try:
            ports.extend(lexer.words(raw, dict(state.env)))
        except ExpansionError as error:
            raise solve_error(str(error), instruction.lines) from None
    specs = sorted({spec for port in ports for spec in _port_specs(port, instruction)})
    exposed = dict(state.config.get("ExposedPorts") or {})
    exposed.update({spec: {} for spec in specs})
    state.config["ExposedPorts"] = exposed
    # Docker 24-28 (BuildKit <= v0.20) print the Go map: `EXPOSE map[80/tcp:{}]`
    state.commit("EXPOSE map[" + " ".join(f"{s}:{{}}" for s in specs) + "]", with_layer=False)


def _port_specs(port: str, instruction: Instruction) -> list[str]:
    """go-connections nat.ParsePortSpecs for `port[-port][/proto]` (no host part)."""
    number, _, proto = port.partition("/")
    proto = proto.lower() or "tcp"
    start, _, end = number.partition("-")
    if not start.isdigit() or (end and not end.isdigit()) or proto not in ("tcp", "udp", "sctp"):
        raise solve_error(f"invalid containerPort: {number}", instruction.lines)
    low, high = int(start), int(end or start)
    if high < low or high > 65535:
        raise solve_error(f"invalid port range: {number}", instruction.lines)
    return [f"{p}/{proto}" for p in range(low, high + 1)]


def normalize_workdir(current: str, requested: str) -> str:
    """system.NormalizeWorkdir: relative to the current WORKDIR, cleaned, absolute."""
    joined = posixpath.join(current or "/", requested)
    cleaned = posixpath.normpath(joined)
    return "/" + cleaned.lstrip("/")


def dispatch_arg(
    state: StageState,
    instruction: Instruction,
    lexer: Lexer,
    build_args: dict[str, str],
    global_args: dict[str, str],
) -> list[str]:
    """ARG inside a stage; returns the names it declared (for the consumed-args bookkeeping)."""
    shown, names = [], []
    for raw in instruction.args:
        key, eq, default = raw.partition("=")
        value: str | None = default if eq else None
        if key in build_args:
            value = build_args[key]
        elif value is not None:
            value = expand(lexer, value, dict(state.env), instruction)
        elif key in global_args:
            value = global_args[key]  # `ARG NAME` re-declares a global ARG in the stage
        if value is not None:
            state.set_env(key, value)
        state.build_args.append((key, value))
        names.append(key)
        shown.append(key if value is None else f"{key}={value}")
    state.commit("ARG " + " ".join(shown), with_layer=False)
    return names


def run_created_by(state: StageState, args: list[str]) -> str:
    """convert.go `runCommandString`: `|N K=v ...` for every ARG of the stage, then the args."""
    values: dict[str, str] = {}
    for key, value in state.build_args:
        values[key] = state.env.get(key, value or "")
    prefix = [f"|{len(values)}"] + [f"{k}={v}" for k, v in values.items()] if values else []
    return "RUN " + " ".join(prefix + args)


def meta_args(
    instructions: list[Instruction], lexer: Lexer, build_args: dict[str, str]
) -> dict[str, str]:
    """The global ARGs (before the first FROM), overridden by --build-arg (buildMetaArgs)."""
    values: dict[str, str] = {}
    for instruction in instructions:
        for raw in instruction.args:
            key, eq, default = raw.partition("=")
            if key in build_args:
                values[key] = build_args[key]
            elif eq:
                values[key] = expand(lexer, default, dict(values), instruction)
    return values
