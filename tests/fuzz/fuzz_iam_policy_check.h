/* Checks of the IAM policy grammar fuzz target (fuzz_iam_policy.c), shared
 * with the corpus replay in the unit suite (tests/unit/test_fuzz_iam.c).
 *
 * The input is read as JSON and as YAML; each tree goes through the policy
 * grammar, the SAM template expander (as a template's parameters) and, for
 * every statement read, the matcher, describer and evaluator. Properties: no
 * crash or leak; the error count returned is the errors added; every
 * diagnostic has a position when its node had one; every statement has an
 * effect's worth of content (actions or not_actions) and non-NULL strings;
 * a resource pattern covers itself; evaluation answers one of the four
 * decisions and names a deciding statement for each but NOT_ALLOWED. */
#ifndef STRIDEC_FUZZ_IAM_POLICY_CHECK_H
#define STRIDEC_FUZZ_IAM_POLICY_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/iam.h"

static const tm_iam_catalog *fuzz_iam_catalog(void)
{
    static tm_iam_catalog *cat; /* loaded once per process: the fuzzer's own state */
    if (!cat) {
        tm_diags *d = tm_diags_new();
        cat = tm_iam_catalog_builtin(d);
        tm_diags_free(d);
    }
    return cat;
}

static const char *fuzz_iam_strings(const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i])
            return "a NULL string in a statement";
    return NULL;
}

static const char *fuzz_iam_tree(const tm_node *root, tm_arena *a)
{
    const tm_iam_catalog *cat = fuzz_iam_catalog();
    if (!cat)
        return "the built-in IAM catalogue does not load";
    tm_diags *d = tm_diags_new();
    tm_iam_policy p = {0};
    tm_iam_read_opts o = {0};
    o.what = "the fuzzed policy";
    size_t errors = tm_iam_read_policy(a, root, &o, &p, d);
    const char *why = NULL;
    if (errors != tm_diags_errors(d))
        why = "the error count returned differs from the errors added";
    for (size_t i = 0; !why && i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (!g->message || !*g->message)
            why = "a diagnostic without a message";
        else if (g->file && g->line == 0)
            why = "a diagnostic with a file but no line";
    }
    for (size_t i = 0; !why && i < p.n; i++) {
        const tm_statement *st = &p.items[i];
        if (!st->n_actions && !st->n_not_actions)
            why = "a statement without actions was read";
        if (!why)
            why = fuzz_iam_strings(st->actions, st->n_actions);
        if (!why)
            why = fuzz_iam_strings(st->not_actions, st->n_not_actions);
        if (!why)
            why = fuzz_iam_strings(st->resources, st->n_resources);
        if (!why)
            why = fuzz_iam_strings(st->not_resources, st->n_not_resources);
        if (!why)
            why = fuzz_iam_strings(st->principals, st->n_principals);
        for (size_t k = 0; !why && k < st->n_resources; k++) {
            if (tm_arn_match(st->resources[k], st->resources[k]) != TM_IAM_YES)
                why = "a resource pattern does not cover itself";
            tm_arn_info info;
            tm_arn_describe(cat, st->resources[k], a, &info);
            if (!why && info.valid && !info.service)
                why = "a valid ARN described without a service";
        }
        for (size_t k = 0; !why && k < st->n_actions; k++) {
            if (tm_iam_action_match(st->actions[k], st->actions[k]) != TM_IAM_YES)
                why = "an action pattern does not cover itself";
            unsigned data;
            (void)tm_iam_pattern_access(cat, st->actions[k], &data);
        }
    }
    if (!why && p.n) {
        tm_iam_request q;
        memset(&q, 0, sizeof q);
        q.statements = p.items;
        q.n_statements = p.n;
        q.resource_policy = p.items;
        q.n_resource_policy = p.n;
        const tm_statement *st = &p.items[0];
        const char *action = st->n_actions ? st->actions[0] : "s3:GetObject";
        const char *res = st->n_resources ? st->resources[0] : "*";
        tm_iam_answer r = tm_iam_evaluate(&q, action, res, a);
        if (r.decision > TM_IAM_ALLOWED)
            why = "an evaluation outside the four decisions";
        else if (r.decision == TM_IAM_DENIED && !r.n_denies)
            why = "denied without a deciding Deny";
        else if ((r.decision == TM_IAM_ALLOWED || r.decision == TM_IAM_ALLOWED_IF_CONDITIONS) &&
                 !r.n_allows)
            why = "allowed without a deciding Allow";
    }
    tm_iam_policy_free(&p);
    /* The same tree as a SAM template's parameters. */
    if (!why) {
        tm_diags *d2 = tm_diags_new();
        int r = tm_iam_sam_template(cat, "DynamoDBCrudPolicy", root, NULL, a, &p, d2);
        if (r == 1 && tm_diags_errors(d2))
            why = "a SAM template expanded despite errors";
        if (r == -1 && !tm_diags_errors(d2))
            why = "a SAM template failed without an error";
        tm_iam_policy_free(&p);
        tm_diags_free(d2);
    }
    tm_diags_free(d);
    return why;
}

static const char *fuzz_iam_policy_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    const char *why = NULL;
    for (int syn = 0; syn < 2 && !why; syn++) {
        tm_arena *a = tm_arena_new();
        tm_diags *d = tm_diags_new();
        const tm_node *root = syn == 0 ? tm_read_json(a, "fuzz.json", text, size, NULL, d)
                                       : tm_read_yaml(a, "fuzz.yaml", text, size, NULL, d);
        if (root)
            why = fuzz_iam_tree(root, a);
        tm_diags_free(d);
        tm_arena_free(a);
    }
    free(text);
    return why;
}

#endif
