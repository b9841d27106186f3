"""Registry and archive commands: push, pull, save, load (cli/command/image/{push,pull,save,
load}.go, docker 27), printing the reports of the engine's distribution and layout modules.

The progress is the non-TTY text (`<id>: Preparing`, `<id>: Pushed`, ... one status per line;
docker-image-semantics.md §4.7, ORACLE CHOICE order from `distribution.py`). `docker run` of a
missing image pulls it first and shows the pull progress on stderr.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.oracle import distribution
from pipeline.oracle import reference as refs
from pipeline.oracle.docker.command import NO_ARGS, Command, Invocation, at_least, exactly
from pipeline.oracle.docker.commands.common import unsimulated
from pipeline.oracle.docker.errors import CliError, daemon_error
from pipeline.oracle.docker.flags import BOOL, STRING, Flag
from pipeline.oracle.fsapi import FsError
from pipeline.oracle.layout import LayoutError, load, save
from pipeline.oracle.registry import RegistryError


def _distribution_error(inv: Invocation, error: distribution.DistributionError) -> CliError:
    """What was printed before the failure goes to stdout; the error to stderr."""
    inv.out("".join(line + "\n" for line in error.lines))
    message = str(error)
    return daemon_error(message) if error.daemon_error else CliError(message)


def _parsed(name: str) -> refs.Reference:
    """The CLI parses the reference itself first (an error is printed as is)."""
    try:
        return refs.parse_normalized_named(name)
    except refs.ReferenceError as error:
        raise CliError(str(error)) from None


def run_push(inv: Invocation) -> int:
    name = inv.args[0]
    named = _parsed(name)
    try:
        report = distribution.push(inv.engine, name, all_tags=inv.opts["all-tags"])
    except distribution.DistributionError as error:
        raise _distribution_error(inv, error) from None
    except RegistryError as error:
        raise daemon_error(str(error)) from None
    if inv.opts["quiet"]:
        inv.out(str(named) + "\n")
    else:
        inv.out("".join(line + "\n" for line in report.lines()))
    return 0


def run_pull(inv: Invocation) -> int:
    name = inv.args[0]
    named = _parsed(name)
    if inv.opts["all-tags"] and not named.is_name_only:
        raise CliError("tag can't be used with --all-tags/-a")
    try:
        report = distribution.pull(inv.engine, name, all_tags=inv.opts["all-tags"])
    except distribution.DistributionError as error:
        raise _distribution_error(inv, error) from None
    lines = report.lines()
    if inv.opts["quiet"]:
        lines = lines[-1:]
    inv.out("".join(line + "\n" for line in lines))
    return 0


def pull_for_run(inv: Invocation, image_ref: str) -> None:
    """createContainer's pull of a missing image: the progress on stderr, without the final
    reference line."""
    try:
        report = distribution.pull(inv.engine, image_ref)
    except distribution.DistributionError as error:
        inv.err("".join(line + "\n" for line in _without_default_tag(error.lines)))
        message = str(error)
        raise (daemon_error(message) if error.daemon_error else CliError(message)) from None
    lines = _without_default_tag(report.lines()[:-1])
    inv.err("".join(line + "\n" for line in lines))


def _without_default_tag(lines: Sequence[str]) -> list[str]:
    """`Using default tag: latest` is the pull command's own line, not the daemon's."""
    return [line for line in lines if line != "Using default tag: latest"]


def run_save(inv: Invocation) -> int:
    output = inv.opts["output"]
    try:
        archive = save(inv.engine.images, inv.args)
    except LayoutError as error:
        raise daemon_error(str(error)) from None
    content = archive.tar_content()
    if not output:
        inv.out(b"".join(content.chunks()))
        return 0
    path = inv.host_path(output)
    try:
        inv.host.fs.write_content(path, content, 0o600)
    except FsError as error:
        raise CliError(f"failed to save image: invalid output path: {error}") from None
    return 0


def run_load(inv: Invocation) -> int:
    source = inv.opts["input"]
    if source:
        try:
            data = inv.host.fs.content(inv.host_path(source))
        except FsError:
            raise CliError(f"open {source}: no such file or directory") from None
    else:
        if not inv.stdin:
            raise CliError(
                "requested load from stdin, but stdin is empty and not a terminal? "
                "Use -i to load from a file"
            )
        data = inv.stdin
    try:
        report = load(inv.engine.images, data)
    except LayoutError as error:
        raise daemon_error(str(error)) from None
    inv.out("".join(line + "\n" for line in report.lines))
    return 0


PUSH = Command(
    "docker push", "[OPTIONS] NAME[:TAG]", "Upload an image to a registry", run_push,
    (Flag("all-tags", "a", BOOL), Flag("quiet", "q", BOOL),
     Flag("disable-content-trust", "", BOOL, default=True), *unsimulated("platform")),
    exactly(1),
)  # fmt: skip
PULL = Command(
    "docker pull", "[OPTIONS] NAME[:TAG|@DIGEST]", "Download an image from a registry", run_pull,
    (Flag("all-tags", "a", BOOL), Flag("quiet", "q", BOOL),
     Flag("disable-content-trust", "", BOOL, default=True), *unsimulated("platform")),
    exactly(1),
)  # fmt: skip
SAVE = Command(
    "docker save", "[OPTIONS] IMAGE [IMAGE...]",
    "Save one or more images to a tar archive (streamed to STDOUT by default)", run_save,
    (Flag("output", "o", STRING), *unsimulated("platform=l")), at_least(1),
)  # fmt: skip
LOAD = Command(
    "docker load", "[OPTIONS]", "Load an image from a tar archive or STDIN", run_load,
    (Flag("input", "i", STRING), Flag("quiet", "q", BOOL), *unsimulated("platform=l")), NO_ARGS,
)  # fmt: skip


def _image(command: Command) -> Command:
    words = command.path.split()[-1]
    return Command(
        f"docker image {words}", command.usage, command.short, command.run, command.flags,
        command.args,
    )  # fmt: skip


COMMANDS = {
    ("push",): PUSH,
    ("image", "push"): _image(PUSH),
    ("pull",): PULL,
    ("image", "pull"): _image(PULL),
    ("save",): SAVE,
    ("image", "save"): _image(SAVE),
    ("load",): LOAD,
    ("image", "load"): _image(LOAD),
}
