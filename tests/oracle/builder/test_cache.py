"""The build cache, row by row of docker-image-semantics.md §3.5 (BuildKit column), with the
rules of §3.1-§3.2 (docs build/cache/invalidation.md; buildkit solver/llbsolver/ops exec.go and
file.go `CacheMap`, cache/contenthash/filehash.go)."""

from __future__ import annotations

import pytest

from pipeline.oracle.builder.build import build

DOCKERFILE = """\
FROM alpine
COPY requirements.txt /app/
RUN echo install > /deps
COPY src/ /app/src/
ENV MODE=prod
RUN echo built > /out
LABEL version=1
CMD ["run"]
"""
FILES = {"requirements.txt": "flask\n", "src/main.py": "print(1)\n", "notes.md": "draft\n"}


def cached(result) -> dict[str, bool]:
    """Step label (without the `[i/n] `) -> CACHED, for the file-system steps."""
    return {v.name.split("] ", 1)[1]: v.cached for v in result.vertices if v.kind == "step"}


@pytest.fixture
def project(engine, context):
    ctx = context({**FILES, "Dockerfile": DOCKERFILE})
    first = build(engine, ctx, tags=["app"])
    assert not any(c for name, c in cached(first).items() if not name.startswith("FROM"))

    def rebuild(files=None, **options):
        context(files or {})
        return build(engine, ctx, tags=["app"], **options)

    rebuild.first = first
    rebuild.context = ctx
    return rebuild


def test_nothing_changed_everything_cached_same_id(project):
    result = project()
    assert all(cached(result).values())
    assert result.image.id == project.first.image.id  # §1.4: cached steps keep their times


def test_changed_copied_file_reruns_that_copy_and_everything_after(project):
    result = project({"src/main.py": "print(2)\n"})
    steps = cached(result)
    assert steps["COPY requirements.txt /app/"] and steps["RUN echo install > /deps"]
    assert not steps["COPY src/ /app/src/"]
    assert not steps["RUN echo built > /out"]
    assert result.image.id != project.first.image.id


def test_dependency_manifest_first_keeps_the_install_cached(project, runner):
    # §7.18 instruction order: a source change does not re-run the dependency install
    before = len(runner.calls)
    project({"src/main.py": "print(3)\n"})
    assert [p.argv[-1] for p in runner.calls[before:]] == ["echo built > /out"]


def test_touch_only_changes_nothing(project, engine):
    # invalidation.md: "the modification time of a file (mtime) is not taken into account"
    before = project.first.image.rootfs().stat("/app/src/main.py").mtime
    result = project({"src/main.py": "print(1)\n"})  # same bytes rewritten: a new mtime
    assert project.context.stat("/src/main.py").mtime != before
    assert all(cached(result).values())
    assert result.image.id == project.first.image.id


def test_mode_change_busts_the_copy(engine, context):
    # filehash.go: the record holds the mode (and uid/gid, size, content) but no mtime
    ctx = context({"run.sh": "x", "Dockerfile": "FROM alpine\nCOPY run.sh /\n"})
    build(engine, ctx)
    ctx.chmod("/run.sh", 0o755)
    assert not cached(build(engine, ctx))["COPY run.sh /"]


def test_uncopied_or_ignored_file_changes_nothing(project, engine, context):
    result = project({"notes.md": "final\n"})  # never copied
    assert all(cached(result).values())


def test_dockerignored_files_are_neither_copied_nor_busting(engine, context):
    # §7.19: convert.go passes the .dockerignore matcher to every context COPY
    ctx = context(
        {
            "app.py": "1",
            "secret.env": "A=1",
            ".dockerignore": "*.env\n",
            "Dockerfile": "FROM alpine\nCOPY . /app/\nRUN echo done\n",
        }
    )
    first = build(engine, ctx)
    assert sorted(first.image.rootfs().listdir("/app")) == [".dockerignore", "Dockerfile", "app.py"]
    context({"secret.env": "A=2"})
    second = build(engine, ctx)
    assert all(cached(second).values())
    assert second.image.id == first.image.id
    context({"app.py": "2"})
    assert not cached(build(engine, ctx))["COPY . /app/"]


def test_label_change_reruns_nothing_but_changes_the_id(project):
    # §3.2: LABEL/CMD/EXPOSE/... are in no cache key
    result = project({"Dockerfile": DOCKERFILE.replace("version=1", "version=2")})
    assert all(cached(result).values())
    assert result.image.id != project.first.image.id


def test_env_change_reruns_later_runs_only(project):
    # ENV reaches later RUNs through their env (exec.go CacheMap); earlier steps stay cached
    result = project({"Dockerfile": DOCKERFILE.replace("MODE=prod", "MODE=dev")})
    steps = cached(result)
    assert steps["COPY src/ /app/src/"] and steps["RUN echo install > /deps"]
    assert not steps["RUN echo built > /out"]


def test_build_arg_change_reruns_runs_after_the_arg(engine, context):
    ctx = context(
        {"a": "1", "Dockerfile": "FROM alpine\nRUN echo early\nARG V=1\nCOPY a /a\nRUN echo $V\n"}
    )
    build(engine, ctx)
    assert all(cached(build(engine, ctx, build_args={"V": "1"})).values())  # same value
    steps = cached(build(engine, ctx, build_args={"V": "2"}))
    assert steps["RUN echo early"] and steps["COPY a /a"]  # a COPY has no env in its key
    assert not steps["RUN echo 2"]  # the label shows the expanded value


def test_run_text_change_cascades(project):
    result = project({"Dockerfile": DOCKERFILE.replace("echo install", "echo install2")})
    steps = cached(result)
    assert steps["COPY requirements.txt /app/"]
    assert not steps["RUN echo install2 > /deps"]
    assert not steps["COPY src/ /app/src/"]  # a miss changes every later key of the stage
    assert not steps["RUN echo built > /out"]


def test_no_cache_reruns_everything_with_a_new_id(project):
    # §3.2: --no-cache re-executes every vertex; the FROM line may still say CACHED
    result = project(no_cache=True)
    steps = cached(result)
    assert [name for name, hit in steps.items() if hit] == [
        n for n in steps if n.startswith("FROM ")
    ]
    assert result.image.id != project.first.image.id
    again = project()  # the next normal build finds the --no-cache results
    assert again.image.id == result.image.id


def test_copy_from_stage_is_keyed_by_content(engine, context):
    # §3.2 exception: an earlier stage rebuilt with byte-identical output keeps the COPY cached
    text = "FROM alpine AS b\nRUN echo same > /out{extra}\nFROM busybox\nCOPY --from=b /out /o\n"
    ctx = context({"Dockerfile": text.format(extra="")})
    build(engine, ctx)
    context({"Dockerfile": text.format(extra=" && true")})
    steps = cached(build(engine, ctx))
    assert not steps["RUN echo same > /out && true"]
    assert steps["COPY --from=b /out /o"]


def test_base_image_change_busts_everything(engine, context):
    ctx = context({"Dockerfile": "FROM alpine\nRUN echo hi\n"})
    build(engine, ctx)
    engine.images.tag("busybox:latest", "alpine:latest")  # the tag now names another image
    assert not cached(build(engine, ctx))["RUN echo hi"]
