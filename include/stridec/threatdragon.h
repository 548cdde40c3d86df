/*
 * Threat Dragon export: the analysed model as an OWASP Threat Dragon 2.x
 * model (JSON) with one STRIDE diagram, every element, boundary and flow as
 * a cell, and stridec's threats on the cells. The importer is
 * tm_import_threatdragon (import.h).
 */
#ifndef STRIDEC_THREATDRAGON_H
#define STRIDEC_THREATDRAGON_H

#include "render.h"

/* Same shape as every renderer (render.h): appends the JSON to `out`.
 * Deterministic: cell and threat ids are UUIDs derived from stridec ids. */
int tm_render_threatdragon(const tm_analysis *a, const tm_render_opts *o, tm_buf *out,
                           tm_diags *d);

#endif
