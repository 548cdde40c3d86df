/*
 * The serverless rule pack, rule by rule: every folder tests/rules/<RULE-ID>/
 * holds pos.yaml (first line "# expect: RULE-ID@TARGET") and neg.yaml (the
 * same model with the weakness fixed), and may hold more cases of each kind
 * as pos-NAME.yaml and neg-NAME.yaml (another shape of the weakness, another
 * fix such as an explicit Deny). Each model runs through the whole
 * engine with the built-in catalogue and rules and tests/advisories/ as the
 * OSV folder; the expected threat must be raised on pos, and the rule must
 * not fire on any target of neg. Every shipped rule outside the STRIDE
 * baseline, and every native rule, must have a folder.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "stridec/analysis.h"
#include "stridec/model.h"
#include "testutil.h"

typedef struct {
    tm_catalog *cat;
    tm_ruleset *rules;
} S_engine;

static void S_engine_init(S_engine *e)
{
    tm_diags *d = tm_diags_new();
    e->cat = tm_catalog_builtin(d);
    e->rules = tm_ruleset_new();
    ck_assert_ptr_nonnull(e->cat);
    int rc = tm_ruleset_add_builtin(e->rules, d);
    if (rc != 0 || tm_diags_errors(d)) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(d, &b);
        ck_abort_msg("built-in rules do not load:\n%s", b.data ? b.data : "");
    }
    tm_diags_free(d);
}

static void S_engine_free(S_engine *e)
{
    tm_ruleset_free(e->rules);
    tm_catalog_free(e->cat);
}

/* Run one model; NULL and *why set when it does not load or analyse. */
static tm_analysis *S_run(S_engine *e, const char *path, tm_model **model, tm_buf *why)
{
    tm_diags *d = tm_diags_new();
    *model = tm_model_load(path, NULL, d);
    tm_analysis *a = NULL;
    if (*model) {
        const char *adv[] = {tu_path("tests/advisories")};
        tm_analyze_opts ao = {adv, 1};
        a = tm_analyze(*model, e->cat, e->rules, &ao, d);
    }
    if (!a || tm_diags_errors(d)) {
        tm_buf_printf(why, "%s does not analyse:\n", path);
        tm_diags_format(d, why);
        if (a)
            tm_analysis_free(a);
        a = NULL;
    }
    tm_diags_free(d);
    return a;
}

static int S_has_threat(const tm_analysis *a, const char *id)
{
    for (size_t i = 0; i < a->n_threats; i++)
        if (strcmp(a->threats[i]->id, id) == 0)
            return 1;
    return 0;
}

static const char *S_rule_fired(const tm_analysis *a, const char *rule)
{
    for (size_t i = 0; i < a->n_threats; i++)
        if (strcmp(a->threats[i]->rule->id, rule) == 0)
            return a->threats[i]->id;
    return NULL;
}

static int S_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Rule folders in name order (malloc'd names; caller frees). */
static char **S_cases(size_t *n)
{
    DIR *dp = opendir(tu_path("tests/rules"));
    ck_assert_ptr_nonnull(dp);
    size_t cap = 256;
    char **names = malloc(cap * sizeof *names);
    *n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (*n == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        names[(*n)++] = strdup(de->d_name);
    }
    closedir(dp);
    qsort(names, *n, sizeof *names, S_cmp);
    return names;
}

/* "# expect: RULE@TARGET" on the first line of pos.yaml. */
static char *S_expect(const char *path)
{
    char *text = tu_slurp(path, NULL);
    if (!text)
        return NULL;
    char *res = NULL;
    const char *tag = "# expect: ";
    if (strncmp(text, tag, strlen(tag)) == 0) {
        const char *b = text + strlen(tag);
        size_t k = strcspn(b, "\r\n");
        res = strndup(b, k);
    }
    free(text);
    return res;
}

/* The pos-NAME.yaml and neg-NAME.yaml cases of a rule folder, in name
 * order; the failures' count. */
static size_t S_extra_cases(S_engine *e, const char *rule, tm_buf *fail)
{
    char rel[512];
    snprintf(rel, sizeof rel, "tests/rules/%s", rule);
    DIR *dp = opendir(tu_path(rel));
    if (!dp)
        return 0;
    size_t n = 0, cap = 8, failures = 0;
    char **files = malloc(cap * sizeof *files);
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if ((strncmp(de->d_name, "pos-", 4) != 0 && strncmp(de->d_name, "neg-", 4) != 0) ||
            len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
            continue;
        if (n == cap)
            files = realloc(files, (cap *= 2) * sizeof *files);
        files[n++] = strdup(de->d_name);
    }
    closedir(dp);
    qsort(files, n, sizeof *files, S_cmp);
    for (size_t i = 0; i < n; i++) {
        snprintf(rel, sizeof rel, "tests/rules/%s/%s", rule, files[i]);
        char *path = strdup(tu_path(rel));
        tm_model *m = NULL;
        tm_analysis *a = S_run(e, path, &m, fail);
        if (!a) {
            failures++;
        } else if (files[i][0] == 'p') {
            char *expect = S_expect(path);
            if (!expect || strncmp(expect, rule, strlen(rule)) != 0 ||
                expect[strlen(rule)] != '@') {
                tm_buf_printf(fail, "%s: %s has no '# expect: %s@TARGET' line\n", rule, files[i],
                              rule);
                failures++;
            } else if (!S_has_threat(a, expect)) {
                tm_buf_printf(fail, "%s: %s does not raise %s\n", rule, files[i], expect);
                failures++;
            }
            free(expect);
        } else {
            const char *fired = S_rule_fired(a, rule);
            if (fired) {
                tm_buf_printf(fail, "%s: %s still raises %s\n", rule, files[i], fired);
                failures++;
            }
        }
        tm_analysis_free(a);
        tm_model_free(m);
        free(path);
        free(files[i]);
    }
    free(files);
    return failures;
}

START_TEST(every_rule_fires_on_pos_and_not_on_neg)
{
    S_engine e;
    S_engine_init(&e);
    size_t n = 0;
    char **names = S_cases(&n);
    ck_assert_uint_ge(n, 60);
    tm_buf fail;
    tm_buf_init(&fail, 0);
    size_t failures = 0;
    for (size_t i = 0; i < n; i++) {
        char rel[512];
        snprintf(rel, sizeof rel, "tests/rules/%s/pos.yaml", names[i]);
        char *pos_path = strdup(tu_path(rel));
        snprintf(rel, sizeof rel, "tests/rules/%s/neg.yaml", names[i]);
        char *neg_path = strdup(tu_path(rel));
        char *expect = S_expect(pos_path);
        if (!expect || strncmp(expect, names[i], strlen(names[i])) != 0 ||
            expect[strlen(names[i])] != '@') {
            tm_buf_printf(&fail, "%s: pos.yaml has no '# expect: %s@TARGET' line\n", names[i],
                          names[i]);
            failures++;
        } else {
            tm_model *m = NULL;
            tm_analysis *a = S_run(&e, pos_path, &m, &fail);
            if (!a) {
                failures++;
            } else if (!S_has_threat(a, expect)) {
                tm_buf_printf(&fail, "%s: pos.yaml does not raise %s\n", names[i], expect);
                failures++;
            }
            tm_analysis_free(a);
            tm_model_free(m);
            a = S_run(&e, neg_path, &m, &fail);
            const char *fired = a ? S_rule_fired(a, names[i]) : NULL;
            if (!a) {
                failures++;
            } else if (fired) {
                tm_buf_printf(&fail, "%s: neg.yaml still raises %s\n", names[i], fired);
                failures++;
            }
            tm_analysis_free(a);
            tm_model_free(m);
        }
        free(expect);
        free(pos_path);
        free(neg_path);
        failures += S_extra_cases(&e, names[i], &fail);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    S_engine_free(&e);
    ck_assert_msg(failures == 0, "%zu rule case(s) failed:\n%s", failures,
                  fail.data ? fail.data : "");
    tm_buf_free(&fail);
}
END_TEST

static int S_has_case(char *const *names, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], id) == 0)
            return 1;
    return 0;
}

START_TEST(every_pack_rule_has_a_case)
{
    S_engine e;
    S_engine_init(&e);
    size_t n = 0;
    char **names = S_cases(&n);
    tm_buf missing;
    tm_buf_init(&missing, 0);
    size_t pack = 0;
    for (size_t i = 0; i < e.rules->n_rules; i++) {
        const tm_rule *r = e.rules->rules[i];
        /* The STRIDE baseline is tested by its own suite. */
        if (r->loc.file && strstr(r->loc.file, "stride-baseline"))
            continue;
        pack++;
        if (!S_has_case(names, n, r->id))
            tm_buf_printf(&missing, " %s", r->id);
    }
    size_t n_native = 0;
    const tm_rule *native = tm_native_rules(&n_native);
    for (size_t i = 0; i < n_native; i++)
        if (!S_has_case(names, n, native[i].id))
            tm_buf_printf(&missing, " %s", native[i].id);
    ck_assert_msg(pack >= 60, "the rule pack has %zu rules, fewer than 60", pack);
    ck_assert_msg(missing.len == 0, "rules without tests/rules/<ID>/:%s",
                  missing.data ? missing.data : "");
    /* ... and no folder for a rule that does not exist. */
    for (size_t i = 0; i < n; i++) {
        int known = tm_ruleset_find(e.rules, names[i]) != NULL;
        for (size_t k = 0; k < n_native; k++)
            known |= strcmp(native[k].id, names[i]) == 0;
        ck_assert_msg(known, "tests/rules/%s/ names no rule", names[i]);
        free(names[i]);
    }
    free(names);
    tm_buf_free(&missing);
    S_engine_free(&e);
}
END_TEST

/* Every pack rule carries what a reviewer needs: a concrete mitigation, at
 * least one CWE or serverless top-10 reference, and monitoring guidance for
 * the cloud resource rules. */
START_TEST(pack_rules_are_complete)
{
    S_engine e;
    S_engine_init(&e);
    for (size_t i = 0; i < e.rules->n_rules; i++) {
        const tm_rule *r = e.rules->rules[i];
        if (r->loc.file && strstr(r->loc.file, "stride-baseline"))
            continue;
        ck_assert_msg(r->mitigation && strlen(r->mitigation) > 60, "%s: mitigation too thin",
                      r->id);
        ck_assert_msg(r->description && strlen(r->description) > 40, "%s: no description",
                      r->id);
        int cwe = 0;
        for (size_t k = 0; k < r->n_references; k++)
            cwe |= strncmp(r->references[k], "CWE-", 4) == 0 ||
                   strncmp(r->references[k], "SAS-", 4) == 0;
        ck_assert_msg(cwe, "%s: no CWE or SAS reference", r->id);
        if (strncmp(r->id, "AWS", 3) == 0 || strncmp(r->id, "S3-", 3) == 0 ||
            strncmp(r->id, "LAMBDA-", 7) == 0 || strncmp(r->id, "APIGW-", 6) == 0)
            ck_assert_msg(r->n_monitor > 0, "%s: no operations to monitor", r->id);
    }
    S_engine_free(&e);
}
END_TEST

/* The seed's "reason 2": the management-plane rule lists the catalogue's
 * entry points, minus those the model rules out. */
START_TEST(management_plane_lists_entry_points)
{
    S_engine e;
    S_engine_init(&e);
    tm_buf why;
    tm_buf_init(&why, 0);
    tm_model *m = NULL;
    tm_analysis *a = S_run(&e, tu_path("tests/rules/MGMT-PLANE-ENTRY/pos.yaml"), &m, &why);
    ck_assert_msg(a != NULL, "%s", why.data ? why.data : "");
    const tm_threat *t = NULL;
    for (size_t i = 0; i < a->n_threats; i++)
        if (strcmp(a->threats[i]->id, "MGMT-PLANE-ENTRY@t") == 0)
            t = a->threats[i];
    ck_assert_ptr_nonnull(t);
    const tm_element_info *ei = &a->elements[0];
    ck_assert_uint_gt(ei->n_entry_points, 0);
    for (size_t k = 0; k < ei->n_entry_points; k++)
        ck_assert_msg(strstr(t->title, ei->entry_points[k]) != NULL, "title '%s' lacks '%s'",
                      t->title, ei->entry_points[k]);
    ck_assert_ptr_nonnull(strstr(t->title, "AWS CLI"));
    tm_analysis_free(a);
    tm_model_free(m);
    tm_buf_free(&why);
    S_engine_free(&e);
}
END_TEST

/* Advisory threats name the advisories and carry them as evidence. */
START_TEST(advisory_threats_carry_evidence)
{
    S_engine e;
    S_engine_init(&e);
    tm_buf why;
    tm_buf_init(&why, 0);
    tm_model *m = NULL;
    tm_analysis *a = S_run(&e, tu_path("tests/rules/SUPPLY-ADVISORY/pos.yaml"), &m, &why);
    ck_assert_msg(a != NULL, "%s", why.data ? why.data : "");
    const tm_threat *t = NULL;
    for (size_t i = 0; i < a->n_threats; i++)
        if (strcmp(a->threats[i]->id, "SUPPLY-ADVISORY@fn") == 0)
            t = a->threats[i];
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(strstr(t->title, "GHSA-35jh-r3h4-6jhm"));
    ck_assert_ptr_nonnull(strstr(t->title, "GHSA-p6mc-m468-83gw"));
    ck_assert_uint_eq(t->n_evidence, 2);
    ck_assert_str_eq(t->evidence[0], "lodash@4.17.15: GHSA-35jh-r3h4-6jhm: Command Injection in lodash");
    ck_assert_uint_eq(a->n_advisories, 2);
    tm_analysis_free(a);
    tm_model_free(m);
    tm_buf_free(&why);
    S_engine_free(&e);
}
END_TEST

Suite *suite_rulepack(void)
{
    Suite *s = suite_create("rulepack");
    TCase *tc = tcase_create("rules");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_rule_fires_on_pos_and_not_on_neg);
    tcase_add_test(tc, every_pack_rule_has_a_case);
    tcase_add_test(tc, pack_rules_are_complete);
    tcase_add_test(tc, management_plane_lists_entry_points);
    tcase_add_test(tc, advisory_threats_carry_evidence);
    suite_add_tcase(s, tc);
    return s;
}
