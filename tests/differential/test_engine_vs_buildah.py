"""The oracle engine's builder against buildah on every generated Dockerfile.

Compared: layer counts, history (instruction, empty_layer, the created_by text where both write
the same thing), the config, the unpacked file tree, which RUN/COPY/WORKDIR steps stay cached on a
rebuild after one source file changed, and the engine's OCI export read back by skopeo and umoci.

Where buildah differs from BuildKit the difference is mapped here, explicitly (README.md has the
evidence, test_buildah_harness.py pins buildah's side):
- WORKDIR: BuildKit makes a layer (empty_layer false); buildah marks it empty_layer.
- WorkingDir: BuildKit's scratch config is "/", buildah leaves it unset ("").
- Env: both start from the default PATH; the harness strips buildah's, so the engine's is too.
- Cache: buildah reports metadata steps too; BuildKit has vertices only for RUN/COPY/ADD/WORKDIR.
- created_by: BuildKit text vs the classic text buildah writes (see CREATED_BY below).
- Layer digests: buildah's first RUN layer carries its mount points, vfs writes explicit
  whiteouts where the engine writes opaque directories, mtimes differ: DiffIDs and image IDs are
  not compared, except that an empty no-op layer is empty on both sides.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from differential.conftest import require_oci_tools
from differential.engine_side import EngineBuild, engine_rebuild, normalise_image, write_oci_layout
from differential.generator import Case, generate_cases
from differential.harness import (
    DEFAULT_PATH_ENV,
    EMPTY_LAYER_DIFF_ID,
    BuildahImage,
    HistoryEntry,
    OciImage,
    inspect_oci_layout,
    instruction_of,
    redact,
)
from differential.recording import BUSYBOX_LABEL, CaseResult, load_recordings
from pipeline.oracle.image import HistoryEntry as EngineHistory
from pipeline.oracle.image import Image, ImageConfig
from pipeline.oracle.layer import ChangeSet, Entry, Layer

CASES = {case.name: case for case in generate_cases()}
NAMES = sorted(CASES)
_engine_builds: dict[str, tuple[EngineBuild, EngineBuild]] = {}


def engine_builds(name: str) -> tuple[EngineBuild, EngineBuild]:
    if name not in _engine_builds:
        _engine_builds[name] = engine_rebuild(CASES[name])
    return _engine_builds[name]


# --- created_by: BuildKit's text against buildah's classic text ----------------------------------


def _nop_text(buildah: str) -> str:
    return buildah.split("#(nop) ", 1)[1]


def _run_text(engine: str, buildah: str) -> tuple[object, object]:
    """`RUN [|N K=V…] /bin/sh -c CMD # buildkit` vs `[|N K=V…] /bin/sh -c CMD`; the ARG
    prefix is in declaration order in BuildKit, sorted by name in buildah: compare as sets."""
    engine = engine.removeprefix("RUN ").removesuffix(" # buildkit")

    def split(text: str) -> tuple[frozenset[str], str]:
        if not text.startswith("|"):
            return frozenset(), text
        count, rest = text[1:].split(" ", 1)
        words = rest.split(" ", int(count))
        return frozenset(words[: int(count)]), words[int(count)]

    return split(engine), split(buildah)


def _copy_dest(engine: str, buildah: str) -> tuple[object, object]:
    """`COPY [--chown=…] SRC… DEST # buildkit` vs `… COPY file:<hash> in DEST `."""
    return engine.removesuffix(" # buildkit").split()[-1], buildah.rsplit(" in ", 1)[1].strip()


def _same_text(engine: str, buildah: str) -> tuple[object, object]:
    return engine, _nop_text(buildah)


def _label_words(engine: str, buildah: str) -> tuple[object, object]:
    """BuildKit writes `LABEL k=v` unquoted; buildah keeps the quotes as written."""
    return engine.split(), shlex.split(_nop_text(buildah))


def _keyword_only(engine: str, buildah: str) -> tuple[object, object]:
    """Formats differ by design: EXPOSE `map[80/tcp:{}]` vs `80`, CMD/ENTRYPOINT `["a" "b"]` vs
    `["a", "b"]`, VOLUME `[/v]` vs `/v`, ARG `K=v` vs the sorted names of all ARGs."""
    return engine.split()[0], _nop_text(buildah).split()[0]


CREATED_BY: dict[str, Callable[[str, str], tuple[object, object]]] = {
    "RUN": _run_text,
    "COPY": _copy_dest,
    "ENV": _same_text,
    "USER": _same_text,
    "WORKDIR": _same_text,
    "LABEL": _label_words,
    "EXPOSE": _keyword_only,
    "CMD": _keyword_only,
    "ENTRYPOINT": _keyword_only,
    "VOLUME": _keyword_only,
    "ARG": _keyword_only,
}


# --- the comparison ------------------------------------------------------------------------------


def busybox_digest(image: OciImage) -> str:
    content = image.tree["/bin/busybox"].content
    assert content is not None
    return content


def compare_history(engine: OciImage, buildah: OciImage) -> None:
    assert len(engine.history) == len(buildah.history)
    for index, (mine, theirs) in enumerate(zip(engine.history, buildah.history, strict=True)):
        keyword = mine.created_by.split()[0]
        assert keyword == instruction_of(theirs.created_by), (index, mine, theirs)
        workdir = keyword == "WORKDIR"
        assert mine.empty_layer == (theirs.empty_layer and not workdir), (index, mine, theirs)
        ours, buildahs = CREATED_BY[keyword](mine.created_by, theirs.created_by)
        assert ours == buildahs, (index, mine.created_by, theirs.created_by)


def compare_layers(case: Case, engine: OciImage, buildah: OciImage) -> None:
    workdirs = sum(line.startswith("WORKDIR ") for line in case.instructions)
    assert engine.layer_count == buildah.layer_count + workdirs
    engine_layers = [
        (h.created_by.split()[0], diff)
        for h, diff in zip(_with_layer(engine), engine.diff_ids, strict=True)
    ]
    ours = [diff == EMPTY_LAYER_DIFF_ID for kind, diff in engine_layers if kind != "WORKDIR"]
    theirs = [diff == EMPTY_LAYER_DIFF_ID for diff in buildah.diff_ids]
    first_run = next((i for i, h in enumerate(_with_layer(buildah)) if _is_run(h)), None)
    if first_run is not None:  # buildah's first RUN layer holds its mount points
        theirs[first_run] = ours[first_run]
    assert ours == theirs


def _with_layer(image: OciImage) -> list[HistoryEntry]:
    return [h for h in image.history if not h.empty_layer]


def _is_run(entry: HistoryEntry) -> bool:
    return instruction_of(entry.created_by) == "RUN"


def compare_config(case: Case, engine: OciImage, buildah: OciImage) -> None:
    config = dict(engine.config)
    config["Env"] = [e for e in config["Env"] if e != DEFAULT_PATH_ENV]
    if not any(line.startswith("WORKDIR ") for line in case.instructions):
        assert config["WorkingDir"] == "/"
        config["WorkingDir"] = ""
    assert config == buildah.config


def compare_trees(engine: OciImage, buildah: OciImage) -> None:
    tree = redact(engine.tree, {busybox_digest(engine): BUSYBOX_LABEL})
    if buildah.tree["/bin/busybox"].content != BUSYBOX_LABEL:  # live, not recorded
        tree = engine.tree
    assert tree.keys() == buildah.tree.keys(), sorted(tree.keys() ^ buildah.tree.keys())
    assert {p: e for p, e in tree.items() if buildah.tree[p] != e} == {}


def compare_cache(case: Case, engine: EngineBuild, buildah: BuildahImage) -> None:
    vertices = {
        n
        for n, line in enumerate(case.instructions, 1)
        if line.split()[0] in ("RUN", "COPY", "ADD", "WORKDIR")
    }
    assert engine.cached_steps == tuple(s for s in buildah.cached_steps if s in vertices)


def compare(case: Case, first: BuildahImage, rebuilt: BuildahImage) -> None:
    engine_first, engine_rebuilt = engine_builds(case.name)
    engine = engine_first.normalised
    compare_layers(case, engine, first)
    compare_history(engine, first)
    compare_config(case, engine, first)
    compare_trees(engine, first)
    compare_trees(engine_rebuilt.normalised, rebuilt)
    compare_cache(case, engine_rebuilt, rebuilt)


# --- tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_engine_matches_the_recorded_buildah_build(name: str) -> None:
    """Against data/ (no tools needed; test_buildah_harness.py keeps data/ honest)."""
    record = load_recordings()[name]
    assert record["dockerfile"] == CASES[name].dockerfile, "stale data/: run recording.py"
    first = BuildahImage.from_json({**record["first"], "image_id": "", "cached_steps": []})
    rebuilt = BuildahImage.from_json({**record["rebuilt"], "image_id": ""})
    compare(CASES[name], first, rebuilt)


def test_engine_matches_live_buildah_on_every_generated_case(
    buildah_results: dict[str, CaseResult],
) -> None:
    failures = {}
    for name, result in sorted(buildah_results.items()):
        try:
            compare(result.case, result.first, result.rebuilt)
        except AssertionError as error:
            failures[name] = str(error)[:2000]
    assert failures == {}


@pytest.mark.parametrize("name", NAMES)
def test_engine_oci_export_reads_back_through_skopeo_and_umoci(name: str, tmp_path: Path) -> None:
    """The engine's config, manifest and layer blobs as an OCI layout: skopeo reads the same
    config and umoci unpacks the same tree as the engine's union view (whiteouts and opaque
    directories from RUN rm included)."""
    require_oci_tools()
    image = engine_builds(name)[0].image
    write_oci_layout(image, tmp_path / "oci")
    assert inspect_oci_layout(tmp_path / "oci", "t") == normalise_image(image)


def test_umoci_applies_the_engines_whiteouts_and_opaque_directories(tmp_path: Path) -> None:
    """image-spec layer.md's whiteout example, plus an opaque directory, written by the engine."""
    require_oci_tools()
    base = ChangeSet()
    for directory in ("/a", "/b", "/c", "/o", "/o/sub"):
        base.add(directory, Entry.dir())
    for path in ("/file1", "/a/file2", "/c/file3", "/o/old", "/o/sub/deep"):
        base.add(path, Entry.file(path.encode()))
    top = ChangeSet().delete("/file1").delete("/a/file2").delete("/b")
    top.add("/file4", Entry.file(b"4")).add("/o", Entry.dir(0o750)).make_opaque("/o")
    top.add("/o/new", Entry.file(b"new", 0o600, uid=7, gid=8))
    history = [
        EngineHistory(created_by="base"),
        EngineHistory(created_by="top"),
    ]
    image = Image(ImageConfig(history=history), [Layer(base), Layer(top)])
    write_oci_layout(image, tmp_path / "oci")
    read = inspect_oci_layout(tmp_path / "oci", "t")
    assert sorted(read.tree) == ["/a", "/c", "/c/file3", "/file4", "/o", "/o/new"]
    assert read.tree == normalise_image(image).tree
    new = read.tree["/o/new"]
    assert (new.mode, new.uid, new.gid, new.content) == (
        0o600,
        7,
        8,
        hashlib.sha256(b"new").hexdigest(),
    )
    assert read.tree["/o"].mode == 0o750


def test_the_comparison_catches_each_kind_of_difference() -> None:
    """compare() is not vacuous: one changed fact on buildah's side makes it fail."""
    name = next(n for n in NAMES if "COPY d " in CASES[n].dockerfile)
    record = load_recordings()[name]
    first = BuildahImage.from_json({**record["first"], "image_id": "", "cached_steps": []})
    rebuilt = BuildahImage.from_json({**record["rebuilt"], "image_id": ""})
    compare(CASES[name], first, rebuilt)
    path = next(p for p, e in first.tree.items() if e.kind == "file" and p != "/bin/busybox")
    history = list(first.history)
    history[-1] = history[-1]._replace(empty_layer=not history[-1].empty_layer)
    changes = {
        "tree": {**first.tree, path: first.tree[path]._replace(mode=0o600)},
        "history": tuple(history),
        "config": {**first.config, "User": "4242"},
        "diff_ids": first.diff_ids[:-1],
    }
    for field, value in changes.items():
        with pytest.raises(AssertionError):
            compare(CASES[name], BuildahImage(**{**vars(first), field: value}), rebuilt)
    fewer = BuildahImage(**{**vars(rebuilt), "cached_steps": rebuilt.cached_steps[:-1]})
    with pytest.raises(AssertionError):
        compare(CASES[name], first, fewer)
