"""The one error a build raises, carrying Docker's own wording.

`message` is what `docker build` prints after `ERROR: ` (BuildKit: `failed to solve: ...`);
`lines` is the Dockerfile range the error points at (BuildKit prints that excerpt with `>>>`
markers), `vertex` the progress label of the failing step (` > [2/3] RUN exit 3:`), when any.
"""

from __future__ import annotations


class BuildError(Exception):
    def __init__(
        self,
        message: str,
        lines: tuple[int, int] | None = None,
        vertex: str | None = None,
        dockerfile: str = "Dockerfile",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.lines = lines
        self.vertex = vertex
        self.dockerfile = dockerfile
        self.vertices: list = []  # the progress up to the failure (build.py fills it in)
        self.source: str | None = None  # the Dockerfile text, for the `>>>` excerpt

    @property
    def line(self) -> int | None:
        return self.lines[0] if self.lines else None


def solve_error(reason: str, lines: tuple[int, int] | None = None, **kw: str) -> BuildError:
    """BuildKit wraps every failure of the solve in `failed to solve: `."""
    return BuildError(f"failed to solve: {reason}", lines, **kw)


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def with_suggestion(message: str, value: str, options: list[str], case_sensitive: bool) -> str:
    """buildkit util/suggest `WrapError`: append ` (did you mean x?)` for a distance below 3."""
    wanted = value if case_sensitive else value.lower()
    match, best = "", 3
    for option in options:
        candidate = option if case_sensitive else option.lower()
        if candidate == wanted:
            return message  # an exact match means the error is about something else
        distance = levenshtein(wanted, candidate)
        if distance < best:
            match, best = _match_case(candidate, value, case_sensitive), distance
    return f"{message} (did you mean {match}?)" if match else message


def _match_case(option: str, original: str, case_sensitive: bool) -> str:
    if case_sensitive:
        return option
    if original == original.lower():
        return option.lower()
    if original == original.upper():
        return option.upper()
    return option
