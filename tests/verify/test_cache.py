"""The scenario cache: an unchanged scenario is not run again; a bad entry is never believed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import build as build_module
from pipeline import pack, scenario_cache, verify
from pipeline.pack import Pack
from pipeline.scenario_cache import (
    SCENARIOS_PACK,
    FailedCommand,
    Outcome,
    ScenarioCache,
    cache_key,
)

SCENARIO = "$ printf 'a\\nb\\n' > f.txt\n$ wc -l < f.txt\n"


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every scenario the verifier really runs (the cache's hits never get here)."""
    seen: list[str] = []
    real = verify.run

    def counting(text: str) -> Outcome:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(verify, "run", counting)
    return seen


def course(kit, write_lesson, answers: list[str] | None = None) -> Path:
    question = kit.question("Practice", "It counts ??? lines.", answers or ["2", "3"], SCENARIO)
    return write_lesson(kit.lesson(question)).parent


def test_a_second_build_does_not_run_an_unchanged_scenario(kit, write_lesson, runs, tmp_path):
    source = course(kit, write_lesson)
    first = build_module.build(source, tmp_path / "dist")
    assert first.ok, first.diagnostics
    assert runs == [SCENARIO]
    second = build_module.build(source, tmp_path / "dist")
    assert second.ok and runs == [SCENARIO]  # served by the cache
    assert second.checked.cards[0].verification.status == "verified"
    assert second.checked.cards[0].verification.output == "2"
    entries = stored(source.parent / ".cache" / "oracle")
    assert len(entries) == 1  # in the project root (the folder with pyproject.toml)
    assert not list((tmp_path / "dist").rglob(".cache"))


def test_a_changed_scenario_runs_again(kit, write_lesson, runs, tmp_path):
    source = course(kit, write_lesson)
    assert build_module.build(source, tmp_path / "dist").ok
    lesson = next(source.glob("*.md"))
    lesson.write_text(lesson.read_text().replace("wc -l < f.txt", "wc -l f.txt | cut -c1"))
    assert build_module.build(source, tmp_path / "dist").ok
    assert len(runs) == 2


def test_a_cached_failure_is_reported_at_the_scenario_s_new_place(kit, write_lesson, runs):
    scenario = "$ echo one\n$ ls /missing"
    text = kit.lesson(kit.question("Practice", "It prints ???.", ["one", "two"], scenario))
    path = write_lesson(text)
    cache = ScenarioCache(path.parent.parent / ".cache" / "oracle")
    [before] = verify_lesson(path, cache)
    path.write_text(text.replace("## Content\n", "## Content\n\nMore.\n\nText.\n"))
    [after] = verify_lesson(path, cache)
    assert len(runs) == 1  # the moved scenario is the same text: served by the cache
    assert before.line + 4 == after.line == kit.line_of(path.read_text(), "$ ls /missing")
    assert after.rule == "oracle-scenario"


def verify_lesson(path: Path, cache: ScenarioCache):
    from pipeline.check import check

    return verify.Verifier(cache).verify_all(check(path).cards)


def stored(folder: Path) -> list[str]:
    """The keys in the scenario pack under `folder`."""
    return Pack(folder / SCENARIOS_PACK).stored_keys()


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path, runs) -> None:
    folder = tmp_path / "cache"
    first = ScenarioCache(folder)
    good = verify.Verifier(first).outcome(SCENARIO)
    first.save()
    key = cache_key(SCENARIO)
    for garbage in (
        b"{not json",
        b"\xff\xfe",
        json.dumps({"key": key, "outcome": {"answer": 3, "failure": None}}).encode(),
        json.dumps({"key": "another", "outcome": {"answer": "9", "failure": None}}).encode(),
        json.dumps({"key": key, "outcome": {"answer": "9"}}).encode(),
        b"",
    ):
        (folder / SCENARIOS_PACK).write_bytes(pack.records([(key, garbage)]))
        cache = ScenarioCache(folder)
        assert verify.Verifier(cache).verify_all([]) == []  # saves nothing new
        assert verify.Verifier(cache).outcome(SCENARIO) == good
        cache.save()
        entry = ScenarioCache(folder).get(key)
        assert entry is not None and json.loads(entry)["outcome"]["answer"] == "2"  # stored again
    assert len(runs) == 7


def test_a_damaged_pack_only_costs_time(tmp_path, runs) -> None:
    folder = tmp_path / "cache"
    cache = ScenarioCache(folder)
    verify.Verifier(cache).outcome(SCENARIO)
    cache.save()
    data = bytearray((folder / SCENARIOS_PACK).read_bytes())
    data[-3] ^= 1  # inside the outcome: its checksum fails
    (folder / SCENARIOS_PACK).write_bytes(bytes(data))
    assert verify.Verifier(ScenarioCache(folder)).outcome(SCENARIO).answer == "2"
    assert len(runs) == 2


def test_an_unreadable_cache_only_costs_time(tmp_path, runs) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for _ in range(2):
        cache = ScenarioCache(blocker / "cache")  # can be neither read nor written
        assert verify.Verifier(cache).outcome(SCENARIO).answer == "2"
        cache.save()
        assert cache.write_errors == 1
    assert len(runs) == 2


def test_an_outcome_reads_back_as_it_was_stored(tmp_path) -> None:
    cache = ScenarioCache(tmp_path / "cache")
    outcome = Outcome("x", FailedCommand(2, "ls /missing", "exit status 2", "ls: nope\n"))
    cache.store("$ anything", outcome)
    cache.save()
    files = [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files == [SCENARIOS_PACK]  # one pack, no temporary file left
    assert ScenarioCache(tmp_path / "cache").load("$ anything") == outcome


def test_the_key_covers_the_text_and_both_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache_key(SCENARIO)
    assert key == cache_key(SCENARIO) and len(key) == 64
    assert cache_key(SCENARIO + " ") != key
    monkeypatch.setattr(scenario_cache, "ORACLE_VERSION", "9.9.9")
    assert cache_key(SCENARIO) != key
    monkeypatch.undo()
    monkeypatch.setattr(scenario_cache, "PIPELINE_VERSION", "9.9.9")
    assert cache_key(SCENARIO) != key


def test_the_cache_lives_in_the_project_root_never_in_the_output(kit, write_lesson, tmp_path):
    source = course(kit, write_lesson)
    assert scenario_cache.default_cache_dir(source) == source.parent / ".cache" / "oracle"
    out = tmp_path / "dist"
    inside = kit.pipeline("build", source, "-o", out, "--cache-dir", out / "cache")
    assert inside.returncode == 2 and "cannot be inside the output" in inside.stderr
    elsewhere = kit.pipeline("build", source, "-o", out, "--cache-dir", tmp_path / "mine")
    assert elsewhere.returncode == 0, elsewhere.stdout
    assert len(stored(tmp_path / "mine")) == 1
