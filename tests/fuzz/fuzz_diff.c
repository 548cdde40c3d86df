/*
 * libFuzzer target: stridec diff on two arbitrary models (OLD, a line
 * "---8<---", NEW), analysed with the built-in catalogue and rules, compared
 * and rendered as text and JSON. Checked: no crash, no sanitizer report, no
 * leak, and the properties listed in fuzz_diff_check.h (a model equals
 * itself, the two directions mirror, counts add up, output deterministic,
 * printable and well-formed). Seeds: tests/fuzz/corpus/diff/. Run: make fuzz.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_diff_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Loaded once: the rules are the same for every input. */
    static tm_catalog *cat;
    static tm_ruleset *rs;
    if (!cat) {
        tm_diags *d = tm_diags_new();
        cat = tm_catalog_builtin(d);
        rs = tm_ruleset_new();
        if (!cat || tm_ruleset_add_builtin(rs, d) != 0) {
            fprintf(stderr, "fuzz_diff: the built-in catalogue or rules do not load\n");
            abort();
        }
        tm_diags_free(d);
    }
    const char *why = fuzz_diff_one(cat, rs, data, size);
    if (why) {
        fprintf(stderr, "fuzz_diff: %s\n", why);
        abort();
    }
    return 0;
}
