"""Writing the site: render the pages with Jinja2 and copy the stylesheet and scripts beside them.

The layout is `index.html`, `lessons/<slug>.html`, `assets/` (CSS, JavaScript) and `media/`
(lesson images). Every link is relative, so the folder works from disk (file://) or any host.
The Content-Security-Policy allows scripts and styles from the site's own files only: even if
something slipped past the sanitiser, an inline script or event handler would not run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipeline.card import Card
from pipeline.course import Curriculum
from pipeline.lesson import Lesson
from pipeline.lesson_cache import inputs_key
from pipeline.pack import Pack, file_in
from pipeline.reuse import Reuse
from pipeline.site import theme
from pipeline.site.media import Media
from pipeline.site.pages import (
    LESSONS,
    IndexPage,
    LessonEntry,
    LessonPage,
    PagePlan,
    Quiz,
    RevisionCache,
    Rewrite,
    plan,
)

SITE = "site"
ASSETS = "assets"
ASSET_SUFFIXES = (".css", ".js")
SCRIPTS = ["progress.js", "quiz.js"]
INDEX_SCRIPTS = [*SCRIPTS, "index.js"]
NATURES = ("website", "video", "documentation", "article", "discussion")
PAGE_FORMAT = 1  # part of a cached page's key
INDEX_PARTS = "index.pack"  # in the site's cache: revision quizzes, lesson lists
PAGES = "pages.pack"  # rendered lesson pages, in the site's cache
_LIBRARIES = ("jinja2", "markupsafe")  # the pipeline's fingerprint has the others
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
        auto_reload=False,  # one build, fixed templates: no stat of the file at every lookup
    )


@dataclass(frozen=True)
class SiteInfo:
    """What a lesson page shows of the whole site: a page depends on nothing else of it."""

    title: str


def write_site(
    curriculum: Curriculum,
    cards: list[Card],
    folder: Path,
    cache_dir: Path | None = None,
    reuse: Reuse | None = None,
) -> Path:
    """Write the whole site into `folder` (created); returns it.

    With `cache_dir`, a lesson page whose inputs (the lesson, its cards, its trail and
    neighbours, the site's title, the pipeline, templates and assets) are those of a page
    rendered before is copied from the cache instead of made again. Pages that show local
    images are always made: their output depends on files the key does not cover. With
    `reuse`, a page of the previous build with the same key is linked rather than written.
    """
    reuse = reuse or Reuse()
    folder.mkdir(parents=True, exist_ok=True)
    base = curriculum.root if curriculum.root.is_dir() else curriculum.root.parent
    media = Media(base, folder)

    def images(lesson: Lesson, root: str) -> Rewrite:
        return lambda fragment: media.rewrite(fragment, lesson.path, root)

    store = Pack(file_in(cache_dir, PAGES))
    env = environment()
    # one file for the index's parts: reading 4,000 small ones cost more than rendering
    parts = Pack(file_in(cache_dir, INDEX_PARTS))
    revisions = RevisionCache(index_quiz(env), parts, _design())
    index, plans = plan(curriculum, cards, revisions, images)
    render_lesson_lists(env, index, parts)
    parts.save()
    stylesheets = [name for name, _ in theme.stylesheets()]
    common = {"site": index, "csp": CSP, "natures": NATURES, "stylesheets": stylesheets}
    _write(folder / "index.html", render_index(env, index, common))
    common["site"] = SiteInfo(index.title)
    if plans:
        (folder / LESSONS).mkdir(parents=True, exist_ok=True)
    shared = inputs_key("site-pages", _design(), sorted(common.items()))  # once, not per page
    for made in plans:
        relative = f"{LESSONS}/{made.entry.slug}.html"  # the href is this, URL-quoted
        target = folder / relative
        key = page_key(made, shared)
        if reuse.link(relative, key, target):
            store.keep(key)
            continue
        data = store.get(key) if key else None
        if data is None:
            data = render_lesson(env, made.build(images), common).encode("utf-8")
            if key:
                store.put(key, data)
        target.write_bytes(data)
    store.save()
    write_assets(folder / ASSETS)
    return folder


def index_quiz(env: Environment) -> Callable[[Quiz], str]:
    """A revision quiz as the index's "test me" shows it."""
    macro = env.get_template("quiz.html.j2").module.quiz  # type: ignore[attr-defined]
    return lambda quiz: macro(quiz, heading=3, from_lesson=True, hidden=True)


def render_lesson_lists(env: Environment, index: IndexPage, store: Pack) -> None:
    """Each workout's list of lessons, made again only when its entries changed."""
    macro = env.get_template("lessons.html.j2").module.lessons_list  # type: ignore[attr-defined]
    workouts = [w for topic in index.topics for course in topic.courses for w in course.workouts]
    for workout in workouts:

        def made(lessons: list[LessonEntry] = workout.lessons) -> str:
            return str(macro(lessons))

        key = inputs_key("site-lessons", _design(), workout.lessons) if store.file else None
        html = store.remember(key, made, lambda found: isinstance(found, str))
        workout.lessons_html = Markup(html)  # rendered by the template: safe


def page_key(made: PagePlan, shared: str | None) -> str | None:
    """The digest of everything a lesson page shows (`shared`: what every page shows of the
    site, with the design); None when it must be made every time."""
    if shared is None or made.shows_images:
        return None
    return inputs_key("site-page", PAGE_FORMAT, shared, made)


@cache
def _design() -> str:
    """Templates, scripts, styles and the template libraries: a page's looks besides code."""
    digest = hashlib.sha256()
    for name in _LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    for folder in ("templates", "static"):
        items = resources.files("pipeline.site") / folder
        for item in sorted(items.iterdir(), key=lambda i: i.name):
            if item.is_file():
                digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


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
