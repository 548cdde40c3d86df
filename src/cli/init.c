/* stridec init: TEMPORARY placeholder while it is being written. */
#include "cli/cli.h"

int cli_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'init' is not yet available in this version of stridec");
    return CLI_INVALID;
}
