/* stridec diff: TEMPORARY placeholder while it is being written. */
#include "cli/cli.h"

int cli_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'diff' is not yet available in this version of stridec");
    return CLI_INVALID;
}
