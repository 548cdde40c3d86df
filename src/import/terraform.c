/*
 * Importer from Terraform's JSON output (`terraform show -json plan.out`, or
 * `terraform show -json` of a state): a stridec model of the AWS resources
 * the plan or state holds.
 *
 * Where the input comes from (Terraform's "JSON Output Format"):
 *   planned_values.root_module / values.root_module: resources[] with
 *     address, mode, type, name, values (unknown values are left out), and
 *     child_modules[] recursively;
 *   prior_state.values.root_module: data sources read while planning;
 *   resource_changes[]: used when planned_values is absent;
 *   configuration.root_module: resources[] with expressions whose
 *     `references` name the objects an argument depends on, module_calls
 *     with their inputs and outputs. A plan creating new resources knows few
 *     ARNs and ids, so links (which function a queue triggers, which bucket a
 *     policy grants) come from the known values when there are some and from
 *     the configuration's references otherwise.
 *
 * What becomes what (share/stridec/doc/import.md "Terraform" says it for
 * users): AWS resources with a catalogue type are elements in the account's
 * boundary; IAM roles and users are identities whose statements come from
 * the JSON policy strings (or, when a policy is only known at apply time,
 * from the aws_iam_policy_document data source's configuration); event
 * source mappings, bucket notifications, subscriptions, API integrations,
 * lambda permissions, EventBridge targets and IAM grants become flows;
 * configuration resources (bucket encryption, public access blocks, method
 * settings...) become props of the element they configure. Only what the
 * input states becomes a prop: absent stays absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/import.h"

#define S_MAX_REF_DEPTH 16   /* var -> module input -> ... chains followed */
#define S_MAX_PATH_PARTS 32  /* API Gateway resource chain */
#define S_MAX_FLOW_NAMES 6   /* names listed on one merged flow */

/* ------------------------------------------------------------ helpers */

/* A growable array in the import arena. */
typedef struct {
    void **v;
    size_t n, cap;
} S_arr;

static void S_push(tm_arena *a, S_arr *l, const void *x)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4;
        void **nv = tm_arena_array(a, nc, sizeof *nv);
        if (l->n)
            memcpy(nv, l->v, l->n * sizeof *nv);
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = (void *)(uintptr_t)x;
}

static int S_has(const S_arr *l, const void *x)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == x)
            return 1;
    return 0;
}

/* Lists are kept unique by a linear scan while short; past S_MAX_SCAN
 * items (only in huge or hostile inputs) duplicates are let through and the
 * sorted lists drop them when written, so time stays linear. */
#define S_MAX_SCAN 64

static void S_push_uniq(tm_arena *a, S_arr *l, void *x)
{
    if (l->n > S_MAX_SCAN || !S_has(l, x))
        S_push(a, l, x);
}

static void S_push_str_uniq(tm_arena *a, S_arr *l, const char *s)
{
    for (size_t i = 0; l->n <= S_MAX_SCAN && i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return;
    S_push(a, l, s);
}

static int S_cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sort and drop duplicates. */
static void S_sort_strs(S_arr *l)
{
    if (l->n < 2)
        return;
    qsort(l->v, l->n, sizeof *l->v, S_cmp_str);
    size_t o = 1;
    for (size_t i = 1; i < l->n; i++)
        if (strcmp(l->v[i], l->v[o - 1]) != 0)
            l->v[o++] = l->v[i];
    l->n = o;
}

static int S_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int S_ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const tm_node *S_get(const tm_node *map, const char *key)
{
    return map && map->kind == TM_NODE_MAP ? tm_node_get(map, key) : NULL;
}

static int S_is_str(const tm_node *n)
{
    return n && n->kind == TM_NODE_SCALAR &&
           (n->stype == TM_SCALAR_STRING || n->stype == TM_SCALAR_TEXT);
}

/* A non-empty string value, or NULL. */
static const char *S_str(const tm_node *map, const char *key)
{
    const tm_node *n = S_get(map, key);
    return S_is_str(n) && n->len ? n->text : NULL;
}

/* 1 when map[key] is a boolean (its value in *v). */
static int S_bool(const tm_node *map, const char *key, int *v)
{
    const tm_node *n = S_get(map, key);
    if (!n || n->kind != TM_NODE_SCALAR || n->stype != TM_SCALAR_BOOL)
        return 0;
    *v = n->bval;
    return 1;
}

static int S_int(const tm_node *map, const char *key, long long *v)
{
    const tm_node *n = S_get(map, key);
    if (!n || n->kind != TM_NODE_SCALAR)
        return 0;
    if (n->stype == TM_SCALAR_INT) {
        *v = n->ival;
        return 1;
    }
    if (n->stype == TM_SCALAR_FLOAT && n->fval >= -1e15 && n->fval <= 1e15 &&
        n->fval == (double)(long long)n->fval) {
        *v = (long long)n->fval;
        return 1;
    }
    return 0;
}

static const tm_node *S_list(const tm_node *map, const char *key)
{
    const tm_node *n = S_get(map, key);
    return n && n->kind == TM_NODE_LIST ? n : NULL;
}

/* The first block of a nested block list (or the block itself when the
 * schema nests it singly), or NULL. */
static const tm_node *S_block(const tm_node *map, const char *key)
{
    const tm_node *n = S_get(map, key);
    if (n && n->kind == TM_NODE_LIST && n->n && n->items[0]->kind == TM_NODE_MAP)
        return n->items[0];
    return n && n->kind == TM_NODE_MAP ? n : NULL;
}

/* Case-insensitive ASCII comparison. */
static int S_eqi(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* ------------------------------------------------------------ the state */

typedef enum { S_OTHER, S_ELEMENT, S_IDENTITY, S_EXTERNAL } S_role;

typedef struct S_stmt S_stmt;

typedef struct S_res {
    const char *addr;    /* instance address: module.a["k"].aws_s3_bucket.b[0] */
    const char *modinst; /* module instance path ("" for the root) */
    const char *modcfg;  /* the same without instance keys */
    const char *local;   /* address inside its module: aws_s3_bucket.b[0] */
    const char *cfglocal; /* without the instance key: aws_s3_bucket.b */
    const char *type, *name;
    int data;              /* a data source */
    const tm_node *node;   /* the resource's map in the input */
    const tm_node *values; /* its values (map) or NULL */
    const tm_node *cfg;    /* its configuration (map) or NULL */
    struct S_res *next_same; /* next instance with the same modinst|cfglocal */
    /* what it becomes */
    S_role role;
    const char *id;
    const char *etype;
    const char *name_out;
    const char *boundary;
    const char *description;
    tm_node *props; /* map, built lazily */
    struct S_res *identity; /* functions: their execution role */
    S_arr stmts;            /* identities: S_stmt* */
    S_arr notes;            /* identities: what could not be read */
    int stmts_incomplete;   /* identities: a policy could not be read */
    const char *arn;        /* known ARN */
    const char *syn_service, *syn_res; /* ARN parts when the ARN is unknown */
    const char *ap_service, *ap_region, *ap_account, *ap_resource; /* ARN parts, once */
    int has_ap;
} S_res;

typedef struct {
    const char *test, *variable;
    S_arr values;
} S_cond;

struct S_stmt {
    const char *sid;
    int allow;
    S_arr actions, not_actions, resources, principals, conds;
    S_arr targets; /* S_res* the resources name */
};

typedef struct {
    const char *from, *to;
    S_arr names;
    const char *protocol;
    int trigger;                /* 1 or 0 (unset) */
    int authenticated, encrypted; /* -1 unknown */
} S_flow;

typedef struct S_valent {
    S_res *res;
    struct S_valent *next, *tail; /* tail: kept on the list's head */
} S_valent;

typedef struct {
    tm_arena *a;
    const char *file;
    tm_diags *d;
    int errors;
    int is_state;
    const char *format_version;
    S_arr res;          /* every S_res, input order */
    tm_map *by_addr;    /* addr -> S_res */
    tm_map *by_local;   /* "modinst|cfglocal" -> first S_res */
    tm_map *by_value;   /* known string value -> S_valent list */
    tm_map *cfg_mod;    /* module config path -> module map */
    tm_map *cfg_res;    /* "modcfg|cfglocal" -> resource config map */
    tm_map *ids;        /* id -> S_res */
    tm_map *flow_map;   /* "from|to" -> S_flow */
    S_arr flows;
    S_arr modinsts;     /* every module instance path seen (strings) */
    tm_map *modinst_set;
    S_arr assumptions;
    const char *account; /* the AWS account id, when an ARN says it */
    S_res *users;        /* the internet users external, when needed */
    size_t ref_budget;   /* reference steps left for the current query */
} S_ctx;

/* Reference steps one query may take (modules outputs and variables can
 * fan out; a hostile configuration must not make that exponential). */
#define S_REF_BUDGET 4000

static void S_err(S_ctx *c, const tm_node *at, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_err(S_ctx *c, const tm_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_ERROR, "import", c->file, at ? at->line : 1, at ? at->col : 1,
                 fmt, ap);
    va_end(ap);
    c->errors++;
}

static void S_warn(S_ctx *c, const tm_node *at, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_warn(S_ctx *c, const tm_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_WARNING, "import", c->file, at ? at->line : 1, at ? at->col : 1,
                 fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------ type tables */

typedef struct {
    const char *tf, *type;
} S_typemap;

static const S_typemap S_elements[] = {
    {"aws_lambda_function", "aws.lambda"},
    {"aws_s3_bucket", "aws.s3"},
    {"aws_sqs_queue", "aws.sqs"},
    {"aws_sns_topic", "aws.sns"},
    {"aws_dynamodb_table", "aws.dynamodb"},
    {"aws_api_gateway_rest_api", "aws.apigateway"},
    {"aws_apigatewayv2_api", "aws.apigateway"},
    {"aws_cognito_user_pool", "aws.cognito"},
    {"aws_cognito_identity_pool", "aws.cognito"},
    {"aws_kms_key", "aws.kms"},
    {"aws_secretsmanager_secret", "aws.secretsmanager"},
    {"aws_cloudwatch_event_rule", "aws.eventbridge"},
    {"aws_cloudwatch_event_bus", "aws.eventbridge"},
    {"aws_scheduler_schedule", "aws.schedule"},
    {"aws_cloudwatch_log_group", "aws.cloudwatch"},
    {"aws_sfn_state_machine", "aws.stepfunctions"},
    {"aws_kinesis_stream", "aws.kinesis"},
    {"aws_cloudtrail", "aws.cloudtrail"},
    {"aws_cloudfront_distribution", "aws.cloudfront"},
    {"aws_db_instance", "aws.rds"},
    {"aws_rds_cluster", "aws.rds"},
    {"aws_sesv2_email_identity", "aws.ses"},
    {"aws_ses_domain_identity", "aws.ses"},
    {"aws_ses_email_identity", "aws.ses"},
    {"aws_instance", "aws.ec2"},
    {"aws_ecs_service", "aws.ecs"},
    {"aws_codebuild_project", "aws.codebuild"},
    {"aws_codepipeline", "aws.codepipeline"},
};

/* Resources that configure an element or identity (read, not modelled on
 * their own). Every other managed type is listed as not modelled. */
static const char *const S_consumed[] = {
    "aws_api_gateway_authorizer", "aws_api_gateway_base_path_mapping",
    "aws_api_gateway_deployment", "aws_api_gateway_domain_name", "aws_api_gateway_integration",
    "aws_api_gateway_integration_response", "aws_api_gateway_method",
    "aws_api_gateway_method_response", "aws_api_gateway_method_settings",
    "aws_api_gateway_request_validator", "aws_api_gateway_resource",
    "aws_api_gateway_rest_api_policy", "aws_api_gateway_stage", "aws_apigatewayv2_authorizer",
    "aws_apigatewayv2_deployment", "aws_apigatewayv2_integration", "aws_apigatewayv2_route",
    "aws_apigatewayv2_stage", "aws_cloudwatch_event_target", "aws_cognito_user_pool_client",
    "aws_cognito_user_pool_domain", "aws_iam_policy", "aws_iam_policy_attachment",
    "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_user_policy",
    "aws_iam_user_policy_attachment", "aws_kms_alias", "aws_lambda_event_source_mapping",
    "aws_lambda_function_event_invoke_config", "aws_lambda_function_url", "aws_lambda_permission",
    "aws_s3_account_public_access_block", "aws_s3_bucket_acl",
    "aws_s3_bucket_cors_configuration", "aws_s3_bucket_logging", "aws_s3_bucket_notification",
    "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning", "aws_s3_bucket_website_configuration",
    "aws_secretsmanager_secret_policy", "aws_secretsmanager_secret_rotation",
    "aws_secretsmanager_secret_version", "aws_sns_topic_policy", "aws_sns_topic_subscription",
    "aws_sqs_queue_policy", "aws_sqs_queue_redrive_policy", "aws_wafv2_web_acl",
    "aws_wafv2_web_acl_association",
};

static const char *S_element_type(const char *tf)
{
    for (size_t i = 0; i < sizeof S_elements / sizeof S_elements[0]; i++)
        if (strcmp(S_elements[i].tf, tf) == 0)
            return S_elements[i].type;
    return NULL;
}

static int S_is_consumed(const char *tf)
{
    for (size_t i = 0; i < sizeof S_consumed / sizeof S_consumed[0]; i++)
        if (strcmp(S_consumed[i], tf) == 0)
            return 1;
    return 0;
}

/* The IAM service prefix of an element type (for matching actions). */
static const char *S_service_of(const char *etype)
{
    static const char *const map[][2] = {
        {"aws.s3", "s3"},           {"aws.dynamodb", "dynamodb"},
        {"aws.sqs", "sqs"},         {"aws.sns", "sns"},
        {"aws.lambda", "lambda"},   {"aws.kms", "kms"},
        {"aws.secretsmanager", "secretsmanager"}, {"aws.stepfunctions", "states"},
        {"aws.eventbridge", "events"}, {"aws.kinesis", "kinesis"},
        {"aws.cloudwatch", "logs"}, {"aws.ses", "ses"},
        {"aws.apigateway", "execute-api"}, {"aws.cognito", "cognito-idp"},
        {"aws.schedule", "scheduler"}, {"aws.rds", "rds"},
    };
    for (size_t i = 0; etype && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], etype) == 0)
            return map[i][1];
    return NULL;
}

/* ------------------------------------------------------------ ids */

/* An id valid per MODEL.md ([A-Za-z0-9][A-Za-z0-9_.-]*) from an address:
 * `[` becomes `.`, quotes and `]` go, anything else not allowed becomes `-`;
 * unique (a numbered suffix on collision). */
static const char *S_make_id(S_ctx *c, const char *addr, S_res *r)
{
    tm_buf b;
    tm_buf_init(&b, 1u << 20);
    for (const unsigned char *p = (const unsigned char *)addr; *p; p++) {
        unsigned char ch = *p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '_' || ch == '.' || ch == '-')
            tm_buf_putc(&b, (char)ch);
        else if (ch == '[')
            tm_buf_putc(&b, '.');
        else if (ch == ']' || ch == '"')
            continue;
        else if (b.len == 0 || b.data[b.len - 1] != '-')
            tm_buf_putc(&b, '-');
    }
    /* Trim separators at the ends; the first character must be alphanumeric. */
    size_t start = 0;
    while (start < b.len && (b.data[start] == '.' || b.data[start] == '-' || b.data[start] == '_'))
        start++;
    while (b.len > start && (b.data[b.len - 1] == '.' || b.data[b.len - 1] == '-'))
        b.len--;
    const char *base = b.len > start ? tm_arena_strndup(c->a, b.data + start, b.len - start)
                                     : "resource";
    tm_buf_free(&b);
    const char *id = base;
    for (int k = 2; tm_map_get(c->ids, id); k++)
        id = tm_arena_printf(c->a, "%s-%d", base, k);
    tm_map_put(c->ids, id, r);
    return id;
}

/* ------------------------------------------------- address handling */

/* Copy `s` without instance keys ([...] with quoted strings inside). */
static const char *S_strip_keys(tm_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = tm_arena_alloc(a, n + 1);
    size_t o = 0;
    int depth = 0, quoted = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (depth) {
            if (quoted) {
                if (ch == '\\' && i + 1 < n)
                    i++;
                else if (ch == '"')
                    quoted = 0;
            } else if (ch == '"') {
                quoted = 1;
            } else if (ch == ']') {
                depth = 0;
            }
            continue;
        }
        if (ch == '[') {
            depth = 1;
            continue;
        }
        out[o++] = ch;
    }
    out[o] = '\0';
    return out;
}

/* The next dot-separated step of a reference (brackets kept), or NULL. */
static const char *S_step(tm_arena *a, const char **p)
{
    const char *s = *p;
    if (!*s)
        return NULL;
    const char *e = s;
    int depth = 0, quoted = 0;
    while (*e) {
        if (quoted) {
            if (*e == '\\' && e[1])
                e++;
            else if (*e == '"')
                quoted = 0;
        } else if (*e == '"' && depth) {
            quoted = 1;
        } else if (*e == '[') {
            depth++;
        } else if (*e == ']') {
            depth = depth ? depth - 1 : 0;
        } else if (*e == '.' && !depth) {
            break;
        }
        e++;
    }
    const char *step = tm_arena_strndup(a, s, (size_t)(e - s));
    *p = *e ? e + 1 : e;
    return step;
}

static const char *S_join(S_ctx *c, const char *a, const char *b)
{
    return *a ? tm_arena_printf(c->a, "%s.%s", a, b) : b;
}

/* ------------------------------------------------------ collection */

static void S_note_modinst(S_ctx *c, const char *modinst)
{
    /* Register it and all its ancestors. */
    const char *p = modinst;
    const char *cur = "";
    while (*p) {
        const char *m = S_step(c->a, &p);
        const char *call = S_step(c->a, &p);
        if (!m || !call)
            break;
        cur = tm_arena_printf(c->a, "%s%smodule.%s", cur, *cur ? "." : "", call);
        if (!tm_map_get(c->modinst_set, cur)) {
            tm_map_put(c->modinst_set, cur, (void *)cur);
            S_push(c->a, &c->modinsts, (void *)cur);
        }
    }
}

static void S_add_resource(S_ctx *c, const tm_node *r, const char *modinst, const tm_node *values)
{
    if (r->kind != TM_NODE_MAP) {
        S_err(c, r, "expected a resource (a JSON object with address, type and name), found %s",
              tm_node_kind_name(r));
        return;
    }
    const tm_node *an = tm_node_get(r, "address"), *tn = tm_node_get(r, "type"),
                  *nn = tm_node_get(r, "name");
    if (!an || !S_is_str(an) || !an->len) {
        S_err(c, an ? an : r, "a resource needs 'address' (a non-empty string)");
        return;
    }
    if (!tn || !S_is_str(tn) || !tn->len) {
        S_err(c, tn ? tn : r, "resource '%s' needs 'type' (a non-empty string)", an->text);
        return;
    }
    if (!nn || !S_is_str(nn) || !nn->len) {
        S_err(c, nn ? nn : r, "resource '%s' needs 'name' (a non-empty string)", an->text);
        return;
    }
    const tm_node *mode = tm_node_get(r, "mode");
    int data = 0;
    if (mode) {
        if (!S_is_str(mode) || (strcmp(mode->text, "managed") != 0 && strcmp(mode->text, "data") != 0)) {
            S_err(c, mode, "resource '%s': 'mode' must be \"managed\" or \"data\"", an->text);
            return;
        }
        data = strcmp(mode->text, "data") == 0;
    }
    if (values && values->kind == TM_NODE_SCALAR && values->stype == TM_SCALAR_NULL)
        values = NULL;
    if (values && values->kind != TM_NODE_MAP) {
        S_err(c, values, "resource '%s': 'values' must be an object, found %s", an->text,
              tm_node_kind_name(values));
        return;
    }
    if (tm_map_get(c->by_addr, an->text)) {
        /* prior_state repeats what planned_values has: keep the first. */
        return;
    }
    S_res *x = tm_arena_alloc(c->a, sizeof *x);
    x->addr = an->text;
    x->modinst = modinst;
    x->modcfg = S_strip_keys(c->a, modinst);
    size_t ml = strlen(modinst);
    if (ml && strncmp(x->addr, modinst, ml) == 0 && x->addr[ml] == '.')
        x->local = x->addr + ml + 1;
    else
        x->local = x->addr;
    x->cfglocal = S_strip_keys(c->a, x->local);
    x->type = tn->text;
    x->name = nn->text;
    x->data = data || S_starts(x->local, "data.");
    x->node = r;
    x->values = values;
    tm_map_put(c->by_addr, x->addr, x);
    const char *key = tm_arena_printf(c->a, "%s|%s", x->modinst, x->cfglocal);
    S_res *first = tm_map_get(c->by_local, key);
    if (first) {
        while (first->next_same)
            first = first->next_same;
        first->next_same = x;
    } else {
        tm_map_put(c->by_local, key, x);
    }
    S_note_modinst(c, modinst);
    S_push(c->a, &c->res, x);
}

static void S_collect_module(S_ctx *c, const tm_node *m, const char *modinst, int depth)
{
    if (m->kind != TM_NODE_MAP) {
        S_err(c, m, "expected a module (a JSON object with 'resources'), found %s",
              tm_node_kind_name(m));
        return;
    }
    if (depth > TM_MAX_DEPTH) {
        S_err(c, m, "modules nested deeper than %d", TM_MAX_DEPTH);
        return;
    }
    const tm_node *rs = tm_node_get(m, "resources");
    if (rs && rs->kind != TM_NODE_LIST) {
        S_err(c, rs, "'resources' must be a list, found %s", tm_node_kind_name(rs));
        return;
    }
    for (size_t i = 0; rs && i < rs->n; i++)
        S_add_resource(c, rs->items[i], modinst, S_get(rs->items[i], "values"));
    const tm_node *kids = tm_node_get(m, "child_modules");
    if (kids && kids->kind != TM_NODE_LIST) {
        S_err(c, kids, "'child_modules' must be a list, found %s", tm_node_kind_name(kids));
        return;
    }
    for (size_t i = 0; kids && i < kids->n; i++) {
        const tm_node *k = kids->items[i];
        const tm_node *addr = S_get(k, "address");
        if (k->kind == TM_NODE_MAP && (!addr || !S_is_str(addr) || !S_starts(addr->text, "module."))) {
            S_err(c, addr ? addr : k, "a child module needs 'address' (\"module.NAME\")");
            continue;
        }
        S_collect_module(c, k, k->kind == TM_NODE_MAP ? addr->text : modinst, depth + 1);
    }
}

/* The module map of a state or plan values object: obj.root_module. */
static const tm_node *S_root_module(S_ctx *c, const tm_node *obj, const char *what)
{
    if (obj->kind != TM_NODE_MAP) {
        S_err(c, obj, "'%s' must be an object, found %s", what, tm_node_kind_name(obj));
        return NULL;
    }
    const tm_node *rm = tm_node_get(obj, "root_module");
    if (!rm)
        return NULL;
    if (rm->kind != TM_NODE_MAP) {
        S_err(c, rm, "'root_module' must be an object, found %s", tm_node_kind_name(rm));
        return NULL;
    }
    return rm;
}

static void S_collect_changes(S_ctx *c, const tm_node *rc)
{
    if (rc->kind != TM_NODE_LIST) {
        S_err(c, rc, "'resource_changes' must be a list, found %s", tm_node_kind_name(rc));
        return;
    }
    for (size_t i = 0; i < rc->n; i++) {
        const tm_node *r = rc->items[i];
        const tm_node *ch = S_get(r, "change");
        const tm_node *acts = S_list(ch, "actions");
        int deleted = acts && acts->n == 1 && S_is_str(acts->items[0]) &&
                      strcmp(acts->items[0]->text, "delete") == 0;
        if (deleted)
            continue;
        const char *mod = S_str(r, "module_address");
        S_add_resource(c, r, mod ? mod : "", S_get(ch, "after"));
    }
}

static void S_index_config(S_ctx *c, const tm_node *m, const char *path, int depth)
{
    if (!m || m->kind != TM_NODE_MAP || depth > TM_MAX_DEPTH)
        return;
    tm_map_put(c->cfg_mod, path, (void *)m);
    const tm_node *rs = S_list(m, "resources");
    for (size_t i = 0; rs && i < rs->n; i++) {
        const char *addr = S_str(rs->items[i], "address");
        if (addr)
            tm_map_put(c->cfg_res, tm_arena_printf(c->a, "%s|%s", path, addr),
                       (void *)rs->items[i]);
    }
    const tm_node *calls = S_get(m, "module_calls");
    for (size_t i = 0; calls && calls->kind == TM_NODE_MAP && i < calls->n; i++) {
        const char *sub = tm_arena_printf(c->a, "%s%smodule.%s", path, *path ? "." : "",
                                          calls->pairs[i].key);
        S_index_config(c, S_get(calls->pairs[i].value, "module"), sub, depth + 1);
    }
}

/* ------------------------------------------------- configuration refs */

static const tm_node *S_expr(const S_res *r, const char *key)
{
    return r ? S_get(S_get(r->cfg, "expressions"), key) : NULL;
}

static void S_resolve_expr(S_ctx *c, const tm_node *expr, const char *modinst, const char *modcfg,
                           int depth, S_arr *out);

static void S_resolve_ref(S_ctx *c, const char *ref, const char *modinst, const char *modcfg,
                          int depth, S_arr *out)
{
    if (depth > S_MAX_REF_DEPTH || c->ref_budget == 0)
        return;
    c->ref_budget--;
    const char *p = ref;
    const char *s1 = S_step(c->a, &p);
    if (!s1)
        return;
    if (strcmp(s1, "var") == 0) {
        const char *var = S_step(c->a, &p);
        if (!var || !*modcfg)
            return; /* root variables are constants in the plan */
        /* The parent module (cfg and instance) and the call's input. */
        const char *q = modcfg, *parent_cfg = "", *cfg_acc = "", *call = NULL;
        for (;;) {
            const char *m = S_step(c->a, &q), *cl = S_step(c->a, &q);
            if (!m || !cl)
                break;
            parent_cfg = cfg_acc;
            call = cl;
            cfg_acc = S_join(c, cfg_acc, tm_arena_printf(c->a, "module.%s", cl));
        }
        const char *prev = "", *inst_acc = "";
        q = modinst;
        for (;;) {
            const char *m = S_step(c->a, &q), *cl = S_step(c->a, &q);
            if (!m || !cl)
                break;
            prev = inst_acc;
            inst_acc = S_join(c, inst_acc, tm_arena_printf(c->a, "module.%s", cl));
        }
        if (!call)
            return;
        const tm_node *pm = tm_map_get(c->cfg_mod, parent_cfg);
        const tm_node *callnode = S_get(S_get(pm, "module_calls"), call);
        const tm_node *e = S_get(S_get(callnode, "expressions"), S_strip_keys(c->a, var));
        S_resolve_expr(c, e, prev, parent_cfg, depth + 1, out);
        return;
    }
    if (strcmp(s1, "module") == 0) {
        const char *call = S_step(c->a, &p);
        const char *output = S_step(c->a, &p);
        if (!call || !output)
            return;
        const char *call_cfg = S_strip_keys(c->a, call);
        const char *child_cfg = S_join(c, modcfg, tm_arena_printf(c->a, "module.%s", call_cfg));
        const tm_node *cm = tm_map_get(c->cfg_mod, child_cfg);
        const tm_node *oe = S_get(S_get(S_get(cm, "outputs"), output), "expression");
        if (!oe)
            return;
        if (strchr(call, '[')) {
            S_resolve_expr(c, oe, S_join(c, modinst, tm_arena_printf(c->a, "module.%s", call)),
                           child_cfg, depth + 1, out);
            return;
        }
        /* Every instance of the call. */
        const char *base = S_join(c, modinst, tm_arena_printf(c->a, "module.%s", call));
        size_t bl = strlen(base);
        for (size_t i = 0; i < c->modinsts.n && c->ref_budget; i++, c->ref_budget--) {
            const char *mi = c->modinsts.v[i];
            if (strncmp(mi, base, bl) != 0)
                continue;
            const char *rest = mi + bl;
            if (*rest == '[') {
                const char *stripped = S_strip_keys(c->a, rest);
                if (*stripped)
                    continue;
            } else if (*rest) {
                continue;
            }
            S_resolve_expr(c, oe, mi, child_cfg, depth + 1, out);
        }
        return;
    }
    if (strcmp(s1, "local") == 0 || strcmp(s1, "each") == 0 || strcmp(s1, "count") == 0 ||
        strcmp(s1, "path") == 0 || strcmp(s1, "self") == 0 || strcmp(s1, "terraform") == 0)
        return;
    const char *local;
    if (strcmp(s1, "data") == 0) {
        const char *t = S_step(c->a, &p), *n = S_step(c->a, &p);
        if (!t || !n)
            return;
        local = tm_arena_printf(c->a, "data.%s.%s", t, n);
    } else {
        const char *n = S_step(c->a, &p);
        if (!n)
            return;
        local = tm_arena_printf(c->a, "%s.%s", s1, n);
    }
    const char *cfglocal = S_strip_keys(c->a, local);
    S_res *r = tm_map_get(c->by_local, tm_arena_printf(c->a, "%s|%s", modinst, cfglocal));
    int keyed = strcmp(cfglocal, local) != 0;
    for (; r; r = r->next_same)
        if (!keyed || strcmp(r->local, local) == 0)
            S_push_uniq(c->a, out, r);
}

static void S_resolve_expr(S_ctx *c, const tm_node *expr, const char *modinst, const char *modcfg,
                           int depth, S_arr *out)
{
    if (depth == 0)
        c->ref_budget = S_REF_BUDGET;
    const tm_node *refs = S_list(expr, "references");
    for (size_t i = 0; refs && i < refs->n; i++)
        if (S_is_str(refs->items[i]))
            S_resolve_ref(c, refs->items[i]->text, modinst, modcfg, depth, out);
}

/* ----------------------------------------------------- known values */

static void S_index_value(S_ctx *c, const char *v, S_res *r)
{
    if (!v || !*v)
        return;
    S_valent *head = tm_map_get(c->by_value, v);
    if (head && head->tail->res == r)
        return; /* the same resource names itself twice (arn == id) */
    S_valent *e = tm_arena_alloc(c->a, sizeof *e);
    e->res = r;
    if (!head) {
        e->tail = e;
        tm_map_put(c->by_value, v, e);
        return;
    }
    head->tail->next = e;
    head->tail = e;
}

/* The six fields of an ARN; 0 when `s` is not one. */
typedef struct {
    const char *service, *region, *account, *resource;
} S_arnparts;

static int S_arn_split(tm_arena *a, const char *s, S_arnparts *out)
{
    if (!S_starts(s, "arn:"))
        return 0;
    const char *f[5];
    const char *p = s + 4;
    for (int i = 0; i < 4; i++) {
        const char *e = strchr(p, ':');
        if (!e)
            return 0;
        f[i] = tm_arena_strndup(a, p, (size_t)(e - p));
        p = e + 1;
    }
    f[4] = p;
    out->service = f[1];
    out->region = f[2];
    out->account = f[3];
    out->resource = f[4];
    return 1;
}

/* Does the ARN pattern p (globs allowed) name element r? An ARN of an
 * object, index or stream inside the element (bucket/key, table/t/index/i,
 * function:f:alias, log-group:g:*) names the element too. */
static int S_arn_names(const S_arnparts *p, const S_res *r)
{
    if (!r->has_ap || strcmp(p->service, r->ap_service) != 0)
        return 0;
    if (*r->ap_region && !tm_glob_match(p->region, r->ap_region))
        return 0;
    if (*r->ap_account && !tm_glob_match(p->account, r->ap_account))
        return 0;
    if (tm_glob_match(p->resource, r->ap_resource))
        return 1;
    /* A sub-resource: cut the pattern at each '/' or ':'. */
    char cut[512];
    size_t n = strlen(p->resource);
    if (n >= sizeof cut)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (p->resource[i] != '/' && p->resource[i] != ':')
            continue;
        memcpy(cut, p->resource, i);
        cut[i] = '\0';
        if (tm_glob_match(cut, r->ap_resource))
            return 1;
    }
    return 0;
}

/* Parse r's ARN (or its synthesised parts) once. */
static void S_arn_prepare(S_ctx *c, S_res *r)
{
    S_arnparts e;
    if (r->arn && S_arn_split(c->a, r->arn, &e)) {
        r->ap_service = e.service;
        r->ap_region = e.region;
        r->ap_account = e.account;
        r->ap_resource = e.resource;
        r->has_ap = 1;
    } else if (r->syn_service) {
        r->ap_service = r->syn_service;
        r->ap_region = "";
        r->ap_account = "";
        r->ap_resource = r->syn_res;
        r->has_ap = 1;
    }
}

static int S_type_ok(const S_res *r, const char *const *types)
{
    if (r->data)
        return 0;
    if (!types)
        return r->role == S_ELEMENT || r->role == S_IDENTITY;
    for (; *types; types++)
        if (strcmp(*types, r->type) == 0)
            return 1;
    return 0;
}

/* The resources a known string value names: an exact ARN, id, name or URL
 * of a resource of one of `types` (NULL: any element or identity), else an
 * ARN beneath one of theirs. */
static void S_match_value(S_ctx *c, const char *v, const char *const *types, S_arr *out)
{
    if (!v || !*v)
        return;
    size_t before = out->n;
    for (S_valent *e = tm_map_get(c->by_value, v); e; e = e->next)
        if (S_type_ok(e->res, types))
            S_push_uniq(c->a, out, e->res);
    if (out->n > before || !S_starts(v, "arn:"))
        return;
    /* Execute-API ARNs and qualified ARNs: cut at '/' or ':' from the end. */
    char *tmp = tm_arena_strdup(c->a, v);
    for (int k = 0; k < 8; k++) {
        char *cut = strrchr(tmp, '/');
        char *colon = strrchr(tmp, ':');
        if (colon > cut)
            cut = colon;
        if (!cut || cut - tmp < 12)
            break;
        *cut = '\0';
        for (S_valent *e = tm_map_get(c->by_value, tmp); e; e = e->next)
            if (S_type_ok(e->res, types))
                S_push_uniq(c->a, out, e->res);
        if (out->n > before)
            return;
    }
    S_arnparts p;
    if (!S_arn_split(c->a, v, &p))
        return;
    for (size_t i = 0; i < c->res.n; i++) {
        S_res *r = c->res.v[i];
        if (r->has_ap && S_type_ok(r, types) && S_arn_names(&p, r))
            S_push_uniq(c->a, out, r);
    }
}

/* The resources an argument names: from its known value (string or list of
 * strings) and from the references of its configuration expression. */
static void S_targets_of(S_ctx *c, const S_res *r, const tm_node *val, const tm_node *expr,
                         const char *const *types, S_arr *out)
{
    if (S_is_str(val)) {
        S_match_value(c, val->text, types, out);
    } else if (val && val->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < val->n; i++)
            if (S_is_str(val->items[i]))
                S_match_value(c, val->items[i]->text, types, out);
    }
    if (expr) {
        S_arr raw = {0};
        S_resolve_expr(c, expr, r->modinst, r->modcfg, 0, &raw);
        for (size_t i = 0; i < raw.n; i++) {
            S_res *t = raw.v[i];
            if (S_type_ok(t, types))
                S_push_uniq(c->a, out, t);
        }
    }
}

/* The single target of argument `key` of r among `types`, or NULL. */
static S_res *S_target(S_ctx *c, const S_res *r, const char *key, const char *const *types)
{
    S_arr out = {0};
    S_targets_of(c, r, S_get(r->values, key), S_expr(r, key), types, &out);
    return out.n ? out.v[0] : NULL;
}

/* 1 when argument `key` is set: a known non-empty value or an expression
 * with references (known at apply time). */
static int S_is_set(const S_res *r, const char *key)
{
    const tm_node *v = S_get(r->values, key);
    if (v && !(v->kind == TM_NODE_SCALAR && (v->stype == TM_SCALAR_NULL || v->len == 0)))
        return 1;
    return S_list(S_expr(r, key), "references") != NULL;
}

/* ------------------------------------------------------------- props */

static tm_node *S_props(S_ctx *c, S_res *r)
{
    if (!r->props)
        r->props = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
    return r->props;
}

static void S_prop(S_ctx *c, S_res *r, const char *key, tm_node *v)
{
    tm_node *p = S_props(c, r);
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->pairs[i].key, key) == 0) {
            p->pairs[i].value = v;
            return;
        }
    tm_node_map_put(c->a, p, key, 0, 0, v);
}

static void S_prop_bool(S_ctx *c, S_res *r, const char *key, int v)
{
    S_prop(c, r, key, tm_node_bool(c->a, v));
}

static void S_prop_str(S_ctx *c, S_res *r, const char *key, const char *v)
{
    S_prop(c, r, key, tm_node_string(c->a, v));
}

static void S_prop_int(S_ctx *c, S_res *r, const char *key, long long v)
{
    S_prop(c, r, key, tm_node_int(c->a, v));
}

static const tm_node *S_prop_get(const S_res *r, const char *key)
{
    return r->props ? tm_node_get(r->props, key) : NULL;
}

static void S_prop_list(S_ctx *c, S_res *r, const char *key, S_arr *strs)
{
    S_sort_strs(strs);
    tm_node *l = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
    for (size_t i = 0; i < strs->n; i++)
        tm_node_list_push(c->a, l, tm_node_string(c->a, strs->v[i]));
    S_prop(c, r, key, l);
}

/* Strings of a value that is a string or a list of strings. */
static void S_strings(S_ctx *c, const tm_node *v, S_arr *out)
{
    if (S_is_str(v)) {
        S_push_str_uniq(c->a, out, v->text);
    } else if (v && v->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < v->n; i++)
            if (S_is_str(v->items[i]))
                S_push_str_uniq(c->a, out, v->items[i]->text);
    }
}

/* ------------------------------------------------------------- flows */

static S_flow *S_flow_add(S_ctx *c, const S_res *from, const S_res *to, const char *name,
                          const char *protocol, int trigger)
{
    if (!from || !to || from == to || !from->id || !to->id)
        return NULL;
    if ((from->role != S_ELEMENT && from->role != S_EXTERNAL) ||
        (to->role != S_ELEMENT && to->role != S_EXTERNAL))
        return NULL;
    const char *key = tm_arena_printf(c->a, "%s|%s", from->id, to->id);
    S_flow *f = tm_map_get(c->flow_map, key);
    if (!f) {
        f = tm_arena_alloc(c->a, sizeof *f);
        f->from = from->id;
        f->to = to->id;
        f->authenticated = f->encrypted = -1;
        tm_map_put(c->flow_map, key, f);
        S_push(c->a, &c->flows, f);
    }
    if (name && *name)
        S_push_str_uniq(c->a, &f->names, name);
    if (protocol && !f->protocol)
        f->protocol = protocol;
    if (trigger)
        f->trigger = 1;
    return f;
}

/* ----------------------------------------------------------- policies */

static void S_stmt_strs(S_ctx *c, const tm_node *v, S_arr *out)
{
    S_strings(c, v, out);
}

static const char *S_lower_effect(const char *e)
{
    return e && S_eqi(e, "deny") ? "deny" : "allow";
}

/* Statements of an IAM policy document (parsed JSON), appended to out.
 * `at` is where the policy string sits (for messages). */
static void S_policy_doc(S_ctx *c, const tm_node *doc, const tm_node *at, const char *owner,
                         S_arr *out)
{
    const tm_node *st = S_get(doc, "Statement");
    if (!doc || doc->kind != TM_NODE_MAP || !st) {
        S_err(c, at, "%s: the policy is not an IAM policy document (no 'Statement')", owner);
        return;
    }
    size_t n = st->kind == TM_NODE_LIST ? st->n : 1;
    for (size_t i = 0; i < n; i++) {
        const tm_node *s = st->kind == TM_NODE_LIST ? st->items[i] : st;
        if (s->kind != TM_NODE_MAP) {
            S_err(c, at, "%s: policy statement %zu is not an object", owner, i + 1);
            continue;
        }
        S_stmt *x = tm_arena_alloc(c->a, sizeof *x);
        x->sid = S_str(s, "Sid");
        x->allow = strcmp(S_lower_effect(S_str(s, "Effect")), "allow") == 0;
        S_stmt_strs(c, S_get(s, "Action"), &x->actions);
        S_stmt_strs(c, S_get(s, "NotAction"), &x->not_actions);
        S_stmt_strs(c, S_get(s, "Resource"), &x->resources);
        /* NotResource: everything but some; written as "*" (not proven narrower). */
        if (S_get(s, "NotResource"))
            S_push_str_uniq(c->a, &x->resources, "*");
        const tm_node *pr = S_get(s, "Principal");
        if (S_is_str(pr)) {
            S_push_str_uniq(c->a, &x->principals, pr->text);
        } else if (pr && pr->kind == TM_NODE_MAP) {
            for (size_t k = 0; k < pr->n; k++)
                S_stmt_strs(c, pr->pairs[k].value, &x->principals);
        }
        if (S_get(s, "NotPrincipal"))
            S_push_str_uniq(c->a, &x->principals, "*");
        const tm_node *cond = S_get(s, "Condition");
        for (size_t k = 0; cond && cond->kind == TM_NODE_MAP && k < cond->n; k++) {
            const tm_node *vars = cond->pairs[k].value;
            for (size_t j = 0; vars && vars->kind == TM_NODE_MAP && j < vars->n; j++) {
                S_cond *cd = tm_arena_alloc(c->a, sizeof *cd);
                cd->test = cond->pairs[k].key;
                cd->variable = vars->pairs[j].key;
                const tm_node *vv = vars->pairs[j].value;
                if (vv && vv->kind == TM_NODE_SCALAR && vv->stype != TM_SCALAR_NULL)
                    S_push(c->a, &cd->values, (void *)vv->text);
                else
                    S_strings(c, vv, &cd->values);
                S_push(c->a, &x->conds, cd);
            }
        }
        for (size_t k = 0; k < x->resources.n; k++) {
            const char *rs = x->resources.v[k];
            if (strcmp(rs, "*") != 0)
                S_match_value(c, rs, NULL, &x->targets);
        }
        S_push(c->a, out, x);
    }
}

/* Parse a JSON policy string into statements. */
static void S_policy_text(S_ctx *c, const tm_node *str, const char *owner, S_arr *out)
{
    tm_diags *d = tm_diags_new();
    tm_node *doc = tm_read_json(c->a, c->file, str->text, str->len, NULL, d);
    if (!doc) {
        const tm_diag *g = tm_diags_count(d) ? tm_diags_get(d, 0) : NULL;
        S_err(c, str, "%s: the policy is not valid JSON (%s at line %u, column %u of the policy)",
              owner, g ? g->message : "syntax error", g ? g->line : 0, g ? g->col : 0);
        tm_diags_free(d);
        return;
    }
    tm_diags_free(d);
    S_policy_doc(c, doc, str, owner, out);
}

/* Statements of an aws_iam_policy_document data source whose JSON is only
 * known at apply time: from its configuration's statement blocks. */
static void S_policy_from_doc_config(S_ctx *c, const S_res *doc, S_arr *out)
{
    const tm_node *blocks = S_list(S_get(doc->cfg, "expressions"), "statement");
    for (size_t i = 0; blocks && i < blocks->n; i++) {
        const tm_node *b = blocks->items[i];
        S_stmt *x = tm_arena_alloc(c->a, sizeof *x);
        x->sid = S_str(S_get(b, "sid"), "constant_value");
        const char *eff = S_str(S_get(b, "effect"), "constant_value");
        x->allow = strcmp(S_lower_effect(eff), "allow") == 0;
        S_strings(c, S_get(S_get(b, "actions"), "constant_value"), &x->actions);
        S_strings(c, S_get(S_get(b, "not_actions"), "constant_value"), &x->not_actions);
        const tm_node *re = S_get(b, "resources");
        S_strings(c, S_get(re, "constant_value"), &x->resources);
        if (S_get(b, "not_resources"))
            S_push_str_uniq(c->a, &x->resources, "*");
        for (size_t k = 0; k < x->resources.n; k++)
            if (strcmp(x->resources.v[k], "*") != 0)
                S_match_value(c, x->resources.v[k], NULL, &x->targets);
        S_arr refs = {0};
        S_resolve_expr(c, re, doc->modinst, doc->modcfg, 0, &refs);
        for (size_t k = 0; k < refs.n; k++) {
            S_res *t = refs.v[k];
            if (t->role != S_ELEMENT && t->role != S_IDENTITY)
                continue;
            S_push_uniq(c->a, &x->targets, t);
            S_push_str_uniq(c->a, &x->resources,
                            t->arn ? t->arn : tm_arena_printf(c->a, "${%s.arn}", t->addr));
        }
        const tm_node *pbs = S_list(b, "principals");
        for (size_t k = 0; pbs && k < pbs->n; k++) {
            const tm_node *ids = S_get(pbs->items[k], "identifiers");
            S_strings(c, S_get(ids, "constant_value"), &x->principals);
            S_arr pr = {0};
            S_resolve_expr(c, ids, doc->modinst, doc->modcfg, 0, &pr);
            for (size_t j = 0; j < pr.n; j++) {
                S_res *t = pr.v[j];
                S_push_str_uniq(c->a, &x->principals,
                                t->arn ? t->arn : tm_arena_printf(c->a, "${%s.arn}", t->addr));
            }
        }
        const tm_node *cbs = S_list(b, "condition");
        for (size_t k = 0; cbs && k < cbs->n; k++) {
            const char *test = S_str(S_get(cbs->items[k], "test"), "constant_value");
            const char *var = S_str(S_get(cbs->items[k], "variable"), "constant_value");
            if (!test || !var)
                continue;
            S_cond *cd = tm_arena_alloc(c->a, sizeof *cd);
            cd->test = test;
            cd->variable = var;
            const tm_node *ve = S_get(cbs->items[k], "values");
            S_strings(c, S_get(ve, "constant_value"), &cd->values);
            S_arr vr = {0};
            S_resolve_expr(c, ve, doc->modinst, doc->modcfg, 0, &vr);
            for (size_t j = 0; j < vr.n; j++) {
                S_res *t = vr.v[j];
                S_push_str_uniq(c->a, &cd->values,
                                t->arn ? t->arn : tm_arena_printf(c->a, "${%s.arn}", t->addr));
            }
            S_push(c->a, &x->conds, cd);
        }
        S_push(c->a, out, x);
    }
}

/* Statements of argument `key` of r (a JSON policy string): from the known
 * string, else from a referenced aws_iam_policy_document or aws_iam_policy.
 * 0 when they cannot be read from the plan. */
static int S_policy_arg(S_ctx *c, const S_res *r, const char *key, S_arr *out)
{
    const tm_node *v = S_get(r->values, key);
    if (S_is_str(v)) {
        if (v->len == 0)
            return 1;
        S_policy_text(c, v, r->addr, out);
        return 1;
    }
    const tm_node *e = S_expr(r, key);
    if (!e)
        return v != NULL; /* known null: no policy */
    S_arr refs = {0};
    S_resolve_expr(c, e, r->modinst, r->modcfg, 0, &refs);
    for (size_t i = 0; i < refs.n; i++) {
        S_res *t = refs.v[i];
        if (strcmp(t->type, "aws_iam_policy_document") == 0 && t->data) {
            const tm_node *j = S_get(t->values, "json");
            if (S_is_str(j) && j->len)
                S_policy_text(c, j, t->addr, out);
            else
                S_policy_from_doc_config(c, t, out);
            return 1;
        }
        if (strcmp(t->type, "aws_iam_policy") == 0 && !t->data)
            return S_policy_arg(c, t, "policy", out);
    }
    const tm_node *cv = S_get(e, "constant_value");
    if (S_is_str(cv) && cv->len) {
        S_policy_text(c, cv, r->addr, out);
        return 1;
    }
    return 0;
}

/* AWS managed policies whose content is fixed and well known. */
typedef struct {
    const char *name;
    const char *actions; /* space-separated; resource "*" */
} S_managed;

static const S_managed S_managed_policies[] = {
    {"AdministratorAccess", "*"},
    {"AmazonS3FullAccess", "s3:* s3-object-lambda:*"},
    {"AmazonS3ReadOnlyAccess", "s3:Get* s3:List* s3-object-lambda:Get* s3-object-lambda:List*"},
    {"AWSLambdaBasicExecutionRole", "logs:CreateLogGroup logs:CreateLogStream logs:PutLogEvents"},
    {"AWSLambdaSQSQueueExecutionRole",
     "sqs:ReceiveMessage sqs:DeleteMessage sqs:GetQueueAttributes logs:CreateLogGroup "
     "logs:CreateLogStream logs:PutLogEvents"},
    {"AWSLambdaDynamoDBExecutionRole",
     "dynamodb:DescribeStream dynamodb:GetRecords dynamodb:GetShardIterator dynamodb:ListStreams "
     "logs:CreateLogGroup logs:CreateLogStream logs:PutLogEvents"},
    {"AWSXRayDaemonWriteAccess",
     "xray:PutTraceSegments xray:PutTelemetryRecords xray:GetSamplingRules "
     "xray:GetSamplingTargets xray:GetSamplingStatisticSummaries"},
};

/* Statements of a managed policy ARN: a policy of the plan, or a known AWS
 * managed policy. 0 when unknown. */
static int S_policy_by_arn(S_ctx *c, const S_res *from, const char *arn, const tm_node *expr,
                           S_arr *out)
{
    static const char *const pol[] = {"aws_iam_policy", NULL};
    S_arr t = {0};
    S_targets_of(c, from, arn ? tm_node_string(c->a, arn) : NULL, expr, pol, &t);
    if (t.n)
        return S_policy_arg(c, t.v[0], "policy", out);
    if (!arn)
        return 0;
    const char *slash = strrchr(arn, '/');
    if (!S_starts(arn, "arn:aws:iam::aws:policy/") || !slash)
        return 0;
    for (size_t i = 0; i < sizeof S_managed_policies / sizeof S_managed_policies[0]; i++) {
        if (strcmp(S_managed_policies[i].name, slash + 1) != 0)
            continue;
        S_stmt *x = tm_arena_alloc(c->a, sizeof *x);
        x->sid = S_managed_policies[i].name;
        x->allow = 1;
        const char *p = S_managed_policies[i].actions;
        while (*p) {
            const char *e = strchr(p, ' ');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            S_push(c->a, &x->actions, tm_arena_strndup(c->a, p, n));
            p += n;
            while (*p == ' ')
                p++;
        }
        S_push(c->a, &x->resources, "*");
        S_push(c->a, out, x);
        return 1;
    }
    return 0;
}

/* -------------------------------------------------- resource policies */

static int S_is_service_principal(const char *p)
{
    return S_ends(p, ".amazonaws.com") || S_ends(p, ".amazonaws.com.cn");
}

static int S_restricting_condition(const S_stmt *s)
{
    static const char *const keys[] = {"aws:SourceArn", "aws:SourceAccount", "aws:PrincipalOrgID",
                                       "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp",
                                       "aws:SourceOwner", "aws:PrincipalAccount"};
    for (size_t i = 0; i < s->conds.n; i++) {
        const S_cond *cd = s->conds.v[i];
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (S_eqi(cd->variable, keys[k]))
                return 1;
    }
    return 0;
}

/* Is principal p outside the account (or anyone)? */
static int S_foreign(const S_ctx *c, const char *p)
{
    if (strcmp(p, "*") == 0)
        return 1;
    if (S_is_service_principal(p) || S_starts(p, "${"))
        return 0;
    char acct[13];
    if (strlen(p) == 12 && strspn(p, "0123456789") == 12) {
        memcpy(acct, p, 13);
    } else if (S_starts(p, "arn:")) {
        const char *q = p;
        int colons = 0;
        while (*q && colons < 4)
            if (*q++ == ':')
                colons++;
        size_t n = strcspn(q, ":");
        if (n != 12)
            return 1;
        memcpy(acct, q, 12);
        acct[12] = '\0';
    } else {
        return 1;
    }
    return !c->account || strcmp(acct, c->account) != 0;
}

static int S_action_matches(const S_stmt *s, const char *action)
{
    for (size_t i = 0; i < s->actions.n; i++)
        if (tm_glob_match_nocase(s->actions.v[i], action))
            return 1;
    return 0;
}

/* policy_principals, policy_conditions (and for buckets public_read,
 * public_write, tls_only; for APIs resource_policy_cross_account) from a
 * resource policy's statements. */
static void S_resource_policy(S_ctx *c, S_res *e, S_arr *stmts)
{
    S_arr principals = {0};
    int restricted = 1, pub_read = 0, pub_write = 0, tls_only = 0, open = 0;
    for (size_t i = 0; i < stmts->n; i++) {
        S_stmt *s = stmts->v[i];
        if (!s->allow) {
            for (size_t k = 0; k < s->conds.n; k++) {
                const S_cond *cd = s->conds.v[k];
                if (S_eqi(cd->variable, "aws:SecureTransport") && cd->values.n &&
                    S_eqi(cd->values.v[0], "false"))
                    tls_only = 1;
            }
            continue;
        }
        int anyone = 0, foreign = 0;
        for (size_t k = 0; k < s->principals.n; k++) {
            const char *p = s->principals.v[k];
            S_push_str_uniq(c->a, &principals, p);
            if (strcmp(p, "*") == 0)
                anyone = 1;
            if (S_foreign(c, p))
                foreign = 1;
        }
        int cond = S_restricting_condition(s);
        if (foreign && !cond)
            restricted = 0;
        if (anyone && !cond) {
            open = 1;
            if (S_action_matches(s, "s3:GetObject"))
                pub_read = 1;
            if (S_action_matches(s, "s3:PutObject") || S_action_matches(s, "s3:DeleteObject"))
                pub_write = 1;
        }
    }
    S_prop_list(c, e, "policy_principals", &principals);
    S_prop_bool(c, e, "policy_conditions", restricted);
    if (strcmp(e->etype, "aws.s3") == 0) {
        if (pub_read)
            S_prop_bool(c, e, "public_read", 1);
        if (pub_write)
            S_prop_bool(c, e, "public_write", 1);
        S_prop_bool(c, e, "tls_only", tls_only);
    }
    if (strcmp(e->etype, "aws.apigateway") == 0) {
        int xacct = open;
        for (size_t i = 0; i < principals.n; i++)
            if (S_foreign(c, principals.v[i]))
                xacct = 1;
        S_prop_bool(c, e, "resource_policy_cross_account", xacct);
    }
}

/* Resource policy of element e from argument `key` of resource r. */
static void S_resource_policy_arg(S_ctx *c, S_res *e, const S_res *r, const char *key)
{
    S_arr st = {0};
    if (!S_is_set(r, key))
        return;
    if (S_policy_arg(c, r, key, &st))
        S_resource_policy(c, e, &st);
    else
        S_warn(c, r->node,
               "the policy of %s is only known at apply time; the policy props of %s are left "
               "out (import the state after apply for them)",
               r->addr, e->addr);
}

/* ---------------------------------------------------- element props */

static void S_lambda_props(S_ctx *c, S_res *e)
{
    const tm_node *v = e->values;
    const char *s;
    long long n;
    if ((s = S_str(v, "runtime")) != NULL)
        S_prop_str(c, e, "runtime", s);
    if (S_int(v, "timeout", &n))
        S_prop_int(c, e, "timeout", n);
    if (S_int(v, "memory_size", &n))
        S_prop_int(c, e, "memory", n);
    if (S_int(v, "reserved_concurrent_executions", &n) && n >= 0)
        S_prop_int(c, e, "reserved_concurrency", n);
    const tm_node *tc = S_block(v, "tracing_config");
    if ((s = S_str(tc, "mode")) != NULL)
        S_prop_bool(c, e, "tracing", strcmp(s, "Active") == 0);
    const tm_node *dlq = S_block(v, "dead_letter_config");
    if (S_str(dlq, "target_arn"))
        S_prop_bool(c, e, "dlq", 1);
    const tm_node *dle = S_get(S_get(e->cfg, "expressions"), "dead_letter_config");
    if (dle && dle->kind == TM_NODE_LIST && dle->n)
        S_prop_bool(c, e, "dlq", 1);
    const tm_node *env = S_block(v, "environment");
    const tm_node *vars = S_get(env, "variables");
    const tm_node *envl = S_get(v, "environment");
    if (vars && vars->kind == TM_NODE_MAP) {
        S_prop_bool(c, e, "env_vars", vars->n > 0);
        static const char *const secretish[] = {"SECRET", "PASSWORD", "PASSWD", "TOKEN",
                                                "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"};
        for (size_t i = 0; i < vars->n; i++) {
            const tm_node *val = vars->pairs[i].value;
            if (!S_is_str(val) || !val->len || S_starts(val->text, "arn:") ||
                S_starts(val->text, "/") || S_starts(val->text, "{{resolve:"))
                continue;
            char up[64];
            size_t k = 0;
            for (const char *p = vars->pairs[i].key; *p && k + 1 < sizeof up; p++)
                up[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
            up[k] = '\0';
            for (size_t j = 0; j < sizeof secretish / sizeof secretish[0]; j++)
                if (strstr(up, secretish[j]))
                    S_prop_bool(c, e, "env_secrets", 1);
        }
    } else if (envl && envl->kind == TM_NODE_LIST && envl->n == 0) {
        S_prop_bool(c, e, "env_vars", 0);
    }
    if (S_is_set(e, "kms_key_arn"))
        S_prop_bool(c, e, "env_kms", 1);
    else if (S_get(v, "kms_key_arn") && S_prop_get(e, "env_vars"))
        S_prop_bool(c, e, "env_kms", 0);
    const tm_node *vpc = S_block(v, "vpc_config");
    const tm_node *subnets = S_get(vpc, "subnet_ids");
    if (subnets && subnets->kind == TM_NODE_LIST)
        S_prop_bool(c, e, "vpc", subnets->n > 0);
    if (S_is_set(e, "code_signing_config_arn"))
        S_prop_bool(c, e, "code_signing", 1);
    const tm_node *layers = S_list(v, "layers");
    if (layers) {
        S_arr l = {0};
        S_strings(c, layers, &l);
        if (l.n) {
            S_prop_list(c, e, "layers", &l);
            if (c->account) {
                int foreign = 0;
                for (size_t i = 0; i < l.n; i++) {
                    S_arnparts p;
                    if (S_arn_split(c->a, l.v[i], &p) && strcmp(p.account, c->account) != 0)
                        foreign = 1;
                }
                S_prop_bool(c, e, "third_party_layers", foreign);
            }
        }
    }
}

static void S_s3_props(S_ctx *c, S_res *e)
{
    /* Inline arguments (AWS provider before v4, and what a state reads back). */
    const tm_node *v = e->values;
    const char *acl = S_str(v, "acl");
    if (acl) {
        if (strcmp(acl, "public-read") == 0 || strcmp(acl, "public-read-write") == 0)
            S_prop_bool(c, e, "public_read", 1);
        if (strcmp(acl, "public-read-write") == 0)
            S_prop_bool(c, e, "public_write", 1);
    }
    const tm_node *ver = S_block(v, "versioning");
    int b;
    if (S_bool(ver, "enabled", &b))
        S_prop_bool(c, e, "versioning", b);
    const tm_node *sse = S_block(S_block(S_block(v, "server_side_encryption_configuration"), "rule"),
                                 "apply_server_side_encryption_by_default");
    const char *alg = S_str(sse, "sse_algorithm");
    if (alg)
        S_prop_str(c, e, "encryption",
                   S_starts(alg, "aws:kms") && S_str(sse, "kms_master_key_id") ? "kms" : "sse-s3");
    const tm_node *lg = S_list(v, "logging");
    if (lg && lg->n)
        S_prop_bool(c, e, "logging", 1);
    const tm_node *web = S_list(v, "website");
    if (web && web->n)
        S_prop_bool(c, e, "website", 1);
    const tm_node *cors = S_list(v, "cors_rule");
    if (cors && cors->n) {
        S_arr o = {0}, m = {0};
        for (size_t i = 0; i < cors->n; i++) {
            S_strings(c, S_get(cors->items[i], "allowed_origins"), &o);
            S_strings(c, S_get(cors->items[i], "allowed_methods"), &m);
        }
        S_prop_list(c, e, "cors_origins", &o);
        S_prop_list(c, e, "cors_methods", &m);
    }
    if (S_str(v, "policy"))
        S_resource_policy_arg(c, e, e, "policy");
}

static void S_sqs_props(S_ctx *c, S_res *e)
{
    const tm_node *v = e->values;
    int b;
    if (S_is_set(e, "kms_master_key_id"))
        S_prop_str(c, e, "encryption", "kms");
    else if (S_bool(v, "sqs_managed_sse_enabled", &b))
        S_prop_str(c, e, "encryption", b ? "sqs-managed" : "none");
    if (S_is_set(e, "redrive_policy"))
        S_prop_bool(c, e, "dlq", 1);
    if (S_is_set(e, "policy"))
        S_resource_policy_arg(c, e, e, "policy");
}

static void S_sns_props(S_ctx *c, S_res *e)
{
    if (S_is_set(e, "kms_master_key_id"))
        S_prop_str(c, e, "encryption", "kms");
    else if (S_get(e->values, "kms_master_key_id"))
        S_prop_str(c, e, "encryption", "none");
    if (S_is_set(e, "policy"))
        S_resource_policy_arg(c, e, e, "policy");
}

static void S_dynamodb_props(S_ctx *c, S_res *e)
{
    const tm_node *v = e->values;
    int b;
    const tm_node *sse = S_block(v, "server_side_encryption");
    if (S_bool(sse, "enabled", &b))
        S_prop_str(c, e, "encryption",
                   !b ? "aws-owned" : S_str(sse, "kms_key_arn") ? "kms" : "aws-managed");
    else if (S_list(v, "server_side_encryption"))
        S_prop_str(c, e, "encryption", "aws-owned");
    const tm_node *pitr = S_block(v, "point_in_time_recovery");
    if (S_bool(pitr, "enabled", &b))
        S_prop_bool(c, e, "point_in_time_recovery", b);
    if (S_bool(v, "deletion_protection_enabled", &b))
        S_prop_bool(c, e, "deletion_protection", b);
}

static void S_cognito_props(S_ctx *c, S_res *e)
{
    const tm_node *v = e->values;
    const char *s;
    long long n;
    int b;
    if (strcmp(e->type, "aws_cognito_identity_pool") == 0) {
        if (S_bool(v, "allow_unauthenticated_identities", &b))
            S_prop_bool(c, e, "unauthenticated_identities", b);
        return;
    }
    if ((s = S_str(v, "mfa_configuration")) != NULL)
        S_prop_str(c, e, "mfa",
                   strcmp(s, "ON") == 0 ? "on" : strcmp(s, "OPTIONAL") == 0 ? "optional" : "off");
    if (S_int(S_block(v, "password_policy"), "minimum_length", &n))
        S_prop_int(c, e, "password_min_length", n);
}

static void S_misc_props(S_ctx *c, S_res *e)
{
    const tm_node *v = e->values;
    int b;
    long long n;
    if (strcmp(e->type, "aws_kms_key") == 0) {
        if (S_bool(v, "enable_key_rotation", &b))
            S_prop_bool(c, e, "key_rotation", b);
        if (S_is_set(e, "policy"))
            S_resource_policy_arg(c, e, e, "policy");
    } else if (strcmp(e->type, "aws_secretsmanager_secret") == 0) {
        if (S_is_set(e, "kms_key_id"))
            S_prop_str(c, e, "encryption", "kms");
        else if (S_get(v, "kms_key_id"))
            S_prop_str(c, e, "encryption", "aws-managed");
        if (S_is_set(e, "policy"))
            S_resource_policy_arg(c, e, e, "policy");
    } else if (strcmp(e->type, "aws_cloudwatch_log_group") == 0) {
        if (S_int(v, "retention_in_days", &n) && n > 0)
            S_prop_int(c, e, "retention_days", n);
        if (S_is_set(e, "kms_key_id"))
            S_prop_str(c, e, "encryption", "kms");
        else if (S_get(v, "kms_key_id"))
            S_prop_str(c, e, "encryption", "aws-owned");
    } else if (strcmp(e->type, "aws_cloudtrail") == 0) {
        if (S_bool(v, "is_multi_region_trail", &b))
            S_prop_bool(c, e, "multi_region", b);
        if (S_bool(v, "enable_log_file_validation", &b))
            S_prop_bool(c, e, "log_validation", b);
        if (S_is_set(e, "kms_key_id"))
            S_prop_str(c, e, "encryption", "kms");
        const tm_node *ev = S_list(v, "event_selector");
        const tm_node *adv = S_list(v, "advanced_event_selector");
        if ((ev && ev->n) || (adv && adv->n))
            S_prop_bool(c, e, "data_events", 1);
    } else if (strcmp(e->type, "aws_sfn_state_machine") == 0) {
        if (S_bool(S_block(v, "tracing_configuration"), "enabled", &b))
            S_prop_bool(c, e, "tracing", b);
        const char *lvl = S_str(S_block(v, "logging_configuration"), "level");
        if (lvl)
            S_prop_bool(c, e, "logging", strcmp(lvl, "OFF") != 0);
    } else if (strcmp(e->type, "aws_apigatewayv2_api") == 0) {
        const tm_node *cors = S_block(v, "cors_configuration");
        if (cors) {
            S_arr o = {0}, m = {0};
            S_strings(c, S_get(cors, "allow_origins"), &o);
            S_strings(c, S_get(cors, "allow_methods"), &m);
            S_prop_list(c, e, "cors_origins", &o);
            S_prop_list(c, e, "cors_methods", &m);
        }
    } else if (strcmp(e->type, "aws_api_gateway_rest_api") == 0) {
        const tm_node *types = S_get(S_block(v, "endpoint_configuration"), "types");
        if (types && types->kind == TM_NODE_LIST && types->n && S_is_str(types->items[0])) {
            const char *t = types->items[0]->text;
            S_prop_str(c, e, "endpoint_type",
                       strcmp(t, "PRIVATE") == 0    ? "private"
                       : strcmp(t, "REGIONAL") == 0 ? "regional"
                                                    : "edge");
        }
        if (S_is_set(e, "policy"))
            S_resource_policy_arg(c, e, e, "policy");
    } else if (strcmp(e->type, "aws_kinesis_stream") == 0) {
        const char *enc = S_str(v, "encryption_type");
        if (enc)
            S_prop_str(c, e, "encryption", strcmp(enc, "KMS") == 0 ? "kms" : "none");
    }
}

/* ------------------------------------------------------- relations */

static const char *const S_T_LAMBDA[] = {"aws_lambda_function", NULL};
static const char *const S_T_BUCKET[] = {"aws_s3_bucket", NULL};
static const char *const S_T_QUEUE[] = {"aws_sqs_queue", NULL};
static const char *const S_T_TOPIC[] = {"aws_sns_topic", NULL};
static const char *const S_T_RESTAPI[] = {"aws_api_gateway_rest_api", NULL};
static const char *const S_T_HTTPAPI[] = {"aws_apigatewayv2_api", NULL};
static const char *const S_T_ROLE[] = {"aws_iam_role", NULL};
static const char *const S_T_USER[] = {"aws_iam_user", NULL};
static const char *const S_T_SECRET[] = {"aws_secretsmanager_secret", NULL};
static const char *const S_T_RULE[] = {"aws_cloudwatch_event_rule", NULL};
static const char *const S_T_APIRES[] = {"aws_api_gateway_resource", "aws_api_gateway_rest_api",
                                         NULL};
static const char *const S_T_V2INT[] = {"aws_apigatewayv2_integration", NULL};
static const char *const S_T_STAGE[] = {"aws_api_gateway_stage", "aws_apigatewayv2_stage", NULL};
static const char *const S_T_ESM_SRC[] = {"aws_sqs_queue", "aws_dynamodb_table",
                                          "aws_kinesis_stream", NULL};

static S_res *S_users(S_ctx *c)
{
    if (!c->users) {
        S_res *u = tm_arena_alloc(c->a, sizeof *u);
        u->role = S_EXTERNAL;
        u->addr = "internet-users";
        u->id = S_make_id(c, "internet-users", u);
        u->etype = "user";
        u->name_out = "Internet users";
        u->boundary = "internet";
        u->description = "Anyone on the internet who can reach the public endpoints";
        u->type = "";
        S_push(c->a, &c->res, u);
        c->users = u;
    }
    return c->users;
}

/* An external element standing for a principal or endpoint outside the plan. */
static S_res *S_external(S_ctx *c, const char *key, const char *name, const char *etype,
                         const char *boundary, const char *description)
{
    const char *addr = tm_arena_printf(c->a, "external %s", key);
    S_res *x = tm_map_get(c->by_addr, addr);
    if (x)
        return x;
    x = tm_arena_alloc(c->a, sizeof *x);
    x->role = S_EXTERNAL;
    x->addr = addr;
    x->id = S_make_id(c, tm_arena_printf(c->a, "external-%s", key), x);
    x->etype = etype;
    x->name_out = name;
    x->boundary = boundary;
    x->description = description;
    x->type = "";
    tm_map_put(c->by_addr, addr, x);
    S_push(c->a, &c->res, x);
    return x;
}

static void S_esm(S_ctx *c, S_res *r)
{
    S_res *fn = S_target(c, r, "function_name", S_T_LAMBDA);
    S_arr src = {0};
    /* A DynamoDB or Kinesis stream ARN names its table or stream. */
    S_targets_of(c, r, S_get(r->values, "event_source_arn"), S_expr(r, "event_source_arn"),
                 S_T_ESM_SRC, &src);
    for (size_t i = 0; i < src.n; i++) {
        S_res *s = src.v[i];
        const char *name = strcmp(s->type, "aws_sqs_queue") == 0        ? "SQS messages"
                           : strcmp(s->type, "aws_dynamodb_table") == 0 ? "DynamoDB stream records"
                                                                        : "Kinesis records";
        S_flow_add(c, s, fn, name, "aws-invoke", 1);
    }
}

static void S_notification(S_ctx *c, S_res *r)
{
    S_res *bucket = S_target(c, r, "bucket", S_T_BUCKET);
    if (!bucket)
        return;
    static const struct {
        const char *block, *arg;
        const char *const *types;
    } kinds[] = {{"lambda_function", "lambda_function_arn", S_T_LAMBDA},
                 {"queue", "queue_arn", S_T_QUEUE},
                 {"topic", "topic_arn", S_T_TOPIC}};
    for (size_t k = 0; k < 3; k++) {
        const tm_node *vb = S_list(r->values, kinds[k].block);
        const tm_node *eb = S_list(S_get(r->cfg, "expressions"), kinds[k].block);
        size_t n = (vb ? vb->n : 0) > (eb ? eb->n : 0) ? (vb ? vb->n : 0) : (eb ? eb->n : 0);
        for (size_t i = 0; i < n; i++) {
            const tm_node *bv = vb && i < vb->n ? vb->items[i] : NULL;
            const tm_node *be = eb && i < eb->n ? eb->items[i] : NULL;
            S_arr t = {0};
            S_targets_of(c, r, S_get(bv, kinds[k].arg), S_get(be, kinds[k].arg), kinds[k].types,
                         &t);
            S_arr ev = {0};
            S_strings(c, S_get(bv, "events"), &ev);
            if (!ev.n)
                S_strings(c, S_get(S_get(be, "events"), "constant_value"), &ev);
            S_sort_strs(&ev);
            for (size_t j = 0; j < t.n; j++) {
                S_flow *f = S_flow_add(c, bucket, t.v[j], NULL, "aws-invoke", 1);
                for (size_t q = 0; f && q < ev.n; q++)
                    S_push_str_uniq(c->a, &f->names, ev.v[q]);
                if (f && !ev.n)
                    S_push_str_uniq(c->a, &f->names, "S3 event notification");
            }
        }
    }
}

static void S_subscription(S_ctx *c, S_res *r)
{
    S_res *topic = S_target(c, r, "topic_arn", S_T_TOPIC);
    const char *proto = S_str(r->values, "protocol");
    if (!proto)
        proto = S_str(S_expr(r, "protocol"), "constant_value");
    if (!topic || !proto)
        return;
    S_arr *protos = tm_arena_alloc(c->a, sizeof *protos);
    const tm_node *old = S_prop_get(topic, "subscription_protocols");
    for (size_t i = 0; old && i < old->n; i++)
        S_push_str_uniq(c->a, protos, old->items[i]->text);
    S_push_str_uniq(c->a, protos, proto);
    S_prop_list(c, topic, "subscription_protocols", protos);
    static const char *const targets[] = {"aws_lambda_function", "aws_sqs_queue", NULL};
    S_arr t = {0};
    S_targets_of(c, r, S_get(r->values, "endpoint"), S_expr(r, "endpoint"), targets, &t);
    if (t.n) {
        for (size_t i = 0; i < t.n; i++)
            S_flow_add(c, topic, t.v[i], "SNS notification", "aws-invoke", 1);
        return;
    }
    const char *endpoint = S_str(r->values, "endpoint");
    if (!endpoint)
        endpoint = S_str(S_expr(r, "endpoint"), "constant_value");
    if (!endpoint)
        return;
    int web = strcmp(proto, "http") == 0 || strcmp(proto, "https") == 0;
    int mail = strcmp(proto, "email") == 0 || strcmp(proto, "email-json") == 0;
    const char *key = endpoint;
    if (web) {
        /* host of the URL */
        const char *h = strstr(endpoint, "://");
        h = h ? h + 3 : endpoint;
        size_t n = strcspn(h, "/?#");
        key = tm_arena_strndup(c->a, h, n);
    }
    S_res *x = S_external(c, key, key, web ? "third-party.api" : "user", "internet",
                          tm_arena_printf(c->a, "SNS %s subscriber", proto));
    S_flow *f = S_flow_add(c, topic, x, "SNS notification",
                           web ? proto : mail ? "smtp" : proto, 0);
    if (f && web)
        f->encrypted = strcmp(proto, "https") == 0;
    if (f && (mail || strcmp(proto, "sms") == 0))
        f->encrypted = 0;
}

static int S_auth_rank(const char *a)
{
    static const char *const order[] = {"none", "api-key", "lambda", "cognito", "iam"};
    for (int i = 0; i < 5; i++)
        if (strcmp(order[i], a) == 0)
            return i;
    return 0;
}

/* Record one route's authorizer on the API: the weakest wins. */
static void S_api_auth(S_ctx *c, S_res *api, const char *auth)
{
    const tm_node *old = S_prop_get(api, "authorizer");
    if (!old || S_auth_rank(auth) < S_auth_rank(old->text))
        S_prop_str(c, api, "authorizer", auth);
}

/* The path of an aws_api_gateway_resource ("/orders/{id}"). */
static const char *S_api_path(S_ctx *c, S_res *res)
{
    const char *known = S_str(res->values, "path");
    if (known)
        return known;
    const char *parts[S_MAX_PATH_PARTS];
    size_t n = 0;
    S_res *cur = res;
    while (cur && strcmp(cur->type, "aws_api_gateway_resource") == 0 && n < S_MAX_PATH_PARTS) {
        const char *pp = S_str(cur->values, "path_part");
        if (!pp)
            pp = S_str(S_expr(cur, "path_part"), "constant_value");
        parts[n++] = pp ? pp : "?";
        S_res *parent = S_target(c, cur, "parent_id", S_T_APIRES);
        if (parent == cur)
            break;
        cur = parent;
    }
    if (n == 0)
        return "/";
    tm_buf b;
    tm_buf_init(&b, 1u << 20);
    while (n--) {
        tm_buf_putc(&b, '/');
        tm_buf_puts(&b, parts[n]);
    }
    const char *out = tm_arena_strdup(c->a, b.data);
    tm_buf_free(&b);
    return out;
}

static const char *S_method_of(const S_res *r)
{
    const char *m = S_str(r->values, "http_method");
    return m ? m : S_str(S_expr(r, "http_method"), "constant_value");
}

static void S_rest_method(S_ctx *c, S_res *r)
{
    S_res *api = S_target(c, r, "rest_api_id", S_T_RESTAPI);
    if (!api)
        return;
    const char *m = S_method_of(r);
    if (m && strcmp(m, "OPTIONS") == 0)
        return;
    const char *auth = S_str(r->values, "authorization");
    if (!auth)
        auth = S_str(S_expr(r, "authorization"), "constant_value");
    int key = 0;
    S_bool(r->values, "api_key_required", &key);
    if (auth) {
        const char *a = strcmp(auth, "AWS_IAM") == 0              ? "iam"
                        : strcmp(auth, "COGNITO_USER_POOLS") == 0 ? "cognito"
                        : strcmp(auth, "CUSTOM") == 0             ? "lambda"
                        : key                                     ? "api-key"
                                                                  : "none";
        S_api_auth(c, api, a);
    }
    int validated = S_is_set(r, "request_validator_id");
    const tm_node *old = S_prop_get(api, "validates_input");
    if (!old || old->bval)
        S_prop_bool(c, api, "validates_input", validated);
}

static void S_rest_integration(S_ctx *c, S_res *r)
{
    S_res *api = S_target(c, r, "rest_api_id", S_T_RESTAPI);
    S_arr fns = {0};
    S_targets_of(c, r, S_get(r->values, "uri"), S_expr(r, "uri"), S_T_LAMBDA, &fns);
    if (!api || !fns.n)
        return;
    static const char *const res_t[] = {"aws_api_gateway_resource", NULL};
    S_res *res = S_target(c, r, "resource_id", res_t);
    const char *m = S_method_of(r);
    const char *name = tm_arena_printf(c->a, "%s %s", m ? m : "ANY", res ? S_api_path(c, res) : "/");
    for (size_t i = 0; i < fns.n; i++)
        S_flow_add(c, api, fns.v[i], name, "aws-invoke", 1);
}

static void S_v2_route(S_ctx *c, S_res *r)
{
    S_res *api = S_target(c, r, "api_id", S_T_HTTPAPI);
    if (!api)
        return;
    const char *key = S_str(r->values, "route_key");
    if (!key)
        key = S_str(S_expr(r, "route_key"), "constant_value");
    const char *auth = S_str(r->values, "authorization_type");
    if (!auth)
        auth = S_str(S_expr(r, "authorization_type"), "constant_value");
    int options = key && S_starts(key, "OPTIONS ");
    if (!options) {
        /* authorization_type defaults to NONE */
        const char *a = !auth || strcmp(auth, "NONE") == 0 ? "none"
                        : strcmp(auth, "AWS_IAM") == 0     ? "iam"
                        : strcmp(auth, "JWT") == 0         ? "cognito"
                                                           : "lambda";
        int key_req = 0;
        if (strcmp(a, "none") == 0 && S_bool(r->values, "api_key_required", &key_req) && key_req)
            a = "api-key";
        S_api_auth(c, api, a);
    }
    /* target = "integrations/ID" */
    S_arr ints = {0};
    const char *target = S_str(r->values, "target");
    if (target && S_starts(target, "integrations/"))
        S_match_value(c, target + strlen("integrations/"), S_T_V2INT, &ints);
    S_targets_of(c, r, NULL, S_expr(r, "target"), S_T_V2INT, &ints);
    for (size_t i = 0; i < ints.n; i++) {
        S_res *in = ints.v[i];
        S_arr fns = {0};
        S_targets_of(c, in, S_get(in->values, "integration_uri"), S_expr(in, "integration_uri"),
                     S_T_LAMBDA, &fns);
        for (size_t j = 0; j < fns.n; j++)
            S_flow_add(c, api, fns.v[j], key ? key : "route", "aws-invoke", 1);
    }
}

static void S_permission(S_ctx *c, S_res *r)
{
    S_res *fn = S_target(c, r, "function_name", S_T_LAMBDA);
    if (!fn)
        return;
    const char *principal = S_str(r->values, "principal");
    if (!principal)
        principal = S_str(S_expr(r, "principal"), "constant_value");
    if (!principal)
        return;
    S_arr *pl = tm_arena_alloc(c->a, sizeof *pl);
    const tm_node *old = S_prop_get(fn, "invoke_principals");
    for (size_t i = 0; old && i < old->n; i++)
        S_push_str_uniq(c->a, pl, old->items[i]->text);
    S_push_str_uniq(c->a, pl, principal);
    S_prop_list(c, fn, "invoke_principals", pl);
    int restricted = S_is_set(r, "source_arn") || S_is_set(r, "source_account");
    if (S_is_service_principal(principal)) {
        const tm_node *was = S_prop_get(fn, "invoke_source_arn");
        if (!was || was->bval)
            S_prop_bool(c, fn, "invoke_source_arn", restricted);
    }
    S_arr src = {0};
    S_targets_of(c, r, S_get(r->values, "source_arn"), S_expr(r, "source_arn"), NULL, &src);
    size_t flows = 0;
    for (size_t i = 0; i < src.n; i++) {
        S_res *s = src.v[i];
        if (s->role == S_ELEMENT && s != fn) {
            S_flow_add(c, s, fn, "lambda:InvokeFunction", "aws-invoke", 1);
            flows++;
        }
    }
    if (flows)
        return;
    /* No source in the plan: whoever the principal stands for may invoke. */
    int service = S_is_service_principal(principal);
    const char *name =
        strcmp(principal, "*") == 0
            ? "Anyone (principal *)"
            : service ? tm_arena_printf(c->a, "Any %s caller%s", principal,
                                        restricted ? "" : " (no source ARN or account)")
                      : tm_arena_printf(c->a, "Principal %s", principal);
    S_res *x = S_external(c, strcmp(principal, "*") == 0 ? "anyone" : principal, name,
                          "generic.external", strcmp(principal, "*") == 0 ? "internet" : NULL,
                          "Granted lambda:InvokeFunction by a lambda permission");
    S_flow *f = S_flow_add(c, x, fn, "lambda:InvokeFunction", "aws-invoke", 1);
    if (f && strcmp(principal, "*") == 0)
        f->authenticated = 0;
}

static void S_function_url(S_ctx *c, S_res *r)
{
    S_res *fn = S_target(c, r, "function_name", S_T_LAMBDA);
    if (!fn)
        return;
    S_prop_bool(c, fn, "function_url", 1);
    const char *auth = S_str(r->values, "authorization_type");
    if (!auth)
        auth = S_str(S_expr(r, "authorization_type"), "constant_value");
    if (auth)
        S_prop_str(c, fn, "function_url_auth", strcmp(auth, "AWS_IAM") == 0 ? "iam" : "none");
    const tm_node *cors = S_block(r->values, "cors");
    if (cors) {
        S_arr o = {0};
        S_strings(c, S_get(cors, "allow_origins"), &o);
        S_prop_list(c, fn, "cors_origins", &o);
    }
    S_flow *f = S_flow_add(c, S_users(c), fn, "function URL", "https", 0);
    if (f) {
        f->encrypted = 1;
        if (auth)
            f->authenticated = strcmp(auth, "AWS_IAM") == 0;
    }
}

static void S_event_target(S_ctx *c, S_res *r)
{
    S_res *rule = S_target(c, r, "rule", S_T_RULE);
    S_arr t = {0};
    S_targets_of(c, r, S_get(r->values, "arn"), S_expr(r, "arn"), NULL, &t);
    for (size_t i = 0; rule && i < t.n; i++)
        S_flow_add(c, rule, t.v[i],
                   strcmp(rule->etype, "aws.schedule") == 0 ? "scheduled event" : "matched event",
                   "aws-invoke", 1);
}

static void S_schedule(S_ctx *c, S_res *r)
{
    const tm_node *tb = S_block(r->values, "target");
    const tm_node *te = S_block(S_get(r->cfg, "expressions"), "target");
    S_arr t = {0};
    S_targets_of(c, r, S_get(tb, "arn"), S_get(te, "arn"), NULL, &t);
    for (size_t i = 0; i < t.n; i++)
        S_flow_add(c, r, t.v[i], "scheduled event", "aws-invoke", 1);
}

/* Props an auxiliary resource sets on the element it configures. */
static void S_aux(S_ctx *c, S_res *r)
{
    const tm_node *v = r->values;
    int b;
    const char *t = r->type;
    if (strcmp(t, "aws_s3_bucket_public_access_block") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        int f1, f2, f3, f4;
        if (bk && S_bool(v, "block_public_acls", &f1) && S_bool(v, "block_public_policy", &f2) &&
            S_bool(v, "ignore_public_acls", &f3) && S_bool(v, "restrict_public_buckets", &f4))
            S_prop_bool(c, bk, "block_public_access", f1 && f2 && f3 && f4);
    } else if (strcmp(t, "aws_s3_bucket_server_side_encryption_configuration") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        const tm_node *rules = S_list(v, "rule");
        for (size_t i = 0; bk && rules && i < rules->n; i++) {
            const tm_node *d = S_block(rules->items[i], "apply_server_side_encryption_by_default");
            const char *alg = S_str(d, "sse_algorithm");
            if (!alg)
                continue;
            int cmk = S_str(d, "kms_master_key_id") != NULL;
            if (!cmk) {
                /* The key may be a reference known at apply time. */
                const tm_node *re = S_list(S_get(r->cfg, "expressions"), "rule");
                const tm_node *de =
                    re && re->n ? S_block(re->items[0], "apply_server_side_encryption_by_default")
                                : NULL;
                cmk = S_list(S_get(de, "kms_master_key_id"), "references") != NULL;
            }
            S_prop_str(c, bk, "encryption", S_starts(alg, "aws:kms") && cmk ? "kms" : "sse-s3");
        }
    } else if (strcmp(t, "aws_s3_bucket_versioning") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        const char *st = S_str(S_block(v, "versioning_configuration"), "status");
        if (bk && st)
            S_prop_bool(c, bk, "versioning", strcmp(st, "Enabled") == 0);
    } else if (strcmp(t, "aws_s3_bucket_logging") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        if (bk)
            S_prop_bool(c, bk, "logging", 1);
    } else if (strcmp(t, "aws_s3_bucket_website_configuration") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        if (bk)
            S_prop_bool(c, bk, "website", 1);
    } else if (strcmp(t, "aws_s3_bucket_acl") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        const char *acl = S_str(v, "acl");
        if (bk && acl) {
            if (strcmp(acl, "public-read") == 0 || strcmp(acl, "public-read-write") == 0)
                S_prop_bool(c, bk, "public_read", 1);
            if (strcmp(acl, "public-read-write") == 0)
                S_prop_bool(c, bk, "public_write", 1);
        }
    } else if (strcmp(t, "aws_s3_bucket_cors_configuration") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        const tm_node *rules = S_list(v, "cors_rule");
        if (bk && rules) {
            S_arr o = {0}, m = {0};
            for (size_t i = 0; i < rules->n; i++) {
                S_strings(c, S_get(rules->items[i], "allowed_origins"), &o);
                S_strings(c, S_get(rules->items[i], "allowed_methods"), &m);
            }
            S_prop_list(c, bk, "cors_origins", &o);
            S_prop_list(c, bk, "cors_methods", &m);
        }
    } else if (strcmp(t, "aws_s3_bucket_policy") == 0) {
        S_res *bk = S_target(c, r, "bucket", S_T_BUCKET);
        if (bk)
            S_resource_policy_arg(c, bk, r, "policy");
    } else if (strcmp(t, "aws_sqs_queue_policy") == 0) {
        S_res *q = S_target(c, r, "queue_url", S_T_QUEUE);
        if (q)
            S_resource_policy_arg(c, q, r, "policy");
    } else if (strcmp(t, "aws_sqs_queue_redrive_policy") == 0) {
        S_res *q = S_target(c, r, "queue_url", S_T_QUEUE);
        if (q)
            S_prop_bool(c, q, "dlq", 1);
    } else if (strcmp(t, "aws_sns_topic_policy") == 0) {
        S_res *tp = S_target(c, r, "arn", S_T_TOPIC);
        if (tp)
            S_resource_policy_arg(c, tp, r, "policy");
    } else if (strcmp(t, "aws_secretsmanager_secret_policy") == 0) {
        S_res *s = S_target(c, r, "secret_arn", S_T_SECRET);
        if (s)
            S_resource_policy_arg(c, s, r, "policy");
    } else if (strcmp(t, "aws_secretsmanager_secret_rotation") == 0) {
        S_res *s = S_target(c, r, "secret_id", S_T_SECRET);
        if (s)
            S_prop_bool(c, s, "rotation", 1);
    } else if (strcmp(t, "aws_api_gateway_rest_api_policy") == 0) {
        S_res *api = S_target(c, r, "rest_api_id", S_T_RESTAPI);
        if (api)
            S_resource_policy_arg(c, api, r, "policy");
    } else if (strcmp(t, "aws_lambda_function_event_invoke_config") == 0) {
        S_res *fn = S_target(c, r, "function_name", S_T_LAMBDA);
        const tm_node *dc = S_block(v, "destination_config");
        const tm_node *de = S_block(S_get(r->cfg, "expressions"), "destination_config");
        if (fn && (S_block(dc, "on_failure") || S_block(de, "on_failure")))
            S_prop_bool(c, fn, "dlq", 1);
    } else if (strcmp(t, "aws_api_gateway_stage") == 0 || strcmp(t, "aws_apigatewayv2_stage") == 0) {
        int v2 = strcmp(t, "aws_apigatewayv2_stage") == 0;
        S_res *api = v2 ? S_target(c, r, "api_id", S_T_HTTPAPI)
                        : S_target(c, r, "rest_api_id", S_T_RESTAPI);
        if (!api)
            return;
        if (!v2 && S_bool(v, "xray_tracing_enabled", &b))
            S_prop_bool(c, api, "tracing", b);
        const tm_node *al = S_get(v, "access_log_settings");
        if (al && al->kind == TM_NODE_LIST)
            S_prop_bool(c, api, "logging", al->n > 0);
        if (!v2 && S_bool(v, "cache_cluster_enabled", &b))
            S_prop_bool(c, api, "caching", b);
        if (v2) {
            const tm_node *rs = S_block(v, "default_route_settings");
            long long burst = 0, rate = 0;
            double frate = 0;
            int have = S_int(rs, "throttling_burst_limit", &burst);
            const tm_node *rn = S_get(rs, "throttling_rate_limit");
            if (rn && rn->kind == TM_NODE_SCALAR && rn->stype == TM_SCALAR_FLOAT)
                frate = rn->fval;
            else if (S_int(rs, "throttling_rate_limit", &rate))
                frate = (double)rate;
            if (have || rn)
                S_prop_bool(c, api, "throttling", burst > 0 || frate > 0);
            if (S_bool(rs, "data_trace_enabled", &b))
                S_prop_bool(c, api, "data_trace", b);
        }
    } else if (strcmp(t, "aws_api_gateway_method_settings") == 0) {
        S_res *api = S_target(c, r, "rest_api_id", S_T_RESTAPI);
        const tm_node *s = S_block(v, "settings");
        if (!api || !s)
            return;
        long long burst = -1;
        const tm_node *rn = S_get(s, "throttling_rate_limit");
        double rate = rn && rn->kind == TM_NODE_SCALAR && rn->stype == TM_SCALAR_FLOAT ? rn->fval
                      : rn && rn->kind == TM_NODE_SCALAR && rn->stype == TM_SCALAR_INT
                          ? (double)rn->ival
                          : -1;
        if (S_int(s, "throttling_burst_limit", &burst) || rn)
            S_prop_bool(c, api, "throttling", burst > 0 || rate > 0);
        if (S_bool(s, "data_trace_enabled", &b))
            S_prop_bool(c, api, "data_trace", b);
        if (S_bool(s, "caching_enabled", &b))
            S_prop_bool(c, api, "caching", b);
        if (S_bool(s, "cache_data_encrypted", &b))
            S_prop_bool(c, api, "cache_encrypted", b);
    } else if (strcmp(t, "aws_wafv2_web_acl_association") == 0) {
        S_arr st = {0};
        S_targets_of(c, r, S_get(v, "resource_arn"), S_expr(r, "resource_arn"), S_T_STAGE, &st);
        for (size_t i = 0; i < st.n; i++) {
            S_res *stage = st.v[i];
            S_res *api = strcmp(stage->type, "aws_apigatewayv2_stage") == 0
                             ? S_target(c, stage, "api_id", S_T_HTTPAPI)
                             : S_target(c, stage, "rest_api_id", S_T_RESTAPI);
            if (api)
                S_prop_bool(c, api, "waf", 1);
        }
        static const char *const apis[] = {"aws_api_gateway_rest_api", "aws_apigatewayv2_api",
                                           NULL};
        S_arr direct = {0};
        S_targets_of(c, r, S_get(v, "resource_arn"), NULL, apis, &direct);
        for (size_t i = 0; i < direct.n; i++)
            S_prop_bool(c, direct.v[i], "waf", 1);
    } else if (strcmp(t, "aws_api_gateway_domain_name") == 0) {
        const char *sp = S_str(v, "security_policy");
        if (!sp)
            return;
        for (size_t i = 0; i < c->res.n; i++) {
            S_res *m = c->res.v[i];
            if (strcmp(m->type, "aws_api_gateway_base_path_mapping") != 0)
                continue;
            static const char *const dn[] = {"aws_api_gateway_domain_name", NULL};
            if (S_target(c, m, "domain_name", dn) != r)
                continue;
            S_res *api = S_target(c, m, "api_id", S_T_RESTAPI);
            if (api)
                S_prop_str(c, api, "tls_policy", sp);
        }
    }
}

/* ------------------------------------------------------------ IAM */

/* Where an identity's statements come from: trust policy, inline policies,
 * role policies and attachments. */
static void S_identity_statements(S_ctx *c)
{
    for (size_t i = 0; i < c->res.n; i++) {
        S_res *r = c->res.v[i];
        if (r->role != S_IDENTITY)
            continue;
        if (strcmp(r->type, "aws_iam_role") == 0) {
            if (S_is_set(r, "assume_role_policy") &&
                !S_policy_arg(c, r, "assume_role_policy", &r->stmts))
                S_push(c->a, &r->notes, "the trust policy is only known at apply time");
            const tm_node *ip = S_list(r->values, "inline_policy");
            for (size_t k = 0; ip && k < ip->n; k++) {
                const tm_node *p = S_get(ip->items[k], "policy");
                if (S_is_str(p) && p->len)
                    S_policy_text(c, p, r->addr, &r->stmts);
            }
            const tm_node *mp = S_list(r->values, "managed_policy_arns");
            for (size_t k = 0; mp && k < mp->n; k++)
                if (S_is_str(mp->items[k]) &&
                    !S_policy_by_arn(c, r, mp->items[k]->text, NULL, &r->stmts)) {
                    S_push(c->a, &r->notes,
                           tm_arena_printf(c->a, "managed policy %s is not in the plan",
                                           mp->items[k]->text));
                    r->stmts_incomplete = 1;
                }
        }
    }
    for (size_t i = 0; i < c->res.n; i++) {
        S_res *r = c->res.v[i];
        if (r->data || !r->type)
            continue;
        int role_policy = strcmp(r->type, "aws_iam_role_policy") == 0;
        int user_policy = strcmp(r->type, "aws_iam_user_policy") == 0;
        int role_att = strcmp(r->type, "aws_iam_role_policy_attachment") == 0;
        int user_att = strcmp(r->type, "aws_iam_user_policy_attachment") == 0;
        int pol_att = strcmp(r->type, "aws_iam_policy_attachment") == 0;
        if (!role_policy && !user_policy && !role_att && !user_att && !pol_att)
            continue;
        S_arr who = {0};
        if (pol_att) {
            S_targets_of(c, r, S_get(r->values, "roles"), S_expr(r, "roles"), S_T_ROLE, &who);
            S_targets_of(c, r, S_get(r->values, "users"), S_expr(r, "users"), S_T_USER, &who);
        } else {
            const char *key = role_policy || role_att ? "role" : "user";
            S_targets_of(c, r, S_get(r->values, key), S_expr(r, key),
                         role_policy || role_att ? S_T_ROLE : S_T_USER, &who);
        }
        if (!who.n)
            continue;
        S_arr st = {0};
        int ok;
        const char *what;
        if (role_policy || user_policy) {
            ok = S_policy_arg(c, r, "policy", &st);
            what = tm_arena_printf(c->a, "the policy of %s is only known at apply time", r->addr);
        } else {
            const char *arn = S_str(r->values, "policy_arn");
            ok = S_policy_by_arn(c, r, arn, S_expr(r, "policy_arn"), &st);
            what = arn ? tm_arena_printf(c->a, "attached policy %s is not in the plan", arn)
                       : tm_arena_printf(c->a, "the policy attached by %s is not in the plan",
                                         r->addr);
        }
        for (size_t k = 0; k < who.n; k++) {
            S_res *id = who.v[k];
            for (size_t j = 0; j < st.n; j++)
                S_push(c->a, &id->stmts, st.v[j]);
            if (!ok) {
                S_push(c->a, &id->notes, (void *)what);
                id->stmts_incomplete = 1;
            }
        }
        if (!ok)
            S_warn(c, r->node, "%s", tm_arena_printf(c->a, "%s; its statements are left out "
                                                         "(import the state after apply for them)",
                                                     what));
    }
}

static int S_verb_in(const char *verb, const char *const *list)
{
    size_t vl = strlen(verb);
    int wild = vl && verb[vl - 1] == '*';
    size_t pl = wild ? vl - 1 : vl;
    for (; *list; list++) {
        size_t ll = strlen(*list);
        if (wild) {
            /* "Get*" is a read when a read verb starts with "Get" (or "Get" with one) */
            if (strncmp(verb, *list, pl < ll ? pl : ll) == 0)
                return 1;
        } else if (strncmp(verb, *list, ll) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Does `action` (service:Verb, globs allowed) read from or write to a
 * resource of `service`? bit 1 read, bit 2 write. */
static int S_action_dir(const char *action, const char *service)
{
    static const char *const reads[] = {"Get", "List", "Describe", "Query", "Scan", "Receive",
                                        "BatchGet", "Select", "Head", "Decrypt", "Read", "Lookup",
                                        "Search", "Generate", "Poll", "Consume", NULL};
    static const char *const writes[] = {
        "Put", "Update", "Delete", "Create", "Send", "Publish", "Write", "BatchWrite", "Invoke",
        "Start", "Encrypt", "Restore", "Change", "Modify", "Set", "Attach", "Abort", "Copy",
        "Upload", "Purge", "Import", "Execute", "Replicate", "Remove", "Add", "Insert", "Enable",
        "Disable", "Rotate", "Tag", "Untag", "Stop", "Post", "Patch", "ReEncrypt", NULL};
    if (strcmp(action, "*") == 0)
        return 3;
    const char *colon = strchr(action, ':');
    if (!colon)
        return 0;
    size_t sl = (size_t)(colon - action);
    char svc[64];
    if (sl >= sizeof svc)
        return 0;
    for (size_t i = 0; i < sl; i++)
        svc[i] = (char)(action[i] >= 'A' && action[i] <= 'Z' ? action[i] - 'A' + 'a' : action[i]);
    svc[sl] = '\0';
    if (!tm_glob_match(svc, service))
        return 0;
    const char *verb = colon + 1;
    if (strcmp(verb, "*") == 0)
        return 3;
    char v[128];
    size_t n = 0;
    for (; verb[n] && n + 1 < sizeof v; n++)
        v[n] = verb[n];
    v[n] = '\0';
    if (n && v[0] >= 'a' && v[0] <= 'z')
        v[0] = (char)(v[0] - 'a' + 'A');
    int d = 0;
    if (S_verb_in(v, reads))
        d |= 1;
    if (S_verb_in(v, writes))
        d |= 2;
    return d;
}

/* Flows of what each function's role lets it do to resources the plan
 * holds: writes function -> resource, reads resource -> function. Bare "*"
 * resources make no flows (the IAM rules report them on the identity). */
static void S_iam_flows(S_ctx *c)
{
    for (size_t i = 0; i < c->res.n; i++) {
        S_res *fn = c->res.v[i];
        if (fn->role != S_ELEMENT || !fn->identity)
            continue;
        S_res *role = fn->identity;
        for (size_t k = 0; k < role->stmts.n; k++) {
            S_stmt *s = role->stmts.v[k];
            if (!s->allow || s->principals.n)
                continue;
            for (size_t j = 0; j < s->targets.n; j++) {
                S_res *t = s->targets.v[j];
                const char *svc = S_service_of(t->etype);
                if (t->role != S_ELEMENT || !svc || t == fn)
                    continue;
                S_arr rd = {0}, wr = {0};
                for (size_t q = 0; q < s->actions.n; q++) {
                    int d = S_action_dir(s->actions.v[q], svc);
                    if (d & 1)
                        S_push_str_uniq(c->a, &rd, s->actions.v[q]);
                    if (d & 2)
                        S_push_str_uniq(c->a, &wr, s->actions.v[q]);
                }
                if (wr.n) {
                    S_flow *f = S_flow_add(c, fn, t, NULL, "aws-api", 0);
                    for (size_t q = 0; f && q < wr.n; q++)
                        S_push_str_uniq(c->a, &f->names, wr.v[q]);
                    if (f) {
                        f->authenticated = 1;
                        f->encrypted = 1;
                    }
                }
                if (rd.n) {
                    S_flow *f = S_flow_add(c, t, fn, NULL, "aws-api", 0);
                    for (size_t q = 0; f && q < rd.n; q++)
                        S_push_str_uniq(c->a, &f->names, rd.v[q]);
                    if (f && !f->trigger) {
                        f->authenticated = 1;
                        f->encrypted = 1;
                    }
                }
            }
        }
        /* logging: the role may write CloudWatch Logs. */
        int logs = 0;
        for (size_t k = 0; k < role->stmts.n; k++) {
            S_stmt *s = role->stmts.v[k];
            if (s->allow && !s->principals.n && S_action_matches(s, "logs:PutLogEvents"))
                logs = 1;
        }
        if (logs || !role->stmts_incomplete)
            S_prop_bool(c, fn, "logging", logs);
    }
}

/* --------------------------------------------------------- emission */

static tm_node *S_s(S_ctx *c, const char *s)
{
    return tm_node_string(c->a, s);
}

static void S_put(S_ctx *c, tm_node *map, const char *key, tm_node *v)
{
    tm_node_map_put(c->a, map, key, 0, 0, v);
}

static tm_node *S_strlist_node(S_ctx *c, S_arr *l)
{
    tm_node *n = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
    for (size_t i = 0; i < l->n; i++)
        tm_node_list_push(c->a, n, S_s(c, l->v[i]));
    return n;
}

static int S_cmp_pair(const void *x, const void *y)
{
    return strcmp(((const tm_pair *)x)->key, ((const tm_pair *)y)->key);
}

static int S_cmp_res_id(const void *x, const void *y)
{
    return strcmp((*(S_res *const *)x)->id, (*(S_res *const *)y)->id);
}

static int S_cmp_flow(const void *x, const void *y)
{
    const S_flow *a = *(S_flow *const *)x, *b = *(S_flow *const *)y;
    int k = strcmp(a->from, b->from);
    return k ? k : strcmp(a->to, b->to);
}

static tm_node *S_stmt_node(S_ctx *c, S_stmt *s)
{
    tm_node *m = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
    if (s->sid)
        S_put(c, m, "sid", S_s(c, s->sid));
    S_put(c, m, "effect", S_s(c, s->allow ? "allow" : "deny"));
    if (s->actions.n)
        S_put(c, m, "actions", S_strlist_node(c, &s->actions));
    if (s->not_actions.n)
        S_put(c, m, "not_actions", S_strlist_node(c, &s->not_actions));
    if (s->resources.n)
        S_put(c, m, "resources", S_strlist_node(c, &s->resources));
    if (s->principals.n)
        S_put(c, m, "principals", S_strlist_node(c, &s->principals));
    if (s->conds.n) {
        tm_node *l = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
        for (size_t i = 0; i < s->conds.n; i++) {
            S_cond *cd = s->conds.v[i];
            tm_node *cm = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
            S_put(c, cm, "test", S_s(c, cd->test));
            S_put(c, cm, "variable", S_s(c, cd->variable));
            S_put(c, cm, "values", S_strlist_node(c, &cd->values));
            tm_node_list_push(c->a, l, cm);
        }
        S_put(c, m, "conditions", l);
    }
    return m;
}

static const char *S_basename(const char *f)
{
    const char *s = strrchr(f, '/');
    return s ? s + 1 : f;
}

static tm_node *S_emit(S_ctx *c)
{
    tm_node *root = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
    S_put(c, root, "stridec", tm_node_int(c->a, 1));
    tm_node *sys = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
    const char *base = S_basename(c->file);
    S_put(c, sys, "name",
          S_s(c, tm_arena_printf(c->a, "Terraform %s %s", c->is_state ? "state" : "plan", base)));
    S_put(c, sys, "description",
          S_s(c, tm_arena_printf(c->a,
                                 "Imported by stridec from the Terraform %s %s (JSON format "
                                 "version %s).",
                                 c->is_state ? "state" : "plan", base, c->format_version)));
    S_put(c, root, "system", sys);

    /* Order by id: stable whatever the input order. */
    S_arr out = {0};
    for (size_t i = 0; i < c->res.n; i++) {
        S_res *r = c->res.v[i];
        if (r->role == S_ELEMENT || r->role == S_EXTERNAL || r->role == S_IDENTITY)
            S_push(c->a, &out, r);
    }
    if (out.n > 1)
        qsort(out.v, out.n, sizeof *out.v, S_cmp_res_id);

    int internet = 0, account = 0;
    for (size_t i = 0; i < out.n; i++) {
        S_res *r = out.v[i];
        if (r->role == S_EXTERNAL && r->boundary)
            internet = 1;
        if (r->role == S_ELEMENT)
            account = 1;
    }
    if (internet || account) {
        tm_node *bl = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
        if (internet) {
            tm_node *b = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
            S_put(c, b, "id", S_s(c, "internet"));
            S_put(c, b, "name", S_s(c, "Internet"));
            S_put(c, b, "type", S_s(c, "internet"));
            tm_node_list_push(c->a, bl, b);
        }
        if (account) {
            tm_node *b = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
            S_put(c, b, "id", S_s(c, "aws-account"));
            S_put(c, b, "name",
                  S_s(c, c->account ? tm_arena_printf(c->a, "AWS account %s", c->account)
                                    : "AWS account"));
            S_put(c, b, "type", S_s(c, "cloud-account"));
            tm_node_list_push(c->a, bl, b);
        }
        S_put(c, root, "boundaries", bl);
    }

    tm_node *els = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
    tm_node *ids = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
    for (size_t i = 0; i < out.n; i++) {
        S_res *r = out.v[i];
        tm_node *m = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
        S_put(c, m, "id", S_s(c, r->id));
        S_put(c, m, "name", S_s(c, r->name_out ? r->name_out : r->addr));
        if (r->role == S_IDENTITY) {
            S_put(c, m, "type",
                  S_s(c, strcmp(r->type, "aws_iam_user") == 0 ? "aws.iam.user" : "aws.iam.role"));
            if (r->notes.n) {
                tm_buf b;
                tm_buf_init(&b, 1u << 20);
                tm_buf_puts(&b, "Statements not read from the plan: ");
                for (size_t k = 0; k < r->notes.n; k++)
                    tm_buf_printf(&b, "%s%s", k ? "; " : "", (const char *)r->notes.v[k]);
                tm_buf_putc(&b, '.');
                S_put(c, m, "description", S_s(c, b.data));
                tm_buf_free(&b);
            }
            if (r->stmts.n) {
                tm_node *sl = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
                for (size_t k = 0; k < r->stmts.n; k++)
                    tm_node_list_push(c->a, sl, S_stmt_node(c, r->stmts.v[k]));
                S_put(c, m, "statements", sl);
            }
            tm_node_list_push(c->a, ids, m);
            continue;
        }
        if (r->description)
            S_put(c, m, "description", S_s(c, r->description));
        S_put(c, m, "type", S_s(c, r->etype));
        if (r->role == S_ELEMENT)
            S_put(c, m, "boundary", S_s(c, "aws-account"));
        else if (r->boundary)
            S_put(c, m, "boundary", S_s(c, r->boundary));
        if (r->identity)
            S_put(c, m, "identity", S_s(c, r->identity->id));
        if (r->role == S_ELEMENT && strcmp(r->etype, "aws.lambda") == 0)
            S_put(c, m, "origin", S_s(c, "in-house"));
        if (r->props && r->props->n) {
            qsort(r->props->pairs, r->props->n, sizeof *r->props->pairs, S_cmp_pair);
            S_put(c, m, "props", r->props);
        }
        tm_node_list_push(c->a, els, m);
    }
    if (els->n)
        S_put(c, root, "elements", els);

    if (c->flows.n) {
        qsort(c->flows.v, c->flows.n, sizeof *c->flows.v, S_cmp_flow);
        tm_node *fl = tm_node_new(c->a, TM_NODE_LIST, NULL, 0, 0);
        for (size_t i = 0; i < c->flows.n; i++) {
            S_flow *f = c->flows.v[i];
            tm_node *m = tm_node_new(c->a, TM_NODE_MAP, NULL, 0, 0);
            S_put(c, m, "from", S_s(c, f->from));
            S_put(c, m, "to", S_s(c, f->to));
            if (f->names.n) {
                S_sort_strs(&f->names);
                tm_buf b;
                tm_buf_init(&b, 1u << 20);
                size_t shown = f->names.n > S_MAX_FLOW_NAMES ? S_MAX_FLOW_NAMES : f->names.n;
                for (size_t k = 0; k < shown; k++)
                    tm_buf_printf(&b, "%s%s", k ? ", " : "", (const char *)f->names.v[k]);
                if (shown < f->names.n)
                    tm_buf_printf(&b, " (+%zu more)", f->names.n - shown);
                S_put(c, m, "name", S_s(c, b.data));
                tm_buf_free(&b);
            }
            if (f->protocol)
                S_put(c, m, "protocol", S_s(c, f->protocol));
            if (f->authenticated >= 0)
                S_put(c, m, "authenticated", tm_node_bool(c->a, f->authenticated));
            if (f->encrypted >= 0)
                S_put(c, m, "encrypted", tm_node_bool(c->a, f->encrypted));
            if (f->trigger)
                S_put(c, m, "trigger", tm_node_bool(c->a, 1));
            tm_node_list_push(c->a, fl, m);
        }
        S_put(c, root, "flows", fl);
    }
    if (ids->n)
        S_put(c, root, "identities", ids);

    /* The plan file itself becomes an artifact in the import command
     * (src/cli/import.c), with its path relative to the written model. */
    if (c->assumptions.n)
        S_put(c, root, "assumptions", S_strlist_node(c, &c->assumptions));
    return root;
}

/* --------------------------------------------------------------- main */

/* Synthesised ARN parts for matching policy ARNs while the ARN is unknown. */
static void S_synth_arn(S_ctx *c, S_res *r)
{
    const tm_node *v = r->values;
    const char *s;
    if (strcmp(r->type, "aws_s3_bucket") == 0 && (s = S_str(v, "bucket")) != NULL)
        r->syn_service = "s3", r->syn_res = s;
    else if (strcmp(r->type, "aws_dynamodb_table") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "dynamodb", r->syn_res = tm_arena_printf(c->a, "table/%s", s);
    else if (strcmp(r->type, "aws_sqs_queue") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "sqs", r->syn_res = s;
    else if (strcmp(r->type, "aws_sns_topic") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "sns", r->syn_res = s;
    else if (strcmp(r->type, "aws_lambda_function") == 0 && (s = S_str(v, "function_name")) != NULL)
        r->syn_service = "lambda", r->syn_res = tm_arena_printf(c->a, "function:%s", s);
    else if (strcmp(r->type, "aws_secretsmanager_secret") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "secretsmanager",
        r->syn_res = tm_arena_printf(c->a, "secret:%s-??????", s);
    else if (strcmp(r->type, "aws_sfn_state_machine") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "states", r->syn_res = tm_arena_printf(c->a, "stateMachine:%s", s);
    else if (strcmp(r->type, "aws_kinesis_stream") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "kinesis", r->syn_res = tm_arena_printf(c->a, "stream/%s", s);
    else if (strcmp(r->type, "aws_cloudwatch_log_group") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "logs", r->syn_res = tm_arena_printf(c->a, "log-group:%s", s);
    else if (strcmp(r->type, "aws_iam_role") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "iam", r->syn_res = tm_arena_printf(c->a, "role/%s", s);
    else if (strcmp(r->type, "aws_cloudwatch_event_rule") == 0 && (s = S_str(v, "name")) != NULL)
        r->syn_service = "events", r->syn_res = tm_arena_printf(c->a, "rule/%s", s);
}

static int S_cmp_res_addr(const void *x, const void *y)
{
    return strcmp((*(S_res *const *)x)->addr, (*(S_res *const *)y)->addr);
}

static void S_import(S_ctx *c, const tm_node *root)
{
    if (root->kind != TM_NODE_MAP) {
        S_err(c, root, "not a Terraform plan or state: expected a JSON object with "
                       "'format_version', found %s", tm_node_kind_name(root));
        return;
    }
    const tm_node *fv = tm_node_get(root, "format_version");
    if (!fv) {
        S_err(c, root, "not a Terraform plan or state: no 'format_version' (write it with "
                       "'terraform show -json')");
        return;
    }
    if (!S_is_str(fv)) {
        S_err(c, fv, "'format_version' must be a string such as \"1.2\", found %s",
              tm_node_kind_name(fv));
        return;
    }
    if (!(S_starts(fv->text, "0.") || S_starts(fv->text, "1.") || strcmp(fv->text, "1") == 0)) {
        S_err(c, fv, "unsupported format_version \"%s\" (this importer reads versions 0.x and 1.x)",
              fv->text);
        return;
    }
    c->format_version = fv->text;
    const tm_node *pv = tm_node_get(root, "planned_values");
    const tm_node *vals = tm_node_get(root, "values");
    const tm_node *rc = tm_node_get(root, "resource_changes");
    if (!pv && !vals && !rc) {
        S_err(c, root, "not a Terraform plan or state: no 'planned_values', 'values' or "
                       "'resource_changes'");
        return;
    }
    c->is_state = !pv && !rc && vals;
    if (pv) {
        const tm_node *rm = S_root_module(c, pv, "planned_values");
        if (rm)
            S_collect_module(c, rm, "", 0);
    } else if (vals) {
        const tm_node *rm = S_root_module(c, vals, "values");
        if (rm)
            S_collect_module(c, rm, "", 0);
    } else {
        S_collect_changes(c, rc);
    }
    /* Data sources read while planning. */
    const tm_node *ps = S_get(root, "prior_state");
    const tm_node *psv = S_get(ps, "values");
    if (psv && !c->errors) {
        const tm_node *rm = S_root_module(c, psv, "prior_state.values");
        if (rm)
            S_collect_module(c, rm, "", 0);
    }
    if (rc && pv && rc->kind != TM_NODE_LIST)
        S_err(c, rc, "'resource_changes' must be a list, found %s", tm_node_kind_name(rc));
    const tm_node *cfg = tm_node_get(root, "configuration");
    if (cfg && cfg->kind != TM_NODE_MAP)
        S_err(c, cfg, "'configuration' must be an object, found %s", tm_node_kind_name(cfg));
    if (c->errors)
        return;
    S_index_config(c, S_get(cfg, "root_module"), "", 0);

    /* Roles, config and ids in address order (ids get stable suffixes). */
    S_arr sorted = {0};
    for (size_t i = 0; i < c->res.n; i++)
        S_push(c->a, &sorted, c->res.v[i]);
    if (sorted.n > 1)
        qsort(sorted.v, sorted.n, sizeof *sorted.v, S_cmp_res_addr);
    S_arr unmapped = {0};
    /* The account: data.aws_caller_identity says it, else the first ARN. */
    for (size_t i = 0; i < sorted.n && !c->account; i++) {
        S_res *r = sorted.v[i];
        const char *acct = r->data && strcmp(r->type, "aws_caller_identity") == 0
                               ? S_str(r->values, "account_id")
                               : NULL;
        if (acct && strlen(acct) == 12 && strspn(acct, "0123456789") == 12)
            c->account = acct;
    }
    for (size_t i = 0; i < sorted.n; i++) {
        S_res *r = sorted.v[i];
        r->cfg = tm_map_get(c->cfg_res, tm_arena_printf(c->a, "%s|%s", r->modcfg, r->cfglocal));
        if (r->data)
            continue;
        const char *et = S_element_type(r->type);
        if (et) {
            r->role = S_ELEMENT;
            r->etype = et;
            if (strcmp(r->type, "aws_cloudwatch_event_rule") == 0 &&
                (S_str(r->values, "schedule_expression") || S_is_set(r, "schedule_expression")))
                r->etype = "aws.schedule";
        } else if (strcmp(r->type, "aws_iam_role") == 0 || strcmp(r->type, "aws_iam_user") == 0) {
            r->role = S_IDENTITY;
        } else if (!S_is_consumed(r->type)) {
            S_push_str_uniq(c->a, &unmapped, r->type);
        }
        if (r->role != S_OTHER)
            r->id = S_make_id(c, r->addr, r);
        r->arn = S_str(r->values, "arn");
        if (!r->arn && r->role != S_OTHER)
            S_synth_arn(c, r);
        if (r->role != S_OTHER)
            S_arn_prepare(c, r);
        if (r->arn && !c->account) {
            S_arnparts p;
            if (S_arn_split(c->a, r->arn, &p) && strlen(p.account) == 12 &&
                strspn(p.account, "0123456789") == 12)
                c->account = p.account;
        }
    }
    /* Known values that other resources use to name these. */
    static const char *const keys[] = {"arn",           "id",          "name",
                                       "bucket",        "function_name", "url",
                                       "execution_arn", "invoke_arn",  "qualified_arn",
                                       "stream_arn",    "qualified_invoke_arn"};
    for (size_t i = 0; i < sorted.n; i++) {
        S_res *r = sorted.v[i];
        if (r->data)
            continue;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            S_index_value(c, S_str(r->values, keys[k]), r);
    }

    /* Identities first: functions' flows and props need their statements. */
    S_identity_statements(c);
    if (c->errors)
        return;
    for (size_t i = 0; i < sorted.n; i++) {
        S_res *r = sorted.v[i];
        if (r->role != S_ELEMENT)
            continue;
        if (strcmp(r->etype, "aws.lambda") == 0) {
            S_res *role = S_target(c, r, "role", S_T_ROLE);
            r->identity = role && role->role == S_IDENTITY ? role : NULL;
            S_lambda_props(c, r);
        } else if (strcmp(r->etype, "aws.s3") == 0) {
            S_s3_props(c, r);
        } else if (strcmp(r->etype, "aws.sqs") == 0) {
            S_sqs_props(c, r);
        } else if (strcmp(r->etype, "aws.sns") == 0) {
            S_sns_props(c, r);
        } else if (strcmp(r->etype, "aws.dynamodb") == 0) {
            S_dynamodb_props(c, r);
        } else if (strcmp(r->etype, "aws.cognito") == 0) {
            S_cognito_props(c, r);
        } else {
            if (strcmp(r->type, "aws_sfn_state_machine") == 0) {
                S_res *role = S_target(c, r, "role_arn", S_T_ROLE);
                r->identity = role && role->role == S_IDENTITY ? role : NULL;
            }
            S_misc_props(c, r);
        }
    }
    for (size_t i = 0; i < sorted.n; i++) {
        S_res *r = sorted.v[i];
        if (r->data)
            continue;
        const char *t = r->type;
        if (strcmp(t, "aws_lambda_event_source_mapping") == 0)
            S_esm(c, r);
        else if (strcmp(t, "aws_s3_bucket_notification") == 0)
            S_notification(c, r);
        else if (strcmp(t, "aws_sns_topic_subscription") == 0)
            S_subscription(c, r);
        else if (strcmp(t, "aws_api_gateway_method") == 0)
            S_rest_method(c, r);
        else if (strcmp(t, "aws_api_gateway_integration") == 0)
            S_rest_integration(c, r);
        else if (strcmp(t, "aws_apigatewayv2_route") == 0)
            S_v2_route(c, r);
        else if (strcmp(t, "aws_lambda_permission") == 0)
            S_permission(c, r);
        else if (strcmp(t, "aws_lambda_function_url") == 0)
            S_function_url(c, r);
        else if (strcmp(t, "aws_cloudwatch_event_target") == 0)
            S_event_target(c, r);
        else if (strcmp(t, "aws_scheduler_schedule") == 0)
            S_schedule(c, r);
        else
            S_aux(c, r);
    }
    /* Public entry points: APIs that are not private, user pools. */
    for (size_t i = 0; i < sorted.n; i++) {
        S_res *r = sorted.v[i];
        if (r->role != S_ELEMENT)
            continue;
        if (strcmp(r->etype, "aws.apigateway") == 0) {
            const tm_node *ep = S_prop_get(r, "endpoint_type");
            if (ep && strcmp(ep->text, "private") == 0)
                continue;
            S_flow *f = S_flow_add(c, S_users(c), r, "API requests", "https", 0);
            const tm_node *au = S_prop_get(r, "authorizer");
            if (f) {
                f->encrypted = 1;
                if (au)
                    f->authenticated = strcmp(au->text, "none") != 0 &&
                                       strcmp(au->text, "api-key") != 0;
            }
        } else if (strcmp(r->type, "aws_cognito_user_pool") == 0) {
            S_flow *f = S_flow_add(c, S_users(c), r, "sign-up and sign-in", "https", 0);
            if (f)
                f->encrypted = 1;
        } else if (strcmp(r->etype, "aws.s3") == 0) {
            const tm_node *pr = S_prop_get(r, "public_read");
            const tm_node *web = S_prop_get(r, "website");
            if ((pr && pr->bval) || (web && web->bval)) {
                S_flow *f = S_flow_add(c, r, S_users(c), web && web->bval ? "website" : "public objects",
                                       web && web->bval ? "http" : "https", 0);
                if (f) {
                    f->authenticated = 0;
                    if (web && web->bval)
                        f->encrypted = 0;
                }
            }
        }
    }
    S_iam_flows(c);
    /* Functions' log groups. */
    for (size_t i = 0; i < sorted.n; i++) {
        S_res *lg = sorted.v[i];
        const char *n = lg->role == S_ELEMENT && strcmp(lg->type, "aws_cloudwatch_log_group") == 0
                            ? S_str(lg->values, "name")
                            : NULL;
        if (!n || !S_starts(n, "/aws/lambda/"))
            continue;
        for (size_t k = 0; k < sorted.n; k++) {
            S_res *fn = sorted.v[k];
            const char *fname = fn->role == S_ELEMENT && strcmp(fn->type, "aws_lambda_function") == 0
                                    ? S_str(fn->values, "function_name")
                                    : NULL;
            if (fname && strcmp(fname, n + strlen("/aws/lambda/")) == 0)
                S_flow_add(c, fn, lg, "function logs", "aws-api", 0);
        }
    }

    if (unmapped.n) {
        S_sort_strs(&unmapped);
        tm_buf b;
        tm_buf_init(&b, 1u << 20);
        tm_buf_puts(&b, "Resources of these types are in the Terraform input but not in the "
                        "model (no element type for them): ");
        for (size_t i = 0; i < unmapped.n; i++)
            tm_buf_printf(&b, "%s%s", i ? ", " : "", (const char *)unmapped.v[i]);
        tm_buf_putc(&b, '.');
        S_push(c->a, &c->assumptions, tm_arena_strdup(c->a, b.data));
        tm_buf_free(&b);
    }
    if (!c->is_state)
        S_push(c->a, &c->assumptions,
               "Values Terraform only knows after apply (ARNs, ids, some policies) were "
               "resolved through the configuration's references; import the state "
               "(terraform show -json) after apply for the complete picture.");
}

tm_node *tm_import_terraform(tm_arena *arena, const tm_node *root, const char *file, tm_diags *d)
{
    S_ctx c;
    memset(&c, 0, sizeof c);
    c.a = arena;
    c.file = file;
    c.d = d;
    c.by_addr = tm_map_new(64);
    c.by_local = tm_map_new(64);
    c.by_value = tm_map_new(256);
    c.cfg_mod = tm_map_new(8);
    c.cfg_res = tm_map_new(64);
    c.ids = tm_map_new(64);
    c.flow_map = tm_map_new(64);
    c.modinst_set = tm_map_new(8);
    /* Ids the importer writes itself: no resource may take them. */
    static const char *const reserved[] = {"internet", "aws-account"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        tm_map_put(c.ids, reserved[i], (void *)reserved[i]);
    tm_node *out = NULL;
    if (root)
        S_import(&c, root);
    else
        S_err(&c, NULL, "no document to import");
    if (!c.errors)
        out = S_emit(&c);
    tm_map_free(c.by_addr);
    tm_map_free(c.by_local);
    tm_map_free(c.by_value);
    tm_map_free(c.cfg_mod);
    tm_map_free(c.cfg_res);
    tm_map_free(c.ids);
    tm_map_free(c.flow_map);
    tm_map_free(c.modinst_set);
    return out;
}
