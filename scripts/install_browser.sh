#!/usr/bin/env bash
# Installs Debian's headless Chromium for the end-to-end app test (no browser download from
# elsewhere: only Debian's packages are reachable). Skips quietly when already present or
# when not root (the browser test then skips with the reason).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "install_browser: chromium missing and not root; browser tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "install_browser: installing Debian's chromium for the browser test" >&2
if ! { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
  echo "install_browser: could not install chromium; browser tests will be skipped" >&2
fi
exit 0
