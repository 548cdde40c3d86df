#!/bin/sh
# Installs the Debian packages named in $DEB that are missing.
# As root: apt-get install, non-interactively. Otherwise: print the command.
# The package list lives in the Makefile (DEB_BUILD, DEB_TEST).
set -u
missing=""
for p in $DEB; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "stridec: missing packages:$missing (no apt-get here: install their equivalents)" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "stridec: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "stridec: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || exit 1
# chromium may be unavailable on some mirrors/architectures: install it separately
# so that its absence only skips the browser test.
core=""
for p in $missing; do [ "$p" = chromium ] || core="$core $p"; done
if [ -n "$core" ]; then
    apt-get install -y -qq $core </dev/null || exit 1
fi
case " $missing " in
    *" chromium "*)
        apt-get install -y -qq chromium </dev/null ||
            echo "stridec: chromium could not be installed; the browser test will be skipped" >&2 ;;
esac
exit 0
