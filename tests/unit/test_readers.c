/* The syntax readers: typing, exact positions, nesting, and every error with
 * its exact text and place. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"
#include "testutil.h"

typedef tm_node *(*reader_fn)(tm_arena *, const char *, const char *, size_t,
                              const tm_read_limits *, tm_diags *);

typedef struct {
    tm_arena *a;
    tm_diags *d;
    tm_node *root;
    char *first; /* "file:line:col: message" of the first diagnostic, or NULL */
} run;

static run S_read(reader_fn fn, const char *file, const char *text, size_t len,
                  const tm_read_limits *lim)
{
    run r;
    r.a = tm_arena_new();
    r.d = tm_diags_new();
    r.root = fn(r.a, file, text, len, lim, r.d);
    r.first = NULL;
    if (tm_diags_count(r.d) > 0) {
        const tm_diag *g = tm_diags_get(r.d, 0);
        r.first = tm_arena_printf(r.a, "%s:%u:%u: %s", g->file, (unsigned)g->line,
                                  (unsigned)g->col, g->message);
    }
    return r;
}

static run S_yaml(const char *text)
{
    return S_read(tm_read_yaml, "t.yaml", text, strlen(text), NULL);
}

static run S_json(const char *text)
{
    return S_read(tm_read_json, "t.json", text, strlen(text), NULL);
}

static run S_xml(const char *text)
{
    return S_read(tm_read_xml, "t.xml", text, strlen(text), NULL);
}

static void S_done(run *r)
{
    tm_diags_free(r->d);
    tm_arena_free(r->a);
}

/* The reader must fail with exactly this first diagnostic. */
static void S_fails(run r, const char *expected)
{
    ck_assert_msg(r.root == NULL, "expected failure: %s", expected);
    ck_assert_ptr_nonnull(r.first);
    ck_assert_str_eq(r.first, expected);
    ck_assert_uint_eq(tm_diags_errors(r.d), 1);
    S_done(&r);
}

static char *S_file_text(const char *rel, size_t *len)
{
    char *t = tu_slurp(tu_path(rel), len);
    ck_assert_msg(t != NULL, "missing %s", rel);
    return t;
}

static run S_read_file(reader_fn fn, const char *rel, const tm_read_limits *lim)
{
    size_t len;
    char *t = S_file_text(rel, &len);
    run r = S_read(fn, rel, t, len, lim);
    free(t);
    return r;
}

#define AT(n, l, c)                                                                                \
    do {                                                                                           \
        ck_assert_uint_eq((n)->line, (l));                                                         \
        ck_assert_uint_eq((n)->col, (c));                                                          \
    } while (0)

static const tm_pair *S_pair(const tm_node *map, const char *key)
{
    const tm_pair *p = tm_node_get_pair(map, key);
    ck_assert_msg(p != NULL, "missing key %s", key);
    return p;
}

/* ================================================================ YAML */

START_TEST(yaml_core_schema_typing)
{
    run r = S_yaml("a: ~\nb: null\nc:\nd: true\ne: False\nf: TRUE\ng: 42\nh: -0x1F\ni: 0x1F\n"
                   "j: 0o17\nk: 1.5\nl: .inf\nm: -.Inf\nn: .nan\no: 1e3\np: \"42\"\nq: 'true'\n"
                   "r: |\n  block\ns: yes\nt: 9223372036854775807\nu: -9223372036854775808\n"
                   "v: 9223372036854775808\nw: !!str 12\nx: +12\ny: 0.5.1\nz: 2024-01-01\n");
    ck_assert_ptr_nonnull(r.root);
    tm_node *m = r.root;
    ck_assert_int_eq(tm_node_get(m, "a")->stype, TM_SCALAR_NULL);
    ck_assert_int_eq(tm_node_get(m, "b")->stype, TM_SCALAR_NULL);
    ck_assert_int_eq(tm_node_get(m, "c")->stype, TM_SCALAR_NULL);
    ck_assert_str_eq(tm_node_get(m, "c")->text, "");
    ck_assert_int_eq(tm_node_get(m, "d")->stype, TM_SCALAR_BOOL);
    ck_assert_int_eq(tm_node_get(m, "d")->bval, 1);
    ck_assert_int_eq(tm_node_get(m, "e")->bval, 0);
    ck_assert_int_eq(tm_node_get(m, "f")->stype, TM_SCALAR_BOOL);
    ck_assert_int_eq(tm_node_get(m, "g")->stype, TM_SCALAR_INT);
    ck_assert_int_eq(tm_node_get(m, "g")->ival, 42);
    ck_assert_int_eq(tm_node_get(m, "h")->stype, TM_SCALAR_STRING); /* sign + hex: not core */
    ck_assert_int_eq(tm_node_get(m, "i")->ival, 31);
    ck_assert_int_eq(tm_node_get(m, "j")->ival, 15);
    ck_assert_int_eq(tm_node_get(m, "k")->stype, TM_SCALAR_FLOAT);
    ck_assert(tm_node_get(m, "k")->fval == 1.5);
    ck_assert(tm_node_get(m, "l")->fval > 1e308);
    ck_assert(tm_node_get(m, "m")->fval < -1e308);
    ck_assert(tm_node_get(m, "n")->fval != tm_node_get(m, "n")->fval);
    ck_assert(tm_node_get(m, "o")->fval == 1000.0);
    ck_assert_int_eq(tm_node_get(m, "p")->stype, TM_SCALAR_STRING);
    ck_assert_int_eq(tm_node_get(m, "q")->stype, TM_SCALAR_STRING);
    ck_assert_str_eq(tm_node_get(m, "r")->text, "block\n");
    ck_assert_int_eq(tm_node_get(m, "r")->stype, TM_SCALAR_STRING);
    ck_assert_int_eq(tm_node_get(m, "s")->stype, TM_SCALAR_STRING); /* YAML 1.2: yes is text */
    ck_assert_int_eq(tm_node_get(m, "t")->ival, 9223372036854775807LL);
    ck_assert_int_eq(tm_node_get(m, "u")->stype, TM_SCALAR_INT);
    ck_assert(tm_node_get(m, "u")->ival == -9223372036854775807LL - 1);
    ck_assert_int_eq(tm_node_get(m, "v")->stype, TM_SCALAR_FLOAT); /* out of range */
    ck_assert_str_eq(tm_node_get(m, "v")->text, "9223372036854775808");
    ck_assert_int_eq(tm_node_get(m, "w")->stype, TM_SCALAR_STRING);
    ck_assert_int_eq(tm_node_get(m, "x")->ival, 12);
    ck_assert_int_eq(tm_node_get(m, "y")->stype, TM_SCALAR_STRING);
    ck_assert_int_eq(tm_node_get(m, "z")->stype, TM_SCALAR_STRING);
    S_done(&r);
}
END_TEST

START_TEST(yaml_positions_of_nodes_and_keys)
{
    run r = S_yaml("# comment\nsystem:\n  name: Photo\n  tags: [a, \"b\"]\nné: café\n"
                   "list:\n  - x\n  - {k: v}\n");
    ck_assert_ptr_nonnull(r.root);
    AT(r.root, 2, 1);
    ck_assert_str_eq(r.root->file, "t.yaml");
    const tm_pair *sys = S_pair(r.root, "system");
    ck_assert_uint_eq(sys->line, 2);
    ck_assert_uint_eq(sys->col, 1);
    AT(sys->value, 3, 3);
    const tm_pair *name = S_pair(sys->value, "name");
    ck_assert_uint_eq(name->line, 3);
    ck_assert_uint_eq(name->col, 3);
    AT(name->value, 3, 9);
    tm_node *tags = tm_node_get(sys->value, "tags");
    AT(tags, 4, 9);
    AT(tags->items[0], 4, 10);
    AT(tags->items[1], 4, 13);
    /* columns count code points, not bytes */
    const tm_pair *ne = S_pair(r.root, "né");
    ck_assert_uint_eq(ne->line, 5);
    ck_assert_uint_eq(ne->col, 1);
    AT(ne->value, 5, 5);
    tm_node *list = tm_node_get(r.root, "list");
    AT(list, 7, 3);
    AT(list->items[0], 7, 5);
    AT(list->items[1], 8, 5);
    const tm_pair *k = S_pair(list->items[1], "k");
    ck_assert_uint_eq(k->line, 8);
    ck_assert_uint_eq(k->col, 6);
    AT(k->value, 8, 9);
    /* every node shares the one arena copy of the file name */
    ck_assert_ptr_eq(list->items[1]->file, r.root->file);
    S_done(&r);
}
END_TEST

START_TEST(yaml_bom_is_skipped)
{
    run r = S_yaml("\xEF\xBB\xBF" "a: 1\n");
    ck_assert_ptr_nonnull(r.root);
    const tm_pair *a = S_pair(r.root, "a");
    ck_assert_uint_eq(a->col, 1);
    AT(a->value, 1, 4);
    S_done(&r);
}
END_TEST

START_TEST(yaml_nested_and_empty)
{
    run r = S_yaml("a:\n  b:\n    - [1, [2, {}]]\n    - []\n");
    ck_assert_ptr_nonnull(r.root);
    tm_node *b = tm_node_get(tm_node_get(r.root, "a"), "b");
    ck_assert_int_eq(b->kind, TM_NODE_LIST);
    ck_assert_uint_eq(b->n, 2);
    tm_node *inner = b->items[0]->items[1];
    ck_assert_int_eq(inner->items[0]->ival, 2);
    ck_assert_int_eq(inner->items[1]->kind, TM_NODE_MAP);
    ck_assert_uint_eq(inner->items[1]->n, 0);
    ck_assert_uint_eq(b->items[1]->n, 0);
    S_done(&r);

    r = S_yaml("");
    ck_assert_ptr_nonnull(r.root);
    ck_assert_int_eq(r.root->stype, TM_SCALAR_NULL);
    S_done(&r);
}
END_TEST

START_TEST(yaml_aliases_copy)
{
    run r = S_yaml("base: &b {x: 1, y: [a]}\ncopy: *b\n");
    ck_assert_ptr_nonnull(r.root);
    tm_node *base = tm_node_get(r.root, "base");
    tm_node *copy = tm_node_get(r.root, "copy");
    ck_assert(tm_node_equal(base, copy));
    ck_assert_ptr_ne(base, copy); /* a copy, not a shared node */
    AT(copy, 2, 7);               /* the copy sits where the alias is */
    S_done(&r);
}
END_TEST

START_TEST(yaml_custom_tags_become_long_form)
{
    run r = S_yaml("a: !Ref MyBucket\nb: !GetAtt Fn.Arn\nc: !Sub [\"x\", {}]\n"
                   "d: !Condition IsProd\ne: !!str 5\n");
    ck_assert_ptr_nonnull(r.root);
    tm_node *a = tm_node_get(r.root, "a");
    ck_assert_int_eq(a->kind, TM_NODE_MAP);
    ck_assert_str_eq(tm_node_get(a, "Ref")->text, "MyBucket");
    ck_assert_str_eq(tm_node_get(tm_node_get(r.root, "b"), "Fn::GetAtt")->text, "Fn.Arn");
    tm_node *sub = tm_node_get(tm_node_get(r.root, "c"), "Fn::Sub");
    ck_assert_int_eq(sub->kind, TM_NODE_LIST);
    ck_assert_uint_eq(sub->n, 2);
    ck_assert_str_eq(tm_node_get(tm_node_get(r.root, "d"), "Condition")->text, "IsProd");
    ck_assert_int_eq(tm_node_get(r.root, "e")->stype, TM_SCALAR_STRING);
    S_done(&r);
}
END_TEST

START_TEST(yaml_errors)
{
    S_fails(S_yaml("a: 1\nb: [1, 2\nc: 3\n"),
            "t.yaml:3:2: YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence at line 2, column 4)");
    S_fails(S_yaml("a: b: c\n"),
            "t.yaml:1:5: YAML syntax error: mapping values are not allowed in this context");
    S_fails(S_yaml("x: 1\ny: 2\nx: 3\n"), "t.yaml:3:1: duplicate key 'x' (first at line 1)");
    S_fails(S_yaml("a: ok\nb: \"caf\xC3\"\n"), "t.yaml:2:8: invalid UTF-8 at byte offset 13");
    S_fails(S_yaml("a: 1\n---\nb: 2\n"),
            "t.yaml:2:1: multiple documents in one file (a second document starts here)");
    S_fails(S_yaml("? [a]\n: 1\n"), "t.yaml:1:3: map keys must be scalars, found a list");
    S_fails(S_yaml("a: *nowhere\n"), "t.yaml:1:4: unknown alias '*nowhere'");
    S_fails(S_yaml("a: \"x\\0y\"\n"), "t.yaml:1:4: NUL character (\\0) is not allowed in strings");
    S_fails(S_yaml("a: \x01\n"),
            "t.yaml:1:4: YAML syntax error: control characters are not allowed (U+0001)");
    S_fails(S_read_file(tm_read_yaml, "tests/readers/alias-cycle.yaml", NULL),
            "tests/readers/alias-cycle.yaml:4:10: alias '*loop' refers to its own ancestor "
            "(a cycle)");
    S_fails(S_yaml("a: &x [1, *x]\n"),
            "t.yaml:1:11: alias '*x' refers to its own ancestor (a cycle)");
}
END_TEST

START_TEST(yaml_too_deep)
{
    char buf[300];
    memset(buf, '[', 100);
    memset(buf + 100, ']', 100);
    buf[200] = 0;
    S_fails(S_yaml(buf), "t.yaml:1:65: document nested too deep (more than 64 levels)");
    tm_read_limits lim = {.max_depth = 3, .max_alias_visits = 0, .max_nodes = 0};
    S_fails(S_read(tm_read_yaml, "t.yaml", "a:\n  b:\n    c: [x]\n", 19, &lim),
            "t.yaml:3:8: document nested too deep (more than 3 levels)");
    /* an alias may not smuggle depth past the limit either */
    tm_read_limits lim4 = {.max_depth = 4};
    const char *t = "a: &a [[x]]\nb: [[*a]]\n";
    S_fails(S_read(tm_read_yaml, "t.yaml", t, strlen(t), &lim4),
            "t.yaml:2:6: document nested too deep (more than 4 levels)");
}
END_TEST

START_TEST(yaml_alias_bomb_fails_fast)
{
    S_fails(S_read_file(tm_read_yaml, "tests/readers/billion-laughs.yaml", NULL),
            "tests/readers/billion-laughs.yaml:5:8: alias expansion exceeds budget "
            "(10000 nodes) at alias '*d'");
    tm_read_limits lim = {.max_depth = 0, .max_alias_visits = 20, .max_nodes = 0};
    const char *t = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a, *a, *a]\n"; /* 5 x 5 nodes */
    S_fails(S_read(tm_read_yaml, "t.yaml", t, strlen(t), &lim),
            "t.yaml:2:21: alias expansion exceeds budget (20 nodes) at alias '*a'");
}
END_TEST

START_TEST(yaml_node_limit)
{
    tm_read_limits lim = {.max_depth = 0, .max_alias_visits = 0, .max_nodes = 5};
    const char *t = "[1, 2, 3, 4, 5, 6]";
    S_fails(S_read(tm_read_yaml, "t.yaml", t, strlen(t), &lim),
            "t.yaml:1:14: document has too many nodes (more than 5)");
}
END_TEST

/* ================================================================ JSON */

START_TEST(json_typing_and_positions)
{
    run r = S_json("{\n  \"a\": 1,\n  \"b\": [true, false, null, -2.5e3, \"s\\u00e9\\n\"],\n"
                   "  \"é\": {\"k\": 12345678901234567890},\n  \"i\": -9223372036854775808\n}");
    ck_assert_ptr_nonnull(r.root);
    AT(r.root, 1, 1);
    const tm_pair *a = S_pair(r.root, "a");
    ck_assert_uint_eq(a->line, 2);
    ck_assert_uint_eq(a->col, 3);
    AT(a->value, 2, 8);
    ck_assert_int_eq(a->value->stype, TM_SCALAR_INT);
    tm_node *b = tm_node_get(r.root, "b");
    AT(b, 3, 8);
    ck_assert_int_eq(b->items[0]->stype, TM_SCALAR_BOOL);
    ck_assert_int_eq(b->items[0]->bval, 1);
    AT(b->items[1], 3, 15);
    ck_assert_int_eq(b->items[1]->bval, 0);
    ck_assert_int_eq(b->items[2]->stype, TM_SCALAR_NULL);
    AT(b->items[3], 3, 28);
    ck_assert_int_eq(b->items[3]->stype, TM_SCALAR_FLOAT);
    ck_assert(b->items[3]->fval == -2500.0);
    ck_assert_str_eq(b->items[3]->text, "-2.5e3");
    ck_assert_str_eq(b->items[4]->text, "s\xC3\xA9\n");
    ck_assert_uint_eq(b->items[4]->len, 4);
    const tm_pair *e = S_pair(r.root, "é");
    ck_assert_uint_eq(e->line, 4);
    ck_assert_uint_eq(e->col, 3);
    AT(e->value, 4, 8);
    const tm_pair *k = S_pair(e->value, "k");
    ck_assert_uint_eq(k->col, 9);
    ck_assert_int_eq(k->value->stype, TM_SCALAR_FLOAT); /* out of range integer */
    ck_assert_int_eq(tm_node_get(r.root, "i")->stype, TM_SCALAR_INT);
    S_done(&r);

    r = S_json("\xEF\xBB\xBF [\"\\ud83d\\ude00\", \"\xF0\x9F\x98\x80\", 7]");
    ck_assert_ptr_nonnull(r.root);
    ck_assert_str_eq(r.root->items[0]->text, "\xF0\x9F\x98\x80");
    AT(r.root->items[1], 1, 19);
    AT(r.root->items[2], 1, 24); /* the emoji counts as one column */
    S_done(&r);
}
END_TEST

START_TEST(json_errors)
{
    S_fails(S_json("{\"a\": 1,}"), "t.json:1:9: expected a string key, found '}'");
    S_fails(S_json("{\"a\" 1}"), "t.json:1:6: expected ':' after the key, found '1'");
    S_fails(S_json("{\"a\": 1\n \"b\": 2}"),
            "t.json:2:2: expected ',' or '}' after a member, found '\"'");
    S_fails(S_json("[1 2]"), "t.json:1:4: expected ',' or ']' after an item, found '2'");
    S_fails(S_json("[1, ]"), "t.json:1:5: expected a value, found ']'");
    S_fails(S_json("  "), "t.json:1:3: expected a value, found end of input");
    S_fails(S_json("{\"a\": tru}"), "t.json:1:7: expected a value, found 't'");
    S_fails(S_json("{\"a\": 1} x"), "t.json:1:10: trailing characters after the JSON value, "
                                   "found 'x'");
    S_fails(S_json("{}{}"), "t.json:1:3: trailing characters after the JSON value, found '{'");
    S_fails(S_json("{\"x\": 1,\n \"y\": 2,\n \"x\": 3}"),
            "t.json:3:2: duplicate key 'x' (first at line 1)");
    S_fails(S_json("[\"ab"), "t.json:1:2: unterminated string");
    S_fails(S_json("[\"a\tb\"]"),
            "t.json:1:4: control character U+0009 in string (write it as an escape)");
    S_fails(S_json("[\"a\\qb\"]"), "t.json:1:4: invalid escape in string: \\'q'");
    S_fails(S_json("[\"\\u12\"]"), "t.json:1:3: invalid \\u escape (expected 4 hex digits)");
    S_fails(S_json("[\"a\\u0000\"]"), "t.json:1:4: \\u0000 is not allowed in strings");
    S_fails(S_json("[\"\\ud800x\"]"), "t.json:1:3: invalid surrogate escape \\uD800 (a high "
                                     "surrogate must be followed by a low one)");
    S_fails(S_json("[\"\\udc00\"]"), "t.json:1:3: invalid surrogate escape \\uDC00 (a low "
                                    "surrogate without a high one before it)");
    S_fails(S_json("[01]"), "t.json:1:2: invalid number: leading zeros are not allowed");
    S_fails(S_json("[1.]"), "t.json:1:4: invalid number: expected a digit after '.', found ']'");
    S_fails(S_json("[-]"), "t.json:1:3: invalid number: expected a digit, found ']'");
    S_fails(S_json("[1e+]"),
            "t.json:1:5: invalid number: expected a digit in the exponent, found ']'");
    S_fails(S_json("{\"a\": \"\xC3\xA9\", \"b\": \"\xED\xA0\x80\"}"),
            "t.json:1:18: invalid UTF-8 at byte offset 18");
    S_fails(S_json("[NaN]"), "t.json:1:2: expected a value, found 'N'");
    S_fails(S_json("[1] // c"), "t.json:1:5: trailing characters after the JSON value, found '/'");
}
END_TEST

START_TEST(json_limits)
{
    char buf[300];
    memset(buf, '[', 100);
    memset(buf + 100, ']', 100);
    buf[200] = 0;
    S_fails(S_json(buf), "t.json:1:65: document nested too deep (more than 64 levels)");
    tm_read_limits lim = {.max_depth = 2, .max_alias_visits = 0, .max_nodes = 0};
    S_fails(S_read(tm_read_json, "t.json", "{\"a\": {\"b\": {}}}", 16, &lim),
            "t.json:1:13: document nested too deep (more than 2 levels)");
    tm_read_limits few = {.max_depth = 0, .max_alias_visits = 0, .max_nodes = 3};
    S_fails(S_read(tm_read_json, "t.json", "[1, 2, 3]", 9, &few),
            "t.json:1:8: document has too many nodes (more than 3)");
}
END_TEST

/* Large inputs stay linear: 200,000 keys on one line. */
START_TEST(json_big_flat_map)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_putc(&b, '{');
    for (int i = 0; i < 200000; i++)
        tm_buf_printf(&b, "%s\"k%d\": %d", i ? ", " : "", i, i);
    tm_buf_puts(&b, ", \"k7\": 0}");
    run r = S_read(tm_read_json, "t.json", b.data, b.len, NULL);
    ck_assert_ptr_null(r.root);
    ck_assert_str_eq(tm_diags_get(r.d, 0)->message, "duplicate key 'k7' (first at line 1)");
    ck_assert_uint_eq(tm_diags_get(r.d, 0)->col, b.len - 7);
    S_done(&r);
    tm_buf_free(&b);
}
END_TEST

/* ================================================================= XML */

START_TEST(xml_mapping_and_positions)
{
    run r = S_xml("<stridec version=\"1\">\n"
                  "  <system name=\"Shop\"><description>\n    Sells things\n  </description>"
                  "</system>\n"
                  "  <element id=\"a\" data=\"x y\"><props waf=\"true\"/></element>"
                  "<element id=\"b\"/>\n"
                  "  <!-- <element id=\"ghost\"/> -->\n"
                  "  <assumption>AWS &amp; IAM</assumption>\n"
                  "  <assumption id=\"a2\">Text</assumption>\n"
                  "  <element id=\"c\"><libraries><item>l@1</item><item>m@2</item></libraries>"
                  "</element>\n"
                  "  <data id=\"pii\"/>\n"
                  "</stridec>\n");
    ck_assert_ptr_nonnull(r.root);
    tm_node *m = r.root;
    AT(m, 1, 1);
    const tm_pair *v = S_pair(m, "stridec");
    ck_assert_uint_eq(v->line, 1);
    ck_assert_uint_eq(v->col, 10);
    ck_assert_int_eq(v->value->stype, TM_SCALAR_TEXT);
    ck_assert_str_eq(v->value->text, "1");
    AT(v->value, 1, 18);
    ck_assert_str_eq(m->pairs[0].key, "stridec");
    ck_assert_str_eq(m->pairs[1].key, "system");
    ck_assert_str_eq(m->pairs[2].key, "elements");
    ck_assert_str_eq(m->pairs[3].key, "assumptions");
    ck_assert_str_eq(m->pairs[4].key, "data");
    ck_assert_uint_eq(m->n, 5);

    const tm_pair *sys = S_pair(m, "system");
    ck_assert_uint_eq(sys->line, 2);
    ck_assert_uint_eq(sys->col, 3);
    const tm_pair *desc = S_pair(sys->value, "description");
    ck_assert_uint_eq(desc->line, 2);
    ck_assert_uint_eq(desc->col, 23);
    ck_assert_str_eq(desc->value->text, "Sells things");
    AT(desc->value, 3, 5);

    tm_node *els = tm_node_get(m, "elements");
    ck_assert_int_eq(els->kind, TM_NODE_LIST);
    ck_assert_uint_eq(els->n, 3);
    AT(els, 5, 3);
    AT(els->items[0], 5, 3);
    AT(els->items[1], 5, 59); /* the second element on the same line */
    const tm_pair *data = S_pair(els->items[0], "data");
    ck_assert_uint_eq(data->col, 19);
    ck_assert_str_eq(data->value->text, "x y");
    AT(data->value, 5, 24);
    tm_node *props = tm_node_get(els->items[0], "props");
    ck_assert_int_eq(props->kind, TM_NODE_MAP);
    const tm_pair *waf = S_pair(props, "waf");
    ck_assert_uint_eq(waf->col, 37);
    ck_assert_int_eq(waf->value->stype, TM_SCALAR_TEXT);
    ck_assert_str_eq(tm_node_get(els->items[1], "id")->text, "b");

    tm_node *as = tm_node_get(m, "assumptions");
    ck_assert_uint_eq(as->n, 2);
    ck_assert_int_eq(as->items[0]->kind, TM_NODE_SCALAR);
    ck_assert_str_eq(as->items[0]->text, "AWS & IAM");
    AT(as->items[0], 7, 15);
    ck_assert_str_eq(tm_node_get(as->items[1], "text")->text, "Text");
    ck_assert_str_eq(tm_node_get(as->items[1], "id")->text, "a2");

    tm_node *libs = tm_node_get(els->items[2], "libraries");
    ck_assert_int_eq(libs->kind, TM_NODE_LIST);
    ck_assert_str_eq(libs->items[1]->text, "m@2");
    AT(libs->items[1], 9, 52);

    tm_node *d = tm_node_get(m, "data");
    ck_assert_int_eq(d->kind, TM_NODE_LIST);
    ck_assert_str_eq(tm_node_get(d->items[0], "id")->text, "pii");
    S_done(&r);
}
END_TEST

START_TEST(xml_other_roots_and_schema_attrs)
{
    run r = S_xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<rules xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                  "xsi:noNamespaceSchemaLocation=\"rules.xsd\" version=\"2\">\n"
                  "  <rule id=\"R1\"><when><![CDATA[a < b]]></when><reference>CWE-1</reference>"
                  "<reference>CWE-2</reference></rule>\n</rules>");
    ck_assert_ptr_nonnull(r.root);
    ck_assert_str_eq(r.root->pairs[0].key, "version"); /* only <stridec> renames it */
    ck_assert_uint_eq(r.root->n, 2);
    tm_node *rule = tm_node_get(r.root, "rules")->items[0];
    ck_assert_str_eq(tm_node_get(rule, "when")->text, "a < b");
    tm_node *refs = tm_node_get(rule, "references");
    ck_assert_uint_eq(refs->n, 2);
    ck_assert_str_eq(refs->items[1]->text, "CWE-2");
    S_done(&r);
}
END_TEST

START_TEST(xml_errors)
{
    S_fails(S_xml("<a>\n  <b>x</c>\n</a>\n"),
            "t.xml:2:11: XML syntax error: Opening and ending tag mismatch: b line 2 and c");
    S_fails(S_xml("<a x=\"1\">\n  <x>2</x></a>"), "t.xml:2:3: duplicate key 'x' (first at line 1)");
    S_fails(S_xml("<a><b/><b/></a>"), "t.xml:1:8: duplicate key 'b' (first at line 1)");
    S_fails(S_xml("<a flows=\"f\"><flow id=\"x\"/></a>"),
            "t.xml:1:14: duplicate key 'flows' (first at line 1)");
    S_fails(S_xml("<a>\n<b>\xC3\xA9\xFF</b></a>"), "t.xml:2:5: invalid UTF-8 at byte offset 9");
    S_fails(S_xml("<a>&foo;</a>"), "t.xml:1:9: XML syntax error: Entity 'foo' not defined");
    S_fails(S_xml("<a/>junk"),
            "t.xml:1:5: XML syntax error: Extra content at the end of the document");
    S_fails(S_xml(""), "t.xml:1:1: XML syntax error: Document is empty");
    S_fails(S_read_file(tm_read_xml, "tests/readers/xxe-passwd.xml", NULL),
            "tests/readers/xxe-passwd.xml:2:1: DTDs are not allowed: remove the <!DOCTYPE> "
            "declaration (entities are never expanded or fetched)");
    S_fails(S_read_file(tm_read_xml, "tests/readers/xxe-parameter.xml", NULL),
            "tests/readers/xxe-parameter.xml:2:1: DTDs are not allowed: remove the <!DOCTYPE> "
            "declaration (entities are never expanded or fetched)");
    S_fails(S_read_file(tm_read_xml, "tests/readers/billion-laughs.xml", NULL),
            "tests/readers/billion-laughs.xml:2:1: DTDs are not allowed: remove the "
            "<!DOCTYPE> declaration (entities are never expanded or fetched)");
}
END_TEST

/* Whatever the error, nothing of /etc/passwd may reach the diagnostics. */
START_TEST(xml_xxe_leaks_nothing)
{
    run r = S_read_file(tm_read_xml, "tests/readers/xxe-passwd.xml", NULL);
    ck_assert_ptr_null(r.root);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_diags_format(r.d, &b);
    ck_assert_ptr_null(strstr(b.data ? b.data : "", "root:"));
    tm_buf_free(&b);
    S_done(&r);
}
END_TEST

START_TEST(xml_limits)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    for (int i = 0; i < 70; i++)
        tm_buf_puts(&b, "<a x=\"1\">");
    for (int i = 0; i < 70; i++)
        tm_buf_puts(&b, "</a>");
    S_fails(S_read(tm_read_xml, "t.xml", b.data, b.len, NULL),
            "t.xml:1:577: document nested too deep (more than 64 levels)");
    tm_buf_reset(&b);
    for (int i = 0; i < 300; i++)
        tm_buf_puts(&b, "<a>");
    for (int i = 0; i < 300; i++)
        tm_buf_puts(&b, "</a>");
    run r = S_read(tm_read_xml, "t.xml", b.data, b.len, NULL);
    ck_assert_ptr_null(r.root);
    ck_assert_str_eq(tm_diags_get(r.d, 0)->message,
                     "document nested too deep (more than 64 levels)");
    S_done(&r);
    tm_buf_free(&b);
    tm_read_limits few = {.max_depth = 0, .max_alias_visits = 0, .max_nodes = 3};
    const char *t = "<a><b>1</b><c>2</c><d>3</d></a>";
    S_fails(S_read(tm_read_xml, "t.xml", t, strlen(t), &few),
            "t.xml:1:23: document has too many nodes (more than 3)");
}
END_TEST

/* ========================================== one model, three syntaxes */

/* XML text `x` against a typed node `t`: the same value once the loader has
 * converted the text by the key's type (a scalar's spelling, or a list of
 * scalars written space-separated). */
static int S_equiv(const tm_node *t, const tm_node *x)
{
    if (x->kind == TM_NODE_SCALAR && x->stype == TM_SCALAR_TEXT) {
        if (t->kind == TM_NODE_LIST) {
            const char *p = x->text;
            for (size_t i = 0; i < t->n; i++) {
                while (*p == ' ')
                    p++;
                size_t n = strcspn(p, " ");
                if (t->items[i]->kind != TM_NODE_SCALAR || strlen(t->items[i]->text) != n ||
                    strncmp(p, t->items[i]->text, n) != 0)
                    return 0;
                p += n;
            }
            while (*p == ' ')
                p++;
            return *p == 0;
        }
        if (t->kind != TM_NODE_SCALAR)
            return 0;
        switch (t->stype) {
        case TM_SCALAR_BOOL:
            return strcmp(x->text, t->bval ? "true" : "false") == 0;
        case TM_SCALAR_INT:
            return strtoll(x->text, NULL, 10) == t->ival;
        default:
            return strcmp(x->text, t->text) == 0;
        }
    }
    if (t->kind != x->kind || t->n != x->n)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->kind == TM_NODE_MAP) {
            if (strcmp(t->pairs[i].key, x->pairs[i].key) != 0 ||
                !S_equiv(t->pairs[i].value, x->pairs[i].value))
                return 0;
        } else if (!S_equiv(t->items[i], x->items[i])) {
            return 0;
        }
    }
    return 1;
}

static int S_has_text(const tm_node *n)
{
    if (n->kind == TM_NODE_SCALAR)
        return n->stype == TM_SCALAR_TEXT;
    for (size_t i = 0; i < n->n; i++)
        if (!S_has_text(n->kind == TM_NODE_MAP ? n->pairs[i].value : n->items[i]))
            return 0;
    return 1;
}

START_TEST(same_model_three_syntaxes)
{
    run y = S_read_file(tm_read_yaml, "tests/readers/model.yaml", NULL);
    run j = S_read_file(tm_read_json, "tests/readers/model.json", NULL);
    run x = S_read_file(tm_read_xml, "tests/readers/model.xml", NULL);
    ck_assert_ptr_nonnull(y.root);
    ck_assert_ptr_nonnull(j.root);
    ck_assert_ptr_nonnull(x.root);
    ck_assert(tm_node_equal(y.root, j.root));
    ck_assert(S_has_text(x.root));
    ck_assert(S_equiv(y.root, x.root));
    ck_assert(!tm_node_equal(y.root, x.root)); /* typed vs. text: only equivalent */
    /* a change in the XML is noticed */
    tm_node *flows = tm_node_get(x.root, "flows");
    tm_node *trig = tm_node_get(flows->items[1], "trigger");
    trig->text = "false";
    ck_assert(!S_equiv(y.root, x.root));
    S_done(&y);
    S_done(&j);
    S_done(&x);
}
END_TEST


/* ====================================================== encodings, dialects */

/*
 * tests/readers/dialects/: inputs in other encodings (UTF-16 LE/BE with and
 * without a byte order mark, UTF-8 with one, broken UTF-16, UTF-32) and in the
 * dialect importers read (YAML merge keys, duplicate keys). Each NAME is read
 * as tm_read_file_tree reads a file (tm_read_text_tree with the syntax the
 * name or content says), with tm_read_import when NAME starts with "import-"
 * and the strict reading otherwise; NAME.expected holds every diagnostic,
 * "---", then the tree with the position of every node and key.
 */
#define S_DIALECTS "tests/readers/dialects"

static void S_dump(tm_buf *b, const tm_node *n, size_t indent)
{
    if (n->kind == TM_NODE_SCALAR) {
        tm_buf_printf(b, "%s \"", tm_node_kind_name(n));
        tm_buf_put_printable(b, n->text, n->len, 0);
        tm_buf_printf(b, "\" @%u:%u\n", (unsigned)n->line, (unsigned)n->col);
        return;
    }
    tm_buf_printf(b, "%s @%u:%u\n", n->kind == TM_NODE_MAP ? "map" : "list", (unsigned)n->line,
                  (unsigned)n->col);
    for (size_t i = 0; i < n->n; i++) {
        tm_buf_spaces(b, indent + 2);
        if (n->kind == TM_NODE_MAP) {
            tm_buf_putc(b, '"');
            tm_buf_put_printable(b, n->pairs[i].key, strlen(n->pairs[i].key), 0);
            tm_buf_printf(b, "\" @%u:%u: ", (unsigned)n->pairs[i].line,
                          (unsigned)n->pairs[i].col);
            S_dump(b, n->pairs[i].value, indent + 2);
        } else {
            tm_buf_puts(b, "- ");
            S_dump(b, n->items[i], indent + 2);
        }
    }
}

/* Diagnostics and tree of one dialect input, as NAME.expected has them. */
static char *S_dialect_result(const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s/%s", S_DIALECTS, name);
    size_t len;
    char *text = S_file_text(rel, &len);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const tm_read_limits *lim = strncmp(name, "import-", 7) == 0 ? &tm_read_import : NULL;
    tm_node *root = tm_read_text_tree(a, name, tm_syntax_guess(name, text, len), text, len, lim, d);
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        tm_buf_printf(&b, "%s:%u:%u: %s: %s\n", g->file, (unsigned)g->line, (unsigned)g->col,
                      g->severity == TM_DIAG_ERROR     ? "error"
                      : g->severity == TM_DIAG_WARNING ? "warning"
                                                       : "note",
                      g->message);
    }
    tm_buf_puts(&b, "---\n");
    if (root)
        S_dump(&b, root, 0);
    else
        tm_buf_puts(&b, "(no tree)\n");
    tm_diags_free(d);
    tm_arena_free(a);
    free(text);
    return tm_buf_detach(&b);
}

START_TEST(dialects_and_encodings)
{
    DIR *dir = opendir(tu_path(S_DIALECTS));
    ck_assert_ptr_nonnull(dir);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(dir)) != NULL) {
        const char *name = e->d_name;
        size_t k = strlen(name);
        if (name[0] == '.' || (k > 9 && strcmp(name + k - 9, ".expected") == 0))
            continue;
        char rel[512];
        snprintf(rel, sizeof rel, "%s/%s.expected", S_DIALECTS, name);
        char *want = tu_slurp(tu_path(rel), NULL);
        char *got = S_dialect_result(name);
        if (getenv("STRIDEC_UPDATE_GOLDEN")) { /* regenerate, then read every diff */
            FILE *f = fopen(tu_path(rel), "w");
            ck_assert_ptr_nonnull(f);
            fputs(got, f);
            fclose(f);
        } else {
            ck_assert_msg(want != NULL, "missing %s", rel);
            ck_assert_msg(strcmp(want, got) == 0, "%s: expected\n%s\ngot\n%s", name, want, got);
        }
        free(want);
        free(got);
        n++;
    }
    closedir(dir);
    ck_assert_uint_ge(n, 18);
}
END_TEST

/* tm_read_file_tree transcodes before it guesses the syntax: a UTF-16 file
 * without a byte order mark or a telling name is read as the JSON it is. */
START_TEST(file_tree_reads_utf16)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_file_tree(a, tu_path(S_DIALECTS "/utf16le-nobom.txt"), NULL, d);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(root->kind, TM_NODE_MAP);
    AT(root, 2, 1);
    const tm_pair *b = S_pair(root, "b");
    AT(b, 3, 2);
    ck_assert_str_eq(b->value->text, "x");
    /* the quoted source line is the UTF-8 text */
    size_t len;
    const char *line = tm_diags_source_line(d, tu_path(S_DIALECTS "/utf16le-nobom.txt"), 3, &len);
    ck_assert_ptr_nonnull(line);
    ck_assert_uint_ge(len, 10);
    ck_assert(memcmp(line, " \"b\": \"x\"}", 10) == 0);
    /* the syntax guess reads UTF-16 too */
    size_t tlen;
    char *text = S_file_text(S_DIALECTS "/utf16be-nobom.txt", &tlen);
    ck_assert_int_eq(tm_syntax_guess(NULL, text, tlen), TM_SYNTAX_YAML);
    free(text);
    text = S_file_text(S_DIALECTS "/utf16le-bom.json", &tlen);
    ck_assert_int_eq(tm_syntax_guess("plan", text, tlen), TM_SYNTAX_JSON);
    free(text);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* The same document in UTF-8 and UTF-16 is the same tree at the same places. */
START_TEST(utf16_same_tree_as_utf8)
{
    static const char utf8[] = "{\n  \"name\": \"caf\xc3\xa9\",\n  \"emoji\": \"\xf0\x9f\x98\x80\", "
                               "\"after\": 1,\n  \"list\": [true, null]\n}\n";
    size_t len;
    char *utf16 = S_file_text(S_DIALECTS "/utf16le-bom.json", &len);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *x = tm_read_text_tree(a, "x.json", TM_SYNTAX_JSON, utf8, sizeof utf8 - 1, NULL, d);
    tm_node *y = tm_read_text_tree(a, "y.json", TM_SYNTAX_JSON, utf16, len, NULL, d);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert(tm_node_equal(x, y));
    const tm_pair *px = S_pair(x, "after"), *py = S_pair(y, "after");
    ck_assert_uint_eq(px->line, py->line);
    ck_assert_uint_eq(px->col, py->col);
    AT(py->value, 3, 26); /* the emoji counts as one column */
    tm_diags_free(d);
    tm_arena_free(a);
    free(utf16);
}
END_TEST

/* A model saved as UTF-16 (Notepad, PowerShell) reads as the same tree. */
START_TEST(utf16_model_reads_like_utf8)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *x = tm_read_file_tree(a, tu_path("tests/readers/model.yaml"), NULL, d);
    tm_node *y = tm_read_file_tree(a, tu_path("tests/readers/model-utf16be.yaml"), NULL, d);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert(tm_node_equal(x, y));
    ck_assert_uint_eq(tm_diags_count(d), 0);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* `stridec import` reads deployment files with tm_read_import: merge keys
 * merged, a duplicate key a warning (the later value kept), exit 0. */
START_TEST(import_reads_merge_and_duplicate_keys)
{
    const char *args[] = {"import", S_DIALECTS "/import-dup.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "import-dup.yaml:10:3: warning: duplicate key 'Queue' "
                                        "(earlier at line 2); the later value is used"));
    ck_assert_ptr_nonnull(strstr(r.out, "id: queue"));
    ck_assert_ptr_nonnull(strstr(r.out, "id: topic"));
    tu_result_free(&r);
    const char *merge[] = {"import", S_DIALECTS "/import-sam-globals.yaml", NULL};
    r = tu_run(merge);
    ck_assert_msg(r.status == 0, "%s", r.err);
    /* Second has the merged runtime (the importer writes it once per
     * function) and its own timeout */
    size_t runtimes = 0;
    for (const char *p = r.out; (p = strstr(p, "runtime: python3.12")) != NULL; p++)
        runtimes++;
    ck_assert_uint_eq(runtimes, 2);
    ck_assert_ptr_nonnull(strstr(r.out, "timeout: 30"));
    tu_result_free(&r);
}
END_TEST

Suite *suite_readers(void)
{
    Suite *s = suite_create("readers");
    TCase *tc = tcase_create("yaml");
    tcase_add_test(tc, yaml_core_schema_typing);
    tcase_add_test(tc, yaml_positions_of_nodes_and_keys);
    tcase_add_test(tc, yaml_bom_is_skipped);
    tcase_add_test(tc, yaml_nested_and_empty);
    tcase_add_test(tc, yaml_aliases_copy);
    tcase_add_test(tc, yaml_custom_tags_become_long_form);
    tcase_add_test(tc, yaml_errors);
    tcase_add_test(tc, yaml_too_deep);
    tcase_add_test(tc, yaml_alias_bomb_fails_fast);
    tcase_add_test(tc, yaml_node_limit);
    suite_add_tcase(s, tc);
    tc = tcase_create("json");
    tcase_add_test(tc, json_typing_and_positions);
    tcase_add_test(tc, json_errors);
    tcase_add_test(tc, json_limits);
    tcase_add_test(tc, json_big_flat_map);
    suite_add_tcase(s, tc);
    tc = tcase_create("xml");
    tcase_add_test(tc, xml_mapping_and_positions);
    tcase_add_test(tc, xml_other_roots_and_schema_attrs);
    tcase_add_test(tc, xml_errors);
    tcase_add_test(tc, xml_xxe_leaks_nothing);
    tcase_add_test(tc, xml_limits);
    suite_add_tcase(s, tc);
    tc = tcase_create("syntaxes");
    tcase_add_test(tc, same_model_three_syntaxes);
    suite_add_tcase(s, tc);
    tc = tcase_create("dialects");
    tcase_add_test(tc, dialects_and_encodings);
    tcase_add_test(tc, file_tree_reads_utf16);
    tcase_add_test(tc, utf16_same_tree_as_utf8);
    tcase_add_test(tc, utf16_model_reads_like_utf8);
    tcase_add_test(tc, import_reads_merge_and_duplicate_keys);
    suite_add_tcase(s, tc);
    return s;
}
