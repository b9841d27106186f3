"""A built course imported into a fresh Anki: notes, cards, decks, tags, media, rendering."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def plain(fragment: str) -> str:
    """Text of an HTML fragment, white space folded."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return " ".join(text.split())


def expected_decks(document: dict[str, Any]) -> dict[str, str]:
    """Lesson slug → the deck designed for it: Topic::Course::Workout::Lesson."""
    titles = {lesson["slug"]: lesson["title"] for lesson in document["lessons"]}
    decks = {}
    for topic in document["tree"]["topics"]:
        for course in topic["courses"]:
            for workout in course["workouts"]:
                for slug in workout["lessons"]:
                    names = [topic["name"], course["name"], workout["name"], titles[slug]]
                    decks[slug] = "::".join(names)
    return decks


def expected_paths(document: dict[str, Any]) -> dict[str, str]:
    paths = {}
    for topic in document["tree"]["topics"]:
        for course in topic["courses"]:
            for workout in course["workouts"]:
                for slug in workout["lessons"]:
                    paths[slug] = "::".join([topic["slug"], course["slug"], workout["slug"], slug])
    return paths


def typed_questions(document: dict[str, Any]) -> set[str]:
    """Card ids whose lesson offers the type-in-the-gap format for their kind."""
    formats = {}
    for lesson in document["lessons"]:
        for kind in ("practice", "revision", "quiz"):
            settings = lesson["metadata"].get(f"{kind}Question") or {}
            formats[lesson["slug"], kind] = settings.get("formats") or []
    return {
        card["id"]
        for card in document["cards"]
        if card["kind"] != "footnote" and "type-in-the-gap" in formats[card["lesson"], card["kind"]]
    }


def import_all(learner: Any, packages: list[Path]) -> list[Any]:
    logs = [learner.import_package(path) for path in packages]
    for log in logs:
        assert not log.conflicting and not log.missing_notetype and not log.missing_deck
        assert not log.updated and not log.duplicate
    return logs


def check_against_cards_json(learner: Any, document: dict[str, Any]) -> None:
    cards = document["cards"]
    notes = learner.notes_by_id()
    assert sorted(notes) == sorted(card["id"] for card in cards)
    assert learner.col.note_count() == len(cards)
    typed = typed_questions(document)
    assert learner.col.card_count() == len(cards) + len(typed)

    decks, paths = expected_decks(document), expected_paths(document)
    metadata = {lesson["slug"]: lesson["metadata"] for lesson in document["lessons"]}
    for card in cards:
        note = notes[card["id"]]
        anki_cards = note.cards()
        assert len(anki_cards) == (2 if card["id"] in typed else 1)
        for anki_card in anki_cards:
            assert learner.col.decks.name(anki_card.did) == decks[card["lesson"]]
        tags = set(note.tags)
        assert f"course::{paths[card['lesson']]}" in tags
        assert f"kind::{card['kind']}" in tags
        meta = metadata[card["lesson"]]
        assert f"category::{meta['category']}" in tags
        assert f"type::{meta['type']}" in tags
        for aspect in meta.get("aspects", []):
            assert f"aspect::{aspect}" in tags
        for tag in meta.get("tags", []):
            assert f"tag::{tag}" in tags

    # cards in lesson order: the first template's cards sorted by due follow cards.json
    first = [learner.col.get_card(c) for c in learner.col.find_cards("card:1")]
    by_due = [c.note()["Id"] for c in sorted(first, key=lambda c: c.due)]
    assert by_due == [card["id"] for card in cards]

    check = learner.col.media.check()
    assert list(check.missing) == [] and list(check.unused) == []


def test_small_course_imports_as_designed(tmp_path: Path, learner: Any, helpers: Any) -> None:
    helpers.small_course(tmp_path / "src")
    built = helpers.build(tmp_path / "src", tmp_path / "dist")
    assert built.ok, built.process.stdout + built.process.stderr
    assert [p.name for p in built.packages] == ["course.apkg"]
    document = built.cards_json
    import_all(learner, built.packages)
    check_against_cards_json(learner, document)

    # the parent decks exist too, and nothing else was added
    names = {d.name for d in learner.col.decks.all_names_and_ids()}
    assert {"Topic One", "Topic One::Course One", "Topic One::Course One::First Steps"} <= names
    assert names - {"Default"} == {
        "Topic One",
        "Topic One::Course One",
        "Topic One::Course One::First Steps",
        "Topic One::Course One::Going On",
        *expected_decks(document).values(),
    }


def test_rendered_cards_show_question_options_and_filled_gaps(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    helpers.small_course(tmp_path / "src")
    built = helpers.build(tmp_path / "src", tmp_path / "dist")
    assert built.ok, built.process.stdout
    import_all(learner, built.packages)
    notes = learner.notes_by_id()
    for card in built.cards_json["cards"]:
        rendered = notes[card["id"]].cards()[0]
        front, back = rendered.question(), rendered.answer()
        if card["kind"] == "footnote":
            assert plain(card["html"]) in plain(front)
            assert plain(card["definition"]["html"]) in plain(back)
            continue
        question = plain(card["html"])
        for word in question.split():  # code is split into styled spans: compare words
            assert word in plain(front)
        for answer in card["answers"]:
            assert plain(answer["html"]) in plain(front)
        # the back fills each gap with its correct answer, in order
        filled = re.findall(r'<span class="gap filled" data-gap="(\d+)">(.*?)</span>', back)
        correct = [plain(a["html"]) for a in card["answers"] if a["correct"]]
        assert [plain(text) for _, text in filled] == correct[: card["gaps"]]
        assert [int(n) for n, _ in filled] == list(range(1, card["gaps"] + 1))
        assert "???" not in plain(back.split('<div class="revealed">')[0].split("</style>")[-1])
        assert 'href="lessons/' in back  # the way back to the lesson's page


def test_code_is_highlighted_inline_and_nothing_is_external(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    helpers.small_course(tmp_path / "src")
    built = helpers.build(tmp_path / "src", tmp_path / "dist")
    import_all(learner, built.packages)
    note = learner.notes_by_id()["alpha.revision.1"]
    front = note.cards()[0].question()
    assert re.search(r'<pre style="background:#[0-9a-f]{6};color:#[0-9a-f]{6}', front)
    assert re.search(r'<span style="color:#[0-9a-f]{6}[^"]*">FROM</span>', front)
    assert "hl-" not in front  # every highlight class became an inline style
    for note in learner.notes_by_id().values():
        for side in (note.cards()[0].question(), note.cards()[0].answer()):
            assert "<script" not in side and "<link" not in side
            assert "@import" not in side and "@font-face" not in side and "url(" not in side


def test_options_are_shuffled_the_same_way_in_every_build(tmp_path: Path, helpers: Any) -> None:
    helpers.small_course(tmp_path / "src")
    first = helpers.build(tmp_path / "src", tmp_path / "one")
    second = helpers.build(tmp_path / "src", tmp_path / "two")
    assert first.ok and second.ok
    from pipeline.anki.note import shuffled
    from pipeline.check import check

    cards = check(tmp_path / "src").cards
    orders = {tuple(a.text for a, _ in shuffled(c)) for c in cards if c.answers}
    natural = {tuple(a.text for a in c.answers) for c in cards if c.answers}
    assert orders != natural  # not simply the written order (the first answer is the right one)
    assert [p.read_bytes() for p in first.packages] == [p.read_bytes() for p in second.packages]


def test_the_project_course_imports_cleanly(tmp_path: Path, learner: Any, helpers: Any) -> None:
    source = tmp_path / "cards"
    shutil.copytree(ROOT / "cards", source)
    built = helpers.build(source, tmp_path / "dist")
    assert built.ok, built.process.stdout + built.process.stderr
    assert built.packages
    import_all(learner, built.packages)
    check_against_cards_json(learner, built.cards_json)


def test_oracle_evidence_is_folded_on_the_back(tmp_path: Path, learner: Any, helpers: Any) -> None:
    helpers.small_course(tmp_path / "src")
    built = helpers.build(tmp_path / "src", tmp_path / "dist")
    assert built.ok, built.process.stdout
    import_all(learner, built.packages)
    cards = {card["id"]: card for card in built.cards_json["cards"]}
    notes = learner.notes_by_id()
    for card_id, card in cards.items():
        if card["kind"] == "footnote":
            continue
        front, back = notes[card_id].cards()[0].question(), notes[card_id].cards()[0].answer()
        assert "<details" not in front
        if card["oracle"] is None:
            assert "<details" not in back
            continue
        evidence = back[back.index('<details class="evidence">') :]
        for line in card["oracle"]["text"].splitlines():
            assert " ".join(line.split()) in plain(evidence)
        assert card["verification"]["status"] == "verified"
        assert card["verification"]["output"].strip() in plain(evidence.split("Output:")[1])
        assert "Checked" in plain(evidence)
    assert any(card["oracle"] for card in cards.values())


def test_type_in_questions_get_a_typed_card(tmp_path: Path, learner: Any, helpers: Any) -> None:
    helpers.small_course(tmp_path / "src")
    built = helpers.build(tmp_path / "src", tmp_path / "dist")
    import_all(learner, built.packages)
    notes = learner.notes_by_id()
    typed = notes["beta.practice.1"]
    assert [c.template()["name"] for c in typed.cards()] == ["Choose", "Type"]
    assert typed["Typed"] == "read-only, writable"  # the correct answers, in gap order
    assert "[[type:Typed]]" in typed.cards()[1].question()
    others = [n for key, n in notes.items() if key != "beta.practice.1"]
    assert all(len(n.cards()) == 1 and not n["Typed"] for n in others if "Typed" in n)
