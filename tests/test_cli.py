"""`python -m pipeline check|build` end to end: exit codes, output formats, what lands in dist/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cli, schema

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "broken"
# A small, stable course of its own, so these tests do not change whenever cards/ grows.
COURSE = "tests/cli_course"


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *map(str, args)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal-error" not in result.stdout


def test_check_defaults_to_the_course_in_cards() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout
    assert result.stdout == run("check", "cards").stdout
    assert result.stdout.startswith("checked ")
    assert result.stdout.rstrip().endswith("0 errors, 0 warnings")


def test_check_reports_errors_as_path_line_col_and_exits_1() -> None:
    result = run("check", "tests/broken/lessons/duplicate-answer.md")
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("tests/broken/lessons/duplicate-answer.md:23:1: error: ")
    assert first.endswith(" [duplicate-answer]")


def test_check_json_format() -> None:
    result = run("check", "--format", "json", "tests/broken/lessons/unknown-key.md", COURSE)
    assert result.returncode == 0  # a warning alone does not fail
    document = json.loads(result.stdout)
    assert document["diagnostics"] == [
        {
            "path": "tests/broken/lessons/unknown-key.md",
            "line": 5,
            "col": 1,
            "severity": "warning",
            "message": "unknown front matter key `difficulty`",
            "rule": "unknown-key",
        }
    ]
    summary = document["summary"]
    assert (summary["lessons"], summary["errors"], summary["warnings"]) == (2, 0, 1)
    # The course's Revision question carries a scenario; the other three questions do not.
    assert (summary["questions"], summary["verified"], summary["unverified"]) == (4, 1, 3)


def test_strict_makes_warnings_errors() -> None:
    lesson = "tests/broken/lessons/title-length.md"
    assert run("check", lesson).returncode == 0
    strict = run("check", "--strict", lesson)
    assert strict.returncode == 1
    assert ":7:1: error: " in strict.stdout and "[title-length]" in strict.stdout


def test_no_broken_input_gives_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.md"
    garbage.write_bytes(bytes(range(256)) * 4)
    cases = sorted(p for p in BROKEN.rglob("*") if p.is_file() and p.suffix in (".md", ".txt"))
    assert len(cases) >= 25
    each = run("check", *cases, garbage)
    no_traceback(each)
    assert each.returncode == 1
    whole = run("check", "--format", "json", BROKEN, tmp_path / "does-not-exist")
    no_traceback(whole)
    rules = {d["rule"] for d in json.loads(whole.stdout)["diagnostics"]}
    assert {"read-error", "yaml-syntax", "missing-lesson", "duplicate-id"} <= rules


def test_build_writes_a_valid_cards_json(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = run("build", COURSE, "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"wrote {out / 'cards.json'}" in result.stdout
    data = json.loads((out / "cards.json").read_text(encoding="utf-8"))
    assert schema.errors(data, "export") == []
    assert [card["id"] for card in data["cards"]] == [
        "image-layers.practice.1",
        "image-layers.revision.1",
        "image-layers.quiz.1",
        "image-layers.footnote.1",
        "image-layers.footnote.2",
    ]
    assert data["tree"]["topics"][0]["courses"][0]["workouts"][0]["lessons"] == ["image-layers"]
    assert data["generated_at"] is None


def test_a_failed_build_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    assert run("build", COURSE, "-o", out).returncode == 0
    before = (out / "cards.json").read_bytes()
    failed = run("build", "tests/broken/lessons/missing-answers.md", "-o", out)
    assert failed.returncode == 1
    assert "[missing-answers]" in failed.stdout and "left unchanged" in failed.stderr
    assert (out / "cards.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no staging folder left
    assert sorted(p.name for p in out.iterdir()) == [
        ".gitkeep",
        "cards.json",
        "images.apkg",
        "site",
    ]


def test_rebuilds_are_byte_identical_and_honour_source_date_epoch(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", COURSE, "-o", first, env=env).returncode == 0
    assert run("build", COURSE, "-o", second, env=env).returncode == 0
    assert (first / "cards.json").read_bytes() == (second / "cards.json").read_bytes()
    data = json.loads((first / "cards.json").read_text(encoding="utf-8"))
    assert data["generated_at"] == "2023-11-14T22:13:20Z"
    bad = run("build", COURSE, "-o", tmp_path / "c", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert bad.returncode == 2 and "SOURCE_DATE_EPOCH" in bad.stderr
    no_traceback(bad)


def test_an_unexpected_exception_is_an_internal_error_diagnostic(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "check", explode)
    assert cli.main(["check", COURSE]) == 1
    out = capsys.readouterr().out
    assert "error: internal error" in out and "RuntimeError: boom" in out
    assert out.rstrip().endswith("[internal-error]")


def test_usage_errors_exit_2() -> None:
    result = run("check", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
