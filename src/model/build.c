/*
 * The model builder: a document tree (from any reader or importer) -> a
 * validated tm_model (shared/MODEL.md).
 *
 * One pass over the tree collects every problem instead of stopping at the
 * first: structure and types while walking, then generated flow ids, then
 * references (they may point forward or into included files), then boundary
 * cycles and self-flows. Every error names file:line:col of the offending
 * key or value (for a missing key, the map that lacks it).
 *
 * Values are converted by the type their key has, so that XML's untyped
 * text (TM_SCALAR_TEXT) and YAML/JSON's typed scalars build the same model.
 * Everything the model keeps is copied into its arena; the tree can be freed
 * as soon as tm_model_build returns.
 */
#define _DEFAULT_SOURCE /* realpath() */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc/check.h"
#include "stridec/model.h"

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ context */

/* What a reference must point at. */
typedef enum { S_WANT_ELEMENT, S_WANT_BOUNDARY, S_WANT_IDENTITY, S_WANT_DATA, S_WANT_DEFINABLE } S_want;

/* A reference waiting for every id to be known. `phrase` is a format with
 * one %s for the owner's id, e.g. "element '%s' is in boundary"; `owner`
 * points at the owner's id so that generated flow ids are seen. */
typedef struct {
    S_want want;
    const char *phrase;
    const char *const *owner;
    const char *id;
    tm_loc loc;
    tm_boundary **boundary_slot;
    tm_identity **identity_slot;
    tm_element **element_slot;
    tm_data **data_slot;
} S_pending;

/* Build-time facts about a flow that the model does not keep. */
typedef struct {
    tm_flow *flow;
    const char *from_id, *to_id;
} S_flow_extra;

/* Build-time facts about a boundary: where its parent is written. */
typedef struct {
    tm_boundary *b;
    tm_loc parent_loc;
} S_boundary_extra;

typedef struct {
    tm_model *m;
    tm_arena *a;   /* the model's arena */
    tm_arena *tmp; /* build-only allocations and included trees */
    tm_diags *d;
    const tm_load_opts *opts;
    tm_check chk;      /* typed reads (doc/check.c): arena c->tmp, diagnostics d */
    const tm_catalog *catalog; /* says each element type's kind */
    tm_catalog *own_catalog;   /* the built-in one, when the caller gave none */
    tm_map *files;     /* interned file names (model arena) */
    tm_vec data, boundaries, elements, flows, identities, artifacts, assumptions, decisions;
    tm_vec pending;    /* S_pending* */
    tm_vec flow_extra; /* S_flow_extra*, parallel to flows */
    tm_vec boundary_extra;
    tm_vec decision_targets; /* S_pending* reused for warnings about decision targets */
    /* Include handling: realpaths of the files being read (a stack) and of
     * every file already merged. */
    const char *stack[TM_MAX_INCLUDE_DEPTH + 2];
    const char *stack_names[TM_MAX_INCLUDE_DEPTH + 2];
    size_t depth;
    tm_map *merged;
    tm_vec read_files; /* the main file, then each include read, as opened */
    char *root_real; /* realpath of the model's folder (malloc'd) */
} S_ctx;

/* ------------------------------------------------------- diagnostics */

static const char *S_file(S_ctx *c, const char *f)
{
    if (!f)
        return NULL;
    const char *s = tm_map_get(c->files, f);
    if (s)
        return s;
    char *copy = tm_arena_strdup(c->a, f);
    tm_map_put(c->files, copy, copy);
    return copy;
}

static tm_loc S_loc(S_ctx *c, const tm_node *n)
{
    tm_loc l = {NULL, 0, 0};
    if (n) {
        l.file = S_file(c, n->file);
        l.line = n->line;
        l.col = n->col;
    }
    return l;
}

/* A key's position: the pair has line/col, the file is the map's. */
static tm_loc S_kloc(S_ctx *c, const tm_node *map, const tm_pair *p)
{
    tm_loc l = S_loc(c, map);
    if (p->line) {
        l.line = p->line;
        l.col = p->col;
    }
    return l;
}

static void S_diag(S_ctx *c, tm_diag_severity sev, const char *code, tm_loc l, const char *fmt,
                   va_list ap)
{
    tm_diag_vadd(c->d, sev, code, l.file, l.line, l.col, fmt, ap);
}

static void S_err(S_ctx *c, const char *code, tm_loc l, const char *fmt, ...) TM_PRINTF(4, 5);
static void S_err(S_ctx *c, const char *code, tm_loc l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    S_diag(c, TM_DIAG_ERROR, code, l, fmt, ap);
    va_end(ap);
}

static void S_warn(S_ctx *c, const char *code, tm_loc l, const char *fmt, ...) TM_PRINTF(4, 5);
static void S_warn(S_ctx *c, const char *code, tm_loc l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    S_diag(c, TM_DIAG_WARNING, code, l, fmt, ap);
    va_end(ap);
}

/* " (did you mean 'x'?)" or "; expected one of: a, b, c" into a tmp string. */
static const char *S_hint(S_ctx *c, const char *word, const char *const *cands, size_t n)
{
    const char *dym = tm_check_suggest(word, cands, n);
    if (dym)
        return tm_arena_printf(c->tmp, " (did you mean '%s'?)", dym);
    tm_buf b;
    tm_buf_init(&b, 8192);
    tm_buf_puts(&b, "; expected one of: ");
    for (size_t i = 0; i < n; i++)
        tm_buf_printf(&b, "%s%s", i ? ", " : "", cands[i]);
    const char *s = tm_arena_strdup(c->tmp, b.data ? b.data : "");
    tm_buf_free(&b);
    return s;
}

/* ---------------------------------------------------- value accessors */

/* Every typed read goes through doc/check.c, which holds the one wording
 * of type, key and enum errors (shared with the catalogue, rule files and
 * the importers); these wrappers copy what the model keeps into its arena. */

static int S_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* A string-valued key. Numbers are taken as written (`version: 1.2`,
 * `name: 2048`): the text is what the author meant. */
static int S_str_node(S_ctx *c, const tm_node *v, const char *key, const char **out)
{
    const char *s = tm_check_string(&c->chk, v, key, TM_CHECK_NUMBER_OK);
    if (!s)
        return 0;
    *out = tm_arena_strdup(c->a, s);
    return 1;
}

static int S_str(S_ctx *c, const tm_pair *p, const char **out)
{
    return S_str_node(c, p->value, p->key, out);
}

static int S_int(S_ctx *c, const tm_pair *p, long long *out)
{
    return tm_check_int(&c->chk, p->value, p->key, out) == 0;
}

static int S_bool(S_ctx *c, const tm_pair *p, bool *out)
{
    return tm_check_bool(&c->chk, p->value, p->key, out) == 0;
}

/* A list of strings with the position of each item (for references).
 * XML text is split on whitespace; its items share the attribute's place. */
typedef struct {
    const char **items;
    tm_loc *locs;
    size_t n;
} S_strs;

static int S_strlist(S_ctx *c, const tm_pair *p, S_strs *out)
{
    memset(out, 0, sizeof *out);
    int ok = 1;
    const tm_node **nodes = NULL;
    size_t n = 0;
    const char **items =
        tm_check_strings(&c->chk, p->value, p->key,
                         TM_CHECK_SPLIT_TEXT | TM_CHECK_NUMBER_OK | TM_CHECK_EMPTY_ITEM_OK, &n,
                         &nodes, &ok);
    if (!ok && p->value->kind != TM_NODE_LIST)
        return 0;
    out->items = tm_arena_array(c->a, n ? n : 1, sizeof *out->items);
    out->locs = tm_arena_array(c->tmp, n ? n : 1, sizeof *out->locs);
    for (size_t i = 0; i < n; i++) {
        out->items[i] = tm_arena_strdup(c->a, items[i]);
        out->locs[i] = S_loc(c, nodes[i]);
    }
    out->n = n;
    return ok;
}

/* A map-valued key. XML writes an empty element (`<props/>`) as empty
 * text: that is an empty map. */
static const tm_node *S_map(S_ctx *c, const tm_node *v, const char *what)
{
    return tm_check_map(&c->chk, v, what);
}

static const tm_node *S_list(S_ctx *c, const tm_pair *p)
{
    return tm_check_list(&c->chk, p->value, tm_arena_printf(c->tmp, "'%s'", p->key));
}

/* Report keys of `map` that are not in keys[]; `what` is "an element"... */
static void S_check_keys(S_ctx *c, const tm_node *map, const char *const *keys, size_t n,
                         const char *what)
{
    tm_check_keys(&c->chk, map, what, keys, n);
}

static const tm_pair *S_need(S_ctx *c, const tm_node *map, const char *key, const char *what)
{
    return tm_check_require(&c->chk, map, key, what) ? tm_node_get_pair(map, key) : NULL;
}

/* An enum value: names[] are what a model may write. */
static int S_enum(S_ctx *c, const tm_pair *p, const char *what, const char *const *names,
                  size_t n, int *out)
{
    (void)what;
    int k = tm_check_enum(&c->chk, p->value, p->key, names, n);
    if (k < 0)
        return 0;
    *out = k;
    return 1;
}

/* ----------------------------------------------------------- ids */

static int S_id_char(char ch, int first)
{
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
        return 1;
    return !first && (ch == '_' || ch == '.' || ch == '-');
}

static int S_valid_id(const char *s)
{
    if (!s[0] || !S_id_char(s[0], 1))
        return 0;
    for (size_t i = 1; s[i]; i++)
        if (!S_id_char(s[i], 0))
            return 0;
    return 1;
}

/* "line 12" in the same file, else "other.yaml:12". */
static const char *S_where(S_ctx *c, tm_loc first, tm_loc here)
{
    if (first.file && here.file && strcmp(first.file, here.file) != 0)
        return tm_arena_printf(c->tmp, "%s:%u", first.file, (unsigned)first.line);
    return tm_arena_printf(c->tmp, "line %u", (unsigned)first.line);
}

/* Read the required `id` of an item and register it. */
static const char *S_take_id(S_ctx *c, const tm_node *map, const char *what, tm_ref_kind kind,
                             void *ptr, tm_loc *id_loc)
{
    const tm_pair *p = S_need(c, map, "id", what);
    const char *id;
    if (!p || !S_str(c, p, &id))
        return NULL;
    tm_loc l = S_loc(c, p->value);
    if (id_loc)
        *id_loc = l;
    if (!S_valid_id(id)) {
        S_err(c, "bad-id", l,
              "invalid id '%s': an id starts with a letter or digit and has only letters, digits, "
              "'_', '.' and '-'",
              id);
    }
    const tm_ref *prev = tm_map_get(c->m->ids, id);
    if (prev) {
        S_err(c, "duplicate-id", l, "duplicate id '%s' (first defined at %s)", id,
              S_where(c, prev->loc, l));
        return id;
    }
    tm_ref *r = tm_arena_alloc(c->a, sizeof *r);
    r->kind = kind;
    r->ptr = ptr;
    r->loc = l;
    tm_map_put(c->m->ids, id, r);
    return id;
}

static S_pending *S_ref(S_ctx *c, S_want want, const char *phrase, const char *const *owner,
                        const char *id, tm_loc loc)
{
    S_pending *p = tm_arena_alloc(c->tmp, sizeof *p);
    p->want = want;
    p->phrase = phrase;
    p->owner = owner;
    p->id = id;
    p->loc = loc;
    tm_vec_push(&c->pending, p);
    return p;
}

/* Data references of an element or a flow. */
static void S_data_refs(S_ctx *c, const tm_pair *p, const char *phrase, const char *const *owner,
                        tm_data ***out, size_t *n_out)
{
    S_strs s;
    S_strlist(c, p, &s);
    *out = tm_arena_array(c->a, s.n ? s.n : 1, sizeof **out);
    *n_out = s.n;
    for (size_t i = 0; i < s.n; i++)
        S_ref(c, S_WANT_DATA, phrase, owner, s.items[i], s.locs[i])->data_slot = &(*out)[i];
}

/* -------------------------------------------------------------- props */

/* Copy a props value into the model's arena. XML text becomes typed:
 * true/false -> boolean, whole numbers -> integer, else string, so that
 * a model written in XML equals the same model in YAML or JSON. */
static tm_node *S_copy_prop(S_ctx *c, const tm_node *v)
{
    tm_node *n = tm_node_new(c->a, v->kind, S_file(c, v->file), v->line, v->col);
    switch (v->kind) {
    case TM_NODE_SCALAR: {
        n->stype = v->stype;
        n->text = tm_arena_strdup(c->a, v->text);
        n->len = v->len;
        n->ival = v->ival;
        n->fval = v->fval;
        n->bval = v->bval;
        if (v->stype == TM_SCALAR_TEXT) {
            long long iv;
            if (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0) {
                n->stype = TM_SCALAR_BOOL;
                n->bval = v->text[0] == 't';
            } else if (tm_check_parse_int(v->text, &iv)) {
                n->stype = TM_SCALAR_INT;
                n->ival = iv;
            } else {
                n->stype = TM_SCALAR_STRING;
            }
        }
        break;
    }
    case TM_NODE_LIST:
        for (size_t i = 0; i < v->n; i++)
            tm_node_list_push(c->a, n, S_copy_prop(c, v->items[i]));
        break;
    case TM_NODE_MAP:
        for (size_t i = 0; i < v->n; i++)
            tm_node_map_put(c->a, n, tm_arena_strdup(c->a, v->pairs[i].key), v->pairs[i].line,
                            v->pairs[i].col, S_copy_prop(c, v->pairs[i].value));
        break;
    }
    return n;
}

static const tm_node *S_props(S_ctx *c, const tm_node *item)
{
    const tm_pair *p = tm_node_get_pair(item, "props");
    if (p) {
        const tm_node *map = S_map(c, p->value, "'props'");
        if (map && map->kind == TM_NODE_MAP && map->n)
            return S_copy_prop(c, map);
    }
    return tm_node_new(c->a, TM_NODE_MAP, S_file(c, item->file), item->line, item->col);
}

/* ------------------------------------------------------------ system */

static const char *const S_system_keys[] = {"name",    "description", "owner",
                                            "version", "date",        "reviewers"};

static void S_build_system(S_ctx *c, const tm_node *v)
{
    const tm_node *map = S_map(c, v, "'system'");
    if (!map)
        return;
    tm_system *s = &c->m->system;
    s->loc = S_loc(c, v);
    S_check_keys(c, map, S_system_keys, S_COUNT(S_system_keys), "'system'");
    const tm_pair *p;
    if ((p = S_need(c, map, "name", "'system'")) != NULL)
        S_str(c, p, &s->name);
    if ((p = tm_node_get_pair(map, "description")) != NULL)
        S_str(c, p, &s->description);
    if ((p = tm_node_get_pair(map, "owner")) != NULL)
        S_str(c, p, &s->owner);
    if ((p = tm_node_get_pair(map, "version")) != NULL)
        S_str(c, p, &s->version);
    if ((p = tm_node_get_pair(map, "date")) != NULL)
        S_str(c, p, &s->date);
    if ((p = tm_node_get_pair(map, "reviewers")) != NULL) {
        S_strs r;
        S_strlist(c, p, &r);
        s->reviewers = r.items;
        s->n_reviewers = r.n;
    }
}

/* -------------------------------------------------------------- data */

static const char *const S_data_keys[] = {"id", "name", "classification", "description"};
static const char *const S_class_values[] = {"public", "internal", "confidential", "restricted"};

static void S_build_data(S_ctx *c, const tm_node *map)
{
    tm_data *x = tm_arena_alloc(c->a, sizeof *x);
    x->loc = S_loc(c, map);
    S_check_keys(c, map, S_data_keys, S_COUNT(S_data_keys), "a data asset");
    x->id = S_take_id(c, map, "a data asset", TM_REF_DATA, x, NULL);
    const tm_pair *p;
    if ((p = tm_node_get_pair(map, "name")) != NULL)
        x->name_given = S_str(c, p, &x->name);
    if ((p = tm_node_get_pair(map, "classification")) != NULL) {
        int v;
        if (S_enum(c, p, "classification", S_class_values, S_COUNT(S_class_values), &v))
            x->classification = (tm_class)(TM_CLASS_PUBLIC + v);
    }
    if ((p = tm_node_get_pair(map, "description")) != NULL)
        S_str(c, p, &x->description);
    if (!x->name)
        x->name = x->id;
    x->index = c->data.len;
    tm_vec_push(&c->data, x);
}

/* -------------------------------------------------------- boundaries */

static const char *const S_boundary_keys[] = {"id", "name", "type", "parent", "description"};

static void S_build_boundary(S_ctx *c, const tm_node *map)
{
    tm_boundary *b = tm_arena_alloc(c->a, sizeof *b);
    b->loc = S_loc(c, map);
    S_check_keys(c, map, S_boundary_keys, S_COUNT(S_boundary_keys), "a boundary");
    b->id = S_take_id(c, map, "a boundary", TM_REF_BOUNDARY, b, NULL);
    const tm_pair *p;
    if ((p = tm_node_get_pair(map, "name")) != NULL)
        b->name_given = S_str(c, p, &b->name);
    if ((p = tm_node_get_pair(map, "type")) != NULL)
        S_str(c, p, &b->type);
    if ((p = tm_node_get_pair(map, "description")) != NULL)
        S_str(c, p, &b->description);
    S_boundary_extra *bx = tm_arena_alloc(c->tmp, sizeof *bx);
    bx->b = b;
    if ((p = tm_node_get_pair(map, "parent")) != NULL && S_str(c, p, &b->parent_id)) {
        bx->parent_loc = S_loc(c, p->value);
        S_ref(c, S_WANT_BOUNDARY, "boundary '%s' has parent", &b->id, b->parent_id,
              bx->parent_loc)
            ->boundary_slot = &b->parent;
    }
    if (!b->name)
        b->name = b->id;
    b->index = c->boundaries.len;
    tm_vec_push(&c->boundaries, b);
    tm_vec_push(&c->boundary_extra, bx);
}

/* ---------------------------------------------------------- elements */

static const char *const S_element_keys[] = {
    "id",     "name",      "description", "type", "kind",         "boundary", "identity",
    "origin", "libraries", "data",        "out_of_scope", "reason", "props"};
static const char *const S_kind_values[] = {"external", "process", "store"};
static const char *const S_origin_values[] = {"in-house", "third-party", "open-source"};

static void S_build_element(S_ctx *c, const tm_node *map)
{
    tm_element *e = tm_arena_alloc(c->a, sizeof *e);
    e->loc = S_loc(c, map);
    S_check_keys(c, map, S_element_keys, S_COUNT(S_element_keys), "an element");
    e->id = S_take_id(c, map, "an element", TM_REF_ELEMENT, e, NULL);
    const tm_pair *p, *type_pair = NULL;
    if ((p = tm_node_get_pair(map, "name")) != NULL)
        e->name_given = S_str(c, p, &e->name);
    if ((p = tm_node_get_pair(map, "description")) != NULL)
        S_str(c, p, &e->description);
    if ((p = tm_node_get_pair(map, "type")) != NULL && S_str(c, p, &e->type))
        type_pair = p;
    int kind_bad = 0;
    if ((p = tm_node_get_pair(map, "kind")) != NULL) {
        int v;
        if (S_enum(c, p, "kind", S_kind_values, S_COUNT(S_kind_values), &v)) {
            e->kind = (tm_kind)v;
            e->kind_given = true;
        } else {
            kind_bad = 1;
        }
    }
    if (!tm_node_get_pair(map, "type") && !tm_node_get_pair(map, "kind"))
        S_err(c, "missing-key", S_loc(c, map),
              "missing required key 'type' in an element (or give its 'kind')");
    if (e->type) {
        tm_kind k;
        e->type_known = tm_catalog_kind(c->catalog, e->type, &k) != 0;
        if (e->type_known && !e->kind_given)
            e->kind = k;
        if (!e->type_known && !e->kind_given && !kind_bad) {
            const char *dym = tm_check_suggest(e->type, c->catalog->names, c->catalog->n_types);
            e->kind = TM_KIND_PROCESS;
            if (dym)
                S_warn(c, "unknown-type", S_loc(c, type_pair->value),
                       "unknown element type '%s' (did you mean '%s'?); treating it as a process",
                       e->type, dym);
            else
                S_warn(c, "unknown-type", S_loc(c, type_pair->value),
                       "unknown element type '%s'; treating it as a process", e->type);
        }
    }
    if ((p = tm_node_get_pair(map, "boundary")) != NULL) {
        const char *id;
        if (S_str(c, p, &id))
            S_ref(c, S_WANT_BOUNDARY, "element '%s' is in boundary", &e->id, id,
                  S_loc(c, p->value))
                ->boundary_slot = &e->boundary;
    }
    if ((p = tm_node_get_pair(map, "identity")) != NULL) {
        const char *id;
        if (S_str(c, p, &id))
            S_ref(c, S_WANT_IDENTITY, "element '%s' runs as identity", &e->id, id,
                  S_loc(c, p->value))
                ->identity_slot = &e->identity;
    }
    if ((p = tm_node_get_pair(map, "origin")) != NULL) {
        int v;
        if (S_enum(c, p, "origin", S_origin_values, S_COUNT(S_origin_values), &v))
            e->origin = (tm_origin)(TM_ORIGIN_IN_HOUSE + v);
    }
    if ((p = tm_node_get_pair(map, "libraries")) != NULL) {
        S_strs s;
        S_strlist(c, p, &s);
        e->libraries = s.items;
        e->n_libraries = s.n;
    }
    if ((p = tm_node_get_pair(map, "data")) != NULL)
        S_data_refs(c, p, "element '%s' handles data", &e->id, &e->data, &e->n_data);
    if ((p = tm_node_get_pair(map, "out_of_scope")) != NULL)
        e->out_of_scope_given = S_bool(c, p, &e->out_of_scope);
    if ((p = tm_node_get_pair(map, "reason")) != NULL)
        S_str(c, p, &e->reason);
    e->props = S_props(c, map);
    if (!e->name)
        e->name = e->id;
    e->index = c->elements.len;
    tm_vec_push(&c->elements, e);
}

/* ------------------------------------------------------------- flows */

static const char *const S_flow_keys[] = {
    "id",   "from",          "to",        "name",          "description",
    "protocol", "port",      "data",      "authenticated", "encrypted",
    "authorization", "trigger", "bidirectional", "props"};
static const char *const S_authz_values[] = {"none", "technical", "end-user"};

static void S_tri(S_ctx *c, const tm_node *map, const char *key, tm_tri *out)
{
    const tm_pair *p = tm_node_get_pair(map, key);
    bool v;
    if (p && S_bool(c, p, &v))
        *out = v ? TM_TRI_TRUE : TM_TRI_FALSE;
}

static void S_build_flow(S_ctx *c, const tm_node *map)
{
    tm_flow *f = tm_arena_alloc(c->a, sizeof *f);
    S_flow_extra *fx = tm_arena_alloc(c->tmp, sizeof *fx);
    fx->flow = f;
    f->loc = S_loc(c, map);
    S_check_keys(c, map, S_flow_keys, S_COUNT(S_flow_keys), "a flow");
    const tm_pair *p;
    if (tm_node_get_pair(map, "id"))
        f->id = S_take_id(c, map, "a flow", TM_REF_FLOW, f, NULL);
    if ((p = S_need(c, map, "from", "a flow")) != NULL && S_str(c, p, &fx->from_id))
        S_ref(c, S_WANT_ELEMENT, "flow '%s' comes from", &f->id, fx->from_id, S_loc(c, p->value))
            ->element_slot = &f->from;
    if ((p = S_need(c, map, "to", "a flow")) != NULL && S_str(c, p, &fx->to_id))
        S_ref(c, S_WANT_ELEMENT, "flow '%s' goes to", &f->id, fx->to_id, S_loc(c, p->value))
            ->element_slot = &f->to;
    if ((p = tm_node_get_pair(map, "name")) != NULL)
        S_str(c, p, &f->name);
    if ((p = tm_node_get_pair(map, "description")) != NULL)
        S_str(c, p, &f->description);
    if ((p = tm_node_get_pair(map, "protocol")) != NULL)
        S_str(c, p, &f->protocol);
    if ((p = tm_node_get_pair(map, "port")) != NULL) {
        long long port;
        if (S_int(c, p, &port)) {
            if (port < 1 || port > 65535)
                S_err(c, "bad-value", S_loc(c, p->value), "port %lld is out of range (1..65535)",
                      port);
            else
                f->port = port;
        }
    }
    if ((p = tm_node_get_pair(map, "data")) != NULL)
        S_data_refs(c, p, "flow '%s' carries data", &f->id, &f->data, &f->n_data);
    S_tri(c, map, "authenticated", &f->authenticated);
    S_tri(c, map, "encrypted", &f->encrypted);
    if ((p = tm_node_get_pair(map, "authorization")) != NULL) {
        int v;
        if (S_enum(c, p, "authorization", S_authz_values, S_COUNT(S_authz_values), &v))
            f->authorization = (tm_authz)(TM_AUTHZ_NONE + v);
    }
    if ((p = tm_node_get_pair(map, "trigger")) != NULL)
        f->trigger_given = S_bool(c, p, &f->trigger);
    if ((p = tm_node_get_pair(map, "bidirectional")) != NULL)
        f->bidirectional_given = S_bool(c, p, &f->bidirectional);
    f->props = S_props(c, map);
    f->index = c->flows.len;
    tm_vec_push(&c->flows, f);
    tm_vec_push(&c->flow_extra, fx);
}

/* -------------------------------------------------------- identities */

static const char *const S_identity_keys[] = {"id", "name", "type", "description", "statements"};
static const char *const S_statement_keys[] = {
    "sid",        "effect",         "actions",    "not_actions", "resources", "not_resources",
    "principals", "not_principals", "conditions", "policy"};
static const char *const S_condition_keys[] = {"test", "variable", "values"};
static const char *const S_effect_values[] = {"allow", "deny"};

static void S_build_condition(S_ctx *c, const tm_node *v, tm_condition *k)
{
    const tm_node *map = S_map(c, v, "a condition");
    k->loc = S_loc(c, v);
    if (!map)
        return;
    S_check_keys(c, map, S_condition_keys, S_COUNT(S_condition_keys), "a condition");
    const tm_pair *p;
    if ((p = S_need(c, map, "test", "a condition")) != NULL)
        S_str(c, p, &k->test);
    if ((p = S_need(c, map, "variable", "a condition")) != NULL)
        S_str(c, p, &k->variable);
    if ((p = S_need(c, map, "values", "a condition")) != NULL) {
        S_strs s;
        S_strlist(c, p, &s);
        k->values = s.items;
        k->n_values = s.n;
    }
}

static void S_strs_into(S_ctx *c, const tm_node *map, const char *key, const char ***items,
                        size_t *n)
{
    const tm_pair *p = tm_node_get_pair(map, key);
    if (!p)
        return;
    S_strs s;
    S_strlist(c, p, &s);
    *items = s.items;
    *n = s.n;
}

static void S_build_statement(S_ctx *c, const tm_node *v, tm_statement *st)
{
    const tm_node *map = S_map(c, v, "a statement");
    st->loc = S_loc(c, v);
    if (!map)
        return;
    S_check_keys(c, map, S_statement_keys, S_COUNT(S_statement_keys), "a statement");
    const tm_pair *p;
    if ((p = tm_node_get_pair(map, "sid")) != NULL)
        S_str(c, p, &st->sid);
    if ((p = S_need(c, map, "effect", "a statement")) != NULL) {
        int e;
        if (S_enum(c, p, "effect", S_effect_values, S_COUNT(S_effect_values), &e))
            st->allow = e == 0;
    }
    S_strs_into(c, map, "actions", &st->actions, &st->n_actions);
    S_strs_into(c, map, "not_actions", &st->not_actions, &st->n_not_actions);
    S_strs_into(c, map, "resources", &st->resources, &st->n_resources);
    S_strs_into(c, map, "not_resources", &st->not_resources, &st->n_not_resources);
    S_strs_into(c, map, "principals", &st->principals, &st->n_principals);
    S_strs_into(c, map, "not_principals", &st->not_principals, &st->n_not_principals);
    if ((p = tm_node_get_pair(map, "policy")) != NULL)
        S_str(c, p, &st->policy);
    if ((p = tm_node_get_pair(map, "conditions")) != NULL) {
        const tm_node *list = S_list(c, p);
        if (list) {
            st->conditions = tm_arena_array(c->a, list->n ? list->n : 1, sizeof *st->conditions);
            st->n_conditions = list->n;
            for (size_t i = 0; i < list->n; i++)
                S_build_condition(c, list->items[i], &st->conditions[i]);
        }
    }
}

static void S_build_identity(S_ctx *c, const tm_node *map)
{
    tm_identity *x = tm_arena_alloc(c->a, sizeof *x);
    x->loc = S_loc(c, map);
    S_check_keys(c, map, S_identity_keys, S_COUNT(S_identity_keys), "an identity");
    x->id = S_take_id(c, map, "an identity", TM_REF_IDENTITY, x, NULL);
    const tm_pair *p;
    if ((p = tm_node_get_pair(map, "name")) != NULL)
        x->name_given = S_str(c, p, &x->name);
    if ((p = tm_node_get_pair(map, "type")) != NULL)
        S_str(c, p, &x->type);
    if ((p = tm_node_get_pair(map, "description")) != NULL)
        S_str(c, p, &x->description);
    if ((p = tm_node_get_pair(map, "statements")) != NULL) {
        const tm_node *list = S_list(c, p);
        if (list) {
            x->statements = tm_arena_array(c->a, list->n ? list->n : 1, sizeof *x->statements);
            x->n_statements = list->n;
            for (size_t i = 0; i < list->n; i++)
                S_build_statement(c, list->items[i], &x->statements[i]);
        }
    }
    if (!x->name)
        x->name = x->id;
    x->index = c->identities.len;
    tm_vec_push(&c->identities, x);
}

/* --------------------------------------------------------- artifacts */

static const char *const S_artifact_keys[] = {"id",   "name",    "type",   "description", "path",
                                              "version", "origin", "owner", "defines",    "props"};
static const char *const S_artifact_types[] = {"deployment-script", "ci-config", "library", "sdk",
                                               "plugin",            "config",    "credential"};

static int S_is_under(const char *p, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return p[0] == '/';
    return strncmp(p, root, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* Absolute, lexically normalised form of `path` (". " and ".." folded),
 * with the longest existing prefix resolved through realpath so that a
 * missing file under a symlinked folder compares like an existing one.
 * malloc'd; NULL when the working directory cannot be found. */
static char *S_abs_path(const char *path)
{
    tm_buf b;
    tm_buf_init(&b, 1u << 20);
    if (path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        if (!cwd) {
            tm_buf_free(&b);
            return NULL;
        }
        tm_buf_puts(&b, cwd);
        free(cwd);
        tm_buf_putc(&b, '/');
    }
    tm_buf_puts(&b, path);
    /* Fold components. */
    char *in = tm_buf_detach(&b);
    size_t len = strlen(in);
    char *out = tm_xmalloc(len + 2);
    size_t o = 0;
    for (char *s = in; *s;) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        char *e = s;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - s);
        if (n == 1 && s[0] == '.') {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    free(in);
    /* Resolve the longest existing prefix. */
    size_t cut = o;
    for (;;) {
        char saved = out[cut];
        out[cut] = '\0';
        char *real = realpath(cut ? out : "/", NULL);
        out[cut] = saved;
        if (real) {
            tm_buf r;
            tm_buf_init(&r, 1u << 20);
            tm_buf_puts(&r, real);
            free(real);
            if (cut < o) {
                if (r.len && r.data[r.len - 1] == '/')
                    r.len--, r.data[r.len] = '\0';
                tm_buf_puts(&r, out + cut);
            }
            free(out);
            return tm_buf_detach(&r);
        }
        if (cut == 0)
            break;
        while (cut > 0 && out[cut - 1] != '/')
            cut--;
        if (cut > 0)
            cut--;
    }
    return out;
}

/* `dir`/`path` unless path is absolute or dir is "." (arena string). */
static const char *S_join(tm_arena *a, const char *dir, const char *path)
{
    if (path[0] == '/' || !dir || strcmp(dir, ".") == 0)
        return tm_arena_strdup(a, path);
    return tm_arena_printf(a, "%s/%s", dir, path);
}

static void S_artifact_path(S_ctx *c, tm_artifact *x, tm_loc loc)
{
    x->resolved_path = S_join(c->a, c->m->source_dir, x->path);
    char *abs = S_abs_path(x->resolved_path);
    if (!abs)
        return;
    int inside = c->root_real && S_is_under(abs, c->root_real);
    if (!inside && c->opts) {
        for (size_t i = 0; i < c->opts->n_allow_paths && !inside; i++) {
            char *allow = S_abs_path(c->opts->allow_paths[i]);
            if (allow && S_is_under(abs, allow))
                inside = 1;
            free(allow);
        }
    }
    struct stat st;
    x->path_exists = stat(x->resolved_path, &st) == 0;
    free(abs);
    if (!inside) {
        S_err(c, "artifact-path", loc,
              "artifact path '%s' is outside the model's folder; pass --allow-path DIR to allow it",
              x->path);
        return;
    }
    if (!x->path_exists)
        S_warn(c, "artifact-path", loc, "artifact path '%s' does not exist", x->path);
}

static void S_build_artifact(S_ctx *c, const tm_node *map)
{
    tm_artifact *x = tm_arena_alloc(c->a, sizeof *x);
    x->loc = S_loc(c, map);
    S_check_keys(c, map, S_artifact_keys, S_COUNT(S_artifact_keys), "an artifact");
    x->id = S_take_id(c, map, "an artifact", TM_REF_ARTIFACT, x, NULL);
    const tm_pair *p;
    if ((p = tm_node_get_pair(map, "name")) != NULL)
        x->name_given = S_str(c, p, &x->name);
    x->type = TM_ART_OTHER;
    if ((p = S_need(c, map, "type", "an artifact")) != NULL && S_str(c, p, &x->type_name)) {
        if (!tm_artifact_type_parse(x->type_name, &x->type)) {
            x->type = TM_ART_OTHER;
            S_warn(c, "unknown-type", S_loc(c, p->value), "unknown artifact type '%s'%s",
                   x->type_name,
                   S_hint(c, x->type_name, S_artifact_types, S_COUNT(S_artifact_types)));
        }
    }
    if ((p = tm_node_get_pair(map, "description")) != NULL)
        S_str(c, p, &x->description);
    if ((p = tm_node_get_pair(map, "path")) != NULL && S_str(c, p, &x->path)) {
        if (x->path[0])
            S_artifact_path(c, x, S_loc(c, p->value));
        else
            S_err(c, "bad-value", S_loc(c, p->value), "artifact path is empty");
    }
    if ((p = tm_node_get_pair(map, "version")) != NULL)
        S_str(c, p, &x->version);
    if ((p = tm_node_get_pair(map, "origin")) != NULL) {
        int v;
        if (S_enum(c, p, "origin", S_origin_values, S_COUNT(S_origin_values), &v))
            x->origin = (tm_origin)(TM_ORIGIN_IN_HOUSE + v);
    }
    if ((p = tm_node_get_pair(map, "owner")) != NULL)
        S_str(c, p, &x->owner);
    if ((p = tm_node_get_pair(map, "defines")) != NULL) {
        S_strs s;
        S_strlist(c, p, &s);
        x->defines = s.items;
        x->n_defines = s.n;
        for (size_t i = 0; i < s.n; i++)
            S_ref(c, S_WANT_DEFINABLE, "artifact '%s' defines", &x->id, s.items[i], s.locs[i]);
    }
    x->props = S_props(c, map);
    if (!x->name)
        x->name = x->id;
    x->index = c->artifacts.len;
    tm_vec_push(&c->artifacts, x);
}

/* ------------------------------------------------------- assumptions */

static const char *const S_assumption_keys[] = {"id", "text"};

static void S_build_assumption(S_ctx *c, const tm_node *v)
{
    tm_assumption *x = tm_arena_alloc(c->a, sizeof *x);
    x->loc = S_loc(c, v);
    if (v->kind == TM_NODE_MAP) {
        S_check_keys(c, v, S_assumption_keys, S_COUNT(S_assumption_keys), "an assumption");
        if (tm_node_get_pair(v, "id"))
            x->id = S_take_id(c, v, "an assumption", TM_REF_ASSUMPTION, x, NULL);
        const tm_pair *p = S_need(c, v, "text", "an assumption");
        if (p)
            S_str(c, p, &x->text);
    } else if (!S_str_node(c, v, "assumptions", &x->text)) {
        return;
    }
    if (!x->text)
        x->text = "";
    tm_vec_push(&c->assumptions, x);
}

/* ----------------------------------------------------------- threats */

static const char *const S_threat_keys[] = {"id",    "status", "justification",
                                            "owner", "ticket", "date"};
static const char *const S_status_values[] = {"open",     "in-progress", "mitigated",
                                              "accepted", "transferred", "false-positive"};

/* RULE@TARGET where each side is id characters or '*'. */
static int S_valid_pattern(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (const char *q = s; *q; q++) {
        if (q == at)
            continue;
        if (*q != '*' && !S_id_char(*q, 0))
            return 0;
    }
    return 1;
}

static void S_build_threat(S_ctx *c, const tm_node *map)
{
    tm_decision *x = tm_arena_alloc(c->a, sizeof *x);
    x->loc = S_loc(c, map);
    S_check_keys(c, map, S_threat_keys, S_COUNT(S_threat_keys), "a threat decision");
    const tm_pair *p;
    if ((p = S_need(c, map, "id", "a threat decision")) != NULL && S_str(c, p, &x->pattern)) {
        if (!S_valid_pattern(x->pattern)) {
            S_err(c, "bad-value", S_loc(c, p->value),
                  "threat id '%s' should look like RULE-ID@TARGET-ID ('*' matches any run of "
                  "characters other than '@')",
                  x->pattern);
        } else {
            /* A decision naming a target that is not in the model never
             * applies: say so once every id is known. */
            const char *target = strchr(x->pattern, '@') + 1;
            if (!strchr(target, '*') && strcmp(target, "model") != 0) {
                S_pending *w = tm_arena_alloc(c->tmp, sizeof *w);
                w->id = target;
                w->loc = S_loc(c, p->value);
                w->owner = &x->pattern;
                tm_vec_push(&c->decision_targets, w);
            }
        }
    }
    if ((p = S_need(c, map, "status", "a threat decision")) != NULL) {
        int v;
        if (S_enum(c, p, "status", S_status_values, S_COUNT(S_status_values), &v))
            x->status = (tm_status)v;
    }
    if ((p = tm_node_get_pair(map, "justification")) != NULL)
        S_str(c, p, &x->justification);
    if ((p = tm_node_get_pair(map, "owner")) != NULL)
        S_str(c, p, &x->owner);
    if ((p = tm_node_get_pair(map, "ticket")) != NULL)
        S_str(c, p, &x->ticket);
    if ((p = tm_node_get_pair(map, "date")) != NULL)
        S_str(c, p, &x->date);
    tm_vec_push(&c->decisions, x);
}

/* ---------------------------------------------------------- top level */

static const char *const S_top_keys[] = {"stridec",    "system",    "data",        "boundaries",
                                         "elements",   "flows",     "identities",  "artifacts",
                                         "assumptions", "threats",  "include"};

typedef void (*S_item_fn)(S_ctx *c, const tm_node *map);

/* A list of maps: each item must be a map. */
static void S_each_map(S_ctx *c, const tm_pair *p, const char *what, S_item_fn fn)
{
    const tm_node *list = S_list(c, p);
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++) {
        const tm_node *map = S_map(c, list->items[i], what);
        if (map)
            fn(c, map);
    }
}

static void S_build_file(S_ctx *c, const tm_node *root, const char *file, int is_main);

static char *S_dirname(const char *file)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    if (!slash)
        return tm_xstrdup(".");
    if (slash == file)
        return tm_xstrdup("/");
    size_t n = (size_t)(slash - file);
    char *d = tm_xmalloc(n + 1);
    memcpy(d, file, n);
    d[n] = '\0';
    return d;
}

/* Merge one included file: read, check, build its lists (appended after
 * everything before it), then its own includes. */
static void S_include(S_ctx *c, const char *including, const char *path, tm_loc loc)
{
    char *dir = S_dirname(including);
    const char *file = (path[0] == '/' || !including || !strchr(including, '/'))
                           ? tm_arena_strdup(c->tmp, path)
                           : tm_arena_printf(c->tmp, "%s/%s", dir, path);
    free(dir);
    char *real = realpath(file, NULL);
    if (!real) {
        S_err(c, "include", loc, "cannot include '%s': %s", path, strerror(errno));
        return;
    }
    for (size_t i = 0; i < c->depth; i++) {
        if (c->stack[i] && strcmp(c->stack[i], real) == 0) {
            tm_buf b;
            tm_buf_init(&b, 1u << 16);
            for (size_t k = i; k < c->depth; k++)
                tm_buf_printf(&b, "%s -> ", c->stack_names[k]);
            tm_buf_puts(&b, file);
            S_err(c, "include", loc, "include cycle: %s", b.data ? b.data : "");
            tm_buf_free(&b);
            free(real);
            return;
        }
    }
    if (c->depth > TM_MAX_INCLUDE_DEPTH) {
        S_err(c, "include", loc, "includes are nested deeper than %d files",
              (int)TM_MAX_INCLUDE_DEPTH);
        free(real);
        return;
    }
    /* Only regular files: opening a FIFO or a device would block or never end. */
    struct stat st;
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        S_err(c, "include", loc, "cannot include '%s': not a regular file", path);
        free(real);
        return;
    }
    /* A file reached twice without a cycle (a diamond) is merged once. */
    if (tm_map_get(c->merged, real)) {
        free(real);
        return;
    }
    const char *real_copy = tm_arena_strdup(c->tmp, real);
    free(real);
    tm_map_put(c->merged, real_copy, (void *)real_copy);
    const tm_read_limits *lim = c->opts ? &c->opts->limits : NULL;
    tm_vec_push(&c->read_files, (void *)S_file(c, file));
    tm_node *root = tm_read_file_tree(c->tmp, file, lim, c->d);
    if (!root)
        return;
    c->stack[c->depth] = real_copy;
    c->stack_names[c->depth] = file;
    c->depth++;
    S_build_file(c, root, file, 0);
    c->depth--;
}

static void S_build_file(S_ctx *c, const tm_node *root, const char *file, int is_main)
{
    if (!root) {
        tm_loc l = {S_file(c, file), 0, 0};
        S_err(c, "wrong-type", l, "the model is empty; expected a map that starts with 'stridec: 1'");
        return;
    }
    const tm_node *map = root;
    if (root->kind != TM_NODE_MAP) {
        if (root->kind == TM_NODE_SCALAR &&
            (root->stype == TM_SCALAR_NULL || (root->text && S_blank(root->text))))
            S_err(c, "wrong-type", S_loc(c, root),
                  "the model is empty; expected a map that starts with 'stridec: 1'");
        else
            S_err(c, "wrong-type", S_loc(c, root), "the model must be a map at the top level, not %s",
                  tm_check_what(root));
        return;
    }
    S_check_keys(c, map, S_top_keys, S_COUNT(S_top_keys), NULL);
    const tm_pair *p;
    if ((p = tm_node_get_pair(map, "stridec")) == NULL)
        S_err(c, "missing-key", S_loc(c, map),
              "missing required key 'stridec' (the format version: 'stridec: 1', or "
              "<stridec version=\"1\"> in XML)");
    if (p) {
        long long v;
        if (S_int(c, p, &v)) {
            if (v != TM_MODEL_VERSION)
                S_err(c, "bad-version", S_loc(c, p->value),
                      "unsupported format version %lld (this stridec reads version %d)", v,
                      TM_MODEL_VERSION);
            else if (is_main)
                c->m->format_version = v;
        }
    }
    if ((p = tm_node_get_pair(map, "system")) != NULL) {
        if (is_main)
            S_build_system(c, p->value);
        else
            S_err(c, "include", S_kloc(c, map, p),
                  "an included file cannot have a 'system' (only the main model does)");
    } else if (is_main) {
        S_err(c, "missing-key", S_loc(c, map), "missing required key 'system' in the model");
    }
    /* Lists in file order, as they are written. */
    for (size_t i = 0; i < map->n; i++) {
        p = &map->pairs[i];
        const char *k = p->key;
        if (strcmp(k, "data") == 0)
            S_each_map(c, p, "a data asset", S_build_data);
        else if (strcmp(k, "boundaries") == 0)
            S_each_map(c, p, "a boundary", S_build_boundary);
        else if (strcmp(k, "elements") == 0)
            S_each_map(c, p, "an element", S_build_element);
        else if (strcmp(k, "flows") == 0)
            S_each_map(c, p, "a flow", S_build_flow);
        else if (strcmp(k, "identities") == 0)
            S_each_map(c, p, "an identity", S_build_identity);
        else if (strcmp(k, "artifacts") == 0)
            S_each_map(c, p, "an artifact", S_build_artifact);
        else if (strcmp(k, "threats") == 0)
            S_each_map(c, p, "a threat decision", S_build_threat);
        else if (strcmp(k, "assumptions") == 0) {
            const tm_node *list = S_list(c, p);
            for (size_t j = 0; list && j < list->n; j++)
                S_build_assumption(c, list->items[j]);
        }
    }
    /* Includes last: their lists come after this file's. */
    if ((p = tm_node_get_pair(map, "include")) != NULL) {
        S_strs inc;
        S_strlist(c, p, &inc);
        if (is_main) {
            c->m->includes = inc.items;
            c->m->n_includes = inc.n;
        }
        for (size_t i = 0; i < inc.n; i++)
            S_include(c, file, inc.items[i], inc.locs[i]);
    }
}

/* ------------------------------------------------- after every file */

/* Generated flow ids: SRC--DST, then SRC--DST--2, ... in flow order. */
static void S_flow_ids(S_ctx *c)
{
    tm_map *seen = tm_map_new(c->flow_extra.len);
    for (size_t i = 0; i < c->flow_extra.len; i++) {
        S_flow_extra *fx = c->flow_extra.items[i];
        tm_flow *f = fx->flow;
        if (f->id || !fx->from_id || !fx->to_id)
            continue;
        const char *base = tm_arena_printf(c->a, "%s--%s", fx->from_id, fx->to_id);
        uintptr_t k = (uintptr_t)tm_map_get(seen, base) + 1;
        tm_map_put(seen, base, (void *)k);
        f->id = k == 1 ? base : tm_arena_printf(c->a, "%s--%lu", base, (unsigned long)k);
        f->id_generated = true;
        const tm_ref *prev = tm_map_get(c->m->ids, f->id);
        if (prev) {
            S_err(c, "duplicate-id", f->loc,
                  "the generated flow id '%s' is already used (at %s); give this flow an "
                  "explicit id",
                  f->id, S_where(c, prev->loc, f->loc));
            continue;
        }
        tm_ref *r = tm_arena_alloc(c->a, sizeof *r);
        r->kind = TM_REF_FLOW;
        r->ptr = f;
        r->loc = f->loc;
        tm_map_put(c->m->ids, f->id, r);
    }
    tm_map_free(seen);
}

static const char *S_want_name(S_want w)
{
    switch (w) {
    case S_WANT_ELEMENT:
        return "an element";
    case S_WANT_BOUNDARY:
        return "a boundary";
    case S_WANT_IDENTITY:
        return "an identity";
    case S_WANT_DATA:
        return "a data asset";
    default:
        return "an element or identity";
    }
}

static void S_resolve(S_ctx *c)
{
    for (size_t i = 0; i < c->pending.len; i++) {
        S_pending *p = c->pending.items[i];
        const tm_ref *r = tm_map_get(c->m->ids, p->id);
        int ok = 0;
        if (r) {
            switch (p->want) {
            case S_WANT_ELEMENT:
                ok = r->kind == TM_REF_ELEMENT;
                if (ok)
                    *p->element_slot = r->ptr;
                break;
            case S_WANT_BOUNDARY:
                ok = r->kind == TM_REF_BOUNDARY;
                if (ok)
                    *p->boundary_slot = r->ptr;
                break;
            case S_WANT_IDENTITY:
                ok = r->kind == TM_REF_IDENTITY;
                if (ok)
                    *p->identity_slot = r->ptr;
                break;
            case S_WANT_DATA:
                ok = r->kind == TM_REF_DATA;
                if (ok)
                    *p->data_slot = r->ptr;
                break;
            case S_WANT_DEFINABLE:
                ok = r->kind == TM_REF_ELEMENT || r->kind == TM_REF_IDENTITY;
                break;
            }
        }
        if (ok)
            continue;
        const char *owner = *p->owner ? *p->owner : "?";
        const char *lead = tm_arena_printf(c->tmp, p->phrase, owner);
        if (r)
            S_err(c, "dangling-ref", p->loc, "%s '%s', which is %s %s, not %s", lead, p->id,
                  r->kind == TM_REF_ELEMENT || r->kind == TM_REF_IDENTITY ||
                          r->kind == TM_REF_ARTIFACT || r->kind == TM_REF_ASSUMPTION
                      ? "an"
                      : "a",
                  tm_ref_kind_name(r->kind), S_want_name(p->want));
        else
            S_err(c, "dangling-ref", p->loc, "%s '%s', which is not %s", lead, p->id,
                  S_want_name(p->want));
    }
}

/* Depth of every boundary; a parent chain that loops is reported once, at
 * the first boundary of the loop that the walk meets. */
static void S_boundary_depths(S_ctx *c)
{
    size_t n = c->boundaries.len;
    if (!n)
        return;
    /* state: 0 unvisited, 1 on the current walk, 2 done */
    unsigned char *state = tm_arena_alloc(c->tmp, n);
    tm_boundary **walk = tm_arena_array(c->tmp, n + 1, sizeof *walk);
    for (size_t i = 0; i < n; i++) {
        tm_boundary *b = c->boundaries.items[i];
        size_t len = 0;
        while (b && state[b->index] == 0) {
            state[b->index] = 1;
            walk[len++] = b;
            b = b->parent;
        }
        unsigned base = 0;
        if (b && state[b->index] == 1) {
            /* b is on this walk: walk[k..len) is the loop. */
            size_t k = 0;
            while (walk[k] != b)
                k++;
            tm_buf msg;
            tm_buf_init(&msg, 1u << 16);
            for (size_t j = k; j < len; j++)
                tm_buf_printf(&msg, "%s -> ", walk[j]->id);
            tm_buf_puts(&msg, b->id);
            S_boundary_extra *bx = c->boundary_extra.items[b->index];
            S_err(c, "boundary-cycle", bx->parent_loc, "boundary '%s' is its own ancestor: %s",
                  b->id, msg.data ? msg.data : "");
            tm_buf_free(&msg);
            for (size_t j = k; j < len; j++) {
                walk[j]->depth = 0;
                state[walk[j]->index] = 2;
            }
            len = k;
        } else if (b) {
            base = b->depth + 1;
        }
        /* walk[0..len) hang below `b` (or are top level). */
        for (size_t j = len; j-- > 0;) {
            walk[j]->depth = base++;
            state[walk[j]->index] = 2;
        }
    }
}

static void S_self_flows(S_ctx *c)
{
    for (size_t i = 0; i < c->flows.len; i++) {
        tm_flow *f = c->flows.items[i];
        if (f->from && f->from == f->to)
            S_err(c, "self-flow", f->loc, "flow '%s' goes from '%s' to itself", f->id,
                  f->from->id);
    }
}

static void S_decision_targets(S_ctx *c)
{
    for (size_t i = 0; i < c->decision_targets.len; i++) {
        S_pending *w = c->decision_targets.items[i];
        if (!tm_map_get(c->m->ids, w->id))
            S_warn(c, "dangling-ref",
                   w->loc, "threat decision '%s' names '%s', which is not in the model",
                   *w->owner, w->id);
    }
}

/* --------------------------------------------------------------- api */

#define S_FINISH(c, vec, field, nfield)                                                            \
    do {                                                                                           \
        size_t n_;                                                                                 \
        (c)->m->field = (void *)tm_vec_finish(&(c)->vec, (c)->a, &n_);                             \
        (c)->m->nfield = n_;                                                                       \
    } while (0)

tm_model *tm_model_build(const tm_node *root, const char *file, const tm_load_opts *opts,
                         tm_diags *d)
{
    size_t errors_before = tm_diags_errors(d);
    tm_arena *arena = tm_arena_new();
    tm_model *m = tm_arena_alloc(arena, sizeof *m);
    m->arena = arena;
    m->ids = tm_map_new(64);
    S_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    S_ctx *c = &ctx;
    c->m = m;
    c->a = arena;
    c->tmp = tm_arena_new();
    c->d = d;
    c->chk.arena = c->tmp;
    c->chk.d = d;
    c->opts = opts;
    c->files = tm_map_new(8);
    c->merged = tm_map_new(8);
    c->catalog = opts ? opts->catalog : NULL;
    if (!c->catalog) {
        c->own_catalog = tm_catalog_builtin(d);
        if (!c->own_catalog) {
            tm_map_free(c->files);
            tm_map_free(c->merged);
            tm_arena_free(c->tmp);
            tm_model_free(m);
            return NULL;
        }
        c->catalog = c->own_catalog;
    }

    m->source = file ? tm_arena_strdup(arena, file) : NULL;
    char *dir = S_dirname(file);
    m->source_dir = tm_arena_strdup(arena, dir);
    free(dir);
    c->root_real = S_abs_path(m->source_dir);

    /* The main file is the bottom of the include stack (for cycles). */
    char *real = file ? realpath(file, NULL) : NULL;
    if (real) {
        const char *rc = tm_arena_strdup(c->tmp, real);
        free(real);
        tm_map_put(c->merged, rc, (void *)rc);
        c->stack[0] = rc;
    }
    c->stack_names[0] = file ? file : "(model)";
    c->depth = 1;
    if (file)
        tm_vec_push(&c->read_files, (void *)S_file(c, file));

    S_build_file(c, root, file, 1);
    S_flow_ids(c);
    S_resolve(c);
    S_boundary_depths(c);
    S_self_flows(c);
    S_decision_targets(c);

    S_FINISH(c, data, data, n_data);
    S_FINISH(c, boundaries, boundaries, n_boundaries);
    S_FINISH(c, elements, elements, n_elements);
    S_FINISH(c, flows, flows, n_flows);
    S_FINISH(c, identities, identities, n_identities);
    S_FINISH(c, artifacts, artifacts, n_artifacts);
    S_FINISH(c, assumptions, assumptions, n_assumptions);
    S_FINISH(c, decisions, decisions, n_decisions);
    S_FINISH(c, read_files, files, n_files);
    tm_vec_free(&c->pending);
    tm_vec_free(&c->flow_extra);
    tm_vec_free(&c->boundary_extra);
    tm_vec_free(&c->decision_targets);
    tm_map_free(c->files);
    tm_map_free(c->merged);
    free(c->root_real);
    tm_arena_free(c->tmp);
    tm_catalog_free(c->own_catalog);

    if (tm_diags_errors(d) > errors_before) {
        tm_model_free(m);
        return NULL;
    }
    return m;
}

tm_model *tm_model_load(const char *path, const tm_load_opts *opts, tm_diags *d)
{
    tm_arena *tmp = tm_arena_new();
    tm_node *root = tm_read_file_tree(tmp, path, opts ? &opts->limits : NULL, d);
    tm_model *m = root ? tm_model_build(root, path, opts, d) : NULL;
    tm_arena_free(tmp);
    return m;
}
