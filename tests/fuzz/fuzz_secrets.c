/* libFuzzer target: the secret scan (tm_secrets_scan) on arbitrary bytes;
 * checks in fuzz_engine_checks.h. Seeds: tests/fuzz/corpus/secrets/.
 * Run: make fuzz. */
#include <stdio.h>

#include "fuzz_engine_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_secrets_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_secrets: %s\n", why);
        abort();
    }
    return 0;
}
