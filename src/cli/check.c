/* stridec check: validate and analyse; compiler-style findings; CI gate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stridec/analysis.h"

static const char S_help[] =
    "usage: stridec check MODEL... [--fail-on low|medium|high|critical] [--format text|json|sarif]\n"
    "                     [--rules FILE]... [--share DIR] [--allow-path DIR]... [--advisories DIR]...\n"
    "\n"
    "Loads and validates each model, runs the STRIDE engine and prints one line per\n"
    "open threat: FILE:LINE:COL: SEVERITY: THREAT-ID: title, then a summary. MODEL\n"
    "may be - (standard input). The CI gate.\n"
    "\n"
    "options:\n"
    "  --fail-on low|medium|high|critical\n"
    "                      exit 1 when an open threat is at or above it (default high)\n"
    "  --format text|json|sarif\n"
    "                      text (default): the lines above; json: threats.json;\n"
    "                      sarif: one SARIF log with a run per model\n"
    CLI_HELP_ENGINE
    CLI_HELP_END
    "\n"
    "Exit status: 0 no open threat at or above --fail-on; 1 there is one;\n"
    "2 invalid model, rules or usage; 3 output could not be written.\n";

/* Text output: open threats, then a summary line. */
/* Open threats at or above the gate, from the engine's counts. */
static size_t S_gate(const tm_analysis *a, tm_severity fail_on)
{
    size_t n = 0;
    for (int s = fail_on; s <= TM_SEV_CRITICAL; s++)
        n += a->open_by_severity[s];
    return n;
}

/* One threat as a compiler-style line. A decided threat (shown with
 * --verbose) is a note, with its status and justification. */
static void S_threat_line(tm_buf *line, const tm_analysis *a, const tm_threat *t, int color)
{
    int open = tm_status_is_open(t->status);
    const char *file = t->loc.file ? t->loc.file : a->model->source;
    tm_buf_style(line, color, TM_STYLE_BOLD);
    tm_buf_put_printable(line, file, strlen(file), 0);
    tm_buf_printf(line, ":%u:%u:", (unsigned)t->loc.line, (unsigned)t->loc.col);
    tm_buf_style(line, color, TM_STYLE_RESET);
    tm_buf_putc(line, ' ');
    tm_buf_style(line, color, open ? tm_severity_style(t->severity) : TM_STYLE_NOTE);
    tm_buf_puts(line, open ? tm_severity_name(t->severity) : "note");
    tm_buf_style(line, color, TM_STYLE_RESET);
    tm_buf_printf(line, ": %s: ", t->id);
    /* Titles carry model text: never let it drive the terminal. */
    tm_buf_put_printable(line, t->title, strlen(t->title), 0);
    if (!open) {
        tm_buf_printf(line, " [%s, %s", tm_status_name(t->status), tm_severity_name(t->severity));
        const char *why = t->decision ? t->decision->justification : NULL;
        if (why) {
            tm_buf_puts(line, ": ");
            tm_buf_put_printable(line, why, strlen(why), 0);
        }
        tm_buf_putc(line, ']');
    }
    tm_buf_putc(line, '\n');
}

/* Text output: open threats (with --verbose the decided ones too; with
 * --quiet none), then a summary line. */
static void S_print_text(const cli_run *run, tm_severity fail_on)
{
    const tm_analysis *a = run->analysis;
    int color = cli_color(stdout), verbosity = cli_verbosity();
    size_t open = 0;
    for (int s = 0; s < TM_STATUS_COUNT; s++)
        if (tm_status_is_open((tm_status)s))
            open += a->by_status[s];
    tm_buf line;
    tm_buf_init(&line, 0);
    for (size_t i = 0; verbosity != CLI_QUIET && i < a->n_threats; i++) {
        const tm_threat *t = a->threats[i];
        if (!tm_status_is_open(t->status) && verbosity != CLI_VERBOSE)
            continue;
        tm_buf_reset(&line);
        S_threat_line(&line, a, t, color);
        fwrite(line.data, 1, line.len, stdout);
    }
    tm_buf_free(&line);
    printf("%s: %zu threats (%zu critical, %zu high, %zu medium, %zu low); %zu open, %zu at or above %s; "
           "%zu decided in review\n",
           a->model->source, a->n_threats, a->by_severity[TM_SEV_CRITICAL], a->by_severity[TM_SEV_HIGH],
           a->by_severity[TM_SEV_MEDIUM], a->by_severity[TM_SEV_LOW], open, S_gate(a, fail_on),
           tm_severity_name(fail_on), a->n_threats - open);
}

int cli_check(int argc, char **argv)
{
    cli_engine_opts eo;
    memset(&eo, 0, sizeof eo);
    tm_severity fail_on = TM_SEV_HIGH;
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
            if (cli_fail_on_value("check", v, &fail_on) != CLI_OK)
                return CLI_INVALID;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--format", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0 && strcmp(v, "sarif") != 0)
                return cli_usage("check", "--format takes text, json or sarif, not '%s'", v);
            format = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("check", "unknown option '%s'", argv[i]);
        if (eo.n_models >= CLI_MAX_LIST)
            return cli_usage("check", "too many models (at most %d)", CLI_MAX_LIST);
        eo.models[eo.n_models++] = argv[i];
    }
    if (eo.n_models == 0)
        return cli_usage("check", "no model given");
    if (cli_stdin_once("check", eo.models, eo.n_models) != CLI_OK)
        return CLI_INVALID;

    /* SARIF: one log with a run per model, written once every model is
     * analysed (several logs one after another would be no SARIF). */
    int sarif = strcmp(format, "sarif") == 0;
    cli_run *kept = sarif ? tm_xmalloc(eo.n_models * sizeof *kept) : NULL;
    const tm_analysis **analyses = sarif ? tm_xmalloc(eo.n_models * sizeof *analyses) : NULL;
    size_t n_kept = 0;
    int status = CLI_OK;
    for (size_t m = 0; m < eo.n_models; m++) {
        cli_run run;
        if (cli_analyze(&eo, eo.models[m], &run) != CLI_OK) {
            cli_run_free(&run);
            status = CLI_INVALID;
            continue;
        }
        if (S_gate(run.analysis, fail_on) && status == CLI_OK)
            status = CLI_FINDINGS;
        if (sarif) {
            analyses[n_kept] = run.analysis;
            kept[n_kept++] = run;
            continue;
        }
        if (strcmp(format, "text") == 0) {
            S_print_text(&run, fail_on);
        } else {
            const tm_format *f = tm_format_find(format);
            tm_buf b;
            tm_buf_init(&b, 0);
            tm_render_opts ro;
            memset(&ro, 0, sizeof ro);
            if (!f || f->render(run.analysis, &ro, &b, run.diags) != 0) {
                cli_print_diags(run.diags);
                tm_buf_free(&b);
                cli_run_free(&run);
                return CLI_OUTPUT;
            }
            fwrite(b.data, 1, b.len, stdout);
            tm_buf_free(&b);
        }
        cli_run_free(&run);
    }
    if (sarif && n_kept) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_render_opts ro;
        memset(&ro, 0, sizeof ro);
        if (tm_render_sarif_runs(analyses, n_kept, &ro, &b, kept[0].diags) != 0) {
            cli_print_diags(kept[0].diags);
            status = CLI_OUTPUT;
        } else {
            fwrite(b.data, 1, b.len, stdout);
        }
        tm_buf_free(&b);
    }
    for (size_t i = 0; i < n_kept; i++)
        cli_run_free(&kept[i]);
    free(kept);
    free(analyses);
    if (fflush(stdout) != 0)
        return CLI_OUTPUT;
    return status;
}
