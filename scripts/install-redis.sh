#!/usr/bin/env bash
# Installs Debian's redis-server when it is missing. Idempotent.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "qinqing: installing redis-server from Debian..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package may start a system-wide server; qinqing runs its own on a free port, so stop it.
(service redis-server stop >/dev/null 2>&1 || true)
command -v redis-server >/dev/null
