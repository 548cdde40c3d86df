/*
 * IAM analysis: what each identity's statements allow, in the terms the
 * rules need (the seed: "IAM is like putting your firewall on the
 * internet"). Facts only; the rules decide what is a threat.
 */
#include <ctype.h>
#include <string.h>

#include "engine/engine.h"

/* Actions that let a principal raise its own privileges when allowed on any
 * resource (after Rhino Security Labs' AWS privilege-escalation methods). */
static const char *const S_privesc[] = {
    "iam:PassRole",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateRole",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:CreateFunction",
    "lambda:AddPermission",
    "sts:AssumeRole",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "codebuild:CreateProject",
    "glue:UpdateDevEndpoint",
    "ec2:RunInstances",
};

/* Conditions that narrow a public principal to known callers. */
static const char *const S_narrowing_keys[] = {
    "aws:SourceArn",     "aws:SourceAccount", "aws:PrincipalOrgID", "aws:PrincipalAccount",
    "aws:SourceVpc",     "aws:SourceVpce",    "aws:SourceIp",       "aws:PrincipalArn",
    "aws:SourceOrgID",   "aws:PrincipalOrgPaths",
};

static int S_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int tm_iam_action_matches(const char *pattern, const char *action)
{
    return tm_glob_match_nocase(pattern, action);
}

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

static int S_any_star(const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (S_is_star(list[i]))
            return 1;
    return 0;
}

static int S_allows_action(const tm_statement *st, const char *action)
{
    for (size_t i = 0; i < st->n_actions; i++)
        if (tm_iam_action_matches(st->actions[i], action))
            return 1;
    /* NotAction allows everything it does not name. */
    if (st->n_not_actions) {
        for (size_t i = 0; i < st->n_not_actions; i++)
            if (tm_iam_action_matches(st->not_actions[i], action))
                return 0;
        return 1;
    }
    return 0;
}

static int S_narrowed(const tm_statement *st)
{
    for (size_t i = 0; i < st->n_conditions; i++)
        for (size_t k = 0; k < sizeof S_narrowing_keys / sizeof *S_narrowing_keys; k++)
            if (st->conditions[i].variable && S_ieq(st->conditions[i].variable, S_narrowing_keys[k]))
                return 1;
    return 0;
}

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

typedef struct {
    char ids[32][13];
    size_t n;
} account_set;

static void S_add_account(account_set *set, const char *acct)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->ids[i], acct) == 0)
            return;
    if (set->n < 32)
        memcpy(set->ids[set->n++], acct, 13);
}

static int S_has_account(const account_set *set, const char *acct)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->ids[i], acct) == 0)
            return 1;
    return 0;
}

static void S_push_unique(tm_vec *v, const char *s)
{
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i], s) == 0)
            return;
    tm_vec_push(v, (void *)s);
}

static void S_trust_facts(const tm_statement *st, const account_set *own, tm_identity_info *info)
{
    for (size_t p = 0; p < st->n_principals; p++) {
        const char *pr = st->principals[p];
        if ((S_is_star(pr) || strcmp(pr, "AWS:*") == 0) && !S_narrowed(st))
            info->public_principal = true;
        char acct[13];
        if (S_account_of(pr, acct) && !S_has_account(own, acct))
            info->cross_account = true;
    }
}

void tm_iam_analyze(tm_analysis *a)
{
    const tm_model *m = a->model;

    /* The model's own accounts: those its resource ARNs name. A principal from
     * any other account is cross-account; when the model names no account, any
     * explicit account principal is. */
    account_set own = {{{0}}, 0};
    for (size_t i = 0; i < m->n_identities; i++)
        for (size_t s = 0; s < m->identities[i]->n_statements; s++) {
            const tm_statement *st = &m->identities[i]->statements[s];
            for (size_t r = 0; r < st->n_resources; r++) {
                char acct[13];
                if (S_account_of(st->resources[r], acct))
                    S_add_account(&own, acct);
            }
        }

    for (size_t i = 0; i < m->n_identities; i++) {
        tm_identity_info *info = &a->identities[i];
        const tm_identity *id = m->identities[i];
        info->identity = id;
        tm_vec users = {0}, privesc = {0}, wild = {0};
        for (size_t e = 0; e < m->n_elements; e++)
            if (m->elements[e]->identity == id)
                tm_vec_push(&users, m->elements[e]);
        for (size_t s = 0; s < id->n_statements; s++) {
            const tm_statement *st = &id->statements[s];
            if (!st->allow)
                continue;
            /* A statement naming principals is the role's trust policy (who
             * may assume it), not a permission of the role: sts:AssumeRole
             * granted to lambda.amazonaws.com is not the role assuming "*". */
            if (st->n_principals) {
                S_trust_facts(st, &own, info);
                continue;
            }
            int any_resource = st->n_resources == 0 || S_any_star(st->resources, st->n_resources);
            for (size_t k = 0; k < st->n_actions; k++)
                if (S_is_wildcard_action(st->actions[k])) {
                    info->wildcard_action = true;
                    S_push_unique(&wild, st->actions[k]);
                }
            if (st->n_not_actions)
                info->uses_not = true;
            if (st->n_resources && S_any_star(st->resources, st->n_resources))
                info->wildcard_resource = true;
            if (any_resource && S_any_star(st->actions, st->n_actions))
                info->admin = true;
            if (any_resource) {
                for (size_t k = 0; k < sizeof S_privesc / sizeof *S_privesc; k++)
                    if (S_allows_action(st, S_privesc[k]))
                        S_push_unique(&privesc, S_privesc[k]);
                if (S_allows_action(st, "ses:SendEmail") || S_allows_action(st, "ses:SendRawEmail"))
                    info->ses_send_any = true;
            }
        }
        info->users = (const tm_element **)tm_vec_finish(&users, a->arena, &info->n_users);
        info->privesc_actions =
            (const char **)tm_vec_finish(&privesc, a->arena, &info->n_privesc_actions);
        info->wildcard_actions =
            (const char **)tm_vec_finish(&wild, a->arena, &info->n_wildcard_actions);
    }

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
