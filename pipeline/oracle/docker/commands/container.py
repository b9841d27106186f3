"""Container commands: run, create, start, exec, stop, rm, ps, diff, commit, cp, logs and
container prune (cli/command/container/*.go, docker 27; moby daemon for the state changes).

`docker run` prints the program's stdout and stderr and exits with its status; `-d` prints the
container ID and keeps the output for `docker logs`. Start failures are worded as runc reports
them through containerd (`failed to create task for container: ...`) with status 127 or 126.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from pipeline.oracle import reference as refs
from pipeline.oracle.container import Container, merge_env
from pipeline.oracle.docker.command import (
    NO_ARGS,
    Command,
    Invocation,
    at_least,
    between,
    exactly,
)
from pipeline.oracle.docker.commands.common import FORMAT, unsimulated
from pipeline.oracle.docker.commands.image import confirmed
from pipeline.oracle.docker.errors import (
    CliError,
    daemon_error,
    run_error,
    start_error_status,
)
from pipeline.oracle.docker.flags import BOOL, INT, LIST, STRING, Flag, filter_value
from pipeline.oracle.docker.formatters import containers as fc
from pipeline.oracle.docker.formatters.common import render, size4
from pipeline.oracle.engine import ContainerError
from pipeline.oracle.fsapi import FileSystem, FsError
from pipeline.oracle.paths import normalise
from pipeline.oracle.process import Completed, ExecNotFound
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.store import StoreError

TASK_PREFIX = (
    "failed to create task for container: failed to create shim task: OCI runtime create "
    "failed: runc create failed: unable to start container process: "
)
_VOLUME_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+\Z")

# --- create / run ---------------------------------------------------------------------------------
CREATE_FLAGS = (
    Flag("name", "", STRING),
    Flag("rm", "", BOOL),
    Flag("env", "e", LIST),
    Flag("workdir", "w", STRING),
    Flag("user", "u", STRING),
    Flag("read-only", "", BOOL),
    Flag("volume", "v", LIST),
    Flag("entrypoint", "", STRING),
    Flag("interactive", "i", BOOL),
    Flag("tty", "t", BOOL),
    Flag("publish", "p", LIST),
    Flag("label", "l", LIST),
    Flag("restart", "", STRING, default="no"),
    Flag("pull", "", STRING, default="missing"),
    *unsimulated(
        "env-file=l",
        "mount=l",
        "network",
        "net",
        "hostname:h",
        "init=b",
        "platform",
        "memory:m",
        "cpus",
        "cap-add=l",
        "cap-drop=l",
        "privileged=b",
        "add-host=l",
        "volumes-from=l",
        "tmpfs=l",
        "device=l",
        "dns=l",
        "expose=l",
        "publish-all:P=b",
        "cidfile",
        "health-cmd",
        "log-driver",
        "ulimit=l",
        "shm-size",
        "stop-signal",
        "stop-timeout",
        "security-opt=l",
        "ipc",
        "pid",
        "network-alias=l",
        "link=l",
        "group-add=l",
        "gpus",
        "runtime",
        "isolation",
        "userns",
        "uts",
        "attach:a=l",
    ),  # fmt: skip
)
RUN_FLAGS = (Flag("detach", "d", BOOL), *CREATE_FLAGS)


def _env(values: list[str], host_env: dict[str, str]) -> list[str]:
    """`-e K=V`, or `-e K` to pass the host's value (dropped when the host has none)."""
    out = []
    for item in values:
        if "=" in item:
            out.append(item)
        elif item in host_env:
            out.append(f"{item}={host_env[item]}")
    return out


def _volumes(values: list[str], command: str) -> list[tuple[str | None, str, bool]]:
    mounts = []
    for spec in values:
        parts = spec.split(":")
        if len(parts) == 1:
            source, dest, mode = None, parts[0], ""
        elif len(parts) in (2, 3):
            source, dest = parts[0], parts[1]
            mode = parts[2] if len(parts) == 3 else ""
        else:
            raise run_error(command, f"invalid spec: {spec}: too many colons", True, 125)
        if source is not None and not _VOLUME_NAME.match(source):
            raise NotSimulated(f"bind mounts (-v {spec}) are not simulated; use a named volume")
        if not dest.startswith("/"):
            raise run_error(
                command,
                f"Error response from daemon: invalid volume specification: '{spec}': invalid "
                'mount config for type "volume": invalid mount path: '
                f"'{dest}' mount path must be absolute",
                True,
                125,
            )
        if mode not in ("", "ro", "rw", "z", "Z"):
            raise run_error(command, f"invalid mode: {mode}", True, 125)
        mounts.append((source, dest, mode == "ro"))
    return mounts


def _ports(values: list[str], command: str) -> list[tuple[str, str]]:
    """`-p HOST:CONTAINER[/proto]` or `-p CONTAINER`: (host port, "80/tcp")."""
    out = []
    for spec in values:
        host, _, container = spec.rpartition(":")
        port, _, proto = container.partition("/")
        if ":" in host or not port.isdigit() or (host and not host.isdigit()):
            raise NotSimulated(f"-p {spec} is not simulated (use HOST:CONTAINER ports)")
        out.append((host, f"{port}/{proto or 'tcp'}"))
    return out


def _create(inv: Invocation, command: str) -> Container:
    opts = inv.opts
    image_ref = inv.args[0]
    if opts["restart"] not in ("no", ""):
        raise NotSimulated("restart policies are not simulated")
    if opts["pull"] not in ("missing", ""):
        raise NotSimulated(f"--pull {opts['pull']} is not simulated")
    try:
        refs.parse_normalized_named(image_ref)
    except refs.ReferenceError as error:
        raise run_error(command, str(error), True, 125) from None
    _ensure_image(inv, image_ref, command)
    entrypoint = opts["entrypoint"] if "entrypoint" in opts.changed else None
    labels = dict(item.partition("=")[::2] for item in opts["label"])
    try:
        container = inv.engine.create_container(
            image_ref,
            name=opts["name"] or None,
            cmd=inv.args[1:] or None,
            entrypoint=None if entrypoint is None else ([entrypoint] if entrypoint else []),
            env=_env(opts["env"], inv.host.env),
            workdir=opts["workdir"] or None,
            user=opts["user"] or None,
            read_only=opts["read-only"],
            volumes=_volumes(opts["volume"], command),
            auto_remove=opts["rm"],
            labels=labels or None,
        )
    except (ContainerError, StoreError) as error:
        raise run_error(command, daemon_error(str(error)).message, True, 125) from None
    ports = _ports(opts["publish"], command)
    if ports:
        inv.docker.ports[container.id] = ports
    return container


def _ensure_image(inv: Invocation, image_ref: str, command: str) -> None:
    """A missing image is pulled first (`Unable to find image ... locally`)."""
    if image_ref in inv.engine.images:
        return
    named = refs.tag_name_only(refs.parse_normalized_named(image_ref))
    inv.err(f"Unable to find image '{refs.familiar_string(named)}' locally\n")
    from pipeline.oracle.docker.commands.registry import pull_for_run

    try:
        pull_for_run(inv, image_ref)
    except CliError as error:
        raise run_error(command, error.message, True, 125) from None


def _start(inv: Invocation, container: Container, command: str, detach: bool) -> Completed:
    stdin = inv.stdin if inv.opts.get("interactive") else b""
    try:
        completed = inv.engine.start(container, stdin=stdin, detach=detach)
    except ExecNotFound as error:
        message = f"{TASK_PREFIX}{error}: unknown"
        if container.auto_remove:
            inv.engine.remove_container(container, force=True, volumes=True)
        status = start_error_status(message)
        raise run_error(command, daemon_error(message).message, False, status) from None
    except ContainerError as error:
        raise run_error(command, daemon_error(str(error)).message, False, 125) from None
    inv.docker.logs[container.id] = completed.chunks()
    return completed


def _tty(data: bytes) -> bytes:
    """A pseudo-terminal turns every newline into CR LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def run_run(inv: Invocation) -> int:
    container = _create(inv, "run")
    detach = inv.opts["detach"]
    completed = _start(inv, container, "run", detach)
    if detach:
        inv.out(container.id + "\n")
        return 0
    if inv.opts["tty"]:
        inv.out(_tty(b"".join(data for _, data in completed.chunks())))
    else:
        inv.write(completed.chunks())
    return completed.exit_code


def run_create(inv: Invocation) -> int:
    container = _create(inv, "create")
    inv.out(container.id + "\n")
    return 0


# --- start / stop / rm ----------------------------------------------------------------------------
def _container(inv: Invocation, name: str) -> Container:
    return inv.engine.container(name)


def run_start(inv: Invocation) -> int:
    attach = inv.opts["attach"]
    if attach and len(inv.args) > 1:
        raise CliError("you cannot start and attach multiple containers at once")
    failed = []
    for name in inv.args:
        try:
            container = _container(inv, name)
            if attach:
                stdin = inv.stdin if inv.opts["interactive"] else b""
                completed = inv.engine.start(container, stdin=stdin)
                inv.write(completed.chunks())
                return completed.exit_code
            if not container.running:
                completed = inv.engine.start(container, detach=True)
                inv.docker.logs[container.id] = completed.chunks()
        except ExecNotFound as error:
            inv.err(daemon_error(f"{TASK_PREFIX}{error}: unknown").message + "\n")
            failed.append(name)
            continue
        except ContainerError as error:
            inv.err(daemon_error(str(error)).message + "\n")
            failed.append(name)
            continue
        inv.out(name + "\n")
    if failed:
        raise CliError(f"Error: failed to start containers: {', '.join(failed)}")
    return 0


def run_stop(inv: Invocation) -> int:
    errors = []
    for name in inv.args:
        try:
            inv.engine.stop(_container(inv, name))
        except ContainerError as error:
            errors.append(daemon_error(str(error)).message)
            continue
        inv.out(name + "\n")
    if errors:
        raise CliError("\n".join(errors))
    return 0


def run_rm(inv: Invocation) -> int:
    errors = []
    force = inv.opts["force"]
    for name in inv.args:
        try:
            container = _container(inv, name)
            inv.engine.remove_container(container, force=force, volumes=inv.opts["volumes"])
        except ContainerError as error:
            message = daemon_error(str(error)).message
            if force and "No such container" in message:
                inv.err(message + "\n")
                continue
            errors.append(message)
            continue
        inv.docker.logs.pop(container.id, None)
        inv.out(name + "\n")
    if errors:
        raise CliError("\n".join(errors))
    return 0


# --- exec -----------------------------------------------------------------------------------------
EXEC_FLAGS = (
    Flag("detach", "d", BOOL),
    Flag("env", "e", LIST),
    Flag("workdir", "w", STRING),
    Flag("user", "u", STRING),
    Flag("interactive", "i", BOOL),
    Flag("tty", "t", BOOL),
    *unsimulated("privileged=b", "env-file=l", "detach-keys"),
)


def run_exec(inv: Invocation) -> int:
    opts = inv.opts
    container = _container(inv, inv.args[0])
    try:
        completed = inv.engine.exec(
            container,
            inv.args[1:],
            env=_env(opts["env"], inv.host.env),
            workdir=opts["workdir"] or None,
            user=opts["user"] or None,
            stdin=inv.stdin if opts["interactive"] else b"",
        )
    except ExecNotFound as error:
        inv.err(
            "OCI runtime exec failed: exec failed: unable to start container process: "
            f"{error}: unknown\n"
        )
        return start_error_status(str(error))
    if opts["detach"]:
        return 0
    if opts["tty"]:
        inv.out(_tty(b"".join(data for _, data in completed.chunks())))
    else:
        inv.write(completed.chunks())
    return completed.exit_code


# --- ps -------------------------------------------------------------------------------------------
PS_FLAGS = (
    Flag("all", "a", BOOL),
    Flag("quiet", "q", BOOL),
    Flag("size", "s", BOOL),
    FORMAT,
    Flag("no-trunc", "", BOOL),
    Flag("filter", "f", LIST, check=filter_value),
    Flag("last", "n", INT, default=-1),
    Flag("latest", "l", BOOL),
)
PS_FILTERS = ("status", "name", "id", "ancestor", "exited", "volume", "label")


def _ps_match(inv: Invocation, container: Container, filters: dict[str, list[str]]) -> bool:
    checks = {
        "status": lambda v: container.state == v,
        "name": lambda v: re.search(v, container.name) is not None,
        "id": lambda v: container.id.startswith(v),
        "exited": lambda v: container.state == "exited" and str(container.exit_code) == v,
        "volume": lambda v: any(v in (m.volume, m.destination) for m in container.mounts),
        "label": lambda v: _has_label(container, v),
        "ancestor": lambda v: _ancestor(inv, container, v),
    }
    return all(any(checks[key](v) for v in values) for key, values in filters.items())


def _has_label(container: Container, wanted: str) -> bool:
    labels = container.config.get("Labels") or {}
    key, has_value, value = wanted.partition("=")
    return key in labels and (not has_value or labels[key] == value)


def _ancestor(inv: Invocation, container: Container, name: str) -> bool:
    try:
        wanted = inv.engine.images.get(name)
    except StoreError:
        return False
    return wanted.id == container.image_id or any(
        layer in container.image.chain_ids for layer in wanted.chain_ids[-1:]
    )


def run_ps(inv: Invocation) -> int:
    opts = inv.opts
    filters: dict[str, list[str]] = {}
    for item in opts["filter"]:
        key, _, value = item.partition("=")
        if key not in PS_FILTERS:
            raise daemon_error(f"invalid filter '{key}'")
        filters.setdefault(key, []).append(value)
    last = 1 if opts["latest"] else opts["last"]
    show_all = opts["all"] or last > 0 or "status" in filters or "exited" in filters
    found = inv.engine.ordered_containers(all_containers=show_all)
    found = [c for c in found if _ps_match(inv, c, filters)]
    if last > 0:
        found = found[:last]
    format = fc.ps_format(opts["format"], opts["quiet"], opts["size"])
    with_size = opts["size"] or ".Size" in format
    store = inv.engine.images
    rows = []
    for container in found:
        try:
            current = store.resolve(container.image_ref)
        except refs.ReferenceError:
            current = None
        row = fc.ps_row(container, current, not opts["no-trunc"], with_size)
        ports = _ports_text(inv, container)
        if ports:
            row = fc.GoStruct(row.type_name, {**row, "Ports": ports})
        rows.append(row)
    inv.out(render(format, rows, fc.HEADER))
    return 0


def _ports_text(inv: Invocation, container: Container) -> str:
    """api/types DisplayablePorts for a running container: published ports on both address
    families, exposed ones alone."""
    if not container.running:
        return ""
    published = dict((c, h) for h, c in inv.docker.ports.get(container.id, []) if h)
    exposed = set(container.config.get("ExposedPorts") or {}) | set(published)
    exposed |= {c for _, c in inv.docker.ports.get(container.id, [])}
    parts = []
    for port in sorted(exposed, key=lambda p: (int(p.split("/")[0]), p)):
        host = published.get(port)
        if host:
            parts.append(f"0.0.0.0:{host}->{port}, :::{host}->{port}")
        else:
            parts.append(port)
    return ", ".join(parts)


# --- diff / commit / logs -------------------------------------------------------------------------
def run_diff(inv: Invocation) -> int:
    container = _container(inv, inv.args[0])
    inv.out(fc.diff_lines(container.changes()))
    return 0


COMMIT_CHANGES = {"CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "ONBUILD",
                  "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}  # fmt: skip


def _json_or_shell(rest: str) -> list[str]:
    import json

    text = rest.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return value
        except ValueError:
            pass
    return ["/bin/sh", "-c", text]


def parse_changes(container: Container, changes: list[str]) -> dict[str, Any]:
    """`docker commit -c`: Dockerfile instructions applied to the container's config (moby
    builder BuildFromConfig); ENTRYPOINT clears CMD unless CMD is among the changes."""
    config = container.config
    out: dict[str, Any] = {}
    saw_cmd = False
    for change in changes:
        keyword, _, rest = change.strip().partition(" ")
        upper = keyword.upper()
        if upper not in COMMIT_CHANGES:
            raise daemon_error(f"{keyword.lower()} is not a valid change command")
        if upper == "CMD":
            out["Cmd"], saw_cmd = _json_or_shell(rest), True
        elif upper == "ENTRYPOINT":
            out["Entrypoint"] = _json_or_shell(rest)
            if not saw_cmd:
                out["Cmd"] = None
        elif upper == "ENV":
            pairs = _pairs(rest)
            base = out.get("Env", config.get("Env") or [])
            out["Env"] = merge_env(base, [f"{k}={v}" for k, v in pairs])
        elif upper == "LABEL":
            labels = dict(out.get("Labels", config.get("Labels") or {}))
            labels.update(_pairs(rest))
            out["Labels"] = labels
        elif upper == "EXPOSE":
            ports = dict(out.get("ExposedPorts", config.get("ExposedPorts") or {}))
            for port in rest.split():
                ports[port if "/" in port else port + "/tcp"] = {}
            out["ExposedPorts"] = ports
        elif upper == "VOLUME":
            volumes = dict(out.get("Volumes", config.get("Volumes") or {}))
            for path in _json_or_words(rest):
                volumes[path] = {}
            out["Volumes"] = volumes
        elif upper == "USER":
            out["User"] = rest.strip()
        elif upper == "WORKDIR":
            out["WorkingDir"] = posixpath.join(config.get("WorkingDir") or "/", rest.strip())
        elif upper == "STOPSIGNAL":
            out["StopSignal"] = rest.strip()
        else:
            raise NotSimulated(f"docker commit --change {upper} is not simulated")
    return out


def _pairs(text: str) -> list[tuple[str, str]]:
    import shlex

    words = shlex.split(text)
    if len(words) >= 2 and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    return [tuple(w.split("=", 1)) if "=" in w else (w, "") for w in words]  # type: ignore[misc]


def _json_or_words(text: str) -> list[str]:
    import json

    if text.strip().startswith("["):
        try:
            return [str(v) for v in json.loads(text)]
        except ValueError:
            pass
    return text.split()


def run_commit(inv: Invocation) -> int:
    opts = inv.opts
    container = _container(inv, inv.args[0])
    ref = inv.args[1] if len(inv.args) > 1 else None
    if ref:
        try:
            named = refs.parse_normalized_named(ref)
        except refs.ReferenceError as error:
            raise CliError(str(error)) from None
        if named.digest:
            raise CliError("refusing to create a tag with a digest reference")
    changes = parse_changes(container, opts["change"])
    image = inv.engine.commit(container, ref, opts["message"], opts["author"], changes)
    inv.out(image.id + "\n")
    return 0


def run_logs(inv: Invocation) -> int:
    container = _container(inv, inv.args[0])
    # The log is one sequence of lines, each from one stream (the json-file driver's entries):
    # --tail counts lines across both, and they come back in the order they were written.
    lines = [
        (fd, line)
        for fd, data in inv.docker.logs.get(container.id, ())
        for line in data.splitlines(keepends=True)
    ]
    tail = inv.opts["tail"]
    if tail not in ("all", ""):
        count = int(tail) if tail.isdigit() else -1
        if count >= 0:
            lines = lines[-count:] if count else []
    inv.write(lines)
    return 0


# --- cp -------------------------------------------------------------------------------------------
def _split_cp(arg: str) -> tuple[str, str]:
    """cp.go `splitCpArg`: `CONTAINER:PATH`, unless the path is absolute or starts with `.`."""
    if arg.startswith("/"):
        return "", arg
    container, sep, path = arg.partition(":")
    if not sep or container.startswith("."):
        return "", arg
    return container, path


def copy_tree(src: FileSystem, src_path: str, dst: FileSystem, dst_path: str) -> None:
    """Copy a file, symlink or directory tree between two file systems (content shared, not
    duplicated: contents are immutable)."""
    stat = src.stat(src_path, follow_symlinks=False)
    if stat.kind == "symlink":
        if dst.exists(dst_path) or _lexists(dst, dst_path):
            dst.remove(dst_path, recursive=True)
        dst.symlink(stat.target or "", dst_path)
        return
    if stat.kind == "file":
        if _lexists(dst, dst_path) and dst.stat(dst_path, follow_symlinks=False).kind == "dir":
            raise FsError("EISDIR", dst_path)
        dst.write_content(dst_path, src.content(src_path), stat.mode)
        dst.chmod(dst_path, stat.mode)
        return
    if not _lexists(dst, dst_path):
        dst.mkdir(dst_path, stat.mode)
    elif dst.stat(dst_path).kind != "dir":
        raise FsError("ENOTDIR", dst_path)
    for name in src.listdir(src_path):
        copy_tree(src, _join(src_path, name), dst, _join(dst_path, name))


def _join(a: str, b: str) -> str:
    return a.rstrip("/") + "/" + b


def _lexists(fs: FileSystem, path: str) -> bool:
    try:
        fs.stat(path, follow_symlinks=False)
    except FsError:
        return False
    return True


def _copy(src: FileSystem, src_arg: str, dst: FileSystem, dst_arg: str, where: str) -> None:
    """archive.CopyInfo semantics (docker cp docs): into an existing directory under the
    source's name; `SRC/.` copies a directory's contents; otherwise to the destination name."""
    src_path = normalise(src_arg)
    contents_only = src_arg.endswith("/.") or src_arg == "."
    src_stat = src.stat(src_path)
    dst_path = normalise(dst_arg)
    if _lexists(dst, dst_path) and dst.stat(dst_path).kind == "dir":
        if src_stat.kind == "dir" and contents_only:
            target = dst_path
        else:
            target = _join(dst_path, posixpath.basename(src_path) or "/")
    else:
        if dst_arg.endswith("/") and src_stat.kind != "dir":
            raise CliError(f'destination "{where}{dst_arg}" must be a directory')
        parent = posixpath.dirname(dst_path)
        if not dst.exists(parent):
            raise FsError("ENOENT", parent)
        if _lexists(dst, dst_path) and src_stat.kind == "dir":
            raise CliError("cannot copy a directory to a file")
        target = dst_path
    copy_tree(src, src_path, dst, target)


def run_cp(inv: Invocation) -> int:
    source, destination = inv.args
    if not source:
        raise CliError("source can not be empty")
    if not destination:
        raise CliError("destination can not be empty")
    src_container, src_path = _split_cp(source)
    dst_container, dst_path = _split_cp(destination)
    if src_container and dst_container:
        raise CliError("copying between containers is not supported")
    if not src_container and not dst_container:
        raise CliError("must specify at least one container source")
    if src_path == "-" or dst_path == "-":
        raise NotSimulated("docker cp with a tar stream (-) is not simulated")
    host = inv.host.fs
    if src_container:
        container = _container(inv, src_container)
        path = posixpath.join(container.config.get("WorkingDir") or "/", src_path)
        if not container.fs.exists(normalise(path)):
            raise daemon_error(f"Could not find the file {src_path} in container {src_container}")
        local = inv.host_path(dst_path) + ("/" if dst_path.endswith("/") else "")
        try:
            _copy(container.fs, path, host, local, "")
        except FsError as error:
            raise CliError(f"{error.path}: {error.strerror.lower()}") from None
        return 0
    container = _container(inv, dst_container)
    local = inv.host_path(src_path) + ("/." if src_path.endswith("/.") else "")
    if not host.exists(normalise(local)):
        raise CliError(f"lstat {normalise(local)}: no such file or directory")
    if container.read_only:
        raise daemon_error("container rootfs is marked read-only")
    path = posixpath.join(container.config.get("WorkingDir") or "/", dst_path)
    path += "/" if dst_path.endswith("/") else ""
    try:
        _copy(host, local, container.fs, path, f"{dst_container}:")
    except FsError as error:
        raise daemon_error(f"{error.path}: {error.strerror.lower()}") from None
    return 0


# --- container prune ------------------------------------------------------------------------------
def run_container_prune(inv: Invocation) -> int:
    warning = (
        "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?"
    )
    reclaimed = 0
    if inv.opts["force"] or confirmed(inv, warning):
        removed = []
        for container in inv.engine.ordered_containers():
            if not container.running:
                reclaimed += container.size_rw
                inv.engine.remove_container(container)
                removed.append(container.id)
        if removed:
            inv.out("Deleted Containers:\n" + "".join(f"{c}\n" for c in removed) + "\n")
    inv.out(f"Total reclaimed space: {size4(reclaimed)}\n")
    return 0


# --- the command table ----------------------------------------------------------------------------
def _both(words: str, usage: str, short: str, run: Any, flags: tuple, args: Any, **kw: Any):
    """A command under `docker X` and `docker container X`."""
    top = Command(f"docker {words}", usage, short, run, flags, args, **kw)
    nested = Command(f"docker container {words}", usage, short, run, flags, args, **kw)
    return {(words,): top, ("container", words): nested}


RUN_USAGE = "[OPTIONS] IMAGE [COMMAND] [ARG...]"
COMMANDS = {
    **_both("run", RUN_USAGE, "Create and run a new container from an image", run_run,
            RUN_FLAGS, at_least(1), interspersed=False),
    **_both("create", RUN_USAGE, "Create a new container", run_create, CREATE_FLAGS,
            at_least(1), interspersed=False),
    **_both("start", "[OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers",
            run_start, (Flag("attach", "a", BOOL), Flag("interactive", "i", BOOL),
                        *unsimulated("detach-keys", "checkpoint", "checkpoint-dir")), at_least(1)),
    **_both("exec", "[OPTIONS] CONTAINER COMMAND [ARG...]",
            "Execute a command in a running container", run_exec, EXEC_FLAGS, at_least(2),
            interspersed=False),
    **_both("stop", "[OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers",
            run_stop, (Flag("time", "t", INT), Flag("signal", "s", STRING)), at_least(1)),
    **_both("rm", "[OPTIONS] CONTAINER [CONTAINER...]", "Remove one or more containers", run_rm,
            (Flag("force", "f", BOOL), Flag("volumes", "v", BOOL), *unsimulated("link:l=b")),
            at_least(1)),
    **_both("diff", "CONTAINER",
            "Inspect changes to files or directories on a container's filesystem", run_diff, (),
            exactly(1)),
    **_both("commit", "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
            "Create a new image from a container's changes", run_commit,
            (Flag("message", "m", STRING), Flag("author", "a", STRING),
             Flag("change", "c", LIST), Flag("pause", "p", BOOL, default=True)), between(1, 2)),
    **_both("cp", "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- "
            "CONTAINER:DEST_PATH", "Copy files/folders between a container and the local "
            "filesystem", run_cp, (Flag("archive", "a", BOOL), Flag("follow-link", "L", BOOL),
                                   Flag("quiet", "q", BOOL)), exactly(2)),
    **_both("logs", "[OPTIONS] CONTAINER", "Fetch the logs of a container", run_logs,
            (Flag("tail", "n", STRING, default="all"),
             *unsimulated("follow:f=b", "timestamps:t=b", "since", "until", "details=b")),
            exactly(1)),
    ("ps",): Command("docker ps", "[OPTIONS]", "List containers", run_ps, PS_FLAGS, NO_ARGS),
    ("container", "ls"): Command("docker container ls", "[OPTIONS]", "List containers", run_ps,
                                 PS_FLAGS, NO_ARGS),
    ("container", "list"): Command("docker container ls", "[OPTIONS]", "List containers",
                                   run_ps, PS_FLAGS, NO_ARGS),
    ("container", "ps"): Command("docker container ls", "[OPTIONS]", "List containers", run_ps,
                                 PS_FLAGS, NO_ARGS),
    ("container", "prune"): Command("docker container prune", "[OPTIONS]",
                                    "Remove all stopped containers", run_container_prune,
                                    (Flag("force", "f", BOOL), *unsimulated("filter=l")),
                                    NO_ARGS),
}  # fmt: skip
