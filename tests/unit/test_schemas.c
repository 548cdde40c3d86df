/*
 * The shipped schemas and the test-only JSON Schema validator.
 *
 *  - the validator itself: each keyword accepts what it should and rejects
 *    what it should, with the JSON pointer of the offending value;
 *  - every shipped model (the .json and .yaml files in models/, and the .yaml
 *    files in tests/models/) is valid against
 *    share/stridec/schema/stridec-model.schema.json, and every .xml file in
 *    models/ against stridec-model.xsd (xmllint);
 *  - invalid models are rejected by both schemas;
 *  - the schema files themselves parse.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "jsonschema.h"
#include "stridec/doc.h"
#include "testutil.h"

#define MODEL_SCHEMA "share/stridec/schema/stridec-model.schema.json"
#define MODEL_XSD "share/stridec/schema/stridec-model.xsd"
#define THREATS_SCHEMA "share/stridec/schema/threats.schema.json"

/* ---------------------------------------------------------- helpers */

/* Parse JSON text into a tree owned by `a`; fails the test on a syntax error. */
static tm_node *S_json(tm_arena *a, const char *text)
{
    tm_diags *d = tm_diags_new();
    tm_node *n = tm_read_json(a, "<test>", text, strlen(text), NULL, d);
    if (!n) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(d, &b);
        ck_abort_msg("bad JSON in test: %s\n%s", text, b.data ? b.data : "");
    }
    tm_diags_free(d);
    return n;
}

/* Violations of doc against schema (both JSON text); the messages go to *errs
 * (caller frees) when errs is not NULL. */
static int S_check(const char *schema, const char *doc, char **errs)
{
    tm_arena *a = tm_arena_new();
    tm_buf b;
    tm_buf_init(&b, 0);
    int n = tu_schema_validate(S_json(a, schema), S_json(a, doc), &b);
    if (errs)
        *errs = tm_xstrdup(b.data ? b.data : "");
    tm_buf_free(&b);
    tm_arena_free(a);
    return n;
}

/* Assert doc is valid / invalid against schema, showing the messages on failure. */
#define VALID(schema, doc)                                                                         \
    do {                                                                                           \
        char *e_;                                                                                  \
        int n_ = S_check(schema, doc, &e_);                                                        \
        ck_assert_msg(n_ == 0, "%s should accept %s, got:\n%s", schema, doc, e_);                 \
        free(e_);                                                                                  \
    } while (0)
#define INVALID(schema, doc, expected)                                                             \
    do {                                                                                           \
        char *e_;                                                                                  \
        int n_ = S_check(schema, doc, &e_);                                                        \
        ck_assert_msg(n_ > 0, "%s should reject %s", schema, doc);                                 \
        ck_assert_msg(strstr(e_, expected) != NULL, "expected '%s' in:\n%s", expected, e_);       \
        free(e_);                                                                                  \
    } while (0)

/* Read and parse a file of the source tree (by its extension); NULL plus a
 * test failure message when it does not parse. */
static tm_node *S_file_tree(tm_arena *a, const char *path, char **problem)
{
    tm_diags *d = tm_diags_new();
    size_t len = 0;
    char *text = tm_read_file(path, &len, d);
    tm_node *n = NULL;
    if (text) {
        size_t pl = strlen(path);
        if (pl > 5 && strcmp(path + pl - 5, ".json") == 0)
            n = tm_read_json(a, path, text, len, NULL, d);
        else
            n = tm_read_yaml(a, path, text, len, NULL, d);
        free(text);
    }
    *problem = NULL;
    if (!n) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(d, &b);
        *problem = tm_buf_detach(&b);
    }
    tm_diags_free(d);
    return n;
}

static tm_node *S_schema(tm_arena *a, const char *rel)
{
    char *problem;
    tm_node *s = S_file_tree(a, tu_path(rel), &problem);
    ck_assert_msg(s != NULL, "%s does not parse: %s", rel, problem ? problem : "");
    return s;
}

/* Validate every file matching `pattern` (relative to the source tree);
 * returns how many files were checked. */
static size_t S_validate_glob(const tm_node *schema, const char *pattern)
{
    glob_t g;
    size_t checked = 0;
    if (glob(tu_path(pattern), 0, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        tm_arena *a = tm_arena_new();
        char *problem;
        tm_node *doc = S_file_tree(a, g.gl_pathv[i], &problem);
        ck_assert_msg(doc != NULL, "%s does not parse:\n%s", g.gl_pathv[i], problem);
        tm_buf errs;
        tm_buf_init(&errs, 0);
        int n = tu_schema_validate(schema, doc, &errs);
        ck_assert_msg(n == 0, "%s: %d schema violations:\n%s", g.gl_pathv[i], n,
                      errs.data ? errs.data : "");
        tm_buf_free(&errs);
        tm_arena_free(a);
        checked++;
    }
    globfree(&g);
    return checked;
}

/* Exit status of `xmllint --noout --nonet --schema XSD file`; its messages go
 * to *out (caller frees) when out is not NULL. */
static int S_xmllint(const char *file, char **out)
{
    char cmd[8192];
    int n = snprintf(cmd, sizeof cmd, "xmllint --noout --nonet --schema '%s' '%s' 2>&1",
                     tu_path(MODEL_XSD), file);
    ck_assert_int_lt(n, (int)sizeof cmd);
    FILE *p = popen(cmd, "r");
    ck_assert_msg(p != NULL, "cannot run xmllint");
    tm_buf b;
    tm_buf_init(&b, 0);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
        tm_buf_put(&b, chunk, got);
    int st = pclose(p);
    if (out)
        *out = tm_xstrdup(b.data ? b.data : "");
    tm_buf_free(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void S_need_xmllint(void)
{
    int st = system("xmllint --version >/dev/null 2>&1");
    ck_assert_msg(st == 0, "xmllint is missing: run `make deps` (package libxml2-utils)");
}

/* ------------------------------------------- the validator, keyword by keyword */

START_TEST(keyword_type)
{
    VALID("{\"type\": \"string\"}", "\"x\"");
    INVALID("{\"type\": \"string\"}", "1", "(root): expected string, found integer");
    VALID("{\"type\": [\"string\", \"null\"]}", "null");
    INVALID("{\"type\": [\"string\", \"null\"]}", "true", "expected string or null, found boolean");
    VALID("{\"type\": \"integer\"}", "2");
    VALID("{\"type\": \"integer\"}", "2.0");
    INVALID("{\"type\": \"integer\"}", "2.5", "expected integer, found number");
    VALID("{\"type\": \"number\"}", "7");
    VALID("{\"type\": \"object\"}", "{}");
    INVALID("{\"type\": \"object\"}", "[]", "expected object, found array");
    VALID("{\"type\": \"array\"}", "[]");
    VALID("{\"type\": \"boolean\"}", "false");
}
END_TEST

START_TEST(keyword_enum_const)
{
    VALID("{\"enum\": [\"a\", 1, null]}", "\"a\"");
    VALID("{\"enum\": [\"a\", 1, null]}", "1.0");
    VALID("{\"enum\": [\"a\", 1, null]}", "null");
    INVALID("{\"enum\": [\"a\", 1]}", "\"b\"", "(root): \"b\" is not one of \"a\", 1");
    VALID("{\"enum\": [{\"x\": [1, 2], \"y\": true}]}", "{\"y\": true, \"x\": [1, 2]}");
    INVALID("{\"enum\": [{\"x\": [1, 2]}]}", "{\"x\": [2, 1]}", "is not one of");
    VALID("{\"const\": 1}", "1");
    INVALID("{\"const\": 1}", "\"1\"", "\"1\" is not the constant 1");
    INVALID("{\"const\": true}", "1", "is not the constant true");
}
END_TEST

START_TEST(keyword_required_properties)
{
    const char *s = "{\"type\": \"object\", \"required\": [\"a\", \"b\"],"
                    " \"properties\": {\"a\": {\"type\": \"integer\"}}}";
    VALID(s, "{\"a\": 1, \"b\": null, \"c\": 3}");
    INVALID(s, "{\"a\": 1}", "(root): missing required key 'b'");
    INVALID(s, "{\"a\": \"x\", \"b\": 1}", "/a: expected integer, found string");
    ck_assert_int_eq(S_check(s, "{}", NULL), 2);
    /* required and properties do not apply to other types */
    VALID("{\"required\": [\"a\"], \"properties\": {\"a\": false}}", "[1]");
}
END_TEST

START_TEST(keyword_additional_properties)
{
    const char *closed = "{\"properties\": {\"a\": true}, \"additionalProperties\": false}";
    VALID(closed, "{\"a\": 1}");
    INVALID(closed, "{\"a\": 1, \"b\": 2}", "/b: unexpected key 'b'");
    const char *typed = "{\"properties\": {\"a\": true}, \"additionalProperties\": {\"type\": \"integer\"}}";
    VALID(typed, "{\"a\": \"x\", \"b\": 2}");
    INVALID(typed, "{\"a\": \"x\", \"b\": \"y\"}", "/b: expected integer, found string");
    VALID("{\"additionalProperties\": true}", "{\"z\": 1}");
    /* JSON pointer escaping of '/' and '~' in keys */
    INVALID("{\"additionalProperties\": false}", "{\"a/b~c\": 1}", "/a~1b~0c: unexpected key");
}
END_TEST

START_TEST(keyword_items_and_sizes)
{
    const char *s = "{\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"minItems\": 1,"
                    " \"maxItems\": 3, \"uniqueItems\": true}";
    VALID(s, "[\"a\", \"b\"]");
    INVALID(s, "[]", "(root): item count 0 is too small, minItems is 1");
    INVALID(s, "[\"a\", \"b\", \"c\", \"d\"]", "item count 4 is too large, maxItems is 3");
    INVALID(s, "[\"a\", 2]", "/1: expected string, found integer");
    INVALID(s, "[\"a\", \"b\", \"a\"]", "items 0 and 2 are equal (uniqueItems)");
    VALID("{\"uniqueItems\": true}", "[1, \"1\", [1], {\"a\": 1}]");
    INVALID("{\"uniqueItems\": true}", "[{\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1}]", "are equal");
    INVALID("{\"items\": [{}]}", "[1]", "unsupported schema keyword 'items' with a list");
}
END_TEST

START_TEST(keyword_strings)
{
    const char *id = "{\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9][A-Za-z0-9_.-]*$\"}";
    VALID(id, "\"orders-fn\"");
    VALID(id, "\"a.b_c-9\"");
    INVALID(id, "\"-x\"", "\"-x\" does not match the pattern ^[A-Za-z0-9][A-Za-z0-9_.-]*$");
    INVALID(id, "\"a b\"", "does not match");
    INVALID(id, "\"\"", "does not match");
    /* patterns are not anchored unless they say so */
    VALID("{\"pattern\": \"b\"}", "\"abc\"");
    /* pattern applies to strings only */
    VALID("{\"pattern\": \"^x$\"}", "12");
    INVALID("{\"pattern\": \"(\"}", "\"x\"", "is not a POSIX extended regular expression");
    /* lengths count code points: "é" is one, "日本" two */
    VALID("{\"minLength\": 1, \"maxLength\": 1}", "\"\\u00e9\"");
    INVALID("{\"minLength\": 3}", "\"\\u65e5\\u672c\"", "length 2 is too small, minLength is 3");
    INVALID("{\"maxLength\": 1}", "\"ab\"", "length 2 is too large, maxLength is 1");
    INVALID("{\"minLength\": 1}", "\"\"", "length 0 is too small");
}
END_TEST

START_TEST(keyword_numbers)
{
    const char *port = "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 65535}";
    VALID(port, "1");
    VALID(port, "65535");
    INVALID(port, "0", "(root): 0 violates minimum 1");
    INVALID(port, "65536", "65536 violates maximum 65535");
    VALID("{\"exclusiveMinimum\": 0, \"exclusiveMaximum\": 1}", "0.5");
    INVALID("{\"exclusiveMinimum\": 0}", "0", "violates exclusiveMinimum 0");
    INVALID("{\"exclusiveMaximum\": 1}", "1", "violates exclusiveMaximum 1");
    VALID("{\"minimum\": 5}", "\"not a number\"");
}
END_TEST

START_TEST(keyword_ref)
{
    const char *s = "{\"$defs\": {\"id\": {\"type\": \"string\", \"minLength\": 1},"
                    " \"a/b\": {\"const\": 7}},"
                    " \"properties\": {\"x\": {\"$ref\": \"#/$defs/id\"},"
                    " \"y\": {\"$ref\": \"#/$defs/a~1b\"}}}";
    VALID(s, "{\"x\": \"k\", \"y\": 7}");
    INVALID(s, "{\"x\": \"\"}", "/x: length 0 is too small");
    INVALID(s, "{\"y\": 8}", "/y: 8 is not the constant 7");
    INVALID("{\"$ref\": \"#/$defs/missing\"}", "1", "cannot resolve $ref '#/$defs/missing'");
    INVALID("{\"$ref\": \"other.json#/x\"}", "1", "cannot resolve $ref");
    /* a $ref cycle that consumes nothing ends with an error, not a crash */
    INVALID("{\"$ref\": \"#\"}", "1", "nested deeper than");
    /* recursion that follows the document is fine */
    const char *tree = "{\"type\": \"object\", \"properties\": {\"kids\": {\"type\": \"array\","
                       " \"items\": {\"$ref\": \"#\"}}}, \"additionalProperties\": false}";
    VALID(tree, "{\"kids\": [{\"kids\": []}, {}]}");
    INVALID(tree, "{\"kids\": [{\"kids\": [{\"bad\": 1}]}]}", "/kids/0/kids/0/bad: unexpected key");
}
END_TEST

START_TEST(keyword_combinators)
{
    const char *any = "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\", \"minimum\": 0}]}";
    VALID(any, "\"s\"");
    VALID(any, "3");
    INVALID(any, "-1", "(root): matches none of the anyOf alternatives");
    INVALID(any, "-1", "alternative 1: (root): -1 violates minimum 0");
    const char *one = "{\"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"number\"}]}";
    VALID(one, "1.5");
    INVALID(one, "1", "matches 2 of the oneOf alternatives, exactly one is required");
    INVALID(one, "\"x\"", "matches none of the oneOf alternatives");
    VALID("{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}", "2");
    ck_assert_int_eq(S_check("{\"allOf\": [{\"type\": \"string\"}, {\"minimum\": 2}]}", "1", NULL), 2);
    VALID("{\"not\": {\"type\": \"null\"}}", "0");
    INVALID("{\"not\": {\"type\": \"null\"}}", "null", "matches the schema under 'not'");
    /* combinator failures leave no stray messages from the alternatives */
    char *e;
    ck_assert_int_eq(S_check("{\"properties\": {\"a\": {\"anyOf\": [{\"const\": 1}, {\"const\": 2}]}}}",
                             "{\"a\": 3}", &e),
                     1);
    ck_assert_ptr_eq(strchr(e, '\n'), e + strlen(e) - 1);
    ck_assert_ptr_nonnull(strstr(e, "/a: matches none of the anyOf alternatives"));
    free(e);
}
END_TEST

START_TEST(boolean_schemas_and_unknown_keywords)
{
    VALID("true", "{\"anything\": [1]}");
    INVALID("false", "1", "(root): no value is allowed here (schema false)");
    VALID("{}", "null");
    /* annotations are ignored, unknown assertions are violations */
    VALID("{\"$schema\": \"x\", \"$id\": \"y\", \"title\": \"t\", \"description\": \"d\","
          " \"$comment\": \"c\", \"default\": 1, \"examples\": [], \"format\": \"email\"}",
          "\"not an email\"");
    INVALID("{\"patternProperties\": {}}", "{}", "unsupported schema keyword 'patternProperties'");
    INVALID("[]", "1", "schema error: a schema must be an object or a boolean");
    INVALID("{\"type\": 3}", "1", "schema error: 'type' must be a string or a list");
}
END_TEST

START_TEST(counts_without_error_buffer)
{
    tm_arena *a = tm_arena_new();
    tm_node *s = S_json(a, "{\"properties\": {\"a\": {\"type\": \"string\"}}, \"required\": [\"b\"]}");
    ck_assert_int_eq(tu_schema_validate(s, S_json(a, "{\"a\": 1}"), NULL), 2);
    ck_assert_int_eq(tu_schema_validate(s, S_json(a, "{\"a\": \"x\", \"b\": 0}"), NULL), 0);
    tm_arena_free(a);
}
END_TEST

/* --------------------------------------------------- the shipped schemas */

START_TEST(schema_files_parse)
{
    tm_arena *a = tm_arena_new();
    tm_node *model = S_schema(a, MODEL_SCHEMA);
    tm_node *threats = S_schema(a, THREATS_SCHEMA);
    ck_assert_int_eq(model->kind, TM_NODE_MAP);
    ck_assert_int_eq(threats->kind, TM_NODE_MAP);
    ck_assert_ptr_nonnull(tm_node_get(model, "$defs"));
    tm_arena_free(a);
    /* The XSD is well-formed XML (xmllint also compiles it in the XML tests). */
    S_need_xmllint();
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "xmllint --noout --nonet '%s' >/dev/null 2>&1", tu_path(MODEL_XSD));
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A model that uses every key of the format once, to reach every $ref. */
static const char S_full_model[] =
    "{\"stridec\": 1,"
    " \"system\": {\"name\": \"n\", \"description\": \"d\", \"owner\": \"o\", \"version\": \"1\","
    "  \"date\": \"2024-01-01\", \"reviewers\": [\"r\"]},"
    " \"data\": [{\"id\": \"d1\", \"name\": \"D\", \"classification\": \"restricted\", \"description\": \"x\"}],"
    " \"boundaries\": [{\"id\": \"b1\", \"name\": \"B\", \"type\": \"internet\", \"description\": \"x\"},"
    "  {\"id\": \"b2\", \"type\": \"cloud-account\", \"parent\": \"b1\"}],"
    " \"elements\": [{\"id\": \"e1\", \"name\": \"E\", \"description\": \"x\", \"type\": \"aws.lambda\","
    "  \"kind\": \"process\", \"boundary\": \"b2\", \"identity\": \"i1\", \"origin\": \"in-house\","
    "  \"libraries\": [\"lodash\"], \"data\": [\"d1\"], \"out_of_scope\": false, \"reason\": \"r\","
    "  \"props\": {\"timeout\": 3, \"runtime\": \"nodejs20.x\", \"tracing\": true, \"layers\": [\"a\"]}},"
    "  {\"id\": \"e2\", \"kind\": \"store\"}],"
    " \"flows\": [{\"id\": \"f1\", \"from\": \"e1\", \"to\": \"e2\", \"name\": \"n\", \"description\": \"x\","
    "  \"protocol\": \"https\", \"port\": 443, \"data\": [\"d1\"], \"authenticated\": true,"
    "  \"encrypted\": false, \"authorization\": \"end-user\", \"trigger\": true, \"bidirectional\": false,"
    "  \"props\": {\"signed\": true}}],"
    " \"identities\": [{\"id\": \"i1\", \"name\": \"I\", \"type\": \"aws.iam.role\", \"description\": \"x\","
    "  \"statements\": [{\"sid\": \"s\", \"effect\": \"deny\", \"not_actions\": [\"s3:*\"],"
    "   \"resources\": [\"*\"], \"principals\": [\"*\"], \"conditions\": [{\"test\": \"Bool\","
    "   \"variable\": \"aws:SecureTransport\", \"values\": [\"false\"]}]}]}],"
    " \"artifacts\": [{\"id\": \"a1\", \"name\": \"A\", \"type\": \"library\", \"description\": \"x\","
    "  \"path\": \"p\", \"version\": \"1.0\", \"origin\": \"open-source\", \"owner\": \"o\","
    "  \"defines\": [\"e1\"], \"props\": {}}],"
    " \"assumptions\": [\"plain\", {\"id\": \"as1\", \"text\": \"t\"}],"
    " \"threats\": [{\"id\": \"AWS-S3-*@*\", \"status\": \"accepted\", \"justification\": \"j\","
    "  \"owner\": \"o\", \"ticket\": \"T-1\", \"date\": \"2024-01-01\"}],"
    " \"include\": [\"more.yaml\"]}";

START_TEST(model_schema_accepts_every_key)
{
    tm_arena *a = tm_arena_new();
    tm_node *schema = S_schema(a, MODEL_SCHEMA);
    tm_buf errs;
    tm_buf_init(&errs, 0);
    int n = tu_schema_validate(schema, S_json(a, S_full_model), &errs);
    ck_assert_msg(n == 0, "full model rejected:\n%s", errs.data ? errs.data : "");
    tm_buf_free(&errs);
    tm_arena_free(a);
}
END_TEST

START_TEST(shipped_models_are_valid_json_and_yaml)
{
    tm_arena *a = tm_arena_new();
    tm_node *schema = S_schema(a, MODEL_SCHEMA);
    size_t json = S_validate_glob(schema, "models/*.json");
    size_t yaml = S_validate_glob(schema, "models/*.yaml");
    size_t test = S_validate_glob(schema, "tests/models/*.yaml");
    /* serverless-webapp and minimal at least, in both syntaxes; hostile.yaml */
    ck_assert_uint_ge(json, 2);
    ck_assert_uint_ge(yaml, 2);
    ck_assert_uint_ge(test, 1);
    tm_arena_free(a);
}
END_TEST

START_TEST(shipped_models_are_valid_xml)
{
    S_need_xmllint();
    glob_t g;
    ck_assert_int_eq(glob(tu_path("models/*.xml"), 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 2);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *out;
        int st = S_xmllint(g.gl_pathv[i], &out);
        ck_assert_msg(st == 0, "%s is not valid against %s:\n%s", g.gl_pathv[i], MODEL_XSD, out);
        free(out);
    }
    globfree(&g);
}
END_TEST

START_TEST(json_schema_rejects_invalid_models)
{
    tm_arena *a = tm_arena_new();
    tm_node *schema = S_schema(a, MODEL_SCHEMA);
    const char *bad =
        "{\"stridec\": 2, \"sytem\": {\"name\": \"x\"},"
        " \"data\": [{\"id\": \"d\", \"classification\": \"secret\"}],"
        " \"elements\": [{\"id\": \"-bad\", \"type\": \"aws.lambda\"}, {\"id\": \"e\"},"
        "  {\"id\": \"p\", \"type\": \"aws.s3\", \"props\": {\"nested\": {\"a\": 1}}}],"
        " \"flows\": [{\"from\": \"e\", \"port\": 70000, \"encrypted\": \"yes\"}],"
        " \"identities\": [{\"id\": \"i\", \"statements\": [{\"effect\": \"Allow\", \"actions\": [\"*\"]}]}],"
        " \"artifacts\": [{\"id\": \"a\", \"type\": \"binary\"}],"
        " \"threats\": [{\"id\": \"no-at-sign\", \"status\": \"done\"}]}";
    tm_buf errs;
    tm_buf_init(&errs, 0);
    int n = tu_schema_validate(schema, S_json(a, bad), &errs);
    const char *e = errs.data ? errs.data : "";
    const char *expect[] = {
        "/stridec: 2 is not the constant 1",
        "/sytem: unexpected key 'sytem'",
        "/data/0/classification: \"secret\" is not one of",
        "/elements/0/id: \"-bad\" does not match the pattern",
        "/elements/1: matches none of the anyOf alternatives",
        "/elements/2/props/nested: matches none of the anyOf alternatives",
        "/flows/0: missing required key 'to'",
        "/flows/0/port: 70000 violates maximum 65535",
        "/flows/0/encrypted: expected boolean, found string",
        "/identities/0/statements/0/effect: \"Allow\" is not one of \"allow\", \"deny\"",
        "/artifacts/0/type: \"binary\" is not one of",
        "/threats/0/id: \"no-at-sign\" does not match the pattern",
        "/threats/0/status: \"done\" is not one of",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        ck_assert_msg(strstr(e, expect[i]) != NULL, "expected '%s' in:\n%s", expect[i], e);
    ck_assert_int_eq(n, (int)(sizeof expect / sizeof expect[0]));
    /* the stridec key is required */
    tm_buf_reset(&errs);
    ck_assert_int_eq(tu_schema_validate(schema, S_json(a, "{\"system\": {\"name\": \"x\"}}"), &errs), 1);
    ck_assert_str_eq(errs.data, "(root): missing required key 'stridec'\n");
    tm_buf_free(&errs);
    tm_arena_free(a);
}
END_TEST

START_TEST(yaml_models_typed_like_json)
{
    /* A YAML model goes through the YAML reader's typing: "1" quoted is a
     * string and is rejected where the format wants an integer. */
    tm_arena *a = tm_arena_new();
    tm_node *schema = S_schema(a, MODEL_SCHEMA);
    const char *y = "stridec: \"1\"\nsystem: {name: x}\nflows:\n  - {from: a, to: b, port: \"443\"}\n";
    tm_diags *d = tm_diags_new();
    tm_node *doc = tm_read_yaml(a, "t.yaml", y, strlen(y), NULL, d);
    ck_assert_ptr_nonnull(doc);
    tm_buf errs;
    tm_buf_init(&errs, 0);
    ck_assert_int_eq(tu_schema_validate(schema, doc, &errs), 3);
    ck_assert_ptr_nonnull(strstr(errs.data, "/stridec: expected integer, found string"));
    ck_assert_ptr_nonnull(strstr(errs.data, "/flows/0/port: expected integer, found string"));
    tm_buf_free(&errs);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

START_TEST(xsd_rejects_invalid_models)
{
    S_need_xmllint();
    static const char *const bad[] = {
        /* wrong version */
        "<stridec version=\"2\"><system name=\"x\"/></stridec>",
        /* unknown attribute */
        "<stridec version=\"1\"><system name=\"x\"/><flow from=\"a\" to=\"b\" colour=\"red\"/></stridec>",
        /* unknown element */
        "<stridec version=\"1\"><system name=\"x\"/><widget id=\"w\"/></stridec>",
        /* bad id */
        "<stridec version=\"1\"><element id=\"-x\" type=\"user\"/></stridec>",
        /* bad boolean */
        "<stridec version=\"1\"><flow from=\"a\" to=\"b\" encrypted=\"yes\"/></stridec>",
        /* missing required attribute */
        "<stridec version=\"1\"><flow from=\"a\"/></stridec>",
        /* bad enum */
        "<stridec version=\"1\"><data id=\"d\" classification=\"secret\"/></stridec>",
        /* port out of range */
        "<stridec version=\"1\"><flow from=\"a\" to=\"b\" port=\"0\"/></stridec>",
        /* threat id without '@' */
        "<stridec version=\"1\"><threat id=\"nope\" status=\"open\"/></stridec>",
        /* statement without effect */
        "<stridec version=\"1\"><identity id=\"i\"><statement actions=\"s3:*\"/></identity></stridec>",
        /* wrong root */
        "<model version=\"1\"/>",
    };
    char *dir = tu_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/bad.xml", dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(bad[i], f);
        fclose(f);
        ck_assert_msg(S_xmllint(path, NULL) != 0, "XSD accepted: %s", bad[i]);
    }
    /* and the same harness accepts a good one: props take any attribute and
     * <item> lists; lists may be <item> children; long text may be a child */
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("<stridec version=\"1\"><system name=\"x\"><reviewer>Ann Smith</reviewer></system>"
          "<element id=\"e\" type=\"aws.s3\"><description>long</description>"
          "<props anything=\"1\" other=\"true\"><cors_origins><item>*</item></cors_origins></props>"
          "<libraries><item>lodash</item></libraries></element>"
          "<identity id=\"i\"><statement effect=\"allow\"><actions><item>s3:GetObject</item></actions>"
          "<condition test=\"StringEquals\" variable=\"aws:SourceAccount\" values=\"1\"/></statement>"
          "</identity><assumption id=\"a\">text</assumption><assumption>plain</assumption>"
          "<threat id=\"*@e\" status=\"false-positive\"><justification>j</justification></threat>"
          "<include>more.xml</include></stridec>",
          f);
    fclose(f);
    char *out;
    int st = S_xmllint(path, &out);
    ck_assert_msg(st == 0, "XSD rejected the good model:\n%s", out);
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(threats_schema_checks_threats_json)
{
    tm_arena *a = tm_arena_new();
    tm_node *schema = S_schema(a, THREATS_SCHEMA);
    const char *good =
        "{\"stridec\": \"0.1.0\", \"model\": {\"name\": \"m\", \"source\": \"m.yaml\"},"
        " \"elements\": [{\"id\": \"e\", \"name\": \"E\", \"type\": \"user\", \"kind\": \"external\","
        "  \"boundary\": null}],"
        " \"flows\": [], \"boundaries\": [],"
        " \"threats\": [{\"id\": \"R-1@e\", \"rule\": \"R-1\", \"title\": \"t\", \"stride\": [\"S\"],"
        "  \"severity\": \"low\", \"target\": {\"type\": \"element\", \"id\": \"e\"},"
        "  \"status\": \"open\", \"mitigation\": \"m\"}],"
        " \"summary\": {\"by_severity\": {\"low\": 1, \"medium\": 0, \"high\": 0, \"critical\": 0},"
        "  \"by_stride\": {\"S\": 1, \"T\": 0, \"R\": 0, \"I\": 0, \"D\": 0, \"E\": 0},"
        "  \"by_status\": {\"open\": 1}}}";
    tm_buf errs;
    tm_buf_init(&errs, 0);
    ck_assert_msg(tu_schema_validate(schema, S_json(a, good), &errs) == 0, "%s", errs.data);
    const char *bad =
        "{\"stridec\": \"0.1.0\", \"model\": {\"name\": \"m\", \"source\": \"m.yaml\"},"
        " \"elements\": [], \"flows\": [], \"boundaries\": [],"
        " \"threats\": [{\"id\": \"R-1\", \"rule\": \"R-1\", \"title\": \"t\", \"stride\": [\"S\", \"S\"],"
        "  \"severity\": \"huge\", \"target\": {\"type\": \"element\", \"id\": \"e\"},"
        "  \"status\": \"open\", \"mitigation\": \"\"}],"
        " \"summary\": {\"by_severity\": {}, \"by_stride\": {}, \"by_status\": {}}}";
    int n = tu_schema_validate(schema, S_json(a, bad), &errs);
    ck_assert_ptr_nonnull(strstr(errs.data, "/threats/0/id: \"R-1\" does not match"));
    ck_assert_ptr_nonnull(strstr(errs.data, "/threats/0/stride: items 0 and 1 are equal"));
    ck_assert_ptr_nonnull(strstr(errs.data, "/threats/0/severity: \"huge\" is not one of"));
    ck_assert_ptr_nonnull(strstr(errs.data, "/threats/0/mitigation: length 0 is too small"));
    ck_assert_ptr_nonnull(strstr(errs.data, "/summary/by_severity: missing required key 'low'"));
    ck_assert_int_eq(n, 4 + 4 + 6);
    tm_buf_free(&errs);
    tm_arena_free(a);
}
END_TEST

/* ------------------------------------------- props.md against the examples */

/* One row of share/stridec/doc/props.md: a prop of an element type (or of
 * flows: type "flow"), its type and, for enums, the allowed values. */
typedef struct {
    const char *type, *prop, *kind;
    const char **values;
    size_t n_values;
} S_propdoc;

/* Trimmed copy of s[0..n) into the arena. */
static const char *S_trim(tm_arena *a, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return tm_arena_strndup(a, s, n);
}

/* The `quoted` words of a table cell. */
static const char **S_ticked(tm_arena *a, const char *cell, size_t *n)
{
    tm_vec v = {0};
    for (const char *p = strchr(cell, '`'); p; p = strchr(p, '`')) {
        const char *e = strchr(p + 1, '`');
        if (!e)
            break;
        tm_vec_push(&v, tm_arena_strndup(a, p + 1, (size_t)(e - p - 1)));
        p = e + 1;
    }
    return (const char **)tm_vec_finish(&v, a, n);
}

/* Parse the tables: a "## aws.s3" (or "## ci.jenkins and ci.github-actions",
 * "## Flows") heading names the types its table's rows belong to. */
static S_propdoc *S_parse_props_doc(tm_arena *a, const char *text, size_t *n_out)
{
    tm_vec rows = {0};
    const char *types[4];
    size_t n_types = 0;
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *l = tm_arena_strndup(a, line, len);
        if (strncmp(l, "## ", 3) == 0) {
            n_types = 0;
            char *copy = tm_arena_strdup(a, l + 3);
            for (char *save = NULL, *w = strtok_r(copy, " ", &save); w && n_types < 4;
                 w = strtok_r(NULL, " ", &save)) {
                if (strcmp(w, "Flows") == 0)
                    types[n_types++] = "flow";
                else if (strchr(w, '.') && strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789.-") == strlen(w))
                    types[n_types++] = w;
            }
        } else if (strncmp(l, "| `", 3) == 0 && n_types > 0) {
            /* | `prop` | type | values | absent | used by | */
            const char *cells[4];
            size_t lens[4], k = 0;
            const char *p = l + 1;
            while (k < 4) {
                const char *bar = strchr(p, '|');
                if (!bar)
                    break;
                cells[k] = p;
                lens[k++] = (size_t)(bar - p);
                p = bar + 1;
            }
            ck_assert_msg(k == 4, "props.md: short table row: %s", l);
            size_t nt;
            const char **name = S_ticked(a, S_trim(a, cells[0], lens[0]), &nt);
            ck_assert_msg(nt == 1, "props.md: row without one `prop`: %s", l);
            for (size_t t = 0; t < n_types; t++) {
                S_propdoc *r = tm_arena_alloc(a, sizeof *r);
                r->type = types[t];
                r->prop = name[0];
                r->kind = S_trim(a, cells[1], lens[1]);
                r->values = S_ticked(a, S_trim(a, cells[2], lens[2]), &r->n_values);
                tm_vec_push(&rows, r);
            }
        }
        line = eol ? eol + 1 : line + len;
    }
    size_t n;
    S_propdoc **ptrs = (S_propdoc **)tm_vec_finish(&rows, a, &n);
    S_propdoc *out = tm_arena_array(a, n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = *ptrs[i];
    *n_out = n;
    return out;
}

/* Check one props map of `type` against the documented rows. */
static void S_check_props(const S_propdoc *doc, size_t n_doc, const char *type, const tm_node *props,
                          const char *where)
{
    for (size_t i = 0; i < props->n; i++) {
        const char *key = props->pairs[i].key;
        const tm_node *v = props->pairs[i].value;
        const S_propdoc *r = NULL;
        for (size_t j = 0; j < n_doc && !r; j++)
            if (strcmp(doc[j].type, type) == 0 && strcmp(doc[j].prop, key) == 0)
                r = &doc[j];
        ck_assert_msg(r != NULL, "%s: prop '%s' of a %s is not in props.md", where, key, type);
        int ok;
        if (strcmp(r->kind, "bool") == 0)
            ok = v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_BOOL;
        else if (strcmp(r->kind, "int") == 0)
            ok = v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_INT;
        else if (strcmp(r->kind, "string") == 0)
            ok = v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_STRING;
        else if (strcmp(r->kind, "list") == 0) {
            ok = v->kind == TM_NODE_LIST;
            for (size_t k = 0; ok && k < v->n; k++)
                ok = v->items[k]->kind == TM_NODE_SCALAR && v->items[k]->stype == TM_SCALAR_STRING;
        } else if (strcmp(r->kind, "enum") == 0) {
            ok = 0;
            for (size_t k = 0; v->kind == TM_NODE_SCALAR && k < r->n_values && !ok; k++)
                ok = v->stype == TM_SCALAR_STRING && strcmp(v->text, r->values[k]) == 0;
        } else {
            ck_abort_msg("props.md: prop '%s' has unknown type '%s'", key, r->kind);
        }
        ck_assert_msg(ok, "%s: prop %s = %s is not a %s of props.md", where, key,
                      v->kind == TM_NODE_SCALAR ? v->text : tm_node_kind_name(v), r->kind);
    }
}

START_TEST(example_models_use_documented_props)
{
    tm_arena *a = tm_arena_new();
    char *md = tu_slurp(tu_path("share/stridec/doc/props.md"), NULL);
    ck_assert_ptr_nonnull(md);
    size_t n_doc;
    S_propdoc *doc = S_parse_props_doc(a, md, &n_doc);
    free(md);
    ck_assert_uint_ge(n_doc, 100);
    /* the parser sees shared headings: both CI types carry stores_credentials */
    size_t ci = 0;
    for (size_t i = 0; i < n_doc; i++)
        if (strcmp(doc[i].prop, "stores_credentials") == 0)
            ci++;
    ck_assert_uint_eq(ci, 2);

    glob_t g;
    ck_assert_int_eq(glob(tu_path("models/*.[jy][sa]*"), 0, NULL, &g), 0);
    size_t checked = 0;
    for (size_t f = 0; f < g.gl_pathc; f++) {
        char *problem;
        tm_node *m = S_file_tree(a, g.gl_pathv[f], &problem);
        ck_assert_msg(m != NULL, "%s: %s", g.gl_pathv[f], problem);
        const tm_node *els = tm_node_get(m, "elements");
        for (size_t i = 0; els && i < els->n; i++) {
            const tm_node *props = tm_node_get(els->items[i], "props");
            const tm_node *type = tm_node_get(els->items[i], "type");
            if (props && type)
                S_check_props(doc, n_doc, type->text, props, g.gl_pathv[f]);
        }
        const tm_node *flows = tm_node_get(m, "flows");
        for (size_t i = 0; flows && i < flows->n; i++) {
            const tm_node *props = tm_node_get(flows->items[i], "props");
            if (props)
                S_check_props(doc, n_doc, "flow", props, g.gl_pathv[f]);
        }
        checked++;
    }
    globfree(&g);
    ck_assert_uint_ge(checked, 4);
    tm_arena_free(a);
}
END_TEST

/* -------------------------------------- reports of the examples, end to end */

/* Run `stridec report MODEL -f json -o DIR` and parse DIR/threats.json into `a`. */
static tm_node *S_report_json(tm_arena *a, const char *model, const char *dir)
{
    const char *args[] = {"report", model, "-f", "json", "-o", dir, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "stridec report %s: status %d\n%s", model, r.status, r.err);
    tu_result_free(&r);
    char path[4096];
    snprintf(path, sizeof path, "%s/threats.json", dir);
    char *problem;
    tm_node *t = S_file_tree(a, path, &problem);
    ck_assert_msg(t != NULL, "%s: %s", path, problem);
    return t;
}

/* The status of threat `id` in a threats.json tree, or NULL when absent. */
static const char *S_threat_status(const tm_node *report, const char *id)
{
    const tm_node *list = tm_node_get(report, "threats");
    for (size_t i = 0; list && i < list->n; i++) {
        const tm_node *tid = tm_node_get(list->items[i], "id");
        if (tid && strcmp(tid->text, id) == 0) {
            const tm_node *st = tm_node_get(list->items[i], "status");
            return st ? st->text : "";
        }
    }
    return NULL;
}

START_TEST(example_reports_match_threats_schema)
{
    static const char *const models[] = {
        "models/serverless-webapp.yaml", "models/serverless-webapp.json",
        "models/serverless-webapp.xml",  "models/minimal.yaml",
        "tests/models/hostile.yaml",
    };
    tm_arena *a = tm_arena_new();
    tm_node *schema = S_schema(a, THREATS_SCHEMA);
    char *dir = tu_tmpdir();
    tm_node *reports[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%zu", dir, i);
        tm_node *rep = S_report_json(a, models[i], sub);
        tm_buf errs;
        tm_buf_init(&errs, 0);
        int n = tu_schema_validate(schema, rep, &errs);
        ck_assert_msg(n == 0, "threats.json of %s: %d violations:\n%s", models[i], n,
                      errs.data ? errs.data : "");
        tm_buf_free(&errs);
        const tm_node *threats = tm_node_get(rep, "threats");
        ck_assert_msg(threats && threats->n > 0, "%s: no threats", models[i]);
        if (i < 3)
            reports[i] = rep;
    }
    /* The three syntaxes of the main example are one model: same threats, same
     * order, same severities and statuses (only source positions differ). */
    const tm_node *t0 = tm_node_get(reports[0], "threats");
    for (size_t k = 1; k < 3; k++) {
        const tm_node *tk = tm_node_get(reports[k], "threats");
        ck_assert_uint_eq(tk->n, t0->n);
        for (size_t i = 0; i < t0->n; i++) {
            static const char *const keys[] = {"id", "severity", "status", "title"};
            for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++) {
                const tm_node *x = tm_node_get(t0->items[i], keys[j]);
                const tm_node *y = tm_node_get(tk->items[i], keys[j]);
                ck_assert_msg(x && y && strcmp(x->text, y->text) == 0,
                              "%s: threat %zu differs in %s: %s vs %s", models[k], i, keys[j],
                              x ? x->text : "-", y ? y->text : "-");
            }
        }
    }
    tu_rmtree(dir);
    free(dir);
    tm_arena_free(a);
}
END_TEST

/* The weaknesses planted in models/serverless-webapp.yaml (its header, W01..W25)
 * are found, review decisions apply, and the elements written to be secure
 * stay quiet. Rule ids are those of share/stridec/rules/. */
START_TEST(example_planted_weaknesses_are_found)
{
    static const char *const found[][2] = {
        {"S3-PUBLIC-ACL@web-bucket", "accepted"},          /* W01 */
        {"S3-WEBSITE-HTTP@web-bucket", "open"},
        {"S3-POLICY-PUBLIC@uploads-bucket", "open"},       /* W02 */
        {"S3-CORS-WRITE-ANY@uploads-bucket", "open"},
        {"S3-NO-VERSIONING@uploads-bucket", "open"},
        {"EVENT-INJECTION-S3@upload-event", "open"},       /* W03 */
        {"S3-WRITE-TO-PUBLIC@admin-export-put", "open"},   /* W04 */
        {"APIGW-METHOD-NOAUTH@webhook-api", "open"},       /* W05 */
        {"APIGW-OLD-TLS@webhook-api", "open"},
        {"APIGW-RESPOLICY-OPEN@webhook-api", "open"},
        {"APIGW-WEBHOOK-UNSIGNED@payment-webhook", "open"},
        {"APIGW-NO-WAF@api", "in-progress"},               /* W06 */
        {"APIGW-STAGE-DATA-LEAK@api", "open"},
        {"COGNITO-NO-MFA@cognito", "open"},                /* W07 */
        {"COGNITO-GUEST@cognito", "open"},
        {"COGNITO-WEAK-PASSWORD@cognito", "open"},
        {"LAMBDA-OLD-RUNTIME@upload-fn", "open"},          /* W08 */
        {"LAMBDA-PERM-NO-SOURCE@upload-fn", "open"},
        {"LAMBDA-THIRD-PARTY-LAYER@process-upload-fn", "open"}, /* W09 */
        {"LAMBDA-ENV-SECRETS@payment-fn", "open"},         /* W10 */
        {"EVENT-INJECTION-EMAIL@ses-invoke-email-in", "open"}, /* W12 */
        {"LAMBDA-NO-LOGGING@email-in-fn", "open"},
        {"LAMBDA-URL-NOAUTH@admin-fn", "open"},            /* W13 */
        {"LAMBDA-PERM-PUBLIC@admin-fn", "open"},
        {"SQS-NO-SSE@order-queue", "open"},                /* W14 */
        {"SQS-NO-DLQ@order-queue", "open"},
        {"SNS-HTTP-SUB@notify-topic", "open"},             /* W15 */
        {"DDB-NO-PITR@orders-table", "open"},              /* W16 */
        {"SES-NO-TLS@ses", "open"},                        /* W17 */
        {"KMS-NO-ROTATION@kms-key", "open"},               /* W18 */
        {"CT-NO-DATA-EVENTS@cloudtrail", "open"},          /* W19 */
        {"IAM-SHARED-ROLE@shared-role", "open"},           /* W20 */
        {"SES-SEND-ANY@worker-role", "open"},
        {"IAM-PRIVESC@jenkins-deployer", "open"},
        {"CICD-STORED-CREDENTIALS@jenkins", "open"},       /* W21 */
        {"SCM-NO-SECRET-SCANNING@github-repo", "open"},    /* W22 */
        {"CICD-SECRET-CLOUD-KEY@jenkinsfile", "open"},     /* W23 */
        {"CICD-SECRET-IN-ARTIFACT@serverless-config", "open"},
        {"CICD-SECRET-IN-ARTIFACT@site-config", "open"},
        {"SUPPLY-UNPINNED-ARTIFACT@lib-lodash", "open"},   /* W24 */
        {"ARTIFACT-NO-OWNER@jenkinsfile", "open"},
        {"CICD-LONG-LIVED-CREDENTIAL@jenkins-access-key", "open"},
        {"SCOPE-FLOW-OUT-SENSITIVE@worker-analytics", "open"}, /* W25 */
        {"SCOPE-OUT-SENSITIVE@analytics", "false-positive"},
        {"STRIDE-PROC-I@orders-fn", "mitigated"},
    };
    static const char *const quiet[] = {
        "S3-PAB-OFF@mail-bucket",      "S3-NO-TLS-POLICY@mail-bucket", "S3-NO-CMK@mail-bucket",
        "S3-POLICY-PUBLIC@mail-bucket", "LAMBDA-NO-DLQ@orders-fn",     "LAMBDA-OLD-RUNTIME@orders-fn",
        "LAMBDA-ENV-NOKMS@orders-fn",  "LAMBDA-NO-CODE-SIGNING@orders-fn",
        "APIGW-METHOD-NOAUTH@api",     "APIGW-OLD-TLS@api",            "APIGW-NO-THROTTLE@api",
        "CICD-STORED-CREDENTIALS@github-actions", "CICD-SECRET-IN-ARTIFACT@gha-deploy",
        "CICD-SECRET-CLOUD-KEY@gha-deploy",
    };
    tm_arena *a = tm_arena_new();
    char *dir = tu_tmpdir();
    tm_node *rep = S_report_json(a, "models/serverless-webapp.yaml", dir);
    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++) {
        const char *st = S_threat_status(rep, found[i][0]);
        ck_assert_msg(st != NULL, "planted weakness not reported: %s", found[i][0]);
        ck_assert_msg(strcmp(st, found[i][1]) == 0, "%s: status %s, expected %s", found[i][0], st,
                      found[i][1]);
    }
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
        ck_assert_msg(S_threat_status(rep, quiet[i]) == NULL, "secure element reported: %s",
                      quiet[i]);
    tu_rmtree(dir);
    free(dir);
    tm_arena_free(a);
}
END_TEST

Suite *suite_schemas(void)
{
    Suite *s = suite_create("schemas");
    TCase *v = tcase_create("validator");
    tcase_add_test(v, keyword_type);
    tcase_add_test(v, keyword_enum_const);
    tcase_add_test(v, keyword_required_properties);
    tcase_add_test(v, keyword_additional_properties);
    tcase_add_test(v, keyword_items_and_sizes);
    tcase_add_test(v, keyword_strings);
    tcase_add_test(v, keyword_numbers);
    tcase_add_test(v, keyword_ref);
    tcase_add_test(v, keyword_combinators);
    tcase_add_test(v, boolean_schemas_and_unknown_keywords);
    tcase_add_test(v, counts_without_error_buffer);
    suite_add_tcase(s, v);
    TCase *m = tcase_create("shipped");
    tcase_set_timeout(m, 60);
    tcase_add_test(m, schema_files_parse);
    tcase_add_test(m, model_schema_accepts_every_key);
    tcase_add_test(m, shipped_models_are_valid_json_and_yaml);
    tcase_add_test(m, shipped_models_are_valid_xml);
    tcase_add_test(m, json_schema_rejects_invalid_models);
    tcase_add_test(m, yaml_models_typed_like_json);
    tcase_add_test(m, xsd_rejects_invalid_models);
    tcase_add_test(m, threats_schema_checks_threats_json);
    tcase_add_test(m, example_models_use_documented_props);
    tcase_add_test(m, example_reports_match_threats_schema);
    tcase_add_test(m, example_planted_weaknesses_are_found);
    suite_add_tcase(s, m);
    return s;
}
