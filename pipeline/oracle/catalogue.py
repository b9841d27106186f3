"""The fixture catalogue: base images kept as data (`catalogue/*.json`).

Each file is a SIMULATION of a real image's layer structure (layer count, history, sizes, the
executables a shell needs), not a copy of it. A layer is described by a compact spec; file content
is generated lazily and deterministically (zero runs behind a short header), so loading every
image costs little memory and time. `base` inherits another file's layers, history and config
(python and node share the buildpack-deps layers, which share debian's).

The layers' digests are hashed once and shipped in `catalogue/digests.json` (keyed by each
stream's fingerprint); `python -m pipeline.oracle.catalogue` rewrites it and a test recomputes
every entry, so the shipped values are a cache, never a source of truth.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.oracle.content import Content
from pipeline.oracle.image import HistoryEntry, Image, ImageConfig
from pipeline.oracle.layer import ChangeSet, Entry, Layer, hash_blob, hash_diff_id, seed_digests

DATA = Path(__file__).with_name("catalogue")
DIGESTS = DATA / "digests.json"
ELF_HEADER = b"\x7fELF\x02\x01\x01\x00"


@dataclass(frozen=True)
class CatalogueImage:
    name: str  # file stem
    repository: str
    tags: tuple[str, ...]
    image: Image
    listed: bool


def _epoch(created: str) -> int:
    return int(datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def _text(value: str | dict[str, Any]) -> Content:
    """A text file; `{"text": ..., "pad_to": n}` pads it with a comment line to n bytes."""
    if isinstance(value, str):
        return Content.of(value)
    data = value["text"].encode()
    missing = value["pad_to"] - len(data)
    if missing > 0:
        data += b"#" * (missing - 1) + b"\n"
    return Content.of(data)


def _content(size: int, executable: bool) -> Content:
    """A generated file: an ELF magic for executables, then zeros (free to store and hash)."""
    head = ELF_HEADER if executable else b""
    head = head[:size]
    return Content.of(head).append(Content.zeros(size - len(head)))


def build_layer(spec: dict[str, Any], created: str) -> Layer:
    """A layer from its spec: dirs, modes, files (text), sized files, executables, symlinks,
    applet links and bulk files; every entry gets the layer's creation time as mtime."""
    mtime = _epoch(created)
    changes = ChangeSet()
    modes = {p: int(m, 8) for p, m in spec.get("modes", {}).items()}

    def add_dirs(path: str) -> None:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i])
            if "/" + sub not in changes.entries:
                changes.add(sub, Entry.dir(modes.get(sub, 0o755), mtime=mtime))

    def add_parent(path: str) -> None:
        parent = path.strip("/").rsplit("/", 1)
        if len(parent) == 2:
            add_dirs(parent[0])

    for path in spec.get("dirs", []):
        add_dirs(path)
    executables = set(spec.get("executables", []))
    for path, text in spec.get("files", {}).items():
        add_parent(path)
        mode = modes.get(path, 0o755 if path in executables else 0o644)
        changes.add(path, Entry.file(_text(text), mode, mtime=mtime))
    for path, size in spec.get("sized", {}).items():
        add_parent(path)
        exe = path in executables
        mode = modes.get(path, 0o755 if exe else 0o644)
        changes.add(path, Entry.file(_content(size, exe), mode, mtime=mtime))
    for path, target in spec.get("symlinks", {}).items():
        add_parent(path)
        changes.add(path, Entry.symlink(target, mtime=mtime))
    for group in spec.get("applets", []):
        for directory, names in group["dirs"].items():
            add_dirs(directory)
            for name in names:
                changes.add(f"{directory}/{name}", Entry.symlink(group["target"], mtime=mtime))
    for bulk in spec.get("bulk", []):
        add_dirs(bulk["dir"])
        count, total = bulk["count"], bulk["bytes"]
        each, extra = divmod(total, count)
        for i in range(count):
            name = bulk["name"].format(n=i)
            size = each + (1 if i < extra else 0)
            changes.add(f"{bulk['dir']}/{name}", Entry.file(_content(size, False), mtime=mtime))
    for path in spec.get("whiteouts", []):
        changes.delete(path)
    return Layer(changes)


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text())


@cache
def _load(name: str) -> tuple[ImageConfig, tuple[Layer, ...]]:
    doc = _read(name)
    if doc.get("base"):
        config, base_layers = _load(doc["base"])
        layers = list(base_layers)
        history = list(config.history)
        container_config = config.container_config()
    else:
        layers, history, container_config = [], [], {}
    for item in doc["history"]:
        if "layer" in item:
            layers.append(build_layer(item["layer"], item["created"]))
        history.append(
            HistoryEntry(
                created=item["created"],
                created_by=item["created_by"],
                comment=item.get("comment", ""),
                empty_layer="layer" not in item,
            )
        )
    for key, value in doc.get("config", {}).items():
        if value is None:
            container_config.pop(key, None)
        else:
            container_config[key] = value
    image_config = ImageConfig(
        config=container_config,
        history=tuple(history),
        created=history[-1].created,
        architecture="amd64",
        os="linux",
    )
    return image_config, tuple(layers)


def names() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.json") if p.name != DIGESTS.name)


@cache
def load() -> tuple[CatalogueImage, ...]:
    """Every catalogue image, built once per process (images and layers are immutable)."""
    if DIGESTS.exists():
        seed_digests(json.loads(DIGESTS.read_text()))
    out = []
    for name in names():
        doc = _read(name)
        config, layers = _load(name)
        out.append(
            CatalogueImage(
                name=name,
                repository=doc["repository"],
                tags=tuple(doc.get("tags", [])),
                image=Image(config, layers),
                listed=doc.get("listed", True),
            )
        )
    return tuple(out)


def install(store: Any) -> None:
    """Add the listed catalogue images to an ImageStore as if pulled from Docker Hub: tags, and a
    repo digest (`name@sha256:<manifest digest>`) because they came from a registry."""
    for item in load():
        if not item.listed:
            continue
        digest = item.image.manifest_digest()
        tags = [f"{item.repository}:{tag}" for tag in item.tags]
        store.add(
            item.image,
            tags=tags,
            repo_digests=[f"{item.repository}@{digest}"],
            record_tag_time=False,
        )


def compute_digests() -> dict[str, dict[str, Any]]:
    """Hash every catalogue layer for real (slow: about a second per GB of layers)."""
    records: dict[str, dict[str, Any]] = {}
    for name in names():
        _, layers = _load(name)
        for layer in layers:
            blob = hash_blob(layer)
            records[layer.fingerprint] = {
                "diff_id": hash_diff_id(layer),
                "digest": blob.digest,
                "blob_size": blob.size,
            }
    return dict(sorted(records.items()))


def main() -> int:
    DIGESTS.write_text(json.dumps(compute_digests(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {DIGESTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
