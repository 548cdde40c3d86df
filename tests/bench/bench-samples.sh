#!/bin/sh
# make bench: how much of the reviewer's picture the imports of the real
# templates in tests/samples/ give (recall and precision of flows).
# Usage: tests/bench/bench-samples.sh ./stridec WORKDIR
set -eu
echo
echo "development corpus (tests/samples): what the import draws of the reviewer's picture"
sh tests/tools/samples.sh -q || true
