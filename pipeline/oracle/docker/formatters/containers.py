"""`docker ps`, `docker diff` and `docker inspect` of a container (cli/command/formatter/
container.go, cli/command/container/formatter_diff.go; moby container/state.go for STATUS).

ps -s SIZE is `1.09kB (virtual 1.07GB)`: the writable layer, then image + writable layer
(docker-image-semantics.md §4.5). STATUS uses the scenario's fixed now (common.py), so a
container started by the scenario is `Up Less than a second` and a finished one `Exited (0) Less
than a second ago`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.oracle import reference as refs
from pipeline.oracle.container import EXITED, RUNNING, Container
from pipeline.oracle.gotemplate import GoStruct, quote
from pipeline.oracle.tabwriter import ellipsis, truncate_id

from .common import go_time, human_age, since, size3
from .inspect import CONFIG, GRAPH_DRIVER, Struct

DEFAULT_FORMAT = (
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
)
HEADER = {
    "ID": "CONTAINER ID",
    "Image": "IMAGE",
    "Command": "COMMAND",
    "CreatedAt": "CREATED AT",
    "RunningFor": "CREATED",
    "Ports": "PORTS",
    "State": "STATE",
    "Status": "STATUS",
    "Size": "SIZE",
    "Names": "NAMES",
    "Labels": "LABELS",
    "Mounts": "MOUNTS",
    "LocalVolumes": "LOCAL VOLUMES",
    "Networks": "NETWORKS",
}
ZERO_TIME = "0001-01-01T00:00:00Z"


def ps_format(format: str, quiet: bool, size: bool) -> str:
    """container.go `NewContainerFormat`."""
    if not format or format == "table":
        if quiet:
            return "{{.ID}}"
        return DEFAULT_FORMAT + ("\t{{.Size}}" if size else "")
    if format == "raw":
        if quiet:
            return "container_id: {{.ID}}"
        raw = (
            "container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\n"
            "created_at: {{.CreatedAt}}\nstate: {{- pad .State 1 0}}\n"
            "status: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\n"
            "ports: {{- pad .Ports 1 0}}\n"
        )
        return raw + ("size: {{.Size}}\n" if size else "")
    return format


def status(container: Container) -> str:
    """moby container/state.go `State.String`."""
    if container.state == RUNNING:
        return "Up " + human_age(container.started_at)
    if container.state == EXITED:
        return f"Exited ({container.exit_code}) {human_age(container.finished_at)} ago"
    return "Created"


def image_column(container: Container, current_id: str | None, trunc: bool) -> str:
    """moby list.go `refreshImage` (the typed reference, or the image ID once that reference
    points elsewhere) and container.go `Image` (digests dropped when truncating)."""
    image = container.image_ref
    if current_id != container.image_id:
        image = container.image_id
    if not trunc:
        return image
    if truncate_id(container.image_id) == truncate_id(image):
        return truncate_id(image)
    try:
        ref = refs.parse_normalized_named(image)
    except refs.ReferenceError:
        return image
    if ref.tag:
        return refs.familiar_string(refs.Reference(ref.domain, ref.path, ref.tag))
    return refs.familiar_string(refs.Reference(ref.domain, ref.path))


def ps_row(container: Container, current_id: str | None, trunc: bool, with_size: bool) -> GoStruct:
    command = container.command
    command = quote(ellipsis(command, 20) if trunc else command)
    labels = container.config.get("Labels") or {}
    mounts = [ellipsis(m.volume, 15) if trunc else m.volume for m in container.mounts]
    size_rw = container.size_rw if with_size else 0
    size_root = container.size_root_fs if with_size else 0
    size = size3(size_rw) + (f" (virtual {size3(size_root)})" if size_root > 0 else "")
    return GoStruct(
        "*formatter.ContainerContext",
        {
            "Command": command,
            "CreatedAt": go_time(container.created),
            "ID": truncate_id(container.id) if trunc else container.id,
            "Image": image_column(container, current_id, trunc),
            "Labels": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
            "LocalVolumes": str(len(container.mounts)),
            "Mounts": ",".join(mounts),
            "Names": container.name,
            "Networks": "bridge",
            "Ports": "",
            "RunningFor": since(container.created),
            "Size": size,
            "State": container.state,
            "Status": status(container),
        },
    )


# --- docker diff ----------------------------------------------------------------------------------
def diff_lines(changes: Sequence[tuple[str, str]]) -> str:
    """formatter_diff.go: `{{.Type}} {{.Path}}` (C, A or D)."""
    return "".join(f"{kind} {path}\n" for kind, path in changes)


# --- docker inspect CONTAINER ---------------------------------------------------------------------
STATE = Struct(
    "*types.ContainerState",
    (
        ("Status", "Status", "string", False),
        ("Running", "Running", "bool", False),
        ("Paused", "Paused", "bool", False),
        ("Restarting", "Restarting", "bool", False),
        ("OOMKilled", "OOMKilled", "bool", False),
        ("Dead", "Dead", "bool", False),
        ("Pid", "Pid", "int", False),
        ("ExitCode", "ExitCode", "int", False),
        ("Error", "Error", "string", False),
        ("StartedAt", "StartedAt", "string", False),
        ("FinishedAt", "FinishedAt", "string", False),
    ),
)
RESTART_POLICY = Struct(
    "container.RestartPolicy",
    (("Name", "Name", "string", False), ("MaximumRetryCount", "MaximumRetryCount", "int", False)),
)
HOST_CONFIG = Struct(
    "*container.HostConfig",
    (
        ("Binds", "Binds", "[]string", False),
        ("ContainerIDFile", "ContainerIDFile", "string", False),
        ("NetworkMode", "NetworkMode", "string", False),
        ("RestartPolicy", "RestartPolicy", RESTART_POLICY, False),
        ("AutoRemove", "AutoRemove", "bool", False),
        ("VolumeDriver", "VolumeDriver", "string", False),
        ("VolumesFrom", "VolumesFrom", "[]string", False),
        ("Privileged", "Privileged", "bool", False),
        ("PublishAllPorts", "PublishAllPorts", "bool", False),
        ("ReadonlyRootfs", "ReadonlyRootfs", "bool", False),
    ),
)
MOUNT = Struct(
    "types.MountPoint",
    (
        ("Type", "Type", "string", True),
        ("Name", "Name", "string", True),
        ("Source", "Source", "string", False),
        ("Destination", "Destination", "string", False),
        ("Driver", "Driver", "string", True),
        ("Mode", "Mode", "string", False),
        ("RW", "RW", "bool", False),
        ("Propagation", "Propagation", "string", False),
    ),
)
CONTAINER = Struct(
    "types.ContainerJSON",
    (
        ("ID", "Id", "string", False),
        ("Created", "Created", "string", False),
        ("Path", "Path", "string", False),
        ("Args", "Args", "[]string", False),
        ("State", "State", STATE, False),
        ("Image", "Image", "string", False),
        ("ResolvConfPath", "ResolvConfPath", "string", False),
        ("HostnamePath", "HostnamePath", "string", False),
        ("HostsPath", "HostsPath", "string", False),
        ("LogPath", "LogPath", "string", False),
        ("Name", "Name", "string", False),
        ("RestartCount", "RestartCount", "int", False),
        ("Driver", "Driver", "string", False),
        ("Platform", "Platform", "string", False),
        ("MountLabel", "MountLabel", "string", False),
        ("ProcessLabel", "ProcessLabel", "string", False),
        ("AppArmorProfile", "AppArmorProfile", "string", False),
        ("ExecIDs", "ExecIDs", "[]string", False),
        ("HostConfig", "HostConfig", HOST_CONFIG, False),
        ("GraphDriver", "GraphDriver", GRAPH_DRIVER, False),
        ("Mounts", "Mounts", ("list", MOUNT), False),
        ("Config", "Config", CONFIG, False),
    ),
)


def container_doc(
    container: Container, anonymous: set[str] | frozenset[str] = frozenset(), pid: int = 0
) -> dict[str, Any]:
    """The daemon's container JSON, as far as the oracle models a container (Docker 24-28
    field order; network settings, resources and most HostConfig fields are left out)."""
    argv = container.argv
    base = f"/var/lib/docker/containers/{container.id}"
    layer = f"/var/lib/docker/overlay2/{container.id}"
    config = dict(container.config)
    config.setdefault("Hostname", container.short_id)
    config["Hostname"] = container.short_id
    config["Image"] = container.image_ref
    binds = [
        f"{m.volume}:{m.destination}" + (":ro" if m.read_only else "")
        for m in container.mounts
        if m.volume not in anonymous
    ]
    return {
        "Id": container.id,
        "Created": container.created,
        "Path": argv[0] if argv else "",
        "Args": argv[1:],
        "State": {
            "Status": container.state,
            "Running": container.state == RUNNING,
            "Paused": False,
            "Restarting": False,
            "OOMKilled": False,
            "Dead": False,
            "Pid": pid if container.state == RUNNING else 0,
            "ExitCode": container.exit_code,
            "Error": "",
            "StartedAt": container.started_at or ZERO_TIME,
            "FinishedAt": container.finished_at or ZERO_TIME,
        },
        "Image": container.image_id,
        "ResolvConfPath": f"{base}/resolv.conf",
        "HostnamePath": f"{base}/hostname",
        "HostsPath": f"{base}/hosts",
        "LogPath": f"{base}/{container.id}-json.log",
        "Name": "/" + container.name,
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "docker-default",
        "ExecIDs": None,
        "HostConfig": {
            "Binds": binds or None,
            "ContainerIDFile": "",
            "NetworkMode": "bridge",
            "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0},
            "AutoRemove": container.auto_remove,
            "VolumeDriver": "",
            "VolumesFrom": None,
            "Privileged": False,
            "PublishAllPorts": False,
            "ReadonlyRootfs": container.read_only,
        },
        "GraphDriver": {
            "Data": {
                "LowerDir": f"{layer}-init/diff",
                "MergedDir": f"{layer}/merged",
                "UpperDir": f"{layer}/diff",
                "WorkDir": f"{layer}/work",
            },
            "Name": "overlay2",
        },
        "Mounts": [
            {
                "Type": "volume",
                "Name": m.volume,
                "Source": f"/var/lib/docker/volumes/{m.volume}/_data",
                "Destination": m.destination,
                "Driver": "local",
                "Mode": "" if m.volume in anonymous else "z",
                "RW": not m.read_only,
                "Propagation": "",
            }
            for m in container.mounts
        ],
        "Config": config,
    }
