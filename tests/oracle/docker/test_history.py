"""`docker history` end to end.

Expected (docker-image-semantics.md §4.3, moby daemon/images/image_history.go, cli
image/history.go): one row per history entry, newest first; only the top row of a BuildKit
image has an ID (`<missing>` below, also with -q); a committed image's second row is its
parent's ID; sizes are the layers' content bytes (docs storage/drivers/_index.md example:
`COPY . /app` of 39 B + 183 B files is `222B`, `RUN chmod +x /app/hello.sh` copies the 39-byte
file up: `39B`)."""

from __future__ import annotations

STORAGE_DRIVER_EXAMPLE = """$ mkdir app
$ printf '#!/usr/bin/env sh\\necho "Hello, world!"\\n' > app/hello.sh
$ printf '%0183d' 0 > app/data.txt
$ cat > Dockerfile <<'EOF'
FROM alpine
COPY app /app
RUN chmod +x /app/hello.sh
CMD ["/bin/sh", "-c", "/app/hello.sh"]
EOF"""


def test_buildkit_history_rows(sh, ok):
    sh(STORAGE_DRIVER_EXAMPLE)
    ok("docker build -q -t acme/my-final-image:1.0 .")
    rows = ok("docker history --format '{{.ID}}|{{.CreatedBy}}|{{.Size}}' acme/my-final-image:1.0")
    short = ok("docker images -q acme/my-final-image:1.0").strip()
    assert rows.splitlines() == [
        f'{short}|CMD ["/bin/sh" "-c" "/app/hello.sh"]|0B',
        "<missing>|RUN /bin/sh -c chmod +x /app/hello.sh # buil…|39B",
        "<missing>|COPY app /app # buildkit|222B",
        '<missing>|CMD ["/bin/sh"]|0B',
        "<missing>|ADD alpine-minirootfs-3.21.0-x86_64.tar.gz /…|7.83MB",
    ]
    layers = ok("docker image inspect -f '{{len .RootFS.Layers}}' acme/my-final-image:1.0")
    assert layers == "3\n"  # history rows are not layers


def test_quiet_no_trunc_and_non_human(sh, ok):
    sh(STORAGE_DRIVER_EXAMPLE)
    image_id = ok("docker build -q -t demo .").strip()
    assert ok("docker history -q demo").splitlines() == [image_id[7:19]] + ["<missing>"] * 4
    assert ok("docker history -q --no-trunc demo").splitlines()[0] == image_id
    full = ok("docker history --no-trunc --format '{{.CreatedBy}}' demo").splitlines()
    assert full[1] == "RUN /bin/sh -c chmod +x /app/hello.sh # buildkit"
    table = ok("docker history -H=false demo").splitlines()
    assert table[0].split() == ["IMAGE", "CREATED", "AT", "CREATED", "BY", "SIZE", "COMMENT"]
    assert table[2].split()[1] == "2025-01-01T00:00:02Z" and " 39 " in table[2]


def test_default_table(sh, ok):
    sh(STORAGE_DRIVER_EXAMPLE)
    ok("docker build -q -t demo .")
    lines = ok("docker history demo").splitlines()
    assert lines[0] == (
        "IMAGE          CREATED                  CREATED BY                                      "
        "SIZE      COMMENT"
    )
    assert lines[2] == (
        "<missing>      Less than a second ago   RUN /bin/sh -c chmod +x /app/hello.sh # buil…   "
        "39B       buildkit.dockerfile.v0"
    )
    assert lines[-1].startswith("<missing>      3 weeks ago              ADD alpine-minirootfs")


def test_committed_image_shows_its_parent(ok):
    ok("docker run --name c alpine touch /x")
    committed = ok("docker commit -m 'added x' c snap").strip()
    rows = ok("docker history --format '{{.ID}} {{.Comment}}' snap").splitlines()
    parent = ok("docker images -q alpine:latest").strip()
    assert rows == [
        f"{committed[7:19]} added x",
        f"{parent} buildkit.dockerfile.v0",
        "<missing> buildkit.dockerfile.v0",
    ]
    assert ok("docker history --format '{{.CreatedBy}}' snap").splitlines()[0] == "touch /x"
