/* Subcommands whose issues have not landed yet: they say so plainly and
 * exit 2 rather than pretend. */
#include "cli/cli.h"

static int S_not_yet(const char *cmd)
{
    cli_error("'%s' is not yet available in this version of stridec", cmd);
    return CLI_INVALID;
}

int cli_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return S_not_yet("import");
}

int cli_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return S_not_yet("diff");
}

int cli_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return S_not_yet("init");
}
