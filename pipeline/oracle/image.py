"""Images: the config JSON (image-spec config.md), the manifest, the ID and the inspect view.

The ID is the sha256 of the canonical config JSON (sorted keys, compact, UTF-8), which embeds the
layers' DiffIDs, so it is only computed (and the layers only hashed) when someone asks for it.
Times come from the engine's deterministic clock, never from the machine
(docker-image-semantics.md §1.4, ORACLE CHOICE).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from pipeline.oracle.digest import chain_ids, hex_part, sha256_digest, short_id
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.layer import Layer

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
ZERO_TIME = "0001-01-01T00:00:00Z"

# The execution defaults an image config may carry (image-spec config.md `config`, plus the
# Docker-only OnBuild/Shell/Healthcheck), in the order Go's container.Config declares them.
CONFIG_KEYS = (
    "User",
    "ExposedPorts",
    "Env",
    "Entrypoint",
    "Cmd",
    "Healthcheck",
    "ArgsEscaped",
    "Volumes",
    "WorkingDir",
    "OnBuild",
    "Labels",
    "StopSignal",
    "Shell",
)


class ImageConfigError(ValueError):
    """A config JSON that the image-spec (or moby) rejects."""


def canonical_json(value: Any) -> bytes:
    """Sorted keys, compact separators, UTF-8, no HTML escaping: one byte string per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False


@dataclass(frozen=True)
class HistoryEntry:
    """One `history[]` item; `empty_layer` entries have no layer in `rootfs.diff_ids`."""

    created: str = ""
    created_by: str = ""
    comment: str = ""
    empty_layer: bool = False
    author: str = ""

    def to_json(self) -> dict[str, Any]:
        fields = {
            "created": self.created,
            "created_by": self.created_by,
            "author": self.author,
            "comment": self.comment,
            "empty_layer": self.empty_layer,
        }
        return {k: v for k, v in fields.items() if not _empty(v)}  # Go's omitempty

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryEntry:
        return cls(
            created=str(data.get("created") or ""),
            created_by=str(data.get("created_by") or ""),
            comment=str(data.get("comment") or ""),
            empty_layer=bool(data.get("empty_layer", False)),
            author=str(data.get("author") or ""),
        )


def _freeze(config: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(copy.deepcopy(dict(config)))


@dataclass(frozen=True)
class ImageConfig:
    """The image JSON minus `rootfs.diff_ids`, which the Image takes from its layers.

    `config` holds the execution defaults with Docker's key names (User, Env, Cmd, ...); it is
    read-only: derive a new ImageConfig with `with_config(...)` / `with_history(...)`.
    """

    config: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[HistoryEntry, ...] = ()
    created: str = ""
    author: str = ""
    comment: str = ""
    architecture: str = "amd64"
    os: str = "linux"
    variant: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", _freeze(self.config))
        object.__setattr__(self, "history", tuple(self.history))

    @classmethod
    def scratch(cls) -> ImageConfig:
        """BuildKit's `emptyImage` for `FROM scratch`: default PATH, WorkingDir `/`."""
        return cls(config={"Env": [DEFAULT_PATH], "WorkingDir": "/"})

    # --- deriving ---------------------------------------------------------------------------------
    def with_config(self, **changes: Any) -> ImageConfig:
        """New config with keys replaced; a value of None removes the key."""
        config = copy.deepcopy(dict(self.config))
        for key, value in changes.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = copy.deepcopy(value)
        return replace(self, config=config)

    def with_history(self, entry: HistoryEntry) -> ImageConfig:
        return replace(self, history=(*self.history, entry))

    def with_(self, **fields: Any) -> ImageConfig:
        return replace(self, **fields)

    def container_config(self) -> dict[str, Any]:
        """A mutable deep copy of `config`."""
        return copy.deepcopy(dict(self.config))

    @property
    def env(self) -> list[str]:
        return list(self.config.get("Env") or [])

    @property
    def layer_count(self) -> int:
        return sum(1 for h in self.history if not h.empty_layer)

    # --- JSON -------------------------------------------------------------------------------------
    def to_dict(self, diff_ids: Sequence[str]) -> dict[str, Any]:
        config = {k: copy.deepcopy(v) for k, v in self.config.items() if not _empty(v)}
        doc: dict[str, Any] = {
            "architecture": self.architecture,
            "config": config,
            "created": self.created,
            "author": self.author,
            "comment": self.comment,
            "history": [h.to_json() for h in self.history],
            "os": self.os,
            "variant": self.variant,
            "rootfs": {"type": "layers", "diff_ids": list(diff_ids)},
        }
        for key in ("created", "author", "comment", "variant", "history"):
            if _empty(doc[key]):
                del doc[key]
        return doc

    def to_json(self, diff_ids: Sequence[str]) -> bytes:
        return canonical_json(self.to_dict(diff_ids))

    @classmethod
    def from_json(cls, data: bytes | str | Mapping[str, Any]) -> tuple[ImageConfig, list[str]]:
        """Parse and validate an image config; returns it and its `rootfs.diff_ids`."""
        if isinstance(data, bytes | str):
            try:
                doc = json.loads(data)
            except ValueError as exc:
                raise ImageConfigError(f"invalid image config JSON: {exc}") from exc
        else:
            doc = dict(data)
        if not isinstance(doc, dict):
            raise ImageConfigError("image config must be a JSON object")
        for required in ("architecture", "os"):
            if not doc.get(required):
                raise ImageConfigError(f"image config has no {required}")
        rootfs = doc.get("rootfs") or {}
        if rootfs.get("type") != "layers":
            raise ImageConfigError(f"unsupported rootfs type: {rootfs.get('type')!r}")
        diff_ids = [str(d) for d in rootfs.get("diff_ids") or []]
        history = tuple(HistoryEntry.from_json(h) for h in doc.get("history") or [])
        config = cls(
            config=doc.get("config") or {},
            history=history,
            created=str(doc.get("created") or ""),
            author=str(doc.get("author") or ""),
            comment=str(doc.get("comment") or ""),
            architecture=str(doc["architecture"]),
            os=str(doc["os"]),
            variant=str(doc.get("variant") or ""),
        )
        check_history(history, len(diff_ids))
        return config, diff_ids


def check_history(history: Sequence[HistoryEntry], layers: int) -> None:
    """moby image_history.go: the non-empty history entries must match the layers one to one."""
    if not history:
        return
    non_empty = sum(1 for h in history if not h.empty_layer)
    if non_empty > layers:
        raise ImageConfigError("too many non-empty layers in History section")
    if non_empty < layers:
        raise ImageConfigError("too few non-empty layers in History section")


class Image:
    """An immutable image: a config and its layers (bottom first)."""

    def __init__(self, config: ImageConfig, layers: Sequence[Layer] = ()) -> None:
        self.config = config
        self.layers: tuple[Layer, ...] = tuple(layers)
        check_history(config.history, len(self.layers))
        self._config_bytes: bytes | None = None
        self._id: str | None = None
        self._manifests: dict[str, bytes] = {}

    # --- identity ---------------------------------------------------------------------------------
    @property
    def diff_ids(self) -> list[str]:
        return [layer.diff_id for layer in self.layers]

    @property
    def chain_ids(self) -> list[str]:
        return chain_ids(self.diff_ids)

    @property
    def config_bytes(self) -> bytes:
        if self._config_bytes is None:
            self._config_bytes = self.config.to_json(self.diff_ids)
        return self._config_bytes

    @property
    def id(self) -> str:
        """`sha256:<hex>` of the config JSON (image-spec config.md "ImageID")."""
        if self._id is None:
            self._id = sha256_digest(self.config_bytes)
        return self._id

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    @property
    def created(self) -> str:
        return self.config.created

    @property
    def size(self) -> int:
        """Classic-store size: the sum of the layers' content bytes (shared layers included)."""
        return sum(layer.size for layer in self.layers)

    # --- manifest ---------------------------------------------------------------------------------
    def manifest(self, flavour: str = "oci") -> dict[str, Any]:
        """The image manifest, in Go's field order. `flavour` "docker" gives schema2 media types
        (what a classic-store push writes)."""
        docker = flavour == "docker"
        layer_type = DOCKER_LAYER_GZIP if docker else OCI_LAYER_GZIP
        return {
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST if docker else OCI_MANIFEST,
            "config": {
                "mediaType": DOCKER_CONFIG if docker else OCI_CONFIG,
                "digest": self.id,
                "size": len(self.config_bytes),
            },
            "layers": [
                {"mediaType": layer_type, "digest": layer.digest, "size": layer.blob_size}
                for layer in self.layers
            ],
        }

    def manifest_bytes(self, flavour: str = "oci") -> bytes:
        if flavour not in self._manifests:
            doc = self.manifest(flavour)
            self._manifests[flavour] = json.dumps(doc, separators=(",", ":")).encode()
        return self._manifests[flavour]

    def manifest_digest(self, flavour: str = "oci") -> str:
        return sha256_digest(self.manifest_bytes(flavour))

    # --- views ------------------------------------------------------------------------------------
    def rootfs(self) -> UnionFileSystem:
        """A read-only view of the image's file system."""
        return UnionFileSystem(self.layers, read_only=True)

    def inspect(
        self,
        repo_tags: Sequence[str] = (),
        repo_digests: Sequence[str] = (),
        parent: str = "",
        last_tag_time: str = "",
    ) -> dict[str, Any]:
        """What `docker image inspect` prints (classic overlay2 store, Docker 24-28, §4.6)."""
        comment = self.config.comment
        if not comment and self.config.history:  # moby image inspect falls back to history
            comment = self.config.history[-1].comment
        doc: dict[str, Any] = {
            "Id": self.id,
            "RepoTags": list(repo_tags),
            "RepoDigests": list(repo_digests),
            "Parent": parent,
            "Comment": comment,
            "Created": self.created or ZERO_TIME,
            "DockerVersion": "",
            "Author": self.config.author,
            "Config": inspect_config(self.config.config),
            "Architecture": self.config.architecture,
        }
        if self.config.variant:
            doc["Variant"] = self.config.variant
        doc.update(
            {
                "Os": self.config.os,
                "Size": self.size,
                "GraphDriver": {"Data": self._graph_driver_data(), "Name": "overlay2"},
                "RootFS": {"Type": "layers", "Layers": self.diff_ids},
                "Metadata": {"LastTagTime": last_tag_time or ZERO_TIME},
            }
        )
        if not self.layers:
            del doc["RootFS"]["Layers"]
        return doc

    def _graph_driver_data(self) -> dict[str, str]:
        if not self.layers:
            return {}
        dirs = [f"/var/lib/docker/overlay2/{hex_part(c)}" for c in self.chain_ids]
        data = {
            "MergedDir": f"{dirs[-1]}/merged",
            "UpperDir": f"{dirs[-1]}/diff",
            "WorkDir": f"{dirs[-1]}/work",
        }
        if len(dirs) > 1:
            data = {"LowerDir": ":".join(f"{d}/diff" for d in reversed(dirs[:-1])), **data}
        return data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and self.config_bytes == other.config_bytes

    def __hash__(self) -> int:
        return hash(self.config_bytes)

    def __repr__(self) -> str:
        return f"Image(layers={len(self.layers)}, history={len(self.config.history)})"


def inspect_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The image's `Config` as the Docker 24-28 API shows it: Go's container.Config with its
    always-present fields (null when unset) and its omitempty ones only when set."""
    get = config.get
    doc: dict[str, Any] = {
        "Hostname": "",
        "Domainname": "",
        "User": get("User") or "",
        "AttachStdin": False,
        "AttachStdout": False,
        "AttachStderr": False,
    }
    if get("ExposedPorts"):
        doc["ExposedPorts"] = copy.deepcopy(get("ExposedPorts"))
    doc.update(
        {
            "Tty": False,
            "OpenStdin": False,
            "StdinOnce": False,
            "Env": copy.deepcopy(get("Env")) or None,
            "Cmd": copy.deepcopy(get("Cmd")) or None,
        }
    )
    if get("Healthcheck"):
        doc["Healthcheck"] = copy.deepcopy(get("Healthcheck"))
    if get("ArgsEscaped"):
        doc["ArgsEscaped"] = True
    doc.update(
        {
            "Image": "",
            "Volumes": copy.deepcopy(get("Volumes")) or None,
            "WorkingDir": get("WorkingDir") or "",
            "Entrypoint": copy.deepcopy(get("Entrypoint")) or None,
            "OnBuild": copy.deepcopy(get("OnBuild")) or None,
            "Labels": copy.deepcopy(get("Labels")) or None,
        }
    )
    if get("StopSignal"):
        doc["StopSignal"] = get("StopSignal")
    if get("Shell"):
        doc["Shell"] = copy.deepcopy(get("Shell"))
    return doc
