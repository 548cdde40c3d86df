/*
 * libFuzzer target: rule-file text -> ruleset (tm_ruleset_add_text), the
 * syntax guessed from the first byte ('{' or '[' JSON, '<' XML, else YAML).
 * Checked:
 *   - no crash, no sanitizer report, no leak (ruleset + diags freed);
 *   - -1 comes with at least one error and adds no rule (all or nothing);
 *     0 comes with no error;
 *   - every error names a file and a 1-based line;
 *   - every rule added is complete: a valid id, a title, a parsed condition,
 *     STRIDE letters, likelihood and impact in range, a mitigation, and it
 *     is found by its id;
 *   - adding the same text again fails on the first rule's duplicate id
 *     and adds nothing;
 *   - the diagnostics format with their source snippets.
 * Seeds: tests/fuzz/corpus/rules/. Run: make fuzz.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/analysis.h"
#include "engine/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_fail(const char *why)
{
    fprintf(stderr, "fuzz_rules: %s\n", why);
    abort();
}

static const char *S_name(const uint8_t *data, size_t size)
{
    if (size && (data[0] == '{' || data[0] == '['))
        return "fuzz.json";
    if (size && data[0] == '<')
        return "fuzz.xml";
    return "fuzz.yaml";
}

static void S_check_rule(const tm_ruleset *rs, const tm_rule *r)
{
    if (!r->id || !*r->id || strchr(r->id, '@'))
        S_fail("rule without a valid id");
    if (tm_ruleset_find(rs, r->id) != r)
        S_fail("rule not found by its id");
    if (!r->title || !*r->title || !r->mitigation || !r->when_text)
        S_fail("rule without title, mitigation or condition text");
    if (!r->when)
        S_fail("rule without a parsed condition");
    if (!r->stride || r->stride >= (1u << 6))
        S_fail("rule without valid STRIDE letters");
    if (r->likelihood < TM_LIK_UNLIKELY || r->likelihood > TM_LIK_FREQUENT ||
        r->impact < TM_IMP_LOW || r->impact > TM_IMP_VERY_HIGH)
        S_fail("likelihood or impact out of range");
    if ((unsigned)r->applies_to > TM_APPLIES_MODEL)
        S_fail("applies_to out of range");
    if (tm_score(r->likelihood, r->impact, TM_CLASS_NONE) == TM_SEV_NONE)
        S_fail("a rule that scores to nothing");
    for (size_t i = 0; i < r->n_references; i++)
        if (!r->references[i] || !*r->references[i])
            S_fail("empty reference");
    for (size_t i = 0; i < r->n_monitor; i++)
        if (!r->monitor[i] || !*r->monitor[i])
            S_fail("empty monitor entry");
    if (!r->loc.file || r->loc.line < 1)
        S_fail("rule without a position");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The readers take NUL-terminated text. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *name = S_name(data, size);

    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    int rc = tm_ruleset_add_text(rs, name, text, size, d);
    size_t n = tm_ruleset_count(rs);
    if (rc != 0 && rc != -1)
        S_fail("status other than 0 or -1");
    if (rc == -1 && (tm_diags_errors(d) == 0 || n != 0))
        S_fail("failure without an error, or with rules added");
    if (rc == 0 && tm_diags_errors(d) != 0)
        S_fail("success with an error");
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (g->severity == TM_DIAG_ERROR && (!g->file || g->line == 0))
            S_fail("an error without a place");
    }
    for (size_t i = 0; i < n; i++)
        S_check_rule(rs, rs->rules[i]);

    /* The same rules again: every id is now a duplicate. */
    if (rc == 0 && n > 0) {
        tm_diags *d2 = tm_diags_new();
        if (tm_ruleset_add_text(rs, name, text, size, d2) != -1 || tm_ruleset_count(rs) != n)
            S_fail("duplicate ids were accepted");
        if (!strstr(tm_diags_get(d2, 0)->message, "duplicate rule id"))
            S_fail("second load failed for another reason than duplicate ids");
        tm_diags_free(d2);
    }

    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags_format(d, &out);
    tm_buf_free(&out);
    tm_diags_free(d);
    tm_ruleset_free(rs);
    free(text);
    return 0;
}
