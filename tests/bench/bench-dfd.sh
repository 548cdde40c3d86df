#!/bin/sh
# Data-flow diagram layout timings (called by bench.sh with BIN and a work
# folder, or on its own: tests/bench/bench-dfd.sh ./stridec).
# Above the split threshold (150 elements) the DFD is an overview plus one
# diagram per top-level boundary; these figures show what that costs.
set -eu
BIN=${1:-./stridec}
work=${2:-}
if [ -z "$work" ]; then
    work=$(mktemp -d /tmp/stridec-bench-dfd.XXXXXX)
    trap 'rm -rf "$work"' EXIT
fi

now_ms() { date +%s%3N; }

# gen_model N: N elements in 20 top-level boundaries (each with one nested
# boundary), chains of flows inside each boundary and links between them.
gen_model() {
    awk -v n="$1" 'BEGIN {
        nb = 20
        print "stridec: 1"
        print "system: {name: DFD bench " n "}"
        print "boundaries:"
        for (b = 0; b < nb; b++) {
            printf "  - {id: b%d, type: cloud-account}\n", b
            printf "  - {id: b%dn, type: vpc, parent: b%d}\n", b, b
        }
        print "elements:"
        for (i = 0; i < n; i++) {
            b = i % nb
            t = (i % 3 == 0) ? "aws.lambda" : (i % 3 == 1) ? "aws.s3" : "aws.sqs"
            inner = (int(i / nb) % 2) ? "n" : ""
            printf "  - {id: e%d, type: %s, boundary: b%d%s}\n", i, t, b, inner
        }
        print "flows:"
        for (i = nb; i < n; i++)
            printf "  - {from: e%d, to: e%d, protocol: https}\n", i - nb, i
        for (i = 0; i + 1 < n; i += 97)
            printf "  - {from: e%d, to: e%d, protocol: aws-api}\n", i, i + 1
    }'
}

# time_svg LABEL MODEL: best of 3 `report -f svg` runs, and the diagrams written.
time_svg() {
    best=""
    for _ in 1 2 3; do
        rm -rf "$work/dfd-out"
        t0=$(now_ms)
        "$BIN" report "$2" -f svg -o "$work/dfd-out" >/dev/null 2>&1 || true
        t1=$(now_ms)
        dt=$((t1 - t0))
        if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then best=$dt; fi
    done
    printf '%-58s %6d ms\n' "$1" "$best"
    printf '%-58s %6d\n' "  diagrams written" "$(ls "$work/dfd-out" 2>/dev/null | grep -c '\.svg$' || true)"
}

for n in 1000 10000; do
    gen_model "$n" > "$work/dfd$n.yaml"
    time_svg "report -f svg, $n elements in 20 boundaries" "$work/dfd$n.yaml"
    if [ -f tests/bench/gen-model.sh ]; then
        sh tests/bench/gen-model.sh "$n" > "$work/gen$n.yaml"
        time_svg "report -f svg, gen-model.sh $n (nested boundaries)" "$work/gen$n.yaml"
    fi
    # 1,000 only: at 10,000 each account is a grid of 2,400 nodes crossed by
    # 4,800 random flows, still minutes in dot (README, Performance)
    if [ "$n" -le 1000 ]; then
        sh tests/bench/gen-estate.sh "$n" > "$work/estate$n.yaml"
        time_svg "report -f svg, gen-estate.sh $n (cross-linked accounts)" "$work/estate$n.yaml"
    fi
done
exit 0
