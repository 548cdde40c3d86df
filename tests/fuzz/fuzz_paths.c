/* libFuzzer target: the attack-path knowledge files (search.yaml and
 * techniques.yaml of share/stridec/paths/) on arbitrary bytes; checks in
 * fuzz_paths_check.h. Seeds: tests/fuzz/corpus/paths/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_paths_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_paths_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_paths: %s\n", why);
        abort();
    }
    return 0;
}
