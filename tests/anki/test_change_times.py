"""Change times from one pass over the repository are what `git blame` says, file by file.

`ChangeTimes.prepare` reads a repository's history once and blames only the files that pass
cannot settle; these tests build a history with every case it must tell apart (added once,
edited, renamed, added beside a deletion, merged, changed in a merge, uncommitted, staged,
untracked, outside git) and compare each file's line times with `git blame` run on that file.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from pipeline.anki import changes
from pipeline.anki.changes import ChangeTimes

T = [1_700_000_000 + 1000 * n for n in range(10)]
TEXT = "# Title\n\n---\n\n## Content\n\nA line {}.\r\n\x0cfeed\n\n***\nlast line without newline"


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.fixture
def history(tmp_path: Path, helpers: Any) -> tuple[Path, dict[str, Path]]:
    helpers.require_executable("git", "apt-get install git")
    root = tmp_path / "repo"
    root.mkdir()
    repo = helpers.Repo(root).init()
    files = {
        name: write(root, f"lessons/{name}.md", TEXT.format(name))
        for name in ("once", "edited", "old", "gone", "evil", "merged", "dirty")
    }
    repo.commit("first", T[0])
    write(root, "lessons/edited.md", TEXT.format("edited") + "\nmore\n")
    repo.git("mv", "lessons/old.md", "lessons/moved.md")
    files["moved"] = files.pop("old").with_name("moved.md")
    repo.commit("edit and move", T[1])
    files.pop("gone").unlink()  # deleted beside a new file much like it
    files["beside"] = write(root, "lessons/beside.md", TEXT.format("gone") + "\nnew\n")
    files["twin"] = write(root, "lessons/twin.md", TEXT.format("gone") + "\nnew too\n")
    repo.commit("replace", T[2])
    files["later"] = write(root, "lessons/later.md", "Added later.\n")
    repo.commit("add", T[2] + 1)
    repo.git("checkout", "-q", "-b", "side")
    files["side"] = write(root, "lessons/side.md", "From a branch.\n")
    write(root, "lessons/evil.md", TEXT.format("evil") + "\nside\n")
    repo.commit("side work", T[3])
    repo.git("checkout", "-q", "-")
    write(root, "lessons/evil.md", "main\n" + TEXT.format("evil"))
    repo.commit("main work", T[4])
    repo.git("merge", "-q", "--no-commit", "side", when=T[5])
    write(root, "lessons/evil.md", "resolved in the merge\n" + TEXT.format("evil") + "\nside\n")
    write(root, "lessons/merged.md", TEXT.format("merged") + "\nonly the merge changed it\n")
    repo.commit("merge", T[5])
    write(root, "lessons/dirty.md", TEXT.format("dirty") + "\nnot committed\n")
    files["staged"] = write(root, "lessons/staged.md", "Staged only.\n")
    repo.git("add", "lessons/staged.md")
    files["untracked"] = write(root, "lessons/untracked.md", "Never added.\n")
    files["ignored"] = write(root, "build/ignored.md", "Ignored.\n")
    write(root, ".gitignore", "build/\n")
    files["outside"] = write(tmp_path / "elsewhere", "loose.md", "Outside git.\n")
    return root, files


def test_one_pass_gives_what_git_blame_gives(history: tuple[Path, dict[str, Path]]) -> None:
    _, files = history
    times = ChangeTimes(epoch=T[9])
    times.prepare(files.values())
    for name, path in files.items():
        assert times._blame(path) == changes._blame(path), name
        lines = len(path.read_bytes().split(b"\n"))
        for line in range(1, lines + 1):
            assert times.of_lines(path, [(line, line)]) == _of_line(path, line), (name, line)


def _of_line(path: Path, line: int) -> int:
    """A line's time by the definition: its blame, or the epoch when not committed."""
    blamed = changes._blame(path)
    if blamed is None:
        return T[9]
    found = [t for t in blamed[line - 1 : line] if t != -1]
    return T[9] if not found or found[0] is None else found[0]


def test_files_added_once_are_not_blamed_one_by_one(
    history: tuple[Path, dict[str, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, files = history
    commands: list[list[str]] = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: Any) -> Any:
        commands.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(changes.subprocess, "run", counting)
    ChangeTimes().prepare(files.values())
    blamed = {Path(args[-1]).stem for args in commands if "blame" in args}
    # added once, merged from a branch, never tracked, outside git: no blame
    assert blamed.isdisjoint({"once", "later", "side", "untracked", "ignored", "loose"})
    assert {"edited", "moved", "evil", "dirty", "staged"} <= blamed
    assert len(commands) - len(blamed) <= 5  # rev-parse, ls-files, status, config, log


def test_blame_ignore_revs_configured_means_blame_for_every_file(
    history: tuple[Path, dict[str, Path]], helpers: Any
) -> None:
    root, files = history
    helpers.Repo(root).git("config", "blame.ignoreRevsFile", ".no-such-file")
    times = ChangeTimes()
    times.prepare([files["once"]])
    assert times._blame(files["once"]) == changes._blame(files["once"])
