/*
 * The type catalogue: share/stridec/types.yaml (compiled into the binary) or
 * a file given with --share, read through the same document readers as
 * models, so that a broken catalogue reports file:line:col like a broken
 * model does. The format is described at the top of types.yaml.
 */
#include <stdlib.h>
#include <string.h>

#include "stridec/model.h"
#include "doc/check.h"
#include "stridec/doc.h"
#include "stridec/embedded.h"

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The catalogue format version this code reads. */
#define S_CATALOG_VERSION 1

static const char S_builtin_name[] = "share/stridec/types.yaml";

static const char *const S_top_keys[] = {"version", "types", "families"};
static const char *const S_family_keys[] = {"prefix", "kind"};

static const char *const S_type_keys[] = {
    "name",         "label",           "provider",         "kind",
    "managed",      "event_source",    "event_fields",     "provider_secures",
    "customer_secures", "entry_points", "monitor",
};

/* Same order as tm_kind. */
static const char *const S_kind_names[] = {"external", "process", "store"};

/* Type names follow the model's id syntax: [A-Za-z0-9][A-Za-z0-9_.-]*. */
static int S_valid_type_name(const char *s)
{
    if (!s || !*s)
        return 0;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
            return 0;
    }
    return 1;
}

/* A string list value: absent means empty. */
static void S_list(tm_check *v, const tm_node *map, const char *key, const char ***out, size_t *n,
                   int *ok)
{
    const tm_node *val = tm_node_get(map, key);
    *out = NULL;
    *n = 0;
    if (val)
        *out = tm_check_strings(v, val, key, 0, n, NULL, ok);
}

/* One entry of `types:`. NULL after errors (all reported). */
static tm_type_info *S_type(tm_check *v, const tm_node *n)
{
    if (n->kind != TM_NODE_MAP) {
        tm_check_error(v, "invalid", n, "a type must be a map with keys name, label, provider, kind, ..., not %s",
                    tm_check_what(n));
        return NULL;
    }
    size_t before = v->errors;
    tm_type_info *t = tm_arena_alloc(v->arena, sizeof *t);
    t->loc.file = n->file;
    t->loc.line = n->line;
    t->loc.col = n->col;

    const tm_node *name = tm_node_get(n, "name");
    const char *what = "type";
    if (!name) {
        tm_check_error(v, "missing-key", n, "missing required key 'name' in a type");
    } else if ((t->name = tm_check_string(v, name, "name", TM_CHECK_NONEMPTY)) != NULL) {
        if (!S_valid_type_name(t->name)) {
            tm_check_error(v, "invalid", name, "type name '%s' must match [A-Za-z0-9][A-Za-z0-9_.-]*", t->name);
            t->name = NULL;
        } else {
            what = tm_arena_printf(v->arena, "type '%s'", t->name);
        }
    }
    tm_check_keys(v, n, what, S_type_keys, S_COUNT(S_type_keys));

    const tm_node *val;
    if ((val = tm_check_require(v, n, "label", what)) != NULL)
        t->label = tm_check_string(v, val, "label", TM_CHECK_NONEMPTY);
    /* Generic types say provider: "" on purpose; the key is still required
     * so that a forgotten provider does not pass silently. */
    if ((val = tm_check_require(v, n, "provider", what)) != NULL)
        t->provider = tm_check_string(v, val, "provider", 0);
    if ((val = tm_check_require(v, n, "kind", what)) != NULL) {
        int k = tm_check_enum(v, val, "kind", S_kind_names, S_COUNT(S_kind_names));
        if (k >= 0)
            t->kind = (tm_kind)k;
    }
    if ((val = tm_check_require(v, n, "managed", what)) != NULL)
        tm_check_bool(v, val, "managed", &t->managed);
    int event_source_ok = 1;
    if ((val = tm_node_get(n, "event_source")) != NULL)
        event_source_ok = tm_check_bool(v, val, "event_source", &t->event_source) == 0;

    /* event_fields says what a consuming function must validate: required
     * for event sources, meaningless (and so a mistake) for the others. */
    const tm_node *ef = tm_node_get(n, "event_fields");
    if (ef) {
        t->event_fields = tm_check_string(v, ef, "event_fields", TM_CHECK_NONEMPTY);
        if (!t->event_source && event_source_ok)
            tm_check_error(v, "invalid", ef, "'event_fields' is only allowed when 'event_source' is true");
    } else if (t->event_source) {
        tm_check_error(v, "invalid", n, "%s is an event source but has no 'event_fields' (what must a function "
                          "receiving its events validate?)",
                    what);
    }

    int ok = 1;
    S_list(v, n, "provider_secures", &t->provider_secures, &t->n_provider_secures, &ok);
    if (tm_check_require(v, n, "customer_secures", what)) {
        S_list(v, n, "customer_secures", &t->customer_secures, &t->n_customer_secures, &ok);
        if (ok && !t->n_customer_secures)
            tm_check_error(v, "invalid", tm_node_get(n, "customer_secures"),
                        "'customer_secures' must name at least one thing (the customer always "
                        "secures something)");
    }
    S_list(v, n, "entry_points", &t->entry_points, &t->n_entry_points, &ok);
    S_list(v, n, "monitor", &t->monitor, &t->n_monitor, &ok);

    return v->errors == before ? t : NULL;
}

static tm_catalog *S_build(tm_arena *arena, const tm_node *root, tm_diags *d)
{
    tm_check v = {arena, d, 0};
    if (root->kind != TM_NODE_MAP) {
        tm_check_error(&v, "invalid", root, "a type catalogue must be a map with keys 'version' and 'types', not "
                              "%s",
                    tm_check_what(root));
        return NULL;
    }
    tm_check_keys(&v, root, "the type catalogue", S_top_keys, S_COUNT(S_top_keys));

    const tm_node *ver = tm_check_require(&v, root, "version", "the type catalogue");
    if (ver) {
        long long n = -1;
        if (ver->kind == TM_NODE_SCALAR && ver->stype == TM_SCALAR_INT)
            n = ver->ival;
        else if (ver->kind == TM_NODE_SCALAR && ver->stype == TM_SCALAR_TEXT &&
                 strcmp(ver->text, "1") == 0)
            n = 1;
        if (n != S_CATALOG_VERSION)
            tm_check_error(&v, "invalid", ver, "unsupported catalogue version '%s' (this stridec reads version %d)",
                        ver->kind == TM_NODE_SCALAR ? ver->text : tm_check_what(ver),
                        S_CATALOG_VERSION);
    }

    const tm_node *types = tm_check_require(&v, root, "types", "the type catalogue");
    if (types && types->kind != TM_NODE_LIST) {
        tm_check_error(&v, "invalid", types, "'types' must be a list of types, not %s", tm_check_what(types));
        types = NULL;
    }
    if (types && types->n == 0)
        tm_check_error(&v, "invalid", types, "'types' is empty: the catalogue defines no types");

    tm_catalog *c = tm_arena_alloc(arena, sizeof *c);
    c->arena = arena;
    c->by_name = tm_map_new(types ? types->n : 0);
    if (types) {
        c->types = tm_arena_array(arena, types->n ? types->n : 1, sizeof *c->types);
        for (size_t i = 0; i < types->n; i++) {
            tm_type_info *t = S_type(&v, types->items[i]);
            if (!t)
                continue;
            const tm_type_info *first = tm_map_get(c->by_name, t->name);
            if (first) {
                tm_check_error(&v, "invalid", types->items[i], "duplicate type '%s' (first defined at line %u)",
                            t->name, (unsigned)first->loc.line);
                continue;
            }
            tm_map_put(c->by_name, t->name, t);
            c->types[c->n_types++] = t;
        }
    }
    c->names = tm_arena_array(arena, c->n_types ? c->n_types : 1, sizeof *c->names);
    for (size_t i = 0; i < c->n_types; i++)
        c->names[i] = c->types[i]->name;

    const tm_node *fams = tm_node_get(root, "families");
    if (fams && tm_check_list(&v, fams, "'families'")) {
        c->families = tm_arena_array(arena, fams->n ? fams->n : 1, sizeof *c->families);
        for (size_t i = 0; i < fams->n; i++) {
            const tm_node *f = tm_check_map(&v, fams->items[i], "a type family");
            if (!f)
                continue;
            tm_check_keys(&v, f, "a type family", S_family_keys, S_COUNT(S_family_keys));
            const tm_node *pre = tm_check_require(&v, f, "prefix", "a type family");
            const tm_node *kind = tm_check_require(&v, f, "kind", "a type family");
            const char *p = pre ? tm_check_string(&v, pre, "prefix", TM_CHECK_NONEMPTY) : NULL;
            int k = kind ? tm_check_enum(&v, kind, "kind", S_kind_names, S_COUNT(S_kind_names)) : -1;
            if (!p || k < 0)
                continue;
            tm_type_family *tf = &c->families[c->n_families++];
            tf->prefix = p;
            tf->kind = (tm_kind)k;
            tf->loc.file = f->file;
            tf->loc.line = f->line;
            tf->loc.col = f->col;
        }
    }
    if (v.errors) {
        tm_map_free(c->by_name);
        return NULL;
    }
    return c;
}

/* Parse and build from text; the arena is freed on failure. */
static tm_catalog *S_from_tree(tm_arena *arena, const tm_node *root, tm_diags *d)
{
    tm_catalog *c = root ? S_build(arena, root, d) : NULL;
    if (!c)
        tm_arena_free(arena);
    return c;
}

tm_catalog *tm_catalog_builtin(tm_diags *d)
{
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++) {
        if (strcmp(f->name, S_builtin_name) != 0)
            continue;
        tm_arena *arena = tm_arena_new();
        const tm_node *root = tm_read_text_tree(arena, S_builtin_name, TM_SYNTAX_YAML,
                                                (const char *)f->data, f->len, NULL, d);
        return S_from_tree(arena, root, d);
    }
    tm_diag_add(d, TM_DIAG_ERROR, "catalog", NULL, 0, 0,
                "the built-in type catalogue (%s) is missing from this build", S_builtin_name);
    return NULL;
}

tm_catalog *tm_catalog_load(const char *path, tm_diags *d)
{
    tm_arena *arena = tm_arena_new();
    const tm_node *root = tm_read_file_tree(arena, path, NULL, d);
    return S_from_tree(arena, root, d);
}

void tm_catalog_free(tm_catalog *c)
{
    if (!c)
        return;
    tm_map_free(c->by_name);
    tm_arena_free(c->arena); /* c itself lives in the arena */
}

const tm_type_info *tm_catalog_find(const tm_catalog *c, const char *type)
{
    if (!c || !type)
        return NULL;
    return tm_map_get(c->by_name, type);
}

int tm_catalog_kind(const tm_catalog *c, const char *type, tm_kind *out)
{
    const tm_type_info *t = tm_catalog_find(c, type);
    if (t) {
        *out = t->kind;
        return 1;
    }
    if (!c || !type)
        return 0;
    size_t n = strlen(type);
    for (size_t i = 0; i < c->n_families; i++) {
        size_t p = strlen(c->families[i].prefix);
        if (n > p && strncmp(type, c->families[i].prefix, p) == 0) {
            *out = c->families[i].kind;
            return 1;
        }
    }
    return 0;
}
