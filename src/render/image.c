/*
 * dfd.svg and dfd.png: the data-flow diagram laid out by Graphviz's gvc.
 *
 * This file is the one adapter for Graphviz's process-wide state (its error
 * reporter and its context, see S_context): everything that calls into gvc
 * goes through S_layout_get. The graph itself comes from dot.c (tm_dfd_agraph).
 *
 * Each diagram is laid out once per run, on first use, and kept in the
 * render cache with its gvc context, so SVG, PNG, and the HTML and PDF
 * reports that embed them share one layout.
 */
#include <stdbool.h>
#include <stdlib.h>

#include <gvc.h>

#include "render/dfd.h"

#define S_CACHE_KEY "dfd.layout"

typedef struct {
    GVC_t *gvc;        /* the process's context (S_context) */
    Agraph_t **graphs; /* per part: laid out, or NULL until first needed */
    bool *failed;      /* per part: layout failed (not retried) */
    size_t n;
} S_layout;

/* Graphviz reports warnings and errors by printing to stderr unless a
 * reporter is installed; library code must not print. The reporter is
 * process-wide and takes no context, so it cannot route messages to the
 * run's diagnostics: it drops them, and failures are reported from the
 * return codes of gvLayout and gvRenderData instead. */
static int S_graphviz_quiet(char *message)
{
    (void)message;
    return 0;
}

/* Graphviz 2.43's dot gives edge labels between nodes of one rank a slot
 * in the rank above by growing that rank's node list with realloc
 * (make_vn_slot); it updates the list's `v` pointer but not `av`, the
 * allocation gvFreeLayout later frees, so freeing the layout frees a block
 * realloc already released (heap corruption: it showed on the example model
 * whenever two boundaries put a labelled flow on one rank). After mincross
 * the root's `v` and `av` are the same block, so pointing `av` back at `v`
 * makes the cleanup free the live block; versions that fix the bug already
 * keep them equal. Clusters' lists point into the root's and are rebuilt by
 * dot itself. */
static void S_repair_rank_lists(Agraph_t *g)
{
    rank_t *ranks = GD_rank(g);
    if (!ranks)
        return;
    for (int r = GD_minrank(g); r <= GD_maxrank(g); r++)
        if (ranks[r].av != ranks[r].v)
            ranks[r].av = ranks[r].v;
}

static void S_layout_free(void *p)
{
    S_layout *l = p;
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        if (l->graphs[i]) {
            gvFreeLayout(l->gvc, l->graphs[i]);
            agclose(l->graphs[i]);
        }
    free(l->graphs);
    free(l->failed);
    free(l);
}

/* The one Graphviz context of the process, created on first use and never
 * freed. This is the adapter's only mutable static, on purpose: Graphviz
 * 2.43's pango plugin keeps a pointer to the last font name it measured,
 * and that string belongs to the context; after gvFreeContext the next
 * context's first text measurement reads freed memory (valgrind: invalid
 * read in textspan_size, with two models in one `report` run or in the
 * test runner). gvContext's plugin tables are process-lifetime anyway
 * (tests/valgrind.supp). stridec is single-threaded. */
static GVC_t *S_gvc;

static GVC_t *S_context(void)
{
    if (!S_gvc) {
        agseterrf(S_graphviz_quiet);
        S_gvc = gvContext();
    }
    return S_gvc;
}

static S_layout *S_layout_new(size_t n)
{
    S_layout *l = tm_xmalloc(sizeof *l);
    l->gvc = S_context();
    l->n = n;
    l->graphs = tm_xmalloc(n * sizeof *l->graphs);
    l->failed = tm_xmalloc(n * sizeof *l->failed);
    for (size_t i = 0; i < n; i++) {
        l->graphs[i] = NULL;
        l->failed[i] = false;
    }
    return l;
}

/* The run's layouts (owned by the cache; by *owned when there is no cache). */
static S_layout *S_layout_get(const tm_render_opts *o, size_t n, S_layout **owned)
{
    *owned = NULL;
    S_layout *l = tm_render_cache_get(o, S_CACHE_KEY);
    if (l)
        return l;
    l = S_layout_new(n);
    if (o)
        tm_render_cache_put(o, S_CACHE_KEY, l, S_layout_free);
    else
        *owned = l;
    return l;
}

int tm_dfd_render_image(const tm_analysis *a, const tm_render_opts *o, const char *format,
                        size_t part, tm_buf *out, tm_diags *d)
{
    tm_dfd *owned_dfd;
    S_layout *owned_layout;
    const tm_dfd *dfd = tm_dfd_get(a, o, &owned_dfd);
    S_layout *l = S_layout_get(o, tm_dfd_count(dfd), &owned_layout);
    int rc = -1;
    if (part >= l->n) {
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0, "no data-flow diagram part %zu", part);
        goto done;
    }
    if (!l->graphs[part] && !l->failed[part]) {
        Agraph_t *g = tm_dfd_agraph(dfd, part);
        if (gvLayout(l->gvc, g, "dot") != 0) {
            agclose(g);
            l->failed[part] = true;
        } else {
            S_repair_rank_lists(g);
            l->graphs[part] = g;
        }
    }
    if (!l->graphs[part]) {
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0,
                    "Graphviz could not lay out the data-flow diagram %s", tm_dfd_stem(dfd, part));
        goto done;
    }
    char *data = NULL;
    unsigned int len = 0;
    if (gvRenderData(l->gvc, l->graphs[part], format, &data, &len) != 0 || !data) {
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0,
                    "Graphviz could not render the data-flow diagram %s as %s",
                    tm_dfd_stem(dfd, part), format);
        if (data)
            gvFreeRenderData(data);
        goto done;
    }
    rc = tm_buf_put(out, data, len);
    gvFreeRenderData(data);
    if (rc != 0)
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "the data-flow diagram %s is larger than the output limit",
                    tm_dfd_stem(dfd, part));
done:
    S_layout_free(owned_layout);
    tm_dfd_free(owned_dfd);
    return rc;
}

/* The main diagram into out; in split mode each boundary's diagram as an
 * extra output named after it (dfd-BOUNDARY.svg). */
static int S_render(const tm_analysis *a, const tm_render_opts *o, const char *format,
                    tm_buf *out, tm_diags *d)
{
    if (tm_dfd_render_image(a, o, format, 0, out, d) != 0)
        return -1;
    if (!o || !o->extra)
        return 0;
    tm_dfd *owned;
    const tm_dfd *dfd = tm_dfd_get(a, o, &owned); /* cached: o is set */
    int rc = 0;
    for (size_t i = 1; i < tm_dfd_count(dfd) && rc == 0; i++) {
        tm_buf b;
        tm_buf_init(&b, 0);
        rc = tm_dfd_render_image(a, o, format, i, &b, d);
        if (rc == 0) {
            tm_buf name;
            tm_buf_init(&name, 0);
            tm_buf_printf(&name, "%s.%s", tm_dfd_stem(dfd, i), format);
            tm_outputs_add(o->extra, name.data, b.data ? b.data : "", b.len);
            tm_buf_free(&name);
        }
        tm_buf_free(&b);
    }
    tm_dfd_free(owned);
    return rc;
}

int tm_render_svg(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    return S_render(a, o, "svg", out, d);
}

int tm_render_png(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    return S_render(a, o, "png", out, d);
}
