#!/usr/bin/env bash
# Installs the Debian packages deskapp needs when they are missing.
#   system-deps.sh window   the libraries Qt's platform plugins load (make run, make demo)
#   system-deps.sh          those, Xvfb for screenshots and a PostgreSQL server (make test)
# Where it cannot install (not root, no password-less sudo), it stops with one line that
# names the exact command to run. Elsewhere than Debian it checks nothing.
set -euo pipefail
window=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
        libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
        libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0)
needed=("${window[@]}")
[ "${1:-}" = "window" ] || needed+=(xvfb xauth postgresql)
command -v dpkg-query >/dev/null || exit 0
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "deskapp needs these system packages; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "system-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
