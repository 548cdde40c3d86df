/* The model builder: every key lands in its field, derived values, includes,
 * and the same model in YAML, JSON and XML. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stridec/model.h"
#include "testutil.h"

/* Build a model from text; diagnostics go to *dp (caller frees). */
static tm_model *S_build(const char *file, tm_syntax syn, const char *text, tm_diags **dp)
{
    tm_diags *d = tm_diags_new();
    tm_arena *a = tm_arena_new();
    tm_node *root = tm_read_text_tree(a, file, syn, text, strlen(text), NULL, d);
    tm_model *m = root ? tm_model_build(root, file, NULL, d) : NULL;
    tm_arena_free(a);
    *dp = d;
    return m;
}

/* All diagnostics as text, for assertion messages. */
static char *S_diag_text(const tm_diags *d)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "");
    tm_diags_format(d, &b);
    return tm_buf_detach(&b);
}

/* 1 when some diagnostic's message contains `needle`. */
static int S_has(const tm_diags *d, tm_diag_severity sev, const char *needle)
{
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (g->severity == sev && strstr(g->message, needle))
            return 1;
    }
    return 0;
}

static tm_model *S_load(const char *rel, tm_diags **dp)
{
    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(tu_path(rel), NULL, d);
    if (!m) {
        char *t = S_diag_text(d);
        ck_abort_msg("%s did not load:\n%s", rel, t);
        free(t);
    }
    *dp = d;
    return m;
}

/* ------------------------------------------------------------------ */

START_TEST(every_key_lands_in_its_field)
{
    tm_diags *d;
    tm_model *m = S_load("tests/build/full.yaml", &d);
    ck_assert_int_eq(tm_diags_errors(d), 0);

    ck_assert_int_eq(m->format_version, 1);
    ck_assert_str_eq(tm_model_name(m), "Order service");
    ck_assert_str_eq(m->system.description, "Takes orders from the web shop.");
    ck_assert_str_eq(m->system.owner, "platform-security");
    ck_assert_str_eq(m->system.version, "2.1");
    ck_assert_str_eq(m->system.date, "2024-05-01");
    ck_assert_uint_eq(m->system.n_reviewers, 2);
    ck_assert_str_eq(m->system.reviewers[1], "bob");

    ck_assert_uint_eq(m->n_data, 3);
    ck_assert_str_eq(m->data[0]->name, "Order");
    ck_assert(m->data[0]->name_given);
    ck_assert_int_eq(m->data[0]->classification, TM_CLASS_CONFIDENTIAL);
    ck_assert_str_eq(m->data[0]->description, "What a customer bought");
    ck_assert_int_eq(m->data[1]->classification, TM_CLASS_RESTRICTED);
    ck_assert_int_eq(m->data[2]->classification, TM_CLASS_NONE);
    ck_assert_str_eq(m->data[2]->name, "logs"); /* defaults to the id */
    ck_assert(!m->data[2]->name_given);

    ck_assert_uint_eq(m->n_boundaries, 3);
    tm_boundary *aws = tm_model_boundary(m, "aws"), *vpc = tm_model_boundary(m, "vpc");
    ck_assert_ptr_nonnull(aws);
    ck_assert_str_eq(aws->name, "AWS prod account");
    ck_assert_str_eq(aws->type, "cloud-account");
    ck_assert_str_eq(aws->description, "The production account");
    ck_assert_ptr_eq(vpc->parent, aws);
    ck_assert_str_eq(vpc->parent_id, "aws");
    ck_assert_uint_eq(aws->depth, 0);
    ck_assert_uint_eq(vpc->depth, 1);

    ck_assert_uint_eq(m->n_elements, 6);
    tm_element *api = tm_model_element(m, "api"), *h = tm_model_element(m, "handler");
    ck_assert_str_eq(api->name, "Orders API");
    ck_assert_str_eq(api->description, "Public REST API");
    ck_assert_str_eq(api->type, "aws.apigateway");
    ck_assert_int_eq(api->kind, TM_KIND_PROCESS);
    ck_assert(!api->kind_given);
    ck_assert(api->type_known);
    ck_assert_ptr_eq(api->boundary, aws);
    ck_assert_int_eq(api->origin, TM_ORIGIN_THIRD_PARTY);
    ck_assert_str_eq(tm_prop(api->props, "authorizer")->text, "none");
    ck_assert_int_eq(tm_prop(api->props, "throttling")->ival, 100);
    ck_assert_int_eq(tm_prop(api->props, "waf")->stype, TM_SCALAR_BOOL);
    ck_assert_int_eq(tm_prop(api->props, "cors_origins")->kind, TM_NODE_LIST);
    ck_assert_ptr_null(tm_prop(api->props, "nope"));
    ck_assert(h->kind_given);
    ck_assert_ptr_eq(h->boundary, vpc);
    ck_assert_ptr_eq(h->identity, tm_model_identity(m, "handler-role"));
    ck_assert_int_eq(h->origin, TM_ORIGIN_IN_HOUSE);
    ck_assert_uint_eq(h->n_libraries, 2);
    ck_assert_str_eq(h->libraries[0], "lodash@4.17.21");
    ck_assert_uint_eq(h->n_data, 2);
    ck_assert_ptr_eq(h->data[1], m->data[1]);
    ck_assert_int_eq(tm_data_max_class(h->data, h->n_data), TM_CLASS_RESTRICTED);
    ck_assert_int_eq(tm_prop(h->props, "timeout")->ival, 30);
    tm_element *legacy = tm_model_element(m, "legacy");
    ck_assert(legacy->out_of_scope);
    ck_assert(legacy->out_of_scope_given);
    ck_assert_str_eq(legacy->reason, "Run by another team");
    ck_assert_int_eq(legacy->kind, TM_KIND_STORE);
    ck_assert(!legacy->type_known);
    ck_assert(!tm_model_element(m, "audit")->out_of_scope);
    ck_assert(tm_model_element(m, "audit")->out_of_scope_given);
    ck_assert(!tm_model_element(m, "table")->out_of_scope_given);
    ck_assert_ptr_nonnull(tm_model_element(m, "shopper")->props);
    ck_assert_uint_eq(tm_model_element(m, "shopper")->props->n, 0);

    ck_assert_uint_eq(m->n_flows, 5);
    tm_flow *f0 = m->flows[0], *f1 = m->flows[1], *f2 = m->flows[2];
    ck_assert_str_eq(f0->id, "shopper--api");
    ck_assert(f0->id_generated);
    ck_assert_ptr_eq(f0->from, tm_model_element(m, "shopper"));
    ck_assert_ptr_eq(f0->to, api);
    ck_assert_str_eq(f0->name, "POST /orders");
    ck_assert_str_eq(f0->protocol, "https");
    ck_assert_int_eq(f0->port, 443);
    ck_assert_uint_eq(f0->n_data, 2);
    ck_assert_int_eq(f0->authenticated, TM_TRI_FALSE);
    ck_assert_int_eq(f0->encrypted, TM_TRI_TRUE);
    ck_assert_int_eq(f0->authorization, TM_AUTHZ_NONE);
    ck_assert(!f0->trigger_given);
    ck_assert_str_eq(f1->id, "invoke");
    ck_assert(!f1->id_generated);
    ck_assert_str_eq(f1->description, "Proxy integration");
    ck_assert(f1->trigger);
    ck_assert(!f1->bidirectional);
    ck_assert(f1->bidirectional_given);
    ck_assert_int_eq(f1->authorization, TM_AUTHZ_TECHNICAL);
    ck_assert_int_eq(f1->encrypted, TM_TRI_UNKNOWN);
    ck_assert_int_eq(f1->port, 0);
    ck_assert(f2->bidirectional);
    ck_assert_int_eq(tm_prop(f2->props, "vpc_endpoint")->bval, 1);
    ck_assert_int_eq(m->flows[3]->authorization, TM_AUTHZ_END_USER);
    ck_assert_str_eq(m->flows[3]->id, "handler--table--2");

    ck_assert_uint_eq(m->n_identities, 1);
    tm_identity *role = m->identities[0];
    ck_assert_str_eq(role->name, "Handler execution role");
    ck_assert_str_eq(role->type, "aws.iam.role");
    ck_assert_str_eq(role->description, "Runs the order handler");
    ck_assert_uint_eq(role->n_statements, 2);
    ck_assert_str_eq(role->statements[0].sid, "TableAccess");
    ck_assert(role->statements[0].allow);
    ck_assert_uint_eq(role->statements[0].n_actions, 2);
    ck_assert_str_eq(role->statements[0].actions[1], "dynamodb:GetItem");
    ck_assert_uint_eq(role->statements[0].n_resources, 1);
    const tm_statement *st = &role->statements[1];
    ck_assert(!st->allow);
    ck_assert_ptr_null(st->sid);
    ck_assert_uint_eq(st->n_not_actions, 1);
    ck_assert_str_eq(st->principals[0], "arn:aws:iam::210987654321:root");
    ck_assert_uint_eq(st->n_conditions, 2);
    ck_assert_str_eq(st->conditions[0].test, "StringEquals");
    ck_assert_str_eq(st->conditions[0].variable, "aws:SourceAccount");
    ck_assert_uint_eq(st->conditions[0].n_values, 1);
    ck_assert_str_eq(st->conditions[0].values[0], "123456789012");

    ck_assert_uint_eq(m->n_artifacts, 3);
    tm_artifact *dep = m->artifacts[0];
    ck_assert_str_eq(dep->name, "Deploy script");
    ck_assert_int_eq(dep->type, TM_ART_DEPLOYMENT_SCRIPT);
    ck_assert_str_eq(dep->type_name, "deployment-script");
    ck_assert_str_eq(dep->description, "Builds and deploys the stack");
    ck_assert_str_eq(dep->path, "deploy.sh");
    ck_assert_ptr_nonnull(strstr(dep->resolved_path, "tests/build/deploy.sh"));
    ck_assert(dep->path_exists);
    ck_assert_str_eq(dep->version, "1.0");
    ck_assert_int_eq(dep->origin, TM_ORIGIN_IN_HOUSE);
    ck_assert_str_eq(dep->owner, "platform-team");
    ck_assert_uint_eq(dep->n_defines, 2);
    ck_assert_str_eq(dep->defines[1], "handler-role");
    ck_assert_str_eq(tm_prop(dep->props, "runs_in")->text, "ci");
    ck_assert_int_eq(m->artifacts[1]->type, TM_ART_SDK);
    ck_assert_int_eq(m->artifacts[1]->origin, TM_ORIGIN_OPEN_SOURCE);
    ck_assert_ptr_null(m->artifacts[1]->resolved_path);
    ck_assert_int_eq(m->artifacts[2]->type, TM_ART_OTHER);
    ck_assert_str_eq(m->artifacts[2]->type_name, "analytics-snippet");
    ck_assert(S_has(d, TM_DIAG_WARNING, "unknown artifact type 'analytics-snippet'"));

    ck_assert_uint_eq(m->n_assumptions, 2);
    ck_assert_ptr_null(m->assumptions[0]->id);
    ck_assert_str_eq(m->assumptions[0]->text, "AWS enforces IAM policies as written");
    ck_assert_str_eq(m->assumptions[1]->id, "a-tls");
    ck_assert_str_eq(m->assumptions[1]->text, "TLS terminates at API Gateway");

    ck_assert_uint_eq(m->n_decisions, 3);
    ck_assert_str_eq(m->decisions[0]->pattern, "AWS-S3-*@*");
    ck_assert_int_eq(m->decisions[0]->status, TM_STATUS_ACCEPTED);
    ck_assert_str_eq(m->decisions[0]->justification, "No buckets");
    ck_assert_str_eq(m->decisions[0]->owner, "alice");
    ck_assert_str_eq(m->decisions[0]->ticket, "SEC-1");
    ck_assert_str_eq(m->decisions[0]->date, "2024-05-02");
    ck_assert_int_eq(m->decisions[1]->status, TM_STATUS_MITIGATED);
    ck_assert_int_eq(m->decisions[2]->status, TM_STATUS_FALSE_POSITIVE);

    /* Every id is in the map, with its kind and where it is written. */
    const tm_ref *r = tm_model_find(m, "order");
    ck_assert_int_eq(r->kind, TM_REF_DATA);
    ck_assert_uint_eq(r->loc.line, 11);
    ck_assert_int_eq(tm_model_find(m, "invoke")->kind, TM_REF_FLOW);
    ck_assert_int_eq(tm_model_find(m, "shopper--api")->kind, TM_REF_FLOW);
    ck_assert_int_eq(tm_model_find(m, "deploy")->kind, TM_REF_ARTIFACT);
    ck_assert_int_eq(tm_model_find(m, "a-tls")->kind, TM_REF_ASSUMPTION);
    ck_assert_ptr_null(tm_model_find(m, "ghost"));
    ck_assert_ptr_null(tm_model_element(m, "aws")); /* a boundary, not an element */
    ck_assert_uint_eq(tm_map_count(m->ids), 3 + 3 + 6 + 5 + 1 + 3 + 1);

    /* Positions: items keep where they start. */
    ck_assert_uint_eq(api->loc.line, 20);
    ck_assert_ptr_nonnull(strstr(api->loc.file, "full.yaml"));

    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(boundary_containment_follows_parents)
{
    tm_diags *d;
    tm_model *m = S_load("tests/build/full.yaml", &d);
    tm_boundary *aws = tm_model_boundary(m, "aws"), *vpc = tm_model_boundary(m, "vpc"),
                *net = tm_model_boundary(m, "internet");
    tm_element *h = tm_model_element(m, "handler"), *legacy = tm_model_element(m, "legacy");
    ck_assert(tm_boundary_contains(vpc, h));
    ck_assert(tm_boundary_contains(aws, h));
    ck_assert(!tm_boundary_contains(net, h));
    ck_assert(!tm_boundary_contains(aws, legacy)); /* outside all boundaries */
    ck_assert(!tm_boundary_contains(vpc, tm_model_element(m, "api")));
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(kind_is_derived_from_type)
{
    static const struct {
        const char *type;
        tm_kind kind;
    } cases[] = {
        {"user", TM_KIND_EXTERNAL},           {"browser", TM_KIND_EXTERNAL},
        {"mobile-app", TM_KIND_EXTERNAL},     {"third-party.api", TM_KIND_EXTERNAL},
        {"scm.github", TM_KIND_EXTERNAL},     {"aws.lambda", TM_KIND_PROCESS},
        {"aws.apigateway", TM_KIND_PROCESS},  {"generic.process", TM_KIND_PROCESS},
        {"aws.cognito", TM_KIND_PROCESS},     {"aws.stepfunctions", TM_KIND_PROCESS},
        {"aws.eventbridge", TM_KIND_PROCESS}, {"ci.jenkins", TM_KIND_PROCESS},
        {"ci.github-actions", TM_KIND_PROCESS}, {"ci.gitlab", TM_KIND_PROCESS},
        {"aws.s3", TM_KIND_STORE},            {"aws.sqs", TM_KIND_STORE},
        {"aws.dynamodb", TM_KIND_STORE},      {"aws.rds", TM_KIND_STORE},
        {"generic.store", TM_KIND_STORE},     {"aws.secretsmanager", TM_KIND_STORE},
        {"aws.kms", TM_KIND_STORE},           {"aws.cloudwatch", TM_KIND_STORE},
        {"aws.cloudtrail", TM_KIND_STORE},    {"aws.sns", TM_KIND_PROCESS},
        {"aws.ses", TM_KIND_PROCESS},
    };
    tm_diags *cd = tm_diags_new();
    tm_catalog *cat = tm_catalog_builtin(cd);
    ck_assert_ptr_nonnull(cat);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tm_kind k = TM_KIND_EXTERNAL;
        ck_assert_msg(tm_catalog_kind(cat, cases[i].type, &k), "%s unknown", cases[i].type);
        ck_assert_msg(k == cases[i].kind, "%s: kind %s", cases[i].type, tm_kind_name(k));
    }
    tm_kind k;
    ck_assert(!tm_catalog_kind(cat, "aws.s4", &k));
    ck_assert(!tm_catalog_kind(cat, "ci.", &k));
    ck_assert(!tm_catalog_kind(cat, NULL, &k));
    tm_catalog_free(cat);
    tm_diags_free(cd);

    tm_diags *d;
    tm_model *m = S_build("kinds.yaml", TM_SYNTAX_YAML,
                          "stridec: 1\n"
                          "system: {name: Kinds}\n"
                          "elements:\n"
                          "  - {id: b, type: aws.s3}\n"
                          "  - {id: q, type: aws.sqs, kind: process}\n"
                          "  - {id: x, type: aws.s4}\n"
                          "  - {id: y, type: mainframe}\n"
                          "  - {id: z, kind: external}\n",
                          &d);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(tm_model_element(m, "b")->kind, TM_KIND_STORE);
    ck_assert_int_eq(tm_model_element(m, "q")->kind, TM_KIND_PROCESS);
    ck_assert(tm_model_element(m, "q")->kind_given);
    ck_assert_int_eq(tm_model_element(m, "x")->kind, TM_KIND_PROCESS);
    ck_assert(!tm_model_element(m, "x")->type_known);
    ck_assert_int_eq(tm_model_element(m, "z")->kind, TM_KIND_EXTERNAL);
    ck_assert_ptr_null(tm_model_element(m, "z")->type);
    ck_assert(S_has(d, TM_DIAG_WARNING,
                    "unknown element type 'aws.s4' (did you mean 'aws.s3'?); treating it as a "
                    "process"));
    ck_assert(S_has(d, TM_DIAG_WARNING, "unknown element type 'mainframe'; treating it as a process"));
    ck_assert_uint_eq(tm_diags_count(d), 2);
    const tm_diag *g = tm_diags_get(d, 0);
    ck_assert_uint_eq(g->line, 6);
    ck_assert_uint_eq(g->col, 19);
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST


START_TEST(flow_ids_are_generated_in_file_order)
{
    tm_diags *d;
    tm_model *m = S_build("flows.yaml", TM_SYNTAX_YAML,
                          "stridec: 1\n"
                          "system: {name: Flows}\n"
                          "elements: [{id: a, kind: process}, {id: b, kind: store}]\n"
                          "flows:\n"
                          "  - {from: a, to: b}\n"
                          "  - {from: b, to: a}\n"
                          "  - {id: a--b, from: a, to: b}\n" /* explicit, later in the file */
                          "  - {from: a, to: b}\n"
                          "  - {from: a, to: b}\n",
                          &d);
    ck_assert_ptr_null(m); /* the first generated id a--b collides with the explicit one */
    ck_assert(S_has(d, TM_DIAG_ERROR,
                    "the generated flow id 'a--b' is already used (at line 7); give this flow an "
                    "explicit id"));
    ck_assert_uint_eq(tm_diags_get(d, 0)->line, 5);
    tm_diags_free(d);

    m = S_build("flows.yaml", TM_SYNTAX_YAML,
                "stridec: 1\n"
                "system: {name: Flows}\n"
                "elements: [{id: a, kind: process}, {id: b, kind: store}]\n"
                "flows:\n"
                "  - {from: a, to: b}\n"
                "  - {from: b, to: a}\n"
                "  - {id: write, from: a, to: b}\n"
                "  - {from: a, to: b}\n"
                "  - {from: a, to: b}\n",
                &d);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->flows[0]->id, "a--b");
    ck_assert_str_eq(m->flows[1]->id, "b--a");
    ck_assert_str_eq(m->flows[2]->id, "write");
    ck_assert_str_eq(m->flows[3]->id, "a--b--2");
    ck_assert_str_eq(m->flows[4]->id, "a--b--3");
    ck_assert(m->flows[4]->id_generated);
    ck_assert_uint_eq(m->flows[4]->index, 4);
    ck_assert_ptr_eq(tm_model_find(m, "a--b--3")->ptr, m->flows[4]);
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(includes_are_merged_after_the_includer)
{
    tm_diags *d;
    tm_model *m = S_load("tests/build/inc/main.yaml", &d);
    ck_assert_uint_eq(tm_diags_count(d), 0);
    ck_assert_uint_eq(m->n_elements, 3);
    ck_assert_str_eq(m->elements[0]->id, "user");
    ck_assert_str_eq(m->elements[1]->id, "api"); /* sub/part.yaml */
    ck_assert_str_eq(m->elements[2]->id, "fn");  /* common.xml, via part.yaml */
    ck_assert_uint_eq(m->elements[2]->index, 2);
    ck_assert_uint_eq(m->n_boundaries, 1); /* common.xml merged once */
    ck_assert_ptr_eq(m->elements[1]->boundary, m->boundaries[0]);
    ck_assert_uint_eq(m->n_flows, 2);
    ck_assert_str_eq(m->flows[0]->id, "user--api");
    ck_assert_str_eq(m->flows[1]->id, "api--fn");
    ck_assert_ptr_nonnull(strstr(m->flows[1]->loc.file, "inc/sub/deeper.json"));
    ck_assert_ptr_nonnull(strstr(m->elements[2]->loc.file, "/common.xml"));
    ck_assert_uint_eq(m->n_includes, 2);
    ck_assert_str_eq(m->includes[0], "sub/part.yaml");
    ck_assert_str_eq(m->includes[1], "common.xml");
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(include_errors_name_the_included_file)
{
    char *dir = tu_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/main.yaml", dir);
    FILE *f = fopen(path, "w");
    fputs("stridec: 1\nsystem: {name: M}\ninclude: [part.yaml, ../nowhere.yaml]\n", f);
    fclose(f);
    char part[4200];
    snprintf(part, sizeof part, "%s/part.yaml", dir);
    f = fopen(part, "w");
    fputs("stridec: 2\nsystem: {name: P}\nelements: [{id: 'bad id', type: user}]\n", f);
    fclose(f);
    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_model_load(path, NULL, d));
    ck_assert_uint_eq(tm_diags_errors(d), 4);
    const tm_diag *g = tm_diags_get(d, 0);
    ck_assert_str_eq(g->file, part);
    ck_assert_uint_eq(g->line, 1);
    ck_assert_str_eq(g->message, "unsupported format version 2 (this stridec reads version 1)");
    g = tm_diags_get(d, 1);
    ck_assert_str_eq(g->file, part);
    ck_assert_str_eq(g->message, "an included file cannot have a 'system' (only the main model does)");
    ck_assert_str_eq(tm_diags_get(d, 2)->file, part);
    g = tm_diags_get(d, 3);
    ck_assert_str_eq(g->file, path);
    ck_assert_uint_eq(g->line, 3);
    ck_assert_uint_eq(g->col, 22);
    ck_assert_str_eq(g->message, "cannot include '../nowhere.yaml': No such file or directory");
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(self_include_is_a_cycle)
{
    char *dir = tu_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    FILE *f = fopen(path, "w");
    fputs("stridec: 1\nsystem: {name: M}\ninclude: [m.yaml]\n", f);
    fclose(f);
    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_model_load(path, NULL, d));
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    ck_assert_ptr_nonnull(strstr(tm_diags_get(d, 0)->message, "include cycle: "));
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The same model in three syntaxes builds the same canonical tree. */
static tm_node *S_tree_of(const char *rel, tm_arena *a)
{
    tm_diags *d;
    tm_model *m = S_load(rel, &d);
    tm_node *t = tm_model_to_tree(m, a);
    tm_model_free(m); /* the tree lives in `a`, not in the model */
    tm_diags_free(d);
    return t;
}

START_TEST(yaml_json_and_xml_build_equal_models)
{
    tm_arena *a = tm_arena_new();
    tm_node *y = S_tree_of("tests/build/full.yaml", a);
    tm_node *j = S_tree_of("tests/build/full.json", a);
    tm_node *x = S_tree_of("tests/build/full.xml", a);
    ck_assert(tm_node_equal(y, j));
    ck_assert(tm_node_equal(y, x));
    /* and the comparison can fail */
    tm_node_map_put(a, x, "extra", 0, 0, tm_node_int(a, 1));
    ck_assert(!tm_node_equal(y, x));
    tm_arena_free(a);
}
END_TEST

START_TEST(xml_text_takes_the_type_of_its_key)
{
    tm_diags *d;
    tm_model *m = S_build("t.xml", TM_SYNTAX_XML,
                          "<stridec version=\"1\">\n"
                          "  <system name=\"X\" reviewers=\" ann  bo \"/>\n"
                          "  <data id=\"d1\"/><data id=\"d2\"/>\n"
                          "  <element id=\"a\" type=\"user\" out_of_scope=\"true\" data=\"d1 d2\">\n"
                          "    <props n=\"-12\" t=\"true\" f=\"false\" s=\"TRUE\" big=\"12345678901234567890\" "
                          "dec=\"1.5\" txt=\"hello world\"><nested k=\"7\"/><l><item>3</item><item>x</item></l></props>\n"
                          "  </element>\n"
                          "  <element id=\"b\" type=\"aws.lambda\"/>\n"
                          "  <flow from=\"a\" to=\"b\" port=\"8443\" trigger=\"false\" encrypted=\"true\"/>\n"
                          "</stridec>\n",
                          &d);
    if (!m) {
        char *t = S_diag_text(d);
        ck_abort_msg("%s", t);
        free(t);
    }
    ck_assert_uint_eq(m->system.n_reviewers, 2);
    ck_assert_str_eq(m->system.reviewers[0], "ann");
    tm_element *e = tm_model_element(m, "a");
    ck_assert(e->out_of_scope);
    ck_assert_uint_eq(e->n_data, 2);
    const tm_node *p = e->props;
    ck_assert_int_eq(tm_prop(p, "n")->stype, TM_SCALAR_INT);
    ck_assert_int_eq(tm_prop(p, "n")->ival, -12);
    ck_assert_int_eq(tm_prop(p, "t")->stype, TM_SCALAR_BOOL);
    ck_assert_int_eq(tm_prop(p, "t")->bval, 1);
    ck_assert_int_eq(tm_prop(p, "f")->bval, 0);
    ck_assert_int_eq(tm_prop(p, "f")->stype, TM_SCALAR_BOOL);
    ck_assert_int_eq(tm_prop(p, "s")->stype, TM_SCALAR_STRING); /* only lower-case true/false */
    ck_assert_int_eq(tm_prop(p, "big")->stype, TM_SCALAR_STRING); /* out of range */
    ck_assert_int_eq(tm_prop(p, "dec")->stype, TM_SCALAR_STRING);
    ck_assert_str_eq(tm_prop(p, "txt")->text, "hello world");
    ck_assert_int_eq(tm_prop(tm_prop(p, "nested"), "k")->stype, TM_SCALAR_INT);
    const tm_node *l = tm_prop(p, "l");
    ck_assert_int_eq(l->kind, TM_NODE_LIST);
    ck_assert_int_eq(l->items[0]->stype, TM_SCALAR_INT);
    ck_assert_int_eq(l->items[1]->stype, TM_SCALAR_STRING);
    tm_flow *f = m->flows[0];
    ck_assert_int_eq(f->port, 8443);
    ck_assert(!f->trigger);
    ck_assert(f->trigger_given);
    ck_assert_int_eq(f->encrypted, TM_TRI_TRUE);
    tm_model_free(m);
    tm_diags_free(d);
}
END_TEST

START_TEST(errors_are_collected_in_one_pass)
{
    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_model_load(tu_path("tests/bad/many-errors.yaml"), NULL, d));
    ck_assert_uint_eq(tm_diags_errors(d), 5);
    ck_assert(S_has(d, TM_DIAG_ERROR, "duplicate id 'api' (first defined at line 6)"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "unknown key 'prot' in a flow (did you mean 'protocol'?)"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "element 'fn' is in boundary 'awz', which is not a boundary"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "flow 'fn--db' goes to 'db', which is not an element"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "boundary 'aws' is its own ancestor: aws -> aws"));
    ck_assert(S_has(d, TM_DIAG_WARNING, "unknown element type 'aws.lamda' (did you mean 'aws.lambda'?)"));
    tm_diags_free(d);
}
END_TEST

START_TEST(wrong_types_name_the_key)
{
    tm_diags *d;
    tm_model *m = S_build("w.json", TM_SYNTAX_JSON,
                          "{\"stridec\": \"1\", \"system\": {\"name\": true, \"reviewers\": \"x\"},\n"
                          " \"elements\": [{\"id\": \"a\", \"type\": \"user\", \"out_of_scope\": 1,"
                          " \"libraries\": [1, {}], \"props\": []}],\n"
                          " \"flows\": [{\"from\": \"a\", \"to\": \"a\", \"port\": 80.5}],\n"
                          " \"assumptions\": [[]]}\n",
                          &d);
    ck_assert_ptr_null(m);
    ck_assert(S_has(d, TM_DIAG_ERROR, "'stridec' must be an integer, not a string"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "'name' must be a string, not a boolean"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "'reviewers' must be a list of strings, not a string"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "'out_of_scope' must be a boolean (true or false), not an integer"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "every item of 'libraries' must be a string, not a map"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "'props' must be a map, not a list"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "'port' must be an integer, not a number"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "'assumptions' must be a string, not a list"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "flow 'a--a' goes from 'a' to itself"));
    ck_assert_uint_eq(tm_diags_errors(d), 9);
    /* JSON positions are computed from the text */
    for (size_t i = 0; i < tm_diags_count(d); i++)
        ck_assert_uint_gt(tm_diags_get(d, i)->line, 0);
    tm_diags_free(d);
}
END_TEST

START_TEST(artifact_paths_stay_in_the_model_folder)
{
    char *dir = tu_tmpdir();
    char sub[4200], path[4200], secret[4200];
    snprintf(sub, sizeof sub, "%s/model", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(secret, sizeof secret, "%s/secret.env", dir);
    FILE *f = fopen(secret, "w");
    fputs("KEY=1\n", f);
    fclose(f);
    char link[4200];
    snprintf(link, sizeof link, "%s/model/link.env", dir);
    ck_assert_int_eq(symlink(secret, link), 0);
    snprintf(path, sizeof path, "%s/model/m.yaml", dir);
    f = fopen(path, "w");
    fprintf(f, "stridec: 1\nsystem: {name: M}\nartifacts:\n"
               "  - {id: a1, type: config, path: ../secret.env}\n"
               "  - {id: a2, type: config, path: link.env}\n"
               "  - {id: a3, type: config, path: %s}\n"
               "  - {id: a4, type: config, path: missing/x.env}\n"
               "  - {id: a5, type: config, path: ./sub/../inside.env}\n",
            secret);
    fclose(f);

    tm_diags *d = tm_diags_new();
    ck_assert_ptr_null(tm_model_load(path, NULL, d));
    ck_assert_uint_eq(tm_diags_errors(d), 3); /* a1 (..), a2 (symlink out), a3 (absolute) */
    ck_assert(S_has(d, TM_DIAG_ERROR,
                    "artifact path '../secret.env' is outside the model's folder; pass "
                    "--allow-path DIR to allow it"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "artifact path 'link.env' is outside"));
    ck_assert(S_has(d, TM_DIAG_WARNING, "artifact path 'missing/x.env' does not exist"));
    ck_assert(S_has(d, TM_DIAG_WARNING, "artifact path './sub/../inside.env' does not exist"));
    tm_diags_free(d);

    /* --allow-path DIR lets them in. */
    const char *allow[] = {dir};
    tm_load_opts o;
    memset(&o, 0, sizeof o);
    o.allow_paths = allow;
    o.n_allow_paths = 1;
    d = tm_diags_new();
    tm_model *m = tm_model_load(path, &o, d);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    char want[4300];
    snprintf(want, sizeof want, "%s/model/../secret.env", dir);
    ck_assert_str_eq(m->artifacts[0]->resolved_path, want);
    ck_assert(m->artifacts[0]->path_exists);
    ck_assert_str_eq(m->artifacts[2]->resolved_path, secret);
    ck_assert(!m->artifacts[3]->path_exists);
    tm_model_free(m);
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(threat_patterns_match_within_each_side)
{
    ck_assert(tm_threat_pattern_match("AWS-S3-*@*", "AWS-S3-001@receipts"));
    ck_assert(tm_threat_pattern_match("*@receipts", "AWS-S3-001@receipts"));
    ck_assert(tm_threat_pattern_match("*@*", "X@y"));
    ck_assert(tm_threat_pattern_match("A*B@x", "AB@x"));
    ck_assert(tm_threat_pattern_match("A*B@x", "AzzB@x"));
    ck_assert(!tm_threat_pattern_match("A*", "AB@x")); /* '*' does not cross '@' */
    ck_assert(!tm_threat_pattern_match("*", "AB@x"));
    ck_assert(!tm_threat_pattern_match("AWS-S3-*@*", "AWS-SQS-001@q"));
    ck_assert(!tm_threat_pattern_match("X@a", "X@ab"));
    ck_assert(tm_threat_pattern_match("X@a*", "X@ab"));
    ck_assert(tm_threat_pattern_match("STRIDE-S@api", "STRIDE-S@api"));

    tm_diags *d;
    tm_model *m = S_build("p.yaml", TM_SYNTAX_YAML,
                          "stridec: 1\nsystem: {name: P}\nelements: [{id: api, type: aws.lambda}]\n"
                          "threats:\n"
                          "  - {id: 'R-1@ghost', status: accepted}\n"
                          "  - {id: 'R-1@model', status: accepted}\n"
                          "  - {id: 'R-*@api', status: in-progress}\n"
                          "  - {id: '@api', status: open}\n"
                          "  - {id: 'R@a@b', status: open}\n"
                          "  - {id: 'R 1@api', status: open}\n",
                          &d);
    ck_assert_ptr_null(m);
    ck_assert_uint_eq(tm_diags_errors(d), 3);
    ck_assert(S_has(d, TM_DIAG_WARNING,
                    "threat decision 'R-1@ghost' names 'ghost', which is not in the model"));
    ck_assert(S_has(d, TM_DIAG_ERROR, "threat id '@api' should look like RULE-ID@TARGET-ID"));
    tm_diags_free(d);
}
END_TEST

START_TEST(enum_names_round_trip)
{
    for (int c = TM_CLASS_PUBLIC; c <= TM_CLASS_RESTRICTED; c++) {
        tm_class out;
        ck_assert(tm_class_parse(tm_class_name((tm_class)c), &out));
        ck_assert_int_eq(out, c);
    }
    for (int s = 0; s < TM_STATUS_COUNT; s++) {
        tm_status out;
        ck_assert(tm_status_parse(tm_status_name((tm_status)s), &out));
        ck_assert_int_eq(out, s);
    }
    for (int t = TM_ART_DEPLOYMENT_SCRIPT; t < TM_ART_OTHER; t++) {
        tm_artifact_type out;
        ck_assert(tm_artifact_type_parse(tm_artifact_type_name((tm_artifact_type)t), &out));
        ck_assert_int_eq(out, t);
    }
    tm_class c;
    tm_origin o;
    tm_authz z;
    tm_kind k;
    tm_artifact_type at;
    ck_assert(!tm_class_parse("none", &c));
    ck_assert(!tm_class_parse("Public", &c));
    ck_assert(!tm_origin_parse("unknown", &o));
    ck_assert(tm_origin_parse("open-source", &o) && o == TM_ORIGIN_OPEN_SOURCE);
    ck_assert(tm_authz_parse("end-user", &z) && z == TM_AUTHZ_END_USER);
    ck_assert(!tm_authz_parse("unknown", &z));
    ck_assert(tm_kind_parse("store", &k) && k == TM_KIND_STORE);
    ck_assert(!tm_artifact_type_parse("other", &at));
    ck_assert_str_eq(tm_ref_kind_name(TM_REF_DATA), "data asset");
    ck_assert_str_eq(tm_authz_name(TM_AUTHZ_TECHNICAL), "technical");
    ck_assert_int_eq(tm_data_max_class(NULL, 0), TM_CLASS_NONE);
}
END_TEST

START_TEST(build_does_not_keep_the_tree)
{
    /* Everything the model holds is copied: free the tree, then use it. */
    tm_diags *d = tm_diags_new();
    tm_arena *a = tm_arena_new();
    const char *text = "stridec: 1\nsystem: {name: Copy}\n"
                       "elements: [{id: e, type: user, props: {k: [1, {x: y}]}}]\n";
    tm_node *root = tm_read_text_tree(a, "c.yaml", TM_SYNTAX_YAML, text, strlen(text), NULL, d);
    tm_model *m = tm_model_build(root, "c.yaml", NULL, d);
    memset(tm_arena_alloc(a, 1 << 16), 0x55, 1 << 16);
    tm_arena_free(a);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->elements[0]->id, "e");
    ck_assert_str_eq(m->elements[0]->loc.file, "c.yaml");
    const tm_node *k = tm_prop(m->elements[0]->props, "k");
    ck_assert_str_eq(tm_prop(k->items[1], "x")->text, "y");
    ck_assert_str_eq(tm_model_source(m), "c.yaml");
    ck_assert_str_eq(m->source_dir, ".");
    tm_model_free(m);
    tm_diags_free(d);
    ck_assert_ptr_null(tm_model_name(NULL));
    tm_model_free(NULL);
}
END_TEST

Suite *suite_build(void)
{
    Suite *s = suite_create("build");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_key_lands_in_its_field);
    tcase_add_test(tc, boundary_containment_follows_parents);
    tcase_add_test(tc, kind_is_derived_from_type);
    tcase_add_test(tc, flow_ids_are_generated_in_file_order);
    tcase_add_test(tc, includes_are_merged_after_the_includer);
    tcase_add_test(tc, include_errors_name_the_included_file);
    tcase_add_test(tc, self_include_is_a_cycle);
    tcase_add_test(tc, yaml_json_and_xml_build_equal_models);
    tcase_add_test(tc, xml_text_takes_the_type_of_its_key);
    tcase_add_test(tc, errors_are_collected_in_one_pass);
    tcase_add_test(tc, wrong_types_name_the_key);
    tcase_add_test(tc, artifact_paths_stay_in_the_model_folder);
    tcase_add_test(tc, threat_patterns_match_within_each_side);
    tcase_add_test(tc, enum_names_round_trip);
    tcase_add_test(tc, build_does_not_keep_the_tree);
    suite_add_tcase(s, tc);
    return s;
}
