"""Cards: stable ids, what a card carries, and the cards.json export."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import export_json, schema
from pipeline.check import check

LESSON = """---
category: tip
links:
  - '[Docs](https://docs.docker.com/){documentation}'
---

# Layer Cards

---

## Content

A layer[1] is a diff; a tag[2] is a name.

---

## Practice

A layer is a ???

- diff
- name

```oracle
$ echo diff
```

---

## Quiz

### Names

<!-- id: tag-is-a-name -->
A tag is a ???

- name
- diff

---

## Footnotes

[1: Layer]
A set of *file* changes.

[2: Tag]
A movable name.
"""


def write(tmp_path: Path, text: str = LESSON, name: str = "layer-cards.md") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_ids_are_stable_and_overridable(tmp_path: Path) -> None:
    checked = check(write(tmp_path))
    assert checked.diagnostics == []
    assert [(c.id, c.kind, c.source.line) for c in checked.cards] == [
        ("layer-cards.practice.1", "practice", 17),
        ("tag-is-a-name", "quiz", 30),
        ("layer-cards.footnote.1", "footnote", 44),
        ("layer-cards.footnote.2", "footnote", 47),
    ]
    edited = LESSON.replace("A layer is a ???", "Every layer is stored as a ???")
    assert [c.id for c in check(write(tmp_path, edited)).cards] == [c.id for c in checked.cards]


def test_what_a_card_carries(tmp_path: Path) -> None:
    practice, quiz, layer, _ = check(write(tmp_path)).cards
    assert (practice.lesson, practice.section, practice.source.path) == (
        "layer-cards",
        "Practice",
        "layer-cards.md",
    )
    assert practice.text == "A layer is a ???" and practice.gaps == 1
    assert [(a.text, a.correct) for a in practice.answers] == [("diff", True), ("name", False)]
    assert practice.oracle is not None
    assert (practice.oracle.text, practice.oracle.line) == ("$ echo diff\n", 25)
    assert practice.verification.status == "unverified"
    assert quiz.headline == "Names" and quiz.oracle is None
    assert (layer.text, layer.answers, layer.gaps) == ("Layer", [], 0)
    assert layer.definition is not None
    assert layer.definition.html == "<p>A set of <em>file</em> changes.</p>\n"


def test_duplicate_ids_are_errors_across_files(tmp_path: Path) -> None:
    write(tmp_path)
    write(tmp_path, LESSON.replace("# Layer Cards", "# More Cards"), "more-cards.md")
    problems = [(Path(d.path).name, d.line, d.rule) for d in check(tmp_path).diagnostics]
    assert problems == [("more-cards.md", 34, "duplicate-id")]


def test_cards_json_is_valid_and_reproducible(tmp_path: Path) -> None:
    checked = check(write(tmp_path))
    data = export_json.document(checked.curriculum, checked.cards, epoch=1700000000)
    assert schema.errors(data, "export") == []
    assert data["generated_at"] == "2023-11-14T22:13:20Z"
    assert data["summary"] == {
        "lessons": 1,
        "cards": 4,
        "verified": 0,
        "unverified": 2,
        "failing": 0,
    }
    (lesson,) = data["lessons"]
    assert lesson["metadata"]["links"] == [
        {"name": "Docs", "url": "https://docs.docker.com/", "nature": "documentation"}
    ]
    assert [s["name"] for s in lesson["sections"]] == ["Content", "Footnotes"]
    assert '<li id="footnote-2" value="2">' in lesson["sections"][1]["html"]
    assert lesson["cards"] == [card["id"] for card in data["cards"]]
    again = check(tmp_path / "layer-cards.md")
    same = export_json.document(again.curriculum, again.cards, epoch=1700000000)
    assert export_json.dumps(same) == export_json.dumps(data)
    assert json.loads(export_json.dumps(data)) == data


def test_the_card_schema_rejects_what_a_card_cannot_be(tmp_path: Path) -> None:
    card = check(write(tmp_path)).cards[0].to_dict()
    assert schema.errors(card, "card") == []
    broken = dict(card, kind="footnote")  # a footnote card with answers and no definition
    assert schema.errors(broken, "card")
    assert schema.errors(dict(card, verification={"status": "maybe"}), "card")


def test_a_cards_dict_is_every_field_but_the_bookkeeping_in_the_schemas_order() -> None:
    """`to_dict` copies fields by hand: it must say what `asdict` says, key order included."""
    from dataclasses import asdict

    course = Path(__file__).resolve().parents[2] / "cards"
    cards = check(course).cards
    assert {card.kind for card in cards} >= {"practice", "revision", "footnote"}
    assert any(card.oracle for card in cards) and any(card.definition for card in cards)
    for card in cards:
        expected = asdict(card)
        for bookkeeping in ("path", "id_line", "origin"):
            del expected[bookkeeping]
        found = card.to_dict()
        assert found == expected
        assert list(found) == list(schema.load("card")["properties"])
