/*
 * libFuzzer target: the serverless.yml importer (tm_import_serverless) on
 * arbitrary YAML, with the checks of fuzz_import_sls_check.h (errors have a
 * place, every imported tree builds and exports, output deterministic).
 * Seeds: tests/fuzz/corpus/import_sls/. Run: make fuzz.
 */
#include <stdio.h>

#include "fuzz_import_sls_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_import_sls_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_import_sls: %s\n", why);
        abort();
    }
    return 0;
}
