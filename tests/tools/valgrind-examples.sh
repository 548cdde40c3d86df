#!/bin/sh
# Runs the example jobs under valgrind: $1 is the valgrind command line, $2 the binary.
set -eu
VALGRIND=$1
BIN=$2
out=$(mktemp -d /tmp/stridec-vg.XXXXXX)
trap 'rm -rf "$out"' EXIT
for m in models/*.yaml models/*.json models/*.xml; do
    [ -f "$m" ] || continue
    echo "valgrind: check $m"
    rc=0
    $VALGRIND --error-exitcode=99 "$BIN" check "$m" >/dev/null || rc=$?
    # check exits 0 or 1 as results, so valgrind's own errors get status 99.
    [ "$rc" -le 1 ] || { echo "valgrind: check $m failed ($rc)"; exit 1; }
    echo "valgrind: report $m"
    $VALGRIND --error-exitcode=99 "$BIN" report "$m" -o "$out/r" >/dev/null || {
        echo "valgrind: report $m failed"; exit 1; }
done
for f in tests/bad/*; do
    case "$f" in *.expected) continue ;; esac
    [ -f "$f" ] || continue
    rc=0
    $VALGRIND --error-exitcode=99 "$BIN" check "$f" >/dev/null 2>&1 || rc=$?
    [ "$rc" -ne 99 ] || { echo "valgrind: errors on $f"; exit 1; }
done
echo "valgrind: examples clean"
