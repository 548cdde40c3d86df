/*
 * report.md: the LOSS report in GitHub-flavoured Markdown, for a repository
 * or a wiki. templates/report.md (or --template DIR) rendered over the report
 * data tree with Markdown escaping (template.h): model text can neither
 * start a heading or list nor break a table row, and no raw HTML reaches the
 * page. The diagram is a link to dfd.svg, written beside it by `report`.
 * Threat ids go into code spans unescaped ({{{id}}}): ids are
 * [A-Za-z0-9_.-] joined by '@' (and '*' in decision patterns), which a code
 * span shows as written, and a backslash there would be shown too.
 */
#include "render/report_template.h"
#include "render/render_impl.h"

int tm_render_md(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    tm_arena *ar = tm_arena_new();
    tm_node *data = tm_report_data(a, o, ar);
    int rc = tm_report_template_render(o, "report.md", data, TM_ESCAPE_MARKDOWN, out, d);
    tm_arena_free(ar);
    return rc;
}
