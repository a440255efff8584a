#!/usr/bin/env bash
# Install Debian's `chromium` (for the browser tests, pytest marker `browser`) when it is missing.
#
# - Idempotent: does nothing when /usr/bin/chromium already runs.
# - Quiet: apt's output goes to a log file; one line says what happened.
# - Never fails the build: when Chromium cannot be installed (no apt, no root/sudo, no network, a
#   snap-only `chromium` as on Ubuntu), it prints why and exits 0; the browser tests then skip with
#   that reason. Set DVDL_SKIP_BROWSER_INSTALL=1 to not even try.
#
# Never use `playwright install`: it downloads its own browser build. Playwright for Python drives the
# distribution's /usr/bin/chromium instead (tests/test_browser.py).
set -u

CHROMIUM="${DVDL_CHROMIUM:-/usr/bin/chromium}"
say() { echo "install_browser: $*"; }

version() { "$CHROMIUM" --headless --no-sandbox --version 2>/dev/null | head -n 1; }

if [ -x "$CHROMIUM" ] && [ -n "$(version)" ]; then
    say "$(version) already installed at $CHROMIUM"
    exit 0
fi
if [ "${DVDL_SKIP_BROWSER_INSTALL:-0}" = "1" ]; then
    say "DVDL_SKIP_BROWSER_INSTALL=1: not installing chromium (browser tests will skip)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "no apt-get on this system: install Chromium yourself so that $CHROMIUM exists" \
        "(browser tests will skip)"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    say "not root and no password-less sudo: run 'sudo apt-get install chromium' yourself" \
        "(browser tests will skip)"
    exit 0
fi

LOG="$(mktemp -t install_browser.XXXXXX.log)"
say "installing Debian package 'chromium' with apt-get (log: $LOG) ..."
export DEBIAN_FRONTEND=noninteractive
# A fresh container has no package lists; an old list may name versions that are gone: update first.
if ! "${SUDO[@]}" apt-get update -qq >>"$LOG" 2>&1; then
    say "'apt-get update' failed (offline? see $LOG); trying with the cached package lists"
fi
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >>"$LOG" 2>&1; then
    say "'apt-get install chromium' failed, browser tests will skip. Last lines of $LOG:"
    tail -n 5 "$LOG" | sed 's/^/    /'
    exit 0
fi
if [ -x "$CHROMIUM" ] && [ -n "$(version)" ]; then
    say "installed $(version) at $CHROMIUM"
    rm -f "$LOG"
else
    # Ubuntu's `chromium` package is a transitional snap package that provides no $CHROMIUM.
    say "apt-get installed 'chromium' but $CHROMIUM does not run (a snap-only package, as on Ubuntu?);" \
        "browser tests will skip. Set DVDL_CHROMIUM to a Chromium binary to use another one."
fi
exit 0
