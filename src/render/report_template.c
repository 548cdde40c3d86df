/*
 * The report templates: built in (tm_embedded_files) or a team's own folder
 * (--template DIR), with partials from the same place.
 */
#include <stdlib.h>
#include <string.h>

#include "render/report_template.h"
#include "stridec/embedded.h"

typedef struct {
    const char *dir; /* NULL: built-in */
    tm_diags *d;
    /* Files read from disk for this render; freed after it. */
    char **texts;
    size_t n_texts, cap_texts;
    int failed; /* a partial was missing or unreadable (diagnostic added) */
} S_loader;

static const tm_embedded_file *S_embedded(const char *name)
{
    char path[256];
    size_t n = strlen(name);
    if (n + sizeof "templates/" > sizeof path)
        return NULL;
    memcpy(path, "templates/", sizeof "templates/" - 1);
    memcpy(path + sizeof "templates/" - 1, name, n + 1);
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++)
        if (strcmp(f->name, path) == 0)
            return f;
    return NULL;
}

static char *S_join(const char *dir, const char *name)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, dir);
    if (b.len && b.data[b.len - 1] != '/')
        tm_buf_putc(&b, '/');
    tm_buf_puts(&b, name);
    return tm_buf_detach(&b);
}

/* Text of a template file (file name relative to the template folder):
 * owned by the loader or by the binary. *shown gets the name diagnostics
 * use (malloc'd, caller frees). NULL after a diagnostic. */
static const char *S_load_file(S_loader *l, const char *file, size_t *len, char **shown)
{
    if (!l->dir) {
        const tm_embedded_file *f = S_embedded(file);
        *shown = S_join("templates", file);
        if (!f) {
            tm_diag_add(l->d, TM_DIAG_ERROR, "template", NULL, 0, 0,
                        "no built-in template '%s'", *shown);
            return NULL;
        }
        *len = f->len;
        return (const char *)f->data;
    }
    *shown = S_join(l->dir, file);
    char *text = tm_read_file(*shown, len, l->d);
    if (!text) {
        /* tm_read_file named the path and the reason; say where it came from. */
        tm_diag_add(l->d, TM_DIAG_NOTE, "template", NULL, 0, 0,
                    "the --template folder '%s' must hold '%s'", l->dir, file);
        return NULL;
    }
    /* So that a template error shows its source line and a caret. */
    tm_diags_add_source(l->d, *shown, text, *len);
    if (l->n_texts == l->cap_texts) {
        l->cap_texts = l->cap_texts ? 2 * l->cap_texts : 8;
        l->texts = tm_xrealloc(l->texts, l->cap_texts * sizeof *l->texts);
    }
    l->texts[l->n_texts++] = text;
    return text;
}

static const char *S_load_partial(void *ctx, const char *name, size_t *len)
{
    S_loader *l = ctx;
    if (l->failed)
        return NULL;
    if (!*name || strchr(name, '/') || name[0] == '.') {
        tm_diag_add(l->d, TM_DIAG_ERROR, "template", NULL, 0, 0,
                    "partial name '%s' is not a plain file name", name);
        l->failed = 1;
        return NULL;
    }
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_printf(&b, "%s.mustache", name);
    char *shown = NULL;
    const char *text = S_load_file(l, b.data, len, &shown);
    free(shown);
    tm_buf_free(&b);
    if (!text)
        l->failed = 1;
    return text;
}

int tm_report_template_render(const tm_render_opts *o, const char *name, const tm_node *data,
                              tm_escape_mode esc, tm_buf *out, tm_diags *d)
{
    S_loader l;
    memset(&l, 0, sizeof l);
    l.dir = o ? o->template_dir : NULL;
    l.d = d;
    size_t len = 0;
    char *shown = NULL;
    const char *text = S_load_file(&l, name, &len, &shown);
    int rc = -1;
    if (text) {
        tm_partials parts = {S_load_partial, &l};
        size_t start = out->len;
        rc = tm_template_render(text, len, shown, data, esc, &parts, out, d);
        if (rc == 0 && l.failed) {
            /* The engine rendered the missing partial as nothing; the
             * diagnostic is already there: drop the output. */
            out->len = start;
            if (out->data)
                out->data[start] = '\0';
            rc = -1;
        }
    }
    free(shown);
    for (size_t i = 0; i < l.n_texts; i++)
        free(l.texts[i]);
    free(l.texts);
    return rc;
}
