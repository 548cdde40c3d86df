/* libFuzzer target: the Terraform plan/state importer (tm_import_terraform)
 * on arbitrary bytes read as JSON; checks in fuzz_import_tf.h.
 * Seeds: tests/fuzz/corpus/import_tf/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_import_tf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_import_tf_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_import_tf: %s\n", why);
        abort();
    }
    return 0;
}
