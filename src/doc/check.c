/* Typed checks of a document tree, one wording for all (check.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "doc/check.h"

const char *tm_check_what(const tm_node *n)
{
    if (n->kind == TM_NODE_MAP)
        return "a map";
    if (n->kind == TM_NODE_LIST)
        return "a list";
    switch (n->stype) {
    case TM_SCALAR_NULL:
        return "null";
    case TM_SCALAR_BOOL:
        return "a boolean";
    case TM_SCALAR_INT:
        return "an integer";
    case TM_SCALAR_FLOAT:
        return "a number";
    default:
        return "a string";
    }
}

const char *tm_check_suggest(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word), hits = 0;
    const char *hit = NULL;
    if (len >= 3) {
        for (size_t i = 0; i < n; i++) {
            if (strncmp(cands[i], word, len) == 0) {
                hit = cands[i];
                hits++;
            }
        }
        if (hits == 1)
            return hit;
    }
    return tm_did_you_mean(word, cands, n);
}

void tm_check_error_at(tm_check *c, const char *code, const char *file, uint32_t line,
                       uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_ERROR, code, file, line, col, fmt, ap);
    va_end(ap);
    c->errors++;
}

void tm_check_error(tm_check *c, const char *code, const tm_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_ERROR, code, n ? n->file : NULL, n ? n->line : 0, n ? n->col : 0,
                 fmt, ap);
    va_end(ap);
    c->errors++;
}

/* " (did you mean 'x'?)" or "; expected one of: a, b, c" for `word`. */
static void S_hint(tm_buf *b, const char *word, const char *const *cands, size_t n)
{
    const char *dym = tm_check_suggest(word, cands, n);
    if (dym) {
        tm_buf_printf(b, " (did you mean '%s'?)", dym);
        return;
    }
    tm_buf_puts(b, "; expected one of: ");
    for (size_t i = 0; i < n; i++)
        tm_buf_printf(b, "%s%s", i ? ", " : "", cands[i]);
}

void tm_check_keys(tm_check *c, const tm_node *map, const char *what, const char *const *allowed,
                   size_t n)
{
    if (!map || map->kind != TM_NODE_MAP)
        return;
    for (size_t i = 0; i < map->n; i++) {
        const tm_pair *p = &map->pairs[i];
        size_t k = 0;
        while (k < n && strcmp(p->key, allowed[k]) != 0)
            k++;
        if (k < n)
            continue;
        tm_buf hint;
        tm_buf_init(&hint, 8192);
        S_hint(&hint, p->key, allowed, n);
        const char *file = p->value && p->value->file ? p->value->file : map->file;
        uint32_t line = p->line ? p->line : map->line, col = p->line ? p->col : map->col;
        if (what)
            tm_check_error_at(c, "unknown-key", file, line, col, "unknown key '%s' in %s%s", p->key,
                              what, hint.data ? hint.data : "");
        else
            tm_check_error_at(c, "unknown-key", file, line, col, "unknown top-level key '%s'%s",
                              p->key, hint.data ? hint.data : "");
        tm_buf_free(&hint);
    }
}

const tm_node *tm_check_require(tm_check *c, const tm_node *map, const char *key,
                                const char *what)
{
    const tm_node *v = tm_node_get(map, key);
    if (!v)
        tm_check_error(c, "missing-key", map, "missing required key '%s' in %s", key, what);
    return v;
}

static int S_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

static int S_is_text(const tm_node *n)
{
    return n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_TEXT;
}

/* A string value: strings and XML text; numbers when allowed. */
static int S_stringish(const tm_node *n, unsigned flags)
{
    if (n->kind != TM_NODE_SCALAR)
        return 0;
    if (n->stype == TM_SCALAR_STRING || n->stype == TM_SCALAR_TEXT)
        return 1;
    return (flags & TM_CHECK_NUMBER_OK) &&
           (n->stype == TM_SCALAR_INT || n->stype == TM_SCALAR_FLOAT);
}

const char *tm_check_string(tm_check *c, const tm_node *n, const char *key, unsigned flags)
{
    if (!S_stringish(n, flags)) {
        tm_check_error(c, "wrong-type", n, "'%s' must be a string, not %s", key, tm_check_what(n));
        return NULL;
    }
    if ((flags & TM_CHECK_NONEMPTY) && S_blank(n->text)) {
        tm_check_error(c, "bad-value", n, "'%s' must not be empty", key);
        return NULL;
    }
    return n->text;
}

int tm_check_bool(tm_check *c, const tm_node *n, const char *key, bool *out)
{
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_BOOL) {
        *out = n->bval != 0;
        return 0;
    }
    /* XML attributes are untyped text: the key's type decides. */
    if (S_is_text(n)) {
        if (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0) {
            *out = n->text[0] == 't';
            return 0;
        }
        tm_check_error(c, "wrong-type", n, "'%s' must be a boolean (true or false), not '%s'", key,
                       n->text);
        return -1;
    }
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_STRING)
        tm_check_error(c, "wrong-type", n,
                       "'%s' must be a boolean (true or false), not the string '%s'", key,
                       n->text);
    else
        tm_check_error(c, "wrong-type", n, "'%s' must be a boolean (true or false), not %s", key,
                       tm_check_what(n));
    return -1;
}

/* A whole number as YAML's core schema writes one: [-+]?[0-9]+, in range. */
int tm_check_parse_int(const char *s, long long *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return 0;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || !end || *end)
        return 0;
    *out = v;
    return 1;
}

int tm_check_int(tm_check *c, const tm_node *n, const char *key, long long *out)
{
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_INT) {
        *out = n->ival;
        return 0;
    }
    if (S_is_text(n)) {
        if (tm_check_parse_int(n->text, out))
            return 0;
        tm_check_error(c, "wrong-type", n, "'%s' must be an integer, not '%s'", key, n->text);
        return -1;
    }
    tm_check_error(c, "wrong-type", n, "'%s' must be an integer, not %s", key, tm_check_what(n));
    return -1;
}

const tm_node *tm_check_map(tm_check *c, const tm_node *n, const char *what)
{
    if (n->kind == TM_NODE_MAP)
        return n;
    if (S_is_text(n) && S_blank(n->text))
        return tm_node_new(c->arena, TM_NODE_MAP, n->file, n->line, n->col);
    tm_check_error(c, "wrong-type", n, "%s must be a map, not %s", what, tm_check_what(n));
    return NULL;
}

const tm_node *tm_check_list(tm_check *c, const tm_node *n, const char *what)
{
    if (n->kind == TM_NODE_LIST)
        return n;
    tm_check_error(c, "wrong-type", n, "%s must be a list, not %s", what, tm_check_what(n));
    return NULL;
}

static int S_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Split an XML text scalar on whitespace into c->arena strings. */
static const char **S_split(tm_check *c, const tm_node *n, size_t *n_out, const tm_node ***nodes)
{
    size_t cap = 0;
    for (const char *p = n->text; *p;) {
        while (S_ws(*p))
            p++;
        if (!*p)
            break;
        cap++;
        while (*p && !S_ws(*p))
            p++;
    }
    *n_out = cap;
    if (!cap)
        return NULL;
    const char **out = tm_arena_array(c->arena, cap, sizeof *out);
    const tm_node **at = nodes ? tm_arena_array(c->arena, cap, sizeof *at) : NULL;
    size_t k = 0;
    for (const char *p = n->text; *p;) {
        while (S_ws(*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && !S_ws(*p))
            p++;
        if (at)
            at[k] = n;
        out[k++] = tm_arena_strndup(c->arena, start, (size_t)(p - start));
    }
    if (nodes)
        *nodes = at;
    return out;
}

const char **tm_check_strings(tm_check *c, const tm_node *n, const char *key, unsigned flags,
                              size_t *n_out, const tm_node ***nodes, int *ok)
{
    *n_out = 0;
    if (nodes)
        *nodes = NULL;
    if ((flags & TM_CHECK_SPLIT_TEXT) && S_is_text(n))
        return S_split(c, n, n_out, nodes);
    if (n->kind != TM_NODE_LIST) {
        tm_check_error(c, "wrong-type", n, "'%s' must be a list of strings, not %s", key,
                       tm_check_what(n));
        *ok = 0;
        return NULL;
    }
    if (!n->n)
        return NULL;
    const char **out = tm_arena_array(c->arena, n->n, sizeof *out);
    const tm_node **at = nodes ? tm_arena_array(c->arena, n->n, sizeof *at) : NULL;
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++) {
        const tm_node *it = n->items[i];
        if (!S_stringish(it, flags)) {
            tm_check_error(c, "wrong-type", it, "every item of '%s' must be a string, not %s", key,
                           tm_check_what(it));
            *ok = 0;
            continue;
        }
        if (!(flags & TM_CHECK_EMPTY_ITEM_OK) && S_blank(it->text)) {
            tm_check_error(c, "bad-value", it, "an item of '%s' is empty", key);
            *ok = 0;
            continue;
        }
        if (at)
            at[k] = it;
        out[k++] = it->text;
    }
    *n_out = k;
    if (nodes)
        *nodes = at;
    return out;
}

int tm_check_enum(tm_check *c, const tm_node *n, const char *key, const char *const *names,
                  size_t n_names)
{
    tm_buf list;
    tm_buf_init(&list, 8192);
    for (size_t i = 0; i < n_names; i++)
        tm_buf_printf(&list, "%s%s", i ? (i + 1 == n_names ? " or " : ", ") : "", names[i]);
    const char *options = list.data ? list.data : "";
    int result = -1;
    if (!S_stringish(n, 0)) {
        tm_check_error(c, "wrong-type", n, "'%s' must be one of %s, not %s", key, options,
                       tm_check_what(n));
    } else {
        for (size_t i = 0; i < n_names && result < 0; i++)
            if (strcmp(n->text, names[i]) == 0)
                result = (int)i;
        if (result < 0) {
            const char *near = tm_check_suggest(n->text, names, n_names);
            if (near)
                tm_check_error(c, "bad-value", n, "'%s' must be one of %s, not '%s' (did you mean '%s'?)",
                               key, options, n->text, near);
            else
                tm_check_error(c, "bad-value", n, "'%s' must be one of %s, not '%s'", key, options,
                               n->text);
        }
    }
    tm_buf_free(&list);
    return result;
}
