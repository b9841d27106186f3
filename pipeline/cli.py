"""The command line: `python -m pipeline check|build ...` (also the `pipeline` console script).

Each subcommand is one entry of COMMANDS (its arguments and the function that runs it), so
another subcommand (`oracle`) is one more entry. No input, and no bug, ends in a traceback:
problems are diagnostics, and an unexpected exception becomes an `internal-error` diagnostic.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import __version__, collector, oracle_cli, verify
from pipeline import diagnostics as diags
from pipeline.build import build, source_date_epoch
from pipeline.check import Checked, check
from pipeline.diagnostics import Diagnostic, internal_error, plural
from pipeline.lesson_cache import CACHE_DIR as LESSON_CACHE
from pipeline.scenario_cache import ScenarioCache, is_inside, project_root

DEFAULT_SOURCE = Path("cards")
DEFAULT_OUTPUT = Path("dist")


def add_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="lesson files or folders (default: cards/)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="diagnostics as text lines or one JSON document",
    )
    _add_common(parser)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes that read lessons, run scenarios and write outputs (default: one per CPU)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every lesson again instead of using the lesson cache",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings, and questions without an oracle scenario, as errors",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where scenario results are kept, and checked lessons in its lessons/ "
        "(default: .cache/oracle and .cache/lessons in the project root)",
    )


def run_check(args: argparse.Namespace) -> int:
    paths = args.paths or [DEFAULT_SOURCE]
    problems: list[Diagnostic] = []
    results: list[Checked] = []
    with _progress() as on_lesson:
        for path in paths:
            lessons = None if args.no_cache else lesson_cache_dir(path, args.cache_dir)
            result = check(path, on_lesson, cache_dir=lessons, jobs=args.jobs)
            results.append(result)
            cache = ScenarioCache(verify.cache_dir(path, args.cache_dir))
            verified = verify.Verifier(cache).verify_all(result.cards, args.jobs)
            found = [*result.diagnostics, *verified]
            if args.strict:
                found = diags.strict(found) + verify.unverified(result.cards)
            problems.extend(diags.ordered(found))
    summary = _summary(results, problems)
    if args.format == "json":
        sys.stdout.write(diags.format_json(problems, summary))
    else:
        sys.stdout.write(diags.format_text(problems))
        print(_summary_line(summary))
    return 1 if diags.has_errors(problems) else 0


def add_build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        metavar="PATH",
        help="the course folder (default: cards/)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help="output folder (default: dist/)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="after building, rebuild whenever a file under PATH changes",
    )
    _add_common(parser)


def run_build(args: argparse.Namespace) -> int:
    try:
        epoch = source_date_epoch()
    except ValueError:
        print(
            "pipeline build: error: SOURCE_DATE_EPOCH must be a non-negative integer",
            file=sys.stderr,
        )
        return 2
    cache_dir = verify.cache_dir(args.path, args.cache_dir)
    lesson_cache = lesson_cache_dir(args.path, args.cache_dir)
    if is_inside(cache_dir, args.output) or is_inside(lesson_cache, args.output):
        message = "the scenario cache cannot be inside the output folder (--cache-dir)"
        print(f"pipeline build: error: {message}", file=sys.stderr)
        return 2
    code = _build_once(args, epoch, cache_dir, lesson_cache)
    if not args.watch:
        return code
    return _watch(args, lambda: _build_once(args, epoch, cache_dir, lesson_cache), code)


def lesson_cache_dir(source: Path, given: Path | None = None) -> Path:
    """A folder for `source` under `lessons/` inside `--cache-dir` if given (beside the
    scenario pack), else under `.cache/lessons` in the project root.

    One folder per source: its packs keep only what a build of that source uses, so checking
    one lesson must not prune what building the whole course stored."""
    base = given / "lessons" if given is not None else project_root(source) / LESSON_CACHE
    resolved = source.resolve()
    scope = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return base / f"{resolved.name or 'root'}-{scope}"


def _build_once(args: argparse.Namespace, epoch: int | None, cache_dir: Path, lessons: Path) -> int:
    with _progress() as on_lesson:
        result = build(
            args.path,
            args.output,
            strict=args.strict,
            epoch=epoch,
            on_lesson=on_lesson,
            cache_dir=cache_dir,
            lesson_cache=None if args.no_cache else lessons,
            jobs=args.jobs,
        )
    sys.stdout.write(diags.format_text(result.diagnostics))
    checked = [result.checked] if result.checked else []
    summary = _summary(checked, result.diagnostics)
    if result.checked is None and result.summary is not None:  # skipped: the last build's counts
        summary = {**result.summary, **{k: summary[k] for k in ("errors", "warnings")}}
    print(_summary_line(summary))
    if not result.ok:
        print(f"build failed: {args.output}/ left unchanged", file=sys.stderr)
        return 1
    for path in result.written:
        print(f"up to date {path}" if result.skipped else f"wrote {path}")
    return 0


def _watch(args: argparse.Namespace, rebuild: Callable[[], int], code: int) -> int:
    """`build --watch`: rebuild whenever a file under PATH changes, until interrupted.

    Changes inside the output folder or a cache (when they sit under PATH) are not the
    author's and would rebuild forever, so they are ignored.
    """
    import watchfiles

    ignored = [args.output.resolve(), verify.cache_dir(args.path, args.cache_dir).resolve()]
    ignored.append(lesson_cache_dir(args.path, args.cache_dir).resolve())

    def wanted(change: watchfiles.Change, name: str) -> bool:
        path = Path(name).resolve()
        return watchfiles.DefaultFilter()(change, name) and not any(
            path.is_relative_to(folder) for folder in ignored
        )

    print(f"watching {args.path} for changes (Ctrl-C to stop)", flush=True)
    for changes in watchfiles.watch(args.path, watch_filter=wanted, raise_interrupt=False):
        names = sorted({name for _, name in changes})
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        print(f"changed: {shown}; rebuilding", flush=True)
        code = rebuild()
        sys.stdout.flush()
    return code


# name: (help, add its arguments, run it)
COMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {
    "check": ("read and check lessons; exit 1 on any error", add_check, run_check),
    "build": ("check, then write cards.json into the output folder", add_build, run_build),
    "oracle": (oracle_cli.SUMMARY, oracle_cli.add_arguments, oracle_cli.run),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="pipeline", description="Enki insight lessons in; checked cards out."
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (summary, add_arguments, run) in COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=summary)
        add_arguments(command)
        command.set_defaults(run=run)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with collector.few_collections():
            return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `pipeline check | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:  # the last guard: a bug, reported as a diagnostic, never a traceback
        print(internal_error(getattr(args, "path", None) or "pipeline", exc).format())
        return 1


def _summary(results: list[Checked], problems: list[Diagnostic]) -> dict[str, int]:
    keys = ("lessons", "cards", "questions", "verified", "unverified", "failing")
    total = {key: sum(r.summary()[key] for r in results) for key in keys}
    total["errors"], total["warnings"] = diags.count(problems)
    return total


def _summary_line(summary: dict[str, int]) -> str:
    return (
        f"checked {plural(summary['lessons'], 'lesson')}, {plural(summary['cards'], 'card')} "
        f"({summary['verified']} verified, {summary['unverified']} unverified, "
        f"{summary['failing']} failing): "
        f"{plural(summary['errors'], 'error')}, {plural(summary['warnings'], 'warning')}"
    )


@contextmanager
def _progress() -> Iterator[Callable[[Path], None] | None]:
    """A live count of lessons read, on a terminal only (quiet in pipes and CI logs)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn("reading lessons: {task.completed}"))
    with Progress(*columns, transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("read", total=None)
        yield lambda _path: progress.advance(task)
