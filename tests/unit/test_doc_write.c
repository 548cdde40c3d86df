/* Tree writers: exact layout, escaping, and write -> read round trips that
 * give back an equal tree. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"
#include "testutil.h"

static tm_node *S_parse_json(tm_arena *a, const char *text)
{
    tm_diags *d = tm_diags_new();
    tm_node *n = tm_read_json(a, "t.json", text, strlen(text), NULL, d);
    ck_assert_msg(n != NULL, "bad test JSON: %s",
                  tm_diags_count(d) ? tm_diags_get(d, 0)->message : "?");
    tm_diags_free(d);
    return n;
}

static const char *S_nested =
    "{\"name\": \"x\", \"list\": [1, 2.5, true, null], \"empty\": {}, \"el\": [],"
    " \"nested\": [{\"a\": 1, \"b\": [\"x\"]}, [\"y\", \"z\"]]}";

START_TEST(json_layout)
{
    tm_arena *a = tm_arena_new();
    tm_node *n = S_parse_json(a, S_nested);
    tm_buf b;
    tm_buf_init(&b, 0);
    ck_assert_int_eq(tm_write_json(n, &b, 1), 0);
    ck_assert_str_eq(b.data, "{\n"
                             "  \"name\": \"x\",\n"
                             "  \"list\": [\n"
                             "    1,\n"
                             "    2.5,\n"
                             "    true,\n"
                             "    null\n"
                             "  ],\n"
                             "  \"empty\": {},\n"
                             "  \"el\": [],\n"
                             "  \"nested\": [\n"
                             "    {\n"
                             "      \"a\": 1,\n"
                             "      \"b\": [\n"
                             "        \"x\"\n"
                             "      ]\n"
                             "    },\n"
                             "    [\n"
                             "      \"y\",\n"
                             "      \"z\"\n"
                             "    ]\n"
                             "  ]\n"
                             "}\n");
    tm_buf_reset(&b);
    ck_assert_int_eq(tm_write_json(n, &b, 0), 0);
    ck_assert_str_eq(b.data, "{\"name\":\"x\",\"list\":[1,2.5,true,null],\"empty\":{},\"el\":[],"
                             "\"nested\":[{\"a\":1,\"b\":[\"x\"]},[\"y\",\"z\"]]}");
    tm_buf_free(&b);
    tm_arena_free(a);
}
END_TEST

START_TEST(yaml_layout)
{
    tm_arena *a = tm_arena_new();
    tm_node *n = S_parse_json(a, S_nested);
    tm_buf b;
    tm_buf_init(&b, 0);
    ck_assert_int_eq(tm_write_yaml(n, &b), 0);
    ck_assert_str_eq(b.data, "name: x\n"
                             "list:\n"
                             "  - 1\n"
                             "  - 2.5\n"
                             "  - true\n"
                             "  - null\n"
                             "empty: {}\n"
                             "el: []\n"
                             "nested:\n"
                             "  - a: 1\n"
                             "    b:\n"
                             "      - x\n"
                             "  - - \"y\"\n" /* a YAML 1.1 reader takes y for true */
                             "    - z\n");
    tm_buf_reset(&b);
    tm_write_yaml(tm_node_string(a, "true"), &b);
    ck_assert_str_eq(b.data, "\"true\"\n");
    tm_buf_free(&b);
    tm_arena_free(a);
}
END_TEST

START_TEST(json_escapes)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_json_escape(&b, "q\" b\\ n\n t\t r\r \x01 \x1f / caf\xC3\xA9 \xE2\x80\xA8");
    ck_assert_str_eq(b.data,
                     "\"q\\\" b\\\\ n\\n t\\t r\\r \\u0001 \\u001f / caf\xC3\xA9 \xE2\x80\xA8\"");
    tm_buf_reset(&b);
    tm_json_escape(&b, NULL);
    ck_assert_str_eq(b.data, "\"\"");
    tm_buf_free(&b);
}
END_TEST

START_TEST(numbers_stay_numbers)
{
    tm_arena *a = tm_arena_new();
    tm_node *n = S_parse_json(a, "[1.0, 0.1, -0.5, 1e300, 1e-300, 123456789012345678, 3]");
    n->items[0]->fval = 1.0;
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_write_json(n, &b, 0);
    ck_assert_str_eq(b.data, "[1.0,0.1,-0.5,1e+300,1e-300,123456789012345678,3]");
    tm_buf_reset(&b);
    tm_node *f = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    f->stype = TM_SCALAR_FLOAT;
    f->fval = 1.0 / 3.0;
    tm_write_json(f, &b, 0);
    ck_assert_str_eq(b.data, "0.3333333333333333"); /* shortest that reads back */
    tm_buf_reset(&b);
    f->fval = HUGE_VAL;
    tm_write_json(f, &b, 0);
    ck_assert_str_eq(b.data, "null"); /* JSON has no infinity */
    tm_buf_reset(&b);
    tm_write_yaml(f, &b);
    ck_assert_str_eq(b.data, ".inf\n");
    tm_buf_free(&b);
    tm_arena_free(a);
}
END_TEST

START_TEST(writer_reports_full_buffer)
{
    tm_arena *a = tm_arena_new();
    tm_node *n = S_parse_json(a, S_nested);
    tm_buf b;
    tm_buf_init(&b, 16);
    ck_assert_int_eq(tm_write_json(n, &b, 1), -1);
    tm_buf_free(&b);
    tm_buf_init(&b, 16);
    ck_assert_int_eq(tm_write_yaml(n, &b), -1);
    tm_buf_free(&b);
    tm_arena_free(a);
}
END_TEST

/* ------------------------------------------------------- round trips */

static const char *const S_tricky[] = {
    "true", "1", "", " lead", "trail ", "a: b", "#x", "- x", "caf\xC3\xA9 \xE2\x98\x95",
    "\xF0\x9F\x98\x80", "line\nbreak", "two\n\nblank\n", "null", "~", "0x1F", "0o17", "1e3",
    ".inf", "-.inf", ".nan", "yes", "No", "off", "Y", "@x", "`x", "a #b", "x:", "x: ", "- ",
    "-", "?", "? x", ":", "'", "\"", "\\", "\ttab", "ctl\x01\x1f\x7f", "nel\xC2\x85x",
    "ls\xE2\x80\xA8ps\xE2\x80\xA9", "bom\xEF\xBB\xBF", "nbsp\xC2\xA0", "[a]", "{a: 1}", "a,b",
    "*a", "&a", "!a", "!!str", "%a", "|", ">", "--- x", "---", "...", "a'b", "a\"b", "C#",
    "s3:GetObject", "arn:aws:s3:::bucket/*", "POST /photos", "2024-01-01", "12:30", "1_000",
    "+1", "-1", "0", "0.5", ".5", "1.", "Null", "NULL", "True", "FALSE", "<<", "=", "a  b",
    "x\r\ny", " ", "  ", "\xEF\xBF\xBD", "\xE0\xA0\x80", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBE",
    "\xEF\xBF\xBF", "#", "a\\nb", "%YAML 1.2", "- - x", "!Ref X",
};
#define S_N_TRICKY (sizeof S_tricky / sizeof S_tricky[0])

typedef tm_node *(*reader_fn)(tm_arena *, const char *, const char *, size_t,
                              const tm_read_limits *, tm_diags *);

/* Write n, read it back, and require an equal tree. */
static void S_round_trip(const tm_node *n, int yaml)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    ck_assert_int_eq(yaml ? tm_write_yaml(n, &b) : tm_write_json(n, &b, 1), 0);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    reader_fn rd = yaml ? tm_read_yaml : tm_read_json;
    tm_node *back = rd(a, "rt", b.data, b.len, NULL, d);
    ck_assert_msg(back != NULL, "%s did not read back: %s\n%s", yaml ? "YAML" : "JSON",
                  tm_diags_count(d) ? tm_diags_get(d, 0)->message : "?", b.data);
    ck_assert_msg(tm_node_equal(n, back), "%s round trip changed the tree:\n%s",
                  yaml ? "YAML" : "JSON", b.data);
    /* and the output is stable: writing the copy gives the same bytes */
    tm_buf b2;
    tm_buf_init(&b2, 0);
    if (yaml)
        tm_write_yaml(back, &b2);
    else
        tm_write_json(back, &b2, 1);
    ck_assert_str_eq(b.data, b2.data);
    tm_buf_free(&b2);
    tm_diags_free(d);
    tm_arena_free(a);
    tm_buf_free(&b);
}

static tm_node *S_str(tm_arena *a, const char *s)
{
    return tm_node_string(a, s);
}

START_TEST(tricky_strings_round_trip)
{
    tm_arena *a = tm_arena_new();
    for (size_t i = 0; i < S_N_TRICKY; i++) {
        /* as a value, as a key, as a list item, and alone */
        tm_node *m = tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
        tm_node_map_put(a, m, "v", 0, 0, S_str(a, S_tricky[i]));
        tm_node_map_put(a, m, S_tricky[i][0] == 'v' && !S_tricky[i][1] ? "vv" : S_tricky[i], 0, 0,
                        S_str(a, "k"));
        tm_node *l = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
        tm_node_list_push(a, l, S_str(a, S_tricky[i]));
        tm_node_map_put(a, m, "l", 0, 0, l);
        S_round_trip(m, 1);
        S_round_trip(m, 0);
        S_round_trip(S_str(a, S_tricky[i]), 1);
        S_round_trip(S_str(a, S_tricky[i]), 0);
    }
    tm_arena_free(a);
}
END_TEST

START_TEST(scalars_round_trip)
{
    tm_arena *a = tm_arena_new();
    tm_node *l = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
    long long ints[] = {0, 1, -1, 42, LLONG_MAX, LLONG_MIN, 1000000007};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        tm_node_list_push(a, l, tm_node_int(a, ints[i]));
    double fl[] = {0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 1e300, -1e-300, DBL_MAX, DBL_MIN, 5e-324,
                   123456789.125, 1e21, 1e15, 9007199254740993.0};
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        tm_node *f = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
        f->stype = TM_SCALAR_FLOAT;
        f->fval = fl[i];
        f->text = "";
        tm_node_list_push(a, l, f);
    }
    tm_node_list_push(a, l, tm_node_bool(a, 1));
    tm_node_list_push(a, l, tm_node_bool(a, 0));
    tm_node *nul = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    nul->stype = TM_SCALAR_NULL;
    tm_node_list_push(a, l, nul);
    S_round_trip(l, 0);
    tm_node *inf = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    inf->stype = TM_SCALAR_FLOAT;
    inf->fval = -HUGE_VAL;
    tm_node_list_push(a, l, inf);
    S_round_trip(l, 1);
    /* XML text reads back as a string of the same text */
    tm_node *t = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    t->stype = TM_SCALAR_TEXT;
    t->text = "42";
    t->len = 2;
    S_round_trip(t, 1);
    S_round_trip(t, 0);
    tm_arena_free(a);
}
END_TEST

/* Deterministic pseudo-random trees built from the tricky strings. */
static unsigned long S_rng = 12345;
static unsigned S_rand(unsigned n)
{
    S_rng = S_rng * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((S_rng >> 33) % n);
}

static tm_node *S_random_tree(tm_arena *a, int depth)
{
    unsigned kind = depth >= 5 ? 0 : S_rand(depth == 0 ? 2 : 4);
    if (depth == 0)
        kind += 2;
    if (kind >= 2) {
        int map = kind == 2;
        tm_node *n = tm_node_new(a, map ? TM_NODE_MAP : TM_NODE_LIST, NULL, 0, 0);
        unsigned k = S_rand(5);
        for (unsigned i = 0; i < k; i++) {
            tm_node *v = S_random_tree(a, depth + 1);
            if (map) {
                const char *key = S_tricky[S_rand(S_N_TRICKY)];
                if (!tm_node_get(n, key))
                    tm_node_map_put(a, n, key, 0, 0, v);
            } else {
                tm_node_list_push(a, n, v);
            }
        }
        return n;
    }
    switch (S_rand(4)) {
    case 0:
        return tm_node_int(a, (long long)S_rand(100000) - 50000);
    case 1: {
        tm_node *f = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
        f->stype = TM_SCALAR_FLOAT;
        f->fval = ((double)S_rand(1000000) - 500000) / 1024.0 * pow(10, (int)S_rand(40) - 20);
        return f;
    }
    case 2:
        return tm_node_bool(a, (int)S_rand(2));
    default:
        return S_str(a, S_tricky[S_rand(S_N_TRICKY)]);
    }
}

START_TEST(random_trees_round_trip)
{
    tm_arena *a = tm_arena_new();
    for (int i = 0; i < 400; i++) {
        tm_node *n = S_random_tree(a, 0);
        S_round_trip(n, 1);
        S_round_trip(n, 0);
    }
    tm_arena_free(a);
}
END_TEST

START_TEST(long_keys_and_values_round_trip)
{
    tm_arena *a = tm_arena_new();
    char *big = tm_arena_alloc(a, 5001);
    for (int i = 0; i < 5000; i++)
        big[i] = (char)('a' + i % 26);
    char *ctl = tm_arena_alloc(a, 301);
    for (int i = 0; i < 300; i++)
        ctl[i] = (char)(1 + i % 31);
    tm_node *m = tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
    tm_node_map_put(a, m, big, 0, 0, S_str(a, big));
    tm_node_map_put(a, m, ctl, 0, 0, S_parse_json(a, "{\"a\": [1, {\"b\": []}]}"));
    tm_node_map_put(a, m, "x", 0, 0, S_parse_json(a, "[[1, [2, []]], {}]"));
    tm_node *l = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
    tm_node_list_push(a, l, m);
    tm_node_list_push(a, l, S_parse_json(a, "[{\"k\": {\"j\": [null]}}]"));
    S_round_trip(m, 1);
    S_round_trip(m, 0);
    S_round_trip(l, 1);
    S_round_trip(l, 0);
    tm_arena_free(a);
}
END_TEST

/* The shipped example models survive a trip through each writer. */
START_TEST(model_round_trip)
{
    const char *files[] = {"tests/readers/model.yaml", "tests/readers/model.json"};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *t = tu_slurp(tu_path(files[i]), &len);
        ck_assert_ptr_nonnull(t);
        tm_arena *a = tm_arena_new();
        tm_diags *d = tm_diags_new();
        tm_node *n = (i == 0 ? tm_read_yaml : tm_read_json)(a, files[i], t, len, NULL, d);
        ck_assert_ptr_nonnull(n);
        S_round_trip(n, 1);
        S_round_trip(n, 0);
        tm_diags_free(d);
        tm_arena_free(a);
        free(t);
    }
}
END_TEST

Suite *suite_doc_write(void)
{
    Suite *s = suite_create("doc_write");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, json_layout);
    tcase_add_test(tc, yaml_layout);
    tcase_add_test(tc, json_escapes);
    tcase_add_test(tc, numbers_stay_numbers);
    tcase_add_test(tc, writer_reports_full_buffer);
    suite_add_tcase(s, tc);
    tc = tcase_create("round_trip");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, tricky_strings_round_trip);
    tcase_add_test(tc, scalars_round_trip);
    tcase_add_test(tc, random_trees_round_trip);
    tcase_add_test(tc, long_keys_and_values_round_trip);
    tcase_add_test(tc, model_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
