#!/bin/sh
# The development corpus table (tests/samples/README.md): imports every real
# template and prints, per template and overall, how many of the elements and
# flows a reviewer draws the import has, and the unexpected flows; below each
# line, what is missing or unexpected (-q: the table only). Builds the test
# binary when needed.
# Usage: sh tests/tools/samples.sh [-q]   (from the source tree)
set -eu
detail=1
if [ "${1:-}" = "-q" ]; then detail=; fi
make -s build/stridec-tests >/dev/null
if [ -n "$detail" ]; then
    export STRIDEC_SAMPLES_DETAIL=1
fi
STRIDEC_ROOT=$(pwd) CK_RUN_SUITE=samples CK_VERBOSITY=silent ./build/stridec-tests
