"""Go's text/template as the Docker CLI uses it for `--format`.

`Template` parses and executes Go templates over JSON-like data (see `values.py` for how Go's
types are represented). The `docker` submodule adds what docker/cli layers on top: its template
functions (`docker.parse`), `--format`/table output (`docker.format_rows`) and the
`docker inspect --format` path (`docker.inspect`). Output and error texts match Go's, so the
oracle prints what Docker prints.
"""

from .errors import ExecError, GoFuncError, ParseError, TemplateError
from .funcs import GoFunc
from .gofmt import format_float, sprint, sprintf, sprintln
from .gojson import marshal
from .gostrconv import quote
from .template import Template
from .values import MISSING, GoNil, GoStruct, Iface

__all__ = [
    "MISSING",
    "ExecError",
    "GoFunc",
    "GoFuncError",
    "GoNil",
    "GoStruct",
    "Iface",
    "ParseError",
    "Template",
    "TemplateError",
    "format_float",
    "marshal",
    "quote",
    "sprint",
    "sprintf",
    "sprintln",
]
