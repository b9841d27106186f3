"""Big files stay lazy: a 1 GiB `truncate` is a zero run, and the programs that only need its
size, its hash or a copy never build its bytes (checked with tracemalloc and a time bound)."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.scenario import World

GIB = 1 << 30
SHA256_OF_1GIB_OF_ZEROS = "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14"


def peak_memory(action: Callable[[], object]) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture
def big(world: World) -> World:
    assert world.shell.run("truncate -s 1G big").exit_code == 0
    return world


@pytest.mark.parametrize(
    ("script", "stdout"),
    [
        ("wc -c big", "1073741824 big\n"),
        ("wc -c < big", "1073741824\n"),
        ("wc big", "         0          0 1073741824 big\n"),  # width of the size, as GNU
        ("cat big | wc -c", "1073741824\n"),
        ("stat -c %s big", "1073741824\n"),
        ("ls -lh big | cut -d' ' -f5", "1.0G\n"),
        ("du -b big", "1073741824\tbig\n"),
        ("cat big > /dev/null; echo done", "done\n"),
        ("cp big copy && stat -c %s copy", "1073741824\n"),
        ("cat big > copy && stat -c %s copy", "1073741824\n"),
        ("cat big big > two && stat -c %s two", "2147483648\n"),
        ("mv big moved && stat -c %s moved", "1073741824\n"),
        ("head -c 4 big | od -An -tx1", " 00 00 00 00\n"),
        ("tail -c 3 big | wc -c", "3\n"),
        (
            "echo x >> big && stat -c %s big && tail -c 3 big | od -An -c",
            "1073741826\n  \\0   x  \\n\n",
        ),
        ("truncate -s +1G big && stat -c %s big", "2147483648\n"),
        (
            "dd if=/dev/zero of=dd.bin bs=1M count=1024 status=none; stat -c %s dd.bin",
            "1073741824\n",
        ),
        ("fallocate -l 1G fa && stat -c %s fa", "1073741824\n"),
        ("tee t1 < big | wc -c", "1073741824\n"),
    ],
)
def test_big_files_cost_no_memory(big: World, script: str, stdout: str) -> None:
    start = time.perf_counter()
    completed, peak = peak_memory(lambda: big.shell.run(script))
    assert (completed.exit_code, completed.stdout.decode(), completed.stderr) == (0, stdout, b"")
    assert peak < 32 << 20, f"{script!r} used {peak >> 20} MiB"
    assert time.perf_counter() - start < 5


def test_hashing_a_big_file_streams(big: World) -> None:
    completed, peak = peak_memory(lambda: big.shell.run("sha256sum big"))
    assert completed.stdout.decode() == f"{SHA256_OF_1GIB_OF_ZEROS}  big\n"
    assert peak < 32 << 20


def test_copies_share_the_lazy_content(big: World) -> None:
    big.shell.run("cp big copy; cat big > redirected")
    for name in ("copy", "redirected"):
        content = big.fs.content(f"/context/{name}")
        assert isinstance(content, Content)
        assert content.segments == (GIB,)


def test_reading_a_big_file_whole_is_refused_with_the_limit(big: World) -> None:
    from pipeline.oracle.shell.limits import LimitExceeded

    with pytest.raises(LimitExceeded) as caught:
        big.shell.run("sort big")
    assert caught.value.limit == "max_pipe_bytes"
    with pytest.raises(LimitExceeded) as caught:
        big.shell.run("cat big")  # to the captured output
    assert caught.value.limit == "max_output_bytes"
