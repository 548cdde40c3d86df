/*
 * A scene (scene.h) as SVG: dfd.svg and the diagram inside report.html.
 *
 * Written like Graphviz's own SVG (one <g> per cluster, node and edge, the
 * same shapes, dash patterns and text attributes), with what Graphviz could
 * not give us: each object's <title> is its tooltip (what it is and its open
 * threats, from tm_dfd_link), and its drawing is a link to its section in
 * the report (or, for a collapsed boundary in dfd.svg, to the diagram of its
 * inside). Every string is escaped here, whatever it is: text Graphviz
 * measured (model names, decoded from the label's entities), titles, ids and
 * links. Output is deterministic: numbers are written from the layout's
 * coordinates rounded to 1/100 point.
 */
#include <math.h>
#include <string.h>

#include "render/dfd/scene.h"

/* Coordinates with at most two decimals, trailing zeros dropped (as
 * Graphviz writes them), never "-0". */
static void S_num(tm_buf *b, double v)
{
    long long c = llround(v * 100.0);
    if (c == 0) {
        tm_buf_putc(b, '0');
        return;
    }
    if (c < 0) {
        tm_buf_putc(b, '-');
        c = -c;
    }
    tm_buf_printf(b, "%lld", c / 100);
    int frac = (int)(c % 100);
    if (frac)
        tm_buf_printf(b, frac % 10 ? ".%02d" : ".%d", frac % 10 ? frac : frac / 10);
}

/* Text for XML character data and attribute values: markup escaped, and
 * what XML 1.0 does not allow (C0 controls but tab and newline, U+FFFE,
 * U+FFFF) or what a reader would not want (C1 controls) dropped. With
 * `hard_spaces`, a space at either end or after another is written as a
 * no-break space: each text span is placed where Graphviz measured it,
 * spaces included, and SVG drops such spaces ("48 Push" read "48Push"). */
static void S_xml_ex(tm_buf *b, const char *s, bool hard_spaces)
{
    size_t n = s ? strlen(s) : 0, last = n;
    while (hard_spaces && last > 0 && s[last - 1] == ' ')
        last--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' && hard_spaces && (i == 0 || i >= last || s[i - 1] == ' ')) {
            tm_buf_puts(b, "&#160;");
            continue;
        }
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            continue;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F) {
            i++;
            continue;
        }
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)) {
            i += 2;
            continue;
        }
        switch (c) {
        case '&': tm_buf_puts(b, "&amp;"); break;
        case '<': tm_buf_puts(b, "&lt;"); break;
        case '>': tm_buf_puts(b, "&gt;"); break;
        case '"': tm_buf_puts(b, "&quot;"); break;
        case '\'': tm_buf_puts(b, "&#39;"); break;
        default: tm_buf_putc(b, (char)c); break;
        }
    }
}

static void S_xml(tm_buf *b, const char *s)
{
    S_xml_ex(b, s, false);
}

static void S_colour(tm_buf *b, const char *attr, tm_rgba c)
{
    if (c.a == 0) {
        tm_buf_printf(b, " %s=\"none\"", attr);
        return;
    }
    tm_buf_printf(b, " %s=\"#%02x%02x%02x\"", attr, c.r, c.g, c.b);
    if (c.a != 255)
        tm_buf_printf(b, " %s-opacity=\"%.3f\"", attr, c.a / 255.0);
}

typedef struct {
    tm_buf *b;
    double x0, y1; /* the scene's left and top: SVG's y grows downwards */
} S_w;

static void S_point(S_w *w, const double *pt, char sep)
{
    S_num(w->b, pt[0] - w->x0);
    tm_buf_putc(w->b, sep);
    S_num(w->b, w->y1 - pt[1]);
}

static void S_paint(S_w *w, const tm_op *op)
{
    S_colour(w->b, "fill", op->filled ? op->fill : (tm_rgba){0, 0, 0, 0});
    if (op->pen == TM_PEN_NONE) {
        tm_buf_puts(w->b, " stroke=\"none\"");
        return;
    }
    S_colour(w->b, "stroke", op->stroke);
    if (op->penwidth != 1.0) {
        tm_buf_puts(w->b, " stroke-width=\"");
        S_num(w->b, op->penwidth);
        tm_buf_putc(w->b, '"');
    }
    if (op->pen == TM_PEN_DASHED)
        tm_buf_puts(w->b, " stroke-dasharray=\"5,2\"");
    else if (op->pen == TM_PEN_DOTTED)
        tm_buf_puts(w->b, " stroke-dasharray=\"1,5\"");
}

static void S_op(S_w *w, const tm_op *op)
{
    tm_buf *b = w->b;
    switch (op->kind) {
    case TM_OP_POLYGON:
    case TM_OP_POLYLINE:
        tm_buf_puts(b, op->kind == TM_OP_POLYGON ? "<polygon" : "<polyline");
        S_paint(w, op);
        tm_buf_puts(b, " points=\"");
        for (size_t i = 0; i < op->n; i++) {
            if (i)
                tm_buf_putc(b, ' ');
            S_point(w, op->pt + 2 * i, ',');
        }
        tm_buf_puts(b, "\"/>\n");
        break;
    case TM_OP_BEZIER:
        tm_buf_puts(b, "<path");
        S_paint(w, op);
        tm_buf_puts(b, " d=\"M");
        for (size_t i = 0; i < op->n; i++) {
            if (i == 1)
                tm_buf_putc(b, 'C');
            else if (i > 1)
                tm_buf_putc(b, ' ');
            S_point(w, op->pt + 2 * i, ',');
        }
        tm_buf_puts(b, "\"/>\n");
        break;
    case TM_OP_ELLIPSE:
        if (op->n < 2)
            break;
        tm_buf_puts(b, "<ellipse");
        S_paint(w, op);
        tm_buf_puts(b, " cx=\"");
        S_num(b, op->pt[0] - w->x0);
        tm_buf_puts(b, "\" cy=\"");
        S_num(b, w->y1 - op->pt[1]);
        tm_buf_puts(b, "\" rx=\"");
        S_num(b, fabs(op->pt[2] - op->pt[0]));
        tm_buf_puts(b, "\" ry=\"");
        S_num(b, fabs(op->pt[3] - op->pt[1]));
        tm_buf_puts(b, "\"/>\n");
        break;
    case TM_OP_TEXT:
        tm_buf_printf(b, "<text text-anchor=\"%s\" x=\"",
                      op->just == 'l' ? "start" : op->just == 'r' ? "end" : "middle");
        S_num(b, op->pt[0] - w->x0);
        tm_buf_puts(b, "\" y=\"");
        S_num(b, w->y1 - op->pt[1]);
        tm_buf_puts(b, "\" font-family=\"");
        S_xml(b, op->font);
        tm_buf_puts(b, ",sans-serif\"");
        if (op->bold)
            tm_buf_puts(b, " font-weight=\"bold\"");
        if (op->italic)
            tm_buf_puts(b, " font-style=\"italic\"");
        tm_buf_printf(b, " font-size=\"%.2f\"", op->size);
        S_colour(b, "fill", op->stroke);
        tm_buf_putc(b, '>');
        S_xml_ex(b, op->text, true);
        tm_buf_puts(b, "</text>\n");
        break;
    }
}

static const char *const S_class[] = {"graph", "cluster", "node", "edge"};

static void S_href(tm_buf *b, const tm_dfd_link *l, tm_svg_mode mode)
{
    tm_buf_puts(b, "<a xlink:href=\"");
    if (mode == TM_SVG_FILE && l->part) {
        S_xml(b, l->part);
        tm_buf_puts(b, ".svg");
    } else {
        if (mode == TM_SVG_FILE)
            tm_buf_puts(b, "report.html");
        tm_buf_putc(b, '#');
        S_xml(b, l->anchor);
    }
    tm_buf_puts(b, "\">\n");
}

int tm_scene_svg(const tm_dfd_scene *s, tm_svg_mode mode, tm_buf *out)
{
    double w = tm_box_width(&s->box), h = tm_box_height(&s->box);
    if (mode == TM_SVG_FILE)
        tm_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    tm_buf_printf(out, "<svg width=\"%.0fpt\" height=\"%.0fpt\" viewBox=\"0 0 ", ceil(w), ceil(h));
    S_num(out, w);
    tm_buf_putc(out, ' ');
    S_num(out, h);
    tm_buf_puts(out, "\" xmlns=\"http://www.w3.org/2000/svg\" "
                     "xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n");
    if (s->title) {
        tm_buf_puts(out, "<title>");
        S_xml(out, s->title);
        tm_buf_puts(out, "</title>\n");
    }
    S_w wr = {out, s->box.llx, s->box.ury};
    for (size_t i = 0; i < s->n_objs; i++) {
        const tm_obj *ob = &s->objs[i];
        if (ob->n == 0 && !ob->link)
            continue;
        bool group = ob->kind != TM_OBJ_GRAPH;
        if (group) {
            tm_buf_printf(out, "<g class=\"%s\"", S_class[ob->kind]);
            if (ob->gid) {
                tm_buf_puts(out, " id=\"dfd-");
                S_xml(out, ob->gid);
                tm_buf_putc(out, '"');
            }
            tm_buf_puts(out, ">\n");
            if (ob->link) {
                tm_buf_puts(out, "<title>");
                S_xml(out, ob->link->title);
                tm_buf_puts(out, "</title>\n");
                S_href(out, ob->link, mode);
            }
        }
        for (size_t k = 0; k < ob->n; k++)
            S_op(&wr, &s->ops[ob->first + k]);
        if (group)
            tm_buf_puts(out, ob->link ? "</a>\n</g>\n" : "</g>\n");
    }
    tm_buf_puts(out, "</svg>\n");
    return out->failed ? -1 : 0;
}
