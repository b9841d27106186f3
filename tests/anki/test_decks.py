"""Where cards land: lessons outside any course, the link back to the site, stable deck ids."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pipeline.anki.changes import ChangeTimes
from pipeline.anki.deck import packages
from pipeline.course import read_curriculum


def loose_lessons(helpers: Any, folder: Path) -> None:
    """Lessons in a folder with no manifest, like the seeds."""
    one = helpers.question("Practice", "A ??? is read-only.", ["layer", "container"])
    two = helpers.question("Revision", "A ??? is writable.", ["container", "layer"])
    helpers.Course(folder).write("first.md", helpers.lesson("First Loose", [one]))
    helpers.Course(folder).write("second.md", helpers.lesson("Second Loose", [two]))


def test_lessons_outside_any_course_get_a_package_named_after_the_folder(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    loose_lessons(helpers, tmp_path / "loose")
    built = helpers.build(tmp_path / "loose", tmp_path / "dist")
    assert built.ok, built.process.stdout
    assert [p.name for p in built.packages] == ["loose.apkg"]
    log = learner.import_package(built.packages[0])
    assert len(log.new) == len(built.cards_json["cards"]) == 2
    notes = learner.notes_by_id()
    deck_of = {key: learner.col.decks.name(n.cards()[0].did) for key, n in notes.items()}
    assert deck_of == {
        "first.practice.1": "loose::First Loose",
        "second.revision.1": "loose::Second Loose",
    }
    assert "course::loose::first" in notes["first.practice.1"].tags


def test_a_single_lesson_file_builds_its_own_package(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    loose_lessons(helpers, tmp_path / "loose")
    built = helpers.build(tmp_path / "loose" / "first.md", tmp_path / "dist")
    assert built.ok, built.process.stdout
    assert [p.name for p in built.packages] == ["first.apkg"]
    log = learner.import_package(built.packages[0])
    assert len(log.new) == 1


def test_the_link_back_uses_the_published_site_when_given(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    course = helpers.small_course(tmp_path / "src")
    site = "https://learn.example.invalid/docker/"
    built = helpers.build(course.root, tmp_path / "dist", {"PIPELINE_SITE_URL": site})
    learner.import_package(built.packages[0])
    for key, note in learner.notes_by_id().items():
        lesson = key.split(".")[0]
        assert note["Link"] == f"{site}lessons/{lesson}.html"
        assert f'href="{site}lessons/{lesson}.html"' in note.cards()[0].answer()


def test_deck_ids_follow_slugs_not_names(tmp_path: Path, helpers: Any) -> None:
    course = helpers.small_course(tmp_path / "src")
    before = {
        d.slugs: (d.id, d.name) for p in packages(read_curriculum(course.root)[0]) for d in p.decks
    }
    manifest = course.root / "course/going-on/README.md"
    manifest.write_text(manifest.read_text().replace("name: Going On", "name: Further Steps"))
    after = {
        d.slugs: (d.id, d.name) for p in packages(read_curriculum(course.root)[0]) for d in p.decks
    }
    assert before.keys() == after.keys()
    assert {s: i for s, (i, _) in before.items()} == {s: i for s, (i, _) in after.items()}
    renamed = [s for s in before if before[s][1] != after[s][1]]
    assert renamed and all("going-on" in s for s in renamed)
    assert len({i for i, _ in after.values()}) == len(after)  # every deck its own id


def test_change_times_outside_git_and_for_untracked_files(tmp_path: Path, helpers: Any) -> None:
    helpers.require_executable("git", "apt-get install git")
    loose = tmp_path / "plain.md"
    loose.write_text("one\ntwo\n")
    os.utime(loose, (1_600_000_000, 1_600_000_000))
    assert ChangeTimes().of_lines(loose, [(1, 2)]) == 1_600_000_000
    assert ChangeTimes(epoch=1_650_000_000).of_lines(loose, [(1, 2)]) == 1_650_000_000
    assert ChangeTimes().of_file(loose) == 1_600_000_000

    repo = helpers.Repo(tmp_path / "repo")
    repo.root.mkdir()
    repo.init()
    tracked = repo.root / "tracked.md"
    tracked.write_text("a\n\nb\n---\nc\n")
    repo.commit("one", 1_700_000_000)
    tracked.write_text("a\n\nb\n---\nc\nd\n")
    repo.commit("two", 1_700_000_500)
    times = ChangeTimes(epoch=1_800_000_000)
    assert times.of_lines(tracked, [(1, 3)]) == 1_700_000_000
    assert times.of_lines(tracked, [(1, 1), (6, 6)]) == 1_700_000_500
    assert times.of_lines(tracked, [(2, 2), (4, 4)]) == 1_800_000_000  # only layout: fallback
    assert times.of_file(tracked) == 1_700_000_500
    untracked = repo.root / "new.md"
    untracked.write_text("x\n")
    assert times.of_lines(untracked, [(1, 1)]) == 1_800_000_000
    assert times.of_file(untracked) == 1_800_000_000


def test_two_lessons_of_one_title_keep_two_decks(
    tmp_path: Path, learner: Any, helpers: Any
) -> None:
    course = helpers.small_course(tmp_path / "src")
    beta = course.root / "course/first-steps/beta.md"
    beta.write_text(beta.read_text().replace("# Beta Lesson", "# Alpha Lesson"))
    built = helpers.build(course.root, tmp_path / "dist")
    assert built.ok, built.process.stdout
    learner.import_package(built.packages[0])
    notes = learner.notes_by_id()
    alpha = learner.col.decks.name(notes["alpha.practice.1"].cards()[0].did)
    beta_deck = learner.col.decks.name(notes["beta.practice.1"].cards()[0].did)
    assert alpha.endswith("::Alpha Lesson (alpha)")
    assert beta_deck.endswith("::Alpha Lesson (beta)")


def test_titles_with_markdown_show_as_text(tmp_path: Path, learner: Any, helpers: Any) -> None:
    course = helpers.small_course(tmp_path / "src")
    gamma = course.root / "course/going-on/gamma.md"
    gamma.write_text(gamma.read_text().replace("# Gamma Lesson", "# Run `docker` & *see*"))
    built = helpers.build(course.root, tmp_path / "dist")
    assert built.ok, built.process.stdout
    learner.import_package(built.packages[0])
    note = learner.notes_by_id()["gamma.practice.1"]
    assert learner.col.decks.name(note.cards()[0].did).endswith("::Run docker & see")
    assert note["Lesson"] == "Run <code>docker</code> &amp; <em>see</em>"
