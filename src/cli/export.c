/* stridec export: the same model in another syntax. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "stridec/threatdragon.h"

static const char S_help[] =
    "usage: stridec export --to yaml|json|xml|threatdragon MODEL [-o FILE]\n"
    "                      [--rules FILE]... [--share DIR] [--allow-path DIR]... [--advisories DIR]...\n"
    "\n"
    "Writes the model in another syntax. Exporting and reloading gives the same model.\n"
    "--to threatdragon analyses the model and writes an OWASP Threat Dragon 2.x model:\n"
    "one STRIDE diagram with every element, boundary and flow, and stridec's threats\n"
    "on them. MODEL may be - (standard input).\n"
    "\n"
    "options:\n"
    "  --to yaml|json|xml|threatdragon\n"
    "                      the syntax to write (required)\n"
    "  -o, --output FILE   write to FILE, atomically (default: standard output)\n"
    "engine options, with --to threatdragon only:\n"
    CLI_HELP_ENGINE
    CLI_HELP_END
    "\n"
    "Exit status: 0 written; 2 invalid model, rules or usage; 3 output could not be\n"
    "written.\n";

/* export --to threatdragon: the analysis as a Threat Dragon model. */
static int S_threatdragon(const cli_engine_opts *eo, const char *model, const char *out)
{
    cli_run run;
    if (cli_analyze(eo, model, &run) != CLI_OK) {
        cli_run_free(&run);
        return CLI_INVALID;
    }
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_render_opts ro;
    memset(&ro, 0, sizeof ro);
    int status = CLI_OK;
    if (tm_render_threatdragon(run.analysis, &ro, &b, run.diags) != 0)
        status = CLI_OUTPUT;
    else
        status = cli_write_output(out, &b, run.diags);
    if (status != CLI_OK) {
        /* only what cli_analyze has not printed yet */
        tm_diags *rest = tm_diags_new();
        for (size_t i = run.n_diags_after_analysis; i < tm_diags_count(run.diags); i++) {
            const tm_diag *g = tm_diags_get(run.diags, i);
            tm_diag_add(rest, g->severity, g->code, g->file, g->line, g->col, "%s", g->message);
        }
        cli_print_diags(rest);
        tm_diags_free(rest);
    }
    tm_buf_free(&b);
    cli_run_free(&run);
    return status;
}

int cli_export(int argc, char **argv)
{
    const char *to = NULL, *out = NULL, *model = NULL;
    cli_engine_opts eo;
    memset(&eo, 0, sizeof eo);
    int engine_opts = 0;
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
            engine_opts = 1;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--to", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            to = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            out = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("export", "unknown option '%s'", argv[i]);
        if (model)
            return cli_usage("export", "export takes one model");
        model = argv[i];
    }
    if (!to)
        return cli_usage("export", "--to is required (yaml, json, xml or threatdragon)");
    if (strcmp(to, "yaml") != 0 && strcmp(to, "json") != 0 && strcmp(to, "xml") != 0 &&
        strcmp(to, "threatdragon") != 0)
        return cli_usage("export", "--to takes yaml, json, xml or threatdragon, not '%s'", to);
    if (!model)
        return cli_usage("export", "no model given");
    if (strcmp(to, "threatdragon") == 0)
        return S_threatdragon(&eo, model, out);
    if (engine_opts)
        return cli_usage("export", "--rules, --share, --allow-path and --advisories go with "
                                   "--to threatdragon only");

    tm_diags *d = tm_diags_new();
    tm_model *m = cli_load_model(model, NULL, d);
    if (!m) {
        cli_print_diags(d);
        tm_diags_free(d);
        return CLI_INVALID;
    }
    cli_print_diags(d);
    tm_buf b;
    tm_buf_init(&b, 0);
    int status = CLI_OK;
    if (tm_model_export(m, to, &b, d) != 0) {
        cli_print_diags(d);
        status = CLI_OUTPUT;
    } else {
        status = cli_write_output(out, &b, d);
        if (status != CLI_OK)
            cli_print_diags(d);
    }
    tm_buf_free(&b);
    tm_model_free(m);
    tm_diags_free(d);
    return status;
}
