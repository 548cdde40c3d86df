/*
 * A logic-less Mustache template engine for the report templates.
 *
 * Implements the Mustache specification (github.com/mustache/spec, v1.x core
 * modules: comments, delimiters, interpolation, inverted sections, partials,
 * sections) and is tested against the specification's own cases in
 * tests/mustache/. Not supported: lambdas (the optional ~lambdas module; the
 * data is a plain document tree with no code in it), template inheritance
 * ({{<parent}}, {{$block}}: reported as errors) and dynamic partial names.
 *
 * The data is a document tree (doc.h):
 *   - maps are Mustache hashes, lists are lists, scalars are values;
 *   - falsey: a missing name, TM_SCALAR_NULL, boolean false and an empty list;
 *     everything else is truthy, including 0, "" and an empty map;
 *   - interpolation: null renders nothing, booleans "true"/"false", integers
 *     as %lld, floats in the shortest form that reads back to the same double
 *     (1.21 -> "1.21"), strings and XML text as written; a map or a list
 *     interpolates as nothing (Mustache has no notion of printing one).
 *
 * The template is parsed once into a token list, then rendered with an
 * explicit stack (no recursion in C, so neither deep section nesting nor
 * recursive partials can overflow the C stack).
 */
#ifndef STRIDEC_TEMPLATE_H
#define STRIDEC_TEMPLATE_H

#include "base.h"
#include "doc.h"

/* Named limits; override with -D at build time. */
#ifndef TM_MAX_PARTIAL_DEPTH
#define TM_MAX_PARTIAL_DEPTH 100 /* partials rendered inside partials (recursion) */
#endif
#ifndef TM_MAX_DELIMITER_BYTES
#define TM_MAX_DELIMITER_BYTES 16 /* a delimiter set with {{=<% %>=}} */
#endif
#ifndef TM_MAX_TEMPLATE_STEPS
/* Tokens executed in one render, beyond one per byte of output. Nested
 * sections over lists multiply: this stops a template (or a recursive
 * partial) that would run for hours while printing little or nothing.
 * Rendering that produces output is bounded by the output limit instead. */
#define TM_MAX_TEMPLATE_STEPS 10000000ull
#endif

/*
 * How {{name}} escapes a value ({{{name}}} and {{&name}} never escape):
 *  - TM_ESCAPE_HTML: & < > " ' become &amp; &lt; &gt; &quot; &#39;.
 *  - TM_ESCAPE_NONE: values are copied as they are.
 *  - TM_ESCAPE_MARKDOWN: for GitHub-flavoured Markdown text and table cells.
 *    & < > become entities (no raw HTML reaches the page); newlines become
 *    spaces (a table cell is one line); \ ` * { } [ ] ( ) | ~ are always
 *    backslash-escaped; _ unless it sits between two letters or digits (GFM
 *    never reads that as emphasis); # + - = at the start of a value (a value
 *    may start a line: heading, list, setext underline); the . or ) after a
 *    leading run of digits followed by a blank or the end (ordered list);
 *    ! at the end of a value (the template may follow it with a link).
 */
typedef enum { TM_ESCAPE_HTML, TM_ESCAPE_NONE, TM_ESCAPE_MARKDOWN } tm_escape_mode;

/*
 * Where {{>name}} finds its template. `load` returns the text of partial
 * `name` and sets *len, or returns NULL when there is no such partial (which,
 * as the specification says, renders as the empty string). The text is owned
 * by the loader and must stay valid until tm_template_render returns; each
 * partial is loaded and parsed at most once per render.
 */
typedef struct {
    const char *(*load)(void *ctx, const char *name, size_t *len);
    void *ctx;
} tm_partials;

/*
 * Render template `tmpl` (len bytes; need not be NUL-terminated) with `data`
 * (may be NULL: every name is then missing), appending to `out`. `tmpl_name`
 * names the template in diagnostics (NULL: "<template>"); `partials` may be
 * NULL (no partials).
 *
 * Returns 0, or -1 after adding an error to `d` that names
 * tmpl_name:line:col (or partial-name:line:col), for: an unclosed tag, an
 * unclosed section, a close tag that does not match ("section 'x' opened at
 * line 3 closed by 'y'"), a close tag without a section, a bad delimiter
 * change, an empty or malformed name, unsupported inheritance tags, partials
 * nested deeper than TM_MAX_PARTIAL_DEPTH, a render that runs more than
 * TM_MAX_TEMPLATE_STEPS steps beyond its output, or output past `out`'s limit. On failure `out` is
 * truncated back to the length it had on entry.
 */
int tm_template_render(const char *tmpl, size_t len, const char *tmpl_name, const tm_node *data,
                       tm_escape_mode esc, const tm_partials *partials, tm_buf *out,
                       tm_diags *d);

#endif
