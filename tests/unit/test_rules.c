/* The rule library: loading in three syntaxes, every kind of bad rule file
 * with its exact message and position, the scoring matrix, what the STRIDE
 * baseline finds on a probe model, and the `stridec rules` CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/analysis.h"
#include "engine/rules.h"
#include "testutil.h"

/* "NAME:LINE:COL: message\n" for every diagnostic, NAME the file's base
 * name (the test's absolute paths vary). Caller frees. */
static char *S_diag_text(const tm_diags *d)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        const char *base = g->file ? strrchr(g->file, '/') : NULL;
        base = base ? base + 1 : (g->file ? g->file : "-");
        tm_buf_printf(&b, "%s:%u:%u: %s\n", base, (unsigned)g->line, (unsigned)g->col, g->message);
    }
    char *s = tm_buf_detach(&b);
    return s ? s : tm_xstrdup("");
}

/* ----------------------------------------------------- good rule files */

static void S_assert_same_rule(const tm_rule *a, const tm_rule *b)
{
    ck_assert_str_eq(a->id, b->id);
    ck_assert_str_eq(a->title, b->title);
    ck_assert_int_eq(a->applies_to, b->applies_to);
    ck_assert_uint_eq(a->stride, b->stride);
    ck_assert_str_eq(a->when_text, b->when_text);
    ck_assert_ptr_nonnull(a->when);
    ck_assert_ptr_nonnull(b->when);
    ck_assert_int_eq(a->likelihood, b->likelihood);
    ck_assert_int_eq(a->impact, b->impact);
    ck_assert_str_eq(a->description ? a->description : "-", b->description ? b->description : "-");
    ck_assert_str_eq(a->mitigation, b->mitigation);
    ck_assert_uint_eq(a->n_references, b->n_references);
    for (size_t i = 0; i < a->n_references; i++)
        ck_assert_str_eq(a->references[i], b->references[i]);
    ck_assert_uint_eq(a->n_monitor, b->n_monitor);
    for (size_t i = 0; i < a->n_monitor; i++)
        ck_assert_str_eq(a->monitor[i], b->monitor[i]);
    ck_assert_int_eq(a->include_out_of_scope, b->include_out_of_scope);
    ck_assert(!a->builtin && !b->builtin);
}

START_TEST(same_rules_in_three_syntaxes)
{
    static const char *const files[] = {"tests/rules-good/team.yaml", "tests/rules-good/team.json",
                                        "tests/rules-good/team.xml"};
    tm_ruleset *rs[3];
    tm_diags *d = tm_diags_new();
    for (int i = 0; i < 3; i++) {
        rs[i] = tm_ruleset_new();
        ck_assert_int_eq(tm_ruleset_add_file(rs[i], tu_path(files[i]), d), 0);
        ck_assert_uint_eq(tm_ruleset_count(rs[i]), 3);
    }
    ck_assert_uint_eq(tm_diags_count(d), 0);
    for (int i = 1; i < 3; i++)
        for (size_t k = 0; k < 3; k++)
            S_assert_same_rule(rs[0]->rules[k], rs[i]->rules[k]);

    const tm_rule *r = tm_ruleset_find(rs[0], "TEAM-PUBLIC-LAMBDA");
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->stride, TM_STRIDE_S | TM_STRIDE_E);
    ck_assert_int_eq(r->applies_to, TM_APPLIES_ELEMENT);
    ck_assert_int_eq(r->likelihood, TM_LIK_VERY_LIKELY);
    ck_assert_int_eq(r->impact, TM_IMP_HIGH);
    ck_assert_str_eq(r->references[1], "OWASP Serverless S2");
    ck_assert_uint_eq(r->loc.line, 3);
    ck_assert_uint_eq(r->loc.col, 5);
    r = tm_ruleset_find(rs[0], "TEAM-PLAINTEXT-PII");
    ck_assert_str_eq(r->when_text, "!flow.encrypted\n&& flow.classification >= \"confidential\"");
    ck_assert_ptr_null(r->description);
    ck_assert_uint_eq(r->n_references, 0);
    ck_assert_ptr_null(tm_ruleset_find(rs[0], "TEAM-NOPE"));
    ck_assert_ptr_null(tm_ruleset_find(NULL, "TEAM-NO-OWNER"));
    for (int i = 0; i < 3; i++)
        tm_ruleset_free(rs[i]);
    tm_diags_free(d);
}
END_TEST

START_TEST(rule_file_as_list_or_map_and_from_text)
{
    static const char list[] = "- {id: A1, title: t, applies_to: model, stride: [R], when: true,\n"
                               "   likelihood: unlikely, impact: low, mitigation: m}\n";
    static const char map[] = "rules:\n  - {id: A2, title: t, applies_to: model, stride: [R],\n"
                              "     when: 'true', likelihood: unlikely, impact: low, mitigation: m}\n";
    static const char empty[] = "rules: []\n";
    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_ruleset_add_text(rs, "list.yaml", list, strlen(list), d), 0);
    ck_assert_int_eq(tm_ruleset_add_text(rs, "map.yaml", map, strlen(map), d), 0);
    ck_assert_int_eq(tm_ruleset_add_text(rs, "empty.yaml", empty, strlen(empty), d), 0);
    ck_assert_uint_eq(tm_ruleset_count(rs), 2);
    ck_assert_str_eq(rs->rules[0]->when_text, "true");
    ck_assert_str_eq(rs->rules[1]->when_text, "true");
    ck_assert_uint_eq(tm_diags_count(d), 0);
    tm_ruleset_free(rs);
    tm_diags_free(d);
}
END_TEST

/* ------------------------------------------------------ bad rule files */

typedef struct {
    const char *file; /* under tests/rules-bad/ */
    const char *expect;
} S_bad_case;

static const S_bad_case S_bad[] = {
    {"missing-key.yaml",
     "missing-key.yaml:1:3: missing required key 'mitigation' in rule 'BAD-MISSING'\n"},
    {"unknown-key.yaml",
     "unknown-key.yaml:2:3: unknown key 'titel' in rule 'BAD-UNKNOWN-KEY' (did you mean 'title'?)\n"},
    {"bad-id.yaml",
     "bad-id.yaml:1:7: rule id 'bad-lower-case' must match [A-Z0-9][A-Z0-9_.-]* (upper case)\n"},
    {"bad-stride-letter.yaml",
     "bad-stride-letter.yaml:4:15: 'X' is not a STRIDE letter (expected S, T, R, I, D or E; did "
     "you mean 'S'?)\n"},
    {"bad-stride-case.yaml",
     "bad-stride-case.yaml:4:12: 't' is not a STRIDE letter (expected S, T, R, I, D or E; did you "
     "mean 'T'?)\n"},
    {"stride-twice.yaml", "stride-twice.yaml:4:18: STRIDE letter 'T' is given twice\n"},
    {"stride-empty.yaml",
     "stride-empty.yaml:4:11: 'stride' needs at least one of the letters S, T, R, I, D, E\n"},
    {"bad-stride.xml",
     "bad-stride.xml:2:57: 'Q' is not a STRIDE letter (expected S, T, R, I, D or E; did you mean "
     "'S'?)\n"},
    {"bad-applies-to.yaml",
     "bad-applies-to.yaml:3:15: 'applies_to' must be one of element, flow, boundary, identity, artifact "
     "or model, not 'elemnt' (did you mean 'element'?)\n"},
    /* Condition errors point inside the rule file, at the offending token. */
    {"bad-when-syntax.yaml",
     "bad-when-syntax.yaml:5:62: expected ')' but found the end of the expression\n"},
    {"bad-when-block.yaml", "bad-when-block.yaml:7:33: unexpected '=' (did you mean '=='?)\n"},
    {"bad-when-plain.yaml",
     "bad-when-plain.yaml:5:25: 'stor' is never a value of kind: expected external, process or "
     "store (did you mean 'store'?)\n"},
    {"bad-when.json",
     "bad-when.json:7:42: expected a value but found the end of the expression\n"},
    {"bad-when.xml", "bad-when.xml:4:26: cannot compare a boolean with a string\n"},
    {"unknown-subject.yaml",
     "unknown-subject.yaml:5:38: 'flow' is not available in an element rule\n"},
    {"bad-field.yaml",
     "bad-field.yaml:5:16: unknown field 'encryptd' of flow (did you mean 'encrypted'?)\n"},
    {"bad-title-placeholder.yaml",
     "bad-title-placeholder.yaml:2:36: unknown field 'nam' of element (did you mean 'name'?)\n"},
    {"duplicate-id.yaml",
     "duplicate-id.yaml:9:7: duplicate rule id 'BAD-DUP' (first defined at line 1)\n"},
    {"bad-likelihood.yaml",
     "bad-likelihood.yaml:6:15: 'likelihood' must be one of unlikely, likely, very-likely or frequent, "
     "not 'very-likley' (did you mean 'very-likely'?)\n"},
    {"bad-impact.yaml",
     "bad-impact.yaml:7:11: 'impact' must be one of low, medium, high or very-high, not an integer\n"},
    {"references-not-list.yaml",
     "references-not-list.yaml:9:15: 'references' must be a list of strings, not a string\n"},
    {"empty-title.yaml", "empty-title.yaml:2:10: 'title' must not be empty\n"},
    {"include-scope-not-bool.yaml",
     "include-scope-not-bool.yaml:9:25: 'include_out_of_scope' must be a boolean (true or false), "
     "not the string 'yes'\n"},
    {"rules-not-list.yaml",
     "rules-not-list.yaml:2:3: 'rules' must be a list of rules, not a map\n"},
    {"file-is-scalar.yaml",
     "file-is-scalar.yaml:1:1: a rule file must be a list of rules or a map with key 'rules', not "
     "a string\n"},
    {"wrong-top-key.yaml",
     "wrong-top-key.yaml:1:1: unknown key 'rule' in a rule file (did you mean 'rules'?)\n"
     "wrong-top-key.yaml:1:1: missing required key 'rules' in a rule file\n"},
    {"syntax-error.yaml",
     "syntax-error.yaml:3:1: YAML syntax error: found unexpected end of stream (while scanning a "
     "quoted scalar at line 2, column 10)\n"},
};

START_TEST(bad_rule_file_reports_exact_position)
{
    const S_bad_case *t = &S_bad[_i];
    char rel[256];
    snprintf(rel, sizeof rel, "tests/rules-bad/%s", t->file);
    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_ruleset_add_file(rs, tu_path(rel), d), -1);
    /* all or nothing: a broken file adds none of its rules */
    ck_assert_uint_eq(tm_ruleset_count(rs), 0);
    char *got = S_diag_text(d);
    ck_assert_str_eq(got, t->expect);
    free(got);
    for (size_t i = 0; i < tm_diags_count(d); i++)
        ck_assert_int_eq(tm_diags_get(d, i)->severity, TM_DIAG_ERROR);
    tm_ruleset_free(rs);
    tm_diags_free(d);
}
END_TEST

/* Every file in tests/rules-bad/ has a case above (a new file without an
 * expected message would otherwise go untested). */
START_TEST(every_bad_file_has_a_case)
{
    size_t n = sizeof S_bad / sizeof S_bad[0];
    ck_assert_uint_ge(n, 15);
    char *dir = tm_xstrdup(tu_path("tests/rules-bad"));
    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    /* Loading the folder reads every rule file in it, in name order. */
    ck_assert_int_eq(tm_ruleset_add_dir(rs, dir, d), -1);
    /* "\nname\n" for every file with an error, once */
    tm_buf seen, key;
    tm_buf_init(&seen, 0);
    tm_buf_init(&key, 0);
    tm_buf_putc(&seen, '\n');
    size_t files = 0;
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const char *f = tm_diags_get(d, i)->file;
        const char *base = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
        tm_buf_reset(&key);
        tm_buf_printf(&key, "\n%s\n", base);
        if (!strstr(seen.data, key.data)) {
            tm_buf_printf(&seen, "%s\n", base);
            files++;
        }
    }
    /* duplicate-builtin-id.yaml is fine on its own: only with the built-in rules is it bad */
    ck_assert_uint_eq(files, n);
    for (size_t i = 0; i < n; i++) {
        tm_buf_reset(&key);
        tm_buf_printf(&key, "\n%s\n", S_bad[i].file);
        ck_assert_msg(strstr(seen.data, key.data), "%s", S_bad[i].file);
    }
    tm_buf_free(&key);
    ck_assert_uint_eq(tm_ruleset_count(rs), 1); /* only duplicate-builtin-id.yaml's rule */
    tm_buf_free(&seen);
    tm_ruleset_free(rs);
    tm_diags_free(d);
    free(dir);
}
END_TEST

START_TEST(duplicate_of_builtin_rule_names_first_definition)
{
    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rs, d), 0);
    size_t n = tm_ruleset_count(rs);
    const tm_rule *first = tm_ruleset_find(rs, "STRIDE-STORE-I");
    ck_assert_ptr_nonnull(first);
    ck_assert(first->builtin);
    ck_assert_int_eq(
        tm_ruleset_add_file(rs, tu_path("tests/rules-bad/duplicate-builtin-id.yaml"), d), -1);
    ck_assert_uint_eq(tm_ruleset_count(rs), n);
    ck_assert_uint_eq(tm_diags_count(d), 1);
    const tm_diag *g = tm_diags_get(d, 0);
    ck_assert_uint_eq(g->line, 1);
    ck_assert_uint_eq(g->col, 7);
    char want[256];
    snprintf(want, sizeof want,
             "duplicate rule id 'STRIDE-STORE-I' (first defined at "
             "share/stridec/rules/stride-baseline.yaml:%u:%u)",
             (unsigned)first->loc.line, (unsigned)first->loc.col);
    ck_assert_str_eq(g->message, want);
    /* and across two user files */
    tm_ruleset *rs2 = tm_ruleset_new();
    tm_diags *d2 = tm_diags_new();
    ck_assert_int_eq(tm_ruleset_add_file(rs2, tu_path("tests/rules-good/team.yaml"), d2), 0);
    ck_assert_int_eq(tm_ruleset_add_file(rs2, tu_path("tests/rules-good/team.json"), d2), -1);
    ck_assert_uint_eq(tm_diags_count(d2), 3);
    ck_assert_ptr_nonnull(strstr(tm_diags_get(d2, 0)->message, "team.yaml:3:5)"));
    ck_assert_uint_eq(tm_ruleset_count(rs2), 3);
    tm_ruleset_free(rs2);
    tm_diags_free(d2);
    tm_ruleset_free(rs);
    tm_diags_free(d);
}
END_TEST

START_TEST(rule_folder_in_name_order)
{
    char *dir = tu_tmpdir();
    char path[4096];
    static const char *const names[] = {"b.yaml", "a.json", "c.txt", ".hidden.yaml"};
    static const char *const texts[] = {
        "- {id: B, title: t, applies_to: model, stride: [S], when: 'true', likelihood: likely, "
        "impact: low, mitigation: m}\n",
        "[{\"id\": \"A\", \"title\": \"t\", \"applies_to\": \"model\", \"stride\": [\"S\"], "
        "\"when\": \"true\", \"likelihood\": \"likely\", \"impact\": \"low\", \"mitigation\": "
        "\"m\"}]",
        "not a rule file\n", "broken: [\n"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        fputs(texts[i], f);
        fclose(f);
    }
    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_ruleset_add_dir(rs, dir, d), 0);
    ck_assert_uint_eq(tm_diags_count(d), 0);
    ck_assert_uint_eq(tm_ruleset_count(rs), 2);
    ck_assert_str_eq(rs->rules[0]->id, "A");
    ck_assert_str_eq(rs->rules[1]->id, "B");
    ck_assert_int_eq(tm_ruleset_add_dir(rs, "/nonexistent-rules", d), -1);
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    ck_assert_str_eq(tm_diags_get(d, 0)->message, "cannot open the rule folder");
    tm_ruleset_free(rs);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------ built-in */

START_TEST(builtin_baseline_is_complete)
{
    tm_ruleset *rs = tm_ruleset_new();
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rs, d), 0);
    ck_assert_uint_eq(tm_diags_count(d), 0);
    size_t baseline = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const tm_rule *r = rs->rules[i];
        ck_assert(r->builtin);
        ck_assert_ptr_nonnull(r->when);
        if (strncmp(r->id, "STRIDE-", 7) != 0)
            continue;
        baseline++;
        ck_assert_str_eq(r->loc.file, "share/stridec/rules/stride-baseline.yaml");
        ck_assert_msg(r->description && strlen(r->description) > 40, "%s description", r->id);
        ck_assert_msg(strlen(r->mitigation) > 40, "%s mitigation", r->id);
        ck_assert_msg(r->n_references > 0, "%s references", r->id);
        ck_assert_msg(strchr(r->title, '{') != NULL, "%s title names nothing", r->id);
    }
    ck_assert_uint_ge(baseline, 25);
    /* STRIDE per element: one rule per letter per kind */
    static const struct {
        const char *id;
        unsigned letters;
    } per_element[] = {
        {"STRIDE-EXT-S", TM_STRIDE_S},   {"STRIDE-EXT-R", TM_STRIDE_R},
        {"STRIDE-PROC-S", TM_STRIDE_S},  {"STRIDE-PROC-T", TM_STRIDE_T},
        {"STRIDE-PROC-R", TM_STRIDE_R},  {"STRIDE-PROC-I", TM_STRIDE_I},
        {"STRIDE-PROC-D", TM_STRIDE_D},  {"STRIDE-PROC-E", TM_STRIDE_E},
        {"STRIDE-STORE-T", TM_STRIDE_T}, {"STRIDE-STORE-R", TM_STRIDE_R},
        {"STRIDE-STORE-I", TM_STRIDE_I}, {"STRIDE-STORE-D", TM_STRIDE_D},
        {"STRIDE-FLOW-T", TM_STRIDE_T},  {"STRIDE-FLOW-I", TM_STRIDE_I},
        {"STRIDE-FLOW-D", TM_STRIDE_D},
    };
    for (size_t i = 0; i < sizeof per_element / sizeof per_element[0]; i++) {
        const tm_rule *r = tm_ruleset_find(rs, per_element[i].id);
        ck_assert_msg(r != NULL, "%s missing", per_element[i].id);
        ck_assert_uint_eq(r->stride, per_element[i].letters);
    }
    ck_assert_int_eq(tm_ruleset_find(rs, "STRIDE-FLOW-T")->applies_to, TM_APPLIES_FLOW);
    ck_assert_int_eq(tm_ruleset_find(rs, "STRIDE-BOUNDARY-UNAUTHENTICATED")->applies_to,
                     TM_APPLIES_BOUNDARY);
    ck_assert(tm_ruleset_find(rs, "SCOPE-FLOW-OUT-SENSITIVE")->include_out_of_scope);
    tm_ruleset_free(rs);
    tm_diags_free(d);
}
END_TEST

/* Run the built-in rules on a model; the sorted ids of STRIDE-* threats,
 * one a line (malloc'd). */
static char *S_baseline_ids(const char *model)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *cat = tm_catalog_builtin(d);
    tm_ruleset *rs = tm_ruleset_new();
    ck_assert_ptr_nonnull(cat);
    ck_assert_int_eq(tm_ruleset_add_builtin(rs, d), 0);
    tm_model *m = tm_model_load(tu_path(model), NULL, d);
    ck_assert_ptr_nonnull(m);
    tm_analysis *a = tm_analyze(m, cat, rs, NULL, d);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    tm_vec ids = {0};
    for (size_t i = 0; i < a->n_threats; i++)
        if (strncmp(a->threats[i]->id, "STRIDE-", 7) == 0)
            tm_vec_push(&ids, (void *)a->threats[i]->id);
    /* insertion sort: a few dozen ids */
    for (size_t i = 1; i < ids.len; i++)
        for (size_t k = i; k > 0 && strcmp(ids.items[k - 1], ids.items[k]) > 0; k--) {
            void *t = ids.items[k];
            ids.items[k] = ids.items[k - 1];
            ids.items[k - 1] = t;
        }
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < ids.len; i++)
        tm_buf_printf(&b, "%s\n", (const char *)ids.items[i]);
    tm_vec_free(&ids);
    tm_analysis_free(a);
    tm_model_free(m);
    tm_ruleset_free(rs);
    tm_catalog_free(cat);
    tm_diags_free(d);
    char *s = tm_buf_detach(&b);
    return s ? s : tm_xstrdup("");
}

/* What fires and, as much, what does not: encrypted and authenticated
 * flows, logged, throttled and validating processes, recoverable stores
 * and managed identity services stay silent. */
START_TEST(baseline_fires_where_conditions_hold)
{
    char *got = S_baseline_ids("tests/rules-good/baseline-model.yaml");
    ck_assert_str_eq(got, "STRIDE-BOUNDARY-DATA-EGRESS@aws\n"
                          "STRIDE-BOUNDARY-STORE-EXPOSED@aws\n"
                          "STRIDE-BOUNDARY-UNAUTHENTICATED@aws\n"
                          "STRIDE-BOUNDARY-UNENCRYPTED@aws\n"
                          "STRIDE-EXT-R@customer\n"
                          "STRIDE-EXT-R@partner\n"
                          "STRIDE-EXT-S@customer\n"
                          "STRIDE-EXT-S@partner\n"
                          "STRIDE-FLOW-AUTHZ@p-api\n"
                          "STRIDE-FLOW-CONF-TO-EXTERNAL@fn-vendor\n"
                          "STRIDE-FLOW-D@c-auth\n"
                          "STRIDE-FLOW-D@c-bucket\n"
                          "STRIDE-FLOW-D@p-fn\n"
                          "STRIDE-FLOW-EXT-TO-STORE@c-bucket\n"
                          "STRIDE-FLOW-I@p-fn\n"
                          "STRIDE-FLOW-STORE-TO-EXT@bucket-c\n"
                          "STRIDE-FLOW-T@c-auth\n"
                          "STRIDE-FLOW-T@p-fn\n"
                          "STRIDE-PROC-D@fn\n"
                          "STRIDE-PROC-E@api\n"
                          "STRIDE-PROC-E@fn\n"
                          "STRIDE-PROC-I@api\n"
                          "STRIDE-PROC-I@fn\n"
                          "STRIDE-PROC-S@fn\n"
                          "STRIDE-PROC-SUPPLY@fn\n"
                          "STRIDE-PROC-T@fn\n"
                          "STRIDE-STORE-D@bucket\n"
                          "STRIDE-STORE-D@cache\n"
                          "STRIDE-STORE-I-UNCLASSIFIED@cache\n"
                          "STRIDE-STORE-I@bucket\n"
                          "STRIDE-STORE-I@table\n"
                          "STRIDE-STORE-R@bucket\n"
                          "STRIDE-STORE-T@bucket\n");
    free(got);
    got = S_baseline_ids("tests/rules-good/no-boundaries.yaml");
    ck_assert_str_eq(got, "STRIDE-EXT-R@u\nSTRIDE-MODEL-NO-BOUNDARIES@model\nSTRIDE-PROC-R@f\n");
    free(got);
}
END_TEST

/* ------------------------------------------------------------- scoring */

START_TEST(scoring_matrix)
{
    /* rows: likelihood; columns: impact low, medium, high, very-high */
    static const tm_severity want[4][4] = {
        {TM_SEV_LOW, TM_SEV_LOW, TM_SEV_MEDIUM, TM_SEV_HIGH},
        {TM_SEV_LOW, TM_SEV_MEDIUM, TM_SEV_HIGH, TM_SEV_HIGH},
        {TM_SEV_MEDIUM, TM_SEV_HIGH, TM_SEV_HIGH, TM_SEV_CRITICAL},
        {TM_SEV_MEDIUM, TM_SEV_HIGH, TM_SEV_CRITICAL, TM_SEV_CRITICAL},
    };
    for (int l = TM_LIK_UNLIKELY; l <= TM_LIK_FREQUENT; l++)
        for (int i = TM_IMP_LOW; i <= TM_IMP_VERY_HIGH; i++) {
            tm_severity base = want[l - 1][i - 1];
            /* confidential: one level up, but not past high by raising;
             * restricted: one level up, to critical at most */
            tm_severity up1 = base < TM_SEV_HIGH ? base + 1 : base;
            tm_severity up2 = base + 1 > TM_SEV_CRITICAL ? TM_SEV_CRITICAL : base + 1;
            ck_assert_int_eq(tm_score(l, i, TM_CLASS_NONE), base);
            ck_assert_int_eq(tm_score(l, i, TM_CLASS_PUBLIC), base);
            ck_assert_int_eq(tm_score(l, i, TM_CLASS_INTERNAL), base);
            ck_assert_int_eq(tm_score(l, i, TM_CLASS_CONFIDENTIAL), up1);
            ck_assert_int_eq(tm_score(l, i, TM_CLASS_RESTRICTED), up2);
        }
    /* spot checks against scoring.md */
    ck_assert_int_eq(tm_score(TM_LIK_LIKELY, TM_IMP_MEDIUM, TM_CLASS_NONE), TM_SEV_MEDIUM);
    ck_assert_int_eq(tm_score(TM_LIK_LIKELY, TM_IMP_MEDIUM, TM_CLASS_CONFIDENTIAL), TM_SEV_HIGH);
    ck_assert_int_eq(tm_score(TM_LIK_LIKELY, TM_IMP_MEDIUM, TM_CLASS_RESTRICTED), TM_SEV_HIGH);
    ck_assert_int_eq(tm_score(TM_LIK_LIKELY, TM_IMP_HIGH, TM_CLASS_CONFIDENTIAL), TM_SEV_HIGH);
    ck_assert_int_eq(tm_score(TM_LIK_LIKELY, TM_IMP_HIGH, TM_CLASS_RESTRICTED), TM_SEV_CRITICAL);
    ck_assert_int_eq(tm_score(TM_LIK_UNLIKELY, TM_IMP_LOW, TM_CLASS_RESTRICTED), TM_SEV_MEDIUM);
    ck_assert_int_eq(tm_score((tm_likelihood)0, TM_IMP_LOW, TM_CLASS_NONE), TM_SEV_NONE);
    ck_assert_int_eq(tm_score(TM_LIK_LIKELY, (tm_impact)9, TM_CLASS_NONE), TM_SEV_NONE);
}
END_TEST

START_TEST(names_round_trip)
{
    static const char *const sev[] = {"low", "medium", "high", "critical"};
    for (int i = 0; i < 4; i++) {
        tm_severity s;
        ck_assert_int_eq(tm_severity_parse(sev[i], &s), 0);
        ck_assert_int_eq(s, TM_SEV_LOW + i);
        ck_assert_str_eq(tm_severity_name(s), sev[i]);
    }
    tm_severity s = TM_SEV_HIGH;
    ck_assert_int_eq(tm_severity_parse("none", &s), -1);
    ck_assert_int_eq(tm_severity_parse("Critical", &s), -1);
    ck_assert_int_eq(tm_severity_parse(NULL, &s), -1);
    ck_assert_int_eq(s, TM_SEV_HIGH);
    ck_assert_str_eq(tm_severity_name(TM_SEV_NONE), "none");

    static const char *const lik[] = {"unlikely", "likely", "very-likely", "frequent"};
    static const char *const imp[] = {"low", "medium", "high", "very-high"};
    for (int i = 0; i < 4; i++) {
        tm_likelihood l;
        tm_impact m;
        ck_assert_int_eq(tm_likelihood_parse(lik[i], &l), 0);
        ck_assert_int_eq(l, TM_LIK_UNLIKELY + i);
        ck_assert_str_eq(tm_likelihood_name(l), lik[i]);
        ck_assert_int_eq(tm_impact_parse(imp[i], &m), 0);
        ck_assert_int_eq(m, TM_IMP_LOW + i);
        ck_assert_str_eq(tm_impact_name(m), imp[i]);
    }
    tm_likelihood l;
    tm_impact m;
    ck_assert_int_eq(tm_likelihood_parse("often", &l), -1);
    ck_assert_int_eq(tm_impact_parse("huge", &m), -1);
    ck_assert_str_eq(tm_likelihood_name((tm_likelihood)0), "?");
    ck_assert_str_eq(tm_impact_name((tm_impact)5), "?");

    ck_assert_str_eq(tm_applies_name(TM_APPLIES_ELEMENT), "element");
    ck_assert_str_eq(tm_applies_name(TM_APPLIES_MODEL), "model");
    ck_assert_str_eq(tm_target_type_name(TM_TARGET_FLOW), "flow");
    ck_assert_str_eq(tm_target_type_name(TM_TARGET_ARTIFACT), "artifact");
    ck_assert(tm_status_is_open(TM_STATUS_OPEN));
    ck_assert(tm_status_is_open(TM_STATUS_IN_PROGRESS));
    ck_assert(!tm_status_is_open(TM_STATUS_MITIGATED));
    ck_assert(!tm_status_is_open(TM_STATUS_ACCEPTED));
    ck_assert(!tm_status_is_open(TM_STATUS_TRANSFERRED));
    ck_assert(!tm_status_is_open(TM_STATUS_FALSE_POSITIVE));
}
END_TEST

/* ------------------------------------------------------------ CLI rules */

START_TEST(cli_rules_list_and_show)
{
    const char *list[] = {"rules", "list", NULL};
    tu_result r = tu_run(list);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "STRIDE-FLOW-T "));
    /* one rule a line: id, letters, applies_to, title */
    const char *line = strstr(r.out, "STRIDE-EXT-S ");
    ck_assert_ptr_nonnull(line);
    const char *eol = strchr(line, '\n');
    char buf[512];
    size_t n = (size_t)(eol - line) < sizeof buf - 1 ? (size_t)(eol - line) : sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n] = 0;
    ck_assert_ptr_nonnull(strstr(buf, "  S       element   Spoofing of {element.name}: a caller "
                                      "can pretend to be it"));
    tu_result_free(&r);

    const char *dflt[] = {"rules", NULL};
    r = tu_run(dflt);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "STRIDE-STORE-I "));
    tu_result_free(&r);

    const char *show[] = {"rules", "show", "SCOPE-FLOW-OUT-SENSITIVE", NULL};
    r = tu_run(show);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "id:          SCOPE-FLOW-OUT-SENSITIVE\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "applies to:  flow\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "stride:      I (Information disclosure)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "likelihood:  likely\nimpact:      high\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "when:        target.out_of_scope && !source.out_of_scope"));
    ck_assert_ptr_nonnull(strstr(r.out, "references:\n  - CWE-359\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "scope:       also runs on out-of-scope elements\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "defined at:  share/stridec/rules/scope.yaml:"));
    ck_assert_ptr_nonnull(strstr(r.out, "(built-in)\n"));
    tu_result_free(&r);

    const char *monitor[] = {"rules", "show", "STRIDE-STORE-D", NULL};
    r = tu_run(monitor);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "monitor:\n  - bulk deletes"));
    tu_result_free(&r);
}
END_TEST

START_TEST(cli_rules_with_user_files)
{
    const char *add[] = {"rules", "list", "--rules", "tests/rules-good/team.yaml", NULL};
    tu_result r = tu_run(add);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "TEAM-NO-OWNER "));
    ck_assert_ptr_nonnull(strstr(r.out, "STRIDE-EXT-S "));
    tu_result_free(&r);

    const char *show[] = {"rules", "--rules=tests/rules-good/team.xml", "show",
                          "TEAM-PUBLIC-LAMBDA", NULL};
    r = tu_run(show);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "monitor:\n  - CreateFunctionUrlConfig*\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "defined at:  tests/rules-good/team.xml:4:3\n"));
    tu_result_free(&r);

    /* a broken file: its diagnostics, exit 2, nothing on stdout */
    const char *bad[] = {"rules", "list", "--rules", "tests/rules-good/team.yaml", "--rules",
                         "tests/rules-bad/bad-when-block.yaml", NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "tests/rules-bad/bad-when-block.yaml:7:33: error: unexpected '=' "
                            "(did you mean '=='?)\n"
                            "      && element.props.versioning = false\n"
                            "                                  ^\n");
    tu_result_free(&r);

    const char *dup[] = {"rules", "--rules", "tests/rules-good/team.yaml", "--rules",
                         "tests/rules-good/team.yaml", NULL};
    r = tu_run(dup);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "duplicate rule id 'TEAM-PUBLIC-LAMBDA' (first defined at "
                                        "line 3)"));
    tu_result_free(&r);

    const char *missing[] = {"rules", "--rules", "tests/rules-good/nope.yaml", NULL};
    r = tu_run(missing);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "tests/rules-good/nope.yaml"));
    tu_result_free(&r);
}
END_TEST

START_TEST(cli_rules_errors)
{
    const char *unknown[] = {"rules", "show", "STRIDE-PROC-X", NULL};
    tu_result r = tu_run(unknown);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err,
                     "stridec: rules: unknown rule 'STRIDE-PROC-X' (did you mean 'STRIDE-PROC-S'?)\n");
    tu_result_free(&r);

    const char *noid[] = {"rules", "show", NULL};
    r = tu_run(noid);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "'show' takes one rule id"));
    tu_result_free(&r);

    const char *opt[] = {"rules", "--frobnicate", NULL};
    r = tu_run(opt);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown option '--frobnicate'"));
    tu_result_free(&r);

    const char *noval[] = {"rules", "--rules", NULL};
    r = tu_run(noval);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);

    const char *help[] = {"rules", "--help", NULL};
    r = tu_run(help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: stridec rules"));
    ck_assert_ptr_nonnull(strstr(r.out, "--rules FILE"));
    tu_result_free(&r);
}
END_TEST

Suite *suite_rules(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, same_rules_in_three_syntaxes);
    tcase_add_test(tc, rule_file_as_list_or_map_and_from_text);
    tcase_add_test(tc, rule_folder_in_name_order);
    tcase_add_test(tc, duplicate_of_builtin_rule_names_first_definition);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad");
    tcase_add_loop_test(tc, bad_rule_file_reports_exact_position, 0,
                        (int)(sizeof S_bad / sizeof S_bad[0]));
    tcase_add_test(tc, every_bad_file_has_a_case);
    suite_add_tcase(s, tc);
    tc = tcase_create("builtin");
    tcase_add_test(tc, builtin_baseline_is_complete);
    tcase_add_test(tc, baseline_fires_where_conditions_hold);
    suite_add_tcase(s, tc);
    tc = tcase_create("scoring");
    tcase_add_test(tc, scoring_matrix);
    tcase_add_test(tc, names_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_add_test(tc, cli_rules_list_and_show);
    tcase_add_test(tc, cli_rules_with_user_files);
    tcase_add_test(tc, cli_rules_errors);
    suite_add_tcase(s, tc);
    return s;
}
