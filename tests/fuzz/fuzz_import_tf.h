/*
 * What the Terraform importer's fuzz target checks for one input, shared
 * with its unit test (tests/unit/test_import_tf.c), which replays the saved
 * seeds (tests/fuzz/corpus/import_tf/) and mutations of them in every
 * `make check`:
 *   - no crash, no sanitizer report, no leak (arena + diags freed);
 *   - no model comes with an error, a model with none, and every error
 *     names the file and a 1-based line and column;
 *   - a model the importer returns always builds (tm_model_build without
 *     errors) and exports to YAML;
 *   - importing the same input again gives the same bytes.
 */
#ifndef STRIDEC_FUZZ_IMPORT_TF_H
#define STRIDEC_FUZZ_IMPORT_TF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/import.h"
#include "stridec/model.h"

/* Import `root` and export the built model as YAML into *out (malloc'd).
 * NULL when all is well, else what is wrong. */
static const char *fuzz_import_tf_export(const tm_node *root, char **out, int *imported)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const char *why = NULL;
    *out = NULL;
    tm_node *tree = tm_import_terraform(a, root, "fuzz.json", d);
    *imported = tree != NULL;
    if (!tree && tm_diags_errors(d) == 0)
        why = "no model and no error";
    else if (tree && tm_diags_errors(d) != 0)
        why = "a model and an error";
    for (size_t i = 0; !why && i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (!g->file || g->line < 1 || g->col < 1 || !g->message)
            why = "a diagnostic without a place";
    }
    if (!why && tree) {
        tm_diags *bd = tm_diags_new();
        tm_model *m = tm_model_build(tree, "fuzz.json", NULL, bd);
        if (!m || tm_diags_errors(bd) != 0) {
            why = "the imported tree does not build as a model";
        } else {
            tm_buf b;
            tm_buf_init(&b, 0);
            if (tm_model_export(m, "yaml", &b, bd) != 0)
                why = "the imported model does not export";
            else
                *out = tm_buf_detach(&b);
            tm_buf_free(&b);
        }
        tm_model_free(m);
        tm_diags_free(bd);
    }
    tm_buf fmt;
    tm_buf_init(&fmt, 0);
    tm_diags_format(d, &fmt);
    tm_buf_free(&fmt);
    tm_diags_free(d);
    tm_arena_free(a);
    return why;
}

static const char *fuzz_import_tf_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const char *why = NULL;
    tm_node *root = tm_read_text_tree(a, "fuzz.json", TM_SYNTAX_JSON, text, size, NULL, d);
    if (!root) {
        if (tm_diags_errors(d) == 0)
            why = "no tree and no error";
    } else {
        char *first = NULL, *second = NULL;
        int ok1 = 0, ok2 = 0;
        why = fuzz_import_tf_export(root, &first, &ok1);
        if (!why)
            why = fuzz_import_tf_export(root, &second, &ok2);
        if (!why && (ok1 != ok2 || (first && second && strcmp(first, second) != 0)))
            why = "importing the same input twice gives different models";
        free(first);
        free(second);
    }
    tm_diags_free(d);
    tm_arena_free(a);
    free(text);
    return why;
}

#endif
