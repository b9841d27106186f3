"""cards.json records each question's verification: status, scenario and the oracle's output."""

from __future__ import annotations

import json

from pipeline import schema


def test_cards_json_records_status_scenario_and_output(kit, write_lesson, tmp_path) -> None:
    scenario = "$ printf 'a\\nb\\n' > f.txt\n$ wc -l < f.txt"
    text = kit.lesson(
        kit.question("Practice", "It counts ??? lines.", ["`2`", "3"], scenario),
        kit.question("Revision", "Images are made of ???.", ["layers", "pages"]),
    )
    path = write_lesson(text)
    out = tmp_path / "dist"
    result = kit.pipeline("build", path.parent, "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(1 verified, 1 unverified, 0 failing)" in result.stdout
    data = json.loads((out / "cards.json").read_text(encoding="utf-8"))
    assert schema.errors(data, "export") == []
    practice, revision = data["cards"]
    assert practice["oracle"] == {
        "text": scenario + "\n",
        "line": kit.line_of(text, "```oracle") + 1,
    }
    assert practice["verification"] == {"status": "verified", "output": "2", "message": None}
    assert revision["oracle"] is None
    assert revision["verification"] == {"status": "unverified", "output": None, "message": None}
    assert (data["summary"]["verified"], data["summary"]["unverified"]) == (1, 1)


def test_strict_build_refuses_unverified_questions(kit, write_lesson, tmp_path) -> None:
    text = kit.lesson(kit.question("Revision", "Images are made of ???.", ["layers", "pages"]))
    result = kit.pipeline("build", "--strict", write_lesson(text).parent, "-o", tmp_path / "dist")
    assert result.returncode == 1
    assert "[oracle-unverified]" in result.stdout
    assert not (tmp_path / "dist" / "cards.json").exists()
