/*
 * stridec report --watch: render the report, then render it again whenever
 * a file it depends on changes, for a workshop where the model is edited on
 * the projector and the report stays open in a browser.
 *
 * What is watched (rebuilt after every render, from the last model that
 * loaded): the model and every file it includes, its artifacts' files and
 * folders, the --rules files, the --share catalogue and rules, the
 * --template folder and the --advisories folders. inotify watches the
 * folders that hold them (editors often save by writing a new file and
 * renaming it over the old one, which a watch on the file itself would
 * lose) and an event counts only for a watched name, or for anything in a
 * watched folder. The output folder is never watched: writing the report
 * must not trigger the next one.
 *
 * A change is complete when no other event follows for CLI_WATCH_QUIET_MS
 * (an editor's save is several events), then the report is rendered and one
 * line says what changed and how the findings moved, followed by one line
 * per threat that is new, gone or changed (diff's wording). When the
 * changed model does not load, its errors are printed and the last good
 * report stays in place. SIGINT or SIGTERM ends the watch (exit 0); they
 * are blocked while a report is written so that no half-written output is
 * left behind.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "cli/cli.h"
#include "stridec/diff.h"

#ifndef CLI_WATCH_QUIET_MS
#define CLI_WATCH_QUIET_MS 100 /* a change is complete after this long without another event */
#endif
#ifndef CLI_WATCH_MAX_WAIT_MS
#define CLI_WATCH_MAX_WAIT_MS 1000 /* ... or after this long, however busy the folder */
#endif
#ifndef CLI_WATCH_MAX_FOLDERS
#define CLI_WATCH_MAX_FOLDERS 1024 /* folders watched at most (artifact and template trees) */
#endif
#ifndef CLI_WATCH_MAX_DEPTH
#define CLI_WATCH_MAX_DEPTH 8 /* how deep artifact and template folders are watched */
#endif

#define S_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY)

/* ------------------------------------------------------------ watch set */

/* One watched folder: the names in it that count, or every name. */
typedef struct {
    int wd;
    char *dir;  /* as opened, for messages */
    int any;    /* every name counts */
    tm_vec names; /* basenames that count (malloc'd strings) */
    int keep;   /* still wanted in this rebuild */
} S_folder;

typedef struct {
    int fd;
    S_folder *f;
    size_t n, cap;
    char *out_real; /* realpath of the output folder, or NULL while it does not exist */
    size_t n_files, n_folders; /* watched names and watched folders, for the first message */
    int err;        /* errno when watching failed */
} S_watcher;

static S_folder *S_folder_for(S_watcher *w, const char *dir)
{
    if (w->n >= CLI_WATCH_MAX_FOLDERS)
        return NULL;
    int wd = inotify_add_watch(w->fd, dir, S_EVENTS | IN_ONLYDIR);
    if (wd < 0)
        return NULL; /* a folder that does not exist (yet): nothing to watch there */
    for (size_t i = 0; i < w->n; i++)
        if (w->f[i].wd == wd) {
            if (!w->f[i].keep) { /* wanted again: start its names afresh */
                for (size_t k = 0; k < w->f[i].names.len; k++)
                    free(w->f[i].names.items[k]);
                w->f[i].names.len = 0;
                w->f[i].any = 0;
                w->f[i].keep = 1;
            }
            return &w->f[i];
        }
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->f = tm_xrealloc(w->f, w->cap * sizeof *w->f);
    }
    S_folder *f = &w->f[w->n++];
    memset(f, 0, sizeof *f);
    f->wd = wd;
    f->dir = tm_xstrdup(dir);
    f->keep = 1;
    return f;
}

static int S_is_output(const S_watcher *w, const char *path)
{
    if (!w->out_real)
        return 0;
    char *real = realpath(path, NULL);
    int out = real && strcmp(real, w->out_real) == 0;
    free(real);
    return out;
}

/* Watch one file: its folder, for its name. */
static void S_watch_file(S_watcher *w, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? (slash == path ? tm_xstrdup("/") : tm_xstrdup(path)) : tm_xstrdup(".");
    if (slash && slash != path)
        dir[slash - path] = '\0';
    const char *name = slash ? slash + 1 : path;
    S_folder *f = *name ? S_folder_for(w, dir) : NULL;
    if (f) {
        tm_vec_push(&f->names, tm_xstrdup(name));
        w->n_files++;
    }
    free(dir);
}

/* Watch a folder and the folders in it (not the output folder). */
static void S_watch_tree(S_watcher *w, const char *dir, int depth)
{
    if (S_is_output(w, dir))
        return;
    S_folder *f = S_folder_for(w, dir);
    if (!f)
        return;
    f->any = 1;
    w->n_folders++;
    if (depth >= CLI_WATCH_MAX_DEPTH)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    tm_vec subs = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden folders such as .git */
        tm_buf p;
        tm_buf_init(&p, 0);
        tm_buf_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p.data, &st) == 0 && S_ISDIR(st.st_mode))
            tm_vec_push(&subs, tm_buf_detach(&p));
        tm_buf_free(&p);
    }
    closedir(d);
    for (size_t i = 0; i < subs.len; i++) {
        S_watch_tree(w, subs.items[i], depth + 1);
        free(subs.items[i]);
    }
    tm_vec_free(&subs);
}

/* A file or a folder, whichever it is; a path that does not exist yet is
 * watched as a file (its creation counts). */
static void S_watch_path(S_watcher *w, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        S_watch_tree(w, path, 0);
    else
        S_watch_file(w, path);
}

/* What the report depends on, from the last model that loaded (NULL: none
 * did yet; then the model file alone, with the rules and templates). */
static void S_rebuild(S_watcher *w, const cli_engine_opts *eo, const char *model_path,
                      const tm_model *m, const tm_render_opts *ro, const char *out_dir)
{
    for (size_t i = 0; i < w->n; i++)
        w->f[i].keep = 0;
    w->n_files = w->n_folders = 0;
    free(w->out_real);
    w->out_real = realpath(out_dir, NULL);

    S_watch_file(w, model_path);
    for (size_t i = 0; m && i < m->n_files; i++)
        if (strcmp(m->files[i], model_path) != 0)
            S_watch_file(w, m->files[i]);
    for (size_t i = 0; m && i < m->n_artifacts; i++)
        if (m->artifacts[i]->resolved_path)
            S_watch_path(w, m->artifacts[i]->resolved_path);
    for (size_t i = 0; i < eo->n_rules; i++)
        S_watch_file(w, eo->rules[i]);
    if (eo->share) {
        tm_buf p;
        tm_buf_init(&p, 0);
        tm_buf_printf(&p, "%s/types.yaml", eo->share);
        S_watch_file(w, p.data);
        tm_buf_reset(&p);
        tm_buf_printf(&p, "%s/rules", eo->share);
        S_watch_tree(w, p.data, CLI_WATCH_MAX_DEPTH);
        tm_buf_free(&p);
    }
    for (size_t i = 0; i < eo->n_advisories; i++)
        S_watch_tree(w, eo->advisories[i], CLI_WATCH_MAX_DEPTH);
    if (ro->template_dir)
        S_watch_tree(w, ro->template_dir, 0);

    /* Folders no longer wanted. */
    size_t kept = 0;
    for (size_t i = 0; i < w->n; i++) {
        S_folder *f = &w->f[i];
        if (f->keep) {
            w->f[kept++] = *f;
            continue;
        }
        inotify_rm_watch(w->fd, f->wd);
        for (size_t k = 0; k < f->names.len; k++)
            free(f->names.items[k]);
        tm_vec_free(&f->names);
        free(f->dir);
    }
    w->n = kept;
}

static void S_watcher_free(S_watcher *w)
{
    for (size_t i = 0; i < w->n; i++) {
        for (size_t k = 0; k < w->f[i].names.len; k++)
            free(w->f[i].names.items[k]);
        tm_vec_free(&w->f[i].names);
        free(w->f[i].dir);
    }
    free(w->f);
    free(w->out_real);
    if (w->fd >= 0)
        close(w->fd);
}

/* ---------------------------------------------------------------- events */

static volatile sig_atomic_t S_stop;

static void S_on_signal(int sig)
{
    (void)sig;
    S_stop = 1;
}

/* The path an event names when it counts, else NULL (caller frees). */
static char *S_relevant(const S_watcher *w, const struct inotify_event *ev)
{
    if (!ev->len || (ev->mask & IN_Q_OVERFLOW))
        return NULL;
    for (size_t i = 0; i < w->n; i++) {
        const S_folder *f = &w->f[i];
        if (f->wd != ev->wd)
            continue;
        int hit = 0;
        for (size_t k = 0; k < f->names.len && !hit; k++)
            hit = strcmp(f->names.items[k], ev->name) == 0;
        if (!hit && !f->any)
            return NULL;
        tm_buf p;
        tm_buf_init(&p, 0);
        if (strcmp(f->dir, ".") != 0)
            tm_buf_printf(&p, "%s/", f->dir);
        tm_buf_puts(&p, ev->name);
        if (!hit && (ev->name[0] == '.' || S_is_output(w, p.data))) {
            tm_buf_free(&p); /* hidden files (editor swap files) and the report itself */
            return NULL;
        }
        return tm_buf_detach(&p);
    }
    return NULL;
}

/* Wait up to timeout_ms (-1: for ever) for events; the relevant paths are
 * added to `changed` (once each). 1 when something was read, 0 on timeout,
 * -1 when a signal asks to stop or inotify failed. */
static int S_wait(S_watcher *w, int timeout_ms, const sigset_t *mask, tm_vec *changed)
{
    struct pollfd p = {w->fd, POLLIN, 0};
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    int r = ppoll(&p, 1, timeout_ms < 0 ? NULL : &ts, mask);
    if (S_stop)
        return -1;
    if (r < 0 && errno != EINTR)
        w->err = errno;
    if (r <= 0)
        return r < 0 && errno != EINTR ? -1 : 0;
    _Alignas(struct inotify_event) char buf[16 * 1024];
    ssize_t n = read(w->fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0) {
        w->err = n < 0 ? errno : EIO;
        return -1;
    }
    for (char *at = buf; at < buf + n;) {
        const struct inotify_event *ev = (const struct inotify_event *)(void *)at;
        at += sizeof *ev + ev->len;
        /* The kernel dropped events: something may have changed. */
        char *path = ev->mask & IN_Q_OVERFLOW ? tm_xstrdup("(more files than inotify could queue)")
                                              : S_relevant(w, ev);
        if (!path)
            continue;
        int seen = 0;
        for (size_t i = 0; i < changed->len && !seen; i++)
            seen = strcmp(changed->items[i], path) == 0;
        if (seen)
            free(path);
        else
            tm_vec_push(changed, path);
    }
    return 1;
}

/* --------------------------------------------------------------- output */

static void S_clock(tm_buf *b)
{
    time_t now = time(NULL);
    struct tm tmv;
    char t[16] = "";
    if (localtime_r(&now, &tmv))
        strftime(t, sizeof t, "%H:%M:%S", &tmv);
    tm_buf_printf(b, "[%s] ", t);
}

/* "x.yaml changed" / "x.yaml and 2 other files changed". */
static void S_what_changed(tm_buf *b, const tm_vec *changed)
{
    const char *first = changed->len ? changed->items[0] : "a watched file";
    tm_buf_put_printable(b, first, strlen(first), 0);
    if (changed->len > 1)
        tm_buf_printf(b, " and %zu other file%s", changed->len - 1, changed->len == 2 ? "" : "s");
    tm_buf_puts(b, " changed: ");
}

static void S_counts(tm_buf *b, const tm_analysis *a)
{
    tm_buf_printf(b, "%zu threats (%zu critical, %zu high, %zu medium, %zu low)", a->n_threats,
                  a->by_severity[TM_SEV_CRITICAL], a->by_severity[TM_SEV_HIGH],
                  a->by_severity[TM_SEV_MEDIUM], a->by_severity[TM_SEV_LOW]);
}

static void S_emit(tm_buf *b)
{
    if (b->len)
        fwrite(b->data, 1, b->len, stdout);
    fflush(stdout);
    tm_buf_reset(b);
}

/* ----------------------------------------------------------------- loop */

int cli_watch(const cli_engine_opts *eo, const char *model, const char *dir,
              const tm_format *const *fmts, size_t n_fmts, const tm_render_opts *base)
{
    S_watcher w;
    memset(&w, 0, sizeof w);
    w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w.fd < 0) {
        cli_error("report: --watch cannot watch files: %s", strerror(errno));
        return CLI_OUTPUT;
    }
    /* SIGINT and SIGTERM only arrive inside ppoll: never mid-write. */
    sigset_t block, orig;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &orig);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = S_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigset_t wait_mask = orig;
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGTERM);

    int color = cli_color(stdout);
    tm_buf line;
    tm_buf_init(&line, 0);
    cli_run prev;
    memset(&prev, 0, sizeof prev);
    int have = 0, status = CLI_OK;
    if (cli_analyze(eo, model, &prev) == CLI_OK) {
        if (base->dfd_path && cli_check_dfd_path(&prev, base->dfd_path) != CLI_OK)
            status = CLI_INVALID;
        else
            status = cli_report_write(&prev, dir, fmts, n_fmts, base, 1);
        have = status == CLI_OK;
    }
    if (!have) {
        cli_run_free(&prev);
        tm_buf_puts(&line, "no report yet: waiting for the model to be fixed\n");
    }
    S_rebuild(&w, eo, model, have ? prev.model : NULL, base, dir);
    tm_buf_printf(&line, "watching %zu file%s", w.n_files, w.n_files == 1 ? "" : "s");
    if (w.n_folders)
        tm_buf_printf(&line, " and %zu folder%s", w.n_folders, w.n_folders == 1 ? "" : "s");
    tm_buf_puts(&line, " for changes (Ctrl-C stops)\n");
    S_emit(&line);

    tm_vec changed = {0};
    for (;;) {
        int r = S_wait(&w, -1, &wait_mask, &changed);
        if (r < 0)
            break;
        if (!changed.len)
            continue;
        /* The rest of the change: until it is quiet, within a bound. */
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            long waited = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
            if (waited >= CLI_WATCH_MAX_WAIT_MS || (r = S_wait(&w, CLI_WATCH_QUIET_MS, &wait_mask, &changed)) <= 0)
                break;
        }
        if (r < 0)
            break;

        cli_run next;
        S_clock(&line);
        S_what_changed(&line, &changed);
        if (cli_analyze(eo, model, &next) != CLI_OK) {
            cli_run_free(&next);
            tm_buf_printf(&line, "not valid (see above); %s\n",
                          have ? "the last good report stays" : "no report yet");
            S_emit(&line);
        } else if (cli_report_write(&next, dir, fmts, n_fmts, base, 0) != CLI_OK) {
            cli_run_free(&next);
            tm_buf_printf(&line, "the report could not be written (see above); %s\n",
                          have ? "the last good report stays" : "no report yet");
            S_emit(&line);
        } else {
            S_counts(&line, next.analysis);
            if (have) {
                tm_diff *df = tm_diff_new(prev.analysis, next.analysis);
                size_t nn = df->threats_by_op[TM_DIFF_ADDED], ng = df->threats_by_op[TM_DIFF_REMOVED],
                       nc = df->threats_by_op[TM_DIFF_CHANGED];
                if (nn + ng + nc == 0)
                    tm_buf_puts(&line, "; findings unchanged");
                else
                    tm_buf_printf(&line, "; %zu new, %zu gone, %zu changed", nn, ng, nc);
                tm_buf_printf(&line, "; report written to %s\n", dir);
                tm_diff_render_opts dro = {TM_SEV_NONE, TM_DIFF_TEXT_THREATS, color};
                tm_render_diff_text(df, &dro, &line);
                tm_diff_free(df);
                cli_run_free(&prev);
            } else {
                tm_buf_printf(&line, "; report written to %s\n", dir);
            }
            S_emit(&line);
            prev = next;
            have = 1;
        }
        for (size_t i = 0; i < changed.len; i++)
            free(changed.items[i]);
        changed.len = 0;
        S_rebuild(&w, eo, model, have ? prev.model : NULL, base, dir);
    }
    for (size_t i = 0; i < changed.len; i++)
        free(changed.items[i]);
    tm_vec_free(&changed);
    if (have)
        cli_run_free(&prev);
    tm_buf_free(&line);
    S_watcher_free(&w);
    sigprocmask(SIG_SETMASK, &orig, NULL);
    if (!S_stop)
        cli_error("report: --watch stopped: %s", strerror(w.err ? w.err : EIO));
    return S_stop ? CLI_OK : CLI_OUTPUT;
}
