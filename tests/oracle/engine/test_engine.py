"""Containers, volumes, commit, system df and determinism through the Engine facade
(docker-image-semantics.md §4.5, §4.8, §6.3-§6.4)."""

from __future__ import annotations

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.digest import short_id
from pipeline.oracle.engine import Clock, ContainerError, Engine
from pipeline.oracle.fsapi import FsError
from pipeline.oracle.image import HistoryEntry, Image, ImageConfig
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.process import Completed, ExecNotFound

GIB = 1 << 30


def write(path: str, data: bytes, append: bool = False):
    return lambda fs, process: fs.write(path, data, append)


def engine_with(runner=None) -> Engine:
    return Engine.with_catalogue(runner)


def test_a_fresh_container_has_no_changes_and_the_image_as_virtual_size(script_runner):
    engine = engine_with(script_runner())
    container = engine.create_container("alpine")
    assert container.size_rw == 0 and container.changes() == []
    assert container.size_root_fs == engine.images.get("alpine").size
    assert container.fs.exists("/.dockerenv")  # the init layer is visible...
    assert container.rootfs.diff().is_empty()  # ...but never part of the diff


def test_run_writes_into_the_writable_layer_only(script_runner):
    # docs storage/drivers: `printf hello > /out.txt` -> 5B (virtual 7.83MB)
    runner = script_runner(write("/out.txt", b"hello"), stdout=b"done\n")
    engine = engine_with(runner)
    container, completed = engine.run("alpine", name="c1", cmd=["sh", "-c", "printf hello"])
    assert completed.stdout == b"done\n"
    assert container.state == "exited" and container.exit_code == 0
    assert container.size_rw == 5
    assert container.size_root_fs == engine.images.get("alpine").size + 5
    assert container.changes() == [("A", "/out.txt")]
    assert not engine.images.get("alpine").rootfs().exists("/out.txt")
    process = runner.seen[0]
    assert process.argv == ["sh", "-c", "printf hello"]
    assert process.env["PATH"].startswith("/usr/local/sbin") and process.env["HOME"] == "/root"


def test_appending_to_a_gigabyte_image_file_copies_it_up(script_runner):
    # §6.3: copy-up of the whole file; the brief: 1 GiB + 1 byte in the writable layer
    engine = Engine(script_runner(write("/big", b"!", append=True)))
    layer = Layer(ChangeSet().add("/big", Entry.file(Content.zeros(GIB))))
    config = ImageConfig(config={"Cmd": ["/big"]}, history=(HistoryEntry(created_by="RUN"),))
    big = engine.images.add(Image(config, [layer]), tags=["big"])
    container = engine.create_container("big")
    engine.runner.run(container.fs, container.process())
    assert container.size_rw == GIB + 1
    assert container.size_root_fs == big.size + GIB + 1
    assert container.changes() == [("C", "/big")]


def test_exec_format_errors_when_the_program_is_missing():
    engine = Engine()
    scratch = engine.images.add(Image(ImageConfig.scratch(), []), tags=["empty"])
    container = engine.create_container(scratch.id, cmd=["/bin/sh", "-c", "true"])
    with pytest.raises(ExecNotFound) as error:
        engine.start(container)
    assert str(error.value) == 'exec: "/bin/sh": stat /bin/sh: no such file or directory'
    assert container.state == "created" and container.exit_code == 127
    other = engine.create_container(scratch.id, cmd=["python"])
    with pytest.raises(ExecNotFound, match=r'exec: "python": executable file not found in \$PATH'):
        engine.start(other)


def test_commit_makes_a_new_image_and_leaves_the_original_unchanged(script_runner):
    # §4.8: created_by = the container's Cmd joined with spaces, parent = the container's image
    engine = engine_with(script_runner(write("/etc/motd", b"changed\n")))
    alpine = engine.images.get("alpine")
    before = alpine.id
    container, _ = engine.run("alpine", cmd=["touch", "/x"])
    image = engine.commit(container, "demo:v1", message="edit motd", author="me")
    assert image.id != before and engine.images.get("alpine").id == before
    assert len(image.layers) == len(alpine.layers) + 1
    assert image.layers[-1].size == len(b"changed\n")
    last = image.config.history[-1]
    assert (last.created_by, last.comment, last.author) == ("touch /x", "edit motd", "me")
    assert last.empty_layer is False
    assert engine.images.parent(image.id) == before
    assert engine.images.repo_tags(image.id) == ["demo:v1"]
    rows = engine.images.history("demo:v1")
    assert [r.id for r in rows[:2]] == [image.id, before]
    assert image.rootfs().read("/etc/motd") == b"changed\n"


def test_commit_of_an_unchanged_container_adds_an_empty_layer_entry(script_runner):
    engine = engine_with(script_runner())
    container, _ = engine.run("alpine", cmd=["true"])
    image = engine.commit(container, changes={"Cmd": ["echo", "hi"]})
    assert image.config.history[-1].empty_layer is True
    assert image.layers == engine.images.get("alpine").layers
    assert image.config.config["Cmd"] == ["echo", "hi"]
    assert image.id != engine.images.get("alpine").id
    assert engine.images.is_dangling(image.id)


def test_deleting_a_file_later_never_shrinks_the_image(script_runner):
    # §6.4: the whiteout layer adds 0 bytes; the bytes stay in the lower layer
    engine = engine_with(script_runner(lambda fs, p: fs.remove("/bin/busybox")))
    container, _ = engine.run("busybox", cmd=["rm", "/bin/busybox"])
    image = engine.commit(container)
    busybox = engine.images.get("busybox")
    assert image.size == busybox.size
    assert image.layers[-1].whiteouts == {"/bin/busybox"} and image.layers[-1].size == 0
    assert not image.rootfs().exists("/bin/busybox")


def test_named_volumes_outlive_containers_and_stay_out_of_the_diff(script_runner):
    runner = script_runner(write("/data/file", b"12345"), write("/outside", b"1"))
    engine = engine_with(runner)
    container, _ = engine.run("alpine", name="c1", cmd=["sh"], volumes=[("vol", "/data", False)])
    assert container.size_rw == 1
    assert ("A", "/data/file") not in container.changes()
    engine.remove_container(container)
    volume = engine.volumes.get("vol")
    assert volume.fs.read("/file") == b"12345" and volume.size == 5
    engine.runner = script_runner()
    reader, _ = engine.run("alpine", cmd=["sh"], volumes=[("vol", "/data", True)])
    assert reader.fs.read("/data/file") == b"12345"
    with pytest.raises(FsError) as error:
        reader.fs.write("/data/file", b"x")
    assert error.value.errno == "EROFS"
    with pytest.raises(Exception, match="volume is in use"):
        engine.remove_volume("vol")


def test_a_new_volume_is_filled_from_the_image_and_anonymous_volumes_are_made():
    engine = Engine()
    files = ChangeSet().add("/data", Entry.dir()).add("/data/seed", Entry.file(b"seed"))
    config = ImageConfig(config={"Cmd": ["x"], "Volumes": {"/data": {}}},
                         history=(HistoryEntry(created_by="COPY"),))  # fmt: skip
    engine.images.add(Image(config, [Layer(files)]), tags=["vol"])
    container = engine.create_container("vol")
    (mount,) = container.mounts
    assert engine.volumes.get(mount.volume).anonymous
    assert container.fs.read("/data/seed") == b"seed"
    engine.remove_container(container, volumes=True)
    assert engine.volumes.volumes == {}


def test_read_only_containers_refuse_writes(script_runner):
    engine = engine_with(script_runner(write("/x", b"1")))
    container = engine.create_container("alpine", read_only=True, cmd=["sh"])
    with pytest.raises(FsError) as error:
        engine.start(container)
    assert error.value.errno == "EROFS"


def test_container_names_ids_and_lookup():
    engine = engine_with()
    first = engine.create_container("alpine", name="web")
    second = engine.create_container("alpine")
    assert len(first.id) == 64 and first.id != second.id
    assert engine.container("web") is first and engine.container(first.id[:6]) is first
    assert engine.container("/web") is first
    assert "_" in second.name
    with pytest.raises(ContainerError, match='The container name "/web" is already in use'):
        engine.create_container("alpine", name="web")
    with pytest.raises(ContainerError, match="No such container: nope"):
        engine.container("nope")
    assert first.process().env["HOSTNAME"] == short_id(first.id)


def test_exec_needs_a_running_container(script_runner):
    engine = engine_with(script_runner())
    container, _ = engine.run("alpine", cmd=["true"])
    with pytest.raises(ContainerError, match="is not running"):
        engine.exec(container, ["ls"])


def test_system_df_counts_shared_layers_once(script_runner):
    engine = engine_with(script_runner())
    df = engine.system_df()
    by_tag = {u.repo_tags[0].split(":")[0]: u for u in df.images if u.repo_tags}
    python, node = by_tag["python"], by_tag["node"]
    assert python.shared_size == node.shared_size  # buildpack-deps and debian layers
    assert by_tag["debian"].shared_size == by_tag["debian"].size
    assert df.layers_size < sum(u.size for u in df.images)
    assert by_tag["alpine"].shared_size == 0
    engine.run("alpine", cmd=["true"])
    assert {u.containers for u in engine.system_df().images if "alpine:latest" in u.repo_tags} == {
        1
    }


def test_same_operations_give_the_same_ids(script_runner):
    def scenario() -> tuple[str, str]:
        engine = engine_with(script_runner(write("/x", b"x")))
        container, _ = engine.run("alpine", cmd=["sh"])
        return container.id, engine.commit(container, "demo").id

    assert scenario() == scenario()


def test_clock_is_deterministic():
    clock = Clock()
    assert clock.now() == "2025-01-01T00:00:00Z"
    assert clock.tick() == "2025-01-01T00:00:01Z"
    assert clock.epoch() == 1735689601


def test_a_detached_program_the_runner_reports_as_running_keeps_the_container_up():
    class Daemon:
        """A runner whose program keeps running (a server, `sleep infinity`)."""

        def run(self, fs, process):
            completed = Completed(0)
            completed.running = True  # type: ignore[attr-defined]
            return completed

    engine = Engine.with_catalogue(Daemon())
    container, _ = engine.run("alpine", detach=True, name="bg", cmd=["sleep", "1000"])
    assert container.running and container.state == "running"
    engine.runner = ScriptLike()
    assert engine.exec(container, ["ls"]).exit_code == 0
    with pytest.raises(ContainerError, match="container is running"):
        engine.remove_container(container)
    engine.stop(container)
    assert (container.state, container.exit_code) == ("exited", 137)
    engine.remove_container(container)
    assert engine.containers == {}


class ScriptLike:
    def run(self, fs, process):
        return Completed(0)
