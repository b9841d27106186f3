"""Writing an `.apkg`: genanki's collection, then a zip that is the same bytes every time.

genanki's own `write_to_file` leaves its SQLite file in the system's temp folder and stamps the
zip entries with the current time. Here the collection is written into a private temporary
folder that is always removed, and the zip is rewritten with sorted entries, a fixed date,
fixed permissions and DEFLATE.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

COLLECTION = "collection.anki2"
MEDIA_INDEX = "media"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
COMPRESS_LEVEL = 6


def write_package(
    target: Path, decks: list[genanki.Deck], media: dict[str, Path], timestamp: int
) -> Path:
    """Write `decks` and `media` (packed name → file) to `target`, atomically."""
    with tempfile.TemporaryDirectory(prefix=".apkg-", dir=target.parent) as tmp:
        folder = Path(tmp)
        collection = folder / COLLECTION
        _write_collection(collection, decks, timestamp)
        numbered = {str(index): name for index, name in enumerate(sorted(media))}
        entries: dict[str, Path | bytes] = {
            COLLECTION: collection,
            MEDIA_INDEX: json.dumps(numbered, sort_keys=True).encode(),
        }
        entries.update({number: media[name] for number, name in numbered.items()})
        partial = folder / target.name
        _write_zip(partial, entries)
        os.replace(partial, target)
    return target


def _write_collection(path: Path, decks: list[genanki.Deck], timestamp: int) -> None:
    connection = sqlite3.connect(path)
    try:
        # A file in a temporary folder, zipped once written: no journal file and no fsync
        # (each of which cost every statement of the schema a few milliseconds). Neither
        # changes a byte of the database.
        connection.execute("PRAGMA journal_mode = MEMORY")
        connection.execute("PRAGMA synchronous = OFF")
        cursor = connection.cursor()
        # Note and card ids count up from the package time: the same sources, the same ids.
        ids = itertools.count(timestamp * 1000)
        _write_to_db(cursor, decks, timestamp, ids)
        connection.commit()
        connection.execute("VACUUM")  # no free pages left over from the updates
    finally:
        connection.close()


def _write_to_db(
    cursor: sqlite3.Cursor, decks: list[genanki.Deck], timestamp: int, ids: Iterator[int]
) -> None:
    """What `genanki.Package.write_to_db` writes, in one pass: genanki reads, updates and
    writes back the collection's whole deck and note type JSON once per deck, which took a
    quarter of a cold build for packages of a hundred decks."""
    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    (found,) = cursor.execute("SELECT decks, models FROM col").fetchall()
    deck_table, models = json.loads(found[0]), json.loads(found[1])
    users: dict[int, tuple[genanki.Model, int]] = {}  # note type → it and the last deck using it
    for deck in decks:
        deck_table[str(deck.deck_id)] = deck.to_json()
        for note in deck.notes:
            deck.add_model(note.model)
        users.update((model.model_id, (model, deck.deck_id)) for model in deck.models.values())
    for model_id, (model, deck_id) in users.items():
        models[str(model_id)] = model.to_json(timestamp, deck_id)
    tables = (json.dumps(deck_table), json.dumps(models))
    cursor.execute("UPDATE col SET decks = ?, models = ?", tables)
    for deck in decks:
        for note in deck.notes:
            note.write_to_db(cursor, timestamp, deck.deck_id, ids)


def _write_zip(path: Path, entries: dict[str, Path | bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the permissions below mean the same everywhere
            info.external_attr = 0o100644 << 16
            content = entries[name]
            data = content if isinstance(content, bytes) else content.read_bytes()
            zf.writestr(info, data, compresslevel=COMPRESS_LEVEL)
