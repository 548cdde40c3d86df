/*
 * Loading and rendering the report templates (report.html, report.md) for
 * html.c and md.c. Private to src/render/.
 */
#ifndef STRIDEC_RENDER_REPORT_TEMPLATE_H
#define STRIDEC_RENDER_REPORT_TEMPLATE_H

#include "stridec/render.h"
#include "stridec/template.h"

/*
 * Render template `name` ("report.html") over `data` into `out`.
 * The template comes from o->template_dir/NAME when a folder was given
 * (--template DIR), else from the built-in copy compiled into the binary
 * ("templates/NAME"). Partials {{>p}} resolve in the same place, as
 * p.mustache; a partial that is not there is an error naming the file it
 * looked for (the Mustache specification renders a missing partial as
 * nothing, which would hide a typo in a team's template). Partial names
 * must be plain file names: no '/', no leading '.'.
 * Returns 0, or -1 after adding an error diagnostic: a missing or unreadable
 * file (naming it), or a template error at file:line:col.
 */
int tm_report_template_render(const tm_render_opts *o, const char *name, const tm_node *data,
                              tm_escape_mode esc, tm_buf *out, tm_diags *d);

#endif
