/*
 * report.pdf: the LOSS report laid out for print with libharu.
 *
 * The PDF lays out the report data tree (reportdata.c, the same tree the
 * HTML and Markdown templates render); it derives nothing from the analysis
 * itself. The only other input is the data-flow diagram as PNG from the
 * run's shared Graphviz layout (image.c).
 *
 * How the document is built:
 *   - libharu reports errors through the handler given to HPDF_New; ours
 *     longjmps back to tm_render_pdf, which frees the document and returns
 *     -1. Everything the layout allocates lives in the S_pdf context (heap)
 *     or in an arena, so nothing local has to survive the jump.
 *   - The document is rendered into libharu's memory stream and copied to
 *     `out`; the CLI writes it atomically, so a failure leaves no file.
 *   - One pass: the contents pages are reserved right after the cover (their
 *     number follows from the number of entries, which the data tree gives
 *     before layout), and filled at the end when every section's page is
 *     known. Running headers and "page X of Y" footers are drawn at the end
 *     too: libharu lets us draw on any page we kept a handle to.
 *   - Text is UTF-8 through libharu's UTF-8 encoder and DejaVu Sans embedded
 *     (libharu writes only the glyphs used). Characters the font lacks are
 *     found from the font's own cmap table and shown as a replacement, with
 *     one warning per run.
 *   - Output is reproducible: libharu writes no /ID unless encrypting and no
 *     dates unless told; the info dates are set only from --date or the
 *     model's system.date.
 */
#include <stdlib.h>
#include <string.h>

#include <math.h>
#include <zlib.h>

#include "render/dfd/scene.h"
#include "render/pdf_impl.h"
#include "stridec/doc.h"

/* libharu's error handler: remember the codes and leave the library. */
static void S_on_error(HPDF_STATUS err, HPDF_STATUS detail, void *user)
{
    tm_pdf *p = user;
    p->err = (unsigned long)err;
    p->detail = (unsigned long)detail;
    longjmp(p->jb, 1);
}

/* ========================================================= data tree */

static const char *S_s(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR ? v->text : NULL;
}

static const char *S_sd(const tm_node *m, const char *key, const char *dflt)
{
    const char *s = S_s(m, key);
    return s ? s : dflt;
}

static long long S_i(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR ? v->ival : 0;
}

static int S_b(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_BOOL && v->bval;
}

static size_t S_n(const tm_node *l)
{
    return l && l->kind == TM_NODE_LIST ? l->n : 0;
}

static const tm_node *S_l(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_LIST ? v : NULL;
}

/* ============================================ the diagram, as vectors */

/* Where the report's sections are (anchors, as tm_report_anchor names them)
 * and where the diagram draws each part of the model, so that the diagram's
 * nodes and edges link to their sections and the threat rows link back.
 * The diagram comes before the sections it links to: its links wait in
 * `pending` until the end, when every section's page is known. */
typedef struct {
    size_t page;
    float y;
    HPDF_Destination dst; /* made once, for every link to it */
} S_dest;

typedef struct {
    size_t page;
    float y;
    bool home; /* the part drawn as itself, not as another boundary's outside end */
    HPDF_Destination dst;
} S_spot;

typedef struct {
    size_t page;
    HPDF_Rect r;
    const char *anchor;
} S_pending;

struct tm_pdf_links {
    tm_map *dests; /* anchor -> S_dest */
    tm_map *spots; /* "element:ID", "flow:ID", "boundary:ID", "model:model" -> S_spot */
    tm_vec pending;
};

static size_t S_page_index(const tm_pdf *p)
{
    return p->pages.len - 1;
}

/* The section `anchor` starts at the cursor, as it was before the call that
 * drew it (which may have moved to a new page: then at that page's top). */
static void S_mark(tm_pdf *p, const char *anchor, size_t page_before, float y_before)
{
    if (!anchor || tm_map_get(p->links->dests, anchor))
        return;
    S_dest *d = tm_arena_alloc(p->ar, sizeof *d);
    d->page = S_page_index(p);
    d->y = d->page == page_before ? y_before : p->height - TM_PDF_MARGIN_TOP;
    tm_map_put(p->links->dests, tm_arena_strdup(p->ar, anchor), d);
}

static void S_mark_row(tm_pdf *p, const char *kind, const char *id, size_t page_before,
                       float y_before)
{
    if (id)
        S_mark(p, tm_report_anchor(p->ar, kind, id, false), page_before, y_before);
}

static void S_spot_put(tm_pdf *p, const char *key, float y, bool home)
{
    S_spot *s = tm_map_get(p->links->spots, key);
    if (s && (s->home || !home))
        return;
    if (!s) {
        s = tm_arena_alloc(p->ar, sizeof *s);
        tm_map_put(p->links->spots, tm_arena_strdup(p->ar, key), s);
    }
    s->page = S_page_index(p);
    s->y = y;
    s->home = home;
}

/* The links from the diagram, now that every section has its page. */
static void S_links_resolve(tm_pdf *p)
{
    for (size_t i = 0; i < p->links->pending.len; i++) {
        const S_pending *l = p->links->pending.items[i];
        S_dest *d = tm_map_get(p->links->dests, l->anchor);
        if (!d)
            continue; /* cannot happen: every part has a row or a group */
        if (!d->dst) {
            d->dst = HPDF_Page_CreateDestination(p->pages.items[d->page]);
            HPDF_Destination_SetFitH(d->dst, d->y + 4);
        }
        HPDF_Annotation an = HPDF_Page_CreateLinkAnnot(p->pages.items[l->page], l->r, d->dst);
        HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
    }
}

/* A part of the diagram, laid out and recorded once per run (image.c), or
 * NULL after a diagnostic. The scene belongs to the run's cache. */
static const tm_dfd_scene *S_scene(tm_pdf *p, const tm_analysis *a, const tm_render_opts *o,
                                   size_t part)
{
    return tm_dfd_scene_get(a, o, part, p->d);
}

static int S_wide(const tm_dfd_scene *s)
{
    return tm_box_width(&s->box) > tm_box_height(&s->box);
}

static void S_rgb_fill(HPDF_Page pg, tm_rgba c)
{
    HPDF_Page_SetRGBFill(pg, c.r / 255.0f, c.g / 255.0f, c.b / 255.0f);
}

static void S_rgb_stroke(HPDF_Page pg, tm_rgba c)
{
    HPDF_Page_SetRGBStroke(pg, c.r / 255.0f, c.g / 255.0f, c.b / 255.0f);
}

/* One operation in graph coordinates (the page's matrix maps them). Dash
 * patterns are Graphviz's SVG ones, in points of the layout. */
static void S_draw_op(tm_pdf *p, const tm_op *op, const char *clean)
{
    HPDF_Page pg = p->page;
    const double *pt = op->pt;
    if (op->kind == TM_OP_TEXT) {
        if (!clean || !*clean || op->size <= 0 || op->stroke.a == 0)
            return;
        HPDF_Font font = op->bold ? p->bold : p->reg;
        float size = (float)op->size, gw = (float)op->width;
        float w = tm_pdf_width(font, size, clean, strlen(clean));
        /* the width Graphviz measured (and laid out for), within reason:
         * the same font, but Pango's metrics are hinted */
        float scale = w > 0 && gw > 0 ? 100.0f * gw / w : 100.0f;
        if (scale < 70.0f)
            scale = 70.0f;
        if (scale > 130.0f)
            scale = 130.0f;
        float shown = w * scale / 100.0f;
        float x = (float)pt[0] - (op->just == 'l' ? 0 : op->just == 'r' ? shown : shown / 2);
        S_rgb_fill(pg, op->stroke);
        HPDF_Page_BeginText(pg);
        HPDF_Page_SetFontAndSize(pg, font, size);
        HPDF_Page_SetHorizontalScalling(pg, scale);
        /* italic as a slanted regular face: only the upright faces are embedded */
        HPDF_Page_SetTextMatrix(pg, 1, 0, op->italic ? 0.2f : 0, 1, x, (float)pt[1]);
        HPDF_Page_ShowText(pg, clean);
        HPDF_Page_SetHorizontalScalling(pg, 100);
        HPDF_Page_EndText(pg);
        return;
    }
    bool fill = op->filled && op->fill.a != 0;
    bool stroke = op->pen != TM_PEN_NONE && op->stroke.a != 0 && op->penwidth > 0;
    if ((!fill && !stroke) || op->n == 0)
        return;
    if (fill)
        S_rgb_fill(pg, op->fill);
    if (stroke) {
        S_rgb_stroke(pg, op->stroke);
        HPDF_Page_SetLineWidth(pg, (float)op->penwidth);
        if (op->pen == TM_PEN_DASHED)
            HPDF_Page_SetDash(pg, (const HPDF_UINT16[]){5, 2}, 2, 0);
        else if (op->pen == TM_PEN_DOTTED)
            HPDF_Page_SetDash(pg, (const HPDF_UINT16[]){1, 5}, 2, 0);
        else
            HPDF_Page_SetDash(pg, NULL, 0, 0);
    }
    bool closed = true;
    switch (op->kind) {
    case TM_OP_ELLIPSE:
        if (op->n < 2)
            return;
        HPDF_Page_Ellipse(pg, (float)pt[0], (float)pt[1], (float)fabs(pt[2] - pt[0]),
                          (float)fabs(pt[3] - pt[1]));
        break;
    case TM_OP_BEZIER:
        HPDF_Page_MoveTo(pg, (float)pt[0], (float)pt[1]);
        for (size_t i = 1; i + 2 < op->n; i += 3)
            HPDF_Page_CurveTo(pg, (float)pt[2 * i], (float)pt[2 * i + 1], (float)pt[2 * i + 2],
                              (float)pt[2 * i + 3], (float)pt[2 * i + 4], (float)pt[2 * i + 5]);
        closed = false;
        break;
    case TM_OP_POLYLINE:
        fill = false;
        closed = false;
        /* fall through */
    default:
        HPDF_Page_MoveTo(pg, (float)pt[0], (float)pt[1]);
        for (size_t i = 1; i < op->n; i++)
            HPDF_Page_LineTo(pg, (float)pt[2 * i], (float)pt[2 * i + 1]);
        if (closed)
            HPDF_Page_ClosePath(pg);
        break;
    }
    if (fill && stroke)
        HPDF_Page_FillStroke(pg);
    else if (fill)
        HPDF_Page_Fill(pg);
    else if (stroke)
        HPDF_Page_Stroke(pg);
    else
        HPDF_Page_EndPath(pg);
}

/* Cleaned text of every text operation, once per scene (tiles draw it again). */
static const char **S_scene_texts(tm_pdf *p, const tm_dfd_scene *s)
{
    const char **t = tm_arena_array(p->ar, s->n_ops ? s->n_ops : 1, sizeof *t);
    for (size_t i = 0; i < s->n_ops; i++)
        if (s->ops[i].kind == TM_OP_TEXT)
            t[i] = tm_pdf_clean(p, s->ops[i].text, 0);
    return t;
}

/* The part of the scene inside `view` (graph coordinates) at scale `s`,
 * with view's top left at page point (x, top), clipped to it. Each linked
 * object seen here becomes a link to its section (nodes by their shape,
 * edges by their label); with `spots`, the page also becomes where the
 * threat rows of what it draws link back to. */
static void S_draw_scene(tm_pdf *p, const tm_dfd_scene *sc, const char **texts, tm_box view,
                         float x, float top, float s, bool spots)
{
    HPDF_Page pg = p->page;
    float w = (float)tm_box_width(&view) * s, h = (float)tm_box_height(&view) * s;
    float bottom = top - h;
    HPDF_Page_GSave(pg);
    HPDF_Page_Rectangle(pg, x, bottom, w, h);
    HPDF_Page_Clip(pg);
    HPDF_Page_EndPath(pg);
    HPDF_Page_Concat(pg, s, 0, 0, s, x - s * (float)view.llx, bottom - s * (float)view.lly);
    for (size_t i = 0; i < sc->n_objs; i++) {
        const tm_obj *ob = &sc->objs[i];
        if (ob->kind != TM_OBJ_GRAPH && !tm_box_overlaps(&ob->box, &view))
            continue;
        for (size_t k = 0; k < ob->n; k++)
            S_draw_op(p, &sc->ops[ob->first + k], texts[ob->first + k]);
    }
    HPDF_Page_SetDash(pg, NULL, 0, 0);
    HPDF_Page_GRestore(pg);
    for (size_t i = 0; i < sc->n_objs; i++) {
        const tm_obj *ob = &sc->objs[i];
        if (!ob->link)
            continue;
        tm_box b = ob->kind == TM_OBJ_EDGE ? ob->label : ob->box;
        if (ob->kind == TM_OBJ_CLUSTER) /* its label: the box holds other links */
            b = ob->label;
        if (!tm_box_overlaps(&b, &view))
            continue;
        float x0 = x + s * (float)((b.llx > view.llx ? b.llx : view.llx) - view.llx);
        float x1 = x + s * (float)((b.urx < view.urx ? b.urx : view.urx) - view.llx);
        float y0 = bottom + s * (float)((b.lly > view.lly ? b.lly : view.lly) - view.lly);
        float y1 = bottom + s * (float)((b.ury < view.ury ? b.ury : view.ury) - view.lly);
        if (x1 - x0 < 0.5f || y1 - y0 < 0.5f)
            continue;
        S_pending *l = tm_arena_alloc(p->ar, sizeof *l);
        l->page = S_page_index(p);
        l->r = (HPDF_Rect){x0, y0, x1, y1};
        l->anchor = ob->link->anchor;
        tm_vec_push(&p->links->pending, l);
        if (spots)
            S_spot_put(p, ob->link->key, y1, ob->link->home);
    }
}

/* Scales in points on paper per point of the layout: at most its natural
 * size; at 0.53 its 10 pt names print at about 5.5 pt, the least a reader
 * can read on paper. */
#define S_SCALE_NATURAL 1.0f
#define S_SCALE_READABLE 0.53f
#define S_MAX_TILES 24

/* The diagram at a readable scale, cut into landscape pages (each page draws
 * what falls inside it). */
static void S_diagram_tiles(tm_pdf *p, const tm_dfd_scene *sc, const char **texts,
                            const char *title)
{
    float iw = (float)tm_box_width(&sc->box), ih = (float)tm_box_height(&sc->box);
    float tw = p->ph - 2 * TM_PDF_MARGIN_X; /* landscape content box */
    float th = p->pw - TM_PDF_MARGIN_TOP - TM_PDF_MARGIN_BOTTOM - 20;
    float scale = S_SCALE_READABLE;
    size_t cols, rows;
    for (;;) {
        cols = (size_t)(iw * scale / tw) + 1;
        rows = (size_t)(ih * scale / th) + 1;
        if (cols * rows <= S_MAX_TILES)
            break;
        scale *= 0.85f;
    }
    /* grow the diagram to fill the grid of pages it needs anyway */
    float fit_w = (float)cols * tw / iw, fit_h = (float)rows * th / ih;
    scale = fit_w < fit_h ? fit_w : fit_h;
    float dw = iw * scale, dh = ih * scale;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            if ((float)c * tw >= dw || (float)r * th >= dh)
                continue;
            tm_pdf_new_page(p, 1);
            tm_pdf_draw_text(
                p, p->bold, 9, TM_PDF_ACCENT, TM_PDF_MARGIN_X, p->y - 10,
                tm_pdf_clean(p,
                             rows == 1 ? tm_arena_printf(p->ar, "%s, detail: part %zu of %zu",
                                                         title, c + 1, cols)
                                       : tm_arena_printf(p->ar,
                                                         "%s, detail: row %zu of %zu, "
                                                         "column %zu of %zu",
                                                         title, r + 1, rows, c + 1, cols),
                             0));
            float top = p->y - 20;
            /* this page's window on the diagram, in layout points */
            tm_box view = {sc->box.llx + (double)((float)c * tw / scale), 0,
                           sc->box.llx + (double)(((float)c + 1) * tw / scale), sc->box.ury -
                                                                                    (double)((float)r * th / scale)};
            view.lly = view.ury - (double)(th / scale);
            S_draw_scene(p, sc, texts, view, TM_PDF_MARGIN_X, top, scale, false);
            tm_pdf_set_stroke(p, TM_PDF_RULE, 0.5f);
            HPDF_Page_Rectangle(p->page, TM_PDF_MARGIN_X, top - th, tw, th);
            HPDF_Page_Stroke(p->page);
            p->y = TM_PDF_MARGIN_BOTTOM;
        }
}

/* A diagram under its own subheading, scaled to the rest of the page (never
 * beyond its natural size, so a small diagram is not blown up); when that
 * makes it too small to read, detail pages follow. What comes next starts
 * on a new page. */
static void S_place_diagram(tm_pdf *p, const tm_dfd_scene *sc, const char *title)
{
    tm_pdf_heading(p, 2, title);
    const char **texts = S_scene_texts(p, sc);
    float iw = (float)tm_box_width(&sc->box), ih = (float)tm_box_height(&sc->box);
    if (iw <= 0 || ih <= 0)
        return;
    float bw = tm_pdf_content_width(p), bh = p->y - TM_PDF_MARGIN_BOTTOM - 14;
    float scale = bw / iw < bh / ih ? bw / iw : bh / ih;
    if (scale > S_SCALE_NATURAL)
        scale = S_SCALE_NATURAL;
    float dw = iw * scale, dh = ih * scale;
    S_draw_scene(p, sc, texts, sc->box, TM_PDF_MARGIN_X + (bw - dw) / 2, p->y, scale, true);
    p->y -= dh + 4;
    int tiles = scale < S_SCALE_READABLE * 0.8f;
    tm_pdf_draw_text(p, p->reg, 7.5f, TM_PDF_GREY, TM_PDF_MARGIN_X, p->y - 8,
                     tm_pdf_clean(p,
                                  tiles ? "Flows are numbered as in the flow table; each node and "
                                          "flow links to its section. The pages that follow "
                                          "show the diagram in detail."
                                        : "Flows are numbered as in the flow table; each node and "
                                          "flow links to its section.",
                                  0));
    p->y = TM_PDF_MARGIN_BOTTOM;
    if (tiles)
        S_diagram_tiles(p, sc, texts, title);
}

/* ====================================================== the sections */

static void S_empty_note(tm_pdf *p, const char *text)
{
    tm_pdf_para_ex(p, text, p->reg, 9, TM_PDF_GREY, 0);
    p->y -= 4;
}

static void S_cover(tm_pdf *p, const tm_node *data)
{
    const tm_node *sys = tm_node_get(data, "system");
    tm_pdf_new_page(p, 0);
    float w = tm_pdf_content_width(p);
    p->y = p->height - 120;
    tm_pdf_fill_rect(p, 0, p->height - 70, p->width, 70, TM_PDF_ACCENT);
    tm_pdf_draw_text(p, p->bold, 13, TM_PDF_WHITE, TM_PDF_MARGIN_X, p->height - 42,
                     tm_pdf_clean(p, "Threat model review", 0));
    tm_pdf_para_ex(p, S_sd(sys, "name", "Unnamed system"), p->bold, 26, TM_PDF_ACCENT, 0);
    p->y -= 4;
    tm_pdf_para_ex(p, "Security review report, organised by the LOSS checklist", p->reg, 12,
                   TM_PDF_GREY, 0);
    p->y -= 14;
    if (S_s(sys, "description")) {
        tm_pdf_para_ex(p, S_s(sys, "description"), p->reg, 10, TM_PDF_BLACK, 0);
        p->y -= 10;
    }
    tm_pdf_table t;
    tm_pdf_table_begin(&t, p, 9.5f, 2, "Field", 0.28, "Value", 0.72);
    t.headless = 1;
    const char *date = S_s(data, "date");
    const char *rows[][2] = {
        {"System", S_sd(sys, "name", "not stated")},
        {"Version", S_sd(sys, "version", "not stated")},
        {"Owner", S_sd(sys, "owner", "not stated")},
        {"Reviewers", S_sd(sys, "reviewers_text", "not stated")},
        {"Date", date ? date : "not stated"},
        {"Model source", S_sd(data, "source", "not stated")},
        {"Generated by", tm_arena_printf(p->ar, "stridec %s", S_sd(data, "stridec_version", ""))},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tm_pdf_cell c[2] = {tm_pdf_cell1(rows[i][0]), tm_pdf_cell1(rows[i][1])};
        c[0].runs[0].bold = 1;
        tm_pdf_table_row(&t, c);
    }
    tm_pdf_table_end(&t);

    /* The summary box: open threats by severity, in severity colours. */
    const tm_node *dash = tm_node_get(tm_node_get(data, "show"), "dashboard");
    const tm_node *box = S_l(dash, "open_by_severity");
    p->y -= 16;
    float bh = 118;
    tm_pdf_set_stroke(p, TM_PDF_ACCENT, 1);
    HPDF_Page_Rectangle(p->page, TM_PDF_MARGIN_X, p->y - bh, w, bh);
    HPDF_Page_Stroke(p->page);
    tm_pdf_draw_text(p, p->bold, 12, TM_PDF_ACCENT, TM_PDF_MARGIN_X + 12, p->y - 22,
                     tm_pdf_clean(p, "Open threats by severity", 0));
    size_t nb = S_n(box);
    float gap = 10, bw = nb ? (w - 24 - gap * (float)(nb - 1)) / (float)nb : 0;
    for (size_t i = 0; i < nb; i++) {
        const tm_node *b = box->items[i];
        tm_pdf_rgb fill, ink;
        tm_pdf_severity_colours(S_s(b, "severity"), &fill, &ink);
        float x = TM_PDF_MARGIN_X + 12 + (float)i * (bw + gap), y = p->y - 96;
        tm_pdf_fill_rect(p, x, y, bw, 58, fill);
        const char *num = tm_arena_printf(p->ar, "%lld", S_i(b, "open"));
        float tw = tm_pdf_width(p->bold, 24, num, strlen(num));
        tm_pdf_draw_text(p, p->bold, 24, ink, x + (bw - tw) / 2, y + 26, num);
        const char *lab = tm_pdf_clean(p, S_sd(b, "severity", ""), 0);
        tw = tm_pdf_width(p->reg, 10, lab, strlen(lab));
        tm_pdf_draw_text(p, p->reg, 10, ink, x + (bw - tw) / 2, y + 9, lab);
    }
    tm_pdf_draw_text(p, p->reg, 9, TM_PDF_GREY, TM_PDF_MARGIN_X + 12, p->y - bh + 8,
                     tm_arena_printf(p->ar,
                                     "%lld threats in total: %lld open, %lld decided "
                                     "(mitigated, accepted, transferred or false positive)",
                                     S_i(dash, "total"), S_i(dash, "open"), S_i(dash, "decided")));
    p->y -= bh + 10;
}

/* L — List all artifacts */
static void S_section_list(tm_pdf *p, const tm_node *data)
{
    const tm_node *l = tm_node_get(data, "list");
    const tm_node *sec = tm_node_get(l, "section");
    tm_pdf_heading(p, 1, S_s(sec, "heading"));
    tm_pdf_para(p, S_s(sec, "summary"));

    tm_pdf_heading(p, 2, "Elements by type");
    const tm_node *groups = S_l(l, "elements_by_type");
    if (!S_n(groups))
        S_empty_note(p, "The model has no elements.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 5, "Element", 0.34, "Type", 0.17, "Origin", 0.12, "Owner",
                           0.14, "Boundary", 0.23);
        for (size_t g = 0; g < groups->n; g++) {
            const tm_node *els = S_l(groups->items[g], "elements");
            for (size_t i = 0; i < S_n(els); i++) {
                const tm_node *e = els->items[i];
                tm_pdf_cell c[5] = {
                    tm_pdf_cell1(NULL), tm_pdf_cell1(S_s(groups->items[g], "label")),
                    tm_pdf_cell1(S_s(e, "origin")), tm_pdf_cell1(S_sd(e, "owner", "not stated")),
                    tm_pdf_cell1(S_s(e, "boundary"))};
                tm_pdf_cell_add(&c[0], S_s(e, "name"), 1);
                tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(e, "id"), 0, 7, 1, 1});
                tm_pdf_cell_add(&c[0], S_s(e, "description"), 0);
                if (S_s(e, "data_text"))
                    tm_pdf_cell_run(
                        &c[0], (tm_pdf_run){tm_arena_printf(p->ar, "Data: %s", S_s(e, "data_text")),
                                            0, 7, 0, 1});
                if (S_b(e, "out_of_scope"))
                    tm_pdf_cell_run(
                        &c[0], (tm_pdf_run){tm_arena_printf(p->ar, "Out of scope: %s",
                                                            S_sd(e, "reason", "no reason given")),
                                            1, 7, 0, 0});
                size_t page = S_page_index(p);
                float y = p->y;
                tm_pdf_table_row(&t, c);
                S_mark_row(p, "element", S_s(e, "id"), page, y);
            }
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Data assets");
    const tm_node *da = S_l(l, "data");
    if (!S_n(da))
        S_empty_note(p, "The model lists no data assets.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 5, "Data", 0.28, "Classification", 0.14, "Held by", 0.22,
                           "Flows", 0.1, "Description", 0.26);
        for (size_t i = 0; i < da->n; i++) {
            const tm_node *x = da->items[i];
            tm_pdf_cell c[5] = {tm_pdf_cell1(NULL), tm_pdf_cell1(S_s(x, "classification")),
                                tm_pdf_cell1(S_sd(x, "held_by_text", "nobody")),
                                tm_pdf_cell1(S_sd(x, "flows_text", "none")),
                                tm_pdf_cell1(S_s(x, "description"))};
            tm_pdf_cell_add(&c[0], S_s(x, "name"), 1);
            tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "id"), 0, 7, 1, 1});
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Identities");
    const tm_node *ids = S_l(l, "identities");
    if (!S_n(ids))
        S_empty_note(p, "The model lists no IAM identities.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 4, "Identity", 0.3, "Used by", 0.25, "Statements", 0.1,
                           "What the IAM analysis found", 0.35);
        for (size_t i = 0; i < ids->n; i++) {
            const tm_node *x = ids->items[i];
            tm_pdf_cell c[4] = {tm_pdf_cell1(NULL),
                                tm_pdf_cell1(S_sd(x, "users_text", "no element")),
                                tm_pdf_cell1(tm_arena_printf(p->ar, "%lld", S_i(x, "statements"))),
                                tm_pdf_cell1(NULL)};
            tm_pdf_cell_add(&c[0], S_s(x, "name"), 1);
            tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "id"), 0, 7, 1, 1});
            tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "type"), 0, 7, 0, 1});
            const tm_node *facts = S_l(x, "facts");
            for (size_t k = 0; k < S_n(facts); k++)
                tm_pdf_cell_add(&c[3], tm_arena_printf(p->ar, "• %s", S_s(facts->items[k], "text")),
                                0);
            if (!S_n(facts))
                tm_pdf_cell_add(&c[3], "nothing of note", 0);
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Artifacts");
    const tm_node *arts = S_l(l, "artifacts");
    if (!S_n(arts))
        S_empty_note(p, "The model lists no deployment scripts, CI configs, libraries or plugins.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 6, "Artifact", 0.3, "Type", 0.14, "Origin", 0.12, "Owner",
                           0.13, "Defines", 0.17, "Secret scan", 0.14);
        for (size_t i = 0; i < arts->n; i++) {
            const tm_node *x = arts->items[i];
            long long secrets = S_i(x, "secrets");
            tm_pdf_cell c[6] = {tm_pdf_cell1(NULL),
                                tm_pdf_cell1(S_s(x, "type")),
                                tm_pdf_cell1(S_s(x, "origin")),
                                tm_pdf_cell1(S_sd(x, "owner", "not stated")),
                                tm_pdf_cell1(S_sd(x, "defines_text", "-")),
                                tm_pdf_cell1(!S_b(x, "scanned") ? "not scanned"
                                             : secrets
                                                 ? tm_arena_printf(p->ar, "%lld secret%s found",
                                                                   secrets, secrets == 1 ? "" : "s")
                                                 : "no secrets found")};
            tm_pdf_cell_add(&c[0], S_s(x, "name"), 1);
            tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "id"), 0, 7, 1, 1});
            if (S_s(x, "path"))
                tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "path"), 0, 7, 0, 1});
            if (S_s(x, "version"))
                tm_pdf_cell_run(
                    &c[0], (tm_pdf_run){tm_arena_printf(p->ar, "version %s", S_s(x, "version")), 0,
                                        7, 0, 1});
            tm_pdf_cell_add(&c[0], S_s(x, "description"), 0);
            if (secrets) {
                c[5].filled = 1;
                tm_pdf_severity_colours("high", &c[5].fill, &c[5].ink);
            }
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Third-party code");
    const tm_node *tp = S_l(l, "third_party");
    if (!S_n(tp))
        S_empty_note(p, "No third-party or open-source code is recorded in the model.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 4, "What", 0.36, "Kind", 0.22, "Origin", 0.16, "Where", 0.26);
        for (size_t i = 0; i < tp->n; i++) {
            const tm_node *x = tp->items[i];
            tm_pdf_cell c[4] = {tm_pdf_cell1(S_s(x, "what")), tm_pdf_cell1(S_s(x, "kind")),
                                tm_pdf_cell1(S_s(x, "origin")), tm_pdf_cell1(S_s(x, "where"))};
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }
}

static void S_flow_cells(tm_pdf *p, const tm_node *f, tm_pdf_cell *c, const char *dir)
{
    int k = 0;
    if (dir)
        c[k++] = tm_pdf_cell1(dir);
    c[k++] = tm_pdf_cell1(tm_arena_printf(p->ar, "#%lld", S_i(f, "number")));
    c[k] = tm_pdf_cell1(NULL);
    tm_pdf_cell_add(&c[k], S_s(f, "name"), 1);
    tm_pdf_cell_add(&c[k],
                    tm_arena_printf(p->ar, "%s → %s", S_sd(f, "from", "?"), S_sd(f, "to", "?")), 0);
    k++;
    const char *proto = S_sd(f, "protocol", "not stated");
    c[k++] = tm_pdf_cell1(S_i(f, "port") ? tm_arena_printf(p->ar, "%s:%lld", proto, S_i(f, "port"))
                                         : proto);
    c[k] = tm_pdf_cell1(S_sd(f, "data_text", "none"));
    if (S_s(f, "classification"))
        tm_pdf_cell_run(&c[k], (tm_pdf_run){S_s(f, "classification"), 0, 7, 0, 1});
    k++;
    c[k++] = tm_pdf_cell1(S_s(f, "authenticated"));
    c[k++] = tm_pdf_cell1(S_s(f, "encrypted"));
}

/* O — Overall picture */
static int S_section_overall(tm_pdf *p, const tm_node *data, const tm_analysis *a,
                             const tm_render_opts *o)
{
    const tm_node *ov = tm_node_get(data, "overall");
    const tm_node *sec = tm_node_get(ov, "section");
    /* The diagram's parts and their names, copied before any libharu call
     * (an error longjmps past the free of a diagram built without a cache). */
    tm_dfd *owned;
    const tm_dfd *dfd = tm_dfd_get(a, o, &owned);
    size_t parts = tm_dfd_count(dfd);
    const char **stems = tm_arena_array(p->ar, parts, sizeof *stems);
    for (size_t i = 0; i < parts; i++) {
        const char *stem = tm_dfd_stem(dfd, i);
        stems[i] = tm_arena_strdup(p->ar, strncmp(stem, "dfd-", 4) == 0 ? stem + 4 : stem);
    }
    tm_dfd_free(owned);

    /* The section opens with the main diagram, on a landscape page when it
     * is wider than tall. */
    const tm_dfd_scene *sc = S_scene(p, a, o, 0);
    if (!sc)
        return -1;
    tm_pdf_section(p, S_s(sec, "heading"), S_wide(sc));
    tm_pdf_para(p, S_s(sec, "summary"));
    tm_pdf_para(p, tm_arena_printf(p->ar, "%lld flows cross %lld trust boundaries.",
                                   S_i(ov, "n_flows"), S_i(ov, "n_boundaries")));
    S_spot_put(p, "model:model", p->y, true);
    S_place_diagram(p, sc, parts > 1 ? "Data-flow diagram (overview)" : "Data-flow diagram");
    for (size_t i = 1; i < parts; i++) {
        if (!(sc = S_scene(p, a, o, i)))
            return -1;
        tm_pdf_new_page(p, S_wide(sc));
        /* the part is named after its boundary's id: show the boundary's name */
        const char *title = stems[i];
        const tm_node *bs = S_l(ov, "boundaries");
        for (size_t k = 0; k < S_n(bs); k++)
            if (strcmp(S_sd(bs->items[k], "id", ""), stems[i]) == 0)
                title = S_sd(bs->items[k], "name", stems[i]);
        S_place_diagram(p, sc, tm_arena_printf(p->ar, "Data-flow diagram: %s", title));
    }

    tm_pdf_heading(p, 2, "Trust boundaries and what crosses them");
    const tm_node *bs = S_l(ov, "boundaries");
    if (!S_n(bs))
        S_empty_note(p, "The model has no trust boundaries.");
    for (size_t i = 0; i < S_n(bs); i++) {
        const tm_node *b = bs->items[i];
        size_t page = S_page_index(p);
        float y = p->y;
        tm_pdf_caption(
            p, tm_arena_printf(p->ar, "%s (%s)", S_sd(b, "name", "?"), S_sd(b, "type", "?")));
        S_mark_row(p, "boundary", S_s(b, "id"), page, y);
        if (S_s(b, "description"))
            tm_pdf_para(p, S_s(b, "description"));
        tm_buf info;
        tm_buf_init(&info, 0);
        const char *parent = S_s(b, "parent");
        if (parent)
            tm_buf_printf(&info, "Inside: %s. ", parent);
        tm_buf_printf(&info, "Members: %s. ", S_sd(b, "members_text", "none"));
        tm_buf_printf(&info, "Entry points: %s. ", S_sd(b, "entry_points_text", "none"));
        tm_buf_printf(&info,
                      "%lld inbound (%lld unauthenticated, %lld unencrypted), %lld outbound.",
                      S_i(b, "n_inbound"), S_i(b, "unauthenticated_inbound"),
                      S_i(b, "unencrypted_inbound"), S_i(b, "n_outbound"));
        tm_pdf_para_ex(p, info.data, p->reg, 8.5f, TM_PDF_BLACK, 0);
        tm_buf_free(&info);
        p->y -= 3;
        const tm_node *in = S_l(b, "inbound"), *out = S_l(b, "outbound");
        if (S_n(in) + S_n(out)) {
            tm_pdf_table t;
            tm_pdf_table_begin(&t, p, 7.5f, 7, "Crossing", 0.09, "Flow", 0.06, "Name, from → to",
                               0.31, "Protocol", 0.11, "Data", 0.19, "Authenticated", 0.13,
                               "Encrypted", 0.11);
            for (size_t k = 0; k < S_n(in); k++) {
                tm_pdf_cell c[7];
                S_flow_cells(p, in->items[k], c, "inbound");
                if (strcmp(S_sd(in->items[k], "authenticated", ""), "yes") != 0) {
                    c[5].filled = 1;
                    c[5].fill = (tm_pdf_rgb){0.99f, 0.88f, 0.8f};
                }
                if (strcmp(S_sd(in->items[k], "encrypted", ""), "yes") != 0) {
                    c[6].filled = 1;
                    c[6].fill = (tm_pdf_rgb){0.99f, 0.88f, 0.8f};
                }
                tm_pdf_table_row(&t, c);
            }
            for (size_t k = 0; k < S_n(out); k++) {
                tm_pdf_cell c[7];
                S_flow_cells(p, out->items[k], c, "outbound");
                tm_pdf_table_row(&t, c);
            }
            tm_pdf_table_end(&t);
        }
    }

    tm_pdf_heading(p, 2, "Flows");
    const tm_node *fl = S_l(ov, "flows");
    if (!S_n(fl))
        S_empty_note(p, "The model has no flows.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 7.5f, 8, "Flow", 0.05, "Name, from → to", 0.25, "Protocol", 0.09,
                           "Data", 0.17, "Authenticated", 0.11, "Encrypted", 0.09, "Crosses", 0.16,
                           "Worst open", 0.08);
        for (size_t k = 0; k < fl->n; k++) {
            const tm_node *f = fl->items[k];
            tm_pdf_cell c[8];
            S_flow_cells(p, f, c, NULL);
            c[6] = tm_pdf_cell1(S_sd(f, "crosses_text", "none"));
            const char *worst = S_sd(f, "max_open", "none");
            c[7] = tm_pdf_cell1(worst);
            if (strcmp(worst, "none") != 0) {
                c[7].filled = 1;
                tm_pdf_severity_colours(worst, &c[7].fill, &c[7].ink);
            }
            size_t page = S_page_index(p);
            float y = p->y;
            tm_pdf_table_row(&t, c);
            S_mark_row(p, "flow", S_s(f, "id"), page, y);
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Shared responsibility");
    const tm_node *rs = S_l(ov, "responsibility");
    if (!S_n(rs))
        S_empty_note(p, "The model has no elements.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 7.5f, 3, "Element", 0.26, "The provider secures", 0.37,
                           "The team secures", 0.37);
        for (size_t k = 0; k < rs->n; k++) {
            const tm_node *x = rs->items[k];
            tm_pdf_cell c[3] = {tm_pdf_cell1(NULL), tm_pdf_cell1(NULL), tm_pdf_cell1(NULL)};
            tm_pdf_cell_add(&c[0], S_s(x, "name"), 1);
            tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "label"), 0, 7, 0, 1});
            const tm_node *pv = S_l(x, "provider"), *cu = S_l(x, "customer");
            for (size_t j = 0; j < S_n(pv); j++)
                tm_pdf_cell_add(&c[1], tm_arena_printf(p->ar, "• %s", S_s(pv->items[j], "text")),
                                0);
            if (!S_n(pv))
                tm_pdf_cell_add(&c[1], "nothing", 0);
            for (size_t j = 0; j < S_n(cu); j++)
                tm_pdf_cell_add(&c[2], tm_arena_printf(p->ar, "• %s", S_s(cu->items[j], "text")),
                                0);
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Assumptions");
    const tm_node *as = S_l(ov, "assumptions");
    if (!S_n(as))
        S_empty_note(p, "The model states no assumptions.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 2, "Id", 0.2, "Assumption", 0.8);
        for (size_t k = 0; k < as->n; k++) {
            tm_pdf_cell c[2] = {tm_pdf_cell1(S_s(as->items[k], "id")),
                                tm_pdf_cell1(S_s(as->items[k], "text"))};
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Out of scope");
    const tm_node *os = S_l(ov, "out_of_scope");
    if (!S_n(os))
        S_empty_note(p, "Nothing in the model is out of scope.");
    else {
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 3, "Element", 0.3, "Reason", 0.32, "Warning", 0.38);
        for (size_t k = 0; k < os->n; k++) {
            const tm_node *x = os->items[k];
            tm_pdf_cell c[3] = {tm_pdf_cell1(NULL), tm_pdf_cell1(S_s(x, "reason")),
                                tm_pdf_cell1(NULL)};
            tm_pdf_cell_add(&c[0], S_s(x, "name"), 1);
            tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "label"), 0, 7, 0, 1});
            if (S_s(x, "warning")) {
                tm_pdf_cell_add(&c[2], tm_arena_printf(p->ar, "⚠ Warning: %s", S_s(x, "warning")),
                                1);
                c[2].ink = TM_PDF_WARN;
            } else
                tm_pdf_cell_add(&c[2], "no sensitive data reaches it", 0);
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }

    tm_pdf_heading(p, 2, "Implicit entry points");
    const tm_node *im = S_l(ov, "implicit");
    if (!S_n(im))
        S_empty_note(p, "No implicit entry points: every management plane is ruled out.");
    else {
        tm_pdf_para(p, "Every cloud resource is reachable through its management plane (console, "
                       "CLI, SDK) until that is ruled out.");
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 3, "Element", 0.3, "Type", 0.2, "Entry points", 0.5);
        for (size_t k = 0; k < im->n; k++) {
            const tm_node *x = im->items[k];
            tm_pdf_cell c[3] = {tm_pdf_cell1(S_s(x, "name")), tm_pdf_cell1(S_s(x, "label")),
                                tm_pdf_cell1(S_sd(x, "entry_points_text", ""))};
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }
    return 0;
}

static const char *S_kind_title(const char *kind)
{
    static const char *const k[][2] = {{"model", "System"},      {"boundary", "Boundary"},
                                       {"element", "Element"},   {"flow", "Flow"},
                                       {"identity", "Identity"}, {"artifact", "Artifact"}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (kind && strcmp(kind, k[i][0]) == 0)
            return k[i][1];
    return kind ? kind : "";
}

static void S_threat_cells(tm_pdf *p, const tm_node *th, tm_pdf_cell *c)
{
    c[0] = tm_pdf_cell1(NULL);
    tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(th, "id"), 1, 0, 1, 0});
    tm_pdf_cell_add(&c[0], S_s(th, "title"), 0);
    tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(th, "description"), 0, 7, 0, 1});
    if (S_s(th, "location"))
        tm_pdf_cell_run(&c[0], (tm_pdf_run){tm_arena_printf(p->ar, "at %s", S_s(th, "location")), 0,
                                            6.5f, 0, 1});
    c[1] = tm_pdf_cell1(NULL);
    const tm_node *letters = S_l(th, "stride_letters");
    for (size_t k = 0; k < S_n(letters); k++)
        tm_pdf_cell_add(&c[1],
                        tm_arena_printf(p->ar, "%s %s", S_s(letters->items[k], "letter"),
                                        S_s(letters->items[k], "name")),
                        0);
    const char *sev = S_sd(th, "severity", "");
    c[2] = tm_pdf_cell1(NULL);
    tm_pdf_cell_add(&c[2], sev, 1);
    tm_pdf_cell_run(
        &c[2], (tm_pdf_run){tm_arena_printf(p->ar, "likelihood %s, impact %s",
                                            S_sd(th, "likelihood", "?"), S_sd(th, "impact", "?")),
                            0, 6.5f, 0, 0});
    c[2].filled = 1;
    tm_pdf_severity_colours(sev, &c[2].fill, &c[2].ink);
    c[3] = tm_pdf_cell1(NULL);
    tm_pdf_cell_run(&c[3], (tm_pdf_run){S_s(th, "status"), S_b(th, "open"), 0, 1, 0});
    c[4] = tm_pdf_cell1(S_sd(th, "mitigation", "no remedy given"));
    const tm_node *dec = tm_node_get(th, "decision");
    if (dec) {
        /* the review decision that set the status, with who and when */
        tm_buf who;
        tm_buf_init(&who, 0);
        const char *v;
        tm_buf_printf(&who, "Decision (%s)", S_sd(dec, "status", "?"));
        if ((v = S_s(dec, "owner")) != NULL)
            tm_buf_printf(&who, ", owner %s", v);
        if ((v = S_s(dec, "ticket")) != NULL)
            tm_buf_printf(&who, ", ticket %s", v);
        if ((v = S_s(dec, "date")) != NULL)
            tm_buf_printf(&who, ", %s", v);
        tm_pdf_cell_run(&c[4], (tm_pdf_run){tm_arena_strdup(p->ar, who.data), 1, 6.5f, 0, 0});
        tm_pdf_cell_run(&c[4], (tm_pdf_run){S_s(dec, "justification"), 0, 6.5f, 0, 0});
        tm_buf_free(&who);
    }
    if (S_s(th, "references_text"))
        tm_pdf_cell_run(&c[4], (tm_pdf_run){S_s(th, "references_text"), 0, 6.5f, 0, 1});
    const tm_node *ev = S_l(th, "evidence");
    for (size_t k = 0; k < S_n(ev) && k < 4; k++)
        tm_pdf_cell_run(
            &c[4], (tm_pdf_run){tm_arena_printf(p->ar, "Evidence: %s", S_s(ev->items[k], "text")),
                                0, 6.5f, 0, 1});
}

/* S — the attack paths (share/stridec/doc/attack-paths.md): a table, then
 * each path's steps with what lets each happen and what cuts it. */
static void S_section_paths(tm_pdf *p, const tm_node *data)
{
    const tm_node *ps = tm_node_get(tm_node_get(data, "weak"), "paths");
    if (!ps)
        return;
    tm_pdf_heading(p, 2, S_sd(ps, "heading", "Attack paths"));
    tm_pdf_para(p, tm_arena_printf(p->ar,
                                   "From every entry point, over data flows and IAM escalation, to "
                                   "the stores of confidential or restricted data and to "
                                   "administrator. Each step says what lets it happen and what "
                                   "cuts it. %s",
                                   S_sd(ps, "searched", "")));
    if (S_s(ps, "cut"))
        tm_pdf_para_ex(p, S_s(ps, "cut"), p->bold, 9, TM_PDF_WARN, 0);
    const tm_node *list = S_l(ps, "list");
    if (!S_n(list)) {
        S_empty_note(p, "No attack path was found.");
        return;
    }
    tm_pdf_table t;
    tm_pdf_table_begin(&t, p, 7.5f, 6, "#", 0.05, "Severity", 0.11, "From", 0.22, "To", 0.22,
                       "Steps", 0.07, "Escalation, finding", 0.33);
    for (size_t i = 0; i < S_n(list); i++) {
        const tm_node *x = list->items[i];
        tm_pdf_cell c[6];
        c[0] = tm_pdf_cell1(tm_arena_printf(p->ar, "%lld", S_i(x, "number")));
        const char *sev = S_sd(x, "severity", "");
        c[1] = tm_pdf_cell1(NULL);
        tm_pdf_cell_add(&c[1], sev, 1);
        if (S_b(x, "conditional"))
            tm_pdf_cell_run(&c[1], (tm_pdf_run){"conditional", 0, 6.5f, 0, 0});
        c[1].filled = 1;
        tm_pdf_severity_colours(sev, &c[1].fill, &c[1].ink);
        c[2] = tm_pdf_cell1(S_s(x, "entry"));
        tm_pdf_cell_run(&c[2], (tm_pdf_run){S_s(x, "entry_rule"), 0, 6.5f, 0, 1});
        c[3] = tm_pdf_cell1(S_s(x, "target"));
        tm_pdf_cell_run(&c[3], (tm_pdf_run){S_s(x, "target_kind"), 0, 6.5f, 0, 1});
        c[4] = tm_pdf_cell1(tm_arena_printf(p->ar, "%lld", S_i(x, "n_steps")));
        c[5] = tm_pdf_cell1(S_sd(x, "techniques_text", "no escalation"));
        tm_pdf_cell_run(&c[5], (tm_pdf_run){S_s(x, "threat"), 0, 6.5f, 1, 1});
        tm_pdf_table_row(&t, c);
    }
    tm_pdf_table_end(&t);
    for (size_t i = 0; i < S_n(list); i++) {
        const tm_node *x = list->items[i];
        const tm_node *steps = S_l(x, "steps");
        tm_pdf_table st;
        tm_pdf_table_begin(&st, p, 7.5f, 4, "#", 0.05, "Step, and what lets it happen", 0.49,
                           "What cuts the path here", 0.28, "Stated at", 0.18);
        tm_pdf_need(p, 90);
        tm_pdf_caption(p, tm_arena_printf(p->ar, "Path %lld: %s \xE2\x86\x92 %s (%s, %s)",
                                          S_i(x, "number"), S_sd(x, "entry", "?"),
                                          S_sd(x, "target", "?"), S_sd(x, "target_kind", ""),
                                          S_sd(x, "severity", "")));
        tm_pdf_para_ex(p,
                       tm_arena_printf(p->ar, "Path %s, finding %s.%s%s%s", S_sd(x, "id", ""),
                                       S_sd(x, "threat", ""),
                                       S_s(x, "also_from_text") ? " The same route also starts "
                                                                  "from: "
                                                                : "",
                                       S_sd(x, "also_from_text", ""),
                                       S_s(x, "also_from_text") ? "." : ""),
                       p->reg, 8, TM_PDF_GREY, 0);
        p->y -= 3;
        for (size_t k = 0; k < S_n(steps); k++) {
            const tm_node *sn = steps->items[k];
            tm_pdf_cell c[4];
            c[0] = tm_pdf_cell1(tm_arena_printf(p->ar, "%lld", S_i(sn, "number")));
            c[1] = tm_pdf_cell1(NULL);
            tm_pdf_cell_run(&c[1], (tm_pdf_run){S_s(sn, "kind"), 1, 6.5f, 0, 1});
            tm_pdf_cell_add(&c[1], S_s(sn, "text"), 0);
            tm_pdf_cell_run(&c[1],
                            (tm_pdf_run){tm_arena_printf(p->ar, "Because %s%s",
                                                         S_sd(sn, "condition", "?"),
                                                         S_b(sn, "conditional")
                                                             ? " (conditional)"
                                                             : ""),
                                         0, 7, 0, 1});
            const tm_node *facts = S_l(sn, "facts");
            for (size_t f = 0; f < S_n(facts) && f < 6; f++)
                tm_pdf_cell_run(&c[1], (tm_pdf_run){tm_arena_printf(p->ar, "%s = %s",
                                                                    S_sd(facts->items[f], "path", ""),
                                                                    S_sd(facts->items[f], "value",
                                                                         "")),
                                                    0, 6.5f, 0, 1});
            c[2] = tm_pdf_cell1(S_sd(sn, "cut", "(the next step's cut)"));
            c[3] = tm_pdf_cell1(NULL);
            tm_pdf_cell_run(&c[3], (tm_pdf_run){S_s(sn, "location"), 0, 6.5f, 0, 0});
            tm_pdf_table_row(&st, c);
        }
        tm_pdf_table_end(&st);
    }
}

/* S — Security weak points */
static void S_section_weak(tm_pdf *p, const tm_node *data)
{
    const tm_node *wp = tm_node_get(data, "weak");
    const tm_node *sec = tm_node_get(wp, "section");
    tm_pdf_heading(p, 1, S_s(sec, "heading"));
    tm_pdf_para(p, S_s(sec, "summary"));
    tm_pdf_para(p, tm_arena_printf(p->ar,
                                   "%lld threats. Each row names the threat id (rule@target) "
                                   "to search for in threats.json, threats.sarif and the model's "
                                   "threats: decisions.",
                                   S_i(wp, "n_threats")));
    S_section_paths(p, data);
    const tm_node *groups = S_l(wp, "groups");
    if (!S_n(groups))
        S_empty_note(p, "No threats were found.");
    for (size_t g = 0; g < S_n(groups); g++) {
        const tm_node *gr = groups->items[g];
        const tm_node *ths = S_l(gr, "threats");
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 7.5f, 5, "Threat", 0.38, "STRIDE", 0.12, "Severity", 0.11,
                           "Status", 0.1, "Remedy", 0.29);
        tm_pdf_cell c[5];
        if (S_n(ths)) {
            /* keep the heading with the table's first row */
            S_threat_cells(p, ths->items[0], c);
            tm_pdf_need(p, 60 + tm_pdf_table_lead(&t, c));
        }
        tm_pdf_heading(
            p, 2,
            tm_arena_printf(p->ar, "%s: %s", S_kind_title(S_s(gr, "kind")), S_sd(gr, "name", "?")));
        const tm_pdf_toc_entry *head = &p->toc[p->n_toc - 1];
        S_mark(p, S_s(gr, "anchor"), head->page, head->y);
        /* where the diagram draws the group's target: each row links there */
        S_spot *spot = tm_map_get(
            p->links->spots,
            tm_arena_printf(p->ar, "%s:%s", S_sd(gr, "kind", ""), S_sd(gr, "id", "")));
        tm_buf info;
        tm_buf_init(&info, 0);
        const char *detail = S_s(gr, "detail");
        if (detail)
            tm_buf_printf(&info, "%s. ", detail);
        tm_buf_printf(&info, "%lld threat%s, %lld open.", S_i(gr, "count"),
                      S_i(gr, "count") == 1 ? "" : "s", S_i(gr, "open"));
        tm_pdf_para_ex(p, info.data, p->reg, 8.5f, TM_PDF_GREY, 0);
        tm_buf_free(&info);
        p->y -= 3;
        for (size_t k = 0; k < S_n(ths); k++) {
            S_threat_cells(p, ths->items[k], c);
            if (spot)
                tm_pdf_cell_run(&c[0], (tm_pdf_run){tm_arena_printf(p->ar,
                                                                    "On the diagram, page %zu",
                                                                    spot->page + 1),
                                                    0, 6.5f, 0, 1});
            size_t page = S_page_index(p);
            float y = p->y;
            tm_pdf_table_row(&t, c);
            if (spot) {
                float top = S_page_index(p) == page ? y : p->height - TM_PDF_MARGIN_TOP;
                if (!spot->dst) {
                    spot->dst = HPDF_Page_CreateDestination(p->pages.items[spot->page]);
                    HPDF_Destination_SetFitH(spot->dst, spot->y + 40);
                }
                HPDF_Rect r = {TM_PDF_MARGIN_X, p->y, p->width - TM_PDF_MARGIN_X, top};
                HPDF_Annotation an = HPDF_Page_CreateLinkAnnot(p->page, r, spot->dst);
                HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
            }
        }
        tm_pdf_table_end(&t);
    }
}

/* A horizontal bar chart in vector graphics. */
static void S_chart(tm_pdf *p, const tm_node *chart, int severity_colours)
{
    const tm_node *bars = S_l(chart, "bars");
    float row = 16, label_w = 130, chart_w = tm_pdf_content_width(p) - label_w - 50;
    tm_pdf_need(p, 30 + row * (float)S_n(bars));
    tm_pdf_caption(p, S_sd(chart, "title", ""));
    for (size_t i = 0; i < S_n(bars); i++) {
        const tm_node *b = bars->items[i];
        float y = p->y - row;
        tm_pdf_draw_text(p, p->reg, 8.5f, TM_PDF_BLACK, TM_PDF_MARGIN_X, y + 4,
                         tm_pdf_clean(p, S_sd(b, "label", ""), 0));
        tm_pdf_rgb fill = TM_PDF_BAR, ink;
        if (severity_colours)
            tm_pdf_severity_colours(S_s(b, "key"), &fill, &ink);
        float w = chart_w * (float)S_i(b, "width") / 300.0f;
        tm_pdf_fill_rect(p, TM_PDF_MARGIN_X + label_w, y + 1, chart_w, row - 4,
                         (tm_pdf_rgb){0.94f, 0.94f, 0.94f});
        if (w > 0)
            tm_pdf_fill_rect(p, TM_PDF_MARGIN_X + label_w, y + 1, w, row - 4, fill);
        tm_pdf_draw_text(p, p->bold, 8.5f, TM_PDF_BLACK, TM_PDF_MARGIN_X + label_w + chart_w + 6,
                         y + 4, tm_arena_printf(p->ar, "%lld", S_i(b, "count")));
        p->y -= row;
    }
    p->y -= 10;
}

/* S — Show */
static void S_section_show(tm_pdf *p, const tm_node *data)
{
    const tm_node *sh = tm_node_get(data, "show");
    const tm_node *sec = tm_node_get(sh, "section");
    tm_pdf_heading(p, 1, S_s(sec, "heading"));
    tm_pdf_para(p, S_s(sec, "summary"));
    const tm_node *dash = tm_node_get(sh, "dashboard");
    tm_pdf_heading(p, 2, "Dashboard");
    tm_pdf_para(p, tm_arena_printf(p->ar, "%lld threats: %lld open, %lld decided.",
                                   S_i(dash, "total"), S_i(dash, "open"), S_i(dash, "decided")));
    S_chart(p, tm_node_get(dash, "by_severity"), 1);
    S_chart(p, tm_node_get(dash, "by_stride"), 0);
    S_chart(p, tm_node_get(dash, "by_status"), 0);

    tm_pdf_heading(p, 2, "Monitoring plan");
    const tm_node *mon = S_l(sh, "monitoring");
    if (!S_n(mon))
        S_empty_note(p, "No operations to monitor were found.");
    else {
        tm_pdf_para(p, "Alert on these control-plane operations for each element.");
        tm_pdf_table t;
        tm_pdf_table_begin(&t, p, 8, 3, "Element", 0.3, "Type", 0.2, "Operations to alert on", 0.5);
        for (size_t k = 0; k < mon->n; k++) {
            const tm_node *x = mon->items[k];
            tm_pdf_cell c[3] = {tm_pdf_cell1(NULL), tm_pdf_cell1(S_s(x, "label")),
                                tm_pdf_cell1(S_sd(x, "operations_text", ""))};
            tm_pdf_cell_add(&c[0], S_s(x, "name"), 1);
            tm_pdf_cell_run(&c[0], (tm_pdf_run){S_s(x, "id"), 0, 7, 1, 1});
            tm_pdf_table_row(&t, c);
        }
        tm_pdf_table_end(&t);
    }
}

/* An empty tick box with its text; returns the height used. */
static void S_tick_item(tm_pdf *p, const char *text, const char *note, float indent)
{
    tm_pdf_lines l = {0};
    float tx = TM_PDF_MARGIN_X + indent + 18, w = tm_pdf_content_width(p) - indent - 18;
    tm_pdf_wrap(p, &l, tm_pdf_clean(p, text, 0), p->reg, 9.5f, TM_PDF_BLACK, w);
    if (note)
        tm_pdf_wrap(p, &l, tm_pdf_clean(p, note, 0), p->reg, 7.5f, TM_PDF_GREY, w);
    float h = tm_pdf_lines_height(&l, 0, l.n) + 4;
    tm_pdf_need(p, h);
    tm_pdf_set_stroke(p, TM_PDF_BLACK, 0.8f);
    HPDF_Page_Rectangle(p->page, TM_PDF_MARGIN_X + indent + 1, p->y - 12, 10, 10);
    HPDF_Page_Stroke(p->page);
    float y = p->y;
    for (size_t i = 0; i < l.n; i++) {
        y -= l.items[i].lh;
        tm_pdf_draw_text(p, l.items[i].font, l.items[i].size, l.items[i].ink, tx,
                         y + 0.25f * l.items[i].size, l.items[i].text);
    }
    p->y -= h;
}

static void S_ruled(tm_pdf *p, int n, float indent)
{
    for (int i = 0; i < n; i++) {
        tm_pdf_need(p, 18);
        p->y -= 18;
        tm_pdf_line_at(p, TM_PDF_MARGIN_X + indent, p->y, p->width - TM_PDF_MARGIN_X, p->y,
                       TM_PDF_RULE, 0.5f);
    }
    p->y -= 6;
}

static void S_section_checklist(tm_pdf *p, const tm_node *data)
{
    tm_pdf_heading(p, 1, "LOSS checklist");
    tm_pdf_para(p,
                "Tick each item when the review has checked it. The figures beside the items are "
                "what the model holds.");
    const tm_node *cl = S_l(data, "checklist");
    for (size_t s = 0; s < S_n(cl); s++) {
        const tm_node *sec = cl->items[s];
        tm_pdf_heading(
            p, 2,
            tm_arena_printf(p->ar, "%s — %s", S_sd(sec, "letter", ""), S_sd(sec, "title", "")));
        const tm_node *items = S_l(sec, "items");
        for (size_t i = 0; i < S_n(items); i++)
            S_tick_item(p, S_sd(items->items[i], "text", ""), S_s(items->items[i], "count"), 0);
        tm_pdf_need(p, 40);
        tm_pdf_para_ex(p, "Notes", p->bold, 8.5f, TM_PDF_GREY, 0);
        S_ruled(p, 3, 0);
    }
    tm_pdf_need(p, 80);
    p->y -= 10;
    tm_pdf_para_ex(p, "Reviewed by", p->bold, 9, TM_PDF_BLACK, 0);
    S_ruled(p, 1, 0);
    tm_pdf_para_ex(p, "Date and signature", p->bold, 9, TM_PDF_BLACK, 0);
    S_ruled(p, 1, 0);
}

static void S_section_worksheet(tm_pdf *p, const tm_node *data)
{
    tm_pdf_heading(p, 1, "Workshop worksheet");
    tm_pdf_para(p, "For each element, tick a question once the team has answered it and write the "
                   "answer on the lines below it.");
    const tm_node *ws = S_l(data, "worksheet");
    for (size_t e = 0; e < S_n(ws); e++) {
        const tm_node *el = ws->items[e];
        tm_pdf_need(p, 120); /* an element's heading with its first question */
        tm_pdf_caption(p, tm_arena_printf(p->ar, "%s (%s, %s)", S_sd(el, "name", "?"),
                                          S_sd(el, "label", "?"), S_sd(el, "kind", "?")));
        const tm_node *qs = S_l(el, "questions");
        for (size_t q = 0; q < S_n(qs); q++) {
            tm_pdf_need(p, 60);
            S_tick_item(p, S_sd(qs->items[q], "text", ""), NULL, 6);
            S_ruled(p, 2, 24);
        }
    }
}

/* "YYYY-MM-DD..." into a PDF date; 0 when it parses. */
static int S_parse_date(const char *s, HPDF_Date *dt)
{
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    memset(dt, 0, sizeof *dt);
    dt->year = atoi(s);
    dt->month = atoi(s + 5);
    dt->day = atoi(s + 8);
    dt->ind = 'Z';
    return dt->month >= 1 && dt->month <= 12 && dt->day >= 1 && dt->day <= 31 ? 0 : -1;
}

static size_t S_count_toc(const tm_node *data, size_t dfd_parts)
{
    /* The 6 sections; L: 5 subsections; O: the diagrams + 6; S: the attack
     * paths and one per threat group; Show: 2; checklist: one per LOSS
     * letter; worksheet: none. Must match the headings the sections draw
     * (checked after layout). */
    const tm_node *weak = tm_node_get(data, "weak");
    return 6 + 5 + dfd_parts + 6 + (tm_node_get(weak, "paths") ? 1 : 0) +
           S_n(S_l(weak, "groups")) + 2 + S_n(S_l(data, "checklist"));
}

static int S_build(tm_pdf *p, const tm_analysis *a, const tm_render_opts *o, const tm_node *data)
{
    if (tm_pdf_fonts(p) != 0)
        return -1;
    HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);

    const tm_node *sys = tm_node_get(data, "system");
    p->system_name = tm_pdf_clean(p, S_sd(sys, "name", "Unnamed system"), 0);
    HPDF_SetInfoAttr(
        p->doc, HPDF_INFO_TITLE,
        tm_pdf_clip(p, tm_arena_printf(p->ar, "Threat model: %s", p->system_name), 500));
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_SUBJECT, "Threat model review (LOSS)");
    HPDF_SetInfoAttr(
        p->doc, HPDF_INFO_CREATOR,
        tm_pdf_clip(p, tm_arena_printf(p->ar, "stridec %s", S_sd(data, "stridec_version", "")),
                    100));
    if (S_s(sys, "owner"))
        HPDF_SetInfoAttr(p->doc, HPDF_INFO_AUTHOR,
                         tm_pdf_clip(p, tm_pdf_clean(p, S_s(sys, "owner"), 0), 500));
    HPDF_Date dt;
    if (S_parse_date(S_s(data, "date"), &dt) == 0) {
        HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, dt);
        HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, dt);
    }

    S_cover(p, data);
    tm_dfd *owned;
    size_t parts = tm_dfd_count(tm_dfd_get(a, o, &owned));
    tm_dfd_free(owned);
    size_t per = tm_pdf_toc_per_page(p), need = S_count_toc(data, parts);
    p->toc_first_page = p->pages.len;
    p->section = tm_pdf_clean(p, "Contents", 0);
    for (size_t i = 0; i < (need + per - 1) / per; i++)
        tm_pdf_new_page(p, 0);
    p->toc_pages = p->pages.len - p->toc_first_page;

    S_section_list(p, data);
    if (S_section_overall(p, data, a, o) != 0)
        return -1;
    S_section_weak(p, data);
    S_section_show(p, data);
    S_section_checklist(p, data);
    S_section_worksheet(p, data);

    if (p->n_toc != need) {
        tm_diag_add(p->d, TM_DIAG_ERROR, "pdf", NULL, 0, 0,
                    "pdf: internal error: %zu contents entries, %zu expected", p->n_toc, need);
        return -1;
    }
    S_links_resolve(p);
    tm_pdf_toc_fill(p);
    tm_pdf_furniture(p);
    return 0;
}

#define S_COPY_PIECE 65536u

/* Page contents compressed with zlib at level 3 before libharu writes the
 * document: libharu deflates every stream at zlib's default level 6, which
 * was 44 % of a 2,800-page report's time. Measured on that report: level 6
 * 3.1 s and 13.6 MB, level 3 2.4 s and 15.4 MB, level 1 2.2 s and 17.9 MB. The content goes in as written (filter
 * none, so libharu copies it) and S_write_flate_key names its filter. Reaches into
 * libharu 2.3's page and dictionary records (hpdf_pages.h, hpdf_objects.h,
 * installed with libhpdf-dev), as the soft-mask fix for images did. */
#define S_PAGE_ZLEVEL 3

/* libharu drops a /Filter key from a dictionary whose stream it does not
 * filter itself; its write hook adds ours after the other keys. */
static HPDF_STATUS S_write_flate_key(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

static void S_compress_pages(tm_pdf *p)
{
    unsigned char *out = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < p->pages.len; i++) {
        HPDF_Dict page = p->pages.items[i];
        HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
        HPDF_Dict contents = attr ? attr->contents : NULL;
        if (!contents || !contents->stream || contents->filter != HPDF_STREAM_FILTER_FLATE_DECODE)
            continue;
        HPDF_Stream st = contents->stream;
        size_t size = HPDF_Stream_Size(st);
        size_t need = compressBound((uLong)size) + 64;
        if (need > cap) {
            cap = need;
            out = tm_xrealloc(out, cap);
        }
        z_stream z;
        memset(&z, 0, sizeof z);
        if (deflateInit(&z, S_PAGE_ZLEVEL) != Z_OK)
            continue;
        z.next_out = out;
        z.avail_out = (uInt)cap;
        HPDF_UINT bufs = HPDF_MemStream_GetBufCount(st);
        int rc = Z_OK;
        for (HPDF_UINT k = 0; k < bufs && rc == Z_OK; k++) {
            HPDF_UINT len = 0;
            HPDF_BYTE *b = HPDF_MemStream_GetBufPtr(st, k, &len);
            z.next_in = b;
            z.avail_in = len;
            rc = deflate(&z, k + 1 == bufs ? Z_FINISH : Z_NO_FLUSH);
            if (rc == Z_OK && z.avail_in)
                rc = Z_BUF_ERROR; /* cannot happen: out holds compressBound */
        }
        if (bufs == 0)
            rc = deflate(&z, Z_FINISH);
        size_t used = cap - z.avail_out;
        deflateEnd(&z);
        if (rc != Z_STREAM_END)
            continue; /* left to libharu */
        /* one buffer of the compressed size (a 64 KB one per page held 180 MB) */
        HPDF_Stream ns = HPDF_MemStream_New(contents->mmgr, (HPDF_UINT)(used ? used : 1));
        if (!ns)
            continue;
        HPDF_Stream_Write(ns, out, (HPDF_UINT)used);
        HPDF_Stream_Free(st);
        contents->stream = ns;
        attr->stream = ns;
        contents->filter = HPDF_STREAM_FILTER_NONE; /* written as it is */
        contents->write_fn = S_write_flate_key;
    }
    free(out);
}

static int S_render_pdf(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    tm_pdf *p = tm_xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->ar = tm_arena_new();
    p->d = d;
    int paper_letter = o && o->paper == TM_PAPER_LETTER;
    p->pw = paper_letter ? 612 : 595.276f;
    p->ph = paper_letter ? 792 : 841.89f;
    tm_node *data = tm_report_data(a, o, p->ar);
    struct tm_pdf_links links = {tm_map_new(256), tm_map_new(256), {0}};
    p->links = &links;
    volatile int rc = -1;
    p->doc = HPDF_New(S_on_error, p);
    if (!p->doc) {
        tm_diag_add(d, TM_DIAG_ERROR, "pdf", NULL, 0, 0, "pdf: libharu could not start");
        goto done;
    }
    if (setjmp(p->jb) != 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "pdf", NULL, 0, 0, "pdf: libharu error 0x%04lX (detail %lu)",
                    p->err, p->detail);
        goto done;
    }
    if (S_build(p, a, o, data) != 0)
        goto done;
    S_compress_pages(p);
    HPDF_SaveToStream(p->doc);
    HPDF_UINT32 size = HPDF_GetStreamSize(p->doc), left = size;
    /* copied out in pieces (never reading past the end, which libharu
     * reports as an error), so the document is not held twice more */
    unsigned char *piece = tm_arena_alloc(p->ar, S_COPY_PIECE);
    int copied = 0;
    while (left > 0 && copied == 0) {
        HPDF_UINT32 got = left < S_COPY_PIECE ? left : S_COPY_PIECE, want = got;
        HPDF_ReadFromStream(p->doc, piece, &got);
        copied = got != want || tm_buf_put(out, (const char *)piece, got) != 0 ? -1 : 0;
        left -= got;
    }
    if (copied != 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "pdf: the report (%lu bytes) could not be copied out", (unsigned long)size);
        goto done;
    }
    if (p->n_missing)
        tm_diag_add(d, TM_DIAG_WARNING, "pdf-glyphs", NULL, 0, 0,
                    "pdf: %zu distinct character%s the font lacks (first U+%04X) shown as %s",
                    p->n_missing, p->n_missing == 1 ? "" : "s", (unsigned)p->first_missing,
                    p->replacement);
    rc = 0;
done:
    if (p->doc)
        HPDF_Free(p->doc);
    tm_vec_free(&p->pages);
    tm_vec_free(&p->page_section);
    tm_map_free(links.dests);
    tm_map_free(links.spots);
    tm_vec_free(&links.pending);
    free(p->covered);
    free(p->missing);
    tm_arena_free(p->ar);
    free(p);
    return rc;
}

int tm_render_pdf(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    if (o)
        return S_render_pdf(a, o, out, d);
    tm_render_opts local; /* a cache of this call's own */
    memset(&local, 0, sizeof local);
    int rc = S_render_pdf(a, &local, out, d);
    tm_render_cache_free(&local);
    return rc;
}
