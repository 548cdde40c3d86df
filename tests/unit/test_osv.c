/*
 * Third-party code (src/engine/osv.c): version pinning, semver precedence,
 * OSV range evaluation (introduced/fixed/last_affected, several ranges,
 * version lists, ECOSYSTEM and pre-releases), and malformed advisory files
 * as warnings with their position, never a crash or an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "stridec/model.h"
#include "testutil.h"

START_TEST(pinned_versions)
{
    const char *pinned[] = {"1.2.3", "v1.2.3", "=1.2.3", "1.43", "2.0.0-rc.1", "1.0.0+build.5",
                            "10.1.0", "1.0.post1"};
    const char *loose[] = {NULL, "", "^1.2.3", "~1.2", ">=2.0.0", "<3", "1.x", "1.2.x", "1.*",
                           "*", "latest", "next", "4", "1.2 || 2.0", "1.", "x"};
    for (size_t i = 0; i < sizeof pinned / sizeof *pinned; i++)
        ck_assert_msg(tm_version_pinned(pinned[i]), "'%s' should be pinned", pinned[i]);
    for (size_t i = 0; i < sizeof loose / sizeof *loose; i++)
        ck_assert_msg(!tm_version_pinned(loose[i]), "'%s' should not be pinned",
                      loose[i] ? loose[i] : "(null)");
}
END_TEST

START_TEST(library_split)
{
    size_t n;
    const char *v;
    tm_library_split("lodash@4.17.21", &n, &v);
    ck_assert_uint_eq(n, 6);
    ck_assert_str_eq(v, "4.17.21");
    tm_library_split("@aws-sdk/client-s3@3.450.0", &n, &v);
    ck_assert_uint_eq(n, strlen("@aws-sdk/client-s3"));
    ck_assert_str_eq(v, "3.450.0");
    tm_library_split("@aws-sdk/client-s3", &n, &v);
    ck_assert_uint_eq(n, strlen("@aws-sdk/client-s3"));
    ck_assert_ptr_null(v);
    tm_library_split("lodash", &n, &v);
    ck_assert_uint_eq(n, 6);
    ck_assert_ptr_null(v);
}
END_TEST

static int S_sign(int x)
{
    return x < 0 ? -1 : x > 0 ? 1 : 0;
}

START_TEST(semver_precedence)
{
    /* The semver 2.0 spec's own example chain, then release numbers. */
    const char *chain[] = {"1.0.0-alpha",      "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                           "1.0.0-beta.2",     "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0",
                           "1.0.1",            "1.2.0",         "1.10.0",           "2.0.0"};
    size_t n = sizeof chain / sizeof *chain;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++)
            ck_assert_msg(S_sign(tm_version_compare(chain[i], chain[k])) ==
                              (i < k ? -1 : i > k ? 1 : 0),
                          "%s vs %s", chain[i], chain[k]);
    ck_assert_int_eq(tm_version_compare("1.0.0+build.1", "1.0.0+build.2"), 0);
    ck_assert_int_eq(tm_version_compare("v1.2.3", "1.2.3"), 0);
    ck_assert_int_eq(tm_version_compare("1.2", "1.2.0"), 0);
    ck_assert_int_lt(tm_version_compare("1.2", "1.2.1"), 0);
    ck_assert_int_lt(tm_version_compare("4.17.9", "4.17.19"), 0);
    ck_assert_int_lt(tm_version_compare("1.0.0-rc.9", "1.0.0-rc.10"), 0);
    ck_assert_int_lt(tm_version_compare("1.0.0-rc.01", "1.0.0-rc.2"), 0);
}
END_TEST

/* A model with the given libraries, analysed against tests/advisories. */
static tm_analysis *S_analyze(const char *libs, const char *adv_dir, tm_model **m, tm_diags *d,
                              char **dir_out)
{
    char *dir = tu_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "stridec: 1\nsystem: {name: osv}\nelements:\n"
               "  - {id: fn, type: aws.lambda, libraries: [%s]}\n",
            libs);
    fclose(f);
    *m = tm_model_load(path, NULL, d);
    ck_assert_ptr_nonnull(*m);
    const char *dirs[] = {adv_dir};
    tm_analyze_opts ao = {dirs, 1};
    tm_analysis *a = tm_analyze(*m, NULL, NULL, &ao, d);
    ck_assert_ptr_nonnull(a);
    *dir_out = dir;
    return a;
}

/* The advisory ids matched for one library spec, space-separated. */
static void S_matches(const char *lib, const char *expect)
{
    tm_diags *d = tm_diags_new();
    tm_model *m;
    char *dir;
    char libs[256];
    snprintf(libs, sizeof libs, "\"%s\"", lib);
    tm_analysis *a = S_analyze(libs, tu_path("tests/advisories"), &m, d, &dir);
    tm_buf got;
    tm_buf_init(&got, 0);
    for (size_t i = 0; i < a->n_advisories; i++)
        tm_buf_printf(&got, "%s%s", i ? " " : "", a->advisories[i].advisory_id);
    ck_assert_msg(strcmp(got.data ? got.data : "", expect) == 0, "%s: got '%s', want '%s'", lib,
                  got.data ? got.data : "", expect);
    ck_assert_uint_eq(tm_diags_count(d), 0);
    tm_buf_free(&got);
    tm_analysis_free(a);
    tm_model_free(m);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}

START_TEST(osv_ranges)
{
    /* lodash: 35jh introduced 0 fixed 4.17.21; p6mc introduced 3.7.0 fixed 4.17.19. */
    S_matches("lodash@4.17.15", "GHSA-35jh-r3h4-6jhm GHSA-p6mc-m468-83gw");
    S_matches("lodash@4.17.19", "GHSA-35jh-r3h4-6jhm");
    S_matches("lodash@4.17.21", "");
    S_matches("lodash@3.6.9", "GHSA-35jh-r3h4-6jhm");
    S_matches("lodash@3.7.0", "GHSA-35jh-r3h4-6jhm GHSA-p6mc-m468-83gw");
    S_matches("lodash@0.1.0", "GHSA-35jh-r3h4-6jhm");
    /* Unpinned: a range is not matched against one version. */
    S_matches("lodash@^4.17.0", "");
    S_matches("lodash", "");
    /* Other names never match (exact npm names). */
    S_matches("lodash-es@4.17.15", "");
    /* Pillow (PyPI, names normalised): two ranges, last_affected, a version list. */
    S_matches("pillow@8.2.0", "PYSEC-2023-TEST-1");
    S_matches("Pillow@8.3.2", "");
    S_matches("pillow@9.1.1", "PYSEC-2023-TEST-1");
    S_matches("pillow@9.1.2", "");
    S_matches("pillow@7.1.1", "PYSEC-2023-TEST-1");
    S_matches("pillow@7.1.2", "");
    S_matches("pillow@7.9.9", "");
    /* Scoped npm names and pre-releases. */
    S_matches("@acme/sdk@2.0.0-beta.3", "TEST-PRERELEASE-1");
    S_matches("@acme/sdk@2.0.0-rc.2", "");
    S_matches("@acme/sdk@2.0.0", "");
    S_matches("@acme/sdk@1.9.9", "");
}
END_TEST

START_TEST(artifacts_are_matched)
{
    char *dir = tu_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    FILE *f = fopen(path, "w");
    fputs("stridec: 1\nsystem: {name: osv}\nartifacts:\n"
          "  - {id: a, name: lodash, type: library, version: \"4.17.20\"}\n"
          "  - {id: b, name: lodash, type: sdk}\n"
          "  - {id: c, name: lodash, type: deployment-script, version: \"4.17.20\"}\n"
          "  - {id: d, name: left-pad, type: plugin, version: \"~1.3\"}\n",
          f);
    fclose(f);
    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(path, NULL, d);
    ck_assert_ptr_nonnull(m);
    const char *dirs[] = {tu_path("tests/advisories")};
    tm_analyze_opts ao = {dirs, 1};
    tm_analysis *a = tm_analyze(m, NULL, NULL, &ao, d);
    ck_assert_uint_eq(a->n_advisories, 1);
    ck_assert_str_eq(a->advisories[0].library, "lodash@4.17.20");
    ck_assert_ptr_eq(a->advisories[0].artifact, m->artifacts[0]);
    ck_assert_ptr_null(a->advisories[0].element);
    /* Pinning: b has no version, d a range; c is not a library. */
    ck_assert_uint_eq(a->artifacts[0].n_unpinned, 0);
    ck_assert_uint_eq(a->artifacts[1].n_unpinned, 1);
    ck_assert_str_eq(a->artifacts[1].unpinned[0], "lodash");
    ck_assert_uint_eq(a->artifacts[2].n_unpinned, 0);
    ck_assert_uint_eq(a->artifacts[3].n_unpinned, 1);
    ck_assert_str_eq(a->artifacts[3].unpinned[0], "left-pad@~1.3");
    tm_analysis_free(a);
    tm_model_free(m);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

static const tm_diag *S_find_diag(const tm_diags *d, const char *file_part)
{
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (g->file && strstr(g->file, file_part))
            return g;
    }
    return NULL;
}

START_TEST(malformed_advisories_are_warnings)
{
    tm_diags *d = tm_diags_new();
    tm_model *m;
    char *dir;
    tm_analysis *a = S_analyze("\"lodash@4.17.15\"", tu_path("tests/advisories-bad"), &m, d, &dir);
    /* The good record in the folder still matches ... */
    ck_assert_uint_eq(a->n_advisories, 1);
    ck_assert_str_eq(a->advisories[0].advisory_id, "GHSA-35jh-r3h4-6jhm");
    /* ... and every bad file is one warning with its place; no error. */
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    const char *bad[] = {"truncated.json", "affected-not-list.json", "two-versions-in-event.json",
                         "not-object.json", "no-id.json"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const tm_diag *g = S_find_diag(d, bad[i]);
        ck_assert_msg(g != NULL, "no diagnostic for %s", bad[i]);
        ck_assert_int_eq(g->severity, TM_DIAG_WARNING);
        ck_assert_msg(g->line >= 1 && g->col >= 1, "%s: no position", bad[i]);
        ck_assert_ptr_nonnull(strstr(g->message, "advisory ignored"));
    }
    const tm_diag *g = S_find_diag(d, "affected-not-list.json");
    ck_assert_uint_eq(g->line, 1);
    ck_assert_uint_eq(g->col, 29);
    g = S_find_diag(d, "truncated.json");
    ck_assert_uint_ge(g->line, 4);
    tm_analysis_free(a);
    tm_model_free(m);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
    /* A folder that does not exist: a warning, the run goes on. */
    d = tm_diags_new();
    a = S_analyze("\"lodash@4.17.15\"", "/nonexistent/stridec-advisories", &m, d, &dir);
    ck_assert_uint_eq(a->n_advisories, 0);
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    ck_assert_uint_eq(tm_diags_count(d), 1);
    tm_analysis_free(a);
    tm_model_free(m);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The CLI: --advisories raises SUPPLY-ADVISORY with the advisory in the title. */
START_TEST(cli_advisories)
{
    const char *args[] = {"check", tu_path("tests/rules/SUPPLY-ADVISORY/pos.yaml"),
                          "--advisories", tu_path("tests/advisories"), NULL};
    tu_result r = tu_run(args);
    ck_assert_ptr_nonnull(strstr(r.out, "SUPPLY-ADVISORY@fn"));
    ck_assert_ptr_nonnull(strstr(r.out, "GHSA-35jh-r3h4-6jhm"));
    tu_result_free(&r);
    const char *none[] = {"check", tu_path("tests/rules/SUPPLY-ADVISORY/pos.yaml"), NULL};
    r = tu_run(none);
    ck_assert_ptr_null(strstr(r.out, "SUPPLY-ADVISORY@"));
    tu_result_free(&r);
}
END_TEST

Suite *suite_osv(void)
{
    Suite *s = suite_create("osv");
    TCase *tc = tcase_create("osv");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pinned_versions);
    tcase_add_test(tc, library_split);
    tcase_add_test(tc, semver_precedence);
    tcase_add_test(tc, osv_ranges);
    tcase_add_test(tc, artifacts_are_matched);
    tcase_add_test(tc, malformed_advisories_are_warnings);
    tcase_add_test(tc, cli_advisories);
    suite_add_tcase(s, tc);
    return s;
}
