/*
 * The data-flow diagram as a graph: Graphviz DOT text (dfd.dot) and the
 * cgraph graph that image.c lays out.
 *
 * The diagram is first built as a small, plain description (clusters, nodes,
 * edges, each with an ordered attribute list) in model order. Both outputs
 * are produced from it: the DOT writer below, and tm_dfd_agraph, which feeds
 * it to cgraph. We do not use agwrite for the DOT text because cgraph orders
 * named subgraphs by the address of their interned name, so its output could
 * change from run to run; ours is the same bytes for the same model.
 *
 * Every string from the model goes into an HTML-like label, escaped by
 * S_html; node and cluster names are generated (e12, cluster_b3), so no model
 * text ever becomes a DOT id, an SVG <title> or an SVG comment.
 *
 * Conventions (Microsoft TMT / Threat Dragon): external entities are
 * rectangles, processes rounded boxes, data stores open-ended boxes (top and
 * bottom lines only), trust boundaries dashed labelled clusters, nested as in
 * the model. Elements and flows are coloured by their highest open severity
 * with a colour-blind-safe palette and carry the severity as text ("[H]") so
 * the diagram still reads in black and white.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "render/dfd.h"

/* ------------------------------------------------------------ settings */

#define S_FONT "DejaVu Sans"
#define S_DEFAULT_SPLIT 150 /* elements above which the DFD is split */
#define S_WRAP_NAME 24      /* code points per line in element names */
#define S_WRAP_FLOW 30      /* ... in flow names */
#define S_MAX_AGG_NUMBERS 6 /* flow numbers listed on an aggregated edge */
#define S_MAX_RANKED_KIDS 40 /* overview: above this many boundaries, flows do not rank */
#ifndef S_GRID_MIN
#define S_GRID_MIN 12 /* more sibling nodes than this on one rank are drawn as a grid */
#endif
/* Code points of model text in one label (names, types, protocols): the
 * rest is cut with an ellipsis (S_html). */
#ifndef TM_DFD_MAX_LABEL
#define TM_DFD_MAX_LABEL 80
#endif
#define S_MAX_TITLE_THREATS 8 /* open threats listed in a node's or edge's tooltip */
/* Virtual nodes (ranks spanned by the flows that rank) above which a part's
 * flows stop ranking: S_MAX_SPAN plus S_MAX_SPAN_PER_NODE per node. */
#ifndef S_MAX_SPAN
#define S_MAX_SPAN 1000
#endif
#define S_MAX_SPAN_PER_NODE 10
#define S_GRID_NODESEP "0.5" /* spacing in a part with grids, for the labels at grid ends */
#define S_GRID_RANKSEP "1.0"

/* Severity palette: Okabe-Ito blue, orange and vermillion, and Paul Tol's
 * wine for critical; all four stay distinct under the common colour-vision
 * deficiencies. Fills are light tints of the same hues. */
static const char *const S_sev_pen[TM_SEV_COUNT] = {"#555555", "#0072B2", "#E69F00", "#D55E00",
                                                    "#882255"};
static const char *const S_sev_fill[TM_SEV_COUNT] = {"#FFFFFF", "#E1EEF7", "#FDF0D5", "#F9DDCC",
                                                     "#EED3E0"};
/* Text in the severity colours: medium and high darkened so that small
 * tags keep enough contrast on white. */
static const char *const S_sev_ink[TM_SEV_COUNT] = {"#555555", "#0072B2", "#9A6700", "#B84A00",
                                                    "#882255"};
static const char *const S_sev_tag[TM_SEV_COUNT] = {"", "[L]", "[M]", "[H]", "[C]"};
static const char *const S_sev_word[TM_SEV_COUNT] = {"no open threats", "low", "medium", "high",
                                                     "critical"};

#define S_OOS_FILL "#EEEEEE"
#define S_OOS_TEXT "#888888"
#define S_BOUNDARY_PEN "#444444"
#define S_CAPTION "#555555"
/* Attack paths (threats.json paths): Okabe-Ito reddish purple, drawn wide. */
#define S_PATH_PEN "#CC79A7"

/* What a part uses, for the legend (which lists only these). */
enum {
    U_EXTERNAL = 1u << 0,
    U_PROCESS = 1u << 1,
    U_STORE = 1u << 2,
    U_OOS = 1u << 3,
    U_BOUNDARY = 1u << 4,
    U_UNAUTH = 1u << 5,
    U_UNENC = 1u << 6,
    U_CROSS = 1u << 7,
    U_TRIGGER = 1u << 8,
    U_IMPLICIT = 1u << 9,
    U_COLLAPSED = 1u << 10,
    U_AGGREGATE = 1u << 11,
    U_BIDIR = 1u << 12,
    U_PATH = 1u << 13, /* a flow of an attack path */
    U_SEV0 = 1u << 16 /* U_SEV0 << severity */
};

/* ---------------------------------------------------- the description */

typedef struct S_attr {
    const char *key, *val;
    bool html; /* val is an HTML-like label body (written <...>) */
    struct S_attr *next;
} S_attr;

typedef struct {
    S_attr *first, *last;
} S_attrs;

/* Every object has a generated id (gid): a node's or cluster's name, or
 * "edgeN" for the N-th edge of its part. It becomes the object's `id` in
 * the cgraph graph (not in the DOT text), so the drawing recorded from the
 * layout (image.c) knows which object drew what; a gid with a link says
 * what the object stands for (tm_dfd_link). */
typedef struct S_gnode {
    const char *name;
    S_attrs at;
    bool pinned; /* never moved into a grid (implicit entry points sit by their element) */
    const tm_dfd_link *link;
    struct S_gnode *next;
} S_gnode;

typedef struct S_clus {
    const char *name;
    S_attrs at;
    const tm_dfd_link *link;
    S_gnode *nodes, *nodes_last;
    struct S_clus *kids, *kids_last, *next;
} S_clus;

typedef struct S_gedge {
    const char *tail, *head;
    const char *gid;
    S_attrs at;
    const tm_dfd_link *link;
    struct S_gedge *next;
} S_gedge;

typedef struct {
    const char *stem;
    const char *title; /* plain text: the system and what this diagram shows */
    size_t n_element_nodes;
    S_attrs gat, nat, eat; /* graph, node and edge defaults */
    S_clus root;
    S_gedge *edges, *edges_last;
    size_t n_edges;
    tm_map *links; /* gid -> tm_dfd_link */
} S_part;

struct tm_dfd {
    tm_arena *ar;
    S_part **parts;
    size_t n;
};

static void S_set(tm_arena *ar, S_attrs *as, const char *key, const char *val, bool html)
{
    S_attr *a = tm_arena_alloc(ar, sizeof *a);
    a->key = key;
    a->val = val;
    a->html = html;
    if (as->last)
        as->last->next = a;
    else
        as->first = a;
    as->last = a;
}

static S_gnode *S_node(tm_arena *ar, S_clus *c, const char *name)
{
    S_gnode *n = tm_arena_alloc(ar, sizeof *n);
    n->name = name;
    if (c->nodes_last)
        c->nodes_last->next = n;
    else
        c->nodes = n;
    c->nodes_last = n;
    return n;
}

static S_clus *S_cluster(tm_arena *ar, S_clus *parent, const char *name)
{
    S_clus *c = tm_arena_alloc(ar, sizeof *c);
    c->name = name;
    if (parent->kids_last)
        parent->kids_last->next = c;
    else
        parent->kids = c;
    parent->kids_last = c;
    return c;
}

static S_gedge *S_edge(tm_arena *ar, S_part *p, const char *tail, const char *head)
{
    S_gedge *e = tm_arena_alloc(ar, sizeof *e);
    e->tail = tail;
    e->head = head;
    e->gid = tm_arena_printf(ar, "edge%zu", p->n_edges++);
    if (p->edges_last)
        p->edges_last->next = e;
    else
        p->edges = e;
    p->edges_last = e;
    return e;
}

/* ------------------------------------------------------------ escaping */

/* Append model text for an HTML-like label: markup characters become
 * entities, control characters (C0, DEL, C1) and the non-characters U+FFFE
 * and U+FFFF are dropped (they are not allowed in SVG's XML). With wrap > 0,
 * lines are broken at a space after about `wrap` code points. Newlines in
 * the text become line breaks. Text past TM_DFD_MAX_LABEL code points is
 * cut with an ellipsis: a diagram label is a pointer into the reports,
 * which keep the whole text, and Graphviz's text measurement (Pango) and
 * layout slow down with each code point (a 10 MB name took seconds and
 * made Pango fail its own assertions). Models are validated UTF-8. */
static void S_html(tm_buf *b, const char *s, size_t wrap)
{
    size_t col = 0, total = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c & 0xC0) != 0x80 && total++ == TM_DFD_MAX_LABEL) {
            tm_buf_puts(b, "\xE2\x80\xA6");
            return;
        }
        if (c == '\n' || (c == ' ' && wrap && col >= wrap)) {
            tm_buf_puts(b, "<BR/>");
            col = 0;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            continue;
        if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) { /* C1 control */
            p++;
            continue;
        }
        if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
            p += 2;
            continue;
        }
        switch (c) {
        case '&': tm_buf_puts(b, "&amp;"); break;
        case '<': tm_buf_puts(b, "&lt;"); break;
        case '>': tm_buf_puts(b, "&gt;"); break;
        case '"': tm_buf_puts(b, "&quot;"); break;
        case '\'': tm_buf_puts(b, "&#39;"); break;
        case ']': tm_buf_puts(b, "&#93;"); break;
        case '[': tm_buf_puts(b, "&#91;"); break;
        default: tm_buf_putc(b, (char)c); break;
        }
        if ((c & 0xC0) != 0x80) /* count code points, not bytes */
            col++;
    }
}

/* Append model text as plain text for a tooltip (an SVG <title>): at most
 * max code points, then an ellipsis; control characters and newlines
 * become spaces. The SVG writer escapes it. */
static void S_plain(tm_buf *b, const char *s, size_t max)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        unsigned char c = *p;
        if ((c & 0xC0) != 0x80 && n++ == max) {
            tm_buf_puts(b, "\xE2\x80\xA6");
            return;
        }
        if (c < 0x20 || c == 0x7f)
            c = ' ';
        else if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            p++;
            c = ' ';
        }
        tm_buf_putc(b, (char)c);
    }
}

/* A DOT double-quoted string: only '"' and '\\' need care (a backslash
 * before a newline would join lines, before other characters it is an
 * escape in label-like attributes). Only our own constants go here. */
static void S_quoted(tm_buf *b, const char *s)
{
    tm_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            tm_buf_putc(b, '\\');
        if (*p != '\n' && *p != '\r')
            tm_buf_putc(b, *p);
    }
    tm_buf_putc(b, '"');
}

/* ------------------------------------------------------------- builder */

typedef struct {
    tm_arena *ar;
    const tm_analysis *a;
    const tm_render_opts *o;
    S_part *p;
    S_clus **bclus;    /* per boundary index: its cluster in this part, or NULL */
    bool *included;    /* per element index: drawn in this part */
    unsigned used;     /* U_* flags for the legend */
    /* Attack paths: per flow index, 1 when a path uses the flow; with
     * --dfd-path, the one path drawn and the elements and flows it uses. */
    unsigned char *path_flow;
    const tm_path *only_path;
    unsigned char *path_el;
    tm_buf t;          /* scratch for labels */
} S_ctx;

static const char *S_take(S_ctx *c)
{
    const char *s = tm_arena_strdup(c->ar, c->t.data ? c->t.data : "");
    tm_buf_reset(&c->t);
    return s;
}

static const char *S_elname(S_ctx *c, size_t i)
{
    return tm_arena_printf(c->ar, "e%zu", i);
}

/* -------------------------------------------------------------- links */

/* What gid stands for in this part: its key, its section in the reports
 * (tm_report_anchor) and its tooltip, filled in by the caller. */
static tm_dfd_link *S_link(S_ctx *c, const char *gid, tm_dfd_link_kind kind, size_t index,
                           const char *kind_name, const char *id, bool threats)
{
    tm_dfd_link *l = tm_arena_alloc(c->ar, sizeof *l);
    l->kind = kind;
    l->index = index;
    l->key = tm_arena_printf(c->ar, "%s:%s", kind_name, id);
    l->anchor = tm_report_anchor(c->ar, kind_name, id, threats);
    tm_map_put(c->p->links, gid, l);
    return l;
}

/* The tooltip's threat lines: the count, then the open threats (at most
 * S_MAX_TITLE_THREATS, worst first as the engine orders them per target). */
static void S_title_threats(tm_buf *b, const tm_threat *const *th, size_t n, tm_severity worst)
{
    size_t open = 0;
    for (size_t k = 0; k < n; k++)
        open += tm_status_is_open(th[k]->status) != 0;
    if (n == 0) {
        tm_buf_puts(b, "\nno threats found");
        return;
    }
    tm_buf_printf(b, "\n%zu open threat%s", open, open == 1 ? "" : "s");
    if (open)
        tm_buf_printf(b, " (highest: %s)", S_sev_word[worst]);
    if (n > open)
        tm_buf_printf(b, ", %zu decided", n - open);
    size_t listed = 0;
    for (size_t k = 0; k < n; k++) {
        if (!tm_status_is_open(th[k]->status))
            continue;
        if (listed++ == S_MAX_TITLE_THREATS) {
            tm_buf_printf(b, "\n\xE2\x80\xA6 and %zu more", open - S_MAX_TITLE_THREATS);
            break;
        }
        tm_buf_printf(b, "\n%s ", S_sev_tag[th[k]->severity][0] ? S_sev_tag[th[k]->severity] : "-");
        S_plain(b, th[k]->title ? th[k]->title : th[k]->id, TM_DFD_MAX_LABEL);
    }
}

static const char *S_type_caption(const tm_element_info *ei);

/* An element's node: "Orders function (AWS Lambda)", then its threats. */
static const tm_dfd_link *S_link_element(S_ctx *c, const char *gid, size_t i, bool home)
{
    const tm_element_info *ei = &c->a->elements[i];
    tm_dfd_link *l = S_link(c, gid, TM_DFD_LINK_ELEMENT, i, "element", ei->el->id,
                            ei->n_threats > 0);
    l->home = home;
    S_plain(&c->t, ei->el->name, TM_DFD_MAX_LABEL);
    const char *cap = S_type_caption(ei);
    if (cap) {
        tm_buf_puts(&c->t, " (");
        S_plain(&c->t, cap, TM_DFD_MAX_LABEL);
        tm_buf_putc(&c->t, ')');
    }
    if (ei->el->out_of_scope)
        tm_buf_puts(&c->t, ", out of scope");
    S_title_threats(&c->t, ei->threats, ei->n_threats, ei->max_open);
    l->title = S_take(c);
    return l;
}

/* A flow's edge: "#3 POST /orders: Browser -> API (https)", then its threats. */
static const tm_dfd_link *S_link_flow(S_ctx *c, const char *gid, size_t i)
{
    const tm_flow_info *fi = &c->a->flows[i];
    const tm_flow *f = fi->flow;
    tm_dfd_link *l = S_link(c, gid, TM_DFD_LINK_FLOW, i, "flow", f->id, fi->n_threats > 0);
    l->home = true;
    tm_buf_printf(&c->t, "#%u ", fi->number);
    if (f->name && *f->name) {
        S_plain(&c->t, f->name, TM_DFD_MAX_LABEL);
        tm_buf_puts(&c->t, ": ");
    }
    S_plain(&c->t, f->from->name, TM_DFD_MAX_LABEL);
    tm_buf_puts(&c->t, " \xE2\x86\x92 ");
    S_plain(&c->t, f->to->name, TM_DFD_MAX_LABEL);
    if (f->protocol && *f->protocol) {
        tm_buf_puts(&c->t, " (");
        S_plain(&c->t, f->protocol, TM_DFD_MAX_LABEL);
        tm_buf_putc(&c->t, ')');
    }
    S_title_threats(&c->t, fi->threats, fi->n_threats, fi->max_open);
    l->title = S_take(c);
    return l;
}

/* A boundary's cluster, or its collapsed node (part: the stem of the
 * diagram that shows its inside). */
static const tm_dfd_link *S_link_boundary(S_ctx *c, const char *gid, const tm_boundary *b,
                                          const char *part)
{
    const tm_boundary_info *bi = &c->a->boundaries[b->index];
    tm_dfd_link *l = S_link(c, gid, TM_DFD_LINK_BOUNDARY, b->index, "boundary", b->id,
                            bi->n_threats > 0);
    l->home = part == NULL;
    l->part = part;
    tm_buf_puts(&c->t, "Trust boundary ");
    S_plain(&c->t, b->name, TM_DFD_MAX_LABEL);
    if (b->type && *b->type) {
        tm_buf_puts(&c->t, " (");
        S_plain(&c->t, b->type, TM_DFD_MAX_LABEL);
        tm_buf_putc(&c->t, ')');
    }
    tm_buf_printf(&c->t, "\n%zu element%s, %zu flows in, %zu out", bi->n_members,
                  bi->n_members == 1 ? "" : "s", bi->n_inbound, bi->n_outbound);
    if (part)
        tm_buf_printf(&c->t, "\ndrawn in %s", part);
    S_title_threats(&c->t, bi->threats, bi->n_threats, bi->max_open);
    l->title = S_take(c);
    return l;
}

/* The caption under an element's name: the catalogue label of cloud types
 * ("AWS Lambda"), the type string for types the catalogue does not know. */
static const char *S_type_caption(const tm_element_info *ei)
{
    if (ei->type)
        return ei->type->provider && *ei->type->provider ? ei->type->label : NULL;
    return ei->el->type && *ei->el->type ? ei->el->type : NULL;
}

static void S_caption(tm_buf *b, const char *text, const char *colour, bool italic)
{
    tm_buf_printf(b, "<BR/><FONT POINT-SIZE=\"8\" COLOR=\"%s\">", colour);
    if (italic)
        tm_buf_puts(b, "<I>");
    S_html(b, text, S_WRAP_NAME + 6);
    if (italic)
        tm_buf_puts(b, "</I>");
    tm_buf_puts(b, "</FONT>");
}

static void S_sev_text(tm_buf *b, tm_severity s)
{
    if (s != TM_SEV_NONE)
        tm_buf_printf(b, " <FONT COLOR=\"%s\"><B>%s</B></FONT>", S_sev_ink[s], S_sev_tag[s]);
}

/* The cluster for boundary b in this part (and its ancestors), created on
 * first use so that a part shows only the boundaries it draws. */
static S_clus *S_boundary_cluster(S_ctx *c, const tm_boundary *b)
{
    if (!b)
        return &c->p->root;
    if (c->bclus[b->index])
        return c->bclus[b->index];
    S_clus *parent = S_boundary_cluster(c, b->parent);
    S_clus *cl = S_cluster(c->ar, parent, tm_arena_printf(c->ar, "cluster_b%zu", b->index));
    const tm_boundary_info *bi = &c->a->boundaries[b->index];
    tm_buf_puts(&c->t, "<B>");
    S_html(&c->t, b->name, 0);
    tm_buf_puts(&c->t, "</B>");
    S_sev_text(&c->t, bi->max_open);
    if (b->type && *b->type)
        S_caption(&c->t, b->type, S_CAPTION, false);
    S_set(c->ar, &cl->at, "label", S_take(c), true);
    S_set(c->ar, &cl->at, "labeljust", "l", false);
    S_set(c->ar, &cl->at, "style", "dashed,rounded", false);
    S_set(c->ar, &cl->at, "color", S_BOUNDARY_PEN, false);
    S_set(c->ar, &cl->at, "penwidth", "1.5", false);
    S_set(c->ar, &cl->at, "fontname", S_FONT, false);
    S_set(c->ar, &cl->at, "fontsize", "11", false);
    S_set(c->ar, &cl->at, "margin", "12", false);
    cl->link = S_link_boundary(c, cl->name, b, NULL);
    c->bclus[b->index] = cl;
    c->used |= U_BOUNDARY;
    return cl;
}

/* Element i's node; home: in its own boundary's diagram (not as the
 * outside end of another boundary's flows). */
static void S_element_node(S_ctx *c, size_t i, bool home)
{
    const tm_element_info *ei = &c->a->elements[i];
    const tm_element *e = ei->el;
    S_clus *cl = S_boundary_cluster(c, e->boundary);
    S_gnode *n = S_node(c->ar, cl, S_elname(c, i));
    n->link = S_link_element(c, n->name, i, home);
    c->p->n_element_nodes++;
    bool oos = e->out_of_scope;
    tm_severity sev = ei->max_open;
    const char *pen = oos ? S_OOS_TEXT : S_sev_pen[sev];
    const char *fill = oos ? S_OOS_FILL : S_sev_fill[sev];
    const char *penwidth = oos ? "1" : sev >= TM_SEV_HIGH ? "2.2" : sev != TM_SEV_NONE ? "1.6" : "1";
    c->used |= oos ? U_OOS : U_SEV0 << sev;

    /* the label body: name, severity, type caption, scope caption */
    tm_buf body;
    tm_buf_init(&body, 0);
    tm_buf_puts(&body, "<B>");
    S_html(&body, e->name, S_WRAP_NAME);
    tm_buf_puts(&body, "</B>");
    if (!oos)
        S_sev_text(&body, sev);
    const char *cap = S_type_caption(ei);
    if (cap)
        S_caption(&body, cap, oos ? S_OOS_TEXT : S_CAPTION, false);
    if (oos)
        S_caption(&body, "out of scope", S_OOS_TEXT, true);

    if (e->kind == TM_KIND_STORE) {
        /* An open-ended store: a one-cell table with only its top and
         * bottom borders drawn. */
        c->used |= U_STORE;
        tm_buf_printf(&c->t,
                      "<TABLE BORDER=\"0\" CELLBORDER=\"%s\" CELLSPACING=\"0\" CELLPADDING=\"6\">"
                      "<TR><TD SIDES=\"TB\" BGCOLOR=\"%s\" COLOR=\"%s\"%s>%s</TD></TR></TABLE>",
                      sev >= TM_SEV_HIGH && !oos ? "2" : "1", fill, pen,
                      oos ? " STYLE=\"dotted\"" : "", body.data ? body.data : "");
        S_set(c->ar, &n->at, "shape", "plain", false);
        S_set(c->ar, &n->at, "label", S_take(c), true);
        if (oos)
            S_set(c->ar, &n->at, "fontcolor", S_OOS_TEXT, false);
    } else {
        bool process = e->kind == TM_KIND_PROCESS;
        c->used |= process ? U_PROCESS : U_EXTERNAL;
        S_set(c->ar, &n->at, "shape", "box", false);
        S_set(c->ar, &n->at, "style",
              process ? (oos ? "rounded,filled,dotted" : "rounded,filled")
                      : (oos ? "filled,dotted" : "filled"),
              false);
        S_set(c->ar, &n->at, "label", tm_arena_strdup(c->ar, body.data ? body.data : ""), true);
        S_set(c->ar, &n->at, "color", pen, false);
        S_set(c->ar, &n->at, "fillcolor", fill, false);
        S_set(c->ar, &n->at, "penwidth", penwidth, false);
        if (oos)
            S_set(c->ar, &n->at, "fontcolor", S_OOS_TEXT, false);
        if (process)
            S_set(c->ar, &n->at, "margin", "0.15,0.08", false);
    }
    tm_buf_free(&body);

    /* --dfd-implicit: the management plane's entry points, as small grey
     * external nodes with dotted edges into the element. */
    if (c->o && c->o->dfd_implicit) {
        for (size_t k = 0; k < ei->n_entry_points; k++) {
            const char *name = tm_arena_printf(c->ar, "e%zu_ep%zu", i, k);
            S_gnode *ep = S_node(c->ar, &c->p->root, name);
            ep->pinned = true;
            tm_buf_printf(&c->t, "<FONT POINT-SIZE=\"8\" COLOR=\"%s\">", S_CAPTION);
            S_html(&c->t, ei->entry_points[k], S_WRAP_NAME);
            tm_buf_puts(&c->t, "</FONT>");
            S_set(c->ar, &ep->at, "shape", "box", false);
            S_set(c->ar, &ep->at, "style", "filled,dotted", false);
            S_set(c->ar, &ep->at, "label", S_take(c), true);
            S_set(c->ar, &ep->at, "color", "#999999", false);
            S_set(c->ar, &ep->at, "fillcolor", "#F4F4F4", false);
            S_set(c->ar, &ep->at, "height", "0.3", false);
            S_set(c->ar, &ep->at, "margin", "0.06,0.03", false);
            S_gedge *ed = S_edge(c->ar, c->p, name, n->name);
            S_set(c->ar, &ed->at, "style", "dotted", false);
            S_set(c->ar, &ed->at, "color", "#999999", false);
            S_set(c->ar, &ed->at, "arrowsize", "0.6", false);
            c->used |= U_IMPLICIT;
        }
    }
}

/* The STRIDE letters of a flow's open threats, in S T R I D E order. */
static unsigned S_open_stride(const tm_flow_info *fi)
{
    unsigned bits = 0;
    for (size_t k = 0; k < fi->n_threats; k++)
        if (tm_status_is_open(fi->threats[k]->status))
            bits |= fi->threats[k]->stride;
    return bits;
}

/* Line style and arrows shared by single and aggregated flows:
 * dashed = not proven authenticated, hollow arrowhead = not proven
 * encrypted, thick with a ring at the source = crosses a trust boundary. */
static void S_flow_style(S_ctx *c, S_gedge *ed, tm_severity sev, bool unauth, bool unenc,
                         bool crossing, bool bidir)
{
    const char *head = unenc ? "empty" : "normal";
    S_set(c->ar, &ed->at, "color", S_sev_pen[sev], false);
    S_set(c->ar, &ed->at, "penwidth", crossing ? "2.6" : "1.2", false);
    if (unauth)
        S_set(c->ar, &ed->at, "style", "dashed", false);
    S_set(c->ar, &ed->at, "arrowhead", head, false);
    if (crossing || bidir) {
        S_set(c->ar, &ed->at, "dir", "both", false);
        S_set(c->ar, &ed->at, "arrowtail",
              tm_arena_printf(c->ar, "%s%s", bidir ? head : "", crossing ? "odot" : ""), false);
    }
    c->used |= U_SEV0 << sev;
    if (unauth)
        c->used |= U_UNAUTH;
    if (unenc)
        c->used |= U_UNENC;
    if (crossing)
        c->used |= U_CROSS;
    if (bidir)
        c->used |= U_BIDIR;
}

/* A flow of an attack path: drawn in the path colour (its severity stays in
 * its label, its width says whether it crosses a boundary). */
static void S_path_style(S_ctx *c, S_gedge *ed, size_t flow)
{
    if (!c->path_flow || !c->path_flow[flow])
        return;
    int color = 0;
    for (S_attr *a = ed->at.first; a; a = a->next)
        if (strcmp(a->key, "color") == 0) {
            a->val = S_PATH_PEN;
            color = 1;
        }
    if (!color)
        S_set(c->ar, &ed->at, "color", S_PATH_PEN, false);
    c->used |= U_PATH;
}

/* Flow i as an edge from node `tail` to node `head` (its two elements, or
 * the collapsed boundaries that stand for them). */
static void S_flow_edge_to(S_ctx *c, size_t i, const char *tail, const char *head)
{
    const tm_flow_info *fi = &c->a->flows[i];
    const tm_flow *f = fi->flow;
    S_gedge *ed = S_edge(c->ar, c->p, tail, head);
    bool unauth = f->authenticated != TM_TRI_TRUE;
    bool unenc = f->encrypted != TM_TRI_TRUE;

    /* "3 POST /orders" / "https · TID [H]" / "unencrypted · ⚡ trigger" */
    tm_buf_printf(&c->t, "<B>%u</B>", fi->number);
    if (f->name && *f->name) {
        tm_buf_putc(&c->t, ' ');
        S_html(&c->t, f->name, S_WRAP_FLOW);
    }
    unsigned bits = S_open_stride(fi);
    bool line2 = (f->protocol && *f->protocol) || bits || fi->max_open != TM_SEV_NONE;
    if (line2) {
        tm_buf_puts(&c->t, "<BR/>");
        if (f->protocol && *f->protocol)
            S_html(&c->t, f->protocol, 0);
        if (bits) {
            if (f->protocol && *f->protocol)
                tm_buf_puts(&c->t, " \xC2\xB7 ");
            for (int k = 0; k < 6; k++)
                if (bits & (1u << k))
                    tm_buf_putc(&c->t, TM_STRIDE_LETTERS[k]);
        }
        S_sev_text(&c->t, fi->max_open);
    }
    if (unenc || f->trigger) {
        tm_buf_printf(&c->t, "<BR/><FONT POINT-SIZE=\"8\" COLOR=\"%s\"><I>", S_CAPTION);
        if (unenc)
            tm_buf_puts(&c->t, f->encrypted == TM_TRI_FALSE ? "unencrypted" : "encryption unstated");
        if (f->trigger)
            tm_buf_puts(&c->t, unenc ? " \xC2\xB7 \xE2\x9A\xA1 trigger" : "\xE2\x9A\xA1 trigger");
        tm_buf_puts(&c->t, "</I></FONT>");
        if (f->trigger)
            c->used |= U_TRIGGER;
    }
    S_set(c->ar, &ed->at, "label", S_take(c), true);
    S_flow_style(c, ed, fi->max_open, unauth, unenc, fi->n_crosses > 0, f->bidirectional);
    S_path_style(c, ed, i);
    ed->link = S_link_flow(c, ed->gid, i);
}

static void S_flow_edge(S_ctx *c, size_t i)
{
    const tm_flow *f = c->a->flows[i].flow;
    S_flow_edge_to(c, i, S_elname(c, f->from->index), S_elname(c, f->to->index));
}

/* Aggregated edges: all flows from one node to another drawn as one edge
 * with their count (a single flow keeps its full label). */
typedef struct {
    const char *tail, *head;
    const tm_boundary *via; /* the collapsed boundary at one end, or NULL */
    size_t count, first;
    tm_severity sev;
    bool unauth, unenc, bidir;
    unsigned numbers[S_MAX_AGG_NUMBERS];
} S_agg;

typedef struct {
    tm_map *by_key;
    tm_vec list;
} S_aggset;

static void S_agg_add(S_ctx *c, S_aggset *set, const char *t, const char *h, size_t flow,
                      const tm_boundary *via)
{
    const tm_flow_info *fi = &c->a->flows[flow];
    const tm_flow *f = fi->flow;
    const char *key = tm_arena_printf(c->ar, "%s>%s", t, h);
    S_agg *g = tm_map_get(set->by_key, key);
    if (!g) {
        g = tm_arena_alloc(c->ar, sizeof *g);
        g->tail = t;
        g->head = h;
        g->first = flow;
        g->via = via;
        tm_map_put(set->by_key, key, g);
        tm_vec_push(&set->list, g);
    }
    if (g->count < S_MAX_AGG_NUMBERS)
        g->numbers[g->count] = fi->number;
    g->count++;
    if (fi->max_open > g->sev)
        g->sev = fi->max_open;
    g->unauth |= f->authenticated != TM_TRI_TRUE;
    g->unenc |= f->encrypted != TM_TRI_TRUE;
    g->bidir |= f->bidirectional;
}

/* Emit the aggregated edges in first-seen order and free the set. */
static void S_agg_emit(S_ctx *c, S_aggset *set)
{
    for (size_t k = 0; k < set->list.len; k++) {
        S_agg *g = set->list.items[k];
        if (g->count == 1) {
            S_flow_edge_to(c, g->first, g->tail, g->head);
            continue;
        }
        S_gedge *ed = S_edge(c->ar, c->p, g->tail, g->head);
        tm_buf_printf(&c->t, "<B>%zu flows</B>", g->count);
        S_sev_text(&c->t, g->sev);
        tm_buf_puts(&c->t, "<BR/>");
        for (size_t j = 0; j < g->count && j < S_MAX_AGG_NUMBERS; j++)
            tm_buf_printf(&c->t, "%s%u", j ? ", " : "", g->numbers[j]);
        if (g->count > S_MAX_AGG_NUMBERS)
            tm_buf_puts(&c->t, ", \xE2\x80\xA6");
        S_set(c->ar, &ed->at, "label", S_take(c), true);
        S_flow_style(c, ed, g->sev, g->unauth, g->unenc, true, g->bidir);
        c->used |= U_AGGREGATE;
        /* the link: the collapsed boundary's crossings, which list them */
        const tm_flow *first = c->a->flows[g->first].flow;
        tm_dfd_link *l =
            g->via ? S_link(c, ed->gid, TM_DFD_LINK_FLOWS, g->via->index, "boundary", g->via->id,
                            c->a->boundaries[g->via->index].n_threats > 0)
                   : S_link(c, ed->gid, TM_DFD_LINK_FLOWS, g->first, "flow", first->id,
                            c->a->flows[g->first].n_threats > 0);
        tm_buf_printf(&c->t, "%zu flows", g->count);
        if (g->sev != TM_SEV_NONE)
            tm_buf_printf(&c->t, ", highest open threat: %s", S_sev_word[g->sev]);
        tm_buf_puts(&c->t, "\nflows ");
        for (size_t j = 0; j < g->count && j < S_MAX_AGG_NUMBERS; j++)
            tm_buf_printf(&c->t, "%s#%u", j ? ", " : "", g->numbers[j]);
        if (g->count > S_MAX_AGG_NUMBERS)
            tm_buf_puts(&c->t, ", \xE2\x80\xA6");
        if (g->via) {
            tm_buf_puts(&c->t, "\nlisted with the crossings of ");
            S_plain(&c->t, g->via->name, TM_DFD_MAX_LABEL);
        }
        l->title = S_take(c);
    }
    tm_vec_free(&set->list);
    tm_map_free(set->by_key);
}

/* ----------------------------------------------------------- the legend */

static void S_legend_row(tm_buf *b, const char *sample, const char *text)
{
    tm_buf_printf(b, "<TR><TD ALIGN=\"CENTER\">%s</TD><TD ALIGN=\"LEFT\">%s</TD></TR>", sample,
                  text);
}

static void S_legend(S_ctx *c)
{
    unsigned u = c->used;
    tm_buf *b = &c->t;
    tm_buf_puts(b, "<TABLE BORDER=\"1\" COLOR=\"#999999\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
                   "CELLPADDING=\"2\">"
                   "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><B>Legend</B></TD></TR>");
    if (u & U_EXTERNAL)
        S_legend_row(b, "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLPADDING=\"1\"><TR><TD>  "
                        "</TD></TR></TABLE>",
                     "external entity");
    if (u & U_PROCESS)
        S_legend_row(b, "<TABLE BORDER=\"1\" STYLE=\"rounded\" CELLBORDER=\"0\" CELLPADDING=\"1\">"
                        "<TR><TD>  </TD></TR></TABLE>",
                     "process");
    if (u & U_STORE)
        S_legend_row(b, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"1\">"
                        "<TR><TD SIDES=\"TB\">  </TD></TR></TABLE>",
                     "data store");
    if (u & U_COLLAPSED)
        S_legend_row(b, "<TABLE BORDER=\"2\" STYLE=\"rounded,dashed\" CELLBORDER=\"0\" CELLPADDING=\"1\">"
                        "<TR><TD>  </TD></TR></TABLE>",
                     "trust boundary, collapsed (own diagram)");
    if (u & U_BOUNDARY)
        S_legend_row(b, "- - -", "trust boundary");
    if (u & U_OOS)
        S_legend_row(b, "<FONT COLOR=\"" S_OOS_TEXT "\">grey</FONT>", "out of scope");
    if (u & U_IMPLICIT)
        S_legend_row(b, "<FONT COLOR=\"" S_OOS_TEXT "\">\xC2\xB7\xC2\xB7\xC2\xB7&gt;</FONT>",
                     "implicit entry point (management plane)");
    for (int s = TM_SEV_CRITICAL; s >= TM_SEV_NONE; s--)
        if (u & (U_SEV0 << s)) {
            tm_buf_printf(b, "<TR><TD BGCOLOR=\"%s\"><FONT COLOR=\"%s\"><B>%s</B></FONT></TD>"
                             "<TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\">%s</FONT></TD></TR>",
                          S_sev_fill[s], S_sev_ink[s], s ? S_sev_tag[s] : "\xE2\x80\x94",
                          S_sev_ink[s],
                          s ? tm_arena_printf(c->ar, "highest open threat: %s", S_sev_word[s])
                            : S_sev_word[s]);
        }
    if (u & (U_UNAUTH | U_UNENC | U_CROSS | U_TRIGGER | U_BIDIR | U_AGGREGATE | U_PATH))
        tm_buf_puts(b, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><B>Flows</B> (numbered as in every report)"
                       "</TD></TR>");
    if (u & U_UNAUTH)
        S_legend_row(b, "\xE2\x80\x93 \xE2\x80\x93 \xE2\x86\x92", "dashed: not authenticated (or not stated)");
    if (u & U_UNENC)
        S_legend_row(b, "\xE2\x80\x94\xE2\x96\xB7", "hollow head: unencrypted (or not stated)");
    if (u & U_CROSS)
        S_legend_row(b, "\xE2\x97\x8B<B>\xE2\x94\x81\xE2\x94\x81</B>\xE2\x96\xB6",
                     "thick, ring at source: crosses a boundary");
    if (u & U_BIDIR)
        S_legend_row(b, "\xE2\x97\x80\xE2\x80\x94\xE2\x96\xB6", "two-way flow");
    if (u & U_TRIGGER)
        S_legend_row(b, "\xE2\x9A\xA1", "trigger: an event that invokes its target");
    if (u & U_AGGREGATE)
        S_legend_row(b, "n flows", "flows between boundaries, aggregated");
    if (u & U_PATH)
        S_legend_row(b,
                     "<FONT COLOR=\"" S_PATH_PEN
                     "\"><B>\xE2\x94\x81\xE2\x94\x81\xE2\x96\xB6</B></FONT>",
                     c->only_path ? "attack path (dotted: an IAM step)" : "attack path");
    tm_buf_puts(b, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"8\">"
                   "S T R I D E: letters of the open threats</FONT></TD></TR>");
    tm_buf_puts(b, "</TABLE>");
    S_gnode *n = S_node(c->ar, &c->p->root, "legend");
    S_set(c->ar, &n->at, "shape", "plain", false);
    S_set(c->ar, &n->at, "fontsize", "8", false);
    S_set(c->ar, &n->at, "label", S_take(c), true);
}

/* --------------------------------------------------------------- grids */

/* dot puts the nodes of one rank side by side. In a large model that is one
 * endless row: the Internet boundary of a 10,000-element model holds 1,000
 * users that all send to the AWS account, and its diagram was one row
 * 32,767 pixels wide, shrunk to a fifth. S_grid finds such rows (more than
 * S_GRID_MIN sibling nodes of one cluster on one estimated rank) and lays
 * each out as a grid of about sqrt(1.5 n) columns, in model order:
 *
 *  - invisible edges tie each node to the one below it (rows become ranks)
 *    and, with minlen=0, to its right-hand neighbour (a flat edge keeps its
 *    tail left of its head, so the grid reads in model order);
 *  - flows inside one grid, and flows between a grid and a hub (a node
 *    with flows to two or more grid nodes), stop ranking (constraint=false).
 *    Kept, they would pull the rows back onto one rank, or push the hub
 *    past the last row so that each flow crosses every row as a chain of
 *    virtual nodes that widen the rows again (measured on the 1,000 users:
 *    42,000 points wide with the grid, and minutes of layout). Other flows
 *    keep ranking;
 *  - the label of a flow between a grid and a hub moves to its grid end
 *    (taillabel or headlabel): a mid-edge label is a node of its own, as
 *    wide as the text, in a rank the flow crosses, and a hub's labels
 *    would fill one rank side by side again. The part gets more space
 *    between rows and columns for these labels. Flows inside one grid keep
 *    their label in the middle (mostly between neighbours of one row, where
 *    an end label would lie on the neighbour);
 *  - a hub whose flows all stop ranking is tied to the right end of a
 *    middle row of its first grid (the hubs of one grid spread over its
 *    rows), so that its flows cross half the rows, not all;
 *  - a part with hub flows is laid out with concentrate=true (a hub's
 *    flows share one line until they branch; without it every flow is a
 *    separate chain of virtual nodes through the rows it crosses and the
 *    rows widen again) and newrank=true (ranks the graph in one pass;
 *    ranking cluster by cluster took three times as long on the grid).
 *
 * Ranks are estimated by longest path over the flows that rank, ignoring
 * the back edges of a depth-first search in model order (dot reverses
 * those). Everything is walked in model order, so the output is
 * deterministic. */

typedef struct {
    S_gnode *node;
    size_t order;      /* position in the walk (model order) */
    size_t rank;       /* estimated rank */
    size_t grid;       /* 1 + index of its grid, or 0 */
    size_t to_grid;    /* its flows to nodes of a grid other than its own */
    size_t kept, cut;  /* its flows that keep ranking / stop ranking */
    size_t first_grid; /* the grid of its first flow that stops ranking */
} S_gn;

typedef struct {
    S_gn **members; /* in model order */
    size_t n, cols;
} S_gridset;

typedef struct {
    size_t from, to; /* a cluster's direct nodes: all[from..to) */
} S_span;

static bool S_attr_is(const S_attrs *as, const char *key, const char *val)
{
    for (const S_attr *a = as->first; a; a = a->next)
        if (strcmp(a->key, key) == 0)
            return strcmp(a->val, val) == 0;
    return false;
}

static void S_attr_remove(S_attrs *as, const char *key)
{
    S_attr *prev = NULL;
    for (S_attr *a = as->first; a; prev = a, a = a->next)
        if (strcmp(a->key, key) == 0) {
            if (prev)
                prev->next = a->next;
            else
                as->first = a->next;
            if (as->last == a)
                as->last = prev;
            return;
        }
}

/* "a|b" with the names in order: the pair of nodes, either way round. */
static const char *S_pair_key(tm_arena *ar, const char *a, const char *b)
{
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    return tm_arena_printf(ar, "%s|%s", a, b);
}

static S_attr *S_attr_find(const S_attrs *as, const char *key)
{
    for (S_attr *a = as->first; a; a = a->next)
        if (strcmp(a->key, key) == 0)
            return a;
    return NULL;
}

/* Every node of the part, cluster by cluster as the DOT text lists them:
 * a cluster's own nodes are contiguous (one span per cluster). */
static void S_grid_collect(tm_arena *ar, const S_clus *cl, tm_map *by_name, tm_vec *all,
                           tm_vec *spans)
{
    S_span *sp = tm_arena_alloc(ar, sizeof *sp);
    sp->from = all->len;
    for (S_gnode *n = cl->nodes; n; n = n->next) {
        S_gn *g = tm_arena_alloc(ar, sizeof *g);
        g->node = n;
        g->order = all->len;
        tm_vec_push(all, g);
        tm_map_put(by_name, n->name, g);
    }
    sp->to = all->len;
    tm_vec_push(spans, sp);
    for (const S_clus *k = cl->kids; k; k = k->next)
        S_grid_collect(ar, k, by_name, all, spans);
}

/* Longest-path ranks over the edges that rank (see above). */
static void S_grid_ranks(S_part *p, tm_map *by_name, S_gn **all, size_t n)
{
    size_t m = 0;
    for (S_gedge *e = p->edges; e; e = e->next)
        m++;
    size_t *off = tm_xmalloc((n + 1) * sizeof *off), *it = tm_xmalloc((n + 1) * sizeof *it);
    size_t *adj = tm_xmalloc((m ? m : 1) * sizeof *adj);
    size_t *stack = tm_xmalloc((n ? n : 1) * sizeof *stack);
    size_t *post = tm_xmalloc((n ? n : 1) * sizeof *post);
    unsigned char *state = tm_xmalloc(n ? n : 1), *back = tm_xmalloc(m ? m : 1);
    for (size_t i = 0; i <= n; i++)
        off[i] = 0;
    for (S_gedge *e = p->edges; e; e = e->next) {
        S_gn *t = tm_map_get(by_name, e->tail), *h = tm_map_get(by_name, e->head);
        if (t && h && !S_attr_is(&e->at, "constraint", "false"))
            off[t->order + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    for (size_t i = 0; i < n; i++)
        it[i] = off[i];
    for (S_gedge *e = p->edges; e; e = e->next) {
        S_gn *t = tm_map_get(by_name, e->tail), *h = tm_map_get(by_name, e->head);
        if (t && h && !S_attr_is(&e->at, "constraint", "false"))
            adj[it[t->order]++] = h->order;
    }
    for (size_t i = 0; i < n; i++) {
        it[i] = off[i];
        state[i] = 0;
    }
    for (size_t k = 0; k < m; k++)
        back[k] = 0;
    size_t n_post = 0;
    for (size_t s = 0; s < n; s++) {
        if (state[s])
            continue;
        size_t top = 0;
        stack[top++] = s;
        state[s] = 1;
        while (top) {
            size_t v = stack[top - 1];
            if (it[v] < off[v + 1]) {
                size_t k = it[v]++, w = adj[k];
                if (state[w] == 1)
                    back[k] = 1; /* closes a cycle: dot reverses it */
                else if (state[w] == 0) {
                    state[w] = 1;
                    stack[top++] = w;
                }
            } else {
                top--;
                state[v] = 2;
                post[n_post++] = v;
            }
        }
    }
    /* reverse post-order is a topological order of the other edges */
    for (size_t i = n_post; i-- > 0;) {
        size_t v = post[i];
        for (size_t k = off[v]; k < off[v + 1]; k++)
            if (!back[k] && all[adj[k]]->rank < all[v]->rank + 1)
                all[adj[k]]->rank = all[v]->rank + 1;
    }
    free(off);
    free(adj);
    free(it);
    free(stack);
    free(post);
    free(state);
    free(back);
}

static int S_gn_by_rank(const void *x, const void *y)
{
    const S_gn *a = *(S_gn *const *)x, *b = *(S_gn *const *)y;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Columns of a grid of n nodes: the least c with c * c >= 1.5 n. A row
 * is then about as long as 1.5 rows are deep, and as a column is about as
 * wide as a row is tall (labels included), the picture comes out about
 * twice as wide as it is tall. */
static size_t S_grid_cols(size_t n)
{
    size_t c = 1;
    while (c * c * 2 < 3 * n)
        c++;
    return c;
}

/* A hub whose flows all stop ranking: nothing else places it. */
static bool S_gn_is_free_hub(const S_gn *x)
{
    return !x->grid && !x->node->pinned && x->cut != 0 && x->kept == 0;
}

static void S_invis(S_ctx *c, const char *tail, const char *head, bool flat)
{
    S_gedge *e = S_edge(c->ar, c->p, tail, head);
    S_set(c->ar, &e->at, "style", "invis", false);
    if (flat)
        S_set(c->ar, &e->at, "minlen", "0", false);
}

/* Grid this part's wide ranks (see above). Call before S_legend: the legend
 * stays where dot puts it. */
static void S_grid(S_ctx *c)
{
    S_part *p = c->p;
    tm_map *by_name = tm_map_new(256);
    tm_vec allv = {0}, spanv = {0}, gridv = {0};
    S_grid_collect(c->ar, &p->root, by_name, &allv, &spanv);
    size_t n = allv.len, n_spans = spanv.len;
    S_gn **all = (S_gn **)allv.items;
    S_span **spans = (S_span **)spanv.items;
    S_grid_ranks(p, by_name, all, n);
    /* Deep parts: when the flows that rank would make dot route more than
     * S_MAX_SPAN virtual nodes (each flow spans the ranks between its ends,
     * twice over with its label's rank), no flow ranks and every cluster's
     * nodes become a grid (see above). Measured on a 1,000-element estate
     * with cross-links inside 240-element accounts: 28,000 to 54,000
     * estimated virtual nodes per account (dot positioned 95,000 nodes),
     * minutes per diagram, against 0.1 s for the same diagram without
     * ranking flows; 50-element accounts estimated 1,200 to 2,600 and took
     * 0.3 to 1.4 s. The example model estimates 131; gen-model.sh's parts
     * stay below 20 per node, bench-dfd.sh's 500-deep chains at 4. */
    size_t span = 0;
    for (S_gedge *e = p->edges; e; e = e->next) {
        S_gn *t = tm_map_get(by_name, e->tail), *h = tm_map_get(by_name, e->head);
        if (t && h && !S_attr_is(&e->at, "constraint", "false"))
            span += t->rank > h->rank ? t->rank - h->rank : h->rank - t->rank;
    }
    if (span > S_MAX_SPAN_PER_NODE * n + S_MAX_SPAN) {
        for (S_gedge *e = p->edges; e; e = e->next)
            if (!S_attr_is(&e->at, "constraint", "false"))
                S_set(c->ar, &e->at, "constraint", "false", false);
        for (size_t i = 0; i < n; i++)
            all[i]->rank = 0;
    }

    /* the wide ranks of each cluster, in model order */
    S_gn **buf = tm_xmalloc((n ? n : 1) * sizeof *buf);
    for (size_t s = 0; s < n_spans; s++) {
        size_t k = 0;
        for (size_t i = spans[s]->from; i < spans[s]->to; i++)
            if (!all[i]->node->pinned)
                buf[k++] = all[i];
        if (k <= S_GRID_MIN)
            continue;
        qsort(buf, k, sizeof *buf, S_gn_by_rank);
        for (size_t a = 0, b; a < k; a = b) {
            for (b = a + 1; b < k && buf[b]->rank == buf[a]->rank; b++)
                ;
            if (b - a <= S_GRID_MIN)
                continue;
            S_gridset *g = tm_arena_alloc(c->ar, sizeof *g);
            g->n = b - a;
            g->cols = S_grid_cols(g->n);
            g->members = tm_arena_array(c->ar, g->n, sizeof *g->members);
            for (size_t i = a; i < b; i++) {
                g->members[i - a] = buf[i];
                buf[i]->grid = gridv.len + 1;
            }
            tm_vec_push(&gridv, g);
        }
    }
    free(buf);
    if (gridv.len == 0)
        goto done;

    /* hubs: nodes with flows to two or more nodes of other grids */
    S_gedge *last_flow = p->edges_last;
    for (S_gedge *e = p->edges; e; e = e->next) {
        S_gn *t = tm_map_get(by_name, e->tail), *h = tm_map_get(by_name, e->head);
        if (t && h && !t->node->pinned && !h->node->pinned && t->grid != h->grid) {
            if (h->grid)
                t->to_grid++;
            if (t->grid)
                h->to_grid++;
        }
    }
    /* flows that stop ranking, and where their labels go. Graphviz 2.42
     * aborts (class2.c merge_chain: Assertion `ED_to_virt(e) == NULL')
     * when two edges between the same nodes, neither with a mid-edge label,
     * do not rank: so only the first flow of a pair gets an end label, the
     * others keep theirs in the middle. */
    size_t hub_flows = 0;
    tm_map *pairs = tm_map_new(256);
    for (S_gedge *e = p->edges; e; e = e->next) {
        S_gn *t = tm_map_get(by_name, e->tail), *h = tm_map_get(by_name, e->head);
        if (!t || !h)
            continue; /* cannot happen: every edge joins nodes of the part */
        bool ranks = !S_attr_is(&e->at, "constraint", "false");
        bool cut = !t->node->pinned && !h->node->pinned && (t->grid || h->grid) &&
                   (t->grid == h->grid || t->to_grid > 1 || h->to_grid > 1);
        if (cut) {
            if (t->grid != h->grid)
                hub_flows++;
            if (ranks)
                S_set(c->ar, &e->at, "constraint", "false", false);
            /* one end-labelled flow per pair of nodes, either way round */
            const char *pair = S_pair_key(c->ar, e->tail, e->head);
            S_attr *label = t->grid && h->grid ? NULL : S_attr_find(&e->at, "label");
            if (label && !tm_map_get(pairs, pair)) {
                label->key = t->grid ? "taillabel" : "headlabel";
                tm_map_put(pairs, pair, e);
            }
            S_gn *ends[2] = {t, h};
            for (int k = 0; k < 2; k++) {
                S_gn *x = ends[k], *y = ends[1 - k];
                if (x->grid || !y->grid)
                    continue;
                if (x->cut++ == 0)
                    x->first_grid = y->grid;
            }
        } else if (ranks) {
            t->kept++;
            h->kept++;
        }
        if (e == last_flow)
            break;
    }
    /* the grid edges, grid by grid, row by row */
    for (size_t gi = 0; gi < gridv.len; gi++) {
        const S_gridset *g = gridv.items[gi];
        for (size_t i = 0; i < g->n; i++) {
            if ((i + 1) % g->cols != 0 && i + 1 < g->n)
                S_invis(c, g->members[i]->node->name, g->members[i + 1]->node->name, true);
            if (i + g->cols < g->n)
                S_invis(c, g->members[i]->node->name, g->members[i + g->cols]->node->name, false);
        }
    }
    /* hubs held only by grids: right of a row of their first grid, the
     * hubs of one grid spread evenly over its rows */
    size_t *hubs = tm_xmalloc(gridv.len * sizeof *hubs);
    size_t *placed = tm_xmalloc(gridv.len * sizeof *placed);
    for (size_t gi = 0; gi < gridv.len; gi++)
        hubs[gi] = placed[gi] = 0;
    for (size_t i = 0; i < n; i++)
        if (S_gn_is_free_hub(all[i]))
            hubs[all[i]->first_grid - 1]++;
    for (size_t i = 0; i < n; i++) {
        const S_gn *x = all[i];
        if (!S_gn_is_free_hub(x))
            continue;
        size_t gi = x->first_grid - 1, k = placed[gi]++;
        const S_gridset *g = gridv.items[gi];
        size_t rows = (g->n + g->cols - 1) / g->cols;
        size_t row = (2 * k + 1) * rows / (2 * hubs[gi]);
        size_t last = row * g->cols + g->cols < g->n ? row * g->cols + g->cols - 1 : g->n - 1;
        const char *m = g->members[last]->node->name;
        /* a flow between them becomes the tie (a second, invisible edge
         * beside it would be the pair that Graphviz aborts on) */
        S_gedge *flow = tm_map_get(pairs, S_pair_key(c->ar, m, x->node->name));
        if (flow) {
            S_attr_remove(&flow->at, "constraint");
            S_set(c->ar, &flow->at, "minlen", "0", false);
        } else {
            S_invis(c, m, x->node->name, true);
        }
    }
    free(hubs);
    free(placed);
    tm_map_free(pairs);
    if (hub_flows) {
        /* room between the rows and columns for the labels at the grid
         * ends, hub flows bundled, the graph ranked in one pass */
        S_attr_find(&p->gat, "nodesep")->val = S_GRID_NODESEP;
        S_attr_find(&p->gat, "ranksep")->val = S_GRID_RANKSEP;
        S_set(c->ar, &p->gat, "newrank", "true", false);
        S_set(c->ar, &p->gat, "concentrate", "true", false);
    }
done:
    tm_vec_free(&gridv);
    tm_vec_free(&spanv);
    tm_vec_free(&allv);
    tm_map_free(by_name);
}

/* --------------------------------------------------------------- parts */

static S_part *S_part_new(S_ctx *c, const char *stem, const char *subtitle)
{
    const tm_model *m = c->a->model;
    S_part *p = tm_arena_alloc(c->ar, sizeof *p);
    p->stem = stem;
    p->links = tm_map_new(64);
    c->p = p;
    c->used = 0;
    memset(c->bclus, 0, (m->n_boundaries ? m->n_boundaries : 1) * sizeof *c->bclus);
    memset(c->included, 0, (m->n_elements ? m->n_elements : 1) * sizeof *c->included);
    /* Top to bottom unless asked: boundaries nest into a more compact,
     * less wide drawing than left to right. */
    const char *dir = c->o && c->o->dfd_direction && strcmp(c->o->dfd_direction, "LR") == 0
                          ? "LR"
                          : "TB";
    tm_buf_puts(&c->t, "<B>");
    S_html(&c->t, m->system.name ? m->system.name : "", 0);
    tm_buf_puts(&c->t, "</B>");
    tm_buf_printf(&c->t, "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"%s\">data-flow diagram", S_CAPTION);
    if (subtitle) {
        tm_buf_puts(&c->t, ": ");
        S_html(&c->t, subtitle, 0);
    }
    tm_buf_puts(&c->t, "</FONT>");
    S_set(c->ar, &p->gat, "label", S_take(c), true);
    S_plain(&c->t, m->system.name ? m->system.name : "", TM_DFD_MAX_LABEL);
    tm_buf_puts(&c->t, ": data-flow diagram");
    if (subtitle) {
        tm_buf_puts(&c->t, ", ");
        S_plain(&c->t, subtitle, TM_DFD_MAX_LABEL);
    }
    p->title = S_take(c);
    S_set(c->ar, &p->gat, "labelloc", "t", false);
    S_set(c->ar, &p->gat, "fontname", S_FONT, false);
    S_set(c->ar, &p->gat, "fontsize", "14", false);
    S_set(c->ar, &p->gat, "rankdir", dir, false);
    S_set(c->ar, &p->gat, "nodesep", "0.35", false);
    S_set(c->ar, &p->gat, "ranksep", "0.6", false);
    S_set(c->ar, &p->gat, "pad", "0.2", false);
    S_set(c->ar, &p->gat, "bgcolor", "white", false);
    S_set(c->ar, &p->nat, "fontname", S_FONT, false);
    S_set(c->ar, &p->nat, "fontsize", "10", false);
    S_set(c->ar, &p->eat, "fontname", S_FONT, false);
    S_set(c->ar, &p->eat, "fontsize", "8", false);
    S_set(c->ar, &p->eat, "fontcolor", "#222222", false);
    S_set(c->ar, &p->eat, "arrowsize", "0.8", false);
    return p;
}

static const char *S_sanitize(tm_arena *ar, const char *id)
{
    char *s = tm_arena_strdup(ar, id);
    for (char *q = s; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
              *q == '_' || *q == '-' || (*q == '.' && q != s)))
            *q = '_';
    return s;
}

/* A collapsed boundary: one node standing for everything inside it. */
static void S_collapsed_node(S_ctx *c, S_clus *parent, const char *name, const tm_boundary *b,
                             bool outside)
{
    const tm_analysis *a = c->a;
    const tm_boundary_info *bi = &a->boundaries[b->index];
    tm_severity sev = bi->max_open;
    for (size_t k = 0; k < bi->n_members; k++)
        if (a->elements[bi->members[k]->index].max_open > sev)
            sev = a->elements[bi->members[k]->index].max_open;
    S_gnode *n = S_node(c->ar, parent, name);
    if (outside)
        tm_buf_printf(&c->t, "<FONT POINT-SIZE=\"8\" COLOR=\"%s\"><I>outside: </I></FONT>",
                      S_CAPTION);
    tm_buf_puts(&c->t, "<B>");
    S_html(&c->t, b->name, S_WRAP_NAME);
    tm_buf_puts(&c->t, "</B>");
    S_sev_text(&c->t, sev);
    if (b->type && *b->type)
        S_caption(&c->t, b->type, S_CAPTION, false);
    tm_buf_printf(&c->t, "<BR/><FONT POINT-SIZE=\"8\">%zu element%s, %zu in, %zu out</FONT>",
                  bi->n_members, bi->n_members == 1 ? "" : "s", bi->n_inbound, bi->n_outbound);
    tm_buf_printf(&c->t, "<BR/><FONT POINT-SIZE=\"8\" COLOR=\"%s\"><I>see dfd-", S_CAPTION);
    S_html(&c->t, S_sanitize(c->ar, b->id), 0);
    tm_buf_puts(&c->t, "</I></FONT>");
    S_set(c->ar, &n->at, "shape", "box", false);
    S_set(c->ar, &n->at, "style", "dashed,rounded,filled", false);
    S_set(c->ar, &n->at, "label", S_take(c), true);
    S_set(c->ar, &n->at, "color", S_BOUNDARY_PEN, false);
    S_set(c->ar, &n->at, "fillcolor", outside ? "#F4F4F4" : S_sev_fill[sev], false);
    S_set(c->ar, &n->at, "penwidth", "2", false);
    S_set(c->ar, &n->at, "margin", "0.2,0.1", false);
    n->link = S_link_boundary(c, name, b, tm_arena_printf(c->ar, "dfd-%s", S_sanitize(c->ar, b->id)));
    c->used |= U_COLLAPSED | (U_SEV0 << sev);
}

/* 1 when boundary x is `inner` or one of its ancestors. */
static bool S_encloses(const tm_boundary *x, const tm_boundary *inner)
{
    for (; inner; inner = inner->parent)
        if (inner == x)
            return true;
    return false;
}

/* How an element outside `scope` is drawn in scope's diagrams: the largest
 * boundary around it that does not enclose scope, collapsed (*collapsed
 * set); or the element itself when it sits directly in one of scope's
 * enclosing boundaries or outside every boundary. */
static const char *S_outside_group(S_ctx *c, const tm_boundary *scope, const tm_element *e,
                                   const tm_boundary **collapsed)
{
    *collapsed = NULL;
    const tm_boundary *b = e->boundary;
    if (!b || S_encloses(b, scope))
        return S_elname(c, e->index);
    while (b->parent && !S_encloses(b->parent, scope))
        b = b->parent;
    *collapsed = b;
    return tm_arena_printf(c->ar, "o%zu", b->index);
}

/* Draw the node for an outside end once (collapsed boundaries sit in their
 * parent's cluster, so the nesting stays visible). */
static void S_outside_node(S_ctx *c, tm_map *drawn, const char *name, const tm_boundary *collapsed,
                           const tm_element *e)
{
    if (tm_map_get(drawn, name))
        return;
    tm_map_put(drawn, name, (void *)name);
    if (collapsed)
        S_collapsed_node(c, S_boundary_cluster(c, collapsed->parent), name, collapsed, true);
    else
        S_element_node(c, e->index, false);
}

/* The whole model (only == NULL), or in split mode the diagram of boundary
 * `only`: its elements and flows, with the other end of flows that leave it
 * drawn as the collapsed boundary it lies in (flows to one such node
 * aggregated), so a boundary's diagram stays as small as its content. */
/* --dfd-path: the path's elements (in their boundaries) and flows, and its
 * IAM steps (escalation, data access through a permission) as dotted edges
 * from the element the attacker holds to the one reached, labelled with the
 * identities and techniques they go through. */
static void S_path_part(S_ctx *c)
{
    const tm_model *m = c->a->model;
    const tm_path *p = c->only_path;
    for (size_t i = 0; i < m->n_elements; i++)
        if (c->path_el[i])
            S_element_node(c, i, true);
    for (size_t i = 0; i < m->n_flows; i++)
        if (c->path_flow[i])
            S_flow_edge(c, i);
    const tm_element *held = p->entry_element;
    tm_buf via;
    tm_buf_init(&via, 0);
    for (size_t k = 0; k < p->n_steps; k++) {
        const tm_path_step *st = &p->steps[k];
        if (st->kind == TM_STEP_ESCALATION) {
            if (via.len)
                tm_buf_puts(&via, "<BR/>");
            S_html(&via, st->from_identity ? st->from_identity->name : "", S_WRAP_FLOW);
            tm_buf_puts(&via, " \xE2\x86\x92 ");
            S_html(&via, st->to_admin ? "administrator" : st->identity->name, S_WRAP_FLOW);
            if (st->technique) {
                tm_buf_puts(&via, " (");
                S_html(&via, st->technique, 0);
                tm_buf_puts(&via, ")");
            }
            if (st->via)
                held = st->via;
            continue;
        }
        if (st->kind == TM_STEP_DATA_ACCESS && !st->flow && st->element && held &&
            held != st->element) {
            S_gedge *ed = S_edge(c->ar, c->p, S_elname(c, held->index),
                                 S_elname(c, st->element->index));
            tm_buf_printf(&c->t, "<I>IAM</I>");
            if (via.len)
                tm_buf_printf(&c->t, "<BR/>%s", via.data);
            tm_buf_puts(&c->t, "<BR/>");
            S_html(&c->t, st->from_identity ? st->from_identity->name : "", S_WRAP_FLOW);
            tm_buf_puts(&c->t, " may ");
            S_html(&c->t, st->access & TM_PATH_READ ? "read" : "write", 0);
            S_set(c->ar, &ed->at, "label", S_take(c), true);
            S_set(c->ar, &ed->at, "style", "dotted", false);
            S_set(c->ar, &ed->at, "color", S_PATH_PEN, false);
            S_set(c->ar, &ed->at, "penwidth", "3.4", false);
            S_set(c->ar, &ed->at, "fontname", S_FONT, false);
            S_set(c->ar, &ed->at, "fontsize", "9", false);
            c->used |= U_PATH;
            tm_buf_reset(&via);
        }
        if (st->kind == TM_STEP_COMPROMISE && st->element)
            held = st->element;
    }
    tm_buf_free(&via);
}

static S_part *S_detail_part(S_ctx *c, const tm_boundary *only, const char *stem)
{
    const tm_model *m = c->a->model;
    S_part *p = S_part_new(c, stem, only ? only->name : NULL);
    if (!only && c->only_path) {
        S_path_part(c);
        S_legend(c);
        return p;
    }
    if (!only) {
        /* every boundary, even an empty one, in model order */
        for (size_t i = 0; i < m->n_boundaries; i++)
            S_boundary_cluster(c, m->boundaries[i]);
        for (size_t i = 0; i < m->n_boundaries; i++)
            if (c->a->boundaries[i].n_members == 0) {
                S_gnode *n = S_node(c->ar, c->bclus[i], tm_arena_printf(c->ar, "b%zu_empty", i));
                S_set(c->ar, &n->at, "shape", "plaintext", false);
                S_set(c->ar, &n->at, "label", "<FONT POINT-SIZE=\"8\"><I>(empty)</I></FONT>", true);
            }
        for (size_t i = 0; i < m->n_elements; i++)
            S_element_node(c, i, true);
        for (size_t i = 0; i < m->n_flows; i++)
            S_flow_edge(c, i);
        S_grid(c);
        S_legend(c);
        return p;
    }
    for (size_t i = 0; i < m->n_elements; i++)
        if (tm_boundary_contains(only, m->elements[i]))
            S_element_node(c, i, true);
    tm_map *drawn = tm_map_new(64);
    S_aggset set = {tm_map_new(64), {0}};
    for (size_t i = 0; i < m->n_flows; i++) {
        const tm_flow *f = m->flows[i];
        bool in_t = tm_boundary_contains(only, f->from), in_h = tm_boundary_contains(only, f->to);
        if (!in_t && !in_h)
            continue;
        if (in_t && in_h) {
            S_flow_edge(c, i);
            continue;
        }
        const tm_element *out = in_t ? f->to : f->from;
        const tm_boundary *collapsed;
        const char *name = S_outside_group(c, only, out, &collapsed);
        S_outside_node(c, drawn, name, collapsed, out);
        const char *t = in_t ? S_elname(c, f->from->index) : name;
        const char *h = in_h ? S_elname(c, f->to->index) : name;
        S_agg_add(c, &set, t, h, i, collapsed);
    }
    S_agg_emit(c, &set);
    tm_map_free(drawn);
    S_grid(c);
    S_legend(c);
    return p;
}

/* Where element e is drawn in the overview of `scope` (NULL: the model):
 * itself when it sits directly in scope, else the collapsed child boundary
 * of scope that holds it; outside scope, as S_outside_group says. */
static const char *S_group(S_ctx *c, const tm_boundary *scope, const tm_element *e,
                           const tm_boundary **collapsed)
{
    *collapsed = NULL;
    if (scope && !tm_boundary_contains(scope, e))
        return S_outside_group(c, scope, e, collapsed);
    const tm_boundary *b = e->boundary, *child = NULL;
    while (b != scope) {
        child = b;
        b = b->parent;
    }
    *collapsed = child;
    return child ? tm_arena_printf(c->ar, "b%zu", child->index) : S_elname(c, e->index);
}

/* Above the split threshold: the overview of `scope` (NULL: the whole
 * model) with each of its child boundaries collapsed to one node, the
 * elements directly in it, and flows between different nodes aggregated
 * with their count. */
static S_part *S_overview_part(S_ctx *c, const tm_boundary *scope, const char *stem)
{
    const tm_analysis *a = c->a;
    const tm_model *m = a->model;
    S_part *p = S_part_new(c, stem,
                           scope ? tm_arena_printf(c->ar, "%s (overview)", scope->name)
                                 : "overview (one diagram per boundary)");
    S_clus *home = S_boundary_cluster(c, scope);
    const tm_boundary *const *kids = scope ? a->boundaries[scope->index].children : a->top_boundaries;
    size_t n_kids = scope ? a->boundaries[scope->index].n_children : a->n_top_boundaries;
    for (size_t t = 0; t < n_kids; t++)
        S_collapsed_node(c, home, tm_arena_printf(c->ar, "b%zu", kids[t]->index), kids[t], false);
    for (size_t i = 0; i < m->n_elements; i++)
        if (m->elements[i]->boundary == scope)
            S_element_node(c, i, true);

    tm_map *drawn = tm_map_new(64);
    S_aggset set = {tm_map_new(64), {0}};
    for (size_t i = 0; i < m->n_flows; i++) {
        const tm_flow *f = a->flows[i].flow;
        bool out_t = scope && !tm_boundary_contains(scope, f->from);
        bool out_h = scope && !tm_boundary_contains(scope, f->to);
        if (out_t && out_h)
            continue; /* does not touch this scope */
        const tm_boundary *cb_t, *cb_h;
        const char *t = S_group(c, scope, f->from, &cb_t);
        const char *h = S_group(c, scope, f->to, &cb_h);
        if (strcmp(t, h) == 0)
            continue; /* inside one child boundary: drawn in its own diagram */
        if (out_t)
            S_outside_node(c, drawn, t, cb_t, f->from);
        if (out_h)
            S_outside_node(c, drawn, h, cb_h, f->to);
        if (f->from->boundary == scope && f->to->boundary == scope)
            S_flow_edge(c, i);
        else
            S_agg_add(c, &set, t, h, i, cb_h ? cb_h : cb_t);
    }
    S_agg_emit(c, &set);
    tm_map_free(drawn);
    /* With many collapsed boundaries, chains of flows between them make
     * ranks as deep as the chain and every flow from a hub spans them all:
     * dot then positions hundreds of thousands of virtual nodes (minutes
     * for 200 boundaries). Letting flows not rank the nodes keeps the
     * layout to seconds; the boundaries then share one rank, which S_grid
     * turns into a grid. */
    if (n_kids > S_MAX_RANKED_KIDS)
        for (S_gedge *e = p->edges; e; e = e->next)
            S_set(c->ar, &e->at, "constraint", "false", false);
    S_grid(c);
    S_legend(c);
    return p;
}

/* The diagrams of boundary b: one detailed diagram when it holds at most
 * `threshold` elements (or has no child boundary to split along), else its
 * overview and, recursively, the diagrams of its children. */
static void S_boundary_parts(S_ctx *c, const tm_boundary *b, size_t threshold, tm_vec *parts)
{
    const tm_boundary_info *bi = &c->a->boundaries[b->index];
    const char *stem = tm_arena_printf(c->ar, "dfd-%s", S_sanitize(c->ar, b->id));
    if (bi->n_members <= threshold || bi->n_children == 0) {
        tm_vec_push(parts, S_detail_part(c, b, stem));
        return;
    }
    tm_vec_push(parts, S_overview_part(c, b, stem));
    for (size_t k = 0; k < bi->n_children; k++)
        S_boundary_parts(c, bi->children[k], threshold, parts);
}

/* Which flows the attack paths use, and with --dfd-path which parts the
 * one path drawn uses (an unknown id draws the whole diagram: the CLI
 * rejects it before rendering). */
static void S_path_marks(S_ctx *c)
{
    const tm_analysis *a = c->a;
    const tm_model *m = a->model;
    if (!a->n_paths)
        return;
    c->path_flow = tm_arena_array(c->ar, m->n_flows + 1, 1);
    const char *want = c->o ? c->o->dfd_path : NULL;
    for (size_t i = 0; want && i < a->n_paths; i++)
        if (strcmp(a->paths[i].id, want) == 0)
            c->only_path = &a->paths[i];
    if (c->only_path)
        c->path_el = tm_arena_array(c->ar, m->n_elements + 1, 1);
    for (size_t i = 0; i < a->n_paths; i++) {
        const tm_path *p = &a->paths[i];
        if (c->only_path && p != c->only_path)
            continue;
        if (c->path_el && p->entry_element)
            c->path_el[p->entry_element->index] = 1;
        for (size_t k = 0; k < p->n_steps; k++) {
            const tm_path_step *st = &p->steps[k];
            if (st->flow) {
                c->path_flow[st->flow->index] = 1;
                if (c->path_el) {
                    c->path_el[st->flow->from->index] = 1;
                    c->path_el[st->flow->to->index] = 1;
                }
            }
            if (c->path_el && st->element)
                c->path_el[st->element->index] = 1;
            if (c->path_el && st->via)
                c->path_el[st->via->index] = 1;
        }
    }
}

tm_dfd *tm_dfd_build(const tm_analysis *a, const tm_render_opts *o)
{
    const tm_model *m = a->model;
    tm_dfd *dfd = tm_xmalloc(sizeof *dfd);
    dfd->ar = tm_arena_new();
    S_ctx c = {.ar = dfd->ar, .a = a, .o = o};
    c.bclus = tm_arena_array(c.ar, m->n_boundaries ? m->n_boundaries : 1, sizeof *c.bclus);
    c.included = tm_arena_array(c.ar, m->n_elements ? m->n_elements : 1, sizeof *c.included);
    tm_buf_init(&c.t, 0);
    size_t threshold = o && o->dfd_split_threshold ? o->dfd_split_threshold : S_DEFAULT_SPLIT;
    S_path_marks(&c);
    tm_vec parts = {0};
    if (m->n_elements <= threshold || a->n_top_boundaries == 0 || c.only_path) {
        tm_vec_push(&parts, S_detail_part(&c, NULL, "dfd"));
    } else {
        tm_vec_push(&parts, S_overview_part(&c, NULL, "dfd"));
        for (size_t t = 0; t < a->n_top_boundaries; t++)
            S_boundary_parts(&c, a->top_boundaries[t], threshold, &parts);
    }
    dfd->parts = (S_part **)tm_vec_finish(&parts, c.ar, &dfd->n);
    tm_buf_free(&c.t);
    return dfd;
}

void tm_dfd_free(tm_dfd *dfd)
{
    if (!dfd)
        return;
    for (size_t i = 0; i < dfd->n; i++)
        tm_map_free(dfd->parts[i]->links);
    tm_arena_free(dfd->ar);
    free(dfd);
}

static void S_dfd_release(void *p)
{
    tm_dfd_free(p);
}

const tm_dfd *tm_dfd_get(const tm_analysis *a, const tm_render_opts *o, tm_dfd **owned)
{
    *owned = NULL;
    tm_dfd *dfd = tm_render_cache_get(o, "dfd.graph");
    if (dfd)
        return dfd;
    dfd = tm_dfd_build(a, o);
    if (!o) {
        *owned = dfd;
        return dfd;
    }
    tm_render_cache_put(o, "dfd.graph", dfd, S_dfd_release);
    return dfd;
}

size_t tm_dfd_count(const tm_dfd *dfd)
{
    return dfd->n;
}

const char *tm_dfd_stem(const tm_dfd *dfd, size_t part)
{
    return dfd->parts[part]->stem;
}

size_t tm_dfd_element_nodes(const tm_dfd *dfd, size_t part)
{
    return dfd->parts[part]->n_element_nodes;
}

const char *tm_dfd_title(const tm_dfd *dfd, size_t part)
{
    return dfd->parts[part]->title;
}

const tm_dfd_link *tm_dfd_link_of(const tm_dfd *dfd, size_t part, const char *gid)
{
    return gid ? tm_map_get(dfd->parts[part]->links, gid) : NULL;
}

/* ---------------------------------------------------------- DOT writer */

static void S_write_attrs(tm_buf *b, const S_attrs *as)
{
    tm_buf_puts(b, " [");
    for (const S_attr *a = as->first; a; a = a->next) {
        tm_buf_printf(b, "%s%s=", a == as->first ? "" : ", ", a->key);
        if (a->html)
            tm_buf_printf(b, "<%s>", a->val);
        else
            S_quoted(b, a->val);
    }
    tm_buf_puts(b, "]");
}

static void S_indent(tm_buf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        tm_buf_puts(b, "  ");
}

static void S_write_cluster(tm_buf *b, const S_clus *cl, int depth)
{
    for (const S_gnode *n = cl->nodes; n; n = n->next) {
        S_indent(b, depth);
        tm_buf_puts(b, n->name);
        S_write_attrs(b, &n->at);
        tm_buf_puts(b, ";\n");
    }
    for (const S_clus *k = cl->kids; k; k = k->next) {
        S_indent(b, depth);
        tm_buf_printf(b, "subgraph %s {\n", k->name);
        S_indent(b, depth + 1);
        tm_buf_puts(b, "graph");
        S_write_attrs(b, &k->at);
        tm_buf_puts(b, ";\n");
        S_write_cluster(b, k, depth + 1);
        S_indent(b, depth);
        tm_buf_puts(b, "}\n");
    }
}

int tm_dfd_write_dot(const tm_dfd *dfd, size_t part, tm_buf *out)
{
    const S_part *p = dfd->parts[part];
    tm_buf_puts(out, "digraph dfd {\n  graph");
    S_write_attrs(out, &p->gat);
    tm_buf_puts(out, ";\n  node");
    S_write_attrs(out, &p->nat);
    tm_buf_puts(out, ";\n  edge");
    S_write_attrs(out, &p->eat);
    tm_buf_puts(out, ";\n");
    S_write_cluster(out, &p->root, 1);
    for (const S_gedge *e = p->edges; e; e = e->next) {
        tm_buf_printf(out, "  %s -> %s", e->tail, e->head);
        S_write_attrs(out, &e->at);
        tm_buf_puts(out, ";\n");
    }
    tm_buf_puts(out, "}\n");
    return out->failed ? -1 : 0;
}

/* ------------------------------------------------------- cgraph graph */

/* cgraph's API takes `char *` for strings it only reads (or copies into
 * its own reference-counted pool); these casts are the only ones in
 * stridec. */
#define S_CS(s) ((char *)(s))

static void S_agset(Agraph_t *root, void *obj, int kind, const S_attr *a)
{
    Agsym_t *sym = agattr(root, kind, S_CS(a->key), NULL);
    if (!sym)
        sym = agattr(root, kind, S_CS(a->key), S_CS(""));
    if (a->html) {
        /* An HTML-like label: intern it as an HTML string, then set it (agxset
         * finds the interned HTML string and keeps its flag). */
        char *h = agstrdup_html(root, S_CS(a->val));
        agxset(obj, sym, h);
        agstrfree(root, h);
    } else {
        agxset(obj, sym, S_CS(a->val));
    }
}

/* The object's gid as its Graphviz `id` (see S_gnode). */
static void S_agid(Agraph_t *root, void *obj, int kind, const char *gid)
{
    S_attr a = {"id", gid, false, NULL};
    S_agset(root, obj, kind, &a);
}

static void S_ag_cluster(Agraph_t *root, Agraph_t *g, const S_clus *cl)
{
    for (const S_gnode *n = cl->nodes; n; n = n->next) {
        Agnode_t *an = agnode(g, S_CS(n->name), 1);
        for (const S_attr *a = n->at.first; a; a = a->next)
            S_agset(root, an, AGNODE, a);
        S_agid(root, an, AGNODE, n->name);
    }
    for (const S_clus *k = cl->kids; k; k = k->next) {
        Agraph_t *sg = agsubg(g, S_CS(k->name), 1);
        for (const S_attr *a = k->at.first; a; a = a->next)
            S_agset(root, sg, AGRAPH, a);
        S_agid(root, sg, AGRAPH, k->name);
        S_ag_cluster(root, sg, k);
    }
}

Agraph_t *tm_dfd_agraph(const tm_dfd *dfd, size_t part)
{
    const S_part *p = dfd->parts[part];
    Agraph_t *g = agopen(S_CS("dfd"), Agdirected, NULL);
    /* Defaults first: agattr on a kind sets the default every object of
     * that kind created later inherits. */
    for (const S_attr *a = p->nat.first; a; a = a->next)
        agattr(g, AGNODE, S_CS(a->key), S_CS(a->val));
    for (const S_attr *a = p->eat.first; a; a = a->next)
        agattr(g, AGEDGE, S_CS(a->key), S_CS(a->val));
    /* Cluster attributes are all set explicitly on each cluster, so the
     * root's label and font size are set after the clusters exist and do
     * not become their defaults. */
    S_ag_cluster(g, g, &p->root);
    for (const S_attr *a = p->gat.first; a; a = a->next)
        S_agset(g, g, AGRAPH, a);
    for (const S_gedge *e = p->edges; e; e = e->next) {
        Agnode_t *t = agnode(g, S_CS(e->tail), 0), *h = agnode(g, S_CS(e->head), 0);
        if (!t || !h)
            continue; /* cannot happen: every edge joins nodes of the part */
        Agedge_t *ae = agedge(g, t, h, NULL, 1);
        for (const S_attr *a = e->at.first; a; a = a->next)
            S_agset(g, ae, AGEDGE, a);
        S_agid(g, ae, AGEDGE, e->gid);
    }
    return g;
}

/* -------------------------------------------------------------- render */

int tm_render_dot(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    tm_dfd *owned;
    const tm_dfd *dfd = tm_dfd_get(a, o, &owned);
    int rc = tm_dfd_write_dot(dfd, 0, out);
    if (rc == 0 && o && o->extra) {
        for (size_t i = 1; i < dfd->n && rc == 0; i++) {
            tm_buf b;
            tm_buf_init(&b, 0);
            rc = tm_dfd_write_dot(dfd, i, &b);
            if (rc == 0) {
                const char *name = tm_arena_printf(dfd->ar, "%s.dot", dfd->parts[i]->stem);
                tm_outputs_add(o->extra, name, b.data ? b.data : "", b.len);
            }
            tm_buf_free(&b);
        }
    }
    if (rc != 0)
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "the data-flow diagram is larger than the output limit");
    tm_dfd_free(owned);
    return rc;
}
