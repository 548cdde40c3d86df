/*
 * stridec diff: exact outputs on the fixtures in tests/diff/ (old.yaml ->
 * new.yaml touches every kind of item), no differences across syntaxes and
 * orderings, the exit statuses and --fail-on gate, bad input and usage, an
 * output error, the library's symmetry, and the diff fuzz corpus replayed
 * with the fuzz target's checks (tests/fuzz/fuzz_diff_check.h).
 *
 * The golden outputs run with `--share tests/diff/share` (a small fixed rule
 * set), so they change only when diff does. After an intended change:
 *   stridec diff --share tests/diff/share tests/diff/old.yaml tests/diff/new.yaml > tests/diff/old-new.txt
 *   (and --format json > tests/diff/old-new.json, with "stridec": "VERSION").
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../fuzz/fuzz_diff_check.h"
#include "testutil.h"

#define SHARE "--share", "tests/diff/share"

static void S_expect_file(const char *got, const char *golden)
{
    size_t len = 0;
    char *want = tu_slurp(tu_path(golden), &len);
    ck_assert_msg(want != NULL, "missing %s", golden);
    ck_assert_msg(strcmp(got, want) == 0, "output differs from %s; got:\n%s", golden, got);
    free(want);
}

/* ------------------------------------------------------ no differences */

static void S_no_diff(const char *a, const char *b, int share)
{
    const char *with[] = {"diff", SHARE, a, b, NULL};
    const char *without[] = {"diff", a, b, NULL};
    tu_result r = tu_run(share ? with : without);
    char want[512];
    snprintf(want, sizeof want, "%s -> %s: no differences\n", a, b);
    ck_assert_msg(r.status == 0, "%s vs %s: status %d\n%s%s", a, b, r.status, r.out, r.err);
    ck_assert_str_eq(r.out, want);
    ck_assert_str_eq(r.err, "");
    tu_result_free(&r);
}

START_TEST(identical_models)
{
    S_no_diff("tests/diff/old.yaml", "tests/diff/old.yaml", 1);
    S_no_diff("models/minimal.yaml", "models/minimal.yaml", 0);
}
END_TEST

START_TEST(same_model_other_syntax)
{
    S_no_diff("tests/diff/old.yaml", "tests/diff/old.json", 1);
    S_no_diff("models/minimal.yaml", "models/minimal.json", 0);
    S_no_diff("models/minimal.json", "models/minimal.xml", 0);
    S_no_diff("models/serverless-webapp.yaml", "models/serverless-webapp.xml", 0);
}
END_TEST

START_TEST(reordering_is_no_difference)
{
    /* Lists, props and system keys in another order: items match by id. */
    S_no_diff("tests/diff/old.yaml", "tests/diff/reordered.yaml", 1);
}
END_TEST

/* ------------------------------------------------------- exact outputs */

START_TEST(every_kind_of_change_text)
{
    const char *args[] = {"diff", SHARE, "tests/diff/old.yaml", "tests/diff/new.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "");
    S_expect_file(r.out, "tests/diff/old-new.txt");
    /* What the golden file pins, spelled out for a reader. */
    ck_assert_ptr_nonnull(strstr(r.out, "tests/diff/new.yaml:16:5: added: element payment-fn (aws.lambda)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "tests/diff/old.yaml:16:5: removed: element legacy-bucket (aws.s3)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: element orders-fn: boundary: \"aws\" -> \"vpc\"\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: element customer: type: \"user\" -> \"browser\"\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: element api: props.authorizer: \"cognito\" -> \"none\"\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: flow store: encrypted: true -> false\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: flow store: data: [\"order\"] -> [\"order\",\"card\"]\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "tests/diff/new.yaml:10:5: added: boundary vpc (vpc)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: identity orders-role: statements[0].actions:"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: artifact sdk: version: \"3.0.0\" -> \"3.1.0\"\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed: data order: classification: \"internal\" -> \"confidential\"\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "new threat: high: DT-IAM-WILDCARD@orders-role: orders-role allows whole services\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "tests/diff/old.yaml:28:5: gone threat: low: DT-LIB-OLD@sdk: aws-sdk is an old version\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed threat: DT-PROC-INFO@orders-fn: severity: \"medium\" -> \"high\"\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "changed threat: DT-EXT-REPUDIATE@customer: status: \"accepted\" -> \"in-progress\"\n"));
    ck_assert_ptr_nonnull(strstr(r.out,
        "tests/diff/old.yaml -> tests/diff/new.yaml: +5 threats (4 high, 1 medium), -4 threats (2 medium, 2 low), "
        "4 changed (3 severity raised, 1 status changed, 1 title changed); model: 6 added, 3 removed, 10 changed\n"));
    tu_result_free(&r);
}
END_TEST

START_TEST(every_kind_of_change_json)
{
    const char *args[] = {"diff", SHARE, "--format", "json", "tests/diff/old.yaml", "tests/diff/new.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "");
    /* The version is the build's: the golden file says VERSION. */
    char want_version[128];
    snprintf(want_version, sizeof want_version, "  \"stridec\": \"%s\",\n", STRIDEC_VERSION);
    char *at = strstr(r.out, want_version);
    ck_assert_ptr_nonnull(at);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_put(&b, r.out, (size_t)(at - r.out));
    tm_buf_puts(&b, "  \"stridec\": \"VERSION\",\n");
    tm_buf_puts(&b, at + strlen(want_version));
    S_expect_file(b.data, "tests/diff/old-new.json");
    tm_buf_free(&b);
    /* It reads back as JSON. */
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_json(a, "diff.json", r.out, strlen(r.out), NULL, d);
    ck_assert_ptr_nonnull(root);
    ck_assert_ptr_nonnull(tm_node_get(root, "summary"));
    tm_diags_free(d);
    tm_arena_free(a);
    tu_result_free(&r);
}
END_TEST

START_TEST(same_input_same_bytes)
{
    const char *args[] = {"diff", "models/minimal.yaml", "tests/diff/old.yaml", "--format", "json", NULL};
    tu_result r1 = tu_run(args), r2 = tu_run(args);
    ck_assert_int_eq(r1.status, 1);
    ck_assert_str_eq(r1.out, r2.out);
    tu_result_free(&r1);
    tu_result_free(&r2);
}
END_TEST

/* With the built-in rules: the lines and the summary, not every threat. */
START_TEST(builtin_rules)
{
    const char *args[] = {"diff", "models/minimal.yaml", "tests/diff/minimal-fixed.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out,
        "tests/diff/minimal-fixed.yaml:14:5: changed: element photos: props.public_read: true -> false\n"));
    ck_assert_ptr_nonnull(strstr(r.out,
        "models/minimal.yaml:14:5: gone threat: high: S3-PUBLIC-ACL@photos: photos is publicly readable\n"));
    ck_assert_ptr_nonnull(strstr(r.out,
        "models/minimal.yaml:14:5: gone threat: critical: S3-SENSITIVE-PUBLIC@photos: Public bucket photos holds confidential data\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "\nmodels/minimal.yaml -> tests/diff/minimal-fixed.yaml: +0 threats, -"));
    ck_assert_ptr_null(strstr(r.out, "new threat:"));
    tu_result_free(&r);
    /* Fixing things introduces nothing: the gate passes. */
    const char *gate[] = {"diff", "--fail-on", "low", "models/minimal.yaml", "tests/diff/minimal-fixed.yaml", NULL};
    r = tu_run(gate);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "; 0 introduced at or above low\n"));
    tu_result_free(&r);
    /* The other way round it brings them back. */
    const char *back[] = {"diff", "--fail-on=critical", "tests/diff/minimal-fixed.yaml", "models/minimal.yaml", NULL};
    r = tu_run(back);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "new threat: critical: S3-SENSITIVE-PUBLIC@photos:"));
    ck_assert_ptr_nonnull(strstr(r.out, "; 2 introduced at or above critical\n"));
    tu_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------ the gate */

START_TEST(fail_on_gate)
{
    /* Only gone threats: differences (1), but nothing introduced (0). */
    const char *fixed[] = {"diff", SHARE, "tests/diff/old.yaml", "tests/diff/fixed.yaml", NULL};
    tu_result r = tu_run(fixed);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out,
        "tests/diff/fixed.yaml:15:5: changed: element legacy-bucket: props.versioning: (absent) -> true\n"
        "tests/diff/fixed.yaml:20:5: changed: flow orders-fn--legacy-bucket: encrypted: (absent) -> true\n"
        "tests/diff/old.yaml:21:5: gone threat: medium: DT-FLOW-PLAIN@orders-fn--legacy-bucket: "
        "orders-fn--legacy-bucket from orders-fn to legacy-bucket is not encrypted\n"
        "tests/diff/old.yaml -> tests/diff/fixed.yaml: +0 threats, -1 threat (1 medium), 0 changed; "
        "model: 0 added, 0 removed, 2 changed\n");
    tu_result_free(&r);
    const char *fixed_gate[] = {"diff", SHARE, "--fail-on", "low", "tests/diff/old.yaml", "tests/diff/fixed.yaml", NULL};
    r = tu_run(fixed_gate);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "model: 0 added, 0 removed, 2 changed; 0 introduced at or above low\n"));
    tu_result_free(&r);

    /* A review decision dropped: the threat reopens (medium), which the
     * gate counts at medium and below, not above. */
    const char *reopen[] = {"diff", SHARE, "--fail-on", "medium", "tests/diff/old.yaml", "tests/diff/reopened.yaml", NULL};
    r = tu_run(reopen);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out,
        "tests/diff/old.yaml:33:5: removed: decision DT-EXT-REPUDIATE@customer (accepted)\n"
        "tests/diff/reopened.yaml:11:5: changed threat: DT-EXT-REPUDIATE@customer: status: \"accepted\" -> \"open\"\n"
        "tests/diff/old.yaml -> tests/diff/reopened.yaml: +0 threats, -0 threats, 1 changed (1 status changed); "
        "model: 0 added, 1 removed, 0 changed; 1 introduced at or above medium\n");
    tu_result_free(&r);
    const char *reopen_high[] = {"diff", SHARE, "--fail-on", "high", "tests/diff/old.yaml", "tests/diff/reopened.yaml", NULL};
    r = tu_run(reopen_high);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);

    /* old -> new brings new high threats: caught at high, not at critical. */
    const char *high[] = {"diff", SHARE, "--fail-on", "high", "tests/diff/old.yaml", "tests/diff/new.yaml", NULL};
    r = tu_run(high);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "; 6 introduced at or above high\n"));
    tu_result_free(&r);
    const char *crit[] = {"diff", SHARE, "--fail-on", "critical", "tests/diff/old.yaml", "tests/diff/new.yaml", NULL};
    r = tu_run(crit);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);

    /* JSON says which threats the gate counted. */
    const char *json[] = {"diff", SHARE, "-f", "json", "--fail-on", "medium", "tests/diff/old.yaml", "tests/diff/reopened.yaml", NULL};
    r = tu_run(json);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "\"introduced\": true"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"gate\": {\n      \"fail_on\": \"medium\",\n      \"introduced\": 1\n    }"));
    tu_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------ bad input */

START_TEST(bad_models)
{
    const char *args[] = {"diff", "tests/diff/bad.yaml", "tests/diff/dangling.yaml", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    /* Both files' errors, each at its place. */
    ck_assert_ptr_nonnull(strstr(r.err, "tests/diff/bad.yaml:5:1: error: YAML syntax error"));
    ck_assert_ptr_nonnull(strstr(r.err,
        "tests/diff/dangling.yaml:4:35: error: element 'a' is in boundary 'nowhere', which is not a boundary\n"));
    tu_result_free(&r);

    const char *one_bad[] = {"diff", "models/minimal.yaml", "tests/diff/dangling.yaml", NULL};
    r = tu_run(one_bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, "tests/diff/dangling.yaml:4:35: error:"));
    tu_result_free(&r);

    const char *missing[] = {"diff", "models/minimal.yaml", "tests/diff/no-such-model.yaml", NULL};
    r = tu_run(missing);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, "tests/diff/no-such-model.yaml"));
    tu_result_free(&r);

    const char *bad_rules[] = {"diff", "--rules", "tests/diff/bad.yaml", "models/minimal.yaml", "models/minimal.yaml", NULL};
    r = tu_run(bad_rules);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    /* Said once, not once per model. */
    const char *first = strstr(r.err, "tests/diff/bad.yaml:5:1: error:");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, "tests/diff/bad.yaml:5:1: error:"));
    tu_result_free(&r);
}
END_TEST

static void S_usage(const char *const *args, const char *want_err)
{
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, want_err);
    tu_result_free(&r);
}

START_TEST(bad_usage)
{
    const char *none[] = {"diff", NULL};
    S_usage(none, "stridec: diff: takes two models, OLD and NEW\nTry 'stridec diff --help'.\n");
    const char *one[] = {"diff", "models/minimal.yaml", NULL};
    S_usage(one, "stridec: diff: takes two models, OLD and NEW\nTry 'stridec diff --help'.\n");
    const char *three[] = {"diff", "a.yaml", "b.yaml", "c.yaml", NULL};
    S_usage(three, "stridec: diff: takes two models, OLD and NEW; 'c.yaml' is a third\n"
                   "Try 'stridec diff --help'.\n");
    const char *fmt[] = {"diff", "--format", "sarif", "a.yaml", "b.yaml", NULL};
    S_usage(fmt, "stridec: diff: --format takes text or json, not 'sarif'\nTry 'stridec diff --help'.\n");
    const char *gate[] = {"diff", "--fail-on", "none", "a.yaml", "b.yaml", NULL};
    S_usage(gate, "stridec: diff: --fail-on takes low, medium, high or critical, not 'none'\n"
                  "Try 'stridec diff --help'.\n");
    const char *opt[] = {"diff", "--colour", "a.yaml", "b.yaml", NULL};
    S_usage(opt, "stridec: diff: unknown option '--colour'\nTry 'stridec diff --help'.\n");
    const char *novalue[] = {"diff", "a.yaml", "b.yaml", "--fail-on", NULL};
    S_usage(novalue, "stridec: option --fail-on needs a value\n");

    const char *help[] = {"diff", "--help", NULL};
    tu_result r = tu_run(help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: stridec diff OLD NEW"));
    tu_result_free(&r);
}
END_TEST

/* Standard output that cannot be written: exit 3. */
START_TEST(output_error)
{
    const char *bin = getenv("STRIDEC_BIN");
    ck_assert_ptr_nonnull(bin);
    if (access("/dev/full", W_OK) != 0)
        return; /* no /dev/full here */
    pid_t pid = fork();
    if (pid == 0) {
        const char *root = getenv("STRIDEC_ROOT");
        if (root && chdir(root) != 0)
            _exit(127);
        int full = open("/dev/full", O_WRONLY);
        int null = open("/dev/null", O_WRONLY);
        dup2(full, 1);
        dup2(null, 2);
        execl(bin, bin, "diff", "models/minimal.yaml", "tests/diff/old.yaml", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 3);
}
END_TEST

/* A props map of 40,000 keys on both sides: the comparison is linear (it
 * hashes keys; a key-by-key scan took 20 s here). */
static void S_write_big(const char *path, int last)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("stridec: 1\nsystem: {name: big}\nelements:\n  - {id: a, type: aws.s3, props: {", f);
    for (int i = 0; i < 40000; i++)
        fprintf(f, "k%d: %d, ", i, i);
    fprintf(f, "last: %d}}\n", last);
    fclose(f);
}

START_TEST(large_map_is_linear)
{
    if (tu_skip_slow())
        return;
    char *dir = tu_tmpdir();
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/a.yaml", dir);
    snprintf(b, sizeof b, "%s/b.yaml", dir);
    S_write_big(a, 1);
    S_write_big(b, 2);
    const char *args[] = {"diff", a, b, NULL};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tu_result r = tu_run(args);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, ":4:5: changed: element a: props.last: 1 -> 2\n"));
    ck_assert_msg(secs < 8.0, "diff of two 40,000-key maps took %.1f s", secs);
    tu_result_free(&r);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------- the library */

static tm_analysis *S_analyse(const char *text, const tm_catalog *cat, const tm_ruleset *rs,
                              tm_arena *a, tm_model **m)
{
    tm_analysis *an = fuzz_diff_analyse("lib.yaml", text, strlen(text), cat, rs, a, m);
    ck_assert_ptr_nonnull(an);
    return an;
}

START_TEST(library_mirrors)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *cat = tm_catalog_builtin(d);
    tm_ruleset *rs = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rs, d), 0);
    tm_arena *a = tm_arena_new();
    tm_model *m1, *m2;
    tm_analysis *a1 = S_analyse(
        "stridec: 1\nsystem: {name: L}\n"
        "elements:\n  - {id: u, type: user}\n  - {id: s, type: aws.s3}\n"
        "flows:\n  - {from: u, to: s}\n",
        cat, rs, a, &m1);
    tm_analysis *a2 = S_analyse(
        "stridec: 1\nsystem: {name: L}\n"
        "elements:\n  - {id: u, type: user}\n  - {id: s, type: aws.s3, props: {versioning: true}}\n"
        "  - {id: t, type: aws.sqs}\n"
        "flows:\n  - {from: u, to: s, encrypted: true}\n",
        cat, rs, a, &m2);
    tm_diff *fwd = tm_diff_new(a1, a2), *back = tm_diff_new(a2, a1), *same = tm_diff_new(a1, a1);
    ck_assert(tm_diff_is_empty(same));
    ck_assert(!tm_diff_is_empty(fwd));
    ck_assert_uint_eq(fwd->items_by_op[TM_DIFF_ADDED], 1); /* t */
    ck_assert_uint_eq(fwd->items_by_op[TM_DIFF_CHANGED], 2); /* s, u--s */
    ck_assert_uint_eq(back->items_by_op[TM_DIFF_REMOVED], 1);
    ck_assert_uint_eq(fwd->threats_by_op[TM_DIFF_ADDED], back->threats_by_op[TM_DIFF_REMOVED]);
    ck_assert_uint_eq(fwd->threats_by_op[TM_DIFF_REMOVED], back->threats_by_op[TM_DIFF_ADDED]);
    ck_assert_str_eq(fwd->items[0].id, "t");
    ck_assert_int_eq(fwd->items[0].kind, TM_DIFF_ELEMENT);
    ck_assert_str_eq(fwd->items[1].id, "s");
    ck_assert_uint_eq(fwd->items[1].n_fields, 1);
    ck_assert_str_eq(fwd->items[1].fields[0].path, "props.versioning");
    ck_assert_ptr_null(fwd->items[1].fields[0].old_value);
    ck_assert_int_eq(fwd->items[1].fields[0].new_value->bval, 1);
    ck_assert_str_eq(fwd->items[2].id, "u--s");
    tm_diff_free(fwd);
    tm_diff_free(back);
    tm_diff_free(same);
    tm_analysis_free(a1);
    tm_analysis_free(a2);
    tm_model_free(m1);
    tm_model_free(m2);
    tm_arena_free(a);
    tm_ruleset_free(rs);
    tm_catalog_free(cat);
    tm_diags_free(d);
}
END_TEST

/* ------------------------------------------------------- fuzz corpus */


typedef struct {
    const tm_catalog *cat;
    const tm_ruleset *rs;
} S_fuzz_ctx;

static const char *S_fuzz_one(void *ud, const uint8_t *data, size_t len)
{
    const S_fuzz_ctx *c = ud;
    return fuzz_diff_one(c->cat, c->rs, data, len);
}

START_TEST(fuzz_corpus)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *cat = tm_catalog_builtin(d);
    tm_ruleset *rs = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rs, d), 0);
    /* Mutations that keep the text mostly valid: a byte flipped to another
     * model-ish character, or the text cut short. */
    S_fuzz_ctx c = {cat, rs};
    size_t files = tu_fuzz_replay("tests/fuzz/corpus/diff", S_fuzz_one, &c, tu_skip_slow() ? 3 : 25, 2,
                                  "a1:-{}[],\"tf\n ", "a1:-{}[],\"tf\n ");
    ck_assert_uint_ge(files, 5);
    tm_ruleset_free(rs);
    tm_catalog_free(cat);
    tm_diags_free(d);
}
END_TEST

Suite *suite_diff(void)
{
    Suite *s = suite_create("diff");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, identical_models);
    tcase_add_test(tc, same_model_other_syntax);
    tcase_add_test(tc, reordering_is_no_difference);
    tcase_add_test(tc, every_kind_of_change_text);
    tcase_add_test(tc, every_kind_of_change_json);
    tcase_add_test(tc, same_input_same_bytes);
    tcase_add_test(tc, builtin_rules);
    tcase_add_test(tc, fail_on_gate);
    tcase_add_test(tc, bad_models);
    tcase_add_test(tc, bad_usage);
    tcase_add_test(tc, output_error);
    tcase_add_test(tc, large_map_is_linear);
    suite_add_tcase(s, tc);
    TCase *lib = tcase_create("library");
    tcase_set_timeout(lib, 300);
    tcase_add_test(lib, library_mirrors);
    tcase_add_test(lib, fuzz_corpus);
    suite_add_tcase(s, lib);
    return s;
}
