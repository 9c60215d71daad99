#!/usr/bin/env bash
# Installs the Debian chromium the browser tests drive (Playwright with ExecutablePath=/usr/bin/chromium;
# Playwright never downloads a browser here). Idempotent: does nothing when chromium is already installed.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1 || echo chromium) already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-chromium: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-liberation
echo "install-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1 || echo chromium) installed"
