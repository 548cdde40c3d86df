/*
 * The attack-path search (paths.h, share/stridec/doc/attack-paths.md).
 *
 * The graph's nodes, for every element e and identity i:
 *   TAINT(e)  attacker data reaches e (a relay passes it on, a store holds it)
 *   CTRL(e)   the attacker controls e: an external entity (an entry), or a
 *             process that took attacker data without validating it
 *   ID(i)     the attacker acts as identity i
 *   DATA(e)   the attacker reads, writes or deletes the data of store e (a
 *             target when e holds confidential or restricted data)
 *   ADMIN(i)  the attacker is administrator through i (a target)
 * and its edges: data flows (an external entity's only when `open`), the
 * compromise of a process that does not `validate`, a compromised process
 * running as its identity, the IAM edges of paths_iam.c, and the entry
 * points of search.yaml.
 *
 * From every entry, in order (external entities, public elements, identities
 * anyone may assume, each in model order), a shortest-path search (a bucket
 * queue over step counts: an edge is one step, two for a flow or an entry
 * that compromises a process, none for a process acting as its identity)
 * finds the shortest route to every target. Routes that are the same after
 * their first step are one path, listed under its first entry (`also_from`
 * names the others). Paths are kept shortest first, then by severity, entry
 * and target; the bounds (S_MAX_*) say how far the search goes, and the
 * summary says when one cut it. Everything is in model order: the same model
 * gives the same paths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/paths.h"

#define S_MAX_STEPS 12     /* steps in a path */
#define S_MAX_PATHS 100    /* paths reported */
#define S_MAX_PER_ENTRY 16 /* targets searched from one entry (the nearest) */
#define S_MAX_CANDIDATES 20000
#define S_MAX_WORK 4000000 /* edges relaxed + IAM evaluations */

enum { N_TAINT = 0, N_CTRL, N_ID, N_DATA, N_ADMIN };

typedef enum {
    E_FLOW = 0,         /* over a flow to TAINT(z) */
    E_FLOW_COMPROMISE,  /* over a flow into a process that does not validate: CTRL(z) */
    E_RUNS_AS,          /* CTRL(p) -> ID(p's identity), no step */
    E_FLOW_DATA,        /* a controlled part's flow to (or from) a store: DATA(z) */
    E_ENTRY,            /* an entry point */
    E_ENTRY_COMPROMISE, /* an entry point into a process that does not validate */
    E_IAM,              /* an IAM edge */
    E_IAM_COMPROMISE,   /* an invocation through IAM of a process that does not validate */
    E_IS_ADMIN          /* ID(i) -> ADMIN(i): i is administrator-equivalent */
} S_ekind;

/* S_edge.access: besides TM_PATH_*, the read needs the store's key, which
 * the identity may use (S_KEY) or may use under a condition (S_KEY_COND). */
#define S_KEY (1u << 4)
#define S_KEY_COND (1u << 5)

typedef struct {
    uint32_t to;
    uint8_t kind, cost, access;
    const tm_flow *flow;
    const tm_element *el;
    const tm_entry_rule *entry;
    const tm_iam_edge *iam;
} S_edge;

typedef enum { ENTRY_EXTERNAL = 0, ENTRY_ELEMENT, ENTRY_IDENTITY } S_entry_kind;

typedef struct {
    S_entry_kind kind;
    const tm_element *el;
    const tm_identity *id;
    const tm_entry_rule *rule;
    size_t order;
} S_entry;

typedef struct {
    size_t entry; /* index into the entries */
    uint32_t target;
    S_edge *edges;
    size_t n_edges;
    size_t steps;
    tm_severity severity;
    bool conditional;
    const char *key; /* the route after its first edge */
    tm_vec also;     /* const S_entry* merged into it */
    bool dropped;
} S_cand;

typedef struct {
    tm_analysis *a;
    const tm_model *m;
    const tm_paths_knowledge *k;
    tm_paths_iam *pi;
    size_t nE, nI, N;
    unsigned char *relay;      /* per element */
    signed char *open, *valid; /* per flow: -1 not evaluated */
    signed char *valid_any;    /* per element */
    signed char *key_read;     /* per element */
    /* one search */
    uint32_t *stamp, cur;
    uint8_t *dist;
    uint32_t *pred;
    S_edge *pred_edge;
    tm_vec bucket[S_MAX_STEPS + 1];
    tm_vec targets;
    size_t work;
    bool cut_steps, cut_work, cut_cands, cut_entry;
    tm_vec cands; /* S_cand* */
    tm_arena *car; /* candidates */
} S_ctx;

/* ------------------------------------------------------------- nodes */

static uint32_t S_node(const S_ctx *c, int kind, size_t index)
{
    switch (kind) {
    case N_TAINT:
        return (uint32_t)index;
    case N_CTRL:
        return (uint32_t)(c->nE + index);
    case N_ID:
        return (uint32_t)(2 * c->nE + index);
    case N_DATA:
        return (uint32_t)(2 * c->nE + c->nI + index);
    default:
        return (uint32_t)(3 * c->nE + c->nI + index);
    }
}

static int S_kind_of(const S_ctx *c, uint32_t n, size_t *index)
{
    if (n < c->nE) {
        *index = n;
        return N_TAINT;
    }
    if (n < 2 * c->nE) {
        *index = n - c->nE;
        return N_CTRL;
    }
    if (n < 2 * c->nE + c->nI) {
        *index = n - 2 * c->nE;
        return N_ID;
    }
    if (n < 3 * c->nE + c->nI) {
        *index = n - 2 * c->nE - c->nI;
        return N_DATA;
    }
    *index = n - 3 * c->nE - c->nI;
    return N_ADMIN;
}

/* --------------------------------------------------------- conditions */

static int S_flow_cond(S_ctx *c, const tm_paths_cond *cond, const tm_flow *f)
{
    tm_eval_ctx x;
    memset(&x, 0, sizeof x);
    x.a = c->a;
    x.flow = f;
    x.source = f->from;
    x.target = f->to;
    return cond->when && tm_expr_eval(cond->when, &x);
}

static int S_open(S_ctx *c, const tm_flow *f)
{
    if (c->open[f->index] < 0)
        c->open[f->index] = (signed char)S_flow_cond(c, &c->k->open, f);
    return c->open[f->index];
}

static int S_validates(S_ctx *c, const tm_flow *f)
{
    if (c->valid[f->index] < 0)
        c->valid[f->index] = (signed char)S_flow_cond(c, &c->k->validates, f);
    return c->valid[f->index];
}

static int S_validates_any(S_ctx *c, const tm_element *el)
{
    if (c->valid_any[el->index] < 0) {
        tm_eval_ctx x;
        memset(&x, 0, sizeof x);
        x.a = c->a;
        x.element = el;
        c->valid_any[el->index] =
            (signed char)(c->k->validates_any.when && tm_expr_eval(c->k->validates_any.when, &x));
    }
    return c->valid_any[el->index];
}

static int S_key_read(S_ctx *c, const tm_element *el)
{
    if (c->key_read[el->index] < 0) {
        tm_eval_ctx x;
        memset(&x, 0, sizeof x);
        x.a = c->a;
        x.element = el;
        c->key_read[el->index] = (signed char)(c->k->key_read && tm_expr_eval(c->k->key_read, &x));
    }
    return c->key_read[el->index];
}

static int S_in_play(const tm_element *el)
{
    return !el->out_of_scope;
}

static int S_target_class(const S_ctx *c, const tm_element *el)
{
    return el->kind == TM_KIND_STORE &&
           c->a->elements[el->index].max_class >= TM_CLASS_CONFIDENTIAL;
}

/* ------------------------------------------------------------- search */

static void S_relax(S_ctx *c, uint32_t from, const S_edge *e)
{
    unsigned d = from == UINT32_MAX ? 0 : c->dist[from];
    unsigned nd = d + e->cost;
    c->work++;
    if (nd > S_MAX_STEPS) {
        c->cut_steps = true;
        return;
    }
    if (c->stamp[e->to] == c->cur && c->dist[e->to] <= nd)
        return;
    c->stamp[e->to] = c->cur;
    c->dist[e->to] = (uint8_t)nd;
    c->pred[e->to] = from;
    c->pred_edge[e->to] = *e;
    tm_vec_push(&c->bucket[nd], (void *)(uintptr_t)e->to);
}

static S_edge S_edge_to(uint32_t to, int kind, int cost)
{
    S_edge e;
    memset(&e, 0, sizeof e);
    e.to = to;
    e.kind = (uint8_t)kind;
    e.cost = (uint8_t)cost;
    return e;
}

static int S_is_process(const tm_element *el)
{
    return el->kind == TM_KIND_PROCESS;
}

/* Attacker data arrives at z over f: a relay or a store passes it on, a
 * process that does not validate it is taken over. */
static void S_arrive(S_ctx *c, uint32_t from, const tm_flow *f, const tm_element *z)
{
    if (!S_in_play(z) || z->kind == TM_KIND_EXTERNAL)
        return;
    if (S_is_process(z) && !c->relay[z->index]) {
        if (S_validates(c, f))
            return;
        S_edge e = S_edge_to(S_node(c, N_CTRL, z->index), E_FLOW_COMPROMISE, 2);
        e.flow = f;
        e.el = z;
        S_relax(c, from, &e);
        return;
    }
    S_edge e = S_edge_to(S_node(c, N_TAINT, z->index), E_FLOW, 1);
    e.flow = f;
    e.el = z;
    S_relax(c, from, &e);
}

/* A controlled part's access to a store over a flow. */
static void S_flow_data(S_ctx *c, uint32_t from, const tm_flow *f, const tm_element *s,
                        unsigned access)
{
    if (!S_in_play(s) || s->kind != TM_KIND_STORE || !S_target_class(c, s))
        return;
    S_edge e = S_edge_to(S_node(c, N_DATA, s->index), E_FLOW_DATA, 1);
    e.flow = f;
    e.el = s;
    e.access = (uint8_t)access;
    S_relax(c, from, &e);
}

/* An element reached without a flow (an entry point, an invocation through
 * IAM): relays and stores pass it on, processes that do not validate are
 * taken over. */
static void S_reach_element(S_ctx *c, uint32_t from, const tm_element *z, S_edge proto,
                            int compromise_kind)
{
    if (!S_in_play(z) || z->kind == TM_KIND_EXTERNAL)
        return;
    if (S_is_process(z) && !c->relay[z->index]) {
        if (S_validates_any(c, z))
            return;
        proto.to = S_node(c, N_CTRL, z->index);
        proto.kind = (uint8_t)compromise_kind;
        proto.cost = 2;
    } else {
        proto.to = S_node(c, N_TAINT, z->index);
        proto.cost = 1;
    }
    proto.el = z;
    S_relax(c, from, &proto);
}

static void S_expand(S_ctx *c, uint32_t node)
{
    size_t ix;
    int kind = S_kind_of(c, node, &ix);
    const tm_analysis *a = c->a;
    if (kind == N_TAINT) {
        const tm_element_info *ei = &a->elements[ix];
        for (size_t i = 0; i < ei->n_out; i++)
            S_arrive(c, node, ei->out[i], ei->out[i]->to);
        return;
    }
    if (kind == N_CTRL) {
        const tm_element *el = c->m->elements[ix];
        const tm_element_info *ei = &a->elements[ix];
        int external = el->kind == TM_KIND_EXTERNAL;
        if (!external && el->identity) {
            S_edge e = S_edge_to(S_node(c, N_ID, el->identity->index), E_RUNS_AS, 0);
            S_relax(c, node, &e);
        }
        for (size_t i = 0; i < ei->n_out; i++) {
            const tm_flow *f = ei->out[i];
            if (external && !S_open(c, f))
                continue;
            if (f->to->kind == TM_KIND_STORE)
                S_flow_data(c, node, f, f->to,
                            TM_PATH_WRITE | (f->bidirectional ? TM_PATH_READ : 0));
            S_arrive(c, node, f, f->to);
        }
        /* a taken-over process reads the stores that flow into it */
        for (size_t i = 0; !external && i < ei->n_in; i++)
            if (ei->in[i]->from->kind == TM_KIND_STORE)
                S_flow_data(c, node, ei->in[i], ei->in[i]->from, TM_PATH_READ);
        return;
    }
    if (kind == N_ID) {
        const tm_identity *id = c->m->identities[ix];
        if (a->identities[ix].admin) {
            S_edge e = S_edge_to(S_node(c, N_ADMIN, ix), E_IS_ADMIN, 0);
            S_relax(c, node, &e);
            return;
        }
        const tm_iam_edge *edges = NULL;
        size_t n = tm_paths_iam_edges(c->pi, id, &edges);
        for (size_t i = 0; i < n; i++) {
            const tm_iam_edge *ie = &edges[i];
            S_edge e = S_edge_to(0, E_IAM, 1);
            e.iam = ie;
            if (ie->kind == TM_IAM_EDGE_ACT_AS) {
                e.to = S_node(c, N_ID, ie->to->index);
                S_relax(c, node, &e);
            } else if (ie->kind == TM_IAM_EDGE_ADMIN) {
                e.to = S_node(c, N_ADMIN, ie->to->index);
                S_relax(c, node, &e);
            } else {
                for (size_t k = 0; k < ie->n_elements; k++) {
                    const tm_element *z = ie->elements[k];
                    if (!S_in_play(z))
                        continue;
                    unsigned data = ie->data;
                    if ((data & TM_PATH_READ) && z->kind == TM_KIND_STORE && S_key_read(c, z)) {
                        int may = tm_paths_iam_may(c->pi, id, c->k->key_read_action);
                        if (!may)
                            data &= ~TM_PATH_READ;
                        else
                            data |= may == 2 ? S_KEY | S_KEY_COND : S_KEY;
                    }
                    if (!(data & (TM_PATH_READ | TM_PATH_WRITE | TM_PATH_DELETE)))
                        continue;
                    S_edge ez = e;
                    ez.el = z;
                    ez.access = (uint8_t)data;
                    if (z->kind == TM_KIND_STORE && S_target_class(c, z)) {
                        ez.to = S_node(c, N_DATA, z->index);
                        S_relax(c, node, &ez);
                    }
                    if (ie->data & TM_PATH_WRITE)
                        S_reach_element(c, node, z, ez, E_IAM_COMPROMISE);
                }
            }
        }
    }
}

/* ------------------------------------------------------------ entries */

static void S_seed(S_ctx *c, const S_entry *en)
{
    if (en->kind == ENTRY_EXTERNAL) {
        uint32_t n = S_node(c, N_CTRL, en->el->index);
        c->stamp[n] = c->cur;
        c->dist[n] = 0;
        c->pred[n] = UINT32_MAX;
        memset(&c->pred_edge[n], 0, sizeof c->pred_edge[n]);
        c->pred_edge[n].to = n;
        c->pred_edge[n].kind = E_RUNS_AS; /* no step */
        tm_vec_push(&c->bucket[0], (void *)(uintptr_t)n);
        return;
    }
    S_edge e = S_edge_to(0, E_ENTRY, 1);
    e.entry = en->rule;
    if (en->kind == ENTRY_IDENTITY) {
        e.to = S_node(c, N_ID, en->id->index);
        S_relax(c, UINT32_MAX, &e);
        return;
    }
    const tm_element *el = en->el;
    e.el = el;
    switch (en->rule->gives) {
    case TM_GIVES_READ:
    case TM_GIVES_WRITE:
        e.access = en->rule->gives == TM_GIVES_READ ? TM_PATH_READ : TM_PATH_WRITE;
        if (el->kind == TM_KIND_STORE && S_target_class(c, el)) {
            e.to = S_node(c, N_DATA, el->index);
            S_relax(c, UINT32_MAX, &e);
        }
        if (en->rule->gives == TM_GIVES_WRITE)
            S_reach_element(c, UINT32_MAX, el, e, E_ENTRY_COMPROMISE);
        break;
    case TM_GIVES_SEND:
        S_reach_element(c, UINT32_MAX, el, e, E_ENTRY_COMPROMISE);
        break;
    default:
        break;
    }
}

static int S_rule_holds(S_ctx *c, const tm_entry_rule *r, const tm_element *el,
                        const tm_identity *id)
{
    tm_eval_ctx x;
    memset(&x, 0, sizeof x);
    x.a = c->a;
    x.element = el;
    x.identity = id;
    return r->cond.when && tm_expr_eval(r->cond.when, &x);
}

static void S_entries(S_ctx *c, tm_vec *out)
{
    const tm_model *m = c->m;
    for (size_t e = 0; e < m->n_elements; e++) {
        const tm_element *el = m->elements[e];
        if (el->kind == TM_KIND_EXTERNAL && S_in_play(el) && c->a->elements[e].n_out) {
            S_entry *en = tm_arena_alloc(c->car, sizeof *en);
            en->kind = ENTRY_EXTERNAL;
            en->el = el;
            tm_vec_push(out, en);
        }
    }
    for (size_t e = 0; e < m->n_elements; e++) {
        const tm_element *el = m->elements[e];
        if (!S_in_play(el) || el->kind == TM_KIND_EXTERNAL)
            continue;
        for (size_t r = 0; r < c->k->n_entries; r++) {
            const tm_entry_rule *rule = &c->k->entries[r];
            if (rule->cond.applies != TM_APPLIES_ELEMENT || !S_rule_holds(c, rule, el, NULL))
                continue;
            S_entry *en = tm_arena_alloc(c->car, sizeof *en);
            en->kind = ENTRY_ELEMENT;
            en->el = el;
            en->rule = rule;
            tm_vec_push(out, en);
        }
    }
    for (size_t i = 0; i < m->n_identities; i++)
        for (size_t r = 0; r < c->k->n_entries; r++) {
            const tm_entry_rule *rule = &c->k->entries[r];
            if (rule->cond.applies != TM_APPLIES_IDENTITY ||
                !S_rule_holds(c, rule, NULL, m->identities[i]))
                continue;
            S_entry *en = tm_arena_alloc(c->car, sizeof *en);
            en->kind = ENTRY_IDENTITY;
            en->id = m->identities[i];
            en->rule = rule;
            tm_vec_push(out, en);
        }
    for (size_t i = 0; i < out->len; i++)
        ((S_entry *)out->items[i])->order = i;
}

/* ------------------------------------------------------- candidates */

static tm_severity S_severity(const S_ctx *c, uint32_t target, bool conditional)
{
    size_t ix;
    int kind = S_kind_of(c, target, &ix);
    tm_severity s = TM_SEV_CRITICAL;
    if (kind == N_DATA && c->a->elements[ix].max_class < TM_CLASS_RESTRICTED)
        s = TM_SEV_HIGH;
    if (conditional && s > TM_SEV_MEDIUM)
        s = (tm_severity)(s - 1);
    return s;
}

static void S_record(S_ctx *c, size_t entry, uint32_t target)
{
    if (c->cands.len >= S_MAX_CANDIDATES) {
        c->cut_cands = true;
        return;
    }
    size_t n = 0;
    for (uint32_t v = target; v != UINT32_MAX; v = c->pred[v])
        n++;
    S_cand *cd = tm_arena_alloc(c->car, sizeof *cd);
    cd->entry = entry;
    cd->target = target;
    cd->edges = tm_arena_array(c->car, n + 1, sizeof *cd->edges);
    size_t k = n;
    for (uint32_t v = target; v != UINT32_MAX; v = c->pred[v])
        cd->edges[--k] = c->pred_edge[v];
    /* the root of an external entry is not an edge */
    size_t skip = cd->edges[0].kind == E_RUNS_AS && c->pred[cd->edges[0].to] == UINT32_MAX;
    cd->edges += skip;
    cd->n_edges = n - skip;
    cd->steps = c->dist[target];
    tm_buf key;
    tm_buf_init(&key, 0);
    for (size_t i = 0; i < cd->n_edges; i++) {
        /* the node, and at a store what is done to its data */
        tm_buf_printf(&key, "%s%u/%u", i ? "," : "", (unsigned)cd->edges[i].to,
                      (unsigned)(cd->edges[i].access & 7u));
        if ((cd->edges[i].iam && cd->edges[i].iam->conditional) ||
            (cd->edges[i].access & S_KEY_COND))
            cd->conditional = true;
    }
    cd->key = tm_arena_strdup(c->car, key.data ? key.data : "");
    tm_buf_free(&key);
    cd->severity = S_severity(c, target, cd->conditional);
    tm_vec_push(&c->cands, cd);
}

static void S_search(S_ctx *c, const S_entry *en, size_t entry_index)
{
    c->cur++;
    c->targets.len = 0;
    S_seed(c, en);
    for (unsigned d = 0; d <= S_MAX_STEPS; d++) {
        tm_vec *b = &c->bucket[d];
        for (size_t i = 0; i < b->len; i++) {
            uint32_t n = (uint32_t)(uintptr_t)b->items[i];
            if (c->dist[n] != d)
                continue; /* reached again by a shorter route */
            size_t ix;
            int kind = S_kind_of(c, n, &ix);
            if (kind == N_DATA || kind == N_ADMIN) {
                int seen = 0;
                for (size_t t = 0; t < c->targets.len && !seen; t++)
                    seen = (uint32_t)(uintptr_t)c->targets.items[t] == n;
                if (!seen)
                    tm_vec_push(&c->targets, (void *)(uintptr_t)n);
                if (c->targets.len >= S_MAX_PER_ENTRY) {
                    c->cut_entry = true;
                    goto done;
                }
                continue;
            }
            S_expand(c, n);
        }
        b->len = 0;
    }
done:
    for (unsigned d = 0; d <= S_MAX_STEPS; d++)
        c->bucket[d].len = 0;
    for (size_t t = 0; t < c->targets.len; t++)
        S_record(c, entry_index, (uint32_t)(uintptr_t)c->targets.items[t]);
}

/* ------------------------------------------------------------- steps */

static const char *S_name(const tm_element *e)
{
    return e->name && *e->name ? e->name : e->id;
}

static const char *S_access_text(unsigned access)
{
    static const char *const t[8] = {"access",          "read",
                                     "write",           "read and write",
                                     "delete",          "read and delete",
                                     "write and delete", "read, write and delete"};
    return t[access & 7];
}

static const char *S_expand_text(S_ctx *c, const tm_expr_template *t, const tm_eval_ctx *x)
{
    return t ? tm_expr_template_expand(c->a->arena, t, x) : NULL;
}

static tm_path_step *S_step(tm_vec *steps, tm_arena *ar, tm_step_kind kind)
{
    tm_path_step *s = tm_arena_alloc(ar, sizeof *s);
    s->kind = kind;
    tm_vec_push(steps, s);
    return s;
}

static void S_compromise(S_ctx *c, tm_vec *steps, const tm_element *z, const tm_flow *f)
{
    tm_arena *ar = c->a->arena;
    tm_path_step *s = S_step(steps, ar, TM_STEP_COMPROMISE);
    s->element = z;
    s->identity = z->identity;
    s->loc = z->loc;
    tm_eval_ctx x;
    memset(&x, 0, sizeof x);
    x.a = c->a;
    const tm_paths_cond *cond;
    if (f) {
        x.flow = f;
        x.source = f->from;
        x.target = f->to;
        cond = &c->k->validates;
    } else {
        x.element = z;
        cond = &c->k->validates_any;
    }
    s->says = S_expand_text(c, cond->says, &x);
    s->cut = S_expand_text(c, cond->cut, &x);
    if (z->identity)
        s->text = tm_arena_printf(ar, "%s runs the attacker's input as %s", S_name(z),
                                  z->identity->name);
    else
        s->text = tm_arena_printf(ar, "%s runs the attacker's input", S_name(z));
}

static void S_flow_step(S_ctx *c, tm_vec *steps, const S_edge *e, uint32_t from_node)
{
    tm_arena *ar = c->a->arena;
    const tm_flow *f = e->flow;
    tm_path_step *s =
        S_step(steps, ar, e->kind == E_FLOW_DATA ? TM_STEP_DATA_ACCESS : TM_STEP_FLOW);
    s->element = e->el;
    s->flow = f;
    s->loc = f->loc;
    s->access = e->access;
    unsigned number = c->a->flows[f->index].number;
    size_t fx;
    int from_kind = S_kind_of(c, from_node, &fx);
    const tm_element *from = c->m->elements[fx];
    int external = from_kind == N_CTRL && from->kind == TM_KIND_EXTERNAL;
    tm_eval_ctx x;
    memset(&x, 0, sizeof x);
    x.a = c->a;
    x.flow = f;
    x.source = f->from;
    x.target = f->to;
    const char *fname = f->name ? f->name : f->id;
    if (e->kind == E_FLOW_DATA) {
        s->text = tm_arena_printf(ar, "%s can %s %s over flow #%u %s", S_name(from),
                                  S_access_text(e->access), S_name(e->el), number, fname);
        if (external) {
            s->says = S_expand_text(c, c->k->open.says, &x);
            s->cut = S_expand_text(c, c->k->open.cut, &x);
        } else {
            s->says = tm_arena_printf(ar, "the attacker uses %s's own access to %s (flow #%u)",
                                      S_name(from), S_name(e->el), number);
            s->cut = tm_arena_printf(ar, "Give %s access to %s only for what %s needs, and keep "
                                         "restricted data out of what it can reach.",
                                     S_name(from), S_name(e->el), fname);
        }
        return;
    }
    s->text = tm_arena_printf(ar, "%s sends attacker data to %s over flow #%u %s", S_name(from),
                              S_name(f->to), number, fname);
    if (external) {
        s->says = S_expand_text(c, c->k->open.says, &x);
        s->cut = S_expand_text(c, c->k->open.cut, &x);
    } else if (from_kind == N_CTRL) {
        s->says = tm_arena_printf(ar, "%s is the attacker's: what it sends is attacker data",
                                  S_name(from));
    } else {
        s->says = tm_arena_printf(ar, "%s passes what it receives on to %s", S_name(from),
                                  S_name(f->to));
    }
}

static void S_entry_step(S_ctx *c, tm_vec *steps, const S_edge *e, const S_entry *en)
{
    tm_arena *ar = c->a->arena;
    tm_path_step *s = S_step(steps, ar, TM_STEP_ENTRY);
    s->entry = tm_arena_strdup(ar, e->entry->id);
    s->element = en->el;
    s->identity = en->id;
    s->access = e->access;
    s->loc = en->el ? en->el->loc : en->id->loc;
    tm_eval_ctx x;
    memset(&x, 0, sizeof x);
    x.a = c->a;
    x.element = en->el;
    x.identity = en->id;
    s->says = S_expand_text(c, e->entry->cond.says, &x);
    s->cut = S_expand_text(c, e->entry->cond.cut, &x);
    s->text = tm_arena_printf(ar, "the attacker reaches %s without a flow of the model (%s)",
                              en->el ? S_name(en->el) : en->id->name, e->entry->id);
}

/* The statement that makes an identity administrator-equivalent. */
static const tm_statement *S_admin_statement(const tm_identity *id, size_t *index)
{
    for (size_t i = 0; i < id->n_statements; i++) {
        const tm_statement *st = &id->statements[i];
        if (!st->allow || st->n_principals || st->n_not_principals)
            continue;
        int all = 0;
        for (size_t k = 0; k < st->n_actions && !all; k++)
            all = tm_iam_action_match(st->actions[k], "*") == TM_IAM_YES;
        int every = !st->n_resources && !st->n_not_resources;
        for (size_t k = 0; k < st->n_resources && !every; k++)
            every = strcmp(st->resources[k], "*") == 0;
        if (all && every) {
            *index = i;
            return st;
        }
    }
    return NULL;
}

static void S_iam_step(S_ctx *c, tm_vec *steps, const S_edge *e, const tm_identity *from)
{
    tm_arena *ar = c->a->arena;
    const tm_iam_edge *ie = e->iam;
    tm_path_step *s =
        S_step(steps, ar, ie->kind == TM_IAM_EDGE_DATA ? TM_STEP_DATA_ACCESS : TM_STEP_ESCALATION);
    s->from_identity = from;
    s->conditional = ie->conditional;
    s->facts = ie->facts;
    s->n_facts = ie->n_facts;
    s->loc = ie->loc.line ? ie->loc : from->loc;
    const char *cond = s->conditional ? " (only if a condition the model does not decide holds)"
                                       : "";
    if (ie->kind == TM_IAM_EDGE_DATA) {
        unsigned access = e->access & (TM_PATH_READ | TM_PATH_WRITE | TM_PATH_DELETE);
        s->element = e->el;
        s->access = access;
        if (e->access & S_KEY_COND)
            s->conditional = true;
        s->text = tm_arena_printf(ar, "%s can %s %s", from->name,
                                  e->el->kind == TM_KIND_STORE ? S_access_text(access)
                                                               : "invoke",
                                  S_name(e->el));
        s->says = tm_arena_printf(ar, "the policy of %s allows %s on %s%s%s", from->name,
                                  ie->detail, S_name(e->el),
                                  e->access & S_KEY
                                      ? tm_arena_printf(ar, ", and %s for the key of its data",
                                                        c->k->key_read_action)
                                      : "",
                                  s->conditional ? " (only if a condition the model does not "
                                                   "decide holds)"
                                                 : "");
        s->cut = tm_arena_printf(ar,
                                 "Remove %s on %s from %s, or scope it to the resources it needs.",
                                 ie->detail, S_name(e->el), from->name);
        return;
    }
    const tm_technique *t = ie->technique;
    s->identity = ie->to;
    s->via = ie->via;
    /* the knowledge is freed after the search: the step keeps copies */
    s->technique = tm_arena_strdup(ar, t->id);
    s->technique_name = tm_arena_strdup(ar, t->name);
    s->technique_url = tm_arena_strdup(ar, t->reference);
    s->cut = tm_arena_strdup(ar, t->cut);
    s->to_admin = ie->kind == TM_IAM_EDGE_ADMIN;
    s->says = tm_arena_printf(ar, "%s%s", ie->detail, cond);
    if (ie->kind == TM_IAM_EDGE_ACT_AS && ie->via)
        s->text = tm_arena_printf(ar, "%s takes over %s and acts as %s (%s, pathfinding.cloud %s)",
                                  from->name, S_name(ie->via), ie->to->name, t->name, t->id);
    else if (ie->kind == TM_IAM_EDGE_ACT_AS)
        s->text = tm_arena_printf(ar, "%s acts as %s (%s, pathfinding.cloud %s)", from->name,
                                  ie->to->name, t->name, t->id);
    else if (ie->to == from)
        s->text = tm_arena_printf(ar, "%s makes itself administrator (%s, pathfinding.cloud %s)",
                                  from->name, t->name, t->id);
    else
        s->text = tm_arena_printf(ar,
                                  "%s makes %s administrator and acts as it (%s, "
                                  "pathfinding.cloud %s)",
                                  from->name, ie->to->name, t->name, t->id);
}

static void S_admin_step(S_ctx *c, tm_vec *steps, const tm_identity *id)
{
    tm_arena *ar = c->a->arena;
    tm_path_step *s = S_step(steps, ar, TM_STEP_ESCALATION);
    s->from_identity = id;
    s->identity = id;
    s->to_admin = true;
    s->loc = id->loc;
    s->text = tm_arena_printf(ar, "%s is administrator-equivalent", id->name);
    size_t index = 0;
    const tm_statement *st = S_admin_statement(id, &index);
    if (st) {
        s->loc = st->loc;
        s->facts = tm_arena_alloc(ar, sizeof *s->facts);
        s->n_facts = 1;
        s->facts[0].path = tm_arena_printf(ar, "identity[%s].statements[%zu]", id->id, index);
        s->facts[0].value = "\"Allow * on every resource\"";
        s->facts[0].stated = true;
        s->facts[0].loc = st->loc;
        s->says = tm_arena_printf(ar, "the policy of %s allows every action on every resource%s%s",
                                  id->name, st->policy ? " (policy " : "",
                                  st->policy ? tm_arena_printf(ar, "%s)", st->policy) : "");
    } else {
        s->says = tm_arena_printf(ar, "the policy of %s allows every action on every resource",
                                  id->name);
    }
    s->cut = tm_arena_printf(ar,
                             "Replace the administrator grant of %s with the permissions its "
                             "users need.",
                             id->name);
}

static void S_build_steps(S_ctx *c, const S_cand *cd, const S_entry *en, tm_path *p)
{
    tm_vec steps = {0};
    for (size_t i = 0; i < cd->n_edges; i++) {
        const S_edge *e = &cd->edges[i];
        uint32_t from = i ? cd->edges[i - 1].to : (en->kind == ENTRY_EXTERNAL
                                                      ? S_node(c, N_CTRL, en->el->index)
                                                      : UINT32_MAX);
        size_t fx = 0;
        int from_kind = from == UINT32_MAX ? -1 : S_kind_of(c, from, &fx);
        switch ((S_ekind)e->kind) {
        case E_FLOW:
        case E_FLOW_DATA:
            S_flow_step(c, &steps, e, from);
            break;
        case E_FLOW_COMPROMISE:
            S_flow_step(c, &steps, e, from);
            S_compromise(c, &steps, e->el, e->flow);
            break;
        case E_ENTRY:
            S_entry_step(c, &steps, e, en);
            break;
        case E_ENTRY_COMPROMISE:
            S_entry_step(c, &steps, e, en);
            S_compromise(c, &steps, e->el, NULL);
            break;
        case E_IAM:
            if (from_kind == N_ID)
                S_iam_step(c, &steps, e, c->m->identities[fx]);
            break;
        case E_IAM_COMPROMISE:
            if (from_kind == N_ID) {
                S_iam_step(c, &steps, e, c->m->identities[fx]);
                S_compromise(c, &steps, e->el, NULL);
            }
            break;
        case E_IS_ADMIN:
            if (from_kind == N_ID)
                S_admin_step(c, &steps, c->m->identities[fx]);
            break;
        case E_RUNS_AS:
            break;
        }
    }
    size_t n = 0;
    tm_path_step **sp = (tm_path_step **)tm_vec_finish(&steps, c->car, &n);
    p->steps = tm_arena_array(c->a->arena, n + 1, sizeof *p->steps);
    for (size_t i = 0; i < n; i++) {
        p->steps[i] = *sp[i];
        p->conditional = p->conditional || sp[i]->conditional;
    }
    p->n_steps = n;
}

/* ----------------------------------------------------------- findings */

/* The finding rule, copied out of the knowledge (freed after the search)
 * into the analysis, which its threats point into. */
static const tm_rule *S_copy_rule(tm_arena *ar, const tm_rule *src)
{
    tm_rule *r = tm_arena_alloc(ar, sizeof *r);
    *r = *src;
    r->id = tm_arena_strdup(ar, src->id);
    r->title = tm_arena_strdup(ar, src->title);
    r->description = tm_arena_strdup(ar, src->description);
    r->mitigation = tm_arena_strdup(ar, src->mitigation);
    r->when_text = tm_arena_strdup(ar, src->when_text);
    r->loc.file = tm_arena_strdup(ar, src->loc.file);
    r->references = tm_arena_array(ar, src->n_references + 1, sizeof *r->references);
    for (size_t i = 0; i < src->n_references; i++)
        r->references[i] = tm_arena_strdup(ar, src->references[i]);
    return r;
}

/* "visitor → Reports API → Render function → (lambda-001: iam:PassRole +
 * lambda:CreateFunction + lambda:InvokeFunction) → payroll-role → Payroll table" */
static const char *S_chain(tm_arena *ar, const tm_path *p)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, p->entry_name);
    const char *last = p->entry_name;
    for (size_t i = 0; i < p->n_steps; i++) {
        const tm_path_step *s = &p->steps[i];
        const char *name = NULL;
        switch (s->kind) {
        case TM_STEP_ENTRY:
            name = s->element ? S_name(s->element) : s->identity->name;
            break;
        case TM_STEP_FLOW:
        case TM_STEP_DATA_ACCESS:
            name = S_name(s->element);
            break;
        case TM_STEP_COMPROMISE:
            continue;
        case TM_STEP_ESCALATION:
            if (s->technique)
                tm_buf_printf(&b, " \xE2\x86\x92 (%s: %s)", s->technique, s->technique_name);
            name = s->to_admin ? tm_arena_printf(ar, "%s as administrator", s->identity->name)
                               : s->identity->name;
            break;
        }
        if (name && strcmp(name, last) != 0)
            tm_buf_printf(&b, " \xE2\x86\x92 %s", name);
        if (name)
            last = name;
    }
    const char *r = tm_arena_strdup(ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

static void S_finding(S_ctx *c, const tm_rule *rule, tm_path *p, tm_vec *threats)
{
    tm_analysis *a = c->a;
    tm_arena *ar = a->arena;
    tm_threat *t = tm_arena_alloc(ar, sizeof *t);
    t->rule = rule;
    t->id = tm_arena_printf(ar, "%s@%s", rule->id, p->id);
    const char *what =
        p->admin ? tm_arena_printf(ar, "administrator (%s)", p->target_name)
                 : tm_arena_printf(ar, "%s (%s data)", p->target_name,
                                   tm_class_name(p->target_class));
    t->title = tm_arena_printf(ar, "Attack path: %s reaches %s in %zu step%s%s", p->entry_name,
                               what, p->n_steps, p->n_steps == 1 ? "" : "s",
                               p->conditional ? " (conditional)" : "");
    t->description = tm_arena_printf(
        ar, "%s. %sEvery step is a fact of the model; breaking any one of them breaks the path.",
        S_chain(ar, p),
        p->conditional ? "Some step holds only if an IAM condition the model does not decide "
                         "holds. "
                       : "");
    /* the cuts, in path order, once each */
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "Break any step:");
    size_t k = 0;
    for (size_t i = 0; i < p->n_steps; i++) {
        const char *cut = p->steps[i].cut;
        int seen = !cut;
        for (size_t j = 0; j < i && !seen; j++)
            seen = tm_strcmp0(p->steps[j].cut, cut) == 0;
        if (!seen)
            tm_buf_printf(&b, " (%zu) %s", ++k, cut);
    }
    t->mitigation = tm_arena_strdup(ar, b.data);
    tm_buf_free(&b);
    /* the rule's letters, and tampering and denial where a step writes or deletes */
    t->stride = rule->stride;
    for (size_t i = 0; i < p->n_steps; i++) {
        if (p->steps[i].access & TM_PATH_WRITE)
            t->stride |= TM_STRIDE_T;
        if (p->steps[i].access & TM_PATH_DELETE)
            t->stride |= TM_STRIDE_D;
    }
    t->likelihood = rule->likelihood;
    t->impact = rule->impact;
    t->severity = p->severity;
    /* A path is the system's, not one part's: a model-wide finding whose
     * target id is the path's id (ATTACK-PATH@ENTRY--TARGET). */
    t->target_type = TM_TARGET_MODEL;
    t->target = NULL;
    t->target_id = p->id;
    t->status = TM_STATUS_OPEN;
    /* references: the rule's and each technique's page */
    tm_vec refs = {0};
    for (size_t i = 0; i < rule->n_references; i++)
        tm_vec_push(&refs, (void *)rule->references[i]);
    for (size_t i = 0; i < p->n_steps; i++)
        if (p->steps[i].technique_url) {
            int seen = 0;
            for (size_t j = 0; j < refs.len && !seen; j++)
                seen = strcmp(refs.items[j], p->steps[i].technique_url) == 0;
            if (!seen)
                tm_vec_push(&refs, (void *)p->steps[i].technique_url);
        }
    t->references = (const char **)tm_vec_finish(&refs, ar, &t->n_references);
    /* evidence: the steps, each where it is stated */
    const char **ev = tm_arena_array(ar, p->n_steps + 1, sizeof *ev);
    for (size_t i = 0; i < p->n_steps; i++) {
        const tm_path_step *s = &p->steps[i];
        if (s->loc.line)
            ev[i] = tm_arena_printf(ar, "%s:%u:%u: step %zu (%s): %s; %s",
                                    s->loc.file ? s->loc.file : a->model->source,
                                    (unsigned)s->loc.line, (unsigned)s->loc.col, i + 1,
                                    tm_step_kind_name(s->kind), s->text, s->says ? s->says : "");
        else
            ev[i] = tm_arena_printf(ar, "step %zu (%s): %s; %s", i + 1, tm_step_kind_name(s->kind),
                                    s->text, s->says ? s->says : "");
    }
    t->evidence = ev;
    t->n_evidence = p->n_steps;
    t->loc = p->n_steps ? p->steps[0].loc : a->model->system.loc;
    p->threat = t;
    tm_vec_push(threats, t);
}

/* ------------------------------------------------------------ sorting */

static int S_cand_cmp(const void *x, const void *y)
{
    const S_cand *a = *(const S_cand *const *)x, *b = *(const S_cand *const *)y;
    if (a->steps != b->steps)
        return a->steps < b->steps ? -1 : 1;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (a->entry != b->entry)
        return a->entry < b->entry ? -1 : 1;
    return a->target < b->target ? -1 : a->target > b->target;
}

static int S_key_cmp(const void *x, const void *y)
{
    const S_cand *a = *(const S_cand *const *)x, *b = *(const S_cand *const *)y;
    int r = strcmp(a->key, b->key);
    if (r)
        return r;
    return S_cand_cmp(x, y);
}

const char *tm_step_kind_name(tm_step_kind k)
{
    static const char *const names[] = {"entry", "flow", "compromise", "escalation",
                                        "data-access"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

/* ---------------------------------------------------------------- api */

const tm_rule *tm_attack_path_rule(tm_arena *arena, tm_diags *d)
{
    tm_paths_knowledge *k = tm_paths_knowledge_builtin(d);
    if (!k)
        return NULL;
    const tm_rule *r = S_copy_rule(arena, &k->finding);
    tm_paths_knowledge_free(k);
    return r;
}

void tm_paths_analyze(tm_analysis *a, tm_vec *threats)
{
    const tm_model *m = a->model;
    tm_diags *d = tm_diags_new();
    tm_paths_knowledge *k = tm_paths_knowledge_builtin(d);
    tm_iam_catalog *cat = k ? tm_iam_catalog_builtin(d) : NULL;
    tm_diags_free(d); /* the built-in data is tested; without it no path is searched */
    a->paths_summary.max_steps = S_MAX_STEPS;
    a->paths_summary.max_paths = S_MAX_PATHS;
    a->paths_summary.max_per_entry = S_MAX_PER_ENTRY;
    if (!k || !cat) {
        tm_paths_knowledge_free(k);
        tm_iam_catalog_free(cat);
        return;
    }
    S_ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.m = m;
    c.k = k;
    c.car = tm_arena_new();
    c.nE = m->n_elements;
    c.nI = m->n_identities;
    c.N = 3 * c.nE + 2 * c.nI;
    c.pi = tm_paths_iam_new(a, k, cat, a->arena);
    c.relay = tm_arena_array(c.car, c.nE + 1, 1);
    c.valid_any = tm_arena_array(c.car, c.nE + 1, 1);
    memset(c.valid_any, -1, c.nE + 1);
    c.key_read = tm_arena_array(c.car, c.nE + 1, 1);
    memset(c.key_read, -1, c.nE + 1);
    c.open = tm_arena_array(c.car, m->n_flows + 1, 1);
    c.valid = tm_arena_array(c.car, m->n_flows + 1, 1);
    memset(c.open, -1, m->n_flows + 1);
    memset(c.valid, -1, m->n_flows + 1);
    for (size_t e = 0; e < c.nE; e++)
        for (size_t r = 0; r < k->n_relays; r++)
            if (m->elements[e]->type && strcmp(m->elements[e]->type, k->relays[r]) == 0)
                c.relay[e] = 1;
    c.stamp = tm_arena_array(c.car, c.N + 1, sizeof *c.stamp);
    c.dist = tm_arena_array(c.car, c.N + 1, sizeof *c.dist);
    c.pred = tm_arena_array(c.car, c.N + 1, sizeof *c.pred);
    c.pred_edge = tm_arena_array(c.car, c.N + 1, sizeof *c.pred_edge);

    tm_vec entries = {0};
    S_entries(&c, &entries);
    a->paths_summary.entries = entries.len;
    for (size_t i = 0; i < entries.len; i++) {
        if (c.work + tm_paths_iam_work(c.pi) > S_MAX_WORK) {
            c.cut_work = true;
            break;
        }
        S_search(&c, entries.items[i], i);
        a->paths_summary.entries_searched++;
    }

    /* One path per route: the same route after the first step is listed
     * under the first of its entries (in the final order). */
    if (c.cands.len > 1)
        qsort(c.cands.items, c.cands.len, sizeof *c.cands.items, S_key_cmp);
    for (size_t i = 1; i < c.cands.len; i++) {
        S_cand *prev = NULL;
        for (size_t j = i; j-- > 0;)
            if (!((S_cand *)c.cands.items[j])->dropped) {
                prev = c.cands.items[j];
                break;
            }
        S_cand *cur = c.cands.items[i];
        if (prev && strcmp(prev->key, cur->key) == 0 && prev->target == cur->target) {
            cur->dropped = true;
            tm_vec_push(&prev->also, entries.items[cur->entry]);
        }
    }
    tm_vec kept = {0};
    for (size_t i = 0; i < c.cands.len; i++) {
        S_cand *cd = c.cands.items[i];
        if (!cd->dropped)
            tm_vec_push(&kept, cd);
        else
            tm_vec_free(&cd->also);
    }
    if (kept.len > 1)
        qsort(kept.items, kept.len, sizeof *kept.items, S_cand_cmp);
    a->paths_summary.found = kept.len;
    size_t n = kept.len < S_MAX_PATHS ? kept.len : S_MAX_PATHS;
    a->paths_summary.cut_paths = kept.len > S_MAX_PATHS || c.cut_cands;
    a->paths_summary.cut_steps = c.cut_steps;
    a->paths_summary.cut_work = c.cut_work;
    a->paths_summary.cut_per_entry = c.cut_entry;
    a->paths = tm_arena_array(a->arena, n + 1, sizeof *a->paths);
    const tm_rule *rule = n ? S_copy_rule(a->arena, &k->finding) : NULL;
    for (size_t i = 0; i < n; i++) {
        const S_cand *cd = kept.items[i];
        const S_entry *en = entries.items[cd->entry];
        tm_path *p = &a->paths[i];
        p->entry_element = en->el;
        p->entry_identity = en->id;
        p->entry_id = en->el ? en->el->id : en->id->id;
        p->entry_name = en->el ? S_name(en->el) : en->id->name;
        p->entry_rule = en->rule ? tm_arena_strdup(a->arena, en->rule->id) : "external";
        size_t ix;
        int kind = S_kind_of(&c, cd->target, &ix);
        p->admin = kind == N_ADMIN;
        if (p->admin) {
            p->target_identity = m->identities[ix];
            p->target_id = p->target_identity->id;
            p->target_name = p->target_identity->name;
        } else {
            p->target_element = m->elements[ix];
            p->target_id = p->target_element->id;
            p->target_name = S_name(p->target_element);
            p->target_class = a->elements[ix].max_class;
        }
        p->id = tm_arena_printf(a->arena, "%s--%s", p->entry_id, p->target_id);
        S_build_steps(&c, cd, en, p);
        p->severity = S_severity(&c, cd->target, p->conditional);
        p->also_from = tm_arena_array(a->arena, cd->also.len + 1, sizeof *p->also_from);
        for (size_t j = 0; j < cd->also.len; j++) {
            const S_entry *o = cd->also.items[j];
            const char *oid = o->el ? o->el->id : o->id->id;
            int seen = strcmp(oid, p->entry_id) == 0;
            for (size_t q = 0; q < p->n_also_from && !seen; q++)
                seen = strcmp(p->also_from[q], oid) == 0;
            if (!seen)
                p->also_from[p->n_also_from++] = oid;
        }
        S_finding(&c, rule, p, threats);
    }
    a->n_paths = n;
    for (size_t i = 0; i < kept.len; i++)
        tm_vec_free(&((S_cand *)kept.items[i])->also);
    tm_vec_free(&kept);
    tm_vec_free(&c.cands);
    tm_vec_free(&c.targets);
    for (int b = 0; b <= S_MAX_STEPS; b++)
        tm_vec_free(&c.bucket[b]);
    tm_vec_free(&entries);
    tm_paths_iam_free(c.pi);
    tm_arena_free(c.car);
    tm_iam_catalog_free(cat);
    tm_paths_knowledge_free(k);
}
