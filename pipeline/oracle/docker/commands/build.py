"""`docker build` / `docker image build` / `docker builder build`: buildx with the docker driver
(Docker 23+ routes all three to `docker buildx build`, so usage errors name that command).

The context directory is sent as a snapshot (the CLI tars it); `-f` is read relative to the
working directory, `-f -` and `docker build -` read the Dockerfile from stdin. Progress goes to
stderr (plain, since stderr is no terminal), `-q` prints only the image ID on stdout.
"""

from __future__ import annotations

import posixpath

from pipeline.oracle.builder import BuildError, build
from pipeline.oracle.docker.command import Command, Invocation, exactly
from pipeline.oracle.docker.commands.common import unsimulated
from pipeline.oracle.docker.errors import CliError
from pipeline.oracle.docker.flags import BOOL, LIST, STRING, Flag
from pipeline.oracle.docker.formatters.build import build_failure, plain_progress
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.shell.limits import NotSimulated

PROGRESS_MODES = ("auto", "plain", "tty", "quiet", "rawjson")


FLAGS = (
    Flag("tag", "t", LIST),
    Flag("file", "f", STRING),
    Flag("quiet", "q", BOOL),
    Flag("no-cache", "", BOOL),
    Flag("build-arg", "", LIST),
    Flag("target", "", STRING),
    Flag("progress", "", STRING, default="auto"),
    Flag("pull", "", BOOL),
    Flag("load", "", BOOL),
    Flag("iidfile", "", STRING),
    *unsimulated(
        "platform",
        "push=b",
        "output:o",
        "label=l",
        "network",
        "secret=l",
        "ssh=l",
        "cache-from=l",
        "cache-to=l",
        "metadata-file",
        "no-cache-filter=l",
        "add-host=l",
        "shm-size",
        "ulimit=l",
        "builder",
        "allow=l",
        "annotation=l",
        "attest=l",
        "sbom",
        "provenance",
        "build-context=l",
        "call",
        "check=b",
        "cgroup-parent",
    ),  # fmt: skip
)


def snapshot(fs: FileSystem, directory: str) -> UnionFileSystem:
    """The build context as the daemon receives it: the directory's tree, rooted at `/`."""
    context = UnionFileSystem(clock=getattr(fs, "clock", None) or (lambda: 0))
    prefix = directory.rstrip("/")
    for path, _stat in fs.walk(directory):
        inner = path[len(prefix) :] or "/"
        if inner == "/":
            continue
        entry = fs.lookup(path) if hasattr(fs, "lookup") else None  # type: ignore[attr-defined]
        if entry is None:
            continue
        context.put(inner, entry)
    return context


def _build_args(values: list[str], env: dict[str, str]) -> dict[str, str]:
    """`--build-arg K=V`; a bare `K` takes the value from the environment, if set."""
    out: dict[str, str] = {}
    for item in values:
        key, has_value, value = item.partition("=")
        if has_value:
            out[key] = value
        elif key in env:
            out[key] = env[key]
    return out


def run_build(inv: Invocation) -> int:
    opts = inv.opts
    mode = opts["progress"]
    if mode not in PROGRESS_MODES:
        raise CliError(f'ERROR: invalid progress mode "{mode}"')
    if mode == "rawjson":
        raise NotSimulated("docker build --progress=rawjson is not simulated")
    quiet = opts["quiet"] or mode == "quiet"
    target = inv.args[0]
    fs = inv.host.fs
    stdin_text = inv.stdin.decode(errors="replace")
    dockerfile_text: str | None = None
    if target == "-":
        context = UnionFileSystem()
        dockerfile, dockerfile_text = "Dockerfile", stdin_text
    else:
        if "://" in target or target.startswith("git@"):
            raise NotSimulated("docker build from a URL is not simulated")
        directory = inv.host_path(target)
        if not fs.exists(directory) or fs.stat(directory).kind != "dir":
            raise CliError(f'ERROR: unable to prepare context: path "{target}" not found')
        context = snapshot(fs, directory)
        dockerfile, dockerfile_text = _dockerfile(inv, directory, stdin_text)
    shown_text = dockerfile_text
    if shown_text is None:
        try:
            shown_text = context.read("/" + dockerfile).decode(errors="replace")
        except FsError:
            shown_text = None
    try:
        result = build(
            inv.engine,
            context,
            dockerfile,
            tags=opts["tag"],
            build_args=_build_args(opts["build-arg"], inv.host.env),
            no_cache=opts["no-cache"],
            target=opts["target"] or None,
            dockerfile_text=dockerfile_text,
        )
    except BuildError as error:
        if not quiet:
            inv.err(plain_progress(error.vertices))
        inv.err(build_failure(error, shown_text, progress=not quiet))
        return 1
    if quiet:
        inv.out(result.image_id + "\n")
    else:
        inv.err(plain_progress(result.vertices))
    if opts["iidfile"]:
        fs.write(inv.host_path(opts["iidfile"]), result.image_id.encode())
    return 0


def _dockerfile(inv: Invocation, directory: str, stdin_text: str) -> tuple[str, str | None]:
    """(path in the context, text when it comes from elsewhere)."""
    name = inv.opts["file"]
    if not name:
        return "Dockerfile", None
    if name == "-":
        return "Dockerfile", stdin_text
    path = inv.host_path(name)
    inside = directory.rstrip("/") + "/"
    if path.startswith(inside):
        return path[len(inside) :], None
    try:
        return posixpath.basename(path), inv.host.fs.read(path).decode(errors="replace")
    except FsError:
        return posixpath.basename(path), None


def _command(path: str) -> Command:
    return Command(
        path=path,
        usage="[OPTIONS] PATH | URL | -",
        short="Start a build",
        run=run_build,
        flags=FLAGS,
        args=exactly(1),
    )


BUILD = _command("docker buildx build")
COMMANDS = {("build",): BUILD, ("image", "build"): BUILD, ("builder", "build"): BUILD}
