"""The real Enki lessons read as Enki reads them: questions, gaps, answers, flags, footnotes.

Every expectation below was checked by hand against the fixture files (line numbers included).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.check import check
from pipeline.reader import read_lesson


def lesson_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.name != "README.md")


def answers(question):
    return [(a.text, a.correct) for a in question.answers]


def test_every_fixture_and_the_seed_is_read(enki_docker: Path, seed_lesson: Path) -> None:
    files = [*lesson_files(enki_docker), seed_lesson]
    assert len(files) == 22  # 21 fixture lessons and the seed
    for path in files:
        lesson, problems = read_lesson(path)
        assert problems == [], path
        assert lesson.readable and lesson.metadata_ok
        assert lesson.title and len(lesson.titles) == 1
        assert lesson.metadata["author"] == "nem035"
        assert lesson.stray == [] and lesson.misplaced_oracles == []
        for question in lesson.questions:
            assert question.answer_list == "bullet"
            assert question.trailing == []


def test_code_gaps_are_counted_and_placed(fundamentals: Path) -> None:
    lesson, _ = read_lesson(fundamentals / "overview" / "docker-cli.md")
    practice, revision = lesson.questions
    assert practice.section == "Practice" and practice.line == 69
    assert practice.text == (
        "To inspect a Docker `nginx` image, we'd run the command:\n\n"
        "```bash\ndocker ??? ??? ???\n```"
    )
    assert [(g.index, g.line, g.col, g.in_code) for g in practice.gaps] == [
        (1, 74, 8, True),
        (2, 74, 12, True),
        (3, 74, 16, True),
    ]
    assert answers(practice) == [("`image`", True), ("`inspect`", True), ("`nginx`", True)]
    assert [a.line for a in practice.answers] == [77, 78, 79]
    assert answers(revision) == [
        ("`container`", True),
        ("`logs`", True),
        ("`webserver`", True),
        ("`show`", False),
        ("`container-logs`", False),
    ]
    (footnote,) = lesson.footnotes
    assert (footnote.number, footnote.title, footnote.line) == (1, "Docker commands", 101)
    assert footnote.text.startswith("To list available commands")
    assert footnote.text.endswith("(default true)\n```")
    assert [(r.number, r.line, r.col) for r in lesson.footnote_refs] == [(1, 47, 36)]


def test_four_gaps_in_one_code_line(fundamentals: Path) -> None:
    lesson, _ = read_lesson(fundamentals / "containers" / "docker-containers.md")
    practice = lesson.questions[0]
    assert [(g.line, g.col) for g in practice.gaps] == [(80, 15), (80, 19), (80, 30), (80, 38)]
    assert [a.text for a in practice.correct_answers] == ["3000", "27017", "db", "mongo"]
    assert len(practice.answers) == 9
    assert answers(lesson.questions[1])[0] == ("`docker run`", True)


def test_two_gaps_in_prose(fundamentals: Path) -> None:
    lesson, _ = read_lesson(fundamentals / "overview" / "what-is-docker.md")
    practice, revision = lesson.questions
    assert practice.text == "Docker allows us to develop our application ??? and run it ???"
    assert [(g.line, g.col, g.in_code) for g in practice.gaps] == [(43, 45, False), (43, 60, False)]
    assert answers(practice) == [
        ("once", True),
        ("anywhere", True),
        ("quickly", False),
        ("always", False),
    ]
    assert [a.text for a in revision.correct_answers] == ["containers"]


def test_a_gap_alone_on_its_line(fundamentals: Path) -> None:
    lesson, _ = read_lesson(fundamentals / "docker-images" / "docker-images.md")
    revision = lesson.questions[1]
    assert revision.text == "A Docker image can be modified.\n\n???"
    assert [(g.line, g.col) for g in revision.gaps] == [(88, 1)]
    assert answers(revision) == [("false", True), ("true", False)]


def test_quiz_headline_and_a_quiz_without_gap(fundamentals: Path) -> None:
    path = fundamentals / "storage" / "docker-volumes.md"
    lesson, _ = read_lesson(path)
    quiz = lesson.questions[2]
    assert quiz.section == "Quiz" and quiz.line == 92
    assert quiz.headline == "How much do you know about volumes in Docker containers?"
    assert quiz.headline_line == 94
    assert quiz.text == "Can Volumes increase the size of the container?"
    assert quiz.gaps == []
    assert [a.correct for a in quiz.answers] == [False, False, False, False]  # as Enki marks them
    problems = [(d.rule, d.line) for d in check(path).diagnostics]
    assert problems == [("missing-gap", 92)]


def test_footnotes_and_their_references(fundamentals: Path) -> None:
    path = fundamentals / "docker-images" / "docker-images.md"
    lesson, _ = read_lesson(path)
    notes = [(f.number, f.title, f.line) for f in lesson.footnotes]
    assert notes == [
        (1, "Writable Layer", 97),
        (2, "SHA", 102),
        (3, "Image Layers are cached", 105),
    ]
    assert lesson.footnotes[0].text.startswith("It should be noted that running containers")
    assert "(they don't interfere)." in lesson.footnotes[0].text  # its second paragraph
    refs = [(r.number, r.line) for r in lesson.footnote_refs]
    assert refs == [(1, 37), (1, 49), (3, 67)]
    # The lesson refers to footnote 1 where it means SHA, so footnote 2 is never referred to.
    problems = [(d.rule, d.line, d.severity) for d in check(path).diagnostics]
    assert problems == [("unused-footnote", 102, "warning")]


def test_a_footnote_starting_with_a_link(fundamentals: Path) -> None:
    lesson, _ = read_lesson(fundamentals / "networking" / "docker-dns-2.md")
    (note,) = lesson.footnotes
    assert note.title == "RoundRobin"
    assert note.text.startswith(
        "[DNS Round Robin](https://en.wikipedia.org/wiki/Round-robin_DNS) is"
    )
    assert (
        '<a href="https://en.wikipedia.org/wiki/Round-robin_DNS">DNS Round Robin</a>' in note.html
    )


def test_folded_links(fundamentals: Path) -> None:
    lesson, _ = read_lesson(fundamentals / "containers" / "docker-containers.md")
    assert [(k.name, k.url, k.nature, k.line) for k in lesson.links] == [
        ("What is a Container?", "https://www.docker.com/what-container", "documentation", 6),
        (
            "Six essentials on Docker Containers",
            "https://www.plesk.com/blog/business-industry/docker-containers-explained/",
            "article",
            7,
        ),
    ]


def test_the_seed_lesson(seed_lesson: Path) -> None:
    lesson, problems = read_lesson(seed_lesson)
    assert problems == []
    assert lesson.slug == seed_lesson.stem
    assert lesson.title == "Images" and lesson.title_line == 12
    assert lesson.metadata["aspects"] == ["introduction", "workout"]
    practice, revision = lesson.questions
    assert practice.text == "Docker images are composed of ???"
    assert answers(practice) == [
        ("layers", True),
        ("containers", False),
        ("pixels", False),
        ("fragments", False),
    ]
    assert answers(revision) == [("false", True), ("true", False)]
    assert [(f.number, f.title) for f in lesson.footnotes] == [(1, "SHA"), (2, "copy-on-write")]
    assert [(r.number, r.line) for r in lesson.footnote_refs] == [(1, 24), (2, 48)]
    assert [k.nature for k in lesson.links] == ["discussion"]
    assert check(seed_lesson).diagnostics == []


def test_the_fixture_course_follows_its_manifests(enki_docker: Path) -> None:
    checked = check(enki_docker)
    (topic,) = checked.curriculum.topics
    assert topic.manifest is not None and topic.manifest.name == "Docker"
    (course,) = topic.courses
    assert course.manifest is not None and course.manifest.name == "Fundamentals"
    assert [(w.slug, w.section) for w in course.workouts] == [
        ("overview", "0"),
        ("containers", "0"),
        ("docker-images", "0"),
        ("storage", "1"),
        ("networking", "1"),
    ]
    assert [lesson.slug for lesson in course.workouts[4].lessons] == [
        "docker-networks",
        "docker-port-forwarding",
        "docker-dns",
        "docker-dns-2",
    ]
    assert checked.curriculum.unlisted == []
    assert [(Path(d.path).name, d.rule) for d in checked.diagnostics] == [
        ("docker-images.md", "unused-footnote"),
        ("docker-volumes.md", "missing-gap"),
    ]
    assert len(checked.cards) == 43  # 32 questions, 11 footnotes
