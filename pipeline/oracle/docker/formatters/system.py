"""`docker system df` (cli/command/formatter/disk_usage.go as of docker 27, which computes the
summary from the daemon's disk-usage report) and `docker volume ls`.

Images: SIZE is the layers counted once; RECLAIMABLE what no container's image needs. Containers
and volumes count their writable data. The build cache row counts the records of the builder's
cache (the oracle's model of BuildKit's cache: one record per RUN/COPY/ADD/WORKDIR result).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pipeline.oracle.gotemplate import GoStruct

from .common import since, size3, size4

DF_FORMAT = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}"
DF_HEADER = {
    "Type": "TYPE",
    "TotalCount": "TOTAL",
    "Active": "ACTIVE",
    "Size": "SIZE",
    "Reclaimable": "RECLAIMABLE",
}
DF_RAW = (
    "type: {{.Type}}\ntotal: {{.TotalCount}}\nactive: {{.Active}}\nsize: {{.Size}}\n"
    "reclaimable: {{.Reclaimable}}\n"
)
IMAGES_FORMAT = (
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}"
    "\t{{.UniqueSize}}\t{{.Containers}}"
)
CONTAINERS_FORMAT = (
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}"
    "\t{{.Status}}\t{{.Names}}"
)
VOLUMES_FORMAT = "table {{.Name}}\t{{.Links}}\t{{.Size}}"
CACHE_FORMAT = (
    "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}"
    "\t{{.UsageCount}}\t{{.Shared}}"
)
CACHE_HEADER = {
    "ID": "CACHE ID",
    "CacheType": "CACHE TYPE",
    "Size": "SIZE",
    "CreatedSince": "CREATED",
    "LastUsedSince": "LAST USED",
    "UsageCount": "USAGE",
    "Shared": "SHARED",
}
VOLUME_LS_FORMAT = "table {{.Driver}}\t{{.Name}}"
VOLUME_HEADER = {
    "Name": "VOLUME NAME",
    "Driver": "DRIVER",
    "Scope": "SCOPE",
    "Mountpoint": "MOUNTPOINT",
    "Labels": "LABELS",
    "Links": "LINKS",
    "Size": "SIZE",
}


def _with_share(amount: int, total: int) -> str:
    if total > 0:
        return f"{size4(amount)} ({amount * 100 // total}%)"
    return size4(amount)


def summary_row(kind: str, total: int, active: int, size: int, reclaimable: int, percent: bool):
    return GoStruct(
        "*formatter.diskUsageContext",
        {
            "Active": str(active),
            "Reclaimable": _with_share(reclaimable, size) if percent else size4(reclaimable),
            "Size": size4(size),
            "TotalCount": str(total),
            "Type": kind,
        },
    )


def df_rows(df: Any, cache: Sequence[Any]) -> list[GoStruct]:
    images = df.images
    used = sum(i.size - i.shared_size for i in images if i.containers)
    running = [c for c in df.containers if c.state in ("running", "paused", "restarting")]
    container_size = sum(c.size_rw for c in df.containers)
    idle = sum(c.size_rw for c in df.containers if c not in running)
    volume_size = sum(v.size for v in df.volumes)
    unused = sum(v.size for v in df.volumes if v.links == 0)
    cache_size = sum(getattr(r, "layer", None).size for r in cache if hasattr(r, "layer"))
    return [
        summary_row("Images", len(images), sum(1 for i in images if i.containers),
                    df.layers_size, df.layers_size - used, True),
        summary_row("Containers", len(df.containers), len(running), container_size, idle, True),
        summary_row("Local Volumes", len(df.volumes), sum(1 for v in df.volumes if v.links),
                    volume_size, unused, True),
        summary_row("Build Cache", len(cache), 0, cache_size, cache_size, False),
    ]  # fmt: skip


def natural_key(name: str) -> list[Any]:
    """sortorder.NaturalLess: digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def volume_row(volume: Any, links: int | None = None) -> GoStruct:
    labels = volume.labels or {}
    return GoStruct(
        "*formatter.volumeContext",
        {
            "Availability": "N/A",
            "Driver": volume.driver,
            "Group": "N/A",
            "Labels": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
            "Links": "N/A" if links is None else str(links),
            "Mountpoint": volume.mountpoint,
            "Name": volume.name,
            "Scope": "local",
            "Size": "N/A" if links is None else size4(volume.size),
            "Status": "N/A",
        },
    )


def image_usage_row(usage: Any, repo: str, tag: str, trunc: bool) -> GoStruct:
    from pipeline.oracle.tabwriter import truncate_id

    return GoStruct(
        "*formatter.imageContext",
        {
            "Containers": str(usage.containers),
            "CreatedSince": since(usage.created),
            "ID": truncate_id(usage.id) if trunc else usage.id,
            "Repository": repo,
            "SharedSize": size4(usage.shared_size),
            "Size": size3(usage.size),
            "Tag": tag,
            "UniqueSize": size4(usage.size - usage.shared_size),
        },
    )
