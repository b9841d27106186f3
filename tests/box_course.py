"""A two-level course of small lessons about boxes, written into a folder for a test.

Tests that build a whole course (atomic publishing, determinism) share it: one verified
practice question, a footnote and manifests at every level, so every output has something in it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path


def lesson(title: str, content: str, front: str = "") -> str:
    """A lesson with `content` in its Content section and one verified practice question."""
    head = f"---\nauthor: tests\ntype: normal\ncategory: must-know\n{front}---\n\n# {title}\n"
    body = textwrap.dedent(
        """
        ---

        ## Content

        {content}

        ---

        ## Practice

        What does `echo packed` print?

        ???

        - packed
        - unpacked

        ```oracle
        $ echo packed
        ```

        ---

        ## Footnotes

        [1: Box]
        A container with a lid.
        """
    )
    return head + body.replace("{content}", content)


def write_course(root: Path, lessons: dict[str, str], extra: dict[str, str] | None = None) -> Path:
    """`lessons` (slug → text) in one workout of one course, in that order, with `extra` files
    (relative path → text) beside them."""
    listed = "".join(f"  - {slug}\n" for slug in lessons)
    files = {
        "README.md": "name: Boxes\ndescription: A topic.\n",
        "boxes/README.md": "name: Boxes course\nsections:\n  '0':\n    - packing\n",
        "boxes/packing/README.md": f"name: Packing\ninsights:\n{listed}",
        **{f"boxes/packing/{slug}.md": text for slug, text in lessons.items()},
        **{f"boxes/packing/{name}": text for name, text in (extra or {}).items()},
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root
