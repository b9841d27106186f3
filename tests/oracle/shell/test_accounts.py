"""Users and groups made in containers before `USER`: shadow-utils 4.13 `useradd`/`groupadd`
with Debian 12's defaults (/etc/login.defs: UID_MIN 1000, UMASK 022, USERGROUPS_ENAB yes, system
ids from SYS_UID_MAX 999 down; /etc/default/useradd: SHELL=/bin/sh), and BusyBox's
`adduser`/`addgroup` (loginutils/adduser.c: `Linux User,,,`, ids from 1000 or 100-999 with -S,
`-S` means group nogroup and shell /bin/false unless given, a 2755 home)."""

from __future__ import annotations

import pytest

from pipeline.oracle.catalogue import load
from pipeline.oracle.filesystem import UnionFileSystem
from pipeline.oracle.process import Process
from pipeline.oracle.shell import NotSimulated, ShellRunner

EPOCH = 1735689600  # 2025-01-01: day 20089 in /etc/shadow


def container(name: str) -> UnionFileSystem:
    image = next(item.image for item in load() if item.name == name)
    return UnionFileSystem(lowers=image.layers)


def sh(fs: UnionFileSystem, script: str, user: str = "root") -> tuple[int, str, str]:
    runner = ShellRunner(clock=lambda: EPOCH)
    completed = runner.run(fs, Process(["/bin/sh", "-c", script], user=user))
    return completed.exit_code, completed.stdout.decode(), completed.stderr.decode()


def last_line(fs: UnionFileSystem, path: str) -> str:
    return fs.read(path).decode().rstrip("\n").rsplit("\n", 1)[-1]


def test_useradd_with_debian_defaults() -> None:
    fs = container("debian")
    assert sh(fs, "useradd -m app && id app") == (
        0,
        "uid=1000(app) gid=1000(app) groups=1000(app)\n",
        "",
    )
    assert last_line(fs, "/etc/passwd") == "app:x:1000:1000::/home/app:/bin/sh"
    assert last_line(fs, "/etc/group") == "app:x:1000:"
    assert last_line(fs, "/etc/shadow") == "app:!:20089:0:99999:7:::"
    home = fs.stat("/home/app")
    assert (home.kind, home.mode, home.uid, home.gid) == ("dir", 0o755, 1000, 1000)
    assert sh(fs, "useradd bob; grep bob /etc/passwd; ls /home") == (
        0,
        "bob:x:1001:1001::/home/bob:/bin/sh\napp\n",
        "",
    )


def test_useradd_system_accounts_count_down_from_999() -> None:
    fs = container("debian")
    status, _, _ = sh(fs, "groupadd -r svc && useradd -r -g svc -s /usr/sbin/nologin svc")
    assert status == 0
    assert last_line(fs, "/etc/group") == "svc:x:999:"
    assert last_line(fs, "/etc/passwd") == "svc:x:999:999::/home/svc:/usr/sbin/nologin"
    assert last_line(fs, "/etc/shadow") == "svc:!:20089::::::"


@pytest.mark.parametrize(
    ("script", "status", "stderr"),
    [
        ("useradd app; useradd app", 9, "useradd: user 'app' already exists\n"),
        ("useradd -g nope app", 6, "useradd: group 'nope' does not exist\n"),
        ("useradd -u 0 app", 4, "useradd: UID 0 is not unique\n"),
        ("groupadd app; groupadd app", 9, "groupadd: group 'app' already exists\n"),
        (
            "groupadd app; useradd app",
            9,
            "useradd: group app exists - if you want to add this user to that group, use -g.\n",
        ),
    ],
)
def test_useradd_and_groupadd_errors(script: str, status: int, stderr: str) -> None:
    assert sh(container("debian"), script) == (status, "", stderr)


def test_files_belong_to_the_user_that_runs_after_useradd() -> None:
    fs = container("debian")
    sh(fs, "useradd -m app && mkdir /data && chown app:app /data")
    assert sh(fs, "touch /data/f /tmp/g; stat -c '%U:%G %n' /data /data/f /tmp/g", user="app") == (
        0,
        "app:app /data\napp:app /data/f\napp:app /tmp/g\n",
        "",
    )


def test_busybox_adduser_and_addgroup() -> None:
    fs = container("alpine")
    assert sh(fs, "adduser -D bob && id bob") == (
        0,
        "uid=1000(bob) gid=1000(bob) groups=1000(bob)\n",
        "",
    )
    assert last_line(fs, "/etc/passwd") == "bob:x:1000:1000:Linux User,,,:/home/bob:/bin/sh"
    assert last_line(fs, "/etc/group") == "bob:x:1000:"
    assert last_line(fs, "/etc/shadow") == "bob:!:20089:0:99999:7:::"
    home = fs.stat("/home/bob")
    assert (home.mode, home.uid, home.gid) == (0o2755, 1000, 1000)


def test_busybox_system_user_in_its_own_group() -> None:
    fs = container("alpine")
    status, out, _ = sh(fs, "addgroup -S app && adduser -S -G app app && id app")
    assert (status, out) == (0, "uid=100(app) gid=100(app) groups=100(app)\n")
    assert last_line(fs, "/etc/passwd") == "app:x:100:100:Linux User,,,:/home/app:/bin/false"
    assert last_line(fs, "/etc/group") == "app:x:100:app"


def test_busybox_errors_and_what_is_not_simulated() -> None:
    fs = container("alpine")
    assert sh(fs, "adduser -D a; adduser -D a") == (1, "", "adduser: user 'a' in use\n")
    assert sh(fs, "addgroup g; addgroup g") == (1, "", "addgroup: group 'g' in use\n")
    with pytest.raises(NotSimulated, match="password"):
        sh(fs, "adduser c")
    assert sh(container("debian"), "adduser x") == (127, "", "/bin/sh: 1: adduser: not found\n")
