"""The union file system: lookups through layers, copy-up, whiteouts, opaque directories,
`docker diff` changes and SizeRw (docker-image-semantics.md §4.5, §4.8, §6)."""

from __future__ import annotations

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.filesystem import Tree, UnionFileSystem
from pipeline.oracle.fsapi import FsError
from pipeline.oracle.layer import ChangeSet, Entry, Layer

GIB = 1 << 30


def layer(*items: tuple[str, Entry], whiteouts=(), opaque=()) -> Layer:
    changes = ChangeSet()
    for path, entry in items:
        changes.add(path, entry)
    for path in whiteouts:
        changes.delete(path)
    for path in opaque:
        changes.make_opaque(path)
    return Layer(changes)


def d() -> Entry:
    return Entry.dir()


def f(data: bytes | str = b"") -> Entry:
    return Entry.file(data)


def paths(fs: UnionFileSystem) -> list[str]:
    return [p for p, _ in fs.walk("/")]


def base_fs(*extra: Layer) -> UnionFileSystem:
    base = layer(("/etc", d()), ("/etc/motd", f("hi\n")), ("/tmp", d()), ("/opt", d()),
                 ("/opt/x", d()), ("/opt/x/a", f("a")), ("/opt/x/b", f("b")))  # fmt: skip
    return UnionFileSystem([base, *extra], Tree())


def test_spec_whiteout_example():
    # §6.2, image-spec layer.md "Whiteouts": base file1, a/file2, b/, c/file3; next layer
    # .wh.file1, a/.wh.file2, .wh.b, file4 -> a/, c/file3, file4
    base = layer(("/file1", f("1")), ("/a", d()), ("/a/file2", f("2")), ("/b", d()),
                 ("/c", d()), ("/c/file3", f("3")))  # fmt: skip
    top = layer(("/a", d()), ("/file4", f("4")), whiteouts=["/file1", "/a/file2", "/b"])
    fs = UnionFileSystem([base, top])
    assert paths(fs) == ["/", "/a", "/c", "/c/file3", "/file4"]


def test_opaque_applies_before_the_same_layers_entries():
    # §6.2: layer a/, a/.wh..wh..opq, a/b/c/foo leaves exactly a/b/c/foo under a
    base = layer(("/a", d()), ("/a/old", f("o")), ("/a/b", d()), ("/a/b/gone", f("g")))
    top = layer(("/a", d()), ("/a/b", d()), ("/a/b/c", d()), ("/a/b/c/foo", f("x")), opaque=["/a"])
    fs = UnionFileSystem([base, top])
    assert paths(fs) == ["/", "/a", "/a/b", "/a/b/c", "/a/b/c/foo"]


def test_a_whiteout_only_hides_lower_layers():
    # §6.2: "Whiteout files MUST only apply to resources in lower/parent layers"
    base = layer(("/x", f("lower")))
    top = layer(("/x", f("same layer")), ("/y", f("y")))
    assert UnionFileSystem([base, top]).read("/x") == b"same layer"


def test_file_replaces_directory_and_directory_replaces_file():
    # §6.1: anything but dir-over-dir unlinks the old path
    base = layer(("/p", d()), ("/p/child", f("c")), ("/q", f("file")))
    top = layer(("/p", f("now a file")), ("/q", d()))
    fs = UnionFileSystem([base, top])
    assert fs.stat("/p").kind == "file" and not fs.exists("/p/child")
    assert fs.stat("/q").kind == "dir" and fs.listdir("/q") == []


def test_directories_merge_across_layers():
    base = layer(("/d", d()), ("/d/a", f("a")))
    top = layer(("/d", Entry.dir(mode=0o700)), ("/d/b", f("b")))
    fs = UnionFileSystem([base, top])
    assert fs.listdir("/d") == ["a", "b"]
    assert fs.stat("/d").mode == 0o700


def test_appending_one_byte_copies_the_whole_gigabyte_file_up():
    # §6.3 copy-up of the entire file; the brief: size_rw == 1 GiB + 1
    big = layer(("/big", Entry.file(Content.zeros(GIB))))
    fs = UnionFileSystem([big], Tree())
    fs.write("/big", b"!", append=True)
    assert fs.upper_size() == GIB + 1
    assert fs.stat("/big").size == GIB + 1
    assert fs.read("/big", GIB - 1, 2) == b"\0!"
    assert big.entries["/big"].content.size == GIB  # the layer never changes


@pytest.mark.parametrize(
    "change", [lambda fs: fs.chmod("/etc/motd", 0o600), lambda fs: fs.chown("/etc/motd", 1, 1),
               lambda fs: fs.touch("/etc/motd"), lambda fs: fs.truncate("/etc/motd", 3)],
)  # fmt: skip
def test_metadata_changes_copy_the_whole_file_up(change):
    # §6.3: chmod, chown, touch, truncate of a lower file copy it up entirely
    fs = base_fs()
    change(fs)
    assert fs.upper_size() == 3
    assert fs.changes() == [("C", "/etc"), ("C", "/etc/motd")]


def test_adding_a_file_counts_its_bytes_and_deleting_a_lower_file_counts_nothing():
    fs = base_fs()
    fs.write("/tmp/k", b"x" * 1000)
    assert fs.upper_size() == 1000
    fs.truncate("/tmp/kib", 1024)
    assert fs.upper_size() == 2024
    fs.remove("/etc/motd")
    assert fs.upper_size() == 2024
    assert fs.diff().whiteouts == {"/etc/motd"}
    assert not fs.exists("/etc/motd")


def test_symlink_size_is_the_target_length():
    # §4.5: SizeRw counts a symlink as the length of its target
    fs = base_fs()
    fs.symlink("/etc/motd", "/tmp/link")
    assert fs.upper_size() == len("/etc/motd")
    assert fs.read("/tmp/link") == b"hi\n"


def test_docker_diff_example():
    # §4.8: `touch /tmp/x; rm /etc/motd` -> C /etc, D /etc/motd, C /tmp, A /tmp/x
    fs = base_fs()
    fs.touch("/tmp/x")
    fs.remove("/etc/motd")
    assert fs.changes() == [("C", "/etc"), ("D", "/etc/motd"), ("C", "/tmp"), ("A", "/tmp/x")]


def test_docker_diff_added_directory_then_contents_and_deleted_directory_once():
    fs = base_fs()
    fs.mkdir("/srv/app/static", parents=True)
    fs.write("/srv/app/index.html", b"<html>")
    fs.remove("/opt/x", recursive=True)
    assert fs.changes() == [
        ("C", "/opt"),
        ("D", "/opt/x"),
        ("A", "/srv"),
        ("A", "/srv/app"),
        ("A", "/srv/app/index.html"),
        ("A", "/srv/app/static"),
    ]


def test_deleted_and_recreated_directory_becomes_opaque():
    # §6.2: `rm -rf /opt/x && mkdir /opt/x` -> opt/, opt/x/, opt/x/.wh..wh..opq
    fs = base_fs()
    fs.remove("/opt/x", recursive=True)
    fs.mkdir("/opt/x")
    diff = fs.diff()
    assert diff.opaque == {"/opt/x"} and not diff.whiteouts
    assert set(diff.entries) == {"/opt", "/opt/x"}
    assert fs.listdir("/opt/x") == []
    assert [m for m in Layer(diff).tar_bytes().split(b"\0") if m.startswith(b"opt/")] == [
        b"opt/",
        b"opt/x/",
        b"opt/x/.wh..wh..opq",
    ]


def test_deleting_a_directory_records_one_whiteout():
    fs = base_fs()
    fs.remove("/opt/x", recursive=True)
    assert fs.diff().whiteouts == {"/opt/x"}
    with pytest.raises(FsError) as error:
        fs.remove("/etc")
    assert error.value.errno == "ENOTEMPTY"


def test_a_file_created_then_deleted_leaves_no_trace():
    fs = base_fs()
    fs.write("/new", b"data")
    fs.remove("/new")
    assert fs.diff().is_empty() and fs.changes() == []


def test_diff_as_a_layer_reproduces_the_view():
    fs = base_fs()
    fs.write("/etc/motd", b"changed")
    fs.remove("/opt/x/a")
    fs.mkdir("/data")
    fs.symlink("../etc/motd", "/data/link")
    lowers = fs.lowers
    rebuilt = UnionFileSystem([*lowers, Layer(fs.diff())])
    assert list(rebuilt.walk()) == list(fs.walk())


def test_symlinks_are_resolved_and_loops_stop():
    fs = base_fs()
    fs.symlink("/etc", "/cfg")
    fs.symlink("motd", "/etc/alias")
    assert fs.read("/cfg/alias") == b"hi\n"
    assert fs.stat("/cfg", follow_symlinks=False).kind == "symlink"
    fs.symlink("/loop2", "/loop1")
    fs.symlink("/loop1", "/loop2")
    with pytest.raises(FsError) as error:
        fs.read("/loop1")
    assert error.value.errno == "ELOOP"


def test_paths_never_climb_above_the_root():
    fs = base_fs()
    assert fs.read("/../../etc/../etc/motd") == b"hi\n"
    fs.symlink("../../../../etc/motd", "/tmp/up")
    assert fs.read("/tmp/up") == b"hi\n"
    assert fs.resolve("/..") == "/"


def test_errors_carry_errno_names():
    fs = base_fs()
    cases = [
        (lambda: fs.read("/nope"), "ENOENT"),
        (lambda: fs.read("/etc"), "EISDIR"),
        (lambda: fs.listdir("/etc/motd"), "ENOTDIR"),
        (lambda: fs.write("/missing/dir/file", b""), "ENOENT"),
        (lambda: fs.mkdir("/etc"), "EEXIST"),
        (lambda: fs.read("/etc/motd/x"), "ENOTDIR"),
        (lambda: fs.symlink("x", "/etc/motd"), "EEXIST"),
    ]
    for call, errno in cases:
        with pytest.raises(FsError) as error:
            call()
        assert error.value.errno == errno


def test_read_only_file_system_refuses_writes():
    fs = UnionFileSystem(base_fs().lowers, Tree(), read_only=True)
    for call in (lambda: fs.write("/x", b""), lambda: fs.remove("/etc/motd"),
                 lambda: fs.chmod("/etc/motd", 0o600), lambda: fs.mkdir("/y")):  # fmt: skip
        with pytest.raises(FsError) as error:
            call()
        assert error.value.errno == "EROFS"
    assert fs.read("/etc/motd") == b"hi\n"


def test_limits_end_a_hostile_scenario_cleanly():
    fs = UnionFileSystem([], Tree(max_bytes=10 * GIB, max_entries=50))
    fs.truncate("/a", 8 * GIB)  # logical size: no memory used
    with pytest.raises(FsError) as error:
        fs.truncate("/b", 4 * GIB)
    assert error.value.errno == "ENOSPC"
    with pytest.raises(FsError) as error:
        for i in range(100):
            fs.write(f"/f{i}", b"")
    assert error.value.errno == "ENOSPC"


def test_rename_moves_a_lower_directory_by_copy_and_whiteout():
    fs = base_fs()
    fs.rename("/opt/x", "/srv")
    assert fs.listdir("/srv") == ["a", "b"]
    assert not fs.exists("/opt/x")
    assert fs.diff().whiteouts == {"/opt/x"}
    assert fs.upper_size() == 2
    with pytest.raises(FsError):
        fs.rename("/srv", "/srv/inside")


def test_mkdir_parents_and_plain_host_file_system():
    host = UnionFileSystem()
    host.mkdir("/work/src", parents=True)
    host.mkdir("/work/src", parents=True)
    host.write("/work/src/app.py", b"print(1)\n")
    assert [p for p, _ in host.walk("/work")] == ["/work", "/work/src", "/work/src/app.py"]
    assert host.stat("/work/src/app.py").mode == 0o644
    assert host.content("/work/src/app.py").sha256() == Content.of(b"print(1)\n").sha256()


def test_mtime_comes_from_the_given_clock():
    fs = UnionFileSystem([], Tree(), clock=lambda: 1_700_000_000)
    fs.write("/x", b"1")
    assert fs.stat("/x").mtime == 1_700_000_000
