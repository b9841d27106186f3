"""The ways a `docker` command fails, each carrying the text and exit status docker prints.

docker/cli (v27, the last line before v28 reworded its usage errors) prints errors in three
shapes, all on stderr:

- flag errors (cobra/pflag, `cli.FlagErrorFunc`): `unknown flag: --nope` and `See 'docker
  build --help'.`, exit status 125;
- argument-count errors (`cli/required.go`): `"docker tag" requires exactly 2 arguments.`, the
  `See ...` line, the usage line and the short description, exit status 1;
- daemon errors: `Error response from daemon: No such image: nope:latest`, exit status 1.

`docker run`/`docker create` word their own errors (`docker: ... See 'docker run --help'.`) and
exit with 125, or 126/127 when the program cannot be started (cli container/run.go).
"""

from __future__ import annotations

DAEMON_PREFIX = "Error response from daemon: "


class CliError(Exception):
    """A failed `docker` invocation: `message` goes to stderr (a newline is added), `status` is
    the exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class FlagError(CliError):
    """A flag parsing error, reported with the command path by the dispatcher (exit 125)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 125)


def daemon_error(message: str) -> CliError:
    return CliError(DAEMON_PREFIX + message, 1)


def flag_error_text(error: str, command_path: str) -> str:
    """cli.FlagErrorFunc for a command without sub-commands."""
    return f"{error}\nSee '{command_path} --help'."


def _plural(word: str, count: int) -> str:
    return word if count == 1 else word + "s"


def args_error(kind: str, command_path: str, use_line: str, short: str, *counts: int) -> CliError:
    """cli/required.go (v27): `kind` is exact, min, max, range or none."""
    if kind == "exact":
        head = f"requires exactly {counts[0]} {_plural('argument', counts[0])}."
    elif kind == "min":
        head = f"requires at least {counts[0]} {_plural('argument', counts[0])}."
    elif kind == "max":
        head = f"requires at most {counts[0]} {_plural('argument', counts[0])}."
    elif kind == "range":
        head = (
            f"requires at least {counts[0]} and at most {counts[1]} "
            f"{_plural('argument', counts[1])}."
        )
    else:
        head = "accepts no arguments."
    see = f"See '{command_path} --help'."
    text = f'"{command_path}" {head}\n{see}\n\nUsage:  {use_line}\n\n{short}'
    return CliError(text, 1)


def run_error(command: str, message: str, with_help: bool, status: int) -> CliError:
    """cli container/run.go `reportError`: `docker: <message>.` plus the --help hint."""
    text = message.removesuffix(".") + "."
    if with_help:
        text += f"\nSee 'docker {command} --help'."
    return CliError("docker: " + text, status)


def start_error_status(message: str) -> int:
    """cli container/run.go `runStartContainerErr`: 127 for a missing program, 126 when it
    cannot be executed, else 125."""
    trimmed = message.removeprefix(DAEMON_PREFIX)
    if "executable file not found" in trimmed or "no such file or directory" in trimmed:
        return 127
    if "permission denied" in trimmed or "is a directory" in trimmed:
        return 126
    return 125
