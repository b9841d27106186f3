"""How the pipeline tunes Python's garbage collector, in one place.

A course is a million long-lived objects (lessons, cards, pages) and little cyclic garbage, so
the default collector rescans them again and again for nothing: a third of a one-lesson
rebuild before these settings.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def few_collections() -> Iterator[None]:
    """A command's whole run: the youngest generation is collected every 200,000 objects."""
    before = gc.get_threshold()
    gc.set_threshold(200_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def paused() -> Iterator[None]:
    """Making many objects and no garbage (unpickling 5,000 lessons): no collection meanwhile,
    then they go straight to the oldest generation (freeze, unfreeze) without being scanned."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def fork() -> int:
    """`os.fork`, with the child's collector leaving what it inherits alone: scanning it would
    copy every page of this process's heap into the child (copy-on-write)."""
    gc.freeze()
    pid = os.fork()
    if pid != 0:
        gc.unfreeze()
    return pid
