"""`docker history` (cli/command/image/formatter_history.go, history.go).

Rows come from the store newest first (`<missing>` where no local image ID belongs to the step,
docker-image-semantics.md §4.3). CREATED BY has its tabs replaced by spaces and is cut to 45
columns with `…` unless `--no-trunc`, also inside a custom `--format`.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.oracle.gotemplate import GoStruct
from pipeline.oracle.store import HistoryRow
from pipeline.oracle.tabwriter import ellipsis, truncate_id

from .common import rfc3339, since, size3

DEFAULT_FORMAT = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
NON_HUMAN_FORMAT = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
HEADER = {
    "ID": "IMAGE",
    "CreatedSince": "CREATED",
    "CreatedAt": "CREATED AT",
    "CreatedBy": "CREATED BY",
    "Size": "SIZE",
    "Comment": "COMMENT",
    "Tags": "TAGS",
}


def history_format(format: str, quiet: bool, human: bool) -> str:
    """history.go `NewHistoryFormat`."""
    if not format or format == "table":
        if quiet:
            return "{{.ID}}"
        return DEFAULT_FORMAT if human else NON_HUMAN_FORMAT
    return format


def history_rows(rows: Sequence[HistoryRow], trunc: bool, human: bool) -> list[GoStruct]:
    out = []
    for row in rows:
        created_by = row.created_by.replace("\t", " ")
        out.append(
            GoStruct(
                "*image.historyContext",
                {
                    "Comment": row.comment,
                    "CreatedAt": rfc3339(row.created),
                    "CreatedBy": ellipsis(created_by, 45) if trunc else created_by,
                    "CreatedSince": since(row.created) if human else rfc3339(row.created),
                    "ID": truncate_id(row.id) if trunc else row.id,
                    "Size": size3(row.size) if human else str(row.size),
                    "Tags": ", ".join(row.tags),
                },
            )
        )
    return out
