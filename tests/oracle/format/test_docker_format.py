"""pipeline.oracle.gotemplate.docker: docker/cli's template functions, its `--format` table
handling (formatter.Context) and the `docker inspect --format` path.

Expected values: docker/cli templates/templates_test.go, cli/command/formatter/image_test.go
(TestImageContextWrite, TestImageContextWriteWithNoImage), the layouts of
docker-image-semantics.md §4.3-4.4, and real `docker inspect` error output quoted in public
material (`template parsing error: template: :1:18: executing "" at
<.NetworkSettings.IPAddress>: map has no entry for key "IPAddress"`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.oracle.gotemplate import ExecError, GoStruct, Template, docker
from pipeline.oracle.gotemplate.values import GoNil

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


def run(fmt: str, data: object) -> str:
    return docker.parse(fmt).execute(data)


# --- templates/templates_test.go ---------------------------------------------------------------
def test_json_function() -> None:
    # TestParseJSONFunctions (GitHub #32120): no HTML escaping of ">" in the port string.
    assert run("{{json .Ports}}", {"Ports": "0.0.0.0:2->8/udp"}) == '"0.0.0.0:2->8/udp"'


def test_split_and_join() -> None:
    # TestParseStringFunctions.
    assert run('{{join (split . ":") "/"}}', "text:with:colon") == "text/with/colon"


def test_named_template() -> None:
    # TestNewParse.
    assert Template("foo").funcs(docker.BASIC_FUNCTIONS).parse("this is a {{ . }}").execute(
        "string"
    ) == ("this is a string")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        # TestParseTruncateFunction.
        ("{{truncate . 5}}", "tupx5"),
        ("{{truncate . 25}}", "tupx5xzf6hvsrhnruz5cr8gwp"),
        ("{{truncate . 30}}", "tupx5xzf6hvsrhnruz5cr8gwp"),
        ("{{pad . 3 3}}", "   tupx5xzf6hvsrhnruz5cr8gwp   "),
    ],
)
def test_truncate_and_pad(fmt: str, expected: str) -> None:
    assert run(fmt, "tupx5xzf6hvsrhnruz5cr8gwp") == expected
    assert run(fmt, "") == ""
    with pytest.raises(ExecError) as err:
        docker.parse(fmt).execute(None)
    assert err.value.output == ""


@pytest.mark.parametrize(
    "fmt",
    [
        "{{ json .}}",
        '{{ split . ","}}',
        '{{ join . ","}}',
        "{{ title .}}",
        "{{ lower .}}",
        "{{ upper .}}",
        "{{ truncate . 2}}",
    ],
)
def test_header_functions_are_stubs(fmt: str) -> None:
    # TestHeaderFunctions: header functions leave the column name as it is.
    tmpl = Template("").funcs(docker.HEADER_FUNCTIONS).parse(fmt)
    assert tmpl.execute("hello world") == "hello world"


@pytest.mark.parametrize(
    ("fmt", "data", "expected"),
    [
        # strings.Title / ToUpper / ToLower / Split / Join semantics.
        ("{{title .}}", "hello wORLD-x_y é", "Hello WORLD-X_y É"),
        ("{{upper .}}", "straße", "STRAßE"),
        ("{{lower .}}", "ÀB", "àb"),
        ('{{split . ""}}', "abc", "[a b c]"),
        ('{{len (split . ",")}}', "", "1"),
        ("{{json .}}", {"b": [1, 2.5, None], "a": "<&>"}, '{"a":"<&>","b":[1,2.5,null]}'),
        ("{{json .Entrypoint}}|{{.Entrypoint}}", {"Entrypoint": GoNil("[]string")}, "null|[]"),
        ('{{join .RepoTags ", "}}', {"RepoTags": ["a:1", "a:latest"]}, "a:1, a:latest"),
        ("{{truncate . 4}}", "日本語", "日\ufffd"),
    ],
)
def test_function_semantics(fmt: str, data: object, expected: str) -> None:
    assert run(fmt, data) == expected


def test_join_needs_a_string_list() -> None:
    with pytest.raises(ExecError) as err:
        run('{{join .X ","}}', {"X": {"a": "b"}})
    assert str(err.value) == (
        'template: :1:7: executing "" at <.X>: wrong type for value; expected []string; '
        "got map[string]interface {}"
    )


# --- formatter.Context ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fmt", "final"),
    [
        # formatter.go preFormat.
        ("table {{.ID}}\\t{{.Size}}", "{{.ID}}\t{{.Size}}"),
        ("  {{.ID}}\\n{{.Size}}  ", "{{.ID}}\n{{.Size}}"),
        ("json", "{{json .}}"),
        ("table", ""),
        ("tablefoo {{.ID}}", "foo {{.ID}}"),
    ],
)
def test_pre_format(fmt: str, final: str) -> None:
    assert docker.pre_format(fmt) == final


IMAGE_TABLE = (
    "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t"
    "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\\t{{.Size}}"
)
IMAGE_TABLE_DIGEST = (
    "table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.ID}}\\t"
    "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\\t{{.Size}}"
)
IMAGE_HEADER = {
    "Repository": "REPOSITORY",
    "Tag": "TAG",
    "Digest": "DIGEST",
    "ID": "IMAGE ID",
    "CreatedSince": "CREATED",
    "Size": "SIZE",
}
DIGEST = "sha256:cbbf2f9a99b47fc460d422812b6a5adff7dfee951d8fa2e4a98caa0382cfbdbf"


def _image(
    repo: str, tag: str, digest: str, image_id: str, created: str, size: str = "0B"
) -> GoStruct:
    return GoStruct(
        "*formatter.imageContext",
        {
            "Repository": repo,
            "Tag": tag,
            "Digest": digest,
            "ID": image_id,
            "CreatedSince": created,
            "Size": size,
        },
    )


# image_test.go TestImageContextWrite: imageID2 has a zero creation time, so no CreatedSince.
IMAGES = [
    _image("image", "tag1", DIGEST, "imageID1", "24 hours ago"),
    _image("image", "tag2", "<none>", "imageID2", ""),
    _image("<none>", "<none>", "<none>", "imageID3", "24 hours ago"),
]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            IMAGE_TABLE,
            "REPOSITORY   TAG       IMAGE ID   CREATED        SIZE\n"
            "image        tag1      imageID1   24 hours ago   0B\n"
            "image        tag2      imageID2   N/A            0B\n"
            "<none>       <none>    imageID3   24 hours ago   0B\n",
        ),
        ("table {{.Repository}}", "REPOSITORY\nimage\nimage\n<none>\n"),
        (
            "table {{.Repository}}\\t{{.Digest}}",
            f"REPOSITORY   DIGEST\nimage        {DIGEST}\n"
            "image        <none>\n<none>       <none>\n",
        ),
        ("table {{.Digest}}", f"DIGEST\n{DIGEST}\n<none>\n<none>\n"),
        ("{{.ID}}", "imageID1\nimageID2\nimageID3\n"),
        (
            IMAGE_TABLE_DIGEST,
            "REPOSITORY   TAG       DIGEST                                                         "
            "           IMAGE ID   CREATED        SIZE\n"
            f"image        tag1      {DIGEST}   imageID1   24 hours ago   0B\n"
            "image        tag2      <none>                                                         "
            "           imageID2   N/A            0B\n"
            "<none>       <none>    <none>                                                         "
            "           imageID3   24 hours ago   0B\n",
        ),
        ("{{.Repository}}", "image\nimage\n<none>\n"),
    ],
)
def test_image_context_write(fmt: str, expected: str) -> None:
    assert docker.format_rows(fmt, IMAGES, IMAGE_HEADER) == expected


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        # image_test.go TestImageContextWriteWithNoImage: a table prints its header alone.
        ("{{.Repository}}", ""),
        ("table {{.Repository}}", "REPOSITORY\n"),
        ("table {{.Repository}}\\t{{.Digest}}", "REPOSITORY   DIGEST\n"),
    ],
)
def test_image_context_write_with_no_image(fmt: str, expected: str) -> None:
    assert docker.format_rows(fmt, [], IMAGE_HEADER) == expected


def test_semantics_note_images_table() -> None:
    # docker-image-semantics.md §4.4 sample through the real default `docker images` format.
    rows = [
        _image("demo", "latest", "<none>", "8bd85c42fa7f", "About a minute ago", "7.75MB"),
        _image("<none>", "<none>", "<none>", "da3cf8df55ee", "2 minutes ago", "7.75MB"),
    ]
    expected = (GOLDEN / "images.golden").read_text(encoding="utf-8")
    assert docker.format_rows(IMAGE_TABLE, rows, IMAGE_HEADER) == expected


def test_format_errors_are_worded_like_docker() -> None:
    # formatter.go wraps parse and execution errors with "template parsing error".
    with pytest.raises(docker.FormatError) as err:
        docker.format_rows("{{InvalidFunction}}", IMAGES, IMAGE_HEADER)
    assert str(err.value) == (
        'template parsing error: template: :1: function "InvalidFunction" not defined'
    )
    with pytest.raises(docker.FormatError) as err:
        docker.format_rows("{{nil}}", IMAGES, IMAGE_HEADER)
    assert str(err.value) == (
        'template parsing error: template: :1:2: executing "" at <nil>: nil is not a command'
    )
    with pytest.raises(docker.FormatError) as err:
        docker.format_rows("table {{.Foo}}", IMAGES, IMAGE_HEADER)
    assert str(err.value) == (
        'template parsing error: template: :1:2: executing "" at <.Foo>: '
        "can't evaluate field Foo in type *formatter.imageContext"
    )


def test_header_keeps_pad_and_ignores_header_errors() -> None:
    # HeaderFunctions do not override pad; an error in the header run is ignored by docker.
    rows = [_image("image", "tag1", DIGEST, "imageID1", "x")]
    assert docker.format_rows("table {{pad .Tag 1 1}}|", rows, IMAGE_HEADER) == " TAG |\n tag1 |\n"
    assert docker.format_rows("table {{.Tag}}{{json .}}", rows, IMAGE_HEADER) == (
        "TAG\n" + 'tag1{"Repository":"image","Tag":"tag1","Digest":"' + DIGEST + '",'
        '"ID":"imageID1","CreatedSince":"x","Size":"0B"}\n'
    )


# --- inspect -------------------------------------------------------------------------------------
CONTAINER = {
    "Name": "/web",
    "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2"}}},
}


def test_inspect_missing_key_is_an_error() -> None:
    # Real docker output: "template parsing error: template: :1:18: executing "" at
    # <.NetworkSettings.IPAddress>: map has no entry for key "IPAddress"" (exit status 1).
    result = docker.inspect("{{.NetworkSettings.IPAddress}}", [CONTAINER])
    assert result.errors == [
        'template parsing error: template: :1:18: executing "" at '
        '<.NetworkSettings.IPAddress>: map has no entry for key "IPAddress"'
    ]
    assert result.exit_code == 1
    assert result.stdout == "\n"


def test_inspect_prints_one_line_per_element() -> None:
    fmt = "{{.Name}} {{.NetworkSettings.Networks.bridge.IPAddress}}"
    result = docker.inspect(fmt, [CONTAINER, CONTAINER])
    assert result.stdout == "/web 172.17.0.2\n/web 172.17.0.2\n"
    assert result.exit_code == 0
    # The column is counted in bytes from the line start: "{{.Name}} {{" is 12 characters.
    bad = docker.inspect("{{.Name}} {{.NetworkSettings.IPAddress}}", [CONTAINER])
    assert ":1:28:" in bad.errors[0]


def test_inspect_parse_error_exit_code() -> None:
    result = docker.inspect("{{.Name", [CONTAINER])
    assert result.errors == ["template parsing error: template: :1: unclosed action"]
    assert result.exit_code == 64


def test_inspect_struct_falls_back_to_raw_json() -> None:
    # Docker runs the template on its typed struct, then on the raw JSON with missingkey=error:
    # a struct field that is a nil slice prints [] in the typed run.
    image = GoStruct(
        "*image.InspectResponse", {"Id": "sha256:abc", "Entrypoint": GoNil("[]string")}
    )
    assert docker.inspect("{{.Entrypoint}}", [image], strict_maps=False).stdout == "[]\n"
    result = docker.inspect("{{.Nope}}", [image], strict_maps=False)
    assert result.errors == [
        'template parsing error: template: :1:2: executing "" at <.Nope>: '
        'map has no entry for key "Nope"'
    ]


def test_inspect_without_format_is_indented_json() -> None:
    result = docker.inspect("", [{"Id": "sha256:abc", "RepoTags": []}])
    assert (
        result.stdout == '[\n    {\n        "Id": "sha256:abc",\n        "RepoTags": []\n    }\n]\n'
    )
