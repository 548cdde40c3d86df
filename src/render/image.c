/*
 * The diagram laid out by Graphviz, and dfd.svg and dfd.png drawn from it.
 *
 * This file is the one adapter for Graphviz's process-wide state (its error
 * reporter, its context, its plugin tables and its attribute symbols) and
 * for GLib's log handler: everything that calls into gvc goes through it.
 * The graph itself comes from dot.c (tm_dfd_agraph).
 *
 * Lay out once, draw many: each part is laid out once per run, on first
 * use, and kept in the render cache with what Graphviz drew for it, recorded
 * as a scene (src/render/dfd/scene.h) by a render plugin of our own that we
 * register in-process with gvAddLibrary ("stridec_scene"). dfd.svg, the
 * HTML report's inline diagram and the PDF report's vector diagram are all
 * drawn from that scene; dfd.png is the one format Graphviz still draws
 * (its cairo renderer, into a device of ours that writes the PNG).
 *
 * Library messages never reach stderr: Graphviz's reporter and GLib's log
 * handler (Pango and GLib log through it) keep a count and the first
 * message, and a run turns them into one warning.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gvc.h>
#include <gvplugin.h>
#include <gvplugin_device.h>
#include <gvplugin_render.h>
#include <zlib.h>

#include "render/dfd.h"
#include "render/dfd/scene.h"

#define S_CACHE_KEY "dfd.layout"

/* PNG size. Graphviz's cairo plugin shrinks a bitmap that would reach
 * 32,767 pixels on a side and says so with fprintf(stderr, ...) in
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
/* zlib level for the PNG's pixels: diagrams are mostly flat colour, where
 * level 1 compresses within a few per cent of level 6 at a third of the
 * time (Graphviz's own PNG writer spent 74 % of a report's PNG time in
 * libpng's filter search and zlib at level 6). */
#define S_PNG_ZLEVEL 1

/* Graphviz keeps the attribute symbols of the graph it laid out last in
 * process-wide variables (N_penwidth, E_arrowhead, G_peripheries, ...:
 * lib/common/globals.h, not installed but exported by libgvc), set by each
 * gvLayout and read again when the graph is drawn. We lay out every part
 * before drawing the next format, so without care a part is drawn with the
 * symbols of another graph: an attribute read from the wrong slot, or past
 * the end of the object's attribute record when the other graph declared
 * more attributes (valgrind: invalid read in agxget; a crash with
 * --dfd-implicit and split diagrams rendered as SVG, then PNG). Each
 * layout therefore keeps a copy of the symbols and puts them back before
 * it is drawn. These are all the Agsym_t variables libgvc 2.42 exports. */
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

/* ============================================================ messages */

/* What the libraries said: how many messages since the process started,
 * and the first since the current run began (S_layout_new), cleaned (it may
 * quote model text) and bounded. */
#define S_MSG_MAX 160
static struct {
    size_t count;
    bool have_first;
    char first[S_MSG_MAX + 4];
} S_msgs;

static void S_msg_keep(const char *who, const char *text)
{
    S_msgs.count++;
    if (S_msgs.have_first)
        return;
    S_msgs.have_first = true;
    /* printable ASCII only: a message may quote model text */
    size_t k = 0;
    for (const char *part[2] = {who, text}, **q = part; q < part + 2; q++)
        for (const unsigned char *p = (const unsigned char *)*q; p && *p && k < S_MSG_MAX; p++)
            S_msgs.first[k++] = *p < 0x20 || *p >= 0x7f ? (*p == '\n' ? ' ' : '?') : (char)*p;
    while (k > 0 && S_msgs.first[k - 1] == ' ')
        k--;
    S_msgs.first[k] = '\0';
}

/* Graphviz prints warnings and errors to stderr unless a reporter is
 * installed; this one keeps them. Graphviz hands it a message in pieces
 * ("Warning", ": ", the text ending in a newline): one message per line. */
static struct {
    char text[S_MSG_MAX + 1];
    size_t len;
} S_gv_line;

static int S_graphviz_message(char *message)
{
    size_t n = strlen(message);
    for (size_t i = 0; i < n && S_gv_line.len < S_MSG_MAX; i++)
        S_gv_line.text[S_gv_line.len++] = message[i];
    if (n && message[n - 1] == '\n') {
        S_gv_line.text[S_gv_line.len] = '\0';
        S_msg_keep("Graphviz: ", S_gv_line.text);
        S_gv_line.len = 0;
    }
    return 0;
}

/* GLib's default handler, for Pango's and GLib's own messages (a
 * Pango-CRITICAL assertion once came out of a 10 MB label). */
static void S_glib_message(const gchar *domain, GLogLevelFlags level, const gchar *message,
                           gpointer user)
{
    (void)level;
    (void)user;
    char who[48];
    size_t k = 0;
    for (const char *p = domain ? domain : "GLib"; *p && k < sizeof who - 3; p++)
        who[k++] = *p;
    who[k++] = ':';
    who[k++] = ' ';
    who[k] = '\0';
    S_msg_keep(who, message);
}

/* ============================================================== plugins */

/* The scene recorder: a render plugin whose job context is the scene. It
 * takes graph coordinates (GVRENDER_DOES_TRANSFORM) and the objects' ids
 * (GVRENDER_DOES_MAPS). */
typedef struct {
    tm_dfd_scene *scene;
    const tm_dfd *dfd;
    size_t part;
} S_record;

static tm_rgba S_rgba(const gvcolor_t *c)
{
    return (tm_rgba){c->u.rgba[0], c->u.rgba[1], c->u.rgba[2], c->u.rgba[3]};
}

static void S_rec_begin(GVJ_t *job, tm_obj_kind kind)
{
    S_record *r = job->context;
    const char *gid = job->obj ? job->obj->id : NULL;
    tm_scene_begin(r->scene, kind, gid, tm_dfd_link_of(r->dfd, r->part, gid));
}

static void S_rec_end(GVJ_t *job)
{
    S_record *r = job->context;
    tm_scene_end(r->scene);
}

static void S_rec_page(GVJ_t *job)
{
    S_record *r = job->context;
    r->scene->box = (tm_box){job->clip.LL.x, job->clip.LL.y, job->clip.UR.x, job->clip.UR.y};
    tm_scene_begin(r->scene, TM_OBJ_GRAPH, NULL, NULL);
}

static void S_rec_cluster(GVJ_t *job)
{
    S_rec_begin(job, TM_OBJ_CLUSTER);
}

static void S_rec_node(GVJ_t *job)
{
    S_rec_begin(job, TM_OBJ_NODE);
}

static void S_rec_edge(GVJ_t *job)
{
    S_rec_begin(job, TM_OBJ_EDGE);
}

static void S_rec_shape(GVJ_t *job, tm_op_kind kind, const pointf *A, int n, int filled)
{
    S_record *r = job->context;
    obj_state_t *obj = job->obj;
    double *pt = tm_xmalloc((size_t)(n > 0 ? 2 * n : 1) * sizeof *pt);
    for (int i = 0; i < n; i++) {
        pt[2 * i] = A[i].x;
        pt[2 * i + 1] = A[i].y;
    }
    tm_op op = {.kind = kind,
                .pen = obj->pen == PEN_DASHED   ? TM_PEN_DASHED
                       : obj->pen == PEN_DOTTED ? TM_PEN_DOTTED
                       : obj->pen == PEN_NONE   ? TM_PEN_NONE
                                                : TM_PEN_SOLID,
                .filled = filled != 0,
                .stroke = S_rgba(&obj->pencolor),
                .fill = S_rgba(&obj->fillcolor),
                .penwidth = obj->penwidth,
                .n = (size_t)(n > 0 ? n : 0),
                .pt = pt};
    tm_scene_add(r->scene, &op);
    free(pt);
}

static void S_rec_ellipse(GVJ_t *job, pointf *A, int filled)
{
    S_rec_shape(job, TM_OP_ELLIPSE, A, 2, filled);
}

static void S_rec_polygon(GVJ_t *job, pointf *A, int n, int filled)
{
    S_rec_shape(job, TM_OP_POLYGON, A, n, filled);
}

static void S_rec_bezier(GVJ_t *job, pointf *A, int n, int arrow_at_start, int arrow_at_end,
                         int filled)
{
    (void)arrow_at_start;
    (void)arrow_at_end;
    S_rec_shape(job, TM_OP_BEZIER, A, n, filled);
}

static void S_rec_polyline(GVJ_t *job, pointf *A, int n)
{
    S_rec_shape(job, TM_OP_POLYLINE, A, n, 0);
}

static void S_rec_text(GVJ_t *job, pointf p, textspan_t *span)
{
    S_record *r = job->context;
    double pt[2] = {p.x, p.y + span->yoffset_centerline};
    tm_op op = {.kind = TM_OP_TEXT,
                .stroke = S_rgba(&job->obj->pencolor),
                .n = 1,
                .pt = pt,
                .text = span->str ? span->str : "",
                .font = span->font && span->font->name ? span->font->name : "DejaVu Sans",
                .size = span->font ? span->font->size : 10,
                .width = span->size.x,
                .just = span->just == 'l' || span->just == 'r' ? span->just : 'n',
                .bold = span->font && (span->font->flags & HTML_BF),
                .italic = span->font && (span->font->flags & HTML_IF)};
    tm_scene_add(r->scene, &op);
}

static gvrender_engine_t S_record_engine = {
    .begin_page = S_rec_page,
    .begin_cluster = S_rec_cluster,
    .end_cluster = S_rec_end,
    .begin_node = S_rec_node,
    .end_node = S_rec_end,
    .begin_edge = S_rec_edge,
    .end_edge = S_rec_end,
    .textspan = S_rec_text,
    .ellipse = S_rec_ellipse,
    .polygon = S_rec_polygon,
    .beziercurve = S_rec_bezier,
    .polyline = S_rec_polyline,
};

static gvrender_features_t S_record_features = {
    GVRENDER_DOES_TRANSFORM | GVRENDER_DOES_MAPS, /* graph coordinates, object ids */
    0.,                                           /* default pad */
    NULL,
    0,
    RGBA_BYTE,
};

/* The devices write nothing through Graphviz: the recorder fills the scene
 * it was given, the PNG device writes into S_png_out (below). */
static void S_device_none(GVJ_t *job)
{
    (void)job;
}

static gvdevice_engine_t S_record_device = {S_device_none, S_device_none, S_device_none};

static gvdevice_features_t S_record_device_features = {
    0, {0., 0.}, {0., 0.}, {72., 72.}, /* points */
};

/* dfd.png: Graphviz's cairo renderer draws into an image surface of its
 * own; with a device engine (ours) it leaves the pixels in job->imagedata
 * for the device's `format` instead of writing them with libpng. */
static tm_buf *S_png_out; /* the buffer of the PNG being drawn; NULL otherwise */

static void S_png_put32(tm_buf *b, unsigned long v)
{
    char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    tm_buf_put(b, c, 4);
}

static void S_png_chunk(tm_buf *b, const char *type, const unsigned char *data, size_t len)
{
    S_png_put32(b, (unsigned long)len);
    size_t at = b->len;
    tm_buf_put(b, type, 4);
    if (len)
        tm_buf_put(b, (const char *)data, len);
    unsigned long crc = crc32(0L, Z_NULL, 0);
    if (b->data && !b->failed)
        crc = crc32(crc, (const unsigned char *)b->data + at, (uInt)(4 + len));
    S_png_put32(b, crc);
}

/* Cairo's premultiplied ARGB32 pixels as an 8-bit RGB PNG over white, rows
 * unfiltered: on diagrams (flat colour, runs of white) filter None gave
 * smaller files than Up or Sub in less time (8.6 MB against 10.0 MB for a
 * 1,000-element estate's 26 PNGs). -1 when zlib fails. */
static int S_png_encode(const unsigned char *argb, unsigned w, unsigned h, size_t stride,
                        tm_buf *out)
{
    static const char sig[8] = {(char)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    tm_buf_put(out, sig, 8);
    unsigned char ihdr[13] = {(unsigned char)(w >> 24), (unsigned char)(w >> 16),
                              (unsigned char)(w >> 8),  (unsigned char)w,
                              (unsigned char)(h >> 24), (unsigned char)(h >> 16),
                              (unsigned char)(h >> 8),  (unsigned char)h,
                              8, 2, 0, 0, 0};
    S_png_chunk(out, "IHDR", ihdr, sizeof ihdr);
    size_t row = 1 + (size_t)w * 3;
    unsigned char *line = tm_xmalloc(row);
    line[0] = 0; /* filter None */
    z_stream z;
    memset(&z, 0, sizeof z);
    int rc = deflateInit2(&z, S_PNG_ZLEVEL, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY);
    size_t cap = 1 << 16, used = 0;
    unsigned char *zout = tm_xmalloc(cap);
    for (unsigned y = 0; rc == Z_OK && y <= h; y++) {
        int flush = y == h ? Z_FINISH : Z_NO_FLUSH;
        if (y < h) {
            const unsigned char *src = argb + (size_t)y * stride;
            /* a row like the one above (flat colour, vertical edges) is already in line */
            if (y == 0 || memcmp(src, src - stride, (size_t)w * 4) != 0) {
                const uint32_t *px = (const uint32_t *)(const void *)src;
                unsigned char *c = line + 1;
                for (unsigned x = 0; x < w; x++, c += 3) {
                    uint32_t v = px[x];
                    unsigned white = 255 - (v >> 24);
                    c[0] = (unsigned char)(((v >> 16) & 255) + white);
                    c[1] = (unsigned char)(((v >> 8) & 255) + white);
                    c[2] = (unsigned char)((v & 255) + white);
                }
            }
            z.next_in = line;
            z.avail_in = (uInt)row;
        } else {
            z.next_in = NULL;
            z.avail_in = 0;
        }
        do {
            if (cap - used < 4096) {
                cap *= 2;
                zout = tm_xrealloc(zout, cap);
            }
            z.next_out = zout + used;
            z.avail_out = (uInt)(cap - used);
            rc = deflate(&z, flush);
            used = cap - z.avail_out;
        } while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0 ||
                                (flush == Z_FINISH && rc != Z_STREAM_END)));
        if (rc == Z_BUF_ERROR && flush != Z_FINISH)
            rc = Z_OK;
    }
    deflateEnd(&z);
    int ok = rc == Z_STREAM_END;
    if (ok) {
        S_png_chunk(out, "IDAT", zout, used);
        S_png_chunk(out, "IEND", NULL, 0);
    }
    free(zout);
    free(line);
    return ok ? 0 : -1;
}

static void S_png_format(GVJ_t *job)
{
    if (!S_png_out || !job->imagedata || job->width == 0 || job->height == 0)
        return;
    if (S_png_encode((const unsigned char *)job->imagedata, job->width, job->height,
                     (size_t)job->width * 4, S_png_out) != 0)
        S_png_out->failed = 1;
}

static gvdevice_engine_t S_png_device = {NULL, S_png_format, NULL};

static gvdevice_features_t S_png_device_features = {
    GVDEVICE_BINARY_FORMAT | GVDEVICE_DOES_TRUECOLOR, {0., 0.}, {0., 0.}, {S_PNG_DPI, S_PNG_DPI},
};

static gvplugin_installed_t S_render_types[] = {
    {0, "stridec_scene", 0, &S_record_engine, &S_record_features},
    {0, NULL, 0, NULL, NULL},
};

static gvplugin_installed_t S_device_types[] = {
    {0, "stridec_scene:stridec_scene", 0, &S_record_device, &S_record_device_features},
    {0, "stridec_png:cairo", 0, &S_png_device, &S_png_device_features},
    {0, NULL, 0, NULL, NULL},
};

static gvplugin_api_t S_apis[] = {
    {API_render, S_render_types},
    {API_device, S_device_types},
    {(api_t)0, NULL},
};

static char S_package[] = "stridec";
static gvplugin_library_t S_library = {S_package, S_apis};

/* ============================================================== layouts */

typedef struct {
    GVC_t *gvc;        /* the process's context (S_context) */
    Agraph_t **graphs; /* per part: laid out, or NULL until first needed */
    bool *failed;      /* per part: layout failed (not retried) */
    bool *scaled;      /* per part: the scaled-PNG warning was given */
    tm_dfd_scene **scenes; /* per part: what Graphviz drew, recorded once */
    Agsym_t *(*syms)[S_N_GV_SYMS]; /* per part: Graphviz's symbols after its layout */
    size_t n;
    size_t msgs_before; /* library messages before this run */
    bool msgs_warned;
} S_layout;

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
    for (size_t i = 0; i < l->n; i++) {
        if (l->graphs[i]) {
            gvFreeLayout(l->gvc, l->graphs[i]);
            agclose(l->graphs[i]);
        }
        tm_scene_free(l->scenes[i]);
    }
    free(l->graphs);
    free(l->failed);
    free(l->scaled);
    free(l->scenes);
    free(l->syms);
    free(l);
}

/* The one Graphviz context of the process, created on first use and never
 * freed. This is the adapter's only mutable static besides the message
 * count and the PNG target, on purpose: Graphviz 2.43's pango plugin keeps
 * a pointer to the last font name it measured, and that string belongs to
 * the context; after gvFreeContext the next context's first text
 * measurement reads freed memory (valgrind: invalid read in textspan_size,
 * with two models in one `report` run or in the test runner). gvContext's
 * plugin tables are process-lifetime anyway (tests/valgrind.supp). stridec
 * is single-threaded. */
static GVC_t *S_gvc;

static GVC_t *S_context(void)
{
    if (!S_gvc) {
        agseterrf(S_graphviz_message);
        g_log_set_default_handler(S_glib_message, NULL);
        S_gvc = gvContext();
        gvAddLibrary(S_gvc, &S_library);
    }
    return S_gvc;
}

static S_layout *S_layout_new(size_t n)
{
    S_layout *l = tm_xmalloc(sizeof *l);
    memset(l, 0, sizeof *l);
    l->gvc = S_context();
    l->n = n;
    l->graphs = tm_xmalloc(n * sizeof *l->graphs);
    l->failed = tm_xmalloc(n * sizeof *l->failed);
    l->scaled = tm_xmalloc(n * sizeof *l->scaled);
    l->scenes = tm_xmalloc(n * sizeof *l->scenes);
    l->syms = tm_xmalloc(n * sizeof *l->syms);
    for (size_t i = 0; i < n; i++) {
        l->graphs[i] = NULL;
        l->failed[i] = false;
        l->scaled[i] = false;
        l->scenes[i] = NULL;
    }
    l->msgs_before = S_msgs.count;
    S_msgs.have_first = false;
    return l;
}

/* The run's layouts (in the render cache). */
static S_layout *S_layout_get(const tm_render_opts *o, size_t n)
{
    S_layout *l = tm_render_cache_get(o, S_CACHE_KEY);
    if (l)
        return l;
    l = S_layout_new(n);
    tm_render_cache_put(o, S_CACHE_KEY, l, S_layout_free);
    return l;
}

/* What the libraries said during this run, once, as a warning. */
static void S_messages(S_layout *l, tm_diags *d)
{
    if (l->msgs_warned || S_msgs.count == l->msgs_before)
        return;
    l->msgs_warned = true;
    size_t n = S_msgs.count - l->msgs_before;
    tm_diag_add(d, TM_DIAG_WARNING, "render", NULL, 0, 0,
                "the diagram libraries reported %zu message%s while drawing the data-flow "
                "diagram (the first: %s)",
                n, n == 1 ? "" : "s", S_msgs.have_first ? S_msgs.first : "not kept");
}

/* Put back part's symbols (see S_gv_syms) before Graphviz draws it. */
static void S_use_symbols(S_layout *l, size_t part)
{
    for (size_t k = 0; k < S_N_GV_SYMS; k++)
        *S_gv_syms[k] = l->syms[part][k];
}

/* Part `part` laid out (once per run), or NULL after a diagnostic. */
static Agraph_t *S_laid_out(S_layout *l, const tm_dfd *dfd, size_t part, tm_diags *d)
{
    if (part >= l->n) {
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0, "no data-flow diagram part %zu", part);
        return NULL;
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
        S_messages(l, d);
    }
    if (!l->graphs[part])
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0,
                    "Graphviz could not lay out the data-flow diagram %s", tm_dfd_stem(dfd, part));
    return l->graphs[part];
}

/* Record part's scene from its layout, once. 0, or -1 with a diagnostic. */
static int S_record_part(S_layout *l, const tm_dfd *dfd, size_t part, Agraph_t *g, tm_diags *d)
{
    if (!l->scenes[part]) {
        S_record r = {tm_scene_new(), dfd, part};
        r.scene->title = tm_arena_strdup(r.scene->ar, tm_dfd_title(dfd, part));
        S_use_symbols(l, part);
        if (gvRenderContext(l->gvc, g, "stridec_scene", &r) != 0) {
            tm_scene_free(r.scene);
            S_messages(l, d);
            tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0,
                        "Graphviz could not draw the data-flow diagram %s", tm_dfd_stem(dfd, part));
            return -1;
        }
        S_messages(l, d);
        l->scenes[part] = r.scene;
    }
    return 0;
}

const tm_dfd_scene *tm_dfd_scene_get(const tm_analysis *a, const tm_render_opts *o, size_t part,
                                     tm_diags *d)
{
    tm_dfd *owned;
    const tm_dfd *dfd = tm_dfd_get(a, o, &owned); /* cached: o is set */
    S_layout *l = S_layout_get(o, tm_dfd_count(dfd));
    if (part < l->n && l->scenes[part])
        return l->scenes[part];
    Agraph_t *g = S_laid_out(l, dfd, part, d);
    if (!g || S_record_part(l, dfd, part, g, d) != 0)
        return NULL;
    return l->scenes[part];
}

/* ================================================================= PNG */

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

static int S_png(const tm_analysis *a, const tm_render_opts *o, size_t part, tm_buf *out,
                 tm_diags *d)
{
    tm_dfd *owned;
    const tm_dfd *dfd = tm_dfd_get(a, o, &owned);
    S_layout *l = S_layout_get(o, tm_dfd_count(dfd));
    Agraph_t *g = S_laid_out(l, dfd, part, d);
    if (!g)
        return -1;
    double scale = S_png_scale(g), dpi = GD_drawing(g)->dpi;
    if (scale < 1.0)
        GD_drawing(g)->dpi = S_PNG_DPI * scale;
    if (scale < 1.0 && !l->scaled[part]) {
        l->scaled[part] = true;
        tm_diag_add(d, TM_DIAG_WARNING, "render", NULL, 0, 0,
                    "the data-flow diagram %s is too large for a PNG at full size; its PNG is "
                    "scaled to %.0f%% (the SVG is not)",
                    tm_dfd_stem(dfd, part), floor(scale * 100.0));
    }
    tm_buf png;
    tm_buf_init(&png, out->limit);
    char *data = NULL;
    unsigned int len = 0;
    S_use_symbols(l, part);
    S_png_out = &png;
    int rendered = gvRenderData(l->gvc, g, "stridec_png", &data, &len);
    S_png_out = NULL;
    GD_drawing(g)->dpi = dpi; /* the layout is shared with the other formats */
    if (data)
        gvFreeRenderData(data);
    S_messages(l, d);
    int rc = -1;
    if (rendered != 0 || png.len == 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0,
                    "Graphviz could not render the data-flow diagram %s as png",
                    tm_dfd_stem(dfd, part));
    } else if (png.failed || tm_buf_put(out, png.data, png.len) != 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "the data-flow diagram %s is larger than the output limit",
                    tm_dfd_stem(dfd, part));
    } else {
        rc = 0;
    }
    tm_buf_free(&png);
    /* The PNG is the only format Graphviz draws itself: once it is drawn and
     * the scene recorded, the run needs no more of Graphviz's graph (a
     * 1,000-element estate's graphs hold about 20 MB). Another PNG of the
     * same part in this run would lay it out again. */
    if (rc == 0 && S_record_part(l, dfd, part, g, d) == 0) {
        gvFreeLayout(l->gvc, g);
        agclose(g);
        l->graphs[part] = NULL;
    }
    return rc;
}

/* ================================================================ SVG */

static int S_svg(const tm_analysis *a, const tm_render_opts *o, size_t part, tm_buf *out,
                 tm_diags *d)
{
    const tm_dfd_scene *s = tm_dfd_scene_get(a, o, part, d);
    if (!s)
        return -1;
    if (tm_scene_svg(s, TM_SVG_FILE, out) != 0) {
        tm_dfd *owned;
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "the data-flow diagram %s is larger than the output limit",
                    tm_dfd_stem(tm_dfd_get(a, o, &owned), part));
        return -1;
    }
    return 0;
}

/* ============================================================ renderers */

typedef int (*S_part_fn)(const tm_analysis *a, const tm_render_opts *o, size_t part, tm_buf *out,
                         tm_diags *d);

/* The main diagram into out; in split mode each boundary's diagram as an
 * extra output named after it (dfd-BOUNDARY.svg). Without options, a
 * cache of this call's own. */
static int S_render(const tm_analysis *a, const tm_render_opts *o, const char *ext, S_part_fn fn,
                    tm_buf *out, tm_diags *d)
{
    tm_render_opts local;
    if (!o) {
        memset(&local, 0, sizeof local);
        o = &local;
    }
    int rc = fn(a, o, 0, out, d);
    if (rc == 0 && o->extra) {
        tm_dfd *owned;
        const tm_dfd *dfd = tm_dfd_get(a, o, &owned); /* cached: o is set */
        for (size_t i = 1; i < tm_dfd_count(dfd) && rc == 0; i++) {
            tm_buf b;
            tm_buf_init(&b, out->limit);
            rc = fn(a, o, i, &b, d);
            if (rc == 0) {
                tm_buf name;
                tm_buf_init(&name, 0);
                tm_buf_printf(&name, "%s.%s", tm_dfd_stem(dfd, i), ext);
                tm_outputs_add(o->extra, name.data, b.data ? b.data : "", b.len);
                tm_buf_free(&name);
            }
            tm_buf_free(&b);
        }
    }
    if (o == &local)
        tm_render_cache_free(&local);
    return rc;
}

int tm_render_svg(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    return S_render(a, o, "svg", S_svg, out, d);
}

int tm_render_png(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    return S_render(a, o, "png", S_png, out, d);
}
