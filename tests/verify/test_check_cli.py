"""`python -m pipeline check` runs every scenario: wrong keys, right distractors and failing
scenarios are errors at the right line; `--strict` makes questions without a scenario errors."""

from __future__ import annotations

import json

TWO_LINES = "$ printf 'a\\nb\\n' > f.txt\n$ wc -l < f.txt"


def test_a_correct_lesson_passes_and_is_counted_verified(kit, write_lesson) -> None:
    path = write_lesson(
        kit.lesson(
            kit.question("Practice", "`wc -l` counts ??? lines.", ["`2`", "3", "1"], TWO_LINES),
            kit.question(
                "Revision",
                "The first line is ??? and the second ???.",
                ["*alpha*", "`beta`", "gamma"],
                "$ printf 'alpha\\nbeta\\ngamma\\n'",
            ),
            kit.question(
                "Quiz",
                "What does it print?\n\n???",
                ["two words", "two", "words"],
                "$ printf '  two \\t  words  \\n'",
                headline="White space",
            ),
        )
    )
    result = kit.pipeline("check", path)
    assert result.returncode == 0, result.stdout
    assert "(3 verified, 0 unverified, 0 failing): 0 errors, 0 warnings" in result.stdout


def test_a_wrong_answer_key_fails_at_the_scenario_line(kit, write_lesson) -> None:
    text = kit.lesson(
        kit.question("Practice", "`wc -l` counts ??? lines.", ["3", "4", "1"], TWO_LINES)
    )
    path = write_lesson(text)
    result = kit.pipeline("check", path)
    assert result.returncode == 1
    line = kit.line_of(text, "```oracle") + 1
    [diagnostic] = [d for d in result.stdout.splitlines() if "[oracle-" in d]
    assert diagnostic.startswith(f"{path}:{line}:1: error: ")
    assert diagnostic.endswith("[oracle-mismatch]")
    assert '"2"' in diagnostic and '"3"' in diagnostic  # the oracle's output and the key's answer
    assert "(0 verified, 0 unverified, 1 failing): 1 error" in result.stdout


def test_a_distractor_that_is_right_fails_at_the_scenario_line(kit, write_lesson) -> None:
    text = kit.lesson(
        kit.question("Practice", "`wc -l` counts ??? lines.", ["3", "`2`", "1"], TWO_LINES)
    )
    path = write_lesson(text)
    result = kit.pipeline("check", path)
    assert result.returncode == 1
    line = kit.line_of(text, "```oracle") + 1
    found = {d.rsplit(" ", 1)[-1]: d for d in result.stdout.splitlines() if "[oracle-" in d}
    assert set(found) == {"[oracle-distractor]", "[oracle-mismatch]"}
    assert all(d.startswith(f"{path}:{line}:1: error: ") for d in found.values())
    assert 'the distractor "2" is what the oracle outputs' in found["[oracle-distractor]"]


def test_each_gap_is_compared_with_its_own_line(kit, write_lesson) -> None:
    scenario = "$ printf 'alpha\\nbeta\\n'"
    swapped = kit.question("Practice", "First ??? then ???.", ["beta", "alpha", "gamma"], scenario)
    short = kit.question(
        "Revision", "First ??? then ???.", ["alpha", "beta", "gamma"], "$ echo alpha"
    )
    text = kit.lesson(swapped, short)
    result = kit.pipeline("check", "--format", "json", write_lesson(text))
    document = json.loads(result.stdout)
    rules = [(d["line"], d["rule"], d["message"]) for d in document["diagnostics"]]
    first, second = kit.line_of(text, "```oracle", 1) + 1, kit.line_of(text, "```oracle", 2) + 1
    assert [(line, rule) for line, rule, _ in rules] == [
        (first, "oracle-mismatch"),
        (first, "oracle-mismatch"),
        (second, "oracle-mismatch"),
    ]
    assert rules[0][2].startswith('gap 1 of 2: the oracle\'s output is "alpha"')
    assert rules[2][2].startswith('gap 2 of 2: the oracle\'s output is ""')
    assert document["summary"]["failing"] == 2


def test_a_failing_scenario_is_an_error_at_the_failing_command(kit, write_lesson) -> None:
    scenario = "$ echo start\n# the next command fails\n$ ls /missing\n$ echo never"
    text = kit.lesson(kit.question("Practice", "It prints ???.", ["start", "never"], scenario))
    path = write_lesson(text)
    result = kit.pipeline("check", path)
    assert result.returncode == 1
    line = kit.line_of(text, "$ ls /missing")
    [diagnostic] = result.stdout.splitlines()[:1]
    assert diagnostic.startswith(
        f"{path}:{line}:1: error: the oracle scenario failed at `ls /missing`"
    )
    assert "(exit status 2)" in diagnostic and "No such file or directory" in diagnostic
    assert diagnostic.endswith("[oracle-scenario]")


def test_an_unknown_command_and_a_malformed_transcript_are_scenario_errors(
    kit, write_lesson
) -> None:
    unknown = kit.question("Practice", "It prints ???.", ["x", "y"], "$ frobnicate --now")
    malformed = kit.question("Revision", "It prints ???.", ["x", "y"], "$ echo x\necho y")
    text = kit.lesson(unknown, malformed)
    result = kit.pipeline("check", "--format", "json", write_lesson(text))
    found = [(d["line"], d["rule"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [
        (kit.line_of(text, "$ frobnicate"), "oracle-scenario"),
        (kit.line_of(text, "echo y"), "oracle-scenario"),
    ]


def test_unverified_questions_are_errors_only_with_strict(kit, write_lesson) -> None:
    text = kit.lesson(
        kit.question("Practice", "`wc -l` counts ??? lines.", ["2", "3"], TWO_LINES),
        kit.question("Revision", "Docker images are made of ???.", ["layers", "pages"]),
    )
    path = write_lesson(text)
    relaxed = kit.pipeline("check", path)
    assert relaxed.returncode == 0, relaxed.stdout
    assert "(1 verified, 1 unverified, 0 failing)" in relaxed.stdout
    strict = kit.pipeline("check", "--strict", path)
    assert strict.returncode == 1
    line = kit.line_of(text, "## Revision")
    assert strict.stdout.splitlines()[0] == (
        f"{path}:{line}:1: error: this question has no oracle scenario [oracle-unverified]"
    )


def test_build_refuses_to_publish_a_failing_question(kit, write_lesson, tmp_path) -> None:
    text = kit.lesson(kit.question("Practice", "`wc -l` counts ??? lines.", ["3", "4"], TWO_LINES))
    path = write_lesson(text)
    out = tmp_path / "dist"
    result = kit.pipeline("build", path.parent, "-o", out)
    assert result.returncode == 1
    assert "[oracle-mismatch]" in result.stdout and "1 failing" in result.stdout
    assert not (out / "cards.json").exists()


LAYERS = """$ printf 'print("hi")\\n' > app.py
$ cat > Dockerfile <<'EOF'
FROM scratch
COPY app.py /app/
COPY app.py /app/copy.py
ENV MODE=prod
CMD ["python", "/app/app.py"]
EOF
$ docker build -q -t demo . >/dev/null
$ docker image inspect demo --format '{{len .RootFS.Layers}}'"""


def test_docker_scenarios_are_verified_and_a_wrong_layer_count_is_caught(kit, write_lesson):
    right = kit.question("Practice", "The image `demo` has ??? layers.", ["2", "4", "3"], LAYERS)
    wrong = kit.question("Revision", "The image `demo` has ??? layers.", ["4", "3", "1"], LAYERS)
    text = kit.lesson(right, wrong)
    result = kit.pipeline("check", write_lesson(text))
    assert result.returncode == 1
    line = kit.line_of(text, "```oracle", 2) + 1
    [diagnostic] = [d for d in result.stdout.splitlines() if "[oracle-" in d]
    expected = 'error: the oracle\'s output is "2" but the answer key says "4"'
    assert f":{line}:1: {expected}" in diagnostic
    assert "(1 verified, 0 unverified, 1 failing)" in result.stdout
