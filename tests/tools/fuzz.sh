#!/bin/sh
# Run fuzz targets: sh tests/tools/fuzz.sh SECONDS tests/fuzz/fuzz_NAME.c ...
#
# Each target tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput; its seeds
# are tests/fuzz/corpus/NAME/ and its dictionary tests/fuzz/NAME.dict
# (both optional). With clang's libFuzzer, every
# library source (src/{core,load,import,engine,render}/*.c and the generated
# build/embedded.c) is compiled with coverage and sanitizers into
# build-fuzz/, and each target runs for SECONDS. New inputs go to
# build-fuzz/corpus/NAME/ (the committed seeds are only read); a crash is
# saved as build-fuzz/crash-NAME-* and fails the run: copy it into
# tests/fuzz/corpus/NAME/ once fixed, so that the unit suite replays it.
# Without libFuzzer the corpus is replayed with a plain driver instead.
set -eu

SECONDS_EACH=${1:-30}
shift || true
[ $# -gt 0 ] || { echo "usage: fuzz.sh SECONDS tests/fuzz/fuzz_NAME.c..." >&2; exit 2; }

PKG_CONFIG=${PKG_CONFIG:-pkg-config}
PKGS="libxml-2.0 libcjson yaml-0.1 libcgraph libgvc"
HPDF_LIBS=${HPDF_LIBS:--lhpdf}
CLANG=${CLANG:-clang}
OUT=build-fuzz
PKG_CFLAGS=$($PKG_CONFIG --cflags $PKGS 2>/dev/null || true)
PKG_LIBS="$($PKG_CONFIG --libs $PKGS 2>/dev/null || true) $HPDF_LIBS -lm"
DEFS="-D_POSIX_C_SOURCE=200809L -DSTRIDEC_VERSION=\"fuzz\" -DSTRIDEC_URL=\"${URL:-https://github.com/stridec/stridec}\""
# Warnings are not errors here: the normal build (make) already enforces them.
CFLAGS="-std=c11 -g -O1 $DEFS -Iinclude -Isrc -Ibuild -Itests/fuzz $PKG_CFLAGS"

mkdir -p "$OUT"

name_of() { basename "$1" .c | sed 's/^fuzz_//'; }

have_libfuzzer() {
    command -v "$CLANG" >/dev/null 2>&1 || return 1
    printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
        > "$OUT/probe.c"
    "$CLANG" -fsanitize=fuzzer "$OUT/probe.c" -o "$OUT/probe" >/dev/null 2>&1
}

lib_sources() {
    for f in src/base/*.c src/doc/*.c src/model/*.c src/iam/*.c src/import/*.c src/engine/*.c src/render/*.c build/embedded.c; do
        [ -f "$f" ] && echo "$f"
    done
    return 0
}

# Compile sources newer than their object into $OUT/obj with CC and FLAGS,
# then archive them into $OUT/$ARCHIVE.
build_lib() {
    cc=$1 flags=$2 archive=$3
    objs=""
    for src in $(lib_sources); do
        obj="$OUT/obj-$archive/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
        mkdir -p "$OUT/obj-$archive"
        if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find include src -name '*.h' -newer "$obj" 2>/dev/null | head -1)" ]; then
            if $cc $flags -c "$src" -o "$obj.$$"; then
                mv -f "$obj.$$" "$obj"
            else
                # A half-written file elsewhere should not stop the other
                # targets: the link fails later only if a target needs it.
                echo "fuzz: warning: $src does not compile; left out" >&2
                rm -f "$obj" "$obj.$$"
                continue
            fi
        fi
        objs="$objs $obj"
    done
    # Built aside and renamed: two fuzz.sh runs at once must not see each
    # other's half-written archive.
    rm -f "$OUT/$archive.a.$$"
    ar rcs "$OUT/$archive.a.$$" $objs
    mv -f "$OUT/$archive.a.$$" "$OUT/$archive.a"
}

status=0
if have_libfuzzer; then
    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
    build_lib "$CLANG" "$CFLAGS $SAN -fsanitize=fuzzer-no-link" libfuzz
    for target in "$@"; do
        name=$(name_of "$target")
        bin="$OUT/fuzz_$name"
        "$CLANG" $CFLAGS $SAN -fsanitize=fuzzer "$target" "$OUT/libfuzz.a" $PKG_LIBS -o "$bin"
        mkdir -p "$OUT/corpus/$name"
        seeds="" dict=""
        [ -d "tests/fuzz/corpus/$name" ] && seeds="tests/fuzz/corpus/$name"
        [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
        echo "fuzz: $name for ${SECONDS_EACH}s"
        if ! ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
            -max_len=65536 -timeout=10 -print_final_stats=1 $dict \
            -artifact_prefix="$OUT/crash-$name-" "$OUT/corpus/$name" $seeds; then
            echo "fuzz: $name FAILED: see $OUT/crash-$name-*" >&2
            status=1
        fi
    done
else
    echo "fuzz: libFuzzer is unavailable (no clang with -fsanitize=fuzzer):" \
         "replaying the saved corpus instead of fuzzing"
    CC=${CC:-cc}
    build_lib "$CC" "$CFLAGS" libreplay
    for target in "$@"; do
        name=$(name_of "$target")
        bin="$OUT/replay_$name"
        $CC $CFLAGS "$target" tests/fuzz/replay_main.c "$OUT/libreplay.a" $PKG_LIBS -o "$bin"
        printf 'fuzz: %s: ' "$name"
        if ! "$bin" "tests/fuzz/corpus/$name"; then
            status=1
        fi
    done
fi
exit $status
