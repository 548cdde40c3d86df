/* libFuzzer target: the IAM policy grammar (tm_iam_read_policy) and what
 * reads its output (matching, description, evaluation, SAM expansion) on
 * arbitrary bytes read as JSON and YAML; checks in fuzz_iam_policy_check.h.
 * Seeds: tests/fuzz/corpus/iam_policy/. Run: make fuzz. */
#include <stdio.h>

#include "fuzz_iam_policy_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = fuzz_iam_policy_one(data, size);
    if (why) {
        fprintf(stderr, "fuzz_iam_policy: %s\n", why);
        abort();
    }
    return 0;
}
