/* stridec report: diagrams and reports into a folder. Everything is rendered
 * in memory first; files are written only when every format succeeded, each
 * atomically, so a failed run leaves no half-written output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static const char S_help_head[] =
    "usage: stridec report MODEL... [-o DIR] [-f FORMATS] [--rules FILE]... [--template DIR]\n"
    "                      [--date DATE] [--paper a4|letter] [--dfd-implicit] [--dfd-direction TB|LR]\n"
    "                      [--dfd-path ID] [--watch] [--share DIR] [--allow-path DIR]...\n"
    "                      [--advisories DIR]...\n"
    "\n"
    "Writes the data-flow diagram and the reports of each model into DIR, every file\n"
    "atomically: a failed run leaves no half-written output. With several models, each\n"
    "gets DIR/NAME/ (NAME: the model file's name without extension). MODEL may be -\n"
    "(standard input).\n"
    "\n"
    "options:\n"
    "  -o, --output DIR    the output folder (default ./stridec-out)\n"
    "  -f, --formats F,...\n"
    "                      the formats to write, comma-separated (default: all), of\n";
static const char S_help_tail[] =
    "  --template DIR      report.html, report.md (and partials) from DIR instead of\n"
    "                      the built-in templates\n"
    "  --date DATE         the date shown on the reports (default: the model's\n"
    "                      system.date, else none)\n"
    "  --paper a4|letter   the PDF's paper size (default a4)\n"
    "  --dfd-implicit      draw the management-plane entry points of managed services\n"
    "  --dfd-direction TB|LR\n"
    "                      the diagram's direction: top to bottom (default) or left to right\n"
    "  --dfd-path ID       draw one attack path alone (its id in threats.json paths)\n"
    "  -w, --watch         render again whenever the model, an included file, an artifact,\n"
    "                      a rule file or a template changes (one model; Ctrl-C stops);\n"
    "                      report.html then reloads itself in the browser\n"
    CLI_HELP_ENGINE
    CLI_HELP_END
    "\n"
    "Exit status: 0 written; 2 invalid model, rules, template or usage; 3 an output\n"
    "could not be written.\n";

/* The help, with the format names from the format table. */
static void S_help(void)
{
    fputs(S_help_head, stdout);
    fputs("                      ", stdout);
    for (size_t i = 0; i < tm_n_formats; i++)
        printf("%s%s", i ? "|" : "", tm_formats[i].name);
    fputs("\n", stdout);
    fputs(S_help_tail, stdout);
}

/* Remove the empty folders cli_mkdirs created for `dir`, up to `created`. */
static void S_rmdirs(const char *dir, const char *created)
{
    if (!created)
        return;
    char *p = tm_xstrdup(dir);
    size_t stop = strlen(created);
    for (;;) {
        rmdir(p);
        char *slash = strrchr(p, '/');
        if (strlen(p) <= stop || !slash || slash == p)
            break;
        *slash = '\0';
        if (strlen(p) < stop)
            break;
    }
    free(p);
}

static char *S_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = tm_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The model file's name without folder and extension ("stdin" for "-"). */
static char *S_stem(const char *path)
{
    if (cli_is_stdin(path))
        return tm_xstrdup("stdin");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *s = tm_xstrdup(base);
    char *dot = strrchr(s, '.');
    if (dot && dot != s)
        *dot = '\0';
    return s;
}

/* 1 when an error with this code was added since diagnostic `from`. */
static int S_failed_on(const tm_diags *d, size_t from, const char *code)
{
    for (size_t i = from; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (g->severity == TM_DIAG_ERROR && g->code && strcmp(g->code, code) == 0)
            return 1;
    }
    return 0;
}

int cli_report_write(cli_run *runp, const char *dir, const tm_format *const *fmts, size_t n_fmts,
                     const tm_render_opts *base, int summary)
{
    cli_run run = *runp; /* a copy of the handles: freed by the caller */
    const char *model = run.model->source;
    tm_render_opts ro = *base;
    ro.extra = tm_outputs_new();
    ro.cache = NULL;
    tm_buf *bufs = tm_xmalloc(n_fmts * sizeof *bufs);
    /* Formats that stream go straight to a temporary file in the output
     * folder (a 10,000-element threats.json is ~90 MB); the rest are held in
     * memory. Either way nothing is renamed into place before every format
     * rendered. */
    tm_atomic_file **files = tm_xmalloc(n_fmts * sizeof *files);
    memset(files, 0, n_fmts * sizeof *files);
    char *created = NULL;
    int status = CLI_OK;
    size_t done = 0;
    if (cli_mkdirs(dir, &created) != 0) {
        cli_error("cannot create output folder '%s': %s", dir, strerror(errno));
        status = CLI_OUTPUT;
    }
    for (; status == CLI_OK && done < n_fmts; done++) {
        tm_buf_init(&bufs[done], 0);
        if (fmts[done]->streams) {
            char *path = S_join(dir, fmts[done]->filename);
            files[done] = tm_atomic_open(path, run.diags);
            free(path);
            if (!files[done]) {
                cli_print_diags(run.diags);
                status = CLI_OUTPUT;
                done++;
                break;
            }
            tm_buf_spill(&bufs[done], tm_atomic_sink, files[done]);
        }
        size_t before = tm_diags_count(run.diags);
        if (fmts[done]->render(run.analysis, &ro, &bufs[done], run.diags) != 0 ||
            tm_buf_flush(&bufs[done]) != 0) {
            cli_print_diags(run.diags);
            if (files[done] && tm_atomic_error(files[done]))
                cli_error("cannot write %s/%s: %s", dir, fmts[done]->filename,
                          strerror(tm_atomic_error(files[done])));
            else
                cli_error("%s: could not render %s", model, fmts[done]->filename);
            /* A broken --template is invalid input (2); anything else is an
             * output that could not be produced (3). */
            status = S_failed_on(run.diags, before, "template") ? CLI_INVALID : CLI_OUTPUT;
            done++;
            break;
        }
    }
    if (status == CLI_OK) {
        for (size_t i = 0; i < n_fmts && status == CLI_OK; i++) {
            if (files[i]) {
                tm_atomic_file *f = files[i];
                files[i] = NULL;
                if (tm_atomic_commit(f, run.diags) != 0)
                    status = CLI_OUTPUT;
                continue;
            }
            char *path = S_join(dir, fmts[i]->filename);
            if (cli_write_output(path, &bufs[i], run.diags) != CLI_OK)
                status = CLI_OUTPUT;
            free(path);
        }
        for (size_t i = 0; i < tm_outputs_count(ro.extra) && status == CLI_OK; i++) {
            size_t len;
            const char *data = tm_outputs_data(ro.extra, i, &len);
            char *path = S_join(dir, tm_outputs_name(ro.extra, i));
            if (tm_write_file_atomic(path, data, len, run.diags) != 0)
                status = CLI_OUTPUT;
            free(path);
        }
        if (status != CLI_OK) {
            cli_print_diags(run.diags);
        } else {
            /* Renderer warnings (e.g. characters the PDF font lacks); the
             * model's own warnings were printed after the analysis. */
            cli_print_diags_from(run.diags, run.n_diags_after_analysis);
            if (cli_verbosity() == CLI_VERBOSE) {
                for (size_t i = 0; i < n_fmts; i++)
                    printf("wrote %s/%s\n", dir, fmts[i]->filename);
                for (size_t i = 0; i < tm_outputs_count(ro.extra); i++)
                    printf("wrote %s/%s\n", dir, tm_outputs_name(ro.extra, i));
            }
            if (summary)
                printf("%s: %zu threats; wrote %zu file%s to %s\n", model,
                       tm_analysis_threat_count(run.analysis), n_fmts + tm_outputs_count(ro.extra),
                       n_fmts + tm_outputs_count(ro.extra) == 1 ? "" : "s", dir);
        }
    }
    for (size_t i = 0; i < n_fmts; i++)
        tm_atomic_abort(files[i]);
    if (status != CLI_OK)
        S_rmdirs(dir, created);
    free(created);
    for (size_t i = 0; i < done; i++)
        tm_buf_free(&bufs[i]);
    free(files);
    free(bufs);
    tm_render_cache_free(&ro);
    tm_outputs_free(ro.extra);
    return status;
}

/* --dfd-path names one of the model's attack paths, else an error naming
 * them (or saying there are none). */
int cli_check_dfd_path(const cli_run *run, const char *id)
{
    const tm_analysis *a = run->analysis;
    for (size_t i = 0; i < a->n_paths; i++)
        if (strcmp(a->paths[i].id, id) == 0)
            return CLI_OK;
    if (!a->n_paths) {
        cli_error("%s: --dfd-path %s: the model has no attack path", run->model->source, id);
        return CLI_INVALID;
    }
    const char *ids[CLI_MAX_LIST];
    size_t n = 0;
    for (size_t i = 0; i < a->n_paths && n < CLI_MAX_LIST; i++)
        ids[n++] = a->paths[i].id;
    const char *near = tm_did_you_mean(id, ids, n);
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < a->n_paths && i < 8; i++)
        tm_buf_printf(&b, "%s%s", i ? ", " : "", a->paths[i].id);
    if (a->n_paths > 8)
        tm_buf_printf(&b, " and %zu more", a->n_paths - 8);
    if (near)
        cli_error("%s: --dfd-path %s is not an attack path of the model (did you mean '%s'?)",
                  run->model->source, id, near);
    else
        cli_error("%s: --dfd-path %s is not an attack path of the model; its paths: %s",
                  run->model->source, id, b.data ? b.data : "");
    tm_buf_free(&b);
    return CLI_INVALID;
}

static int S_report_one(const cli_engine_opts *eo, const char *model, const char *dir,
                        const tm_format *const *fmts, size_t n_fmts, const tm_render_opts *base)
{
    cli_run run;
    if (cli_analyze(eo, model, &run) != CLI_OK) {
        cli_run_free(&run);
        return CLI_INVALID;
    }
    if (base->dfd_path && cli_check_dfd_path(&run, base->dfd_path) != CLI_OK) {
        cli_run_free(&run);
        return CLI_INVALID;
    }
    int status = cli_report_write(&run, dir, fmts, n_fmts, base, 1);
    cli_run_free(&run);
    return status;
}

int cli_report(int argc, char **argv)
{
    cli_engine_opts eo;
    memset(&eo, 0, sizeof eo);
    tm_render_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.dfd_direction = "TB";
    const char *out_dir = "stridec-out";
    const char *formats = NULL;
    int watch = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            S_help();
            return CLI_OK;
        }
        if ((r = cli_engine_option(argc, argv, &i, &eo)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            out_dir = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--formats", "-f", &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            formats = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--template", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            ro.template_dir = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--date", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            ro.date = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--paper", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (strcmp(v, "a4") == 0)
                ro.paper = TM_PAPER_A4;
            else if (strcmp(v, "letter") == 0)
                ro.paper = TM_PAPER_LETTER;
            else
                return cli_usage("report", "--paper takes a4 or letter, not '%s'", v);
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--dfd-direction", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (strcmp(v, "LR") != 0 && strcmp(v, "TB") != 0)
                return cli_usage("report", "--dfd-direction takes LR or TB, not '%s'", v);
            ro.dfd_direction = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--dfd-path", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            ro.dfd_path = v;
            continue;
        }
        if (strcmp(argv[i], "--dfd-implicit") == 0) {
            ro.dfd_implicit = 1;
            continue;
        }
        if (strcmp(argv[i], "--watch") == 0 || strcmp(argv[i], "-w") == 0) {
            watch = 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("report", "unknown option '%s'", argv[i]);
        if (eo.n_models >= CLI_MAX_LIST)
            return cli_usage("report", "too many models (at most %d)", CLI_MAX_LIST);
        eo.models[eo.n_models++] = argv[i];
    }
    if (eo.n_models == 0)
        return cli_usage("report", "no model given");
    if (cli_stdin_once("report", eo.models, eo.n_models) != CLI_OK)
        return CLI_INVALID;
    if (watch && eo.n_models != 1)
        return cli_usage("report", "--watch takes one model");
    if (watch && cli_is_stdin(eo.models[0]))
        return cli_usage("report", "--watch cannot watch standard input; give the model's file");

    const tm_format *fmts[32];
    size_t n_fmts = 0;
    if (!formats) {
        for (size_t i = 0; i < tm_n_formats && n_fmts < 32; i++)
            fmts[n_fmts++] = &tm_formats[i];
    } else {
        char *list = tm_xstrdup(formats);
        for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            const tm_format *f = tm_format_find(tok);
            if (!f) {
                const char *names[32];
                size_t n = 0;
                for (size_t k = 0; k < tm_n_formats && n < 32; k++)
                    names[n++] = tm_formats[k].name;
                const char *near = tm_did_you_mean(tok, names, n);
                int rc = near ? cli_usage("report", "unknown format '%s' (did you mean '%s'?)", tok, near)
                              : cli_usage("report", "unknown format '%s'", tok);
                free(list);
                return rc;
            }
            int dup = 0;
            for (size_t k = 0; k < n_fmts; k++)
                dup |= fmts[k] == f;
            if (!dup && n_fmts < 32)
                fmts[n_fmts++] = f;
        }
        free(list);
        if (n_fmts == 0)
            return cli_usage("report", "-f names no format");
    }

    if (watch) {
        ro.live_reload = 1;
        return cli_watch(&eo, eo.models[0], out_dir, fmts, n_fmts, &ro);
    }
    int status = CLI_OK;
    for (size_t m = 0; m < eo.n_models; m++) {
        char *dir = NULL;
        if (eo.n_models > 1) {
            char *stem = S_stem(eo.models[m]);
            dir = S_join(out_dir, stem);
            free(stem);
        }
        int rc = S_report_one(&eo, eo.models[m], dir ? dir : out_dir, fmts, n_fmts, &ro);
        free(dir);
        if (rc > status)
            status = rc;
    }
    return status;
}
