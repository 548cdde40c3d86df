/*
 * IAM facts (src/engine/iam.c): what each identity's statements allow, in the
 * terms the rules read (users, wildcards, admin, privilege escalation, public
 * and cross-account principals, NotAction, SES send-as-anyone, shared roles).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "stridec/model.h"
#include "testutil.h"

typedef struct {
    char *dir;
    tm_diags *d;
    tm_model *m;
    tm_analysis *a;
} S_run;

/* Load a model whose body (elements, identities) is `body`. */
static void S_load(S_run *r, const char *body)
{
    r->dir = tu_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/m.yaml", r->dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "stridec: 1\nsystem: {name: iam}\n%s", body);
    fclose(f);
    r->d = tm_diags_new();
    r->m = tm_model_load(path, NULL, r->d);
    if (!r->m) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(r->d, &b);
        ck_abort_msg("model does not load:\n%s", b.data ? b.data : "");
    }
    r->a = tm_analyze(r->m, NULL, NULL, NULL, r->d);
    ck_assert_ptr_nonnull(r->a);
}

static void S_free(S_run *r)
{
    tm_analysis_free(r->a);
    tm_model_free(r->m);
    tm_diags_free(r->d);
    tu_rmtree(r->dir);
    free(r->dir);
}

static const tm_identity_info *S_id(const S_run *r, const char *id)
{
    for (size_t i = 0; i < r->m->n_identities; i++)
        if (strcmp(r->m->identities[i]->id, id) == 0)
            return &r->a->identities[i];
    ck_abort_msg("no identity %s", id);
    return NULL;
}

static int S_has(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

START_TEST(action_matching)
{
    ck_assert(tm_iam_action_matches("*", "s3:GetObject"));
    ck_assert(tm_iam_action_matches("s3:*", "s3:GetObject"));
    ck_assert(tm_iam_action_matches("S3:get*", "s3:GetObject"));
    ck_assert(tm_iam_action_matches("s3:Get?bject", "s3:GetObject"));
    ck_assert(tm_iam_action_matches("iam:Pass*", "iam:PassRole"));
    ck_assert(!tm_iam_action_matches("s3:Put*", "s3:GetObject"));
    ck_assert(!tm_iam_action_matches("s3:GetObject", "s3:GetObjectAcl"));
    ck_assert(!tm_iam_action_matches("sqs:*", "s3:GetObject"));
}
END_TEST

START_TEST(admin_wildcards_and_resources)
{
    S_run r;
    S_load(&r, "identities:\n"
               "  - id: admin\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"*\"], resources: [\"*\"]}\n"
               "  - id: svc\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"s3:*\", \"s3:GetObject\", \"dynamodb:*\"], "
               "resources: [\"arn:aws:s3:::b/*\"]}\n"
               "  - id: res\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"s3:GetObject\"], resources: [\"*\"]}\n"
               "  - id: least\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"s3:GetObject\"], resources: [\"arn:aws:s3:::b/*\"]}\n"
               "      - {effect: deny, actions: [\"*\"], resources: [\"*\"]}\n");
    const tm_identity_info *i = S_id(&r, "admin");
    ck_assert(i->admin && i->wildcard_action && i->wildcard_resource);
    i = S_id(&r, "svc");
    ck_assert(!i->admin && i->wildcard_action && !i->wildcard_resource);
    ck_assert_uint_eq(i->n_wildcard_actions, 2);
    ck_assert_str_eq(i->wildcard_actions[0], "s3:*");
    ck_assert_str_eq(i->wildcard_actions[1], "dynamodb:*");
    i = S_id(&r, "res");
    ck_assert(!i->admin && !i->wildcard_action && i->wildcard_resource);
    /* Deny statements grant nothing. */
    i = S_id(&r, "least");
    ck_assert(!i->admin && !i->wildcard_action && !i->wildcard_resource);
    ck_assert_uint_eq(i->n_privesc_actions, 0);
    S_free(&r);
}
END_TEST

START_TEST(privilege_escalation)
{
    S_run r;
    S_load(&r, "identities:\n"
               "  - id: pass\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:PassRole\", \"lambda:CreateFunction\"], "
               "resources: [\"*\"]}\n"
               "  - id: iamstar\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:*\"], resources: [\"*\"]}\n"
               "  - id: scoped\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:PassRole\"], "
               "resources: [\"arn:aws:iam::111122223333:role/exec\"]}\n"
               "  - id: notaction\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, not_actions: [\"iam:*\"], resources: [\"*\"]}\n");
    const tm_identity_info *i = S_id(&r, "pass");
    ck_assert_uint_eq(i->n_privesc_actions, 2);
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "iam:PassRole"));
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "lambda:CreateFunction"));
    i = S_id(&r, "iamstar");
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "iam:CreatePolicyVersion"));
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "iam:AttachRolePolicy"));
    ck_assert(!S_has(i->privesc_actions, i->n_privesc_actions, "lambda:CreateFunction"));
    /* Scoped to one role ARN: not an escalation path on its own. */
    i = S_id(&r, "scoped");
    ck_assert_uint_eq(i->n_privesc_actions, 0);
    /* NotAction iam:* still allows lambda:UpdateFunctionCode and friends. */
    i = S_id(&r, "notaction");
    ck_assert(i->uses_not);
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "lambda:UpdateFunctionCode"));
    ck_assert(!S_has(i->privesc_actions, i->n_privesc_actions, "iam:PassRole"));
    S_free(&r);
}
END_TEST

START_TEST(trust_policies)
{
    S_run r;
    S_load(&r, "identities:\n"
               "  - id: own\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"sqs:SendMessage\"], "
               "resources: [\"arn:aws:sqs:eu-west-1:111122223333:q\"]}\n"
               "      - {effect: allow, actions: [\"sts:AssumeRole\"], "
               "principals: [\"arn:aws:iam::111122223333:root\", \"lambda.amazonaws.com\"]}\n"
               "  - id: foreign\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"sts:AssumeRole\"], principals: [\"999988887777\"]}\n"
               "  - id: public\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"sts:AssumeRole\"], principals: [\"*\"]}\n"
               "  - id: narrowed\n    type: aws.iam.role\n    statements:\n"
               "      - effect: allow\n        actions: [\"sts:AssumeRole\"]\n        principals: [\"*\"]\n"
               "        conditions: [{test: StringEquals, variable: \"aws:PrincipalOrgID\", "
               "values: [o-1]}]\n"
               "  - id: notnarrowed\n    type: aws.iam.role\n    statements:\n"
               "      - effect: allow\n        actions: [\"sts:AssumeRole\"]\n        principals: [\"AWS:*\"]\n"
               "        conditions: [{test: Bool, variable: \"aws:MultiFactorAuthPresent\", "
               "values: [\"true\"]}]\n");
    const tm_identity_info *i = S_id(&r, "own");
    ck_assert(!i->cross_account && !i->public_principal);
    /* A trust statement (sts:AssumeRole for a principal, no resources) is not
     * a permission: the role does not "allow sts:AssumeRole on *". */
    ck_assert_uint_eq(i->n_privesc_actions, 0);
    ck_assert(!i->wildcard_resource && !i->admin);
    i = S_id(&r, "foreign");
    ck_assert(i->cross_account && !i->public_principal);
    i = S_id(&r, "public");
    ck_assert(i->public_principal);
    i = S_id(&r, "narrowed");
    ck_assert(!i->public_principal);
    i = S_id(&r, "notnarrowed");
    ck_assert(i->public_principal);
    S_free(&r);
}
END_TEST

START_TEST(ses_send_any)
{
    S_run r;
    S_load(&r, "identities:\n"
               "  - id: any\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"ses:Send*\"], resources: [\"*\"]}\n"
               "  - id: scoped\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"ses:SendEmail\"], "
               "resources: [\"arn:aws:ses:eu-west-1:111122223333:identity/example.com\"]}\n"
               "  - id: other\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"sns:Publish\"], resources: [\"*\"]}\n");
    ck_assert(S_id(&r, "any")->ses_send_any);
    ck_assert(!S_id(&r, "scoped")->ses_send_any);
    ck_assert(!S_id(&r, "other")->ses_send_any);
    S_free(&r);
}
END_TEST

START_TEST(users_and_shared_roles)
{
    S_run r;
    S_load(&r, "elements:\n"
               "  - {id: a, type: aws.lambda, identity: shared}\n"
               "  - {id: b, type: aws.lambda, identity: own}\n"
               "  - {id: c, type: aws.lambda, identity: shared}\n"
               "identities:\n"
               "  - {id: shared, type: aws.iam.role}\n"
               "  - {id: own, type: aws.iam.role}\n"
               "  - {id: nobody, type: aws.iam.role}\n");
    const tm_identity_info *i = S_id(&r, "shared");
    ck_assert_uint_eq(i->n_users, 2);
    ck_assert_str_eq(i->users[0]->id, "a");
    ck_assert_str_eq(i->users[1]->id, "c");
    ck_assert_uint_eq(S_id(&r, "own")->n_users, 1);
    ck_assert_uint_eq(S_id(&r, "nobody")->n_users, 0);
    /* a and c see each other; b shares with nobody. */
    ck_assert_uint_eq(r.a->elements[0].n_shares_identity_with, 1);
    ck_assert_str_eq(r.a->elements[0].shares_identity_with[0]->id, "c");
    ck_assert_uint_eq(r.a->elements[1].n_shares_identity_with, 0);
    ck_assert_str_eq(r.a->elements[2].shares_identity_with[0]->id, "a");
    S_free(&r);
}
END_TEST


START_TEST(deny_wins)
{
    S_run r;
    S_load(&r, "identities:\n"
               "  - id: denied\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:*\"], resources: [\"*\"]}\n"
               "      - {effect: deny, actions: [\"iam:*\"], resources: [\"*\"]}\n"
               "  - id: partly\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"*\"], resources: [\"*\"]}\n"
               "      - {effect: deny, actions: [\"iam:*\", \"s3:GetObject\"], resources: [\"*\"]}\n"
               "  - id: conddeny\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:PassRole\"], resources: [\"*\"]}\n"
               "      - effect: deny\n        actions: [\"iam:*\"]\n        resources: [\"*\"]\n"
               "        conditions: [{test: Bool, variable: \"aws:MultiFactorAuthPresent\", values: [\"false\"]}]\n");
    /* Allow iam:* + Deny iam:* on *: no escalation, no whole service. */
    const tm_identity_info *i = S_id(&r, "denied");
    ck_assert_uint_eq(i->n_privesc_actions, 0);
    ck_assert(!i->wildcard_action && !i->admin);
    /* Allow * minus iam and a read: not an administrator any more; the
     * escalation through lambda and cloudformation stays. */
    i = S_id(&r, "partly");
    ck_assert(!i->admin);
    ck_assert(!S_has(i->privesc_actions, i->n_privesc_actions, "iam:PassRole"));
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "lambda:CreateFunction"));
    /* A Deny whose condition may not hold leaves the allow standing, with the
     * Deny named in the evidence. */
    i = S_id(&r, "conddeny");
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "iam:PassRole"));
    int named = 0;
    for (size_t k = 0; k < i->n_evidence; k++)
        if (strcmp(i->evidence[k].fact, "privesc") == 0 &&
            strstr(i->evidence[k].text, "Deny iam:* on *, unless its conditions fail"))
            named = 1;
    ck_assert(named);
    S_free(&r);
}
END_TEST

START_TEST(wildcard_resources_by_kind)
{
    S_run r;
    S_load(&r, "identities:\n"
               "  - id: logs\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"logs:CreateLogGroup\", \"logs:CreateLogStream\", "
               "\"logs:PutLogEvents\"], resources: [\"*\"], policy: AWSLambdaBasicExecutionRole}\n"
               "      - {effect: allow, actions: [\"xray:Put*\", \"cloudwatch:PutMetricData\"], "
               "resources: [\"*\"]}\n"
               "  - id: tables\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"dynamodb:GetItem\"], "
               "resources: [\"arn:aws:dynamodb:*:*:table/*\"]}\n"
               "  - id: objects\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"s3:GetObject\"], resources: [\"arn:aws:s3:::*/*\"]}\n"
               "  - id: some\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"dynamodb:GetItem\"], "
               "resources: [\"arn:aws:dynamodb:*:*:table/orders-*\"]}\n"
               "  - id: notres\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"sqs:SendMessage\"], "
               "not_resources: [\"arn:aws:sqs:*:*:internal\"]}\n"
               "  - id: policy\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"s3:PutBucketPolicy\"], resources: [\"*\"]}\n");
    const tm_identity_info *i = S_id(&r, "logs");
    ck_assert(!i->wildcard_resource);
    ck_assert_uint_eq(i->n_policies, 1);
    ck_assert_str_eq(i->policies[0], "AWSLambdaBasicExecutionRole");
    i = S_id(&r, "tables");
    ck_assert(i->wildcard_resource);
    ck_assert_uint_eq(i->n_wildcard_resource_actions, 1);
    ck_assert_str_eq(i->wildcard_resource_actions[0],
                     "dynamodb:GetItem on arn:aws:dynamodb:*:*:table/*");
    ck_assert(S_id(&r, "objects")->wildcard_resource);
    ck_assert(!S_id(&r, "some")->wildcard_resource);
    i = S_id(&r, "notres");
    ck_assert(i->wildcard_resource);
    ck_assert_str_eq(i->wildcard_resource_actions[0],
                     "sqs:SendMessage on every resource but arn:aws:sqs:*:*:internal");
    ck_assert(S_id(&r, "policy")->wildcard_resource);
    S_free(&r);
}
END_TEST

START_TEST(admin_from_managed_policy)
{
    S_run r;
    S_load(&r, "elements:\n  - {id: fn, type: aws.lambda, identity: admin}\n"
               "identities:\n"
               "  - id: admin\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"sts:AssumeRole\"], principals: [lambda.amazonaws.com]}\n"
               "      - {effect: allow, actions: [\"*\"], resources: [\"*\"], policy: AdministratorAccess}\n"
               "  - id: poweruser\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, not_actions: [\"iam:*\", \"organizations:*\", \"account:*\"], "
               "resources: [\"*\"], policy: PowerUserAccess}\n"
               "  - id: cond\n    type: aws.iam.role\n    statements:\n"
               "      - effect: allow\n        actions: [\"*\"]\n        resources: [\"*\"]\n"
               "        conditions: [{test: IpAddress, variable: \"aws:SourceIp\", values: [10.0.0.0/8]}]\n");
    const tm_identity_info *i = S_id(&r, "admin");
    ck_assert(i->admin);
    int found = 0;
    for (size_t k = 0; k < i->n_evidence; k++)
        if (strcmp(i->evidence[k].fact, "admin") == 0) {
            ck_assert_ptr_nonnull(strstr(i->evidence[k].text, ":10:9: Allow * on * (policy AdministratorAccess)"));
            found = 1;
        }
    ck_assert(found);
    /* With the rule library, the IAM-ADMIN threat carries that evidence
     * (and IAM-PRIVESC, whose rule reads privesc, the same statement). */
    tm_ruleset *rs = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rs, r.d), 0);
    tm_analysis *an = tm_analyze(r.m, NULL, rs, NULL, r.d);
    ck_assert_ptr_nonnull(an);
    int threat = 0;
    for (size_t t = 0; t < an->n_threats; t++)
        if (strcmp(an->threats[t]->id, "IAM-ADMIN@admin") == 0) {
            ck_assert_uint_eq(an->threats[t]->n_evidence, 1);
            ck_assert_ptr_nonnull(strstr(an->threats[t]->evidence[0], "AdministratorAccess"));
            threat = 1;
        }
    ck_assert(threat);
    tm_analysis_free(an);
    tm_ruleset_free(rs);
    i = S_id(&r, "poweruser");
    ck_assert(!i->admin && i->uses_not);
    ck_assert(!S_has(i->privesc_actions, i->n_privesc_actions, "iam:PassRole"));
    ck_assert(S_has(i->privesc_actions, i->n_privesc_actions, "lambda:CreateFunction"));
    /* A condition the engine cannot decide may apply: still an administrator,
     * and the evidence says so. */
    i = S_id(&r, "cond");
    ck_assert(i->admin);
    found = 0;
    for (size_t k = 0; k < i->n_evidence; k++)
        if (strcmp(i->evidence[k].fact, "admin") == 0 &&
            strstr(i->evidence[k].text, "only if its conditions hold"))
            found = 1;
    ck_assert(found);
    S_free(&r);
}
END_TEST

START_TEST(passrole_scoping)
{
    S_run r;
    S_load(&r, "identities:\n"
               "  - id: one\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:PassRole\"], "
               "resources: [\"arn:aws:iam::111122223333:role/payroll-role\"]}\n"
               "      - {effect: allow, actions: [\"lambda:CreateFunction\"], "
               "resources: [\"arn:aws:lambda:eu-west-1:111122223333:function:render-*\"]}\n"
               "  - id: allroles\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:PassRole\"], resources: [\"arn:aws:iam::*:role/*\"]}\n"
               "  - id: unresolved\n    type: aws.iam.role\n    statements:\n"
               "      - {effect: allow, actions: [\"iam:PassRole\"], resources: [\"${ExecRole.Arn}\"]}\n");
    ck_assert_uint_eq(S_id(&r, "one")->n_privesc_actions, 0);
    /* every role of every account is "every role": as good as "*" for PassRole */
    ck_assert(S_has(S_id(&r, "allroles")->privesc_actions, S_id(&r, "allroles")->n_privesc_actions,
                    "iam:PassRole"));
    ck_assert_uint_eq(S_id(&r, "unresolved")->n_privesc_actions, 0);
    S_free(&r);
}
END_TEST

Suite *suite_iam(void)
{
    Suite *s = suite_create("iam");
    TCase *tc = tcase_create("facts");
    tcase_add_test(tc, action_matching);
    tcase_add_test(tc, admin_wildcards_and_resources);
    tcase_add_test(tc, privilege_escalation);
    tcase_add_test(tc, trust_policies);
    tcase_add_test(tc, ses_send_any);
    tcase_add_test(tc, users_and_shared_roles);
    tcase_add_test(tc, deny_wins);
    tcase_add_test(tc, wildcard_resources_by_kind);
    tcase_add_test(tc, admin_from_managed_policy);
    tcase_add_test(tc, passrole_scoping);
    suite_add_tcase(s, tc);
    return s;
}
