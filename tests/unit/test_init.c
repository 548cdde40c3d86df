/*
 * stridec init: the starter and the shipped examples come out byte for byte
 * (they are compiled in), every written model passes `stridec check` (exit
 * 0 or 1, never 2, no warnings) from where it was written, an example's
 * artifact files land next to it, existing files are never overwritten
 * without --force, and bad usage or an unwritable place gives 2 or 3 with
 * nothing written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char *S_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void S_same_file(const char *got_path, const char *want_rel)
{
    size_t gl = 0, wl = 0;
    char *got = tu_slurp(got_path, &gl);
    char *want = tu_slurp(tu_path(want_rel), &wl);
    ck_assert_msg(got != NULL, "%s was not written", got_path);
    ck_assert_ptr_nonnull(want);
    ck_assert_msg(gl == wl && memcmp(got, want, gl) == 0, "%s differs from %s", got_path, want_rel);
    free(got);
    free(want);
}

/* A YAML model from init: the yaml-language-server modeline, naming a file
 * that is the shipped JSON Schema, then exactly the text of `want_rel`. */
static void S_modeline_then(const char *got, const char *want_rel)
{
    static const char ml[] = "# yaml-language-server: $schema=";
    ck_assert_msg(strncmp(got, ml, sizeof ml - 1) == 0, "no modeline first: %.80s", got);
    const char *path = got + sizeof ml - 1;
    const char *nl = strchr(path, '\n');
    ck_assert_ptr_nonnull(nl);
    char schema[4096];
    snprintf(schema, sizeof schema, "%.*s", (int)(nl - path), path);
    ck_assert_msg(schema[0] == '/', "the modeline names no absolute path: %s", schema);
    size_t sl = 0, wl = 0;
    char *text = tu_slurp(schema, &sl);
    char *shipped = tu_slurp(tu_path("share/stridec/schema/stridec-model.schema.json"), &wl);
    ck_assert_msg(text != NULL, "the modeline names %s, which does not exist", schema);
    ck_assert_msg(sl == wl && memcmp(text, shipped, sl) == 0, "%s is not the shipped schema", schema);
    free(text);
    free(shipped);
    char *want = tu_slurp(tu_path(want_rel), NULL);
    ck_assert_ptr_nonnull(want);
    ck_assert_msg(strcmp(nl + 1, want) == 0, "after its modeline, the model differs from %s", want_rel);
    free(want);
}

static void S_modeline_file(const char *got_path, const char *want_rel)
{
    char *got = tu_slurp(got_path, NULL);
    ck_assert_msg(got != NULL, "%s was not written", got_path);
    S_modeline_then(got, want_rel);
    free(got);
}

static int S_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* `stridec check` on a written model: valid (0 or 1) and without warnings. */
static void S_checks(const char *model)
{
    const char *args[] = {"check", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0 || r.status == 1, "check %s: status %d\n%s", model, r.status, r.err);
    ck_assert_msg(strcmp(r.err, "") == 0, "check %s warns:\n%s", model, r.err);
    tu_result_free(&r);
}

static void S_no_diff(const char *a, const char *b)
{
    const char *args[] = {"diff", a, b, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "diff %s %s: status %d\n%s%s", a, b, r.status, r.out, r.err);
    tu_result_free(&r);
}

/* ------------------------------------------------------------ starter */

START_TEST(starter_to_stdout)
{
    const char *args[] = {"init", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    S_modeline_then(r.out, "share/stridec/starter.yaml");
    char *want = tu_slurp(tu_path("share/stridec/starter.yaml"), NULL);
    /* Commented, and with every section MODEL.md describes. */
    const char *sections[] = {"\nstridec: 1\n", "\nsystem:\n", "\ndata:\n", "\nboundaries:\n",
                              "\nelements:\n", "\nflows:\n", "\nidentities:\n", "\nartifacts:\n",
                              "\nassumptions:\n", "\nthreats:\n", "type: aws.apigateway",
                              "type: aws.lambda", "type: aws.dynamodb", "type: user",
                              "type: internet", "# Trust boundaries"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        ck_assert_msg(strstr(want, sections[i]) != NULL, "starter lacks '%s'", sections[i]);
    free(want);
    tu_result_free(&r);
}
END_TEST

START_TEST(starter_passes_check)
{
    /* As shipped, and written anywhere with -o. */
    S_checks("share/stridec/starter.yaml");
    char *dir = tu_tmpdir();
    char *model = S_join(dir, "new/model.yaml");
    const char *args[] = {"init", "-o", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    char want[4096];
    snprintf(want, sizeof want, "wrote %s\nnext: stridec check %s\n", model, model);
    ck_assert_str_eq(r.out, want);
    tu_result_free(&r);
    S_modeline_file(model, "share/stridec/starter.yaml");
    S_checks(model);
    /* Its review decision matches a threat: one decided in review. */
    const char *check[] = {"check", model, NULL};
    r = tu_run(check);
    ck_assert_ptr_nonnull(strstr(r.out, "; 1 decided in review\n"));
    tu_result_free(&r);
    free(model);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(starter_in_json_and_xml)
{
    char *dir = tu_tmpdir();
    const char *names[] = {"model.json", "model.xml"};
    for (size_t i = 0; i < 2; i++) {
        char *model = S_join(dir, names[i]);
        const char *args[] = {"init", "--output", model, NULL};
        tu_result r = tu_run(args);
        ck_assert_int_eq(r.status, 0);
        tu_result_free(&r);
        size_t len = 0;
        char *text = tu_slurp(model, &len);
        ck_assert_ptr_nonnull(text);
        ck_assert_int_eq(text[0], i == 0 ? '{' : '<');
        free(text);
        S_checks(model);
        S_no_diff("share/stridec/starter.yaml", model);
        free(model);
    }
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------ examples */

START_TEST(list_examples)
{
    const char *want =
        "minimal              The smallest useful stridec model: MODEL.md's photo-sharing example.\n"
        "serverless-webapp    A serverless web shop on AWS. (with 4 artifact files under serverless-webapp/)\n";
    const char *list[] = {"init", "--list", NULL};
    tu_result r = tu_run(list);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, want);
    ck_assert_str_eq(r.err, "");
    tu_result_free(&r);
    const char *bare[] = {"init", "--example", NULL};
    r = tu_run(bare);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, want);
    tu_result_free(&r);
}
END_TEST

START_TEST(example_to_stdout)
{
    const char *args[] = {"init", "--example", "minimal", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    S_modeline_then(r.out, "models/minimal.yaml");
    tu_result_free(&r);

    /* The artifact files cannot go to stdout: said on stderr. */
    const char *shop[] = {"init", "--example=serverless-webapp", NULL};
    r = tu_run(shop);
    ck_assert_int_eq(r.status, 0);
    S_modeline_then(r.out, "models/serverless-webapp.yaml");
    ck_assert_str_eq(r.err,
                     "stridec: init: note: the example's 4 artifact files (serverless-webapp/...) are "
                     "not written to standard output; its artifacts are reported missing until they "
                     "exist. Use -o MODEL to write them too.\n");
    tu_result_free(&r);
}
END_TEST

START_TEST(example_with_artifacts_checks_from_new_place)
{
    char *dir = tu_tmpdir();
    char *model = S_join(dir, "review/shop.yaml");
    const char *args[] = {"init", "--example", "serverless-webapp", "-o", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "/review/serverless-webapp/Jenkinsfile\n"));
    tu_result_free(&r);
    S_modeline_file(model, "models/serverless-webapp.yaml");
    const char *files[] = {"Jenkinsfile", "deploy.yml", "serverless.yml", "site-config.json"};
    for (size_t i = 0; i < 4; i++) {
        char rel[256], *got;
        snprintf(rel, sizeof rel, "review/serverless-webapp/%s", files[i]);
        got = S_join(dir, rel);
        snprintf(rel, sizeof rel, "models/serverless-webapp/%s", files[i]);
        S_same_file(got, rel);
        free(got);
    }
    /* Valid from its new place, no "artifact path does not exist", and the
     * same analysis as the shipped one (the secret scan finds the same). */
    S_checks(model);
    S_no_diff("models/serverless-webapp.yaml", model);
    free(model);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(example_in_other_syntaxes)
{
    char *dir = tu_tmpdir();
    char *json = S_join(dir, "m.json"), *xml = S_join(dir, "m.xml");
    const char *a1[] = {"init", "-e", "minimal", "-o", json, NULL};
    tu_result r = tu_run(a1);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    S_same_file(json, "models/minimal.json");
    const char *a2[] = {"init", "-e", "minimal", "-o", xml, NULL};
    r = tu_run(a2);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    S_same_file(xml, "models/minimal.xml");
    S_checks(json);
    S_checks(xml);
    free(json);
    free(xml);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ------------------------------------------------------- never clobber */

START_TEST(refuses_to_overwrite)
{
    char *dir = tu_tmpdir();
    char *model = S_join(dir, "model.yaml");
    FILE *f = fopen(model, "w");
    fputs("mine\n", f);
    fclose(f);
    const char *args[] = {"init", "-o", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    char want[4096];
    snprintf(want, sizeof want,
             "stridec: init: '%s' already exists; not overwritten (use --force to replace it)\n", model);
    ck_assert_str_eq(r.err, want);
    tu_result_free(&r);
    char *text = tu_slurp(model, NULL);
    ck_assert_str_eq(text, "mine\n");
    free(text);

    const char *forced[] = {"init", "-o", model, "--force", NULL};
    r = tu_run(forced);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    S_modeline_file(model, "share/stridec/starter.yaml");

    /* One of an example's artifact files exists: nothing at all is written. */
    char *shop = S_join(dir, "shop.yaml");
    char *sub = S_join(dir, "serverless-webapp");
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    char *deploy = S_join(sub, "deploy.yml");
    f = fopen(deploy, "w");
    fputs("mine\n", f);
    fclose(f);
    const char *ex[] = {"init", "--example", "serverless-webapp", "-o", shop, NULL};
    r = tu_run(ex);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "deploy.yml' already exists"));
    tu_result_free(&r);
    ck_assert(!S_exists(shop));
    char *jenkins = S_join(sub, "Jenkinsfile");
    ck_assert(!S_exists(jenkins));
    text = tu_slurp(deploy, NULL);
    ck_assert_str_eq(text, "mine\n");
    free(text);

    /* A folder in the way. */
    const char *folder[] = {"init", "-o", sub, NULL};
    r = tu_run(folder);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "is a folder; give a file name with -o"));
    tu_result_free(&r);

    free(jenkins);
    free(deploy);
    free(sub);
    free(shop);
    free(model);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(unwritable_place)
{
    char *dir = tu_tmpdir();
    char *file = S_join(dir, "plain-file");
    FILE *f = fopen(file, "w");
    fclose(f);
    char *model = S_join(file, "model.yaml"); /* a file's "subfolder" */
    const char *args[] = {"init", "-o", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 3);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_ne(r.err, "");
    tu_result_free(&r);
    free(model);
    free(file);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(bad_usage)
{
    const char *unknown[] = {"init", "--example", "minmal", NULL};
    tu_result r = tu_run(unknown);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "stridec: init: unknown example 'minmal' (did you mean 'minimal'?)\n"
                            "Try 'stridec init --help'.\n");
    tu_result_free(&r);
    const char *far[] = {"init", "--example", "kubernetes", NULL};
    r = tu_run(far);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stridec: init: unknown example 'kubernetes'; 'stridec init --list' lists them\n"
                            "Try 'stridec init --help'.\n");
    tu_result_free(&r);
    const char *positional[] = {"init", "model.yaml", NULL};
    r = tu_run(positional);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stridec: init: unexpected argument 'model.yaml' (the output file goes after -o)\n"
                            "Try 'stridec init --help'.\n");
    tu_result_free(&r);
    const char *opt[] = {"init", "--template", "x", NULL};
    r = tu_run(opt);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stridec: init: unknown option '--template'\nTry 'stridec init --help'.\n");
    tu_result_free(&r);
    const char *noval[] = {"init", "-o", NULL};
    r = tu_run(noval);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stridec: option -o needs a value\n");
    tu_result_free(&r);
    const char *help[] = {"init", "--help", NULL};
    r = tu_run(help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: stridec init [--example NAME] [-o MODEL] [--force]\n"));
    tu_result_free(&r);
}
END_TEST

Suite *suite_init(void)
{
    Suite *s = suite_create("init");
    TCase *tc = tcase_create("init");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, starter_to_stdout);
    tcase_add_test(tc, starter_passes_check);
    tcase_add_test(tc, starter_in_json_and_xml);
    tcase_add_test(tc, list_examples);
    tcase_add_test(tc, example_to_stdout);
    tcase_add_test(tc, example_with_artifacts_checks_from_new_place);
    tcase_add_test(tc, example_in_other_syntaxes);
    tcase_add_test(tc, refuses_to_overwrite);
    tcase_add_test(tc, unwritable_place);
    tcase_add_test(tc, bad_usage);
    suite_add_tcase(s, tc);
    return s;
}
