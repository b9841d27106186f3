"""COPY/ADD: resolving the sources and copying them, as BuildKit's file operation does.

The rules come from moby/buildkit (frontend/dockerfile/dockerfile2llb/convert_copy.go,
solver/llbsolver/file/backend.go `docopy`, tonistiigi/fsutil copy) and the Dockerfile reference:

- a source is a path in the build context (or in another stage/image with `--from`), `/` and `..`
  never leave it; `*`, `?` and `[...]` match within one path component (Go's `path.Match`); a
  wildcard that matches nothing copies nothing (`AllowEmptyWildcard`), a plain path that does not
  exist fails the build with BuildKit's `"/path": not found`;
- a directory source copies its *contents* (`CopyDirContentsOnly`), never the directory itself;
- a file goes *into* the destination when it ends with `/` or is an existing directory, otherwise
  it becomes the destination (several files to one plain name overwrite each other in BuildKit:
  moby/buildkit#1853); missing parent directories are created (0755);
- context files arrive owned by root (the client resets uid/gid, buildkit client/solve.go
  `resetUIDAndGID`); files from a stage keep their owner; `--chown` and `--chmod` override;
- ADD unpacks a local tar archive (plain, gzip, bzip2 or xz) into the destination directory.

The content checksum that keys the cache covers, per copied file, its relative name, type, mode,
owner, size, link target and content, and never its mtime (cache/contenthash/filehash.go).
"""

from __future__ import annotations

import bz2
import fnmatch
import gzip
import hashlib
import io
import lzma
import posixpath
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pipeline.oracle.content import Content
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.fsapi import FileSystem, FsError, Stat
from pipeline.oracle.layer import Entry

WILDCARDS = set("*?[")


class SourceNotFound(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def has_wildcards(path: str) -> bool:
    """convert_copy.go `containsWildcards` (a backslash escapes the next character)."""
    i = 0
    while i < len(path):
        if path[i] in WILDCARDS:
            return True
        if path[i] == "\\":
            i += 1
        i += 1
    return False


def clean_source(path: str) -> str:
    """A source path, absolute in its root: `./a/../b` -> `/b` (system.NormalizePath)."""
    return posixpath.normpath("/" + path).replace("//", "/")


def destination(workdir: str, dest: str) -> str:
    """convert.go `pathRelativeToWorkingDir`: relative to WORKDIR, a trailing `/` kept."""
    if dest in ("", "."):
        dest = "./"
    keep_slash = dest.endswith("/") or dest.endswith("/.")
    joined = posixpath.normpath(posixpath.join(workdir or "/", dest))
    if joined.startswith("//"):
        joined = joined[1:]
    if keep_slash and joined != "/":
        joined += "/"
    return joined


def resolve(fs: FileSystem, source: str) -> list[str]:
    """The paths a source names: one path, or the sorted matches of a wildcard pattern."""
    path = clean_source(source)
    if not has_wildcards(path):
        if not fs.exists(path) and not _is_symlink(fs, path):
            raise SourceNotFound(path)
        return [path]
    matches = ["/"]
    for component in path.strip("/").split("/"):
        matches = [m for base in matches for m in _match_component(fs, base, component)]
    return sorted(matches)


def _match_component(fs: FileSystem, base: str, component: str) -> list[str]:
    if not has_wildcards(component):
        candidate = posixpath.join(base, _unescape(component))
        return [candidate] if fs.exists(candidate) or _is_symlink(fs, candidate) else []
    try:
        if fs.stat(base).kind != "dir":
            return []
        names = fs.listdir(base)
    except FsError:
        return []
    pattern = _go_pattern(component)
    return [posixpath.join(base, n) for n in names if fnmatch.fnmatchcase(n, pattern)]


def _go_pattern(component: str) -> str:
    """Go `path.Match` syntax to fnmatch syntax (`[^a]` -> `[!a]`, `\\*` -> `[*]`)."""
    out, i = "", 0
    while i < len(component):
        ch = component[i]
        if ch == "\\" and i + 1 < len(component):
            out += "[" + component[i + 1] + "]"
            i += 2
            continue
        if ch == "[" and component[i + 1 : i + 2] == "^":
            out += "[!"
            i += 2
            continue
        out += ch
        i += 1
    return out


def _unescape(component: str) -> str:
    out, i = "", 0
    while i < len(component):
        if component[i] == "\\" and i + 1 < len(component):
            i += 1
        out += component[i]
        i += 1
    return out


def _is_symlink(fs: FileSystem, path: str) -> bool:
    try:
        return fs.stat(path, follow_symlinks=False).kind == "symlink"
    except FsError:
        return False


# --- the content checksum ------------------------------------------------------------------------
def checksum(fs: FileSystem, paths: list[str]) -> str:
    """A digest of what copying `paths` would copy: names, metadata and content, not mtimes."""
    hasher = hashlib.sha256()
    for root in paths:
        for relative, stat, content_sha in _records(fs, root):
            record = (relative, stat.kind, stat.mode, stat.uid, stat.gid, stat.size, stat.target)
            hasher.update(repr(record).encode())
            hasher.update(content_sha.encode())
    return "sha256:" + hasher.hexdigest()


def _records(fs: FileSystem, root: str) -> Iterator[tuple[str, Stat, str]]:
    stat = fs.stat(root)  # the source itself is followed if it is a symlink (FollowSymlinks)
    yield posixpath.basename(root), stat, _content_sha(fs, root, stat)
    if stat.kind != "dir":
        return
    for path, child in fs.walk(root):
        if path == root:
            continue
        yield posixpath.relpath(path, root), child, _content_sha(fs, path, child)


def _content_sha(fs: FileSystem, path: str, stat: Stat) -> str:
    return fs.content(path).sha256() if stat.kind == "file" else ""


# --- copying ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Owner:
    uid: int
    gid: int


@dataclass
class CopyOptions:
    owner: Owner | None = None  # --chown
    mode: int | None = None  # --chmod
    unpack: bool = False  # ADD: extract local archives


def copy(
    src: FileSystem, paths: list[str], dst: UnionFileSystem, dest: str, options: CopyOptions
) -> None:
    """Copy the resolved sources into `dst` at `dest` (an absolute path, maybe ending in `/`).

    Entries are placed whole (`UnionFileSystem.put`), so they keep their mtime like BuildKit's
    copy does: an unchanged file copied again gives a byte-identical layer.
    """
    for path in paths:
        stat = src.stat(path)
        if stat.kind == "dir":
            target = dest.rstrip("/") or "/"
            _make_dirs(dst, target, options)
            _copy_tree(src, path, dst, target, options)
            continue
        if options.unpack and stat.kind == "file" and _unpack(src, path, dst, dest, options):
            continue
        target = _file_target(dst, dest, posixpath.basename(path))
        _make_dirs(dst, posixpath.dirname(target), options)
        _place(dst, target, _entry(src, path, stat, options))


def _file_target(dst: FileSystem, dest: str, name: str) -> str:
    if dest.endswith("/"):
        return dest + name
    try:
        if dst.stat(dest).kind == "dir":
            return posixpath.join(dest, name)
    except FsError:
        pass
    return dest


def _make_dirs(dst: UnionFileSystem, path: str, options: CopyOptions) -> None:
    """mkdir -p; new directories are owned like the copied files (fsutil MkdirAll with Chown)."""
    missing = []
    while path not in ("", "/") and not dst.exists(path):
        missing.append(path)
        path = posixpath.dirname(path)
    owner = options.owner or Owner(0, 0)
    for directory in reversed(missing):
        _place(dst, directory, Entry.dir(0o755, owner.uid, owner.gid, dst.clock()))


def _copy_tree(src: FileSystem, root: str, dst: UnionFileSystem, target: str, options):
    for path, stat in src.walk(root):
        if path != root:
            destination_path = posixpath.join(target, posixpath.relpath(path, root))
            _place(dst, destination_path, _entry(src, path, stat, options))


def _entry(src: FileSystem, path: str, stat: Stat, options: CopyOptions) -> Entry:
    owner = options.owner or Owner(stat.uid, stat.gid)
    if stat.kind == "symlink":
        return Entry.symlink(stat.target or "", owner.uid, owner.gid, stat.mtime)
    mode = options.mode if options.mode is not None else stat.mode
    if stat.kind == "dir":
        return Entry.dir(mode, owner.uid, owner.gid, stat.mtime)
    return Entry.file(src.content(path), mode, owner.uid, owner.gid, stat.mtime)


def _place(dst: UnionFileSystem, path: str, entry: Entry) -> None:
    """Put `entry` at `path`: a directory merges into a directory, anything else replaces."""
    real = dst.resolve(path, follow_last=False)
    old = dst.lookup(real)
    if old is not None and not (old.kind == "dir" and entry.kind == "dir"):
        dst.remove(real, recursive=True)
    dst.put(real, entry)


# --- ADD archives -------------------------------------------------------------------------------
_DECOMPRESSORS: list[tuple[bytes, Callable[[bytes], bytes]]] = [
    (b"\x1f\x8b", gzip.decompress),
    (b"BZh", bz2.decompress),
    (b"\xfd7zXZ\x00", lzma.decompress),
]


def _archive_bytes(data: bytes) -> bytes | None:
    """The tar stream inside `data`, if `data` is a (compressed) tar archive."""
    for magic, decompress in _DECOMPRESSORS:
        if data.startswith(magic):
            try:
                data = decompress(data)
            except (OSError, EOFError, lzma.LZMAError, ValueError):
                return None
            break
    if len(data) < 512 or data[257:262] != b"ustar":
        return None
    return data


def _unpack(src: FileSystem, path: str, dst, dest: str, options: CopyOptions) -> bool:
    content = src.content(path)
    if content.size > 1 << 28:
        return False  # a huge file is a modelled blob (zeros), never a real archive
    stream = _archive_bytes(content.read())
    if stream is None:
        return False
    target = dest.rstrip("/") or "/"
    _make_dirs(dst, target, options)
    with tarfile.open(fileobj=io.BytesIO(stream), mode="r:") as archive:
        for member in archive.getmembers():
            _extract(archive, member, dst, target, options)
    return True


def _extract(archive, member, dst: UnionFileSystem, target: str, options: CopyOptions) -> None:
    name = posixpath.normpath("/" + member.name).lstrip("/")
    if not name or name == ".":
        return
    path = posixpath.join(target, name)
    _make_dirs(dst, posixpath.dirname(path), options)
    owner = options.owner or Owner(member.uid, member.gid)
    mode = options.mode if options.mode is not None else member.mode & 0o7777
    mtime = int(member.mtime)
    if member.isdir():
        entry = Entry.dir(mode, owner.uid, owner.gid, mtime)
    elif member.issym():
        entry = Entry.symlink(member.linkname, owner.uid, owner.gid, mtime)
    elif member.isfile() or member.islnk():
        handle = archive.extractfile(member)
        data = handle.read() if handle is not None else b""
        entry = Entry.file(Content.of(data), mode, owner.uid, owner.gid, mtime)
    else:
        return  # devices and fifos are not modelled
    _place(dst, path, entry)


# --- the build context as the builder sees it ---------------------------------------------------
class BuildContext:
    """The context directory after `.dockerignore`: a read-only `FileSystem` view.

    Ignored paths do not exist for COPY/ADD (and so cannot bust the cache); a directory that is
    ignored but holds a re-included (`!`) path stays visible with just that path. Every entry
    reports uid/gid 0, as the client sends them (buildkit client/solve.go `resetUIDAndGID`).
    """

    def __init__(self, fs: FileSystem, excluded: Callable[[str], bool] | None = None) -> None:
        self._fs = fs
        self._visible = self._scan(excluded or (lambda _path: False))

    def _scan(self, excluded: Callable[[str], bool]) -> set[str]:
        visible = {"/"}
        for path, _stat in self._fs.walk("/"):
            if path != "/" and not excluded(path.lstrip("/")):
                while path not in visible:  # a visible path makes its directories visible
                    visible.add(path)
                    path = posixpath.dirname(path)
        return visible

    def _check(self, path: str) -> str:
        path = posixpath.normpath("/" + path).replace("//", "/")
        if path not in self._visible:
            raise FsError("ENOENT", path)
        return path

    def stat(self, path: str, follow_symlinks: bool = True) -> Stat:
        stat = self._fs.stat(self._check(path), follow_symlinks)
        return Stat(stat.kind, stat.mode, 0, 0, stat.size, stat.target, stat.mtime)

    def exists(self, path: str) -> bool:
        try:
            self.stat(path)
        except FsError:
            return False
        return True

    def listdir(self, path: str) -> list[str]:
        path = self._check(path)
        names = self._fs.listdir(path)
        return [n for n in names if posixpath.join(path, n) in self._visible]

    def read(self, path: str, offset: int = 0, length: int | None = None) -> bytes:
        return self._fs.read(self._check(path), offset, length)

    def content(self, path: str):
        return self._fs.content(self._check(path))

    def walk(self, path: str = "/") -> Iterator[tuple[str, Stat]]:
        root = self._check(path)
        for found, _stat in self._fs.walk(root):
            if found in self._visible:
                yield found, self.stat(found, follow_symlinks=False)

    def _read_only(self, path: str, *_args, **_kwargs) -> None:
        raise FsError("EROFS", path)

    write = write_content = truncate = mkdir = remove = rename = _read_only
    chmod = chown = touch = _read_only

    def symlink(self, target: str, path: str) -> None:
        raise FsError("EROFS", path)
