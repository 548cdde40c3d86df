/*
 * stridec import for CloudFormation and SAM templates.
 *
 * tests/import/cloudformation/ holds templates (the public SAM samples of
 * shared/samples, copied, and hand-written CFN/SAM fixtures in YAML and
 * JSON), each with the model it imports to (NAME.expected.yaml, compared
 * byte for byte) and the warnings and summary it prints (NAME.expected.stderr).
 * The import runs inside that folder, so the template's artifact path is its
 * bare name and the golden model loads from where it lies. bad/ holds bad
 * templates with their exact stderr (NAME.expected).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fuzz/fuzz_import_cfn_check.h"
#include "stridec/import.h"
#include "stridec/model.h"
#include "testutil.h"

#define S_DIR "tests/import/cloudformation"

/* ------------------------------------------------------------ helpers */

/* Run stridec with the working directory `rel` (under the source tree). */
static tu_result S_run_in(const char *rel, const char *const *args)
{
    const char *root = getenv("STRIDEC_ROOT");
    char *saved = root ? strdup(root) : NULL;
    char dir[8300];
    char cwd[4096];
    if (!root) {
        ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
        root = cwd;
    }
    snprintf(dir, sizeof dir, "%s/%s", root, rel);
    setenv("STRIDEC_ROOT", dir, 1);
    tu_result r = tu_run(args);
    if (saved) {
        setenv("STRIDEC_ROOT", saved, 1);
        free(saved);
    } else {
        unsetenv("STRIDEC_ROOT");
    }
    return r;
}

static int S_ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The templates of a folder (sorted): .yaml/.json files that are not goldens. */
static size_t S_templates(const char *rel, char names[][256], size_t max, int bad)
{
    DIR *d = opendir(tu_path(rel));
    ck_assert_msg(d != NULL, "no folder %s", rel);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)) != NULL && n < max) {
        const char *f = e->d_name;
        if (f[0] == '.' || S_ends(f, ".expected.yaml") || S_ends(f, ".expected.stderr") ||
            S_ends(f, ".expected"))
            continue;
        if (!(S_ends(f, ".yaml") || S_ends(f, ".json")))
            continue;
        (void)bad;
        snprintf(names[n++], 256, "%s", f);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    return n;
}

static char *S_read_rel(const char *rel)
{
    return tu_slurp(tu_path(rel), NULL);
}

/* Import `text` (YAML or JSON) through the library; the tree or NULL. */
static tm_node *S_import_text(tm_arena *a, tm_diags *d, const char *file, tm_syntax syn,
                              const char *text)
{
    tm_node *root = tm_read_text_tree(a, file, syn, text, strlen(text), NULL, d);
    ck_assert_ptr_nonnull(root);
    return tm_import_cloudformation(a, root, file, 0, d);
}

static const tm_node *S_find(const tm_node *tree, const char *list, const char *id)
{
    const tm_node *l = tm_node_get(tree, list);
    for (size_t i = 0; l && i < l->n; i++) {
        const tm_node *x = tm_node_get(l->items[i], "id");
        if (x && strcmp(x->text, id) == 0)
            return l->items[i];
    }
    return NULL;
}

/* ------------------------------------------------------------ goldens */

START_TEST(templates_match_goldens)
{
    static char names[64][256];
    size_t n = S_templates(S_DIR, names, 64, 0);
    ck_assert_uint_ge(n, 7); /* 3 samples + 4 hand-written */
    for (size_t i = 0; i < n; i++) {
        const char *args[] = {"import", names[i], NULL};
        tu_result r = S_run_in(S_DIR, args);
        ck_assert_msg(r.status == 0, "%s: exit %d: %s", names[i], r.status, r.err);
        char rel[512];
        snprintf(rel, sizeof rel, S_DIR "/%s.expected.yaml", names[i]);
        char *want = S_read_rel(rel);
        ck_assert_msg(want != NULL, "missing golden %s", rel);
        ck_assert_msg(strcmp(r.out, want) == 0, "%s: stdout differs from %s", names[i], rel);
        snprintf(rel, sizeof rel, S_DIR "/%s.expected.stderr", names[i]);
        char *want_err = S_read_rel(rel);
        ck_assert_msg(want_err != NULL, "missing golden %s", rel);
        ck_assert_msg(strcmp(r.err, want_err) == 0, "%s: stderr differs from %s:\n%s", names[i], rel,
                      r.err);
        /* Same input, same bytes. */
        tu_result again = S_run_in(S_DIR, args);
        ck_assert_str_eq(again.out, r.out);
        ck_assert_str_eq(again.err, r.err);
        tu_result_free(&again);
        free(want);
        free(want_err);
        tu_result_free(&r);
    }
}
END_TEST

/* The copies of shared/samples are the samples (when that folder is there). */
START_TEST(sample_copies_are_current)
{
    static char names[64][256];
    size_t n = S_templates(S_DIR, names, 64, 0);
    size_t compared = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(names[i], "sam-", 4) != 0 || !S_ends(names[i], ".template.yaml"))
            continue;
        char rel[512];
        snprintf(rel, sizeof rel, "../shared/samples/%s", names[i]);
        char *orig = S_read_rel(rel);
        if (!orig)
            continue;
        snprintf(rel, sizeof rel, S_DIR "/%s", names[i]);
        char *copy = S_read_rel(rel);
        ck_assert_msg(copy && strcmp(orig, copy) == 0, "%s differs from shared/samples", names[i]);
        compared++;
        free(orig);
        free(copy);
    }
    (void)compared;
}
END_TEST

/* Each golden model loads and checks (exit 0 or 1, never 2), its
 * template is scanned, and the threats the template implies are there. */
START_TEST(goldens_check_with_expected_threats)
{
    static const struct {
        const char *file;
        const char *threats[8];
    } cases[] = {
        {"sam-apigw-sqs-lambda-ddb.template.yaml",
         {"LAMBDA-NO-TRACING@sqs-handler-function", "LAMBDA-THIRD-PARTY-LAYER@sqs-handler-function",
          "EVENT-INJECTION-SQS@buffering-queue--sqs-handler-function", "SECRETS-NO-ROTATION@basic-auth-password",
          "SQS-NO-DLQ@dead-letter-queue", NULL}},
        {"sam-cognito-restapi.template.yaml", {"LAMBDA-NO-TRACING@app-function", NULL}},
        {"sam-sns-sqs.template.yaml", {"SNS-NO-KMS@my-sns-topic", "SQS-NO-SSE@my-sqs-queue", NULL}},
        {"cfn-functions.yaml",
         {"LAMBDA-ENV-SECRETS@orders-function", "LAMBDA-URL-NOAUTH@report-function",
          "LAMBDA-PERM-PUBLIC@report-function", "S3-PUBLIC-ACL@web-bucket", "KMS-NO-ROTATION@app-key",
          "IAM-ADMIN@report-role", "LAMBDA-OLD-RUNTIME@report-function", NULL}},
        {"cfn-api.json",
         {"COGNITO-GUEST@guests", "COGNITO-NO-MFA@users", "SNS-NO-KMS@notifications",
          "SQS-POLICY-PUBLIC@order-queue", "APIGW-RESPOLICY-OPEN@shop-api", NULL}},
        {"sam-events.yaml", {"LAMBDA-ENV-SECRETS@stream-function", "APIGW-METHOD-NOAUTH@photo-api",
                             "DDB-NO-PITR@photo-table", NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char golden[512];
        snprintf(golden, sizeof golden, S_DIR "/%s.expected.yaml", cases[i].file);
        const char *args[] = {"check", golden, NULL};
        tu_result r = tu_run(args);
        ck_assert_msg(r.status == 0 || r.status == 1, "%s: check exit %d: %s", golden, r.status, r.err);
        ck_assert_msg(strstr(r.out, "CICD-ARTIFACT-UNSCANNED") == NULL, "%s: template not scanned", golden);
        for (size_t k = 0; cases[i].threats[k]; k++)
            ck_assert_msg(strstr(r.out, cases[i].threats[k]) != NULL, "%s: no %s in:\n%s", golden,
                          cases[i].threats[k], r.out);
        tu_result_free(&r);
    }
}
END_TEST

/* ---------------------------------------------------------- bad input */

START_TEST(bad_templates_exact_errors)
{
    static char names[64][256];
    size_t n = S_templates(S_DIR "/bad", names, 64, 1);
    ck_assert_uint_ge(n, 14);
    for (size_t i = 0; i < n; i++) {
        const char *args[] = {"import", names[i], NULL};
        tu_result r = S_run_in(S_DIR "/bad", args);
        ck_assert_msg(r.status == 2, "%s: exit %d", names[i], r.status);
        ck_assert_msg(r.out[0] == '\0', "%s: partial output on stdout", names[i]);
        char rel[512];
        snprintf(rel, sizeof rel, S_DIR "/bad/%s.expected", names[i]);
        char *want = S_read_rel(rel);
        ck_assert_msg(want != NULL, "missing %s", rel);
        ck_assert_msg(strcmp(r.err, want) == 0, "%s: stderr differs from %s:\n%s", names[i], rel, r.err);
        free(want);
        tu_result_free(&r);
    }
}
END_TEST

START_TEST(from_names_the_kind)
{
    const char *args[] = {"import", "--from", "cloudformation", "not-a-map.yaml", NULL};
    tu_result r = S_run_in(S_DIR "/bad", args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "not-a-map.yaml:1:1: error: not a CloudFormation template: the top level must "
                            "be a map, not list\n  - just\n  ^\n");
    tu_result_free(&r);
    /* --from sam on a plain template imports it as SAM. */
    const char *args2[] = {"import", "--from=sam", "sam-sns-sqs.template.yaml", NULL};
    r = S_run_in(S_DIR, args2);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.err, "(sam)"));
    tu_result_free(&r);
}
END_TEST

START_TEST(usage_errors)
{
    const char *help[] = {"import", "--help", NULL};
    tu_result r = tu_run(help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: stridec import [--from"));
    tu_result_free(&r);

    static const struct {
        const char *args[6];
        const char *err;
    } cases[] = {
        {{"import", NULL}, "no file given"},
        {{"import", "a.yaml", "b.yaml", NULL}, "import takes one file"},
        {{"import", "--bogus", "a.yaml", NULL}, "unknown option '--bogus'"},
        {{"import", "--from", "cdk", "a.yaml", NULL}, "--from takes cloudformation, sam, serverless, terraform or threatdragon, not 'cdk'"},
        {{"import", "a.yaml", "-o", "model.txt", NULL}, "cannot tell the syntax of 'model.txt'"},
        {{"import", "missing-template.yaml", NULL}, "missing-template.yaml"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = tu_run(cases[i].args);
        ck_assert_msg(r.status == 2, "case %zu: exit %d", i, r.status);
        ck_assert_msg(strstr(r.err, cases[i].err) != NULL, "case %zu: %s", i, r.err);
        ck_assert_str_eq(r.out, "");
        tu_result_free(&r);
    }
}
END_TEST

/* -------------------------------------------------------------- output */

START_TEST(output_files_in_every_syntax)
{
    char *tmp = tu_tmpdir();
    ck_assert_ptr_nonnull(tmp);
    static const char *const exts[] = {"yaml", "yml", "json", "xml"};
    for (size_t i = 0; i < 4; i++) {
        char out[4200];
        snprintf(out, sizeof out, "%s/model.%s", tmp, exts[i]);
        const char *args[] = {"import", S_DIR "/sam-apigw-sqs-lambda-ddb.template.yaml", "-o", out, NULL};
        tu_result r = tu_run(args);
        ck_assert_msg(r.status == 0, "%s: %s", out, r.err);
        ck_assert_str_eq(r.out, "");
        /* The template is outside the model's folder: the note says how to check. */
        ck_assert_ptr_nonnull(strstr(r.err, "is outside the model's folder: run check and report with --allow-path"));
        tu_result_free(&r);
        size_t len = 0;
        char *text = tu_slurp(out, &len);
        ck_assert_ptr_nonnull(text);
        ck_assert_ptr_nonnull(strstr(text, "tests/import/cloudformation/sam-apigw-sqs-lambda-ddb.template.yaml"));
        free(text);
        /* Without --allow-path the loader refuses the path; with it, it checks. */
        const char *check[] = {"check", out, NULL};
        r = tu_run(check);
        ck_assert_int_eq(r.status, 2);
        ck_assert_ptr_nonnull(strstr(r.err, "pass --allow-path DIR"));
        tu_result_free(&r);
        const char *check2[] = {"check", out, "--allow-path", S_DIR, NULL};
        r = tu_run(check2);
        ck_assert_msg(r.status == 1, "%s: check exit %d: %s", out, r.status, r.err);
        ck_assert_ptr_nonnull(strstr(r.out, "LAMBDA-NO-TRACING@sqs-handler-function"));
        ck_assert_ptr_null(strstr(r.out, "CICD-ARTIFACT-UNSCANNED"));
        tu_result_free(&r);
    }
    /* The same model in all syntaxes. */
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/model.yaml", tmp);
    snprintf(b, sizeof b, "%s/model.json", tmp);
    tm_diags *d = tm_diags_new();
    tm_model *ma = tm_model_load(a, NULL, d), *mb = NULL;
    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    const char *allow[1] = {tu_path(S_DIR)};
    lo.allow_paths = allow;
    lo.n_allow_paths = 1;
    tm_model_free(ma);
    ma = tm_model_load(a, &lo, d);
    mb = tm_model_load(b, &lo, d);
    ck_assert_ptr_nonnull(ma);
    ck_assert_ptr_nonnull(mb);
    tm_arena *ar = tm_arena_new();
    ck_assert(tm_node_equal(tm_model_to_tree(ma, ar), tm_model_to_tree(mb, ar)));
    tm_arena_free(ar);
    tm_model_free(ma);
    tm_model_free(mb);
    tm_diags_free(d);
    tu_rmtree(tmp);
    free(tmp);
}
END_TEST

START_TEST(no_partial_output)
{
    char *tmp = tu_tmpdir();
    char out[4200];
    snprintf(out, sizeof out, "%s/model.yaml", tmp);
    const char *args[] = {"import", S_DIR "/bad/dangling-ref.yaml", "-o", out, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    struct stat st;
    ck_assert_int_ne(stat(out, &st), 0);
    DIR *dp = opendir(tmp);
    struct dirent *e;
    int entries = 0;
    while ((e = readdir(dp)) != NULL)
        entries += e->d_name[0] != '.';
    closedir(dp);
    ck_assert_int_eq(entries, 0);
    tu_result_free(&r);
    /* A folder that does not exist: exit 3. */
    const char *args2[] = {"import", S_DIR "/sam-sns-sqs.template.yaml", "-o", "/nonexistent-stridec/m.yaml",
                           NULL};
    r = tu_run(args2);
    ck_assert_int_eq(r.status, 3);
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    tu_rmtree(tmp);
    free(tmp);
}
END_TEST

/* ------------------------------------------------------------- library */

/* Short-form tags in YAML mean the same as the long form in JSON. */
START_TEST(yaml_short_form_equals_json_long_form)
{
    static const char yaml[] =
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Role: !GetAtt FnRole.Arn\n"
        "      Environment: {Variables: {T: !Ref Table, U: !Sub '${Table.Arn}/x'}}\n"
        "  FnRole:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      Policies:\n"
        "        - PolicyName: p\n"
        "          PolicyDocument:\n"
        "            Statement:\n"
        "              - {Effect: Allow, Action: dynamodb:PutItem, Resource: !Join ['', [!GetAtt Table.Arn]]}\n"
        "  Table:\n"
        "    Type: AWS::DynamoDB::Table\n";
    static const char json[] =
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {"
        "\"Fn\": {\"Type\": \"AWS::Lambda::Function\", \"Properties\": {"
        "  \"Role\": {\"Fn::GetAtt\": [\"FnRole\", \"Arn\"]},"
        "  \"Environment\": {\"Variables\": {\"T\": {\"Ref\": \"Table\"}, \"U\": {\"Fn::Sub\": \"${Table.Arn}/x\"}}}}},"
        "\"FnRole\": {\"Type\": \"AWS::IAM::Role\", \"Properties\": {\"Policies\": [{\"PolicyName\": \"p\","
        "  \"PolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"dynamodb:PutItem\","
        "  \"Resource\": {\"Fn::Join\": [\"\", [{\"Fn::GetAtt\": \"Table.Arn\"}]]}}]}}]}},"
        "\"Table\": {\"Type\": \"AWS::DynamoDB::Table\"}}}";
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *ty = S_import_text(a, d, "t.yaml", TM_SYNTAX_YAML, yaml);
    tm_node *tj = S_import_text(a, d, "t.json", TM_SYNTAX_JSON, json);
    ck_assert_ptr_nonnull(ty);
    ck_assert_ptr_nonnull(tj);
    /* The system name comes from the file name: make them agree. */
    tm_node_get(tm_node_get(tj, "system"), "name")->text = "t";
    tm_node_get(tm_node_get(ty, "system"), "name")->text = "t";
    ck_assert(tm_node_equal(ty, tj));
    /* And the grant became a flow function -> table. */
    const tm_node *flows = tm_node_get(ty, "flows");
    ck_assert_ptr_nonnull(flows);
    ck_assert_str_eq(tm_node_get(flows->items[0], "from")->text, "fn");
    ck_assert_str_eq(tm_node_get(flows->items[0], "to")->text, "table");
    ck_assert_str_eq(tm_node_get(flows->items[0], "name")->text, "dynamodb:PutItem");
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* Ids: kebab case from logical ids, unique, stable. */
START_TEST(ids_from_logical_ids)
{
    static const char yaml[] = "Resources:\n"
                               "  HTTPApi: {Type: AWS::ApiGatewayV2::Api}\n"
                               "  HttpApi: {Type: AWS::ApiGatewayV2::Api}\n"
                               "  S3Bucket: {Type: AWS::S3::Bucket}\n"
                               "  MyAPIGateway2Fn: {Type: AWS::Lambda::Function}\n"
                               "  Internet: {Type: AWS::SQS::Queue}\n";
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *t = S_import_text(a, d, "ids.yaml", TM_SYNTAX_YAML, yaml);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(S_find(t, "elements", "http-api"));
    ck_assert_ptr_nonnull(S_find(t, "elements", "http-api-2"));
    ck_assert_ptr_nonnull(S_find(t, "elements", "s3-bucket"));
    ck_assert_ptr_nonnull(S_find(t, "elements", "my-api-gateway2-fn"));
    ck_assert_ptr_nonnull(S_find(t, "elements", "internet-2"));
    ck_assert_str_eq(tm_node_get(S_find(t, "elements", "http-api-2"), "name")->text, "HttpApi");
    tm_model *m = tm_model_build(t, "ids-model.yaml", NULL, d);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    tm_model_free(m);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* serverless.c calls the importer on a serverless.yml's `resources:` block:
 * a map with only Resources, referring to resources the framework makes. */
START_TEST(fragment_of_serverless_resources)
{
    static const char yaml[] = "Resources:\n"
                               "  Queue:\n"
                               "    Type: AWS::SQS::Queue\n"
                               "  QueuePolicy:\n"
                               "    Type: AWS::SQS::QueuePolicy\n"
                               "    Properties:\n"
                               "      Queues: [!Ref Queue]\n"
                               "      PolicyDocument:\n"
                               "        Statement:\n"
                               "          - Effect: Allow\n"
                               "            Principal: {Service: sns.amazonaws.com}\n"
                               "            Action: sqs:SendMessage\n"
                               "            Resource: !GetAtt Queue.Arn\n"
                               "            Condition: {ArnEquals: {aws:SourceArn: !Ref SNSTopicOrders}}\n";
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *t = S_import_text(a, d, "serverless.yml", TM_SYNTAX_YAML, yaml);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    ck_assert_uint_eq(tm_diags_count(d), 1);
    ck_assert_str_eq(tm_diags_get(d, 0)->message,
                     "Ref 'SNSTopicOrders' names nothing in this template (a resource the framework generates?)");
    const tm_node *q = S_find(t, "elements", "queue");
    ck_assert_ptr_nonnull(q);
    ck_assert(tm_node_get(tm_node_get(q, "props"), "policy_conditions")->bval);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* ---------------------------------------------------------------- fuzz */


static const char *S_fuzz_one(void *ud, const uint8_t *data, size_t len)
{
    (void)ud;
    return fuzz_import_cfn_one(data, len);
}

START_TEST(fuzz_corpus_replays_clean)
{
    size_t files = tu_fuzz_replay("tests/fuzz/corpus/import_cfn", S_fuzz_one, NULL,
                                  tu_skip_slow() ? 10 : 60, 6, "\n \"{}[]:!$-0aZ\\",
                                  "\n\"{}[]:=@*.-0aZ\\");
    ck_assert_uint_ge(files, 5);
}
END_TEST

Suite *suite_import_cfn(void)
{
    Suite *s = suite_create("import_cfn");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, templates_match_goldens);
    tcase_add_test(tc, sample_copies_are_current);
    tcase_add_test(tc, goldens_check_with_expected_threats);
    tcase_add_test(tc, bad_templates_exact_errors);
    tcase_add_test(tc, from_names_the_kind);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, output_files_in_every_syntax);
    tcase_add_test(tc, no_partial_output);
    suite_add_tcase(s, tc);
    TCase *lib = tcase_create("library");
    tcase_set_timeout(lib, 300);
    tcase_add_test(lib, yaml_short_form_equals_json_long_form);
    tcase_add_test(lib, ids_from_logical_ids);
    tcase_add_test(lib, fragment_of_serverless_resources);
    tcase_add_test(lib, fuzz_corpus_replays_clean);
    suite_add_tcase(s, lib);
    return s;
}
