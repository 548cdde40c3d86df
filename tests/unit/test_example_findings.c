/*
 * The shipped example (models/serverless-webapp.yaml) against its own header
 * comment: every planted weakness W01..W27 is found with a recognisable threat
 * id, the parts it calls "secure by design" get no rule-pack threat beyond
 * those listed here, and secrets found in its artifacts are reported masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "stridec/analysis.h"
#include "stridec/model.h"
#include "testutil.h"

typedef struct {
    tm_catalog *cat;
    tm_ruleset *rules;
    tm_model *m;
    tm_analysis *a;
    tm_diags *d;
} S_example;

static void S_load(S_example *x)
{
    x->d = tm_diags_new();
    x->cat = tm_catalog_builtin(x->d);
    x->rules = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(x->rules, x->d), 0);
    x->m = tm_model_load(tu_path("models/serverless-webapp.yaml"), NULL, x->d);
    ck_assert_ptr_nonnull(x->m);
    x->a = tm_analyze(x->m, x->cat, x->rules, NULL, x->d);
    ck_assert_ptr_nonnull(x->a);
    ck_assert_uint_eq(tm_diags_errors(x->d), 0);
}

static void S_free(S_example *x)
{
    tm_analysis_free(x->a);
    tm_model_free(x->m);
    tm_ruleset_free(x->rules);
    tm_catalog_free(x->cat);
    tm_diags_free(x->d);
}

static const tm_threat *S_find(const S_example *x, const char *id)
{
    for (size_t i = 0; i < x->a->n_threats; i++)
        if (strcmp(x->a->threats[i]->id, id) == 0)
            return x->a->threats[i];
    return NULL;
}

/* The planted weaknesses of the header comment, by threat id. */
static const struct {
    const char *w, *id;
} S_planted[] = {
    {"W01", "S3-PUBLIC-ACL@web-bucket"},
    {"W01", "S3-PAB-OFF@web-bucket"},
    {"W01", "S3-WEBSITE-HTTP@web-bucket"},
    {"W01", "STRIDE-FLOW-I@browser-get-site"},
    {"W02", "S3-PUBLIC-ACL@uploads-bucket"},
    {"W02", "S3-POLICY-PUBLIC@uploads-bucket"},
    {"W02", "S3-PAB-OFF@uploads-bucket"},
    {"W02", "S3-NO-VERSIONING@uploads-bucket"},
    {"W02", "S3-NO-LOGGING@uploads-bucket"},
    {"W02", "S3-NO-TLS-POLICY@uploads-bucket"},
    {"W02", "S3-NO-CMK@uploads-bucket"},
    {"W02", "S3-CORS-WRITE-ANY@uploads-bucket"},
    {"W02", "S3-SENSITIVE-PUBLIC@uploads-bucket"},
    {"W03", "EVENT-INJECTION-S3@upload-event"},
    {"W04", "S3-WRITE-TO-PUBLIC@admin-export-put"},
    {"W05", "APIGW-METHOD-NOAUTH@webhook-api"},
    {"W05", "APIGW-NO-WAF@webhook-api"},
    {"W05", "APIGW-NO-THROTTLE@webhook-api"},
    {"W05", "APIGW-NO-ACCESSLOG@webhook-api"},
    {"W05", "APIGW-NO-TRACING@webhook-api"},
    {"W05", "APIGW-NO-VALIDATION@webhook-api"},
    {"W05", "CORS-ANY@webhook-api"},
    {"W05", "APIGW-OLD-TLS@webhook-api"},
    {"W05", "APIGW-RESPOLICY-OPEN@webhook-api"},
    {"W05", "APIGW-WEBHOOK-UNSIGNED@payment-webhook"},
    {"W06", "APIGW-NO-WAF@api"},
    {"W06", "APIGW-STAGE-DATA-LEAK@api"},
    {"W07", "COGNITO-NO-MFA@cognito"},
    {"W07", "COGNITO-WEAK-PASSWORD@cognito"},
    {"W07", "COGNITO-GUEST@cognito"},
    {"W08", "LAMBDA-OLD-RUNTIME@upload-fn"},
    {"W08", "LAMBDA-NO-CONCURRENCY@upload-fn"},
    {"W08", "LAMBDA-NO-DLQ@upload-fn"},
    {"W08", "LAMBDA-NO-TRACING@upload-fn"},
    {"W08", "LAMBDA-NO-CODE-SIGNING@upload-fn"},
    {"W08", "LAMBDA-ENV-NOKMS@upload-fn"},
    {"W08", "LAMBDA-PERM-NO-SOURCE@upload-fn"},
    {"W08", "EVENT-INJECTION-HTTP@api-invoke-upload"},
    {"W09", "LAMBDA-THIRD-PARTY-LAYER@process-upload-fn"},
    {"W09", "LAMBDA-NO-CODE-SIGNING@process-upload-fn"},
    {"W09", "LAMBDA-LONG-TIMEOUT@process-upload-fn"},
    {"W09", "LAMBDA-NO-DLQ@process-upload-fn"},
    {"W09", "LAMBDA-NO-TRACING@process-upload-fn"},
    {"W10", "LAMBDA-ENV-SECRETS@payment-fn"},
    {"W10", "LAMBDA-ENV-NOKMS@payment-fn"},
    {"W10", "EVENT-INJECTION-HTTP@webhook-invoke"},
    {"W11", "LAMBDA-NO-DLQ@worker-fn"},
    {"W11", "LAMBDA-NO-TRACING@worker-fn"},
    {"W11", "LAMBDA-ENV-NOKMS@worker-fn"},
    {"W12", "EVENT-INJECTION-EMAIL@ses-invoke-email-in"},
    {"W12", "LAMBDA-NO-LOGGING@email-in-fn"},
    {"W12", "LAMBDA-NO-CONCURRENCY@email-in-fn"},
    {"W12", "LAMBDA-NO-DLQ@email-in-fn"},
    {"W13", "LAMBDA-URL-NOAUTH@admin-fn"},
    {"W13", "LAMBDA-PERM-PUBLIC@admin-fn"},
    {"W13", "CORS-ANY@admin-fn"},
    {"W13", "LAMBDA-NO-TRACING@admin-fn"},
    {"W13", "EVENT-INJECTION-FUNCTION-URL@ops-export"},
    {"W13", "STRIDE-FLOW-T@ops-export"},
    {"W14", "SQS-NO-SSE@order-queue"},
    {"W14", "SQS-NO-DLQ@order-queue"},
    {"W15", "SNS-NO-KMS@notify-topic"},
    {"W15", "SNS-HTTP-SUB@notify-topic"},
    {"W16", "DDB-NO-PITR@orders-table"},
    {"W16", "DDB-NO-DELETION-PROTECTION@orders-table"},
    {"W16", "DDB-NO-CMK@orders-table"},
    {"W17", "SES-NO-TLS@ses"},
    {"W17", "STRIDE-FLOW-I@ses-mail-customer"},
    {"W17", "STRIDE-FLOW-T@inbound-email"},
    {"W18", "KMS-NO-ROTATION@kms-key"},
    {"W19", "CT-NO-DATA-EVENTS@cloudtrail"},
    {"W20", "IAM-SHARED-ROLE@shared-role"},
    {"W20", "IAM-ACTION-STAR@shared-role"},
    {"W20", "IAM-RESOURCE-STAR@shared-role"},
    {"W20", "IAM-CONFUSED-DEPUTY@shared-role"},
    {"W20", "SES-SEND-ANY@worker-role"},
    {"W20", "IAM-ACTION-STAR@admin-role"},
    {"W20", "IAM-ACTION-STAR@jenkins-deployer"},
    {"W20", "IAM-PRIVESC@jenkins-deployer"},
    {"W20", "IAM-USER-ACCESS-KEY@jenkins-deployer"},
    {"W20", "LAMBDA-NO-LOGGING@email-in-fn"},
    {"W21", "CICD-STORED-CREDENTIALS@jenkins"},
    {"W21", "CICD-PUSH-DEPLOY@jenkins-deploy"},
    {"W21", "CICD-SELF-HOSTED-RUNNERS@jenkins"},
    {"W21", "CICD-NO-BRANCH-PROTECTION@jenkins"},
    {"W21", "CICD-NO-REVIEW@jenkins"},
    {"W21", "CICD-ADMIN-IDENTITY@jenkins"},
    {"W22", "SCM-NO-SECRET-SCANNING@github-repo"},
    {"W23", "CICD-SECRET-CLOUD-KEY@jenkinsfile"},
    {"W23", "CICD-SECRET-IN-ARTIFACT@jenkinsfile"},
    {"W23", "CICD-SECRET-IN-ARTIFACT@serverless-config"},
    {"W23", "CICD-SECRET-IN-ARTIFACT@site-config"},
    {"W24", "SUPPLY-UNPINNED-ARTIFACT@lib-lodash"},
    {"W24", "SUPPLY-UNPINNED-ARTIFACT@analytics-sdk"},
    {"W24", "ARTIFACT-NO-OWNER@jenkinsfile"},
    {"W24", "ARTIFACT-NO-OWNER@analytics-sdk"},
    {"W24", "CICD-LONG-LIVED-CREDENTIAL@jenkins-access-key"},
    {"W25", "SCOPE-OUT-SENSITIVE@analytics"},
    {"W25", "SCOPE-FLOW-OUT-SENSITIVE@worker-analytics"},
    {"W26", "STRIDE-FLOW-T@cloudtrail--cloudwatch"},
    {"W27", "SNS-HTTP-SUB@notify-topic"},
    {"W27", "STRIDE-FLOW-I@notify-ops-chat"},
};

START_TEST(planted_weaknesses_are_found)
{
    S_example x;
    S_load(&x);
    tm_buf missing;
    tm_buf_init(&missing, 0);
    for (size_t i = 0; i < sizeof S_planted / sizeof *S_planted; i++)
        if (!S_find(&x, S_planted[i].id))
            tm_buf_printf(&missing, "\n  %s %s", S_planted[i].w, S_planted[i].id);
    ck_assert_msg(missing.len == 0, "planted weaknesses not found:%s", missing.data);
    tm_buf_free(&missing);
    S_free(&x);
}
END_TEST

/* "SECURE BY DESIGN": these targets may carry only the listed pack rules
 * (the STRIDE baseline's generic threats are not counted). */
static const struct {
    const char *target;
    const char *allowed; /* space-separated rule ids, with spaces around */
} S_quiet[] = {
    {"mail-bucket", " MGMT-PLANE-ENTRY "},
    /* orders-fn lists lodash without a version (W24). */
    {"orders-fn", " MGMT-PLANE-ENTRY SUPPLY-UNPINNED-LIB "},
    {"api", " MGMT-PLANE-ENTRY APIGW-NO-WAF APIGW-STAGE-DATA-LEAK "},
    {"secrets", " MGMT-PLANE-ENTRY "},
    {"github-actions", " "},
    {"github-repo", " SCM-NO-SECRET-SCANNING "},
    {"cloudtrail", " CT-NO-DATA-EVENTS "},
    {"orders-role", " "},
    {"github-deploy-role", " "},
    {"payment-role", " "},
    {"gha-deploy", " "},
    {"lib-axios", " "},
    {"aws-sdk", " "},
    {"sls-plugin", " "},
    {"api-invoke-orders", " "},
    {"queue-trigger", " "},
    {"post-order", " "},
};

START_TEST(secure_parts_stay_quiet)
{
    S_example x;
    S_load(&x);
    for (size_t i = 0; i < x.a->n_threats; i++) {
        const tm_threat *t = x.a->threats[i];
        if (strncmp(t->rule->id, "STRIDE-", 7) == 0)
            continue;
        for (size_t k = 0; k < sizeof S_quiet / sizeof *S_quiet; k++) {
            if (strcmp(t->target_id, S_quiet[k].target) != 0)
                continue;
            char needle[128];
            snprintf(needle, sizeof needle, " %s ", t->rule->id);
            ck_assert_msg(strstr(S_quiet[k].allowed, needle) != NULL,
                          "%s is reported on a part the example calls secure: %s", t->id, t->title);
        }
    }
    S_free(&x);
}
END_TEST

/* Review decisions of the example apply to the pack's ids. */
START_TEST(review_decisions_apply)
{
    S_example x;
    S_load(&x);
    const tm_threat *t = S_find(&x, "S3-PUBLIC-ACL@web-bucket");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->status, TM_STATUS_ACCEPTED);
    t = S_find(&x, "APIGW-NO-WAF@api");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->status, TM_STATUS_IN_PROGRESS);
    S_free(&x);
}
END_TEST

/* W23: the leaked key pair is evidence, masked; the clean workflow is clean. */
START_TEST(leaked_secrets_are_masked_evidence)
{
    S_example x;
    S_load(&x);
    const tm_threat *t = S_find(&x, "CICD-SECRET-CLOUD-KEY@jenkinsfile");
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_ge(t->n_evidence, 2);
    int key_id = 0, secret_key = 0;
    for (size_t i = 0; i < t->n_evidence; i++) {
        ck_assert_msg(!strstr(t->evidence[i], "IOSFODNN7EXAMPLE"), "raw key in %s",
                      t->evidence[i]);
        ck_assert_msg(!strstr(t->evidence[i], "bPxRfiCYEXAMPLEKEY"), "raw key in %s",
                      t->evidence[i]);
        key_id |= strstr(t->evidence[i], "AWS access key id AKIA****************") != NULL;
        secret_key |= strstr(t->evidence[i], "AWS secret access key wJal*") != NULL;
        ck_assert_msg(strncmp(t->evidence[i], "serverless-webapp/Jenkinsfile:", 30) == 0,
                      "evidence without file:line:col: %s", t->evidence[i]);
    }
    ck_assert(key_id && secret_key);
    /* Each secrets threat lists the findings its own condition selects. */
    for (size_t i = 0; i < t->n_evidence; i++)
        ck_assert_msg(strstr(t->evidence[i], ": AWS ") != NULL, "not an AWS finding: %s",
                      t->evidence[i]);
    t = S_find(&x, "CICD-SECRET-IN-ARTIFACT@jenkinsfile");
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(t->n_evidence, 1);
    ck_assert_ptr_nonnull(strstr(t->evidence[0], "hard-coded secret assignment Sm0k"));
    for (size_t i = 0; i < x.m->n_artifacts; i++)
        if (strcmp(x.m->artifacts[i]->id, "gha-deploy") == 0) {
            ck_assert(x.a->artifacts[i].scanned);
            ck_assert_uint_eq(x.a->artifacts[i].n_secrets, 0);
        }
    S_free(&x);
}
END_TEST

Suite *suite_example_findings(void)
{
    Suite *s = suite_create("example_findings");
    TCase *tc = tcase_create("serverless-webapp");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, planted_weaknesses_are_found);
    tcase_add_test(tc, secure_parts_stay_quiet);
    tcase_add_test(tc, review_decisions_apply);
    tcase_add_test(tc, leaked_secrets_are_masked_evidence);
    suite_add_tcase(s, tc);
    return s;
}
