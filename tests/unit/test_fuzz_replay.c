/* Every saved fuzz input (tests/fuzz/corpus/, all of its folders, including
 * other targets' seeds and crashers) goes through all three readers with the
 * fuzz targets' own checks (tests/fuzz/fuzz_common.h): no crash, consistent
 * diagnostics, well-formed trees, and lossless write/read round trips. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fuzz/fuzz_common.h"
#include "testutil.h"

typedef struct {
    char **paths;
    size_t n, cap;
} S_list;

static void S_collect(S_list *l, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 4) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(len);
        snprintf(p, len, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0) {
            free(p);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            S_collect(l, p, depth + 1);
            free(p);
        } else if (S_ISREG(st.st_mode)) {
            if (l->n == l->cap) {
                l->cap = l->cap ? l->cap * 2 : 64;
                l->paths = realloc(l->paths, l->cap * sizeof *l->paths);
            }
            l->paths[l->n++] = p;
        } else {
            free(p);
        }
    }
    closedir(d);
}

START_TEST(corpus_replays_clean)
{
    S_list l = {NULL, 0, 0};
    S_collect(&l, tu_path("tests/fuzz/corpus"), 0);
    /* the seeds of the three readers at least */
    ck_assert_uint_ge(l.n, 20);
    size_t per_syntax[3] = {0, 0, 0};
    for (size_t i = 0; i < l.n; i++) {
        size_t len;
        char *data = tu_slurp(l.paths[i], &len);
        ck_assert_ptr_nonnull(data);
        for (int syn = TM_SYNTAX_YAML; syn <= TM_SYNTAX_XML; syn++) {
            const char *why = fuzz_one((tm_syntax)syn, (const uint8_t *)data, len);
            ck_assert_msg(why == NULL, "%s as %s: %s", l.paths[i], tm_syntax_name(syn), why);
        }
        if (strstr(l.paths[i], "/corpus/yaml/"))
            per_syntax[0]++;
        else if (strstr(l.paths[i], "/corpus/json/"))
            per_syntax[1]++;
        else if (strstr(l.paths[i], "/corpus/xml/"))
            per_syntax[2]++;
        free(data);
        free(l.paths[i]);
    }
    free(l.paths);
    ck_assert_uint_ge(per_syntax[0], 5);
    ck_assert_uint_ge(per_syntax[1], 5);
    ck_assert_uint_ge(per_syntax[2], 5);
}
END_TEST

/* The checks themselves catch what they claim to. */
START_TEST(checks_can_fail)
{
    tm_arena *a = tm_arena_new();
    int flags = 0;
    tm_node *s = tm_node_string(a, "x"); /* no position */
    ck_assert_str_eq(fuzz_check_tree(s, &flags), "node without a position");
    s->file = "f";
    s->line = s->col = 1;
    ck_assert_ptr_null(fuzz_check_tree(s, &flags));
    s->len = 5;
    ck_assert_str_eq(fuzz_check_tree(s, &flags),
                     "scalar text length differs from len (embedded NUL?)");
    tm_node *f = tm_node_new(a, TM_NODE_SCALAR, "f", 1, 1);
    f->stype = TM_SCALAR_FLOAT;
    f->fval = HUGE_VAL;
    ck_assert_ptr_null(fuzz_check_tree(f, &flags));
    ck_assert_int_eq(flags, FUZZ_HAS_INF);
    ck_assert_str_eq(fuzz_round_trip(f, 0), "JSON round trip changed the tree");
    ck_assert_ptr_null(fuzz_round_trip(f, 1));
    tm_arena_free(a);
}
END_TEST

Suite *suite_fuzz_replay(void)
{
    Suite *s = suite_create("fuzz_replay");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, corpus_replays_clean);
    tcase_add_test(tc, checks_can_fail);
    suite_add_tcase(s, tc);
    return s;
}
