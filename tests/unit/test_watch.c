/*
 * stridec report --watch: renders, then renders again within two seconds
 * of a change to the model, an included file, an artifact, a rule file or
 * a template, saying which findings are new, gone or changed; bad input
 * keeps the last good report; writing the report triggers nothing; SIGTERM
 * ends it with status 0. report.html reloads itself in a browser when it is
 * rewritten (headless Chromium, when installed).
 *
 * Every wait is a poll() with a deadline: a watch that never answers fails
 * the test, it cannot hang it.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define S_RERENDER_MS 2000 /* the promise: a re-render within two seconds of a change */
#define S_DEADLINE_MS 20000 /* how long a test waits before it calls the watch dead */

typedef struct {
    pid_t pid;
    int out;   /* the watch's standard output (a pipe) */
    char *dir; /* the project copy it runs in */
    char *seen; /* everything it printed so far */
    size_t len, cap, mark;
} S_watch;

static long S_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static char *S_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Replace a file's text the way editors save: a new file renamed over it. */
static void S_save(const S_watch *w, const char *rel, const char *text)
{
    char *path = S_join(w->dir, rel), *tmp = S_join(w->dir, ".save.tmp");
    FILE *f = fopen(tmp, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(rename(tmp, path), 0);
    free(path);
    free(tmp);
}

static char *S_read(const S_watch *w, const char *rel)
{
    char *path = S_join(w->dir, rel);
    char *text = tu_slurp(path, NULL);
    ck_assert_msg(text != NULL, "%s is missing", path);
    free(path);
    return text;
}

/* Replace the first `from` in file `rel` by `to`. */
static void S_edit(const S_watch *w, const char *rel, const char *from, const char *to)
{
    char *text = S_read(w, rel);
    char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "%s has no '%s'", rel, from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    S_save(w, rel, out);
    free(out);
    free(text);
}

/* Read the watch's output until what came after the mark contains
 * `needle`; the milliseconds that took, or -1 at the deadline. The mark
 * then moves past the needle's line. */
static long S_until(S_watch *w, const char *needle, long deadline_ms)
{
    long t0 = S_now_ms();
    for (;;) {
        char *hit = w->seen ? strstr(w->seen + w->mark, needle) : NULL;
        if (hit) {
            char *nl = strchr(hit, '\n');
            w->mark = nl ? (size_t)(nl + 1 - w->seen) : w->len;
            return S_now_ms() - t0;
        }
        long left = deadline_ms - (S_now_ms() - t0);
        if (left <= 0)
            return -1;
        struct pollfd p = {w->out, POLLIN, 0};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (w->cap - w->len < 4096) {
            w->cap = w->cap ? w->cap * 2 : 65536;
            w->seen = realloc(w->seen, w->cap);
        }
        ssize_t n = read(w->out, w->seen + w->len, w->cap - w->len - 1);
        if (n <= 0)
            return -1; /* the watch ended */
        w->len += (size_t)n;
        w->seen[w->len] = '\0';
    }
}

/* Nothing more is printed for `ms`: 1 when quiet. */
static int S_quiet_for(S_watch *w, int ms)
{
    struct pollfd p = {w->out, POLLIN, 0};
    return poll(&p, 1, ms) == 0;
}

/* A copy of tests/watch/project, with the built-in templates in tpl/ (for
 * --template), in a fresh folder. */
static S_watch S_copy(void)
{
    S_watch w;
    memset(&w, 0, sizeof w);
    w.dir = tu_tmpdir();
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s' && mkdir '%s/tpl' && cp '%s'/* '%s/tpl/'",
             tu_path("tests/watch/project"), w.dir, w.dir, tu_path("templates"), w.dir);
    ck_assert_int_eq(system(cmd), 0);
    return w;
}

/* Start `stridec report --watch model.yaml -o out -f html,json EXTRA...`
 * in the copy. */
static void S_launch(S_watch *w, const char *const *extra)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    const char *bin = getenv("STRIDEC_BIN") ? getenv("STRIDEC_BIN") : "./stridec";
    w->pid = fork();
    if (w->pid == 0) {
        if (chdir(w->dir) != 0)
            _exit(127);
        dup2(fds[1], 1);
        int err = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(err, 2);
        close(fds[0]);
        const char *argv[32] = {bin, "report", "--watch", "model.yaml", "-o", "out", "-f", "html,json"};
        size_t n = 8;
        for (size_t i = 0; extra && extra[i] && n < 31; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        execv(bin, (char **)argv);
        _exit(127);
    }
    close(fds[1]);
    w->out = fds[0];
}

static S_watch S_start(const char *const *extra)
{
    S_watch w = S_copy();
    S_launch(&w, extra);
    ck_assert_msg(S_until(&w, "(Ctrl-C stops)\n", S_DEADLINE_MS) >= 0, "the watch did not start:\n%s",
                  w.seen ? w.seen : "");
    return w;
}

/* SIGTERM: the watch ends, with status 0, within the deadline. */
static void S_stop(S_watch *w)
{
    ck_assert_int_eq(kill(w->pid, SIGTERM), 0);
    int st = 0;
    long t0 = S_now_ms();
    pid_t r;
    while ((r = waitpid(w->pid, &st, WNOHANG)) == 0 && S_now_ms() - t0 < S_DEADLINE_MS) {
        struct pollfd p = {w->out, POLLIN, 0};
        char sink[4096];
        if (poll(&p, 1, 50) > 0 && read(w->out, sink, sizeof sink) <= 0)
            p.fd = -1; /* end of output: wait for the exit itself */
    }
    if (r == 0) {
        kill(w->pid, SIGKILL);
        waitpid(w->pid, &st, 0);
        ck_abort_msg("report --watch did not stop on SIGTERM");
    }
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "report --watch ended with %d", st);
    close(w->out);
    tu_rmtree(w->dir);
    free(w->dir);
    free(w->seen);
}

static void S_rerendered(S_watch *w, const char *what)
{
    long ms = S_until(w, what, S_DEADLINE_MS);
    char *err = S_read(w, "stderr.txt");
    ck_assert_msg(ms >= 0, "no '%s' from report --watch; it printed:\n%s\nstderr:\n%s", what,
                  w->seen ? w->seen : "", err);
    ck_assert_msg(ms <= S_RERENDER_MS, "'%s' took %ld ms (more than %d)", what, ms, S_RERENDER_MS);
    free(err);
}

/* The line the last S_until found. */
static char *S_last_line(const S_watch *w)
{
    size_t end = w->mark ? w->mark - 1 : 0, start = end;
    while (start > 0 && w->seen[start - 1] != '\n')
        start--;
    return strndup(w->seen + start, end - start);
}

START_TEST(rerenders_on_every_kind_of_change)
{
    const char *extra[] = {"--rules", "team-rules.yaml", "--template", "tpl", NULL};
    S_watch w = S_start(extra);
    ck_assert_ptr_nonnull(strstr(w.seen, "model.yaml: 27 threats; wrote 3 files to out\n"));
    char *json = S_read(&w, "out/threats.json");
    ck_assert_ptr_null(strstr(json, "S3-PUBLIC-ACL@orders"));
    free(json);

    /* An included file. */
    S_edit(&w, "parts/storage.yaml", "public_read: false", "public_read: true");
    S_rerendered(&w, "] parts/storage.yaml changed: ");
    S_until(&w, "\n", 0);
    ck_assert_ptr_nonnull(strstr(w.seen, "parts/storage.yaml:4:5: new threat: high: S3-PUBLIC-ACL@orders: "));
    json = S_read(&w, "out/threats.json");
    ck_assert_ptr_nonnull(strstr(json, "\"S3-PUBLIC-ACL@orders\""));
    free(json);

    /* A new file in an artifact folder, with a committed key. */
    S_save(&w, "deploy/ci.env", "AWS_ACCESS_KEY_ID=AKIAZ7QK3M5T2WX9RL4P\n");
    S_rerendered(&w, "] deploy/ci.env changed: ");
    ck_assert_msg(S_until(&w, "new threat: critical: CICD-SECRET-CLOUD-KEY@deploy: ", 1000) >= 0,
                  "no new secret finding:\n%s", w.seen);

    /* The rule file: a changed title is a changed threat. */
    S_edit(&w, "team-rules.yaml", "needs the team's API review", "waits for the API review");
    S_rerendered(&w, "] team-rules.yaml changed: ");
    char *line = S_last_line(&w);
    ck_assert_msg(strstr(line, "; 0 new, 0 gone, 1 changed; report written to out") != NULL, "%s", line);
    free(line);
    ck_assert_msg(S_until(&w, "changed threat: TEAM-API-REVIEW@api: title: \"api needs the team's API "
                              "review\" -> \"api waits for the API review\"\n", 1000) >= 0,
                  "no changed title:\n%s", w.seen);

    /* A template: the same findings, a new page. */
    S_edit(&w, "tpl/report.html", "<title>", "<title>Workshop: ");
    S_rerendered(&w, "] tpl/report.html changed: ");
    line = S_last_line(&w);
    ck_assert_msg(strstr(line, "; findings unchanged; report written to out") != NULL, "%s", line);
    free(line);
    char *html = S_read(&w, "out/report.html");
    ck_assert_ptr_nonnull(strstr(html, "<title>Workshop: Threat model: Watched shop</title>"));
    free(html);

    /* The model itself, saved broken: its error, and the last good report stays. */
    char *before = S_read(&w, "out/threats.json");
    S_edit(&w, "model.yaml", "- {id: customer, type: user", "- {id: customer type: user");
    S_rerendered(&w, "] model.yaml changed: not valid (see above); the last good report stays\n");
    char *err = S_read(&w, "stderr.txt");
    ck_assert_msg(strstr(err, "model.yaml:12:") != NULL && strstr(err, ": error: ") != NULL, "%s", err);
    free(err);
    char *after = S_read(&w, "out/threats.json");
    ck_assert_str_eq(after, before);
    free(after);
    free(before);
    /* ... and fixed again: the same findings as the last good report. */
    S_edit(&w, "model.yaml", "- {id: customer type: user", "- {id: customer, type: user");
    S_rerendered(&w, "] model.yaml changed: ");
    line = S_last_line(&w);
    ck_assert_msg(strstr(line, "; findings unchanged; report written to out") != NULL, "%s", line);
    free(line);

    /* Writing into the output folder (what the report does) triggers nothing. */
    S_save(&w, "out/notes.txt", "not watched\n");
    ck_assert_msg(S_quiet_for(&w, 600), "a write into the output folder re-rendered:\n%s",
                  w.seen + w.mark);
    S_stop(&w);
}
END_TEST

START_TEST(bad_model_at_start_waits_for_a_fix)
{
    S_watch w = S_copy();
    S_edit(&w, "model.yaml", "stridec: 1", "stridec: 7");
    S_launch(&w, NULL);
    ck_assert_msg(S_until(&w, "no report yet: waiting for the model to be fixed\n", S_DEADLINE_MS) >= 0,
                  "%s", w.seen ? w.seen : "");
    ck_assert(S_until(&w, "(Ctrl-C stops)\n", S_DEADLINE_MS) >= 0);
    char *out = S_join(w.dir, "out/report.html");
    ck_assert_int_ne(access(out, F_OK), 0);
    S_edit(&w, "model.yaml", "stridec: 7", "stridec: 1");
    S_rerendered(&w, "] model.yaml changed: 26 threats");
    ck_assert_int_eq(access(out, F_OK), 0);
    free(out);
    S_stop(&w);

    const char *args[] = {"report", "--watch", "a.yaml", "b.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stridec: report: --watch takes one model\nTry 'stridec report --help'.\n");
    tu_result_free(&r);
    const char *in[] = {"report", "--watch", "-", NULL};
    r = tu_run(in);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--watch cannot watch standard input"));
    tu_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------- the browser */

static char *S_dump_dom(const char *html)
{
    char *prof = tu_tmpdir(), *dom = S_join(prof, "dom.html");
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic "
             "--no-first-run --disable-background-networking --disable-component-update --disable-sync "
             "--disable-extensions --user-data-dir='%s/profile' --virtual-time-budget=8000 --dump-dom "
             "'file://%s' > '%s' 2> /dev/null",
             prof, html, dom);
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "chromium failed (%d)", st);
    char *text = tu_slurp(dom, NULL);
    ck_assert_ptr_nonnull(text);
    tu_rmtree(prof);
    free(prof);
    free(dom);
    return text;
}

/* A report-reload.js for the browser test: counts its runs in window.name
 * (which lives on across reloads of a tab), records how the page was
 * loaded, then names report `name` (a C expression in JS). */
static void S_probe(const char *path, const char *name_js)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "window.name = (window.name || \"\") + \"x\";\n"
            "document.documentElement.setAttribute(\"data-polls\", window.name);\n"
            "document.documentElement.setAttribute(\"data-nav\", "
            "performance.getEntriesByType(\"navigation\")[0].type);\n"
            "stridecReport(%s);\n",
            name_js);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(report_reloads_itself_in_the_browser)
{
    S_watch w = S_start(NULL);
    char *html = S_read(&w, "out/report.html"), *js = S_read(&w, "out/report-reload.js");
    /* The policy lets only the page's hashed scripts run, plus what they
     * insert ('strict-dynamic'): still no 'unsafe-inline', no host source. */
    const char *sp = strstr(html, "script-src &#39;sha256-");
    ck_assert_ptr_nonnull(sp);
    char *policy = strndup(sp, (size_t)(strchr(sp, '"') - sp));
    ck_assert_msg(strstr(policy, "&#39; &#39;strict-dynamic&#39;") != NULL, "%s", policy);
    ck_assert_msg(!strstr(policy, "unsafe") && !strstr(policy, "self") && !strstr(policy, "file:") &&
                      !strstr(policy, "*"),
                  "%s", policy);
    free(policy);
    /* report-reload.js names this page. */
    char stamp[64] = "";
    ck_assert_int_eq(sscanf(js, "stridecReport(\"%63[^\"]\");", stamp), 1);
    char want[128];
    snprintf(want, sizeof want, "var page = \"%s\"", stamp);
    ck_assert_ptr_nonnull(strstr(html, want));
    free(js);
    char *page_dir = tu_tmpdir();
    char *page = S_join(page_dir, "report.html"), *probe = S_join(page_dir, "report-reload.js");
    FILE *f = fopen(page, "w");
    ck_assert_ptr_nonnull(f);
    fputs(html, f);
    fclose(f);
    free(html);
    S_stop(&w);

    /* A plain report has none of it. */
    char *dir = tu_tmpdir();
    const char *plain[] = {"report", "tests/watch/project/model.yaml", "-o", dir, "-f", "html", NULL};
    tu_result r = tu_run(plain);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    char *p = S_join(dir, "report.html"), *pj = S_join(dir, "report-reload.js");
    html = tu_slurp(p, NULL);
    ck_assert_ptr_null(strstr(html, "strict-dynamic"));
    ck_assert_ptr_null(strstr(html, "report-reload.js"));
    ck_assert_int_ne(access(pj, F_OK), 0);
    free(html);
    free(p);
    free(pj);
    tu_rmtree(dir);
    free(dir);

    if (access("/usr/bin/chromium", X_OK) != 0) {
        printf("SKIP: chromium not installed\n");
    } else {
        /* From disk, in Chromium: while report-reload.js names another
         * report, the page reloads itself; once it names this page, it stays. */
        char quoted[128];
        snprintf(quoted, sizeof quoted, "window.name.length < 3 ? \"another-report\" : \"%s\"", stamp);
        S_probe(probe, quoted);
        char *dom = S_dump_dom(page);
        ck_assert_msg(strstr(dom, "data-nav=\"reload\"") != NULL, "the page did not reload:\n%.400s", dom);
        ck_assert_msg(strstr(dom, "data-polls=\"xxx") != NULL, "fewer than 3 polls:\n%.400s", dom);
        free(dom);
        snprintf(quoted, sizeof quoted, "\"%s\"", stamp);
        S_probe(probe, quoted);
        dom = S_dump_dom(page);
        ck_assert_msg(strstr(dom, "data-nav=\"navigate\"") != NULL, "the page reloaded:\n%.400s", dom);
        ck_assert_msg(strstr(dom, "data-polls=\"xx") != NULL, "fewer than 2 polls:\n%.400s", dom);
        free(dom);
    }
    free(page);
    free(probe);
    tu_rmtree(page_dir);
    free(page_dir);
}
END_TEST

Suite *suite_watch(void)
{
    Suite *s = suite_create("watch");
    TCase *tc = tcase_create("watch");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, rerenders_on_every_kind_of_change);
    tcase_add_test(tc, bad_model_at_start_waits_for_a_fix);
    tcase_add_test(tc, report_reloads_itself_in_the_browser);
    suite_add_tcase(s, tc);
    return s;
}
