"""Path arithmetic on plain strings: the image model and the shell never use `os.path`."""

from __future__ import annotations


def join(cwd: str, path: str) -> str:
    """`path` made absolute against `cwd`; `..` is left for the file system to resolve through
    symlinks, as the kernel does."""
    if path.startswith("/"):
        return path
    if not path:
        return cwd
    return cwd.rstrip("/") + "/" + path


def normalise(path: str) -> str:
    """Lexical clean-up (`/a/./b/../c` -> `/a/c`), never above `/`: what `cd` does to $PWD."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def basename(path: str) -> str:
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else ""
    return stripped.rsplit("/", 1)[-1]


def dirname(path: str) -> str:
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else "."
    if "/" not in stripped:
        return "."
    head = stripped.rsplit("/", 1)[0].rstrip("/")
    return head or "/"
