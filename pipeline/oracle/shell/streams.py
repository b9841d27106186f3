"""Standard input and output of programs, without ever holding more than the limits allow.

A `Source` is what a program reads: a pipe's bytes, a file's lazy `Content` (so `wc -c < big`
reads a size, not a gigabyte), or an endless device such as `/dev/zero`. A `Sink` is where it
writes: a `Buffer` (a pipe, `$(...)`, a captured output), `/dev/null`, or a file that is written
back to the file system when the command ends. Buffers keep lazy content lazy, so
`cat big | sha256sum` streams and `cat big > copy` shares the zero runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from pipeline.oracle.content import CHUNK, Content
from pipeline.oracle.shell.limits import Budget, LimitExceeded

SMALL = 1 << 16  # content up to this size is copied as bytes rather than kept as a reference


def as_content(content: object) -> Content:
    """Any `fsapi.Content` as the concrete, appendable `Content`."""
    if isinstance(content, Content):
        return content
    return Content.from_chunks(content.chunks())  # type: ignore[attr-defined]


class Source:
    """Readable input: finite `Content`, or an endless device (`size` is None). Like a file
    descriptor it has an offset, so `while read line` consumes a file line by line."""

    def __init__(
        self,
        content: Content | None = None,
        *,
        regular: bool = False,
        endless: str | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.content = content if content is not None else Content.empty()
        self.regular = regular  # a file redirected with `<` (wc aligns its columns on the size)
        self.endless = endless  # "zero" or "random"
        self.budget = budget or Budget()
        self.offset = 0

    @classmethod
    def of(cls, data: bytes, budget: Budget | None = None) -> Source:
        return cls(Content.of(data), budget=budget)

    @property
    def size(self) -> int | None:
        """What is left to read (None for an endless device)."""
        return None if self.endless else self.content.size - self.offset

    def _rest(self) -> Content:
        rest = self.content.slice(self.offset) if self.offset else self.content
        self.offset = self.content.size
        return rest

    def chunks(self, chunk_size: int = CHUNK) -> Iterator[bytes]:
        if not self.endless:
            yield from self._rest().chunks(chunk_size)
            return
        cap = self.budget.limits.max_pipe_bytes
        produced = 0
        counter = 0
        while True:
            if produced >= cap:
                raise LimitExceeded(
                    "max_pipe_bytes", cap, f"reading the endless /dev/{self.endless}"
                )
            if self.endless == "zero":
                chunk = bytes(min(chunk_size, 1 << 16))
            else:
                chunk = _pseudo_random(counter, min(chunk_size, 1 << 16))
                counter += 1
            produced += len(chunk)
            yield chunk

    def read(self, length: int) -> bytes:
        """Up to `length` bytes (enough for `head -c`)."""
        if not self.endless:
            data = self.content.read(self.offset, length)
            self.offset += len(data)
            return data
        out = bytearray()
        for chunk in self.chunks():
            out += chunk
            if len(out) >= length:
                break
        return bytes(out[:length])

    def readline(self) -> tuple[bytes, bool]:
        """The next line with its newline, and whether a newline ended it."""
        if self.endless:
            return self.read(1 << 16), False
        out = bytearray()
        size = self.content.size
        while self.offset < size:
            piece = self.content.read(self.offset, 4096)
            end = piece.find(b"\n")
            if end >= 0:
                out += piece[: end + 1]
                self.offset += end + 1
                return bytes(out), True
            out += piece
            self.offset += len(piece)
            self.budget.check_bytes(len(out), "max_variable_bytes", "one line read")
        return bytes(out), False

    def read_all(self) -> bytes:
        """Everything left, for programs that need it whole (sort, sed): max_pipe_bytes."""
        if self.endless:
            cap = self.budget.limits.max_pipe_bytes
            raise LimitExceeded("max_pipe_bytes", cap, f"reading the endless /dev/{self.endless}")
        self.budget.check_bytes(self.size or 0, "max_pipe_bytes", "input read whole")
        return self._rest().read()

    def as_content(self, length: int | None = None) -> Content:
        """The input as lazy content; an endless device needs a `length`."""
        if not self.endless:
            if length is None:
                return self._rest()
            rest = self.content.slice(self.offset, self.offset + length)
            self.offset += rest.size
            return rest
        if length is None:
            self.read_all()  # raises the limit error
        if self.endless == "zero":
            return Content.zeros(length or 0)
        self.budget.check_bytes(length or 0, "max_pipe_bytes", "pseudo-random bytes")
        return Content.of(self.read(length or 0))


def _pseudo_random(counter: int, size: int) -> bytes:
    """Deterministic stand-in for /dev/urandom (outcomes must never depend on the machine)."""
    out = bytearray()
    block = 0
    while len(out) < size:
        out += hashlib.sha256(f"urandom:{counter}:{block}".encode()).digest()
        block += 1
    return bytes(out[:size])


class Sink:
    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def write_content(self, content: Content) -> None:
        for chunk in content.chunks():
            self.write(chunk)

    def write_text(self, text: str) -> None:
        self.write(text.encode("utf-8", "surrogateescape"))

    def close(self) -> None:
        """Called when the redirection ends; files are written back here."""


class NullSink(Sink):
    """`/dev/null`: lazy content is dropped without being read."""

    def write(self, data: bytes) -> None:
        pass

    def write_content(self, content: Content) -> None:
        pass


class Buffer(Sink):
    """Collected output. Bytes held in memory are capped by `limit` (a field of Limits); zero
    runs of lazy content cost nothing and are kept as runs."""

    def __init__(self, budget: Budget, limit: str = "max_pipe_bytes", what: str = "pipe") -> None:
        self.budget = budget
        self.limit = limit
        self.cap = getattr(budget.limits, limit)
        self.what = what
        self.segments: list[bytes | int] = []
        self.pending = bytearray()
        self.held = 0  # bytes in memory (not zero runs)
        self.size = 0

    def _grow(self, held: int, size: int) -> None:
        self.held += held
        self.size += size
        if self.held > self.cap:
            raise LimitExceeded(self.limit, self.cap, self.what)

    def write(self, data: bytes) -> None:
        if data:
            self._grow(len(data), len(data))
            self.pending += data

    def write_content(self, content: Content) -> None:
        content = as_content(content)
        if content.size <= SMALL:
            self.write(content.read())
            return
        self._flush()
        for segment in content.pieces():
            if isinstance(segment, int):
                self._grow(0, segment)
            else:
                self._grow(len(segment), len(segment))
            self.segments.append(segment)

    def _flush(self) -> None:
        if self.pending:
            self.segments.append(bytes(self.pending))
            self.pending.clear()

    def content(self) -> Content:
        self._flush()
        return Content(self.segments)

    def getvalue(self, limit: str | None = None) -> bytes:
        """All bytes; `limit` caps what may be materialised (zero runs included)."""
        self.budget.check_bytes(self.size, limit or self.limit, self.what)
        if not self.segments:
            return bytes(self.pending)
        return self.content().read()

    def source(self) -> Source:
        return Source(self.content(), budget=self.budget)


class FileSink(Sink):
    """`> file` / `>> file`: the file is created or emptied when opened (so `cat f > f` reads
    nothing, as in a real shell) and receives what was written when the command ends."""

    def __init__(self, writer: FileWriter, path: str, budget: Budget, append: bool) -> None:
        self.writer = writer
        self.path = path
        self.append = append
        self.buffer = Buffer(budget, "max_pipe_bytes", f"output to {path}")
        self.closed = False

    def write(self, data: bytes) -> None:
        self.buffer.write(data)

    def write_content(self, content: Content) -> None:
        self.buffer.write_content(content)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.buffer.size or not self.append:
            self.writer.flush(self.path, self.buffer.content(), self.append)


class FileWriter:
    """What a FileSink needs from the shell: the write-back (kept abstract for the tests)."""

    def flush(self, path: str, content: Content, append: bool) -> None:
        raise NotImplementedError
