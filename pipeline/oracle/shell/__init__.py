"""The scenario shell: a POSIX shell (dash's dialect and messages) and GNU-style programs,
interpreted over a `FileSystem`, with no path to the real machine.

- `Shell(fs, env=, cwd=, commands=, host=True, user=, budget=)`: `.run(script) -> Completed`,
  `.run_script(script, io)`; `commands` maps a name to a `HostCommand`
  `(argv, stdin: bytes, CommandContext) -> (status, stdout: bytes, stderr: bytes)`.
- `ShellRunner(budget=, clock=)`: the engine's `process.Runner` (RUN, docker run/exec).
- `Limits`, `Budget`, `LimitExceeded`, `NotSimulated` (both `ShellAbort`: they end a scenario).
- `pipeline.oracle.scenario`: `World`, `parse_scenario`, `run_scenario`.
"""

from pipeline.oracle.shell.interpreter import CommandContext, HostCommand, Shell
from pipeline.oracle.shell.limits import Budget, LimitExceeded, Limits, NotSimulated, ShellAbort
from pipeline.oracle.shell.runner import ShellRunner

__all__ = [
    "Budget",
    "CommandContext",
    "HostCommand",
    "LimitExceeded",
    "Limits",
    "NotSimulated",
    "Shell",
    "ShellAbort",
    "ShellRunner",
]
