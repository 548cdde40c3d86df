/* libFuzzer target: tm_template_render on a template and JSON data (see
 * fuzz_template_check.h for the input format and what is checked).
 * Seeds: tests/fuzz/corpus/template/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_template_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_template_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_template: %s\n", why);
        abort();
    }
    return 0;
}
