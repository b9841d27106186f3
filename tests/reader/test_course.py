"""The course tree from folders and manifests, and reading without manifests."""

from __future__ import annotations

from pathlib import Path

from pipeline.check import check
from pipeline.course import read_curriculum

LESSON = (
    "---\ncategory: tip\n---\n\n# {title}\n\n---\n\n## Content\n\nText.\n\n"
    "---\n\n## Practice\n\nA ??? here.\n\n- gap\n- hole\n"
)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_tree_follows_manifests_at_every_level(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "topic/README.md": "name: Docker\n",
            "topic/course/README.md": (
                "name: Images\nsections:\n  '1':\n    - second\n  '0':\n    - first\n"
            ),
            "topic/course/first/README.md": "name: First\ninsights:\n  - b-lesson\n  - a-lesson\n",
            "topic/course/first/a-lesson.md": LESSON.format(title="Lesson A"),
            "topic/course/first/b-lesson.md": LESSON.format(title="Lesson B"),
            "topic/course/second/README.md": "name: Second\ninsights:\n  - c-lesson\n",
            "topic/course/second/c-lesson.md": LESSON.format(title="Lesson C"),
        },
    )
    curriculum, problems = read_curriculum(tmp_path)
    assert problems == []
    (topic,) = curriculum.topics
    (course,) = topic.courses
    assert (topic.manifest.name, course.manifest.name) == ("Docker", "Images")
    assert [(w.slug, w.section) for w in course.workouts] == [("first", "0"), ("second", "1")]
    assert [lesson.slug for lesson in curriculum.lessons] == ["b-lesson", "a-lesson", "c-lesson"]


def test_levels_without_manifests_are_plain_folders(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "images/README.md": "name: Images\ninsights:\n  - one\n",
            "images/one.md": LESSON.format(title="Lesson One"),
        },
    )
    curriculum, problems = read_curriculum(tmp_path)
    assert problems == []
    (topic,) = curriculum.topics
    assert topic.manifest is None and topic.slug == tmp_path.name
    assert topic.courses[0].manifest is None
    assert topic.courses[0].workouts[0].manifest.name == "Images"


def test_a_folder_without_manifests_is_a_set_of_lessons(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"b.md": LESSON.format(title="Lesson B"), "sub/a.md": LESSON.format(title="Lesson A")},
    )
    checked = check(tmp_path)
    assert checked.diagnostics == []  # no manifest anywhere: no "unlisted" warnings
    assert checked.curriculum.topics == []
    assert [lesson.slug for lesson in checked.curriculum.unlisted] == ["b", "a"]


def test_a_single_file_of_any_extension(tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(LESSON.format(title="A Seed"))
    checked = check(path)
    assert checked.diagnostics == []
    assert [card.id for card in checked.cards] == ["seed.practice.1"]
    assert checked.cards[0].source.path == "seed.txt"


def test_a_missing_path_is_a_diagnostic(tmp_path: Path) -> None:
    checked = check(tmp_path / "nowhere")
    assert [d.rule for d in checked.diagnostics] == ["read-error"]


def test_hidden_folders_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, {".git/x.md": "not a lesson", "a.md": LESSON.format(title="Lesson A")})
    assert [lesson.slug for lesson in check(tmp_path).curriculum.lessons] == ["a"]
