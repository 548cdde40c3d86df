/* Mustache templates: the specification's own cases (the JSON files in tests/mustache/),
 * then errors with positions, escaping, nesting and large inputs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_template_check.h"
#include "stridec/doc.h"
#include "stridec/template.h"
#include "testutil.h"

/* ---------------------------------------------------------------- helpers */

/* Partials from a map of name -> template string (a spec case's "partials"). */
static const char *S_load_partial(void *ctx, const char *name, size_t *len)
{
    const tm_node *p = tm_node_get((const tm_node *)ctx, name);
    if (!p || p->kind != TM_NODE_SCALAR)
        return NULL;
    *len = p->len;
    return p->text;
}

static tm_node *S_json(tm_arena *a, const char *text)
{
    tm_diags *d = tm_diags_new();
    tm_node *n = tm_read_json(a, "data.json", text, strlen(text), NULL, d);
    ck_assert_msg(n != NULL, "test data does not parse: %s", text);
    tm_diags_free(d);
    return n;
}

typedef struct {
    int rc;
    char *out;  /* malloc'd */
    char *diag; /* formatted diagnostics, malloc'd */
    char file[256];
    uint32_t line, col;
    char message[1024];
} result;

/* Render `tmpl` with JSON data and a JSON map of partials (either may be NULL). */
static result S_render_mode(const char *tmpl, const char *data_json, const char *partials_json,
                            tm_escape_mode esc)
{
    result r;
    memset(&r, 0, sizeof r);
    tm_arena *a = tm_arena_new();
    tm_node *data = data_json ? S_json(a, data_json) : NULL;
    tm_node *pmap = partials_json ? S_json(a, partials_json) : NULL;
    tm_partials parts = {S_load_partial, pmap};
    tm_diags *d = tm_diags_new();
    tm_buf out;
    tm_buf_init(&out, 0);
    r.rc = tm_template_render(tmpl, strlen(tmpl), "t.mustache", data, esc, pmap ? &parts : NULL,
                              &out, d);
    r.out = tm_buf_detach(&out);
    tm_buf diag;
    tm_buf_init(&diag, 0);
    tm_diags_format(d, &diag);
    r.diag = tm_buf_detach(&diag);
    const tm_diag *g = tm_diags_get(d, 0);
    if (g) {
        snprintf(r.file, sizeof r.file, "%s", g->file ? g->file : "");
        snprintf(r.message, sizeof r.message, "%s", g->message);
        r.line = g->line;
        r.col = g->col;
    }
    ck_assert_msg((r.rc == 0) == (tm_diags_errors(d) == 0),
                  "return code and diagnostics disagree for %s", tmpl);
    tm_diags_free(d);
    tm_arena_free(a);
    return r;
}

static result S_render(const char *tmpl, const char *data_json, const char *partials_json)
{
    return S_render_mode(tmpl, data_json, partials_json, TM_ESCAPE_HTML);
}

static void S_free(result *r)
{
    free(r->out);
    free(r->diag);
}

/* Renders fine and gives exactly `expected`. */
static void S_expect(const char *tmpl, const char *data_json, const char *partials_json,
                     tm_escape_mode esc, const char *expected)
{
    result r = S_render_mode(tmpl, data_json, partials_json, esc);
    ck_assert_msg(r.rc == 0, "template %s failed: %s", tmpl, r.diag);
    ck_assert_msg(strcmp(r.out, expected) == 0, "template %s\n  gave     [%s]\n  expected [%s]",
                  tmpl, r.out, expected);
    S_free(&r);
}

/* Fails with exactly this diagnostic. */
static void S_expect_error(const char *tmpl, const char *partials_json, const char *file,
                           uint32_t line, uint32_t col, const char *message)
{
    result r = S_render(tmpl, "{\"x\": true, \"list\": [1, 2]}", partials_json);
    ck_assert_msg(r.rc == -1, "template %s should fail", tmpl);
    ck_assert_msg(strcmp(r.out, "") == 0, "failed render left output [%s]", r.out);
    ck_assert_msg(strcmp(r.file, file) == 0 && r.line == line && r.col == col &&
                      strcmp(r.message, message) == 0,
                  "template %s\n  gave     %s:%u:%u: %s\n  expected %s:%u:%u: %s", tmpl, r.file,
                  r.line, r.col, r.message, file, line, col, message);
    S_free(&r);
}

/* ------------------------------------------------------ specification */

static const struct {
    const char *file;
    size_t cases;
} spec_files[] = {
    {"comments.json", 12},    {"delimiters.json", 14}, {"interpolation.json", 42},
    {"inverted.json", 22},    {"partials.json", 12},   {"sections.json", 34},
};

START_TEST(spec_cases_pass)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/mustache/%s", spec_files[_i].file);
    size_t len = 0;
    char *text = tu_slurp(tu_path(rel), &len);
    ck_assert_msg(text != NULL, "cannot read %s", rel);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *spec = tm_read_json(a, rel, text, len, NULL, d);
    ck_assert_msg(spec != NULL, "%s does not parse", rel);
    const tm_node *tests = tm_node_get(spec, "tests");
    ck_assert_msg(tests && tests->kind == TM_NODE_LIST, "%s has no tests list", rel);

    tm_buf failures;
    tm_buf_init(&failures, 0);
    size_t failed = 0;
    for (size_t i = 0; i < tests->n; i++) {
        const tm_node *c = tests->items[i];
        const tm_node *name = tm_node_get(c, "name");
        const tm_node *tmpl = tm_node_get(c, "template");
        const tm_node *expected = tm_node_get(c, "expected");
        const tm_node *partials = tm_node_get(c, "partials");
        ck_assert(name && tmpl && expected);
        tm_partials parts = {S_load_partial, (void *)partials};
        tm_buf out;
        tm_buf_init(&out, 0);
        tm_diags *cd = tm_diags_new();
        int rc = tm_template_render(tmpl->text, tmpl->len, name->text, tm_node_get(c, "data"),
                                    TM_ESCAPE_HTML, partials ? &parts : NULL, &out, cd);
        const char *got = out.data ? out.data : "";
        if (rc != 0 || out.len != expected->len || memcmp(got, expected->text, out.len) != 0) {
            failed++;
            tm_buf_printf(&failures, "\n%s: \"%s\"\n  template [%s]\n  expected [%s]\n  got      [%s]",
                          spec_files[_i].file, name->text, tmpl->text, expected->text, got);
            tm_diags_format(cd, &failures);
        }
        tm_diags_free(cd);
        tm_buf_free(&out);
    }
    ck_assert_msg(failed == 0, "%zu of %zu cases failed:%s", failed, tests->n, failures.data);
    ck_assert_uint_eq(tests->n, spec_files[_i].cases);
    tm_buf_free(&failures);
    tm_diags_free(d);
    tm_arena_free(a);
    free(text);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(errors_name_file_line_col)
{
    S_expect_error("a\n  {{#x}}\nb", NULL, "t.mustache", 2, 3,
                   "unclosed section 'x': no '{{/x}}' before the end");
    S_expect_error("one\ntwo\n{{#x}}\n{{#list}}{{/list}}\n  {{/y}}\n", NULL, "t.mustache", 5, 3,
                   "section 'x' opened at line 3 closed by 'y'");
    S_expect_error("ok {{/x}}", NULL, "t.mustache", 1, 4, "closing tag 'x' has no open section");
    S_expect_error("héllo {{name", NULL, "t.mustache", 1, 7,
                   "unclosed tag: no '}}' closes this '{{'");
    S_expect_error("{{{name}}", NULL, "t.mustache", 1, 1,
                   "unclosed tag: no '}}}' closes this '{{{'");
    S_expect_error("x\n{{! never closed", NULL, "t.mustache", 2, 1,
                   "unclosed comment: no '}}' closes this '{{!'");
    S_expect_error("{{=<% %>}}", NULL, "t.mustache", 1, 1,
                   "bad delimiter change: no '=}}' closes this '{{=' tag");
    S_expect_error("{{=<%%>=}}", NULL, "t.mustache", 1, 1,
                   "bad delimiter change '<%%>': expected two delimiters separated by a space, "
                   "without spaces or '=' in them");
    S_expect_error("{{=<% % %>=}}", NULL, "t.mustache", 1, 1,
                   "bad delimiter change '<% % %>': expected two delimiters separated by a "
                   "space, without spaces or '=' in them");
    S_expect_error("{{=<= =>=}}", NULL, "t.mustache", 1, 1,
                   "bad delimiter change '<= =>': expected two delimiters separated by a space, "
                   "without spaces or '=' in them");
    char tmpl[100], msg[200];
    snprintf(tmpl, sizeof tmpl, "{{=%.*s >>=}}", TM_MAX_DELIMITER_BYTES + 1,
             "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<");
    snprintf(msg, sizeof msg, "bad delimiter change '%.*s >>': a delimiter may be at most %d bytes",
             TM_MAX_DELIMITER_BYTES + 1, "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
             TM_MAX_DELIMITER_BYTES);
    S_expect_error(tmpl, NULL, "t.mustache", 1, 1, msg);
    /* after a delimiter change, messages show the delimiters in force */
    S_expect_error("{{=<% %>=}}\n<%#x%>", NULL, "t.mustache", 2, 1,
                   "unclosed section 'x': no '<%/x%>' before the end");
    S_expect_error("{{ }}", NULL, "t.mustache", 1, 1, "tag without a name");
    S_expect_error("{{#}}{{/}}", NULL, "t.mustache", 1, 1, "tag without a name");
    S_expect_error("{{a b}}", NULL, "t.mustache", 1, 1, "name 'a b' contains whitespace");
    S_expect_error("{{a..b}}", NULL, "t.mustache", 1, 1,
                   "bad name 'a..b': empty part between dots");
    S_expect_error("{{.a}}", NULL, "t.mustache", 1, 1, "bad name '.a': empty part between dots");
    S_expect_error("{{<parent}}{{/parent}}", NULL, "t.mustache", 1, 1,
                   "template inheritance ('{{<') is not supported");
    S_expect_error("ok\nab\xC3(", NULL, "t.mustache", 2, 3,
                   "invalid UTF-8 in the template (byte 0xC3)");
    /* long or multi-line names are cut short in messages */
    S_expect_error("{{#a}}{{/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb}}",
                   NULL, "t.mustache", 1, 7,
                   "section 'a' opened at line 1 closed by "
                   "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...'");
    S_expect_error("{{/a\nb}}", NULL, "t.mustache", 1, 1,
                   "closing tag 'a?b' has no open section");
}
END_TEST

START_TEST(errors_in_partials_name_the_partial)
{
    S_expect_error("a {{>p}}", "{\"p\": \"line one\\n{{#x}}\"}", "p", 2, 1,
                   "unclosed section 'x': no '{{/x}}' before the end");
    /* unconditional self-inclusion stops at the depth limit */
    char msg[200];
    snprintf(msg, sizeof msg, "partial 'p' nested more than %d partials deep (does it include itself?)",
             TM_MAX_PARTIAL_DEPTH);
    S_expect_error("{{>p}}", "{\"p\": \"x{{>p}}\"}", "p", 1, 2, msg);
    /* a missing partial renders as nothing (the specification's rule) */
    S_expect("[{{>nope}}]", "{}", "{}", TM_ESCAPE_HTML, "[]");
    S_expect("[{{>nope}}]", "{}", NULL, TM_ESCAPE_HTML, "[]");
}
END_TEST

START_TEST(error_shows_source_line_and_caret)
{
    result r = S_render("Title\n{{#threats}}\n- {{title}}\n{{/threat}}\n", "{}", NULL);
    ck_assert_int_eq(r.rc, -1);
    ck_assert_str_eq(r.diag, "t.mustache:4:1: error: section 'threats' opened at line 2 closed by "
                             "'threat'\n"
                             "  {{/threat}}\n"
                             "  ^\n");
    S_free(&r);
}
END_TEST

START_TEST(failed_render_leaves_output_as_it_was)
{
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_buf_puts(&out, "keep");
    tm_diags *d = tm_diags_new();
    const char *t = "lots of text before the error {{#x}}";
    ck_assert_int_eq(tm_template_render(t, strlen(t), NULL, NULL, TM_ESCAPE_HTML, NULL, &out, d),
                     -1);
    ck_assert_str_eq(out.data, "keep");
    ck_assert_int_eq(out.failed, 0);
    ck_assert_str_eq(tm_diags_get(d, 0)->file, "<template>");
    tm_diags_free(d);

    /* output past the buffer's limit is an error, not a silent truncation */
    tm_buf small;
    tm_buf_init(&small, 16);
    d = tm_diags_new();
    t = "0123456789{{x}}0123456789";
    ck_assert_int_eq(tm_template_render(t, strlen(t), "s", NULL, TM_ESCAPE_NONE, NULL, &small, d),
                     -1);
    ck_assert_str_eq(tm_diags_get(d, 0)->message,
                     "rendered output is larger than the limit of 16 bytes");
    ck_assert_uint_eq(small.len, 0);
    ck_assert_int_eq(small.failed, 0);
    tm_buf_free(&small);
    tm_diags_free(d);
    tm_buf_free(&out);
}
END_TEST

/* ------------------------------------------------------------ escaping */

START_TEST(html_escaping_neutralises_markup)
{
    const char *data = "{\"v\": \"\\\"><script>alert('x&y')</script><a onclick='z'\"}";
    S_expect("<a title=\"{{v}}\">{{v}}</a>", data, NULL, TM_ESCAPE_HTML,
             "<a title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;&lt;a "
             "onclick=&#39;z&#39;\">&quot;&gt;&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/"
             "script&gt;&lt;a onclick=&#39;z&#39;</a>");
    /* single-quoted attributes are safe too */
    S_expect("<a title='{{v}}'>", "{\"v\": \"' onmouseover='evil()\"}", NULL, TM_ESCAPE_HTML,
             "<a title='&#39; onmouseover=&#39;evil()'>");
    /* triple mustache and & are the explicit opt-out */
    S_expect("{{{v}}}{{&v}}", "{\"v\": \"<b>\"}", NULL, TM_ESCAPE_HTML, "<b><b>");
    S_expect("{{v}}", "{\"v\": \"<b>&\"}", NULL, TM_ESCAPE_NONE, "<b>&");
    /* template text itself is never escaped */
    S_expect("<p>{{v}}</p>", "{\"v\": \"ü & 東\"}", NULL, TM_ESCAPE_HTML, "<p>ü &amp; 東</p>");
}
END_TEST

START_TEST(markdown_escaping)
{
    static const struct {
        const char *value, *expected;
    } cases[] = {
        {"plain words stay plain", "plain words stay plain"},
        {"a*b* _c_ `d`", "a\\*b\\* \\_c\\_ \\`d\\`"},
        {"snake_case_name", "snake_case_name"},
        {"_lead and trail_", "\\_lead and trail\\_"},
        {"[link](http://x)", "\\[link\\]\\(http://x\\)"},
        {"![img](x)", "!\\[img\\]\\(x\\)"},
        {"wow!", "wow\\!"},
        {"a | b", "a \\| b"},
        {"<script>&amp;", "&lt;script&gt;&amp;amp;"},
        {"line one\nline two\r\nthree\rfour", "line one line two three four"},
        {"# not a heading", "\\# not a heading"},
        {"- not a list", "\\- not a list"},
        {"+ not a list", "\\+ not a list"},
        {"===", "\\==="},
        {"1. not a list", "1\\. not a list"},
        {"2) not a list", "2\\) not a list"},
        {"1.21", "1.21"},
        {"stridec-out v1.0 #3 a+b=c", "stridec-out v1.0 #3 a+b=c"},
        {"{x} \\ ~~gone~~", "\\{x\\} \\\\ \\~\\~gone\\~\\~"},
        {"RULE-ID@lambda.orders", "RULE-ID@lambda.orders"},
        {"> quote", "&gt; quote"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tm_arena *a = tm_arena_new();
        tm_node *data = tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
        tm_node_map_put(a, data, "v", 0, 0, tm_node_string(a, cases[i].value));
        tm_buf out;
        tm_buf_init(&out, 0);
        tm_diags *d = tm_diags_new();
        ck_assert_int_eq(tm_template_render("| {{v}} |", 9, "m", data, TM_ESCAPE_MARKDOWN, NULL,
                                            &out, d),
                         0);
        char want[256];
        snprintf(want, sizeof want, "| %s |", cases[i].expected);
        ck_assert_msg(strcmp(out.data, want) == 0, "markdown escape of [%s]: got [%s], want [%s]",
                      cases[i].value, out.data, want);
        tm_buf_free(&out);
        tm_diags_free(d);
        tm_arena_free(a);
    }
    /* numbers go through the same escaping; unescaped tags do not */
    S_expect("{{n}} {{{v}}}", "{\"n\": -5, \"v\": \"*x*\"}", NULL, TM_ESCAPE_MARKDOWN, "\\-5 *x*");
}
END_TEST

/* ------------------------------------------------------------ data model */

START_TEST(values_and_truthiness)
{
    S_expect("{{i}} {{f}} {{g}} {{h}} {{big}} {{t}} {{n}}",
             "{\"i\": -42, \"f\": 0.1, \"g\": 3.0, \"h\": 1e20, \"big\": 9223372036854775807, "
             "\"t\": true, \"n\": null}",
             NULL, TM_ESCAPE_HTML, "-42 0.1 3 1e+20 9223372036854775807 true ");
    /* 0, "" and {} are truthy; null, false, [] and missing names are not */
    S_expect("{{#z}}0{{/z}}{{#e}}E{{/e}}{{#m}}M{{/m}}{{#n}}N{{/n}}{{#f}}F{{/f}}{{#l}}L{{/l}}"
             "{{#missing}}X{{/missing}}",
             "{\"z\": 0, \"e\": \"\", \"m\": {}, \"n\": null, \"f\": false, \"l\": []}", NULL,
             TM_ESCAPE_HTML, "0EM");
    S_expect("{{^n}}N{{/n}}{{^f}}F{{/f}}{{^l}}L{{/l}}{{^missing}}X{{/missing}}{{^z}}0{{/z}}",
             "{\"z\": 0, \"n\": null, \"f\": false, \"l\": []}", NULL, TM_ESCAPE_HTML, "NFLX");
    /* maps and lists interpolate as nothing */
    S_expect("[{{m}}{{l}}]", "{\"m\": {\"a\": 1}, \"l\": [1]}", NULL, TM_ESCAPE_HTML, "[]");
    /* no data at all: every name is missing */
    S_expect("[{{a}}{{#b}}x{{/b}}{{^c}}y{{/c}}{{.}}]", NULL, NULL, TM_ESCAPE_HTML, "[y]");
    /* a key whose value is null hides the same key further out */
    S_expect("{{#inner}}[{{a}}]{{/inner}}", "{\"a\": \"outer\", \"inner\": {\"a\": null}}", NULL,
             TM_ESCAPE_HTML, "[]");
}
END_TEST

START_TEST(xml_text_renders_as_text)
{
    tm_arena *a = tm_arena_new();
    tm_node *data = tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
    tm_node *t = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
    t->stype = TM_SCALAR_TEXT;
    t->text = "a<b";
    t->len = 3;
    tm_node_map_put(a, data, "t", 0, 0, t);
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_template_render("{{t}}", 5, "x", data, TM_ESCAPE_HTML, NULL, &out, d), 0);
    ck_assert_str_eq(out.data, "a&lt;b");
    tm_buf_free(&out);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

START_TEST(partial_indentation_nests)
{
    /* an indented partial inside an indented partial: both indentations */
    S_expect("<ul>\n  {{>outer}}\n</ul>\n", "{\"items\": [\"a\", \"b\"]}",
             "{\"outer\": \"<li>\\n  {{>inner}}\\n</li>\\n\","
             " \"inner\": \"{{#items}}\\n<i>{{.}}</i>\\n{{/items}}\\n\"}",
             TM_ESCAPE_HTML, "<ul>\n  <li>\n    <i>a</i>\n    <i>b</i>\n  </li>\n</ul>\n");
    /* an inline partial is not indented, even inside an indented one */
    S_expect("  {{>outer}}\n", "{}", "{\"outer\": \"x {{>inner}}\\ny\\n\", \"inner\": \"1\\n2\"}",
             TM_ESCAPE_HTML, "  x 1\n2\n  y\n");
    /* a line that starts with a tag is indented; values are not */
    S_expect("  {{>p}}\n", "{\"v\": \"1\\n2\"}", "{\"p\": \"{{v}}\\n{{v}}\\n\"}", TM_ESCAPE_NONE,
             "  1\n2\n  1\n2\n");
    /* the partial renders in the context where it is included */
    S_expect("{{#list}}{{>p}}{{/list}}", "{\"list\": [{\"n\": 1}, {\"n\": 2}], \"sep\": \";\"}",
             "{\"p\": \"{{n}}{{sep}}\"}", TM_ESCAPE_HTML, "1;2;");
}
END_TEST

/* -------------------------------------------------------- nesting and size */

START_TEST(deep_section_nesting)
{
    enum { N = 20000 };
    tm_buf t;
    tm_buf_init(&t, 0);
    for (int i = 0; i < N; i++)
        tm_buf_puts(&t, i % 2 ? "{{^no}}" : "{{#yes}}");
    tm_buf_puts(&t, "core");
    for (int i = N - 1; i >= 0; i--)
        tm_buf_puts(&t, i % 2 ? "{{/no}}" : "{{/yes}}");
    tm_arena *a = tm_arena_new();
    tm_node *data = S_json(a, "{\"yes\": true, \"no\": false}");
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_template_render(t.data, t.len, "deep", data, TM_ESCAPE_HTML, NULL, &out, d),
                     0);
    ck_assert_str_eq(out.data, "core");

    /* deep data, reached by a dotted name and by nested sections */
    tm_buf json, tmpl, name;
    tm_buf_init(&json, 0);
    tm_buf_init(&tmpl, 0);
    tm_buf_init(&name, 0);
    for (int i = 0; i < 50; i++) {
        tm_buf_printf(&json, "{\"k%d\": ", i);
        tm_buf_printf(&name, "%sk%d", i ? "." : "", i);
        tm_buf_printf(&tmpl, "{{#k%d}}", i);
    }
    tm_buf_puts(&json, "\"leaf\"");
    tm_buf_puts(&tmpl, "{{.}}");
    for (int i = 49; i >= 0; i--) {
        tm_buf_putc(&json, '}');
        tm_buf_printf(&tmpl, "{{/k%d}}", i);
    }
    tm_buf_printf(&tmpl, "={{%s}}", name.data);
    tm_node *deep = S_json(a, json.data);
    tm_buf_reset(&out);
    ck_assert_int_eq(
        tm_template_render(tmpl.data, tmpl.len, "deep", deep, TM_ESCAPE_HTML, NULL, &out, d), 0);
    ck_assert_str_eq(out.data, "leaf=leaf");

    /* a recursive partial walks a deep tree */
    tm_buf_reset(&json);
    for (int i = 0; i < 25; i++)
        tm_buf_printf(&json, "{\"n\": %d, \"kids\": [", i);
    tm_buf_puts(&json, "{\"n\": 25, \"kids\": []}");
    for (int i = 0; i < 25; i++)
        tm_buf_puts(&json, "]}");
    tm_node *tree = S_json(a, json.data);
    tm_node *pmap = S_json(a, "{\"node\": \"{{n}}({{#kids}}{{>node}}{{/kids}})\"}");
    tm_partials parts = {S_load_partial, pmap};
    tm_buf_reset(&out);
    const char *root = "{{>node}}";
    ck_assert_int_eq(
        tm_template_render(root, strlen(root), "tree", tree, TM_ESCAPE_HTML, &parts, &out, d), 0);
    ck_assert(strncmp(out.data, "0(1(2(3(", 8) == 0);
    ck_assert(strstr(out.data, "24(25()))") != NULL);
    ck_assert_uint_eq(tm_diags_count(d), 0);

    tm_buf_free(&json);
    tm_buf_free(&tmpl);
    tm_buf_free(&name);
    tm_buf_free(&out);
    tm_buf_free(&t);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* A 1 MB template of each shape renders (no timing assertion: a quadratic
 * scan would make this test take minutes instead of milliseconds). */
START_TEST(large_templates_render)
{
    enum { MB = 1 << 20 };
    static const struct {
        const char *piece, *renders;
    } pieces[] = {
        /* sections and values */
        {"{{#list}}<td>{{name}}</td>{{/list}}\n", "<td>a</td><td>b</td>\n"},
        /* standalone lines */
        {"  {{! a standalone comment }}\n", ""},
        /* inline tags on one long line */
        {"{{#list}} {{/list}} {{#list}} {{/list}}          ", "               "},
        /* no tags */
        {"plain text without any tags at all, just words. ",
         "plain text without any tags at all, just words. "},
        /* delimiter changes */
        {"{{=<% %>=}}<%name%><%={{ }}=%>", "x"},
        /* near-miss braces */
        {"{ { } } {{{name}}} }}", "{ { } } x }}"},
    };
    tm_arena *a = tm_arena_new();
    tm_node *data = S_json(a, "{\"name\": \"x\", \"list\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");
    for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
        tm_buf t, want;
        tm_buf_init(&t, 0);
        tm_buf_init(&want, 0);
        while (t.len < MB) {
            tm_buf_puts(&t, pieces[p].piece);
            tm_buf_puts(&want, pieces[p].renders);
        }
        tm_buf out;
        tm_buf_init(&out, 0);
        tm_diags *d = tm_diags_new();
        int rc = tm_template_render(t.data, t.len, "big", data, TM_ESCAPE_HTML, NULL, &out, d);
        ck_assert_msg(rc == 0, "1 MB of [%s] fails", pieces[p].piece);
        ck_assert_msg(out.len == want.len &&
                          memcmp(out.data ? out.data : "", want.data ? want.data : "", out.len) == 0,
                      "1 MB of [%s] renders wrong", pieces[p].piece);
        tm_buf_free(&out);
        tm_buf_free(&want);
        tm_buf_free(&t);
        tm_diags_free(d);
    }
    /* 1 MB of nested sections, and 1 MB of openers that never close */
    tm_buf t;
    tm_buf_init(&t, 0);
    for (size_t i = 0; i < MB / 18; i++)
        tm_buf_puts(&t, "{{#name}}");
    for (size_t i = 0; i < MB / 18; i++)
        tm_buf_puts(&t, "{{/name}}");
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_template_render(t.data, t.len, "big", data, TM_ESCAPE_HTML, NULL, &out, d),
                     0);
    tm_buf_reset(&t);
    while (t.len < MB)
        tm_buf_puts(&t, "{{#a}}");
    ck_assert_int_eq(tm_template_render(t.data, t.len, "big", data, TM_ESCAPE_HTML, NULL, &out, d),
                     -1);
    tm_buf_reset(&t);
    while (t.len < MB)
        tm_buf_puts(&t, "{{ {{ {{");
    ck_assert_int_eq(tm_template_render(t.data, t.len, "big", data, TM_ESCAPE_HTML, NULL, &out, d),
                     -1);
    tm_buf_free(&out);
    tm_buf_free(&t);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* Loops that would run "forever" (10^20 iterations) printing nothing stop
 * with an error; the same loops printing stop at the output limit. */
START_TEST(runaway_rendering_stops)
{
    if (tu_skip_slow())
        return; /* 10^7 steps: a tenth of a second natively, much more under valgrind */
    tm_buf t;
    tm_buf_init(&t, 0);
    for (int i = 0; i < 20; i++)
        tm_buf_puts(&t, "{{#l}}");
    for (int i = 0; i < 20; i++)
        tm_buf_puts(&t, "{{/l}}");
    result r = S_render(t.data, "{\"l\": [1,2,3,4,5,6,7,8,9,10]}", NULL);
    ck_assert_int_eq(r.rc, -1);
    ck_assert_str_eq(r.message, "rendering takes more than 10000000 steps beyond its output "
                                "(nested sections over long lists, or a recursive partial?)");
    S_free(&r);

    /* printing loops are bounded by the output limit instead */
    tm_buf_reset(&t);
    for (int i = 0; i < 20; i++)
        tm_buf_puts(&t, "{{#l}}");
    tm_buf_puts(&t, "x");
    for (int i = 0; i < 20; i++)
        tm_buf_puts(&t, "{{/l}}");
    tm_arena *a = tm_arena_new();
    tm_node *data = S_json(a, "{\"l\": [1,2,3,4,5,6,7,8,9,10]}");
    tm_buf out;
    tm_buf_init(&out, 1 << 20);
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_template_render(t.data, t.len, "t", data, TM_ESCAPE_HTML, NULL, &out, d),
                     -1);
    ck_assert_str_eq(tm_diags_get(d, 0)->message,
                     "rendered output is larger than the limit of 1048576 bytes");
    tm_buf_free(&out);
    tm_diags_free(d);

    /* and a long render that prints as it goes is not cut short */
    tm_buf_reset(&t);
    tm_buf_puts(&t, "{{#l}}");
    for (int i = 0; i < 1100; i++)
        tm_buf_puts(&t, "{{.}}");
    tm_buf_puts(&t, "{{/l}}");
    tm_buf list;
    tm_buf_init(&list, 0);
    tm_buf_puts(&list, "{\"l\": [0");
    for (int i = 1; i < 10000; i++)
        tm_buf_puts(&list, ",1");
    tm_buf_puts(&list, "]}");
    data = S_json(a, list.data);
    tm_buf_init(&out, 0);
    d = tm_diags_new();
    ck_assert_int_eq(tm_template_render(t.data, t.len, "t", data, TM_ESCAPE_HTML, NULL, &out, d),
                     0);
    ck_assert_uint_eq(out.len, 1100u * 10000u);
    tm_buf_free(&out);
    tm_buf_free(&list);
    tm_diags_free(d);
    tm_arena_free(a);
    tm_buf_free(&t);
}
END_TEST

/* ------------------------------------------------------------ fuzz corpus */

/* xorshift32: deterministic mutations, no global state. */
static uint32_t S_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* The fuzz target's seeds and saved crashers, with its own checks, plus
 * deterministic mutations of each that favour Mustache syntax. */
START_TEST(fuzz_corpus_replays_clean)
{
    const char *dir = tu_path("tests/fuzz/corpus/template");
    DIR *dp = opendir(dir);
    ck_assert_msg(dp != NULL, "no corpus folder %s", dir);
    /* what gets inserted; sizeof - 1 keeps the NUL byte entry */
    static const struct {
        const char *text;
        size_t len;
    } bits[] = {
#define BIT(s) {s, sizeof s - 1}
        BIT("{{"),       BIT("}}"),     BIT("{{#a}}"),    BIT("{{/a}}"),
        BIT("{{^a}}"),   BIT("{{>row}}"), BIT("{{>tree}}"), BIT("{{=<% %>=}}"),
        BIT("{{!"),      BIT("\n"),     BIT("  "),        BIT("."),
        BIT("{{{"),      BIT("\xc3\xa9"), BIT("\0"),      BIT("{{&a.b}}"),
#undef BIT
    };
    int rounds = tu_skip_slow() ? 0 : 100;
    uint32_t seed = 2463534242u;
    size_t files = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len = 0;
        char *data = tu_slurp(path, &len);
        ck_assert_ptr_nonnull(data);
        files++;
        const char *why = fuzz_template_one((const uint8_t *)data, len);
        ck_assert_msg(why == NULL, "%s: %s", de->d_name, why);
        uint8_t *buf = malloc(len + 8 * 16 + 1);
        for (int round = 0; round < rounds; round++) {
            memcpy(buf, data, len);
            size_t n = len;
            int edits = 1 + (int)(S_rand(&seed) % 8);
            for (int e = 0; e < edits; e++) {
                uint32_t r = S_rand(&seed);
                if (n && r % 3 == 0) {
                    buf[r % n] = (uint8_t)(S_rand(&seed) & 0xff);
                } else if (r % 3 == 1) {
                    size_t pick = S_rand(&seed) % (sizeof bits / sizeof bits[0]);
                    size_t at = n ? S_rand(&seed) % (n + 1) : 0;
                    memmove(buf + at + bits[pick].len, buf + at, n - at);
                    memcpy(buf + at, bits[pick].text, bits[pick].len);
                    n += bits[pick].len;
                } else if (n) {
                    n = r % n;
                }
            }
            why = fuzz_template_one(buf, n);
            ck_assert_msg(why == NULL, "%s (mutation %d): %s", de->d_name, round, why);
        }
        free(buf);
        free(data);
    }
    closedir(dp);
    ck_assert_uint_ge(files, 100);
}
END_TEST

Suite *suite_template(void)
{
    Suite *s = suite_create("template");
    TCase *tc = tcase_create("spec");
    tcase_add_loop_test(tc, spec_cases_pass, 0, (int)(sizeof spec_files / sizeof spec_files[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, errors_name_file_line_col);
    tcase_add_test(tc, errors_in_partials_name_the_partial);
    tcase_add_test(tc, error_shows_source_line_and_caret);
    tcase_add_test(tc, failed_render_leaves_output_as_it_was);
    suite_add_tcase(s, tc);
    tc = tcase_create("escaping");
    tcase_add_test(tc, html_escaping_neutralises_markup);
    tcase_add_test(tc, markdown_escaping);
    suite_add_tcase(s, tc);
    tc = tcase_create("data");
    tcase_add_test(tc, values_and_truthiness);
    tcase_add_test(tc, xml_text_renders_as_text);
    tcase_add_test(tc, partial_indentation_nests);
    suite_add_tcase(s, tc);
    tc = tcase_create("scale");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, deep_section_nesting);
    tcase_add_test(tc, large_templates_render);
    tcase_add_test(tc, runaway_rendering_stops);
    tcase_add_test(tc, fuzz_corpus_replays_clean);
    suite_add_tcase(s, tc);
    return s;
}
