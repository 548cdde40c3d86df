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
vg "check -" check - < models/minimal.yaml
# report --watch: the first report, a good change, a bad one, then SIGTERM.
# Each wait is bounded (timeout), so a watch that never answers fails here.
echo "valgrind: report --watch"
mkdir "$out/watch"
cp models/minimal.yaml "$out/watch/m.yaml"
$VALGRIND --error-exitcode=99 "$BIN" report --watch "$out/watch/m.yaml" -o "$out/watch/out" \
    > "$out/watch/log" 2>&1 &
watch_pid=$!
wait_for() { # $1: how many lines of "changed:" or "(Ctrl-C stops)" to wait for
    timeout 120 sh -c 'until [ "$(grep -c -e "changed: " -e "(Ctrl-C stops)" "$1")" -ge "$2" ]; do
        sleep 0.2; done' sh "$out/watch/log" "$1" || {
        echo "valgrind: report --watch did not answer:"; cat "$out/watch/log"; kill "$watch_pid"; exit 1; }
}
wait_for 1
sed 's/public_read: true/public_read: false/' "$out/watch/m.yaml" > "$out/watch/m.tmp"
mv "$out/watch/m.tmp" "$out/watch/m.yaml"
wait_for 2
echo "elements: [" >> "$out/watch/m.yaml"
wait_for 3
kill -TERM "$watch_pid"
rc=0
wait "$watch_pid" || rc=$?
[ "$rc" -eq 0 ] || { echo "valgrind: report --watch failed ($rc):"; cat "$out/watch/log"; exit 1; }
for f in tests/bad/*; do
    case "$f" in *.expected) continue ;; esac
    [ -f "$f" ] || continue
    rc=0
    $VALGRIND --error-exitcode=99 "$BIN" check "$f" >/dev/null 2>&1 || rc=$?
    [ "$rc" -ne 99 ] || { echo "valgrind: errors on $f"; exit 1; }
done
echo "valgrind: examples clean"
