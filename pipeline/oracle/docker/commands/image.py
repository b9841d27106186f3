"""Image commands: images / image ls, image inspect and inspect, history, tag, rmi, image prune
(cli/command/image/*.go, docker 27; moby daemon/images for what the daemon returns)."""

from __future__ import annotations

from typing import Any

from pipeline.oracle import reference as refs
from pipeline.oracle.docker.command import NO_ARGS, Command, Invocation, at_least, at_most, exactly
from pipeline.oracle.docker.commands.common import FORMAT, unsimulated
from pipeline.oracle.docker.errors import CliError, daemon_error
from pipeline.oracle.docker.flags import BOOL, LIST, STRING, Flag, filter_value
from pipeline.oracle.docker.formatters import history as fh
from pipeline.oracle.docker.formatters import images as fi
from pipeline.oracle.docker.formatters import inspect as fx
from pipeline.oracle.docker.formatters.common import render, size4
from pipeline.oracle.docker.formatters.containers import CONTAINER, container_doc
from pipeline.oracle.engine import ContainerError
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.store import StoreError

# --- docker images ------------------------------------------------------------------------------
LIST_FLAGS = (
    Flag("all", "a", BOOL),
    Flag("quiet", "q", BOOL),
    Flag("digests", "", BOOL),
    Flag("no-trunc", "", BOOL),
    FORMAT,
    Flag("filter", "f", LIST, check=filter_value),
)
IMAGE_FILTERS = ("dangling", "reference", "label", "before", "since")


def _filters(values: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in values:
        key, _, value = item.partition("=")
        found.setdefault(key.lower(), []).append(value)
    return found


def list_summaries(inv: Invocation, all_images: bool, filters: dict[str, list[str]]) -> list:
    """moby daemon/images/image_list.go `Images`."""
    store = inv.engine.images
    for key in filters:
        if key not in IMAGE_FILTERS:
            raise daemon_error(f"invalid filter '{key}'")
    dangling_values = filters.get("dangling", [])
    for value in dangling_values:
        if value.lower() not in ("true", "false", "1", "0"):
            raise daemon_error(f"invalid filter 'dangling={value}'")
    dangling_only = any(v.lower() in ("true", "1") for v in dangling_values)
    before = _bound(store, filters.get("before"), "before")
    since_ = _bound(store, filters.get("since"), "since")
    out = []
    for image in store.listed(all_images=True):
        image_id = image.id
        children = store.children(image_id)
        if dangling_only and children:
            continue
        if before is not None and not image.created < before:
            continue
        if since_ is not None and not image.created > since_:
            continue
        if "label" in filters and not _labels_match(image, filters["label"]):
            continue
        tags, digests = _references(store, image_id, filters.get("reference"))
        if not tags and not digests:
            if not (all_images or not children):
                continue
            if dangling_values and not dangling_only:
                continue
            if "reference" in filters:
                continue
            tags, digests = ["<none>:<none>"], ["<none>@<none>"]
        elif dangling_only and tags:
            continue
        out.append(fi.Summary(image, tags, digests, image.size, image.created))
    return out


def _bound(store: Any, values: list[str] | None, name: str) -> str | None:
    if not values:
        return None
    try:
        return store.get(values[-1]).created
    except StoreError as error:
        raise daemon_error(str(error)) from None


def _labels_match(image: Any, wanted: list[str]) -> bool:
    labels = image.config.config.get("Labels") or {}
    for item in wanted:
        key, has_value, value = item.partition("=")
        if key not in labels or (has_value and labels[key] != value):
            return False
    return True


def _references(
    store: Any, image_id: str, patterns: list[str] | None
) -> tuple[list[str], list[str]]:
    tags, digests = [], []
    for key in store.references(image_id):
        ref = refs.parse_normalized_named(key)
        if patterns is not None and not any(refs.familiar_match(p, ref) for p in patterns):
            continue
        (digests if ref.digest else tags).append(refs.familiar_string(ref))
    return tags, digests


def run_images(inv: Invocation) -> int:
    opts = inv.opts
    filters = _filters(opts["filter"])
    if inv.args:
        filters.setdefault("reference", []).append(inv.args[0])
    summaries = list_summaries(inv, opts["all"], filters)
    format = fi.image_format(opts["format"], opts["quiet"], opts["digests"])
    rows = fi.image_rows(summaries, trunc=not opts["no-trunc"], digests=opts["digests"])
    inv.out(render(format, rows, fi.HEADER))
    return 0


def _list_command(path: str) -> Command:
    return Command(
        path, "[OPTIONS] [REPOSITORY[:TAG]]", "List images", run_images, LIST_FLAGS, at_most(1)
    )


# --- inspect --------------------------------------------------------------------------------------
def run_image_inspect(inv: Invocation) -> int:
    elements, errors = [], []
    for name in inv.args:
        try:
            elements.append(fx.Element.of(inv.engine.images.inspect(name), fx.IMAGE))
        except StoreError as error:
            errors.append(daemon_error(str(error)).message)
    return _print_inspect(inv, elements, errors)


def _print_inspect(inv: Invocation, elements: list, errors: list[str]) -> int:
    result = fx.inspect(inv.opts["format"], elements, errors)
    inv.out(result.stdout)
    if result.errors:
        inv.err("\n".join(result.errors) + "\n")
    return result.status


def run_container_inspect(inv: Invocation) -> int:
    """`docker container inspect`: containers only (`Error: No such container: x`)."""
    inv.opts.values["type"] = "container"
    return run_inspect(inv)


def run_inspect(inv: Invocation) -> int:
    """`docker inspect`: a container, else an image, else a volume (inspect.go inspectAll)."""
    kind = inv.opts["type"]
    if kind not in ("", "container", "image", "volume"):
        if kind in ("network", "node", "plugin", "secret", "service", "task", "config"):
            raise NotSimulated(f"docker inspect --type {kind} is not simulated")
        raise CliError(f'"{kind}" is not a valid value for --type')
    elements, errors = [], []
    for name in inv.args:
        element = _find_object(inv, name, kind)
        if element is None:
            errors.append(_not_found(inv, name, kind))
        else:
            elements.append(element)
    return _print_inspect(inv, elements, errors)


def _not_found(inv: Invocation, name: str, kind: str) -> str:
    """inspect.go: the daemon's own error for one type, `Error: No such object` for any."""
    if kind == "container":
        return daemon_error(f"No such container: {name}").message
    if kind == "image":
        try:
            inv.engine.images.get(name)
        except StoreError as error:
            return daemon_error(str(error)).message
    if kind == "volume":
        return daemon_error(f"get {name}: no such volume").message
    return f"Error: No such object: {name}"


def _find_object(inv: Invocation, name: str, kind: str) -> fx.Element | None:
    engine = inv.engine
    if kind in ("", "container"):
        try:
            container = engine.container(name)
        except ContainerError:
            container = None
        if container is not None:
            doc = container_doc(container, _anonymous(engine))
            if inv.opts["size"]:
                doc["SizeRw"] = container.size_rw
                doc["SizeRootFs"] = container.size_root_fs
            return fx.Element.of(doc, _with_sizes(inv.opts["size"]))
    if kind in ("", "image"):
        try:
            return fx.Element.of(engine.images.inspect(name), fx.IMAGE)
        except StoreError:
            pass
    if kind in ("", "volume"):
        volume = engine.volumes.volumes.get(name)
        if volume is not None:
            return fx.Element.of(volume.inspect(), fx.VOLUME)
    return None


def _anonymous(engine: Any) -> set[str]:
    return {name for name, v in engine.volumes.volumes.items() if v.anonymous}


def _with_sizes(size: bool) -> fx.Struct:
    if not size:
        return CONTAINER
    fields = list(CONTAINER.fields)
    at = [f[0] for f in fields].index("GraphDriver")
    fields[at:at] = [("SizeRw", "SizeRw", "int", True), ("SizeRootFs", "SizeRootFs", "int", True)]
    return fx.Struct(CONTAINER.type_name, tuple(fields))


# --- history --------------------------------------------------------------------------------------
HISTORY_FLAGS = (
    Flag("human", "H", BOOL, default=True),
    Flag("quiet", "q", BOOL),
    Flag("no-trunc", "", BOOL),
    FORMAT,
    *unsimulated("platform"),
)


def run_history(inv: Invocation) -> int:
    opts = inv.opts
    rows = inv.engine.images.history(inv.args[0])
    format = fh.history_format(opts["format"], opts["quiet"], opts["human"])
    data = fh.history_rows(rows, trunc=not opts["no-trunc"], human=opts["human"])
    inv.out(render(format, data, fh.HEADER))
    return 0


# --- tag ------------------------------------------------------------------------------------------
def run_tag(inv: Invocation) -> int:
    source, target = inv.args
    store = inv.engine.images
    try:
        named = refs.parse_normalized_named(target)
    except refs.ReferenceError as error:
        raise CliError(
            f'Error parsing reference: "{target}" is not a valid repository/tag: {error}'
        ) from None
    if named.digest:
        raise CliError("refusing to create a tag with a digest reference")
    image = store.get(source)
    store.tag(image, target)
    return 0


# --- rmi ------------------------------------------------------------------------------------------
def run_rmi(inv: Invocation) -> int:
    """image/remove.go: Untagged/Deleted lines; a missing image with -f is only reported."""
    errors: list[str] = []
    fatal = False
    for name in inv.args:
        try:
            records = inv.engine.remove_image(name, force=inv.opts["force"],
                                              prune=not inv.opts["no-prune"])  # fmt: skip
        except StoreError as error:
            fatal = fatal or "No such image" not in str(error)
            errors.append(daemon_error(str(error)).message)
            continue
        for kind, value in records:
            inv.out(f"{kind}: {value}\n")
    if errors:
        message = "\n".join(errors)
        if not inv.opts["force"] or fatal:
            raise CliError(message)
        inv.err(message + "\n")
    return 0


# --- prune ----------------------------------------------------------------------------------------
ALL_WARNING = (
    "WARNING! This will remove all images without at least one container associated to them.\n"
    "Are you sure you want to continue?"
)
DANGLING_WARNING = (
    "WARNING! This will remove all dangling images.\nAre you sure you want to continue?"
)


def confirmed(inv: Invocation, warning: str) -> bool:
    """command.PromptForConfirmation: the question on stdout, `y`/`Y` on stdin to go on."""
    inv.out(warning + " [y/N] ")
    answer = inv.stdin.decode(errors="replace").split("\n", 1)[0].strip()
    return answer in ("y", "Y")


def run_prune(inv: Invocation) -> int:
    opts = inv.opts
    if opts["filter"]:
        raise NotSimulated("docker image prune --filter is not simulated")
    warning = ALL_WARNING if opts["all"] else DANGLING_WARNING
    reclaimed = 0
    if opts["force"] or confirmed(inv, warning):
        records, reclaimed = inv.engine.prune_images(all_images=opts["all"])
        if records:
            lines = "".join(f"{kind.lower()}: {value}\n" for kind, value in records)
            inv.out("Deleted Images:\n" + lines + "\n")
        else:
            reclaimed = 0
    inv.out(f"Total reclaimed space: {size4(reclaimed)}\n")
    return 0


INSPECT_IMAGE = Command(
    "docker image inspect",
    "[OPTIONS] IMAGE [IMAGE...]",
    "Display detailed information on one or more images",
    run_image_inspect,
    (Flag("format", "f", STRING), *unsimulated("platform")),
    at_least(1),
)
INSPECT = Command(
    "docker inspect",
    "[OPTIONS] NAME|ID [NAME|ID...]",
    "Return low-level information on Docker objects",
    run_inspect,
    (Flag("format", "f", STRING), Flag("size", "s", BOOL), Flag("type", "", STRING)),
    at_least(1),
)
CONTAINER_INSPECT = Command(
    "docker container inspect",
    "[OPTIONS] CONTAINER [CONTAINER...]",
    "Display detailed information on one or more containers",
    run_container_inspect,
    (Flag("format", "f", STRING), Flag("size", "s", BOOL)),
    at_least(1),
)
HISTORY = Command(
    "docker history", "[OPTIONS] IMAGE", "Show the history of an image",
    run_history, HISTORY_FLAGS, exactly(1),
)  # fmt: skip
IMAGE_HISTORY = Command(
    "docker image history", HISTORY.usage, HISTORY.short, run_history, HISTORY_FLAGS, exactly(1)
)
TAG_FLAGS: tuple[Flag, ...] = ()
TAG = Command(
    "docker tag", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
    "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", run_tag, TAG_FLAGS, exactly(2),
)  # fmt: skip
IMAGE_TAG = Command("docker image tag", TAG.usage, TAG.short, run_tag, TAG_FLAGS, exactly(2))
RMI_FLAGS = (Flag("force", "f", BOOL), Flag("no-prune", "", BOOL), *unsimulated("platform=l"))
RMI = Command(
    "docker rmi", "[OPTIONS] IMAGE [IMAGE...]", "Remove one or more images",
    run_rmi, RMI_FLAGS, at_least(1),
)  # fmt: skip
IMAGE_RM = Command("docker image rm", RMI.usage, RMI.short, run_rmi, RMI_FLAGS, at_least(1))
PRUNE = Command(
    "docker image prune", "[OPTIONS]", "Remove unused images", run_prune,
    (Flag("all", "a", BOOL), Flag("force", "f", BOOL), Flag("filter", "", LIST)), NO_ARGS,
)  # fmt: skip

COMMANDS = {
    ("images",): _list_command("docker images"),
    ("image", "ls"): _list_command("docker image ls"),
    ("image", "list"): _list_command("docker image ls"),
    ("image", "inspect"): INSPECT_IMAGE,
    ("inspect",): INSPECT,
    ("container", "inspect"): CONTAINER_INSPECT,
    ("history",): HISTORY,
    ("image", "history"): IMAGE_HISTORY,
    ("tag",): TAG,
    ("image", "tag"): IMAGE_TAG,
    ("rmi",): RMI,
    ("image", "rm"): IMAGE_RM,
    ("image", "remove"): IMAGE_RM,
    ("image", "rmi"): IMAGE_RM,
    ("image", "prune"): PRUNE,
}
