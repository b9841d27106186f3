"""The oracle's scenario shell: any transcript ends in a result or a scenario failure.

Scenarios come from a grammar of the shell language (oracle-scenarios.md, "The shell", and the
parser in pipeline/oracle/shell/): simple commands of every simulated program, builtins and
`docker`, with quoting, parameter and command substitutions, arithmetic, redirections, pipes,
and-or lists, compound commands, functions and here-documents; then the same with random
unicode and random bytes. A transcript is run the way `check` runs a question's scenario
(`verify.run`, in a fresh world): it must come back as an `Outcome` whose failure, if any,
names a line of the transcript, never as an exception, and within the hang guard's time.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from properties.support import Hang, property_settings, time_limit

from pipeline import verify
from pipeline.oracle.shell.programs import PROGRAMS
from pipeline.scenario_cache import Outcome

BUILTINS = [
    *(":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return"),
    *("set", "shift", "trap", "unset", "local", "cd", "pwd", "read", "command", "type"),
    *("umask", "wait", "hash"),
]
COMMAND_NAMES = sorted({*PROGRAMS, *BUILTINS, "docker", "nosuchprogram", "/bin/sh", "./x"})
FLAGS = [
    *("-n", "-c", "-l", "-r", "-rf", "-p", "-s", "-e", "-f", "-d", "-z", "-a", "-q", "-t"),
    *("-1", "-0", "--", "-", "--help", "--format", "-x", "-v", "-F", "-k2", "-n3", "-s1K"),
]
PATHS = [
    *("a", "b.txt", "dir", "dir/sub", "/", ".", "..", "/etc/passwd", "/tmp", "/dev/null"),
    *("/context", "*", "?", "[ab]*", "~", "Dockerfile", "-", "/proc/self", "a b"),
]
NUMBERS = ["0", "1", "3", "-1", "255", "99999999999999999999", "1K", "1G", "0x10", "1e3"]
VARIABLES = ["A", "B", "PATH", "HOME", "PWD", "IFS", "1", "@", "*", "#", "?", "$", "!", "-"]
DOCKER = [
    "docker build -q -t demo .",
    "docker build -t demo -f Dockerfile --no-cache .",
    "docker build --progress=plain .",
    "docker images",
    "docker image ls -a --digests",
    "docker image inspect demo --format '{{len .RootFS.Layers}}'",
    "docker inspect --format '{{json .Config}}' alpine",
    "docker inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' demo",
    "docker history -q --no-trunc demo",
    "docker run --rm alpine echo hi",
    "docker run --name c1 -d alpine sleep 1",
    "docker run --rm -e A=1 -w /tmp -u 1000 alpine sh -c 'echo $A; pwd; id -u'",
    "docker create --name c2 busybox",
    "docker start c2",
    "docker exec c1 ls /",
    "docker diff c1",
    "docker commit c1 snap",
    "docker cp c1:/etc/hostname .",
    "docker ps -a -q -s",
    "docker tag alpine localhost:5000/a:1",
    "docker push localhost:5000/a:1",
    "docker pull localhost:5000/a:1",
    "docker pull alpine@sha256:0000",
    "docker rmi -f demo",
    "docker image prune -f",
    "docker save -o img.tar alpine",
    "docker load -i img.tar",
    "docker system df",
    "docker volume create v",
    "docker volume ls",
]
DOCKERFILE_LINES = [
    *("FROM scratch", "FROM alpine", "FROM busybox AS base", "FROM base", "FROM nosuch:tag"),
    *("COPY a /a", "COPY --from=base /bin/sh /sh", "ADD b.txt /", "RUN echo hi > /x"),
    *("RUN rm -rf /x", 'RUN ["sh", "-c", "ls /"]', "ENV A=1 B=2", "ARG V=1", "WORKDIR /w"),
    *("USER nobody", "LABEL a=b", "EXPOSE 80", "VOLUME /data", 'CMD ["sh"]', "ENTRYPOINT x"),
    *("HEALTHCHECK NONE", 'SHELL ["/bin/sh", "-c"]', "ONBUILD RUN true", "STOPSIGNAL 9"),
    *("COPY ${V} /", "RUN exit 3", "BOGUS x", "FROM", "", "# comment", "RUN \\", "  true"),
]

names = st.sampled_from(COMMAND_NAMES)
plain = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="'\n"), max_size=12).map(
    lambda text: f"'{text}'"
)
parameter = st.sampled_from(VARIABLES).flatmap(
    lambda name: st.sampled_from(
        [
            f"${name}",
            f'"${name}"',
            f"${{{name}}}",
            f"${{{name}:-x}}",
            f"${{{name}:=y}}",
            f"${{#{name}}}",
            f"${{{name}%.*}}",
            f"${{{name}##*/}}",
            f"${{{name}:?gone}}",
            f"${{{name}+set}}",
        ]
    )
)
arithmetic = st.lists(
    st.sampled_from(["1", "A", "+", "-", "*", "/", "%", "(", ")", "<<", "2", "0", "?", ":"]),
    max_size=7,
).map(lambda parts: f"$(({' '.join(parts)}))")
atoms = st.one_of(
    st.sampled_from(FLAGS),
    st.sampled_from(PATHS),
    st.sampled_from(NUMBERS),
    plain,
    parameter,
    arithmetic,
)


def words(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A word: atoms, or a command substitution of a smaller script."""
    return st.one_of(
        atoms,
        children.map(lambda script: f"$({script})"),
        children.map(lambda script: f'"$({script})"'),
    )


redirections = st.sampled_from(
    [">/dev/null", "2>&1", "> out", ">> out", "< a", "2>/dev/null", "<&-", "3>&1", ">&2"]
)


def simple(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda assigns, name, args, redirects: " ".join([*assigns, name, *args, *redirects]),
        st.lists(st.sampled_from(["A=1", "B=$A", "IFS=:", "PATH="]), max_size=1),
        names,
        st.lists(words(children), max_size=4),
        st.lists(redirections, max_size=2),
    )


def compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Compound commands and lists built from smaller scripts."""
    return st.one_of(
        st.builds(lambda a, b: f"{a} | {b}", inner, inner),
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["&&", "||"]), inner),
        st.builds(lambda a, b: f"{a}; {b}", inner, inner),
        st.builds(lambda a: f"! {a}", inner),
        st.builds(lambda a, b, c: f"if {a}; then {b}; else {c}; fi", inner, inner, inner),
        st.builds(lambda a, b: f"while {a}; do {b}; done", inner, inner),
        st.builds(lambda a, b: f"until {a}; do {b}; done", inner, inner),
        st.builds(
            lambda items, body: f"for x in {' '.join(items)}; do {body}; done",
            st.lists(atoms, max_size=3),
            inner,
        ),
        st.builds(lambda w, a: f"case {w} in a*) {a};; *) true;; esac", atoms, inner),
        st.builds(lambda a: f"{{ {a}; }}", inner),
        st.builds(lambda a: f"( {a} )", inner),
        st.builds(lambda a: f"f() {{ {a}; }}; f 1 2", inner),
        st.builds(lambda a: f"sh -c {_quote(a)}", inner),
        st.builds(lambda a: f"eval {_quote(a)}", inner),
    )


def _quote(script: str) -> str:
    return "'" + script.replace("'", "'\\''") + "'"


scripts = st.recursive(
    st.one_of(simple(st.just("echo hi")), st.sampled_from(DOCKER)),
    lambda inner: st.one_of(simple(inner), compound(inner)),
    max_leaves=6,
)


@st.composite
def transcripts(draw: st.DrawFn) -> str:
    """Scenario lines: commands, continuations, here-documents (a Dockerfile among them),
    comments and blank lines."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["command", "command", "heredoc", "dockerfile", "other"]))
        if kind == "command":
            lines.append("$ " + draw(scripts))
        elif kind == "heredoc":
            body = draw(
                st.lists(st.text(max_size=10).map(lambda t: t.replace("\n", "")), max_size=3)
            )
            lines += [
                "$ cat > a <<" + draw(st.sampled_from(["EOF", "'EOF'", "-EOF"])),
                *body,
                "EOF",
            ]
        elif kind == "dockerfile":
            body = draw(st.lists(st.sampled_from(DOCKERFILE_LINES), min_size=1, max_size=5))
            lines += ["$ cat > Dockerfile <<'EOF'", *body, "EOF"]
            lines.append("$ " + draw(st.sampled_from(DOCKER[:3])))
        else:
            lines.append(draw(st.sampled_from(["", "# note", "$", "$ echo a \\", "  b", "junk"])))
    return "\n".join(lines) + "\n"


def assert_outcome(text: str) -> Outcome:
    try:
        with time_limit():
            outcome = verify.run(text)
    except Hang as hang:  # an AssertionError, so that hypothesis shows and shrinks the input
        raise AssertionError(f"{hang}: {text!r}") from None
    assert isinstance(outcome, Outcome)
    assert isinstance(outcome.answer, str)
    if outcome.failure is not None:
        lines = max(text.count("\n"), 1) + 1
        assert 1 <= outcome.failure.line <= lines, (outcome.failure, text)
        assert outcome.failure.reason
    return outcome


@property_settings(250)
@given(transcripts())
@example("$ while true; do echo x; done\n")  # ends at the loop limit, not in a hang
@example("$ f() { f; }; f\n")  # unbounded recursion ends at the depth limit
@example("$ yes | head -c 100000000 | wc -c\n")
@example("$ cat <<EOF\n")  # here-document never closed
@example("$ echo $(( 1 / 0 ))\n$ echo ${A:?}\n")
# Found by this test: docker commands in a loop ran for minutes within the step limits.
@example("$ while docker images >/dev/null; do :; done\n")
@example("$ while docker run --rm alpine echo hi; do :; done\n")
# Found by this test: account tools crashed on a bad id or a host without /etc.
@example("$ groupadd g\n$ useradd -u abc u\n")
@example("$ docker run --rm alpine addgroup -g abc x\n")
def test_grammar_scenarios_end_in_an_outcome(text: str) -> None:
    assert_outcome(text)


@property_settings(150)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=4))
def test_unicode_commands_end_in_an_outcome(commands: list[str]) -> None:
    assert_outcome("".join(f"$ {command}\n" for command in commands))


@property_settings(150)
@given(st.binary(max_size=200))
def test_random_bytes_end_in_an_outcome(data: bytes) -> None:
    # As a lesson carries it: decoded text, split into lines, each one made a command.
    text = data.decode("utf-8", "replace")
    assert_outcome("".join(f"$ {line}\n" for line in text.split("\n")))
    assert_outcome(text)
