/* Model export: the canonical tree, the three writers, and the promise that
 * exporting and reloading gives the same model. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/model.h"
#include "testutil.h"

static char *S_diag_text(const tm_diags *d)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "");
    tm_diags_format(d, &b);
    return tm_buf_detach(&b);
}

static tm_model *S_from_text(const char *file, tm_syntax syn, const char *text, tm_diags *d)
{
    tm_arena *a = tm_arena_new();
    tm_node *root = tm_read_text_tree(a, file, syn, text, strlen(text), NULL, d);
    tm_model *m = root ? tm_model_build(root, file, NULL, d) : NULL;
    tm_arena_free(a);
    return m;
}

static char *S_export(const tm_model *m, const char *syntax)
{
    tm_diags *d = tm_diags_new();
    tm_buf b;
    tm_buf_init(&b, 0);
    int rc = tm_model_export(m, syntax, &b, d);
    if (rc != 0) {
        char *t = S_diag_text(d);
        ck_abort_msg("export to %s failed:\n%s", syntax, t);
        free(t);
    }
    ck_assert_uint_eq(tm_diags_count(d), 0);
    tm_diags_free(d);
    return tm_buf_detach(&b);
}

static tm_syntax S_syntax(const char *name)
{
    return strcmp(name, "json") == 0 ? TM_SYNTAX_JSON
           : strcmp(name, "xml") == 0 ? TM_SYNTAX_XML
                                      : TM_SYNTAX_YAML;
}

/* Load `path`, export it in each syntax, reload the text (under the same
 * file name, so that artifact paths resolve alike) and compare canonical
 * trees; exporting the reloaded model again gives the same bytes. */
static void S_round_trip(const char *path)
{
    static const char *const syntaxes[] = {"yaml", "json", "xml"};
    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(path, NULL, d);
    if (!m) {
        char *t = S_diag_text(d);
        ck_abort_msg("%s does not load:\n%s", path, t);
        free(t);
    }
    tm_arena *a = tm_arena_new();
    tm_node *want = tm_model_to_tree(m, a);
    for (size_t i = 0; i < 3; i++) {
        char *text = S_export(m, syntaxes[i]);
        tm_diags *d2 = tm_diags_new();
        tm_model *back = S_from_text(path, S_syntax(syntaxes[i]), text, d2);
        if (!back) {
            char *t = S_diag_text(d2);
            ck_abort_msg("%s exported as %s does not reload:\n%s\n%s", path, syntaxes[i], t, text);
            free(t);
        }
        tm_node *got = tm_model_to_tree(back, a);
        if (!tm_node_equal(want, got)) {
            tm_buf w, g;
            tm_buf_init(&w, 0);
            tm_buf_init(&g, 0);
            tm_write_yaml(want, &w);
            tm_write_yaml(got, &g);
            ck_abort_msg("%s: %s round trip differs\n--- before\n%s--- after\n%s", path,
                         syntaxes[i], w.data, g.data);
        }
        char *again = S_export(back, syntaxes[i]);
        ck_assert_msg(strcmp(text, again) == 0, "%s: %s export is not stable", path, syntaxes[i]);
        free(again);
        free(text);
        tm_model_free(back);
        tm_diags_free(d2);
    }
    tm_arena_free(a);
    tm_model_free(m);
    tm_diags_free(d);
}

static int S_is_model_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".xml") == 0);
}

static int S_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every model file directly in folder `rel`; returns how many. */
static size_t S_round_trip_dir(const char *rel)
{
    DIR *dir = opendir(tu_path(rel));
    if (!dir)
        return 0;
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && n < 256)
        if (e->d_name[0] != '.' && S_is_model_name(e->d_name))
            names[n++] = strdup(e->d_name);
    closedir(dir);
    qsort(names, n, sizeof names[0], S_cmp);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(rel) + strlen(names[i]) + 2;
        char *r = malloc(len);
        snprintf(r, len, "%s/%s", rel, names[i]);
        S_round_trip(tu_path(r));
        free(r);
        free(names[i]);
    }
    return n;
}

START_TEST(shipped_models_round_trip)
{
    ck_assert_uint_ge(S_round_trip_dir("models"), 1);
}
END_TEST

START_TEST(test_models_round_trip)
{
    ck_assert_uint_ge(S_round_trip_dir("tests/build"), 3);
    S_round_trip(tu_path("tests/build/inc/main.yaml"));
}
END_TEST

/* ------------------------------------------------------------------ */

static const char S_small[] =
    "stridec: 1\n"
    "system: {name: Small, reviewers: [ann, Bo Li]}\n"
    "data: [{id: d, classification: internal}]\n"
    "elements:\n"
    "  - {id: u, type: user}\n"
    "  - {id: f, name: Fn, type: aws.lambda, data: [d], props: {z: 1, a: [x, y z], m: {k: true}}}\n"
    "flows:\n"
    "  - {from: u, to: f, port: 443, encrypted: true}\n"
    "  - {id: back, from: f, to: u, trigger: false}\n"
    "assumptions: [' padded ', plain]\n";

START_TEST(yaml_export_is_canonical)
{
    tm_diags *d = tm_diags_new();
    tm_model *m = S_from_text("small.yaml", TM_SYNTAX_YAML, S_small, d);
    ck_assert_ptr_nonnull(m);
    char *y = S_export(m, "yaml");
    /* name only where written, generated flow id left out, props sorted */
    ck_assert_str_eq(y, "stridec: 1\n"
                        "system:\n"
                        "  name: Small\n"
                        "  reviewers:\n"
                        "    - ann\n"
                        "    - Bo Li\n"
                        "data:\n"
                        "  - id: d\n"
                        "    classification: internal\n"
                        "elements:\n"
                        "  - id: u\n"
                        "    type: user\n"
                        "  - id: f\n"
                        "    name: Fn\n"
                        "    type: aws.lambda\n"
                        "    data:\n"
                        "      - d\n"
                        "    props:\n"
                        "      a:\n"
                        "        - x\n"
                        "        - y z\n"
                        "      m:\n"
                        "        k: true\n"
                        "      z: 1\n"
                        "flows:\n"
                        "  - from: u\n"
                        "    to: f\n"
                        "    port: 443\n"
                        "    encrypted: true\n"
                        "  - id: back\n"
                        "    from: f\n"
                        "    to: u\n"
                        "    trigger: false\n"
                        "assumptions:\n"
                        "  - \" padded \"\n"
                        "  - plain\n");
    free(y);
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(xml_export_follows_the_mapping)
{
    tm_diags *d = tm_diags_new();
    tm_model *m = S_from_text("small.yaml", TM_SYNTAX_YAML, S_small, d);
    ck_assert_ptr_nonnull(m);
    char *x = S_export(m, "xml");
    ck_assert_str_eq(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<stridec version=\"1\">\n"
                        "  <system name=\"Small\">\n"
                        "    <reviewers>\n"
                        "      <item>ann</item>\n"
                        "      <item>Bo Li</item>\n"
                        "    </reviewers>\n"
                        "  </system>\n"
                        "  <data id=\"d\" classification=\"internal\"/>\n"
                        "  <element id=\"u\" type=\"user\"/>\n"
                        "  <element id=\"f\" name=\"Fn\" type=\"aws.lambda\" data=\"d\">\n"
                        "    <props z=\"1\">\n"
                        "      <a>\n"
                        "        <item>x</item>\n"
                        "        <item>y z</item>\n"
                        "      </a>\n"
                        "      <m k=\"true\"/>\n"
                        "    </props>\n"
                        "  </element>\n"
                        "  <flow from=\"u\" to=\"f\" port=\"443\" encrypted=\"true\"/>\n"
                        "  <flow id=\"back\" from=\"f\" to=\"u\" trigger=\"false\"/>\n"
                        "  <assumption text=\" padded \"/>\n"
                        "  <assumption>plain</assumption>\n"
                        "</stridec>\n");
    free(x);
    char *j = S_export(m, "json");
    ck_assert_ptr_nonnull(strstr(j, "\"stridec\": 1"));
    ck_assert_ptr_null(strstr(j, "u--f"));
    free(j);
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(xml_escapes_markup_and_layout_characters)
{
    tm_diags *d = tm_diags_new();
    const char *text = "stridec: 1\n"
                       "system:\n"
                       "  name: \"a & b < c > d \\\" e ' f\"\n"
                       "  description: \"line 1\\nline 2\\ttab\\r\\n  indented  \"\n"
                       "  reviewers: [\"\", x]\n"
                       "elements: [{id: e, type: user, props: {q: \"<&>\", t: \"true\"}}]\n"
                       "assumptions: [\"<b>bold</b> & more\", \"\"]\n";
    tm_model *m = S_from_text("esc.yaml", TM_SYNTAX_YAML, text, d);
    ck_assert_ptr_nonnull(m);
    char *x = S_export(m, "xml");
    ck_assert_ptr_nonnull(strstr(x, "name=\"a &amp; b &lt; c &gt; d &quot; e &apos; f\""));
    ck_assert_ptr_nonnull(
        strstr(x, "description=\"line 1&#10;line 2&#9;tab&#13;&#10;  indented  \""));
    ck_assert_ptr_nonnull(strstr(x, "<item></item>")); /* an empty item cannot be an attribute */
    ck_assert_ptr_nonnull(strstr(x, "<assumption>&lt;b&gt;bold&lt;/b&gt; &amp; more</assumption>"));
    tm_diags *d2 = tm_diags_new();
    tm_model *back = S_from_text("esc.xml", TM_SYNTAX_XML, x, d2);
    if (!back) {
        char *t = S_diag_text(d2);
        ck_abort_msg("%s\n%s", t, x);
    }
    ck_assert_str_eq(back->system.name, m->system.name);
    ck_assert_str_eq(back->system.description, m->system.description);
    ck_assert_uint_eq(back->system.n_reviewers, 2);
    ck_assert_str_eq(back->system.reviewers[0], "");
    ck_assert_str_eq(back->assumptions[0]->text, "<b>bold</b> & more");
    ck_assert_str_eq(back->assumptions[1]->text, "");
    ck_assert_str_eq(tm_prop(back->elements[0]->props, "q")->text, "<&>");
    /* A string "true" in props becomes a boolean through XML: the mapping
     * has no way to say otherwise (documented). */
    ck_assert_int_eq(tm_prop(back->elements[0]->props, "t")->stype, TM_SCALAR_BOOL);
    free(x);
    tm_model_free(back);
    tm_model_free(m);
    tm_diags_free(d2);
    tm_diags_free(d);
}
END_TEST

START_TEST(xml_export_rejects_what_xml_cannot_carry)
{
    tm_diags *d = tm_diags_new();
    tm_model *m = S_from_text("ctl.yaml", TM_SYNTAX_YAML,
                              "stridec: 1\nsystem: {name: \"bell \\a\"}\n", d);
    ck_assert_ptr_nonnull(m);
    tm_buf b;
    tm_buf_init(&b, 0);
    ck_assert_int_eq(tm_model_export(m, "xml", &b, d), -1);
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    ck_assert_ptr_nonnull(strstr(tm_diags_get(d, 0)->message, "XML 1.0 cannot represent"));
    tm_buf_reset(&b);
    ck_assert_int_eq(tm_model_export(m, "yaml", &b, d), 0); /* YAML can */
    tm_buf_reset(&b);
    ck_assert_int_eq(tm_model_export(m, "toml", &b, d), -1);
    ck_assert_ptr_nonnull(strstr(tm_diags_get(d, 1)->message, "expected yaml, json or xml"));
    tm_buf_free(&b);
    tm_model_free(m);

    m = S_from_text("key.yaml", TM_SYNTAX_YAML,
                    "stridec: 1\nsystem: {name: k}\nelements: [{id: e, type: user, "
                    "props: {\"has space\": 1}}]\n",
                    d);
    ck_assert_ptr_nonnull(m);
    tm_buf_init(&b, 0);
    ck_assert_int_eq(tm_model_export(m, "xml", &b, d), -1);
    ck_assert_ptr_nonnull(strstr(tm_diags_get(d, 2)->message, "'has space' cannot be written"));
    tm_buf_free(&b);
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(export_respects_the_output_limit)
{
    tm_diags *d = tm_diags_new();
    tm_model *m = S_from_text("small.yaml", TM_SYNTAX_YAML, S_small, d);
    tm_buf b;
    tm_buf_init(&b, 64);
    ck_assert_int_eq(tm_model_export(m, "xml", &b, d), -1);
    ck_assert_ptr_nonnull(strstr(tm_diags_get(d, 0)->message, "larger than the output limit"));
    tm_buf_free(&b);
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(cli_export_writes_the_library_export)
{
    static const char *const syntaxes[] = {"yaml", "json", "xml"};
    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(tu_path("tests/build/full.yaml"), NULL, d);
    ck_assert_ptr_nonnull(m);
    for (size_t i = 0; i < 3; i++) {
        char *want = S_export(m, syntaxes[i]);
        const char *args[] = {"export", "--to", syntaxes[i], "tests/build/full.yaml", NULL};
        tu_result r = tu_run(args);
        ck_assert_msg(r.status == 0, "export --to %s: status %d\n%s", syntaxes[i], r.status,
                      r.err);
        ck_assert_str_eq(r.out, want);
        tu_result_free(&r);
        free(want);
    }
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

Suite *suite_export(void)
{
    Suite *s = suite_create("export");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, shipped_models_round_trip);
    tcase_add_test(tc, test_models_round_trip);
    tcase_add_test(tc, yaml_export_is_canonical);
    tcase_add_test(tc, xml_export_follows_the_mapping);
    tcase_add_test(tc, xml_escapes_markup_and_layout_characters);
    tcase_add_test(tc, xml_export_rejects_what_xml_cannot_carry);
    tcase_add_test(tc, export_respects_the_output_limit);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    TCase *cli = tcase_create("cli");
    tcase_add_test(cli, cli_export_writes_the_library_export);
    suite_add_tcase(s, cli);
    return s;
}
