/* Checks of the attack-path knowledge fuzz target (fuzz_paths.c), shared
 * with the corpus replay in the unit suite (tests/unit/test_paths.c).
 *
 * The input is read as share/stridec/paths/search.yaml (with the built-in
 * techniques) and as techniques.yaml (with the built-in search file).
 * Properties: no crash or leak; knowledge comes back exactly when no error
 * was added, and every error names a file and a line; loaded knowledge is
 * complete (every technique has an id, actions in SERVICE:Action form, a cut
 * and a reference; every entry a condition and its texts; the flow and
 * element conditions and the finding's texts are there). */
#ifndef STRIDEC_FUZZ_PATHS_CHECK_H
#define STRIDEC_FUZZ_PATHS_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/paths.h"
#include "stridec/embedded.h"

static const tm_embedded_file *fuzz_paths_builtin(const char *name)
{
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static const char *fuzz_paths_complete(const tm_paths_knowledge *k)
{
    for (size_t i = 0; i < k->n_techniques; i++) {
        const tm_technique *t = &k->techniques[i];
        if (!t->id || !t->name || !t->cut || !t->reference || !t->n_actions)
            return "a technique without id, name, cut, reference or actions";
        for (size_t a = 0; a < t->n_actions; a++)
            if (!t->actions[a].action || !strchr(t->actions[a].action, ':'))
                return "an action not in SERVICE:Action form";
        if (t->yields == TM_TECH_PASSED_ROLE && !t->service)
            return "a passed-role technique without a service";
    }
    for (size_t i = 0; i < k->n_entries; i++)
        if (!k->entries[i].id || !k->entries[i].cond.when || !k->entries[i].cond.says ||
            !k->entries[i].cond.cut)
            return "an entry without id, condition or texts";
    if (!k->open.when || !k->validates.when || !k->validates_any.when || !k->key_read ||
        !k->key_read_action)
        return "knowledge without its conditions";
    if (!k->finding.id || !k->finding.title || !k->finding.mitigation || !k->finding.stride)
        return "knowledge without its finding";
    return NULL;
}

static const char *fuzz_paths_one_way(const char *text, size_t len, int as_search)
{
    const tm_embedded_file *s = fuzz_paths_builtin("share/stridec/paths/search.yaml");
    const tm_embedded_file *t = fuzz_paths_builtin("share/stridec/paths/techniques.yaml");
    if (!s || !t)
        return "the built-in knowledge is missing";
    tm_diags *d = tm_diags_new();
    tm_paths_knowledge *k =
        as_search ? tm_paths_knowledge_from_text("fuzz.yaml", text, len, "techniques.yaml",
                                                 (const char *)t->data, t->len, d)
                  : tm_paths_knowledge_from_text("search.yaml", (const char *)s->data, s->len,
                                                 "fuzz.yaml", text, len, d);
    const char *why = NULL;
    if (k && tm_diags_errors(d))
        why = "knowledge and an error";
    if (!k && !tm_diags_errors(d))
        why = "no knowledge and no error";
    for (size_t i = 0; !why && i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (g->severity == TM_DIAG_ERROR && (!g->file || g->line == 0))
            why = "an error without a file and line";
    }
    if (!why && k)
        why = fuzz_paths_complete(k);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_diags_format(d, &b);
    tm_buf_free(&b);
    tm_paths_knowledge_free(k);
    tm_diags_free(d);
    return why;
}

static const char *fuzz_paths_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *why = fuzz_paths_one_way(text, size, 1);
    if (!why)
        why = fuzz_paths_one_way(text, size, 0);
    free(text);
    return why;
}

#endif
