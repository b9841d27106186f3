"""pipeline.oracle.units: go-units sizes and durations, coreutils SIZE arguments.

Expected values: the §4.1 table of docker-image-semantics.md (produced by running go-units with
Go 1.19), go-units' own size_test.go / duration_test.go, and the GNU coreutils documentation of
SIZE ("KB 1000, K 1024, MB 1000*1000, M 1024*1024, ... Binary prefixes can be used, too:
KiB=K, MiB=M"; truncate(1): "+ extend by, - reduce by, < at most, > at least, / round down to
multiple of, % round up to multiple of").
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipeline.oracle import units
from pipeline.oracle.units import SizeArg, UnitsError

# docker-image-semantics.md §4.1: bytes -> (HumanSizeWithPrecision(.,3), HumanSize).
SIZE_TABLE = [
    (0, "0B", "0B"),
    (5, "5B", "5B"),
    (22, "22B", "22B"),
    (222, "222B", "222B"),
    (999, "999B", "999B"),
    (1000, "1kB", "1kB"),
    (1023, "1.02kB", "1.023kB"),
    (1024, "1.02kB", "1.024kB"),
    (1090, "1.09kB", "1.09kB"),
    (1500, "1.5kB", "1.5kB"),
    (4096, "4.1kB", "4.096kB"),
    (8192, "8.19kB", "8.192kB"),
    (9999, "10kB", "9.999kB"),
    (99949, "99.9kB", "99.95kB"),
    (99950, "100kB", "99.95kB"),
    (999499, "999kB", "999.5kB"),
    (999500, "1e+03kB", "999.5kB"),
    (999999, "1e+03kB", "1000kB"),
    (1000000, "1MB", "1MB"),
    (1048576, "1.05MB", "1.049MB"),
    (5600000, "5.6MB", "5.6MB"),
    (7750000, "7.75MB", "7.75MB"),
    (53249999, "53.2MB", "53.25MB"),
    (1070000000, "1.07GB", "1.07GB"),
    (1073741824, "1.07GB", "1.074GB"),
    (1000000000, "1GB", "1GB"),
]


@pytest.mark.parametrize(("size", "precision3", "human"), SIZE_TABLE)
def test_semantics_table(size: int, precision3: str, human: str) -> None:
    assert units.human_size_with_precision(size, 3) == precision3
    assert units.human_size(size) == human


def test_go_units_human_size() -> None:
    # go-units size_test.go TestHumanSize.
    assert units.human_size(1000) == "1kB"
    assert units.human_size(1024) == "1.024kB"
    assert units.human_size(1000000) == "1MB"
    assert units.human_size(1048576) == "1.049MB"
    assert units.human_size(2 * units.MB) == "2MB"
    assert units.human_size(3.42 * units.GB) == "3.42GB"
    assert units.human_size(5.372 * units.TB) == "5.372TB"
    assert units.human_size(2.22 * units.PB) == "2.22PB"
    assert units.human_size(10000000000000 * units.PB) == "1e+04YB"


def test_go_units_bytes_size() -> None:
    # go-units size_test.go TestBytesSize.
    assert units.bytes_size(1024) == "1KiB"
    assert units.bytes_size(1024 * 1024) == "1MiB"
    assert units.bytes_size(2 * units.MIB) == "2MiB"
    assert units.bytes_size(3.42 * units.GIB) == "3.42GiB"
    assert units.bytes_size(5.372 * units.TIB) == "5.372TiB"
    assert units.bytes_size(2.22 * units.PIB) == "2.22PiB"
    assert units.bytes_size(units.KIB**5 * units.PIB) == "1.049e+06YiB"


def test_custom_size() -> None:
    # go-units CustomSize with the format BytesSize uses, and a fixed-point one.
    assert units.custom_size("%.4g%s", 1536, 1024.0, units.BINARY_ABBRS) == "1.5KiB"
    assert units.custom_size("%.1f %s", 1536, 1000.0, units.DECIMAL_ABBRS) == "1.5 kB"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # go-units size_test.go TestFromHumanSize (success cases).
        ("32", 32),
        ("32b", 32),
        ("32B", 32),
        ("32k", 32 * units.KB),
        ("32K", 32 * units.KB),
        ("32kb", 32 * units.KB),
        ("32Kb", 32 * units.KB),
        ("32Mb", 32 * units.MB),
        ("32Gb", 32 * units.GB),
        ("32Tb", 32 * units.TB),
        ("32Pb", 32 * units.PB),
        ("32.5kB", 32500),
        ("32.5 kB", 32500),
        ("32.5 B", 32),
        ("0.3 K", 300),
        # The vendored parseSize (strings.LastIndexAny version) also reads ".3kB".
        (".3kB", 300),
    ],
)
def test_from_human_size(text: str, expected: int) -> None:
    assert units.from_human_size(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # go-units size_test.go TestRAMInBytes (success cases).
        ("32", 32),
        ("32b", 32),
        ("32k", 32 * units.KIB),
        ("32Kb", 32 * units.KIB),
        ("32Kib", 32 * units.KIB),
        ("32KIB", 32 * units.KIB),
        ("32Mb", 32 * units.MIB),
        ("32Gb", 32 * units.GIB),
        ("32Tb", 32 * units.TIB),
        ("32Pb", 32 * units.PIB),
        ("32PB", 32 * units.PIB),
        ("32P", 32 * units.PIB),
        ("32.3", 32),
        ("32.3 mb", int(32.3 * units.MIB)),
        ("0.3MB", int(0.3 * units.MIB)),
    ],
)
def test_ram_in_bytes(text: str, expected: int) -> None:
    assert units.ram_in_bytes(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # go-units size_test.go error cases; messages from the vendored parseSize.
        ("", "invalid size: ''"),
        ("hello", "invalid size: 'hello'"),
        ("-32", "invalid size: '-32'"),
        (" 32 ", 'strconv.ParseFloat: parsing " 32": invalid syntax'),
        ("32m b", 'strconv.ParseFloat: parsing "32m": invalid syntax'),
        ("32bm", "invalid suffix: 'bm'"),
        ("32kbyte", "invalid suffix: 'kbyte'"),
        ("32x", "invalid suffix: 'x'"),
    ],
)
def test_parse_size_errors(text: str, message: str) -> None:
    for parse in (units.from_human_size, units.ram_in_bytes):
        with pytest.raises(UnitsError) as err:
            parse(text)
        assert str(err.value) == message


DAY = timedelta(days=1)
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 365 * DAY


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        # go-units duration_test.go TestHumanDuration.
        (timedelta(milliseconds=450), "Less than a second"),
        (timedelta(seconds=1), "1 second"),
        (timedelta(seconds=45), "45 seconds"),
        (timedelta(seconds=46), "46 seconds"),
        (timedelta(seconds=59), "59 seconds"),
        (timedelta(seconds=60), "About a minute"),
        (timedelta(minutes=3), "3 minutes"),
        (timedelta(minutes=35), "35 minutes"),
        (timedelta(minutes=35, seconds=40), "35 minutes"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(minutes=45, seconds=40), "45 minutes"),
        (timedelta(minutes=46), "46 minutes"),
        (timedelta(minutes=59), "59 minutes"),
        (timedelta(hours=1), "About an hour"),
        (timedelta(hours=1, minutes=29), "About an hour"),
        (timedelta(hours=1, minutes=31), "2 hours"),
        (timedelta(hours=1, minutes=59), "2 hours"),
        (timedelta(hours=3), "3 hours"),
        (timedelta(hours=3, minutes=29), "3 hours"),
        (timedelta(hours=3, minutes=31), "4 hours"),
        (timedelta(hours=3, minutes=59), "4 hours"),
        (timedelta(hours=3, minutes=60), "4 hours"),
        (timedelta(hours=24), "24 hours"),
        (DAY + timedelta(hours=12), "36 hours"),
        (2 * DAY, "2 days"),
        (7 * DAY, "7 days"),
        (13 * DAY + timedelta(hours=5), "13 days"),
        (2 * WEEK, "2 weeks"),
        (2 * WEEK + 4 * DAY, "2 weeks"),
        (3 * WEEK, "3 weeks"),
        (4 * WEEK, "4 weeks"),
        (4 * WEEK + 3 * DAY, "4 weeks"),
        (MONTH, "4 weeks"),
        (MONTH + 2 * WEEK, "6 weeks"),
        (2 * MONTH, "2 months"),
        (2 * MONTH + 2 * WEEK, "2 months"),
        (3 * MONTH, "3 months"),
        (3 * MONTH + WEEK, "3 months"),
        (5 * MONTH + 2 * WEEK, "5 months"),
        (13 * MONTH, "13 months"),
        (23 * MONTH, "23 months"),
        (24 * MONTH, "24 months"),
        (24 * MONTH + 2 * WEEK, "2 years"),
        (3 * YEAR + 2 * MONTH, "3 years"),
        # docker-image-semantics.md §4.1 (VERIFIED with Go).
        (timedelta(minutes=90), "2 hours"),
        (timedelta(hours=48), "2 days"),
        (timedelta(days=8), "8 days"),
        (timedelta(days=14), "2 weeks"),
        (timedelta(days=40), "5 weeks"),
        (timedelta(days=400), "13 months"),
    ],
)
def test_human_duration(duration: timedelta, text: str) -> None:
    assert units.human_duration(duration) == text


@pytest.mark.parametrize(
    ("text", "size"),
    [
        # GNU coreutils SIZE: bare number, K/M/G/T/... = 1024^n, KiB = K, KB = 1000^n.
        ("0", 0),
        ("100", 100),
        ("1K", 1024),
        ("1k", 1024),
        ("1KiB", 1024),
        ("1KB", 1000),
        ("1kB", 1000),
        ("1M", 1024**2),
        ("1MiB", 1024**2),
        ("1MB", 1000**2),
        ("1G", 2**30),
        ("1g", 2**30),
        ("1GiB", 2**30),
        ("1GB", 10**9),
        ("2T", 2 * 1024**4),
        ("1TB", 10**12),
        ("1P", 1024**5),
        ("1E", 1024**6),
    ],
)
def test_parse_size_arg_absolute(text: str, size: int) -> None:
    assert units.parse_size_arg(text) == SizeArg("", size)
    assert units.parse_size_arg(text, relative=False) == SizeArg("", size)


def test_truncate_of_1g_shows_as_1_07gb() -> None:
    # §4.1: `truncate -s 1G` (2^30 bytes) shows as 1.07GB, `truncate -s 1GB` (10^9) as 1GB.
    assert units.human_size_with_precision(units.parse_size_arg("1G").size, 3) == "1.07GB"
    assert units.human_size_with_precision(units.parse_size_arg("1GB").size, 3) == "1GB"


@pytest.mark.parametrize(
    ("text", "current", "new"),
    [
        # truncate(1) relative sizes.
        ("+5", 10, 15),
        ("+1K", 0, 1024),
        ("-3", 10, 7),
        ("-30", 10, 0),
        ("<5", 10, 5),
        ("<50", 10, 10),
        (">50", 10, 50),
        (">5", 10, 10),
        ("/4", 10, 8),
        ("%4", 10, 12),
        ("%4", 12, 12),
        ("7", 10, 7),
    ],
)
def test_parse_size_arg_relative(text: str, current: int, new: int) -> None:
    assert units.parse_size_arg(text).apply(current) == new


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Invalid number: ''"),
        ("abc", "Invalid number: 'abc'"),
        ("1X", "Invalid number: '1X'"),
        ("1B", "Invalid number: '1B'"),  # "B" alone is not a truncate suffix
        ("1Ki", "Invalid number: '1Ki'"),
        ("1KBB", "Invalid number: '1KBB'"),
        ("1.5M", "Invalid number: '1.5M'"),
        ("1 K", "Invalid number: '1 K'"),
        ("<+5", "multiple relative modifiers specified"),
        ("/0", "division by zero"),
    ],
)
def test_parse_size_arg_errors(text: str, message: str) -> None:
    with pytest.raises(UnitsError) as err:
        units.parse_size_arg(text)
    assert str(err.value) == message


def test_fallocate_lengths_are_absolute_only() -> None:
    with pytest.raises(UnitsError):
        units.parse_size_arg("+1M", relative=False)
    with pytest.raises(UnitsError):
        units.parse_size_arg("<1M", relative=False)
