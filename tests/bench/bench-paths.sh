#!/bin/sh
# Part of make bench (tests/bench/bench.sh): the attack-path search on
# gen-model.sh's 10,000 elements (every API without authorizer is an entry,
# public buckets too), and on a hostile variant where no function validates
# its input, so that every entry reaches most of the model through the roles
# that may use s3:* on every bucket. Prints the time of report -f json and
# what the search did (threats.json paths_search).
# Usage: sh tests/bench/bench-paths.sh ./stridec WORKDIR
set -eu
BIN=$1
work=$2
now_ms() { date +%s%3N; }

best_of_3() { # LABEL MODEL
    best=""
    for _ in 1 2 3; do
        t0=$(now_ms)
        "$BIN" report "$2" -f json -o "$work/paths-out" >/dev/null 2>&1 || true
        t1=$(now_ms)
        dt=$((t1 - t0))
        if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then best=$dt; fi
    done
    printf '%-58s %6d ms\n' "$1" "$best"
    # the search's own summary, one line
    sed -n '/"paths_search": {/,/}/p' "$work/paths-out/threats.json" | tr -d ' \n' |
        sed 's/"paths_search"://; s/,"cut_by":\[\(.*\)\]}/ cut_by: \1/; s/[{}"]//g; s/,/, /g' |
        sed 's/, *$//' | awk '{ printf "  %s\n", $0 }'
}

echo
echo "attack paths (best of 3)"
sh tests/bench/gen-model.sh 10000 > "$work/paths10k.yaml"
best_of_3 "report -f json, 10,000 elements (gen-model.sh)" "$work/paths10k.yaml"
sed 's/validates_input: true/validates_input: false/g' "$work/paths10k.yaml" > "$work/paths10k-hostile.yaml"
best_of_3 "report -f json, 10,000 elements, no function validates" "$work/paths10k-hostile.yaml"
exit 0
