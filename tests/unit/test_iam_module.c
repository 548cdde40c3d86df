/*
 * The IAM module (include/stridec/iam.h): matching, description and
 * classification from tables in tests/iam/, the policy grammar against
 * expected statements and exact diagnostics, managed policies and SAM
 * templates against copies of their reference statements, evaluation and
 * reach.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/iam.h"
#include "testutil.h"

static tm_iam_catalog *S_cat(void)
{
    tm_diags *d = tm_diags_new();
    tm_iam_catalog *c = tm_iam_catalog_builtin(d);
    if (!c) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(d, &b);
        ck_abort_msg("built-in IAM catalogue does not load:\n%s", b.data ? b.data : "");
    }
    tm_diags_free(d);
    return c;
}

/* Split a tab-separated line in place; returns the number of fields. */
static size_t S_fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* Each non-comment line of a table, split into fields. */
typedef void (*S_row_fn)(void *ud, char **f, size_t n, size_t lineno);
static size_t S_table(const char *rel, S_row_fn fn, void *ud)
{
    size_t len;
    char *text = tu_slurp(tu_path(rel), &len);
    ck_assert_msg(text != NULL, "cannot read %s", rel);
    size_t rows = 0, lineno = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        lineno++;
        if (line[0] == '#' || !line[0])
            continue;
        char *f[8];
        size_t n = S_fields(line, f, 8);
        fn(ud, f, n, lineno);
        rows++;
    }
    free(text);
    return rows;
}

static const char *S_match_name(tm_iam_match m)
{
    return m == TM_IAM_YES ? "yes" : m == TM_IAM_MAYBE ? "maybe" : "no";
}

/* ------------------------------------------------------------ matching */

static void S_match_row(void *ud, char **f, size_t n, size_t lineno)
{
    (void)ud;
    ck_assert_msg(n == 4, "arn-match.tsv line %zu: 4 fields", lineno);
    tm_iam_match m = strcmp(f[0], "arn") == 0 ? tm_arn_match(f[1], f[2])
                                              : tm_iam_action_match(f[1], f[2]);
    ck_assert_msg(strcmp(S_match_name(m), f[3]) == 0, "%s %s vs %s: %s, expected %s", f[0], f[1],
                  f[2], S_match_name(m), f[3]);
}

START_TEST(match_table)
{
    ck_assert_uint_ge(S_table("tests/iam/arn-match.tsv", S_match_row, NULL), 50);
}
END_TEST

static const char *const S_scope_names[] = {"one", "some", "kind", "service", "all"};

static void S_describe_row(void *ud, char **f, size_t n, size_t lineno)
{
    const tm_iam_catalog *c = ud;
    ck_assert_msg(n == 6, "describe.tsv line %zu: 6 fields", lineno);
    tm_arena *a = tm_arena_new();
    tm_arn_info d;
    tm_arn_describe(c, f[0], a, &d);
    const char *got[5] = {d.service && *d.service ? d.service : "-",
                          d.resource_type ? d.resource_type : "-",
                          d.element_type ? d.element_type : "-", d.name ? d.name : "-",
                          d.valid ? S_scope_names[d.scope] : "invalid"};
    for (int i = 0; i < 5; i++)
        ck_assert_msg(strcmp(got[i], f[i + 1]) == 0, "describe %s: field %d is %s, expected %s",
                      f[0], i + 1, got[i], f[i + 1]);
    tm_arena_free(a);
}

START_TEST(describe_table)
{
    tm_iam_catalog *c = S_cat();
    ck_assert_uint_ge(S_table("tests/iam/describe.tsv", S_describe_row, c), 20);
    tm_iam_catalog_free(c);
}
END_TEST

static void S_bits(tm_buf *b, unsigned bits, const char *const *names, size_t n)
{
    int any = 0;
    for (size_t i = 0; i < n; i++)
        if (bits & (1u << i)) {
            tm_buf_printf(b, "%s%s", any ? "," : "", names[i]);
            any = 1;
        }
    if (!any)
        tm_buf_puts(b, "-");
}

static void S_classify_row(void *ud, char **f, size_t n, size_t lineno)
{
    const tm_iam_catalog *c = ud;
    ck_assert_msg(n == 4, "classify.tsv line %zu: 4 fields", lineno);
    static const char *const access[] = {"read", "write", "list", "tagging",
                                         "permissions-management"};
    static const char *const data[] = {"read", "write", "delete"};
    unsigned dat = 0;
    unsigned acc = tm_iam_pattern_access(c, f[0], &dat);
    tm_buf b;
    tm_buf_init(&b, 0);
    S_bits(&b, acc, access, 5);
    tm_buf_putc(&b, '\t');
    S_bits(&b, dat, data, 3);
    tm_buf_putc(&b, '\t');
    tm_iam_action_info info;
    if (!strpbrk(f[0], "*?") && tm_iam_classify(c, f[0], &info) && info.n_element_types) {
        for (size_t i = 0; i < info.n_element_types; i++)
            tm_buf_printf(&b, "%s%s", i ? "," : "", info.element_types[i]);
        ck_assert_str_eq(tm_iam_access_name(info.access), f[1]);
    } else {
        tm_buf_puts(&b, "-");
    }
    char want[512];
    snprintf(want, sizeof want, "%s\t%s\t%s", f[1], f[2], f[3]);
    ck_assert_msg(strcmp(b.data, want) == 0, "classify %s: %s, expected %s", f[0], b.data, want);
    tm_buf_free(&b);
}

START_TEST(classify_table)
{
    tm_iam_catalog *c = S_cat();
    ck_assert_uint_ge(S_table("tests/iam/classify.tsv", S_classify_row, c), 40);
    size_t n;
    const char *const *acts = tm_iam_service_actions(c, "sqs", &n);
    ck_assert_uint_gt(n, 5);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        found |= strcmp(acts[i], "sqs:SendMessage") == 0;
    ck_assert(found);
    ck_assert_ptr_null(tm_iam_service_actions(c, "nosuch", &n));
    tm_iam_catalog_free(c);
}
END_TEST

/* ------------------------------------------------------------- grammar */

static void S_strs(tm_buf *b, const char *key, const char *const *v, size_t n)
{
    if (!n)
        return;
    tm_buf_printf(b, " %s=[", key);
    for (size_t i = 0; i < n; i++)
        tm_buf_printf(b, "%s%s", i ? "," : "", v[i]);
    tm_buf_putc(b, ']');
}

/* One statement as a line of an .expected file. */
static void S_dump(tm_buf *b, const tm_statement *st)
{
    tm_buf_puts(b, st->allow ? "allow" : "deny");
    if (st->sid)
        tm_buf_printf(b, " sid=%s", st->sid);
    if (st->policy)
        tm_buf_printf(b, " policy=%s", st->policy);
    S_strs(b, "actions", st->actions, st->n_actions);
    S_strs(b, "not_actions", st->not_actions, st->n_not_actions);
    S_strs(b, "resources", st->resources, st->n_resources);
    S_strs(b, "not_resources", st->not_resources, st->n_not_resources);
    S_strs(b, "principals", st->principals, st->n_principals);
    S_strs(b, "not_principals", st->not_principals, st->n_not_principals);
    if (st->n_conditions) {
        tm_buf_puts(b, " conditions=[");
        for (size_t i = 0; i < st->n_conditions; i++) {
            const tm_condition *c = &st->conditions[i];
            tm_buf_printf(b, "%s%s %s=[", i ? "," : "", c->test, c->variable);
            for (size_t k = 0; k < c->n_values; k++)
                tm_buf_printf(b, "%s%s", k ? "," : "", c->values[k]);
            tm_buf_printf(b, "] @%u:%u", (unsigned)c->loc.line, (unsigned)c->loc.col);
        }
        tm_buf_putc(b, ']');
    }
    tm_buf_printf(b, " @%u:%u\n", (unsigned)st->loc.line, (unsigned)st->loc.col);
}

static void S_dump_diags(tm_buf *b, const tm_diags *d)
{
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        const char *base = g->file ? strrchr(g->file, '/') : NULL;
        tm_buf_printf(b, "%s %s:%u:%u: %s\n",
                      g->severity == TM_DIAG_ERROR ? "error"
                      : g->severity == TM_DIAG_WARNING ? "warning"
                                                       : "note",
                      base ? base + 1 : g->file ? g->file : "-", (unsigned)g->line,
                      (unsigned)g->col, g->message);
    }
}

/* The test's resolver: Ref OrdersTable is orders-prod; the rest is left
 * to the module. */
static int S_resolver(void *ud, const tm_node *v, tm_arena *a, tm_iam_value *out)
{
    (void)ud;
    (void)a;
    const char *name;
    if (tm_iam_is_intrinsic(v, &name) && strcmp(name, "Ref") == 0 &&
        v->pairs[0].value->kind == TM_NODE_SCALAR &&
        strcmp(v->pairs[0].value->text, "OrdersTable") == 0) {
        out->text = "orders-prod";
        out->exact = true;
        return 1;
    }
    return 0;
}

static char *S_read_and_dump(const char *path, tm_iam_policy *p)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const tm_node *root = tm_read_file_tree(a, path, NULL, d);
    ck_assert_msg(root != NULL, "%s does not parse", path);
    tm_iam_read_opts o = {S_resolver, NULL, NULL, NULL, NULL, NULL};
    size_t errors = tm_iam_read_policy(a, root, &o, p, d);
    ck_assert_uint_eq(errors, tm_diags_errors(d));
    tm_buf b;
    tm_buf_init(&b, 0);
    S_dump_diags(&b, d);
    for (size_t i = 0; i < p->n; i++)
        S_dump(&b, &p->items[i]);
    tm_diags_free(d);
    tm_arena_free(a);
    return tm_buf_detach(&b);
}

START_TEST(grammar_files)
{
    const char *dir = tu_path("tests/iam/grammar");
    DIR *dp = opendir(dir);
    ck_assert_ptr_nonnull(dp);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(dp)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || (strcmp(dot, ".yaml") != 0 && strcmp(dot, ".json") != 0))
            continue;
        char path[1024], exp[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(exp, sizeof exp, "%s/%.*s.expected", dir, (int)(dot - e->d_name), e->d_name);
        tm_iam_policy p = {0};
        char *got = S_read_and_dump(path, &p);
        char *want = tu_slurp(exp, NULL);
        ck_assert_msg(want != NULL, "missing %s", exp);
        ck_assert_msg(strcmp(got, want) == 0, "%s:\n--- got\n%s--- expected\n%s", e->d_name, got,
                      want);
        free(got);
        free(want);
        tm_iam_policy_free(&p);
        n++;
    }
    closedir(dp);
    ck_assert_uint_ge(n, 10);
}
END_TEST

START_TEST(grammar_expander)
{
    /* The caller's expander picks a branch of an Fn::If where a statement belongs. */
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const char *text = "Statement:\n"
                       "  - {\"Fn::If\": [C, {Effect: Allow, Action: s3:GetObject, Resource: \"*\"}, x]}\n";
    const tm_node *root = tm_read_yaml(a, "x.yaml", text, strlen(text), NULL, d);
    ck_assert_ptr_nonnull(root);
    tm_iam_read_opts o = {0};
    o.expand = NULL;
    tm_iam_policy p = {0};
    ck_assert_uint_eq(tm_iam_read_policy(a, root, &o, &p, d), 0);
    ck_assert_uint_eq(p.n, 0);
    ck_assert(p.incomplete);
    tm_iam_policy_free(&p);
    ck_assert(!p.incomplete);
    tm_iam_policy_free(&p);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

static const tm_node *S_then_branch(void *ud, const tm_node *n)
{
    (void)ud;
    const char *name;
    if (tm_iam_is_intrinsic(n, &name) && strcmp(name, "Fn::If") == 0 &&
        n->pairs[0].value->kind == TM_NODE_LIST && n->pairs[0].value->n == 3)
        return n->pairs[0].value->items[1];
    return NULL;
}

START_TEST(grammar_expander_branch)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const char *text = "Statement:\n"
                       "  - {\"Fn::If\": [C, {Effect: Allow, Action: s3:GetObject, Resource: \"*\"}, x]}\n";
    const tm_node *root = tm_read_yaml(a, "x.yaml", text, strlen(text), NULL, d);
    tm_iam_read_opts o = {0};
    o.expand = S_then_branch;
    o.policy = "inline";
    tm_loc at = {"t.yaml", 7, 3};
    o.at = &at;
    tm_iam_policy p = {0};
    ck_assert_uint_eq(tm_iam_read_policy(a, root, &o, &p, d), 0);
    ck_assert_uint_eq(p.n, 1);
    ck_assert(!p.incomplete);
    ck_assert_str_eq(p.items[0].actions[0], "s3:GetObject");
    ck_assert_str_eq(p.items[0].policy, "inline");
    ck_assert_str_eq(p.items[0].loc.file, "t.yaml");
    ck_assert_uint_eq(p.items[0].loc.line, 7);
    ck_assert_uint_eq(tm_diags_count(d), 0);
    tm_iam_policy_free(&p);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

/* ------------------------------------------------- managed and SAM */

/* The statements of a policy document file, dumped without positions. */
static char *S_dump_plain(const tm_iam_policy *p)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < p->n; i++) {
        tm_statement st = p->items[i];
        st.loc.line = st.loc.col = 0;
        st.policy = NULL;
        for (size_t k = 0; k < st.n_conditions; k++)
            ;
        tm_buf tmp;
        tm_buf_init(&tmp, 0);
        S_dump(&tmp, &st);
        /* conditions carry their own positions: drop every " @L:C" */
        for (char *s = tmp.data; s && *s; s++) {
            if (s[0] == ' ' && s[1] == '@') {
                char *q = s + 2;
                while (*q && *q != ']' && *q != ',' && *q != '\n')
                    q++;
                s = q - 1;
                continue;
            }
            tm_buf_putc(&b, *s);
        }
        tm_buf_free(&tmp);
    }
    return tm_buf_detach(&b);
}

START_TEST(managed_policies_match_reference)
{
    tm_iam_catalog *c = S_cat();
    static const char *const names[] = {"AdministratorAccess",          "PowerUserAccess",
                                        "ReadOnlyAccess",               "AWSLambdaBasicExecutionRole",
                                        "AmazonS3FullAccess",           "AmazonDynamoDBReadOnlyAccess",
                                        "AWSLambdaSQSQueueExecutionRole"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/iam/managed/%s.json", names[i]);
        tm_arena *a = tm_arena_new();
        tm_diags *d = tm_diags_new();
        const tm_node *root = tm_read_file_tree(a, tu_path(rel), NULL, d);
        ck_assert_ptr_nonnull(root);
        tm_iam_policy want = {0}, got = {0};
        ck_assert_uint_eq(tm_iam_read_policy(a, root, NULL, &want, d), 0);
        tm_loc at = {"template.yaml", 12, 7};
        ck_assert_int_eq(tm_iam_managed_policy(c, names[i], &at, a, &got), 1);
        ck_assert_uint_gt(got.n, 0);
        ck_assert_str_eq(got.items[0].policy, names[i]);
        ck_assert_str_eq(got.items[0].loc.file, "template.yaml");
        ck_assert_uint_eq(got.items[0].loc.line, 12);
        char *w = S_dump_plain(&want), *g = S_dump_plain(&got);
        ck_assert_msg(strcmp(w, g) == 0, "%s:\n--- expanded\n%s--- reference\n%s", names[i], g, w);
        free(w);
        free(g);
        tm_iam_policy_free(&want);
        tm_iam_policy_free(&got);
        tm_diags_free(d);
        tm_arena_free(a);
    }
    /* By ARN, with a path and another partition; versions. */
    tm_arena *a = tm_arena_new();
    tm_iam_policy p = {0};
    ck_assert_int_eq(tm_iam_managed_policy(
                         c, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                         NULL, a, &p),
                     1);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_str_eq(p.items[0].actions[2], "logs:PutLogEvents");
    ck_assert_int_eq(tm_iam_managed_policy(c, "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess",
                                           NULL, a, &p),
                     1);
    ck_assert_int_eq(tm_iam_managed_policy(c, "arn:aws-cn:iam::aws:policy/AmazonSQSFullAccess",
                                           NULL, a, &p),
                     1);
    ck_assert_str_eq(tm_iam_managed_policy_version(c, "PowerUserAccess"), "v6");
    /* Unknown: a misspelling, a customer managed policy, a name with a path. */
    size_t before = p.n;
    ck_assert_int_eq(tm_iam_managed_policy(c, "AdministratorAcess", NULL, a, &p), 0);
    ck_assert_int_eq(tm_iam_managed_policy(c, "arn:aws:iam::123456789012:policy/AdministratorAccess",
                                           NULL, a, &p),
                     0);
    ck_assert_int_eq(tm_iam_managed_policy(c, "team/AdministratorAccess", NULL, a, &p), 0);
    ck_assert_uint_eq(p.n, before);
    ck_assert_ptr_null(tm_iam_managed_policy_version(c, "NoSuchPolicy"));
    ck_assert(tm_iam_is_managed_policy_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"));
    ck_assert(!tm_iam_is_managed_policy_arn("arn:aws:iam::123456789012:policy/Mine"));
    tm_iam_policy_free(&p);
    tm_arena_free(a);
    tm_iam_catalog_free(c);
}
END_TEST

START_TEST(managed_table_is_whole)
{
    /* Every policy of the reference data is embedded (1,388): the broad ones too. */
    tm_iam_catalog *c = S_cat();
    static const char *const broad[] = {"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess",
                                        "AmazonS3FullAccess",  "AmazonDynamoDBFullAccess",
                                        "AmazonSQSFullAccess", "AmazonSNSFullAccess",
                                        "AWSLambda_FullAccess", "IAMFullAccess",
                                        "CloudWatchLogsFullAccess", "SecretsManagerReadWrite"};
    tm_arena *a = tm_arena_new();
    for (size_t i = 0; i < sizeof broad / sizeof *broad; i++) {
        tm_iam_policy p = {0};
        ck_assert_msg(tm_iam_managed_policy(c, broad[i], NULL, a, &p) == 1, "%s", broad[i]);
        ck_assert_uint_gt(p.n, 0);
        tm_iam_policy_free(&p);
    }
    /* every line of the table reads without an error */
    size_t len;
    char *text = tu_slurp(tu_path("share/stridec/iam/managed-policies.jsonl"), &len);
    ck_assert_ptr_nonnull(text);
    size_t lines = 0;
    for (char *p = strstr(text, "\n{\"name\":\""); p; p = strstr(p + 1, "\n{\"name\":\"")) {
        char name[256];
        const char *s = p + 10, *q = strchr(s, '"');
        ck_assert(q && (size_t)(q - s) < sizeof name);
        memcpy(name, s, (size_t)(q - s));
        name[q - s] = '\0';
        tm_iam_policy pol = {0};
        ck_assert_msg(tm_iam_managed_policy(c, name, NULL, a, &pol) == 1, "%s", name);
        ck_assert_msg(pol.n > 0 && !pol.incomplete, "%s reads no statement", name);
        tm_iam_policy_free(&pol);
        tm_arena_reset(a);
        lines++;
    }
    ck_assert_uint_eq(lines, 1388);
    free(text);
    tm_arena_free(a);
    tm_iam_catalog_free(c);
}
END_TEST

START_TEST(sam_templates_expand)
{
    tm_iam_catalog *c = S_cat();
    static const char *const names[] = {"DynamoDBCrudPolicy", "S3ReadPolicy", "SQSPollerPolicy",
                                        "AWSSecretsManagerGetSecretValuePolicy",
                                        "CloudWatchPutMetricPolicy", "StepFunctionsExecutionPolicy"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char rel[256], exp[256];
        snprintf(rel, sizeof rel, "tests/iam/sam/%s.params.yaml", names[i]);
        snprintf(exp, sizeof exp, "tests/iam/sam/%s.expected", names[i]);
        tm_arena *a = tm_arena_new();
        tm_diags *d = tm_diags_new();
        const tm_node *params = tm_read_file_tree(a, tu_path(rel), NULL, d);
        ck_assert_msg(params != NULL, "%s", rel);
        tm_iam_read_opts o = {S_resolver, NULL, NULL, NULL, NULL, NULL};
        tm_iam_policy p = {0};
        ck_assert_int_eq(tm_iam_sam_template(c, names[i], params, &o, a, &p, d), 1);
        ck_assert_uint_eq(tm_diags_count(d), 0);
        tm_buf b;
        tm_buf_init(&b, 0);
        for (size_t k = 0; k < p.n; k++)
            S_dump(&b, &p.items[k]);
        char *want = tu_slurp(tu_path(exp), NULL);
        ck_assert_msg(want != NULL, "missing %s", exp);
        ck_assert_msg(strcmp(b.data, want) == 0, "%s:\n--- got\n%s--- expected\n%s", names[i],
                      b.data, want);
        free(want);
        tm_buf_free(&b);
        tm_iam_policy_free(&p);
        tm_diags_free(d);
        tm_arena_free(a);
    }
    size_t n;
    const char *const *params = tm_iam_sam_template_params(c, "DynamoDBStreamReadPolicy", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(params[0], "StreamName");
    ck_assert_str_eq(params[1], "TableName");
    ck_assert_ptr_null(tm_iam_sam_template_params(c, "NoSuchPolicy", &n));
    ck_assert_uint_eq(n, 0);
    tm_iam_catalog_free(c);
}
END_TEST

START_TEST(sam_template_errors)
{
    tm_iam_catalog *c = S_cat();
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const char *text = "{TabelName: orders}\n";
    const tm_node *params = tm_read_yaml(a, "t.yaml", text, strlen(text), NULL, d);
    tm_iam_policy p = {0};
    ck_assert_int_eq(tm_iam_sam_template(c, "DynamoDBCrudPolicy", params, NULL, a, &p, d), -1);
    ck_assert_int_eq(tm_iam_sam_template(c, "DynamoDBCrudPolicyy", params, NULL, a, &p, d), 0);
    ck_assert_uint_eq(p.n, 0);
    tm_buf b;
    tm_buf_init(&b, 0);
    S_dump_diags(&b, d);
    ck_assert_str_eq(b.data, "error t.yaml:1:2: unknown key 'TabelName' in SAM policy template "
                             "DynamoDBCrudPolicy (did you mean 'TableName'?)\n"
                             "error t.yaml:1:1: missing required key 'TableName' in SAM policy "
                             "template DynamoDBCrudPolicy\n");
    tm_buf_free(&b);
    tm_iam_policy_free(&p);
    tm_diags_free(d);
    tm_arena_free(a);
    tm_iam_catalog_free(c);
}
END_TEST

/* ----------------------------------------------------------- evaluation */

typedef struct {
    tm_arena *a;
    tm_iam_policy p, rp;
    tm_iam_request q;
} S_eval;

/* Statements from a YAML policy document (and an optional resource policy). */
static void S_eval_init(S_eval *e, const char *identity, const char *resource_policy)
{
    memset(e, 0, sizeof *e);
    e->a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const tm_node *root = tm_read_yaml(e->a, "id.yaml", identity, strlen(identity), NULL, d);
    ck_assert_ptr_nonnull(root);
    ck_assert_uint_eq(tm_iam_read_policy(e->a, root, NULL, &e->p, d), 0);
    if (resource_policy) {
        root = tm_read_yaml(e->a, "rp.yaml", resource_policy, strlen(resource_policy), NULL, d);
        ck_assert_ptr_nonnull(root);
        ck_assert_uint_eq(tm_iam_read_policy(e->a, root, NULL, &e->rp, d), 0);
    }
    tm_diags_free(d);
    e->q.statements = e->p.items;
    e->q.n_statements = e->p.n;
    e->q.resource_policy = e->rp.items;
    e->q.n_resource_policy = e->rp.n;
}

static void S_eval_free(S_eval *e)
{
    tm_iam_policy_free(&e->p);
    tm_iam_policy_free(&e->rp);
    tm_arena_free(e->a);
}

static tm_iam_decision S_ask(S_eval *e, const char *action, const char *resource)
{
    return tm_iam_evaluate(&e->q, action, resource, e->a).decision;
}

START_TEST(evaluate_deny_wins)
{
    S_eval e;
    S_eval_init(&e, "Statement:\n"
                    "  - {Effect: Allow, Action: 'iam:*', Resource: '*'}\n"
                    "  - {Effect: Deny, Action: 'iam:*', Resource: '*'}\n"
                    "  - {Effect: Allow, Action: 's3:*', Resource: '*'}\n"
                    "  - {Effect: Deny, Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::keep/*'}\n",
                NULL);
    tm_iam_answer r = tm_iam_evaluate(&e.q, "iam:PassRole", "*", e.a);
    ck_assert_int_eq(r.decision, TM_IAM_DENIED);
    ck_assert_uint_eq(r.n_denies, 1);
    ck_assert_uint_eq(r.denies[0]->loc.line, 3);
    ck_assert_int_eq(S_ask(&e, "iam:CreateRole", "arn:aws:iam::1:role/x"), TM_IAM_DENIED);
    ck_assert_int_eq(S_ask(&e, "s3:DeleteObject", "arn:aws:s3:::keep/a"), TM_IAM_DENIED);
    ck_assert_int_eq(S_ask(&e, "s3:DeleteObject", "arn:aws:s3:::other/a"), TM_IAM_ALLOWED);
    /* on every bucket: allowed except where the Deny applies */
    r = tm_iam_evaluate(&e.q, "s3:DeleteObject", "*", e.a);
    ck_assert_int_eq(r.decision, TM_IAM_ALLOWED_IF_CONDITIONS);
    ck_assert(r.by_resource);
    ck_assert_uint_eq(r.n_allows, 1);
    ck_assert_uint_eq(r.allows[0]->loc.line, 4);
    ck_assert_int_eq(S_ask(&e, "sqs:SendMessage", "*"), TM_IAM_NOT_ALLOWED);
    /* "*" as the action asked: only part of it (s3, iam but denied) */
    r = tm_iam_evaluate(&e.q, "*", "*", e.a);
    ck_assert_int_eq(r.decision, TM_IAM_ALLOWED_IF_CONDITIONS);
    ck_assert(r.by_action);
    S_eval_free(&e);
}
END_TEST

START_TEST(evaluate_not_action_not_resource)
{
    S_eval e;
    S_eval_init(&e, "Statement:\n"
                    "  - {Effect: Allow, NotAction: ['iam:*', 'organizations:*'], Resource: '*'}\n"
                    "  - {Effect: Allow, Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*'}\n"
                    "  - {Effect: Deny, NotAction: 'sqs:*', NotResource: 'arn:aws:sqs:*:*:ok'}\n",
                NULL);
    ck_assert_int_eq(S_ask(&e, "iam:PassRole", "*"), TM_IAM_NOT_ALLOWED);
    ck_assert_int_eq(S_ask(&e, "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:ok"), TM_IAM_ALLOWED);
    ck_assert_int_eq(S_ask(&e, "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:other"),
                     TM_IAM_ALLOWED);
    ck_assert_int_eq(S_ask(&e, "s3:GetObject", "arn:aws:s3:::secret/x"), TM_IAM_DENIED);
    S_eval_free(&e);

    S_eval_init(&e, "Statement:\n"
                    "  - {Effect: Allow, Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*'}\n",
                NULL);
    ck_assert_int_eq(S_ask(&e, "s3:GetObject", "arn:aws:s3:::public/x"), TM_IAM_ALLOWED);
    ck_assert_int_eq(S_ask(&e, "s3:GetObject", "arn:aws:s3:::secret/x"), TM_IAM_NOT_ALLOWED);
    ck_assert_int_eq(S_ask(&e, "s3:GetObject", "*"), TM_IAM_ALLOWED_IF_CONDITIONS);
    ck_assert_int_eq(S_ask(&e, "s3:PutObject", "arn:aws:s3:::public/x"), TM_IAM_NOT_ALLOWED);
    S_eval_free(&e);
}
END_TEST

START_TEST(evaluate_conditions)
{
    S_eval e;
    S_eval_init(&e, "Statement:\n"
                    "  - Effect: Allow\n"
                    "    Action: iam:PassRole\n"
                    "    Resource: '*'\n"
                    "    Condition: {StringEquals: {iam:PassedToService: lambda.amazonaws.com}}\n"
                    "  - Effect: Allow\n"
                    "    Action: s3:GetObject\n"
                    "    Resource: '*'\n"
                    "    Condition: {IpAddress: {aws:SourceIp: 10.0.0.0/8}}\n"
                    "  - Effect: Deny\n"
                    "    Action: s3:GetObject\n"
                    "    Resource: '*'\n"
                    "    Condition: {Bool: {aws:SecureTransport: 'false'}}\n",
                NULL);
    tm_iam_answer r = tm_iam_evaluate(&e.q, "iam:PassRole", "*", e.a);
    ck_assert_int_eq(r.decision, TM_IAM_ALLOWED_IF_CONDITIONS);
    ck_assert(r.by_condition);
    ck_assert(!r.by_resource);
    tm_iam_fact lambda = {"iam:PassedToService", "lambda.amazonaws.com"};
    tm_iam_fact ec2 = {"IAM:passedtoservice", "ec2.amazonaws.com"};
    e.q.facts = &lambda;
    e.q.n_facts = 1;
    ck_assert_int_eq(S_ask(&e, "iam:PassRole", "*"), TM_IAM_ALLOWED);
    e.q.facts = &ec2;
    ck_assert_int_eq(S_ask(&e, "iam:PassRole", "*"), TM_IAM_NOT_ALLOWED);
    /* undecided allow and undecided deny: may apply */
    r = tm_iam_evaluate(&e.q, "s3:GetObject", "arn:aws:s3:::b/k", e.a);
    ck_assert_int_eq(r.decision, TM_IAM_ALLOWED_IF_CONDITIONS);
    ck_assert_uint_eq(r.n_denies, 1);
    tm_iam_fact tls = {"aws:SecureTransport", "true"};
    e.q.facts = &tls;
    r = tm_iam_evaluate(&e.q, "s3:GetObject", "arn:aws:s3:::b/k", e.a);
    ck_assert_int_eq(r.decision, TM_IAM_ALLOWED_IF_CONDITIONS);
    ck_assert_uint_eq(r.n_denies, 0);
    tm_iam_fact plain = {"aws:SecureTransport", "FALSE"};
    e.q.facts = &plain;
    ck_assert_int_eq(S_ask(&e, "s3:GetObject", "arn:aws:s3:::b/k"), TM_IAM_DENIED);
    S_eval_free(&e);
}
END_TEST

START_TEST(evaluate_resource_policy)
{
    S_eval e;
    S_eval_init(&e, "Statement: []\n",
                "Statement:\n"
                "  - {Effect: Allow, Principal: {AWS: '123456789012'}, Action: 'sqs:SendMessage'}\n"
                "  - {Effect: Deny, Principal: '*', Action: 'sqs:*', Resource: '*',\n"
                "     Condition: {Bool: {aws:SecureTransport: 'false'}}}\n");
    e.q.principal = "arn:aws:iam::123456789012:role/sender";
    ck_assert_int_eq(S_ask(&e, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q"),
                     TM_IAM_ALLOWED_IF_CONDITIONS);
    e.q.principal = "arn:aws:iam::999999999999:role/other";
    ck_assert_int_eq(S_ask(&e, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q"),
                     TM_IAM_NOT_ALLOWED);
    e.q.principal = NULL;
    tm_iam_answer r = tm_iam_evaluate(&e.q, "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q", e.a);
    ck_assert_int_eq(r.decision, TM_IAM_ALLOWED_IF_CONDITIONS);
    ck_assert(r.by_resource);
    ck_assert_str_eq(tm_iam_decision_name(r.decision), "allowed-if-conditions");
    /* The identity's own trust statements grant nothing. */
    S_eval_free(&e);
    S_eval_init(&e, "Statement:\n"
                    "  - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}\n",
                NULL);
    ck_assert_int_eq(S_ask(&e, "sts:AssumeRole", "*"), TM_IAM_NOT_ALLOWED);
    S_eval_free(&e);
}
END_TEST

/* ----------------------------------------------------------------- reach */

static tm_model *S_model(const char *body, char **dir)
{
    *dir = tu_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/m.yaml", *dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "stridec: 1\nsystem: {name: reach}\n%s", body);
    fclose(f);
    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(path, NULL, d);
    if (!m) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(d, &b);
        ck_abort_msg("model does not load:\n%s", b.data ? b.data : "");
    }
    tm_diags_free(d);
    return m;
}

static const tm_iam_reach *S_reach_of(const tm_iam_reach *r, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].element->id, id) == 0)
            return &r[i];
    return NULL;
}

START_TEST(reach_model)
{
    char *dir;
    tm_model *m = S_model(
        "elements:\n"
        "  - {id: fn, type: aws.lambda, identity: role}\n"
        "  - {id: orders, type: aws.dynamodb}\n"
        "  - {id: users, type: aws.dynamodb, props: {arn: 'arn:aws:dynamodb:us-east-1:1:table/users'}}\n"
        "  - {id: photos, type: aws.s3}\n"
        "  - {id: jobs, type: aws.sqs}\n"
        "  - {id: logs, type: aws.cloudwatch}\n"
        "identities:\n"
        "  - id: role\n"
        "    type: aws.iam.role\n"
        "    statements:\n"
        "      - {effect: allow, actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments'], resources: ['*']}\n"
        "      - {effect: allow, actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: ['arn:aws:dynamodb:*:*:table/*']}\n"
        "      - {effect: deny, actions: ['dynamodb:PutItem'], resources: ['arn:aws:dynamodb:us-east-1:1:table/users']}\n"
        "      - {effect: allow, actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:1:jobs']}\n"
        "      - {effect: allow, actions: ['s3:GetObject'], resources: ['arn:aws:s3:::other/*']}\n",
        &dir);
    tm_iam_catalog *c = S_cat();
    tm_arena *a = tm_arena_new();
    tm_iam_reach *r;
    size_t n = tm_iam_reach_model(c, m, m->identities[0], a, &r);
    /* logs on "*": the log group, not buckets, tables or queues; xray: nothing */
    const tm_iam_reach *x = S_reach_of(r, n, "logs");
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->data, 0);
    ck_assert_uint_eq(x->access, 1u << TM_IAM_WRITE);
    ck_assert_ptr_null(S_reach_of(r, n, "photos"));
    /* table/x: every table; the Deny takes PutItem off users */
    x = S_reach_of(r, n, "orders");
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->data, TM_IAM_DATA_READ | TM_IAM_DATA_WRITE);
    ck_assert(!x->conditional);
    ck_assert_uint_eq(x->n_actions, 2);
    ck_assert_str_eq(x->actions[0], "dynamodb:GetItem");
    ck_assert_uint_eq(x->n_statements, 1);
    ck_assert_uint_eq(x->statements[0]->loc.line, 15);
    x = S_reach_of(r, n, "users");
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->data, TM_IAM_DATA_READ);
    /* a queue named by its ARN reaches the element with that name */
    x = S_reach_of(r, n, "jobs");
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->data, TM_IAM_DATA_WRITE);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(r[0].element->id, "orders"); /* model order */
    tm_arena_free(a);
    tm_iam_catalog_free(c);
    tm_model_free(m);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Statements read by the grammar, emitted as model trees with positions and
 * built into a model, come back the same (the builder reads not_resources,
 * not_principals and policy) and keep their places in the policy's file. */
START_TEST(statements_round_trip_through_the_model)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const tm_node *root =
        tm_read_file_tree(a, tu_path("tests/iam/grammar/every-key.yaml"), NULL, d);
    ck_assert_ptr_nonnull(root);
    tm_iam_policy p = {0};
    tm_iam_read_opts o = {0};
    o.policy = "every-key";
    ck_assert_uint_eq(tm_iam_read_policy(a, root, &o, &p, d), 0);
    tm_node *m = tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
    tm_node_map_put(a, m, "stridec", 0, 0, tm_node_int(a, 1));
    tm_node *sys = tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
    tm_node_map_put(a, sys, "name", 0, 0, tm_node_string(a, "round trip"));
    tm_node_map_put(a, m, "system", 0, 0, sys);
    tm_node *ids = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
    tm_node *id = tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
    tm_node_map_put(a, id, "id", 0, 0, tm_node_string(a, "r"));
    tm_node_map_put(a, id, "type", 0, 0, tm_node_string(a, "aws.iam.role"));
    tm_node *sts = tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
    for (size_t i = 0; i < p.n; i++)
        tm_node_list_push(a, sts, tm_statement_tree(a, &p.items[i], true));
    tm_node_map_put(a, id, "statements", 0, 0, sts);
    tm_node_list_push(a, ids, id);
    tm_node_map_put(a, m, "identities", 0, 0, ids);
    tm_model *model = tm_model_build(m, "round-trip.yaml", NULL, d);
    if (!model) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(d, &b);
        ck_abort_msg("does not build:\n%s", b.data ? b.data : "");
    }
    const tm_identity *x = model->identities[0];
    ck_assert_uint_eq(x->n_statements, p.n);
    tm_buf want, got;
    tm_buf_init(&want, 0);
    tm_buf_init(&got, 0);
    for (size_t i = 0; i < p.n; i++) {
        S_dump(&want, &p.items[i]);
        S_dump(&got, &x->statements[i]);
    }
    ck_assert_str_eq(got.data, want.data);
    ck_assert_ptr_nonnull(strstr(got.data, "not_principals=[cognito-identity.amazonaws.com"));
    ck_assert_ptr_nonnull(strstr(got.data, "policy=every-key"));
    ck_assert_ptr_nonnull(strstr(x->statements[1].loc.file, "every-key.yaml"));
    tm_buf_free(&want);
    tm_buf_free(&got);
    tm_model_free(model);
    tm_iam_policy_free(&p);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

Suite *suite_iam_module(void)
{
    Suite *s = suite_create("iam_module");
    TCase *tc = tcase_create("module");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, match_table);
    tcase_add_test(tc, describe_table);
    tcase_add_test(tc, classify_table);
    tcase_add_test(tc, grammar_files);
    tcase_add_test(tc, grammar_expander);
    tcase_add_test(tc, grammar_expander_branch);
    tcase_add_test(tc, managed_policies_match_reference);
    tcase_add_test(tc, managed_table_is_whole);
    tcase_add_test(tc, sam_templates_expand);
    tcase_add_test(tc, sam_template_errors);
    tcase_add_test(tc, evaluate_deny_wins);
    tcase_add_test(tc, evaluate_not_action_not_resource);
    tcase_add_test(tc, evaluate_conditions);
    tcase_add_test(tc, evaluate_resource_policy);
    tcase_add_test(tc, reach_model);
    tcase_add_test(tc, statements_round_trip_through_the_model);
    suite_add_tcase(s, tc);
    return s;
}
