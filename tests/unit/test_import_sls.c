/*
 * The serverless.yml importer (src/import/serverless.c).
 *
 *   - golden: every tests/import/serverless/X.serverless.yml (the three public
 *     examples and one hand-written fixture per part of the mapping) imports,
 *     builds and exports to exactly X.model.yaml, twice the same;
 *   - the imported models load in `stridec check` (exit 0 or 1, never 2) and
 *     the threats the sources call for are there;
 *   - bad inputs: every tests/import/serverless/bad/X.yml fails with exactly
 *     bad/X.yml.expected (the formatted diagnostics) and no model;
 *   - the fuzz corpus (tests/fuzz/corpus/import_sls/) and deterministic
 *     mutations of it hold the fuzz target's properties.
 * STRIDEC_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_import_sls_check.h"
#include "stridec/import.h"
#include "stridec/model.h"
#include "testutil.h"

#define S_DIR "tests/import/serverless"

static int S_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Import `rel` (relative to the source tree, which is the current folder in
 * the suite) and export the built model as YAML; malloc'd, or NULL with the
 * formatted diagnostics in *diags (malloc'd). */
static char *S_import(const char *rel, char **diags)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    char *yaml = NULL;
    tm_node *tree = tm_import_file(a, rel, TM_IMPORT_SERVERLESS, NULL, d);
    if (tree) {
        tm_model *m = tm_model_build(tree, rel, NULL, d);
        if (m) {
            tm_buf b;
            tm_buf_init(&b, 0);
            if (tm_model_export(m, "yaml", &b, d) == 0)
                yaml = tm_buf_detach(&b);
            tm_buf_free(&b);
            tm_model_free(m);
        }
    }
    tm_buf o;
    tm_buf_init(&o, 0);
    tm_diags_format(d, &o);
    *diags = tm_buf_detach(&o);
    tm_buf_free(&o);
    tm_diags_free(d);
    tm_arena_free(a);
    return yaml;
}

static void S_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Names (without folder) of the files in S_DIR/sub ending in suffix, sorted. */
static size_t S_list(const char *sub, const char *suffix, char ***out)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s%s%s", S_DIR, sub[0] ? "/" : "", sub);
    DIR *dir = opendir(rel);
    ck_assert_msg(dir != NULL, "no folder %s", rel);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' || !S_ends_with(e->d_name, suffix))
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(dir);
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            char *t = names[k];
            names[k] = names[k - 1];
            names[k - 1] = t;
        }
    *out = names;
    return n;
}

static void S_free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ------------------------------------------------------------- golden */

START_TEST(golden_models)
{
    /* YAML fixtures and one JSON one (serverless.json) */
    char **names, **json;
    size_t n = S_list("", ".serverless.yml", &names);
    size_t nj = S_list("", ".serverless.json", &json);
    ck_assert_uint_ge(n, 8);
    ck_assert_uint_ge(nj, 1);
    names = realloc(names, (n + nj) * sizeof *names);
    memcpy(names + n, json, nj * sizeof *json);
    free(json);
    n += nj;
    int update = getenv("STRIDEC_UPDATE_GOLDEN") != NULL;
    for (size_t i = 0; i < n; i++) {
        char src[512], golden[512];
        snprintf(src, sizeof src, "%s/%s", S_DIR, names[i]);
        snprintf(golden, sizeof golden, "%s/%.*s.model.yaml", S_DIR,
                 (int)(strlen(names[i]) - strlen(S_ends_with(names[i], ".json") ? ".serverless.json"
                                                                                : ".serverless.yml")),
                 names[i]);
        char *diags = NULL;
        char *yaml = S_import(src, &diags);
        ck_assert_msg(yaml != NULL, "%s does not import:\n%.1500s", src, diags);
        ck_assert_msg(diags[0] == 0, "%s: unexpected diagnostics:\n%.1500s", src, diags);
        char *diags2 = NULL;
        char *again = S_import(src, &diags2);
        ck_assert_msg(again && strcmp(yaml, again) == 0, "%s: two imports differ", src);
        if (update) {
            S_write(golden, yaml);
        } else {
            char *want = tu_slurp(golden, NULL);
            ck_assert_msg(want != NULL, "no golden file %s", golden);
            ck_assert_msg(strcmp(want, yaml) == 0, "%s differs from %s (STRIDEC_UPDATE_GOLDEN=1 rewrites it); got:\n%.1500s", src, golden, yaml);
            free(want);
        }
        free(yaml);
        free(again);
        free(diags);
        free(diags2);
    }
    S_free_list(names, n);
}
END_TEST

/* Detection picks the serverless importer without --from. */
START_TEST(detected)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *t = tm_import_file(a, S_DIR "/sls-aws-node-signed-uploads.serverless.yml", TM_IMPORT_AUTO,
                                NULL, d);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(tm_node_get(tm_node_get(t, "system"), "name")->text, "aws-node-signed-uploads");
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* ------------------------------------------------------------ threats */

/* `stridec check` on the golden model: exit 0 or 1, and each wanted threat
 * id appears on stdout. */
static void S_check_has(const char *model, const char *const *want)
{
    const char *args[] = {"check", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0 || r.status == 1, "check %s exited %d:\n%.1500s", model, r.status, r.err);
    for (const char *const *w = want; *w; w++)
        ck_assert_msg(strstr(r.out, *w) != NULL, "check %s: no %s in:\n%.1500s", model, *w, r.out);
    tu_result_free(&r);
}

START_TEST(threats_ses_sample)
{
    /* Mail from anyone lands in the bucket (SES) and the bucket's event
     * invokes postprocess: S3 event injection on that trigger, an
     * unauthenticated internet crossing into SES, the stored mail itself as
     * untrusted input, and the shared s3:* role. */
    static const char *const want[] = {
        "EVENT-INJECTION-S3@sesreceiveemailbody--postprocess",
        "EVENT-INJECTION-EMAIL-STORED@sesreceiveemailbody--postprocess",
        "SES-NO-TLS@ses",
        "IAM-ACTION-STAR@lambda-execution-role",
        "IAM-RESOURCE-STAR@lambda-execution-role",
        NULL};
    S_check_has(S_DIR "/sls-aws-node-ses-receive-email-body.model.yaml", want);
}
END_TEST

START_TEST(threats_signed_uploads)
{
    static const char *const want[] = {"APIGW-METHOD-NOAUTH@api", "EVENT-INJECTION-HTTP@api--upsert-objects",
                                       "CORS-ANY@api", "IAM-ACTION-STAR@lambda-execution-role", NULL};
    S_check_has(S_DIR "/sls-aws-node-signed-uploads.model.yaml", want);
}
END_TEST

START_TEST(threats_sqs_sample)
{
    /* One role for sender and receiver: the engine flags the shared role. */
    static const char *const want[] = {"IAM-SHARED-ROLE@lambda-execution-role",
                                       "EVENT-INJECTION-SQS@receiver-queue--receiver",
                                       "SQS-NO-DLQ@receiver-queue", NULL};
    S_check_has(S_DIR "/sls-aws-node-typescript-sqs-standard.model.yaml", want);
}
END_TEST

START_TEST(threats_fixtures)
{
    static const char *const apis[] = {"APIGW-STAGE-DATA-LEAK@api", "APIGW-RESPOLICY-OPEN@api", NULL};
    S_check_has(S_DIR "/apis.model.yaml", apis);
    static const char *const fns[] = {"LAMBDA-OLD-RUNTIME@api", "LAMBDA-URL-NOAUTH@image", NULL};
    S_check_has(S_DIR "/functions.model.yaml", fns);
    static const char *const events[] = {"EVENT-INJECTION-SNS@alerts--consume",
                                         "EVENT-INJECTION-EVENTBRIDGE@orders-bus--consume", NULL};
    S_check_has(S_DIR "/events.model.yaml", events);
    /* what resources.Resources says about the framework's bucket and
     * function reaches them through the CloudFormation importer */
    static const char *const merge[] = {"EVENT-INJECTION-S3-PUBLIC@merge-demo-drop--ingest",
                                        "S3-POLICY-PUBLIC@merge-demo-drop", "LAMBDA-PERM-PUBLIC@report",
                                        "IAM-SHARED-ROLE@lambda-execution-role", NULL};
    S_check_has(S_DIR "/merge.model.yaml", merge);
}
END_TEST

/* --------------------------------------------------------------- bad */

START_TEST(bad_inputs)
{
    char **names;
    size_t n = S_list("bad", ".yml", &names);
    ck_assert_uint_ge(n, 15);
    int update = getenv("STRIDEC_UPDATE_GOLDEN") != NULL;
    for (size_t i = 0; i < n; i++) {
        char src[512], exp[600];
        snprintf(src, sizeof src, "%s/bad/%s", S_DIR, names[i]);
        snprintf(exp, sizeof exp, "%s.expected", src);
        char *diags = NULL;
        char *yaml = S_import(src, &diags);
        ck_assert_msg(yaml == NULL, "%s imported", src);
        if (update) {
            S_write(exp, diags);
        } else {
            char *want = tu_slurp(exp, NULL);
            ck_assert_msg(want != NULL, "no %s", exp);
            ck_assert_msg(strcmp(want, diags) == 0, "%s: expected\n%.700s\ngot\n%.700s", src, want, diags);
            free(want);
        }
        free(diags);
    }
    S_free_list(names, n);
}
END_TEST

/* Variables: a few exact resolutions, straight through the importer. */
static char *S_import_text(const char *text, char **diags)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    char *yaml = NULL;
    tm_node *root = tm_read_text_tree(a, "t.yml", TM_SYNTAX_YAML, text, strlen(text), NULL, d);
    tm_node *tree = root ? tm_import_serverless(a, root, "t.yml", d) : NULL;
    tm_model *m = tree ? tm_model_build(tree, "t.yml", NULL, d) : NULL;
    if (m) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_model_export(m, "yaml", &b, d);
        yaml = tm_buf_detach(&b);
        tm_buf_free(&b);
        tm_model_free(m);
    }
    tm_buf o;
    tm_buf_init(&o, 0);
    tm_diags_format(d, &o);
    *diags = tm_buf_detach(&o);
    tm_buf_free(&o);
    tm_diags_free(d);
    tm_arena_free(a);
    return yaml;
}

START_TEST(variables)
{
    char *diags;
    char *y = S_import_text("service: v\n"
                            "custom: {n: 7, word: \"x${self:custom.n}\"}\n"
                            "provider: {name: aws, stage: '${opt:stage, \"qa\"}', region: '${env:R, \"ap-south-1\"}'}\n"
                            "functions:\n"
                            "  f:\n"
                            "    handler: h\n"
                            "    name: ${sls:stage}-${self:custom.word}-${aws:region}-${ssm:/p}\n"
                            "    timeout: ${self:custom.n}\n"
                            "    events: [{schedule: 'rate(${self:custom.n} minutes)'}]\n",
                            &diags);
    ck_assert_msg(y != NULL, "%.1500s", diags);
    ck_assert_msg(strstr(y, "name: \"qa-x7-ap-south-1-${ssm:/p}\"\n") != NULL, "%.1500s", y);
    ck_assert_msg(strstr(y, "timeout: 7\n") != NULL, "%.1500s", y);
    ck_assert_msg(strstr(y, "name: rate(7 minutes)\n") != NULL, "%.1500s", y);
    ck_assert_msg(strstr(y, "AWS account (ap-south-1)") != NULL, "%.1500s", y);
    free(y);
    free(diags);
}
END_TEST

/* ----------------------------------------------------------------- CLI */

/* `stridec import` on every bad input: exit 2, nothing on stdout, stderr
 * exactly the expected diagnostics, no output file. */
START_TEST(cli_bad_inputs)
{
    char **names;
    size_t n = S_list("bad", ".yml", &names);
    char *dir = tu_tmpdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/model.yaml", dir);
    for (size_t i = 0; i < n; i++) {
        char src[512], exp[600];
        snprintf(src, sizeof src, "%s/bad/%s", S_DIR, names[i]);
        snprintf(exp, sizeof exp, "%s.expected", src);
        const char *args[] = {"import", "--from", "serverless", src, "-o", out, NULL};
        tu_result r = tu_run(args);
        char *want = tu_slurp(exp, NULL);
        ck_assert_msg(r.status == 2, "import %s exited %d", src, r.status);
        ck_assert_msg(r.out[0] == 0, "import %s wrote to stdout", src);
        ck_assert_msg(want && strcmp(r.err, want) == 0, "import %s: expected\n%.700s\ngot\n%.700s", src,
                      want ? want : "", r.err);
        ck_assert_msg(tu_slurp(out, NULL) == NULL, "import %s wrote %s", src, out);
        free(want);
        tu_result_free(&r);
    }
    tu_rmtree(dir);
    free(dir);
    S_free_list(names, n);
}
END_TEST

/* `stridec import` detects the file, writes the model with the file as a
 * deployment-script artifact next to it, and `check` scans that file. */
START_TEST(cli_import_then_check)
{
    char *dir = tu_tmpdir();
    char model[1024], file[1024];
    snprintf(model, sizeof model, "%s/threatmodel.yaml", dir);
    snprintf(file, sizeof file, "%s/serverless.yml", dir);
    char *text = tu_slurp(S_DIR "/sls-aws-node-ses-receive-email-body.serverless.yml", NULL);
    ck_assert_ptr_nonnull(text);
    S_write(file, text);
    free(text);
    const char *imp[] = {"import", file, "-o", model, NULL};
    tu_result r = tu_run(imp);
    ck_assert_msg(r.status == 0, "import exited %d:\n%.1500s", r.status, r.err);
    tu_result_free(&r);
    char *got = tu_slurp(model, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strstr(got, "    type: deployment-script\n    path: serverless.yml\n") != NULL, "%.1500s", got);
    free(got);
    const char *chk[] = {"check", model, NULL};
    r = tu_run(chk);
    ck_assert_msg(r.status == 0 || r.status == 1, "check exited %d:\n%.1500s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "EVENT-INJECTION-S3@sesreceiveemailbody--postprocess") != NULL, "%.1500s", r.out);
    ck_assert_msg(strstr(r.out, "CICD-ARTIFACT-UNSCANNED") == NULL, "%.1500s", r.out);
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Parts left to ${file(...)} are skipped with a warning naming them; the
 * rest imports. */
START_TEST(unfollowed_files)
{
    char *diags;
    char *y = S_import_text("service: v\n"
                            "provider: {name: aws}\n"
                            "functions:\n"
                            "  - ${file(./fns.yml)}\n"
                            "  - one: {handler: h}\n"
                            "resources: ${file(res.yml)}\n",
                            &diags);
    ck_assert_msg(y != NULL, "%.1500s", diags);
    ck_assert_str_eq(diags,
                     "t.yml:4:5: warning: functions from '${file(./fns.yml)}' are not in the model: "
                     "stridec reads only this file\n"
                     "    - ${file(./fns.yml)}\n"
                     "      ^\n"
                     "t.yml:6:12: warning: resources from '${file(res.yml)}' are not in the model: "
                     "stridec reads only this file\n"
                     "  resources: ${file(res.yml)}\n"
                     "             ^\n");
    ck_assert_msg(strstr(y, "  - id: one\n") != NULL, "%.1500s", y);
    free(y);
    free(diags);
}
END_TEST

/* -------------------------------------------------------------- fuzz */


static const char *S_fuzz_one(void *ud, const uint8_t *data, size_t len)
{
    (void)ud;
    return fuzz_import_sls_one(data, len);
}

START_TEST(fuzz_corpus)
{
    size_t files = tu_fuzz_replay("tests/fuzz/corpus/import_sls", S_fuzz_one, NULL,
                                  tu_skip_slow() ? 20 : 150, 6, " \n:-{}[]$'\"aZ0,.",
                                  "\n ${}:-[]'\"sx");
    ck_assert_uint_ge(files, 8);
}
END_TEST

Suite *suite_import_sls(void)
{
    Suite *s = suite_create("import_sls");
    TCase *tc = tcase_create("import");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, golden_models);
    tcase_add_test(tc, detected);
    tcase_add_test(tc, bad_inputs);
    tcase_add_test(tc, variables);
    tcase_add_test(tc, unfollowed_files);
    tcase_add_test(tc, threats_ses_sample);
    tcase_add_test(tc, threats_signed_uploads);
    tcase_add_test(tc, threats_sqs_sample);
    tcase_add_test(tc, threats_fixtures);
    tcase_add_test(tc, cli_bad_inputs);
    tcase_add_test(tc, cli_import_then_check);
    tcase_add_test(tc, fuzz_corpus);
    suite_add_tcase(s, tc);
    return s;
}
