"""Dockerfile parsing: stages, flags and BuildKit's parse-error wording
(moby/buildkit frontend/dockerfile/instructions/parse.go, util/suggest/error.go)."""

from __future__ import annotations

import pytest

from pipeline.oracle.builder.dockerfile import escape_token, parse
from pipeline.oracle.builder.errors import BuildError

MULTI_STAGE = """\
ARG VERSION=1
FROM busybox:${VERSION} AS Base
ENV foo=bar
COPY --from=base --chown=1:2 foo /foo2
RUN <<-EOF
\techo hi
EOF
ONBUILD RUN echo x
FROM base
HEALTHCHECK --interval=5s CMD true
"""


def test_stages_meta_args_and_flags():
    df = parse(MULTI_STAGE)
    assert [a.source for a in df.meta_args] == ["ARG VERSION=1"]
    base, final = df.stages
    # parse.go parseBuildStageName lower-cases the stage name; the base stays unexpanded
    assert (base.base, base.name, base.lines) == ("busybox:${VERSION}", "base", (2, 2))
    assert (final.base, final.name) == ("base", "")
    copy = base.instructions[1]
    assert copy.flags == {"from": "base", "chown": "1:2"}
    assert copy.args == ["foo", "/foo2"]
    run = base.instructions[2]
    assert run.lines == (5, 7)
    assert run.heredocs[0].data == "echo hi\n"  # `<<-` strips leading tabs (ChompHeredocContent)
    assert base.instructions[3].trigger == "RUN echo x"
    assert df.stage_named("BASE") is base


def test_line_continuation_and_escape_directive():
    df = parse("# escape=`\nFROM alpine\nRUN echo a `\n  b\n")
    assert escape_token("# escape=`\nFROM alpine\n") == "`"
    assert df.escape == "`"
    assert df.stages[0].instructions[0].args == ["echo a   b"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        # the message shape is visible in moby/buildkit issues, e.g. RchGrav/claudebox#4:
        # "failed to solve: dockerfile parse error on line 69: unknown instruction: {"
        ("FROM a\nRUNN x\n", "dockerfile parse error on line 2: unknown instruction: RUNN "
         "(did you mean RUN?)", 2),
        ("FROM a\nCOPY --form=x a b\n", "dockerfile parse error on line 2: unknown flag: form "
         "(did you mean from?)", 2),
        ("FROM a\nCOPY a\n", "dockerfile parse error on line 2: COPY requires at least two "
         "arguments, but only one was provided. Destination could not be determined", 2),
        ("FROM a\nENV A\n", "dockerfile parse error on line 2: ENV must have two arguments", 2),
        ("FROM a\nSHELL /bin/sh -c\n", "dockerfile parse error on line 2: SHELL requires the "
         "arguments to be in JSON form", 2),
        ("RUN x\n", "no build stage in current context", 1),
        ("ARG x\n", "dockerfile contains no stages to build", None),
        ("FROM a\nRUN <<EOF\nx\n", "dockerfile parse error on line 2: unterminated heredoc", 2),
        ("", "the Dockerfile cannot be empty", None),
    ],
)  # fmt: skip
def test_parse_errors(text, message, line):
    with pytest.raises(BuildError) as caught:
        parse(text)
    assert caught.value.message == "failed to solve: " + message
    assert caught.value.line == line
