/*
 * The CI integrations: the composite GitHub Action
 * (share/github-action/action.yml) and the pre-commit hook
 * (.pre-commit-hooks.yaml), run on this machine as GitHub and pre-commit
 * would run them.
 *
 * The action's shell steps run in order with bash -eo pipefail, in a
 * workspace holding two models, with the environment a runner gives
 * (GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY, RUNNER_TEMP) and their
 * ${{ }} expressions expanded from the inputs, the action's path, the runner's
 * temporary folder and earlier steps' outputs; any other expression fails
 * the test, as does a ${{ }} inside a script (an injection risk). The
 * upload step (another action) is checked, not run: it must upload the
 * SARIF log the check step wrote, which must be valid SARIF with a run per
 * model.
 */
#define _DEFAULT_SOURCE
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jsonschema.h"
#include "stridec/doc.h"
#include "testutil.h"

typedef struct {
    tm_arena *arena;
    tm_diags *diags;
    const tm_node *action;
    char *ws, *temp;          /* workspace, runner temp */
    const char *inputs[8][2]; /* name, value given by the "workflow" */
    size_t n_inputs;
    tm_buf outputs;           /* "STEP-ID.NAME=VALUE\n" of the steps run */
    char path[8192];          /* PATH: GITHUB_PATH entries, then the system's */
} S_runner;

static const char *S_str(const tm_node *map, const char *key)
{
    const tm_node *v = map ? tm_node_get(map, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR ? v->text : NULL;
}

static const tm_node *S_read_yaml(S_runner *r, const char *rel)
{
    size_t len = 0;
    char *text = tu_slurp(tu_path(rel), &len);
    ck_assert_msg(text != NULL, "%s is missing", rel);
    const tm_node *n = tm_read_yaml(r->arena, rel, text, len, NULL, r->diags);
    ck_assert_msg(n != NULL, "%s is not YAML", rel);
    free(text);
    return n;
}

static void S_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static char *S_file(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *t = tu_slurp(path, NULL);
    return t ? t : strdup("");
}

/* The value of input `name`: the workflow's, else the action's default. */
static const char *S_input(const S_runner *r, const char *name)
{
    for (size_t i = 0; i < r->n_inputs; i++)
        if (strcmp(r->inputs[i][0], name) == 0)
            return r->inputs[i][1];
    const tm_node *in = tm_node_get(tm_node_get(r->action, "inputs"), name);
    ck_assert_msg(in != NULL, "the action has no input '%s'", name);
    const char *def = S_str(in, "default");
    return def ? def : "";
}

/* An earlier step's output ("" when it set none). */
static char *S_output(const S_runner *r, const char *step, const char *name)
{
    char key[512];
    snprintf(key, sizeof key, "%s.%s=", step, name);
    const char *all = r->outputs.data ? r->outputs.data : "", *at = NULL;
    for (const char *p = all; (p = strstr(p, key)) != NULL; p++)
        if (p == all || p[-1] == '\n')
            at = p; /* the last one wins, as on a runner */
    if (!at)
        return strdup("");
    at += strlen(key);
    return strndup(at, strcspn(at, "\n"));
}

/* A value with its ${{ }} expressions expanded; malloc'd. */
static char *S_expand(const S_runner *r, const char *v)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    for (const char *p = v; *p;) {
        const char *open = strstr(p, "${{");
        if (!open) {
            tm_buf_puts(&b, p);
            break;
        }
        tm_buf_put(&b, p, (size_t)(open - p));
        const char *close = strstr(open, "}}");
        ck_assert_msg(close != NULL, "unterminated expression in '%s'", v);
        char expr[512];
        const char *s = open + 3, *e = close;
        while (*s == ' ')
            s++;
        while (e > s && e[-1] == ' ')
            e--;
        snprintf(expr, sizeof expr, "%.*s", (int)(e - s), s);
        char step[128], name[128];
        if (strncmp(expr, "inputs.", 7) == 0) {
            tm_buf_puts(&b, S_input(r, expr + 7));
        } else if (strcmp(expr, "github.action_path") == 0) {
            tm_buf_puts(&b, tu_path("share/github-action"));
        } else if (strcmp(expr, "runner.temp") == 0) {
            tm_buf_puts(&b, r->temp);
        } else if (sscanf(expr, "steps.%127[^.].outputs.%127s", step, name) == 2) {
            char *o = S_output(r, step, name);
            tm_buf_puts(&b, o);
            free(o);
        } else {
            ck_abort_msg("the action uses an expression this test does not know: %s", expr);
        }
        p = close + 2;
    }
    char *out = strdup(b.data ? b.data : "");
    tm_buf_free(&b);
    return out;
}

/* Run one `run:` step as a runner does (bash -eo pipefail); its status.
 * Its outputs are recorded under its id; GITHUB_PATH entries go first on
 * PATH for the steps after it. */
static int S_run_step(S_runner *r, const tm_node *step, char **log)
{
    const char *script = S_str(step, "run"), *id = S_str(step, "id");
    ck_assert_msg(strcmp(S_str(step, "shell") ? S_str(step, "shell") : "", "bash") == 0,
                  "step '%s' does not say shell: bash", S_str(step, "name"));
    ck_assert_msg(!strstr(script, "${{"), "step '%s' expands an expression inside its script",
                  S_str(step, "name"));
    char sh[4200], out[4200], ghpath[4200], summary[4200];
    snprintf(sh, sizeof sh, "%s/step.sh", r->temp);
    snprintf(out, sizeof out, "%s/github_output", r->temp);
    snprintf(ghpath, sizeof ghpath, "%s/github_path", r->temp);
    snprintf(summary, sizeof summary, "%s/summary.md", r->temp);
    S_write(sh, script);
    S_write(out, "");
    char logpath[4200];
    snprintf(logpath, sizeof logpath, "%s/step.log", r->temp);
    const tm_node *env = tm_node_get(step, "env");
    char **values = calloc(env ? env->n + 1 : 1, sizeof *values);
    for (size_t i = 0; env && i < env->n; i++)
        values[i] = S_expand(r, env->pairs[i].value->text);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(r->ws) != 0)
            _exit(127);
        clearenv();
        setenv("PATH", r->path, 1);
        setenv("HOME", r->temp, 1);
        setenv("LC_ALL", "C", 1);
        setenv("GITHUB_OUTPUT", out, 1);
        setenv("GITHUB_PATH", ghpath, 1);
        setenv("GITHUB_STEP_SUMMARY", summary, 1);
        setenv("GITHUB_WORKSPACE", r->ws, 1);
        setenv("GITHUB_ACTION_PATH", tu_path("share/github-action"), 1);
        setenv("RUNNER_TEMP", r->temp, 1);
        /* This build, not a new one (the suite may be an ASan build). */
        const char *vars = getenv("STRIDEC_MAKE_VARS");
        if (vars)
            setenv("MAKEFLAGS", vars, 1);
        for (size_t i = 0; env && i < env->n; i++)
            setenv(env->pairs[i].key, values[i], 1);
        FILE *l = freopen(logpath, "w", stdout);
        if (!l || dup2(1, 2) < 0)
            _exit(127);
        execl("/bin/bash", "bash", "--noprofile", "--norc", "-eo", "pipefail", sh, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    for (size_t i = 0; env && i < env->n; i++)
        free(values[i]);
    free(values);
    *log = tu_slurp(logpath, NULL);
    char *o = tu_slurp(out, NULL);
    for (char *line = strtok(o, "\n"); line && id; line = strtok(NULL, "\n"))
        tm_buf_printf(&r->outputs, "%s.%s\n", id, line);
    free(o);
    char *p = tu_slurp(ghpath, NULL);
    if (p && *p) {
        char rest[8192];
        snprintf(rest, sizeof rest, "%.*s:/usr/local/bin:/usr/bin:/bin", (int)strcspn(p, "\n"), p);
        snprintf(r->path, sizeof r->path, "%s", rest);
    }
    free(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static const tm_node *S_steps(const S_runner *r)
{
    const tm_node *runs = tm_node_get(r->action, "runs");
    ck_assert_str_eq(S_str(runs, "using"), "composite");
    return tm_node_get(runs, "steps");
}

/* Run every step but the install (done once) and the upload (checked). */
static int S_run_action(S_runner *r, int install, char **gate_log)
{
    const tm_node *steps = S_steps(r);
    int status = 0;
    *gate_log = NULL;
    tm_buf_reset(&r->outputs);
    for (size_t i = 0; i < steps->n; i++) {
        const tm_node *step = steps->items[i];
        const char *uses = S_str(step, "uses"), *name = S_str(step, "name");
        if (uses) {
            ck_assert_msg(strncmp(uses, "github/codeql-action/upload-sarif@", 34) == 0, "uses %s", uses);
            const char *file = S_str(tm_node_get(step, "with"), "sarif_file");
            ck_assert_str_eq(file, "${{ steps.check.outputs.sarif-file }}");
            ck_assert_ptr_nonnull(strstr(S_str(step, "if"), "inputs.upload == 'true'"));
            continue;
        }
        if (strncmp(name, "Install", 7) == 0 && !install)
            continue;
        char *log = NULL;
        status = S_run_step(r, step, &log);
        int last = i + 1 == steps->n;
        if (!last)
            ck_assert_msg(status == 0, "step '%s' failed (%d):\n%s", name, status, log);
        if (last)
            *gate_log = log;
        else
            free(log);
    }
    return status;
}

static void S_copy(const char *from_rel, const char *to)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -R '%s' '%s'", to, tu_path(from_rel), to);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(github_action_steps)
{
    S_runner r;
    memset(&r, 0, sizeof r);
    r.arena = tm_arena_new();
    r.diags = tm_diags_new();
    tm_buf_init(&r.outputs, 0);
    r.action = S_read_yaml(&r, "share/github-action/action.yml");
    r.ws = tu_tmpdir();
    r.temp = tu_tmpdir();
    snprintf(r.path, sizeof r.path, "/usr/local/bin:/usr/bin:/bin");
    /* Two services' models in the workspace. */
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/shop", r.ws);
    S_copy("tests/watch/project/.", dir);
    snprintf(dir, sizeof dir, "%s/shop/model.yaml", r.ws);
    char to[4200];
    snprintf(to, sizeof to, "%s/shop/threat-model.yaml", r.ws);
    ck_assert_int_eq(rename(dir, to), 0);
    snprintf(dir, sizeof dir, "%s/photos", r.ws);
    S_copy("models/minimal.yaml", dir);
    snprintf(dir, sizeof dir, "%s/photos/minimal.yaml", r.ws);
    snprintf(to, sizeof to, "%s/photos/threat-model.yaml", r.ws);
    ck_assert_int_eq(rename(dir, to), 0);

    /* Both models (a path and a glob, on two lines), the default fail-on. */
    r.inputs[0][0] = "models";
    r.inputs[0][1] = "shop/threat-model.yaml\n**/photos/*.yaml";
    r.n_inputs = 1;
    char *gate;
    int status = S_run_action(&r, 1, &gate);
    char installed[4200];
    snprintf(installed, sizeof installed, "%s/stridec/bin/stridec", r.temp);
    ck_assert_msg(access(installed, X_OK) == 0, "the install step installed no %s", installed);
    ck_assert_msg(strncmp(r.path, r.temp, strlen(r.temp)) == 0, "GITHUB_PATH was not set: %s", r.path);
    char *st = S_output(&r, "check", "status"), *sarif = S_output(&r, "check", "sarif-file");
    ck_assert_str_eq(st, "1");
    ck_assert_str_eq(sarif, "threats.sarif");
    ck_assert_int_eq(status, 1);
    ck_assert_msg(strstr(gate, "::error::stridec: open threats at or above high") != NULL, "%s", gate);
    char *summary = S_file(r.temp, "summary.md");
    ck_assert_msg(strstr(summary, "shop/threat-model.yaml: 26 threats (") &&
                      strstr(summary, "photos/threat-model.yaml: 53 threats ("),
                  "%s", summary);
    free(summary);
    /* The SARIF log: valid, one run per model. */
    char *log = S_file(r.ws, "threats.sarif");
    const tm_node *doc = tm_read_json(r.arena, "threats.sarif", log, strlen(log), NULL, r.diags);
    ck_assert_ptr_nonnull(doc);
    char *schema_text = tu_slurp(tu_path("tests/sarif/sarif-schema-2.1.0.json"), NULL);
    const tm_node *schema = tm_read_json(r.arena, "schema", schema_text, strlen(schema_text), NULL, r.diags);
    tm_buf errors;
    tm_buf_init(&errors, 0);
    ck_assert_msg(tu_schema_validate(schema, doc, &errors) == 0, "%s", errors.data);
    tm_buf_free(&errors);
    const tm_node *runs = tm_node_get(doc, "runs");
    ck_assert_uint_eq(runs->n, 2);
    ck_assert_str_eq(S_str(tm_node_get(runs->items[0], "automationDetails"), "id"),
                     "stridec/shop/threat-model.yaml/");
    ck_assert_str_eq(S_str(tm_node_get(runs->items[1], "automationDetails"), "id"),
                     "stridec/photos/threat-model.yaml/");
    free(log);
    free(schema_text);
    free(st);
    free(sarif);
    free(gate);

    /* One model with the team's rules, fail-on critical: it has none, so
     * the job passes. */
    r.inputs[0][1] = "shop/threat-model.yaml";
    r.inputs[1][0] = "fail-on";
    r.inputs[1][1] = "critical";
    r.inputs[2][0] = "args";
    r.inputs[2][1] = "--rules shop/team-rules.yaml";
    r.n_inputs = 3;
    status = S_run_action(&r, 0, &gate);
    ck_assert_msg(status == 0, "%s", gate);
    ck_assert_ptr_nonnull(strstr(gate, "stridec: no open threat at or above critical"));
    free(gate);
    summary = S_file(r.temp, "summary.md");
    ck_assert_msg(strstr(summary, "shop/threat-model.yaml: 27 threats (0 critical"), "%s", summary);
    free(summary);
    log = S_file(r.ws, "threats.sarif");
    ck_assert_ptr_nonnull(strstr(log, "\"ruleId\": \"TEAM-API-REVIEW\""));
    free(log);

    /* A pattern that matches nothing: status 2, no SARIF, the job fails. */
    r.inputs[0][1] = "nowhere/*.yaml";
    status = S_run_action(&r, 0, &gate);
    ck_assert_int_eq(status, 2);
    sarif = S_output(&r, "check", "sarif-file");
    ck_assert_str_eq(sarif, "");
    free(sarif);
    free(gate);

    tu_rmtree(r.ws);
    tu_rmtree(r.temp);
    free(r.ws);
    free(r.temp);
    tm_buf_free(&r.outputs);
    tm_diags_free(r.diags);
    tm_arena_free(r.arena);
}
END_TEST

START_TEST(pre_commit_hook)
{
    S_runner r;
    memset(&r, 0, sizeof r);
    r.arena = tm_arena_new();
    r.diags = tm_diags_new();
    const tm_node *hooks = S_read_yaml(&r, ".pre-commit-hooks.yaml");
    ck_assert(hooks->kind == TM_NODE_LIST && hooks->n == 1);
    const tm_node *h = hooks->items[0];
    ck_assert_str_eq(S_str(h, "id"), "stridec-check");
    ck_assert_str_eq(S_str(h, "language"), "system");
    ck_assert_str_eq(S_str(h, "entry"), "stridec check");
    /* The files it picks (pre-commit matches `files` with re.search). */
    regex_t re;
    ck_assert_int_eq(regcomp(&re, S_str(h, "files"), REG_EXTENDED | REG_NOSUB), 0);
    const char *yes[] = {"threat-model.yaml", "svc/api/threat-model.yml", "threat-model.json", "a/threat-model.xml"};
    const char *no[] = {"README.md", "template.yaml", "threat-model.yaml.bak", "my-threat-model.yaml"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_msg(regexec(&re, yes[i], 0, NULL, 0) == 0, "the hook skips %s", yes[i]);
        ck_assert_msg(regexec(&re, no[i], 0, NULL, 0) != 0, "the hook picks %s", no[i]);
    }
    regfree(&re);
    /* Run as pre-commit does: entry, the hook's args, the files. */
    char *dir = tu_tmpdir();
    char cmd[16384];
    const char *bin = getenv("STRIDEC_BIN") ? getenv("STRIDEC_BIN") : "./stridec";
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/bin' && ln -s '%s' '%s/bin/stridec' && cp -R '%s/.' '%s/' && mv '%s/model.yaml' "
             "'%s/threat-model.yaml'",
             dir, bin, dir, tu_path("tests/watch/project"), dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    const char *args[] = {"", " --fail-on critical"};
    int want[] = {1, 0};
    for (size_t i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "cd '%s' && PATH='%s/bin:/usr/bin:/bin' %s%s threat-model.yaml > out.txt 2>&1",
                 dir, dir, S_str(h, "entry"), args[i]);
        int st = system(cmd);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == want[i], "hook%s: status %d", args[i], st);
    }
    tu_rmtree(dir);
    free(dir);
    tm_diags_free(r.diags);
    tm_arena_free(r.arena);
}
END_TEST

Suite *suite_action(void)
{
    Suite *s = suite_create("action");
    TCase *tc = tcase_create("action");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, github_action_steps);
    tcase_add_test(tc, pre_commit_hook);
    suite_add_tcase(s, tc);
    return s;
}
