"""Go's text/template `Template`: parse once, execute against data, with a function map and
the `missingkey` option."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ExecError
from .executor import Executor
from .funcs import BUILTINS, GoFunc
from .gostrconv import quote
from .parser import Tree

MISSINGKEY_OPTIONS = ("default", "invalid", "zero", "error")


class Template:
    """`Template(name).funcs({...}).parse(text).execute(data)` as in Go.

    Like Go, `funcs` mutates the template and returns it (docker swaps in its header functions
    this way before printing a table header)."""

    def __init__(self, name: str = "", missingkey: str = "default") -> None:
        if missingkey not in MISSINGKEY_OPTIONS:
            raise ValueError(f"unrecognized option: missingkey={missingkey}")
        self.name = name
        self.missingkey = missingkey
        self._funcs: dict[str, GoFunc] = {}
        self.trees: dict[str, Tree] = {}

    def funcs(self, funcs: Mapping[str, GoFunc]) -> Template:
        self._funcs.update(funcs)
        return self

    def option(self, missingkey: str) -> Template:
        """A copy with another `missingkey` (docker re-runs inspect templates with `error`)."""
        copy = Template(self.name, missingkey)
        copy._funcs = dict(self._funcs)
        copy.trees = self.trees
        return copy

    @property
    def exec_funcs(self) -> dict[str, GoFunc]:
        return {**BUILTINS, **self._funcs}

    def parse(self, text: str, left_delim: str = "", right_delim: str = "") -> Template:
        """Template.Parse; raises ParseError with Go's message."""
        tree = Tree(self.name, [set(self._funcs), set(BUILTINS)])
        tree.parse(text, self.trees, left_delim, right_delim)
        return self

    def execute(self, data: Any) -> str:
        """Template.Execute; returns the output or raises ExecError (with the partial output)."""
        return self.execute_template(self.name, data)

    def execute_template(self, name: str, data: Any) -> str:
        """Template.ExecuteTemplate: run the associated template called `name`."""
        tree = self.trees.get(name)
        if tree is None and name != self.name:
            raise ExecError(
                f"template: no template {quote(name)} associated with template {quote(self.name)}"
            )
        executor = Executor(
            name,
            self.trees,
            self.exec_funcs,
            frozenset(name for name in BUILTINS if name not in self._funcs),
            self.missingkey,
        )
        if tree is None:
            raise ExecError(f"template: {name}: {quote(name)} is an incomplete or empty template")
        return executor.execute(tree, data)
