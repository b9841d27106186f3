"""`docker system df` and `docker volume ...`.

Expected layout: docs/reference/commandline/system_df.md (TYPE / TOTAL / ACTIVE / SIZE /
RECLAIMABLE rows for Images, Containers, Local Volumes, Build Cache; `-v` sections `Images space
usage:`, `Containers space usage:`, `Local Volumes space usage:`, `Build cache usage: ...`;
`--format "{{.Type}}: {{.TotalCount}}"`) computed as cli/command/formatter/disk_usage.go does
(go-units HumanSize, reclaimable percentage with integer division); volume texts from
cli/command/volume/*.go and moby volume/service (`remove data: volume is in use - [<id>]`,
`get nope: no such volume`)."""

from __future__ import annotations

import re


def test_df_summary_counts_shared_layers_once(ok):
    out = ok("docker system df").splitlines()
    assert out[0] == "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE"
    images = out[1].split()
    assert images[:3] == ["Images", "8", "0"] and images[4:] == [images[3], "(100%)"]
    assert out[2:] == [
        "Containers      0         0         0B        0B",
        "Local Volumes   0         0         0B        0B",
        "Build Cache     0         0         0B        0B",
    ]
    ids = set(ok("docker images -q").split())
    sizes = [int(ok(f"docker image inspect -f '{{{{.Size}}}}' {i}")) for i in ids]
    assert sum(sizes) > 2_400_000_000  # python, node, nginx... share debian layers
    assert images[3] == "1.504GB"  # SIZE counts every layer once


def test_df_with_containers_volumes_and_build_cache(ok):
    ok("docker run -d --name up -v data:/data alpine sh -c 'echo hi > /data/f; sleep 100'")
    ok("docker run --name done alpine sh -c 'printf 1234567890 > /f'")
    ok("printf 'FROM alpine\\nRUN echo x > /x\\n' > Dockerfile && docker build -q .")
    rows = ok("docker system df --format '{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|"
              "{{.Reclaimable}}'").splitlines()  # fmt: skip
    assert rows[1] == "Containers|2|1|10B|10B (100%)"
    assert rows[2] == "Local Volumes|1|1|3B|0B (0%)"
    assert rows[3] == "Build Cache|1|0|2B|2B"
    # alpine's layer is now shared with the built image: disk_usage.go counts only an in-use
    # image's unique size as used, so everything stays reclaimable
    assert rows[0] == "Images|9|1|1.504GB|1.504GB (100%)"


def test_df_verbose_sections(ok):
    ok("docker volume create data")
    out = ok("docker system df -v")
    assert out.startswith("Images space usage:\n\nREPOSITORY   TAG ")
    assert "\nContainers space usage:\n\nCONTAINER ID   IMAGE     COMMAND " in out
    assert "\nLocal Volumes space usage:\n\nVOLUME NAME   LINKS     SIZE\ndata          0  " in out
    assert out.endswith("\nBuild cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   "
                        "LAST USED   USAGE     SHARED\n")  # fmt: skip


def test_volume_create_ls_inspect_rm(ok, sh):
    assert ok("docker volume create data") == "data\n"
    anonymous = ok("docker volume create").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", anonymous)
    assert (
        ok("docker volume ls") == f"DRIVER    VOLUME NAME\nlocal     {anonymous}\nlocal     data\n"
    )
    assert ok("docker volume ls -q") == f"{anonymous}\ndata\n"
    assert ok("docker volume inspect -f '{{.Name}} {{.Driver}} {{.Scope}}' data") == (
        "data local local\n"
    )
    assert ok("docker volume inspect data").startswith('[\n    {\n        "CreatedAt": "2025-')
    ok("docker run --name c -v data:/data alpine true")
    ran = sh("docker volume rm data")
    container = ok("docker inspect -f '{{.Id}}' c").strip()
    assert ran.err == f"Error response from daemon: remove data: volume is in use - [{container}]\n"
    ok("docker rm c")
    assert ok("docker volume rm data") == "data\n"
    assert (
        sh("docker volume rm data").err == "Error response from daemon: get data: no such volume\n"
    )


def test_volume_prune_removes_anonymous_volumes_only(ok):
    ok("docker volume create named")
    anonymous = ok("docker volume create").strip()
    out = ok("docker volume prune -f")
    assert out == f"Deleted Volumes:\n{anonymous}\n\nTotal reclaimed space: 0B\n"
    assert ok("docker volume ls -q") == "named\n"
    assert ok("docker volume prune -a -f").startswith("Deleted Volumes:\nnamed\n")
