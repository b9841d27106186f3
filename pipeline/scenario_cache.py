"""The scenario cache: what each oracle scenario gave, so an unchanged scenario is not run again.

A result is keyed by the sha256 of the scenario's text, the oracle's and the pipeline's versions
and a digest of the oracle's own source files: a changed scenario, a new release or an edited
engine all miss. Entries are JSON in one pack under `.cache/oracle/` in the project root (never in
the output folder). The cache is only ever an optimisation: an entry that cannot be read, does
not parse or does not match its key is ignored (and stored again after the scenario runs again);
the pack's checksums mean a reader never takes half an entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline import __version__ as PIPELINE_VERSION
from pipeline.oracle import __version__ as ORACLE_VERSION
from pipeline.pack import Pack, file_in

CACHE_DIR = Path(".cache") / "oracle"
FORMAT = 1  # the layout of an entry; part of the key
ROOT_MARKERS = ("pyproject.toml", ".git")
_ORACLE_SOURCES = Path(__file__).resolve().parent / "oracle"


@dataclass(frozen=True)
class FailedCommand:
    """The command that stopped a scenario; `line` counts from the scenario's first line (1)."""

    line: int
    command: str  # as written, continuation lines and here-document bodies included
    reason: str  # "exit status 1", or the limit / not-simulated message
    stderr: str


@dataclass(frozen=True)
class Outcome:
    """What verification needs from one run of a scenario."""

    answer: str  # the last command's standard output, stripped (rule 2)
    failure: FailedCommand | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def lines(self, count: int) -> list[str]:
        """The first `count` lines of the answer, one per gap."""
        return self.answer.split("\n")[:count]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Outcome:
        """An outcome read back; ValueError if `data` is not exactly what `to_json` writes."""
        if not isinstance(data, dict) or set(data) != {"answer", "failure"}:
            raise ValueError("not an outcome")
        answer, failure = data["answer"], data["failure"]
        if not isinstance(answer, str):
            raise ValueError("answer is not a string")
        if failure is None:
            return cls(answer)
        fields = {"line": int, "command": str, "reason": str, "stderr": str}
        if not isinstance(failure, dict) or set(failure) != set(fields):
            raise ValueError("not a failed command")
        for name, kind in fields.items():
            if type(failure[name]) is not kind:
                raise ValueError(f"failure.{name} is not a {kind.__name__}")
        if failure["line"] < 1:
            raise ValueError("failure.line is not positive")
        return cls(answer, FailedCommand(**failure))


@cache
def oracle_fingerprint() -> str:
    """A digest of the oracle's code and data, so an edited engine never serves stale answers."""
    digest = hashlib.sha256()
    for path in sorted(_ORACLE_SOURCES.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            digest.update(path.relative_to(_ORACLE_SOURCES).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(scenario: str) -> str:
    parts = {
        "format": FORMAT,
        "scenario": scenario,
        "oracle": ORACLE_VERSION,
        "oracle_sources": oracle_fingerprint(),
        "pipeline": PIPELINE_VERSION,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def project_root(source: Path) -> Path:
    """The nearest folder at or above `source` with a pyproject.toml or .git; else its folder."""
    start = source.resolve()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


def default_cache_dir(source: Path) -> Path:
    return project_root(source) / CACHE_DIR


def is_inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


SCENARIOS_PACK = "scenarios.pack"


class ScenarioCache(Pack):
    """Outcomes as JSON in one pack (`<dir>/scenarios.pack`), never pruned: every source of the
    project shares it, so what one build did not use says nothing. Verifying saves it."""

    def __init__(self, directory: Path | None) -> None:
        super().__init__(file_in(directory, SCENARIOS_PACK), prune=False)

    def load(self, scenario: str) -> Outcome | None:
        """The stored outcome, or None if there is none or it cannot be trusted."""
        key = cache_key(scenario)
        return self.decoded(key, lambda data: self._trusted(key, data))

    @staticmethod
    def _trusted(key: str, data: bytes) -> Outcome | None:
        try:
            entry = json.loads(data.decode("utf-8"))
            if not isinstance(entry, dict) or entry.get("key") != key:
                return None  # an entry for another key
            return Outcome.from_json(entry.get("outcome"))
        except (ValueError, TypeError):  # undecodable or corrupt: run it again
            return None

    def store(self, scenario: str, outcome: Outcome) -> None:
        key = cache_key(scenario)
        entry = {"key": key, "outcome": outcome.to_json()}
        text = json.dumps(entry, ensure_ascii=False, indent=1) + "\n"
        self.put(key, text.encode("utf-8"))
