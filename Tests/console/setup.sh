#!/bin/sh
# Installs what Tests/console/console_browser.py needs, when it is missing: Chromium and
# chromedriver, a font with Chinese glyphs (for the screenshots of Chinese text), and
# Python's selenium. Safe to run again: nothing is installed twice. Meant for a Debian
# machine, as root (or with sudo at hand).
#
#   sh Tests/console/setup.sh
set -eu

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

# apt-get, quiet unless it fails, waiting while another apt or dpkg holds its locks
# (up to about 10 minutes).
apt_get() {
    out=$(mktemp)
    tries=0
    until $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@" >"$out" 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 5 ]; then
            cat "$out" >&2
            rm -f "$out"
            echo "setup: apt-get $* failed $tries times" >&2
            return 1
        fi
        sleep 10
    done
    rm -f "$out"
}

updated=no
apt_install() {
    if [ "$updated" = no ]; then
        apt_get update -qq
        updated=yes
    fi
    apt_get install -y -qq "$@"
}

if ! command -v python3 >/dev/null 2>&1; then
    apt_install python3
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    apt_install chromium chromium-driver
fi

if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    apt_install fonts-noto-cjk
fi

if ! python3 -c 'import selenium' >/dev/null 2>&1; then
    if ! python3 -m pip --version >/dev/null 2>&1; then
        apt_install python3-pip
    fi
    # A Debian Python refuses pip installs outside a virtual environment (PEP 668);
    # selenium then goes in with --break-system-packages.
    python3 -m pip install -q selenium 2>/dev/null \
        || python3 -m pip install -q --break-system-packages selenium
fi
