/*
 * stridec import: a model derived from deployment files (CloudFormation,
 * SAM, serverless.yml, Terraform plan JSON) or a Threat Dragon model.
 *
 * The importer's tree is built with the one model builder (so an importer
 * bug cannot slip an invalid model out: it is reported as an internal
 * error), then exported as YAML (stdout, or -o FILE in the syntax its
 * extension names). A deployment file becomes an artifact of the model
 * itself (type deployment-script, `defines` = what was created from it), so
 * that check and report scan it for secrets; its `path` is relative to the
 * output model's folder (the current folder for stdout).
 */
#define _DEFAULT_SOURCE /* realpath() */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stridec/import.h"
#include "stridec/model.h"

static const char S_help[] =
    "usage: stridec import [--from cloudformation|sam|serverless|terraform|threatdragon] FILE\n"
    "                      [-o MODEL]\n"
    "\n"
    "Derives a stridec model from the files a team already has: a CloudFormation or\n"
    "SAM template (YAML or JSON), a serverless.yml, a Terraform plan in JSON\n"
    "(terraform show -json) or a Threat Dragon model. FILE may be - (standard input).\n"
    "\n"
    "Warnings name what was skipped (resource types stridec does not model, values\n"
    "it could not resolve) with file:line:col; a summary line says what was imported.\n"
    "A deployment file becomes an artifact of the model (type deployment-script), so\n"
    "that check and report scan it for secrets; its path is relative to MODEL's folder\n"
    "(the current folder for standard output).\n"
    "\n"
    "options:\n"
    "  --from cloudformation|sam|serverless|terraform|threatdragon\n"
    "                      the kind of FILE (default: told from its content)\n"
    "  -o, --output MODEL  write the model to MODEL (atomically), in the syntax its\n"
    "                      extension names: .yaml/.yml, .json or .xml (default: YAML\n"
    "                      to standard output)\n"
    CLI_HELP_END
    "\n"
    "Exit status: 0 imported; 2 bad usage or invalid input (nothing written);\n"
    "3 the output could not be written.\n";

/* The syntax -o FILE asks for by its extension, or NULL. */
static const char *S_syntax_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    if (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)
        return "yaml";
    if (strcmp(dot, ".json") == 0)
        return "json";
    if (strcmp(dot, ".xml") == 0)
        return "xml";
    return NULL;
}

/* The folder part of path ("." when none); caller frees. */
static char *S_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return tm_xstrdup(".");
    if (slash == path)
        return tm_xstrdup("/");
    size_t n = (size_t)(slash - path);
    char *d = tm_xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* `target` relative to the folder `base` (both absolute, canonical). */
static char *S_relative(const char *target, const char *base)
{
    size_t common = 0, i = 0;
    /* The longest common prefix ending at a folder boundary. */
    for (;; i++) {
        char t = target[i], b = base[i];
        if ((t == '/' || t == '\0') && (b == '/' || b == '\0'))
            common = i;
        if (t != b || t == '\0' || b == '\0')
            break;
    }
    tm_buf out;
    tm_buf_init(&out, 0);
    const char *rest = base + common;
    if (strcmp(base, "/") == 0)
        rest = "", common = 0;
    for (const char *p = rest; *p; p++)
        if (*p == '/' && p[1] != '\0')
            tm_buf_puts(&out, "../");
    const char *tail = target + common;
    while (*tail == '/')
        tail++;
    tm_buf_puts(&out, tail);
    return tm_buf_detach(&out);
}

/* A file name as an id: lower case, anything else '-', unique in `ids`. */
static const char *S_artifact_id(tm_arena *a, const char *file, tm_map *ids)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    tm_buf b;
    tm_buf_init(&b, 0);
    for (const char *p = base; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        char o = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a')
                 : ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) ? (char)ch
                                                                            : '-';
        if (o == '-' && (b.len == 0 || b.data[b.len - 1] == '-'))
            continue;
        tm_buf_putc(&b, o);
    }
    while (b.len && b.data[b.len - 1] == '-')
        b.data[--b.len] = '\0';
    const char *stem = b.len ? tm_arena_strdup(a, b.data) : "deployment-file";
    tm_buf_free(&b);
    const char *id = stem;
    for (int k = 2; tm_map_get(ids, id); k++)
        id = tm_arena_printf(a, "%s-%d", stem, k);
    return id;
}

static const tm_node *S_list(const tm_node *root, const char *key)
{
    const tm_node *l = tm_node_get(root, key);
    return l && l->kind == TM_NODE_LIST ? l : NULL;
}

static const char *S_text(const tm_node *map, const char *key)
{
    const tm_node *v = tm_node_get(map, key);
    return v && v->kind == TM_NODE_SCALAR ? v->text : NULL;
}

/* Element types that stand for people and systems outside the file. */
static int S_external(const tm_node *el)
{
    static const char *const types[] = {"user", "browser", "mobile-app", "generic.external",
                                        "third-party.api", "saas"};
    const char *kind = S_text(el, "kind"), *type = S_text(el, "type");
    const tm_node *oos = tm_node_get(el, "out_of_scope");
    if (kind && strcmp(kind, "external") == 0)
        return 1;
    if (oos && oos->kind == TM_NODE_SCALAR && oos->stype == TM_SCALAR_BOOL && oos->bval)
        return 1;
    for (size_t i = 0; type && i < sizeof types / sizeof *types; i++)
        if (strcmp(type, types[i]) == 0)
            return 1;
    return 0;
}

/* Add the imported file as an artifact of the model. */
static void S_add_artifact(tm_arena *a, tm_node *root, const char *file, const char *path)
{
    tm_map *ids = tm_map_new(64);
    static const char *const lists[] = {"data", "boundaries", "elements", "identities", "artifacts"};
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        const tm_node *l = S_list(root, lists[k]);
        for (size_t i = 0; l && i < l->n; i++) {
            const char *id = S_text(l->items[i], "id");
            if (id)
                tm_map_put(ids, id, (void *)id);
        }
    }
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    tm_node *art = tm_node_new(a, TM_NODE_MAP, root->file, root->line, root->col);
    tm_node_map_put(a, art, "id", root->line, root->col, tm_node_string(a, S_artifact_id(a, file, ids)));
    tm_node_map_put(a, art, "name", root->line, root->col, tm_node_string(a, base));
    tm_node_map_put(a, art, "type", root->line, root->col, tm_node_string(a, "deployment-script"));
    tm_node_map_put(a, art, "path", root->line, root->col, tm_node_string(a, path));
    tm_node_map_put(a, art, "origin", root->line, root->col, tm_node_string(a, "in-house"));
    tm_node *defines = tm_node_new(a, TM_NODE_LIST, root->file, root->line, root->col);
    const tm_node *els = S_list(root, "elements"), *idns = S_list(root, "identities");
    for (size_t i = 0; els && i < els->n; i++)
        if (!S_external(els->items[i]) && S_text(els->items[i], "id"))
            tm_node_list_push(a, defines, tm_node_string(a, S_text(els->items[i], "id")));
    for (size_t i = 0; idns && i < idns->n; i++)
        if (S_text(idns->items[i], "id"))
            tm_node_list_push(a, defines, tm_node_string(a, S_text(idns->items[i], "id")));
    if (defines->n)
        tm_node_map_put(a, art, "defines", root->line, root->col, defines);
    tm_node *list = tm_node_get(root, "artifacts");
    if (!list || list->kind != TM_NODE_LIST) {
        list = tm_node_new(a, TM_NODE_LIST, root->file, root->line, root->col);
        tm_node_map_put(a, root, "artifacts", root->line, root->col, list);
    }
    tm_node_list_push(a, list, art);
    tm_map_free(ids);
}

static size_t S_count(const tm_node *root, const char *key)
{
    const tm_node *l = S_list(root, key);
    return l ? l->n : 0;
}

int cli_import(int argc, char **argv)
{
    const char *from_name = NULL, *out = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(S_help, stdout);
            return CLI_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--from", NULL, &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            from_name = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            out = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("import", "unknown option '%s'", argv[i]);
        if (file)
            return cli_usage("import", "import takes one file");
        file = argv[i];
    }
    tm_import_from from = TM_IMPORT_AUTO;
    if (from_name) {
        int f = tm_import_from_parse(from_name);
        if (f < 0)
            return cli_usage("import",
                             "--from takes cloudformation, sam, serverless, terraform or threatdragon, not '%s'",
                             from_name);
        from = (tm_import_from)f;
    }
    if (!file)
        return cli_usage("import", "no file given");
    const char *syntax = "yaml";
    if (out && strcmp(out, "-") != 0) {
        syntax = S_syntax_of(out);
        if (!syntax)
            return cli_usage("import", "cannot tell the syntax of '%s' from its extension "
                                       "(.yaml, .yml, .json or .xml)", out);
    } else {
        out = NULL;
    }

    int status = CLI_OK;
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_model *m = NULL;
    char *abs_file = NULL, *file_dir = NULL, *base_dir = NULL, *base_abs = NULL, *rel = NULL;
    tm_buf b;
    tm_buf_init(&b, 0);

    const char *name = file;
    tm_node *src = cli_read_tree(a, file, &tm_read_import, &name, d);
    tm_node *tree = src ? tm_import_tree(a, src, name, &from, d) : NULL;
    if (!tree || tm_diags_errors(d)) {
        cli_print_diags(d);
        status = CLI_INVALID;
        goto done;
    }

    /* The file itself, as an artifact (deployment files only: a Threat
     * Dragon model is a model, not something that deploys). */
    abs_file = cli_is_stdin(file) ? NULL : realpath(file, NULL);
    if (from != TM_IMPORT_THREATDRAGON && abs_file) {
        base_dir = out ? S_dirname(out) : tm_xstrdup(".");
        base_abs = realpath(base_dir, NULL);
        if (!base_abs) {
            cli_error("import: cannot write into '%s': no such folder", base_dir);
            status = CLI_OUTPUT;
            goto done;
        }
        rel = S_relative(abs_file, base_abs);
        S_add_artifact(a, tree, file, rel);
    }

    /* Build: an error here is a bug of the importer, not of the input. */
    file_dir = abs_file ? S_dirname(abs_file) : tm_xstrdup(".");
    const char *allow[1] = {file_dir};
    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.allow_paths = allow;
    lo.n_allow_paths = 1;
    m = tm_model_build(tree, out ? out : "stdout.yaml", &lo, d);
    if (!m) {
        cli_error("internal error: the %s importer made a model that does not build; "
                  "this is a bug in stridec, please report it with the input file:",
                  tm_import_from_name(from));
        cli_print_diags(d);
        status = CLI_INVALID;
        goto done;
    }
    if (tm_model_export(m, syntax, &b, d) != 0) {
        cli_print_diags(d);
        status = CLI_OUTPUT;
        goto done;
    }
    cli_print_diags(d); /* warnings */
    size_t warnings = tm_diags_count(d) - tm_diags_errors(d);
    fprintf(stderr,
            "stridec: imported %s (%s): %zu element%s, %zu flow%s, %zu identit%s, %zu artifact%s; "
            "%zu warning%s\n",
            name, tm_import_from_name(from), S_count(tree, "elements"),
            S_count(tree, "elements") == 1 ? "" : "s", S_count(tree, "flows"),
            S_count(tree, "flows") == 1 ? "" : "s", S_count(tree, "identities"),
            S_count(tree, "identities") == 1 ? "y" : "ies", S_count(tree, "artifacts"),
            S_count(tree, "artifacts") == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    if (rel && strncmp(rel, "../", 3) == 0)
        fprintf(stderr,
                "stridec: note: %s is outside the model's folder: run check and report with "
                "--allow-path %s\n",
                file, file_dir);
    status = cli_write_output(out, &b, d);
    if (status != CLI_OK)
        cli_print_diags(d);
done:
    tm_buf_free(&b);
    tm_model_free(m);
    free(abs_file);
    free(file_dir);
    free(base_dir);
    free(base_abs);
    free(rel);
    tm_diags_free(d);
    tm_arena_free(a);
    return status;
}
