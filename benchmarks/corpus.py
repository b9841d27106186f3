"""Generate a realistic course of N lessons in the Enki insight format, with manifests.

One topic, courses of up to 10 workouts, workouts of up to 10 lessons, each level with its
README.md manifest. Lessons vary in length and carry code blocks, footnotes, front-matter links
and questions of 1 to 4 gaps; a share of the questions (ORACLE_SHARE) has an oracle scenario
whose answer is right, so a build of the corpus succeeds. The output depends only on N and the
seed, so two runs give the same bytes.

Run: python benchmarks/corpus.py N [--out DIR] [--seed S]   (default DIR: .cache/bench/corpus-N)
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

LESSONS_PER_WORKOUT = 10
WORKOUTS_PER_COURSE = 10
ORACLE_SHARE = 0.15  # of questions
WORDS = [
    "image",
    "layer",
    "container",
    "registry",
    "digest",
    "tag",
    "build",
    "cache",
    "manifest",
    "blob",
    "volume",
    "network",
    "daemon",
    "engine",
    "snapshot",
    "archive",
    "mount",
    "namespace",
    "process",
    "filesystem",
    "overlay",
    "upper",
    "lower",
    "merged",
    "content",
    "address",
    "hash",
    "index",
    "platform",
    "config",
    "history",
    "entrypoint",
    "command",
    "argument",
    "environment",
    "variable",
    "label",
    "port",
    "user",
    "directory",
    "context",
    "instruction",
    "stage",
    "base",
    "scratch",
]
CODE_LANGS = ("Dockerfile", "sh", "python", "json")


def sentence(rng: random.Random, low: int = 6, high: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:  # inline code and emphasis, as real lessons have
        words[rng.randrange(len(words))] = f"`{rng.choice(WORDS)}`"
    if rng.random() < 0.2:
        words[rng.randrange(len(words))] = f"**{rng.choice(WORDS)}**"
    return " ".join(words) + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def code_block(rng: random.Random) -> str:
    lang = rng.choice(CODE_LANGS)
    lines = {
        "Dockerfile": lambda: f"RUN echo {rng.choice(WORDS)} > /{rng.choice(WORDS)}.txt",
        "sh": lambda: f"docker image inspect {rng.choice(WORDS)} --format '{{{{.Id}}}}'",
        "python": lambda: f"{rng.choice(WORDS)} = {rng.randint(0, 999)}",
        "json": lambda: f'"{rng.choice(WORDS)}": {rng.randint(0, 99)}',
    }[lang]
    body = [lines() for _ in range(rng.randint(2, 8))]
    if lang == "Dockerfile":
        body.insert(0, "FROM alpine")
    return f"```{lang}\n" + "\n".join(body) + "\n```"


def layers_scenario(rng: random.Random, copies: int) -> tuple[str, str]:
    """A scenario whose answer is the image's layer count (`copies` COPY steps)."""
    steps = "".join(f"COPY f{i}.txt /f{i}.txt\\n" for i in range(copies))
    env = f"ENV {rng.choice(WORDS).upper()}={rng.randint(0, 9999)}\\n"
    text = "\n".join(
        [
            *(f"$ printf '{rng.choice(WORDS)}\\n' > f{i}.txt" for i in range(copies)),
            f"$ printf 'FROM scratch\\n{env}{steps}' > Dockerfile",
            "$ docker build -q -t demo . >/dev/null",
            "$ docker image inspect demo --format '{{len .RootFS.Layers}}'",
        ]
    )
    return text, str(copies)


def question(rng: random.Random, with_oracle: bool) -> str:
    """A question with its answer list: the first N items are right for N gaps."""
    if with_oracle:
        copies = rng.randint(1, 5)
        scenario, answer = layers_scenario(rng, copies)
        wrong = [str(n) for n in range(0, 8) if n != copies]
        options = [answer, *rng.sample(wrong, rng.randint(1, 3))]
        prompt = f"{sentence(rng)} How many layers does the image have?\n\n???"
        return (
            f"{prompt}\n\n"
            + "\n".join(f"- {o}" for o in options)
            + (f"\n\n```oracle\n{scenario}\n```")
        )
    gaps = rng.randint(1, 4)
    words = rng.sample(WORDS, gaps + rng.randint(1, 3))
    prompt = " ".join(f"{sentence(rng, 3, 8)[:-1]} ???" for _ in range(gaps)) + "."
    if rng.random() < 0.3:
        prompt = f"{sentence(rng)}\n\n{code_block(rng)}\n\n{prompt}"
    return f"{prompt}\n\n" + "\n".join(f"- `{w}`" for w in words)


def lesson(rng: random.Random, index: int) -> str:
    notes = rng.randint(0, 3)
    links = [
        f"  - >-\n    [{rng.choice(WORDS)} guide](https://docs.example.com/{rng.choice(WORDS)}/"
        f"{index}){{{rng.choice(('documentation', 'article', 'website'))}}}"
        for _ in range(rng.randint(0, 3))
    ]
    front = ["---", "author: bench", "type: normal", "category: must-know"]
    if links:
        front += ["links:", *links]
    front.append("---")
    content = [paragraph(rng) for _ in range(rng.randint(1, 6))]
    for n in range(1, notes + 1):  # each footnote referenced once from the content
        content[rng.randrange(len(content))] += f" See the {rng.choice(WORDS)}[{n}]."
    for _ in range(rng.randint(0, 3)):
        content.insert(rng.randrange(len(content) + 1), code_block(rng))
    if rng.random() < 0.3:
        content.append("\n".join(f"- {sentence(rng, 3, 8)}" for _ in range(rng.randint(2, 5))))
    parts = [
        "\n".join(front),
        f"# {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {index}",
        "---\n\n## Content",
        *content,
    ]
    for name in ("Practice", "Revision"):
        if rng.random() < 0.8:
            parts += [f"---\n\n## {name}", question(rng, rng.random() < ORACLE_SHARE)]
    if notes:
        parts.append("---\n\n## Footnotes")
        parts += [
            f"[{n}: {rng.choice(WORDS).capitalize()}]\n{sentence(rng)}" for n in range(1, notes + 1)
        ]
    return "\n\n".join(parts) + "\n"


def manifest(
    name: str, description: str, key: str, entries: list[str] | dict[str, list[str]]
) -> str:
    lines = [f"name: {name}", f"description: {description}"]
    if isinstance(entries, dict):
        lines.append(f"{key}:")
        for section, slugs in entries.items():
            lines.append(f"  '{section}':")
            lines += [f"    - {slug}" for slug in slugs]
    else:
        lines.append(f"{key}:")
        lines += [f"  - {slug}" for slug in entries]
    return "\n".join(lines) + "\n"


def generate(count: int, out: Path, seed: int = 1) -> Path:
    """Write `count` lessons under `out` (replaced); returns the topic folder to build."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    topic = out / "bench"
    topic.mkdir(parents=True)
    (topic / "README.md").write_text(
        "name: Bench\ndescription: A generated course for benchmarks.\n"
        "availableAspects:\n  - workout\n"
    )
    per_course = LESSONS_PER_WORKOUT * WORKOUTS_PER_COURSE
    for course_index in range((count + per_course - 1) // per_course):
        course = topic / f"course-{course_index:03d}"
        course.mkdir()
        workouts: list[str] = []
        for w in range(WORKOUTS_PER_COURSE):
            first = course_index * per_course + w * LESSONS_PER_WORKOUT
            slugs = [
                f"lesson-{i:05d}" for i in range(first, min(first + LESSONS_PER_WORKOUT, count))
            ]
            if not slugs:
                break
            workout = course / f"workout-{w:02d}"
            workout.mkdir()
            workouts.append(workout.name)
            for i, slug in zip(range(first, first + len(slugs)), slugs, strict=True):
                (workout / f"{slug}.md").write_text(lesson(rng, i))
            (workout / "README.md").write_text(
                manifest(f"Workout {w}", "Generated lessons.", "insights", slugs)
            )
        sections = {str(s): workouts[s * 4 : s * 4 + 4] for s in range((len(workouts) + 3) // 4)}
        (course / "README.md").write_text(
            manifest(f"Course {course_index}", "A generated course.", "sections", sections)
        )
    return topic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = args.out or Path(".cache") / "bench" / f"corpus-{args.count}"
    print(generate(args.count, out, args.seed))


if __name__ == "__main__":
    main()
