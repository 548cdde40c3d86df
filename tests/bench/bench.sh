#!/bin/sh
# make bench: performance figures, printed (never asserted in unit tests).
# Usage: tests/bench/bench.sh ./stridec
set -eu
BIN=${1:-./stridec}
work=$(mktemp -d /tmp/stridec-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }

# time_cmd LABEL CMD...: runs CMD 3 times, prints the best wall time.
time_cmd() {
    label=$1
    shift
    best=""
    for _ in 1 2 3; do
        t0=$(now_ms)
        "$@" >/dev/null 2>&1 || true
        t1=$(now_ms)
        dt=$((t1 - t0))
        if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then best=$dt; fi
    done
    printf '%-58s %6d ms\n' "$label" "$best"
}

echo "stridec benchmarks ($(nproc) cores; best of 3 runs)"
for n in 1000 10000; do
    sh tests/bench/gen-model.sh "$n" > "$work/m$n.yaml"
    printf '%-58s %6d bytes\n' "model with $n elements" "$(wc -c < "$work/m$n.yaml")"
    time_cmd "check (load + analyse), $n elements" "$BIN" check "$work/m$n.yaml"
    time_cmd "report -f json, $n elements" "$BIN" report "$work/m$n.yaml" -f json -o "$work/out$n"
    time_cmd "report -f sarif, $n elements" "$BIN" report "$work/m$n.yaml" -f sarif -o "$work/out$n"
    "$BIN" report "$work/m$n.yaml" -f json -o "$work/out$n" >/dev/null 2>&1 || true
    if [ -f "$work/out$n/threats.json" ]; then
        printf '%-58s %6d\n' "threats found, $n elements" "$(grep -c '"rule":' "$work/out$n/threats.json")"
    fi
done
for extra in tests/bench/bench-*.sh; do
    [ -f "$extra" ] && sh "$extra" "$BIN" "$work"
done
exit 0
