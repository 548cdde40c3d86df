/*
 * YAML reader: libyaml's event API -> document tree.
 *
 * Events rather than libyaml's document API, because the document API shares
 * aliased nodes (a billion-laughs file expands exponentially, `&a [*a]` is a
 * cycle) and keeps duplicate keys; with events we build the tree ourselves and
 * enforce depth, node and alias limits as we go.
 *
 * Typing (YAML 1.2 core schema) applies to plain scalars only: null (`~`,
 * `null`, empty), booleans (`true`/`True`/`TRUE`, false likewise), integers
 * (decimal, 0x, 0o; out of range -> TM_SCALAR_FLOAT with the text kept),
 * floats (incl. .inf, .nan); everything else, and every quoted or block
 * scalar, is TM_SCALAR_STRING. `!!str` forces a string; other standard
 * `!!` tags are ignored.
 *
 * Aliases are expanded by copying the anchored subtree, within a budget of
 * max_alias_visits nodes in total; an alias to an enclosing node (a cycle)
 * is an error.
 *
 * Merge keys (YAML 1.1, https://yaml.org/type/merge.html): with
 * lim->yaml_merge_keys, a plain, untagged `<<` key's value (a map, or a list
 * of maps, usually aliases) is merged into the map that holds it when that
 * map ends: a key the map has itself wins, then a map earlier in the list
 * over a later one; the merged pairs take the place of the `<<` key and keep
 * the positions where they are written. A second `<<` key in one map is a
 * duplicate key: an error, or with TM_DUP_KEYS_LAST_WINS a warning, and both
 * are merged, the later one winning (as PyYAML does). Without the option a
 * `<<` key is an error (models write their keys out). A quoted '<<' is an
 * ordinary key.
 *
 * Local tags (`!Ref X`, `!GetAtt a.b`, `!Sub ...`, `!If [...]`): CloudFormation
 * and SAM templates use them as the short form of their intrinsic functions,
 * so rather than dropping the tag the node becomes a one-key map in
 * CloudFormation's long form: `!Ref X` -> {"Ref": X}, `!Condition X` ->
 * {"Condition": X}, and `!Foo X` -> {"Fn::Foo": X} for any other tag. The
 * importers then only need to understand the long form. A model that has no
 * use for such a map rejects it like any other value of the wrong type.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "doc/reader.h"

typedef struct {
    tm_node *node;    /* map or list under construction */
    tm_node *wrapper; /* the {"Fn::X": node} map of a local tag, or NULL */
    tm_map *index;    /* duplicate-key index of a large map */
    const char *anchor;
    size_t nodes_at_start;
    /* maps: the key waiting for its value */
    int have_key;
    int key_is_merge; /* that key is the merge key `<<` */
    const char *key;
    uint32_t kline, kcol;
    /* maps: the values of `<<` keys (a list), merged when the map ends */
    tm_node *merges;
    size_t merge_at; /* pairs before the first `<<` key */
    uint32_t mline;  /* where the last `<<` key is */
} S_frame;

typedef struct {
    tm_node *node; /* NULL while the anchored node is still open */
    size_t count;  /* nodes in the anchored subtree */
} S_anchor;

typedef struct {
    tm_reader r;
    S_frame *stack;
    size_t depth, cap;
    tm_map *anchors; /* name -> S_anchor* (arena) */
    size_t alias_visits;
    tm_node *root;
    int have_root;
} S_yaml;

/* --------------------------------------------------------- scalar typing */

static int S_is(const char *s, const char *a, const char *b, const char *c)
{
    return strcmp(s, a) == 0 || strcmp(s, b) == 0 || strcmp(s, c) == 0;
}

static int S_all(const char *s, const char *set)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

/* Integer in `base` from digits s; 1 and *v when it fits a long long, else
 * 0 and *approx. */
static int S_parse_int(const char *digits, int base, int neg, long long *v, double *approx)
{
    unsigned long long acc = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1ull : LLONG_MAX;
    double d = 0;
    int fits = 1;
    for (const char *p = digits; *p; p++) {
        int dig = *p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10;
        d = d * base + dig;
        if (fits && acc > (lim - (unsigned long long)dig) / (unsigned long long)base)
            fits = 0;
        if (fits)
            acc = acc * (unsigned long long)base + (unsigned long long)dig;
    }
    if (fits) {
        if (neg)
            *v = acc == (unsigned long long)LLONG_MAX + 1ull ? LLONG_MIN : -(long long)acc;
        else
            *v = (long long)acc;
        return 1;
    }
    *approx = neg ? -d : d;
    return 0;
}

static void S_set_int_or_float(tm_node *n, const char *digits, int base, int neg)
{
    long long v;
    double approx;
    if (S_parse_int(digits, base, neg, &v, &approx)) {
        n->stype = TM_SCALAR_INT;
        n->ival = v;
    } else {
        n->stype = TM_SCALAR_FLOAT;
        n->fval = base == 10 ? strtod(n->text, NULL) : approx;
    }
}

static int S_is_float(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == 0;
}

/* Type a plain scalar (n->text set, NUL-free) by the YAML 1.2 core schema. */
static void S_resolve_plain(tm_node *n)
{
    const char *s = n->text;
    n->stype = TM_SCALAR_STRING;
    if (!*s || S_is(s, "~", "null", "Null") || strcmp(s, "NULL") == 0) {
        n->stype = TM_SCALAR_NULL;
        return;
    }
    if (S_is(s, "true", "True", "TRUE")) {
        n->stype = TM_SCALAR_BOOL;
        n->bval = 1;
        return;
    }
    if (S_is(s, "false", "False", "FALSE")) {
        n->stype = TM_SCALAR_BOOL;
        n->bval = 0;
        return;
    }
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (S_all(p, "0123456789")) {
        S_set_int_or_float(n, p, 10, neg);
        return;
    }
    if (p == s && p[0] == '0' && p[1] == 'x' && S_all(p + 2, "0123456789abcdefABCDEF")) {
        S_set_int_or_float(n, p + 2, 16, 0);
        return;
    }
    if (p == s && p[0] == '0' && p[1] == 'o' && S_all(p + 2, "01234567")) {
        S_set_int_or_float(n, p + 2, 8, 0);
        return;
    }
    if (S_is(p, ".inf", ".Inf", ".INF")) {
        n->stype = TM_SCALAR_FLOAT;
        n->fval = neg ? -HUGE_VAL : HUGE_VAL;
        return;
    }
    if (p == s && S_is(s, ".nan", ".NaN", ".NAN")) {
        n->stype = TM_SCALAR_FLOAT;
        n->fval = NAN;
        return;
    }
    if (S_is_float(s)) {
        n->stype = TM_SCALAR_FLOAT;
        n->fval = strtod(s, NULL);
    }
}

/* ------------------------------------------------------------ the stack */

static void S_pos(const yaml_mark_t *m, uint32_t *line, uint32_t *col)
{
    *line = (uint32_t)m->line + 1;
    *col = (uint32_t)m->column + 1;
}

/* The CloudFormation long-form key for a local tag, or NULL when the tag is
 * not a local one (standard `!!` tags and the non-specific `!`). */
static const char *S_tag_key(S_yaml *y, const char *tag)
{
    if (!tag || tag[0] != '!' || tag[1] == 0)
        return NULL;
    const char *name = tag + 1;
    if (strcmp(name, "Ref") == 0 || strcmp(name, "Condition") == 0)
        return tm_arena_strdup(y->r.arena, name);
    if (strncmp(name, "Fn::", 4) == 0)
        return tm_arena_strdup(y->r.arena, name);
    return tm_arena_printf(y->r.arena, "Fn::%s", name);
}

/* Wrap `inner` in {key: inner} for a local tag. */
static tm_node *S_wrap(S_yaml *y, const char *key, tm_node *inner)
{
    tm_node *m = tm_reader_node(&y->r, TM_NODE_MAP, inner->line, inner->col);
    if (!m)
        return NULL;
    tm_node_map_put(y->r.arena, m, key, inner->line, inner->col, inner);
    return m;
}

static void S_register_anchor(S_yaml *y, const char *name, tm_node *node, size_t count)
{
    S_anchor *a = tm_map_get(y->anchors, name);
    if (!a) {
        a = tm_arena_alloc(y->r.arena, sizeof *a);
        tm_map_put(y->anchors, tm_arena_strdup(y->r.arena, name), a);
    }
    a->node = node;
    a->count = count;
}

/* The value of a `<<` key: checked and kept in the frame until the map ends. */
static int S_merge_key(S_yaml *y, S_frame *f, tm_node *v)
{
    if (!y->r.merge_keys) {
        tm_reader_error(&y->r, "merge-key", f->kline, f->kcol,
                        "YAML merge key '<<' is not supported here: write the merged keys out "
                        "(stridec reads merge keys only in imported deployment files)");
        return -1;
    }
    if (v->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i]->kind != TM_NODE_MAP) {
                tm_reader_error(&y->r, "merge-key", v->items[i]->line, v->items[i]->col,
                                "merge key '<<' takes a map or a list of maps, and item %zu is "
                                "a %s",
                                i + 1, tm_node_kind_name(v->items[i]));
                return -1;
            }
    } else if (v->kind != TM_NODE_MAP) {
        tm_reader_error(&y->r, "merge-key", v->line, v->col,
                        "merge key '<<' takes a map or a list of maps, not a %s",
                        tm_node_kind_name(v));
        return -1;
    }
    if (f->merges) {
        /* `<<` twice in one map: a duplicate key like any other. PyYAML
         * merges both, the later one winning, which is what last-wins means
         * for a merge. */
        if (y->r.dup_keys != TM_DUP_KEYS_LAST_WINS) {
            tm_reader_error(&y->r, "duplicate-key", f->kline, f->kcol,
                            "duplicate key '<<' (first at line %u)", (unsigned)f->mline);
            return -1;
        }
        tm_diag_add(y->r.d, TM_DIAG_WARNING, "duplicate-key", y->r.file, f->kline, f->kcol,
                    "duplicate key '<<' (earlier at line %u); both are merged, the later one "
                    "winning",
                    (unsigned)f->mline);
    } else {
        f->merges = tm_node_new(y->r.arena, TM_NODE_LIST, y->r.file, f->kline, f->kcol);
        f->merge_at = f->node->n;
    }
    tm_node_list_push(y->r.arena, f->merges, v);
    f->mline = f->kline;
    return 0;
}

/* Merge the frame's `<<` values into its map (see the top of the file). */
static void S_apply_merge(S_yaml *y, S_frame *f)
{
    tm_node *map = f->node;
    tm_node *out = tm_node_new(y->r.arena, TM_NODE_MAP, map->file, map->line, map->col);
    tm_map *seen = tm_map_new(map->n * 2 + 16);
    for (size_t i = 0; i < map->n; i++)
        tm_map_put(seen, map->pairs[i].key, map);
    for (size_t i = 0; i < f->merge_at; i++)
        tm_node_map_put(y->r.arena, out, map->pairs[i].key, map->pairs[i].line, map->pairs[i].col,
                        map->pairs[i].value);
    /* The map's own keys first (in `seen`), then the last `<<` value, each
     * list in order: the first to give a key wins. */
    for (size_t m = f->merges->n; m-- > 0;) {
        const tm_node *value = f->merges->items[m];
        size_t n_src = value->kind == TM_NODE_LIST ? value->n : 1;
        for (size_t s = 0; s < n_src; s++) {
            const tm_node *src = value->kind == TM_NODE_LIST ? value->items[s] : value;
            for (size_t i = 0; i < src->n; i++) {
                const tm_pair *p = &src->pairs[i];
                if (tm_map_get(seen, p->key))
                    continue;
                tm_map_put(seen, p->key, map);
                tm_node_map_put(y->r.arena, out, p->key, p->line, p->col, p->value);
            }
        }
    }
    for (size_t i = f->merge_at; i < map->n; i++)
        tm_node_map_put(y->r.arena, out, map->pairs[i].key, map->pairs[i].line, map->pairs[i].col,
                        map->pairs[i].value);
    tm_map_free(seen);
    map->pairs = out->pairs;
    map->n = out->n;
}

/* Attach a finished value to the open collection (or make it the root).
 * `merge_key`: v is a plain, untagged `<<` scalar (the merge key when it
 * is a map's key). */
static int S_attach(S_yaml *y, tm_node *v, int merge_key)
{
    if (y->depth == 0) {
        y->root = v;
        y->have_root = 1;
        return 0;
    }
    S_frame *f = &y->stack[y->depth - 1];
    if (f->node->kind == TM_NODE_LIST) {
        tm_node_list_push(y->r.arena, f->node, v);
        return 0;
    }
    if (!f->have_key) {
        if (v->kind != TM_NODE_SCALAR) {
            tm_reader_error(&y->r, "syntax", v->line, v->col,
                            "map keys must be scalars, found a %s", tm_node_kind_name(v));
            return -1;
        }
        f->have_key = 1;
        f->key_is_merge = merge_key;
        f->key = v->text;
        f->kline = v->line;
        f->kcol = v->col;
        return 0;
    }
    f->have_key = 0;
    if (f->key_is_merge)
        return S_merge_key(y, f, v);
    return tm_reader_put(&y->r, f->node, &f->index, f->key, f->kline, f->kcol, v);
}

static int S_push(S_yaml *y, tm_node *node, tm_node *wrapper, const char *anchor,
                  size_t nodes_at_start)
{
    if (tm_reader_depth(&y->r, y->depth + 1, node->line, node->col) < 0)
        return -1;
    if (y->depth == y->cap) {
        y->cap = y->cap ? y->cap * 2 : 16;
        y->stack = tm_xrealloc(y->stack, y->cap * sizeof *y->stack);
    }
    S_frame *f = &y->stack[y->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    f->wrapper = wrapper;
    f->anchor = anchor;
    f->nodes_at_start = nodes_at_start;
    if (anchor)
        S_register_anchor(y, anchor, NULL, 0); /* open: an alias to it now is a cycle */
    return 0;
}

/* ------------------------------------------------------------- aliases */

/* Deep copy of an anchored subtree; `depth` is the depth the copy lands
 * at. Limit errors are reported at the alias (aline:acol), where the
 * expansion happens, not at the anchored original. */
static tm_node *S_copy(S_yaml *y, const tm_node *src, size_t depth, uint32_t aline,
                       uint32_t acol)
{
    tm_node *n = tm_reader_node(&y->r, src->kind, aline, acol);
    if (!n)
        return NULL;
    if (src->kind == TM_NODE_SCALAR) {
        *n = *src;
        return n;
    }
    n->line = src->line;
    n->col = src->col;
    if (tm_reader_depth(&y->r, depth + 1, aline, acol) < 0)
        return NULL;
    if (src->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < src->n; i++) {
            tm_node *cc = S_copy(y, src->items[i], depth + 1, aline, acol);
            if (!cc)
                return NULL;
            tm_node_list_push(y->r.arena, n, cc);
        }
    } else {
        for (size_t i = 0; i < src->n; i++) {
            const tm_pair *p = &src->pairs[i];
            tm_node *cc = S_copy(y, p->value, depth + 1, aline, acol);
            if (!cc)
                return NULL;
            tm_node_map_put(y->r.arena, n, p->key, p->line, p->col, cc);
        }
    }
    return n;
}

static int S_alias(S_yaml *y, const yaml_event_t *e)
{
    uint32_t line, col;
    S_pos(&e->start_mark, &line, &col);
    const char *name = (const char *)e->data.alias.anchor;
    S_anchor *a = tm_map_get(y->anchors, name);
    if (!a) {
        tm_reader_error(&y->r, "alias", line, col, "unknown alias '*%s'",
                        tm_reader_short(&y->r, name, strlen(name)));
        return -1;
    }
    if (!a->node) {
        tm_reader_error(&y->r, "alias", line, col,
                        "alias '*%s' refers to its own ancestor (a cycle)",
                        tm_reader_short(&y->r, name, strlen(name)));
        return -1;
    }
    /* Check the whole cost before copying, so that a billion-laughs file
     * fails at its first expensive alias instead of after the budget's worth
     * of copying. */
    if (a->count > y->r.max_alias_visits - y->alias_visits) {
        tm_reader_error(&y->r, "alias", line, col,
                        "alias expansion exceeds budget (%zu nodes) at alias '*%s'",
                        y->r.max_alias_visits, tm_reader_short(&y->r, name, strlen(name)));
        return -1;
    }
    y->alias_visits += a->count;
    tm_node *copy = S_copy(y, a->node, y->depth, line, col);
    if (!copy)
        return -1;
    copy->line = line; /* the copy itself sits where the alias is */
    copy->col = col;
    return S_attach(y, copy, 0);
}

/* --------------------------------------------------------------- events */

static int S_scalar(S_yaml *y, const yaml_event_t *e)
{
    uint32_t line, col;
    S_pos(&e->start_mark, &line, &col);
    const char *value = (const char *)e->data.scalar.value;
    size_t len = e->data.scalar.length;
    if (memchr(value, 0, len)) {
        tm_reader_error(&y->r, "syntax", line, col,
                        "NUL character (\\0) is not allowed in strings");
        return -1;
    }
    size_t before = y->r.nodes;
    tm_node *n = tm_reader_node(&y->r, TM_NODE_SCALAR, line, col);
    if (!n)
        return -1;
    n->text = tm_arena_strndup(y->r.arena, value, len);
    n->len = len;
    n->stype = TM_SCALAR_STRING;
    const char *tag = (const char *)e->data.scalar.tag;
    int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (plain && !(tag && (strcmp(tag, "!") == 0 || strcmp(tag, YAML_STR_TAG) == 0)))
        S_resolve_plain(n);
    int merge_key = plain && !tag && len == 2 && value[0] == '<' && value[1] == '<';
    const char *wrap = S_tag_key(y, tag);
    if (wrap && !(n = S_wrap(y, wrap, n)))
        return -1;
    if (e->data.scalar.anchor)
        S_register_anchor(y, (const char *)e->data.scalar.anchor, n, y->r.nodes - before);
    return S_attach(y, n, merge_key && !wrap);
}

static int S_start(S_yaml *y, const yaml_event_t *e, tm_node_kind kind, const yaml_char_t *tag,
                   const yaml_char_t *anchor)
{
    uint32_t line, col;
    S_pos(&e->start_mark, &line, &col);
    size_t before = y->r.nodes;
    tm_node *n = tm_reader_node(&y->r, kind, line, col);
    if (!n)
        return -1;
    tm_node *wrapper = NULL;
    const char *wrap = S_tag_key(y, (const char *)tag);
    if (wrap && !(wrapper = S_wrap(y, wrap, n)))
        return -1;
    return S_push(y, n, wrapper, anchor ? tm_arena_strdup(y->r.arena, (const char *)anchor) : NULL,
                  before);
}

static int S_end(S_yaml *y)
{
    S_frame f = y->stack[--y->depth];
    tm_map_free(f.index);
    if (f.merges)
        S_apply_merge(y, &f);
    tm_node *v = f.wrapper ? f.wrapper : f.node;
    if (f.anchor)
        S_register_anchor(y, f.anchor, v, y->r.nodes - f.nodes_at_start);
    return S_attach(y, v, 0);
}

static void S_syntax_error(S_yaml *y, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_MEMORY_ERROR) {
        tm_reader_error(&y->r, "syntax", 0, 0, "YAML reader ran out of memory");
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        uint32_t line, col;
        tm_textpos_at(&y->r.pos, p->problem_offset, &line, &col);
        if (p->problem_value != -1)
            tm_reader_error(&y->r, "syntax", line, col, "YAML syntax error: %s (U+%04X)", problem,
                            (unsigned)p->problem_value);
        else
            tm_reader_error(&y->r, "syntax", line, col, "YAML syntax error: %s", problem);
        return;
    }
    uint32_t line, col;
    S_pos(&p->problem_mark, &line, &col);
    if (p->context)
        tm_reader_error(&y->r, "syntax", line, col, "YAML syntax error: %s (%s at line %u, column %u)",
                        problem, p->context, (unsigned)p->context_mark.line + 1,
                        (unsigned)p->context_mark.column + 1);
    else
        tm_reader_error(&y->r, "syntax", line, col, "YAML syntax error: %s", problem);
}

tm_node *tm_read_yaml(tm_arena *arena, const char *file, const char *text, size_t len,
                      const tm_read_limits *lim, tm_diags *d)
{
    S_yaml y;
    memset(&y, 0, sizeof y);
    if (tm_reader_begin(&y.r, arena, file, text, len, lim, d) < 0)
        return NULL;
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        tm_reader_error(&y.r, "syntax", 0, 0, "YAML reader ran out of memory");
        return NULL;
    }
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&p, (const unsigned char *)y.r.text, y.r.len);
    y.anchors = tm_map_new(16);
    int documents = 0, done = 0, ok = 1;
    while (!done && ok) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            S_syntax_error(&y, &p);
            ok = 0;
            break;
        }
        switch (e.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                uint32_t line, col;
                S_pos(&e.start_mark, &line, &col);
                tm_reader_error(&y.r, "syntax", line, col,
                                "multiple documents in one file (a second document starts here)");
                ok = 0;
            }
            break;
        case YAML_ALIAS_EVENT:
            ok = S_alias(&y, &e) == 0;
            break;
        case YAML_SCALAR_EVENT:
            ok = S_scalar(&y, &e) == 0;
            break;
        case YAML_SEQUENCE_START_EVENT:
            ok = S_start(&y, &e, TM_NODE_LIST, e.data.sequence_start.tag,
                         e.data.sequence_start.anchor) == 0;
            break;
        case YAML_MAPPING_START_EVENT:
            ok = S_start(&y, &e, TM_NODE_MAP, e.data.mapping_start.tag,
                         e.data.mapping_start.anchor) == 0;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            ok = S_end(&y) == 0;
            break;
        default:
            break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    while (y.depth > 0)
        tm_map_free(y.stack[--y.depth].index);
    free(y.stack);
    tm_map_free(y.anchors);
    if (!ok || y.r.failed)
        return NULL;
    if (!y.have_root) { /* an empty file (or only comments) is a null document */
        y.root = tm_reader_node(&y.r, TM_NODE_SCALAR, 1, 1);
        if (y.root)
            y.root->stype = TM_SCALAR_NULL;
    }
    return y.root;
}
