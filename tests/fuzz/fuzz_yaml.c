/* libFuzzer target: tm_read_yaml on arbitrary bytes (see fuzz_common.h for
 * what is checked). Seeds: tests/fuzz/corpus/yaml/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_one(TM_SYNTAX_YAML, data, size);
    if (why) {
        fprintf(stderr, "fuzz_yaml: %s\n", why);
        abort();
    }
    return 0;
}
