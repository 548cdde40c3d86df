/*
 * What the CloudFormation/SAM importer's fuzz target checks for one input,
 * shared with the corpus replay in tests/unit/test_import_cfn.c:
 *   - no crash, no sanitizer report, no leak;
 *   - a NULL tree comes with an error naming a file and a line, a tree with
 *     no error;
 *   - every tree the importer returns builds into a model without errors
 *     (an importer can never emit an invalid model) and exports as YAML;
 *   - importing the same input twice gives the same tree (determinism).
 * The input is read as JSON when it starts with '{', else as YAML; both
 * the CloudFormation and the SAM entry are exercised.
 */
#ifndef STRIDEC_FUZZ_IMPORT_CFN_CHECK_H
#define STRIDEC_FUZZ_IMPORT_CFN_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/import.h"
#include "stridec/model.h"

static const char *fuzz_import_cfn_run(const char *text, size_t size, int sam, tm_node **out,
                                       tm_arena *a)
{
    const char *why = NULL;
    tm_diags *d = tm_diags_new();
    tm_syntax syn = size && text[0] == '{' ? TM_SYNTAX_JSON : TM_SYNTAX_YAML;
    const char *file = syn == TM_SYNTAX_JSON ? "fuzz.json" : "fuzz.yaml";
    tm_node *root = tm_read_text_tree(a, file, syn, text, size, NULL, d);
    tm_node *tree = root ? tm_import_cloudformation(a, root, file, sam, d) : NULL;
    if (root && !tree && tm_diags_errors(d) == 0)
        why = "importer returned nothing without an error";
    if (tree && tm_diags_errors(d) != 0)
        why = "importer returned a tree and an error";
    for (size_t i = 0; !why && i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (!g->file || g->line == 0)
            why = "a diagnostic without a place";
    }
    if (!why && tree) {
        tm_model *m = tm_model_build(tree, "fuzz-model.yaml", NULL, d);
        if (!m || tm_diags_errors(d) != 0) {
            why = "the imported tree does not build into a model";
        } else {
            tm_buf b;
            tm_buf_init(&b, 0);
            if (tm_model_export(m, "yaml", &b, d) != 0)
                why = "the imported model does not export as YAML";
            tm_buf_free(&b);
        }
        tm_model_free(m);
    }
    tm_buf fmt;
    tm_buf_init(&fmt, 0);
    tm_diags_format(d, &fmt);
    tm_buf_free(&fmt);
    tm_diags_free(d);
    *out = tree;
    return why;
}

static const char *fuzz_import_cfn_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *why = NULL;
    for (int sam = 0; sam < 2 && !why; sam++) {
        tm_arena *a = tm_arena_new();
        tm_node *first = NULL, *second = NULL;
        why = fuzz_import_cfn_run(text, size, sam, &first, a);
        if (!why)
            why = fuzz_import_cfn_run(text, size, sam, &second, a);
        if (!why && (first == NULL) != (second == NULL))
            why = "two imports of the same input differ (one failed)";
        if (!why && first && !tm_node_equal(first, second))
            why = "two imports of the same input give different trees";
        tm_arena_free(a);
    }
    free(text);
    return why;
}

#endif
