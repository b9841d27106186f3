"""Fixtures for the registry, push/pull and layout tests: an engine with the catalogue, and a
small factory of images made directly from layers (no builder, no shell), so that each test
controls exactly which layers are shared."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable

import pytest

from pipeline.oracle.engine import Engine
from pipeline.oracle.image import HistoryEntry, Image, ImageConfig
from pipeline.oracle.layer import ChangeSet, Entry, Layer

CREATED = "2025-01-01T00:00:00Z"


class Factory:
    """Layers and images with deterministic content."""

    def __init__(self) -> None:
        self._count = itertools.count(1)

    def layer(self, *files: str | tuple[str, bytes]) -> Layer:
        """A layer adding files; a bare path gets content derived from its name."""
        changes = ChangeSet()
        for item in files:
            path, data = item if isinstance(item, tuple) else (item, f"{item}\n".encode())
            parent = path.rsplit("/", 1)[0]
            if parent:
                changes.add(parent, Entry.dir())
            changes.add(path, Entry.file(data))
        return Layer(changes)

    def noise(self, size: int, seed: str) -> bytes:
        """Incompressible bytes (a gzip blob about as big as the data)."""
        out = bytearray()
        counter = 0
        while len(out) < size:
            out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
            counter += 1
        return bytes(out[:size])

    def image(
        self, layers: Iterable[Layer], base: Image | None = None, labels: dict | None = None
    ) -> Image:
        """`base`'s layers and history, then one RUN-like history entry per new layer."""
        config = base.config if base is not None else ImageConfig.scratch()
        stack = list(base.layers) if base is not None else []
        for layer in layers:
            step = next(self._count)
            entry = HistoryEntry(created=CREATED, created_by=f"RUN step {step} # buildkit")
            config = config.with_history(entry)
            stack.append(layer)
        if labels:
            config = config.with_config(Labels=labels)
        return Image(config.with_(created=CREATED), stack)


@pytest.fixture
def factory() -> Factory:
    return Factory()


@pytest.fixture
def engine() -> Engine:
    return Engine.with_catalogue()
