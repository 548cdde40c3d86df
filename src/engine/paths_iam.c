/*
 * The IAM edges of the attack-path graph (paths.h), from the IAM module's
 * effective permissions (include/stridec/iam.h: an explicit Deny wins,
 * NotAction/NotResource, conditions decided from the request's facts or
 * "may apply"):
 *
 *   - escalation: identity A acts as identity B, or becomes administrator,
 *     by a technique of share/stridec/paths/techniques.yaml when every action
 *     it needs is allowed on the resource it needs (B's ARN, a new resource,
 *     an existing element, A's own ARN or policies) and its requirements
 *     hold (B trusts the service or A; the element is triggered);
 *   - data: the elements whose data A's permissions reach
 *     (tm_iam_reach_model), with read / write / delete.
 *
 * Identities have no ARN in a model: an identity is named
 * arn:aws:iam::ACCOUNT:role/NAME (user/NAME for users), ACCOUNT being the
 * one account the model's ARNs name (else ${AWS::AccountId}, which matches
 * any account). A resource written as an importer's placeholder for an
 * identity (${PayrollRole.Arn}, ${PayrollRole}) is that identity.
 *
 * Elements without an `arn` prop are matched as the IAM module's reach
 * does (a wildcard over their kind, or their id or name); an action on one
 * element is evaluated by putting a stand-in ARN in place of every
 * resource pattern, by how the pattern matches the element, so that the
 * module's evaluation (Deny, NotResource, conditions) decides
 * (paths-needs-from-iam.md asks the module for this).
 *
 * Every result is computed once per identity and kept; every evaluation is
 * counted (the search's work bound).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/paths.h"

#define S_TARGET "arn:stridec:element:::target"
#define S_MAYBE "arn:stridec:element:::${unresolved}"
#define S_NONE "arn:stridec:element:::none"

typedef struct {
    tm_statement *st; /* copies of the identity's statements, same order */
    size_t n;
    bool ready;
} S_stmts;

typedef struct {
    const tm_iam_edge *edges;
    size_t n;
    bool done;
} S_out;

struct tm_paths_iam {
    const tm_analysis *a;
    const tm_model *m;
    const tm_paths_knowledge *k;
    const tm_iam_catalog *c;
    tm_arena *ar;      /* results */
    tm_arena *scratch; /* one evaluation */
    const char *account;
    const char **arn;    /* per identity: its ARN by name */
    const char **arn_id; /* ... by id (NULL when the same) */
    S_stmts *perm;       /* per identity: statements with identity placeholders resolved */
    S_stmts *trust;      /* per identity: its trust statements, principals resolved */
    const char **services; /* the techniques' service principals */
    size_t n_services;
    signed char *trusts_svc; /* [identity * n_services]: -1 not asked, 0, 1 yes, 2 conditional */
    S_out *out;
    tm_map *described; /* pattern -> S_desc* */
    tm_map *service_has; /* "service type" -> "yes" / "no" */
    tm_map *by_type;   /* element type -> tm_vec* of elements, model order */
    tm_vec types;      /* the tm_vec*s, to free */
    tm_map *by_name;   /* "type name" -> tm_vec* of elements with that id, name or props.name */
    tm_vec name_lists; /* ... the tm_vec*s, to free */
    const char **el_arn, **el_pname; /* per element: props.arn, props.name (or NULL) */
    unsigned char *principal; /* per identity: 1 role, 2 user, 0 neither */
    signed char *may_key;     /* per identity: tm_paths_iam_may of the key action, -1 not asked */
    size_t work;
};

/* ------------------------------------------------------------- naming */

/* An IAM principal's kind, by its type's name (aws.iam.role, aws.iam.user). */
static int S_type_is(const tm_identity *id, const char *what)
{
    return id->type && strstr(id->type, what) != NULL;
}

static int S_is_user(const tm_paths_iam *pi, const tm_identity *id);
static int S_is_role(const tm_paths_iam *pi, const tm_identity *id);

/* The 12-digit account of an ARN or a bare account id, or NULL. */
static const char *S_account(const char *s, char out[13])
{
    const char *p = s;
    if (strncmp(s, "arn:", 4) == 0)
        for (int f = 0; f < 4 && p; f++)
            if ((p = strchr(p, ':')))
                p++;
    if (!p)
        return NULL;
    for (int i = 0; i < 12; i++)
        if (!isdigit((unsigned char)p[i]))
            return NULL;
    if (p[12] != '\0' && p[12] != ':')
        return NULL;
    memcpy(out, p, 12);
    out[12] = '\0';
    return out;
}

/* The one account the model's ARNs name, or NULL (none, or several). */
static const char *S_own_account(const tm_model *m, tm_arena *ar)
{
    char first[13] = "", acct[13];
    int several = 0;
#define S_SEE(s)                                                                                   \
    do {                                                                                           \
        if (S_account((s), acct)) {                                                                \
            if (!first[0])                                                                         \
                memcpy(first, acct, 13);                                                           \
            else if (strcmp(first, acct) != 0)                                                     \
                several = 1;                                                                       \
        }                                                                                          \
    } while (0)
    for (size_t i = 0; i < m->n_identities; i++)
        for (size_t s = 0; s < m->identities[i]->n_statements; s++) {
            const tm_statement *st = &m->identities[i]->statements[s];
            for (size_t r = 0; r < st->n_resources; r++)
                S_SEE(st->resources[r]);
        }
    for (size_t e = 0; e < m->n_elements; e++) {
        const tm_node *arn = tm_prop(m->elements[e]->props, "arn");
        if (arn && arn->kind == TM_NODE_SCALAR)
            S_SEE(arn->text);
    }
#undef S_SEE
    return first[0] && !several ? tm_arena_strdup(ar, first) : NULL;
}

static const char *S_make_arn(tm_paths_iam *pi, const tm_identity *id, const char *name)
{
    return tm_arena_printf(pi->ar, "arn:aws:iam::%s:%s/%s",
                           pi->account ? pi->account : "${AWS::AccountId}",
                           S_type_is(id, "user") ? "user" : "role", name);
}

/* `s` with every ${ID.Arn} and ${ID} of a model identity replaced by its ARN
 * and name (an importer's reference to the role), else `s` itself. */
static const char *S_resolve(tm_paths_iam *pi, const char *s)
{
    if (!strstr(s, "${"))
        return s;
    tm_buf b;
    tm_buf_init(&b, 0);
    int changed = 0;
    const char *p = s;
    while (*p) {
        const char *open = strstr(p, "${");
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            tm_buf_puts(&b, p);
            break;
        }
        tm_buf_put(&b, p, (size_t)(open - p));
        size_t len = (size_t)(close - open - 2);
        char *name = tm_arena_strndup(pi->scratch, open + 2, len);
        int arn = len > 4 && strcmp(name + len - 4, ".Arn") == 0;
        if (arn)
            name[len - 4] = '\0';
        const tm_identity *id = tm_model_identity(pi->m, name);
        if (id) {
            tm_buf_puts(&b, arn ? pi->arn[id->index] : id->name);
            changed = 1;
        } else {
            tm_buf_put(&b, open, (size_t)(close - open + 1));
        }
        p = close + 1;
    }
    const char *r = changed ? tm_arena_strdup(pi->ar, b.data ? b.data : "") : s;
    tm_buf_free(&b);
    return r;
}

static const char **S_resolve_list(tm_paths_iam *pi, const char **l, size_t n, int principals)
{
    if (!n)
        return l;
    const char **out = tm_arena_array(pi->ar, n, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i] = S_resolve(pi, l[i]);
        /* arn:aws:iam::ACCOUNT:root names the account (its IAM decides) */
        char acct[13];
        size_t len = strlen(out[i]);
        if (principals && len > 5 && strcmp(out[i] + len - 5, ":root") == 0 &&
            S_account(out[i], acct))
            out[i] = tm_arena_strdup(pi->ar, acct);
    }
    return out;
}

static int S_is_trust(const tm_statement *st)
{
    return st->n_principals || st->n_not_principals;
}

static const S_stmts *S_perm(tm_paths_iam *pi, const tm_identity *id)
{
    S_stmts *s = &pi->perm[id->index];
    if (s->ready)
        return s;
    s->ready = true;
    s->n = id->n_statements;
    s->st = tm_arena_array(pi->ar, s->n + 1, sizeof *s->st);
    for (size_t i = 0; i < s->n; i++) {
        s->st[i] = id->statements[i];
        s->st[i].resources = S_resolve_list(pi, s->st[i].resources, s->st[i].n_resources, 0);
        s->st[i].not_resources =
            S_resolve_list(pi, s->st[i].not_resources, s->st[i].n_not_resources, 0);
    }
    return s;
}

static const S_stmts *S_trust_of(tm_paths_iam *pi, const tm_identity *id)
{
    S_stmts *s = &pi->trust[id->index];
    if (s->ready)
        return s;
    s->ready = true;
    tm_vec v = {0};
    for (size_t i = 0; i < id->n_statements; i++)
        if (S_is_trust(&id->statements[i]))
            tm_vec_push(&v, (void *)&id->statements[i]);
    s->n = v.len;
    s->st = tm_arena_array(pi->ar, s->n + 1, sizeof *s->st);
    for (size_t i = 0; i < v.len; i++) {
        s->st[i] = *(const tm_statement *)v.items[i];
        s->st[i].principals = S_resolve_list(pi, s->st[i].principals, s->st[i].n_principals, 1);
        s->st[i].not_principals =
            S_resolve_list(pi, s->st[i].not_principals, s->st[i].n_not_principals, 1);
    }
    tm_vec_free(&v);
    return s;
}

/* The first n characters of a and b equal, ASCII letters without case. */
static int S_nieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* ------------------------------------------------------------ evidence */

static void S_list_text(tm_buf *b, const char *const *l, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++)
        tm_buf_printf(b, "%s%s", i ? ", " : "", l[i]);
    if (n > max)
        tm_buf_printf(b, " and %zu more", n - max);
}

/* "Allow iam:PassRole on arn:... (policy X), if its conditions hold". */
static const char *S_stmt_text(tm_arena *ar, const tm_statement *st)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, st->allow ? "Allow " : "Deny ");
    if (st->n_actions)
        S_list_text(&b, st->actions, st->n_actions, 4);
    else {
        tm_buf_puts(&b, "every action but ");
        S_list_text(&b, st->not_actions, st->n_not_actions, 4);
    }
    if (st->n_principals) {
        tm_buf_puts(&b, " for ");
        S_list_text(&b, st->principals, st->n_principals, 3);
    }
    if (st->n_resources) {
        tm_buf_puts(&b, " on ");
        S_list_text(&b, st->resources, st->n_resources, 3);
    } else if (st->n_not_resources) {
        tm_buf_puts(&b, " on every resource but ");
        S_list_text(&b, st->not_resources, st->n_not_resources, 3);
    }
    if (st->policy)
        tm_buf_printf(&b, " (policy %s)", st->policy);
    for (size_t i = 0; i < st->n_conditions; i++) {
        const tm_condition *c = &st->conditions[i];
        tm_buf_printf(&b, "%s%s %s ", i ? " and " : ", if ", c->variable ? c->variable : "?",
                      c->test ? c->test : "?");
        S_list_text(&b, c->values, c->n_values, 3);
    }
    const char *r = tm_arena_strdup(ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

/* The fact of statement `st` (an element of id->statements). */
static void S_fact(tm_paths_iam *pi, tm_vec *facts, const tm_identity *id, size_t index)
{
    for (size_t i = 0; i < facts->len; i++) {
        const tm_path_fact *f = facts->items[i];
        if (f->loc.line == id->statements[index].loc.line &&
            f->loc.col == id->statements[index].loc.col &&
            tm_strcmp0(f->loc.file, id->statements[index].loc.file) == 0 &&
            strncmp(f->path, "identity[", 9) == 0 &&
            strncmp(f->path + 9, id->id, strlen(id->id)) == 0)
            return;
    }
    tm_path_fact *f = tm_arena_alloc(pi->ar, sizeof *f);
    f->path = tm_arena_printf(pi->ar, "identity[%s].statements[%zu]", id->id, index);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_json_escape(&b, S_stmt_text(pi->scratch, &id->statements[index]));
    f->value = tm_arena_strdup(pi->ar, b.data ? b.data : "\"\"");
    tm_buf_free(&b);
    f->stated = true;
    f->loc = id->statements[index].loc;
    tm_vec_push(facts, f);
}

/* ----------------------------------------------------------- matching */

/* What a resource pattern names, and the element types of its service
 * (described once per pattern). */
typedef struct {
    tm_arn_info info;
    const char *const *types;
    size_t n_types;
} S_desc;

static const S_desc *S_describe(tm_paths_iam *pi, const char *pattern)
{
    S_desc *d = tm_map_get(pi->described, pattern);
    if (d)
        return d;
    d = tm_arena_alloc(pi->ar, sizeof *d);
    tm_arn_describe(pi->c, pattern, pi->ar, &d->info);
    if (d->info.valid && d->info.service && *d->info.service && !strchr(d->info.service, '*')) {
        char *act = tm_arena_printf(pi->ar, "%s:X", d->info.service);
        tm_iam_action_info ai;
        if (tm_iam_classify(pi->c, act, &ai)) {
            d->types = ai.element_types;
            d->n_types = ai.n_element_types;
        }
    }
    tm_map_put(pi->described, tm_arena_strdup(pi->ar, pattern), d);
    return d;
}

static int S_refers_to(const char *pattern, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = strstr(pattern, "${"); p; p = strstr(p + 2, "${"))
        if (strncmp(p + 2, id, n) == 0 && (p[2 + n] == '}' || p[2 + n] == '.'))
            return 1;
    return 0;
}

/* Does a service's resources include elements of type `type`? (memo) */
static int S_service_has(tm_paths_iam *pi, const char *service, const char *type)
{
    if (!service || !*service || strchr(service, '*'))
        return 0;
    tm_buf k;
    tm_buf_init(&k, 0);
    tm_buf_printf(&k, "%s %s", service, type);
    void *v = tm_map_get(pi->service_has, k.data);
    if (!v) {
        char *act = tm_arena_printf(pi->scratch, "%s:X", service);
        tm_iam_action_info info;
        int has = 0;
        if (tm_iam_classify(pi->c, act, &info))
            for (size_t i = 0; i < info.n_element_types && !has; i++)
                has = strcmp(info.element_types[i], type) == 0;
        v = has ? (void *)"yes" : (void *)"no";
        tm_map_put(pi->service_has, tm_arena_strdup(pi->ar, k.data), v);
    }
    tm_buf_free(&k);
    return ((const char *)v)[0] == 'y';
}

/* How a resource pattern names an element (as the IAM module's reach does). */
static tm_iam_match S_elem_match(tm_paths_iam *pi, const char *pattern, const tm_element *el)
{
    if (pi->el_arn[el->index])
        return tm_arn_match(pattern, pi->el_arn[el->index]);
    if (S_refers_to(pattern, el->id))
        return TM_IAM_YES;
    const S_desc *sd = S_describe(pi, pattern);
    const tm_arn_info *d = &sd->info;
    if (d->scope == TM_ARN_ALL)
        return TM_IAM_YES;
    if (!d->valid)
        return strstr(pattern, "${") ? TM_IAM_MAYBE : TM_IAM_NO;
    int of = 0;
    for (size_t i = 0; el->type && i < sd->n_types && !of; i++)
        of = strcmp(sd->types[i], el->type) == 0;
    if (!of)
        return TM_IAM_NO;
    if (d->scope == TM_ARN_SERVICE)
        return TM_IAM_YES;
    if (!d->element_type || strcmp(d->element_type, el->type) != 0)
        return TM_IAM_NO;
    if (d->scope == TM_ARN_KIND)
        return TM_IAM_YES;
    if (!d->name)
        return TM_IAM_NO;
    const char *names[3] = {el->id, el->name, pi->el_pname[el->index]};
    for (int i = 0; i < 3; i++)
        if (names[i] && tm_glob_match(d->name, names[i]))
            return TM_IAM_YES;
    return strstr(d->name, "${") ? TM_IAM_MAYBE : TM_IAM_NO;
}

static const char **S_stand_in(tm_paths_iam *pi, const char *const *l, size_t n,
                               const tm_element *el)
{
    const char **out = tm_arena_array(pi->scratch, n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        tm_iam_match mt = S_elem_match(pi, l[i], el);
        out[i] = mt == TM_IAM_YES ? S_TARGET : mt == TM_IAM_MAYBE ? S_MAYBE : S_NONE;
    }
    return out;
}

/* ---------------------------------------------------------- evaluation */

typedef struct {
    bool ok, cond;
    const tm_statement **allows; /* in the statements asked (copies) */
    size_t n_allows;
    const tm_statement *base; /* the copies: allows[i] - base is the statement's index */
} S_grant;

static S_grant S_decide(tm_iam_answer r, const tm_statement *base, int new_resource)
{
    S_grant g = {false, false, NULL, 0, base};
    if (r.decision != TM_IAM_ALLOWED && r.decision != TM_IAM_ALLOWED_IF_CONDITIONS)
        return g;
    g.ok = true;
    /* A new resource is named by the attacker: a grant on some of them is
     * enough, and so is a Deny on some. */
    g.cond = r.decision == TM_IAM_ALLOWED_IF_CONDITIONS &&
             (r.by_condition || r.by_action || (!new_resource && r.by_resource));
    g.allows = r.allows;
    g.n_allows = r.n_allows;
    return g;
}

/* Is `action` allowed to `id` on `resource` ("*" for a new one)? */
static S_grant S_ask(tm_paths_iam *pi, const tm_identity *id, const char *action,
                     const char *resource, const char *passed_to)
{
    const S_stmts *s = S_perm(pi, id);
    tm_iam_request q;
    memset(&q, 0, sizeof q);
    q.statements = s->st;
    q.n_statements = s->n;
    q.principal = pi->arn[id->index];
    tm_iam_fact fact = {"iam:PassedToService", passed_to};
    if (passed_to) {
        q.facts = &fact;
        q.n_facts = 1;
    }
    pi->work += s->n + 1;
    return S_decide(tm_iam_evaluate(&q, action, resource, pi->scratch), s->st,
                    strcmp(resource, "*") == 0);
}

/* Is `action` allowed to `id` on element `el`? */
static S_grant S_ask_element(tm_paths_iam *pi, const tm_identity *id, const char *action,
                             const tm_element *el)
{
    const S_stmts *s = S_perm(pi, id);
    tm_statement *st = tm_arena_array(pi->scratch, s->n + 1, sizeof *st);
    for (size_t i = 0; i < s->n; i++) {
        st[i] = s->st[i];
        if (S_is_trust(&st[i]))
            continue;
        st[i].resources = S_stand_in(pi, st[i].resources, st[i].n_resources, el);
        st[i].not_resources = S_stand_in(pi, st[i].not_resources, st[i].n_not_resources, el);
    }
    tm_iam_request q;
    memset(&q, 0, sizeof q);
    q.statements = st;
    q.n_statements = s->n;
    q.principal = pi->arn[id->index];
    pi->work += 2 * s->n + 1;
    return S_decide(tm_iam_evaluate(&q, action, S_TARGET, pi->scratch), st, 0);
}

/* Is `action` allowed to `id` on identity `t` (its ARN by name, else by id)? */
static S_grant S_ask_identity(tm_paths_iam *pi, const tm_identity *id, const char *action,
                              const tm_identity *t, const char *passed_to)
{
    S_grant g = S_ask(pi, id, action, pi->arn[t->index], passed_to);
    if (!g.ok && pi->arn_id[t->index])
        g = S_ask(pi, id, action, pi->arn_id[t->index], passed_to);
    return g;
}

/* Is `action` allowed on a customer managed policy attached to `t` (one of
 * the policies its statements name that is not an AWS managed policy)? */
static S_grant S_ask_policy(tm_paths_iam *pi, const tm_identity *id, const char *action,
                            const tm_identity *t)
{
    S_grant none = {false, false, NULL, 0, NULL};
    for (size_t i = 0; i < t->n_statements; i++) {
        const char *pol = t->statements[i].policy;
        if (!pol || S_is_trust(&t->statements[i]) ||
            tm_iam_managed_policy_version(pi->c, pol))
            continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = tm_strcmp0(t->statements[j].policy, pol) == 0;
        if (seen)
            continue;
        const char *arn = tm_arena_printf(pi->scratch, "arn:aws:iam::%s:policy/%s",
                                          pi->account ? pi->account : "${AWS::AccountId}", pol);
        S_grant g = S_ask(pi, id, action, arn, NULL);
        if (g.ok)
            return g;
    }
    return none;
}

/* Does `t`'s trust policy let `who` (an ARN or a service principal) assume
 * it? *direct: a statement names `who` itself (no permission of its own is
 * needed then); facts: the granting trust statements. */
static S_grant S_trusts(tm_paths_iam *pi, const tm_identity *t, const char *who, int *direct)
{
    S_grant none = {false, false, NULL, 0, NULL};
    *direct = 0;
    const S_stmts *s = S_trust_of(pi, t);
    if (!s->n)
        return none;
    tm_iam_request q;
    memset(&q, 0, sizeof q);
    q.resource_policy = s->st;
    q.n_resource_policy = s->n;
    q.principal = who;
    pi->work += s->n + 1;
    S_grant g = S_decide(tm_iam_evaluate(&q, "sts:AssumeRole", pi->arn[t->index], pi->scratch),
                         s->st, 0);
    for (size_t i = 0; g.ok && i < g.n_allows && !*direct; i++) {
        const tm_statement *st = g.allows[i];
        for (size_t p = 0; p < st->n_principals && !*direct; p++) {
            const char *pr = st->principals[p];
            char acct[13];
            /* "*", an account, a wildcard: the account's IAM decides */
            if (strcmp(pr, "*") == 0 || (S_account(pr, acct) && strncmp(pr, "arn:", 4) != 0) ||
                strchr(pr, '*'))
                continue;
            if (tm_arn_match(pr, who) == TM_IAM_YES)
                *direct = 1;
        }
    }
    return g;
}

/* ------------------------------------------------------------- edges */

typedef struct {
    tm_paths_iam *pi;
    const tm_identity *from;
    tm_vec facts;
    tm_buf detail;
    bool cond;
} S_edge_b;

static void S_eb_init(S_edge_b *e, tm_paths_iam *pi, const tm_identity *from)
{
    e->pi = pi;
    e->from = from;
    memset(&e->facts, 0, sizeof e->facts);
    tm_buf_init(&e->detail, 0);
    e->cond = false;
}

static void S_eb_free(S_edge_b *e)
{
    tm_vec_free(&e->facts);
    tm_buf_free(&e->detail);
}

/* The grant's statements as facts of `owner` (whose statements were asked). */
static void S_eb_grant(S_edge_b *e, const S_grant *g, const tm_identity *owner, int trust)
{
    e->cond = e->cond || g->cond;
    for (size_t i = 0; i < g->n_allows; i++) {
        const tm_statement *st = g->allows[i];
        size_t index;
        if (trust) {
            /* trust copies are in the order of the owner's trust statements */
            size_t k = (size_t)(st - g->base), seen = 0;
            for (index = 0; index < owner->n_statements; index++)
                if (S_is_trust(&owner->statements[index]) && seen++ == k)
                    break;
        } else {
            index = (size_t)(st - g->base);
        }
        if (index < owner->n_statements)
            S_fact(e->pi, &e->facts, owner, index);
    }
}

static void S_eb_say(S_edge_b *e, const char *fmt, const char *a, const char *b)
{
    if (e->detail.len)
        tm_buf_puts(&e->detail, ", ");
    tm_buf_printf(&e->detail, fmt, a, b);
}

static void S_eb_emit(S_edge_b *e, tm_vec *out, tm_iam_edge_kind kind, const tm_technique *t,
                      const tm_identity *to, const tm_element *via)
{
    tm_paths_iam *pi = e->pi;
    /* One edge per destination: the first technique that holds without a
     * condition wins, else the first. */
    for (size_t i = 0; i < out->len; i++) {
        tm_iam_edge *o = out->items[i];
        if (o->kind == kind && o->to == to) {
            if (!o->conditional || e->cond)
                return;
            out->items[i] = out->items[out->len - 1];
            out->len--;
            break;
        }
    }
    tm_iam_edge *ed = tm_arena_alloc(pi->ar, sizeof *ed);
    ed->kind = kind;
    ed->technique = t;
    ed->to = to;
    ed->via = via;
    ed->conditional = e->cond;
    ed->detail = tm_arena_strdup(pi->ar, e->detail.data ? e->detail.data : "");
    ed->facts = tm_arena_array(pi->ar, e->facts.len + 1, sizeof *ed->facts);
    for (size_t i = 0; i < e->facts.len; i++)
        ed->facts[i] = *(const tm_path_fact *)e->facts.items[i];
    ed->n_facts = e->facts.len;
    if (ed->n_facts)
        ed->loc = ed->facts[0].loc;
    tm_vec_push(out, ed);
}

/* The service principal's index in pi->services. */
static size_t S_service_index(tm_paths_iam *pi, const char *svc)
{
    for (size_t i = 0; i < pi->n_services; i++)
        if (strcmp(pi->services[i], svc) == 0)
            return i;
    return 0;
}

/* Does `t` trust the technique's service principal? (memo) */
static int S_trusts_service(tm_paths_iam *pi, const tm_identity *t, const char *svc,
                            S_edge_b *e)
{
    size_t si = S_service_index(pi, svc);
    signed char *memo = &pi->trusts_svc[t->index * pi->n_services + si];
    int direct;
    if (*memo == 0)
        return 0;
    S_grant g = S_trusts(pi, t, svc, &direct);
    *memo = (signed char)(g.ok ? (g.cond ? 2 : 1) : 0);
    if (g.ok && e)
        S_eb_grant(e, &g, t, 1);
    return g.ok;
}

/* Can `from` act as `t` through `t`'s trust policy (requires: trust)? */
static int S_can_assume(tm_paths_iam *pi, const tm_identity *from, const tm_identity *t,
                        S_edge_b *e)
{
    int direct;
    S_grant tg = S_trusts(pi, t, pi->arn[from->index], &direct);
    if (!tg.ok && pi->arn_id[from->index])
        tg = S_trusts(pi, t, pi->arn_id[from->index], &direct);
    if (!tg.ok)
        return 0;
    /* The caller's own policy must not deny it, and must allow it unless the
     * trust names the caller itself. */
    S_grant ig = S_ask_identity(pi, from, "sts:AssumeRole", t, NULL);
    if (!ig.ok && !direct)
        return 0;
    if (!ig.ok) {
        /* not allowed by the caller's policy: only an explicit Deny stops it */
        const S_stmts *s = S_perm(pi, from);
        tm_iam_request q;
        memset(&q, 0, sizeof q);
        q.statements = s->st;
        q.n_statements = s->n;
        tm_iam_answer r = tm_iam_evaluate(&q, "sts:AssumeRole", pi->arn[t->index], pi->scratch);
        if (r.decision == TM_IAM_DENIED)
            return 0;
    }
    S_eb_grant(e, &tg, t, 1);
    if (ig.ok)
        S_eb_grant(e, &ig, from, 0);
    S_eb_say(e, "%s trusts %s", t->name, direct ? from->name : "its account");
    return 1;
}

static int S_is_user(const tm_paths_iam *pi, const tm_identity *id)
{
    return pi->principal[id->index] == 2;
}

static int S_is_role(const tm_paths_iam *pi, const tm_identity *id)
{
    return pi->principal[id->index] == 1;
}

static int S_principal_ok(const tm_paths_iam *pi, tm_tech_principal p, const tm_identity *id)
{
    return p == TM_TECH_ANY ? pi->principal[id->index] != 0
           : p == TM_TECH_USER ? S_is_user(pi, id)
                               : S_is_role(pi, id);
}

static int S_triggered(const tm_analysis *a, const tm_element *el)
{
    const tm_element_info *ei = &a->elements[el->index];
    for (size_t i = 0; i < ei->n_in; i++)
        if (ei->in[i]->trigger)
            return 1;
    return 0;
}

/* Every action of the technique allowed to `from` on the resource it
 * needs (t: the identity acted on, el: the element); NULL where n/a. */
static int S_actions(tm_paths_iam *pi, const tm_technique *tech, const tm_identity *from,
                     const tm_identity *t, const tm_element *el, int skip_assume, S_edge_b *e)
{
    for (size_t i = 0; i < tech->n_actions; i++) {
        const tm_tech_action *ac = &tech->actions[i];
        if (skip_assume && tm_iam_action_match(ac->action, "sts:AssumeRole") == TM_IAM_YES &&
            ac->on == TM_ON_TARGET)
            continue;
        S_grant g = {false, false, NULL, 0, NULL};
        const char *passed = tech->yields == TM_TECH_PASSED_ROLE &&
                                     strcmp(ac->action, "iam:PassRole") == 0
                                 ? tech->service
                                 : NULL;
        switch (ac->on) {
        case TM_ON_TARGET:
            g = S_ask_identity(pi, from, ac->action, t, passed);
            if (g.ok && passed)
                S_eb_say(e, "%s on %s", ac->action,
                         tm_arena_printf(pi->scratch, "%s (passed to %s)", t->name, passed));
            else if (g.ok)
                S_eb_say(e, "%s on %s", ac->action, t->name);
            break;
        case TM_ON_SELF:
            g = S_ask_identity(pi, from, ac->action, from, NULL);
            if (g.ok)
                S_eb_say(e, "%s on %s", ac->action, "itself");
            break;
        case TM_ON_SELF_POLICY:
        case TM_ON_TARGET_POLICY: {
            const tm_identity *owner = ac->on == TM_ON_SELF_POLICY ? from : t;
            g = S_ask_policy(pi, from, ac->action, owner);
            if (g.ok)
                S_eb_say(e, "%s on a policy of %s", ac->action, owner->name);
            /* a policy named like an inline one may not be a managed policy */
            g.cond = g.ok;
            break;
        }
        case TM_ON_RESOURCE:
            g = S_ask_element(pi, from, ac->action, el);
            if (g.ok)
                S_eb_say(e, "%s on %s", ac->action, el->name);
            break;
        case TM_ON_NEW:
            g = S_ask(pi, from, ac->action, "*", NULL);
            if (g.ok)
                S_eb_say(e, "%s%s", ac->action, "");
            break;
        }
        if (!g.ok)
            return 0;
        S_eb_grant(e, &g, from, 0);
    }
    return 1;
}

/* The service prefixes an identity's Allow statements name ("*" in the list:
 * any service, for wildcards and NotAction). */
static void S_services(const tm_identity *id, tm_vec *out)
{
    for (size_t i = 0; i < id->n_statements; i++) {
        const tm_statement *st = &id->statements[i];
        if (!st->allow || S_is_trust(st))
            continue;
        if (st->n_not_actions) {
            tm_vec_push(out, (void *)"*");
            return;
        }
        for (size_t k = 0; k < st->n_actions; k++) {
            const char *a = st->actions[k];
            const char *colon = strchr(a, ':');
            const char *wild = strpbrk(a, "*?$");
            if (!colon || (wild && wild < colon)) {
                tm_vec_push(out, (void *)"*");
                return;
            }
            tm_vec_push(out, (void *)a);
        }
    }
}

/* May an action of `svc_of` be allowed at all by statements naming `services`? */
static int S_service_named(const tm_vec *services, const char *action)
{
    const char *colon = strchr(action, ':');
    size_t n = colon ? (size_t)(colon - action) : strlen(action);
    for (size_t i = 0; i < services->len; i++) {
        const char *s = services->items[i];
        if (s[0] == '*' && !s[1])
            return 1;
        if (strlen(s) > n && s[n] == ':' && S_nieq(s, action, n))
            return 1;
    }
    return 0;
}

/* Every action of a technique allowed on some resource (a cheap test first). */
static int S_possible(tm_paths_iam *pi, const tm_technique *t, const tm_identity *from,
                      const tm_vec *services)
{
    for (size_t i = 0; i < t->n_actions; i++)
        if (!(t->requires_trust && t->actions[i].on == TM_ON_TARGET &&
              strcmp(t->actions[i].action, "sts:AssumeRole") == 0) &&
            !S_service_named(services, t->actions[i].action))
            return 0;
    for (size_t i = 0; i < t->n_actions; i++) {
        /* a trust that names the caller needs no sts:AssumeRole of its own */
        if (t->requires_trust && t->actions[i].on == TM_ON_TARGET &&
            tm_iam_action_match(t->actions[i].action, "sts:AssumeRole") == TM_IAM_YES)
            continue;
        const S_stmts *s = S_perm(pi, from);
        tm_iam_request q;
        memset(&q, 0, sizeof q);
        q.statements = s->st;
        q.n_statements = s->n;
        pi->work += s->n + 1;
        tm_iam_answer r = tm_iam_evaluate(&q, t->actions[i].action, "*", pi->scratch);
        if (r.decision == TM_IAM_NOT_ALLOWED || r.decision == TM_IAM_DENIED)
            return 0;
    }
    return 1;
}

static void S_escalations(tm_paths_iam *pi, const tm_identity *from, tm_vec *out)
{
    const tm_model *m = pi->m;
    tm_vec services = {0};
    S_services(from, &services);
    for (size_t ti = 0; ti < pi->k->n_techniques; ti++) {
        const tm_technique *tech = &pi->k->techniques[ti];
        if (tech->unsupported || !S_possible(pi, tech, from, &services))
            continue;
        S_edge_b e;
        switch (tech->yields) {
        case TM_TECH_PASSED_ROLE:
            for (size_t i = 0; i < m->n_identities; i++) {
                const tm_identity *t = m->identities[i];
                if (t == from || !S_is_role(pi, t))
                    continue;
                size_t si = S_service_index(pi, tech->service);
                if (pi->trusts_svc[t->index * pi->n_services + si] == 0)
                    continue; /* known not to trust the service */
                S_eb_init(&e, pi, from);
                if (S_actions(pi, tech, from, t, NULL, 0, &e) &&
                    S_trusts_service(pi, t, tech->service, &e)) {
                    S_eb_say(&e, "%s trusts %s", t->name, tech->service);
                    S_eb_emit(&e, out, TM_IAM_EDGE_ACT_AS, tech, t, NULL);
                }
                S_eb_free(&e);
                tm_arena_reset(pi->scratch);
            }
            break;
        case TM_TECH_RESOURCE_ROLE:
            for (size_t k = 0; k < tech->n_types; k++) {
                tm_vec *els = tm_map_get(pi->by_type, tech->types[k]);
                for (size_t i = 0; els && i < els->len; i++) {
                    const tm_element *el = els->items[i];
                    if (!el->identity || el->identity == from)
                        continue;
                    if (tech->requires_triggered && !S_triggered(pi->a, el))
                        continue;
                    S_eb_init(&e, pi, from);
                    if (S_actions(pi, tech, from, NULL, el, 0, &e)) {
                        if (tech->requires_triggered)
                            S_eb_say(&e, "%s is invoked by an event source%s", el->name, "");
                        S_eb_emit(&e, out, TM_IAM_EDGE_ACT_AS, tech, el->identity, el);
                    }
                    S_eb_free(&e);
                    tm_arena_reset(pi->scratch);
                }
            }
            break;
        case TM_TECH_TARGET:
        case TM_TECH_ADMIN_TARGET:
            for (size_t i = 0; i < m->n_identities; i++) {
                const tm_identity *t = m->identities[i];
                if (t == from || !S_principal_ok(pi, tech->principal, t))
                    continue;
                S_eb_init(&e, pi, from);
                int ok = 1;
                if (tech->requires_trust)
                    ok = S_can_assume(pi, from, t, &e);
                if (ok && S_actions(pi, tech, from, t, NULL, tech->requires_trust, &e))
                    S_eb_emit(&e, out,
                              tech->yields == TM_TECH_TARGET ? TM_IAM_EDGE_ACT_AS
                                                             : TM_IAM_EDGE_ADMIN,
                              tech, t, NULL);
                S_eb_free(&e);
                tm_arena_reset(pi->scratch);
            }
            break;
        case TM_TECH_ADMIN_SELF:
            if (!S_principal_ok(pi, tech->principal, from))
                break;
            S_eb_init(&e, pi, from);
            if (S_actions(pi, tech, from, from, NULL, 0, &e))
                S_eb_emit(&e, out, TM_IAM_EDGE_ADMIN, tech, from, NULL);
            S_eb_free(&e);
            tm_arena_reset(pi->scratch);
            break;
        }
    }
    tm_vec_free(&services);
}

/* -------------------------------------------------------------- reach */

/* The services an Allow statement's actions belong to may reach `type`. */
static int S_stmt_touches(tm_paths_iam *pi, const tm_statement *st, const char *type)
{
    if (st->n_not_actions)
        return 1;
    for (size_t i = 0; i < st->n_actions; i++) {
        const char *a = st->actions[i];
        const char *colon = strchr(a, ':');
        const char *wild = strpbrk(a, "*?$");
        if (!colon || (wild && wild < colon))
            return 1;
        char *svc = tm_arena_strndup(pi->scratch, a, (size_t)(colon - a));
        for (char *p = svc; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (S_service_has(pi, svc, type))
            return 1;
    }
    return 0;
}

/* Elements an identity's Allow statements may reach (a superset: the IAM
 * module decides). */
static void S_mark(tm_paths_iam *pi, char *mark, const tm_element *el, const tm_statement *st)
{
    if (mark[el->index])
        return;
    pi->work++;
    for (size_t r = 0; r < st->n_resources; r++)
        if (S_elem_match(pi, st->resources[r], el) != TM_IAM_NO) {
            mark[el->index] = 1;
            return;
        }
}

static void S_candidates(tm_paths_iam *pi, const tm_identity *id, tm_vec *out)
{
    const S_stmts *s = S_perm(pi, id);
    const tm_model *m = pi->m;
    char *mark = calloc(m->n_elements + 1, 1);
    if (!mark)
        abort();
    tm_buf key;
    tm_buf_init(&key, 0);
    for (size_t t = 0; t < pi->types.len; t++) {
        tm_vec *els = pi->types.items[t];
        const tm_element *first = els->items[0];
        for (size_t i = 0; i < s->n; i++) {
            const tm_statement *st = &s->st[i];
            if (!st->allow || S_is_trust(st) || !S_stmt_touches(pi, st, first->type))
                continue;
            /* every element of the type, or those a pattern names (by the
             * name index when the pattern names one name), or a scan */
            int all = st->n_not_resources > 0 || !st->n_resources, scan = 0;
            for (size_t r = 0; r < st->n_resources && !all && !scan; r++) {
                const tm_arn_info *d = &S_describe(pi, st->resources[r])->info;
                if (d->scope >= TM_ARN_KIND || !d->valid || strstr(st->resources[r], "${") ||
                    !d->name || strpbrk(d->name, "*?"))
                    scan = 1;
            }
            if (all) {
                for (size_t e = 0; e < els->len; e++)
                    mark[((const tm_element *)els->items[e])->index] = 1;
                pi->work += els->len;
                continue;
            }
            if (scan) {
                for (size_t e = 0; e < els->len; e++)
                    S_mark(pi, mark, els->items[e], st);
                continue;
            }
            for (size_t r = 0; r < st->n_resources; r++) {
                const tm_arn_info *d = &S_describe(pi, st->resources[r])->info;
                tm_buf_reset(&key);
                tm_buf_printf(&key, "%s %s", first->type, d->name);
                tm_vec *named = tm_map_get(pi->by_name, key.data);
                for (size_t e = 0; named && e < named->len; e++)
                    S_mark(pi, mark, named->items[e], st);
            }
            /* elements with their own ARN are matched by it */
            for (size_t e = 0; e < els->len; e++)
                if (pi->el_arn[((const tm_element *)els->items[e])->index])
                    S_mark(pi, mark, els->items[e], st);
        }
    }
    tm_buf_free(&key);
    for (size_t e = 0; e < m->n_elements; e++)
        if (mark[e])
            tm_vec_push(out, m->elements[e]);
    free(mark);
}

/* How every resource pattern of the identity's statements names `el`: two
 * elements with the same signature get the same answers from the IAM module
 * (its evaluation reads only how each pattern matches), so one of them is
 * asked for all. */
static const char *S_signature(tm_paths_iam *pi, const S_stmts *s, const tm_element *el,
                               tm_buf *b)
{
    tm_buf_reset(b);
    tm_buf_puts(b, el->type ? el->type : "");
    tm_buf_putc(b, ':');
    for (size_t i = 0; i < s->n; i++) {
        const tm_statement *st = &s->st[i];
        if (S_is_trust(st))
            continue;
        for (size_t r = 0; r < st->n_resources; r++)
            tm_buf_putc(b, (char)('0' + S_elem_match(pi, st->resources[r], el)));
        for (size_t r = 0; r < st->n_not_resources; r++)
            tm_buf_putc(b, (char)('0' + S_elem_match(pi, st->not_resources[r], el)));
        tm_buf_putc(b, ',');
    }
    return b->data ? b->data : "";
}

static void S_reach(tm_paths_iam *pi, const tm_identity *id, tm_vec *out)
{
    tm_vec cand = {0};
    S_candidates(pi, id, &cand);
    if (!cand.len) {
        tm_vec_free(&cand);
        return;
    }
    /* one representative per signature */
    const S_stmts *ss = S_perm(pi, id);
    tm_map *groups = tm_map_new(16);
    tm_vec reps = {0};
    size_t *group_of = tm_xmalloc(cand.len * sizeof *group_of);
    tm_buf sig;
    tm_buf_init(&sig, 0);
    for (size_t i = 0; i < cand.len; i++) {
        const tm_element *el = cand.items[i];
        /* an element with its own ARN is matched by text: its own group */
        const char *key = pi->el_arn[el->index] ? tm_arena_printf(pi->scratch, "#%zu", el->index)
                              : S_signature(pi, ss, el, &sig);
        size_t *g = tm_map_get(groups, key);
        if (!g) {
            g = tm_arena_alloc(pi->scratch, sizeof *g);
            *g = reps.len;
            tm_map_put(groups, tm_arena_strdup(pi->scratch, key), g);
            tm_vec_push(&reps, (void *)el);
        }
        group_of[i] = *g;
        pi->work++;
    }
    tm_buf_free(&sig);
    tm_model sub = *pi->m;
    sub.elements = (tm_element **)reps.items;
    sub.n_elements = reps.len;
    tm_iam_reach *r = NULL;
    pi->work += reps.len * 16 * (id->n_statements + 1);
    size_t n = tm_iam_reach_model(pi->c, &sub, id, pi->scratch, &r);
    /* the reach of each representative, by group */
    const tm_iam_reach **by_group = tm_arena_array(pi->scratch, reps.len + 1, sizeof *by_group);
    for (size_t i = 0; i < n; i++)
        for (size_t g = 0; g < reps.len; g++)
            if (reps.items[g] == (void *)r[i].element)
                by_group[g] = &r[i];
    /* one edge per group's answer, listing its members (model order) */
    tm_vec *members = tm_xmalloc((reps.len + 1) * sizeof *members);
    memset(members, 0, (reps.len + 1) * sizeof *members);
    for (size_t i = 0; i < cand.len; i++)
        if (by_group[group_of[i]] && by_group[group_of[i]]->data)
            tm_vec_push(&members[group_of[i]], cand.items[i]);
    for (size_t g = 0; g < reps.len; g++) {
        const tm_iam_reach *rr = by_group[g];
        if (!members[g].len)
            continue;
        S_edge_b e;
        S_eb_init(&e, pi, id);
        S_list_text(&e.detail, rr->actions, rr->n_actions, 4);
        for (size_t k = 0; k < rr->n_statements; k++) {
            size_t index = (size_t)(rr->statements[k] - id->statements);
            if (index < id->n_statements)
                S_fact(pi, &e.facts, id, index);
        }
        tm_iam_edge *pe = tm_arena_alloc(pi->ar, sizeof *pe);
        pe->kind = TM_IAM_EDGE_DATA;
        pe->data = rr->data;
        pe->conditional = rr->conditional;
        pe->detail = tm_arena_strdup(pi->ar, e.detail.data ? e.detail.data : "");
        pe->facts = tm_arena_array(pi->ar, e.facts.len + 1, sizeof *pe->facts);
        for (size_t k = 0; k < e.facts.len; k++)
            pe->facts[k] = *(const tm_path_fact *)e.facts.items[k];
        pe->n_facts = e.facts.len;
        if (pe->n_facts)
            pe->loc = pe->facts[0].loc;
        pe->elements =
            (const tm_element **)tm_vec_finish(&members[g], pi->ar, &pe->n_elements);
        tm_vec_push(out, pe);
        S_eb_free(&e);
    }
    for (size_t g = 0; g < reps.len; g++)
        tm_vec_free(&members[g]);
    free(members);
    free(group_of);
    tm_vec_free(&reps);
    tm_map_free(groups);
    tm_vec_free(&cand);
    tm_arena_reset(pi->scratch);
}

/* ---------------------------------------------------------------- api */

tm_paths_iam *tm_paths_iam_new(const tm_analysis *a, const tm_paths_knowledge *k,
                               const tm_iam_catalog *c, tm_arena *arena)
{
    const tm_model *m = a->model;
    tm_paths_iam *pi = tm_arena_alloc(arena, sizeof *pi);
    pi->a = a;
    pi->m = m;
    pi->k = k;
    pi->c = c;
    pi->ar = arena;
    pi->scratch = tm_arena_new();
    pi->account = S_own_account(m, arena);
    size_t ni = m->n_identities + 1;
    pi->arn = tm_arena_array(arena, ni, sizeof *pi->arn);
    pi->arn_id = tm_arena_array(arena, ni, sizeof *pi->arn_id);
    pi->perm = tm_arena_array(arena, ni, sizeof *pi->perm);
    pi->trust = tm_arena_array(arena, ni, sizeof *pi->trust);
    pi->out = tm_arena_array(arena, ni, sizeof *pi->out);
    pi->principal = tm_arena_array(arena, ni, 1);
    pi->may_key = tm_arena_array(arena, ni, 1);
    memset(pi->may_key, -1, ni);
    for (size_t i = 0; i < m->n_identities; i++) {
        const tm_identity *id = m->identities[i];
        pi->principal[i] = S_type_is(id, "role") ? 1 : S_type_is(id, "user") ? 2 : 0;
        pi->arn[i] = S_make_arn(pi, id, id->name);
        if (strcmp(id->name, id->id) != 0)
            pi->arn_id[i] = S_make_arn(pi, id, id->id);
    }
    tm_vec svc = {0};
    for (size_t t = 0; t < k->n_techniques; t++) {
        const char *s = k->techniques[t].service;
        int seen = !s;
        for (size_t i = 0; i < svc.len && !seen; i++)
            seen = strcmp(svc.items[i], s) == 0;
        if (!seen)
            tm_vec_push(&svc, (void *)s);
    }
    pi->services = (const char **)tm_vec_finish(&svc, arena, &pi->n_services);
    size_t nm = m->n_identities * (pi->n_services ? pi->n_services : 1) + 1;
    pi->trusts_svc = tm_arena_array(arena, nm, 1);
    memset(pi->trusts_svc, -1, nm);
    pi->described = tm_map_new(64);
    pi->service_has = tm_map_new(64);
    pi->by_type = tm_map_new(64);
    pi->by_name = tm_map_new(m->n_elements + 16);
    pi->el_arn = tm_arena_array(arena, m->n_elements + 1, sizeof *pi->el_arn);
    pi->el_pname = tm_arena_array(arena, m->n_elements + 1, sizeof *pi->el_pname);
    for (size_t e = 0; e < m->n_elements; e++) {
        const tm_element *el = m->elements[e];
        const tm_node *arn = tm_prop(el->props, "arn"), *pn = tm_prop(el->props, "name");
        if (arn && arn->kind == TM_NODE_SCALAR)
            pi->el_arn[e] = arn->text;
        if (pn && pn->kind == TM_NODE_SCALAR)
            pi->el_pname[e] = pn->text;
        if (!el->type || el->out_of_scope)
            continue;
        const char *names[3] = {el->id, el->name, pi->el_pname[e]};
        for (int n = 0; n < 3; n++) {
            if (!names[n] || (n && tm_strcmp0(names[n], names[0]) == 0) ||
                (n == 2 && tm_strcmp0(names[2], names[1]) == 0))
                continue;
            char *key = tm_arena_printf(arena, "%s %s", el->type, names[n]);
            tm_vec *nl = tm_map_get(pi->by_name, key);
            if (!nl) {
                nl = tm_xmalloc(sizeof *nl);
                memset(nl, 0, sizeof *nl);
                tm_map_put(pi->by_name, key, nl);
                tm_vec_push(&pi->name_lists, nl);
            }
            tm_vec_push(nl, (void *)el);
        }
        tm_vec *v = tm_map_get(pi->by_type, el->type);
        if (!v) {
            v = tm_xmalloc(sizeof *v);
            memset(v, 0, sizeof *v);
            tm_map_put(pi->by_type, el->type, v);
            tm_vec_push(&pi->types, v);
        }
        tm_vec_push(v, (void *)el);
    }
    return pi;
}

void tm_paths_iam_free(tm_paths_iam *pi)
{
    if (!pi)
        return;
    for (size_t i = 0; i < pi->types.len; i++) {
        tm_vec_free(pi->types.items[i]);
        free(pi->types.items[i]);
    }
    tm_vec_free(&pi->types);
    tm_map_free(pi->by_type);
    for (size_t i = 0; i < pi->name_lists.len; i++) {
        tm_vec_free(pi->name_lists.items[i]);
        free(pi->name_lists.items[i]);
    }
    tm_vec_free(&pi->name_lists);
    tm_map_free(pi->by_name);
    tm_map_free(pi->described);
    tm_map_free(pi->service_has);
    tm_arena_free(pi->scratch);
}

size_t tm_paths_iam_edges(tm_paths_iam *pi, const tm_identity *id, const tm_iam_edge **out)
{
    S_out *o = &pi->out[id->index];
    if (!o->done) {
        o->done = true;
        tm_vec v = {0};
        S_escalations(pi, id, &v);
        S_reach(pi, id, &v);
        size_t n = v.len;
        tm_iam_edge *arr = tm_arena_array(pi->ar, n + 1, sizeof *arr);
        for (size_t i = 0; i < n; i++)
            arr[i] = *(tm_iam_edge *)v.items[i];
        tm_vec_free(&v);
        o->edges = arr;
        o->n = n;
    }
    *out = o->edges;
    return o->n;
}

int tm_paths_iam_may(tm_paths_iam *pi, const tm_identity *id, const char *action)
{
    /* one action is asked of every identity (the key's): kept per identity */
    if (pi->may_key[id->index] < 0) {
        S_grant g = S_ask(pi, id, action, "*", NULL);
        tm_arena_reset(pi->scratch);
        pi->may_key[id->index] = (signed char)(g.ok ? (g.cond ? 2 : 1) : 0);
    }
    return pi->may_key[id->index];
}

size_t tm_paths_iam_work(const tm_paths_iam *pi)
{
    return pi->work;
}
