/* libFuzzer target: tm_read_xml on arbitrary bytes (see fuzz_common.h for
 * what is checked). Seeds: tests/fuzz/corpus/xml/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_one(TM_SYNTAX_XML, data, size);
    if (why) {
        fprintf(stderr, "fuzz_xml: %s\n", why);
        abort();
    }
    return 0;
}
