/* Building a scene (scene.h): growing arrays of operations and objects,
 * with the boxes the SVG and PDF writers cull and link by. */
#include <stdlib.h>
#include <string.h>

#include "render/dfd/scene.h"

tm_dfd_scene *tm_scene_new(void)
{
    tm_dfd_scene *s = tm_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->ar = tm_arena_new();
    s->box = (tm_box){1, 1, 0, 0};
    return s;
}

void tm_scene_free(tm_dfd_scene *s)
{
    if (!s)
        return;
    free(s->ops);
    free(s->objs);
    tm_arena_free(s->ar);
    free(s);
}

static void S_grow(tm_box *b, double x, double y, double r)
{
    if (tm_box_empty(b)) {
        *b = (tm_box){x - r, y - r, x + r, y + r};
        return;
    }
    if (x - r < b->llx)
        b->llx = x - r;
    if (y - r < b->lly)
        b->lly = y - r;
    if (x + r > b->urx)
        b->urx = x + r;
    if (y + r > b->ury)
        b->ury = y + r;
}

void tm_scene_begin(tm_dfd_scene *s, tm_obj_kind kind, const char *gid, const tm_dfd_link *link)
{
    if (s->n_objs == s->cap_objs) {
        s->cap_objs = s->cap_objs ? s->cap_objs * 2 : 64;
        s->objs = tm_xrealloc(s->objs, s->cap_objs * sizeof *s->objs);
    }
    tm_obj *o = &s->objs[s->n_objs++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->gid = gid ? tm_arena_strdup(s->ar, gid) : NULL;
    o->link = link;
    o->first = s->n_ops;
    o->box = o->label = (tm_box){1, 1, 0, 0};
    s->open = true;
}

void tm_scene_end(tm_dfd_scene *s)
{
    s->open = false;
}

void tm_scene_add(tm_dfd_scene *s, const tm_op *op)
{
    if (!s->open)
        tm_scene_begin(s, TM_OBJ_GRAPH, NULL, NULL);
    if (s->n_ops == s->cap_ops) {
        s->cap_ops = s->cap_ops ? s->cap_ops * 2 : 256;
        s->ops = tm_xrealloc(s->ops, s->cap_ops * sizeof *s->ops);
    }
    tm_op *o = &s->ops[s->n_ops++];
    *o = *op;
    double *pt = tm_arena_array(s->ar, op->n ? 2 * op->n : 1, sizeof *pt);
    if (op->n)
        memcpy(pt, op->pt, 2 * op->n * sizeof *pt);
    o->pt = pt;
    if (op->text)
        o->text = tm_arena_strdup(s->ar, op->text);
    if (op->font)
        o->font = tm_arena_strdup(s->ar, op->font);
    tm_obj *ob = &s->objs[s->n_objs - 1];
    ob->n++;
    if (op->kind == TM_OP_TEXT) {
        /* the text's extent: its width, an ascent of about 0.9 size and a
         * descent of 0.25 size around the baseline */
        double x0 = op->n ? pt[0] : 0, y0 = op->n ? pt[1] : 0;
        double left = op->just == 'l' ? x0 : op->just == 'r' ? x0 - op->width : x0 - op->width / 2;
        S_grow(&ob->label, left, y0 - 0.25 * op->size, 0);
        S_grow(&ob->label, left + op->width, y0 + 0.9 * op->size, 0);
        S_grow(&ob->box, left, y0 - 0.25 * op->size, 0);
        S_grow(&ob->box, left + op->width, y0 + 0.9 * op->size, 0);
        return;
    }
    double r = op->pen == TM_PEN_NONE ? 0 : op->penwidth / 2;
    if (op->kind == TM_OP_ELLIPSE && op->n >= 2) {
        double rx = pt[2] - pt[0], ry = pt[3] - pt[1];
        S_grow(&ob->box, pt[0] - rx, pt[1] - ry, r);
        S_grow(&ob->box, pt[0] + rx, pt[1] + ry, r);
        return;
    }
    /* a Bézier stays inside the hull of its control points */
    for (size_t i = 0; i < op->n; i++)
        S_grow(&ob->box, pt[2 * i], pt[2 * i + 1], r);
}

bool tm_box_empty(const tm_box *b)
{
    return b->llx > b->urx || b->lly > b->ury;
}

bool tm_box_overlaps(const tm_box *a, const tm_box *b)
{
    return !tm_box_empty(a) && !tm_box_empty(b) && a->llx <= b->urx && b->llx <= a->urx &&
           a->lly <= b->ury && b->lly <= a->ury;
}

double tm_box_width(const tm_box *b)
{
    return tm_box_empty(b) ? 0 : b->urx - b->llx;
}

double tm_box_height(const tm_box *b)
{
    return tm_box_empty(b) ? 0 : b->ury - b->lly;
}
