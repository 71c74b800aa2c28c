#!/usr/bin/env bash
# CJK fonts (report charts render Chinese text) and headless Chromium (browser tests), from Debian.
set -euo pipefail
missing=()
# Captured first: under pipefail, `grep -q` quitting early would SIGPIPE fc-list and fail a good check.
fonts=$(fc-list 2>/dev/null || true)
case "$fonts" in *"Noto Sans CJK"*) ;; *) missing+=(fonts-noto-cjk) ;; esac
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "qinqing: installing ${missing[*]} from Debian..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
