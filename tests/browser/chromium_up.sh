#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests; does nothing when it is there already.
#
#   bash tests/browser/chromium_up.sh
#
# Needs apt-get and root (directly or through passwordless sudo). Playwright drives this
# system browser through its executable path (tests/browser/harness.py), because its own
# browser download needs hosts that a machine reaching only package registries cannot.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
command -v apt-get >/dev/null || { echo "chromium_up.sh: no apt-get to install chromium" >&2; exit 2; }
sudo=()
if [[ $EUID -ne 0 ]]; then
    sudo -n true 2>/dev/null || { echo "chromium_up.sh: needs root or passwordless sudo" >&2; exit 2; }
    sudo=(sudo -n)
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
/usr/bin/chromium --version
