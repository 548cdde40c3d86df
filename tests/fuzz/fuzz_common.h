/*
 * What every reader fuzz target checks for one input, shared with the
 * corpus replay unit test (tests/unit/test_fuzz_replay.c) so that the suite
 * proves the same properties on every saved input:
 *   - no crash, no sanitizer report, no leak (arena + diags freed);
 *   - a NULL tree comes with an error diagnostic, a tree with none;
 *   - every node and key has a file and a 1-based position, every scalar a
 *     NUL-free UTF-8 text of the stated length;
 *   - the tree survives tm_write_yaml -> tm_read_yaml and
 *     tm_write_json -> tm_read_json unchanged (where the format can hold it:
 *     NaN never compares equal, JSON has no infinities);
 *   - the diagnostics format with their source snippets;
 * and all of that twice: in the strict reading models get, and in the
 * reading of deployment files (tm_read_import: merge keys, duplicate keys as
 * warnings), whose trees must read back strictly.
 */
#ifndef STRIDEC_FUZZ_COMMON_H
#define STRIDEC_FUZZ_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"

/* Flags of what a tree holds that a writer cannot carry exactly. */
#define FUZZ_HAS_NAN 1
#define FUZZ_HAS_INF 2

/* NULL when the tree is well formed, else what is wrong. Depth-first with
 * recursion: trees are at most TM_MAX_DEPTH deep. */
static const char *fuzz_check_tree(const tm_node *n, int *flags)
{
    if (!n)
        return "NULL node in tree";
    if (!n->file || n->line < 1 || n->col < 1)
        return "node without a position";
    if (n->kind == TM_NODE_SCALAR) {
        if (!n->text)
            return "scalar without text";
        if (strlen(n->text) != n->len)
            return "scalar text length differs from len (embedded NUL?)";
        if (!tm_utf8_valid(n->text, n->len, NULL))
            return "scalar text is not UTF-8";
        if (n->stype == TM_SCALAR_FLOAT && isnan(n->fval))
            *flags |= FUZZ_HAS_NAN;
        if (n->stype == TM_SCALAR_FLOAT && isinf(n->fval))
            *flags |= FUZZ_HAS_INF;
        return NULL;
    }
    for (size_t i = 0; i < n->n; i++) {
        const tm_node *c = n->kind == TM_NODE_MAP ? n->pairs[i].value : n->items[i];
        if (n->kind == TM_NODE_MAP) {
            const tm_pair *p = &n->pairs[i];
            if (!p->key || p->line < 1 || p->col < 1)
                return "key without text or position";
            if (!tm_utf8_valid(p->key, strlen(p->key), NULL))
                return "key is not UTF-8";
        }
        const char *why = fuzz_check_tree(c, flags);
        if (why)
            return why;
    }
    return NULL;
}

/* Write `n` with one writer and read it back with the matching reader. */
static const char *fuzz_round_trip(const tm_node *n, int yaml)
{
    const char *why = NULL;
    tm_buf b;
    tm_buf_init(&b, 0);
    if ((yaml ? tm_write_yaml(n, &b) : tm_write_json(n, &b, 1)) != 0) {
        tm_buf_free(&b);
        return NULL; /* output limit reached: nothing to compare */
    }
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const char *text = b.data ? b.data : "";
    tm_node *back = yaml ? tm_read_yaml(a, "rt.yaml", text, b.len, NULL, d)
                         : tm_read_json(a, "rt.json", text, b.len, NULL, d);
    if (!back)
        why = yaml ? "written YAML does not read back" : "written JSON does not read back";
    else if (!tm_node_equal(n, back))
        why = yaml ? "YAML round trip changed the tree" : "JSON round trip changed the tree";
    tm_diags_free(d);
    tm_arena_free(a);
    tm_buf_free(&b);
    return why;
}

/* One reading of `text` with `lim`; NULL when every property holds. */
static const char *fuzz_read(tm_syntax syn, const char *text, size_t size,
                             const tm_read_limits *lim)
{
    static const char *const names[] = {"fuzz.yaml", "fuzz.json", "fuzz.xml"};
    const char *why = NULL;
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_text_tree(a, names[syn], syn, text, size, lim, d);
    if (!root) {
        if (tm_diags_errors(d) == 0)
            why = "reader failed without an error diagnostic";
    } else if (tm_diags_errors(d) != 0) {
        why = "reader returned a tree and an error";
    } else {
        int flags = 0;
        why = fuzz_check_tree(root, &flags);
        if (!why && !(flags & FUZZ_HAS_NAN))
            why = fuzz_round_trip(root, 1);
        if (!why && !(flags & (FUZZ_HAS_NAN | FUZZ_HAS_INF)))
            why = fuzz_round_trip(root, 0);
    }
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags_format(d, &out);
    tm_buf_free(&out);
    tm_diags_free(d);
    tm_arena_free(a);
    return why;
}

/* Run one input through the reader for `syn`, strictly and as an importer
 * reads it; NULL when every property holds, else a description of the first
 * one that does not. */
static const char *fuzz_one(tm_syntax syn, const uint8_t *data, size_t size)
{
    /* The readers take NUL-terminated text. */
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *why = fuzz_read(syn, text, size, NULL);
    if (!why)
        why = fuzz_read(syn, text, size, &tm_read_import);
    free(text);
    return why;
}

#endif
