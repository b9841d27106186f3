"""Every broken lesson in this folder gives exactly its rule's diagnostic, at the right line.

The cases and what each must report are listed in `expected.yaml`; `lessons/valid.md` (which
they were all derived from) gives none. Every rule of `pipeline.rules.RULES` that a lesson can
break has a case here, checked below, so a new rule without a broken lesson fails this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.check import check
from pipeline.rules import RULES

HERE = Path(__file__).resolve().parent
EXPECTED: dict[str, dict] = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
# Rules no single broken input can trigger: a pipeline bug.
UNTESTABLE = {"internal-error"}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_case_gives_its_diagnostic(case: str) -> None:
    want = EXPECTED[case]
    found = check(HERE / case).diagnostics
    if not want:
        assert found == []
        return
    assert [d.rule for d in found] == [want["rule"]], [d.format() for d in found]
    (diagnostic,) = found
    assert Path(diagnostic.path) == HERE / want.get("file", case)
    assert diagnostic.line == want["line"]
    assert diagnostic.col == want.get("col", diagnostic.col)
    assert diagnostic.severity == want.get("severity", "error")
    assert diagnostic.message  # says what is wrong, not just the rule id


def test_every_rule_has_a_broken_case() -> None:
    covered = {want["rule"] for want in EXPECTED.values() if want}
    assert set(RULES) - UNTESTABLE == covered


def test_at_least_25_broken_lessons() -> None:
    assert len([case for case, want in EXPECTED.items() if want]) >= 25
