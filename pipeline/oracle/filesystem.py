"""The union file system: read-only layers below, one writable `Tree` on top (implements
`fsapi.FileSystem`).

With no layers it is a plain in-memory file system (the build context, a volume). With layers it
is a container's or a build step's view, following docker-image-semantics.md §6:

- lookup goes top-down; in each layer an entry for the path wins, then a whiteout of the path or
  of an ancestor, a non-directory ancestor, or an opaque ancestor hides everything below (§6.1-6.2);
- the first write, append, truncate, chmod, chown or touch of a lower file copies the whole entry
  up into the Tree (§6.3), parents first (metadata only);
- deleting something the layers below still show records a whiteout; a directory created where
  a whiteout is becomes opaque (the kernel's `ovl_create_over_whiteout`);
- `diff()` is the layer a RUN or a commit makes, `changes()` what `docker diff` prints (§4.8),
  `upper_size()` the container's SizeRw (§4.5).

Renaming copies the whole subtree and deletes the source: what overlayfs without `redirect_dir`
makes `mv` do after EXDEV, and what a rename of a lower file amounts to after its copy-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from pipeline.oracle.content import Content
from pipeline.oracle.fsapi import FsError, Stat
from pipeline.oracle.layer import ChangeSet, Entry, Layer, ancestors, parent_of, path_key

ROOT = "/"
MAX_SYMLINKS = 40  # Linux MAXSYMLINKS
NAME_MAX = 255
PATH_MAX = 4096
DEFAULT_MAX_BYTES = 64 << 30  # logical bytes: zero runs are free, so this is a sanity cap
DEFAULT_MAX_ENTRIES = 100_000
MAX_READ = 64 << 20  # a read that would materialise more than this is refused
_ROOT_ENTRY = Entry.dir(0o755)


class Tree:
    """A writable layer: entries, whiteouts and opaque directories, with capped totals."""

    def __init__(
        self, max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        self.entries: dict[str, Entry] = {}
        self.whiteouts: set[str] = set()
        self.opaque: set[str] = set()
        self.children: dict[str, set[str]] = {}
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.bytes = 0

    @classmethod
    def from_changeset(cls, changes: ChangeSet, **limits: int) -> Tree:
        tree = cls(**limits)
        for path in sorted(changes.entries, key=path_key):
            tree.put(path, changes.entries[path])
        tree.whiteouts |= changes.whiteouts
        tree.opaque |= changes.opaque
        return tree

    def put(self, path: str, entry: Entry) -> None:
        old = self.entries.get(path)
        old_bytes = old.content.size if old is not None and old.content is not None else 0
        new_bytes = entry.content.size if entry.content is not None else 0
        if self.bytes - old_bytes + new_bytes > self.max_bytes:
            raise FsError("ENOSPC", path)
        if old is None and len(self.entries) >= self.max_entries:
            raise FsError("ENOSPC", path)
        self.bytes += new_bytes - old_bytes
        self.entries[path] = entry
        if path != ROOT:
            self.children.setdefault(parent_of(path), set()).add(path.rsplit("/", 1)[1])

    def drop(self, path: str) -> None:
        old = self.entries.pop(path, None)
        if old is None:
            return
        if old.content is not None:
            self.bytes -= old.content.size
        names = self.children.get(parent_of(path))
        if names is not None:
            names.discard(path.rsplit("/", 1)[1])

    def drop_subtree(self, path: str) -> None:
        """Forget everything the tree knows at or below `path`."""
        prefix = path.rstrip("/") + "/"
        for sub in [p for p in self.entries if p.startswith(prefix)]:
            self.drop(sub)
        self.drop(path)
        self.whiteouts = {p for p in self.whiteouts if p != path and not p.startswith(prefix)}
        self.opaque = {p for p in self.opaque if p != path and not p.startswith(prefix)}
        self.children.pop(path, None)

    def changeset(self) -> ChangeSet:
        entries = {p: e for p, e in self.entries.items() if p != ROOT}
        return ChangeSet(entries, set(self.whiteouts), set(self.opaque))

    def is_empty(self) -> bool:
        return not (self.entries or self.whiteouts or self.opaque)


def _probe(level: Layer | Tree, path: str) -> tuple[Entry | None, bool]:
    """What one level says about `path`: (entry, True) if it has it, (None, True) if it hides it
    from the levels below, (None, False) if the levels below decide."""
    entry = level.entries.get(path)
    if entry is not None:
        return entry, True
    if path in level.whiteouts or ROOT in level.opaque:
        return None, True
    for anc in ancestors(path):
        if anc in level.whiteouts or anc in level.opaque:
            return None, True
        above = level.entries.get(anc)
        if above is not None and above.kind != "dir":
            return None, True
    return None, False


class UnionFileSystem:
    """A FileSystem over `lowers` (bottom first) and a writable `upper` Tree."""

    def __init__(
        self,
        lowers: Sequence[Layer] = (),
        upper: Tree | None = None,
        *,
        clock: Callable[[], int] | None = None,
        read_only: bool = False,
    ) -> None:
        self.lowers: tuple[Layer, ...] = tuple(lowers)
        self.upper = upper if upper is not None else Tree()
        self.clock = clock or (lambda: 0)
        self.read_only = read_only
        self._lower_cache: dict[str, Entry | None] = {}

    # --- lookup -----------------------------------------------------------------------------------
    def _lower(self, path: str) -> Entry | None:
        """The entry the layers alone show at `path` (cached: layers never change)."""
        if path == ROOT:
            return _ROOT_ENTRY
        try:
            return self._lower_cache[path]
        except KeyError:
            pass
        found = None
        for layer in reversed(self.lowers):
            entry, decided = _probe(layer, path)
            if decided:
                found = entry
                break
        if len(self._lower_cache) < 1_000_000:
            self._lower_cache[path] = found
        return found

    def lookup(self, path: str) -> Entry | None:
        """The visible entry at a normalised, symlink-free path (None when absent)."""
        if path == ROOT:
            return self.upper.entries.get(ROOT) or _ROOT_ENTRY
        entry, decided = _probe(self.upper, path)
        return entry if decided else self._lower(path)

    def _names(self, path: str) -> list[str]:
        candidates = set(self.upper.children.get(path, ()))
        for layer in self.lowers:
            candidates |= layer.children.get(path, set())
        prefix = path.rstrip("/") + "/"
        return sorted(n for n in candidates if self.lookup(prefix + n) is not None)

    def resolve(self, path: str, follow_last: bool = True) -> str:
        """Normalise `path`, following symlinks (the last one only if `follow_last`); missing or
        non-directory intermediate components raise ENOENT / ENOTDIR; never climbs above `/`."""
        if len(path.encode()) > PATH_MAX:
            raise FsError("ENAMETOOLONG", path)
        pending = [p for p in path.split("/") if p][::-1]
        current = ROOT
        links = 0
        while pending:
            part = pending.pop()
            if part == ".":
                continue
            if part == "..":
                current = parent_of(current)
                continue
            if len(part.encode()) > NAME_MAX:
                raise FsError("ENAMETOOLONG", path)
            here = self.lookup(current)
            if here is None:
                raise FsError("ENOENT", path)
            if here.kind != "dir":
                raise FsError("ENOTDIR", path)
            candidate = current.rstrip("/") + "/" + part
            entry = self.lookup(candidate)
            if entry is not None and entry.kind == "symlink" and (pending or follow_last):
                links += 1
                if links > MAX_SYMLINKS:
                    raise FsError("ELOOP", path)
                target = entry.target or ""
                if target.startswith("/"):
                    current = ROOT
                pending.extend([p for p in target.split("/") if p][::-1])
                continue
            current = candidate
        return current

    def entry(self, path: str, follow_symlinks: bool = True) -> Entry:
        entry = self.lookup(self.resolve(path, follow_symlinks))
        if entry is None:
            raise FsError("ENOENT", path)
        return entry

    # --- reading ----------------------------------------------------------------------------------
    def stat(self, path: str, follow_symlinks: bool = True) -> Stat:
        return self.entry(path, follow_symlinks).stat()

    def exists(self, path: str) -> bool:
        try:
            self.entry(path)
        except FsError:
            return False
        return True

    def listdir(self, path: str) -> list[str]:
        real = self.resolve(path)
        entry = self.lookup(real)
        if entry is None:
            raise FsError("ENOENT", path)
        if entry.kind != "dir":
            raise FsError("ENOTDIR", path)
        return self._names(real)

    def content(self, path: str) -> Content:
        entry = self.entry(path)
        if entry.kind == "dir":
            raise FsError("EISDIR", path)
        return entry.content or Content.empty()

    def read(self, path: str, offset: int = 0, length: int | None = None) -> bytes:
        content = self.content(path)
        end = content.size if length is None else min(content.size, offset + length)
        if end - offset > MAX_READ:
            raise FsError("EFBIG", path)
        return content.read(offset, length)

    def walk(self, path: str = ROOT) -> Iterator[tuple[str, Stat]]:
        """`path` itself, then everything below it: sorted, parents first, links not followed."""
        real = self.resolve(path)
        entry = self.lookup(real)
        if entry is None:
            raise FsError("ENOENT", path)
        yield from self._walk(real, entry)

    def _walk(self, path: str, entry: Entry) -> Iterator[tuple[str, Stat]]:
        yield path, entry.stat()
        if entry.kind == "dir":
            prefix = path.rstrip("/") + "/"
            for name in self._names(path):
                child = self.lookup(prefix + name)
                if child is not None:
                    yield from self._walk(prefix + name, child)

    # --- writing ----------------------------------------------------------------------------------
    def _check_writable(self, path: str) -> None:
        if self.read_only:
            raise FsError("EROFS", path)

    def _parent_dir(self, real: str, path: str) -> None:
        parent = self.lookup(parent_of(real))
        if parent is None:
            raise FsError("ENOENT", path)
        if parent.kind != "dir":
            raise FsError("ENOTDIR", path)

    def _copy_up_parents(self, path: str) -> None:
        for anc in reversed(list(ancestors(path))):
            if anc not in self.upper.entries:
                entry = self.lookup(anc)
                if entry is None or entry.kind != "dir":
                    raise FsError("ENOENT", path)
                self.upper.put(anc, entry)

    def put(self, path: str, entry: Entry) -> None:
        """Place `entry` at a resolved path in the writable layer, copying parents up and making a
        directory created over a whiteout opaque (the lower directory's children stay hidden)."""
        self._check_writable(path)
        if path == ROOT:
            if entry.kind != "dir":
                raise FsError("EISDIR", path)
            self.upper.put(ROOT, entry)
            return
        self._copy_up_parents(path)
        if path in self.upper.whiteouts:
            self.upper.whiteouts.discard(path)
            if entry.kind == "dir":
                self.upper.opaque.add(path)
        elif entry.kind != "dir":
            self.upper.opaque.discard(path)
        self.upper.put(path, entry)

    def _file_for_write(self, path: str) -> tuple[str, Entry | None]:
        self._check_writable(path)
        real = self.resolve(path)
        entry = self.lookup(real)
        if entry is not None and entry.kind == "dir":
            raise FsError("EISDIR", path)
        if entry is None:
            self._parent_dir(real, path)
        return real, entry

    def write(self, path: str, data: bytes, append: bool = False) -> None:
        real, entry = self._file_for_write(path)
        now = self.clock()
        if entry is None:
            self.put(real, Entry.file(Content.of(data), mtime=now))
            return
        old = entry.content or Content.empty()
        content = old.append(data) if append else Content.of(data)
        self.put(real, entry.with_(content=content, mtime=now))

    def write_content(self, path: str, content: Content, mode: int | None = None) -> None:
        real, entry = self._file_for_write(path)
        now = self.clock()
        if entry is None:
            self.put(real, Entry.file(content, mode=0o644 if mode is None else mode, mtime=now))
        else:
            new_mode = entry.mode if mode is None else mode
            self.put(real, entry.with_(content=content, mode=new_mode, mtime=now))

    def truncate(self, path: str, size: int) -> None:
        if size < 0:
            raise FsError("EINVAL", path)
        real, entry = self._file_for_write(path)
        now = self.clock()
        if entry is None:
            self.put(real, Entry.file(Content.zeros(size), mtime=now))
            return
        content = (entry.content or Content.empty()).resized(size)
        self.put(real, entry.with_(content=content, mtime=now))

    def mkdir(self, path: str, mode: int = 0o755, parents: bool = False) -> None:
        self._check_writable(path)
        if parents:
            self._mkdir_parents(path, mode)
            return
        real = self.resolve(path, follow_last=False)
        if self.lookup(real) is not None:
            raise FsError("EEXIST", path)
        self._parent_dir(real, path)
        self.put(real, Entry.dir(mode, mtime=self.clock()))

    def _mkdir_parents(self, path: str, mode: int) -> None:
        current = ROOT
        for part in [p for p in path.split("/") if p]:
            current = self.resolve(current.rstrip("/") + "/" + part)
            entry = self.lookup(current)
            if entry is None:
                self.put(current, Entry.dir(mode, mtime=self.clock()))
            elif entry.kind != "dir":
                raise FsError("EEXIST" if current == self.resolve(path) else "ENOTDIR", path)

    def remove(self, path: str, recursive: bool = False) -> None:
        self._check_writable(path)
        real = self.resolve(path, follow_last=False)
        if real == ROOT:
            raise FsError("EINVAL", path)
        entry = self.lookup(real)
        if entry is None:
            raise FsError("ENOENT", path)
        if entry.kind == "dir" and not recursive and self._names(real):
            raise FsError("ENOTEMPTY", path)
        self._delete(real)

    def _delete(self, real: str) -> None:
        self.upper.drop_subtree(real)
        if self.lookup(real) is not None:  # the layers below still show it: hide it
            self._copy_up_parents(real)
            self.upper.whiteouts.add(real)

    def rename(self, src: str, dst: str) -> None:
        self._check_writable(src)
        source = self.resolve(src, follow_last=False)
        target = self.resolve(dst, follow_last=False)
        moving = self.lookup(source)
        if moving is None:
            raise FsError("ENOENT", src)
        if source == target:
            return
        if source == ROOT or target.startswith(source.rstrip("/") + "/"):
            raise FsError("EINVAL", dst)
        self._parent_dir(target, dst)
        existing = self.lookup(target)
        if existing is not None:
            if existing.kind == "dir" and moving.kind != "dir":
                raise FsError("EISDIR", dst)
            if existing.kind != "dir" and moving.kind == "dir":
                raise FsError("ENOTDIR", dst)
            if existing.kind == "dir" and self._names(target):
                raise FsError("ENOTEMPTY", dst)
        subtree = [(p, self.lookup(p)) for p, _ in self._walk(source, moving)]
        if existing is not None:
            self._delete(target)
        for old_path, entry in subtree:
            assert entry is not None
            self.put(target + old_path[len(source) :], entry)
        self._delete(source)

    def symlink(self, target: str, path: str) -> None:
        self._check_writable(path)
        real = self.resolve(path, follow_last=False)
        if self.lookup(real) is not None:
            raise FsError("EEXIST", path)
        self._parent_dir(real, path)
        self.put(real, Entry.symlink(target, mtime=self.clock()))

    def _change_meta(self, path: str, **changes: object) -> None:
        self._check_writable(path)
        real = self.resolve(path)
        entry = self.lookup(real)
        if entry is None:
            raise FsError("ENOENT", path)
        self.put(real, entry.with_(**changes))

    def chmod(self, path: str, mode: int) -> None:
        self._change_meta(path, mode=mode & 0o7777)

    def chown(self, path: str, uid: int, gid: int) -> None:
        self._change_meta(path, uid=uid, gid=gid)

    def touch(self, path: str, mtime: int | None = None) -> None:
        self._check_writable(path)
        real = self.resolve(path)
        entry = self.lookup(real)
        when = self.clock() if mtime is None else mtime
        if entry is None:
            self._parent_dir(real, path)
            self.put(real, Entry.file(Content.empty(), mtime=when))
        else:
            self.put(real, entry.with_(mtime=when))

    # --- the writable layer as a change -----------------------------------------------------------
    def diff(self) -> ChangeSet:
        """The writable layer as a changeset (what RUN and commit turn into a layer)."""
        return self.upper.changeset()

    def upper_size(self) -> int:
        """SizeRw: st_size of every non-directory entry of the writable layer (whiteouts are 0)."""
        return sum(e.size for p, e in self.upper.entries.items() if e.kind != "dir")

    def changes(self) -> list[tuple[str, str]]:
        """`docker diff`: (kind, path) with kind A (added), C (changed) or D (deleted), sorted by
        path so that a changed directory comes before its children (§4.8, ORACLE CHOICE)."""
        up = self.upper
        touched: set[str] = set()  # directories with a change somewhere below
        for path in [*up.entries, *up.whiteouts, *up.opaque]:
            touched.update(ancestors(path))
        out: dict[str, str] = {}
        for path, entry in up.entries.items():
            if path == ROOT:
                continue
            below = self._lower(path)
            if below is None:
                out[path] = "A"
            elif _changed(entry, below) or path in touched or path in up.opaque:
                out[path] = "C"
        for path in up.whiteouts:
            out[path] = "D"
        for path in up.opaque:
            for name in self._lower_children(path):
                child = path.rstrip("/") + "/" + name
                if child not in up.entries:
                    out[child] = "D"
        # a deleted directory is one line: drop anything listed below a D
        deleted = [p for p, k in out.items() if k == "D"]
        for path in list(out):
            if any(path.startswith(d + "/") for d in deleted):
                del out[path]
        return sorted(((k, p) for p, k in out.items()), key=lambda item: path_key(item[1]))

    def _lower_children(self, path: str) -> list[str]:
        names: set[str] = set()
        for layer in self.lowers:
            names |= layer.children.get(path, set())
        prefix = path.rstrip("/") + "/"
        return sorted(n for n in names if self._lower(prefix + n) is not None)


def _changed(entry: Entry, below: Entry) -> bool:
    """A file or link in the writable layer is changed; a directory only if its mode or owner
    differ (go-archive changes.go)."""
    if entry.kind != "dir" or below.kind != "dir":
        return True
    return (entry.mode, entry.uid, entry.gid) != (below.mode, below.uid, below.gid)
