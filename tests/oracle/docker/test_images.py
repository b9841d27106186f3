"""Image commands end to end: images, image inspect / inspect, tag, rmi, image prune.

Expected behaviour and texts: docker-image-semantics.md §4.4 (rows per tag, dangling rows shown
by Docker 24-28, intermediates only with -a), §4.6 (inspect fields, `Error response from daemon:
No such image: nope:latest`), §4.8 (tag/rmi texts, the Docker 24-28 `Error parsing reference`
wording), docs/reference/commandline/image_rm.md (`Untagged:` / `Deleted:` lines, digests
untagged with their last tag), cli/command/image/prune.go (`Deleted Images:`, lower-case
`untagged:`/`deleted:`, a blank line, `Total reclaimed space:` with go-units HumanSize) and
cli/command/inspect/inspector.go (`[]` when nothing is found, 4-space indented JSON)."""

from __future__ import annotations

import json
import re

BUILD = "printf 'FROM alpine\\nRUN echo {v} > /v\\n' > Dockerfile && docker build -q -t demo ."


def test_one_row_per_tag_and_the_repository_argument(ok):
    out = ok("docker images alpine")
    lines = out.splitlines()
    assert re.match(r"REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$", lines[0])
    assert [line.split()[1] for line in lines[1:]] == ["3.21", "3.21.0", "latest"]
    assert len({line.split()[2] for line in lines[1:]}) == 1  # one image, three names
    assert ok("docker images 'alp*' -q") == ok("docker images alpine -q")
    assert ok("docker images alpine:3.21 --format '{{.Tag}}'") == "3.21\n"
    assert ok("docker images nope") == "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n"


def test_a_moved_tag_leaves_a_dangling_image(ok):
    first = ok(BUILD.format(v=1)).strip()
    second = ok(BUILD.format(v=2)).strip()
    assert first != second
    rows = ok("docker images --format '{{.Repository}} {{.Tag}} {{.ID}}'").splitlines()
    assert rows[:2] == [f"demo latest {second[7:19]}", f"<none> <none> {first[7:19]}"]
    assert ok("docker images -f dangling=true -q") == first[7:19] + "\n"
    assert ok("docker images -f dangling=false -q").count(first[7:19]) == 0
    assert ok("docker images --no-trunc -q demo") == second + "\n"


def test_digests_column(ok):
    ok(BUILD.format(v=1))
    out = ok("docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}'")
    assert "demo:latest <none>\n" in out
    digest = ok("docker image inspect -f '{{index .RepoDigests 0}}' busybox").strip()
    assert f"busybox:latest {digest.split('@')[1]}\n" in out


def test_intermediate_images_only_with_all(ok):
    ok(BUILD.format(v=1))
    ok("docker run --name c demo true")
    ok("docker commit c child")
    ok("docker rm c")
    assert ok("docker rmi demo") == "Untagged: demo:latest\n"  # it has a child: it stays
    parent = ok("docker inspect -f '{{.Parent}}' child").strip()
    assert parent[7:19] not in ok("docker images -q")
    assert parent[7:19] in ok("docker images -a -q")


def test_image_inspect_prints_an_indented_json_array(ok, sh):
    out = ok("docker image inspect alpine")
    assert out.startswith('[\n    {\n        "Id": "sha256:')
    assert out.endswith("\n    }\n]\n")
    document = json.loads(out)
    assert list(document[0])[:5] == ["Id", "RepoTags", "RepoDigests", "Parent", "Comment"]
    assert document[0]["RootFS"]["Type"] == "layers"
    assert json.loads(ok("docker inspect alpine busybox")).__len__() == 2
    ran = sh("docker image inspect alpine nope")
    assert ran.status == 1 and len(json.loads(ran.out)) == 1
    assert ran.err == "Error response from daemon: No such image: nope:latest\n"
    ran = sh("docker image inspect nope")
    assert (ran.out, ran.status) == ("[]\n", 1)


def test_inspect_format_templates(ok):
    ok("""cat > Dockerfile <<'EOF'
FROM scratch
COPY Dockerfile /a
COPY Dockerfile /b
ENV MODE=prod A=1
EXPOSE 80
LABEL team=web
CMD ["python", "/app/app.py"]
EOF""")
    ok("docker build -q -t demo .")
    fmt = "docker image inspect demo --format"
    assert ok(f"{fmt} '{{{{len .RootFS.Layers}}}}'") == "2\n"
    assert ok(f"{fmt} '{{{{index .Config.Cmd 0}}}}'") == "python\n"
    assert ok(f"{fmt} '{{{{json .Config.Cmd}}}}'") == '["python","/app/app.py"]\n'
    assert ok(f"{fmt} '{{{{join .Config.Cmd \" \"}}}}'") == "python /app/app.py\n"
    assert ok(f"{fmt} '{{{{.Config.Cmd}}}}'") == "[python /app/app.py]\n"
    env = ok(f"{fmt} '{{{{range .Config.Env}}}}{{{{println .}}}}{{{{end}}}}'")
    assert env.split("\n")[1:] == ["MODE=prod", "A=1", "", ""]  # println's and inspect's
    assert ok(f"{fmt} '{{{{.Config.Entrypoint}}}} {{{{json .Config.Entrypoint}}}}'") == "[] null\n"
    assert ok(f"{fmt} '{{{{.Config.ExposedPorts}}}} {{{{.Config.Labels.team}}}}'") == (
        "map[80/tcp:{}] web\n"
    )
    assert (
        ok(f"{fmt} '{{{{printf \"%.12s\" .Id}}}}'")
        == "sha256:" + ok("docker images -q demo")[:5] + "\n"
    )
    assert (
        ok(f"{fmt} '{{{{.Os}}}}/{{{{.Architecture}}}} {{{{.Size}}}}'")
        == "linux/amd64 " + str(2 * len(ok("cat Dockerfile"))) + "\n"
    )


def test_inspect_format_errors(sh):
    ran = sh("docker image inspect alpine --format '{{.Nope}}'")
    assert ran.status == 1
    assert ran.err == (
        'template parsing error: template: :1:2: executing "" at <.Nope>: '
        'map has no entry for key "Nope"\n'
    )
    ran = sh("docker image inspect alpine --format '{{.Id'")
    assert ran.status == 64 and ran.err.startswith("template parsing error: template: :1:")


def test_docker_inspect_finds_containers_images_and_volumes(ok, sh):
    ok("docker volume create data")
    ok("docker run --name c1 -v data:/data alpine true")
    assert ok("docker inspect -f '{{.State.Status}} {{.Name}} {{.Config.Image}}' c1") == (
        "exited /c1 alpine\n"
    )
    assert ok("docker inspect -f '{{.Mountpoint}}' data") == "/var/lib/docker/volumes/data/_data\n"
    assert ok("docker inspect -f '{{(index .Mounts 0).Name}}' c1") == "data\n"
    assert ok("docker inspect --type image -f '{{.Os}}' alpine") == "linux\n"
    ran = sh("docker inspect nope")
    assert (ran.status, ran.out, ran.err) == (1, "[]\n", "Error: No such object: nope\n")
    assert sh("docker inspect --type image c1").err == (
        "Error response from daemon: No such image: c1:latest\n"
    )
    assert sh("docker container inspect alpine").err == (
        "Error response from daemon: No such container: alpine\n"
    )
    assert ok("docker container inspect -f '{{.State.ExitCode}}' c1") == "0\n"
    sized = ok("docker inspect -s -f '{{.SizeRw}} {{.SizeRootFs}}' c1").split()
    assert sized[0] == "0" and int(sized[1]) > 0


def test_tag(ok, sh):
    assert ok("docker tag alpine myalpine:1") == ""
    assert ok("docker images -q myalpine:1") == ok("docker images -q alpine:latest")
    ran = sh("docker tag alpine Demo")
    assert ran.err == (
        'Error parsing reference: "Demo" is not a valid repository/tag: invalid reference format: '
        "repository name (library/Demo) must be lowercase\n"
    )
    assert sh("docker tag nope x").err == "Error response from daemon: No such image: nope:latest\n"


def test_rmi_untags_then_deletes(ok, sh):
    image_id = ok(BUILD.format(v=1)).strip()
    ok("docker tag demo demo:2")
    assert ok("docker rmi demo:2") == "Untagged: demo:2\n"
    out = ok("docker rmi demo").splitlines()
    assert out[:2] == ["Untagged: demo:latest", f"Deleted: {image_id}"]
    assert len(out) == 3 and out[2].startswith("Deleted: sha256:")  # its own layer's ChainID
    ran = sh("docker rmi nope")
    assert (ran.status, ran.err) == (1, "Error response from daemon: No such image: nope:latest\n")
    ran = sh("docker rmi -f nope")
    assert (ran.status, ran.err) == (0, "Error response from daemon: No such image: nope:latest\n")


def test_rmi_of_an_image_in_use(ok, sh):
    ok(BUILD.format(v=1))
    container = ok("docker create demo").strip()
    image = ok("docker images -q demo").strip()
    ran = sh("docker rmi demo")
    assert ran.err == (
        'Error response from daemon: conflict: unable to remove repository reference "demo" '
        f"(must force) - container {container[:12]} is using its referenced image {image}\n"
    )
    # -f deletes an image that a stopped container uses (the container keeps its layers)
    full = ok("docker images -q --no-trunc demo").strip()
    assert ok("docker rmi -f demo") == f"Untagged: demo:latest\nDeleted: {full}\n"


def test_image_prune(ok):
    ok(BUILD.format(v=1))
    ok(BUILD.format(v=2))
    dangling = ok("docker images -f dangling=true -q --no-trunc").strip()
    out = ok("docker image prune -f")
    lines = out.split("\n")
    assert lines[:2] == ["Deleted Images:", f"deleted: {dangling}"]
    assert out.endswith("\n\nTotal reclaimed space: 2B\n")
    assert ok("docker image prune -f") == "Total reclaimed space: 0B\n"


def test_image_prune_asks_first(ok):
    ok(BUILD.format(v=1))
    ok(BUILD.format(v=2))
    question = (
        "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] "
    )
    assert ok("docker image prune") == question + "Total reclaimed space: 0B\n"
    assert ok("echo y | docker image prune").startswith(question + "Deleted Images:\n")


def test_image_prune_all_keeps_images_used_by_containers(ok):
    ok("docker create busybox")
    out = ok("docker image prune -a -f")
    assert "untagged: alpine:latest\n" in out and "busybox" not in out
    assert ok("docker images --format '{{.Repository}}'") == "busybox\nbusybox\nbusybox\n"
