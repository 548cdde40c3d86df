/*
 * stridec diff output: compiler-style text and JSON (shape documented in
 * share/stridec/doc/diff.md). Both deterministic: same diff, same bytes.
 */
#ifndef STRIDEC_RENDER_DIFF_H
#define STRIDEC_RENDER_DIFF_H

#include "engine/diff.h"

typedef struct {
    /* --fail-on: the gate on introduced threats, reported in the summary;
     * TM_SEV_NONE when not asked for. */
    tm_severity fail_on;
} tm_diff_render_opts;

/* One line per change, `FILE:LINE:COL: what`, then a summary line.
 * Model text is written printable (no control characters reach a terminal).
 * 0, or -1 when the output limit was reached. */
int tm_render_diff_text(const tm_diff *df, const tm_diff_render_opts *o, tm_buf *out);
/* The same as one JSON document (pretty, ends with a newline). */
int tm_render_diff_json(const tm_diff *df, const tm_diff_render_opts *o, tm_buf *out);

#endif
