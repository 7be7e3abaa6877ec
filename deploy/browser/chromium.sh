#!/usr/bin/env bash
# The browser the page tests drive: Debian's chromium package (Playwright's own browser download cannot work
# here, so Playwright launches this one by its path). `ensure` installs it when it is missing and we are root;
# otherwise it fails loudly: a missing browser never turns into skipped tests.
set -euo pipefail
CHROMIUM="${SVU_CHROMIUM:-/usr/bin/chromium}"
case "${1:-ensure}" in
  ensure)
    if [ -x "$CHROMIUM" ]; then exit 0; fi
    if [ "$(id -u)" != 0 ]; then
      echo "chromium.sh: $CHROMIUM is missing; install Debian's chromium package (apt-get install chromium)" >&2
      exit 1
    fi
    echo "chromium.sh: installing Debian's chromium package ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
    [ -x "$CHROMIUM" ] || { echo "chromium.sh: chromium did not install" >&2; exit 1; }
    ;;
  path) echo "$CHROMIUM" ;;
  *) echo "usage: chromium.sh ensure|path" >&2; exit 2 ;;
esac
