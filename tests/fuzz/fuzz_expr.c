/*
 * libFuzzer target for the rule condition language (src/engine/expr.c).
 *
 * The input (up to its first NUL) is parsed for every rule kind, as a
 * condition, as a value and as a title template. Checked beyond "does not
 * crash, does not leak":
 *   - a parse fails exactly when it adds one error diagnostic, and that
 *     diagnostic names the file and a line:col at or after the origin;
 *   - whatever parses as a condition also parses as a value;
 *   - a template check fails exactly when it adds error diagnostics;
 *   - evaluation, rendering and template expansion over a small hand-built
 *     model give the same result twice (they allocate nothing but the
 *     expansion's string, so they cannot depend on memory state).
 *
 * fuzz_expr_one() is also replayed over tests/fuzz/corpus/expr/ by the unit
 * suite (tests/unit/test_expr.c includes this file with FUZZ_EXPR_NO_ENTRY).
 *
 * Seeds: tests/fuzz/corpus/expr/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/expr.h"

/* Inputs are capped so that a run spends its time on parsing, not on
 * evaluating one enormous expression. */
#define FUZZ_EXPR_MAX_INPUT 8192

typedef struct {
    tm_arena *ar;
    tm_model m;
    tm_analysis a;
    tm_type_info ti;
} fuzz_world;

static tm_node *fuzz_map(tm_arena *ar)
{
    return tm_node_new(ar, TM_NODE_MAP, NULL, 0, 0);
}

/* A chain user -> api -> store across two boundaries, one identity with a
 * statement and a condition, one artifact with a secret, props of every
 * scalar type and a list. */
static void fuzz_world_build(fuzz_world *w)
{
    memset(w, 0, sizeof *w);
    tm_arena *ar = w->ar = tm_arena_new();
    tm_model *m = &w->m;
    tm_analysis *a = &w->a;
    w->ti.name = "aws.s3";
    w->ti.label = "Amazon S3";
    w->ti.kind = TM_KIND_STORE;
    w->ti.managed = w->ti.event_source = true;

    static const char *const data_ids[] = {"pii", "pub"};
    m->n_data = 2;
    m->data = tm_arena_array(ar, 2, sizeof *m->data);
    for (size_t i = 0; i < 2; i++) {
        tm_data *d = m->data[i] = tm_arena_alloc(ar, sizeof *d);
        d->id = d->name = data_ids[i];
        d->classification = i ? TM_CLASS_PUBLIC : TM_CLASS_CONFIDENTIAL;
        d->index = i;
    }

    m->n_boundaries = 2;
    m->boundaries = tm_arena_array(ar, 2, sizeof *m->boundaries);
    for (size_t i = 0; i < 2; i++) {
        tm_boundary *b = m->boundaries[i] = tm_arena_alloc(ar, sizeof *b);
        b->id = b->name = i ? "vpc" : "aws";
        b->type = i ? "vpc" : "cloud-account";
        b->parent = i ? m->boundaries[0] : NULL;
        b->depth = (unsigned)i;
        b->index = i;
    }

    tm_identity *role = tm_arena_alloc(ar, sizeof *role);
    role->id = role->name = "role";
    role->type = "aws.iam.role";
    role->n_statements = 1;
    role->statements = tm_arena_array(ar, 1, sizeof *role->statements);
    tm_statement *st = &role->statements[0];
    static const char *actions[] = {"s3:*", "iam:PassRole"};
    static const char *resources[] = {"*"};
    static const char *values[] = {"123456789012"};
    st->allow = true;
    st->sid = "S1";
    st->actions = actions;
    st->n_actions = 2;
    st->resources = resources;
    st->n_resources = 1;
    st->n_conditions = 1;
    st->conditions = tm_arena_array(ar, 1, sizeof *st->conditions);
    st->conditions[0].test = "StringEquals";
    st->conditions[0].variable = "aws:SourceAccount";
    st->conditions[0].values = values;
    st->conditions[0].n_values = 1;
    m->n_identities = 1;
    m->identities = tm_arena_array(ar, 1, sizeof *m->identities);
    m->identities[0] = role;

    static const char *const el_ids[] = {"user", "api", "store"};
    static const char *const el_types[] = {"user", "aws.lambda", "aws.s3"};
    static const char *libs[] = {"left-pad@1.0.0"};
    m->n_elements = 3;
    m->elements = tm_arena_array(ar, 3, sizeof *m->elements);
    for (size_t i = 0; i < 3; i++) {
        tm_element *e = m->elements[i] = tm_arena_alloc(ar, sizeof *e);
        e->id = e->name = el_ids[i];
        e->type = el_types[i];
        e->kind = (tm_kind)i;
        e->type_known = i > 0;
        e->boundary = i ? m->boundaries[i - 1] : NULL;
        e->identity = i == 1 ? role : NULL;
        e->origin = (tm_origin)i;
        e->data = i ? m->data : NULL;
        e->n_data = i;
        e->libraries = i == 1 ? libs : NULL;
        e->n_libraries = i == 1;
        e->out_of_scope = i == 0;
        tm_node *p = fuzz_map(ar);
        tm_node_map_put(ar, p, "public_read", 0, 0, tm_node_bool(ar, (int)i == 2));
        tm_node_map_put(ar, p, "timeout", 0, 0, tm_node_int(ar, 30 * (long long)i));
        tm_node_map_put(ar, p, "encryption", 0, 0, tm_node_string(ar, "none"));
        tm_node *list = tm_node_new(ar, TM_NODE_LIST, NULL, 0, 0);
        tm_node_list_push(ar, list, tm_node_string(ar, "*"));
        tm_node_list_push(ar, list, tm_node_int(ar, 7));
        tm_node_map_put(ar, p, "list", 0, 0, list);
        tm_node *inner = fuzz_map(ar);
        tm_node_map_put(ar, inner, "deep", 0, 0, tm_node_bool(ar, 1));
        tm_node_map_put(ar, p, "nested", 0, 0, inner);
        e->props = p;
        e->index = i;
    }

    m->n_flows = 2;
    m->flows = tm_arena_array(ar, 2, sizeof *m->flows);
    for (size_t i = 0; i < 2; i++) {
        tm_flow *f = m->flows[i] = tm_arena_alloc(ar, sizeof *f);
        f->id = i ? "api--store" : "user--api";
        f->from = m->elements[i];
        f->to = m->elements[i + 1];
        f->protocol = i ? "aws-api" : "https";
        f->port = i ? 0 : 443;
        f->data = m->data;
        f->n_data = 2 - i;
        f->authenticated = (tm_tri)i;
        f->encrypted = (tm_tri)(i + 1);
        f->authorization = (tm_authz)i;
        f->trigger = i == 1;
        f->props = fuzz_map(ar);
        f->index = i;
    }

    static const char *defines[] = {"api"};
    tm_artifact *art = tm_arena_alloc(ar, sizeof *art);
    art->id = art->name = "ci";
    art->type_name = "ci-config";
    art->path = "ci.yml";
    art->defines = defines;
    art->n_defines = 1;
    art->props = fuzz_map(ar);
    m->n_artifacts = 1;
    m->artifacts = tm_arena_array(ar, 1, sizeof *m->artifacts);
    m->artifacts[0] = art;
    m->system.name = "fuzz";

    a->arena = ar;
    a->model = m;
    a->elements = tm_arena_array(ar, 3, sizeof *a->elements);
    for (size_t i = 0; i < 3; i++) {
        a->elements[i].el = m->elements[i];
        a->elements[i].type = i == 2 ? &w->ti : NULL;
        a->elements[i].max_class = i ? TM_CLASS_CONFIDENTIAL : TM_CLASS_NONE;
    }
    a->elements[0].out = (const tm_flow **)m->flows;
    a->elements[0].n_out = 1;
    a->elements[1].in = (const tm_flow **)m->flows;
    a->elements[1].n_in = 1;
    a->elements[1].out = (const tm_flow **)m->flows + 1;
    a->elements[1].n_out = 1;
    a->elements[2].in = (const tm_flow **)m->flows + 1;
    a->elements[2].n_in = 1;
    a->flows = tm_arena_array(ar, 2, sizeof *a->flows);
    for (size_t i = 0; i < 2; i++) {
        a->flows[i].flow = m->flows[i];
        a->flows[i].number = (unsigned)i + 1;
    }
    a->flows[0].crosses = (const tm_boundary **)m->boundaries;
    a->flows[0].n_crosses = 1;
    a->boundaries = tm_arena_array(ar, 2, sizeof *a->boundaries);
    for (size_t i = 0; i < 2; i++)
        a->boundaries[i].b = m->boundaries[i];
    a->boundaries[0].inbound = (const tm_flow **)m->flows;
    a->boundaries[0].n_inbound = 1;
    a->boundaries[0].members = (const tm_element **)m->elements + 1;
    a->boundaries[0].n_members = 2;
    a->boundaries[0].children = (const tm_boundary **)m->boundaries + 1;
    a->boundaries[0].n_children = 1;
    a->identities = tm_arena_array(ar, 1, sizeof *a->identities);
    a->identities[0].identity = role;
    a->identities[0].users = (const tm_element **)m->elements + 1;
    a->identities[0].n_users = 1;
    a->identities[0].wildcard_action = true;
    a->artifacts = tm_arena_array(ar, 1, sizeof *a->artifacts);
    a->artifacts[0].artifact = art;
    a->artifacts[0].scanned = true;
}

/* Every subject context a rule of `kind` is evaluated in: one per target. */
static size_t fuzz_contexts(const fuzz_world *w, tm_applies kind, tm_eval_ctx *out, size_t cap)
{
    const tm_model *m = &w->m;
    size_t n = 0;
    size_t count = kind == TM_APPLIES_ELEMENT    ? m->n_elements
                   : kind == TM_APPLIES_FLOW     ? m->n_flows
                   : kind == TM_APPLIES_BOUNDARY ? m->n_boundaries
                   : kind == TM_APPLIES_IDENTITY ? m->n_identities
                   : kind == TM_APPLIES_ARTIFACT ? m->n_artifacts
                                                 : 1;
    for (size_t i = 0; i < count && n < cap; i++, n++) {
        tm_eval_ctx *c = &out[n];
        memset(c, 0, sizeof *c);
        c->a = &w->a;
        switch (kind) {
        case TM_APPLIES_ELEMENT: c->element = m->elements[i]; break;
        case TM_APPLIES_FLOW:
            c->flow = m->flows[i];
            c->source = c->flow->from;
            c->target = c->flow->to;
            break;
        case TM_APPLIES_BOUNDARY: c->boundary = m->boundaries[i]; break;
        case TM_APPLIES_IDENTITY: c->identity = m->identities[i]; break;
        case TM_APPLIES_ARTIFACT: c->artifact = m->artifacts[i]; break;
        case TM_APPLIES_MODEL: break;
        }
    }
    return n;
}

static const char *fuzz_check_diags(const tm_diags *d, size_t from, const tm_expr_origin *o)
{
    for (size_t i = from; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (g->severity != TM_DIAG_ERROR)
            return "a diagnostic that is not an error";
        if (!g->file || strcmp(g->file, o->file) != 0)
            return "a diagnostic without the rule file";
        if (g->line < o->line || g->col < 1 || (g->line == o->line && g->col < o->col))
            return "a diagnostic placed before the text";
        if (!g->message || !*g->message)
            return "a diagnostic without a message";
    }
    return NULL;
}

/* NULL when every property holds for this input, else the first broken one. */
static const char *fuzz_expr_one(const uint8_t *data, size_t size)
{
    if (size > FUZZ_EXPR_MAX_INPUT)
        return NULL;
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';

    const char *why = NULL;
    fuzz_world w;
    fuzz_world_build(&w);
    const tm_expr_origin origin = {"fuzz.rules", 3, 9, 6};
    tm_diags *d = tm_diags_new();
    tm_buf r1, r2;
    tm_buf_init(&r1, 1u << 20);
    tm_buf_init(&r2, 1u << 20);

    for (int k = TM_APPLIES_ELEMENT; k <= TM_APPLIES_MODEL && !why; k++) {
        tm_applies kind = (tm_applies)k;
        tm_eval_ctx ctx[4];
        size_t n_ctx = fuzz_contexts(&w, kind, ctx, 4);

        size_t before = tm_diags_count(d);
        tm_expr *cond = tm_expr_parse(w.ar, text, kind, &origin, d);
        size_t added = tm_diags_count(d) - before;
        if ((cond != NULL) != (added == 0) || added > 1) {
            why = "condition: result and diagnostics disagree";
            break;
        }
        if ((why = fuzz_check_diags(d, before, &origin)) != NULL)
            break;

        before = tm_diags_count(d);
        tm_expr *val = tm_expr_parse_value(w.ar, text, kind, &origin, d);
        added = tm_diags_count(d) - before;
        if ((val != NULL) != (added == 0) || added > 1) {
            why = "value: result and diagnostics disagree";
            break;
        }
        if (cond && !val) {
            why = "a condition that is not a value";
            break;
        }
        if ((why = fuzz_check_diags(d, before, &origin)) != NULL)
            break;

        for (size_t i = 0; i < n_ctx; i++) {
            if (cond && tm_expr_eval(cond, &ctx[i]) != tm_expr_eval(cond, &ctx[i])) {
                why = "evaluation is not deterministic";
                break;
            }
            if (val) {
                tm_buf_reset(&r1);
                tm_buf_reset(&r2);
                tm_expr_render(val, &ctx[i], &r1);
                tm_expr_render(val, &ctx[i], &r2);
                if (r1.len != r2.len || (r1.len && memcmp(r1.data, r2.data, r1.len) != 0)) {
                    why = "rendering is not deterministic";
                    break;
                }
            }
        }

        before = tm_diags_count(d);
        int rc = tm_expr_check_template(w.ar, text, kind, &origin, d);
        added = tm_diags_count(d) - before;
        if (!why && (rc == 0) != (added == 0))
            why = "template: result and diagnostics disagree";
        if (!why)
            why = fuzz_check_diags(d, before, &origin);
        if (!why && rc == 0) {
            for (size_t i = 0; i < n_ctx && !why; i++) {
                const char *x = tm_expr_expand(w.ar, text, kind, &ctx[i]);
                const char *y = tm_expr_expand(w.ar, text, kind, &ctx[i]);
                if (!x || !y || strcmp(x, y) != 0)
                    why = "expansion is not deterministic";
            }
        }
    }

    tm_buf_reset(&r1);
    tm_diags_format(d, &r1);
    tm_buf_free(&r1);
    tm_buf_free(&r2);
    tm_diags_free(d);
    tm_arena_free(w.ar);
    free(text);
    return why;
}

#ifndef FUZZ_EXPR_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_expr_one(data, size) != NULL)
        abort();
    return 0;
}
#endif
