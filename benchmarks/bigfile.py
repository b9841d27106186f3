"""Benchmark: a 1 GB file in an image layer, a container appending one byte, its size.

`truncate -s 1G /big` in an image layer, then a container that runs `printf ! >> /big`: overlayfs
copies the whole file up, so `docker ps -s` shows about 1.07GB for the container
(docker-image-semantics.md §6.3). Targets: under 2 s and 150 MB.

Run: python benchmarks/bigfile.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.oracle.content import Content  # noqa: E402
from pipeline.oracle.engine import Engine  # noqa: E402
from pipeline.oracle.image import HistoryEntry, Image  # noqa: E402
from pipeline.oracle.layer import ChangeSet, Entry, Layer  # noqa: E402
from pipeline.oracle.process import Completed  # noqa: E402

GIB = 1 << 30


class AppendOneByte:
    """A Runner whose only program appends one byte to /big."""

    def run(self, fs, process):
        fs.write("/big", b"!", append=True)
        return Completed(0)


def human(size: int) -> str:
    """go-units HumanSizeWithPrecision(size, 3)."""
    value, units = float(size), ["B", "kB", "MB", "GB", "TB"]
    i = 0
    while value >= 1000 and i < len(units) - 1:
        value /= 1000
        i += 1
    return f"{value:.3g}{units[i]}"


@dataclass
class Result:
    image: str
    image_size: int
    size_rw: int
    size_root_fs: int
    build_s: float
    run_ms: float
    total_s: float


def scenario() -> Result:
    start = time.perf_counter()
    engine = Engine.with_catalogue(AppendOneByte())
    alpine = engine.images.get("alpine")
    big = Entry.file(Content.zeros(GIB), mtime=engine.clock.epoch())
    layer = Layer(ChangeSet().add("/big", big))
    step = HistoryEntry(engine.clock.now(), "RUN /bin/sh -c truncate -s 1G /big # buildkit")
    image = Image(alpine.config.with_history(step), [*alpine.layers, layer])
    engine.images.add(image, tags=["big"])  # the image ID needs the 1 GiB layer's DiffID
    built = time.perf_counter()
    container, _ = engine.run("big", cmd=["sh", "-c", "printf ! >> /big"])
    size_rw, size_root_fs = container.size_rw, container.size_root_fs
    done = time.perf_counter()
    return Result(
        image.short_id,
        image.size,
        size_rw,
        size_root_fs,
        built - start,
        (done - built) * 1000,
        done - start,
    )


def main() -> int:
    if "--traced" in sys.argv:  # a fresh process, so the DiffID memo is cold here too
        tracemalloc.start()
        scenario()
        print(tracemalloc.get_traced_memory()[1])
        return 0
    result = scenario()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    traced = subprocess.run(
        [sys.executable, __file__, "--traced"], capture_output=True, text=True, check=True
    )
    peak_mb = int(traced.stdout.strip()) / 1e6
    print(f"image                      {result.image}  {human(result.image_size)}")
    print(
        f"container size             {human(result.size_rw)} (virtual {human(result.size_root_fs)})"
    )
    print(f"writable layer             {result.size_rw} bytes")
    print(f"build (hashes 1 GiB once)  {result.build_s:.2f} s")
    print(f"run + size                 {result.run_ms:.1f} ms")
    print(f"total wall time            {result.total_s:.2f} s")
    print(f"peak traced memory         {peak_mb:.1f} MB (separate traced run)")
    print(f"max RSS                    {maxrss_mb:.1f} MB")
    ok = result.size_rw == GIB + 1 and result.total_s < 2 and maxrss_mb < 150
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
