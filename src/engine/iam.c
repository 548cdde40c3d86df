/*
 * IAM analysis: what each identity's statements allow, in the terms the
 * rules need (the seed: "IAM is like putting your firewall on the
 * internet"). Facts only; the rules decide what is a threat.
 *
 * Every fact is an effective permission computed with the IAM module
 * (include/stridec/iam.h): an explicit Deny wins, NotAction and NotResource
 * apply to everything they do not name, a condition the module cannot
 * decide counts as "may apply" (and the evidence says so). The analysis runs
 * once per identity, however many elements use it, in time linear in its
 * statements (times the Deny statements, for the facts a Deny may remove).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "stridec/iam.h"

int tm_iam_action_matches(const char *pattern, const char *action)
{
    return tm_iam_action_match(pattern, action) == TM_IAM_YES;
}

/* Statements listed as a threat's evidence; the rest are counted. */
#ifndef TM_IAM_MAX_EVIDENCE
#define TM_IAM_MAX_EVIDENCE 20
#endif

static int S_is_star(const char *s)
{
    return strcmp(s, "*") == 0;
}

/* "*" or "service:*": the whole of a service (or of AWS). */
static int S_is_wildcard_action(const char *a)
{
    if (S_is_star(a))
        return 1;
    const char *colon = strchr(a, ':');
    return colon && strcmp(colon + 1, "*") == 0;
}

static int S_is_trust(const tm_statement *st)
{
    return st->n_principals || st->n_not_principals;
}

/* ------------------------------------------------------------ evidence */

typedef struct {
    tm_analysis *a;
    tm_vec ev; /* tm_identity_evidence* */
    tm_map *seen; /* "fact|text" already added */
} S_ev;

/* "file:line:col: Allow s3:GetObject, s3:PutObject on arn:... (policy X)". */
static const char *S_describe(tm_arena *ar, const tm_statement *st, int conditional)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    if (st->loc.file)
        tm_buf_printf(&b, "%s:%u:%u: ", st->loc.file, (unsigned)st->loc.line,
                      (unsigned)st->loc.col);
    tm_buf_puts(&b, st->allow ? "Allow " : "Deny ");
    const char *const *acts = st->n_actions ? st->actions : st->not_actions;
    size_t na = st->n_actions ? st->n_actions : st->n_not_actions;
    if (!st->n_actions && st->n_not_actions)
        tm_buf_puts(&b, "every action but ");
    for (size_t i = 0; i < na && i < 4; i++)
        tm_buf_printf(&b, "%s%s", i ? ", " : "", acts[i]);
    if (na > 4)
        tm_buf_printf(&b, " and %zu more", na - 4);
    if (st->n_resources) {
        tm_buf_puts(&b, " on ");
        for (size_t i = 0; i < st->n_resources && i < 3; i++)
            tm_buf_printf(&b, "%s%s", i ? ", " : "", st->resources[i]);
        if (st->n_resources > 3)
            tm_buf_printf(&b, " and %zu more", st->n_resources - 3);
    } else if (st->n_not_resources) {
        tm_buf_puts(&b, " on every resource but ");
        for (size_t i = 0; i < st->n_not_resources && i < 3; i++)
            tm_buf_printf(&b, "%s%s", i ? ", " : "", st->not_resources[i]);
        if (st->n_not_resources > 3)
            tm_buf_printf(&b, " and %zu more", st->n_not_resources - 3);
    } else {
        tm_buf_puts(&b, " on every resource");
    }
    if (st->policy)
        tm_buf_printf(&b, " (policy %s)", st->policy);
    if (conditional)
        tm_buf_puts(&b, st->allow ? ", only if its conditions hold"
                                  : ", unless its conditions fail");
    const char *r = tm_arena_strdup(ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

static void S_evidence(S_ev *e, const char *fact, const tm_statement *st, int conditional)
{
    const char *text = S_describe(e->a->arena, st, conditional);
    const char *key = tm_arena_printf(e->a->arena, "%s|%s", fact, text);
    if (tm_map_get(e->seen, key))
        return;
    tm_map_put(e->seen, key, (void *)key);
    tm_identity_evidence *x = tm_arena_alloc(e->a->arena, sizeof *x);
    x->fact = fact;
    x->text = text;
    tm_vec_push(&e->ev, x);
}

/* The deciding statements of an answer as evidence of a fact. */
static void S_answer_evidence(S_ev *e, const char *fact, const tm_iam_answer *r)
{
    int cond_allow = r->decision == TM_IAM_ALLOWED_IF_CONDITIONS && !r->n_denies;
    for (size_t i = 0; i < r->n_allows; i++)
        S_evidence(e, fact, r->allows[i], cond_allow && r->allows[i]->n_conditions);
    for (size_t i = 0; i < r->n_denies; i++)
        S_evidence(e, fact, r->denies[i], r->denies[i]->n_conditions > 0);
}

/* An answer that grants the whole request, perhaps only under conditions
 * the module could not decide (not one that covers only part of it). */
static int S_granted(const tm_iam_answer *r)
{
    if (r->decision == TM_IAM_ALLOWED)
        return 1;
    return r->decision == TM_IAM_ALLOWED_IF_CONDITIONS && r->by_condition && !r->by_action &&
           !r->by_resource;
}

/* ---------------------------------------------------------------- trust */

/* The 12-digit account id in an ARN or a bare id, or NULL. */
static const char *S_account_of(const char *s, char out[13])
{
    const char *p = s;
    if (strncmp(s, "arn:", 4) == 0) {
        /* arn:partition:service:region:account:resource */
        for (int field = 0; field < 4 && p; field++) {
            p = strchr(p, ':');
            if (p)
                p++;
        }
        if (!p)
            return NULL;
    }
    for (int i = 0; i < 12; i++)
        if (!isdigit((unsigned char)p[i]))
            return NULL;
    if (p[12] != '\0' && p[12] != ':')
        return NULL;
    memcpy(out, p, 12);
    out[12] = '\0';
    return out;
}

static int S_narrowed(const tm_iam_catalog *cat, const tm_statement *st)
{
    for (size_t i = 0; i < st->n_conditions; i++)
        if (tm_iam_condition_narrows(cat, st->conditions[i].variable))
            return 1;
    return 0;
}

static void S_trust_facts(const tm_iam_catalog *cat, const tm_statement *st, const tm_map *own,
                          tm_identity_info *info)
{
    /* Allow with NotPrincipal: everyone but the principals named. */
    if (st->n_not_principals && !S_narrowed(cat, st))
        info->public_principal = true;
    for (size_t p = 0; p < st->n_principals; p++) {
        const char *pr = st->principals[p];
        if ((S_is_star(pr) || strcmp(pr, "AWS:*") == 0) && !S_narrowed(cat, st))
            info->public_principal = true;
        char acct[13];
        if (S_account_of(pr, acct) && !tm_map_get(own, acct))
            info->cross_account = true;
    }
}

/* ------------------------------------------------------------- per role */

/* The identity's statements as requests: all of them, and its Denies by the
 * service prefix of their actions (a Deny naming "*", "s*:..." or NotAction
 * goes into every bucket), so asking whether a Deny removes one grant costs
 * the Denies of that service, not all of them. */
typedef struct {
    tm_statement *items;
    size_t n, cap;
    const tm_statement *last; /* the statement pushed last (one push per statement) */
} S_bucket;

typedef struct {
    tm_iam_request all;
    S_bucket any;   /* Denies that may apply to any service */
    tm_map *by_svc; /* lower-case prefix -> S_bucket* (its Denies and `any`'s) */
    tm_vec buckets;
} S_req;

static void S_bucket_push(S_bucket *b, const tm_statement *st)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4;
        b->items = tm_xrealloc(b->items, b->cap * sizeof *b->items);
    }
    b->items[b->n++] = *st;
    b->last = st;
}

/* The lower-case service prefix of an action, or NULL when a wildcard
 * (or an unresolved part) comes before the ':'. */
static const char *S_prefix(tm_arena *ar, const char *act)
{
    const char *colon = strchr(act, ':');
    const char *wild = strpbrk(act, "*?$");
    if (!colon || (wild && wild < colon))
        return NULL;
    char *p = tm_arena_strndup(ar, act, (size_t)(colon - act));
    for (char *c = p; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return p;
}

static void S_req_init(S_req *q, const tm_identity *id, tm_arena *ar)
{
    memset(q, 0, sizeof *q);
    q->all.statements = id->statements;
    q->all.n_statements = id->n_statements;
    q->by_svc = tm_map_new(8);
    for (size_t s = 0; s < id->n_statements; s++) {
        const tm_statement *st = &id->statements[s];
        if (st->allow || S_is_trust(st))
            continue;
        int generic = st->n_not_actions > 0;
        for (size_t k = 0; k < st->n_actions && !generic; k++)
            generic = S_prefix(ar, st->actions[k]) == NULL;
        if (generic)
            S_bucket_push(&q->any, st);
    }
    for (size_t s = 0; s < id->n_statements; s++) {
        const tm_statement *st = &id->statements[s];
        if (st->allow || S_is_trust(st) || st->n_not_actions)
            continue;
        for (size_t k = 0; k < st->n_actions; k++) {
            const char *p = S_prefix(ar, st->actions[k]);
            if (!p)
                break; /* in `any` already */
            S_bucket *b = tm_map_get(q->by_svc, p);
            if (!b) {
                b = tm_xmalloc(sizeof *b);
                memset(b, 0, sizeof *b);
                for (size_t i = 0; i < q->any.n; i++)
                    S_bucket_push(b, &q->any.items[i]);
                tm_map_put(q->by_svc, p, b);
                tm_vec_push(&q->buckets, b);
            }
            if (b->last != st)
                S_bucket_push(b, st);
        }
    }
}

static void S_req_free(S_req *q)
{
    for (size_t i = 0; i < q->buckets.len; i++) {
        S_bucket *b = q->buckets.items[i];
        free(b->items);
        free(b);
    }
    tm_vec_free(&q->buckets);
    free(q->any.items);
    tm_map_free(q->by_svc);
}

/* Does a Deny take away the grant of `act` on `res`? The answer of the
 * Denies alone: DENIED when one removes it all, NOT_ALLOWED when none
 * applies, ALLOWED_IF_CONDITIONS when one may. */
static tm_iam_answer S_denied(const S_req *q, const char *act, const char *res, tm_arena *ar)
{
    tm_iam_request r;
    memset(&r, 0, sizeof r);
    const char *p = S_prefix(ar, act);
    const S_bucket *b = p ? tm_map_get(q->by_svc, p) : NULL;
    if (!p) {
        /* a wildcard service: every Deny may apply */
        r.statements = q->all.statements;
        r.n_statements = q->all.n_statements;
        tm_iam_answer all = tm_iam_evaluate(&r, act, res, ar);
        /* only the Denies matter here: an Allow-only answer is "not denied" */
        if (all.decision != TM_IAM_DENIED)
            all.decision = all.n_denies ? TM_IAM_ALLOWED_IF_CONDITIONS : TM_IAM_NOT_ALLOWED;
        return all;
    }
    if (!b)
        b = &q->any;
    r.statements = b->items;
    r.n_statements = b->n;
    return tm_iam_evaluate(&r, act, res, ar);
}

/* A resource pattern reaches every resource of its kind (or more). */
static int S_wide(const tm_iam_catalog *cat, const char *res, tm_arena *ar)
{
    tm_arn_info d;
    tm_arn_describe(cat, res, ar, &d);
    return d.scope == TM_ARN_KIND || d.scope == TM_ARN_SERVICE || d.scope == TM_ARN_ALL;
}

/* The action (a name, not a wildcard) is one of the table's escalation actions. */
static int S_escalation(const tm_iam_catalog *cat, const char *act)
{
    if (strpbrk(act, "*?"))
        return 0;
    size_t n;
    const tm_iam_escalation *esc = tm_iam_escalations(cat, &n);
    for (size_t i = 0; i < n; i++)
        if (tm_iam_action_match(esc[i].action, act) == TM_IAM_YES)
            return 1;
    return 0;
}

static void S_push_once(tm_vec *v, tm_map *seen, const char *s)
{
    if (tm_map_get(seen, s))
        return;
    tm_map_put(seen, s, (void *)s);
    tm_vec_push(v, (void *)s);
}

static int S_cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void S_identity(tm_analysis *a, const tm_iam_catalog *cat, const tm_map *own,
                       const tm_identity *id, tm_identity_info *info)
{
    tm_arena *scratch = tm_arena_new();
    S_ev e = {a, {0}, tm_map_new(16)};
    tm_map *seen_wild = tm_map_new(16), *seen_res = tm_map_new(16), *seen_pol = tm_map_new(4);
    tm_vec wild = {0}, wres = {0}, privesc = {0}, pols = {0};

    S_req q;
    S_req_init(&q, id, a->arena);

    for (size_t s = 0; s < id->n_statements; s++) {
        const tm_statement *st = &id->statements[s];
        if (st->policy)
            S_push_once(&pols, seen_pol, st->policy);
        if (!st->allow)
            continue;
        /* A statement naming principals is the role's trust policy (who
         * may assume it), not a permission of the role: sts:AssumeRole
         * granted to lambda.amazonaws.com is not the role assuming "*". */
        if (S_is_trust(st)) {
            S_trust_facts(cat, st, own, info);
            continue;
        }
        if (st->n_not_actions) {
            info->uses_not = true;
            S_evidence(&e, "uses_not", st, 0);
        }
        /* Whole services, unless a Deny takes the whole of it away. */
        for (size_t k = 0; k < st->n_actions; k++) {
            const char *act = st->actions[k];
            if (!S_is_wildcard_action(act))
                continue;
            tm_iam_answer d = S_denied(&q, act, "*", scratch);
            if (d.decision == TM_IAM_DENIED)
                continue;
            info->wildcard_action = true;
            S_push_once(&wild, seen_wild, act);
            S_evidence(&e, "wildcard_action", st, 0);
        }
        /* Data access or permissions management on every resource of a
         * kind: not logging or tracing on "*" (no data access). */
        const char *const *ress = st->resources;
        size_t nr = st->n_resources;
        static const char *const every[] = {"*"};
        if (!nr) {
            ress = every; /* no Resource, or NotResource: (nearly) every resource */
            nr = 1;
        }
        for (size_t r = 0; r < nr; r++) {
            if (!S_wide(cat, ress[r], scratch))
                continue;
            const char *const *acts = st->n_actions ? st->actions : every;
            size_t na = st->n_actions ? st->n_actions : 1;
            for (size_t k = 0; k < na; k++) {
                unsigned data = 0;
                unsigned acc = tm_iam_pattern_access(cat, acts[k], &data);
                if (!data && !(acc & (1u << TM_IAM_PERMISSIONS)))
                    continue;
                /* an escalation action on "*" is IAM-PRIVESC's finding, not this one */
                if (st->n_actions && S_escalation(cat, acts[k]))
                    continue;
                tm_iam_answer d = S_denied(&q, acts[k], ress[r], scratch);
                if (d.decision == TM_IAM_DENIED)
                    continue;
                info->wildcard_resource = true;
                const char *on = st->n_not_resources
                                     ? tm_arena_printf(scratch, "every resource but %s",
                                                       st->not_resources[0])
                                     : ress[r];
                const char *what =
                    st->n_actions ? tm_arena_printf(a->arena, "%s on %s", acts[k], on)
                                  : tm_arena_printf(a->arena, "every action but %s on %s",
                                                    st->not_actions[0], on);
                S_push_once(&wres, seen_res, what);
                S_evidence(&e, "wildcard_resource", st, st->n_conditions > 0);
            }
        }
        tm_arena_reset(scratch);
    }

    /* Every action on every resource. */
    tm_iam_answer r = tm_iam_evaluate(&q.all, "*", "*", scratch);
    if (S_granted(&r)) {
        info->admin = true;
        S_answer_evidence(&e, "admin", &r);
    }
    /* Escalation actions on every resource of their kind ("PassRole on one
     * role ARN" is not; on every role of the account it is). */
    size_t ne;
    const tm_iam_escalation *esc = tm_iam_escalations(cat, &ne);
    for (size_t k = 0; k < ne; k++) {
        r = tm_iam_evaluate(&q.all, esc[k].action, esc[k].resource, scratch);
        if (!S_granted(&r))
            continue;
        tm_vec_push(&privesc, tm_arena_strdup(a->arena, esc[k].action)); /* the catalogue is freed */
        S_answer_evidence(&e, "privesc", &r);
    }
    static const char *const ses[] = {"ses:SendEmail", "ses:SendRawEmail"};
    for (size_t k = 0; k < 2 && !info->ses_send_any; k++) {
        r = tm_iam_evaluate(&q.all, ses[k], "*", scratch);
        if (S_granted(&r)) {
            info->ses_send_any = true;
            S_answer_evidence(&e, "ses_send_any", &r);
        }
    }
    S_req_free(&q);
    tm_arena_free(scratch);

    if (pols.len)
        qsort(pols.items, pols.len, sizeof *pols.items, S_cmp_str);
    info->privesc_actions =
        (const char **)tm_vec_finish(&privesc, a->arena, &info->n_privesc_actions);
    info->wildcard_actions =
        (const char **)tm_vec_finish(&wild, a->arena, &info->n_wildcard_actions);
    info->wildcard_resource_actions =
        (const char **)tm_vec_finish(&wres, a->arena, &info->n_wildcard_resource_actions);
    info->policies = (const char **)tm_vec_finish(&pols, a->arena, &info->n_policies);
    size_t n;
    tm_identity_evidence **ev = (tm_identity_evidence **)tm_vec_finish(&e.ev, a->arena, &n);
    info->evidence = tm_arena_array(a->arena, n ? n : 1, sizeof *info->evidence);
    for (size_t i = 0; i < n; i++)
        info->evidence[i] = *ev[i];
    info->n_evidence = n;
    tm_map_free(e.seen);
    tm_map_free(seen_wild);
    tm_map_free(seen_res);
    tm_map_free(seen_pol);
}

void tm_iam_analyze(tm_analysis *a)
{
    const tm_model *m = a->model;
    tm_diags *d = tm_diags_new();
    tm_iam_catalog *cat = tm_iam_catalog_builtin(d);
    tm_diags_free(d); /* the built-in table is tested; without it no IAM fact is derived */

    /* The model's own accounts: those its resource ARNs name. A principal from
     * any other account is cross-account; when the model names no account, any
     * explicit account principal is. */
    tm_map *own = tm_map_new(8);
    for (size_t i = 0; i < m->n_identities; i++)
        for (size_t s = 0; s < m->identities[i]->n_statements; s++) {
            const tm_statement *st = &m->identities[i]->statements[s];
            for (size_t r = 0; r < st->n_resources; r++) {
                char acct[13];
                if (S_account_of(st->resources[r], acct) && !tm_map_get(own, acct)) {
                    char *k = tm_arena_strdup(a->arena, acct);
                    tm_map_put(own, k, k);
                }
            }
        }

    /* The users of each identity, in one pass over the elements. */
    tm_vec *users = tm_xmalloc((m->n_identities ? m->n_identities : 1) * sizeof *users);
    memset(users, 0, (m->n_identities ? m->n_identities : 1) * sizeof *users);
    for (size_t e = 0; e < m->n_elements; e++)
        if (m->elements[e]->identity)
            tm_vec_push(&users[m->elements[e]->identity->index], m->elements[e]);

    for (size_t i = 0; i < m->n_identities; i++) {
        tm_identity_info *info = &a->identities[i];
        info->identity = m->identities[i];
        info->users = (const tm_element **)tm_vec_finish(&users[i], a->arena, &info->n_users);
        if (cat)
            S_identity(a, cat, own, m->identities[i], info);
    }
    free(users);
    tm_map_free(own);
    tm_iam_catalog_free(cat);

    /* Elements that share an identity with others ("use different IAM
     * profiles for different services"). */
    for (size_t e = 0; e < m->n_elements; e++) {
        const tm_element *el = m->elements[e];
        if (!el->identity)
            continue;
        const tm_identity_info *info = &a->identities[el->identity->index];
        if (info->n_users < 2)
            continue;
        tm_vec others = {0};
        for (size_t u = 0; u < info->n_users; u++)
            if (info->users[u] != el)
                tm_vec_push(&others, (void *)info->users[u]);
        a->elements[e].shares_identity_with = (const tm_element **)tm_vec_finish(
            &others, a->arena, &a->elements[e].n_shares_identity_with);
    }
}

/* ------------------------------------------------------ threat evidence */

/* 1 when the rule's condition reads `identity.FACT` (not negated). */
static int S_reads_fact(const char *when, const char *fact)
{
    size_t fl = strlen(fact);
    for (const char *p = when ? strstr(when, "identity.") : NULL; p;
         p = strstr(p + 1, "identity.")) {
        const char *f = p + 9;
        if (strncmp(f, fact, fl) != 0 || isalnum((unsigned char)f[fl]) || f[fl] == '_')
            continue;
        /* skip "element." / "source." prefixes: any object's identity counts;
         * a leading '!' negates */
        const char *q = p;
        while (q > when && (isalnum((unsigned char)q[-1]) || q[-1] == '.' || q[-1] == '_'))
            q--;
        while (q > when && q[-1] == ' ')
            q--;
        if (q > when && q[-1] == '!')
            continue;
        return 1;
    }
    return 0;
}

void tm_iam_threat_evidence(tm_analysis *a, tm_threat *t)
{
    if (t->target_type != TM_TARGET_IDENTITY || !t->target || t->n_evidence)
        return;
    const tm_identity *id = t->target;
    const tm_identity_info *info = &a->identities[id->index];
    tm_vec ev = {0};
    tm_map *seen = tm_map_new(16);
    size_t more = 0;
    for (size_t i = 0; i < info->n_evidence; i++) {
        const char *text = info->evidence[i].text;
        /* the same statement may stand behind two facts the rule reads */
        if (!S_reads_fact(t->rule->when_text, info->evidence[i].fact) || tm_map_get(seen, text))
            continue;
        tm_map_put(seen, text, (void *)text);
        if (ev.len < TM_IAM_MAX_EVIDENCE)
            tm_vec_push(&ev, (void *)text);
        else
            more++;
    }
    tm_map_free(seen);
    if (more)
        tm_vec_push(&ev, tm_arena_printf(a->arena, "and %zu more statement%s", more,
                                         more == 1 ? "" : "s"));
    t->evidence = (const char **)tm_vec_finish(&ev, a->arena, &t->n_evidence);
}
