/* Document tree helpers shared by the readers, the builder and the renderers. */
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"

tm_node *tm_node_new(tm_arena *a, tm_node_kind kind, const char *file, uint32_t line, uint32_t col)
{
    tm_node *n = tm_arena_alloc(a, sizeof *n);
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    if (kind == TM_NODE_SCALAR) {
        n->stype = TM_SCALAR_STRING;
        n->text = "";
    }
    return n;
}

tm_node *tm_node_string(tm_arena *a, const char *s)
{
    tm_node *n = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    n->stype = TM_SCALAR_STRING;
    n->text = tm_arena_strdup(a, s ? s : "");
    n->len = strlen(n->text);
    return n;
}

tm_node *tm_node_int(tm_arena *a, long long v)
{
    tm_node *n = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    n->stype = TM_SCALAR_INT;
    n->ival = v;
    /* Decimal by hand: writers create many of these (line numbers). */
    char buf[24];
    size_t i = sizeof buf;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    n->text = tm_arena_strndup(a, buf + i, sizeof buf - i);
    n->len = sizeof buf - i;
    return n;
}

tm_node *tm_node_bool(tm_arena *a, int v)
{
    tm_node *n = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    n->stype = TM_SCALAR_BOOL;
    n->bval = v ? 1 : 0;
    n->text = v ? "true" : "false";
    n->len = strlen(n->text);
    return n;
}

/* Lists and maps grow by doubling; capacity is the next power of two >= n,
 * so it need not be stored. */
static size_t S_cap_for(size_t n)
{
    size_t c = 4;
    while (c < n)
        c *= 2;
    return c;
}

void tm_node_list_push(tm_arena *a, tm_node *list, tm_node *item)
{
    size_t n = list->n;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = S_cap_for(n + 1);
        tm_node **items = tm_arena_array(a, cap, sizeof *items);
        if (n)
            memcpy(items, list->items, n * sizeof *items);
        list->items = items;
    }
    list->items[list->n++] = item;
}

void tm_node_map_put(tm_arena *a, tm_node *map, const char *key, uint32_t line, uint32_t col,
                     tm_node *value)
{
    size_t n = map->n;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = S_cap_for(n + 1);
        tm_pair *pairs = tm_arena_array(a, cap, sizeof *pairs);
        if (n)
            memcpy(pairs, map->pairs, n * sizeof *pairs);
        map->pairs = pairs;
    }
    tm_pair *p = &map->pairs[map->n++];
    p->key = key;
    p->line = line;
    p->col = col;
    p->value = value;
}

const tm_pair *tm_node_get_pair(const tm_node *map, const char *key)
{
    if (!map || map->kind != TM_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->pairs[i].key, key) == 0)
            return &map->pairs[i];
    return NULL;
}

tm_node *tm_node_get(const tm_node *map, const char *key)
{
    const tm_pair *p = tm_node_get_pair(map, key);
    return p ? p->value : NULL;
}

const char *tm_node_kind_name(const tm_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case TM_NODE_MAP:
        return "map";
    case TM_NODE_LIST:
        return "list";
    default:
        break;
    }
    switch (n->stype) {
    case TM_SCALAR_NULL:
        return "null";
    case TM_SCALAR_BOOL:
        return "boolean";
    case TM_SCALAR_INT:
        return "integer";
    case TM_SCALAR_FLOAT:
        return "number";
    default:
        return "string";
    }
}

int tm_node_equal(const tm_node *a, const tm_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->n != b->n)
        return 0;
    switch (a->kind) {
    case TM_NODE_SCALAR: {
        tm_scalar_type ta = a->stype == TM_SCALAR_TEXT ? TM_SCALAR_STRING : a->stype;
        tm_scalar_type tb = b->stype == TM_SCALAR_TEXT ? TM_SCALAR_STRING : b->stype;
        if (ta != tb)
            return 0;
        switch (ta) {
        case TM_SCALAR_NULL:
            return 1;
        case TM_SCALAR_BOOL:
            return a->bval == b->bval;
        case TM_SCALAR_INT:
            return a->ival == b->ival;
        case TM_SCALAR_FLOAT:
            return a->fval == b->fval;
        default:
            return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
        }
    }
    case TM_NODE_LIST:
        for (size_t i = 0; i < a->n; i++)
            if (!tm_node_equal(a->items[i], b->items[i]))
                return 0;
        return 1;
    case TM_NODE_MAP:
        for (size_t i = 0; i < a->n; i++) {
            if (strcmp(a->pairs[i].key, b->pairs[i].key) != 0)
                return 0;
            if (!tm_node_equal(a->pairs[i].value, b->pairs[i].value))
                return 0;
        }
        return 1;
    }
    return 0;
}
