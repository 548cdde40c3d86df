/*
 * What the Threat Dragon fuzz target (fuzz_import_td.c) checks for one input,
 * shared with the corpus replay in tests/unit/test_threatdragon.c:
 *   - the bytes are read as JSON and imported: no crash, no sanitizer report,
 *     no leak; no model comes with an error, a model with none; every error
 *     names a file and a line;
 *   - the imported tree always builds (an importer bug must not produce an
 *     invalid model);
 *   - the model is analysed and exported back to Threat Dragon; the export
 *     imports again with the same elements (name, kind, boundary by name),
 *     boundaries (name, parent) and flows (name, ends), in the same order.
 */
#ifndef STRIDEC_FUZZ_IMPORT_TD_H
#define STRIDEC_FUZZ_IMPORT_TD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/model.h"
#include "stridec/analysis.h"
#include "stridec/import.h"
#include "stridec/threatdragon.h"

/* The built-in catalogue and rules, loaded once per process: loading them
 * for every input would make fuzzing a hundred times slower. */
static const tm_catalog *fuzz_td_catalog;
static tm_ruleset *fuzz_td_rules;

static int fuzz_td_engine(void)
{
    if (fuzz_td_catalog)
        return 0;
    tm_diags *d = tm_diags_new();
    tm_catalog *cat = tm_catalog_builtin(d);
    tm_ruleset *rs = tm_ruleset_new();
    int ok = cat && tm_ruleset_add_builtin(rs, d) == 0;
    tm_diags_free(d);
    if (!ok) {
        tm_catalog_free(cat);
        tm_ruleset_free(rs);
        return -1;
    }
    fuzz_td_catalog = cat;
    fuzz_td_rules = rs;
    return 0;
}

static const char *fuzz_td_name(const char *s)
{
    return s ? s : "";
}

/* Same elements, boundaries and flows (by name, kind and placement). */
static const char *fuzz_td_same(const tm_model *a, const tm_model *b)
{
    if (a->n_elements != b->n_elements)
        return "the re-import has another number of elements";
    if (a->n_boundaries != b->n_boundaries)
        return "the re-import has another number of boundaries";
    if (a->n_flows != b->n_flows)
        return "the re-import has another number of flows";
    for (size_t i = 0; i < a->n_elements; i++) {
        const tm_element *x = a->elements[i], *y = b->elements[i];
        if (strcmp(x->name, y->name) != 0 || x->kind != y->kind)
            return "an element changed name or kind";
        if (!x->boundary != !y->boundary ||
            (x->boundary && strcmp(x->boundary->name, y->boundary->name) != 0))
            return "an element moved to another boundary";
    }
    for (size_t i = 0; i < a->n_boundaries; i++) {
        const tm_boundary *x = a->boundaries[i], *y = b->boundaries[i];
        if (strcmp(x->name, y->name) != 0)
            return "a boundary changed name";
        if (!x->parent != !y->parent ||
            (x->parent && strcmp(x->parent->name, y->parent->name) != 0))
            return "a boundary moved to another parent";
    }
    for (size_t i = 0; i < a->n_flows; i++) {
        const tm_flow *x = a->flows[i], *y = b->flows[i];
        if (strcmp(fuzz_td_name(x->name), fuzz_td_name(y->name)) != 0 ||
            strcmp(x->from->name, y->from->name) != 0 || strcmp(x->to->name, y->to->name) != 0)
            return "a flow changed name or ends";
    }
    return NULL;
}

/* Import `text` as a Threat Dragon model; *model set when it builds.
 * NULL when the properties hold, else what broke. */
static const char *fuzz_td_import(const char *file, const char *text, size_t len, tm_arena *a,
                                  tm_diags *d, tm_model **model)
{
    *model = NULL;
    tm_node *root = tm_read_text_tree(a, file, TM_SYNTAX_JSON, text, len, NULL, d);
    tm_node *tree = root ? tm_import_threatdragon(a, root, file, d) : NULL;
    if (!tree && tm_diags_errors(d) == 0)
        return "no model and no error";
    if (tree && tm_diags_errors(d) != 0)
        return "a model and an error";
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (!g->file || g->line == 0)
            return "a diagnostic without a place";
    }
    if (!tree)
        return NULL;
    *model = tm_model_build(tree, file, NULL, d);
    if (!*model)
        return "the imported tree does not build";
    return NULL;
}

static const char *fuzz_import_td_one(const uint8_t *data, size_t size)
{
    if (fuzz_td_engine() != 0)
        return "the built-in catalogue or rules do not load";
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *why = NULL;
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_model *m = NULL, *back = NULL;
    tm_analysis *an = NULL;
    tm_buf out;
    tm_buf_init(&out, 0);
    why = fuzz_td_import("fuzz.json", text, size, a, d, &m);
    if (!why && m) {
        an = tm_analyze(m, fuzz_td_catalog, fuzz_td_rules, NULL, d);
        if (!an)
            why = "the imported model does not analyse";
    }
    if (!why && an) {
        tm_render_opts ro;
        memset(&ro, 0, sizeof ro);
        if (tm_render_threatdragon(an, &ro, &out, d) != 0) {
            why = "the export failed";
        } else {
            tm_diags *d2 = tm_diags_new();
            tm_arena *a2 = tm_arena_new();
            why = fuzz_td_import("export.json", out.data, out.len, a2, d2, &back);
            if (!why && !back)
                why = "the export does not import";
            if (!why)
                why = fuzz_td_same(m, back);
            tm_model_free(back);
            tm_arena_free(a2);
            tm_diags_free(d2);
        }
    }
    tm_buf fmt;
    tm_buf_init(&fmt, 0);
    tm_diags_format(d, &fmt);
    tm_buf_free(&fmt);
    tm_buf_free(&out);
    tm_analysis_free(an);
    tm_model_free(m);
    tm_diags_free(d);
    tm_arena_free(a);
    free(text);
    return why;
}

#endif
