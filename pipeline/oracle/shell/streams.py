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
    """Readable input: finite `Content`, then optionally an endless tail (`/dev/zero`,
    `/dev/urandom`, `yes`), in which case `size` is None. Like a file descriptor it has an
    offset, so `while read line` consumes a file line by line."""

    def __init__(
        self,
        content: Content | None = None,
        *,
        regular: bool = False,
        endless: str | None = None,
        pattern: bytes = b"",
        budget: Budget | None = None,
    ) -> None:
        self.content = content if content is not None else Content.empty()
        self.regular = regular  # a file redirected with `<` (wc aligns its columns on the size)
        self.endless = endless  # "zero", "random" or "repeat" (of `pattern`)
        self.pattern = pattern
        self.budget = budget or Budget()
        self.offset = 0

    @classmethod
    def of(cls, data: bytes, budget: Budget | None = None) -> Source:
        return cls(Content.of(data), budget=budget)

    @property
    def size(self) -> int | None:
        """What is left to read (None when endless)."""
        return None if self.endless else self.content.size - self.offset

    def _endless_error(self) -> LimitExceeded:
        cap = self.budget.limits.max_pipe_bytes
        what = {"repeat": "yes", "zero": "/dev/zero"}.get(self.endless or "", "/dev/urandom")
        return LimitExceeded("max_pipe_bytes", cap, f"reading the endless output of {what}")

    def _tail(self, start: int, length: int) -> bytes:
        """Bytes `start`..`start+length` of the endless part (deterministic for urandom: the
        outcome never depends on the machine)."""
        if self.endless == "zero":
            return bytes(length)
        if self.endless == "repeat":
            period = len(self.pattern)
            shift = start % period
            copies = (shift + length) // period + 1
            return (self.pattern * copies)[shift : shift + length]
        first, last = start // 32, (start + length) // 32
        blocks = b"".join(
            hashlib.sha256(f"urandom:{n}".encode()).digest() for n in range(first, last + 1)
        )
        return blocks[start - first * 32 : start - first * 32 + length]

    def read(self, length: int) -> bytes:
        """Up to `length` bytes from the offset (enough for `head -c`)."""
        self.budget.charge(min(length, 1 << 16))
        data = self.content.read(self.offset, length)
        if self.endless and len(data) < length:
            start = self.offset + len(data) - self.content.size
            data += self._tail(start, length - len(data))
        self.offset += len(data)
        return data

    def chunks(self, chunk_size: int = CHUNK) -> Iterator[bytes]:
        if not self.endless:
            rest = self.content.slice(self.offset) if self.offset else self.content
            self.offset = self.content.size
            for chunk in rest.chunks(chunk_size):
                self.budget.charge(len(chunk))
                yield chunk
            return
        cap = self.budget.limits.max_pipe_bytes
        while self.offset < cap:
            yield self.read(min(chunk_size, 1 << 16))
        raise self._endless_error()

    def readline(self) -> tuple[bytes, bool]:
        """The next line with its newline, and whether a newline ended it."""
        out = bytearray()
        while self.endless or self.offset < self.content.size:
            piece = self.read(4096)
            end = piece.find(b"\n")
            if end >= 0:
                out += piece[: end + 1]
                self.offset -= len(piece) - end - 1
                return bytes(out), True
            out += piece
            self.budget.check_bytes(len(out), "max_variable_bytes", "one line read")
        return bytes(out), False

    def read_all(self) -> bytes:
        """Everything left, for programs that need it whole (sort, sed): max_pipe_bytes."""
        if self.endless:
            raise self._endless_error()
        self.budget.check_bytes(self.size or 0, "max_pipe_bytes", "input read whole")
        self.budget.charge(self.size or 0)
        data = self.content.read(self.offset)
        self.offset = self.content.size
        return data

    def as_content(self, length: int | None = None) -> Content:
        """The input as lazy content (an endless input needs a `length`)."""
        if self.endless:
            if length is None:
                raise self._endless_error()
            if self.endless == "zero" and self.offset >= self.content.size:
                self.offset += length
                return Content.zeros(length)
            self.budget.check_bytes(length, "max_pipe_bytes", "bytes read from an endless input")
            return Content.of(self.read(length))
        end = self.content.size if length is None else min(self.content.size, self.offset + length)
        rest = self.content.slice(self.offset, end)
        self.offset = end
        return rest


class Sink:
    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def write_content(self, content: Content) -> None:
        for chunk in content.chunks():
            self.write(chunk)

    def write_text(self, text: str) -> None:
        self.write(text.encode("utf-8", "surrogateescape"))

    def write_endless(self, pattern: bytes, what: str, budget: Budget) -> None:
        """`pattern` repeated forever (`yes`). Only a pipe can take it (its reader stops
        reading); anywhere else it would run until the limit."""
        cap = budget.limits.max_pipe_bytes
        raise LimitExceeded("max_pipe_bytes", cap, f"{what} writes forever")

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
        self.endless: bytes | None = None  # a pattern written forever after the content

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

    def write_endless(self, pattern: bytes, what: str, budget: Budget) -> None:
        if self.limit != "max_pipe_bytes":
            super().write_endless(pattern, what, budget)
        self.endless = pattern

    def source(self) -> Source:
        if self.endless is not None:
            content = self.content()
            return Source(content, endless="repeat", pattern=self.endless, budget=self.budget)
        return Source(self.content(), budget=self.budget)


class Interleaving:
    """The order in which a program wrote its standard output and error, which two separate
    buffers lose (a terminal, `2>&1` and `docker logs` show both streams as written)."""

    def __init__(self) -> None:
        self.chunks: list[tuple[int, bytes | Content]] = []

    def note(self, fd: int, data: bytes | Content) -> None:
        last = self.chunks[-1] if self.chunks else None
        if last and last[0] == fd and isinstance(last[1], bytes) and isinstance(data, bytes):
            self.chunks[-1] = (fd, last[1] + data)
        elif data if isinstance(data, bytes) else data.size:
            self.chunks.append((fd, data))

    def output(self) -> tuple[tuple[int, bytes], ...]:
        """The chunks as bytes: read only after the buffers' own limits were checked."""
        return tuple((fd, d if isinstance(d, bytes) else d.read()) for fd, d in self.chunks)


class RecordedBuffer(Buffer):
    """A Buffer for one descriptor that also notes each write in a shared `Interleaving`."""

    def __init__(self, budget: Budget, fd: int, order: Interleaving, what: str) -> None:
        super().__init__(budget, "max_output_bytes", what)
        self.fd = fd
        self.order = order

    def write(self, data: bytes) -> None:
        super().write(data)
        self.order.note(self.fd, bytes(data))

    def write_content(self, content: Content) -> None:
        content = as_content(content)
        super().write_content(content)  # small content comes back through write()
        if content.size > SMALL:
            self.order.note(self.fd, content)


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
