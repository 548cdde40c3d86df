/* Private to the renderers. */
#ifndef STRIDEC_RENDER_IMPL_H
#define STRIDEC_RENDER_IMPL_H

#include "stridec/analysis.h"
#include "stridec/render.h"

/* What renderers of one run share through tm_render_opts.cache (e.g. the
 * laid-out DFD, so SVG, PNG, HTML and PDF do not lay it out again). The
 * first renderer that needs it creates it; tm_render_cache_free calls
 * `release` on each entry. */
typedef struct tm_render_cache_entry {
    const char *key;
    void *data;
    void (*release)(void *data);
    struct tm_render_cache_entry *next;
} tm_render_cache_entry;

/* The cached value for key, or NULL. */
void *tm_render_cache_get(const tm_render_opts *o, const char *key);
/* Store a value (o->cache is mutable shared state of the run, hence the cast). */
void tm_render_cache_put(const tm_render_opts *o, const char *key, void *data,
                         void (*release)(void *data));

/*
 * The report data tree: everything the human-readable reports (HTML,
 * Markdown, PDF) show, derived once from the analysis. Templates and the PDF
 * writer only lay it out; they compute nothing. Owned by `arena`.
 * Shape documented in share/stridec/doc/report-data.md.
 */
tm_node *tm_report_data(const tm_analysis *a, const tm_render_opts *o, tm_arena *arena);

/* The anchor of a part's section in the reports: its threats ("t-KIND-ID",
 * the weak-points group) when it has any, else its own row or block
 * ("KIND-ID": the element and flow tables, the boundary's crossings).
 * kind: "element", "flow", "boundary", ... One format for the report data,
 * the templates' row ids and the diagrams' links. Owned by ar. */
const char *tm_report_anchor(tm_arena *ar, const char *kind, const char *id, bool threats);

/* Display names used by every report. */
const char *tm_stride_name(int letter_index); /* 0..5: "Spoofing", ... */

#endif
