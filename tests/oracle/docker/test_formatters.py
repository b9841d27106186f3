"""The table formatters against docker/cli's own test vectors.

- images: the three images of cli/command/formatter/image_test.go `TestImageContextWrite`
  (image:tag1 with a digest, image:tag2, a dangling one; created 24 hours ago) and its expected
  texts, laid out with the tab writer docker/cli uses since 2020 (minwidth 10, padding 3:
  cli/command/formatter/formatter.go; the indexed copy of image_test.go predates that and pads
  to 20 columns, so the expected tables below are its rows in today's layout).
- history: cli/command/image/testdata/history-command-success.simple.golden and
  .non-human.golden (byte for byte), and the storage-driver sample of
  docker-image-semantics.md §4.3 (data of docs content/manuals/engine/storage/drivers/_index.md,
  layout verified with Go), including the trailing spaces of an empty last cell.
- ps SIZE: cli/command/formatter/container_test.go (`10B (virtual 20B)`,
  `123B (virtual 12.3kB)`) and the §4.5 golden layout.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pipeline.oracle.docker.formatters import containers as fc
from pipeline.oracle.docker.formatters import history as fh
from pipeline.oracle.docker.formatters import images as fi
from pipeline.oracle.docker.formatters.common import render, since
from pipeline.oracle.gotemplate import GoStruct
from pipeline.oracle.store import HistoryRow

DAY_AGO = "2024-12-31T00:00:00Z"  # the scenario clock starts at 2025-01-01T00:00:00Z
DIGEST = "sha256:cbbf2f9a99b47fc460d422812b6a5adff7dfee951d8fa2e4a98caa0382cfbdbf"


def summaries() -> list[fi.Summary]:
    def image(image_id: str) -> SimpleNamespace:
        return SimpleNamespace(id=image_id)

    return [
        fi.Summary(image("imageID1"), ["image:tag1"], [f"image@{DIGEST}"], 0, DAY_AGO),
        fi.Summary(image("imageID2"), ["image:tag2"], [], 0, DAY_AGO),
        fi.Summary(image("imageID3"), ["<none>:<none>"], ["<none>@<none>"], 0, DAY_AGO),
    ]  # type: ignore[arg-type]


def images(format: str, quiet: bool = False, digests: bool = False) -> str:
    rows = fi.image_rows(summaries(), trunc=True, digests=digests)
    return render(fi.image_format(format, quiet, digests), rows, fi.HEADER)


@pytest.mark.parametrize(
    ("format", "quiet", "digests", "expected"),
    [
        ("table", False, False,
         "REPOSITORY   TAG       IMAGE ID   CREATED        SIZE\n"
         "image        tag1      imageID1   24 hours ago   0B\n"
         "image        tag2      imageID2   24 hours ago   0B\n"
         "<none>       <none>    imageID3   24 hours ago   0B\n"),
        ("table {{.Repository}}", False, False, "REPOSITORY\nimage\nimage\n<none>\n"),
        ("table {{.Repository}}", False, True,
         f"REPOSITORY   DIGEST\nimage        {DIGEST}\nimage        <none>\n<none>       <none>\n"),
        ("table {{.Repository}}", True, False, "REPOSITORY\nimage\nimage\n<none>\n"),
        ("table", True, False, "imageID1\nimageID2\nimageID3\n"),
        ("table", False, True,
         "REPOSITORY   TAG       DIGEST" + " " * 68 + "IMAGE ID   CREATED        SIZE\n"
         f"image        tag1      {DIGEST}   imageID1   24 hours ago   0B\n"
         "image        tag2      <none>" + " " * 68 + "imageID2   24 hours ago   0B\n"
         "<none>       <none>    <none>" + " " * 68 + "imageID3   24 hours ago   0B\n"),
        ("table", True, True, "imageID1\nimageID2\nimageID3\n"),
        ("raw", True, False, "image_id: imageID1\nimage_id: imageID2\nimage_id: imageID3\n"),
        ("{{.Repository}}", False, False, "image\nimage\n<none>\n"),
        ("{{.Repository}}", False, True, "image\nimage\n<none>\n"),
    ],
)  # fmt: skip
def test_image_context_write(format, quiet, digests, expected):
    assert images(format, quiet, digests) == expected


def test_raw_image_format_separates_rows_with_a_blank_line():
    at = "2024-12-31 00:00:00 +0000 UTC"
    assert images("raw", digests=True).startswith(
        f"repository: image\ntag: tag1\ndigest: {DIGEST}\nimage_id: imageID1\n"
        f"created_at: {at}\nvirtual_size: 0B\n\nrepository: image\n"
    )


def test_image_json_format_has_every_field_sorted():
    rows = fi.image_rows(summaries()[1:2], trunc=True, digests=False)
    assert render("json", rows, fi.HEADER) == (
        '{"Containers":"N/A","CreatedAt":"2024-12-31 00:00:00 +0000 UTC",'
        '"CreatedSince":"24 hours ago","Digest":"\\u003cnone\\u003e","ID":"imageID2",'
        '"Repository":"image",'
        '"SharedSize":"N/A","Size":"0B","Tag":"tag2","UniqueSize":"N/A","VirtualSize":"0B"}\n'
    )


def test_json_rows_escape_html_like_marshal_json():
    rows = fi.image_rows(summaries()[2:], trunc=True, digests=False)
    line = render("{{json .}}", rows, fi.HEADER)
    assert '"Repository":"\\u003cnone\\u003e"' in line and line == render("json", rows, fi.HEADER)


def test_no_image_prints_only_a_table_header():
    assert render("table {{.Repository}}", [], fi.HEADER) == "REPOSITORY\n"
    assert render("{{.Repository}}", [], fi.HEADER) == ""


def test_a_bad_template_is_dockers_parsing_error():
    from pipeline.oracle.docker.errors import CliError

    with pytest.raises(CliError) as caught:
        images("{{InvalidFunction}}")
    assert caught.value.message == (
        'template parsing error: template: :1: function "InvalidFunction" not defined'
    )


# --- history --------------------------------------------------------------------------------------
def history(rows: list[HistoryRow], format: str = "", trunc: bool = True, human: bool = True):
    data = fh.history_rows(rows, trunc=trunc, human=human)
    return render(fh.history_format(format, False, human), data, fh.HEADER)


def test_history_golden_simple():
    row = HistoryRow("1234567890123456789", "2025-01-01T00:00:00Z", "", 0, "none", ())
    assert history([row]) == (
        "IMAGE          CREATED                  CREATED BY   SIZE      COMMENT\n"
        "123456789012   Less than a second ago                0B        none\n"
    )


def test_history_golden_non_human():
    row = HistoryRow("abcdef", "2017-01-01T12:00:03Z", "rose", 0, "new history item!", ())
    assert history([row], human=False) == (
        "IMAGE     CREATED AT             CREATED BY   SIZE      COMMENT\n"
        "abcdef    2017-01-01T12:00:03Z   rose         0         new history item!\n"
    )


def test_history_storage_driver_sample():
    minutes = "2024-12-31T23:57:00Z"  # 3 minutes before the scenario clock
    weeks = "2024-11-13T00:00:00Z"  # 7 weeks before
    rows = [
        HistoryRow("sha256:8bd85c42fa7f" + "0" * 52, minutes,
                   'CMD ["/bin/sh" "-c" "/app/hello.sh"]', 0, "buildkit.dockerfile.v0", ()),
        HistoryRow("<missing>", minutes, "RUN /bin/sh -c chmod +x /app/hello.sh # buildkit", 39,
                   "buildkit.dockerfile.v0", ()),
        HistoryRow("<missing>", minutes, "COPY . /app # buildkit", 222, "buildkit.dockerfile.v0",
                   ()),
        HistoryRow("<missing>", weeks, '/bin/sh -c #(nop)  CMD ["/bin/sh"]', 0, "", ()),
        HistoryRow("<missing>", weeks, "/bin/sh -c #(nop) ADD file:f278386b0cef68136129f5f58c52"
                   "445590a417b624d62bca158d4dc926c340df in / ", 5600000, "", ()),
    ]  # fmt: skip
    expected = """\
IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT
8bd85c42fa7f   3 minutes ago   CMD ["/bin/sh" "-c" "/app/hello.sh"]            0B        buildkit.dockerfile.v0
<missing>      3 minutes ago   RUN /bin/sh -c chmod +x /app/hello.sh # buil…   39B       buildkit.dockerfile.v0
<missing>      3 minutes ago   COPY . /app # buildkit                          222B      buildkit.dockerfile.v0
<missing>      7 weeks ago     /bin/sh -c #(nop)  CMD ["/bin/sh"]              0B       \x20
<missing>      7 weeks ago     /bin/sh -c #(nop) ADD file:f278386b0cef68136…   5.6MB    \x20
"""  # noqa: E501
    assert history(rows) == expected


def test_history_created_by_tabs_and_truncation():
    """formatter_history_test.go TestHistoryContext_CreatedBy: tabs become spaces; Ellipsis 45
    (`…` since docker/cli 926b20fc)."""
    with_tabs = "/bin/sh -c apt-key adv --keyserver hkp://pgp.mit.edu:80\t--recv-keys 573BFD6B"
    row = HistoryRow("x", DAY_AGO, with_tabs, 182964289, "Hi", ("image:tag2",))
    full = fh.history_rows([row], trunc=False, human=True)[0]
    assert full["CreatedBy"] == with_tabs.replace("\t", " ")
    cut = fh.history_rows([row], trunc=True, human=True)[0]
    assert cut["CreatedBy"] == with_tabs.replace("\t", " ")[:44] + "…"
    assert (cut["Size"], cut["CreatedSince"], cut["Tags"]) == (
        "183MB",
        "24 hours ago",
        "image:tag2",
    )
    assert fh.history_rows([row], trunc=True, human=False)[0]["Size"] == "182964289"


def test_history_quiet_and_custom_formats():
    row = HistoryRow("<missing>", DAY_AGO, "x", 1, "", ())
    data = fh.history_rows([row], trunc=True, human=True)
    assert render(fh.history_format("", True, True), data, fh.HEADER) == "<missing>\n"
    assert render("{{.ID}}|{{.Size}}", data, fh.HEADER) == "<missing>|1B\n"


# --- ps -------------------------------------------------------------------------------------------
def test_ps_size_column_format():
    def size(rw: int, root: int) -> str:
        container = SimpleNamespace(size_rw=rw, size_root_fs=root)
        text = fc.size3(container.size_rw)
        return text + (f" (virtual {fc.size3(root)})" if root > 0 else "")

    assert size(10, 20) == "10B (virtual 20B)"
    assert size(123, 12300) == "123B (virtual 12.3kB)"
    assert size(0, 0) == "0B"


def test_ps_size_table_layout():
    row = GoStruct("*formatter.ContainerContext", {
        "ID": "cddae31c314f", "Image": "demo", "Command": '"/bin/sh"',
        "RunningFor": "5 seconds ago", "Status": "Up 4 seconds", "Ports": "", "Names": "c1",
        "Size": "5B (virtual 7.75MB)"})  # fmt: skip
    expected = """\
CONTAINER ID   IMAGE     COMMAND     CREATED         STATUS         PORTS     NAMES     SIZE
cddae31c314f   demo      "/bin/sh"   5 seconds ago   Up 4 seconds             c1        5B (virtual 7.75MB)
"""  # noqa: E501
    assert render(fc.ps_format("", False, True), [row], fc.HEADER) == expected


def test_ages_from_the_scenario_clock():
    assert since("2025-01-01T00:00:05Z") == "Less than a second ago"
    assert since("2024-12-05T12:49:04Z") == "3 weeks ago"
    assert since("2024-12-31T23:58:30Z") == "About a minute ago"
