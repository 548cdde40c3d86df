/*
 * Renderers: each output format is one file in src/render/ with one entry
 * point of this shape, and one line in the format table (render.c).
 */
#ifndef STRIDEC_RENDER_H
#define STRIDEC_RENDER_H

#include "analysis.h"
#include "base.h"
#include "diff.h"

typedef enum { TM_PAPER_A4, TM_PAPER_LETTER } tm_paper;

typedef struct tm_outputs tm_outputs;

typedef struct {
    const char *date;         /* --date, else the model's system.date, else none */
    const char *template_dir; /* --template DIR; NULL: the built-in templates */
    tm_paper paper;
    int dfd_implicit;          /* --dfd-implicit: draw management-plane entry points */
    const char *dfd_direction; /* "TB" (default) or "LR" */
    const char *dfd_path;      /* --dfd-path ID: draw this attack path alone (NULL: all) */
    size_t dfd_split_threshold; /* elements above which the DFD is split per boundary (0: 150) */
    /* Extra files a renderer produces besides its main output (per-boundary
     * diagrams): the renderer adds them here; the CLI writes them. NULL: none wanted. */
    tm_outputs *extra;
    /* Shared between renderers of one run so the DFD is laid out once. */
    void *cache;
    /* report --watch: report.html reloads itself in the browser when it is
     * rewritten (it polls report-reload.js, an extra output). */
    int live_reload;
} tm_render_opts;

/* The extra output that tells a live-reloading report.html which report is
 * current (tm_render_opts.live_reload). */
#define TM_RELOAD_FILE "report-reload.js"

typedef int (*tm_render_fn)(const tm_analysis *a, const tm_render_opts *o, tm_buf *out,
                            tm_diags *d);

typedef struct {
    const char *name;     /* format name for -f: "json" */
    const char *filename; /* default output file: "threats.json" */
    tm_render_fn render;
    /* 1 when the renderer only appends to its buffer and never reads back
     * what it wrote: the CLI may then stream it to the file (tm_buf_spill). */
    int streams;
} tm_format;

/* The format table, in the default output order. */
extern const tm_format tm_formats[];
extern const size_t tm_n_formats;
const tm_format *tm_format_find(const char *name);

/* The terminal style of a severity (low cyan ... critical bold red). */
tm_style tm_severity_style(tm_severity s);

/* Extra outputs (name relative to the output folder, bytes). */
tm_outputs *tm_outputs_new(void); /* caller frees */
void tm_outputs_free(tm_outputs *o);
void tm_outputs_add(tm_outputs *o, const char *name, const char *data, size_t len);
size_t tm_outputs_count(const tm_outputs *o);
const char *tm_outputs_name(const tm_outputs *o, size_t i);
const char *tm_outputs_data(const tm_outputs *o, size_t i, size_t *len);

/* Release what renderers put into o->cache (the CLI calls it after a run). */
void tm_render_cache_free(tm_render_opts *o);

int tm_render_json(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
int tm_render_sarif(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
/* One SARIF log with one run per analysis (check --format sarif with several
 * models); tm_render_sarif is this with one. */
int tm_render_sarif_runs(const tm_analysis *const *runs, size_t n, const tm_render_opts *o, tm_buf *out,
                         tm_diags *d);
int tm_render_dot(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
int tm_render_svg(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
int tm_render_png(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
int tm_render_html(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
int tm_render_md(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
int tm_render_csv(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);
int tm_render_pdf(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d);

/* ---- stridec diff output: compiler-style text and JSON (shape documented in
 * share/stridec/doc/diff.md). Both deterministic: same diff, same bytes. ---- */

/* Which lines the text output has. */
typedef enum {
    TM_DIFF_TEXT_ALL,     /* one line per change, then the summary */
    TM_DIFF_TEXT_SUMMARY, /* the summary line only (--quiet) */
    TM_DIFF_TEXT_THREATS  /* the threat lines only, no summary (report --watch) */
} tm_diff_text_lines;

typedef struct {
    /* --fail-on: the gate on introduced threats, reported in the summary;
     * TM_SEV_NONE when not asked for. */
    tm_severity fail_on;
    tm_diff_text_lines lines; /* text only */
    int color;                /* text only: styled for a terminal (tm_buf_style) */
} tm_diff_render_opts;

/* One line per change, `FILE:LINE:COL: what`, then a summary line.
 * Model text is written printable (no control characters reach a terminal).
 * 0, or -1 when the output limit was reached. */
int tm_render_diff_text(const tm_diff *df, const tm_diff_render_opts *o, tm_buf *out);
/* The same as one JSON document (pretty, ends with a newline). */
int tm_render_diff_json(const tm_diff *df, const tm_diff_render_opts *o, tm_buf *out);

#endif
