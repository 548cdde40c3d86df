/* libFuzzer target: OSV advisory parsing and matching (tm_osv_match_text)
 * and version comparison on arbitrary bytes; checks in fuzz_engine_checks.h.
 * Seeds: tests/fuzz/corpus/osv/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_engine_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_osv_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_osv: %s\n", why);
        abort();
    }
    return 0;
}
