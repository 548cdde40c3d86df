/* Validation helpers for data files read as document trees (docval.h). */
#include <stdarg.h>
#include <string.h>

#include "doc/check.h"

/* A node's kind as a message says it: "a list", "an integer", "null". */
const char *tm_dv_what(const tm_node *n)
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

void tm_dv_error_at(tm_dv *v, const char *file, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(v->d, TM_DIAG_ERROR, v->code, file, line, col, fmt, ap);
    va_end(ap);
    v->errors++;
}

void tm_dv_error(tm_dv *v, const tm_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(v->d, TM_DIAG_ERROR, v->code, n ? n->file : NULL, n ? n->line : 0,
                 n ? n->col : 0, fmt, ap);
    va_end(ap);
    v->errors++;
}

void tm_dv_check_keys(tm_dv *v, const tm_node *map, const char *what,
                      const char *const *allowed, size_t n)
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
        const char *near = tm_did_you_mean(p->key, allowed, n);
        const char *file = p->value ? p->value->file : map->file;
        if (near)
            tm_dv_error_at(v, file, p->line, p->col, "unknown key '%s' in %s (did you mean '%s'?)",
                           p->key, what, near);
        else
            tm_dv_error_at(v, file, p->line, p->col, "unknown key '%s' in %s", p->key, what);
    }
}

const tm_node *tm_dv_require(tm_dv *v, const tm_node *map, const char *key, const char *what)
{
    const tm_node *n = tm_node_get(map, key);
    if (!n)
        tm_dv_error(v, map, "%s is missing required key '%s'", what, key);
    return n;
}

static int S_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

const char *tm_dv_string(tm_dv *v, const tm_node *n, const char *key, bool nonempty)
{
    if (n->kind != TM_NODE_SCALAR ||
        (n->stype != TM_SCALAR_STRING && n->stype != TM_SCALAR_TEXT)) {
        tm_dv_error(v, n, "'%s' must be a string, not %s", key, tm_dv_what(n));
        return NULL;
    }
    if (nonempty && S_blank(n->text)) {
        tm_dv_error(v, n, "'%s' must not be empty", key);
        return NULL;
    }
    return n->text;
}

int tm_dv_bool(tm_dv *v, const tm_node *n, const char *key, bool *out)
{
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_BOOL) {
        *out = n->bval != 0;
        return 0;
    }
    /* XML attributes are untyped text: the key's type decides. */
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_TEXT) {
        if (strcmp(n->text, "true") == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(n->text, "false") == 0) {
            *out = false;
            return 0;
        }
        tm_dv_error(v, n, "'%s' must be a boolean (true or false), not '%s'", key, n->text);
        return -1;
    }
    if (n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_STRING)
        tm_dv_error(v, n, "'%s' must be a boolean (true or false), not the string '%s'", key,
                    n->text);
    else
        tm_dv_error(v, n, "'%s' must be a boolean (true or false), not %s", key, tm_dv_what(n));
    return -1;
}

/* Split an XML text scalar on whitespace into v->arena strings. */
static const char **S_split(tm_dv *v, const char *s, size_t *n_out)
{
    size_t cap = 0;
    for (const char *p = s; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        cap++;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
    }
    *n_out = cap;
    if (!cap)
        return NULL;
    const char **out = tm_arena_array(v->arena, cap, sizeof *out);
    size_t k = 0;
    for (const char *p = s; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
        out[k++] = tm_arena_strndup(v->arena, start, (size_t)(p - start));
    }
    return out;
}

const char **tm_dv_strings(tm_dv *v, const tm_node *n, const char *key, bool split_text,
                           size_t *n_out, int *ok)
{
    *n_out = 0;
    if (split_text && n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_TEXT)
        return S_split(v, n->text, n_out);
    if (n->kind != TM_NODE_LIST) {
        tm_dv_error(v, n, "'%s' must be a list of strings, not %s", key, tm_dv_what(n));
        *ok = 0;
        return NULL;
    }
    if (!n->n)
        return NULL;
    const char **out = tm_arena_array(v->arena, n->n, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++) {
        const tm_node *it = n->items[i];
        if (it->kind != TM_NODE_SCALAR ||
            (it->stype != TM_SCALAR_STRING && it->stype != TM_SCALAR_TEXT)) {
            tm_dv_error(v, it, "every item of '%s' must be a string, not %s", key,
                        tm_dv_what(it));
            *ok = 0;
            continue;
        }
        if (S_blank(it->text)) {
            tm_dv_error(v, it, "an item of '%s' is empty", key);
            *ok = 0;
            continue;
        }
        out[k++] = it->text;
    }
    *n_out = k;
    return out;
}

int tm_dv_enum(tm_dv *v, const tm_node *n, const char *key, const char *const *names,
               size_t n_names)
{
    tm_buf list;
    tm_buf_init(&list, 4096);
    for (size_t i = 0; i < n_names; i++)
        tm_buf_printf(&list, "%s%s", i ? (i + 1 == n_names ? " or " : ", ") : "", names[i]);
    int result = -1;
    if (n->kind != TM_NODE_SCALAR ||
        (n->stype != TM_SCALAR_STRING && n->stype != TM_SCALAR_TEXT)) {
        tm_dv_error(v, n, "'%s' must be %s, not %s", key, list.data, tm_dv_what(n));
    } else {
        for (size_t i = 0; i < n_names && result < 0; i++)
            if (strcmp(n->text, names[i]) == 0)
                result = (int)i;
        if (result < 0) {
            const char *near = tm_did_you_mean(n->text, names, n_names);
            if (near)
                tm_dv_error(v, n, "'%s' must be %s, not '%s' (did you mean '%s'?)", key, list.data,
                            n->text, near);
            else
                tm_dv_error(v, n, "'%s' must be %s, not '%s'", key, list.data, n->text);
        }
    }
    tm_buf_free(&list);
    return result;
}
