"""tar (GNU tar 1.34: -c -x -t, -f, -v, -z, -C, -O, member names) and gzip/gunzip/zcat.

Archives are read and written as lazy `Content`: a layer tar from `docker save` holding a 1 GiB
zero run is listed and extracted without building its bytes. Only gzip materialises (and is
capped by the pipe limit). Entries are listed in the archive's order; archives this tar creates
hold directory entries in name order (a real tar follows the directory's own order).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from pipeline.oracle.content import Content
from pipeline.oracle.fsapi import FsError, Stat
from pipeline.oracle.paths import join, normalise
from pipeline.oracle.shell.limits import NotSimulated
from pipeline.oracle.shell.programs.base import Invocation, program
from pipeline.oracle.shell.programs.listing import mode_string
from pipeline.oracle.shell.streams import as_content
from pipeline.oracle.shell.users import group_name, user_name

BLOCK = 512
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Member:
    name: str
    kind: str  # file, dir, symlink, hardlink
    mode: int
    uid: int
    gid: int
    uname: str
    gname: str
    mtime: int
    linkname: str
    data: Content


class TarError(Exception):
    pass


def _octal(field: bytes) -> int:
    if field and field[0] & 0x80:  # base-256 (GNU) for big numbers
        return int.from_bytes(bytes([field[0] & 0x7F]) + field[1:], "big")
    text = field.split(b"\0", 1)[0].strip()
    return int(text, 8) if text else 0


def _text(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _pax_records(data: bytes) -> dict[str, str]:
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space < 0:
            break
        length = int(data[pos:space])
        key, _, value = data[space + 1 : pos + length - 1].partition(b"=")
        records[key.decode()] = value.decode("utf-8", "surrogateescape")
        pos += length
    return records


def read_members(archive: Content) -> Iterator[Member]:
    """The entries of a tar stream (ustar, GNU and PAX headers)."""
    pos = 0
    pending: dict[str, str] = {}
    size_total = archive.size
    while pos + BLOCK <= size_total:
        header = archive.read(pos, BLOCK)
        if header.count(0) == BLOCK:
            return
        checksum = _octal(header[148:156])
        if checksum != sum(header[:148]) + 256 + sum(header[156:]):
            raise TarError("This does not look like a tar archive")
        size = _octal(header[124:136])
        kind = chr(header[156]) if header[156] else "0"
        data = archive.slice(pos + BLOCK, pos + BLOCK + size)
        pos += BLOCK + -(-size // BLOCK) * BLOCK
        if kind in ("x", "g"):
            pending.update(_pax_records(data.read()))
            continue
        if kind in ("L", "K"):
            pending["path" if kind == "L" else "linkpath"] = data.read().rstrip(b"\0").decode()
            continue
        name = _text(header[0:100])
        if header[257:262] == b"ustar" and header[345:500].strip(b"\0"):
            name = _text(header[345:500]) + "/" + name
        name = pending.pop("path", name)
        linkname = pending.pop("linkpath", _text(header[157:257]))
        size = int(pending.pop("size", size))
        pending.clear()
        yield Member(
            name=name,
            kind={"5": "dir", "2": "symlink", "1": "hardlink"}.get(kind, "file"),
            mode=_octal(header[100:108]) & 0o7777,
            uid=_octal(header[108:116]),
            gid=_octal(header[116:124]),
            uname=_text(header[265:297]),
            gname=_text(header[297:329]),
            mtime=_octal(header[136:148]),
            linkname=linkname,
            data=data if kind in ("0", "7") else Content.empty(),
        )


def _header(member: Member) -> bytes:
    """A GNU-format header (GNU tar's default), with a ././@LongLink entry for long names."""
    out = b""
    name = member.name.encode("utf-8", "surrogateescape")
    if len(name) > 99:
        long = _header_block(b"././@LongLink", 0o644, 0, 0, len(name) + 1, 0, b"L", b"", b"", b"")
        out += long + _padded(name + b"\0")
        name = name[:99]
    kind = {"dir": b"5", "symlink": b"2", "hardlink": b"1"}.get(member.kind, b"0")
    out += _header_block(
        name,
        member.mode,
        member.uid,
        member.gid,
        member.data.size,
        member.mtime,
        kind,
        member.linkname.encode(),
        member.uname.encode(),
        member.gname.encode(),
    )
    return out


def _header_block(
    name: bytes,
    mode: int,
    uid: int,
    gid: int,
    size: int,
    mtime: int,
    kind: bytes,
    linkname: bytes,
    uname: bytes,
    gname: bytes,
) -> bytes:
    def number(value: int, width: int) -> bytes:
        text = f"{value:0{width - 1}o}".encode()
        if len(text) > width - 1:
            return bytes([0x80]) + value.to_bytes(width - 1, "big")
        return text + b"\0"

    header = bytearray(BLOCK)
    header[0:100] = name[:100].ljust(100, b"\0")
    header[100:108] = number(mode, 8)
    header[108:116] = number(uid, 8)
    header[116:124] = number(gid, 8)
    header[124:136] = number(size, 12)
    header[136:148] = number(mtime, 12)
    header[148:156] = b" " * 8
    header[156:157] = kind
    header[157:257] = linkname[:100].ljust(100, b"\0")
    header[257:265] = b"ustar  \0"  # the GNU magic
    header[265:297] = uname[:32].ljust(32, b"\0")
    header[297:329] = gname[:32].ljust(32, b"\0")
    checksum = sum(header)
    header[148:156] = f"{checksum:06o}".encode() + b"\0 "
    return bytes(header)


def _padded(data: bytes) -> bytes:
    return data + bytes(-len(data) % BLOCK)


# -- the tar program ---------------------------------------------------------------------------


@dataclass
class _TarOptions:
    mode: str = ""
    archive: str | None = None
    verbose: bool = False
    gzip: bool = False
    directory: str | None = None
    to_stdout: bool = False
    operands: list[str] | None = None


def _parse_tar_args(inv: Invocation) -> _TarOptions:
    args = list(inv.argv[1:])
    options = _TarOptions(operands=[])
    old_style = bool(args) and not args[0].startswith("-")
    if old_style:
        args[0] = "-" + args[0]  # `tar xvf file`: the old bundled form
    modes = {"c": "create", "x": "extract", "t": "list"}
    longs = {"--create": "c", "--extract": "x", "--get": "x", "--list": "t", "--verbose": "v"}
    longs |= {"--gzip": "z", "--gunzip": "z", "--to-stdout": "O"}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            if name in ("--file", "--directory"):
                if not eq:
                    value = args[i] if i < len(args) else ""
                    i += 1
                if name == "--file":
                    options.archive = value
                else:
                    options.directory = value
                continue
            letters = longs.get(name)
            if letters is None:
                raise NotSimulated(f"{inv.name}: option '{name}' is not simulated by the oracle")
            arg = "-" + letters
        if arg.startswith("-") and arg != "-":
            for j, letter in enumerate(arg[1:], start=1):
                if letter in modes:
                    options.mode = modes[letter]
                elif letter == "v":
                    options.verbose = True
                elif letter == "z":
                    options.gzip = True
                elif letter == "O":
                    options.to_stdout = True
                elif letter in ("f", "C"):
                    rest = arg[j + 1 :]
                    value = rest if rest else (args[i] if i < len(args) else None)
                    if value is None:
                        if old_style and i == 1:
                            raise _TarUsage(f"Old option '{letter}' requires an argument.")
                        raise _TarUsage(f"option requires an argument -- '{letter}'")
                    if not rest:
                        i += 1
                    if letter == "f":
                        options.archive = value
                    else:
                        options.directory = value
                    break
                elif letter in ("p", "o"):
                    continue
                else:
                    raise NotSimulated(f"{inv.name}: option '-{letter}' is not simulated")
            continue
        options.operands.append(arg)  # type: ignore[union-attr]
    return options


class _TarUsage(Exception):
    pass


@program("tar")
def tar(inv: Invocation) -> int:
    try:
        options = _parse_tar_args(inv)
        if not options.mode:
            raise _TarUsage(
                "You must specify one of the '-Acdtrux', '--delete' or '--test-label' options"
            )
    except _TarUsage as exc:
        inv.err(str(exc))
        _try_help(inv)
        return 2
    base = inv.path(options.directory) if options.directory else inv.cwd
    if options.mode == "create":
        return _create(inv, options, base)
    try:
        archive = _read_archive(inv, options)
    except FsError as exc:
        inv.err(f"{options.archive}: Cannot open: {exc.strerror}")
        inv.err("Error is not recoverable: exiting now")
        return 2
    wanted = options.operands or []
    found: set[str] = set()
    try:
        for member in read_members(archive):
            name = member.name.rstrip("/")
            match = _selected(name, wanted)
            if wanted and match is None:
                continue
            if match is not None:
                found.add(match)
            if options.mode == "list":
                _list(inv, member, options.verbose)
            else:
                if options.verbose and not options.to_stdout:
                    inv.out(member.name + "\n")
                _extract(inv, member, base, options.to_stdout)
    except TarError as exc:
        inv.err(str(exc))
        inv.err("Exiting with failure status due to previous errors")
        return 2
    missing = [w for w in wanted if w not in found]
    for name in missing:
        inv.err(f"{name}: Not found in archive")
    if missing:
        inv.err("Exiting with failure status due to previous errors")
        return 2
    return 0


def _try_help(inv: Invocation) -> None:
    inv.stderr.write_text(
        f"Try '{inv.name} --help' or '{inv.name} --usage' for more information.\n"
    )


def _selected(name: str, wanted: list[str]) -> str | None:
    """The operand that selects a member: its own name, or a directory above it."""
    for operand in wanted:
        stem = operand.rstrip("/")
        if name == stem or name.startswith(stem + "/"):
            return operand
    return None


def _read_archive(inv: Invocation, options: _TarOptions) -> Content:
    name = options.archive
    if name is None or name == "-":
        content = inv.stdin.as_content()
    else:
        content = as_content(inv.fs.content(inv.path(name)))
    if content.read(0, 2) == GZIP_MAGIC:  # GNU tar recognises compression when reading
        content = Content.of(_gunzip(inv, content))
    return content


_LIST_WIDTH = 19  # GNU tar's UGSWIDTH: "user/group size" padded to at least this


def _list(inv: Invocation, member: Member, verbose: bool) -> None:
    if not verbose:
        inv.out(member.name + "\n")
        return
    kind = "file" if member.kind == "hardlink" else member.kind
    mode = mode_string(Stat(kind, member.mode, member.uid, member.gid, 0))  # type: ignore[arg-type]
    if member.kind == "hardlink":
        mode = "h" + mode[1:]
    owner = f"{member.uname or member.uid}/{member.gname or member.gid}"
    size = str(member.data.size)
    width = max(_LIST_WIDTH - len(owner), len(size) + 1)
    when = datetime.fromtimestamp(member.mtime, tz=UTC).strftime("%Y-%m-%d %H:%M")
    suffix = ""
    if member.kind == "symlink":
        suffix = f" -> {member.linkname}"
    elif member.kind == "hardlink":
        suffix = f" link to {member.linkname}"
    inv.out(f"{mode} {owner}{size:>{width}} {when} {member.name}{suffix}\n")


def _extract(inv: Invocation, member: Member, base: str, to_stdout: bool) -> None:
    if to_stdout:
        if member.kind == "file":
            inv.stdout.write_content(member.data)
        return
    fs = inv.fs
    path = normalise(join(base, member.name.lstrip("/")))
    parent = path.rsplit("/", 1)[0] or "/"
    fs.mkdir(parent, parents=True)
    if member.kind == "dir":
        if not fs.exists(path):
            fs.mkdir(path, member.mode)
        else:
            fs.chmod(path, member.mode)
    elif member.kind == "symlink":
        if _lexists(inv, path):
            fs.remove(path)
        fs.symlink(member.linkname, path)
        return
    elif member.kind == "hardlink":
        source = normalise(join(base, member.linkname.lstrip("/")))
        fs.write_content(path, as_content(fs.content(source)), member.mode)
    else:
        fs.write_content(path, member.data, member.mode)
    if inv.shell.ids()[0] == 0:
        fs.chown(path, member.uid, member.gid)  # root restores owners (--same-owner)
    else:
        inv.own(path)


def _lexists(inv: Invocation, path: str) -> bool:
    try:
        inv.fs.stat(path, follow_symlinks=False)
    except FsError:
        return False
    return True


def _create(inv: Invocation, options: _TarOptions, base: str) -> int:
    operands = options.operands or []
    if not operands:
        inv.err("Cowardly refusing to create an empty archive")
        _try_help(inv)
        return 2
    pieces: list[Content] = []
    status = 0
    for operand in operands:
        root = join(base, operand)
        try:
            entries = list(inv.fs.walk(root))
        except FsError as exc:
            inv.err(f"{operand}: Cannot stat: {exc.strerror}")
            status = 2
            continue
        real_root = getattr(inv.fs, "resolve", lambda p: p)(root)
        for path, stat in entries:
            rel = path[len(real_root) :].lstrip("/")
            name = operand.rstrip("/") + ("/" + rel if rel else "")
            name = name.lstrip("/") if operand.startswith("/") else name
            member = _member(inv, name, path, stat)
            if options.verbose:  # to stderr when the archive itself goes to stdout
                listing = inv.stderr if options.archive in (None, "-") else inv.stdout
                listing.write_text(member.name + "\n")
            pieces.append(Content.of(_header(member)))
            if member.data.size:
                pieces.append(member.data)
                pieces.append(Content.of(bytes(-member.data.size % BLOCK)))
    pieces.append(Content.zeros(2 * BLOCK))
    archive = Content()
    for piece in pieces:
        archive = archive.append(piece)
    archive = archive.resized(-(-archive.size // 10240) * 10240)  # GNU tar's record size
    if options.gzip:
        inv.budget.check_bytes(archive.size, "max_pipe_bytes", "an archive to compress")
        archive = Content.of(_gzip(archive.read()))
    if options.archive in (None, "-"):
        inv.stdout.write_content(archive)
    else:
        try:
            inv.fs.write_content(inv.path(options.archive), archive)
        except FsError as exc:
            inv.err(f"{options.archive}: Cannot open: {exc.strerror}")
            return 2
    return status


def _member(inv: Invocation, name: str, path: str, stat: Stat) -> Member:
    data = Content.empty()
    if stat.kind == "file":
        data = as_content(inv.fs.content(path))
    return Member(
        name=name + ("/" if stat.kind == "dir" else ""),
        kind=stat.kind,
        mode=stat.mode,
        uid=stat.uid,
        gid=stat.gid,
        uname=user_name(inv.fs, stat.uid),
        gname=group_name(inv.fs, stat.gid),
        mtime=stat.mtime,
        linkname=stat.target or "",
        data=data,
    )


# -- gzip ----------------------------------------------------------------------------------------


def _gzip(data: bytes) -> bytes:
    """gzip's format with no name and a zero time (`gzip -n`), so the bytes are reproducible."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    header = GZIP_MAGIC + b"\x08\x00" + bytes(4) + b"\x00\x03"
    size = (len(data) & 0xFFFFFFFF).to_bytes(4, "little")
    trailer = zlib.crc32(data).to_bytes(4, "little") + size
    return header + body + trailer


def _gunzip(inv: Invocation, content: Content) -> bytes:
    inv.budget.check_bytes(content.size, "max_pipe_bytes", "a compressed input")
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    for chunk in content.chunks(1 << 16):
        out += decompressor.decompress(chunk, inv.budget.limits.max_pipe_bytes)
        inv.budget.check_bytes(len(out), "max_pipe_bytes", "decompressed data")
    return bytes(out)


@program("gzip", "gunzip", "zcat")
def gzip(inv: Invocation) -> int:
    name = inv.name.rsplit("/", 1)[-1]
    args = inv.argv[1:]
    flags = set()
    operands = []
    for arg in args:
        if arg.startswith("-") and arg != "-":
            flags |= set(arg[1:])
        else:
            operands.append(arg)
    unknown = flags - set("cdkfnq9")
    if unknown:
        raise NotSimulated(f"{inv.name}: option -{''.join(sorted(unknown))} is not simulated")
    decompress = "d" in flags or name in ("gunzip", "zcat")
    to_stdout = "c" in flags or name == "zcat" or not operands
    status = 0
    for operand in operands or ["-"]:
        try:
            if operand == "-":
                content = inv.stdin.as_content()
            else:
                content = as_content(inv.fs.content(inv.path(operand)))
        except FsError as exc:
            inv.err(f"{operand}: {exc.strerror}")
            status = 1
            continue
        if decompress:
            if content.read(0, 2) != GZIP_MAGIC:
                inv.err(f"{operand}: not in gzip format")
                status = 1
                continue
            output = _gunzip(inv, content)
            target = operand[:-3] if operand.endswith(".gz") else operand + ".out"
        else:
            inv.budget.check_bytes(content.size, "max_pipe_bytes", "an input to compress")
            output = _gzip(content.read())
            target = operand + ".gz"
        if to_stdout or operand == "-":
            inv.stdout.write(output)
            continue
        inv.fs.write(inv.path(target), output)
        if "k" not in flags:
            inv.fs.remove(inv.path(operand))
    return status
