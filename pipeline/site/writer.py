"""Writing the site: render the pages with Jinja2 and copy the stylesheet and scripts beside them.

The layout is `index.html`, `lessons/<slug>.html`, `assets/` (CSS, JavaScript) and `media/`
(lesson images). Every link is relative, so the folder works from disk (file://) or any host.
The Content-Security-Policy allows scripts and styles from the site's own files only: even if
something slipped past the sanitiser, an inline script or event handler would not run.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pipeline.card import Card
from pipeline.course import Curriculum
from pipeline.lesson import Lesson
from pipeline.site import theme
from pipeline.site.media import Media
from pipeline.site.pages import LESSONS, IndexPage, LessonPage, Rewrite, pages

SITE = "site"
ASSETS = "assets"
ASSET_SUFFIXES = (".css", ".js")
SCRIPTS = ["progress.js", "quiz.js"]
INDEX_SCRIPTS = [*SCRIPTS, "index.js"]
NATURES = ("website", "video", "documentation", "article", "discussion")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


def environment() -> Environment:
    return Environment(
        loader=PackageLoader("pipeline.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def write_site(curriculum: Curriculum, cards: list[Card], folder: Path) -> Path:
    """Write the whole site into `folder` (created); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    base = curriculum.root if curriculum.root.is_dir() else curriculum.root.parent
    media = Media(base, folder)

    def images(lesson: Lesson, root: str) -> Rewrite:
        return lambda fragment: media.rewrite(fragment, lesson.path, root)

    index, lesson_pages = pages(curriculum, cards, images)
    env = environment()
    stylesheets = [name for name, _ in theme.stylesheets()]
    common = {"site": index, "csp": CSP, "natures": NATURES, "stylesheets": stylesheets}
    _write(folder / "index.html", render_index(env, index, common))
    for page in lesson_pages:
        target = folder / LESSONS / f"{page.entry.slug}.html"  # the href is this, URL-quoted
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, render_lesson(env, page, common))
    write_assets(folder / ASSETS)
    return folder


def render_index(env: Environment, index: IndexPage, common: dict[str, object]) -> str:
    template = env.get_template("index.html.j2")
    return template.render(page=index, root="", scripts=INDEX_SCRIPTS, **common)


def render_lesson(env: Environment, page: LessonPage, common: dict[str, object]) -> str:
    template = env.get_template("lesson.html.j2")
    return template.render(page=page, root="../", scripts=SCRIPTS, **common)


def write_assets(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    static = resources.files("pipeline.site") / "static"
    for item in sorted(static.iterdir(), key=lambda i: i.name):
        if item.is_file() and item.name.endswith(ASSET_SUFFIXES):
            (folder / item.name).write_bytes(item.read_bytes())
    for name, css in theme.stylesheets():
        _write(folder / name, css)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
