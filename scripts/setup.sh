#!/usr/bin/env bash
# Everything a fresh machine lacks to run and test qinqing: Redis and FerretDB for the embedded default,
# fonts and Chromium for charts and browser tests, and the npm packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-redis.sh
bash scripts/install-ferretdb.sh
bash scripts/install-desktop.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "qinqing: installing npm packages (npm ci)..." >&2
  npm ci --no-audit --no-fund
fi
