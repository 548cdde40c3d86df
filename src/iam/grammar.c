/*
 * The policy grammar (iam.h): one reading of an IAM policy document from a
 * document tree into tm_statement, for every importer and for the managed
 * policies and SAM templates the module expands itself.
 *
 * Values go through the caller's resolver first, then the default (scalars
 * as written; CloudFormation's Fn::Sub and Fn::Join of resolvable parts;
 * Ref and GetAtt kept as ${NAME} placeholders). Structure that a deployment
 * file computes (Fn::If where a statement should be) goes through the
 * caller's expander, or is reported as not read.
 */
#include <stdlib.h>
#include <string.h>

#include "doc/check.h"
#include "iam/iam_impl.h"

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define S_CODE "iam-policy"

static const char *const S_doc_keys[] = {"Version", "Id", "Statement"};
static const char *const S_statement_keys[] = {"Sid",       "Effect",      "Action",
                                               "NotAction", "Resource",    "NotResource",
                                               "Principal", "NotPrincipal", "Condition"};
static const char *const S_principal_keys[] = {"AWS", "Service", "Federated", "CanonicalUser"};

/* ------------------------------------------------------------- lists */

void tm_iam_policy_free(tm_iam_policy *p)
{
    if (!p)
        return;
    free(p->items);
    p->items = NULL;
    p->n = p->cap = 0;
    p->incomplete = false;
}

static tm_statement *S_push(tm_iam_policy *p)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->items = tm_xrealloc(p->items, p->cap * sizeof *p->items);
    }
    tm_statement *st = &p->items[p->n++];
    memset(st, 0, sizeof *st);
    return st;
}

/* --------------------------------------------------------- intrinsics */

int tm_iam_is_intrinsic(const tm_node *n, const char **name)
{
    if (!n || n->kind != TM_NODE_MAP || n->n != 1)
        return 0;
    const char *k = n->pairs[0].key;
    if (strcmp(k, "Ref") != 0 && strcmp(k, "Condition") != 0 && strncmp(k, "Fn::", 4) != 0)
        return 0;
    if (name)
        *name = k;
    return 1;
}

static int S_is_text(const tm_node *n)
{
    return n && n->kind == TM_NODE_SCALAR &&
           (n->stype == TM_SCALAR_STRING || n->stype == TM_SCALAR_TEXT);
}

/* The placeholder for a value nobody could resolve: ${X} for Ref X,
 * ${A.B} for a GetAtt, ${Fn::If} for another intrinsic, ${?} otherwise. */
static const char *S_placeholder(tm_arena *a, const tm_node *n)
{
    const char *name;
    if (tm_iam_is_intrinsic(n, &name)) {
        const tm_node *v = n->pairs[0].value;
        if (strcmp(name, "Ref") == 0 && S_is_text(v))
            return tm_arena_printf(a, "${%s}", v->text);
        if (strcmp(name, "Fn::GetAtt") == 0) {
            if (S_is_text(v))
                return tm_arena_printf(a, "${%s}", v->text);
            if (v->kind == TM_NODE_LIST && v->n == 2 && S_is_text(v->items[0]) &&
                S_is_text(v->items[1]))
                return tm_arena_printf(a, "${%s.%s}", v->items[0]->text, v->items[1]->text);
        }
        return tm_arena_printf(a, "${%s}", name);
    }
    return "${?}";
}

static tm_node *S_synthetic(tm_arena *a, const tm_node *at, const char *key, const char *value)
{
    tm_node *m = tm_node_new(a, TM_NODE_MAP, at->file, at->line, at->col);
    tm_node *s = tm_node_new(a, TM_NODE_SCALAR, at->file, at->line, at->col);
    s->stype = TM_SCALAR_STRING;
    s->text = tm_arena_strdup(a, value);
    s->len = strlen(value);
    tm_node_map_put(a, m, key, at->line, at->col, s);
    return m;
}

static tm_iam_value S_resolve(tm_arena *a, const tm_node *v, const tm_iam_read_opts *o,
                              unsigned depth);

/* Fn::Sub: "${Name}" from the variable map, else asked as Ref/GetAtt;
 * "${!Literal}" is the literal "${Literal}". */
static tm_iam_value S_sub(tm_arena *a, const tm_node *at, const char *text, const tm_node *vars,
                          const tm_iam_read_opts *o, unsigned depth)
{
    tm_iam_value r = {NULL, true};
    tm_buf b;
    tm_buf_init(&b, 0);
    for (const char *p = text; *p;) {
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            if (!close) {
                tm_buf_puts(&b, p);
                break;
            }
            if (p[2] == '!') {
                tm_buf_puts(&b, "${");
                tm_buf_put(&b, p + 3, (size_t)(close - p - 3));
                tm_buf_putc(&b, '}');
                p = close + 1;
                continue;
            }
            char *name = tm_arena_strndup(a, p + 2, (size_t)(close - p - 2));
            const tm_node *val = vars && vars->kind == TM_NODE_MAP ? tm_node_get(vars, name) : NULL;
            tm_iam_value x;
            if (val) {
                x = S_resolve(a, val, o, depth + 1);
            } else {
                const tm_node *syn = strchr(name, '.') ? S_synthetic(a, at, "Fn::GetAtt", name)
                                                       : S_synthetic(a, at, "Ref", name);
                x.text = NULL;
                x.exact = false;
                if (!(o && o->resolve && o->resolve(o->ud, syn, a, &x)) || !x.text) {
                    x.text = tm_arena_printf(a, "${%s}", name);
                    x.exact = false;
                }
            }
            tm_buf_puts(&b, x.text ? x.text : "${?}");
            if (!x.text || !x.exact)
                r.exact = false;
            p = close + 1;
            continue;
        }
        tm_buf_putc(&b, *p++);
    }
    r.text = tm_arena_strdup(a, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

static tm_iam_value S_default(tm_arena *a, const tm_node *v, const tm_iam_read_opts *o,
                              unsigned depth)
{
    tm_iam_value r = {NULL, false};
    if (!v)
        return r;
    if (v->kind == TM_NODE_SCALAR) {
        if (v->stype == TM_SCALAR_NULL)
            return r;
        r.text = v->text;
        r.exact = !(S_is_text(v) && strstr(v->text, "${"));
        return r;
    }
    const char *name;
    if (!tm_iam_is_intrinsic(v, &name) || depth > TM_MAX_DEPTH)
        return r;
    const tm_node *arg = v->pairs[0].value;
    if (strcmp(name, "Fn::Sub") == 0) {
        if (S_is_text(arg))
            return S_sub(a, v, arg->text, NULL, o, depth);
        if (arg->kind == TM_NODE_LIST && arg->n == 2 && S_is_text(arg->items[0]))
            return S_sub(a, v, arg->items[0]->text, arg->items[1], o, depth);
    } else if (strcmp(name, "Fn::Join") == 0 && arg->kind == TM_NODE_LIST && arg->n == 2 &&
               S_is_text(arg->items[0]) && arg->items[1]->kind == TM_NODE_LIST) {
        tm_buf b;
        tm_buf_init(&b, 0);
        r.exact = true;
        const tm_node *parts = arg->items[1];
        for (size_t i = 0; i < parts->n; i++) {
            tm_iam_value x = S_resolve(a, parts->items[i], o, depth + 1);
            if (i)
                tm_buf_puts(&b, arg->items[0]->text);
            tm_buf_puts(&b, x.text ? x.text : S_placeholder(a, parts->items[i]));
            if (!x.text || !x.exact)
                r.exact = false;
        }
        r.text = tm_arena_strdup(a, b.data ? b.data : "");
        tm_buf_free(&b);
        return r;
    }
    r.text = S_placeholder(a, v);
    return r;
}

static tm_iam_value S_resolve(tm_arena *a, const tm_node *v, const tm_iam_read_opts *o,
                              unsigned depth)
{
    tm_iam_value r = {NULL, false};
    if (!v)
        return r;
    if (o && o->resolve && o->resolve(o->ud, v, a, &r)) {
        if (!r.text) {
            r.text = S_placeholder(a, v);
            r.exact = false;
        }
        return r;
    }
    return S_default(a, v, o, depth);
}

tm_iam_value tm_iam_resolve(tm_arena *arena, const tm_node *value, const tm_iam_read_opts *o)
{
    return S_resolve(arena, value, o, 0);
}

/* ----------------------------------------------------------- reading */

typedef struct {
    tm_arena *a;
    const tm_iam_read_opts *o;
    tm_iam_policy *out;
    tm_check v;
    const char *what;
} S_rd;

/* A node where a map or a list belongs: itself, what the expander makes of
 * an intrinsic, or NULL after a warning ("is computed ... not read"). */
static const tm_node *S_structure(S_rd *r, const tm_node *n, const char *key)
{
    const char *name = NULL;
    int computed = tm_iam_is_intrinsic(n, &name) || (S_is_text(n) && strstr(n->text, "${"));
    if (!computed)
        return n;
    const tm_node *x = r->o && r->o->expand ? r->o->expand(r->o->ud, n) : NULL;
    if (x && x != n && !tm_iam_is_intrinsic(x, NULL))
        return x;
    tm_diag_add(r->v.d, TM_DIAG_WARNING, S_CODE, n->file, n->line, n->col,
                "%s: '%s' is computed (%s) and is not read", r->what, key,
                name ? name : n->text);
    r->out->incomplete = true;
    return NULL;
}

/* A string or a list of strings: the values (resolved) into *items. */
static int S_values(S_rd *r, const tm_node *n, const char *key, int allow_scalars,
                    const char ***items, size_t *count)
{
    tm_vec v = {0};
    const tm_node *const *list = &n;
    size_t len = 1;
    if (n->kind == TM_NODE_LIST) {
        list = (const tm_node *const *)n->items;
        len = n->n;
    }
    int ok = 1;
    for (size_t i = 0; i < len; i++) {
        const tm_node *x = list[i];
        tm_iam_value val = {NULL, false};
        int resolved = r->o && r->o->resolve && r->o->resolve(r->o->ud, x, r->a, &val);
        if (!resolved) {
            int scalar_ok = x->kind == TM_NODE_SCALAR &&
                            (S_is_text(x) || x->stype == TM_SCALAR_INT ||
                             (allow_scalars && x->stype != TM_SCALAR_NULL));
            if (!scalar_ok && !tm_iam_is_intrinsic(x, NULL)) {
                tm_check_error(&r->v, S_CODE, x, "'%s' must be a string or a list of strings, not %s", key,
                            tm_check_what(x));
                ok = 0;
                continue;
            }
            val = S_default(r->a, x, r->o, 0);
        }
        if (!val.text)
            val.text = S_placeholder(r->a, x);
        tm_vec_push(&v, (void *)val.text);
    }
    if (!ok) {
        tm_vec_free(&v);
        return 0;
    }
    *items = (const char **)tm_vec_finish(&v, r->a, count);
    return 1;
}

static int S_principal(S_rd *r, const tm_node *n, const char *key, const char ***items,
                       size_t *count)
{
    n = S_structure(r, n, key);
    if (!n)
        return 1; /* computed: not read, warned */
    if (n->kind == TM_NODE_SCALAR) {
        tm_iam_value val = S_resolve(r->a, n, r->o, 0);
        if (val.text && val.exact && strcmp(val.text, "*") != 0) {
            tm_check_error(&r->v, S_CODE, n,
                        "'%s' must be \"*\" or a map of AWS, Service, Federated or CanonicalUser, "
                        "not '%s'",
                        key, val.text);
            return 0;
        }
        return S_values(r, n, key, 0, items, count);
    }
    if (n->kind != TM_NODE_MAP) {
        tm_check_error(&r->v, S_CODE, n,
                    "'%s' must be \"*\" or a map of AWS, Service, Federated or CanonicalUser, not "
                    "%s",
                    key, tm_check_what(n));
        return 0;
    }
    size_t before = r->v.errors;
    tm_check_keys(&r->v, n, tm_arena_printf(r->a, "'%s'", key), S_principal_keys,
                     S_COUNT(S_principal_keys));
    if (r->v.errors != before)
        return 0;
    tm_vec all = {0};
    int ok = 1;
    for (size_t i = 0; i < n->n; i++) {
        const char **vals = NULL;
        size_t nv = 0;
        if (!S_values(r, n->pairs[i].value, n->pairs[i].key, 0, &vals, &nv)) {
            ok = 0;
            continue;
        }
        for (size_t k = 0; k < nv; k++)
            tm_vec_push(&all, (void *)vals[k]);
    }
    if (!ok) {
        tm_vec_free(&all);
        return 0;
    }
    *items = (const char **)tm_vec_finish(&all, r->a, count);
    return 1;
}

static int S_conditions(S_rd *r, const tm_node *n, tm_statement *st)
{
    n = S_structure(r, n, "Condition");
    if (!n)
        return 1;
    if (n->kind != TM_NODE_MAP) {
        tm_check_error(&r->v, S_CODE, n, "'Condition' must be a map of operator -> key -> values, not %s",
                    tm_check_what(n));
        return 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < n->n; i++)
        if (n->pairs[i].value->kind == TM_NODE_MAP)
            total += n->pairs[i].value->n;
    tm_condition *conds = tm_arena_array(r->a, total ? total : 1, sizeof *conds);
    size_t k = 0;
    int ok = 1;
    for (size_t i = 0; i < n->n; i++) {
        const tm_pair *op = &n->pairs[i];
        const tm_node *keys = S_structure(r, op->value, op->key);
        if (!keys)
            continue;
        if (keys->kind != TM_NODE_MAP) {
            tm_check_error(&r->v, S_CODE, keys, "condition operator '%s' must be a map of key -> values, not %s",
                        op->key, tm_check_what(keys));
            ok = 0;
            continue;
        }
        for (size_t j = 0; j < keys->n && k < total; j++) {
            const tm_pair *kv = &keys->pairs[j];
            tm_condition *c = &conds[k];
            if (!S_values(r, kv->value, kv->key, 1, &c->values, &c->n_values)) {
                ok = 0;
                continue;
            }
            c->test = op->key;
            c->variable = kv->key;
            c->loc.file = kv->value ? kv->value->file : keys->file;
            c->loc.line = kv->line;
            c->loc.col = kv->col;
            k++;
        }
    }
    st->conditions = conds;
    st->n_conditions = k;
    return ok;
}

/* Effect: Allow or Deny (IAM writes them so; other case is accepted). */
static int S_effect(S_rd *r, const tm_node *st, bool *allow)
{
    const tm_node *e = tm_node_get(st, "Effect");
    if (!e) {
        tm_check_error(&r->v, "missing-key", st, "missing required key 'Effect' in a statement of %s",
                       r->what);
        return 0;
    }
    tm_iam_value v = S_resolve(r->a, e, r->o, 0);
    if (e->kind != TM_NODE_SCALAR && !tm_iam_is_intrinsic(e, NULL)) {
        tm_check_error(&r->v, S_CODE, e, "'Effect' must be Allow or Deny, not %s", tm_check_what(e));
        return 0;
    }
    if (!v.text || !v.exact) {
        tm_diag_add(r->v.d, TM_DIAG_WARNING, S_CODE, e->file, e->line, e->col,
                    "%s: 'Effect' is computed (%s) and the statement is not read", r->what,
                    v.text ? v.text : "unknown");
        r->out->incomplete = true;
        return -1;
    }
    if (tm_iam_nieq(v.text, "allow", 6)) {
        *allow = true;
        return 1;
    }
    if (tm_iam_nieq(v.text, "deny", 5)) {
        *allow = false;
        return 1;
    }
    tm_check_error(&r->v, S_CODE, e, "'Effect' must be Allow or Deny, not '%s'", v.text);
    return 0;
}

/* A key pair of which at most one may be given (both required: one exactly). */
static int S_one_of(S_rd *r, const tm_node *st, const char *a, const char *b, int required)
{
    const tm_pair *pa = tm_node_get_pair(st, a), *pb = tm_node_get_pair(st, b);
    if (pa && pb) {
        tm_check_error_at(&r->v, S_CODE, pb->value ? pb->value->file : st->file, pb->line, pb->col,
                       "a statement of %s has both '%s' and '%s' (IAM allows one)", r->what, a, b);
        return 0;
    }
    if (required && !pa && !pb) {
        tm_check_error(&r->v, S_CODE, st, "a statement of %s has neither '%s' nor '%s'", r->what, a, b);
        return 0;
    }
    return 1;
}

static void S_statement(S_rd *r, const tm_node *n)
{
    n = S_structure(r, n, "Statement");
    if (!n)
        return;
    if (n->kind != TM_NODE_MAP) {
        tm_check_error(&r->v, S_CODE, n, "a statement of %s must be a map, not %s", r->what, tm_check_what(n));
        return;
    }
    size_t before = r->v.errors;
    tm_check_keys(&r->v, n, tm_arena_printf(r->a, "a statement of %s", r->what),
                     S_statement_keys, S_COUNT(S_statement_keys));
    tm_statement st;
    memset(&st, 0, sizeof st);
    if (r->o && r->o->at)
        st.loc = *r->o->at;
    else
        st.loc = (tm_loc){n->file, n->line, n->col};
    st.policy = r->o ? r->o->policy : NULL;
    int effect = S_effect(r, n, &st.allow);
    S_one_of(r, n, "Action", "NotAction", 1);
    S_one_of(r, n, "Resource", "NotResource", 0);
    S_one_of(r, n, "Principal", "NotPrincipal", 0);
    const tm_node *v;
    if ((v = tm_node_get(n, "Sid")) != NULL) {
        tm_iam_value sid = S_resolve(r->a, v, r->o, 0);
        if (v->kind != TM_NODE_SCALAR && !tm_iam_is_intrinsic(v, NULL))
            tm_check_error(&r->v, S_CODE, v, "'Sid' must be a string, not %s", tm_check_what(v));
        else
            st.sid = sid.text;
    }
    if ((v = tm_node_get(n, "Action")) != NULL)
        S_values(r, v, "Action", 0, &st.actions, &st.n_actions);
    if ((v = tm_node_get(n, "NotAction")) != NULL)
        S_values(r, v, "NotAction", 0, &st.not_actions, &st.n_not_actions);
    if ((v = tm_node_get(n, "Resource")) != NULL)
        S_values(r, v, "Resource", 0, &st.resources, &st.n_resources);
    if ((v = tm_node_get(n, "NotResource")) != NULL)
        S_values(r, v, "NotResource", 0, &st.not_resources, &st.n_not_resources);
    if ((v = tm_node_get(n, "Principal")) != NULL)
        S_principal(r, v, "Principal", &st.principals, &st.n_principals);
    if ((v = tm_node_get(n, "NotPrincipal")) != NULL)
        S_principal(r, v, "NotPrincipal", &st.not_principals, &st.n_not_principals);
    if ((v = tm_node_get(n, "Condition")) != NULL)
        S_conditions(r, v, &st);
    if (r->v.errors != before || effect != 1)
        return;
    *S_push(r->out) = st;
}

static void S_init(S_rd *r, tm_arena *arena, const tm_iam_read_opts *o, tm_iam_policy *out,
                   tm_diags *d)
{
    memset(r, 0, sizeof *r);
    r->a = arena;
    r->o = o;
    r->out = out;
    r->v.arena = arena;
    r->v.d = d;
    r->what = o && o->what ? o->what : "the policy";
}

size_t tm_iam_read_statement(tm_arena *arena, const tm_node *st, const tm_iam_read_opts *o,
                             tm_iam_policy *out, tm_diags *d)
{
    S_rd r;
    S_init(&r, arena, o, out, d);
    if (st)
        S_statement(&r, st);
    return r.v.errors;
}

size_t tm_iam_read_policy(tm_arena *arena, const tm_node *doc, const tm_iam_read_opts *o,
                          tm_iam_policy *out, tm_diags *d)
{
    S_rd r;
    S_init(&r, arena, o, out, d);
    if (!doc)
        return 0;
    doc = S_structure(&r, doc, "PolicyDocument");
    if (!doc)
        return 0;
    if (doc->kind != TM_NODE_MAP) {
        tm_check_error(&r.v, S_CODE, doc, "%s must be a policy document (a map with 'Statement'), not %s",
                    r.what, tm_check_what(doc));
        return r.v.errors;
    }
    tm_check_keys(&r.v, doc, r.what, S_doc_keys, S_COUNT(S_doc_keys));
    const tm_node *ver = tm_node_get(doc, "Version");
    if (ver) {
        tm_iam_value v = S_resolve(arena, ver, o, 0);
        if (ver->kind != TM_NODE_SCALAR || !v.text ||
            (strcmp(v.text, "2012-10-17") != 0 && strcmp(v.text, "2008-10-17") != 0))
            tm_check_error(&r.v, S_CODE, ver, "'Version' of %s must be 2012-10-17 or 2008-10-17, not %s%s%s",
                        r.what, ver->kind == TM_NODE_SCALAR ? "'" : "",
                        ver->kind == TM_NODE_SCALAR ? ver->text : tm_check_what(ver),
                        ver->kind == TM_NODE_SCALAR ? "'" : "");
    }
    const tm_node *sts = tm_check_require(&r.v, doc, "Statement", r.what);
    if (!sts)
        return r.v.errors;
    sts = S_structure(&r, sts, "Statement");
    if (!sts)
        return r.v.errors;
    if (sts->kind == TM_NODE_MAP) {
        S_statement(&r, sts);
    } else if (sts->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < sts->n; i++)
            S_statement(&r, sts->items[i]);
    } else {
        tm_check_error(&r.v, S_CODE, sts,
                    "'Statement' of %s must be a statement (a map) or a list of statements, not %s",
                    r.what, tm_check_what(sts));
    }
    return r.v.errors;
}
