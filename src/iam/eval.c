/*
 * Effective permissions (iam.h): is an action on a resource allowed, and
 * what does an identity reach in a model.
 *
 * IAM's evaluation logic for one account: an explicit Deny that applies
 * wins; otherwise an Allow of the identity policy or of the resource policy
 * (for a principal it names) grants; otherwise the request is implicitly
 * denied. Each statement applies YES, MAYBE or NO, the least of its action,
 * resource and condition parts:
 *   - Action/NotAction and Resource/NotResource by tm_iam_action_match and
 *     tm_arn_match (Not* applies where its list does not cover the request);
 *   - conditions: decided from the request's facts for the string, ARN,
 *     Bool and Null operators (with IfExists, ForAnyValue/ForAllValues); any
 *     other condition may apply (MAYBE), and the answer says so.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "iam/iam_impl.h"

static const char *const S_decision_names[] = {"not-allowed", "denied", "allowed-if-conditions",
                                               "allowed"};

const char *tm_iam_decision_name(tm_iam_decision d)
{
    return (unsigned)d < 4 ? S_decision_names[d] : "?";
}

static tm_iam_match S_max(tm_iam_match a, tm_iam_match b)
{
    return a > b ? a : b;
}

static tm_iam_match S_not(tm_iam_match m)
{
    return m == TM_IAM_YES ? TM_IAM_NO : m == TM_IAM_NO ? TM_IAM_YES : TM_IAM_MAYBE;
}

/* ---------------------------------------------------------- conditions */

static const char *S_fact(const tm_iam_request *q, const char *key)
{
    for (size_t i = 0; i < q->n_facts; i++)
        if (strlen(q->facts[i].key) == strlen(key) &&
            tm_iam_nieq(q->facts[i].key, key, strlen(key)))
            return q->facts[i].value;
    return NULL;
}

static int S_ends(const char *s, const char *suffix, size_t *stem)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (n < k || strcmp(s + n - k, suffix) != 0)
        return 0;
    *stem = n - k;
    return 1;
}

/* One condition against the facts. */
static tm_iam_match S_condition(const tm_condition *c, const tm_iam_request *q)
{
    if (!c->test || !c->variable)
        return TM_IAM_MAYBE;
    const char *op = c->test;
    if (strncmp(op, "ForAnyValue:", 12) == 0)
        op += 12;
    else if (strncmp(op, "ForAllValues:", 13) == 0)
        op += 13;
    size_t len = strlen(op), stem;
    if (S_ends(op, "IfExists", &stem))
        len = stem;
    const char *fact = S_fact(q, c->variable);
    if (!fact)
        return TM_IAM_MAYBE; /* the request's value is not known */
    int negate = 0, like = 0, nocase = 0;
#define S_OP(name) (len == sizeof(name) - 1 && strncmp(op, name, len) == 0)
    if (S_OP("StringEquals") || S_OP("ArnEquals")) {
    } else if (S_OP("StringNotEquals") || S_OP("ArnNotEquals")) {
        negate = 1;
    } else if (S_OP("StringEqualsIgnoreCase")) {
        nocase = 1;
    } else if (S_OP("StringNotEqualsIgnoreCase")) {
        nocase = negate = 1;
    } else if (S_OP("StringLike") || S_OP("ArnLike")) {
        like = 1;
    } else if (S_OP("StringNotLike") || S_OP("ArnNotLike")) {
        like = negate = 1;
    } else if (S_OP("Bool")) {
        nocase = 1;
    } else {
        return TM_IAM_MAYBE; /* numeric, date, IP, Null: not decided here */
    }
#undef S_OP
    tm_iam_match any = TM_IAM_NO;
    for (size_t i = 0; i < c->n_values; i++) {
        const char *v = c->values[i];
        tm_iam_match m;
        if (like) {
            m = tm_iam_glob(v, fact, nocase);
        } else if (strstr(v, "${") || strstr(fact, "${")) {
            m = strcmp(v, fact) == 0 ? TM_IAM_YES : TM_IAM_MAYBE;
        } else if (nocase) {
            m = strlen(v) == strlen(fact) && tm_iam_nieq(v, fact, strlen(v)) ? TM_IAM_YES
                                                                              : TM_IAM_NO;
        } else {
            m = strcmp(v, fact) == 0 ? TM_IAM_YES : TM_IAM_NO;
        }
        any = S_max(any, m);
    }
    return negate ? S_not(any) : any;
}

static tm_iam_match S_conditions(const tm_statement *st, const tm_iam_request *q)
{
    tm_iam_match r = TM_IAM_YES;
    for (size_t i = 0; i < st->n_conditions && r != TM_IAM_NO; i++) {
        tm_iam_match m = S_condition(&st->conditions[i], q);
        if (m < r)
            r = m;
    }
    return r;
}

/* ------------------------------------------------------------- targets */

/* What a request is about: an ARN, or a model element without one. */
typedef struct {
    const char *arn;
    const tm_element *el;
    const tm_iam_catalog *cat;
    tm_arena *scratch;
} S_target;

static int S_glob_any(const char *pattern, const tm_element *el, tm_iam_match *best)
{
    *best = TM_IAM_NO;
    const char *names[3] = {el->id, el->name, NULL};
    const tm_node *pn = tm_prop(el->props, "name");
    if (pn && pn->kind == TM_NODE_SCALAR)
        names[2] = pn->text;
    for (int i = 0; i < 3; i++)
        if (names[i])
            *best = S_max(*best, tm_iam_glob(pattern, names[i], 0));
    return *best != TM_IAM_NO;
}

/* An element without an `arn` prop: reached by wildcards over its kind or
 * service, or by a pattern whose name matches its id or name. */
static tm_iam_match S_element_match(const char *pattern, const S_target *t)
{
    tm_arn_info d;
    tm_arn_describe(t->cat, pattern, t->scratch, &d);
    if (d.scope == TM_ARN_ALL)
        return TM_IAM_YES;
    if (!d.valid)
        return strstr(pattern, "${") ? TM_IAM_MAYBE : TM_IAM_NO;
    const S_iam_service *s = tm_iam_service(t->cat, d.service, strlen(d.service));
    if (!s)
        return TM_IAM_NO;
    int of_service = 0;
    for (size_t i = 0; i < s->n_elements; i++)
        if (strcmp(s->elements[i], t->el->type) == 0)
            of_service = 1;
    if (!of_service)
        return TM_IAM_NO;
    if (d.scope == TM_ARN_SERVICE)
        return TM_IAM_YES;
    if (!d.element_type || strcmp(d.element_type, t->el->type) != 0)
        return TM_IAM_NO;
    if (d.scope == TM_ARN_KIND)
        return TM_IAM_YES;
    tm_iam_match m;
    if (!d.name || !S_glob_any(d.name, t->el, &m))
        return d.name && strstr(d.name, "${") ? TM_IAM_MAYBE : TM_IAM_NO;
    return m;
}

static tm_iam_match S_resource(const char *pattern, const S_target *t)
{
    if (t->arn)
        return tm_arn_match(pattern, t->arn);
    return S_element_match(pattern, t);
}

/* ----------------------------------------------------------- statements */

enum { C_ACTION = 1, C_RESOURCE = 2, C_CONDITION = 4, C_PRINCIPAL = 8 };

static tm_iam_match S_actions(const tm_statement *st, const char *action)
{
    if (st->n_actions) {
        tm_iam_match m = TM_IAM_NO;
        for (size_t i = 0; i < st->n_actions && m != TM_IAM_YES; i++)
            m = S_max(m, tm_iam_action_match(st->actions[i], action));
        return m;
    }
    if (st->n_not_actions) {
        tm_iam_match m = TM_IAM_NO;
        for (size_t i = 0; i < st->n_not_actions && m != TM_IAM_YES; i++)
            m = S_max(m, tm_iam_action_match(st->not_actions[i], action));
        return S_not(m);
    }
    return TM_IAM_NO;
}

static tm_iam_match S_resources(const tm_statement *st, const S_target *t)
{
    if (st->n_resources) {
        tm_iam_match m = TM_IAM_NO;
        for (size_t i = 0; i < st->n_resources && m != TM_IAM_YES; i++)
            m = S_max(m, S_resource(st->resources[i], t));
        return m;
    }
    if (st->n_not_resources) {
        tm_iam_match m = TM_IAM_NO;
        for (size_t i = 0; i < st->n_not_resources && m != TM_IAM_YES; i++)
            m = S_max(m, S_resource(st->not_resources[i], t));
        return S_not(m);
    }
    return TM_IAM_YES; /* no Resource: the resource the policy is attached to, or any */
}

/* A bare 12-digit account id names every principal of the account. */
static tm_iam_match S_principal1(const char *p, const char *who)
{
    if (strcmp(p, "*") == 0)
        return TM_IAM_YES;
    if (!who)
        return TM_IAM_MAYBE;
    size_t n = strlen(p);
    int digits = n == 12;
    for (size_t i = 0; i < n && digits; i++)
        digits = isdigit((unsigned char)p[i]) != 0;
    if (digits) {
        char pat[64];
        memcpy(pat, "arn:*:*::", 9);
        memcpy(pat + 9, p, 12);
        memcpy(pat + 21, ":*", 3);
        return tm_iam_glob(pat, who, 0);
    }
    return tm_arn_match(p, who);
}

static tm_iam_match S_principals(const tm_statement *st, const tm_iam_request *q)
{
    if (st->n_principals) {
        tm_iam_match m = TM_IAM_NO;
        for (size_t i = 0; i < st->n_principals; i++)
            m = S_max(m, S_principal1(st->principals[i], q->principal));
        return m;
    }
    if (st->n_not_principals) {
        tm_iam_match m = TM_IAM_NO;
        for (size_t i = 0; i < st->n_not_principals; i++)
            m = S_max(m, S_principal1(st->not_principals[i], q->principal));
        return S_not(m);
    }
    return TM_IAM_NO; /* a resource policy statement names its principals */
}

/* How a statement applies to the request, and which parts made it MAYBE. */
static tm_iam_match S_applies(const tm_statement *st, int resource_policy,
                              const tm_iam_request *q, const char *action, const S_target *t,
                              unsigned *why)
{
    *why = 0;
    tm_iam_match a = S_actions(st, action);
    if (a == TM_IAM_NO)
        return TM_IAM_NO;
    tm_iam_match p = TM_IAM_YES;
    if (resource_policy && (p = S_principals(st, q)) == TM_IAM_NO)
        return TM_IAM_NO;
    tm_iam_match r = S_resources(st, t);
    if (r == TM_IAM_NO)
        return TM_IAM_NO;
    tm_iam_match c = S_conditions(st, q);
    if (c == TM_IAM_NO)
        return TM_IAM_NO;
    if (a == TM_IAM_MAYBE)
        *why |= C_ACTION;
    if (p == TM_IAM_MAYBE)
        *why |= C_PRINCIPAL;
    if (r == TM_IAM_MAYBE)
        *why |= C_RESOURCE;
    if (c == TM_IAM_MAYBE)
        *why |= C_CONDITION;
    return *why ? TM_IAM_MAYBE : TM_IAM_YES;
}

/* A statement of an identity policy that names principals is its trust
 * policy (who may assume it), not a permission of the identity. */
static int S_is_trust(const tm_statement *st)
{
    return st->n_principals || st->n_not_principals;
}

typedef struct {
    tm_vec allow_yes, allow_maybe, deny_yes, deny_maybe;
    unsigned why_allow, why_deny;
} S_acc;

static void S_consider(S_acc *acc, const tm_statement *st, int resource_policy,
                       const tm_iam_request *q, const char *action, const S_target *t)
{
    unsigned why;
    tm_iam_match m = S_applies(st, resource_policy, q, action, t, &why);
    if (m == TM_IAM_NO)
        return;
    if (st->allow) {
        if (m == TM_IAM_YES) {
            tm_vec_push(&acc->allow_yes, (void *)st);
        } else {
            tm_vec_push(&acc->allow_maybe, (void *)st);
            acc->why_allow |= why;
        }
    } else {
        if (m == TM_IAM_YES) {
            tm_vec_push(&acc->deny_yes, (void *)st);
        } else {
            tm_vec_push(&acc->deny_maybe, (void *)st);
            acc->why_deny |= why;
        }
    }
}

static const tm_statement **S_take(tm_vec *a, tm_vec *b, tm_arena *arena, size_t *n)
{
    for (size_t i = 0; b && i < b->len; i++)
        tm_vec_push(a, b->items[i]);
    if (b)
        tm_vec_free(b);
    return (const tm_statement **)tm_vec_finish(a, arena, n);
}

static int S_cmp_st(const void *x, const void *y)
{
    const tm_statement *a = *(const tm_statement *const *)x, *b = *(const tm_statement *const *)y;
    return a < b ? -1 : a > b;
}

static tm_iam_answer S_decide(S_acc *acc, tm_arena *arena)
{
    tm_iam_answer r;
    memset(&r, 0, sizeof r);
    unsigned why = 0;
    if (acc->deny_yes.len) {
        r.decision = TM_IAM_DENIED;
        r.denies = S_take(&acc->deny_yes, NULL, arena, &r.n_denies);
        tm_vec_free(&acc->deny_maybe);
        tm_vec_free(&acc->allow_yes);
        tm_vec_free(&acc->allow_maybe);
        return r;
    }
    if (acc->allow_yes.len) {
        r.decision = acc->deny_maybe.len ? TM_IAM_ALLOWED_IF_CONDITIONS : TM_IAM_ALLOWED;
        if (acc->deny_maybe.len)
            why = acc->why_deny;
        tm_vec_free(&acc->allow_maybe);
        r.allows = S_take(&acc->allow_yes, NULL, arena, &r.n_allows);
    } else if (acc->allow_maybe.len) {
        r.decision = TM_IAM_ALLOWED_IF_CONDITIONS;
        why = acc->why_allow | (acc->deny_maybe.len ? acc->why_deny : 0);
        r.allows = S_take(&acc->allow_maybe, NULL, arena, &r.n_allows);
    } else {
        r.decision = TM_IAM_NOT_ALLOWED;
    }
    if (r.decision == TM_IAM_NOT_ALLOWED)
        tm_vec_free(&acc->deny_maybe);
    else
        r.denies = S_take(&acc->deny_maybe, NULL, arena, &r.n_denies);
    r.by_condition = (why & C_CONDITION) != 0;
    r.by_resource = (why & (C_RESOURCE | C_PRINCIPAL)) != 0;
    r.by_action = (why & C_ACTION) != 0;
    return r;
}

static tm_iam_answer S_evaluate(const tm_iam_request *q, const char *action, const S_target *t,
                                tm_arena *arena)
{
    S_acc acc;
    memset(&acc, 0, sizeof acc);
    for (size_t i = 0; i < q->n_statements; i++)
        if (!S_is_trust(&q->statements[i]))
            S_consider(&acc, &q->statements[i], 0, q, action, t);
    for (size_t i = 0; i < q->n_resource_policy; i++)
        S_consider(&acc, &q->resource_policy[i], 1, q, action, t);
    return S_decide(&acc, arena);
}

tm_iam_answer tm_iam_evaluate(const tm_iam_request *q, const char *action, const char *resource,
                              tm_arena *arena)
{
    S_target t = {resource ? resource : "*", NULL, NULL, NULL};
    return S_evaluate(q, action, &t, arena);
}

/* ----------------------------------------------------------------- reach */

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void S_push_unique(tm_vec *v, const void *p)
{
    for (size_t i = 0; i < v->len; i++)
        if (v->items[i] == p)
            return;
    tm_vec_push(v, (void *)p);
}

/* The statements that may apply to actions of a service: those naming an
 * action of it (or a wildcard service), and every NotAction statement. */
static void S_relevant(const tm_identity *id, const char *service, tm_vec *out)
{
    size_t sl = strlen(service);
    for (size_t i = 0; i < id->n_statements; i++) {
        const tm_statement *st = &id->statements[i];
        if (S_is_trust(st))
            continue;
        int hit = st->n_not_actions > 0;
        for (size_t k = 0; k < st->n_actions && !hit; k++) {
            const char *a = st->actions[k];
            const char *colon = strchr(a, ':');
            const char *wild = strpbrk(a, "*?$");
            if (!colon || (wild && wild < colon))
                hit = 1; /* "*", "s*:Get", "${Actions}" */
            else if ((size_t)(colon - a) == sl && tm_iam_nieq(a, service, sl))
                hit = 1;
        }
        if (hit)
            tm_vec_push(out, (void *)st);
    }
}

size_t tm_iam_reach_model(const tm_iam_catalog *c, const tm_model *m, const tm_identity *id,
                          tm_arena *arena, tm_iam_reach **out)
{
    *out = NULL;
    if (!c || !m || !id)
        return 0;
    tm_arena *scratch = tm_arena_new();
    tm_vec result = {0};
    for (size_t s = 0; s < c->n_services; s++) {
        const S_iam_service *svc = &c->services[s];
        if (!svc->n_elements)
            continue;
        tm_vec rel = {0};
        S_relevant(id, svc->prefix, &rel);
        if (!rel.len) {
            tm_vec_free(&rel);
            continue;
        }
        /* The actions to ask about: the table's, and the identity's own
         * names and patterns for this service. */
        tm_vec acts = {0};
        for (size_t i = 0; i < svc->n_actions; i++)
            tm_vec_push(&acts, (void *)svc->actions[i]);
        size_t sl = strlen(svc->prefix);
        for (size_t i = 0; i < rel.len; i++) {
            const tm_statement *st = rel.items[i];
            if (!st->allow)
                continue;
            for (size_t k = 0; k < st->n_actions; k++) {
                const char *a = st->actions[k];
                if (strlen(a) > sl && a[sl] == ':' && tm_iam_nieq(a, svc->prefix, sl)) {
                    int known = 0;
                    for (size_t j = 0; j < acts.len && !known; j++)
                        known = strlen(acts.items[j]) == strlen(a) &&
                                tm_iam_nieq(acts.items[j], a, strlen(a));
                    if (!known && strcmp(a + sl + 1, "*") != 0)
                        tm_vec_push(&acts, (void *)a);
                }
            }
        }
        tm_iam_request q;
        memset(&q, 0, sizeof q);
        tm_statement *sts = tm_xmalloc((rel.len ? rel.len : 1) * sizeof *sts);
        for (size_t i = 0; i < rel.len; i++)
            sts[i] = *(const tm_statement *)rel.items[i];
        q.statements = sts;
        q.n_statements = rel.len;
        for (size_t e = 0; e < m->n_elements; e++) {
            const tm_element *el = m->elements[e];
            if (!el->type)
                continue;
            int of = 0;
            for (size_t i = 0; i < svc->n_elements && !of; i++)
                of = strcmp(svc->elements[i], el->type) == 0;
            if (!of)
                continue;
            const tm_node *arn = tm_prop(el->props, "arn");
            S_target t = {arn && arn->kind == TM_NODE_SCALAR ? arn->text : NULL, el, c, scratch};
            tm_iam_reach *r = NULL;
            for (size_t i = 0; i < result.len; i++)
                if (((tm_iam_reach *)result.items[i])->element == el)
                    r = result.items[i];
            tm_vec names = {0}, stmts = {0};
            unsigned access = 0, data = 0;
            int sure = 0;
            for (size_t k = 0; k < acts.len; k++) {
                const char *a = acts.items[k];
                tm_iam_answer ans = S_evaluate(&q, a, &t, scratch);
                if (ans.decision != TM_IAM_ALLOWED && ans.decision != TM_IAM_ALLOWED_IF_CONDITIONS)
                    continue;
                unsigned d = 0;
                access |= tm_iam_pattern_access(c, a, &d);
                data |= d;
                if (ans.decision == TM_IAM_ALLOWED)
                    sure = 1;
                tm_vec_push(&names, (void *)a);
                for (size_t j = 0; j < ans.n_allows; j++) {
                    /* map the copy back to the identity's statement */
                    size_t idx = (size_t)(ans.allows[j] - sts);
                    S_push_unique(&stmts, rel.items[idx]);
                }
            }
            tm_arena_reset(scratch);
            if (!names.len) {
                tm_vec_free(&names);
                tm_vec_free(&stmts);
                continue;
            }
            if (!r) {
                r = tm_arena_alloc(arena, sizeof *r);
                r->element = el;
                r->conditional = true;
                tm_vec_push(&result, r);
            }
            r->access |= access;
            r->data |= data;
            if (sure)
                r->conditional = false;
            /* merge with what another service of the same element gave */
            for (size_t i = 0; i < r->n_actions; i++)
                tm_vec_push(&names, (void *)r->actions[i]);
            for (size_t i = 0; i < r->n_statements; i++)
                S_push_unique(&stmts, r->statements[i]);
            qsort(names.items, names.len, sizeof *names.items, S_cmp_str);
            size_t w = 0;
            for (size_t i = 0; i < names.len; i++)
                if (!w || strcmp(names.items[w - 1], names.items[i]) != 0)
                    names.items[w++] = names.items[i];
            names.len = w;
            if (stmts.len > 1)
                qsort(stmts.items, stmts.len, sizeof *stmts.items, S_cmp_st);
            r->actions = (const char **)tm_vec_finish(&names, arena, &r->n_actions);
            r->statements = (const tm_statement **)tm_vec_finish(&stmts, arena, &r->n_statements);
        }
        free(sts);
        tm_vec_free(&acts);
        tm_vec_free(&rel);
    }
    tm_arena_free(scratch);
    /* model order */
    size_t n = result.len;
    tm_iam_reach *arr = tm_arena_array(arena, n ? n : 1, sizeof *arr);
    size_t k = 0;
    for (size_t e = 0; e < m->n_elements; e++)
        for (size_t i = 0; i < result.len; i++)
            if (((tm_iam_reach *)result.items[i])->element == m->elements[e])
                arr[k++] = *(tm_iam_reach *)result.items[i];
    tm_vec_free(&result);
    *out = arr;
    return k;
}
