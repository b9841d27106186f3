"""Build every generated case with buildah and keep the normalised results as JSON in data/.

The recordings let a test compare the engine with buildah without waiting for buildah; the live
session fixture rebuilds them and a test checks the recordings are still what buildah does.
Re-record after changing the generator or the harness:

    python tests/differential/recording.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: make the `differential` package importable
    sys.path.append(str(Path(__file__).resolve().parents[1]))

from differential.generator import Case, generate_cases
from differential.harness import BuildahImage, Storage, rebuild, redact, static_busybox

DATA = Path(__file__).resolve().parent / "data"
BUSYBOX_LABEL = "<busybox>"
BUSYBOX_COPY = "/bin/sh -c #(nop) COPY dir:<busybox> in /bin "  # buildah's text, hash redacted


@dataclass(frozen=True)
class CaseResult:
    """A generated case built by buildah, then rebuilt after its one source change."""

    case: Case
    first: BuildahImage
    rebuilt: BuildahImage

    def to_json(self) -> dict[str, Any]:
        first = _portable(self.first)
        # Which steps of a first build hit the cache depends on what the store saw before.
        first.pop("cached_steps")
        return {**self.case.to_json(), "first": first, "rebuilt": _portable(self.rebuilt)}


def build_all(cases: list[Case], directory: Path) -> dict[str, CaseResult]:
    """Build and rebuild every case, several at once.

    Each worker has its own store: builds in one store serialise on its lock, which made a shared
    store barely faster than building one case after the other. A case's rebuild uses the store
    of its first build."""
    workers = max(2, min(8, 2 * (os.cpu_count() or 1)))

    def build(numbered: tuple[int, Case]) -> CaseResult:
        n, case = numbered
        storage = Storage(directory / f"store-{n % workers}")
        first, rebuilt = rebuild(
            case.full_context(),
            case.changed_context(),
            case.dockerfile,
            directory,
            case.name,
            storage,
        )
        return CaseResult(case, first, rebuilt)

    with ThreadPoolExecutor(workers) as pool:
        return {result.case.name: result for result in pool.map(build, enumerate(cases))}


def _portable(image: BuildahImage) -> dict[str, Any]:
    """The JSON of `image` without what depends on the installed busybox build."""
    busybox = hashlib.sha256(static_busybox()).hexdigest()
    data = BuildahImage(**{**vars(image), "tree": redact(image.tree, {busybox: BUSYBOX_LABEL})})
    portable = data.to_json()
    # The image ID and DiffIDs hash busybox's bytes; created_by of `COPY bin /bin` hashes them too.
    portable.pop("image_id")
    portable["diff_ids"] = [
        BUSYBOX_LABEL if n == 0 else d for n, d in enumerate(portable["diff_ids"])
    ]
    portable["history"][0]["created_by"] = BUSYBOX_COPY
    return portable


def buildah_version() -> str:
    return subprocess.run(
        ["buildah", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def write_recordings(results: dict[str, CaseResult], directory: Path = DATA) -> None:
    directory.mkdir(exist_ok=True)
    for old in directory.glob("case-*.json"):
        old.unlink()
    version = buildah_version()
    for name, result in sorted(results.items()):
        record = {"buildah": version, **result.to_json()}
        (directory / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n")


def load_recordings(directory: Path = DATA) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(directory.glob("case-*.json"))}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="differential-") as temp:
        results = build_all(generate_cases(), Path(temp))
        write_recordings(results)
    print(f"recorded {len(results)} cases in {DATA}")


if __name__ == "__main__":
    main()
