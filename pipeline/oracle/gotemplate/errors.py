"""Template errors. str() of each is exactly Go's error text, so docker's wrapping
("template parsing error: " + text) reproduces what the real CLI prints."""

from __future__ import annotations


class TemplateError(Exception):
    """Any error from parsing or executing a template."""


class ParseError(TemplateError):
    """A template that does not parse: `template: NAME:LINE: message`."""


class ExecError(TemplateError):
    """An error while executing: `template: NAME:LINE:COL: executing "NAME" at <node>: msg`.

    `output` is what had been written before the error (Go leaves it in the writer)."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


class GoFuncError(Exception):
    """Raised by a template function: becomes `error calling NAME: <message>`."""
