"""cards.json is validated item by item, with a memo of the items that passed: the verdict is
the whole-document one, and a card that breaks the schema is reported, memo or not."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pipeline import export_json, schema
from pipeline.check import check
from pipeline.pack import Pack


@pytest.fixture(scope="module")
def document(course_template: Path) -> dict[str, Any]:
    checked = check(course_template)
    return export_json.document(checked.curriculum, checked.cards, epoch=1_700_000_000)


def whole(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The reference: jsonschema on the whole document."""
    found = schema.errors(data, "export")
    return sorted(("/".join(str(p) for p in e.absolute_path), e.message) for e in found)


BREAKS = {
    "card kind": lambda d: d["cards"][3].update(kind=42),
    "card key missing": lambda d: d["cards"][5].pop("id"),
    "card extra key": lambda d: d["cards"][0].update(surprise=True),
    "lesson slug empty": lambda d: d["lessons"][2].update(slug=""),
    "envelope": lambda d: d["summary"].update(cards=-1),
    "cards not a list": lambda d: d.update(cards={"a": 1}),
}


@pytest.mark.parametrize("name", BREAKS)
def test_a_broken_document_is_reported_as_the_whole_schema_reports_it(
    document: dict[str, Any], tmp_path: Path, name: str
) -> None:
    memo = tmp_path / "memo.pickle"
    assert export_json.validate(document, memo) == [] == whole(document)
    broken = copy.deepcopy(document)
    BREAKS[name](broken)
    expected = whole(broken)
    assert expected
    assert export_json.validate(broken, memo) == expected  # the memo knows the valid items
    assert export_json.validate(broken) == expected
    with pytest.raises(export_json.ExportError, match="does not match its schema"):
        export_json.write(broken, tmp_path, memo)
    assert not (tmp_path / export_json.FILE_NAME).exists()


def test_a_damaged_memo_only_costs_time(document: dict[str, Any], tmp_path: Path) -> None:
    memo = tmp_path / "memo.pickle"
    for damage in (b"", b"not a pickle", b"\x80\x05K\x01."):  # nothing, garbage, an int
        memo.write_bytes(damage)
        assert export_json.validate(document, memo) == []
        broken = copy.deepcopy(document)
        broken["cards"][1]["kind"] = None
        assert export_json.validate(broken, memo) == whole(broken)


def test_the_memo_remembers_this_builds_items_only(
    document: dict[str, Any], tmp_path: Path
) -> None:
    memo = tmp_path / "memo.pickle"
    export_json.validate(document, memo)
    before = len(export_json._load_memo(memo))
    assert len(export_json._load_memo(memo)) == len(
        {export_json._item_digest(n, i) for n in export_json.ITEMS for i in document[n]}
    )
    smaller = {**document, "cards": document["cards"][:1]}
    export_json.validate(smaller, memo)
    assert len(export_json._load_memo(memo)) < before


def test_rendered_text_is_the_documents_text_from_cache_or_not(
    course: Path, tmp_path: Path
) -> None:
    checked = check(course)
    expected = export_json.dumps(export_json.document(checked.curriculum, checked.cards, 7))
    store = Pack(tmp_path / "json.pack")
    first = export_json.render(checked.curriculum, checked.cards, 7, store)
    assert first is not None and first.text == expected and first.made
    first.require_valid()
    again = export_json.render(checked.curriculum, checked.cards, 7, store)
    assert again is not None and again.text == expected and not again.made  # all cached
    lesson = sorted(p for p in course.rglob("*.md") if p.name != "README.md")[3]
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("# ", "# Edited ", 1))
    edited = check(course)
    third = export_json.render(edited.curriculum, edited.cards, 7, store)
    assert third is not None and 0 < len(third.made) <= 2  # its entry and its cards
    assert third.text == export_json.dumps(export_json.document(edited.curriculum, edited.cards, 7))


def test_a_broken_card_is_reported_and_never_cached(
    document: dict[str, Any], course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.card import Card

    made = Card.to_dict
    monkeypatch.setattr(Card, "to_dict", lambda card: {**made(card), "gaps": "many"})
    checked = check(course)
    store = Pack(tmp_path / "json.pack")
    for _ in range(2):
        rendered = export_json.render(checked.curriculum, checked.cards, 7, store)
        assert rendered is not None
        with pytest.raises(export_json.ExportError, match="at /cards/0/gaps"):
            rendered.require_valid()
    store.save()
    assert Pack(tmp_path / "json.pack").stored_keys() == []
