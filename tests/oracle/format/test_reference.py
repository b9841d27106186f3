"""pipeline.oracle.reference against distribution/reference's own vectors.

Every expected value comes from data/reference_vectors.jsonl (see data/README.md for the source:
distribution/reference @0965666a, run with Go and reproduced in docker-image-semantics.md §5.3).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline.oracle import reference as ref
from pipeline.oracle.reference import ReferenceError

DATA = Path(__file__).resolve().parent / "data" / "reference_vectors.jsonl"


def _load() -> list[dict]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


VECTORS = _load()


def _by(func: str) -> list[dict]:
    return [v for v in VECTORS if v["func"] == func]


def test_vector_file_holds_every_listed_case() -> None:
    ids = {v["id"] for v in VECTORS}
    assert {f"R{i:02d}" for i in range(1, 76)} <= ids  # R01-R75 of §5.3
    assert {f"X{i}" for i in range(1, 17) if i != 9} | {"X9a", "X9b", "X9c"} <= ids
    assert len(ids) == len(VECTORS), "duplicate ids"


@pytest.mark.parametrize("v", _by("ParseNormalizedNamed"), ids=lambda v: v["id"])
def test_parse_normalized_named(v: dict) -> None:
    if "error" in v:
        with pytest.raises(ReferenceError) as err:
            ref.parse_normalized_named(v["input"])
        assert str(err.value) == v["error"]
        return
    named = ref.parse_normalized_named(v["input"])
    for field in ("domain", "path", "tag", "digest"):
        if field in v:
            assert getattr(named, field) == v[field], field
    if "string" in v:
        assert str(named) == v["string"]
    if "docker_ref" in v:
        assert str(ref.parse_docker_ref(v["input"])) == v["docker_ref"]
    if "familiar" in v:
        assert ref.familiar_string(named) == v["familiar"]


@pytest.mark.parametrize(
    "v", [v for v in _by("ParseNormalizedNamed") if "error" in v], ids=lambda v: v["id"]
)
def test_parse_docker_ref_fails_like_parse_normalized_named(v: dict) -> None:
    # normalize.go: ParseDockerRef starts with ParseNormalizedNamed, so it has the same errors.
    with pytest.raises(ReferenceError) as err:
        ref.parse_docker_ref(v["input"])
    assert str(err.value) == v["error"]


@pytest.mark.parametrize("v", _by("Parse"), ids=lambda v: v["id"])
def test_parse(v: dict) -> None:
    if "error" in v:
        with pytest.raises(ReferenceError) as err:
            ref.parse(v["input"])
        assert str(err.value) == v["error"]
        return
    parsed = ref.parse(v["input"])
    assert str(parsed) == v["string"]
    assert parsed.name == v["name"]
    assert parsed.domain == v["domain"]
    assert parsed.tag == v["tag"]
    assert parsed.digest == v["digest"]


@pytest.mark.parametrize("v", _by("ParseAnyReference"), ids=lambda v: v["id"])
def test_parse_any_reference(v: dict) -> None:
    parsed = ref.parse_any_reference(v["input"])
    assert str(parsed) == v["string"]
    assert parsed.is_named == v["named"]
    if "digest" in v:
        assert parsed.digest == v["digest"]


@pytest.mark.parametrize("v", _by("WithTag"), ids=lambda v: v["id"])
def test_with_tag(v: dict) -> None:
    named = ref.with_name(v["name"])
    if "digest" in v:
        named = ref.with_digest(named, v["digest"])
    if "error" in v:
        with pytest.raises(ReferenceError) as err:
            ref.with_tag(named, v["tag"])
        assert str(err.value) == v["error"]
        return
    assert str(ref.with_tag(named, v["tag"])) == v["combined"]


def test_tag_name_only_adds_latest_only_to_bare_names() -> None:
    # normalize.go TagNameOnly with defaultTag = "latest".
    assert str(ref.tag_name_only(ref.parse_normalized_named("nginx"))) == (
        "docker.io/library/nginx:latest"
    )
    pinned = ref.parse_normalized_named("nginx@sha256:" + "a" * 64)
    assert ref.tag_name_only(pinned) == pinned


def test_familiar_name_keeps_nested_library_paths() -> None:
    # normalize.go familiarizeName: "library/" is only dropped when nothing else follows.
    assert ref.familiar_name(ref.parse_normalized_named("docker.io/library/foo/bar")) == (
        "library/foo/bar"
    )
    assert ref.familiar_name(ref.parse_normalized_named("redis:7")) == "redis"


def test_with_name_failures() -> None:
    # reference_test.go @ff14fafe TestWithNameFailure.
    invalid = [
        "",
        ":justtag",
        "@sha256:" + "f" * 64,
        "validname@invaliddigest:" + "f" * 64,
        "example.com/repo:tag",
        "aa/asdf$$^/aa",
    ]
    for name in invalid:
        with pytest.raises(ReferenceError, match="^invalid reference format$"):
            ref.with_name(name)
    with pytest.raises(ReferenceError, match="must not be more than 255"):
        ref.with_name("example.com/" + "a" * 256)


def test_with_digest_rejects_malformed_digest() -> None:
    # reference.go WithDigest: anchoredDigestRegexp or ErrDigestInvalidFormat.
    with pytest.raises(ReferenceError, match="^invalid digest format$"):
        ref.with_digest(ref.with_name("foo"), "sha256:xyz")


def test_domain_and_path_of_with_name() -> None:
    # reference_test.go TestDomainAndPath.
    cases = {
        "test.com/foo": ("test.com", "foo"),
        "test_com/foo": ("", "test_com/foo"),
        "test:8080/foo": ("test:8080", "foo"),
        "test.com:8080/foo": ("test.com:8080", "foo"),
        "test-com:8080/foo": ("test-com:8080", "foo"),
        "xn--n3h.com:18080/foo": ("xn--n3h.com:18080", "foo"),
    }
    for name, (domain, path) in cases.items():
        named = ref.with_name(name)
        assert (named.domain, named.path) == (domain, path)


def test_familiar_match() -> None:
    # helpers.go FamiliarMatch uses path.Match on the familiar string, then on the familiar name.
    redis = ref.parse_normalized_named("redis:7")
    assert ref.familiar_match("redis", redis)
    assert ref.familiar_match("red*", redis)
    assert ref.familiar_match("redis:*", redis)
    assert not ref.familiar_match("*/redis", redis)
    mine = ref.parse_normalized_named("myuser/app:1")
    assert not ref.familiar_match("*", mine)  # `*` does not cross `/` in path.Match
    assert ref.familiar_match("*/*", mine)
    assert ref.familiar_match("myuser/[a-c]pp", mine)
    with pytest.raises(ReferenceError, match="syntax error in pattern"):
        ref.familiar_match("[", mine)


def test_validate_digest_errors() -> None:
    # go-digest Validate: format, unsupported algorithm (registered-looking), length.
    with pytest.raises(ReferenceError, match="^invalid checksum digest format$"):
        ref.validate_digest("sha256")
    with pytest.raises(ReferenceError, match="^unsupported digest algorithm$"):
        ref.validate_digest("md5:" + "a" * 32)
    with pytest.raises(ReferenceError, match="^invalid checksum digest length$"):
        ref.validate_digest("sha256:abc")
    assert ref.validate_digest("sha512:" + "0" * 128) == "sha512:" + "0" * 128


def test_memoised_parsing_still_raises_every_time_and_shares_frozen_results() -> None:
    """parse and parse_normalized_named are memoised: a result is a frozen value, so sharing
    it is safe, and an error is never remembered as a result."""
    first = ref.parse_normalized_named("ubuntu")
    assert ref.parse_normalized_named("ubuntu") is first
    assert str(first) == "docker.io/library/ubuntu"
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.tag = "mutated"  # type: ignore[misc]
    for _ in range(2):
        with pytest.raises(ReferenceError, match="must be lowercase"):
            ref.parse_normalized_named("Ubuntu")
        with pytest.raises(ReferenceError):
            ref.parse("")
