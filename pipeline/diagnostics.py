"""Diagnostics: the problems found in lessons and manifests, as plain values.

A diagnostic points at one line of one file (`path:line:col: error|warning: message [rule-id]`).
They are collected across all files so that one bad lesson never hides the others; nothing in
the pipeline raises an exception to report a problem in its input.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    message: str
    rule: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.rule}]"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def error(path: str | Path, line: int, message: str, rule: str, col: int = 1) -> Diagnostic:
    return Diagnostic(str(path), max(line, 1), max(col, 1), ERROR, message, rule)


def warning(path: str | Path, line: int, message: str, rule: str, col: int = 1) -> Diagnostic:
    return Diagnostic(str(path), max(line, 1), max(col, 1), WARNING, message, rule)


def strict(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """`--strict`: every warning becomes an error."""
    return [replace(d, severity=ERROR) for d in diagnostics]


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """File order, then line order; duplicates (the same finding twice) dropped."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.col, d.rule, d.message))


def count(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for d in diagnostics:
        if d.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(d.format() + "\n" for d in diagnostics)


def format_json(diagnostics: Iterable[Diagnostic], summary: dict[str, object]) -> str:
    document = {"diagnostics": [d.to_dict() for d in diagnostics], "summary": summary}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def internal_error(path: str | Path, exc: BaseException) -> Diagnostic:
    """An exception turned into a diagnostic: the pipeline has a bug, the input may be fine."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = f"internal error{place}: {type(exc).__name__}: {exc} (a bug in the pipeline)"
    return error(path, 1, message, "internal-error")
