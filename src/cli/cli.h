/* The command line: one file per subcommand. Only src/cli/ prints or exits. */
#ifndef STRIDEC_CLI_H
#define STRIDEC_CLI_H

#include <stdio.h>

#include "stridec/base.h"
#include "stridec/doc.h"

/* Exit statuses (DESIGN.md): the same for every subcommand. */
enum {
    CLI_OK = 0,
    CLI_FINDINGS = 1, /* check: open threats at or above --fail-on */
    CLI_INVALID = 2,  /* usage error or invalid input */
    CLI_OUTPUT = 3    /* an output could not be written */
};

/* Each subcommand gets argv after the subcommand name (argv[0] is the name). */
int cli_check(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_diff(int argc, char **argv);
int cli_rules(int argc, char **argv);
int cli_types(int argc, char **argv);
int cli_init(int argc, char **argv);

/* ------------------------------------------------ global options (main.c)
 * --color=auto|always|never, --quiet and --verbose are read by main() from
 * anywhere on the command line before the subcommand runs, and are fixed
 * from then on. */
enum { CLI_QUIET = -1, CLI_NORMAL = 0, CLI_VERBOSE = 1 };
/* 1 when text written to `stream` (stdout or stderr) gets colour: always
 * with --color=always; never with --color=never; by default (auto) only on
 * a terminal, and not when NO_COLOR is set and not empty or TERM is dumb. */
int cli_color(FILE *stream);
/* CLI_QUIET (summary and errors only), CLI_NORMAL or CLI_VERBOSE. */
int cli_verbosity(void);

/* Print every diagnostic to stderr, compiler-style with source snippets
 * (styled when cli_color(stderr); with --quiet, errors only). */
void cli_print_diags(const tm_diags *d);
/* The same for the diagnostics added since index `from`. */
void cli_print_diags_from(const tm_diags *d, size_t from);
/* "stridec: " + message to stderr. */
void cli_error(const char *fmt, ...) TM_PRINTF(1, 2);
/* Usage error: message, a hint to --help, returns CLI_INVALID. */
int cli_usage(const char *cmd, const char *fmt, ...) TM_PRINTF(2, 3);

/* Option parsing shared by subcommands: `--name VALUE`, `--name=VALUE`, `-o VALUE`.
 * Returns 1 when argv[*i] is the option (value stored, *i advanced), 0 when not,
 * -1 when its value is missing (error printed). */
int cli_opt_value(int argc, char **argv, int *i, const char *long_name, const char *short_name,
                  const char **value);

/* The `list | show NAME` words of `rules` and `types`: sets *action to
 * "list" (the default) or "show"; CLI_OK, or a usage error (printed). */
int cli_list_or_show(const char *cmd, const char *const *words, size_t n_words, const char *what,
                     const char **action);

/* Create folder `dir` and its missing parents. When `created` is not NULL it
 * gets the topmost folder this call created (NULL when none was), so that a
 * failed run can remove what it made. 0, or -1 with errno set. */
int cli_mkdirs(const char *dir, char **created);

/* Write a buffer to a file (atomically) or stdout ("-" or NULL). CLI_OK or CLI_OUTPUT. */
int cli_write_output(const char *path, const tm_buf *b, tm_diags *d);

/* ------------------------------------------------ standard input */
/* "-" as a file name is standard input, read whole (at most
 * TM_MAX_FILE_BYTES) and named CLI_STDIN_NAME in diagnostics; relative paths
 * inside it (includes, artifacts) resolve from the current folder. It can
 * be read once per run. */
#define CLI_STDIN_NAME "<stdin>"
int cli_is_stdin(const char *path); /* 1 for "-" */
/* CLI_OK, or a usage error (printed) when "-" is among `paths` twice. */
int cli_stdin_once(const char *cmd, const char *const *paths, size_t n);
/* The document tree of `path` (a file, or "-"), read with limits `lim`
 * (NULL: the defaults), owned by `arena`; *name gets the name diagnostics
 * use. NULL after diagnostics in d. */
tm_node *cli_read_tree(tm_arena *arena, const char *path, const tm_read_limits *lim, const char **name,
                       tm_diags *d);
/* ------------------------------------------------ loading + analysis */
#include "stridec/analysis.h" /* tm_severity */
#include "stridec/analysis.h"
#include "stridec/model.h"
#include "stridec/render.h"

#define CLI_MAX_LIST 64

/* tm_model_load for a file or "-" (see cli_read_tree). Caller frees. */
tm_model *cli_load_model(const char *path, const tm_load_opts *lo, tm_diags *d);

/* The value of --fail-on (check, diff): CLI_OK with *out set, or a usage
 * error (printed). */
int cli_fail_on_value(const char *cmd, const char *v, tm_severity *out);

/* --help lines shared by the commands that take the engine options, and
 * the end of every command's option list. */
#define CLI_HELP_ENGINE                                                                            \
    "  --rules FILE        add a team's rule file (YAML, JSON or XML); repeatable\n"                \
    "  --share DIR         DIR/types.yaml and DIR/rules/ instead of the built-in catalogue\n"       \
    "                      and rules\n"                                                           \
    "  --allow-path DIR    artifact paths may also read files under DIR; repeatable\n"            \
    "  --advisories DIR    match libraries against the OSV advisories in DIR; repeatable\n"
#define CLI_HELP_END                                                                               \
    "  -h, --help          this help\n"                                                           \
    "Global options (--color, --quiet, --verbose): stridec --help.\n"

/* Options shared by check and report. */
typedef struct {
    const char *models[CLI_MAX_LIST];
    size_t n_models;
    const char *rules[CLI_MAX_LIST]; /* --rules FILE (repeatable) */
    size_t n_rules;
    const char *allow_paths[CLI_MAX_LIST]; /* --allow-path DIR */
    size_t n_allow_paths;
    const char *advisories[CLI_MAX_LIST]; /* --advisories DIR */
    size_t n_advisories;
    const char *share; /* --share DIR: replaces the built-in catalogue and rules */
} cli_engine_opts;

/* Try to consume one shared engine option at argv[*i]: 1 consumed, 0 not
 * an engine option, -1 error (printed). */
int cli_engine_option(int argc, char **argv, int *i, cli_engine_opts *eo);

/* The type catalogue: DIR/types.yaml with --share DIR, else the built-in
 * one. NULL after diagnostics. */
tm_catalog *cli_load_catalog(const char *share, tm_diags *d);
/* The rule library (DIR/rules with --share DIR, else the built-in rules),
 * then each --rules file. Every file is read even after a bad one, so one
 * run shows every error. 0, or -1 after diagnostics. */
int cli_load_rules(tm_ruleset *rs, const char *share, const char *const *files, size_t n_files,
                   tm_diags *d);

/* Everything one model's analysis needs, freed together. */
typedef struct {
    tm_diags *diags;
    tm_model *model;
    tm_catalog *catalog;
    tm_ruleset *rules;
    tm_analysis *analysis;
    size_t n_diags_after_analysis; /* diagnostics already printed by cli_analyze */
} cli_run;

/* Load the catalogue and rules (built-in or --share, plus --rules) and
 * model `path`, then analyse. Returns CLI_OK, or CLI_INVALID after the
 * diagnostics were printed. Warnings are printed too. */
int cli_analyze(const cli_engine_opts *eo, const char *path, cli_run *run);
void cli_run_free(cli_run *run);

/* ------------------------------------------------------------- report */

/* Render every format of an analysed model into `dir` (created when
 * missing), all or nothing: files are renamed into place only when every
 * format rendered. Prints diagnostics, and with `summary` the line
 * "MODEL: N threats; wrote N files to DIR". CLI_OK, CLI_INVALID (a broken
 * --template) or CLI_OUTPUT. */
/* report --dfd-path: CLI_OK when `id` is one of the run's attack paths, else
 * an error naming them and CLI_INVALID. */
int cli_check_dfd_path(const cli_run *run, const char *id);
int cli_report_write(cli_run *run, const char *dir, const tm_format *const *fmts, size_t n_fmts,
                     const tm_render_opts *base, int summary);

/* report --watch (watch.c): render, then render again whenever a file the
 * report depends on changes, until SIGINT or SIGTERM. */
int cli_watch(const cli_engine_opts *eo, const char *model, const char *dir,
              const tm_format *const *fmts, size_t n_fmts, const tm_render_opts *base);

#endif
