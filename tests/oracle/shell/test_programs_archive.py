"""tar and gzip: GNU tar 1.34 and gzip 1.12 behaviour.

The table's expected values were recorded from those programs (run with `sh -c` in an empty
directory, C locale, Debian 12); the other tests check the listing format, laziness and layer
tars written by the engine.
"""

from __future__ import annotations

import tracemalloc
from typing import NamedTuple

import pytest

from pipeline.oracle.content import Content
from pipeline.oracle.layer import ChangeSet, Entry, Layer
from pipeline.oracle.scenario import World


class Case(NamedTuple):
    script: str
    stdout: str
    stderr: str = ""
    status: int = 0


TAR = [
    Case(
        (
            "mkdir -p d/sub && echo hello > d/f && ln -s f d/link && chmod 4755 d/f &"
            "& tar -cf a.tar d && tar -tf a.tar | sort; tar -xOf a.tar d/f; mk"
            "dir out && tar -xf a.tar -C out && find out | sort; readlink out/d/l"
            "ink; stat -c %a out/d/f"
        ),
        "d/\nd/f\nd/link\nd/sub/\nhello\nout\nout/d\nout/d/f\nout/d/link\nout/d/sub\nf\n4755\n",
    ),
    Case(
        "echo x > f; tar cf - f | tar tf -; tar -czf b.tgz f && tar -tzf b.tgz && tar -tf b.tgz",
        "f\nf\nf\n",
    ),
    Case(
        "tar -xf nope.tar; echo $?",
        "2\n",
        (
            "tar: nope.tar: Cannot open: No such file or directory\n"
            "tar: Error is not recoverable: exiting now\n"
        ),
    ),
    Case(
        "echo x > f; tar -cf a.tar f; tar -tf a.tar nope; echo $?",
        "2\n",
        (
            "tar: nope: Not found in archive\n"
            "tar: Exiting with failure status due to previous errors\n"
        ),
    ),
    Case(
        "tar tf; echo $?; tar -cf c.tar; echo $?",
        "2\n2\n",
        (
            "tar: Old option 'f' requires an argument.\n"
            "Try 'tar --help' or 'tar --usage' for more information.\n"
            "tar: Cowardly refusing to create an empty archive\n"
            "Try 'tar --help' or 'tar --usage' for more information.\n"
        ),
    ),
    Case(
        "echo hi > f; gzip f; ls; gunzip f.gz; cat f; gzip -c f | zcat; gzip -k f; ls",
        "f.gz\nhi\nhi\nf\nf.gz\n",
    ),
    Case(
        "echo x > f; tar -cf a.tar f; wc -c < a.tar; tar -cvf b.tar f",
        "10240\nf\n",
    ),
]


@pytest.mark.parametrize("case", TAR, ids=lambda c: c.script[:60])
def test_archives_match_gnu(case: Case, run) -> None:
    assert run(case.script) == (case.status, case.stdout, case.stderr)


def test_verbose_listing_has_gnu_columns(run) -> None:
    script = (
        "mkdir -p d/sub && echo hello > d/f && truncate -s 123456 d/big && ln -s f d/link"
        " && chmod 4755 d/f && tar -cf a.tar d && tar -tvf a.tar"
    )
    assert run(script) == (
        0,
        "drwxr-xr-x root/root         0 2025-01-01 00:00 d/\n"
        "-rw-r--r-- root/root    123456 2025-01-01 00:00 d/big\n"
        "-rwsr-xr-x root/root         6 2025-01-01 00:00 d/f\n"
        "lrwxrwxrwx root/root         0 2025-01-01 00:00 d/link -> f\n"
        "drwxr-xr-x root/root         0 2025-01-01 00:00 d/sub/\n",
        "",
    )


def test_a_big_file_goes_through_tar_lazily(world: World) -> None:
    tracemalloc.start()
    try:
        completed = world.shell.run(
            "truncate -s 1G big && tar -cf a.tar big && mkdir x && tar -xf a.tar -C x"
            " && stat -c %s a.tar x/big && tar -tvf a.tar"
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert completed.stdout.decode() == (
        "1073745920\n1073741824\n-rw-r--r-- root/root 1073741824 2025-01-01 00:00 big\n"
    )
    assert peak < 32 << 20


def test_layer_tars_from_the_engine_list_and_extract(world: World) -> None:
    changes = ChangeSet()
    changes.add("app", Entry.dir(0o755, mtime=1735689600))
    changes.add("app/app.py", Entry.file(Content.of("print(1)\n"), 0o644, mtime=1735689600))
    changes.delete("tmp/old")
    world.fs.write("/context/layer.tar", Layer(changes).tar_bytes())
    assert world.shell.run("tar -tf layer.tar").stdout == b"app/\napp/app.py\ntmp/.wh.old\n"
    completed = world.shell.run("mkdir out && tar -xf layer.tar -C out && cat out/app/app.py")
    assert completed.stdout == b"print(1)\n"
