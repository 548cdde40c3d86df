/* A small JSON Schema validator for the tests (see jsonschema.h). */
#include "jsonschema.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $ref chains deeper than this are taken for a cycle ({"$ref": "#"}). */
#define S_MAX_REF_DEPTH 64

typedef struct {
    const tm_node *root; /* the schema document, for $ref */
    tm_buf *errors;      /* NULL: count only */
    tm_buf path;         /* JSON pointer of the value being checked */
    unsigned ref_depth;
} S_ctx;

static int S_validate(S_ctx *c, const tm_node *schema, const tm_node *doc);

/* ------------------------------------------------------------ helpers */

static void S_error(S_ctx *c, const char *fmt, ...) TM_PRINTF(2, 3);
static void S_error(S_ctx *c, const char *fmt, ...)
{
    if (!c->errors)
        return;
    tm_buf_puts(c->errors, c->path.len ? c->path.data : "(root)");
    tm_buf_puts(c->errors, ": ");
    va_list ap;
    va_start(ap, fmt);
    tm_buf_vprintf(c->errors, fmt, ap);
    va_end(ap);
    tm_buf_putc(c->errors, '\n');
}

/* Append one reference token to the pointer (RFC 6901: '~' -> "~0", '/' -> "~1");
 * returns the previous length for S_pop. */
static size_t S_push(S_ctx *c, const char *token)
{
    size_t old = c->path.len;
    tm_buf_putc(&c->path, '/');
    for (const char *p = token; *p; p++) {
        if (*p == '~')
            tm_buf_puts(&c->path, "~0");
        else if (*p == '/')
            tm_buf_puts(&c->path, "~1");
        else
            tm_buf_putc(&c->path, *p);
    }
    return old;
}

static size_t S_push_index(S_ctx *c, size_t i)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", i);
    return S_push(c, num);
}

static void S_pop(S_ctx *c, size_t old)
{
    c->path.len = old;
    c->path.data[old] = '\0';
}

static int S_is_string(const tm_node *n)
{
    return n->kind == TM_NODE_SCALAR && (n->stype == TM_SCALAR_STRING || n->stype == TM_SCALAR_TEXT);
}

static int S_is_number(const tm_node *n)
{
    return n->kind == TM_NODE_SCALAR && (n->stype == TM_SCALAR_INT || n->stype == TM_SCALAR_FLOAT);
}

static double S_number(const tm_node *n)
{
    return n->stype == TM_SCALAR_INT ? (double)n->ival : n->fval;
}

/* The JSON Schema type name of a value ("integer" for whole numbers). */
static const char *S_type_of(const tm_node *n)
{
    if (n->kind == TM_NODE_MAP)
        return "object";
    if (n->kind == TM_NODE_LIST)
        return "array";
    switch (n->stype) {
    case TM_SCALAR_NULL:
        return "null";
    case TM_SCALAR_BOOL:
        return "boolean";
    case TM_SCALAR_INT:
        return "integer";
    case TM_SCALAR_FLOAT:
        return (isfinite(n->fval) && n->fval == floor(n->fval)) ? "integer" : "number";
    default:
        return "string";
    }
}

static int S_has_type(const tm_node *n, const char *type)
{
    const char *t = S_type_of(n);
    if (strcmp(type, t) == 0)
        return 1;
    return strcmp(type, "number") == 0 && strcmp(t, "integer") == 0;
}

/* JSON equality: numbers by value, strings by text, objects ignoring key order. */
static int S_equal(const tm_node *a, const tm_node *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == TM_NODE_LIST) {
        if (a->n != b->n)
            return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!S_equal(a->items[i], b->items[i]))
                return 0;
        return 1;
    }
    if (a->kind == TM_NODE_MAP) {
        if (a->n != b->n)
            return 0;
        for (size_t i = 0; i < a->n; i++) {
            const tm_node *v = tm_node_get(b, a->pairs[i].key);
            if (!v || !S_equal(a->pairs[i].value, v))
                return 0;
        }
        return 1;
    }
    if (S_is_number(a) && S_is_number(b))
        return S_number(a) == S_number(b);
    if (S_is_string(a) && S_is_string(b))
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    if (a->stype != b->stype)
        return 0;
    if (a->stype == TM_SCALAR_BOOL)
        return !a->bval == !b->bval;
    return a->stype == TM_SCALAR_NULL;
}

/* A short rendering of a value for messages. */
static void S_show(tm_buf *b, const tm_node *n)
{
    if (n->kind != TM_NODE_SCALAR) {
        tm_buf_puts(b, n->kind == TM_NODE_MAP ? "an object" : "an array");
        return;
    }
    if (S_is_string(n)) {
        tm_buf_putc(b, '"');
        size_t len = n->len > 60 ? 60 : n->len;
        tm_buf_put(b, n->text, len);
        tm_buf_puts(b, len < n->len ? "...\"" : "\"");
        return;
    }
    if (n->stype == TM_SCALAR_NULL)
        tm_buf_puts(b, "null");
    else if (n->stype == TM_SCALAR_BOOL)
        tm_buf_puts(b, n->bval ? "true" : "false");
    else
        tm_buf_puts(b, n->text);
}

/* Message "<value> <rest>" built in a scratch buffer. */
static void S_error_value(S_ctx *c, const tm_node *v, const char *rest)
{
    if (!c->errors)
        return;
    tm_buf b;
    tm_buf_init(&b, 4096);
    S_show(&b, v);
    S_error(c, "%s %s", b.data ? b.data : "", rest);
    tm_buf_free(&b);
}

/* Resolve "#" or "#/a/b~1c" against the schema root. */
static const tm_node *S_resolve(const tm_node *root, const char *ref)
{
    if (ref[0] != '#')
        return NULL;
    const tm_node *n = root;
    const char *p = ref + 1;
    while (*p) {
        if (*p != '/')
            return NULL;
        p++;
        tm_buf tok;
        tm_buf_init(&tok, 4096);
        while (*p && *p != '/') {
            if (p[0] == '~' && p[1] == '0')
                tm_buf_putc(&tok, '~'), p += 2;
            else if (p[0] == '~' && p[1] == '1')
                tm_buf_putc(&tok, '/'), p += 2;
            else
                tm_buf_putc(&tok, *p++);
        }
        const char *key = tok.data ? tok.data : "";
        if (n->kind == TM_NODE_MAP) {
            n = tm_node_get(n, key);
        } else if (n->kind == TM_NODE_LIST) {
            char *end;
            unsigned long i = strtoul(key, &end, 10);
            n = (*key && !*end && i < n->n) ? n->items[i] : NULL;
        } else {
            n = NULL;
        }
        tm_buf_free(&tok);
        if (!n)
            return NULL;
    }
    return n;
}

/* Count violations of `schema` at `doc` without reporting them; the first
 * message goes to *first (caller frees) when first is not NULL. */
static int S_count(S_ctx *c, const tm_node *schema, const tm_node *doc, char **first)
{
    tm_buf sub;
    tm_buf_init(&sub, 0);
    S_ctx t = *c;
    t.errors = first ? &sub : NULL;
    /* Share the path buffer: sub-validation pushes and pops symmetrically. */
    int n = S_validate(&t, schema, doc);
    c->path = t.path;
    if (first) {
        char *nl = sub.data ? strchr(sub.data, '\n') : NULL;
        if (nl)
            *nl = '\0';
        *first = sub.data ? tm_buf_detach(&sub) : NULL;
    }
    tm_buf_free(&sub);
    return n;
}

/* --------------------------------------------------------- keywords */

static int S_kw_type(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (S_is_string(kw)) {
        if (S_has_type(doc, kw->text))
            return 0;
        S_error(c, "expected %s, found %s", kw->text, S_type_of(doc));
        return 1;
    }
    if (kw->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < kw->n; i++) {
            if (!S_is_string(kw->items[i])) {
                S_error(c, "schema error: 'type' lists a non-string");
                return 1;
            }
            if (S_has_type(doc, kw->items[i]->text))
                return 0;
        }
        tm_buf want;
        tm_buf_init(&want, 4096);
        for (size_t i = 0; i < kw->n; i++)
            tm_buf_printf(&want, "%s%s", i ? " or " : "", kw->items[i]->text);
        S_error(c, "expected %s, found %s", want.data ? want.data : "nothing", S_type_of(doc));
        tm_buf_free(&want);
        return 1;
    }
    S_error(c, "schema error: 'type' must be a string or a list");
    return 1;
}

static int S_kw_enum(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (kw->kind != TM_NODE_LIST) {
        S_error(c, "schema error: 'enum' must be a list");
        return 1;
    }
    for (size_t i = 0; i < kw->n; i++)
        if (S_equal(kw->items[i], doc))
            return 0;
    if (c->errors) {
        tm_buf allowed;
        tm_buf_init(&allowed, 0);
        tm_buf_puts(&allowed, "is not one of ");
        for (size_t i = 0; i < kw->n; i++) {
            if (i)
                tm_buf_puts(&allowed, ", ");
            S_show(&allowed, kw->items[i]);
        }
        S_error_value(c, doc, allowed.data);
        tm_buf_free(&allowed);
    }
    return 1;
}

static int S_kw_required(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (kw->kind != TM_NODE_LIST) {
        S_error(c, "schema error: 'required' must be a list");
        return 1;
    }
    if (doc->kind != TM_NODE_MAP)
        return 0;
    int n = 0;
    for (size_t i = 0; i < kw->n; i++) {
        const tm_node *k = kw->items[i];
        if (!S_is_string(k)) {
            S_error(c, "schema error: 'required' lists a non-string");
            n++;
        } else if (!tm_node_get(doc, k->text)) {
            S_error(c, "missing required key '%s'", k->text);
            n++;
        }
    }
    return n;
}

static int S_kw_properties(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (kw->kind != TM_NODE_MAP) {
        S_error(c, "schema error: 'properties' must be an object");
        return 1;
    }
    if (doc->kind != TM_NODE_MAP)
        return 0;
    int n = 0;
    for (size_t i = 0; i < doc->n; i++) {
        const tm_node *sub = tm_node_get(kw, doc->pairs[i].key);
        if (!sub)
            continue;
        size_t old = S_push(c, doc->pairs[i].key);
        n += S_validate(c, sub, doc->pairs[i].value);
        S_pop(c, old);
    }
    return n;
}

static int S_kw_additional(S_ctx *c, const tm_node *kw, const tm_node *props, const tm_node *doc)
{
    if (doc->kind != TM_NODE_MAP)
        return 0;
    int n = 0;
    for (size_t i = 0; i < doc->n; i++) {
        const char *key = doc->pairs[i].key;
        if (props && props->kind == TM_NODE_MAP && tm_node_get(props, key))
            continue;
        size_t old = S_push(c, key);
        if (kw->kind == TM_NODE_SCALAR && kw->stype == TM_SCALAR_BOOL && !kw->bval) {
            S_error(c, "unexpected key '%s'", key);
            n++;
        } else {
            n += S_validate(c, kw, doc->pairs[i].value);
        }
        S_pop(c, old);
    }
    return n;
}

static int S_kw_items(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (kw->kind == TM_NODE_LIST) {
        S_error(c, "unsupported schema keyword 'items' with a list (use prefixItems)");
        return 1;
    }
    if (doc->kind != TM_NODE_LIST)
        return 0;
    int n = 0;
    for (size_t i = 0; i < doc->n; i++) {
        size_t old = S_push_index(c, i);
        n += S_validate(c, kw, doc->items[i]);
        S_pop(c, old);
    }
    return n;
}

static int S_kw_unique(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (doc->kind != TM_NODE_LIST || kw->kind != TM_NODE_SCALAR || kw->stype != TM_SCALAR_BOOL ||
        !kw->bval)
        return 0;
    for (size_t i = 0; i < doc->n; i++)
        for (size_t j = i + 1; j < doc->n; j++)
            if (S_equal(doc->items[i], doc->items[j])) {
                S_error(c, "items %zu and %zu are equal (uniqueItems)", i, j);
                return 1;
            }
    return 0;
}

static int S_kw_pattern(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (!S_is_string(kw)) {
        S_error(c, "schema error: 'pattern' must be a string");
        return 1;
    }
    if (!S_is_string(doc))
        return 0;
    regex_t re;
    if (regcomp(&re, kw->text, REG_EXTENDED | REG_NOSUB) != 0) {
        S_error(c, "schema error: pattern '%s' is not a POSIX extended regular expression",
                kw->text);
        return 1;
    }
    int ok = regexec(&re, doc->text, 0, NULL, 0) == 0;
    regfree(&re);
    if (ok)
        return 0;
    if (c->errors) {
        tm_buf m;
        tm_buf_init(&m, 0);
        tm_buf_printf(&m, "does not match the pattern %s", kw->text);
        S_error_value(c, doc, m.data);
        tm_buf_free(&m);
    }
    return 1;
}

/* minLength, maxLength, minItems, maxItems: `which` names the keyword. */
static int S_kw_size(S_ctx *c, const char *which, const tm_node *kw, const tm_node *doc)
{
    if (kw->kind != TM_NODE_SCALAR || kw->stype != TM_SCALAR_INT || kw->ival < 0) {
        S_error(c, "schema error: '%s' must be a non-negative integer", which);
        return 1;
    }
    int is_len = strstr(which, "Length") != NULL;
    size_t size;
    if (is_len && S_is_string(doc))
        size = tm_utf8_len(doc->text, doc->len);
    else if (!is_len && doc->kind == TM_NODE_LIST)
        size = doc->n;
    else
        return 0;
    int is_min = strncmp(which, "min", 3) == 0;
    size_t limit = (size_t)kw->ival;
    if (is_min ? size >= limit : size <= limit)
        return 0;
    S_error(c, "%s %zu %s, %s is %zu", is_len ? "length" : "item count", size,
            is_min ? "is too small" : "is too large", which, limit);
    return 1;
}

static int S_kw_bound(S_ctx *c, const char *which, const tm_node *kw, const tm_node *doc)
{
    if (!S_is_number(kw)) {
        S_error(c, "schema error: '%s' must be a number", which);
        return 1;
    }
    if (!S_is_number(doc))
        return 0;
    double v = S_number(doc), b = S_number(kw);
    int ok;
    if (strcmp(which, "minimum") == 0)
        ok = v >= b;
    else if (strcmp(which, "maximum") == 0)
        ok = v <= b;
    else if (strcmp(which, "exclusiveMinimum") == 0)
        ok = v > b;
    else
        ok = v < b;
    if (ok)
        return 0;
    if (c->errors) {
        tm_buf m;
        tm_buf_init(&m, 0);
        tm_buf_printf(&m, "violates %s %s", which, kw->text);
        S_error_value(c, doc, m.data);
        tm_buf_free(&m);
    }
    return 1;
}

static int S_kw_ref(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (!S_is_string(kw)) {
        S_error(c, "schema error: '$ref' must be a string");
        return 1;
    }
    const tm_node *target = S_resolve(c->root, kw->text);
    if (!target) {
        S_error(c, "schema error: cannot resolve $ref '%s' (only \"#/...\" pointers)", kw->text);
        return 1;
    }
    if (c->ref_depth >= S_MAX_REF_DEPTH) {
        S_error(c, "schema error: $ref '%s' nested deeper than %d (a cycle?)", kw->text,
                S_MAX_REF_DEPTH);
        return 1;
    }
    c->ref_depth++;
    int n = S_validate(c, target, doc);
    c->ref_depth--;
    return n;
}

/* allOf, anyOf, oneOf. */
static int S_kw_combine(S_ctx *c, const char *which, const tm_node *kw, const tm_node *doc)
{
    if (kw->kind != TM_NODE_LIST || kw->n == 0) {
        S_error(c, "schema error: '%s' must be a non-empty list", which);
        return 1;
    }
    if (strcmp(which, "allOf") == 0) {
        int n = 0;
        for (size_t i = 0; i < kw->n; i++)
            n += S_validate(c, kw->items[i], doc);
        return n;
    }
    size_t matches = 0;
    tm_buf why;
    tm_buf_init(&why, 0);
    for (size_t i = 0; i < kw->n; i++) {
        char *first = NULL;
        if (S_count(c, kw->items[i], doc, c->errors ? &first : NULL) == 0)
            matches++;
        else if (first)
            tm_buf_printf(&why, "; alternative %zu: %s", i, first);
        free(first);
    }
    int bad = strcmp(which, "anyOf") == 0 ? matches == 0 : matches != 1;
    if (bad) {
        if (matches == 0)
            S_error(c, "matches none of the %s alternatives%s", which, why.data ? why.data : "");
        else
            S_error(c, "matches %zu of the oneOf alternatives, exactly one is required", matches);
    }
    tm_buf_free(&why);
    return bad;
}

static int S_kw_not(S_ctx *c, const tm_node *kw, const tm_node *doc)
{
    if (S_count(c, kw, doc, NULL) != 0)
        return 0;
    S_error(c, "matches the schema under 'not'");
    return 1;
}

/* ------------------------------------------------------------ driver */

/* "id" is draft-04's "$id" (the SARIF 2.1.0 schema is a draft-04 schema). */
static const char *const S_annotations[] = {
    "$schema", "$id",      "$comment", "$defs",    "definitions", "title",
    "description", "default", "examples", "format", "deprecated",  "readOnly",
    "writeOnly", "id",
};

static int S_is_annotation(const char *k)
{
    for (size_t i = 0; i < sizeof S_annotations / sizeof S_annotations[0]; i++)
        if (strcmp(k, S_annotations[i]) == 0)
            return 1;
    return 0;
}

static int S_validate(S_ctx *c, const tm_node *schema, const tm_node *doc)
{
    if (schema->kind == TM_NODE_SCALAR && schema->stype == TM_SCALAR_BOOL) {
        if (schema->bval)
            return 0;
        S_error(c, "no value is allowed here (schema false)");
        return 1;
    }
    if (schema->kind != TM_NODE_MAP) {
        S_error(c, "schema error: a schema must be an object or a boolean");
        return 1;
    }
    int n = 0;
    for (size_t i = 0; i < schema->n; i++) {
        const char *k = schema->pairs[i].key;
        const tm_node *kw = schema->pairs[i].value;
        if (S_is_annotation(k))
            continue;
        else if (strcmp(k, "type") == 0)
            n += S_kw_type(c, kw, doc);
        else if (strcmp(k, "enum") == 0)
            n += S_kw_enum(c, kw, doc);
        else if (strcmp(k, "const") == 0) {
            if (!S_equal(kw, doc)) {
                if (c->errors) {
                    tm_buf m;
                    tm_buf_init(&m, 0);
                    tm_buf_puts(&m, "is not the constant ");
                    S_show(&m, kw);
                    S_error_value(c, doc, m.data);
                    tm_buf_free(&m);
                }
                n++;
            }
        } else if (strcmp(k, "required") == 0)
            n += S_kw_required(c, kw, doc);
        else if (strcmp(k, "properties") == 0)
            n += S_kw_properties(c, kw, doc);
        else if (strcmp(k, "additionalProperties") == 0)
            n += S_kw_additional(c, kw, tm_node_get(schema, "properties"), doc);
        else if (strcmp(k, "items") == 0)
            n += S_kw_items(c, kw, doc);
        else if (strcmp(k, "uniqueItems") == 0)
            n += S_kw_unique(c, kw, doc);
        else if (strcmp(k, "pattern") == 0)
            n += S_kw_pattern(c, kw, doc);
        else if (strcmp(k, "minLength") == 0 || strcmp(k, "maxLength") == 0 ||
                 strcmp(k, "minItems") == 0 || strcmp(k, "maxItems") == 0)
            n += S_kw_size(c, k, kw, doc);
        else if (strcmp(k, "minimum") == 0 || strcmp(k, "maximum") == 0 ||
                 strcmp(k, "exclusiveMinimum") == 0 || strcmp(k, "exclusiveMaximum") == 0)
            n += S_kw_bound(c, k, kw, doc);
        else if (strcmp(k, "$ref") == 0)
            n += S_kw_ref(c, kw, doc);
        else if (strcmp(k, "allOf") == 0 || strcmp(k, "anyOf") == 0 || strcmp(k, "oneOf") == 0)
            n += S_kw_combine(c, k, kw, doc);
        else if (strcmp(k, "not") == 0)
            n += S_kw_not(c, kw, doc);
        else {
            S_error(c, "unsupported schema keyword '%s'", k);
            n++;
        }
    }
    return n;
}

int tu_schema_validate(const tm_node *schema, const tm_node *doc, tm_buf *errors)
{
    S_ctx c;
    memset(&c, 0, sizeof c);
    c.root = schema;
    c.errors = errors;
    tm_buf_init(&c.path, 0);
    tm_buf_puts(&c.path, ""); /* allocate, so path.data is never NULL */
    int n = S_validate(&c, schema, doc);
    tm_buf_free(&c.path);
    return n;
}
