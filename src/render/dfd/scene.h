/*
 * A laid-out data-flow diagram as drawing operations: what Graphviz draws
 * for one part, recorded once from its layout (image.c registers a render
 * plugin that writes into a scene instead of a file) and then drawn as SVG
 * (svg.c: dfd.svg and the report's inline diagram) and onto PDF pages
 * (pdf.c). Private to src/render/.
 *
 * Coordinates are Graphviz's: points, y up, within `box` (the drawing with
 * its pad). Operations are grouped by the object that drew them (the graph
 * itself, a cluster, a node, an edge); an object knows the tm_dfd_link of
 * what it stands for, so every format can link it to its section in the
 * reports. All memory belongs to the scene's arena.
 */
#ifndef STRIDEC_RENDER_DFD_SCENE_H
#define STRIDEC_RENDER_DFD_SCENE_H

#include <stdbool.h>
#include <stddef.h>

#include "render/dfd.h"

typedef struct {
    unsigned char r, g, b, a; /* a == 0: nothing is painted */
} tm_rgba;

typedef struct {
    double llx, lly, urx, ury; /* empty when llx > urx */
} tm_box;

typedef enum {
    TM_OP_POLYGON,  /* closed; pt: n corners */
    TM_OP_POLYLINE, /* open; pt: n points */
    TM_OP_BEZIER,   /* cubic pieces: pt[0], then 3 points per piece */
    TM_OP_ELLIPSE,  /* pt[0]: centre, pt[1]: centre + (rx, ry) */
    TM_OP_TEXT      /* pt[0]: the start of the baseline (after `just`, see below) */
} tm_op_kind;

typedef enum { TM_PEN_SOLID, TM_PEN_DASHED, TM_PEN_DOTTED, TM_PEN_NONE } tm_pen;

typedef struct {
    tm_op_kind kind;
    tm_pen pen;
    bool filled;
    tm_rgba stroke, fill; /* text: stroke is its colour */
    double penwidth;
    size_t n;
    const double *pt; /* 2n numbers: x0, y0, x1, y1, ... */
    /* text only */
    const char *text; /* UTF-8 as Graphviz measured it (entities decoded) */
    const char *font; /* family, e.g. "DejaVu Sans" */
    double size;      /* points */
    double width;     /* as Graphviz measured it */
    char just;        /* 'l': pt is the left end, 'r': the right end, 'n': the middle */
    bool bold, italic;
} tm_op;

typedef enum { TM_OBJ_GRAPH, TM_OBJ_CLUSTER, TM_OBJ_NODE, TM_OBJ_EDGE } tm_obj_kind;

typedef struct {
    tm_obj_kind kind;
    const char *gid;          /* the description's generated id ("e12", "edge3"), or NULL */
    const tm_dfd_link *link;  /* what it stands for, or NULL */
    size_t first, n;          /* its operations: ops[first .. first + n) */
    tm_box box;               /* of all its operations (pens included) */
    tm_box label;             /* of its text (empty without text) */
} tm_obj;

typedef struct tm_dfd_scene {
    tm_arena *ar;
    tm_box box; /* the whole drawing, pad included */
    tm_op *ops;
    size_t n_ops, cap_ops;
    tm_obj *objs;
    size_t n_objs, cap_objs;
    bool open; /* the last object is still being drawn */
    const char *title; /* plain text: system name and part, for the SVG's <title> */
} tm_dfd_scene;

/* ---- building (image.c's recorder) */

tm_dfd_scene *tm_scene_new(void); /* caller frees with tm_scene_free */
void tm_scene_free(tm_dfd_scene *s);
/* Start an object; operations added until the next tm_scene_begin belong
 * to it (Graphviz does not nest nodes, edges or clusters). */
void tm_scene_begin(tm_dfd_scene *s, tm_obj_kind kind, const char *gid, const tm_dfd_link *link);
/* End the current object: what follows belongs to the graph itself. */
void tm_scene_end(tm_dfd_scene *s);
/* Add an operation (its points and strings are copied) to the current object. */
void tm_scene_add(tm_dfd_scene *s, const tm_op *op);

/* ---- reading */

bool tm_box_empty(const tm_box *b);
bool tm_box_overlaps(const tm_box *a, const tm_box *b);
double tm_box_width(const tm_box *b);
double tm_box_height(const tm_box *b);

/* The run's scene of part `part`, laid out and recorded once per run
 * (image.c; kept in the render cache, so o must not be NULL). NULL after a
 * diagnostic when Graphviz could not lay it out. */
const tm_dfd_scene *tm_dfd_scene_get(const tm_analysis *a, const tm_render_opts *o, size_t part,
                                     tm_diags *d);

/* ---- SVG (svg.c) */

typedef enum {
    TM_SVG_FILE,  /* dfd.svg: links go to report.html#ANCHOR, collapsed boundaries to their
                     own dfd-BOUNDARY.svg; an XML declaration first */
    TM_SVG_INLINE /* inside report.html: links to #ANCHOR; ids prefixed so they stay unique */
} tm_svg_mode;

/* Append the scene as an SVG document. 0, or -1 when out hit its limit. */
int tm_scene_svg(const tm_dfd_scene *s, tm_svg_mode mode, tm_buf *out);

#endif
