/*
 * What the serverless.yml importer must hold for any input, shared by the
 * fuzz target (tests/fuzz/fuzz_import_sls.c) and the unit suite's replay
 * (tests/unit/test_import_sls.c):
 *   - no crash, no sanitizer report, no leak, no hang (variable expansion
 *     is bounded);
 *   - NULL comes with an error naming the file and a line, a tree with no
 *     error;
 *   - every tree it returns builds with the one model builder without an
 *     error (an importer cannot produce an invalid model) and exports;
 *   - the same input gives the same bytes twice.
 * Returns NULL when all hold, else what failed.
 */
#ifndef STRIDEC_FUZZ_IMPORT_SLS_CHECK_H
#define STRIDEC_FUZZ_IMPORT_SLS_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/import.h"
#include "stridec/model.h"

/* One import and build: the exported YAML (malloc'd) or NULL; *why set on a
 * broken property. */
static char *fuzz_import_sls_run(const char *text, size_t size, const char **why)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    char *yaml = NULL;
    tm_node *root = tm_read_text_tree(a, "fuzz.serverless.yml", TM_SYNTAX_YAML, text, size, NULL, d);
    tm_node *tree = root ? tm_import_serverless(a, root, "fuzz.serverless.yml", d) : NULL;
    if (root && !tree) {
        if (tm_diags_errors(d) == 0)
            *why = "no model and no error";
        for (size_t i = 0; i < tm_diags_count(d); i++) {
            const tm_diag *g = tm_diags_get(d, i);
            if (g->severity == TM_DIAG_ERROR && (!g->file || g->line == 0))
                *why = "an error without a place";
        }
    }
    if (tree) {
        if (tm_diags_errors(d) != 0)
            *why = "a model and an error";
        tm_model *m = tm_model_build(tree, "fuzz.serverless.yml", NULL, d);
        if (!m) {
            *why = "the imported tree does not build";
        } else {
            tm_buf b;
            tm_buf_init(&b, 0);
            if (tm_model_export(m, "yaml", &b, d) != 0)
                *why = "the imported model does not export";
            else
                yaml = tm_buf_detach(&b);
            tm_buf_free(&b);
            tm_model_free(m);
        }
    }
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags_format(d, &out);
    tm_buf_free(&out);
    tm_diags_free(d);
    tm_arena_free(a);
    return yaml;
}

static const char *fuzz_import_sls_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *why = NULL;
    char *first = fuzz_import_sls_run(text, size, &why);
    if (!why && first) {
        char *again = fuzz_import_sls_run(text, size, &why);
        if (!why && (!again || strcmp(first, again) != 0))
            why = "two imports of the same input differ";
        free(again);
    }
    free(first);
    free(text);
    return why;
}

#endif
