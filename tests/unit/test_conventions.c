/*
 * The command-line conventions (issue 16): colour only on a terminal
 * (--color, NO_COLOR, TERM=dumb), --quiet and --verbose, wherever they are
 * written on the command line.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, ptsname */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stridec/doc.h"
#include "testutil.h"

#define S_MODEL "models/serverless-webapp.yaml"
#define S_BAD "tests/bad/dangling.yaml"
#define S_WARNS "tests/diff/old.yaml" /* a review decision that matches nothing: a warning */

static size_t S_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Run stridec with standard output and error on a new pseudo-terminal, as
 * a person at a terminal would; `env` as in tu_run_with. Returns what the
 * terminal showed (in r.out; r.err stays empty) and the exit status. */
static tu_result S_run_on_tty(const char *const *env, const char *const *args)
{
    tu_result res = {-1, NULL, NULL};
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_msg(master >= 0, "posix_openpt: %s", strerror(errno));
    ck_assert(grantpt(master) == 0 && unlockpt(master) == 0);
    const char *slave_name = ptsname(master);
    ck_assert_ptr_nonnull(slave_name);
    const char *bin = getenv("STRIDEC_BIN");
    if (!bin)
        bin = "./stridec";
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int slave = open(slave_name, O_RDWR);
        if (slave < 0)
            _exit(127);
        const char *root = getenv("STRIDEC_ROOT");
        if (root && chdir(root) != 0)
            _exit(127);
        for (size_t i = 0; env && env[i]; i++) {
            const char *eq = strchr(env[i], '=');
            char name[256];
            snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - env[i]) : (int)strlen(env[i]), env[i]);
            if (eq)
                setenv(name, eq + 1, 1);
            else
                unsetenv(name);
        }
        dup2(slave, 1);
        dup2(slave, 2);
        close(master);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        size_t n = 0;
        while (args[n])
            n++;
        char **argv = calloc(n + 2, sizeof *argv);
        argv[0] = (char *)bin;
        for (size_t i = 0; i < n; i++)
            argv[i + 1] = (char *)args[i];
        execv(bin, argv);
        _exit(127);
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (cap - len < 4096)
            buf = realloc(buf, cap *= 2);
        ssize_t r = read(master, buf + len, cap - len - 1);
        if (r > 0)
            len += (size_t)r;
        else if (r < 0 && errno == EINTR)
            continue;
        else
            break; /* EIO: the child and its terminal are gone */
    }
    buf[len] = '\0';
    int st = 0;
    waitpid(pid, &st, 0);
    close(master);
    res.out = buf;
    res.err = strdup("");
    res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return res;
}

/* ------------------------------------------------------------- colour */

START_TEST(no_colour_in_a_pipe)
{
    /* By default, output to a pipe or file has no escape sequence at all. */
    const char *check[] = {"check", S_MODEL, NULL};
    tu_result r = tu_run(check);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_null(strchr(r.out, '\033'));
    tu_result_free(&r);
    const char *bad[] = {"check", S_BAD, NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "error:"));
    ck_assert_ptr_null(strchr(r.err, '\033'));
    tu_result_free(&r);
    const char *diff[] = {"diff", "tests/diff/old.yaml", "tests/diff/new.yaml", NULL};
    r = tu_run(diff);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_null(strchr(r.out, '\033'));
    ck_assert_ptr_null(strchr(r.err, '\033'));
    tu_result_free(&r);
}
END_TEST

START_TEST(colour_always)
{
    /* --color=always colours check's severities and places, before or
     * after the subcommand, and wins over NO_COLOR (an explicit request). */
    const char *env[] = {"NO_COLOR=1", NULL};
    const char *check[] = {"--color=always", "check", S_MODEL, NULL};
    tu_result r = tu_run_with(NULL, env, NULL, check);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "\033[1mmodels/serverless-webapp.yaml:"));
    ck_assert_ptr_nonnull(strstr(r.out, "\033[1;31mcritical\033[0m: "));
    ck_assert_ptr_nonnull(strstr(r.out, "\033[31mhigh\033[0m: "));
    ck_assert_ptr_nonnull(strstr(r.out, "\033[33mmedium\033[0m: "));
    tu_result_free(&r);
    const char *bad[] = {"check", S_BAD, "--color", "always", NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "\033[1mtests/bad/dangling.yaml:8:19:\033[0m \033[1;31merror:\033[0m "));
    ck_assert_ptr_nonnull(strstr(r.err, "\033[1;32m^\033[0m\n"));
    tu_result_free(&r);
    const char *diff[] = {"diff", "--color=always", "tests/diff/old.yaml", "tests/diff/new.yaml", NULL};
    r = tu_run(diff);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "\033[32madded\033[0m: element payment-fn"));
    ck_assert_ptr_nonnull(strstr(r.out, "\033[31mremoved\033[0m: element legacy-bucket"));
    ck_assert_ptr_nonnull(strstr(r.out, "\033[33mchanged\033[0m: element api"));
    ck_assert_ptr_nonnull(strstr(r.out, "\033[32mnew\033[0m threat: "));
    ck_assert_ptr_nonnull(strstr(r.err, "\033[1;35mwarning:\033[0m"));
    tu_result_free(&r);
    /* Without the codes, the same text as without colour. */
    const char *plain[] = {"diff", "tests/diff/old.yaml", "tests/diff/new.yaml", NULL};
    tu_result p = tu_run(plain);
    r = tu_run(diff);
    char *s = r.out, *d = r.out;
    while (*s) {
        if (*s == '\033') {
            while (*s && *s != 'm')
                s++;
            if (*s)
                s++;
            continue;
        }
        *d++ = *s++;
    }
    *d = '\0';
    ck_assert_str_eq(r.out, p.out);
    tu_result_free(&r);
    tu_result_free(&p);
}
END_TEST

START_TEST(colour_on_a_terminal)
{
    const char *check[] = {"check", S_MODEL, NULL};
    const char *term[] = {"TERM=xterm", "NO_COLOR", NULL};
    tu_result r = S_run_on_tty(term, check);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "\033[1;31mcritical\033[0m: "));
    tu_result_free(&r);
    /* NO_COLOR (not empty) and TERM=dumb turn auto off; an empty NO_COLOR does not. */
    const char *no[] = {"TERM=xterm", "NO_COLOR=1", NULL};
    r = S_run_on_tty(no, check);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "critical: "));
    ck_assert_ptr_null(strchr(r.out, '\033'));
    tu_result_free(&r);
    const char *empty[] = {"TERM=xterm", "NO_COLOR=", NULL};
    r = S_run_on_tty(empty, check);
    ck_assert_ptr_nonnull(strchr(r.out, '\033'));
    tu_result_free(&r);
    const char *dumb[] = {"TERM=dumb", "NO_COLOR", NULL};
    r = S_run_on_tty(dumb, check);
    ck_assert_ptr_null(strchr(r.out, '\033'));
    tu_result_free(&r);
    const char *never[] = {"check", "--color=never", S_MODEL, NULL};
    r = S_run_on_tty(term, never);
    ck_assert_ptr_null(strchr(r.out, '\033'));
    tu_result_free(&r);
    /* Errors on a terminal are coloured too. */
    const char *bad[] = {"check", S_BAD, NULL};
    r = S_run_on_tty(term, bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.out, "\033[1;31merror:\033[0m "));
    tu_result_free(&r);
}
END_TEST

START_TEST(colour_bad_value)
{
    const char *args[] = {"check", "--color=sometimes", S_MODEL, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "stridec: --color takes auto, always or never, not 'sometimes'\n"
                            "Try 'stridec --help'.\n");
    tu_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------- verbosity */

START_TEST(quiet_summary_and_errors_only)
{
    const char *check[] = {"check", "-q", S_WARNS, NULL};
    tu_result r = tu_run(check);
    ck_assert_int_eq(r.status, 1);
    ck_assert_uint_eq(S_lines(r.out), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "tests/diff/old.yaml: "));
    ck_assert_ptr_nonnull(strstr(r.out, " threats ("));
    ck_assert_str_eq(r.err, ""); /* the warning is not shown */
    tu_result_free(&r);
    const char *loud[] = {"check", S_WARNS, NULL};
    r = tu_run(loud);
    ck_assert_ptr_nonnull(strstr(r.err, "warning: review decision"));
    ck_assert_uint_gt(S_lines(r.out), 1);
    tu_result_free(&r);
    /* Errors still show. */
    const char *bad[] = {"--quiet", "check", S_BAD, NULL};
    r = tu_run(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "error: flow 'b--ghost'"));
    tu_result_free(&r);
    const char *diff[] = {"diff", "tests/diff/old.yaml", "tests/diff/new.yaml", "--quiet", NULL};
    r = tu_run(diff);
    ck_assert_int_eq(r.status, 1);
    ck_assert_uint_eq(S_lines(r.out), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "tests/diff/old.yaml -> tests/diff/new.yaml: +"));
    ck_assert_str_eq(r.err, "");
    tu_result_free(&r);
    char *dir = tu_tmpdir();
    const char *report[] = {"report", "-q", "models/minimal.yaml", "-o", dir, "-f", "json,md", NULL};
    r = tu_run(report);
    ck_assert_int_eq(r.status, 0);
    ck_assert_uint_eq(S_lines(r.out), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "wrote 2 files"));
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(verbose_shows_decided_threats_and_files)
{
    const char *check[] = {"check", "--verbose", S_MODEL, NULL};
    tu_result r = tu_run(check);
    ck_assert_int_eq(r.status, 1);
    /* The example's four review decisions, as notes with their status. */
    ck_assert_ptr_nonnull(strstr(r.out, ": note: S3-PUBLIC-ACL@web-bucket: "));
    ck_assert_ptr_nonnull(strstr(r.out, " [accepted, high: The website bucket holds only"));
    size_t notes = 0;
    for (const char *p = r.out; (p = strstr(p, ": note: ")) != NULL; p++)
        notes++;
    ck_assert_uint_eq(notes, 4);
    ck_assert_ptr_nonnull(strstr(r.out, "; 4 decided in review\n"));
    ck_assert_ptr_nonnull(strstr(r.err, "stridec: models/serverless-webapp.yaml: elements "));
    tu_result_free(&r);
    const char *normal[] = {"check", S_MODEL, NULL};
    r = tu_run(normal);
    ck_assert_ptr_null(strstr(r.out, ": note: "));
    ck_assert_str_eq(r.err, "");
    tu_result_free(&r);
    char *dir = tu_tmpdir();
    const char *report[] = {"-v", "report", "models/minimal.yaml", "-o", dir, "-f", "json,md", NULL};
    r = tu_run(report);
    ck_assert_int_eq(r.status, 0);
    char want[4200];
    snprintf(want, sizeof want, "wrote %s/threats.json\nwrote %s/report.md\n", dir, dir);
    ck_assert_ptr_nonnull(strstr(r.out, want));
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------- pipelines */

/* Every "models/serverless-webapp.yaml" in `s` replaced by "<stdin>". */
static char *S_as_stdin(const char *s, const char *file)
{
    size_t fl = strlen(file);
    char *out = malloc(strlen(s) + 1), *o = out;
    while (*s) {
        if (strncmp(s, file, fl) == 0) {
            memcpy(o, "<stdin>", 7);
            o += 7;
            s += fl;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

START_TEST(model_from_stdin)
{
    /* `check -` reads the model from standard input: the same findings as
     * the file, named <stdin>; artifact paths resolve from the current
     * folder, so run it where the model's own folder is. */
    char *text = tu_slurp(tu_path(S_MODEL), NULL);
    const char *file[] = {"check", "serverless-webapp.yaml", NULL};
    const char *pipe[] = {"check", "-", NULL};
    char models[4200];
    snprintf(models, sizeof models, "%s", tu_path("models"));
    tu_result f = tu_run_with(NULL, NULL, models, file);
    tu_result p = tu_run_with(text, NULL, models, pipe);
    ck_assert_int_eq(f.status, 1);
    ck_assert_int_eq(p.status, 1);
    char *want = S_as_stdin(f.out, "serverless-webapp.yaml");
    ck_assert_str_eq(p.out, want);
    ck_assert_str_eq(p.err, f.err);
    ck_assert_ptr_nonnull(strstr(p.out, "<stdin>:731:5: critical: CICD-SECRET-CLOUD-KEY@jenkinsfile: "));
    free(want);
    tu_result_free(&f);
    tu_result_free(&p);
    /* From the source tree's top, the same relative artifact paths name
     * nothing: the files are reported missing, not read from elsewhere. */
    p = tu_run_with(text, NULL, NULL, pipe);
    ck_assert_ptr_nonnull(strstr(p.err, "<stdin>:731:65: warning: artifact path 'serverless-webapp/Jenkinsfile' does not exist"));
    ck_assert_ptr_nonnull(strstr(p.out, "CICD-ARTIFACT-UNSCANNED@jenkinsfile"));
    tu_result_free(&p);
    free(text);
}
END_TEST

START_TEST(bad_model_from_stdin)
{
    char *text = tu_slurp(tu_path(S_BAD), NULL);
    const char *args[] = {"check", "-", NULL};
    tu_result r = tu_run_with(text, NULL, NULL, args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "<stdin>:8:19: error: flow 'b--ghost' goes to 'ghost', which is not an element\n"
                            "    - {from: b, to: ghost}\n"
                            "                    ^\n");
    tu_result_free(&r);
    /* Empty input is an empty model, not a hang or a crash. */
    r = tu_run_with("", NULL, NULL, args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "<stdin>"));
    tu_result_free(&r);
    /* Standard input can be read once. */
    const char *twice[] = {"diff", "-", "-", NULL};
    r = tu_run_with(text, NULL, NULL, twice);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stridec: diff: standard input ('-') can be read only once\n"
                            "Try 'stridec diff --help'.\n");
    tu_result_free(&r);
    free(text);
}
END_TEST

START_TEST(import_pipe_check)
{
    /* stridec import template.yaml | stridec check - */
    const char *imp[] = {"import", "tests/import/cloudformation/cfn-functions.yaml", NULL};
    tu_result i = tu_run(imp);
    ck_assert_int_eq(i.status, 0);
    ck_assert_ptr_nonnull(strstr(i.out, "stridec: 1\n"));
    ck_assert_ptr_null(strstr(i.out, "imported")); /* the summary goes to stderr */
    ck_assert_ptr_nonnull(strstr(i.err, "stridec: imported tests/import/cloudformation/cfn-functions.yaml"));
    const char *chk[] = {"check", "-", NULL};
    tu_result c = tu_run_with(i.out, NULL, NULL, chk);
    ck_assert_msg(c.status == 0 || c.status == 1, "check -: %d\n%s", c.status, c.err);
    ck_assert_str_eq(c.err, "");
    ck_assert_ptr_nonnull(strstr(c.out, "\n<stdin>: "));
    /* The template is an artifact of the model, found from the current
     * folder, and scanned (the fixture holds a committed secret). */
    ck_assert_ptr_nonnull(strstr(c.out, "CICD-SECRET-IN-ARTIFACT@cfn-functions-yaml"));
    tu_result_free(&c);
    /* import - reads the template from standard input too. */
    char *tpl = tu_slurp(tu_path("tests/import/cloudformation/cfn-functions.yaml"), NULL);
    const char *imp2[] = {"import", "-", NULL};
    tu_result j = tu_run_with(tpl, NULL, NULL, imp2);
    ck_assert_int_eq(j.status, 0);
    ck_assert_ptr_nonnull(strstr(j.err, "<stdin>:222:3: warning: resource 'Vpc'"));
    ck_assert_ptr_nonnull(strstr(j.err, "stridec: imported <stdin> (cloudformation)"));
    ck_assert_ptr_null(strstr(j.out, "deployment-script")); /* standard input is no artifact */
    tu_result_free(&j);
    free(tpl);
    tu_result_free(&i);
}
END_TEST

/* ------------------------------------------------------ editor schema */

/* The "$id" of a shipped schema (malloc'd). */
static char *S_schema_id(const char *rel)
{
    size_t len = 0;
    char *text = tu_slurp(tu_path(rel), &len);
    ck_assert_ptr_nonnull(text);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_json(a, rel, text, len, NULL, d);
    ck_assert_ptr_nonnull(root);
    const tm_node *id = tm_node_get(root, "$id");
    ck_assert_ptr_nonnull(id);
    char *out = strdup(id->text);
    tm_diags_free(d);
    tm_arena_free(a);
    free(text);
    return out;
}

START_TEST(schema_ids_are_urls)
{
    /* Each JSON Schema's $id is an https URL that ends in its own path in
     * the repository, so an editor or a team can use it as $schema=. */
    const char *rels[] = {"share/stridec/schema/stridec-model.schema.json",
                          "share/stridec/schema/threats.schema.json"};
    for (size_t i = 0; i < 2; i++) {
        char *id = S_schema_id(rels[i]);
        ck_assert_msg(strncmp(id, "https://", 8) == 0, "%s: $id %s is not an https URL", rels[i], id);
        size_t il = strlen(id), rl = strlen(rels[i]);
        ck_assert_msg(il > rl && strcmp(id + il - rl, rels[i]) == 0 && id[il - rl - 1] == '/',
                      "%s: $id %s does not end in /%s", rels[i], id, rels[i]);
        ck_assert_ptr_null(strpbrk(id, " \"<>\\^`{|}"));
        free(id);
    }
}
END_TEST

START_TEST(init_modeline_without_schema_file)
{
    /* A binary with no schema next to it (copied alone into a folder)
     * points editors at the schema's $id. */
    char *dir = tu_tmpdir();
    char cmd[8192], bin[4200];
    snprintf(bin, sizeof bin, "%s/bin/stridec", dir);
    const char *src = getenv("STRIDEC_BIN") ? getenv("STRIDEC_BIN") : "./stridec";
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/bin' && cp '%s' '%s'", dir, src, bin);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' init", bin);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char line[4096] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
    pclose(p);
    char *id = S_schema_id("share/stridec/schema/stridec-model.schema.json");
    char want[4200];
    snprintf(want, sizeof want, "# yaml-language-server: $schema=%s\n", id);
    ck_assert_str_eq(line, want);
    free(id);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_conventions(void)
{
    Suite *s = suite_create("conventions");
    TCase *tc = tcase_create("colour");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, no_colour_in_a_pipe);
    tcase_add_test(tc, colour_always);
    tcase_add_test(tc, colour_on_a_terminal);
    tcase_add_test(tc, colour_bad_value);
    suite_add_tcase(s, tc);
    tc = tcase_create("verbosity");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, quiet_summary_and_errors_only);
    tcase_add_test(tc, verbose_shows_decided_threats_and_files);
    suite_add_tcase(s, tc);
    tc = tcase_create("pipelines");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, model_from_stdin);
    tcase_add_test(tc, bad_model_from_stdin);
    tcase_add_test(tc, import_pipe_check);
    suite_add_tcase(s, tc);
    tc = tcase_create("schema");
    tcase_add_test(tc, schema_ids_are_urls);
    tcase_add_test(tc, init_modeline_without_schema_file);
    suite_add_tcase(s, tc);
    return s;
}
