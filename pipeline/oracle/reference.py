"""Image references: a port of distribution/reference (reference.go, regexp.go, normalize.go,
helpers.go @0965666a) and the digest checks of opencontainers/go-digest @137fd2b.

`parse` is the strict grammar (no defaults); `parse_normalized_named` is what the Docker CLI and
daemon apply to user input (`nginx` -> `docker.io/library/nginx`); `familiar_string` undoes that
for display. Every error is a `ReferenceError` whose text is Go's, so the oracle can print what
Docker prints (`invalid reference format: repository name (library/Ubuntu) must be lowercase`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

# normalize.go constants.
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
DEFAULT_DOMAIN = "docker.io"
OFFICIAL_REPO_PREFIX = "library/"
DEFAULT_TAG = "latest"
# reference.go: RepositoryNameTotalLengthMax (the path, without the domain).
NAME_TOTAL_LENGTH_MAX = 255

# reference.go error texts.
ERR_REFERENCE_INVALID_FORMAT = "invalid reference format"
ERR_TAG_INVALID_FORMAT = "invalid tag format"
ERR_DIGEST_INVALID_FORMAT = "invalid digest format"
ERR_NAME_CONTAINS_UPPERCASE = "repository name must be lowercase"
ERR_NAME_EMPTY = "repository name must have at least one component"
ERR_NAME_TOO_LONG = f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
ERR_NAME_NOT_CANONICAL = "repository name must be canonical"
# go-digest error texts.
ERR_CHECKSUM_FORMAT = "invalid checksum digest format"
ERR_CHECKSUM_LENGTH = "invalid checksum digest length"
ERR_DIGEST_UNSUPPORTED = "unsupported digest algorithm"


class ReferenceError(ValueError):
    """A reference or digest that does not parse; str() is the Go error text."""


# --- regexp.go -----------------------------------------------------------------------------------
# Python's re differs from Go's RE2 in two ways that matter here: \w is Unicode unless re.ASCII,
# and there are no POSIX classes, so [[:xdigit:]] is spelled out. Both searches are leftmost-first,
# so capture groups agree.
_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_DOMAIN_NAME_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_OPTIONAL_PORT = r"(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}"
_IDENTIFIER = r"([a-f0-9]{64})"
_IPV6_ADDRESS = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN_NAME = _DOMAIN_NAME_COMPONENT + r"(?:\." + _DOMAIN_NAME_COMPONENT + r")*"
_HOST = r"(?:" + _DOMAIN_NAME + r"|" + _IPV6_ADDRESS + r")"
_DOMAIN_AND_PORT = _HOST + _OPTIONAL_PORT
_PATH_COMPONENT = _ALPHANUMERIC + r"(?:" + _SEPARATOR + _ALPHANUMERIC + r")*"
_REMOTE_NAME = _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_NAME = r"(?:" + _DOMAIN_AND_PORT + r"/)?" + _REMOTE_NAME


def _anchored(pattern: str) -> re.Pattern[str]:
    # Go's `$` (no multi-line flag) only matches at the very end; Python's `$` also matches
    # before a final newline, hence \Z.
    return re.compile(r"^" + pattern + r"\Z", re.ASCII)


_REFERENCE_RE = _anchored(
    r"(" + _NAME + r")" + r"(?::(" + _TAG + r"))?" + r"(?:@(" + _DIGEST + r"))?"
)
_ANCHORED_NAME_RE = _anchored(r"(?:(" + _DOMAIN_AND_PORT + r")/)?" + r"(" + _REMOTE_NAME + r")")
_ANCHORED_TAG_RE = _anchored(_TAG)
_ANCHORED_DIGEST_RE = _anchored(_DIGEST)
_ANCHORED_IDENTIFIER_RE = _anchored(_IDENTIFIER)

# go-digest: DigestRegexpAnchored and the hex encodings of the registered algorithms.
_GO_DIGEST_RE = _anchored(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")
_ALGORITHM_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}


def validate_digest(digest: str) -> str:
    """go-digest `Digest.Validate`; returns the digest unchanged or raises ReferenceError."""
    sep = digest.find(":")
    if sep <= 0 or sep + 1 == len(digest):
        raise ReferenceError(ERR_CHECKSUM_FORMAT)
    algorithm, encoded = digest[:sep], digest[sep + 1 :]
    length = _ALGORITHM_HEX_LENGTH.get(algorithm)
    if length is None:
        if not _GO_DIGEST_RE.match(digest):
            raise ReferenceError(ERR_CHECKSUM_FORMAT)
        raise ReferenceError(ERR_DIGEST_UNSUPPORTED)
    if len(encoded) != length:
        raise ReferenceError(ERR_CHECKSUM_LENGTH)
    if re.fullmatch(r"[a-f0-9]+", encoded) is None:
        raise ReferenceError(ERR_CHECKSUM_FORMAT)
    return digest


def is_identifier(s: str) -> bool:
    """A bare 64-hex image ID (`anchoredIdentifierRegexp`)."""
    return _ANCHORED_IDENTIFIER_RE.match(s) is not None


# --- reference.go ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """One value type for Go's five reference kinds, told apart by which parts are set:
    repository (domain/path), tagged (+tag), canonical (+digest), both (+tag+digest), and the
    name-less digest reference (only `digest`, from `parse_any_reference`)."""

    domain: str = ""
    path: str = ""
    tag: str = ""
    digest: str = ""

    @property
    def name(self) -> str:
        if not self.domain:
            return self.path
        return f"{self.domain}/{self.path}"

    @property
    def is_named(self) -> bool:
        return bool(self.path)

    @property
    def is_tagged(self) -> bool:
        return bool(self.tag)

    @property
    def is_digested(self) -> bool:
        return bool(self.digest)

    @property
    def is_name_only(self) -> bool:
        return not self.tag and not self.digest

    def __str__(self) -> str:
        if not self.is_named:
            return self.digest
        text = self.name
        if self.tag:
            text += ":" + self.tag
        if self.digest:
            text += "@" + self.digest
        return text


def _split_domain(name: str) -> tuple[str, str]:
    match = _ANCHORED_NAME_RE.match(name)
    if match is None:
        return "", name
    return match.group(1) or "", match.group(2)


@lru_cache(maxsize=4096)  # a world names the same few images again and again; results are frozen
def parse(s: str) -> Reference:
    """reference.go `Parse`: the strict grammar, no normalisation."""
    if s == "":
        raise ReferenceError(ERR_NAME_EMPTY)
    match = _REFERENCE_RE.match(s)
    if match is None:
        lowered = s.lower()
        if lowered != s and _REFERENCE_RE.match(lowered) is not None:
            raise ReferenceError(ERR_NAME_CONTAINS_UPPERCASE)
        raise ReferenceError(ERR_REFERENCE_INVALID_FORMAT)
    name, tag, digest = match.group(1), match.group(2) or "", match.group(3) or ""
    domain, path = _split_domain(name)
    if len(path) > NAME_TOTAL_LENGTH_MAX:
        raise ReferenceError(ERR_NAME_TOO_LONG)
    if digest:
        validate_digest(digest)
    if not name and not digest:
        raise ReferenceError(ERR_NAME_EMPTY)
    return Reference(domain=domain, path=path, tag=tag, digest=digest)


def with_name(name: str) -> Reference:
    """reference.go `WithName`: a repository reference from a name string."""
    match = _ANCHORED_NAME_RE.match(name)
    if match is None:
        raise ReferenceError(ERR_REFERENCE_INVALID_FORMAT)
    if len(match.group(2)) > NAME_TOTAL_LENGTH_MAX:
        raise ReferenceError(ERR_NAME_TOO_LONG)
    return Reference(domain=match.group(1) or "", path=match.group(2))


def with_tag(ref: Reference, tag: str) -> Reference:
    """reference.go `WithTag`: keeps the digest of a canonical reference."""
    if _ANCHORED_TAG_RE.match(tag) is None:
        raise ReferenceError(ERR_TAG_INVALID_FORMAT)
    return replace(ref, tag=tag)


def with_digest(ref: Reference, digest: str) -> Reference:
    """reference.go `WithDigest`: keeps the tag of a tagged reference."""
    if _ANCHORED_DIGEST_RE.match(digest) is None:
        raise ReferenceError(ERR_DIGEST_INVALID_FORMAT)
    return replace(ref, digest=digest)


def trim_named(ref: Reference) -> Reference:
    """reference.go `TrimNamed`: drop tag and digest."""
    return Reference(domain=ref.domain, path=ref.path)


def parse_named(s: str) -> Reference:
    """reference.go `ParseNamed`: like `parse_normalized_named` but the input must already be
    canonical (`docker.io/library/ubuntu`, not `ubuntu`)."""
    named = parse_normalized_named(s)
    if str(named) != s:
        raise ReferenceError(ERR_NAME_NOT_CANONICAL)
    return named


# --- normalize.go ---------------------------------------------------------------------------------
def split_docker_domain(name: str) -> tuple[str, str]:
    """normalize.go `splitDockerDomain`: Docker Hub is the default, a first component is a
    domain only if it is `localhost` or contains `.`, `:` or an upper-case letter."""
    maybe_domain, slash, maybe_remote = name.partition("/")
    if not slash:
        return DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name
    if maybe_domain == "localhost":
        domain, remote = maybe_domain, maybe_remote
    elif maybe_domain == LEGACY_DEFAULT_DOMAIN:
        domain, remote = DEFAULT_DOMAIN, maybe_remote
    elif "." in maybe_domain or ":" in maybe_domain or maybe_domain.lower() != maybe_domain:
        domain, remote = maybe_domain, maybe_remote
    else:
        domain, remote = DEFAULT_DOMAIN, name
    if domain == DEFAULT_DOMAIN and "/" not in remote:
        remote = OFFICIAL_REPO_PREFIX + remote
    return domain, remote


@lru_cache(maxsize=4096)
def parse_normalized_named(s: str) -> Reference:
    """normalize.go `ParseNormalizedNamed`: user input to a fully qualified named reference."""
    if is_identifier(s):
        raise ReferenceError(
            f"invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
        )
    domain, remainder = split_docker_domain(s)
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        raise ReferenceError(
            f"invalid reference format: repository name ({remote}) must be lowercase"
        )
    ref = parse(domain + "/" + remainder)
    if not ref.is_named:
        raise ReferenceError(f"reference {ref} has no name")
    return ref


def tag_name_only(ref: Reference) -> Reference:
    """normalize.go `TagNameOnly`: add `:latest` to a bare repository name."""
    if ref.is_name_only:
        return with_tag(ref, DEFAULT_TAG)
    return ref


def parse_docker_ref(s: str) -> Reference:
    """normalize.go `ParseDockerRef`: normalised, tag dropped when a digest is present,
    `:latest` added when neither is."""
    named = parse_normalized_named(s)
    if named.tag and named.digest:
        return with_digest(with_name(named.name), named.digest)
    return tag_name_only(named)


def parse_any_reference(s: str) -> Reference:
    """normalize.go `ParseAnyReference`: a 64-hex ID or `sha256:<hex>` is a digest reference,
    anything else a normalised name (so `docker rmi <id>` and `docker rmi name` both work)."""
    if is_identifier(s):
        return Reference(digest="sha256:" + s)
    try:
        return Reference(digest=validate_digest(s))
    except ReferenceError:
        pass
    return parse_normalized_named(s)


def familiarize(ref: Reference) -> Reference:
    """normalize.go `familiarizeName`: drop `docker.io/` and a lone `library/` prefix."""
    if ref.domain != DEFAULT_DOMAIN:
        return ref
    path = ref.path
    if path.startswith(OFFICIAL_REPO_PREFIX):
        remainder = path[len(OFFICIAL_REPO_PREFIX) :]
        if "/" not in remainder:
            path = remainder
    return replace(ref, domain="", path=path)


# --- helpers.go -----------------------------------------------------------------------------------
def familiar_name(ref: Reference) -> str:
    """helpers.go `FamiliarName`: `docker.io/library/redis:7` -> `redis`."""
    return familiarize(ref).name


def familiar_string(ref: Reference) -> str:
    """helpers.go `FamiliarString`: `docker.io/library/redis:7` -> `redis:7`."""
    if not ref.is_named:
        return str(ref)
    return str(familiarize(ref))


def familiar_match(pattern: str, ref: Reference) -> bool:
    """helpers.go `FamiliarMatch` (`docker images --filter reference=...`): Go `path.Match`
    against the familiar string, then against the familiar name."""
    if path_match(pattern, familiar_string(ref)):
        return True
    return ref.is_named and path_match(pattern, familiar_name(ref))


def path_match(pattern: str, name: str) -> bool:
    """Go `path.Match`: `*` and `?` never match `/`; `[...]` classes with `^` and ranges.

    A malformed pattern raises ReferenceError("syntax error in pattern") like path.ErrBadPattern.
    """
    regex = _path_pattern_to_regex(pattern)
    return re.fullmatch(regex, name, re.DOTALL) is not None


def _path_pattern_to_regex(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 >= len(pattern):
                raise ReferenceError("syntax error in pattern")
            i += 1
            out.append(re.escape(pattern[i]))
        elif ch == "[":
            cls, i = _path_class(pattern, i + 1)
            out.append(cls)
            continue
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _path_class(pattern: str, i: int) -> tuple[str, int]:
    negate = i < len(pattern) and pattern[i] == "^"
    if negate:
        i += 1
    ranges: list[str] = []
    first = True
    while True:
        if i >= len(pattern):
            raise ReferenceError("syntax error in pattern")
        if pattern[i] == "]" and not first:
            i += 1
            break
        lo, i = _class_char(pattern, i)
        hi = lo
        if i < len(pattern) and pattern[i] == "-":
            hi, i = _class_char(pattern, i + 1)
        if hi < lo:
            raise ReferenceError("syntax error in pattern")
        ranges.append(re.escape(lo) + "-" + re.escape(hi))
        first = False
    body = "".join(ranges)
    # A class never matches the separator, as in Go.
    return ("[^/" + body + "]") if negate else ("(?!/)[" + body + "]"), i


def _class_char(pattern: str, i: int) -> tuple[str, int]:
    if i >= len(pattern) or pattern[i] in "-]":
        raise ReferenceError("syntax error in pattern")
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise ReferenceError("syntax error in pattern")
    return pattern[i], i + 1
