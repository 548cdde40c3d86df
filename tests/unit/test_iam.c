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
    suite_add_tcase(s, tc);
    return s;
}
