/* Loading, rule and catalogue set-up and analysis shared by check and report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int S_push(const char **list, size_t *n, const char *v, const char *opt)
{
    if (*n >= CLI_MAX_LIST) {
        cli_error("too many %s options (at most %d)", opt, CLI_MAX_LIST);
        return -1;
    }
    list[(*n)++] = v;
    return 1;
}

int cli_engine_option(int argc, char **argv, int *i, cli_engine_opts *eo)
{
    const char *v = NULL;
    int r;
    if ((r = cli_opt_value(argc, argv, i, "--rules", NULL, &v)) != 0)
        return r < 0 ? -1 : S_push(eo->rules, &eo->n_rules, v, "--rules");
    if ((r = cli_opt_value(argc, argv, i, "--allow-path", NULL, &v)) != 0)
        return r < 0 ? -1 : S_push(eo->allow_paths, &eo->n_allow_paths, v, "--allow-path");
    if ((r = cli_opt_value(argc, argv, i, "--advisories", NULL, &v)) != 0)
        return r < 0 ? -1 : S_push(eo->advisories, &eo->n_advisories, v, "--advisories");
    if ((r = cli_opt_value(argc, argv, i, "--share", NULL, &v)) != 0) {
        if (r > 0)
            eo->share = v;
        return r;
    }
    return 0;
}

int cli_analyze(const cli_engine_opts *eo, const char *path, cli_run *run)
{
    memset(run, 0, sizeof *run);
    run->diags = tm_diags_new();
    tm_diags *d = run->diags;

    if (eo->share) {
        size_t n = strlen(eo->share) + 32;
        char *types = tm_xmalloc(n), *rules = tm_xmalloc(n);
        snprintf(types, n, "%s/types.yaml", eo->share);
        snprintf(rules, n, "%s/rules", eo->share);
        run->catalog = tm_catalog_load(types, d);
        run->rules = tm_ruleset_new();
        int bad = !run->catalog || tm_ruleset_add_dir(run->rules, rules, d) != 0;
        free(types);
        free(rules);
        if (bad)
            goto fail;
    } else {
        run->catalog = tm_catalog_builtin(d);
        run->rules = tm_ruleset_new();
        if (!run->catalog || tm_ruleset_add_builtin(run->rules, d) != 0)
            goto fail;
    }
    for (size_t i = 0; i < eo->n_rules; i++)
        if (tm_ruleset_add_file(run->rules, eo->rules[i], d) != 0)
            goto fail;

    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.allow_paths = eo->allow_paths;
    lo.n_allow_paths = eo->n_allow_paths;
    run->model = tm_model_load(path, &lo, d);
    if (!run->model)
        goto fail;

    tm_analyze_opts ao;
    memset(&ao, 0, sizeof ao);
    ao.advisory_dirs = eo->advisories;
    ao.n_advisory_dirs = eo->n_advisories;
    run->analysis = tm_analyze(run->model, run->catalog, run->rules, &ao, d);
    if (!run->analysis || tm_diags_errors(d))
        goto fail;
    cli_print_diags(d); /* warnings */
    run->n_diags_after_analysis = tm_diags_count(d);
    return CLI_OK;
fail:
    cli_print_diags(d);
    return CLI_INVALID;
}

void cli_run_free(cli_run *run)
{
    tm_analysis_free(run->analysis);
    tm_model_free(run->model);
    tm_ruleset_free(run->rules);
    tm_catalog_free(run->catalog);
    tm_diags_free(run->diags);
    memset(run, 0, sizeof *run);
}
