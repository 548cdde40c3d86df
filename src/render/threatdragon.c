/*
 * Threat Dragon export (stridec export --to threatdragon): the analysis as an
 * OWASP Threat Dragon 2.x model, the JSON the Threat Dragon desktop and web
 * apps open.
 *
 *   - one STRIDE diagram; elements become actor (external), process and store
 *     cells, boundaries trust-boundary-box cells drawn around their members,
 *     flows flow cells between their elements;
 *   - positions come from a layered layout with no randomness: inside each
 *     boundary (and on the canvas) the external entities make the first rows,
 *     processes the next, stores the last, at most S_COLS a row, in model
 *     order; child boundaries sit below them side by side. A box holds exactly
 *     its members, so `stridec import` finds the same boundaries again;
 *   - every threat stridec found on an element, flow or boundary goes into its
 *     cell's data.threats: status Open (open, in-progress), Mitigated
 *     (mitigated, transferred) or NA (accepted, false-positive); severity
 *     High (critical, high), Medium or Low; type the STRIDE category of its
 *     first letter; ruleId the stridec rule; stridecStatus the exact status
 *     where Threat Dragon's word loses it;
 *   - cell, port and threat ids are UUIDs (version 8, RFC 9562) hashed from
 *     the stridec ids, so the same model gives the same bytes.
 * Threats on identities, artifacts and the model as a whole have no cell:
 * a text block under the diagram says how many there are.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render_impl.h"
#include "stridec/threatdragon.h"

#define S_TD_VERSION "2.3.0"
#define S_COLS 4
#define S_SLOT_W 220
#define S_SLOT_H 140
#define S_PAD 30
#define S_HEAD 40
#define S_GAP 40
#define S_SHELF_MAX 1400
#define S_MIN_BOX_W 240
#define S_MIN_BOX_H 160
#define S_MARGIN 40

typedef struct {
    tm_arena *a;
    const tm_analysis *an;
    /* per container (boundary index; n_boundaries = the canvas) */
    long long *w, *h;       /* box size */
    long long *rows_h;      /* height of the element rows */
    long long *ox, *oy;     /* where the content starts (absolute) */
    /* per boundary: offset inside its parent's content */
    long long *rx, *ry;
    /* per element: absolute top-left */
    long long *ex, *ey;
    size_t **kids;  /* child boundary indexes per container */
    size_t *n_kids;
    size_t **elems; /* element indexes per container, model order */
    size_t *n_elems;
    unsigned number; /* threat numbers */
} S_ctx;

/* ---------------------------------------------------------------- uuids */

static uint64_t S_fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A version-8 UUID from "kind:id": two FNV-1a hashes with different seeds. */
static const char *S_uuid(S_ctx *c, const char *kind, const char *id)
{
    uint64_t h[2] = {0xcbf29ce484222325ull, 0x6c62272e07bb0142ull};
    unsigned char b[16];
    for (int k = 0; k < 2; k++) {
        h[k] = S_fnv(S_fnv(S_fnv(h[k], kind), ":"), id);
        for (int i = 0; i < 8; i++)
            b[k * 8 + i] = (unsigned char)(h[k] >> (8 * (7 - i)));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    char s[37];
    size_t j = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[j++] = '-';
        s[j++] = hex[b[i] >> 4];
        s[j++] = hex[b[i] & 15];
    }
    s[j] = '\0';
    return tm_arena_strdup(c->a, s);
}

/* ----------------------------------------------------------- JSON tree */

static tm_node *S_obj(S_ctx *c)
{
    return tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
}

static tm_node *S_arr(S_ctx *c)
{
    return tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
}

static void S_set(S_ctx *c, tm_node *o, const char *key, tm_node *v)
{
    tm_node_map_put(c->a, o, key, 0, 0, v);
}

static void S_str(S_ctx *c, tm_node *o, const char *key, const char *s)
{
    S_set(c, o, key, tm_node_string(c->a, s ? s : ""));
}

static void S_int(S_ctx *c, tm_node *o, const char *key, long long v)
{
    S_set(c, o, key, tm_node_int(c->a, v));
}

static void S_bool(S_ctx *c, tm_node *o, const char *key, int v)
{
    S_set(c, o, key, tm_node_bool(c->a, v));
}

static void S_float(S_ctx *c, tm_node *o, const char *key, double v, const char *text)
{
    tm_node *n = tm_node_new(c->a, TM_NODE_SCALAR, NULL, 0, 0);
    n->stype = TM_SCALAR_FLOAT;
    n->fval = v;
    n->text = text;
    n->len = strlen(text);
    S_set(c, o, key, n);
}

static tm_node *S_point(S_ctx *c, long long x, long long y)
{
    tm_node *p = S_obj(c);
    S_int(c, p, "x", x);
    S_int(c, p, "y", y);
    return p;
}

static tm_node *S_size(S_ctx *c, long long w, long long h)
{
    tm_node *p = S_obj(c);
    S_int(c, p, "width", w);
    S_int(c, p, "height", h);
    return p;
}

/* ------------------------------------------------------------- layout */

static void S_node_size(tm_kind k, long long *w, long long *h)
{
    *w = k == TM_KIND_PROCESS ? 100 : 160;
    *h = k == TM_KIND_PROCESS ? 100 : 80;
}

static size_t S_count_kind(const S_ctx *c, size_t k, tm_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_elems[k]; i++)
        n += c->an->model->elements[c->elems[k][i]]->kind == kind;
    return n;
}

/* Size of container k from its rows of elements and its child boxes
 * (already measured); the offsets of the children inside its content. */
static void S_measure(S_ctx *c, size_t k, int is_box)
{
    static const tm_kind order[3] = {TM_KIND_EXTERNAL, TM_KIND_PROCESS, TM_KIND_STORE};
    long long rows_w = 0, rows_h = 0;
    for (int o = 0; o < 3; o++) {
        size_t n = S_count_kind(c, k, order[o]);
        if (!n)
            continue;
        long long cols = (long long)(n < S_COLS ? n : S_COLS);
        rows_w = rows_w > cols * S_SLOT_W ? rows_w : cols * S_SLOT_W;
        rows_h += (long long)((n + S_COLS - 1) / S_COLS) * S_SLOT_H;
    }
    long long limit = rows_w > S_SHELF_MAX ? rows_w : S_SHELF_MAX;
    long long x = 0, shelf_h = 0, above = 0, max_w = 0;
    long long top = rows_h ? rows_h + S_GAP : 0;
    for (size_t i = 0; i < c->n_kids[k]; i++) {
        size_t b = c->kids[k][i];
        if (x > 0 && x + c->w[b] > limit) {
            above += shelf_h + S_GAP;
            x = 0;
            shelf_h = 0;
        }
        c->rx[b] = x;
        c->ry[b] = top + above;
        x += c->w[b] + S_GAP;
        shelf_h = shelf_h > c->h[b] ? shelf_h : c->h[b];
        max_w = max_w > x - S_GAP ? max_w : x - S_GAP;
    }
    long long content_w = rows_w > max_w ? rows_w : max_w;
    long long content_h = c->n_kids[k] ? top + above + shelf_h : rows_h;
    c->rows_h[k] = rows_h;
    if (is_box) {
        c->w[k] = content_w + 2 * S_PAD > S_MIN_BOX_W ? content_w + 2 * S_PAD : S_MIN_BOX_W;
        c->h[k] = S_HEAD + content_h + S_PAD > S_MIN_BOX_H ? S_HEAD + content_h + S_PAD
                                                            : S_MIN_BOX_H;
    } else {
        c->w[k] = content_w;
        c->h[k] = content_h;
    }
}

/* Elements of container k at their slots, rows by kind. */
static void S_place_elements(S_ctx *c, size_t k)
{
    static const tm_kind order[3] = {TM_KIND_EXTERNAL, TM_KIND_PROCESS, TM_KIND_STORE};
    long long y = c->oy[k];
    for (int o = 0; o < 3; o++) {
        size_t col = 0, n = 0;
        for (size_t i = 0; i < c->n_elems[k]; i++) {
            const tm_element *e = c->an->model->elements[c->elems[k][i]];
            if (e->kind != order[o])
                continue;
            long long w, h;
            S_node_size(e->kind, &w, &h);
            c->ex[e->index] = c->ox[k] + (long long)col * S_SLOT_W + (S_SLOT_W - w) / 2;
            c->ey[e->index] = y + (S_SLOT_H - h) / 2;
            n++;
            if (++col == S_COLS) {
                col = 0;
                y += S_SLOT_H;
            }
        }
        if (col)
            y += S_SLOT_H;
    }
}

typedef struct {
    unsigned depth;
    size_t index;
} S_depth;

static int S_by_depth(const void *x, const void *y)
{
    const S_depth *a = x, *b = y;
    if (a->depth != b->depth)
        return a->depth < b->depth ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Boundary indexes by depth, model order within a depth. */
static size_t *S_depth_order(S_ctx *c)
{
    const tm_model *m = c->an->model;
    S_depth *v = tm_arena_array(c->a, m->n_boundaries + 1, sizeof *v);
    for (size_t i = 0; i < m->n_boundaries; i++) {
        v[i].depth = m->boundaries[i]->depth;
        v[i].index = i;
    }
    if (m->n_boundaries)
        qsort(v, m->n_boundaries, sizeof *v, S_by_depth);
    size_t *order = tm_arena_array(c->a, m->n_boundaries + 1, sizeof *order);
    for (size_t i = 0; i < m->n_boundaries; i++)
        order[i] = v[i].index;
    return order;
}

static void S_layout(S_ctx *c)
{
    const tm_model *m = c->an->model;
    size_t nb = m->n_boundaries, root = nb;
    c->w = tm_arena_array(c->a, nb + 1, sizeof *c->w);
    c->h = tm_arena_array(c->a, nb + 1, sizeof *c->h);
    c->rows_h = tm_arena_array(c->a, nb + 1, sizeof *c->rows_h);
    c->ox = tm_arena_array(c->a, nb + 1, sizeof *c->ox);
    c->oy = tm_arena_array(c->a, nb + 1, sizeof *c->oy);
    c->rx = tm_arena_array(c->a, nb + 1, sizeof *c->rx);
    c->ry = tm_arena_array(c->a, nb + 1, sizeof *c->ry);
    c->ex = tm_arena_array(c->a, m->n_elements + 1, sizeof *c->ex);
    c->ey = tm_arena_array(c->a, m->n_elements + 1, sizeof *c->ey);
    c->n_kids = tm_arena_array(c->a, nb + 1, sizeof *c->n_kids);
    c->n_elems = tm_arena_array(c->a, nb + 1, sizeof *c->n_elems);
    c->kids = tm_arena_array(c->a, nb + 1, sizeof *c->kids);
    c->elems = tm_arena_array(c->a, nb + 1, sizeof *c->elems);
    for (size_t i = 0; i < nb; i++)
        c->n_kids[m->boundaries[i]->parent ? m->boundaries[i]->parent->index : root]++;
    for (size_t i = 0; i < m->n_elements; i++)
        c->n_elems[m->elements[i]->boundary ? m->elements[i]->boundary->index : root]++;
    for (size_t k = 0; k <= nb; k++) {
        c->kids[k] = tm_arena_array(c->a, c->n_kids[k] + 1, sizeof **c->kids);
        c->elems[k] = tm_arena_array(c->a, c->n_elems[k] + 1, sizeof **c->elems);
        c->n_kids[k] = c->n_elems[k] = 0;
    }
    for (size_t i = 0; i < nb; i++) {
        size_t k = m->boundaries[i]->parent ? m->boundaries[i]->parent->index : root;
        c->kids[k][c->n_kids[k]++] = i;
    }
    for (size_t i = 0; i < m->n_elements; i++) {
        size_t k = m->elements[i]->boundary ? m->elements[i]->boundary->index : root;
        c->elems[k][c->n_elems[k]++] = i;
    }
    /* Boundaries by depth (model order within a depth): measured deepest
     * first, placed outermost first. No recursion: nesting can be deep. */
    size_t *byd = S_depth_order(c);
    for (size_t i = nb; i-- > 0;)
        S_measure(c, byd[i], 1);
    S_measure(c, root, 0);
    c->ox[root] = S_MARGIN;
    c->oy[root] = S_MARGIN;
    S_place_elements(c, root);
    for (size_t i = 0; i < nb; i++) {
        const tm_boundary *b = m->boundaries[byd[i]];
        size_t k = b->parent ? b->parent->index : root;
        /* the box's own top-left, then its content origin */
        long long bx = c->ox[k] + c->rx[b->index], by = c->oy[k] + c->ry[b->index];
        c->rx[b->index] = bx;
        c->ry[b->index] = by;
        c->ox[b->index] = bx + S_PAD;
        c->oy[b->index] = by + S_HEAD;
        S_place_elements(c, b->index);
    }
}

/* ------------------------------------------------------------ threats */

static const char *S_td_status(tm_status s)
{
    switch (s) {
    case TM_STATUS_MITIGATED:
    case TM_STATUS_TRANSFERRED: return "Mitigated";
    case TM_STATUS_ACCEPTED:
    case TM_STATUS_FALSE_POSITIVE: return "NA";
    default: return "Open";
    }
}

static const char *S_td_severity(tm_severity s)
{
    return s >= TM_SEV_HIGH ? "High" : s == TM_SEV_MEDIUM ? "Medium" : "Low";
}

static tm_node *S_threat(S_ctx *c, const tm_threat *t)
{
    tm_node *o = S_obj(c);
    S_str(c, o, "id", S_uuid(c, "threat", t->id));
    S_str(c, o, "title", t->title);
    S_str(c, o, "status", S_td_status(t->status));
    S_str(c, o, "severity", S_td_severity(t->severity));
    const char *type = "";
    for (int k = 0; k < 6; k++)
        if (t->stride & (1u << k)) {
            type = tm_stride_name(k);
            break;
        }
    S_str(c, o, "type", type);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, t->description ? t->description : "");
    if (t->decision) {
        tm_buf_printf(&b, "\n\nReview decision: %s", tm_status_name(t->status));
        if (t->decision->justification)
            tm_buf_printf(&b, ". %s", t->decision->justification);
    }
    if (t->n_references) {
        tm_buf_puts(&b, "\n\nReferences: ");
        for (size_t i = 0; i < t->n_references; i++)
            tm_buf_printf(&b, "%s%s", i ? ", " : "", t->references[i]);
    }
    tm_buf_printf(&b, "\n\nstridec threat %s", t->id);
    S_str(c, o, "description", b.data);
    tm_buf_free(&b);
    S_str(c, o, "mitigation", t->mitigation);
    S_str(c, o, "modelType", "STRIDE");
    S_int(c, o, "number", ++c->number);
    S_str(c, o, "score", tm_severity_name(t->severity));
    if (t->rule)
        S_str(c, o, "ruleId", t->rule->id);
    if (t->status == TM_STATUS_IN_PROGRESS || t->status == TM_STATUS_ACCEPTED ||
        t->status == TM_STATUS_TRANSFERRED)
        S_str(c, o, "stridecStatus", tm_status_name(t->status));
    return o;
}

/* data.threats and data.hasOpenThreats of one cell. */
static int S_threats(S_ctx *c, tm_node *data, const tm_threat *const *ts, size_t n)
{
    tm_node *l = S_arr(c);
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        tm_node_list_push(c->a, l, S_threat(c, ts[i]));
        open |= tm_status_is_open(ts[i]->status);
    }
    S_bool(c, data, "hasOpenThreats", open);
    S_set(c, data, "threats", l);
    return open;
}

/* ------------------------------------------------------------- cells */

static int S_prop_true(const tm_node *props, const char *key)
{
    const tm_node *v = tm_prop(props, key);
    return v && v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_BOOL && v->bval;
}

static const char *S_prop_str(const tm_node *props, const char *key)
{
    const tm_node *v = tm_prop(props, key);
    return v && v->kind == TM_NODE_SCALAR &&
                   (v->stype == TM_SCALAR_STRING || v->stype == TM_SCALAR_TEXT)
               ? v->text
               : NULL;
}

/* Threat Dragon draws open threats red and out-of-scope parts dashed. */
static tm_node *S_stroke(S_ctx *c, int open, int oos, int line)
{
    tm_node *s = S_obj(c);
    S_str(c, s, "stroke", open ? "red" : "#333333");
    if (open)
        S_float(c, s, "strokeWidth", 2.5, "2.5");
    else
        S_float(c, s, "strokeWidth", 1.5, "1.5");
    /* Threat Dragon writes null for a solid line, but its schema wants a
     * string: "none" is the SVG word for the same. */
    S_str(c, s, "strokeDasharray", oos ? (line ? "2 2" : "4 3") : "none");
    return s;
}

static tm_node *S_ports(S_ctx *c, const char *id)
{
    static const char *const sides[4] = {"top", "right", "bottom", "left"};
    tm_node *ports = S_obj(c), *groups = S_obj(c), *items = S_arr(c);
    for (int i = 0; i < 4; i++) {
        tm_node *g = S_obj(c), *attrs = S_obj(c), *circle = S_obj(c), *style = S_obj(c);
        S_str(c, g, "position", sides[i]);
        S_int(c, circle, "r", 4);
        S_bool(c, circle, "magnet", 1);
        S_str(c, circle, "stroke", "#5F95FF");
        S_int(c, circle, "strokeWidth", 1);
        S_str(c, circle, "fill", "#fff");
        S_str(c, style, "visibility", "hidden");
        S_set(c, circle, "style", style);
        S_set(c, attrs, "circle", circle);
        S_set(c, g, "attrs", attrs);
        S_set(c, groups, sides[i], g);
        tm_node *it = S_obj(c);
        S_str(c, it, "group", sides[i]);
        S_str(c, it, "id", S_uuid(c, tm_arena_printf(c->a, "port-%s", sides[i]), id));
        tm_node_list_push(c->a, items, it);
    }
    S_set(c, ports, "groups", groups);
    S_set(c, ports, "items", items);
    return ports;
}

static tm_node *S_element_cell(S_ctx *c, const tm_element_info *ei)
{
    static const char *const shapes[3] = {"actor", "process", "store"};
    static const char *const types[3] = {"tm.Actor", "tm.Process", "tm.Store"};
    const tm_element *e = ei->el;
    tm_node *cell = S_obj(c), *data = S_obj(c), *attrs = S_obj(c), *text = S_obj(c);
    long long w, h;
    S_node_size(e->kind, &w, &h);
    S_set(c, cell, "position", S_point(c, c->ex[e->index], c->ey[e->index]));
    S_set(c, cell, "size", S_size(c, w, h));
    S_str(c, text, "text", e->name);
    S_set(c, cell, "attrs", attrs);
    S_bool(c, cell, "visible", 1);
    S_str(c, cell, "shape", shapes[e->kind]);
    S_int(c, cell, "zIndex", 1);
    S_set(c, cell, "ports", S_ports(c, e->id));
    S_str(c, cell, "id", S_uuid(c, "element", e->id));

    S_str(c, data, "type", types[e->kind]);
    S_str(c, data, "name", e->name);
    S_str(c, data, "description", e->description);
    S_bool(c, data, "outOfScope", e->out_of_scope);
    S_str(c, data, "reasonOutOfScope", e->reason);
    S_bool(c, data, "isTrustBoundary", 0);
    const tm_node *p = e->props;
    if (e->kind == TM_KIND_EXTERNAL) {
        S_bool(c, data, "providesAuthentication", S_prop_true(p, "provides_authentication"));
    } else if (e->kind == TM_KIND_PROCESS) {
        S_bool(c, data, "handlesCardPayment", S_prop_true(p, "handles_card_payment"));
        S_bool(c, data, "handlesGoodsOrServices", S_prop_true(p, "handles_goods_or_services"));
        S_bool(c, data, "isWebApplication", S_prop_true(p, "web_application"));
        S_str(c, data, "privilegeLevel", S_prop_str(p, "privilege_level"));
    } else {
        const char *enc = S_prop_str(p, "encryption");
        S_bool(c, data, "isALog", S_prop_true(p, "is_log"));
        S_bool(c, data, "isEncrypted",
               S_prop_true(p, "encrypted_at_rest") || (enc && strcmp(enc, "none") != 0));
        S_bool(c, data, "isSigned", S_prop_true(p, "signed"));
        S_bool(c, data, "storesCredentials", S_prop_true(p, "stores_credentials"));
        S_bool(c, data, "storesInventory", S_prop_true(p, "stores_inventory"));
    }
    /* What Threat Dragon has no field for, for `stridec import`. */
    S_str(c, data, "stridecType", e->type);
    if (e->props->n)
        S_set(c, data, "stridecProps", (tm_node *)e->props);
    int open = S_threats(c, data, ei->threats, ei->n_threats);
    S_set(c, attrs, "text", text);
    if (e->kind == TM_KIND_STORE) {
        S_set(c, attrs, "topLine", S_stroke(c, open, e->out_of_scope, 0));
        S_set(c, attrs, "bottomLine", S_stroke(c, open, e->out_of_scope, 0));
    } else {
        S_set(c, attrs, "body", S_stroke(c, open, e->out_of_scope, 0));
    }
    S_set(c, cell, "data", data);
    return cell;
}

static tm_node *S_flow_cell(S_ctx *c, const tm_flow_info *fi)
{
    const tm_flow *f = fi->flow;
    tm_node *cell = S_obj(c), *data = S_obj(c), *attrs = S_obj(c), *line = S_obj(c);
    S_str(c, cell, "shape", "flow");
    S_set(c, cell, "attrs", attrs);
    S_int(c, cell, "width", 200);
    S_int(c, cell, "height", 100);
    S_int(c, cell, "zIndex", 10);

    /* The label, as Threat Dragon writes it (an ellipse behind the text). */
    tm_node *labels = S_arr(c), *label = S_obj(c), *markup = S_arr(c), *la = S_obj(c);
    tm_node *lt = S_obj(c), *lb = S_obj(c), *m1 = S_obj(c), *m2 = S_obj(c), *pos = S_obj(c),
            *args = S_obj(c);
    S_str(c, m1, "tagName", "ellipse");
    S_str(c, m1, "selector", "labelBody");
    S_str(c, m2, "tagName", "text");
    S_str(c, m2, "selector", "labelText");
    tm_node_list_push(c->a, markup, m1);
    tm_node_list_push(c->a, markup, m2);
    S_set(c, label, "markup", markup);
    S_str(c, lt, "text", f->name);
    S_str(c, lt, "textAnchor", "middle");
    S_str(c, lt, "textVerticalAnchor", "middle");
    S_str(c, lb, "ref", "labelText");
    S_str(c, lb, "refRx", "50%");
    S_str(c, lb, "refRy", "60%");
    S_str(c, lb, "fill", "#fff");
    S_int(c, lb, "strokeWidth", 0);
    S_set(c, la, "labelText", lt);
    S_set(c, la, "labelBody", lb);
    S_set(c, label, "attrs", la);
    S_float(c, pos, "distance", 0.5, "0.5");
    S_bool(c, args, "keepGradient", 1);
    S_bool(c, args, "ensureLegibility", 1);
    S_set(c, pos, "args", args);
    S_set(c, label, "position", pos);
    tm_node_list_push(c->a, labels, label);
    S_set(c, cell, "labels", labels);
    S_str(c, cell, "connector", "smooth");

    int oos = S_prop_true(f->props, "out_of_scope");
    int pub = S_prop_true(f->props, "public_network");
    for (size_t i = 0; i < fi->n_crosses; i++)
        pub |= fi->crosses[i]->type && strcmp(fi->crosses[i]->type, "internet") == 0;
    S_str(c, data, "type", "tm.Flow");
    S_str(c, data, "name", f->name);
    S_str(c, data, "description", f->description);
    S_bool(c, data, "outOfScope", oos);
    S_str(c, data, "reasonOutOfScope", S_prop_str(f->props, "out_of_scope_reason"));
    S_bool(c, data, "isBidirectional", f->bidirectional);
    S_bool(c, data, "isEncrypted", f->encrypted == TM_TRI_TRUE);
    S_bool(c, data, "isPublicNetwork", pub);
    S_str(c, data, "protocol", f->protocol);
    S_bool(c, data, "isTrustBoundary", 0);
    tm_node *kept = S_obj(c);
    if (f->authenticated != TM_TRI_UNKNOWN)
        S_bool(c, kept, "authenticated", f->authenticated == TM_TRI_TRUE);
    if (f->authorization != TM_AUTHZ_UNKNOWN)
        S_str(c, kept, "authorization", tm_authz_name(f->authorization));
    if (f->trigger_given)
        S_bool(c, kept, "trigger", f->trigger);
    if (f->port)
        S_int(c, kept, "port", f->port);
    if (kept->n)
        S_set(c, data, "stridecFlow", kept);
    if (f->props->n)
        S_set(c, data, "stridecProps", (tm_node *)f->props);
    int open = S_threats(c, data, fi->threats, fi->n_threats);
    S_set(c, cell, "data", data);

    tm_node *st = S_stroke(c, open, oos, 1);
    tm_node *tmk = S_obj(c), *smk = S_obj(c);
    S_set(c, line, "stroke", st->pairs[0].value);
    S_set(c, line, "strokeWidth", st->pairs[1].value);
    S_str(c, tmk, "name", "block");
    S_set(c, line, "targetMarker", tmk);
    S_str(c, smk, "name", f->bidirectional ? "block" : "");
    S_set(c, line, "sourceMarker", smk);
    S_set(c, line, "strokeDasharray", st->pairs[2].value);
    S_set(c, attrs, "line", line);

    S_str(c, cell, "id", S_uuid(c, "flow", f->id));
    tm_node *src = S_obj(c), *dst = S_obj(c);
    S_str(c, src, "cell", S_uuid(c, "element", f->from->id));
    S_str(c, dst, "cell", S_uuid(c, "element", f->to->id));
    S_set(c, cell, "source", src);
    S_set(c, cell, "target", dst);
    S_set(c, cell, "vertices", S_arr(c));
    return cell;
}

static tm_node *S_box_cell(S_ctx *c, const tm_boundary_info *bi)
{
    const tm_boundary *b = bi->b;
    tm_node *cell = S_obj(c), *data = S_obj(c), *attrs = S_obj(c), *ht = S_obj(c);
    S_set(c, cell, "position", S_point(c, c->rx[b->index], c->ry[b->index]));
    S_set(c, cell, "size", S_size(c, c->w[b->index], c->h[b->index]));
    S_str(c, ht, "text", b->name);
    S_set(c, attrs, "headerText", ht);
    S_set(c, cell, "attrs", attrs);
    S_bool(c, cell, "visible", 1);
    S_str(c, cell, "shape", "trust-boundary-box");
    S_int(c, cell, "zIndex", -100 + (long long)(b->depth < 40 ? b->depth : 40));
    S_str(c, cell, "id", S_uuid(c, "boundary", b->id));
    S_str(c, data, "type", "tm.BoundaryBox");
    S_str(c, data, "name", b->name);
    S_str(c, data, "description", b->description);
    S_bool(c, data, "isTrustBoundary", 1);
    if (b->type)
        S_str(c, data, "stridecType", b->type);
    S_threats(c, data, bi->threats, bi->n_threats);
    S_set(c, cell, "data", data);
    return cell;
}

/* -------------------------------------------------------------- model */

int tm_render_threatdragon(const tm_analysis *a, const tm_render_opts *o, tm_buf *out,
                           tm_diags *d)
{
    (void)o;
    const tm_model *m = a->model;
    S_ctx c;
    memset(&c, 0, sizeof c);
    c.a = tm_arena_new();
    c.an = a;
    S_layout(&c);

    tm_node *cells = S_arr(&c);
    /* Boxes (their zIndex puts outer ones below inner ones), elements, flows,
     * each in model order: importing the file again keeps the order. */
    for (size_t i = 0; i < m->n_boundaries; i++)
        tm_node_list_push(c.a, cells, S_box_cell(&c, &a->boundaries[i]));
    for (size_t i = 0; i < m->n_elements; i++)
        tm_node_list_push(c.a, cells, S_element_cell(&c, &a->elements[i]));
    for (size_t i = 0; i < m->n_flows; i++)
        tm_node_list_push(c.a, cells, S_flow_cell(&c, &a->flows[i]));

    /* Threats without a cell: a note on the diagram (a text block, which
     * `stridec import` leaves out). */
    size_t elsewhere = 0;
    for (size_t i = 0; i < a->n_threats; i++) {
        tm_target_type t = a->threats[i]->target_type;
        elsewhere += t != TM_TARGET_ELEMENT && t != TM_TARGET_FLOW && t != TM_TARGET_BOUNDARY;
    }
    if (elsewhere) {
        const char *note = tm_arena_printf(
            c.a,
            "stridec also found %zu threat%s on identities, artifacts or the model as a whole;\n"
            "they have no cell here: see the stridec report.",
            elsewhere, elsewhere == 1 ? "" : "s");
        tm_node *cell = S_obj(&c), *attrs = S_obj(&c), *text = S_obj(&c), *data = S_obj(&c);
        S_set(&c, cell, "position", S_point(&c, S_MARGIN, S_MARGIN + c.h[m->n_boundaries] + S_GAP));
        S_set(&c, cell, "size", S_size(&c, 520, 60));
        S_str(&c, text, "text", note);
        S_set(&c, attrs, "text", text);
        S_set(&c, cell, "attrs", attrs);
        S_bool(&c, cell, "visible", 1);
        S_str(&c, cell, "shape", "td-text-block");
        S_int(&c, cell, "zIndex", 20);
        S_str(&c, cell, "id", S_uuid(&c, "note", "threats-without-cell"));
        S_str(&c, data, "type", "tm.Text");
        S_str(&c, data, "name", note);
        S_bool(&c, data, "hasOpenThreats", 0);
        S_set(&c, cell, "data", data);
        tm_node_list_push(c.a, cells, cell);
    }

    tm_node *root = S_obj(&c), *summary = S_obj(&c), *detail = S_obj(&c);
    S_str(&c, root, "version", S_TD_VERSION);
    S_str(&c, summary, "title", m->system.name);
    S_str(&c, summary, "owner", m->system.owner);
    S_str(&c, summary, "description", m->system.description);
    S_int(&c, summary, "id", 0);
    S_set(&c, root, "summary", summary);

    S_set(&c, detail, "contributors", S_arr(&c));
    tm_node *diagrams = S_arr(&c), *dg = S_obj(&c);
    S_int(&c, dg, "id", 0);
    S_str(&c, dg, "title", m->system.name);
    S_str(&c, dg, "diagramType", "STRIDE");
    S_str(&c, dg, "placeholder", "New STRIDE diagram description");
    S_str(&c, dg, "thumbnail", "./public/content/images/thumbnail.stride.jpg");
    S_str(&c, dg, "version", S_TD_VERSION);
    S_str(&c, dg, "description", "");
    S_set(&c, dg, "cells", cells);
    tm_node_list_push(c.a, diagrams, dg);
    S_set(&c, detail, "diagrams", diagrams);
    S_int(&c, detail, "diagramTop", 1);
    tm_buf rev;
    tm_buf_init(&rev, 0);
    for (size_t i = 0; i < m->system.n_reviewers; i++)
        tm_buf_printf(&rev, "%s%s", i ? ", " : "", m->system.reviewers[i]);
    S_str(&c, detail, "reviewer", rev.data);
    tm_buf_free(&rev);
    S_int(&c, detail, "threatTop", (long long)c.number);
    S_set(&c, root, "detail", detail);

    int rc = tm_write_json(root, out, 1);
    if (rc != 0)
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "the Threat Dragon model is larger than the output limit");
    tm_arena_free(c.a);
    return rc;
}
