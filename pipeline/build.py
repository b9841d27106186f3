"""The build command, as the list of its stages.

Each stage takes the build context and fills in its part. Everything is written into a
staging folder next to the output; only when every stage succeeded does the staging folder
trade places with the output, in one atomic exchange, so a failed build leaves the previous
`dist/` as it was and a killed one leaves it old or new, never half of each. Later stages (the
oracle's verification, the Anki deck, the site) slot into `STAGES`.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import build_stamp as stamps
from pipeline import collector, export_json, swap, verify
from pipeline import diagnostics as diags
from pipeline.anki import anki_stage
from pipeline.check import Checked, check
from pipeline.diagnostics import Diagnostic, internal_error
from pipeline.pack import Pack, file_in
from pipeline.reuse import Reuse
from pipeline.site import site_stage


class BuildFailed(Exception):
    """A stage found errors in the input (reported as diagnostics), so nothing is published."""


@dataclass
class BuildContext:
    source: Path
    output: Path
    staging: Path
    strict: bool = False
    epoch: int | None = None  # SOURCE_DATE_EPOCH, for anything that records a time
    on_lesson: Callable[[Path], None] | None = None
    cache_dir: Path | None = None  # the scenario cache; None: .cache/oracle in the project root
    lesson_cache: Path | None = None  # parsed and checked lessons; None: no lesson cache
    jobs: int = 1  # processes that read lessons, run scenarios and write outputs
    checked: Checked | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # names of the files and folders produced
    pending: list[_Background] = field(default_factory=list)  # stages running in a child
    reuse: Reuse = field(default_factory=Reuse)  # the previous build's files, by their keys
    position: int = 0  # the stage running, as its index
    verifier: verify.Verifier | None = None  # made early when its pool starts during checking
    verifying: bool = False  # verify_stage will run: its pool may start during checking


@dataclass
class BuildResult:
    ok: bool
    diagnostics: list[Diagnostic]
    written: list[Path]
    checked: Checked | None
    summary: dict[str, int] | None = None  # the checked course's counts (also when skipped)
    skipped: bool = False  # nothing changed since the last build: the outputs were kept


Stage = Callable[[BuildContext], None]


def check_stage(ctx: BuildContext) -> None:
    """Read and check every lesson; any error stops the build."""
    warm = (lambda lessons: verify.start_pool_early(ctx, lessons)) if ctx.verifying else None
    ctx.checked = check(
        ctx.source, ctx.on_lesson, cache_dir=ctx.lesson_cache, jobs=ctx.jobs, after_reading=warm
    )
    found = ctx.checked.diagnostics
    ctx.diagnostics = diags.strict(found) if ctx.strict else list(found)
    if diags.has_errors(ctx.diagnostics):
        raise BuildFailed


JSON_PACK = "cards.pack"  # in the lesson cache: cards.json's texts, lesson by lesson


def json_stage(ctx: BuildContext) -> None:
    """cards.json: the course tree, the lessons and every card.

    Unchanged lessons' entries and cards come as text from the cache; what is new is validated
    (by a second process with more than one job, joined before publishing) and then cached.
    """
    checked = ctx.checked
    assert checked is not None
    # one file for all 10,000 texts: opening each costs more than reading them all
    store = Pack(file_in(ctx.lesson_cache, JSON_PACK))
    rendered = export_json.render(checked.curriculum, checked.cards, ctx.epoch, store)
    if rendered is not None:
        text = rendered.text

        def require_valid() -> None:
            rendered.require_valid()
            store.save()  # the texts validated, in the process that validated them

    else:  # a schema whose arrays cannot be validated item by item
        data = export_json.document(checked.curriculum, checked.cards, ctx.epoch)
        memo = ctx.lesson_cache / "export-valid.pickle" if ctx.lesson_cache else None
        text = export_json.dumps(data)

        def require_valid() -> None:
            export_json.require_valid(data, memo)

    if ctx.jobs > 1 and _can_fork():
        ctx.pending.append(_Background.start(lambda _: require_valid(), ctx))
    else:
        require_valid()
    ctx.written.append(export_json.write_text(text, ctx.staging).name)


STAGES: list[Stage] = [check_stage, verify.verify_stage, json_stage, anki_stage, site_stage]
# Stages that only read the checked course and write their own entries of the staging folder:
# with more than one job, these run in a second process (fork) while this one runs the stages
# between, so the site is rendered on the second core while cards.json and the decks are written.
PARALLEL: set[Stage] = {site_stage}
OUTPUT_STAGES: set[Stage] = {json_stage, anki_stage, site_stage}


def build(
    source: Path,
    output: Path,
    *,
    strict: bool = False,
    epoch: int | None = None,
    on_lesson: Callable[[Path], None] | None = None,
    stages: list[Stage] | None = None,
    cache_dir: Path | None = None,
    lesson_cache: Path | None = None,
    jobs: int = 1,
) -> BuildResult:
    """Run the stages; publish into `output` only if all of them succeeded.

    With a `lesson_cache`, a build whose inputs and outputs are as the last successful build
    left them (see build_stamp) writes nothing and reports what that build reported.
    """
    ctx = BuildContext(source, output, Path(), strict, epoch, on_lesson, cache_dir)
    ctx.lesson_cache, ctx.jobs = lesson_cache, jobs
    stamp_file, inputs = None, ""
    if lesson_cache is not None and stages is None:
        stamp_file = stamps.stamp_path(lesson_cache, output)
        inputs = stamps.inputs_digest(source, (strict, epoch, str(output.resolve()), str(source)))
        stamp = stamps.load(stamp_file)
        if stamp is not None and stamps.tree_digest(output, stamp.names) == stamp.outputs:
            if stamp.inputs == inputs:  # nothing changed: keep the outputs
                written = [output / name for name in stamp.names]
                return BuildResult(
                    True, stamp.diagnostics, written, None, stamp.summary, skipped=True
                )
            ctx.reuse = Reuse(output, stamp.keys)  # intact: its unchanged files can be linked
    result = _run(ctx, STAGES if stages is None else stages)
    if stamp_file is not None and result.ok and result.summary is not None:
        names = [path.name for path in result.written]
        outputs = stamps.tree_digest(output, names)
        summary, keys = result.summary, ctx.reuse.keys
        stamp = stamps.Stamp(inputs, outputs, names, result.diagnostics, summary, keys)
        stamps.save(stamp_file, stamp)
    return result


def _run(ctx: BuildContext, stages: list[Stage]) -> BuildResult:
    source, output = ctx.source, ctx.output
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(output)
    staging = Path(tempfile.mkdtemp(prefix=_prefix(output, "build"), dir=output.parent))
    ctx.staging = staging
    background_stages: list[Stage] = []
    background, started = ctx.pending, False
    ctx.verifying = verify.verify_stage in stages
    try:
        for index, stage in enumerate(stages):
            ctx.position = index
            if stage in background_stages:
                continue
            if stage in OUTPUT_STAGES and not started and ctx.jobs > 1 and _can_fork():
                started = True
                background_stages = [s for s in stages[index:] if s in PARALLEL]
                for later in background_stages:
                    ctx.position = stages.index(later)
                    background.append(_Background.start(later, ctx))
                ctx.position = index
                if stage in background_stages:
                    continue
            stage(ctx)
        for job in sorted(background, key=lambda job: job.position):  # a serial build's order
            job.finish(ctx)
        published = publish(staging, output, ctx.written)
        summary = ctx.checked.summary() if ctx.checked else None
        return BuildResult(True, ctx.diagnostics, published, ctx.checked, summary)
    except BuildFailed:
        return BuildResult(False, ctx.diagnostics, [], ctx.checked)
    except Exception as exc:  # a bug in a stage: report it, publish nothing
        problems = [*ctx.diagnostics, internal_error(source, exc)]
        return BuildResult(False, problems, [], ctx.checked)
    finally:
        if ctx.verifier is not None:
            ctx.verifier.close()
        for job in background:
            job.abandon()
        shutil.rmtree(staging, ignore_errors=True)


def _can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(os, "waitpid")


@dataclass
class _Background:
    """A stage running in a forked child; its result comes back through a pipe."""

    stage: Stage
    pid: int
    pipe: int  # the read end
    position: int  # of the stage that started it: results are taken in stage order
    done: bool = False

    @classmethod
    def start(cls, stage: Stage, ctx: BuildContext) -> _Background:
        read, write = os.pipe()
        pid = collector.fork()
        if pid == 0:  # the child: run the stage, report, leave without running any clean-up
            try:
                os.close(read)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(_outcome(stage, ctx))
            finally:
                os._exit(0)
        os.close(write)
        return cls(stage, pid, read, ctx.position)

    def finish(self, ctx: BuildContext) -> None:
        """Wait for the child; take its entries and diagnostics; raise what it raised."""
        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self.pid, 0)
        self.done = True
        if not data:
            raise RuntimeError(f"the process of {self.stage.__name__} ended without a result")
        failed, written, found, keys = pickle.loads(data)
        ctx.reuse.keys.update(keys)
        known = set(ctx.diagnostics)
        new = [d for d in found if d not in known]
        ctx.diagnostics = diags.ordered([*ctx.diagnostics, *new])
        ctx.written.extend(written)
        if failed:
            raise BuildFailed

    def abandon(self) -> None:
        """After a failure elsewhere: stop the child before its files are removed."""
        if self.done:
            return
        self.done = True
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            os.close(self.pipe)


def _outcome(stage: Stage, ctx: BuildContext) -> bytes:
    """In the child: (failed, entries written, diagnostics) of running `stage`."""
    before = len(ctx.written)
    try:
        stage(ctx)
        failed = False
    except BuildFailed:
        failed = True
    except Exception as exc:  # a bug: reported as the serial build would report it
        ctx.diagnostics = [*ctx.diagnostics, internal_error(ctx.source, exc)]
        failed = True
    return pickle.dumps((failed, ctx.written[before:], ctx.diagnostics, ctx.reuse.keys))


def publish(staging: Path, output: Path, names: list[str]) -> list[Path]:
    """Make `output` hold the produced files and folders, in one atomic step.

    Entries of `output` the build does not produce (a `.gitkeep`) are hard-linked into the
    staging folder, which then trades places with `output` in one atomic exchange: a crash at
    any moment leaves the old `output` whole or the new one whole (the old tree ends up in the
    staging folder, which the caller removes). Where no exchange is possible (not Linux), each
    produced entry replaces its old one by its own rename instead.
    """
    produced = set(names)
    for entry in staging.iterdir():  # only what a stage registered is published
        if entry.name not in produced:
            _remove(entry)
    output.mkdir(parents=True, exist_ok=True)
    if output.is_symlink():  # swapping would replace the link itself
        return _replace_each(staging, output, names)
    for entry in output.iterdir():
        if entry.name not in produced:
            _carry(entry, staging / entry.name)
    staging.chmod(stat.S_IMODE(output.stat().st_mode))  # mkdtemp made it private
    if swap.exchange(staging, output):
        return [output / name for name in names]
    return _replace_each(staging, output, names)


def _replace_each(staging: Path, output: Path, names: list[str]) -> list[Path]:
    """Move each produced file or folder into `output`, replacing the old one of that name.

    A file moves with one atomic rename; a folder is swapped with two renames, the old one
    removed afterwards. A crash in between leaves some entries new and some old.
    """
    published = []
    for name in names:
        new, old = staging / name, output / name
        if old.is_dir() and not old.is_symlink():
            trash = Path(tempfile.mkdtemp(prefix=_prefix(output, "old"), dir=output.parent))
            os.replace(old, trash / name)
            os.replace(new, old)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(new, old)
        published.append(old)
    return published


def _carry(entry: Path, target: Path) -> None:
    """A copy of `entry` at `target`: hard links where possible, symlinks as links."""
    if entry.is_symlink():
        os.symlink(os.readlink(entry), target)
    elif entry.is_dir():
        shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(entry, target)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target, follow_symlinks=False)


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry)
    else:
        entry.unlink()


def _prefix(output: Path, kind: str) -> str:
    """Work folders next to `output` carry the builder's process id, to tell stale ones."""
    return f".{output.name}.{kind}-{os.getpid()}-"


def _remove_stale(output: Path) -> None:
    """The work folders of builds that were killed: SIGKILL runs no clean-up code."""
    pattern = re.compile(rf"\.{re.escape(output.name)}\.(?:build|old)-(?P<pid>[0-9]+)-")
    for entry in output.parent.iterdir():
        found = pattern.match(entry.name)
        if found and entry.is_dir() and not entry.is_symlink() and not _alive(int(found["pid"])):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def source_date_epoch(environ: dict[str, str] | None = None) -> int | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) if set; ValueError if it is not an integer."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    epoch = int(value)
    if epoch < 0:
        raise ValueError("SOURCE_DATE_EPOCH is negative")
    return epoch
