/* The engine driver (stride.c): boundary crossings on nested boundaries,
 * inbound/outbound flows and entry points, implicit entry points, review
 * decisions, id stability and order, compiled title templates, and the
 * check gate's exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/analysis.h"
#include "engine/expr.h"
#include "stridec/doc.h"
#include "testutil.h"

typedef struct {
    tm_arena *ar;
    tm_diags *d;
    tm_model *m;
    tm_catalog *cat;
    tm_ruleset *rs;
    tm_analysis *a;
} fixture;

static void S_load(fixture *f, const char *yaml)
{
    memset(f, 0, sizeof *f);
    f->ar = tm_arena_new();
    f->d = tm_diags_new();
    tm_node *root = tm_read_text_tree(f->ar, "engine.yaml", TM_SYNTAX_YAML, yaml, strlen(yaml), NULL, f->d);
    ck_assert_ptr_nonnull(root);
    f->m = tm_model_build(root, "engine.yaml", NULL, f->d);
    if (!f->m) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(f->d, &b);
        ck_abort_msg("model does not build:\n%s", b.data ? b.data : "");
    }
    f->cat = tm_catalog_builtin(f->d);
    ck_assert_ptr_nonnull(f->cat);
    f->rs = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(f->rs, f->d), 0);
    f->a = tm_analyze(f->m, f->cat, f->rs, NULL, f->d);
    ck_assert_ptr_nonnull(f->a);
}

static void S_free(fixture *f)
{
    tm_analysis_free(f->a);
    tm_ruleset_free(f->rs);
    tm_catalog_free(f->cat);
    tm_model_free(f->m);
    tm_diags_free(f->d);
    tm_arena_free(f->ar);
}

static const char *S_ids(tm_arena *ar, const tm_boundary *const *b, size_t n)
{
    tm_buf buf;
    tm_buf_init(&buf, 0);
    for (size_t i = 0; i < n; i++)
        tm_buf_printf(&buf, "%s%s", i ? "," : "", b[i]->id);
    const char *s = tm_arena_strdup(ar, buf.data ? buf.data : "");
    tm_buf_free(&buf);
    return s;
}

static const char *S_flow_ids(tm_arena *ar, const tm_flow *const *f, size_t n)
{
    tm_buf buf;
    tm_buf_init(&buf, 0);
    for (size_t i = 0; i < n; i++)
        tm_buf_printf(&buf, "%s%s", i ? "," : "", f[i]->id);
    const char *s = tm_arena_strdup(ar, buf.data ? buf.data : "");
    tm_buf_free(&buf);
    return s;
}

static const tm_threat *S_threat(const tm_analysis *a, const char *id)
{
    for (size_t i = 0; i < a->n_threats; i++)
        if (strcmp(a->threats[i]->id, id) == 0)
            return a->threats[i];
    return NULL;
}

static const char S_nested[] =
    "stridec: 1\n"
    "system: {name: Nested}\n"
    "data: [{id: pii, classification: restricted}]\n"
    "boundaries:\n"
    "  - {id: internet, type: internet}\n"
    "  - {id: account, type: cloud-account}\n"
    "  - {id: app, type: serverless-app, parent: account}\n"
    "  - {id: vpc, type: vpc, parent: app}\n"
    "elements:\n"
    "  - {id: user, type: user, boundary: internet}\n"
    "  - {id: api, type: aws.apigateway, boundary: app}\n"
    "  - {id: fn, type: aws.lambda, boundary: vpc}\n"
    "  - {id: table, type: aws.dynamodb, boundary: account, data: [pii],\n"
    "     props: {ruled_out_entry_points: [\"AWS CLI\", \"*SDK*\"]}}\n"
    "  - {id: free, type: generic.process}\n"
    "flows:\n"
    "  - {from: user, to: api, protocol: https}\n"
    "  - {from: api, to: fn, protocol: aws-invoke}\n"
    "  - {from: fn, to: table, protocol: aws-api, data: [pii]}\n"
    "  - {from: fn, to: user, protocol: https}\n"
    "  - {from: free, to: fn}\n";

START_TEST(crossings_on_nested_boundaries)
{
    fixture f;
    S_load(&f, S_nested);
    const tm_analysis *a = f.a;
    /* user -> api: leaves internet, enters account and app (outermost first) */
    ck_assert_str_eq(S_ids(f.ar, a->flows[0].crosses, a->flows[0].n_crosses), "internet,account,app");
    /* api -> fn: enters vpc only */
    ck_assert_str_eq(S_ids(f.ar, a->flows[1].crosses, a->flows[1].n_crosses), "vpc");
    /* fn -> table: leaves app and vpc (table sits in account only) */
    ck_assert_str_eq(S_ids(f.ar, a->flows[2].crosses, a->flows[2].n_crosses), "app,vpc");
    /* fn -> user: leaves account, app, vpc; enters internet */
    ck_assert_str_eq(S_ids(f.ar, a->flows[3].crosses, a->flows[3].n_crosses),
                     "account,app,vpc,internet");
    /* free (outside all) -> fn: enters account, app, vpc */
    ck_assert_str_eq(S_ids(f.ar, a->flows[4].crosses, a->flows[4].n_crosses), "account,app,vpc");
    ck_assert_uint_eq(a->flows[4].number, 5);

    /* boundary views */
    const tm_boundary_info *account = &a->boundaries[1], *app = &a->boundaries[2];
    ck_assert_str_eq(S_flow_ids(f.ar, account->inbound, account->n_inbound), "user--api,free--fn");
    ck_assert_str_eq(S_flow_ids(f.ar, account->outbound, account->n_outbound), "fn--user");
    ck_assert_str_eq(S_flow_ids(f.ar, app->outbound, app->n_outbound), "fn--table,fn--user");
    ck_assert_uint_eq(app->n_members, 2); /* api, and fn through vpc */
    ck_assert_uint_eq(account->n_members, 3);
    ck_assert_uint_eq(account->n_entry_points, 2);
    ck_assert_str_eq(account->entry_points[0]->id, "api");
    ck_assert_str_eq(account->entry_points[1]->id, "fn");
    ck_assert_uint_eq(account->n_children, 1);
    ck_assert_uint_eq(a->n_top_boundaries, 2);

    /* flows in and out, and the classification an element receives */
    const tm_element_info *fn = &a->elements[2], *table = &a->elements[3];
    ck_assert_uint_eq(fn->n_in, 2);
    ck_assert_uint_eq(fn->n_out, 2);
    ck_assert_int_eq(table->max_class, TM_CLASS_RESTRICTED);

    /* implicit entry points: the catalogue's, minus those ruled out */
    ck_assert_uint_gt(fn->n_entry_points, 2);
    for (size_t i = 0; i < table->n_entry_points; i++) {
        ck_assert_str_ne(table->entry_points[i], "AWS CLI");
        ck_assert_ptr_null(strstr(table->entry_points[i], "SDK"));
    }
    ck_assert_uint_lt(table->n_entry_points, f.a->elements[3].type->n_entry_points);
    S_free(&f);
}
END_TEST

START_TEST(threat_order_and_ids_are_stable)
{
    fixture f, g;
    S_load(&f, S_nested);
    S_load(&g, S_nested);
    ck_assert_uint_gt(f.a->n_threats, 10);
    ck_assert_uint_eq(f.a->n_threats, g.a->n_threats);
    for (size_t i = 0; i < f.a->n_threats; i++) {
        const tm_threat *t = f.a->threats[i];
        ck_assert_str_eq(t->id, g.a->threats[i]->id);
        /* the id is RULE@TARGET */
        char want[512];
        snprintf(want, sizeof want, "%s@%s", t->rule->id, t->target_id);
        ck_assert_str_eq(t->id, want);
        if (i > 0) {
            const tm_threat *p = f.a->threats[i - 1];
            ck_assert_int_le(p->target_type, t->target_type);
            ck_assert_str_ne(p->id, t->id);
        }
    }
    /* summary counts every threat once per letter */
    size_t letters = 0, by = 0;
    for (size_t i = 0; i < f.a->n_threats; i++)
        letters += (size_t)__builtin_popcount(f.a->threats[i]->stride);
    for (int k = 0; k < 6; k++)
        by += f.a->by_stride[k];
    ck_assert_uint_eq(letters, by);
    S_free(&f);
    S_free(&g);
}
END_TEST

static const char S_decisions[] =
    "stridec: 1\n"
    "system: {name: Decisions}\n"
    "elements:\n"
    "  - {id: user, type: user}\n"
    "  - {id: fn, type: aws.lambda}\n"
    "flows:\n"
    "  - {from: user, to: fn}\n"
    "threats:\n"
    "  - {id: \"*@fn\", status: accepted, justification: wildcard}\n"
    "  - {id: STRIDE-PROC-R@fn, status: mitigated, owner: team}\n"
    "  - {id: \"STRIDE-*@user*\", status: false-positive}\n"
    "  - {id: NOPE@fn, status: mitigated}\n";

START_TEST(review_decisions_apply_exact_over_wildcard)
{
    fixture f;
    S_load(&f, S_decisions);
    const tm_threat *t = S_threat(f.a, "STRIDE-PROC-R@fn");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->status, TM_STATUS_MITIGATED);
    ck_assert_str_eq(t->decision->owner, "team");
    /* other threats on fn take the wildcard */
    size_t on_fn = 0;
    for (size_t i = 0; i < f.a->n_threats; i++) {
        const tm_threat *x = f.a->threats[i];
        if (strcmp(x->target_id, "fn") == 0 && x != t) {
            ck_assert_int_eq(x->status, TM_STATUS_ACCEPTED);
            on_fn++;
        }
        /* '*' never crosses '@': STRIDE-*@user* matches threats on user and
         * on user--fn, none on fn */
        if (strcmp(x->target_id, "fn") == 0)
            ck_assert_int_ne(x->status, TM_STATUS_FALSE_POSITIVE);
    }
    ck_assert_uint_gt(on_fn, 0);
    ck_assert_uint_eq(f.a->by_status[TM_STATUS_MITIGATED], 1);
    /* unmatched decisions warn with their line */
    int warned_nope = 0;
    for (size_t i = 0; i < tm_diags_count(f.d); i++) {
        const tm_diag *g = tm_diags_get(f.d, i);
        if (g->severity != TM_DIAG_WARNING)
            continue;
        if (strstr(g->message, "'NOPE@fn'") && g->line == 12)
            warned_nope = 1;
    }
    ck_assert_uint_gt(f.a->by_status[TM_STATUS_FALSE_POSITIVE], 0);
    ck_assert(warned_nope);
    S_free(&f);
}
END_TEST

START_TEST(compiled_templates_match_expand)
{
    fixture f;
    S_load(&f, S_decisions);
    tm_eval_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.a = f.a;
    ctx.element = f.m->elements[1];
    static const char *const tmpls[] = {
        "plain text", "{element.name} runs {element.type}", "{{literal}} and {element.id}",
        "", "tail {element.kind}", "{element.identity}",
    };
    for (size_t i = 0; i < sizeof tmpls / sizeof *tmpls; i++) {
        tm_expr_template *t = tm_expr_template_compile(f.ar, tmpls[i], TM_APPLIES_ELEMENT);
        const char *a = tm_expr_template_expand(f.ar, t, &ctx);
        const char *b = tm_expr_expand(f.ar, tmpls[i], TM_APPLIES_ELEMENT, &ctx);
        ck_assert_str_eq(a, b);
    }
    tm_expr_template *t = tm_expr_template_compile(f.ar, "{element.name} is {{x}}", TM_APPLIES_ELEMENT);
    ck_assert_str_eq(tm_expr_template_expand(f.ar, t, &ctx), "fn is {x}}");
    S_free(&f);
}
END_TEST

START_TEST(check_gate_exit_status)
{
    const char *low[] = {"check", "models/minimal.yaml", "--fail-on", "low", NULL};
    tu_result r = tu_run(low);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "models/minimal.yaml:"));
    ck_assert_ptr_nonnull(strstr(r.out, "threats ("));
    tu_result_free(&r);
    const char *bad[] = {"check", "models/minimal.yaml", "--fail-on", "severe", NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--fail-on takes low, medium, high or critical, not 'severe'"));
    tu_result_free(&r);
    const char *json[] = {"check", "models/minimal.yaml", "--format", "json", "--fail-on", "critical", NULL};
    r = tu_run(json);
    ck_assert(r.status == 0 || r.status == 1);
    ck_assert_ptr_nonnull(strstr(r.out, "\"threats\": ["));
    tu_result_free(&r);
    const char *none[] = {"check", NULL};
    r = tu_run(none);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    const char *unknown[] = {"chek", NULL};
    r = tu_run(unknown);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "did you mean 'check'?"));
    tu_result_free(&r);
}
END_TEST

START_TEST(report_broken_template_is_invalid_input)
{
    char *dir = tu_tmpdir();
    char path[8400], out[4200];
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = fopen(path, "w");
    fputs("<p>{{#list}}never closed</p>\n", f);
    fclose(f);
    snprintf(out, sizeof out, "%s/out", dir);
    const char *args[] = {"report", "models/minimal.yaml", "-f", "html,json", "--template", dir, "-o", out, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "report.html:1:4: error: unclosed section 'list'"));
    /* nothing written: not even the formats that rendered */
    snprintf(path, sizeof path, "%s/threats.json", out);
    FILE *g = fopen(path, "r");
    ck_assert_ptr_null(g);
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Issue "foundation": the example in YAML, JSON and XML exports to the same
 * JSON, byte for byte. */
START_TEST(three_syntaxes_export_identical_json)
{
    static const char *const files[] = {"models/serverless-webapp.yaml",
                                        "models/serverless-webapp.json",
                                        "models/serverless-webapp.xml"};
    char *first = NULL;
    for (size_t i = 0; i < 3; i++) {
        const char *args[] = {"export", "--to", "json", files[i], NULL};
        tu_result r = tu_run(args);
        ck_assert_msg(r.status == 0, "%s: %s", files[i], r.err);
        ck_assert_uint_gt(strlen(r.out), 10000);
        if (!first)
            first = strdup(r.out);
        else
            ck_assert_msg(strcmp(first, r.out) == 0, "%s exports differently", files[i]);
        tu_result_free(&r);
    }
    free(first);
}
END_TEST

/* A team's rule file adds threats to check and report; a broken one stops
 * both with its place and exit 2. */
START_TEST(custom_rules_add_threats)
{
    const char *plain[] = {"check", "models/minimal.yaml", "--fail-on", "critical", NULL};
    tu_result r = tu_run(plain);
    ck_assert_ptr_null(strstr(r.out, "TEAM-"));
    int plain_status = r.status; /* the team's threats are high: the critical gate stays */
    tu_result_free(&r);
    const char *team[] = {"check", "models/minimal.yaml", "--rules", "tests/rules-good/team.yaml",
                          "--fail-on", "critical", NULL};
    r = tu_run(team);
    ck_assert_int_eq(r.status, plain_status);
    ck_assert_ptr_nonnull(strstr(r.out, "models/minimal.yaml:20:5: high: TEAM-PLAINTEXT-PII@user--api: "
                                        "PII on POST /photos travels in clear text\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "TEAM-PLAINTEXT-PII@upload--photos"));
    tu_result_free(&r);
    const char *bad[] = {"check", "models/minimal.yaml", "--rules",
                         "tests/rules-bad/bad-when-block.yaml", NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, "tests/rules-bad/bad-when-block.yaml:7:33: error: "));
    tu_result_free(&r);
}
END_TEST

/* threats.json is streamed by hand; its bytes must be exactly what the
 * document writer gives for the same tree (parse it back and rewrite it). */
START_TEST(threats_json_layout_is_canonical)
{
    static const char *const models[] = {"models/serverless-webapp.yaml", "tests/models/hostile.yaml"};
    for (size_t i = 0; i < 2; i++) {
        const char *args[] = {"check", models[i], "--format", "json", "--fail-on", "critical", NULL};
        tu_result r = tu_run(args);
        ck_assert_msg(r.status == 0 || r.status == 1, "%s: %s", models[i], r.err);
        tm_arena *ar = tm_arena_new();
        tm_diags *d = tm_diags_new();
        tm_node *root = tm_read_json(ar, "threats.json", r.out, strlen(r.out), NULL, d);
        ck_assert_ptr_nonnull(root);
        ck_assert_uint_gt(tm_node_get(root, "threats")->n, 10);
        tm_buf b;
        tm_buf_init(&b, 0);
        ck_assert_int_eq(tm_write_json(root, &b, 1), 0);
        ck_assert_msg(strcmp(b.data, r.out) == 0, "%s: threats.json differs from its canonical form",
                      models[i]);
        tm_buf_free(&b);
        tm_diags_free(d);
        tm_arena_free(ar);
        tu_result_free(&r);
    }
}
END_TEST

Suite *suite_engine(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, crossings_on_nested_boundaries);
    tcase_add_test(tc, threat_order_and_ids_are_stable);
    tcase_add_test(tc, review_decisions_apply_exact_over_wildcard);
    tcase_add_test(tc, compiled_templates_match_expand);
    tcase_add_test(tc, check_gate_exit_status);
    tcase_add_test(tc, report_broken_template_is_invalid_input);
    tcase_add_test(tc, three_syntaxes_export_identical_json);
    tcase_add_test(tc, custom_rules_add_threats);
    tcase_add_test(tc, threats_json_layout_is_canonical);
    suite_add_tcase(s, tc);
    return s;
}
