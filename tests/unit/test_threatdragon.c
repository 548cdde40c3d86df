/*
 * Threat Dragon interchange: `stridec import --from threatdragon` (the
 * importer, src/import/threatdragon.c) and `stridec export --to threatdragon`
 * (src/render/threatdragon.c).
 *
 *  - every model in tests/import/threatdragon/ imports to exactly NAME.yaml
 *    with exactly the warnings in NAME.stderr (golden files; regenerate with
 *    STRIDEC_UPDATE_GOLDEN=1 after checking the change);
 *  - every file in tests/import/threatdragon/bad/ is refused with exactly the
 *    message in NAME.expected (file:line:col, source line, caret);
 *  - the export of tests/import/threatdragon/export-small.yaml is exactly
 *    export-small.td.json, the same bytes on every run, and the export of the
 *    example model is valid against td-v2.schema.json (the fields Threat
 *    Dragon's own schema requires);
 *  - round trip: the example model exported and imported again keeps every
 *    element (name, kind, boundary), boundary (name, parent) and flow (name,
 *    ends), and the review decisions come back for the threats they decided;
 *  - the importer's choices one by one: boxes by geometry, curve crossings,
 *    ids, threats to decisions;
 *  - the CLI: export to stdout and -o, errors and usage;
 *  - the fuzz corpus (tests/fuzz/corpus/import_td/) replays clean with the
 *    fuzz target's own checks, plus mutations of it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_import_td.h"
#include "jsonschema.h"
#include "stridec/model.h"
#include "testutil.h"

#define TD_DIR "tests/import/threatdragon"

/* ------------------------------------------------------------ helpers */

typedef struct {
    char *yaml;  /* the model as YAML, or NULL */
    char *diags; /* every diagnostic, formatted */
} S_result;

static void S_result_free(S_result *r)
{
    free(r->yaml);
    free(r->diags);
}

/* Import `path` (relative to the source tree) and export the model as YAML. */
static S_result S_import(const char *path)
{
    S_result r = {NULL, NULL};
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *tree = tm_import_file(a, path, TM_IMPORT_THREATDRAGON, NULL, d);
    if (tree) {
        tm_model *m = tm_model_build(tree, path, NULL, d);
        ck_assert_msg(m != NULL, "%s: the imported tree does not build", path);
        tm_buf b;
        tm_buf_init(&b, 0);
        ck_assert_int_eq(tm_model_export(m, "yaml", &b, d), 0);
        r.yaml = tm_buf_detach(&b);
        tm_model_free(m);
    }
    tm_buf e;
    tm_buf_init(&e, 0);
    tm_diags_format(d, &e);
    r.diags = tm_xstrdup(e.data ? e.data : "");
    tm_buf_free(&e);
    tm_diags_free(d);
    tm_arena_free(a);
    return r;
}

/* Compare `got` with the golden file (or write it when updating). */
static void S_golden(const char *golden, const char *got)
{
    if (getenv("STRIDEC_UPDATE_GOLDEN")) {
        FILE *f = fopen(tu_path(golden), "wb");
        ck_assert_ptr_nonnull(f);
        fputs(got, f);
        fclose(f);
        return;
    }
    char *want = tu_slurp(tu_path(golden), NULL);
    ck_assert_msg(want != NULL, "missing golden file %s", golden);
    ck_assert_msg(strcmp(want, got) == 0, "%s differs; got:\n%s", golden, got);
    free(want);
}

/* Names of the files in a folder of the source tree ending in `ext`, sorted. */
static size_t S_list(const char *dir, const char *ext, char ***out)
{
    DIR *dp = opendir(tu_path(dir));
    ck_assert_msg(dp != NULL, "no folder %s", dir);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name), el = strlen(ext);
        if (de->d_name[0] == '.' || len <= el || strcmp(de->d_name + len - el, ext) != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = tm_xstrdup(de->d_name);
    }
    closedir(dp);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    *out = names;
    return n;
}

static void S_free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The Threat Dragon export of a model file (through the CLI). */
static char *S_export(const char *model)
{
    const char *args[] = {"export", "--to", "threatdragon", model, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "export of %s failed: %s", model, r.err);
    char *out = r.out;
    r.out = NULL;
    tu_result_free(&r);
    return out;
}

static tm_node *S_json(tm_arena *a, const char *name, const char *text)
{
    tm_diags *d = tm_diags_new();
    tm_node *n = tm_read_json(a, name, text, strlen(text), NULL, d);
    ck_assert_msg(n != NULL, "%s is not JSON", name);
    tm_diags_free(d);
    return n;
}

/* The model of a Threat Dragon JSON text. Caller frees. */
static tm_model *S_import_text(const char *text, tm_arena *a)
{
    tm_diags *d = tm_diags_new();
    tm_node *root = S_json(a, "export.json", text);
    tm_node *tree = tm_import_threatdragon(a, root, "export.json", d);
    ck_assert_msg(tree != NULL, "the export does not import");
    tm_model *m = tm_model_build(tree, "export.json", NULL, d);
    ck_assert_msg(m != NULL, "the re-imported model does not build");
    tm_diags_free(d);
    return m;
}

/* ----------------------------------------------------- import goldens */

START_TEST(import_goldens)
{
    char **names;
    size_t n = S_list(TD_DIR, ".json", &names);
    size_t models = 0;
    for (size_t i = 0; i < n; i++) {
        if (strstr(names[i], ".td.json") || strstr(names[i], ".schema.json"))
            continue;
        char path[512], golden[512], errs[512];
        snprintf(path, sizeof path, TD_DIR "/%s", names[i]);
        size_t stem = strlen(names[i]) - strlen(".json");
        snprintf(golden, sizeof golden, TD_DIR "/%.*s.yaml", (int)stem, names[i]);
        snprintf(errs, sizeof errs, TD_DIR "/%.*s.stderr", (int)stem, names[i]);
        S_result r = S_import(path);
        ck_assert_msg(r.yaml != NULL, "%s does not import:\n%s", path, r.diags);
        S_golden(golden, r.yaml);
        S_golden(errs, r.diags);
        S_result_free(&r);
        models++;
    }
    ck_assert_uint_ge(models, 2);
    S_free_list(names, n);
}
END_TEST

START_TEST(import_bad_inputs)
{
    char **names;
    size_t n = S_list(TD_DIR "/bad", ".json", &names);
    ck_assert_uint_ge(n, 8);
    for (size_t i = 0; i < n; i++) {
        char path[512], expected[512];
        snprintf(path, sizeof path, TD_DIR "/bad/%s", names[i]);
        snprintf(expected, sizeof expected, TD_DIR "/bad/%s.expected", names[i]);
        S_result r = S_import(path);
        ck_assert_msg(r.yaml == NULL, "%s should be refused", path);
        S_golden(expected, r.diags);
        S_result_free(&r);
    }
    S_free_list(names, n);
}
END_TEST

/* --------------------------------------------------- importer choices */

/* Import a Threat Dragon model given as text; YAML of the model or NULL. */
static S_result S_import_inline(const char *text)
{
    char dir_path[600];
    char *dir = tu_tmpdir();
    snprintf(dir_path, sizeof dir_path, "%s/td.json", dir);
    FILE *f = fopen(dir_path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    S_result r = {NULL, NULL};
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *tree = tm_import_file(a, dir_path, TM_IMPORT_AUTO, NULL, d);
    if (tree) {
        tm_model *m = tm_model_build(tree, "td.json", NULL, d);
        ck_assert_ptr_nonnull(m);
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_model_export(m, "yaml", &b, d);
        r.yaml = tm_buf_detach(&b);
        tm_model_free(m);
    }
    tm_buf e;
    tm_buf_init(&e, 0);
    tm_diags_format(d, &e);
    r.diags = tm_xstrdup(e.data ? e.data : "");
    tm_buf_free(&e);
    tm_diags_free(d);
    tm_arena_free(a);
    tu_rmtree(dir);
    free(dir);
    return r;
}

#define TD_HEAD                                                                                    \
    "{\"version\": \"2.3.0\", \"summary\": {\"title\": \"T\"}, \"detail\": {\"diagrams\": [{"  \
    "\"id\": 0, \"cells\": ["
#define TD_TAIL "]}]}}"
#define NODE(shape, id, name, x, y, w, h)                                                          \
    "{\"id\": \"" id "\", \"shape\": \"" shape "\", \"position\": {\"x\": " #x ", \"y\": " #y     \
    "}, \"size\": {\"width\": " #w ", \"height\": " #h "}, \"data\": {\"name\": \"" name "\"}}"
#define FLOW(id, name, from, to, extra)                                                            \
    "{\"id\": \"" id "\", \"shape\": \"flow\", \"source\": {\"cell\": \"" from "\"}, "             \
    "\"target\": {\"cell\": \"" to "\"}" extra ", \"data\": {\"name\": \"" name "\"}}"

START_TEST(boxes_by_geometry)
{
    /* Outer holds inner and a; inner holds b; c overlaps outer's edge (out);
     * two identical boxes nest in file order. */
    S_result r = S_import_inline(
        TD_HEAD NODE("trust-boundary-box", "bo", "Outer", 0, 0, 1000, 1000) ","
        NODE("trust-boundary-box", "bi", "Inner", 100, 100, 300, 300) ","
        NODE("actor", "a", "A", 500, 500, 100, 50) "," NODE("process", "b", "B", 150, 150, 100, 100)
        "," NODE("store", "c", "C", 950, 10, 100, 50) ","
        NODE("trust-boundary-box", "t1", "Twin one", 2000, 0, 300, 300) ","
        NODE("trust-boundary-box", "t2", "Twin two", 2000, 0, 300, 300) ","
        NODE("process", "d", "D", 2100, 100, 50, 50) TD_TAIL);
    ck_assert_msg(r.yaml != NULL, "%s", r.diags);
    ck_assert_msg(strstr(r.yaml, "  - id: inner\n    name: Inner\n    parent: outer\n"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: twin-two\n    name: Twin two\n    parent: twin-one\n"),
                  "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: a\n    name: A\n    type: generic.external\n    boundary: outer\n"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: b\n    name: B\n    type: generic.process\n    boundary: inner\n"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: c\n    name: C\n    type: generic.store\n  - id"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: d\n    name: D\n    type: generic.process\n    boundary: twin-two\n"), "%s", r.yaml);
    S_result_free(&r);
}
END_TEST

START_TEST(curve_crossings)
{
    /* A vertical curve at x = 500 between y 0 and 400: the flow a -> b crosses
     * it, a -> c (bent below the curve's end through a vertex) does not. */
    S_result r = S_import_inline(
        TD_HEAD NODE("actor", "a", "A", 0, 100, 100, 100) ","
        NODE("process", "b", "B", 800, 100, 100, 100) "," NODE("store", "c", "C", 800, 600, 100, 50)
        ",{\"id\": \"k\", \"shape\": \"trust-boundary-curve\", \"source\": {\"x\": 500, \"y\": 0}, "
        "\"target\": {\"x\": 500, \"y\": 400}, \"data\": {\"name\": \"Firewall\"}},"
        FLOW("f1", "Over", "a", "b", "") ","
        FLOW("f2", "Under", "a", "c", ", \"vertices\": [{\"x\": 50, \"y\": 700}]") TD_TAIL);
    ck_assert_msg(r.yaml != NULL, "%s", r.diags);
    ck_assert_msg(strstr(r.yaml, "    name: Over\n    props:\n      trust_boundary_curves:\n        - Firewall\n"), "%s", r.yaml);
    /* one crossing in the whole model: Over's */
    const char *first = strstr(r.yaml, "trust_boundary_curves");
    ck_assert_ptr_nonnull(strstr(r.yaml, "    name: Under\n"));
    ck_assert_ptr_null(strstr(first + 1, "trust_boundary_curves"));
    S_result_free(&r);
}
END_TEST

START_TEST(ids_from_names)
{
    /* Same name twice: the cell id's start tells them apart; no name: the
     * kind; "model" is kept for model-wide threats; flows without a name
     * are named after their ends. */
    S_result r = S_import_inline(
        TD_HEAD NODE("process", "1111aaaa-0000", "Web  App", 0, 0, 10, 10) ","
        NODE("process", "2222bbbb-0000", "web app", 100, 0, 10, 10) ","
        NODE("store", "3333", "", 200, 0, 10, 10) "," NODE("actor", "4444", "Model", 300, 0, 10, 10)
        "," FLOW("f", "", "4444", "3333", "") TD_TAIL);
    ck_assert_msg(r.yaml != NULL, "%s", r.diags);
    ck_assert_msg(strstr(r.yaml, "  - id: web-app-1111aaaa\n    name: Web App\n"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: web-app-2222bbbb\n    name: web app\n"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: element\n    type: generic.store\n"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: model-element\n    name: Model\n"), "%s", r.yaml);
    ck_assert_msg(strstr(r.yaml, "  - id: model-element--element\n    from: model-element\n    to: element\n"), "%s", r.yaml);
    S_result_free(&r);
}
END_TEST

START_TEST(detection)
{
    /* Without --from, a Threat Dragon model is recognised. */
    S_result r = S_import_inline(TD_HEAD NODE("actor", "a", "A", 0, 0, 10, 10) TD_TAIL);
    ck_assert_msg(r.yaml != NULL, "%s", r.diags);
    ck_assert_str_eq(r.diags, "");
    S_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- export */

START_TEST(export_golden_and_deterministic)
{
    char *a = S_export(TD_DIR "/export-small.yaml");
    char *b = S_export(TD_DIR "/export-small.yaml");
    ck_assert_str_eq(a, b);
    S_golden(TD_DIR "/export-small.td.json", a);
    free(a);
    free(b);
}
END_TEST

START_TEST(export_schema)
{
    tm_arena *ar = tm_arena_new();
    char *schema_text = tu_slurp(tu_path(TD_DIR "/td-v2.schema.json"), NULL);
    ck_assert_ptr_nonnull(schema_text);
    tm_node *schema = S_json(ar, "td-v2.schema.json", schema_text);
    const char *models[] = {"models/serverless-webapp.yaml", TD_DIR "/export-small.yaml"};
    for (size_t i = 0; i < 2; i++) {
        char *out = S_export(models[i]);
        tm_buf errs;
        tm_buf_init(&errs, 0);
        int n = tu_schema_validate(schema, S_json(ar, models[i], out), &errs);
        ck_assert_msg(n == 0, "%s: export not valid against td-v2.schema.json:\n%s", models[i],
                      errs.data);
        tm_buf_free(&errs);
        free(out);
    }
    /* The hand-written fixtures follow the same schema. */
    char *fixture = tu_slurp(tu_path(TD_DIR "/shop-v2.json"), NULL);
    ck_assert_int_eq(tu_schema_validate(schema, S_json(ar, "shop-v2.json", fixture), NULL), 0);
    free(fixture);
    /* ... and the schema is not a pushover. */
    ck_assert_int_gt(tu_schema_validate(schema,
                                        S_json(ar, "x", "{\"version\": \"2.3.0\", \"summary\": {}, "
                                                        "\"detail\": {\"diagrams\": []}}"),
                                        NULL),
                     0);
    free(schema_text);
    tm_arena_free(ar);
}
END_TEST

/* Every element, boundary and flow of the example survives the trip. */
START_TEST(round_trip_example)
{
    char *out = S_export("models/serverless-webapp.yaml");
    tm_diags *d = tm_diags_new();
    tm_model *orig = tm_model_load(tu_path("models/serverless-webapp.yaml"), NULL, d);
    ck_assert_ptr_nonnull(orig);
    tm_arena *a = tm_arena_new();
    tm_model *back = S_import_text(out, a);
    const char *why = fuzz_td_same(orig, back);
    ck_assert_msg(why == NULL, "%s", why);
    ck_assert_uint_eq(orig->n_elements, 33);
    /* types, props and the flow facts Threat Dragon has no field for come
     * back from data.stridecType / stridecProps / stridecFlow */
    for (size_t i = 0; i < back->n_elements; i++) {
        const tm_element *x = orig->elements[i], *y = back->elements[i];
        ck_assert_str_eq(y->type, x->type);
        ck_assert_msg(tm_node_equal(x->props, y->props), "props of %s changed", x->id);
    }
    for (size_t i = 0; i < back->n_boundaries; i++)
        ck_assert_str_eq(back->boundaries[i]->type, orig->boundaries[i]->type);
    for (size_t i = 0; i < back->n_flows; i++) {
        const tm_flow *x = orig->flows[i], *y = back->flows[i];
        ck_assert_int_eq(y->authenticated, x->authenticated);
        ck_assert_int_eq(y->encrypted == TM_TRI_TRUE, x->encrypted == TM_TRI_TRUE);
        ck_assert_int_eq(y->authorization, x->authorization);
        ck_assert_int_eq(y->trigger, x->trigger);
        ck_assert_int_eq(y->bidirectional, x->bidirectional);
        ck_assert_int_eq(y->port, x->port);
    }
    /* review decisions come back for the threats they decided */
    int waf = 0, web = 0;
    for (size_t i = 0; i < back->n_decisions; i++) {
        const tm_decision *x = back->decisions[i];
        if (strcmp(x->pattern, "APIGW-NO-WAF@shop-rest-api") == 0)
            waf = x->status == TM_STATUS_IN_PROGRESS;
        if (strcmp(x->pattern, "S3-PUBLIC-ACL@website-bucket") == 0)
            web = x->status == TM_STATUS_ACCEPTED;
    }
    ck_assert_msg(waf && web, "decisions lost in the round trip");
    /* and the export of the re-import has the same cells in the same places */
    tm_model_free(back);
    tm_arena_free(a);
    tm_model_free(orig);
    tm_diags_free(d);
    free(out);
}
END_TEST

/* Threat statuses and severities as Threat Dragon spells them. */
START_TEST(export_threat_fields)
{
    char *out = S_export("models/serverless-webapp.yaml");
    ck_assert_ptr_nonnull(strstr(out, "\"status\": \"NA\""));
    ck_assert_ptr_nonnull(strstr(out, "\"status\": \"Mitigated\""));
    ck_assert_ptr_nonnull(strstr(out, "\"status\": \"Open\""));
    ck_assert_ptr_nonnull(strstr(out, "\"stridecStatus\": \"in-progress\""));
    ck_assert_ptr_nonnull(strstr(out, "\"ruleId\": \"APIGW-NO-WAF\""));
    ck_assert_ptr_nonnull(strstr(out, "\"type\": \"Information disclosure\""));
    ck_assert_ptr_null(strstr(out, "\"severity\": \"critical\""));
    ck_assert_ptr_nonnull(strstr(out, "\"shape\": \"td-text-block\""));
    free(out);
}
END_TEST

/* ------------------------------------------------------------------- CLI */

START_TEST(cli_export)
{
    char *dir = tu_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/out.json", dir);
    const char *args[] = {"export", "--to", "threatdragon", TD_DIR "/export-small.yaml", "-o",
                          path, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    char *written = tu_slurp(path, NULL), *golden = tu_slurp(tu_path(TD_DIR "/export-small.td.json"), NULL);
    ck_assert_ptr_nonnull(written);
    ck_assert_str_eq(written, golden);
    free(written);
    free(golden);
    tu_result_free(&r);

    /* A bad model: its error, exit 2, nothing written. */
    snprintf(path, sizeof path, "%s/bad.json", dir);
    const char *bad[] = {"export", "--to", "threatdragon", "tests/bad/dup-id.yaml", "-o", path, NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "tests/bad/dup-id.yaml:"));
    ck_assert_ptr_null(tu_slurp(path, NULL));
    tu_result_free(&r);

    /* Engine options go with threatdragon only. */
    const char *rules[] = {"export", "--to", "yaml", "--rules", "x.yaml", TD_DIR "/export-small.yaml", NULL};
    r = tu_run(rules);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--to threatdragon only"));
    tu_result_free(&r);

    const char *unknown[] = {"export", "--to", "visio", TD_DIR "/export-small.yaml", NULL};
    r = tu_run(unknown);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--to takes yaml, json, xml or threatdragon, not 'visio'"));
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* `stridec import` on Threat Dragon files: the same model and messages as
 * the library gives, then the command's one-line summary. */
START_TEST(cli_import)
{
    const char *args[] = {"import", "--from", "threatdragon", TD_DIR "/shop-v2.json", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    char *yaml = tu_slurp(tu_path(TD_DIR "/shop-v2.yaml"), NULL);
    char *warn = tu_slurp(tu_path(TD_DIR "/shop-v2.stderr"), NULL);
    ck_assert_str_eq(r.out, yaml);
    tm_buf want;
    tm_buf_init(&want, 0);
    tm_buf_printf(&want,
                  "%sstridec: imported " TD_DIR "/shop-v2.json (threatdragon): 6 elements, 4 "
                  "flows, 0 identities, 0 artifacts; 3 warnings\n",
                  warn);
    ck_assert_str_eq(r.err, want.data);
    tm_buf_free(&want);
    free(yaml);
    free(warn);
    tu_result_free(&r);

    /* recognised without --from */
    const char *detect[] = {"import", TD_DIR "/legacy-v1.json", NULL};
    r = tu_run(detect);
    ck_assert_int_eq(r.status, 0);
    yaml = tu_slurp(tu_path(TD_DIR "/legacy-v1.yaml"), NULL);
    ck_assert_str_eq(r.out, yaml);
    free(yaml);
    tu_result_free(&r);

    /* every bad input: exit 2, the exact message, nothing on stdout */
    char **names;
    size_t n = S_list(TD_DIR "/bad", ".json", &names);
    for (size_t i = 0; i < n; i++) {
        char path[512], expected[512];
        snprintf(path, sizeof path, TD_DIR "/bad/%s", names[i]);
        snprintf(expected, sizeof expected, TD_DIR "/bad/%s.expected", names[i]);
        const char *bad[] = {"import", "--from", "threatdragon", path, NULL};
        r = tu_run(bad);
        char *msg = tu_slurp(tu_path(expected), NULL);
        ck_assert_msg(r.status == 2, "%s: exit %d", path, r.status);
        ck_assert_str_eq(r.out, "");
        ck_assert_str_eq(r.err, msg);
        free(msg);
        tu_result_free(&r);
    }
    S_free_list(names, n);
}
END_TEST

/* export, then import with the CLI, then check: the trip a team makes. */
START_TEST(cli_round_trip)
{
    char *dir = tu_tmpdir();
    char td[600], model[600];
    snprintf(td, sizeof td, "%s/shop.td.json", dir);
    snprintf(model, sizeof model, "%s/shop.yaml", dir);
    const char *ex[] = {"export", "--to", "threatdragon", "models/serverless-webapp.yaml", "-o", td, NULL};
    tu_result r = tu_run(ex);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    const char *im[] = {"import", td, "-o", model, NULL};
    r = tu_run(im);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "(threatdragon): 33 elements, 50 flows"));
    tu_result_free(&r);
    const char *ck[] = {"check", model, "--fail-on", "critical", NULL};
    r = tu_run(ck);
    ck_assert_msg(r.status == 0 || r.status == 1, "check of the imported model: %s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "APIGW-NO-WAF@shop-rest-api"));
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* -------------------------------------------------------------- fuzzing */


static const char *S_fuzz_one(void *ud, const uint8_t *data, size_t len)
{
    (void)ud;
    return fuzz_import_td_one(data, len);
}

START_TEST(fuzz_corpus)
{
    size_t files = tu_fuzz_replay("tests/fuzz/corpus/import_td", S_fuzz_one, NULL,
                                  tu_skip_slow() ? 5 : 60, 4, "0123456789\"{}[],:-.tfn ", "\"{}[],:0-9");
    ck_assert_uint_ge(files, 5);
}
END_TEST

Suite *suite_threatdragon(void)
{
    Suite *s = suite_create("threatdragon");
    TCase *tc = tcase_create("import");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, import_goldens);
    tcase_add_test(tc, import_bad_inputs);
    tcase_add_test(tc, boxes_by_geometry);
    tcase_add_test(tc, curve_crossings);
    tcase_add_test(tc, ids_from_names);
    tcase_add_test(tc, detection);
    suite_add_tcase(s, tc);
    tc = tcase_create("export");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, export_golden_and_deterministic);
    tcase_add_test(tc, export_schema);
    tcase_add_test(tc, round_trip_example);
    tcase_add_test(tc, export_threat_fields);
    tcase_add_test(tc, cli_export);
    tcase_add_test(tc, cli_import);
    tcase_add_test(tc, cli_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, fuzz_corpus);
    suite_add_tcase(s, tc);
    return s;
}
