/*
 * The STRIDE engine: from a validated model, derive the structure the rules
 * need (crossings, entry points, IAM facts), run every rule over every
 * subject it applies to, score and order the threats, apply the model's
 * review decisions, and count.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/expr.h"
#include "engine/paths.h"

/* ------------------------------------------------------------ structure */

/* The chain of boundaries from b up to the top, outermost first. */
static size_t S_chain(const tm_boundary *b, const tm_boundary **out, size_t cap)
{
    size_t n = 0;
    for (const tm_boundary *p = b; p && n < cap; p = p->parent)
        n++;
    size_t i = n;
    for (const tm_boundary *p = b; p && i > 0; p = p->parent)
        out[--i] = p;
    return n;
}

static int S_chain_has(const tm_boundary *const *chain, size_t n, const tm_boundary *b)
{
    for (size_t i = 0; i < n; i++)
        if (chain[i] == b)
            return 1;
    return 0;
}

#define CHAIN_MAX 256 /* deeper boundary nesting is cut (a model has far fewer levels) */

static void S_flow_crossings(tm_analysis *a, tm_flow_info *fi)
{
    const tm_boundary *from[CHAIN_MAX], *to[CHAIN_MAX];
    size_t nf = S_chain(fi->flow->from->boundary, from, CHAIN_MAX);
    size_t nt = S_chain(fi->flow->to->boundary, to, CHAIN_MAX);
    tm_vec v = {0};
    /* A boundary is crossed when it contains exactly one end: the source's
     * boundaries the target is not in (leaving, innermost last), then the
     * target's the source is not in (entering), each outermost first. */
    for (size_t i = 0; i < nf; i++)
        if (!S_chain_has(to, nt, from[i]))
            tm_vec_push(&v, (void *)from[i]);
    for (size_t i = 0; i < nt; i++)
        if (!S_chain_has(from, nf, to[i]))
            tm_vec_push(&v, (void *)to[i]);
    fi->crosses = (const tm_boundary **)tm_vec_finish(&v, a->arena, &fi->n_crosses);
}

static int S_element_index_cmp(const void *x, const void *y)
{
    const tm_element *a = *(const tm_element *const *)x, *b = *(const tm_element *const *)y;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void S_structure(tm_analysis *a)
{
    const tm_model *m = a->model;
    tm_arena *ar = a->arena;

    /* Flows: number, crossings, classification. */
    for (size_t i = 0; i < m->n_flows; i++) {
        tm_flow_info *fi = &a->flows[i];
        fi->flow = m->flows[i];
        fi->number = (unsigned)(i + 1);
        fi->max_class = tm_data_max_class(fi->flow->data, fi->flow->n_data);
        S_flow_crossings(a, fi);
    }

    /* Elements: catalogue type, flows in and out, highest classification. */
    for (size_t e = 0; e < m->n_elements; e++) {
        tm_element_info *ei = &a->elements[e];
        const tm_element *el = m->elements[e];
        ei->el = el;
        ei->type = a->catalog ? tm_catalog_find(a->catalog, el->type) : NULL;
        ei->max_class = tm_data_max_class(el->data, el->n_data);
    }
    {
        size_t *nin = calloc(m->n_elements + 1, sizeof *nin);
        size_t *nout = calloc(m->n_elements + 1, sizeof *nout);
        if (!nin || !nout)
            abort();
        for (size_t i = 0; i < m->n_flows; i++) {
            nin[m->flows[i]->to->index]++;
            nout[m->flows[i]->from->index]++;
        }
        for (size_t e = 0; e < m->n_elements; e++) {
            a->elements[e].in = tm_arena_array(ar, nin[e] + 1, sizeof(tm_flow *));
            a->elements[e].out = tm_arena_array(ar, nout[e] + 1, sizeof(tm_flow *));
        }
        free(nin);
        free(nout);
        for (size_t i = 0; i < m->n_flows; i++) {
            const tm_flow *f = m->flows[i];
            tm_element_info *to = &a->elements[f->to->index];
            tm_element_info *from = &a->elements[f->from->index];
            to->in[to->n_in++] = f;
            from->out[from->n_out++] = f;
            /* What an element receives counts as what it processes. */
            if (a->flows[i].max_class > to->max_class)
                to->max_class = a->flows[i].max_class;
        }
    }

    /* Boundaries: children, members (nested included), crossings. One pass
     * over boundaries, elements and flows, each walking its chain of
     * enclosing boundaries (the builder rejects parent cycles), so a large
     * model costs O(size x nesting) rather than O(boundaries x flows). */
    size_t nb = m->n_boundaries;
    tm_vec *kids = calloc(nb + 1, sizeof *kids), *members = calloc(nb + 1, sizeof *members);
    tm_vec *in = calloc(nb + 1, sizeof *in), *out = calloc(nb + 1, sizeof *out);
    tm_vec *entries = calloc(nb + 1, sizeof *entries);
    size_t *in_to = calloc(nb + 1, sizeof *in_to), *in_from = calloc(nb + 1, sizeof *in_from);
    if (!kids || !members || !in || !out || !entries || !in_to || !in_from)
        abort();
    tm_vec top = {0};
    for (size_t b = 0; b < nb; b++) {
        const tm_boundary *bd = m->boundaries[b];
        a->boundaries[b].b = bd;
        if (!bd->parent)
            tm_vec_push(&top, (void *)bd);
        else
            tm_vec_push(&kids[bd->parent->index], (void *)bd);
    }
    for (size_t e = 0; e < m->n_elements; e++)
        for (const tm_boundary *p = m->elements[e]->boundary; p; p = p->parent)
            tm_vec_push(&members[p->index], (void *)m->elements[e]);
    /* A flow leaves every boundary around its source that is not around its
     * target, and enters every one around the target not around the source. */
    for (size_t i = 0; i < m->n_flows; i++) {
        const tm_flow *f = m->flows[i];
        size_t mark = i + 1;
        for (const tm_boundary *p = f->to->boundary; p; p = p->parent)
            in_to[p->index] = mark;
        for (const tm_boundary *p = f->from->boundary; p; p = p->parent)
            in_from[p->index] = mark;
        for (const tm_boundary *p = f->from->boundary; p; p = p->parent)
            if (in_to[p->index] != mark)
                tm_vec_push(&out[p->index], (void *)f);
        for (const tm_boundary *p = f->to->boundary; p; p = p->parent)
            if (in_from[p->index] != mark) {
                tm_vec_push(&in[p->index], (void *)f);
                tm_vec_push(&entries[p->index], (void *)f->to);
            }
    }
    for (size_t b = 0; b < nb; b++) {
        tm_boundary_info *bi = &a->boundaries[b];
        bi->children = (const tm_boundary **)tm_vec_finish(&kids[b], ar, &bi->n_children);
        bi->members = (const tm_element **)tm_vec_finish(&members[b], ar, &bi->n_members);
        bi->inbound = (const tm_flow **)tm_vec_finish(&in[b], ar, &bi->n_inbound);
        bi->outbound = (const tm_flow **)tm_vec_finish(&out[b], ar, &bi->n_outbound);
        /* Entry points: the targets of inbound flows, once each, in model order. */
        tm_vec *en = &entries[b];
        if (en->len > 1)
            qsort(en->items, en->len, sizeof *en->items, S_element_index_cmp);
        size_t w = 0;
        for (size_t k = 0; k < en->len; k++)
            if (w == 0 || en->items[w - 1] != en->items[k])
                en->items[w++] = en->items[k];
        en->len = w;
        bi->entry_points = (const tm_element **)tm_vec_finish(en, ar, &bi->n_entry_points);
    }
    a->top_boundaries = (const tm_boundary **)tm_vec_finish(&top, ar, &a->n_top_boundaries);
    free(kids);
    free(members);
    free(in);
    free(out);
    free(entries);
    free(in_to);
    free(in_from);
}

/* Implicit entry points: the management plane of every managed service
 * (console, CLI, SDK, other services' APIs) is an entry point whether the
 * system uses it or not ("everything is public until proven otherwise").
 * An entry point is ruled out only when the model says so, by listing it
 * (or a glob) in the element's `ruled_out_entry_points` prop. */
static int S_ruled_out(const tm_element *el, const char *entry)
{
    const tm_node *list = tm_prop(el->props, "ruled_out_entry_points");
    if (!list || list->kind != TM_NODE_LIST)
        return 0;
    for (size_t i = 0; i < list->n; i++) {
        const tm_node *it = list->items[i];
        if (it->kind == TM_NODE_SCALAR && tm_glob_match(it->text, entry))
            return 1;
    }
    return 0;
}

static void S_entry_points(tm_analysis *a)
{
    const tm_model *m = a->model;
    for (size_t e = 0; e < m->n_elements; e++) {
        tm_element_info *ei = &a->elements[e];
        if (!ei->type)
            continue;
        tm_vec v = {0};
        for (size_t k = 0; k < ei->type->n_entry_points; k++)
            if (!S_ruled_out(ei->el, ei->type->entry_points[k]))
                tm_vec_push(&v, (void *)ei->type->entry_points[k]);
        ei->entry_points = (const char **)tm_vec_finish(&v, a->arena, &ei->n_entry_points);
    }
}

/* -------------------------------------------------------------- threats */

static int S_in_scope_flow(const tm_flow *f)
{
    return !(f->from->out_of_scope && f->to->out_of_scope);
}

static tm_class S_boundary_class(const tm_analysis *a, const tm_boundary_info *bi)
{
    tm_class c = TM_CLASS_NONE;
    for (size_t i = 0; i < bi->n_inbound; i++) {
        tm_class fc = a->flows[bi->inbound[i]->index].max_class;
        if (fc > c)
            c = fc;
    }
    for (size_t i = 0; i < bi->n_outbound; i++) {
        tm_class fc = a->flows[bi->outbound[i]->index].max_class;
        if (fc > c)
            c = fc;
    }
    return c;
}

static tm_class S_identity_class(const tm_analysis *a, const tm_identity_info *ii)
{
    tm_class c = TM_CLASS_NONE;
    for (size_t u = 0; u < ii->n_users; u++) {
        tm_class uc = a->elements[ii->users[u]->index].max_class;
        if (uc > c)
            c = uc;
    }
    return c;
}

typedef struct {
    tm_analysis *a;
    tm_vec threats;
    /* The current rule's texts, compiled on its first threat. */
    const tm_rule *compiled_for;
    const tm_expr_template *title, *description, *mitigation;
} run_state;

static void S_add_threat(run_state *rs, const tm_rule *r, const tm_eval_ctx *ctx,
                         tm_target_type tt, const char *target_id, const void *target,
                         tm_loc loc, tm_class cls)
{
    tm_analysis *a = rs->a;
    tm_threat *t = tm_arena_alloc(a->arena, sizeof *t);
    t->rule = r;
    t->id = tm_arena_printf(a->arena, "%s@%s", r->id, target_id);
    if (rs->compiled_for != r) {
        rs->compiled_for = r;
        rs->title = tm_expr_template_compile(a->arena, r->title, r->applies_to);
        rs->description = tm_expr_template_compile(a->arena, r->description, r->applies_to);
        rs->mitigation = tm_expr_template_compile(a->arena, r->mitigation, r->applies_to);
    }
    t->title = tm_expr_template_expand(a->arena, rs->title, ctx);
    t->description = tm_expr_template_expand(a->arena, rs->description, ctx);
    t->mitigation = tm_expr_template_expand(a->arena, rs->mitigation, ctx);
    t->stride = r->stride;
    t->likelihood = r->likelihood;
    t->impact = r->impact;
    t->severity = tm_score(r->likelihood, r->impact, cls);
    t->target_type = tt;
    t->target_id = target_id;
    t->target = target;
    t->status = TM_STATUS_OPEN;
    t->references = r->references;
    t->n_references = r->n_references;
    t->loc = loc;
    /* Engine passes attach what they found (secrets, advisories). */
    tm_threat_annotate(a, t);
    tm_vec_push(&rs->threats, t);
}

/* A rule without a condition is a native rule (engine.h): decided in C. */
static int S_holds(const tm_rule *r, const tm_eval_ctx *ctx)
{
    return r->when ? tm_expr_eval(r->when, ctx) : tm_native_rule_holds(r, ctx);
}

/* 1 when the element's type is one the guard admits (always without a
 * guard). Exactly the condition's own `S.type == ...` test, done first. */
static int S_guard_admits(const tm_expr_guard *g, const tm_element *el)
{
    if (g->subject == TM_GUARD_NONE)
        return 1;
    if (!el || !el->type)
        return 0;
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(el->type, g->types[i]) == 0)
            return 1;
    return 0;
}

static void S_run_rule(run_state *rs, const tm_rule *r)
{
    tm_analysis *a = rs->a;
    const tm_model *m = a->model;
    tm_eval_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.a = a;
    /* Most rules start with `element.type == "..."`: test that first,
     * without entering the evaluator, for every element it rules out. */
    tm_expr_guard g;
    tm_expr_type_guard(r->when, a->arena, &g);
    switch (r->applies_to) {
    case TM_APPLIES_ELEMENT:
        for (size_t e = 0; e < m->n_elements; e++) {
            const tm_element *el = m->elements[e];
            if (el->out_of_scope && !r->include_out_of_scope)
                continue;
            if (g.subject == TM_GUARD_ELEMENT && !S_guard_admits(&g, el))
                continue;
            ctx.element = el;
            if (S_holds(r, &ctx))
                S_add_threat(rs, r, &ctx, TM_TARGET_ELEMENT, el->id, el, el->loc,
                             a->elements[e].max_class);
        }
        break;
    case TM_APPLIES_FLOW:
        for (size_t i = 0; i < m->n_flows; i++) {
            const tm_flow *f = m->flows[i];
            if (!S_in_scope_flow(f) && !r->include_out_of_scope)
                continue;
            if ((g.subject == TM_GUARD_SOURCE && !S_guard_admits(&g, f->from)) ||
                (g.subject == TM_GUARD_TARGET && !S_guard_admits(&g, f->to)))
                continue;
            ctx.flow = f;
            ctx.source = f->from;
            ctx.target = f->to;
            if (S_holds(r, &ctx))
                S_add_threat(rs, r, &ctx, TM_TARGET_FLOW, f->id, f, f->loc, a->flows[i].max_class);
        }
        break;
    case TM_APPLIES_BOUNDARY:
        for (size_t b = 0; b < m->n_boundaries; b++) {
            ctx.boundary = m->boundaries[b];
            if (S_holds(r, &ctx))
                S_add_threat(rs, r, &ctx, TM_TARGET_BOUNDARY, ctx.boundary->id, ctx.boundary,
                             ctx.boundary->loc, S_boundary_class(a, &a->boundaries[b]));
        }
        break;
    case TM_APPLIES_IDENTITY:
        for (size_t i = 0; i < m->n_identities; i++) {
            ctx.identity = m->identities[i];
            if (S_holds(r, &ctx))
                S_add_threat(rs, r, &ctx, TM_TARGET_IDENTITY, ctx.identity->id, ctx.identity,
                             ctx.identity->loc, S_identity_class(a, &a->identities[i]));
        }
        break;
    case TM_APPLIES_ARTIFACT:
        for (size_t i = 0; i < m->n_artifacts; i++) {
            ctx.artifact = m->artifacts[i];
            if (S_holds(r, &ctx))
                S_add_threat(rs, r, &ctx, TM_TARGET_ARTIFACT, ctx.artifact->id, ctx.artifact,
                             ctx.artifact->loc, TM_CLASS_NONE);
        }
        break;
    case TM_APPLIES_MODEL:
        if (S_holds(r, &ctx)) {
            tm_loc loc = m->system.loc;
            S_add_threat(rs, r, &ctx, TM_TARGET_MODEL, "model", NULL, loc, TM_CLASS_NONE);
        }
        break;
    }
}

/* Order: by target (model, boundaries, elements, flows, identities,
 * artifacts, each in model order), then by rule id. */
static size_t S_target_index(const tm_threat *t)
{
    switch (t->target_type) {
    case TM_TARGET_BOUNDARY:
        return ((const tm_boundary *)t->target)->index;
    case TM_TARGET_ELEMENT:
        return ((const tm_element *)t->target)->index;
    case TM_TARGET_FLOW:
        return ((const tm_flow *)t->target)->index;
    case TM_TARGET_IDENTITY:
        return ((const tm_identity *)t->target)->index;
    case TM_TARGET_ARTIFACT:
        return ((const tm_artifact *)t->target)->index;
    default:
        return 0;
    }
}

static int S_threat_cmp(const void *pa, const void *pb)
{
    const tm_threat *a = *(const tm_threat *const *)pa;
    const tm_threat *b = *(const tm_threat *const *)pb;
    if (a->target_type != b->target_type)
        return a->target_type < b->target_type ? -1 : 1;
    size_t ia = S_target_index(a), ib = S_target_index(b);
    if (ia != ib)
        return ia < ib ? -1 : 1;
    int r = strcmp(a->rule->id, b->rule->id);
    /* one rule may raise several model-wide threats (ATTACK-PATH@ENTRY~TARGET) */
    return r ? r : strcmp(a->id, b->id);
}

/* ------------------------------------------------------------ decisions */

/* Review decision patterns: '*' matches any run of characters other than '@'. */
static int S_decision_match(const char *p, const char *s)
{
    if (*p == '\0')
        return *s == '\0';
    if (*p == '*') {
        for (const char *q = s;; q++) {
            if (S_decision_match(p + 1, q))
                return 1;
            if (*q == '\0' || *q == '@')
                return 0;
        }
    }
    return *p == *s && S_decision_match(p + 1, s + 1);
}

static int S_has_wildcard(const char *p)
{
    return strchr(p, '*') != NULL;
}

/* An exact decision wins over a wildcard one; among equals, the first in
 * the model. */
static void S_apply_decisions(tm_analysis *a, tm_diags *d)
{
    const tm_model *m = a->model;
    if (!m->n_decisions)
        return;
    char *used = calloc(m->n_decisions, 1);
    if (!used)
        abort();
    for (size_t t = 0; t < a->n_threats; t++) {
        tm_threat *th = a->threats[t];
        const tm_decision *best = NULL;
        size_t best_i = 0;
        for (size_t i = 0; i < m->n_decisions; i++) {
            const tm_decision *dec = m->decisions[i];
            if (!S_decision_match(dec->pattern, th->id))
                continue;
            if (!best || (S_has_wildcard(best->pattern) && !S_has_wildcard(dec->pattern))) {
                best = dec;
                best_i = i;
            }
        }
        if (best) {
            th->status = best->status;
            th->decision = best;
            used[best_i] = 1;
        }
    }
    for (size_t i = 0; i < m->n_decisions; i++) {
        if (used[i]) {
            a->decisions_used++;
            continue;
        }
        const tm_decision *dec = m->decisions[i];
        tm_diag_add(d, TM_DIAG_WARNING, "unmatched-decision", dec->loc.file, dec->loc.line,
                    dec->loc.col, "review decision '%s' matches no threat", dec->pattern);
    }
    free(used);
}

/* ---------------------------------------------------------- attachment */

static void S_attach(tm_analysis *a)
{
    const tm_model *m = a->model;
    tm_arena *ar = a->arena;
    /* Count per target, then fill (threats are already in order). */
    for (size_t t = 0; t < a->n_threats; t++) {
        const tm_threat *th = a->threats[t];
        size_t idx = S_target_index(th);
        switch (th->target_type) {
        case TM_TARGET_ELEMENT:
            a->elements[idx].n_threats++;
            break;
        case TM_TARGET_FLOW:
            a->flows[idx].n_threats++;
            break;
        case TM_TARGET_BOUNDARY:
            a->boundaries[idx].n_threats++;
            break;
        case TM_TARGET_IDENTITY:
            a->identities[idx].n_threats++;
            break;
        case TM_TARGET_ARTIFACT:
            a->artifacts[idx].n_threats++;
            break;
        default:
            break;
        }
    }
#define ALLOC_LISTS(arr, n)                                                                        \
    for (size_t i = 0; i < (n); i++) {                                                             \
        a->arr[i].threats = tm_arena_array(ar, a->arr[i].n_threats + 1, sizeof(tm_threat *));      \
        a->arr[i].n_threats = 0;                                                                   \
    }
    ALLOC_LISTS(elements, m->n_elements)
    ALLOC_LISTS(flows, m->n_flows)
    ALLOC_LISTS(boundaries, m->n_boundaries)
    ALLOC_LISTS(identities, m->n_identities)
    ALLOC_LISTS(artifacts, m->n_artifacts)
#undef ALLOC_LISTS
    for (size_t t = 0; t < a->n_threats; t++) {
        const tm_threat *th = a->threats[t];
        size_t idx = S_target_index(th);
        int open = tm_status_is_open(th->status);
        tm_severity *max = NULL;
        switch (th->target_type) {
        case TM_TARGET_ELEMENT:
            a->elements[idx].threats[a->elements[idx].n_threats++] = th;
            max = &a->elements[idx].max_open;
            break;
        case TM_TARGET_FLOW:
            a->flows[idx].threats[a->flows[idx].n_threats++] = th;
            max = &a->flows[idx].max_open;
            break;
        case TM_TARGET_BOUNDARY:
            a->boundaries[idx].threats[a->boundaries[idx].n_threats++] = th;
            max = &a->boundaries[idx].max_open;
            break;
        case TM_TARGET_IDENTITY:
            a->identities[idx].threats[a->identities[idx].n_threats++] = th;
            break;
        case TM_TARGET_ARTIFACT:
            a->artifacts[idx].threats[a->artifacts[idx].n_threats++] = th;
            break;
        default:
            break;
        }
        if (open && max && th->severity > *max)
            *max = th->severity;
        a->by_severity[th->severity]++;
        a->by_status[th->status]++;
        if (open)
            a->open_by_severity[th->severity]++;
        for (int k = 0; k < 6; k++)
            if (th->stride & (1u << k))
                a->by_stride[k]++;
    }
}

/* ----------------------------------------------------------------- api */

tm_analysis *tm_analyze(const tm_model *m, const tm_catalog *cat, const tm_ruleset *rs,
                        const tm_analyze_opts *opts, tm_diags *d)
{
    tm_analysis *a = tm_xmalloc(sizeof *a);
    memset(a, 0, sizeof *a);
    a->arena = tm_arena_new();
    a->model = m;
    a->catalog = cat;
    a->rules = rs;
    a->elements = tm_arena_array(a->arena, m->n_elements + 1, sizeof *a->elements);
    a->flows = tm_arena_array(a->arena, m->n_flows + 1, sizeof *a->flows);
    a->boundaries = tm_arena_array(a->arena, m->n_boundaries + 1, sizeof *a->boundaries);
    a->identities = tm_arena_array(a->arena, m->n_identities + 1, sizeof *a->identities);
    a->artifacts = tm_arena_array(a->arena, m->n_artifacts + 1, sizeof *a->artifacts);
    for (size_t i = 0; i < m->n_artifacts; i++)
        a->artifacts[i].artifact = m->artifacts[i];

    S_structure(a);
    S_entry_points(a);
    tm_iam_analyze(a);
    tm_secrets_analyze(a);
    tm_libs_analyze(a);
    tm_osv_analyze(a, opts, d);

    run_state st = {a, {0}, NULL, NULL, NULL, NULL};
    if (rs)
        for (size_t i = 0; i < rs->n_rules; i++)
            S_run_rule(&st, rs->rules[i]);
    /* Native rules after the library; a library rule with the same id wins. */
    size_t n_native = 0;
    const tm_rule *native = tm_native_rules(&n_native);
    for (size_t i = 0; i < n_native; i++)
        if (!tm_ruleset_find(rs, native[i].id))
            S_run_rule(&st, &native[i]);
    /* Attack paths, over everything above (identity facts, entry points). */
    tm_paths_analyze(a, &st.threats);
    a->threats = (tm_threat **)tm_vec_finish(&st.threats, a->arena, &a->n_threats);
    if (a->n_threats > 1)
        qsort(a->threats, a->n_threats, sizeof *a->threats, S_threat_cmp);

    S_apply_decisions(a, d);
    S_attach(a);
    return a;
}

void tm_analysis_free(tm_analysis *a)
{
    if (!a)
        return;
    tm_arena_free(a->arena);
    free(a);
}

size_t tm_analysis_threat_count(const tm_analysis *a)
{
    return a->n_threats;
}
