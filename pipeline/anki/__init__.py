"""Anki decks learners can keep: one `.apkg` per course (genanki), stable across rebuilds.

`anki_stage` is the build stage; `export` writes the packages of a checked course.
"""

from pipeline.anki.export import SITE_URL, Exported, anki_stage, export

__all__ = ["SITE_URL", "Exported", "anki_stage", "export"]
