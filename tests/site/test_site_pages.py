"""The site as files: every lesson has a page, pages are valid HTML with only local assets,
lesson content is escaped, footnotes link both ways, quizzes carry the cards' answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pipeline.card import FOOTNOTE
from pipeline.check import Checked
from pipeline.site import sanitise
from pipeline.site.pages import lesson_href
from pipeline.verify import answer_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
COURSE = HERE / "course"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "enki-docker"


class Page(HTMLParser):
    """Tags with their attributes, and the text a reader sees, of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items())
        ]

    @property
    def visible(self) -> str:
        return "".join(self.text)


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def question_cards(checked: Checked, slug: str | None = None) -> list:
    return [c for c in checked.cards if c.kind != FOOTNOTE and (slug is None or c.lesson == slug)]


def test_every_lesson_has_a_page_and_the_index_lists_it(course_site):
    checked, site = course_site
    index = read(site / "index.html")
    hrefs = {a["href"] for a in index.all("a")}
    for lesson in checked.curriculum.lessons:
        assert (site / lesson_href(lesson.slug)).is_file()
        assert lesson_href(lesson.slug) in hrefs
        assert lesson.title in index.visible


def test_pages_use_only_local_assets_that_exist(course_site, project_site):
    for _, site in (course_site, project_site):
        assert {p.suffix for p in (site / "assets").iterdir()} == {".css", ".js"}
        for path in pages_of(site):
            page = read(path)
            used = [a["src"] for a in page.all("script")] + [a["src"] for a in page.all("img")]
            used += [a["href"] for a in page.all("link")]
            assert used, path
            for url in used:
                parts = urlsplit(url)
                assert not parts.scheme and not parts.netloc, (path, url)
                assert (path.parent / unquote(parts.path)).resolve().is_file(), (path, url)


def test_pages_forbid_inline_scripts_and_foreign_sources(course_site):
    _, site = course_site
    for path in pages_of(site):
        page = read(path)
        (policy,) = page.all("meta", http_equiv="Content-Security-Policy")
        assert "script-src 'self'" in policy["content"]
        assert "default-src 'none'" in policy["content"]
        assert all(attrs.get("src") for attrs in page.all("script")), "no inline script"


def test_pages_are_valid_html(html_validate, course_site, hostile_site, project_site):
    sites = [site for _, site in (course_site, hostile_site, project_site)]
    files = [str(path) for site in sites for path in pages_of(site)]
    result = subprocess.run(
        [*html_validate, *files], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_enki_fixture_course_gives_valid_pages_without_remote_images(
    html_validate, build_site, tmp_path
):
    if not FIXTURES.is_dir():
        pytest.skip("the shared Enki fixtures are not beside the repository")
    checked, site = build_site(FIXTURES, tmp_path)
    lessons = [lesson for lesson in checked.curriculum.lessons if lesson.readable]
    assert len(pages_of(site / "lessons")) == len(lessons) > 20
    remote = 0
    for path in pages_of(site):
        page = read(path)
        assert not [a for a in page.all("img") if urlsplit(a["src"]).scheme], path
        remote += len(page.all("a", **{"class": "remote-image"}))
    assert remote >= 2  # the fixtures show two pictures from the web: links now, not assets
    result = subprocess.run(
        [*html_validate, *map(str, pages_of(site))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_hostile_lesson_is_escaped_not_executed(hostile_site):
    checked, site = hostile_site
    (lesson,) = checked.curriculum.lessons
    for path in pages_of(site):
        page = read(path)
        for tag, attrs in page.tags:
            assert tag not in {"iframe", "svg", "object", "embed", "style", "form"}, path
            assert not [a for a in attrs if a.startswith("on")], (path, tag, attrs)
            for name in ("href", "src", "action", "formaction"):
                value = attrs.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (path, attrs)
        scripts = [a["src"] for a in page.all("script")]
        assert all(src.endswith(".js") and "assets/" in src for src in scripts), scripts
    page = read(site / lesson_href(lesson.slug))
    # The payloads are still there, as text the learner can read.
    for text in (
        "<script>alert('xss-title')</script>",
        "<script>alert('xss-content')</script>",
        "<img src=x onerror=\"alert('xss-content-img')\">",
        "<script>alert('xss-headline')</script>",
        "<script>alert('xss-footnote-title')</script>",
        "<img src=x onerror=\"alert('xss-link-name')\">",
        "\"><script>alert('xss-nature')</script>",
        "<script>alert('xss-answer')</script>",
    ):
        assert text in page.visible, text
    assert "javascript:" not in "".join(a.get("href", "") for a in page.all("a"))


def test_the_sanitiser_removes_what_a_renderer_bug_could_let_through():
    dirty = (
        '<p onclick="x()">a<script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">b</a><iframe src="x"></iframe>'
        '<span class="gap" data-gap="1" style="color:red">???</span></p>'
    )
    cleaned = sanitise.clean(dirty)
    assert "script" not in cleaned and "onerror" not in cleaned and "onclick" not in cleaned
    assert "javascript" not in cleaned and "iframe" not in cleaned and "style" not in cleaned
    assert '<span class="gap" data-gap="1">???</span>' in cleaned
    assert sanitise.safe_url("JavaScript:alert(1)") is None
    assert sanitise.safe_url("https://example.org/a") == "https://example.org/a"


def test_footnotes_link_both_ways(course_site):
    checked, site = course_site
    for lesson in checked.curriculum.lessons:
        page = read(site / lesson_href(lesson.slug))
        ids = {attrs["id"] for _, attrs in page.tags if "id" in attrs}
        references = [a for a in page.all("a") if re.fullmatch(r"#footnote-\d+", a.get("href", ""))]
        for ref in references:
            assert ref["href"][1:] in ids, ref  # the reference leads to its footnote
            assert ref["id"] in ids
            backlinks = [a for a in page.all("a") if a.get("href") == f"#{ref['id']}"]
            assert len(backlinks) == 1, ref  # and the footnote leads back to it
        used = {int(ref["href"].rsplit("-", 1)[1]) for ref in references}
        assert used == {ref.number for ref in lesson.footnote_refs}


def test_each_quiz_carries_its_cards_answers_in_gap_order(course_site):
    checked, site = course_site
    by_slug = {lesson.slug: lesson for lesson in checked.curriculum.lessons}
    for card in question_cards(checked):
        page = Page((site / lesson_href(card.lesson)).read_text(encoding="utf-8"))
        start = [i for i, (t, a) in enumerate(page.tags) if a.get("data-card") == card.id]
        assert len(start) == 1, card.id
        following = page.tags[start[0] + 1 :]
        end = next((i for i, (t, a) in enumerate(following) if a.get("data-card")), len(following))
        tags = following[:end]
        options = [a for t, a in tags if t == "button" and "option" in a.get("class", "")]
        assert sorted(o["data-text"] for o in options) == sorted(
            answer_text(a) for a in card.answers
        )
        correct = sorted((int(o["data-gap"]), o["data-text"]) for o in options if "data-gap" in o)
        assert [text for _, text in correct] == [answer_text(a) for a in card.answers if a.correct]
        gaps = [a for t, a in tags if t == "span" and a.get("class") == "gap"]
        assert len(gaps) == card.gaps
        formats = by_slug[card.lesson].metadata.get(f"{card.kind}Question", {}).get("formats", [])
        modes = page.all("article", data_card=card.id)[0]["data-modes"].split()
        assert ("type" in modes) == ("type-in-the-gap" in formats)


def test_the_oracle_evidence_is_on_the_page_for_after_answering(course_site):
    checked, site = course_site
    with_oracle = [c for c in question_cards(checked) if c.oracle]
    assert with_oracle
    for card in with_oracle:
        text = read(site / lesson_href(card.lesson)).visible
        assert card.oracle.text.strip() in text
        if card.verification.output:
            assert card.verification.output.strip() in text


def test_local_images_are_copied_once_and_outside_ones_are_not(build_site, tmp_path):
    course = tmp_path / "course"
    (course / "img").mkdir(parents=True)
    picture = b"\x89PNG\r\n\x1a\n" + os.urandom(64)
    (course / "img" / "diagram.png").write_bytes(picture)
    (tmp_path / "secret.png").write_bytes(b"not part of the course")
    body = "![a diagram](img/diagram.png) ![again](img/diagram.png) ![outside](../secret.png)"
    question = "![the diagram](img/diagram.png)\n\nThe picture shows ???\n\n- layers\n- boxes\n"
    (course / "pictures.md").write_text(
        "---\ncategory: must-know\n---\n\n# Pictures\n\n---\n\n## Content\n\n"
        f"{body}\n\n---\n\n## Revision\n\n{question}",
        encoding="utf-8",
    )
    _, site = build_site(course, tmp_path / "out")
    copied = list((site / "media").iterdir())
    assert len(copied) == 1 and copied[0].read_bytes() == picture
    page = read(site / lesson_href("pictures"))
    assert [a["src"] for a in page.all("img")] == [f"../media/{copied[0].name}"] * 3
    assert "Image: outside" in page.visible
    index = read(site / "index.html")  # the revision question again, in "test me"
    assert [a["src"] for a in index.all("img")] == [f"media/{copied[0].name}"]


def test_two_builds_are_byte_identical(build_site, tmp_path):
    _, first = build_site(COURSE, tmp_path / "one")
    _, second = build_site(COURSE, tmp_path / "two")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_build_command_writes_the_site(tmp_path):
    from pipeline.build import STAGES

    if not any(stage.__name__ == "site_stage" for stage in STAGES):
        pytest.fail("site_stage is not registered in pipeline.build.STAGES")
    output = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", str(COURSE), "-o", str(output)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (output / "site" / "index.html").is_file()
    assert (output / "site" / "assets" / "quiz.js").is_file()
