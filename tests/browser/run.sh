#!/bin/sh
# Exercise the threat filter of a report.html in headless Chromium.
#
#   tests/browser/run.sh REPORT.html RESULT.txt [SCREENSHOT.png]
#
# Makes a copy of the report with probe.js appended (and its SHA-256 added
# to the page's Content-Security-Policy, so the page's own hash-allowed
# script must still run under the real policy), loads it with --dump-dom,
# and writes the probe's result lines ("NAME id id ...": the threat ids left
# visible after setting the filter controls) to RESULT.txt. The caller
# (tests/unit/test_report.c) checks them against threats.json.
# With a third argument, also takes a screenshot of the unmodified report.
# Exit status: 0 done, 77 Chromium is not installed (prints SKIP), 1 failure.
set -eu
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "SKIP: chromium not installed"
    exit 77
fi
report=$1
result=$2
shot=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
probe=$here/probe.js
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

chromium_run() {
    # No network, no profile state, no background services: the report must
    # work offline; a fresh profile per run keeps runs independent.
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-extensions --hide-scrollbars --user-data-dir="$(mktemp -d "$work/profile.XXXXXX")" "$@"
}

# SHA-256 of the probe, base64 (the CSP form). openssl when there; else
# coreutils' sha256sum, its hex turned into bytes with printf octal escapes.
sha256_b64() {
    if command -v openssl > /dev/null 2>&1; then
        openssl dgst -sha256 -binary < "$1" | base64
    else
        hex=$(sha256sum < "$1" | cut -c1-64)
        # shellcheck disable=SC2059
        printf "$(printf '%s' "$hex" | LC_ALL=C awk '{
            d = "0123456789abcdef"
            for (i = 1; i < length($0); i += 2)
                printf "\\%03o", (index(d, substr($0, i, 1)) - 1) * 16 + index(d, substr($0, i + 1, 1)) - 1
        }')" | base64
    fi
}
hash=$(sha256_b64 "$probe")
# The page's own policy, plus the probe's hash (the page's hash stays).
sed "s|script-src |script-src \&#39;sha256-$hash\&#39; |" "$report" > "$work/csp.html"
if ! grep -q "sha256-$hash" "$work/csp.html"; then
    echo "run.sh: no script-src in the report's Content-Security-Policy" >&2
    exit 1
fi
{
    sed '/^<\/body>$/,$d' "$work/csp.html"
    printf '<script>'
    cat "$probe"
    printf '</script>\n'
    sed -n '/^<\/body>$/,$p' "$work/csp.html"
} > "$work/report.html"

chromium_run --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/stderr" || {
    echo "run.sh: chromium failed:" >&2
    cat "$work/stderr" >&2
    exit 1
}
sed -n '/<pre id="result">/,/<\/pre>/p' "$work/dom.html" | sed 's/.*<pre id="result">//; s/<\/pre>.*//' > "$result"
if [ ! -s "$result" ]; then
    echo "run.sh: the probe wrote no result (did the CSP block it?)" >&2
    exit 1
fi
if [ -n "$shot" ]; then
    abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
    chromium_run --screenshot="$shot" --window-size=1280,2400 "file://$abs" > /dev/null 2>&1
fi
exit 0
