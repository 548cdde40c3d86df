/* stridec: entry point and subcommand dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char S_usage[] =
    "usage: stridec [GLOBAL OPTION]... COMMAND [OPTION]... [ARG]...\n"
    "\n"
    "stridec compiles a threat model (YAML, JSON or XML) into data-flow diagrams\n"
    "and STRIDE threat reports.\n"
    "\n"
    "commands:\n"
    "  report MODEL... [-o DIR] [-f FORMATS] [--rules FILE] [--template DIR] [--watch]\n"
    "                      write diagrams and reports (default DIR ./stridec-out)\n"
    "  check  MODEL... [--fail-on low|medium|high|critical] [--format text|json|sarif]\n"
    "                      validate and analyse; exit 1 when open threats reach --fail-on\n"
    "  import [--from cloudformation|sam|serverless|terraform|threatdragon] FILE [-o MODEL]\n"
    "                      derive a model from deployment files\n"
    "  export --to threatdragon|yaml|json|xml MODEL [-o FILE]\n"
    "                      the model in another syntax (Threat Dragon: with its threats)\n"
    "  diff   OLD NEW [--format text|json] [--fail-on low|medium|high|critical]\n"
    "                      what a change to a model changes: parts, facts and threats\n"
    "  rules  [list | show ID]\n"
    "                      the rule library\n"
    "  types  [list | show TYPE]\n"
    "                      the element types, with their shared-responsibility split\n"
    "  init   [--example NAME | --list] [-o MODEL] [--force]\n"
    "                      start a model: a commented starter or a shipped example\n"
    "\n"
    "MODEL (and import's FILE) may be - to read standard input.\n"
    "\n"
    "global options (anywhere on the command line):\n"
    "  --color auto|always|never\n"
    "                      colour on a terminal (auto, the default: only when the output\n"
    "                      is a terminal and NO_COLOR is not set), always, or never\n"
    "  -q, --quiet         summary lines and errors only\n"
    "  -v, --verbose       also decided threats (check), the files written (report) and\n"
    "                      what each model loaded\n"
    "  -h, --help          this help\n"
    "  -V, --version       the version\n"
    "\n"
    "exit status: 0 success; 1 check found open threats at or above --fail-on\n"
    "(diff: there are differences, or with --fail-on the change introduces one);\n"
    "2 usage error or invalid input; 3 an output could not be written.\n"
    "\n"
    "Run 'stridec COMMAND --help' for a command's options, 'man stridec' for more.\n";

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command S_commands[] = {
    {"check", cli_check},   {"report", cli_report}, {"export", cli_export},
    {"import", cli_import}, {"diff", cli_diff},     {"rules", cli_rules},
    {"types", cli_types},   {"init", cli_init},
};

/* ------------------------------------------------------ global options */

/* The global options, set once by main() before the subcommand runs and
 * only read after that (the one piece of process state of the CLI: every
 * subcommand's output depends on it, and threading it through every call
 * would change nothing but the signatures). */
typedef enum { S_COLOR_AUTO, S_COLOR_ALWAYS, S_COLOR_NEVER } S_color_when;
static struct {
    S_color_when color;
    int verbosity;
} S_global;

int cli_color(FILE *stream)
{
    if (S_global.color != S_COLOR_AUTO)
        return S_global.color == S_COLOR_ALWAYS;
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    if ((no && *no) || (term && strcmp(term, "dumb") == 0))
        return 0;
    return isatty(fileno(stream));
}

int cli_verbosity(void)
{
    return S_global.verbosity;
}

/* Take the global options out of argv (anywhere after the program name);
 * the rest keeps its order. CLI_OK, or a usage error (printed). */
static int S_global_options(int *argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        int r = cli_opt_value(*argc, argv, &i, "--color", NULL, &v);
        if (r < 0)
            return CLI_INVALID;
        if (r > 0) {
            if (strcmp(v, "auto") == 0)
                S_global.color = S_COLOR_AUTO;
            else if (strcmp(v, "always") == 0)
                S_global.color = S_COLOR_ALWAYS;
            else if (strcmp(v, "never") == 0)
                S_global.color = S_COLOR_NEVER;
            else
                return cli_usage(NULL, "--color takes auto, always or never, not '%s'", v);
            continue;
        }
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            S_global.verbosity = CLI_QUIET;
            continue;
        }
        if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
            S_global.verbosity = CLI_VERBOSE;
            continue;
        }
        argv[out++] = argv[i];
    }
    *argc = out;
    argv[out] = NULL;
    return CLI_OK;
}

/* ------------------------------------------------------------ messages */

void cli_print_diags_from(const tm_diags *d, size_t from)
{
    int color = cli_color(stderr), quiet = cli_verbosity() == CLI_QUIET;
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = from; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (!quiet || g->severity == TM_DIAG_ERROR)
            tm_diag_format_styled(d, g, color, &b);
    }
    if (b.len)
        fwrite(b.data, 1, b.len, stderr);
    tm_buf_free(&b);
}

void cli_print_diags(const tm_diags *d)
{
    cli_print_diags_from(d, 0);
}

/* "stridec: ", bold on a terminal. */
static void S_prefix(void)
{
    int color = cli_color(stderr);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_style(&b, color, TM_STYLE_BOLD);
    tm_buf_puts(&b, "stridec:");
    tm_buf_style(&b, color, TM_STYLE_RESET);
    tm_buf_putc(&b, ' ');
    fputs(b.data, stderr);
    tm_buf_free(&b);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    S_prefix();
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    S_prefix();
    if (cmd)
        fprintf(stderr, "%s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fprintf(stderr, "Try 'stridec %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return CLI_INVALID;
}

int cli_opt_value(int argc, char **argv, int *i, const char *long_name, const char *short_name,
                  const char **value)
{
    const char *arg = argv[*i];
    size_t ln = long_name ? strlen(long_name) : 0;
    if (long_name && strncmp(arg, long_name, ln) == 0 && arg[ln] == '=') {
        *value = arg + ln + 1;
        return 1;
    }
    if ((long_name && strcmp(arg, long_name) == 0) || (short_name && strcmp(arg, short_name) == 0)) {
        if (*i + 1 >= argc) {
            cli_error("option %s needs a value", arg);
            return -1;
        }
        *i += 1;
        *value = argv[*i];
        return 1;
    }
    return 0;
}

int cli_list_or_show(const char *cmd, const char *const *words, size_t n_words, const char *what,
                     const char **action)
{
    *action = n_words ? words[0] : "list";
    if (strcmp(*action, "list") == 0) {
        if (n_words > 1)
            return cli_usage(cmd, "'list' takes no argument, got '%s'", words[1]);
        return CLI_OK;
    }
    if (strcmp(*action, "show") == 0) {
        if (n_words != 2)
            return cli_usage(cmd, "'show' takes one %s", what);
        return CLI_OK;
    }
    static const char *const actions[] = {"list", "show"};
    const char *near = tm_did_you_mean(*action, actions, 2);
    if (near)
        return cli_usage(cmd, "unknown action '%s' (did you mean '%s'?)", *action, near);
    return cli_usage(cmd, "unknown action '%s' (expected list or show)", *action);
}

int cli_write_output(const char *path, const tm_buf *b, tm_diags *d)
{
    if (!path || strcmp(path, "-") == 0) {
        if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len)
            return CLI_OUTPUT;
        return fflush(stdout) == 0 ? CLI_OK : CLI_OUTPUT;
    }
    return tm_write_file_atomic(path, b->data ? b->data : "", b->len, d) == 0 ? CLI_OK : CLI_OUTPUT;
}

int main(int argc, char **argv)
{
    if (S_global_options(&argc, argv) != CLI_OK)
        return CLI_INVALID;
    if (argc < 2) {
        fputs(S_usage, stderr);
        return CLI_INVALID;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(S_usage, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("stridec %s (model format %d)\n", STRIDEC_VERSION, 1);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof S_commands / sizeof S_commands[0]; i++)
        if (strcmp(cmd, S_commands[i].name) == 0)
            return S_commands[i].run(argc - 1, argv + 1);
    const char *names[sizeof S_commands / sizeof S_commands[0]];
    for (size_t i = 0; i < sizeof S_commands / sizeof S_commands[0]; i++)
        names[i] = S_commands[i].name;
    const char *near = tm_did_you_mean(cmd, names, sizeof names / sizeof names[0]);
    if (near)
        return cli_usage(NULL, "unknown command '%s' (did you mean '%s'?)", cmd, near);
    return cli_usage(NULL, "unknown command '%s'", cmd);
}
