#!/bin/sh
# Report timings per format (called by bench.sh with BIN and a work folder,
# or on its own: tests/bench/bench-formats.sh ./stridec).
# For 200 and 1,000 elements of tests/bench/gen-model.sh and of the
# cross-linked estate of tests/bench/gen-estate.sh: the analysis alone
# (check), each format alone, and the full default report, each the best
# wall time of 3 runs with its CPU time (user + system) and peak memory
# (maximum resident set size, from GNU time). The last column compares the
# full report with the JSON-only run.
set -eu
BIN=${1:-./stridec}
work=${2:-}
if [ -z "$work" ]; then
    work=$(mktemp -d /tmp/stridec-bench-formats.XXXXXX)
    trap 'rm -rf "$work"' EXIT
fi
TIME=/usr/bin/time
if ! "$TIME" -f '%e' true >/dev/null 2>&1; then
    echo "bench-formats: GNU time (/usr/bin/time) is needed for peak memory; skipped"
    exit 0
fi

# run LABEL CMD...: best of 3 (wall), with that run's CPU seconds and peak KB.
# Sets $best_ms for the caller.
run() {
    label=$1
    shift
    best_ms=""
    for _ in 1 2 3; do
        rm -rf "$work/out"
        "$TIME" -o "$work/t" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
        read -r wall user sys kb <<EOT
$(tail -n 1 "$work/t")
EOT
        ms=$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')
        if [ -z "$best_ms" ] || [ "$ms" -lt "$best_ms" ]; then
            best_ms=$ms
            cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
            peak=$((kb / 1024))
        fi
    done
    printf '%-52s %7d ms %7d ms cpu %6d MB' "$label" "$best_ms" "$cpu" "$peak"
}

for gen in gen-model gen-estate; do
    for n in 200 1000; do
        m="$work/$gen-$n.yaml"
        sh "tests/bench/$gen.sh" "$n" > "$m"
        run "check (load + analyse), $gen $n" "$BIN" check "$m"
        echo
        json_ms=""
        for f in json sarif csv md dot svg png html pdf; do
            run "report -f $f, $gen $n" "$BIN" report "$m" -f "$f" -o "$work/out"
            [ "$f" = json ] && json_ms=$best_ms
            echo
        done
        run "report (every format), $gen $n" "$BIN" report "$m" -o "$work/out"
        awk -v a="$best_ms" -v b="$json_ms" 'BEGIN { printf "  %5.1f x json\n", (b > 0 ? a / b : 0) }'
    done
done
exit 0
