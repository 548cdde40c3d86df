/*
 * What ships around the binary: the man pages (share/man/man1, clean under
 * groff -ww, and naming exactly the options --help names, so the two cannot
 * drift apart), the bash completion (share/bash-completion, offering what
 * the binary itself lists), and `make install` into a fresh prefix, after
 * which `man stridec`, the completion and init's schema line work from
 * there.
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static const char *const S_commands[] = {"report", "check", "import", "export",
                                         "diff",   "rules", "types",  "init"};
#define S_N_COMMANDS (sizeof S_commands / sizeof S_commands[0])

static const char *S_bin(void)
{
    const char *b = getenv("STRIDEC_BIN");
    return b ? b : "./stridec";
}

/* Run a shell command in the source tree; its standard output (malloc'd),
 * its exit status in *status. */
static char *S_sh(const char *cmd, int *status)
{
    char full[16384];
    snprintf(full, sizeof full, "cd '%s' && %s", tu_path(""), cmd);
    FILE *p = popen(full, "r");
    ck_assert_ptr_nonnull(p);
    size_t cap = 65536, len = 0, n;
    char *buf = malloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 4096)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return buf;
}

/* ------------------------------------------------------------ man pages */

/* The set of options a text names: words "--long-name" and "-x" that start
 * after a blank or punctuation (not inside "e-mail" or "x->y"). Appended to
 * `out` as " opt" each, once. */
static void S_options(const char *text, tm_buf *out)
{
    for (const char *p = text; *p; p++) {
        if (*p != '-' || (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '_')))
            continue;
        const char *q = p + 1;
        char opt[128];
        if (*q == '-' && islower((unsigned char)q[1])) {
            q++;
            while (isalnum((unsigned char)*q) || *q == '-')
                q++;
            while (q[-1] == '-')
                q--;
        } else if (isalpha((unsigned char)*q) && !isalnum((unsigned char)q[1]) && q[1] != '-') {
            q++;
        } else {
            continue;
        }
        snprintf(opt, sizeof opt, " %.*s ", (int)(q - p), p);
        if (!out->data || !strstr(out->data, opt))
            tm_buf_put(out, opt, strlen(opt) - 1);
        p = q - 1;
    }
    tm_buf_putc(out, ' ');
}

/* The options of `sub` not in `set` (both from S_options), as a list. */
static char *S_missing(const char *sub, const char *set)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    for (const char *p = sub; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, ' ');
        char opt[130];
        snprintf(opt, sizeof opt, " %.*s ", (int)(e - p), p);
        if (!strstr(set, opt))
            tm_buf_put(&b, opt, strlen(opt) - 1);
        p = e;
    }
    char *r = strdup(b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

/* A page as text, without hyphenation or line breaks inside options. */
static char *S_man_text(const char *page)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "groff -man -Tascii -P-cbou -rHY=0 -rLL=250n 'share/man/man1/%s' 2>/dev/null",
             page);
    int st;
    char *text = S_sh(cmd, &st);
    ck_assert_msg(st == 0 && *text, "groff could not render %s", page);
    return text;
}

static char *S_help(const char *cmd)
{
    char line[4200];
    snprintf(line, sizeof line, "'%s' %s --help", S_bin(), cmd ? cmd : "");
    int st;
    char *text = S_sh(line, &st);
    ck_assert_msg(st == 0, "%s --help: status %d", cmd ? cmd : "stridec", st);
    return text;
}

START_TEST(man_pages_are_clean_roff)
{
    char *list = S_sh("ls share/man/man1", NULL);
    size_t pages = 0;
    for (char *p = strtok(list, "\n"); p; p = strtok(NULL, "\n")) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "groff -ww -man -z 'share/man/man1/%s' 2>&1", p);
        int st;
        char *warnings = S_sh(cmd, &st);
        ck_assert_msg(st == 0 && *warnings == '\0', "groff -ww on %s:\n%s", p, warnings);
        free(warnings);
        pages++;
    }
    ck_assert_uint_eq(pages, S_N_COMMANDS + 1);
    free(list);
}
END_TEST

START_TEST(man_pages_name_the_options_of_help)
{
    /* Each command's page names exactly the options its --help names. */
    for (size_t i = 0; i < S_N_COMMANDS; i++) {
        char page[64];
        snprintf(page, sizeof page, "stridec-%s.1", S_commands[i]);
        char *help = S_help(S_commands[i]), *man = S_man_text(page);
        tm_buf h, m;
        tm_buf_init(&h, 0);
        tm_buf_init(&m, 0);
        S_options(help, &h);
        S_options(man, &m);
        ck_assert_msg(strlen(h.data) > 6, "%s --help names no option", S_commands[i]);
        char *not_in_man = S_missing(h.data, m.data), *not_in_help = S_missing(m.data, h.data);
        ck_assert_msg(!*not_in_man, "%s: --help has%s, %s does not", S_commands[i], not_in_man, page);
        ck_assert_msg(!*not_in_help, "%s: %s has%s, --help does not", S_commands[i], page, not_in_help);
        free(not_in_man);
        free(not_in_help);
        tm_buf_free(&h);
        tm_buf_free(&m);
        free(help);
        free(man);
    }
    /* stridec(1) names every option and every command of stridec --help. */
    char *help = S_help(NULL), *man = S_man_text("stridec.1");
    tm_buf h, m;
    tm_buf_init(&h, 0);
    tm_buf_init(&m, 0);
    S_options(help, &h);
    S_options(man, &m);
    char *not_in_man = S_missing(h.data, m.data);
    ck_assert_msg(!*not_in_man, "stridec --help has%s, stridec.1 does not", not_in_man);
    free(not_in_man);
    for (size_t i = 0; i < S_N_COMMANDS; i++) {
        char see[64];
        snprintf(see, sizeof see, "stridec-%s(1)", S_commands[i]);
        ck_assert_msg(strstr(man, see), "stridec.1 does not point at %s", see);
        snprintf(see, sizeof see, "\n  %s ", S_commands[i]);
        ck_assert_msg(strstr(help, see), "stridec --help does not list %s", S_commands[i]);
    }
    tm_buf_free(&h);
    tm_buf_free(&m);
    free(help);
    free(man);
}
END_TEST

/* ----------------------------------------------------------- completion */

/* What the bash completion offers for the words (the last one is being
 * completed), run with `bin` in the folder `cwd` (NULL: the source tree),
 * from the completion file `script`. One word a line, sorted. */
static char *S_complete(const char *script, const char *bin, const char *cwd, const char *words)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && bash --norc --noprofile -c 'source \"$1\"; eval \"COMP_WORDS=($2)\"; "
             "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _stridec 2>/dev/null; "
             "printf \"%%s\\n\" \"${COMPREPLY[@]}\" | LC_ALL=C sort' sh '%s' '\"%s\" %s'",
             cwd ? cwd : tu_path(""), script, bin, words);
    int st;
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 4096)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    st = pclose(p);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "completion of %s failed", words);
    return buf;
}

/* The first column of a stridec listing, sorted, one a line. */
static char *S_first_column(const char *args)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "'%s' %s | awk '{ print $1 }' | LC_ALL=C sort", S_bin(), args);
    return S_sh(cmd, NULL);
}

#define S_SCRIPT "share/bash-completion/completions/stridec"

static void S_offers(const char *words, const char *want)
{
    char *got = S_complete(tu_path(S_SCRIPT), S_bin(), NULL, words);
    ck_assert_msg(strcmp(got, want) == 0, "completing [%s]:\n%s\nwanted:\n%s", words, got, want);
    free(got);
}

START_TEST(bash_completion)
{
    int st;
    char *syntax = S_sh("bash -n '" S_SCRIPT "' 2>&1", &st);
    ck_assert_msg(st == 0 && !*syntax, "bash -n: %s", syntax);
    free(syntax);
    S_offers("\"\"", "check\ndiff\nexport\nimport\ninit\nreport\nrules\ntypes\n");
    S_offers("ch", "check\n");
    S_offers("-q re", "report\n");
    S_offers("--col", "--color\n");
    S_offers("--color \"\"", "always\nauto\nnever\n");
    S_offers("--color = al", "always\n");
    S_offers("check --fail-on \"\"", "critical\nhigh\nlow\nmedium\n");
    S_offers("check --format = \"\"", "json\nsarif\ntext\n"); /* how bash splits --format= */
    S_offers("check --fo", "--format\n");
    S_offers("diff -f \"\"", "json\ntext\n");
    S_offers("report -f \"\"", "csv\ndot\nhtml\njson\nmd\npdf\npng\nsarif\nsvg\n");
    S_offers("report -f html,p", "html,pdf\nhtml,png\n");
    S_offers("report --paper \"\"", "a4\nletter\n");
    S_offers("report --dfd-direction \"\"", "LR\nTB\n");
    S_offers("report --wa", "--watch\n");
    S_offers("import --from \"\"", "cloudformation\nsam\nserverless\nterraform\nthreatdragon\n");
    S_offers("export --to \"\"", "json\nthreatdragon\nxml\nyaml\n");
    S_offers("rules \"\"", "list\nshow\n");
    S_offers("types \"\"", "list\nshow\n");
    S_offers("init --example \"\"", "minimal\nserverless-webapp\n");
    S_offers("rules show S3-PUBLIC-", "S3-PUBLIC-ACL\nS3-PUBLIC-WRITE\n");
    /* Rule ids and type names are the binary's own lists, whole. */
    char *ids = S_first_column("rules list");
    S_offers("rules show \"\"", ids);
    free(ids);
    char *types = S_first_column("types list");
    S_offers("types show \"\"", types);
    free(types);
    /* A team's rule file on the line counts. */
    ids = S_first_column("rules list --rules tests/rules-good/team.yaml");
    S_offers("rules --rules tests/rules-good/team.yaml show \"\"", ids);
    ck_assert_ptr_nonnull(strstr(ids, "TEAM-PUBLIC-LAMBDA\n"));
    free(ids);
    /* Models: folders and the files stridec reads, nothing else. */
    char *dir = tu_tmpdir();
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && touch a.yaml b.json c.xml d.yml notes.txt && mkdir sub", dir);
    ck_assert_int_eq(system(cmd), 0);
    char *got = S_complete(tu_path(S_SCRIPT), S_bin(), dir, "check \"\"");
    ck_assert_str_eq(got, "a.yaml\nb.json\nc.xml\nd.yml\nsub\n");
    free(got);
    got = S_complete(tu_path(S_SCRIPT), S_bin(), dir, "import n");
    ck_assert_str_eq(got, "notes.txt\n");
    free(got);
    got = S_complete(tu_path(S_SCRIPT), S_bin(), dir, "report -o \"\"");
    ck_assert_str_eq(got, "sub\n");
    free(got);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* -------------------------------------------------------------- install */

START_TEST(install_into_a_fresh_prefix)
{
    char *prefix = tu_tmpdir();
    const char *vars = getenv("STRIDEC_MAKE_VARS");
    char cmd[16384];
    /* The outer make's jobserver and level do not belong to this one. */
    snprintf(cmd, sizeof cmd,
             "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s %s install PREFIX='%s' > '%s/make.log' 2>&1",
             vars ? vars : "", prefix, prefix);
    int st;
    free(S_sh(cmd, &st));
    char log[4200];
    snprintf(log, sizeof log, "%s/make.log", prefix);
    char *text = tu_slurp(log, NULL);
    ck_assert_msg(st == 0, "make install failed:\n%s", text ? text : "");
    free(text);

    /* man finds every page in the prefix. */
    for (size_t i = 0; i <= S_N_COMMANDS; i++) {
        char page[64];
        if (i == S_N_COMMANDS)
            snprintf(page, sizeof page, "stridec");
        else
            snprintf(page, sizeof page, "stridec-%s", S_commands[i]);
        snprintf(cmd, sizeof cmd, "LC_ALL=C MANWIDTH=100 man -M '%s/share/man' -P cat %s 2>&1", prefix, page);
        char *out = S_sh(cmd, &st);
        char want[128];
        snprintf(want, sizeof want, "%s - ", page);
        ck_assert_msg(st == 0 && strstr(out, want), "man %s:\n%.500s", page, out);
        free(out);
    }
    /* The installed completion, with the installed binary. */
    char script[4200], bin[4200];
    snprintf(script, sizeof script, "%s/share/bash-completion/completions/stridec", prefix);
    snprintf(bin, sizeof bin, "%s/bin/stridec", prefix);
    char *got = S_complete(script, bin, NULL, "rules show APIGW-METHOD-N");
    ck_assert_str_eq(got, "APIGW-METHOD-NOAUTH\n");
    free(got);
    /* init points editors at the prefix's schema, which is there. */
    snprintf(cmd, sizeof cmd, "cd / && '%s' init | head -n 1", bin);
    char *line = S_sh(cmd, &st);
    char *real = realpath(prefix, NULL);
    char want[4200];
    snprintf(want, sizeof want, "# yaml-language-server: $schema=%s/share/stridec/schema/stridec-model.schema.json\n",
             real);
    ck_assert_str_eq(line, want);
    snprintf(want, sizeof want, "%s/share/stridec/schema/stridec-model.schema.json", real);
    ck_assert_int_eq(access(want, R_OK), 0);
    free(real);
    free(line);
    tu_rmtree(prefix);
    free(prefix);
}
END_TEST

Suite *suite_install(void)
{
    Suite *s = suite_create("install");
    TCase *tc = tcase_create("install");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, man_pages_are_clean_roff);
    tcase_add_test(tc, man_pages_name_the_options_of_help);
    tcase_add_test(tc, bash_completion);
    tcase_add_test(tc, install_into_a_fresh_prefix);
    suite_add_tcase(s, tc);
    return s;
}
