/* stridec export: the same model in another syntax. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char S_help[] =
    "usage: stridec export --to yaml|json|xml|threatdragon MODEL [-o FILE]\n"
    "\n"
    "Writes the model in another syntax (to stdout, or FILE). Exporting and reloading\n"
    "gives the same model.\n";

int cli_export(int argc, char **argv)
{
    const char *to = NULL, *out = NULL, *model = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(S_help, stdout);
            return CLI_OK;
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
        return cli_usage("export", "--to is required (yaml, json or xml)");
    if (strcmp(to, "threatdragon") == 0) {
        cli_error("export: --to threatdragon is not yet available (only yaml, json and xml)");
        return CLI_INVALID;
    }
    if (strcmp(to, "yaml") != 0 && strcmp(to, "json") != 0 && strcmp(to, "xml") != 0)
        return cli_usage("export", "--to takes yaml, json or xml, not '%s'", to);
    if (!model)
        return cli_usage("export", "no model given");

    tm_diags *d = tm_diags_new();
    tm_model *m = tm_model_load(model, NULL, d);
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
