#!/usr/bin/env bash
# The page tests drive Debian's Chromium (a browser download cannot work here): install it when missing.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  echo "[ensure-chromium] $(/usr/bin/chromium --version 2>/dev/null || echo chromium) present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "[ensure-chromium] /usr/bin/chromium is missing: install Debian's chromium package" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium
echo "[ensure-chromium] installed $(/usr/bin/chromium --version)"
