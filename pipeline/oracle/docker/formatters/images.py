"""`docker images` / `docker image ls` (cli/command/formatter/image.go, Docker 24-28).

One row per repository:tag of each listed image (`<none>  <none>` for a dangling one), images
newest first. Go groups an image's tags by repository through a map, so real Docker may order
the repositories of one image either way; ORACLE CHOICE: repositories ascending, tags in the
daemon's sorted order (docker-image-semantics.md §4.4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.oracle import reference as refs
from pipeline.oracle.gotemplate import GoStruct
from pipeline.oracle.image import Image
from pipeline.oracle.tabwriter import truncate_id

from .common import go_time, since, size3, size4

DEFAULT_FORMAT = (
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t"
    "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
)
DIGEST_FORMAT = (
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t"
    "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
)
QUIET_FORMAT = "{{.ID}}"
HEADER = {
    "Repository": "REPOSITORY",
    "Tag": "TAG",
    "Digest": "DIGEST",
    "ID": "IMAGE ID",
    "CreatedSince": "CREATED",
    "CreatedAt": "CREATED AT",
    "Size": "SIZE",
    "Containers": "CONTAINERS",
    "VirtualSize": "VIRTUAL SIZE",
    "SharedSize": "SHARED SIZE",
    "UniqueSize": "UNIQUE SIZE",
}


def image_format(format: str, quiet: bool, digests: bool) -> str:
    """image.go `NewImageFormat`."""
    if not format or format == "table":
        if quiet:
            return QUIET_FORMAT
        return DIGEST_FORMAT if digests else DEFAULT_FORMAT
    if format == "raw":
        if quiet:
            return "image_id: {{.ID}}"
        digest_line = "digest: {{.Digest}}\n" if digests else ""
        return (
            "repository: {{ .Repository }}\ntag: {{.Tag}}\n" + digest_line + "image_id: {{.ID}}\n"
            "created_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n"
        )
    if format.startswith("table") and digests and "{{.Digest}}" not in format:
        return format + "\t{{.Digest}}"  # a custom table gets the column --digests asks for
    return format


@dataclass(frozen=True)
class Summary:
    """The daemon's image.Summary for one listed image (after the reference filter)."""

    image: Image
    repo_tags: list[str]  # familiar, e.g. alpine:3.21; ["<none>:<none>"] when dangling
    repo_digests: list[str]
    size: int
    created: str
    containers: int = -1
    shared_size: int = -1


def is_dangling(summary: Summary) -> bool:
    return (not summary.repo_tags and not summary.repo_digests) or (
        summary.repo_tags == ["<none>:<none>"] and summary.repo_digests == ["<none>@<none>"]
    )


def image_rows(summaries: Sequence[Summary], trunc: bool, digests: bool) -> list[GoStruct]:
    rows: list[GoStruct] = []
    for summary in summaries:
        if is_dangling(summary):
            rows.append(_row(summary, "<none>", "<none>", "<none>", trunc))
            continue
        rows.extend(_tagged_and_digest(summary, trunc, digests))
    return rows


def _tagged_and_digest(summary: Summary, trunc: bool, show_digests: bool) -> list[GoStruct]:
    """image.go `imageFormatTaggedAndDigest`."""
    repo_tags: dict[str, list[str]] = {}
    repo_digests: dict[str, list[str]] = {}
    for text in summary.repo_tags:
        ref = refs.parse_normalized_named(text)
        if ref.tag:
            repo_tags.setdefault(refs.familiar_name(ref), []).append(ref.tag)
    for text in summary.repo_digests:
        ref = refs.parse_normalized_named(text)
        if ref.digest:
            repo_digests.setdefault(refs.familiar_name(ref), []).append(ref.digest)
    rows = []
    for repo in sorted(repo_tags):
        digests = repo_digests.pop(repo, []) if show_digests else []
        repo_digests.pop(repo, None)
        for tag in repo_tags[repo]:
            for digest in digests or ["<none>"]:
                rows.append(_row(summary, repo, tag, digest, trunc))
    for repo in sorted(repo_digests):
        if show_digests:
            rows.extend(_row(summary, repo, "<none>", d, trunc) for d in repo_digests[repo])
        else:
            rows.append(_row(summary, repo, "<none>", "", trunc))
    return rows


def _row(summary: Summary, repo: str, tag: str, digest: str, trunc: bool) -> GoStruct:
    """imageContext: every method as a field, in the alphabetical order its MarshalJSON uses."""
    image_id = summary.image.id
    shared = summary.shared_size
    return GoStruct(
        "*formatter.imageContext",
        {
            "Containers": "N/A" if summary.containers == -1 else str(summary.containers),
            "CreatedAt": go_time(summary.created),
            "CreatedSince": since(summary.created) if summary.created else "",
            "Digest": digest,
            "ID": truncate_id(image_id) if trunc else image_id,
            "Repository": repo,
            "SharedSize": "N/A" if shared == -1 else size4(shared),
            "Size": size3(summary.size),
            "Tag": tag,
            "UniqueSize": "N/A" if shared == -1 else size4(summary.size - shared),
            "VirtualSize": size4(summary.size),
        },
    )
