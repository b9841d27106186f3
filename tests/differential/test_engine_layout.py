"""The engine's image files (pipeline/oracle/layout.py) read by real OCI tools.

- A `docker save` archive is an OCI image layout too (Docker >= 25, moby tarexport/save.go):
  untarred by Python's tarfile, skopeo reads each image's config and umoci unpacks the same tree
  as the engine's union view, whiteouts and opaque directories applied.
- `oci_layout` with several images and tags: each ref name resolves to its own image.
- A layout that skopeo rewrote (`skopeo copy oci:… oci:…`) loads back into the engine with the
  same image ID: the engine reads layouts it did not write itself.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from differential.conftest import require_executable
from differential.engine_side import normalise_image
from differential.harness import inspect_oci_layout
from pipeline.oracle.engine import Engine
from pipeline.oracle.image import HistoryEntry, Image
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.layout import ImageArchive, load, oci_layout, save

HINT = "apt-get install skopeo umoci"


def _tools() -> None:
    for tool in ("skopeo", "umoci"):
        require_executable(tool, HINT)


def _derived(base: Image) -> Image:
    """busybox plus a layer that deletes, replaces a directory (opaque) and adds files."""
    changes = ChangeSet().delete("/bin/wget").delete("/etc/group")
    changes.add("/home", Entry.dir(0o750)).make_opaque("/home")
    changes.add("/home/app", Entry.file(b"app\n", 0o600, uid=1000, gid=1000))
    changes.add("/srv", Entry.dir()).add("/srv/big", Entry.file(b"x" * 70000))
    entry = HistoryEntry(created="2025-01-01T00:00:00Z", created_by="RUN change # buildkit")
    return Image(base.config.with_history(entry), [*base.layers, Layer(changes)])


def _engine() -> tuple[Engine, Image, Image]:
    engine = Engine.with_catalogue()
    base = engine.images.get("busybox")
    derived = _derived(base)
    engine.images.add(derived, tags=["demo:2.0"])
    return engine, base, derived


def test_a_docker_save_archive_reads_back_through_skopeo_and_umoci(tmp_path: Path) -> None:
    _tools()
    engine, base, derived = _engine()
    data = save(engine.images, ["busybox:1.37", "demo:2.0"]).tar_bytes()
    layout = tmp_path / "saved"
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(layout, filter="tar")
    # ref.name is the tag alone (save.go: ocispec.AnnotationRefName = ref.Tag()).
    assert inspect_oci_layout(layout, "1.37") == normalise_image(base)
    read = inspect_oci_layout(layout, "2.0")
    assert read == normalise_image(derived)
    assert "/bin/wget" not in read.tree and "/etc/group" not in read.tree
    assert sorted(p for p in read.tree if p.startswith("/home")) == ["/home", "/home/app"]


def test_an_oci_layout_with_several_images_resolves_each_ref_name(tmp_path: Path) -> None:
    _tools()
    _, base, derived = _engine()
    oci_layout([(base, ["base", "also-base"]), (derived, ["derived"])]).write_dir(tmp_path / "l")
    for name, image in (("base", base), ("also-base", base), ("derived", derived)):
        assert inspect_oci_layout(tmp_path / "l", name) == normalise_image(image)


def test_a_layout_rewritten_by_skopeo_loads_back_with_the_same_id(tmp_path: Path) -> None:
    _tools()
    _, _, derived = _engine()
    oci_layout([(derived, ["t"])]).write_dir(tmp_path / "engine")
    subprocess.run(
        ["skopeo", "copy", "--quiet", f"oci:{tmp_path / 'engine'}:t", f"oci:{tmp_path / 'copy'}:t"],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "copy" / "index.json").read_bytes() != (
        tmp_path / "engine" / "index.json"
    ).read_bytes()
    fresh = Engine()
    report = load(fresh.images, ImageArchive.from_dir(tmp_path / "copy"))
    assert [image.id for image in report.images] == [derived.id]
    # No io.containerd.image.name annotation: loaded untagged, the ID is what gets printed.
    assert report.lines == (f"Loaded image ID: {derived.id}",)
    assert normalise_image(fresh.images.get(derived.id)) == normalise_image(derived)
