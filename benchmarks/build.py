"""Benchmark: `pipeline build` on a generated course, cold and incremental, against a mistune floor.

Measures, each build in its own process (as a user runs it):
- cold: no output, no caches;
- unchanged: the same build again, nothing edited;
- one lesson: one lesson's text edited, then built;
  (these two, in turn, `--repeat` times with a different lesson each time: their medians)
- peak memory: the largest max RSS of the build process and of any worker it started;
- floor: mistune alone parsing every lesson in one process (import included);
- scenario: the median wall time of one oracle scenario run (no cache), over a sample.

Targets (2 cores): cold ≤ 2× floor; unchanged < 5% of cold; one lesson < 10% of cold;
peak memory < 500 MB; median scenario < 20 ms.

Run: python benchmarks/build.py [N] [--work DIR] [--repeat K]   (N defaults to 5000)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402

# Runs the CLI, then reports its own and its children's (pool workers') peak RSS in KiB.
_RUN_BUILD = """
import json, resource, sys
from pipeline.cli import main
code = main(sys.argv[1:])
usage = {who: resource.getrusage(getattr(resource, who)).ru_maxrss
         for who in ("RUSAGE_SELF", "RUSAGE_CHILDREN")}
print(json.dumps({"code": code, "rss": usage}), file=sys.stderr)
"""

_FLOOR = """
import sys, time
from pathlib import Path
import mistune
md = mistune.create_markdown(renderer=None)
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    md(path.read_text(encoding="utf-8"))
"""

_ORACLE_BLOCK = re.compile(r"^```oracle\n(.*?)^```$", re.M | re.S)


def timed(args: list[str]) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    report = {}
    for line in done.stderr.splitlines()[::-1]:
        if line.startswith('{"code"'):
            report = json.loads(line)
            break
    if done.returncode != 0 or report.get("code", 0) != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed, report


def build(source: Path, work: Path, options: list[str]) -> tuple[float, float]:
    """One build; (seconds, peak RSS in MB of the largest process)."""
    args = [sys.executable, "-c", _RUN_BUILD, "build", str(source), "-o", str(work / "dist")]
    args += options
    elapsed, report = timed([*args, "--cache-dir", str(work / "cache" / "oracle")])
    return elapsed, max(report["rss"].values()) / 1024


def scenario_times(source: Path, sample: int) -> list[float]:
    from pipeline import verify

    texts = []
    for path in sorted(source.rglob("*.md")):
        texts += _ORACLE_BLOCK.findall(path.read_text(encoding="utf-8"))
    step = max(1, len(texts) // sample)
    times = []
    for text in texts[::step][:sample]:
        start = time.perf_counter()
        verify.run(text)
        times.append(time.perf_counter() - start)
    return times


def edit_one_lesson(source: Path, where: float = 0.5) -> Path:
    """Add a sentence to the lesson at `where` (0–1) of the course's lessons in path order."""
    lessons = sorted(p for p in source.rglob("*.md") if p.name != "README.md")
    target = lessons[min(int(len(lessons) * where), len(lessons) - 1)]
    text = target.read_text(encoding="utf-8")
    marker = "## Content\n\n"
    edited = text.replace(marker, marker + "An edited sentence.\n\n", 1)
    target.write_text(edited, encoding="utf-8")
    return target


PLACES = (0.5, 0.25, 0.75, 0.1, 0.9)  # where the edited lessons sit in the course


def _share(runs: list[float], cold: float) -> str:
    """The median run against the cold build, then every run when there was more than one."""
    median = statistics.median(runs)
    each = "" if len(runs) < 2 else " [" + ", ".join(f"{r:.2f}" for r in runs) + "]"
    return f"{median:.2f} s ({median / cold:.1%} of cold){each}"


class Results(dict):
    """Printed as soon as measured: a long run that fails later still shows its first numbers."""

    def __setitem__(self, name: str, value: str) -> None:
        print(f"{name:>20}: {value}", flush=True)
        super().__setitem__(name, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("count", type=int, nargs="?", default=5000)
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        choices=range(1, len(PLACES) + 1),
        help="unchanged and one-lesson rebuilds to take the median of (default 3)",
    )
    parser.add_argument(
        "--baseline", action="store_true", help="build serially without the lesson cache"
    )
    args = parser.parse_args()
    options = ["--jobs", "1", "--no-cache"] if args.baseline else []
    work = args.work / f"run-{args.count}"
    shutil.rmtree(work, ignore_errors=True)
    source = generate(args.count, work / "corpus")

    results = Results()
    floor, _ = timed([sys.executable, "-c", _FLOOR, str(source)])
    results["mistune floor"] = f"{floor:.2f} s"
    cold, cold_mb = build(source, work, options)
    results["cold build"] = f"{cold:.2f} s ({cold / floor:.2f}× floor)"
    peaks = [cold_mb]
    unchanged_runs, one_runs = [], []
    for place in PLACES[: args.repeat]:  # a round: nothing changed, then one lesson edited
        seconds, peak = build(source, work, options)
        unchanged_runs.append(seconds)
        peaks.append(peak)
        edit_one_lesson(source, place)
        seconds, peak = build(source, work, options)
        one_runs.append(seconds)
        peaks.append(peak)
    results["unchanged rebuild"] = _share(unchanged_runs, cold)
    results["one lesson changed"] = _share(one_runs, cold)
    results["peak RSS"] = f"{max(peaks):.0f} MB"
    times = scenario_times(source, 50)
    results["median scenario"] = f"{statistics.median(times) * 1000:.1f} ms (of {len(times)})"


if __name__ == "__main__":
    main()
