/*
 * What the diff fuzz target checks for one input, shared with its corpus
 * replay in tests/unit/test_diff.c. The input holds two models, OLD and
 * NEW, separated by a line "---8<---" (without one, both are the input);
 * each is read with the syntax its first byte suggests ('{' or '[' JSON,
 * '<' XML, else YAML), built, and analysed with the given catalogue and
 * rules. When both are valid:
 *   - a model compared with itself gives no differences;
 *   - diff(OLD, NEW) and diff(NEW, OLD) mirror each other: added and
 *     removed swap, changed counts match, new and gone threats swap;
 *   - threat counts add up: NEW's threats - OLD's = new - gone;
 *   - introduced threats are among the new and changed ones;
 *   - text and JSON output are the same bytes when rendered twice; the text
 *     holds no control character but newlines, ends with one summary line;
 *     the JSON reads back.
 */
#ifndef STRIDEC_FUZZ_DIFF_CHECK_H
#define STRIDEC_FUZZ_DIFF_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/diff.h"
#include "stridec/render.h"

#define FUZZ_DIFF_SEPARATOR "\n---8<---\n"

static tm_analysis *fuzz_diff_analyse(const char *file, const char *text, size_t len,
                                      const tm_catalog *cat, const tm_ruleset *rs, tm_arena *a,
                                      tm_model **model)
{
    tm_syntax syn = TM_SYNTAX_YAML;
    if (len && (text[0] == '{' || text[0] == '['))
        syn = TM_SYNTAX_JSON;
    else if (len && text[0] == '<')
        syn = TM_SYNTAX_XML;
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_text_tree(a, file, syn, text, len, NULL, d);
    *model = root ? tm_model_build(root, file, NULL, d) : NULL;
    tm_analyze_opts ao;
    memset(&ao, 0, sizeof ao);
    tm_analysis *an = *model ? tm_analyze(*model, cat, rs, &ao, d) : NULL;
    tm_diags_free(d);
    return an;
}

/* Render a diff twice in both formats: NULL when all is well. */
static const char *fuzz_diff_render(const tm_diff *df)
{
    const char *why = NULL;
    tm_diff_render_opts ro = {TM_SEV_HIGH, TM_DIFF_TEXT_ALL, 0};
    tm_buf t1, t2, j1, j2;
    tm_buf_init(&t1, 0);
    tm_buf_init(&t2, 0);
    tm_buf_init(&j1, 0);
    tm_buf_init(&j2, 0);
    if (tm_render_diff_text(df, &ro, &t1) != 0 || tm_render_diff_text(df, &ro, &t2) != 0 ||
        tm_render_diff_json(df, &ro, &j1) != 0 || tm_render_diff_json(df, &ro, &j2) != 0)
        why = "rendering failed";
    else if (t1.len != t2.len || memcmp(t1.data, t2.data, t1.len) != 0)
        why = "text output differs between two runs";
    else if (j1.len != j2.len || memcmp(j1.data, j2.data, j1.len) != 0)
        why = "JSON output differs between two runs";
    else if (!t1.len || t1.data[t1.len - 1] != '\n')
        why = "text output does not end with a newline";
    if (!why) {
        for (size_t i = 0; i < t1.len; i++) {
            unsigned char c = (unsigned char)t1.data[i];
            if ((c < 0x20 && c != '\n') || c == 0x7f) {
                why = "text output holds a control character";
                break;
            }
        }
    }
    if (!why) {
        const char *src = df->old_a->model->source;
        size_t last = t1.len - 1;
        while (last > 0 && t1.data[last - 1] != '\n')
            last--;
        if (strncmp(t1.data + last, src, strlen(src)) != 0)
            why = "the last line is not the summary";
    }
    if (!why) {
        tm_arena *a = tm_arena_new();
        tm_diags *d = tm_diags_new();
        if (!tm_read_json(a, "diff.json", j1.data, j1.len, NULL, d))
            why = "JSON output does not read back";
        tm_diags_free(d);
        tm_arena_free(a);
    }
    tm_buf_free(&t1);
    tm_buf_free(&t2);
    tm_buf_free(&j1);
    tm_buf_free(&j2);
    return why;
}

static const char *fuzz_diff_one(const tm_catalog *cat, const tm_ruleset *rs, const uint8_t *data,
                                 size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *new_text = text;
    size_t old_len = size, new_len = size;
    char *sep = strstr(text, FUZZ_DIFF_SEPARATOR);
    if (sep) {
        *sep = 0;
        old_len = (size_t)(sep - text);
        new_text = sep + strlen(FUZZ_DIFF_SEPARATOR);
        new_len = size - (size_t)(new_text - text);
    }
    /* strstr stops at an embedded NUL: lengths come from the pointers. */
    if (strlen(text) < old_len)
        old_len = strlen(text);

    const char *why = NULL;
    tm_arena *a = tm_arena_new();
    tm_model *om = NULL, *nm = NULL;
    tm_analysis *oa = fuzz_diff_analyse("old.yaml", text, old_len, cat, rs, a, &om);
    tm_analysis *na = fuzz_diff_analyse("new.yaml", new_text, new_len, cat, rs, a, &nm);
    if (oa && na) {
        tm_diff *same = tm_diff_new(oa, oa);
        tm_diff *same2 = tm_diff_new(na, na);
        tm_diff *fwd = tm_diff_new(oa, na);
        tm_diff *back = tm_diff_new(na, oa);
        if (!tm_diff_is_empty(same) || !tm_diff_is_empty(same2))
            why = "a model differs from itself";
        else if (fwd->items_by_op[TM_DIFF_ADDED] != back->items_by_op[TM_DIFF_REMOVED] ||
                 fwd->items_by_op[TM_DIFF_REMOVED] != back->items_by_op[TM_DIFF_ADDED] ||
                 fwd->items_by_op[TM_DIFF_CHANGED] != back->items_by_op[TM_DIFF_CHANGED])
            why = "model changes do not mirror";
        else if (fwd->threats_by_op[TM_DIFF_ADDED] != back->threats_by_op[TM_DIFF_REMOVED] ||
                 fwd->threats_by_op[TM_DIFF_REMOVED] != back->threats_by_op[TM_DIFF_ADDED] ||
                 fwd->threats_by_op[TM_DIFF_CHANGED] != back->threats_by_op[TM_DIFF_CHANGED])
            why = "threat changes do not mirror";
        else if (na->n_threats + fwd->threats_by_op[TM_DIFF_REMOVED] !=
                 oa->n_threats + fwd->threats_by_op[TM_DIFF_ADDED])
            why = "threat counts do not add up";
        else if (tm_diff_introduced(fwd, TM_SEV_LOW) >
                 fwd->threats_by_op[TM_DIFF_ADDED] + fwd->threats_by_op[TM_DIFF_CHANGED])
            why = "more threats introduced than new and changed";
        else if (fwd->n_items + fwd->n_threats !=
                 fwd->items_by_op[0] + fwd->items_by_op[1] + fwd->items_by_op[2] +
                     fwd->threats_by_op[0] + fwd->threats_by_op[1] + fwd->threats_by_op[2])
            why = "the summary does not count every change";
        if (!why)
            why = fuzz_diff_render(fwd);
        if (!why)
            why = fuzz_diff_render(same);
        tm_diff_free(same);
        tm_diff_free(same2);
        tm_diff_free(fwd);
        tm_diff_free(back);
    }
    tm_analysis_free(oa);
    tm_analysis_free(na);
    tm_model_free(om);
    tm_model_free(nm);
    tm_arena_free(a);
    free(text);
    return why;
}

#endif
