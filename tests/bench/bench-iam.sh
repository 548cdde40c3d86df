#!/bin/sh
# Part of make bench (tests/bench/bench.sh): identity analysis at the size of
# issue 18's hostile case, one role with 50,000 statements shared by 2,000
# functions (it took 212 s when the analysis ran once per function).
# Usage: sh tests/bench/bench-iam.sh ./stridec WORKDIR
set -eu
BIN=$1
work=$2
now_ms() { date +%s%3N; }

gen() { # gen STATEMENTS FUNCTIONS
    awk -v S="$1" -v F="$2" 'BEGIN {
        print "stridec: 1"
        print "system: {name: shared-role}"
        print "elements:"
        for (i = 0; i < F; i++)
            printf "  - {id: fn-%d, type: aws.lambda, identity: big-role}\n", i
        for (i = 0; i < 20; i++)
            printf "  - {id: table-%d, type: aws.dynamodb}\n", i
        print "identities:"
        print "  - id: big-role"
        print "    type: aws.iam.role"
        print "    statements:"
        print "      - {effect: allow, principals: [lambda.amazonaws.com], actions: [\"sts:AssumeRole\"]}"
        for (i = 0; i < S; i++) {
            if (i % 5 == 0)
                printf "      - {effect: allow, actions: [\"dynamodb:GetItem\", \"dynamodb:Query\"], resources: [\"arn:aws:dynamodb:us-east-1:123456789012:table/t%d\"]}\n", i
            else if (i % 5 == 1)
                printf "      - {effect: allow, actions: [\"s3:GetObject\"], resources: [\"arn:aws:s3:::bucket-%d/*\"]}\n", i
            else if (i % 5 == 2)
                printf "      - {effect: allow, actions: [\"sqs:SendMessage\", \"sqs:Get*\"], resources: [\"arn:aws:sqs:us-east-1:123456789012:q%d\"], conditions: [{test: StringEquals, variable: \"aws:SourceAccount\", values: [\"123456789012\"]}]}\n", i
            else if (i % 5 == 3)
                printf "      - {effect: deny, actions: [\"dynamodb:DeleteItem\"], resources: [\"arn:aws:dynamodb:*:*:table/t%d\"]}\n", i
            else
                printf "      - {effect: allow, actions: [\"svc%d:*\"], resources: [\"*\"]}\n", i
        }
    }'
}

gen 50000 2000 > "$work/iam-50k.yaml"
printf '%-58s %6d bytes\n' "one role, 50,000 statements, 2,000 functions" "$(wc -c < "$work/iam-50k.yaml")"
for what in check "report -f json"; do
    best=""
    for _ in 1 2 3; do
        t0=$(now_ms)
        # shellcheck disable=SC2086
        if [ "$what" = check ]; then
            "$BIN" check "$work/iam-50k.yaml" >/dev/null 2>&1 || true
        else
            "$BIN" report "$work/iam-50k.yaml" -f json -o "$work/iam-out" >/dev/null 2>&1 || true
        fi
        t1=$(now_ms)
        dt=$((t1 - t0))
        if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then best=$dt; fi
    done
    printf '%-58s %6d ms\n' "$what, one role with 50,000 statements x 2,000 users" "$best"
done
