/* stridec types: list the type catalogue, or show one type in full. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stridec/analysis.h"

static const char S_help[] =
    "usage: stridec types [list]        [--share DIR]\n"
    "       stridec types show TYPE     [--share DIR]\n"
    "\n"
    "The element type catalogue: every `type` a model may give an element, with its\n"
    "DFD kind, the shared-responsibility split, implicit entry points and the\n"
    "operations to monitor.\n"
    "\n"
    "actions:\n"
    "  list                one type a line: name, kind, label (the default)\n"
    "  show TYPE           every field of one type\n"
    "\n"
    "options:\n"
    "  --share DIR         read DIR/types.yaml instead of the built-in catalogue\n"
    CLI_HELP_END
    "\n"
    "Exit status: 0 success; 2 unknown type, invalid catalogue or usage error.\n";

static void S_list(const tm_catalog *c)
{
    int w = 4;
    for (size_t i = 0; i < c->n_types; i++) {
        int n = (int)strlen(c->types[i]->name);
        if (n > w)
            w = n;
    }
    for (size_t i = 0; i < c->n_types; i++) {
        const tm_type_info *t = c->types[i];
        printf("%-*s  %-8s  %s\n", w, t->name, tm_kind_name(t->kind), t->label);
    }
}

static void S_items(const char *heading, const char *const *items, size_t n)
{
    printf("%s:%s\n", heading, n ? "" : " (none)");
    for (size_t i = 0; i < n; i++)
        printf("  - %s\n", items[i]);
}

static void S_show(const tm_type_info *t)
{
    printf("type:          %s\n", t->name);
    printf("label:         %s\n", t->label);
    printf("provider:      %s\n", t->provider && *t->provider ? t->provider : "(none)");
    printf("kind:          %s\n", tm_kind_name(t->kind));
    printf("managed:       %s\n",
           t->managed ? "yes (its management plane is an entry point)" : "no");
    printf("event source:  %s\n", t->event_source ? "yes" : "no");
    if (t->event_fields)
        printf("event fields:  %s\n", t->event_fields);
    S_items("provider secures", t->provider_secures, t->n_provider_secures);
    S_items("customer secures", t->customer_secures, t->n_customer_secures);
    S_items("entry points", t->entry_points, t->n_entry_points);
    S_items("monitor", t->monitor, t->n_monitor);
    if (t->loc.file)
        printf("defined at:    %s:%u:%u\n", t->loc.file, (unsigned)t->loc.line,
               (unsigned)t->loc.col);
}

static int S_unknown(const tm_catalog *c, const char *name)
{
    const char **names = tm_xmalloc((c->n_types + 1) * sizeof *names);
    for (size_t i = 0; i < c->n_types; i++)
        names[i] = c->types[i]->name;
    const char *near = tm_did_you_mean(name, names, c->n_types);
    if (near)
        cli_error("types: unknown type '%s' (did you mean '%s'?)", name, near);
    else
        cli_error("types: unknown type '%s' (see 'stridec types list')", name);
    free(names);
    return CLI_INVALID;
}

int cli_types(int argc, char **argv)
{
    const char *share = NULL;
    const char *words[3] = {NULL, NULL, NULL};
    size_t n_words = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(S_help, stdout);
            return CLI_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--share", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            share = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("types", "unknown option '%s'", argv[i]);
        if (n_words == sizeof words / sizeof words[0])
            return cli_usage("types", "unexpected argument '%s'", argv[i]);
        words[n_words++] = argv[i];
    }

    const char *action = NULL;
    int usage = cli_list_or_show("types", words, n_words, "type name", &action);
    if (usage != CLI_OK)
        return usage;

    tm_diags *d = tm_diags_new();
    tm_catalog *c = cli_load_catalog(share, d);
    cli_print_diags(d);
    tm_diags_free(d);
    if (!c)
        return CLI_INVALID;

    int status = CLI_OK;
    if (strcmp(action, "list") == 0) {
        S_list(c);
    } else {
        const tm_type_info *t = tm_catalog_find(c, words[1]);
        if (t)
            S_show(t);
        else
            status = S_unknown(c, words[1]);
    }
    tm_catalog_free(c);
    if (status == CLI_OK && fflush(stdout) != 0)
        status = CLI_OUTPUT;
    return status;
}
