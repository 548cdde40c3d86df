/*
 * Matching of IAM action and resource patterns (iam.h, "matching").
 *
 * Both sides may hold wildcards (* and ?) and unresolved ${...} parts, so
 * the answer is three-valued:
 *   YES    every string the subject stands for matches the pattern
 *          (the pattern "covers" it; an unresolved part covers only the same
 *          unresolved part),
 *   MAYBE  some string matches both (the two overlap, an unresolved part
 *          counting as any run of characters),
 *   NO     no string matches both.
 * Both tests are the usual wildcard dynamic programme over tokens, kept to
 * two rows, so time is O(n*m) and memory O(m); past TM_IAM_MAX_MATCH_CELLS
 * the answer is MAYBE (never a wrong YES or NO).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "iam/iam_impl.h"

#ifndef TM_IAM_MAX_MATCH_CELLS
#define TM_IAM_MAX_MATCH_CELLS (64u * 1024u * 1024u)
#endif

/* ------------------------------------------------------------- tokens */

typedef enum { T_LIT, T_STAR, T_QMARK, T_UNK } S_kind;

typedef struct {
    S_kind kind;
    unsigned char c;  /* T_LIT */
    const char *text; /* T_UNK: the "${...}" text and its length */
    size_t len;
} S_tok;

typedef struct {
    S_tok *t;
    size_t n;
    int wild; /* holds * or ? */
    int unk;  /* holds ${...} */
} S_toks;

/* The end of a ${...} starting at s (nested ${} allowed), or NULL when it
 * does not close. */
static const char *S_placeholder_end(const char *s)
{
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (p[0] == '$' && p[1] == '{') {
            depth++;
            p++;
        } else if (*p == '}' && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

static void S_tokenize(const char *s, S_toks *out)
{
    size_t len = strlen(s);
    out->t = tm_xmalloc((len + 1) * sizeof *out->t);
    out->n = 0;
    out->wild = out->unk = 0;
    for (const char *p = s; *p;) {
        S_tok *t = &out->t[out->n++];
        memset(t, 0, sizeof *t);
        const char *end;
        if (p[0] == '$' && p[1] == '{' && (end = S_placeholder_end(p)) != NULL) {
            t->kind = T_UNK;
            t->text = p;
            t->len = (size_t)(end - p);
            out->unk = 1;
            p = end;
        } else if (*p == '*') {
            t->kind = T_STAR;
            out->wild = 1;
            p++;
        } else if (*p == '?') {
            t->kind = T_QMARK;
            out->wild = 1;
            p++;
        } else {
            t->kind = T_LIT;
            t->c = (unsigned char)*p++;
        }
    }
}

static int S_lit_eq(unsigned char a, unsigned char b, int nocase)
{
    return nocase ? tolower(a) == tolower(b) : a == b;
}

/* p[i] covers exactly the one subject token s[j] (stars are handled apart). */
static int S_cover1(const S_tok *p, const S_tok *s, int nocase)
{
    switch (p->kind) {
    case T_QMARK:
        return s->kind == T_LIT || s->kind == T_QMARK;
    case T_LIT:
        return s->kind == T_LIT && S_lit_eq(p->c, s->c, nocase);
    case T_UNK:
        return s->kind == T_UNK && s->len == p->len && memcmp(s->text, p->text, p->len) == 0;
    default:
        return 0;
    }
}

/* Some character string matches both tokens (neither a star or unknown). */
static int S_overlap1(const S_tok *p, const S_tok *s, int nocase)
{
    if (p->kind == T_QMARK || s->kind == T_QMARK)
        return 1;
    return S_lit_eq(p->c, s->c, nocase);
}

static int S_is_any(const S_tok *t)
{
    return t->kind == T_STAR || t->kind == T_UNK;
}

/* 1 when p covers s, 0 when not, -1 when too large to decide. */
static int S_covers(const S_toks *p, const S_toks *s, int nocase)
{
    size_t n = p->n, m = s->n;
    if ((double)(n + 1) * (double)(m + 1) > TM_IAM_MAX_MATCH_CELLS)
        return -1;
    unsigned char *prev = calloc(m + 1, 1), *cur = calloc(m + 1, 1);
    if (!prev || !cur)
        abort();
    prev[0] = 1;
    for (size_t i = 1; i <= n; i++) {
        const S_tok *pt = &p->t[i - 1];
        cur[0] = pt->kind == T_STAR && prev[0];
        for (size_t j = 1; j <= m; j++) {
            if (pt->kind == T_STAR)
                cur[j] = prev[j] || cur[j - 1];
            else
                cur[j] = prev[j - 1] && S_cover1(pt, &s->t[j - 1], nocase);
        }
        unsigned char *t = prev;
        prev = cur;
        cur = t;
    }
    int r = prev[m];
    free(prev);
    free(cur);
    return r;
}

/* 1 when some string matches both (unknowns as stars), 0 when none, -1
 * when too large to decide. */
static int S_overlaps(const S_toks *p, const S_toks *s, int nocase)
{
    size_t n = p->n, m = s->n;
    if ((double)(n + 1) * (double)(m + 1) > TM_IAM_MAX_MATCH_CELLS)
        return -1;
    unsigned char *prev = calloc(m + 1, 1), *cur = calloc(m + 1, 1);
    if (!prev || !cur)
        abort();
    prev[0] = 1;
    for (size_t j = 1; j <= m; j++)
        prev[j] = prev[j - 1] && S_is_any(&s->t[j - 1]);
    for (size_t i = 1; i <= n; i++) {
        const S_tok *pt = &p->t[i - 1];
        cur[0] = prev[0] && S_is_any(pt);
        for (size_t j = 1; j <= m; j++) {
            const S_tok *st = &s->t[j - 1];
            int v = 0;
            if (S_is_any(pt))
                v = prev[j] || cur[j - 1];
            if (!v && S_is_any(st))
                v = cur[j - 1] || prev[j];
            if (!v && !S_is_any(pt) && !S_is_any(st))
                v = prev[j - 1] && S_overlap1(pt, st, nocase);
            cur[j] = (unsigned char)v;
        }
        unsigned char *t = prev;
        prev = cur;
        cur = t;
    }
    int r = prev[m];
    free(prev);
    free(cur);
    return r;
}

tm_iam_match tm_iam_glob(const char *pattern, const char *subject, int nocase)
{
    if (!pattern || !subject)
        return TM_IAM_MAYBE;
    if (strcmp(pattern, "*") == 0)
        return TM_IAM_YES;
    /* Fast paths (most calls): a plain subject against a pattern without
     * unknowns is the ordinary glob. */
    if (!strpbrk(subject, "*?$")) {
        if (!strchr(pattern, '$'))
            return (nocase ? tm_glob_match_nocase(pattern, subject)
                           : tm_glob_match(pattern, subject))
                       ? TM_IAM_YES
                       : TM_IAM_NO;
    }
    S_toks p, s;
    S_tokenize(pattern, &p);
    S_tokenize(subject, &s);
    tm_iam_match r;
    int c = S_covers(&p, &s, nocase);
    if (c == 1) {
        r = TM_IAM_YES;
    } else {
        int o = S_overlaps(&p, &s, nocase);
        if (o == 0)
            r = TM_IAM_NO;
        else
            r = TM_IAM_MAYBE; /* overlap, or too large to tell */
    }
    free(p.t);
    free(s.t);
    return r;
}

int tm_iam_nieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* ------------------------------------------------------------- actions */

tm_iam_match tm_iam_action_match(const char *pattern, const char *action)
{
    return tm_iam_glob(pattern, action, 1);
}

/* ----------------------------------------------------------------- ARNs */

int tm_iam_arn_split(const char *s, tm_arena *arena, const char *f[6])
{
    if (strncmp(s, "arn:", 4) != 0)
        return 0;
    const char *start = s;
    int field = 0;
    for (const char *p = s; *p && field < 5;) {
        const char *end;
        if (p[0] == '$' && p[1] == '{' && (end = S_placeholder_end(p)) != NULL) {
            p = end;
        } else if (*p == ':') {
            f[field++] = tm_arena_strndup(arena, start, (size_t)(p - start));
            start = ++p;
        } else {
            p++;
        }
    }
    if (field < 5)
        return 0;
    f[5] = tm_arena_strdup(arena, start);
    return 1;
}

/* The pseudo-parameter that stands for this stack's own value of an ARN
 * field: a field holding it matches any value of the other side (the stack
 * is taken to live where the other side says). */
static const char *const S_own_field[6] = {NULL, "${AWS::Partition}", NULL, "${AWS::Region}",
                                           "${AWS::AccountId}", NULL};

static tm_iam_match S_min(tm_iam_match a, tm_iam_match b)
{
    return a < b ? a : b;
}

static int S_has_unknown(const char *s)
{
    const char *p = strstr(s, "${");
    return p && S_placeholder_end(p) != NULL;
}

tm_iam_match tm_arn_match(const char *pattern, const char *resource)
{
    if (!pattern || !resource)
        return TM_IAM_MAYBE;
    if (strcmp(pattern, "*") == 0)
        return TM_IAM_YES;
    if (strcmp(pattern, resource) == 0)
        return TM_IAM_YES;
    tm_arena *a = tm_arena_new();
    const char *pf[6], *rf[6];
    static const char *const any[6] = {"arn", "*", "*", "*", "*", "*"};
    int p_arn = tm_iam_arn_split(pattern, a, pf);
    int r_arn = tm_iam_arn_split(resource, a, rf);
    if (!r_arn && strcmp(resource, "*") == 0) {
        memcpy(rf, any, sizeof rf);
        r_arn = 1;
    }
    tm_iam_match r;
    if (p_arn && r_arn) {
        r = TM_IAM_YES;
        for (int i = 1; i < 6 && r != TM_IAM_NO; i++) {
            if (S_own_field[i] &&
                (strcmp(pf[i], S_own_field[i]) == 0 || strcmp(rf[i], S_own_field[i]) == 0))
                continue;
            r = S_min(r, tm_iam_glob(pf[i], rf[i], i == 2));
        }
    } else if (!p_arn && !r_arn) {
        r = tm_iam_glob(pattern, resource, 0);
    } else {
        /* One side is an ARN, the other is not: only an unresolved value
         * (a whole "${QueueArn}") may still turn out to be it. */
        r = S_has_unknown(p_arn ? resource : pattern) ? TM_IAM_MAYBE : TM_IAM_NO;
    }
    tm_arena_free(a);
    return r;
}

/* ---------------------------------------------------------- describing */

static int S_has_wild(const char *s)
{
    return strchr(s, '*') || strchr(s, '?');
}

/* Match a resource field against a format ("table/{name}/index/{key}"):
 * 1 and the placeholders' values (name, other) when it fits. */
static int S_format_match(const char *format, const char *res, tm_arena *a, const char **name,
                          int *other_wild)
{
    const char *f = format, *r = res;
    *name = NULL;
    *other_wild = 0;
    while (*f) {
        if (*f != '{') {
            if (*r != *f)
                return 0;
            f++, r++;
            continue;
        }
        const char *close = strchr(f, '}');
        if (!close)
            return 0;
        size_t plen = (size_t)(close - f - 1);
        const char *ph = f + 1;
        f = close + 1;
        /* The literal that follows the placeholder (up to the next '{'). */
        size_t llen = strcspn(f, "{");
        const char *end;
        if (llen == 0) {
            end = r + strlen(r);
        } else {
            char *lit = tm_arena_strndup(a, f, llen);
            /* the first occurrence outside ${...} */
            end = NULL;
            for (const char *p = r; *p;) {
                const char *pe;
                if (p[0] == '$' && p[1] == '{' && (pe = S_placeholder_end(p)) != NULL) {
                    p = pe;
                    continue;
                }
                if (strncmp(p, lit, llen) == 0) {
                    end = p;
                    break;
                }
                p++;
            }
            if (!end)
                return 0;
        }
        char *val = tm_arena_strndup(a, r, (size_t)(end - r));
        /* Constraints outside ${...}: {name} holds no '/' or ':', {path} no ':'. */
        int is_name = plen == 4 && strncmp(ph, "name", 4) == 0;
        int is_path = plen == 4 && strncmp(ph, "path", 4) == 0;
        for (const char *p = val; *p;) {
            const char *pe;
            if (p[0] == '$' && p[1] == '{' && (pe = S_placeholder_end(p)) != NULL) {
                p = pe;
                continue;
            }
            if ((is_name && (*p == '/' || *p == ':')) || (is_path && *p == ':'))
                return 0;
            p++;
        }
        if (!*val)
            return 0;
        if (is_name || is_path)
            *name = val;
        else if (!*name)
            *name = val; /* a format with only {key}: the key names it */
        if (!(is_name || is_path) && S_has_wild(val))
            *other_wild = 1;
        r = end;
    }
    return *r == '\0';
}

void tm_arn_describe(const tm_iam_catalog *c, const char *pattern, tm_arena *arena,
                     tm_arn_info *out)
{
    memset(out, 0, sizeof *out);
    out->partition = out->service = out->region = out->account = out->resource = "";
    if (!pattern)
        return;
    out->unresolved = S_has_unknown(pattern);
    if (strcmp(pattern, "*") == 0) {
        out->partition = out->service = out->region = out->account = out->resource = "*";
        out->name = "*";
        out->scope = TM_ARN_ALL;
        out->valid = true;
        return;
    }
    const char *f[6];
    if (!tm_iam_arn_split(pattern, arena, f)) {
        out->scope = TM_ARN_ONE;
        return;
    }
    out->valid = true;
    out->partition = f[1];
    out->service = f[2];
    out->region = f[3];
    out->account = f[4];
    out->resource = f[5];
    if (S_has_wild(f[2])) {
        out->scope = TM_ARN_ALL;
        out->name = "*";
        return;
    }
    const S_iam_service *svc = c ? tm_iam_service(c, f[2], strlen(f[2])) : NULL;
    if (svc) {
        for (size_t i = 0; i < svc->n_resources; i++) {
            const char *name;
            int other_wild;
            if (!S_format_match(svc->resources[i].format, f[5], arena, &name, &other_wild))
                continue;
            out->resource_type = svc->resources[i].type;
            out->element_type = svc->resources[i].element;
            out->name = name;
            if (name && strcmp(name, "*") == 0)
                out->scope = TM_ARN_KIND;
            else if ((name && S_has_wild(name)) || other_wild)
                out->scope = TM_ARN_SOME;
            else
                out->scope = TM_ARN_ONE;
            return;
        }
    }
    if (strcmp(f[5], "*") == 0) {
        /* every resource of the service (no format of one kind took it) */
        out->scope = TM_ARN_SERVICE;
        out->name = "*";
        if (svc && svc->n_elements)
            out->element_type = svc->elements[0];
        return;
    }
    out->scope = S_has_wild(f[5]) ? TM_ARN_SOME : TM_ARN_ONE;
}
