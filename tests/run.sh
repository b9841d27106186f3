#!/usr/bin/env bash
# The test command: installs everything the tests need on a fresh machine (Debian packages, Python
# packages, npm packages), then runs ruff and the whole test suite. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for the site's browser tests; buildah, skopeo, umoci and a static
# busybox for the oracle's differential tests against real OCI tooling.
need=()
for pkg in chromium buildah skopeo umoci busybox-static; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "run.sh: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Python: the package itself (editable) and the test tools (pytest, hypothesis, ruff, anki, playwright).
python3 -m pip install -q --disable-pip-version-check -e '.[test]'

# npm: each test folder with a lock file (Enki's official parser, axe-core) gets exactly its pinned versions.
for lock in tests/*/package-lock.json; do
  [ -e "$lock" ] || continue
  npm ci --silent --no-audit --no-fund --prefix "$(dirname "$lock")" >/dev/null
done

python3 -m ruff check pipeline tests benchmarks
python3 -m pytest -q "$@"
