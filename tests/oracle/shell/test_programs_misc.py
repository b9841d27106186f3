"""Hash sums, env, seq, basename/dirname, xargs, find, readlink/realpath, id, sleep, yes, test.

Each case runs in a fresh world (an empty working directory) and must print exactly what GNU
coreutils and findutils printed for the same script, run with `sh -c` (dash 0.5.12) in an empty
directory in the C locale on Debian 12 (coreutils 9.1, grep 3.8, sed 4.9, util-linux 2.38). The
expected values below were recorded from those programs, not written by hand.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest


class Case(NamedTuple):
    script: str
    stdout: str
    stderr: str = ""
    status: int = 0


MISC = [
    Case(
        "printf 'hi\\n' | sha256sum; printf 'hi\\n' > f; sha256sum f; md5sum f; sha1sum f",
        (
            "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4  -\n"
            "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4  f\n"
            "764efa883dda1e11db47671c4a3bbd9e  f\n"
            "55ca6286e3e4f4fba5d0448333fa99fc5a404a73  f\n"
        ),
    ),
    Case(
        "printf '' | sha256sum; sha512sum /dev/null",
        (
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -\n"
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2"
            "b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e  /dev/null\n"
        ),
    ),
    Case(
        "sha256sum nope; echo $?",
        "1\n",
        "sha256sum: nope: No such file or directory\n",
    ),
    Case(
        (
            "printf 'hi\\n' > f; sha256sum f > sums; sha256sum -c sums; echo x > f; sh"
            "a256sum -c sums; echo $?"
        ),
        "f: OK\nf: FAILED\n1\n",
        "sha256sum: WARNING: 1 computed checksum did NOT match\n",
    ),
    Case(
        "true; echo $?; false; echo $?",
        "0\n1\n",
    ),
    Case(
        "env -i A=1 B=2 env",
        "A=1\nB=2\n",
    ),
    Case(
        "env -i A=1 sh -c 'echo $A'",
        "1\n",
    ),
    Case(
        "env -u HOME sh -c 'echo \"[$HOME]\"'",
        "[]\n",
    ),
    Case(
        "printenv HOME; printenv NOPE; echo $?",
        "/root\n1\n",
    ),
    Case(
        "seq 3; seq 2 4; seq 1 2 7; seq -s, 3; seq -w 8 10; seq 5 1; seq 3 -1 1",
        "1\n2\n3\n2\n3\n4\n1\n3\n5\n7\n1,2,3\n08\n09\n10\n3\n2\n1\n",
    ),
    Case(
        "seq; echo $?",
        "1\n",
        "seq: missing operand\nTry 'seq --help' for more information.\n",
    ),
    Case(
        (
            "basename /a/b/c.txt; basename /a/b/c.txt .txt; basename /; basen"
            "ame a/; basename -a x/y z/w; basename -s .c a.c b.c"
        ),
        "c.txt\nc\n/\na\ny\nw\na\nb\n",
    ),
    Case(
        "dirname /a/b/c; dirname a; dirname /a; dirname /; dirname a/b/",
        "/a/b\n.\n/\n/\na\n",
    ),
    Case(
        (
            "printf 'a b\\nc\\n' | xargs echo; printf 'a\\nb\\nc\\n' | xargs -n"
            " 1 echo x; printf 'a\\nb\\n' | xargs -I{} echo [{}]"
        ),
        "a b c\nx a\nx b\nx c\n[a]\n[b]\n",
    ),
    Case(
        "printf '1\\n2\\n' | xargs -n1 sh -c 'exit 1'; echo $?",
        "123\n",
    ),
    Case(
        "printf '\"a b\" c\\n' | xargs -n1 echo",
        "a b\nc\n",
    ),
    Case(
        "printf '' | xargs echo empty; printf '' | xargs -r echo never",
        "empty\n",
    ),
    Case(
        "mkdir d; touch d/a d/b; find d -type f | xargs rm; ls d | wc -l",
        "0\n",
    ),
    Case(
        (
            "mkdir -p d/e; touch d/f d/e/g; find d | sort; find d -type f |"
            " sort; find d -name g; find d -maxdepth 1 -type d"
        ),
        "d\nd/e\nd/e/g\nd/f\nd/e/g\nd/f\nd/e/g\nd\nd/e\n",
    ),
    Case(
        (
            "mkdir d; touch d/a.txt d/b.log; find d -name '*.txt'; find . -name '*.lo"
            "g' -delete; find d | sort"
        ),
        "d/a.txt\nd\nd/a.txt\n",
    ),
    Case(
        (
            "mkdir d; touch d/a; find d -type f -exec echo found {} \\;; find d -type"
            " f -exec echo batch {} +"
        ),
        "found d/a\nbatch d/a\n",
    ),
    Case(
        (
            "mkdir -p d/e; touch d/e/f; find d -mindepth 2 | sort; find d -path '"
            "*e/f'; find d ! -type d"
        ),
        "d/e/f\nd/e/f\nd/e/f\n",
    ),
    Case(
        (
            "mkdir d; echo x > d/big; touch d/empty; find d -empty; find d -size +0c;"
            " find d -type f -size -1k"
        ),
        "d/empty\nd\nd/big\nd/empty\n",
    ),
    Case(
        "mkdir d; touch d/A.TXT; find d -iname '*.txt'; find d -name '*.txt' -o -name '*.TXT'",
        "d/A.TXT\nd/A.TXT\n",
    ),
    Case(
        "find nope; echo $?",
        "1\n",
        "find: 'nope': No such file or directory\n",
    ),
    Case(
        "find . -name x -print; echo $?",
        "0\n",
    ),
    Case(
        "echo 'x' > f; readlink f; echo $?; ln -s f l; readlink l; readlink -f l | tail -c 2",
        "1\nf\nf\n",
    ),
    Case(
        "ln -s a b; ln -s b c; readlink c; readlink -f c | tail -c 2",
        "b\na\n",
    ),
    Case(
        "realpath -e nope; echo $?",
        "1\n",
        "realpath: nope: No such file or directory\n",
    ),
    Case(
        "id -u; id -g; id -un; whoami",
        "0\n0\nroot\nroot\n",
    ),
    Case(
        "sleep 0; echo $?; sleep 1s; echo $?; sleep x; echo $?",
        "0\n0\n1\n",
        "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n",
    ),
    Case(
        "yes | head -n 2; yes abc | head -c 5; echo",
        "y\ny\nabc\na\n",
    ),
    Case(
        "head -c 4 /dev/zero | wc -c; head -c 3 /dev/zero | od -An -tx1 | tr -d ' '",
        "4\n000000\n",
    ),
    Case(
        'x="$(yes | head -n 3)"; echo "$x" | wc -l',
        "3\n",
    ),
    Case(
        "test -n abc && echo /usr/bin/test ok; env test 1 -eq 1 && echo env-test",
        "/usr/bin/test ok\nenv-test\n",
    ),
    Case(
        "env [ a = a ] && echo bracket",
        "bracket\n",
    ),
    Case(
        "/usr/bin/env echo via-env",
        "via-env\n",
    ),
    Case(
        "which sh > /dev/null && echo found-sh",
        "found-sh\n",
    ),
    Case(
        "printf '%s\\n' a b c | tail -n 1",
        "c\n",
    ),
    Case(
        "uname; uname -m",
        "Linux\nx86_64\n",
    ),
]


@pytest.mark.parametrize("case", MISC, ids=lambda c: c.script[:60])
def test_misc_programs_match_gnu(case: Case, run) -> None:
    assert run(case.script) == (case.status, case.stdout, case.stderr)
