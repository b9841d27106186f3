"""`docker volume create|ls|rm|inspect|prune` (cli/command/volume/*.go, docker 27)."""

from __future__ import annotations

from pipeline.oracle.docker.command import NO_ARGS, Command, Invocation, at_least, at_most
from pipeline.oracle.docker.commands.common import FORMAT, unsimulated
from pipeline.oracle.docker.commands.image import confirmed
from pipeline.oracle.docker.errors import CliError, daemon_error
from pipeline.oracle.docker.flags import BOOL, LIST, STRING, Flag, filter_value
from pipeline.oracle.docker.formatters import inspect as fx
from pipeline.oracle.docker.formatters import system as fs
from pipeline.oracle.docker.formatters.common import render, size4
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.volume import VolumeError


def run_create(inv: Invocation) -> int:
    opts = inv.opts
    if opts["driver"] not in ("", "local"):
        raise NotSimulated(f"volume driver {opts['driver']} is not simulated")
    name = inv.args[0] if inv.args else opts["name"]
    if inv.args and opts["name"] and inv.args[0] != opts["name"]:
        raise CliError(
            "conflicting options: either specify --name or provide positional arg, not both"
        )
    labels = dict(item.partition("=")[::2] for item in opts["label"])
    anonymous = not name
    name = name or inv.engine.ids.next("volume")
    inv.engine.volumes.create(name, anonymous=anonymous, labels=labels)
    inv.out(name + "\n")
    return 0


def run_ls(inv: Invocation) -> int:
    opts = inv.opts
    volumes = sorted(inv.engine.volumes.listed(), key=lambda v: fs.natural_key(v.name))
    for item in opts["filter"]:
        key, _, value = item.partition("=")
        if key == "dangling":
            users = {m.volume for c in inv.engine.containers.values() for m in c.mounts}
            keep = value.lower() in ("true", "1")
            volumes = [v for v in volumes if (v.name not in users) == keep]
        elif key == "name":
            volumes = [v for v in volumes if value in v.name]
        elif key == "driver":
            volumes = [v for v in volumes if v.driver == value]
        else:
            raise daemon_error(f"invalid filter '{key}'")
    format = opts["format"] or "table"
    if format == "table":
        format = "{{.Name}}" if opts["quiet"] else fs.VOLUME_LS_FORMAT
    rows = [fs.volume_row(v) for v in volumes]
    inv.out(render(format, rows, fs.VOLUME_HEADER))
    return 0


def run_rm(inv: Invocation) -> int:
    errors = []
    for name in inv.args:
        try:
            inv.engine.remove_volume(name, force=inv.opts["force"])
        except VolumeError as error:
            errors.append(daemon_error(str(error)).message)
            continue
        inv.out(name + "\n")
    if errors:
        raise CliError("\n".join(errors))
    return 0


def run_inspect(inv: Invocation) -> int:
    elements, errors = [], []
    for name in inv.args:
        try:
            volume = inv.engine.volumes.get(name)
        except VolumeError as error:
            errors.append(daemon_error(str(error)).message)
            continue
        elements.append(fx.Element.of(volume.inspect(), fx.VOLUME))
    result = fx.inspect(inv.opts["format"], elements, errors)
    inv.out(result.stdout)
    if result.errors:
        inv.err("\n".join(result.errors) + "\n")
    return result.status


def run_prune(inv: Invocation) -> int:
    every = inv.opts["all"]
    which = "all local volumes" if every else "anonymous local volumes"
    warning = (
        f"WARNING! This will remove {which} not used by at least one container.\n"
        "Are you sure you want to continue?"
    )
    reclaimed = 0
    if inv.opts["force"] or confirmed(inv, warning):
        removed, reclaimed = inv.engine.prune_volumes(all_volumes=every)
        if removed:
            inv.out("Deleted Volumes:\n" + "".join(f"{n}\n" for n in removed) + "\n")
    inv.out(f"Total reclaimed space: {size4(reclaimed)}\n")
    return 0


COMMANDS = {
    ("volume", "create"): Command(
        "docker volume create", "[OPTIONS] [VOLUME]", "Create a volume", run_create,
        (Flag("driver", "d", STRING, default="local"), Flag("label", "", LIST),
         Flag("name", "", STRING), *unsimulated("opt:o=l")), at_most(1),
    ),
    ("volume", "ls"): Command(
        "docker volume ls", "[OPTIONS]", "List volumes", run_ls,
        (Flag("quiet", "q", BOOL), FORMAT, Flag("filter", "f", LIST, check=filter_value)),
        NO_ARGS,
    ),
    ("volume", "rm"): Command(
        "docker volume rm", "[OPTIONS] VOLUME [VOLUME...]", "Remove one or more volumes",
        run_rm, (Flag("force", "f", BOOL),), at_least(1),
    ),
    ("volume", "inspect"): Command(
        "docker volume inspect", "[OPTIONS] VOLUME [VOLUME...]",
        "Display detailed information on one or more volumes", run_inspect,
        (Flag("format", "f", STRING),), at_least(1),
    ),
    ("volume", "prune"): Command(
        "docker volume prune", "[OPTIONS]", "Remove unused local volumes", run_prune,
        (Flag("all", "a", BOOL), Flag("force", "f", BOOL), *unsimulated("filter=l")), NO_ARGS,
    ),
}  # fmt: skip
COMMANDS[("volume", "list")] = COMMANDS[("volume", "ls")]
COMMANDS[("volume", "remove")] = COMMANDS[("volume", "rm")]
