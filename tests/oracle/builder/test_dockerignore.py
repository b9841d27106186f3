"""`.dockerignore` matching: vectors from moby/patternmatcher patternmatcher_test.go (`TestMatches`,
`TestMatch`, the exclusion tests) and moby/patternmatcher ignorefile (`ReadAll`)."""

from __future__ import annotations

import pytest

from pipeline.oracle.builder.dockerignore import (
    DockerignoreError,
    PatternMatcher,
    go_clean,
    read_dockerignore,
)

# patternmatcher_test.go TestMatches, the "MatchesOrParentMatches" sub-test: pass != fail.
SINGLE = [
    ("**", "file", True),
    ("**", "dir/file", True),
    ("**/", "dir/file", True),
    ("**/**", "dir/file", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/dir2/file", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True),
    ("**file", "file", True),
    ("**file", "dir/file", True),
    ("**/file", "dir/file", True),
    ("**file", "dir/dir/file", True),
    ("**/file*", "dir/dir/file.txt", True),
    ("**/file*txt", "dir/dir/file.txt", True),
    ("**/file*.txt*", "dir/dir/file.txt", True),
    ("**/**/*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("**/**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a/*.txt**", "a/file.txt", True),
    ("a[b-d]e", "ae", False),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcdef", False),
    ("abc.def", "abc.def", True),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("**/foo/bar", "foo/bar", True),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a(b)c/def", "a(b)c/xyz", False),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a\\\\", "a\\", True),
    ("a\\*b", "a*b", True),
]

MULTI = [
    (["**", "!util/docker/web"], "util/docker/web/foo", False),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
    (["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", False),
    # TestExclusionPatternMatchesPatternBefore / After, TestPatternMatchesFolderExclusions
    (["!fileutils.go", "*.go"], "fileutils.go", True),
    (["*.go", "!fileutils.go"], "fileutils.go", False),
    (["docs", "!docs/README.md"], "docs/README.md", False),
    (["docs/", "!docs/README.md"], "docs/README.md", False),
    (["docs/*", "!docs/README.md"], "docs/README.md", False),
    (["*.go"], ".", False),
]


@pytest.mark.parametrize(("pattern", "path", "excluded"), SINGLE)
def test_single_pattern_vectors(pattern, path, excluded):
    assert PatternMatcher([pattern]).matches(path) is excluded


@pytest.mark.parametrize(("patterns", "path", "excluded"), MULTI)
def test_exception_vectors(patterns, path, excluded):
    assert PatternMatcher(patterns).matches(path) is excluded


# patternmatcher_test.go TestMatch (Go's filepath.Match vectors) — the error cases.
BAD = ["[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "a[", "!"]


@pytest.mark.parametrize("pattern", BAD)
def test_bad_patterns_are_errors(pattern):
    with pytest.raises(DockerignoreError):
        PatternMatcher([pattern])


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("a*/b", "abc/b", True),
        ("a*/b", "a/c/b", False),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
        ("a*b?c*x", "abxbbxdbxebxczzx", True),
        ("ab[^e-g]", "abc", True),
        ("[\\]a]", "]", True),
        ("[x\\-]", "-", True),
        ("a?b", "a/b", False),
    ],
)
def test_go_glob_vectors(pattern, path, excluded):
    assert PatternMatcher([pattern]).matches(path) is excluded


def test_read_dockerignore_normalises_like_ignorefile():
    # ignorefile.ReadAll: comments only at line start, trimming, Clean, leading "/" dropped.
    text = "\ufeff# comment\n  *.log  \n/build/\n! /keep.log\n\n./a//b\n"
    assert read_dockerignore(text) == ["*.log", "build", "!keep.log", "a/b"]


def test_go_clean():
    assert go_clean("a//b/./c/..") == "a/b"
    assert go_clean("/../a") == "/a"
    assert go_clean("") == "."
    assert go_clean("docs/") == "docs"
