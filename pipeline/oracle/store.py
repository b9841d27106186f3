"""The image store: images by ID, layers once by ChainID, tags and digests as references.

The engine's state for images, without any CLI text beyond the daemon's own messages. Lookups,
removal and pruning follow moby's classic store (daemon/images/image.go `GetImage`,
image_delete.go `ImageDelete`, image_prune.go `ImagesPrune`, image_history.go), so that `docker
rmi` untags or deletes, refuses and reports exactly as Docker does (docker-image-semantics.md §4.3,
§4.8). References are parsed by `pipeline.oracle.reference` (the distribution/reference port).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.oracle import reference as refs
from pipeline.oracle.digest import short_id
from pipeline.oracle.image import ZERO_TIME, Image
from pipeline.oracle.layer import Layer

MISSING = "<missing>"


class StoreError(Exception):
    """A daemon error; str() is the message after `Error response from daemon: `."""


class ImageNotFound(StoreError):
    pass


class Conflict(StoreError):
    pass


class ContainerRef(Protocol):
    """What the store needs to know about a container that uses an image."""

    id: str
    image_id: str

    @property
    def running(self) -> bool: ...


@dataclass(frozen=True)
class HistoryRow:
    """One `docker history` row (moby HistoryResponseItem)."""

    id: str  # image ID along the parent chain, else "<missing>"
    created: str
    created_by: str
    size: int
    comment: str
    tags: tuple[str, ...]


# --- reference handling in one place --------------------------------------------------------------
def parse_named(ref: str) -> refs.Reference:
    """User input to a normalised named reference, `:latest` added to a bare name."""
    return refs.tag_name_only(refs.parse_normalized_named(ref))


def familiar(ref: refs.Reference | str) -> str:
    if isinstance(ref, str):
        ref = refs.parse_normalized_named(ref)
    return refs.familiar_string(ref)


def _not_found(ref: refs.Reference) -> ImageNotFound:
    """moby ErrImageDoesNotExist: the familiar reference with `:latest` added to a bare name."""
    if ref.is_named:
        return ImageNotFound(f"No such image: {refs.familiar_string(refs.tag_name_only(ref))}")
    return ImageNotFound(f"No such image: {ref.digest}")


def _is_id_prefix(image_id: str, candidate: str) -> bool:
    """moby isImageIDPrefix."""
    return image_id.startswith(candidate) or image_id.split(":", 1)[-1].startswith(candidate)


class ImageStore:
    def __init__(self, clock: Callable[[], str] | None = None) -> None:
        self.images: dict[str, Image] = {}
        self.parents: dict[str, str] = {}
        self.tags: dict[str, str] = {}  # canonical "docker.io/library/demo:latest" -> image ID
        self.digests: dict[str, str] = {}  # canonical "docker.io/library/demo@sha256:.." -> ID
        self.layers: dict[str, Layer] = {}  # ChainID -> layer, stored once
        self.tag_times: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._seq = 0
        self._clock = clock or (lambda: ZERO_TIME)

    # --- adding and naming ------------------------------------------------------------------------
    def add(
        self,
        image: Image,
        tags: Iterable[str] = (),
        parent: str = "",
        repo_digests: Iterable[str] = (),
        record_tag_time: bool = True,
    ) -> Image:
        """Store `image` (once; adding it again returns the stored one), its layers (once per
        ChainID), a parent link (classic builder / commit) and references. Tagging records
        `LastTagTime` as `docker tag`, build and commit do; pull and load do not
        (`record_tag_time=False`)."""
        image_id = image.id
        stored = self.images.get(image_id)
        if stored is None:
            stored = self.images[image_id] = image
            self._seq += 1
            self._order[image_id] = self._seq
            for chain, layer in zip(image.chain_ids, image.layers, strict=True):
                self.layers.setdefault(chain, layer)
        if parent and image_id not in self.parents:
            self.parents[image_id] = parent
        for tag in tags:
            self.tag(image_id, tag, record_time=record_tag_time)
        for digest_ref in repo_digests:
            self.add_digest(image_id, digest_ref)
        return stored

    def tag(self, image_or_ref: str | Image, ref: str, record_time: bool = True) -> str | None:
        """Point `ref` (a tag; `:latest` by default) at an image; returns the image it pointed at
        before, if another one. Digest references cannot be tags."""
        image_id = image_or_ref.id if isinstance(image_or_ref, Image) else self.get(image_or_ref).id
        named = refs.parse_normalized_named(ref)
        if named.digest:
            raise StoreError("refusing to create a tag with a digest reference")
        key = str(refs.tag_name_only(named))
        previous = self.tags.get(key)
        self.tags[key] = image_id
        if record_time:
            self.tag_times[image_id] = self._clock()
        return previous if previous != image_id else None

    def add_digest(self, image_id: str, ref: str) -> None:
        """Record a repo digest (`name@sha256:...`) for an image: it came from or went to a
        registry."""
        named = refs.parse_normalized_named(ref)
        if not named.digest:
            raise ValueError(f"not a digest reference: {ref}")
        self.digests[f"{named.name}@{named.digest}"] = image_id

    def untag(self, ref: str) -> tuple[str, str]:
        """Remove one tag or digest reference; returns (familiar reference, image ID)."""
        named = refs.tag_name_only(refs.parse_normalized_named(ref))
        key = f"{named.name}@{named.digest}" if named.digest else str(named)
        table = self.digests if named.digest else self.tags
        if key not in table:
            raise _not_found(named)
        image_id = table.pop(key)
        return refs.familiar_string(refs.parse_normalized_named(key)), image_id

    # --- lookup -----------------------------------------------------------------------------------
    def resolve(self, ref_or_id: str) -> str | None:
        """moby GetImage: a full ID or digest, then a tag/digest reference, then an ID prefix."""
        ref = refs.parse_any_reference(ref_or_id)  # raises ReferenceError (a ValueError)
        if not ref.is_named:
            return ref.digest if ref.digest in self.images else None
        found = self._by_reference(ref)
        if found is not None:
            return found
        return self._search_id(ref_or_id)

    def get(self, ref_or_id: str) -> Image:
        try:
            image_id = self.resolve(ref_or_id)
        except refs.ReferenceError as exc:
            raise StoreError(str(exc)) from exc
        if image_id is None:
            raise _not_found(refs.parse_any_reference(ref_or_id))
        return self.images[image_id]

    def __contains__(self, ref_or_id: object) -> bool:
        try:
            return isinstance(ref_or_id, str) and self.resolve(ref_or_id) is not None
        except refs.ReferenceError:
            return False

    def _by_reference(self, ref: refs.Reference) -> str | None:
        if ref.digest:
            return self.digests.get(f"{ref.name}@{ref.digest}")
        return self.tags.get(str(refs.tag_name_only(ref)))

    def _search_id(self, term: str) -> str | None:
        """digestset.Lookup: a unique prefix of an ID (with or without `sha256:`)."""
        hex_term = term.split(":", 1)[1] if term.startswith("sha256:") else term
        if not hex_term or any(c not in "0123456789abcdef" for c in hex_term):
            return None
        matches = [i for i in self.images if i.split(":", 1)[1].startswith(hex_term)]
        return matches[0] if len(matches) == 1 else None

    # --- views ------------------------------------------------------------------------------------
    def references(self, image_id: str) -> list[str]:
        """Canonical tag and digest references of an image, sorted by their familiar form."""
        found = [k for k, v in self.tags.items() if v == image_id]
        found += [k for k, v in self.digests.items() if v == image_id]
        return sorted(found, key=lambda k: familiar(k))

    def repo_tags(self, image_id: str) -> list[str]:
        return sorted(familiar(k) for k, v in self.tags.items() if v == image_id)

    def repo_digests(self, image_id: str) -> list[str]:
        return sorted(familiar(k) for k, v in self.digests.items() if v == image_id)

    def parent(self, image_id: str) -> str:
        return self.parents.get(image_id, "")

    def children(self, image_id: str) -> list[str]:
        return sorted(c for c, p in self.parents.items() if p == image_id and c in self.images)

    def is_dangling(self, image_id: str) -> bool:
        """No tag or digest reference and no child (`<none>:<none>` in `docker images`)."""
        return not self.references(image_id) and not self.children(image_id)

    def dangling(self) -> list[Image]:
        return [self.images[i] for i in self.ordered_ids() if self.is_dangling(i)]

    def ordered_ids(self) -> list[str]:
        """Newest `Created` first (moby image_list.go); ties: the most recently stored first."""
        return sorted(
            self.images,
            key=lambda i: (self.images[i].created or ZERO_TIME, self._order[i]),
            reverse=True,
        )

    def listed(self, all_images: bool = False) -> list[Image]:
        """The images `docker images` lists: intermediate images (untagged, with children) only
        with `-a` (Docker 24-28: dangling images are shown by default)."""
        return [
            self.images[i]
            for i in self.ordered_ids()
            if all_images or self.references(i) or not self.children(i)
        ]

    def inspect(self, ref_or_id: str) -> dict[str, Any]:
        image = self.get(ref_or_id)
        return image.inspect(
            repo_tags=self.repo_tags(image.id),
            repo_digests=self.repo_digests(image.id),
            parent=self.parent(image.id),
            last_tag_time=self.tag_times.get(image.id, ""),
        )

    def history(self, ref_or_id: str) -> list[HistoryRow]:
        """moby image_history.go: one row per history entry, newest first; IDs only along the
        parent chain, `<missing>` elsewhere; size = the layer's content bytes."""
        image = self.get(ref_or_id)
        rows: list[dict[str, Any]] = []
        layer_index = 0
        for entry in image.config.history:
            size = 0
            if not entry.empty_layer:
                size = image.layers[layer_index].size
                layer_index += 1
            rows.insert(
                0,
                dict(
                    created=entry.created,
                    created_by=entry.created_by,
                    size=size,
                    comment=entry.comment,
                ),
            )
        current = image.id
        out: list[HistoryRow] = []
        for i, row in enumerate(rows):
            row_id, tags = MISSING, ()
            if current and i == len(out) and current in self.images:
                row_id = current
                tags = tuple(familiar(k) for k in self.references(current) if "@" not in k)
                current = self.parent(current)
            else:
                current = ""
            out.append(
                HistoryRow(
                    row_id, row["created"], row["created_by"], row["size"], row["comment"], tags
                )
            )
        return out

    # --- layers -----------------------------------------------------------------------------------
    def layer_users(self, containers: Iterable[ContainerRef] = ()) -> dict[str, int]:
        """ChainID -> number of images (and containers) whose stack contains it."""
        counts: dict[str, int] = {}
        for image in self.images.values():
            for chain in image.chain_ids:
                counts[chain] = counts.get(chain, 0) + 1
        for container in containers:
            image = self.images.get(container.image_id)
            for chain in image.chain_ids if image is not None else []:
                counts[chain] = counts.get(chain, 0) + 1
        return counts

    def _release_layers(self, image: Image, containers: Sequence[ContainerRef]) -> list[str]:
        """Drop the layers nothing uses any more; their ChainIDs, top first."""
        in_use = self.layer_users(containers)
        for container in containers:  # a container keeps its (possibly deleted) image's layers
            if container.image_id == image.id:
                return []
        removed = [c for c in reversed(image.chain_ids) if c not in in_use]
        for chain in removed:
            self.layers.pop(chain, None)
        return removed

    # --- removal ----------------------------------------------------------------------------------
    def remove(
        self,
        ref_or_id: str,
        force: bool = False,
        prune: bool = True,
        containers: Sequence[ContainerRef] = (),
    ) -> list[tuple[str, str]]:
        """moby ImageDelete: [("Untagged", ref) | ("Deleted", id or ChainID), ...]."""
        image = self.get(ref_or_id)
        image_id = image.id
        records: list[tuple[str, str]] = []
        repo_refs = self.references(image_id)
        users = [c for c in containers if c.image_id == image_id]
        removed_repository_ref = False
        if not _is_id_prefix(image_id, ref_or_id):
            named = refs.tag_name_only(refs.parse_normalized_named(ref_or_id))
            if not force and _is_single_reference(repo_refs) and users:
                raise Conflict(
                    f'conflict: unable to remove repository reference "{ref_or_id}" (must force) '
                    f"- container {short_id(users[0].id)} is using its referenced image "
                    f"{short_id(image_id)}"
                )
            text, _ = self.untag(str(named))
            records.append(("Untagged", text))
            repo_refs = self.references(image_id)
            if not named.digest:
                same_repo_tag = any(
                    "@" not in r and refs.parse_normalized_named(r).name == named.name
                    for r in repo_refs
                )
                if not same_repo_tag:
                    for r in list(repo_refs):
                        if "@" in r and refs.parse_normalized_named(r).name == named.name:
                            records.append(("Untagged", self.untag(r)[0]))
                    repo_refs = self.references(image_id)
            if repo_refs:
                return records
            removed_repository_ref = True
        elif _is_single_reference(repo_refs):
            self._check_conflict(image_id, containers, force=force, ignore_references=True)
            for r in repo_refs:
                records.append(("Untagged", self.untag(r)[0]))
        self._delete_helper(image_id, records, force, prune, removed_repository_ref, containers)
        return records

    def _conflict(
        self,
        image_id: str,
        containers: Sequence[ContainerRef],
        hard_only: bool,
        ignore_references: bool = False,
    ) -> tuple[Conflict, bool] | None:
        """moby checkImageDeleteConflict: (error, whether a container uses the image)."""

        def conflict(message: str, hard: bool) -> Conflict:
            how = "cannot be forced" if hard else "must be forced"
            return Conflict(f"conflict: unable to delete {short_id(image_id)} ({how}) - {message}")

        if self.children(image_id):
            return conflict("image has dependent child images", True), False
        users = [c for c in containers if c.image_id == image_id]
        running = [c for c in users if c.running]
        if running:
            message = f"image is being used by running container {short_id(running[0].id)}"
            return conflict(message, True), True
        if hard_only:
            return None
        if not ignore_references and self.references(image_id):
            return conflict("image is referenced in multiple repositories", False), False
        stopped = [c for c in users if not c.running]
        if stopped:
            message = f"image is being used by stopped container {short_id(stopped[0].id)}"
            return conflict(message, False), True
        return None

    def _check_conflict(
        self,
        image_id: str,
        containers: Sequence[ContainerRef],
        force: bool,
        ignore_references: bool = False,
    ) -> None:
        found = self._conflict(image_id, containers, force, ignore_references)
        if found is not None:
            raise found[0]

    def _delete_helper(
        self,
        image_id: str,
        records: list[tuple[str, str]],
        force: bool,
        prune: bool,
        quiet: bool,
        containers: Sequence[ContainerRef],
    ) -> None:
        found = self._conflict(image_id, containers, hard_only=force)
        if found is not None:
            error, used = found
            if quiet and (not self.is_dangling(image_id) or used):
                return
            raise error
        parent = self.parent(image_id)
        for r in self.references(image_id):
            records.append(("Untagged", self.untag(r)[0]))
        image = self.images.pop(image_id)
        self.parents.pop(image_id, None)
        self.tag_times.pop(image_id, None)
        records.append(("Deleted", image_id))
        records.extend(("Deleted", chain) for chain in self._release_layers(image, containers))
        if prune and parent and parent in self.images:
            self._delete_helper(parent, records, False, True, True, containers)

    def prune(
        self, all_images: bool = False, containers: Sequence[ContainerRef] = ()
    ) -> tuple[list[tuple[str, str]], int]:
        """moby ImagesPrune: dangling images (or, with `all_images`, every image no container
        uses); returns the delete records and the bytes reclaimed (sizes of deleted layers)."""
        sizes = {chain: layer.size for chain, layer in self.layers.items()}
        used = {c.image_id for c in containers}
        candidates = [
            i
            for i in self.ordered_ids()
            if (not all_images and not self.children(i))
            or (all_images and (self.references(i) or not self.children(i)))
        ]
        records: list[tuple[str, str]] = []
        for image_id in candidates:
            if image_id not in self.images or image_id in used:
                continue
            references = self.references(image_id)
            if references:
                has_tag = any("@" not in r for r in references)
                if all_images or not has_tag:
                    for r in references:
                        if image_id in self.images:
                            try:
                                records += self.remove(r, prune=True, containers=containers)
                            except StoreError:
                                continue
            elif not self.children(image_id):
                try:
                    records += self.remove(image_id.split(":", 1)[1], containers=containers)
                except StoreError:
                    continue
        reclaimed = sum(sizes.get(v, 0) for k, v in records if k == "Deleted")
        return records, reclaimed


def _is_single_reference(repo_refs: Sequence[str]) -> bool:
    """moby isSingleReference: at most one tag, and every reference in one repository."""
    if len(repo_refs) <= 1:
        return len(repo_refs) == 1
    single: str | None = None
    names: set[str] = set()
    for r in repo_refs:
        name = refs.parse_normalized_named(r).name
        if "@" in r:
            names.add(name)
        elif single is None:
            names.add(name)
            single = r
        else:
            return False
    if single is None:
        single = repo_refs[0]
    return len(names) == 1 and refs.parse_normalized_named(single).name in names
