/* stridec rules: list the rule library, or show one rule in full. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stridec/analysis.h"

static const char S_help[] =
    "usage: stridec rules [list]     [--rules FILE]... [--share DIR]\n"
    "       stridec rules show ID    [--rules FILE]... [--share DIR]\n"
    "\n"
    "The rule library: the built-in rules plus any rule files given with --rules.\n"
    "\n"
    "actions:\n"
    "  list                one rule a line: id, STRIDE letters, what it applies to, title\n"
    "                      (the default)\n"
    "  show ID             every field of one rule, with its condition, references and\n"
    "                      the operations to monitor\n"
    "\n"
    "options:\n"
    "  --rules FILE        add a rule file (YAML, JSON or XML); repeatable\n"
    "  --share DIR         read the rules in DIR/rules/ instead of the built-in ones\n"
    CLI_HELP_END
    "\n"
    "Exit status: 0 success; 2 unknown rule, invalid rule file or usage error.\n";

#define S_MAX_FILES 64

/* The letters a rule has, in STRIDE order ("TID"). */
static void S_letters(unsigned set, char out[7])
{
    size_t k = 0;
    for (size_t i = 0; i < 6; i++)
        if (set & (1u << i))
            out[k++] = TM_STRIDE_LETTERS[i];
    out[k] = '\0';
}

/* The native rules the engine runs besides the library (engine.h): those
 * the library does not override by id. */
static const tm_rule *S_native(const tm_ruleset *rs, size_t i)
{
    size_t n = 0;
    const tm_rule *native = tm_native_rules(&n);
    if (i >= n || tm_ruleset_find(rs, native[i].id))
        return NULL;
    return &native[i];
}

/* The attack paths' finding rule (ATTACK-PATH), unless the library has a
 * rule of that id; NULL when there is none. */
static const tm_rule *S_path_rule(const tm_ruleset *rs)
{
    tm_diags *d = tm_diags_new();
    const tm_rule *r = tm_attack_path_rule(rs->arena, d);
    tm_diags_free(d);
    return r && !tm_ruleset_find(rs, r->id) ? r : NULL;
}

static const tm_rule *S_find(const tm_ruleset *rs, const char *id)
{
    const tm_rule *r = tm_ruleset_find(rs, id);
    const tm_rule *path = r ? NULL : S_path_rule(rs);
    if (path && strcmp(path->id, id) == 0)
        r = path;
    size_t n = 0;
    tm_native_rules(&n);
    for (size_t i = 0; !r && i < n; i++) {
        const tm_rule *x = S_native(rs, i);
        if (x && strcmp(x->id, id) == 0)
            r = x;
    }
    return r;
}

static void S_list_one(const tm_rule *r, int w)
{
    char letters[7];
    S_letters(r->stride, letters);
    printf("%-*s  %-6s  %-8s  %s\n", w, r->id, letters, tm_applies_name(r->applies_to), r->title);
}

static void S_list(const tm_ruleset *rs)
{
    size_t n_native = 0;
    tm_native_rules(&n_native);
    int w = 2;
    for (size_t i = 0; i < rs->n_rules; i++) {
        int n = (int)strlen(rs->rules[i]->id);
        if (n > w)
            w = n;
    }
    for (size_t i = 0; i < rs->n_rules; i++)
        S_list_one(rs->rules[i], w);
    for (size_t i = 0; i < n_native; i++)
        if (S_native(rs, i))
            S_list_one(S_native(rs, i), w);
    const tm_rule *path = S_path_rule(rs);
    if (path)
        S_list_one(path, w);
}

/* A text field, with continuation lines indented under the first. */
static void S_field(const char *label, const char *text)
{
    printf("%-13s", label);
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n' && p[1])
            fputs("             ", stdout);
    }
    if (!*text || text[strlen(text) - 1] != '\n')
        putchar('\n');
}

static void S_show(const tm_rule *r)
{
    static const char *const words[] = {"Spoofing", "Tampering", "Repudiation",
                                        "Information disclosure", "Denial of service",
                                        "Elevation of privilege"};
    printf("%-13s%s\n", "id:", r->id);
    S_field("title:", r->title);
    printf("%-13s%s\n", "applies to:", tm_applies_name(r->applies_to));
    printf("%-13s", "stride:");
    int first = 1;
    for (size_t i = 0; i < 6; i++)
        if (r->stride & (1u << i)) {
            printf("%s%c (%s)", first ? "" : ", ", TM_STRIDE_LETTERS[i], words[i]);
            first = 0;
        }
    putchar('\n');
    printf("%-13s%s\n", "likelihood:", tm_likelihood_name(r->likelihood));
    printf("%-13s%s\n", "impact:", tm_impact_name(r->impact));
    /* Artifact and model threats carry no data, so they are never raised. */
    int raised = r->applies_to != TM_APPLIES_ARTIFACT && r->applies_to != TM_APPLIES_MODEL;
    printf("%-13s%s%s\n", "severity:",
           tm_severity_name(tm_score(r->likelihood, r->impact, TM_CLASS_NONE)),
           raised ? " (raised one level for restricted data, and up to high for confidential data)" : "");
    S_field("when:", r->when_text ? r->when_text : "(decided by the engine: advisory matches)");
    if (r->description)
        S_field("description:", r->description);
    S_field("mitigation:", r->mitigation);
    printf("references:%s\n", r->n_references ? "" : " (none)");
    for (size_t i = 0; i < r->n_references; i++)
        printf("  - %s\n", r->references[i]);
    printf("monitor:%s\n", r->n_monitor ? "" : " (none)");
    for (size_t i = 0; i < r->n_monitor; i++)
        printf("  - %s\n", r->monitor[i]);
    if (r->include_out_of_scope)
        printf("%-13s%s\n", "scope:", "also runs on out-of-scope elements");
    if (r->loc.file)
        printf("%-13s%s:%u:%u%s\n", "defined at:", r->loc.file, (unsigned)r->loc.line,
               (unsigned)r->loc.col, r->builtin ? " (built-in)" : "");
}

static int S_unknown(const tm_ruleset *rs, const char *id)
{
    const char **ids = tm_xmalloc((rs->n_rules + 1) * sizeof *ids);
    for (size_t i = 0; i < rs->n_rules; i++)
        ids[i] = rs->rules[i]->id;
    const char *near = tm_did_you_mean(id, ids, rs->n_rules);
    if (near)
        cli_error("rules: unknown rule '%s' (did you mean '%s'?)", id, near);
    else
        cli_error("rules: unknown rule '%s' (see 'stridec rules list')", id);
    free(ids);
    return CLI_INVALID;
}

int cli_rules(int argc, char **argv)
{
    const char *share = NULL;
    const char *files[S_MAX_FILES];
    size_t n_files = 0;
    const char *words[3] = {NULL, NULL, NULL};
    size_t n_words = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(S_help, stdout);
            return CLI_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--rules", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (n_files == S_MAX_FILES)
                return cli_usage("rules", "too many --rules options (at most %d)", S_MAX_FILES);
            files[n_files++] = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--share", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            share = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("rules", "unknown option '%s'", argv[i]);
        if (n_words == sizeof words / sizeof words[0])
            return cli_usage("rules", "unexpected argument '%s'", argv[i]);
        words[n_words++] = argv[i];
    }

    const char *action = NULL;
    int usage = cli_list_or_show("rules", words, n_words, "rule id", &action);
    if (usage != CLI_OK)
        return usage;

    tm_diags *d = tm_diags_new();
    tm_ruleset *rs = tm_ruleset_new();
    int bad = cli_load_rules(rs, share, files, n_files, d) != 0;
    cli_print_diags(d);
    tm_diags_free(d);
    if (bad) {
        tm_ruleset_free(rs);
        return CLI_INVALID;
    }

    int status = CLI_OK;
    if (strcmp(action, "list") == 0) {
        S_list(rs);
    } else {
        const tm_rule *r = S_find(rs, words[1]);
        if (r)
            S_show(r);
        else
            status = S_unknown(rs, words[1]);
    }
    tm_ruleset_free(rs);
    if (status == CLI_OK && fflush(stdout) != 0)
        status = CLI_OUTPUT;
    return status;
}
