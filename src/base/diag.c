/* Diagnostics list: what went wrong, where. Formatting lives here so that
 * every front end shows errors the same way; printing is the CLI's job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/base.h"

typedef struct {
    char *file;
    char *text;
    size_t len;
} source;

struct tm_diags {
    tm_arena *arena;
    tm_diag *items;
    size_t n, cap, errors;
    source *sources;
    size_t n_sources, cap_sources;
};

tm_diags *tm_diags_new(void)
{
    tm_diags *d = tm_xmalloc(sizeof *d);
    memset(d, 0, sizeof *d);
    d->arena = tm_arena_new();
    return d;
}

void tm_diags_free(tm_diags *d)
{
    if (!d)
        return;
    free(d->items);
    for (size_t i = 0; i < d->n_sources; i++) {
        free(d->sources[i].file);
        free(d->sources[i].text);
    }
    free(d->sources);
    tm_arena_free(d->arena);
    free(d);
}

void tm_diag_vadd(tm_diags *d, tm_diag_severity sev, const char *code, const char *file,
                  uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = tm_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    tm_buf b;
    tm_buf_init(&b, 64 * 1024);
    tm_buf_vprintf(&b, fmt, ap);
    tm_diag *g = &d->items[d->n++];
    g->severity = sev;
    g->code = tm_arena_strdup(d->arena, code);
    g->file = tm_arena_strdup(d->arena, file);
    g->line = line;
    g->col = col;
    g->message = tm_arena_strdup(d->arena, b.data ? b.data : "");
    tm_buf_free(&b);
    if (sev == TM_DIAG_ERROR)
        d->errors++;
}

void tm_diag_add(tm_diags *d, tm_diag_severity sev, const char *code, const char *file,
                 uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(d, sev, code, file, line, col, fmt, ap);
    va_end(ap);
}

size_t tm_diags_count(const tm_diags *d)
{
    return d->n;
}

size_t tm_diags_errors(const tm_diags *d)
{
    return d->errors;
}

const tm_diag *tm_diags_get(const tm_diags *d, size_t i)
{
    return i < d->n ? &d->items[i] : NULL;
}

void tm_diags_add_source(tm_diags *d, const char *file, const char *text, size_t len)
{
    if (!file || !text)
        return;
    for (size_t i = 0; i < d->n_sources; i++)
        if (strcmp(d->sources[i].file, file) == 0)
            return;
    if (d->n_sources == d->cap_sources) {
        d->cap_sources = d->cap_sources ? d->cap_sources * 2 : 4;
        d->sources = tm_xrealloc(d->sources, d->cap_sources * sizeof *d->sources);
    }
    source *s = &d->sources[d->n_sources++];
    s->file = tm_xstrdup(file);
    s->text = tm_xmalloc(len + 1);
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->len = len;
}

const char *tm_diags_source_line(const tm_diags *d, const char *file, uint32_t line, size_t *len)
{
    if (!file || line == 0)
        return NULL;
    for (size_t i = 0; i < d->n_sources; i++) {
        const source *s = &d->sources[i];
        if (strcmp(s->file, file) != 0)
            continue;
        const char *p = s->text, *end = s->text + s->len;
        for (uint32_t l = 1; l < line; l++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl)
                return NULL;
            p = nl + 1;
        }
        const char *e = p;
        while (e < end && *e != '\n' && *e != '\r')
            e++;
        *len = (size_t)(e - p);
        return p;
    }
    return NULL;
}

static const char *S_sev_name(tm_diag_severity s)
{
    switch (s) {
    case TM_DIAG_ERROR:
        return "error";
    case TM_DIAG_WARNING:
        return "warning";
    default:
        return "note";
    }
}

static tm_style S_sev_style(tm_diag_severity s)
{
    return s == TM_DIAG_ERROR ? TM_STYLE_ERROR : s == TM_DIAG_WARNING ? TM_STYLE_WARNING : TM_STYLE_NOTE;
}

void tm_diag_format(const tm_diags *d, const tm_diag *g, tm_buf *out)
{
    tm_diag_format_styled(d, g, 0, out);
}

void tm_diag_format_styled(const tm_diags *d, const tm_diag *g, int color, tm_buf *out)
{
    if (g->file) {
        tm_buf_style(out, color, TM_STYLE_BOLD);
        if (g->line)
            tm_buf_printf(out, "%s:%u:%u:", g->file, (unsigned)g->line, (unsigned)g->col);
        else
            tm_buf_printf(out, "%s:", g->file);
        tm_buf_style(out, color, TM_STYLE_RESET);
        tm_buf_putc(out, ' ');
    }
    tm_buf_style(out, color, S_sev_style(g->severity));
    tm_buf_printf(out, "%s:", S_sev_name(g->severity));
    tm_buf_style(out, color, TM_STYLE_RESET);
    tm_buf_putc(out, ' ');
    tm_buf_put_printable(out, g->message, strlen(g->message), 0);
    tm_buf_putc(out, '\n');
    size_t len = 0;
    const char *line = tm_diags_source_line(d, g->file, g->line, &len);
    if (!line || len > 300)
        return;
    /* Only show the snippet when it is valid text without control characters
     * (a caret under an escaped line would point at the wrong place); tabs
     * keep their width. */
    if (!tm_utf8_valid(line, len, NULL))
        return;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7F)
            return;
    tm_buf_puts(out, "  ");
    tm_buf_put_printable(out, line, len, 1);
    tm_buf_puts(out, "\n  ");
    uint32_t col = 1;
    size_t i = 0;
    while (i < len && col < g->col) {
        uint32_t cp;
        int k = tm_utf8_decode(line + i, len - i, &cp);
        tm_buf_putc(out, line[i] == '\t' ? '\t' : ' ');
        i += (size_t)k;
        col++;
    }
    tm_buf_style(out, color, TM_STYLE_CARET);
    tm_buf_putc(out, '^');
    tm_buf_style(out, color, TM_STYLE_RESET);
    tm_buf_putc(out, '\n');
}

void tm_diags_format(const tm_diags *d, tm_buf *out)
{
    for (size_t i = 0; i < d->n; i++)
        tm_diag_format(d, &d->items[i], out);
}
