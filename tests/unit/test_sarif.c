/*
 * threats.sarif for GitHub code scanning: valid against the SARIF 2.1.0
 * schema (tests/sarif/); each rule with helpUri and help.markdown; each
 * result with its threat's own severity (properties.severity and a
 * security-severity in GitHub's band for it, the same as its rule's, rules
 * split by severity where their threats differ); automationDetails.id naming
 * the model, one run per model in `check --format sarif`; decided threats
 * suppressed with their justification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonschema.h"
#include "stridec/doc.h"
#include "testutil.h"

#define S_MODEL "models/serverless-webapp.yaml"

typedef struct {
    tm_arena *arena;
    tm_diags *diags;
    const tm_node *schema;
} S_ctx;

static const tm_node *S_json(S_ctx *c, const char *name, const char *text)
{
    const tm_node *n = tm_read_json(c->arena, name, text, strlen(text), NULL, c->diags);
    ck_assert_msg(n != NULL, "%s is not JSON", name);
    return n;
}

static S_ctx S_open(void)
{
    S_ctx c;
    c.arena = tm_arena_new();
    c.diags = tm_diags_new();
    char *text = tu_slurp(tu_path("tests/sarif/sarif-schema-2.1.0.json"), NULL);
    ck_assert_ptr_nonnull(text);
    c.schema = S_json(&c, "sarif-schema-2.1.0.json", text);
    free(text);
    return c;
}

static void S_close(S_ctx *c)
{
    tm_diags_free(c->diags);
    tm_arena_free(c->arena);
}

static void S_valid(const S_ctx *c, const tm_node *log, const char *what)
{
    tm_buf errors;
    tm_buf_init(&errors, 0);
    int n = tu_schema_validate(c->schema, log, &errors);
    ck_assert_msg(n == 0, "%s is not valid SARIF 2.1.0 (%d):\n%.4000s", what, n, errors.data ? errors.data : "");
    tm_buf_free(&errors);
}

/* Line `n` (1-based) of text, malloc'd; "" past the end. */
static char *S_line(const char *text, long n)
{
    const char *at = text;
    for (long l = 1; l < n && at; l++) {
        at = strchr(at, '\n');
        at = at ? at + 1 : NULL;
    }
    if (!at)
        return strdup("");
    const char *end = strchr(at, '\n');
    return strndup(at, end ? (size_t)(end - at) : strlen(at));
}

static const char *S_str(const tm_node *map, const char *key)
{
    const tm_node *v = map ? tm_node_get(map, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR ? v->text : NULL;
}

/* report -f json,sarif of a model: both documents. */
static void S_report(S_ctx *c, const char *model, const tm_node **json, const tm_node **sarif)
{
    char *out = tu_tmpdir();
    const char *args[] = {"report", model, "-o", out, "-f", "json,sarif", NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "report %s: %d\n%s", model, r.status, r.err);
    tu_result_free(&r);
    char path[4200];
    snprintf(path, sizeof path, "%s/threats.json", out);
    char *jt = tu_slurp(path, NULL);
    snprintf(path, sizeof path, "%s/threats.sarif", out);
    char *st = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(jt);
    ck_assert_ptr_nonnull(st);
    *json = S_json(c, "threats.json", jt);
    *sarif = S_json(c, "threats.sarif", st);
    free(jt);
    free(st);
    tu_rmtree(out);
    free(out);
}

/* GitHub's bands: 9.0 and up critical, 7.0 high, 4.0 medium, above 0 low. */
static int S_in_band(const char *score, const char *severity)
{
    double v = strtod(score, NULL);
    if (strcmp(severity, "critical") == 0)
        return v >= 9.0 && v <= 10.0;
    if (strcmp(severity, "high") == 0)
        return v >= 7.0 && v < 9.0;
    if (strcmp(severity, "medium") == 0)
        return v >= 4.0 && v < 7.0;
    return v > 0.0 && v < 4.0;
}

START_TEST(sarif_is_valid)
{
    S_ctx c = S_open();
    const char *models[] = {S_MODEL, "models/minimal.yaml", "tests/models/hostile.yaml",
                            "tests/watch/project/model.yaml"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        const tm_node *json, *sarif;
        S_report(&c, models[i], &json, &sarif);
        S_valid(&c, sarif, models[i]);
    }
    /* The schema does check: a level SARIF does not know is refused. */
    const tm_node *json, *sarif;
    S_report(&c, "models/minimal.yaml", &json, &sarif);
    tm_node *level = (tm_node *)tm_node_get(tm_node_get(tm_node_get(sarif, "runs")->items[0], "results")->items[0], "level");
    level->text = "severe";
    level->len = 6;
    tm_buf errors;
    tm_buf_init(&errors, 0);
    ck_assert_int_gt(tu_schema_validate(c.schema, sarif, &errors), 0);
    ck_assert_msg(strstr(errors.data, "/runs/0/results/0/level") != NULL, "%s", errors.data);
    tm_buf_free(&errors);
    S_close(&c);
}
END_TEST

START_TEST(rules_have_help)
{
    S_ctx c = S_open();
    const tm_node *json, *sarif;
    S_report(&c, S_MODEL, &json, &sarif);
    const tm_node *run = tm_node_get(sarif, "runs")->items[0];
    const tm_node *driver = tm_node_get(tm_node_get(run, "tool"), "driver");
    ck_assert_ptr_nonnull(S_str(driver, "informationUri"));
    const tm_node *rules = tm_node_get(driver, "rules");
    ck_assert_uint_gt(rules->n, 50);
    for (size_t i = 0; i < rules->n; i++) {
        const tm_node *r = rules->items[i];
        const char *id = S_str(r, "id");
        const tm_node *help = tm_node_get(r, "help");
        const char *md = S_str(help, "markdown"), *text = S_str(help, "text");
        ck_assert_msg(md && text && *text, "%s has no help text and markdown", id);
        /* The markdown holds the description and the mitigation. */
        ck_assert_msg(strstr(md, "**Mitigation:** ") != NULL, "%s: %s", id, md);
        ck_assert_msg(strstr(md, "**STRIDE:** ") != NULL, "%s: %s", id, md);
        /* helpUri: the rule's own line in the shipped rule library. */
        const char *uri = S_str(r, "helpUri");
        ck_assert_msg(uri != NULL, "%s has no helpUri", id);
        const char *blob = strstr(uri, "/blob/v");
        ck_assert_msg(strncmp(uri, "https://", 8) == 0 && blob, "%s: helpUri %s", id, uri);
        const char *path = strchr(blob + 7, '/');
        const char *hash = path ? strstr(path, "#L") : NULL;
        ck_assert_msg(path && hash, "%s: helpUri %s", id, uri);
        char file[1024];
        snprintf(file, sizeof file, "%.*s", (int)(hash - path - 1), path + 1);
        /* the rule library, or (ATTACK-PATH) the attack-path search's finding */
        ck_assert_msg(strncmp(file, "share/stridec/rules/", 20) == 0 ||
                          strcmp(file, "share/stridec/paths/search.yaml") == 0,
                      "%s: %s", id, file);
        char *rules_text = tu_slurp(tu_path(file), NULL);
        ck_assert_msg(rules_text != NULL, "%s: helpUri names %s, which is not in the tree", id, file);
        char *line = S_line(rules_text, strtol(hash + 2, NULL, 10));
        char want[300];
        snprintf(want, sizeof want, "id: %.*s", (int)strcspn(id, "/"), id);
        const char *hit = strstr(line, want);
        ck_assert_msg(hit && hit[strlen(want)] == '\0', "%s: line %s of %s is '%s'", id, hash + 2, file, line);
        free(line);
        free(rules_text);
        /* A reference to CWE links to its entry. */
        const char *cwe = strstr(md, "[CWE-");
        if (cwe)
            ck_assert_msg(strstr(cwe, "](https://cwe.mitre.org/data/definitions/") != NULL, "%s: %s", id, md);
    }
    S_close(&c);
}
END_TEST

START_TEST(results_carry_their_threat_severity)
{
    S_ctx c = S_open();
    const tm_node *json, *sarif;
    S_report(&c, S_MODEL, &json, &sarif);
    const tm_node *run = tm_node_get(sarif, "runs")->items[0];
    const tm_node *rules = tm_node_get(tm_node_get(tm_node_get(run, "tool"), "driver"), "rules");
    const tm_node *results = tm_node_get(run, "results"), *threats = tm_node_get(json, "threats");
    ck_assert_uint_eq(results->n, threats->n);
    size_t split = 0, raised = 0;
    for (size_t i = 0; i < results->n; i++) {
        const tm_node *res = results->items[i], *th = threats->items[i];
        const char *sev = S_str(th, "severity");
        const tm_node *props = tm_node_get(res, "properties");
        ck_assert_str_eq(S_str(props, "severity"), sev);
        const char *score = S_str(props, "security-severity");
        ck_assert_msg(score && S_in_band(score, sev), "%s: security-severity %s for %s", S_str(th, "id"),
                      score, sev);
        const tm_node *rule = rules->items[tm_node_get(res, "ruleIndex")->ival];
        ck_assert_str_eq(S_str(rule, "id"), S_str(res, "ruleId"));
        ck_assert_str_eq(S_str(tm_node_get(rule, "properties"), "security-severity"), score);
        split += strchr(S_str(res, "ruleId"), '/') != NULL;
    }
    ck_assert_uint_gt(split, 0);
    /* A rule whose threats differ: one descriptor per severity, "ID/severity";
     * a rule whose threats agree keeps its id. */
    for (size_t k = 0; k < rules->n; k++) {
        const char *id = S_str(rules->items[k], "id"), *slash = strchr(id, '/');
        size_t base = slash ? (size_t)(slash - id) : strlen(id), same = 0;
        for (size_t q = 0; q < rules->n; q++)
            same += strncmp(S_str(rules->items[q], "id"), id, base) == 0 &&
                    (S_str(rules->items[q], "id")[base] == '/' || S_str(rules->items[q], "id")[base] == '\0');
        ck_assert_msg(slash ? same >= 2 : same == 1, "%s: %zu descriptors", id, same);
        if (slash) {
            ck_assert_msg(S_in_band(S_str(tm_node_get(rules->items[k], "properties"), "security-severity"),
                                    slash + 1),
                          "%s", id);
            raised++;
        }
    }
    ck_assert_uint_gt(raised, 1);
    /* The case: the same rule at high for one element and raised to
     * critical by the data of another: each uploads at its own severity. */
    int high = 0, crit = 0;
    for (size_t k = 0; k < rules->n; k++) {
        high |= strcmp(S_str(rules->items[k], "id"), "EVENT-INJECTION-HTTP/high") == 0;
        crit |= strcmp(S_str(rules->items[k], "id"), "EVENT-INJECTION-HTTP/critical") == 0;
    }
    ck_assert(high && crit);
    S_close(&c);
}
END_TEST

START_TEST(decided_threats_are_suppressed)
{
    S_ctx c = S_open();
    const tm_node *json, *sarif;
    S_report(&c, S_MODEL, &json, &sarif);
    const tm_node *run = tm_node_get(sarif, "runs")->items[0];
    ck_assert_str_eq(S_str(tm_node_get(run, "automationDetails"), "id"), "stridec/models/serverless-webapp.yaml/");
    const tm_node *results = tm_node_get(run, "results"), *threats = tm_node_get(json, "threats");
    char *model = tu_slurp(tu_path(S_MODEL), NULL);
    size_t decided = 0;
    for (size_t i = 0; i < results->n; i++) {
        const char *status = S_str(threats->items[i], "status");
        const tm_node *sups = tm_node_get(results->items[i], "suppressions");
        int open = strcmp(status, "open") == 0 || strcmp(status, "in-progress") == 0;
        ck_assert_msg(open == (sups == NULL), "%s (%s)", S_str(threats->items[i], "id"), status);
        if (open)
            continue;
        decided++;
        ck_assert_uint_eq(sups->n, 1);
        const tm_node *s = sups->items[0];
        ck_assert_str_eq(S_str(s, "kind"), "inSource");
        ck_assert_str_eq(S_str(s, "status"), "accepted");
        const char *why = S_str(s, "justification");
        size_t sl = strlen(status);
        ck_assert_msg(strncmp(why, status, sl) == 0 && strncmp(why + sl, ": ", 2) == 0, "%s", why);
        ck_assert_msg(strstr(model, why + sl + 2) != NULL, "the justification is not the model's: %s", why);
        /* Where the decision is written. */
        const tm_node *region = tm_node_get(tm_node_get(tm_node_get(s, "location"), "physicalLocation"), "region");
        char *line = S_line(model, tm_node_get(region, "startLine")->ival);
        char want[64];
        snprintf(want, sizeof want, "status: %s", status);
        ck_assert_msg(strstr(line, "{id: ") && strstr(line, want), "no decision at the suppression's line: %s", line);
        free(line);
    }
    ck_assert_uint_eq(decided, 4);
    free(model);
    S_close(&c);
}
END_TEST

START_TEST(check_sarif_one_run_per_model)
{
    S_ctx c = S_open();
    const char *args[] = {"check", "--format", "sarif", S_MODEL, "./models/minimal.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 1);
    const tm_node *log = S_json(&c, "check.sarif", r.out);
    S_valid(&c, log, "check --format sarif with two models");
    const tm_node *runs = tm_node_get(log, "runs");
    ck_assert_uint_eq(runs->n, 2);
    ck_assert_str_eq(S_str(tm_node_get(runs->items[0], "automationDetails"), "id"),
                     "stridec/models/serverless-webapp.yaml/");
    ck_assert_str_eq(S_str(tm_node_get(runs->items[1], "automationDetails"), "id"),
                     "stridec/models/minimal.yaml/");
    /* Each run's results point at their own model. */
    const tm_node *res = tm_node_get(runs->items[1], "results");
    ck_assert_uint_gt(res->n, 0);
    const tm_node *loc = tm_node_get(tm_node_get(res->items[0], "locations")->items[0], "physicalLocation");
    ck_assert_str_eq(S_str(tm_node_get(loc, "artifactLocation"), "uri"), "./models/minimal.yaml");
    tu_result_free(&r);
    S_close(&c);
}
END_TEST

Suite *suite_sarif(void)
{
    Suite *s = suite_create("sarif");
    TCase *tc = tcase_create("sarif");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sarif_is_valid);
    tcase_add_test(tc, rules_have_help);
    tcase_add_test(tc, results_carry_their_threat_severity);
    tcase_add_test(tc, decided_threats_are_suppressed);
    tcase_add_test(tc, check_sarif_one_run_per_model);
    suite_add_tcase(s, tc);
    return s;
}
