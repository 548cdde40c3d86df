/*
 * The model back to a document tree and to text.
 *
 * tm_model_to_tree gives the canonical tree: MODEL.md's key order, only the
 * keys the source wrote (names that defaulted to the id, unknown flow
 * facts and generated flow ids stay out), typed scalars, props with their
 * keys sorted (props are an unordered map of facts; sorting makes a model
 * read from XML, whose attributes come before child elements, compare equal
 * to the same model read from YAML). Includes are merged: the export is one
 * self-contained file.
 *
 * tm_model_export writes that tree as YAML or JSON (the tree writers) or
 * XML (below, following share/stridec/doc/xml-mapping.md).
 */
#include <stdlib.h>
#include <string.h>

#include "stridec/model.h"

/* ------------------------------------------------------------ the tree */

static void S_str(tm_arena *a, tm_node *map, const char *key, const char *v)
{
    if (v)
        tm_node_map_put(a, map, key, 0, 0, tm_node_string(a, v));
}

static void S_strs(tm_arena *a, tm_node *map, const char *key, const char *const *v, size_t n)
{
    if (!n)
        return;
    tm_node *list = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
    for (size_t i = 0; i < n; i++)
        tm_node_list_push(a, list, tm_node_string(a, v[i]));
    tm_node_map_put(a, map, key, 0, 0, list);
}

static void S_bool(tm_arena *a, tm_node *map, const char *key, bool given, bool v)
{
    if (given)
        tm_node_map_put(a, map, key, 0, 0, tm_node_bool(a, v));
}

static void S_tri(tm_arena *a, tm_node *map, const char *key, tm_tri v)
{
    if (v != TM_TRI_UNKNOWN)
        tm_node_map_put(a, map, key, 0, 0, tm_node_bool(a, v == TM_TRI_TRUE));
}

static void S_data_ids(tm_arena *a, tm_node *map, tm_data *const *data, size_t n)
{
    if (!n)
        return;
    tm_node *list = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
    for (size_t i = 0; i < n; i++)
        tm_node_list_push(a, list, tm_node_string(a, data[i] ? data[i]->id : ""));
    tm_node_map_put(a, map, "data", 0, 0, list);
}

static int S_pair_cmp(const void *x, const void *y)
{
    const tm_pair *p = x, *q = y;
    return strcmp(p->key, q->key);
}

/* Deep copy without positions; map keys sorted. */
static tm_node *S_copy_sorted(tm_arena *a, const tm_node *v)
{
    tm_node *n = tm_node_new(a, v->kind, NULL, 0, 0);
    switch (v->kind) {
    case TM_NODE_SCALAR:
        n->stype = v->stype == TM_SCALAR_TEXT ? TM_SCALAR_STRING : v->stype;
        n->text = tm_arena_strdup(a, v->text ? v->text : "");
        n->len = strlen(n->text);
        n->ival = v->ival;
        n->fval = v->fval;
        n->bval = v->bval;
        break;
    case TM_NODE_LIST:
        for (size_t i = 0; i < v->n; i++)
            tm_node_list_push(a, n, S_copy_sorted(a, v->items[i]));
        break;
    case TM_NODE_MAP: {
        if (!v->n)
            break;
        tm_pair *pairs = tm_arena_array(a, v->n, sizeof *pairs);
        memcpy(pairs, v->pairs, v->n * sizeof *pairs);
        qsort(pairs, v->n, sizeof *pairs, S_pair_cmp);
        for (size_t i = 0; i < v->n; i++)
            tm_node_map_put(a, n, tm_arena_strdup(a, pairs[i].key), 0, 0,
                            S_copy_sorted(a, pairs[i].value));
        break;
    }
    }
    return n;
}

static void S_props(tm_arena *a, tm_node *map, const tm_node *props)
{
    if (props && props->kind == TM_NODE_MAP && props->n)
        tm_node_map_put(a, map, "props", 0, 0, S_copy_sorted(a, props));
}

static tm_node *S_map(tm_arena *a)
{
    return tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
}

/* A top-level list, added only when it has items. */
static tm_node *S_list_key(tm_arena *a, tm_node *root, const char *key, size_t n)
{
    if (!n)
        return NULL;
    tm_node *list = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
    tm_node_map_put(a, root, key, 0, 0, list);
    return list;
}

/* A node at `loc` (positions kept) or without a position. */
static tm_node *S_at(tm_arena *a, tm_node_kind kind, const tm_loc *loc)
{
    return loc ? tm_node_new(a, kind, loc->file, loc->line, loc->col)
               : tm_node_new(a, kind, NULL, 0, 0);
}

static tm_node *S_text_at(tm_arena *a, const char *s, const tm_loc *loc)
{
    tm_node *n = S_at(a, TM_NODE_SCALAR, loc);
    n->stype = TM_SCALAR_STRING;
    n->text = tm_arena_strdup(a, s);
    n->len = strlen(n->text);
    return n;
}

static void S_put_at(tm_arena *a, tm_node *map, const char *key, tm_node *v, const tm_loc *loc)
{
    tm_node_map_put(a, map, key, loc ? loc->line : 0, loc ? loc->col : 0, v);
}

static void S_strs_at(tm_arena *a, tm_node *map, const char *key, const char *const *v, size_t n,
                      const tm_loc *loc)
{
    if (!n)
        return;
    tm_node *list = S_at(a, TM_NODE_LIST, loc);
    for (size_t i = 0; i < n; i++)
        tm_node_list_push(a, list, S_text_at(a, v[i], loc));
    S_put_at(a, map, key, list, loc);
}

tm_node *tm_statement_tree(tm_arena *a, const tm_statement *st, bool positions)
{
    const tm_loc *at = positions && st->loc.file ? &st->loc : NULL;
    tm_node *s = S_at(a, TM_NODE_MAP, at);
    if (st->sid)
        S_put_at(a, s, "sid", S_text_at(a, st->sid, at), at);
    S_put_at(a, s, "effect", S_text_at(a, st->allow ? "allow" : "deny", at), at);
    S_strs_at(a, s, "actions", st->actions, st->n_actions, at);
    S_strs_at(a, s, "not_actions", st->not_actions, st->n_not_actions, at);
    S_strs_at(a, s, "resources", st->resources, st->n_resources, at);
    S_strs_at(a, s, "not_resources", st->not_resources, st->n_not_resources, at);
    S_strs_at(a, s, "principals", st->principals, st->n_principals, at);
    S_strs_at(a, s, "not_principals", st->not_principals, st->n_not_principals, at);
    if (st->policy)
        S_put_at(a, s, "policy", S_text_at(a, st->policy, at), at);
    if (st->n_conditions) {
        tm_node *list = S_at(a, TM_NODE_LIST, at);
        for (size_t k = 0; k < st->n_conditions; k++) {
            const tm_condition *c = &st->conditions[k];
            const tm_loc *cat = positions && c->loc.file ? &c->loc : at;
            tm_node *cm = S_at(a, TM_NODE_MAP, cat);
            S_put_at(a, cm, "test", S_text_at(a, c->test ? c->test : "", cat), cat);
            S_put_at(a, cm, "variable", S_text_at(a, c->variable ? c->variable : "", cat), cat);
            tm_node *vals = S_at(a, TM_NODE_LIST, cat);
            for (size_t j = 0; j < c->n_values; j++)
                tm_node_list_push(a, vals, S_text_at(a, c->values[j], cat));
            S_put_at(a, cm, "values", vals, cat);
            tm_node_list_push(a, list, cm);
        }
        S_put_at(a, s, "conditions", list, at);
    }
    return s;
}

tm_node *tm_model_to_tree(const tm_model *m, tm_arena *a)
{
    tm_node *root = S_map(a);
    tm_node_map_put(a, root, "stridec", 0, 0, tm_node_int(a, m->format_version));

    tm_node *sys = S_map(a);
    S_str(a, sys, "name", m->system.name);
    S_str(a, sys, "description", m->system.description);
    S_str(a, sys, "owner", m->system.owner);
    S_str(a, sys, "version", m->system.version);
    S_str(a, sys, "date", m->system.date);
    S_strs(a, sys, "reviewers", m->system.reviewers, m->system.n_reviewers);
    tm_node_map_put(a, root, "system", 0, 0, sys);

    tm_node *list = S_list_key(a, root, "data", m->n_data);
    for (size_t i = 0; i < m->n_data; i++) {
        const tm_data *x = m->data[i];
        tm_node *n = S_map(a);
        S_str(a, n, "id", x->id);
        if (x->name_given)
            S_str(a, n, "name", x->name);
        if (x->classification != TM_CLASS_NONE)
            S_str(a, n, "classification", tm_class_name(x->classification));
        S_str(a, n, "description", x->description);
        tm_node_list_push(a, list, n);
    }

    list = S_list_key(a, root, "boundaries", m->n_boundaries);
    for (size_t i = 0; i < m->n_boundaries; i++) {
        const tm_boundary *b = m->boundaries[i];
        tm_node *n = S_map(a);
        S_str(a, n, "id", b->id);
        if (b->name_given)
            S_str(a, n, "name", b->name);
        S_str(a, n, "type", b->type);
        S_str(a, n, "parent", b->parent_id);
        S_str(a, n, "description", b->description);
        tm_node_list_push(a, list, n);
    }

    list = S_list_key(a, root, "elements", m->n_elements);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element *e = m->elements[i];
        tm_node *n = S_map(a);
        S_str(a, n, "id", e->id);
        if (e->name_given)
            S_str(a, n, "name", e->name);
        S_str(a, n, "description", e->description);
        S_str(a, n, "type", e->type);
        if (e->kind_given)
            S_str(a, n, "kind", tm_kind_name(e->kind));
        if (e->boundary)
            S_str(a, n, "boundary", e->boundary->id);
        if (e->identity)
            S_str(a, n, "identity", e->identity->id);
        if (e->origin != TM_ORIGIN_UNKNOWN)
            S_str(a, n, "origin", tm_origin_name(e->origin));
        S_strs(a, n, "libraries", e->libraries, e->n_libraries);
        S_data_ids(a, n, e->data, e->n_data);
        S_bool(a, n, "out_of_scope", e->out_of_scope_given, e->out_of_scope);
        S_str(a, n, "reason", e->reason);
        S_props(a, n, e->props);
        tm_node_list_push(a, list, n);
    }

    list = S_list_key(a, root, "flows", m->n_flows);
    for (size_t i = 0; i < m->n_flows; i++) {
        const tm_flow *f = m->flows[i];
        tm_node *n = S_map(a);
        if (!f->id_generated)
            S_str(a, n, "id", f->id);
        S_str(a, n, "from", f->from ? f->from->id : NULL);
        S_str(a, n, "to", f->to ? f->to->id : NULL);
        S_str(a, n, "name", f->name);
        S_str(a, n, "description", f->description);
        S_str(a, n, "protocol", f->protocol);
        if (f->port)
            tm_node_map_put(a, n, "port", 0, 0, tm_node_int(a, f->port));
        S_data_ids(a, n, f->data, f->n_data);
        S_tri(a, n, "authenticated", f->authenticated);
        S_tri(a, n, "encrypted", f->encrypted);
        if (f->authorization != TM_AUTHZ_UNKNOWN)
            S_str(a, n, "authorization", tm_authz_name(f->authorization));
        S_bool(a, n, "trigger", f->trigger_given, f->trigger);
        S_bool(a, n, "bidirectional", f->bidirectional_given, f->bidirectional);
        S_props(a, n, f->props);
        tm_node_list_push(a, list, n);
    }

    list = S_list_key(a, root, "identities", m->n_identities);
    for (size_t i = 0; i < m->n_identities; i++) {
        const tm_identity *x = m->identities[i];
        tm_node *n = S_map(a);
        S_str(a, n, "id", x->id);
        if (x->name_given)
            S_str(a, n, "name", x->name);
        S_str(a, n, "type", x->type);
        S_str(a, n, "description", x->description);
        if (x->n_statements) {
            tm_node *sl = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
            for (size_t k = 0; k < x->n_statements; k++)
                tm_node_list_push(a, sl, tm_statement_tree(a, &x->statements[k], false));
            tm_node_map_put(a, n, "statements", 0, 0, sl);
        }
        tm_node_list_push(a, list, n);
    }

    list = S_list_key(a, root, "artifacts", m->n_artifacts);
    for (size_t i = 0; i < m->n_artifacts; i++) {
        const tm_artifact *x = m->artifacts[i];
        tm_node *n = S_map(a);
        S_str(a, n, "id", x->id);
        if (x->name_given)
            S_str(a, n, "name", x->name);
        S_str(a, n, "type", x->type_name);
        S_str(a, n, "description", x->description);
        S_str(a, n, "path", x->path);
        S_str(a, n, "version", x->version);
        if (x->origin != TM_ORIGIN_UNKNOWN)
            S_str(a, n, "origin", tm_origin_name(x->origin));
        S_str(a, n, "owner", x->owner);
        S_strs(a, n, "defines", x->defines, x->n_defines);
        S_props(a, n, x->props);
        tm_node_list_push(a, list, n);
    }

    list = S_list_key(a, root, "assumptions", m->n_assumptions);
    for (size_t i = 0; i < m->n_assumptions; i++) {
        const tm_assumption *x = m->assumptions[i];
        if (!x->id) {
            tm_node_list_push(a, list, tm_node_string(a, x->text));
            continue;
        }
        tm_node *n = S_map(a);
        S_str(a, n, "id", x->id);
        S_str(a, n, "text", x->text);
        tm_node_list_push(a, list, n);
    }

    list = S_list_key(a, root, "threats", m->n_decisions);
    for (size_t i = 0; i < m->n_decisions; i++) {
        const tm_decision *x = m->decisions[i];
        tm_node *n = S_map(a);
        S_str(a, n, "id", x->pattern);
        S_str(a, n, "status", tm_status_name(x->status));
        S_str(a, n, "justification", x->justification);
        S_str(a, n, "owner", x->owner);
        S_str(a, n, "ticket", x->ticket);
        S_str(a, n, "date", x->date);
        tm_node_list_push(a, list, n);
    }
    return root;
}

/* ------------------------------------------------------------- XML */

typedef struct {
    tm_buf *out;
    tm_diags *d;
    const char *file; /* the model's source, for diagnostics */
    int failed;
} S_xml;

/* The element name a list key's items are written with (xml-mapping.md). */
static const char *S_singular(const char *key)
{
    static const char *const table[][2] = {
        {"data", "data"},           {"boundaries", "boundary"}, {"elements", "element"},
        {"flows", "flow"},          {"identities", "identity"}, {"artifacts", "artifact"},
        {"assumptions", "assumption"}, {"threats", "threat"},   {"statements", "statement"},
        {"conditions", "condition"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(key, table[i][0]) == 0)
            return table[i][1];
    return NULL;
}

/* An XML name we can write without namespaces: [A-Za-z_][A-Za-z0-9._-]*. */
static int S_xml_name(const char *s)
{
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return 0;
    for (const char *p = s + 1; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-'))
            return 0;
    return 1;
}

/* Escaped text for an attribute value or element content. Tab, newline and
 * carriage return become character references so that attribute-value
 * normalisation keeps them; other control characters (and U+FFFE/U+FFFF)
 * cannot appear in XML 1.0 at all. */
static void S_esc(S_xml *x, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&':
            tm_buf_puts(x->out, "&amp;");
            break;
        case '<':
            tm_buf_puts(x->out, "&lt;");
            break;
        case '>':
            tm_buf_puts(x->out, "&gt;");
            break;
        case '"':
            tm_buf_puts(x->out, "&quot;");
            break;
        case '\'':
            tm_buf_puts(x->out, "&apos;");
            break;
        case '\t':
            tm_buf_puts(x->out, "&#9;");
            break;
        case '\n':
            tm_buf_puts(x->out, "&#10;");
            break;
        case '\r':
            tm_buf_puts(x->out, "&#13;");
            break;
        default:
            if (*p < 0x20 || (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))) {
                if (!x->failed)
                    tm_diag_add(x->d, TM_DIAG_ERROR, "export", x->file, 0, 0,
                                "the text '%s' has a character that XML 1.0 cannot represent", s);
                x->failed = 1;
                return;
            }
            tm_buf_putc(x->out, (char)*p);
        }
    }
}

static void S_indent(S_xml *x, int depth)
{
    for (int i = 0; i < depth; i++)
        tm_buf_puts(x->out, "  ");
}

static const char *S_scalar_text(const tm_node *v)
{
    switch (v->stype) {
    case TM_SCALAR_BOOL:
        return v->bval ? "true" : "false";
    case TM_SCALAR_NULL:
        return "";
    default:
        return v->text ? v->text : "";
    }
}

static int S_has_space(const char *s)
{
    if (!*s)
        return 1; /* an empty item cannot be told apart in a space-separated list */
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            return 1;
    return 0;
}

static int S_scalar_list(const tm_node *v)
{
    if (v->kind != TM_NODE_LIST)
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i]->kind != TM_NODE_SCALAR)
            return 0;
    return 1;
}

/* A list of scalars goes in an attribute when it has items and none holds
 * whitespace (outside props: inside, an attribute is always one string). */
static int S_as_attr(const tm_node *v, int in_props)
{
    if (v->kind == TM_NODE_SCALAR)
        return 1;
    if (in_props || !S_scalar_list(v) || v->n == 0)
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (S_has_space(S_scalar_text(v->items[i])))
            return 0;
    return 1;
}

static void S_check_name(S_xml *x, const char *key)
{
    if (!S_xml_name(key) && !x->failed) {
        tm_diag_add(x->d, TM_DIAG_ERROR, "export", x->file, 0, 0,
                    "the key '%s' cannot be written as an XML name", key);
        x->failed = 1;
    }
}

static void S_element(S_xml *x, const char *name, const tm_node *map, int depth, int in_props);

static void S_item_text(S_xml *x, const char *name, const char *text, int depth)
{
    S_indent(x, depth);
    tm_buf_printf(x->out, "<%s>", name);
    S_esc(x, text);
    tm_buf_printf(x->out, "</%s>\n", name);
}

/* Child elements for one key whose value did not fit in an attribute. */
static void S_child(S_xml *x, const char *key, const tm_node *v, int depth, int in_props)
{
    int props = in_props || strcmp(key, "props") == 0;
    if (v->kind == TM_NODE_MAP) {
        S_element(x, key, v, depth, props);
        return;
    }
    const char *single = in_props ? NULL : S_singular(key);
    if (single) {
        for (size_t i = 0; i < v->n; i++) {
            const tm_node *it = v->items[i];
            if (it->kind == TM_NODE_MAP) {
                S_element(x, single, it, depth, 0);
            } else {
                /* An assumption written as text: element content is
                 * trimmed when read, so keep surrounding blanks in an
                 * attribute instead. */
                const char *t = S_scalar_text(it);
                size_t n = strlen(t);
                if (n && (t[0] == ' ' || t[0] == '\t' || t[0] == '\n' || t[0] == '\r' ||
                          t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\n' ||
                          t[n - 1] == '\r')) {
                    S_indent(x, depth);
                    tm_buf_printf(x->out, "<%s text=\"", single);
                    S_esc(x, t);
                    tm_buf_puts(x->out, "\"/>\n");
                } else {
                    S_item_text(x, single, t, depth);
                }
            }
        }
        return;
    }
    /* A list of scalars: <key><item>..</item></key>. */
    S_indent(x, depth);
    tm_buf_printf(x->out, "<%s>\n", key);
    for (size_t i = 0; i < v->n; i++) {
        const tm_node *it = v->items[i];
        if (it->kind != TM_NODE_SCALAR) {
            if (!x->failed)
                tm_diag_add(x->d, TM_DIAG_ERROR, "export", x->file, 0, 0,
                            "'%s' is a list of lists or maps, which XML cannot carry", key);
            x->failed = 1;
            continue;
        }
        S_item_text(x, "item", S_scalar_text(it), depth + 1);
    }
    S_indent(x, depth);
    tm_buf_printf(x->out, "</%s>\n", key);
}

static void S_element(S_xml *x, const char *name, const tm_node *map, int depth, int in_props)
{
    S_check_name(x, name);
    S_indent(x, depth);
    tm_buf_printf(x->out, "<%s", name);
    int children = 0;
    for (size_t i = 0; i < map->n; i++) {
        const tm_pair *p = &map->pairs[i];
        if (!S_as_attr(p->value, in_props)) {
            children = 1;
            continue;
        }
        const char *key = depth == 0 && strcmp(p->key, "stridec") == 0 ? "version" : p->key;
        S_check_name(x, key);
        tm_buf_printf(x->out, " %s=\"", key);
        if (p->value->kind == TM_NODE_SCALAR) {
            S_esc(x, S_scalar_text(p->value));
        } else {
            for (size_t k = 0; k < p->value->n; k++) {
                if (k)
                    tm_buf_putc(x->out, ' ');
                S_esc(x, S_scalar_text(p->value->items[k]));
            }
        }
        tm_buf_putc(x->out, '"');
    }
    if (!children) {
        tm_buf_puts(x->out, "/>\n");
        return;
    }
    tm_buf_puts(x->out, ">\n");
    for (size_t i = 0; i < map->n; i++) {
        const tm_pair *p = &map->pairs[i];
        if (!S_as_attr(p->value, in_props))
            S_child(x, p->key, p->value, depth + 1, in_props);
    }
    S_indent(x, depth);
    tm_buf_printf(x->out, "</%s>\n", name);
}

static int S_write_xml(const tm_node *tree, const char *file, tm_buf *out, tm_diags *d)
{
    S_xml x = {out, d, file, 0};
    tm_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    S_element(&x, "stridec", tree, 0, 0);
    return x.failed ? -1 : 0;
}

/* --------------------------------------------------------------- api */

int tm_model_export(const tm_model *m, const char *syntax, tm_buf *out, tm_diags *d)
{
    if (!syntax || (strcmp(syntax, "yaml") != 0 && strcmp(syntax, "json") != 0 &&
                    strcmp(syntax, "xml") != 0)) {
        tm_diag_add(d, TM_DIAG_ERROR, "export", NULL, 0, 0,
                    "cannot export to '%s'; expected yaml, json or xml", syntax ? syntax : "");
        return -1;
    }
    size_t errors_before = tm_diags_errors(d);
    tm_arena *a = tm_arena_new();
    tm_node *tree = tm_model_to_tree(m, a);
    int rc;
    if (strcmp(syntax, "yaml") == 0)
        rc = tm_write_yaml(tree, out);
    else if (strcmp(syntax, "json") == 0)
        rc = tm_write_json(tree, out, 1);
    else
        rc = S_write_xml(tree, m->source, out, d);
    tm_arena_free(a);
    if (out->failed) {
        tm_diag_add(d, TM_DIAG_ERROR, "export", m->source, 0, 0,
                    "the exported model is larger than the output limit");
        return -1;
    }
    if (rc != 0 && tm_diags_errors(d) == errors_before)
        tm_diag_add(d, TM_DIAG_ERROR, "export", m->source, 0, 0, "cannot write the model as %s",
                    syntax);
    return rc != 0 ? -1 : 0;
}
