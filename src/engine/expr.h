/*
 * The condition language of rule files (`when:`) and of title placeholders.
 *
 *   subjects   element | flow source target | boundary | identity | artifact, and model
 *   paths      element.props.public_read, flow.data.classification, source.boundary.type,
 *              flow.crosses, target.identity.statements, it.actions (inside any/all)
 *   literals   "double-quoted", 42, true, false, [a, b] (list of literals)
 *   operators  == != < <= > >= && || ! in, parentheses
 *   functions  has(path) any(list, cond) all(list, cond) count(list) matches(string, "glob")
 *
 * Parsed once into a tree and type-checked against the subjects the rule's
 * kind may see; errors name file:line:col inside the rule file. Evaluation
 * allocates nothing. Unknown facts (absent props, no identity) are null:
 * null is false in a condition, `null == x` is false and `null != x` true,
 * so `!element.props.tracing` holds when tracing is false or unstated
 * ("everything is public until proven otherwise").
 *
 * Classifications compare by rank (public < internal < confidential <
 * restricted) when either side is a classification-typed path; the string
 * literal on the other side must then be a classification name.
 */
#ifndef STRIDEC_EXPR_H
#define STRIDEC_EXPR_H

#include "stridec/analysis.h"

typedef struct tm_expr tm_expr;

/* Where the condition text sits in its file, to map offsets to positions:
 * the position of the first character of `text`. For block scalars whose
 * lines are indented, `indent` is the number of columns each following line
 * starts at (0 when unknown: columns on later lines are then relative). */
typedef struct {
    const char *file;
    uint32_t line, col;
    uint32_t indent;
} tm_expr_origin;

/* Parse and type-check `text` for a rule applying to `kind`. The tree is owned
 * by `arena`. NULL after an error diagnostic (file:line:col of the offending
 * token: "unknown subject 'elment' (did you mean 'element'?)",
 * "'flow' is not available in an element rule", "unknown field 'naem' of element",
 * "cannot compare a boolean with a string", "expected ')' ...", ...). */
tm_expr *tm_expr_parse(tm_arena *arena, const char *text, tm_applies kind,
                       const tm_expr_origin *origin, tm_diags *d);

/* Like tm_expr_parse, but the result may be of any type (for title
 * placeholders such as {element.name} or {identity.users}). */
tm_expr *tm_expr_parse_value(tm_arena *arena, const char *text, tm_applies kind,
                             const tm_expr_origin *origin, tm_diags *d);

/* The subjects a rule sees. Fields a rule kind does not use are NULL. The
 * analysis must have its element/flow/boundary/identity/artifact infos filled
 * in (the engine fills them before running rules). */
typedef struct {
    const tm_analysis *a;
    const tm_element *element;
    const tm_flow *flow;
    const tm_element *source, *target;
    const tm_boundary *boundary;
    const tm_identity *identity;
    const tm_artifact *artifact;
} tm_eval_ctx;

/* 1 when the condition holds. */
int tm_expr_eval(const tm_expr *e, const tm_eval_ctx *ctx);

/* A necessary condition of `e` that is cheap to test before evaluating it:
 * when a conjunct of the top-level `&&` (or the whole condition) is
 * `S.type == "x"` or `S.type in ["x", "y"]` for S element, source or
 * target, the guard names S and the strings; the condition can only hold
 * when S's type is one of them. TM_GUARD_NONE when there is no such
 * conjunct. The list lives in `arena`. */
typedef enum { TM_GUARD_NONE, TM_GUARD_ELEMENT, TM_GUARD_SOURCE, TM_GUARD_TARGET } tm_guard_subject;
typedef struct {
    tm_guard_subject subject;
    const char *const *types;
    size_t n;
} tm_expr_guard;
void tm_expr_type_guard(const tm_expr *e, tm_arena *arena, tm_expr_guard *g);

/* Append the value of `e` as text: strings as they are, numbers in decimal,
 * booleans true/false, null as "unknown", lists joined with ", ", objects by
 * their name (or id when unnamed). */
void tm_expr_render(const tm_expr *e, const tm_eval_ctx *ctx, tm_buf *out);

/* Expand a text with {path} placeholders for rule `kind` into an arena
 * string. Placeholders are parsed each call (titles are short); an invalid
 * placeholder was already reported by tm_expr_check_template at load. */
const char *tm_expr_expand(tm_arena *arena, const char *tmpl, tm_applies kind,
                           const tm_eval_ctx *ctx);
/* A title/description template compiled once (after
 * tm_expr_check_template accepted it) and expanded per threat without
 * parsing. Owned by `arena`; never NULL. */
typedef struct tm_expr_template tm_expr_template;
tm_expr_template *tm_expr_template_compile(tm_arena *arena, const char *tmpl, tm_applies kind);
/* The expansion, in `arena` (or the compiled text itself when the template
 * has no placeholder). */
const char *tm_expr_template_expand(tm_arena *arena, const tm_expr_template *t,
                                    const tm_eval_ctx *ctx);

/* Check every {path} placeholder of a template at load time. 0 or -1. */
int tm_expr_check_template(tm_arena *arena, const char *tmpl, tm_applies kind,
                           const tm_expr_origin *origin, tm_diags *d);

#endif
