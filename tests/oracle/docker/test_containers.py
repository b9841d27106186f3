"""Container commands end to end: run, create, start, exec, stop, rm, ps, logs, diff, commit, cp.

Expected texts and behaviour: cli/command/container/run.go (`reportError`: `docker: <error>.`
plus `See 'docker run --help'.` for create errors; `runStartContainerErr`: 127 for a missing
program, 125 otherwise; `-d` prints the ID), the runc/containerd wording of a missing program as
Docker 24-27 print it (`failed to create task for container: failed to create shim task: OCI
runtime create failed: runc create failed: unable to start container process: exec: "dps8":
executable file not found in $PATH: unknown.`, RattyDAVE/alpine-multics#3), moby container
state strings (`Up ...`, `Exited (N) ... ago`, `Created`), docker-image-semantics.md §4.5 (ps
-s after `printf hello > /out.txt`: `5B (virtual ...)`), §4.8 (diff `C /etc`, `D /etc/motd`,
`C /tmp`, `A /tmp/x`; commit prints `sha256:<id>`; `--change` validation) and docs
reference/commandline/cp.md (copy into a directory under the source's name, `SRC/.` copies the
contents)."""

from __future__ import annotations

import re


def test_run_prints_the_programs_streams_and_exits_with_its_status(sh):
    ran = sh("docker run alpine sh -c 'echo out; echo err >&2; exit 3'")
    assert (ran.status, ran.out, ran.err) == (3, "out\n", "err\n")


def test_run_options(ok, sh):
    assert ok("docker run --rm -e GREETING=hi -w /tmp alpine sh -c 'echo $GREETING; pwd'") == (
        "hi\n/tmp\n"
    )
    assert ok("export FROM_HOST=yes; docker run --rm -e FROM_HOST alpine printenv FROM_HOST") == (
        "yes\n"
    )
    assert ok("docker run --rm -u nobody alpine id -u") == "65534\n"
    assert ok("docker run --rm --entrypoint echo alpine hi there") == "hi there\n"
    assert sh("docker run --rm --read-only alpine touch /x").status == 1
    assert ok("docker run --rm --read-only alpine cat /etc/alpine-release") != ""
    assert ok("docker ps -a -q") == ""  # --rm removed them all


def test_tty_output_uses_crlf(ok):
    assert ok("docker run --rm -t alpine echo hi") == "hi\r\n"


def test_detached_run_prints_the_id_and_keeps_the_output_for_logs(ok):
    container_id = ok("docker run -d --name web alpine sh -c 'echo started; sleep 100'").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", container_id)
    assert ok("docker logs web") == "started\n"
    assert ok("docker ps -q") == container_id[:12] + "\n"
    assert ok("docker inspect -f '{{.State.Running}} {{.Id}}' web") == f"true {container_id}\n"


def test_a_missing_program(sh, ok):
    ran = sh("docker run --name broken alpine nope")
    assert ran.status == 127
    assert ran.err == (
        "docker: Error response from daemon: failed to create task for container: failed to "
        "create shim task: OCI runtime create failed: runc create failed: unable to start "
        'container process: exec: "nope": executable file not found in $PATH: unknown.\n'
    )
    assert "Created" in ok("docker ps -a --format '{{.Names}} {{.Status}}'")


def test_create_errors_carry_the_help_hint(sh, ok):
    ok("docker create --name c1 alpine")
    ran = sh("docker run --name c1 alpine true")
    assert ran.status == 125
    assert ran.err.startswith(
        'docker: Error response from daemon: Conflict. The container name "/c1" is already in use'
    )
    assert ran.err.endswith(".\nSee 'docker run --help'.\n")
    ran = sh("docker run Alpine")
    assert ran.err == (
        "docker: invalid reference format: repository name (library/Alpine) must be lowercase.\n"
        "See 'docker run --help'.\n"
    )
    ran = sh("docker run --rm redis")
    assert ran.status == 125
    assert ran.err.startswith("Unable to find image 'redis:latest' locally\n")
    assert "pull access denied for redis" in ran.err


def test_create_start_exec_stop_rm(ok, sh):
    container_id = ok("docker create --name c1 alpine sh -c 'echo hello; sleep 100'").strip()
    assert ok("docker ps -a --format '{{.Status}}'") == "Created\n"
    assert ok("docker start c1") == "c1\n"
    assert ok("docker ps --format '{{.Names}} {{.Status}}'") == "c1 Up Less than a second\n"
    assert ok("docker logs c1") == "hello\n"
    assert ok("docker exec c1 sh -c 'echo $HOSTNAME'") == container_id[:12] + "\n"
    assert ok("docker exec -w /tmp -e X=1 c1 sh -c 'pwd; echo $X'") == "/tmp\n1\n"
    ran = sh("docker rm c1")
    assert ran.err == (
        'Error response from daemon: cannot remove container "/c1": container is running: stop '
        "the container before removing or force remove\n"
    )
    assert ok("docker stop c1") == "c1\n"
    assert ok("docker ps -a --format '{{.Status}}'") == "Exited (137) Less than a second ago\n"
    ran = sh("docker exec c1 true")
    assert ran.err == f"Error response from daemon: container {container_id} is not running\n"
    assert ok("docker rm c1") == "c1\n"
    ran = sh("docker stop c1")
    assert (ran.status, ran.err) == (1, "Error response from daemon: No such container: c1\n")


def test_start_attach_and_rm_force(ok, sh):
    ok("docker create --name job alpine sh -c 'echo done; exit 4'")
    ran = sh("docker start -a job")
    assert (ran.status, ran.out) == (4, "done\n")
    ok("docker run -d --name bg alpine sleep 100")
    assert ok("docker rm -f bg job") == "bg\njob\n"
    ran = sh("docker rm -f nope")
    assert (ran.status, ran.err) == (0, "Error response from daemon: No such container: nope\n")
    ran = sh("docker start nope")
    assert ran.err == (
        "Error response from daemon: No such container: nope\n"
        "Error: failed to start containers: nope\n"
    )


def test_exec_of_a_missing_program(ok, sh):
    ok("docker run -d --name c alpine sleep 100")
    ran = sh("docker exec c nope")
    assert ran.status == 127
    assert ran.err == (
        "OCI runtime exec failed: exec failed: unable to start container process: exec: "
        '"nope": executable file not found in $PATH: unknown\n'
    )


def test_ps_table_and_flags(ok):
    ok("docker run --name first alpine true")
    ok("docker run -d --name second alpine sleep 100")
    lines = ok("docker ps -a").splitlines()
    assert lines[0].split() == ["CONTAINER", "ID", "IMAGE", "COMMAND", "CREATED", "STATUS",
                                "PORTS", "NAMES"]  # fmt: skip
    assert '"sleep 100"' in lines[1] and lines[1].endswith("second")
    assert "Exited (0) Less than a second ago" in lines[2]
    assert ok("docker ps --format '{{.Names}}'") == "second\n"
    assert ok("docker ps -a --format '{{.Names}}'") == "second\nfirst\n"
    assert ok("docker ps -n 1 --format '{{.Names}}'") == ok("docker ps -l --format '{{.Names}}'")
    assert ok("docker ps -a -f status=exited --format '{{.Names}}'") == "first\n"
    assert ok("docker ps -a -f name=fir --format '{{.Names}}'") == "first\n"
    assert len(ok("docker ps -q --no-trunc").strip()) == 64
    command = ok("docker run --name long alpine echo abcdefghijklmnopqrstuvwxyz")
    assert command and ok("docker ps -a -f name=long --format '{{.Command}}'") == (
        '"echo abcdefghijklmn…"\n'
    )


def test_published_ports_show_while_running(ok):
    ok("docker run -d -p 8080:80 --name web nginx sleep 100")
    assert ok("docker ps --format '{{.Ports}}'") == "0.0.0.0:8080->80/tcp, :::8080->80/tcp\n"
    ok("docker stop web")
    assert ok("docker ps -a --format '[{{.Ports}}]'") == "[]\n"


def test_ps_size_counts_the_writable_layer(ok):
    ok("docker run -d --name c alpine sleep 100")
    virtual = ok("docker image inspect -f '{{.Size}}' alpine").strip()
    assert virtual == "7830027"
    assert ok("docker ps -s --format '{{.Size}}'") == "0B (virtual 7.83MB)\n"
    ok("docker exec c sh -c 'printf hello > /out.txt'")
    assert ok("docker ps -s --format '{{.Size}}'") == "5B (virtual 7.83MB)\n"
    table = ok("docker ps -s").splitlines()
    assert table[0].endswith("NAMES     SIZE") and table[1].endswith(
        "c         5B (virtual 7.83MB)"
    )


def test_ps_image_column_after_the_tag_moved(ok):
    ok("printf 'FROM alpine\\nLABEL v=1\\n' > Dockerfile && docker build -q -t demo .")
    ok("docker create --name old demo")
    old_id = ok("docker images -q demo").strip()
    ok("printf 'FROM alpine\\nLABEL v=2\\n' > Dockerfile && docker build -q -t demo .")
    ok("docker create --name new demo")
    assert ok("docker ps -a --format '{{.Names}} {{.Image}}'") == f"new demo\nold {old_id}\n"


def test_diff_lists_changes_sorted(ok):
    ok("docker run --name c alpine sh -c 'touch /tmp/x; rm /etc/motd'")
    assert ok("docker diff c") == "C /etc\nD /etc/motd\nC /tmp\nA /tmp/x\n"
    ok("docker run --name d alpine true")
    assert ok("docker diff d") == ""


def test_commit_message_author_and_changes(ok, sh):
    ok("docker run --name c alpine sh -c 'echo data > /data.txt'")
    changes = "-c 'CMD [\"cat\", \"/data.txt\"]' -c 'ENV MODE=prod'"
    image_id = ok(f"docker commit -m 'add data' -a 'Ada <ada@example.com>' {changes} c snap:1")
    image_id = image_id.strip()
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", image_id)
    assert ok("docker run --rm snap:1") == "data\n"
    assert ok("docker inspect -f '{{.Comment}}|{{.Author}}|{{index .Config.Env 1}}' snap:1") == (
        "add data|Ada <ada@example.com>|MODE=prod\n"
    )
    assert ok("docker image inspect -f '{{len .RootFS.Layers}}' snap:1") == "2\n"
    ok("docker run --name same alpine true")
    ok("docker commit same nochange")
    assert ok("docker image inspect -f '{{len .RootFS.Layers}}' nochange") == "1\n"
    ran = sh("docker commit -c 'RUN true' c x")
    assert ran.err == "Error response from daemon: run is not a valid change command\n"
    assert sh("docker commit c Bad").err == (
        "invalid reference format: repository name (library/Bad) must be lowercase\n"
    )


def test_cp_from_and_to_a_container(ok, sh):
    ok("docker run --name c alpine sh -c 'mkdir -p /out/sub; echo a > /out/a; echo b > /out/sub/b'")
    assert ok("docker cp c:/out/a copy.txt") == ""
    assert ok("cat copy.txt") == "a\n"
    ok("mkdir dest && docker cp c:/out dest")
    assert ok("cat dest/out/sub/b") == "b\n"
    ok("mkdir flat && docker cp c:/out/. flat")
    assert ok("ls flat") == "a\nsub\n"
    ok("printf 'host\\n' > h.txt && docker cp h.txt c:/tmp/")
    ok("docker cp h.txt c:/renamed.txt")
    assert "A /renamed.txt\n" in ok("docker diff c") and "A /tmp/h.txt\n" in ok("docker diff c")
    ok("docker commit c withcopy")
    assert ok("docker run --rm withcopy cat /tmp/h.txt /renamed.txt") == "host\nhost\n"
    ran = sh("docker cp c:/nope x")
    assert ran.err == "Error response from daemon: Could not find the file /nope in container c\n"
    assert (
        sh("docker cp nope.txt c:/").err == "lstat /context/nope.txt: no such file or directory\n"
    )
    assert sh("docker cp a b").err == "must specify at least one container source\n"


def test_named_volumes_outlive_containers(ok):
    ok("docker run --rm -v data:/data alpine sh -c 'echo kept > /data/file'")
    assert ok("docker run --rm -v data:/data:ro alpine cat /data/file") == "kept\n"
    assert ok("docker volume ls -q") == "data\n"
    ok("docker run --name c -v data:/data alpine sh -c 'echo more > /data/more'")
    # only the mount point is in the writable layer; what is written under it is the volume's
    assert ok("docker diff c") == "A /data\n"


def test_container_prune(ok):
    ok("docker run --name done alpine sh -c 'printf 12345 > /f'")
    ok("docker run -d --name up alpine sleep 100")
    out = ok("docker container prune -f")
    container_id = ok("docker inspect -f '{{.Id}}' up 2>/dev/null; true")
    assert out.startswith("Deleted Containers:\n") and container_id.strip() not in out
    assert out.endswith("\n\nTotal reclaimed space: 5B\n")
    assert ok("docker ps -a --format '{{.Names}}'") == "up\n"


def test_interactive_passes_stdin_and_logs_tail(ok):
    assert ok("echo hi | docker run --rm -i alpine cat") == "hi\n"
    assert ok("echo hi | docker run --rm alpine cat") == ""  # no -i: no stdin
    ok("docker run --name many alpine sh -c 'echo 1; echo 2; echo 3'")
    assert ok("docker logs --tail 2 many") == "2\n3\n"
    assert ok("docker logs -n 0 many") == ""


ORDERED = "sh -c 'echo out; echo err >&2; echo out2'"


def test_both_streams_keep_their_order_through_redirections(ok, sh):
    assert ok(f"docker run --rm alpine {ORDERED} 2>&1") == "out\nerr\nout2\n"
    ok(f"docker run --rm alpine {ORDERED} > both 2>&1")
    assert ok("cat both") == "out\nerr\nout2\n"
    assert ok(f"docker run -t --rm alpine {ORDERED}") == "out\r\nerr\r\nout2\r\n"
    ran = sh(f"docker run --rm alpine {ORDERED}")
    assert (ran.out, ran.err) == ("out\nout2\n", "err\n")
    ok("docker run -d --name logged alpine sh -c 'echo out; echo err >&2; echo out2'")
    assert ok("docker logs logged 2>&1") == "out\nerr\nout2\n"
    assert ok("docker logs --tail 2 logged 2>&1") == "err\nout2\n"
    ok("docker create --name attached alpine sh -c 'echo out; echo err >&2; echo out2'")
    assert ok("docker start -a attached 2>&1") == "out\nerr\nout2\n"
    ok("docker run -d --name up alpine sleep 1000")
    assert ok(f"docker exec up {ORDERED} 2>&1") == "out\nerr\nout2\n"


def test_the_pull_of_a_run_comes_before_the_program_output(ok):
    ok("printf 'FROM alpine\\nRUN echo hi > /hi\\n' > Dockerfile")
    ok("docker build -q -t localhost:5000/greeter . && docker push -q localhost:5000/greeter")
    ok("docker rmi localhost:5000/greeter")
    lines = ok("docker run --rm localhost:5000/greeter cat /hi 2>&1").splitlines()
    assert lines[:2] == ["Unable to find image 'localhost:5000/greeter:latest' locally",
                         "latest: Pulling from greeter"]  # fmt: skip
    assert lines[-2:] == ["Status: Downloaded newer image for localhost:5000/greeter:latest", "hi"]


def test_builtins_run_as_the_image_programs(ok):
    assert ok("docker run --rm alpine pwd") == "/\n"
    assert ok("docker run --rm -w /etc debian pwd") == "/etc\n"
    assert ok("docker run --rm busybox echo hi") == "hi\n"
    assert ok("docker run --rm alpine [ -d /etc ] && echo yes") == "yes\n"
    assert ok("docker run --rm debian printf '%s-' a b") == "a-b-"
