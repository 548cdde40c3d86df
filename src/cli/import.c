/* stridec import: TEMPORARY placeholder while it is being written. */
#include "cli/cli.h"

int cli_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'import' is not yet available in this version of stridec");
    return CLI_INVALID;
}
