"""The `.apkg` file itself: the same bytes from the same sources, a tidy zip, no leftovers."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any


def test_two_builds_give_byte_identical_packages(tmp_path: Path, helpers: Any) -> None:
    course = helpers.small_course(tmp_path / "src")
    first = helpers.build(course.root, tmp_path / "one")
    second = helpers.build(course.root, tmp_path / "elsewhere" / "two")
    assert first.ok and second.ok, first.process.stdout + second.process.stdout
    assert [p.name for p in first.packages] == [p.name for p in second.packages] == ["course.apkg"]
    assert first.packages[0].read_bytes() == second.packages[0].read_bytes()


def test_the_zip_is_normalised(tmp_path: Path, helpers: Any) -> None:
    course = helpers.small_course(tmp_path / "src")
    built = helpers.build(course.root, tmp_path / "dist")
    with zipfile.ZipFile(built.packages[0]) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {"collection.anki2", "media"} <= {i.filename for i in infos}
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr >> 16 == 0o100644
        assert archive.testzip() is None
        database = tmp_path / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(database) as connection:
        notes = connection.execute("select count(), count(distinct guid) from notes").fetchone()
    assert notes[0] == notes[1] == len(built.cards_json["cards"])


def test_a_build_leaves_no_temporary_files(tmp_path: Path, helpers: Any) -> None:
    course = helpers.small_course(tmp_path / "work" / "src")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    built = helpers.build(course.root, tmp_path / "work" / "dist", {"TMPDIR": str(scratch)})
    assert built.ok, built.process.stdout
    assert list(scratch.iterdir()) == []  # genanki's own writer would leave its database here
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["dist", "src"]
    assert not [p for p in built.output.rglob("*") if p.name.startswith(".")]


def test_a_failed_build_writes_no_package(tmp_path: Path, helpers: Any) -> None:
    course = helpers.small_course(tmp_path / "src")
    course.write("course/going-on/gamma.md", "---\ncategory: [\n---\n# Broken\n")
    built = helpers.build(course.root, tmp_path / "dist")
    assert not built.ok
    assert not built.output.exists() or not list(built.output.glob("*.apkg"))


def test_the_design_time_is_bumped_with_the_design() -> None:
    from pipeline.anki import notetype

    # Changing a template or the CSS needs a new DESIGN_CHANGED (so learners' Anki takes the
    # new design) and then the new digest here.
    assert notetype.design_digest() == notetype.DESIGN_DIGEST, "bump notetype.DESIGN_CHANGED"


def test_note_types_carry_the_newest_time(tmp_path: Path, helpers: Any) -> None:
    from pipeline.anki import notetype

    course = helpers.small_course(tmp_path / "src")
    late = notetype.DESIGN_CHANGED + 1000
    for epoch in (notetype.DESIGN_CHANGED - 1000, late):
        built = helpers.build(
            course.root, tmp_path / f"dist{epoch}", {"SOURCE_DATE_EPOCH": str(epoch)}
        )
        with zipfile.ZipFile(built.packages[0]) as archive:
            database = tmp_path / f"{epoch}.anki2"
            database.write_bytes(archive.read("collection.anki2"))
        with sqlite3.connect(database) as connection:
            [models] = connection.execute("select models from col").fetchone()
        times = {model["mod"] for model in json.loads(models).values()}
        assert times == {max(epoch, notetype.DESIGN_CHANGED)}


def test_the_collection_names_every_deck_and_note_type_once(tmp_path: Path, helpers: Any) -> None:
    """The deck and note type tables are written in one pass (genanki rewrote them per deck,
    leaving a note type's id twice in the JSON)."""
    course = helpers.small_course(tmp_path / "src")
    built = helpers.build(course.root, tmp_path / "dist")
    with zipfile.ZipFile(built.packages[0]) as archive:
        database = tmp_path / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(database) as connection:
        decks, models = connection.execute("select decks, models from col").fetchone()
        used = {row[0] for row in connection.execute("select distinct mid from notes")}
        homes = {row[0] for row in connection.execute("select distinct did from cards")}

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    deck_table = json.loads(decks, object_pairs_hook=unique_keys)
    model_table = json.loads(models, object_pairs_hook=unique_keys)
    assert {int(key) for key in model_table} == used
    assert homes <= {int(key) for key in deck_table}
    assert all(model["did"] in homes for model in model_table.values())
