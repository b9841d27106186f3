"""A seeded generator of Dockerfiles + build contexts for the differential tests.

Each Case mixes metadata (ENV, LABEL, EXPOSE, CMD, ENTRYPOINT, USER, WORKDIR, ARG, VOLUME) with
file-system steps (COPY of files and directories, RUN with busybox: echo > file, mkdir, rm ->
whiteouts, rm + mkdir -> opaque directory, chmod/touch -> copy-up, ln -s, a no-op), and names one
context file whose content a rebuild changes (the cache comparison). A small model of the image's
paths keeps every RUN valid (rm only what exists, writes only where the current USER may write).

The generator stays inside what BuildKit and buildah are expected to agree on, except for the
differences README.md documents and the comparison maps (WORKDIR layers, VOLUME directories, the
created_by text): WORKDIR is always followed by a RUN (buildah creates the directory only when a RUN
or COPY uses it), VOLUME only comes after the last RUN, USER is numeric (no /etc/passwd) and
`COPY --chown` only targets existing parent directories.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from posixpath import dirname

from differential.harness import ContextEntry, Symlink, busybox_context, with_busybox

DEFAULT_SEED = 20240611
DEFAULT_COUNT = 32
UNUSED_FILE = "notes/unused.txt"  # in every context, never copied: changing it re-runs nothing


@dataclass(frozen=True)
class Case:
    name: str
    context: dict[str, ContextEntry]  # without busybox (full_context adds it)
    body: str  # the Dockerfile after the busybox preamble
    changed_path: str  # the context file whose content the rebuild changes
    changed_data: bytes

    @property
    def dockerfile(self) -> str:
        return with_busybox(self.body)

    @property
    def instructions(self) -> list[str]:
        """One line per instruction of the full Dockerfile (step i is instructions[i - 1])."""
        return self.dockerfile.strip("\n").splitlines()

    def full_context(self, busybox: bytes | None = None) -> dict[str, ContextEntry]:
        return busybox_context(self.context, busybox)

    def changed_context(self, busybox: bytes | None = None) -> dict[str, ContextEntry]:
        return busybox_context({**self.context, self.changed_path: self.changed_data}, busybox)

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "dockerfile": self.dockerfile, "changed_path": self.changed_path}


def generate_cases(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[Case]:
    return [generate_case(random.Random(f"{seed}-{n}"), f"case-{n:02d}") for n in range(count)]


# --- the model of the image being built ----------------------------------------------------------


@dataclass
class _Image:
    """Paths the Dockerfile has created so far (root-owned unless in `writable`)."""

    files: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)  # kept apart: chmod/touch would follow them
    dirs: set[str] = field(default_factory=lambda: {"/", "/bin"})
    user: int = 0
    workdir: str = "/"
    vars: dict[str, str] = field(default_factory=dict)  # ENV and ARG values RUN can echo
    copied: dict[str, str] = field(default_factory=dict)  # context path -> image path
    counter: int = 0

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def add_file(self, path: str) -> None:
        self.add_dir(dirname(path))
        self.files.add(path)

    def add_dir(self, path: str) -> None:
        while path not in self.dirs:
            self.dirs.add(path)
            path = dirname(path)

    def remove(self, path: str) -> None:
        def kept(p: str) -> bool:
            return p != path and not p.startswith(path + "/")

        self.files = set(filter(kept, self.files))
        self.links = set(filter(kept, self.links))
        self.dirs = set(filter(kept, self.dirs))

    def lower_files(self) -> list[str]:
        """Files a RUN may touch: not under /bin (busybox must keep working)."""
        return sorted(f for f in self.files if not f.startswith("/bin/"))

    def removable_dirs(self) -> list[str]:
        keep = {"/", "/bin", "/tmp", self.workdir}
        return sorted(
            d for d in self.dirs if d not in keep and not self.workdir.startswith(d + "/")
        )


@dataclass
class _Builder:
    rng: random.Random
    name: str
    context: dict[str, ContextEntry]
    image: _Image = field(default_factory=_Image)
    lines: list[str] = field(default_factory=list)

    def emit(self, line: str) -> None:
        self.lines.append(line)


def generate_case(rng: random.Random, name: str) -> Case:
    builder = _Builder(rng, name, _context(rng, name))
    for _ in range(rng.randint(5, 10)):
        step = rng.choices(_STEPS, weights=[w for w, _ in _STEP_WEIGHTS])[0]
        step(builder)
    _trailing_metadata(builder)
    changed = _pick_change(builder)
    data = builder.context[changed]
    assert isinstance(data, bytes)
    return Case(
        name=name,
        context=builder.context,
        body="\n".join(builder.lines),
        changed_path=changed,
        changed_data=data + f"changed in {name}\n".encode(),
    )


def _context(rng: random.Random, name: str) -> dict[str, ContextEntry]:
    def text(label: str) -> bytes:
        return f"{name} {label}\n".encode() * rng.randint(1, 4)

    context: dict[str, ContextEntry] = {UNUSED_FILE: text("unused")}
    for n in range(rng.randint(2, 4)):
        context[f"f{n}.txt"] = text(f"file {n}")
    context["d/a.txt"] = text("dir a")
    if rng.random() < 0.6:
        context["d/sub/b.txt"] = text("dir sub b")
    if rng.random() < 0.3:
        context["d/link"] = Symlink("a.txt")
    return context


def _pick_change(builder: _Builder) -> str:
    copied = sorted(p for p in builder.image.copied if isinstance(builder.context[p], bytes))
    if not copied or builder.rng.random() < 0.15:
        return UNUSED_FILE
    return builder.rng.choice(copied)


# --- steps ---------------------------------------------------------------------------------------


def _copy_file(b: _Builder) -> None:
    image = b.image
    source = b.rng.choice(sorted(p for p in b.context if p.startswith("f")))
    style = b.rng.randrange(4)
    if style == 0:
        dest = f"/{image.fresh('app')}/{source}"
        b.emit(f"COPY {source} {dest}")
    elif style == 1:
        directory = f"/{image.fresh('srv')}"
        dest = f"{directory}/{source}"
        b.emit(f"COPY {source} {directory}/")
    elif style == 2 and image.workdir != "/":
        dest = f"{image.workdir}/rel/{source}"
        b.emit(f"COPY {source} rel/")
    else:
        # --chown only into an existing directory: see the module docstring.
        parent = b.rng.choice(sorted(image.dirs - {"/bin"}))
        dest = f"{parent.rstrip('/')}/{image.fresh('owned')}.txt"
        b.emit(f"COPY --chown=1000:1000 {source} {dest}")
    image.add_file(dest)
    image.copied[source] = dest


def _copy_dir(b: _Builder) -> None:
    image = b.image
    dest = f"/{image.fresh('opt')}/d"
    b.emit(f"COPY d {dest}")
    for path, entry in b.context.items():
        if path.startswith("d/"):
            target = f"{dest}/{path[2:]}"
            image.add_file(target)
            image.copied[path] = target
            if isinstance(entry, Symlink):
                image.files.discard(target)
                image.links.add(target)


def _run(b: _Builder, command: str) -> None:
    b.emit(f"RUN {command}")


def _run_write(b: _Builder) -> None:
    image = b.image
    if image.user != 0:
        _run_as_user(b)
        return
    directory = f"/{image.fresh('data')}"
    path = f"{directory}/{image.fresh('out')}.txt"
    _run(b, f"mkdir -p {directory} && echo {b.name}-{image.counter} > {path}")
    image.add_file(path)


def _run_rm_file(b: _Builder) -> None:
    files = b.image.lower_files() + sorted(b.image.links)
    if b.image.user != 0 or not files:
        return _run_write(b)
    path = b.rng.choice(files)
    _run(b, f"rm {path}")
    b.image.remove(path)


def _run_rm_dir(b: _Builder) -> None:
    dirs = b.image.removable_dirs()
    if b.image.user != 0 or not dirs:
        return _run_write(b)
    path = b.rng.choice(dirs)
    b.image.remove(path)
    if b.rng.random() < 0.5:
        _run(b, f"rm -rf {path}")
        return
    # Re-created in the same step: overlayfs makes an opaque directory, vfs explicit whiteouts.
    _run(b, f"rm -rf {path} && mkdir -p {path} && echo again > {path}/again.txt")
    b.image.add_file(f"{path}/again.txt")


def _run_chmod(b: _Builder) -> None:
    files = b.image.lower_files()
    if b.image.user != 0 or not files:
        return _run_write(b)
    mode = b.rng.choice(["600", "755", "640", "4755"])
    _run(b, f"chmod {mode} {b.rng.choice(files)}")


def _run_touch(b: _Builder) -> None:
    files = b.image.lower_files()
    if b.image.user != 0 or not files:
        return _run_write(b)
    _run(b, f"touch {b.rng.choice(files)}")


def _run_symlink(b: _Builder) -> None:
    if b.image.user != 0:
        return _run_as_user(b)
    targets = b.image.lower_files() or ["/bin/busybox"]
    target = b.rng.choice(targets)
    link = f"/{b.image.fresh('link')}"
    _run(b, f"ln -s {target} {link}")
    b.image.links.add(link)


def _run_noop(b: _Builder) -> None:
    _run(b, "true")


def _run_echo_var(b: _Builder) -> None:
    if not b.image.vars or b.image.user != 0:
        return _env(b)
    key = b.rng.choice(sorted(b.image.vars))
    path = f"/{b.image.fresh('var')}.txt"
    _run(b, f'echo "${key}" > {path}')
    b.image.add_file(path)


def _run_as_user(b: _Builder) -> None:
    path = f"/tmp/{b.image.fresh('by-user')}.txt"
    _run(b, f"echo $(id -u) > {path}")
    b.image.add_file(path)


def _env(b: _Builder) -> None:
    key = b.rng.choice(["MODE", "LEVEL", "APP_HOME"])
    value = f"{b.name}-{b.image.fresh('v')}"
    b.image.vars[key] = value
    b.emit(f"ENV {key}={value}")


def _arg(b: _Builder) -> None:
    key = b.rng.choice(["VERSION", "FLAVOUR"])
    value = b.image.fresh("a")
    b.image.vars[key] = value
    b.emit(f"ARG {key}={value}")


def _label(b: _Builder) -> None:
    b.emit(f'LABEL org.example.step="{b.image.fresh("s")}" case={b.name}')


def _expose(b: _Builder) -> None:
    b.emit(b.rng.choice(["EXPOSE 8080", "EXPOSE 53/udp", "EXPOSE 80 443"]))


def _workdir(b: _Builder) -> None:
    if b.image.user != 0:
        return _label(b)
    path = f"/{b.image.fresh('work')}/{b.rng.choice(['app', 'src'])}"
    b.emit(f"WORKDIR {path}")
    b.image.workdir = path
    b.image.add_dir(path)
    # Always used right away: buildah creates a WORKDIR only when a RUN/COPY runs in it.
    _run(b, f"echo here > {b.image.fresh('here')}.txt")
    b.image.add_file(f"{path}/here{b.image.counter}.txt")


def _user(b: _Builder) -> None:
    image = b.image
    if image.user == 0:
        if "/tmp" not in image.dirs:
            _run(b, "mkdir -m 1777 /tmp")
            image.dirs.add("/tmp")
        image.user = 1000
    else:
        image.user = 0
    b.emit(f"USER {image.user}")


def _trailing_metadata(b: _Builder) -> None:
    """CMD/ENTRYPOINT/VOLUME after the last RUN (buildah creates VOLUME dirs in the next RUN)."""
    rng = b.rng
    if rng.random() < 0.5:
        b.emit(f"VOLUME /{b.image.fresh('vol')}")
    if rng.random() < 0.5:
        b.emit('ENTRYPOINT ["/bin/sh", "-c"]')
    b.emit(rng.choice(['CMD ["echo", "hello"]', "CMD echo hello from shell form", "CMD []"]))
    if rng.random() < 0.3:
        b.emit("USER 1000")


_STEP_WEIGHTS: list[tuple[int, Callable[[_Builder], None]]] = [
    (4, _copy_file),
    (2, _copy_dir),
    (3, _run_write),
    (2, _run_rm_file),
    (2, _run_rm_dir),
    (2, _run_chmod),
    (1, _run_touch),
    (1, _run_symlink),
    (1, _run_noop),
    (1, _run_echo_var),
    (2, _env),
    (1, _arg),
    (1, _label),
    (1, _expose),
    (1, _workdir),
    (1, _user),
]
_STEPS = [step for _, step in _STEP_WEIGHTS]
