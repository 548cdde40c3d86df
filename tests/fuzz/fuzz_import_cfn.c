/* libFuzzer target: the CloudFormation/SAM importer (tm_import_cloudformation)
 * on arbitrary bytes read as YAML or JSON; checks in fuzz_import_cfn_check.h.
 * Seeds: tests/fuzz/corpus/import_cfn/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_import_cfn_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_import_cfn_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_import_cfn: %s\n", why);
        abort();
    }
    return 0;
}
