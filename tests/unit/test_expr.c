/* The rule condition language (src/engine/expr.c): parse errors with exact
 * messages and positions, evaluation of every operator and function over a
 * small hand-built model and analysis, absent-prop semantics, classification
 * ranking, projection, nested any(), templates, determinism. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include "engine/expr.h"
#include "engine/rules.h"
#include "testutil.h"

/* The fuzz target's checks, replayed over its saved corpus below. */
#define FUZZ_EXPR_NO_ENTRY
#include "../fuzz/fuzz_expr.c"

/* ------------------------------------------------------------ fixture */

typedef struct {
    tm_arena *ar;
    tm_model m;
    tm_analysis a;
    tm_type_info ti_apigw, ti_lambda, ti_s3;
    tm_data *pii, *pub, *sec;
    tm_boundary *internet, *aws, *vpc;
    tm_element *user, *api, *fn, *fn2, *bucket;
    tm_flow *f1, *f2, *f3;
    tm_identity *role;
    tm_artifact *ci;
} fixture;

static tm_node *S_map(tm_arena *ar)
{
    return tm_node_new(ar, TM_NODE_MAP, NULL, 0, 0);
}

static void S_put(tm_arena *ar, tm_node *map, const char *key, tm_node *v)
{
    tm_node_map_put(ar, map, key, 0, 0, v);
}

/* An arena array of n pointers copied from a NULL-terminated list. */
static void *S_ptrs(tm_arena *ar, size_t *n, ...)
{
    va_list ap;
    const void *items[16];
    size_t k = 0;
    va_start(ap, n);
    for (const void *p; (p = va_arg(ap, const void *)) != NULL && k < 16;)
        items[k++] = p;
    va_end(ap);
    const void **out = tm_arena_array(ar, k ? k : 1, sizeof *out);
    memcpy(out, items, k * sizeof *out);
    if (n)
        *n = k;
    return out;
}

static tm_data *S_data(fixture *f, const char *id, const char *name, tm_class c, size_t index)
{
    tm_data *d = tm_arena_alloc(f->ar, sizeof *d);
    d->id = id;
    d->name = name ? name : id;
    d->classification = c;
    d->index = index;
    return d;
}

static tm_boundary *S_boundary(fixture *f, const char *id, const char *type, tm_boundary *parent,
                               size_t index)
{
    tm_boundary *b = tm_arena_alloc(f->ar, sizeof *b);
    b->id = id;
    b->name = id;
    b->type = type;
    b->parent = parent;
    b->parent_id = parent ? parent->id : NULL;
    b->depth = parent ? parent->depth + 1 : 0;
    b->index = index;
    return b;
}

static tm_element *S_element(fixture *f, const char *id, const char *name, const char *type,
                             tm_kind kind, tm_boundary *b, size_t index)
{
    tm_element *e = tm_arena_alloc(f->ar, sizeof *e);
    e->id = id;
    e->name = name;
    e->type = type;
    e->kind = kind;
    e->boundary = b;
    e->props = S_map(f->ar);
    e->index = index;
    return e;
}

static tm_flow *S_flow(fixture *f, const char *id, tm_element *from, tm_element *to,
                       size_t index)
{
    tm_flow *fl = tm_arena_alloc(f->ar, sizeof *fl);
    fl->id = id;
    fl->from = from;
    fl->to = to;
    fl->props = S_map(f->ar);
    fl->index = index;
    return fl;
}

static fixture *S_fixture(void)
{
    fixture *f = calloc(1, sizeof *f);
    tm_arena *ar = f->ar = tm_arena_new();

    f->ti_apigw = (tm_type_info){.name = "aws.apigateway", .label = "Amazon API Gateway",
                                 .kind = TM_KIND_PROCESS, .managed = true};
    f->ti_lambda = (tm_type_info){.name = "aws.lambda", .label = "AWS Lambda",
                                  .kind = TM_KIND_PROCESS, .managed = true};
    f->ti_s3 = (tm_type_info){.name = "aws.s3", .label = "Amazon S3", .kind = TM_KIND_STORE,
                              .managed = true, .event_source = true};

    f->pii = S_data(f, "pii", "Customer PII", TM_CLASS_CONFIDENTIAL, 0);
    f->pub = S_data(f, "pub", NULL, TM_CLASS_PUBLIC, 1);
    f->sec = S_data(f, "sec", "Secrets", TM_CLASS_RESTRICTED, 2);

    f->internet = S_boundary(f, "internet", "internet", NULL, 0);
    f->aws = S_boundary(f, "aws", "cloud-account", NULL, 1);
    f->vpc = S_boundary(f, "vpc", "vpc", f->aws, 2);

    f->user = S_element(f, "user", "Customer", "user", TM_KIND_EXTERNAL, f->internet, 0);
    f->api = S_element(f, "api", "API", "aws.apigateway", TM_KIND_PROCESS, f->aws, 1);
    f->fn = S_element(f, "fn", "Function", "aws.lambda", TM_KIND_PROCESS, f->vpc, 2);
    f->fn2 = S_element(f, "fn2", "Function 2", "aws.lambda", TM_KIND_PROCESS, f->vpc, 3);
    f->bucket = S_element(f, "bucket", "Bucket", "aws.s3", TM_KIND_STORE, f->aws, 4);
    f->api->type_known = f->fn->type_known = f->fn2->type_known = f->bucket->type_known = true;
    f->api->origin = TM_ORIGIN_THIRD_PARTY;
    f->fn->origin = TM_ORIGIN_IN_HOUSE;
    f->fn->description = "resizes photos";
    f->user->out_of_scope = true;
    f->user->reason = "not ours";
    f->api->data = S_ptrs(ar, &f->api->n_data, f->pub, NULL);
    f->fn->data = S_ptrs(ar, &f->fn->n_data, f->pii, NULL);
    f->bucket->data = S_ptrs(ar, &f->bucket->n_data, f->pii, f->sec, NULL);
    f->fn->libraries = S_ptrs(ar, &f->fn->n_libraries, "sharp@0.32.0", "aws-sdk@2", NULL);

    tm_node *p = (tm_node *)f->api->props;
    S_put(ar, p, "authorizer", tm_node_string(ar, "none"));
    S_put(ar, p, "throttling", tm_node_bool(ar, 0));
    S_put(ar, p, "timeout", tm_node_int(ar, 29));
    tm_node *cors = tm_node_new(ar, TM_NODE_LIST, NULL, 0, 0);
    tm_node_list_push(ar, cors, tm_node_string(ar, "*"));
    tm_node_list_push(ar, cors, tm_node_string(ar, "https://shop.example"));
    S_put(ar, p, "cors_origins", cors);
    tm_node *ratio = tm_node_new(ar, TM_NODE_SCALAR, NULL, 0, 0);
    ratio->stype = TM_SCALAR_FLOAT;
    ratio->fval = 0.5;
    ratio->text = "0.5";
    S_put(ar, p, "ratio", ratio);
    tm_node *nested = S_map(ar);
    S_put(ar, nested, "waf", tm_node_bool(ar, 1));
    S_put(ar, p, "nested", nested);
    tm_node *nul = tm_node_new(ar, TM_NODE_SCALAR, NULL, 0, 0);
    nul->stype = TM_SCALAR_NULL;
    S_put(ar, p, "nothing", nul);
    p = (tm_node *)f->bucket->props;
    S_put(ar, p, "public_read", tm_node_bool(ar, 1));
    S_put(ar, p, "encryption", tm_node_string(ar, "none"));
    p = (tm_node *)f->fn->props;
    S_put(ar, p, "tracing", tm_node_bool(ar, 1));

    /* identity: an allow with a condition, and a deny */
    f->role = tm_arena_alloc(ar, sizeof *f->role);
    f->role->id = "role";
    f->role->name = "Lambda role";
    f->role->type = "aws.iam.role";
    f->role->n_statements = 2;
    tm_statement *st = f->role->statements = tm_arena_array(ar, 2, sizeof *st);
    st[0].sid = "S1";
    st[0].allow = true;
    st[0].actions = S_ptrs(ar, &st[0].n_actions, "s3:*", "logs:PutLogEvents", NULL);
    st[0].resources = S_ptrs(ar, &st[0].n_resources, "*", NULL);
    st[0].n_conditions = 1;
    st[0].conditions = tm_arena_array(ar, 1, sizeof *st[0].conditions);
    st[0].conditions[0].test = "StringEquals";
    st[0].conditions[0].variable = "aws:SourceAccount";
    st[0].conditions[0].values =
        S_ptrs(ar, &st[0].conditions[0].n_values, "123456789012", NULL);
    st[1].allow = false;
    st[1].actions = S_ptrs(ar, &st[1].n_actions, "s3:DeleteBucket", NULL);
    st[1].resources = S_ptrs(ar, &st[1].n_resources, "arn:aws:s3:::b", NULL);
    f->fn->identity = f->fn2->identity = f->role;

    f->f1 = S_flow(f, "f1", f->user, f->api, 0);
    f->f1->name = "POST /orders";
    f->f1->protocol = "https";
    f->f1->port = 443;
    f->f1->encrypted = TM_TRI_TRUE;
    f->f1->authorization = TM_AUTHZ_NONE;
    f->f1->data = S_ptrs(ar, &f->f1->n_data, f->pii, f->pub, NULL);
    f->f2 = S_flow(f, "f2", f->api, f->fn, 1);
    f->f2->protocol = "aws-invoke";
    f->f2->trigger = true;
    f->f2->authenticated = TM_TRI_TRUE;
    f->f2->authorization = TM_AUTHZ_END_USER;
    f->f3 = S_flow(f, "f3", f->fn, f->bucket, 2);
    f->f3->protocol = "aws-api";
    f->f3->encrypted = TM_TRI_FALSE;
    f->f3->data = S_ptrs(ar, &f->f3->n_data, f->sec, NULL);
    S_put(ar, (tm_node *)f->f3->props, "kms", tm_node_string(ar, "aws/s3"));

    f->ci = tm_arena_alloc(ar, sizeof *f->ci);
    f->ci->id = "ci";
    f->ci->name = "Deploy workflow";
    f->ci->type_name = "ci-config";
    f->ci->type = TM_ART_CI_CONFIG;
    f->ci->path = ".github/workflows/deploy.yml";
    f->ci->origin = TM_ORIGIN_IN_HOUSE;
    f->ci->owner = "platform";
    f->ci->defines = S_ptrs(ar, &f->ci->n_defines, "fn", "fn2", NULL);
    f->ci->props = S_map(ar);
    S_put(ar, (tm_node *)f->ci->props, "pinned", tm_node_bool(ar, 0));

    /* the model */
    tm_model *m = &f->m;
    m->arena = ar;
    m->system.name = "Shop";
    m->system.owner = "team";
    m->system.version = "1.0";
    m->data = S_ptrs(ar, &m->n_data, f->pii, f->pub, f->sec, NULL);
    m->boundaries = S_ptrs(ar, &m->n_boundaries, f->internet, f->aws, f->vpc, NULL);
    m->elements =
        S_ptrs(ar, &m->n_elements, f->user, f->api, f->fn, f->fn2, f->bucket, NULL);
    m->flows = S_ptrs(ar, &m->n_flows, f->f1, f->f2, f->f3, NULL);
    m->identities = S_ptrs(ar, &m->n_identities, f->role, NULL);
    m->artifacts = S_ptrs(ar, &m->n_artifacts, f->ci, NULL);

    /* the analysis infos, as the engine would fill them */
    tm_analysis *a = &f->a;
    a->arena = ar;
    a->model = m;
    a->elements = tm_arena_array(ar, 5, sizeof *a->elements);
    for (size_t i = 0; i < 5; i++)
        a->elements[i].el = m->elements[i];
    a->elements[0].out = S_ptrs(ar, &a->elements[0].n_out, f->f1, NULL);
    a->elements[1].type = &f->ti_apigw;
    a->elements[1].in = S_ptrs(ar, &a->elements[1].n_in, f->f1, NULL);
    a->elements[1].out = S_ptrs(ar, &a->elements[1].n_out, f->f2, NULL);
    a->elements[1].entry_points =
        S_ptrs(ar, &a->elements[1].n_entry_points, "AWS console", "public endpoint", NULL);
    a->elements[1].max_class = TM_CLASS_CONFIDENTIAL;
    a->elements[2].type = &f->ti_lambda;
    a->elements[2].in = S_ptrs(ar, &a->elements[2].n_in, f->f2, NULL);
    a->elements[2].out = S_ptrs(ar, &a->elements[2].n_out, f->f3, NULL);
    a->elements[2].shares_identity_with =
        S_ptrs(ar, &a->elements[2].n_shares_identity_with, f->fn2, NULL);
    a->elements[3].type = &f->ti_lambda;
    a->elements[3].shares_identity_with =
        S_ptrs(ar, &a->elements[3].n_shares_identity_with, f->fn, NULL);
    a->elements[4].type = &f->ti_s3;
    a->elements[4].in = S_ptrs(ar, &a->elements[4].n_in, f->f3, NULL);
    a->elements[4].max_class = TM_CLASS_RESTRICTED;

    a->flows = tm_arena_array(ar, 3, sizeof *a->flows);
    for (size_t i = 0; i < 3; i++) {
        a->flows[i].flow = m->flows[i];
        a->flows[i].number = (unsigned)i + 1;
    }
    a->flows[0].crosses = S_ptrs(ar, &a->flows[0].n_crosses, f->internet, f->aws, NULL);
    a->flows[2].crosses = S_ptrs(ar, &a->flows[2].n_crosses, f->vpc, NULL);

    a->boundaries = tm_arena_array(ar, 3, sizeof *a->boundaries);
    for (size_t i = 0; i < 3; i++)
        a->boundaries[i].b = m->boundaries[i];
    a->boundaries[0].members = S_ptrs(ar, &a->boundaries[0].n_members, f->user, NULL);
    a->boundaries[0].outbound = S_ptrs(ar, &a->boundaries[0].n_outbound, f->f1, NULL);
    a->boundaries[1].members =
        S_ptrs(ar, &a->boundaries[1].n_members, f->api, f->fn, f->fn2, f->bucket, NULL);
    a->boundaries[1].inbound = S_ptrs(ar, &a->boundaries[1].n_inbound, f->f1, NULL);
    a->boundaries[1].entry_points = S_ptrs(ar, &a->boundaries[1].n_entry_points, f->api, NULL);
    a->boundaries[1].children = S_ptrs(ar, &a->boundaries[1].n_children, f->vpc, NULL);
    a->boundaries[2].members = S_ptrs(ar, &a->boundaries[2].n_members, f->fn, f->fn2, NULL);
    a->boundaries[2].outbound = S_ptrs(ar, &a->boundaries[2].n_outbound, f->f3, NULL);

    a->identities = tm_arena_array(ar, 1, sizeof *a->identities);
    a->identities[0].identity = f->role;
    a->identities[0].users = S_ptrs(ar, &a->identities[0].n_users, f->fn, f->fn2, NULL);
    a->identities[0].wildcard_action = true;
    a->identities[0].wildcard_resource = true;
    a->identities[0].privesc_actions =
        S_ptrs(ar, &a->identities[0].n_privesc_actions, "iam:PassRole", NULL);
    a->identities[0].wildcard_actions =
        S_ptrs(ar, &a->identities[0].n_wildcard_actions, "s3:*", NULL);

    a->artifacts = tm_arena_array(ar, 1, sizeof *a->artifacts);
    a->artifacts[0].artifact = f->ci;
    a->artifacts[0].scanned = true;
    a->artifacts[0].n_secrets = 1;
    a->artifacts[0].secrets = tm_arena_array(ar, 1, sizeof *a->artifacts[0].secrets);
    a->artifacts[0].secrets[0] = (tm_secret){"AWS access key id", "deploy.yml", 12, 7,
                                             "AKIA****************"};
    a->artifacts[0].unpinned = S_ptrs(ar, &a->artifacts[0].n_unpinned, "actions/checkout", NULL);
    return f;
}

static void S_fixture_free(fixture *f)
{
    tm_arena_free(f->ar);
    free(f);
}

/* ------------------------------------------------------------ helpers */

static tm_eval_ctx S_ctx(const fixture *f)
{
    tm_eval_ctx c;
    memset(&c, 0, sizeof c);
    c.a = &f->a;
    return c;
}

static tm_expr *S_parse_ok(fixture *f, tm_applies k, const char *text, int value)
{
    tm_diags *d = tm_diags_new();
    tm_expr *e = value ? tm_expr_parse_value(f->ar, text, k, NULL, d)
                       : tm_expr_parse(f->ar, text, k, NULL, d);
    if (!e)
        ck_abort_msg("unexpected error for `%s`: %s", text,
                     tm_diags_count(d) ? tm_diags_get(d, 0)->message : "(no diagnostic)");
    ck_assert_uint_eq(tm_diags_count(d), 0);
    tm_diags_free(d);
    return e;
}

static int S_eval(fixture *f, tm_applies k, const char *text, const tm_eval_ctx *c)
{
    return tm_expr_eval(S_parse_ok(f, k, text, 0), c);
}

static int S_el(fixture *f, const tm_element *el, const char *text)
{
    tm_eval_ctx c = S_ctx(f);
    c.element = el;
    return S_eval(f, TM_APPLIES_ELEMENT, text, &c);
}

static int S_fl(fixture *f, const tm_flow *fl, const char *text)
{
    tm_eval_ctx c = S_ctx(f);
    c.flow = fl;
    c.source = fl->from;
    c.target = fl->to;
    return S_eval(f, TM_APPLIES_FLOW, text, &c);
}

static int S_bd(fixture *f, const tm_boundary *b, const char *text)
{
    tm_eval_ctx c = S_ctx(f);
    c.boundary = b;
    return S_eval(f, TM_APPLIES_BOUNDARY, text, &c);
}

static int S_id(fixture *f, const char *text)
{
    tm_eval_ctx c = S_ctx(f);
    c.identity = f->role;
    return S_eval(f, TM_APPLIES_IDENTITY, text, &c);
}

static int S_ar(fixture *f, const char *text)
{
    tm_eval_ctx c = S_ctx(f);
    c.artifact = f->ci;
    return S_eval(f, TM_APPLIES_ARTIFACT, text, &c);
}

static int S_mo(fixture *f, const char *text)
{
    tm_eval_ctx c = S_ctx(f);
    return S_eval(f, TM_APPLIES_MODEL, text, &c);
}

#define TRUE_(call, text) ck_assert_msg((call) == 1, "expected true: %s", text)
#define FALSE_(call, text) ck_assert_msg((call) == 0, "expected false: %s", text)
#define EL_T(el, text) TRUE_(S_el(f, f->el, text), text)
#define EL_F(el, text) FALSE_(S_el(f, f->el, text), text)
#define FL_T(fl, text) TRUE_(S_fl(f, f->fl, text), text)
#define FL_F(fl, text) FALSE_(S_fl(f, f->fl, text), text)
#define BD_T(b, text) TRUE_(S_bd(f, f->b, text), text)
#define BD_F(b, text) FALSE_(S_bd(f, f->b, text), text)
#define ID_T(text) TRUE_(S_id(f, text), text)
#define ID_F(text) FALSE_(S_id(f, text), text)
#define AR_T(text) TRUE_(S_ar(f, text), text)
#define AR_F(text) FALSE_(S_ar(f, text), text)
#define MO_T(text) TRUE_(S_mo(f, text), text)
#define MO_F(text) FALSE_(S_mo(f, text), text)

/* Render a value expression for an element/flow/identity context. */
static char *S_render(fixture *f, tm_applies k, const tm_eval_ctx *c, const char *text)
{
    tm_expr *e = S_parse_ok(f, k, text, 1);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_expr_render(e, c, &b);
    char *s = tm_arena_strdup(f->ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return s;
}

/* ------------------------------------------------------------- errors */

typedef struct {
    tm_applies kind;
    const char *text;
    uint32_t line, col;
    const char *message;
} err_case;

/* Conditions sit at rules.yaml line 10, column 11; continuation lines of a
 * block scalar start at column 9 (indent 8). */
static const tm_expr_origin S_origin = {"rules.yaml", 10, 11, 8};
#define E TM_APPLIES_ELEMENT
#define F TM_APPLIES_FLOW
#define C(off) 10, 11 + (off)

static const err_case S_errors[] = {
    {E, "elment.name == \"x\"", C(0), "unknown subject 'elment' (did you mean 'element'?)"},
    {E, "flow.encrypted", C(0), "'flow' is not available in an element rule"},
    {TM_APPLIES_MODEL, "element.managed", C(0), "'element' is not available in a model rule"},
    {TM_APPLIES_BOUNDARY, "model.name == \"x\" && source.managed", C(21),
     "'source' is not available in a boundary rule"},
    {E, "element.naem == \"api\"", C(8), "unknown field 'naem' of element (did you mean 'name'?)"},
    {E, "element.lables == \"x\"", C(8),
     "unknown field 'lables' of element (did you mean 'label'?)"},
    {E, "element.zzzzzz", C(8), "unknown field 'zzzzzz' of element"},
    {E, "element.out_of_scope == \"yes\"", C(21), "cannot compare a boolean with a string"},
    {E, "\"yes\" != element.managed", C(6), "cannot compare a string with a boolean"},
    {E, "(element.managed", C(16), "expected ')' but found the end of the expression"},
    {E, "element.name == \"abc", C(16), "unterminated string"},
    {E, "element.name # x", C(13), "unexpected character '#'"},
    {E, "element.name == \"a\\nb\"", C(18),
     "invalid escape '\\n' in a string (only \\\" and \\\\ are allowed)"},
    {E, "", C(0), "empty condition"},
    {E, "   ", C(3), "empty condition"},
    {E, "cont(element.in) > 1", C(0), "unknown function 'cont' (did you mean 'count'?)"},
    {E, "element.name < \"b\"", C(13),
     "cannot order strings with '<' (only integers and classifications are ordered)"},
    {E, "\"api\" in element.name", C(9), "'in' needs a list on its right side, not a string"},
    {E, "element.data in element.data", C(0),
     "the left side of 'in' must be a single value, not a list of data assets"},
    {E, "any(element.name, it == \"x\")", C(4), "any() needs a list, not a string"},
    {E, "count(element.managed) > 0", C(6), "count() needs a list, not a boolean"},
    {E, "has(\"x\")", C(4), "has() takes a path such as element.props.public_read"},
    {E, "has(count(element.in))", C(4), "has() takes a path such as element.props.public_read"},
    {E, "element", C(0), "an element is not a condition"},
    {TM_APPLIES_MODEL, "model", C(0), "the model is not a condition"},
    {E, "element.boundary", C(0),
     "a boundary is not a condition (use has() to test that it is set)"},
    {E, "element.data", C(0),
     "a list of data assets is not a condition (use any(), all(), count() or 'in')"},
    {E, "element.managed && element.name", C(19), "a string is not a condition"},
    {E, "!element.kind", C(1), "a string is not a condition"},
    {E, "it.name == \"x\"", C(0), "'it' is only available inside any() or all()"},
    {E, "any(element.in, true) && it.trigger", C(25),
     "'it' is only available inside any() or all()"},
    {F, "flow.classification >= \"secret\"", C(23),
     "'secret' is not a classification: expected public, internal, confidential or restricted"},
    {F, "\"confidental\" <= flow.classification", C(0),
     "'confidental' is not a classification: expected public, internal, confidential or "
     "restricted (did you mean 'confidential'?)"},
    {F, "flow.data.classification in [\"public\", \"secret\"]", C(39),
     "'secret' is not a classification: expected public, internal, confidential or restricted"},
    {F, "flow.classification == flow.name", C(20),
     "a classification compares only with a classification or a classification name such as "
     "\"confidential\""},
    {F, "flow.classification < 3", C(20),
     "cannot compare a classification with an integer using '<'"},
    {E, "element.kind == \"proces\"", C(16),
     "'proces' is never a value of kind: expected external, process or store (did you mean "
     "'process'?)"},
    {F, "flow.authorization in [\"none\", \"enduser\"]", C(31),
     "'enduser' is never a value of authorization: expected none, technical, end-user or unknown "
     "(did you mean 'end-user'?)"},
    {TM_APPLIES_IDENTITY, "any(identity.statements, it.effect == \"alow\")", C(38),
     "'alow' is never a value of effect: expected allow or deny (did you mean 'allow'?)"},
    {TM_APPLIES_IDENTITY, "any(identity.statements, it.efect == \"allow\")", C(28),
     "unknown field 'efect' of statement (did you mean 'effect'?)"},
    {TM_APPLIES_BOUNDARY, "any(boundary.inbound.naem, true)", C(21),
     "unknown field 'naem' of flow (did you mean 'name'?)"},
    {E, "element.name.first == \"x\"", C(13), "a string has no field 'first'"},
    {E, "element.managed element.name", C(16),
     "unexpected 'element' after a complete expression"},
    {E, "element.props.a and element.props.b", C(16),
     "unexpected 'and' after a complete expression (use '&&')"},
    {E, "element.name = \"x\"", C(13), "unexpected '=' (did you mean '=='?)"},
    {E, "element.managed & element.event_source", C(16), "unexpected '&' (did you mean '&&'?)"},
    {E, "element.managed | element.event_source", C(16), "unexpected '|' (did you mean '||'?)"},
    {E, "count(element.in, 1) > 0", C(0), "count() takes 1 argument, not 2"},
    {E, "any(element.in)", C(0), "any() takes 2 arguments, not 1"},
    {E, "count(element.in > 0", C(20),
     "expected ',' or ')' in the arguments of count() but found the end of the expression"},
    {E, "element.data == \"pii\"", C(13),
     "cannot compare a list of data assets with a string (use 'in' for membership)"},
    {E, "element.data == element.in", C(13),
     "cannot compare a list of data assets with a list of flows"},
    {E, "[1, \"a\"] == element.name", C(4), "a list literal mixes integers and strings"},
    {E, "element.name in [element.id]", C(17),
     "a list literal holds only strings, integers, true and false"},
    {E, "element.name in [\"a\", \"b\"", C(25),
     "expected ',' or ']' in a list but found the end of the expression"},
    {E, "element.boundary == element.identity", C(17),
     "cannot compare a boundary with an identity"},
    {E, "true < false", C(5), "cannot order booleans with '<'"},
    {E, "count(element.in) > \"2\"", C(18),
     "cannot compare an integer with a string using '>'"},
    {E, "element.props.x < \"a\"", C(16),
     "cannot compare a prop value with a string using '<'"},
    {E, "element.name == \"x\" == \"y\"", C(20),
     "comparisons do not chain: join them with '&&'"},
    {E, "element.", C(8), "expected a field name after '.' but found the end of the expression"},
    {E, "element.(name)", C(8), "expected a field name after '.' but found '('"},
    {E, "matches(element.data, \"a*\")", C(8),
     "matches() needs a string as its first argument, not a list of data assets"},
    {E, "matches(element.name, 3)", C(22),
     "matches() needs a glob string as its second argument, not an integer"},
    {E, "element.props.x == null", C(19), "there is no 'null' literal: use has(path) or !has(path)"},
    {E, "99999999999999999999 > 1", C(0), "integer literal out of range"},
    {E, "element.port == 12ab", C(18), "unexpected 'a' in a number"},
    {E, "count > 1", C(6), "expected '(' after 'count'"},
    {E, "element(1)", C(0), "unknown function 'element'"},
    {E, ")", C(0), "expected a value but found ')'"},
    {E, "element.managed && ", C(19), "expected a value but found the end of the expression"},
    {F, "source.boundary == flow", C(16), "cannot compare a boundary with a flow"},
    {TM_APPLIES_IDENTITY, "any(identity.statements, it == \"S1\")", C(28),
     "cannot compare a statement with a string"},
    /* a later line of a block scalar: column from the line start plus the indent */
    {TM_APPLIES_MODEL,
     "any(model.elements, any(it.in, any(it.data, any(model.flows, all(it.data, true)))))", C(61),
     "any() and all() nest at most 4 deep"},
    {E, "element.managed &&\n  element.naem == \"x\"", 11, 19,
     "unknown field 'naem' of element (did you mean 'name'?)"},
    {E, "element.managed\n&&\nelement.name ==", 12, 24,
     "expected a value but found the end of the expression"},
    /* columns count code points, not bytes */
    {E, "\"\xc3\xa9t\xc3\xa9\" == element.nme", C(17),
     "unknown field 'nme' of element (did you mean 'name'?)"},
    {E, "element.name == \"\xc3\xa9\" && \xc3\xa9", C(23), "unexpected character (byte 0xc3)"},
};

START_TEST(parse_errors_exact)
{
    for (size_t i = 0; i < sizeof S_errors / sizeof S_errors[0]; i++) {
        const err_case *c = &S_errors[i];
        tm_arena *ar = tm_arena_new();
        tm_diags *d = tm_diags_new();
        tm_expr *e = tm_expr_parse(ar, c->text, c->kind, &S_origin, d);
        ck_assert_msg(e == NULL, "expected an error for `%s`", c->text);
        ck_assert_msg(tm_diags_count(d) == 1, "`%s`: %zu diagnostics", c->text,
                      tm_diags_count(d));
        const tm_diag *g = tm_diags_get(d, 0);
        ck_assert_int_eq(g->severity, TM_DIAG_ERROR);
        ck_assert_str_eq(g->file, "rules.yaml");
        ck_assert_msg(strcmp(g->message, c->message) == 0, "`%s`:\n got  %s\n want %s", c->text,
                      g->message, c->message);
        ck_assert_msg(g->line == c->line && g->col == c->col, "`%s`: at %u:%u, want %u:%u",
                      c->text, g->line, g->col, c->line, c->col);
        tm_diags_free(d);
        tm_arena_free(ar);
    }
}
END_TEST

START_TEST(parse_error_positions_without_origin)
{
    tm_arena *ar = tm_arena_new();
    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_expr_parse(ar, "element.managed &&\n   element.nam", E, NULL, d));
    const tm_diag *g = tm_diags_get(d, 0);
    ck_assert_ptr_null(g->file);
    ck_assert_uint_eq(g->line, 2);
    ck_assert_uint_eq(g->col, 12);
    /* a NULL text is an empty condition */
    ck_assert_ptr_null(tm_expr_parse(ar, NULL, E, NULL, d));
    ck_assert_str_eq(tm_diags_get(d, 1)->message, "empty condition");
    /* a value expression need not be boolean, but must still type-check */
    ck_assert_ptr_nonnull(tm_expr_parse_value(ar, "element.data", E, NULL, d));
    ck_assert_ptr_nonnull(tm_expr_parse_value(ar, "element", E, NULL, d));
    ck_assert_ptr_null(tm_expr_parse_value(ar, "element.dta", E, NULL, d));
    ck_assert_str_eq(tm_diags_get(d, 2)->message,
                     "unknown field 'dta' of element (did you mean 'data'?)");
    ck_assert_ptr_null(tm_expr_parse_value(ar, "", E, NULL, d));
    ck_assert_str_eq(tm_diags_get(d, 3)->message, "empty expression");
    ck_assert_uint_eq(tm_diags_count(d), 4);
    tm_diags_free(d);
    tm_arena_free(ar);
}
END_TEST

START_TEST(nesting_is_bounded)
{
    tm_arena *ar = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_buf b;
    tm_buf_init(&b, 0);
    for (int i = 0; i < 1000; i++)
        tm_buf_putc(&b, '(');
    tm_buf_puts(&b, "true");
    ck_assert_ptr_null(tm_expr_parse(ar, b.data, E, NULL, d));
    ck_assert_str_eq(tm_diags_get(d, 0)->message,
                     "expression nested too deeply (more than 64 levels)");
    tm_buf_reset(&b);
    for (int i = 0; i < 1000; i++)
        tm_buf_putc(&b, '!');
    tm_buf_puts(&b, "true");
    ck_assert_ptr_null(tm_expr_parse(ar, b.data, E, NULL, d));
    ck_assert_uint_eq(tm_diags_count(d), 2);
    /* long flat chains are fine: && and || do not nest */
    tm_buf_reset(&b);
    tm_buf_puts(&b, "true");
    for (int i = 0; i < 5000; i++)
        tm_buf_puts(&b, i % 2 ? " && true" : " || true");
    tm_expr *e = tm_expr_parse(ar, b.data, E, NULL, d);
    ck_assert_ptr_nonnull(e);
    tm_eval_ctx c;
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(tm_expr_eval(e, &c), 1);
    /* within the limit */
    tm_buf_reset(&b);
    for (int i = 0; i < 30; i++)
        tm_buf_putc(&b, '(');
    tm_buf_puts(&b, "true");
    for (int i = 0; i < 30; i++)
        tm_buf_putc(&b, ')');
    ck_assert_ptr_nonnull(tm_expr_parse(ar, b.data, E, NULL, d));
    ck_assert_uint_eq(tm_diags_count(d), 2);
    tm_buf_free(&b);
    tm_diags_free(d);
    tm_arena_free(ar);
}
END_TEST

/* --------------------------------------------------------- evaluation */

START_TEST(operators_and_precedence)
{
    fixture *f = S_fixture();
    EL_T(api, "true");
    EL_F(api, "false");
    EL_T(api, "!false");
    EL_T(api, "!!true");
    EL_T(api, "true || false && false"); /* && binds tighter than || */
    EL_F(api, "(true || false) && false");
    EL_F(api, "!false && false"); /* ! binds tighter than && */
    EL_T(api, "!(true && false)");
    EL_T(api, "!element.managed == false"); /* ! binds tighter than == */
    EL_T(api, "1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3 && 1 != 2 && 2 == 2");
    EL_F(api, "1 > 2 || 2 < 2 || 2 >= 3 || 1 == 2 || 1 != 1");
    EL_T(api, "-1 < 0 && element.props.timeout > -1");
    EL_T(api, "\"a\\\"b\" == \"a\\\"b\" && \"x\\\\y\" != \"x\"");
    EL_T(api, "true == true && false != true");
    EL_T(api, "2 in [1, 2, 3] && !(4 in [1, 2, 3]) && !(1 in [])");
    EL_T(api, "\"b\" in [\"a\", \"b\"] && true in [false, true]");
    EL_T(api, "count([1, 2, 3]) == 3 && count([]) == 0");
    EL_T(api, "element.managed\n  &&\telement.kind == \"process\"");
    S_fixture_free(f);
}
END_TEST

START_TEST(element_fields)
{
    fixture *f = S_fixture();
    EL_T(api, "element.id == \"api\" && element.name == \"API\"");
    EL_T(api, "element.type == \"aws.apigateway\" && element.kind == \"process\"");
    EL_T(user, "element.kind == \"external\" && element.kind != \"process\"");
    EL_T(bucket, "element.kind == \"store\"");
    EL_T(api, "element.origin == \"third-party\"");
    EL_T(fn, "element.origin == \"in-house\" && element.description == \"resizes photos\"");
    EL_T(user, "element.origin == \"unknown\"");
    EL_T(user, "element.out_of_scope && element.reason == \"not ours\"");
    EL_F(api, "element.out_of_scope");
    EL_F(api, "has(element.reason) || has(element.description)");
    EL_T(api, "element.boundary == \"aws\" && element.boundary.type == \"cloud-account\"");
    EL_T(fn, "element.boundary.parent == \"aws\" && element.boundary.depth == 1");
    EL_T(api, "!has(element.boundary.parent) && has(element.boundary)");
    EL_T(api, "!has(element.identity) && !has(element.identity.name)");
    EL_T(fn, "element.identity == \"role\" && element.identity.name == \"Lambda role\"");
    EL_T(fn, "element.identity == element.identity");
    EL_F(api, "element.identity == element.identity"); /* null never equals */
    EL_T(api, "element.identity != element.identity");
    EL_T(fn, "\"sharp@0.32.0\" in element.libraries && count(element.libraries) == 2");
    EL_T(fn, "any(element.libraries, matches(it, \"aws-sdk@*\"))");
    EL_T(api, "element.type_known && element.managed && !element.event_source");
    EL_T(bucket, "element.event_source && element.label == \"Amazon S3\"");
    EL_T(user, "!element.type_known && !element.managed && element.label == \"user\"");
    EL_T(api, "count(element.in) == 1 && count(element.out) == 1");
    EL_T(api, "\"f1\" in element.in && \"f2\" in element.out && !(\"f2\" in element.in)");
    EL_T(api, "any(element.in, it.protocol == \"https\" && it.from.kind == \"external\")");
    EL_T(api, "\"user\" in element.in.from && !(\"Customer\" in element.in.from.id)");
    EL_T(api, "\"AWS console\" in element.entry_points && count(element.entry_points) == 2");
    EL_T(fn, "element.shares_identity && \"fn2\" in element.identity.users");
    EL_F(api, "element.shares_identity");
    EL_T(api, "element.max_class == \"confidential\" && element.classification == \"public\"");
    EL_T(bucket, "element.max_class == \"restricted\"");
    /* without an analysis, info-backed fields are empty or false, not errors */
    tm_eval_ctx c;
    memset(&c, 0, sizeof c);
    c.element = f->api;
    tm_expr *e = S_parse_ok(f, E,
                            "count(element.in) == 0 && !element.managed && "
                            "element.label == \"aws.apigateway\" && !has(model) && "
                            "element.max_class == \"public\"",
                            0);
    ck_assert_int_eq(tm_expr_eval(e, &c), 1);
    S_fixture_free(f);
}
END_TEST

START_TEST(props_and_absent_semantics)
{
    fixture *f = S_fixture();
    EL_T(api, "element.props.authorizer == \"none\"");
    EL_T(api, "element.props.timeout > 10 && element.props.timeout >= 29");
    EL_F(api, "element.props.timeout < 29");
    EL_T(api, "element.props.timeout in [10, 29]");
    EL_F(api, "element.props.timeout in [\"29\"]");
    EL_T(api, "element.props.throttling == false && !element.props.throttling");
    EL_T(api, "\"*\" in element.props.cors_origins && count(element.props.cors_origins) == 2");
    EL_T(api, "any(element.props.cors_origins, matches(it, \"https://*\"))");
    EL_F(api, "all(element.props.cors_origins, matches(it, \"https://*\"))");
    EL_T(api, "element.props.nested.waf && element.props.ratio < 1");
    EL_T(api, "element.props.ratio > 0 && element.props.ratio != 1");
    EL_T(bucket, "element.props.public_read");
    EL_T(bucket, "element.kind == \"store\" && element.props.public_read == true");
    /* absent: null is false; == is false; != is true */
    EL_T(api, "!element.props.tracing");
    EL_F(api, "element.props.tracing");
    EL_F(api, "element.props.tracing == false");
    EL_T(api, "element.props.tracing != false");
    EL_F(api, "element.props.tracing == element.props.tracing");
    EL_F(api, "element.props.missing < 1 || element.props.missing >= 1");
    EL_F(api, "has(element.props.tracing) || has(element.props.nothing)");
    EL_T(api, "has(element.props.timeout) && has(element.props.nested.waf)");
    EL_F(api, "has(element.props.nested.nope) || has(element.props.timeout.deeper)");
    EL_T(fn, "element.props.tracing");
    EL_F(api, "element.props.nothing == 1 || element.props.nothing == \"\"");
    EL_T(api, "element.props.nothing != 1");
    EL_F(api, "element.props.missing in [1, 2]");
    EL_T(api, "count(element.props.missing) == 0");
    EL_F(api, "any(element.props.missing, true) || all(element.props.missing, true)");
    EL_F(api, "\"x\" in element.props.missing");
    /* mismatched dynamic types compare false, != true */
    EL_F(api, "element.props.authorizer == 1");
    EL_T(api, "element.props.authorizer != 1");
    EL_F(api, "element.props.timeout == \"29\"");
    EL_F(api, "element.props.authorizer > 1 || element.props.authorizer <= 1");
    EL_F(api, "element.props.authorizer"); /* a string is not true */
    EL_F(api, "element.props.timeout == true");
    EL_T(api, "count(element.props.timeout) == 0"); /* not a list */
    EL_F(api, "\"none\" in element.props.authorizer"); /* not a list at run time */
    EL_F(api, "element.props.cors_origins == \"*\"");
    /* projections through props of several elements */
    MO_T("true in model.elements.props.public_read");
    MO_T("count(model.elements.props.public_read) == 1");
    MO_T("\"none\" in model.elements.props.authorizer && 29 in model.elements.props.timeout");
    MO_T("\"https://shop.example\" in model.elements.props.cors_origins"); /* flattened */
    S_fixture_free(f);
}
END_TEST

START_TEST(classification_ranking)
{
    fixture *f = S_fixture();
    FL_T(f1, "flow.classification == \"confidential\"");
    FL_T(f1, "flow.classification >= \"confidential\" && flow.classification < \"restricted\"");
    FL_T(f1, "flow.classification > \"internal\" && flow.classification != \"public\"");
    FL_T(f1, "\"internal\" < flow.classification");
    FL_T(f1, "flow.data.classification == \"confidential\"");
    FL_T(f1, "flow.data.classification in [\"confidential\", \"restricted\"]");
    FL_T(f3, "flow.classification == \"restricted\" && flow.classification >= \"public\"");
    /* a flow without data: TM_CLASS_NONE, below "public" */
    FL_T(f2, "flow.classification < \"public\" && !(flow.classification >= \"public\")");
    FL_F(f2, "flow.classification == \"public\"");
    FL_T(f2, "flow.data.classification < \"public\"");
    FL_F(f2, "flow.data.classification in [\"public\", \"internal\"]");
    /* classification against classification */
    FL_T(f3, "flow.classification > source.classification");
    FL_T(f1, "flow.classification == source.max_class || flow.classification > target.classification");
    FL_T(f1, "any(flow.data, it.classification > \"public\") && !all(flow.data, it.classification > \"public\")");
    EL_T(bucket, "element.classification == \"restricted\" && element.data.classification > \"confidential\"");
    EL_T(user, "element.classification < \"public\"");
    /* a list of classifications: projection over elements */
    MO_T("\"restricted\" in model.elements.classification");
    MO_T("model.elements.data.classification == \"restricted\"");
    MO_T("any(model.flows, it.classification >= \"restricted\")");
    S_fixture_free(f);
}
END_TEST

START_TEST(flow_fields)
{
    fixture *f = S_fixture();
    FL_T(f1, "flow.id == \"f1\" && flow.name == \"POST /orders\" && flow.protocol == \"https\"");
    FL_T(f1, "flow.port == 443 && flow.number == 1");
    FL_T(f1, "flow.encrypted && !flow.authenticated"); /* unknown means not proven */
    FL_T(f1, "flow.authorization == \"none\"");
    FL_T(f2, "flow.authorization == \"end-user\" && flow.authenticated && flow.trigger");
    FL_T(f3, "flow.authorization == \"unknown\" && !flow.encrypted && !flow.trigger");
    FL_F(f1, "flow.bidirectional || has(flow.description)");
    FL_T(f2, "flow.name == \"f2\""); /* the name defaults to the id */
    FL_T(f2, "!has(flow.port) && flow.port != 443");
    FL_F(f2, "flow.port == 0");
    FL_T(f1, "\"pii\" in flow.data && \"pii\" in flow.data.id && \"Customer PII\" in flow.data.name");
    FL_T(f1, "count(flow.data) == 2 && !has(flow.data.description)");
    FL_T(f1, "\"internet\" in flow.crosses && \"aws\" in flow.crosses && count(flow.crosses) == 2");
    FL_T(f2, "count(flow.crosses) == 0 && !has(flow.crosses)");
    FL_T(f3, "\"vpc\" in flow.crosses && flow.props.kms == \"aws/s3\"");
    FL_T(f1, "flow.from == source && flow.to == target && source != target");
    FL_T(f1, "source.kind == \"external\" && target.boundary.type == \"cloud-account\"");
    FL_T(f1, "source.boundary != target.boundary");
    FL_F(f2, "source.boundary == target.boundary");
    FL_T(f2, "target.boundary.parent == source.boundary");
    FL_T(f2, "flow.from.id == \"api\" && flow.to == \"fn\"");
    FL_T(f3, "flow.number == 3 && model.name == \"Shop\"");
    S_fixture_free(f);
}
END_TEST

START_TEST(boundary_identity_artifact_model_fields)
{
    fixture *f = S_fixture();
    BD_T(aws, "boundary.id == \"aws\" && boundary.name == \"aws\" && boundary.type == \"cloud-account\"");
    BD_T(aws, "boundary.depth == 0 && !has(boundary.parent) && !has(boundary.description)");
    BD_T(aws, "\"f1\" in boundary.inbound && count(boundary.outbound) == 0");
    BD_T(aws, "count(boundary.members) == 4 && \"api\" in boundary.entry_points");
    BD_T(aws, "\"vpc\" in boundary.children && \"vpc\" in boundary.children.id");
    BD_T(vpc, "boundary.parent == \"aws\" && boundary.depth == 1 && boundary.parent.type == \"cloud-account\"");
    BD_T(vpc, "all(boundary.members, it.kind == \"process\")");
    BD_T(vpc, "any(boundary.outbound, it.to.kind == \"store\" && !it.encrypted)");
    BD_F(internet, "any(boundary.inbound, true) || has(boundary.children)");

    ID_T("identity.id == \"role\" && identity.type == \"aws.iam.role\"");
    ID_T("identity.wildcard_action && identity.wildcard_resource && !identity.admin");
    ID_F("identity.public_principal || identity.cross_account || identity.uses_not || identity.ses_send_any");
    ID_T("identity.privesc && \"iam:PassRole\" in identity.privesc_actions");
    ID_T("\"s3:*\" in identity.wildcard_actions");
    ID_T("\"fn\" in identity.users && count(identity.users) == 2 && \"Function 2\" in identity.users.name");
    ID_T("count(identity.statements) == 2 && \"S1\" in identity.statements.sid");
    ID_T("\"s3:*\" in identity.statements.actions && count(identity.statements.actions) == 3");
    ID_T("any(identity.statements, it.effect == \"deny\" && \"s3:DeleteBucket\" in it.actions)");
    ID_T("any(identity.statements, it.effect == \"allow\" && \"*\" in it.resources && count(it.not_actions) == 0)");
    ID_T("all(identity.statements, count(it.resources) >= 1 && count(it.principals) == 0)");
    ID_T("\"StringEquals\" in identity.statements.conditions.test");
    ID_T("\"123456789012\" in identity.statements.conditions.values");
    ID_T("any(identity.statements, !has(it.sid)) && any(identity.statements, has(it.conditions))");

    AR_T("artifact.id == \"ci\" && artifact.name == \"Deploy workflow\" && artifact.type == \"ci-config\"");
    AR_T("artifact.path == \".github/workflows/deploy.yml\" && !has(artifact.version)");
    AR_T("artifact.origin == \"in-house\" && artifact.owner == \"platform\"");
    AR_T("\"fn\" in artifact.defines && artifact.props.pinned == false");
    AR_T("artifact.scanned && count(artifact.secrets) == 1");
    AR_T("any(artifact.secrets, it.line == 12 && matches(it.masked, \"AKIA*\") && it.kind == \"AWS access key id\" && it.file == \"deploy.yml\")");
    AR_T("\"actions/checkout\" in artifact.unpinned");

    MO_T("model.name == \"Shop\" && model.owner == \"team\" && model.version == \"1.0\"");
    MO_T("!has(model.description)");
    MO_T("count(model.elements) == 5 && count(model.flows) == 3 && count(model.boundaries) == 3");
    MO_T("count(model.identities) == 1 && count(model.artifacts) == 1");
    MO_T("any(model.elements, it.kind == \"store\" && it.props.public_read)");
    MO_T("count(model.elements.data) == 4"); /* projection keeps repeats */
    MO_T("count(model.boundaries.members) == 7");
    MO_T("all(model.flows, it.number > 0)");
    MO_T("\"ci\" in model.artifacts && \"role\" in model.identities");
    S_fixture_free(f);
}
END_TEST

START_TEST(functions_and_nesting)
{
    fixture *f = S_fixture();
    /* nested any: `it` is the innermost item */
    MO_T("any(model.elements, any(it.out, it.to.kind == \"store\"))");
    MO_T("any(model.elements, any(it.data, it.id == \"sec\"))");
    MO_F("any(model.boundaries, any(it.members, it.id == \"vpc\"))");
    MO_T("any(model.boundaries, any(it.children, it.id == \"vpc\"))");
    MO_T("any(model.boundaries, it.id == \"aws\" && any(it.members, it.kind == \"store\") && it.type == \"cloud-account\")");
    ID_T("any(identity.statements, any(it.conditions, it.variable == \"aws:SourceAccount\" && \"123456789012\" in it.values))");
    MO_T("all(model.elements, all(it.data, it.classification >= \"public\"))");
    MO_F("all(model.elements, any(it.data, true))"); /* the user has no data */
    MO_T("any(model.elements, any(it.in, any(it.data, any(model.flows, it.trigger))))"); /* 4 deep */
    /* quantifiers over empty lists */
    EL_T(user, "all(element.in, false)");
    EL_F(user, "any(element.in, true)");
    EL_T(user, "count(element.in) == 0 && !has(element.in)");
    /* has() */
    EL_T(api, "has(element) && has(element.in) && has(element.props)");
    /* matches() */
    EL_T(api, "matches(element.type, \"aws.*\") && matches(element.type, \"aws.api????way\")");
    EL_F(api, "matches(element.type, \"gcp.*\") || matches(element.type, \"aws\")");
    EL_T(api, "matches(element, \"a?i\")"); /* an object matches by id */
    EL_T(api, "matches(element.props.authorizer, \"n*\")");
    EL_F(api, "matches(element.props.timeout, \"*\")"); /* not a string */
    EL_F(api, "matches(element.description, \"*\")"); /* null */
    EL_T(api, "matches(\"a*b\", \"a*\") && matches(\"\", \"*\") && !matches(\"x\", \"\")");
    /* a '*' in the text is an ordinary character (IAM actions contain them) */
    EL_T(api, "matches(\"*x\", \"*\") && matches(\"s3:*\", \"s3:?\") && !matches(\"s3:*\", \"s3:G*\")");
    /* count() */
    MO_T("count(model.elements) > count(model.flows) && count(model.flows.data) == 3");
    S_fixture_free(f);
}
END_TEST

START_TEST(render_values)
{
    fixture *f = S_fixture();
    tm_eval_ctx c = S_ctx(f);
    c.element = f->api;
    ck_assert_str_eq(S_render(f, E, &c, "element.name"), "API");
    ck_assert_str_eq(S_render(f, E, &c, "element"), "API");
    ck_assert_str_eq(S_render(f, E, &c, "element.props.missing"), "unknown");
    ck_assert_str_eq(S_render(f, E, &c, "element.props.timeout"), "29");
    ck_assert_str_eq(S_render(f, E, &c, "element.props.ratio"), "0.5");
    ck_assert_str_eq(S_render(f, E, &c, "element.props.cors_origins"),
                     "*, https://shop.example");
    ck_assert_str_eq(S_render(f, E, &c, "element.props.nested"), "{waf: true}");
    ck_assert_str_eq(S_render(f, E, &c, "element.classification"), "public");
    ck_assert_str_eq(S_render(f, E, &c, "element.managed"), "true");
    ck_assert_str_eq(S_render(f, E, &c, "element.in.from"), "Customer");
    ck_assert_str_eq(S_render(f, E, &c, "count(model.elements)"), "5");
    ck_assert_str_eq(S_render(f, E, &c, "element.kind == \"process\""), "true");
    ck_assert_str_eq(S_render(f, E, &c, "model"), "Shop");
    ck_assert_str_eq(S_render(f, E, &c, "element.in"), "POST /orders");
    ck_assert_str_eq(S_render(f, E, &c, "[1, 2]"), "1, 2");
    ck_assert_str_eq(S_render(f, E, &c, "element.boundary.parent"), "unknown");
    c.element = f->user;
    ck_assert_str_eq(S_render(f, E, &c, "element.classification"), "none");
    ck_assert_str_eq(S_render(f, E, &c, "element.data"), "");
    memset(&c, 0, sizeof c);
    c.a = &f->a;
    c.flow = f->f1;
    ck_assert_str_eq(S_render(f, F, &c, "flow.data"), "Customer PII, pub");
    ck_assert_str_eq(S_render(f, F, &c, "flow.crosses"), "internet, aws");
    ck_assert_str_eq(S_render(f, F, &c, "source.name"), "Customer"); /* from the flow */
    ck_assert_str_eq(S_render(f, F, &c, "flow.port"), "443");
    ck_assert_str_eq(S_render(f, F, &c, "flow.data.classification"), "confidential");
    memset(&c, 0, sizeof c);
    c.a = &f->a;
    c.identity = f->role;
    ck_assert_str_eq(S_render(f, TM_APPLIES_IDENTITY, &c, "identity.users"),
                     "Function, Function 2");
    ck_assert_str_eq(S_render(f, TM_APPLIES_IDENTITY, &c, "identity.statements"),
                     "S1, deny s3:DeleteBucket");
    ck_assert_str_eq(S_render(f, TM_APPLIES_IDENTITY, &c, "identity.statements.conditions"),
                     "StringEquals aws:SourceAccount");
    memset(&c, 0, sizeof c);
    c.a = &f->a;
    c.artifact = f->ci;
    ck_assert_str_eq(S_render(f, TM_APPLIES_ARTIFACT, &c, "artifact.secrets"),
                     "AWS access key id at deploy.yml:12");
    S_fixture_free(f);
}
END_TEST

START_TEST(templates)
{
    fixture *f = S_fixture();
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_expr_check_template(f->ar, "Public read on {element.name}", E, &S_origin, d), 0);
    ck_assert_int_eq(tm_expr_check_template(f->ar, "no placeholders", E, &S_origin, d), 0);
    ck_assert_int_eq(tm_expr_check_template(f->ar, NULL, E, &S_origin, d), 0);
    ck_assert_int_eq(tm_expr_check_template(f->ar, "{{literal} {matches(element.id, \"}\")}", E, &S_origin, d), 0);
    ck_assert_uint_eq(tm_diags_count(d), 0);
    /* every bad placeholder is reported, at its own position */
    ck_assert_int_eq(tm_expr_check_template(f->ar, "Read on {element.nme} via {flow.name}", E, &S_origin, d), -1);
    ck_assert_uint_eq(tm_diags_count(d), 2);
    ck_assert_str_eq(tm_diags_get(d, 0)->message, "unknown field 'nme' of element (did you mean 'name'?)");
    ck_assert_uint_eq(tm_diags_get(d, 0)->col, 11 + 17);
    ck_assert_str_eq(tm_diags_get(d, 1)->message, "'flow' is not available in an element rule");
    ck_assert_uint_eq(tm_diags_get(d, 1)->col, 11 + 27);
    ck_assert_int_eq(tm_expr_check_template(f->ar, "Open {element.name", E, &S_origin, d), -1);
    ck_assert_str_eq(tm_diags_get(d, 2)->message,
                     "unterminated placeholder: '{' without '}' (write '{{' for a brace)");
    ck_assert_uint_eq(tm_diags_get(d, 2)->col, 11 + 5);
    ck_assert_int_eq(tm_expr_check_template(f->ar, "x {} y", E, &S_origin, d), -1);
    ck_assert_str_eq(tm_diags_get(d, 3)->message, "empty placeholder '{}' (write '{{' for a brace)");
    ck_assert_uint_eq(tm_diags_get(d, 3)->col, 11 + 2);
    ck_assert_int_eq(tm_expr_check_template(f->ar, "a\n  {element.name ==}", E, &S_origin, d), -1);
    ck_assert_str_eq(tm_diags_get(d, 4)->message, "expected a value but found the end of the expression");
    ck_assert_uint_eq(tm_diags_get(d, 4)->line, 11);
    ck_assert_uint_eq(tm_diags_get(d, 4)->col, 8 + 2 + 16 + 1);
    ck_assert_uint_eq(tm_diags_count(d), 5);

    tm_eval_ctx c = S_ctx(f);
    c.element = f->bucket;
    ck_assert_str_eq(tm_expr_expand(f->ar, "Public read on {element.name}", E, &c), "Public read on Bucket");
    ck_assert_str_eq(tm_expr_expand(f->ar, "{element.name} stores {element.data} ({element.classification})", E, &c),
                     "Bucket stores Customer PII, Secrets (restricted)");
    ck_assert_str_eq(tm_expr_expand(f->ar, "{{x} {element.id}", E, &c), "{x} bucket");
    ck_assert_str_eq(tm_expr_expand(f->ar, "{matches(element.id, \"}\")}", E, &c), "false");
    ck_assert_str_eq(tm_expr_expand(f->ar, "plain", E, &c), "plain");
    ck_assert_str_eq(tm_expr_expand(f->ar, NULL, E, &c), "");
    ck_assert_str_eq(tm_expr_expand(f->ar, "{element.props.versioning}", E, &c), "unknown");
    memset(&c, 0, sizeof c);
    c.a = &f->a;
    c.identity = f->role;
    ck_assert_str_eq(tm_expr_expand(f->ar, "{identity.name} is shared by {identity.users}",
                                    TM_APPLIES_IDENTITY, &c),
                     "Lambda role is shared by Function, Function 2");
    memset(&c, 0, sizeof c);
    c.a = &f->a;
    c.flow = f->f1;
    c.source = f->user;
    c.target = f->api;
    ck_assert_str_eq(tm_expr_expand(f->ar, "{source.name} -> {target.name}: {flow.name} (#{flow.number})",
                                    F, &c),
                     "Customer -> API: POST /orders (#1)");
    tm_diags_free(d);
    S_fixture_free(f);
}
END_TEST

START_TEST(eval_is_deterministic)
{
    fixture *f = S_fixture();
    const char *text = "any(element.in, it.classification >= \"confidential\") || "
                       "(element.managed && !element.props.tracing) || element.kind == \"store\"";
    tm_expr *a = S_parse_ok(f, E, text, 0);
    tm_expr *b = S_parse_ok(f, E, text, 0);
    tm_buf r1, r2;
    tm_buf_init(&r1, 0);
    tm_buf_init(&r2, 0);
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < f->m.n_elements; i++) {
            tm_eval_ctx c = S_ctx(f);
            c.element = f->m.elements[i];
            int x = tm_expr_eval(a, &c), y = tm_expr_eval(b, &c);
            ck_assert_int_eq(x, y);
            tm_buf_printf(round ? &r2 : &r1, "%d", x);
        }
        if (round) {
            ck_assert_str_eq(r1.data, r2.data);
            tm_buf_reset(&r2);
        }
    }
    /* user: nothing; api: a confidential inbound flow; fn: traced, no data in; fn2: managed
     * and untraced; bucket: a store */
    ck_assert_str_eq(r1.data, "01011");
    ck_assert_int_eq(tm_expr_eval(NULL, NULL), 1); /* no condition: always applies */
    /* no subjects at all: every subject is null */
    ck_assert_int_eq(tm_expr_eval(a, NULL), 0);
    ck_assert_int_eq(tm_expr_eval(S_parse_ok(f, E, "!has(element) && !has(model.elements)", 0), NULL), 1);
    ck_assert_str_eq(tm_expr_expand(f->ar, "[{element.name}]", E, NULL), "[unknown]");
    tm_buf_free(&r1);
    tm_buf_free(&r2);
    S_fixture_free(f);
}
END_TEST

/* share/stridec/doc/conditions.md documents exactly the fields the checker
 * knows: every documented field parses, and the count matches the table in
 * expr.c (112 fields: a new field must be documented). */
START_TEST(documented_fields_exist)
{
    static const struct {
        const char *heading, *prefix;
        tm_applies kind;
    } sections[] = {
        {"### element", "element.", TM_APPLIES_ELEMENT},
        {"### flow", "flow.", TM_APPLIES_FLOW},
        {"### boundary", "boundary.", TM_APPLIES_BOUNDARY},
        {"### identity", "identity.", TM_APPLIES_IDENTITY},
        {"### statement", "identity.statements.", TM_APPLIES_IDENTITY},
        {"### condition", "identity.statements.conditions.", TM_APPLIES_IDENTITY},
        {"### artifact", "artifact.", TM_APPLIES_ARTIFACT},
        {"### secret", "artifact.secrets.", TM_APPLIES_ARTIFACT},
        {"### data", "element.data.", TM_APPLIES_ELEMENT},
        {"### model", "model.", TM_APPLIES_MODEL},
    };
    size_t len = 0;
    char *doc = tu_slurp(tu_path("share/stridec/doc/conditions.md"), &len);
    ck_assert_ptr_nonnull(doc);
    tm_arena *ar = tm_arena_new();
    tm_diags *d = tm_diags_new();
    int section = -1;
    size_t fields = 0;
    for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "### ", 4) == 0) {
            section = -1;
            for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
                if (strcmp(line, sections[i].heading) == 0)
                    section = (int)i;
            ck_assert_msg(section >= 0, "unexpected heading %s", line);
            continue;
        }
        if (section < 0 || strncmp(line, "| `", 3) != 0)
            continue;
        char *end = strchr(line + 3, '`');
        ck_assert_ptr_nonnull(end);
        char *path = tm_arena_printf(ar, "%s%.*s", sections[section].prefix,
                                     (int)(end - (line + 3)), line + 3);
        tm_expr *e = tm_expr_parse_value(ar, path, sections[section].kind, NULL, d);
        ck_assert_msg(e != NULL, "documented `%s` does not parse: %s", path,
                      tm_diags_get(d, tm_diags_count(d) - 1)->message);
        fields++;
    }
    ck_assert_uint_eq(fields, 112);
    tm_diags_free(d);
    tm_arena_free(ar);
    free(doc);
}
END_TEST

/* Every saved input of the fuzz target (seeds and crashers) passes its checks. */
START_TEST(fuzz_corpus_replays_clean)
{
    const char *dir = tu_path("tests/fuzz/corpus/expr");
    DIR *dh = opendir(dir);
    ck_assert_ptr_nonnull(dh);
    size_t files = 0;
    for (struct dirent *ent; (ent = readdir(dh)) != NULL;) {
        if (ent->d_name[0] == '.')
            continue;
        tm_buf path;
        tm_buf_init(&path, 0);
        tm_buf_printf(&path, "%s/%s", dir, ent->d_name);
        size_t len = 0;
        char *data = tu_slurp(path.data, &len);
        ck_assert_ptr_nonnull(data);
        const char *why = fuzz_expr_one((const uint8_t *)data, len);
        ck_assert_msg(why == NULL, "%s: %s", ent->d_name, why);
        free(data);
        tm_buf_free(&path);
        files++;
    }
    closedir(dh);
    ck_assert_uint_ge(files, 10);
    /* and a few made here: every byte value, an empty input */
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)(255 - i);
    ck_assert_ptr_null(fuzz_expr_one(all, sizeof all));
    ck_assert_ptr_null(fuzz_expr_one((const uint8_t *)"", 0));
}
END_TEST


/* ------------------------------------------------------------- guards */

static tm_expr_guard S_guard(fixture *f, tm_applies k, const char *text)
{
    tm_expr_guard g;
    tm_expr_type_guard(S_parse_ok(f, k, text, 0), f->ar, &g);
    return g;
}

START_TEST(type_guards)
{
    fixture *f = S_fixture();
    tm_expr_guard g = S_guard(f, E, "element.type == \"aws.lambda\" && element.props.tracing != true");
    ck_assert_int_eq(g.subject, TM_GUARD_ELEMENT);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.types[0], "aws.lambda");
    g = S_guard(f, E, "\"aws.s3\" == element.type");
    ck_assert_int_eq(g.subject, TM_GUARD_ELEMENT);
    ck_assert_str_eq(g.types[0], "aws.s3");
    g = S_guard(f, E, "element.managed && element.type in [\"aws.sqs\", \"aws.sns\"]");
    ck_assert_int_eq(g.subject, TM_GUARD_ELEMENT);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.types[1], "aws.sns");
    g = S_guard(f, F, "flow.trigger && target.type == \"aws.lambda\"");
    ck_assert_int_eq(g.subject, TM_GUARD_TARGET);
    g = S_guard(f, F, "source.type == \"aws.s3\"");
    ck_assert_int_eq(g.subject, TM_GUARD_SOURCE);
    /* nothing the guard could take without changing the meaning */
    const char *none[] = {
        "element.type == \"aws.lambda\" || element.managed",
        "!(element.type == \"aws.lambda\")",
        "element.type != \"aws.lambda\"",
        "element.boundary.type == \"vpc\"",
        "matches(element.type, \"aws.*\")",
        "element.name == \"aws.lambda\"",
        "any(element.out, it.to.type == \"aws.s3\")",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        g = S_guard(f, E, none[i]);
        ck_assert_msg(g.subject == TM_GUARD_NONE, "guard taken from `%s`", none[i]);
    }
    tm_expr_type_guard(NULL, f->ar, &g);
    ck_assert_int_eq(g.subject, TM_GUARD_NONE);
    S_fixture_free(f);
}
END_TEST

/* Sound on the shipped rules: wherever a rule's guard rejects an element,
 * the rule's condition is false for it. */
START_TEST(type_guards_are_sound_on_shipped_rules)
{
    fixture *f = S_fixture();
    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rs, d), 0);
    tm_element *els[] = {f->user, f->api, f->fn, f->fn2, f->bucket};
    size_t guarded = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const tm_rule *r = rs->rules[i];
        tm_expr_guard g;
        tm_expr_type_guard(r->when, f->ar, &g);
        if (g.subject == TM_GUARD_NONE)
            continue;
        guarded++;
        for (size_t e = 0; e < sizeof els / sizeof els[0]; e++) {
            int admits = 0;
            for (size_t k = 0; k < g.n; k++)
                admits |= strcmp(els[e]->type, g.types[k]) == 0;
            if (admits)
                continue;
            tm_eval_ctx c = S_ctx(f);
            if (r->applies_to == TM_APPLIES_ELEMENT) {
                c.element = els[e];
                ck_assert_msg(!tm_expr_eval(r->when, &c), "%s holds on %s", r->id, els[e]->id);
            } else if (r->applies_to == TM_APPLIES_FLOW) {
                tm_flow *flows[] = {f->f1, f->f2, f->f3};
                for (size_t k = 0; k < 3; k++) {
                    tm_element *end = g.subject == TM_GUARD_SOURCE ? flows[k]->from : flows[k]->to;
                    if (end != els[e])
                        continue;
                    c.flow = flows[k];
                    c.source = flows[k]->from;
                    c.target = flows[k]->to;
                    ck_assert_msg(!tm_expr_eval(r->when, &c), "%s holds on %s", r->id, flows[k]->id);
                }
            }
        }
    }
    ck_assert_uint_gt(guarded, 50); /* most pack rules name their type first */
    tm_diags_free(d);
    tm_ruleset_free(rs);
    S_fixture_free(f);
}
END_TEST

Suite *suite_expr(void)
{
    Suite *s = suite_create("expr");
    TCase *tc = tcase_create("expr");
    tcase_add_test(tc, parse_errors_exact);
    tcase_add_test(tc, parse_error_positions_without_origin);
    tcase_add_test(tc, nesting_is_bounded);
    tcase_add_test(tc, operators_and_precedence);
    tcase_add_test(tc, element_fields);
    tcase_add_test(tc, props_and_absent_semantics);
    tcase_add_test(tc, classification_ranking);
    tcase_add_test(tc, flow_fields);
    tcase_add_test(tc, boundary_identity_artifact_model_fields);
    tcase_add_test(tc, functions_and_nesting);
    tcase_add_test(tc, render_values);
    tcase_add_test(tc, templates);
    tcase_add_test(tc, eval_is_deterministic);
    tcase_add_test(tc, fuzz_corpus_replays_clean);
    tcase_add_test(tc, documented_fields_exist);
    tcase_add_test(tc, type_guards);
    tcase_add_test(tc, type_guards_are_sound_on_shipped_rules);
    suite_add_tcase(s, tc);
    return s;
}
