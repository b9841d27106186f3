"""pipeline.oracle.tabwriter: Go's text/tabwriter and docker/cli's table helpers.

Upstream cases are golang/go src/text/tabwriter/tabwriter_test.go (`tests`), run with Go's rune
count as the width, each written at once, byte by byte and in Fibonacci-sized slices as the Go
test does. Docker layouts are the golden samples of docker-image-semantics.md §4.3-4.5 (produced
with Go's tabwriter) and docker/cli's own golden files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.oracle import tabwriter as tw
from pipeline.oracle.tabwriter import TabWriter


def g(text: str) -> bytes:
    """A Go string literal as bytes: "\\xff" is the raw byte 0xff, the rest UTF-8."""
    return text.replace("\xff", "\udcff").encode("utf-8", "surrogateescape")


F, S, A, D, T, X = (
    tw.FILTER_HTML,
    tw.STRIP_ESCAPE,
    tw.ALIGN_RIGHT,
    tw.DISCARD_EMPTY_COLUMNS,
    tw.TAB_INDENT,
    tw.DEBUG,
)

# (name, minwidth, tabwidth, padding, padchar, flags, src, expected) from tabwriter_test.go.
GO_TESTS = [
    ("1a", 8, 0, 1, ".", 0, "", ""),
    ("1a debug", 8, 0, 1, ".", X, "", ""),
    ("1b esc stripped", 8, 0, 1, ".", S, "\xff\xff", ""),
    ("1b esc", 8, 0, 1, ".", 0, "\xff\xff", "\xff\xff"),
    ("1c esc stripped", 8, 0, 1, ".", S, "\xff\t\xff", "\t"),
    ("1c esc", 8, 0, 1, ".", 0, "\xff\t\xff", "\xff\t\xff"),
    ("1d esc stripped", 8, 0, 1, ".", S, '\xff"foo\t\n\tbar"\xff', '"foo\t\n\tbar"'),
    ("1d esc", 8, 0, 1, ".", 0, '\xff"foo\t\n\tbar"\xff', '\xff"foo\t\n\tbar"\xff'),
    ("1e esc stripped", 8, 0, 1, ".", S, "abc\xff\tdef", "abc\tdef"),
    ("1e esc", 8, 0, 1, ".", 0, "abc\xff\tdef", "abc\xff\tdef"),
    ("2", 8, 0, 1, ".", 0, "\n\n\n", "\n\n\n"),
    ("3", 8, 0, 1, ".", 0, "a\nb\nc", "a\nb\nc"),
    ("4a", 8, 0, 1, ".", 0, "\t", ""),
    ("4b", 8, 0, 1, ".", A, "\t", ""),
    ("5", 8, 0, 1, ".", 0, "*\t*", "*.......*"),
    ("5b", 8, 0, 1, ".", 0, "*\t*\n", "*.......*\n"),
    ("5c", 8, 0, 1, ".", 0, "*\t*\t", "*.......*"),
    ("5c debug", 8, 0, 1, ".", X, "*\t*\t", "*.......|*"),
    ("5d", 8, 0, 1, ".", A, "*\t*\t", ".......**"),
    ("6", 8, 0, 1, ".", 0, "\t\n", "........\n"),
    ("7a", 8, 0, 1, ".", 0, "a) foo", "a) foo"),
    ("7b", 8, 0, 1, " ", 0, "b) foo\tbar", "b) foo  bar"),
    ("7c", 8, 0, 1, ".", 0, "c) foo\tbar\t", "c) foo..bar"),
    ("7d", 8, 0, 1, ".", 0, "d) foo\tbar\n", "d) foo..bar\n"),
    ("7e", 8, 0, 1, ".", 0, "e) foo\tbar\t\n", "e) foo..bar.....\n"),
    ("7f", 8, 0, 1, ".", F, "f) f&lt;o\t<b>bar</b>\t\n", "f) f&lt;o..<b>bar</b>.....\n"),
    (
        "7g",
        8, 0, 1, ".", F,
        "g) f&lt;o\t<b>bar</b>\t non-terminated entity &amp",
        "g) f&lt;o..<b>bar</b>..... non-terminated entity &amp",
    ),
    (
        "7g debug",
        8, 0, 1, ".", F | X,
        "g) f&lt;o\t<b>bar</b>\t non-terminated entity &amp",
        "g) f&lt;o..|<b>bar</b>.....| non-terminated entity &amp",
    ),
    ("8", 8, 0, 1, "*", 0, "Hello, world!\n", "Hello, world!\n"),
    (
        "9a",
        1, 0, 0, ".", 0,
        "1\t2\t3\t4\n11\t222\t3333\t44444\n",
        "1.2..3...4\n11222333344444\n",
    ),
    (
        "9b",
        1, 0, 0, ".", F,
        "1\t2<!---\f--->\t3\t4\n11\t222\t3333\t44444\n",
        "1.2<!---\f--->..3...4\n11222333344444\n",
    ),
    (
        "9c",
        1, 0, 0, ".", 0,
        "1\t2\t3\t4\f11\t222\t3333\t44444\n",
        "1234\n11222333344444\n",
    ),
    (
        "9c debug",
        1, 0, 0, ".", X,
        "1\t2\t3\t4\f11\t222\t3333\t44444\n",
        "1|2|3|4\n---\n11|222|3333|44444\n",
    ),
    ("10a", 5, 0, 0, ".", 0, "1\t2\t3\t4\n", "1....2....3....4\n"),
    ("10b", 5, 0, 0, ".", 0, "1\t2\t3\t4\t\n", "1....2....3....4....\n"),
    (
        "11",
        8, 0, 1, ".", 0,
        "本\tb\tc\naa\t\u672c\u672c\u672c\tcccc\tddddd\naaa\tbbbb\n",
        "本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n",
    ),
    (
        "12a",
        8, 0, 1, " ", A,
        "a\tè\tc\t\naa\tèèè\tcccc\tddddd\t\naaa\tèèèè\t\n",
        "       a       è       c\n      aa     èèè    cccc   ddddd\n     aaa    èèèè\n",
    ),
    (
        "12b",
        2, 0, 0, " ", 0,
        "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n",
        "a  b  c\naa bbbcccc\naaabbbb\n",
    ),
    (
        "12c",
        8, 0, 1, "_", 0,
        "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n",
        "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n",
    ),
    (
        "13a",
        4, 0, 1, "-", 0,
        "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n"
        "666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
        "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n"
        "666666-666666-666666----4444\n1------1------999999999-0000000000\n",
    ),
    (
        "13b",
        4, 0, 3, ".", 0,
        "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n"
        "666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
        "4444........333...22...1...333\n999999999...22\n7...........22\n"
        "....................88888888\n\n"
        "666666...666666...666666......4444\n1........1........999999999...0000000000\n",
    ),
    (
        "13c",
        8, 8, 1, "\t", F,
        "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n"
        "666666\t666666\t666666\t4444\n"
        "1\t1\t<font color=red attr=日本語>999999999</font>\t0000000000\n",
        "4444\t\t333\t22\t1\t333\n999999999\t22\n7\t\t22\n\t\t\t\t88888888\n\n"
        "666666\t666666\t666666\t\t4444\n"
        "1\t1\t<font color=red attr=日本語>999999999</font>\t0000000000\n",
    ),
    (
        "14",
        1, 0, 2, " ", A,
        ".0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n"
        ".0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t",
        "    .0          .3    2.4    -5.1\n  23.0  12345678.9    2.4  -989.4\n"
        "   5.1        12.0    2.4    -7.0\n    .0         0.0  332.0  8908.0\n"
        "    .0         -.3  456.4    22.1\n    .0         1.2   44.4   -13.3",
    ),
    (
        "14 debug",
        1, 0, 2, " ", A | X,
        ".0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n"
        ".0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t",
        "    .0|          .3|    2.4|    -5.1|\n  23.0|  12345678.9|    2.4|  -989.4|\n"
        "   5.1|        12.0|    2.4|    -7.0|\n    .0|         0.0|  332.0|  8908.0|\n"
        "    .0|         -.3|  456.4|    22.1|\n    .0|         1.2|   44.4|   -13.3|",
    ),
    ("15a", 4, 0, 0, ".", 0, "a\t\tb", "a.......b"),
    ("15b", 4, 0, 0, ".", D, "a\t\tb", "a.......b"),
    ("15c", 4, 0, 0, ".", D, "a\v\vb", "a...b"),
    ("15d", 4, 0, 0, ".", A | D, "a\v\vb", "...ab"),
    (
        "16a",
        100, 100, 0, "\t", 0,
        "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
        "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
    ),
    (
        "16b",
        100, 100, 0, "\t", D,
        "a\vb\v\vd\na\vb\v\vd\ve\na\na\vb\vc\vd\na\vb\vc\vd\ve\n",
        "a\tb\td\na\tb\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
    ),
    (
        "16b debug",
        100, 100, 0, "\t", D | X,
        "a\vb\v\vd\na\vb\v\vd\ve\na\na\vb\vc\vd\na\vb\vc\vd\ve\n",
        "a\t|b\t||d\na\t|b\t||d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n",
    ),
    (
        "16c",
        100, 100, 0, "\t", D,
        "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
        "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
    ),
    (
        "16c debug",
        100, 100, 0, "\t", D | X,
        "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
        "a\t|b\t|\t|d\na\t|b\t|\t|d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n",
    ),
]  # fmt: skip


def _chunks(src: bytes, mode: str) -> list[bytes]:
    if mode == "once":
        return [src]
    if mode == "bytes":
        return [src[i : i + 1] for i in range(len(src))]
    chunks, i, d = [], 0, 0  # Fibonacci-ish slices, as tabwriter_test.go `check`
    while i < len(src):
        chunks.append(src[i : i + d])
        i, d = i + d, d + 1
        if i + d > len(src):
            d = len(src) - i
    return chunks


@pytest.mark.parametrize("mode", ["once", "bytes", "fibonacci"])
@pytest.mark.parametrize("case", GO_TESTS, ids=lambda c: c[0])
def test_go_tabwriter_tests(case: tuple, mode: str) -> None:
    _, minwidth, tabwidth, padding, padchar, flags, src, expected = case
    writer = TabWriter(minwidth, tabwidth, padding, padchar, flags, width=tw.WIDTH_RUNES)
    for chunk in _chunks(g(src), mode):
        writer.write(chunk)
    writer.flush()
    assert writer.getbytes() == g(expected)


def test_writer_is_reusable_after_flush() -> None:
    # tabwriter_test.go reuses one Writer for the three write patterns.
    writer = TabWriter(8, 0, 1, ".", 0, width=tw.WIDTH_RUNES)
    writer.write("a\tb\n")
    writer.flush()
    writer.write("ccc\td\n")
    writer.flush()
    assert writer.getvalue() == "a.......b\nccc.....d\n"


def test_docker_fork_counts_wide_characters_twice() -> None:
    # docker/cli's fork measures with go-runewidth: 本 is two columns wide, so Go's case "11"
    # gets one padding character less after each wide character.
    writer = TabWriter(8, 0, 1, ".", 0)
    writer.write("本\tb\tc\naa\t本本本\tcccc\tddddd\naaa\tbbbb\n")
    writer.flush()
    assert writer.getvalue() == ("本......b.......c\naa......本本本..cccc....ddddd\naaa.....bbbb\n")


GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


def _golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def _table(*rows: list[str]) -> str:
    return "".join("\t".join(row) + "\n" for row in rows)


BK = "buildkit.dockerfile.v0"
BASE_ADD = (
    "/bin/sh -c #(nop) ADD file:f278386b0cef68136129f5f58c52445590a417b624d62bca158d4dc926c3 in / "
)


def test_docker_history_golden() -> None:
    # docker-image-semantics.md §4.3: CREATED BY goes through Ellipsis(., 45); the base rows have
    # an empty COMMENT, so their SIZE cell keeps its padding and the lines end in spaces.
    def row(image_id: str, created: str, by: str, size: str, comment: str) -> list[str]:
        return [image_id, created, tw.ellipsis(by, 45), size, comment]

    text = _table(
        ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"],
        row("8bd85c42fa7f", "3 minutes ago", 'CMD ["/bin/sh" "-c" "/app/hello.sh"]', "0B", BK),
        row(
            "<missing>",
            "3 minutes ago",
            "RUN /bin/sh -c chmod +x /app/hello.sh # buildkit",
            "39B",
            BK,
        ),
        row("<missing>", "3 minutes ago", "COPY . /app # buildkit", "222B", BK),
        row("<missing>", "7 weeks ago", '/bin/sh -c #(nop)  CMD ["/bin/sh"]', "0B", ""),
        row("<missing>", "7 weeks ago", BASE_ADD, "5.6MB", ""),
    )
    assert tw.tabulate(text) == _golden("history.golden")


def test_docker_images_golden() -> None:
    # docker-image-semantics.md §4.4.
    text = _table(
        ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"],
        ["demo", "latest", "8bd85c42fa7f", "About a minute ago", "7.75MB"],
        ["<none>", "<none>", "da3cf8df55ee", "2 minutes ago", "7.75MB"],
    )
    assert tw.tabulate(text) == _golden("images.golden")


def test_docker_ps_size_golden() -> None:
    # docker-image-semantics.md §4.5: an empty PORTS cell is padded to the column width.
    text = _table(
        ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES", "SIZE"],
        ["cddae31c314f", "demo", '"/bin/sh"', "5 seconds ago", "Up 4 seconds", "", "c1"]
        + ["5B (virtual 7.75MB)"],
    )
    assert tw.tabulate(text) == _golden("ps-size.golden")


def test_docker_cli_history_golden_files() -> None:
    # docker/cli cli/command/image/testdata/history-command-success.{simple,non-human}.golden:
    # an empty CREATED BY cell keeps the header's column width.
    simple = _table(
        ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"],
        ["123456789012", "Less than a second ago", "", "0B", "none"],
    )
    assert tw.tabulate(simple) == _golden("history-command-success.simple.golden")
    non_human = _table(
        ["IMAGE", "CREATED AT", "CREATED BY", "SIZE", "COMMENT"],
        ["abcdef", "2017-01-01T12:00:03Z", "rose", "0", "new history item!"],
    )
    assert tw.tabulate(non_human) == _golden("history-command-success.non-human.golden")


@pytest.mark.parametrize(
    ("image_id", "short"),
    [
        # stringid TruncateID: drop up to the first colon, keep 12 characters.
        ("sha256:8bd85c42fa7f0e5b8d2c2d4ab1ac2f1a1e0c3b5d6e7f8091a2b3c4d5e6f70819", "8bd85c42fa7f"),
        ("8bd85c42fa7f0e5b8d2c2d4ab1ac2f1a1e0c3b5d6e7f8091a2b3c4d5e6f70819", "8bd85c42fa7f"),
        ("abcdef", "abcdef"),
        ("sha256:", ""),
    ],
)
def test_truncate_id(image_id: str, short: str) -> None:
    assert tw.truncate_id(image_id) == short


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        # docker/cli formatter/displayutils_test.go TestEllipsis.
        ("t🐳ststring", 0, ""),
        ("t🐳ststring", 1, "t"),
        ("t🐳ststring", 2, "t…"),
        ("t🐳ststring", 6, "t🐳st…"),
        ("t🐳ststring", 20, "t🐳ststring"),
        ("你好世界teststring", 0, ""),
        ("你好世界teststring", 1, "你"),
        ("你好世界teststring", 3, "你…"),
        ("你好世界teststring", 6, "你好…"),
        ("你好世界teststring", 20, "你好世界teststring"),
        # displayutils.go: pure ASCII is cut by length; a wide rune that would cross the
        # limit is dropped whole.
        ("teststring", 5, "test…"),
        ("teststring", 10, "teststring"),
        ("test🐳string", 6, "test…"),
        ("test🐳string", 7, "test🐳…"),
    ],
)
def test_ellipsis(text: str, width: int, expected: str) -> None:
    assert tw.ellipsis(text, width) == expected


def test_display_width() -> None:
    # go-runewidth: East Asian Wide is 2, combining marks 0, ASCII 1.
    assert tw.display_width("abc") == 3
    assert tw.display_width("日本語") == 6
    assert tw.display_width("e\u0301") == 1
    assert tw.display_width("🐳") == 2
