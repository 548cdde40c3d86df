/*
 * Attack paths (src/engine/paths*.c, share/stridec/doc/attack-paths.md).
 *
 * Data-driven: every tests/paths/DIR/NAME.yaml is analysed and its paths,
 * one line each as `PATH-ID SEVERITY TECHNIQUES STEP-KINDS` in the order
 * reported, must be exactly the lines of NAME.expected (tests/paths/README.md).
 * Besides: the built-in knowledge, the example model's paths, findings and
 * evidence, the bounds, determinism, errors in knowledge files, and the CLI.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_paths_check.h"
#include "engine/paths.h"
#include "stridec/doc.h"
#include "stridec/model.h"
#include "stridec/render.h"
#include "testutil.h"

typedef struct {
    tm_diags *d;
    tm_catalog *cat;
    tm_ruleset *rs;
    tm_model *m;
    tm_analysis *a;
} S_run;

static void S_analyse(S_run *r, const char *path, int with_rules)
{
    memset(r, 0, sizeof *r);
    r->d = tm_diags_new();
    r->cat = tm_catalog_builtin(r->d);
    ck_assert_ptr_nonnull(r->cat);
    if (with_rules) {
        r->rs = tm_ruleset_new();
        ck_assert_int_eq(tm_ruleset_add_builtin(r->rs, r->d), 0);
    }
    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.catalog = r->cat;
    r->m = tm_model_load(path, &lo, r->d);
    if (!r->m) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(r->d, &b);
        ck_abort_msg("%s does not load:\n%s", path, b.data ? b.data : "");
    }
    r->a = tm_analyze(r->m, r->cat, r->rs, NULL, r->d);
    ck_assert_ptr_nonnull(r->a);
}

static void S_free(S_run *r)
{
    tm_analysis_free(r->a);
    tm_model_free(r->m);
    tm_ruleset_free(r->rs);
    tm_catalog_free(r->cat);
    tm_diags_free(r->d);
}

/* The paths as the .expected files write them. */
static void S_lines(const tm_analysis *a, tm_buf *out)
{
    for (size_t i = 0; i < a->n_paths; i++) {
        const tm_path *p = &a->paths[i];
        tm_buf_printf(out, "%s %s ", p->id, tm_severity_name(p->severity));
        int any = 0;
        for (size_t k = 0; k < p->n_steps; k++)
            if (p->steps[k].technique) {
                tm_buf_printf(out, "%s%s", any ? "," : "", p->steps[k].technique);
                any = 1;
            }
        tm_buf_puts(out, any ? " " : "- ");
        for (size_t k = 0; k < p->n_steps; k++)
            tm_buf_printf(out, "%s%s", k ? "," : "", tm_step_kind_name(p->steps[k].kind));
        tm_buf_putc(out, '\n');
    }
}

static int S_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sorted names in a folder ending with `suffix` (or folders when NULL). */
static size_t S_list(const char *dir, const char *suffix, char ***out)
{
    DIR *dp = opendir(dir);
    ck_assert_msg(dp != NULL, "cannot open %s", dir);
    char **v = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (de->d_name[0] == '.')
            continue;
        size_t len = strlen(de->d_name);
        if (suffix) {
            size_t sl = strlen(suffix);
            if (len <= sl || strcmp(de->d_name + len - sl, suffix) != 0)
                continue;
        } else if (strchr(de->d_name, '.')) {
            continue;
        }
        v = realloc(v, (n + 1) * sizeof *v);
        v[n++] = strdup(de->d_name);
    }
    closedir(dp);
    if (n > 1)
        qsort(v, n, sizeof *v, S_cmp);
    *out = v;
    return n;
}

static void S_free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---------------------------------------------------------- knowledge */

START_TEST(builtin_knowledge_loads)
{
    tm_diags *d = tm_diags_new();
    tm_paths_knowledge *k = tm_paths_knowledge_builtin(d);
    ck_assert_msg(k != NULL, "the built-in attack-path knowledge does not load");
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    /* every pathfinding.cloud path, each with its actions and a way to break it */
    ck_assert_uint_eq(k->n_techniques, 65);
    size_t unsupported = 0;
    for (size_t i = 0; i < k->n_techniques; i++) {
        const tm_technique *t = &k->techniques[i];
        ck_assert_msg(t->n_actions > 0 && t->cut && t->reference, "%s is incomplete", t->id);
        ck_assert_msg(strstr(t->reference, t->id) != NULL, "%s: reference %s", t->id,
                      t->reference);
        if (t->yields == TM_TECH_PASSED_ROLE)
            ck_assert_msg(t->service && strstr(t->service, ".amazonaws.com"), "%s: service",
                          t->id);
        unsupported += t->unsupported != NULL;
        if (i)
            ck_assert_str_lt(k->techniques[i - 1].id, t->id);
    }
    ck_assert_uint_le(unsupported, 4);
    ck_assert_uint_ge(k->n_entries, 5);
    ck_assert_ptr_nonnull(k->open.when);
    ck_assert_ptr_nonnull(k->validates.when);
    ck_assert_ptr_nonnull(k->validates_any.when);
    ck_assert_ptr_nonnull(k->key_read);
    tm_paths_knowledge_free(k);
    tm_diags_free(d);
}
END_TEST

/* A broken knowledge file names the place and gives no knowledge. */
static void S_bad_knowledge(const char *search, const char *tech, const char *want)
{
    tm_diags *d = tm_diags_new();
    tm_paths_knowledge *k = tm_paths_knowledge_from_text(
        "search.yaml", search, strlen(search), "techniques.yaml", tech, strlen(tech), d);
    ck_assert_ptr_null(k);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_diags_format(d, &b);
    ck_assert_msg(b.data && strstr(b.data, want), "expected '%s' in:\n%s", want,
                  b.data ? b.data : "");
    tm_buf_free(&b);
    tm_diags_free(d);
}

START_TEST(bad_knowledge_is_an_error_at_its_place)
{
    static const char good_search[] =
        "version: 1\nrelays: [aws.sns]\nentries: []\n"
        "open: {when: \"!flow.authenticated\", says: s, cut: c}\n"
        "validates: {when: \"target.props.validates_input == true\", says: s, cut: c}\n"
        "validates_any: {when: \"element.props.validates_input == true\", says: s, cut: c}\n"
        "key_read: {when: \"element.props.encryption == \\\"kms\\\"\", action: \"kms:Decrypt\"}\n"
        "finding: {id: ATTACK-PATH, title: t, stride: [I, E], likelihood: likely,\n"
        "          impact: very-high, description: d, mitigation: m}\n";
    static const char good_tech[] =
        "version: 1\nsource: s\ngenerated: \"2026-01-01\"\ntechniques:\n"
        "  - {id: sts-001, name: n, category: c, yields: target, principal: role,\n"
        "     actions: [{action: \"sts:AssumeRole\", on: target}], requires: [trust],\n"
        "     break: b, reference: r}\n";
    tm_diags *d = tm_diags_new();
    tm_paths_knowledge *k = tm_paths_knowledge_from_text("search.yaml", good_search,
                                                         strlen(good_search), "techniques.yaml",
                                                         good_tech, strlen(good_tech), d);
    ck_assert_ptr_nonnull(k);
    tm_paths_knowledge_free(k);
    tm_diags_free(d);

    char buf[4096];
    snprintf(buf, sizeof buf, "%s", good_search);
    char *p = strstr(buf, "!flow.authenticated");
    memcpy(p, "!flow.authenticatd ", 19);
    S_bad_knowledge(buf, good_tech, "search.yaml:4:");
    S_bad_knowledge(buf, good_tech, "authenticatd");
    snprintf(buf, sizeof buf, "%s", good_tech);
    p = strstr(buf, "yields: target");
    memcpy(p, "yields: tarket", 14);
    S_bad_knowledge(good_search, buf, "techniques.yaml:5:");
    S_bad_knowledge(good_search, buf, "did you mean 'target'");
    snprintf(buf, sizeof buf, "%s", good_tech);
    p = strstr(buf, "sts:AssumeRole");
    memcpy(p, "stsXAssumeRole", 14);
    S_bad_knowledge(good_search, buf, "'action' must be SERVICE:Action");
    S_bad_knowledge("version: 1\n", good_tech, "missing required key 'relays'");
    snprintf(buf, sizeof buf, "%s", good_search);
    p = strstr(buf, "stride: [I, E]");
    memcpy(p, "stride: [I, X]", 14);
    S_bad_knowledge(buf, good_tech, "'stride' holds S, T, R, I, D or E, not 'X'");
}
END_TEST

/* --------------------------------------------------------- data-driven */

START_TEST(cases_give_exactly_the_expected_paths)
{
    char **dirs = NULL;
    size_t nd = S_list(tu_path("tests/paths"), NULL, &dirs);
    size_t cases = 0;
    for (size_t i = 0; i < nd; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", tu_path("tests/paths"), dirs[i]);
        char **files = NULL;
        size_t nf = S_list(dir, ".yaml", &files);
        for (size_t f = 0; f < nf; f++) {
            char model[1200], exp[1200];
            snprintf(model, sizeof model, "%s/%s", dir, files[f]);
            snprintf(exp, sizeof exp, "%s/%.*s.expected", dir, (int)(strlen(files[f]) - 5),
                     files[f]);
            size_t len = 0;
            char *want = tu_slurp(exp, &len);
            ck_assert_msg(want != NULL, "%s has no .expected file", model);
            S_run r;
            S_analyse(&r, model, 0);
            tm_buf got;
            tm_buf_init(&got, 0);
            S_lines(r.a, &got);
            ck_assert_msg(strcmp(got.data ? got.data : "", want) == 0,
                          "%s/%s: paths differ\n--- expected\n%s--- got\n%s", dirs[i], files[f],
                          want, got.data ? got.data : "");
            tm_buf_free(&got);
            free(want);
            S_free(&r);
            cases++;
        }
        S_free_list(files, nf);
    }
    S_free_list(dirs, nd);
    ck_assert_uint_ge(cases, 60);
}
END_TEST

/* At least 15 techniques, each with a positive model whose path uses it and
 * a negative model without any path. */
START_TEST(techniques_have_positive_and_negative_cases)
{
    tm_diags *d = tm_diags_new();
    tm_paths_knowledge *k = tm_paths_knowledge_builtin(d);
    ck_assert_ptr_nonnull(k);
    size_t covered = 0;
    for (size_t i = 0; i < k->n_techniques; i++) {
        char pos[1024], neg[1024];
        snprintf(pos, sizeof pos, "tests/paths/%s/pos.expected", k->techniques[i].id);
        snprintf(neg, sizeof neg, "tests/paths/%s/neg.expected", k->techniques[i].id);
        size_t lp = 0, ln = 0;
        char *p = tu_slurp(tu_path(pos), &lp), *n = tu_slurp(tu_path(neg), &ln);
        if (p || n) {
            ck_assert_msg(p && n, "%s needs both a positive and a negative case",
                          k->techniques[i].id);
            ck_assert_msg(strstr(p, k->techniques[i].id) != NULL,
                          "the positive case of %s does not use it", k->techniques[i].id);
            ck_assert_msg(ln == 0, "the negative case of %s expects a path", k->techniques[i].id);
            covered++;
        }
        free(p);
        free(n);
    }
    ck_assert_uint_ge(covered, 15);
    tm_paths_knowledge_free(k);
    tm_diags_free(d);
}
END_TEST

/* ------------------------------------------------------- the example */

static const tm_path *S_path(const tm_analysis *a, const char *id)
{
    for (size_t i = 0; i < a->n_paths; i++)
        if (strcmp(a->paths[i].id, id) == 0)
            return &a->paths[i];
    return NULL;
}

/* The issue's example: a critical path whose steps name the technique and
 * whose finding lists the steps, located at the first one. */
START_TEST(issue_example_is_a_critical_path)
{
    S_run r;
    S_analyse(&r, tu_path("tests/paths/example/model.yaml"), 1);
    const tm_path *p = S_path(r.a, "visitor--payroll-table");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p->severity, TM_SEV_CRITICAL);
    ck_assert_uint_eq(p->n_steps, 5);
    ck_assert_str_eq(p->steps[0].flow->from->id, "visitor");
    ck_assert_str_eq(p->steps[1].element->id, "render-fn");
    ck_assert_int_eq(p->steps[2].kind, TM_STEP_COMPROMISE);
    const tm_path_step *esc = &p->steps[3];
    ck_assert_str_eq(esc->technique, "lambda-001");
    ck_assert_str_eq(esc->from_identity->id, "render-role");
    ck_assert_str_eq(esc->identity->id, "payroll-role");
    ck_assert_ptr_nonnull(strstr(esc->says, "iam:PassRole on payroll-role"));
    ck_assert_ptr_nonnull(strstr(esc->cut, "iam:PassedToService"));
    /* the escalation rests on the statements that grant it, where they are */
    int passrole = 0;
    for (size_t i = 0; i < esc->n_facts; i++)
        if (strstr(esc->facts[i].value, "iam:PassRole")) {
            passrole = 1;
            ck_assert(esc->facts[i].stated);
            ck_assert_uint_gt(esc->facts[i].loc.line, 0);
        }
    ck_assert(passrole);
    ck_assert_int_eq(p->steps[4].kind, TM_STEP_DATA_ACCESS);
    ck_assert_uint_eq(p->steps[4].access, TM_PATH_READ);
    /* every step states what lets it happen */
    for (size_t i = 0; i < p->n_steps; i++)
        ck_assert_msg(p->steps[i].says && *p->steps[i].says, "step %zu states no condition", i);
    /* its finding */
    const tm_threat *t = p->threat;
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->id, "ATTACK-PATH@visitor--payroll-table");
    ck_assert_int_eq(t->severity, TM_SEV_CRITICAL);
    ck_assert_uint_eq(t->n_evidence, p->n_steps);
    ck_assert_uint_eq(t->loc.line, p->steps[0].loc.line);
    ck_assert_ptr_nonnull(
        strstr(t->description, "visitor \xE2\x86\x92 Reports API \xE2\x86\x92 Render function"));
    ck_assert_ptr_nonnull(strstr(t->description, "lambda-001"));
    ck_assert_ptr_nonnull(strstr(t->description, "Payroll table"));
    int found = 0;
    for (size_t i = 0; i < r.a->n_threats; i++)
        found += r.a->threats[i] == t;
    ck_assert_int_eq(found, 1);
    S_free(&r);
}
END_TEST

/* A review decision applies to a path's finding like to any other. */
START_TEST(review_decisions_apply_to_paths)
{
    char *dir = tu_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    size_t len = 0;
    char *text = tu_slurp(tu_path("tests/paths/example/model.yaml"), &len);
    ck_assert_ptr_nonnull(text);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%sthreats:\n  - {id: \"ATTACK-PATH@visitor--*\", status: accepted, "
               "justification: the table is a test fixture}\n",
            text);
    fclose(f);
    free(text);
    S_run r;
    S_analyse(&r, path, 0);
    const tm_path *p = S_path(r.a, "visitor--payroll-table");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p->threat->status, TM_STATUS_ACCEPTED);
    S_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The example model's paths (models/serverless-webapp.yaml): the routes its
 * planted weaknesses make (W02-W05, W10, W12, W13, W20), each reviewed:
 *   - the public-read uploads bucket (W02) and the unauthenticated GET flow to it;
 *   - ops staff -> the unauthenticated admin function URL (W13) -> its role's
 *     access to the orders table and its writes into the uploads bucket;
 *   - uploads -> the S3 event into the upload processor that does not validate
 *     (W03) -> shared-role's s3:* on every bucket (W20): write and delete on the
 *     mail bucket (its KMS key stops reads), and its flow to the orders table;
 *   - inbound mail -> SES -> the e-mail function that does not validate (W12);
 *   - the payment provider -> the webhook API without authorizer (W05) -> the
 *     payment function that does not validate (W10) -> the orders table. */
START_TEST(example_model_paths)
{
    S_run r;
    S_analyse(&r, tu_path("models/serverless-webapp.yaml"), 1);
    size_t len = 0;
    char *want = tu_slurp(tu_path("tests/paths/serverless-webapp.expected"), &len);
    ck_assert_ptr_nonnull(want);
    tm_buf got;
    tm_buf_init(&got, 0);
    S_lines(r.a, &got);
    ck_assert_msg(strcmp(got.data ? got.data : "", want) == 0,
                  "--- expected\n%s--- got\n%s", want, got.data ? got.data : "");
    tm_buf_free(&got);
    free(want);
    /* the secure parts stay off every path's route except as its target */
    for (size_t i = 0; i < r.a->n_paths; i++)
        for (size_t k = 0; k < r.a->paths[i].n_steps; k++) {
            const tm_path_step *s = &r.a->paths[i].steps[k];
            if (s->kind == TM_STEP_COMPROMISE)
                ck_assert_str_ne(s->element->id, "orders-fn");
        }
    ck_assert(!r.a->paths_summary.cut_work && !r.a->paths_summary.cut_paths);
    S_free(&r);
}
END_TEST

/* ------------------------------------------------------------- bounds */

static void S_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* A chain longer than the step bound is cut, and the summary says so; more
 * paths than the path bound keep the shortest and say so. */
START_TEST(bounds_are_reported)
{
    char *dir = tu_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/chain.yaml", dir);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "stridec: 1\nsystem: {name: chain}\ndata: [{id: d, classification: "
                    "restricted}]\nelements:\n  - {id: u, type: user}\n");
    for (int i = 0; i < 20; i++)
        tm_buf_printf(&b, "  - {id: p%d, type: generic.process, props: {validates_input: false}}\n",
                      i);
    tm_buf_puts(&b, "  - {id: s, type: generic.store, data: [d]}\nflows:\n  - {from: u, to: p0}\n");
    for (int i = 0; i + 1 < 20; i++)
        tm_buf_printf(&b, "  - {from: p%d, to: p%d}\n", i, i + 1);
    tm_buf_puts(&b, "  - {from: p19, to: s}\n  - {from: p3, to: s}\n");
    S_write(path, b.data);
    S_run r;
    S_analyse(&r, path, 0);
    ck_assert(r.a->paths_summary.cut_steps);
    ck_assert_uint_eq(r.a->paths_summary.max_steps, 12);
    /* the short route through p3 is still found */
    const tm_path *p = S_path(r.a, "u--s");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_le(p->n_steps, 12);
    S_free(&r);

    /* 150 users each reaching their own restricted store: 150 distinct paths */
    tm_buf_reset(&b);
    tm_buf_puts(&b, "stridec: 1\nsystem: {name: many}\ndata: [{id: d, classification: "
                    "restricted}]\nelements:\n");
    for (int i = 0; i < 150; i++)
        tm_buf_printf(&b,
                      "  - {id: u%d, type: user}\n  - {id: s%d, type: generic.store, data: [d]}\n",
                      i, i);
    tm_buf_puts(&b, "flows:\n");
    for (int i = 0; i < 150; i++)
        tm_buf_printf(&b, "  - {from: u%d, to: s%d}\n", i, i);
    snprintf(path, sizeof path, "%s/many.yaml", dir);
    S_write(path, b.data);
    S_analyse(&r, path, 0);
    ck_assert_uint_eq(r.a->paths_summary.found, 150);
    ck_assert_uint_eq(r.a->n_paths, 100);
    ck_assert(r.a->paths_summary.cut_paths);
    ck_assert_str_eq(r.a->paths[0].id, "u0--s0");
    S_free(&r);
    tm_buf_free(&b);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Same model, same paths, same bytes. */
START_TEST(paths_are_deterministic)
{
    tm_buf out[2];
    for (int k = 0; k < 2; k++) {
        S_run r;
        S_analyse(&r, tu_path("models/serverless-webapp.yaml"), 1);
        tm_buf_init(&out[k], 0);
        tm_render_opts o;
        memset(&o, 0, sizeof o);
        ck_assert_int_eq(tm_render_json(r.a, &o, &out[k], r.d), 0);
        S_free(&r);
    }
    ck_assert_uint_eq(out[0].len, out[1].len);
    ck_assert(memcmp(out[0].data, out[1].data, out[0].len) == 0);
    ck_assert_ptr_nonnull(strstr(out[0].data, "\"paths\": ["));
    tm_buf_free(&out[0]);
    tm_buf_free(&out[1]);
}
END_TEST


/* ------------------------------------------------------------ reports */

static char *S_out(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *s = tu_slurp(path, NULL);
    ck_assert_msg(s != NULL, "%s was not written", path);
    return s;
}

/* The reports show the paths: a table and each path's steps, linked. */
START_TEST(reports_show_the_paths)
{
    char *dir = tu_tmpdir();
    const char *args[] = {"report", tu_path("tests/paths/example/model.yaml"), "-o", dir, "-f",
                          "html,md,pdf", NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    char *html = S_out(dir, "report.html"), *md = S_out(dir, "report.md");
    ck_assert_ptr_nonnull(strstr(html, "id=\"attack-paths\""));
    ck_assert_ptr_nonnull(strstr(html, "href=\"#path-visitor--payroll-table\""));
    ck_assert_ptr_nonnull(strstr(html, "id=\"path-visitor--payroll-table\""));
    ck_assert_ptr_nonnull(strstr(html, "href=\"https://pathfinding.cloud/paths/lambda-001\""));
    /* a step links to its part's threats */
    ck_assert_ptr_nonnull(strstr(html, "href=\"#t-element-render-fn\""));
    ck_assert_ptr_nonnull(strstr(md, "### Attack paths"));
    ck_assert_ptr_nonnull(strstr(md, "| 1 | **critical** | visitor (external entity) | "
                                     "Payroll table "
                                     "(restricted data) | 5 | lambda-001 |"));
    ck_assert_ptr_nonnull(strstr(md, "](#element-render-function)"));
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "pdftotext '%s/report.pdf' '%s/report.txt' 2>/dev/null", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    char *txt = S_out(dir, "report.txt");
    ck_assert_ptr_nonnull(strstr(txt, "Attack paths"));
    ck_assert_ptr_nonnull(strstr(txt, "What cuts the path here"));
    free(txt);
    free(html);
    free(md);
    tu_rmtree(dir);
    free(dir);

    /* no path: the section says so */
    dir = tu_tmpdir();
    const char *args2[] = {"report", tu_path("tests/paths/no-path/stated-controls.yaml"), "-o", dir,
                           "-f", "html,json", NULL};
    r = tu_run(args2);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    html = S_out(dir, "report.html");
    ck_assert_ptr_nonnull(strstr(html, "No attack path was found."));
    char *json = S_out(dir, "threats.json");
    ck_assert_ptr_nonnull(strstr(json, "\"paths\": []"));
    free(json);
    free(html);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Model text on a path is escaped in every report. */
START_TEST(path_text_is_escaped)
{
    char *dir = tu_tmpdir();
    char model[1200];
    snprintf(model, sizeof model, "%s/m.yaml", dir);
    S_write(model, "stridec: 1\nsystem: {name: x}\ndata: [{id: d, classification: restricted}]\n"
                   "elements:\n  - {id: b, name: \"<img src=x onerror=alert(1)>|*\", type: aws.s3,"
                   " data: [d], props: {public_read: true}}\n");
    const char *args[] = {"report", model, "-o", dir, "-f", "html,md", NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    char *html = S_out(dir, "report.html"), *md = S_out(dir, "report.md");
    ck_assert_ptr_null(strstr(html, "<img src=x"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;img src=x"));
    ck_assert_ptr_null(strchr(md, '<'));
    free(html);
    free(md);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The diagram marks the paths' flows (legend "attack path"); --dfd-path
 * draws one path alone; an id that is no path is an error, nothing written. */
START_TEST(dfd_marks_paths)
{
    char *dir = tu_tmpdir();
    const char *args[] = {"report", tu_path("tests/paths/example/model.yaml"), "-o", dir, "-f",
                          "dot", NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    char *dot = S_out(dir, "dfd.dot");
    ck_assert_ptr_nonnull(strstr(dot, "attack path"));
    ck_assert_ptr_nonnull(strstr(dot, "#CC79A7"));
    /* both flows of the path, and nothing for the IAM step in the full diagram */
    size_t marked = 0;
    for (const char *q = dot; (q = strstr(q, "color=\"#CC79A7\"")); q++)
        marked++;
    ck_assert_uint_eq(marked, 2);
    ck_assert_ptr_null(strstr(dot, "style=\"dotted\""));
    free(dot);
    tu_rmtree(dir);
    free(dir);

    /* one path alone: its four elements, its two flows and the IAM step */
    dir = tu_tmpdir();
    const char *one[] = {"report", tu_path("tests/paths/example/model.yaml"), "-o", dir,
                         "-f",     "dot", "--dfd-path", "visitor--payroll-table", NULL};
    r = tu_run(one);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    dot = S_out(dir, "dfd.dot");
    ck_assert_ptr_nonnull(strstr(dot, "Payroll table"));
    ck_assert_ptr_nonnull(strstr(dot, "style=\"dotted\""));
    ck_assert_ptr_nonnull(strstr(dot, "lambda-001"));
    ck_assert_ptr_nonnull(strstr(dot, "dotted: an IAM step"));
    free(dot);
    tu_rmtree(dir);
    free(dir);

    dir = tu_tmpdir();
    char out[1200];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *bad[] = {"report", tu_path("tests/paths/example/model.yaml"), "-o", out,
                         "-f",     "dot", "--dfd-path", "visitor--payroll", NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--dfd-path visitor--payroll is not an attack path of the model") &&
                      strstr(r.err, "visitor--payroll-table"),
                  "%s", r.err);
    tu_result_free(&r);
    ck_assert_ptr_null(tu_slurp(tu_path(out), NULL));
    char probe[1300];
    snprintf(probe, sizeof probe, "%s/dfd.dot", out);
    ck_assert_ptr_null(tu_slurp(probe, NULL));
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The knowledge fuzz target's seeds and their mutations keep its properties. */
static const char *S_fuzz_call(void *ud, const uint8_t *data, size_t len)
{
    (void)ud;
    return fuzz_paths_one(data, len);
}

START_TEST(knowledge_fuzz_corpus)
{
    ck_assert_uint_ge(tu_fuzz_replay("tests/fuzz/corpus/paths", S_fuzz_call, NULL, 40, 6, NULL,
                                     "\n\"{}[]:*-,!=aZ"),
                      4);
}
END_TEST

/* SARIF: a path's result sits at its first step and lists the steps as a
 * code flow. */
START_TEST(sarif_results_at_the_first_step)
{
    char *dir = tu_tmpdir();
    const char *args[] = {"report", tu_path("tests/paths/example/model.yaml"), "-o", dir, "-f",
                          "sarif", NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    char *sarif = S_out(dir, "threats.sarif");
    tm_arena *ar = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *doc = tm_read_json(ar, "threats.sarif", sarif, strlen(sarif), NULL, d);
    ck_assert_ptr_nonnull(doc);
    const tm_node *results = tm_node_get(tm_node_get(doc, "runs")->items[0], "results");
    const tm_node *res = NULL;
    for (size_t i = 0; i < results->n; i++) {
        const tm_node *msg = tm_node_get(tm_node_get(results->items[i], "message"), "text");
        if (strncmp(msg->text, "ATTACK-PATH@visitor--payroll-table", 34) == 0)
            res = results->items[i];
    }
    ck_assert_ptr_nonnull(res);
    const tm_node *phys = tm_node_get(tm_node_get(res, "locations")->items[0], "physicalLocation");
    ck_assert_int_eq(tm_node_get(tm_node_get(phys, "region"), "startLine")->ival, 32);
    const tm_node *cf = tm_node_get(res, "codeFlows")->items[0];
    const tm_node *tf = tm_node_get(cf, "threadFlows")->items[0];
    const tm_node *locs = tm_node_get(tf, "locations");
    ck_assert_uint_eq(locs->n, 5);
    const tm_node *m3 = tm_node_get(tm_node_get(tm_node_get(locs->items[3], "location"), "message"),
                                    "text");
    ck_assert_ptr_nonnull(strstr(m3->text, "4. escalation: render-role acts as payroll-role"));
    tm_diags_free(d);
    tm_arena_free(ar);
    free(sarif);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* `stridec rules` lists and shows the paths' finding rule. */
START_TEST(rules_show_the_path_rule)
{
    const char *args[] = {"rules", "show", "ATTACK-PATH", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "defined at:  share/stridec/paths/search.yaml:"));
    ck_assert_ptr_nonnull(strstr(r.out, "CWE-269"));
    tu_result_free(&r);
    const char *list[] = {"rules", "list", NULL};
    r = tu_run(list);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\nATTACK-PATH "));
    tu_result_free(&r);
}
END_TEST

Suite *suite_paths(void)
{
    Suite *s = suite_create("paths");
    TCase *tc = tcase_create("paths");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, builtin_knowledge_loads);
    tcase_add_test(tc, bad_knowledge_is_an_error_at_its_place);
    tcase_add_test(tc, cases_give_exactly_the_expected_paths);
    tcase_add_test(tc, techniques_have_positive_and_negative_cases);
    tcase_add_test(tc, issue_example_is_a_critical_path);
    tcase_add_test(tc, review_decisions_apply_to_paths);
    tcase_add_test(tc, example_model_paths);
    tcase_add_test(tc, bounds_are_reported);
    tcase_add_test(tc, paths_are_deterministic);
    tcase_add_test(tc, reports_show_the_paths);
    tcase_add_test(tc, path_text_is_escaped);
    tcase_add_test(tc, dfd_marks_paths);
    tcase_add_test(tc, knowledge_fuzz_corpus);
    tcase_add_test(tc, sarif_results_at_the_first_step);
    tcase_add_test(tc, rules_show_the_path_rule);
    suite_add_tcase(s, tc);
    return s;
}
