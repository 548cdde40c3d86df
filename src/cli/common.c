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

/* ------------------------------------------------------ standard input */

int cli_is_stdin(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

int cli_stdin_once(const char *cmd, const char *const *paths, size_t n)
{
    size_t seen = 0;
    for (size_t i = 0; i < n; i++)
        seen += cli_is_stdin(paths[i]);
    if (seen > 1)
        return cli_usage(cmd, "standard input ('-') can be read only once");
    return CLI_OK;
}

/* Standard input, whole: a malloc'd NUL-terminated buffer, or NULL after a
 * diagnostic. */
static char *S_read_stdin(size_t *len, tm_diags *d)
{
    size_t cap = 64 * 1024, n = 0;
    char *buf = tm_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > TM_MAX_FILE_BYTES + 1) {
                tm_diag_add(d, TM_DIAG_ERROR, "too-large", CLI_STDIN_NAME, 1, 1,
                            "file is larger than the limit of %u bytes", (unsigned)TM_MAX_FILE_BYTES);
                free(buf);
                return NULL;
            }
            cap *= 2;
            buf = tm_xrealloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n - 1, stdin);
        n += r;
        if (r == 0) {
            if (ferror(stdin)) {
                tm_diag_add(d, TM_DIAG_ERROR, "io", CLI_STDIN_NAME, 0, 0, "cannot read: %s",
                            strerror(errno));
                free(buf);
                return NULL;
            }
            break;
        }
    }
    if (n > TM_MAX_FILE_BYTES) {
        tm_diag_add(d, TM_DIAG_ERROR, "too-large", CLI_STDIN_NAME, 1, 1,
                    "file is larger than the limit of %u bytes", (unsigned)TM_MAX_FILE_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

tm_node *cli_read_tree(tm_arena *arena, const char *path, const tm_read_limits *lim, const char **name,
                       tm_diags *d)
{
    if (!cli_is_stdin(path)) {
        *name = path;
        return tm_read_file_tree(arena, path, lim, d);
    }
    *name = CLI_STDIN_NAME;
    size_t len = 0;
    char *text = S_read_stdin(&len, d);
    if (!text)
        return NULL;
    tm_node *root = tm_read_text_tree(arena, CLI_STDIN_NAME, tm_syntax_guess(CLI_STDIN_NAME, text, len),
                                      text, len, lim, d);
    free(text);
    return root;
}

tm_model *cli_load_model(const char *path, const tm_load_opts *lo, tm_diags *d)
{
    if (!cli_is_stdin(path))
        return tm_model_load(path, lo, d);
    tm_arena *tmp = tm_arena_new();
    const char *name = NULL;
    tm_node *root = cli_read_tree(tmp, path, lo ? &lo->limits : NULL, &name, d);
    tm_model *m = root ? tm_model_build(root, name, lo, d) : NULL;
    tm_arena_free(tmp);
    return m;
}

/* ------------------------------------------------------- engine options */

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
    run->model = cli_load_model(path, &lo, d);
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
    if (cli_verbosity() == CLI_VERBOSE) {
        const tm_model *m = run->model;
        fprintf(stderr,
                "stridec: %s: elements %zu, flows %zu, boundaries %zu, identities %zu, artifacts %zu; "
                "rules %zu (%s, --rules files %zu); threats %zu\n",
                m->source, m->n_elements, m->n_flows, m->n_boundaries, m->n_identities, m->n_artifacts,
                tm_ruleset_count(run->rules), eo->share ? "--share" : "built-in", eo->n_rules,
                run->analysis->n_threats);
    }
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
