"""Build progress as data: the vertices BuildKit reports and `--progress=plain` prints.

The builder only records what happened (which vertices, their labels, CACHED or not, the output
lines of RUN, the exporter's lines); turning that into `#5 [2/3] COPY app.py /app/` text is the
docker CLI's job (buildkit util/progress/progressui/printer.go, docker-image-semantics.md §3.3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Vertex:
    name: str  # "[internal] load build definition from Dockerfile", "[2/3] RUN echo hi", ...
    kind: str = "step"  # internal | step | export
    cached: bool = False
    details: list[str] = field(default_factory=list)  # "transferring context: 52B done", ...
    output: list[str] = field(default_factory=list)  # the lines a RUN printed (stdout, stderr)
    error: str = ""  # what follows `#N ERROR: ` when the vertex failed


def step_label(stage: str, index: int, total: int, text: str, onbuild: bool = False) -> str:
    """convert.go `prefixCommand`: `[i/n] TEXT`, `[name i/n] TEXT`; `i` padded to n's width."""
    width = int(1 + math.log10(total))
    prefix = f"{stage} " if stage else ""
    return f"[{prefix}{index:>{width}}/{total}] " + ("ONBUILD " if onbuild else "") + text


def uppercase_command(text: str) -> str:
    """convert.go `uppercaseCmd`: the first word upper-cased."""
    head, sep, rest = text.partition(" ")
    return head.upper() + sep + rest


def summarize_heredoc(doc: str) -> str:
    """convert.go `summarizeHeredoc`: the first line, with `...` when there are more."""
    lines = doc.strip().replace("\r\n", "\n").split("\n")
    return lines[0] + ("..." if len(lines) > 1 else "")
