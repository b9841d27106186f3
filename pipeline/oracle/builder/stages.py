"""The stage graph of a Dockerfile, as BuildKit's converter plans it before dispatching.

convert.go `buildDispatchStates`, `toCommand`, `resolveTarget`, `allReachableStages` and
`buildStageDependencyGraph`: each FROM's base name is expanded with the global ARGs and is either
`scratch`, an earlier stage's name or an image; `COPY --from` names a stage (by name or index) or
else an image; only the target stage and the stages it depends on are built; the progress names a
stage (`[name i/n]`, `[stage-K i/n]`) unless the whole build is a single LLB state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.oracle.builder.dockerfile import Dockerfile, Instruction, Stage
from pipeline.oracle.builder.errors import solve_error, with_suggestion
from pipeline.oracle.builder.expansion import ExpansionError, Lexer
from pipeline.oracle.builder.instructions import StageState
from pipeline.oracle.image import Image

SCRATCH = "scratch"


@dataclass
class StagePlan:
    stage: Stage
    base_name: str  # the expanded FROM argument
    base_stage: int | None = None  # index of an earlier stage it builds on
    image: Image | None = None  # the external base image, once resolved
    image_ref: str = ""  # its canonical reference with digest, for the FROM label
    label: str = ""  # the progress name: "" for a single state, else the name or stage-K
    state: StageState | None = None  # filled while the stage is dispatched
    deps: set[int] = field(default_factory=set)

    @property
    def is_scratch(self) -> bool:
        return self.base_stage is None and self.base_name == SCRATCH


def plan(df: Dockerfile, lexer: Lexer, global_args: dict[str, str]) -> list[StagePlan]:
    plans: list[StagePlan] = []
    names: dict[str, int] = {}
    for stage in df.stages:
        try:
            base = lexer.process(stage.base, dict(global_args)).result
        except ExpansionError as error:
            raise solve_error(str(error), stage.lines) from None
        if not base:
            raise solve_error(f"base name ({stage.base}) should not be blank", stage.lines)
        item = StagePlan(stage, base)
        if base in names:  # statesByName: the names are lower-case, the base as written
            item.base_stage = names[base]
            item.deps.add(item.base_stage)
        plans.append(item)
        if stage.name:
            names[stage.name] = stage.index
    for item in plans:
        for instruction in item.stage.instructions:
            source = copy_source(df, instruction, lexer)
            if isinstance(source, int):
                item.deps.add(source)
    return plans


def copy_source(df: Dockerfile, instruction: Instruction, lexer: Lexer) -> int | str | None:
    """What a `COPY --from` names: a stage index, else an image reference; None without it."""
    if instruction.keyword != "COPY" or "from" not in instruction.flags:
        return None
    source = instruction.flag("from")
    if lexer.word(source, {}) != source:
        raise solve_error(
            "variable expansion is not supported for --from, define a new stage with FROM "
            "using ARG from global scope as a workaround",
            instruction.lines,
        )
    if source.isdigit():
        index = int(source)
        if index >= len(df.stages):
            raise solve_error(f"invalid stage index {index}", instruction.lines)
        return index
    named = df.stage_named(source)
    return named.index if named is not None else source


def target_index(df: Dockerfile, target: str | None) -> int:
    if not target:
        return len(df.stages) - 1
    stage = df.stage_named(target)
    if stage is None:
        names = [s.name for s in df.stages if s.name]
        message = f'target stage "{target}" could not be found'
        raise solve_error(with_suggestion(message, target, names, case_sensitive=True))
    return stage.index


def reachable(plans: list[StagePlan], final: int) -> set[int]:
    seen: set[int] = set()
    todo = [final]
    while todo:
        index = todo.pop()
        if index not in seen:
            seen.add(index)
            todo.extend(plans[index].deps)
    return seen


def label_stages(df: Dockerfile, plans: list[StagePlan], lexer: Lexer) -> None:
    """Every `COPY --from=<image>` adds an LLB state of its own, so even a one-stage Dockerfile
    then shows `[stage-0 i/n]`."""
    states = len(plans) + sum(
        1
        for item in plans
        for instruction in item.stage.instructions
        if isinstance(copy_source(df, instruction, lexer), str)
    )
    for item in plans:
        item.label = "" if states == 1 else item.stage.name or f"stage-{item.stage.index}"
