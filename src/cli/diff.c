/* stridec diff: what a change to a model changes in the model and its threats. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "stridec/diff.h"
#include "stridec/render.h"

static const char S_help[] =
    "usage: stridec diff OLD NEW [--format text|json] [--fail-on low|medium|high|critical]\n"
    "                    [--rules FILE]... [--share DIR] [--allow-path DIR]... [--advisories DIR]...\n"
    "\n"
    "Loads and analyses both models with the same rules and reports what changed:\n"
    "system, data, boundaries, elements, flows, identities, artifacts, assumptions and\n"
    "review decisions added, removed or changed (with the facts that changed), and the\n"
    "threats that are new, gone or changed (severity, status, title), by threat id.\n"
    "Lines read FILE:LINE:COL: what (NEW's place for added and changed things, OLD's\n"
    "for removed ones), then a summary line. One of OLD and NEW may be - (standard input).\n"
    "\n"
    "options:\n"
    "  -f, --format text|json\n"
    "                      text (default), or one JSON document (share/stridec/doc/diff.md)\n"
    "  --fail-on low|medium|high|critical\n"
    "                      exit 1 only when the change introduces an open threat at or\n"
    "                      above it (a new one, one reopened or raised into the range)\n"
    CLI_HELP_ENGINE
    CLI_HELP_END
    "\n"
    "Exit status: 0 no differences; 1 differences (with --fail-on: 1 only when the\n"
    "change introduces an open threat at or above that severity); 2 invalid model,\n"
    "rules or usage; 3 output could not be written.\n";

int cli_diff(int argc, char **argv)
{
    cli_engine_opts eo;
    memset(&eo, 0, sizeof eo);
    tm_severity fail_on = TM_SEV_NONE;
    const char *format = "text";
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(S_help, stdout);
            return CLI_OK;
        }
        if ((r = cli_engine_option(argc, argv, &i, &eo)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--fail-on", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (cli_fail_on_value("diff", v, &fail_on) != CLI_OK)
                return CLI_INVALID;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--format", "-f", &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
                return cli_usage("diff", "--format takes text or json, not '%s'", v);
            format = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("diff", "unknown option '%s'", argv[i]);
        if (eo.n_models >= 2)
            return cli_usage("diff", "takes two models, OLD and NEW; '%s' is a third", argv[i]);
        eo.models[eo.n_models++] = argv[i];
    }
    if (eo.n_models != 2)
        return cli_usage("diff", "takes two models, OLD and NEW");
    if (cli_stdin_once("diff", eo.models, eo.n_models) != CLI_OK)
        return CLI_INVALID;

    /* The catalogue and rules once first: when they are bad, their errors
     * are shown once, not once per model. */
    tm_diags *setup = tm_diags_new();
    tm_catalog *cat = cli_load_catalog(eo.share, setup);
    tm_ruleset *rules = tm_ruleset_new();
    int setup_ok = cat && cli_load_rules(rules, eo.share, eo.rules, eo.n_rules, setup) == 0;
    if (!setup_ok)
        cli_print_diags(setup);
    tm_ruleset_free(rules);
    tm_catalog_free(cat);
    tm_diags_free(setup);
    if (!setup_ok)
        return CLI_INVALID;

    /* Both are loaded even when the first is bad, so one run shows every error. */
    cli_run old_run, new_run;
    int old_ok = cli_analyze(&eo, eo.models[0], &old_run) == CLI_OK;
    int new_ok = cli_analyze(&eo, eo.models[1], &new_run) == CLI_OK;
    if (!old_ok || !new_ok) {
        cli_run_free(&old_run);
        cli_run_free(&new_run);
        return CLI_INVALID;
    }

    tm_diff *df = tm_diff_new(old_run.analysis, new_run.analysis);
    tm_diff_render_opts ro = {fail_on,
                              cli_verbosity() == CLI_QUIET ? TM_DIFF_TEXT_SUMMARY : TM_DIFF_TEXT_ALL,
                              cli_color(stdout)};
    tm_buf out;
    tm_buf_init(&out, 0);
    int r = strcmp(format, "json") == 0 ? tm_render_diff_json(df, &ro, &out)
                                        : tm_render_diff_text(df, &ro, &out);
    int status;
    if (r != 0) {
        cli_error("diff: the output is larger than %u bytes", (unsigned)TM_MAX_OUTPUT_BYTES);
        status = CLI_OUTPUT;
    } else if (cli_write_output(NULL, &out, new_run.diags) != CLI_OK) {
        cli_error("diff: could not write to standard output");
        status = CLI_OUTPUT;
    } else if (fail_on != TM_SEV_NONE) {
        status = tm_diff_introduced(df, fail_on) ? CLI_FINDINGS : CLI_OK;
    } else {
        status = tm_diff_is_empty(df) ? CLI_OK : CLI_FINDINGS;
    }
    tm_buf_free(&out);
    tm_diff_free(df);
    cli_run_free(&old_run);
    cli_run_free(&new_run);
    return status;
}
