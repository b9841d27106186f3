"""The two note types, with fixed ids and fixed field lists.

A learner's collection matches an incoming note type by id and by its field and template
names, so these never change once published: a new field would be a new note type (new id).
The CSS is the note type's own (nothing external) and has a night-mode variant; code panels
carry inline styles (`pipeline.highlight`), so they need none.
"""

from __future__ import annotations

import hashlib

import genanki

QUESTION_MODEL_ID = 1_719_402_301
TERM_MODEL_ID = 1_719_402_302

# When the templates or the CSS below last changed (a Unix time). A package's note types carry
# at least this time, so a learner's Anki takes a new design even when no lesson changed;
# tests/anki pins DESIGN_DIGEST so that a change to the design cannot forget this.
DESIGN_CHANGED = 1_795_431_000
DESIGN_DIGEST = "317cf1b1c0aeaa78"

QUESTION_FIELDS = ["Question", "Options", "Answer", "Lesson", "Link", "Evidence", "Typed", "Id"]
TERM_FIELDS = ["Term", "Definition", "Lesson", "Link", "Id"]

_SOURCE = '<p class="source">{{Lesson}} · <a href="{{Link}}">open the lesson</a></p>'

_CHOOSE_FRONT = '<div class="enki front">{{Question}}{{Options}}</div>'
_CHOOSE_BACK = (
    '<div class="enki back">{{Answer}}<div class="revealed">{{Options}}</div>'
    "{{Evidence}}" + _SOURCE + "</div>"
)
# Only questions whose lesson offers the type-in-the-gap format fill `Typed`, so only they
# get this second card.
_TYPE_FRONT = (
    '{{#Typed}}<div class="enki front">{{Question}}'
    '<p class="hint">Type what fills the gap (several gaps: in order, separated by commas).</p>'
    "{{type:Typed}}</div>{{/Typed}}"
)
_TYPE_BACK = '<div class="enki back">{{Answer}}{{type:Typed}}{{Evidence}}' + _SOURCE + "</div>"
_TERM_FRONT = '<div class="enki front term">{{Term}}</div>'
_TERM_BACK = (
    '<div class="enki back term"><div class="term-name">{{Term}}</div>'
    '<div class="definition">{{Definition}}</div>' + _SOURCE + "</div>"
)

CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 19px;
  line-height: 1.5;
  text-align: left;
}
.enki { max-width: 40em; margin: 0 auto; padding: 0 0.5em; }
.enki code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.9em;
  background: rgba(128, 128, 128, 0.16);
  border-radius: 4px;
  padding: 0.05em 0.3em;
}
.enki pre { font-size: 0.85em; line-height: 1.45; }
.enki pre code { background: none; padding: 0; font-size: 1em; }
.enki h3 { font-size: 1.05em; margin: 0 0 0.5em; }
.gap {
  display: inline-block;
  min-width: 2.5em;
  border-bottom: 2px solid #0969da;
  text-align: center;
  font-weight: 600;
}
.gap.filled { color: #116329; border-bottom-color: #1a7f37; }
.nightMode .gap { border-bottom-color: #58a6ff; }
.nightMode .gap.filled { color: #56d364; border-bottom-color: #3fb950; }
.enki pre .gap { border-bottom-color: #58a6ff; }
.enki pre .gap.filled { color: #56d364; border-bottom-color: #3fb950; }
ol.options { padding-left: 1.8em; }
ol.options li { margin: 0.3em 0; padding-left: 0.2em; }
.revealed li { opacity: 0.6; }
.revealed li.correct { opacity: 1; font-weight: 600; color: #116329; }
.revealed li.correct::after { content: " \\2713"; }
.nightMode .revealed li.correct { color: #56d364; }
details.evidence {
  margin: 1em 0;
  padding: 0.4em 0.8em;
  border: 1px solid rgba(128, 128, 128, 0.4);
  border-radius: 6px;
}
details.evidence summary { cursor: pointer; font-weight: 600; }
details.evidence .status { margin: 0.5em 0; }
details.evidence pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.hint { font-size: 0.85em; opacity: 0.8; }
.source { margin-top: 1.5em; font-size: 0.8em; opacity: 0.8; }
.source a { color: #0969da; }
.nightMode .source a { color: #58a6ff; }
.term-name { font-weight: 700; font-size: 1.15em; margin-bottom: 0.5em; }
.front.term { text-align: center; font-size: 1.3em; font-weight: 700; margin-top: 1em; }
.enki img { max-width: 100%; height: auto; }
"""

QUESTION_MODEL = genanki.Model(
    QUESTION_MODEL_ID,
    "Enki question",
    fields=[{"name": name} for name in QUESTION_FIELDS],
    templates=[
        {"name": "Choose", "qfmt": _CHOOSE_FRONT, "afmt": _CHOOSE_BACK},
        {"name": "Type", "qfmt": _TYPE_FRONT, "afmt": _TYPE_BACK},
    ],
    css=CSS,
)

TERM_MODEL = genanki.Model(
    TERM_MODEL_ID,
    "Enki term",
    fields=[{"name": name} for name in TERM_FIELDS],
    templates=[{"name": "Term", "qfmt": _TERM_FRONT, "afmt": _TERM_BACK}],
    css=CSS,
)


def design_digest() -> str:
    """A digest of everything a note type shows: field names, templates, CSS."""
    parts = [CSS]
    for model in (QUESTION_MODEL, TERM_MODEL):
        parts.append(model.name)
        parts.extend(f["name"] for f in model.fields)
        parts.extend(f"{t['name']}\0{t['qfmt']}\0{t['afmt']}" for t in model.templates)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
