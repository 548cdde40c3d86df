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

#include "render/render_impl.h"

typedef struct tm_dfd tm_dfd;

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
/* Number of element nodes of the model drawn in a part (tests: node counts). */
size_t tm_dfd_element_nodes(const tm_dfd *dfd, size_t part);

/* Append a part's DOT text to out. 0, or -1 when out hit its limit. */
int tm_dfd_write_dot(const tm_dfd *dfd, size_t part, tm_buf *out);

/* A part as a cgraph graph, ready for gvLayout. Caller closes with agclose. */
Agraph_t *tm_dfd_agraph(const tm_dfd *dfd, size_t part);

/* Render part `part` of the run's diagram as "svg" or "png" into out, laying
 * it out once per run (the layout is kept in the render cache). HTML and PDF
 * renderers embed the main diagram through this (part 0); it adds no extra
 * outputs. 0 on success; -1 with a diagnostic. */
int tm_dfd_render_image(const tm_analysis *a, const tm_render_opts *o, const char *format,
                        size_t part, tm_buf *out, tm_diags *d);

#endif
