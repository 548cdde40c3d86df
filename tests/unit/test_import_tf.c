/*
 * The Terraform importer (src/import/terraform.c): fixtures in
 * tests/import/terraform/ imported and compared byte for byte with their
 * golden models, the imported models checked by `stridec check` with the
 * threats they must raise, bad inputs with their exact messages, the fuzz
 * target's checks over its seeds and mutations of them, and determinism.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_import_tf.h"
#include "testutil.h"

#define S_DIR "tests/import/terraform"

/* Replace every `from` in s by `to` (malloc'd result; s freed). */
static char *S_subst(char *s, const char *from, const char *to)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "");
    size_t fl = strlen(from);
    const char *p = s;
    for (const char *q; fl && (q = strstr(p, from)) != NULL; p = q + fl) {
        tm_buf_put(&b, p, (size_t)(q - p));
        tm_buf_puts(&b, to);
    }
    tm_buf_puts(&b, p);
    free(s);
    return tm_buf_detach(&b);
}

static char *S_diag_text(const tm_diags *d)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "");
    tm_diags_format(d, &b);
    return tm_buf_detach(&b);
}

/* Import `rel` (under the source tree), build and export it as `syntax`.
 * Returns the text (malloc'd) or NULL; *diags gets the formatted
 * diagnostics with the file's path written as `rel`. */
static char *S_import(const char *rel, tm_import_from from, const char *syntax, char **diags,
                      size_t *warnings)
{
    const char *path = tu_path(rel);
    char *pathcopy = strdup(path);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    char *out = NULL;
    tm_node *tree = tm_import_file(a, pathcopy, from, NULL, d);
    if (tree) {
        tm_model *m = tm_model_build(tree, pathcopy, NULL, d);
        ck_assert_msg(m != NULL, "%s: imported tree does not build", rel);
        tm_buf b;
        tm_buf_init(&b, 0);
        ck_assert_int_eq(tm_model_export(m, syntax, &b, d), 0);
        out = tm_buf_detach(&b);
        tm_model_free(m);
    }
    if (warnings) {
        *warnings = 0;
        for (size_t i = 0; i < tm_diags_count(d); i++)
            if (tm_diags_get(d, i)->severity == TM_DIAG_WARNING)
                (*warnings)++;
    }
    if (diags)
        *diags = S_subst(S_diag_text(d), pathcopy, rel);
    tm_diags_free(d);
    tm_arena_free(a);
    free(pathcopy);
    return out;
}

static void S_golden(const char *name)
{
    char rel[256], golden[256];
    snprintf(rel, sizeof rel, S_DIR "/%s.json", name);
    snprintf(golden, sizeof golden, S_DIR "/%s.yaml", name);
    char *diags = NULL;
    char *got = S_import(rel, TM_IMPORT_AUTO, "yaml", &diags, NULL);
    ck_assert_msg(got != NULL, "%s does not import:\n%s", rel, diags);
    size_t len;
    char *want = tu_slurp(tu_path(golden), &len);
    ck_assert_msg(want != NULL, "no golden file %s", golden);
    ck_assert_msg(strcmp(got, want) == 0, "%s differs from %s; got:\n%s", rel, golden, got);
    free(got);
    free(want);
    free(diags);
}

START_TEST(golden_serverless_plan)
{
    S_golden("serverless-plan");
}
END_TEST

START_TEST(golden_serverless_state)
{
    S_golden("serverless-state");
}
END_TEST

START_TEST(golden_modules_plan)
{
    S_golden("modules-plan");
}
END_TEST

START_TEST(golden_changes_only)
{
    S_golden("changes-only");
}
END_TEST

/* The plan's one policy that only exists after apply is reported where it
 * is, and the model says so; the state has everything. */
START_TEST(plan_warns_about_apply_time_policy)
{
    char *diags = NULL;
    size_t warnings = 0;
    char *got = S_import(S_DIR "/serverless-plan.json", TM_IMPORT_TERRAFORM, "yaml", &diags,
                         &warnings);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(warnings, 1);
    ck_assert_str_eq(diags,
                     S_DIR "/serverless-plan.json:398:9: warning: the policy of "
                           "aws_iam_role_policy.notifier is only known at apply time; its "
                           "statements are left out (import the state after apply for them)\n"
                           "          {\n"
                           "          ^\n");
    ck_assert_ptr_nonnull(strstr(got, "Statements not read from the plan: the policy of "
                                      "aws_iam_role_policy.notifier is only known at apply time."));
    free(got);
    free(diags);
    /* A resource policy only known at apply time is named too. */
    got = S_import(S_DIR "/modules-plan.json", TM_IMPORT_TERRAFORM, "yaml", &diags, &warnings);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(warnings, 1);
    ck_assert_ptr_nonnull(strstr(diags, S_DIR "/modules-plan.json:23:9: warning: the policy of "
                                        "aws_sqs_queue_policy.jobs is only known at apply time; "
                                        "the policy props of aws_sqs_queue.jobs are left out"));
    free(got);
    free(diags);
    got = S_import(S_DIR "/serverless-state.json", TM_IMPORT_TERRAFORM, "yaml", &diags, &warnings);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(warnings, 0);
    ck_assert_ptr_null(strstr(got, "Statements not read"));
    free(got);
    free(diags);
}
END_TEST

/* What the plan resolves through the configuration's references equals
 * what the state says with every value known: same elements, flows and
 * identities (ARNs written as ${ADDRESS.arn} in the plan). */
START_TEST(plan_and_state_agree_on_flows)
{
    char *plan = S_import(S_DIR "/serverless-plan.json", TM_IMPORT_AUTO, "yaml", NULL, NULL);
    char *state = S_import(S_DIR "/serverless-state.json", TM_IMPORT_AUTO, "yaml", NULL, NULL);
    ck_assert_ptr_nonnull(plan);
    ck_assert_ptr_nonnull(state);
    const char *pf = strstr(plan, "\nflows:\n"), *pi = strstr(plan, "\nidentities:\n");
    const char *sf = strstr(state, "\nflows:\n"), *si = strstr(state, "\nidentities:\n");
    ck_assert(pf && pi && sf && si);
    /* The flows differ only where the state knows the notifier's policy
     * (sns:Receive on the topic -> notifier flow name). */
    char *pflows = strndup(pf, (size_t)(pi - pf));
    char *sflows = strndup(sf, (size_t)(si - sf));
    sflows = S_subst(sflows, "name: \"SNS notification, sns:Receive\"", "name: SNS notification");
    ck_assert_str_eq(pflows, sflows);
    free(pflows);
    free(sflows);
    free(plan);
    free(state);
}
END_TEST

START_TEST(import_is_deterministic)
{
    static const char *const syntaxes[] = {"yaml", "json", "xml"};
    for (size_t i = 0; i < 3; i++) {
        char *a = S_import(S_DIR "/serverless-plan.json", TM_IMPORT_AUTO, syntaxes[i], NULL, NULL);
        char *b = S_import(S_DIR "/serverless-plan.json", TM_IMPORT_AUTO, syntaxes[i], NULL, NULL);
        ck_assert_ptr_nonnull(a);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
}
END_TEST

START_TEST(detects_plans_and_states)
{
    static const char *const files[] = {"serverless-plan.json", "serverless-state.json",
                                        "modules-plan.json", "changes-only.json"};
    for (size_t i = 0; i < 4; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, S_DIR "/%s", files[i]);
        tm_arena *a = tm_arena_new();
        tm_diags *d = tm_diags_new();
        tm_node *root = tm_read_file_tree(a, tu_path(rel), NULL, d);
        ck_assert_ptr_nonnull(root);
        ck_assert_int_eq(tm_import_detect(root, rel), TM_IMPORT_TERRAFORM);
        tm_diags_free(d);
        tm_arena_free(a);
    }
}
END_TEST

/* Every bad input fails with exactly the diagnostics in its .err file. */
START_TEST(bad_inputs_exact_errors)
{
    const char *dir = tu_path(S_DIR "/bad");
    DIR *dp = opendir(dir);
    ck_assert_ptr_nonnull(dp);
    struct dirent *de;
    size_t n = 0;
    while ((de = readdir(dp)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        char rel[512], err[512];
        snprintf(rel, sizeof rel, S_DIR "/bad/%s", de->d_name);
        snprintf(err, sizeof err, S_DIR "/bad/%.*s.err", (int)(l - 5), de->d_name);
        char *diags = NULL;
        char *got = S_import(rel, TM_IMPORT_TERRAFORM, "yaml", &diags, NULL);
        ck_assert_msg(got == NULL, "%s imported", rel);
        char *want = tu_slurp(tu_path(err), NULL);
        ck_assert_msg(want != NULL, "no %s", err);
        ck_assert_msg(strcmp(diags, want) == 0, "%s: got\n%s\nwant\n%s", rel, diags, want);
        free(diags);
        free(want);
        n++;
    }
    closedir(dp);
    ck_assert_uint_ge(n, 15);
}
END_TEST

/* The imported models pass through `stridec check` (exit 1: open threats),
 * with the threats the fixture plants. */
static void S_check_has(const char *model, const char *const *want, size_t n)
{
    const char *args[] = {"check", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 1, "check %s exited %d:\n%s", model, r.status, r.err);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strstr(r.out, want[i]) != NULL, "%s: no %s in\n%s", model, want[i], r.out);
    tu_result_free(&r);
}

START_TEST(check_finds_planted_threats)
{
    static const char *const plan[] = {
        "S3-POLICY-PUBLIC@aws_s3_bucket.website:",
        "S3-PAB-OFF@aws_s3_bucket.website:",
        "S3-WEBSITE-HTTP@aws_s3_bucket.website:",
        "LAMBDA-OLD-RUNTIME@aws_lambda_function.process_upload:",
        "LAMBDA-ENV-SECRETS@aws_lambda_function.process_upload:",
        "LAMBDA-THIRD-PARTY-LAYER@aws_lambda_function.process_upload:",
        "LAMBDA-LONG-TIMEOUT@aws_lambda_function.process_upload:",
        "LAMBDA-PERM-NO-SOURCE@aws_lambda_function.notifier:",
        "IAM-ACTION-STAR@aws_iam_role.shared:",
        "IAM-RESOURCE-STAR@aws_iam_role.shared:",
        "IAM-CONFUSED-DEPUTY@aws_iam_role.api:",
        "APIGW-METHOD-NOAUTH@aws_apigatewayv2_api.http:",
        "CORS-ANY@aws_apigatewayv2_api.http:",
        "COGNITO-NO-MFA@aws_cognito_user_pool.users:",
        "COGNITO-WEAK-PASSWORD@aws_cognito_user_pool.users:",
        "DDB-NO-PITR@aws_dynamodb_table.orders:",
        "SNS-HTTP-SUB@aws_sns_topic.notifications:",
        "SNS-NO-KMS@aws_sns_topic.notifications:",
        "SQS-NO-SSE@aws_sqs_queue.jobs_dlq:",
        "SECRETS-NO-ROTATION@aws_secretsmanager_secret.payment:",
        "EVENT-INJECTION-S3@aws_s3_bucket.uploads--aws_lambda_function.process_upload:",
        "EVENT-INJECTION-SQS@aws_sqs_queue.jobs--aws_lambda_function.worker:",
    };
    S_check_has(S_DIR "/serverless-plan.yaml", plan, sizeof plan / sizeof plan[0]);
    static const char *const state[] = {
        "S3-POLICY-PUBLIC@aws_s3_bucket.website:",
        "LAMBDA-THIRD-PARTY-LAYER@aws_lambda_function.process_upload:",
        "IAM-ACTION-STAR@aws_iam_role.shared:",
    };
    S_check_has(S_DIR "/serverless-state.yaml", state, sizeof state / sizeof state[0]);
    /* Controls the fixture states keep their rules quiet. */
    const char *args[] = {"check", S_DIR "/serverless-plan.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_ptr_null(strstr(r.out, "S3-PAB-OFF@aws_s3_bucket.uploads:"));
    ck_assert_ptr_null(strstr(r.out, "S3-NO-VERSIONING@aws_s3_bucket.uploads:"));
    ck_assert_ptr_null(strstr(r.out, "LAMBDA-NO-TRACING@aws_lambda_function.api:"));
    ck_assert_ptr_null(strstr(r.out, "LAMBDA-NO-CONCURRENCY@aws_lambda_function.api:"));
    ck_assert_ptr_null(strstr(r.out, "SQS-NO-DLQ@aws_sqs_queue.jobs:"));
    tu_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------- fuzz seeds */


static const char *S_fuzz_one(void *ud, const uint8_t *data, size_t len)
{
    (void)ud;
    return fuzz_import_tf_one(data, len);
}

START_TEST(fuzz_seeds_and_mutations)
{
    size_t files = tu_fuzz_replay("tests/fuzz/corpus/import_tf", S_fuzz_one, NULL,
                                  tu_skip_slow() ? 20 : 120, 6, "\"{}[]:,.0aZ*/-", "\"{}[]:,.\\ 1");
    ck_assert_uint_ge(files, 6);
}
END_TEST

/* The fixtures themselves pass the fuzz checks (import twice, build). */
START_TEST(fuzz_checks_on_fixtures)
{
    static const char *const files[] = {"serverless-plan.json", "serverless-state.json"};
    for (size_t i = 0; i < 2; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, S_DIR "/%s", files[i]);
        size_t len;
        char *data = tu_slurp(tu_path(rel), &len);
        ck_assert_ptr_nonnull(data);
        const char *why = fuzz_import_tf_one((const uint8_t *)data, len);
        ck_assert_msg(why == NULL, "%s: %s", rel, why);
        free(data);
    }
}
END_TEST

/* Deeply chained module outputs that reference each other many times stay
 * bounded (the reference budget), and ids never take the reserved ones. */
START_TEST(hostile_references_and_ids)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"resources\":["
                    "{\"address\":\"internet\",\"type\":\"aws_sqs_queue\",\"name\":\"q\"},"
                    "{\"address\":\"aws-account\",\"type\":\"aws_sqs_queue\",\"name\":\"q\"},"
                    "{\"address\":\"aws_lambda_function.f\",\"type\":\"aws_lambda_function\","
                    "\"name\":\"f\"},"
                    "{\"address\":\"aws_lambda_event_source_mapping.m\",\"type\":"
                    "\"aws_lambda_event_source_mapping\",\"name\":\"m\"}]}},"
                    "\"configuration\":{\"root_module\":{\"resources\":[{\"address\":"
                    "\"aws_lambda_event_source_mapping.m\",\"expressions\":{\"event_source_arn\":"
                    "{\"references\":[");
    for (int i = 0; i < 200; i++)
        tm_buf_printf(&b, "%s\"module.m.o\"", i ? "," : "");
    tm_buf_puts(&b, "]}}}],\"module_calls\":{\"m\":{\"expressions\":{\"x\":{\"references\":[");
    for (int i = 0; i < 200; i++)
        tm_buf_printf(&b, "%s\"module.m.o\"", i ? "," : "");
    tm_buf_puts(&b, "]}},\"module\":{\"outputs\":{\"o\":{\"expression\":{\"references\":[");
    for (int i = 0; i < 200; i++)
        tm_buf_printf(&b, "%s\"var.x\"", i ? "," : "");
    tm_buf_puts(&b, "]}}}}}}}}}");
    const char *why = fuzz_import_tf_one((const uint8_t *)b.data, b.len);
    ck_assert_msg(why == NULL, "%s", why ? why : "");
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_text_tree(a, "h.json", TM_SYNTAX_JSON, b.data, b.len, NULL, d);
    ck_assert_ptr_nonnull(root);
    tm_node *tree = tm_import_terraform(a, root, "h.json", d);
    ck_assert_ptr_nonnull(tree);
    tm_buf y;
    tm_buf_init(&y, 0);
    tm_write_yaml(tree, &y);
    ck_assert_ptr_nonnull(strstr(y.data, "id: internet-2\n"));
    ck_assert_ptr_nonnull(strstr(y.data, "id: aws-account-2\n"));
    tm_buf_free(&y);
    tm_diags_free(d);
    tm_arena_free(a);
    tm_buf_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- CLI */

/* `stridec import` writes the importer's model plus the plan file as an
 * artifact; check then scans the plan for secrets. */
START_TEST(cli_import_then_check)
{
    char *tmp = tu_tmpdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/plan.yaml", tmp);
    const char *args[] = {"import", S_DIR "/serverless-plan.json", "-o", out, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "import exited %d:\n%s", r.status, r.err);
    ck_assert_str_eq(r.out, "");
    char *dir = realpath(tu_path(S_DIR), NULL);
    ck_assert_ptr_nonnull(dir);
    tm_buf want;
    tm_buf_init(&want, 0);
    tm_buf_printf(&want,
                  S_DIR "/serverless-plan.json:398:9: warning: the policy of "
                        "aws_iam_role_policy.notifier is only known at apply time; its "
                        "statements are left out (import the state after apply for them)\n"
                        "          {\n"
                        "          ^\n"
                        "stridec: imported " S_DIR "/serverless-plan.json (terraform): 21 "
                        "elements, 21 flows, 4 identities, 1 artifact; 1 warning\n"
                        "stridec: note: " S_DIR "/serverless-plan.json is outside the model's "
                        "folder: run check and report with --allow-path %s\n",
                  dir);
    ck_assert_str_eq(r.err, want.data);
    tm_buf_free(&want);
    tu_result_free(&r);

    /* The model is the importer's golden model plus the artifact. */
    char *got = tu_slurp(out, NULL);
    char *golden = tu_slurp(tu_path(S_DIR "/serverless-plan.yaml"), NULL);
    ck_assert(got && golden);
    char *art = strstr(got, "\nartifacts:\n"), *after = strstr(got, "\nassumptions:\n");
    ck_assert(art && after && art < after);
    ck_assert_ptr_nonnull(strstr(art, "\n  - id: serverless-plan-json\n    name: "
                                      "serverless-plan.json\n    type: deployment-script\n"));
    ck_assert_ptr_nonnull(strstr(art, "      - aws_lambda_function.process_upload\n"));
    memmove(art, after, strlen(after) + 1);
    ck_assert_str_eq(got, golden);
    free(got);
    free(golden);

    const char *check[] = {"check", out, "--allow-path", dir, NULL};
    r = tu_run(check);
    ck_assert_msg(r.status == 1, "check exited %d:\n%s", r.status, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "CICD-SECRET-IN-ARTIFACT@serverless-plan-json:"));
    ck_assert_ptr_nonnull(strstr(r.out, "S3-POLICY-PUBLIC@aws_s3_bucket.website:"));
    tu_result_free(&r);
    free(dir);
    tu_rmtree(tmp);
    free(tmp);
}
END_TEST

/* Bad inputs through the command: exit 2, the exact message, nothing
 * written. */
START_TEST(cli_bad_inputs)
{
    char *tmp = tu_tmpdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/model.yaml", tmp);
    DIR *dp = opendir(tu_path(S_DIR "/bad"));
    ck_assert_ptr_nonnull(dp);
    struct dirent *de;
    size_t n = 0;
    while ((de = readdir(dp)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        char rel[512], err[512];
        snprintf(rel, sizeof rel, S_DIR "/bad/%s", de->d_name);
        snprintf(err, sizeof err, S_DIR "/bad/%.*s.err", (int)(l - 5), de->d_name);
        const char *args[] = {"import", "--from", "terraform", rel, "-o", out, NULL};
        tu_result r = tu_run(args);
        char *want = tu_slurp(tu_path(err), NULL);
        ck_assert_msg(r.status == 2, "%s: exit %d", rel, r.status);
        ck_assert_str_eq(r.out, "");
        ck_assert_msg(want && strcmp(r.err, want) == 0, "%s: got\n%s", rel, r.err);
        ck_assert_msg(tu_slurp(out, NULL) == NULL, "%s: output written", rel);
        free(want);
        tu_result_free(&r);
        n++;
    }
    closedir(dp);
    ck_assert_uint_ge(n, 15);
    /* Detected without --from; to stdout. */
    const char *ok[] = {"import", S_DIR "/modules-plan.json", NULL};
    tu_result r = tu_run(ok);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "name: Terraform plan modules-plan.json\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "  - id: modules-plan-json\n"));
    tu_result_free(&r);
    tu_rmtree(tmp);
    free(tmp);
}
END_TEST

Suite *suite_import_tf(void)
{
    Suite *s = suite_create("import_tf");
    TCase *tc = tcase_create("terraform");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, golden_serverless_plan);
    tcase_add_test(tc, golden_serverless_state);
    tcase_add_test(tc, golden_modules_plan);
    tcase_add_test(tc, golden_changes_only);
    tcase_add_test(tc, plan_warns_about_apply_time_policy);
    tcase_add_test(tc, plan_and_state_agree_on_flows);
    tcase_add_test(tc, import_is_deterministic);
    tcase_add_test(tc, detects_plans_and_states);
    tcase_add_test(tc, bad_inputs_exact_errors);
    tcase_add_test(tc, check_finds_planted_threats);
    tcase_add_test(tc, fuzz_seeds_and_mutations);
    tcase_add_test(tc, fuzz_checks_on_fixtures);
    tcase_add_test(tc, hostile_references_and_ids);
    tcase_add_test(tc, cli_import_then_check);
    tcase_add_test(tc, cli_bad_inputs);
    suite_add_tcase(s, tc);
    return s;
}
