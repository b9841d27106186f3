"""`docker system df [-v] [--format]` (cli/command/system/df.go, docker 27)."""

from __future__ import annotations

from pipeline.oracle import reference as refs
from pipeline.oracle.docker.command import NO_ARGS, Command, Invocation
from pipeline.oracle.docker.commands.common import FORMAT
from pipeline.oracle.docker.flags import BOOL, Flag
from pipeline.oracle.docker.formatters import containers as fc
from pipeline.oracle.docker.formatters import system as fs
from pipeline.oracle.docker.formatters.common import render, size3, size4


def run_df(inv: Invocation) -> int:
    engine = inv.engine
    df = engine.system_df()
    cache = list(engine.build_cache.values())
    if inv.opts["verbose"]:
        inv.out(_verbose(inv, df, cache))
        return 0
    format = inv.opts["format"] or "table"
    if format == "table":
        format = fs.DF_FORMAT
    elif format == "raw":
        format = fs.DF_RAW
    inv.out(render(format, fs.df_rows(df, cache), fs.DF_HEADER))
    return 0


def _verbose(inv: Invocation, df: object, cache: list) -> str:
    engine = inv.engine
    out = ["Images space usage:\n\n"]
    rows = []
    for usage in df.images:  # type: ignore[attr-defined]
        repo, tag = "<none>", "<none>"
        if usage.repo_tags:
            ref = refs.parse_normalized_named(usage.repo_tags[0])
            repo, tag = refs.familiar_name(ref), ref.tag
        rows.append(fs.image_usage_row(usage, repo, tag, trunc=True))
    header = {"Repository": "REPOSITORY", "Tag": "TAG", "ID": "IMAGE ID",
              "CreatedSince": "CREATED", "Size": "SIZE", "SharedSize": "SHARED SIZE",
              "UniqueSize": "UNIQUE SIZE", "Containers": "CONTAINERS"}  # fmt: skip
    out.append(render(fs.IMAGES_FORMAT, rows, header))
    out.append("\nContainers space usage:\n\n")
    store = engine.images
    crow = []
    for container in engine.ordered_containers():
        try:
            current = store.resolve(container.image_ref)
        except refs.ReferenceError:
            current = None
        row = fc.ps_row(container, current, trunc=True, with_size=True)
        # df.go zeroes SizeRootFs: the rows show the writable layer only
        crow.append(fc.GoStruct(row.type_name, {**row, "Size": size3(container.size_rw)}))
    out.append(render(fs.CONTAINERS_FORMAT, crow, fc.HEADER))
    out.append("\nLocal Volumes space usage:\n\n")
    links = {v.name: v.links for v in df.volumes}  # type: ignore[attr-defined]
    vrows = [fs.volume_row(v, links.get(v.name, 0)) for v in engine.volumes.listed()]
    out.append(render(fs.VOLUMES_FORMAT, vrows, fs.VOLUME_HEADER))
    total = sum(r.layer.size for r in cache if hasattr(r, "layer"))
    out.append(f"\nBuild cache usage: {size4(total)}\n\n")
    out.append(render(fs.CACHE_FORMAT, [], fs.CACHE_HEADER))
    return "".join(out)


DF = Command(
    "docker system df", "[OPTIONS]", "Show docker disk usage", run_df,
    (FORMAT, Flag("verbose", "v", BOOL)), NO_ARGS,
)  # fmt: skip
COMMANDS = {("system", "df"): DF}
