/*
 * Importer from the Serverless Framework (serverless.yml, provider aws).
 *
 * The file is read in three passes:
 *   1. variables: a copy of the tree with `${self:...}`, `${sls:stage}`,
 *      `${opt:x, 'fallback'}`, `${env:X, 'fallback'}` and `${aws:region}`
 *      resolved where the value is in the file; every other variable
 *      (ssm, file, cf, s3, param, plugins' sources) stays as text. Bad syntax
 *      is an error naming the scalar's file:line:col.
 *   2. mapping: `resources.Resources` (elements for the resources events and
 *      policies refer to), the provider (role, tracing, logs, API Gateway
 *      settings, environment), each function and each of its events, the
 *      plugins; `tm_import_cloudformation` on `resources` adds what it knows
 *      about the CloudFormation part, merged by logical id.
 *   3. assembly: the model tree in MODEL.md's shape, ids unique, elements in
 *      a stable order (clients, APIs, functions, the rest in file order).
 *      The file itself becomes a deployment-script artifact in `stridec
 *      import` (src/cli/import.c), which knows where the model is written.
 *
 * Only facts the file states become props (share/stridec/doc/props.md);
 * the Serverless Framework's own behaviour counts as stated where it is
 * fixed (a function gets a log group and log permissions unless
 * `disableLogs`; API Gateway endpoints speak HTTPS only).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/import.h"

#ifndef TM_SLS_MAX_VAR_DEPTH
#define TM_SLS_MAX_VAR_DEPTH 16 /* `${}` references followed through one another */
#endif
#ifndef TM_SLS_MAX_VAR_WORK
#define TM_SLS_MAX_VAR_WORK 200000 /* variables evaluated + nodes copied for them */
#endif
#ifndef TM_SLS_MAX_VAR_TEXT
#define TM_SLS_MAX_VAR_TEXT 65536 /* bytes of one string after substitution */
#endif
#define S_MAX_ID 64

/* ================================================================ context */

typedef struct S_elem {
    const char *id, *type, *name, *description;
    const char *boundary;
    const char *identity;
    const char *origin;
    const char *aws_name; /* bucket/queue/topic/table name, for ARNs and env values */
    const char *logical;  /* CloudFormation logical id when known */
    int rank;             /* 0 clients, 1 APIs, 2 functions, 3 the rest */
    size_t seq;
    tm_node *props;
    tm_node *data;      /* ids of data assets it holds */
    const tm_node *raw; /* an element taken from the CloudFormation import */
} S_elem;

typedef struct {
    const char *id, *name, *description;
    const char *logical;
    int from_resources; /* defined in resources.Resources (replaced by the CFN import's) */
    tm_node *statements;
    const tm_node *src[4]; /* the statement lists they came from (for flows) */
    int nsrc;
    const tm_node *raw;
    int used;
} S_ident;

typedef struct {
    const char *id, *from, *to, *name, *protocol, *authz;
    long long port;
    int trigger, auth, enc; /* -1 unstated */
    tm_node *props, *data;
    tm_buf *actions; /* IAM flows: the actions named so far */
    const tm_node *raw;
} S_flow;

typedef struct {
    tm_arena *a;
    const char *file;
    tm_diags *d;
    const tm_node *src; /* the file as written */
    tm_node *root;      /* after variable resolution */
    int failed;
    size_t work;
    int stage_busy;
    const char *stage, *region, *service;
    tm_map *ids;   /* every id claimed */
    tm_map *next;  /* "base\nsep" -> the next number to try */
    tm_map *keys;  /* "kind:name" -> S_elem */
    tm_map *pairs; /* "from\nto" -> S_flow (IAM and env flows) */
    tm_vec elems, idents, flows, artifacts, data, assumptions;
    const tm_node *resources; /* resolved resources.Resources */
    S_elem *client, *rest_api, *http_api, *ws_api;
    S_ident *provider_role;
    int rest_auth, http_auth, ws_auth; /* weakest route authorizer so far, -1 none seen */
    int rest_routes, rest_validated;
} S_ctx;

static void S_error(S_ctx *c, const tm_node *at, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_error(S_ctx *c, const tm_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_ERROR, "import", c->file, at ? at->line : 0, at ? at->col : 0, fmt,
                 ap);
    va_end(ap);
    c->failed = 1;
}

/* ============================================================ tree helpers */

static tm_node *S_str(S_ctx *c, const char *s) { return tm_node_string(c->a, s); }

static tm_node *S_map(S_ctx *c) { return tm_node_new(c->a, TM_NODE_MAP, c->file, 0, 0); }

static tm_node *S_list(S_ctx *c) { return tm_node_new(c->a, TM_NODE_LIST, c->file, 0, 0); }

static void S_put(S_ctx *c, tm_node *map, const char *key, tm_node *v)
{
    tm_node_map_put(c->a, map, key, 0, 0, v);
}

/* Set map[key] = v, replacing an earlier value. */
static void S_set(S_ctx *c, tm_node *map, const char *key, tm_node *v)
{
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->pairs[i].key, key) == 0) {
            map->pairs[i].value = v;
            return;
        }
    S_put(c, map, key, v);
}

static const tm_node *S_get(const tm_node *map, const char *key)
{
    return map && map->kind == TM_NODE_MAP ? tm_node_get(map, key) : NULL;
}

/* Text of a non-null scalar, else NULL. */
static const char *S_text(const tm_node *n)
{
    if (!n || n->kind != TM_NODE_SCALAR || n->stype == TM_SCALAR_NULL)
        return NULL;
    return n->text;
}

static int S_is_true(const tm_node *n)
{
    if (!n || n->kind != TM_NODE_SCALAR)
        return 0;
    if (n->stype == TM_SCALAR_BOOL)
        return n->bval;
    return n->stype != TM_SCALAR_NULL && (strcmp(n->text, "true") == 0 || strcmp(n->text, "True") == 0);
}

static int S_is_false(const tm_node *n)
{
    if (!n || n->kind != TM_NODE_SCALAR)
        return 0;
    if (n->stype == TM_SCALAR_BOOL)
        return !n->bval;
    return strcmp(n->text, "false") == 0 || strcmp(n->text, "False") == 0;
}

/* An integer scalar (or a string of digits), into *v. */
static int S_int(const tm_node *n, long long *v)
{
    if (!n || n->kind != TM_NODE_SCALAR)
        return 0;
    if (n->stype == TM_SCALAR_INT) {
        *v = n->ival;
        return 1;
    }
    if (n->stype != TM_SCALAR_STRING || !n->text[0] || n->len > 12)
        return 0;
    long long x = 0;
    for (const char *p = n->text; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        x = x * 10 + (*p - '0');
    }
    *v = x;
    return 1;
}

static int S_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static int S_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "a map", "a list", "an integer", "null", ... for messages. */
static const char *S_kind(const tm_node *n)
{
    const char *k = tm_node_kind_name(n);
    if (strcmp(k, "integer") == 0)
        return "an integer";
    if (strcmp(k, "null") == 0 || strcmp(k, "nothing") == 0)
        return k;
    static const char *const with_a[] = {"map", "list", "boolean", "number", "string"};
    static const char *const named[] = {"a map", "a list", "a boolean", "a number", "a string"};
    for (size_t i = 0; i < sizeof with_a / sizeof with_a[0]; i++)
        if (strcmp(k, with_a[i]) == 0)
            return named[i];
    return k;
}

/* ================================================================== ids */

/* A valid id (MODEL.md: [A-Za-z0-9][A-Za-z0-9_.-]*) made from any text. */
static const char *S_slug(S_ctx *c, const char *text)
{
    char buf[S_MAX_ID + 1];
    size_t n = 0;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p && n < S_MAX_ID; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '_' || *p == '.' || *p == '-';
        if (ok && !(n == 0 && (*p == '_' || *p == '.' || *p == '-'))) {
            if (*p == '-' && dash)
                continue;
            buf[n++] = (char)*p;
            dash = *p == '-';
        } else if (n && !dash) {
            buf[n++] = '-';
            dash = 1;
        }
    }
    while (n && (buf[n - 1] == '-' || buf[n - 1] == '.' || buf[n - 1] == '_'))
        n--;
    if (!n)
        return "unnamed";
    return tm_arena_strndup(c->a, buf, n);
}

/* The CloudFormation importer's ids for logical ids, kept the same here:
 * "SqsHandlerFunction" -> "sqs-handler-function", "HTTPApi" -> "http-api". */
static const char *S_kebab(S_ctx *c, const char *logical)
{
    tm_buf b;
    tm_buf_init(&b, 4096);
    size_t n = strlen(logical);
    for (size_t i = 0; i < n; i++) {
        char ch = logical[i];
        int up = ch >= 'A' && ch <= 'Z';
        if (up && i > 0) {
            char prev = logical[i - 1], next = logical[i + 1];
            int plow = prev >= 'a' && prev <= 'z', pdig = prev >= '0' && prev <= '9';
            int pup = prev >= 'A' && prev <= 'Z', nlow = next >= 'a' && next <= 'z';
            if (plow || pdig || (pup && nlow))
                tm_buf_putc(&b, '-');
        }
        tm_buf_putc(&b, up ? (char)(ch + 32) : ch);
    }
    const char *r = S_slug(c, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

static int S_taken(S_ctx *c, const char *id) { return tm_map_get(c->ids, id) != NULL; }

/* base, else base + sep + 2, 3, ...: the next number is remembered per
 * base, so that many repeats stay linear. */
static const char *S_claim_sep(S_ctx *c, const char *base, const char *sep)
{
    const char *id = base;
    if (S_taken(c, id)) {
        const char *key = tm_arena_printf(c->a, "%s\n%s", base, sep);
        uintptr_t k = (uintptr_t)tm_map_get(c->next, key);
        if (k < 2)
            k = 2;
        do
            id = tm_arena_printf(c->a, "%s%s%u", base, sep, (unsigned)k++);
        while (S_taken(c, id));
        tm_map_put(c->next, key, (void *)k);
    }
    tm_map_put(c->ids, id, (void *)1);
    return id;
}

static const char *S_claim(S_ctx *c, const char *base) { return S_claim_sep(c, base, "-"); }

/* ============================================================ variables */

static tm_node *S_resolve(S_ctx *c, const tm_node *n, int depth);

/* Sentinel: the variable cannot be resolved from the file (keep the text).
 * Only its address is used; it is never read or written. */
static tm_node S_unresolved;

static int S_spend(S_ctx *c, const tm_node *at)
{
    if (c->failed)
        return 0;
    if (++c->work > TM_SLS_MAX_VAR_WORK) {
        S_error(c, at, "too many `${}` variable expansions (more than %d): cyclic or exploding references",
                TM_SLS_MAX_VAR_WORK);
        return 0;
    }
    return 1;
}

/* Scalar node with `at`'s position. */
static tm_node *S_scalar_at(S_ctx *c, const tm_node *at, tm_scalar_type t, const char *s, size_t len)
{
    tm_node *n = tm_node_new(c->a, TM_NODE_SCALAR, at->file, at->line, at->col);
    n->stype = t;
    n->text = tm_arena_strndup(c->a, s, len);
    n->len = len;
    return n;
}

/* `${self:a.b.c}`: the node at that path of the file, or NULL. */
static const tm_node *S_lookup(const tm_node *root, const char *path)
{
    const tm_node *n = root;
    const char *p = path;
    while (*p && n) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (n->kind == TM_NODE_MAP) {
            const tm_node *next = NULL;
            for (size_t i = 0; i < n->n; i++)
                if (strlen(n->pairs[i].key) == len && strncmp(n->pairs[i].key, p, len) == 0) {
                    next = n->pairs[i].value;
                    break;
                }
            n = next;
        } else if (n->kind == TM_NODE_LIST) {
            size_t idx = 0, k;
            for (k = 0; k < len && p[k] >= '0' && p[k] <= '9' && idx < 1000000; k++)
                idx = idx * 10 + (size_t)(p[k] - '0');
            n = (k == len && len && idx < n->n) ? n->items[idx] : NULL;
        } else {
            n = NULL;
        }
        p += len;
        if (*p == '.')
            p++;
    }
    return n;
}

static void S_trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\n' ||
                    (*s)[*len - 1] == '\r'))
        (*len)--;
}

static tm_node *S_stage_node(S_ctx *c, const tm_node *at);

/* One candidate of a variable (its address or one fallback). Returns a node,
 * &S_unresolved (keep the variable as text), NULL after an error, or sets
 * *next to try the next fallback. */
static tm_node *S_eval_one(S_ctx *c, const tm_node *at, const char *s, size_t len, int depth,
                           const char *whole, int *next)
{
    *next = 0;
    S_trim(&s, &len);
    if (!len) {
        S_error(c, at, "empty address or fallback in `${%s}`", whole);
        return NULL;
    }
    if (s[0] == '\'' || s[0] == '"') {
        if (len < 2 || s[len - 1] != s[0]) {
            S_error(c, at, "unterminated quote in `${%s}`", whole);
            return NULL;
        }
        return S_scalar_at(c, at, TM_SCALAR_STRING, s + 1, len - 2);
    }
    int numeric = 1;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (i == 0 && s[i] == '-' && len > 1)))
            numeric = 0;
    if (numeric) {
        tm_node *n = S_scalar_at(c, at, TM_SCALAR_INT, s, len);
        n->ival = strtoll(n->text, NULL, 10);
        return n;
    }
    if ((len == 4 && strncmp(s, "true", 4) == 0) || (len == 5 && strncmp(s, "false", 5) == 0)) {
        tm_node *n = S_scalar_at(c, at, TM_SCALAR_BOOL, s, len);
        n->bval = s[0] == 't';
        return n;
    }
    if (len == 4 && strncmp(s, "null", 4) == 0)
        return S_scalar_at(c, at, TM_SCALAR_NULL, s, len);
    /* source[(params)]:address */
    size_t k = 0;
    while (k < len && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                       (s[k] >= '0' && s[k] <= '9') || s[k] == '_' || s[k] == '-'))
        k++;
    if (k == 0 || k == len || (s[k] != ':' && s[k] != '(')) {
        S_error(c, at,
                "`${%s}`: '%.*s' is neither a variable (source:address) nor a quoted value",
                whole, (int)(len > 60 ? 60 : len), s);
        return NULL;
    }
    const char *src = tm_arena_strndup(c->a, s, k);
    size_t at_addr = k;
    if (s[k] == '(') {
        const char *close = memchr(s + k, ')', len - k);
        if (!close) {
            S_error(c, at, "`${%s}`: missing ')' after the parameters of '%s'", whole, src);
            return NULL;
        }
        at_addr = (size_t)(close - s) + 1;
        if (at_addr < len && s[at_addr] != ':') {
            S_error(c, at, "`${%s}`: expected ':' after '%s(...)'", whole, src);
            return NULL;
        }
    }
    const char *addr = at_addr < len ? s + at_addr + 1 : s + len;
    size_t alen = at_addr < len ? len - at_addr - 1 : 0;
    S_trim(&addr, &alen);
    const char *address = tm_arena_strndup(c->a, addr, alen);
    if (strcmp(src, "self") == 0) {
        if (strcmp(address, "service") == 0 && c->service)
            return S_scalar_at(c, at, TM_SCALAR_STRING, c->service, strlen(c->service));
        if (strcmp(address, "provider.stage") == 0)
            return S_stage_node(c, at);
        const tm_node *target = S_lookup(c->src, address);
        if (!target && strcmp(address, "provider.region") == 0)
            return S_scalar_at(c, at, TM_SCALAR_STRING, "us-east-1", 9);
        if (!target) {
            *next = 1;
            return NULL;
        }
        return S_resolve(c, target, depth + 1);
    }
    if (strcmp(src, "sls") == 0) {
        if (strcmp(address, "stage") == 0)
            return S_stage_node(c, at);
        return &S_unresolved;
    }
    if (strcmp(src, "aws") == 0 && strcmp(address, "region") == 0) {
        const tm_node *r = S_lookup(c->src, "provider.region");
        if (!r)
            return S_scalar_at(c, at, TM_SCALAR_STRING, "us-east-1", 9);
        return S_resolve(c, r, depth + 1);
    }
    if (strcmp(src, "opt") == 0 || strcmp(src, "env") == 0) {
        /* Given at deploy time: the file's fallback is the value it states. */
        *next = 2;
        return NULL;
    }
    return &S_unresolved;
}

/* Split the variable's text at top-level commas (outside quotes and
 * parentheses) and evaluate the address, then each fallback in turn. */
static tm_node *S_eval_var(S_ctx *c, const tm_node *at, const char *expr, int depth)
{
    if (!S_spend(c, at))
        return NULL;
    size_t len = strlen(expr);
    size_t start = 0;
    char quote = 0;
    int paren = 0;
    int missing_self = 0;
    for (size_t i = 0; i <= len; i++) {
        char ch = i < len ? expr[i] : ',';
        if (quote) {
            if (ch == quote)
                quote = 0;
            if (i < len)
                continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            continue;
        }
        if (ch == '(')
            paren++;
        else if (ch == ')' && paren)
            paren--;
        if (ch != ',' || (paren && i < len))
            continue;
        if (quote) {
            S_error(c, at, "unterminated quote in `${%s}`", expr);
            return NULL;
        }
        int next = 0;
        tm_node *v = S_eval_one(c, at, expr + start, i - start, depth, expr, &next);
        if (c->failed)
            return NULL;
        if (!next)
            return v;
        if (next == 1)
            missing_self = 1;
        start = i + 1;
    }
    if (missing_self) {
        S_error(c, at, "`${%s}`: the file has no value at that address", expr);
        return NULL;
    }
    return &S_unresolved;
}

/* Expand every `${...}` in s[0..len). A string that is exactly one variable
 * becomes that variable's value (any node); otherwise the values are
 * substituted as text. */
static tm_node *S_expand(S_ctx *c, const tm_node *at, const char *s, size_t len, int depth)
{
    if (depth > TM_SLS_MAX_VAR_DEPTH) {
        S_error(c, at, "`${}` variables nested more than %d deep (a reference cycle?)",
                TM_SLS_MAX_VAR_DEPTH);
        return NULL;
    }
    tm_buf out;
    tm_buf_init(&out, TM_SLS_MAX_VAR_TEXT);
    size_t i = 0;
    int changed = 0;
    tm_node *result = NULL;
    while (i < len) {
        const char *hit = NULL;
        for (size_t k = i; k + 1 < len; k++)
            if (s[k] == '$' && s[k + 1] == '{') {
                hit = s + k;
                break;
            }
        if (!hit) {
            tm_buf_put(&out, s + i, len - i);
            break;
        }
        size_t open = (size_t)(hit - s);
        tm_buf_put(&out, s + i, open - i);
        size_t j = open + 2;
        int nest = 1;
        while (j < len) {
            if (s[j] == '{')
                nest++;
            else if (s[j] == '}' && --nest == 0)
                break;
            j++;
        }
        if (j >= len) {
            S_error(c, at, "unterminated `${` (no closing '}') in '%.*s'", (int)(len > 80 ? 80 : len), s);
            goto fail;
        }
        const char *inner = s + open + 2;
        size_t ilen = j - open - 2;
        int has_colon = 0;
        for (size_t k = 0; k < ilen; k++)
            if (inner[k] == ':' || inner[k] == '(')
                has_colon = 1;
        if (ilen == 0 || (ilen == 1 && inner[0] == ' ')) {
            S_error(c, at, "empty variable `${}`");
            goto fail;
        }
        if (!has_colon || strncmp(inner, "AWS::", 5) == 0 || inner[0] == '!') {
            /* Not a Serverless variable: Fn::Sub's ${Name}, ${AWS::Region}, ${!Literal}. */
            tm_buf_put(&out, hit, ilen + 3);
            i = j + 1;
            continue;
        }
        /* Nested variables in the address first. */
        tm_node *in = S_expand(c, at, inner, ilen, depth + 1);
        if (!in)
            goto fail;
        if (in->kind != TM_NODE_SCALAR) {
            S_error(c, at, "a `${}` inside another variable's address must give text, not %s",
                    S_kind(in));
            goto fail;
        }
        tm_node *v = S_eval_var(c, at, in->text, depth);
        if (!v)
            goto fail;
        int whole = open == 0 && j + 1 == len;
        if (v == &S_unresolved) {
            tm_buf_put(&out, hit, j + 1 - open);
        } else if (whole) {
            result = v;
        } else if (v->kind != TM_NODE_SCALAR) {
            S_error(c, at, "`${%s}` is %s and cannot be part of a string", in->text, S_kind(v));
            goto fail;
        } else {
            tm_buf_put(&out, v->text, v->len);
            changed = 1;
        }
        i = j + 1;
    }
    if (out.failed) {
        S_error(c, at, "a string grows past %d bytes after `${}` substitution", TM_SLS_MAX_VAR_TEXT);
        goto fail;
    }
    if (!result) {
        if (!changed && len == out.len && memcmp(s, out.data ? out.data : "", len) == 0 &&
            at->kind == TM_NODE_SCALAR && at->text == s) {
            tm_buf_free(&out);
            return (tm_node *)at;
        }
        result = S_scalar_at(c, at, TM_SCALAR_STRING, out.data ? out.data : "", out.len);
    }
    tm_buf_free(&out);
    return result;
fail:
    tm_buf_free(&out);
    return NULL;
}

/* The stage: provider.stage resolved (the Serverless default is "dev"). */
static tm_node *S_stage_node(S_ctx *c, const tm_node *at)
{
    if (c->stage)
        return S_scalar_at(c, at, TM_SCALAR_STRING, c->stage, strlen(c->stage));
    if (c->stage_busy)
        return &S_unresolved;
    const tm_node *p = S_lookup(c->src, "provider.stage");
    if (!p)
        return S_scalar_at(c, at, TM_SCALAR_STRING, "dev", 3);
    c->stage_busy = 1;
    tm_node *v = S_resolve(c, p, 1);
    c->stage_busy = 0;
    return v;
}

static tm_node *S_resolve(S_ctx *c, const tm_node *n, int depth)
{
    if (c->failed || !n)
        return NULL;
    if (depth > 0 && !S_spend(c, n))
        return NULL;
    if (depth > TM_SLS_MAX_VAR_DEPTH) {
        S_error(c, n, "`${}` variables nested more than %d deep (a reference cycle?)",
                TM_SLS_MAX_VAR_DEPTH);
        return NULL;
    }
    if (n->kind == TM_NODE_SCALAR) {
        if ((n->stype != TM_SCALAR_STRING && n->stype != TM_SCALAR_TEXT) || !strstr(n->text, "${"))
            return (tm_node *)n;
        return S_expand(c, n, n->text, n->len, depth);
    }
    tm_node *copy = NULL;
    for (size_t i = 0; i < n->n; i++) {
        const tm_node *child = n->kind == TM_NODE_MAP ? n->pairs[i].value : n->items[i];
        tm_node *r = S_resolve(c, child, depth);
        if (!r)
            return NULL;
        if (r != child && !copy) {
            copy = tm_node_new(c->a, n->kind, n->file, n->line, n->col);
            for (size_t k = 0; k < i; k++) {
                if (n->kind == TM_NODE_MAP)
                    tm_node_map_put(c->a, copy, n->pairs[k].key, n->pairs[k].line, n->pairs[k].col,
                                    n->pairs[k].value);
                else
                    tm_node_list_push(c->a, copy, n->items[k]);
            }
        }
        if (copy) {
            if (n->kind == TM_NODE_MAP)
                tm_node_map_put(c->a, copy, n->pairs[i].key, n->pairs[i].line, n->pairs[i].col, r);
            else
                tm_node_list_push(c->a, copy, r);
        }
    }
    return copy ? copy : (tm_node *)n;
}

/* ============================================================ intrinsics */

/* CloudFormation intrinsic functions as text: Ref X -> "${X}", GetAtt X.A ->
 * "${X.A}", Join and Sub as the string they build. */
static void S_render_into(S_ctx *c, const tm_node *n, tm_buf *b, int depth)
{
    if (!n || depth > 16)
        return;
    if (n->kind == TM_NODE_SCALAR) {
        if (n->stype != TM_SCALAR_NULL)
            tm_buf_put(b, n->text, n->len);
        return;
    }
    if (n->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                tm_buf_putc(b, ',');
            S_render_into(c, n->items[i], b, depth + 1);
        }
        return;
    }
    if (n->n != 1) {
        tm_buf_puts(b, "{...}");
        return;
    }
    const char *k = n->pairs[0].key;
    const tm_node *v = n->pairs[0].value;
    if (strcmp(k, "Ref") == 0 && S_text(v)) {
        tm_buf_printf(b, "${%s}", v->text);
    } else if (strcmp(k, "Fn::GetAtt") == 0) {
        tm_buf_puts(b, "${");
        if (v->kind == TM_NODE_LIST) {
            for (size_t i = 0; i < v->n; i++) {
                if (i)
                    tm_buf_putc(b, '.');
                S_render_into(c, v->items[i], b, depth + 1);
            }
        } else {
            S_render_into(c, v, b, depth + 1);
        }
        tm_buf_putc(b, '}');
    } else if (strcmp(k, "Fn::Join") == 0 && v->kind == TM_NODE_LIST && v->n == 2 &&
               v->items[1]->kind == TM_NODE_LIST) {
        const char *sep = S_text(v->items[0]) ? v->items[0]->text : "";
        for (size_t i = 0; i < v->items[1]->n; i++) {
            if (i)
                tm_buf_puts(b, sep);
            S_render_into(c, v->items[1]->items[i], b, depth + 1);
        }
    } else if (strcmp(k, "Fn::Sub") == 0) {
        S_render_into(c, v->kind == TM_NODE_LIST && v->n ? v->items[0] : v, b, depth + 1);
    } else if (strcmp(k, "Fn::ImportValue") == 0) {
        tm_buf_puts(b, "${ImportValue:");
        S_render_into(c, v, b, depth + 1);
        tm_buf_putc(b, '}');
    } else {
        tm_buf_printf(b, "${%s}", k);
    }
}

static const char *S_render(S_ctx *c, const tm_node *n)
{
    tm_buf b;
    tm_buf_init(&b, 4096);
    S_render_into(c, n, &b, 0);
    const char *s = tm_arena_strdup(c->a, b.data ? b.data : "");
    tm_buf_free(&b);
    return s;
}

/* Logical ids an intrinsic refers to (Ref, GetAtt, ${X} in Sub), in order. */
static void S_refs(const tm_node *n, tm_vec *out, tm_arena *a, int depth)
{
    if (!n || depth > 16)
        return;
    if (n->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < n->n; i++)
            S_refs(n->items[i], out, a, depth + 1);
        return;
    }
    if (n->kind != TM_NODE_MAP)
        return;
    if (n->n == 1) {
        const char *k = n->pairs[0].key;
        const tm_node *v = n->pairs[0].value;
        if (strcmp(k, "Ref") == 0 && S_text(v)) {
            tm_vec_push(out, (void *)v->text);
            return;
        }
        if (strcmp(k, "Fn::GetAtt") == 0) {
            if (v->kind == TM_NODE_LIST && v->n && S_text(v->items[0])) {
                tm_vec_push(out, (void *)v->items[0]->text);
            } else if (S_text(v)) {
                const char *dot = strchr(v->text, '.');
                tm_vec_push(out, dot ? tm_arena_strndup(a, v->text, (size_t)(dot - v->text))
                                     : (void *)v->text);
            }
            return;
        }
        if (strcmp(k, "Fn::Sub") == 0) {
            const tm_node *s = v->kind == TM_NODE_LIST && v->n ? v->items[0] : v;
            const char *t = S_text(s);
            while (t && (t = strstr(t, "${")) != NULL) {
                const char *end = strchr(t, '}');
                if (!end)
                    break;
                size_t len = (size_t)(end - t - 2);
                const char *dot = memchr(t + 2, '.', len);
                if (dot)
                    len = (size_t)(dot - t - 2);
                if (len && t[2] != '!' && strncmp(t + 2, "AWS::", 5) != 0)
                    tm_vec_push(out, tm_arena_strndup(a, t + 2, len));
                t = end;
            }
            return;
        }
    }
    for (size_t i = 0; i < n->n; i++)
        S_refs(n->pairs[i].value, out, a, depth + 1);
}

/* ============================================================ elements */

static S_elem *S_find(S_ctx *c, const char *key) { return tm_map_get(c->keys, key); }

static void S_key(S_ctx *c, S_elem *e, const char *kind, const char *name)
{
    const char *k = tm_arena_printf(c->a, "%s:%s", kind, name);
    if (!tm_map_get(c->keys, k))
        tm_map_put(c->keys, k, e);
}

static S_elem *S_elem_new(S_ctx *c, const char *base_id, const char *type, const char *name,
                          const char *boundary, int rank)
{
    S_elem *e = tm_arena_alloc(c->a, sizeof *e);
    e->id = S_claim(c, S_slug(c, base_id));
    e->type = type;
    e->name = name;
    e->boundary = boundary;
    e->rank = rank;
    e->seq = c->elems.len;
    tm_vec_push(&c->elems, e);
    return e;
}

static tm_node *S_props(S_ctx *c, S_elem *e)
{
    if (!e->props)
        e->props = S_map(c);
    return e->props;
}

static void S_prop_bool(S_ctx *c, S_elem *e, const char *k, int v) { S_set(c, S_props(c, e), k, tm_node_bool(c->a, v)); }
static void S_prop_int(S_ctx *c, S_elem *e, const char *k, long long v) { S_set(c, S_props(c, e), k, tm_node_int(c->a, v)); }
static void S_prop_str(S_ctx *c, S_elem *e, const char *k, const char *v) { S_set(c, S_props(c, e), k, S_str(c, v)); }

/* Append v to the list prop k unless it is there. */
static void S_prop_add(S_ctx *c, tm_node *props, const char *k, const char *v)
{
    tm_node *l = tm_node_get(props, k);
    if (!l || l->kind != TM_NODE_LIST) {
        l = S_list(c);
        S_set(c, props, k, l);
    }
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i]->text, v) == 0)
            return;
    tm_node_list_push(c->a, l, S_str(c, v));
}

/* Serverless's normalizeName: first letter upper-cased. */
static const char *S_upper_first(S_ctx *c, const char *s)
{
    char *t = tm_arena_strdup(c->a, s);
    if (t[0] >= 'a' && t[0] <= 'z')
        t[0] = (char)(t[0] - 32);
    return t;
}

/* normalizeNameToAlphaNumericOnly: letters and digits, first one upper. */
static const char *S_alnum_name(S_ctx *c, const char *s)
{
    tm_buf b;
    tm_buf_init(&b, 4096);
    for (const char *p = s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            tm_buf_putc(&b, *p);
    const char *r = S_upper_first(c, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

/* getNormalizedFunctionName: '-' -> Dash, '_' -> Underscore, first upper. */
static const char *S_fn_logical(S_ctx *c, const char *fn)
{
    tm_buf b;
    tm_buf_init(&b, 4096);
    for (const char *p = fn; *p; p++) {
        if (*p == '-')
            tm_buf_puts(&b, "Dash");
        else if (*p == '_')
            tm_buf_puts(&b, "Underscore");
        else
            tm_buf_putc(&b, *p);
    }
    const char *r = tm_arena_printf(c->a, "%sLambdaFunction", S_upper_first(c, b.data ? b.data : ""));
    tm_buf_free(&b);
    return r;
}

/* An element for a resource of the stack or of the account, found again by
 * its kind and name, or by its logical id. */
static S_elem *S_resource(S_ctx *c, const char *kind, const char *type, const char *name,
                          const char *logical, const char *label)
{
    S_elem *e = NULL;
    if (logical)
        e = S_find(c, tm_arena_printf(c->a, "logical:%s", logical));
    if (!e && name)
        e = S_find(c, tm_arena_printf(c->a, "%s:%s", kind, name));
    if (e) {
        if (name && !e->aws_name) {
            e->aws_name = name;
            S_key(c, e, kind, name);
        }
        return e;
    }
    e = S_elem_new(c, name ? name : logical, type, name ? name : logical, "aws-account", 3);
    e->aws_name = name;
    e->logical = logical;
    if (label)
        e->description = label;
    if (name)
        S_key(c, e, kind, name);
    if (logical)
        S_key(c, e, "logical", logical);
    return e;
}

/* ================================================================ flows */

static S_flow *S_flow_new(S_ctx *c, S_elem *from, S_elem *to, const char *name, const char *protocol)
{
    S_flow *f = tm_arena_alloc(c->a, sizeof *f);
    f->from = from->id;
    f->to = to->id;
    f->name = name;
    f->protocol = protocol;
    f->auth = f->enc = -1;
    tm_vec_push(&c->flows, f);
    return f;
}

/* An AWS service invoking a function or a function calling an AWS API:
 * signed (SigV4) and over TLS. */
static S_flow *S_aws_flow(S_ctx *c, S_elem *from, S_elem *to, const char *name, const char *protocol,
                          int trigger)
{
    S_flow *f = S_flow_new(c, from, to, name, protocol);
    f->trigger = trigger;
    f->auth = 1;
    f->enc = 1;
    f->authz = "technical";
    return f;
}

/* A function's use of a resource (IAM statement or environment variable):
 * one flow per direction and pair, naming everything found. */
static void S_use(S_ctx *c, S_elem *from, S_elem *to, const char *what)
{
    if (from == to)
        return;
    const char *k = tm_arena_printf(c->a, "%s\n%s", from->id, to->id);
    S_flow *f = tm_map_get(c->pairs, k);
    if (!f) {
        f = S_aws_flow(c, from, to, NULL, "aws-api", 0);
        f->actions = tm_arena_alloc(c->a, sizeof *f->actions);
        tm_buf_init(f->actions, 4096);
        tm_map_put(c->pairs, k, f);
    }
    /* no repeats */
    if (f->actions->data) {
        const char *p = f->actions->data;
        size_t wl = strlen(what);
        while ((p = strstr(p, what)) != NULL) {
            int start = p == f->actions->data || (p >= f->actions->data + 2 && p[-2] == ',');
            if (start && (p[wl] == 0 || p[wl] == ','))
                return;
            p += wl;
        }
    }
    if (f->actions->len)
        tm_buf_puts(f->actions, ", ");
    tm_buf_puts(f->actions, what);
}

/* ============================================================== identities */

static S_ident *S_ident_new(S_ctx *c, const char *base, const char *name)
{
    S_ident *r = tm_arena_alloc(c->a, sizeof *r);
    r->id = S_claim(c, S_slug(c, base));
    r->name = name;
    r->statements = S_list(c);
    tm_vec_push(&c->idents, r);
    return r;
}

static S_ident *S_ident_by_logical(S_ctx *c, const char *logical)
{
    for (size_t i = 0; i < c->idents.len; i++) {
        S_ident *r = c->idents.items[i];
        if (r->logical && strcmp(r->logical, logical) == 0)
            return r;
    }
    return NULL;
}

/* A string or list of strings (intrinsics rendered), as a list node. */
static tm_node *S_strings(S_ctx *c, const tm_node *v)
{
    tm_node *l = S_list(c);
    if (!v)
        return l;
    if (v->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < v->n; i++)
            tm_node_list_push(c->a, l, S_str(c, S_render(c, v->items[i])));
    } else {
        tm_node_list_push(c->a, l, S_str(c, S_render(c, v)));
    }
    return l;
}

/* Principal: "*", {AWS: ...}, {Service: ...}, {Federated: ...}. */
static void S_principals(S_ctx *c, const tm_node *v, tm_node *out)
{
    if (!v)
        return;
    if (v->kind != TM_NODE_MAP) {
        tm_node *l = S_strings(c, v);
        for (size_t i = 0; i < l->n; i++)
            tm_node_list_push(c->a, out, l->items[i]);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(v->pairs[i].key, "Ref") == 0 || S_starts(v->pairs[i].key, "Fn::")) {
            tm_node_list_push(c->a, out, S_str(c, S_render(c, v)));
            return;
        }
        tm_node *l = S_strings(c, v->pairs[i].value);
        for (size_t k = 0; k < l->n; k++)
            tm_node_list_push(c->a, out, l->items[k]);
    }
}

/* One IAM policy statement, as MODEL.md writes it. */
static tm_node *S_statement(S_ctx *c, const tm_node *st)
{
    if (!st || st->kind != TM_NODE_MAP) {
        S_error(c, st, "an IAM statement must be a map with Effect, Action and Resource, not %s",
                st ? S_kind(st) : "nothing");
        return NULL;
    }
    const tm_node *effect = S_get(st, "Effect");
    const char *ef = S_text(effect);
    if (!ef || (strcmp(ef, "Allow") != 0 && strcmp(ef, "Deny") != 0)) {
        S_error(c, effect ? effect : st, "an IAM statement needs Effect: Allow or Deny");
        return NULL;
    }
    tm_node *m = tm_node_new(c->a, TM_NODE_MAP, c->file, st->line, st->col);
    const char *sid = S_text(S_get(st, "Sid"));
    if (sid)
        S_put(c, m, "sid", S_str(c, sid));
    S_put(c, m, "effect", S_str(c, ef[0] == 'A' ? "allow" : "deny"));
    if (S_get(st, "Action"))
        S_put(c, m, "actions", S_strings(c, S_get(st, "Action")));
    if (S_get(st, "NotAction"))
        S_put(c, m, "not_actions", S_strings(c, S_get(st, "NotAction")));
    if (!S_get(st, "Action") && !S_get(st, "NotAction")) {
        S_error(c, st, "an IAM statement needs Action or NotAction");
        return NULL;
    }
    if (S_get(st, "Resource"))
        S_put(c, m, "resources", S_strings(c, S_get(st, "Resource")));
    else if (S_get(st, "NotResource"))
        /* NotResource: everything but the listed ones, as wide as "*" for the rules. */
        S_put(c, m, "resources", S_strings(c, NULL)), tm_node_list_push(c->a, tm_node_get(m, "resources"), S_str(c, "*"));
    if (S_get(st, "Principal")) {
        tm_node *p = S_list(c);
        S_principals(c, S_get(st, "Principal"), p);
        S_put(c, m, "principals", p);
    }
    const tm_node *cond = S_get(st, "Condition");
    if (cond && cond->kind == TM_NODE_MAP) {
        tm_node *conds = S_list(c);
        for (size_t i = 0; i < cond->n; i++) {
            const tm_node *vars = cond->pairs[i].value;
            if (!vars || vars->kind != TM_NODE_MAP)
                continue;
            for (size_t k = 0; k < vars->n; k++) {
                tm_node *one = S_map(c);
                S_put(c, one, "test", S_str(c, cond->pairs[i].key));
                S_put(c, one, "variable", S_str(c, vars->pairs[k].key));
                S_put(c, one, "values", S_strings(c, vars->pairs[k].value));
                tm_node_list_push(c->a, conds, one);
            }
        }
        if (conds->n)
            S_put(c, m, "conditions", conds);
    }
    return m;
}

/* A list of statements (or one) appended to r. */
static void S_statements(S_ctx *c, S_ident *r, const tm_node *list)
{
    if (!list)
        return;
    if (r->nsrc < 4)
        r->src[r->nsrc++] = list;
    if (list->kind != TM_NODE_LIST) {
        if (list->kind == TM_NODE_MAP) {
            tm_node *s = S_statement(c, list);
            if (s)
                tm_node_list_push(c->a, r->statements, s);
            return;
        }
        S_error(c, list, "IAM statements must be a list of maps, not %s", S_kind(list));
        return;
    }
    for (size_t i = 0; i < list->n && !c->failed; i++) {
        tm_node *s = S_statement(c, list->items[i]);
        if (s)
            tm_node_list_push(c->a, r->statements, s);
    }
}

/* ======================================================= CloudFormation */

typedef struct {
    const char *cfn, *kind, *type, *name_prop;
} S_cfn_type;

/* The resources functions use and events come from; the CloudFormation
 * importer adds what it knows about each (props from Properties). */
static const S_cfn_type S_cfn_types[] = {
    {"AWS::S3::Bucket", "s3", "aws.s3", "BucketName"},
    {"AWS::SQS::Queue", "sqs", "aws.sqs", "QueueName"},
    {"AWS::SNS::Topic", "sns", "aws.sns", "TopicName"},
    {"AWS::DynamoDB::Table", "dynamodb", "aws.dynamodb", "TableName"},
    {"AWS::DynamoDB::GlobalTable", "dynamodb", "aws.dynamodb", "TableName"},
    {"AWS::Kinesis::Stream", "kinesis", "aws.kinesis", "Name"},
    {"AWS::Events::EventBus", "eventbus", "aws.eventbridge", "Name"},
    {"AWS::Cognito::UserPool", "cognito", "aws.cognito", "UserPoolName"},
    {"AWS::SecretsManager::Secret", "secret", "aws.secretsmanager", "Name"},
    {"AWS::KMS::Key", "kms", "aws.kms", NULL},
    {"AWS::RDS::DBInstance", "rds", "aws.rds", "DBInstanceIdentifier"},
    {"AWS::RDS::DBCluster", "rds", "aws.rds", "DBClusterIdentifier"},
    {"AWS::StepFunctions::StateMachine", "states", "aws.stepfunctions", "StateMachineName"},
    {"AWS::Logs::LogGroup", "logs", "aws.cloudwatch", "LogGroupName"},
    {"AWS::CloudFront::Distribution", "cloudfront", "aws.cloudfront", NULL},
    {"AWS::ApiGateway::RestApi", "apigw", "aws.apigateway", "Name"},
    {"AWS::ApiGatewayV2::Api", "apigw", "aws.apigateway", "Name"},
};

static const S_cfn_type *S_cfn_type_of(const char *t)
{
    for (size_t i = 0; t && i < sizeof S_cfn_types / sizeof S_cfn_types[0]; i++)
        if (strcmp(S_cfn_types[i].cfn, t) == 0)
            return &S_cfn_types[i];
    return NULL;
}

static void S_cfn_pass(S_ctx *c)
{
    const tm_node *res = c->resources;
    for (size_t i = 0; i < res->n && !c->failed; i++) {
        const char *logical = res->pairs[i].key;
        const tm_node *r = res->pairs[i].value;
        const char *type = S_text(S_get(r, "Type"));
        const tm_node *props = S_get(r, "Properties");
        if (type && strcmp(type, "AWS::IAM::Role") == 0) {
            const char *name = S_text(S_get(props, "RoleName"));
            S_ident *id = S_ident_new(c, S_kebab(c, logical), name ? name : logical);
            id->logical = logical;
            id->from_resources = 1;
            const tm_node *trust = S_get(S_get(props, "AssumeRolePolicyDocument"), "Statement");
            S_statements(c, id, trust);
            const tm_node *pol = S_get(props, "Policies");
            for (size_t k = 0; pol && pol->kind == TM_NODE_LIST && k < pol->n; k++)
                S_statements(c, id, S_get(S_get(pol->items[k], "PolicyDocument"), "Statement"));
            continue;
        }
        const S_cfn_type *t = S_cfn_type_of(type);
        if (!t)
            continue;
        const char *name = t->name_prop ? S_text(S_get(props, t->name_prop)) : NULL;
        if (name && strstr(name, "${"))
            name = NULL;
        S_elem *e = S_elem_new(c, S_kebab(c, logical), t->type, name ? name : logical, "aws-account", 3);
        e->logical = logical;
        e->aws_name = name;
        S_key(c, e, "logical", logical);
        if (name)
            S_key(c, e, t->kind, name);
    }
}

/* A resource the template's intrinsic (Ref, GetAtt, Sub) names, if it is
 * one the model has an element for. */
static S_elem *S_ref_elem(S_ctx *c, const tm_node *v)
{
    tm_vec refs = {0};
    S_refs(v, &refs, c->a, 0);
    S_elem *e = NULL;
    for (size_t i = 0; i < refs.len && !e; i++)
        e = S_find(c, tm_arena_printf(c->a, "logical:%s", (const char *)refs.items[i]));
    tm_vec_free(&refs);
    return e;
}

/* The resource an ARN names: arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE. */
static S_elem *S_arn_elem(S_ctx *c, const char *arn, const char *want_service, int create)
{
    if (!arn || !S_starts(arn, "arn:"))
        return NULL;
    const char *f[6] = {0};
    const char *p = arn;
    for (int i = 0; i < 5; i++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        f[i] = ++p;
    }
    /* f[1] service, f[4] resource */
    size_t slen = (size_t)(strchr(f[1], ':') - f[1]);
    const char *svc = tm_arena_strndup(c->a, f[1], slen);
    if (want_service && strcmp(svc, want_service) != 0)
        return NULL;
    const char *res = f[4];
    const char *kind = NULL, *type = NULL, *name = NULL;
    if (strcmp(svc, "s3") == 0) {
        const char *slash = strchr(res, '/');
        name = slash ? tm_arena_strndup(c->a, res, (size_t)(slash - res)) : res;
        kind = "s3", type = "aws.s3";
    } else if (strcmp(svc, "sqs") == 0 || strcmp(svc, "sns") == 0) {
        name = res;
        kind = svc, type = svc[1] == 'q' ? "aws.sqs" : "aws.sns";
    } else if (strcmp(svc, "dynamodb") == 0 && S_starts(res, "table/")) {
        const char *t = res + 6;
        const char *slash = strchr(t, '/');
        name = slash ? tm_arena_strndup(c->a, t, (size_t)(slash - t)) : t;
        kind = "dynamodb", type = "aws.dynamodb";
    } else if (strcmp(svc, "kinesis") == 0 && S_starts(res, "stream/")) {
        const char *t = res + 7;
        const char *slash = strchr(t, '/');
        name = slash ? tm_arena_strndup(c->a, t, (size_t)(slash - t)) : t;
        kind = "kinesis", type = "aws.kinesis";
    } else if (strcmp(svc, "events") == 0 && S_starts(res, "event-bus/")) {
        name = res + 10;
        kind = "eventbus", type = "aws.eventbridge";
    } else if (strcmp(svc, "cognito-idp") == 0 && S_starts(res, "userpool/")) {
        name = res + 9;
        kind = "cognito", type = "aws.cognito";
    } else if (strcmp(svc, "logs") == 0 && S_starts(res, "log-group:")) {
        const char *t = res + 10;
        const char *colon = strchr(t, ':');
        name = colon ? tm_arena_strndup(c->a, t, (size_t)(colon - t)) : t;
        kind = "logs", type = "aws.cloudwatch";
    } else {
        return NULL;
    }
    if (!name[0] || strchr(name, '*') || strchr(name, '$'))
        return NULL;
    S_elem *e = S_find(c, tm_arena_printf(c->a, "%s:%s", kind, name));
    if (e || !create)
        return e;
    return S_resource(c, kind, type, name, NULL, "Existing resource named by its ARN");
}

/* ================================================================ events */

enum { S_AUTH_NONE, S_AUTH_APIKEY, S_AUTH_LAMBDA, S_AUTH_COGNITO, S_AUTH_IAM };
static const char *const S_auth_names[] = {"none", "api-key", "lambda", "cognito", "iam"};

static S_elem *S_client(S_ctx *c)
{
    if (!c->client) {
        c->client = S_elem_new(c, "users", "user", "Internet users", "internet", 0);
        c->client->description = "Anyone on the internet who can reach the service's endpoints";
    }
    return c->client;
}

static S_elem *S_api(S_ctx *c, S_elem **slot, const char *id, const char *name, const char *logical)
{
    if (!*slot) {
        *slot = S_elem_new(c, id, "aws.apigateway", name, "aws-account", 1);
        (*slot)->logical = logical;
        S_key(c, *slot, "logical", logical);
    }
    return *slot;
}

static const char *S_upper(S_ctx *c, const char *s)
{
    char *t = tm_arena_strdup(c->a, s);
    for (char *p = t; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    return t;
}

/* The route's authorizer of a REST (http) event. */
static int S_rest_authorizer(S_ctx *c, const tm_node *ev)
{
    const tm_node *a = S_get(ev, "authorizer");
    if (a) {
        const char *t = S_text(a);
        if (t) {
            if (S_ieq(t, "aws_iam"))
                return S_AUTH_IAM;
            return strstr(t, "cognito-idp") ? S_AUTH_COGNITO : S_AUTH_LAMBDA;
        }
        if (a->kind == TM_NODE_MAP) {
            const char *type = S_text(S_get(a, "type"));
            const char *arn = S_text(S_get(a, "arn"));
            if (type && S_ieq(type, "aws_iam"))
                return S_AUTH_IAM;
            if ((type && S_ieq(type, "COGNITO_USER_POOLS")) || (arn && strstr(arn, "cognito-idp")) ||
                S_get(a, "scopes"))
                return S_AUTH_COGNITO;
            if (type && S_ieq(type, "NONE"))
                return S_get(ev, "private") && S_is_true(S_get(ev, "private")) ? S_AUTH_APIKEY : S_AUTH_NONE;
            return S_AUTH_LAMBDA;
        }
    }
    return S_is_true(S_get(ev, "private")) ? S_AUTH_APIKEY : S_AUTH_NONE;
}

static void S_weakest(int *slot, int auth)
{
    if (*slot < 0 || auth < *slot)
        *slot = auth;
}

static void S_route_flows(S_ctx *c, S_elem *api, S_elem *fn, const char *route, int auth,
                          const char *protocol, int validated)
{
    S_elem *client = S_client(c);
    S_flow *in = S_flow_new(c, client, api, route, protocol);
    in->auth = auth >= S_AUTH_LAMBDA;
    in->enc = 1;
    in->authz = auth == S_AUTH_NONE ? "none" : auth == S_AUTH_IAM || auth == S_AUTH_APIKEY ? "technical" : "end-user";
    S_flow *out = S_aws_flow(c, api, fn, route, "aws-invoke", 1);
    if (validated) {
        in->props = S_map(c);
        S_put(c, in->props, "validated", tm_node_bool(c->a, 1));
        out->props = S_map(c);
        S_put(c, out->props, "validated", tm_node_bool(c->a, 1));
    }
}

/* cors: true | {origin, origins, methods, ...} on a REST route. */
static void S_rest_cors(S_ctx *c, S_elem *api, const tm_node *cors, const char *method)
{
    if (!cors || S_is_false(cors))
        return;
    tm_node *props = S_props(c, api);
    if (S_is_true(cors)) {
        S_prop_add(c, props, "cors_origins", "*");
    } else if (cors->kind == TM_NODE_MAP) {
        const tm_node *o = S_get(cors, "origins") ? S_get(cors, "origins") : S_get(cors, "origin");
        tm_node *l = S_strings(c, o);
        for (size_t i = 0; i < l->n; i++)
            S_prop_add(c, props, "cors_origins", l->items[i]->text);
        if (!o)
            S_prop_add(c, props, "cors_origins", "*");
        if (S_get(cors, "methods")) {
            tm_node *m = S_strings(c, S_get(cors, "methods"));
            for (size_t i = 0; i < m->n; i++)
                S_prop_add(c, props, "cors_methods", S_upper(c, m->items[i]->text));
            return;
        }
    } else {
        return;
    }
    S_prop_add(c, props, "cors_methods", "OPTIONS");
    if (method)
        S_prop_add(c, props, "cors_methods", strcmp(method, "ANY") == 0 ? "*" : method);
}

static void S_event_http(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *method = NULL, *path = NULL;
    if (S_text(ev)) {
        const char *t = ev->text;
        const char *sp = strchr(t, ' ');
        if (!sp) {
            S_error(c, ev, "an http event written as text must be 'METHOD path', e.g. 'GET users'");
            return;
        }
        method = tm_arena_strndup(c->a, t, (size_t)(sp - t));
        while (*sp == ' ')
            sp++;
        path = sp;
    } else if (ev->kind == TM_NODE_MAP) {
        method = S_text(S_get(ev, "method"));
        path = S_text(S_get(ev, "path"));
        if (!method || !path) {
            S_error(c, ev, "an http event needs 'method' and 'path'");
            return;
        }
    } else {
        S_error(c, ev, "an http event must be 'METHOD path' or a map with method and path, not %s",
                S_kind(ev));
        return;
    }
    S_elem *api = S_api(c, &c->rest_api, "api", tm_arena_printf(c->a, "%s-%s (REST API)", c->stage, c->service),
                        "ApiGatewayRestApi");
    method = S_upper(c, method);
    const char *route = tm_arena_printf(c->a, "%s /%s", method, path[0] == '/' ? path + 1 : path);
    int auth = ev->kind == TM_NODE_MAP ? S_rest_authorizer(c, ev) : S_AUTH_NONE;
    int validated = ev->kind == TM_NODE_MAP && S_get(S_get(ev, "request"), "schemas") != NULL;
    if (strcmp(method, "OPTIONS") != 0)
        S_weakest(&c->rest_auth, auth);
    c->rest_routes++;
    c->rest_validated += validated;
    if (ev->kind == TM_NODE_MAP)
        S_rest_cors(c, api, S_get(ev, "cors"), method);
    S_route_flows(c, api, fn, route, auth, "https", validated);
}

static void S_event_httpapi(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *route = NULL;
    int auth = S_AUTH_NONE;
    if (S_text(ev)) {
        route = ev->text;
    } else if (ev->kind == TM_NODE_MAP) {
        const char *method = S_text(S_get(ev, "method"));
        const char *path = S_text(S_get(ev, "path"));
        if (!path) {
            S_error(c, ev, "an httpApi event needs 'path' (and 'method')");
            return;
        }
        route = tm_arena_printf(c->a, "%s %s", method ? S_upper(c, method) : "*", path);
        const tm_node *a = S_get(ev, "authorizer");
        if (a) {
            const char *type = S_text(S_get(a, "type"));
            const char *name = S_text(S_get(a, "name"));
            const tm_node *def = name ? S_get(S_get(S_get(c->root, "provider"), "httpApi"), "authorizers") : NULL;
            const char *dtype = def ? S_text(S_get(S_get(def, name), "type")) : NULL;
            if (type && S_ieq(type, "aws_iam"))
                auth = S_AUTH_IAM;
            else if (dtype && S_ieq(dtype, "request"))
                auth = S_AUTH_LAMBDA;
            else if (name && def && S_get(def, name))
                auth = S_AUTH_COGNITO; /* a JWT authorizer: tokens checked against the issuer */
            else
                auth = S_AUTH_LAMBDA;
        }
    } else {
        S_error(c, ev, "an httpApi event must be 'METHOD /path', '*' or a map with method and path, not %s",
                S_kind(ev));
        return;
    }
    S_elem *api = S_api(c, &c->http_api, "http-api", tm_arena_printf(c->a, "%s-%s (HTTP API)", c->stage, c->service),
                        "HttpApi");
    S_weakest(&c->http_auth, auth);
    S_route_flows(c, api, fn, route, auth, "https", 0);
}

static void S_event_websocket(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *route = S_text(ev) ? ev->text : S_text(S_get(ev, "route"));
    if (!route) {
        S_error(c, ev, "a websocket event needs a route ('$connect', '$default', ...)");
        return;
    }
    int auth = S_AUTH_NONE;
    const tm_node *a = S_get(ev, "authorizer");
    if (a)
        auth = S_text(a) && S_ieq(a->text, "aws_iam") ? S_AUTH_IAM : S_AUTH_LAMBDA;
    S_elem *api = S_api(c, &c->ws_api, "websocket-api",
                        tm_arena_printf(c->a, "%s-%s (WebSocket API)", c->stage, c->service), "WebsocketsApi");
    if (strcmp(route, "$connect") == 0)
        S_weakest(&c->ws_auth, auth);
    S_route_flows(c, api, fn, route, auth, "wss", 0);
}

/* Trigger flow from an event source to the function. */
static void S_trigger(S_ctx *c, S_elem *src, S_elem *fn, const char *name)
{
    S_aws_flow(c, src, fn, name, "aws-invoke", 1);
}

static void S_event_s3(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *bucket = S_text(ev);
    const tm_node *m = ev->kind == TM_NODE_MAP ? ev : NULL;
    if (m)
        bucket = S_text(S_get(m, "bucket"));
    if (!bucket) {
        S_error(c, m ? (S_get(m, "bucket") ? S_get(m, "bucket") : m) : ev,
                "an s3 event needs the bucket's name (text), e.g. `s3: photos` or `bucket: photos`");
        return;
    }
    int existing = m && S_is_true(S_get(m, "existing"));
    S_elem *b = S_resource(c, "s3", "aws.s3", bucket,
                          existing ? NULL : tm_arena_printf(c->a, "S3Bucket%s", S_alnum_name(c, bucket)),
                          existing ? "Existing bucket (not created by this service)" : NULL);
    const char *event = m && S_text(S_get(m, "event")) ? S_get(m, "event")->text : "s3:ObjectCreated:*";
    tm_buf name;
    tm_buf_init(&name, 4096);
    tm_buf_puts(&name, event);
    const tm_node *rules = m ? S_get(m, "rules") : NULL;
    for (size_t i = 0; rules && rules->kind == TM_NODE_LIST && i < rules->n; i++) {
        const tm_node *r = rules->items[i];
        for (size_t k = 0; r->kind == TM_NODE_MAP && k < r->n; k++)
            if (S_text(r->pairs[k].value))
                tm_buf_printf(&name, " %s=%s", r->pairs[k].key, r->pairs[k].value->text);
    }
    S_trigger(c, b, fn, tm_arena_strdup(c->a, name.data ? name.data : event));
    tm_buf_free(&name);
}

/* The element an event's `arn` names: an intrinsic on a resource of the
 * stack, or an ARN string. */
static S_elem *S_arn_source(S_ctx *c, const tm_node *arn, const char *service, const char *what)
{
    if (arn->kind == TM_NODE_MAP) {
        S_elem *e = S_ref_elem(c, arn);
        if (e)
            return e;
        /* Imported or computed: name it after the expression. */
        const char *t = S_render(c, arn);
        S_elem *x = S_find(c, tm_arena_printf(c->a, "expr:%s", t));
        if (!x) {
            const char *type = strcmp(service, "sqs") == 0     ? "aws.sqs"
                               : strcmp(service, "sns") == 0   ? "aws.sns"
                               : strcmp(service, "kinesis") == 0 ? "aws.kinesis"
                                                                  : "aws.dynamodb";
            x = S_elem_new(c, tm_arena_printf(c->a, "%s-%s", service, S_slug(c, t)), type, t, "aws-account", 3);
            x->description = tm_arena_printf(c->a, "%s given as %s", what, t);
            S_key(c, x, "expr", t);
        }
        return x;
    }
    const char *t = S_text(arn);
    if (!t || !S_starts(t, "arn:")) {
        S_error(c, arn, "%s must be an ARN (arn:aws:%s:...) or a Ref / Fn::GetAtt / Fn::ImportValue", what,
                service);
        return NULL;
    }
    S_elem *e = S_arn_elem(c, t, service, 1);
    if (!e) {
        S_error(c, arn, "%s: cannot read a %s resource name from '%s'", what, service, t);
        return NULL;
    }
    return e;
}

static void S_event_sqs(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const tm_node *arn = ev->kind == TM_NODE_MAP ? S_get(ev, "arn") : ev;
    if (!arn) {
        S_error(c, ev, "an sqs event needs 'arn' (the queue's ARN)");
        return;
    }
    S_elem *q = S_arn_source(c, arn, "sqs", "an sqs event's queue");
    if (q)
        S_trigger(c, q, fn, "SQS messages");
}

static void S_event_sns(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    S_elem *t = NULL;
    const tm_node *arn = NULL;
    const char *topic = NULL;
    if (S_text(ev)) {
        if (S_starts(ev->text, "arn:"))
            arn = ev;
        else
            topic = ev->text;
    } else if (ev->kind == TM_NODE_MAP) {
        arn = S_get(ev, "arn");
        topic = S_text(S_get(ev, "topicName"));
        if (!arn && !topic) {
            S_error(c, ev, "an sns event needs 'arn' or 'topicName'");
            return;
        }
    } else {
        S_error(c, ev, "an sns event must be a topic name, an ARN or a map, not %s", S_kind(ev));
        return;
    }
    if (arn)
        t = S_arn_source(c, arn, "sns", "an sns event's topic");
    else
        t = S_resource(c, "sns", "aws.sns", topic,
                       tm_arena_printf(c->a, "SNSTopic%s", S_alnum_name(c, topic)), NULL);
    if (t)
        S_trigger(c, t, fn, "SNS notifications");
}

static void S_event_stream(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const tm_node *arn = ev->kind == TM_NODE_MAP ? S_get(ev, "arn") : ev;
    const char *type = S_text(S_get(ev, "type"));
    if (!arn) {
        S_error(c, ev, "a stream event needs 'arn' (a DynamoDB or Kinesis stream)");
        return;
    }
    const char *t = S_text(arn);
    const char *svc = type && strcmp(type, "kinesis") == 0 ? "kinesis" : "dynamodb";
    if (t && strstr(t, ":kinesis:"))
        svc = "kinesis";
    S_elem *e = S_arn_source(c, arn, svc, "a stream event's stream");
    if (e)
        S_trigger(c, e, fn, strcmp(e->type, "aws.kinesis") == 0 ? "Kinesis records" : "DynamoDB stream records");
}

static void S_event_schedule(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *rate = S_text(ev);
    if (!rate && ev->kind == TM_NODE_MAP) {
        const tm_node *r = S_get(ev, "rate");
        rate = S_text(r);
        if (!rate && r && r->kind == TM_NODE_LIST && r->n)
            rate = S_render(c, r);
    }
    if (!rate) {
        S_error(c, ev, "a schedule event needs a rate: 'rate(10 minutes)' or 'cron(...)'");
        return;
    }
    S_elem *s = S_elem_new(c, tm_arena_printf(c->a, "%s-schedule", fn->id), "aws.schedule",
                           tm_arena_printf(c->a, "Schedule %s", rate), "aws-account", 3);
    S_trigger(c, s, fn, rate);
}

static S_elem *S_event_bus(S_ctx *c, const tm_node *bus)
{
    if (!bus) {
        S_elem *e = S_find(c, "eventbus:default");
        if (!e) {
            e = S_elem_new(c, "default-event-bus", "aws.eventbridge", "default event bus", "aws-account", 3);
            e->aws_name = "default";
            S_key(c, e, "eventbus", "default");
        }
        return e;
    }
    if (bus->kind == TM_NODE_MAP)
        return S_arn_source(c, bus, "events", "an eventBridge event's bus");
    const char *t = S_text(bus);
    if (!t) {
        S_error(c, bus, "eventBus must be a bus name or ARN");
        return NULL;
    }
    if (S_starts(t, "arn:")) {
        S_elem *e = S_arn_elem(c, t, "events", 1);
        if (!e)
            S_error(c, bus, "eventBus: cannot read a bus name from '%s'", t);
        return e;
    }
    return S_resource(c, "eventbus", "aws.eventbridge", t, NULL, NULL);
}

static void S_event_eventbridge(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    if (ev->kind != TM_NODE_MAP) {
        S_error(c, ev, "an eventBridge event must be a map (eventBus, pattern or schedule), not %s",
                S_kind(ev));
        return;
    }
    if (S_get(ev, "schedule") && !S_get(ev, "pattern")) {
        tm_node *m = S_map(c);
        S_put(c, m, "rate", (tm_node *)S_get(ev, "schedule"));
        m->line = ev->line, m->col = ev->col;
        S_event_schedule(c, fn, m);
        return;
    }
    S_elem *bus = S_event_bus(c, S_get(ev, "eventBus"));
    if (!bus)
        return;
    const char *src = S_render(c, S_get(S_get(ev, "pattern"), "source"));
    S_trigger(c, bus, fn, src[0] ? tm_arena_printf(c->a, "events from %s", src) : "EventBridge events");
}

static void S_event_cloudwatch_event(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    if (ev->kind != TM_NODE_MAP) {
        S_error(c, ev, "a cloudwatchEvent event must be a map with 'event' (the pattern)");
        return;
    }
    S_elem *bus = S_event_bus(c, NULL);
    const char *src = S_render(c, S_get(S_get(ev, "event"), "source"));
    S_trigger(c, bus, fn, src[0] ? tm_arena_printf(c->a, "events from %s", src) : "CloudWatch Events");
}

static void S_event_cloudwatch_log(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *group = S_text(ev) ? ev->text : S_text(S_get(ev, "logGroup"));
    if (!group) {
        S_error(c, ev, "a cloudwatchLog event needs the log group's name");
        return;
    }
    S_elem *g = S_resource(c, "logs", "aws.cloudwatch", group, NULL, NULL);
    S_trigger(c, g, fn, "log events");
}

static void S_event_cognito(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *pool = S_text(S_get(ev, "pool"));
    const char *trig = S_text(S_get(ev, "trigger"));
    if (!pool || !trig) {
        S_error(c, ev, "a cognitoUserPool event needs 'pool' and 'trigger'");
        return;
    }
    int existing = S_is_true(S_get(ev, "existing"));
    S_elem *p = S_resource(c, "cognito", "aws.cognito", pool,
                           existing ? NULL : tm_arena_printf(c->a, "CognitoUserPool%s", S_alnum_name(c, pool)),
                           existing ? "Existing user pool (not created by this service)" : NULL);
    S_trigger(c, p, fn, tm_arena_printf(c->a, "%s trigger", trig));
}

static void S_event_alb(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    if (ev->kind != TM_NODE_MAP || !S_get(ev, "listenerArn")) {
        S_error(c, ev, "an alb event needs 'listenerArn', 'priority' and 'conditions'");
        return;
    }
    const char *listener = S_render(c, S_get(ev, "listenerArn"));
    S_elem *alb = S_find(c, tm_arena_printf(c->a, "alb:%s", listener));
    if (!alb) {
        alb = S_elem_new(c, "alb", "generic.process", "Application Load Balancer", "aws-account", 1);
        alb->description = tm_arena_printf(c->a, "Listener %s", listener);
        S_key(c, alb, "alb", listener);
    }
    const char *path = S_render(c, S_get(S_get(ev, "conditions"), "path"));
    const char *route = path[0] ? path : "ALB requests";
    S_flow_new(c, S_client(c), alb, route, NULL);
    S_trigger(c, alb, fn, route);
}

static void S_event_cloudfront(S_ctx *c, S_elem *fn, const tm_node *ev)
{
    const char *type = S_text(S_get(ev, "eventType"));
    if (!type) {
        S_error(c, ev, "a cloudFront event needs 'eventType' (viewer-request, origin-request, ...)");
        return;
    }
    S_elem *cf = S_find(c, "cloudfront:events");
    if (!cf) {
        cf = S_elem_new(c, "cloudfront", "aws.cloudfront", "CloudFront distribution", "aws-account", 1);
        S_key(c, cf, "cloudfront", "events");
        S_flow *in = S_flow_new(c, S_client(c), cf, "HTTPS requests", "https");
        in->enc = 1;
    }
    S_trigger(c, cf, fn, type);
}

/* Event sources outside the account's services the catalogue names. */
static void S_event_generic(S_ctx *c, S_elem *fn, const tm_node *ev, const char *kind)
{
    const char *id, *name, *type, *boundary, *flow;
    if (strcmp(kind, "iot") == 0 || strcmp(kind, "iotFleetProvisioning") == 0) {
        id = "iot-devices", name = "IoT devices (AWS IoT Core)", type = "generic.external",
        boundary = "internet", flow = S_text(S_get(ev, "sql")) ? S_get(ev, "sql")->text : "IoT messages";
    } else if (strcmp(kind, "alexaSkill") == 0 || strcmp(kind, "alexaSmartHome") == 0) {
        id = "alexa", name = "Amazon Alexa", type = "third-party.api", boundary = "internet",
        flow = strcmp(kind, "alexaSkill") == 0 ? "Alexa skill requests" : "Alexa smart home directives";
    } else if (strcmp(kind, "kafka") == 0) {
        id = "kafka", name = "Kafka cluster", type = "generic.store", boundary = NULL,
        flow = S_text(S_get(ev, "topic")) ? S_get(ev, "topic")->text : "Kafka records";
    } else if (strcmp(kind, "msk") == 0) {
        id = "msk", name = "Amazon MSK cluster", type = "generic.store", boundary = "aws-account",
        flow = S_text(S_get(ev, "topic")) ? S_get(ev, "topic")->text : "Kafka records";
    } else {
        id = kind, name = strcmp(kind, "activemq") == 0 ? "Amazon MQ broker (ActiveMQ)" : "Amazon MQ broker (RabbitMQ)",
        type = "generic.store", boundary = "aws-account",
        flow = S_text(S_get(ev, "queue")) ? S_get(ev, "queue")->text : "broker messages";
    }
    const char *src = NULL;
    if (S_get(ev, "arn"))
        src = S_render(c, S_get(ev, "arn"));
    S_elem *e = S_find(c, tm_arena_printf(c->a, "%s:%s", kind, src ? src : ""));
    if (!e) {
        e = S_elem_new(c, id, type, name, boundary, strcmp(type, "generic.store") == 0 ? 3 : 0);
        if (src)
            e->description = src;
        S_key(c, e, kind, src ? src : "");
    }
    S_trigger(c, e, fn, flow);
}

static const char *const S_event_kinds[] = {
    "http",    "httpApi",       "websocket", "s3",          "sqs",      "sns",      "stream",
    "schedule", "eventBridge",  "cloudwatchEvent", "cloudwatchLog", "cognitoUserPool", "alb",
    "cloudFront", "iot",        "iotFleetProvisioning", "alexaSkill", "alexaSmartHome", "kafka",
    "msk",     "activemq",      "rabbitmq"};

static void S_event(S_ctx *c, S_elem *fn, const tm_node *item)
{
    if (!item || item->kind != TM_NODE_MAP || item->n != 1) {
        S_error(c, item,
                "an event must be a map with one key naming its kind (http, s3, sqs, ...), e.g. "
                "`- s3: photos`");
        return;
    }
    const char *kind = item->pairs[0].key;
    const tm_node *ev = item->pairs[0].value;
    tm_node at = *item;
    at.line = item->pairs[0].line, at.col = item->pairs[0].col;
    if (!ev || (ev->kind == TM_NODE_SCALAR && ev->stype == TM_SCALAR_NULL)) {
        S_error(c, &at, "the %s event has no settings", kind);
        return;
    }
    if (strcmp(kind, "http") == 0)
        S_event_http(c, fn, ev);
    else if (strcmp(kind, "httpApi") == 0)
        S_event_httpapi(c, fn, ev);
    else if (strcmp(kind, "websocket") == 0)
        S_event_websocket(c, fn, ev);
    else if (strcmp(kind, "s3") == 0)
        S_event_s3(c, fn, ev);
    else if (strcmp(kind, "sqs") == 0)
        S_event_sqs(c, fn, ev);
    else if (strcmp(kind, "sns") == 0)
        S_event_sns(c, fn, ev);
    else if (strcmp(kind, "stream") == 0)
        S_event_stream(c, fn, ev);
    else if (strcmp(kind, "schedule") == 0)
        S_event_schedule(c, fn, ev);
    else if (strcmp(kind, "eventBridge") == 0)
        S_event_eventbridge(c, fn, ev);
    else if (strcmp(kind, "cloudwatchEvent") == 0)
        S_event_cloudwatch_event(c, fn, ev);
    else if (strcmp(kind, "cloudwatchLog") == 0)
        S_event_cloudwatch_log(c, fn, ev);
    else if (strcmp(kind, "cognitoUserPool") == 0)
        S_event_cognito(c, fn, ev);
    else if (strcmp(kind, "alb") == 0)
        S_event_alb(c, fn, ev);
    else if (strcmp(kind, "cloudFront") == 0)
        S_event_cloudfront(c, fn, ev);
    else {
        size_t n = sizeof S_event_kinds / sizeof S_event_kinds[0];
        for (size_t i = 0; i < n; i++)
            if (strcmp(kind, S_event_kinds[i]) == 0) {
                if (ev->kind != TM_NODE_MAP) {
                    S_error(c, ev, "the %s event must be a map, not %s", kind, S_kind(ev));
                    return;
                }
                S_event_generic(c, fn, ev, kind);
                return;
            }
        const char *hint = tm_did_you_mean(kind, S_event_kinds, n);
        if (hint)
            S_error(c, &at, "unknown event kind '%s' (did you mean '%s'?)", kind, hint);
        else
            S_error(c, &at, "unknown event kind '%s' (expected http, httpApi, websocket, s3, sqs, sns, "
                            "stream, schedule, eventBridge, cloudwatchEvent, cloudwatchLog, "
                            "cognitoUserPool, alb, cloudFront, iot, alexaSkill, kafka, msk, activemq, "
                            "rabbitmq)", kind);
    }
}

/* ============================================================ functions */

/* The function's identity: its own `role`, its own statements
 * (serverless-iam-roles-per-function), or the provider's shared role. */
static void S_logs_statement(S_ctx *c, S_ident *r);

static S_ident *S_provider_role(S_ctx *c, const tm_node *provider)
{
    if (c->provider_role)
        return c->provider_role;
    const tm_node *iam = S_get(provider, "iam");
    const tm_node *role = S_get(iam, "role");
    const char *existing = S_text(role) ? role->text : S_text(S_get(provider, "role"));
    if (!existing && S_get(provider, "role") && S_get(provider, "role")->kind == TM_NODE_MAP)
        existing = NULL;
    S_ident *r;
    if (existing) {
        S_ident *known = S_ident_by_logical(c, existing);
        if (known) {
            c->provider_role = known;
            return known;
        }
        r = S_ident_new(c, S_starts(existing, "arn:") && strrchr(existing, '/') ? strrchr(existing, '/') + 1 : existing,
                        existing);
        r->description = "Existing role named by provider.iam.role; its policies are not in this file";
        c->provider_role = r;
        return r;
    }
    const char *name = S_text(S_get(role, "name"));
    r = S_ident_new(c, "lambda-execution-role",
                    name ? name : tm_arena_printf(c->a, "%s-%s-%s-lambdaRole", c->service, c->stage, c->region));
    r->logical = "IamRoleLambdaExecution";
    r->description = "The provider's execution role, shared by every function without a role of its own";
    S_statements(c, r, S_get(role, "statements"));
    S_statements(c, r, S_get(provider, "iamRoleStatements"));
    S_logs_statement(c, r);
    const tm_node *managed = S_get(role, "managedPolicies") ? S_get(role, "managedPolicies")
                                                           : S_get(provider, "iamManagedPolicies");
    if (managed) {
        tm_node *l = S_strings(c, managed);
        tm_buf b;
        tm_buf_init(&b, 65536);
        tm_buf_puts(&b, r->description);
        tm_buf_puts(&b, "; managed policies:");
        for (size_t i = 0; i < l->n; i++)
            tm_buf_printf(&b, " %s", l->items[i]->text);
        r->description = tm_arena_strdup(c->a, b.data);
        tm_buf_free(&b);
    }
    c->provider_role = r;
    return r;
}

/* Serverless adds CloudWatch Logs permissions for the functions' log groups
 * to every role it creates. */
static void S_logs_statement(S_ctx *c, S_ident *r)
{
    tm_node *m = S_map(c);
    S_put(c, m, "sid", S_str(c, "ServerlessLogs"));
    S_put(c, m, "effect", S_str(c, "allow"));
    tm_node *acts = S_list(c);
    tm_node_list_push(c->a, acts, S_str(c, "logs:CreateLogStream"));
    tm_node_list_push(c->a, acts, S_str(c, "logs:CreateLogGroup"));
    tm_node_list_push(c->a, acts, S_str(c, "logs:PutLogEvents"));
    S_put(c, m, "actions", acts);
    tm_node *res = S_list(c);
    tm_node_list_push(c->a, res, S_str(c, tm_arena_printf(c->a, "arn:aws:logs:%s:*:log-group:/aws/lambda/%s-%s*:*",
                                                          c->region, c->service, c->stage)));
    S_put(c, m, "resources", res);
    tm_node_list_push(c->a, r->statements, m);
}

static void S_tracing(S_ctx *c, S_elem *e, const tm_node *v)
{
    if (!v)
        return;
    const char *t = S_text(v);
    if (S_is_true(v) || (t && S_ieq(t, "Active")))
        S_prop_bool(c, e, "tracing", 1);
    else if (S_is_false(v) || (t && S_ieq(t, "PassThrough")))
        S_prop_bool(c, e, "tracing", 0);
}

static void S_int_prop(S_ctx *c, S_elem *e, const char *prop, const tm_node *v, const char *key)
{
    long long x;
    if (!v)
        return;
    if (!S_int(v, &x)) {
        if (S_text(v) && strstr(v->text, "${"))
            return; /* left unresolved: unknown */
        S_error(c, v, "'%s' must be a whole number", key);
        return;
    }
    S_prop_int(c, e, prop, x);
}

/* An environment value naming a resource of the model. */
static S_elem *S_env_target(S_ctx *c, const tm_node *v)
{
    if (!v)
        return NULL;
    if (v->kind == TM_NODE_MAP)
        return S_ref_elem(c, v);
    const char *t = S_text(v);
    if (!t || !t[0])
        return NULL;
    if (S_starts(t, "arn:"))
        return S_arn_elem(c, t, NULL, 0);
    for (size_t i = 0; i < c->elems.len; i++) {
        S_elem *e = c->elems.items[i];
        if (e->aws_name && e->rank == 3 && strcmp(e->aws_name, t) == 0)
            return e;
    }
    return NULL;
}

static void S_env_flows(S_ctx *c, S_elem *fn, const tm_node *env)
{
    for (size_t i = 0; env && env->kind == TM_NODE_MAP && i < env->n; i++) {
        S_elem *t = S_env_target(c, env->pairs[i].value);
        if (t)
            S_use(c, fn, t, tm_arena_printf(c->a, "env %s", env->pairs[i].key));
    }
}

/* Which way data moves for an action, as the CloudFormation importer draws
 * it: a read (Get*, List*, Receive*, Query, Scan ...) from the resource to
 * the function, anything else from the function to the resource; `*` and
 * `service:*` both ways. */
static void S_direction(const char *action, int *read, int *write)
{
    static const char *const reads[] = {"Get", "List", "Describe", "Receive", "Query", "Scan",
                                        "BatchGet", "Head", "Select", "Read"};
    const char *verb = strchr(action, ':');
    verb = verb ? verb + 1 : action;
    *read = *write = 0;
    if (strcmp(verb, "*") == 0) {
        *read = *write = 1;
        return;
    }
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
        if (S_starts(verb, reads[i]))
            *read = 1;
    *write = !*read;
}

/* Flows between the function and every resource of the model an Allow
 * statement of its role names. */
static void S_iam_flows(S_ctx *c, S_elem *fn, const tm_node *list)
{
    if (!list)
        return;
    size_t n = list->kind == TM_NODE_LIST ? list->n : 1;
    for (size_t i = 0; i < n; i++) {
        const tm_node *st = list->kind == TM_NODE_LIST ? list->items[i] : list;
        if (st->kind != TM_NODE_MAP || !S_text(S_get(st, "Effect")) || strcmp(S_get(st, "Effect")->text, "Allow") != 0)
            continue;
        const tm_node *res = S_get(st, "Resource");
        tm_node *acts = S_strings(c, S_get(st, "Action"));
        if (!res || !acts->n)
            continue;
        size_t rn = res->kind == TM_NODE_LIST ? res->n : 1;
        for (size_t k = 0; k < rn; k++) {
            const tm_node *one = res->kind == TM_NODE_LIST ? res->items[k] : res;
            S_elem *t = one->kind == TM_NODE_MAP ? S_ref_elem(c, one) : S_arn_elem(c, S_text(one), NULL, 0);
            for (size_t a = 0; t && a < acts->n; a++) {
                int read, write;
                S_direction(acts->items[a]->text, &read, &write);
                if (write)
                    S_use(c, fn, t, acts->items[a]->text);
                if (read)
                    S_use(c, t, fn, acts->items[a]->text);
            }
        }
    }
}

static void S_function(S_ctx *c, const tm_pair *p, const tm_node *provider)
{
    const tm_node *f = p->value;
    tm_node at = {0};
    at.line = p->line, at.col = p->col;
    if (!f || f->kind != TM_NODE_MAP) {
        S_error(c, f && f->kind != TM_NODE_SCALAR ? f : &at,
                "function '%s' must be a map (handler, events, ...), not %s", p->key,
                f ? S_kind(f) : "nothing");
        return;
    }
    const char *handler = S_text(S_get(f, "handler"));
    if (!handler && !S_get(f, "image")) {
        S_error(c, &at, "function '%s' needs 'handler' (or 'image' for a container image)", p->key);
        return;
    }
    const char *name = S_text(S_get(f, "name"));
    S_elem *e = S_elem_new(c, p->key, "aws.lambda",
                           name ? name : tm_arena_printf(c->a, "%s-%s-%s", c->service, c->stage, p->key),
                           "aws-account", 2);
    e->origin = "in-house";
    e->logical = S_fn_logical(c, p->key);
    S_key(c, e, "logical", e->logical);
    S_key(c, e, "function", p->key);
    const char *desc = S_text(S_get(f, "description"));
    e->description = desc ? desc
                          : handler ? tm_arena_printf(c->a, "Handler %s", handler)
                                    : tm_arena_printf(c->a, "Container image %s", S_render(c, S_get(f, "image")));

    /* props */
    if (!S_get(f, "image")) {
        const char *rt = S_text(S_get(f, "runtime")) ? S_get(f, "runtime")->text : S_text(S_get(provider, "runtime"));
        if (rt)
            S_prop_str(c, e, "runtime", rt);
    }
    S_int_prop(c, e, "memory", S_get(f, "memorySize") ? S_get(f, "memorySize") : S_get(provider, "memorySize"),
               "memorySize");
    S_int_prop(c, e, "timeout", S_get(f, "timeout") ? S_get(f, "timeout") : S_get(provider, "timeout"), "timeout");
    S_int_prop(c, e, "reserved_concurrency", S_get(f, "reservedConcurrency"), "reservedConcurrency");
    S_tracing(c, e, S_get(S_get(provider, "tracing"), "lambda"));
    S_tracing(c, e, S_get(f, "tracing"));
    if (S_get(f, "onError") || S_get(S_get(f, "destinations"), "onFailure"))
        S_prop_bool(c, e, "dlq", 1);
    S_prop_bool(c, e, "logging", !S_is_true(S_get(f, "disableLogs")));
    const tm_node *penv = S_get(provider, "environment"), *fenv = S_get(f, "environment");
    int has_env = (penv && penv->kind == TM_NODE_MAP && penv->n) || (fenv && fenv->kind == TM_NODE_MAP && fenv->n);
    S_prop_bool(c, e, "env_vars", has_env);
    if (has_env && (S_get(f, "kmsKeyArn") || S_get(provider, "kmsKeyArn")))
        S_prop_bool(c, e, "env_kms", 1);
    const tm_node *vpc = S_get(f, "vpc") ? S_get(f, "vpc") : S_get(provider, "vpc");
    if (vpc && vpc->kind == TM_NODE_MAP)
        S_prop_bool(c, e, "vpc", 1);
    const tm_node *layers = S_get(f, "layers") ? S_get(f, "layers") : S_get(provider, "layers");
    if (layers && layers->kind == TM_NODE_LIST && layers->n) {
        tm_node *l = S_strings(c, layers);
        S_set(c, S_props(c, e), "layers", l);
    }
    const tm_node *url = S_get(f, "url");
    if (url && !S_is_false(url)) {
        S_prop_bool(c, e, "function_url", 1);
        const char *auth = S_text(S_get(url, "authorizer"));
        S_prop_str(c, e, "function_url_auth", auth && S_ieq(auth, "aws_iam") ? "iam" : "none");
        const tm_node *cors = S_get(url, "cors");
        if (S_is_true(cors))
            S_prop_add(c, S_props(c, e), "cors_origins", "*");
        else if (cors && cors->kind == TM_NODE_MAP) {
            const tm_node *o = S_get(cors, "allowedOrigins");
            tm_node *l = o ? S_strings(c, o) : NULL;
            if (!o)
                S_prop_add(c, S_props(c, e), "cors_origins", "*");
            for (size_t i = 0; l && i < l->n; i++)
                S_prop_add(c, S_props(c, e), "cors_origins", l->items[i]->text);
        }
        S_flow *in = S_flow_new(c, S_client(c), e, "function URL", "https");
        in->enc = 1;
        in->auth = auth && S_ieq(auth, "aws_iam");
        in->authz = in->auth ? "technical" : "none";
    }

    /* identity */
    S_ident *r = NULL;
    const tm_node *own = S_get(f, "iamRoleStatements");
    const char *role = S_text(S_get(f, "role"));
    if (role) {
        r = S_ident_by_logical(c, role);
        if (!r) {
            const char *base = S_starts(role, "arn:") && strrchr(role, '/') ? strrchr(role, '/') + 1 : role;
            for (size_t i = 0; i < c->idents.len && !r; i++) {
                S_ident *x = c->idents.items[i];
                if (x->name && strcmp(x->name, role) == 0)
                    r = x;
            }
            if (!r) {
                r = S_ident_new(c, base, role);
                r->description = "Existing role named by the function's 'role'; its policies are not in this file";
                r->logical = role;
            }
        }
    } else if (S_get(f, "role") && S_get(f, "role")->kind == TM_NODE_MAP) {
        tm_vec refs = {0};
        S_refs(S_get(f, "role"), &refs, c->a, 0);
        if (refs.len)
            r = S_ident_by_logical(c, refs.items[0]);
        if (!r)
            r = S_ident_new(c, refs.len ? (const char *)refs.items[0] : "function-role", S_render(c, S_get(f, "role")));
        tm_vec_free(&refs);
    } else if (own) {
        r = S_ident_new(c, tm_arena_printf(c->a, "%s-role", e->id),
                        tm_arena_printf(c->a, "%s-%s-%s-%s-role", c->service, c->stage, p->key, c->region));
        r->description = "The function's own role (iamRoleStatements, serverless-iam-roles-per-function)";
        S_statements(c, r, own);
        if (S_is_true(S_get(f, "iamRoleStatementsInherit"))) {
            S_statements(c, r, S_get(S_get(S_get(provider, "iam"), "role"), "statements"));
            S_statements(c, r, S_get(provider, "iamRoleStatements"));
        }
        S_logs_statement(c, r);
    } else {
        r = S_provider_role(c, provider);
    }
    if (c->failed)
        return;
    r->used = 1;
    e->identity = r->id;

    /* events */
    const tm_node *events = S_get(f, "events");
    if (events && events->kind != TM_NODE_LIST && !(events->kind == TM_NODE_SCALAR && events->stype == TM_SCALAR_NULL)) {
        S_error(c, events, "'events' of function '%s' must be a list, not %s", p->key, S_kind(events));
        return;
    }
    for (size_t i = 0; events && events->kind == TM_NODE_LIST && i < events->n && !c->failed; i++)
        S_event(c, e, events->items[i]);
}

/* ========================================================= API settings */

static void S_resource_policy(S_ctx *c, S_elem *api, const tm_node *pol)
{
    if (!pol || pol->kind != TM_NODE_LIST)
        return;
    int open = 0, all_conditioned = 1, any = 0;
    for (size_t i = 0; i < pol->n; i++) {
        const tm_node *st = pol->items[i];
        if (!S_text(S_get(st, "Effect")) || strcmp(S_get(st, "Effect")->text, "Allow") != 0)
            continue;
        tm_node *pr = S_list(c);
        S_principals(c, S_get(st, "Principal"), pr);
        for (size_t k = 0; k < pr->n; k++) {
            const char *who = pr->items[k]->text;
            S_prop_add(c, S_props(c, api), "policy_principals", who);
            if (strcmp(who, "*") == 0) {
                any = 1;
                if (!S_get(st, "Condition"))
                    open = 1, all_conditioned = 0;
            }
        }
    }
    if (any) {
        S_prop_bool(c, api, "policy_conditions", all_conditioned);
        if (open)
            S_prop_bool(c, api, "resource_policy_cross_account", 1);
    }
}

static int S_plugin_listed(S_ctx *c, const char *name)
{
    const tm_node *pl = S_get(c->root, "plugins");
    if (pl && pl->kind == TM_NODE_MAP)
        pl = S_get(pl, "modules");
    for (size_t i = 0; pl && pl->kind == TM_NODE_LIST && i < pl->n; i++)
        if (S_text(pl->items[i]) && strcmp(pl->items[i]->text, name) == 0)
            return 1;
    return 0;
}

static void S_api_settings(S_ctx *c, const tm_node *provider)
{
    const tm_node *logs = S_get(provider, "logs");
    const tm_node *tracing = S_get(provider, "tracing");
    const tm_node *custom = S_get(c->root, "custom");
    if (c->rest_api) {
        S_elem *a = c->rest_api;
        S_prop_str(c, a, "authorizer", S_auth_names[c->rest_auth < 0 ? 0 : c->rest_auth]);
        S_tracing(c, a, S_get(tracing, "apiGateway"));
        const tm_node *rl = S_get(logs, "restApi");
        if (rl && !S_is_false(rl)) {
            int access = !S_is_false(S_get(rl, "accessLogging"));
            int exec = !S_is_false(S_get(rl, "executionLogging"));
            int full = !S_is_false(S_get(rl, "fullExecutionData"));
            S_prop_bool(c, a, "logging", access);
            if (exec)
                S_prop_bool(c, a, "data_trace", full);
        } else if (rl) {
            S_prop_bool(c, a, "logging", 0);
        }
        const tm_node *gw = S_get(provider, "apiGateway");
        const tm_node *plan = S_get(gw, "usagePlan") ? S_get(gw, "usagePlan") : S_get(provider, "usagePlan");
        int throttle = S_get(plan, "throttle") != NULL;
        for (size_t i = 0; plan && plan->kind == TM_NODE_LIST && i < plan->n; i++)
            for (size_t k = 0; plan->items[i]->kind == TM_NODE_MAP && k < plan->items[i]->n; k++)
                if (S_get(plan->items[i]->pairs[k].value, "throttle"))
                    throttle = 1;
        if (throttle)
            S_prop_bool(c, a, "throttling", 1);
        if (S_plugin_listed(c, "serverless-api-gateway-throttling") && S_get(custom, "apiGatewayThrottling"))
            S_prop_bool(c, a, "throttling", 1);
        const char *ep = S_text(S_get(provider, "endpointType"));
        if (ep && (S_ieq(ep, "edge") || S_ieq(ep, "regional") || S_ieq(ep, "private"))) {
            char low[16];
            size_t n = strlen(ep);
            for (size_t i = 0; i <= n; i++)
                low[i] = (char)(ep[i] >= 'A' && ep[i] <= 'Z' ? ep[i] + 32 : ep[i]);
            S_prop_str(c, a, "endpoint_type", low);
        }
        S_resource_policy(c, a, S_get(gw, "resourcePolicy") ? S_get(gw, "resourcePolicy") : S_get(provider, "resourcePolicy"));
        if (c->rest_routes && c->rest_validated == c->rest_routes)
            S_prop_bool(c, a, "validates_input", 1);
        if (S_plugin_listed(c, "serverless-associate-waf") && S_get(S_get(custom, "associateWaf"), "name"))
            S_prop_bool(c, a, "waf", 1);
        const char *sp = S_text(S_get(S_get(custom, "customDomain"), "securityPolicy"));
        if (sp && S_plugin_listed(c, "serverless-domain-manager"))
            S_prop_str(c, a, "tls_policy", S_upper(c, sp));
    }
    if (c->http_api) {
        S_elem *a = c->http_api;
        S_prop_str(c, a, "authorizer", S_auth_names[c->http_auth < 0 ? 0 : c->http_auth]);
        const tm_node *hl = S_get(logs, "httpApi");
        if (hl)
            S_prop_bool(c, a, "logging", !S_is_false(hl));
        const tm_node *cors = S_get(S_get(provider, "httpApi"), "cors");
        if (S_is_true(cors))
            S_prop_add(c, S_props(c, a), "cors_origins", "*");
        else if (cors && cors->kind == TM_NODE_MAP) {
            tm_node *o = S_strings(c, S_get(cors, "allowedOrigins"));
            for (size_t i = 0; i < o->n; i++)
                S_prop_add(c, S_props(c, a), "cors_origins", o->items[i]->text);
            tm_node *m = S_strings(c, S_get(cors, "allowedMethods"));
            for (size_t i = 0; i < m->n; i++)
                S_prop_add(c, S_props(c, a), "cors_methods", S_upper(c, m->items[i]->text));
        }
    }
    if (c->ws_api) {
        S_elem *a = c->ws_api;
        S_prop_str(c, a, "authorizer", S_auth_names[c->ws_auth < 0 ? 0 : c->ws_auth]);
        const tm_node *wl = S_get(logs, "websocket");
        if (wl)
            S_prop_bool(c, a, "logging", !S_is_false(wl));
    }
}

/* ====================================================== inbound e-mail */

static void S_add_data(S_ctx *c, tm_node **list, const char *id)
{
    if (!*list)
        *list = S_list(c);
    for (size_t i = 0; i < (*list)->n; i++)
        if (strcmp((*list)->items[i]->text, id) == 0)
            return;
    tm_node_list_push(c->a, *list, S_str(c, id));
}

/* The received mail, as a data asset, along its way: sender -> SES ->
 * bucket -> every function the bucket's events invoke. */
static void S_mail_path(S_ctx *c, S_elem *ses, S_flow *put, S_elem *bucket)
{
    const char *id = NULL;
    for (size_t i = 0; i < c->data.len && !id; i++) {
        const char *x = S_text(S_get(c->data.items[i], "name"));
        if (x && strcmp(x, "Received e-mail messages") == 0)
            id = S_text(S_get(c->data.items[i], "id"));
    }
    if (!id) {
        id = S_claim(c, "received-email");
        tm_node *d = S_map(c);
        S_put(c, d, "id", S_str(c, id));
        S_put(c, d, "name", S_str(c, "Received e-mail messages"));
        S_put(c, d, "description",
              S_str(c, "Headers, bodies and attachments anyone on the internet sent to the receiving domain"));
        tm_vec_push(&c->data, d);
    }
    S_add_data(c, &ses->data, id);
    S_add_data(c, &bucket->data, id);
    S_add_data(c, &put->data, id);
    for (size_t i = 0; i < c->flows.len; i++) {
        S_flow *f = c->flows.items[i];
        if ((f->trigger && strcmp(f->from, bucket->id) == 0) || strcmp(f->to, ses->id) == 0)
            S_add_data(c, &f->data, id);
    }
}

/* A bucket policy letting SES put objects: mail from anyone on the
 * internet lands in that bucket (SES receipt rule S3 action). */
static void S_ses_writers(S_ctx *c)
{
    const tm_node *res = c->resources;
    for (size_t i = 0; res && i < res->n; i++) {
        const tm_node *r = res->pairs[i].value;
        const char *type = S_text(S_get(r, "Type"));
        if (!type || strcmp(type, "AWS::S3::BucketPolicy") != 0)
            continue;
        const tm_node *props = S_get(r, "Properties");
        const tm_node *bucket = S_get(props, "Bucket");
        S_elem *b = bucket && bucket->kind == TM_NODE_MAP ? S_ref_elem(c, bucket)
                    : S_text(bucket)                     ? S_find(c, tm_arena_printf(c->a, "s3:%s", bucket->text))
                                                         : NULL;
        const tm_node *sts = S_get(S_get(props, "PolicyDocument"), "Statement");
        for (size_t k = 0; b && sts && sts->kind == TM_NODE_LIST && k < sts->n; k++) {
            const tm_node *st = sts->items[k];
            if (!S_text(S_get(st, "Effect")) || strcmp(S_get(st, "Effect")->text, "Allow") != 0)
                continue;
            tm_node *pr = S_list(c);
            S_principals(c, S_get(st, "Principal"), pr);
            int ses = 0;
            for (size_t x = 0; x < pr->n; x++)
                ses |= strcmp(pr->items[x]->text, "ses.amazonaws.com") == 0;
            tm_node *acts = S_strings(c, S_get(st, "Action"));
            int put = 0;
            for (size_t x = 0; x < acts->n; x++)
                put |= tm_glob_match_nocase(acts->items[x]->text, "s3:PutObject");
            if (!ses || !put)
                continue;
            S_elem *s = S_find(c, "ses:inbound");
            if (!s) {
                s = S_elem_new(c, "ses", "aws.ses", "Amazon SES (inbound mail)", "aws-account", 1);
                s->description = "Receives mail for the account's domains and stores it in S3 (receipt rule)";
                S_key(c, s, "ses", "inbound");
                S_elem *who = S_elem_new(c, "email-sender", "user", "E-mail sender", "internet", 0);
                who->description = "Anyone on the internet who sends mail to the receiving domain";
                S_flow *in = S_flow_new(c, who, s, "Inbound e-mail", "smtp");
                in->port = 25;
                in->auth = 0;
                in->authz = "none";
            }
            S_flow *store = S_aws_flow(c, s, b, "s3:PutObject (received e-mail)", "aws-api", 0);
            S_mail_path(c, s, store, b);
        }
    }
}

/* ===================================================== CloudFormation merge */

/* The flows of a statement in the model's shape (the CloudFormation
 * importer's), whose resources are ARNs or "${Logical}"/"${Logical.Attr}". */
static void S_model_flows(S_ctx *c, S_elem *fn, const tm_node *st)
{
    const char *effect = S_text(S_get(st, "effect"));
    const tm_node *acts = S_get(st, "actions"), *res = S_get(st, "resources");
    if (!effect || strcmp(effect, "allow") != 0 || !acts || acts->kind != TM_NODE_LIST || !res ||
        res->kind != TM_NODE_LIST)
        return;
    for (size_t i = 0; i < res->n; i++) {
        const char *r = S_text(res->items[i]);
        S_elem *t = NULL;
        if (r && S_starts(r, "${")) {
            size_t n = strcspn(r + 2, ".}");
            t = S_find(c, tm_arena_printf(c->a, "logical:%.*s", (int)n, r + 2));
        } else if (r) {
            t = S_arn_elem(c, r, NULL, 0);
        }
        for (size_t a = 0; t && a < acts->n; a++) {
            const char *act = S_text(acts->items[a]);
            int read, write;
            if (!act)
                continue;
            S_direction(act, &read, &write);
            if (write)
                S_use(c, fn, t, act);
            if (read)
                S_use(c, t, fn, act);
        }
    }
}

/* Lower-case letters and digits only: "receiverQueue" ~ "receiver-queue". */
static int S_same_name(const char *a, const char *b)
{
    for (;;) {
        while (*a && !((*a >= 'a' && *a <= 'z') || (*a >= 'A' && *a <= 'Z') || (*a >= '0' && *a <= '9')))
            a++;
        while (*b && !((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || (*b >= '0' && *b <= '9')))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
        a++, b++;
    }
}

typedef struct {
    tm_map *rename; /* CFN import's id -> ours */
    tm_vec boundaries; /* extra boundary nodes */
} S_merge;

static const char *S_renamed(tm_map *rename, const char *id)
{
    const char *r = id ? tm_map_get(rename, id) : NULL;
    return r ? r : id;
}

static const tm_node *S_items(const tm_node *m, const char *key)
{
    const tm_node *l = S_get(m, key);
    return l && l->kind == TM_NODE_LIST ? l : NULL;
}

/* The CloudFormation importer's model of resources.Resources, merged into
 * ours: the same resource (by logical id) becomes one element whose props
 * are the union (ours win); everything else is added with ids kept unique. */
static void S_cfn_merge(S_ctx *c, const tm_node *m, tm_map *rename, tm_vec *extra_boundaries)
{
    const tm_node *l;
    if ((l = S_items(m, "boundaries")) != NULL)
        for (size_t i = 0; i < l->n; i++) {
            const char *id = S_text(S_get(l->items[i], "id"));
            const char *type = S_text(S_get(l->items[i], "type"));
            if (!id)
                continue;
            if (type && strcmp(type, "internet") == 0)
                tm_map_put(rename, id, (void *)"internet");
            else if (type && strcmp(type, "cloud-account") == 0)
                tm_map_put(rename, id, (void *)"aws-account");
            else {
                tm_map_put(rename, id, (void *)S_claim(c, S_slug(c, id)));
                tm_vec_push(extra_boundaries, l->items[i]);
            }
        }
    if ((l = S_items(m, "data")) != NULL)
        for (size_t i = 0; i < l->n; i++) {
            const char *id = S_text(S_get(l->items[i], "id"));
            if (!id)
                continue;
            tm_map_put(rename, id, (void *)S_claim(c, S_slug(c, id)));
            tm_vec_push(&c->data, l->items[i]);
        }
    if ((l = S_items(m, "elements")) != NULL)
        for (size_t i = 0; i < l->n; i++) {
            const tm_node *el = l->items[i];
            const char *id = S_text(S_get(el, "id"));
            if (!id)
                continue;
            S_elem *e = S_find(c, tm_arena_printf(c->a, "logical:%s", id));
            for (size_t k = 0; !e && k < c->elems.len; k++) {
                S_elem *x = c->elems.items[k];
                if (x->logical && !x->raw && S_same_name(x->logical, id))
                    e = x;
            }
            if (e && !e->raw) {
                const tm_node *props = S_get(el, "props");
                for (size_t k = 0; props && props->kind == TM_NODE_MAP && k < props->n; k++)
                    if (!e->props || !tm_node_get(e->props, props->pairs[k].key))
                        S_put(c, S_props(c, e), props->pairs[k].key, props->pairs[k].value);
                if (!e->description && S_text(S_get(el, "description")))
                    e->description = S_get(el, "description")->text;
                tm_map_put(rename, id, (void *)e->id);
                continue;
            }
            const char *type = S_text(S_get(el, "type"));
            const char *bnd = S_renamed(rename, S_text(S_get(el, "boundary")));
            if (type && strcmp(type, "user") == 0 && bnd && strcmp(bnd, "internet") == 0 &&
                (c->client || c->rest_api || c->http_api || c->ws_api)) {
                /* its internet users are ours */
                tm_map_put(rename, id, (void *)S_client(c)->id);
                continue;
            }
            S_elem *x = S_elem_new(c, id, type ? type : "generic.process", S_text(S_get(el, "name")), NULL, 3);
            x->raw = el;
            x->logical = id;
            S_key(c, x, "logical", id);
            tm_map_put(rename, id, (void *)x->id);
        }
    if ((l = S_items(m, "identities")) != NULL)
        for (size_t i = 0; i < l->n; i++) {
            const tm_node *ir = l->items[i];
            const char *id = S_text(S_get(ir, "id"));
            if (!id)
                continue;
            S_ident *r = S_ident_by_logical(c, id);
            for (size_t k = 0; !r && k < c->idents.len; k++) {
                S_ident *x = c->idents.items[k];
                if (x->logical && S_same_name(x->logical, id))
                    r = x;
            }
            if (r) {
                const tm_node *sts = S_items(ir, "statements");
                if (r->from_resources && sts) {
                    r->statements = (tm_node *)sts;
                } else {
                    /* the framework's role with policies attached in resources */
                    for (size_t k = 0; sts && k < sts->n; k++) {
                        int have = 0;
                        for (size_t j = 0; j < r->statements->n && !have; j++)
                            have = tm_node_equal(r->statements->items[j], sts->items[k]);
                        if (!have) {
                            tm_node_list_push(c->a, r->statements, sts->items[k]);
                            for (size_t e = 0; e < c->elems.len; e++) {
                                S_elem *fn = c->elems.items[e];
                                if (fn->rank == 2 && fn->identity && strcmp(fn->identity, r->id) == 0)
                                    S_model_flows(c, fn, sts->items[k]);
                            }
                        }
                    }
                }
                tm_map_put(rename, id, (void *)r->id);
                continue;
            }
            r = S_ident_new(c, id, S_text(S_get(ir, "name")));
            r->raw = ir;
            r->logical = id;
            r->used = 1;
            tm_map_put(rename, id, (void *)r->id);
        }
    if ((l = S_items(m, "flows")) != NULL)
        for (size_t i = 0; i < l->n; i++) {
            const tm_node *fl = l->items[i];
            const char *from = S_renamed(rename, S_text(S_get(fl, "from")));
            const char *to = S_renamed(rename, S_text(S_get(fl, "to")));
            const char *name = S_text(S_get(fl, "name"));
            if (!from || !to || strcmp(from, to) == 0)
                continue;
            /* Between two elements of ours, what the serverless.yml says
             * (each route, each event) is already there and more precise. */
            int dup = 0;
            for (size_t k = 0; k < c->flows.len && !dup; k++) {
                S_flow *f = c->flows.items[k];
                dup = !f->raw && strcmp(f->from, from) == 0 && strcmp(f->to, to) == 0;
            }
            if (dup)
                continue;
            S_flow *f = tm_arena_alloc(c->a, sizeof *f);
            f->from = from;
            f->to = to;
            f->name = name;
            f->raw = fl;
            tm_vec_push(&c->flows, f);
        }
    if ((l = S_items(m, "artifacts")) != NULL)
        for (size_t i = 0; i < l->n; i++) {
            const tm_node *ar = l->items[i];
            const char *type = S_text(S_get(ar, "type"));
            const char *path = S_text(S_get(ar, "path"));
            if (type && strcmp(type, "deployment-script") == 0 && path && strcmp(path, c->file) == 0)
                continue; /* the file itself: the CLI adds it */
            const char *id = S_text(S_get(ar, "id"));
            if (id)
                tm_map_put(rename, id, (void *)S_claim(c, S_slug(c, id)));
            tm_vec_push(&c->artifacts, (void *)ar);
        }
    if ((l = S_items(m, "assumptions")) != NULL)
        for (size_t i = 0; i < l->n; i++)
            tm_vec_push(&c->assumptions, l->items[i]);
}

/* Copy of a raw node (from the CloudFormation import) with ids renamed. */
static tm_node *S_remap_node(S_ctx *c, const tm_node *raw, tm_map *rename)
{
    static const char *const one[] = {"id", "boundary", "identity", "from", "to", "parent"};
    static const char *const many[] = {"data", "defines"};
    tm_node *m = tm_node_new(c->a, TM_NODE_MAP, raw->file, raw->line, raw->col);
    for (size_t i = 0; i < raw->n; i++) {
        const tm_pair *p = &raw->pairs[i];
        tm_node *v = p->value;
        for (size_t k = 0; k < sizeof one / sizeof one[0]; k++)
            if (strcmp(p->key, one[k]) == 0 && S_text(v))
                v = S_str(c, S_renamed(rename, v->text));
        for (size_t k = 0; k < sizeof many / sizeof many[0]; k++)
            if (strcmp(p->key, many[k]) == 0 && v && v->kind == TM_NODE_LIST) {
                tm_node *l = S_list(c);
                for (size_t j = 0; j < v->n; j++)
                    tm_node_list_push(c->a, l, S_text(v->items[j]) ? S_str(c, S_renamed(rename, v->items[j]->text))
                                                                  : v->items[j]);
                v = l;
            }
        tm_node_map_put(c->a, m, p->key, p->line, p->col, v);
    }
    return m;
}

/* ============================================================== assembly */

static int S_elem_order(const void *x, const void *y)
{
    const S_elem *a = *(const S_elem *const *)x, *b = *(const S_elem *const *)y;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void S_put_str(S_ctx *c, tm_node *m, const char *k, const char *v)
{
    if (v)
        S_put(c, m, k, S_str(c, v));
}

static tm_node *S_boundary(S_ctx *c, const char *id, const char *name, const char *type)
{
    tm_node *b = S_map(c);
    S_put_str(c, b, "id", id);
    S_put_str(c, b, "name", name);
    S_put_str(c, b, "type", type);
    return b;
}

static tm_node *S_assemble(S_ctx *c, tm_map *rename, tm_vec *extra_boundaries)
{
    tm_node *root = S_map(c);
    S_put(c, root, "stridec", tm_node_int(c->a, 1));
    tm_node *sys = S_map(c);
    S_put_str(c, sys, "name", c->service);
    S_put_str(c, sys, "description",
              tm_arena_printf(c->a, "Imported from %s (Serverless Framework service %s, provider aws, stage %s, region %s)",
                              c->file, c->service, c->stage, c->region));
    S_put(c, root, "system", sys);

    if (c->data.len) {
        tm_node *data = S_list(c);
        for (size_t i = 0; i < c->data.len; i++)
            tm_node_list_push(c->a, data, S_remap_node(c, c->data.items[i], rename));
        S_put(c, root, "data", data);
    }

    /* elements first: the internet boundary only when something is in it */
    size_t n = c->elems.len;
    S_elem **order = tm_arena_array(c->a, n ? n : 1, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = c->elems.items[i];
    qsort(order, n, sizeof *order, S_elem_order);
    int internet = 0;
    tm_node *elements = S_list(c);
    for (size_t i = 0; i < n; i++) {
        S_elem *e = order[i];
        tm_node *m;
        if (e->raw) {
            m = S_remap_node(c, e->raw, rename);
            S_set(c, m, "id", S_str(c, e->id));
            if (!S_get(m, "boundary"))
                S_put(c, m, "boundary", S_str(c, "aws-account"));
            if (e->props) {
                tm_node *props = (tm_node *)S_get(m, "props");
                if (!props || props->kind != TM_NODE_MAP) {
                    S_set(c, m, "props", e->props);
                } else {
                    tm_node *copy = S_map(c);
                    for (size_t k = 0; k < props->n; k++)
                        S_put(c, copy, props->pairs[k].key, props->pairs[k].value);
                    for (size_t k = 0; k < e->props->n; k++)
                        S_set(c, copy, e->props->pairs[k].key, e->props->pairs[k].value);
                    S_set(c, m, "props", copy);
                }
            }
        } else {
            m = S_map(c);
            S_put_str(c, m, "id", e->id);
            if (e->name && strcmp(e->name, e->id) != 0)
                S_put_str(c, m, "name", e->name);
            S_put_str(c, m, "description", e->description);
            S_put_str(c, m, "type", e->type);
            S_put_str(c, m, "boundary", e->boundary);
            S_put_str(c, m, "identity", e->identity);
            S_put_str(c, m, "origin", e->origin);
            if (e->data)
                S_put(c, m, "data", e->data);
            if (e->props && e->props->n)
                S_put(c, m, "props", e->props);
        }
        const char *b = S_text(S_get(m, "boundary"));
        if (b && strcmp(b, "internet") == 0)
            internet = 1;
        tm_node_list_push(c->a, elements, m);
    }

    tm_node *bounds = S_list(c);
    if (internet)
        tm_node_list_push(c->a, bounds, S_boundary(c, "internet", "Internet", "internet"));
    tm_node_list_push(c->a, bounds,
                      S_boundary(c, "aws-account", tm_arena_printf(c->a, "AWS account (%s)", c->region),
                                 "cloud-account"));
    for (size_t i = 0; i < extra_boundaries->len; i++)
        tm_node_list_push(c->a, bounds, S_remap_node(c, extra_boundaries->items[i], rename));
    S_put(c, root, "boundaries", bounds);
    S_put(c, root, "elements", elements);

    if (c->flows.len) {
        tm_node *flows = S_list(c);
        for (size_t i = 0; i < c->flows.len; i++) {
            S_flow *f = c->flows.items[i];
            const char *id = S_claim_sep(c, tm_arena_printf(c->a, "%s--%s", f->from, f->to), "--");
            tm_node *m;
            if (f->raw) {
                m = S_remap_node(c, f->raw, rename);
                S_set(c, m, "id", S_str(c, id));
                S_set(c, m, "from", S_str(c, f->from));
                S_set(c, m, "to", S_str(c, f->to));
            } else {
                m = S_map(c);
                S_put_str(c, m, "id", id);
                S_put_str(c, m, "from", f->from);
                S_put_str(c, m, "to", f->to);
                if (f->actions)
                    S_put_str(c, m, "name", f->actions->data ? f->actions->data : "");
                else
                    S_put_str(c, m, "name", f->name);
                S_put_str(c, m, "protocol", f->protocol);
                if (f->port)
                    S_put(c, m, "port", tm_node_int(c->a, f->port));
                if (f->data)
                    S_put(c, m, "data", f->data);
                if (f->auth >= 0)
                    S_put(c, m, "authenticated", tm_node_bool(c->a, f->auth));
                if (f->enc >= 0)
                    S_put(c, m, "encrypted", tm_node_bool(c->a, f->enc));
                S_put_str(c, m, "authorization", f->authz);
                if (f->trigger)
                    S_put(c, m, "trigger", tm_node_bool(c->a, 1));
                if (f->props)
                    S_put(c, m, "props", f->props);
            }
            tm_node_list_push(c->a, flows, m);
        }
        S_put(c, root, "flows", flows);
    }

    tm_node *idents = S_list(c);
    for (size_t i = 0; i < c->idents.len; i++) {
        S_ident *r = c->idents.items[i];
        if (!r->used && !r->from_resources)
            continue;
        tm_node *m;
        if (r->raw) {
            m = S_remap_node(c, r->raw, rename);
            S_set(c, m, "id", S_str(c, r->id));
        } else {
            m = S_map(c);
            S_put_str(c, m, "id", r->id);
            if (r->name && strcmp(r->name, r->id) != 0)
                S_put_str(c, m, "name", r->name);
            S_put_str(c, m, "type", "aws.iam.role");
            S_put_str(c, m, "description", r->description);
            if (r->statements->n)
                S_put(c, m, "statements", r->statements);
        }
        tm_node_list_push(c->a, idents, m);
    }
    if (idents->n)
        S_put(c, root, "identities", idents);

    /* artifacts: the plugins, then the CFN import's. The file itself is
     * added by `stridec import` (src/cli/import.c), with its path relative
     * to where the model is written. */
    tm_node *arts = S_list(c);
    const tm_node *pl = S_get(c->root, "plugins");
    const char *local = NULL;
    if (pl && pl->kind == TM_NODE_MAP) {
        local = S_text(S_get(pl, "localPath"));
        pl = S_get(pl, "modules");
    }
    for (size_t i = 0; pl && pl->kind == TM_NODE_LIST && i < pl->n; i++) {
        const char *name = S_text(pl->items[i]);
        if (!name)
            continue;
        int in_house = S_starts(name, "./") || S_starts(name, "../") || (local != NULL);
        tm_node *a = S_map(c);
        const char *bare = name;
        while (*bare == '.' || *bare == '/')
            bare++;
        S_put_str(c, a, "id", S_claim(c, S_slug(c, tm_arena_printf(c->a, "plugin-%s", bare))));
        S_put_str(c, a, "name", name);
        S_put_str(c, a, "type", "plugin");
        S_put_str(c, a, "description", "Serverless Framework plugin (runs with the deployer's credentials)");
        S_put_str(c, a, "origin", in_house ? "in-house" : "open-source");
        tm_node_list_push(c->a, arts, a);
    }
    for (size_t i = 0; i < c->artifacts.len; i++)
        tm_node_list_push(c->a, arts, S_remap_node(c, c->artifacts.items[i], rename));
    if (arts->n)
        S_put(c, root, "artifacts", arts);

    if (c->assumptions.len) {
        tm_node *as = S_list(c);
        for (size_t i = 0; i < c->assumptions.len; i++)
            tm_node_list_push(c->a, as, c->assumptions.items[i]);
        S_put(c, root, "assumptions", as);
    }
    return root;
}

/* ================================================================= entry */

/* The resources section: a map with Resources, or a list of such maps. */
/* A part of the file left to a variable stridec does not resolve
 * (`- ${file(./resources.yml)}`): a warning, and the part is skipped. */
static int S_unfollowed(S_ctx *c, const tm_node *n, const char *what)
{
    if (!n || n->kind != TM_NODE_SCALAR || n->stype != TM_SCALAR_STRING || !strstr(n->text, "${"))
        return 0;
    tm_diag_add(c->d, TM_DIAG_WARNING, "import", c->file, n->line, n->col,
                "%s from '%.*s' are not in the model: stridec reads only this file", what,
                (int)(n->len > 80 ? 80 : n->len), n->text);
    return 1;
}

static const tm_node *S_resources(S_ctx *c, const tm_node *res)
{
    if (!res || S_unfollowed(c, res, "resources"))
        return NULL;
    if (res->kind == TM_NODE_LIST) {
        tm_node *all = tm_node_new(c->a, TM_NODE_MAP, res->file, res->line, res->col);
        for (size_t i = 0; i < res->n; i++) {
            const tm_node *r = S_resources(c, res->items[i]);
            for (size_t k = 0; r && k < r->n; k++)
                tm_node_map_put(c->a, all, r->pairs[k].key, r->pairs[k].line, r->pairs[k].col,
                                r->pairs[k].value);
            if (c->failed)
                return NULL;
        }
        return all->n ? all : NULL;
    }
    if (res->kind != TM_NODE_MAP) {
        S_error(c, res, "'resources' must be a map with 'Resources' (CloudFormation), not %s",
                S_kind(res));
        return NULL;
    }
    const tm_node *r = S_get(res, "Resources");
    if (S_unfollowed(c, r, "resources"))
        return NULL;
    if (r && r->kind != TM_NODE_MAP) {
        S_error(c, r, "'Resources' must be a map of logical ids to resources, not %s", S_kind(r));
        return NULL;
    }
    for (size_t i = 0; r && i < r->n; i++) {
        const tm_node *one = r->pairs[i].value;
        if (!one || one->kind != TM_NODE_MAP || !S_text(S_get(one, "Type"))) {
            tm_node at = {0};
            at.line = r->pairs[i].line, at.col = r->pairs[i].col;
            S_error(c, one && one->kind != TM_NODE_SCALAR ? one : &at,
                    "resource '%s' must be a map with a 'Type' (e.g. AWS::S3::Bucket)", r->pairs[i].key);
            return NULL;
        }
    }
    return r;
}

/* The service's name: `service: name` or (v1) `service: {name: x}`. */
static const char *S_service(S_ctx *c, const tm_node *svc)
{
    const tm_node *s = svc->kind == TM_NODE_MAP ? S_get(svc, "name") : svc;
    const char *t = S_text(s);
    if (!t || !t[0]) {
        S_error(c, s ? s : svc, "'service' must be the service's name");
        return NULL;
    }
    return t;
}

static void S_ctx_free(S_ctx *c)
{
    tm_map_free(c->ids);
    tm_map_free(c->next);
    tm_map_free(c->keys);
    tm_map_free(c->pairs);
    for (size_t i = 0; i < c->flows.len; i++) {
        S_flow *f = c->flows.items[i];
        if (f->actions)
            tm_buf_free(f->actions);
    }
    tm_vec_free(&c->elems);
    tm_vec_free(&c->idents);
    tm_vec_free(&c->flows);
    tm_vec_free(&c->artifacts);
    tm_vec_free(&c->data);
    tm_vec_free(&c->assumptions);
}

/* The CloudFormation part, through the CloudFormation importer. */
static int S_cloudformation(S_ctx *c, tm_map *rename, tm_vec *extra)
{
    const tm_node *res = S_get(c->root, "resources");
    tm_node *tpl = tm_node_new(c->a, TM_NODE_MAP, c->file, res->line, res->col);
    /* Resources the framework generates (event buckets, functions, the
     * role, APIs) that resources.Resources refers to are declared to the
     * CloudFormation importer, so that what it reads about them (a bucket
     * policy, a permission) lands on our element for them. */
    tm_node *all = tm_node_new(c->a, TM_NODE_MAP, c->file, c->resources->line, c->resources->col);
    for (size_t i = 0; i < c->resources->n; i++)
        tm_node_map_put(c->a, all, c->resources->pairs[i].key, c->resources->pairs[i].line,
                        c->resources->pairs[i].col, c->resources->pairs[i].value);
    tm_vec refs = {0};
    S_refs(c->resources, &refs, c->a, 0);
    S_refs(S_get(res, "Outputs"), &refs, c->a, 0);
    for (size_t i = 0; i < refs.len; i++) {
        const char *lid = refs.items[i];
        if (tm_node_get(all, lid))
            continue;
        S_elem *e = S_find(c, tm_arena_printf(c->a, "logical:%s", lid));
        const char *type = NULL, *name_prop = NULL;
        if (e && strcmp(e->type, "aws.s3") == 0)
            type = "AWS::S3::Bucket", name_prop = "BucketName";
        else if (e && strcmp(e->type, "aws.sns") == 0)
            type = "AWS::SNS::Topic", name_prop = "TopicName";
        else if (e && strcmp(e->type, "aws.cognito") == 0)
            type = "AWS::Cognito::UserPool", name_prop = "UserPoolName";
        else if (e && strcmp(e->type, "aws.lambda") == 0)
            type = "AWS::Lambda::Function", name_prop = "FunctionName";
        else if (e && strcmp(e->type, "aws.apigateway") == 0)
            type = strcmp(lid, "ApiGatewayRestApi") == 0 ? "AWS::ApiGateway::RestApi" : "AWS::ApiGatewayV2::Api";
        else if (!e && c->provider_role && c->provider_role->logical && strcmp(lid, c->provider_role->logical) == 0)
            type = "AWS::IAM::Role";
        if (!type)
            continue;
        tm_node *stub = tm_node_new(c->a, TM_NODE_MAP, c->file, res->line, res->col);
        tm_node_map_put(c->a, stub, "Type", res->line, res->col, S_str(c, type));
        tm_node *props = tm_node_new(c->a, TM_NODE_MAP, c->file, res->line, res->col);
        if (name_prop && e->aws_name)
            tm_node_map_put(c->a, props, name_prop, res->line, res->col, S_str(c, e->aws_name));
        else if (name_prop && e->name)
            tm_node_map_put(c->a, props, name_prop, res->line, res->col, S_str(c, e->name));
        tm_node_map_put(c->a, stub, "Properties", res->line, res->col, props);
        tm_node_map_put(c->a, all, lid, res->line, res->col, stub);
    }
    tm_vec_free(&refs);
    tm_node_map_put(c->a, tpl, "Resources", res->line, res->col, all);
    if (res->kind == TM_NODE_MAP) {
        static const char *const keep[] = {"Conditions", "Outputs", "Parameters", "Mappings"};
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
            const tm_pair *p = tm_node_get_pair(res, keep[i]);
            if (p)
                tm_node_map_put(c->a, tpl, p->key, p->line, p->col, p->value);
        }
    }
    tm_diags *dd = tm_diags_new();
    tm_node *m = tm_import_cloudformation(c->a, tpl, c->file, 0, dd);
    int ok = m != NULL;
    if (!m) {
        for (size_t i = 0; i < tm_diags_count(dd); i++) {
            const tm_diag *g = tm_diags_get(dd, i);
            tm_diag_add(c->d, g->severity, g->code, g->file, g->line, g->col, "%s", g->message);
        }
    } else {
        for (size_t i = 0; i < tm_diags_count(dd); i++) {
            const tm_diag *g = tm_diags_get(dd, i);
            if (g->severity != TM_DIAG_ERROR)
                tm_diag_add(c->d, g->severity, g->code, g->file, g->line, g->col, "%s", g->message);
        }
        S_cfn_merge(c, m, rename, extra);
    }
    tm_diags_free(dd);
    if (!ok)
        c->failed = 1;
    return ok;
}

tm_node *tm_import_serverless(tm_arena *arena, const tm_node *root, const char *file, tm_diags *d)
{
    if (!root || root->kind != TM_NODE_MAP || !tm_node_get(root, "service")) {
        tm_diag_add(d, TM_DIAG_ERROR, "import", file, root ? root->line : 1, root ? root->col : 1,
                    "not a serverless.yml: expected a map with 'service', 'provider' and 'functions'");
        return NULL;
    }
    S_ctx cx = {0};
    S_ctx *c = &cx;
    c->a = arena;
    c->file = file;
    c->d = d;
    c->src = root;
    c->rest_auth = c->http_auth = c->ws_auth = -1;
    c->ids = tm_map_new(256);
    c->next = tm_map_new(64);
    c->keys = tm_map_new(256);
    c->pairs = tm_map_new(64);
    tm_map *rename = tm_map_new(64);
    tm_vec extra = {0};
    tm_node *out = NULL;

    const tm_node *svc = S_resolve(c, tm_node_get(root, "service"), 0);
    if (!svc || !(c->service = S_service(c, svc)))
        goto done;
    const tm_node *prov_src = tm_node_get(root, "provider");
    if (prov_src && prov_src->kind != TM_NODE_MAP) {
        S_error(c, prov_src, "'provider' must be a map (name: aws, runtime, region, ...), not %s",
                S_kind(prov_src));
        goto done;
    }
    tm_node *stage = S_stage_node(c, root);
    if (!stage)
        goto done;
    c->stage = stage == &S_unresolved || !S_text(stage) ? "dev" : stage->text;
    c->root = S_resolve(c, root, 0);
    if (!c->root)
        goto done;
    const tm_node *provider = S_get(c->root, "provider");
    const tm_node *pname = S_get(provider, "name");
    if (!provider || !pname) {
        S_error(c, provider ? provider : c->root, "'provider.name' is missing (stridec imports provider aws)");
        goto done;
    }
    if (!S_text(pname) || strcmp(pname->text, "aws") != 0) {
        S_error(c, pname, "provider '%s' is not supported: stridec imports Serverless services on aws",
                S_text(pname) ? pname->text : tm_node_kind_name(pname));
        goto done;
    }
    const char *region = S_text(S_get(provider, "region"));
    c->region = region && !strstr(region, "${") ? region : region ? region : "us-east-1";
    for (const char *const *r = (const char *const[]){"internet", "aws-account", NULL}; *r; r++)
        tm_map_put(c->ids, *r, (void *)1);

    const tm_node *functions = S_get(c->root, "functions");
    if (functions && functions->kind == TM_NODE_LIST) {
        /* functions: [ {a: ...}, ${file(more.yml)} ]: the maps merged */
        tm_node *all = tm_node_new(c->a, TM_NODE_MAP, functions->file, functions->line, functions->col);
        for (size_t i = 0; i < functions->n; i++) {
            const tm_node *f = functions->items[i];
            if (S_unfollowed(c, f, "functions"))
                continue;
            if (f->kind != TM_NODE_MAP) {
                S_error(c, f, "an item of the 'functions' list must be a map of function names to their "
                              "settings, not %s", S_kind(f));
                goto done;
            }
            for (size_t k = 0; k < f->n; k++) {
                if (tm_node_get(all, f->pairs[k].key)) {
                    tm_node at = {0};
                    at.line = f->pairs[k].line, at.col = f->pairs[k].col;
                    S_error(c, &at, "function '%s' is defined twice", f->pairs[k].key);
                    goto done;
                }
                tm_node_map_put(c->a, all, f->pairs[k].key, f->pairs[k].line, f->pairs[k].col,
                                f->pairs[k].value);
            }
        }
        functions = all;
    }
    if (S_unfollowed(c, functions, "functions"))
        functions = NULL;
    if (functions && functions->kind != TM_NODE_MAP &&
        !(functions->kind == TM_NODE_SCALAR && functions->stype == TM_SCALAR_NULL)) {
        S_error(c, functions, "'functions' must be a map of function names to their settings, not %s",
                S_kind(functions));
        goto done;
    }
    const tm_node *res = S_get(c->root, "resources");
    if (res) {
        c->resources = S_resources(c, res);
        if (c->failed)
            goto done;
    }
    if (c->resources)
        S_cfn_pass(c);
    for (size_t i = 0; functions && functions->kind == TM_NODE_MAP && i < functions->n && !c->failed; i++)
        S_function(c, &functions->pairs[i], provider);
    if (c->failed)
        goto done;
    S_api_settings(c, provider);
    if (c->resources)
        S_ses_writers(c);
    /* flows from IAM statements and environment variables */
    size_t nel = c->elems.len;
    for (size_t i = 0; i < nel; i++) {
        S_elem *e = c->elems.items[i];
        if (e->rank != 2 || !e->identity)
            continue;
        for (size_t k = 0; k < c->idents.len; k++) {
            S_ident *r = c->idents.items[k];
            if (strcmp(r->id, e->identity) == 0)
                for (int s = 0; s < r->nsrc; s++)
                    S_iam_flows(c, e, r->src[s]);
        }
    }
    for (size_t i = 0; functions && functions->kind == TM_NODE_MAP && i < functions->n; i++) {
        S_elem *e = S_find(c, tm_arena_printf(c->a, "function:%s", functions->pairs[i].key));
        if (!e)
            continue;
        S_env_flows(c, e, S_get(provider, "environment"));
        S_env_flows(c, e, S_get(functions->pairs[i].value, "environment"));
    }
    if (c->resources && !S_cloudformation(c, rename, &extra))
        goto done;
    if (c->failed)
        goto done;
    out = S_assemble(c, rename, &extra);
done:
    tm_vec_free(&extra);
    tm_map_free(rename);
    S_ctx_free(c);
    return c->failed ? NULL : out;
}
