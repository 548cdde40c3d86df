/* Helpers shared by the syntax readers: see reader.h. */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "doc/reader.h"

/* Maps smaller than this are searched linearly for duplicate keys; larger
 * ones get a hash index so that a map with 100,000 keys stays linear. */
#define S_INDEX_AT 16

void tm_textpos_init(tm_textpos *p, const char *text, size_t len)
{
    p->text = text;
    p->len = len;
    p->off = 0;
    p->line = 1;
    p->col = 1;
}

void tm_textpos_at(tm_textpos *p, size_t off, uint32_t *line, uint32_t *col)
{
    if (off > p->len)
        off = p->len;
    if (off < p->off) { /* rare: a position before the last one; start over */
        p->off = 0;
        p->line = 1;
        p->col = 1;
    }
    const unsigned char *s = (const unsigned char *)p->text;
    for (size_t i = p->off; i < off; i++) {
        if (s[i] == '\n') {
            p->line++;
            p->col = 1;
        } else if ((s[i] & 0xC0) != 0x80) {
            p->col++;
        }
    }
    p->off = off;
    *line = p->line;
    *col = p->col;
}

int tm_reader_begin(tm_reader *r, tm_arena *arena, const char *file, const char *text,
                    size_t len, const tm_read_limits *lim, tm_diags *d)
{
    memset(r, 0, sizeof *r);
    r->arena = arena;
    r->d = d;
    r->file = tm_arena_strdup(arena, file ? file : "<input>");
    r->max_depth = lim && lim->max_depth ? lim->max_depth : TM_MAX_DEPTH;
    r->max_alias_visits =
        lim && lim->max_alias_visits ? lim->max_alias_visits : TM_MAX_ALIAS_VISITS;
    r->max_nodes = lim && lim->max_nodes ? lim->max_nodes : TM_MAX_NODES;
    r->dup_keys = lim ? lim->dup_keys : TM_DUP_KEYS_ERROR;
    r->merge_keys = lim && lim->yaml_merge_keys;
    if (!text) {
        text = "";
        len = 0;
    }
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        r->bom = 3;
    r->text = text + r->bom;
    r->len = len - r->bom;
    tm_textpos_init(&r->pos, r->text, r->len);
    size_t bad = 0;
    if (!tm_utf8_valid(r->text, r->len, &bad)) {
        uint32_t line, col;
        tm_textpos_at(&r->pos, bad, &line, &col);
        tm_reader_error(r, "invalid-utf8", line, col, "invalid UTF-8 at byte offset %zu",
                        bad + r->bom);
        return -1;
    }
    return 0;
}

void tm_reader_error(tm_reader *r, const char *code, uint32_t line, uint32_t col,
                     const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(r->d, TM_DIAG_ERROR, code, r->file, line, col, fmt, ap);
    va_end(ap);
}

tm_node *tm_reader_node(tm_reader *r, tm_node_kind kind, uint32_t line, uint32_t col)
{
    if (r->nodes >= r->max_nodes) {
        tm_reader_error(r, "too-many-nodes", line, col,
                        "document has too many nodes (more than %zu)", r->max_nodes);
        return NULL;
    }
    r->nodes++;
    return tm_node_new(r->arena, kind, r->file, line, col);
}

int tm_reader_depth(tm_reader *r, size_t depth, uint32_t line, uint32_t col)
{
    if (depth <= r->max_depth)
        return 0;
    tm_reader_error(r, "too-deep", line, col, "document nested too deep (more than %zu levels)",
                    r->max_depth);
    return -1;
}

static tm_pair *S_find(tm_node *map, tm_map **index, const char *key)
{
    if (map->n < S_INDEX_AT) {
        for (size_t i = 0; i < map->n; i++)
            if (strcmp(map->pairs[i].key, key) == 0)
                return &map->pairs[i];
        return NULL;
    }
    /* The index stores position + 1 (pairs move when the array grows). */
    if (!*index) {
        *index = tm_map_new(map->n * 2);
        for (size_t i = 0; i < map->n; i++)
            tm_map_put(*index, map->pairs[i].key, (void *)(uintptr_t)(i + 1));
    }
    uintptr_t at = (uintptr_t)tm_map_get(*index, key);
    return at ? &map->pairs[at - 1] : NULL;
}

const tm_pair *tm_reader_find(tm_node *map, tm_map **index, const char *key)
{
    return S_find(map, index, key);
}

int tm_reader_put(tm_reader *r, tm_node *map, tm_map **index, const char *key, uint32_t line,
                  uint32_t col, tm_node *value)
{
    tm_pair *first = S_find(map, index, key);
    if (first && r->dup_keys == TM_DUP_KEYS_LAST_WINS) {
        tm_diag_add(r->d, TM_DIAG_WARNING, "duplicate-key", r->file, line, col,
                    "duplicate key '%s' (earlier at line %u); the later value is used",
                    tm_reader_short(r, key, strlen(key)), (unsigned)first->line);
        first->line = line;
        first->col = col;
        first->value = value;
        return 0;
    }
    if (first) {
        tm_reader_error(r, "duplicate-key", line, col, "duplicate key '%s' (first at line %u)",
                        tm_reader_short(r, key, strlen(key)), (unsigned)first->line);
        return -1;
    }
    tm_node_map_put(r->arena, map, key, line, col, value);
    if (*index)
        tm_map_put(*index, key, (void *)(uintptr_t)map->n);
    return 0;
}

const char *tm_reader_short(tm_reader *r, const char *s, size_t n)
{
    size_t i = 0, cps = 0;
    while (i < n && cps < 60) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cps++;
    }
    if (i >= n)
        return tm_arena_strndup(r->arena, s, n);
    return tm_arena_printf(r->arena, "%.*s...", (int)i, s);
}
