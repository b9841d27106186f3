"""YAML read through libyaml (the fast path) gives exactly what the Python loader gives.

`load_yaml` composes simple YAML with libyaml and everything else with the tuned Python loader
(js-yaml's tabs and BOM, errors). Every front matter and manifest we have, and random YAML in
the shapes front matter takes (nesting, quoting, anchors, comments, Unicode, odd scalars), is
read both ways: data, positions and diagnostics must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import front_matter
from pipeline.front_matter import load_yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = load_yaml(text, "x.md", 2)
    monkeypatch.setattr(front_matter, "_FAST", False)
    slow = load_yaml(text, "x.md", 2)
    monkeypatch.setattr(front_matter, "_FAST", True)
    return fast, slow


def yaml_texts() -> list[str]:
    texts = []
    folders = [ROOT / "cards", ROOT / "tests", SHARED]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".md", ".txt", ".yml", ".yaml") or not path.is_file():
                continue
            if "node_modules" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.name == "README.md" or path.suffix in (".yml", ".yaml"):
                texts.append(text)
            if text.startswith("---\n") and (end := text.find("\n---", 4)) > 0:
                texts.append(text[4 : end + 1])
    return texts


def test_every_front_matter_and_manifest_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = yaml_texts()
    assert len(texts) > 100
    fast_used = 0
    for text in texts:
        fast, slow = both_ways(text, monkeypatch)
        assert fast == slow, text
        fast_used += front_matter._fast_node(text) is not None
    assert fast_used > len(texts) // 2  # the fast path is really taken


SCALARS = st.one_of(
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "off",
            "true",
            "False",
            "~",
            "null",
            "1e3",
            "0x1F",
            "0o17",
            "1_000",
            "12:30:00",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            ".inf",
            "-.5",
            "'quoted ''twice'''",
            '"esc \\u00e9 \\n"',
            "a: b",
            "- x",
            "#not",
            "x #comment",
            "é中😀",
            "[a, b]",
            "{a: 1}",
            "&anchor v",
            "*anchor",
            "!!str 3",
            "|",
            ">",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> str:
    """YAML-ish text: block mappings and sequences, flow collections, multi-line scalars."""
    kind = draw(st.sampled_from(["mapping", "sequence", "flow", "scalar", "block"]))
    pad = "  " * depth
    if depth > 3 or kind == "scalar":
        return draw(SCALARS) + "\n"
    if kind == "flow":
        items = draw(st.lists(SCALARS, max_size=4))
        return "[" + ", ".join(items) + "]\n"
    if kind == "block":
        lines = draw(st.lists(SCALARS, min_size=1, max_size=3))
        return (
            draw(st.sampled_from(["|", ">", "|-"]))
            + "\n"
            + "".join(f"{pad}  {line}\n" for line in lines)
        )
    entries = []
    for _ in range(draw(st.integers(1, 4))):
        child = draw(documents(depth + 1))
        nested = child.count("\n") > 1 or child.startswith(("a", "b")) and ":" in child
        key = draw(st.sampled_from(["title", "tags", "a", "b", "links", "x y", "'q'", "é"]))
        head = f"{pad}{key}:" if kind == "mapping" else f"{pad}-"
        comment = draw(st.sampled_from(["", " # note"]))
        if nested:
            entries.append(f"{head}{comment}\n{'  ' * (depth + 1)}{child}")
        else:
            entries.append(f"{head} {child}")
    return "".join(entries)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents())
def test_random_yaml_reads_the_same(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(text, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "a:\tb\n",  # a tab: the tuned scanner's job
        "\ufeffa: b\n",
        "a: b\x07\n",  # a control character: PyYAML's reader error
        "? [a, b]\n: c\n",  # a complex key: named after its mark
        "a: [" * 3000 + "]" * 3000 + "\n",  # deeper than libyaml can safely compose
        "a: 1\na: 2\n",  # a duplicate key
        "a: &x [*x]\n",
        "--- a\n--- b\n",  # two documents
        "a: 'unclosed\n",
    ],
)
def test_what_the_python_loader_must_read(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both_ways(text, monkeypatch)
    assert fast == slow
