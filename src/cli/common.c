/* Loading, rule and catalogue set-up and analysis shared by check and report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

tm_catalog *cli_load_catalog(const char *share, tm_diags *d)
{
    if (!share)
        return tm_catalog_builtin(d);
    tm_buf path;
    tm_buf_init(&path, 0);
    tm_buf_printf(&path, "%s/types.yaml", share);
    tm_catalog *c = tm_catalog_load(path.data, d);
    tm_buf_free(&path);
    return c;
}

int cli_load_rules(tm_ruleset *rs, const char *share, const char *const *files, size_t n_files,
                   tm_diags *d)
{
    int bad;
    if (share) {
        tm_buf dir;
        tm_buf_init(&dir, 0);
        tm_buf_printf(&dir, "%s/rules", share);
        bad = tm_ruleset_add_dir(rs, dir.data, d) != 0;
        tm_buf_free(&dir);
    } else {
        bad = tm_ruleset_add_builtin(rs, d) != 0;
    }
    for (size_t i = 0; i < n_files; i++)
        if (tm_ruleset_add_file(rs, files[i], d) != 0)
            bad = 1;
    return bad ? -1 : 0;
}

int cli_analyze(const cli_engine_opts *eo, const char *path, cli_run *run)
{
    memset(run, 0, sizeof *run);
    run->diags = tm_diags_new();
    tm_diags *d = run->diags;

    run->catalog = cli_load_catalog(eo->share, d);
    if (!run->catalog)
        goto fail;
    run->rules = tm_ruleset_new();
    if (cli_load_rules(run->rules, eo->share, eo->rules, eo->n_rules, d) != 0)
        goto fail;

    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.allow_paths = eo->allow_paths;
    lo.n_allow_paths = eo->n_allow_paths;
    lo.catalog = run->catalog;
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

int cli_mkdirs(const char *dir, char **created)
{
    if (created)
        *created = NULL;
    char *p = tm_xstrdup(dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0755) == 0) {
            if (created && !*created)
                *created = tm_xstrdup(p);
        } else if (errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = c;
        if (!c)
            break;
    }
    free(p);
    return 0;
}

int cli_fail_on_value(const char *cmd, const char *v, tm_severity *out)
{
    if (tm_severity_parse(v, out) != 0 || *out == TM_SEV_NONE)
        return cli_usage(cmd, "--fail-on takes low, medium, high or critical, not '%s'", v);
    return CLI_OK;
}
