/* The terminal palette (tm_style): one ANSI SGR sequence per style, the
 * same colours gcc uses for its diagnostics where there is a counterpart. */
#include "stridec/base.h"

static const char *const S_sgr[] = {
    [TM_STYLE_RESET] = "\033[0m",      [TM_STYLE_BOLD] = "\033[1m",
    [TM_STYLE_ERROR] = "\033[1;31m",   [TM_STYLE_WARNING] = "\033[1;35m",
    [TM_STYLE_NOTE] = "\033[1;36m",    [TM_STYLE_CARET] = "\033[1;32m",
    [TM_STYLE_ADDED] = "\033[32m",     [TM_STYLE_REMOVED] = "\033[31m",
    [TM_STYLE_CHANGED] = "\033[33m",   [TM_STYLE_LOW] = "\033[36m",
    [TM_STYLE_MEDIUM] = "\033[33m",    [TM_STYLE_HIGH] = "\033[31m",
    [TM_STYLE_CRITICAL] = "\033[1;31m",
};

int tm_buf_style(tm_buf *b, int color, tm_style s)
{
    if (!color || (unsigned)s >= sizeof S_sgr / sizeof S_sgr[0])
        return 0;
    return tm_buf_puts(b, S_sgr[s]);
}
