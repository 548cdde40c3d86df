/*
 * stridec diff: what changed between two analysed models (engine/diff.h).
 *
 * Model items are compared on their canonical trees (tm_model_to_tree):
 * that tree is the same whatever syntax the model was written in, keeps
 * only what the source said, and has props sorted, so a syntax change or
 * a reordering of props is no difference. The tree's top-level lists are
 * index-aligned with the model's arrays, which give ids and positions.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/diff.h"

/* ------------------------------------------------------------- names */

const char *tm_diff_op_name(tm_diff_op op)
{
    switch (op) {
    case TM_DIFF_ADDED:
        return "added";
    case TM_DIFF_REMOVED:
        return "removed";
    default:
        return "changed";
    }
}

static const char *const S_kind_names[TM_DIFF_KIND_COUNT][2] = {
    {"system", "system"},         {"data", "data"},
    {"boundary", "boundaries"},   {"element", "elements"},
    {"flow", "flows"},            {"identity", "identities"},
    {"artifact", "artifacts"},    {"assumption", "assumptions"},
    {"decision", "decisions"},
};

const char *tm_diff_kind_name(tm_diff_kind k)
{
    return k < TM_DIFF_KIND_COUNT ? S_kind_names[k][0] : "item";
}

const char *tm_diff_kind_plural(tm_diff_kind k)
{
    return k < TM_DIFF_KIND_COUNT ? S_kind_names[k][1] : "items";
}

/* ------------------------------------------------------ field changes */

typedef struct {
    tm_arena *arena;
    tm_vec fields; /* tm_diff_field* */
} S_fieldlist;

static void S_field(S_fieldlist *fl, const char *path, const tm_node *o, const tm_node *n)
{
    tm_diff_field *f = tm_arena_alloc(fl->arena, sizeof *f);
    f->path = path;
    f->old_value = o;
    f->new_value = n;
    tm_vec_push(&fl->fields, f);
}

static int S_list_has_containers(const tm_node *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i]->kind != TM_NODE_SCALAR)
            return 1;
    return 0;
}

/* A map's keys -> values (the readers reject duplicate keys). */
static tm_map *S_keys(const tm_node *map)
{
    tm_map *m = tm_map_new(map->n);
    for (size_t i = 0; i < map->n; i++)
        tm_map_put(m, map->pairs[i].key, map->pairs[i].value);
    return m;
}

static const char *S_join_key(tm_arena *a, const char *prefix, const char *key)
{
    return prefix ? tm_arena_printf(a, "%s.%s", prefix, key) : tm_arena_strdup(a, key);
}

/* Record how o and n differ under `path` (NULL at an item's top). Maps
 * are compared key by key (NEW's keys in order, then keys only OLD has),
 * lists of maps or lists item by item (an added or removed item as a
 * whole), everything else as a whole. At the top, `id` is skipped: items
 * are matched by it. */
static void S_compare(S_fieldlist *fl, const char *path, const tm_node *o, const tm_node *n)
{
    if (tm_node_equal(o, n))
        return;
    /* A map under a key present on one side only (props added or removed
     * as a whole): one field per key, so each fact shows by name. */
    const tm_node *only = !o ? n : !n ? o : NULL;
    if (path && only && only->kind == TM_NODE_MAP && only->n && path[strlen(path) - 1] != ']') {
        for (size_t i = 0; i < only->n; i++)
            S_compare(fl, S_join_key(fl->arena, path, only->pairs[i].key),
                      o ? only->pairs[i].value : NULL, n ? only->pairs[i].value : NULL);
        return;
    }
    if (o && n && o->kind == TM_NODE_MAP && n->kind == TM_NODE_MAP) {
        /* Hash the keys: a props map may be large, and linear lookups
         * would make the comparison quadratic. */
        tm_map *ok = S_keys(o), *nk = S_keys(n);
        for (size_t i = 0; i < n->n; i++) {
            const char *key = n->pairs[i].key;
            if (!path && strcmp(key, "id") == 0)
                continue;
            S_compare(fl, S_join_key(fl->arena, path, key), tm_map_get(ok, key), n->pairs[i].value);
        }
        for (size_t i = 0; i < o->n; i++) {
            const char *key = o->pairs[i].key;
            if ((!path && strcmp(key, "id") == 0) || tm_map_get(nk, key))
                continue;
            S_compare(fl, S_join_key(fl->arena, path, key), o->pairs[i].value, NULL);
        }
        tm_map_free(ok);
        tm_map_free(nk);
        return;
    }
    if (o && n && o->kind == TM_NODE_LIST && n->kind == TM_NODE_LIST && path &&
        (S_list_has_containers(o) || S_list_has_containers(n))) {
        size_t max = o->n > n->n ? o->n : n->n;
        for (size_t i = 0; i < max; i++)
            S_compare(fl, tm_arena_printf(fl->arena, "%s[%zu]", path, i),
                      i < o->n ? o->items[i] : NULL, i < n->n ? n->items[i] : NULL);
        return;
    }
    S_field(fl, path ? path : "value", o, n);
}

/* ------------------------------------------------------- model items */

/* One side's items of one kind: keys, trees and positions. */
typedef struct {
    size_t n;
    const char **keys;    /* match keys (unique: duplicates get a suffix) */
    const char **ids;     /* as shown */
    const tm_node **trees;
    tm_loc *locs;
} S_side;

static const tm_node *S_list(const tm_node *root, const char *key)
{
    const tm_node *l = tm_node_get(root, key);
    return l && l->kind == TM_NODE_LIST ? l : NULL;
}

/* Fill one side for kind k from model m and its canonical tree. */
static void S_side_fill(tm_arena *a, S_side *s, tm_diff_kind k, const tm_model *m,
                        const tm_node *root)
{
    static const char *const list_keys[TM_DIFF_KIND_COUNT] = {
        NULL, "data", "boundaries", "elements", "flows", "identities", "artifacts",
        "assumptions", "threats"};
    memset(s, 0, sizeof *s);
    if (k == TM_DIFF_SYSTEM) {
        s->n = 1;
        s->keys = tm_arena_array(a, 1, sizeof *s->keys);
        s->ids = tm_arena_array(a, 1, sizeof *s->ids);
        s->trees = tm_arena_array(a, 1, sizeof *s->trees);
        s->locs = tm_arena_array(a, 1, sizeof *s->locs);
        s->keys[0] = s->ids[0] = "system";
        s->trees[0] = tm_node_get(root, "system");
        s->locs[0] = m->system.loc;
        return;
    }
    const tm_node *list = S_list(root, list_keys[k]);
    size_t n = list ? list->n : 0;
    s->n = n;
    s->keys = tm_arena_array(a, n ? n : 1, sizeof *s->keys);
    s->ids = tm_arena_array(a, n ? n : 1, sizeof *s->ids);
    s->trees = tm_arena_array(a, n ? n : 1, sizeof *s->trees);
    s->locs = tm_arena_array(a, n ? n : 1, sizeof *s->locs);
    tm_map *seen = tm_map_new(n);
    for (size_t i = 0; i < n; i++) {
        const tm_node *t = list->items[i];
        const char *id = NULL;
        tm_loc loc = {NULL, 0, 0};
        switch (k) {
        case TM_DIFF_DATA:
            id = m->data[i]->id;
            loc = m->data[i]->loc;
            break;
        case TM_DIFF_BOUNDARY:
            id = m->boundaries[i]->id;
            loc = m->boundaries[i]->loc;
            break;
        case TM_DIFF_ELEMENT:
            id = m->elements[i]->id;
            loc = m->elements[i]->loc;
            break;
        case TM_DIFF_FLOW:
            id = m->flows[i]->id;
            loc = m->flows[i]->loc;
            break;
        case TM_DIFF_IDENTITY:
            id = m->identities[i]->id;
            loc = m->identities[i]->loc;
            break;
        case TM_DIFF_ARTIFACT:
            id = m->artifacts[i]->id;
            loc = m->artifacts[i]->loc;
            break;
        case TM_DIFF_ASSUMPTION:
            id = m->assumptions[i]->id ? m->assumptions[i]->id : m->assumptions[i]->text;
            loc = m->assumptions[i]->loc;
            break;
        case TM_DIFF_DECISION:
            id = m->decisions[i]->pattern;
            loc = m->decisions[i]->loc;
            break;
        default:
            break;
        }
        if (!id)
            id = "";
        /* An id-less assumption is keyed apart from ids ("\x01" cannot
         * start an id); the n-th repeat of a key gets "\x1f" and n. */
        const char *key = k == TM_DIFF_ASSUMPTION && !m->assumptions[i]->id
                              ? tm_arena_printf(a, "\x01%s", id)
                              : id;
        if (tm_map_get(seen, key)) {
            for (size_t r = 2;; r++) {
                const char *alt = tm_arena_printf(a, "%s\x1f%zu", key, r);
                if (!tm_map_get(seen, alt)) {
                    key = alt;
                    break;
                }
            }
        }
        tm_map_put(seen, key, (void *)1);
        s->keys[i] = key;
        s->ids[i] = id;
        s->trees[i] = t;
        s->locs[i] = loc;
    }
    tm_map_free(seen);
}

static tm_map *S_index(const S_side *s)
{
    tm_map *m = tm_map_new(s->n);
    for (size_t i = 0; i < s->n; i++)
        tm_map_put(m, s->keys[i], (void *)(uintptr_t)(i + 1));
    return m;
}

static size_t S_lookup(const tm_map *m, const char *key)
{
    return (size_t)(uintptr_t)tm_map_get(m, key); /* 0: absent, else index + 1 */
}

static void S_fields_finish(S_fieldlist *fl, tm_diff_field **out, size_t *n_out)
{
    void **items = tm_vec_finish(&fl->fields, fl->arena, n_out);
    *out = tm_arena_array(fl->arena, *n_out ? *n_out : 1, sizeof **out);
    for (size_t i = 0; i < *n_out; i++)
        (*out)[i] = *(tm_diff_field *)items[i];
}

static void S_item(tm_diff *df, tm_vec *out, tm_diff_op op, tm_diff_kind k, const char *id,
                   const tm_node *o, const tm_node *n, tm_loc loc)
{
    tm_diff_item *it = tm_arena_alloc(df->arena, sizeof *it);
    it->op = op;
    it->kind = k;
    it->id = id;
    it->old_item = o;
    it->new_item = n;
    it->loc = loc;
    if (op == TM_DIFF_CHANGED) {
        S_fieldlist fl = {df->arena, {0}};
        S_compare(&fl, NULL, o, n);
        S_fields_finish(&fl, &it->fields, &it->n_fields);
        if (!it->n_fields)
            return; /* equal after all */
    }
    tm_vec_push(out, it);
    df->items_by_op[op]++;
    df->items_by_kind_op[k][op]++;
}

static void S_diff_kind(tm_diff *df, tm_vec *out, tm_diff_kind k, const tm_node *old_root,
                        const tm_node *new_root)
{
    S_side os, ns;
    S_side_fill(df->arena, &os, k, df->old_a->model, old_root);
    S_side_fill(df->arena, &ns, k, df->new_a->model, new_root);
    tm_map *oi = S_index(&os), *ni = S_index(&ns);
    for (size_t i = 0; i < ns.n; i++)
        if (!S_lookup(oi, ns.keys[i]))
            S_item(df, out, TM_DIFF_ADDED, k, ns.ids[i], NULL, ns.trees[i], ns.locs[i]);
    for (size_t i = 0; i < os.n; i++)
        if (!S_lookup(ni, os.keys[i]))
            S_item(df, out, TM_DIFF_REMOVED, k, os.ids[i], os.trees[i], NULL, os.locs[i]);
    for (size_t i = 0; i < ns.n; i++) {
        size_t j = S_lookup(oi, ns.keys[i]);
        if (j && !tm_node_equal(os.trees[j - 1], ns.trees[i]))
            S_item(df, out, TM_DIFF_CHANGED, k, ns.ids[i], os.trees[j - 1], ns.trees[i],
                   ns.locs[i]);
    }
    tm_map_free(oi);
    tm_map_free(ni);
}

/* ------------------------------------------------------------ threats */

static const char *S_stride_text(tm_arena *a, unsigned stride)
{
    char buf[8];
    size_t n = 0;
    for (int i = 0; i < 6; i++)
        if (stride & (1u << i))
            buf[n++] = TM_STRIDE_LETTERS[i];
    buf[n] = 0;
    return tm_arena_strdup(a, buf);
}

static void S_threat_field(S_fieldlist *fl, const char *path, const char *o, const char *n)
{
    if (tm_strcmp0(o, n) == 0)
        return;
    S_field(fl, path, o ? tm_node_string(fl->arena, o) : NULL,
            n ? tm_node_string(fl->arena, n) : NULL);
}

static void S_threat(tm_diff *df, tm_vec *out, tm_diff_op op, const tm_threat *o,
                     const tm_threat *n)
{
    tm_diff_threat *t = tm_arena_alloc(df->arena, sizeof *t);
    t->op = op;
    t->old_threat = o;
    t->new_threat = n;
    if (op == TM_DIFF_CHANGED) {
        S_fieldlist fl = {df->arena, {0}};
        S_threat_field(&fl, "title", o->title, n->title);
        S_threat_field(&fl, "severity", tm_severity_name(o->severity),
                       tm_severity_name(n->severity));
        S_threat_field(&fl, "likelihood", tm_likelihood_name(o->likelihood),
                       tm_likelihood_name(n->likelihood));
        S_threat_field(&fl, "impact", tm_impact_name(o->impact), tm_impact_name(n->impact));
        S_threat_field(&fl, "stride", S_stride_text(df->arena, o->stride),
                       S_stride_text(df->arena, n->stride));
        S_threat_field(&fl, "status", tm_status_name(o->status), tm_status_name(n->status));
        S_fields_finish(&fl, &t->fields, &t->n_fields);
        if (!t->n_fields)
            return;
        int other = 1;
        if (n->severity > o->severity) {
            df->severity_raised++;
            other = 0;
        } else if (n->severity < o->severity) {
            df->severity_lowered++;
            other = 0;
        }
        if (n->status != o->status) {
            df->status_changed++;
            other = 0;
        }
        if (strcmp(o->title, n->title) != 0) {
            df->title_changed++;
            other = 0;
        }
        df->other_changed += other;
    } else if (op == TM_DIFF_ADDED) {
        df->new_by_severity[n->severity]++;
    } else {
        df->gone_by_severity[o->severity]++;
    }
    tm_vec_push(out, t);
    df->threats_by_op[op]++;
}

/* Threat ids are unique within one analysis (rule ids and target ids are);
 * should one ever repeat, its repeats are matched in order. */
static const char **S_threat_keys(tm_arena *a, const tm_analysis *an, tm_map **index)
{
    const char **keys = tm_arena_array(a, an->n_threats ? an->n_threats : 1, sizeof *keys);
    *index = tm_map_new(an->n_threats);
    for (size_t i = 0; i < an->n_threats; i++) {
        const char *key = an->threats[i]->id;
        for (size_t r = 2; tm_map_get(*index, key); r++)
            key = tm_arena_printf(a, "%s\x1f%zu", an->threats[i]->id, r);
        keys[i] = key;
        tm_map_put(*index, key, (void *)(uintptr_t)(i + 1));
    }
    return keys;
}

static void S_diff_threats(tm_diff *df, tm_vec *out)
{
    const tm_analysis *oa = df->old_a, *na = df->new_a;
    tm_map *oi, *ni;
    const char **ok = S_threat_keys(df->arena, oa, &oi);
    const char **nk = S_threat_keys(df->arena, na, &ni);
    for (size_t i = 0; i < na->n_threats; i++)
        if (!S_lookup(oi, nk[i]))
            S_threat(df, out, TM_DIFF_ADDED, NULL, na->threats[i]);
    for (size_t i = 0; i < oa->n_threats; i++)
        if (!S_lookup(ni, ok[i]))
            S_threat(df, out, TM_DIFF_REMOVED, oa->threats[i], NULL);
    for (size_t i = 0; i < na->n_threats; i++) {
        size_t j = S_lookup(oi, nk[i]);
        if (j)
            S_threat(df, out, TM_DIFF_CHANGED, oa->threats[j - 1], na->threats[i]);
    }
    tm_map_free(oi);
    tm_map_free(ni);
}

/* ---------------------------------------------------------------- API */

tm_diff *tm_diff_new(const tm_analysis *old_a, const tm_analysis *new_a)
{
    tm_arena *a = tm_arena_new();
    tm_diff *df = tm_arena_alloc(a, sizeof *df);
    df->arena = a;
    df->old_a = old_a;
    df->new_a = new_a;
    const tm_node *old_root = tm_model_to_tree(old_a->model, a);
    const tm_node *new_root = tm_model_to_tree(new_a->model, a);

    tm_vec items = {0};
    for (int k = 0; k < TM_DIFF_KIND_COUNT; k++)
        S_diff_kind(df, &items, (tm_diff_kind)k, old_root, new_root);
    void **v = tm_vec_finish(&items, a, &df->n_items);
    df->items = tm_arena_array(a, df->n_items ? df->n_items : 1, sizeof *df->items);
    for (size_t i = 0; i < df->n_items; i++)
        df->items[i] = *(tm_diff_item *)v[i];

    tm_vec threats = {0};
    S_diff_threats(df, &threats);
    v = tm_vec_finish(&threats, a, &df->n_threats);
    df->threats = tm_arena_array(a, df->n_threats ? df->n_threats : 1, sizeof *df->threats);
    for (size_t i = 0; i < df->n_threats; i++)
        df->threats[i] = *(tm_diff_threat *)v[i];
    return df;
}

void tm_diff_free(tm_diff *df)
{
    if (df)
        tm_arena_free(df->arena);
}

int tm_diff_is_empty(const tm_diff *df)
{
    return df->n_items == 0 && df->n_threats == 0;
}

int tm_diff_threat_introduced(const tm_diff *df, const tm_diff_threat *t, tm_severity min)
{
    (void)df;
    const tm_threat *n = t->new_threat, *o = t->old_threat;
    if (!n || !tm_status_is_open(n->status) || n->severity < min)
        return 0;
    return !o || !tm_status_is_open(o->status) || o->severity < min;
}

size_t tm_diff_introduced(const tm_diff *df, tm_severity min)
{
    size_t n = 0;
    for (size_t i = 0; i < df->n_threats; i++)
        n += (size_t)tm_diff_threat_introduced(df, &df->threats[i], min);
    return n;
}
