#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian/Ubuntu machine (run as root), then the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# Electron's binary is fetched at first run (electron 45), never at install; keep older versions quiet too.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  ceph-mon ceph-osd radosgw ceph-common curl openssl \
  gnome-keyring dbus-x11 \
  softhsm2 opensc \
  chromium fonts-noto-color-emoji \
  python3 make g++ >/dev/null
npm ci --no-audit --no-fund
