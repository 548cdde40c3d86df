/* libFuzzer target: the Threat Dragon importer on arbitrary bytes, then the
 * Threat Dragon export of what it imported and a second import of that
 * (checks in fuzz_import_td.h). Seeds: tests/fuzz/corpus/import_td/.
 * Run: make fuzz. */
#include <stdio.h>

#include "fuzz_import_td.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_import_td_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_import_td: %s\n", why);
        abort();
    }
    return 0;
}
