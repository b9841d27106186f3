"""The simulated programs, one module per family; `PROGRAMS` maps a name to its function."""

from pipeline.oracle.shell.programs import (  # noqa: F401 - importing registers the programs
    accounts,
    archive,
    dump,
    files,
    grep,
    listing,
    output,
    sed,
    system,
    text,
)
from pipeline.oracle.shell.programs.base import PROGRAMS, Invocation, Program, program

__all__ = ["PROGRAMS", "Invocation", "Program", "program"]
