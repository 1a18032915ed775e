#!/usr/bin/env bash
# Install Debian's Chromium for the Galata (Playwright) UI tests.
# Playwright cannot download its own browsers here, so the tests use /usr/bin/chromium.
set -euo pipefail

# CHROMIUM_PATH (also read by ui-tests/playwright.config.js) points at another build.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "chromium: already installed ($("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM"))"
  exit 0
fi

if [ "$CHROMIUM" != /usr/bin/chromium ] || [ "$(id -u)" -ne 0 ] ||
  ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $CHROMIUM is missing and cannot be installed automatically" >&2
  echo "  (only /usr/bin/chromium, as root with apt-get). Install Chromium so that" >&2
  echo "  $CHROMIUM exists, e.g. 'sudo apt-get install chromium' on Debian," >&2
  echo "  or set CHROMIUM_PATH to a Chromium binary, then run this again." >&2
  exit 1
fi

echo "chromium: installing with apt-get ..."
apt-get update -qq
# Recommends (desktop integration, printing, GL drivers) are not needed headless;
# of them only a font set matters, for readable pages and screenshots.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  chromium fonts-liberation >/dev/null

if [ ! -x "$CHROMIUM" ]; then
  echo "chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "chromium: installed ($("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM"))"
