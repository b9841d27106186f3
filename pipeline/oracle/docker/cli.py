"""The `docker` host command: find the sub-command, parse its flags, run it, print its errors.

`Docker(engine)` is a scenario shell `HostCommand`: `(argv, stdin, context) -> (status, stdout,
stderr)`. Commands are looked up by their words (`docker image ls`, `docker images`); a real
docker command the oracle does not model ends the scenario with `NotSimulated` rather than
pretending to be unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.oracle.docker.command import Command, Invocation
from pipeline.oracle.docker.errors import CliError, FlagError, daemon_error, flag_error_text
from pipeline.oracle.docker.flags import HelpRequested
from pipeline.oracle.shell.interpreter import CommandContext
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.store import StoreError
from pipeline.oracle.volume import VolumeError

# Real docker commands (docker 27) outside the oracle's subset.
KNOWN_COMMANDS = {
    "attach", "builder", "buildx", "checkpoint", "compose", "config", "container", "context",
    "events", "export", "image", "import", "info", "init", "kill", "login", "logout", "manifest",
    "network", "node", "pause", "plugin", "port", "rename", "restart", "search", "secret",
    "service", "stack", "stats", "swarm", "system", "top", "trust", "unpause", "update",
    "version", "volume", "wait", "scout", "debug", "sbom",
}  # fmt: skip


def command_table() -> dict[tuple[str, ...], Command]:
    from pipeline.oracle.docker.commands import build, container, image, registry, system, volume

    table: dict[tuple[str, ...], Command] = {}
    for module in (build, image, container, volume, system, registry):
        table.update(module.COMMANDS)
    return table


class Docker:
    """The docker CLI of one scenario, talking to one engine."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.commands = command_table()
        # What detached or started containers printed: `docker logs` shows it (container ID ->
        # both streams in order); the engine itself keeps no logs.
        self.logs: dict[str, tuple[tuple[int, bytes], ...]] = {}  # Completed.chunks()
        # Ports published with `-p` (container ID -> [(host port, "80/tcp")]), for PORTS.
        self.ports: dict[str, list[tuple[str, str]]] = {}

    def __call__(
        self, argv: list[str], stdin: bytes, context: CommandContext
    ) -> tuple[int, bytes, bytes]:
        args = list(argv[1:])
        found = self._lookup(args)
        if found is None:
            return self._unknown(args)
        command, rest = found
        invocation = Invocation(self, command, None, stdin, context)  # type: ignore[arg-type]
        try:
            invocation.opts = command.parse(rest)
            status = command.run(invocation)
        except FlagError as error:
            invocation.err(flag_error_text(error.message, command.path) + "\n")
            status = error.status
        except HelpRequested:
            raise NotSimulated(f"`{command.path} --help` is not simulated by the oracle") from None
        except CliError as error:
            invocation.err(error.message + "\n")
            status = error.status
        except (StoreError, VolumeError) as error:
            invocation.err(daemon_error(str(error)).message + "\n")
            status = 1
        return status, bytes(invocation.stdout), bytes(invocation.stderr)

    def _lookup(self, args: Sequence[str]) -> tuple[Command, list[str]] | None:
        for width in (2, 1):
            key = tuple(args[:width])
            if len(key) == width and key in self.commands:
                return self.commands[key], list(args[width:])
        return None

    def _unknown(self, args: list[str]) -> tuple[int, bytes, bytes]:
        if not args:
            raise NotSimulated("`docker` without a command (its help text) is not simulated")
        first = args[0]
        if first.startswith("-"):
            raise NotSimulated(f"docker's global option {first} is not simulated by the oracle")
        if first in KNOWN_COMMANDS:
            words = " ".join(args[:2]) if len(args) > 1 else first
            raise NotSimulated(f"`docker {words}` is not simulated by the oracle")
        message = f"docker: '{first}' is not a docker command.\nSee 'docker --help'\n"
        return 1, b"", message.encode()
