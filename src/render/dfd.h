/*
 * The data-flow diagram shared by the DOT renderer (dot.c) and the image
 * renderers (image.c). Private to src/render/.
 *
 * dot.c turns an analysis into one or more diagrams ("parts"): part 0 is the
 * main diagram (the whole model, or, above the split threshold, an overview
 * with each top-level boundary collapsed to one node); parts 1.. are one
 * diagram per top-level boundary in split mode. Each part can be written as
 * DOT text (deterministic) or built as a cgraph graph for layout. All of
 * Graphviz's `char *` casts live in dot.c; image.c only lays out and renders.
 */
#ifndef STRIDEC_RENDER_DFD_H
#define STRIDEC_RENDER_DFD_H

#include <cgraph.h>
#include <stdbool.h>

#include "render/render_impl.h"

typedef struct tm_dfd tm_dfd;

/* What a drawn object stands for, so that every format can link it to its
 * section in the reports and give it a tooltip. Built with the diagram and
 * owned by it. */
typedef enum {
    TM_DFD_LINK_ELEMENT,  /* an element's node (index: into the model's elements) */
    TM_DFD_LINK_FLOW,     /* one flow's edge (index: into the flows) */
    TM_DFD_LINK_BOUNDARY, /* a boundary's cluster, or its collapsed node (index: boundaries) */
    TM_DFD_LINK_FLOWS     /* an aggregated edge of several flows (key: the collapsed
                             boundary whose crossings list them, else its first flow) */
} tm_dfd_link_kind;

typedef struct {
    tm_dfd_link_kind kind;
    size_t index;
    const char *key;    /* "element:ID", "flow:ID" or "boundary:ID" */
    const char *anchor; /* its section in report.html (tm_report_anchor) */
    const char *part;   /* a collapsed boundary: the stem of the diagram of its inside */
    const char *title;  /* plain UTF-8, newline-separated, bounded: what it is, its open threats */
    bool home;          /* drawn as itself, not as the outside end of another boundary's flows */
} tm_dfd_link;

/* Build the diagram(s) for an analysis with the options' direction, implicit
 * entry points and split threshold. Never fails (out of memory aborts).
 * Caller frees with tm_dfd_free. */
tm_dfd *tm_dfd_build(const tm_analysis *a, const tm_render_opts *o);
void tm_dfd_free(tm_dfd *dfd);

/* The diagram built for this run, shared through the render cache (built on
 * first use; owned by the cache, or by *owned when o is NULL: then the caller
 * frees *owned with tm_dfd_free). */
const tm_dfd *tm_dfd_get(const tm_analysis *a, const tm_render_opts *o, tm_dfd **owned);

size_t tm_dfd_count(const tm_dfd *dfd);
/* File name stem of a part: "dfd" for part 0, "dfd-BOUNDARY" (sanitized) for the others. */
const char *tm_dfd_stem(const tm_dfd *dfd, size_t part);
/* A part's title as plain text ("Shop: data-flow diagram, overview ..."). */
const char *tm_dfd_title(const tm_dfd *dfd, size_t part);
/* Number of element nodes of the model drawn in a part (tests: node counts). */
size_t tm_dfd_element_nodes(const tm_dfd *dfd, size_t part);

/* The link of the object whose Graphviz `id` is gid in a part's cgraph
 * graph, or NULL (the legend, invisible edges, implicit entry points). */
const tm_dfd_link *tm_dfd_link_of(const tm_dfd *dfd, size_t part, const char *gid);

/* Append a part's DOT text to out. 0, or -1 when out hit its limit. */
int tm_dfd_write_dot(const tm_dfd *dfd, size_t part, tm_buf *out);

/* A part as a cgraph graph, ready for gvLayout. Caller closes with agclose. */
Agraph_t *tm_dfd_agraph(const tm_dfd *dfd, size_t part);

#endif
