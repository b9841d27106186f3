"""Re-importing a rebuilt deck: unchanged notes stay, edited ones update, new ones arrive,
and a learner's review history survives. Checked by Anki's own importer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

T1, T2, T3 = 1_700_000_000, 1_700_100_000, 1_700_200_000
EDITED = "alpha.practice.1"
OLD_TEXT = "Which instruction adds a layer?"
NEW_TEXT = "Which Dockerfile instruction adds a file-system layer?"
NEW_QUIZ = "\n---\n\n## Quiz\n\n### Tags\n\nAn image is ???.\n\n- read-only\n- writable\n"


def counts(log: Any) -> tuple[int, int, int]:
    return len(log.new), len(log.updated), len(log.duplicate)


def package(built: Any) -> Path:
    assert built.ok, built.process.stdout + built.process.stderr
    [path] = built.packages
    return path


def review(learner: Any, card_id: int) -> None:
    """Answer a card "good" with Anki's scheduler, as a learner studying it would."""
    from anki.scheduler.v3 import CardAnswer

    card = learner.col.get_card(card_id)
    card.start_timer()
    states = learner.col._backend.get_scheduling_states(card.id)
    answer = learner.col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
    learner.col.sched.answer_card(answer)


def history(learner: Any, card_id: int) -> tuple[int, int, int]:
    card = learner.col.get_card(card_id)
    reviews = learner.col.db.scalar("select count() from revlog where cid = ?", card_id)
    return card.reps, card.type, reviews


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_in_git_only_the_edited_note_updates_and_keeps_its_history(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    helpers.require_executable("git", "apt-get install git")
    source = tmp_path / "src"
    repo = helpers.Repo(source)
    source.mkdir()
    repo.init()
    course = helpers.small_course(source)
    repo.commit("first version", T1)

    built = helpers.build(source, tmp_path / "dist1")
    first, total = package(built), len(built.cards_json["cards"])
    assert counts(learner.import_package(first)) == (total, 0, 0)
    [card_id] = learner.col.find_cards(f'"Id:{EDITED}"')
    review(learner, card_id)
    studied = history(learner, card_id)
    assert studied[0] == 1 and studied[2] == 1

    # the same deck again, and a rebuild of the same sources: nothing changes
    assert counts(learner.import_package(first)) == (0, 0, total)
    again = package(helpers.build(source, tmp_path / "dist1b"))
    assert counts(learner.import_package(again)) == (0, 0, total)

    # one question edited and committed: exactly that note updates, its history stays
    edit(course.root / "course/first-steps/alpha.md", OLD_TEXT, NEW_TEXT)
    repo.commit("reword a question", T2)
    log = learner.import_package(package(helpers.build(source, tmp_path / "dist2")))
    assert counts(log) == (0, 1, total - 1)
    note = learner.col.get_card(card_id).note()
    assert NEW_TEXT in note["Question"] and note["Id"] == EDITED
    assert [list(n.fields) for n in log.updated][0][-1] == EDITED
    assert history(learner, card_id) == studied

    # one question added (a new section after the last one): exactly one new note
    with (course.root / "course/first-steps/beta.md").open("a", encoding="utf-8") as file:
        file.write(NEW_QUIZ)
    repo.commit("add a quiz", T3)
    log = learner.import_package(package(helpers.build(source, tmp_path / "dist3")))
    assert counts(log) == (1, 0, total)
    assert list(log.new[0].fields)[-1] == "beta.quiz.1"
    assert learner.col.note_count() == total + 1


def test_each_note_carries_its_own_lines_commit_time(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    helpers.require_executable("git", "apt-get install git")
    source = tmp_path / "src"
    source.mkdir()
    repo = helpers.Repo(source).init()
    course = helpers.small_course(source)
    repo.commit("first version", T1)
    edit(course.root / "course/first-steps/alpha.md", OLD_TEXT, NEW_TEXT)
    repo.commit("reword", T2)
    learner.import_package(package(helpers.build(source, tmp_path / "dist")))
    times = {note["Id"]: note.mod for note in learner.notes_by_id().values()}
    assert times.pop(EDITED) == T2
    assert set(times.values()) == {T1}

    # an edit not committed yet counts from the file's modification time
    edit(course.root / "course/first-steps/beta.md", "Images are", "Image layers are")
    os.utime(course.root / "course/first-steps/beta.md", (T3, T3))
    built = package(helpers.build(source, tmp_path / "dist-dirty"))
    log = learner.import_package(built)
    assert counts(log)[:2] == (0, 1)
    assert learner.notes_by_id()["beta.practice.1"].mod == T3


def test_outside_git_notes_take_the_file_time(tmp_path: Path, learner: Any, helpers: Any) -> None:
    course = helpers.small_course(tmp_path / "src")
    lessons = sorted((course.root / "course").rglob("*.md"))
    lessons = [p for p in lessons if p.name != "README.md"]
    for number, path in enumerate(lessons):
        os.utime(path, (T1 + number, T1 + number))
    built = helpers.build(course.root, tmp_path / "dist1")
    learner.import_package(package(built))
    slugs = {p.stem: T1 + n for n, p in enumerate(lessons)}
    cards = built.cards_json["cards"]
    times = {note["Id"]: note.mod for note in learner.notes_by_id().values()}
    assert times == {card["id"]: slugs[card["lesson"]] for card in cards}

    # unchanged files, rebuilt: nothing to update
    log = learner.import_package(package(helpers.build(course.root, tmp_path / "dist2")))
    assert counts(log) == (0, 0, len(cards))

    # without history, an edited file's notes all count as changed, the others do not
    alpha = course.root / "course/first-steps/alpha.md"
    edit(alpha, OLD_TEXT, NEW_TEXT)
    os.utime(alpha, (T2, T2))
    log = learner.import_package(package(helpers.build(course.root, tmp_path / "dist3")))
    in_alpha = sorted(card["id"] for card in cards if card["lesson"] == "alpha")
    assert sorted(list(n.fields)[-1] for n in log.updated) == in_alpha
    assert counts(log) == (0, len(in_alpha), len(cards) - len(in_alpha))


@pytest.mark.parametrize("epoch", [T1, T3])
def test_source_date_epoch_sets_the_time_outside_git(
    tmp_path: Path, learner: Any, helpers: Any, epoch: int
) -> None:
    course = helpers.small_course(tmp_path / "src")
    built = helpers.build(course.root, tmp_path / "dist", {"SOURCE_DATE_EPOCH": str(epoch)})
    learner.import_package(package(built))
    assert {note.mod for note in learner.notes_by_id().values()} == {epoch}
