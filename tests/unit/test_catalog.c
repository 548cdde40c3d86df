/* The type catalogue: the built-in one, its agreement with the model
 * builder, and the errors a broken catalogue reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/analysis.h"
#include "testutil.h"

/* Every type MODEL.md names, and the ones the engine issue adds. */
static const char *const S_required[] = {
    "user", "browser", "mobile-app", "third-party.api", "generic.process", "generic.store",
    "aws.lambda", "aws.apigateway", "aws.s3", "aws.sqs", "aws.sns", "aws.ses", "aws.dynamodb",
    "aws.rds", "aws.cognito", "aws.kms", "aws.secretsmanager", "aws.cloudwatch",
    "aws.eventbridge", "aws.stepfunctions", "ci.jenkins", "ci.github-actions", "scm.github",
    "aws.cloudtrail", "aws.iam", "aws.cloudfront", "aws.codebuild", "aws.codepipeline",
    "aws.schedule", "generic.external", "saas",
};

static int S_has(const char *const *items, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], s) == 0)
            return 1;
    return 0;
}

START_TEST(builtin_catalogue_loads_and_covers_model_types)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *c = tm_catalog_builtin(d);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(tm_diags_count(d), 0);
    for (size_t i = 0; i < sizeof S_required / sizeof S_required[0]; i++) {
        const tm_type_info *t = tm_catalog_find(c, S_required[i]);
        ck_assert_msg(t != NULL, "type %s missing from the catalogue", S_required[i]);
        ck_assert_str_eq(t->name, S_required[i]);
        ck_assert(t->label && *t->label);
        ck_assert_uint_gt(t->n_customer_secures, 0);
        ck_assert_str_eq(t->loc.file, "share/stridec/types.yaml");
        ck_assert_uint_gt(t->loc.line, 0);
    }
    ck_assert_ptr_null(tm_catalog_find(c, "aws.lamda"));
    ck_assert_ptr_null(tm_catalog_find(c, NULL));
    ck_assert_ptr_null(tm_catalog_find(NULL, "aws.s3"));

    const tm_type_info *s3 = tm_catalog_find(c, "aws.s3");
    ck_assert_str_eq(s3->label, "Amazon S3");
    ck_assert_str_eq(s3->provider, "aws");
    ck_assert_int_eq(s3->kind, TM_KIND_STORE);
    ck_assert(s3->managed && s3->event_source);
    ck_assert_ptr_nonnull(strstr(s3->event_fields, "object key"));
    ck_assert(S_has(s3->monitor, s3->n_monitor, "PutBucketPolicy"));
    ck_assert(S_has(s3->entry_points, s3->n_entry_points,
                    "S3 public bucket endpoint (when a policy or ACL allows anonymous access)"));
    const tm_type_info *user = tm_catalog_find(c, "user");
    ck_assert_int_eq(user->kind, TM_KIND_EXTERNAL);
    ck_assert(!user->managed && !user->event_source);
    ck_assert_str_eq(user->provider, "");
    ck_assert_ptr_null(user->event_fields);
    tm_catalog_free(c);
    tm_diags_free(d);
}
END_TEST

/* The seed article's "everything is public until proven otherwise": every
 * managed AWS service has its management plane as entry points and
 * control-plane operations to watch; every event source says what a
 * function must validate. */
START_TEST(builtin_catalogue_is_complete_per_type)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *c = tm_catalog_builtin(d);
    ck_assert_ptr_nonnull(c);
    for (size_t i = 0; i < c->n_types; i++) {
        const tm_type_info *t = c->types[i];
        if (strncmp(t->name, "aws.", 4) == 0) {
            ck_assert_msg(t->managed, "%s should be managed", t->name);
            ck_assert_str_eq(t->provider, "aws");
            ck_assert_msg(S_has(t->entry_points, t->n_entry_points, "AWS Management Console") ||
                              S_has(t->entry_points, t->n_entry_points,
                                    "AWS Management Console (PartiQL editor)") ||
                              S_has(t->entry_points, t->n_entry_points,
                                    "AWS Management Console (Logs Insights)") ||
                              S_has(t->entry_points, t->n_entry_points,
                                    "AWS Management Console (EC2 Instance Connect, serial console)"),
                          "%s lacks the console entry point", t->name);
            ck_assert_msg(S_has(t->entry_points, t->n_entry_points, "AWS CLI"), "%s: CLI", t->name);
            ck_assert_msg(S_has(t->entry_points, t->n_entry_points, "AWS SDK"), "%s: SDK", t->name);
            ck_assert_msg(t->n_monitor > 0, "%s has nothing to monitor", t->name);
            ck_assert_msg(t->n_provider_secures > 0, "%s: provider_secures", t->name);
        }
        if (t->event_source)
            ck_assert_msg(t->event_fields && strlen(t->event_fields) > 10, "%s event fields",
                          t->name);
        else
            ck_assert_ptr_null(t->event_fields);
    }
    static const char *const sources[] = {"aws.s3",          "aws.sqs",     "aws.sns",
                                          "aws.ses",         "aws.apigateway", "aws.eventbridge",
                                          "aws.dynamodb",    "aws.cognito", "aws.schedule"};
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
        ck_assert_msg(tm_catalog_find(c, sources[i])->event_source, "%s", sources[i]);
    ck_assert_ptr_nonnull(strstr(tm_catalog_find(c, "aws.sqs")->event_fields, "sender id"));
    ck_assert_ptr_nonnull(strstr(tm_catalog_find(c, "aws.ses")->event_fields, "attachments"));
    ck_assert_ptr_nonnull(
        strstr(tm_catalog_find(c, "aws.apigateway")->event_fields, "query parameters"));
    const tm_type_info *lambda = tm_catalog_find(c, "aws.lambda");
    ck_assert(S_has(lambda->monitor, lambda->n_monitor,
                    "UpdateFunctionCode* (function code replaced)"));
    ck_assert(S_has(lambda->entry_points, lambda->n_entry_points,
                    "Lambda function URL (when configured)"));
    tm_catalog_free(c);
    tm_diags_free(d);
}
END_TEST

/* Families give a kind to types the catalogue does not list by name; a
 * listed type keeps its own kind. */
START_TEST(catalogue_families_give_kinds)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *c = tm_catalog_builtin(d);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_ge(c->n_families, 2);
    tm_kind k;
    ck_assert(tm_catalog_kind(c, "ci.gitlab", &k));
    ck_assert_int_eq(k, TM_KIND_PROCESS);
    ck_assert(tm_catalog_kind(c, "scm.gitlab", &k));
    ck_assert_int_eq(k, TM_KIND_EXTERNAL);
    ck_assert(tm_catalog_kind(c, "aws.s3", &k));
    ck_assert_int_eq(k, TM_KIND_STORE);
    ck_assert(!tm_catalog_kind(c, "scm.", &k));
    ck_assert(!tm_catalog_kind(c, "mainframe", &k));
    for (size_t i = 0; i < c->n_types; i++)
        ck_assert_str_eq(c->names[i], c->types[i]->name);
    tm_catalog_free(c);
    tm_diags_free(d);
}
END_TEST

/* ------------------------------------------------------- bad catalogues */

/* Write text to DIR/name, load it, return the diagnostics as
 * "LINE:COL: message" lines (malloc'd). */
static char *S_load_bad(const char *name, const char *text, int *loaded)
{
    char *dir = tu_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    tm_diags *d = tm_diags_new();
    tm_catalog *c = tm_catalog_load(path, d);
    *loaded = c != NULL;
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        ck_assert_str_eq(g->file, path);
        tm_buf_printf(&b, "%u:%u: %s\n", (unsigned)g->line, (unsigned)g->col, g->message);
    }
    tm_catalog_free(c);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
    char *s = tm_buf_detach(&b);
    return s ? s : tm_xstrdup("");
}

typedef struct {
    const char *name, *text, *expect;
} S_bad_case;

static const S_bad_case S_bad[] = {
    {"keys.yaml",
     "version: 1\n"
     "types:\n"
     "  - name: foo\n"
     "    lable: Foo\n"
     "    provider: \"\"\n"
     "    kind: proces\n"
     "    managed: yes\n"
     "    customer_secures: []\n",
     "4:5: unknown key 'lable' in type 'foo' (did you mean 'label'?)\n"
     "3:5: missing required key 'label' in type 'foo'\n"
     "6:11: 'kind' must be one of external, process or store, not 'proces' (did you mean 'process'?)\n"
     "7:14: 'managed' must be a boolean (true or false), not the string 'yes'\n"
     "8:23: 'customer_secures' must name at least one thing (the customer always secures "
     "something)\n"},
    {"events.yaml",
     "version: 1\n"
     "types:\n"
     "  - {name: q, label: Q, provider: aws, kind: store, managed: true, event_source: true,\n"
     "     customer_secures: [policy]}\n"
     "  - {name: r, label: R, provider: aws, kind: store, managed: true, event_fields: body,\n"
     "     customer_secures: [policy, 3]}\n",
     "3:5: type 'q' is an event source but has no 'event_fields' (what must a function receiving "
     "its events validate?)\n"
     "5:82: 'event_fields' is only allowed when 'event_source' is true\n"
     "6:33: every item of 'customer_secures' must be a string, not an integer\n"},
    {"dup.yaml",
     "version: 1\n"
     "types:\n"
     "  - {name: a, label: A, provider: '', kind: external, managed: false, customer_secures: [x]}\n"
     "  - {name: a, label: B, provider: '', kind: external, managed: false, customer_secures: [x]}\n",
     "4:5: duplicate type 'a' (first defined at line 3)\n"},
    {"top.yaml", "version: 2\ntypo: []\n",
     "2:1: unknown key 'typo' in the type catalogue (did you mean 'types'?)\n"
     "1:10: unsupported catalogue version '2' (this stridec reads version 1)\n"
     "1:1: missing required key 'types' in the type catalogue\n"},
    {"list.yaml", "- name: a\n", "1:1: a type catalogue must be a map with keys 'version' and "
                                 "'types', not a list\n"},
    {"name.json", "{\"version\": 1, \"types\": [{\"name\": \"x y\", \"label\": 3}]}",
     "1:35: type name 'x y' must match [A-Za-z0-9][A-Za-z0-9_.-]*\n"
     "1:51: 'label' must be a string, not an integer\n"
     "1:26: missing required key 'provider' in type\n"
     "1:26: missing required key 'kind' in type\n"
     "1:26: missing required key 'managed' in type\n"
     "1:26: missing required key 'customer_secures' in type\n"},
    {"syntax.yaml", "version: 1\ntypes: [\n", NULL},
};

START_TEST(bad_catalogues_report_positions)
{
    const S_bad_case *t = &S_bad[_i];
    int loaded = 1;
    char *got = S_load_bad(t->name, t->text, &loaded);
    ck_assert_msg(!loaded, "%s loaded", t->name);
    if (t->expect)
        ck_assert_str_eq(got, t->expect);
    else /* a syntax error comes from the reader: just one positioned error */
        ck_assert_msg(strncmp(got, "3:1: ", 5) == 0 || strncmp(got, "2:", 2) == 0, "%s", got);
    free(got);
}
END_TEST

START_TEST(missing_catalogue_file_is_an_error)
{
    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_catalog_load("/nonexistent/types.yaml", d));
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    tm_diags_free(d);
}
END_TEST

/* ------------------------------------------------------------ CLI types */

START_TEST(cli_types_list_and_show)
{
    const char *list[] = {"types", "list", NULL};
    tu_result r = tu_run(list);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\naws.lambda          process   AWS Lambda\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "user                external  User\n"));
    ck_assert_str_eq(r.err, "");
    tu_result_free(&r);

    const char *dflt[] = {"types", NULL};
    r = tu_run(dflt);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "aws.s3 "));
    tu_result_free(&r);

    const char *show[] = {"types", "show", "aws.sqs", NULL};
    r = tu_run(show);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "type:          aws.sqs\nlabel:         Amazon SQS\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "kind:          store\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "event fields:  message body"));
    ck_assert_ptr_nonnull(strstr(r.out, "customer secures:\n  - the queue policy"));
    ck_assert_ptr_nonnull(strstr(r.out, "entry points:\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "  - PurgeQueue\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "defined at:    share/stridec/types.yaml:"));
    tu_result_free(&r);
}
END_TEST

START_TEST(cli_types_errors)
{
    const char *unknown[] = {"types", "show", "aws.lamda", NULL};
    tu_result r = tu_run(unknown);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "stridec: types: unknown type 'aws.lamda' (did you mean 'aws.lambda'?)\n");
    tu_result_free(&r);

    const char *noarg[] = {"types", "show", NULL};
    r = tu_run(noarg);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "'show' takes one type name"));
    tu_result_free(&r);

    const char *badact[] = {"types", "lst", NULL};
    r = tu_run(badact);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown action 'lst' (did you mean 'list'?)"));
    tu_result_free(&r);

    const char *help[] = {"types", "--help", NULL};
    r = tu_run(help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: stridec types"));
    tu_result_free(&r);

    /* --share with a broken catalogue fails like a broken model */
    char *dir = tu_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/types.yaml", dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("version: 1\ntypes:\n  - {name: a, label: A, provider: '', kind: stor, managed: false, "
          "customer_secures: [x]}\n",
          f);
    fclose(f);
    const char *share[] = {"types", "--share", dir, NULL};
    r = tu_run(share);
    ck_assert_int_eq(r.status, 2);
    char want[4200];
    snprintf(want, sizeof want, "%s:3:45: error: 'kind' must be one of external, process or store, not "
                                "'stor' (did you mean 'store'?)\n",
             path);
    ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_catalog(void)
{
    Suite *s = suite_create("catalog");
    TCase *tc = tcase_create("builtin");
    tcase_add_test(tc, builtin_catalogue_loads_and_covers_model_types);
    tcase_add_test(tc, builtin_catalogue_is_complete_per_type);
    tcase_add_test(tc, catalogue_families_give_kinds);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad");
    tcase_add_loop_test(tc, bad_catalogues_report_positions, 0,
                        (int)(sizeof S_bad / sizeof S_bad[0]));
    tcase_add_test(tc, missing_catalogue_file_is_an_error);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_add_test(tc, cli_types_list_and_show);
    tcase_add_test(tc, cli_types_errors);
    suite_add_tcase(s, tc);
    return s;
}
