/* The format table and the list of extra outputs. */
#include <stdlib.h>
#include <string.h>

#include "stridec/render.h"

/* Default output order of `stridec report` (DESIGN.md). */
const tm_format tm_formats[] = {
    {"dot", "dfd.dot", tm_render_dot, 0},
    {"svg", "dfd.svg", tm_render_svg, 0},
    {"png", "dfd.png", tm_render_png, 0},
    {"html", "report.html", tm_render_html, 0},
    {"pdf", "report.pdf", tm_render_pdf, 0},
    {"md", "report.md", tm_render_md, 0},
    {"json", "threats.json", tm_render_json, 1},
    {"sarif", "threats.sarif", tm_render_sarif, 1},
    {"csv", "threats.csv", tm_render_csv, 0},
};
const size_t tm_n_formats = sizeof tm_formats / sizeof tm_formats[0];

const tm_format *tm_format_find(const char *name)
{
    for (size_t i = 0; i < tm_n_formats; i++)
        if (strcmp(tm_formats[i].name, name) == 0)
            return &tm_formats[i];
    return NULL;
}

typedef struct {
    char *name;
    char *data;
    size_t len;
} output;

struct tm_outputs {
    output *items;
    size_t n, cap;
};

tm_outputs *tm_outputs_new(void)
{
    tm_outputs *o = tm_xmalloc(sizeof *o);
    memset(o, 0, sizeof *o);
    return o;
}

void tm_outputs_free(tm_outputs *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->items[i].name);
        free(o->items[i].data);
    }
    free(o->items);
    free(o);
}

void tm_outputs_add(tm_outputs *o, const char *name, const char *data, size_t len)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 8;
        o->items = tm_xrealloc(o->items, o->cap * sizeof *o->items);
    }
    output *it = &o->items[o->n++];
    it->name = tm_xstrdup(name);
    it->data = tm_xmalloc(len + 1);
    memcpy(it->data, data, len);
    it->data[len] = '\0';
    it->len = len;
}

size_t tm_outputs_count(const tm_outputs *o)
{
    return o ? o->n : 0;
}

const char *tm_outputs_name(const tm_outputs *o, size_t i)
{
    return o->items[i].name;
}

const char *tm_outputs_data(const tm_outputs *o, size_t i, size_t *len)
{
    *len = o->items[i].len;
    return o->items[i].data;
}

/* -------------------------------------------------------------- anchors */

#include "render/render_impl.h"

const char *tm_report_anchor(tm_arena *ar, const char *kind, const char *id, bool threats)
{
    return tm_arena_printf(ar, threats ? "t-%s-%s" : "%s-%s", kind, id);
}

/* ---------------------------------------------------------------- cache */

void *tm_render_cache_get(const tm_render_opts *o, const char *key)
{
    for (tm_render_cache_entry *e = o ? o->cache : NULL; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e->data;
    return NULL;
}

void tm_render_cache_put(const tm_render_opts *o, const char *key, void *data,
                         void (*release)(void *data))
{
    if (!o) {
        if (release)
            release(data);
        return;
    }
    tm_render_cache_entry *e = tm_xmalloc(sizeof *e);
    e->key = key;
    e->data = data;
    e->release = release;
    tm_render_opts *mut = (tm_render_opts *)o;
    e->next = mut->cache;
    mut->cache = e;
}

void tm_render_cache_free(tm_render_opts *o)
{
    tm_render_cache_entry *e = o->cache;
    while (e) {
        tm_render_cache_entry *next = e->next;
        if (e->release)
            e->release(e->data);
        free(e);
        e = next;
    }
    o->cache = NULL;
}

tm_style tm_severity_style(tm_severity s)
{
    switch (s) {
    case TM_SEV_CRITICAL:
        return TM_STYLE_CRITICAL;
    case TM_SEV_HIGH:
        return TM_STYLE_HIGH;
    case TM_SEV_MEDIUM:
        return TM_STYLE_MEDIUM;
    case TM_SEV_LOW:
        return TM_STYLE_LOW;
    default:
        return TM_STYLE_RESET;
    }
}
