/*
 * The bad-input corpus: every file F in tests/bad/ (and one folder down)
 * that has a companion F.expected is a case. F.expected holds the exact
 * stderr of `stridec check F` run from the source tree: the diagnostics
 * as tm_diags_format writes them. Adding a case is adding those two files.
 *
 * Each case is checked twice: in-process through tm_model_load (the
 * library's diagnostics) and through the binary (exit status 2, nothing on
 * stdout, stderr exactly as expected).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stridec/model.h"
#include "testutil.h"

#define S_MAX_CASES 512

/* The case list is built once, when the suite is made, so that every case
 * is its own loop iteration (and failure message). */
static char *S_cases[S_MAX_CASES];
static int S_n_cases;

static int S_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int S_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int S_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* a + b + c, malloc'd. */
static char *S_cat(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* Add the cases of folder `rel` (relative to the source tree). */
static void S_scan(const char *rel, int descend)
{
    char *abs = S_cat(tu_path(rel), "", "");
    DIR *dir = opendir(abs);
    if (!dir) {
        free(abs);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' || S_ends_with(e->d_name, ".expected"))
            continue;
        char *child_rel = S_cat(rel, "/", e->d_name);
        char *child_abs = S_cat(abs, "/", e->d_name);
        char *expected = S_cat(child_abs, ".expected", "");
        if (descend && S_is_dir(child_abs))
            S_scan(child_rel, 0);
        else if (S_is_file(child_abs) && S_is_file(expected) && S_n_cases < S_MAX_CASES)
            S_cases[S_n_cases++] = strdup(child_rel);
        free(child_rel);
        free(child_abs);
        free(expected);
    }
    closedir(dir);
    free(abs);
}

static int S_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *S_expected(const char *rel)
{
    char *path = S_cat(tu_path(rel), ".expected", "");
    char *text = tu_slurp(path, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    free(path);
    return text;
}

/* Diagnostics name files as given, relative to the source tree: load from
 * there, as the binary is run. */
static void S_chdir_root(void)
{
    const char *root = getenv("STRIDEC_ROOT");
    if (root)
        ck_assert_int_eq(chdir(root), 0);
}

START_TEST(corpus_is_large_enough)
{
    ck_assert_int_ge(S_n_cases, 25);
}
END_TEST

START_TEST(library_reports_the_expected_diagnostics)
{
    const char *rel = S_cases[_i];
    S_chdir_root();
    char *want = S_expected(rel);
    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(rel, NULL, d);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "");
    tm_diags_format(d, &b);
    ck_assert_msg(m == NULL, "%s: loaded without an error", rel);
    ck_assert_msg(tm_diags_errors(d) > 0, "%s: no error reported", rel);
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (g->severity == TM_DIAG_ERROR)
            ck_assert_msg(g->file && g->line > 0, "%s: error without a position: %s", rel,
                          g->message);
    }
    ck_assert_msg(strcmp(b.data, want) == 0, "%s:\n--- expected\n%s--- got\n%s", rel, want,
                  b.data);
    tm_buf_free(&b);
    tm_diags_free(d);
    free(want);
}
END_TEST

START_TEST(check_exits_2_with_the_expected_stderr)
{
    const char *rel = S_cases[_i];
    char *want = S_expected(rel);
    const char *args[] = {"check", rel, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 2, "%s: exit status %d, stderr:\n%s", rel, r.status, r.err);
    ck_assert_msg(r.out[0] == '\0', "%s: stdout not empty:\n%s", rel, r.out);
    ck_assert_msg(strcmp(r.err, want) == 0, "%s:\n--- expected\n%s--- got\n%s", rel, want,
                  r.err);
    tu_result_free(&r);
    free(want);
}
END_TEST

START_TEST(export_refuses_bad_input_too)
{
    const char *rel = S_cases[_i];
    char *want = S_expected(rel);
    const char *args[] = {"export", "--to", "json", rel, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 2, "%s: exit status %d", rel, r.status);
    ck_assert_msg(r.out[0] == '\0', "%s: stdout not empty", rel);
    ck_assert_msg(strcmp(r.err, want) == 0, "%s:\n--- expected\n%s--- got\n%s", rel, want,
                  r.err);
    tu_result_free(&r);
    free(want);
}
END_TEST

/* Too large to keep in the corpus: made on the fly. */
START_TEST(file_larger_than_the_limit)
{
    if (tu_skip_slow())
        return;
    char *dir = tu_tmpdir();
    char *path = S_cat(dir, "/big.yaml", "");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("stridec: 1\nsystem: {name: big}\nx: \"", f);
    static char chunk[65536];
    memset(chunk, 'a', sizeof chunk);
    for (unsigned long n = 0; n <= TM_MAX_FILE_BYTES / sizeof chunk; n++)
        fwrite(chunk, 1, sizeof chunk, f);
    fputs("\"\n", f);
    fclose(f);
    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_model_load(path, NULL, d));
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    const tm_diag *g = tm_diags_get(d, 0);
    ck_assert_str_eq(g->file, path);
    ck_assert_ptr_nonnull(strstr(g->message, "larger than the limit"));

    const char *args[] = {"check", path, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "larger than the limit"));
    tu_result_free(&r);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(missing_file)
{
    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_model_load("tests/bad/does-not-exist.yaml", NULL, d));
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    ck_assert_str_eq(tm_diags_get(d, 0)->file, "tests/bad/does-not-exist.yaml");
    tm_diags_free(d);
}
END_TEST

Suite *suite_bad_input(void)
{
    if (S_n_cases == 0) {
        S_scan("tests/bad", 1);
        qsort(S_cases, (size_t)S_n_cases, sizeof S_cases[0], S_cmp);
    }
    Suite *s = suite_create("bad_input");
    TCase *lib = tcase_create("library");
    tcase_add_test(lib, corpus_is_large_enough);
    tcase_add_loop_test(lib, library_reports_the_expected_diagnostics, 0, S_n_cases);
    tcase_add_test(lib, missing_file);
    suite_add_tcase(s, lib);
    TCase *cli = tcase_create("cli");
    tcase_add_loop_test(cli, check_exits_2_with_the_expected_stderr, 0, S_n_cases);
    tcase_add_loop_test(cli, export_refuses_bad_input_too, 0, S_n_cases);
    tcase_set_timeout(cli, 60);
    suite_add_tcase(s, cli);
    TCase *big = tcase_create("big");
    tcase_add_test(big, file_larger_than_the_limit);
    tcase_set_timeout(big, 60);
    suite_add_tcase(s, big);
    return s;
}
