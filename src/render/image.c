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
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "render/dfd.h"

#define S_CACHE_KEY "dfd.layout"

/* PNG size. Graphviz's cairo plugin shrinks a bitmap that would reach
 * 32,767 pixels on a side and says so with fprintf(stderr, "%s: graph is
 * too large for cairo-renderer bitmaps. Scaling by %g to fit") in
 * cairogen_begin_page (plugin/pango/gvrender_pango.c, 2.42 as today),
 * around the error reporter that agseterrf installs, so a library cannot
 * silence it. We never hand it such a bitmap: S_png_scale chooses the
 * resolution before rendering, within limits well below cairo's (a 32,767
 * pixel square would be a 4 GB surface), and says so as a warning. Grids of
 * wide ranks (dot.c) keep real diagrams far below these limits. */
#define S_PNG_DPI 96.0         /* Graphviz's resolution for PNG */
#define S_PNG_MAX_SIDE 16000.0 /* pixels */
#define S_PNG_MAX_PIXELS 64e6  /* 256 MB of 32-bit surface */
#define S_PNG_MARGIN 36.0      /* points added to each side for the pad (ours is 0.2 in) */

/* Graphviz keeps the attribute symbols of the graph it laid out last in
 * process-wide variables (N_penwidth, E_arrowhead, G_peripheries, ...:
 * lib/common/globals.h, not installed but exported by libgvc), set by each
 * gvLayout and read again by gvRenderData. We lay out every part before
 * rendering the next format, so without care a part is rendered with the
 * symbols of another graph: an attribute read from the wrong slot, or past
 * the end of the object's attribute record when the other graph declared
 * more attributes (valgrind: invalid read in agxget; a crash with
 * --dfd-implicit and split diagrams rendered as SVG, then PNG). Each
 * layout therefore keeps a copy of the symbols and puts them back before
 * it is rendered. These are all the Agsym_t variables libgvc 2.42 exports. */
extern Agsym_t *E_activefillcolor, *E_activepencolor, *E_arrowhead, *E_arrowsz, *E_arrowtail,
    *E_color, *E_comment, *E_constr, *E_decorate, *E_deletedfillcolor, *E_deletedpencolor,
    *E_dir, *E_fillcolor, *E_fontcolor, *E_fontname, *E_fontsize, *E_headclip, *E_headlabel,
    *E_label, *E_label_float, *E_labelangle, *E_labeldistance, *E_labelfontcolor,
    *E_labelfontname, *E_labelfontsize, *E_layer, *E_minlen, *E_penwidth, *E_samehead,
    *E_sametail, *E_selectedfillcolor, *E_selectedpencolor, *E_showboxes, *E_style, *E_tailclip,
    *E_taillabel, *E_visitedfillcolor, *E_visitedpencolor, *E_weight, *E_xlabel,
    *G_activefillcolor, *G_activepencolor, *G_deletedfillcolor, *G_deletedpencolor,
    *G_gradientangle, *G_margin, *G_ordering, *G_penwidth, *G_peripheries, *G_selectedfillcolor,
    *G_selectedpencolor, *G_visitedfillcolor, *G_visitedpencolor, *N_activefillcolor,
    *N_activepencolor, *N_color, *N_comment, *N_deletedfillcolor, *N_deletedpencolor,
    *N_distortion, *N_fillcolor, *N_fixed, *N_fontcolor, *N_fontname, *N_fontsize,
    *N_gradientangle, *N_group, *N_height, *N_imagepos, *N_imagescale, *N_label, *N_layer,
    *N_margin, *N_nojustify, *N_ordering, *N_orientation, *N_penwidth, *N_peripheries,
    *N_selectedfillcolor, *N_selectedpencolor, *N_shape, *N_showboxes, *N_sides, *N_skew,
    *N_style, *N_vertices, *N_visitedfillcolor, *N_visitedpencolor, *N_width, *N_xlabel, *N_z;
static Agsym_t **const S_gv_syms[] = {
    &E_activefillcolor, &E_activepencolor, &E_arrowhead, &E_arrowsz, &E_arrowtail, &E_color,
    &E_comment, &E_constr, &E_decorate, &E_deletedfillcolor, &E_deletedpencolor, &E_dir,
    &E_fillcolor, &E_fontcolor, &E_fontname, &E_fontsize, &E_headclip, &E_headlabel,
    &E_label, &E_label_float, &E_labelangle, &E_labeldistance, &E_labelfontcolor,
    &E_labelfontname, &E_labelfontsize, &E_layer, &E_minlen, &E_penwidth, &E_samehead,
    &E_sametail, &E_selectedfillcolor, &E_selectedpencolor, &E_showboxes, &E_style,
    &E_tailclip, &E_taillabel, &E_visitedfillcolor, &E_visitedpencolor, &E_weight,
    &E_xlabel, &G_activefillcolor, &G_activepencolor, &G_deletedfillcolor,
    &G_deletedpencolor, &G_gradientangle, &G_margin, &G_ordering, &G_penwidth,
    &G_peripheries, &G_selectedfillcolor, &G_selectedpencolor, &G_visitedfillcolor,
    &G_visitedpencolor, &N_activefillcolor, &N_activepencolor, &N_color, &N_comment,
    &N_deletedfillcolor, &N_deletedpencolor, &N_distortion, &N_fillcolor, &N_fixed,
    &N_fontcolor, &N_fontname, &N_fontsize, &N_gradientangle, &N_group, &N_height,
    &N_imagepos, &N_imagescale, &N_label, &N_layer, &N_margin, &N_nojustify, &N_ordering,
    &N_orientation, &N_penwidth, &N_peripheries, &N_selectedfillcolor, &N_selectedpencolor,
    &N_shape, &N_showboxes, &N_sides, &N_skew, &N_style, &N_vertices, &N_visitedfillcolor,
    &N_visitedpencolor, &N_width, &N_xlabel, &N_z,
};
#define S_N_GV_SYMS (sizeof S_gv_syms / sizeof *S_gv_syms)

typedef struct {
    GVC_t *gvc;        /* the process's context (S_context) */
    Agraph_t **graphs; /* per part: laid out, or NULL until first needed */
    bool *failed;      /* per part: layout failed (not retried) */
    bool *scaled;      /* per part: the scaled-PNG warning was given */
    Agsym_t *(*syms)[S_N_GV_SYMS]; /* per part: Graphviz's symbols after its layout */
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
    free(l->scaled);
    free(l->syms);
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
    l->scaled = tm_xmalloc(n * sizeof *l->scaled);
    l->syms = tm_xmalloc(n * sizeof *l->syms);
    for (size_t i = 0; i < n; i++) {
        l->graphs[i] = NULL;
        l->failed[i] = false;
        l->scaled[i] = false;
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

/* The factor (at most 1) that keeps a laid-out graph's PNG within the
 * limits above. */
static double S_png_scale(Agraph_t *g)
{
    boxf bb = GD_bb(g);
    double w = (bb.UR.x - bb.LL.x + 2 * S_PNG_MARGIN) * S_PNG_DPI / 72.0;
    double h = (bb.UR.y - bb.LL.y + 2 * S_PNG_MARGIN) * S_PNG_DPI / 72.0;
    double f = 1.0;
    if (w > S_PNG_MAX_SIDE)
        f = S_PNG_MAX_SIDE / w;
    if (h * f > S_PNG_MAX_SIDE)
        f = S_PNG_MAX_SIDE / h;
    if (w * h * f * f > S_PNG_MAX_PIXELS)
        f = sqrt(S_PNG_MAX_PIXELS / (w * h));
    return f;
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
            for (size_t k = 0; k < S_N_GV_SYMS; k++)
                l->syms[part][k] = *S_gv_syms[k];
        }
    }
    if (!l->graphs[part]) {
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0,
                    "Graphviz could not lay out the data-flow diagram %s", tm_dfd_stem(dfd, part));
        goto done;
    }
    char *data = NULL;
    unsigned int len = 0;
    Agraph_t *g = l->graphs[part];
    for (size_t k = 0; k < S_N_GV_SYMS; k++)
        *S_gv_syms[k] = l->syms[part][k];
    double scale = strcmp(format, "png") == 0 ? S_png_scale(g) : 1.0, dpi = GD_drawing(g)->dpi;
    if (scale < 1.0)
        GD_drawing(g)->dpi = S_PNG_DPI * scale;
    if (scale < 1.0 && !l->scaled[part]) {
        l->scaled[part] = true;
        tm_diag_add(d, TM_DIAG_WARNING, "render", NULL, 0, 0,
                    "the data-flow diagram %s is too large for a PNG at full size; its PNG is "
                    "scaled to %.0f%% (the SVG is not)",
                    tm_dfd_stem(dfd, part), floor(scale * 100.0));
    }
    int rendered = gvRenderData(l->gvc, g, format, &data, &len);
    GD_drawing(g)->dpi = dpi; /* the layout is shared with the other formats */
    if (rendered != 0 || !data) {
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
