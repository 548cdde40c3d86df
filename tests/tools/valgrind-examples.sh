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
# The other commands on real inputs: every importer, export to Threat Dragon,
# diff and init. Any exit status but valgrind's own 99 is a result here.
vg() {
    what=$1
    shift
    echo "valgrind: $what"
    rc=0
    $VALGRIND --error-exitcode=99 "$BIN" "$@" >/dev/null 2>&1 || rc=$?
    [ "$rc" -ne 99 ] || { echo "valgrind: errors in $what"; exit 1; }
}
for f in tests/import/cloudformation/*.yaml tests/import/cloudformation/*.json \
         tests/import/serverless/*.serverless.yml tests/import/terraform/*.json \
         tests/import/threatdragon/*.json; do
    case "$f" in *.expected.yaml|*.schema.json|*.td.json) continue ;; esac
    [ -f "$f" ] || continue
    vg "import $f" import "$f" -o "$out/imported.yaml"
done
vg "export --to threatdragon" export --to threatdragon models/serverless-webapp.yaml -o "$out/td.json"
vg "import the export" import "$out/td.json" -o "$out/td-back.yaml"
vg "diff" diff models/minimal.yaml models/serverless-webapp.yaml
vg "diff --format json" diff --format json models/serverless-webapp.yaml models/serverless-webapp.json
vg "init" init -o "$out/init/starter.yaml"
vg "init --example" init --example serverless-webapp -o "$out/init/shop/model.yaml"
for f in tests/bad/*; do
    case "$f" in *.expected) continue ;; esac
    [ -f "$f" ] || continue
    rc=0
    $VALGRIND --error-exitcode=99 "$BIN" check "$f" >/dev/null 2>&1 || rc=$?
    [ "$rc" -ne 99 ] || { echo "valgrind: errors on $f"; exit 1; }
done
echo "valgrind: examples clean"
