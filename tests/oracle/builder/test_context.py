"""COPY/ADD source resolution and copying (convert_copy.go, fsutil copy; Dockerfile reference
"COPY" and "ADD"), the .dockerignore'd context view and the cache checksum."""

from __future__ import annotations

import io
import tarfile

import pytest

from pipeline.oracle.builder.context import (
    BuildContext,
    CopyOptions,
    Owner,
    SourceNotFound,
    checksum,
    copy,
    destination,
    resolve,
)
from pipeline.oracle.builder.dockerignore import PatternMatcher
from pipeline.oracle.filesystem import Tree, UnionFileSystem


def make_context(files: dict[str, bytes]) -> UnionFileSystem:
    fs = UnionFileSystem(upper=Tree(), clock=lambda: 1000)
    for path, data in files.items():
        parent = path.rsplit("/", 1)[0]
        if parent:
            fs.mkdir(parent, parents=True)
        fs.write(path, data)
    return fs


def target() -> UnionFileSystem:
    fs = UnionFileSystem(upper=Tree(), clock=lambda: 2000)
    fs.mkdir("/app")
    return fs


def test_destination_is_relative_to_workdir_and_keeps_trailing_slash():
    # convert.go pathRelativeToWorkingDir
    assert destination("/app", ".") == "/app/"
    assert destination("/app", "x") == "/app/x"
    assert destination("/app", "x/") == "/app/x/"
    assert destination("/app", "/abs") == "/abs"
    assert destination("/", "./") == "/"


def test_resolve_plain_wildcard_and_missing():
    ctx = make_context({"/b.py": b"b", "/a.py": b"a", "/c.txt": b"c", "/src/x.py": b"x"})
    assert resolve(ctx, "./a.py") == ["/a.py"]
    assert resolve(ctx, "*.py") == ["/a.py", "/b.py"]
    assert resolve(ctx, "s?c/*.py") == ["/src/x.py"]
    assert resolve(ctx, "*.none") == []  # AllowEmptyWildcard: copies nothing
    with pytest.raises(SourceNotFound) as caught:
        resolve(ctx, "missing.txt")
    assert caught.value.path == "/missing.txt"
    assert resolve(ctx, "../../a.py") == ["/a.py"]  # never leaves the context


def test_file_into_directory_or_as_new_name():
    ctx = make_context({"/app.py": b"print(1)\n"})
    dst = target()
    copy(ctx, ["/app.py"], dst, "/app/", CopyOptions())  # trailing slash: into
    copy(ctx, ["/app.py"], dst, "/app", CopyOptions())  # an existing directory: into as well
    copy(ctx, ["/app.py"], dst, "/srv/copy.py", CopyOptions())  # a new name, parents created
    assert dst.read("/app/app.py") == b"print(1)\n"
    assert dst.read("/srv/copy.py") == b"print(1)\n"
    assert dst.stat("/srv").mode == 0o755
    assert dst.stat("/app/app.py").mtime == 1000  # the source's mtime is kept


def test_directory_copies_its_contents_only():
    ctx = make_context({"/src/a.txt": b"a", "/src/sub/b.txt": b"b"})
    dst = target()
    copy(ctx, ["/src"], dst, "/app", CopyOptions())
    assert dst.listdir("/app") == ["a.txt", "sub"]
    assert dst.read("/app/sub/b.txt") == b"b"


def test_chown_and_chmod_override_and_context_files_are_root_owned():
    fs = make_context({"/run.sh": b"#!/bin/sh\n"})
    fs.chown("/run.sh", 1000, 1000)
    ctx = BuildContext(fs)
    assert ctx.stat("/run.sh").uid == 0  # buildkit client/solve.go resetUIDAndGID
    dst = target()
    copy(ctx, ["/run.sh"], dst, "/app/", CopyOptions(owner=Owner(10, 20), mode=0o755))
    stat = dst.stat("/app/run.sh")
    assert (stat.uid, stat.gid, stat.mode) == (10, 20, 0o755)
    copy(ctx, ["/run.sh"], dst, "/plain", CopyOptions())
    assert (dst.stat("/plain").uid, dst.stat("/plain").mode) == (0, 0o644)


def test_dockerignore_hides_paths_but_keeps_reincluded_ones():
    fs = make_context({"/a.log": b"x", "/docs/README.md": b"r", "/docs/x.md": b"x", "/ok": b"1"})
    ctx = BuildContext(fs, PatternMatcher(["*.log", "docs", "!docs/README.md"]).matches)
    assert not ctx.exists("/a.log")
    assert ctx.listdir("/") == ["docs", "ok"]
    assert ctx.listdir("/docs") == ["README.md"]
    assert [p for p, _ in ctx.walk("/")] == ["/", "/docs", "/docs/README.md", "/ok"]
    with pytest.raises(SourceNotFound):
        resolve(ctx, "a.log")


def test_checksum_ignores_mtime_but_not_content_or_mode():
    # docs invalidation.md: "the modification time of a file (mtime) is not taken into account"
    ctx = make_context({"/a": b"1"})
    before = checksum(ctx, ["/a"])
    ctx.touch("/a")
    assert checksum(ctx, ["/a"]) == before
    ctx.chmod("/a", 0o600)
    changed_mode = checksum(ctx, ["/a"])
    assert changed_mode != before
    ctx.write("/a", b"2")
    assert checksum(ctx, ["/a"]) != changed_mode


def _tar(files: dict[str, bytes], compression: str = "") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:" + compression) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o640
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("compression", ["", "gz", "bz2", "xz"])
def test_add_unpacks_local_archives(compression):
    # Dockerfile reference, ADD: "a local tar archive in a recognized compression format
    # (identity, gzip, bzip2 or xz) is unpacked as a directory"
    ctx = make_context({"/site.tar": _tar({"site/index.html": b"<p>", "a.txt": b"a"}, compression)})
    dst = target()
    copy(ctx, ["/site.tar"], dst, "/srv", CopyOptions(unpack=True))
    assert dst.read("/srv/site/index.html") == b"<p>"
    assert dst.stat("/srv/a.txt").mode == 0o640
    copy(ctx, ["/site.tar"], dst, "/raw/", CopyOptions())  # COPY never unpacks
    assert dst.stat("/raw/site.tar").size == ctx.stat("/site.tar").size


def test_add_copies_a_non_archive_as_is():
    ctx = make_context({"/notes.txt": b"not a tar"})
    dst = target()
    copy(ctx, ["/notes.txt"], dst, "/srv/", CopyOptions(unpack=True))
    assert dst.read("/srv/notes.txt") == b"not a tar"
