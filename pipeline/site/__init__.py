"""The static study site (`dist/site/`): an index, one page per lesson, interactive quizzes.

`site_stage` is the build's stage; `write_site` does the work for any checked course.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.site.writer import SITE, write_site

if TYPE_CHECKING:
    from pipeline.build import BuildContext

__all__ = ["SITE", "site_stage", "write_site"]


def site_stage(ctx: BuildContext) -> None:
    """`site/`: the study pages, from the checked course and its cards."""
    assert ctx.checked is not None
    pages = ctx.lesson_cache / "site" if ctx.lesson_cache else None
    checked = ctx.checked
    write_site(checked.curriculum, checked.cards, ctx.staging / SITE, pages, ctx.reuse.under(SITE))
    ctx.written.append(SITE)
